// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * sipc-idl unit tests (Check), on the host: the parser's errors, each at
 * its FILE:LINE:COL; every type through the code generated from
 * tests/idl/all.idl (written by a proxy's marshaller, served by the
 * generated dispatcher, the reply read back); the dispatcher's answers to
 * what is not a method; and the compatibility rules of sipc-idl(5), with
 * the two versions of tests/idl/compat-v*.idl talking to each other.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sipc.h>

#include "idl.h"
#include "textcall.h"
#include "all-idl.h"
#include "compat-v1-idl.h"
#include "compat-v2-idl.h"
#include "registry-idl.h"

/* ---- the parser's errors ---- */

static const struct {
	const char *text;
	int line, col;
	const char *message;
} bad_inputs[] = {
	{ "", 1, 1, "expected \"interface\", found the end of the file" },
	{ "interface a version 0 {}", 1, 21, "versions start at 1" },
	{ "interface a version 1 {\n\tmethod f() = 0;\n}", 2, 15,
	  "method codes are 1 to 0xfeffffff" },
	{ "interface a version 1 {\n\tmethod f() = 0xff000002;\n}", 2, 15,
	  "method codes are 1 to" },
	{ "interface a version 1 {\n  method f(foo x) = 1;\n}", 2, 12,
	  "unknown type \"foo\"" },
	{ "interface a version 1 {\n method f() = 1;\n method g() = 1;\n}",
	  3, 15, "code 1 is taken by \"f\"" },
	{ "interface a version 1 {\n method f() = 1;\n method f() = 2;\n}",
	  3, 9, "\"f\" is declared already" },
	{ "interface a version 1 { $ }", 1, 25, "found \"$\"" },
	{ "interface a version 1 {\n oneway method f() -> (u32 x) = 1;\n}",
	  2, 20, "a oneway method has no reply" },
	{ "interface a version 1 {\n method f() = 1\n}", 3, 1,
	  "expected \";\", found \"}\"" },
	{ "interface a version 1 {\n method f(u32 reply) = 1;\n}", 2, 15,
	  "\"reply\" is a reserved name" },
	{ "interface a version 2 {\n method f(u32 x since 2, u32 y) = 1;\n}",
	  2, 30, "only trailing arguments may have \"since\"" },
	{ "interface a version 2 {\n method f(u32 x since 3) = 1;\n}", 2, 23,
	  "\"since\" must be from 2 to the interface's version 2" },
	{ "interface a version 1 {\n struct s { u32[] v; }\n}", 2, 13,
	  "a struct field cannot be an array or a handle" },
	{ "interface a version 1 {\n struct s { }\n}", 2, 13,
	  "a struct needs a field" },
	{ "interface a version 99999999999999999999 {}", 1, 21,
	  "is larger than 4294967295" },
	{ "interface a version 1 {\n method f() = 1;\n", 3, 1,
	  "expected \"}\", found the end of the file" },
	{ "interface a version 1 {} x", 1, 26,
	  "expected the end of the file, found \"x\"" },
	{ "interface a version 1 {\n method f(u32 x) -> (u32 x) = 1;\n}", 2,
	  22, "\"x\" names a request argument already" },
	{ "interface a version 1 {\n error E = 0;\n}", 2, 12,
	  "an error is a status above 0" },
	{ "interface a version 1 {\n enum e { x, y, x }\n}", 2, 17,
	  "\"x\" is declared already" },
	{ "interface a.1 version 1 {}", 1, 13,
	  "expected a name after \".\", found \"1\"" },
	{ "interface a version 1 {\n method f(handle<a>[] h) = 1;\n}", 2, 20,
	  "arrays of handles are not supported" },
	{ "interface a version 1 {\n method f(u32 x,) = 1;\n}", 2, 17,
	  "expected a type, found \")\"" },
	{ "interface a version 1 {\n struct s { t x; }\n}", 2, 13,
	  "unknown type \"t\"" },
	{ "interface a version 1 {\n // c\n # c\n  12x\n}", 4, 3,
	  "found \"12x\"" },
	{ "interface a version 1 {\n enum server { x }\n}", 2, 7,
	  "\"server\" names generated code" },
};

