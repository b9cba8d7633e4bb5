// SPDX-License-Identifier: GPL-2.0
/*
 * sipc when a peer goes away: callers blocked on a killed server get
 * ESRCH, death notices arrive exactly once (on kill, close or node
 * destruction, and at once for a node already dead), DEATH_CLEAR cancels
 * them, and nothing a dead process held outlives it.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "sipc_test.h"
#include "sipc_hard.h"

#define KEY_A		0xa1
#define COOKIE_A	0xaaaa0001ULL
#define DEATH_COOKIE	0xdead0001ULL

FIXTURE(death) {
	struct st_ctx c;
	pid_t cm, a;
	__u32 ha;	/* our handle to A's node */
};

FIXTURE_SETUP(death)
{
	self->c.fd = -1;
	self->c.area = NULL;
	self->cm = 0;
	self->a = 0;
	self->ha = 0;
}

FIXTURE_TEARDOWN(death)
{
	st_close(&self->c);
	st_kill_all();
}

/* The registry, a server A published under KEY_A, and our handle to A. */
static void d_setup(struct __test_metadata *_metadata,
		    FIXTURE_DATA(death) *self)
{
	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	self->a = st_server_start(ST_AREA, KEY_A, COOKIE_A);
	ASSERT_LT(0, self->a);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &self->ha, NULL));
}

static void d_finish(struct __test_metadata *_metadata,
		     FIXTURE_DATA(death) *self)
{
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	ASSERT_EQ(0, st_reap(self->cm));
}

/* Kill A and collect it; its release has run once waitpid returns. */
static void d_kill_a(struct __test_metadata *_metadata,
		     FIXTURE_DATA(death) *self)
{
	ASSERT_EQ(0, kill(self->a, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, st_reap(self->a));
}

/* Exactly one DEATH with @cookie, then silence. */
static void d_expect_one_death(struct __test_metadata *_metadata, int fd,
			       __u64 cookie)
{
	struct sipc_event ev;

	ASSERT_EQ(0, st_next_event(fd, &ev, 2000));
	EXPECT_EQ(SIPC_EV_DEATH, ev.type);
	EXPECT_EQ(cookie, ev.cookie);
	EXPECT_EQ(0, ev.data);
	EXPECT_EQ(-ETIMEDOUT, st_next_event(fd, &ev, 200));
}

struct d_killer {
	pid_t victim;
	int ms;
};

static int d_killer_main(void *arg)
{
	struct d_killer *k = arg;

	usleep(k->ms * 1000);
	CK(kill(k->victim, SIGKILL) == 0);
	return 0;
}

/* A server killed while it serves our call: we get ESRCH, at once. */
TEST_F(death, server_killed_mid_call)
{
	struct d_killer k;
	__u32 ms = 20000;
	double t0;
	pid_t killer;

	d_setup(_metadata, self);
	k.victim = self->a;
	k.ms = 200;
	killer = st_fork(d_killer_main, &k);
	ASSERT_LT(0, killer);
	t0 = st_now();
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, self->ha, ST_SLEEP, &ms,
				    sizeof(ms)));
	EXPECT_GT(5.0, st_now() - t0);
	EXPECT_EQ(0, st_reap(killer));
	EXPECT_EQ(128 + SIGKILL, st_reap(self->a));
	/* And every later call. */
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, self->ha, ST_ECHO, NULL, 0));
	EXPECT_EQ(-ESRCH, st_oneway(self->c.fd, self->ha, ST_ECHO, NULL, 0,
				    NULL, 0));
	EXPECT_EQ(0, st_release(self->c.fd, self->ha));
	d_finish(_metadata, self);
}

struct d_caller {
	int fd;
	__u32 handle;
	__u32 ms;
	int ret;
};

static void *d_caller_main(void *arg)
{
	struct d_caller *c = arg;

	c->ret = st_simple(c->fd, c->handle, ST_SLEEP, &c->ms, sizeof(c->ms));
	return NULL;
}

/*
 * Calls queued behind the one being served fail too, as does the one
 * being served, when the server dies.
 */
