/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sipc-idl: the interface language's syntax tree, its parser and its C
 * emitter. The parser is shared with sipcctl, which parses the text a
 * service returns for SIPC_CODE_DESCRIBE to marshal calls by name.
 */
#ifndef SIPC_IDL_H
#define SIPC_IDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

enum idl_kind {
	IDL_BOOL,
	IDL_I8,
	IDL_U8,
	IDL_I16,
	IDL_U16,
	IDL_I32,
	IDL_U32,
	IDL_I64,
	IDL_U64,
	IDL_DOUBLE,
	IDL_STRING,
	IDL_BYTES,
	IDL_FD,
	IDL_HANDLE,
	IDL_ENUM,
	IDL_STRUCT,
};

struct idl_type {
	enum idl_kind kind;
	bool array;		/* a u32 count, then that many items */
	int ref;		/* IDL_ENUM, IDL_STRUCT: index of its declaration */
	char *iface;		/* IDL_HANDLE: the interface it speaks */
};

/* An argument of a method, or a field of a struct. */
struct idl_field {
	char *name;
	struct idl_type type;
	/* 0, or the version that added it at the end (see sipc-idl(5)). */
	uint32_t since;
};

struct idl_fields {
	struct idl_field *v;
	size_t n;
};

struct idl_enum_value {
	char *name;
	uint32_t value;
};

struct idl_enum {
	char *name;
	struct idl_enum_value *values;
	size_t n;
};

struct idl_struct {
	char *name;
	struct idl_fields fields;
};

/* A status of the interface's own, returned by a handler. */
struct idl_error {
	char *name;
	uint32_t value;
};

struct idl_method {
	char *name;
	uint32_t code;
	bool oneway;
	struct idl_fields in, out;
};

struct idl_interface {
	char *name;		/* dotted: "demo.echo" */
	uint32_t version;
	struct idl_error *errors;
	size_t n_errors;
	struct idl_enum *enums;
	size_t n_enums;
	struct idl_struct *structs;
	size_t n_structs;
	struct idl_method *methods;
	size_t n_methods;
	char *text;		/* the source, for SIPC_CODE_DESCRIBE */
};

/*
 * Parse @text, the contents of @file. On a mistake: -EINVAL and
 * "FILE:LINE:COL: message" in @err (@errlen bytes); -ENOMEM.
 */
int idl_parse(const char *file, const char *text,
	      struct idl_interface **out, char *err, size_t errlen);
void idl_free(struct idl_interface *itf);

const struct idl_method *idl_find_method(const struct idl_interface *itf,
					 const char *name);
/* The IDL spelling of a scalar kind ("i32"), NULL for the others. */
const char *idl_kind_name(enum idl_kind kind);

/* Write the C header and source for @itf, names prefixed with @prefix. */
int idl_emit_header(FILE *f, const struct idl_interface *itf,
		    const char *prefix, const char *source_name);
int idl_emit_source(FILE *f, const struct idl_interface *itf,
		    const char *prefix, const char *header_name);

#endif /* SIPC_IDL_H */
