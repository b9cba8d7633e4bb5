// SPDX-License-Identifier: GPL-2.0
/*
 * How often a round trip takes the device-wide graph lock, the one lock
 * every pair of processes on a device meets on (docs/bench/scaling.md):
 * at most 8 times for a call and its reply. The caller takes it twice to
 * send (route the handle, queue the call) and twice to wait for the reply
 * (look, then take it), spinning or sleeping in between without it; the
 * server twice to reply and twice to wait for the next call. A thread
 * finding its own context and a call dropping its hold on the node it
 * went to take no graph lock.
 *
 * Counted by graph_lock_taken in /proc/sipc/stats, over calls between two
 * threads of this process on contexts of their own, with the server on
 * the caller's CPU and on another, spinning and not.
 */
#include "kselftest_harness.h"
#include "st_pair.h"

#define CALLS		400
#define MAX_PER_CALL	8

FIXTURE(lock) {
	struct st_pair p;
};

FIXTURE_SETUP(lock)
{
	int ret = st_pair_open(&self->p);

	if (ret == -ENOENT)
		SKIP(return, "no %s", ST_SPIN_PARAM);
	ASSERT_EQ(0, ret);
	if (sh_stat("graph_lock_taken") < 0)
		SKIP(return, "no graph_lock_taken in %s", SH_STATS);
}

FIXTURE_TEARDOWN(lock)
{
	st_pair_close(&self->p);
}

static void expect_takes(struct __test_metadata *_metadata,
			 FIXTURE_DATA(lock) *self, int server_cpu)
{
	long long taken;

	if (server_cpu && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU");
	taken = st_pair_stat_over(&self->p, server_cpu, CALLS,
				  "graph_lock_taken");
	ASSERT_GE(taken, 0);
	TH_LOG("%.2f graph lock takes per round trip", (double)taken / CALLS);
	EXPECT_LE(taken, (long long)MAX_PER_CALL * CALLS);
	/* Every call sends, replies and waits: it cannot take none. */
	EXPECT_GE(taken, 4LL * CALLS);
}

TEST_F(lock, same_cpu)
{
	ASSERT_EQ(0, st_spin_write(0));
	expect_takes(_metadata, self, 0);
}

TEST_F(lock, split_sleeping)
{
	ASSERT_EQ(0, st_spin_write(0));
	expect_takes(_metadata, self, 1);
}

/* A spin, won or lost, costs no extra take: a lost one sleeps at once. */
TEST_F(lock, split_spinning)
{
	ASSERT_EQ(0, st_spin_write(20 * 1000 * 1000));
	expect_takes(_metadata, self, 1);
}

/* A short budget: most spins run out and sleep. */
TEST_F(lock, split_spin_lost)
{
	ASSERT_EQ(0, st_spin_write(1000));
	expect_takes(_metadata, self, 1);
}

TEST_HARNESS_MAIN
