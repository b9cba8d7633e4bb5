// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: parcels, their life and the writer. A parcel keeps its writing
 * memory when it is reset or used to read a reply, so a parcel reused for
 * every call allocates nothing once it has grown to the largest message.
 * The format is described in sipc.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "libsipc.h"

#define PARCEL_MIN_CAP	256
#define OFFS_MIN_CAP	8
#define RES_MIN_CAP	4

void sipc_parcel_init(struct sipc_parcel *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = SIPC_PARCEL_WRITE;
}

/*
 * The object at each listed offset of a payload the driver delivered, or
 * false past the list. The driver checked every offset (in bounds,
 * aligned, sorted) and translated every object there.
 */
static bool received_object(const struct sipc_parcel *p, size_t i,
			    struct sipc_object *obj)
{
	__u64 off;

	if (i >= p->nr_offs)
		return false;
	memcpy(&off, p->offs + i, sizeof(off));
	if (off > p->size || p->size - off < sizeof(*obj))
		return false;
	memcpy(obj, p->data + off, sizeof(*obj));
	return true;
}

static bool taken(const struct sipc_parcel *p, enum sipc_res_kind kind,
		  int fd)
{
	size_t i;

	for (i = 0; i < p->nr_res; i++)
		if (p->res[i].kind == kind && p->res[i].fd == fd)
			return true;
	return false;
}

/* A received object the parcel lets go of with its payload. */
static void drop_object(struct sipc_parcel *p, const struct sipc_object *obj)
{
	if (obj->type == SIPC_OBJ_FD && obj->fd >= 0 &&
	    !taken(p, SIPC_RES_TAKEN, obj->fd))
		close(obj->fd);
	/* A channel offered and not accepted: refused. */
	if (obj->type == SIPC_OBJ_CHANNEL && p->s &&
	    !taken(p, SIPC_RES_CHANNEL, (int)obj->channel))
		ioctl(p->s->fd, SIPC_IOC_CHANNEL_CLOSE, &obj->channel);
}

/*
 * Let go of what goes with the payload, before its buffer goes: close
 * every descriptor that arrived in it and was not taken, unmap the
 * regions read from it, close the regions written into it.
 */
void sipc_parcel_drop_res(struct sipc_parcel *p)
{
	struct sipc_object obj;
	size_t i;

	for (i = 0; p->owns_fds && received_object(p, i, &obj); i++)
		drop_object(p, &obj);
	p->owns_fds = false;
	for (i = 0; i < p->nr_res; i++) {
		if (p->res[i].kind == SIPC_RES_CLOSE)
			close(p->res[i].fd);
		else if (p->res[i].kind == SIPC_RES_UNMAP)
			munmap(p->res[i].addr, p->res[i].len);
		else if (p->res[i].kind == SIPC_RES_POOL)
			sipc_pool_return(p->res[i].fd, p->res[i].len,
					 p->answered);
		else if (p->res[i].kind == SIPC_RES_VIEW)
			sipc_pool_unview(p->res[i].fd);
	}
	p->nr_res = 0;
}

/* Anything to let go of besides the buffer itself? */
bool sipc_parcel_has_res(const struct sipc_parcel *p)
{
	return p->owns_fds || p->nr_res;
}

