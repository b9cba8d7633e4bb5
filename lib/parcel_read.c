// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: the parcel reader. Everything it reads comes from another
 * process (or a fuzzer), so every length is checked against what is left
 * before it is used, every object must be one the driver translated (its
 * offset listed), and a failed read moves nothing: the caller may try
 * another type or give up.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "libsipc.h"

/* One item, as found at the cursor. */
struct item {
	unsigned int tag;
	__u32 aux;
	size_t len;		/* the whole item, header included */
	size_t val;		/* offset of its value (after header/pad) */
	__u32 n;		/* string, bytes, parcel: length */
	size_t obj_index;	/* object: its entry in the offsets */
};

static __u32 load32(const unsigned char *d)
{
	__u32 v;

	memcpy(&v, d, 4);
	return v;
}

static __u64 offset_at(const struct sipc_parcel *p, size_t i)
{
	__u64 v;

	memcpy(&v, p->offs + i, sizeof(v));
	return v;
}

/* Is there an object at payload offset @at? Its index in *@index. */
static int find_object(const struct sipc_parcel *p, size_t at, size_t *index)
{
	__u64 want = p->base + at, off;
	size_t i;

	for (i = p->next_obj; i < p->nr_offs; i++) {
		off = offset_at(p, i);
		if (off == want) {
			*index = i;
			return 0;
		}
		if (off > want)
			break;
	}
	return -EBADMSG;
}

/* A counted item: u32 length after the header, then @extra bytes more. */
static int parse_counted(const struct sipc_parcel *p, struct item *it,
			 size_t left, size_t pad, size_t extra)
{
	size_t need;

	if (left < 8)
		return -EBADMSG;
	it->n = load32(p->data + p->pos + 4);
	if (it->n > left - 8 || pad > left - 8 - it->n)
		return -EBADMSG;
	need = 8 + pad + (size_t)it->n + extra;
	need = (need + 3) & ~(size_t)3;
	if (need > left)
		return -EBADMSG;
	it->val = p->pos + 8 + pad;
	it->len = need;
	return 0;
}

/* Decode the item at the cursor, checking it fits and is well formed. */
static int parse(const struct sipc_parcel *p, struct item *it)
{
	size_t left, pad;
	const unsigned char *s;
	__u32 h;

	if (p->pos >= p->size)
		return -ENODATA;
	left = p->size - p->pos;
	if (left < 4 || p->pos % 4)
		return -EBADMSG;
	h = load32(p->data + p->pos);
	it->tag = h & 0xff;
	it->aux = h >> 8;
	it->val = p->pos + 4;
	switch (it->tag) {
	case SIPC_TYPE_BOOL:
		it->len = 4;
		return it->aux > 1 ? -EBADMSG : 0;
	case SIPC_TYPE_I8:
	case SIPC_TYPE_U8:
		it->len = 4;
		return it->aux > 0xff ? -EBADMSG : 0;
	case SIPC_TYPE_I16:
	case SIPC_TYPE_U16:
		it->len = 4;
		return it->aux > 0xffff ? -EBADMSG : 0;
	case SIPC_TYPE_I32:
	case SIPC_TYPE_U32:
		it->len = 8;
		return it->aux || left < 8 ? -EBADMSG : 0;
	case SIPC_TYPE_I64:
	case SIPC_TYPE_U64:
	case SIPC_TYPE_DOUBLE:
		it->len = 12;
		return it->aux || left < 12 ? -EBADMSG : 0;
	case SIPC_TYPE_STRING:
		if (it->aux || parse_counted(p, it, left, 0, 1))
			return -EBADMSG;
		s = p->data + it->val;
		/* Exactly one NUL, right after the n bytes. */
		if (s[it->n] || memchr(s, 0, it->n))
			return -EBADMSG;
		return 0;
	case SIPC_TYPE_BYTES:
		if (it->aux)
			return -EBADMSG;
		return parse_counted(p, it, left, 0, 0);
	case SIPC_TYPE_PARCEL:
		if (it->aux != 0 && it->aux != 4)
			return -EBADMSG;
		if (parse_counted(p, it, left, it->aux, 0) || it->n % 4)
			return -EBADMSG;
		return 0;
	case SIPC_TAG_OBJECT:
	case SIPC_TAG_FD:
	case SIPC_TAG_REGION:
	case SIPC_TAG_POOLED:
		pad = it->aux;
		it->len = 4 + pad + sizeof(struct sipc_object);
		if (it->tag == SIPC_TAG_REGION || it->tag == SIPC_TAG_POOLED)
			it->len += sizeof(__u64);
		if ((pad != 0 && pad != 4) || left < it->len)
			return -EBADMSG;
		it->val = p->pos + 4 + pad;
		return find_object(p, it->val, &it->obj_index);
	}
	return -EBADMSG;
}

