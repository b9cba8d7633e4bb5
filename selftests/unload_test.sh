#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# unload_test.sh: rmmod under load. While stress_test's mixed load runs and
# this shell holds the module open, every rmmod is refused and the load
# does not notice; once the last user is gone rmmod succeeds, the device
# goes, and nothing was counted leaked. The module is loaded again after,
# with the parameters the VM loaded it with. Prints kselftest-style TAP.
KO=${SIPC_KO:-/lib/modules/sipc.ko}
DIR=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/unload_test.$$
pass=0 fail=0

result() {
	if [ "$2" -eq 0 ]; then
		echo "ok $1 $3"
		pass=$((pass + 1))
	else
		echo "not ok $1 $3"
		fail=$((fail + 1))
	fi
}

echo "TAP version 13"
echo "1..2"
if ! grep -q '^sipc ' /proc/modules; then
	echo "ok 1 refused_under_load # SKIP sipc is not loaded"
	echo "ok 2 clean_when_unused # SKIP sipc is not loaded"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:2 error:0"
	exit 0
fi

# 1: refused while a user (us) holds the module and the load runs. The
# control device holds it without a context of its own, which the load
# would count as one still in use at its end.
holder=/dev/sipc-control
[ -e $holder ] || holder=/dev/sipc
exec 3<$holder
SIPC_ONLY=mixed "$DIR/stress_test" >"$out" 2>&1 &
load=$!
tries=0 refused=0
while kill -0 "$load" 2>/dev/null; do
	tries=$((tries + 1))
	if rmmod sipc 2>/dev/null; then
		echo "# rmmod went through while in use (try $tries)"
		break
	fi
	refused=$((refused + 1))
	sleep 0.2
done
wait "$load"
st=$?
grep -E '^# (Totals|mixed)|not ok|check failed|still in use' "$out" |
	sed 's/^/# stress: /'
echo "# rmmod refused $refused times under load"
[ "$st" -eq 0 ] && [ "$refused" -gt 0 ] && [ "$refused" -eq "$tries" ]
result 1 $? refused_under_load

# 2: clean once the last user is gone.
exec 3<&-
before=$(dmesg | grep -c 'leaked')
ok=1
i=0
while ! rmmod sipc 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "# rmmod still refused when unused"; ok=0; break; }
	sleep 0.2
done
if [ $ok = 1 ]; then
	[ -e /dev/sipc ] && { echo "# /dev/sipc outlived the module"; ok=0; }
	after=$(dmesg | grep -c 'leaked')
	[ "$after" -eq "$before" ] || { echo "# the unload found leaks:"; dmesg | grep 'leaked' | sed 's/^/# /'; ok=0; }
	# shellcheck disable=SC2046
	insmod "$KO" $(cat /etc/sipc-vm/params 2>/dev/null) ||
		{ echo "# insmod failed"; ok=0; }
fi
[ $ok = 1 ]
result 2 $? clean_when_unused
rm -f "$out"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
