// SPDX-License-Identifier: GPL-2.0
/*
 * The C side of each IDL type: its C spelling, and the libsipc parcel
 * calls that write and read it. Structs, arrays, enums and bytes go
 * through small static helpers of the generated source (put_NAME(),
 * get_NAME()), so a method's code reads as one call per argument.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

const char *emit_upper(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = s[i] == '.' ? '_' : (char)toupper((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

void emit_init(struct emitter *e, FILE *f, const struct idl_interface *itf,
	       const char *prefix)
{
	e->f = f;
	e->itf = itf;
	e->prefix = prefix;
	emit_upper(prefix, e->upper, sizeof(e->upper));
}

const char *elem_name(const struct emitter *e, const struct idl_type *t)
{
	if (t->kind == IDL_ENUM)
		return e->itf->enums[t->ref].name;
	if (t->kind == IDL_STRUCT)
		return e->itf->structs[t->ref].name;
	if (t->kind == IDL_HANDLE)
		return "handle";
	return idl_kind_name(t->kind);
}

static const char *const scalar_ctypes[] = {
	[IDL_BOOL] = "bool", [IDL_I8] = "int8_t", [IDL_U8] = "uint8_t",
	[IDL_I16] = "int16_t", [IDL_U16] = "uint16_t", [IDL_I32] = "int32_t",
	[IDL_U32] = "uint32_t", [IDL_I64] = "int64_t", [IDL_U64] = "uint64_t",
	[IDL_DOUBLE] = "double", [IDL_STRING] = "const char *",
	[IDL_BYTES] = "struct sipc_bytes", [IDL_FD] = "int",
	[IDL_HANDLE] = "struct sipc_handle *",
};

static void emit_elem_ctype(const struct emitter *e, const struct idl_type *t)
{
	if (t->kind == IDL_ENUM)
		fprintf(e->f, "enum %s_%s", e->prefix, elem_name(e, t));
	else if (t->kind == IDL_STRUCT)
		fprintf(e->f, "struct %s_%s", e->prefix, elem_name(e, t));
	else
		fputs(scalar_ctypes[t->kind], e->f);
}

void emit_ctype(const struct emitter *e, const struct idl_type *t)
{
	if (t->array)
		fprintf(e->f, "struct %s_%s_array", e->prefix, elem_name(e, t));
	else
		emit_elem_ctype(e, t);
}

bool sent_by_pointer(const struct idl_type *t)
{
	return t->array || t->kind == IDL_STRUCT;
}

static bool ctype_is_pointer(const struct idl_type *t)
{
	return !t->array && (t->kind == IDL_STRING || t->kind == IDL_HANDLE);
}

/* "TYPE name", with no space after a pointer type's star. */
void emit_decl(const struct emitter *e, const struct idl_type *t,
	       bool is_const, int stars, const char *name)
{
	if (is_const)
		fputs("const ", e->f);
	emit_ctype(e, t);
	if (!ctype_is_pointer(t))
		fputc(' ', e->f);
	while (stars--)
		fputc('*', e->f);
	fputs(name, e->f);
}

void emit_params(const struct emitter *e, const struct idl_fields *f,
		 bool out)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		const struct idl_type *t = &f->v[i].type;

		fputs(", ", e->f);
		if (out)
			emit_decl(e, t, false, 1, f->v[i].name);
		else
			emit_decl(e, t, sent_by_pointer(t), sent_by_pointer(t),
				  f->v[i].name);
	}
}

static const char *parcel_fn(enum idl_kind kind)
{
	return kind == IDL_ENUM ? "u32" : idl_kind_name(kind);
}

