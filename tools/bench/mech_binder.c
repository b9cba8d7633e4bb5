// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: Android Binder through raw ioctls on /dev/binder (Debian's
 * binder_linux.ko in the same guest), driven as libbinder drives it.
 * BINDER_WRITE_READ carries commands out and returns back. A client's call
 * is one ioctl: BC_FREE_BUFFER of its previous reply and BC_TRANSACTION
 * written, then read until BR_REPLY (the driver defers the transaction's
 * BR_TRANSACTION_COMPLETE until the reply, so both come in that one read).
 * A server's answer is BC_FREE_BUFFER of the request and BC_REPLY in one
 * ioctl whose read returns BR_TRANSACTION_COMPLETE at once (a reply's is
 * never deferred), then one more ioctl that waits for the next request:
 * three ioctls a round trip, the fewest the protocol allows, as libbinder's
 * IPCThreadState makes. The payload is copied once, by the driver, from the
 * client's buffer into the server's mapping, where it is read in place.
 * The context manager keeps each server's handle (BC_INCREFS, BC_ACQUIRE)
 * and returns it, translated, in a lookup's reply; servers answer
 * BR_INCREFS and BR_ACQUIRE for their node as the protocol asks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/android/binder.h>

#include "bench.h"

#define BINDER_PROCS	"/sys/kernel/debug/binder/procs"

struct breg_msg {
	uint32_t index;
	uint32_t status;
	struct flat_binder_object obj;
};

static const binder_size_t breg_obj_offset = offsetof(struct breg_msg, obj);

/* One process's device, and the commands waiting to be written. */
struct bdev {
	int fd;
	size_t out_len;
	unsigned char out[512];
	unsigned char in[512];
};

enum want { WANT_REPLY, WANT_COMPLETE, WANT_TRANSACTION };

static struct bdev dev;

static const char *binder_unavailable(void)
{
	return access(binder_device(), R_OK | W_OK) ? "no binder device" :
						      NULL;
}

static int bdev_open(struct bdev *d, size_t map_size)
{
	struct binder_version v = { 0 };
	void *map;

	d->fd = open(binder_device(), O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return bench_fail("open %s: %s", binder_device(),
				  strerror(errno));
	if (ioctl(d->fd, BINDER_VERSION, &v) ||
	    v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION)
		return bench_fail("binder protocol %d, not %d",
				  v.protocol_version,
				  BINDER_CURRENT_PROTOCOL_VERSION);
	map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE | MAP_NORESERVE,
		   d->fd, 0);
	if (map == MAP_FAILED)
		return bench_fail("mmap binder: %s", strerror(errno));
	d->out_len = 0;
	return 0;
}

static void put_cmd(struct bdev *d, uint32_t cmd, const void *arg, size_t len)
{
	memcpy(d->out + d->out_len, &cmd, sizeof(cmd));
	if (len)
		memcpy(d->out + d->out_len + sizeof(cmd), arg, len);
	d->out_len += sizeof(cmd) + len;
}

static void put_u32(struct bdev *d, uint32_t cmd, uint32_t v)
{
	put_cmd(d, cmd, &v, sizeof(v));
}

static void put_free(struct bdev *d, binder_uintptr_t *buffer)
{
	if (*buffer)
		put_cmd(d, BC_FREE_BUFFER, buffer, sizeof(*buffer));
	*buffer = 0;
}

static void put_txn(struct bdev *d, uint32_t cmd, uint32_t handle,
		    uint32_t code, uint32_t flags, const void *data,
		    size_t size, const binder_size_t *offsets, size_t count)
{
	struct binder_transaction_data tr = {
		.target.handle = handle,
		.code = code,
		.flags = flags,
		.data_size = size,
		.offsets_size = count * sizeof(binder_size_t),
		.data.ptr.buffer = (uintptr_t)data,
		.data.ptr.offsets = (uintptr_t)offsets,
	};

	put_cmd(d, cmd, &tr, sizeof(tr));
}

