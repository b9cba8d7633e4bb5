// SPDX-License-Identifier: GPL-2.0
/*
 * The generated header: the interface's constants and types, the client
 * proxies, the marshalling functions and the server's handler table.
 */
#include <errno.h>
#include <string.h>

#include "emit.h"

static void emit_constants(const struct emitter *e)
{
	const struct idl_interface *itf = e->itf;
	char up[128];
	size_t i;

	fprintf(e->f, "#define %s_INTERFACE\t\"%s\"\n", e->upper, itf->name);
	fprintf(e->f, "#define %s_VERSION\t%u\n\n", e->upper, itf->version);
	fprintf(e->f, "/* Request codes. */\nenum %s_code {\n", e->prefix);
	for (i = 0; i < itf->n_methods; i++)
		fprintf(e->f, "\t%s_%s = %u,\n", e->upper,
			emit_upper(itf->methods[i].name, up, sizeof(up)),
			itf->methods[i].code);
	fputs("};\n\n", e->f);
	if (!itf->n_errors)
		return;
	fprintf(e->f, "/* Statuses of the interface's own (above 0). */\nenum %s_error {\n",
		e->prefix);
	for (i = 0; i < itf->n_errors; i++)
		fprintf(e->f, "\t%s_E_%s = %u,\n", e->upper,
			emit_upper(itf->errors[i].name, up, sizeof(up)),
			itf->errors[i].value);
	fputs("};\n\n", e->f);
}

static void emit_enums(const struct emitter *e)
{
	const struct idl_interface *itf = e->itf;
	char up[128], val[128];
	size_t i, j;

	for (i = 0; i < itf->n_enums; i++) {
		const struct idl_enum *en = &itf->enums[i];

		fprintf(e->f, "/* Sent as a u32; a newer peer may send values not listed. */\n");
		fprintf(e->f, "enum %s_%s {\n", e->prefix, en->name);
		emit_upper(en->name, up, sizeof(up));
		for (j = 0; j < en->n; j++)
			fprintf(e->f, "\t%s_%s_%s = %uU,\n", e->upper, up,
				emit_upper(en->values[j].name, val, sizeof(val)),
				en->values[j].value);
		fputs("};\n\n", e->f);
	}
}

static void emit_structs(const struct emitter *e)
{
	const struct idl_interface *itf = e->itf;
	size_t i, j;

	for (i = 0; i < itf->n_structs; i++) {
		const struct idl_struct *st = &itf->structs[i];

		fprintf(e->f, "struct %s_%s {\n", e->prefix, st->name);
		for (j = 0; j < st->fields.n; j++) {
			fputc('\t', e->f);
			emit_decl(e, &st->fields.v[j].type, false, 0,
				  st->fields.v[j].name);
			fputs(";\n", e->f);
		}
		fputs("};\n\n", e->f);
	}
}

static void emit_array_types(const struct emitter *e, const struct reach *r)
{
	size_t i;

	if (r->n_arrays)
		fputs("/* Arrays: items read from a parcel are malloc()ed; free() them. */\n",
		      e->f);
	for (i = 0; i < r->n_arrays; i++) {
		struct idl_type item = *r->arrays[i];

		item.array = false;
		fprintf(e->f, "struct %s_%s_array {\n\t", e->prefix,
			elem_name(e, &item));
		emit_decl(e, &item, false, 1, "items");
		fputs(";\n\tuint32_t count;\n};\n\n", e->f);
	}
}

static void emit_client(const struct emitter *e)
{
	const struct idl_interface *itf = e->itf;
	size_t i;

	fprintf(e->f,
		"/*\n"
		" * The client: a handle to a %s service and its two parcels. One\n"
		" * thread at a time. A proxy returns 0, the service's status (above 0:\n"
		" * enum %s_error) or a negative errno. Strings and bytes it returns\n"
		" * point into the reply, valid until the next call through @client; handles\n"
		" * returned are the caller's to sipc_handle_put(); arrays, to free().\n"
		" */\n"
		"struct %s;\n\n"
		"/* A client of @h; it takes a reference of its own. */\n"
		"int %s_open(struct sipc_handle *h, struct %s **out);\n"
		"void %s_close(struct %s *client);\n"
		"struct sipc_handle *%s_handle(const struct %s *client);\n\n",
		itf->name, e->prefix, e->prefix, e->prefix, e->prefix,
		e->prefix, e->prefix, e->prefix, e->prefix);
	for (i = 0; i < itf->n_methods; i++) {
		const struct idl_method *m = &itf->methods[i];

		if (m->oneway)
			fputs("/* One-way: returns once sent. */\n", e->f);
		fprintf(e->f, "int %s_%s(struct %s *client", e->prefix, m->name,
			e->prefix);
		emit_params(e, &m->in, false);
		emit_params(e, &m->out, true);
		fputs(");\n", e->f);
	}
	fputc('\n', e->f);
}

