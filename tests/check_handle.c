// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check), in the dev VM: handle objects and their
 * references, handles that outlive the parcel they came in, death
 * callbacks (on node destruction and on process death, once each), and
 * the released callback of our own node.
 */
#include <poll.h>

#include "check_fixture.h"

static void setup(void)
{
	fixture_open(0);
}

static struct sipc_handle *give(void)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	struct sipc_handle *h;

	ck_assert_int_eq(sipc_call(mgr, T_GIVE, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_next_type(reply), SIPC_TYPE_HANDLE);
	ck_assert_int_eq(sipc_parcel_get_handle(reply, &h), 0);
	sipc_parcel_free(reply);	/* the handle outlives it */
	return h;
}

static uint32_t released_count(void)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	uint32_t v;

	ck_assert_int_eq(sipc_call(mgr, T_STATS, NULL, reply), 0);
	sipc_parcel_get_u32(reply, &v);
	sipc_parcel_get_u32(reply, &v);
	ck_assert_int_eq(sipc_parcel_get_u32(reply, &v), 0);
	sipc_parcel_free(reply);
	return v;
}

START_TEST(test_handle_refs)
{
	struct sipc_handle *a = give(), *b = give(), *c;
	int i;

	/* One object per handle number, shared. */
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_ne(sipc_handle_id(a), 0);
	ck_assert_int_eq(sipc_handle_from_id(s, sipc_handle_id(a), &c), 0);
	ck_assert_ptr_eq(a, c);
	ck_assert_int_eq(sipc_ping(a), 0);
	ck_assert_int_eq(sipc_call(a, T_STATUS, NULL, NULL), -EBADMSG);
	sipc_handle_put(b);
	sipc_handle_put(c);
	ck_assert_int_eq(sipc_ping(a), 0);
	ck_assert_uint_eq(released_count(), 0);
	/* The last put gives the driver's reference back: released. */
	sipc_handle_put(a);
	for (i = 0; i < 200 && !released_count(); i++)
		usleep(10000);
	ck_assert_uint_eq(released_count(), 1);
	/* Handle 0 needs and keeps no reference. */
	ck_assert_ptr_eq(sipc_handle_get(mgr), mgr);
	sipc_handle_put(mgr);
	sipc_handle_put(mgr);
	ck_assert_int_eq(sipc_ping(mgr), 0);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

static atomic_int deaths_a, deaths_b;

static void on_death_a(struct sipc_handle *h, void *data)
{
	ck_assert_ptr_eq(data, &deaths_a);
	ck_assert(sipc_handle_is_dead(h));
	deaths_a++;
}

static void on_death_b(struct sipc_handle *h, void *data)
{
	deaths_b++;
}

/* Serve our queue until @counter reaches @want or 2 s pass. */
static void dispatch_until(atomic_int *counter, int want)
{
	int i;

	for (i = 0; i < 200 && *counter < want; i++) {
		ck_assert_int_ge(sipc_dispatch(s), 0);
		usleep(10000);
	}
}

START_TEST(test_death_on_destroy)
{
	struct sipc_handle *h = give();

	deaths_a = 0;
	deaths_b = 0;
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_a, &deaths_a), 0);
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_b, NULL), 0);
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_b, &deaths_b), 0);
	ck_assert_int_eq(sipc_handle_unlink_death(h, on_death_b, &deaths_b),
			 0);
	ck_assert_int_eq(sipc_handle_unlink_death(h, on_death_b, &deaths_b),
			 -ENOENT);
	ck_assert(!sipc_handle_is_dead(h));
	ck_assert_int_eq(sipc_dispatch(s), 0);
	ck_assert_int_eq(deaths_a + deaths_b, 0);

	ck_assert_int_eq(sipc_call(mgr, T_DESTROY, NULL, NULL), 0);
	dispatch_until(&deaths_b, 1);
	ck_assert_int_eq(deaths_a, 1);
	ck_assert_int_eq(deaths_b, 1);
	ck_assert(sipc_handle_is_dead(h));
	ck_assert_int_eq(sipc_ping(h), -ESRCH);
	/* Once each: nothing more arrives, the links are spent. */
	usleep(100 * 1000);
	ck_assert_int_eq(sipc_dispatch(s), 0);
	ck_assert_int_eq(deaths_a, 1);
	ck_assert_int_eq(sipc_handle_unlink_death(h, on_death_a, &deaths_a),
			 -ENOENT);
	/* Linking to a dead node calls back at once (as an event). */
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_a, &deaths_a), 0);
	dispatch_until(&deaths_a, 2);
	ck_assert_int_eq(deaths_a, 2);
	sipc_handle_put(h);
	/* Not for handle 0. */
	ck_assert_int_eq(sipc_handle_link_death(mgr, on_death_b, NULL),
			 -EINVAL);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