/* Write what is queued, read what comes back; *@len: bytes read. */
static int write_read(struct bdev *d, size_t *len)
{
	struct binder_write_read bwr = {
		.write_size = d->out_len,
		.write_buffer = (uintptr_t)d->out,
		.read_size = sizeof(d->in),
		.read_buffer = (uintptr_t)d->in,
	};

	while (ioctl(d->fd, BINDER_WRITE_READ, &bwr)) {
		if (errno != EINTR)
			return bench_fail("BINDER_WRITE_READ: %s",
					  strerror(errno));
		bwr.write_buffer += bwr.write_consumed;
		bwr.write_size -= bwr.write_consumed;
		bwr.write_consumed = 0;
	}
	d->out_len = 0;
	*len = bwr.read_consumed;
	return 0;
}

/*
 * Talk to the driver until what is wanted arrives: its transaction in @tr. A
 * transaction is always the last thing of a read; everything before it is
 * handled on the way. Returns 0, 1 for BR_FAILED_REPLY to a one-way (the
 * target's async space is full), or -1.
 */
static int drive(struct bdev *d, enum want until,
		 struct binder_transaction_data *tr)
{
	struct binder_ptr_cookie pc;
	size_t len = 0, pos;
	uint32_t cmd;
	int got = -2;

	while (got == -2) {
		if (write_read(d, &len))
			return -1;
		for (pos = 0; pos + sizeof(cmd) <= len;
		     pos += sizeof(cmd) + _IOC_SIZE(cmd)) {
			memcpy(&cmd, d->in + pos, sizeof(cmd));
			switch (cmd) {
			case BR_NOOP:
			case BR_SPAWN_LOOPER:
			case BR_RELEASE:
			case BR_DECREFS:
				break;
			case BR_INCREFS:
			case BR_ACQUIRE:
				/* Our node has its first reference: ack. */
				memcpy(&pc, d->in + pos + sizeof(cmd), sizeof(pc));
				put_cmd(d, cmd == BR_INCREFS ? BC_INCREFS_DONE :
					BC_ACQUIRE_DONE, &pc, sizeof(pc));
				break;
			case BR_TRANSACTION_COMPLETE:
				if (until == WANT_COMPLETE)
					got = 0;
				break;
			case BR_TRANSACTION:
			case BR_REPLY:
				if (until == WANT_COMPLETE ||
				    cmd != (until == WANT_REPLY ? BR_REPLY :
					    BR_TRANSACTION))
					return bench_fail("binder: unexpected %s",
							  cmd == BR_REPLY ? "reply" :
							  "transaction");
				memcpy(tr, d->in + pos + sizeof(cmd), sizeof(*tr));
				got = 0;
				break;
			case BR_FAILED_REPLY:
				if (until != WANT_COMPLETE)
					return bench_fail("binder: failed reply");
				got = 1;
				break;
			case BR_DEAD_REPLY:
				return bench_fail("binder: dead reply");
			default:
				return bench_fail("binder: unexpected command %#x",
						  cmd);
			}
		}
	}
	return got;
}

/* A dying context manager lets go of handle 0 a moment after it exits. */
static int claim_context_manager(int fd)
{
	struct timespec ms = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (!ioctl(fd, BINDER_SET_CONTEXT_MGR, 0))
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ms, NULL);
	}
	return bench_fail("BINDER_SET_CONTEXT_MGR: %s", strerror(errno));
}

/*
 * Binder releases a closed process in a work item, after the process is
 * gone: wait for the last run's to go (quietly, with debugfs), so that
 * every run starts from an idle driver and the context manager is free.
 */
static int binder_setup(struct run *r)
{
	struct timespec ms = { 0, 1000 * 1000 };
	struct dirent *e;
	int i, busy = 1;
	DIR *dir;

	for (i = 0; i < 2000 && busy; i++) {
		dir = opendir(BINDER_PROCS);
		if (!dir)
			return 0;
		busy = 0;
		while ((e = readdir(dir)))
			if (e->d_name[0] != '.')
				busy = 1;
		closedir(dir);
		if (busy)
			nanosleep(&ms, NULL);
	}
	return 0;
}

