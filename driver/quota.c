// SPDX-License-Identifier: GPL-2.0
/*
 * What one user may make the kernel hold. Every allocation a process
 * causes is charged to its memory cgroup (GFP_KERNEL_ACCOUNT); on top of
 * that, each user (an effective uid, across every instance) has a budget
 * of transactions in flight that it sent and of nodes its processes own,
 * and in every receive area a user's buffers may take only a fair share
 * (alloc.c). Past a limit the send or the node is refused with EDQUOT, so
 * a user flooding a service runs out of its own budget, not the service
 * out of room for others.
 */
#include <linux/moduleparam.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "sipc_internal.h"

static unsigned int sipc_max_user_txns = 16384;
module_param_named(max_user_txns, sipc_max_user_txns, uint, 0644);
MODULE_PARM_DESC(max_user_txns,
		 "Transactions one user may have in flight (sent, not yet freed), EDQUOT beyond (default 16384)");

/* Twice what one process may hold handles to: the handle limit first. */
static unsigned int sipc_max_user_nodes = 2 * SIPC_MAX_HANDLES;
module_param_named(max_user_nodes, sipc_max_user_nodes, uint, 0644);
MODULE_PARM_DESC(max_user_nodes,
		 "Nodes one user's processes may own, EDQUOT beyond (default 131072)");

/*
 * Channels are memory (up to max_channel_size each) that stays while any
 * party holds it: a user's, however many processes and descriptors it
 * spreads them over, are counted until they are freed.
 */
static unsigned int sipc_max_user_channels = 4 * SIPC_MAX_CHANNELS;
module_param_named(max_user_channels, sipc_max_user_channels, uint, 0644);
MODULE_PARM_DESC(max_user_channels,
		 "Channels one user's processes may have made and not freed, EDQUOT beyond (default 256)");

/* Every user with something charged, by uid; innermost of sipc's locks. */
static DEFINE_SPINLOCK(sipc_users_lock);
static struct rb_root sipc_users = RB_ROOT;

static int user_cmp(const void *key, const struct rb_node *n)
{
	kuid_t uid = *(const kuid_t *)key;
	kuid_t other = rb_entry(n, struct sipc_user, rb)->uid;

	if (uid_lt(uid, other))
		return -1;
	return uid_gt(uid, other);
}

static bool user_less(struct rb_node *a, const struct rb_node *b)
{
	return uid_lt(rb_entry(a, struct sipc_user, rb)->uid,
		      rb_entry(b, struct sipc_user, rb)->uid);
}

static struct sipc_user *user_find_get(kuid_t uid)
{
	struct sipc_user *user = NULL;
	struct rb_node *n;

	spin_lock(&sipc_users_lock);
	n = rb_find(&uid, &sipc_users, user_cmp);
	if (n) {
		user = rb_entry(n, struct sipc_user, rb);
		refcount_inc(&user->refs);
	}
	spin_unlock(&sipc_users_lock);
	return user;
}

/* The accounting of @uid, made on first use; NULL without memory. */
struct sipc_user *sipc_user_get(kuid_t uid)
{
	struct sipc_user *user = user_find_get(uid), *fresh;
	struct rb_node *n;

	if (user)
		return user;
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return NULL;
	fresh->uid = uid;
	refcount_set(&fresh->refs, 1);
	spin_lock(&sipc_users_lock);
	n = rb_find(&uid, &sipc_users, user_cmp);
	if (n) {
		user = rb_entry(n, struct sipc_user, rb);
		refcount_inc(&user->refs);
	} else {
		rb_add(&fresh->rb, &sipc_users, user_less);
		user = fresh;
		fresh = NULL;
	}
	spin_unlock(&sipc_users_lock);
	kfree(fresh);
	return user;
}

/* Another reference to @user, which the caller holds one of. */
void sipc_user_ref(struct sipc_user *user)
{
	refcount_inc(&user->refs);
}

/*
 * May be called with the graph lock held. The last reference goes under
 * the tree's lock, which lookups take their references under: none can
 * find a user whose count reached zero.
 */
void sipc_user_put(struct sipc_user *user)
{
	bool last;

	if (refcount_dec_not_one(&user->refs))
		return;
	spin_lock(&sipc_users_lock);
	last = refcount_dec_and_test(&user->refs);
	if (last)
		rb_erase(&user->rb, &sipc_users);
	spin_unlock(&sipc_users_lock);
	if (last)
		kfree(user);
}

static bool charge(atomic_t *count, unsigned int limit)
{
	if (atomic_inc_return(count) <= limit)
		return true;
	atomic_dec(count);
	return false;
}

/* One more transaction in flight from @user, or -EDQUOT. */
int sipc_user_charge_txn(struct sipc_user *user)
{
	return charge(&user->txns, READ_ONCE(sipc_max_user_txns)) ?
	       0 : -EDQUOT;
}

void sipc_user_uncharge_txn(struct sipc_user *user)
{
	atomic_dec(&user->txns);
}

/* One more node owned by @user's processes, or -EDQUOT. */
int sipc_user_charge_node(struct sipc_user *user)
{
	return charge(&user->nodes, READ_ONCE(sipc_max_user_nodes)) ?
	       0 : -EDQUOT;
}

void sipc_user_uncharge_node(struct sipc_user *user)
{
	atomic_dec(&user->nodes);
}

/* One more channel made by @user's processes, or -EDQUOT. */
int sipc_user_charge_channel(struct sipc_user *user)
{
	return charge(&user->channels, READ_ONCE(sipc_max_user_channels)) ?
	       0 : -EDQUOT;
}

void sipc_user_uncharge_channel(struct sipc_user *user)
{
	atomic_dec(&user->channels);
}

/*
 * The users with something charged now, for /proc/sipc/users: up to @max
 * of them into @out, in uid order. How many were copied.
 */
size_t sipc_users_snapshot(struct sipc_user_usage *out, size_t max)
{
	struct rb_node *n;
	size_t i = 0;

	spin_lock(&sipc_users_lock);
	for (n = rb_first(&sipc_users); n && i < max; n = rb_next(n), i++) {
		struct sipc_user *user = rb_entry(n, struct sipc_user, rb);

		out[i].uid = user->uid;
		out[i].txns = atomic_read(&user->txns);
		out[i].nodes = atomic_read(&user->nodes);
	}
	spin_unlock(&sipc_users_lock);
	return i;
}