START_TEST(test_parse_errors)
{
	char err[256], want[256];
	struct idl_interface *itf = NULL;

	snprintf(want, sizeof(want), "bad.idl:%d:%d: ",
		 bad_inputs[_i].line, bad_inputs[_i].col);
	ck_assert_int_eq(idl_parse("bad.idl", bad_inputs[_i].text, &itf, err,
				   sizeof(err)), -EINVAL);
	ck_assert_ptr_null(itf);
	ck_assert_msg(!strncmp(err, want, strlen(want)),
		      "input %d: \"%s\", expected it at %s", _i, err, want);
	ck_assert_msg(strstr(err, bad_inputs[_i].message),
		      "input %d: \"%s\" does not say \"%s\"", _i, err,
		      bad_inputs[_i].message);
}
END_TEST

/* The text a service describes itself with parses back into its methods. */
START_TEST(test_parse_own_text)
{
	struct idl_interface *itf;
	const struct idl_method *m;
	char err[256];

	ck_assert_int_eq(idl_parse("all.idl", test_all_idl, &itf, err,
				   sizeof(err)), 0);
	ck_assert_str_eq(itf->name, "test.all");
	ck_assert_uint_eq(itf->version, 1);
	ck_assert_uint_eq(itf->n_methods, 7);
	m = idl_find_method(itf, "things");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->code, TEST_ALL_THINGS);
	ck_assert_uint_eq(m->in.n, 5);
	ck_assert_str_eq(m->out.v[3].name, "osh");
	ck_assert_int_eq(m->out.v[3].type.kind, IDL_STRUCT);
	ck_assert_str_eq(itf->structs[m->out.v[3].type.ref].name, "shape");
	m = idl_find_method(itf, "note");
	ck_assert(m->oneway);
	ck_assert_ptr_null(idl_find_method(itf, "none"));
	idl_free(itf);
}
END_TEST

/* ---- round trips through the generated code ---- */

static struct sipc_parcel *req, *req_in, *reply, *reply_in;

static void setup(void)
{
	req = sipc_parcel_new();
	req_in = sipc_parcel_new();
	reply = sipc_parcel_new();
	reply_in = sipc_parcel_new();
	ck_assert(req && req_in && reply && reply_in);
}

static void teardown(void)
{
	sipc_parcel_free(req);
	sipc_parcel_free(req_in);
	sipc_parcel_free(reply);
	sipc_parcel_free(reply_in);
}

/* Read @from's bytes through @to, as the receiver of a message would. */
static void receive(struct sipc_parcel *from, struct sipc_parcel *to)
{
	size_t size, count;
	const void *data = sipc_parcel_data(from, &size);
	const __u64 *offs = sipc_parcel_offsets(from, &count);

	ck_assert_int_eq(sipc_parcel_from_bytes(to, data, size, offs, count),
			 0);
}

/* Serve the request in @req with @dispatch as a node would: the status. */
static int serve(int (*dispatch)(const void *handlers, void *data,
				 const struct sipc_txn *txn,
				 struct sipc_parcel *reply),
		 const void *handlers, uint32_t code)
{
	struct sipc_txn txn = { .code = code, .request = req_in };

	receive(req, req_in);
	sipc_parcel_reset(reply);
	return dispatch(handlers, NULL, &txn, reply);
}

static int all_dispatch(const void *h, void *data, const struct sipc_txn *txn,
			struct sipc_parcel *r)
{
	return test_all_dispatch(h, data, txn, r);
}

