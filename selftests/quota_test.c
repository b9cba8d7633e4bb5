// SPDX-License-Identifier: GPL-2.0
/*
 * What one user may make the kernel hold: a flood of one-ways by one user
 * stops at its fair share of the receiver's area (EDQUOT) and leaves room
 * for the next user; a user's transactions in flight and its nodes stop at
 * the module's limits (max_user_txns, max_user_nodes); structs of threads
 * that exited without saying so do not pile up; and the pages a sender's
 * payloads take are charged to the sender's memory cgroup.
 *
 * The receiver is this process (root), handle 0, and never takes its work;
 * the senders are helpers that become other users.
 */
#include <pthread.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "sipc_test.h"
#include "sipc_hard.h"

#define PARAM_TXNS	"/sys/module/sipc/parameters/max_user_txns"
#define PARAM_NODES	"/sys/module/sipc/parameters/max_user_nodes"
#define FLOOD_UID	65534
#define OTHER_UID	65533

static long read_long(const char *path)
{
	char buf[64] = "";
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = atol(buf);
	fclose(f);
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) > 0 ? 0 : -EIO;
	return fclose(f) ? -errno : ret;
}

/* A sender: as @uid, one-ways of @size to handle 0 until refused. */
struct flood {
	uid_t uid;
	size_t size;
	long max;		/* stop after this many, if none refused */
	struct st_pipe out;	/* count sent, then -errno (0: none) */
};

static int flood_main(void *arg)
{
	struct flood *f = arg;
	void *data = calloc(1, f->size ?: 1);
	struct st_ctx c;
	long n = 0;
	int ret = 0;

	CK(data && sh_become(f->uid) == 0);
	CK(st_open(&c, ST_AREA) == 0);
	while (n < f->max) {
		ret = st_oneway(c.fd, 0, 1, data, f->size, NULL, 0);
		if (ret)
			break;
		n++;
	}
	CK(st_put(&f->out, n) == 0);
	CK(st_put(&f->out, -ret) == 0);
	return 0;
}

/* Run a flood to its end: how many were sent, and the errno that ended it. */
static long flood_run(uid_t uid, size_t size, long max, int *err)
{
	struct flood f = { .uid = uid, .size = size, .max = max };
	__u64 n = 0, e = 0;
	pid_t pid;

	if (st_pipe_open(&f.out))
		return -1;
	pid = st_fork(flood_main, &f);
	/* A long flood takes a while on the debug kernel. */
	if (pid < 0 || st_get_timeout(&f.out, &n, 120000) ||
	    st_get(&f.out, &e) || st_reap(pid))
		n = -1;
	close(f.out.r);
	close(f.out.w);
	*err = (int)e;
	return (long)n;
}

FIXTURE(quota) {
	struct st_ctx r;
};

FIXTURE_SETUP(quota)
{
	self->r.fd = -1;
	ASSERT_EQ(0, st_open(&self->r, 16 << 20));
	ASSERT_EQ(0, st_claim_cm(self->r.fd, ST_CM_COOKIE));
}

FIXTURE_TEARDOWN(quota)
{
	st_close(&self->r);
	st_kill_all();
}

/*
 * One user's flood of 64 KiB one-ways stops with EDQUOT at about half of
 * the one-way share (8 MiB of the 16 MiB area), and another user can still
 * send: the service is not lost to the flood.
 */
TEST_F(quota, flood_leaves_room_for_others)
{
	long share = (16 << 20) / 2 / (64 << 10), flooded, other;
	int err;

	flooded = flood_run(FLOOD_UID, 64 << 10, share, &err);
	TH_LOG("flood: %ld of %ld one-ways of 64 KiB, then errno %d",
	       flooded, share, err);
	EXPECT_EQ(EDQUOT, err);
	EXPECT_LT(0, flooded);
	EXPECT_GE(share / 2 + 1, flooded);
	other = flood_run(OTHER_UID, 64 << 10, 8, &err);
	EXPECT_EQ(8, other) TH_LOG("the second user got %ld, error %d",
				   other, err);
}

static long slab_kib(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Slab:", 5))
			v = atol(line + 5);
	fclose(f);
	return v;
}

/* The txns_in_flight of @uid in /proc/sipc/users, or -1. */
static long user_txns(uid_t uid)
{
	unsigned int u, txns, nodes;
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/sipc/users", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u %u", &u, &txns, &nodes) == 3 &&
		    u == uid)
			v = txns;
	fclose(f);
	return v;
}

/*
 * Small one-ways stop at the user's budget of transactions in flight
 * (max_user_txns), with EDQUOT; what the flood made the kernel hold is
 * printed for the record.
 */