/* A process that dies: its handles die, the looper thread is told. */
START_TEST(test_death_on_exit)
{
	struct sipc_handle *h = give();
	int i;

	deaths_a = 0;
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_a, &deaths_a), 0);
	ck_assert_int_eq(sipc_loop_start(s), 0);
	kill(srv, SIGKILL);
	ck_assert_int_eq(reap(srv, 5000), 128 + SIGKILL);
	srv = 0;
	for (i = 0; i < 200 && !deaths_a; i++)
		usleep(10000);
	ck_assert_int_eq(deaths_a, 1);
	ck_assert_int_eq(sipc_ping(h), -ESRCH);
	sipc_handle_put(h);
}
END_TEST

/*
 * An event loop without a looper: poll() the device, then dispatch. It is
 * readable exactly while the notice waits.
 */
START_TEST(test_death_by_poll)
{
	struct sipc_handle *h = give();
	struct pollfd p = { .fd = sipc_fd(s), .events = POLLIN };

	deaths_a = 0;
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_a, &deaths_a), 0);
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	kill(srv, SIGKILL);
	ck_assert_int_eq(reap(srv, 5000), 128 + SIGKILL);
	srv = 0;
	ck_assert_int_eq(poll(&p, 1, 5000), 1);
	ck_assert_int_eq(p.revents, POLLIN);
	ck_assert_int_eq(sipc_dispatch(s), 1);
	ck_assert_int_eq(deaths_a, 1);
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	sipc_handle_put(h);
}
END_TEST

/* An unlinked notice never calls back, even when the node dies. */
START_TEST(test_unlinked_no_callback)
{
	struct sipc_handle *h = give();

	deaths_a = 0;
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_a, &deaths_a), 0);
	ck_assert_int_eq(sipc_handle_unlink_death(h, on_death_a, &deaths_a),
			 0);
	ck_assert_int_eq(sipc_call(mgr, T_DESTROY, NULL, NULL), 0);
	usleep(200 * 1000);
	ck_assert_int_eq(sipc_dispatch(s), 0);
	ck_assert_int_eq(deaths_a, 0);
	/* Put with a link still there is fine too. */
	ck_assert_int_eq(sipc_handle_link_death(h, on_death_a, &deaths_a), 0);
	sipc_handle_put(h);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

static atomic_int released;

static void on_released(struct sipc_node *n)
{
	released++;
}

static int noop(struct sipc_node *node, const struct sipc_txn *txn,
		struct sipc_parcel *reply)
{
	return 5;
}

/* Our node, held by the server: released when it lets go. */
START_TEST(test_node_released)
{
	struct sipc_parcel *req = sipc_parcel_new();
	struct sipc_node *n;

	released = 0;
	ck_assert_int_eq(sipc_node_create(s, noop, NULL, 0, &n), 0);
	sipc_node_on_released(n, on_released);
	sipc_parcel_put_node(req, n);
	ck_assert_int_eq(sipc_call(mgr, T_KEEP, req, NULL), 0);
	usleep(100 * 1000);
	ck_assert_int_eq(sipc_dispatch(s), 0);
	ck_assert_int_eq(released, 0);
	ck_assert_int_eq(sipc_call(mgr, T_DROP, NULL, NULL), 0);
	dispatch_until(&released, 1);
	ck_assert_int_eq(released, 1);
	ck_assert_int_eq(sipc_node_destroy(n), 0);
	sipc_parcel_free(req);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

/* Our own node sent out comes back as itself, not as a handle. */
START_TEST(test_node_comes_home)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	struct sipc_node *n, *back;
	struct sipc_handle *h;

	ck_assert_int_eq(sipc_node_create(s, noop, NULL, 0, &n), 0);
	sipc_parcel_put_node(req, n);
	sipc_parcel_put_i32(req, 1);
	ck_assert_int_eq(sipc_call(mgr, T_KEEP, req, NULL), 0);
	/* The server's T_GIVE hands out its second node; to us, a handle. */
	ck_assert_int_eq(sipc_call(mgr, T_GIVE, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_get_node(reply, &back), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_get_handle(reply, &h), 0);
	sipc_handle_put(h);
	/* Back from the server: our node itself, not a handle. */
	ck_assert_int_eq(sipc_call(mgr, T_KEPT, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_next_type(reply), SIPC_TYPE_NODE);
	ck_assert_int_eq(sipc_parcel_get_handle(reply, &h), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_get_node(reply, &back), 0);
	ck_assert_ptr_eq(back, n);
	/* A parcel that came through no device makes no objects. */
	sipc_parcel_reset(req);
	sipc_parcel_put_node(req, n);
	ck_assert_int_eq(sipc_parcel_get_node(req, &back), -ENOTCONN);
	sipc_node_destroy(n);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	ts_stop(s, srv);
	srv = 0;
}
END_TEST

static Suite *handle_suite(void)
{
	Suite *su = suite_create("libsipc-handle");
	TCase *tc = tcase_create("handle");

	if (access(SIPC_DEVICE_PATH, F_OK) != 0)
		return su;
	tcase_add_checked_fixture(tc, setup, fixture_close);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_handle_refs);
	tcase_add_test(tc, test_death_on_destroy);
	tcase_add_test(tc, test_death_on_exit);
	tcase_add_test(tc, test_death_by_poll);
	tcase_add_test(tc, test_unlinked_no_callback);
	tcase_add_test(tc, test_node_released);
	tcase_add_test(tc, test_node_comes_home);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(handle_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
