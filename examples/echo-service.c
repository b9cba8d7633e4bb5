// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * An example sipc service: it creates a node, publishes it in the registry
 * as "demo.echo" and serves two calls (see echo.h) until SIGTERM.
 *
 *   sipc-echo-service [-n NAME] [-t THREADS]
 *
 * Build: cc echo-service.c $(pkg-config --cflags --libs libsipc)
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sipc.h>

#include "echo.h"

static struct sipc *dev;

/* One call: read the request in place, write the reply, return a status. */
static int echo(struct sipc_node *node, const struct sipc_txn *txn,
		struct sipc_parcel *reply)
{
	const char *in;
	char out[4096];
	int32_t a, b;
	size_t i, len;

	switch (txn->code) {
	case ECHO_UPPER:
		if (sipc_parcel_get_string(txn->request, &in, &len) ||
		    len >= sizeof(out))
			return -EINVAL;
		for (i = 0; i <= len; i++)
			out[i] = (char)toupper((unsigned char)in[i]);
		return sipc_parcel_put_string(reply, out);
	case ECHO_ADD:
		if (sipc_parcel_get_i32(txn->request, &a) ||
		    sipc_parcel_get_i32(txn->request, &b))
			return -EINVAL;
		return sipc_parcel_put_i32(reply, a + b);
	}
	return -EOPNOTSUPP;
}

static void on_signal(int sig)
{
	sipc_stop(dev);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *name = ECHO_NAME;
	struct sipc_node *node;
	int opt, threads = 0, ret;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		if (opt == 'n') {
			name = optarg;
		} else if (opt == 't') {
			threads = atoi(optarg);
		} else {
			fprintf(stderr, "usage: %s [-n NAME] [-t THREADS]\n",
				argv[0]);
			return 2;
		}
	}
	ret = sipc_open(NULL, 0, &dev);
	if (ret) {
		fprintf(stderr, "echo-service: open: %s\n", sipc_strerror(ret));
		return 1;
	}
	ret = sipc_node_create(dev, echo, NULL, 0, &node);
	if (!ret)
		ret = sipc_registry_add(dev, name, node);
	if (!ret && threads > 0)
		ret = sipc_set_max_threads(dev, threads);
	if (ret) {
		fprintf(stderr, "echo-service: register \"%s\": %s\n", name,
			sipc_strerror(ret));
		sipc_close(dev);
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("echo-service: pid %d serves \"%s\"\n", (int)getpid(), name);
	fflush(stdout);

	ret = sipc_loop(dev);
	sipc_node_destroy(node);
	sipc_close(dev);
	printf("echo-service: stopped\n");
	return ret ? 1 : 0;
}