TEST_F(quota, txns_in_flight_budget)
{
	long limit = read_long(PARAM_TXNS), saved = limit, slab0, n;
	int err;

	ASSERT_LT(0, limit) TH_LOG("no %s", PARAM_TXNS);
	/* The debug kernel is slow: a smaller budget, the same rule. */
	if (sh_debug_kernel()) {
		limit = 2048;
		ASSERT_EQ(0, write_long(PARAM_TXNS, limit));
	}
	slab0 = slab_kib();
	n = flood_run(FLOOD_UID, 8, 1 << 22, &err);
	TH_LOG("one user's flood of 8-byte one-ways: %ld accepted, then errno %d; slab +%ld KiB",
	       n, err, slab_kib() - slab0);
	EXPECT_EQ(EDQUOT, err);
	EXPECT_EQ(limit, n);
	/* Still queued here: /proc/sipc/users shows the user at its limit. */
	EXPECT_EQ(limit, user_txns(FLOOD_UID));
	EXPECT_EQ(0, write_long(PARAM_TXNS, saved));
}

/* The budget follows the parameter, and covers nodes too. */
TEST_F(quota, limits_are_parameters)
{
	long txns = read_long(PARAM_TXNS), nodes = read_long(PARAM_NODES);
	struct st_ctx c;
	int err, i, ret = 0;

	ASSERT_LT(0, txns);
	ASSERT_LT(0, nodes);
	ASSERT_EQ(0, write_long(PARAM_TXNS, 100));
	EXPECT_EQ(100, flood_run(FLOOD_UID, 8, 1000, &err));
	EXPECT_EQ(EDQUOT, err);
	ASSERT_EQ(0, write_long(PARAM_TXNS, txns));

	ASSERT_EQ(0, write_long(PARAM_NODES, 50));
	ASSERT_EQ(0, st_open(&c, ST_AREA));
	for (i = 0; i < 1000; i++) {
		ret = st_node_create(c.fd, 1000 + i);
		if (ret)
			break;
	}
	/* This process's registry node is one of root's. */
	EXPECT_EQ(-EDQUOT, ret);
	EXPECT_EQ(49, i);
	st_close(&c);
	ASSERT_EQ(0, write_long(PARAM_NODES, nodes));
}

static void *one_ioctl(void *arg)
{
	st_poll(*(int *)arg, NULL);
	return NULL;
}

/* Threads that exit without SIPC_IOC_THREAD_EXIT leave no pile behind. */
TEST_F(quota, dead_threads_swept)
{
	long base = sh_stat("threads_in_use");
	pthread_t th;
	int i;

	for (i = 0; i < 300; i++) {
		ASSERT_EQ(0, pthread_create(&th, NULL, one_ioctl,
					    &self->r.fd));
		ASSERT_EQ(0, pthread_join(th, NULL));
	}
	EXPECT_GT(base + 150, sh_stat("threads_in_use"));
}

/* The cgroup v2 hierarchy, mounted here if nobody did; NULL if none. */
static const char *cgroup_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/tmp/cg2" };
	char path[128];
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/cgroup.controllers",
			 roots[i]);
		if (!access(path, R_OK))
			return roots[i];
	}
	mkdir(roots[1], 0755);
	if (mount("none", roots[1], "cgroup2", 0, NULL))
		return NULL;
	return roots[1];
}

struct charged {
	char cg[160];
	struct st_pipe out;	/* memory.current growth, in KiB */
};

static long cg_current_kib(const char *cg)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	return read_long(path) / 1024;
}

static int charged_main(void *arg)
{
	struct charged *c = arg;
	void *data = calloc(1, 64 << 10);
	char path[200];
	struct st_ctx s;
	long before;
	int i;

	snprintf(path, sizeof(path), "%s/cgroup.procs", c->cg);
	CK(data && write_long(path, getpid()) == 0);
	CK(st_open(&s, ST_AREA) == 0);
	before = cg_current_kib(c->cg);
	/* 3 MiB into the receiver's area, within this user's share. */
	for (i = 0; i < 48; i++)
		CK(st_oneway(s.fd, 0, 1, data, 64 << 10, NULL, 0) == 0);
	CK(st_put(&c->out, cg_current_kib(c->cg) - before) == 0);
	return 0;
}

/* The receiver's pages a sender's payloads fill are the sender's memory. */
TEST_F(quota, pages_charged_to_sender_memcg)
{
	const char *root = cgroup_root();
	struct charged c;
	char path[200];
	__u64 grew = 0;
	pid_t pid;

	if (!root)
		SKIP(return, "no cgroup v2");
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
	{
		FILE *f = fopen(path, "w");

		if (f) {
			fputs("+memory\n", f);
			fclose(f);
		}
	}
	snprintf(c.cg, sizeof(c.cg), "%s/sipc-quota", root);
	mkdir(c.cg, 0755);
	snprintf(path, sizeof(path), "%s/memory.current", c.cg);
	if (access(path, R_OK))
		SKIP(return, "no memory controller");
	ASSERT_EQ(0, st_pipe_open(&c.out));
	pid = st_fork(charged_main, &c);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, st_get(&c.out, &grew));
	ASSERT_EQ(0, st_reap(pid));
	TH_LOG("3 MiB of payloads: the sender's memory cgroup grew %llu KiB",
	       (unsigned long long)grew);
	EXPECT_LE(3 * 1024, (long)grew);
	rmdir(c.cg);
}

TEST_HARNESS_MAIN
