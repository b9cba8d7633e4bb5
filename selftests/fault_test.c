// SPDX-License-Identifier: GPL-2.0
/*
 * sipc when the kernel runs out of memory. Each operation of the driver
 * is run again and again with its first, second, third... allocation (or
 * user copy) made to fail, through the calling thread's fail-nth: slab
 * (failslab), page (fail_page_alloc) and usercopy faults alike, until one
 * run goes through with no fault left to inject. Each failure must be a
 * clean error (ENOMEM, EFAULT) that left nothing half done: the peer saw
 * nothing or everything, the same operation then succeeds, and at the end
 * the driver's counters show nothing in use. A second pass turns failslab
 * and fail_page_alloc on at random, for this process only (task-filter and
 * make-it-fail around each driver call), under a mixed load.
 *
 * Needs CONFIG_FAULT_INJECTION (the debug kernel); skipped without it.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "sipc_hard.h"

#define DBG		"/sys/kernel/debug/"
#define KEY_A		0xfa17a
#define COOKIE_A	0xfa17a000ULL
#define OWN_COOKIE	0x0f0f0f0fULL
#define MAX_NTH		200

static const char *const fault_dirs[] = {
	DBG "failslab", DBG "fail_page_alloc", DBG "fail_usercopy",
};

static int knob(const char *dir, const char *name, const char *val)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static long knob_read(const char *dir, const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return atol(buf);
}

/*
 * Quiet (no stack dumps: the runner would take them for splats), every
 * allocation eligible (sleeping ones and order 0 too), and nothing at
 * random unless asked. Returns false without fault injection.
 */
static bool faults_setup(void)
{
	size_t i;

	if (access("/proc/thread-self/fail-nth", W_OK) ||
	    access(DBG "failslab", F_OK))
		return false;
	for (i = 0; i < sizeof(fault_dirs) / sizeof(fault_dirs[0]); i++) {
		const char *d = fault_dirs[i];

		if (access(d, F_OK))
			continue;
		knob(d, "verbose", "0");
		knob(d, "probability", "0");
		knob(d, "interval", "1");
		knob(d, "times", "-1");
		knob(d, "space", "0");
		knob(d, "task-filter", "Y");
		knob(d, "ignore-gfp-wait", "N");
		knob(d, "min-order", "0");
	}
	return true;
}

/* The calling thread's fail-nth: the nth fault point it passes fails. */
struct nth {
	int fd;
};

static int nth_open(struct nth *n)
{
	n->fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return n->fd < 0 ? -errno : 0;
}

static void nth_arm(struct nth *n, int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", nth);

	CK(pwrite(n->fd, buf, len, 0) == len);
}

/*
 * Disarm; true when the operation's fault was injected (the count had
 * reached zero). While still armed, our own read and write of the file
 * are fault points too (user copies): a refused copy only counts down.
 */
static bool nth_fired(struct nth *n)
{
	char buf[16] = "";
	ssize_t len = pread(n->fd, buf, sizeof(buf) - 1, 0);

	CK(len > 0 || errno == EFAULT);
	while (pwrite(n->fd, "0", 1, 0) != 1)
		CK(errno == EFAULT);
	return len > 0 && atoi(buf) == 0;
}

static unsigned long injected;

/* Is @ret one of the clean errors of an operation that ran out? */
static bool clean(int ret)
{
	return ret == -ENOMEM || ret == -EFAULT;
}

/* "received: N" of a process's /proc/sipc detail, -1 if not there. */
static long long received(pid_t pid)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "received: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

FIXTURE(fault) {
	struct nth nth;
	struct st_ctx c;	/* ours, with a handle to A */
	pid_t cm, a;
	__u32 ha;
};

FIXTURE_SETUP(fault)
{
	self->c.fd = -1;
	self->c.area = NULL;
	self->nth.fd = -1;
	/* The tests skip themselves (a SKIP here would not stop them). */
	if (faults_setup())
		ASSERT_EQ(0, nth_open(&self->nth));
}

#define NEED_FAULTS() do {						\
	if (self->nth.fd < 0)						\
		SKIP(return, "no fault injection (CONFIG_FAULT_INJECTION) here"); \
} while (0)

