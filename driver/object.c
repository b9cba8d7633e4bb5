// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes (objects a process serves), refs (another process's handle to a
 * node), death notices, and the translation of both inside payloads. A
 * handle is a number in one process's tree: it cannot be forged, only
 * received. Everything here runs under the graph lock unless it says not.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

static struct sipc_node *node_find(struct sipc_proc *proc, u64 cookie,
				   struct rb_node ***linkp,
				   struct rb_node **parentp)
{
	struct rb_node **link = &proc->nodes.rb_node, *parent = NULL;

	while (*link) {
		struct sipc_node *n = rb_entry(*link, struct sipc_node, rb);

		parent = *link;
		if (cookie < n->cookie)
			link = &(*link)->rb_left;
		else if (cookie > n->cookie)
			link = &(*link)->rb_right;
		else
			return n;
	}
	if (linkp) {
		*linkp = link;
		*parentp = parent;
	}
	return NULL;
}

struct sipc_node *sipc_node_lookup(struct sipc_proc *proc, u64 cookie)
{
	return node_find(proc, cookie, NULL, NULL);
}

static void node_free_if_unused(struct sipc_node *node)
{
	if (node->proc || node->nr_refs || atomic_read(&node->tmp_refs))
		return;
	sipc_count(&node->dev->stats, SIPC_CNT_NODES_FREED);
	sipc_user_uncharge_node(node->user);
	sipc_user_put(node->user);
	kfree(node);
}

static void node_put_tmp_locked(struct sipc_node *node)
{
	lockdep_assert_held(&node->dev->lock);
	if (atomic_dec_and_test(&node->tmp_refs))
		node_free_if_unused(node);
}

/*
 * No lock held. A put that leaves a count of one or more cannot free the
 * node, and needs no lock: new counts are taken under the graph lock,
 * from a node that still has one (its own while alive, or ours).
 */
void sipc_node_put_tmp(struct sipc_node *node)
{
	struct sipc_device *dev = node->dev;

	if (atomic_add_unless(&node->tmp_refs, -1, 1))
		return;
	sipc_graph_lock(dev);
	node_put_tmp_locked(node);
	sipc_graph_unlock(dev);
}

struct sipc_ref *sipc_ref_by_handle(struct sipc_proc *proc, u32 handle)
{
	struct rb_node *n = proc->refs_by_handle.rb_node;

	while (n) {
		struct sipc_ref *r = rb_entry(n, struct sipc_ref, rb_handle);

		if (handle < r->handle)
			n = n->rb_left;
		else if (handle > r->handle)
			n = n->rb_right;
		else
			return r;
	}
	return NULL;
}

static void ref_insert_by_handle(struct sipc_proc *proc, struct sipc_ref *ref)
{
	struct rb_node **link = &proc->refs_by_handle.rb_node, *parent = NULL;

	while (*link) {
		struct sipc_ref *r = rb_entry(*link, struct sipc_ref, rb_handle);

		parent = *link;
		link = ref->handle < r->handle ? &(*link)->rb_left :
						 &(*link)->rb_right;
	}
	rb_link_node(&ref->rb_handle, parent, link);
	rb_insert_color(&ref->rb_handle, &proc->refs_by_handle);
}

/*
 * The handle @proc holds for @node, made from @fresh (consumed) if it has
 * none yet. Handles are never reused within a process.
 */
static struct sipc_ref *ref_get(struct sipc_proc *proc, struct sipc_node *node,
				struct sipc_ref **fresh)
{
	struct rb_node **link = &proc->refs_by_node.rb_node, *parent = NULL;
	struct sipc_ref *ref;

	while (*link) {
		struct sipc_ref *r = rb_entry(*link, struct sipc_ref, rb_node);

		parent = *link;
		if (node < r->node)
			link = &(*link)->rb_left;
		else if (node > r->node)
			link = &(*link)->rb_right;
		else
			return r;
	}
	if (proc->dead)
		return ERR_PTR(-ESRCH);
	if (proc->nr_refs >= SIPC_MAX_HANDLES || !proc->next_handle)
		return ERR_PTR(-EMFILE);

	ref = *fresh;
	*fresh = NULL;
	ref->proc = proc;
	ref->node = node;
	ref->handle = proc->next_handle++;
	rb_link_node(&ref->rb_node, parent, link);
	rb_insert_color(&ref->rb_node, &proc->refs_by_node);
	ref_insert_by_handle(proc, ref);
	hlist_add_head(&ref->node_entry, &node->refs);
	node->nr_refs++;
	proc->nr_refs++;
	sipc_count(&proc->dev->stats, SIPC_CNT_HANDLES_CREATED);
	return ref;
}

