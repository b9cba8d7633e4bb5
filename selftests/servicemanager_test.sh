#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# servicemanager_test.sh: sipc-servicemanager's policy. Who may add which
# names comes from its config file: the first matching "allow|deny USER
# PATTERN [label=GLOB]" line decides and no match refuses (label= matches
# the sender's AppArmor label, with a profile loaded in the guest); without the default file
# everyone may add anything; a broken file stops it from starting. It
# logs each refusal and leaves cleanly on SIGTERM. Prints kselftest-style
# TAP.
#
# Runs as root in the dev VM (busybox sh) with sipc loaded; needs
# sipc-servicemanager, sipc-echo-service and sipcctl on PATH, and the
# user nobody.

TMP=${TMPDIR:-/tmp}/servicemanager_test.$$
DEFAULT_CONF=/etc/sipc/servicemanager.conf
NTESTS=10
mkdir -p "$TMP"

num=0 pass=0 fail=0
manager=

diag() {
	echo "$*" | sed 's/^/# /'
}

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

# start_manager [ARGS...]: run it, wait (5 s) until handle 0 answers.
start_manager() {
	sipc-servicemanager "$@" 2>"$TMP/log" &
	manager=$!
	i=0
	while ! sipcctl list >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $manager 2>/dev/null; then
			diag "the manager did not start:"
			diag "$(cat "$TMP/log")"
			return 1
		fi
		usleep 50000
	done
	return 0
}

stop_manager() {
	[ -n "$manager" ] || return 0
	kill -TERM $manager 2>/dev/null
	wait $manager
	st=$?
	manager=
	return $st
}

# try_add USER NAME: 0 if USER may add NAME, 1 if refused, 2 if unclear.
try_add() {
	su -s /bin/sh "$1" -c "exec ${ECHO_SERVICE:-sipc-echo-service} -n $2" \
		>"$TMP/svc.out" 2>&1 &
	svc=$!
	i=0
	st=2
	while [ $i -lt 100 ]; do
		if sipcctl list 2>/dev/null | grep -q "^$2 "; then
			st=0
			break
		fi
		if ! kill -0 $svc 2>/dev/null; then
			grep -q "not permitted" "$TMP/svc.out" && st=1
			break
		fi
		i=$((i + 1))
		usleep 50000
	done
	kill -TERM $svc 2>/dev/null
	wait $svc 2>/dev/null
	[ $st -eq 2 ] && diag "$1 $2: $(cat "$TMP/svc.out")"
	# Wait for the name to go with its server.
	i=0
	while sipcctl list 2>/dev/null | grep -q "^$2 " && [ $i -lt 100 ]; do
		i=$((i + 1))
		usleep 50000
	done
	return $st
}

expect_add() {
	try_add "$1" "$2"
	got=$?
	if [ $got -ne "$3" ]; then
		diag "$1 adding $2: got $got, want $3 (0 allowed, 1 refused)"
		return 1
	fi
	return 0
}

test_rules() {
	cat >"$TMP/conf" <<-EOT
	# comments and blank lines are fine

	allow root   sys.*
	deny  root   secret.*   # trailing comment
	allow nobody app.*
	allow 65534  nb.*
	deny  *      *
	EOT
	start_manager -c "$TMP/conf" || return 1
	st=0
	expect_add root sys.one 0 || st=1
	expect_add root secret.one 1 || st=1
	expect_add root other 1 || st=1
	expect_add nobody app.one 0 || st=1
	expect_add nobody sys.two 1 || st=1
	expect_add nobody nb.one 0 || st=1
	stop_manager || st=1
	return $st
}

test_first_match_wins() {
	printf 'allow root x.*\ndeny root x.*\ndeny nobody y.*\nallow * y.*\n' \
		>"$TMP/conf"
	start_manager -c "$TMP/conf" || return 1
	st=0
	expect_add root x.one 0 || st=1
	expect_add nobody y.one 1 || st=1
	expect_add root y.two 0 || st=1
	stop_manager || st=1
	return $st
}

test_no_match_refused() {
	echo "allow root only.this" >"$TMP/conf"
	start_manager -c "$TMP/conf" || return 1
	st=0
	expect_add root only.this 0 || st=1
	expect_add root only.that 1 || st=1
	expect_add nobody only.this 1 || st=1
	stop_manager || st=1
	return $st
}

test_empty_file_refuses_all() {
	: >"$TMP/conf"
	start_manager -c "$TMP/conf" || return 1
	st=0
	expect_add root any.name 1 || st=1
	stop_manager || st=1
	return $st
}

test_no_file_allows_all() {
	st=0
	[ -f $DEFAULT_CONF ] && mv $DEFAULT_CONF "$TMP/default.conf"
	start_manager || st=1
	if [ $st -eq 0 ]; then
		expect_add nobody any.name 0 || st=1
		grep -q "anyone may add any name" "$TMP/log" || st=1
		stop_manager || st=1
	fi
	[ -f "$TMP/default.conf" ] && mv "$TMP/default.conf" $DEFAULT_CONF
	return $st
}

