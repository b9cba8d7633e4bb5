// SPDX-License-Identifier: GPL-2.0
/*
 * Priority inheritance: a synchronous call runs, in the thread that serves
 * it, at least at its caller's scheduling class and priority, and at least
 * at its node's minimum, from before the server runs until it replies.
 * Otherwise a real-time caller waiting on a normal server waits as long as
 * any medium-priority task keeps the server's CPU busy (the inversion).
 *
 * Who raises: when the call goes to a known thread (one idle, or one that
 * waits on the chain of calls that led to it), the caller raises it right
 * after waking it, still on its own CPU, so the server preempts whatever
 * runs there; a call that waits in the process's queue is raised by the
 * thread that takes it, for itself. The thread's prio_lock orders the two.
 * The server puts its own priority back once its reply has woken the
 * caller. A nested call (A -> B -> C) passes on what B runs at, A's.
 *
 * Never lower: a thread already at or above what is wanted stays as it
 * is. Never more than the caller may use itself: an RT priority above its
 * RLIMIT_RTPRIO or a negative nice beyond its RLIMIT_NICE is passed on
 * only with CAP_SYS_NICE, as is a node minimum its owner asks for.
 */
#include <linux/capability.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <uapi/linux/sched/types.h>

#include "sipc_internal.h"

static bool sipc_inherit = true;
module_param_named(priority_inheritance, sipc_inherit, bool, 0644);
MODULE_PARM_DESC(priority_inheritance,
		 "Run a synchronous call at its caller's priority (node minimums apply regardless)");

/* As the scheduler's own prio: lower is more urgent. */
static int prio_rank(const struct sipc_prio *p)
{
	switch (p->policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return MAX_RT_PRIO - 1 - p->prio;
	case SCHED_IDLE:
		return MAX_PRIO;
	default:
		return NICE_TO_PRIO(p->prio);
	}
}

static bool prio_above(const struct sipc_prio *a, const struct sipc_prio *b)
{
	return prio_rank(a) < prio_rank(b);
}

/* What @task runs at by its own settings (a deadline task: above all RT). */
static void prio_of_task(struct task_struct *task, struct sipc_prio *p)
{
	unsigned int policy = READ_ONCE(task->policy);

	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		p->policy = policy;
		p->prio = READ_ONCE(task->rt_priority);
		break;
	case SCHED_DEADLINE:
		p->policy = SCHED_FIFO;
		p->prio = MAX_RT_PRIO - 1;
		break;
	case SCHED_IDLE:
		p->policy = SCHED_IDLE;
		p->prio = 0;
		break;
	default:
		p->policy = SCHED_NORMAL;
		p->prio = task_nice(task);
	}
}

/* What a thread's own settings @s are worth, as inheritance compares. */
static void prio_of_sched(const struct sipc_sched *s, struct sipc_prio *p)
{
	p->policy = s->policy == SCHED_FIFO || s->policy == SCHED_RR ||
		    s->policy == SCHED_IDLE ? s->policy : SCHED_NORMAL;
	p->prio = p->policy == SCHED_NORMAL ? s->nice : s->rt_priority;
}

static bool may_nice(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_SYS_NICE);
}

/*
 * Clamp @p to what the current task may use by its limits, unless it may
 * nice at will (CAP_SYS_NICE). True if it had to.
 */
static bool prio_clamp_to_limits(struct sipc_prio *p)
{
	unsigned long rtmax = rlimit(RLIMIT_RTPRIO);
	unsigned long nicemax = rlimit(RLIMIT_NICE);
	bool rt = p->policy == SCHED_FIFO || p->policy == SCHED_RR;
	bool clamped = false;

	if (rt && p->prio > rtmax) {
		if (may_nice())
			return false;
		clamped = true;
		if (rtmax) {
			p->prio = rtmax;
			return true;
		}
		/* No RT at all: its nice, as far as that goes. */
		p->policy = SCHED_NORMAL;
		p->prio = task_nice(current);
	}
	if (p->policy == SCHED_NORMAL && p->prio < 0 &&
	    nice_to_rlimit(p->prio) > nicemax) {
		if (may_nice())
			return clamped;
		p->prio = min_t(long, 0, rlimit_to_nice(nicemax));
		clamped = true;
	}
	return clamped;
}

