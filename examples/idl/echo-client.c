// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * The echo client written with sipc-idl: each call is one typed function
 * of the generated proxy, demo_echo_upper(echo, text, &upper).
 *
 *   sipc-idl-echo-client [-n NAME] [TEXT]
 *
 * Build: sipc-idl -H echo-idl.h -C echo-idl.c echo.idl
 *        cc echo-client.c echo-idl.c $(pkg-config --cflags --libs libsipc)
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <sipc.h>

#include "echo-idl.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, "idl-echo-client: %s: %s\n", what,
		err > 0 ? "the service's own error" : sipc_strerror(err));
	return 1;
}

/*
 * Ask for a code the interface does not have, as a newer client asks an
 * older service: a generated service says SIPC_E_UNKNOWN_CODE ("invalid
 * request code"); the hand-written one, -EOPNOTSUPP.
 */
static void show_unknown_code(struct demo_echo *echo)
{
	int ret = sipc_call(demo_echo_handle(echo), 99, NULL, NULL);

	printf("idl-echo-client: code 99: %s\n", sipc_strerror(ret));
}

int main(int argc, char **argv)
{
	const char *name = "demo.echo", *text = "hello through sipc-idl";
	struct sipc_handle *h;
	struct demo_echo *echo;
	const char *upper;
	struct sipc *dev;
	int32_t sum;
	int opt, ret;
	size_t i;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			fprintf(stderr, "usage: %s [-n NAME] [TEXT]\n", argv[0]);
			return 2;
		}
		name = optarg;
	}
	if (optind < argc)
		text = argv[optind];

	ret = sipc_open(NULL, 0, &dev);
	if (ret)
		return fail("open", ret);
	ret = sipc_registry_get(dev, name, 5000, &h);
	if (ret)
		return fail(name, ret);
	ret = demo_echo_open(h, &echo);
	sipc_handle_put(h);
	if (ret)
		return fail("client", ret);

	ret = demo_echo_upper(echo, text, &upper);
	if (ret)
		return fail("upper", ret);
	printf("idl-echo-client: sent \"%s\", got \"%s\"\n", text, upper);
	for (i = 0; text[i]; i++)
		if (upper[i] != toupper((unsigned char)text[i]))
			return fail("upper", -EBADMSG);

	ret = demo_echo_add(echo, 40, 2, &sum);
	if (ret)
		return fail("add", ret);
	printf("idl-echo-client: 40 + 2 = %d\n", sum);
	if (sum != 42)
		return fail("add", -EBADMSG);

	show_unknown_code(echo);
	demo_echo_close(echo);
	sipc_close(dev);
	return 0;
}
