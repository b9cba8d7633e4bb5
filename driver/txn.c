// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: a synchronous call, a one-way send, a reply. The payload
 * goes once from the sender's memory into a buffer reserved in the
 * receiver's area; a call sits on both threads' transaction stacks until
 * its reply, which is how a nested call finds the thread that waits.
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"
#include "sipc_trace.h"

/*
 * Check a send's arguments and read where its bytes are. From here on
 * tr->data_size (the kernel's copy; it is not written back) is the
 * payload's size, also for a gather, where user space gave a count.
 */
static int check_payload(struct sipc_transact *tr, struct sipc_source *src)
{
	int ret;

	if (tr->send_flags & ~SIPC_SEND_GATHER)
		return -EINVAL;
	if (tr->offsets_count > SIPC_MAX_OBJECTS)
		return -E2BIG;
	ret = sipc_source_init(src, tr);
	if (ret)
		return ret;
	tr->data_size = src->size;
	return 0;
}

/*
 * Reserve a buffer in @to's area and copy the payload into it (payload.c).
 * On error nothing is left behind, not even its bytes.
 */
static struct sipc_buffer *fill_buffer(struct sipc_proc *from,
				       struct sipc_proc *to,
				       struct sipc_transact *tr,
				       struct sipc_source *src, bool oneway,
				       struct sipc_user *sender,
				       struct sipc_secctx *secctx)
{
	size_t data_size = tr->data_size, count = tr->offsets_count;
	size_t ctx_size = secctx ? sipc_secctx_take(secctx) : 0;
	struct sipc_area *area = &to->area;
	struct sipc_buffer *buf;
	int ret;

	buf = sipc_buffer_alloc(area, sipc_buffer_size(data_size, count) +
				ctx_size, oneway, sender);
	if (IS_ERR(buf))
		goto fail;
	buf->data_size = data_size;
	ret = sipc_payload_copy(from, to, buf, src,
				u64_to_user_ptr(tr->offsets), count);
	if (ret) {
		sipc_buffer_free(area, buf);
		buf = ERR_PTR(ret);
		goto fail;
	}
	if (secctx)
		sipc_secctx_put_into(secctx, area, buf,
				     ALIGN(data_size, 8) + count * 8);
	return buf;
fail:
	if (secctx)
		sipc_secctx_drop(secctx);
	return buf;
}

static void drop_buffer(struct sipc_proc *proc, struct sipc_buffer *buf)
{
	sipc_release_objects(proc, buf);
	sipc_buffer_free(&proc->area, buf);
}

/* Graph lock held. The caller side or server side is done with @t. */
void sipc_txn_put(struct sipc_txn *t, struct list_head *reap)
{
	if (--t->refs)
		return;
	if (!list_empty(&t->all_entry)) {
		list_del_init(&t->all_entry);
		t->to_proc->dev->nr_txns--;
	}
	list_del_init(&t->work.entry);
	list_add(&t->work.entry, reap);
}

/*
 * Free what the put transactions held; no lock held. With @spare, the
 * calling thread's one-transaction cache, the first is kept there (if it
 * is empty) for the thread's next send instead of going back to the slab.
 */
void sipc_txn_reap_keep(struct list_head *reap, struct sipc_txn **spare)
{
	struct sipc_txn *t, *tmp;

	list_for_each_entry_safe(t, tmp, reap, work.entry) {
		list_del(&t->work.entry);
		if (t->buffer)
			drop_buffer(t->to_proc, t->buffer);
		if (t->reply)
			drop_buffer(t->reply_proc, t->reply);
		if (t->node)
			sipc_node_put_tmp(t->node);
		if (t->user) {
			sipc_user_uncharge_txn(t->user);
			sipc_user_put(t->user);
		}
		if (t->reply_proc)
			sipc_proc_put(t->reply_proc);
		put_pid(t->from_pid);
		put_pid(t->from_tid);
		/* Counted while to_proc, and so its device, is still ours. */
		sipc_count(&t->to_proc->dev->stats, SIPC_CNT_TXNS_FREED);
		sipc_proc_put(t->to_proc);
		if (spare && !*spare)
			*spare = t;
		else
			kfree(t);
	}
}

void sipc_txn_reap(struct list_head *reap)
{
	sipc_txn_reap_keep(reap, NULL);
}

