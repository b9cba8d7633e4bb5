/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * What the three event-loop clients of the echo service share
 * (echo-epoll.c, echo-glib.c, echo-sdevent.c): finding the service, and
 * sending it N ECHO_ADD calls asynchronously, all outstanding at once,
 * whose callbacks print and check the replies. Each client only drives
 * the completions from its own event loop: it polls sipc_fd() for input,
 * wakes by sipc_next_timeout() at the latest, and runs sipc_dispatch().
 */
#ifndef SIPC_EXAMPLE_ECHO_ASYNC_H
#define SIPC_EXAMPLE_ECHO_ASYNC_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <sipc.h>

#include "echo.h"

/* A call's whole time, in milliseconds: a stuck service fails the run. */
#define ECHO_ASYNC_TIMEOUT_MS	10000
#define ECHO_ASYNC_ADDEND	1000

struct echo_async {
	const char *who;	/* the program, for its messages */
	struct sipc *dev;
	struct sipc_handle *echo;
	int sent, done, failed;
	struct timespec start;	/* before the first send */
};

static inline double echo_async_elapsed_ms(const struct echo_async *ea)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - ea->start.tv_sec) * 1e3 +
	       (now.tv_nsec - ea->start.tv_nsec) / 1e6;
}

/* One call's callback data. */
struct echo_call {
	struct echo_async *ea;
	int index;
};

static inline void echo_async_reply(struct sipc_pending *call, int status,
				    struct sipc_parcel *reply, void *data)
{
	struct echo_call *c = data;
	struct echo_async *ea = c->ea;
	int i = c->index;
	int32_t sum = 0;

	if (!status && reply)
		status = sipc_parcel_get_i32(reply, &sum);
	if (status || sum != i + ECHO_ASYNC_ADDEND) {
		fprintf(stderr, "%s: call %d: %s\n", ea->who, i,
			status ? sipc_strerror(status) : "wrong sum");
		ea->failed++;
	} else {
		printf("%s: call %d: %d + %d = %d\n", ea->who, i, i,
		       ECHO_ASYNC_ADDEND, sum);
	}
	free(c);
	ea->done++;
}

/* Every call ended (the client's loop stops then). */
static inline bool echo_async_finished(const struct echo_async *ea)
{
	return ea->done == ea->sent;
}

/*
 * Open the device, find the service (waiting for it up to five seconds)
 * and send @n calls without waiting for any. 0, or 1 with a message.
 */
static inline int echo_async_start(struct echo_async *ea, const char *who,
				   int n)
{
	struct sipc_parcel *req;
	int ret, i;

	ea->who = who;
	ret = sipc_open(NULL, 0, &ea->dev);
	if (!ret)
		ret = sipc_registry_get(ea->dev, ECHO_NAME, 5000, &ea->echo);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", who, ECHO_NAME,
			sipc_strerror(ret));
		return 1;
	}
	req = sipc_parcel_new();
	clock_gettime(CLOCK_MONOTONIC, &ea->start);
	for (i = 0; i < n; i++) {
		struct echo_call *c = malloc(sizeof(*c));

		if (!c)
			break;
		c->ea = ea;
		c->index = i;
		sipc_parcel_reset(req);
		sipc_parcel_put_i32(req, i);
		sipc_parcel_put_i32(req, ECHO_ASYNC_ADDEND);
		ret = sipc_call_async(ea->echo, ECHO_ADD, req,
				      ECHO_ASYNC_TIMEOUT_MS, echo_async_reply,
				      c, NULL);
		if (ret) {
			fprintf(stderr, "%s: call %d: %s\n", who, i,
				sipc_strerror(ret));
			free(c);
			break;
		}
		ea->sent++;
	}
	sipc_parcel_free(req);
	printf("%s: %d calls outstanding, sent in %.1f ms\n", who, ea->sent,
	       echo_async_elapsed_ms(ea));
	return ea->sent == n ? 0 : 1;
}

/* Close everything; the exit status: 0 if every call came back right. */
static inline int echo_async_end(struct echo_async *ea)
{
	double ms = echo_async_elapsed_ms(ea);

	printf("%s: %d of %d calls answered right in %.1f ms (%.1f us a call)\n",
	       ea->who, ea->done - ea->failed, ea->sent, ms,
	       ea->sent ? ms * 1e3 / ea->sent : 0.0);
	sipc_handle_put(ea->echo);
	sipc_close(ea->dev);
	return ea->failed || !echo_async_finished(ea);
}

/* "-c N": how many calls; 100 by default. */
static inline int echo_async_count(int argc, char **argv)
{
	int opt, n = 100;

	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt != 'c' || atoi(optarg) <= 0) {
			fprintf(stderr, "usage: %s [-c CALLS]\n", argv[0]);
			exit(2);
		}
		n = atoi(optarg);
	}
	return n;
}

#endif /* SIPC_EXAMPLE_ECHO_ASYNC_H */
