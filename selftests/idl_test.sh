#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# sipc-idl end to end: the echo example written with the IDL serves its
# own client and the hand-written one (the same wire), answers a code it
# does not have with "invalid request code", describes itself to
# "sipcctl introspect", and "sipcctl call" marshals by method name (and
# still by code with TYPE:VALUE). The hand-written service, which does not
# describe itself, makes introspection fail cleanly.
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

# Wait up to 5 s for "$@" to succeed.
wait_for() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		usleep 50000
	done
}

echo "TAP version 13"
echo "1..12"
sipc-servicemanager >/dev/null 2>&1 &
manager=$!
wait_for sipcctl list
sipc-idl-echo-service -n idl.echo >/dev/null 2>&1 &
service=$!
wait_for sipcctl ping -c 1 idl.echo

out=$(sipc-idl-echo-client -n idl.echo "mixed Case" 2>&1)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q 'got "MIXED CASE"' && echo "$out" | grep -q '40 + 2 = 42'
result idl_client_idl_service $?

echo "$out" | grep -q 'code 99: invalid request code'
result unknown_code_is_ebadrqc $?

sipc-echo-client -n idl.echo "hand written" >/dev/null 2>&1
result handwritten_client_idl_service $?

out=$(sipcctl introspect idl.echo)
echo "$out" | grep -q '^interface demo.echo version 1 {$' &&
	echo "$out" | grep -q 'method upper(string text) -> (string upper) = 1;'
result introspect_prints_interface $?

out=$(sipcctl call idl.echo upper "hi there")
[ "$out" = "$(printf 'status: 0\nupper = "HI THERE"')" ] || echo "# got: $out"
[ "$out" = "$(printf 'status: 0\nupper = "HI THERE"')" ]
result call_by_method_name $?

out=$(sipcctl call idl.echo add -40 2)
[ "$out" = "$(printf 'status: 0\nsum = -38')" ] || echo "# got: $out"
[ "$out" = "$(printf 'status: 0\nsum = -38')" ]
result call_by_name_integers $?

out=$(sipcctl call idl.echo 2 i32:40 i32:2)
[ $? -eq 0 ] && echo "$out" | grep -q '^i32:42$'
result call_by_code_still_works $?

sipcctl call idl.echo add 40 x >/dev/null 2>&1
st=$?
sipcctl call idl.echo add 40 2>&1 | grep -q 'missing argument "b"'
[ $st -eq 2 ] && [ $? -eq 0 ]
result call_bad_arguments_usage $?

sipcctl call idl.echo nosuch >/dev/null 2>&1
[ $? -eq 2 ]
result call_unknown_method_usage $?

long=$(head -c 5000 /dev/zero | tr '\0' a)
out=$(sipcctl call idl.echo upper "$long")
[ $? -eq 1 ] && echo "$out" | grep -q '^status: 1 TOO_LONG$'
result named_error_by_name $?

sipc-echo-service -n hand.echo >/dev/null 2>&1 &
hand=$!
wait_for sipcctl ping -c 1 hand.echo
out=$(sipc-idl-echo-client -n hand.echo 2>&1)
[ $? -eq 0 ] && echo "$out" | grep -q '40 + 2 = 42'
result idl_client_handwritten_service $?

sipcctl introspect hand.echo >/dev/null 2>&1
[ $? -eq 1 ]
result introspect_undescribed_fails $?

kill -TERM $service $hand $manager 2>/dev/null
wait $service $hand $manager 2>/dev/null
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
