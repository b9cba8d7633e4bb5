// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: asynchronous calls. The driver sends them (SIPC_SEND_CALL_ASYNC)
 * and gives each an id; its end comes back as an SIPC_EV_ASYNC_REPLY to
 * whichever thread of ours takes it: sipc_dispatch() in an event loop, or
 * a looper. Here is the table of outstanding calls by id, which that
 * event is matched against, and their deadlines, in order.
 *
 * Deadlines are the library's: the driver's calls have none. An event loop
 * polls with sipc_next_timeout() and sipc_dispatch() expires what is due.
 * A looper blocks in the driver only while no deadline is pending; with
 * one, it polls the device and an eventfd for at most the time left, and
 * a call that brings an earlier deadline writes the eventfd and wakes the
 * loopers blocked in the driver (as sipc_stop() does), so no deadline is
 * missed. An expired or cancelled call is cancelled in the driver too,
 * which drops its late reply and frees its buffer there.
 *
 * Lock order: async_lock is taken alone; no callback runs under it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "libsipc.h"

struct sipc_pending {
	struct sipc *s;
	__u64 id;			/* the driver's */
	struct sipc_pending *next;	/* in its id bucket */
	/* In s->deadlines while it has one; deadline 0: none. */
	struct sipc_pending *dl_prev, *dl_next;
	__s64 deadline;		/* CLOCK_MONOTONIC, ns */
	bool done;			/* out of the table: ended or cancelled */
	sipc_reply_fn fn;
	void *data;
};

static __s64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__s64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static unsigned int id_bucket(__u64 id)
{
	return (unsigned int)(id % SIPC_HASH_BUCKETS);
}

int sipc_async_init(struct sipc *s)
{
	int ret = pthread_mutex_init(&s->async_lock, NULL);

	if (ret)
		return -ret;
	s->async_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->async_wake < 0) {
		ret = -errno;
		pthread_mutex_destroy(&s->async_lock);
		return ret;
	}
	return 0;
}

/* sipc_close(): calls still outstanding end without their callbacks. */
void sipc_async_fini(struct sipc *s)
{
	struct sipc_pending *p, *next;
	unsigned int i;

	for (i = 0; i < SIPC_HASH_BUCKETS; i++) {
		for (p = s->pending[i]; p; p = next) {
			next = p->next;
			free(p);
		}
		s->pending[i] = NULL;
	}
	close(s->async_wake);
	pthread_mutex_destroy(&s->async_lock);
}

/* async_lock held: into the deadline list, kept in order. */
static void deadline_insert(struct sipc *s, struct sipc_pending *p)
{
	struct sipc_pending **pp = &s->deadlines, *prev = NULL;

	/* Calls made with one timeout arrive in order: usually at the end. */
	while (*pp && (*pp)->deadline <= p->deadline) {
		prev = *pp;
		pp = &(*pp)->dl_next;
	}
	p->dl_prev = prev;
	p->dl_next = *pp;
	if (*pp)
		(*pp)->dl_prev = p;
	*pp = p;
	atomic_fetch_add(&s->nr_deadlines, 1);
}

/* async_lock held: @p leaves the table; the caller now owns it. */
static void pending_unlink(struct sipc *s, struct sipc_pending *p)
{
	struct sipc_pending **pp = &s->pending[id_bucket(p->id)];

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	if (p->deadline) {
		if (p->dl_prev)
			p->dl_prev->dl_next = p->dl_next;
		else
			s->deadlines = p->dl_next;
		if (p->dl_next)
			p->dl_next->dl_prev = p->dl_prev;
		atomic_fetch_sub(&s->nr_deadlines, 1);
	}
	p->done = true;
}

/* async_lock held: the outstanding call with @id, taken out, or NULL. */
static struct sipc_pending *pending_take(struct sipc *s, __u64 id)
{
	struct sipc_pending *p;

	for (p = s->pending[id_bucket(id)]; p; p = p->next) {
		if (p->id == id) {
			pending_unlink(s, p);
			return p;
		}
	}
	return NULL;
}

/* Tell the driver we gave @p up: a late reply is dropped there. */
static void driver_cancel(struct sipc *s, __u64 id)
{
	/* ENOENT: its event is ours already, and is dropped here. */
	ioctl(s->fd, SIPC_IOC_CALL_CANCEL, &id);
}

/* Wake loopers so they look at the deadlines again. */
static void wake_for_deadline(struct sipc *s)
{
	if (atomic_load(&s->loopers))
		sipc_wake_all(s);
}

