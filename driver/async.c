// SPDX-License-Identifier: GPL-2.0
/*
 * Asynchronous calls (SIPC_SEND_CALL_ASYNC): sent and served as a call,
 * but the caller is its context, not a waiting thread. The transaction's
 * caller side is its place on the context's list of outstanding calls,
 * found by id for a cancel; its outcome goes to the context's queue as an
 * SIPC_EV_ASYNC_REPLY, which any thread of it takes. Also the per-thread
 * timeout of synchronous calls, which thread.c enforces.
 */
#include <linux/jiffies.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

/*
 * Graph lock held: @t, just built by @proc, becomes one of its
 * outstanding calls and gets its id. A context that died meanwhile takes
 * no new call: nothing would ever end it.
 */
int sipc_async_register(struct sipc_proc *proc, struct sipc_txn *t)
{
	lockdep_assert_held(&proc->dev->lock);
	if (proc->dead)
		return -EBADFD;
	/* 64 bits: never wraps to 0, nor to an id still outstanding. */
	t->async_id = ++proc->next_async_id;
	t->async_proc = proc;
	list_add_tail(&t->async_entry, &proc->async_calls);
	proc->nr_async++;
	return 0;
}

/* Graph lock held: @t ended (t->error, or its reply): tell its caller. */
void sipc_async_done(struct sipc_txn *t)
{
	lockdep_assert_held(&t->to_proc->dev->lock);
	t->async_done.type = SIPC_WORK_ASYNC_REPLY;
	sipc_queue_proc_work(t->async_proc, &t->async_done, false);
}

/* Graph lock held: @t no longer belongs to its caller. */
static void async_unlink(struct sipc_txn *t)
{
	list_del_init(&t->async_entry);
	t->async_proc->nr_async--;
	t->async_proc = NULL;
}

/*
 * Graph lock held: the ended call @t becomes this thread's event. Its
 * caller side goes with it; the reply's buffer is the thread's to hand.
 */
struct sipc_buffer *sipc_async_deliver(struct sipc_thread *thread,
				       struct sipc_txn *t,
				       struct sipc_transact *tr,
				       struct list_head *reap)
{
	struct sipc_buffer *buf = t->reply;

	lockdep_assert_held(&thread->proc->dev->lock);
	tr->ev.type = SIPC_EV_ASYNC_REPLY;
	tr->ev.cookie = t->async_id;
	async_unlink(t);
	if (t->error) {
		tr->ev.flags = SIPC_EVF_ASYNC_ERROR;
		tr->ev.code = (u32)t->error;
		buf = NULL;
	} else {
		tr->ev.code = t->reply_code;
		sipc_set_event_buffer(&tr->ev, &thread->proc->area, buf);
		t->reply = NULL;
	}
	sipc_txn_put(t, reap);
	return buf;
}

/*
 * Graph lock held: the caller gives @t up. Queued to its target and not
 * taken yet, it is withdrawn; ended, its event goes (and its reply with
 * the transaction); in service, its server's reply will find nobody.
 */
static void async_cancel(struct sipc_txn *t, struct list_head *reap)
{
	struct sipc_proc *target = t->to_proc;

	lockdep_assert_held(&target->dev->lock);
	async_unlink(t);
	if (t->completed) {
		list_del_init(&t->async_done.entry);
	} else if (!t->to_thread && !list_empty(&t->work.entry)) {
		list_del_init(&t->work.entry);
		t->completed = true;
		sipc_txn_put(t, reap);
	}
	sipc_txn_put(t, reap);
	sipc_freeze_calls_ended(target);
}

/* The context died (graph lock held): its calls go as if cancelled. */
void sipc_async_cancel_all(struct sipc_proc *proc, struct list_head *reap)
{
	struct sipc_txn *t, *tmp;

	lockdep_assert_held(&proc->dev->lock);
	list_for_each_entry_safe(t, tmp, &proc->async_calls, async_entry)
		async_cancel(t, reap);
}

static int cancel_by_id(struct sipc_proc *proc, u64 id)
{
	struct sipc_txn *t, *found = NULL;
	LIST_HEAD(reap);

	sipc_graph_lock(proc->dev);
	list_for_each_entry(t, &proc->async_calls, async_entry) {
		if (t->async_id == id) {
			found = t;
			break;
		}
	}
	if (found)
		async_cancel(found, &reap);
	sipc_graph_unlock(proc->dev);
	sipc_txn_reap(&reap);
	return found ? 0 : -ENOENT;
}

static int set_call_timeout(struct sipc_proc *proc, u32 ms)
{
	struct sipc_thread *thread = sipc_thread_get(proc);

	if (IS_ERR(thread))
		return PTR_ERR(thread);
	/* Only the thread itself reads it, in its own calls. */
	thread->call_timeout_ms = ms;
	return 0;
}

int sipc_ioctl_async(struct sipc_proc *proc, unsigned int cmd,
		     void __user *arg)
{
	u64 id;
	u32 ms;

	switch (cmd) {
	case SIPC_IOC_CALL_CANCEL:
		if (get_user(id, (u64 __user *)arg))
			return -EFAULT;
		return cancel_by_id(proc, id);
	case SIPC_IOC_SET_CALL_TIMEOUT:
		if (get_user(ms, (u32 __user *)arg))
			return -EFAULT;
		return set_call_timeout(proc, ms);
	default:
		return -ENOTTY;
	}
}
