// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing a process's IPC (SIPC_IOC_FREEZE): a call to it fails at once
 * with EHOSTDOWN, a one-way is queued and its sender told, the freeze
 * waits for calls in service (EAGAIN past its timeout, left thawed), only
 * root or the opener's euid may, holders of its handles hear each freeze
 * and thaw (coalesced while unread), and it goes with the cgroup v2
 * freezer in the documented order. The server is a forked process.
 */
#include <pthread.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

enum {
	F_ECHO = 1,	/* status 0 */
	F_SLOW,		/* status 0 after 300 ms */
	F_GIVE,		/* reply: a node of the server's */
	F_ONEWAYS,	/* status: one-ways seen */
	F_ONEWAY,	/* one-way: counted */
};

#define SERVER_NODE	0x99ULL
#define CGROUP		"/sys/fs/cgroup"
#define TEST_CG		CGROUP "/sipc-freeze-test"

static int serve(void *arg)
{
	struct st_pipe *ready = arg;
	struct sipc_object node = st_obj_node(SERVER_NODE);
	static const __u64 zero;
	struct sipc_event ev;
	unsigned int oneways = 0;
	struct st_ctx c;

	CK(!st_open(&c, ST_AREA));
	CK(!st_claim_cm(c.fd, ST_CM_COOKIE));
	CK(!st_node_create(c.fd, SERVER_NODE));
	CK(!st_put(ready, 1));
	for (;;) {
		__u32 status = 0;
		bool give = false;

		CK(!st_wait(c.fd, &ev));
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		CK(!st_free(c.fd, ev.data));
		if (ev.flags & SIPC_EVF_ONEWAY) {
			oneways++;
			continue;
		}
		if (ev.code == F_SLOW)
			usleep(300000);
		else if (ev.code == F_ONEWAYS)
			status = oneways;
		give = ev.code == F_GIVE;
		CK(!st_reply(c.fd, status, give ? &node : NULL,
			     give ? sizeof(node) : 0, give ? &zero : NULL,
			     give ? 1 : 0));
	}
}

static int freeze(int fd, pid_t pid, __u32 enable, __u32 timeout_ms)
{
	struct sipc_freeze f = {
		.pid = pid, .enable = enable, .timeout_ms = timeout_ms,
	};

	return st_err(ioctl(fd, SIPC_IOC_FREEZE, &f));
}

static int info(int fd, pid_t pid, struct sipc_frozen_info *i)
{
	memset(i, 0, sizeof(*i));
	i->pid = pid;
	return st_err(ioctl(fd, SIPC_IOC_FROZEN_INFO, i));
}

static int call(int fd, __u32 code, __u32 *status)
{
	struct sipc_event ev;
	int ret = st_call(fd, 0, code, NULL, 0, NULL, 0, &ev);

	if (!ret) {
		if (status)
			*status = ev.code;
		st_free(fd, ev.data);
	}
	return ret;
}

FIXTURE(freeze) {
	struct st_ctx c;
	struct st_pipe ready;
	pid_t server;
};

FIXTURE_SETUP(freeze)
{
	__u64 v;

	ASSERT_EQ(0, st_pipe_open(&self->ready));
	self->server = st_fork(serve, &self->ready);
	ASSERT_LT(0, self->server);
	ASSERT_EQ(0, st_get(&self->ready, &v));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

FIXTURE_TEARDOWN(freeze)
{
	st_close(&self->c);
	st_kill_all();
}

TEST_F(freeze, call_refused_while_frozen)
{
	struct sipc_frozen_info i;
	double t0;

	t0 = st_now();
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 1, 1000));
	TH_LOG("freeze with no call in service: %.0f us",
	       (st_now() - t0) * 1e6);
	EXPECT_EQ(-EHOSTDOWN, call(self->c.fd, F_ECHO, NULL));
	ASSERT_EQ(0, info(self->c.fd, self->server, &i));
	EXPECT_EQ(1, i.frozen);
	EXPECT_EQ(1, i.sync_recv);
	EXPECT_EQ(0, i.async_recv);
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 0, 0));
	EXPECT_EQ(0, call(self->c.fd, F_ECHO, NULL));
	ASSERT_EQ(0, info(self->c.fd, self->server, &i));
	EXPECT_EQ(0, i.frozen);
}

TEST_F(freeze, oneway_queued_and_flagged)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_ONEWAY, .code = F_ONEWAY,
	};
	struct sipc_frozen_info i;
	__u32 seen = 0;

	ASSERT_EQ(0, freeze(self->c.fd, self->server, 1, 1000));
	ASSERT_EQ(0, st_transact(self->c.fd, &tr));
	EXPECT_TRUE(tr.out_flags & SIPC_OUT_FROZEN);
	ASSERT_EQ(0, info(self->c.fd, self->server, &i));
	EXPECT_EQ(1, i.async_recv);
	EXPECT_EQ(0, i.sync_recv);
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 0, 0));
	/* Taken in order: the call after it sees it counted. */
	EXPECT_EQ(0, call(self->c.fd, F_ONEWAYS, &seen));
	EXPECT_EQ(1, seen);
	tr.out_flags = 0;
	ASSERT_EQ(0, st_transact(self->c.fd, &tr));
	EXPECT_FALSE(tr.out_flags & SIPC_OUT_FROZEN);
}

struct slow_call {
	int fd;
	int ret;
};

static void *slow_caller(void *arg)
{
	struct slow_call *s = arg;

	s->ret = call(s->fd, F_SLOW, NULL);
	return NULL;
}

