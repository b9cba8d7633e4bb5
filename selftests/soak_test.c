// SPDX-License-Identifier: GPL-2.0
/*
 * sipc under sustained load: four client processes against a server with
 * four threads, every reply checked byte for byte, one-ways mixed in, and
 * the round-trip time of a small call. Bounded so that it runs well under
 * a minute in the software-emulated dev VM.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "sipc_hard.h"

static bool debug_kernel(void)
{
	static int debug = -1;

	if (debug < 0)
		debug = sh_debug_kernel();
	return debug;
}

#define CLIENTS		4
#define SERVER_THREADS	4
/* Per client; a fifth of it on the debug kernel, many times slower. */
#define CALLS		(debug_kernel() ? 3000 : 15000)
#define ONEWAY_EVERY	50
#define LAT_CALLS	2000

enum {
	S_CALL = 0x400,	/* struct s_hdr + pattern: reply transformed */
	S_ONEWAY,	/* struct s_hdr + pattern: checked, counted */
	S_COUNT,	/* status: one-ways seen so far */
};

struct s_hdr {
	__u32 pid;
	__u32 seq;
};

static struct {
	int fd;
	atomic_uint calls, oneways;
} srv;

static size_t s_size(__u32 seq)
{
	return sizeof(struct s_hdr) + (seq * 97) % 3000;
}

static unsigned int s_seed(const struct s_hdr *h)
{
	return h->pid * 7919 + h->seq;
}

/* Check one request in place; the reply (if any) goes to @out. */
static __u32 s_serve(const struct sipc_event *ev, unsigned char *out)
{
	const unsigned char *in = st_ptr(ev->data);
	struct s_hdr h;
	size_t i, n;

	CK(ev->data_size >= sizeof(h));
	memcpy(&h, in, sizeof(h));
	CK(h.pid == ev->sender_pid);
	CK(ev->data_size == s_size(h.seq));
	n = ev->data_size - sizeof(h);
	CK(st_check(in + sizeof(h), n, s_seed(&h)) == -1);
	if (ev->code == S_ONEWAY) {
		CK(ev->flags == SIPC_EVF_ONEWAY);
		srv.oneways++;
		return 0;
	}
	CK(ev->flags == 0);
	for (i = 0; i < ev->data_size; i++)
		out[i] = in[i] ^ 0x3c;
	srv.calls++;
	return h.seq * 3 + 1;
}

static void *s_thread(void *arg)
{
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	unsigned char *out = malloc(8192);

	CK(out);
	for (;;) {
		struct sipc_event ev;
		__u32 status = 0;

		CK(st_transact(srv.fd, &tr) == 0);
		ev = tr.ev;
		memset(&tr, 0, sizeof(tr));
		tr.recv_flags = SIPC_RECV_WAIT;
		CK(ev.type == SIPC_EV_TRANSACTION);
		if (ev.code == S_COUNT) {
			status = srv.oneways;
		} else if (ev.code == ST_QUIT) {
			CK(st_free(srv.fd, ev.data) == 0);
			CK(st_reply(srv.fd, 0, NULL, 0, NULL, 0) == 0);
			_exit(0);
		} else {
			status = s_serve(&ev, out);
		}
		CK(st_free(srv.fd, ev.data) == 0);
		if (ev.flags & SIPC_EVF_ONEWAY)
			continue;
		tr.send_op = SIPC_SEND_REPLY;
		tr.code = status;
		if (ev.code == S_CALL) {
			tr.data = (uintptr_t)out;
			tr.data_size = ev.data_size;
		}
	}
	return NULL;
}

static int s_server(void *arg)
{
	struct st_pipe *ready = arg;
	pthread_t th;
	struct st_ctx c;
	int i;

	CK(st_open(&c, ST_AREA) == 0);
	srv.fd = c.fd;
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	for (i = 1; i < SERVER_THREADS; i++)
		CK(pthread_create(&th, NULL, s_thread, NULL) == 0);
	CK(st_put(ready, 1) == 0);
	s_thread(NULL);
	return 1;
}

static pid_t s_start(void)
{
	struct st_pipe ready;
	__u64 v;
	pid_t pid;

	if (st_pipe_open(&ready))
		return -1;
	pid = st_fork(s_server, &ready);
	if (pid > 0 && st_get(&ready, &v))
		pid = -1;
	close(ready.r);
	close(ready.w);
	return pid;
}

