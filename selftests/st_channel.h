/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal channel party for the selftests, on the raw ABI: map both
 * parts, send into the own ring (one fixed chunk of the data area per
 * slot), take from the peer's ring, sleep with CHANNEL_WAIT. libsipc has
 * the real thing; this one exists so the driver is tested without it.
 */
#ifndef ST_CHANNEL_H
#define ST_CHANNEL_H

#include <stdatomic.h>

#include "sipc_test.h"

struct st_chan {
	int fd;
	__u32 id;
	int party;			/* 0 client, 1 server */
	struct sipc_channel_setup s;
	unsigned char *rw, *ro;
	const struct sipc_channel_header *hdr;
	struct sipc_channel_ctl *mine;
	const struct sipc_channel_ctl *peer;
	struct sipc_channel_slot *my_slots;
	const struct sipc_channel_slot *peer_slots;
	unsigned char *my_data;
	const unsigned char *peer_data;
};

static inline int st_chan_setup(int fd, unsigned long cmd,
				struct sipc_channel_setup *s)
{
	return st_err(ioctl(fd, cmd, s));
}

static inline int st_chan_create(int fd, __u32 slots, __u64 data_size,
				 struct sipc_channel_setup *s)
{
	memset(s, 0, sizeof(*s));
	s->slots = slots;
	s->data_size = data_size;
	return st_chan_setup(fd, SIPC_IOC_CHANNEL_CREATE, s);
}

static inline int st_chan_accept(int fd, __u32 id,
				 struct sipc_channel_setup *s)
{
	memset(s, 0, sizeof(*s));
	s->id = id;
	return st_chan_setup(fd, SIPC_IOC_CHANNEL_ACCEPT, s);
}

static inline int st_chan_close(int fd, __u32 id)
{
	return st_err(ioctl(fd, SIPC_IOC_CHANNEL_CLOSE, &id));
}

static inline int st_chan_kick(int fd, __u32 id)
{
	return st_err(ioctl(fd, SIPC_IOC_CHANNEL_KICK, &id));
}

/*
 * Every channel mapping this process made: a mapping keeps its device
 * file, so a test unmaps them all (st_chan_unmap_all()) before it checks
 * that everything is gone.
 */
#define ST_CHAN_MAPS	64
static struct { void *addr; size_t len; } st_chan_maps[ST_CHAN_MAPS];

static inline void *st_chan_mmap(int fd, __u64 off, __u64 size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_SHARED, fd, off);
	int i;

	for (i = 0; p != MAP_FAILED && i < ST_CHAN_MAPS; i++) {
		if (!st_chan_maps[i].addr) {
			st_chan_maps[i].addr = p;
			st_chan_maps[i].len = size;
			break;
		}
	}
	return p;
}

static inline void st_chan_unmap_all(void)
{
	int i;

	for (i = 0; i < ST_CHAN_MAPS; i++) {
		if (st_chan_maps[i].addr)
			munmap(st_chan_maps[i].addr, st_chan_maps[i].len);
		st_chan_maps[i].addr = NULL;
	}
}

/* Map both parts of a channel set up as @party; 0 or -errno. */
static inline int st_chan_map(int fd, int party,
			      const struct sipc_channel_setup *s,
			      struct st_chan *c)
{
	const struct sipc_channel_header *h;
	unsigned char *peer;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->id = s->id;
	c->party = party;
	c->s = *s;
	c->rw = st_chan_mmap(fd, s->rw_offset, s->rw_size,
			     PROT_READ | PROT_WRITE);
	if (c->rw == MAP_FAILED)
		return -errno;
	c->ro = st_chan_mmap(fd, s->ro_offset, s->ro_size, PROT_READ);
	if (c->ro == MAP_FAILED)
		return -errno;
	/* The client reads header, server part; the server client part, header. */
	h = (const void *)(party ? c->ro + s->rw_size : c->ro);
	peer = party ? c->ro : c->ro + 4096;
	c->hdr = h;
	c->mine = (void *)c->rw;
	c->peer = (const void *)peer;
	c->my_slots = (void *)(c->rw + h->slots_offset);
	c->peer_slots = (const void *)(peer + h->slots_offset);
	c->my_data = c->rw + h->data_offset;
	c->peer_data = peer + h->data_offset;
	return 0;
}

