// SPDX-License-Identifier: GPL-2.0
/*
 * sipc and threads: nested calls are served by the very thread that waits
 * (so a single-threaded process can be called back without deadlock), and
 * the driver's thread-pool protocol asks for loopers up to the limit and
 * never past it; poll() and epoll tell an event loop when work is queued.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/time.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define KEY_C		0xc1
#define COOKIE_A	0xaaaa0001ULL
#define COOKIE_C	0xcccc0001ULL

FIXTURE(thr) {
	struct st_ctx c;
	pid_t cm;
};

FIXTURE_SETUP(thr)
{
	self->c.fd = -1;
	self->c.area = NULL;
	self->cm = 0;
}

FIXTURE_TEARDOWN(thr)
{
	st_close(&self->c);
	st_kill_all();
}

static void on_alarm(int sig)
{
}

/*
 * A deadlock in the driver should fail the test, not hang it: calls made
 * under this alarm end in EINTR after @sec seconds.
 */
static void watchdog(struct __test_metadata *_metadata, int sec)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value.tv_sec = sec };

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
}

/* Another thread of ours, idle: it must never get a nested call. */
struct idler {
	int fd;
	struct sipc_event ev;
	int ret;
};

static void *idler_main(void *arg)
{
	struct idler *id = arg;

	id->ret = st_wait(id->fd, &id->ev);
	/* Whatever it was, do not leave a caller hanging on us. */
	if (!id->ret && id->ev.type == SIPC_EV_TRANSACTION &&
	    !(id->ev.flags & SIPC_EVF_ONEWAY))
		st_reply(id->fd, 0xbad, NULL, 0, NULL, 0);
	return NULL;
}

/*
 * We call the manager, which calls us back, which calls it back... five
 * levels deep. Each call back into a process lands on the thread there
 * that waits for its own reply, not on an idle one.
 */
TEST_F(thr, nested_calls)
{
	struct idler id = { 0 };
	pthread_t th;
	__u32 code = 77;
	int served;

	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_node_create(self->c.fd, COOKIE_A));
	id.fd = self->c.fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, idler_main, &id));
	usleep(100 * 1000);

	watchdog(_metadata, 10);
	served = st_nest_call(self->c.fd, 0, 5, COOKIE_A, self->cm);
	/* We served depths 4, 2 and 0 ourselves, on this thread. */
	EXPECT_EQ(3, served);
	/* Twice, with the stacks unwound in between. */
	served = st_nest_call(self->c.fd, 0, 2, 0, self->cm);
	EXPECT_EQ(1, served);

	/* Now wake the idler with a one-way: the only thing it ever got. */
	EXPECT_EQ(0, st_simple(self->c.fd, 0, ST_POKE, &code, sizeof(code)));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, id.ret);
	EXPECT_EQ(SIPC_EV_TRANSACTION, id.ev.type);
	EXPECT_EQ(SIPC_EVF_ONEWAY, id.ev.flags);
	EXPECT_EQ(77, id.ev.code);
	EXPECT_EQ(COOKIE_A, id.ev.cookie);
	EXPECT_EQ(0, st_free(self->c.fd, id.ev.data));
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
}

/*
 * A chain through three processes: we call B (the manager), B calls C,
 * C calls us. We have one thread and it is waiting for B: that thread,
 * at the root of the chain, must get C's call.
 */
