// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libFuzzer target for libsipc's parcel reader, built with ASan and UBSan
 * (tools/sipc-fuzz-parcel). Two kinds of input:
 *
 *  - a received payload: a count of object offsets, the offsets, then the
 *    payload bytes, copied into a buffer of exactly that size; every item
 *    is read with the getter of its type, or of another, or skipped, and
 *    nested parcels are read the same way. Whatever the bytes, the reader
 *    must return an error or a value from inside the payload, never read
 *    outside it (the sanitizers watch), and must make progress;
 *  - (first byte 0xff) a writer script: items written with the put
 *    functions, then read back, each of which must come back as written.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sipc.h>

#define MAX_DEPTH	8
/* A getter that is no type's own: the raw object. */
#define HOW_OBJECT	100

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "parcel_fuzz: %s\n", what);
	abort();
}

/* Touch every byte a getter handed out: ASan checks it is ours. */
static unsigned int touch(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

/* In range of the payload [@base, @base + @size)? */
static void inside(const void *base, size_t size, const void *p, size_t len)
{
	const uint8_t *b = base, *q = p;

	if (q < b || len > size || (size_t)(q - b) > size - len)
		fail("a getter pointed outside the payload");
}

static void read_all(struct sipc_parcel *p, const uint8_t *payload,
		     size_t psize, unsigned int pick, int depth);

/* Read one item with the getter @how picks; 0 or the getter's error. */
static int read_one(struct sipc_parcel *p, const uint8_t *payload,
		    size_t psize, int how, int depth)
{
	union {
		bool b; int8_t i8; uint8_t u8; int16_t i16; uint16_t u16;
		int32_t i32; uint32_t u32; int64_t i64; uint64_t u64;
		double d;
	} v;
	struct sipc_object obj;
	struct sipc_region *r;
	struct sipc_parcel *view;
	struct sipc_handle *h;
	struct sipc_node *n;
	const char *s;
	const void *bytes;
	size_t len;
	int ret, fd;

	switch (how) {
	case SIPC_TYPE_BOOL: return sipc_parcel_get_bool(p, &v.b);
	case SIPC_TYPE_I8: return sipc_parcel_get_i8(p, &v.i8);
	case SIPC_TYPE_U8: return sipc_parcel_get_u8(p, &v.u8);
	case SIPC_TYPE_I16: return sipc_parcel_get_i16(p, &v.i16);
	case SIPC_TYPE_U16: return sipc_parcel_get_u16(p, &v.u16);
	case SIPC_TYPE_I32: return sipc_parcel_get_i32(p, &v.i32);
	case SIPC_TYPE_U32: return sipc_parcel_get_u32(p, &v.u32);
	case SIPC_TYPE_I64: return sipc_parcel_get_i64(p, &v.i64);
	case SIPC_TYPE_U64: return sipc_parcel_get_u64(p, &v.u64);
	case SIPC_TYPE_DOUBLE: return sipc_parcel_get_double(p, &v.d);
	case SIPC_TYPE_STRING:
		ret = sipc_parcel_get_string(p, &s, &len);
		if (!ret) {
			inside(payload, psize, s, len + 1);
			if (s[len] || strlen(s) != len)
				fail("a string without its NUL, or with one inside");
			touch(s, len);
		}
		return ret;
	case SIPC_TYPE_BYTES:
		ret = sipc_parcel_get_bytes(p, &bytes, &len);
		if (!ret && len) {
			inside(payload, psize, bytes, len);
			touch(bytes, len);
		}
		return ret;
	case SIPC_TYPE_PARCEL:
		view = sipc_parcel_new();
		if (!view)
			return -ENOMEM;
		ret = sipc_parcel_get_parcel(p, view);
		if (!ret && depth < MAX_DEPTH) {
			const void *vd = sipc_parcel_data(view, &len);

			if (len)
				inside(payload, psize, vd, len);
			read_all(view, payload, psize, how * 7 + depth, depth + 1);
		}
		sipc_parcel_free(view);
		return ret;
	case SIPC_TYPE_HANDLE:
		ret = sipc_parcel_get_handle(p, &h);
		if (!ret)
			fail("a handle without a device");
		return ret;
	case SIPC_TYPE_NODE:
		ret = sipc_parcel_get_node(p, &n);
		if (!ret)
			fail("a node without a device");
		return ret;
	case SIPC_TYPE_FD:
		/* Lent, not ours: nothing received here is closed. */
		ret = sipc_parcel_get_fd(p, &fd);
		if (!ret && fd < 0)
			fail("a negative fd");
		return ret;
	case SIPC_TYPE_REGION:
		/* Whatever the fd names, only a sealed memfd is mapped. */
		ret = sipc_parcel_get_region(p, &r);
		if (!ret)
			sipc_region_free(r);
		return ret;
	case SIPC_TYPE_CHANNEL:
	case HOW_OBJECT:
		ret = sipc_parcel_get_object(p, &obj);
		if (!ret && obj.type != SIPC_OBJ_HANDLE &&
		    obj.type != SIPC_OBJ_NODE && obj.type != SIPC_OBJ_CHANNEL)
			fail("an object of no known type");
		return ret;
	default:
		return sipc_parcel_skip(p);
	}
}

/*
 * Read to the end: mostly the item's own getter, sometimes another (which
 * must not move the cursor), sometimes a skip. Every step makes progress
 * or ends the parcel.
 */
static void read_all(struct sipc_parcel *p, const uint8_t *payload,
		     size_t psize, unsigned int pick, int depth)
{
	int steps;

	for (steps = 0; steps < 4096; steps++) {
		int type = sipc_parcel_next_type(p), how, ret;

		if (type == -ENODATA || type == -EBADMSG)
			return;
		if (type < SIPC_TYPE_BOOL || type > SIPC_TYPE_CHANNEL)
			fail("next_type out of range");
		pick = pick * 1103515245 + 12345;
		how = (pick >> 16) % 8 ? type : (int)((pick >> 8) % 20);
		if (how == 19)
			how = HOW_OBJECT;
		ret = read_one(p, payload, psize, how, depth);
		/* A region's fd may name anything: -EBADF, -EPERM too. */
		if (ret && ret != -ENOMSG && ret != -EBADMSG &&
		    ret != -ENODATA && ret != -ENOTCONN && ret != -ENOMEM &&
		    ret != -ENOENT && !(how == SIPC_TYPE_REGION &&
					(ret == -EBADF || ret == -EPERM)))
			fail("an error outside the reader's list");
		if (!ret)
			continue;
		/* A refused get leaves the item there: skip it or stop. */
		if (sipc_parcel_next_type(p) != type)
			fail("a failed get moved the cursor");
		if (sipc_parcel_skip(p))
			return;
	}
	fail("no end after 4096 items");
}

static int received(const uint8_t *data, size_t size)
{
	size_t k = size ? data[0] % 9 : 0, i, psize;
	struct sipc_parcel *p;
	__u64 offs[8];
	uint8_t *payload;

	data++;
	size = size ? size - 1 : 0;
	if (size < k * 2)
		return 0;
	/* Offsets as small multiples of 8 mostly, anything sometimes. */
	for (i = 0; i < k; i++) {
		uint16_t o = data[2 * i] | data[2 * i + 1] << 8;

		offs[i] = o & 0x8000 ? (__u64)o << 48 | o : (o & 0x7ff) * 8;
	}
	data += 2 * k;
	psize = size - 2 * k;
	/* Its own allocation, so one byte past it is caught; 8-aligned. */
	payload = malloc(psize ? psize : 1);
	if (!payload)
		return 0;
	memcpy(payload, data, psize);
	p = sipc_parcel_new();
	if (p && !sipc_parcel_from_bytes(p, payload, psize, offs, k)) {
		read_all(p, payload, psize, psize, 0);
		sipc_parcel_rewind(p);
		read_all(p, payload, psize, psize + 1, 0);
	}
	sipc_parcel_free(p);
	free(payload);
	return 0;
}

/* Write what the script says, read it back, compare. */
static int round_trip(const uint8_t *data, size_t size)
{
	struct sipc_parcel *w = sipc_parcel_new(), *r = sipc_parcel_new();
	struct { int type; uint64_t v; size_t off, len; } items[64];
	const __u64 *offs;
	const uint8_t *out;
	size_t n = 0, i = 1, count, len;
	char str[64];

	if (!w || !r)
		goto out;
	while (i < size && n < 64) {
		int type = 1 + data[i++] % 12;
		uint64_t v = 0;
		size_t k;

		for (k = 0; k < 8 && i < size; k++)
			v = v << 8 | data[i++];
		items[n].type = type;
		items[n].v = v;
		items[n].off = i;
		items[n].len = v % 48;
		if (items[n].len > size - i)
			items[n].len = size - i;
		switch (type) {
		case SIPC_TYPE_BOOL: sipc_parcel_put_bool(w, v & 1); break;
		case SIPC_TYPE_I8: sipc_parcel_put_i8(w, v); break;
		case SIPC_TYPE_U8: sipc_parcel_put_u8(w, v); break;
		case SIPC_TYPE_I16: sipc_parcel_put_i16(w, v); break;
		case SIPC_TYPE_U16: sipc_parcel_put_u16(w, v); break;
		case SIPC_TYPE_I32: sipc_parcel_put_i32(w, v); break;
		case SIPC_TYPE_U32: sipc_parcel_put_u32(w, v); break;
		case SIPC_TYPE_I64: sipc_parcel_put_i64(w, v); break;
		case SIPC_TYPE_U64: sipc_parcel_put_u64(w, v); break;
		case SIPC_TYPE_DOUBLE:
			sipc_parcel_put_u64(w, v);
			items[n].type = SIPC_TYPE_U64;
			break;
		case SIPC_TYPE_STRING:
			for (k = 0; k < items[n].len; k++)
				str[k] = data[i + k] ? data[i + k] : 'x';
			str[k] = 0;
			sipc_parcel_put_string(w, str);
			i += items[n].len;
			break;
		default:
			sipc_parcel_put_bytes(w, data + i, items[n].len);
			items[n].type = SIPC_TYPE_BYTES;
			i += items[n].len;
			break;
		}
		n++;
	}
	if (sipc_parcel_error(w))
		goto out;
	out = sipc_parcel_data(w, &len);
	offs = sipc_parcel_offsets(w, &count);
	if (sipc_parcel_from_bytes(r, out, len, offs, count))
		fail("a written parcel cannot be viewed");
	for (i = 0; i < n; i++) {
		uint64_t v = items[i].v, got = 0;
		const void *b;
		const char *s;
		size_t l;
		int ret;
		union { bool b; int8_t i8; uint8_t u8; int16_t i16;
			uint16_t u16; int32_t i32; uint32_t u32; int64_t i64;
			uint64_t u64; } u = { 0 };

		if (sipc_parcel_next_type(r) != items[i].type)
			fail("read back another type");
		switch (items[i].type) {
		case SIPC_TYPE_BOOL:
			ret = sipc_parcel_get_bool(r, &u.b);
			got = u.b;
			v &= 1;
			break;
		case SIPC_TYPE_I8:
			ret = sipc_parcel_get_i8(r, &u.i8);
			got = (uint64_t)(int64_t)u.i8;
			v = (uint64_t)(int64_t)(int8_t)v;
			break;
		case SIPC_TYPE_U8:
			ret = sipc_parcel_get_u8(r, &u.u8);
			got = u.u8;
			v = (uint8_t)v;
			break;
		case SIPC_TYPE_I16:
			ret = sipc_parcel_get_i16(r, &u.i16);
			got = (uint64_t)(int64_t)u.i16;
			v = (uint64_t)(int64_t)(int16_t)v;
			break;
		case SIPC_TYPE_U16:
			ret = sipc_parcel_get_u16(r, &u.u16);
			got = u.u16;
			v = (uint16_t)v;
			break;
		case SIPC_TYPE_I32:
			ret = sipc_parcel_get_i32(r, &u.i32);
			got = (uint64_t)(int64_t)u.i32;
			v = (uint64_t)(int64_t)(int32_t)v;
			break;
		case SIPC_TYPE_U32:
			ret = sipc_parcel_get_u32(r, &u.u32);
			got = u.u32;
			v = (uint32_t)v;
			break;
		case SIPC_TYPE_I64:
			ret = sipc_parcel_get_i64(r, &u.i64);
			got = (uint64_t)u.i64;
			break;
		case SIPC_TYPE_U64:
			ret = sipc_parcel_get_u64(r, &u.u64);
			got = u.u64;
			break;
		case SIPC_TYPE_STRING:
			ret = sipc_parcel_get_string(r, &s, &l);
			if (!ret && l != items[i].len)
				fail("a string came back another length");
			got = v;
			break;
		default:
			ret = sipc_parcel_get_bytes(r, &b, &l);
			if (!ret && (l != items[i].len ||
				     (l && memcmp(b, data + items[i].off, l))))
				fail("bytes came back changed");
			got = v;
			break;
		}
		if (ret)
			fail("a written item could not be read back");
		if (got != v) {
			fprintf(stderr, "item %zu type %d: wrote %#llx, read %#llx\n",
				i, items[i].type, (unsigned long long)v,
				(unsigned long long)got);
			fail("a value came back changed");
		}
	}
	if (sipc_parcel_next_type(r) != -ENODATA)
		fail("more came back than was written");
out:
	sipc_parcel_free(w);
	sipc_parcel_free(r);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == 0xff)
		return round_trip(data, size);
	return received(data, size);
}