TEST_F(death, queued_calls_fail_on_death)
{
	struct d_caller calls[3];
	pthread_t th[3];
	int i;

	d_setup(_metadata, self);
	for (i = 0; i < 3; i++) {
		calls[i] = (struct d_caller){ self->c.fd, self->ha, 20000, 1 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, d_caller_main,
					    &calls[i]));
	}
	usleep(300 * 1000);
	d_kill_a(_metadata, self);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(-ESRCH, calls[i].ret) TH_LOG("caller %d", i);
	}
	d_finish(_metadata, self);
}

/* An idle server killed: one DEATH, with our cookie, never a second. */
TEST_F(death, death_notice_once)
{
	d_setup(_metadata, self);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	EXPECT_EQ(-EBUSY, st_death_request(self->c.fd, self->ha, 2));
	EXPECT_EQ(-ENOENT, st_death_request(self->c.fd, 999, 2));
	d_kill_a(_metadata, self);
	d_expect_one_death(_metadata, self->c.fd, DEATH_COOKIE);
	/* Delivered, it is gone: nothing to clear. */
	EXPECT_EQ(-ENOENT, st_death_clear(self->c.fd, self->ha, DEATH_COOKIE));
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, self->ha, ST_ECHO, NULL, 0));
	EXPECT_EQ(0, st_release(self->c.fd, self->ha));
	EXPECT_EQ(-ENOENT, st_release(self->c.fd, self->ha));
	d_finish(_metadata, self);
}

/* Two processes watching the same node each hear once. */
static int d_watcher(void *arg)
{
	struct st_pipe *p = arg;
	struct sipc_event ev;
	struct st_ctx c;
	__u32 h = 0;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reg_get(c.fd, KEY_A, &h, NULL) == 0);
	CK(st_death_request(c.fd, h, 0x5a) == 0);
	CK(st_put(p, 1) == 0);
	CK(st_wait(c.fd, &ev) == 0);
	CK(ev.type == SIPC_EV_DEATH && ev.cookie == 0x5a);
	CK(st_next_event(c.fd, &ev, 200) == -ETIMEDOUT);
	return 0;
}

TEST_F(death, two_watchers)
{
	struct st_pipe p;
	pid_t w;
	__u64 v;

	d_setup(_metadata, self);
	ASSERT_EQ(0, st_pipe_open(&p));
	w = st_fork(d_watcher, &p);
	ASSERT_LT(0, w);
	ASSERT_EQ(0, st_get(&p, &v));
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	d_kill_a(_metadata, self);
	d_expect_one_death(_metadata, self->c.fd, DEATH_COOKIE);
	EXPECT_EQ(0, st_reap(w));
	d_finish(_metadata, self);
}

/* Cleared before the death, a notice never arrives. */
TEST_F(death, death_clear_cancels)
{
	struct sipc_death_request dr = { .handle = 0, .pad = 1 };
	struct sipc_event ev;

	d_setup(_metadata, self);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	EXPECT_EQ(-ENOENT, st_death_clear(self->c.fd, self->ha, 1));
	EXPECT_EQ(0, st_death_clear(self->c.fd, self->ha, DEATH_COOKIE));
	EXPECT_EQ(-ENOENT, st_death_clear(self->c.fd, self->ha, DEATH_COOKIE));
	dr.handle = self->ha;
	EXPECT_EQ(-EINVAL, st_err(ioctl(self->c.fd, SIPC_IOC_DEATH_REQUEST,
					&dr)));
	EXPECT_EQ(-EINVAL, st_err(ioctl(self->c.fd, SIPC_IOC_DEATH_CLEAR,
					&dr)));
	d_kill_a(_metadata, self);
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 300));
	/* A new request on the dead node is answered at once. */
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, 7));
	d_expect_one_death(_metadata, self->c.fd, 7);
	d_finish(_metadata, self);
}

/* Cleared while already queued (death happened, not yet read): gone. */
TEST_F(death, death_clear_queued)
{
	struct sipc_event ev;

	d_setup(_metadata, self);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	d_kill_a(_metadata, self);
	EXPECT_EQ(0, st_death_clear(self->c.fd, self->ha, DEATH_COOKIE));
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 300));
	EXPECT_EQ(-ENOENT, st_death_clear(self->c.fd, self->ha, DEATH_COOKIE));
	d_finish(_metadata, self);
}