static inline int st_chan_wait(struct st_chan *c, __u32 tail, __u32 head,
			       __u32 timeout_ms)
{
	struct sipc_channel_wait w = {
		.id = c->id, .tail = tail, .head = head,
		.timeout_ms = timeout_ms,
	};

	return st_err(ioctl(c->fd, SIPC_IOC_CHANNEL_WAIT, &w));
}

static inline __u32 st_load(const __u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void st_store(__u32 *p, __u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* The chunk of the data area that slot @i's message uses. */
static inline __u64 st_chan_chunk(const struct st_chan *c)
{
	return c->hdr->data_size / c->hdr->slots;
}

/*
 * Sleep until the peer publishes or consumes something: the waiting
 * protocol of linux/sipc.h. 0, or -EPIPE, -ETIMEDOUT, -EINTR.
 */
static inline int st_chan_sleep(struct st_chan *c, __u32 tail, __u32 head,
				__u32 timeout_ms)
{
	int ret = 0;

	st_store(&c->mine->waiting, 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (st_load(&c->peer->tail) == tail && st_load(&c->peer->head) == head)
		ret = st_chan_wait(c, tail, head, timeout_ms);
	st_store(&c->mine->waiting, 0);
	return ret;
}

/* Publish one message (waiting for room); kick a sleeping peer. */
static inline int st_chan_send(struct st_chan *c, __u32 code, __u64 cookie,
			       const void *data, size_t len)
{
	__u32 tail = c->mine->tail, slots = c->hdr->slots;
	struct sipc_channel_slot *sl = &c->my_slots[tail % slots];
	__u64 off = (tail % slots) * st_chan_chunk(c);
	int ret;

	if (len > st_chan_chunk(c))
		return -EMSGSIZE;
	while (tail - st_load(&c->peer->head) >= slots) {
		ret = st_chan_sleep(c, st_load(&c->peer->tail),
				    st_load(&c->peer->head), 0);
		if (ret)
			return ret;
	}
	memcpy(c->my_data + off, data, len);
	sl->offset = off;
	sl->size = len;
	sl->code = code;
	sl->flags = 0;
	sl->cookie = cookie;
	st_store(&c->mine->tail, tail + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (st_load(&c->peer->waiting))
		return st_chan_kick(c->fd, c->id);
	return 0;
}

/*
 * Take the peer's next message into @sl (checked against the data area)
 * and give its slot back; waits up to @timeout_ms (0: forever).
 */
static inline int st_chan_recv(struct st_chan *c,
			       struct sipc_channel_slot *sl,
			       __u32 timeout_ms)
{
	__u32 head = c->mine->head;
	int ret;

	while (st_load(&c->peer->tail) == head) {
		if (st_load(&c->hdr->state) == SIPC_CHANNEL_DEAD)
			return -EPIPE;
		ret = st_chan_sleep(c, head, st_load(&c->peer->head),
				    timeout_ms);
		if (ret && st_load(&c->peer->tail) == head)
			return ret;
	}
	*sl = c->peer_slots[head % c->hdr->slots];
	if (sl->offset > c->hdr->data_size ||
	    sl->size > c->hdr->data_size - sl->offset)
		return -EBADMSG;
	st_store(&c->mine->head, head + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (st_load(&c->peer->waiting))
		st_chan_kick(c->fd, c->id);
	return 0;
}

/* The SIPC_OBJ_CHANNEL object offering @id, and its offset array. */
static inline struct sipc_object st_obj_channel(__u32 id)
{
	struct sipc_object o = { .type = SIPC_OBJ_CHANNEL };

	o.channel = id;
	return o;
}

#endif /* ST_CHANNEL_H */
