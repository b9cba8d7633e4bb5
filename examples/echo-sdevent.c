// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * An event-loop client of the echo service on systemd's sd-event: N calls
 * sent asynchronously from this one thread, all outstanding at once, their
 * replies printed as an I/O source on sipc_fd() runs sipc_dispatch(). A
 * time source, set again before each wait, wakes the loop when the
 * earliest call's timeout (sipc_next_timeout()) is due.
 *
 *   sipc-echo-sdevent [-c CALLS]
 *
 * Build: cc echo-sdevent.c $(pkg-config --cflags --libs libsipc libsystemd)
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-event.h>

#include "echo-async.h"

struct client {
	struct echo_async ea;
	sd_event_source *timer;
};

static int dispatch(sd_event_source *src, struct client *c)
{
	int ret = sipc_dispatch(c->ea.dev);

	if (ret < 0) {
		fprintf(stderr, "echo-sdevent: dispatch: %s\n",
			sipc_strerror(ret));
		return sd_event_exit(sd_event_source_get_event(src), 1);
	}
	if (echo_async_finished(&c->ea))
		return sd_event_exit(sd_event_source_get_event(src), 0);
	return 0;
}

static int on_readable(sd_event_source *src, int fd, uint32_t revents,
		       void *data)
{
	return dispatch(src, data);
}

static int on_due(sd_event_source *src, uint64_t usec, void *data)
{
	return dispatch(src, data);
}

/* Before each wait: the timer at the earliest deadline, or off. */
static int on_prepare(sd_event_source *src, void *data)
{
	struct client *c = data;
	int ms = sipc_next_timeout(c->ea.dev);
	uint64_t now;
	int ret;

	if (ms < 0)
		return sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
	ret = sd_event_now(sd_event_source_get_event(src), CLOCK_MONOTONIC,
			   &now);
	if (!ret)
		ret = sd_event_source_set_time(c->timer,
					       now + (uint64_t)ms * 1000);
	if (!ret)
		ret = sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
	return ret;
}

int main(int argc, char **argv)
{
	int n = echo_async_count(argc, argv), ret;
	struct client c = { 0 };
	sd_event_source *io;
	sd_event *loop;

	if (echo_async_start(&c.ea, "echo-sdevent", n))
		return 1;
	ret = sd_event_default(&loop);
	if (ret >= 0)
		ret = sd_event_add_io(loop, &io, sipc_fd(c.ea.dev), EPOLLIN,
				      on_readable, &c);
	if (!ret)
		ret = sd_event_add_time(loop, &c.timer, CLOCK_MONOTONIC,
					UINT64_MAX, 0, on_due, &c);
	if (!ret)
		ret = sd_event_source_set_prepare(io, on_prepare);
	if (ret < 0) {
		fprintf(stderr, "echo-sdevent: sd-event: %s\n",
			strerror(-ret));
		return 1;
	}
	if (!echo_async_finished(&c.ea))
		ret = sd_event_loop(loop);
	sd_event_source_unref(c.timer);
	sd_event_source_unref(io);
	sd_event_unref(loop);
	return echo_async_end(&c.ea) || ret;
}