/* One client process: CALLS calls, each reply checked in full. */
static int s_client(void *arg)
{
	unsigned char *req = malloc(8192);
	struct s_hdr h = { .pid = getpid() };
	struct sipc_event ev;
	struct st_ctx c;
	__u32 seq;

	CK(req);
	CK(st_open(&c, ST_AREA) == 0);
	for (seq = 0; seq < CALLS; seq++) {
		size_t size = s_size(seq), i;
		const unsigned char *got;

		h.seq = seq;
		memcpy(req, &h, sizeof(h));
		st_fill(req + sizeof(h), size - sizeof(h), s_seed(&h));
		if (seq % ONEWAY_EVERY == 0) {
			CK(st_oneway(c.fd, 0, S_ONEWAY, req, size, NULL, 0) == 0);
			continue;
		}
		CK(st_call(c.fd, 0, S_CALL, req, size, NULL, 0, &ev) == 0);
		CK(ev.type == SIPC_EV_REPLY);
		CK(ev.code == seq * 3 + 1);
		CK(ev.data_size == size);
		CK(st_in_area(&c, ev.data, size));
		got = st_ptr(ev.data);
		for (i = 0; i < size; i++)
			if (got[i] != (req[i] ^ 0x3c))
				break;
		CK(i == size);
		CK(st_free(c.fd, ev.data) == 0);
	}
	return 0;
}

FIXTURE(soak) {
	struct st_ctx c;
};

FIXTURE_SETUP(soak)
{
	self->c.fd = -1;
	self->c.area = NULL;
}

FIXTURE_TEARDOWN(soak)
{
	st_close(&self->c);
	st_kill_all();
}

TEST_F_TIMEOUT(soak, clients_and_threads, 120)
{
	const unsigned int oneways = CLIENTS * (CALLS / ONEWAY_EVERY);
	pid_t server, kids[CLIENTS];
	unsigned int seen = 0;
	double t0, dt;
	int i;

	server = s_start();
	ASSERT_LT(0, server);
	t0 = st_now();
	for (i = 0; i < CLIENTS; i++) {
		kids[i] = st_fork(s_client, NULL);
		ASSERT_LT(0, kids[i]);
	}
	for (i = 0; i < CLIENTS; i++)
		EXPECT_EQ(0, st_reap(kids[i])) TH_LOG("client %d", i);
	dt = st_now() - t0;
	ksft_print_msg("soak: %d clients x %d calls (1 in %d one-way) against %d server threads: %.2f s, %.0f round trips/s\n",
		       CLIENTS, CALLS, ONEWAY_EVERY, SERVER_THREADS, dt,
		       CLIENTS * CALLS / dt);

	/* Every one-way arrived (they may trail the last calls a little). */
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	for (i = 0; i < 500; i++) {
		seen = st_simple(self->c.fd, 0, S_COUNT, NULL, 0);
		if (seen >= oneways)
			break;
		usleep(10 * 1000);
	}
	EXPECT_EQ(oneways, seen);
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(server));
}

/* A client thread that calls until the server is gone. */
struct s_chaos {
	int fd;
	int calls;
	int ret;
};

static void *s_chaos_thread(void *arg)
{
	unsigned char *req = malloc(8192);
	struct s_hdr h = { .pid = getpid() };
	struct s_chaos *ch = arg;
	struct sipc_event ev;
	__u32 seq;

	CK(req);
	for (seq = 0;; seq++) {
		size_t size = s_size(seq), i;
		const unsigned char *got;

		h.seq = seq;
		memcpy(req, &h, sizeof(h));
		st_fill(req + sizeof(h), size - sizeof(h), s_seed(&h));
		if (seq % ONEWAY_EVERY == 0) {
			ch->ret = st_oneway(ch->fd, 0, S_ONEWAY, req, size,
					    NULL, 0);
			/* The one-way share may be full for a moment. */
			if (ch->ret && ch->ret != -ENOBUFS)
				break;
			continue;
		}
		ch->ret = st_call(ch->fd, 0, S_CALL, req, size, NULL, 0, &ev);
		if (ch->ret)
			break;
		CK(ev.type == SIPC_EV_REPLY && ev.code == seq * 3 + 1);
		CK(ev.data_size == size);
		got = st_ptr(ev.data);
		for (i = 0; i < size; i++)
			if (got[i] != (req[i] ^ 0x3c))
				break;
		CK(i == size);
		CK(st_free(ch->fd, ev.data) == 0);
		ch->calls++;
	}
	free(req);
	return NULL;
}