TEST_F(thr, nested_call_chain)
{
	static const __u64 offs[] = { 0, 16 };
	struct sipc_object objs[2];
	struct sipc_event ev;
	__u32 hc = 0;
	pid_t c;
	int ret, served = 0;

	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	c = st_server_start(ST_AREA, KEY_C, COOKIE_C);
	ASSERT_LT(0, c);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_node_create(self->c.fd, COOKIE_A));
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_C, &hc, NULL));

	objs[0] = st_obj_handle(hc);
	objs[1] = st_obj_node(COOKIE_A);
	watchdog(_metadata, 10);
	ret = st_call(self->c.fd, 0, ST_CHAIN, objs, sizeof(objs), offs, 2,
		      &ev);
	while (!ret && ev.type == SIPC_EV_TRANSACTION) {
		EXPECT_EQ(ST_CHAIN, ev.code);
		EXPECT_EQ(c, ev.sender_pid);
		EXPECT_EQ(COOKIE_A, ev.cookie);
		EXPECT_EQ(0, ev.offsets_count);
		EXPECT_EQ(0, st_free(self->c.fd, ev.data));
		served++;
		ret = st_reply_wait(self->c.fd, 4242, NULL, 0, NULL, 0, &ev);
	}
	ASSERT_EQ(0, ret) TH_LOG("the call back from C never reached us");
	EXPECT_EQ(1, served);
	EXPECT_EQ(SIPC_EV_REPLY, ev.type);
	EXPECT_EQ(4244, ev.code);
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));

	EXPECT_EQ(0, st_quit(self->c.fd, hc));
	EXPECT_EQ(0, st_reap(c));
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
}

struct waiter {
	int fd;
	__u32 code;
	__u32 ms;
	int ret;
	double t;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct sipc_event ev;

	if (w->code)
		w->ret = st_simple(w->fd, 0, w->code, &w->ms, sizeof(w->ms));
	else
		w->ret = st_wait(w->fd, &ev);
	w->t = st_now();
	return NULL;
}

/*
 * close() by another thread wakes a thread idle in the driver (the device
 * is going away for it), but never cuts short a call still pending.
 */
TEST_F(thr, close_wakes_idle_not_calls)
{
	struct waiter idle = { 0 }, caller = { 0 };
	pthread_t ti, tc;
	double t0;

	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	idle.fd = self->c.fd;
	caller.fd = self->c.fd;
	caller.code = ST_SLEEP;
	caller.ms = 600;
	ASSERT_EQ(0, pthread_create(&ti, NULL, waiter_main, &idle));
	ASSERT_EQ(0, pthread_create(&tc, NULL, waiter_main, &caller));
	usleep(200 * 1000);
	t0 = st_now();
	ASSERT_EQ(0, close(self->c.fd));
	self->c.fd = -1;
	ASSERT_EQ(0, pthread_join(ti, NULL));
	ASSERT_EQ(0, pthread_join(tc, NULL));
	EXPECT_EQ(-EINTR, idle.ret);
	EXPECT_GT(0.3, idle.t - t0);
	/* The call got its real reply (which we cannot free any more). */
	EXPECT_EQ(600, caller.ret);
	EXPECT_LT(0.2, caller.t - t0);
	st_close(&self->c);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
}

/* ---- processes dying in the middle of a nested call ---- */

struct nk {
	struct st_pipe ready;	/* child -> test: serving / got the call */
	pid_t victim;
};

/* A: call the manager (us) with our node, then sit on its call back. */
static int nk_caller(void *arg)
{
	static const __u64 off;
	struct sipc_object o = st_obj_node(COOKIE_A);
	struct nk *p = arg;
	struct sipc_event ev;
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_node_create(c.fd, COOKIE_A) == 0);
	CK(st_call(c.fd, 0, 1, &o, sizeof(o), &off, 1, &ev) == 0);
	CK(ev.type == SIPC_EV_TRANSACTION && ev.code == 2);
	CK(st_put(&p->ready, 1) == 0);
	for (;;)
		pause();
}

static void *nk_killer(void *arg)
{
	struct nk *p = arg;
	__u64 v;

	if (!st_get(&p->ready, &v))
		kill(p->victim, SIGKILL);
	return NULL;
}

/*
 * We serve A's call and call A back; A dies while serving that call back.
 * Our call back fails (ESRCH), our reply to A's call goes nowhere, and
 * our stack is clean again afterwards.
 */