int sipc_parcel_add_res(struct sipc_parcel *p, enum sipc_res_kind kind,
			int fd, void *addr, size_t len)
{
	struct sipc_res *r;
	size_t cap;

	if (p->nr_res == p->res_cap) {
		cap = p->res_cap ? p->res_cap * 2 : RES_MIN_CAP;
		r = realloc(p->res, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		p->res = r;
		p->res_cap = cap;
	}
	r = &p->res[p->nr_res++];
	r->kind = kind;
	r->fd = fd;
	r->addr = addr;
	r->len = len;
	return 0;
}

/* Give a receive buffer back to the driver, if we hold one. */
void sipc_parcel_release_held(struct sipc_parcel *p)
{
	sipc_parcel_drop_res(p);
	if (p->held && p->s)
		sipc_free_buffer(p->s, p->held);
	p->held = 0;
}

void sipc_parcel_fini(struct sipc_parcel *p)
{
	sipc_parcel_release_held(p);
	free(p->buf);
	free(p->wofs);
	free(p->res);
	sipc_parcel_refs_fini(p);
	p->buf = NULL;
	p->wofs = NULL;
	p->res = NULL;
	p->res_cap = 0;
}

/* Point the reader at the payload of an event, holding its buffer. */
void sipc_parcel_set_received(struct sipc_parcel *p, struct sipc *s,
			      const struct sipc_event *ev)
{
	struct sipc_object obj;
	size_t i;

	sipc_parcel_release_held(p);
	p->mode = SIPC_PARCEL_READ;
	p->data = (const unsigned char *)(uintptr_t)ev->data;
	p->size = ev->data_size;
	p->offs = (const __u64 *)(uintptr_t)ev->offsets;
	p->nr_offs = ev->offsets_count;
	p->nr_refs = 0;
	p->ref_bytes = 0;
	p->base = 0;
	p->pos = 0;
	p->next_obj = 0;
	p->error = 0;
	p->s = s;
	p->held = ev->data;
	p->root = NULL;
	/*
	 * The driver installed a descriptor for each, and gave us each
	 * channel offered: ours to close unless taken.
	 */
	for (i = 0; received_object(p, i, &obj); i++) {
		if (obj.type == SIPC_OBJ_FD || obj.type == SIPC_OBJ_CHANNEL) {
			p->owns_fds = true;
			break;
		}
	}
}

SIPC_EXPORT struct sipc_parcel *sipc_parcel_new(void)
{
	struct sipc_parcel *p = malloc(sizeof(*p));

	if (p)
		sipc_parcel_init(p);
	return p;
}

SIPC_EXPORT void sipc_parcel_free(struct sipc_parcel *p)
{
	if (!p)
		return;
	sipc_parcel_fini(p);
	free(p);
}

SIPC_EXPORT void sipc_parcel_reset(struct sipc_parcel *p)
{
	sipc_parcel_release_held(p);
	p->mode = SIPC_PARCEL_WRITE;
	p->data = p->buf;
	p->size = 0;
	p->offs = p->wofs;
	p->nr_offs = 0;
	p->nr_refs = 0;
	p->ref_bytes = 0;
	p->base = 0;
	p->pos = 0;
	p->next_obj = 0;
	p->error = 0;
	p->root = NULL;
	p->answered = false;
	p->pooled = false;
}

SIPC_EXPORT int sipc_parcel_from_bytes(struct sipc_parcel *p,
				       const void *data, size_t size,
				       const __u64 *offsets, size_t count)
{
	if ((!data && size) || (!offsets && count))
		return -EINVAL;
	sipc_parcel_reset(p);
	p->mode = SIPC_PARCEL_READ;
	p->data = data;
	p->size = size;
	p->offs = offsets;
	p->nr_offs = count;
	return 0;
}

SIPC_EXPORT const void *sipc_parcel_data(const struct sipc_parcel *p,
					 size_t *size)
{
	/*
	 * One piece is asked for: bytes referred to are copied in (the
	 * parcel is the caller's to change; only its form changes here).
	 */
	if (p->nr_refs && sipc_parcel_flatten((struct sipc_parcel *)p)) {
		if (size)
			*size = 0;
		return NULL;
	}
	if (size)
		*size = p->size;
	return p->data;
}

SIPC_EXPORT const __u64 *sipc_parcel_offsets(const struct sipc_parcel *p,
					     size_t *count)
{
	if (count)
		*count = p->nr_offs;
	return p->offs;
}

SIPC_EXPORT int sipc_parcel_error(const struct sipc_parcel *p)
{
	return p->error;
}

int sipc_parcel_fail(struct sipc_parcel *p, int err)
{
	if (!p->error)
		p->error = err;
	return err;
}

/*
 * Room for @len more bytes at the end; returns where they go, or NULL
 * with the sticky error set. A parcel that is being read is not written.
 */
unsigned char *sipc_parcel_grow(struct sipc_parcel *p, size_t len)
{
	size_t cap;
	void *nbuf;

	if (p->mode != SIPC_PARCEL_WRITE) {
		sipc_parcel_fail(p, -EROFS);
		return NULL;
	}
	if (p->error)
		return NULL;
	if (len > SIZE_MAX / 4 - p->size) {
		sipc_parcel_fail(p, -EMSGSIZE);
		return NULL;
	}
	if (p->size + len > p->cap && p->fixed) {
		/* Built in place (a channel's data area): no room to grow. */
		sipc_parcel_fail(p, -EMSGSIZE);
		return NULL;
	}
	if (p->size + len > p->cap) {
		cap = p->cap ? p->cap : PARCEL_MIN_CAP;
		while (cap < p->size + len)
			cap *= 2;
		nbuf = realloc(p->buf, cap);
		if (!nbuf) {
			sipc_parcel_fail(p, -ENOMEM);
			return NULL;
		}
		p->buf = nbuf;
		p->cap = cap;
		p->data = p->buf;
	}
	p->size += len;
	return p->buf + p->size - len;
}

static int add_offset(struct sipc_parcel *p, __u64 off)
{
	size_t cap;
	void *n;

	if (p->nr_offs >= SIPC_MAX_OBJECTS)
		return sipc_parcel_fail(p, -E2BIG);
	if (p->nr_offs == p->wofs_cap) {
		cap = p->wofs_cap ? p->wofs_cap * 2 : OFFS_MIN_CAP;
		n = realloc(p->wofs, cap * sizeof(*p->wofs));
		if (!n)
			return sipc_parcel_fail(p, -ENOMEM);
		p->wofs = n;
		p->wofs_cap = cap;
	}
	p->offs = p->wofs;
	/* @off counts in the own bytes; what was referred to comes before. */
	p->wofs[p->nr_offs++] = off + p->ref_bytes;
	return 0;
}

static __u32 header(unsigned int tag, __u32 aux)
{
	return tag | aux << 8;
}

/* An item with a header and @len bytes of value. */
static int put_item(struct sipc_parcel *p, unsigned int tag, __u32 aux,
		    const void *val, size_t len)
{
	__u32 h = header(tag, aux);
	unsigned char *d = sipc_parcel_grow(p, 4 + len);

	if (!d)
		return p->error;
	memcpy(d, &h, 4);
	if (len)
		memcpy(d + 4, val, len);
	return 0;
}

SIPC_EXPORT int sipc_parcel_put_bool(struct sipc_parcel *p, bool v)
{
	return put_item(p, SIPC_TYPE_BOOL, v ? 1 : 0, NULL, 0);
}

SIPC_EXPORT int sipc_parcel_put_i8(struct sipc_parcel *p, int8_t v)
{
	return put_item(p, SIPC_TYPE_I8, (uint8_t)v, NULL, 0);
}

SIPC_EXPORT int sipc_parcel_put_u8(struct sipc_parcel *p, uint8_t v)
{
	return put_item(p, SIPC_TYPE_U8, v, NULL, 0);
}

SIPC_EXPORT int sipc_parcel_put_i16(struct sipc_parcel *p, int16_t v)
{
	return put_item(p, SIPC_TYPE_I16, (uint16_t)v, NULL, 0);
}

SIPC_EXPORT int sipc_parcel_put_u16(struct sipc_parcel *p, uint16_t v)
{
	return put_item(p, SIPC_TYPE_U16, v, NULL, 0);
}

SIPC_EXPORT int sipc_parcel_put_i32(struct sipc_parcel *p, __s32 v)
{
	return put_item(p, SIPC_TYPE_I32, 0, &v, sizeof(v));
}

SIPC_EXPORT int sipc_parcel_put_u32(struct sipc_parcel *p, __u32 v)
{
	return put_item(p, SIPC_TYPE_U32, 0, &v, sizeof(v));
}

SIPC_EXPORT int sipc_parcel_put_i64(struct sipc_parcel *p, int64_t v)
{
	return put_item(p, SIPC_TYPE_I64, 0, &v, sizeof(v));
}

SIPC_EXPORT int sipc_parcel_put_u64(struct sipc_parcel *p, uint64_t v)
{
	return put_item(p, SIPC_TYPE_U64, 0, &v, sizeof(v));
}

SIPC_EXPORT int sipc_parcel_put_double(struct sipc_parcel *p, double v)
{
	return put_item(p, SIPC_TYPE_DOUBLE, 0, &v, sizeof(v));
}

/* Header, u32 length, the bytes, @nul zero bytes more, padding to 4. */
static int put_counted(struct sipc_parcel *p, unsigned int tag,
		       const void *data, size_t len, size_t nul)
{
	__u32 h = header(tag, 0), n = (__u32)len;
	size_t total;
	unsigned char *d;

	if (len > UINT32_MAX - 8)
		return sipc_parcel_fail(p, -EMSGSIZE);
	total = 8 + sipc_align4(len + nul);
	d = sipc_parcel_grow(p, total);
	if (!d)
		return p->error;
	memcpy(d, &h, 4);
	memcpy(d + 4, &n, 4);
	if (len)
		memcpy(d + 8, data, len);
	memset(d + 8 + len, 0, total - 8 - len);
	return 0;
}

SIPC_EXPORT void *sipc_parcel_put_bytes_space(struct sipc_parcel *p,
					      size_t len)
{
	__u32 h = header(SIPC_TYPE_BYTES, 0), n = (__u32)len;
	size_t total = 8 + sipc_align4(len);
	unsigned char *d;

	if (len > UINT32_MAX - 8) {
		sipc_parcel_fail(p, -EMSGSIZE);
		return NULL;
	}
	d = sipc_parcel_grow(p, total);
	if (!d)
		return NULL;
	memcpy(d, &h, 4);
	memcpy(d + 4, &n, 4);
	/* Only the padding: the bytes are the caller's to write. */
	memset(d + 8 + len, 0, total - 8 - len);
	return d + 8;
}

SIPC_EXPORT int sipc_parcel_put_string(struct sipc_parcel *p, const char *s)
{
	if (!s)
		return sipc_parcel_fail(p, -EINVAL);
	return put_counted(p, SIPC_TYPE_STRING, s, strlen(s), 1);
}

SIPC_EXPORT int sipc_parcel_put_bytes(struct sipc_parcel *p, const void *data,
				      size_t len)
{
	if (!data && len)
		return sipc_parcel_fail(p, -EINVAL);
	return put_counted(p, SIPC_TYPE_BYTES, data, len, 0);
}

/* Padding that puts what follows (at the current end + @ahead) on 8. */
static __u32 pad8(const struct sipc_parcel *p, size_t ahead)
{
	return (p->size + p->ref_bytes + ahead) % 8 ? 4 : 0;
}

static __u64 read_u64(const __u64 *a, size_t i)
{
	__u64 v;

	memcpy(&v, a + i, sizeof(v));
	return v;
}

SIPC_EXPORT int sipc_parcel_put_parcel(struct sipc_parcel *p,
				       const struct sipc_parcel *child)
{
	size_t start, i, whole;
	__u32 pad, h, n;
	unsigned char *d;
	__u64 off;
	int ret;

	if (!child || child == p)
		return sipc_parcel_fail(p, -EINVAL);
	whole = child->size + child->ref_bytes;
	if (whole % 4 || whole > UINT32_MAX - 16)
		return sipc_parcel_fail(p, -EINVAL);
	pad = pad8(p, 8);
	h = header(SIPC_TYPE_PARCEL, pad);
	n = (__u32)whole;
	d = sipc_parcel_grow(p, 8 + pad + whole);
	if (!d)
		return p->error;
	memcpy(d, &h, 4);
	memcpy(d + 4, &n, 4);
	memset(d + 8, 0, pad);
	/* What the child refers to is copied here: ours is one piece. */
	sipc_parcel_copy_whole(child, d + 8 + pad);
	start = p->size - whole;
	/* The child's objects, where they landed in ours. */
	for (i = 0; i < child->nr_offs; i++) {
		off = read_u64(child->offs, i);
		if (off < child->base || off - child->base >= whole)
			continue;
		ret = add_offset(p, start + off - child->base);
		if (ret) {
			p->size -= 8 + pad + whole;
			return ret;
		}
	}
	return 0;
}

int sipc_parcel_put_object(struct sipc_parcel *p, const struct sipc_object *obj)
{
	__u32 pad = pad8(p, 4), h = header(SIPC_TAG_OBJECT, pad);
	unsigned char *d = sipc_parcel_grow(p, 4 + pad + sizeof(*obj));
	int ret;

	if (!d)
		return p->error;
	memcpy(d, &h, 4);
	memset(d + 4, 0, pad);
	memcpy(d + 4 + pad, obj, sizeof(*obj));
	ret = add_offset(p, p->size - sizeof(*obj));
	if (ret)
		p->size -= 4 + pad + sizeof(*obj);
	return ret;
}

SIPC_EXPORT int sipc_parcel_put_handle(struct sipc_parcel *p,
				       struct sipc_handle *h)
{
	struct sipc_object obj = { .type = SIPC_OBJ_HANDLE };

	if (!h)
		return sipc_parcel_fail(p, -EINVAL);
	obj.handle = h->id;
	return sipc_parcel_put_object(p, &obj);
}

SIPC_EXPORT int sipc_parcel_put_node(struct sipc_parcel *p,
				     struct sipc_node *n)
{
	struct sipc_object obj = { .type = SIPC_OBJ_NODE };

	if (!n)
		return sipc_parcel_fail(p, -EINVAL);
	obj.cookie = n->cookie;
	return sipc_parcel_put_object(p, &obj);
}

/*
 * An item carrying a descriptor (tag 16, fd; 17, region): header, padding
 * to put the object on 8, the SIPC_OBJ_FD object, then @extra.
 */
int sipc_parcel_put_fd_item(struct sipc_parcel *p, unsigned int tag, int fd,
			    const void *extra, size_t extra_len)
{
	struct sipc_object obj = {
		.type = SIPC_OBJ_FD,
		.flags = SIPC_OBJ_FD_CLOEXEC,
	};
	__u32 pad = pad8(p, 4), h = header(tag, pad);
	size_t len = 4 + pad + sizeof(obj) + extra_len;
	unsigned char *d;
	int ret;

	if (fd < 0)
		return sipc_parcel_fail(p, -EBADF);
	obj.fd = fd;
	d = sipc_parcel_grow(p, len);
	if (!d)
		return p->error;
	memcpy(d, &h, 4);
	memset(d + 4, 0, pad);
	memcpy(d + 4 + pad, &obj, sizeof(obj));
	if (extra_len)
		memcpy(d + 4 + pad + sizeof(obj), extra, extra_len);
	ret = add_offset(p, p->size - sizeof(obj) - extra_len);
	if (ret)
		p->size -= len;
	return ret;
}

SIPC_EXPORT int sipc_parcel_put_fd(struct sipc_parcel *p, int fd)
{
	return sipc_parcel_put_fd_item(p, SIPC_TAG_FD, fd, NULL, 0);
}

SIPC_EXPORT int sipc_parcel_give_fd(struct sipc_parcel *p, int fd)
{
	int ret;

	if (p->error)
		return p->error;
	ret = sipc_parcel_add_res(p, SIPC_RES_CLOSE, fd, NULL, 0);
	if (ret)
		return sipc_parcel_fail(p, ret);
	ret = sipc_parcel_put_fd(p, fd);
	if (ret)
		p->nr_res--;
	return ret;
}