static void queue_death(struct sipc_death *death)
{
	if (death->queued || death->proc->dead)
		return;
	death->queued = true;
	sipc_queue_proc_work(death->proc, &death->work, false);
}

static void death_free(struct sipc_death *death)
{
	sipc_count(&death->proc->dev->stats, SIPC_CNT_DEATHS_FREED);
	kfree(death);
}

/* The handle goes; its node's owner hears when it was the last one. */
static void ref_destroy(struct sipc_ref *ref)
{
	struct sipc_proc *proc = ref->proc;
	struct sipc_node *node = ref->node;
	struct sipc_death *death = ref->death;

	sipc_freeze_watch_drop(ref);
	rb_erase(&ref->rb_handle, &proc->refs_by_handle);
	rb_erase(&ref->rb_node, &proc->refs_by_node);
	hlist_del(&ref->node_entry);
	proc->nr_refs--;
	if (death) {
		/* A notice already on its way is still delivered, once. */
		death->ref = NULL;
		if (!death->queued)
			death_free(death);
	}
	if (!--node->nr_refs && node->proc && !node->released_queued) {
		node->released_queued = true;
		sipc_queue_proc_work(node->proc, &node->released, false);
	}
	node_free_if_unused(node);
	sipc_count(&proc->dev->stats, SIPC_CNT_HANDLES_FREED);
	kfree(ref);
}

static void ref_put_if_unused(struct sipc_ref *ref)
{
	if (!ref->user_refs && !ref->buf_refs)
		ref_destroy(ref);
}

/* @handle in @proc to its node, with a tmp ref taken; graph lock held. */
struct sipc_node *sipc_handle_to_node(struct sipc_proc *proc, u32 handle)
{
	struct sipc_node *node;
	struct sipc_ref *ref;

	lockdep_assert_held(&proc->dev->lock);
	if (handle == SIPC_CONTEXT_MGR_HANDLE) {
		node = proc->dev->context_mgr;
		if (!node)
			return ERR_PTR(-ESRCH);
	} else {
		ref = sipc_ref_by_handle(proc, handle);
		if (!ref)
			return ERR_PTR(-ENOENT);
		node = ref->node;
	}
	if (node->dead)
		return ERR_PTR(-ESRCH);
	atomic_inc(&node->tmp_refs);
	return node;
}

/*
 * The node dies: watchers hear of it, one-way work still queued for it is
 * dropped, calls still queued fail back to their callers.
 */
static void node_kill(struct sipc_node *node, struct list_head *reap)
{
	struct sipc_proc *proc = node->proc;
	struct sipc_work *w, *tmp;
	struct sipc_ref *ref;

	node->dead = true;
	rb_erase(&node->rb, &proc->nodes);
	proc->nr_nodes--;
	if (node->released_queued) {
		list_del_init(&node->released.entry);
		node->released_queued = false;
	}
	if (proc->dev->context_mgr == node)
		proc->dev->context_mgr = NULL;
	hlist_for_each_entry(ref, &node->refs, node_entry)
		if (ref->death)
			queue_death(ref->death);
	list_for_each_entry_safe(w, tmp, &node->async_todo, entry)
		sipc_txn_put(container_of(w, struct sipc_txn, work), reap);
	list_for_each_entry_safe(w, tmp, &proc->todo, entry) {
		struct sipc_txn *t = container_of(w, struct sipc_txn, work);

		if (w->type != SIPC_WORK_TXN || t->node != node)
			continue;
		list_del_init(&w->entry);
		sipc_txn_fail(t, -ESRCH);
		sipc_txn_put(t, reap);
	}
	node->proc = NULL;
	/* Its own count goes with its life. */
	node_put_tmp_locked(node);
}

