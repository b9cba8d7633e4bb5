// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: the server side. Nodes and their handlers; serving one event
 * (a call, a one-way, a death or release notice); the loop that replies,
 * frees the request and waits for the next in one system call; the
 * thread pool the driver grows on demand; and stopping it all.
 *
 * Stopping: sipc_stop() sets a flag and closes a duplicate of the device's
 * descriptor, which the driver answers by waking every idle thread of ours
 * with EINTR. A looper registers with the driver before it first looks at
 * the flag, so it either sees the flag or is woken.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "libsipc.h"

static unsigned int bucket(__u64 cookie)
{
	return (unsigned int)((cookie * 0x9e3779b97f4a7c15ULL) >> 58) %
	       SIPC_HASH_BUCKETS;
}

/* ---- nodes ---- */

SIPC_EXPORT int sipc_node_create(struct sipc *s,
				 int (*handler)(struct sipc_node *node,
						const struct sipc_txn *txn,
						struct sipc_parcel *reply),
				 void *data, unsigned int flags,
				 struct sipc_node **out)
{
	return sipc_node_create_sched(s, handler, data, flags, 0, out);
}

SIPC_EXPORT int sipc_node_create_sched(struct sipc *s,
				       int (*handler)(struct sipc_node *node,
						      const struct sipc_txn *txn,
						      struct sipc_parcel *reply),
				       void *data, unsigned int flags,
				       __u32 sched, struct sipc_node **out)
{
	struct sipc_node_info info = { .sched = sched };
	unsigned long cmd = SIPC_IOC_NODE_CREATE;
	struct sipc_node *n;
	int ret;

	*out = NULL;
	if (!handler || flags & ~(SIPC_NODE_CONTEXT_MANAGER | SIPC_NODE_SECCTX))
		return -EINVAL;
	if (flags & SIPC_NODE_SECCTX)
		info.flags |= SIPC_NODE_TXN_SECCTX;
	if (flags & SIPC_NODE_CONTEXT_MANAGER)
		cmd = SIPC_IOC_SET_CONTEXT_MGR;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->s = s;
	n->handler = handler;
	n->data = data;
	atomic_init(&n->refs, 1);

	pthread_mutex_lock(&s->lock);
	/* Cookies are never reused: a late event cannot reach a new node. */
	n->cookie = ++s->next_cookie;
	info.cookie = n->cookie;
	ret = sipc_ioctl_err(ioctl(s->fd, cmd, &info));
	if (!ret) {
		n->next = s->nodes[bucket(n->cookie)];
		s->nodes[bucket(n->cookie)] = n;
	}
	pthread_mutex_unlock(&s->lock);
	if (ret) {
		free(n);
		return ret;
	}
	*out = n;
	return 0;
}

struct sipc_node *sipc_node_find_get(struct sipc *s, __u64 cookie)
{
	struct sipc_node *n;

	pthread_mutex_lock(&s->lock);
	for (n = s->nodes[bucket(cookie)]; n; n = n->next)
		if (n->cookie == cookie)
			break;
	if (n)
		atomic_fetch_add(&n->refs, 1);
	pthread_mutex_unlock(&s->lock);
	return n;
}

void sipc_node_put(struct sipc_node *n)
{
	if (atomic_fetch_sub(&n->refs, 1) == 1)
		free(n);
}

SIPC_EXPORT int sipc_node_destroy(struct sipc_node *n)
{
	struct sipc_node_info info = { .cookie = n->cookie };
	struct sipc *s = n->s;
	struct sipc_node **pp;
	int ret;

	atomic_store(&n->destroyed, true);
	pthread_mutex_lock(&s->lock);
	ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_NODE_DESTROY, &info));
	for (pp = &s->nodes[bucket(n->cookie)]; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	sipc_node_put(n);
	return ret;
}

void sipc_node_table_free(struct sipc *s)
{
	struct sipc_node *n, *next;
	unsigned int i;

	for (i = 0; i < SIPC_HASH_BUCKETS; i++) {
		for (n = s->nodes[i]; n; n = next) {
			next = n->next;
			sipc_node_put(n);
		}
		s->nodes[i] = NULL;
	}
}

SIPC_EXPORT void *sipc_node_data(const struct sipc_node *n)
{
	return n->data;
}

