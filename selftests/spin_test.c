// SPDX-License-Identifier: GPL-2.0
/*
 * A caller spins for its reply before it sleeps, and only where that can
 * pay: with the server on another CPU its spins see replies come
 * (spins_won in /proc/sipc/stats); with both on one CPU it never spins
 * (the server needs that CPU), and spin_ns=0 turns spinning off.
 *
 * The server (handle 0) and the caller are two threads of this process,
 * each on its own context (st_pair.h). Each test sets the module's
 * spin_ns and puts back what it found.
 */
#include "kselftest_harness.h"
#include "st_pair.h"

#define CALLS		300

FIXTURE(spin) {
	struct st_pair p;
};

FIXTURE_SETUP(spin)
{
	int ret = st_pair_open(&self->p);

	if (ret == -ENOENT)
		SKIP(return, "no %s", ST_SPIN_PARAM);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU: a spin never pays");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(spin)
{
	st_pair_close(&self->p);
}

/* A budget well over a round trip here (emulated too): spins see replies. */
TEST_F(spin, split_caller_spins)
{
	long long won;

	ASSERT_EQ(0, st_spin_write(20 * 1000 * 1000));
	won = st_pair_stat_over(&self->p, 1, CALLS, "spins_won");
	TH_LOG("%lld of %d calls saw their reply while spinning", won, CALLS);
	EXPECT_GT(won, CALLS / 10);
}

/* On the server's CPU a spin would only hold it up: none is won. */
TEST_F(spin, same_cpu_never_spins)
{
	ASSERT_EQ(0, st_spin_write(20 * 1000 * 1000));
	EXPECT_EQ(0, st_pair_stat_over(&self->p, 0, CALLS, "spins_won"));
}

TEST_F(spin, zero_turns_it_off)
{
	ASSERT_EQ(0, st_spin_write(0));
	EXPECT_EQ(0, st_pair_stat_over(&self->p, 1, CALLS, "spins_won"));
}

TEST_HARNESS_MAIN
