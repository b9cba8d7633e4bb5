/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* libsipc internals shared by lib/ files; not installed. */
#ifndef LIBSIPC_INTERNAL_H
#define LIBSIPC_INTERNAL_H

#include <stddef.h>

#include "sipc.h"

#define SIPC_EXPORT __attribute__((visibility("default")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct sipc {
	int fd;
	void *area;
	size_t area_size;
	struct sipc_version version;
};

#endif /* LIBSIPC_INTERNAL_H */