SIPC_EXPORT void sipc_node_on_released(struct sipc_node *n,
				       void (*fn)(struct sipc_node *n))
{
	n->released = fn;
}

/* ---- serving one event ---- */

/*
 * The node a call is for. A loop keeps the last one it served, with a
 * reference, so that a server of one node takes no lock and no atomic
 * operation per call; cookies are never reused, so a cookie that matches
 * is that node, until it is destroyed.
 */
static struct sipc_node *node_for(struct sipc *s, __u64 cookie,
				  struct sipc_node **cache)
{
	struct sipc_node *n;

	if (cache && *cache && (*cache)->cookie == cookie &&
	    !atomic_load_explicit(&(*cache)->destroyed, memory_order_relaxed))
		return *cache;
	n = sipc_node_find_get(s, cookie);
	if (n && cache) {
		if (*cache)
			sipc_node_put(*cache);
		*cache = n;
	}
	return n;
}

/* The sender's context after the offsets, as the driver put it there. */
static const char *event_secctx(const struct sipc_event *ev)
{
	const char *ctx;

	if (!(ev->flags & SIPC_EVF_SECCTX) || !ev->secctx_size)
		return NULL;
	ctx = (const char *)(uintptr_t)(ev->offsets + ev->offsets_count * 8);
	return ctx[ev->secctx_size - 1] ? NULL : ctx;
}

static int dispatch_txn(struct sipc *s, const struct sipc_event *ev,
			struct sipc_parcel *req, struct sipc_parcel *reply,
			struct sipc_node **cache)
{
	struct sipc_txn txn = {
		.code = ev->code,
		.flags = ev->flags,
		.sender_pid = (pid_t)ev->sender_pid,
		.sender_euid = (uid_t)ev->sender_euid,
		.request = req,
		.sender_secctx = event_secctx(ev),
	};
	struct sipc_node *n;
	int status;

	if (ev->code == SIPC_CODE_PING)
		return 0;
	n = node_for(s, ev->cookie, cache);
	if (!n)
		return -ESRCH;
	if (ev->code == SIPC_CODE_CHANNEL_OPEN)
		status = sipc_channel_accept_call(n, &txn);
	else
		status = n->handler(n, &txn, reply);
	if (!cache)
		sipc_node_put(n);
	return status;
}

static void dispatch_released(struct sipc *s, __u64 cookie)
{
	struct sipc_node *n = sipc_node_find_get(s, cookie);

	if (!n)
		return;
	if (n->released)
		n->released(n);
	sipc_node_put(n);
}

static int finish_send(struct sipc *s, struct sipc_transact *tr, int ret);

/*
 * A reply holding descriptors of its own (the regions of put_blob) goes
 * out alone, and they are closed at once: a region must not live on in
 * an idle server until its next request. @next becomes a pure wait.
 */
static void send_alone(struct sipc *s, struct sipc_transact *next,
		       struct sipc_parcel *req, struct sipc_parcel *reply)
{
	int ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT, next));

	finish_send(s, next, ret);
	sipc_parcel_reset(reply);
	sipc_parcel_release_held(req);
	memset(next, 0, sizeof(*next));
}

/*
 * Serve @event, read in place through @req, and set up @next, the
 * following SIPC_IOC_TRANSACT: the reply built in @reply, and the
 * request's buffer to free in that same system call. The caller sets
 * next->recv_flags. A loop passes @cache (see node_for()), others NULL.
 */
void sipc_serve_event(struct sipc *s, const struct sipc_event *event,
		      struct sipc_parcel *req, struct sipc_parcel *reply,
		      struct sipc_transact *next, struct sipc_node **cache)
{
	/* @event may lie inside @next, which is rebuilt here. */
	struct sipc_event copy = *event, *ev = &copy;
	int status;

	memset(next, 0, sizeof(*next));
	switch (ev->type) {
	case SIPC_EV_TRANSACTION:
		break;
	case SIPC_EV_DEATH:
		sipc_handle_death(s, ev->cookie);
		return;
	case SIPC_EV_RELEASED:
		dispatch_released(s, ev->cookie);
		return;
	case SIPC_EV_ASYNC_REPLY:
		sipc_async_complete(s, ev, req);
		/* The reply's buffer goes with the next system call. */
		if (!(ev->flags & SIPC_EVF_ASYNC_ERROR))
			next->free_buffer = ev->data;
		return;
	default:
		return;
	}

