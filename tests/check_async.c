// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check), in the dev VM: asynchronous calls. A
 * thousand outstanding from one thread, completed by an event loop
 * (poll() on sipc_fd(), sipc_next_timeout(), sipc_dispatch()); timeouts,
 * cancels, and a server killed with calls outstanding, each leaving the
 * receive area empty; completions and timeouts on a looper thread; and
 * sipc_call_timeout(). The server is the libsipc test server
 * (check_sipc.h) on handle 0. Without /dev/sipc the suite is empty.
 */
#include <poll.h>
#include <stdio.h>

#include "check_fixture.h"

#define MANY	1000

static void setup(void)
{
	/* A megabyte: half of it for replies not yet read. */
	fixture_open(SIPC_AREA_MIN_SIZE * 16);
}

/* "in_use" of our context in /proc/sipc: bytes of our area in buffers. */
static long long area_in_use(void)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", getpid());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "in_use: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* What the callbacks saw. */
struct outcome {
	atomic_int calls;
	int status[MANY + 1];
	int32_t value[MANY + 1];
	bool ran[MANY + 1];
	pid_t tid;
};

static struct outcome out;

struct slot {
	int index;
};

static struct slot slots[MANY + 1];

static void on_reply(struct sipc_pending *call, int status,
		     struct sipc_parcel *reply, void *data)
{
	struct slot *sl = data;
	const char *str;
	int32_t v = -1;

	ck_assert(!out.ran[sl->index]);
	out.ran[sl->index] = true;
	out.status[sl->index] = status;
	if (reply && !sipc_parcel_get_string(reply, &str, NULL) &&
	    !strcmp(str, "async"))
		sipc_parcel_get_i32(reply, &v);
	out.value[sl->index] = v;
	out.tid = (pid_t)syscall(SYS_gettid);
	/* Ended: its cancel is too late, and says so. */
	ck_assert_int_eq(sipc_call_cancel(call), -EALREADY);
	atomic_fetch_add(&out.calls, 1);
}

static int echo_async(int i, int timeout_ms, struct sipc_pending **p)
{
	struct sipc_parcel *req = sipc_parcel_new();
	int ret;

	slots[i].index = i;
	sipc_parcel_put_string(req, "async");
	sipc_parcel_put_i32(req, i);
	ret = sipc_call_async(mgr, T_ECHO, req, timeout_ms, on_reply,
			      &slots[i], p);
	sipc_parcel_free(req);
	return ret;
}

/* The server sleeps @ms, keeping what comes after queued. */
static int sleep_async(int i, uint32_t ms, int timeout_ms,
		       struct sipc_pending **p)
{
	struct sipc_parcel *req = sipc_parcel_new();
	int ret;

	slots[i].index = i;
	sipc_parcel_put_u32(req, ms);
	ret = sipc_call_async(mgr, T_SLEEP, req, timeout_ms, on_reply,
			      &slots[i], p);
	sipc_parcel_free(req);
	return ret;
}

/* An event loop on this thread until @n callbacks ran or @ms passed. */
static void event_loop(int n, int ms)
{
	struct pollfd pfd = { .fd = sipc_fd(s), .events = POLLIN };
	double end = now_s() + ms / 1000.0;

	while (atomic_load(&out.calls) < n && now_s() < end) {
		int wait = sipc_next_timeout(s);

		if (wait < 0 || wait > 100)
			wait = 100;
		ck_assert_int_ge(poll(&pfd, 1, wait), 0);
		ck_assert_int_ge(sipc_dispatch(s), 0);
	}
}

/* A synchronous echo: the one-threaded server is done with what came before. */
static void sync_echo(void)
{
	struct sipc_parcel *req = sipc_parcel_new();

	sipc_parcel_put_string(req, "sync");
	sipc_parcel_put_i32(req, 1);
	ck_assert_int_eq(sipc_call(mgr, T_ECHO, req, NULL), 0);
	sipc_parcel_free(req);
}

START_TEST(test_thousand_outstanding)
{
	int i;

	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(sleep_async(MANY, 300, -1, NULL), 0);
	for (i = 0; i < MANY; i++)
		ck_assert_int_eq(echo_async(i, -1, NULL), 0);
	/* Sent from here, all at once; nothing ran before a dispatch. */
	ck_assert_int_eq(atomic_load(&out.calls), 0);
	ck_assert_int_eq(sipc_next_timeout(s), -1);
	event_loop(MANY + 1, 60000);
	ck_assert_int_eq(atomic_load(&out.calls), MANY + 1);
	for (i = 0; i < MANY; i++) {
		ck_assert_int_eq(out.status[i], 0);
		ck_assert_int_eq(out.value[i], i + 1);
	}
	ck_assert_int_eq(out.status[MANY], 1);
	ck_assert_int_eq(out.tid, (pid_t)syscall(SYS_gettid));
	ck_assert_int_eq(area_in_use(), 0);
}
END_TEST

