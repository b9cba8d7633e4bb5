// SPDX-License-Identifier: GPL-2.0
/*
 * Threads of a process: their lookup, their queues, and the one place a
 * thread sleeps in the driver, waiting for a reply or for work. A thread
 * awaiting a reply takes only its own queue (nested calls routed to it);
 * an idle thread takes the process's queue too.
 */
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "sipc_internal.h"

/* threads_lock or the graph lock held (see struct sipc_proc). */
static struct sipc_thread *thread_find(struct sipc_proc *proc, pid_t pid,
				       struct rb_node ***linkp,
				       struct rb_node **parentp)
{
	struct rb_node **link = &proc->threads.rb_node, *parent = NULL;

	while (*link) {
		struct sipc_thread *t = rb_entry(*link, struct sipc_thread, rb);

		parent = *link;
		if (pid < t->pid)
			link = &(*link)->rb_left;
		else if (pid > t->pid)
			link = &(*link)->rb_right;
		else
			return t;
	}
	if (linkp) {
		*linkp = link;
		*parentp = parent;
	}
	return NULL;
}

/*
 * Unwind a thread's transactions: calls it serves fail back to their
 * callers, calls it waits on are abandoned, work routed to it fails.
 * Called with the graph lock held.
 */
static void thread_unwind(struct sipc_thread *thread, struct list_head *reap)
{
	struct sipc_txn *t = thread->stack;

	lockdep_assert_held(&thread->proc->dev->lock);
	while (t) {
		struct sipc_txn *next;

		if (t->to_thread == thread) {
			next = t->to_parent;
			t->to_thread = NULL;
			sipc_txn_fail(t, -ESRCH);
			sipc_txn_put(t, reap);
		} else {
			next = t->from_parent;
			t->from = NULL;
			sipc_txn_put(t, reap);
		}
		t = next;
	}
	thread->stack = NULL;

	while (!list_empty(&thread->todo)) {
		struct sipc_work *w = list_first_entry(&thread->todo,
						       struct sipc_work, entry);
		struct sipc_txn *nested = container_of(w, struct sipc_txn, work);

		list_del_init(&w->entry);
		sipc_txn_fail(nested, -ESRCH);
		sipc_txn_put(nested, reap);
	}
	list_del_init(&thread->waiting_entry);
}

/* Out of the process's tree, its work unwound; graph lock held. */
static void thread_detach(struct sipc_thread *thread, struct list_head *reap)
{
	struct sipc_proc *proc = thread->proc;

	lockdep_assert_held(&proc->dev->lock);
	thread_unwind(thread, reap);
	spin_lock(&proc->threads_lock);
	rb_erase(&thread->rb, &proc->threads);
	spin_unlock(&proc->threads_lock);
	proc->nr_threads--;
	/* Its place may be taken by a new spawn. */
	if (thread->looper & SIPC_THREAD_SPAWNED)
		proc->started_threads--;
}

/* Graph lock held, or the thread in its process's tree: one more holder. */
void sipc_thread_ref(struct sipc_thread *thread)
{
	refcount_inc(&thread->refs);
}

/* No lock held. The struct goes with its last holder. */
void sipc_thread_put(struct sipc_thread *thread)
{
	if (!refcount_dec_and_test(&thread->refs))
		return;
	sipc_count(&thread->proc->dev->stats, SIPC_CNT_THREADS_FREED);
	put_pid(thread->tid);
	kfree(thread->spare_txn);
	mutex_destroy(&thread->prio_lock);
	kfree(thread);
}

/* Out of the tree: its process's reference goes. */
static void thread_free(struct sipc_thread *thread)
{
	sipc_thread_put(thread);
}

void sipc_thread_release(struct sipc_thread *thread)
{
	struct sipc_proc *proc = thread->proc;
	LIST_HEAD(reap);

	sipc_prio_leave(thread);
	sipc_graph_lock(proc->dev);
	thread_detach(thread, &reap);
	sipc_graph_unlock(proc->dev);
	sipc_txn_reap(&reap);
	thread_free(thread);
}

/*
 * Threads that exited without SIPC_IOC_THREAD_EXIT leave their structs
 * behind; every time the count doubles past a few dozen, those of threads
 * that are gone are swept, so a process cannot pile them up one per
 * thread id it ever had. A thread whose task is gone runs no ioctl.
 */
#define SIPC_THREADS_SWEEP_FROM	64

static void threads_sweep(struct sipc_proc *proc, struct list_head *gone,
			  struct list_head *reap)
{
	struct rb_node *n = rb_first(&proc->threads);

