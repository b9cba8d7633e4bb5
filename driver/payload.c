// SPDX-License-Identifier: GPL-2.0
/*
 * A payload's way into the receiver's buffer. The receiver may map any
 * page of its area at any time, pages a send to it is still filling
 * included, so the order is what keeps it from seeing what it must not:
 * the object offsets and the objects are read once into the kernel, checked
 * and translated there, and only then is the buffer written, the bytes
 * between objects straight from the sender's memory (the one copy) and
 * each object as translated. A sender's node cookies, handle and
 * descriptor numbers never land in the receiver's pages, and a send that
 * fails clears what it wrote before its space is given back.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

/* Payloads with up to this many objects need no allocation here. */
#define SIPC_PAYLOAD_OBJS_ON_STACK	4

struct sipc_payload {
	u64 *offsets;
	struct sipc_object *objs;
	size_t count;
	size_t translated;
	u64 offsets_stack[SIPC_PAYLOAD_OBJS_ON_STACK];
	struct sipc_object objs_stack[SIPC_PAYLOAD_OBJS_ON_STACK];
};

static int payload_init(struct sipc_payload *p, size_t count)
{
	p->count = count;
	p->translated = 0;
	if (count <= SIPC_PAYLOAD_OBJS_ON_STACK) {
		p->offsets = p->offsets_stack;
		p->objs = p->objs_stack;
		return 0;
	}
	p->offsets = kvmalloc_array(count, sizeof(*p->offsets), GFP_KERNEL_ACCOUNT);
	p->objs = kvmalloc_array(count, sizeof(*p->objs), GFP_KERNEL_ACCOUNT);
	return p->offsets && p->objs ? 0 : -ENOMEM;
}

static void payload_fini(struct sipc_payload *p)
{
	if (p->offsets != p->offsets_stack)
		kvfree(p->offsets);
	if (p->objs != p->objs_stack)
		kvfree(p->objs);
}

/* Offsets sorted, aligned, each object whole inside the data. */
static int payload_check_offsets(const struct sipc_payload *p,
				 size_t data_size)
{
	size_t i, next = 0;

	for (i = 0; i < p->count; i++) {
		u64 off = p->offsets[i];

		if (off % 8 || off < next || off > data_size ||
		    data_size - off < sizeof(struct sipc_object))
			return -EINVAL;
		next = off + sizeof(struct sipc_object);
	}
	return 0;
}

/* Read the offsets and the objects, once each, and translate the objects. */
static int payload_translate(struct sipc_payload *p, struct sipc_proc *from,
			     struct sipc_proc *to, struct sipc_buffer *buf,
			     struct sipc_source *src,
			     const u64 __user *offsets)
{
	size_t i;
	int ret;

	if (copy_from_user(p->offsets, offsets, p->count * sizeof(u64)))
		return -EFAULT;
	ret = payload_check_offsets(p, buf->data_size);
	if (ret)
		return ret;
	for (i = 0; i < p->count; i++) {
		ret = sipc_source_read(src, p->offsets[i], &p->objs[i],
				       sizeof(p->objs[i]));
		if (ret)
			return ret;
		ret = sipc_object_translate(from, to, buf, p->offsets[i],
					    p->count, &p->objs[i]);
		if (ret)
			return ret;
		p->translated++;
	}
	return 0;
}

/* Write the data, each object as translated, then the offsets. */
static int payload_write(struct sipc_payload *p, struct sipc_area *area,
			 struct sipc_buffer *buf, struct sipc_source *src)
{
	size_t i, pos = 0;
	int ret;

	for (i = 0; i < p->count; i++) {
		size_t off = p->offsets[i];

		ret = sipc_source_copy(src, area, buf, pos, off - pos);
		if (ret)
			return ret;
		sipc_buffer_access(area, buf, off, &p->objs[i],
				   sizeof(p->objs[i]), true);
		pos = off + sizeof(p->objs[i]);
	}
	ret = sipc_source_copy(src, area, buf, pos, buf->data_size - pos);
	if (ret)
		return ret;
	if (p->count)
		sipc_buffer_access(area, buf, ALIGN(buf->data_size, 8),
				   p->offsets, p->count * sizeof(u64), true);
	return 0;
}

/*
 * Fill @buf (reserved in @to's area, data_size set) with the payload
 * @src reads and its @count object offsets at @offsets. On error, what the
 * objects took is dropped and what was written is cleared; the caller
 * frees the buffer. No lock held.
 */
int sipc_payload_copy(struct sipc_proc *from, struct sipc_proc *to,
		      struct sipc_buffer *buf, struct sipc_source *src,
		      const u64 __user *offsets, size_t count)
{
	struct sipc_area *area = &to->area;
	struct sipc_payload p;
	int ret;

	ret = payload_init(&p, count);
	if (!ret && count)
		ret = payload_translate(&p, from, to, buf, src, offsets);
	if (!ret) {
		ret = payload_write(&p, area, buf, src);
		/* A copy cut short by a fault wrote up to where it stopped. */
		if (ret)
			sipc_buffer_clear(area, buf, 0,
					  sipc_buffer_size(buf->data_size,
							   count));
	}
	if (ret) {
		sipc_release_objects(to, buf);
	} else {
		buf->offsets_count = count;
		sipc_count_add(&to->dev->stats, SIPC_CNT_OBJECTS, count);
	}
	payload_fini(&p);
	return ret;
}
