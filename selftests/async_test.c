// SPDX-License-Identifier: GPL-2.0
/*
 * Asynchronous calls (SIPC_SEND_CALL_ASYNC): the id the send returns, the
 * SIPC_EV_ASYNC_REPLY its end brings, a thousand outstanding from one
 * thread, SIPC_IOC_CALL_CANCEL of a queued call, one in service and one
 * whose event waits, the target's death and the caller's, replies kept to
 * the one-way half of the area, bad ids, the transaction quota; and
 * SIPC_IOC_SET_CALL_TIMEOUT for synchronous calls. Where a reply is
 * dropped, the caller's area is shown empty afterwards.
 *
 * The server is the test server (sipc_test.h) on handle 0, one thread:
 * it serves in order, so an ST_SLEEP keeps what comes after it queued.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "sipc_test.h"
#include "sipc_hard.h"

#define PARAM_TXNS	"/sys/module/sipc/parameters/max_user_txns"
#define MANY		1000

FIXTURE(async) {
	struct st_ctx c;
	pid_t srv;
};

FIXTURE_SETUP(async)
{
	self->c.fd = -1;
	self->c.area = NULL;
	if (access("/sys/module/sipc/features/async_call", F_OK))
		SKIP(return, "driver without async_call");
	self->srv = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->srv);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

FIXTURE_TEARDOWN(async)
{
	st_close(&self->c);
	st_kill_all();
}

/* Send an asynchronous call to handle 0; its id in @id. 0 or -errno. */
static int a_call(int fd, __u32 code, const void *data, size_t size,
		  __u64 *id)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL_ASYNC,
		.code = code,
		.data = (uintptr_t)data,
		.data_size = size,
	};
	int ret = st_transact(fd, &tr);

	if (!ret && (!(tr.out_flags & SIPC_OUT_SENT) ||
		     tr.ev.type != SIPC_EV_NONE))
		return -EPROTO;
	*id = tr.ev.cookie;
	return ret;
}

/* The server sleeps @ms before it answers (status @ms). */
static int a_sleep(int fd, __u32 ms, __u64 *id)
{
	return a_call(fd, ST_SLEEP, &ms, sizeof(ms), id);
}

static int a_cancel(int fd, __u64 id)
{
	return st_err(ioctl(fd, SIPC_IOC_CALL_CANCEL, &id));
}

static int a_set_timeout(int fd, __u32 ms)
{
	return st_err(ioctl(fd, SIPC_IOC_SET_CALL_TIMEOUT, &ms));
}

/* "@key: N" of @pid's /proc/sipc detail (its first context), or -1. */
static long long a_detail(pid_t pid, const char *key)
{
	size_t len = strlen(key);
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = atoll(line + len + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Wait up to @ms for @pid's detail @key to read @want. */
static bool a_detail_is(pid_t pid, const char *key, long long want, int ms)
{
	int i;

	for (i = 0; i < ms; i += 5) {
		if (a_detail(pid, key) == want)
			return true;
		usleep(5000);
	}
	return a_detail(pid, key) == want;
}

/* Our area holds no buffer: every reply was freed or never made. */
static bool a_area_empty(void)
{
	return a_detail(getpid(), "in_use") == 0;
}

/* A synchronous echo: the server is done with all that came before. */
static int a_sync(int fd)
{
	struct sipc_event ev;
	__u32 v = 7;
	int ret = st_call(fd, 0, ST_ECHO, &v, sizeof(v), NULL, 0, &ev);

	if (ret)
		return ret;
	ret = ev.code == ST_ECHO_STATUS(sizeof(v)) ? 0 : -EPROTO;
	st_free(fd, ev.data);
	return ret;
}

TEST_F(async, id_returned)
{
	__u64 a = 0, b = 0;
	__u32 v = 1;

	ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, &v, sizeof(v), &a));
	ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, &v, sizeof(v), &b));
	EXPECT_NE(0, a);
	EXPECT_NE(0, b);
	EXPECT_NE(a, b);
}

TEST_F(async, reply_event)
{
	unsigned char data[40], *in;
	struct sipc_event ev;
	__u64 id;
	size_t i;

	st_fill(data, sizeof(data), 3);
	ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, data, sizeof(data), &id));
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 5000));
	EXPECT_EQ(SIPC_EV_ASYNC_REPLY, ev.type);
	EXPECT_EQ(0, ev.flags);
	EXPECT_EQ(id, ev.cookie);
	EXPECT_EQ(ST_ECHO_STATUS(sizeof(data)), ev.code);
	ASSERT_EQ(sizeof(data), ev.data_size);
	ASSERT_TRUE(st_in_area(&self->c, ev.data, ev.data_size));
	in = (unsigned char *)st_ptr(ev.data);
	for (i = 0; i < sizeof(data); i++)
		EXPECT_EQ((unsigned char)~data[i], in[i]);
	EXPECT_EQ(0, a_detail(getpid(), "async_calls"));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_TRUE(a_area_empty());
	/* The id is spent. */
	EXPECT_EQ(-ENOENT, a_cancel(self->c.fd, id));
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
}