/* A zeroed transaction: the thread's cached one, else a new one. */
static struct sipc_txn *txn_alloc(struct sipc_thread *thread)
{
	struct sipc_txn *t = thread->spare_txn;

	if (!t)
		return kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	thread->spare_txn = NULL;
	memset(t, 0, sizeof(*t));
	return t;
}

/*
 * Graph lock held: the call ends in @error for a caller still waiting, a
 * thread or (asynchronous) a context.
 */
void sipc_txn_fail(struct sipc_txn *t, int error)
{
	if (!sipc_txn_awaited(t))
		return;
	t->error = error;
	t->completed = true;
	if (t->from)
		sipc_thread_wake(t->from, false);
	else
		sipc_async_done(t);
	sipc_freeze_calls_ended(t->to_proc);
}

/*
 * A call made while serving goes back to a thread of @target that waits
 * on the chain of calls that led here (however many processes it went
 * through), so it never needs a second free thread and cannot deadlock on
 * it. Every caller on the chain is blocked in its call, so its stack, and
 * the chain below, holds still while we follow it; a call abandoned by its
 * caller leaves only the stack of the thread that serves it to look at.
 * Graph lock held.
 */
static struct sipc_thread *route_nested(struct sipc_thread *thread,
					struct sipc_proc *target)
{
	struct sipc_txn *t = thread->stack;

	lockdep_assert_held(&thread->proc->dev->lock);
	while (t) {
		if (t->from == thread) {
			/* Our own call: look at what we did before it. */
			t = t->from_parent;
			continue;
		}
		if (!t->from) {
			t = t->to_parent;
			continue;
		}
		if (t->from->proc == target)
			return t->from;
		/* The caller waits: go on down its chain. */
		t = t->from_parent;
	}
	return NULL;
}

/*
 * An idle thread of @proc for @t, taken off the idle list, if one is idle
 * and runs below what @t wants (it will be raised: prio.c). Otherwise the
 * call goes to the process's queue, for any thread. Graph lock held.
 */
static struct sipc_thread *idle_thread_to_raise(struct sipc_proc *proc,
						struct sipc_txn *t)
{
	struct sipc_thread *idle;

	lockdep_assert_held(&proc->dev->lock);
	idle = list_first_entry_or_null(&proc->waiting, struct sipc_thread,
					waiting_entry);
	if (!idle || !sipc_prio_below(t, idle))
		return NULL;
	list_del_init(&idle->waiting_entry);
	return idle;
}

/*
 * Graph lock held: hand a finished transaction to its target. A call
 * that goes to a thread running below it comes back in @raisep, that
 * thread held, for the caller to raise once unlocked.
 */
static void enqueue_txn(struct sipc_thread *thread, struct sipc_txn *t,
			u32 op, struct sipc_thread **raisep)
{
	struct sipc_node *node = t->node;
	struct sipc_thread *target_thread;

	lockdep_assert_held(&thread->proc->dev->lock);
	if (op == SIPC_SEND_CALL_ASYNC) {
		/* Its context's list holds the caller side (async.c). */
		t->refs = 2;
		sipc_queue_proc_work(t->to_proc, &t->work, false);
		return;
	}
	if (op == SIPC_SEND_ONEWAY) {
		t->refs = 1;
		t->buffer->async_node = node;
		if (node->async_busy) {
			list_add_tail(&t->work.entry, &node->async_todo);
		} else {
			node->async_busy = true;
			sipc_queue_proc_work(t->to_proc, &t->work, false);
		}
		return;
	}

	t->refs = 2;
	t->from = thread;
	t->from_parent = thread->stack;
	thread->stack = t;
	target_thread = route_nested(thread, t->to_proc) ?:
			idle_thread_to_raise(t->to_proc, t);
	if (target_thread) {
		list_add_tail(&t->work.entry, &target_thread->todo);
		if (sipc_prio_below(t, target_thread)) {
			sipc_prio_claim(t, target_thread);
			*raisep = target_thread;
		}
		sipc_thread_wake(target_thread, true);
		/* It may have left its call (EINTR) and be polling. */
		sipc_wake_pollers(t->to_proc);
	} else {
		sipc_queue_proc_work(t->to_proc, &t->work, true);
	}
}

/* The user a send is charged to (referenced): the caller's euid now. */
static struct sipc_user *sender_user(struct sipc_proc *proc)
{
	kuid_t euid = current_euid();

