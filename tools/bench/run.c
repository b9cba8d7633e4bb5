// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: one measurement, from the first fork to the figures.
 *
 * The parent forks the context manager (for mechanisms with handles), then
 * one server and one client per pair, each pinned where the run says. A
 * client reaches its server, runs the warm-up, reports ready and waits on a
 * futex; once every client is ready the parent lets them all go at once,
 * so the pairs' measured phases overlap. Clients write their latencies and
 * times into a shared mapping; servers and the context manager run until
 * they are killed. A process that fails writes why into its slot and exits
 * non-zero; a run that outlives its time limit is killed whole.
 *
 * The inversion workload adds a hog, started before the clients: on the
 * one CPU of the run, at SCHED_FIFO below the client's and above the
 * normal server, it spins and sleeps by turns. The client pauses a
 * pseudo-random time of up to one spin before each measured call, so that
 * its calls fall at every point of the hog's cycle, not only at the one
 * its own rhythm would lock onto.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Only there to interrupt waitpid() at the deadline. */
static void on_alarm(int sig)
{
}

struct procs {
	pid_t registry, hog;
	pid_t server[MAX_PAIRS];
	pid_t client[MAX_PAIRS];
	int ready[2];
	uint64_t deadline;
};

/* In a new child: die with the parent, report errors into @slot. */
static void child_start(struct slot *slot, int cpu)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	bench_set_err(slot->err);
	if (pin_cpu(cpu))
		_exit(1);
}

static int wait_go(struct shared *sh)
{
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		futex_wait(&sh->go, 0);
	return 0;
}

static int stream_wait(struct client *c, uint32_t count)
{
	uint32_t got;

	if (full_io(c->r->done_pipe[c->pair][0], &got, sizeof(got), false))
		return bench_fail("client: no word from the receiver");
	if (got != count)
		return bench_fail("client: receiver at %u, not %u", got, count);
	return 0;
}

static int client_stream(struct client *c, struct slot *slot, int ready_fd)
{
	struct run *r = c->r;
	long i;

	for (i = 0; i < r->warmup; i++) {
		c->seq = i + 1;
		payload_stamp(c->buf, r->size, c->seq);
		if (r->mech->send(c))
			return -1;
	}
	if (stream_wait(c, r->warmup) || signal_ready(ready_fd) ||
	    wait_go(r->sh))
		return -1;
	slot->start_ns = now_ns();
	for (i = 0; i < r->iterations; i++) {
		c->seq = r->warmup + i + 1;
		payload_stamp(c->buf, r->size, c->seq);
		if (r->mech->send(c))
			return -1;
	}
	if (stream_wait(c, r->warmup + r->iterations))
		return -1;
	slot->end_ns = now_ns();
	slot->done = r->iterations;
	return 0;
}