	lockdep_assert_held(&proc->dev->lock);
	while (n) {
		struct sipc_thread *t = rb_entry(n, struct sipc_thread, rb);

		n = rb_next(n);
		if (!pid_has_task(t->tid, PIDTYPE_PID)) {
			thread_detach(t, reap);
			list_add(&t->waiting_entry, gone);
		}
	}
}

static void threads_free(struct list_head *gone, struct list_head *reap)
{
	struct sipc_thread *t, *tmp;

	sipc_txn_reap(reap);
	list_for_each_entry_safe(t, tmp, gone, waiting_entry) {
		list_del(&t->waiting_entry);
		thread_free(t);
	}
}

/*
 * The calling thread's context, made on its first ioctl. One left by a
 * thread that exited without SIPC_IOC_THREAD_EXIT, whose id this thread
 * got again, is released first: a new thread inherits no call stack, no
 * looper state and no spawn slot. The struct pid tells them apart: the
 * old one's, still referenced, is never handed to another thread.
 */
struct sipc_thread *sipc_thread_get(struct sipc_proc *proc)
{
	struct sipc_thread *thread, *fresh;
	struct rb_node **link, *parent;
	pid_t pid = current->pid;
	LIST_HEAD(gone);
	LIST_HEAD(reap);

	/* The common case, every ioctl: ourselves, without the graph lock. */
	spin_lock(&proc->threads_lock);
	thread = thread_find(proc, pid, NULL, NULL);
	spin_unlock(&proc->threads_lock);
	if (thread && thread->tid == task_pid(current))
		return thread;

	sipc_graph_lock(proc->dev);
	thread = thread_find(proc, pid, NULL, NULL);
	/* Its owner is dead (its id was free again): no ioctl of it runs. */
	if (thread) {
		thread_detach(thread, &reap);
		list_add(&thread->waiting_entry, &gone);
	}
	sipc_graph_unlock(proc->dev);
	threads_free(&gone, &reap);

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return ERR_PTR(-ENOMEM);
	refcount_set(&fresh->refs, 1);
	mutex_init(&fresh->prio_lock);
	fresh->proc = proc;
	fresh->pid = pid;
	fresh->tid = get_pid(task_pid(current));
	INIT_LIST_HEAD(&fresh->todo);
	INIT_LIST_HEAD(&fresh->waiting_entry);
	init_waitqueue_head(&fresh->wait);

	sipc_graph_lock(proc->dev);
	thread = thread_find(proc, pid, &link, &parent);
	if (!thread) {
		spin_lock(&proc->threads_lock);
		rb_link_node(&fresh->rb, parent, link);
		rb_insert_color(&fresh->rb, &proc->threads);
		spin_unlock(&proc->threads_lock);
		proc->nr_threads++;
		sipc_count(&proc->dev->stats, SIPC_CNT_THREADS_CREATED);
		thread = fresh;
		fresh = NULL;
		if (proc->nr_threads >= SIPC_THREADS_SWEEP_FROM &&
		    is_power_of_2(proc->nr_threads))
			threads_sweep(proc, &gone, &reap);
	}
	sipc_graph_unlock(proc->dev);
	threads_free(&gone, &reap);
	if (fresh) {
		put_pid(fresh->tid);
		mutex_destroy(&fresh->prio_lock);
		kfree(fresh);
	}
	return thread;
}

/*
 * The context died (sipc_proc_die()): every thread's calls unwind, and a
 * thread still in the driver (another thread unmapped the area) wakes to
 * see it. The structs stay until ->release, as an ioctl may be using them.
 */
void sipc_proc_unwind_threads(struct sipc_proc *proc)
{
	struct rb_node *n;
	LIST_HEAD(reap);

	sipc_graph_lock(proc->dev);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		struct sipc_thread *t = rb_entry(n, struct sipc_thread, rb);

		thread_unwind(t, &reap);
		sipc_thread_wake(t, false);
	}
	sipc_graph_unlock(proc->dev);
	sipc_txn_reap(&reap);
}

/* The file is going away: no ioctl runs any more, free every thread. */
void sipc_proc_free_threads(struct sipc_proc *proc)
{
	struct rb_node *n;

	while ((n = READ_ONCE(proc->threads.rb_node)))
		sipc_thread_release(rb_entry(n, struct sipc_thread, rb));
}

void sipc_proc_flush(struct sipc_proc *proc)
{
	struct rb_node *n;

	sipc_graph_lock(proc->dev);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		struct sipc_thread *t = rb_entry(n, struct sipc_thread, rb);

		t->need_return = true;
		sipc_thread_wake(t, false);
	}
	sipc_graph_unlock(proc->dev);
}