test_refusals_logged() {
	echo "deny * *" >"$TMP/conf"
	start_manager -c "$TMP/conf" || return 1
	expect_add nobody logged.name 1
	st=$?
	stop_manager || st=1
	if ! grep -q 'refused "logged.name" to pid [0-9]* uid 65534: policy' \
		"$TMP/log"; then
		diag "no refusal in the log:"
		diag "$(cat "$TMP/log")"
		st=1
	fi
	return $st
}

test_bad_files_refused() {
	st=0
	for bad in "permit root *" "allow root" "allow nosuchuser *" \
		   "allow root a b" "allow root a label=b c"; do
		echo "$bad" >"$TMP/conf"
		sipc-servicemanager -c "$TMP/conf" 2>"$TMP/log" &
		pid=$!
		i=0
		while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do
			i=$((i + 1))
			usleep 20000
		done
		if kill -0 $pid 2>/dev/null; then
			diag "\"$bad\": the manager started anyway"
			kill -9 $pid
			st=1
		fi
		wait $pid
		code=$?
		[ $code -eq 2 ] || { diag "\"$bad\": exit $code"; st=1; }
	done
	sipc-servicemanager -c "$TMP/missing" 2>/dev/null
	[ $? -eq 2 ] || st=1
	return $st
}

test_sigterm_clean() {
	echo "allow * *" >"$TMP/conf"
	start_manager -c "$TMP/conf" || return 1
	stop_manager
	st=$?
	grep -q "stopped" "$TMP/log" || st=1
	# Handle 0 is free again.
	start_manager -c "$TMP/conf" || st=1
	stop_manager || st=1
	return $st
}

test_second_manager_refused() {
	echo "allow * *" >"$TMP/conf"
	start_manager -c "$TMP/conf" || return 1
	sipc-servicemanager -c "$TMP/conf" 2>"$TMP/log2"
	code=$?
	st=0
	[ $code -eq 1 ] || { diag "second manager: exit $code"; st=1; }
	grep -q "cannot claim handle 0" "$TMP/log2" || st=1
	stop_manager || st=1
	return $st
}

# Why AppArmor cannot confine a test server here, or nothing.
aa_unavailable() {
	grep -qs apparmor /sys/kernel/security/lsm ||
		{ echo "AppArmor is not an active LSM"; return; }
	for p in /usr/bin/apparmor_parser /usr/sbin/apparmor_parser \
		 /sbin/apparmor_parser; do
		[ -x $p ] && parser=$p
	done
	[ -n "$parser" ] || { echo "no apparmor_parser"; return; }
	printf 'profile sipc_sm_labeled {\n  file,\n  capability,\n  signal,\n  ptrace,\n  unix,\n  network,\n}\n' \
		>"$TMP/profile"
	$parser -r -K -q "$TMP/profile" || echo "apparmor_parser failed"
}

# label=GLOB: the rule matches a sender whose AppArmor label matches.
test_labels() {
	why=$(aa_unavailable)
	if [ -n "$why" ]; then
		skip_reason=$why
		return 0
	fi
	cat >"$TMP/conf" <<-EOT
	allow *   labeled.*  label=sipc_sm_labeled*
	deny  *   labeled.*
	allow *   *
	EOT
	start_manager -c "$TMP/conf" || return 1
	st=0
	printf '#!/bin/sh\necho "exec sipc_sm_labeled" >/proc/self/attr/apparmor/exec 2>/dev/null || echo "exec sipc_sm_labeled" >/proc/self/attr/exec\nexec sipc-echo-service "$@"\n' \
		>"$TMP/confined-echo"
	chmod 755 "$TMP/confined-echo"
	ECHO_SERVICE=$TMP/confined-echo
	expect_add root labeled.one 0 || st=1
	ECHO_SERVICE=
	expect_add root labeled.two 1 || st=1
	expect_add root other.one 0 || st=1
	grep -q 'refused "labeled.two" .* label unconfined' "$TMP/log" ||
		{ diag "$(cat "$TMP/log")"; st=1; }
	stop_manager || st=1
	return $st
}

echo "TAP version 13"
echo "1..$NTESTS"
for t in rules first_match_wins no_match_refused empty_file_refuses_all \
	 no_file_allows_all refusals_logged bad_files_refused sigterm_clean \
	 second_manager_refused labels; do
	skip_reason=
	test_$t
	st=$?
	if [ -n "$skip_reason" ]; then
		num=$((num + 1))
		echo "ok $num - $t # SKIP $skip_reason"
		skipped=$((skipped + 1))
	else
		result "$t" $st
	fi
	stop_manager >/dev/null 2>&1
done
if [ $num -ne $NTESTS ]; then
	diag "ran $num tests, planned $NTESTS"
	fail=$((fail + 1))
fi
rm -rf "$TMP"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:${skipped:-0} error:0"
[ $fail -eq 0 ]