	if (uid_eq(euid, proc->user->uid)) {
		sipc_user_ref(proc->user);
		return proc->user;
	}
	return sipc_user_get(euid);
}

/* A synchronous call's end, from the thread's SIPC_IOC_SET_CALL_TIMEOUT. */
static void set_deadline(struct sipc_thread *thread, struct sipc_txn *t)
{
	if (!thread->call_timeout_ms)
		return;
	t->has_deadline = true;
	t->deadline = jiffies + msecs_to_jiffies(thread->call_timeout_ms);
}

/*
 * Graph lock held: may the send go to its target now? A context that
 * died takes no new call, a frozen one no call (freeze.c).
 */
static int may_enqueue(struct sipc_thread *thread, struct sipc_txn *t,
		       u32 op, struct sipc_transact *tr)
{
	struct sipc_proc *to = t->to_proc;

	lockdep_assert_held(&to->dev->lock);
	if (to->dead || t->node->dead)
		return -ESRCH;
	/* Frozen (freeze.c): a call is refused, a one-way waits for it. */
	if (to->frozen) {
		if (op != SIPC_SEND_ONEWAY) {
			to->sync_recv = true;
			return -EHOSTDOWN;
		}
		to->async_recv = true;
		tr->out_flags |= SIPC_OUT_FROZEN;
	}
	if (op == SIPC_SEND_CALL_ASYNC) {
		int ret = sipc_async_register(thread->proc, t);

		if (ret)
			return ret;
		tr->ev.cookie = t->async_id;
	}
	return 0;
}

static int send_txn(struct sipc_thread *thread, struct sipc_transact *tr,
		    struct sipc_source *src, u32 op)
{
	bool oneway = op == SIPC_SEND_ONEWAY;
	struct sipc_proc *proc = thread->proc;
	struct sipc_thread *raise = NULL;
	struct sipc_secctx secctx;
	struct sipc_user *user;
	bool want_secctx;
	pid_t from_pid, to_pid;
	struct sipc_node *node;
	struct sipc_txn *t;
	LIST_HEAD(reap);
	int ret;
	u64 id;

	user = sender_user(proc);
	if (!user)
		return -ENOMEM;
	ret = sipc_user_charge_txn(user);
	if (ret) {
		sipc_user_put(user);
		return ret;
	}
	t = txn_alloc(thread);
	if (!t) {
		sipc_user_uncharge_txn(user);
		sipc_user_put(user);
		return -ENOMEM;
	}
	t->user = user;
	INIT_LIST_HEAD(&t->work.entry);
	INIT_LIST_HEAD(&t->all_entry);
	INIT_LIST_HEAD(&t->async_entry);
	INIT_LIST_HEAD(&t->async_done.entry);
	t->work.type = SIPC_WORK_TXN;
	t->refs = 1;
	t->id = sipc_next_txn_id();
	t->start = local_clock();
	t->handle = tr->handle;
	t->request_size = tr->data_size;
	t->request_objects = tr->offsets_count;
	sipc_count(&proc->dev->stats, SIPC_CNT_TXNS_CREATED);

	sipc_graph_lock(proc->dev);
	node = sipc_handle_to_node(proc, tr->handle);
	if (IS_ERR(node)) {
		sipc_graph_unlock(proc->dev);
		sipc_count(&proc->dev->stats, SIPC_CNT_TXNS_FREED);
		sipc_user_uncharge_txn(user);
		sipc_user_put(user);
		kfree(t);
		return PTR_ERR(node);
	}
	t->node = node;
	t->to_proc = node->proc;
	sipc_proc_get(t->to_proc);
	/* Nobody waits on an asynchronous call: nobody lends it priority. */
	if (op == SIPC_SEND_CALL) {
		sipc_prio_for_call(thread, t, node);
		set_deadline(thread, t);
	}
	want_secctx = node->want_secctx;
	sipc_graph_unlock(proc->dev);
	t->from_pid = get_pid(proc->tgid);
	t->from_tid = get_pid(thread->tid);

	t->code = tr->code;
	t->flags = oneway ? SIPC_EVF_ONEWAY : 0;
	t->sender_pid = task_tgid_nr_ns(current, t->to_proc->pid_ns);
	t->sender_euid = from_kuid_munged(t->to_proc->cred->user_ns,
					  current_euid());

