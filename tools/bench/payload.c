// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: what a request holds and how each end checks it.
 *
 * A request is a fixed byte pattern with the request's 32-bit sequence
 * number stamped at the start of every 4 KiB and in its last 4 bytes; the
 * transaction code repeats the operation and the sequence number. The
 * server checks every byte of every warm-up request (and of every request
 * with --check-all), and the stamps of the rest: each measured request is
 * proven to be the right one, fully arrived, without a full read of 1 MiB
 * turning the benchmark into a memcmp benchmark. The reply is 4 bytes, the
 * sequence number xor REPLY_MAGIC, checked by the client.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define STAMP_STRIDE	4096

void payload_fill(unsigned char *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = (unsigned char)(i * 131 + 7);
}

void payload_stamp(unsigned char *p, size_t size, uint32_t seq)
{
	size_t off;

	if (size < sizeof(seq))
		return;
	for (off = 0; off + sizeof(seq) <= size; off += STAMP_STRIDE)
		memcpy(p + off, &seq, sizeof(seq));
	memcpy(p + size - sizeof(seq), &seq, sizeof(seq));
}

/* --touch-all: write every byte of request @seq to @to. */
void payload_produce(unsigned char *to, const unsigned char *tmpl,
		     size_t size, uint32_t seq)
{
	memcpy(to, tmpl, size);
	payload_stamp(to, size, seq);
}

/* --touch-all: read every byte, as a server that uses them all would. */
static volatile uint64_t read_all_sink;

static void read_all(const unsigned char *p, size_t size)
{
	uint64_t sum = 0, w;
	size_t i;

	for (i = 0; i + 8 <= size; i += 8) {
		memcpy(&w, p + i, 8);
		sum += w;
	}
	for (; i < size; i++)
		sum += p[i];
	read_all_sink = sum;
}

static int stamps_ok(const unsigned char *p, size_t size, uint32_t seq)
{
	size_t off;
	uint32_t v;

	if (size < sizeof(seq))
		return 1;
	for (off = 0; off + sizeof(seq) <= size; off += STAMP_STRIDE) {
		memcpy(&v, p + off, sizeof(v));
		if (v != seq)
			return 0;
	}
	memcpy(&v, p + size - sizeof(v), sizeof(v));
	return v == seq;
}

uint32_t reply_value(uint32_t seq)
{
	return seq ^ REPLY_MAGIC;
}

int server_init(struct server *s, struct run *r, int pair)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->pair = pair;
	s->next = 1;
	s->expect = malloc(r->size + 1);
	if (!s->expect)
		return bench_fail("out of memory");
	payload_fill(s->expect, r->size);
	return 0;
}

/* Is this the request expected next, whole and right? */
static int check_request(struct server *s, enum op want, uint32_t code,
			 const void *data, size_t size)
{
	const struct run *r = s->r;
	uint32_t seq = s->next;

	if (CODE_OP(code) != want || CODE_SEQ(code) != (seq & 0xffffffu))
		return bench_fail("server: code %#x, expected %#x", code,
				  CODE(want, seq));
	if (size != r->size)
		return bench_fail("server: request %u has %zu bytes, not %zu",
				  seq, size, r->size);
	if (size && !data)
		return bench_fail("server: request %u has no data", seq);
	if (r->full_check || seq <= (uint32_t)r->warmup) {
		payload_stamp(s->expect, size, seq);
		if (memcmp(data, s->expect, size))
			return bench_fail("server: request %u is corrupt", seq);
	} else if (!stamps_ok(data, size, seq)) {
		return bench_fail("server: request %u has wrong stamps", seq);
	} else if (r->touch_all) {
		read_all(data, size);
	}
	s->next++;
	return 0;
}

int server_call(struct server *s, uint32_t code, const void *data,
		size_t size, uint32_t *reply)
{
	if (check_request(s, OP_CALL, code, data, size))
		return -1;
	*reply = reply_value(s->next - 1);
	return 0;
}

/* A one-way message; after the warm-up and after the last, tell the sender. */
int server_oneway(struct server *s, uint32_t code, const void *data,
		  size_t size)
{
	const struct run *r = s->r;
	uint32_t seq = s->next;

	if (check_request(s, OP_ONEWAY, code, data, size))
		return -1;
	if (seq == r->warmup || seq == r->warmup + r->iterations) {
		if (write(r->done_pipe[s->pair][1], &seq, sizeof(seq)) !=
		    sizeof(seq))
			return bench_fail("server: cannot report progress");
	}
	return 0;
}

int client_check_reply(const struct client *c, const void *data, size_t size)
{
	uint32_t v;

	if (size != sizeof(v) || !data)
		return bench_fail("client: reply %u has %zu bytes, not 4",
				  c->seq, size);
	memcpy(&v, data, sizeof(v));
	if (v != reply_value(c->seq))
		return bench_fail("client: reply %u is %#x, not %#x", c->seq,
				  v, reply_value(c->seq));
	return 0;
}
