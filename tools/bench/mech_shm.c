// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: the floor. Client and server share a mapping; the client
 * copies the payload into it once and the server reads it in place, with
 * futexes to sleep and wake. Round trips ping-pong one state word; one-way
 * streaming is a ring of fixed slots. Either way a side sleeps only when
 * it must and wakes the other only when that one sleeps (or is about to):
 * a flag says so, so that no FUTEX_WAKE is made for nobody.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define CTL_SIZE	4096

/* At the start of a page: each side's words on a cache line of their own. */
struct shm_ctl {
	/* Round trip: 2 * seq is a request, 2 * seq + 1 its reply. */
	uint32_t state;
	uint32_t code, size, reply;
	uint32_t srv_wait, cli_wait;	/* each side's "I sleep" */
	uint32_t pad0[10];
	/* Ring: messages written (head) and read (tail), each side's flag. */
	uint32_t head;
	uint32_t cons_wait;
	uint32_t pad1[14];
	uint32_t tail;
	uint32_t prod_wait;
	uint32_t pad2[14];
};

struct shm_slot_hdr {
	uint32_t code;
	uint32_t size;
};

static struct shm_ctl *pair_ctl(struct run *r, int pair)
{
	return (struct shm_ctl *)((char *)r->priv +
				  (size_t)pair * (CTL_SIZE + SERVER_AREA));
}

static unsigned char *pair_data(struct run *r, int pair)
{
	return (unsigned char *)pair_ctl(r, pair) + CTL_SIZE;
}

static size_t slot_stride(size_t size)
{
	return (sizeof(struct shm_slot_hdr) + size + 63) & ~(size_t)63;
}

static uint32_t nr_slots(size_t size)
{
	return SERVER_AREA / slot_stride(size);
}

static int shm_setup(struct run *r)
{
	void *p = mmap(NULL, (size_t)r->pairs * (CTL_SIZE + SERVER_AREA),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return bench_fail("mmap: %s", strerror(errno));
	r->priv = p;
	return 0;
}

static void shm_teardown(struct run *r)
{
	if (r->priv)
		munmap(r->priv, (size_t)r->pairs * (CTL_SIZE + SERVER_AREA));
	r->priv = NULL;
}

static uint32_t load(uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * Sleep until *@word differs from @old, telling the other side by @flag.
 * Yield once first: on one CPU that lets the other side fill (or drain)
 * the ring before we sleep, so that the two hand over in batches, not at
 * every message (a futex wake-up preempts the waker, where a pipe's does
 * not).
 */
static void wait_change(uint32_t *word, uint32_t old, uint32_t *flag)
{
	if (load(word) == old)
		sys_yield();
	while (load(word) == old) {
		store(flag, 1);
		fence();
		if (load(word) == old)
			futex_wait(word, old);
		store(flag, 0);
	}
}

/* Sleep until *@word is @want, telling the other side by @flag. */
static void wait_for(uint32_t *word, uint32_t want, uint32_t *flag)
{
	uint32_t v;

	while ((v = load(word)) != want) {
		store(flag, 1);
		fence();
		if (load(word) == v)
			futex_wait(word, v);
		store(flag, 0);
	}
}

/*
 * Set *@word to @v and wake the other side if its flag says it sleeps:
 * the fences order the flag against the word on both sides, so that
 * either the sleeper sees the new word or we see its flag.
 */
static void post(uint32_t *word, uint32_t v, uint32_t *flag)
{
	store(word, v);
	fence();
	if (load(flag))
		futex_wake(word, 1);
}

/*
 * Fault the ring's pages in before the clock starts: a page first touched
 * inside the measured phase would be counted against the floor. The
 * client writes (it is the ring's only writer until the first message).
 */
static void prefault(unsigned char *data, bool write)
{
	size_t off;

	for (off = 0; off < SERVER_AREA; off += 4096) {
		if (write)
			__atomic_store_n(data + off, 0, __ATOMIC_RELAXED);
		else
			__atomic_load_n(data + off, __ATOMIC_RELAXED);
	}
}

static int serve_ring(struct server *s, struct shm_ctl *ctl,
		      unsigned char *data)
{
	size_t size = s->r->size, stride = slot_stride(size);
	uint32_t n = nr_slots(size), t = 0;
	struct shm_slot_hdr hdr;
	unsigned char *slot;

	for (;;) {
		wait_change(&ctl->head, t, &ctl->cons_wait);
		slot = data + (size_t)(t % n) * stride;
		memcpy(&hdr, slot, sizeof(hdr));
		if (hdr.size != size)
			return bench_fail("server: slot of %u bytes", hdr.size);
		if (server_oneway(s, hdr.code, slot + sizeof(hdr), size))
			return -1;
		store(&ctl->tail, ++t);
		fence();
		if (load(&ctl->prod_wait))
			futex_wake(&ctl->tail, 1);
	}
}

static int shm_serve(struct server *s, int ready_fd)
{
	struct shm_ctl *ctl = pair_ctl(s->r, s->pair);
	unsigned char *data = pair_data(s->r, s->pair);
	uint32_t want;

	if (s->r->wl == WL_STREAM)
		prefault(data, false);
	if (signal_ready(ready_fd))
		return -1;
	if (s->r->wl == WL_STREAM)
		return serve_ring(s, ctl, data);
	for (;;) {
		want = 2 * s->next;
		wait_for(&ctl->state, want, &ctl->srv_wait);
		if (server_call(s, ctl->code, data, ctl->size, &ctl->reply))
			return -1;
		post(&ctl->state, want + 1, &ctl->cli_wait);
	}
}

static int shm_connect(struct client *c)
{
	c->priv = pair_ctl(c->r, c->pair);
	if (c->r->wl == WL_STREAM)
		prefault(pair_data(c->r, c->pair), true);
	return 0;
}

static int shm_call(struct client *c)
{
	struct shm_ctl *ctl = c->priv;

	memcpy(pair_data(c->r, c->pair), c->buf, c->r->size);
	ctl->code = CODE(OP_CALL, c->seq);
	ctl->size = c->r->size;
	post(&ctl->state, 2 * c->seq, &ctl->srv_wait);
	wait_for(&ctl->state, 2 * c->seq + 1, &ctl->cli_wait);
	return client_check_reply(c, &ctl->reply, sizeof(ctl->reply));
}

static int shm_send(struct client *c)
{
	struct shm_ctl *ctl = c->priv;
	size_t size = c->r->size;
	uint32_t n = nr_slots(size), h = ctl->head;
	struct shm_slot_hdr hdr = { CODE(OP_ONEWAY, c->seq), (uint32_t)size };
	unsigned char *slot;
	uint32_t t;

	/* Full: sleep until the reader moves the tail on. */
	while (h - (t = load(&ctl->tail)) >= n)
		wait_change(&ctl->tail, t, &ctl->prod_wait);
	slot = pair_data(c->r, c->pair) + (size_t)(h % n) * slot_stride(size);
	memcpy(slot, &hdr, sizeof(hdr));
	memcpy(slot + sizeof(hdr), c->buf, size);
	store(&ctl->head, h + 1);
	fence();
	if (load(&ctl->cons_wait))
		futex_wake(&ctl->head, 1);
	return 0;
}

const struct mech mech_shm = {
	.name = "shm-futex",
	.what = "shared mapping, payload copied in once and read in place, futex wait/wake",
	.max_size = SERVER_AREA / 4,	/* a few slots of SERVER_AREA */
	.setup = shm_setup,
	.teardown = shm_teardown,
	.serve = shm_serve,
	.connect = shm_connect,
	.call = shm_call,
	.send = shm_send,
};