SIPC_EXPORT int sipc_call_async(struct sipc_handle *h, uint32_t code,
				struct sipc_parcel *req, int timeout_ms,
				sipc_reply_fn fn, void *data,
				struct sipc_pending **out)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL_ASYNC,
		.handle = h->id,
		.code = code,
	};
	struct sipc *s = h->s;
	struct sipc_pending *p;
	bool earliest = false;
	int ret;

	if (out)
		*out = NULL;
	if (!fn)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->s = s;
	p->fn = fn;
	p->data = data;
	if (timeout_ms >= 0)
		p->deadline = now_ns() + (__s64)timeout_ms * 1000000;
	ret = sipc_request_send(h, &tr, req);
	if (ret) {
		free(p);
		return ret;
	}
	/*
	 * Sent under the lock: a looper that takes the reply at once finds
	 * the call in the table. The send never blocks.
	 */
	pthread_mutex_lock(&s->async_lock);
	ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT, &tr));
	if (!ret) {
		p->id = tr.ev.cookie;
		p->next = s->pending[id_bucket(p->id)];
		s->pending[id_bucket(p->id)] = p;
		if (p->deadline) {
			deadline_insert(s, p);
			earliest = s->deadlines == p;
		}
		if (out)
			*out = p;
	}
	pthread_mutex_unlock(&s->async_lock);
	if (ret) {
		free(p);
		return ret;
	}
	if (earliest)
		wake_for_deadline(s);
	return 0;
}

SIPC_EXPORT int sipc_call_cancel(struct sipc_pending *p)
{
	struct sipc *s = p->s;

	pthread_mutex_lock(&s->async_lock);
	if (p->done) {
		pthread_mutex_unlock(&s->async_lock);
		return -EALREADY;
	}
	pending_unlink(s, p);
	pthread_mutex_unlock(&s->async_lock);
	driver_cancel(s, p->id);
	free(p);
	return 0;
}

/*
 * An SIPC_EV_ASYNC_REPLY: run its call's callback with the reply read
 * through @reply, then let go of what the payload holds. The buffer is
 * the caller's to free (the server loop frees it with its next ioctl).
 */
void sipc_async_complete(struct sipc *s, const struct sipc_event *ev,
			 struct sipc_parcel *reply)
{
	struct sipc_pending *p;
	bool has_reply = !(ev->flags & SIPC_EVF_ASYNC_ERROR);

	if (has_reply) {
		sipc_parcel_set_received(reply, s, ev);
		reply->held = 0;
	}
	pthread_mutex_lock(&s->async_lock);
	p = pending_take(s, ev->cookie);
	pthread_mutex_unlock(&s->async_lock);
	/* Cancelled or timed out while its event was on its way: dropped. */
	if (p) {
		p->fn(p, (int)ev->code, has_reply ? reply : NULL, p->data);
		free(p);
	}
	if (has_reply)
		sipc_parcel_drop_res(reply);
}

/* Run the callbacks of calls whose deadline passed, with -ETIMEDOUT. */
void sipc_async_expire(struct sipc *s)
{
	struct sipc_pending *due = NULL, *p;
	__s64 now;

	if (!atomic_load(&s->nr_deadlines))
		return;
	now = now_ns();
	pthread_mutex_lock(&s->async_lock);
	while (s->deadlines && s->deadlines->deadline <= now) {
		p = s->deadlines;
		pending_unlink(s, p);
		p->next = due;
		due = p;
	}
	pthread_mutex_unlock(&s->async_lock);
	while (due) {
		p = due;
		due = p->next;
		driver_cancel(s, p->id);
		p->fn(p, -ETIMEDOUT, NULL, p->data);
		free(p);
	}
}

SIPC_EXPORT int sipc_next_timeout(struct sipc *s)
{
	__s64 left;

	if (!atomic_load(&s->nr_deadlines))
		return -1;
	pthread_mutex_lock(&s->async_lock);
	left = s->deadlines ? s->deadlines->deadline - now_ns() : -1;
	pthread_mutex_unlock(&s->async_lock);
	if (left < 0)
		return s->deadlines ? 0 : -1;
	/* Rounded up: a poll that ends early would only spin. */
	left = (left + 999999) / 1000000;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

/*
 * A looper with deadlines pending: wait for work on the device, a new
 * earlier deadline, or the earliest one. 1 when the device has work, 0
 * otherwise (expire and look again), or -errno.
 */
int sipc_async_looper_wait(struct sipc *s)
{
	struct pollfd pfd[2] = {
		{ .fd = s->fd, .events = POLLIN },
		{ .fd = s->async_wake, .events = POLLIN },
	};
	__u64 count;
	ssize_t n;
	int ret;

	ret = poll(pfd, 2, sipc_next_timeout(s));
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	/* Taken by whoever reads first: it was for all of us anyway. */
	if (pfd[1].revents & POLLIN) {
		n = read(s->async_wake, &count, sizeof(count));
		(void)n;
	}
	return !!(pfd[0].revents & POLLIN);
}

SIPC_EXPORT int sipc_call_timeout(struct sipc_handle *h, uint32_t code,
				  struct sipc_parcel *req,
				  struct sipc_parcel *reply, int timeout_ms)
{
	__u32 ms, none = 0;
	int ret;

	if (timeout_ms < 0)
		return sipc_call(h, code, req, reply);
	/* The driver's 0 is "none": the shortest it can wait is 1 ms. */
	ms = timeout_ms ? (__u32)timeout_ms : 1;
	ret = sipc_ioctl_err(ioctl(h->s->fd, SIPC_IOC_SET_CALL_TIMEOUT, &ms));
	if (ret)
		return ret;
	ret = sipc_call(h, code, req, reply);
	ioctl(h->s->fd, SIPC_IOC_SET_CALL_TIMEOUT, &none);
	return ret;
}