	sipc_parcel_set_received(req, s, ev);
	req->held = 0;		/* freed below, with the reply */
	sipc_parcel_reset(reply);
	status = dispatch_txn(s, ev, req, reply, cache);
	next->free_buffer = ev->data;
	if (ev->flags & SIPC_EVF_ONEWAY) {
		sipc_parcel_drop_res(req);
		return;
	}
	if (reply->error) {
		status = reply->error;
		sipc_parcel_reset(reply);
	}
	next->send_op = SIPC_SEND_REPLY;
	next->code = (__u32)status;
	if (sipc_transact_send(s, next, reply)) {
		/* No memory to send it as built: the error is the reply. */
		sipc_parcel_reset(reply);
		next->code = (__u32)-ENOMEM;
		sipc_transact_send(s, next, reply);
	}
	/*
	 * Handles and descriptors that live only in the request's buffer
	 * must outlive the translation of a reply that carries them, and
	 * bytes of it the reply refers to must outlive the reply's copy: the
	 * request then goes with the next event (or the end of the loop).
	 */
	if ((reply->nr_offs && req->nr_offs) ||
	    sipc_parcel_refers_into(reply, s)) {
		next->free_buffer = 0;
		req->held = ev->data;
	} else {
		sipc_parcel_drop_res(req);
	}
	if (sipc_parcel_has_res(reply))
		send_alone(s, next, req, reply);
}

/*
 * After a SIPC_IOC_TRANSACT that carried a reply built by
 * sipc_serve_event(): what the caller of the loop must still do. A reply
 * the driver refused before sending it would leave its caller waiting
 * forever, so it gets an empty one with the error as status instead.
 */
static int finish_send(struct sipc *s, struct sipc_transact *tr, int ret)
{
	struct sipc_transact fallback = { .send_op = SIPC_SEND_REPLY };

	if (tr->free_buffer && !(tr->out_flags & SIPC_OUT_FREED))
		sipc_free_buffer(s, tr->free_buffer);
	if (ret && tr->send_op == SIPC_SEND_REPLY &&
	    !(tr->out_flags & SIPC_OUT_SENT)) {
		fallback.code = (__u32)ret;
		ioctl(s->fd, SIPC_IOC_TRANSACT, &fallback);
	}
	return ret;
}

/* ---- loops and threads ---- */

static void *pool_main(void *arg);

static int start_thread(struct sipc *s, bool spawned)
{
	struct sipc_thread *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	t->s = s;
	t->spawned = spawned;
	pthread_mutex_lock(&s->lock);
	ret = -pthread_create(&t->id, NULL, pool_main, t);
	if (!ret) {
		t->next = s->threads;
		s->threads = t;
	}
	pthread_mutex_unlock(&s->lock);
	if (ret)
		free(t);
	return ret;
}

/*
 * The driver asked for one more looper and asks for no other until this
 * one enters its loop: start it, or withdraw the request when it cannot
 * be started (stopping, or no thread to be had), so the pool can grow
 * later.
 */
static void spawn_looper(struct sipc *s)
{
	__u32 decline = SIPC_LOOPER_DECLINE;

	if (atomic_load(&s->stopping) || start_thread(s, true))
		ioctl(s->fd, SIPC_IOC_LOOPER_ENTER, &decline);
}

/*
 * Before a looper's next wait: with asynchronous calls' deadlines pending
 * (async.c), it must not sleep in the driver past the earliest, so it
 * only takes what is queued now, and polls when there is nothing.
 */
static void loop_set_wait(struct sipc *s, struct sipc_transact *tr)
{
	sipc_async_expire(s);
	tr->recv_flags = SIPC_RECV_WAIT;
	if (atomic_load(&s->nr_deadlines))
		tr->recv_flags |= SIPC_RECV_NONBLOCK;
}

