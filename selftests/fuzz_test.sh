#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fuzz_test.sh: sipc-fuzz for a bounded time (SIPC_FUZZ_SECS, else 60 s,
# 150 s on the debug kernel where KCOV guides it), as one kselftest-style
# TAP test: it fails on any kernel splat the fuzzer sees, which it
# reports with the programs that led to it (saved under /tmp/sipc-fuzz).
FUZZ=$(command -v sipc-fuzz || echo /usr/bin/sipc-fuzz)
case $(uname -r) in
*-sipc-debug) secs=${SIPC_FUZZ_SECS:-150} ;;
*) secs=${SIPC_FUZZ_SECS:-60} ;;
esac

echo "TAP version 13"
echo "1..1"
if [ ! -x "$FUZZ" ]; then
	echo "ok 1 fuzz # SKIP no sipc-fuzz"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
echo "# sipc-fuzz for $secs s"
out=${TMPDIR:-/tmp}/fuzz_test.$$
"$FUZZ" --time "$secs" --procs 3 --out /tmp/sipc-fuzz >"$out" 2>&1
st=$?
# Its count lines go through as they are, the rest as diagnostics.
sed 's/^\([^#]\)/# \1/' "$out"
rm -f "$out"
if [ "$st" -eq 0 ]; then
	echo "ok 1 fuzz"
	echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
else
	echo "not ok 1 fuzz"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
fi
exit "$st"
