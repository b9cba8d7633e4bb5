// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: opening the device, checking the driver's version, mapping and
 * unmapping the receive area.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libsipc.h"

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
	*out = s;
	return 0;
fail:
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return err;
}

SIPC_EXPORT void sipc_close(struct sipc *s)
{
	if (!s)
		return;
	munmap(s->area, s->area_size);
	close(s->fd);
	free(s);
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

SIPC_EXPORT int sipc_driver_version(const struct sipc *s, uint32_t *major,
				    uint32_t *minor)
{
	*major = s->version.major;
	*minor = s->version.minor;
	return 0;
}