static int loop(struct sipc *s, bool spawned)
{
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	__u32 flags = spawned ? SIPC_LOOPER_SPAWNED : 0;
	struct sipc_node *cache = NULL;
	struct sipc_parcel req, reply;
	int ret;

	/* Registered with the driver first, then the flag: see the top. */
	ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_LOOPER_ENTER, &flags));
	if (ret)
		return ret;
	atomic_fetch_add(&s->loopers, 1);
	sipc_parcel_init(&req);
	sipc_parcel_init(&reply);
	loop_set_wait(s, &tr);
	for (;;) {
		if (atomic_load(&s->stopping))
			tr.recv_flags = 0;
		ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT, &tr));
		if (tr.out_flags & SIPC_OUT_SPAWN_THREAD)
			spawn_looper(s);
		finish_send(s, &tr, ret);
		if (!(tr.recv_flags & SIPC_RECV_WAIT)) {
			ret = 0;
			break;
		}
		if (ret) {
			/* A refused reply, a signal, a close(): go on. */
			if (ret == -EINTR || ret == -EAGAIN ||
			    tr.out_flags & SIPC_OUT_SENT) {
				memset(&tr, 0, sizeof(tr));
				if (ret == -EAGAIN &&
				    atomic_load(&s->nr_deadlines)) {
					ret = sipc_async_looper_wait(s);
					if (ret < 0)
						break;
				}
				loop_set_wait(s, &tr);
				continue;
			}
			break;
		}
		sipc_serve_event(s, &tr.ev, &req, &reply, &tr, &cache);
		loop_set_wait(s, &tr);
	}
	if (cache)
		sipc_node_put(cache);
	sipc_parcel_fini(&req);
	sipc_parcel_fini(&reply);
	ioctl(s->fd, SIPC_IOC_THREAD_EXIT);
	pthread_mutex_lock(&s->lock);
	atomic_fetch_sub(&s->loopers, 1);
	pthread_cond_broadcast(&s->loopers_done);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static void *pool_main(void *arg)
{
	struct sipc_thread *t = arg;

	loop(t->s, t->spawned);
	return NULL;
}

SIPC_EXPORT int sipc_loop(struct sipc *s)
{
	return loop(s, false);
}

SIPC_EXPORT int sipc_loop_start(struct sipc *s)
{
	return start_thread(s, false);
}

SIPC_EXPORT int sipc_set_max_threads(struct sipc *s, unsigned int max)
{
	__u32 n = max;

	return sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_SET_MAX_THREADS, &n));
}

SIPC_EXPORT int sipc_dispatch(struct sipc *s)
{
	struct sipc_transact tr = {
		.recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK,
	};
	struct sipc_parcel req, reply;
	int ret, n = 0;

	sipc_parcel_init(&req);
	sipc_parcel_init(&reply);
	sipc_async_expire(s);
	for (;;) {
		ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT, &tr));
		finish_send(s, &tr, ret);
		if (ret == -EAGAIN || ret == -EINTR ||
		    (ret && tr.out_flags & SIPC_OUT_SENT)) {
			ret = n;
			break;
		}
		if (ret)
			break;
		sipc_serve_event(s, &tr.ev, &req, &reply, &tr, NULL);
		tr.recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK;
		n++;
	}
	sipc_parcel_fini(&req);
	sipc_parcel_fini(&reply);
	sipc_async_expire(s);
	return ret;
}

/*
 * Wake every idle thread of ours: those waiting in the driver (its answer
 * to a close()), and loopers polling for an asynchronous call's deadline
 * (async.c). Async-signal-safe.
 */
void sipc_wake_all(struct sipc *s)
{
	int fd = dup(s->fd);
	__u64 one = 1;
	ssize_t n;

	if (fd >= 0)
		close(fd);
	/* A full counter has woken them already. */
	n = write(s->async_wake, &one, sizeof(one));
	(void)n;
}

SIPC_EXPORT void sipc_stop(struct sipc *s)
{
	atomic_store(&s->stopping, true);
	sipc_wake_all(s);
}

/* sipc_close(): stop every looper and join the library's threads. */
void sipc_threads_stop(struct sipc *s)
{
	struct sipc_thread *t, *next;
	struct timespec ts;

	pthread_mutex_lock(&s->lock);
	if (!s->threads && !atomic_load(&s->loopers)) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	atomic_store(&s->stopping, true);
	/* A thread spawned just now may have missed one wake-up. */
	while (atomic_load(&s->loopers)) {
		sipc_wake_all(s);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->loopers_done, &s->lock, &ts);
	}
	t = s->threads;
	s->threads = NULL;
	pthread_mutex_unlock(&s->lock);
	for (; t; t = next) {
		next = t->next;
		pthread_join(t->id, NULL);
		free(t);
	}
}
