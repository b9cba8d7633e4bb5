// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check), in the dev VM: the registry client against
 * the real sipc-servicemanager (from PATH): add, check, get with and
 * without waiting, list; duplicate names; a service that dies leaves the
 * registry and its name can be taken again; what the manager answers to
 * requests that are not the protocol's.
 */
#include <fcntl.h>
#include <stdio.h>

#include "check_sipc.h"

#define CONF "/tmp/check_registry.conf"

static struct sipc *s;
static pid_t manager;

static int manager_main(void *arg)
{
	int fd = open("/dev/null", O_WRONLY);

	dup2(fd, 2);
	execlp("sipc-servicemanager", "sipc-servicemanager", "-c", CONF,
	       (char *)NULL);
	return 127;
}

static int count_cb(const struct sipc_service_info *info, void *arg)
{
	return 0;
}

static void setup(void)
{
	FILE *f = fopen(CONF, "w");
	int i, ret = -ESRCH;

	ck_assert_ptr_nonnull(f);
	fputs("deny * forbidden.*\nallow * *\n", f);
	fclose(f);
	ck_assert_int_eq(sipc_open(NULL, 0, &s), 0);
	manager = helper(manager_main, NULL);
	ck_assert_int_gt(manager, 0);
	for (i = 0; i < 500 && ret < 0; i++) {
		ret = sipc_registry_list(s, count_cb, NULL);
		if (ret < 0)
			usleep(10000);
	}
	ck_assert_int_eq(ret, 0);
}

static void teardown(void)
{
	sipc_close(s);
	kill(manager, SIGTERM);
	reap(manager, 5000);
}

/* A service: add @name (twice with a new node if asked), report, serve. */
struct svc {
	const char *name;
	int delay_ms;
	bool readd;
	int pipe[2];
};

static int serve(struct sipc_node *node, const struct sipc_txn *txn,
		 struct sipc_parcel *reply)
{
	return sipc_parcel_put_i32(reply, getpid());
}

static int svc_main(void *arg)
{
	struct svc *v = arg;
	struct sipc_node *n, *n2;
	struct sipc *t;
	int ret;

	usleep(v->delay_ms * 1000);
	if (sipc_open(NULL, 0, &t))
		return 10;
	if (sipc_node_create(t, serve, NULL, 0, &n))
		return 11;
	ret = sipc_registry_add(t, v->name, n);
	if (!ret && v->readd) {
		if (sipc_node_create(t, serve, NULL, 0, &n2))
			return 12;
		ret = sipc_registry_add(t, v->name, n2);
	}
	if (write(v->pipe[1], &ret, sizeof(ret)) != sizeof(ret))
		return 13;
	sipc_loop(t);
	return 0;
}

/* Start a service adding @name; its add's result in *@ret (unless 0). */
static pid_t svc_start(const char *name, int delay_ms, bool readd, int *ret)
{
	struct svc v = { .name = name, .delay_ms = delay_ms, .readd = readd };
	pid_t pid;
	int r;

	ck_assert_int_eq(pipe(v.pipe), 0);
	pid = helper(svc_main, &v);
	ck_assert_int_gt(pid, 0);
	close(v.pipe[1]);
	if (ret) {
		ck_assert_int_eq(read(v.pipe[0], &r, sizeof(r)), sizeof(r));
		*ret = r;
	}
	close(v.pipe[0]);
	return pid;
}

/* The pid of the process serving @name, or a negative errno. */
static int owner_of(const char *name)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	struct sipc_handle *h;
	int32_t pid;
	int ret;

	ret = sipc_registry_check(s, name, &h);
	if (ret)
		goto out;
	ret = sipc_call(h, 1, NULL, reply);
	if (!ret)
		ret = sipc_parcel_get_i32(reply, &pid);
	if (!ret)
		ret = pid;
	sipc_handle_put(h);
out:
	sipc_parcel_free(reply);
	return ret;
}

struct seen {
	int n;
	char names[8][SIPC_NAME_MAX];
	pid_t pids[8];
};

static int list_cb(const struct sipc_service_info *info, void *arg)
{
	struct seen *seen = arg;

	if (seen->n < 8) {
		snprintf(seen->names[seen->n], SIPC_NAME_MAX, "%s", info->name);
		seen->pids[seen->n] = info->pid;
	}
	seen->n++;
	return 0;
}

START_TEST(test_add_check_list)
{
	struct seen seen = { 0 };
	struct sipc_handle *h;
	pid_t b, a;
	int ret;

	b = svc_start("test.b", 0, false, &ret);
	ck_assert_int_eq(ret, 0);
	a = svc_start("test.a", 0, false, &ret);
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(owner_of("test.a"), a);
	ck_assert_int_eq(owner_of("test.b"), b);
	ck_assert_int_eq(sipc_registry_check(s, "test.c", &h), -ENOENT);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(sipc_registry_list(s, list_cb, &seen), 2);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.names[0], "test.a");
	ck_assert_int_eq(seen.pids[0], a);
	ck_assert_str_eq(seen.names[1], "test.b");
	/* Bad names never leave the process. */
	ck_assert_int_eq(sipc_registry_check(s, "", &h), -EINVAL);
	ck_assert_int_eq(sipc_registry_check(s, "has space", &h), -EINVAL);
	ck_assert(!sipc_name_valid(NULL));
	ck_assert(sipc_name_valid("a.b-c_d/e:f"));
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	reap(a, 5000);
	reap(b, 5000);
}
END_TEST

