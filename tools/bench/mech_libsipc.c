// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: sipc through libsipc, as an application would use it. The
 * client builds each request in a parcel, its bytes by reference
 * (sipc_parcel_put_bytes_ref: the driver copies them once, straight from
 * the client's buffer; runs under SIPC_PARCEL_REF_MIN are copied into the
 * parcel) and calls sipc_call() with one reply parcel reused for every
 * call; the server is
 * a node whose handler checks the request in place and answers a u32,
 * run by sipc_loop(). The context manager is a libsipc node too, speaking
 * the registry protocol of sipc.h, so that sipc_registry_add() and
 * sipc_registry_check() (the lookup workload) work against it.
 *
 * libsipc-region is the same with the request in a shared region instead:
 * a sealed memfd made for each request from the client's buffer
 * (sipc_region_copy()), sent as a file descriptor, mapped read-only by the
 * server's sipc_parcel_get_blob(), dropped by both once the call is done.
 *
 * libsipc-blob and libsipc-pool are what sipc_parcel_put_blob() does below
 * and above its threshold: the request's bytes copied into the parcel
 * (and by the driver into the server's area), or copied once into a region
 * of the client's pool, reused, and read in the server's kept view of it.
 * Side by side (the blob workload), they give the threshold.
 *
 * channel is libsipc through a channel (sipc_channel_open()): the request
 * built in place in the channel's data area, the server's channel thread
 * polling, then sleeping.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sipc.h>

#include "bench.h"

static struct sipc_handle *registered[MAX_PAIRS];

const char *libsipc_unavailable(void)
{
	return access(SIPC_DEVICE_PATH, R_OK | W_OK) ? "no " SIPC_DEVICE_PATH :
						       NULL;
}

void service_name(char *buf, size_t len, int pair)
{
	snprintf(buf, len, "bench.%d", pair);
}

/* The index in a name this registry gave out, or -1. */
static int name_index(const char *name)
{
	int i;

	if (strncmp(name, "bench.", 6) || name[6] < '0' || name[6] > '9' ||
	    name[7])
		return -1;
	i = name[6] - '0';
	return i < MAX_PAIRS ? i : -1;
}

static int registry_handler(struct sipc_node *node, const struct sipc_txn *txn,
			    struct sipc_parcel *reply)
{
	struct sipc_handle *h;
	const char *name;
	int i;

	if (sipc_parcel_get_string(txn->request, &name, NULL))
		return -EINVAL;
	i = name_index(name);
	if (i < 0)
		return -ENOENT;
	switch (txn->code) {
	case SIPC_REGISTRY_ADD:
		if (sipc_parcel_get_handle(txn->request, &h))
			return -EINVAL;
		sipc_handle_put(registered[i]);
		registered[i] = h;	/* keeps its reference */
		return 0;
	case SIPC_REGISTRY_CHECK:
		if (!registered[i])
			return -ENOENT;
		return sipc_parcel_put_handle(reply, registered[i]);
	}
	return -EINVAL;
}

static int claim(struct sipc *s, struct sipc_node **node)
{
	struct timespec ms = { 0, 1000 * 1000 };
	int i, ret = -EBUSY;

	for (i = 0; i < 5000 && ret == -EBUSY; i++) {
		ret = sipc_node_create(s, registry_handler, NULL,
				       SIPC_NODE_CONTEXT_MANAGER, node);
		if (ret == -EBUSY)
			nanosleep(&ms, NULL);
	}
	return ret;
}

int libsipc_registry(struct run *r, int ready_fd)
{
	struct sipc_node *node;
	struct sipc *s;
	int ret;

	ret = sipc_open(NULL, CLIENT_AREA, &s);
	if (ret)
		return bench_fail("sipc_open: %s", sipc_strerror(ret));
	ret = claim(s, &node);
	if (ret)
		return bench_fail("claim handle 0: %s", sipc_strerror(ret));
	if (signal_ready(ready_fd))
		return -1;
	ret = sipc_loop(s);
	return bench_fail("registry: sipc_loop: %s", sipc_strerror(ret));
}

/* A failed check ends the server at once: its slot says why. */
static int service_handler(struct sipc_node *node, const struct sipc_txn *txn,
			   struct sipc_parcel *reply)
{
	struct server *srv = sipc_node_data(node);
	const void *data = NULL;
	size_t len = 0;
	uint32_t v;
	int ret;

	/* Bytes in place, or a region mapped until we return. */
	ret = sipc_parcel_get_blob(txn->request, &data, &len);
	if (ret) {
		bench_fail("server: request %u: %s", srv->next,
			   sipc_strerror(ret));
		_exit(1);
	}
	if (txn->flags & SIPC_EVF_ONEWAY) {
		if (server_oneway(srv, txn->code, data, len))
			_exit(1);
		return 0;
	}
	if (server_call(srv, txn->code, data, len, &v))
		_exit(1);
	return sipc_parcel_put_u32(reply, v);
}

int libsipc_serve_registered(struct server *srv, int ready_fd,
			     libsipc_make_node make)
{
	struct sipc_node *node;
	struct sipc *s;
	char name[32];
	int ret;

	service_name(name, sizeof(name), srv->pair);
	ret = sipc_open(NULL, server_area(srv->r->size), &s);
	if (ret)
		return bench_fail("sipc_open: %s", sipc_strerror(ret));
	ret = make(s, srv, &node);
	if (ret)
		return bench_fail("the service's node: %s", sipc_strerror(ret));
	ret = sipc_registry_add(s, name, node);
	if (ret)
		return bench_fail("sipc_registry_add: %s", sipc_strerror(ret));
	if (signal_ready(ready_fd))
		return -1;
	ret = sipc_loop(s);
	return bench_fail("server: sipc_loop: %s", sipc_strerror(ret));
}

static int plain_node(struct sipc *s, struct server *srv,
		      struct sipc_node **node)
{
	return sipc_node_create(s, service_handler, srv, 0, node);
}

static int channel_node(struct sipc *s, struct server *srv,
			struct sipc_node **node)
{
	int ret = plain_node(s, srv, node);

	/* Each channel's thread inherits this process's CPU. */
	return ret ? ret : sipc_node_serve_channels(*node, NULL);
}

static int libsipc_serve(struct server *srv, int ready_fd)
{
	return libsipc_serve_registered(srv, ready_fd, plain_node);
}

static int channel_serve(struct server *srv, int ready_fd)
{
	return libsipc_serve_registered(srv, ready_fd, channel_node);
}

struct lclient {
	struct sipc *s;
	struct sipc_handle *h;
	struct sipc_parcel *req, *reply;
	struct sipc_region *region;	/* libsipc-region: this request's */
	struct sipc_channel *ch;	/* channel */
	char name[32];
};

static struct lclient lclient;

static int libsipc_connect(struct client *c)
{
	struct lclient *lc = &lclient;
	int ret;

	c->priv = lc;
	service_name(lc->name, sizeof(lc->name), c->pair);
	ret = sipc_open(NULL, CLIENT_AREA, &lc->s);
	if (ret)
		return bench_fail("sipc_open: %s", sipc_strerror(ret));
	ret = sipc_registry_check(lc->s, lc->name, &lc->h);
	if (ret)
		return bench_fail("sipc_registry_check: %s", sipc_strerror(ret));
	lc->req = sipc_parcel_new();
	lc->reply = sipc_parcel_new();
	if (!lc->req || !lc->reply)
		return bench_fail("out of memory");
	sipc_parcel_set_destination(lc->req, lc->h);
	return 0;
}

static int build(struct client *c, struct lclient *lc)
{
	int ret;

	sipc_parcel_reset(lc->req);
	/* What sipc_parcel_put_blob() does below and above its threshold. */
	if (c->r->mech == &mech_libsipc_blob)
		return sipc_parcel_put_bytes(lc->req, c->buf, c->r->size);
	if (c->r->mech == &mech_libsipc_pool)
		return sipc_parcel_put_pooled(lc->req, c->buf, c->r->size);
	if (c->r->mech != &mech_libsipc_region)
		return sipc_parcel_put_bytes_ref(lc->req, c->buf, c->r->size);
	ret = sipc_region_copy(c->buf, c->r->size, &lc->region);
	return ret ? ret : sipc_parcel_put_region(lc->req, lc->region);
}

/* Sent: our reference to the region goes, the receiver's may stay. */
static void sent(struct lclient *lc)
{
	sipc_region_free(lc->region);
	lc->region = NULL;
}

static int libsipc_call(struct client *c)
{
	struct lclient *lc = c->priv;
	uint32_t v;
	int ret;

	ret = build(c, lc);
	if (!ret)
		ret = sipc_call(lc->h, CODE(OP_CALL, c->seq), lc->req,
				lc->reply);
	sent(lc);
	if (ret)
		return bench_fail("sipc_call: %d %s", ret, sipc_strerror(ret));
	ret = sipc_parcel_get_u32(lc->reply, &v);
	if (ret)
		return bench_fail("reply: %s", sipc_strerror(ret));
	return client_check_reply(c, &v, sizeof(v));
}

static int libsipc_send(struct client *c)
{
	struct lclient *lc = c->priv;
	int ret = build(c, lc);

	while (!ret) {
		ret = sipc_send_oneway(lc->h, CODE(OP_ONEWAY, c->seq), lc->req);
		if (ret != -ENOBUFS && ret != -ENOSPC)
			break;
		sys_yield();
		ret = 0;
	}
	sent(lc);
	return ret ? bench_fail("sipc_send_oneway: %s", sipc_strerror(ret)) : 0;
}

static int libsipc_lookup(struct client *c)
{
	struct lclient *lc = c->priv;
	struct sipc_handle *h;
	uint32_t id;
	int ret;

	ret = sipc_registry_check(lc->s, lc->name, &h);
	if (ret)
		return bench_fail("sipc_registry_check: %s", sipc_strerror(ret));
	id = sipc_handle_id(h);
	sipc_handle_put(h);
	if (id != sipc_handle_id(lc->h))
		return bench_fail("lookup: handle %u, not %u", id,
				  sipc_handle_id(lc->h));
	return 0;
}

/*
 * A channel's data area holds two of the largest requests, in whole
 * pages: a stream's next one-way is built while the last is read.
 */
static int channel_connect(struct client *c)
{
	struct sipc_channel_opts opts = { 0 };
	struct lclient *lc;
	int ret;

	if (libsipc_connect(c))
		return -1;
	lc = c->priv;
	opts.data_size = 2 * ((c->r->size + 64 + 4095) & ~(size_t)4095);
	if (opts.data_size < 64 * 1024)
		opts.data_size = 64 * 1024;
	ret = sipc_channel_open(lc->h, &opts, &lc->ch);
	return ret ? bench_fail("sipc_channel_open: %s", sipc_strerror(ret)) : 0;
}

/* The request is written in place in the channel, the one write. */
static int channel_call(struct client *c)
{
	struct lclient *lc = c->priv;
	struct sipc_parcel *req = sipc_channel_request(lc->ch);
	unsigned char *d = sipc_parcel_put_bytes_space(req, c->r->size);
	uint32_t v;
	int ret;

	if (!d)
		return bench_fail("request: %s",
				  sipc_strerror(sipc_parcel_error(req)));
	if (c->r->touch_all)
		payload_produce(d, c->tmpl, c->r->size, c->seq);
	else
		memcpy(d, c->buf, c->r->size);
	ret = sipc_channel_call(lc->ch, CODE(OP_CALL, c->seq), req, lc->reply);
	if (ret)
		return bench_fail("sipc_channel_call: %d %s", ret,
				  sipc_strerror(ret));
	ret = sipc_parcel_get_u32(lc->reply, &v);
	if (ret)
		return bench_fail("reply: %s", sipc_strerror(ret));
	return client_check_reply(c, &v, sizeof(v));
}

static int channel_send(struct client *c)
{
	struct lclient *lc = c->priv;
	struct sipc_parcel *req = sipc_channel_request(lc->ch);
	unsigned char *d = sipc_parcel_put_bytes_space(req, c->r->size);
	int ret;

	if (!d)
		return bench_fail("request: %s",
				  sipc_strerror(sipc_parcel_error(req)));
	memcpy(d, c->buf, c->r->size);
	ret = sipc_channel_send_oneway(lc->ch, CODE(OP_ONEWAY, c->seq), req);
	return ret ? bench_fail("sipc_channel_send_oneway: %s",
				sipc_strerror(ret)) : 0;
}

const struct mech mech_libsipc = {
	.name = "libsipc",
	.what = "libsipc: parcels, sipc_call() with a reused reply parcel, sipc_loop(), sipc_registry_check()",
	.handles = true,
	.unavailable = libsipc_unavailable,
	.registry = libsipc_registry,
	.serve = libsipc_serve,
	.connect = libsipc_connect,
	.call = libsipc_call,
	.send = libsipc_send,
	.lookup = libsipc_lookup,
};

const struct mech mech_libsipc_region = {
	.name = "libsipc-region",
	.what = "libsipc with each request in a shared region: a sealed memfd per request, mapped read-only by the server",
	.handles = true,
	.min_size = 4096,
	.max_iterations = 1000,	/* a millisecond and more each */
	.unavailable = libsipc_unavailable,
	.registry = libsipc_registry,
	.serve = libsipc_serve,
	.connect = libsipc_connect,
	.call = libsipc_call,
	.send = libsipc_send,
	.lookup = libsipc_lookup,
};

const struct mech mech_channel = {
	.name = "channel",
	.what = "libsipc through a channel: the request built in place, the server's thread polls, then sleeps",
	.handles = true,
	.in_place = true,
	.unavailable = libsipc_unavailable,
	.registry = libsipc_registry,
	.serve = channel_serve,
	.connect = channel_connect,
	.call = channel_call,
	.send = channel_send,
	.lookup = libsipc_lookup,
};

const struct mech mech_libsipc_blob = {
	.name = "libsipc-blob",
	.what = "libsipc with the request an inline blob: copied into the parcel, then by the driver",
	.handles = true,
	.unavailable = libsipc_unavailable,
	.registry = libsipc_registry,
	.serve = libsipc_serve,
	.connect = libsipc_connect,
	.call = libsipc_call,
	.send = libsipc_send,
	.lookup = libsipc_lookup,
};

const struct mech mech_libsipc_pool = {
	.name = "libsipc-pool",
	.what = "libsipc with the request a blob in a pooled region: copied in once, a kept view read in place",
	.handles = true,
	.unavailable = libsipc_unavailable,
	.registry = libsipc_registry,
	.serve = libsipc_serve,
	.connect = libsipc_connect,
	.call = libsipc_call,
	.send = libsipc_send,
	.lookup = libsipc_lookup,
};
