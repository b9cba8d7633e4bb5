// SPDX-License-Identifier: GPL-2.0
/*
 * sipc transactions: round trips of every awkward size, reply content,
 * the sender's identity, one-way ordering and its flood limit, area
 * limits, undeliverable replies, signals during a call, and every
 * malformed request we could think of. Each test forks its own server;
 * nothing outlives a test.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/time.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define CLIENT_COOKIE	0xc11e47ULL

FIXTURE(txn) {
	struct st_ctx c;
	pid_t server;
};

FIXTURE_SETUP(txn)
{
	self->c.fd = -1;
	self->c.area = NULL;
	self->server = 0;
}

FIXTURE_TEARDOWN(txn)
{
	st_close(&self->c);
	st_kill_all();
}

/* Start the test server on handle 0 and open our own context. */
static void t_setup(struct __test_metadata *_metadata,
		    FIXTURE_DATA(txn) *self, size_t server_area,
		    size_t client_area)
{
	self->server = st_server_start(server_area, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->server);
	ASSERT_EQ(0, st_open(&self->c, client_area));
}

/* Ask the server to leave and check it had no complaint. */
static void t_finish(struct __test_metadata *_metadata,
		     FIXTURE_DATA(txn) *self)
{
	ASSERT_EQ(0, st_quit(self->c.fd, SIPC_CONTEXT_MGR_HANDLE));
	ASSERT_EQ(0, st_reap(self->server));
}

/* One echo round trip of @size bytes taken from @src; check it all. */
static void t_echo(struct __test_metadata *_metadata, struct st_ctx *c,
		   const unsigned char *src, size_t size)
{
	struct sipc_event ev;
	const unsigned char *got;
	size_t i;

	ASSERT_EQ(0, st_call(c->fd, 0, ST_ECHO, src, size, NULL, 0, &ev))
		TH_LOG("size %zu", size);
	ASSERT_EQ(SIPC_EV_REPLY, ev.type);
	ASSERT_EQ(ST_ECHO_STATUS(size), ev.code);
	ASSERT_EQ(size, ev.data_size);
	ASSERT_EQ(0, ev.offsets_count);
	ASSERT_TRUE(st_in_area(c, ev.data, size));
	got = st_ptr(ev.data);
	for (i = 0; i < size; i++)
		if (got[i] != (unsigned char)~src[i])
			break;
	EXPECT_EQ(size, i) TH_LOG("size %zu: byte %zu differs", size, i);
	ASSERT_EQ(0, st_free(c->fd, ev.data));
}

/* A whole-area echo only fits when nothing at all is left allocated. */
static void t_echo_whole(struct __test_metadata *_metadata, struct st_ctx *c)
{
	unsigned char *mem = malloc(c->size);

	ASSERT_NE(NULL, mem);
	st_fill(mem, c->size, 4242);
	t_echo(_metadata, c, mem, c->size);
	free(mem);
}

TEST_F(txn, roundtrip_small)
{
	static const size_t sizes[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32,
					33, 255, 256, 1000 };
	unsigned char buf[1000];
	size_t i;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		st_fill(buf, sizes[i], i);
		t_echo(_metadata, &self->c, buf, sizes[i]);
	}
	t_finish(_metadata, self);
}

/*
 * Sizes around page boundaries, from sources at several alignments, so the
 * page-by-page copy into the target's area is exercised at each seam.
 */
TEST_F(txn, roundtrip_page_crossing)
{
	static const size_t sizes[] = { 4088, 4095, 4096, 4097, 4104, 8183,
					8191, 8192, 8193, 12289, 65537 };
	static const size_t shifts[] = { 0, 1, 7, 8, 4093 };
	unsigned char *mem = malloc(65537 + 8192);
	size_t i, j;

	ASSERT_NE(NULL, mem);
	t_setup(_metadata, self, ST_AREA, ST_AREA);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(shifts); j++) {
			st_fill(mem + shifts[j], sizes[i], i * 16 + j);
			t_echo(_metadata, &self->c, mem + shifts[j], sizes[i]);
		}
	}
	free(mem);
	t_finish(_metadata, self);
}

/*
 * A payload as large as the target's whole area fits exactly once every
 * earlier buffer was freed (and merged back); one byte more never fits.
 */
TEST_F(txn, roundtrip_whole_area)
{
	size_t size = ST_AREA;
	unsigned char *mem = malloc(size + 1);
	struct sipc_event ev;
	int k;

	ASSERT_NE(NULL, mem);
	t_setup(_metadata, self, ST_AREA, ST_AREA);
	/* Fragment both areas first; the frees must merge it all back. */
	for (k = 0; k < 3; k++) {
		st_fill(mem, 3000 * (k + 1), k);
		t_echo(_metadata, &self->c, mem, 3000 * (k + 1));
	}
	st_fill(mem, size, 77);
	t_echo(_metadata, &self->c, mem, size);
	t_echo(_metadata, &self->c, mem, size - 1);
	EXPECT_EQ(-EMSGSIZE, st_call(self->c.fd, 0, ST_ECHO, mem, size + 1,
				     NULL, 0, &ev));
	EXPECT_EQ(-EMSGSIZE, st_call(self->c.fd, 0, ST_ECHO, mem, 1ULL << 40,
				     NULL, 0, &ev));
	/* Still usable afterwards, at full size again. */
	t_echo(_metadata, &self->c, mem, size);
	free(mem);
	t_finish(_metadata, self);
}