static bool is_object(const struct item *it)
{
	return it->tag == SIPC_TAG_OBJECT || it->tag == SIPC_TAG_FD ||
	       it->tag == SIPC_TAG_REGION || it->tag == SIPC_TAG_POOLED;
}

/* A descriptor as the driver writes it: ours, close-on-exec or not. */
static bool fd_object_ok(const struct sipc_object *obj)
{
	return obj->type == SIPC_OBJ_FD &&
	       !(obj->flags & ~SIPC_OBJ_FD_CLOEXEC) && !(obj->raw >> 32) &&
	       obj->fd >= 0;
}

static int item_type(const struct sipc_parcel *p, const struct item *it)
{
	struct sipc_object obj;
	__u64 size;

	if (!is_object(it))
		return (int)it->tag;
	memcpy(&obj, p->data + it->val, sizeof(obj));
	if (it->tag == SIPC_TAG_FD)
		return fd_object_ok(&obj) ? SIPC_TYPE_FD : -EBADMSG;
	if (it->tag == SIPC_TAG_REGION || it->tag == SIPC_TAG_POOLED) {
		memcpy(&size, p->data + it->val + sizeof(obj), sizeof(size));
		if (!fd_object_ok(&obj) || !size || size > SIZE_MAX)
			return -EBADMSG;
		return SIPC_TYPE_REGION;
	}
	if (obj.type == SIPC_OBJ_HANDLE && !obj.flags && !(obj.raw >> 32))
		return SIPC_TYPE_HANDLE;
	if (obj.type == SIPC_OBJ_NODE && !obj.flags)
		return SIPC_TYPE_NODE;
	if (obj.type == SIPC_OBJ_CHANNEL && !obj.flags && !(obj.raw >> 32))
		return SIPC_TYPE_CHANNEL;
	return -EBADMSG;
}

/* Parse the next item and check it has type @type. */
static int expect(const struct sipc_parcel *p, int type, struct item *it)
{
	int ret = parse(p, it), t;

	if (ret)
		return ret;
	t = item_type(p, it);
	if (t < 0)
		return t;
	return t == type ? 0 : -ENOMSG;
}

static void advance(struct sipc_parcel *p, const struct item *it)
{
	p->pos += it->len;
	if (is_object(it))
		p->next_obj = it->obj_index + 1;
}

SIPC_EXPORT void sipc_parcel_rewind(struct sipc_parcel *p)
{
	/* A parcel read back is read in one piece (a failure is sticky). */
	sipc_parcel_flatten(p);
	p->pos = 0;
	p->next_obj = 0;
}

SIPC_EXPORT int sipc_parcel_next_type(const struct sipc_parcel *p)
{
	struct item it;
	int ret = parse(p, &it);

	return ret ? ret : item_type(p, &it);
}

SIPC_EXPORT int sipc_parcel_skip(struct sipc_parcel *p)
{
	struct item it;
	int ret = parse(p, &it);

	if (!ret)
		ret = item_type(p, &it);
	if (ret < 0)
		return ret;
	advance(p, &it);
	return 0;
}