static void pause_ns(uint64_t ns)
{
	struct timespec ts = { ns / 1000000000u, ns % 1000000000u };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* xorshift32: the same pauses in every run. */
static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Round trips (calls or lookups), each one timed. */
static int client_calls(struct client *c, struct slot *slot, int ready_fd)
{
	struct run *r = c->r;
	int (*op)(struct client *c) = r->wl == WL_LOOKUP ? r->mech->lookup :
							    r->mech->call;
	uint64_t *lat = r->sh->lat + (size_t)c->pair * r->iterations;
	uint32_t rnd = 0x9e3779b9u ^ c->pair;
	uint64_t t;
	long i;

	for (i = 0; i < r->warmup + r->iterations; i++) {
		if (i == r->warmup) {
			if (signal_ready(ready_fd) || wait_go(r->sh))
				return -1;
			slot->start_ns = now_ns();
		}
		if (r->wl == WL_INVERSION && i >= r->warmup)
			pause_ns(next_rand(&rnd) % r->hog_ns);
		c->seq = i + 1;
		if (!r->touch_all)
			payload_stamp(c->buf, r->size, c->seq);
		t = ticks();
		if (r->touch_all && !r->mech->in_place)
			payload_produce(c->buf, c->tmpl, r->size, c->seq);
		if (op(c))
			return -1;
		if (i >= r->warmup)
			lat[i - r->warmup] = ticks_to_ns(ticks() - t);
	}
	slot->end_ns = now_ns();
	slot->done = r->iterations;
	return 0;
}

/* CPU seconds process @pid has used (user and system), or -1. */
static double cpu_seconds(int pid)
{
	struct timespec ts;
	clockid_t clock;

	if (clock_getcpuclockid(pid, &clock) ||
	    clock_gettime(clock, &ts))
		return -1;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Idle: the warm-up's calls, then a pause past any spin, then none for
 * the measured time (iterations, in milliseconds), the server's CPU time
 * taken before and after it.
 */
static int client_idle(struct client *c, struct slot *slot, int ready_fd)
{
	struct run *r = c->r;
	struct slot *srv = &r->sh->server[c->pair];
	double cpu0, cpu1;
	long i;

	for (i = 0; i < r->warmup; i++) {
		c->seq = i + 1;
		payload_stamp(c->buf, r->size, c->seq);
		if (r->mech->call(c))
			return -1;
	}
	if (signal_ready(ready_fd) || wait_go(r->sh))
		return -1;
	pause_ns(200 * 1000000ull);
	slot->start_ns = now_ns();
	cpu0 = cpu_seconds(srv->pid);
	pause_ns((uint64_t)r->iterations * 1000000ull);
	cpu1 = cpu_seconds(srv->pid);
	slot->end_ns = now_ns();
	if (cpu0 < 0 || cpu1 < 0)
		return bench_fail("client: no CPU time of server %d", srv->pid);
	slot->cpu_s = cpu1 - cpu0;
	slot->wall_s = (slot->end_ns - slot->start_ns) / 1e9;
	slot->done = 1;
	return 0;
}

static void client_main(struct run *r, int pair, int ready_fd)
{
	struct slot *slot = &r->sh->client[pair];
	struct client c = { .r = r, .pair = pair };
	unsigned char *mem;
	int ret;

	child_start(slot, r->client_cpu[pair]);
	mem = aligned_alloc(4096, HEADROOM + r->size + 4096);
	if (!mem) {
		bench_fail("client: out of memory");
		_exit(1);
	}
	c.buf = mem + HEADROOM;
	payload_fill(c.buf, r->size);
	c.tmpl = malloc(r->size + 1);
	if (!c.tmpl) {
		bench_fail("client: out of memory");
		_exit(1);
	}
	payload_fill((unsigned char *)c.tmpl, r->size);
	if (r->mech->connect(&c))
		_exit(1);
	if (r->wl == WL_INVERSION && set_sched(SCHED_FIFO, INV_CLIENT_RT))
		_exit(1);
	if (r->wl == WL_STREAM)
		ret = client_stream(&c, slot, ready_fd);
	else if (r->wl == WL_IDLE)
		ret = client_idle(&c, slot, ready_fd);
	else
		ret = client_calls(&c, slot, ready_fd);
	_exit(ret ? 1 : 0);
}

static void server_main(struct run *r, int pair, int ready_fd)
{
	struct server s;

	child_start(&r->sh->server[pair], r->server_cpu[pair]);
	r->sh->server[pair].pid = getpid();
	if (r->wl == WL_INVERSION && set_sched(SCHED_OTHER, 0))
		_exit(1);
	if (!server_init(&s, r, pair))
		r->mech->serve(&s, ready_fd);
	_exit(1);
}

/* Inversion: spin for hog_ns, sleep for hog_ns, until killed. */
static void hog_main(struct run *r, int ready_fd)
{
	uint64_t spin = (uint64_t)(r->hog_ns * clock_rate()), t;

	child_start(&r->sh->hog, r->hog_cpu);
	if (set_sched(SCHED_FIFO, INV_HOG_RT) || signal_ready(ready_fd))
		_exit(1);
	for (;;) {
		t = ticks();
		while (ticks() - t < spin)
			;
		pause_ns(r->hog_ns);
	}
}

static void registry_main(struct run *r, int ready_fd)
{
	child_start(&r->sh->registry, r->registry_cpu);
	r->mech->registry(r, ready_fd);
	_exit(1);
}

/* Why a child is gone, when it should not be. */
static void child_died(struct result *res, const char *who, int pair,
		       const struct slot *slot, int status)
{
	char how[40];

	if (!res->ok)
		return;
	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by signal %d",
			 WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "exit %d", WEXITSTATUS(status));
	snprintf(res->note, sizeof(res->note), "%s %d: %s", who, pair,
		 slot->err[0] ? slot->err : how);
	res->ok = false;
}

/* Wait for @n "ready" bytes; fail early if one of @pids exits first. */
static int wait_ready(struct run *r, struct procs *p, const pid_t *pids,
		      int n, const char *who, struct result *res)
{
	struct pollfd pfd = { .fd = p->ready[0], .events = POLLIN };
	int got = 0, i, status;
	char c;

	while (got < n) {
		if (now_ns() > p->deadline) {
			snprintf(res->note, sizeof(res->note),
				 "timed out waiting for the %s", who);
			res->ok = false;
			return -1;
		}
		if (poll(&pfd, 1, 20) > 0) {
			if (read(p->ready[0], &c, 1) == 1)
				got++;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (pids[i] < 0) {
				snprintf(res->note, sizeof(res->note),
					 "fork: %s", strerror(ENOMEM));
				res->ok = false;
				return -1;
			}
			if (pids[i] > 0 &&
			    waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				child_died(res, who, i, pids == p->client ?
					   &r->sh->client[i] : pids == p->server ?
					   &r->sh->server[i] : pids == &p->hog ?
					   &r->sh->hog : &r->sh->registry,
					   status);
				return -1;
			}
		}
	}
	return 0;
}

static pid_t spawn(struct run *r, struct procs *p, int role, int pair)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	close(p->ready[0]);
	if (role == 0)
		registry_main(r, p->ready[1]);
	else if (role == 1)
		server_main(r, pair, p->ready[1]);
	else if (role == 3)
		hog_main(r, p->ready[1]);
	client_main(r, pair, p->ready[1]);
	return 0;
}

