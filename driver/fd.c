// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors in payloads. The sender's files are pinned when the
 * payload is copied; the receiver gets descriptors only when it takes the
 * payload, in its own context, so a payload that is never taken costs the
 * receiver's descriptor table nothing and just drops its file references.
 */
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

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
		buf->fds = kcalloc(max, sizeof(*buf->fds), GFP_KERNEL_ACCOUNT);
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

/*
 * Files of a payload never handed over go back from a worker. A file's
 * last fput() in a task completes only when that task returns to user
 * space, and a receiver that refused a payload (its descriptor table
 * full) goes on waiting in the driver: a pipe's reader would see no EOF
 * until that receiver next had other work, for an idle one never.
 */
struct sipc_fd_drop {
	struct work_struct work;
	struct sipc_fd_fixup *fds;
	u32 nr_fds;
};

static struct workqueue_struct *sipc_fd_wq;

static void fd_put_all(struct sipc_fd_fixup *fds, u32 nr_fds)
{
	u32 i;

	for (i = 0; i < nr_fds; i++)
		if (fds[i].file)
			fput(fds[i].file);
	kfree(fds);
}

static void fd_drop_work(struct work_struct *work)
{
	struct sipc_fd_drop *d = container_of(work, struct sipc_fd_drop, work);

	fd_put_all(d->fds, d->nr_fds);
	kfree(d);
}

/* Drop the files not handed over (may sleep; no spinlock held). */
void sipc_fd_release(struct sipc_buffer *buf)
{
	struct sipc_fd_drop *d = NULL;
	u32 i;

	for (i = 0; i < buf->nr_fds; i++)
		if (buf->fds[i].file)
			break;
	if (i < buf->nr_fds)
		d = kmalloc(sizeof(*d), GFP_KERNEL);
	if (d) {
		INIT_WORK(&d->work, fd_drop_work);
		d->fds = buf->fds;
		d->nr_fds = buf->nr_fds;
		queue_work(sipc_fd_wq, &d->work);
	} else {
		/* None left to drop, or no memory: here, completed later. */
		fd_put_all(buf->fds, buf->nr_fds);
	}
	buf->fds = NULL;
	buf->nr_fds = 0;
}

int sipc_fd_init(void)
{
	/* Unbound: no CPU to stay on (7.x warns unless a queue says). */
	sipc_fd_wq = alloc_workqueue("sipc_fd", WQ_UNBOUND, 0);
	return sipc_fd_wq ? 0 : -ENOMEM;
}

/* Every file queued to go back has gone once this returns. */
void sipc_fd_exit(void)
{
	destroy_workqueue(sipc_fd_wq);
}

/*
 * Undo the first @n installs of a payload that cannot be taken whole. The
 * numbers are the receiver's own: only its own threads could have reused
 * one meanwhile, and close_fd() then closes what they put there.
 */
static void fd_uninstall(const int *fds, u32 n)
{
	while (n--)
		close_fd(fds[n]);
}

/*
 * The receiver takes the payload: give it a descriptor for each file, all
 * or none, and write the numbers into its copy. Receiver's context.
 * receive_fd() does what receiving a file means to the rest of the kernel
 * (the LSM's file_receive check, a socket's cgroup and netprio data), as
 * for SCM_RIGHTS; the fixup keeps its own reference until the buffer's
 * files are released below.
 */
int sipc_fd_install(struct sipc_area *area, struct sipc_buffer *buf)
{
	struct sipc_object obj;
	int *fds, ret = 0;
	u32 i;

	fds = kmalloc_array(buf->nr_fds, sizeof(*fds), GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	for (i = 0; i < buf->nr_fds; i++) {
		sipc_buffer_access(area, buf, buf->fds[i].offset, &obj,
				   sizeof(obj), false);
		fds[i] = receive_fd(buf->fds[i].file, NULL,
				    obj.flags & SIPC_OBJ_FD_CLOEXEC ?
				    O_CLOEXEC : 0);
		if (fds[i] < 0) {
			ret = fds[i];
			fd_uninstall(fds, i);
			kfree(fds);
			return ret;
		}
	}
	for (i = 0; i < buf->nr_fds; i++) {
		size_t off = buf->fds[i].offset;

		sipc_buffer_access(area, buf, off, &obj, sizeof(obj), false);
		obj.fd = fds[i];
		sipc_buffer_access(area, buf, off, &obj, sizeof(obj), true);
	}
	kfree(fds);
	sipc_fd_release(buf);
	return 0;
}