/* The 8- and 16-bit items and booleans: the value is the header's aux. */
static int get_small(struct sipc_parcel *p, int type, __u32 *v)
{
	struct item it;
	int ret = expect(p, type, &it);

	if (ret)
		return ret;
	*v = it.aux;
	advance(p, &it);
	return 0;
}

static int get_fixed(struct sipc_parcel *p, int type, void *v, size_t len)
{
	struct item it;
	int ret = expect(p, type, &it);

	if (ret)
		return ret;
	memcpy(v, p->data + it.val, len);
	advance(p, &it);
	return 0;
}

SIPC_EXPORT int sipc_parcel_get_bool(struct sipc_parcel *p, bool *v)
{
	__u32 x;
	int ret = get_small(p, SIPC_TYPE_BOOL, &x);

	if (!ret)
		*v = x;
	return ret;
}

SIPC_EXPORT int sipc_parcel_get_i8(struct sipc_parcel *p, int8_t *v)
{
	__u32 x;
	int ret = get_small(p, SIPC_TYPE_I8, &x);

	if (!ret)
		*v = (int8_t)(uint8_t)x;
	return ret;
}

SIPC_EXPORT int sipc_parcel_get_u8(struct sipc_parcel *p, uint8_t *v)
{
	__u32 x;
	int ret = get_small(p, SIPC_TYPE_U8, &x);

	if (!ret)
		*v = (uint8_t)x;
	return ret;
}

SIPC_EXPORT int sipc_parcel_get_i16(struct sipc_parcel *p, int16_t *v)
{
	__u32 x;
	int ret = get_small(p, SIPC_TYPE_I16, &x);

	if (!ret)
		*v = (int16_t)(uint16_t)x;
	return ret;
}

SIPC_EXPORT int sipc_parcel_get_u16(struct sipc_parcel *p, uint16_t *v)
{
	__u32 x;
	int ret = get_small(p, SIPC_TYPE_U16, &x);

	if (!ret)
		*v = (uint16_t)x;
	return ret;
}

SIPC_EXPORT int sipc_parcel_get_i32(struct sipc_parcel *p, __s32 *v)
{
	return get_fixed(p, SIPC_TYPE_I32, v, sizeof(*v));
}

SIPC_EXPORT int sipc_parcel_get_u32(struct sipc_parcel *p, __u32 *v)
{
	return get_fixed(p, SIPC_TYPE_U32, v, sizeof(*v));
}

SIPC_EXPORT int sipc_parcel_get_i64(struct sipc_parcel *p, int64_t *v)
{
	return get_fixed(p, SIPC_TYPE_I64, v, sizeof(*v));
}

SIPC_EXPORT int sipc_parcel_get_u64(struct sipc_parcel *p, uint64_t *v)
{
	return get_fixed(p, SIPC_TYPE_U64, v, sizeof(*v));
}

SIPC_EXPORT int sipc_parcel_get_double(struct sipc_parcel *p, double *v)
{
	return get_fixed(p, SIPC_TYPE_DOUBLE, v, sizeof(*v));
}

SIPC_EXPORT int sipc_parcel_get_string(struct sipc_parcel *p, const char **s,
				       size_t *len)
{
	struct item it;
	int ret = expect(p, SIPC_TYPE_STRING, &it);

	if (ret)
		return ret;
	*s = (const char *)p->data + it.val;
	if (len)
		*len = it.n;
	advance(p, &it);
	return 0;
}

SIPC_EXPORT int sipc_parcel_get_bytes(struct sipc_parcel *p,
				      const void **data, size_t *len)
{
	struct item it;
	int ret = expect(p, SIPC_TYPE_BYTES, &it);

	if (ret)
		return ret;
	*data = p->data + it.val;
	if (len)
		*len = it.n;
	advance(p, &it);
	return 0;
}