/* The reply's status and payload are the server's, not an echo. */
TEST_F(txn, reply_content)
{
	static const __u64 sizes[] = { 0, 1, 4095, 4097, 100000 };
	struct sipc_event ev;
	size_t i;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct st_gen g = {
			.seed = 1000 + i,
			.status = 0xfeed0000 + i,
			.size = sizes[i],
		};

		ASSERT_EQ(0, st_call(self->c.fd, 0, ST_GEN, &g, sizeof(g),
				     NULL, 0, &ev));
		ASSERT_EQ(SIPC_EV_REPLY, ev.type);
		EXPECT_EQ(g.status, ev.code);
		EXPECT_EQ(0, ev.flags);
		ASSERT_EQ(g.size, ev.data_size);
		EXPECT_EQ(0, ev.offsets_count);
		ASSERT_TRUE(st_in_area(&self->c, ev.data, ev.data_size));
		EXPECT_EQ(-1, st_check(st_ptr(ev.data), g.size, g.seed));
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	}
	t_finish(_metadata, self);
}

/* A received buffer sent on as it lies in our (read-only) area. */
TEST_F(txn, forward_received_buffer)
{
	struct st_gen g = { .seed = 31, .status = 1, .size = 12289 };
	struct sipc_event first, ev;
	const unsigned char *in, *out;
	size_t i;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_GEN, &g, sizeof(g), NULL, 0,
			     &first));
	ASSERT_EQ(g.size, first.data_size);
	/* Not read yet: its pages are first touched by the driver's copy. */
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_ECHO, st_ptr(first.data),
			     first.data_size, NULL, 0, &ev));
	ASSERT_EQ(g.size, ev.data_size);
	in = st_ptr(first.data);
	out = st_ptr(ev.data);
	for (i = 0; i < g.size; i++)
		if (out[i] != (unsigned char)~in[i] || in[i] != st_pat(g.seed, i))
			break;
	EXPECT_EQ(g.size, i);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(0, st_free(self->c.fd, first.data));
	t_echo_whole(_metadata, &self->c);
	t_finish(_metadata, self);
}

/* What the server saw of a request, as it reports back. */
static void t_who(struct __test_metadata *_metadata, struct st_ctx *c,
		  struct st_who *who)
{
	struct sipc_event ev;

	ASSERT_EQ(0, st_call(c->fd, 0, ST_WHO, "abc", 3, NULL, 0, &ev));
	ASSERT_EQ(SIPC_EV_REPLY, ev.type);
	ASSERT_EQ(sizeof(*who), ev.data_size);
	memcpy(who, st_ptr(ev.data), sizeof(*who));
	ASSERT_EQ(0, st_free(c->fd, ev.data));
}

TEST_F(txn, request_event_fields)
{
	struct st_who who;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	t_who(_metadata, &self->c, &who);
	EXPECT_EQ(SIPC_EV_TRANSACTION, who.type);
	EXPECT_EQ(0, who.flags);
	EXPECT_EQ(ST_WHO, who.code);
	EXPECT_EQ(ST_CM_COOKIE, who.cookie);
	EXPECT_EQ(3, who.data_size);
	EXPECT_EQ(0, who.offsets_count);
	EXPECT_EQ(1, who.in_area);
	EXPECT_EQ(getpid(), who.sender_pid);
	EXPECT_EQ(geteuid(), who.sender_euid);
	t_finish(_metadata, self);
}

/* The kernel, not the sender, names the sender: check as nobody too. */
static int t_who_nobody(void *arg)
{
	struct st_ctx c;
	struct sipc_event ev;
	struct st_who who;

	CK(setresgid(65534, 65534, 65534) == 0);
	CK(setresuid(65534, 65534, 65534) == 0);
	CK(st_open(&c, ST_AREA) == 0);
	CK(st_call(c.fd, 0, ST_WHO, NULL, 0, NULL, 0, &ev) == 0);
	CK(ev.type == SIPC_EV_REPLY && ev.data_size == sizeof(who));
	memcpy(&who, st_ptr(ev.data), sizeof(who));
	CK(who.sender_pid == (__u32)getpid());
	CK(who.sender_euid == 65534);
	CK(st_free(c.fd, ev.data) == 0);
	return 0;
}

TEST_F(txn, sender_pid_euid)
{
	pid_t kid;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	kid = st_fork(t_who_nobody, NULL);
	ASSERT_LT(0, kid);
	EXPECT_EQ(0, st_reap(kid));
	t_finish(_metadata, self);
}

struct t_ns {
	struct st_pipe out;
	bool serve;		/* grandchild: be the manager, not a caller */
};

/* In a new pid namespace, where it is pid 1: call out, or serve. */
static int t_ns_grandchild(void *arg)
{
	struct st_server cfg = { .area = ST_AREA, .cm = true,
				 .cookie = ST_CM_COOKIE };
	struct t_ns *p = arg;
	struct st_ctx c;
	struct sipc_event ev;
	struct st_who who;

	CK(getpid() == 1);
	if (p->serve) {
		cfg.ready = p->out;
		return st_server_run(&cfg);
	}
	CK(st_open(&c, ST_AREA) == 0);
	CK(st_call(c.fd, 0, ST_WHO, NULL, 0, NULL, 0, &ev) == 0);
	CK(ev.type == SIPC_EV_REPLY && ev.data_size == sizeof(who));
	memcpy(&who, st_ptr(ev.data), sizeof(who));
	CK(st_put(&p->out, who.sender_pid) == 0);
	return 0;
}

