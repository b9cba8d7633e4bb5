// SPDX-License-Identifier: GPL-2.0
/*
 * A wait is restarted after a stop (SIGSTOP and SIGCONT, a debugger's
 * attach, the freezer) only if it did nothing else: a wait that freed
 * free_buffer first ends with EINTR and SIPC_OUT_FREED instead, so the
 * restart cannot free that buffer again, nor a buffer received meanwhile
 * at its offset. A plain wait still goes on unseen.
 */
#include <signal.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define STEP_MANAGER	1
#define STEP_WAITING	2

/*
 * The receiver: handle 0, waiting (after freeing its first one-way if
 * asked to), then telling the test the wait's errno, out_flags and code.
 */
struct waiter {
	struct st_pipe up;
	bool free_first;
};

static int waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	struct sipc_event ev;
	struct st_ctx c;
	int ret;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	CK(st_put(&w->up, STEP_MANAGER) == 0);
	if (w->free_first) {
		CK(st_wait(c.fd, &ev) == 0);
		tr.free_buffer = ev.data;
	}
	CK(st_put(&w->up, STEP_WAITING) == 0);
	ret = st_transact(c.fd, &tr);
	CK(st_put(&w->up, -ret) == 0);
	CK(st_put(&w->up, tr.out_flags) == 0);
	CK(st_put(&w->up, tr.ev.type == SIPC_EV_TRANSACTION ? tr.ev.code : 0)
	   == 0);
	return 0;
}

/* Whether @pid sleeps (in the driver's wait, here), within two seconds. */
static bool sleeping(pid_t pid)
{
	char path[64], buf[256], *p;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 200; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return false;
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return true;
		usleep(10000);
	}
	return false;
}

/* Start a waiter, stop and continue it in its wait; its wait's outcome. */
static void stop_in_wait(struct __test_metadata *_metadata, bool free_first,
			 __u64 *err, __u64 *flags, __u64 *code)
{
	struct waiter w = { .free_first = free_first };
	struct st_ctx c;
	pid_t pid;
	int ret;

	ASSERT_EQ(0, st_pipe_open(&w.up));
	pid = st_fork(waiter_main, &w);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(STEP_MANAGER, st_get_ck(&w.up));
	ASSERT_EQ(0, st_open(&c, ST_AREA));
	if (free_first)
		ASSERT_EQ(0, st_oneway(c.fd, 0, 1, "first", 5, NULL, 0));
	ASSERT_EQ(STEP_WAITING, st_get_ck(&w.up));
	ASSERT_TRUE(sleeping(pid));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	usleep(100000);
	ASSERT_EQ(0, kill(pid, SIGCONT));
	/*
	 * A restarted wait waits on: wake it with a one-way (which it may
	 * receive at the offset of the buffer it freed before the stop).
	 */
	ret = st_get_timeout(&w.up, err, 1000);
	if (ret == -ETIMEDOUT) {
		ASSERT_EQ(0, st_oneway(c.fd, 0, 2, "second", 6, NULL, 0));
		ret = st_get(&w.up, err);
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, st_get(&w.up, flags));
	ASSERT_EQ(0, st_get(&w.up, code));
	EXPECT_EQ(0, st_reap(pid));
	st_close(&c);
}

TEST(stop_ends_a_wait_that_freed)
{
	__u64 err, flags, code;

	stop_in_wait(_metadata, true, &err, &flags, &code);
	EXPECT_EQ(EINTR, err);
	EXPECT_TRUE(flags & SIPC_OUT_FREED);
}

TEST(stop_restarts_a_plain_wait)
{
	__u64 err, flags, code;

	stop_in_wait(_metadata, false, &err, &flags, &code);
	EXPECT_EQ(0, err);
	EXPECT_EQ(2, code);
}

TEST_HARNESS_MAIN
