// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: sipc through raw ioctls. One SIPC_IOC_TRANSACT per side per
 * round trip: the client's call frees its previous reply and waits for the
 * next; the server's reply frees the request and waits for the next one.
 * The context manager (handle 0) keeps each server's handle and hands it
 * out, translated, in a lookup's reply.
 *
 * The inversion workload runs with priority inheritance on and off: each
 * run's setup sets module parameter priority_inheritance, its teardown
 * puts back what it found (so does a SIGINT, SIGTERM or SIGHUP between).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sipc.h>

#include "bench.h"

#define SIPC_PATH	"/dev/sipc"
#define PI_PARAM	"/sys/module/sipc/parameters/priority_inheritance"

/* Registration and lookup: an index and, in a reply or an ADD, a handle. */
struct reg_msg {
	uint32_t index;
	uint32_t pad;
	struct sipc_object obj;
};

static const __u64 reg_obj_offset = offsetof(struct reg_msg, obj);

struct sdev {
	int fd;
	size_t area_size;
};

struct sclient {
	struct sdev dev;
	__u32 handle;		/* the server's, here */
	__u64 last;		/* the reply to free with the next call */
	__u32 index;
};

static const char *sipc_unavailable(void)
{
	return access(SIPC_PATH, R_OK | W_OK) ? "no " SIPC_PATH : NULL;
}

/*
 * priority_inheritance as found ('Y' or 'N') while a run has changed it,
 * 0 otherwise; atomic for the signal handler.
 */
static char pi_saved;
static pid_t pi_owner;

/* Async-signal-safe: open, write, close. */
static int pi_write(char v)
{
	int fd = open(PI_PARAM, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, &v, 1) != 1)
		ret = -1;
	if (close(fd))
		ret = -1;
	return ret;
}

static int pi_read(void)
{
	int fd = open(PI_PARAM, O_RDONLY | O_CLOEXEC);
	char v = 0;

	if (fd < 0)
		return -1;
	if (read(fd, &v, 1) != 1)
		v = 0;
	close(fd);
	return v == 'Y' || v == 'N' ? v : -1;
}

/* Killed during a run: put the parameter back, then die of the signal. */
static void pi_on_signal(int sig)
{
	char v = __atomic_load_n(&pi_saved, __ATOMIC_SEQ_CST);

	if (v && getpid() == pi_owner)
		pi_write(v);
	raise(sig);
}

static const char *sipc_inherit_unavailable(void)
{
	static char why[ERR_LEN];
	int fd = open(PI_PARAM, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return pi_read() < 0 ? "priority_inheritance unreadable" : NULL;
	}
	if (errno == ENOENT)
		return "sipc.ko has no priority_inheritance parameter";
	snprintf(why, sizeof(why), "priority_inheritance: %s%s",
		 strerror(errno), geteuid() ? " (not root)" : "");
	return why;
}

/* Inversion: inheritance on or off for this run, as the placement says. */
static int sipc_setup(struct run *r)
{
	struct sigaction sa = {
		.sa_handler = pi_on_signal,
		.sa_flags = SA_RESETHAND,
	};
	char want = r->place == PL_INHERIT ? 'Y' : 'N';
	int found;

	if (r->wl != WL_INVERSION)
		return 0;
	found = pi_read();
	if (found < 0)
		return bench_fail("cannot read %s", PI_PARAM);
	if (found == want)
		return 0;
	if (!pi_owner) {
		pi_owner = getpid();
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	__atomic_store_n(&pi_saved, found, __ATOMIC_SEQ_CST);
	if (pi_write(want) || pi_read() != want) {
		pi_write(found);
		__atomic_store_n(&pi_saved, 0, __ATOMIC_SEQ_CST);
		return bench_fail("cannot set %s to %c: %s", PI_PARAM, want,
				  strerror(errno));
	}
	return 0;
}

static void sipc_teardown(struct run *r)
{
	char v = __atomic_load_n(&pi_saved, __ATOMIC_SEQ_CST);

	if (!v)
		return;
	if (pi_write(v))
		fprintf(stderr, "sipc-bench: cannot put %s back to %c: %s\n",
			PI_PARAM, v, strerror(errno));
	__atomic_store_n(&pi_saved, 0, __ATOMIC_SEQ_CST);
}

static int sdev_open(struct sdev *d, size_t area_size)
{
	struct sipc_version v;
	void *area;

	d->fd = open(SIPC_PATH, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return bench_fail("open %s: %s", SIPC_PATH, strerror(errno));
	if (ioctl(d->fd, SIPC_IOC_VERSION, &v) ||
	    v.major != SIPC_VERSION_MAJOR)
		return bench_fail("sipc version %u, not %u", v.major,
				  SIPC_VERSION_MAJOR);
	area = mmap(NULL, area_size, PROT_READ, MAP_SHARED, d->fd, 0);
	if (area == MAP_FAILED)
		return bench_fail("mmap %s: %s", SIPC_PATH, strerror(errno));
	d->area_size = area_size;
	return 0;
}

static int transact(struct sdev *d, struct sipc_transact *tr, const char *what)
{
	if (ioctl(d->fd, SIPC_IOC_TRANSACT, tr))
		return bench_fail("%s: %s", what, strerror(errno));
	return 0;
}

/* A process that just exited may still hold handle 0 for a moment. */
static int claim_context_manager(int fd)
{
	struct sipc_node_info mgr = { .cookie = 1 };
	struct timespec ms = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (!ioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &mgr))
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ms, NULL);
	}
	return bench_fail("claim handle 0: %s", strerror(errno));
}