/* An event loop's view: the descriptor polls readable for the reply. */
TEST_F(async, poll_readable)
{
	struct pollfd pfd = { .fd = self->c.fd, .events = POLLIN };
	struct sipc_event ev;
	__u64 id;

	ASSERT_EQ(0, a_sleep(self->c.fd, 100, &id));
	ASSERT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	ASSERT_EQ(0, st_poll(self->c.fd, &ev));
	EXPECT_EQ(SIPC_EV_ASYNC_REPLY, ev.type);
	EXPECT_EQ(id, ev.cookie);
	EXPECT_EQ(100, ev.code);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
}

/*
 * A thousand calls outstanding at once from this one thread: every one
 * ends in its own event, with its own reply, and nothing is left behind.
 */
TEST_F(async, thousand_outstanding)
{
	static __u64 ids[MANY];
	static bool seen[MANY];
	struct sipc_event ev;
	__u64 first;
	__u32 i, k, n = 0;

	/* The server sleeps while they queue. */
	ASSERT_EQ(0, a_sleep(self->c.fd, 300, &first));
	for (i = 0; i < MANY; i++)
		ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, &i, sizeof(i),
				    &ids[i]));
	EXPECT_EQ(MANY + 1, a_detail(getpid(), "async_calls"));
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 10000));
	EXPECT_EQ(first, ev.cookie);
	EXPECT_EQ(300, ev.code);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	while (n < MANY) {
		__u32 got;

		ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 20000));
		ASSERT_EQ(SIPC_EV_ASYNC_REPLY, ev.type);
		ASSERT_EQ(sizeof(got), ev.data_size);
		memcpy(&got, st_ptr(ev.data), sizeof(got));
		k = ~got;
		ASSERT_LT(k, MANY);
		EXPECT_FALSE(seen[k]);
		EXPECT_EQ(ids[k], ev.cookie);
		seen[k] = true;
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
		n++;
	}
	EXPECT_EQ(0, a_detail(getpid(), "async_calls"));
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
	EXPECT_TRUE(a_area_empty());
}

/* Still queued to the server: withdrawn, the server never sees it. */
TEST_F(async, cancel_queued)
{
	struct sipc_event ev;
	__u64 busy, id;
	__u32 v = 5;

	ASSERT_EQ(0, a_sleep(self->c.fd, 300, &busy));
	ASSERT_TRUE(a_detail_is(self->srv, "busy", 1, 5000));
	ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, &v, sizeof(v), &id));
	EXPECT_EQ(1, a_detail(self->srv, "pending"));
	EXPECT_EQ(0, a_cancel(self->c.fd, id));
	EXPECT_EQ(0, a_detail(self->srv, "pending"));
	EXPECT_EQ(-ENOENT, a_cancel(self->c.fd, id));
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 5000));
	EXPECT_EQ(busy, ev.cookie);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(0, a_sync(self->c.fd));
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
	EXPECT_TRUE(a_area_empty());
}

/* Taken by the server: its reply is dropped and freed, no event comes. */
TEST_F(async, cancel_in_service)
{
	struct sipc_event ev;
	__u64 id;

	ASSERT_EQ(0, a_sleep(self->c.fd, 200, &id));
	ASSERT_TRUE(a_detail_is(self->srv, "busy", 1, 5000));
	EXPECT_EQ(0, a_cancel(self->c.fd, id));
	EXPECT_EQ(0, a_detail(getpid(), "async_calls"));
	/* In order: once this returns, the late reply was sent. */
	ASSERT_EQ(0, a_sync(self->c.fd));
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
	EXPECT_TRUE(a_area_empty());
	/* The server's reply went without error. */
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_LASTERR, NULL, 0, NULL, 0,
			     &ev));
	EXPECT_EQ(0, ev.code);
	st_free(self->c.fd, ev.data);
}

/* Ended, its event not yet received: the event and its reply go. */
TEST_F(async, cancel_event_queued)
{
	struct sipc_event ev;
	__u32 v = 9;
	__u64 id;

	ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, &v, sizeof(v), &id));
	ASSERT_EQ(0, a_sync(self->c.fd));
	EXPECT_LT(0, a_detail(getpid(), "in_use"));
	EXPECT_EQ(0, a_cancel(self->c.fd, id));
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
	EXPECT_TRUE(a_area_empty());
}

