#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# module_test.sh: loading and unloading sipc.ko. The module comes and goes
# with its device node, cannot go while anyone holds the device (an open
# descriptor or only a mapping), leaves nothing behind when it goes, and
# its max_area_size parameter bounds mmap, at load time and when changed
# later. Prints kselftest-style TAP.
#
# Runs as root in the dev VM (busybox sh) with sipc loaded, and leaves it
# loaded with its default parameters. Needs area_test beside it.

KO=${SIPC_KO:-/lib/modules/sipc.ko}
DIR=$(cd "$(dirname "$0")" && pwd)
HELPER=$DIR/area_test
PARAM=/sys/module/sipc/parameters/max_area_size
TMP=${TMPDIR:-/tmp}/module_test.$$
NTESTS=11

num=0 pass=0 fail=0 skip=0
default_max=

diag() {
	echo "$*" | sed 's/^/# /'
}

# result NAME STATUS: one TAP line for the test just run.
result() {
	num=$((num + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $num - $1"
		pass=$((pass + 1))
	else
		echo "not ok $num - $1"
		fail=$((fail + 1))
	fi
}

loaded() {
	grep -q '^sipc ' /proc/modules
}

# The module's reference count, the third field of /proc/modules; -1 if
# it is not loaded.
refcnt() {
	awk '$1 == "sipc" { n = $3 } END { print (n == "" ? -1 : n) }' \
		/proc/modules
}

# wait_refcnt N: up to 5 s for whoever we started to open or close.
wait_refcnt() {
	i=0
	while [ "$(refcnt)" != "$1" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && return 1
		sleep 0.1
	done
	return 0
}

# Each test starts from a loaded module, whatever the one before did.
ensure_loaded() {
	loaded || insmod "$KO" || diag "cannot load $KO"
}

try_rmmod() {
	out=$(rmmod sipc 2>&1)
	rc=$?
	[ -n "$out" ] && diag "$out"
	return $rc
}

# expect_map BYTES STATUS: area_test --map must exit with STATUS (0: the
# mmap worked, 1: it was refused, and then with EINVAL).
expect_map() {
	out=$("$HELPER" --map "$1")
	rc=$?
	if [ "$rc" -ne "$2" ]; then
		diag "mmap of $1 bytes: exit $rc, want $2"
		[ -n "$out" ] && diag "$out"
		return 1
	fi
	if [ "$2" -eq 1 ]; then
		case $out in
		*"Invalid argument"*) ;;
		*) diag "mmap of $1 bytes refused, not with EINVAL: $out"
		   return 1 ;;
		esac
	fi
	return 0
}

test_loaded() {
	loaded || { diag "sipc is not in /proc/modules"; return 1; }
	[ -c /dev/sipc ] || { diag "/dev/sipc is not a char device"; return 1; }
	[ "$(refcnt)" = 0 ] || { diag "refcount $(refcnt), want 0"; return 1; }
	return 0
}

# The device node follows the module, and each load works (an area maps).
test_reload() {
	i=1
	while [ $i -le 10 ]; do
		try_rmmod || { diag "rmmod #$i failed"; return 1; }
		if loaded || [ -e /dev/sipc ]; then
			diag "sipc still there after rmmod #$i"
			return 1
		fi
		insmod "$KO" || { diag "insmod #$i failed"; return 1; }
		[ -c /dev/sipc ] || { diag "no /dev/sipc after insmod #$i"; return 1; }
		expect_map 65536 0 || return 1
		i=$((i + 1))
	done
	default_max=$(cat "$PARAM")
	diag "default max_area_size: $default_max"
	return 0
}

test_insmod_twice() {
	if insmod "$KO" 2>/dev/null; then
		diag "a second insmod succeeded"
		return 1
	fi
	loaded && [ -c /dev/sipc ] && [ "$(refcnt)" = 0 ]
}

# A shell redirect holds /dev/sipc open (read-only) while sleep runs.
test_busy_open() {
	# shellcheck disable=SC2217 # the redirect is the point
	sleep 30 </dev/sipc &
	pid=$!
	st=0
	if ! wait_refcnt 1; then
		diag "the open did not take a reference: $(refcnt)"
		st=1
	elif try_rmmod; then
		diag "rmmod succeeded with /dev/sipc open"
		st=1
	fi
	loaded && [ -c /dev/sipc ] || st=1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	wait_refcnt 0 || { diag "refcount $(refcnt) after close"; st=1; }
	return $st
}

# Only a mapping is left (its descriptor closed): still busy.
test_busy_mapped() {
	"$HELPER" --hold 65536 >"$TMP.hold" &
	pid=$!
	st=0
	i=0
	while ! grep -q '^ready' "$TMP.hold" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 50 ]; then
			diag "area_test --hold did not map: $(cat "$TMP.hold")"
			st=1
			break
		fi
		sleep 0.1
	done
	if [ $st -eq 0 ]; then
		if [ "$(refcnt)" != 1 ]; then
			diag "refcount $(refcnt) with one mapping, want 1"
			st=1
		elif try_rmmod; then
			diag "rmmod succeeded with an area still mapped"
			st=1
		fi
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$TMP.hold"
	wait_refcnt 0 || { diag "refcount $(refcnt) after exit"; st=1; }
	loaded && [ -c /dev/sipc ] || st=1
	return $st
}