static int t_ns_child(void *arg)
{
	struct t_ns *p = arg;
	pid_t g;

	CK(unshare(CLONE_NEWPID) == 0);
	g = st_fork(t_ns_grandchild, p);
	CK(g > 0);
	if (!p->serve)
		CK(st_put(&p->out, g) == 0);
	return st_reap(g);
}

/* A sender in a child pid namespace is named by its pid in ours. */
TEST_F(txn, sender_pid_namespace)
{
	struct t_ns p = { .serve = false };
	__u64 seen, global;
	pid_t kid;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	ASSERT_EQ(0, st_pipe_open(&p.out));
	kid = st_fork(t_ns_child, &p);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, st_get(&p.out, &global));
	ASSERT_EQ(0, st_get(&p.out, &seen));
	EXPECT_NE(1, global);
	EXPECT_EQ(global, seen);
	EXPECT_EQ(0, st_reap(kid));
	t_finish(_metadata, self);
}

/* A sender outside the receiver's pid namespace has no pid there: 0. */
TEST_F(txn, sender_pid_invisible)
{
	struct t_ns p = { .serve = true };
	struct st_who who;
	pid_t kid;
	__u64 v;

	ASSERT_EQ(0, st_pipe_open(&p.out));
	kid = st_fork(t_ns_child, &p);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, st_get(&p.out, &v));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	t_who(_metadata, &self->c, &who);
	EXPECT_EQ(0, who.sender_pid);
	EXPECT_EQ(ST_WHO, who.code);
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(kid));
}

/*
 * Objects placed across page seams, and an offsets array that itself
 * crosses one, go to the server as handles and come back (mirrored) as
 * our own node, every other byte untouched.
 */
TEST_F(txn, objects_across_pages)
{
	static const struct {
		size_t size;
		__u64 offs[4];
		size_t n;
	} cases[] = {
		{ 8200, { 4088, 8176 }, 2 },		/* object on a seam */
		{ 4080, { 0, 16, 32 }, 3 },		/* offsets on a seam */
		{ 4096, { 4080 }, 1 },			/* last bytes of page */
		{ 12296, { 0, 4088, 8184, 12280 }, 4 },
		{ 16, { 0 }, 1 },
	};
	unsigned char *mem = malloc(16384);
	struct sipc_event ev;
	size_t i, k;

	ASSERT_NE(NULL, mem);
	t_setup(_metadata, self, ST_AREA, ST_AREA);
	ASSERT_EQ(0, st_node_create(self->c.fd, CLIENT_COOKIE));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const unsigned char *got;
		struct sipc_object o = st_obj_node(CLIENT_COOKIE + 0);
		size_t size = cases[i].size, n = cases[i].n;

		/* Overlapping test cases are a bug in this table, not sipc. */
		st_fill(mem, size, i);
		for (k = 0; k < n; k++)
			memcpy(mem + cases[i].offs[k], &o, sizeof(o));
		ASSERT_EQ(0, st_call(self->c.fd, 0, ST_MIRROR, mem, size,
				     cases[i].offs, n, &ev)) TH_LOG("case %zu", i);
		ASSERT_EQ(SIPC_EV_REPLY, ev.type);
		ASSERT_EQ(n, ev.code) TH_LOG("the server saw other objects");
		ASSERT_EQ(size, ev.data_size);
		ASSERT_EQ(n, ev.offsets_count);
		EXPECT_EQ(0, memcmp(st_ptr(ev.offsets), cases[i].offs,
				    n * sizeof(__u64)));
		got = st_ptr(ev.data);
		for (k = 0; k < n; k++) {
			o = st_ev_obj(&ev, k);
			EXPECT_EQ(SIPC_OBJ_NODE, o.type);
			EXPECT_EQ(0, o.flags);
			EXPECT_EQ(CLIENT_COOKIE, o.cookie);
			/* Only the objects may differ: restore, then compare. */
			memcpy(mem + cases[i].offs[k], got + cases[i].offs[k],
			       sizeof(o));
		}
		EXPECT_EQ(0, memcmp(mem, got, size)) TH_LOG("case %zu", i);
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	}
	free(mem);
	t_finish(_metadata, self);
}

/* ---- one-way ---- */

struct t_ow {
	struct st_pipe ready;	/* server -> test: serving */
	struct st_pipe go;	/* test -> server: drain this many, 0: stop */
	struct st_pipe done;	/* server -> test: drained */
};

/*
 * A server that reads one-way work only when told, checking that it comes
 * in order, one at a time (nothing more is visible until the previous
 * buffer is freed), marked one-way, from our parent.
 */
static int t_ow_server(void *arg)
{
	struct t_ow *p = arg;
	struct sipc_event ev, more;
	__u32 next = 0;
	struct st_ctx c;
	__u64 n, i;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	CK(st_put(&p->ready, 1) == 0);
	while ((n = st_get_ck(&p->go))) {
		for (i = 0; i < n; i++) {
			CK(st_wait(c.fd, &ev) == 0);
			CK(ev.type == SIPC_EV_TRANSACTION);
			CK(ev.flags == SIPC_EVF_ONEWAY);
			CK(ev.code == next);
			CK(ev.cookie == ST_CM_COOKIE);
			CK(ev.sender_pid == (__u32)getppid());
			CK(st_check(st_ptr(ev.data), ev.data_size, next) == -1);
			CK(st_poll(c.fd, &more) == -EAGAIN);
			/* Nobody waits for an answer to a one-way. */
			CK(st_reply(c.fd, 0, NULL, 0, NULL, 0) == -EPROTO);
			CK(st_free(c.fd, ev.data) == 0);
			next++;
		}
		CK(st_put(&p->done, next) == 0);
	}
	CK(st_wait(c.fd, &ev) == 0);
	CK(ev.type == SIPC_EV_TRANSACTION && ev.code == ST_QUIT);
	CK(st_free(c.fd, ev.data) == 0);
	CK(st_reply(c.fd, 0, NULL, 0, NULL, 0) == 0);
	return 0;
}