/* Let the clients finish; a server or manager exiting is a failure. */
static void wait_clients(struct run *r, struct procs *p, struct result *res)
{
	uint64_t left;
	int status, i, pending = r->pairs;
	pid_t pid;

	left = p->deadline > now_ns() ? (p->deadline - now_ns()) / 1000000000u : 0;
	alarm(left + 1);
	while (pending > 0) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR && now_ns() >= p->deadline) {
			snprintf(res->note, sizeof(res->note),
				 "timed out during the measurement");
			res->ok = false;
			break;
		}
		if (pid < 0)
			continue;
		for (i = 0; i < r->pairs; i++) {
			if (pid == p->client[i]) {
				p->client[i] = 0;
				pending--;
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					child_died(res, "client", i,
						   &r->sh->client[i], status);
			} else if (pid == p->server[i]) {
				p->server[i] = 0;
				child_died(res, "server", i, &r->sh->server[i],
					   status);
			}
		}
		if (pid == p->registry) {
			p->registry = 0;
			child_died(res, "context manager", 0,
				   &r->sh->registry, status);
		} else if (pid == p->hog) {
			p->hog = 0;
			child_died(res, "hog", 0, &r->sh->hog, status);
		}
		if (!res->ok)
			break;
	}
	alarm(0);
}

static void reap(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least @q of all at or below. */
static double percentile_us(const uint64_t *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * n);

	return sorted[rank ? rank - 1 : 0] / 1e3;
}

