// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check), on the library's insides (linked with
 * libsipc.a): a receiver keeps its read-only views of pooled regions per
 * open file, not per inode number, since numbers are given out again; a
 * region whose size is not sealed, or smaller than the blob, is refused.
 * On the host: no driver needed.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kcmp.h>

#include "libsipc.h"

#define SIZE	(64 * 1024)

static int fd = -1;

static void setup(void)
{
	fd = memfd_create("check_pool_view", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	ck_assert_int_eq(pwrite(fd, "pooled", 6, 0), 6);
}

static void teardown(void)
{
	close(fd);
}

static void seal(void)
{
	ck_assert_int_eq(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW),
			 0);
}

/* The view of @f for the whole region: its slot (-1: a view of its own). */
static int view_of(int f, const void **addr)
{
	size_t map_size;
	int view;

	ck_assert_int_eq(sipc_pool_view(f, SIZE, addr, &view, &map_size), 0);
	ck_assert_uint_eq(map_size, SIZE);
	ck_assert_mem_eq(*addr, "pooled", 6);
	return view;
}

/* Views are kept only where kcmp() may compare files (not under seccomp). */
static bool views_kept_here(void)
{
	pid_t self = getpid();

	return syscall(SYS_kcmp, self, self, KCMP_FILE, fd, fd) == 0;
}

START_TEST(test_a_view_is_kept_for_its_file)
{
	const void *a, *b;
	int first, again, copy = -1;

	if (!views_kept_here()) {
		fprintf(stderr, "kcmp() not allowed here: no views kept\n");
		return;
	}
	seal();
	first = view_of(fd, &a);
	ck_assert_int_ge(first, 0);
	sipc_pool_unview(first);
	/* Another descriptor of the same open file: the same view. */
	copy = dup(fd);
	again = view_of(copy, &b);
	ck_assert_int_eq(again, first);
	ck_assert_ptr_eq(b, a);
	sipc_pool_unview(again);
	close(copy);
}
END_TEST

START_TEST(test_the_same_inode_opened_again_is_another_file)
{
	const void *a, *b;
	int first, other, reopened;
	char path[64];

	seal();
	first = view_of(fd, &a);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	reopened = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(reopened, 0);
	/* Same device, inode and size, but not the file the view is of. */
	other = view_of(reopened, &b);
	ck_assert_int_ne(other, first);
	ck_assert_ptr_ne(b, a);
	sipc_pool_unview(first);
	if (other >= 0)
		sipc_pool_unview(other);
	else
		munmap((void *)b, SIZE);
	close(reopened);
}
END_TEST

START_TEST(test_unsealed_or_short_regions_are_refused)
{
	size_t map_size;
	const void *a;
	int view;

	ck_assert_int_eq(sipc_pool_view(fd, SIZE, &a, &view, &map_size),
			 -EPERM);
	seal();
	ck_assert_int_eq(sipc_pool_view(fd, SIZE + 1, &a, &view, &map_size),
			 -EBADMSG);
	ck_assert_int_eq(sipc_pool_view(fd, 0, &a, &view, &map_size),
			 -EBADMSG);
}
END_TEST

static Suite *pool_view_suite(void)
{
	Suite *su = suite_create("libsipc-pool-view");
	TCase *tc = tcase_create("view");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_view_is_kept_for_its_file);
	tcase_add_test(tc, test_the_same_inode_opened_again_is_another_file);
	tcase_add_test(tc, test_unsealed_or_short_regions_are_refused);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(pool_view_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