static pid_t t_ow_start(struct __test_metadata *_metadata, struct t_ow *p)
{
	__u64 v;
	pid_t pid;

	ASSERT_EQ(0, st_pipe_open(&p->ready));
	ASSERT_EQ(0, st_pipe_open(&p->go));
	ASSERT_EQ(0, st_pipe_open(&p->done));
	pid = st_fork(t_ow_server, p);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, st_get(&p->ready, &v));
	return pid;
}

static int t_ow_send(int fd, __u32 i, size_t size)
{
	unsigned char buf[8192];

	st_fill(buf, size, i);
	return st_oneway(fd, 0, i, buf, size, NULL, 0);
}

TEST_F(txn, oneway_order)
{
	struct t_ow p;
	pid_t pid;
	__u64 v;
	__u32 i;

	pid = t_ow_start(_metadata, &p);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	/* All queued before the server looks: order is the driver's doing. */
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, t_ow_send(self->c.fd, i, (i * 37) % 300));
	ASSERT_EQ(0, st_put(&p.go, 100));
	ASSERT_EQ(0, st_get(&p.done, &v));
	EXPECT_EQ(100, v);
	/* And again while the server is reading. */
	ASSERT_EQ(0, st_put(&p.go, 100));
	for (i = 100; i < 200; i++)
		ASSERT_EQ(0, t_ow_send(self->c.fd, i, (i * 53) % 3000));
	ASSERT_EQ(0, st_get(&p.done, &v));
	EXPECT_EQ(200, v);
	ASSERT_EQ(0, st_put(&p.go, 0));
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(pid));
}

/*
 * One-way work may take half the target's area and no more: ENOBUFS then,
 * for any size, while calls still get through; once the server has
 * drained it, the whole share is available again.
 */
TEST_F(txn, oneway_flood)
{
	int sent = 0, ret, round;
	struct t_ow p;
	pid_t pid;
	__u64 v;

	pid = t_ow_start(_metadata, &p);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	for (round = 1; round <= 2; round++) {
		int n = 0;

		while ((ret = t_ow_send(self->c.fd, sent + n, 4096)) == 0)
			if (++n > 1000)
				break;
		EXPECT_EQ(-ENOBUFS, ret);
		/* 4096-byte buffers, half of a 1 MiB area. */
		EXPECT_EQ(ST_AREA / 2 / 4096, n);
		EXPECT_EQ(-ENOBUFS, t_ow_send(self->c.fd, sent + n, 0));
		sent += n;
		ASSERT_EQ(0, st_put(&p.go, n));
		ASSERT_EQ(0, st_get(&p.done, &v));
		ASSERT_EQ(sent, v);
	}
	ASSERT_EQ(0, st_put(&p.go, 0));
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(pid));
}

/* A one-way larger than the one-way share can never be sent. */
TEST_F(txn, oneway_too_big)
{
	unsigned char *mem = malloc(ST_AREA);
	struct t_ow p;
	pid_t pid;
	__u64 v;

	ASSERT_NE(NULL, mem);
	pid = t_ow_start(_metadata, &p);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	st_fill(mem, ST_AREA / 2, 0);
	EXPECT_EQ(-EMSGSIZE, st_oneway(self->c.fd, 0, 0, mem, ST_AREA / 2 + 1,
				       NULL, 0));
	EXPECT_EQ(0, st_oneway(self->c.fd, 0, 0, mem, ST_AREA / 2, NULL, 0));
	ASSERT_EQ(0, st_put(&p.go, 1));
	ASSERT_EQ(0, st_get(&p.done, &v));
	ASSERT_EQ(0, st_put(&p.go, 0));
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(pid));
	free(mem);
}

/* ---- limits of the target's area ---- */

TEST_F(txn, target_area_full)
{
	unsigned char *mem = malloc(300000);
	struct sipc_event ev;
	int i;

	ASSERT_NE(NULL, mem);
	t_setup(_metadata, self, ST_AREA, ST_AREA);
	st_fill(mem, 300000, 3);
	/* The server keeps three 300000-byte requests: 148576 bytes left. */
	for (i = 1; i <= 3; i++)
		ASSERT_EQ(i, st_simple(self->c.fd, 0, ST_HOLD, mem, 300000));
	EXPECT_EQ(-ENOSPC, st_call(self->c.fd, 0, ST_ECHO, mem, 200000,
				   NULL, 0, &ev));
	EXPECT_EQ(-ENOSPC, st_oneway(self->c.fd, 0, ST_ECHO, mem, 200000,
				     NULL, 0));
	/* What fits still goes through, with its content intact. */
	t_echo(_metadata, &self->c, mem, 100000);
	EXPECT_EQ(3, st_simple(self->c.fd, 0, ST_UNHOLD, NULL, 0));
	t_echo(_metadata, &self->c, mem, 200000);
	t_echo_whole(_metadata, &self->c);
	free(mem);
	t_finish(_metadata, self);
}

