/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A caller and a server, one thread each of this process, each on its own
 * sipc context, pinned where a test says, for tests of how a round trip
 * waits: the server (on handle 0) answers every call with an empty reply
 * until a call with code 0. Also the module's spin_ns parameter, which
 * st_pair_close() puts back as st_pair_open() found it.
 */
#ifndef ST_PAIR_H
#define ST_PAIR_H

#include <pthread.h>
#include <sched.h>

#include "sipc_test.h"
#include "sipc_hard.h"

#define ST_SPIN_PARAM	"/sys/module/sipc/parameters/spin_ns"

struct st_pair {
	struct st_ctx server, caller;
	pthread_t thread;
	int server_cpu;
	long saved_spin;	/* -1: none read, nothing to put back */
};

static inline long st_spin_read(void)
{
	FILE *f = fopen(ST_SPIN_PARAM, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static inline int st_spin_write(long v)
{
	return st_param_write(ST_SPIN_PARAM, v);
}

static inline int st_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static inline void *st_pair_serve(void *arg)
{
	struct st_pair *p = arg;
	struct sipc_event ev;
	int ret;

	st_pin(p->server_cpu);
	ret = st_wait(p->server.fd, &ev);
	while (!ret && ev.type == SIPC_EV_TRANSACTION) {
		struct sipc_transact tr = {
			.send_op = SIPC_SEND_REPLY,
			.free_buffer = ev.data,
			.recv_flags = ev.code ? SIPC_RECV_WAIT : 0,
		};

		ret = st_transact(p->server.fd, &tr);
		if (!ev.code)
			break;
		ev = tr.ev;
	}
	return NULL;
}

/* 0, or -errno; the spin parameter is read first, so close always works. */
static inline int st_pair_open(struct st_pair *p)
{
	int ret;

	p->server.fd = -1;
	p->caller.fd = -1;
	p->saved_spin = st_spin_read();
	if (p->saved_spin < 0)
		return -ENOENT;
	ret = st_open(&p->server, ST_AREA);
	if (!ret)
		ret = st_claim_cm(p->server.fd, ST_CM_COOKIE);
	if (!ret)
		ret = st_open(&p->caller, ST_AREA);
	return ret;
}

static inline void st_pair_close(struct st_pair *p)
{
	if (p->saved_spin >= 0)
		st_spin_write(p->saved_spin);
	st_close(&p->caller);
	st_close(&p->server);
}

/*
 * @calls round trips of one byte, the caller on CPU 0 and the server on
 * @server_cpu: how much the counter @stat of /proc/sipc/stats moved over
 * them (the setup and the last call left out), or -1 on any failure.
 */
static inline long long st_pair_stat_over(struct st_pair *p, int server_cpu,
					  int calls, const char *stat)
{
	long long before, moved = -1;
	struct sipc_event ev;
	int i, bad = 0;

	p->server_cpu = server_cpu;
	if (st_pin(0) || pthread_create(&p->thread, NULL, st_pair_serve, p))
		return -1;
	/* The first call makes both threads' contexts: not counted. */
	bad |= st_call(p->caller.fd, 0, 1, "x", 1, NULL, 0, &ev);
	bad |= !bad && st_free(p->caller.fd, ev.data);
	before = sh_stat(stat);
	for (i = 0; i < calls && !bad; i++) {
		bad |= st_call(p->caller.fd, 0, 1, "x", 1, NULL, 0, &ev);
		bad |= !bad && (ev.type != SIPC_EV_REPLY ||
				st_free(p->caller.fd, ev.data));
	}
	if (!bad && before >= 0)
		moved = sh_stat(stat) - before;
	if (!st_call(p->caller.fd, 0, 0, NULL, 0, NULL, 0, &ev))
		st_free(p->caller.fd, ev.data);
	pthread_join(p->thread, NULL);
	return bad ? -1 : moved;
}

#endif /* ST_PAIR_H */
