// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-idl's parser: one pass of recursive descent over the tokens,
 * building the tree of idl.h and checking it as it goes. It stops at the
 * first mistake, reported as "FILE:LINE:COL: message" at the token that
 * shows it. The grammar is in sipc-idl(5).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"
#include "lex.h"

/* The request code space the library keeps for itself (sipc.h). */
#define FIRST_RESERVED_CODE	0xff000000U

struct parser {
	struct lexer lx;
	struct token tok;
	const char *file;
	char *err;
	size_t errlen;
	struct idl_interface *itf;
};

static const char *const scalar_names[] = {
	[IDL_BOOL] = "bool", [IDL_I8] = "i8", [IDL_U8] = "u8",
	[IDL_I16] = "i16", [IDL_U16] = "u16", [IDL_I32] = "i32",
	[IDL_U32] = "u32", [IDL_I64] = "i64", [IDL_U64] = "u64",
	[IDL_DOUBLE] = "double", [IDL_STRING] = "string",
	[IDL_BYTES] = "bytes", [IDL_FD] = "fd",
};

/* Names the generated C code uses beside the arguments. */
static const char *const reserved_names[] = {
	"client", "data", "txn", "reply", "ret", "handlers", "p",
	"auto", "break", "case", "char", "const", "continue", "default", "do",
	"else", "enum", "extern", "float", "for", "goto", "if", "inline",
	"int", "long", "register", "return", "short", "signed", "sizeof",
	"static", "struct", "switch", "typedef", "union", "unsigned", "void",
	"volatile", "while", "bool", "true", "false",
};

const char *idl_kind_name(enum idl_kind kind)
{
	return kind <= IDL_FD ? scalar_names[kind] : NULL;
}

static __printf(3, 4) int fail_at(struct parser *ps, const struct token *t,
				  const char *fmt, ...);

static int fail_at(struct parser *ps, const struct token *t,
		   const char *fmt, ...)
{
	int n;
	va_list ap;

	n = snprintf(ps->err, ps->errlen, "%s:%d:%d: ", ps->file, t->line,
		     t->col);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void next(struct parser *ps)
{
	lex_next(&ps->lx, &ps->tok);
}

static bool tok_is(const struct token *t, const char *s)
{
	return (t->kind == TOK_IDENT || t->kind == TOK_PUNCT) &&
	       t->len == strlen(s) && !memcmp(t->start, s, t->len);
}

/* What the current token is, for messages. */
static const char *tok_desc(const struct token *t, char *buf, size_t len)
{
	if (t->kind == TOK_EOF)
		return "the end of the file";
	snprintf(buf, len, "\"%.*s\"", (int)(t->len > 40 ? 40 : t->len),
		 t->start);
	return buf;
}

static int expect(struct parser *ps, const char *s)
{
	char buf[64];

	if (!tok_is(&ps->tok, s))
		return fail_at(ps, &ps->tok, "expected \"%s\", found %s", s,
			       tok_desc(&ps->tok, buf, sizeof(buf)));
	next(ps);
	return 0;
}

static int take_ident(struct parser *ps, const char *what, char **out)
{
	char buf[64];

	if (ps->tok.kind != TOK_IDENT)
		return fail_at(ps, &ps->tok, "expected %s, found %s", what,
			       tok_desc(&ps->tok, buf, sizeof(buf)));
	*out = strndup(ps->tok.start, ps->tok.len);
	if (!*out)
		return -ENOMEM;
	next(ps);
	return 0;
}

/* An integer of at most @max. */
static int take_uint(struct parser *ps, const char *what, uint32_t max,
		     uint32_t *out)
{
	char buf[64];

	if (ps->tok.kind != TOK_INT)
		return fail_at(ps, &ps->tok, "expected %s, found %s", what,
			       tok_desc(&ps->tok, buf, sizeof(buf)));
	if (ps->tok.overflow || ps->tok.value > max)
		return fail_at(ps, &ps->tok, "%s %.*s is larger than %u", what,
			       (int)ps->tok.len, ps->tok.start, max);
	*out = (uint32_t)ps->tok.value;
	next(ps);
	return 0;
}

/* A dotted name: demo.echo */
static int take_dotted(struct parser *ps, const char *what, char **out)
{
	char *name, *part, *joined;
	int ret = take_ident(ps, what, &name);

	if (ret)
		return ret;
	while (tok_is(&ps->tok, ".")) {
		next(ps);
		ret = take_ident(ps, "a name after \".\"", &part);
		if (ret)
			break;
		ret = asprintf(&joined, "%s.%s", name, part) < 0 ? -ENOMEM : 0;
		free(part);
		if (ret)
			break;
		free(name);
		name = joined;
	}
	if (ret) {
		free(name);
		return ret;
	}
	*out = name;
	return 0;
}

static void free_fields(struct idl_fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].type.iface);
	}
	free(f->v);
}

