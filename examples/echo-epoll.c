// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * An event-loop client of the echo service on plain epoll: N calls sent
 * asynchronously from this one thread, all outstanding at once, their
 * replies printed as sipc_dispatch() runs their callbacks.
 *
 *   sipc-echo-epoll [-c CALLS]
 *
 * Build: cc echo-epoll.c $(pkg-config --cflags --libs libsipc)
 */
#include <errno.h>
#include <sys/epoll.h>

#include "echo-async.h"

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct echo_async ea = { 0 };
	int n = echo_async_count(argc, argv), ep, ret;

	if (echo_async_start(&ea, "echo-epoll", n))
		return 1;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sipc_fd(ea.dev), &ev)) {
		perror("echo-epoll: epoll");
		return 1;
	}
	while (!echo_async_finished(&ea)) {
		/* Woken by a reply, or when the earliest call times out. */
		ret = epoll_wait(ep, &ev, 1, sipc_next_timeout(ea.dev));
		if (ret < 0 && errno != EINTR) {
			perror("echo-epoll: epoll_wait");
			break;
		}
		ret = sipc_dispatch(ea.dev);
		if (ret < 0) {
			fprintf(stderr, "echo-epoll: dispatch: %s\n",
				sipc_strerror(ret));
			break;
		}
	}
	close(ep);
	return echo_async_end(&ea);
}
