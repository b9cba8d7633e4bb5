// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors in payloads. The sender's files are pinned when the
 * payload is copied; the receiver gets descriptors only when it takes the
 * payload, in its own context, so a payload that is never taken costs the
 * receiver's descriptor table nothing and just drops its file references.
 */
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/slab.h>

#include "sipc_internal.h"

/* Pin the sender's file behind @obj (sender's context, no lock held). */
int sipc_fd_translate(struct sipc_buffer *buf, size_t offset,
		      struct sipc_object *obj, size_t max)
{
	struct sipc_fd_fixup *fix;
	struct file *file;

	if (obj->flags & ~SIPC_OBJ_FD_CLOEXEC || obj->raw >> 32)
		return -EINVAL;
	if (!buf->fds) {
		buf->fds = kcalloc(max, sizeof(*buf->fds), GFP_KERNEL);
		if (!buf->fds)
			return -ENOMEM;
	}
	file = fget(obj->fd);
	if (!file)
		return -EBADF;
	/* A sipc descriptor in flight could pin its own receiver forever. */
	if (sipc_is_device_file(file)) {
		fput(file);
		return -EINVAL;
	}
	fix = &buf->fds[buf->nr_fds++];
	fix->offset = offset;
	fix->file = file;
	obj->raw = 0;
	obj->fd = -1;
	return 0;
}

/* Drop the files not handed over (no lock held). */
void sipc_fd_release(struct sipc_buffer *buf)
{
	u32 i;

	for (i = 0; i < buf->nr_fds; i++)
		if (buf->fds[i].file)
			fput(buf->fds[i].file);
	kfree(buf->fds);
	buf->fds = NULL;
	buf->nr_fds = 0;
}

/*
 * The receiver takes the payload: give it a descriptor for each file, all
 * or none, and write the numbers into its copy. Receiver's context.
 */
int sipc_fd_install(struct sipc_area *area, struct sipc_buffer *buf)
{
	struct sipc_object obj;
	int *fds, ret = 0;
	u32 i, n;

	fds = kmalloc_array(buf->nr_fds, sizeof(*fds), GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	for (n = 0; n < buf->nr_fds; n++) {
		sipc_buffer_access(area, buf, buf->fds[n].offset, &obj,
				   sizeof(obj), false);
		fds[n] = get_unused_fd_flags(obj.flags & SIPC_OBJ_FD_CLOEXEC ?
					     O_CLOEXEC : 0);
		if (fds[n] < 0) {
			ret = fds[n];
			break;
		}
	}
	if (ret) {
		for (i = 0; i < n; i++)
			put_unused_fd(fds[i]);
		kfree(fds);
		return ret;
	}
	for (i = 0; i < n; i++) {
		struct sipc_fd_fixup *fix = &buf->fds[i];

		sipc_buffer_access(area, buf, fix->offset, &obj, sizeof(obj),
				   false);
		obj.fd = fds[i];
		sipc_buffer_access(area, buf, fix->offset, &obj, sizeof(obj),
				   true);
		fd_install(fds[i], fix->file);
		fix->file = NULL;
	}
	kfree(fds);
	sipc_fd_release(buf);
	return 0;
}
