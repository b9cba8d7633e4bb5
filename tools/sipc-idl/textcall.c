// SPDX-License-Identifier: GPL-2.0
/*
 * Text to parcels and back by an interface's types, for sipcctl. A struct
 * takes one command-line argument per field, in order; an array takes
 * one argument, its items separated by commas (arrays of structs cannot
 * be written this way); bytes are hexadecimal; an enum is a value's name
 * or number; an fd is one of the caller's descriptors by number. Handles
 * cannot be sent from a command line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "textcall.h"

struct text_args {
	const struct idl_interface *itf;
	char **argv;
	int argc, next;
	char *err;
	size_t errlen;
};

static __printf(2, 3) int complain(struct text_args *ta, const char *fmt,
				   ...);

static int complain(struct text_args *ta, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ta->err, ta->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_signed(const char *s, int64_t min, int64_t max, int64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return !*s || *end || errno || *v < min || *v > max ? -EINVAL : 0;
}

static int parse_unsigned(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*s || *end || errno || *v > max || s[0] == '-' ? -EINVAL : 0;
}

static int put_hex(struct sipc_parcel *p, const char *hex)
{
	size_t n = strlen(hex) / 2, i;
	unsigned char *b;
	unsigned int x;
	int ret = 0;

	if (strlen(hex) % 2)
		return -EINVAL;
	b = malloc(n + 1);
	if (!b)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		if (sscanf(hex + 2 * i, "%2x", &x) != 1)
			ret = -EINVAL;
		b[i] = (unsigned char)x;
	}
	if (!ret)
		ret = sipc_parcel_put_bytes(p, b, n);
	free(b);
	return ret;
}

static int put_enum(struct sipc_parcel *p, const struct idl_enum *en,
		    const char *s)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < en->n; i++)
		if (!strcmp(en->values[i].name, s))
			return sipc_parcel_put_u32(p, en->values[i].value);
	if (parse_unsigned(s, UINT32_MAX, &v))
		return -EINVAL;
	return sipc_parcel_put_u32(p, (uint32_t)v);
}

static int put_signed(struct sipc_parcel *p, enum idl_kind kind, const char *s)
{
	static const int64_t max[] = { [IDL_I8] = INT8_MAX,
		[IDL_I16] = INT16_MAX, [IDL_I32] = INT32_MAX,
		[IDL_I64] = INT64_MAX };
	int64_t v;

	if (parse_signed(s, -max[kind] - 1, max[kind], &v))
		return -EINVAL;
	if (kind == IDL_I8)
		return sipc_parcel_put_i8(p, (int8_t)v);
	if (kind == IDL_I16)
		return sipc_parcel_put_i16(p, (int16_t)v);
	if (kind == IDL_I32)
		return sipc_parcel_put_i32(p, (int32_t)v);
	return sipc_parcel_put_i64(p, v);
}

static int put_unsigned(struct sipc_parcel *p, enum idl_kind kind,
			const char *s)
{
	static const uint64_t max[] = { [IDL_U8] = UINT8_MAX,
		[IDL_U16] = UINT16_MAX, [IDL_U32] = UINT32_MAX,
		[IDL_U64] = UINT64_MAX };
	uint64_t v;

	if (parse_unsigned(s, max[kind], &v))
		return -EINVAL;
	if (kind == IDL_U8)
		return sipc_parcel_put_u8(p, (uint8_t)v);
	if (kind == IDL_U16)
		return sipc_parcel_put_u16(p, (uint16_t)v);
	if (kind == IDL_U32)
		return sipc_parcel_put_u32(p, (uint32_t)v);
	return sipc_parcel_put_u64(p, v);
}

/* One item of a type that is not a struct, from @s. */
static int put_item(struct sipc_parcel *p, const struct idl_interface *itf,
		    const struct idl_type *t, const char *s)
{
	char *end;
	double d;
	int64_t fd;

	switch (t->kind) {
	case IDL_BOOL:
		if (!strcmp(s, "true") || !strcmp(s, "1"))
			return sipc_parcel_put_bool(p, true);
		if (!strcmp(s, "false") || !strcmp(s, "0"))
			return sipc_parcel_put_bool(p, false);
		return -EINVAL;
	case IDL_I8: case IDL_I16: case IDL_I32: case IDL_I64:
		return put_signed(p, t->kind, s);
	case IDL_U8: case IDL_U16: case IDL_U32: case IDL_U64:
		return put_unsigned(p, t->kind, s);
	case IDL_DOUBLE:
		errno = 0;
		d = strtod(s, &end);
		return !*s || *end || errno ? -EINVAL :
		       sipc_parcel_put_double(p, d);
	case IDL_STRING:
		return sipc_parcel_put_string(p, s);
	case IDL_BYTES:
		return put_hex(p, strncmp(s, "hex:", 4) ? s : s + 4);
	case IDL_FD:
		if (parse_signed(s, 0, INT32_MAX, &fd))
			return -EINVAL;
		return sipc_parcel_put_fd(p, (int)fd);
	case IDL_ENUM:
		return put_enum(p, &itf->enums[t->ref], s);
	default:
		return -EINVAL;
	}
}

