// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-idl's lexer. Positions are 1-based lines and columns, counted in
 * bytes, so that an editor's "go to line:col" lands on the token.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "lex.h"

void lex_init(struct lexer *lx, const char *text)
{
	lx->p = text;
	lx->line = 1;
	lx->col = 1;
}

static void advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static bool at_comment(const struct lexer *lx)
{
	return lx->p[0] == '#' || (lx->p[0] == '/' && lx->p[1] == '/');
}

static void skip_space(struct lexer *lx)
{
	for (;;) {
		if (isspace((unsigned char)*lx->p)) {
			advance(lx);
		} else if (at_comment(lx)) {
			while (*lx->p && *lx->p != '\n')
				advance(lx);
		} else {
			return;
		}
	}
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Decimal or 0x hexadecimal; letters glued to a number make it bad. */
static void lex_int(struct lexer *lx, struct token *t)
{
	unsigned int base = 10, digit;
	uint64_t v = 0;

	if (lx->p[0] == '0' && (lx->p[1] == 'x' || lx->p[1] == 'X') &&
	    isxdigit((unsigned char)lx->p[2])) {
		base = 16;
		advance(lx);
		advance(lx);
	}
	while (isxdigit((unsigned char)*lx->p)) {
		char c = (char)tolower((unsigned char)*lx->p);

		digit = isdigit((unsigned char)c) ? (unsigned int)(c - '0') :
			(unsigned int)(c - 'a' + 10);
		if (digit >= base)
			break;
		if (v > (UINT64_MAX - digit) / base)
			t->overflow = true;
		v = v * base + digit;
		advance(lx);
	}
	t->kind = TOK_INT;
	t->value = v;
	if (!is_ident_char(*lx->p))
		return;
	/* 12x: one bad token, shown whole. */
	t->kind = TOK_BAD;
	while (is_ident_char(*lx->p))
		advance(lx);
}

void lex_next(struct lexer *lx, struct token *t)
{
	skip_space(lx);
	memset(t, 0, sizeof(*t));
	t->start = lx->p;
	t->line = lx->line;
	t->col = lx->col;
	if (!*lx->p) {
		t->kind = TOK_EOF;
	} else if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
		t->kind = TOK_IDENT;
		while (is_ident_char(*lx->p))
			advance(lx);
	} else if (isdigit((unsigned char)*lx->p)) {
		lex_int(lx, t);
	} else if (lx->p[0] == '-' && lx->p[1] == '>') {
		t->kind = TOK_ARROW;
		advance(lx);
		advance(lx);
	} else if (strchr("{}()<>[];,=.", *lx->p)) {
		t->kind = TOK_PUNCT;
		advance(lx);
	} else {
		t->kind = TOK_BAD;
		advance(lx);
	}
	t->len = (size_t)(lx->p - t->start);
}