START_TEST(test_get_waits)
{
	struct sipc_handle *h;
	double t0 = now_s();
	pid_t a;

	ck_assert_int_eq(sipc_registry_get(s, "test.late", 300, &h),
			 -ETIMEDOUT);
	ck_assert_double_ge(now_s() - t0, 0.29);
	a = svc_start("test.late", 500, false, NULL);
	t0 = now_s();
	ck_assert_int_eq(sipc_registry_get(s, "test.late", 10000, &h), 0);
	ck_assert_double_lt(now_s() - t0, 5.0);
	ck_assert_int_eq(sipc_ping(h), 0);
	sipc_handle_put(h);
	kill(a, SIGKILL);
	reap(a, 5000);
}
END_TEST

START_TEST(test_duplicates)
{
	pid_t a, b;
	int ret;

	a = svc_start("test.dup", 0, false, &ret);
	ck_assert_int_eq(ret, 0);
	b = svc_start("test.dup", 0, false, &ret);
	ck_assert_int_eq(ret, -EEXIST);
	ck_assert_int_eq(owner_of("test.dup"), a);
	kill(b, SIGKILL);
	reap(b, 5000);
	/* The same process may add its name again, with a new node. */
	b = svc_start("test.again", 0, true, &ret);
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(owner_of("test.again"), b);
	/* The policy file refuses this one. */
	kill(b, SIGKILL);
	reap(b, 5000);
	b = svc_start("forbidden.name", 0, false, &ret);
	ck_assert_int_eq(ret, -EPERM);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	reap(a, 5000);
	reap(b, 5000);
}
END_TEST

START_TEST(test_service_death)
{
	struct seen seen = { 0 };
	pid_t a, b;
	int ret, i;

	a = svc_start("test.mortal", 0, false, &ret);
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(owner_of("test.mortal"), a);
	kill(a, SIGKILL);
	ck_assert_int_eq(reap(a, 5000), 128 + SIGKILL);
	/* The manager hears of the death and drops the name. */
	for (i = 0; i < 200 && owner_of("test.mortal") != -ENOENT; i++)
		usleep(10000);
	ck_assert_int_eq(owner_of("test.mortal"), -ENOENT);
	ck_assert_int_eq(sipc_registry_list(s, list_cb, &seen), 0);
	/* Anyone may take the name now. */
	b = svc_start("test.mortal", 0, false, &ret);
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(owner_of("test.mortal"), b);
	kill(b, SIGKILL);
	reap(b, 5000);
}
END_TEST

/* The manager itself dies: calls to handle 0 fail, a new one serves. */
START_TEST(test_manager_restart)
{
	struct sipc_handle *h;
	int i, ret = -ESRCH;

	kill(manager, SIGTERM);
	ck_assert_int_eq(reap(manager, 5000), 0);
	ck_assert_int_eq(sipc_registry_check(s, "test.x", &h), -ESRCH);
	manager = helper(manager_main, NULL);
	for (i = 0; i < 500 && ret < 0; i++) {
		ret = sipc_registry_list(s, count_cb, NULL);
		if (ret < 0)
			usleep(10000);
	}
	ck_assert_int_eq(ret, 0);
}
END_TEST

/*
 * The manager serves tools/registry.idl with generated stubs: a malformed
 * request still gets -EINVAL, as sipc.h documents; a code of no method
 * gets SIPC_E_UNKNOWN_CODE; SIPC_CODE_DESCRIBE gets the interface.
 */
START_TEST(test_manager_protocol)
{
	struct sipc_handle *mgr = sipc_context_manager(s);
	struct sipc_parcel *req = sipc_parcel_new();
	struct sipc_parcel *reply = sipc_parcel_new();
	const char *text;

	ck_assert_int_eq(sipc_call(mgr, SIPC_REGISTRY_CHECK, req, reply),
			 -EINVAL);
	sipc_parcel_put_u32(req, 1);
	ck_assert_int_eq(sipc_call(mgr, SIPC_REGISTRY_CHECK, req, reply),
			 -EINVAL);
	sipc_parcel_reset(req);
	sipc_parcel_put_string(req, "test.noobject");
	ck_assert_int_eq(sipc_call(mgr, SIPC_REGISTRY_ADD, req, reply),
			 -EINVAL);
	ck_assert_int_eq(sipc_call(mgr, 99, NULL, reply), SIPC_E_UNKNOWN_CODE);
	ck_assert_int_eq(sipc_call(mgr, SIPC_CODE_DESCRIBE, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_get_string(reply, &text, NULL), 0);
	ck_assert_ptr_nonnull(strstr(text, "interface sipc.registry version 1"));
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
}
END_TEST

static Suite *registry_suite(void)
{
	Suite *su = suite_create("libsipc-registry");
	TCase *tc = tcase_create("registry");

	if (access(SIPC_DEVICE_PATH, F_OK) != 0)
		return su;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_add_check_list);
	tcase_add_test(tc, test_get_waits);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_service_death);
	tcase_add_test(tc, test_manager_restart);
	tcase_add_test(tc, test_manager_protocol);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(registry_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