/*
 * A reply that cannot fit the caller's area: the caller gets EREMOTEIO,
 * the server's reply fails with the reason, and both carry on.
 */
TEST_F(txn, reply_too_big)
{
	struct st_gen g = { .seed = 9, .status = 7, .size = 65537 };
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.code = ST_GEN,
		.data = (uintptr_t)&g,
		.data_size = sizeof(g),
	};
	struct sipc_event ev;

	t_setup(_metadata, self, ST_AREA, SIPC_AREA_MIN_SIZE);
	EXPECT_EQ(-EREMOTEIO, st_transact(self->c.fd, &tr));
	EXPECT_EQ(SIPC_OUT_SENT, tr.out_flags);
	EXPECT_EQ(EMSGSIZE, st_simple(self->c.fd, 0, ST_LASTERR, NULL, 0));
	/* Exactly our area fits. */
	g.size = SIPC_AREA_MIN_SIZE;
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_GEN, &g, sizeof(g), NULL, 0,
			     &ev));
	ASSERT_EQ(SIPC_EV_REPLY, ev.type);
	EXPECT_EQ(7, ev.code);
	ASSERT_EQ(g.size, ev.data_size);
	EXPECT_EQ(-1, st_check(st_ptr(ev.data), g.size, g.seed));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_simple(self->c.fd, 0, ST_LASTERR, NULL, 0));
	t_finish(_metadata, self);
}

TEST_F(txn, reply_no_space)
{
	struct st_gen g = { .seed = 5, .status = 1, .size = 40000 };
	struct sipc_event first, ev;

	t_setup(_metadata, self, ST_AREA, SIPC_AREA_MIN_SIZE);
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_GEN, &g, sizeof(g), NULL, 0,
			     &first));
	ASSERT_EQ(SIPC_EV_REPLY, first.type);
	/* We keep the first reply: a second one has no room. */
	EXPECT_EQ(-EREMOTEIO, st_call(self->c.fd, 0, ST_GEN, &g, sizeof(g),
				      NULL, 0, &ev));
	EXPECT_EQ(ENOSPC, st_simple(self->c.fd, 0, ST_LASTERR, NULL, 0));
	EXPECT_EQ(-1, st_check(st_ptr(first.data), g.size, g.seed));
	ASSERT_EQ(0, st_free(self->c.fd, first.data));
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_GEN, &g, sizeof(g), NULL, 0,
			     &ev));
	EXPECT_EQ(-1, st_check(st_ptr(ev.data), g.size, g.seed));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	t_echo_whole(_metadata, &self->c);
	t_finish(_metadata, self);
}

/* A reply the driver refuses: EREMOTEIO here, EINVAL for the server. */
TEST_F(txn, reply_bad_object)
{
	t_setup(_metadata, self, ST_AREA, ST_AREA);
	EXPECT_EQ(-EREMOTEIO, st_simple(self->c.fd, 0, ST_BADREPLY, NULL, 0));
	EXPECT_EQ(EINVAL, st_simple(self->c.fd, 0, ST_LASTERR, NULL, 0));
	t_echo(_metadata, &self->c, (const unsigned char *)"fine", 4);
	t_echo_whole(_metadata, &self->c);
	t_finish(_metadata, self);
}

struct t_unmap {
	int fd;
	int ret;
};

static void *t_sleepy_call(void *arg)
{
	struct t_unmap *u = arg;
	__u32 ms = 400;

	u->ret = st_simple(u->fd, 0, ST_SLEEP, &ms, sizeof(ms));
	return NULL;
}

/*
 * The caller unmaps its area while its call is being served: that is its
 * context's death, so the waiting call fails at once with EBADFD, and the
 * server's reply is dropped without an error (as when the caller dies), so
 * the server carries on.
 */
TEST_F(txn, reply_to_unmapped_caller)
{
	struct t_unmap u;
	struct st_ctx other;
	pthread_t th;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	u.fd = self->c.fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, t_sleepy_call, &u));
	usleep(100 * 1000);
	ASSERT_EQ(0, munmap((void *)self->c.area, self->c.size));
	self->c.area = NULL;
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(-EBADFD, u.ret);
	usleep(500 * 1000);	/* the server has replied meanwhile */
	ASSERT_EQ(0, st_open(&other, ST_AREA));
	EXPECT_EQ(0, st_simple(other.fd, 0, ST_LASTERR, NULL, 0));
	t_echo(_metadata, &other, (const unsigned char *)"still here", 10);
	ASSERT_EQ(0, st_quit(other.fd, SIPC_CONTEXT_MGR_HANDLE));
	ASSERT_EQ(0, st_reap(self->server));
	st_close(&other);
}

/* ---- protocol misuse and malformed requests ---- */

TEST_F(txn, reply_without_call)
{
	struct sipc_transact tr = { .send_op = SIPC_SEND_REPLY, .code = 1 };
	struct sipc_event ev;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	EXPECT_EQ(-EPROTO, st_transact(self->c.fd, &tr));
	EXPECT_EQ(0, tr.out_flags);
	/* Nor after the call it answered is over. */
	t_echo(_metadata, &self->c, (const unsigned char *)"x", 1);
	EXPECT_EQ(-EPROTO, st_reply(self->c.fd, 0, "x", 1, NULL, 0));
	/* And a reply followed by a wait sends nothing and waits for nothing. */
	EXPECT_EQ(-EPROTO, st_reply_wait(self->c.fd, 0, NULL, 0, NULL, 0, &ev));
	t_finish(_metadata, self);
}