FIXTURE_TEARDOWN(fault)
{
	size_t i;

	if (self->nth.fd >= 0)
		close(self->nth.fd);
	st_close(&self->c);
	st_kill_all();
	for (i = 0; i < sizeof(fault_dirs) / sizeof(fault_dirs[0]); i++)
		knob(fault_dirs[i], "probability", "0");
}

static void world(struct __test_metadata *_metadata, FIXTURE_DATA(fault) *self)
{
	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	self->a = st_server_start(ST_AREA, KEY_A, COOKIE_A);
	ASSERT_LT(0, self->a);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &self->ha, NULL));
}

static void world_end(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self)
{
	int ret;

	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
	EXPECT_EQ(0, st_reap(self->a));
	EXPECT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
	st_close(&self->c);
	ret = sh_wait_idle(20000);
	if (ret != -ENOENT)
		EXPECT_EQ(0, ret);
}

/*
 * Run @op with its 1st, 2nd, ... fault point failing until a run injects
 * nothing (and must succeed). @op gets the nth to arm and returns 0 or
 * -errno; it checks its own state. Returns the number of runs.
 */
#define EVERY_FAULT(name, op) ({					\
	int __n, __ret = 0;						\
	bool __fired = true;						\
									\
	for (__n = 1; __fired && __n < MAX_NTH; __n++) {		\
		__ret = op(_metadata, self, __n, &__fired);		\
		if (__fired) {						\
			injected++;					\
			EXPECT_TRUE(!__ret || clean(__ret))		\
				TH_LOG("%s nth %d: %d", name, __n, __ret); \
		} else {						\
			EXPECT_EQ(0, __ret)				\
				TH_LOG("%s without a fault", name);	\
		}							\
		if (!_metadata->passed)					\
			break;						\
	}								\
	if (_metadata->passed)						\
		EXPECT_FALSE(__fired) TH_LOG("%s: more than %d faults",	\
					     name, MAX_NTH);		\
	ksft_print_msg("%s: %d fault points\n", name, __n - 2);	\
	__n;								\
})