/* The process is gone: its queued work, nodes and handles go too. */
void sipc_proc_kill_objects(struct sipc_proc *proc)
{
	struct sipc_work *w, *tmp;
	struct rb_node *n;
	LIST_HEAD(reap);

	sipc_graph_lock(proc->dev);
	/* First its own calls, and with them their events in its queue. */
	sipc_async_cancel_all(proc, &reap);
	list_for_each_entry_safe(w, tmp, &proc->todo, entry) {
		list_del_init(&w->entry);
		if (w->type == SIPC_WORK_TXN) {
			struct sipc_txn *t = container_of(w, struct sipc_txn,
							  work);

			sipc_txn_fail(t, -ESRCH);
			sipc_txn_put(t, &reap);
		} else if (w->type == SIPC_WORK_DEATH) {
			struct sipc_death *death =
				container_of(w, struct sipc_death, work);

			if (death->ref)
				death->ref->death = NULL;
			death_free(death);
		} else if (w->type == SIPC_WORK_FROZEN) {
			/* Its handle's destruction below frees it. */
			container_of(w, struct sipc_freeze_watch,
				     work)->queued = false;
		} else {
			container_of(w, struct sipc_node, released)->released_queued = false;
		}
	}
	while ((n = rb_first(&proc->nodes)))
		node_kill(rb_entry(n, struct sipc_node, rb), &reap);
	while ((n = rb_first(&proc->refs_by_handle)))
		ref_destroy(rb_entry(n, struct sipc_ref, rb_handle));
	sipc_graph_unlock(proc->dev);
	sipc_txn_reap(&reap);
}

/* ---- translation of objects inside a payload ---- */

static int translate_one(struct sipc_proc *from, struct sipc_proc *to,
			 struct sipc_object *obj, struct sipc_ref **fresh)
{
	struct sipc_node *node;
	struct sipc_ref *ref;

	if (obj->flags)
		return -EINVAL;
	if (obj->type == SIPC_OBJ_NODE) {
		node = sipc_node_lookup(from, obj->cookie);
		if (!node)
			return -ENOENT;
	} else if (obj->type == SIPC_OBJ_HANDLE) {
		if (obj->raw >> 32)
			return -EINVAL;
		node = sipc_handle_to_node(from, obj->handle);
		if (IS_ERR(node))
			return PTR_ERR(node);
		/* Alive: its own count keeps it. */
		node_put_tmp_locked(node);
	} else {
		return -EINVAL;
	}

	if (node->proc == to) {
		obj->type = SIPC_OBJ_NODE;
		obj->cookie = node->cookie;
		return 0;
	}
	ref = ref_get(to, node, fresh);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	ref->buf_refs++;
	obj->type = SIPC_OBJ_HANDLE;
	obj->raw = 0;
	obj->handle = ref->handle;
	return 0;
}

/*
 * Translate one object of a payload for the receiver @to, in the kernel's
 * own copy @obj. @buf and @offset say where it will land (a file goes in
 * there on delivery), @max how many objects the payload has. The handle
 * it becomes is recorded in @buf, which holds it until the buffer is
 * freed. No lock held.
 */
int sipc_object_translate(struct sipc_proc *from, struct sipc_proc *to,
			  struct sipc_buffer *buf, size_t offset, size_t max,
			  struct sipc_object *obj)
{
	struct sipc_ref *fresh;
	int ret;

	if (obj->type == SIPC_OBJ_FD)
		return sipc_fd_translate(buf, offset, obj, max);
	if (obj->type == SIPC_OBJ_CHANNEL)
		return sipc_channel_translate(from, to, obj);
	if (!buf->handles) {
		buf->handles = kmalloc_array(max, sizeof(*buf->handles),
					     GFP_KERNEL_ACCOUNT);
		if (!buf->handles)
			return -ENOMEM;
	}
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return -ENOMEM;
	sipc_graph_lock(to->dev);
	ret = translate_one(from, to, obj, &fresh);
	if (!ret && obj->type == SIPC_OBJ_HANDLE)
		buf->handles[buf->nr_handles++] = obj->handle;
	sipc_graph_unlock(to->dev);
	kfree(fresh);
	return ret;
}

/*
 * Drop what the objects of @buf (of @proc's area) hold: its handles and
 * the files not handed over. What it holds was recorded when it was
 * filled; nothing is read back from pages the receiver maps. No lock held.
 */
void sipc_release_objects(struct sipc_proc *proc, struct sipc_buffer *buf)
{
	struct sipc_ref *ref;
	u32 i;

	if (buf->nr_handles) {
		sipc_graph_lock(proc->dev);
		for (i = 0; i < buf->nr_handles; i++) {
			ref = sipc_ref_by_handle(proc, buf->handles[i]);
			if (ref && ref->buf_refs) {
				ref->buf_refs--;
				ref_put_if_unused(ref);
			}
		}
		sipc_graph_unlock(proc->dev);
	}
	kfree(buf->handles);
	buf->handles = NULL;
	buf->nr_handles = 0;
	if (buf->fds)
		sipc_fd_release(buf);
}