/* A node's minimum from NODE_CREATE's non-zero sched field. */
int sipc_prio_from_user(u32 sched, struct sipc_prio *p)
{
	u32 policy = SIPC_SCHED_POLICY(sched), prio = SIPC_SCHED_PRIO(sched);

	if (!(sched & SIPC_SCHED_MIN) || sched & ~SIPC_SCHED_MASK)
		return -EINVAL;
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		if (prio < 1 || prio > MAX_RT_PRIO - 1)
			return -EINVAL;
		p->prio = prio;
		break;
	case SCHED_NORMAL:
		if (prio > 39)
			return -EINVAL;
		p->prio = (int)prio - 20;
		break;
	default:
		return -EINVAL;
	}
	p->policy = policy;
	/* Its owner may not hand its threads more than it may use. */
	return prio_clamp_to_limits(p) ? -EPERM : 0;
}

/*
 * At the send of a call to @node by @thread: what its server must run it
 * at, at least. Caller's context. A thread that runs raised for a call it
 * serves passes on what it was lent, which its lender's rights bounded,
 * not what its own limits would allow: the chain A -> B -> C runs C at A's.
 */
void sipc_prio_for_call(struct sipc_thread *thread, struct sipc_txn *t,
			const struct sipc_node *node)
{
	struct sipc_prio caller;

	t->prio_state = SIPC_PRIO_NONE;
	if (READ_ONCE(sipc_inherit)) {
		prio_of_task(current, &caller);
		if (!READ_ONCE(thread->prio_depth))
			prio_clamp_to_limits(&caller);
		t->prio = caller;
		t->prio_state = SIPC_PRIO_ASK;
	}
	if (node->has_min_prio &&
	    (t->prio_state == SIPC_PRIO_NONE ||
	     prio_above(&node->min_prio, &t->prio))) {
		t->prio = node->min_prio;
		t->prio_state = SIPC_PRIO_ASK;
	}
}

/* Whether @thread (its task, now) runs below what @t wants. Graph lock held. */
bool sipc_prio_below(const struct sipc_txn *t, struct sipc_thread *thread)
{
	struct task_struct *task;
	struct sipc_prio now;
	bool below = false;

	if (t->prio_state != SIPC_PRIO_ASK)
		return false;
	/* Idle but still settling (it owes): what it goes back to. */
	if (READ_ONCE(thread->prio_owed)) {
		prio_of_sched(&thread->prio_owed_to, &now);
		return prio_above(&t->prio, &now);
	}
	rcu_read_lock();
	task = pid_task(thread->tid, PIDTYPE_PID);
	if (task) {
		prio_of_task(task, &now);
		below = prio_above(&t->prio, &now);
	}
	rcu_read_unlock();
	return below;
}

/*
 * @t goes to @thread, which runs below it: the caller will raise it
 * (sipc_prio_raise_thread() once the lock is dropped). Graph lock held.
 */
void sipc_prio_claim(struct sipc_txn *t, struct sipc_thread *thread)
{
	lockdep_assert_held(&thread->proc->dev->lock);
	t->prio_state = SIPC_PRIO_CALLER;
	sipc_thread_ref(thread);
}

static void sched_save(struct task_struct *task, struct sipc_sched *s)
{
	s->policy = task->policy;
	s->rt_priority = task->rt_priority;
	s->nice = task_nice(task);
	s->reset_on_fork = task->sched_reset_on_fork;
}

static void sched_set(struct task_struct *task, u32 policy, u32 rt_priority,
		      int nice, bool reset_on_fork)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = policy,
		.sched_priority = rt_priority,
		.sched_nice = nice,
		.sched_flags = reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0,
	};
	int ret = sched_setattr_nocheck(task, &attr);

	if (ret)
		pr_warn_ratelimited("sipc: cannot set the priority of task %d: %d\n",
				    task_pid_nr(task), ret);
}