/* open() and mmap() of a new context. */
static int op_open(struct __test_metadata *_metadata,
		   FIXTURE_DATA(fault) *self, int nth, bool *fired)
{
	struct st_ctx c;
	int fd, ret = 0;
	void *p;

	nth_arm(&self->nth, nth);
	fd = open(ST_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		ret = -errno;
	*fired = nth_fired(&self->nth);
	if (fd < 0)
		return ret;
	nth_arm(&self->nth, nth);
	p = mmap(NULL, ST_AREA, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ret = -errno;
	*fired |= nth_fired(&self->nth);
	/* Whatever failed, the context is usable or cleanly closable. */
	if (ret) {
		close(fd);
		return ret;
	}
	c.fd = fd;
	c.area = p;
	c.size = ST_AREA;
	EXPECT_EQ(-EAGAIN, st_poll(c.fd, &(struct sipc_event){ 0 }));
	st_close(&c);
	return 0;
}

/* A thread's first transact, a node, a death notice. */
static int op_objects(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self, int nth, bool *fired)
{
	struct sipc_event ev;
	struct st_ctx c;
	int ret, r2, r3;
	__u32 h;

	ASSERT_EQ(0, st_open(&c, ST_AREA));
	nth_arm(&self->nth, nth);
	ret = st_poll(c.fd, &ev);
	*fired = nth_fired(&self->nth);
	if (ret != -EAGAIN)
		goto out;
	nth_arm(&self->nth, nth);
	ret = st_node_create(c.fd, OWN_COOKIE);
	*fired |= nth_fired(&self->nth);
	/* Made or not made: never half made. */
	EXPECT_EQ(ret ? 0 : -EEXIST, st_node_create(c.fd, OWN_COOKIE));
	ASSERT_EQ(0, st_reg_get(c.fd, KEY_A, &h, NULL));
	nth_arm(&self->nth, nth);
	ret = st_death_request(c.fd, h, 0xdead);
	*fired |= nth_fired(&self->nth);
	r2 = st_death_clear(c.fd, h, 0xdead);
	r3 = st_death_request(c.fd, h, 0xdead);
	EXPECT_EQ(ret ? -ENOENT : 0, r2);
	EXPECT_EQ(0, r3);
out:
	st_close(&c);
	return ret == -EAGAIN ? 0 : ret;
}

/* A call to A carrying our node, A's own node and handle 0. */
static int op_call(struct __test_metadata *_metadata,
		   FIXTURE_DATA(fault) *self, int nth, bool *fired)
{
	struct sipc_object o[3] = {
		st_obj_node(OWN_COOKIE), st_obj_handle(self->ha),
		st_obj_handle(0),
	};
	unsigned char req[3 * 4096];
	__u64 offs[3] = { 8, 4096, 3 * 4096 - 16 };
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL, .handle = self->ha,
		.code = ST_MIRROR, .data = (uintptr_t)req,
		.data_size = sizeof(req), .offsets = (uintptr_t)offs,
		.offsets_count = 3,
	};
	long long before = received(self->a);
	struct st_ctx c;
	int ret, i;

	/* A fresh context each run: its area's pages are new each time. */
	ASSERT_EQ(0, st_open(&c, ST_AREA));
	ASSERT_EQ(0, st_node_create(c.fd, OWN_COOKIE));
	ASSERT_EQ(0, st_reg_get(c.fd, KEY_A, &tr.handle, NULL));
	o[1] = st_obj_handle(tr.handle);
	st_fill(req, sizeof(req), nth);
	for (i = 0; i < 3; i++)
		memcpy(req + offs[i], &o[i], sizeof(o[i]));
	nth_arm(&self->nth, nth);
	ret = st_transact(c.fd, &tr);
	*fired = nth_fired(&self->nth);
	if (!ret) {
		const struct sipc_object *back = st_ptr(tr.ev.data + offs[0]);

		EXPECT_EQ(SIPC_EV_REPLY, tr.ev.type);
		EXPECT_EQ(2, tr.ev.code);	/* two came to A as handles */
		EXPECT_EQ(sizeof(req), tr.ev.data_size);
		EXPECT_EQ(SIPC_OBJ_NODE, back->type);
		EXPECT_EQ(OWN_COOKIE, back->cookie);
		EXPECT_EQ(0, st_free(c.fd, tr.ev.data));
	} else if (ret == -ENOMEM && before >= 0) {
		/*
		 * Out of memory is only ever before the send: A never heard
		 * of it. (EFAULT may be the copy of the outcome back to us,
		 * which also leaves out_flags unwritten.)
		 */
		EXPECT_FALSE(tr.out_flags & SIPC_OUT_SENT);
		EXPECT_EQ(before, received(self->a));
	}
	/* And the next call goes through. */
	EXPECT_EQ(0, st_simple_objs(c.fd, tr.handle, ST_MIRROR, req,
				    sizeof(req), offs, 0));
	st_close(&c);
	return ret;
}

/* A one-way to A with an object. */
static int op_oneway(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, int nth, bool *fired)
{
	struct sipc_object o = st_obj_node(OWN_COOKIE);
	unsigned char req[5000];
	__u64 off = 4096 - 8;
	struct st_ctx c;
	__u32 h;
	int ret;

	ASSERT_EQ(0, st_open(&c, ST_AREA));
	ASSERT_EQ(0, st_node_create(c.fd, OWN_COOKIE));
	ASSERT_EQ(0, st_reg_get(c.fd, KEY_A, &h, NULL));
	st_fill(req, sizeof(req), 3);
	memcpy(req + off, &o, sizeof(o));
	nth_arm(&self->nth, nth);
	ret = st_oneway(c.fd, h, ST_ECHO, req, sizeof(req), &off, 1);
	*fired = nth_fired(&self->nth);
	/* A call after it is served after it: A is still fine. */
	EXPECT_EQ((int)ST_ECHO_STATUS(8), st_simple(c.fd, h, ST_ECHO, req, 8));
	st_close(&c);
	return ret;
}

struct caller {
	__u32 status;
	int ret;
	struct st_pipe done;
};

static int caller_main(void *arg)
{
	struct caller *k = arg;
	struct sipc_event ev;
	struct st_ctx c;
	__u32 h;
	int ret;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reg_get(c.fd, KEY_A + 1, &h, NULL) == 0);
	ret = st_call(c.fd, h, 77, "ping", 4, NULL, 0, &ev);
	if (!ret) {
		const struct sipc_object *o = st_ptr(ev.data + 16);

		CK(ev.code == 1234 && ev.data_size == 32);
		CK(ev.offsets_count == 1 && o->type == SIPC_OBJ_HANDLE);
		CK(st_free(c.fd, ev.data) == 0);
	}
	CK(st_put(&k->done, (__u64)-ret) == 0);
	st_close(&c);
	return 0;
}

