#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# sipcctl stats, top and channels render /proc/sipc for people: with known traffic
# running (the echo example pinged by sipcctl), top must show call rates
# above zero and the pinging process among the busiest; bad usage exits 2.
# kselftest-style TAP with a "# Totals:" line.
pass=0 fail=0 num=0

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

echo "TAP version 13"
echo "1..6"
out=$(sipcctl stats) && echo "$out" | grep -q '^calls  *[0-9][0-9]*$' &&
	echo "$out" | grep -q '^procs_in_use  *[0-9]'
result stats_lists_counters $?

sipcctl top -z >/dev/null 2>&1
[ $? -eq 2 ]
result top_usage_error $?

# No channel open: the header alone, aligned; an argument is a usage error.
out=$(sipcctl channels) &&
	echo "$out" | grep -Eq '^ *client_pid +server_pid +state +slots'
result channels_header $?
sipcctl channels x >/dev/null 2>&1
[ $? -eq 2 ]
result channels_usage_error $?

sipc-servicemanager >/dev/null 2>&1 &
manager=$!
i=0
while ! sipcctl list >/dev/null 2>&1 && [ $i -lt 100 ]; do
	i=$((i + 1))
	usleep 50000
done
sipc-echo-service >/dev/null 2>&1 &
service=$!
i=0
while ! sipcctl ping -c 1 demo.echo >/dev/null 2>&1 && [ $i -lt 100 ]; do
	i=$((i + 1))
	usleep 50000
done
sipcctl ping -c 1000000 demo.echo >/dev/null 2>&1 &
pinger=$!
usleep 300000
top=$(sipcctl top -n 1 -i 1 -r 5)
kill $pinger 2>/dev/null
wait $pinger 2>/dev/null

rate=$(echo "$top" | awk '$1 == "calls" { print int($2) }')
[ "${rate:-0}" -gt 0 ] || echo "# no call rate in: $top"
[ "${rate:-0}" -gt 0 ]
result top_shows_call_rate $?

echo "$top" | awk -v p="$pinger" '$1 == p && $2 == "sipcctl" && $3 > 0 { found = 1 }
	END { exit !found }'
result top_shows_busiest_process $?

kill -TERM $service $manager 2>/dev/null
wait $service $manager 2>/dev/null
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
