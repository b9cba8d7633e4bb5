// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: a pipe pair and a UNIX stream socketpair, driven as a
 * careful program drives them for messages of a size both ends know. A
 * request is its payload alone: one write() by the client, one read() by
 * the server into its own buffer (recv() with MSG_WAITALL on the socket,
 * so that a large one still takes one call), the kernel copying it twice,
 * in and out; the 4-byte reply is one write() and one read() back. Four
 * system calls a round trip, where the pipe holds the request.
 *
 * No header: its size is the run's, its kind (call or one-way) the
 * workload's, and its sequence number is stamped in it (payload.c). An
 * 8-byte header made a 64 KiB request 8 bytes too large for the pipe's
 * 64 KiB, and so cost a second hand-over to each side. A request under 4
 * bytes has no room for its stamp: it travels behind its sequence number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

/* Descriptors of one pair: the client's ends and the server's. */
struct chan {
	int client_out, client_in;
	int server_in, server_out;
	bool socket;
};

/* Bytes on the wire for a request of @size: a seq word if no stamp fits. */
static size_t wire_size(size_t size)
{
	return size < sizeof(uint32_t) ? sizeof(uint32_t) + size : size;
}

static int chan_setup(struct run *r, bool socket)
{
	struct chan *ch = calloc(r->pairs, sizeof(*ch));
	int i, a[2], b[2];

	if (!ch)
		return bench_fail("out of memory");
	r->priv = ch;
	for (i = 0; i < r->pairs; i++)
		ch[i] = (struct chan){ -1, -1, -1, -1, socket };
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

/* The server's read of one request: one call unless a signal cuts it. */
static int chan_read(const struct chan *ch, unsigned char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (!ch->socket)
		return full_io(ch->server_in, buf, len, false);
	while (done < len) {
		n = recv(ch->server_in, buf + done, len - done, MSG_WAITALL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bench_fail("recv: %s", strerror(errno));
		if (n == 0)
			return bench_fail("recv: end of file");
		done += n;
	}
	return 0;
}

static int chan_serve(struct server *s, int ready_fd)
{
	const struct chan *ch = &((struct chan *)s->r->priv)[s->pair];
	size_t size = s->r->size, wire = wire_size(size);
	enum op op = s->r->wl == WL_STREAM ? OP_ONEWAY : OP_CALL;
	unsigned char *msg = malloc(wire);
	uint32_t seq, reply;

	if (!msg)
		return bench_fail("out of memory");
	if (signal_ready(ready_fd))
		return -1;
	for (;;) {
		if (chan_read(ch, msg, wire))
			return -1;
		/* The seq word, or the payload's first stamp. */
		memcpy(&seq, msg, sizeof(seq));
		if (op == OP_ONEWAY) {
			if (server_oneway(s, CODE(op, seq), msg + wire - size,
					  size))
				return -1;
			continue;
		}
		if (server_call(s, CODE(op, seq), msg + wire - size, size,
				&reply) ||
		    full_io(ch->server_out, &reply, sizeof(reply), true))
			return -1;
	}
}

static int chan_connect(struct client *c)
{
	c->priv = &((struct chan *)c->r->priv)[c->pair];
	return 0;
}

/* One write() per request; a seq word goes in the headroom if it must. */
static int chan_write(struct client *c)
{
	const struct chan *ch = c->priv;
	size_t wire = wire_size(c->r->size);

	if (wire != c->r->size)
		memcpy(c->buf - sizeof(c->seq), &c->seq, sizeof(c->seq));
	return full_io(ch->client_out, c->buf + c->r->size - wire, wire, true);
}

static int chan_call(struct client *c)
{
	const struct chan *ch = c->priv;
	uint32_t reply;

	if (chan_write(c) ||
	    full_io(ch->client_in, &reply, sizeof(reply), false))
		return -1;
	return client_check_reply(c, &reply, sizeof(reply));
}

static int chan_send(struct client *c)
{
	return chan_write(c);
}

const struct mech mech_pipe = {
	.name = "pipe",
	.what = "two pipes; the payload alone in one write(), one read() into the server's buffer",
	.setup = pipe_setup,
	.teardown = chan_teardown,
	.serve = chan_serve,
	.connect = chan_connect,
	.call = chan_call,
	.send = chan_send,
};

const struct mech mech_socketpair = {
	.name = "socketpair",
	.what = "AF_UNIX SOCK_STREAM socketpair; as the pipes, read with recv(MSG_WAITALL)",
	.setup = socket_setup,
	.teardown = chan_teardown,
	.serve = chan_serve,
	.connect = chan_connect,
	.call = chan_call,
	.send = chan_send,
};
