// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing a process's IPC, as Binder's BINDER_FREEZE, for a process about
 * to be frozen by the cgroup freezer: no synchronous call may then wait on
 * it (EHOSTDOWN at once instead), one-ways are queued for when it thaws
 * and their senders are told, and holders of its nodes' handles may ask to
 * hear of each freeze and thaw (SIPC_EV_FROZEN, coalesced while unread).
 * A freeze first waits, up to the timeout given, for the synchronous calls
 * queued to it or in its service to end.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

/* Synchronous calls to @proc that a caller still waits on. Graph lock held. */
static bool calls_pending(struct sipc_proc *proc)
{
	struct sipc_txn *t;

	lockdep_assert_held(&proc->dev->lock);
	list_for_each_entry(t, &proc->dev->txns, all_entry)
		if (t->to_proc == proc && !(t->flags & SIPC_EVF_ONEWAY) &&
		    sipc_txn_awaited(t))
			return true;
	return false;
}

static bool calls_ended(struct sipc_proc *proc)
{
	bool pending;

	sipc_graph_lock(proc->dev);
	pending = calls_pending(proc);
	sipc_graph_unlock(proc->dev);
	return !pending;
}

/* A call to a freezing process ended: its freezer may go on. */
void sipc_freeze_calls_ended(struct sipc_proc *proc)
{
	if (unlikely(READ_ONCE(proc->frozen)))
		wake_up_all(&proc->dev->freeze_wait);
}

/* Tell each watcher of @proc's nodes its state now. Graph lock held. */
static void notify_watchers(struct sipc_proc *proc)
{
	struct sipc_freeze_watch *w;
	struct sipc_node *node;
	struct sipc_ref *ref;
	struct rb_node *n;

	lockdep_assert_held(&proc->dev->lock);
	for (n = rb_first(&proc->nodes); n; n = rb_next(n)) {
		node = rb_entry(n, struct sipc_node, rb);
		hlist_for_each_entry(ref, &node->refs, node_entry) {
			w = ref->freeze_watch;
			if (!w)
				continue;
			w->frozen = proc->frozen;
			if (w->queued || w->proc->dead)
				continue;
			w->queued = true;
			sipc_queue_proc_work(w->proc, &w->work, false);
		}
	}
}

static void set_frozen(struct sipc_proc *proc, bool frozen)
{
	sipc_graph_lock(proc->dev);
	if (proc->frozen != frozen) {
		proc->frozen = frozen;
		if (frozen) {
			proc->sync_recv = false;
			proc->async_recv = false;
		}
		notify_watchers(proc);
	}
	sipc_graph_unlock(proc->dev);
}

/* Root, or the euid that opened it. */
static bool may_freeze(struct sipc_proc *proc)
{
	return uid_eq(current_euid(), proc->cred->euid) ||
	       capable(CAP_SYS_ADMIN);
}

/*
 * Freeze every context of process @pid on @dev at once (each refuses
 * calls from now), then wait for the calls already in to end; if they do
 * not in time, thaw them all again.
 */
static int freeze(struct sipc_proc **procs, size_t n, u32 timeout_ms)
{
	long left = msecs_to_jiffies(timeout_ms);
	size_t i;

	for (i = 0; i < n; i++)
		set_frozen(procs[i], true);
	for (i = 0; i < n && left > 0; i++)
		left = wait_event_interruptible_timeout(procs[i]->dev->freeze_wait,
							calls_ended(procs[i]),
							left);
	for (i = 0; i < n && left > 0; i++)
		if (!calls_ended(procs[i]))
			left = 0;
	if (left > 0)
		return 0;
	for (i = 0; i < n; i++)
		set_frozen(procs[i], false);
	return left < 0 ? left : -EAGAIN;
}

/* The contexts @pid opened on @proc's device, each one ours to freeze. */
static struct sipc_proc **target_procs(struct sipc_proc *proc, u32 pid,
				       size_t *n, int *err)
{
	struct sipc_proc **procs;
	struct pid *tgid;
	size_t i;

	tgid = find_get_pid(pid);
	if (!tgid) {
		*err = -ESRCH;
		return NULL;
	}
	procs = sipc_procs_of(proc->dev, tgid, n);
	put_pid(tgid);
	*err = !procs ? -ENOMEM : !*n ? -ESRCH : 0;
	for (i = 0; !*err && i < *n; i++)
		if (!may_freeze(procs[i]))
			*err = -EPERM;
	if (*err && procs) {
		sipc_procs_put(procs, *n);
		procs = NULL;
	}
	return procs;
}