static void emit_marshal(const struct emitter *e)
{
	const struct idl_interface *itf = e->itf;
	size_t i;

	fputs("/*\n"
	      " * Marshalling, for the proxies, the stubs and tests. A request's\n"
	      " * bytes are referred to, not copied: they must stay until it is sent.\n"
	      " */\n", e->f);
	for (i = 0; i < itf->n_methods; i++) {
		const struct idl_method *m = &itf->methods[i];

		fprintf(e->f, "int %s_%s_write_request(struct sipc_parcel *p",
			e->prefix, m->name);
		emit_params(e, &m->in, false);
		fputs(");\n", e->f);
		if (!has_reply(m))
			continue;
		fprintf(e->f, "int %s_%s_read_reply(struct sipc_parcel *p",
			e->prefix, m->name);
		emit_params(e, &m->out, true);
		fputs(");\n", e->f);
		fprintf(e->f, "/* A handler's reply. */\nint %s_%s_reply(struct sipc_parcel *p",
			e->prefix, m->name);
		emit_params(e, &m->out, false);
		fputs(");\n", e->f);
	}
	fputc('\n', e->f);
}

static void emit_server(const struct emitter *e)
{
	const struct idl_interface *itf = e->itf;
	size_t i;

	fprintf(e->f,
		"/*\n"
		" * The server: one handler per method, given the node's data, the call\n"
		" * and its arguments (in place in the request: valid in the handler;\n"
		" * handles and arrays are freed after it). A method with reply arguments\n"
		" * writes them with %s_METHOD_reply(); each returns its status. A NULL\n"
		" * handler answers -EOPNOTSUPP; a code of no method, SIPC_E_UNKNOWN_CODE.\n"
		" */\n"
		"struct %s_handlers {\n", e->prefix, e->prefix);
	for (i = 0; i < itf->n_methods; i++) {
		const struct idl_method *m = &itf->methods[i];

		fprintf(e->f, "\tint (*%s)(void *data, const struct sipc_txn *txn",
			m->name);
		emit_params(e, &m->in, false);
		if (!m->oneway)
			fputs(", struct sipc_parcel *reply", e->f);
		fputs(");\n", e->f);
	}
	fprintf(e->f,
		"};\n\n"
		"/* Serve one call (SIPC_CODE_DESCRIBE included) with @handlers. */\n"
		"int %s_dispatch(const struct %s_handlers *handlers, void *data, ",
		e->prefix, e->prefix);
	fputs("const struct sipc_txn *txn, struct sipc_parcel *reply);\n\n",
	      e->f);
	fprintf(e->f,
		"struct %s_server {\n"
		"\tconst struct %s_handlers *handlers;\n"
		"\tvoid *data;\n"
		"};\n\n"
		"/* A node serving @svc, which must outlive it (sipc_node_create()'s @flags). */\n"
		"int %s_node_create(struct sipc *s, const struct %s_server *svc, ",
		e->prefix, e->prefix, e->prefix, e->prefix);
	fputs("unsigned int flags, struct sipc_node **out);\n\n", e->f);
}

int idl_emit_header(FILE *f, const struct idl_interface *itf,
		    const char *prefix, const char *source_name)
{
	struct emitter e;
	struct reach r;
	int ret;

	emit_init(&e, f, itf, prefix);
	ret = reach_compute(itf, &r);
	if (ret)
		return ret;
	fprintf(f,
		"/* Generated by sipc-idl from %s: do not edit. */\n"
		"#ifndef %s_IDL_H\n#define %s_IDL_H\n\n"
		"#include <stdbool.h>\n#include <stdint.h>\n\n#include <sipc.h>\n\n"
		"/* The interface's text, as SIPC_CODE_DESCRIBE returns it. */\n"
		"extern const char %s_idl[];\n\n",
		source_name, e.upper, e.upper, prefix);
	emit_constants(&e);
	emit_enums(&e);
	emit_structs(&e);
	emit_array_types(&e, &r);
	emit_client(&e);
	emit_marshal(&e);
	emit_server(&e);
	fprintf(f, "#endif /* %s_IDL_H */\n", e.upper);
	reach_free(&r);
	return ferror(f) ? -EIO : 0;
}