/* Requested after the node died: delivered at once, once. */
TEST_F(death, request_on_dead_node)
{
	struct sipc_event ev;

	d_setup(_metadata, self);
	d_kill_a(_metadata, self);
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 100));
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	ASSERT_EQ(0, st_poll(self->c.fd, &ev));
	EXPECT_EQ(SIPC_EV_DEATH, ev.type);
	EXPECT_EQ(DEATH_COOKIE, ev.cookie);
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 100));
	d_finish(_metadata, self);
}

/* A notice requested, then the handle released: nothing, no leak. */
TEST_F(death, released_handle_no_notice)
{
	struct sipc_event ev;

	d_setup(_metadata, self);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	ASSERT_EQ(0, st_release(self->c.fd, self->ha));
	EXPECT_EQ(-ENOENT, st_death_clear(self->c.fd, self->ha,
					  DEATH_COOKIE));
	d_kill_a(_metadata, self);
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 200));
	d_finish(_metadata, self);
}

/* The owner destroys the node but lives on: still a death for us. */
TEST_F(death, node_destroy_is_death)
{
	d_setup(_metadata, self);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	ASSERT_EQ(0, st_simple(self->c.fd, self->ha, ST_DESTROY, NULL, 0));
	d_expect_one_death(_metadata, self->c.fd, DEATH_COOKIE);
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, self->ha, ST_ECHO, NULL, 0));
	EXPECT_EQ(0, kill(self->a, 0)) TH_LOG("A should still be alive");
	d_kill_a(_metadata, self);
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, NULL, 100));
	d_finish(_metadata, self);
}

/* The owner closes the device but lives on: a death too. */
TEST_F(death, close_is_death)
{
	d_setup(_metadata, self);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	ASSERT_EQ(0, st_simple(self->c.fd, self->ha, ST_CLOSE, NULL, 0));
	d_expect_one_death(_metadata, self->c.fd, DEATH_COOKIE);
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, self->ha, ST_ECHO, NULL, 0));
	EXPECT_EQ(0, kill(self->a, 0)) TH_LOG("A should still be alive");
	d_kill_a(_metadata, self);
	d_finish(_metadata, self);
}

/*
 * A killed while it holds a one-way buffer with more one-way work queued
 * behind it (and a call waiting): one death notice, the waiting caller
 * fails, and everything A held goes with it (the module's unload checks).
 */
TEST_F(death, death_holding_oneway)
{
	struct d_caller call;
	pthread_t th;
	int i;

	d_setup(_metadata, self);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	/* A keeps the first; the others wait their turn in the driver. */
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, st_oneway(self->c.fd, self->ha, ST_HOLD, "ow", 2,
				       NULL, 0));
	/* Queued after the first one-way: once served, A holds that. */
	EXPECT_EQ(0, st_simple(self->c.fd, self->ha, ST_WHO, NULL, 0));
	call = (struct d_caller){ self->c.fd, self->ha, 20000, 1 };
	ASSERT_EQ(0, pthread_create(&th, NULL, d_caller_main, &call));
	usleep(300 * 1000);
	d_kill_a(_metadata, self);
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(-ESRCH, call.ret);
	d_expect_one_death(_metadata, self->c.fd, DEATH_COOKIE);
	d_finish(_metadata, self);
}

/* A caller killed mid-call: the server's reply goes nowhere, it goes on. */
static int d_doomed_caller(void *arg)
{
	__u32 ms = 500;
	struct st_ctx c;
	__u32 h = 0;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reg_get(c.fd, KEY_A, &h, NULL) == 0);
	st_simple(c.fd, h, ST_SLEEP, &ms, sizeof(ms));
	return 1;
}

