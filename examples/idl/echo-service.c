// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * The echo service written with sipc-idl: examples/echo-service.c without
 * a parcel or a switch in sight. The generated stubs read each request
 * into typed arguments and call the handler for its method; unknown
 * codes get SIPC_E_UNKNOWN_CODE, and sipcctl introspect gets echo.idl.
 *
 *   sipc-idl-echo-service [-n NAME]
 *
 * Build: sipc-idl -H echo-idl.h -C echo-idl.c echo.idl
 *        cc echo-service.c echo-idl.c $(pkg-config --cflags --libs libsipc)
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <sipc.h>

#include "echo-idl.h"

static struct sipc *dev;

static int upper(void *data, const struct sipc_txn *txn, const char *text,
		 struct sipc_parcel *reply)
{
	char out[4096];
	size_t i;

	for (i = 0; text[i]; i++) {
		if (i + 1 >= sizeof(out))
			return DEMO_ECHO_E_TOO_LONG;
		out[i] = (char)toupper((unsigned char)text[i]);
	}
	out[i] = '\0';
	return demo_echo_upper_reply(reply, out);
}

static int add(void *data, const struct sipc_txn *txn, int32_t a, int32_t b,
	       struct sipc_parcel *reply)
{
	return demo_echo_add_reply(reply, a + b);
}

static const struct demo_echo_handlers handlers = {
	.upper = upper,
	.add = add,
};

static void on_signal(int sig)
{
	sipc_stop(dev);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct demo_echo_server svc = { .handlers = &handlers };
	const char *name = "demo.echo";
	struct sipc_node *node;
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			fprintf(stderr, "usage: %s [-n NAME]\n", argv[0]);
			return 2;
		}
		name = optarg;
	}
	ret = sipc_open(NULL, 0, &dev);
	if (ret) {
		fprintf(stderr, "idl-echo-service: open: %s\n",
			sipc_strerror(ret));
		return 1;
	}
	ret = demo_echo_node_create(dev, &svc, 0, &node);
	if (!ret)
		ret = sipc_registry_add(dev, name, node);
	if (ret) {
		fprintf(stderr, "idl-echo-service: register \"%s\": %s\n", name,
			sipc_strerror(ret));
		sipc_close(dev);
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("idl-echo-service: pid %d serves \"%s\" (%s version %d)\n",
	       (int)getpid(), name, DEMO_ECHO_INTERFACE, DEMO_ECHO_VERSION);
	fflush(stdout);

	ret = sipc_loop(dev);
	sipc_node_destroy(node);
	sipc_close(dev);
	printf("idl-echo-service: stopped\n");
	return ret ? 1 : 0;
}
