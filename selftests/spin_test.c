// SPDX-License-Identifier: GPL-2.0
/*
 * A caller spins for its reply before it sleeps, and only where that can
 * pay: with the server on another CPU its spins see replies come
 * (spins_won in /proc/sipc/stats); with both on one CPU it never spins
 * (the server needs that CPU), and spin_ns=0 turns spinning off.
 *
 * The server (R, handle 0) is a thread of this process on its own
 * context; the caller (S) is another. Each test sets the module's spin_ns
 * and puts back what it found.
 */
#include <pthread.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "sipc_test.h"
#include "sipc_hard.h"

#define SPIN_PARAM	"/sys/module/sipc/parameters/spin_ns"
#define CALLS		300

FIXTURE(spin) {
	struct st_ctx r, s;
	pthread_t server;
	int server_cpu;
	long saved;
};

static long read_param(void)
{
	FILE *f = fopen(SPIN_PARAM, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_param(long v)
{
	FILE *f = fopen(SPIN_PARAM, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) < 0 ? -EIO : 0;
	return fclose(f) ? -errno : ret;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Answer every call with an empty reply until a call with code 0. */
static void *serve(void *arg)
{
	FIXTURE_DATA(spin) *self = arg;
	struct sipc_event ev;
	int ret;

	pin(self->server_cpu);
	ret = st_wait(self->r.fd, &ev);
	while (!ret && ev.type == SIPC_EV_TRANSACTION) {
		struct sipc_transact tr = {
			.send_op = SIPC_SEND_REPLY,
			.free_buffer = ev.data,
			.recv_flags = ev.code ? SIPC_RECV_WAIT : 0,
		};

		ret = st_transact(self->r.fd, &tr);
		if (!ev.code)
			break;
		ev = tr.ev;
	}
	return NULL;
}

FIXTURE_SETUP(spin)
{
	self->r.fd = -1;
	self->s.fd = -1;
	self->saved = read_param();
	if (self->saved < 0)
		SKIP(return, "no %s", SPIN_PARAM);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU: a spin never pays");
	ASSERT_EQ(0, st_open(&self->r, ST_AREA));
	ASSERT_EQ(0, st_claim_cm(self->r.fd, ST_CM_COOKIE));
	ASSERT_EQ(0, st_open(&self->s, ST_AREA));
}

FIXTURE_TEARDOWN(spin)
{
	if (self->saved >= 0)
		write_param(self->saved);
	st_close(&self->s);
	st_close(&self->r);
}

/* spins_won over CALLS calls, the server on @server_cpu, us on CPU 0. */
static long long won_over_calls(struct __test_metadata *_metadata,
				FIXTURE_DATA(spin) *self, int server_cpu)
{
	long long before;
	struct sipc_event ev;
	int i;

	self->server_cpu = server_cpu;
	EXPECT_EQ(0, pin(0));
	EXPECT_EQ(0, pthread_create(&self->server, NULL, serve, self));
	before = sh_stat("spins_won");
	for (i = 1; i <= CALLS; i++) {
		EXPECT_EQ(0, st_call(self->s.fd, 0, i, "x", 1, NULL, 0, &ev));
		EXPECT_EQ(SIPC_EV_REPLY, ev.type);
		EXPECT_EQ(0, st_free(self->s.fd, ev.data));
	}
	before = sh_stat("spins_won") - before;
	EXPECT_EQ(0, st_call(self->s.fd, 0, 0, NULL, 0, NULL, 0, &ev));
	EXPECT_EQ(0, st_free(self->s.fd, ev.data));
	EXPECT_EQ(0, pthread_join(self->server, NULL));
	return before;
}

/* A budget well over a round trip here (emulated too): spins see replies. */
TEST_F(spin, split_caller_spins)
{
	long long won;

	ASSERT_EQ(0, write_param(20 * 1000 * 1000));
	won = won_over_calls(_metadata, self, 1);
	TH_LOG("%lld of %d calls saw their reply while spinning", won, CALLS);
	EXPECT_GT(won, CALLS / 10);
}

/* On the server's CPU a spin would only hold it up: none is won. */
TEST_F(spin, same_cpu_never_spins)
{
	ASSERT_EQ(0, write_param(20 * 1000 * 1000));
	EXPECT_EQ(0, won_over_calls(_metadata, self, 0));
}

TEST_F(spin, zero_turns_it_off)
{
	ASSERT_EQ(0, write_param(0));
	EXPECT_EQ(0, won_over_calls(_metadata, self, 1));
}

TEST_HARNESS_MAIN