/* Add this round's samples, time and count to the result's. */
static void collect(struct run *r, struct result *res)
{
	size_t n = r->wl == WL_STREAM || r->wl == WL_IDLE ? 0 :
		   (size_t)r->pairs * r->iterations;
	uint64_t start = UINT64_MAX, end = 0, *lat;
	double count = 0;
	int i;

	for (i = 0; i < r->pairs; i++) {
		if (r->sh->client[i].start_ns < start)
			start = r->sh->client[i].start_ns;
		if (r->sh->client[i].end_ns > end)
			end = r->sh->client[i].end_ns;
		count += r->sh->client[i].done;
	}
	if (r->wl == WL_IDLE) {
		res->idle_cpu_s += r->sh->client[0].cpu_s;
		res->idle_wall_s += r->sh->client[0].wall_s;
		return;
	}
	if (end > start && res->nr_round_ops < MAX_ROUNDS)
		res->round_ops[res->nr_round_ops++] = count / ((end - start) / 1e9);
	if (!n)
		return;
	lat = realloc(res->lat, (res->nr_lat + n) * sizeof(*lat));
	if (!lat) {
		snprintf(res->note, sizeof(res->note), "out of memory");
		res->ok = false;
		return;
	}
	memcpy(lat + res->nr_lat, r->sh->lat, n * sizeof(*lat));
	res->lat = lat;
	res->nr_lat += n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The figures. Latencies: every round's samples together. Rates (calls/s,
 * MB/s, a stream's time per message): the median round's, each round's
 * count over its wall time, so that a round the host stalled for a second
 * does not drag the rate of the whole down.
 */
void result_finish(struct result *res)
{
	int k = res->nr_round_ops;
	double sum = 0;
	size_t i, n = res->nr_lat;

	if (res->ok && res->idle_wall_s > 0)
		res->cpu_pct = 100 * res->idle_cpu_s / res->idle_wall_s;
	if (res->ok && res->lock_calls) {
		res->lock_per_kcall = 1e3 * res->lock_contended /
				      res->lock_calls;
		res->taken_per_call = (double)res->lock_taken / res->lock_calls;
	}

	/* Inversion: the client's pauses are most of its time. */
	if (res->ok && k && res->wl != WL_INVERSION && res->wl != WL_IDLE) {
		qsort(res->round_ops, k, sizeof(double), cmp_double);
		res->ops_s = k % 2 ? res->round_ops[k / 2] :
			     (res->round_ops[k / 2 - 1] + res->round_ops[k / 2]) / 2;
		res->mb_s = res->ops_s * res->size / 1e6;
		if (res->wl == WL_STREAM)
			res->mean_us = 1e6 / res->ops_s;
	}
	if (res->ok && n) {
		qsort(res->lat, n, sizeof(uint64_t), cmp_u64);
		for (i = 0; i < n; i++)
			sum += res->lat[i];
		res->mean_us = sum / n / 1e3;
		res->p50_us = percentile_us(res->lat, n, 0.50);
		res->p99_us = percentile_us(res->lat, n, 0.99);
		res->p999_us = percentile_us(res->lat, n, 0.999);
		res->max_us = res->lat[n - 1] / 1e3;
	}
	free(res->lat);
	res->lat = NULL;
	res->nr_lat = 0;
}

int run_measure(struct run *r, struct result *res, int timeout_s)
{
	size_t map = sizeof(struct shared) +
		     (size_t)r->pairs * r->iterations * sizeof(uint64_t);
	struct sigaction sa = { .sa_handler = on_alarm };
	struct procs p = { 0 };
	long long lock0, taken0, calls0;
	int i;

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: waitpid ends */
	p.deadline = now_ns() + (uint64_t)timeout_s * 1000000000u;
	r->sh = mmap(NULL, map, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->sh == MAP_FAILED) {
		snprintf(res->note, sizeof(res->note), "mmap: %s",
			 strerror(errno));
		res->ok = false;
		return -1;
	}
	for (i = 0; i < MAX_PAIRS; i++) {
		r->done_pipe[i][0] = -1;
		r->done_pipe[i][1] = -1;
	}
	for (i = 0; i < r->pairs; i++)
		if (pipe(r->done_pipe[i]))
			goto no_pipe;
	if (pipe(p.ready))
		goto no_pipe;
	bench_set_err(r->sh->registry.err);
	if (r->mech->setup && r->mech->setup(r)) {
		snprintf(res->note, sizeof(res->note), "setup: %s",
			 r->sh->registry.err);
		bench_set_err(NULL);
		res->ok = false;
		goto out;
	}
	bench_set_err(NULL);

	if (r->mech->handles) {
		p.registry = spawn(r, &p, 0, 0);
		if (wait_ready(r, &p, &p.registry, 1, "context manager", res))
			goto stop;
	}
	for (i = 0; i < r->pairs; i++)
		p.server[i] = spawn(r, &p, 1, i);
	if (wait_ready(r, &p, p.server, r->pairs, "server", res))
		goto stop;
	if (r->wl == WL_INVERSION) {
		p.hog = spawn(r, &p, 3, 0);
		if (wait_ready(r, &p, &p.hog, 1, "hog", res))
			goto stop;
	}
	for (i = 0; i < r->pairs; i++)
		p.client[i] = spawn(r, &p, 2, i);
	if (wait_ready(r, &p, p.client, r->pairs, "client", res))
		goto stop;
	lock0 = sipc_stat("graph_lock_contended");
	taken0 = sipc_stat("graph_lock_taken");
	calls0 = sipc_stat("calls");
	__atomic_store_n(&r->sh->go, 1, __ATOMIC_RELEASE);
	futex_wake(&r->sh->go, INT_MAX);
	wait_clients(r, &p, res);
	/* What the pairs met on sipc's one graph lock meanwhile. */
	if (strstr(r->mech->name, "sipc") && lock0 >= 0 && calls0 >= 0) {
		res->lock_contended += sipc_stat("graph_lock_contended") - lock0;
		res->lock_taken += sipc_stat("graph_lock_taken") - taken0;
		res->lock_calls += sipc_stat("calls") - calls0;
	}
stop:
	reap(&p.hog);
	for (i = 0; i < r->pairs; i++)
		reap(&p.client[i]);
	for (i = 0; i < r->pairs; i++)
		reap(&p.server[i]);
	reap(&p.registry);
	if (res->ok)
		collect(r, res);
	if (r->mech->teardown)
		r->mech->teardown(r);
	goto out;
no_pipe:
	snprintf(res->note, sizeof(res->note), "pipe: %s", strerror(errno));
	res->ok = false;
out:
	for (i = 0; i < r->pairs; i++) {
		if (r->done_pipe[i][0] >= 0) {
			close(r->done_pipe[i][0]);
			close(r->done_pipe[i][1]);
		}
	}
	if (p.ready[0] > 0) {
		close(p.ready[0]);
		close(p.ready[1]);
	}
	munmap(r->sh, map);
	r->sh = NULL;
	return res->ok ? 0 : -1;
}