/* ---- ioctls on nodes, handles and death notices ---- */

static struct sipc_node *node_new(struct sipc_proc *proc, u64 cookie,
				  struct sipc_node **fresh)
{
	struct rb_node **link, *parent;
	struct sipc_node *node;

	if (node_find(proc, cookie, &link, &parent))
		return ERR_PTR(-EEXIST);
	if (sipc_user_charge_node(proc->user))
		return ERR_PTR(-EDQUOT);
	node = *fresh;
	*fresh = NULL;
	node->proc = proc;
	node->dev = proc->dev;
	node->user = proc->user;
	sipc_user_ref(node->user);
	node->cookie = cookie;
	atomic_set(&node->tmp_refs, 1);
	INIT_HLIST_HEAD(&node->refs);
	INIT_LIST_HEAD(&node->async_todo);
	INIT_LIST_HEAD(&node->released.entry);
	node->released.type = SIPC_WORK_RELEASED;
	rb_link_node(&node->rb, parent, link);
	rb_insert_color(&node->rb, &proc->nodes);
	proc->nr_nodes++;
	sipc_count(&proc->dev->stats, SIPC_CNT_NODES_CREATED);
	return node;
}

/*
 * Whether @euid alone may claim handle 0 of @dev: the context_mgr_uid
 * parameter's uid when it is set; otherwise the euid of whoever claimed
 * it first on this device, for the device's lifetime, so that while the
 * service manager restarts nobody else can take its place (anyone, before
 * the first claim). Graph lock held.
 */
static bool cm_uid_allows(struct sipc_device *dev, kuid_t euid)
{
	int param = READ_ONCE(sipc_context_mgr_uid);

	lockdep_assert_held(&dev->lock);
	if (param >= 0)
		return uid_eq(euid, make_kuid(&init_user_ns, param));
	return !dev->context_mgr_pinned || uid_eq(euid, dev->context_mgr_owner);
}

/*
 * Whether CAP_SYS_ADMIN lets the caller claim handle 0 where its euid
 * alone would not: asked only then, and outside the graph lock (capable()
 * audits, and may sleep).
 */
static bool cm_admin_override(struct sipc_device *dev, kuid_t euid)
{
	bool by_uid;

	sipc_graph_lock(dev);
	by_uid = cm_uid_allows(dev, euid);
	sipc_graph_unlock(dev);
	return !by_uid && capable(CAP_SYS_ADMIN);
}

static int node_create(struct sipc_proc *proc, struct sipc_node_info *info,
		       bool context_mgr)
{
	struct sipc_device *dev = proc->dev;
	kuid_t euid = current_euid();
	struct sipc_node *fresh, *node;
	struct sipc_prio min_prio;
	bool admin;
	int ret = 0;

	if (info->flags & ~SIPC_NODE_TXN_SECCTX)
		return -EINVAL;
	if (info->sched) {
		ret = sipc_prio_from_user(info->sched, &min_prio);
		if (ret)
			return ret;
	}
	if (!READ_ONCE(proc->area.pages))
		return -EBADFD;
	admin = context_mgr && cm_admin_override(dev, euid);
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return -ENOMEM;
	if (info->sched) {
		fresh->has_min_prio = true;
		fresh->min_prio = min_prio;
	}
	fresh->want_secctx = info->flags & SIPC_NODE_TXN_SECCTX;

	sipc_graph_lock(dev);
	if (context_mgr && dev->context_mgr) {
		ret = -EBUSY;
	} else if (context_mgr && !admin && !cm_uid_allows(dev, euid)) {
		ret = -EPERM;
	} else if (proc->dead) {
		ret = -ESRCH;
	} else {
		node = node_new(proc, info->cookie, &fresh);
		if (IS_ERR(node)) {
			ret = PTR_ERR(node);
		} else if (context_mgr) {
			dev->context_mgr = node;
			if (!dev->context_mgr_pinned) {
				dev->context_mgr_pinned = true;
				dev->context_mgr_owner = euid;
			}
		}
	}
	sipc_graph_unlock(dev);
	kfree(fresh);
	return ret;
}