TEST_F(death, caller_killed_mid_call)
{
	unsigned char buf[100];
	struct sipc_event ev;
	pid_t kid;

	d_setup(_metadata, self);
	kid = st_fork(d_doomed_caller, NULL);
	ASSERT_LT(0, kid);
	usleep(200 * 1000);
	ASSERT_EQ(0, kill(kid, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, st_reap(kid));
	/* A finishes that call, replies into the void, and serves us. */
	st_fill(buf, sizeof(buf), 3);
	ASSERT_EQ(0, st_call(self->c.fd, self->ha, ST_ECHO, buf, sizeof(buf),
			     NULL, 0, &ev));
	EXPECT_EQ(ST_ECHO_STATUS(sizeof(buf)), ev.code);
	EXPECT_EQ(0xff ^ buf[99], ((const unsigned char *)st_ptr(ev.data))[99]);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
	EXPECT_EQ(0, st_reap(self->a));
	d_finish(_metadata, self);
}

/* A handle to a dead node cannot be passed on. */
TEST_F(death, dead_handle_as_object)
{
	static const __u64 off = offsetof(struct st_reg_msg, obj);
	struct st_reg_msg m = { .key = 9 };
	struct sipc_event ev;

	d_setup(_metadata, self);
	d_kill_a(_metadata, self);
	m.obj = st_obj_handle(self->ha);
	EXPECT_EQ(-ESRCH, st_call(self->c.fd, 0, ST_MIRROR, &m, sizeof(m),
				  &off, 1, &ev));
	d_finish(_metadata, self);
}

/* The manager dies: handle 0 is dead for everyone, until a new one. */
TEST_F(death, context_manager_dies)
{
	d_setup(_metadata, self);
	ASSERT_EQ(0, kill(self->cm, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, st_reap(self->cm));
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, 0, ST_ECHO, NULL, 0));
	/* A is unaffected. */
	EXPECT_LE(0, st_simple(self->c.fd, self->ha, ST_ECHO, NULL, 0));
	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	EXPECT_LE(0, st_simple(self->c.fd, 0, ST_ECHO, NULL, 0));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
	EXPECT_EQ(0, st_reap(self->a));
	d_finish(_metadata, self);
}

/*
 * A process that publishes a node, hands its device descriptor to a child
 * (fork, no exec), then waits for @go and exits. The child keeps the
 * descriptor open until @hold reads end-of-file.
 */
struct d_forker {
	struct st_pipe go, hold;
};

static int d_forker_main(void *arg)
{
	struct d_forker *f = arg;
	struct st_ctx c;
	__u64 v;
	pid_t kid;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_node_create(c.fd, COOKIE_A) == 0);
	CK(st_reg_put_node(c.fd, KEY_A, COOKIE_A) == 0);
	kid = fork();
	CK(kid >= 0);
	if (kid == 0) {
		char b;

		close(f->go.r);
		close(f->hold.w);
		while (read(f->hold.r, &b, 1) > 0)
			;
		_exit(0);
	}
	st_get(&f->go, &v);
	return 0;
}

/*
 * The opener exits while a fork child still holds the descriptor: that is
 * the context's death (its area, never inherited, went with it), not the
 * child's eventual close. Watchers hear it, calls to it fail.
 */
TEST_F(death, opener_exit_after_fork_is_death)
{
	struct d_forker f;

	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	ASSERT_EQ(0, st_pipe_open(&f.go));
	ASSERT_EQ(0, st_pipe_open(&f.hold));
	self->a = st_fork(d_forker_main, &f);
	ASSERT_LT(0, self->a);
	close(f.hold.r);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	while (st_reg_get(self->c.fd, KEY_A, &self->ha, NULL) == -ENOENT)
		usleep(10000);
	ASSERT_NE(0, self->ha);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	ASSERT_EQ(0, st_put(&f.go, 1));
	ASSERT_EQ(0, st_reap(self->a));
	d_expect_one_death(_metadata, self->c.fd, DEATH_COOKIE);
	EXPECT_EQ(-ESRCH, st_oneway(self->c.fd, self->ha, ST_ECHO, NULL, 0,
				    NULL, 0));
	/* The child closes at last: the context's remains go then. */
	close(f.hold.w);
	EXPECT_EQ(0, st_release(self->c.fd, self->ha));
	d_finish(_metadata, self);
}

struct d_cycler {
	int sv[2];
	struct st_pipe go;
};

/* Publish a node, put our device descriptor in flight on sv[1], wait. */
static int d_cycler_main(void *arg)
{
	struct d_cycler *y = arg;
	struct st_ctx c;
	__u64 v;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_node_create(c.fd, COOKIE_A) == 0);
	CK(st_reg_put_node(c.fd, KEY_A, COOKIE_A) == 0);
	CK(st_send_fd(y->sv[0], c.fd) == 0);
	close(y->sv[0]);
	close(y->sv[1]);
	st_get(&y->go, &v);
	return 0;
}

