// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* libsipc: sipc's meaning of each errno, as documented in linux/sipc.h. */
#include <errno.h>
#include <string.h>

#include "libsipc.h"

static const struct {
	int err;
	const char *text;
} sipc_errors[] = {
	{ ENOTTY, "not a sipc request (unknown ioctl)" },
	{ EINVAL, "malformed request (bad size, flag or object)" },
	{ EFAULT, "bad user pointer" },
	{ EPERM, "not permitted (writable mapping, handle 0 or registry policy)" },
	{ EBUSY, "already in place (area mapped, handle 0 claimed, node in use)" },
	{ EBADFD, "no receive area: not mapped yet, or unmapped (dead)" },
	{ EXDEV, "descriptor belongs to another process" },
	{ ENOENT, "no such handle, node, buffer or death notice" },
	{ EEXIST, "node already exists" },
	{ ESRCH, "target is dead" },
	{ ENOSPC, "no space in the target's receive area" },
	{ ENOBUFS, "target's one-way share is full" },
	{ EDQUOT, "over this user's quota (area share, transactions or nodes)" },
	{ EACCES, "the receiver may not have the file (LSM)" },
	{ EMSGSIZE, "payload larger than the target's area" },
	{ E2BIG, "too many objects in the payload" },
	{ EMFILE, "receiver holds too many handles" },
	{ EINTR, "interrupted by a signal; the call was abandoned" },
	{ EREMOTEIO, "the reply could not be delivered" },
	{ EPROTO, "protocol misuse (nothing to reply to)" },
	{ EAGAIN, "no work queued" },
	{ ENOMEM, "out of memory" },
	{ EPROTONOSUPPORT, "driver speaks another sipc ABI version" },
	{ ENODATA, "parcel: no item left to read" },
	{ ENOMSG, "parcel: the next item has another type" },
	{ EBADMSG, "parcel: malformed" },
	{ EROFS, "parcel: being read, not written" },
	{ ETIMEDOUT, "timed out" },
	{ ENOTCONN, "parcel: not from a device (no handles to make)" },
	{ EBADRQC, "invalid request code: the service has no such method" },
};

SIPC_EXPORT const char *sipc_strerror(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(sipc_errors); i++)
		if (sipc_errors[i].err == err)
			return sipc_errors[i].text;
	return strerror(err);
}