/* Our reply, with our node in it, to a caller in another process. */
static int op_reply(struct __test_metadata *_metadata,
		    FIXTURE_DATA(fault) *self, int nth, bool *fired)
{
	unsigned char rep[32] = { 0 };
	struct sipc_object o = st_obj_node(OWN_COOKIE);
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_REPLY, .code = 1234,
		.data = (uintptr_t)rep, .data_size = sizeof(rep),
		.offsets_count = 1,
	};
	struct sipc_event ev;
	struct caller k;
	__u64 off = 16, v;
	struct st_ctx c;
	int ret, sent;
	pid_t kid;

	tr.offsets = (uintptr_t)&off;
	memcpy(rep + off, &o, sizeof(o));
	ASSERT_EQ(0, st_open(&c, ST_AREA));
	ASSERT_EQ(0, st_node_create(c.fd, OWN_COOKIE));
	ASSERT_EQ(0, st_reg_put_node(c.fd, KEY_A + 1, OWN_COOKIE));
	ASSERT_EQ(0, st_pipe_open(&k.done));
	kid = st_fork(caller_main, &k);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, st_next_event(c.fd, &ev, 20000));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	ASSERT_EQ(0, st_free(c.fd, ev.data));
	nth_arm(&self->nth, nth);
	ret = st_transact(c.fd, &tr);
	*fired = nth_fired(&self->nth);
	/* Refused before it was taken (the ioctl's own copy): again. */
	sent = ret;
	if (ret && !(tr.out_flags & SIPC_OUT_SENT)) {
		EXPECT_TRUE(clean(ret));
		sent = st_transact(c.fd, &tr);
		/* EPROTO: it was taken; only the copy of its outcome failed. */
		if (sent == -EPROTO)
			sent = 0;
		EXPECT_EQ(0, sent);
	}
	ASSERT_EQ(0, st_get(&k.done, &v));
	/* Delivered, or the caller told it could not be. */
	EXPECT_EQ(sent ? EREMOTEIO : 0, (int)v);
	EXPECT_EQ(0, st_reap(kid));
	close(k.done.r);
	close(k.done.w);
	st_close(&c);
	return ret;
}

TEST_F_TIMEOUT(fault, every_allocation, 900)
{
	int runs = 0;

	NEED_FAULTS();
	world(_metadata, self);
	runs += EVERY_FAULT("open+mmap", op_open);
	runs += EVERY_FAULT("thread, node, death notice", op_objects);
	runs += EVERY_FAULT("call with objects", op_call);
	runs += EVERY_FAULT("one-way with an object", op_oneway);
	runs += EVERY_FAULT("reply with an object", op_reply);
	ksft_print_msg("every_allocation: %lu faults injected in %d runs\n",
		       injected, runs);
	sh_count("faults", injected);
	world_end(_metadata, self);
}

/* ---- at random, under load ---- */

struct rnd {
	FIXTURE_DATA(fault) *self;
	int mif;		/* our make-it-fail */
	unsigned int seed;
	int ops;
	unsigned long ok, failed, calls;
};

static void fail_on(struct rnd *r, bool on)
{
	CK(pwrite(r->mif, on ? "1" : "0", 1, 0) == 1);
}