static struct breg_msg reg_out;

static int registry_answer(struct bdev *d, const struct binder_transaction_data *tr,
			   uint32_t *handles)
{
	const struct breg_msg *in = (const void *)(uintptr_t)tr->data.ptr.buffer;
	binder_uintptr_t buffer = tr->data.ptr.buffer;
	uint32_t status = EINVAL;

	memset(&reg_out, 0, sizeof(reg_out));
	if (tr->data_size < sizeof(in->index) || in->index >= MAX_PAIRS)
		goto reply;
	if (CODE_OP(tr->code) == OP_REG_ADD) {
		if (tr->data_size != sizeof(*in) ||
		    tr->offsets_size != sizeof(binder_size_t) ||
		    in->obj.hdr.type != BINDER_TYPE_HANDLE)
			goto reply;
		/* Keep the handle beyond the request's buffer. */
		handles[in->index] = in->obj.handle;
		put_u32(d, BC_INCREFS, in->obj.handle);
		put_u32(d, BC_ACQUIRE, in->obj.handle);
		status = 0;
	} else if (CODE_OP(tr->code) == OP_REG_LOOKUP) {
		status = ENOENT;
		if (!handles[in->index])
			goto reply;
		reg_out.index = in->index;
		reg_out.obj.hdr.type = BINDER_TYPE_HANDLE;
		reg_out.obj.handle = handles[in->index];
		put_free(d, &buffer);
		put_txn(d, BC_REPLY, 0, 0, 0, &reg_out, sizeof(reg_out),
			&breg_obj_offset, 1);
		return 0;
	} else {
		return bench_fail("registry: unexpected code %#x", tr->code);
	}
reply:
	reg_out.status = status;
	put_free(d, &buffer);
	put_txn(d, BC_REPLY, 0, 0, 0, &reg_out.status, sizeof(reg_out.status),
		NULL, 0);
	return 0;
}

static int binder_registry(struct run *r, int ready_fd)
{
	uint32_t handles[MAX_PAIRS] = { 0 };
	struct binder_transaction_data tr;

	if (bdev_open(&dev, CLIENT_AREA) || claim_context_manager(dev.fd))
		return -1;
	put_cmd(&dev, BC_ENTER_LOOPER, NULL, 0);
	if (signal_ready(ready_fd))
		return -1;
	for (;;) {
		if (drive(&dev, WANT_TRANSACTION, &tr) ||
		    registry_answer(&dev, &tr, handles))
			return -1;
	}
}

static int binder_serve(struct server *s, int ready_fd)
{
	binder_uintptr_t node = 0xb1000 + s->pair, buffer;
	struct breg_msg add = {
		.index = s->pair,
		.obj.hdr.type = BINDER_TYPE_BINDER,
		.obj.binder = node,
		.obj.cookie = node,
	};
	struct binder_transaction_data tr;
	uint32_t reply;
	const void *data;

	if (bdev_open(&dev, SERVER_AREA))
		return -1;
	put_cmd(&dev, BC_ENTER_LOOPER, NULL, 0);
	put_txn(&dev, BC_TRANSACTION, 0, CODE(OP_REG_ADD, 0), 0, &add,
		sizeof(add), &breg_obj_offset, 1);
	if (drive(&dev, WANT_REPLY, &tr))
		return -1;
	buffer = tr.data.ptr.buffer;
	if (tr.data_size != sizeof(uint32_t) ||
	    *(const uint32_t *)(uintptr_t)buffer)
		return bench_fail("register: refused");
	put_free(&dev, &buffer);
	if (signal_ready(ready_fd))
		return -1;
	for (;;) {
		if (drive(&dev, WANT_TRANSACTION, &tr))
			return -1;
		buffer = tr.data.ptr.buffer;
		data = (const void *)(uintptr_t)buffer;
		if (tr.flags & TF_ONE_WAY) {
			if (server_oneway(s, tr.code, data, tr.data_size))
				return -1;
			put_free(&dev, &buffer);
			continue;
		}
		if (server_call(s, tr.code, data, tr.data_size, &reply))
			return -1;
		put_free(&dev, &buffer);
		put_txn(&dev, BC_REPLY, 0, 0, 0, &reply, sizeof(reply), NULL, 0);
	}
}

