// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: channels. After one ordinary call sets it up, a client and a
 * service exchange requests and replies through two rings in memory the
 * driver maps into both (see linux/sipc.h), with no system call while
 * the other side keeps up: a waiting side spins a while, adaptively, and
 * only then sleeps in SIPC_IOC_CHANNEL_WAIT. A request is built in place
 * in the client's data area, read in place by the service, and the reply
 * likewise the other way.
 *
 * Each side writes only its own part; everything read from the peer's is
 * checked first, into a local copy (the peer may change its part at any
 * time): a slot's offset and size against the data area, indices against
 * what could be outstanding. A peer that breaks the rules spoils its own
 * channel (-EPROTO) and nothing else.
 */
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "libsipc.h"

#define CHANNEL_DEFAULT_SLOTS	64
#define CHANNEL_DEFAULT_DATA	(1024 * 1024)
#define CHANNEL_DEFAULT_SPIN_US	100
/* Every so many waits, spin anyway: has spinning started to pay again? */
#define CHANNEL_PROBE_EVERY	64
/* Requests up to this size are written soon enough for an early wake. */
#define CHANNEL_PREWAKE_MAX	(128 * 1024)

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static __u32 load_acquire(const __u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(__u32 *p, __u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static bool is_dead(const struct sipc_channel *ch)
{
	return load_acquire(&ch->hdr->state) == SIPC_CHANNEL_DEAD;
}

/* ---- mapping ---- */

static int channel_map(struct sipc_channel *ch,
		       const struct sipc_channel_setup *su)
{
	const struct sipc_channel_header *h;
	const unsigned char *peer;

	ch->rw = mmap(NULL, su->rw_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      ch->s->fd, (off_t)su->rw_offset);
	if (ch->rw == MAP_FAILED) {
		ch->rw = NULL;
		return -errno;
	}
	ch->rw_size = su->rw_size;
	ch->ro = mmap(NULL, su->ro_size, PROT_READ, MAP_SHARED, ch->s->fd,
		      (off_t)su->ro_offset);
	if (ch->ro == MAP_FAILED) {
		ch->ro = NULL;
		return -errno;
	}
	ch->ro_size = su->ro_size;
	/*
	 * The client reads the header, the server's part (and the guard
	 * page); the server reads the client's part, then the header.
	 */
	if (ch->party == SIPC_CHANNEL_PARTY_CLIENT) {
		h = ch->ro;
		peer = (const unsigned char *)ch->ro + getpagesize();
	} else {
		h = (const void *)((const unsigned char *)ch->ro + su->rw_size);
		peer = ch->ro;
	}
	if (h->magic != SIPC_CHANNEL_MAGIC || h->part_size != su->rw_size ||
	    h->slot_size != sizeof(struct sipc_channel_slot))
		return -EPROTO;
	ch->hdr = h;
	ch->slots = h->slots;
	ch->data_size = h->data_size;
	ch->mine = ch->rw;
	ch->peer = (const void *)peer;
	ch->my_slots = (void *)((unsigned char *)ch->rw + h->slots_offset);
	ch->peer_slots = (const void *)(peer + h->slots_offset);
	ch->my_data = (unsigned char *)ch->rw + h->data_offset;
	ch->peer_data = peer + h->data_offset;
	ch->ends = calloc(ch->slots, sizeof(*ch->ends));
	return ch->ends ? 0 : -ENOMEM;
}

static void channel_free(struct sipc_channel *ch)
{
	if (ch->rw)
		munmap(ch->rw, ch->rw_size);
	if (ch->ro)
		munmap(ch->ro, ch->ro_size);
	/* The in-place parcels' memory was the area's, not the heap's. */
	ch->out.buf = NULL;
	sipc_parcel_fini(&ch->out);
	sipc_parcel_fini(&ch->in);
	free(ch->ends);
	free(ch);
}

static struct sipc_channel *channel_alloc(struct sipc *s, int party,
					  unsigned int spin_us)
{
	struct sipc_channel *ch = calloc(1, sizeof(*ch));

	if (!ch)
		return NULL;
	ch->s = s;
	ch->party = party;
	ch->spin_max_ns = (__u64)(spin_us ? spin_us : CHANNEL_DEFAULT_SPIN_US)
			  * 1000;
	sipc_parcel_init(&ch->out);
	sipc_parcel_init(&ch->in);
	return ch;
}

/* ---- waiting: spin while it pays, then sleep in the driver ---- */

/*
 * How long to spin: up to twice the waits seen lately, when they were
 * short enough to be worth it; not at all when they were not, except for
 * an occasional probe. Nor where the peer last waited on the CPU we run
 * on: it cannot answer while we spin there.
 */
/* The CPU we run on, as sipc_channel_ctl.cpu says it: plus one, 0 unknown. */
static __u32 my_cpu(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : (__u32)cpu + 1;
}

static bool peer_shares_cpu(const struct sipc_channel *ch, __u32 here)
{
	return here && load_acquire(&ch->peer->cpu) == here;
}

static __u64 spin_budget(struct sipc_channel *ch)
{
	__u32 here = my_cpu();

	ch->mine->cpu = here;
	if (peer_shares_cpu(ch, here))
		return 0;
	if (ch->wait_avg_ns <= ch->spin_max_ns)
		return ch->wait_avg_ns * 2 < ch->spin_max_ns ?
		       ch->wait_avg_ns * 2 + 1000 : ch->spin_max_ns;
	return ++ch->probe % CHANNEL_PROBE_EVERY ? 0 : ch->spin_max_ns;
}

/*
 * A wait's length goes into the average; but a probe that found work
 * stands for itself. Waits that end in a sleep are long because of the
 * sleep (and the peer's, which it caused), so once both sides sleep the
 * average alone would keep them sleeping.
 */
static void note_wait(struct sipc_channel *ch, __u64 waited, bool spun)
{
	if (spun && ch->wait_avg_ns > ch->spin_max_ns)
		ch->wait_avg_ns = waited;
	else
		ch->wait_avg_ns = (ch->wait_avg_ns * 7 + waited) / 8;
}

/*
 * A publish or a give-back owes the peer a kick, should it sleep. The
 * debt is paid before a spin, or by the sleep that follows it in the same
 * system call (SIPC_CHANNEL_WAIT_KICK), or when a one-way is sent: where
 * neither side spins, a round trip is then one call per side. (A client's
 * give-back of a reply may wait for its next request: release_reply().)
 */
static void owe_kick(struct sipc_channel *ch)
{
	ch->kick_owed = true;
}

/* Settle the debt: true if the peer may sleep and needs the kick. */
static bool kick_due(struct sipc_channel *ch)
{
	if (!ch->kick_owed)
		return false;
	ch->kick_owed = false;
	/* Pairs with the sleeper's barrier between its word and our tail. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load_acquire(&ch->peer->waiting);
}

static void pay_kick(struct sipc_channel *ch)
{
	if (kick_due(ch))
		ioctl(ch->s->fd, SIPC_IOC_CHANNEL_KICK, &ch->id);
}

static int sleep_once(struct sipc_channel *ch,
		      bool (*ready)(const struct sipc_channel *ch))
{
	struct sipc_channel_wait w = { .id = ch->id };
	int ret = 0;

	store_release(&ch->mine->waiting, 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	w.tail = load_acquire(&ch->peer->tail);
	w.head = load_acquire(&ch->peer->head);
	if (!ready(ch) && !is_dead(ch)) {
		if (kick_due(ch))
			w.flags = SIPC_CHANNEL_WAIT_KICK;
		ret = sipc_ioctl_err(ioctl(ch->s->fd, SIPC_IOC_CHANNEL_WAIT,
					   &w));
	}
	store_release(&ch->mine->waiting, 0);
	return ret == -EINTR ? 0 : ret;
}

/* Wait until @ready: 0, or -EPIPE once the channel died without it. */
static int await_ready(struct sipc_channel *ch,
		       bool (*ready)(const struct sipc_channel *ch))
{
	__u64 start, budget;
	int ret;

	if (ready(ch))
		return 0;
	start = now_ns();
	budget = spin_budget(ch);
	if (budget)
		pay_kick(ch);
	while (now_ns() - start < budget) {
		if (ready(ch)) {
			ch->mine->spins_won++;
			note_wait(ch, now_ns() - start, true);
			return 0;
		}
		/* The clock read between two looks paces the spin. */
		if (is_dead(ch))
			return -EPIPE;
	}
	if (budget)
		ch->mine->spins_lost++;
	for (;;) {
		if (ready(ch))
			break;
		if (is_dead(ch))
			return -EPIPE;
		ret = sleep_once(ch, ready);
		if (ret && ret != -ETIMEDOUT && !ready(ch))
			return ret;
	}
	note_wait(ch, now_ns() - start, false);
	return 0;
}

/* await_ready(), leaving no kick owed whichever way it ends. */
static int channel_await(struct sipc_channel *ch,
			 bool (*ready)(const struct sipc_channel *ch))
{
	int ret = await_ready(ch, ready);

	pay_kick(ch);
	return ret;
}

/* ---- the own ring: slots and data ---- */

/*
 * What the peer has given back of our ring frees its data: bytes are
 * counted from the start (monotonic), so a message at count c sits at
 * c % data_size. A head that runs ahead of our tail is the peer's lie.
 */
static int reclaim(struct sipc_channel *ch)
{
	__u32 head = load_acquire(&ch->peer->head);

	if (head - ch->reclaimed > ch->mine->tail - ch->reclaimed) {
		ch->broken = true;
		return -EPROTO;
	}
	while (ch->reclaimed != head) {
		ch->freed = ch->ends[ch->reclaimed % ch->slots];
		ch->reclaimed++;
	}
	return 0;
}

/* Where @len contiguous bytes would start now, or -1. */
static long long data_fit(struct sipc_channel *ch, size_t len)
{
	__u64 at = ch->alloc, d = ch->data_size;

	if (at % d + len > d)
		at += d - at % d;	/* no message wraps: skip the tail */
	if (at + len - ch->freed > d)
		return -1;
	return (long long)at;
}

/*
 * The most contiguous bytes a message could have now: the free run from
 * the allocation point to the end of the area or to the oldest message
 * still out, or, skipping that end, the free run at the start.
 */
static size_t data_room(const struct sipc_channel *ch)
{
	__u64 d = ch->data_size, a = ch->alloc % d, f = ch->freed % d;

	if (ch->alloc - ch->freed == d)
		return 0;
	if (a >= f)
		return d - a > f ? d - a : f;
	return f - a;
}

/* The peer gave back slots (and their data) since we last looked. */
static bool head_moved(const struct sipc_channel *ch)
{
	return load_acquire(&ch->peer->head) != ch->reclaimed;
}

static bool slot_free(const struct sipc_channel *ch)
{
	return ch->mine->tail - ch->reclaimed < ch->slots;
}

/*
 * Reclaim what the peer gave back; with nothing of ours outstanding, the
 * next message starts at the data area's start, where it has all of it.
 */
static int reclaim_all(struct sipc_channel *ch)
{
	__u64 d = ch->data_size;
	int ret = reclaim(ch);

	if (!ret && ch->alloc == ch->freed && ch->alloc % d) {
		ch->alloc += d - ch->alloc % d;
		ch->freed = ch->alloc;
	}
	return ret;
}

/* Wait until @len bytes and a slot are free; their count in *@at. */
static int reserve(struct sipc_channel *ch, size_t len, __u64 *at)
{
	long long pos;
	int ret;

	if (len > ch->data_size)
		return -EMSGSIZE;
	for (;;) {
		ret = reclaim_all(ch);
		if (ret)
			return ret;
		pos = data_fit(ch, len);
		if (pos >= 0 && slot_free(ch)) {
			*at = (__u64)pos;
			return 0;
		}
		ret = channel_await(ch, head_moved);
		if (ret)
			return ret;
	}
}

/* Publish the message at count @at of @len bytes. */
static void publish(struct sipc_channel *ch, __u64 at, size_t len,
		    __u32 code, __u32 flags, __u64 cookie)
{
	__u32 tail = ch->mine->tail;
	struct sipc_channel_slot *sl = &ch->my_slots[tail % ch->slots];

	sl->offset = at % ch->data_size;
	sl->size = len;
	sl->code = code;
	sl->flags = flags;
	sl->cookie = cookie;
	ch->alloc = at + len;
	ch->ends[tail % ch->slots] = ch->alloc;
	store_release(&ch->mine->tail, tail + 1);
	owe_kick(ch);
}

/*
 * @p's payload as a message: in place when @p is the channel's own
 * parcel (built in its data area), else copied in. Channels carry bytes
 * only: no handles, nodes or descriptors.
 */
static int put_message(struct sipc_channel *ch, struct sipc_parcel *p,
		       __u32 code, __u32 flags, __u64 cookie)
{
	size_t len = p ? p->size + p->ref_bytes : 0;
	__u64 at;
	int ret;

	if (ch->broken)
		return -EPROTO;
	if (is_dead(ch))
		return -EPIPE;
	if (p && p->error)
		return p->error;
	if (p && (p->nr_offs || sipc_parcel_has_res(p)))
		return -EINVAL;
	if (p == &ch->out) {
		at = ch->out_at;
		ch->out_at = 0;
		if (!ch->out_ready)
			return -EINVAL;
		ch->out_ready = false;
	} else {
		ret = reserve(ch, len, &at);
		if (ret)
			return ret;
		if (len)
			sipc_parcel_copy_whole(p, ch->my_data + at % ch->data_size);
	}
	publish(ch, at, len, code, flags, cookie);
	return 0;
}

/* ---- the peer's ring ---- */

static bool has_message(const struct sipc_channel *ch)
{
	return load_acquire(&ch->peer->tail) != ch->mine->head;
}

/* The peer's next message, checked, into *@sl (not given back yet). */
static int take(struct sipc_channel *ch, struct sipc_channel_slot *sl)
{
	__u32 head = ch->mine->head;
	int ret;

	if (ch->broken)
		return -EPROTO;
	ret = channel_await(ch, has_message);
	if (ret)
		return ret;
	if (load_acquire(&ch->peer->tail) - head > ch->slots) {
		ch->broken = true;
		return -EPROTO;
	}
	memcpy(sl, &ch->peer_slots[head % ch->slots], sizeof(*sl));
	if (sl->offset > ch->data_size || sl->size > ch->data_size - sl->offset) {
		ch->broken = true;
		return -EPROTO;
	}
	return 0;
}

/* Give the message taken back to its writer. */
static void give_back(struct sipc_channel *ch)
{
	store_release(&ch->mine->head, ch->mine->head + 1);
	owe_kick(ch);
}

/* ---- the client ---- */

static int channel_offer(struct sipc_handle *h, struct sipc_channel *ch)
{
	struct sipc_object obj = { .type = SIPC_OBJ_CHANNEL };
	struct sipc_parcel *req = sipc_parcel_new();
	int ret;

	if (!req)
		return -ENOMEM;
	obj.channel = ch->id;
	ret = sipc_parcel_put_object(req, &obj);
	if (!ret)
		ret = sipc_call(h, SIPC_CODE_CHANNEL_OPEN, req, NULL);
	sipc_parcel_free(req);
	return ret;
}

SIPC_EXPORT int sipc_channel_open(struct sipc_handle *h,
				  const struct sipc_channel_opts *opts,
				  struct sipc_channel **out)
{
	struct sipc_channel_setup su = { 0 };
	struct sipc_channel *ch;
	int ret;

	if (!h || !out)
		return -EINVAL;
	ch = channel_alloc(h->s, SIPC_CHANNEL_PARTY_CLIENT,
			   opts ? opts->spin_us : 0);
	if (!ch)
		return -ENOMEM;
	su.slots = opts && opts->slots ? opts->slots : CHANNEL_DEFAULT_SLOTS;
	su.data_size = opts && opts->data_size ? opts->data_size :
		       CHANNEL_DEFAULT_DATA;
	ret = sipc_ioctl_err(ioctl(h->s->fd, SIPC_IOC_CHANNEL_CREATE, &su));
	if (ret) {
		channel_free(ch);
		return ret;
	}
	ch->id = su.id;
	ret = channel_map(ch, &su);
	if (!ret)
		ret = channel_offer(h, ch);
	if (ret) {
		/* Refused (or never offered): close our end of it. */
		sipc_channel_close(ch);
		return ret > 0 ? -ECONNREFUSED : ret;
	}
	*out = ch;
	return 0;
}

/*
 * Point @p, emptied, at the largest free run of our data area, once a
 * slot and half the area (at least) are free, waiting for them: the
 * parcel is then built in place, and put_message() publishes it where it
 * stands. Half: a stream's next message is built while the last is read.
 */
static int open_in_place(struct sipc_channel *ch, struct sipc_parcel *p)
{
	int ret;

	p->buf = NULL;
	sipc_parcel_reset(p);
	p->fixed = true;
	p->cap = 0;
	ch->out_ready = false;
	for (;;) {
		ret = reclaim_all(ch);
		if (!ret && slot_free(ch) && data_room(ch) >= ch->data_size / 2)
			break;
		if (!ret)
			ret = channel_await(ch, head_moved);
		if (ret)
			return sipc_parcel_fail(p, ret);
	}
	p->cap = data_room(ch);
	ch->out_at = (__u64)data_fit(ch, p->cap);
	p->buf = ch->my_data + ch->out_at % ch->data_size;
	p->data = p->buf;
	ch->out_ready = true;
	return 0;
}

/*
 * The reply held from the last call goes back to the server. A server
 * asleep on another CPU is woken now, while the next request is written,
 * so that it is up when the request comes, if the last request was small
 * enough to be written by then (measured: split 64 KiB round trips keep
 * their spinning speed; 1 MiB ones only lose by it). One on our CPU
 * could only take the CPU from us: its kick waits for the request's.
 */
static void release_reply(struct sipc_channel *ch)
{
	if (!ch->holding)
		return;
	ch->holding = false;
	give_back(ch);
	if (ch->last_request <= CHANNEL_PREWAKE_MAX &&
	    !peer_shares_cpu(ch, my_cpu()))
		pay_kick(ch);
}

SIPC_EXPORT struct sipc_parcel *sipc_channel_request(struct sipc_channel *ch)
{
	release_reply(ch);
	open_in_place(ch, &ch->out);
	return &ch->out;
}

SIPC_EXPORT void sipc_channel_done(struct sipc_channel *ch)
{
	release_reply(ch);
}

SIPC_EXPORT int sipc_channel_call(struct sipc_channel *ch, uint32_t code,
				  struct sipc_parcel *req,
				  struct sipc_parcel *reply)
{
	struct sipc_channel_slot sl;
	__u64 cookie;
	int ret;

	if (!ch || ch->party != SIPC_CHANNEL_PARTY_CLIENT)
		return -EINVAL;
	if (req != &ch->out)
		release_reply(ch);
	cookie = ++ch->next_cookie;
	ch->last_request = req ? req->size + req->ref_bytes : 0;
	ret = put_message(ch, req, code, 0, cookie);
	if (ret)
		return ret;
	ret = take(ch, &sl);
	if (ret)
		return ret;
	/* Replies come in order: anything else is the server's fault. */
	if (sl.cookie != cookie || sl.flags) {
		ch->broken = true;
		return -EPROTO;
	}
	ch->holding = true;
	if (reply)
		sipc_parcel_from_bytes(reply, ch->peer_data + sl.offset,
				       sl.size, NULL, 0);
	else
		release_reply(ch);
	return (int)sl.code;
}

SIPC_EXPORT int sipc_channel_send_oneway(struct sipc_channel *ch,
					 __u32 code,
					 struct sipc_parcel *req)
{
	int ret;

	if (!ch || ch->party != SIPC_CHANNEL_PARTY_CLIENT)
		return -EINVAL;
	ret = put_message(ch, req, code, SIPC_CHANNEL_ONEWAY, 0);
	pay_kick(ch);
	return ret;
}

SIPC_EXPORT void sipc_channel_close(struct sipc_channel *ch)
{
	if (!ch)
		return;
	/* Once only: the id may be another channel's by now. */
	if (ch->id && !ch->closed)
		ioctl(ch->s->fd, SIPC_IOC_CHANNEL_CLOSE, &ch->id);
	channel_free(ch);
}

/* ---- the service ---- */

/* Serve one request: its reply built in place in our data area. */
static int serve_one(struct sipc_channel *ch,
		     const struct sipc_channel_slot *sl)
{
	bool oneway = sl->flags & SIPC_CHANNEL_ONEWAY;
	struct sipc_txn txn = {
		.code = sl->code,
		.flags = oneway ? SIPC_EVF_ONEWAY : 0,
		.sender_pid = ch->peer_pid,
		.sender_euid = ch->peer_euid,
		.request = &ch->in,
	};
	struct sipc_parcel *reply = &ch->out;
	int status, ret;

	sipc_parcel_from_bytes(&ch->in, ch->peer_data + sl->offset, sl->size,
			       NULL, 0);
	if (!oneway) {
		ret = open_in_place(ch, reply);
		if (ret)
			return ret;
	}
	status = ch->node->handler(ch->node, &txn, reply);
	sipc_parcel_reset(&ch->in);
	/* The request is done with: its room goes back before the reply. */
	give_back(ch);
	if (oneway)
		return 0;
	if (reply->error || reply->nr_offs) {
		status = reply->error ? reply->error : -EINVAL;
		reply->size = 0;
	}
	ch->out_ready = false;
	publish(ch, ch->out_at, reply->size, (__u32)status, 0, sl->cookie);
	return 0;
}

static void *serve_main(void *arg)
{
	struct sipc_channel *ch = arg;
	struct sipc_channel_slot sl;

	if (ch->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(ch->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	while (!take(ch, &sl) && !serve_one(ch, &sl))
		;
	atomic_store(&ch->finished, true);
	return NULL;
}

/* Join and free the served channels whose threads ended (s->lock held). */
static void reap_finished(struct sipc *s, bool all)
{
	struct sipc_channel **pp = &s->served, *ch;

	while ((ch = *pp)) {
		if (!all && !atomic_load(&ch->finished)) {
			pp = &ch->next;
			continue;
		}
		*pp = ch->next;
		/* The close wakes its thread with EPIPE. */
		if (all) {
			ioctl(s->fd, SIPC_IOC_CHANNEL_CLOSE, &ch->id);
			ch->closed = true;
		}
		pthread_join(ch->thread, NULL);
		sipc_node_put(ch->node);
		sipc_channel_close(ch);
	}
}

/* sipc_close(): end every channel served here and join its thread. */
void sipc_channels_stop(struct sipc *s)
{
	pthread_mutex_lock(&s->lock);
	reap_finished(s, true);
	pthread_mutex_unlock(&s->lock);
}

static int accept_offer(struct sipc_channel *ch, __u32 id)
{
	struct sipc_channel_setup su = { .id = id };
	int ret;

	ch->id = id;
	ret = sipc_ioctl_err(ioctl(ch->s->fd, SIPC_IOC_CHANNEL_ACCEPT, &su));
	return ret ? ret : channel_map(ch, &su);
}

/* Is there a thread for one more of @euid's channels on @n? (s->lock) */
static int room_to_serve(struct sipc *s, struct sipc_node *n, uid_t euid)
{
	unsigned int all = 0, users = 0;
	struct sipc_channel *ch;

	reap_finished(s, false);
	for (ch = s->served; ch; ch = ch->next) {
		if (ch->node != n)
			continue;
		all++;
		users += ch->peer_euid == euid;
	}
	return all < n->channel_max && users < n->channel_max_per_user ?
	       0 : -EBUSY;
}

/*
 * Take the offer @id and start @ch's thread (s->lock held). The id is
 * claimed from the request first, so that exactly one side closes it
 * whatever fails: @ch from then on, the request's drop before.
 */
static int start_serving(struct sipc_channel *ch, struct sipc_node *n,
			 const struct sipc_txn *txn, __u32 id)
{
	struct sipc *s = n->s;
	int ret;

	ret = sipc_parcel_add_res(txn->request, SIPC_RES_CHANNEL, (int)id,
				  NULL, 0);
	if (!ret)
		ret = accept_offer(ch, id);
	if (ret)
		return ret;
	atomic_fetch_add(&n->refs, 1);
	ch->node = n;
	ret = -pthread_create(&ch->thread, NULL, serve_main, ch);
	if (ret) {
		ch->node = NULL;
		sipc_node_put(n);
		return ret;
	}
	ch->next = s->served;
	s->served = ch;
	return 0;
}

/*
 * A SIPC_CODE_CHANNEL_OPEN call to @n: take the channel it offers and
 * serve it on a thread of its own. The status is the call's reply. The
 * count and the start are one step under s->lock, so that looper threads
 * taking offers at once cannot pass the limits together.
 */
int sipc_channel_accept_call(struct sipc_node *n, const struct sipc_txn *txn)
{
	struct sipc *s = n->s;
	struct sipc_channel *ch;
	struct sipc_object obj;
	int ret;

	/* Refused, the offer is closed with the request (drop_object()). */
	if (!n->serves_channels)
		return -EOPNOTSUPP;
	ret = sipc_parcel_get_object(txn->request, &obj);
	if (ret || obj.type != SIPC_OBJ_CHANNEL)
		return -EINVAL;
	ch = channel_alloc(s, SIPC_CHANNEL_PARTY_SERVER, n->channel_spin_us);
	if (!ch)
		return -ENOMEM;
	ch->cpu = n->channel_cpu;
	ch->peer_pid = txn->sender_pid;
	ch->peer_euid = txn->sender_euid;
	pthread_mutex_lock(&s->lock);
	ret = room_to_serve(s, n, txn->sender_euid);
	if (!ret)
		ret = start_serving(ch, n, txn, obj.channel);
	pthread_mutex_unlock(&s->lock);
	if (ret)
		sipc_channel_close(ch);
	return ret;
}

SIPC_EXPORT int sipc_node_serve_channels(struct sipc_node *n,
					 const struct sipc_channel_serve_opts *opts)
{
	if (!n)
		return -EINVAL;
	if (opts && opts->cpu >= CPU_SETSIZE)
		return -EINVAL;
	n->channel_cpu = opts ? opts->cpu : -1;
	n->channel_spin_us = opts ? opts->spin_us : 0;
	n->channel_max = opts && opts->max_channels ? opts->max_channels :
			 SIPC_CHANNEL_SERVE_MAX;
	n->channel_max_per_user = opts && opts->max_per_user ?
				  opts->max_per_user :
				  SIPC_CHANNEL_SERVE_MAX_PER_USER;
	n->serves_channels = true;
	return 0;
}
