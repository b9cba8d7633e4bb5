// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/module/sipc/features/: a read-only file reading "1" for each
 * optional feature, one for every ABI addition up to the driver's minor
 * version, and nothing else there.
 */
#include <dirent.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define FEATURES	"/sys/module/sipc/features/"

static const struct {
	const char *name;
	unsigned int minor;	/* the ABI version that added it */
} known[] = {
	{ "looper_decline", 1 },
	{ "gather", 2 },
	{ "priority_inheritance", 3 },
	{ "node_min_sched", 3 },
	{ "failure_watch", 3 },
	{ "txn_secctx", 3 },
	{ "freeze", 3 },
	{ "channels", 4 },
	{ "async_call", 4 },
};

#define NR_KNOWN	(sizeof(known) / sizeof(known[0]))

static int minor_of_driver(void)
{
	struct sipc_version v;
	int fd = open(ST_DEV, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = st_err(ioctl(fd, SIPC_IOC_VERSION, &v));
	close(fd);
	return ret ? ret : (int)v.minor;
}

TEST(each_feature_of_the_abi_reads_1)
{
	int minor = minor_of_driver();
	char path[128], buf[8];
	unsigned int i;
	ssize_t n;
	int fd;

	ASSERT_GE(minor, 0);
	for (i = 0; i < NR_KNOWN; i++) {
		if (known[i].minor > (unsigned int)minor)
			continue;
		snprintf(path, sizeof(path), FEATURES "%s", known[i].name);
		fd = open(path, O_RDONLY);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
		n = read(fd, buf, sizeof(buf));
		close(fd);
		EXPECT_EQ(2, n);
		EXPECT_EQ(0, memcmp(buf, "1\n", 2));
		/* Read-only, for root too. */
		EXPECT_EQ(-1, open(path, O_WRONLY));
		EXPECT_EQ(EACCES, errno);
	}
}

/* Nothing is listed that this test does not know of. */
TEST(no_unknown_files)
{
	DIR *d = opendir(FEATURES);
	struct dirent *e;
	unsigned int i, seen = 0;

	ASSERT_NE(NULL, d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		for (i = 0; i < NR_KNOWN; i++)
			if (!strcmp(e->d_name, known[i].name))
				break;
		EXPECT_LT(i, NR_KNOWN) TH_LOG("unknown feature %s", e->d_name);
		seen++;
	}
	closedir(d);
	EXPECT_EQ(NR_KNOWN, seen);
}

TEST_HARNESS_MAIN