	t->buffer = fill_buffer(proc, t->to_proc, tr, src, oneway, user,
				want_secctx ? &secctx : NULL);
	if (IS_ERR(t->buffer)) {
		ret = PTR_ERR(t->buffer);
		t->buffer = NULL;
		goto fail;
	}

	sipc_graph_lock(proc->dev);
	ret = may_enqueue(thread, t, op, tr);
	if (ret) {
		sipc_graph_unlock(proc->dev);
		goto fail;
	}
	enqueue_txn(thread, t, op, &raise);
	list_add_tail(&t->all_entry, &proc->dev->txns);
	proc->dev->nr_txns++;
	proc->sent++;
	t->to_proc->received++;
	/* Once unlocked, a one-way may be taken and freed by its receiver. */
	id = t->id;
	from_pid = proc->pid;
	to_pid = t->to_proc->pid;
	sipc_graph_unlock(proc->dev);
	/* Our call, and ours to hold until its reply: t stays. */
	if (raise)
		sipc_prio_raise_thread(t, raise);
	sipc_count(&proc->dev->stats, oneway ? SIPC_CNT_ONEWAYS : SIPC_CNT_CALLS);
	sipc_count_add(&proc->dev->stats, SIPC_CNT_BYTES, tr->data_size + tr->offsets_count * 8);
	trace_sipc_send(id, from_pid, to_pid, tr->handle, tr->code,
			tr->data_size, tr->offsets_count, oneway);
	return 0;

fail:
	list_add(&t->work.entry, &reap);
	sipc_txn_reap_keep(&reap, &thread->spare_txn);
	return ret;
}

/*
 * What the completed log says of a call (graph lock held) or, with no
 * @reply, of a one-way delivered to @server. @e holds its pids, as the
 * caller may free @t once the lock is dropped: sipc_log_put() it.
 */
static void log_completed(struct sipc_txn *t, struct sipc_thread *server,
			  struct sipc_transact *reply,
			  struct sipc_log_entry *e)
{
	e->id = t->id;
	e->when = local_clock();
	e->duration_ns = e->when - t->start;
	e->kind = reply ? SIPC_SEND_CALL : SIPC_SEND_ONEWAY;
	e->from_pid = t->from_pid;
	e->from_tid = t->from_tid;
	e->to_pid = server->proc->tgid;
	e->to_tid = server->tid;
	get_pid(e->from_pid);
	get_pid(e->from_tid);
	get_pid(e->to_pid);
	get_pid(e->to_tid);
	e->handle = t->handle;
	e->code = t->code;
	e->size = t->request_size;
	e->objects = t->request_objects;
	e->reply_size = reply ? reply->data_size : 0;
}

/*
 * A reply that names a dead node (ESRCH from its translation) is not
 * sent, while its caller still waits: the server hears it and may answer
 * again without it, where dropping it would tell the caller EREMOTEIO and
 * the server that all went well. ESRCH because the caller's own area is
 * gone is a caller that died, whose reply is dropped (see below). Graph
 * lock held.
 */
static bool reply_not_sent(struct sipc_proc *proc, struct sipc_txn *t,
			   struct sipc_proc *caller_proc, int ret)
{
	lockdep_assert_held(&proc->dev->lock);
	return ret == -ESRCH && sipc_txn_awaited(t) && !proc->dead &&
	       READ_ONCE(caller_proc->area.mapped);
}

static int send_reply(struct sipc_thread *thread, struct sipc_transact *tr,
		      struct sipc_source *src)
{
	struct sipc_proc *proc = thread->proc, *caller_proc = NULL;
	struct sipc_log_entry done = {};
	struct sipc_buffer *buf = NULL;
	struct sipc_sched own;
	bool raised, async;
	struct sipc_txn *t;
	LIST_HEAD(reap);
	int ret = 0;

	sipc_graph_lock(proc->dev);
	t = thread->stack;
	if (!t || t->to_thread != thread) {
		sipc_graph_unlock(proc->dev);
		return -EPROTO;
	}
	thread->stack = t->to_parent;
	caller_proc = t->from ? t->from->proc : t->async_proc;
	if (caller_proc)
		sipc_proc_get(caller_proc);
	/* A cancel may take it from its caller while we copy. */
	async = t->async_proc;
	sipc_graph_unlock(proc->dev);

