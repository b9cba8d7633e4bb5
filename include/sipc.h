/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libsipc: a thin C library over /dev/sipc.
 *
 * Every call that can fail returns 0 (or a non-negative value) on success
 * and a negative errno on failure; sipc_strerror() explains sipc's meaning
 * of each one. Nothing here starts a thread or copies a payload behind
 * your back.
 */
#ifndef SIPC_H
#define SIPC_H

#include <stddef.h>
#include <stdint.h>
#include <linux/sipc.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIPC_DEVICE_PATH	"/dev/sipc"
#define SIPC_DEFAULT_AREA_SIZE	(1024 * 1024)

/* One open device with its mapped receive area. */
struct sipc;

/*
 * Open @path (NULL: /dev/sipc) and map a receive area of @area_size bytes
 * (0: SIPC_DEFAULT_AREA_SIZE). Fails with -EPROTONOSUPPORT when the
 * driver's major version differs from the one this library speaks.
 * Thread-safe; the returned handle is shared by all threads.
 */
int sipc_open(const char *path, size_t area_size, struct sipc **out);

/* Unmap and close. The handle must not be used by any thread any more. */
void sipc_close(struct sipc *s);

/* The device's file descriptor, for poll() or raw ioctls. */
int sipc_fd(const struct sipc *s);

/* The read-only receive area: where incoming payloads appear. */
const void *sipc_area(const struct sipc *s, size_t *size);

/* The driver's ABI version. */
int sipc_driver_version(const struct sipc *s, uint32_t *major,
			uint32_t *minor);

/* What a negative errno from libsipc or the driver means, in words. */
const char *sipc_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* SIPC_H */