/* Comma-separated items; "" is the empty array. */
static int put_array(struct sipc_parcel *p, const struct idl_interface *itf,
		     const struct idl_type *t, const char *s)
{
	struct idl_type item = *t;
	char *copy, *tok, *next;
	uint32_t n = 0;
	const char *c;
	int ret = 0;

	item.array = false;
	if (t->kind == IDL_STRUCT)
		return -EINVAL;
	for (c = s; *s && c; c = strchr(c + 1, ','))
		n++;
	ret = sipc_parcel_put_u32(p, n);
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	/* strsep, not strtok: "1,,2" is a missing item, not two items. */
	for (next = copy; n && next && !ret;) {
		tok = strsep(&next, ",");
		ret = *tok || item.kind == IDL_STRING ?
		      put_item(p, itf, &item, tok) : -EINVAL;
	}
	free(copy);
	return ret;
}

static int put_fields(struct text_args *ta, struct sipc_parcel *p,
		      const struct idl_fields *f, const char *outer);

static int put_field(struct text_args *ta, struct sipc_parcel *p,
		     const struct idl_field *fld, const char *outer)
{
	const struct idl_type *t = &fld->type;
	const char *arg;
	char name[128];
	int ret;

	snprintf(name, sizeof(name), "%s%s%s", outer, *outer ? "." : "",
		 fld->name);
	if (!t->array && t->kind == IDL_STRUCT)
		return put_fields(ta, p, &ta->itf->structs[t->ref].fields, name);
	if (ta->next >= ta->argc)
		return complain(ta, "missing argument \"%s\"", name);
	arg = ta->argv[ta->next++];
	if (t->kind == IDL_HANDLE)
		return complain(ta, "\"%s\": a handle cannot be given as text",
				name);
	ret = t->array ? put_array(p, ta->itf, t, arg) :
			 put_item(p, ta->itf, t, arg);
	if (ret == -EINVAL)
		return complain(ta, "\"%s\": \"%s\" is not a%s %s", name, arg,
				t->array ? "n array of" : "",
				t->kind == IDL_ENUM ? ta->itf->enums[t->ref].name :
				t->kind == IDL_STRUCT ? ta->itf->structs[t->ref].name :
				idl_kind_name(t->kind));
	return ret;
}

static int put_fields(struct text_args *ta, struct sipc_parcel *p,
		      const struct idl_fields *f, const char *outer)
{
	size_t i;
	int ret;

	for (i = 0; i < f->n; i++) {
		ret = put_field(ta, p, &f->v[i], outer);
		if (ret)
			return ret;
	}
	return 0;
}

int textcall_put_args(struct sipc_parcel *p, const struct idl_interface *itf,
		      const struct idl_fields *f, char **argv, int argc,
		      char *err, size_t errlen)
{
	struct text_args ta = { itf, argv, argc, 0, err, errlen };
	int ret = put_fields(&ta, p, f, "");

	if (!ret && ta.next < argc)
		return complain(&ta, "too many arguments: \"%s\" is one more",
				argv[ta.next]);
	return ret;
}

/* ---- printing ---- */

static int print_enum(FILE *out, struct sipc_parcel *p,
		      const struct idl_enum *en)
{
	uint32_t v;
	size_t i;
	int ret = sipc_parcel_get_u32(p, &v);

	if (ret)
		return ret;
	for (i = 0; i < en->n; i++) {
		if (en->values[i].value == v) {
			fprintf(out, "%s", en->values[i].name);
			return 0;
		}
	}
	fprintf(out, "%" PRIu32, v);
	return 0;
}

static int print_bytes(FILE *out, struct sipc_parcel *p)
{
	const unsigned char *b;
	const void *data;
	size_t len, i;
	int ret = sipc_parcel_get_bytes(p, &data, &len);

	if (ret)
		return ret;
	b = data;
	fputs("hex:", out);
	for (i = 0; i < len; i++)
		fprintf(out, "%02x", b[i]);
	return 0;
}

