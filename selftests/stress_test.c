// SPDX-License-Identifier: GPL-2.0
/*
 * sipc under stress, for a fixed count of operations:
 *   mixed    many client processes and threads calling, sending one-way,
 *            passing handles, being called back, requesting and clearing
 *            death notices, taking and dropping references, while short
 *            lived processes come and go; every reply checked; at the end
 *            the driver's counters show nothing in use.
 *   kills    SIGKILL at the worst moment: servers mid-call, mid-reply and
 *            mid-nested-call, clients while their reply is written; the
 *            device closed by another thread while calls are in flight;
 *            processes exiting with buffers never freed. Every waiter wakes
 *            with the right error, in bounded time.
 *   limits   the receive area exhausted by many callers, one-way floods,
 *            many threads at once: clear errors, no hang, and service
 *            resumes once space is freed.
 * Counts are smaller on the debug kernel, which is many times slower.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "sipc_hard.h"

#define SERVERS		3
#define CLIENTS		4
#define CLIENT_THREADS	2
/*
 * A forward holds a thread of one server while it calls another: with a
 * thread more than there can be callers, no cycle of forwards can take
 * every thread of a server (the thread pool's limit, not the driver's).
 */
#define SERVER_THREADS	(CLIENTS * CLIENT_THREADS + 1)
#define X_KEY(i)	(0x57e550ULL + (i))
#define X_COOKIE(i)	(0x5e500000ULL + (i))
#define CLIENT_COOKIE	0xc11e0000ULL
#define MAX_PAYLOAD	4096
#define X_OUT_MAX	(256 * 1024)
#define X_MAX_HELD	256
#define ALIGN8(x)	(((x) + 7) & ~(size_t)7)

enum {
	X_CALL = 0x600,	/* hdr + pattern + objects: reply mirrors it */
	X_ONEWAY,	/* hdr + pattern: checked, counted */
	X_FORWARD,	/* one handle object: call it with X_CALL */
	X_CALLBACK,	/* the caller's node: call it back with X_PING */
	X_PING,		/* hdr: reply status seq + 1 */
	X_COUNT,	/* status: one-ways seen */
	X_BIG,		/* __u32 size: a reply of that many pattern bytes */
	X_SLOW,		/* __u32 ms: sleep, then reply */
	X_HOLD,		/* keep the request buffer (while holding) */
	X_QUIT,
};

struct x_hdr {
	__u32 pid;
	__u32 seq;
	__u32 nobj;	/* objects after the pattern, 8-aligned */
	__u32 size;	/* pattern bytes */
};

/* Counters every process of a test adds to, in shared memory. */
struct x_counts {
	atomic_ulong calls, oneways, nested, deaths, refs, churn, kills;
	atomic_ulong errors;
};

static struct x_counts *xc;

