// SPDX-License-Identifier: GPL-2.0
/*
 * The generated source: the interface text, static helpers for the types
 * the methods use, then per method its marshalling, its proxy and its
 * stub, and the dispatcher. Writing relies on the parcel's sticky error
 * (sipc_parcel_error()); reading checks every item.
 */
#include <errno.h>
#include <string.h>

#include "emit.h"

static void emit_text(const struct emitter *e)
{
	const char *s;

	fprintf(e->f, "const char %s_idl[] =\n\t\"", e->prefix);
	for (s = e->itf->text; *s; s++) {
		if (*s == '\n')
			fputs(s[1] ? "\\n\"\n\t\"" : "\\n", e->f);
		else if (*s == '"' || *s == '\\')
			fprintf(e->f, "\\%c", *s);
		else if (*s == '\t')
			fputs("\\t", e->f);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(e->f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, e->f);
	}
	fputs("\";\n\n", e->f);
}

static void emit_enum_helper(const struct emitter *e, size_t i)
{
	fprintf(e->f,
		"static int get_%s(struct sipc_parcel *p, enum %s_%s *v)\n"
		"{\n\tuint32_t u;\n\tint ret = sipc_parcel_get_u32(p, &u);\n\n"
		"\tif (!ret)\n\t\t*v = (enum %s_%s)u;\n\treturn ret;\n}\n\n",
		e->itf->enums[i].name, e->prefix, e->itf->enums[i].name,
		e->prefix, e->itf->enums[i].name);
}

static void emit_bytes_helper(const struct emitter *e)
{
	fputs("static int get_bytes(struct sipc_parcel *p, struct sipc_bytes *b)\n"
	      "{\n\treturn sipc_parcel_get_bytes(p, &b->data, &b->len);\n}\n\n",
	      e->f);
}

/* "ret = GET;" for each of @f, into @pre NAME @post; the first always. */
static void emit_gets(const struct emitter *e, const struct idl_fields *f,
		      const char *pre, const char *post, const char *indent)
{
	char dst[256];
	size_t i;

	for (i = 0; i < f->n; i++) {
		snprintf(dst, sizeof(dst), "%s%s%s", pre, f->v[i].name, post);
		if (i)
			fprintf(e->f, "%sif (!ret)\n\t", indent);
		fprintf(e->f, "%sret = ", indent);
		emit_get_call(e, &f->v[i].type, dst);
		fputs(";\n", e->f);
		/* Arguments added later: an older peer stops before them. */
		if (f->v[i].since)
			fprintf(e->f, "%sif (ret == -ENODATA)\t/* since %u */\n%s\tret = 0;\n",
				indent, f->v[i].since, indent);
	}
}

static void emit_struct_helpers(const struct emitter *e, size_t i)
{
	const struct idl_struct *st = &e->itf->structs[i];
	char expr[160];
	size_t j;

	fprintf(e->f, "static void put_%s(struct sipc_parcel *p, const struct %s_%s *v)\n{\n",
		st->name, e->prefix, st->name);
	for (j = 0; j < st->fields.n; j++) {
		snprintf(expr, sizeof(expr), "v->%s", st->fields.v[j].name);
		emit_put(e, "\t", &st->fields.v[j].type, expr, false);
	}
	fprintf(e->f, "}\n\nstatic int get_%s(struct sipc_parcel *p, ", st->name);
	fprintf(e->f, "struct %s_%s *v)\n{\n\tint ret;\n\n", e->prefix,
		st->name);
	emit_gets(e, &st->fields, "&v->", "", "\t");
	fputs("\treturn ret;\n}\n\n", e->f);
}

