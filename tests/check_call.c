// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check), in the dev VM: calls and one-way sends, the
 * server loop, nested calls served by the waiting thread, the thread pool,
 * and stopping. The server is a forked process serving handle 0 with
 * libsipc (check_sipc.h). Without /dev/sipc the suite is empty.
 */
#include <stdio.h>

#include "check_fixture.h"

static void setup(void)
{
	fixture_open(SIPC_AREA_MIN_SIZE);
}

START_TEST(test_roundtrip_reuse)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	char text[3000];
	const char *str;
	int32_t v;
	int i;

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = 0;
	/*
	 * Far more than a 64 KiB area holds at once: every reply must go
	 * back to the driver (in the next call's own system call).
	 */
	for (i = 0; i < 2000; i++) {
		sipc_parcel_reset(req);
		sipc_parcel_put_string(req, text + i % 100);
		sipc_parcel_put_i32(req, i);
		ck_assert_int_eq(sipc_call(mgr, T_ECHO, req, reply), 0);
		ck_assert_int_eq(sipc_parcel_get_string(reply, &str, NULL), 0);
		ck_assert_str_eq(str, text + i % 100);
		ck_assert_int_eq(sipc_parcel_get_i32(reply, &v), 0);
		ck_assert_int_eq(v, i + 1);
		ck_assert_int_eq(sipc_parcel_get_i32(reply, &v), -ENODATA);
	}
	/* One parcel for both request and reply. */
	for (i = 0; i < 500; i++) {
		sipc_parcel_reset(req);
		sipc_parcel_put_string(req, "same");
		sipc_parcel_put_i32(req, i);
		ck_assert_int_eq(sipc_call(mgr, T_ECHO, req, req), 0);
		ck_assert_int_eq(sipc_parcel_get_string(req, &str, NULL), 0);
		ck_assert_str_eq(str, "same");
	}
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

/*
 * Bytes sent by reference arrive whole, between the items around them,
 * every time through a small area whose buffers the allocator reuses; a
 * reply that refers into its own request's buffer arrives intact (the
 * server frees that buffer after the reply's copy, not before it).
 */
START_TEST(test_bytes_by_reference)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	static unsigned char big[3 * SIPC_PARCEL_REF_MIN + 5];
	const void *got;
	size_t len, i;
	int32_t v;
	int n;

	for (n = 0; n < 300; n++) {
		for (i = 0; i < sizeof(big); i++)
			big[i] = (unsigned char)(i * 7 + n);
		len = sizeof(big) - n % 7;
		sipc_parcel_reset(req);
		sipc_parcel_put_bytes_ref(req, big, len);
		sipc_parcel_put_i32(req, n);
		ck_assert_int_eq(sipc_call(mgr, T_BYTES, req, reply), 0);
		ck_assert_int_eq(sipc_parcel_get_bytes(reply, &got, &i), 0);
		ck_assert_uint_eq(i, len);
		ck_assert_mem_eq(got, big, len);
		ck_assert_int_eq(sipc_parcel_get_i32(reply, &v), 0);
		ck_assert_int_eq(v, n + 1);
	}
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
}
END_TEST

/* What this thread runs as per its LSM, without the newline; or -1. */
static int own_secctx(char *buf, size_t len)
{
	FILE *f = fopen("/proc/thread-self/attr/current", "re");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok ? 0 : -1;
}

/* A node made with SIPC_NODE_SECCTX sees each caller's context. */
START_TEST(test_sender_secctx)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	const char *got;
	char mine[256];
	int ret;

	ret = sipc_call(mgr, T_SECCTX, NULL, reply);
	if (own_secctx(mine, sizeof(mine))) {
		ck_assert_int_eq(ret, -ENODATA);
	} else {
		ck_assert_int_eq(ret, 0);
		ck_assert_int_eq(sipc_parcel_get_string(reply, &got, NULL), 0);
		ck_assert_str_eq(got, mine);
	}
	sipc_parcel_free(reply);
}
END_TEST

static int call_status(int32_t status)
{
	struct sipc_parcel *req = sipc_parcel_new();
	int ret;

	sipc_parcel_put_i32(req, status);
	ret = sipc_call(mgr, T_STATUS, req, NULL);
	sipc_parcel_free(req);
	return ret;
}