TEST_F(txn, no_area_yet)
{
	struct sipc_event ev;
	int fd = open(ST_DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	t_setup(_metadata, self, ST_AREA, ST_AREA);
	EXPECT_EQ(-EBADFD, st_call(fd, 0, ST_ECHO, "a", 1, NULL, 0, &ev));
	EXPECT_EQ(-EBADFD, st_wait(fd, &ev));
	EXPECT_EQ(-EBADFD, st_node_create(fd, 1));
	close(fd);
	t_finish(_metadata, self);
}

struct t_bad {
	const char *what;
	size_t size;
	__u64 offs[3];
	size_t n;
	int err;
};

/* Objects at bad places: nothing may arrive, nothing may leak. */
TEST_F(txn, bad_offsets)
{
	static const struct t_bad cases[] = {
		{ "misaligned", 64, { 4 }, 1, -EINVAL },
		{ "misaligned second", 64, { 0, 20 }, 2, -EINVAL },
		{ "overlapping", 64, { 0, 8 }, 2, -EINVAL },
		{ "duplicate", 64, { 16, 16 }, 2, -EINVAL },
		{ "unsorted", 64, { 32, 0 }, 2, -EINVAL },
		{ "past the end", 64, { 56 }, 1, -EINVAL },
		{ "at the end", 64, { 64 }, 1, -EINVAL },
		{ "far out", 64, { 1ULL << 32 }, 1, -EINVAL },
		{ "wrapping", 64, { ~7ULL }, 1, -EINVAL },
		{ "empty payload", 0, { 0 }, 1, -EINVAL },
		{ "short payload", 8, { 0 }, 1, -EINVAL },
		{ "last fits", 64, { 0, 16, 48 }, 3, 0 },
	};
	unsigned char buf[64];
	struct sipc_object o = st_obj_node(CLIENT_COOKIE);
	struct sipc_event ev;
	size_t i, k;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	ASSERT_EQ(0, st_node_create(self->c.fd, CLIENT_COOKIE));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/*
		 * Written last to first, so that where two overlap the first
		 * is intact and translated before the second is refused.
		 */
		memset(buf, 0, sizeof(buf));
		for (k = cases[i].n; k-- > 0;)
			if (cases[i].offs[k] <= sizeof(buf) - sizeof(o))
				memcpy(buf + cases[i].offs[k], &o, sizeof(o));
		EXPECT_EQ(cases[i].err,
			  st_call(self->c.fd, 0, ST_WHO, buf, cases[i].size,
				  cases[i].offs, cases[i].n, &ev))
			TH_LOG("%s", cases[i].what);
		if (!cases[i].err) {
			EXPECT_EQ(cases[i].n,
				  ((const struct st_who *)st_ptr(ev.data))->offsets_count);
			ASSERT_EQ(0, st_free(self->c.fd, ev.data));
		}
	}
	t_echo_whole(_metadata, &self->c);
	t_finish(_metadata, self);
}

/* Objects that say nonsense. */
TEST_F(txn, bad_objects)
{
	static const __u64 off0 = 0, offs2[] = { 0, 16 };
	struct sipc_object objs[2];
	struct sipc_event ev;
	struct st_who *who;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	ASSERT_EQ(0, st_node_create(self->c.fd, CLIENT_COOKIE));

	memset(objs, 0, sizeof(objs));
	EXPECT_EQ(-EINVAL, st_call(self->c.fd, 0, ST_WHO, objs, 16, &off0, 1,
				   &ev)) TH_LOG("type 0");
	objs[0].type = 99;
	objs[0].cookie = CLIENT_COOKIE;
	EXPECT_EQ(-EINVAL, st_call(self->c.fd, 0, ST_WHO, objs, 16, &off0, 1,
				   &ev)) TH_LOG("type 99");
	objs[0] = st_obj_node(CLIENT_COOKIE);
	objs[0].flags = 1;
	EXPECT_EQ(-EINVAL, st_call(self->c.fd, 0, ST_WHO, objs, 16, &off0, 1,
				   &ev)) TH_LOG("node flags");
	objs[0] = st_obj_handle(0);
	objs[0].flags = 0x80000000;
	EXPECT_EQ(-EINVAL, st_call(self->c.fd, 0, ST_WHO, objs, 16, &off0, 1,
				   &ev)) TH_LOG("handle flags");
	objs[0] = st_obj_handle(12345);
	EXPECT_EQ(-ENOENT, st_call(self->c.fd, 0, ST_WHO, objs, 16, &off0, 1,
				   &ev)) TH_LOG("unknown handle");
	objs[0] = st_obj_handle(0);
	objs[0].raw |= 1ULL << 40;
	EXPECT_EQ(-EINVAL, st_call(self->c.fd, 0, ST_WHO, objs, 16, &off0, 1,
				   &ev)) TH_LOG("handle high bits");
	objs[0] = st_obj_node(CLIENT_COOKIE + 1);
	EXPECT_EQ(-ENOENT, st_call(self->c.fd, 0, ST_WHO, objs, 16, &off0, 1,
				   &ev)) TH_LOG("not our node");
	/* A good object first, then a bad one: the first is undone. */
	objs[0] = st_obj_node(CLIENT_COOKIE);
	objs[1] = st_obj_handle(777);
	EXPECT_EQ(-ENOENT, st_call(self->c.fd, 0, ST_WHO, objs, 32, offs2, 2,
				   &ev)) TH_LOG("good then bad");

	/* Two good ones are fine: the server sees both. */
	objs[1] = st_obj_node(CLIENT_COOKIE);
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_WHO, objs, 32, offs2, 2, &ev));
	who = (struct st_who *)st_ptr(ev.data);
	EXPECT_EQ(2, who->offsets_count);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	t_echo_whole(_metadata, &self->c);
	t_finish(_metadata, self);
}

