/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * Helpers for the libsipc unit tests that need /dev/sipc: forked helper
 * processes that die with the test, and a test server built on libsipc
 * itself, serving as handle 0 (the codes below).
 */
#ifndef CHECK_SIPC_H
#define CHECK_SIPC_H

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sipc.h>

enum {
	T_ECHO = 1,	/* string, i32 -> string, i32 + 1 */
	T_STATUS,	/* i32 -> that status */
	T_SLEEP,	/* u32 ms -> status: threads busy at once meanwhile */
	T_STATS,	/* -> u32 most busy at once, u32 one-ways, u32 released */
	T_ONEWAY,	/* one-way: counted */
	T_CALLBACK,	/* handle, i32 -> calls it with T_ECHO, i32 + 1 */
	T_KEEP,		/* handle -> kept */
	T_DROP,		/* -> the kept handle dropped */
	T_GIVE,		/* -> a handle to a second node of ours */
	T_DESTROY,	/* -> the second node destroyed */
	T_EXIT,		/* -> replies, then the server exits */
	T_TID,		/* -> i32 the serving thread's id */
	T_KEPT,		/* -> the kept handle */
	T_BYTES,	/* bytes, i32 -> the bytes (by reference), i32 + 1 */
	T_SECCTX,	/* -> the caller's security context, or -ENODATA */
};

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fork @fn(@arg) as a helper that dies with us; its exit code is fn's. */
static inline pid_t helper(int (*fn)(void *), void *arg)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(99);
		_exit(fn(arg));
	}
	return pid;
}

