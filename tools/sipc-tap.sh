# SPDX-License-Identifier: GPL-2.0
# TAP for the host-side tests (test-dkms, test-install, test-packaging):
# "ok N - what" or "not ok N - what" per check and, last, kselftest's
# "# Totals:" line, which tools/run-tests adds up. Source it; do not run it.

tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0
echo "TAP version 13"

tap_ok() {
	tap_n=$((tap_n + 1)) tap_pass=$((tap_pass + 1))
	echo "ok $tap_n - $*"
}

tap_not_ok() {
	tap_n=$((tap_n + 1)) tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n - $*"
}

tap_skip() {
	tap_n=$((tap_n + 1)) tap_skip=$((tap_skip + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# check WHAT CMD [ARGS...]: one test, passed if CMD succeeds; CMD's output
# (the last 40 lines) follows a failure as TAP diagnostics.
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$what"
	else
		tap_not_ok "$what"
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/# /'
	fi
}

# The plan and the totals; the status says whether all passed.
tap_done() {
	echo "1..$tap_n"
	echo "# Totals: pass:$tap_pass fail:$tap_fail xfail:0 xpass:0 skip:$tap_skip error:0"
	[ "$tap_fail" -eq 0 ]
}