static void emit_array_helpers(const struct emitter *e,
			       const struct idl_type *t)
{
	struct idl_type item = *t;
	const char *name = elem_name(e, t);

	item.array = false;
	fprintf(e->f, "static void put_%s_array(struct sipc_parcel *p, ", name);
	fprintf(e->f,
		"const struct %s_%s_array *a)\n{\n\tuint32_t i;\n\n"
		"\tsipc_parcel_put_u32(p, a->count);\n"
		"\tfor (i = 0; i < a->count; i++)\n",
		e->prefix, name);
	emit_put(e, "\t\t", &item, "a->items[i]", false);
	fprintf(e->f,
		"}\n\nstatic int get_%s_array(struct sipc_parcel *p, struct %s_%s_array *a)\n"
		"{\n\tuint32_t i, count;\n\tint ret;\n\n"
		"\tret = sipc_parcel_get_u32(p, &count);\n\tif (ret)\n\t\treturn ret;\n"
		"\tif (count > parcel_size(p) / 4)\n\t\treturn -EBADMSG;\n"
		"\ta->items = calloc(count ? count : 1, sizeof(*a->items));\n"
		"\tif (!a->items)\n\t\treturn -ENOMEM;\n"
		"\tfor (i = 0; i < count; i++) {\n\t\tret = ",
		name, e->prefix, name);
	emit_get_call(e, &item, "&a->items[i]");
	fputs(";\n\t\tif (ret) {\n\t\t\tfree(a->items);\n\t\t\ta->items = NULL;\n"
	      "\t\t\treturn ret;\n\t\t}\n\t}\n\ta->count = count;\n\treturn 0;\n}\n\n",
	      e->f);
}

static void emit_helpers(const struct emitter *e, const struct reach *r)
{
	size_t i;

	if (r->n_arrays)
		fputs("/* Every item takes 4 bytes at least: a larger count lies. */\n"
		      "static size_t parcel_size(const struct sipc_parcel *p)\n{\n"
		      "\tsize_t size = 0;\n\n\tsipc_parcel_data(p, &size);\n"
		      "\treturn size;\n}\n\n", e->f);
	if (r->bytes)
		emit_bytes_helper(e);
	for (i = 0; i < e->itf->n_enums; i++)
		if (r->enums[i])
			emit_enum_helper(e, i);
	for (i = 0; i < e->itf->n_structs; i++)
		if (r->structs[i])
			emit_struct_helpers(e, i);
	for (i = 0; i < r->n_arrays; i++)
		emit_array_helpers(e, r->arrays[i]);
}

static void emit_writer(const struct emitter *e, const struct idl_method *m,
			const struct idl_fields *f, const char *suffix)
{
	bool by_ref = !strcmp(suffix, "write_request");
	size_t i;

	fprintf(e->f, "int %s_%s_%s(struct sipc_parcel *p", e->prefix,
		m->name, suffix);
	emit_params(e, f, false);
	fputs(")\n{\n", e->f);
	for (i = 0; i < f->n; i++) {
		const struct idl_type *t = &f->v[i].type;

		/*
		 * A request's bytes by reference, as a careful hand-written
		 * client sends them: copied once, by the driver, while the
		 * proxy's call runs. A reply's outlive the handler that
		 * wrote them only as a copy.
		 */
		if (by_ref && t->kind == IDL_BYTES && !t->array)
			fprintf(e->f, "\tsipc_parcel_put_bytes_ref(p, %s.data, %s.len);\n",
				f->v[i].name, f->v[i].name);
		else
			emit_put(e, "\t", t, f->v[i].name, sent_by_pointer(t));
	}
	fputs("\treturn sipc_parcel_error(p);\n}\n\n", e->f);
}

/* Release what reading @f took: arrays' memory, handles' references. */
static void emit_release(const struct emitter *e, const struct idl_fields *f,
			 bool is_ptr)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		const char *name = f->v[i].name;

		if (f->v[i].type.array)
			fprintf(e->f, "\tfree(%s%sitems);\n", name,
				is_ptr ? "->" : ".");
		else if (f->v[i].type.kind == IDL_HANDLE)
			fprintf(e->f, "\tsipc_handle_put(%s%s);\n",
				is_ptr ? "*" : "", name);
	}
}

static bool needs_release_type(const struct idl_type *t)
{
	return t->array || t->kind == IDL_HANDLE;
}

static bool needs_release(const struct idl_fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (needs_release_type(&f->v[i].type))
			return true;
	return false;
}

static void emit_reader(const struct emitter *e, const struct idl_method *m)
{
	const struct idl_fields *f = &m->out;
	size_t i;

	fprintf(e->f, "int %s_%s_read_reply(struct sipc_parcel *p", e->prefix,
		m->name);
	emit_params(e, f, true);
	fputs(")\n{\n\tint ret;\n\n", e->f);
	/* What may not arrive, and what a failure releases, starts empty. */
	for (i = 0; i < f->n; i++)
		if (f->v[i].since || needs_release_type(&f->v[i].type))
			fprintf(e->f, "\tmemset(%s, 0, sizeof(*%s));\n",
				f->v[i].name, f->v[i].name);
	emit_gets(e, f, "", "", "\t");
	if (needs_release(f)) {
		fputs("\tif (!ret)\n\t\treturn 0;\n", e->f);
		emit_release(e, f, true);
		for (i = 0; i < f->n; i++)
			if (needs_release_type(&f->v[i].type))
				fprintf(e->f, "\tmemset(%s, 0, sizeof(*%s));\n",
					f->v[i].name, f->v[i].name);
	}
	fputs("\treturn ret;\n}\n\n", e->f);
}