START_TEST(test_status_and_errors)
{
	struct sipc_parcel *bad = sipc_parcel_new();
	struct sipc_handle *h;

	ck_assert_int_eq(call_status(0), 0);
	ck_assert_int_eq(call_status(7), 7);
	ck_assert_int_eq(call_status(-ENOENT), -ENOENT);
	/* Unknown code: the handler's own answer. */
	ck_assert_int_eq(sipc_call(mgr, 999, NULL, NULL), -EOPNOTSUPP);
	/* The handler finds the request malformed. */
	ck_assert_int_eq(sipc_call(mgr, T_STATUS, NULL, NULL), -EBADMSG);
	/* A parcel in error is not sent. */
	sipc_parcel_put_string(bad, NULL);
	ck_assert_int_eq(sipc_call(mgr, T_ONEWAY, bad, NULL), -EINVAL);
	ck_assert_int_eq(sipc_send_oneway(mgr, T_ONEWAY, bad), -EINVAL);
	sipc_parcel_free(bad);
	/* No such handle. */
	ck_assert_int_eq(sipc_handle_from_id(s, 12345, &h), -ENOENT);
	ck_assert_int_eq(sipc_ping(mgr), 0);
	ts_stop(s, srv);
	srv = 0;
	/* The target is gone. */
	ck_assert_int_eq(sipc_ping(mgr), -ESRCH);
	ck_assert_int_eq(sipc_send_oneway(mgr, T_ONEWAY, NULL), -ESRCH);
}
END_TEST

static uint32_t stat_at(int index)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	uint32_t v[3];
	int i;

	ck_assert_int_eq(sipc_call(mgr, T_STATS, NULL, reply), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sipc_parcel_get_u32(reply, &v[i]), 0);
	sipc_parcel_free(reply);
	return v[index];
}

START_TEST(test_oneway)
{
	struct sipc_parcel *req = sipc_parcel_new();
	int i;

	sipc_parcel_put_string(req, "one way");
	for (i = 0; i < 300; i++)
		ck_assert_int_eq(sipc_send_oneway(mgr, T_ONEWAY, req), 0);
	for (i = 0; i < 500 && stat_at(1) < 300; i++)
		usleep(10000);
	ck_assert_uint_eq(stat_at(1), 300);
	sipc_parcel_free(req);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

/*
 * A server stopped and continued (SIGSTOP and SIGCONT, as a debugger or
 * the freezer does) while it waits after a one-way, the one-way's buffer
 * freed in that same wait, goes on serving: the driver does not restart
 * that wait, which would free the buffer again, and the loop goes on
 * after its EINTR.
 */
START_TEST(test_stop_while_idle)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	const char *str;
	int32_t v;

	sipc_parcel_put_string(req, "one way");
	ck_assert_int_eq(sipc_send_oneway(mgr, T_ONEWAY, req), 0);
	usleep(500000);	/* served, and back in its wait */
	ck_assert_int_eq(kill(srv, SIGSTOP), 0);
	usleep(100000);
	ck_assert_int_eq(kill(srv, SIGCONT), 0);
	usleep(100000);
	sipc_parcel_reset(req);
	sipc_parcel_put_string(req, "still there");
	sipc_parcel_put_i32(req, 41);
	ck_assert_int_eq(sipc_call(mgr, T_ECHO, req, reply), 0);
	ck_assert_int_eq(sipc_parcel_get_string(reply, &str, NULL), 0);
	ck_assert_str_eq(str, "still there");
	ck_assert_int_eq(sipc_parcel_get_i32(reply, &v), 0);
	ck_assert_int_eq(v, 42);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
}
END_TEST

static atomic_int nested_tid, nested_calls;

static int client_node(struct sipc_node *node, const struct sipc_txn *txn,
		       struct sipc_parcel *reply)
{
	const char *str;
	int32_t i;

	nested_tid = (int)syscall(SYS_gettid);
	nested_calls++;
	if (txn->code != T_ECHO || txn->sender_pid != srv ||
	    sipc_parcel_get_string(txn->request, &str, NULL) ||
	    sipc_parcel_get_i32(txn->request, &i))
		return -EBADMSG;
	ck_assert_ptr_eq(sipc_node_data(node), &nested_tid);
	sipc_parcel_put_string(reply, str);
	return sipc_parcel_put_i32(reply, i * 10);
}

/* We call the server, it calls our node back: this thread serves it. */
START_TEST(test_nested_call)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	struct sipc_node *node;
	int32_t v;
	int i;

	ck_assert_int_eq(sipc_node_create(s, client_node, &nested_tid, 0,
					  &node), 0);
	for (i = 1; i <= 20; i++) {
		sipc_parcel_reset(req);
		sipc_parcel_put_node(req, node);
		sipc_parcel_put_i32(req, i);
		ck_assert_int_eq(sipc_call(mgr, T_CALLBACK, req, reply), 0);
		ck_assert_int_eq(sipc_parcel_get_i32(reply, &v), 0);
		/* The server added 1 to what our node answered (i * 10). */
		ck_assert_int_eq(v, i * 10 + 1);
		ck_assert_int_eq(nested_tid, (int)syscall(SYS_gettid));
	}
	ck_assert_int_eq(nested_calls, 20);
	ck_assert_int_eq(sipc_node_destroy(node), 0);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

struct sleeper {
	struct sipc_handle *h;
	int ret;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *sl = arg;
	struct sipc_parcel *req = sipc_parcel_new();