void emit_put(const struct emitter *e, const char *indent,
	      const struct idl_type *t, const char *expr, bool is_ptr)
{
	const char *amp = is_ptr ? "" : "&";

	if (t->array)
		fprintf(e->f, "%sput_%s_array(p, %s%s);\n", indent,
			elem_name(e, t), amp, expr);
	else if (t->kind == IDL_STRUCT)
		fprintf(e->f, "%sput_%s(p, %s%s);\n", indent, elem_name(e, t),
			amp, expr);
	else if (t->kind == IDL_BYTES)
		fprintf(e->f, "%ssipc_parcel_put_bytes(p, %s%sdata, %s%slen);\n",
			indent, expr, is_ptr ? "->" : ".", expr,
			is_ptr ? "->" : ".");
	else if (t->kind == IDL_HANDLE)
		fprintf(e->f, "%ssipc_parcel_put_handle(p, %s);\n", indent, expr);
	else if (t->kind == IDL_ENUM)
		fprintf(e->f, "%ssipc_parcel_put_u32(p, (uint32_t)%s);\n",
			indent, expr);
	else
		fprintf(e->f, "%ssipc_parcel_put_%s(p, %s);\n", indent,
			parcel_fn(t->kind), expr);
}

void emit_get_call(const struct emitter *e, const struct idl_type *t,
		   const char *dst)
{
	if (t->array)
		fprintf(e->f, "get_%s_array(p, %s)", elem_name(e, t), dst);
	else if (t->kind == IDL_STRUCT || t->kind == IDL_ENUM ||
		 t->kind == IDL_BYTES)
		fprintf(e->f, "get_%s(p, %s)", elem_name(e, t), dst);
	else if (t->kind == IDL_STRING)
		fprintf(e->f, "sipc_parcel_get_string(p, %s, NULL)", dst);
	else if (t->kind == IDL_HANDLE)
		fprintf(e->f, "sipc_parcel_get_handle(p, %s)", dst);
	else
		fprintf(e->f, "sipc_parcel_get_%s(p, %s)", parcel_fn(t->kind),
			dst);
}

static int reach_type(const struct idl_interface *itf, struct reach *r,
		      const struct idl_type *t);

static int reach_fields(const struct idl_interface *itf, struct reach *r,
			const struct idl_fields *f)
{
	size_t i;
	int ret;

	for (i = 0; i < f->n; i++) {
		ret = reach_type(itf, r, &f->v[i].type);
		if (ret)
			return ret;
	}
	return 0;
}

static bool same_elem(const struct idl_type *a, const struct idl_type *b)
{
	return a->kind == b->kind &&
	       (a->kind != IDL_ENUM && a->kind != IDL_STRUCT ? true :
		a->ref == b->ref);
}

static int reach_array(struct reach *r, const struct idl_type *t)
{
	const struct idl_type **v;
	size_t i;

	for (i = 0; i < r->n_arrays; i++)
		if (same_elem(r->arrays[i], t))
			return 0;
	v = realloc(r->arrays, (r->n_arrays + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[r->n_arrays++] = t;
	r->arrays = v;
	return 0;
}

static int reach_type(const struct idl_interface *itf, struct reach *r,
		      const struct idl_type *t)
{
	int ret;

	if (t->array) {
		ret = reach_array(r, t);
		if (ret)
			return ret;
	}
	if (t->kind == IDL_BYTES)
		r->bytes = true;
	if (t->kind == IDL_ENUM)
		r->enums[t->ref] = true;
	if (t->kind == IDL_STRUCT && !r->structs[t->ref]) {
		r->structs[t->ref] = true;
		return reach_fields(itf, r, &itf->structs[t->ref].fields);
	}
	return 0;
}

int reach_compute(const struct idl_interface *itf, struct reach *r)
{
	size_t i;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->enums = calloc(itf->n_enums + 1, sizeof(bool));
	r->structs = calloc(itf->n_structs + 1, sizeof(bool));
	if (!r->enums || !r->structs)
		ret = -ENOMEM;
	for (i = 0; !ret && i < itf->n_methods; i++) {
		ret = reach_fields(itf, r, &itf->methods[i].in);
		if (!ret)
			ret = reach_fields(itf, r, &itf->methods[i].out);
	}
	if (ret)
		reach_free(r);
	return ret;
}

void reach_free(struct reach *r)
{
	free(r->enums);
	free(r->structs);
	free(r->arrays);
	memset(r, 0, sizeof(*r));
}