static void *grow(void *v, size_t n, size_t size)
{
	void *nv = realloc(v, (n + 1) * size);

	if (nv)
		memset((char *)nv + n * size, 0, size);
	return nv;
}

/* Whether @name names a declaration of the interface already. */
static bool name_taken(const struct idl_interface *itf, const char *name)
{
	size_t i;

	for (i = 0; i < itf->n_enums; i++)
		if (!strcmp(itf->enums[i].name, name))
			return true;
	for (i = 0; i < itf->n_structs; i++)
		if (!strcmp(itf->structs[i].name, name))
			return true;
	for (i = 0; i < itf->n_methods; i++)
		if (!strcmp(itf->methods[i].name, name))
			return true;
	for (i = 0; i < itf->n_errors; i++)
		if (!strcmp(itf->errors[i].name, name))
			return true;
	return false;
}

/* Type names the generated code gives its own types (PREFIX_NAME). */
static const char *const generated_names[] = {
	"code", "error", "handlers", "server",
};

static int check_new_name(struct parser *ps, const struct token *at)
{
	char name[128];
	size_t i;

	snprintf(name, sizeof(name), "%.*s", (int)at->len, at->start);
	if (name_taken(ps->itf, name))
		return fail_at(ps, at, "\"%s\" is declared already", name);
	for (i = 0; i < ARRAY_SIZE(generated_names); i++)
		if (!strcmp(name, generated_names[i]))
			return fail_at(ps, at, "\"%s\" names generated code",
				       name);
	return 0;
}

static int named_type(struct parser *ps, struct idl_type *t)
{
	const struct idl_interface *itf = ps->itf;
	char buf[64];
	size_t i;

	for (i = 0; i < itf->n_enums; i++) {
		if (tok_is(&ps->tok, itf->enums[i].name)) {
			t->kind = IDL_ENUM;
			t->ref = (int)i;
			next(ps);
			return 0;
		}
	}
	for (i = 0; i < itf->n_structs; i++) {
		if (tok_is(&ps->tok, itf->structs[i].name)) {
			t->kind = IDL_STRUCT;
			t->ref = (int)i;
			next(ps);
			return 0;
		}
	}
	if (ps->tok.kind == TOK_IDENT)
		return fail_at(ps, &ps->tok,
			       "unknown type %s (enums and structs are declared before use)",
			       tok_desc(&ps->tok, buf, sizeof(buf)));
	return fail_at(ps, &ps->tok, "expected a type, found %s",
		       tok_desc(&ps->tok, buf, sizeof(buf)));
}

/* A type: a scalar, handle<NAME>, an enum or struct, any of them with []. */
static int parse_type(struct parser *ps, struct idl_type *t)
{
	int kind, ret;

	memset(t, 0, sizeof(*t));
	for (kind = IDL_BOOL; kind <= IDL_FD; kind++) {
		if (tok_is(&ps->tok, scalar_names[kind])) {
			t->kind = (enum idl_kind)kind;
			next(ps);
			goto array;
		}
	}
	if (tok_is(&ps->tok, "handle")) {
		t->kind = IDL_HANDLE;
		next(ps);
		ret = expect(ps, "<");
		if (!ret)
			ret = take_dotted(ps, "an interface name", &t->iface);
		if (!ret)
			ret = expect(ps, ">");
		if (ret)
			return ret;
		goto array;
	}
	ret = named_type(ps, t);
	if (ret)
		return ret;
array:
	if (!tok_is(&ps->tok, "["))
		return 0;
	if (t->kind == IDL_HANDLE)
		return fail_at(ps, &ps->tok, "arrays of handles are not supported");
	next(ps);
	t->array = true;
	return expect(ps, "]");
}

