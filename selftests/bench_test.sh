#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# sipc-bench --quick in the dev VM: every mechanism (sipc, libsipc, Binder,
# pipe, socketpair, shared memory) and every workload with tiny counts, in
# seconds. One TAP test per mechanism; it fails only when a request or a
# reply was wrong or a mechanism did not work, never for a timing. The
# inversion workload sets sipc's priority_inheritance parameter for its
# runs and puts back what it found.
# Binder is Debian's binder_linux.ko, loaded here if it is not yet.
if [ ! -e /dev/binder ] && [ -f /lib/modules/binder_linux.ko ]; then
	insmod /lib/modules/binder_linux.ko devices=binder ||
		echo "# bench_test: insmod binder_linux.ko failed"
fi
exec sipc-bench --quick --tap