	/*
	 * An abandoned call: the reply has nobody to go to. An asynchronous
	 * one's may take only the one-way half of the caller's area, so that
	 * replies nobody has read yet cannot crowd out the synchronous ones.
	 */
	if (caller_proc) {
		buf = fill_buffer(proc, caller_proc, tr, src, async, NULL,
				  NULL);
		if (IS_ERR(buf)) {
			ret = PTR_ERR(buf);
			buf = NULL;
		}
	}

	sipc_graph_lock(proc->dev);
	if (reply_not_sent(proc, t, caller_proc, ret)) {
		/* Still this thread's to answer, as before the attempt. */
		thread->stack = t;
		sipc_graph_unlock(proc->dev);
		sipc_proc_put(caller_proc);
		return ret;
	}
	if (ret) {
		sipc_txn_fail(t, -EREMOTEIO);
	} else if (buf && sipc_txn_awaited(t)) {
		log_completed(t, thread, tr, &done);
		t->reply = buf;
		t->reply_proc = caller_proc;
		t->reply_code = tr->code;
		t->completed = true;
		if (t->from)
			sipc_thread_wake(t->from, true);
		else
			sipc_async_done(t);
		buf = NULL;
		caller_proc = NULL;
	}
	raised = sipc_prio_on_pop(t, &own);
	sipc_txn_put(t, &reap);
	sipc_graph_unlock(proc->dev);
	sipc_freeze_calls_ended(proc);
	/* Back to its own once it has no new call (sipc_prio_owe()). */
	if (raised)
		sipc_prio_owe(thread, &own);

	/*
	 * No area to reply into: the caller exited, closed or unmapped. Like
	 * a reply to an abandoned call, this one is consumed and dropped: the
	 * server did its part, and whether it hears of this must not depend
	 * on how far the caller's teardown had come.
	 */
	if (ret == -ESRCH)
		ret = 0;

	if (done.id) {
		sipc_count(&proc->dev->stats, SIPC_CNT_REPLIES);
		sipc_count_add(&proc->dev->stats, SIPC_CNT_BYTES,
			       tr->data_size + tr->offsets_count * 8);
		sipc_log_add(&proc->dev->stats, SIPC_LOG_COMPLETED, &done);
		trace_sipc_reply(done.id, pid_nr(done.to_pid),
				 pid_nr(done.from_pid), tr->code,
				 tr->data_size);
		sipc_log_put(&done, 1);
	}

	if (buf)
		drop_buffer(caller_proc, buf);
	if (caller_proc)
		sipc_proc_put(caller_proc);
	sipc_txn_reap_keep(&reap, &thread->spare_txn);
	return ret;
}

/* Where the payload and its object offsets sit in the receiver's area. */
void sipc_set_event_buffer(struct sipc_event *ev, struct sipc_area *area,
			   struct sipc_buffer *buf)
{
	ev->data = sipc_buffer_user_addr(area, buf, 0);
	ev->data_size = buf->data_size;
	ev->offsets = sipc_buffer_user_addr(area, buf,
					    ALIGN(buf->data_size, 8));
	ev->offsets_count = buf->offsets_count;
	if (buf->secctx_size) {
		ev->flags |= SIPC_EVF_SECCTX;
		ev->secctx_size = buf->secctx_size;
	}
}

/* Graph lock held: an incoming transaction becomes this thread's event. */
struct sipc_buffer *sipc_txn_deliver(struct sipc_thread *thread,
				     struct sipc_txn *t,
				     struct sipc_transact *tr,
				     struct list_head *reap)
{
	struct sipc_area *area = &thread->proc->area;
	struct sipc_buffer *buf = t->buffer;

	lockdep_assert_held(&thread->proc->dev->lock);
	tr->ev.type = SIPC_EV_TRANSACTION;
	tr->ev.flags = t->flags;
	tr->ev.code = t->code;
	tr->ev.sender_pid = t->sender_pid;
	tr->ev.sender_euid = t->sender_euid;
	tr->ev.cookie = t->node->cookie;
	sipc_set_event_buffer(&tr->ev, area, buf);
	t->buffer = NULL;

