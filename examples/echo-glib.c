// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * An event-loop client of the echo service on GLib's main loop: N calls
 * sent asynchronously from the main thread, all outstanding at once, their
 * replies printed from a GSource that watches sipc_fd(), wakes by
 * sipc_next_timeout() at the latest and runs sipc_dispatch().
 *
 *   sipc-echo-glib [-c CALLS]
 *
 * Build: cc echo-glib.c $(pkg-config --cflags --libs libsipc glib-2.0)
 */
#include <glib.h>
#include <glib-unix.h>

#include "echo-async.h"

/* A GSource for a struct sipc: readable, or an asynchronous call due. */
struct sipc_source {
	GSource source;
	struct sipc *dev;
	gpointer tag;		/* of sipc_fd() in the source's poll set */
};

static gboolean sipc_source_prepare(GSource *source, gint *timeout)
{
	struct sipc_source *ss = (struct sipc_source *)source;

	*timeout = sipc_next_timeout(ss->dev);
	return *timeout == 0;
}

static gboolean sipc_source_check(GSource *source)
{
	struct sipc_source *ss = (struct sipc_source *)source;

	return g_source_query_unix_fd(source, ss->tag) & G_IO_IN ||
	       sipc_next_timeout(ss->dev) == 0;
}

static gboolean sipc_source_dispatch(GSource *source, GSourceFunc callback,
				     gpointer data)
{
	struct sipc_source *ss = (struct sipc_source *)source;
	int ret = sipc_dispatch(ss->dev);

	if (ret < 0) {
		g_printerr("echo-glib: dispatch: %s\n", sipc_strerror(ret));
		return G_SOURCE_REMOVE;
	}
	return callback ? callback(data) : G_SOURCE_CONTINUE;
}

static GSourceFuncs sipc_source_funcs = {
	.prepare = sipc_source_prepare,
	.check = sipc_source_check,
	.dispatch = sipc_source_dispatch,
};

static GSource *sipc_source_new(struct sipc *dev)
{
	GSource *source = g_source_new(&sipc_source_funcs,
				       sizeof(struct sipc_source));
	struct sipc_source *ss = (struct sipc_source *)source;

	ss->dev = dev;
	ss->tag = g_source_add_unix_fd(source, sipc_fd(dev), G_IO_IN);
	return source;
}

struct client {
	struct echo_async ea;
	GMainLoop *loop;
};

/* After each dispatch: stop once every call ended. */
static gboolean after_dispatch(gpointer data)
{
	struct client *c = data;

	if (!echo_async_finished(&c->ea))
		return G_SOURCE_CONTINUE;
	g_main_loop_quit(c->loop);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	int n = echo_async_count(argc, argv);
	struct client c = { 0 };
	GSource *source;

	if (echo_async_start(&c.ea, "echo-glib", n))
		return 1;
	c.loop = g_main_loop_new(NULL, FALSE);
	source = sipc_source_new(c.ea.dev);
	g_source_set_callback(source, after_dispatch, &c, NULL);
	g_source_attach(source, NULL);
	if (!echo_async_finished(&c.ea))
		g_main_loop_run(c.loop);
	g_source_destroy(source);
	g_source_unref(source);
	g_main_loop_unref(c.loop);
	return echo_async_end(&c.ea);
}
