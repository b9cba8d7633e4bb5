// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sipc/failures (and each instance's): failed transactions as they
 * happen, for a monitor (sipcctl watch). Each open starts at the end of
 * the failed log; read() blocks until the next failure (EAGAIN with
 * O_NONBLOCK) and returns whole lines in failed_transaction_log's format,
 * the header first; poll() says when one is there. A reader that falls
 * more than log_size failures behind gets "# N lost" in their place. It
 * shows each reader only the rows it may see there (procfs.c), and ends
 * (EOF) when its device goes.
 */
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

/* Log entries formatted per read() at most. */
#define WATCH_BATCH	16

struct sipc_watch {
	struct sipc_device *dev;
	struct sipc_log_entry batch[WATCH_BATCH];
	u64 cursor;			/* failures logged before the next one */
	char *text;			/* formatted, not yet read */
	size_t len, off;
	bool header_done;
};

static int watch_open(struct inode *inode, struct file *file)
{
	struct sipc_device *dev = pde_data(inode);
	struct sipc_watch *w;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->text = kmalloc(WATCH_BATCH * SIPC_LOG_LINE_MAX + 64, GFP_KERNEL);
	if (!w->text) {
		kfree(w);
		return -ENOMEM;
	}
	w->dev = dev;
	w->cursor = sipc_log_total(&dev->stats, SIPC_LOG_FAILED);
	file->private_data = w;
	return stream_open(inode, file);
}

static int watch_release(struct inode *inode, struct file *file)
{
	struct sipc_watch *w = file->private_data;

	kfree(w->text);
	kfree(w);
	return 0;
}

static bool watch_ready(struct sipc_watch *w)
{
	return w->off < w->len || !w->header_done ||
	       READ_ONCE(w->dev->stats.closing) ||
	       sipc_log_total(&w->dev->stats, SIPC_LOG_FAILED) > w->cursor;
}

/* Format what is new (as this reader may see it) into w->text. */
static void watch_fill(struct sipc_watch *w)
{
	struct sipc_log_entry *e = w->batch;
	size_t room = WATCH_BATCH * SIPC_LOG_LINE_MAX + 64;
	struct sipc_reader r;
	unsigned int n, i;
	u64 lost;

	w->len = 0;
	w->off = 0;
	if (!w->header_done) {
		w->len = scnprintf(w->text, room, "%s", SIPC_LOG_HEADER);
		w->header_done = true;
		return;
	}
	sipc_reader_init(&r);
	n = sipc_log_since(&w->dev->stats, SIPC_LOG_FAILED, &w->cursor, e,
			   WATCH_BATCH, &lost);
	if (lost)
		w->len += scnprintf(w->text + w->len, room - w->len,
				    "# %llu lost\n", lost);
	for (i = 0; i < n; i++)
		if (sipc_reader_sees_row(&r, e[i].from_pid, e[i].to_pid))
			w->len += sipc_log_format(w->text + w->len,
						  room - w->len, &r, &e[i]);
	sipc_log_put(e, n);
}

static ssize_t watch_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct sipc_watch *w = file->private_data;
	struct sipc_log *log = &w->dev->stats.logs[SIPC_LOG_FAILED];
	size_t len;
	int ret;

	while (w->off == w->len) {
		if (!watch_ready(w)) {
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			ret = wait_event_interruptible(log->wait,
						       watch_ready(w));
			if (ret)
				return ret;
		}
		if (READ_ONCE(w->dev->stats.closing))
			return 0;
		/* Rows this reader may not see leave nothing: wait again. */
		watch_fill(w);
	}
	len = min(count, w->len - w->off);
	if (copy_to_user(buf, w->text + w->off, len))
		return -EFAULT;
	w->off += len;
	return len;
}

static __poll_t watch_poll(struct file *file, struct poll_table_struct *pt)
{
	struct sipc_watch *w = file->private_data;

	poll_wait(file, &w->dev->stats.logs[SIPC_LOG_FAILED].wait, pt);
	if (READ_ONCE(w->dev->stats.closing))
		return EPOLLIN | EPOLLHUP;
	return watch_ready(w) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct proc_ops watch_ops = {
	.proc_open = watch_open,
	.proc_read = watch_read,
	.proc_poll = watch_poll,
	.proc_release = watch_release,
	.proc_lseek = noop_llseek,
};

int sipc_watch_add(struct sipc_device *dev, struct proc_dir_entry *dir)
{
	return proc_create_data("failures", 0444, dir, &watch_ops, dev) ?
	       0 : -ENOMEM;
}
