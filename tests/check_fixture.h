/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * The fixture of the suites that call the test server: it runs as handle
 * 0 (ts_start(), check_sipc.h), and each test has a context of its own,
 * s, whose handle 0 is mgr. A suite's setup opens it with the area size
 * it needs; fixture_close() is its teardown.
 */
#ifndef CHECK_FIXTURE_H
#define CHECK_FIXTURE_H

#include "check_sipc.h"

static struct sipc *s;
static struct sipc_handle *mgr;
static pid_t srv;

static inline void fixture_open(size_t area)
{
	srv = ts_start(0);
	ck_assert_int_eq(sipc_open(NULL, area, &s), 0);
	mgr = sipc_context_manager(s);
}

static inline void fixture_close(void)
{
	sipc_close(s);
	if (srv > 0)
		reap(srv, 1);
}

#endif