static void emit_args(const struct emitter *e, const struct idl_fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		fprintf(e->f, ", %s%s", sent_by_pointer(&f->v[i].type) ? "&" : "",
			f->v[i].name);
}

static void emit_proxy(const struct emitter *e, const struct idl_method *m)
{
	char up[128];
	size_t i;

	emit_upper(m->name, up, sizeof(up));
	fprintf(e->f, "int %s_%s(struct %s *client", e->prefix, m->name, e->prefix);
	emit_params(e, &m->in, false);
	emit_params(e, &m->out, true);
	fprintf(e->f, ")\n{\n\tint ret;\n\n\tsipc_parcel_reset(client->req);\n"
		"\tret = %s_%s_write_request(client->req", e->prefix, m->name);
	for (i = 0; i < m->in.n; i++)
		fprintf(e->f, ", %s", m->in.v[i].name);
	fputs(");\n\tif (ret)\n\t\treturn ret;\n", e->f);
	if (m->oneway) {
		fprintf(e->f, "\treturn sipc_send_oneway(client->handle, %s_%s, ",
			e->upper, up);
		fputs("client->req);\n}\n\n", e->f);
		return;
	}
	if (!has_reply(m)) {
		fprintf(e->f, "\treturn sipc_call(client->handle, %s_%s, ",
			e->upper, up);
		fputs("client->req, NULL);\n}\n\n", e->f);
		return;
	}
	fprintf(e->f, "\tret = sipc_call(client->handle, %s_%s, client->req, client->reply);\n"
		"\tif (ret)\n\t\treturn ret;\n\treturn %s_%s_read_reply(client->reply",
		e->upper, up, e->prefix, m->name);
	for (i = 0; i < m->out.n; i++)
		fprintf(e->f, ", %s", m->out.v[i].name);
	fputs(");\n}\n\n", e->f);
}

/* " = ZERO;\n": an argument an older client did not send stays zero. */
static const char *zero_value(const struct idl_type *t)
{
	if (sent_by_pointer(t) || t->kind == IDL_BYTES)
		return " = { 0 };\n";
	if (t->kind == IDL_STRING || t->kind == IDL_HANDLE)
		return " = NULL;\n";
	if (t->kind == IDL_BOOL)
		return " = false;\n";
	if (t->kind == IDL_FD)
		return " = -1;\n";
	return " = 0;\n";
}

static void emit_stub(const struct emitter *e, const struct idl_method *m)
{
	size_t i;

	fprintf(e->f, "static int serve_%s(const struct %s_handlers *handlers, ",
		m->name, e->prefix);
	fprintf(e->f, "void *data, const struct sipc_txn *txn%s)\n{\n",
		m->oneway ? "" : ", struct sipc_parcel *reply");
	if (!m->in.n) {
		fprintf(e->f, "\tif (!handlers->%s)\n\t\treturn -EOPNOTSUPP;\n"
			"\treturn handlers->%s(data, txn%s);\n}\n\n", m->name,
			m->name, m->oneway ? "" : ", reply");
		return;
	}
	fputs("\tstruct sipc_parcel *p = txn->request;\n", e->f);
	for (i = 0; i < m->in.n; i++) {
		fputc('\t', e->f);
		emit_decl(e, &m->in.v[i].type, false, 0, m->in.v[i].name);
		fputs(zero_value(&m->in.v[i].type), e->f);
	}
	fputs("\tint ret;\n\n", e->f);
	fprintf(e->f, "\tif (!handlers->%s)\n\t\treturn -EOPNOTSUPP;\n", m->name);
	emit_gets(e, &m->in, "&", "", "\t");
	fprintf(e->f, "\tif (!ret)\n\t\tret = handlers->%s(data, txn", m->name);
	emit_args(e, &m->in);
	fputs(m->oneway ? ");\n" : ", reply);\n", e->f);
	emit_release(e, &m->in, false);
	fputs("\treturn ret;\n}\n\n", e->f);
}

