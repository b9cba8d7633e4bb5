/* SPDX-License-Identifier: GPL-2.0 */
/* What the header and source emitters share: C spellings of IDL types. */
#ifndef SIPC_IDL_EMIT_H
#define SIPC_IDL_EMIT_H

#include "idl.h"

struct emitter {
	FILE *f;
	const struct idl_interface *itf;
	const char *prefix;	/* demo_echo */
	char upper[128];	/* DEMO_ECHO */
};

void emit_init(struct emitter *e, FILE *f, const struct idl_interface *itf,
	       const char *prefix);
/* @s in capitals, into @buf. */
const char *emit_upper(const char *s, char *buf, size_t len);

/* The name of a type's element, for array and helper names: "i32", "point". */
const char *elem_name(const struct emitter *e, const struct idl_type *t);
/* The C type that holds a value of @t ("const char *", "struct x_point"). */
void emit_ctype(const struct emitter *e, const struct idl_type *t);
/* "TYPE name": @stars pointers to it, const if @is_const. */
void emit_decl(const struct emitter *e, const struct idl_type *t,
	       bool is_const, int stars, const char *name);
/* ", TYPE name" for arguments sent (@out false) or received into (@out). */
void emit_params(const struct emitter *e, const struct idl_fields *f,
		 bool out);
/* Whether @t is passed by pointer when sent (structs and arrays). */
bool sent_by_pointer(const struct idl_type *t);

/*
 * Statements that put @expr (a value, or a pointer when @is_ptr) of type
 * @t into parcel "p", or read it into @dst (a pointer expression) with
 * "ret = ...;".
 */
void emit_put(const struct emitter *e, const char *indent,
	      const struct idl_type *t, const char *expr, bool is_ptr);
void emit_get_call(const struct emitter *e, const struct idl_type *t,
		   const char *dst);

/* Whether @m has reply arguments, and so _read_reply() and _reply(). */
static inline bool has_reply(const struct idl_method *m)
{
	return m->out.n > 0;
}

/* Which helpers the source needs: types reachable from the methods. */
struct reach {
	bool *enums, *structs;
	bool bytes;
	/* array element types, by elem_name(), deduplicated */
	const struct idl_type **arrays;
	size_t n_arrays;
};

int reach_compute(const struct idl_interface *itf, struct reach *r);
void reach_free(struct reach *r);

#endif /* SIPC_IDL_EMIT_H */
