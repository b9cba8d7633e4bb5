// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check): opening the device, the version check,
 * mapping the receive area, and error texts. The "host" case needs no
 * driver; the "device" case runs where /dev/sipc exists (in the dev VM).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sipc.h>

START_TEST(test_open_missing_path)
{
	struct sipc *s = (struct sipc *)1;

	ck_assert_int_eq(sipc_open("/nonexistent/sipc", 0, &s), -ENOENT);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_open_wrong_device)
{
	struct sipc *s;

	/* /dev/null answers no sipc ioctl: the version query fails. */
	ck_assert_int_eq(sipc_open("/dev/null", 0, &s), -ENOTTY);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_strerror_distinct)
{
	static const int errs[] = { ENOENT, ESRCH, ENOSPC, ENOBUFS, EDQUOT,
				    EMSGSIZE, E2BIG, EMFILE, EINTR, EREMOTEIO,
				    EPROTO, EBADFD, EXDEV, EBUSY, EPERM, EINVAL,
				    EACCES };
	size_t i, j;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		ck_assert_ptr_nonnull(sipc_strerror(-errs[i]));
		ck_assert_str_eq(sipc_strerror(-errs[i]),
				 sipc_strerror(errs[i]));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(sipc_strerror(-errs[i]),
					 sipc_strerror(-errs[j]));
	}
	ck_assert_str_eq(sipc_strerror(-ESRCH), "target is dead");
}
END_TEST

START_TEST(test_open_maps_area)
{
	uint32_t major, minor;
	const void *area;
	struct sipc *s;
	size_t size;

	ck_assert_int_eq(sipc_open(NULL, 0, &s), 0);
	area = sipc_area(s, &size);
	ck_assert_ptr_nonnull(area);
	ck_assert_uint_eq(size, SIPC_DEFAULT_AREA_SIZE);
	ck_assert_int_ge(sipc_fd(s), 0);
	ck_assert_int_eq(sipc_driver_version(s, &major, &minor), 0);
	ck_assert_uint_eq(major, SIPC_VERSION_MAJOR);
	ck_assert_uint_eq(minor, SIPC_VERSION_MINOR);
	sipc_close(s);
}
END_TEST

/* Names, not paths: anything else is refused before the file system. */
START_TEST(test_feature_name_checked)
{
	ck_assert_int_eq(sipc_has_feature(NULL), -EINVAL);
	ck_assert_int_eq(sipc_has_feature(""), -EINVAL);
	ck_assert_int_eq(sipc_has_feature("../parameters/spin_ns"), -EINVAL);
	ck_assert_int_eq(sipc_has_feature("Gather"), -EINVAL);
	ck_assert_int_eq(sipc_has_feature("a-b"), -EINVAL);
}
END_TEST

/* The loaded driver's own features, and none it does not have. */
START_TEST(test_driver_features)
{
	ck_assert_int_eq(sipc_has_feature("gather"), 1);
	ck_assert_int_eq(sipc_has_feature("looper_decline"), 1);
	ck_assert_int_eq(sipc_has_feature("priority_inheritance"), 1);
	ck_assert_int_eq(sipc_has_feature("node_min_sched"), 1);
	ck_assert_int_eq(sipc_has_feature("no_such_feature"), 0);
}
END_TEST

START_TEST(test_open_custom_size)
{
	struct sipc *s;
	size_t size;

	ck_assert_int_eq(sipc_open(NULL, SIPC_AREA_MIN_SIZE, &s), 0);
	sipc_area(s, &size);
	ck_assert_uint_eq(size, SIPC_AREA_MIN_SIZE);
	sipc_close(s);
}
END_TEST

START_TEST(test_open_too_small)
{
	struct sipc *s;

	ck_assert_int_eq(sipc_open(NULL, SIPC_AREA_MIN_SIZE / 2, &s), -EINVAL);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_area_is_read_only)
{
	struct sipc *s;
	unsigned char *area;

	ck_assert_int_eq(sipc_open(NULL, 0, &s), 0);
	area = (unsigned char *)sipc_area(s, NULL);
	ck_assert_int_eq(mprotect(area, 4096, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	area[0] = 1;	/* must raise SIGSEGV */
}
END_TEST

START_TEST(test_close_releases)
{
	struct sipc *s;
	int i;

	/* Each open maps a fresh area; leaks would exhaust the 1 GiB guest. */
	for (i = 0; i < 2000; i++) {
		ck_assert_int_eq(sipc_open(NULL, 0, &s), 0);
		sipc_close(s);
	}
}
END_TEST

static Suite *device_suite(void)
{
	Suite *s = suite_create("libsipc-device");
	TCase *host = tcase_create("host");
	TCase *dev = tcase_create("device");

	tcase_add_test(host, test_open_missing_path);
	tcase_add_test(host, test_open_wrong_device);
	tcase_add_test(host, test_strerror_distinct);
	tcase_add_test(host, test_feature_name_checked);
	suite_add_tcase(s, host);

	if (access(SIPC_DEVICE_PATH, F_OK) == 0) {
		tcase_add_test(dev, test_open_maps_area);
		tcase_add_test(dev, test_driver_features);
		tcase_add_test(dev, test_open_custom_size);
		tcase_add_test(dev, test_open_too_small);
		tcase_add_test_raise_signal(dev, test_area_is_read_only,
					    SIGSEGV);
		tcase_add_test(dev, test_close_releases);
		tcase_set_timeout(dev, 60);
		suite_add_tcase(s, dev);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(device_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
