// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * An example sipc client: it finds "demo.echo" in the registry (waiting
 * for it up to five seconds), calls it twice and checks the replies.
 *
 *   sipc-echo-client [-n NAME] [TEXT]
 *
 * Build: cc echo-client.c $(pkg-config --cflags --libs libsipc)
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sipc.h>

#include "echo.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, "echo-client: %s: %s\n", what, sipc_strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	const char *name = ECHO_NAME, *text = "hello through the sipc registry";
	struct sipc_parcel *req, *reply;
	struct sipc_handle *echo;
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
	ret = sipc_registry_get(dev, name, 5000, &echo);
	if (ret)
		return fail(name, ret);
	printf("echo-client: \"%s\" is handle %u here\n", name,
	       sipc_handle_id(echo));

	/* One parcel for requests and one for replies, reused. */
	req = sipc_parcel_new();
	reply = sipc_parcel_new();
	sipc_parcel_put_string(req, text);
	ret = sipc_call(echo, ECHO_UPPER, req, reply);
	if (ret)
		return fail("upper", ret);
	ret = sipc_parcel_get_string(reply, &upper, NULL);
	if (ret)
		return fail("upper: reply", ret);
	printf("echo-client: sent \"%s\", got \"%s\"\n", text, upper);
	for (i = 0; text[i]; i++)
		if (upper[i] != toupper((unsigned char)text[i]))
			return fail("upper", -EBADMSG);

	sipc_parcel_reset(req);
	sipc_parcel_put_i32(req, 40);
	sipc_parcel_put_i32(req, 2);
	ret = sipc_call(echo, ECHO_ADD, req, reply);
	if (!ret)
		ret = sipc_parcel_get_i32(reply, &sum);
	if (ret)
		return fail("add", ret);
	printf("echo-client: 40 + 2 = %d\n", sum);

	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	sipc_handle_put(echo);
	sipc_close(dev);
	return sum == 42 ? 0 : 1;
}
