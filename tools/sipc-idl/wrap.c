// SPDX-License-Identifier: GPL-2.0
/*
 * Line wrapping for the generated C: a line wider than 80 columns breaks
 * after the commas of its argument list, continuation lines aligned with
 * the list's opening parenthesis, as the kernel's style (and people) do.
 * Lines holding a string literal are left alone: breaking one would
 * change it.
 */
#include <string.h>

#include "wrap.h"

#define WRAP_COLUMNS	80

static size_t width_of(const char *s, size_t n, size_t col)
{
	size_t i;

	for (i = 0; i < n; i++)
		col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

/* The '(' that opens the list: the last one before the first ", ". */
static const char *list_open(const char *line, size_t len)
{
	const char *comma = memmem(line, len, ", ", 2);
	const char *open = NULL, *s;

	if (!comma)
		return NULL;
	for (s = line; s < comma; s++)
		if (*s == '(')
			open = s;
	return open;
}

static void indent_to(FILE *out, size_t col)
{
	size_t i;

	for (i = 0; i < col / 8; i++)
		fputc('\t', out);
	for (i = 0; i < col % 8; i++)
		fputc(' ', out);
}

static void wrap_line(FILE *out, const char *line, size_t len)
{
	const char *open = list_open(line, len), *s, *piece, *comma;
	size_t col, indent;

	if (width_of(line, len, 0) <= WRAP_COLUMNS || !open ||
	    memchr(line, '"', len)) {
		fwrite(line, 1, len, out);
		return;
	}
	indent = width_of(line, (size_t)(open - line) + 1, 0);
	fwrite(line, 1, (size_t)(open - line) + 1, out);
	col = indent;
	s = open + 1;
	while (s < line + len) {
		piece = s;
		comma = memmem(s, (size_t)(line + len - s), ", ", 2);
		s = comma ? comma + 1 : line + len;
		if (col > indent &&
		    width_of(piece, (size_t)(s - piece), col) > WRAP_COLUMNS) {
			fputc('\n', out);
			indent_to(out, indent);
			col = indent;
			if (*piece == ' ')
				piece++;
		}
		fwrite(piece, 1, (size_t)(s - piece), out);
		col = width_of(piece, (size_t)(s - piece), col);
	}
}

void wrap_write(FILE *out, const char *text)
{
	const char *nl;

	while (*text) {
		nl = strchr(text, '\n');
		if (!nl)
			nl = text + strlen(text);
		wrap_line(out, text, (size_t)(nl - text));
		if (*nl)
			fputc('\n', out);
		text = *nl ? nl + 1 : nl;
	}
}