	trace_sipc_receive(t->id, thread->proc->pid, thread->pid, t->code,
			   buf->data_size);
	if (t->flags & SIPC_EVF_ONEWAY) {
		struct sipc_log_entry done = {};

		log_completed(t, thread, NULL, &done);
		sipc_log_add(&thread->proc->dev->stats, SIPC_LOG_COMPLETED, &done);
		sipc_log_put(&done, 1);
		/* The buffer keeps the node until it is freed. */
		t->node = NULL;
		sipc_txn_put(t, reap);
	} else {
		t->to_thread = thread;
		t->to_parent = thread->stack;
		thread->stack = t;
		if (sipc_prio_on_deliver(thread, t)) {
			t->refs++;
			thread->prio_pending = t;
		}
	}
	return buf;
}

/* Graph lock held: the awaited call completed; pop it, report it. */
struct sipc_buffer *sipc_txn_take_reply(struct sipc_thread *thread,
					struct sipc_txn *t,
					struct sipc_transact *tr)
{
	struct sipc_area *area = &thread->proc->area;
	struct sipc_buffer *buf = t->reply;

	lockdep_assert_held(&thread->proc->dev->lock);
	thread->stack = t->from_parent;
	t->from = NULL;
	if (t->error)
		return NULL;
	tr->ev.type = SIPC_EV_REPLY;
	tr->ev.code = t->reply_code;
	sipc_set_event_buffer(&tr->ev, area, buf);
	t->reply = NULL;
	return buf;
}

/* A one-way buffer was freed: let the node's next one-way run. */
void sipc_async_next(struct sipc_node *node)
{
	struct sipc_device *dev = node->dev;
	struct sipc_txn *next;

	sipc_graph_lock(dev);
	next = list_first_entry_or_null(&node->async_todo, struct sipc_txn,
					work.entry);
	if (next && node->proc) {
		list_del_init(&next->work.entry);
		sipc_queue_proc_work(node->proc, &next->work, false);
	} else {
		node->async_busy = false;
	}
	sipc_graph_unlock(dev);
	sipc_node_put_tmp(node);
}

static void log_refused(struct sipc_thread *thread, struct sipc_transact *tr,
			int error)
{
	struct sipc_log_entry e = {
		.when = local_clock(),
		.kind = tr->ev.type == SIPC_EV_REPLY ? SIPC_SEND_REPLY :
			tr->ev.flags & SIPC_EVF_ONEWAY ? SIPC_SEND_ONEWAY :
			SIPC_SEND_CALL,
		.to_pid = thread->proc->tgid,
		.to_tid = thread->tid,
		.code = tr->ev.code,
		.size = tr->ev.data_size,
		.objects = tr->ev.offsets_count,
		.error = error,
	};

	sipc_count_error(&thread->proc->dev->stats, error);
	sipc_log_add(&thread->proc->dev->stats, SIPC_LOG_FAILED, &e);
}

/*
 * The thread could not take the payload it was just handed (its
 * descriptor table is full): a call fails back to its caller with @error,
 * a one-way is dropped, a reply is dropped (the caller returns @error, an
 * asynchronous one's event says it).
 */
void sipc_txn_refuse(struct sipc_thread *thread, struct sipc_transact *tr,
		     struct sipc_buffer *buf, int error)
{
	struct sipc_proc *proc = thread->proc;
	struct sipc_txn *t = thread->stack;
	LIST_HEAD(reap);

	if (tr->ev.type == SIPC_EV_TRANSACTION &&
	    !(tr->ev.flags & SIPC_EVF_ONEWAY)) {
		sipc_prio_abandon(thread, t);
		sipc_graph_lock(proc->dev);
		thread->stack = t->to_parent;
		t->to_thread = NULL;
		sipc_txn_fail(t, error);
		sipc_txn_put(t, &reap);
		sipc_graph_unlock(proc->dev);
		sipc_txn_reap(&reap);
	}
	log_refused(thread, tr, error);
	if (buf->async_node)
		sipc_async_next(buf->async_node);
	drop_buffer(proc, buf);
}

int sipc_free_buffer(struct sipc_proc *proc, u64 user_addr)
{
	struct sipc_buffer *buf;

	if (user_addr > ULONG_MAX)
		return -ENOENT;
	buf = sipc_buffer_claim(&proc->area, user_addr);
	if (!buf)
		return -ENOENT;
	if (buf->async_node)
		sipc_async_next(buf->async_node);
	drop_buffer(proc, buf);
	return 0;
}