static int print_integer(FILE *out, struct sipc_parcel *p, enum idl_kind kind)
{
	union { int8_t i8; uint8_t u8; int16_t i16; uint16_t u16;
		int32_t i32; uint32_t u32; int64_t i64; uint64_t u64; } v;
	int ret;

	switch (kind) {
	case IDL_I8:
		ret = sipc_parcel_get_i8(p, &v.i8);
		return ret ? ret : (fprintf(out, "%d", v.i8), 0);
	case IDL_U8:
		ret = sipc_parcel_get_u8(p, &v.u8);
		return ret ? ret : (fprintf(out, "%u", v.u8), 0);
	case IDL_I16:
		ret = sipc_parcel_get_i16(p, &v.i16);
		return ret ? ret : (fprintf(out, "%d", v.i16), 0);
	case IDL_U16:
		ret = sipc_parcel_get_u16(p, &v.u16);
		return ret ? ret : (fprintf(out, "%u", v.u16), 0);
	case IDL_I32:
		ret = sipc_parcel_get_i32(p, &v.i32);
		return ret ? ret : (fprintf(out, "%" PRId32, v.i32), 0);
	case IDL_U32:
		ret = sipc_parcel_get_u32(p, &v.u32);
		return ret ? ret : (fprintf(out, "%" PRIu32, v.u32), 0);
	case IDL_I64:
		ret = sipc_parcel_get_i64(p, &v.i64);
		return ret ? ret : (fprintf(out, "%" PRId64, v.i64), 0);
	default:
		ret = sipc_parcel_get_u64(p, &v.u64);
		return ret ? ret : (fprintf(out, "%" PRIu64, v.u64), 0);
	}
}

static int print_fields(FILE *out, struct sipc_parcel *p,
			const struct idl_interface *itf,
			const struct idl_fields *f, const char *outer);

static int print_item(FILE *out, struct sipc_parcel *p,
		      const struct idl_interface *itf,
		      const struct idl_type *t)
{
	struct sipc_object obj;
	const char *s;
	bool b;
	double d;
	int fd, ret;

	switch (t->kind) {
	case IDL_BOOL:
		ret = sipc_parcel_get_bool(p, &b);
		return ret ? ret : (fputs(b ? "true" : "false", out), 0);
	case IDL_DOUBLE:
		ret = sipc_parcel_get_double(p, &d);
		return ret ? ret : (fprintf(out, "%g", d), 0);
	case IDL_STRING:
		ret = sipc_parcel_get_string(p, &s, NULL);
		return ret ? ret : (fprintf(out, "\"%s\"", s), 0);
	case IDL_BYTES:
		return print_bytes(out, p);
	case IDL_FD:
		ret = sipc_parcel_get_fd(p, &fd);
		return ret ? ret : (fprintf(out, "fd %d", fd), 0);
	case IDL_HANDLE:
		ret = sipc_parcel_get_object(p, &obj);
		return ret ? ret : (fprintf(out, "handle %u", (unsigned int)obj.handle), 0);
	case IDL_ENUM:
		return print_enum(out, p, &itf->enums[t->ref]);
	default:
		return print_integer(out, p, t->kind);
	}
}

static int print_array(FILE *out, struct sipc_parcel *p,
		       const struct idl_interface *itf,
		       const struct idl_type *t, const char *name)
{
	struct idl_type item = *t;
	uint32_t n, i;
	char sub[160];
	int ret = sipc_parcel_get_u32(p, &n);

	item.array = false;
	if (ret)
		return ret;
	if (t->kind == IDL_STRUCT) {
		fprintf(out, "%s: %" PRIu32 " items\n", name, n);
		for (i = 0; i < n && !ret; i++) {
			if (snprintf(sub, sizeof(sub), "%s[%" PRIu32 "]", name,
				     i) >= (int)sizeof(sub))
				return -ENAMETOOLONG;
			ret = print_fields(out, p, itf,
					   &itf->structs[t->ref].fields, sub);
		}
		return ret;
	}
	fprintf(out, "%s = [", name);
	for (i = 0; i < n && !ret; i++) {
		fputs(i ? ", " : "", out);
		ret = print_item(out, p, itf, &item);
	}
	fputs("]\n", out);
	return ret;
}

static int print_fields(FILE *out, struct sipc_parcel *p,
			const struct idl_interface *itf,
			const struct idl_fields *f, const char *outer)
{
	const struct idl_type *t;
	char name[160];
	size_t i;
	int ret = 0;

	for (i = 0; i < f->n && !ret; i++) {
		t = &f->v[i].type;
		if (snprintf(name, sizeof(name), "%s%s%s", outer,
			     *outer ? "." : "", f->v[i].name) >= (int)sizeof(name))
			return -ENAMETOOLONG;
		if (t->array) {
			ret = print_array(out, p, itf, t, name);
		} else if (t->kind == IDL_STRUCT) {
			ret = print_fields(out, p, itf,
					   &itf->structs[t->ref].fields, name);
		} else {
			/* An older service may stop before what it lacks. */
			if (f->v[i].since && sipc_parcel_next_type(p) == -ENODATA)
				return 0;
			fprintf(out, "%s = ", name);
			ret = print_item(out, p, itf, t);
			fputc('\n', out);
		}
	}
	return ret;
}

int textcall_print_reply(FILE *out, struct sipc_parcel *p,
			 const struct idl_interface *itf,
			 const struct idl_fields *f)
{
	return print_fields(out, p, itf, f, "");
}

const char *textcall_error_name(const struct idl_interface *itf, int status)
{
	size_t i;

	for (i = 0; i < itf->n_errors; i++)
		if ((int)itf->errors[i].value == status)
			return itf->errors[i].name;
	return NULL;
}