/* The server dies: the call it served and the one queued end in ESRCH. */
TEST_F(async, target_death)
{
	struct sipc_event ev;
	__u64 served, queued;
	__u32 v = 1;
	int i, found = 0;

	ASSERT_EQ(0, a_sleep(self->c.fd, 10000, &served));
	ASSERT_TRUE(a_detail_is(self->srv, "busy", 1, 5000));
	ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, &v, sizeof(v), &queued));
	ASSERT_EQ(0, kill(self->srv, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, st_reap(self->srv));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 5000));
		EXPECT_EQ(SIPC_EV_ASYNC_REPLY, ev.type);
		EXPECT_EQ(SIPC_EVF_ASYNC_ERROR, ev.flags);
		EXPECT_EQ((__u32)-ESRCH, ev.code);
		EXPECT_EQ(0, ev.data);
		found |= (ev.cookie == served) | (ev.cookie == queued) << 1;
	}
	EXPECT_EQ(3, found);
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
	/* And to a dead handle 0, the send itself fails. */
	EXPECT_EQ(-ESRCH, a_call(self->c.fd, ST_ECHO, &v, sizeof(v),
				 &queued));
	EXPECT_TRUE(a_area_empty());
}

struct a_caller {
	struct st_pipe sent;
};

/* Leaves with calls outstanding: one in service, fifty queued. */
static int caller_main(void *arg)
{
	struct a_caller *a = arg;
	struct st_ctx c;
	__u64 id;
	__u32 ms = 300, i;

	CK(st_open(&c, ST_AREA) == 0);
	CK(a_sleep(c.fd, ms, &id) == 0);
	for (i = 0; i < 50; i++)
		CK(a_call(c.fd, ST_ECHO, &i, sizeof(i), &id) == 0);
	CK(st_put(&a->sent, 51) == 0);
	return 0;
}

/* The caller dies: its late replies are dropped, nothing is left. */
TEST_F(async, caller_death)
{
	struct a_caller a;
	long long txns;
	__u64 n;
	pid_t pid;
	int i;

	ASSERT_EQ(0, st_pipe_open(&a.sent));
	pid = st_fork(caller_main, &a);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, st_get(&a.sent, &n));
	EXPECT_EQ(51, n);
	ASSERT_EQ(0, st_reap(pid));
	/* The server answers all of them, into nothing, then us. */
	ASSERT_EQ(0, a_sync(self->c.fd));
	for (i = 0; i < 200; i++) {
		txns = sh_stat("transactions_in_use");
		if (txns == 0)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, txns);
	EXPECT_EQ(0, a_detail(self->srv, "in_use"));
	close(a.sent.r);
	close(a.sent.w);
}

/* A synchronous call past this thread's timeout: ETIMEDOUT, late reply dropped. */
TEST_F(async, call_timeout)
{
	struct sipc_event ev;
	__u32 ms = 1000;
	double t0, took;

	ASSERT_EQ(0, a_set_timeout(self->c.fd, 200));
	t0 = st_now();
	ASSERT_EQ(-ETIMEDOUT, st_call(self->c.fd, 0, ST_SLEEP, &ms,
				      sizeof(ms), NULL, 0, &ev));
	took = st_now() - t0;
	EXPECT_GE(took, 0.19);
	EXPECT_LT(took, 0.9);
	/* No timeout any more: waits for the server to be done with it. */
	ASSERT_EQ(0, a_set_timeout(self->c.fd, 0));
	ASSERT_EQ(0, a_sync(self->c.fd));
	/* A call in time works under a timeout. */
	ASSERT_EQ(0, a_set_timeout(self->c.fd, 5000));
	ASSERT_EQ(0, a_sync(self->c.fd));
	ASSERT_EQ(0, a_set_timeout(self->c.fd, 0));
	ms = 400;
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_SLEEP, &ms, sizeof(ms), NULL,
			     0, &ev));
	EXPECT_EQ(SIPC_EV_REPLY, ev.type);
	EXPECT_EQ(400, ev.code);
	st_free(self->c.fd, ev.data);
	EXPECT_TRUE(a_area_empty());
	/* The timed-out call was abandoned, not answered to us. */
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
}

/* The timeout is the thread's: another thread's calls wait as before. */
static void *timeout_other(void *arg)
{
	struct st_ctx *c = arg;
	struct sipc_event ev;
	__u32 ms = 300;
	long ret = st_call(c->fd, 0, ST_SLEEP, &ms, sizeof(ms), NULL, 0, &ev);

	if (!ret) {
		ret = ev.code == ms ? 0 : -EPROTO;
		st_free(c->fd, ev.data);
	}
	return (void *)ret;
}