/*
 * Wake @thread for its reply or its work. The count lets a caller that
 * spins for its reply (spin.c) see the wake-up without the lock.
 */
void sipc_thread_wake(struct sipc_thread *thread, bool sync)
{
	lockdep_assert_held(&thread->proc->dev->lock);
	WRITE_ONCE(thread->wake_seq, thread->wake_seq + 1);
	if (sync)
		wake_up_interruptible_sync(&thread->wait);
	else
		wake_up_interruptible(&thread->wait);
}

/*
 * Tell poll()ers that work was queued. Graph lock held: it orders this
 * check against the one in sipc_thread_poll(), so no wake-up is lost.
 */
void sipc_wake_pollers(struct sipc_proc *proc)
{
	lockdep_assert_held(&proc->dev->lock);
	/* No barrier needed: the graph lock orders us against the poller. */
	if (waitqueue_active(&proc->poll_wait))
		wake_up_interruptible(&proc->poll_wait);
}

/* Queue work any thread may take, waking one idle thread. Graph lock held. */
void sipc_queue_proc_work(struct sipc_proc *proc, struct sipc_work *w,
			  bool sync)
{
	struct sipc_thread *idle;

	lockdep_assert_held(&proc->dev->lock);
	list_add_tail(&w->entry, &proc->todo);
	idle = list_first_entry_or_null(&proc->waiting, struct sipc_thread,
					waiting_entry);
	if (!idle) {
		sipc_wake_pollers(proc);
		return;
	}
	list_del_init(&idle->waiting_entry);
	sipc_thread_wake(idle, sync);
}

int sipc_looper_enter(struct sipc_thread *thread, u32 flags)
{
	struct sipc_proc *proc = thread->proc;
	int ret = 0;

	if (flags & ~(SIPC_LOOPER_SPAWNED | SIPC_LOOPER_DECLINE) ||
	    flags == (SIPC_LOOPER_SPAWNED | SIPC_LOOPER_DECLINE))
		return -EINVAL;
	sipc_graph_lock(proc->dev);
	if (flags & SIPC_LOOPER_DECLINE) {
		/* Withdrawn, so that the next busy moment may ask again. */
		if (proc->requested_threads)
			proc->requested_threads--;
		else
			ret = -EPROTO;
	} else if (thread->looper & SIPC_THREAD_LOOPER) {
		ret = -EPROTO;
	} else if (flags & SIPC_LOOPER_SPAWNED) {
		if (!proc->requested_threads) {
			ret = -EPROTO;
		} else {
			proc->requested_threads--;
			proc->started_threads++;
			thread->looper = SIPC_THREAD_LOOPER |
					 SIPC_THREAD_SPAWNED;
		}
	} else {
		thread->looper = SIPC_THREAD_LOOPER;
	}
	sipc_graph_unlock(proc->dev);
	return ret;
}

__poll_t sipc_thread_poll(struct sipc_thread *thread, struct file *file,
			  struct poll_table_struct *wait)
{
	struct sipc_proc *proc = thread->proc;
	bool ready;

	/*
	 * Queued first, checked second: a wake-up in between is not lost.
	 * Only on the process's queue, which lives as long as the file: a
	 * thread's may go (SIPC_IOC_THREAD_EXIT) while epoll still holds it.
	 */
	poll_wait(file, &proc->poll_wait, wait);
	sipc_graph_lock(proc->dev);
	ready = !list_empty(&thread->todo) ||
		(!thread->stack && !list_empty(&proc->todo));
	sipc_graph_unlock(proc->dev);
	return ready ? EPOLLIN | EPOLLRDNORM : 0;
}

/* The innermost call this thread made and still waits on, if any. */
static struct sipc_txn *awaited_call(struct sipc_thread *thread)
{
	struct sipc_txn *t = thread->stack;

	return t && t->from == thread ? t : NULL;
}

static bool may_take_proc_work(struct sipc_thread *thread)
{
	return !thread->stack;
}

/*
 * Ask for one more looper when this one is about to get busy and none is
 * idle, as long as the process allows more. Graph lock held.
 */
static void maybe_request_spawn(struct sipc_thread *thread,
				struct sipc_transact *tr)
{
	struct sipc_proc *proc = thread->proc;

	lockdep_assert_held(&proc->dev->lock);
	if (!(thread->looper & SIPC_THREAD_LOOPER) ||
	    !list_empty(&proc->waiting) || proc->requested_threads ||
	    proc->started_threads >= proc->max_threads)
		return;
	proc->requested_threads++;
	tr->out_flags |= SIPC_OUT_SPAWN_THREAD;
}

/* Take one work item for this thread; graph lock held. */
static struct sipc_work *take_work(struct sipc_thread *thread)
{
	struct list_head *q = &thread->todo;