static int scalars(void *data, const struct sipc_txn *txn, bool b, int8_t a,
		   uint8_t ua, int16_t s, uint16_t us, int32_t i, uint32_t ui,
		   int64_t l, uint64_t ul, double d, struct sipc_parcel *r)
{
	/* Each value changed in a way that shows it was read right. */
	return test_all_scalars_reply(r, !b, (int8_t)(a + 1), (uint8_t)(ua + 1),
				      (int16_t)(s + 1), (uint16_t)(us + 1),
				      i + 1, ui + 1, l + 1, ul + 1, d * 2);
}

START_TEST(test_round_trip_scalars)
{
	static const struct test_all_handlers h = { .scalars = scalars };
	bool ob;
	int8_t oa;
	uint8_t oua;
	int16_t os;
	uint16_t ous;
	int32_t oi;
	uint32_t oui;
	int64_t ol;
	uint64_t oul;
	double od;

	ck_assert_int_eq(test_all_scalars_write_request(req, false, -128, 254,
							-32768, 65534,
							INT32_MIN, UINT32_MAX - 1,
							INT64_MIN,
							UINT64_MAX - 1, -1.25),
			 0);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_SCALARS), 0);
	receive(reply, reply_in);
	ck_assert_int_eq(test_all_scalars_read_reply(reply_in, &ob, &oa, &oua,
						     &os, &ous, &oi, &oui, &ol,
						     &oul, &od), 0);
	ck_assert(ob);
	ck_assert_int_eq(oa, -127);
	ck_assert_uint_eq(oua, 255);
	ck_assert_int_eq(os, -32767);
	ck_assert_uint_eq(ous, 65535);
	ck_assert_int_eq(oi, INT32_MIN + 1);
	ck_assert_uint_eq(oui, UINT32_MAX);
	ck_assert_int_eq(ol, INT64_MIN + 1);
	ck_assert_uint_eq(oul, UINT64_MAX);
	ck_assert_double_eq(od, -2.5);
}
END_TEST

static void check_shape(const struct test_all_shape *sh)
{
	ck_assert_str_eq(sh->name, "square");
	ck_assert_int_eq(sh->origin.x, -3);
	ck_assert_int_eq(sh->origin.y, 4);
	ck_assert_int_eq(sh->fill, TEST_ALL_COLOR_BLUE);
	ck_assert_uint_eq(sh->tag.len, 3);
	ck_assert_mem_eq(sh->tag.data, "a\0b", 3);
	ck_assert_double_eq(sh->scale, 0.5);
	ck_assert(sh->hidden);
}

static const struct test_all_shape square = {
	.name = "square", .origin = { -3, 4 }, .fill = TEST_ALL_COLOR_BLUE,
	.tag = { "a\0b", 3 }, .scale = 0.5, .hidden = true,
};

static int things(void *data, const struct sipc_txn *txn, const char *text,
		  struct sipc_bytes blob, enum test_all_color col,
		  const struct test_all_shape *sh, int file,
		  struct sipc_parcel *r)
{
	ck_assert_str_eq(text, "héllo");
	ck_assert_uint_eq(blob.len, 5);
	ck_assert_mem_eq(blob.data, "\x01\x02\x00\xfe\xff", 5);
	ck_assert_int_eq(col, TEST_ALL_COLOR_GREEN);
	check_shape(sh);
	ck_assert_int_eq(file, 2);
	return test_all_things_reply(r, "", (struct sipc_bytes){ NULL, 0 },
				     (enum test_all_color)77, sh, 1);
}