/*
 * A's device descriptor is in flight on a socket whose other end reaches
 * A inside a one-way A never takes: the buffer pins the socket, the socket
 * pins A's file. A's exit still kills the context, which drops the buffer
 * and so the socket, and at last the file: nothing is left behind.
 */
TEST_F(death, descriptor_cycle_dies_with_opener)
{
	struct sipc_object o = { .type = SIPC_OBJ_FD };
	long long procs;
	struct d_cycler y;
	__u64 off = 0;
	int i;

	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	/* Made after the registry forked: it must hold no copy of them. */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, y.sv));
	ASSERT_EQ(0, st_pipe_open(&y.go));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	procs = sh_stat("procs_in_use");
	self->a = st_fork(d_cycler_main, &y);
	ASSERT_LT(0, self->a);
	while (st_reg_get(self->c.fd, KEY_A, &self->ha, NULL) == -ENOENT)
		usleep(10000);
	ASSERT_NE(0, self->ha);
	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, DEATH_COOKIE));
	o.fd = y.sv[1];
	ASSERT_EQ(0, st_oneway(self->c.fd, self->ha, ST_ECHO, &o, sizeof(o),
			       &off, 1));
	close(y.sv[0]);
	close(y.sv[1]);
	ASSERT_EQ(0, st_put(&y.go, 1));
	ASSERT_EQ(0, st_reap(self->a));
	d_expect_one_death(_metadata, self->c.fd, DEATH_COOKIE);
	/* A's file is released too: the count of contexts is back. */
	for (i = 0; i < 300 && sh_stat("procs_in_use") != procs; i++)
		usleep(10000);
	EXPECT_EQ(procs, sh_stat("procs_in_use"));
	EXPECT_EQ(0, st_release(self->c.fd, self->ha));
	d_finish(_metadata, self);
}

struct d_relay_call {
	int fd;
	__u32 handle;
	int ret;
};

static void *d_relay_caller(void *arg)
{
	struct d_relay_call *r = arg;

	r->ret = st_simple(r->fd, r->handle, ST_ECHO, NULL, 0);
	return NULL;
}

/*
 * A reply carrying a handle whose node died is not sent: the server's
 * reply fails with ESRCH and the call stays its to answer, so it can
 * still reply (here with a status), and the caller gets that reply, not
 * EREMOTEIO while the server was told all went well.
 */
TEST_F(death, reply_with_dead_handle)
{
	struct d_relay_call r = { .ret = 1 };
	struct sipc_transact tr = { .send_op = SIPC_SEND_REPLY };
	struct sipc_object o;
	struct sipc_event ev;
	struct st_ctx c2;
	__u64 off = 0;
	pthread_t th;

	d_setup(_metadata, self);
	/* We serve KEY_B on self->c; a second context of ours calls it. */
	ASSERT_EQ(0, st_node_create(self->c.fd, DEATH_COOKIE));
	ASSERT_EQ(0, st_reg_put_node(self->c.fd, KEY_A + 1, DEATH_COOKIE));
	ASSERT_EQ(0, st_open(&c2, ST_AREA));
	r.fd = c2.fd;
	ASSERT_EQ(0, st_reg_get(c2.fd, KEY_A + 1, &r.handle, NULL));
	d_kill_a(_metadata, self);
	ASSERT_EQ(0, pthread_create(&th, NULL, d_relay_caller, &r));
	ASSERT_EQ(0, st_wait(self->c.fd, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	o = st_obj_handle(self->ha);
	tr.data = (uintptr_t)&o;
	tr.data_size = sizeof(o);
	tr.offsets = (uintptr_t)&off;
	tr.offsets_count = 1;
	EXPECT_EQ(-ESRCH, st_transact(self->c.fd, &tr));
	EXPECT_EQ(0, tr.out_flags & SIPC_OUT_SENT);
	EXPECT_EQ(0, st_reply(self->c.fd, 7, NULL, 0, NULL, 0));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(7, r.ret);
	st_close(&c2);
	d_finish(_metadata, self);
}

TEST_HARNESS_MAIN