TEST_F(thr, nested_callee_dies)
{
	struct sipc_event ev;
	struct nk p;
	pthread_t th;
	__u32 ha;
	pid_t a;

	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_claim_cm(self->c.fd, ST_CM_COOKIE));
	ASSERT_EQ(0, st_pipe_open(&p.ready));
	a = st_fork(nk_caller, &p);
	ASSERT_LT(0, a);
	p.victim = a;
	ASSERT_EQ(0, st_wait(self->c.fd, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	ASSERT_EQ(1, ev.offsets_count);
	ha = st_ev_obj(&ev, 0).handle;
	ASSERT_EQ(0, st_acquire(self->c.fd, ha));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));

	ASSERT_EQ(0, pthread_create(&th, NULL, nk_killer, &p));
	watchdog(_metadata, 10);
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, ha, 2, NULL, 0));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(128 + SIGKILL, st_reap(a));
	/* The call we serve is still ours to answer, into the void. */
	EXPECT_EQ(0, st_reply(self->c.fd, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(-EPROTO, st_reply(self->c.fd, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
	EXPECT_EQ(0, st_release(self->c.fd, ha));
}

/* B: serve one call by calling the caller back, and wait there forever. */
static int nk_server(void *arg)
{
	struct nk *p = arg;
	struct sipc_event ev;
	struct st_ctx c;
	__u32 h;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	CK(st_put(&p->ready, 1) == 0);
	CK(st_wait(c.fd, &ev) == 0);
	CK(ev.type == SIPC_EV_TRANSACTION && ev.offsets_count == 1);
	h = st_ev_obj(&ev, 0).handle;
	st_call(c.fd, h, 2, NULL, 0, NULL, 0, &ev);
	return 1;
}

/*
 * We call B, B calls us back; B dies while we serve its call back. Our
 * reply goes nowhere, and our own call then fails with ESRCH.
 */
TEST_F(thr, nested_caller_dies)
{
	static const __u64 off;
	struct sipc_object o = st_obj_node(COOKIE_A);
	struct sipc_transact tr = { 0 };
	struct sipc_event ev;
	struct nk p;
	pid_t b;
	__u64 v;

	ASSERT_EQ(0, st_pipe_open(&p.ready));
	b = st_fork(nk_server, &p);
	ASSERT_LT(0, b);
	ASSERT_EQ(0, st_get(&p.ready, &v));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_node_create(self->c.fd, COOKIE_A));
	watchdog(_metadata, 10);
	ASSERT_EQ(0, st_call(self->c.fd, 0, 1, &o, sizeof(o), &off, 1, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	EXPECT_EQ(2, ev.code);
	EXPECT_EQ(b, ev.sender_pid);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(0, kill(b, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, st_reap(b));
	tr.send_op = SIPC_SEND_REPLY;
	tr.recv_flags = SIPC_RECV_WAIT;
	EXPECT_EQ(-ESRCH, st_transact(self->c.fd, &tr));
	EXPECT_EQ(SIPC_OUT_SENT, tr.out_flags);
	/* Nothing left on our stack; B's handle to our node went with it. */
	EXPECT_EQ(-EPROTO, st_reply(self->c.fd, 0, NULL, 0, NULL, 0));
	ASSERT_EQ(0, st_poll(self->c.fd, &ev));
	EXPECT_EQ(SIPC_EV_RELEASED, ev.type);
	EXPECT_EQ(COOKIE_A, ev.cookie);
	EXPECT_EQ(-EAGAIN, st_poll(self->c.fd, &ev));
}

/* ---- one-way work on a server with several threads ---- */

#define OW_COUNT	200
#define OW_THREADS	4
#define OW_COUNT_CODE	0x1000	/* status: one-ways seen */

static struct {
	int fd;
	atomic_int inflight;
	atomic_uint next;
	atomic_int overlaps, misordered;
} ow;

static void *ow_thread(void *arg)
{
	struct sipc_event ev;
	int in;

	for (;;) {
		CK(st_wait(ow.fd, &ev) == 0);
		CK(ev.type == SIPC_EV_TRANSACTION);
		if (ev.code == ST_QUIT) {
			CK(st_free(ow.fd, ev.data) == 0);
			CK(st_reply(ow.fd, ow.next, NULL, 0, NULL, 0) == 0);
			_exit(ow.overlaps || ow.misordered ? 2 : 0);
		}
		if (ev.code == OW_COUNT_CODE) {
			CK(st_free(ow.fd, ev.data) == 0);
			CK(st_reply(ow.fd, ow.next, NULL, 0, NULL, 0) == 0);
			continue;
		}
		CK(ev.flags == SIPC_EVF_ONEWAY);
		in = ++ow.inflight;
		if (in != 1)
			ow.overlaps++;
		if (ev.code != ow.next)
			ow.misordered++;
		ow.next++;
		/* Give another thread every chance to get the next one. */
		usleep(2000);
		ow.inflight--;
		CK(st_free(ow.fd, ev.data) == 0);
	}
	return NULL;
}

static int ow_server(void *arg)
{
	struct st_pipe *ready = arg;
	pthread_t th;
	struct st_ctx c;
	int i;

	CK(st_open(&c, ST_AREA) == 0);
	ow.fd = c.fd;
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	for (i = 1; i < OW_THREADS; i++)
		CK(pthread_create(&th, NULL, ow_thread, NULL) == 0);
	CK(st_put(ready, 1) == 0);
	ow_thread(NULL);
	return 1;
}

/*
 * One-way work to one node is handed out one at a time, in order, even
 * with four threads idle: the next only once the previous was freed.
 */
TEST_F(thr, oneway_one_at_a_time)
{
	struct st_pipe ready;
	pid_t srv;
	__u64 v;
	__u32 i;

	ASSERT_EQ(0, st_pipe_open(&ready));
	srv = st_fork(ow_server, &ready);
	ASSERT_LT(0, srv);
	ASSERT_EQ(0, st_get(&ready, &v));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	for (i = 0; i < OW_COUNT; i++)
		ASSERT_EQ(0, st_oneway(self->c.fd, 0, i, &i, sizeof(i), NULL,
				       0));
	/* Calls overtake queued one-ways: ask until all were seen. */
	for (i = 0; i < 1000; i++) {
		if (st_simple(self->c.fd, 0, OW_COUNT_CODE, NULL, 0) >= OW_COUNT)
			break;
		usleep(10 * 1000);
	}
	EXPECT_EQ(OW_COUNT, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(srv)) TH_LOG("2: overlapping or out of order");
}

/* ---- the thread pool ---- */

enum {
	P_BLOCK = 0x300,	/* hold the thread a while; status: busy count */
	P_STATS,		/* struct p_stats */
	P_EXTRA,		/* an unrequested SPAWNED looper: -errno */
	P_TWICE,		/* LOOPER_ENTER again on a looper: -errno */
};

#define P_MAX		3

struct p_stats {
	__u32 spawn_flags;	/* SIPC_OUT_SPAWN_THREAD seen */
	__u32 loopers;		/* threads that entered the loop */
	__u32 max_busy;		/* most threads busy at once */
	__u32 bad_enters;	/* looper entries refused */
};

static struct {
	int fd;
	atomic_uint spawn_flags, loopers, busy, max_busy, bad_enters;
} pool;

static void *pool_thread(void *arg);

static void *pool_probe(void *arg)
{
	int *ret = arg;

	*ret = st_looper_enter(pool.fd, SIPC_LOOPER_SPAWNED);
	return NULL;
}

/* One looper: enter, then serve until told to quit. */
static void pool_loop(bool spawned)
{
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	struct p_stats stats;
	pthread_t th;

	if (st_looper_enter(pool.fd, spawned ? SIPC_LOOPER_SPAWNED : 0)) {
		pool.bad_enters++;
		return;
	}
	pool.loopers++;
	for (;;) {
		struct sipc_event ev;
		__u32 status = 0, b;
		unsigned int m;
		const void *out = NULL;
		size_t out_size = 0;
		int probe;

		CK(st_transact(pool.fd, &tr) == 0);
		ev = tr.ev;
		if (tr.out_flags & SIPC_OUT_SPAWN_THREAD) {
			pool.spawn_flags++;
			CK(pthread_create(&th, NULL, pool_thread, NULL) == 0);
			pthread_detach(th);
		}
		memset(&tr, 0, sizeof(tr));
		tr.recv_flags = SIPC_RECV_WAIT;
		CK(ev.type == SIPC_EV_TRANSACTION);
		CK(st_free(pool.fd, ev.data) == 0);
		switch (ev.code) {
		case P_BLOCK:
			b = ++pool.busy;
			m = pool.max_busy;
			while (b > m &&
			       !atomic_compare_exchange_weak(&pool.max_busy,
							     &m, b))
				;
			usleep(300 * 1000);
			pool.busy--;
			status = b;
			break;
		case P_STATS:
			stats.spawn_flags = pool.spawn_flags;
			stats.loopers = pool.loopers;
			stats.max_busy = pool.max_busy;
			stats.bad_enters = pool.bad_enters;
			out = &stats;
			out_size = sizeof(stats);
			break;
		case P_EXTRA:
			CK(pthread_create(&th, NULL, pool_probe, &probe) == 0);
			CK(pthread_join(th, NULL) == 0);
			status = -probe;
			break;
		case P_TWICE:
			status = -st_looper_enter(pool.fd, 0);
			break;
		case ST_QUIT:
			CK(st_reply(pool.fd, 0, NULL, 0, NULL, 0) == 0);
			_exit(0);
		default:
			CK(0);
		}
		tr.send_op = SIPC_SEND_REPLY;
		tr.code = status;
		tr.data = (uintptr_t)out;
		tr.data_size = out_size;
	}
}

static void *pool_thread(void *arg)
{
	pool_loop(true);
	return NULL;
}

static int pool_server(void *arg)
{
	struct st_pipe *ready = arg;
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	pool.fd = c.fd;
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	CK(st_set_max_threads(c.fd, SIPC_MAX_THREADS_LIMIT + 1) == -EINVAL);
	CK(st_set_max_threads(c.fd, P_MAX) == 0);
	CK(st_looper_enter(c.fd, 4) == -EINVAL);
	CK(st_put(ready, 1) == 0);
	pool_loop(false);
	return 1;
}

struct p_client {
	int fd;
	int calls;
	int ret;
};

static void *p_client_main(void *arg)
{
	struct p_client *cl = arg;
	int i, r;

	for (i = 0; i < cl->calls; i++) {
		r = st_simple(cl->fd, 0, P_BLOCK, NULL, 0);
		if (r < 1 || r > 1 + P_MAX) {
			cl->ret = r < 0 ? r : -ERANGE;
			return NULL;
		}
	}
	return NULL;
}

/*
 * Eight callers at once on a pool allowed three extra threads: the driver
 * asks for exactly three (each started as SPAWNED), never a fourth; four
 * threads end up busy at once; an unrequested SPAWNED entry is refused.
 */
TEST_F_TIMEOUT(thr, thread_pool, 60)
{
	struct p_client cl[8];
	pthread_t th[8];
	struct st_pipe ready;
	struct p_stats st;
	struct sipc_event ev;
	pid_t srv;
	__u64 v;
	int i;

	ASSERT_EQ(0, st_pipe_open(&ready));
	srv = st_fork(pool_server, &ready);
	ASSERT_LT(0, srv);
	ASSERT_EQ(0, st_get(&ready, &v));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));

	for (i = 0; i < 8; i++) {
		cl[i] = (struct p_client){ self->c.fd, 4, 0 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, p_client_main,
					    &cl[i]));
	}
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, cl[i].ret) TH_LOG("client %d", i);
	}

	ASSERT_EQ(0, st_call(self->c.fd, 0, P_STATS, NULL, 0, NULL, 0, &ev));
	ASSERT_EQ(sizeof(st), ev.data_size);
	memcpy(&st, st_ptr(ev.data), sizeof(st));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(P_MAX, st.spawn_flags);
	EXPECT_EQ(1 + P_MAX, st.loopers);
	EXPECT_EQ(1 + P_MAX, st.max_busy);
	EXPECT_EQ(0, st.bad_enters);
	EXPECT_EQ(EPROTO, st_simple(self->c.fd, 0, P_EXTRA, NULL, 0));
	EXPECT_EQ(EPROTO, st_simple(self->c.fd, 0, P_TWICE, NULL, 0));
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(srv));
}