static bool is_reserved(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reserved_names); i++)
		if (!strcmp(name, reserved_names[i]))
			return true;
	return false;
}

/* TYPE NAME [since N], into @f; @in_struct: a field, not an argument. */
static int parse_field(struct parser *ps, struct idl_fields *f,
		       bool in_struct)
{
	struct idl_field *fld;
	struct token type_at, name_at;
	size_t i;
	int ret;

	fld = grow(f->v, f->n, sizeof(*fld));
	if (!fld)
		return -ENOMEM;
	f->v = fld;
	fld = &f->v[f->n++];
	type_at = ps->tok;
	ret = parse_type(ps, &fld->type);
	if (ret)
		return ret;
	if (in_struct && (fld->type.array || fld->type.kind == IDL_HANDLE))
		return fail_at(ps, &type_at,
			       "a struct field cannot be an array or a handle");
	name_at = ps->tok;
	ret = take_ident(ps, "a name", &fld->name);
	if (ret)
		return ret;
	if (is_reserved(fld->name))
		return fail_at(ps, &name_at, "\"%s\" is a reserved name",
			       fld->name);
	for (i = 0; i + 1 < f->n; i++)
		if (!strcmp(f->v[i].name, fld->name))
			return fail_at(ps, &name_at,
				       "\"%s\" is declared already", fld->name);
	if (!tok_is(&ps->tok, "since")) {
		if (f->n > 1 && f->v[f->n - 2].since)
			return fail_at(ps, &name_at,
				       "\"%s\" follows an argument added later: only trailing arguments may have \"since\"",
				       fld->name);
		return 0;
	}
	if (in_struct)
		return fail_at(ps, &ps->tok, "struct fields cannot have \"since\"");
	next(ps);
	name_at = ps->tok;
	ret = take_uint(ps, "a version", UINT32_MAX, &fld->since);
	if (ret)
		return ret;
	if (fld->since < 2 || fld->since > ps->itf->version)
		return fail_at(ps, &name_at,
			       "\"since\" must be from 2 to the interface's version %u",
			       ps->itf->version);
	return 0;
}

static int parse_args(struct parser *ps, struct idl_fields *f)
{
	int ret = expect(ps, "(");

	if (ret)
		return ret;
	if (tok_is(&ps->tok, ")")) {
		next(ps);
		return 0;
	}
	for (;;) {
		ret = parse_field(ps, f, false);
		if (ret)
			return ret;
		if (!tok_is(&ps->tok, ","))
			return expect(ps, ")");
		next(ps);
	}
}

/* The reply's arguments: a proxy takes both lists, so no name twice. */
static int parse_reply_args(struct parser *ps, struct idl_method *m)
{
	struct token at;
	size_t i;
	int ret;

	ret = expect(ps, "(");
	if (ret)
		return ret;
	while (!tok_is(&ps->tok, ")")) {
		if (m->out.n) {
			ret = expect(ps, ",");
			if (ret)
				return ret;
		}
		at = ps->tok;
		ret = parse_field(ps, &m->out, false);
		if (ret)
			return ret;
		for (i = 0; i < m->in.n; i++)
			if (!strcmp(m->in.v[i].name, m->out.v[m->out.n - 1].name))
				return fail_at(ps, &at,
					       "\"%s\" names a request argument already",
					       m->in.v[i].name);
	}
	next(ps);
	return 0;
}

static int parse_method(struct parser *ps, bool oneway)
{
	struct idl_interface *itf = ps->itf;
	struct idl_method *m;
	struct token name_at, code_at;
	size_t i;
	int ret;

	name_at = ps->tok;
	ret = check_new_name(ps, &name_at);
	if (ret)
		return ret;
	m = grow(itf->methods, itf->n_methods, sizeof(*m));
	if (!m)
		return -ENOMEM;
	itf->methods = m;
	m = &itf->methods[itf->n_methods++];
	m->oneway = oneway;
	ret = take_ident(ps, "a method name", &m->name);
	if (!ret)
		ret = parse_args(ps, &m->in);
	if (ret)
		return ret;
	if (ps->tok.kind == TOK_ARROW) {
		if (oneway)
			return fail_at(ps, &ps->tok,
				       "a oneway method has no reply");
		next(ps);
		ret = parse_reply_args(ps, m);
		if (ret)
			return ret;
	}
	ret = expect(ps, "=");
	if (ret)
		return ret;
	code_at = ps->tok;
	ret = take_uint(ps, "a method code", UINT32_MAX, &m->code);
	if (ret)
		return ret;
	if (!m->code || m->code >= FIRST_RESERVED_CODE)
		return fail_at(ps, &code_at,
			       "method codes are 1 to 0x%x (the rest are the library's)",
			       FIRST_RESERVED_CODE - 1);
	for (i = 0; i + 1 < itf->n_methods; i++)
		if (itf->methods[i].code == m->code)
			return fail_at(ps, &code_at,
				       "code %u is taken by \"%s\"", m->code,
				       itf->methods[i].name);
	return expect(ps, ";");
}

