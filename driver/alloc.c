// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer allocator over one receive area: best fit in O(log n). Every block
 * (free or used) is on an address-ordered list so neighbours can merge;
 * free blocks sit in a tree keyed by (size, offset), used ones in a tree
 * keyed by offset so a free request from user space is found, not trusted.
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/slab.h>

#include "sipc_internal.h"
#include "sipc_trace.h"

/* Every buffer gets a distinct address, even for an empty payload. */
#define SIPC_MIN_BUFFER	8

static size_t block_end(struct sipc_area *area, struct sipc_buffer *b)
{
	if (list_is_last(&b->entry, &area->blocks))
		return area->size;
	return list_next_entry(b, entry)->offset;
}

static size_t block_size(struct sipc_area *area, struct sipc_buffer *b)
{
	return block_end(area, b) - b->offset;
}

static void free_tree_insert(struct sipc_area *area, struct sipc_buffer *b)
{
	struct rb_node **link = &area->free_tree.rb_node, *parent = NULL;
	size_t size = block_size(area, b);

	while (*link) {
		struct sipc_buffer *n = rb_entry(*link, struct sipc_buffer, rb);
		size_t nsize = block_size(area, n);

		parent = *link;
		if (size < nsize || (size == nsize && b->offset < n->offset))
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&b->rb, parent, link);
	rb_insert_color(&b->rb, &area->free_tree);
	b->free = true;
	area->nr_free++;
}

static void free_tree_erase(struct sipc_area *area, struct sipc_buffer *b)
{
	rb_erase(&b->rb, &area->free_tree);
	area->nr_free--;
}

static void used_tree_insert(struct sipc_area *area, struct sipc_buffer *b)
{
	struct rb_node **link = &area->used_tree.rb_node, *parent = NULL;

	while (*link) {
		struct sipc_buffer *n = rb_entry(*link, struct sipc_buffer, rb);

		parent = *link;
		if (b->offset < n->offset)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&b->rb, parent, link);
	rb_insert_color(&b->rb, &area->used_tree);
	b->free = false;
}

void sipc_alloc_init(struct sipc_area *area, struct sipc_buffer *whole)
{
	INIT_LIST_HEAD(&area->blocks);
	area->free_tree = RB_ROOT;
	area->used_tree = RB_ROOT;
	whole->offset = 0;
	list_add(&whole->entry, &area->blocks);
	free_tree_insert(area, whole);
}

void sipc_alloc_destroy(struct sipc_area *area)
{
	struct sipc_charge *c, *ctmp;
	struct sipc_buffer *b, *tmp;

	list_for_each_entry_safe(b, tmp, &area->blocks, entry) {
		/* Buffers never freed by their process go with its area. */
		if (!b->free)
			sipc_count(&area->proc->dev->stats, SIPC_CNT_BUFFERS_FREED);
		/* Files never handed to the dead receiver go back. */
		if (b->fds)
			sipc_fd_release(b);
		/* Its handles went with the process's; the record goes. */
		kfree(b->handles);
		/* A one-way buffer held till the end still pins its node. */
		if (b->async_node)
			sipc_node_put_tmp(b->async_node);
		list_del(&b->entry);
		kfree(b);
	}
	list_for_each_entry_safe(c, ctmp, &area->charges, entry)
		kfree(c);
	INIT_LIST_HEAD(&area->charges);
	kfree(area->spare);
	area->spare = NULL;
	area->free_tree = RB_ROOT;
	area->used_tree = RB_ROOT;
}

static struct sipc_buffer *best_fit(struct sipc_area *area, size_t size)
{
	struct rb_node *n = area->free_tree.rb_node;
	struct sipc_buffer *best = NULL;