START_TEST(test_round_trip_things)
{
	static const struct test_all_handlers h = { .things = things };
	struct sipc_bytes blob = { "\x01\x02\x00\xfe\xff", 5 }, oblob;
	enum test_all_color ocol;
	struct test_all_shape osh;
	const char *otext;
	int ofile;

	ck_assert_int_eq(test_all_things_write_request(req, "héllo", blob,
						       TEST_ALL_COLOR_GREEN,
						       &square, 2), 0);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_THINGS), 0);
	receive(reply, reply_in);
	ck_assert_int_eq(test_all_things_read_reply(reply_in, &otext, &oblob,
						    &ocol, &osh, &ofile), 0);
	ck_assert_str_eq(otext, "");
	ck_assert_uint_eq(oblob.len, 0);
	/* A value this version does not list still arrives as it was. */
	ck_assert_int_eq((int)ocol, 77);
	check_shape(&osh);
	ck_assert_int_eq(ofile, 1);
}
END_TEST

static int arrays(void *data, const struct sipc_txn *txn,
		  const struct test_all_i32_array *ints,
		  const struct test_all_string_array *strs,
		  const struct test_all_shape_array *shapes,
		  const struct test_all_color_array *cols,
		  const struct test_all_bytes_array *blobs,
		  struct sipc_parcel *r)
{
	uint64_t big[3] = { 0, 1, UINT64_MAX };
	struct test_all_point pts[2] = { { 1, 2 }, { -1, -2 } };
	bool flags[1] = { true };
	struct test_all_u64_array b = { big, 3 };
	struct test_all_point_array p = { pts, 2 };
	struct test_all_bool_array f = { flags, 1 };

	ck_assert_uint_eq(ints->count, 3);
	ck_assert_int_eq(ints->items[2], -7);
	ck_assert_uint_eq(strs->count, 2);
	ck_assert_str_eq(strs->items[0], "one");
	ck_assert_str_eq(strs->items[1], "two");
	ck_assert_uint_eq(shapes->count, 2);
	check_shape(&shapes->items[1]);
	ck_assert_uint_eq(cols->count, 0);
	ck_assert_uint_eq(blobs->count, 1);
	ck_assert_uint_eq(blobs->items[0].len, 2);
	return test_all_arrays_reply(r, &b, &p, &f);
}

START_TEST(test_round_trip_arrays)
{
	static const struct test_all_handlers h = { .arrays = arrays };
	int32_t ints[3] = { 1, 0, -7 };
	const char *strs[2] = { "one", "two" };
	struct test_all_shape shapes[2] = { square, square };
	struct sipc_bytes blobs[1] = { { "xy", 2 } };
	struct test_all_i32_array ia = { ints, 3 };
	struct test_all_string_array sa = { strs, 2 };
	struct test_all_shape_array sha = { shapes, 2 };
	struct test_all_color_array ca = { NULL, 0 };
	struct test_all_bytes_array ba = { blobs, 1 };
	struct test_all_u64_array big;
	struct test_all_point_array pts;
	struct test_all_bool_array flags;

	ck_assert_int_eq(test_all_arrays_write_request(req, &ia, &sa, &sha, &ca,
						       &ba), 0);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_ARRAYS), 0);
	receive(reply, reply_in);
	ck_assert_int_eq(test_all_arrays_read_reply(reply_in, &big, &pts,
						    &flags), 0);
	ck_assert_uint_eq(big.count, 3);
	ck_assert_uint_eq(big.items[2], UINT64_MAX);
	ck_assert_uint_eq(pts.count, 2);
	ck_assert_int_eq(pts.items[1].y, -2);
	ck_assert_uint_eq(flags.count, 1);
	ck_assert(flags.items[0]);
	free(big.items);
	free(pts.items);
	free(flags.items);
}
END_TEST

/* An array count larger than the payload could hold is refused at once. */
START_TEST(test_array_count_lies)
{
	static const struct test_all_handlers h = { .arrays = arrays };

	sipc_parcel_put_u32(req, 1u << 30);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_ARRAYS), -EBADMSG);
	sipc_parcel_reset(req);
	/* Two ints announced, one sent. */
	sipc_parcel_put_u32(req, 2);
	sipc_parcel_put_i32(req, 5);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_ARRAYS), -ENODATA);
}
END_TEST

static int nothing_calls;