static int parse_error(struct parser *ps)
{
	struct idl_interface *itf = ps->itf;
	struct idl_error *e;
	struct token at;
	int ret;

	at = ps->tok;
	ret = check_new_name(ps, &at);
	if (ret)
		return ret;
	e = grow(itf->errors, itf->n_errors, sizeof(*e));
	if (!e)
		return -ENOMEM;
	itf->errors = e;
	e = &itf->errors[itf->n_errors++];
	ret = take_ident(ps, "an error name", &e->name);
	if (!ret)
		ret = expect(ps, "=");
	if (ret)
		return ret;
	at = ps->tok;
	ret = take_uint(ps, "an error value", INT32_MAX, &e->value);
	if (ret)
		return ret;
	if (!e->value)
		return fail_at(ps, &at, "an error is a status above 0");
	return expect(ps, ";");
}

static int parse_enum_value(struct parser *ps, struct idl_enum *en,
			    uint32_t *next_value)
{
	struct idl_enum_value *v;
	struct token at = ps->tok;
	size_t i;
	int ret;

	v = grow(en->values, en->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	en->values = v;
	v = &en->values[en->n++];
	ret = take_ident(ps, "an enum value", &v->name);
	if (ret)
		return ret;
	for (i = 0; i + 1 < en->n; i++)
		if (!strcmp(en->values[i].name, v->name))
			return fail_at(ps, &at, "\"%s\" is declared already",
				       v->name);
	v->value = *next_value;
	if (tok_is(&ps->tok, "=")) {
		next(ps);
		ret = take_uint(ps, "an enum value", UINT32_MAX, &v->value);
		if (ret)
			return ret;
	}
	*next_value = v->value + 1;
	return 0;
}

static int parse_enum(struct parser *ps)
{
	struct idl_interface *itf = ps->itf;
	struct idl_enum *en;
	uint32_t next_value = 0;
	int ret;

	ret = check_new_name(ps, &ps->tok);
	if (ret)
		return ret;
	en = grow(itf->enums, itf->n_enums, sizeof(*en));
	if (!en)
		return -ENOMEM;
	itf->enums = en;
	en = &itf->enums[itf->n_enums];
	ret = take_ident(ps, "an enum name", &en->name);
	itf->n_enums++;
	if (!ret)
		ret = expect(ps, "{");
	while (!ret) {
		ret = parse_enum_value(ps, en, &next_value);
		if (ret)
			return ret;
		if (tok_is(&ps->tok, ","))
			next(ps);
		if (tok_is(&ps->tok, "}"))
			break;
	}
	if (!ret)
		ret = expect(ps, "}");
	return ret;
}

static int parse_struct(struct parser *ps)
{
	struct idl_interface *itf = ps->itf;
	struct idl_struct *st;
	struct idl_fields fields = { 0 };
	char *name;
	int ret;

	ret = check_new_name(ps, &ps->tok);
	if (!ret)
		ret = take_ident(ps, "a struct name", &name);
	if (ret)
		return ret;
	ret = expect(ps, "{");
	/* The struct is declared after its fields: it cannot hold itself. */
	while (!ret && !tok_is(&ps->tok, "}")) {
		ret = parse_field(ps, &fields, true);
		if (!ret)
			ret = expect(ps, ";");
	}
	if (!ret && !fields.n)
		ret = fail_at(ps, &ps->tok, "a struct needs a field");
	st = ret ? NULL : grow(itf->structs, itf->n_structs, sizeof(*st));
	if (!ret && !st)
		ret = -ENOMEM;
	if (ret) {
		free_fields(&fields);
		free(name);
		return ret;
	}
	itf->structs = st;
	st[itf->n_structs].name = name;
	st[itf->n_structs++].fields = fields;
	return expect(ps, "}");
}

static int parse_decl(struct parser *ps)
{
	char buf[64];

	if (tok_is(&ps->tok, "method")) {
		next(ps);
		return parse_method(ps, false);
	}
	if (tok_is(&ps->tok, "oneway")) {
		next(ps);
		if (!tok_is(&ps->tok, "method"))
			return expect(ps, "method");
		next(ps);
		return parse_method(ps, true);
	}
	if (tok_is(&ps->tok, "error")) {
		next(ps);
		return parse_error(ps);
	}
	if (tok_is(&ps->tok, "enum")) {
		next(ps);
		return parse_enum(ps);
	}
	if (tok_is(&ps->tok, "struct")) {
		next(ps);
		return parse_struct(ps);
	}
	return fail_at(ps, &ps->tok,
		       "expected method, oneway, error, enum, struct or \"}\", found %s",
		       tok_desc(&ps->tok, buf, sizeof(buf)));
}

/* interface NAME version N { DECL... } */
static int parse_interface(struct parser *ps)
{
	struct token at;
	char buf[64];
	int ret;

	ret = expect(ps, "interface");
	if (!ret)
		ret = take_dotted(ps, "an interface name", &ps->itf->name);
	if (!ret)
		ret = expect(ps, "version");
	at = ps->tok;
	if (!ret)
		ret = take_uint(ps, "a version", UINT32_MAX, &ps->itf->version);
	if (!ret && !ps->itf->version)
		ret = fail_at(ps, &at, "versions start at 1");
	if (!ret)
		ret = expect(ps, "{");
	while (!ret && !tok_is(&ps->tok, "}")) {
		if (ps->tok.kind == TOK_EOF)
			return fail_at(ps, &ps->tok, "expected \"}\", found %s",
				       tok_desc(&ps->tok, buf, sizeof(buf)));
		ret = parse_decl(ps);
	}
	if (!ret)
		ret = expect(ps, "}");
	if (!ret && tok_is(&ps->tok, ";"))
		next(ps);
	if (!ret && ps->tok.kind != TOK_EOF)
		ret = fail_at(ps, &ps->tok, "expected the end of the file, found %s",
			      tok_desc(&ps->tok, buf, sizeof(buf)));
	return ret;
}

int idl_parse(const char *file, const char *text,
	      struct idl_interface **out, char *err, size_t errlen)
{
	struct parser ps = { .file = file, .err = err, .errlen = errlen };
	int ret;

	if (errlen)
		err[0] = '\0';
	ps.itf = calloc(1, sizeof(*ps.itf));
	if (!ps.itf)
		return -ENOMEM;
	ps.itf->text = strdup(text);
	if (!ps.itf->text) {
		idl_free(ps.itf);
		return -ENOMEM;
	}
	lex_init(&ps.lx, text);
	next(&ps);
	ret = parse_interface(&ps);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", file);
	if (ret) {
		idl_free(ps.itf);
		return ret;
	}
	*out = ps.itf;
	return 0;
}

void idl_free(struct idl_interface *itf)
{
	size_t i, j;

	if (!itf)
		return;
	for (i = 0; i < itf->n_errors; i++)
		free(itf->errors[i].name);
	for (i = 0; i < itf->n_enums; i++) {
		for (j = 0; j < itf->enums[i].n; j++)
			free(itf->enums[i].values[j].name);
		free(itf->enums[i].values);
		free(itf->enums[i].name);
	}
	for (i = 0; i < itf->n_structs; i++) {
		free_fields(&itf->structs[i].fields);
		free(itf->structs[i].name);
	}
	for (i = 0; i < itf->n_methods; i++) {
		free_fields(&itf->methods[i].in);
		free_fields(&itf->methods[i].out);
		free(itf->methods[i].name);
	}
	free(itf->errors);
	free(itf->enums);
	free(itf->structs);
	free(itf->methods);
	free(itf->name);
	free(itf->text);
	free(itf);
}

const struct idl_method *idl_find_method(const struct idl_interface *itf,
					 const char *name)
{
	size_t i;

	for (i = 0; i < itf->n_methods; i++)
		if (!strcmp(itf->methods[i].name, name))
			return &itf->methods[i];
	return NULL;
}
