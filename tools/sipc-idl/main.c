// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-idl: check an interface file and write its C header and source.
 *
 *   sipc-idl [-p PREFIX] [-H HEADER] [-C SOURCE] FILE.idl
 *
 * Without -H and -C it only checks the file. The prefix of every C name
 * defaults to the interface's name with dots as underscores.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idl.h"
#include "wrap.h"

static char *read_file(const char *path)
{
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap), *nbuf;
	FILE *f = fopen(path, "r");

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len > 1)
			continue;
		cap *= 2;
		nbuf = realloc(buf, cap);
		if (!nbuf) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = nbuf;
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int write_out(const char *path, const struct idl_interface *itf,
		     const char *prefix, const char *other, bool header)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem, *f;
	int ret;

	/* Written whole first, then wrapped: the emitters think in lines. */
	mem = open_memstream(&text, &len);
	if (!mem)
		return 1;
	ret = header ? idl_emit_header(mem, itf, prefix, other) :
		       idl_emit_source(mem, itf, prefix, other);
	if (fclose(mem) || ret) {
		free(text);
		return 1;
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "sipc-idl: %s: %s\n", path, strerror(errno));
		free(text);
		return 1;
	}
	wrap_write(f, text);
	free(text);
	if (fclose(f)) {
		fprintf(stderr, "sipc-idl: %s: write failed\n", path);
		unlink(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *header = NULL, *source = NULL, *prefix = NULL;
	struct idl_interface *itf;
	char err[512], *text, *def_prefix, *s;
	int opt, ret;

	while ((opt = getopt(argc, argv, "p:H:C:")) != -1) {
		if (opt == 'p')
			prefix = optarg;
		else if (opt == 'H')
			header = optarg;
		else if (opt == 'C')
			source = optarg;
		else
			goto usage;
	}
	if (optind != argc - 1 || (source && !header))
		goto usage;
	text = read_file(argv[optind]);
	if (!text) {
		fprintf(stderr, "sipc-idl: %s: %s\n", argv[optind],
			strerror(errno ? errno : ENOMEM));
		return 1;
	}
	ret = idl_parse(argv[optind], text, &itf, err, sizeof(err));
	free(text);
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	def_prefix = strdup(itf->name);
	for (s = def_prefix; s && *s; s++)
		if (*s == '.')
			*s = '_';
	if (!prefix)
		prefix = def_prefix;
	ret = 0;
	if (header)
		ret = write_out(header, itf, prefix, base_name(argv[optind]), true);
	if (!ret && source)
		ret = write_out(source, itf, prefix, base_name(header), false);
	free(def_prefix);
	idl_free(itf);
	return ret;
usage:
	fprintf(stderr, "usage: sipc-idl [-p PREFIX] [-H HEADER [-C SOURCE]] FILE.idl\n");
	return 2;
}