static int node_destroy(struct sipc_proc *proc, struct sipc_node_info *info)
{
	struct sipc_node *node;
	LIST_HEAD(reap);
	int ret = 0;

	if (info->flags & ~SIPC_NODE_DESTROY_IF_UNUSED || info->pad)
		return -EINVAL;
	sipc_graph_lock(proc->dev);
	node = sipc_node_lookup(proc, info->cookie);
	if (!node)
		ret = -ENOENT;
	else if (info->flags & SIPC_NODE_DESTROY_IF_UNUSED && node->nr_refs)
		ret = -EBUSY;
	else
		node_kill(node, &reap);
	sipc_graph_unlock(proc->dev);
	sipc_txn_reap(&reap);
	return ret;
}

static int ref_adjust(struct sipc_proc *proc, u32 handle, bool acquire)
{
	struct sipc_ref *ref;
	int ret = 0;

	/* Handle 0 is implicit in every process and needs no reference. */
	if (handle == SIPC_CONTEXT_MGR_HANDLE)
		return 0;
	sipc_graph_lock(proc->dev);
	ref = sipc_ref_by_handle(proc, handle);
	if (!ref) {
		ret = -ENOENT;
	} else if (acquire) {
		if (ref->user_refs == U32_MAX)
			ret = -EINVAL;
		else
			ref->user_refs++;
	} else if (!ref->user_refs) {
		ret = -ENOENT;
	} else {
		ref->user_refs--;
		ref_put_if_unused(ref);
	}
	sipc_graph_unlock(proc->dev);
	return ret;
}

static int death_request(struct sipc_proc *proc, struct sipc_death_request *req)
{
	struct sipc_death *death;
	struct sipc_ref *ref;
	int ret = 0;

	if (req->pad || req->handle == SIPC_CONTEXT_MGR_HANDLE)
		return -EINVAL;
	death = kzalloc(sizeof(*death), GFP_KERNEL_ACCOUNT);
	if (!death)
		return -ENOMEM;
	INIT_LIST_HEAD(&death->work.entry);
	death->work.type = SIPC_WORK_DEATH;
	death->proc = proc;
	death->cookie = req->cookie;

	sipc_graph_lock(proc->dev);
	ref = sipc_ref_by_handle(proc, req->handle);
	if (!ref) {
		ret = -ENOENT;
	} else if (ref->death) {
		ret = -EBUSY;
	} else {
		sipc_count(&proc->dev->stats, SIPC_CNT_DEATHS_CREATED);
		death->ref = ref;
		ref->death = death;
		if (ref->node->dead)
			queue_death(death);
		death = NULL;
	}
	sipc_graph_unlock(proc->dev);
	kfree(death);
	return ret;
}

static int death_clear(struct sipc_proc *proc, struct sipc_death_request *req)
{
	struct sipc_death *death = NULL;
	struct sipc_ref *ref;
	int ret = -ENOENT;

	if (req->pad)
		return -EINVAL;
	sipc_graph_lock(proc->dev);
	ref = sipc_ref_by_handle(proc, req->handle);
	if (ref && ref->death && ref->death->cookie == req->cookie) {
		death = ref->death;
		ref->death = NULL;
		/* Cancelled before it was read: it never arrives. */
		list_del_init(&death->work.entry);
		ret = 0;
	}
	sipc_graph_unlock(proc->dev);
	if (death)
		death_free(death);
	return ret;
}

int sipc_ioctl_object(struct sipc_proc *proc, unsigned int cmd,
		      void __user *arg)
{
	struct sipc_death_request dr;
	struct sipc_node_info ni;
	u32 handle;

	switch (cmd) {
	case SIPC_IOC_SET_CONTEXT_MGR:
	case SIPC_IOC_NODE_CREATE:
	case SIPC_IOC_NODE_DESTROY:
		if (copy_from_user(&ni, arg, sizeof(ni)))
			return -EFAULT;
		if (cmd == SIPC_IOC_NODE_DESTROY)
			return node_destroy(proc, &ni);
		return node_create(proc, &ni, cmd == SIPC_IOC_SET_CONTEXT_MGR);
	case SIPC_IOC_ACQUIRE:
	case SIPC_IOC_RELEASE:
		if (get_user(handle, (u32 __user *)arg))
			return -EFAULT;
		return ref_adjust(proc, handle, cmd == SIPC_IOC_ACQUIRE);
	case SIPC_IOC_DEATH_REQUEST:
	case SIPC_IOC_DEATH_CLEAR:
		if (copy_from_user(&dr, arg, sizeof(dr)))
			return -EFAULT;
		if (cmd == SIPC_IOC_DEATH_REQUEST)
			return death_request(proc, &dr);
		return death_clear(proc, &dr);
	}
	return -ENOTTY;
}
