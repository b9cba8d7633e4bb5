/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the hardening selftests (security, stress, fault): the
 * driver's own counters in /proc/sipc/stats, how slow the kernel is, and
 * the "# sipc-count:" lines tools/run-tests adds up.
 */
#ifndef SIPC_HARD_H
#define SIPC_HARD_H

#include <grp.h>
#include <stdarg.h>
#include <sys/utsname.h>

#include "sipc_test.h"

#define SH_STATS	"/proc/sipc/stats"

/* The debug kernel (KASAN, lockdep, kmemleak) runs everything far slower. */
static inline bool sh_debug_kernel(void)
{
	struct utsname u;

	return !uname(&u) && strstr(u.release, "-sipc-debug");
}

/* @n on Debian's kernel, a share of it on the debug kernel. */
static inline int sh_scale(int n, int debug_div)
{
	return sh_debug_kernel() ? (n + debug_div - 1) / debug_div : n;
}

/*
 * SIPC_ONLY=NAME[,NAME...] in the environment runs only those tests of a
 * program (the harness of Linux 6.1 has no filter of its own).
 */
#define SH_ONLY(name) do {						\
	const char *only = getenv("SIPC_ONLY");				\
									\
	if (only && !strstr(only, name))				\
		SKIP(return, "not in SIPC_ONLY=%s", only);		\
} while (0)

/* One "# sipc-count: WHAT=N" line: tools/run-tests adds them up. */
static inline void sh_count(const char *what, unsigned long n)
{
	printf("# sipc-count: %s=%lu\n", what, n);
	fflush(stdout);
}

/* A counter of /proc/sipc/stats, or -1 when there is none. */
static inline long long sh_stat(const char *name)
{
	size_t len = strlen(name);
	char line[128];
	long long v = -1;
	FILE *f = fopen(SH_STATS, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ':') {
			v = atoll(line + len + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * Wait up to @ms for every "*_in_use" counter to read 0 (the last file
 * reference of a dead process may take a moment to go). 0 when they do,
 * -ENOENT without /proc/sipc/stats, -EBUSY (the counters printed) if not.
 */
static inline int sh_wait_idle(int ms)
{
	char line[128], busy[1024];
	int i;

	for (i = 0; i <= ms; i += 10) {
		FILE *f = fopen(SH_STATS, "r");
		size_t len = 0;

		if (!f)
			return -ENOENT;
		busy[0] = 0;
		while (fgets(line, sizeof(line), f)) {
			char *p = strstr(line, "_in_use: ");

			if (p && atoll(p + 9) != 0 && len + strlen(line) <
			    sizeof(busy)) {
				strcpy(busy + len, line);
				len += strlen(line);
			}
		}
		fclose(f);
		if (!len)
			return 0;
		usleep(10000);
	}
	printf("# still in use after %d ms:\n%s", ms, busy);
	return -EBUSY;
}

/* Become an unprivileged user for good (a forked helper only). */
static inline int sh_become(uid_t uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return -errno;
	return 0;
}

#endif /* SIPC_HARD_H */
