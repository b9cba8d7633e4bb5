/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor in the dev VM, for the tests that need a confined task:
 * whether it can be used, loading profiles with apparmor_parser, and
 * putting the calling task under one.
 */
#ifndef ST_APPARMOR_H
#define ST_APPARMOR_H

#include "sipc_test.h"

static const char * const st_aa_parsers[] = {
	"/usr/bin/apparmor_parser",	/* where tools/sipc-vm puts it */
	"/usr/sbin/apparmor_parser",
	"/sbin/apparmor_parser",
};

/*
 * Put the calling task under @profile now, not at its next exec: the
 * helpers are forks of the test and exec nothing. The per-LSM file first
 * (since 5.8), the shared one on kernels without it.
 */
static inline int st_aa_confine(const char *profile)
{
	static const char * const attrs[] = {
		"/proc/self/attr/apparmor/current",
		"/proc/self/attr/current",
	};
	char cmd[128];
	size_t i;
	int fd, len, ret = -ENOENT;

	len = snprintf(cmd, sizeof(cmd), "changeprofile %s", profile);
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		fd = open(attrs[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ret = write(fd, cmd, len) == len ? 0 : -errno;
		close(fd);
		return ret;
	}
	return ret;
}

/* Load @profiles (apparmor_parser -r, through @path): NULL, or why not. */
static inline const char *st_aa_load(const char *profiles,
				     const char *path)
{
	const char *parser = NULL;
	size_t i;
	pid_t pid;
	int fd, status;

	for (i = 0; i < ARRAY_SIZE(st_aa_parsers); i++)
		if (!access(st_aa_parsers[i], X_OK))
			parser = st_aa_parsers[i];
	if (!parser)
		return "no apparmor_parser to load a profile";
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return "cannot write the profiles";
	if (write(fd, profiles, strlen(profiles)) != (ssize_t)strlen(profiles)) {
		close(fd);
		return "cannot write the profiles";
	}
	close(fd);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return "cannot fork";
	if (!pid) {
		/* -K: no policy cache, the guest has nowhere to keep one. */
		execl(parser, parser, "-r", "-K", "-q", path, NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return "apparmor_parser failed";
	return NULL;
}

/* Why AppArmor cannot be used here, or NULL once @profiles are loaded. */
static inline const char *st_aa_unavailable(const char *profiles,
					    const char *path)
{
	char lsm[256];
	ssize_t n;
	int fd;

	if (access("/sys/module/apparmor", F_OK))
		return "this kernel has no AppArmor (CONFIG_SECURITY_APPARMOR)";
	fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "no securityfs (/sys/kernel/security/lsm)";
	n = read(fd, lsm, sizeof(lsm) - 1);
	close(fd);
	if (n < 0)
		return "cannot read /sys/kernel/security/lsm";
	lsm[n] = 0;
	if (!strstr(lsm, "apparmor"))
		return "AppArmor is not an active LSM in this kernel";
	if (access("/sys/kernel/security/apparmor/.replace", W_OK))
		return "no AppArmor policy interface in securityfs";
	return st_aa_load(profiles, path);
}

#endif /* ST_APPARMOR_H */
