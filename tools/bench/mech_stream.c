// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: a pipe pair and a UNIX stream socketpair. Each message is an
 * 8-byte header (code, size) and the payload, written with one write() and
 * read by the server with one read() into its own buffer: the kernel
 * copies it twice, in and out. The reply is 4 bytes back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

struct wire_hdr {
	uint32_t code;
	uint32_t size;
};

/* Descriptors of one pair: the client's ends and the server's. */
struct chan {
	int client_out, client_in;
	int server_in, server_out;
};

static int chan_setup(struct run *r, bool socket)
{
	struct chan *ch = calloc(r->pairs, sizeof(*ch));
	int i, a[2], b[2];

	if (!ch)
		return bench_fail("out of memory");
	r->priv = ch;
	for (i = 0; i < r->pairs; i++)
		ch[i] = (struct chan){ -1, -1, -1, -1 };
	for (i = 0; i < r->pairs; i++) {
		if (socket) {
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, a))
				return bench_fail("socketpair: %s",
						  strerror(errno));
			ch[i].client_out = a[0];
			ch[i].client_in = a[0];
			ch[i].server_in = a[1];
			ch[i].server_out = a[1];
			continue;
		}
		if (pipe(a))
			return bench_fail("pipe: %s", strerror(errno));
		if (pipe(b)) {
			close(a[0]);
			close(a[1]);
			return bench_fail("pipe: %s", strerror(errno));
		}
		ch[i].client_out = a[1];
		ch[i].server_in = a[0];
		ch[i].server_out = b[1];
		ch[i].client_in = b[0];
	}
	return 0;
}

static int pipe_setup(struct run *r)
{
	return chan_setup(r, false);
}

static int socket_setup(struct run *r)
{
	return chan_setup(r, true);
}

static void chan_teardown(struct run *r)
{
	struct chan *ch = r->priv;
	int i;

	for (i = 0; ch && i < r->pairs; i++) {
		if (ch[i].client_out < 0)
			continue;
		close(ch[i].client_out);
		close(ch[i].server_in);
		if (ch[i].client_in != ch[i].client_out) {
			close(ch[i].client_in);
			close(ch[i].server_out);
		}
	}
	free(ch);
	r->priv = NULL;
}

static int chan_serve(struct server *s, int ready_fd)
{
	const struct chan *ch = &((struct chan *)s->r->priv)[s->pair];
	size_t size = s->r->size;
	unsigned char *msg = malloc(sizeof(struct wire_hdr) + size);
	struct wire_hdr hdr;
	uint32_t reply;

	if (!msg)
		return bench_fail("out of memory");
	if (signal_ready(ready_fd))
		return -1;
	for (;;) {
		if (full_io(ch->server_in, msg, sizeof(hdr) + size, false))
			return -1;
		memcpy(&hdr, msg, sizeof(hdr));
		if (hdr.size != size)
			return bench_fail("server: message of %u bytes, not %zu",
					  hdr.size, size);
		if (CODE_OP(hdr.code) == OP_ONEWAY) {
			if (server_oneway(s, hdr.code, msg + sizeof(hdr), size))
				return -1;
			continue;
		}
		if (server_call(s, hdr.code, msg + sizeof(hdr), size, &reply) ||
		    full_io(ch->server_out, &reply, sizeof(reply), true))
			return -1;
	}
}

static int chan_connect(struct client *c)
{
	c->priv = &((struct chan *)c->r->priv)[c->pair];
	return 0;
}

/* The header goes in the headroom: one write() per message. */
static int chan_write(struct client *c, enum op op)
{
	const struct chan *ch = c->priv;
	struct wire_hdr hdr = { CODE(op, c->seq), (uint32_t)c->r->size };

	memcpy(c->buf - sizeof(hdr), &hdr, sizeof(hdr));
	return full_io(ch->client_out, c->buf - sizeof(hdr),
		       sizeof(hdr) + c->r->size, true);
}

static int chan_call(struct client *c)
{
	const struct chan *ch = c->priv;
	uint32_t reply;

	if (chan_write(c, OP_CALL) ||
	    full_io(ch->client_in, &reply, sizeof(reply), false))
		return -1;
	return client_check_reply(c, &reply, sizeof(reply));
}

static int chan_send(struct client *c)
{
	return chan_write(c, OP_ONEWAY);
}

const struct mech mech_pipe = {
	.name = "pipe",
	.what = "two pipes; header + payload in one write(), read() into the server's buffer",
	.setup = pipe_setup,
	.teardown = chan_teardown,
	.serve = chan_serve,
	.connect = chan_connect,
	.call = chan_call,
	.send = chan_send,
};

const struct mech mech_socketpair = {
	.name = "socketpair",
	.what = "AF_UNIX SOCK_STREAM socketpair; same framing as the pipes",
	.setup = socket_setup,
	.teardown = chan_teardown,
	.serve = chan_serve,
	.connect = chan_connect,
	.call = chan_call,
	.send = chan_send,
};