	sipc_parcel_put_u32(req, 300);
	sl->ret = sipc_call(sl->h, T_SLEEP, req, NULL);
	sipc_parcel_free(req);
	return NULL;
}

/* Eight callers at once; the pool grows to 1 + 3 threads, no further. */
START_TEST(test_thread_pool)
{
	struct sleeper sl[8];
	pthread_t th[8];
	int i, round;

	ts_stop(s, srv);
	srv = ts_start(3);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 8; i++) {
			sl[i].h = mgr;
			ck_assert_int_eq(pthread_create(&th[i], NULL,
							sleeper_main, &sl[i]),
					 0);
		}
		for (i = 0; i < 8; i++) {
			ck_assert_int_eq(pthread_join(th[i], NULL), 0);
			ck_assert_int_ge(sl[i].ret, 1);
			ck_assert_int_le(sl[i].ret, 4);
		}
	}
	ck_assert_uint_eq(stat_at(0), 4);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

/* The value of @key in /proc/sipc/proc/@pid, or -1. */
static long proc_value(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/*
 * A pool that cannot start threads: each request for one is withdrawn, so
 * the calls are served one at a time by the loop's thread and nothing is
 * left asked for (a request left pending would stop the pool from ever
 * growing).
 */
START_TEST(test_pool_cannot_grow)
{
	struct sleeper sl[4];
	pthread_t th[4];
	int i;

	ts_stop(s, srv);
	ts.no_threads = true;
	srv = ts_start(3);
	ts.no_threads = false;
	for (i = 0; i < 4; i++) {
		sl[i].h = mgr;
		ck_assert_int_eq(pthread_create(&th[i], NULL, sleeper_main,
						&sl[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(sl[i].ret, 1);
	}
	ck_assert_int_eq(proc_value(srv, "threads"), 1);
	ck_assert_int_eq(proc_value(srv, "spawn_requested"), 0);
	ck_assert_int_eq(proc_value(srv, "spawned"), 0);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

/* Without a pool, one thread serves everything, one call at a time. */
START_TEST(test_single_thread)
{
	struct sleeper sl[3];
	pthread_t th[3];
	int i;

	for (i = 0; i < 3; i++) {
		sl[i].h = mgr;
		ck_assert_int_eq(pthread_create(&th[i], NULL, sleeper_main,
						&sl[i]), 0);
	}
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(sl[i].ret, 1);
	}
	ck_assert_uint_eq(stat_at(0), 1);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

static int dummy(struct sipc_node *node, const struct sipc_txn *txn,
		 struct sipc_parcel *reply)
{
	return 0;
}

static void *loop_main(void *arg)
{
	return (void *)(intptr_t)sipc_loop(arg);
}

/* sipc_stop() ends sipc_loop() and the library's threads, promptly. */
START_TEST(test_stop)
{
	struct sipc *t;
	struct sipc_node *n;
	pthread_t th;
	void *ret;
	double t0;

	ck_assert_int_eq(sipc_open(NULL, 0, &t), 0);
	ck_assert_int_eq(sipc_node_create(t, dummy, NULL, 0, &n), 0);
	ck_assert_int_eq(sipc_set_max_threads(t, 4), 0);
	ck_assert_int_eq(sipc_loop_start(t), 0);
	ck_assert_int_eq(sipc_loop_start(t), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, loop_main, t), 0);
	usleep(200 * 1000);
	t0 = now_s();
	sipc_stop(t);
	ck_assert_int_eq(pthread_join(th, &ret), 0);
	ck_assert_ptr_null(ret);
	sipc_close(t);
	ck_assert_double_lt(now_s() - t0, 1.0);
	/* A loop after a stop returns at once. */
	ck_assert_int_eq(sipc_open(NULL, 0, &t), 0);
	sipc_stop(t);
	ck_assert_int_eq(sipc_loop(t), 0);
	/* Nothing queued: dispatch handles nothing and does not wait. */
	ck_assert_int_eq(sipc_dispatch(t), 0);
	sipc_close(t);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

static Suite *call_suite(void)
{
	Suite *su = suite_create("libsipc-call");
	TCase *tc = tcase_create("call");

	if (access(SIPC_DEVICE_PATH, F_OK) != 0)
		return su;
	tcase_add_checked_fixture(tc, setup, fixture_close);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_roundtrip_reuse);
	tcase_add_test(tc, test_bytes_by_reference);
	tcase_add_test(tc, test_sender_secctx);
	tcase_add_test(tc, test_status_and_errors);
	tcase_add_test(tc, test_oneway);
	tcase_add_test(tc, test_stop_while_idle);
	tcase_add_test(tc, test_nested_call);
	tcase_add_test(tc, test_thread_pool);
	tcase_add_test(tc, test_pool_cannot_grow);
	tcase_add_test(tc, test_single_thread);
	tcase_add_test(tc, test_stop);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(call_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