struct bclient {
	uint32_t handle;
	uint32_t index;
	binder_uintptr_t last;	/* the reply to free with the next call */
};

static struct bclient bclient;

/* Ask handle 0 for server @index: the reply is checked, kept in bc->last. */
static int binder_ask(struct bclient *bc, uint32_t seq, uint32_t *handle)
{
	struct binder_transaction_data tr;
	const struct breg_msg *m;

	put_free(&dev, &bc->last);
	put_txn(&dev, BC_TRANSACTION, 0, CODE(OP_REG_LOOKUP, seq), 0,
		&bc->index, sizeof(bc->index), NULL, 0);
	if (drive(&dev, WANT_REPLY, &tr))
		return -1;
	bc->last = tr.data.ptr.buffer;
	m = (const void *)(uintptr_t)tr.data.ptr.buffer;
	if (tr.data_size != sizeof(*m) ||
	    tr.offsets_size != sizeof(binder_size_t) ||
	    m->index != bc->index || m->obj.hdr.type != BINDER_TYPE_HANDLE)
		return bench_fail("lookup: malformed reply");
	*handle = m->obj.handle;
	return 0;
}

static int binder_connect(struct client *c)
{
	struct bclient *bc = &bclient;

	c->priv = bc;
	bc->index = c->pair;
	if (bdev_open(&dev, CLIENT_AREA) || binder_ask(bc, 0, &bc->handle))
		return -1;
	/* Hold the handle: it stays the same in every later lookup. */
	put_u32(&dev, BC_INCREFS, bc->handle);
	put_u32(&dev, BC_ACQUIRE, bc->handle);
	return 0;
}

static int binder_call(struct client *c)
{
	struct bclient *bc = c->priv;
	struct binder_transaction_data tr;

	put_free(&dev, &bc->last);
	put_txn(&dev, BC_TRANSACTION, bc->handle, CODE(OP_CALL, c->seq), 0,
		c->buf, c->r->size, NULL, 0);
	if (drive(&dev, WANT_REPLY, &tr))
		return -1;
	bc->last = tr.data.ptr.buffer;
	if (tr.flags & TF_STATUS_CODE)
		return bench_fail("call: status reply");
	return client_check_reply(c, (const void *)(uintptr_t)tr.data.ptr.buffer,
				  tr.data_size);
}

static int binder_send(struct client *c)
{
	struct bclient *bc = c->priv;
	int ret;

	/* BR_FAILED_REPLY: the receiver's async space is full. */
	for (;;) {
		put_txn(&dev, BC_TRANSACTION, bc->handle,
			CODE(OP_ONEWAY, c->seq), TF_ONE_WAY, c->buf,
			c->r->size, NULL, 0);
		ret = drive(&dev, WANT_COMPLETE, NULL);
		if (ret <= 0)
			return ret;
		sys_yield();
	}
}

static int binder_lookup(struct client *c)
{
	struct bclient *bc = c->priv;
	uint32_t h;

	if (binder_ask(bc, c->seq, &h))
		return -1;
	if (h != bc->handle)
		return bench_fail("lookup: handle %u, not %u", h, bc->handle);
	return 0;
}

const struct mech mech_binder = {
	.name = "binder",
	.what = "raw BINDER_WRITE_READ on Debian's binder_linux.ko, the last reply freed in the next call",
	.handles = true,
	.max_size = SERVER_AREA / 4,	/* its map is at most 4 MiB */
	.unavailable = binder_unavailable,
	.setup = binder_setup,
	.registry = binder_registry,
	.serve = binder_serve,
	.connect = binder_connect,
	.call = binder_call,
	.send = binder_send,
	.lookup = binder_lookup,
	.inversion = true,	/* mainline: a nice floor, no RT inheritance */
};
