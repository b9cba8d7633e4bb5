// SPDX-License-Identifier: GPL-2.0
/*
 * Where a payload's bytes come from: one range of the sender's memory, or
 * (SIPC_SEND_GATHER) a list of them that reads as one payload. The list is
 * read into the kernel once, checked and summed before a buffer is
 * reserved, so its lengths cannot change under the copy; the bytes they
 * name are then read piece by piece straight into the receiver's buffer.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

static int source_read_segments(struct sipc_source *src, u64 nr,
				const void __user *from)
{
	/* One limit for the whole list, though root may change it meanwhile. */
	unsigned long max = READ_ONCE(sipc_max_area_size);
	size_t i;

	if (nr > SIPC_MAX_SEGMENTS)
		return -E2BIG;
	src->nr = nr;
	if (nr > ARRAY_SIZE(src->stack)) {
		src->segs = kvmalloc_array(nr, sizeof(*src->segs),
					   GFP_KERNEL_ACCOUNT);
		if (!src->segs)
			return -ENOMEM;
	}
	if (copy_from_user(src->segs, from, nr * sizeof(*src->segs)))
		return -EFAULT;
	for (i = 0; i < nr; i++) {
		u64 len = src->segs[i].len;

		if (len > max - src->size)
			return -EMSGSIZE;
		if (!access_ok(u64_to_user_ptr(src->segs[i].addr), len))
			return -EFAULT;
		src->size += len;
	}
	return 0;
}

void sipc_source_fini(struct sipc_source *src)
{
	if (src->segs != src->stack)
		kvfree(src->segs);
	src->segs = src->stack;
}

/*
 * Set @src up from a send's data, data_size and send_flags; once it is,
 * sipc_source_fini() lets it go. On error nothing is held.
 */
int sipc_source_init(struct sipc_source *src, const struct sipc_transact *tr)
{
	int ret;

	src->segs = src->stack;
	src->size = 0;
	src->seg = 0;
	src->seg_off = 0;
	src->pos = 0;
	if (tr->send_flags & SIPC_SEND_GATHER) {
		ret = source_read_segments(src, tr->data_size,
					   u64_to_user_ptr(tr->data));
		if (ret)
			sipc_source_fini(src);
		return ret;
	}
	if (tr->data_size > sipc_max_area_size)
		return -EMSGSIZE;
	if (!access_ok(u64_to_user_ptr(tr->data), tr->data_size))
		return -EFAULT;
	src->stack[0].addr = tr->data;
	src->stack[0].len = tr->data_size;
	src->nr = 1;
	src->size = tr->data_size;
	return 0;
}

/*
 * Put the cursor on payload offset @pos: forward from where it is, or
 * from the start. It rests in a segment with bytes left, or at the end.
 */
static void source_seek(struct sipc_source *src, size_t pos)
{
	if (pos < src->pos) {
		src->seg = 0;
		src->seg_off = 0;
		src->pos = 0;
	}
	while (src->seg < src->nr &&
	       pos - src->pos >= src->segs[src->seg].len - src->seg_off) {
		src->pos += src->segs[src->seg].len - src->seg_off;
		src->seg++;
		src->seg_off = 0;
	}
	src->seg_off += pos - src->pos;
	src->pos = pos;
}

/* The user memory of payload bytes from @pos on, up to @len of them. */
static size_t source_piece(struct sipc_source *src, size_t pos, size_t len,
			   const void __user **from)
{
	const struct sipc_segment *s;

	source_seek(src, pos);
	if (src->seg >= src->nr)
		return 0;
	s = &src->segs[src->seg];
	*from = u64_to_user_ptr(s->addr + src->seg_off);
	return min_t(u64, len, s->len - src->seg_off);
}

/* Read payload bytes [@pos, @pos + @len) into kernel memory. */
int sipc_source_read(struct sipc_source *src, size_t pos, void *to,
		     size_t len)
{
	while (len) {
		const void __user *from;
		size_t n = source_piece(src, pos, len, &from);

		if (!n || copy_from_user(to, from, n))
			return -EFAULT;
		pos += n;
		to += n;
		len -= n;
	}
	return 0;
}

/* Copy payload bytes [@pos, @pos + @len) to the same offset of @buf. */
int sipc_source_copy(struct sipc_source *src, struct sipc_area *area,
		     struct sipc_buffer *buf, size_t pos, size_t len)
{
	while (len) {
		const void __user *from;
		size_t n = source_piece(src, pos, len, &from);
		int ret;

		if (!n)
			return -EFAULT;
		ret = sipc_buffer_copy_from_user(area, buf, pos, from, n);
		if (ret)
			return ret;
		pos += n;
		len -= n;
	}
	return 0;
}