/* As many objects as allowed go; one more does not. */
TEST_F(txn, max_objects)
{
	size_t n = SIPC_MAX_OBJECTS, i;
	struct sipc_object *objs = calloc(n + 1, sizeof(*objs));
	__u64 *offs = calloc(n + 1, sizeof(*offs));
	struct sipc_event ev;

	ASSERT_NE(NULL, objs);
	ASSERT_NE(NULL, offs);
	t_setup(_metadata, self, ST_AREA, ST_AREA);
	ASSERT_EQ(0, st_node_create(self->c.fd, CLIENT_COOKIE));
	for (i = 0; i <= n; i++) {
		objs[i] = st_obj_node(CLIENT_COOKIE);
		offs[i] = i * sizeof(*objs);
	}
	EXPECT_EQ(-E2BIG, st_call(self->c.fd, 0, ST_WHO, objs,
				  (n + 1) * sizeof(*objs), offs, n + 1, &ev));
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_MIRROR, objs, n * sizeof(*objs),
			     offs, n, &ev));
	EXPECT_EQ(n, ev.code);
	ASSERT_EQ(n, ev.offsets_count);
	for (i = 0; i < n; i++) {
		struct sipc_object o = st_ev_obj(&ev, i);

		if (o.type != SIPC_OBJ_NODE || o.cookie != CLIENT_COOKIE)
			break;
	}
	EXPECT_EQ(n, i);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	free(objs);
	free(offs);
	t_finish(_metadata, self);
}

TEST_F(txn, bad_arguments)
{
	static const __u64 off0;
	struct sipc_object o;
	struct sipc_transact tr;
	struct sipc_event ev;
	void *page;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	ASSERT_EQ(0, st_node_create(self->c.fd, CLIENT_COOKIE));
	o = st_obj_node(CLIENT_COOKIE);

	EXPECT_EQ(-EFAULT, st_call(self->c.fd, 0, ST_ECHO, NULL, 16, NULL, 0,
				   &ev)) TH_LOG("NULL data");
	EXPECT_EQ(-EFAULT, st_call(self->c.fd, 0, ST_ECHO, (void *)16, 16,
				   NULL, 0, &ev)) TH_LOG("bad data");
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	EXPECT_EQ(-EFAULT, st_call(self->c.fd, 0, ST_ECHO, page, 8192, NULL,
				   0, &ev)) TH_LOG("data runs off the mapping");
	munmap(page, 4096);
	EXPECT_EQ(-EFAULT, st_call(self->c.fd, 0, ST_ECHO, &o, 16, NULL, 1,
				   &ev)) TH_LOG("NULL offsets");
	EXPECT_EQ(-EFAULT, st_call(self->c.fd, 0, ST_ECHO, &o, 16,
				   (void *)8, 1, &ev)) TH_LOG("bad offsets");
	EXPECT_EQ(-E2BIG, st_call(self->c.fd, 0, ST_ECHO, &o, 16, &off0,
				  ~0ULL, &ev)) TH_LOG("huge count");
	EXPECT_EQ(-ENOENT, st_call(self->c.fd, 777, ST_ECHO, &o, 16, NULL, 0,
				   &ev)) TH_LOG("no such handle");
	EXPECT_EQ(-ENOENT, st_oneway(self->c.fd, 778, ST_ECHO, &o, 16, NULL,
				     0)) TH_LOG("no such handle, one-way");

	memset(&tr, 0, sizeof(tr));
	tr.send_op = SIPC_SEND_CALL;
	tr.send_flags = ~SIPC_SEND_GATHER;
	EXPECT_EQ(-EINVAL, st_transact(self->c.fd, &tr)) TH_LOG("send_flags");
	memset(&tr, 0, sizeof(tr));
	/* The first op past the last one there is. */
	tr.send_op = SIPC_SEND_CALL_ASYNC + 1;
	EXPECT_EQ(-EINVAL, st_transact(self->c.fd, &tr)) TH_LOG("send_op");
	memset(&tr, 0, sizeof(tr));
	tr.recv_flags = SIPC_RECV_WAIT | 4;
	EXPECT_EQ(-EINVAL, st_transact(self->c.fd, &tr)) TH_LOG("recv_flags");
	EXPECT_EQ(-EFAULT, st_err(ioctl(self->c.fd, SIPC_IOC_TRANSACT, NULL)));
	EXPECT_EQ(-ENOTTY, st_err(ioctl(self->c.fd, _IO(SIPC_IOC_MAGIC, 0x7f))));

	/* None of it reached the server or stayed in its area. */
	t_echo_whole(_metadata, &self->c);
	t_finish(_metadata, self);
}