/* @task back to settings it had (sched_save()'s). */
static void sched_restore(struct task_struct *task,
			  const struct sipc_sched *s)
{
	sched_set(task, s->policy, s->rt_priority, s->nice, s->reset_on_fork);
}

/* One raised call fewer: @task back to @s, what it ran at before it. */
static void step_down(struct sipc_thread *thread, struct task_struct *task,
		      const struct sipc_sched *s)
{
	lockdep_assert_held(&thread->prio_lock);
	sched_restore(task, s);
	if (thread->prio_depth)
		thread->prio_depth--;
}

static bool wants_prio(const struct sipc_txn *t)
{
	return t->prio_state == SIPC_PRIO_ASK ||
	       t->prio_state == SIPC_PRIO_CALLER;
}

static void prio_apply(struct task_struct *task, const struct sipc_prio *p,
		       const struct sipc_sched *own)
{
	if (p->policy == SCHED_NORMAL)
		sched_set(task, SCHED_NORMAL, 0, p->prio, own->reset_on_fork);
	else
		sched_set(task, p->policy, p->prio, own->nice,
			  own->reset_on_fork);
}

/*
 * @thread, still raised for the call it answered (it owes its own
 * settings back), is to serve @t: straight from there to @t's priority,
 * or to its own, in one change, never below both in between. The depth
 * the answered call had passes to @t. prio_lock held.
 */
static void serve_from_owed(struct sipc_thread *thread,
			    struct task_struct *task, struct sipc_txn *t)
{
	const struct sipc_sched *own = &thread->prio_owed_to;
	struct sipc_prio base;

	lockdep_assert_held(&thread->prio_lock);
	thread->prio_owed = false;
	prio_of_sched(own, &base);
	if (wants_prio(t) && prio_above(&t->prio, &base)) {
		t->server_prev = *own;
		prio_apply(task, &t->prio, own);
		t->prio_state = SIPC_PRIO_RAISED;
		sipc_count(&thread->proc->dev->stats, SIPC_CNT_PRIO_RAISED);
		return;
	}
	step_down(thread, task, own);
	if (wants_prio(t))
		t->prio_state = SIPC_PRIO_NONE;
}

/*
 * Raise @task, which serves @t for @thread, if it runs below @t's want;
 * the thread's prio_lock held. @t remembers what it ran at before.
 */
static void prio_raise(struct sipc_thread *thread, struct task_struct *task,
		       struct sipc_txn *t)
{
	struct sipc_prio now;

	lockdep_assert_held(&thread->prio_lock);
	if (thread->prio_owed) {
		serve_from_owed(thread, task, t);
		return;
	}
	if (!wants_prio(t))
		return;
	prio_of_task(task, &now);
	if (!prio_above(&t->prio, &now)) {
		t->prio_state = SIPC_PRIO_NONE;
		return;
	}
	sched_save(task, &t->server_prev);
	if (!thread->prio_depth++)
		thread->prio_base = t->server_prev;
	prio_apply(task, &t->prio, &t->server_prev);
	t->prio_state = SIPC_PRIO_RAISED;
	sipc_count(&thread->proc->dev->stats, SIPC_CNT_PRIO_RAISED);
}

/*
 * The caller, no lock held, @t still its own call: raise the thread it
 * went to, unless that thread took it and saw to it first. Drops the
 * reference sipc_prio_claim() took.
 */
void sipc_prio_raise_thread(struct sipc_txn *t, struct sipc_thread *thread)
{
	struct task_struct *task = get_pid_task(thread->tid, PIDTYPE_PID);

	mutex_lock(&thread->prio_lock);
	if (t->prio_state == SIPC_PRIO_CALLER) {
		if (task && !thread->prio_gone)
			prio_raise(thread, task, t);
		else
			t->prio_state = SIPC_PRIO_NONE;
	}
	mutex_unlock(&thread->prio_lock);
	if (task)
		put_task_struct(task);
	sipc_thread_put(thread);
}

/*
 * Graph lock held, the current thread taking @t: whether it has to see to
 * its priority itself (sipc_prio_serve()) once the lock is dropped.
 */
