// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: bytes a parcel refers to instead of copying. The parcel's own
 * buffer holds every item but those bytes, and notes where each referred
 * run sits among its own bytes; a send then hands the driver the whole as
 * a list of segments (SIPC_SEND_GATHER), which it copies once, each piece
 * from where it lives. Offsets of objects always count in that whole.
 * Anything that needs the payload in one piece (reading it back, its data
 * pointer, a driver older than 1.2) flattens it into the own buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsipc.h"

/* One own piece before each ref, one after the last: within the limit. */
#define MAX_REFS	((SIPC_MAX_SEGMENTS - 1) / 2)
#define REFS_MIN_CAP	4

static int reserve_ref(struct sipc_parcel *p)
{
	struct sipc_parcel_ref *r;
	size_t cap;

	if (p->nr_refs < p->refs_cap)
		return 0;
	cap = p->refs_cap ? p->refs_cap * 2 : REFS_MIN_CAP;
	r = realloc(p->refs, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->refs = r;
	p->refs_cap = cap;
	return 0;
}

SIPC_EXPORT int sipc_parcel_put_bytes_ref(struct sipc_parcel *p,
					  const void *data, size_t len)
{
	__u32 h = SIPC_TYPE_BYTES, n = (__u32)len;
	struct sipc_parcel_ref *r;
	size_t pad = sipc_align4(len) - len;
	unsigned char *d;

	if (!data && len)
		return sipc_parcel_fail(p, -EINVAL);
	/* Small runs cost less to copy than a segment costs the driver. */
	if (len < SIPC_PARCEL_REF_MIN || p->nr_refs >= MAX_REFS ||
	    !sipc_parcel_writable(p))
		return sipc_parcel_put_bytes(p, data, len);
	if (len > UINT32_MAX - 8)
		return sipc_parcel_fail(p, -EMSGSIZE);
	if (p->error)
		return p->error;
	if (reserve_ref(p))
		return sipc_parcel_fail(p, -ENOMEM);
	/* The item's header, then (by reference) the bytes, then padding. */
	d = sipc_parcel_grow(p, 8 + pad);
	if (!d)
		return p->error;
	memcpy(d, &h, 4);
	memcpy(d + 4, &n, 4);
	memset(d + 8, 0, pad);
	r = &p->refs[p->nr_refs++];
	r->at = p->size - pad;
	r->data = data;
	r->len = len;
	p->ref_bytes += len;
	return 0;
}

/* Copy the whole payload of @p, own bytes and referred ones, to @to. */
void sipc_parcel_copy_whole(const struct sipc_parcel *p, unsigned char *to)
{
	size_t i, own = 0;

	for (i = 0; i < p->nr_refs; i++) {
		const struct sipc_parcel_ref *r = &p->refs[i];

		memcpy(to, p->data + own, r->at - own);
		to += r->at - own;
		memcpy(to, r->data, r->len);
		to += r->len;
		own = r->at;
	}
	if (p->size > own)
		memcpy(to, p->data + own, p->size - own);
}

/* Copy what @p refers to into its own buffer: one piece again. */
int sipc_parcel_flatten(struct sipc_parcel *p)
{
	size_t whole = p->size + p->ref_bytes;
	unsigned char *nbuf;

	if (!p->nr_refs)
		return 0;
	nbuf = malloc(whole);
	if (!nbuf)
		return sipc_parcel_fail(p, -ENOMEM);
	sipc_parcel_copy_whole(p, nbuf);
	free(p->buf);
	p->buf = nbuf;
	p->data = nbuf;
	p->cap = whole;
	p->size = whole;
	p->nr_refs = 0;
	p->ref_bytes = 0;
	return 0;
}

static int reserve_segs(struct sipc_parcel *p, size_t n)
{
	struct sipc_segment *s;

	if (n <= p->segs_cap)
		return 0;
	s = realloc(p->segs, n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	p->segs = s;
	p->segs_cap = n;
	return 0;
}

static void add_seg(struct sipc_parcel *p, size_t *n, const void *addr,
		    size_t len)
{
	if (!len)
		return;
	p->segs[*n].addr = (uintptr_t)addr;
	p->segs[*n].len = len;
	(*n)++;
}

/*
 * The payload of @p as @tr's send part: a gather of its own pieces and
 * the runs it refers to, or (a driver before 1.2) flattened first.
 */
int sipc_parcel_gather(struct sipc_parcel *p, const struct sipc *s,
		       struct sipc_transact *tr)
{
	size_t i, n = 0, own = 0;

	if (s->version.major == 1 && s->version.minor < 2)
		return sipc_parcel_flatten(p);
	if (reserve_segs(p, 2 * p->nr_refs + 1))
		return sipc_parcel_fail(p, -ENOMEM);
	for (i = 0; i < p->nr_refs; i++) {
		add_seg(p, &n, p->data + own, p->refs[i].at - own);
		add_seg(p, &n, p->refs[i].data, p->refs[i].len);
		own = p->refs[i].at;
	}
	add_seg(p, &n, p->data + own, p->size - own);
	tr->send_flags = SIPC_SEND_GATHER;
	tr->data = (uintptr_t)p->segs;
	tr->data_size = n;
	return 0;
}

/*
 * Does @p refer to bytes in @s's receive area? A buffer freed in the
 * system call that sends @p could be reused by a send to us meanwhile, and
 * the copy would read that; such a send frees it after, instead.
 */
bool sipc_parcel_refers_into(const struct sipc_parcel *p,
			     const struct sipc *s)
{
	uintptr_t lo = (uintptr_t)s->area, hi = lo + s->area_size;
	size_t i;

	for (i = 0; i < p->nr_refs; i++) {
		uintptr_t at = (uintptr_t)p->refs[i].data;

		if (at < hi && at + p->refs[i].len > lo)
			return true;
	}
	return false;
}

void sipc_parcel_refs_fini(struct sipc_parcel *p)
{
	free(p->refs);
	free(p->segs);
	p->refs = NULL;
	p->segs = NULL;
	p->refs_cap = 0;
	p->segs_cap = 0;
	p->nr_refs = 0;
	p->ref_bytes = 0;
}