SIPC_EXPORT int sipc_parcel_get_parcel(struct sipc_parcel *p,
				       struct sipc_parcel *view)
{
	struct item it;
	int ret;

	if (!view || view == p)
		return -EINVAL;
	ret = expect(p, SIPC_TYPE_PARCEL, &it);
	if (ret)
		return ret;
	sipc_parcel_reset(view);
	view->mode = SIPC_PARCEL_READ;
	view->data = p->data + it.val;
	view->size = it.n;
	/* Its objects are among ours not yet behind us, relative to base. */
	view->offs = p->offs ? p->offs + p->next_obj : NULL;
	view->nr_offs = p->nr_offs - p->next_obj;
	view->base = p->base + it.val;
	view->s = p->s;
	/* What it takes or maps is recorded where the payload is held. */
	view->root = p->root ? p->root : p;
	advance(p, &it);
	return 0;
}

SIPC_EXPORT int sipc_parcel_get_object(struct sipc_parcel *p,
				       struct sipc_object *obj)
{
	struct item it;
	int ret = parse(p, &it);

	if (ret)
		return ret;
	ret = item_type(p, &it);
	if (ret < 0)
		return ret;
	if (it.tag != SIPC_TAG_OBJECT)
		return -ENOMSG;
	memcpy(obj, p->data + it.val, sizeof(*obj));
	advance(p, &it);
	return 0;
}

SIPC_EXPORT int sipc_parcel_get_handle(struct sipc_parcel *p,
				       struct sipc_handle **h)
{
	struct sipc_object obj;
	struct item it;
	int ret = expect(p, SIPC_TYPE_HANDLE, &it);

	if (ret)
		return ret;
	if (!p->s)
		return -ENOTCONN;
	memcpy(&obj, p->data + it.val, sizeof(obj));
	ret = sipc_handle_from_id(p->s, obj.handle, h);
	if (ret)
		return ret;
	advance(p, &it);
	return 0;
}

SIPC_EXPORT int sipc_parcel_get_node(struct sipc_parcel *p,
				     struct sipc_node **n)
{
	struct sipc_object obj;
	struct sipc_node *node;
	struct item it;
	int ret = expect(p, SIPC_TYPE_NODE, &it);

	if (ret)
		return ret;
	if (!p->s)
		return -ENOTCONN;
	memcpy(&obj, p->data + it.val, sizeof(obj));
	node = sipc_node_find_get(p->s, obj.cookie);
	if (!node)
		return -ENOENT;
	/* Not a new reference: the owner decides when the node goes. */
	sipc_node_put(node);
	*n = node;
	advance(p, &it);
	return 0;
}

/* The parcel that holds the payload @p reads: itself or, for a view, its root. */
static struct sipc_parcel *holder(struct sipc_parcel *p)
{
	return p->root ? p->root : p;
}

SIPC_EXPORT int sipc_parcel_get_fd(struct sipc_parcel *p, int *fd)
{
	struct sipc_object obj;
	struct item it;
	int ret = expect(p, SIPC_TYPE_FD, &it);

	if (ret)
		return ret;
	memcpy(&obj, p->data + it.val, sizeof(obj));
	*fd = obj.fd;
	advance(p, &it);
	return 0;
}

SIPC_EXPORT int sipc_parcel_take_fd(struct sipc_parcel *p, int *fd)
{
	struct sipc_parcel *h = holder(p);
	struct sipc_object obj;
	struct item it;
	int ret = expect(p, SIPC_TYPE_FD, &it);

	if (ret)
		return ret;
	if (!h->owns_fds)
		return -ENOTCONN;
	memcpy(&obj, p->data + it.val, sizeof(obj));
	ret = sipc_parcel_add_res(h, SIPC_RES_TAKEN, obj.fd, NULL, 0);
	if (ret)
		return ret;
	*fd = obj.fd;
	advance(p, &it);
	return 0;
}