/* Exit code, 128 + signal, or -1 if it did not end within @ms. */
static inline int reap(pid_t pid, int ms)
{
	int status, i;

	for (i = 0; i < ms; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) :
						   128 + WTERMSIG(status);
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* ---- the test server ---- */

static struct {
	struct sipc *s;
	struct sipc_node *second;
	struct sipc_handle *kept;
	atomic_int busy, max_busy, oneways, released;
	unsigned int threads;
	bool no_threads;	/* the server cannot start any thread */
} ts;

static inline void ts_released(struct sipc_node *n)
{
	ts.released++;
}

static inline int ts_handle(struct sipc_node *node, const struct sipc_txn *txn,
			    struct sipc_parcel *reply)
{
	struct sipc_parcel *req = txn->request, *out;
	struct sipc_handle *h;
	const char *str;
	const void *bytes;
	size_t len;
	int32_t i;
	uint32_t ms;
	int b, m, ret;

	switch (txn->code) {
	case T_ECHO:
		if (sipc_parcel_get_string(req, &str, NULL) ||
		    sipc_parcel_get_i32(req, &i))
			return -EBADMSG;
		sipc_parcel_put_string(reply, str);
		return sipc_parcel_put_i32(reply, i + 1);
	case T_SECCTX:
		if (!txn->sender_secctx)
			return -ENODATA;
		return sipc_parcel_put_string(reply, txn->sender_secctx);
	case T_BYTES:
		/* The reply refers into the request's buffer: it must live. */
		if (sipc_parcel_get_bytes(req, &bytes, &len) ||
		    sipc_parcel_get_i32(req, &i))
			return -EBADMSG;
		sipc_parcel_put_bytes_ref(reply, bytes, len);
		return sipc_parcel_put_i32(reply, i + 1);
	case T_STATUS:
		return sipc_parcel_get_i32(req, &i) ? -EBADMSG : i;
	case T_SLEEP:
		if (sipc_parcel_get_u32(req, &ms))
			return -EBADMSG;
		b = ++ts.busy;
		m = ts.max_busy;
		while (b > m && !atomic_compare_exchange_weak(&ts.max_busy,
							      &m, b))
			;
		usleep(ms * 1000);
		ts.busy--;
		return b;
	case T_STATS:
		sipc_parcel_put_u32(reply, ts.max_busy);
		sipc_parcel_put_u32(reply, ts.oneways);
		return sipc_parcel_put_u32(reply, ts.released);
	case T_ONEWAY:
		ts.oneways++;
		return 0;
	case T_CALLBACK:
		if (sipc_parcel_get_handle(req, &h) ||
		    sipc_parcel_get_i32(req, &i))
			return -EBADMSG;
		out = sipc_parcel_new();
		sipc_parcel_put_string(out, "back");
		sipc_parcel_put_i32(out, i);
		ret = sipc_call(h, T_ECHO, out, out);
		if (!ret)
			ret = sipc_parcel_get_string(out, &str, NULL);
		if (!ret)
			ret = sipc_parcel_get_i32(out, &i);
		if (!ret)
			ret = sipc_parcel_put_i32(reply, i + 1);
		sipc_parcel_free(out);
		sipc_handle_put(h);
		return ret;
	case T_KEEP:
		sipc_handle_put(ts.kept);
		ts.kept = NULL;
		return sipc_parcel_get_handle(req, &ts.kept) ? -EBADMSG : 0;
	case T_DROP:
		sipc_handle_put(ts.kept);
		ts.kept = NULL;
		return 0;
	case T_GIVE:
		return sipc_parcel_put_node(reply, ts.second);
	case T_DESTROY:
		ret = sipc_node_destroy(ts.second);
		ts.second = NULL;
		return ret;
	case T_EXIT:
		sipc_stop(ts.s);
		return 0;
	case T_KEPT:
		return ts.kept ? sipc_parcel_put_handle(reply, ts.kept) :
				 -ENOENT;
	case T_TID:
		return sipc_parcel_put_i32(reply, (int32_t)syscall(SYS_gettid));
	}
	return -EOPNOTSUPP;
}

static inline int ts_main(void *arg)
{
	struct sipc_node *mgr;
	int *ready = arg, ret, i;

	if (sipc_open(NULL, SIPC_AREA_MIN_SIZE * 4, &ts.s))
		return 10;
	/* The last test's server may still be on its way out. */
	for (i = 0; i < 200; i++) {
		ret = sipc_node_create(ts.s, ts_handle, NULL,
				       SIPC_NODE_CONTEXT_MANAGER |
				       SIPC_NODE_SECCTX, &mgr);
		if (ret != -EBUSY)
			break;
		usleep(10000);
	}
	if (ret || sipc_node_create(ts.s, ts_handle, NULL, 0, &ts.second))
		return 11;
	/* Handle 0 takes channels (check_channel.c); the second does not. */
	if (sipc_node_serve_channels(mgr, NULL))
		return 16;
	sipc_node_on_released(ts.second, ts_released);
	if (ts.threads && sipc_set_max_threads(ts.s, ts.threads))
		return 12;
	if (ts.no_threads) {
		/* No process limit binds root: run as nobody, at zero. */
		struct rlimit none = { 0, 0 };

		if (setrlimit(RLIMIT_NPROC, &none) ||
		    setresuid(65534, 65534, 65534))
			return 15;
	}
	if (write(ready[1], "r", 1) != 1)
		return 13;
	ret = sipc_loop(ts.s);
	sipc_handle_put(ts.kept);
	sipc_close(ts.s);
	return ret ? 14 : 0;
}

/* Start the test server as handle 0, with up to @threads pool threads. */
static inline pid_t ts_start(unsigned int threads)
{
	int ready[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	ts.threads = threads;
	pid = helper(ts_main, ready);
	ck_assert_int_gt(pid, 0);
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

/* Ask it to exit; check that it did, cleanly. */
static inline void ts_stop(struct sipc *s, pid_t pid)
{
	ck_assert_int_eq(sipc_call(sipc_context_manager(s), T_EXIT, NULL,
				   NULL), 0);
	ck_assert_int_eq(reap(pid, 5000), 0);
}

#endif /* CHECK_SIPC_H */