static void x_counts_map(void)
{
	xc = mmap(NULL, sizeof(*xc), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CK(xc != MAP_FAILED);
	memset(xc, 0, sizeof(*xc));
}

static unsigned int x_seed(const struct x_hdr *h)
{
	return h->pid * 7919 + h->seq;
}

/* ---- the stress server ---- */

struct x_server {
	int fd;
	int idx;
	atomic_uint oneways;
	pthread_mutex_t lock;
	__u64 held[X_MAX_HELD];
	int nr_held;
	bool holding;
};

static struct x_server xs;

static __u32 x_check_payload(const struct sipc_event *ev)
{
	const unsigned char *in = st_ptr(ev->data);
	struct x_hdr h;

	CK(ev->data_size >= sizeof(h));
	memcpy(&h, in, sizeof(h));
	CK(h.pid == ev->sender_pid);
	CK(ev->data_size == sizeof(h) + ALIGN8(h.size) +
	   h.nobj * sizeof(struct sipc_object));
	CK(ev->offsets_count == h.nobj);
	CK(st_check(in + sizeof(h), h.size, x_seed(&h)) == -1);
	return h.seq;
}

/* Call @handle (ours to use while the request holding it is unfreed). */
static __u32 x_forward(int fd, __u32 handle, __u32 seq)
{
	struct x_hdr h = { .pid = getpid(), .seq = seq, .size = 16 };
	unsigned char req[sizeof(h) + 16];
	struct sipc_event ev;
	__u32 status;
	int ret;

	memcpy(req, &h, sizeof(h));
	st_fill(req + sizeof(h), 16, x_seed(&h));
	ret = st_call(fd, handle, X_CALL, req, sizeof(req), NULL, 0, &ev);
	if (ret)
		return 0x80000000 | -ret;
	CK(ev.type == SIPC_EV_REPLY && ev.data_size == sizeof(req));
	CK(memcmp(st_ptr(ev.data), req, sizeof(req)) == 0);
	status = ev.code;
	CK(st_free(fd, ev.data) == 0);
	return status;
}

/* Call the caller back on its node; it serves that on its waiting thread. */
static __u32 x_callback(int fd, __u32 handle, __u32 seq)
{
	struct x_hdr h = { .pid = getpid(), .seq = seq };
	struct sipc_event ev;
	int ret;

	ret = st_call(fd, handle, X_PING, &h, sizeof(h), NULL, 0, &ev);
	if (ret)
		return 0x80000000 | -ret;
	CK(ev.type == SIPC_EV_REPLY && ev.code == seq + 1);
	CK(st_free(fd, ev.data) == 0);
	return seq + 2;
}

/* Free every held request, and hold no more (the pipe says when). */
static void *x_unhold_thread(void *arg)
{
	struct st_pipe *p = arg;
	__u64 v;

	while (st_get_timeout(p, &v, 600000) == 0) {
		pthread_mutex_lock(&xs.lock);
		xs.holding = v;
		while (xs.nr_held)
			CK(st_free(xs.fd, xs.held[--xs.nr_held]) == 0);
		pthread_mutex_unlock(&xs.lock);
	}
	return NULL;
}

/* Serve one request; what to reply goes to @out. */
static __u32 x_serve(const struct sipc_event *ev, unsigned char *out,
		     size_t *out_size, __u64 *offs, size_t *nobj, bool *keep)
{
	__u32 status = 0, v;

	switch (ev->code) {
	case X_CALL:
		status = x_check_payload(ev) * 3 + 1;
		*out_size = ev->data_size;
		memcpy(out, st_ptr(ev->data), *out_size);
		*nobj = ev->offsets_count;
		memcpy(offs, st_ptr(ev->offsets), *nobj * sizeof(__u64));
		break;
	case X_ONEWAY:
		x_check_payload(ev);
		xs.oneways++;
		break;
	case X_FORWARD:
	case X_CALLBACK: {
		struct sipc_object o;

		CK(ev->offsets_count == 1 &&
		   ev->data_size == sizeof(struct x_hdr) + sizeof(o));
		o = st_ev_obj(ev, 0);
		CK(o.type == SIPC_OBJ_HANDLE);
		v = ((const struct x_hdr *)st_ptr(ev->data))->seq;
		status = ev->code == X_FORWARD ? x_forward(xs.fd, o.handle, v) :
						x_callback(xs.fd, o.handle, v);
		break;
	}
	case X_COUNT:
		status = xs.oneways;
		break;
	case X_BIG:
		CK(ev->data_size == sizeof(v));
		memcpy(&v, st_ptr(ev->data), sizeof(v));
		CK(v <= X_OUT_MAX);
		st_fill(out, v, v);
		*out_size = v;
		status = v;
		break;
	case X_SLOW:
		CK(ev->data_size == sizeof(v));
		memcpy(&v, st_ptr(ev->data), sizeof(v));
		usleep(v * 1000);
		status = v;
		break;
	case X_HOLD:
		pthread_mutex_lock(&xs.lock);
		if (xs.holding) {
			CK(xs.nr_held < X_MAX_HELD);
			xs.held[xs.nr_held++] = ev->data;
			*keep = true;
		}
		status = xs.nr_held;
		pthread_mutex_unlock(&xs.lock);
		break;
	default:
		fprintf(stderr, "# x server: code %u\n", ev->code);
		_exit(1);
	}
	return status;
}

static void *x_server_thread(void *arg)
{
	unsigned char *out = malloc(X_OUT_MAX);
	__u64 offs[8];

	CK(out);
	for (;;) {
		size_t out_size = 0, nobj = 0;
		struct sipc_event ev;
		bool keep = false;
		__u32 status;
		int ret;

		CK(st_wait(xs.fd, &ev) == 0);
		if (ev.type == SIPC_EV_RELEASED || ev.type == SIPC_EV_DEATH)
			continue;
		CK(ev.type == SIPC_EV_TRANSACTION);
		if (ev.code == X_QUIT) {
			CK(st_reply(xs.fd, 0, NULL, 0, NULL, 0) == 0);
			_exit(0);
		}
		status = x_serve(&ev, out, &out_size, offs, &nobj, &keep);
		if (!(ev.flags & SIPC_EVF_ONEWAY)) {
			/* A caller that died meanwhile is no error of ours. */
			ret = st_reply(xs.fd, status, out, out_size, offs, nobj);
			CK(ret == 0);
		}
		/* After the reply: its handles had to live till then. */
		if (!keep)
			CK(st_free(xs.fd, ev.data) == 0);
	}
	return NULL;
}

struct x_server_cfg {
	int idx;
	int threads;
	size_t area;
	struct st_pipe ready;
	struct st_pipe unhold;	/* 0: free all, hold no more; 1: hold */
};

static int x_server_main(void *arg)
{
	struct x_server_cfg *cfg = arg;
	struct st_ctx c;
	pthread_t th;
	int i;

	CK(st_open(&c, cfg->area) == 0);
	xs.fd = c.fd;
	xs.idx = cfg->idx;
	xs.holding = true;
	pthread_mutex_init(&xs.lock, NULL);
	CK(st_node_create(c.fd, X_COOKIE(cfg->idx)) == 0);
	CK(st_reg_put_node(c.fd, X_KEY(cfg->idx), X_COOKIE(cfg->idx)) == 0);
	CK(pthread_create(&th, NULL, x_unhold_thread, &cfg->unhold) == 0);
	for (i = 1; i < cfg->threads; i++)
		CK(pthread_create(&th, NULL, x_server_thread, NULL) == 0);
	CK(st_put(&cfg->ready, 1) == 0);
	x_server_thread(NULL);
	return 1;
}

/*
 * A stress server published under X_KEY(@idx). When @unhold is given it
 * is the pipe to write 0 to (free every held request, hold no more) or 1.
 */
static pid_t x_server_start(int idx, int threads, size_t area,
			    struct st_pipe *unhold)
{
	struct x_server_cfg cfg = {
		.idx = idx, .threads = threads, .area = area,
	};
	__u64 v;
	pid_t pid;

	if (st_pipe_open(&cfg.ready) || st_pipe_open(&cfg.unhold))
		return -1;
	pid = st_fork(x_server_main, &cfg);
	if (pid > 0 && st_get(&cfg.ready, &v)) {
		kill(pid, SIGKILL);
		st_reap(pid);
		pid = -1;
	}
	close(cfg.ready.r);
	close(cfg.ready.w);
	close(cfg.unhold.r);
	if (unhold)
		*unhold = cfg.unhold;
	else
		close(cfg.unhold.w);
	return pid;
}

/* ---- clients ---- */

struct x_client {
	struct st_ctx c;
	__u32 handle[SERVERS];
	int ops;
};

struct x_thread {
	struct x_client *cl;
	unsigned int seed;
	__u32 seq;
	unsigned char req[MAX_PAYLOAD + 256];
};

/* Serve the X_PING a server sends back while we wait on our call. */
static int x_wait_reply(struct x_thread *t, int ret, struct sipc_event *ev)
{
	while (!ret && ev->type == SIPC_EV_TRANSACTION) {
		struct x_hdr h;

		CK(ev->code == X_PING && ev->data_size == sizeof(h));
		memcpy(&h, st_ptr(ev->data), sizeof(h));
		CK(st_free(t->cl->c.fd, ev->data) == 0);
		xc->nested++;
		ret = st_reply_wait(t->cl->c.fd, h.seq + 1, NULL, 0, NULL, 0,
				    ev);
	}
	if (!ret)
		CK(ev->type == SIPC_EV_REPLY);
	return ret;
}

/* Build hdr + pattern + @nobj objects (ours or handles we hold). */
static size_t x_build(struct x_thread *t, size_t size, int nobj,
		      struct sipc_object *objs, __u64 *offs)
{
	struct x_hdr h = {
		.pid = getpid(), .seq = ++t->seq, .nobj = nobj, .size = size,
	};
	size_t at = sizeof(h) + ALIGN8(size);
	int i;

	memcpy(t->req, &h, sizeof(h));
	st_fill(t->req + sizeof(h), size, x_seed(&h));
	memset(t->req + sizeof(h) + size, 0, ALIGN8(size) - size);
	for (i = 0; i < nobj; i++) {
		offs[i] = at + i * sizeof(objs[0]);
		memcpy(t->req + offs[i], &objs[i], sizeof(objs[0]));
	}
	return at + nobj * sizeof(objs[0]);
}

static void x_op_call(struct x_thread *t, int srv)
{
	struct x_client *cl = t->cl;
	struct sipc_object objs[2], got;
	__u64 offs[2];
	struct sipc_event ev;
	int nobj = rand_r(&t->seed) % 3, i, k = 0;
	size_t len, size = rand_r(&t->seed) % MAX_PAYLOAD;

	for (i = 0; i < nobj; i++) {
		k = rand_r(&t->seed) % (SERVERS + 1);
		objs[i] = k == SERVERS ? st_obj_node(CLIENT_COOKIE) :
			  st_obj_handle(cl->handle[k]);
	}
	len = x_build(t, size, nobj, objs, offs);
	CK(st_call(cl->c.fd, cl->handle[srv], X_CALL, t->req, len, offs, nobj,
		   &ev) == 0);
	CK(x_wait_reply(t, 0, &ev) == 0);
	CK(ev.code == t->seq * 3 + 1 && ev.data_size == len);
	CK(st_in_area(&cl->c, ev.data, len));
	CK(memcmp(st_ptr(ev.data), t->req, sizeof(struct x_hdr) + size) == 0);
	CK(ev.offsets_count == (__u64)nobj);
	/* Every object comes home as what it was here. */
	for (i = 0; i < nobj; i++) {
		got = st_ev_obj(&ev, i);
		CK(got.type == objs[i].type && got.raw == objs[i].raw);
	}
	CK(st_free(cl->c.fd, ev.data) == 0);
	xc->calls++;
}

static void x_op_oneway(struct x_thread *t, int srv)
{
	size_t len = x_build(t, rand_r(&t->seed) % MAX_PAYLOAD, 0, NULL, NULL);
	int ret;

	/* The one-way share may be full for a moment: that is the limit. */
	while ((ret = st_oneway(t->cl->c.fd, t->cl->handle[srv], X_ONEWAY,
				t->req, len, NULL, 0)) == -ENOBUFS)
		usleep(1000);
	CK(ret == 0);
	xc->oneways++;
}

/* X_FORWARD (@node false) or X_CALLBACK (@node true) through @srv. */
static void x_op_relay(struct x_thread *t, int srv, bool node)
{
	struct x_client *cl = t->cl;
	struct sipc_object o;
	struct sipc_event ev;
	__u64 off = sizeof(struct x_hdr);
	struct x_hdr h = { .pid = getpid(), .seq = ++t->seq };
	/* Not @srv itself: its own node would arrive as a node. */
	int other = (srv + 1 + rand_r(&t->seed) % (SERVERS - 1)) % SERVERS;

	o = node ? st_obj_node(CLIENT_COOKIE) :
		   st_obj_handle(cl->handle[other]);
	memcpy(t->req, &h, sizeof(h));
	memcpy(t->req + off, &o, sizeof(o));
	CK(st_call(cl->c.fd, cl->handle[srv], node ? X_CALLBACK : X_FORWARD,
		   t->req, sizeof(h) + sizeof(o), &off, 1, &ev) == 0);
	CK(x_wait_reply(t, 0, &ev) == 0);
	if (node)
		CK(ev.code == t->seq + 2);
	else
		CK(ev.code == (__u32)(t->seq * 3 + 1));
	CK(st_free(cl->c.fd, ev.data) == 0);
	xc->calls += 2;
}

static void x_op_death(struct x_thread *t, int srv)
{
	__u64 cookie = ((__u64)getpid() << 32) | ++t->seq;
	int fd = t->cl->c.fd;
	__u32 h = t->cl->handle[srv];
	int ret;

	/* Another thread may hold the one notice a handle can have. */
	ret = st_death_request(fd, h, cookie);
	CK(ret == 0 || ret == -EBUSY);
	if (!ret)
		CK(st_death_clear(fd, h, cookie) == 0);
	xc->deaths++;
}

static void x_op_refs(struct x_thread *t, int srv)
{
	int fd = t->cl->c.fd;
	__u32 h;

	if (rand_r(&t->seed) % 2) {
		CK(st_acquire(fd, t->cl->handle[srv]) == 0);
		CK(st_release(fd, t->cl->handle[srv]) == 0);
	} else {
		/* The same node looked up again is the same handle. */
		CK(st_reg_get(fd, X_KEY(srv), &h, NULL) == 0);
		CK(h == t->cl->handle[srv]);
		CK(st_release(fd, h) == 0);
	}
	xc->refs++;
}

static void *x_client_thread(void *arg)
{
	struct x_thread *t = arg;
	int i;

	for (i = 0; i < t->cl->ops; i++) {
		int srv = rand_r(&t->seed) % SERVERS;
		int op = rand_r(&t->seed) % 100;

		if (op < 40)
			x_op_call(t, srv);
		else if (op < 55)
			x_op_oneway(t, srv);
		else if (op < 65)
			x_op_relay(t, srv, false);
		else if (op < 75)
			x_op_relay(t, srv, true);
		else if (op < 87)
			x_op_death(t, srv);
		else
			x_op_refs(t, srv);
	}
	return NULL;
}

static int x_client_main(void *arg)
{
	struct x_client cl = { .ops = *(int *)arg };
	struct x_thread *t = calloc(CLIENT_THREADS, sizeof(*t));
	pthread_t th[CLIENT_THREADS];
	int i;

	CK(t);
	CK(st_open(&cl.c, 2 * ST_AREA) == 0);
	CK(st_node_create(cl.c.fd, CLIENT_COOKIE) == 0);
	for (i = 0; i < SERVERS; i++)
		CK(st_reg_get(cl.c.fd, X_KEY(i), &cl.handle[i], NULL) == 0);
	for (i = 0; i < CLIENT_THREADS; i++) {
		t[i].cl = &cl;
		t[i].seed = getpid() * 31 + i;
		CK(pthread_create(&th[i], NULL, x_client_thread, &t[i]) == 0);
	}
	for (i = 0; i < CLIENT_THREADS; i++)
		CK(pthread_join(th[i], NULL) == 0);
	return 0;
}

/*
 * A short life: look a server up, watch it, call it with our node, and
 * go without freeing anything or clearing the notice (half the time by
 * SIGKILL from within, in the middle of nothing in particular).
 */
static int x_churn_main(void *arg)
{
	struct x_thread t = { .seed = getpid() };
	struct x_client cl = { .ops = 1 };
	struct sipc_event ev;
	struct sipc_object o = st_obj_node(CLIENT_COOKIE);
	__u64 off;
	size_t len;

	t.cl = &cl;
	CK(st_open(&cl.c, ST_AREA) == 0);
	CK(st_node_create(cl.c.fd, CLIENT_COOKIE) == 0);
	CK(st_reg_get(cl.c.fd, X_KEY(getpid() % SERVERS), &cl.handle[0],
		      NULL) == 0);
	CK(st_death_request(cl.c.fd, cl.handle[0], 1) == 0);
	len = x_build(&t, 100, 1, &o, &off);
	CK(st_call(cl.c.fd, cl.handle[0], X_CALL, t.req, len, &off, 1,
		   &ev) == 0);
	CK(ev.type == SIPC_EV_REPLY && ev.code == t.seq * 3 + 1);
	xc->churn++;
	if (getpid() % 2)
		raise(SIGKILL);
	return 0;
}

FIXTURE(stress) {
	struct st_ctx c;
	pid_t cm, srv[SERVERS];
};

FIXTURE_SETUP(stress)
{
	self->c.fd = -1;
	self->c.area = NULL;
	x_counts_map();
}

FIXTURE_TEARDOWN(stress)
{
	st_close(&self->c);
	st_kill_all();
}

static void x_world(struct __test_metadata *_metadata,
		    FIXTURE_DATA(stress) *self)
{
	int i;

	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	for (i = 0; i < SERVERS; i++) {
		self->srv[i] = x_server_start(i, SERVER_THREADS, 4 * ST_AREA,
					      NULL);
		ASSERT_LT(0, self->srv[i]);
	}
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

/* Everything gone: the servers and the registry quit, counters at 0. */
static void x_end(struct __test_metadata *_metadata,
		  FIXTURE_DATA(stress) *self)
{
	__u32 h;
	int i, ret;

	for (i = 0; i < SERVERS; i++) {
		ASSERT_EQ(0, st_reg_get(self->c.fd, X_KEY(i), &h, NULL));
		EXPECT_EQ(0, st_simple(self->c.fd, h, X_QUIT, NULL, 0));
		EXPECT_EQ(0, st_reap(self->srv[i]));
	}
	EXPECT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
	st_close(&self->c);
	ret = sh_wait_idle(20000);
	if (ret == -ENOENT)
		ksft_print_msg("no /proc/sipc/stats: the unload check counts\n");
	else
		EXPECT_EQ(0, ret);
}

TEST_F_TIMEOUT(stress, mixed, 600)
{
	int ops = sh_scale(1500, 6), churn = sh_scale(40, 4), i;
	unsigned long seen = 0, sent;
	pid_t kids[CLIENTS];
	double t0 = st_now();
	__u32 h[SERVERS];

	SH_ONLY("mixed");
	x_world(_metadata, self);
	for (i = 0; i < CLIENTS; i++) {
		kids[i] = st_fork(x_client_main, &ops);
		ASSERT_LT(0, kids[i]);
	}
	for (i = 0; i < churn; i++) {
		int st = st_reap(st_fork(x_churn_main, NULL));

		EXPECT_TRUE(st == 0 || st == 128 + SIGKILL) TH_LOG("churn %d", st);
	}
	for (i = 0; i < CLIENTS; i++)
		EXPECT_EQ(0, st_reap(kids[i])) TH_LOG("client %d", i);

	/* Every one-way arrived: they may trail the last calls a little. */
	for (i = 0; i < SERVERS; i++)
		ASSERT_EQ(0, st_reg_get(self->c.fd, X_KEY(i), &h[i], NULL));
	sent = xc->oneways;
	for (i = 0; i < 3000 && seen < sent; i++) {
		int k;

		for (k = 0, seen = 0; k < SERVERS; k++)
			seen += st_simple(self->c.fd, h[k], X_COUNT, NULL, 0);
		if (seen < sent)
			usleep(10000);
	}
	EXPECT_EQ(sent, seen);
	ksft_print_msg("mixed: %lu calls, %lu one-way, %lu served back, %lu death notices, %lu ref ops, %lu short lives in %.1f s\n",
		       (unsigned long)xc->calls, sent,
		       (unsigned long)xc->nested, (unsigned long)xc->deaths,
		       (unsigned long)xc->refs, (unsigned long)xc->churn,
		       st_now() - t0);
	sh_count("calls", xc->calls + xc->nested + xc->churn);
	sh_count("oneways", sent);
	sh_count("kills", churn / 2);
	x_end(_metadata, self);
}

/* ---- kills at the worst moment ---- */

/* What a caller of a server that will be killed does. */
struct x_victim {
	int fd;
	__u32 handle;
	int threads;
	__u32 code, arg;
	bool node;	/* send our node: the server calls us back */
	struct st_pipe started;
};

/* One call as @v says; the reply (after serving callbacks) or -errno. */
static int x_victim_call(struct x_victim *v, struct x_thread *t, __u32 seq,
			 struct sipc_event *ev)
{
	struct sipc_object o = st_obj_node(CLIENT_COOKIE);
	struct x_hdr h = { .pid = getpid(), .seq = seq };
	__u64 off = sizeof(h);
	int ret;

	if (v->node) {
		memcpy(t->req, &h, sizeof(h));
		memcpy(t->req + off, &o, sizeof(o));
		ret = st_call(v->fd, v->handle, X_CALLBACK, t->req,
			      sizeof(h) + sizeof(o), &off, 1, ev);
	} else {
		ret = st_call(v->fd, v->handle, v->code, &v->arg,
			      sizeof(v->arg), NULL, 0, ev);
	}
	ret = x_wait_reply(t, ret, ev);
	if (ret)
		return ret;
	if (v->node) {
		CK(ev->code == seq + 2);
	} else {
		CK(ev->code == v->arg);
		if (v->code == X_BIG)
			CK(st_check(st_ptr(ev->data), v->arg, v->arg) == -1);
	}
	return 0;
}

/* Call until the server dies: each outcome a checked reply or ESRCH. */
static void *x_victim_thread(void *arg)
{
	struct x_victim *v = arg;
	struct x_client cl = { .c.fd = v->fd };
	struct x_thread *t = calloc(1, sizeof(*t));
	struct sipc_event ev;
	__u32 seq;
	int ret;

	CK(t);
	t->cl = &cl;
	for (seq = 0;; seq++) {
		if (seq == 1)
			CK(st_put(&v->started, 1) == 0);
		ret = x_victim_call(v, t, seq, &ev);
		if (ret) {
			CK(ret == -ESRCH);
			break;
		}
		CK(st_free(v->fd, ev.data) == 0);
		xc->calls++;
	}
	/* And every call after it, at once. */
	CK(st_call(v->fd, v->handle, X_SLOW, &v->arg, 4, NULL, 0, &ev) ==
	   -ESRCH);
	free(t);
	return NULL;
}

static int x_victim_main(void *arg)
{
	struct x_victim *v = arg;
	pthread_t th[4];
	struct st_ctx c;
	int i;

	CK(st_open(&c, 4 * ST_AREA) == 0);
	CK(st_node_create(c.fd, CLIENT_COOKIE) == 0);
	CK(st_reg_get(c.fd, X_KEY(0), &v->handle, NULL) == 0);
	v->fd = c.fd;
	for (i = 0; i < v->threads; i++)
		CK(pthread_create(&th[i], NULL, x_victim_thread, v) == 0);
	for (i = 0; i < v->threads; i++)
		CK(pthread_join(th[i], NULL) == 0);
	return 0;
}

/*
 * Kill the server while two threads are in its calls: @mode 0 a plain
 * call, 1 a large reply being written, 2 a nested call back into the
 * caller. The callers get a checked reply or ESRCH, never a hang.
 */
static void x_kill_server(struct __test_metadata *_metadata,
			  unsigned int *seed, int mode)
{
	struct x_victim v = { .threads = 2, .code = X_SLOW, .arg = 1 };
	pid_t srv, caller;
	__u64 one;

	if (mode == 1) {
		v.code = X_BIG;
		v.arg = 64 * 1024 + rand_r(seed) % (128 * 1024);
	}
	v.node = mode == 2;
	srv = x_server_start(0, 2, 4 * ST_AREA, NULL);
	ASSERT_LT(0, srv);
	ASSERT_EQ(0, st_pipe_open(&v.started));
	caller = st_fork(x_victim_main, &v);
	ASSERT_LT(0, caller);
	ASSERT_EQ(0, st_get(&v.started, &one));
	usleep(rand_r(seed) % 20000);
	ASSERT_EQ(0, kill(srv, SIGKILL));
	xc->kills++;
	EXPECT_EQ(128 + SIGKILL, st_reap(srv));
	EXPECT_EQ(0, st_reap_timeout(caller, 60000)) TH_LOG("mode %d", mode);
	close(v.started.r);
	close(v.started.w);
}

static void *x_killer_thread(void *arg)
{
	usleep(*(int *)arg);
	raise(SIGKILL);
	return NULL;
}

/*
 * A caller that kills itself after @delay_us, in the middle of its calls
 * (large replies, or nested calls it serves), with up to four replies
 * never freed.
 */
static int x_doomed_main(void *arg)
{
	struct x_victim *v = arg;
	struct x_client cl;
	struct x_thread *t = calloc(1, sizeof(*t));
	struct sipc_event ev;
	__u64 held[4] = { 0 };
	pthread_t th;
	__u32 seq;

	CK(t);
	CK(st_open(&cl.c, 4 * ST_AREA) == 0);
	CK(st_node_create(cl.c.fd, CLIENT_COOKIE) == 0);
	CK(st_reg_get(cl.c.fd, X_KEY(0), &v->handle, NULL) == 0);
	v->fd = cl.c.fd;
	t->cl = &cl;
	CK(pthread_create(&th, NULL, x_killer_thread, &v->threads) == 0);
	for (seq = 0;; seq++) {
		CK(x_victim_call(v, t, seq, &ev) == 0);
		if (held[seq % 4])
			CK(st_free(cl.c.fd, held[seq % 4]) == 0);
		held[seq % 4] = ev.data;
	}
}

/*
 * Kill a caller while the server writes its large reply (@mode 0) or
 * while it serves the server's nested call (1): the server's reply or
 * nested call fails cleanly and it goes on serving the next caller.
 */
static void x_kill_client(struct __test_metadata *_metadata, int fd,
			  unsigned int *seed, int mode)
{
	struct x_victim v = {
		.code = X_BIG, .arg = 256 * 1024, .node = mode == 1,
		/* The delay before it dies, in microseconds. */
		.threads = 2000 + rand_r(seed) % 30000,
	};
	struct sipc_event ev;
	__u32 big = 100000, h;
	pid_t srv, kid;

	srv = x_server_start(0, 2, 4 * ST_AREA, NULL);
	ASSERT_LT(0, srv);
	kid = st_fork(x_doomed_main, &v);
	ASSERT_LT(0, kid);
	EXPECT_EQ(128 + SIGKILL, st_reap_timeout(kid, 60000));
	xc->kills++;
	/* The server lives on and answers in full. */
	ASSERT_EQ(0, st_reg_get(fd, X_KEY(0), &h, NULL));
	ASSERT_EQ(0, st_call(fd, h, X_BIG, &big, sizeof(big), NULL, 0, &ev));
	EXPECT_EQ(big, ev.code);
	EXPECT_EQ(-1, st_check(st_ptr(ev.data), big, big));
	EXPECT_EQ(0, st_free(fd, ev.data));
	EXPECT_EQ(0, st_simple(fd, h, X_QUIT, NULL, 0));
	EXPECT_EQ(0, st_reap(srv));
	EXPECT_EQ(0, st_release(fd, h));
}

/* Threads of a process whose descriptor another thread closes. */
struct x_closer {
	int fd;
	__u32 handle;
	atomic_int replies, badf, eintr;
};

static void *x_close_caller(void *arg)
{
	struct x_closer *x = arg;
	struct sipc_event ev;
	__u32 ms = 2;
	int ret;

	for (;;) {
		ret = st_call(x->fd, x->handle, X_SLOW, &ms, sizeof(ms), NULL,
			      0, &ev);
		if (ret) {
			/* A call in flight is never cut short by close(). */
			CK(ret == -EBADF);
			x->badf++;
			return NULL;
		}
		CK(ev.type == SIPC_EV_REPLY && ev.code == ms);
		CK(st_free(x->fd, ev.data) == 0 || errno == EBADF);
		x->replies++;
	}
}

static void *x_close_idler(void *arg)
{
	struct x_closer *x = arg;
	struct sipc_event ev;
	int ret = st_wait(x->fd, &ev);

	/* Woken by the close (EINTR), or too late to wait at all. */
	CK(ret == -EINTR || ret == -EBADF);
	if (ret == -EINTR)
		x->eintr++;
	return NULL;
}

static int x_close_main(void *arg)
{
	unsigned int seed = getpid();
	struct x_closer x = { 0 };
	struct st_ctx c;
	pthread_t th[3];
	int i;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reg_get(c.fd, X_KEY(0), &x.handle, NULL) == 0);
	x.fd = c.fd;
	CK(pthread_create(&th[0], NULL, x_close_idler, &x) == 0);
	for (i = 1; i < 3; i++)
		CK(pthread_create(&th[i], NULL, x_close_caller, &x) == 0);
	usleep(5000 + rand_r(&seed) % 20000);
	CK(close(c.fd) == 0);
	for (i = 0; i < 3; i++)
		CK(pthread_join(th[i], NULL) == 0);
	CK(x.badf == 2);
	return 0;
}

/*
 * close() from one thread while two others are in calls and one waits
 * for work: the calls finish with their replies, the waiter wakes with
 * EINTR, and everything after is EBADF.
 */
static void x_close_in_flight(struct __test_metadata *_metadata, int fd)
{
	pid_t srv, kid;
	__u32 h;

	srv = x_server_start(0, 3, 4 * ST_AREA, NULL);
	ASSERT_LT(0, srv);
	kid = st_fork(x_close_main, NULL);
	ASSERT_LT(0, kid);
	EXPECT_EQ(0, st_reap_timeout(kid, 60000));
	ASSERT_EQ(0, st_reg_get(fd, X_KEY(0), &h, NULL));
	EXPECT_EQ(0, st_simple(fd, h, X_QUIT, NULL, 0));
	EXPECT_EQ(0, st_reap(srv));
	EXPECT_EQ(0, st_release(fd, h));
}

/* Servers holding requests never freed, killed; held replies likewise. */
static void x_exit_unfreed(struct __test_metadata *_metadata, int fd)
{
	char msg[2000];
	pid_t srv;
	__u32 h;
	int i;

	st_fill(msg, sizeof(msg), 5);
	srv = x_server_start(0, 2, 4 * ST_AREA, NULL);
	ASSERT_LT(0, srv);
	ASSERT_EQ(0, st_reg_get(fd, X_KEY(0), &h, NULL));
	for (i = 0; i < 20; i++)
		EXPECT_EQ(i + 1, st_simple(fd, h, X_HOLD, msg, sizeof(msg)));
	ASSERT_EQ(0, kill(srv, SIGKILL));
	xc->kills++;
	EXPECT_EQ(128 + SIGKILL, st_reap(srv));
	EXPECT_EQ(-ESRCH, st_simple(fd, h, X_HOLD, msg, sizeof(msg)));
	EXPECT_EQ(0, st_release(fd, h));
}

TEST_F_TIMEOUT(stress, kills, 600)
{
	int rounds = sh_scale(30, 5), i;
	unsigned int seed = 1;
	double t0 = st_now();

	SH_ONLY("kills");
	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	for (i = 0; i < rounds; i++) {
		switch (i % 6) {
		case 0:
		case 1:
		case 2:
			x_kill_server(_metadata, &seed, i % 6);
			break;
		case 3:
		case 4:
			x_kill_client(_metadata, self->c.fd, &seed, i % 6 - 3);
			break;
		case 5:
			x_close_in_flight(_metadata, self->c.fd);
			x_exit_unfreed(_metadata, self->c.fd);
			break;
		}
		if (_metadata->passed == 0)
			break;
	}
	ksft_print_msg("kills: %d rounds, %lu processes killed, %lu calls in %.1f s\n",
		       rounds, (unsigned long)xc->kills,
		       (unsigned long)xc->calls, st_now() - t0);
	sh_count("kills", xc->kills);
	sh_count("calls", xc->calls);
	EXPECT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
	st_close(&self->c);
	i = sh_wait_idle(20000);
	if (i != -ENOENT)
		EXPECT_EQ(0, i);
}

/* ---- limits ---- */

struct x_filler {
	int fd;
	__u32 handle;
	bool oneway;
	int sent;
	int full;	/* ENOSPC (calls) or ENOBUFS (one-ways) seen */
};

/* Send 3000-byte X_HOLDs until the target's area says no. */
static void *x_fill_thread(void *arg)
{
	struct x_filler *f = arg;
	char msg[3000];
	int ret;

	st_fill(msg, sizeof(msg), 9);
	for (;;) {
		if (f->oneway)
			ret = st_oneway(f->fd, f->handle, X_HOLD, msg,
					sizeof(msg), NULL, 0);
		else
			ret = st_simple(f->fd, f->handle, X_HOLD, msg,
					sizeof(msg));
		if (ret < 0)
			break;
		f->sent++;
	}
	CK(ret == (f->oneway ? -ENOBUFS : -ENOSPC));
	f->full = 1;
	return NULL;
}

/* @n threads fill the server's area at once; each must hear "full". */
static int x_fill(int fd, __u32 h, bool oneway, int n)
{
	struct x_filler f[8];
	pthread_t th[8];
	int i, sent = 0;

	for (i = 0; i < n; i++) {
		f[i] = (struct x_filler){ .fd = fd, .handle = h,
					  .oneway = oneway };
		CK(pthread_create(&th[i], NULL, x_fill_thread, &f[i]) == 0);
	}
	for (i = 0; i < n; i++) {
		CK(pthread_join(th[i], NULL) == 0);
		CK(f[i].full);
		sent += f[i].sent;
	}
	return sent;
}

struct x_crowd {
	int fd;
	__u32 handle;
	int calls;
};

static void *x_crowd_thread(void *arg)
{
	struct x_crowd *x = arg;
	__u32 ms = 20;
	int i;

	for (i = 0; i < x->calls; i++)
		CK(st_simple(x->fd, x->handle, X_SLOW, &ms, sizeof(ms)) == 20);
	return NULL;
}

TEST_F_TIMEOUT(stress, limits, 300)
{
	struct x_crowd crowd = { .calls = 3 };
	struct st_pipe unhold;
	char big[SIPC_AREA_MIN_SIZE + 8];
	pthread_t th[32];
	int sent, i, n;
	pid_t srv;
	__u32 h;

	SH_ONLY("limits");
	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	ASSERT_EQ(0, st_open(&self->c, 4 * ST_AREA));

	/* The smallest area, filled by four callers at once. */
	srv = x_server_start(0, 2, SIPC_AREA_MIN_SIZE, &unhold);
	ASSERT_LT(0, srv);
	ASSERT_EQ(0, st_reg_get(self->c.fd, X_KEY(0), &h, NULL));
	memset(big, 1, sizeof(big));
	EXPECT_EQ(-EMSGSIZE, st_simple(self->c.fd, h, X_SLOW, big,
				       sizeof(big)));
	sent = x_fill(self->c.fd, h, false, 4);
	EXPECT_LT(10, sent);
	/* Space freed by the server: service resumes, and fills again. */
	ASSERT_EQ(0, st_put(&unhold, 1));
	for (i = 0; i < 1000; i++) {
		n = st_simple(self->c.fd, h, X_HOLD, big, 3000);
		if (n != -ENOSPC)
			break;
		usleep(1000);
	}
	EXPECT_EQ(1, n);
	EXPECT_LT(10, x_fill(self->c.fd, h, false, 2));

	/* A one-way flood stops at half the area, then flows again. */
	ASSERT_EQ(0, st_put(&unhold, 1));
	usleep(10000);
	sent = x_fill(self->c.fd, h, true, 4);
	EXPECT_LT(4, sent);
	EXPECT_GT(SIPC_AREA_MIN_SIZE / 2 / 3000 + 2, sent);
	/* Calls still get through beside the flood's share. */
	EXPECT_EQ(1, st_simple(self->c.fd, h, X_SLOW, &(__u32){ 1 }, 4));
	ASSERT_EQ(0, st_put(&unhold, 0));
	for (i = 0, n = 0; i < 2000 && n < 50; i++) {
		if (!st_oneway(self->c.fd, h, X_HOLD, big, 3000, NULL, 0))
			n++;
		else
			usleep(1000);
	}
	EXPECT_EQ(50, n);
	sh_count("calls", sent + 50);
	EXPECT_EQ(0, st_simple(self->c.fd, h, X_QUIT, NULL, 0));
	EXPECT_EQ(0, st_reap(srv));
	close(unhold.w);
	EXPECT_EQ(0, st_release(self->c.fd, h));

	/* Thirty-two threads serving thirty-two callers at once. */
	srv = x_server_start(0, 32, 4 * ST_AREA, NULL);
	ASSERT_LT(0, srv);
	ASSERT_EQ(0, st_reg_get(self->c.fd, X_KEY(0), &h, NULL));
	crowd.fd = self->c.fd;
	crowd.handle = h;
	for (i = 0; i < 32; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, x_crowd_thread,
					    &crowd));
	for (i = 0; i < 32; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	sh_count("calls", 32 * crowd.calls);
	EXPECT_EQ(0, st_simple(self->c.fd, h, X_QUIT, NULL, 0));
	EXPECT_EQ(0, st_reap(srv));

	EXPECT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
	st_close(&self->c);
	i = sh_wait_idle(20000);
	if (i != -ENOENT)
		EXPECT_EQ(0, i);
}

TEST_HARNESS_MAIN