TEST_F(txn, free_buffer)
{
	struct sipc_event ev;
	__u64 start;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	start = (uintptr_t)self->c.area;
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, 0));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, start));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, start + 4096));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, start + ST_AREA));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ~0ULL));
	EXPECT_EQ(-EFAULT, st_err(ioctl(self->c.fd, SIPC_IOC_FREE_BUFFER,
					NULL)));

	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_ECHO, "12345678", 8, NULL, 0,
			     &ev));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ev.data + 8));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ev.data - 8));
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ev.data));
	/* The same place, handed out again, is freed again exactly once. */
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_ECHO, "12345678", 8, NULL, 0,
			     &ev));
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ev.data));
	t_echo_whole(_metadata, &self->c);
	t_finish(_metadata, self);
}

/* ---- signals ---- */

static volatile sig_atomic_t t_alarms;

static void t_on_alarm(int sig)
{
	t_alarms++;
}

static void t_catch_alarm(struct __test_metadata *_metadata, bool restart,
			  int ms)
{
	struct sigaction sa = { .sa_handler = t_on_alarm };
	struct itimerval it = {
		.it_value.tv_sec = ms / 1000,
		.it_value.tv_usec = ms % 1000 * 1000,
	};

	sa.sa_flags = restart ? SA_RESTART : 0;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	t_alarms = 0;
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
}

/*
 * A signal abandons the call: EINTR at once (the request was sent), the
 * server's late reply goes nowhere, and the next call gets its own reply.
 */
TEST_F(txn, signal_interrupts_call)
{
	__u32 ms = 800;
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.code = ST_SLEEP,
		.data = (uintptr_t)&ms,
		.data_size = sizeof(ms),
	};
	double t0;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	t_catch_alarm(_metadata, false, 100);
	t0 = st_now();
	EXPECT_EQ(-EINTR, st_transact(self->c.fd, &tr));
	EXPECT_GT(0.6, st_now() - t0);
	EXPECT_EQ(1, t_alarms);
	EXPECT_EQ(SIPC_OUT_SENT, tr.out_flags & SIPC_OUT_SENT);
	/* Queued behind the abandoned call; must not get its reply. */
	t_echo(_metadata, &self->c, (const unsigned char *)"after", 5);
	EXPECT_LT(0.7, st_now() - t0);
	t_echo_whole(_metadata, &self->c);

	/* Again with SA_RESTART: a call is still abandoned, not resent. */
	t_catch_alarm(_metadata, true, 100);
	ms = 500;
	memset(&tr.ev, 0, sizeof(tr.ev));
	tr.out_flags = 0;
	EXPECT_EQ(-EINTR, st_transact(self->c.fd, &tr));
	EXPECT_EQ(1, t_alarms);
	t_echo(_metadata, &self->c, (const unsigned char *)"again", 5);
	t_finish(_metadata, self);
}

static int t_ow_later(void *arg)
{
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	usleep(300 * 1000);
	CK(st_oneway(c.fd, 0, 4321, "late", 4, NULL, 0) == 0);
	return 0;
}

/*
 * An idle wait is interrupted by a signal (EINTR without SA_RESTART) and
 * resumed transparently with it.
 */
TEST_F(txn, signal_interrupts_wait)
{
	struct sipc_event ev;
	pid_t kid;

	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_claim_cm(self->c.fd, ST_CM_COOKIE));
	t_catch_alarm(_metadata, false, 50);
	EXPECT_EQ(-EINTR, st_wait(self->c.fd, &ev));
	EXPECT_EQ(1, t_alarms);

	kid = st_fork(t_ow_later, NULL);
	ASSERT_LT(0, kid);
	t_catch_alarm(_metadata, true, 50);
	ASSERT_EQ(0, st_wait(self->c.fd, &ev));
	EXPECT_EQ(1, t_alarms);
	EXPECT_EQ(SIPC_EV_TRANSACTION, ev.type);
	EXPECT_EQ(4321, ev.code);
	EXPECT_EQ(SIPC_EVF_ONEWAY, ev.flags);
	EXPECT_EQ(0, memcmp(st_ptr(ev.data), "late", 4));
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_reap(kid));
}

/*
 * An event the driver cannot write back is EFAULT; the caller and the
 * server both carry on, and what was lost goes with the process (the
 * module's unload checks that nothing stays behind).
 */
TEST_F(txn, unwritable_event)
{
	struct sipc_transact *tr;
	pid_t kid;

	t_setup(_metadata, self, ST_AREA, ST_AREA);
	tr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, tr);
	tr->send_op = SIPC_SEND_CALL;
	tr->code = ST_ECHO;
	tr->data = (uintptr_t)"abc";
	tr->data_size = 3;
	ASSERT_EQ(0, mprotect(tr, 4096, PROT_READ));
	EXPECT_EQ(-EFAULT, st_transact(self->c.fd, tr));
	t_echo(_metadata, &self->c, (const unsigned char *)"next", 4);
	t_finish(_metadata, self);

	/* The same for a request that arrives while we wait. */
	st_close(&self->c);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_claim_cm(self->c.fd, ST_CM_COOKIE));
	kid = st_fork(t_ow_later, NULL);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, mprotect(tr, 4096, PROT_READ | PROT_WRITE));
	memset(tr, 0, sizeof(*tr));
	tr->recv_flags = SIPC_RECV_WAIT;
	ASSERT_EQ(0, mprotect(tr, 4096, PROT_READ));
	EXPECT_EQ(-EFAULT, st_transact(self->c.fd, tr));
	EXPECT_EQ(0, st_reap(kid));
	munmap(tr, 4096);
}

TEST_HARNESS_MAIN