/* Answer one ADD or LOOKUP in @tr (the request is in @ev). */
static int registry_answer(struct sdev *d, const struct sipc_event *ev,
			   __u32 *handles, struct reg_msg *out,
			   struct sipc_transact *tr)
{
	const struct reg_msg *in = (const void *)(uintptr_t)ev->data;
	__u32 h;

	tr->send_op = SIPC_SEND_REPLY;
	tr->code = EINVAL;
	if (ev->data_size < sizeof(in->index) || in->index >= MAX_PAIRS)
		return 0;
	switch (CODE_OP(ev->code)) {
	case OP_REG_ADD:
		if (ev->data_size != sizeof(*in) || ev->offsets_count != 1 ||
		    in->obj.type != SIPC_OBJ_HANDLE)
			return 0;
		/* Keep the handle beyond the request's buffer. */
		h = in->obj.handle;
		if (ioctl(d->fd, SIPC_IOC_ACQUIRE, &h))
			return bench_fail("registry: acquire: %s",
					  strerror(errno));
		handles[in->index] = h;
		tr->code = 0;
		return 0;
	case OP_REG_LOOKUP:
		tr->code = ENOENT;
		if (!handles[in->index])
			return 0;
		memset(out, 0, sizeof(*out));
		out->index = in->index;
		out->obj.type = SIPC_OBJ_HANDLE;
		out->obj.handle = handles[in->index];
		tr->data = (uintptr_t)out;
		tr->data_size = sizeof(*out);
		tr->offsets = (uintptr_t)&reg_obj_offset;
		tr->offsets_count = 1;
		tr->code = 0;
		return 0;
	}
	return bench_fail("registry: unexpected code %#x", ev->code);
}

static int sipc_registry(struct run *r, int ready_fd)
{
	__u32 handles[MAX_PAIRS] = { 0 };
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	struct sipc_event ev;
	struct reg_msg out;
	struct sdev d;

	if (sdev_open(&d, CLIENT_AREA) || claim_context_manager(d.fd) ||
	    signal_ready(ready_fd))
		return -1;
	for (;;) {
		if (ioctl(d.fd, SIPC_IOC_TRANSACT, &tr)) {
			if (errno == EINTR)
				continue;
			return bench_fail("registry: %s", strerror(errno));
		}
		ev = tr.ev;
		memset(&tr, 0, sizeof(tr));
		tr.recv_flags = SIPC_RECV_WAIT;
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		tr.free_buffer = ev.data;
		if (registry_answer(&d, &ev, handles, &out, &tr))
			return -1;
	}
}

static int sipc_serve(struct server *s, int ready_fd)
{
	struct sipc_node_info node = { .cookie = 0x5e0000 + s->pair };
	struct reg_msg add = { .index = s->pair };
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.code = CODE(OP_REG_ADD, 0),
		.data = (uintptr_t)&add,
		.data_size = sizeof(add),
		.offsets = (uintptr_t)&reg_obj_offset,
		.offsets_count = 1,
	};
	struct sipc_event ev;
	uint32_t reply;
	struct sdev d;

	if (sdev_open(&d, server_area(s->r->size)))
		return -1;
	if (ioctl(d.fd, SIPC_IOC_NODE_CREATE, &node))
		return bench_fail("node create: %s", strerror(errno));
	add.obj.type = SIPC_OBJ_NODE;
	add.obj.cookie = node.cookie;
	if (transact(&d, &tr, "register"))
		return -1;
	if (tr.ev.type != SIPC_EV_REPLY || tr.ev.code)
		return bench_fail("register: status %u", tr.ev.code);
	if (ioctl(d.fd, SIPC_IOC_FREE_BUFFER, &tr.ev.data))
		return bench_fail("free: %s", strerror(errno));
	if (signal_ready(ready_fd))
		return -1;

	memset(&tr, 0, sizeof(tr));
	tr.recv_flags = SIPC_RECV_WAIT;
	for (;;) {
		if (ioctl(d.fd, SIPC_IOC_TRANSACT, &tr)) {
			if (errno == EINTR)
				continue;
			return bench_fail("server: %s", strerror(errno));
		}
		ev = tr.ev;
		memset(&tr, 0, sizeof(tr));
		tr.recv_flags = SIPC_RECV_WAIT;
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		/* Reply (if asked), free the request, wait: one call. */
		tr.free_buffer = ev.data;
		if (ev.flags & SIPC_EVF_ONEWAY) {
			if (server_oneway(s, ev.code, (void *)(uintptr_t)ev.data,
					  ev.data_size))
				return -1;
			continue;
		}
		if (server_call(s, ev.code, (void *)(uintptr_t)ev.data,
				ev.data_size, &reply))
			return -1;
		tr.send_op = SIPC_SEND_REPLY;
		tr.data = (uintptr_t)&reply;
		tr.data_size = sizeof(reply);
	}
}