/* Two threads calling; exit 0 when both saw the server die (ESRCH). */
static int s_chaos_client(void *arg)
{
	struct s_chaos ch[2];
	pthread_t th[2];
	struct st_ctx c;
	int i;

	CK(st_open(&c, ST_AREA) == 0);
	for (i = 0; i < 2; i++) {
		ch[i] = (struct s_chaos){ c.fd, 0, 0 };
		CK(pthread_create(&th[i], NULL, s_chaos_thread, &ch[i]) == 0);
	}
	for (i = 0; i < 2; i++) {
		CK(pthread_join(th[i], NULL) == 0);
		CK(ch[i].ret == -ESRCH);
		CK(ch[i].calls > 0);
	}
	return 0;
}

/*
 * Processes dying in the middle of it all: two clients killed while their
 * calls are in flight leave the server serving; the server killed under
 * load fails every remaining caller with ESRCH; nothing stays behind.
 */
TEST_F_TIMEOUT(soak, kills_under_load, 60)
{
	pid_t server, kids[CLIENTS];
	unsigned char req[4096];
	struct sipc_event ev;
	int i;

	server = s_start();
	ASSERT_LT(0, server);
	for (i = 0; i < CLIENTS; i++) {
		kids[i] = st_fork(s_chaos_client, NULL);
		ASSERT_LT(0, kids[i]);
	}
	usleep(1000 * 1000);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, kill(kids[i], SIGKILL));
		EXPECT_EQ(128 + SIGKILL, st_reap(kids[i]));
	}
	usleep(300 * 1000);
	/* The server still answers, correctly. */
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	memset(req, 0, sizeof(req));
	((struct s_hdr *)req)->pid = getpid();
	((struct s_hdr *)req)->seq = 1;
	st_fill(req + 8, s_size(1) - 8, s_seed((struct s_hdr *)req));
	ASSERT_EQ(0, st_call(self->c.fd, 0, S_CALL, req, s_size(1), NULL, 0,
			     &ev));
	EXPECT_EQ(4, ev.code);
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));

	ASSERT_EQ(0, kill(server, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, st_reap(server));
	for (i = 2; i < CLIENTS; i++)
		EXPECT_EQ(0, st_reap_timeout(kids[i], 10000)) TH_LOG("client %d", i);
	/* Handle 0 is free again: the dead manager left nothing behind. */
	EXPECT_EQ(0, st_set_cm(self->c.fd, 1));
}

/* The round trip of a 32-byte call, one client thread, one server thread. */
TEST_F_TIMEOUT(soak, latency_32b, 60)
{
	unsigned char req[32] = "thirty-two bytes of a request..";
	struct sipc_event ev;
	pid_t server;
	double t0, dt;
	int i, bad = 0;

	server = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, server);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	/* Warm up: pages populated, caches hot. */
	for (i = 0; i < 100; i++)
		ASSERT_EQ(ST_ECHO_STATUS(32) & 0x7fffffff,
			  st_simple(self->c.fd, 0, ST_ECHO, req, sizeof(req)));
	t0 = st_now();
	for (i = 0; i < LAT_CALLS; i++) {
		const unsigned char *got;

		req[0] = i;
		ASSERT_EQ(0, st_call(self->c.fd, 0, ST_ECHO, req, sizeof(req),
				     NULL, 0, &ev));
		got = st_ptr(ev.data);
		bad += ev.data_size != 32 || got[0] != (unsigned char)~i ||
		       got[31] != (unsigned char)~req[31];
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	}
	dt = st_now() - t0;
	EXPECT_EQ(0, bad);
	ksft_print_msg("latency: %d round trips of 32 B: %.1f us each\n",
		       LAT_CALLS, dt / LAT_CALLS * 1e6);
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(server));
}

TEST_HARNESS_MAIN
