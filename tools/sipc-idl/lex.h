/* SPDX-License-Identifier: GPL-2.0 */
/* sipc-idl's lexer: identifiers, integers, punctuation, with positions. */
#ifndef SIPC_IDL_LEX_H
#define SIPC_IDL_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tok_kind {
	TOK_EOF,
	TOK_IDENT,
	TOK_INT,
	TOK_ARROW,	/* -> */
	TOK_PUNCT,	/* one of { } ( ) < > [ ] ; , = . */
	TOK_BAD,	/* a character the language does not use */
};

struct token {
	enum tok_kind kind;
	const char *start;
	size_t len;
	uint64_t value;		/* TOK_INT */
	bool overflow;		/* TOK_INT too large for 64 bits */
	int line, col;
};

struct lexer {
	const char *p;
	int line, col;
};

void lex_init(struct lexer *lx, const char *text);
/* The next token; comments (# or // to the end of the line) are skipped. */
void lex_next(struct lexer *lx, struct token *t);

#endif /* SIPC_IDL_LEX_H */