static void emit_client_object(const struct emitter *e)
{
	const char *p = e->prefix;

	fprintf(e->f,
		"struct %s {\n\tstruct sipc_handle *handle;\n"
		"\tstruct sipc_parcel *req, *reply;\n};\n\n"
		"int %s_open(struct sipc_handle *h, struct %s **out)\n{\n"
		"\tstruct %s *client = calloc(1, sizeof(*client));\n\n"
		"\tif (!client)\n\t\treturn -ENOMEM;\n"
		"\tclient->req = sipc_parcel_new();\n"
		"\tclient->reply = sipc_parcel_new();\n"
		"\tif (!client->req || !client->reply) {\n"
		"\t\t%s_close(client);\n\t\treturn -ENOMEM;\n\t}\n"
		"\tclient->handle = sipc_handle_get(h);\n"
		"\t/* Blobs it sends may go through regions kept for @h. */\n"
		"\tsipc_parcel_set_destination(client->req, h);\n"
		"\t*out = client;\n"
		"\treturn 0;\n}\n\n"
		"void %s_close(struct %s *client)\n{\n\tif (!client)\n\t\treturn;\n"
		"\tsipc_parcel_free(client->req);\n"
		"\tsipc_parcel_free(client->reply);\n"
		"\tsipc_handle_put(client->handle);\n\tfree(client);\n}\n\n"
		"struct sipc_handle *%s_handle(const struct %s *client)\n{\n"
		"\treturn client->handle;\n}\n\n",
		p, p, p, p, p, p, p, p, p);
}

static void emit_dispatch(const struct emitter *e)
{
	const struct idl_interface *itf = e->itf;
	char up[128];
	size_t i;

	fprintf(e->f, "int %s_dispatch(const struct %s_handlers *handlers, ",
		e->prefix, e->prefix);
	fputs("void *data, const struct sipc_txn *txn, struct sipc_parcel *reply)\n"
	      "{\n\tswitch (txn->code) {\n", e->f);
	for (i = 0; i < itf->n_methods; i++)
		fprintf(e->f, "\tcase %s_%s:\n\t\treturn serve_%s(handlers, data, txn%s);\n",
			e->upper,
			emit_upper(itf->methods[i].name, up, sizeof(up)),
			itf->methods[i].name,
			itf->methods[i].oneway ? "" : ", reply");
	fprintf(e->f,
		"\tcase SIPC_CODE_DESCRIBE:\n"
		"\t\treturn sipc_parcel_put_string(reply, %s_idl);\n\t}\n"
		"\treturn SIPC_E_UNKNOWN_CODE;\n}\n\n"
		"static int %s_serve(struct sipc_node *node, ", e->prefix,
		e->prefix);
	fprintf(e->f,
		"const struct sipc_txn *txn, struct sipc_parcel *reply)\n{\n"
		"\tconst struct %s_server *svc = sipc_node_data(node);\n\n"
		"\treturn %s_dispatch(svc->handlers, svc->data, txn, reply);\n}\n\n"
		"int %s_node_create(struct sipc *s, ", e->prefix, e->prefix,
		e->prefix);
	fprintf(e->f,
		"const struct %s_server *svc, unsigned int flags, struct sipc_node **out)\n"
		"{\n\treturn sipc_node_create(s, %s_serve, (void *)svc, flags, out);\n}\n",
		e->prefix, e->prefix);
}

int idl_emit_source(FILE *f, const struct idl_interface *itf,
		    const char *prefix, const char *header_name)
{
	struct emitter e;
	struct reach r;
	size_t i;
	int ret;

	emit_init(&e, f, itf, prefix);
	ret = reach_compute(itf, &r);
	if (ret)
		return ret;
	fprintf(f, "/* Generated by sipc-idl: do not edit. */\n"
		"#include <errno.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
		"#include \"%s\"\n\n", header_name);
	emit_text(&e);
	emit_helpers(&e, &r);
	emit_client_object(&e);
	for (i = 0; i < itf->n_methods; i++) {
		const struct idl_method *m = &itf->methods[i];

		fprintf(f, "/* ---- %s ---- */\n\n", m->name);
		emit_writer(&e, m, &m->in, "write_request");
		if (has_reply(m)) {
			emit_reader(&e, m);
			emit_writer(&e, m, &m->out, "reply");
		}
		emit_proxy(&e, m);
		emit_stub(&e, m);
	}
	emit_dispatch(&e);
	reach_free(&r);
	return ferror(f) ? -EIO : 0;
}