/* The send part of a transaction, its source read. */
static int send(struct sipc_thread *thread, struct sipc_transact *tr,
		struct sipc_source *src)
{
	switch (tr->send_op) {
	case SIPC_SEND_CALL:
	case SIPC_SEND_ONEWAY:
	case SIPC_SEND_CALL_ASYNC:
		return send_txn(thread, tr, src, tr->send_op);
	case SIPC_SEND_REPLY:
		return send_reply(thread, tr, src);
	default:
		return -EINVAL;
	}
}

static int transact(struct sipc_thread *thread, struct sipc_transact *tr)
{
	bool nonblock = tr->recv_flags & SIPC_RECV_NONBLOCK;
	struct sipc_source src;
	int ret = 0;

	if (tr->recv_flags & ~(SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK))
		return -EINVAL;
	/* Its id comes back in ev: no event may follow in the same ioctl. */
	if (tr->send_op == SIPC_SEND_CALL_ASYNC && tr->recv_flags)
		return -EINVAL;
	/* No area yet, or none any more: the context died with it. */
	if (!READ_ONCE(thread->proc->area.pages) ||
	    READ_ONCE(thread->proc->dead))
		return -EBADFD;
	sipc_prio_settle(thread);
	if (tr->free_buffer) {
		ret = sipc_free_buffer(thread->proc, tr->free_buffer);
		if (ret)
			return ret;
		tr->out_flags |= SIPC_OUT_FREED;
	}
	if (tr->send_op != SIPC_SEND_NONE) {
		ret = check_payload(tr, &src);
		if (ret)
			return ret;
		ret = send(thread, tr, &src);
		sipc_source_fini(&src);
		/* A reply not followed by a wait settles its priority now. */
		if (ret || !(tr->recv_flags & SIPC_RECV_WAIT))
			sipc_prio_settle_owed(thread);
		if (tr->send_op == SIPC_SEND_CALL) {
			if (ret)
				return ret;
			tr->out_flags |= SIPC_OUT_SENT;
			return sipc_wait_for_work(thread, tr, false, false);
		}
		/*
		 * A failed reply is still consumed: it must not be resent;
		 * but not one with nothing to reply to (EPROTO) or one that
		 * named a dead node (ESRCH, see reply_not_sent()).
		 */
		if (!ret || (tr->send_op == SIPC_SEND_REPLY &&
			     ret != -EPROTO && ret != -ESRCH))
			tr->out_flags |= SIPC_OUT_SENT;
		if (ret)
			return ret;
	}
	if (!(tr->recv_flags & SIPC_RECV_WAIT))
		return 0;
	/*
	 * Only a wait that did nothing else may be restarted (a stop, a
	 * debugger): the restart re-runs the whole ioctl, and a buffer freed
	 * here would be freed again, or one received meanwhile at its offset.
	 */
	return sipc_wait_for_work(thread, tr, nonblock,
				  tr->send_op == SIPC_SEND_NONE &&
				  !(tr->out_flags & SIPC_OUT_FREED));
}

/* Count and log a send that failed, or a call that ended in an error. */
static void record_failure(struct sipc_thread *thread,
			   struct sipc_transact *tr, int error)
{
	struct sipc_log_entry e = {
		.when = local_clock(),
		.kind = tr->send_op,
		.from_pid = thread->proc->tgid,
		.from_tid = thread->tid,
		.handle = tr->handle,
		.code = tr->code,
		.size = tr->data_size,
		.objects = min_t(u64, tr->offsets_count, U32_MAX),
		.error = error,
	};

	sipc_count_error(&thread->proc->dev->stats, error);
	sipc_log_add(&thread->proc->dev->stats, SIPC_LOG_FAILED, &e);
	trace_sipc_failed(thread->proc->pid, thread->pid, tr->handle, tr->code,
			  error);
}

int sipc_transact(struct sipc_thread *thread, struct sipc_transact *tr)
{
	int ret = transact(thread, tr);
	bool sent = tr->out_flags & SIPC_OUT_SENT;

	if (!ret || tr->send_op == SIPC_SEND_NONE)
		return ret;
	/* After a send, EINTR and EAGAIN only end the wait for more work. */
	if (!sent || tr->send_op == SIPC_SEND_CALL ||
	    (tr->send_op == SIPC_SEND_REPLY && ret != -EINTR &&
	     ret != -EAGAIN))
		record_failure(thread, tr, ret);
	return ret;
}
