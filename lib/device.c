// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: opening the device, checking the driver's version and features,
 * mapping and unmapping the receive area, giving receive buffers back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libsipc.h"

static int sipc_init_locks(struct sipc *s)
{
	pthread_condattr_t attr;
	int ret;

	ret = pthread_mutex_init(&s->lock, NULL);
	if (ret)
		return -ret;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	ret = pthread_cond_init(&s->loopers_done, &attr);
	pthread_condattr_destroy(&attr);
	if (ret) {
		pthread_mutex_destroy(&s->lock);
		return -ret;
	}
	return 0;
}

SIPC_EXPORT int sipc_open(const char *path, size_t area_size,
			  struct sipc **out)
{
	struct sipc_version v;
	struct sipc *s;
	int err;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->area = MAP_FAILED;
	s->fd = open(path ? path : SIPC_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (s->fd < 0) {
		err = -errno;
		goto fail;
	}
	if (ioctl(s->fd, SIPC_IOC_VERSION, &v) < 0) {
		err = -errno;
		goto fail;
	}
	if (v.major != SIPC_VERSION_MAJOR) {
		err = -EPROTONOSUPPORT;
		goto fail;
	}
	s->version = v;
	s->area_size = area_size ? area_size : SIPC_DEFAULT_AREA_SIZE;
	s->area = mmap(NULL, s->area_size, PROT_READ, MAP_SHARED, s->fd, 0);
	if (s->area == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	err = sipc_init_locks(s);
	if (err)
		goto fail;
	err = sipc_async_init(s);
	if (err) {
		pthread_cond_destroy(&s->loopers_done);
		pthread_mutex_destroy(&s->lock);
		goto fail;
	}
	sipc_handle_table_init(s);
	*out = s;
	return 0;
fail:
	if (s->area != MAP_FAILED)
		munmap(s->area, s->area_size);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return err;
}

SIPC_EXPORT void sipc_close(struct sipc *s)
{
	if (!s)
		return;
	sipc_channels_stop(s);
	sipc_threads_stop(s);
	sipc_async_fini(s);
	sipc_handle_table_free(s);
	sipc_node_table_free(s);
	munmap(s->area, s->area_size);
	close(s->fd);
	pthread_cond_destroy(&s->loopers_done);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int sipc_free_buffer(struct sipc *s, __u64 addr)
{
	return sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_FREE_BUFFER, &addr));
}

SIPC_EXPORT int sipc_fd(const struct sipc *s)
{
	return s->fd;
}

SIPC_EXPORT const void *sipc_area(const struct sipc *s, size_t *size)
{
	if (size)
		*size = s->area_size;
	return s->area;
}

SIPC_EXPORT int sipc_driver_version(const struct sipc *s, __u32 *major,
				    __u32 *minor)
{
	*major = s->version.major;
	*minor = s->version.minor;
	return 0;
}

#define SIPC_FEATURES_DIR	"/sys/module/sipc/features/"
#define SIPC_FEATURE_NAME_MAX	64

/* Lower-case letters, digits and '_' only: a name, never a path. */
static int feature_name_ok(const char *name)
{
	size_t i, len = name ? strlen(name) : 0;

	if (!len || len > SIPC_FEATURE_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

SIPC_EXPORT int sipc_has_feature(const char *name)
{
	char path[sizeof(SIPC_FEATURES_DIR) + SIPC_FEATURE_NAME_MAX];
	char value[4] = "";
	ssize_t n;
	int fd, err;

	if (!feature_name_ok(name))
		return -EINVAL;
	snprintf(path, sizeof(path), SIPC_FEATURES_DIR "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, value, sizeof(value) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return value[0] == '1';
}