leak_reports() {
	dmesg | grep -c 'sipc: .*leaked'
}

# A process that exits holding buffers (one-way ones pin their node) must
# leave nothing behind: the unload reports any object still counted.
test_unload_clean() {
	before=$(leak_reports)
	out=$("$HELPER" --leave)
	rc=$?
	[ -n "$out" ] && diag "$out"
	[ $rc -eq 0 ] || { diag "area_test --leave: exit $rc"; return 1; }
	wait_refcnt 0 || { diag "refcount $(refcnt) after exit"; return 1; }
	try_rmmod || return 1
	after=$(leak_reports)
	insmod "$KO" || { diag "insmod failed"; return 1; }
	if [ "$after" != "$before" ]; then
		diag "$(dmesg | grep 'sipc: .*leaked' | tail -n 5)"
		return 1
	fi
	return 0
}

test_param_at_load() {
	try_rmmod || return 1
	insmod "$KO" max_area_size=131072 || { diag "insmod failed"; return 1; }
	st=0
	[ "$(cat "$PARAM")" = 131072 ] || { diag "param $(cat "$PARAM")"; st=1; }
	expect_map 131072 0 || st=1
	expect_map 135168 1 || st=1
	expect_map 1048576 1 || st=1
	# Back to the defaults for what follows.
	if ! try_rmmod || ! insmod "$KO"; then
		diag "reload with defaults failed"
		st=1
	fi
	return $st
}

test_param_at_runtime() {
	old=$(cat "$PARAM") || return 1
	st=0
	echo 131072 >"$PARAM" || return 1
	expect_map 1048576 1 || st=1
	echo "$old" >"$PARAM" || st=1
	expect_map 1048576 0 || st=1
	return $st
}

# instances= at load makes each /dev/sipc-<name>; they go with the module.
test_param_instances() {
	try_rmmod || return 1
	insmod "$KO" instances=alpha,beta_2 || { diag "insmod failed"; return 1; }
	st=0
	for n in alpha beta_2; do
		[ -c /dev/sipc-$n ] || { diag "no /dev/sipc-$n"; st=1; }
		[ -r /proc/sipc/instances/$n/stats ] || st=1
	done
	try_rmmod || st=1
	[ -e /dev/sipc-alpha ] && { diag "/dev/sipc-alpha outlived rmmod"; st=1; }
	# A bad name refuses the whole load.
	if insmod "$KO" instances=Bad/Name 2>/dev/null; then
		diag "instances=Bad/Name accepted"
		try_rmmod
		st=1
	fi
	insmod "$KO" || st=1
	return $st
}

# Nonsense limits are refused and leave the old one in place.
test_param_bounds() {
	old=$(cat "$PARAM") || return 1
	st=0
	for bad in 0 4096 65535 69632x 2147483648 abc; do
		if echo "$bad" 2>/dev/null >"$PARAM"; then
			diag "max_area_size=$bad accepted"
			st=1
		fi
	done
	[ "$(cat "$PARAM")" = "$old" ] || st=1
	echo 1073741824 >"$PARAM" || st=1
	echo "$old" >"$PARAM" || st=1
	return $st
}

test_left_default() {
	test_loaded || return 1
	if [ -z "$default_max" ] || [ "$(cat "$PARAM")" != "$default_max" ]; then
		diag "max_area_size $(cat "$PARAM"), default ${default_max:-unknown}"
		return 1
	fi
	return 0
}

echo "TAP version 13"
echo "1..$NTESTS"
for t in loaded reload insmod_twice busy_open busy_mapped unload_clean \
	 param_at_load param_at_runtime param_bounds param_instances; do
	ensure_loaded
	test_$t
	result "$t" $?
done
# No ensure_loaded here: this one checks what the others left behind.
test_left_default
result left_default $?
if [ $num -ne $NTESTS ]; then
	diag "ran $num tests, planned $NTESTS"
	fail=$((fail + 1))
fi
ensure_loaded
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail -eq 0 ]
