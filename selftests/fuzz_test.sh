#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fuzz_test.sh: sipc-fuzz for a bounded time (SIPC_FUZZ_SECS, else 60 s,
# 150 s on the debug kernel where KCOV guides it), as one kselftest-style
# TAP test: it fails on any kernel splat the fuzzer sees, or an invariant
# it checks broken (contexts left behind among them), which it reports
# with the programs that led to it (saved under /tmp/sipc-fuzz).
#
# A long run: SIPC_FUZZ_LONG=1 is an hour (SIPC_FUZZ_SECS still wins);
# give the VM the time and the boot on top, e.g.
#   tools/sipc-vm --kernel 7.2 --timeout 4000 -- \
#	sh -c 'SIPC_FUZZ_LONG=1 /usr/libexec/sipc/fuzz_test.sh'
# The fuzzer's lines go through as they come, so a run cut short by the
# VM's time-out still shows how far it got.
FUZZ=$(command -v sipc-fuzz || echo /usr/bin/sipc-fuzz)
case $(uname -r) in
*-sipc-debug) secs=150 ;;
*) secs=60 ;;
esac
[ "${SIPC_FUZZ_LONG:-0}" = 1 ] && secs=3600
secs=${SIPC_FUZZ_SECS:-$secs}

echo "TAP version 13"
echo "1..1"
if [ ! -x "$FUZZ" ]; then
	echo "ok 1 fuzz # SKIP no sipc-fuzz"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
echo "# sipc-fuzz for $secs s"
stf=${TMPDIR:-/tmp}/fuzz_test.$$
# Its count lines go through as they are, the rest as diagnostics.
{
	"$FUZZ" --time "$secs" --procs 3 --out /tmp/sipc-fuzz 2>&1
	echo $? >"$stf"
} | sed 's/^\([^#]\)/# \1/'
st=$(cat "$stf" 2>/dev/null || echo 1)
rm -f "$stf"
if [ "$st" -eq 0 ]; then
	echo "ok 1 fuzz"
	echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
else
	echo "not ok 1 fuzz"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
fi
exit "$st"