/* A call in service holds the freeze up: EAGAIN, or waited for. */
TEST_F(freeze, waits_for_calls_in_service)
{
	struct slow_call s = { .fd = self->c.fd };
	struct sipc_frozen_info i;
	pthread_t t;
	double t0;

	ASSERT_EQ(0, pthread_create(&t, NULL, slow_caller, &s));
	usleep(50000);
	EXPECT_EQ(-EAGAIN, freeze(self->c.fd, self->server, 1, 20));
	ASSERT_EQ(0, info(self->c.fd, self->server, &i));
	EXPECT_EQ(0, i.frozen);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, s.ret);

	ASSERT_EQ(0, pthread_create(&t, NULL, slow_caller, &s));
	usleep(50000);
	t0 = st_now();
	EXPECT_EQ(0, freeze(self->c.fd, self->server, 1, 5000));
	TH_LOG("freeze waited %.0f ms for the call in service",
	       (st_now() - t0) * 1e3);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, s.ret);
	EXPECT_EQ(0, freeze(self->c.fd, self->server, 0, 0));
}

static int child_not_allowed(void *arg)
{
	pid_t server = *(pid_t *)arg;
	struct st_ctx c;

	CK(!setgid(65534) && !setuid(65534));
	CK(!st_open(&c, ST_AREA));
	CK(freeze(c.fd, server, 1, 10) == -EPERM);
	CK(freeze(c.fd, server, 0, 0) == -EPERM);
	/* Its own process it may freeze. */
	CK(!freeze(c.fd, getpid(), 1, 10));
	CK(!freeze(c.fd, getpid(), 0, 0));
	st_close(&c);
	return 0;
}

TEST_F(freeze, who_may)
{
	struct sipc_freeze bad = { .pid = self->server, .enable = 2 };

	EXPECT_EQ(0, st_reap(st_fork(child_not_allowed, &self->server)));
	/* No context of init's here. */
	EXPECT_EQ(-ESRCH, freeze(self->c.fd, 1, 1, 10));
	EXPECT_EQ(-EINVAL, st_err(ioctl(self->c.fd, SIPC_IOC_FREEZE, &bad)));
}

static int notify(int fd, unsigned long cmd, __u32 handle, __u64 cookie)
{
	struct sipc_death_request r = { .handle = handle, .cookie = cookie };

	return st_err(ioctl(fd, cmd, &r));
}

/* A handle's holder hears freezes and thaws, the latest if unread. */
TEST_F(freeze, holders_notified)
{
	struct sipc_event ev;
	struct sipc_object o;

	ASSERT_EQ(0, st_call(self->c.fd, 0, F_GIVE, NULL, 0, NULL, 0, &ev));
	o = st_ev_obj(&ev, 0);
	ASSERT_EQ(SIPC_OBJ_HANDLE, o.type);
	ASSERT_EQ(0, st_acquire(self->c.fd, o.handle));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(-EINVAL, notify(self->c.fd, SIPC_IOC_FREEZE_NOTIFY, 0, 1));
	ASSERT_EQ(0, notify(self->c.fd, SIPC_IOC_FREEZE_NOTIFY, o.handle,
			    0x55));
	EXPECT_EQ(-EBUSY, notify(self->c.fd, SIPC_IOC_FREEZE_NOTIFY,
				 o.handle, 0x56));

	ASSERT_EQ(0, freeze(self->c.fd, self->server, 1, 1000));
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 2000));
	EXPECT_EQ(SIPC_EV_FROZEN, ev.type);
	EXPECT_EQ(0x55, ev.cookie);
	EXPECT_EQ(1, ev.code);
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 0, 0));
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 2000));
	EXPECT_EQ(SIPC_EV_FROZEN, ev.type);
	EXPECT_EQ(0, ev.code);

	/* Three changes unread: one event, the last state. */
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 1, 1000));
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 0, 0));
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 1, 1000));
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 2000));
	EXPECT_EQ(1, ev.code);
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));

	EXPECT_EQ(0, notify(self->c.fd, SIPC_IOC_FREEZE_NOTIFY_CLEAR,
			    o.handle, 0x55));
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 0, 0));
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ?
	      0 : -errno;
	close(fd);
	return ret;
}

static bool cgroup_frozen(void)
{
	char buf[256] = "";
	int fd = open(TEST_CG "/cgroup.events", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, "frozen 1");
}

/* sipc first, then cgroup.freeze; back: cgroup.freeze 0, then sipc. */
TEST_F(freeze, with_the_cgroup_freezer)
{
	char pid[16];
	int i;

	if (access(CGROUP "/cgroup.controllers", F_OK))
		mount("cgroup2", CGROUP, "cgroup2", 0, NULL);
	if (access(CGROUP "/cgroup.controllers", F_OK))
		SKIP(return, "no cgroup v2");
	rmdir(TEST_CG);
	ASSERT_EQ(0, mkdir(TEST_CG, 0755));
	snprintf(pid, sizeof(pid), "%d", self->server);
	ASSERT_EQ(0, write_file(TEST_CG "/cgroup.procs", pid));

	ASSERT_EQ(0, freeze(self->c.fd, self->server, 1, 1000));
	ASSERT_EQ(0, write_file(TEST_CG "/cgroup.freeze", "1"));
	for (i = 0; i < 200 && !cgroup_frozen(); i++)
		usleep(10000);
	EXPECT_TRUE(cgroup_frozen());
	/* The process sleeps in the freezer; a call does not wait on it. */
	EXPECT_EQ(-EHOSTDOWN, call(self->c.fd, F_ECHO, NULL));

	ASSERT_EQ(0, write_file(TEST_CG "/cgroup.freeze", "0"));
	ASSERT_EQ(0, freeze(self->c.fd, self->server, 0, 0));
	EXPECT_EQ(0, call(self->c.fd, F_ECHO, NULL));

	write_file(CGROUP "/cgroup.procs", pid);
	EXPECT_EQ(0, rmdir(TEST_CG));
}

TEST_HARNESS_MAIN