TEST_F(async, call_timeout_per_thread)
{
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, a_set_timeout(self->c.fd, 50));
	ASSERT_EQ(0, pthread_create(&t, NULL, timeout_other, &self->c));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(0, (long)ret);
}

TEST_F(async, bad_ids)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL_ASYNC,
		.recv_flags = SIPC_RECV_WAIT,
	};
	struct st_ctx other;
	__u32 v = 1;
	__u64 id;

	EXPECT_EQ(-ENOENT, a_cancel(self->c.fd, 0));
	EXPECT_EQ(-ENOENT, a_cancel(self->c.fd, 12345));
	EXPECT_EQ(-ENOENT, a_cancel(self->c.fd, ~0ULL));
	EXPECT_EQ(-EFAULT, st_err(ioctl(self->c.fd, SIPC_IOC_CALL_CANCEL,
					NULL)));
	EXPECT_EQ(-EFAULT, st_err(ioctl(self->c.fd, SIPC_IOC_SET_CALL_TIMEOUT,
					NULL)));
	/* Its id comes back in ev: no wait in the same ioctl. */
	EXPECT_EQ(-EINVAL, st_transact(self->c.fd, &tr));
	tr.recv_flags = SIPC_RECV_NONBLOCK;
	EXPECT_EQ(-EINVAL, st_transact(self->c.fd, &tr));
	/* No such handle. */
	memset(&tr, 0, sizeof(tr));
	tr.send_op = SIPC_SEND_CALL_ASYNC;
	tr.handle = 77;
	EXPECT_EQ(-ENOENT, st_transact(self->c.fd, &tr));
	EXPECT_EQ(0, tr.out_flags & SIPC_OUT_SENT);
	/* Another context's id is not ours. */
	ASSERT_EQ(0, a_sleep(self->c.fd, 100, &id));
	ASSERT_EQ(0, st_open(&other, ST_AREA));
	EXPECT_EQ(-ENOENT, a_cancel(other.fd, id));
	st_close(&other);
	ASSERT_EQ(0, a_call(self->c.fd, ST_ECHO, &v, sizeof(v), &id));
	EXPECT_EQ(0, a_cancel(self->c.fd, id));
	EXPECT_EQ(-ENOENT, a_cancel(self->c.fd, id));
}

/* Outstanding calls count against max_user_txns like any other. */
TEST_F(async, quota)
{
	long saved = -1;
	int i, sent = 0, ret = 0;
	__u64 id;
	FILE *f = fopen(PARAM_TXNS, "r");

	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(1, fscanf(f, "%ld", &saved));
	fclose(f);
	ASSERT_EQ(0, a_sleep(self->c.fd, 500, &id));
	ASSERT_TRUE(a_detail_is(self->srv, "busy", 1, 5000));
	ASSERT_EQ(0, st_param_write(PARAM_TXNS, 10));
	for (i = 0; i < 20; i++) {
		ret = a_call(self->c.fd, ST_ECHO, &i, sizeof(i), &id);
		if (ret)
			break;
		sent++;
	}
	ASSERT_EQ(0, st_param_write(PARAM_TXNS, saved));
	EXPECT_EQ(-EDQUOT, ret);
	/* With the one in service, ten in flight. */
	EXPECT_EQ(9, sent);
	EXPECT_EQ(10, a_detail(getpid(), "async_calls"));
}

/*
 * Replies nobody has read may take only the one-way half of the area:
 * a bigger one fails (EREMOTEIO), where a synchronous call takes it.
 */
TEST_F(async, reply_share)
{
	struct st_gen g = { .seed = 4, .status = 11, .size = ST_AREA / 2 + 4096 };
	struct sipc_event ev;
	__u64 id;

	ASSERT_EQ(0, a_call(self->c.fd, ST_GEN, &g, sizeof(g), &id));
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 5000));
	EXPECT_EQ(id, ev.cookie);
	EXPECT_EQ(SIPC_EVF_ASYNC_ERROR, ev.flags);
	EXPECT_EQ((__u32)-EREMOTEIO, ev.code);
	EXPECT_EQ(0, ev.data);
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_GEN, &g, sizeof(g), NULL, 0,
			     &ev));
	EXPECT_EQ(11, ev.code);
	EXPECT_EQ(g.size, ev.data_size);
	EXPECT_EQ(-1, st_check(st_ptr(ev.data), ev.data_size, g.seed));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_TRUE(a_area_empty());
}

TEST_HARNESS_MAIN