/* Ask handle 0 for server @index; the reply is checked, kept in sc->last. */
static int sipc_ask(struct sclient *sc, uint32_t seq, __u32 *handle)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.handle = SIPC_CONTEXT_MGR_HANDLE,
		.code = CODE(OP_REG_LOOKUP, seq),
		.data = (uintptr_t)&sc->index,
		.data_size = sizeof(sc->index),
		.free_buffer = sc->last,
	};
	const struct reg_msg *m;

	sc->last = 0;
	if (transact(&sc->dev, &tr, "lookup"))
		return -1;
	if (tr.ev.type != SIPC_EV_REPLY || tr.ev.code)
		return bench_fail("lookup: event %u, status %u", tr.ev.type,
				  tr.ev.code);
	sc->last = tr.ev.data;
	m = (const void *)(uintptr_t)tr.ev.data;
	if (tr.ev.data_size != sizeof(*m) || tr.ev.offsets_count != 1 ||
	    m->index != sc->index || m->obj.type != SIPC_OBJ_HANDLE)
		return bench_fail("lookup: malformed reply");
	*handle = m->obj.handle;
	return 0;
}

static struct sclient sipc_client;

static int sipc_connect(struct client *c)
{
	struct sclient *sc = &sipc_client;

	c->priv = sc;
	sc->index = c->pair;
	if (sdev_open(&sc->dev, CLIENT_AREA) || sipc_ask(sc, 0, &sc->handle))
		return -1;
	/* Hold the handle: it stays the same in every later lookup. */
	if (ioctl(sc->dev.fd, SIPC_IOC_ACQUIRE, &sc->handle))
		return bench_fail("acquire: %s", strerror(errno));
	return 0;
}

static int sipc_call(struct client *c)
{
	struct sclient *sc = c->priv;
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.handle = sc->handle,
		.code = CODE(OP_CALL, c->seq),
		.data = (uintptr_t)c->buf,
		.data_size = c->r->size,
		.free_buffer = sc->last,	/* freed in this same call */
	};

	sc->last = 0;
	if (transact(&sc->dev, &tr, "call"))
		return -1;
	if (tr.ev.type != SIPC_EV_REPLY || tr.ev.code)
		return bench_fail("call: event %u, status %u", tr.ev.type,
				  tr.ev.code);
	sc->last = tr.ev.data;
	return client_check_reply(c, (void *)(uintptr_t)tr.ev.data,
				  tr.ev.data_size);
}

static int sipc_send(struct client *c)
{
	struct sclient *sc = c->priv;
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_ONEWAY,
		.handle = sc->handle,
		.code = CODE(OP_ONEWAY, c->seq),
		.data = (uintptr_t)c->buf,
		.data_size = c->r->size,
	};

	/* The receiver's one-way share is full: let it catch up. */
	while (ioctl(sc->dev.fd, SIPC_IOC_TRANSACT, &tr)) {
		if (errno != ENOBUFS && errno != ENOSPC)
			return bench_fail("one-way: %s", strerror(errno));
		sys_yield();
	}
	return 0;
}

static int sipc_lookup(struct client *c)
{
	struct sclient *sc = c->priv;
	__u32 h;

	if (sipc_ask(sc, c->seq, &h))
		return -1;
	if (h != sc->handle)
		return bench_fail("lookup: handle %u, not %u", h, sc->handle);
	return 0;
}

const struct mech mech_sipc = {
	.name = "sipc",
	.what = "raw SIPC_IOC_TRANSACT: one ioctl per side per round trip, buffers freed inside it",
	.handles = true,
	.unavailable = sipc_unavailable,
	.setup = sipc_setup,
	.teardown = sipc_teardown,
	.registry = sipc_registry,
	.serve = sipc_serve,
	.connect = sipc_connect,
	.call = sipc_call,
	.send = sipc_send,
	.lookup = sipc_lookup,
	.inversion = true,
	.inherits = true,
	.inherit_unavailable = sipc_inherit_unavailable,
};