bool sipc_prio_on_deliver(struct sipc_thread *thread, struct sipc_txn *t)
{
	struct sipc_prio now;

	if (t->prio_state == SIPC_PRIO_CALLER)
		return true;
	if (t->prio_state != SIPC_PRIO_ASK)
		return false;
	/* Still raised for the call it answered: it owes its own. */
	if (thread->prio_owed)
		return true;
	prio_of_task(current, &now);
	if (prio_above(&t->prio, &now))
		return true;
	t->prio_state = SIPC_PRIO_NONE;
	return false;
}

/* The current thread took @t (held for it): run it at its priority. */
void sipc_prio_serve(struct sipc_thread *thread, struct sipc_txn *t)
{
	mutex_lock(&thread->prio_lock);
	prio_raise(thread, current, t);
	mutex_unlock(&thread->prio_lock);
}

/*
 * Graph lock held, @t popped off the current thread's stack: what to put
 * back once it has no new call to run (sipc_prio_owe()), if anything.
 */
bool sipc_prio_on_pop(struct sipc_txn *t, struct sipc_sched *prev)
{
	bool raised = t->prio_state == SIPC_PRIO_RAISED;

	if (raised)
		*prev = t->server_prev;
	t->prio_state = SIPC_PRIO_DONE;
	return raised;
}

/*
 * The current thread answered a call it ran raised: it goes back to @s,
 * but only once it is sure no new call waits for it (the reply's caller,
 * running again, may send the next one at once, and a server dropped
 * back meanwhile could not get the CPU to take it).
 */
void sipc_prio_owe(struct sipc_thread *thread, const struct sipc_sched *s)
{
	thread->prio_owed_to = *s;
	thread->prio_owed = true;
}

/* No new call to run: back to what the answered call found. */
void sipc_prio_settle_owed(struct sipc_thread *thread)
{
	const struct sipc_sched *s = &thread->prio_owed_to;

	if (likely(!thread->prio_owed))
		return;
	mutex_lock(&thread->prio_lock);
	thread->prio_owed = false;
	step_down(thread, current, s);
	mutex_unlock(&thread->prio_lock);
}

/* Back to its own settings, whatever it serves; prio_lock held. */
static void back_to_base(struct sipc_thread *thread, struct task_struct *task)
{
	const struct sipc_sched *s = &thread->prio_base;

	lockdep_assert_held(&thread->prio_lock);
	if (!thread->prio_depth)
		return;
	if (task)
		sched_restore(task, s);
	thread->prio_depth = 0;
}

/*
 * The current thread serves nothing (its calls were unwound under it, by
 * its context's death or a flush) yet still runs raised: back to its own.
 */
void sipc_prio_settle(struct sipc_thread *thread)
{
	if (likely(!READ_ONCE(thread->prio_depth)) || READ_ONCE(thread->stack))
		return;
	mutex_lock(&thread->prio_lock);
	back_to_base(thread, current);
	mutex_unlock(&thread->prio_lock);
}

/*
 * The thread leaves sipc (SIPC_IOC_THREAD_EXIT, or its file's release):
 * its task goes back to its own settings, and no caller raises it again.
 */
void sipc_prio_leave(struct sipc_thread *thread)
{
	struct task_struct *task;

	mutex_lock(&thread->prio_lock);
	thread->prio_gone = true;
	if (thread->prio_depth) {
		task = get_pid_task(thread->tid, PIDTYPE_PID);
		back_to_base(thread, task);
		if (task)
			put_task_struct(task);
	}
	mutex_unlock(&thread->prio_lock);
}

/*
 * The current thread gives up @t before serving it (its payload could
 * not be taken): undo a raise its caller made, and stop one to come.
 */
void sipc_prio_abandon(struct sipc_thread *thread, struct sipc_txn *t)
{
	mutex_lock(&thread->prio_lock);
	if (t->prio_state == SIPC_PRIO_RAISED)
		step_down(thread, current, &t->server_prev);
	t->prio_state = SIPC_PRIO_DONE;
	mutex_unlock(&thread->prio_lock);
}