static int nothing(void *data, const struct sipc_txn *txn,
		   struct sipc_parcel *r)
{
	nothing_calls++;
	return TEST_ALL_E_TOO_BIG;
}

static int note(void *data, const struct sipc_txn *txn, const char *text)
{
	ck_assert_str_eq(text, "noted");
	nothing_calls++;
	return 0;
}

/*
 * What is not a call of a method: an unknown code, a method the service
 * left NULL, a request of the wrong types or cut short, the library's
 * SIPC_CODE_DESCRIBE. Each gets its status; the handler is not called.
 */
START_TEST(test_dispatch_answers)
{
	static const struct test_all_handlers h = { .nothing = nothing,
						    .note = note };
	const char *text;

	ck_assert_int_eq(serve(all_dispatch, &h, 99), SIPC_E_UNKNOWN_CODE);
	ck_assert_int_eq(SIPC_E_UNKNOWN_CODE, -EBADRQC);
	ck_assert_str_eq(sipc_strerror(SIPC_E_UNKNOWN_CODE),
			 "invalid request code: the service has no such method");
	ck_assert_int_eq(serve(all_dispatch, &h, SIPC_CODE_FIRST_RESERVED),
			 SIPC_E_UNKNOWN_CODE);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_SCALARS),
			 -EOPNOTSUPP);
	/* Named errors come back as the handler's status. */
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_NOTHING), 7);
	ck_assert_int_eq(nothing_calls, 1);
	/* A request cut short, and one of the wrong type. */
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_NOTE), -ENODATA);
	sipc_parcel_put_u32(req, 1);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_NOTE), -ENOMSG);
	sipc_parcel_reset(req);
	ck_assert_int_eq(test_all_note_write_request(req, "noted"), 0);
	ck_assert_int_eq(serve(all_dispatch, &h, TEST_ALL_NOTE), 0);
	ck_assert_int_eq(nothing_calls, 2);

	sipc_parcel_reset(req);
	ck_assert_int_eq(serve(all_dispatch, &h, SIPC_CODE_DESCRIBE), 0);
	receive(reply, reply_in);
	ck_assert_int_eq(sipc_parcel_get_string(reply_in, &text, NULL), 0);
	ck_assert_str_eq(text, test_all_idl);
	ck_assert_ptr_nonnull(strstr(text, "interface test.all version 1"));
}
END_TEST

/* A bad request leaves a reply the client's reader refuses, not crashes on. */
START_TEST(test_read_reply_refuses)
{
	struct test_all_u64_array big;
	struct test_all_point_array pts;
	struct test_all_bool_array flags;
	uint64_t v[2] = { 1, 2 };
	struct test_all_u64_array b = { v, 2 };
	struct test_all_point_array no_pts = { NULL, 0 };
	struct test_all_bool_array no_flags = { NULL, 0 };

	ck_assert_int_eq(test_all_arrays_reply(reply, &b, &no_pts, &no_flags),
			 0);
	receive(reply, reply_in);
	ck_assert_int_eq(test_all_arrays_read_reply(reply_in, &big, &pts,
						    &flags), 0);
	free(big.items);
	free(pts.items);
	free(flags.items);
	/* The first array whole, the second not an array: nothing kept. */
	sipc_parcel_reset(reply);
	sipc_parcel_put_u32(reply, 0);
	sipc_parcel_put_string(reply, "not an array");
	receive(reply, reply_in);
	ck_assert_int_eq(test_all_arrays_read_reply(reply_in, &big, &pts,
						    &flags), -ENOMSG);
	ck_assert_ptr_null(big.items);
	ck_assert_ptr_null(pts.items);
}
END_TEST

/* ---- versions: compat-v1.idl and compat-v2.idl, rule by rule ---- */

static int v1_dispatch(const void *h, void *data, const struct sipc_txn *txn,
		       struct sipc_parcel *r)
{
	return compat1_dispatch(h, data, txn, r);
}