/* A thread that leaves (THREAD_EXIT) while idle is simply gone. */
TEST_F(thr, thread_exit)
{
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	EXPECT_EQ(0, st_looper_enter(self->c.fd, 0));
	EXPECT_EQ(-EPROTO, st_looper_enter(self->c.fd, 0));
	EXPECT_EQ(0, st_err(ioctl(self->c.fd, SIPC_IOC_THREAD_EXIT)));
	/* A fresh context for the same thread: not a looper any more. */
	EXPECT_EQ(0, st_looper_enter(self->c.fd, 0));
	EXPECT_EQ(-EPROTO, st_reply(self->c.fd, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(0, st_err(ioctl(self->c.fd, SIPC_IOC_THREAD_EXIT)));
}

struct reuse {
	int fd;
	pid_t tid;
	int ret;
};

/* Enter as a looper and end without THREAD_EXIT, as a crashed thread. */
static void *reuse_main(void *arg)
{
	struct reuse *r = arg;

	r->tid = gettid();
	r->ret = st_looper_enter(r->fd, 0);
	return NULL;
}

/* Make @tid the next id the kernel hands out, where it lets us. */
static bool next_tid_is(pid_t tid)
{
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%d", tid - 1) > 0;
	return fclose(f) == 0 && ok;
}

/*
 * A thread that exits without THREAD_EXIT leaves its context behind; a
 * new thread that gets its id again starts afresh: it can enter as a
 * looper (a stale context said "entered twice", EPROTO).
 */
TEST_F(thr, thread_id_reused)
{
	struct reuse first = { 0 }, second = { 0 };
	pthread_t t;

	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	first.fd = self->c.fd;
	second.fd = self->c.fd;
	ASSERT_EQ(0, pthread_create(&t, NULL, reuse_main, &first));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, first.ret);
	if (!next_tid_is(first.tid))
		SKIP(return, "no /proc/sys/kernel/ns_last_pid (CHECKPOINT_RESTORE)");
	ASSERT_EQ(0, pthread_create(&t, NULL, reuse_main, &second));
	ASSERT_EQ(0, pthread_join(t, NULL));
	if (second.tid != first.tid)
		SKIP(return, "thread id %d went to another task", first.tid);
	EXPECT_EQ(0, second.ret);
}

static int sd_client(void *arg)
{
	struct st_ctx c;
	int i;

	CK(st_open(&c, ST_AREA) == 0);
	for (i = 0; i < 3; i++)
		CK(st_simple(c.fd, 0, 0x500, NULL, 0) == i);
	return 0;
}

/* A spawned looper that enters and leaves at once. */
static void *sd_looper(void *arg)
{
	int *fd = arg;

	*fd = st_looper_enter(*fd, SIPC_LOOPER_SPAWNED) ?:
	      st_err(ioctl(*fd, SIPC_IOC_THREAD_EXIT));
	return NULL;
}

/*
 * One extra thread allowed. The driver asks for it when we get busy and
 * asks again only once the request is settled: declined (the thread could
 * not be started) or entered; a spawned looper that leaves frees its
 * place, so the next busy moment asks again.
 */
TEST_F(thr, spawn_declined_or_exited)
{
	struct sipc_transact tr;
	pthread_t th;
	int fd, arg, i;
	pid_t kid;

	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	fd = self->c.fd;
	ASSERT_EQ(0, st_claim_cm(fd, ST_CM_COOKIE));
	ASSERT_EQ(0, st_set_max_threads(fd, 1));
	ASSERT_EQ(0, st_looper_enter(fd, 0));
	/* Nothing asked for yet: nothing to decline. */
	EXPECT_EQ(-EPROTO, st_looper_enter(fd, SIPC_LOOPER_DECLINE));
	EXPECT_EQ(-EINVAL, st_looper_enter(fd, SIPC_LOOPER_DECLINE |
					       SIPC_LOOPER_SPAWNED));
	watchdog(_metadata, 10);
	kid = st_fork(sd_client, NULL);
	ASSERT_LT(0, kid);
	for (i = 0; i < 3; i++) {
		memset(&tr, 0, sizeof(tr));
		tr.recv_flags = SIPC_RECV_WAIT;
		ASSERT_EQ(0, st_transact(fd, &tr));
		ASSERT_EQ(SIPC_EV_TRANSACTION, tr.ev.type);
		EXPECT_EQ(SIPC_OUT_SPAWN_THREAD,
			  tr.out_flags & SIPC_OUT_SPAWN_THREAD) TH_LOG("call %d", i);
		if (i == 0) {
			EXPECT_EQ(0, st_looper_enter(fd, SIPC_LOOPER_DECLINE));
			EXPECT_EQ(-EPROTO,
				  st_looper_enter(fd, SIPC_LOOPER_DECLINE));
		} else {
			arg = fd;
			ASSERT_EQ(0, pthread_create(&th, NULL, sd_looper, &arg));
			ASSERT_EQ(0, pthread_join(th, NULL));
			EXPECT_EQ(0, arg);
		}
		ASSERT_EQ(0, st_free(fd, tr.ev.data));
		ASSERT_EQ(0, st_reply(fd, i, NULL, 0, NULL, 0));
	}
	EXPECT_EQ(0, st_reap(kid));
}

/* ---- poll and epoll ---- */

static int pl_sender(void *arg)
{
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	usleep(200 * 1000);
	CK(st_oneway(c.fd, 0, 0x600, "wake", 4, NULL, 0) == 0);
	return 0;
}

static int pl_inherited(void *arg)
{
	struct pollfd p = { .fd = *(int *)arg, .events = POLLIN };

	CK(poll(&p, 1, 0) == 1 && p.revents == POLLERR);
	return 0;
}

/* Wait in poll() for a one-way from a sender started now; take it. */
static void pl_round(struct __test_metadata *_metadata, int fd, int epfd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct epoll_event ee;
	struct sipc_event ev;
	pid_t kid;
	double t0;

	kid = st_fork(pl_sender, NULL);
	ASSERT_LT(0, kid);
	t0 = st_now();
	ASSERT_EQ(1, poll(&p, 1, 10000));
	EXPECT_GT(5.0, st_now() - t0);
	EXPECT_EQ(POLLIN, p.revents);
	ASSERT_EQ(1, epoll_wait(epfd, &ee, 1, 0));
	EXPECT_EQ(EPOLLIN, ee.events);
	ASSERT_EQ(0, st_poll(fd, &ev));
	EXPECT_EQ(0x600, ev.code);
	EXPECT_EQ(0, st_free(fd, ev.data));
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(0, epoll_wait(epfd, &ee, 1, 0));
	EXPECT_EQ(0, st_reap(kid));
}

/*
 * The device is readable while work waits for the calling thread and not
 * otherwise; a wait in poll() or epoll is woken when work arrives; epoll
 * keeps working after the registering thread left (THREAD_EXIT); a
 * descriptor inherited by fork() polls as an error.
 */
TEST_F(thr, poll_for_work)
{
	struct pollfd p = { .events = POLLIN };
	struct epoll_event ee = { .events = EPOLLIN };
	int epfd, fd;
	pid_t kid;

	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	fd = p.fd = self->c.fd;
	ASSERT_EQ(0, st_claim_cm(fd, ST_CM_COOKIE));
	EXPECT_EQ(0, poll(&p, 1, 0));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, epfd);
	ASSERT_EQ(0, epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee));
	EXPECT_EQ(0, epoll_wait(epfd, &ee, 1, 0));
	pl_round(_metadata, fd, epfd);
	ASSERT_EQ(0, st_err(ioctl(fd, SIPC_IOC_THREAD_EXIT)));
	pl_round(_metadata, fd, epfd);
	kid = st_fork(pl_inherited, &fd);
	ASSERT_LT(0, kid);
	EXPECT_EQ(0, st_reap(kid));
	close(epfd);
}

TEST_HARNESS_MAIN