	lockdep_assert_held(&thread->proc->dev->lock);
	if (list_empty(q)) {
		if (!may_take_proc_work(thread) ||
		    list_empty(&thread->proc->todo))
			return NULL;
		q = &thread->proc->todo;
	}
	return list_first_entry(q, struct sipc_work, entry);
}

/* Turn one work item into the event returned to user space. */
static struct sipc_buffer *deliver_work(struct sipc_thread *thread,
					struct sipc_work *w,
					struct sipc_transact *tr,
					struct list_head *reap)
{
	struct sipc_freeze_watch *watch;
	struct sipc_death *death;
	struct sipc_node *node;

	list_del_init(&w->entry);
	switch (w->type) {
	case SIPC_WORK_TXN:
		maybe_request_spawn(thread, tr);
		return sipc_txn_deliver(thread,
					container_of(w, struct sipc_txn, work),
					tr, reap);
	case SIPC_WORK_DEATH:
		death = container_of(w, struct sipc_death, work);
		tr->ev.type = SIPC_EV_DEATH;
		tr->ev.cookie = death->cookie;
		if (death->ref)
			death->ref->death = NULL;
		sipc_count(&thread->proc->dev->stats, SIPC_CNT_DEATHS_FREED);
		kfree(death);
		break;
	case SIPC_WORK_RELEASED:
		node = container_of(w, struct sipc_node, released);
		node->released_queued = false;
		tr->ev.type = SIPC_EV_RELEASED;
		tr->ev.cookie = node->cookie;
		break;
	case SIPC_WORK_ASYNC_REPLY:
		return sipc_async_deliver(thread,
					  container_of(w, struct sipc_txn,
						       async_done),
					  tr, reap);
	case SIPC_WORK_FROZEN:
		watch = container_of(w, struct sipc_freeze_watch, work);
		watch->queued = false;
		tr->ev.type = SIPC_EV_FROZEN;
		tr->ev.cookie = watch->cookie;
		tr->ev.code = watch->frozen;
		break;
	}
	return NULL;
}

/*
 * No lock held: until @thread's wake count moves past @seq, a signal, or
 * @timeout jiffies (-ETIMEDOUT; MAX_SCHEDULE_TIMEOUT: none). With @spin,
 * spin first (spin.c); a spin that saw no wake-up goes to sleep on the
 * same count, as nothing has changed that needs a new look under the lock.
 */
static int wait_for_wake(struct sipc_thread *thread, unsigned int seq,
			 bool spin, long timeout)
{
	long left;

	if (spin && sipc_spin_for_wake(thread, seq))
		return 0;
	if (timeout == MAX_SCHEDULE_TIMEOUT)
		return wait_event_interruptible(thread->wait,
						READ_ONCE(thread->wake_seq) != seq);
	left = wait_event_interruptible_timeout(thread->wait,
						READ_ONCE(thread->wake_seq) != seq,
						timeout);
	if (left < 0)
		return left;
	return left ? 0 : -ETIMEDOUT;
}

/*
 * What is left of the awaited @call's time (SIPC_IOC_SET_CALL_TIMEOUT):
 * MAX_SCHEDULE_TIMEOUT without one, 0 once it is over.
 */
static long call_time_left(const struct sipc_txn *call)
{
	long left;

	if (!call || !call->has_deadline)
		return MAX_SCHEDULE_TIMEOUT;
	left = (long)(call->deadline - jiffies);
	return left > 0 ? left : 0;
}

/*
 * Wait for the reply to this thread's innermost call, or for work. A signal
 * abandons the awaited call (its late reply is discarded) and returns
 * -EINTR, its time running out likewise with -ETIMEDOUT; a pure wait is
 * restartable when nothing was sent before it.
 */
static int wait_once(struct sipc_thread *thread, struct sipc_transact *tr,
		     bool nonblock, bool restartable,
		     struct sipc_buffer **handedp)
{
	struct sipc_proc *proc = thread->proc;
	struct sipc_txn *call;
	struct sipc_buffer *handed = NULL;
	struct sipc_work *w;
	bool spun = false, spin;
	unsigned int seq;
	long timeout;
	u64 start = 0;
	LIST_HEAD(reap);
	int ret = 0;