static int do_freeze(struct sipc_proc *proc, const struct sipc_freeze *f)
{
	struct sipc_proc **procs;
	size_t n, i;
	int ret;

	if (f->pad || f->enable > 1)
		return -EINVAL;
	procs = target_procs(proc, f->pid, &n, &ret);
	if (!procs)
		return ret;
	if (f->enable) {
		ret = freeze(procs, n, f->timeout_ms);
	} else {
		for (i = 0; i < n; i++)
			set_frozen(procs[i], false);
	}
	sipc_procs_put(procs, n);
	return ret;
}

static int frozen_info(struct sipc_proc *proc, struct sipc_frozen_info *info)
{
	struct sipc_proc **procs;
	size_t n, i;
	int ret;

	procs = target_procs(proc, info->pid, &n, &ret);
	if (!procs)
		return ret;
	info->frozen = 0;
	info->sync_recv = 0;
	info->async_recv = 0;
	for (i = 0; i < n; i++) {
		sipc_graph_lock(proc->dev);
		info->frozen |= procs[i]->frozen;
		info->sync_recv |= procs[i]->sync_recv;
		info->async_recv |= procs[i]->async_recv;
		sipc_graph_unlock(proc->dev);
	}
	sipc_procs_put(procs, n);
	return 0;
}

static int notify_request(struct sipc_proc *proc,
			  const struct sipc_death_request *req)
{
	struct sipc_freeze_watch *w;
	struct sipc_ref *ref;
	int ret = 0;

	if (req->pad || req->handle == SIPC_CONTEXT_MGR_HANDLE)
		return -EINVAL;
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return -ENOMEM;
	INIT_LIST_HEAD(&w->work.entry);
	w->work.type = SIPC_WORK_FROZEN;
	w->proc = proc;
	w->cookie = req->cookie;

	sipc_graph_lock(proc->dev);
	ref = sipc_ref_by_handle(proc, req->handle);
	if (!ref) {
		ret = -ENOENT;
	} else if (ref->freeze_watch) {
		ret = -EBUSY;
	} else {
		ref->freeze_watch = w;
		/* Frozen now: the holder hears it at once. */
		if (ref->node->proc && ref->node->proc->frozen &&
		    !proc->dead) {
			w->frozen = true;
			w->queued = true;
			sipc_queue_proc_work(proc, &w->work, false);
		}
		w = NULL;
	}
	sipc_graph_unlock(proc->dev);
	kfree(w);
	return ret;
}

/* The handle goes, or its holder withdrew: so does its watch. Graph lock. */
void sipc_freeze_watch_drop(struct sipc_ref *ref)
{
	struct sipc_freeze_watch *w = ref->freeze_watch;

	lockdep_assert_held(&ref->proc->dev->lock);
	if (!w)
		return;
	ref->freeze_watch = NULL;
	list_del_init(&w->work.entry);
	kfree(w);
}

static int notify_clear(struct sipc_proc *proc,
			const struct sipc_death_request *req)
{
	struct sipc_ref *ref;
	int ret = -ENOENT;

	if (req->pad)
		return -EINVAL;
	sipc_graph_lock(proc->dev);
	ref = sipc_ref_by_handle(proc, req->handle);
	if (ref && ref->freeze_watch &&
	    ref->freeze_watch->cookie == req->cookie) {
		sipc_freeze_watch_drop(ref);
		ret = 0;
	}
	sipc_graph_unlock(proc->dev);
	return ret;
}

int sipc_ioctl_freeze(struct sipc_proc *proc, unsigned int cmd,
		      void __user *arg)
{
	struct sipc_death_request req;
	struct sipc_frozen_info info;
	struct sipc_freeze f;
	int ret;

	switch (cmd) {
	case SIPC_IOC_FREEZE:
		if (copy_from_user(&f, arg, sizeof(f)))
			return -EFAULT;
		return do_freeze(proc, &f);
	case SIPC_IOC_FROZEN_INFO:
		if (copy_from_user(&info, arg, sizeof(info)))
			return -EFAULT;
		ret = frozen_info(proc, &info);
		if (!ret && copy_to_user(arg, &info, sizeof(info)))
			ret = -EFAULT;
		return ret;
	case SIPC_IOC_FREEZE_NOTIFY:
	case SIPC_IOC_FREEZE_NOTIFY_CLEAR:
		if (copy_from_user(&req, arg, sizeof(req)))
			return -EFAULT;
		if (cmd == SIPC_IOC_FREEZE_NOTIFY)
			return notify_request(proc, &req);
		return notify_clear(proc, &req);
	}
	return -ENOTTY;
}