/*
 * A region: map it (after checking its seals and size) and hand it over
 * as a region of its own, which takes the descriptor from a parcel that
 * owns it, or a duplicate of it from one that does not.
 */
SIPC_EXPORT int sipc_parcel_get_region(struct sipc_parcel *p,
				       struct sipc_region **r)
{
	struct sipc_parcel *h = holder(p);
	struct sipc_object obj;
	struct item it;
	void *addr;
	__u64 size;
	int ret = expect(p, SIPC_TYPE_REGION, &it), fd;

	if (ret)
		return ret;
	/* Its bytes may still change: only sipc_parcel_get_blob() reads it. */
	if (it.tag == SIPC_TAG_POOLED)
		return -EPERM;
	memcpy(&obj, p->data + it.val, sizeof(obj));
	memcpy(&size, p->data + it.val + sizeof(obj), sizeof(size));
	ret = sipc_region_map_fd(obj.fd, size, &addr);
	if (ret)
		return ret;
	if (h->owns_fds) {
		fd = obj.fd;
		ret = sipc_parcel_add_res(h, SIPC_RES_TAKEN, fd, NULL, 0);
	} else {
		fd = fcntl(obj.fd, F_DUPFD_CLOEXEC, 0);
		ret = fd < 0 ? -errno : 0;
	}
	if (!ret) {
		ret = sipc_region_wrap(fd, size, addr, r);
		/* Not taken after all: the parcel closes it, or we do. */
		if (ret && h->owns_fds)
			h->nr_res--;
		else if (ret)
			close(fd);
	}
	if (ret) {
		munmap(addr, size);
		return ret;
	}
	advance(p, &it);
	return 0;
}

/*
 * A pooled region: a kept view of it, held until @p lets the payload go,
 * or a view of its own when every kept one is being read.
 */
static int get_pooled(struct sipc_parcel *p, int fd, __u64 size,
		      const void **data)
{
	size_t map_size;
	int view, ret;

	if (size > SIZE_MAX)
		return -EBADMSG;
	ret = sipc_pool_view(fd, (size_t)size, data, &view, &map_size);
	if (ret)
		return ret;
	if (view >= 0)
		ret = sipc_parcel_add_res(holder(p), SIPC_RES_VIEW, view,
					  NULL, 0);
	else
		ret = sipc_parcel_add_res(holder(p), SIPC_RES_UNMAP, -1,
					  (void *)*data, map_size);
	if (ret) {
		if (view >= 0)
			sipc_pool_unview(view);
		else
			munmap((void *)*data, map_size);
	}
	return ret;
}

/* Bytes inline, or a region mapped for as long as @p holds the payload. */
SIPC_EXPORT int sipc_parcel_get_blob(struct sipc_parcel *p, const void **data,
				     size_t *len)
{
	struct sipc_object obj;
	struct item it;
	void *addr;
	__u64 size;
	int ret = sipc_parcel_get_bytes(p, data, len);

	if (ret != -ENOMSG)
		return ret;
	ret = expect(p, SIPC_TYPE_REGION, &it);
	if (ret)
		return ret;
	memcpy(&obj, p->data + it.val, sizeof(obj));
	memcpy(&size, p->data + it.val + sizeof(obj), sizeof(size));
	if (it.tag == SIPC_TAG_POOLED) {
		ret = get_pooled(p, obj.fd, size, data);
		if (ret)
			return ret;
		if (len)
			*len = size;
		advance(p, &it);
		return 0;
	}
	ret = sipc_region_map_fd(obj.fd, size, &addr);
	if (ret)
		return ret;
	ret = sipc_parcel_add_res(holder(p), SIPC_RES_UNMAP, -1, addr, size);
	if (ret) {
		munmap(addr, size);
		return ret;
	}
	*data = addr;
	if (len)
		*len = size;
	advance(p, &it);
	return 0;
}