	while (n) {
		struct sipc_buffer *b = rb_entry(n, struct sipc_buffer, rb);

		if (block_size(area, b) >= size) {
			best = b;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

size_t sipc_buffer_size(size_t data_size, size_t offsets_count)
{
	return max_t(size_t, ALIGN(data_size, 8) + offsets_count * 8,
		     SIPC_MIN_BUFFER);
}

/*
 * A sending user's share of an area, in bus1's manner: one who holds
 * nothing here may take what fits; one who holds some may take more only
 * while at least as much stays free after it as it would then hold. A
 * flood stops at about half of what was free, and the next user still
 * finds room. The same rule holds within the one-way share. The area's
 * own user is not held to it: it could stop its own service anyway, and
 * every other user still has its share.
 */
static bool share_allows(size_t held, size_t size, size_t free)
{
	return !held || (size <= free && held + size <= free - size);
}

static struct sipc_charge *charge_find(struct sipc_area *area, kuid_t uid)
{
	struct sipc_charge *c;

	list_for_each_entry(c, &area->charges, entry)
		if (uid_eq(c->uid, uid))
			return c;
	return NULL;
}

/* @sender's charge in @area, made if new, if its share allows @size more. */
static int charge_get(struct sipc_area *area, struct sipc_user *sender,
		      size_t size, bool oneway, struct sipc_charge **out)
{
	struct sipc_charge *c = charge_find(area, sender->uid);

	lockdep_assert_held(&area->lock);
	if (c) {
		if (!share_allows(c->bytes, size, area->size - area->in_use) ||
		    (oneway && !share_allows(c->oneway_bytes, size,
					     area->free_async)))
			return -EDQUOT;
	} else {
		c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		c->uid = sender->uid;
		list_add(&c->entry, &area->charges);
	}
	*out = c;
	return 0;
}

static void charge_put_if_empty(struct sipc_charge *c)
{
	if (c->bytes)
		return;
	list_del(&c->entry);
	kfree(c);
}

/*
 * Reserve @size bytes (already rounded by sipc_buffer_size()). Errors:
 * ESRCH when the area is gone, EMSGSIZE when it can never fit, EDQUOT when
 * @sender (NULL for a reply, which its caller asked for) is past its share,
 * ENOBUFS when the one-way share is spent, ENOSPC when there is no room now.
 */
struct sipc_buffer *sipc_buffer_alloc(struct sipc_area *area, size_t size,
				      bool oneway, struct sipc_user *sender)
{
	struct sipc_buffer *best, *rest = NULL;
	struct sipc_charge *charge = NULL;
	int ret;

	mutex_lock(&area->lock);
	ret = -ESRCH;
	if (!area->mapped)
		goto out;
	ret = -EMSGSIZE;
	if (size > area->size || (oneway && size > area->size / 2))
		goto out;
	if (sender && !uid_eq(sender->uid, area->proc->cred->euid)) {
		ret = charge_get(area, sender, size, oneway, &charge);
		if (ret)
			goto out;
	}
	ret = -ENOBUFS;
	if (oneway && size > area->free_async)
		goto out;
	ret = -ENOSPC;
	best = best_fit(area, size);
	if (!best)
		goto out;
	if (block_size(area, best) > size) {
		/* The rest of the block stays free as a block of its own. */
		rest = area->spare ?: kzalloc(sizeof(*rest), GFP_KERNEL_ACCOUNT);
		area->spare = NULL;
		ret = -ENOMEM;
		if (!rest)
			goto out;
	}
	ret = sipc_area_populate(area, best->offset, best->offset + size);
	if (ret) {
		sipc_area_unpopulate(area, best->offset, block_end(area, best),
				     best->offset, best->offset + size);
		goto out;
	}

	free_tree_erase(area, best);
	if (rest) {
		rest->offset = best->offset + size;
		list_add(&rest->entry, &best->entry);
		free_tree_insert(area, rest);
		rest = NULL;
	}
	used_tree_insert(area, best);
	best->oneway = oneway;
	if (oneway)
		area->free_async -= size;
	best->charge = charge;
	if (charge) {
		charge->bytes += size;
		if (oneway)
			charge->oneway_bytes += size;
	}
	area->in_use += size;
	mutex_unlock(&area->lock);
	sipc_count(&area->proc->dev->stats, SIPC_CNT_BUFFERS_CREATED);
	trace_sipc_buffer_alloc(area->proc->pid, best->offset, size);
	return best;
out:
	if (charge)
		charge_put_if_empty(charge);
	if (rest && !area->spare)
		area->spare = rest;
	else
		kfree(rest);
	mutex_unlock(&area->lock);
	return ERR_PTR(ret);
}

/* Merged away: keep one spare for the next split, saving an allocation. */
static void drop_block(struct sipc_area *area, struct sipc_buffer *b)
{
	list_del(&b->entry);
	if (area->spare) {
		kfree(b);
		return;
	}
	memset(b, 0, sizeof(*b));
	area->spare = b;
}

/* Give a used block back, merging it with free neighbours. */
void sipc_buffer_free(struct sipc_area *area, struct sipc_buffer *buf)
{
	struct sipc_buffer *prev = NULL, *next = NULL;
	size_t size, from;

	mutex_lock(&area->lock);
	size = block_size(area, buf);
	from = buf->offset;
	trace_sipc_buffer_free(area->proc->pid, buf->offset, size);
	area->in_use -= size;
	if (buf->oneway)
		area->free_async += size;
	if (buf->charge) {
		buf->charge->bytes -= size;
		if (buf->oneway)
			buf->charge->oneway_bytes -= size;
		charge_put_if_empty(buf->charge);
		buf->charge = NULL;
	}
	rb_erase(&buf->rb, &area->used_tree);
	buf->user_owned = false;
	buf->oneway = false;
	buf->data_size = 0;
	buf->offsets_count = 0;
	buf->async_node = NULL;

	if (!list_is_first(&buf->entry, &area->blocks))
		prev = list_prev_entry(buf, entry);
	if (!list_is_last(&buf->entry, &area->blocks))
		next = list_next_entry(buf, entry);

	if (next && next->free) {
		free_tree_erase(area, next);
		drop_block(area, next);
	}
	if (prev && prev->free) {
		free_tree_erase(area, prev);
		drop_block(area, buf);
		buf = prev;
	}
	free_tree_insert(area, buf);
	sipc_area_unpopulate(area, buf->offset, block_end(area, buf), from,
			     from + size);
	mutex_unlock(&area->lock);
	sipc_count(&area->proc->dev->stats, SIPC_CNT_BUFFERS_FREED);
}

/*
 * Find the buffer user space wants to free. Only a buffer that was handed
 * to user space, and not freed since, is accepted: ENOENT otherwise.
 */
struct sipc_buffer *sipc_buffer_claim(struct sipc_area *area,
				      unsigned long user_addr)
{
	struct sipc_buffer *found = NULL;
	struct rb_node *n;
	size_t offset;

	mutex_lock(&area->lock);
	if (!area->pages || user_addr < area->user_start)
		goto out;
	offset = user_addr - area->user_start;
	n = area->used_tree.rb_node;
	while (n) {
		struct sipc_buffer *b = rb_entry(n, struct sipc_buffer, rb);

		if (offset < b->offset) {
			n = n->rb_left;
		} else if (offset > b->offset) {
			n = n->rb_right;
		} else {
			/* Pairs with the release in sipc_buffer_deliver(). */
			if (smp_load_acquire(&b->user_owned)) {
				b->user_owned = false;
				found = b;
			}
			break;
		}
	}
out:
	mutex_unlock(&area->lock);
	return found;
}

/* Hand a filled buffer to user space: from now on only it may free it. */
void sipc_buffer_deliver(struct sipc_area *area, struct sipc_buffer *buf)
{
	/*
	 * No lock: user space learns the address only from the event this
	 * precedes, and claims are serialized by the area lock.
	 */
	smp_store_release(&buf->user_owned, true);
}

/* A consistent picture of the allocator, for /proc/sipc. */
void sipc_area_get_stats(struct sipc_area *area, struct sipc_area_stats *st)
{
	struct rb_node *largest;

	memset(st, 0, sizeof(*st));
	mutex_lock(&area->lock);
	if (area->pages) {
		st->size = area->size;
		st->in_use = area->in_use;
		st->free_blocks = area->nr_free;
		largest = rb_last(&area->free_tree);
		if (largest)
			st->largest_free =
				block_size(area, rb_entry(largest,
							  struct sipc_buffer,
							  rb));
		st->oneway_used = area->size / 2 - area->free_async;
		st->mapped = area->mapped;
	}
	mutex_unlock(&area->lock);
}

/*
 * Up to @max used buffers, by address, for a process's detail file.
 * Returns how many there are in all.
 */
size_t sipc_area_list_buffers(struct sipc_area *area,
			      struct sipc_buffer_info *out, size_t max)
{
	struct rb_node *n;
	size_t count = 0;

	mutex_lock(&area->lock);
	for (n = rb_first(&area->used_tree); n; n = rb_next(n), count++) {
		struct sipc_buffer *b = rb_entry(n, struct sipc_buffer, rb);

		if (count >= max)
			continue;
		out[count].offset = b->offset;
		out[count].size = block_size(area, b);
		out[count].data_size = b->data_size;
		out[count].objects = b->offsets_count;
		out[count].user_owned = b->user_owned;
		out[count].oneway = b->oneway;
	}
	mutex_unlock(&area->lock);
	return count;
}