	sipc_graph_lock(proc->dev);
	for (;;) {
		call = awaited_call(thread);
		/* Its area is gone: nothing can be delivered any more. */
		if (proc->dead) {
			ret = -EBADFD;
			break;
		}
		if (call && call->completed) {
			if (start)
				sipc_spin_note_reply(thread,
						     local_clock() - start);
			handed = sipc_txn_take_reply(thread, call, tr);
			ret = call->error;
			sipc_txn_put(call, &reap);
			break;
		}
		w = take_work(thread);
		if (w) {
			handed = deliver_work(thread, w, tr, &reap);
			break;
		}
		/* A close() wakes idle waiters; a pending call goes on. */
		if (thread->need_return && !call) {
			thread->need_return = false;
			ret = -EINTR;
			break;
		}
		if (nonblock && !call) {
			ret = -EAGAIN;
			break;
		}
		timeout = call_time_left(call);
		if (!timeout) {
			ret = -ETIMEDOUT;
			break;
		}
		if (may_take_proc_work(thread))
			list_add(&thread->waiting_entry, &proc->waiting);
		/*
		 * Whatever gives this thread its reply or work (a reply, a
		 * nested call, work queued to an idle thread, a failed call,
		 * a flush, the context's death) wakes it with
		 * sipc_thread_wake(), under this lock: the count moving is
		 * the whole condition, read without the lock.
		 */
		seq = thread->wake_seq;
		/* A reply to wait for: the first time, spin before sleeping. */
		spin = call && !spun;
		if (spin) {
			spun = true;
			start = local_clock();
		}
		sipc_graph_unlock(proc->dev);

		/*
		 * No new call: an answered raised one's priority goes back
		 * now, with this thread already idle, so that the next call
		 * finds it there and raises it (prio.c takes the settling
		 * over if that call comes first).
		 */
		sipc_prio_settle_owed(thread);
		ret = wait_for_wake(thread, seq, spin, timeout);

		sipc_graph_lock(proc->dev);
		list_del_init(&thread->waiting_entry);
		if (ret) {
			/* A reply that raced with the signal or time wins. */
			call = awaited_call(thread);
			if (!call || !call->completed)
				break;
			ret = 0;
		}
	}
	if (ret == -ERESTARTSYS || ret == -EBADFD || ret == -ETIMEDOUT) {
		call = awaited_call(thread);
		if (call) {
			thread->stack = call->from_parent;
			call->from = NULL;
			sipc_freeze_calls_ended(call->to_proc);
			sipc_txn_put(call, &reap);
		}
		if (ret == -ERESTARTSYS && (call || !restartable))
			ret = -EINTR;
	}
	sipc_graph_unlock(proc->dev);
	sipc_txn_reap_keep(&reap, &thread->spare_txn);
	*handedp = handed;
	return ret;
}

/*
 * A call just taken that runs above this thread (sipc_txn_deliver() held
 * it for this): raise the thread before user space runs it, or, with
 * @serve false (it was refused), only let go of it.
 */
static void serve_pending(struct sipc_thread *thread, bool serve)
{
	struct sipc_txn *t = thread->prio_pending;
	LIST_HEAD(reap);

	if (likely(!t))
		return;
	thread->prio_pending = NULL;
	if (serve)
		sipc_prio_serve(thread, t);
	sipc_graph_lock(thread->proc->dev);
	sipc_txn_put(t, &reap);
	sipc_graph_unlock(thread->proc->dev);
	sipc_txn_reap(&reap);
}

int sipc_wait_for_work(struct sipc_thread *thread, struct sipc_transact *tr,
		       bool nonblock, bool restartable)
{
	struct sipc_area *area = &thread->proc->area;
	struct sipc_buffer *handed;
	int ret, err;

	for (;;) {
		ret = wait_once(thread, tr, nonblock, restartable, &handed);
		if (!handed)
			break;
		err = handed->nr_fds ? sipc_fd_install(area, handed) : 0;
		if (!err) {
			sipc_buffer_deliver(area, handed);
			serve_pending(thread, true);
			break;
		}
		serve_pending(thread, false);
		/* Its descriptors do not fit: the payload fails, not us. */
		sipc_txn_refuse(thread, tr, handed, err);
		if (tr->ev.type == SIPC_EV_REPLY) {
			ret = err;
			break;
		}
		if (tr->ev.type == SIPC_EV_ASYNC_REPLY) {
			/* The call's end is still news: as an error. */
			u64 id = tr->ev.cookie;

			memset(&tr->ev, 0, sizeof(tr->ev));
			tr->ev.type = SIPC_EV_ASYNC_REPLY;
			tr->ev.flags = SIPC_EVF_ASYNC_ERROR;
			tr->ev.code = (u32)err;
			tr->ev.cookie = id;
			break;
		}
		memset(&tr->ev, 0, sizeof(tr->ev));
	}
	/* Back to user space with no new raised call: its own again. */
	sipc_prio_settle_owed(thread);
	return ret;
}
