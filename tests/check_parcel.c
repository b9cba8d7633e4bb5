// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check): parcels, on the host. Every type written and
 * read back; reads past the end and of the wrong type; malformed payloads
 * built by hand; objects that are not listed in the offsets; and random
 * and mutated input, which must never crash the reader.
 */
#include <check.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sipc.h>

static struct sipc_parcel *p, *q;

static void setup(void)
{
	p = sipc_parcel_new();
	q = sipc_parcel_new();
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
}

static void teardown(void)
{
	sipc_parcel_free(p);
	sipc_parcel_free(q);
}

/* Read @p's own bytes through @q, as a receiver would. */
static void as_received(void)
{
	size_t size, count;
	const void *data = sipc_parcel_data(p, &size);
	const __u64 *offs = sipc_parcel_offsets(p, &count);

	ck_assert_int_eq(sipc_parcel_from_bytes(q, data, size, offs, count),
			 0);
}

/*
 * Runs put by reference read back as put_bytes() writes them: a long run
 * is the caller's memory until the parcel is read (a change shows), a
 * short one is copied at once (a change does not), and the items and
 * object offsets around them are where a copying parcel has them.
 */
START_TEST(test_bytes_by_reference)
{
	static unsigned char big[SIPC_PARCEL_REF_MIN + 3], small[100];
	const __u64 *po, *qo;
	size_t pn, qn, psize, qsize, len;
	const void *got;
	uint32_t v;

	memset(big, 0xb1, sizeof(big));
	memset(small, 0x5a, sizeof(small));
	sipc_parcel_put_u32(p, 1);
	sipc_parcel_put_bytes_ref(p, big, sizeof(big));
	sipc_parcel_put_bytes_ref(p, small, sizeof(small));
	sipc_parcel_put_bytes_ref(p, big, SIPC_PARCEL_REF_MIN);
	ck_assert_int_eq(sipc_parcel_put_fd(p, 0), 0);
	sipc_parcel_put_u32(p, 2);
	ck_assert_int_eq(sipc_parcel_error(p), 0);
	sipc_parcel_put_u32(q, 1);
	sipc_parcel_put_bytes(q, big, sizeof(big));
	sipc_parcel_put_bytes(q, small, sizeof(small));
	sipc_parcel_put_bytes(q, big, SIPC_PARCEL_REF_MIN);
	sipc_parcel_put_fd(q, 0);
	sipc_parcel_put_u32(q, 2);
	po = sipc_parcel_offsets(p, &pn);
	qo = sipc_parcel_offsets(q, &qn);
	ck_assert_uint_eq(pn, 1);
	ck_assert_uint_eq(qn, 1);
	ck_assert_uint_eq(po[0], qo[0]);
	ck_assert_uint_eq(po[0] % 8, 0);

	big[0] = 0xee;
	small[0] = 0xee;
	sipc_parcel_rewind(p);
	ck_assert_int_eq(sipc_parcel_get_u32(p, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(sipc_parcel_get_bytes(p, &got, &len), 0);
	ck_assert_uint_eq(len, sizeof(big));
	ck_assert_uint_eq(((const unsigned char *)got)[0], 0xee);
	ck_assert_ptr_ne(got, big);
	ck_assert_int_eq(sipc_parcel_get_bytes(p, &got, &len), 0);
	ck_assert_uint_eq(len, sizeof(small));
	ck_assert_uint_eq(((const unsigned char *)got)[0], 0x5a);

	/* Once read back it is one piece, byte for byte the copying one's. */
	big[0] = 0xb1;
	sipc_parcel_reset(p);
	sipc_parcel_put_bytes_ref(p, big, sizeof(big));
	sipc_parcel_put_u32(p, 3);
	sipc_parcel_reset(q);
	sipc_parcel_put_bytes(q, big, sizeof(big));
	sipc_parcel_put_u32(q, 3);
	big[1] = 0x01;
	got = sipc_parcel_data(p, &psize);
	big[1] = 0xb1;
	ck_assert_uint_eq(((const unsigned char *)got)[9], 0x01);
	sipc_parcel_data(q, &qsize);
	ck_assert_uint_eq(psize, qsize);
	ck_assert_mem_eq((const unsigned char *)got + 10,
			 (const unsigned char *)sipc_parcel_data(q, NULL) + 10,
			 psize - 10);
}
END_TEST

/* A child's referred runs are copied into its parent, offsets with them. */
START_TEST(test_nested_by_reference)
{
	static unsigned char big[SIPC_PARCEL_REF_MIN * 2 + 1];
	struct sipc_parcel *child = sipc_parcel_new(), *copy = sipc_parcel_new();
	const __u64 *po, *qo;
	size_t pn, qn, psize, qsize;

	memset(big, 0x3c, sizeof(big));
	sipc_parcel_put_bytes_ref(child, big, sizeof(big));
	sipc_parcel_put_fd(child, 0);
	sipc_parcel_put_bytes(copy, big, sizeof(big));
	sipc_parcel_put_fd(copy, 0);
	sipc_parcel_put_u32(p, 9);
	ck_assert_int_eq(sipc_parcel_put_parcel(p, child), 0);
	sipc_parcel_put_u32(q, 9);
	ck_assert_int_eq(sipc_parcel_put_parcel(q, copy), 0);
	po = sipc_parcel_offsets(p, &pn);
	qo = sipc_parcel_offsets(q, &qn);
	ck_assert_uint_eq(pn, 1);
	ck_assert_uint_eq(qn, 1);
	ck_assert_uint_eq(po[0], qo[0]);
	ck_assert_mem_eq(sipc_parcel_data(p, &psize),
			 sipc_parcel_data(q, &qsize), qsize);
	ck_assert_uint_eq(psize, qsize);
	sipc_parcel_free(child);
	sipc_parcel_free(copy);
}
END_TEST

START_TEST(test_integers)
{
	int8_t i8;
	uint8_t u8;
	int16_t i16;
	uint16_t u16;
	int32_t i32;
	uint32_t u32;
	int64_t i64;
	uint64_t u64;
	bool b;

	ck_assert_int_eq(sipc_parcel_put_bool(p, true), 0);
	ck_assert_int_eq(sipc_parcel_put_bool(p, false), 0);
	ck_assert_int_eq(sipc_parcel_put_i8(p, INT8_MIN), 0);
	ck_assert_int_eq(sipc_parcel_put_i8(p, -1), 0);
	ck_assert_int_eq(sipc_parcel_put_u8(p, UINT8_MAX), 0);
	ck_assert_int_eq(sipc_parcel_put_i16(p, INT16_MIN), 0);
	ck_assert_int_eq(sipc_parcel_put_u16(p, UINT16_MAX), 0);
	ck_assert_int_eq(sipc_parcel_put_i32(p, INT32_MIN), 0);
	ck_assert_int_eq(sipc_parcel_put_u32(p, UINT32_MAX), 0);
	ck_assert_int_eq(sipc_parcel_put_i64(p, INT64_MIN), 0);
	ck_assert_int_eq(sipc_parcel_put_u64(p, UINT64_MAX), 0);
	ck_assert_int_eq(sipc_parcel_error(p), 0);
	as_received();

	ck_assert_int_eq(sipc_parcel_get_bool(q, &b), 0);
	ck_assert(b);
	ck_assert_int_eq(sipc_parcel_get_bool(q, &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(sipc_parcel_get_i8(q, &i8), 0);
	ck_assert_int_eq(i8, INT8_MIN);
	ck_assert_int_eq(sipc_parcel_get_i8(q, &i8), 0);
	ck_assert_int_eq(i8, -1);
	ck_assert_int_eq(sipc_parcel_get_u8(q, &u8), 0);
	ck_assert_uint_eq(u8, UINT8_MAX);
	ck_assert_int_eq(sipc_parcel_get_i16(q, &i16), 0);
	ck_assert_int_eq(i16, INT16_MIN);
	ck_assert_int_eq(sipc_parcel_get_u16(q, &u16), 0);
	ck_assert_uint_eq(u16, UINT16_MAX);
	ck_assert_int_eq(sipc_parcel_get_i32(q, &i32), 0);
	ck_assert_int_eq(i32, INT32_MIN);
	ck_assert_int_eq(sipc_parcel_get_u32(q, &u32), 0);
	ck_assert_uint_eq(u32, UINT32_MAX);
	ck_assert_int_eq(sipc_parcel_get_i64(q, &i64), 0);
	ck_assert(i64 == INT64_MIN);
	ck_assert_int_eq(sipc_parcel_get_u64(q, &u64), 0);
	ck_assert(u64 == UINT64_MAX);
	ck_assert_int_eq(sipc_parcel_get_u64(q, &u64), -ENODATA);
	ck_assert_int_eq(sipc_parcel_next_type(q), -ENODATA);
}
END_TEST

START_TEST(test_doubles)
{
	static const double v[] = { 0.0, -0.0, 1.5, -3.25e300, DBL_MIN,
				    DBL_MAX, INFINITY, -INFINITY };
	double d;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_int_eq(sipc_parcel_put_double(p, v[i]), 0);
	ck_assert_int_eq(sipc_parcel_put_double(p, NAN), 0);
	as_received();
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_eq(sipc_parcel_get_double(q, &d), 0);
		ck_assert(memcmp(&d, &v[i], sizeof(d)) == 0);
	}
	ck_assert_int_eq(sipc_parcel_get_double(q, &d), 0);
	ck_assert(isnan(d));
}
END_TEST

START_TEST(test_strings_and_bytes)
{
	static const unsigned char blob[] = { 0, 1, 2, 0xff, 0, 7, 9 };
	const char *s;
	const void *b;
	size_t len, i;
	char big[5000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ck_assert_int_eq(sipc_parcel_put_string(p, ""), 0);
	ck_assert_int_eq(sipc_parcel_put_string(p, "abc"), 0);
	ck_assert_int_eq(sipc_parcel_put_string(p, "four"), 0);
	ck_assert_int_eq(sipc_parcel_put_string(p, big), 0);
	for (i = 0; i <= sizeof(blob); i++)
		ck_assert_int_eq(sipc_parcel_put_bytes(p, blob, i), 0);
	ck_assert_int_eq(sipc_parcel_put_bytes(p, NULL, 0), 0);
	ck_assert_int_eq(sipc_parcel_error(p), 0);
	as_received();

	ck_assert_int_eq(sipc_parcel_get_string(q, &s, &len), 0);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(sipc_parcel_get_string(q, &s, NULL), 0);
	ck_assert_str_eq(s, "abc");
	ck_assert_int_eq(sipc_parcel_get_string(q, &s, &len), 0);
	ck_assert_str_eq(s, "four");
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(sipc_parcel_get_string(q, &s, &len), 0);
	ck_assert_str_eq(s, big);
	ck_assert_uint_eq(len, sizeof(big) - 1);
	/* In place: the string lies inside the payload. */
	ck_assert((const void *)s >= sipc_parcel_data(q, NULL));
	for (i = 0; i <= sizeof(blob); i++) {
		ck_assert_int_eq(sipc_parcel_get_bytes(q, &b, &len), 0);
		ck_assert_uint_eq(len, i);
		ck_assert(memcmp(b, blob, i) == 0);
	}
	ck_assert_int_eq(sipc_parcel_get_bytes(q, &b, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(sipc_parcel_get_bytes(q, &b, &len), -ENODATA);
}
END_TEST

START_TEST(test_wrong_type_does_not_move)
{
	uint32_t u32;
	int32_t i32;
	const char *s;
	bool b;

	ck_assert_int_eq(sipc_parcel_put_i32(p, 42), 0);
	ck_assert_int_eq(sipc_parcel_put_string(p, "x"), 0);
	as_received();
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_I32);
	ck_assert_int_eq(sipc_parcel_get_u32(q, &u32), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_get_bool(q, &b), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_get_string(q, &s, NULL), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_get_i32(q, &i32), 0);
	ck_assert_int_eq(i32, 42);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_STRING);
	ck_assert_int_eq(sipc_parcel_get_i32(q, &i32), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_skip(q), 0);
	ck_assert_int_eq(sipc_parcel_skip(q), -ENODATA);
	sipc_parcel_rewind(q);
	ck_assert_int_eq(sipc_parcel_get_i32(q, &i32), 0);
}
END_TEST

START_TEST(test_read_back_writer)
{
	uint16_t v;

	/* A writer reads its own payload too, from the start. */
	ck_assert_int_eq(sipc_parcel_put_u16(p, 7), 0);
	ck_assert_int_eq(sipc_parcel_get_u16(p, &v), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(sipc_parcel_get_u16(p, &v), -ENODATA);
	sipc_parcel_reset(p);
	ck_assert_int_eq(sipc_parcel_get_u16(p, &v), -ENODATA);
	ck_assert_int_eq(sipc_parcel_next_type(p), -ENODATA);
}
END_TEST

START_TEST(test_nested)
{
	struct sipc_parcel *child = sipc_parcel_new(), *view;
	struct sipc_parcel *inner = sipc_parcel_new();
	struct sipc_object obj;
	const char *s;
	uint32_t u;
	size_t n;

	ck_assert_int_eq(sipc_parcel_put_string(inner, "deep"), 0);
	ck_assert_int_eq(sipc_parcel_put_u32(child, 5), 0);
	ck_assert_int_eq(sipc_parcel_put_parcel(child, inner), 0);
	ck_assert_int_eq(sipc_parcel_put_u8(p, 1), 0);	/* misalign it */
	ck_assert_int_eq(sipc_parcel_put_parcel(p, child), 0);
	ck_assert_int_eq(sipc_parcel_put_string(p, "after"), 0);
	ck_assert_int_eq(sipc_parcel_put_parcel(p, p), -EINVAL);
	sipc_parcel_reset(p);
	ck_assert_int_eq(sipc_parcel_put_u8(p, 1), 0);
	ck_assert_int_eq(sipc_parcel_put_parcel(p, child), 0);
	ck_assert_int_eq(sipc_parcel_put_string(p, "after"), 0);
	as_received();
	sipc_parcel_offsets(q, &n);
	ck_assert_uint_eq(n, 0);

	view = sipc_parcel_new();
	ck_assert_int_eq(sipc_parcel_skip(q), 0);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_PARCEL);
	ck_assert_int_eq(sipc_parcel_get_parcel(q, view), 0);
	ck_assert_int_eq(sipc_parcel_get_u32(view, &u), 0);
	ck_assert_uint_eq(u, 5);
	ck_assert_int_eq(sipc_parcel_get_parcel(view, inner), 0);
	ck_assert_int_eq(sipc_parcel_get_string(inner, &s, NULL), 0);
	ck_assert_str_eq(s, "deep");
	ck_assert_int_eq(sipc_parcel_get_string(inner, &s, NULL), -ENODATA);
	ck_assert_int_eq(sipc_parcel_get_u32(view, &u), -ENODATA);
	ck_assert_int_eq(sipc_parcel_get_string(q, &s, NULL), 0);
	ck_assert_str_eq(s, "after");
	ck_assert_int_eq(sipc_parcel_get_object(q, &obj), -ENODATA);
	sipc_parcel_free(view);
	sipc_parcel_free(child);
	sipc_parcel_free(inner);
}
END_TEST

/* Objects: raw reads, alignment, offsets, nesting keeps them listed. */
START_TEST(test_objects)
{
	struct sipc_parcel *child = sipc_parcel_new(), *view = sipc_parcel_new();
	struct sipc_object obj;
	struct sipc_handle *h;
	const __u64 *offs;
	size_t n, i;
	uint64_t u;

	/* A writer puts objects only from handles and nodes it has; build
	 * one by hand with a raw payload instead, then nest it. */
	static uint32_t raw[8] = { 14, 0, SIPC_OBJ_HANDLE, 0, 9, 0, 9, 0 };
	static const __u64 raw_off[] = { 8 };

	raw[0] = 14 | 4 << 8;
	raw[1] = 0;
	ck_assert_int_eq(sipc_parcel_from_bytes(child, raw, 24, raw_off, 1),
			 0);
	ck_assert_int_eq(sipc_parcel_next_type(child), SIPC_TYPE_HANDLE);
	ck_assert_int_eq(sipc_parcel_get_handle(child, &h), -ENOTCONN);
	ck_assert_int_eq(sipc_parcel_get_object(child, &obj), 0);
	ck_assert_uint_eq(obj.type, SIPC_OBJ_HANDLE);
	ck_assert_uint_eq(obj.handle, 9);
	ck_assert_int_eq(sipc_parcel_get_object(child, &obj), -ENODATA);
	sipc_parcel_rewind(child);

	ck_assert_int_eq(sipc_parcel_put_u64(p, 3), 0);	/* 12 bytes */
	ck_assert_int_eq(sipc_parcel_put_parcel(p, child), 0);
	ck_assert_int_eq(sipc_parcel_put_parcel(p, child), 0);
	offs = sipc_parcel_offsets(p, &n);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(offs[i] % 8, 0);
	as_received();
	ck_assert_int_eq(sipc_parcel_get_u64(q, &u), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(sipc_parcel_get_parcel(q, view), 0);
		ck_assert_int_eq(sipc_parcel_get_object(view, &obj), 0);
		ck_assert_uint_eq(obj.handle, 9);
	}

	/* The same object unlisted is malformed, not a handle. */
	ck_assert_int_eq(sipc_parcel_from_bytes(child, raw, 24, NULL, 0), 0);
	ck_assert_int_eq(sipc_parcel_next_type(child), -EBADMSG);
	ck_assert_int_eq(sipc_parcel_get_object(child, &obj), -EBADMSG);
	ck_assert_int_eq(sipc_parcel_skip(child), -EBADMSG);
	/* Listed at another offset: malformed too. */
	static const __u64 wrong_off[] = { 16 };

	ck_assert_int_eq(sipc_parcel_from_bytes(child, raw, 24, wrong_off, 1),
			 0);
	ck_assert_int_eq(sipc_parcel_get_object(child, &obj), -EBADMSG);
	/* A bad object type. */
	raw[2] = 77;
	ck_assert_int_eq(sipc_parcel_from_bytes(child, raw, 24, raw_off, 1),
			 0);
	ck_assert_int_eq(sipc_parcel_next_type(child), -EBADMSG);
	raw[2] = SIPC_OBJ_HANDLE;
	sipc_parcel_free(child);
	sipc_parcel_free(view);
}
END_TEST

START_TEST(test_writer_errors)
{
	uint8_t v;

	ck_assert_int_eq(sipc_parcel_put_string(p, NULL), -EINVAL);
	ck_assert_int_eq(sipc_parcel_error(p), -EINVAL);
	/* Sticky: later puts fail too, until reset. */
	ck_assert_int_ne(sipc_parcel_put_u8(p, 1), 0);
	sipc_parcel_reset(p);
	ck_assert_int_eq(sipc_parcel_error(p), 0);
	ck_assert_int_eq(sipc_parcel_put_bytes(p, NULL, 3), -EINVAL);
	sipc_parcel_reset(p);
	ck_assert_int_eq(sipc_parcel_put_handle(p, NULL), -EINVAL);
	sipc_parcel_reset(p);
	ck_assert_int_eq(sipc_parcel_put_node(p, NULL), -EINVAL);
	sipc_parcel_reset(p);
	/* A parcel being read is not written. */
	ck_assert_int_eq(sipc_parcel_put_u8(p, 1), 0);
	as_received();
	ck_assert_int_eq(sipc_parcel_put_u8(q, 2), -EROFS);
	ck_assert_int_eq(sipc_parcel_get_u8(q, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(sipc_parcel_from_bytes(q, NULL, 4, NULL, 0), -EINVAL);
}
END_TEST

/* Hand-made payloads: each must fail cleanly with EBADMSG. */
START_TEST(test_malformed)
{
	struct {
		uint32_t w[6];
		size_t size;
	} cases[] = {
		{ { 0 }, 4 },				/* tag 0 */
		{ { 99 }, 4 },				/* unknown tag */
		{ { 16 }, 4 },				/* fd cut short */
		{ { 1 | 2 << 8 }, 4 },			/* bool 2 */
		{ { 3 | 0x100 << 8 }, 4 },		/* u8 out of range */
		{ { 5 | 0x10000 << 8 }, 4 },		/* u16 out of range */
		{ { 7 }, 4 },				/* u32 cut short */
		{ { 7 | 1 << 8, 5 }, 8 },		/* u32 with aux */
		{ { 9, 1 }, 8 },			/* u64 cut short */
		{ { 11, 100, 0x41414141 }, 12 },	/* string too long */
		{ { 11, 3, 0x41414141 }, 12 },		/* no NUL */
		{ { 11, 4, 0x00414141, 0 }, 16 },	/* NUL inside */
		{ { 11, 0xffffffff }, 8 },		/* huge length */
		{ { 12, 0xfffffff9, 0 }, 12 },		/* overflowing */
		{ { 12, 5, 0, 0 }, 12 },		/* bytes cut short */
		{ { 13, 4, 0 }, 8 },			/* parcel cut */
		{ { 13, 2, 0, 0 }, 12 },		/* length not 4-fold */
		{ { 13 | 3 << 8, 0 }, 8 },		/* bad pad */
		{ { 14 }, 4 },				/* object cut */
		{ { 14 | 8 << 8, 0, 0, 0, 0, 0 }, 24 },	/* bad pad */
		{ { 1 }, 2 },				/* header cut */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(sipc_parcel_from_bytes(q, cases[i].w,
							cases[i].size, NULL,
							0), 0);
		ck_assert_msg(sipc_parcel_next_type(q) == -EBADMSG,
			      "case %zu: %d", i, sipc_parcel_next_type(q));
		ck_assert_int_eq(sipc_parcel_skip(q), -EBADMSG);
	}
	/* A nested parcel that is itself malformed inside. */
	{
		uint32_t w[] = { 13, 8, 99, 0 }, v;
		struct sipc_parcel *view = sipc_parcel_new();

		ck_assert_int_eq(sipc_parcel_from_bytes(q, w, sizeof(w), NULL,
							0), 0);
		ck_assert_int_eq(sipc_parcel_get_parcel(q, view), 0);
		ck_assert_int_eq(sipc_parcel_get_u32(view, &v), -EBADMSG);
		sipc_parcel_free(view);
	}
}
END_TEST

/* Read every item, whatever it is, until the reader stops. */
static void read_all(struct sipc_parcel *r, int depth)
{
	struct sipc_parcel *view;
	struct sipc_object obj;
	const void *b;
	const char *s;
	size_t len;
	uint64_t u64;
	double d;
	int t, n = 0;
	bool v;

	while ((t = sipc_parcel_next_type(r)) > 0 && n++ < 100000) {
		switch (t) {
		case SIPC_TYPE_STRING:
			ck_assert_int_eq(sipc_parcel_get_string(r, &s, &len), 0);
			ck_assert_uint_eq(strlen(s), len);
			break;
		case SIPC_TYPE_BYTES:
			ck_assert_int_eq(sipc_parcel_get_bytes(r, &b, &len), 0);
			break;
		case SIPC_TYPE_PARCEL:
			view = sipc_parcel_new();
			ck_assert_int_eq(sipc_parcel_get_parcel(r, view), 0);
			if (depth < 8)
				read_all(view, depth + 1);
			sipc_parcel_free(view);
			break;
		case SIPC_TYPE_HANDLE:
		case SIPC_TYPE_NODE:
			ck_assert_int_eq(sipc_parcel_get_object(r, &obj), 0);
			break;
		case SIPC_TYPE_U64:
			ck_assert_int_eq(sipc_parcel_get_double(r, &d), -ENOMSG);
			ck_assert_int_eq(sipc_parcel_get_u64(r, &u64), 0);
			break;
		default:
			ck_assert_int_eq(sipc_parcel_get_bool(r, &v),
					 t == SIPC_TYPE_BOOL ? 0 : -ENOMSG);
			if (t != SIPC_TYPE_BOOL)
				ck_assert_int_eq(sipc_parcel_skip(r), 0);
		}
	}
	ck_assert(t == -ENODATA || t == -EBADMSG);
}

static unsigned int seed = 12345;

static unsigned int rnd(void)
{
	seed = seed * 1103515245 + 12345;
	return seed >> 8;
}

/* Random words, biased towards valid tags and small lengths. */
START_TEST(test_fuzz_random)
{
	uint32_t *w = malloc(256 * sizeof(*w));
	__u64 offs[8];
	size_t n, i, k;
	int round;

	for (round = 0; round < 20000; round++) {
		n = rnd() % 64;
		for (i = 0; i < n; i++) {
			switch (rnd() % 4) {
			case 0:
				w[i] = rnd() % 18 | (rnd() % 9) << 8;
				break;
			case 1:
				w[i] = rnd() % 40;
				break;
			case 2:
				w[i] = 0;
				break;
			default:
				w[i] = rnd() | rnd() << 24;
			}
		}
		k = rnd() % 4;
		for (i = 0; i < k; i++)
			offs[i] = rnd() % (n * 4 + 16) & ~7U;
		/* Odd sizes and a tail that is cut off, on purpose. */
		ck_assert_int_eq(sipc_parcel_from_bytes(q, w, n * 4 - rnd() % 4 *
							(n > 0), offs, k), 0);
		read_all(q, 0);
	}
	free(w);
}
END_TEST

/* A valid parcel of every type, every byte flipped and every cut. */
START_TEST(test_fuzz_mutated)
{
	unsigned char *buf;
	const void *data;
	size_t size, i, count;
	const __u64 *offs;
	struct sipc_parcel *child = sipc_parcel_new();
	static uint32_t raw[6] = { 14 | 4 << 8, 0, SIPC_OBJ_HANDLE, 0, 9, 0 };
	static const __u64 raw_off[] = { 8 };
	int bit;

	sipc_parcel_put_bool(p, true);
	sipc_parcel_put_i8(p, -5);
	sipc_parcel_put_u16(p, 999);
	sipc_parcel_put_i32(p, -77);
	sipc_parcel_put_double(p, 2.5);
	sipc_parcel_put_string(p, "hello");
	sipc_parcel_put_bytes(p, "\1\2\3", 3);
	sipc_parcel_from_bytes(child, raw, 24, raw_off, 1);
	sipc_parcel_put_parcel(p, child);
	sipc_parcel_put_u64(p, 1);
	ck_assert_int_eq(sipc_parcel_error(p), 0);
	data = sipc_parcel_data(p, &size);
	offs = sipc_parcel_offsets(p, &count);
	ck_assert_uint_eq(count, 1);
	buf = malloc(size);
	for (i = 0; i < size; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(buf, data, size);
			buf[i] ^= 1 << bit;
			sipc_parcel_from_bytes(q, buf, size, offs, count);
			read_all(q, 0);
		}
		/* Cut short at every length. */
		sipc_parcel_from_bytes(q, data, i, offs, count);
		read_all(q, 0);
	}
	free(buf);
	sipc_parcel_free(child);
}
END_TEST

START_TEST(test_growth_and_reuse)
{
	size_t size1, size2;
	uint32_t v;
	int i;

	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(sipc_parcel_put_u32(p, i), 0);
	sipc_parcel_data(p, &size1);
	ck_assert_uint_eq(size1, 800000);
	for (i = 0; i < 100000; i++) {
		ck_assert_int_eq(sipc_parcel_get_u32(p, &v), 0);
		ck_assert_uint_eq(v, (uint32_t)i);
	}
	sipc_parcel_reset(p);
	sipc_parcel_put_u32(p, 1);
	sipc_parcel_data(p, &size2);
	ck_assert_uint_eq(size2, 8);
}
END_TEST

START_TEST(test_sizes)
{
	size_t size;

	/* The format's sizes, as documented in sipc.h. */
	sipc_parcel_put_bool(p, 1);
	sipc_parcel_data(p, &size);
	ck_assert_uint_eq(size, 4);
	sipc_parcel_put_u32(p, 1);
	sipc_parcel_data(p, &size);
	ck_assert_uint_eq(size, 12);
	sipc_parcel_put_u64(p, 1);
	sipc_parcel_data(p, &size);
	ck_assert_uint_eq(size, 24);
	sipc_parcel_put_string(p, "abc");
	sipc_parcel_data(p, &size);
	ck_assert_uint_eq(size, 36);
	sipc_parcel_put_bytes(p, "abcde", 5);
	sipc_parcel_data(p, &size);
	ck_assert_uint_eq(size, 52);
}
END_TEST

static Suite *parcel_suite(void)
{
	Suite *s = suite_create("libsipc-parcel");
	TCase *tc = tcase_create("parcel");
	TCase *fz = tcase_create("fuzz");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_integers);
	tcase_add_test(tc, test_doubles);
	tcase_add_test(tc, test_strings_and_bytes);
	tcase_add_test(tc, test_wrong_type_does_not_move);
	tcase_add_test(tc, test_read_back_writer);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_bytes_by_reference);
	tcase_add_test(tc, test_nested_by_reference);
	tcase_add_test(tc, test_objects);
	tcase_add_test(tc, test_writer_errors);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_growth_and_reuse);
	tcase_add_test(tc, test_sizes);
	/* 200,000 items under emulation on a busy host: more than 4 s. */
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(fz, setup, teardown);
	tcase_add_test(fz, test_fuzz_random);
	tcase_add_test(fz, test_fuzz_mutated);
	tcase_set_timeout(fz, 120);
	suite_add_tcase(s, fz);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parcel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