static int v2_dispatch(const void *h, void *data, const struct sipc_txn *txn,
		       struct sipc_parcel *r)
{
	return compat2_dispatch(h, data, txn, r);
}

static enum compat2_level v2_seen_level;

static int v1_set(void *data, const struct sipc_txn *txn, const char *key,
		  uint32_t value, struct sipc_parcel *r)
{
	ck_assert_str_eq(key, "k");
	return compat1_set_reply(r, value + 1);
}

static int v2_set(void *data, const struct sipc_txn *txn, const char *key,
		  uint32_t value, enum compat2_level lvl, struct sipc_parcel *r)
{
	v2_seen_level = lvl;
	if (!strcmp(key, "ro"))
		return COMPAT2_E_READ_ONLY;
	return compat2_set_reply(r, value + 1, true);
}

static int v1_rate(void *data, const struct sipc_txn *txn,
		   enum compat1_level lvl, struct sipc_parcel *r)
{
	/* An old service hands back a level it does not know, untouched. */
	return compat1_rate_reply(r, lvl);
}

static const struct compat1_handlers v1 = { .set = v1_set, .rate = v1_rate };
static const struct compat2_handlers v2 = { .set = v2_set };

/* Old client, new server: the new trailing argument reads as zero. */
START_TEST(test_compat_old_client_new_server)
{
	uint32_t old;

	v2_seen_level = COMPAT2_LEVEL_CRITICAL;
	ck_assert_int_eq(compat1_set_write_request(req, "k", 41), 0);
	ck_assert_int_eq(serve(v2_dispatch, &v2, COMPAT1_SET), 0);
	ck_assert_int_eq(v2_seen_level, COMPAT2_LEVEL_LOW);
	/* ...and the old client ignores the reply's new trailing argument. */
	receive(reply, reply_in);
	ck_assert_int_eq(compat1_set_read_reply(reply_in, &old), 0);
	ck_assert_uint_eq(old, 42);
}
END_TEST

/* New client, old server: the old server ignores what it does not know. */
START_TEST(test_compat_new_client_old_server)
{
	uint32_t old = 0;
	bool created = true;

	ck_assert_int_eq(compat2_set_write_request(req, "k", 1,
						   COMPAT2_LEVEL_HIGH), 0);
	ck_assert_int_eq(serve(v1_dispatch, &v1, COMPAT2_SET), 0);
	/* ...and the new client reads the missing reply argument as zero. */
	receive(reply, reply_in);
	ck_assert_int_eq(compat2_set_read_reply(reply_in, &old, &created), 0);
	ck_assert_uint_eq(old, 2);
	ck_assert(!created);
}
END_TEST

/* A method new in version 2 at a new code: the old server says so. */
START_TEST(test_compat_new_method)
{
	ck_assert_int_eq(compat2_get_write_request(req, "k"), 0);
	ck_assert_int_eq(serve(v1_dispatch, &v1, COMPAT2_GET),
			 SIPC_E_UNKNOWN_CODE);
	/* A new server that leaves it unimplemented says that instead. */
	ck_assert_int_eq(serve(v2_dispatch, &v2, COMPAT2_GET), -EOPNOTSUPP);
}
END_TEST

/*
 * A new enum value reaches an old peer as its number, and comes back;
 * the arguments' names differ between the versions, which the wire never
 * sees.
 */
START_TEST(test_compat_new_enum_value)
{
	enum compat2_level back;

	ck_assert_int_eq(compat2_rate_write_request(req,
						    COMPAT2_LEVEL_CRITICAL), 0);
	ck_assert_int_eq(serve(v1_dispatch, &v1, COMPAT2_RATE), 0);
	receive(reply, reply_in);
	ck_assert_int_eq(compat2_rate_read_reply(reply_in, &back), 0);
	ck_assert_int_eq(back, COMPAT2_LEVEL_CRITICAL);
}
END_TEST

