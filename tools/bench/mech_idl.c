// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: sipc through code sipc-idl generated from tools/bench/bench.idl,
 * the libsipc mechanism's round trip and one-way written as an interface:
 * the client calls the generated proxy, bench_rt_call(client, seq,
 * payload, &value), and the server is a node of generated stubs whose
 * handler checks the request in place. Side by side with libsipc (the same
 * calls by hand), it gives what the generated code costs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sipc.h>

#include "bench.h"
#include "bench-idl.h"

/* A failed check ends the server at once: its slot says why. */
static int handle_call(void *data, const struct sipc_txn *txn, uint32_t seq,
		       struct sipc_bytes payload, struct sipc_parcel *reply)
{
	struct server *srv = data;
	uint32_t v;

	if (server_call(srv, CODE(OP_CALL, seq), payload.data, payload.len,
			&v))
		_exit(1);
	return bench_rt_call_reply(reply, v);
}

static int handle_send(void *data, const struct sipc_txn *txn, uint32_t seq,
		       struct sipc_bytes payload)
{
	if (server_oneway(data, CODE(OP_ONEWAY, seq), payload.data,
			  payload.len))
		_exit(1);
	return 0;
}

static const struct bench_rt_handlers handlers = {
	.call = handle_call,
	.send = handle_send,
};

/* The generated dispatcher's node; its table outlives it (the process). */
static int idl_node(struct sipc *s, struct server *srv,
		    struct sipc_node **node)
{
	static struct bench_rt_server svc = { .handlers = &handlers };

	svc.data = srv;
	return bench_rt_node_create(s, &svc, 0, node);
}

static int idl_serve(struct server *srv, int ready_fd)
{
	return libsipc_serve_registered(srv, ready_fd, idl_node);
}

static struct bench_rt *client;

static int idl_connect(struct client *c)
{
	struct sipc_handle *h;
	struct sipc *s;
	char name[32];
	int ret;

	service_name(name, sizeof(name), c->pair);
	ret = sipc_open(NULL, CLIENT_AREA, &s);
	if (ret)
		return bench_fail("sipc_open: %s", sipc_strerror(ret));
	ret = sipc_registry_check(s, name, &h);
	if (ret)
		return bench_fail("sipc_registry_check: %s", sipc_strerror(ret));
	ret = bench_rt_open(h, &client);
	sipc_handle_put(h);
	return ret ? bench_fail("bench_rt_open: %s", sipc_strerror(ret)) : 0;
}

static int idl_call(struct client *c)
{
	struct sipc_bytes payload = { c->buf, c->r->size };
	uint32_t v;
	int ret;

	ret = bench_rt_call(client, c->seq, payload, &v);
	if (ret)
		return bench_fail("bench_rt_call: %d %s", ret, sipc_strerror(ret));
	return client_check_reply(c, &v, sizeof(v));
}

static int idl_send(struct client *c)
{
	struct sipc_bytes payload = { c->buf, c->r->size };
	int ret;

	while ((ret = bench_rt_send(client, c->seq, payload)) == -ENOBUFS ||
	       ret == -ENOSPC)
		sys_yield();
	return ret ? bench_fail("bench_rt_send: %s", sipc_strerror(ret)) : 0;
}

const struct mech mech_idl = {
	.name = "idl",
	.what = "libsipc through sipc-idl's generated proxy and stubs (tools/bench/bench.idl)",
	.handles = true,
	.unavailable = libsipc_unavailable,
	.registry = libsipc_registry,
	.serve = idl_serve,
	.connect = idl_connect,
	.call = idl_call,
	.send = idl_send,
};