/* One random driver operation with faults on; its outcome checked. */
static void rnd_op(struct rnd *r, struct st_ctx *c, __u32 h)
{
	struct sipc_object o = st_obj_node(OWN_COOKIE);
	unsigned char req[3000];
	__u64 off = 64;
	struct sipc_event ev = { 0 };
	int ret = 0, op = rand_r(&r->seed) % 5;
	size_t size = 100 + rand_r(&r->seed) % 2800;

	st_fill(req, size, r->seed);
	memcpy(req + off, &o, sizeof(o));
	fail_on(r, true);
	switch (op) {
	case 0:
	case 1:
		ret = st_call(c->fd, h, ST_MIRROR, req, size, &off, 1, &ev);
		break;
	case 2:
		ret = st_oneway(c->fd, h, ST_ECHO, req, size, &off, 1);
		break;
	case 3:
		ret = st_death_request(c->fd, h, 0xd00d);
		break;
	case 4:
		ret = st_node_create(c->fd, OWN_COOKIE + 1);
		break;
	}
	fail_on(r, false);
	if (ret) {
		/* A call that went out may still lose its copy-out. */
		CK(clean(ret) || ret == -EBUSY || ret == -EEXIST);
		r->failed++;
	} else {
		r->ok++;
	}
	if (!ret && op < 2) {
		CK(ev.type == SIPC_EV_REPLY && ev.data_size == size);
		CK(((const struct sipc_object *)
		    st_ptr(ev.data + off))->cookie == OWN_COOKIE);
		CK(st_free(c->fd, ev.data) == 0);
		r->calls++;
	}
	if (!ret && op == 3)
		CK(st_death_clear(c->fd, h, 0xd00d) == 0);
	if (!ret && op == 4)
		CK(st_node_destroy(c->fd, OWN_COOKIE + 1, 0) == 0);
}

static void open_under_faults(struct rnd *r, struct st_ctx *c)
{
	int ret;

	do {
		fail_on(r, true);
		ret = st_open(c, ST_AREA);
		fail_on(r, false);
		CK(!ret || clean(ret));
		r->failed += !!ret;
	} while (ret);
}

static void *rnd_thread(void *arg)
{
	struct rnd *r = arg;
	struct st_ctx c;
	__u32 h;
	int i;

	r->mif = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	CK(r->mif >= 0);
	for (i = 0; i < r->ops; i++) {
		/* A new context now and then, opened under faults too. */
		if (i % 50 == 0) {
			if (i)
				st_close(&c);
			open_under_faults(r, &c);
			CK(st_node_create(c.fd, OWN_COOKIE) == 0);
			CK(st_reg_get(c.fd, KEY_A, &h, NULL) == 0);
		}
		rnd_op(r, &c, h);
	}
	st_close(&c);
	close(r->mif);
	return NULL;
}

TEST_F_TIMEOUT(fault, random_under_load, 900)
{
	struct rnd r[3];
	pthread_t th[3];
	unsigned long ok = 0, failed = 0, calls = 0;
	long after;
	int i;

	NEED_FAULTS();
	world(_metadata, self);
	ASSERT_EQ(0, knob(DBG "failslab", "times", "1000000"));
	ASSERT_EQ(0, knob(DBG "fail_page_alloc", "times", "1000000"));
	ASSERT_EQ(0, knob(DBG "failslab", "probability", "10"));
	ASSERT_EQ(0, knob(DBG "fail_page_alloc", "probability", "10"));
	for (i = 0; i < 3; i++) {
		r[i] = (struct rnd){ .self = self, .seed = i + 1,
				     .ops = sh_scale(600, 3) };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, rnd_thread, &r[i]));
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		ok += r[i].ok;
		failed += r[i].failed;
		calls += r[i].calls;
	}
	knob(DBG "failslab", "probability", "0");
	knob(DBG "fail_page_alloc", "probability", "0");
	after = 2000000 - knob_read(DBG "failslab", "times") -
		knob_read(DBG "fail_page_alloc", "times");
	ksft_print_msg("random: %lu operations went through, %lu failed cleanly; %ld faults injected\n",
		       ok, failed, after);
	EXPECT_LT(0, failed);
	sh_count("faults", after);
	sh_count("calls", calls);
	world_end(_metadata, self);
}

TEST_HARNESS_MAIN