/* A new named error reaches an old client as its positive status. */
START_TEST(test_compat_new_error)
{
	ck_assert_int_eq(compat1_set_write_request(req, "ro", 1), 0);
	ck_assert_int_eq(serve(v2_dispatch, &v2, COMPAT1_SET),
			 COMPAT2_E_READ_ONLY);
}
END_TEST

/*
 * What is not compatible is refused, not misread: an argument whose type
 * changed (here a u32 where a string was) fails with -ENOMSG.
 */
START_TEST(test_compat_changed_type_refused)
{
	sipc_parcel_put_u32(req, 5);
	sipc_parcel_put_u32(req, 5);
	ck_assert_int_eq(serve(v1_dispatch, &v1, COMPAT1_SET), -ENOMSG);
}
END_TEST

/* ---- sipcctl's calls from text ---- */

/* Arguments as text, typed by the interface, served by generated code. */
START_TEST(test_text_call)
{
	static const struct test_all_handlers h = { .scalars = scalars };
	char *args[] = { "true", "-5", "0x10", "-300", "300", "7", "8", "-9",
			 "10", "1.5" };
	char *bad[] = { "true", "-129" };
	const struct idl_method *m;
	struct idl_interface *itf;
	char err[256], *out;
	size_t len;
	FILE *f;

	ck_assert_int_eq(idl_parse("all", test_all_idl, &itf, err, sizeof(err)),
			 0);
	m = idl_find_method(itf, "scalars");
	ck_assert_int_eq(textcall_put_args(req, itf, &m->in, args, 10, err,
					   sizeof(err)), 0);
	ck_assert_int_eq(serve(all_dispatch, &h, m->code), 0);
	receive(reply, reply_in);
	f = open_memstream(&out, &len);
	ck_assert_int_eq(textcall_print_reply(f, reply_in, itf, &m->out), 0);
	fclose(f);
	ck_assert_str_eq(out, "ob = false\noa = -4\noua = 17\nos = -299\n"
			 "ous = 301\noi = 8\noui = 9\nol = -8\noul = 11\n"
			 "od = 3\n");
	free(out);

	sipc_parcel_reset(req);
	ck_assert_int_eq(textcall_put_args(req, itf, &m->in, bad, 2, err,
					   sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "\"a\": \"-129\" is not a i8");
	ck_assert_int_eq(textcall_put_args(req, itf, &m->in, args, 9, err,
					   sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "missing argument \"d\"");
	m = idl_find_method(itf, "things");
	ck_assert_ptr_nonnull(m);
	{
		char *things_args[] = { "hi", "00ff", "blue", "sq", "1", "2",
					"green", "6869", "2", "false", "0", "x" };

		sipc_parcel_reset(req);
		ck_assert_int_eq(textcall_put_args(req, itf, &m->in,
						   things_args, 11, err,
						   sizeof(err)), 0);
		ck_assert_int_eq(textcall_put_args(req, itf, &m->in,
						   things_args, 12, err,
						   sizeof(err)), -EINVAL);
		ck_assert_str_eq(err, "too many arguments: \"x\" is one more");
	}
	m = idl_find_method(itf, "arrays");
	{
		char *array_args[] = { "1,,2", "" };

		sipc_parcel_reset(req);
		ck_assert_int_eq(textcall_put_args(req, itf, &m->in,
						   array_args, 2, err,
						   sizeof(err)), -EINVAL);
		ck_assert_str_eq(err, "\"ints\": \"1,,2\" is not an array of i32");
		array_args[0] = "1,0x10,-7";
		sipc_parcel_reset(req);
		ck_assert_int_eq(textcall_put_args(req, itf, &m->in,
						   array_args, 1, err,
						   sizeof(err)), -EINVAL);
		ck_assert_str_eq(err, "missing argument \"strs\"");
		receive(req, req_in);
		{
			uint32_t count;
			int32_t v;

			ck_assert_int_eq(sipc_parcel_get_u32(req_in, &count), 0);
			ck_assert_uint_eq(count, 3);
			ck_assert_int_eq(sipc_parcel_get_i32(req_in, &v), 0);
			ck_assert_int_eq(sipc_parcel_get_i32(req_in, &v), 0);
			ck_assert_int_eq(v, 16);
		}
	}
	idl_free(itf);
}
END_TEST

/* ---- the registry's protocol, generated, on sipc.h's wire ---- */

static void assert_same_bytes(struct sipc_parcel *a, struct sipc_parcel *b)
{
	size_t na, nb;
	const void *da = sipc_parcel_data(a, &na);
	const void *db = sipc_parcel_data(b, &nb);

	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(da, db, na);
}

/*
 * tools/registry.idl's requests and replies are byte for byte what
 * sipc.h documents and lib/registry.c writes and reads by hand.
 */
START_TEST(test_registry_wire)
{
	struct registry_service items[2] = {
		{ "demo.echo", 12, 0 }, { "z", 13, 1000 },
	};
	struct registry_service_array page = { items, 2 };

	ck_assert_int_eq(registry_check_write_request(req, "demo.echo"), 0);
	sipc_parcel_put_string(reply, "demo.echo");
	assert_same_bytes(req, reply);

	sipc_parcel_reset(req);
	sipc_parcel_reset(reply);
	ck_assert_int_eq(registry_list_write_request(req, 7), 0);
	sipc_parcel_put_u32(reply, 7);
	assert_same_bytes(req, reply);

	/* LIST: u32 total, u32 n, then n times string, u32 pid, u32 uid. */
	sipc_parcel_reset(req);
	sipc_parcel_reset(reply);
	ck_assert_int_eq(registry_list_reply(req, 9, &page), 0);
	sipc_parcel_put_u32(reply, 9);
	sipc_parcel_put_u32(reply, 2);
	sipc_parcel_put_string(reply, "demo.echo");
	sipc_parcel_put_u32(reply, 12);
	sipc_parcel_put_u32(reply, 0);
	sipc_parcel_put_string(reply, "z");
	sipc_parcel_put_u32(reply, 13);
	sipc_parcel_put_u32(reply, 1000);
	assert_same_bytes(req, reply);
}
END_TEST

static Suite *idl_suite(void)
{
	Suite *s = suite_create("sipc-idl");
	TCase *parse = tcase_create("parse");
	TCase *trip = tcase_create("round-trip");
	TCase *compat = tcase_create("compat");

	tcase_add_loop_test(parse, test_parse_errors, 0,
			    sizeof(bad_inputs) / sizeof(bad_inputs[0]));
	tcase_add_test(parse, test_parse_own_text);
	suite_add_tcase(s, parse);

	tcase_add_checked_fixture(trip, setup, teardown);
	tcase_add_test(trip, test_round_trip_scalars);
	tcase_add_test(trip, test_round_trip_things);
	tcase_add_test(trip, test_round_trip_arrays);
	tcase_add_test(trip, test_array_count_lies);
	tcase_add_test(trip, test_dispatch_answers);
	tcase_add_test(trip, test_read_reply_refuses);
	tcase_add_test(trip, test_text_call);
	tcase_add_test(trip, test_registry_wire);
	suite_add_tcase(s, trip);

	tcase_add_checked_fixture(compat, setup, teardown);
	tcase_add_test(compat, test_compat_old_client_new_server);
	tcase_add_test(compat, test_compat_new_client_old_server);
	tcase_add_test(compat, test_compat_new_method);
	tcase_add_test(compat, test_compat_new_enum_value);
	tcase_add_test(compat, test_compat_new_error);
	tcase_add_test(compat, test_compat_changed_type_refused);
	suite_add_tcase(s, compat);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(idl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