/* A deadline ends the call with -ETIMEDOUT; its late reply is dropped. */
START_TEST(test_timeout)
{
	double t0 = now_s(), took;
	int wait;

	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(sleep_async(0, 600, 150, NULL), 0);
	ck_assert_int_eq(echo_async(1, 5000, NULL), 0);
	wait = sipc_next_timeout(s);
	ck_assert_int_gt(wait, 0);
	ck_assert_int_le(wait, 150);
	event_loop(1, 5000);
	took = now_s() - t0;
	ck_assert_int_eq(atomic_load(&out.calls), 1);
	ck_assert(out.ran[0]);
	ck_assert_int_eq(out.status[0], -ETIMEDOUT);
	ck_assert(took >= 0.14 && took < 0.55);
	/* The other, in time, after the sleep. */
	event_loop(2, 5000);
	ck_assert_int_eq(out.status[1], 0);
	ck_assert_int_eq(out.value[1], 2);
	ck_assert_int_eq(sipc_next_timeout(s), -1);
	sync_echo();
	ck_assert_int_eq(sipc_dispatch(s), 0);
	ck_assert_int_eq(atomic_load(&out.calls), 2);
	ck_assert_int_eq(area_in_use(), 0);
}
END_TEST

/* A cancelled call's callback never runs; its reply is freed. */
START_TEST(test_cancel)
{
	struct sipc_pending *p, *q;

	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(sleep_async(0, 200, -1, &p), 0);
	ck_assert_int_eq(echo_async(1, 1000, &q), 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sipc_call_cancel(q), 0);
	ck_assert_int_eq(sipc_next_timeout(s), -1);
	usleep(50000);
	ck_assert_int_eq(sipc_call_cancel(p), 0);
	sync_echo();
	ck_assert_int_eq(sipc_dispatch(s), 0);
	ck_assert_int_eq(atomic_load(&out.calls), 0);
	ck_assert_int_eq(area_in_use(), 0);
}
END_TEST

/* A server killed with calls outstanding: each ends in -ESRCH. */
START_TEST(test_server_killed)
{
	int i;

	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(sleep_async(100, 10000, -1, NULL), 0);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(echo_async(i, 20000, NULL), 0);
	usleep(100000);
	ck_assert_int_eq(kill(srv, SIGKILL), 0);
	ck_assert_int_eq(reap(srv, 5000), 128 + SIGKILL);
	srv = 0;
	event_loop(101, 10000);
	ck_assert_int_eq(atomic_load(&out.calls), 101);
	for (i = 0; i <= 100; i++)
		ck_assert_int_eq(out.status[i], -ESRCH);
	ck_assert_int_eq(sipc_next_timeout(s), -1);
	ck_assert_int_eq(area_in_use(), 0);
}
END_TEST

/*
 * Started here, completed on a looper; and a deadline is kept by the
 * looper too, though it was waiting in the driver when the call came.
 */
START_TEST(test_looper_completes)
{
	pid_t me = (pid_t)syscall(SYS_gettid);
	double t0, end;

	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(sipc_loop_start(s), 0);
	usleep(100000);
	ck_assert_int_eq(echo_async(0, -1, NULL), 0);
	end = now_s() + 10;
	while (atomic_load(&out.calls) < 1 && now_s() < end)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&out.calls), 1);
	ck_assert_int_eq(out.value[0], 1);
	ck_assert_int_ne(out.tid, me);

	t0 = now_s();
	ck_assert_int_eq(sleep_async(1, 2000, 200, NULL), 0);
	end = t0 + 10;
	while (atomic_load(&out.calls) < 2 && now_s() < end)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&out.calls), 2);
	ck_assert_int_eq(out.status[1], -ETIMEDOUT);
	ck_assert(now_s() - t0 < 1.5);
	ck_assert_int_ne(out.tid, me);
}
END_TEST

START_TEST(test_call_timeout)
{
	struct sipc_parcel *req = sipc_parcel_new();
	double t0 = now_s();

	sipc_parcel_put_u32(req, 800);
	ck_assert_int_eq(sipc_call_timeout(mgr, T_SLEEP, req, NULL, 100),
			 -ETIMEDOUT);
	ck_assert(now_s() - t0 < 0.7);
	/* In time, and with no timeout: both get their reply. */
	sipc_parcel_reset(req);
	sipc_parcel_put_i32(req, 42);
	ck_assert_int_eq(sipc_call_timeout(mgr, T_STATUS, req, NULL, 5000),
			 42);
	ck_assert_int_eq(sipc_call_timeout(mgr, T_STATUS, req, NULL, -1), 42);
	sipc_parcel_free(req);
	ck_assert_int_eq(area_in_use(), 0);
}
END_TEST

static Suite *async_suite(void)
{
	Suite *su = suite_create("libsipc-async");
	TCase *tc = tcase_create("async");

	if (access(SIPC_DEVICE_PATH, F_OK) != 0 ||
	    access("/sys/module/sipc/features/async_call", F_OK) != 0)
		return su;
	tcase_add_checked_fixture(tc, setup, fixture_close);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_thousand_outstanding);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_server_killed);
	tcase_add_test(tc, test_looper_completes);
	tcase_add_test(tc, test_call_timeout);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(async_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
