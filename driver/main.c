// SPDX-License-Identifier: GPL-2.0
/*
 * sipc: the /dev/sipc misc device, its file operations and ioctl dispatch,
 * and the lifetime of a process's context (open to last put).
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

/* No process gets more than this, whatever the parameter asks. */
#define SIPC_AREA_HARD_MAX	SZ_1G

unsigned long sipc_max_area_size = 64UL << 20;

static int max_area_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned long size;
	int ret = kstrtoul(val, 0, &size);

	if (ret)
		return ret;
	if (size < SIPC_AREA_MIN_SIZE || size > SIPC_AREA_HARD_MAX ||
	    !PAGE_ALIGNED(size))
		return -EINVAL;
	WRITE_ONCE(sipc_max_area_size, size);
	return 0;
}

static const struct kernel_param_ops max_area_size_ops = {
	.set = max_area_size_set,
	.get = param_get_ulong,
};

module_param_cb(max_area_size, &max_area_size_ops, &sipc_max_area_size,
		0644);
MODULE_PARM_DESC(max_area_size,
		 "Largest receive area a process may map: bytes, page multiple, 64 KiB to 1 GiB");

int sipc_context_mgr_uid = -1;
module_param_named(context_mgr_uid, sipc_context_mgr_uid, int, 0644);
MODULE_PARM_DESC(context_mgr_uid,
		 "Only this uid (or CAP_SYS_ADMIN) may claim handle 0; -1: the uid of its first claimer on each device");

static int sipc_open(struct inode *inode, struct file *file)
{
	/* misc_open() left our miscdevice here. */
	struct sipc_device *dev = container_of(file->private_data,
					       struct sipc_device, misc);
	struct sipc_proc *proc;
	int ret;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL_ACCOUNT);
	if (!proc)
		return -ENOMEM;
	proc->user = sipc_user_get(file->f_cred->euid);
	if (!proc->user) {
		kfree(proc);
		return -ENOMEM;
	}
	ret = sipc_device_open(dev);
	if (ret) {
		sipc_user_put(proc->user);
		kfree(proc);
		return ret;
	}
	kref_init(&proc->kref);
	proc->dev = dev;
	proc->tgid = get_pid(task_tgid(current));
	proc->pid_ns = get_pid_ns(task_active_pid_ns(current));
	proc->cred = get_cred(file->f_cred);
	spin_lock_init(&proc->threads_lock);
	proc->threads = RB_ROOT;
	INIT_LIST_HEAD(&proc->todo);
	INIT_LIST_HEAD(&proc->waiting);
	init_waitqueue_head(&proc->poll_wait);
	proc->nodes = RB_ROOT;
	proc->refs_by_handle = RB_ROOT;
	proc->refs_by_node = RB_ROOT;
	proc->next_handle = 1;
	xa_init_flags(&proc->channels, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	INIT_LIST_HEAD(&proc->async_calls);
	sipc_area_init(&proc->area, proc, file);
	proc->pid = task_tgid_nr(current);
	get_task_comm(proc->comm, current->group_leader);
	sipc_count(&proc->dev->stats, SIPC_CNT_PROCS_CREATED);
	sipc_procfs_add(proc);
	file->private_data = proc;
	return 0;
}

void sipc_proc_get(struct sipc_proc *proc)
{
	kref_get(&proc->kref);
}

static void sipc_proc_free(struct kref *kref)
{
	struct sipc_proc *proc = container_of(kref, struct sipc_proc, kref);

	sipc_area_release(&proc->area);
	xa_destroy(&proc->channels);
	put_cred(proc->cred);
	sipc_user_put(proc->user);
	put_pid_ns(proc->pid_ns);
	put_pid(proc->tgid);
	sipc_count(&proc->dev->stats, SIPC_CNT_PROCS_FREED);
	sipc_device_put(proc->dev);
	kfree(proc);
}

/* Never called with a spinlock held: the last put frees the area. */
void sipc_proc_put(struct sipc_proc *proc)
{
	might_sleep();
	kref_put(&proc->kref, sipc_proc_free);
}

/*
 * The context dies with its opener: when the one mapping of its area goes
 * (the opener exited, or unmapped it; a fork child never inherits it), or
 * at the last close if that comes first. Nodes die and watchers hear it,
 * queued work fails back, handles go. A file that outlives it (in a fork
 * child, or in flight on a socket that one of its own payloads pins) keeps
 * only the remains that ->release frees, so such a cycle cannot hold a
 * dead process's objects, work or files, and is broken here.
 */
void sipc_proc_die(struct sipc_proc *proc)
{
	bool was_dead;

	sipc_graph_lock(proc->dev);
	was_dead = proc->dead;
	proc->dead = true;
	sipc_graph_unlock(proc->dev);
	if (was_dead)
		return;
	sipc_proc_unwind_threads(proc);
	sipc_proc_kill_objects(proc);
	sipc_channels_die(proc);
}

static int sipc_release(struct inode *inode, struct file *file)
{
	struct sipc_proc *proc = file->private_data;

	sipc_procfs_remove(proc);
	sipc_proc_die(proc);
	sipc_proc_free_threads(proc);
	sipc_device_close(proc->dev);
	sipc_proc_put(proc);
	return 0;
}

/* A close() by the opener wakes its idle threads so they can notice. */
static int sipc_flush(struct file *file, fl_owner_t id)
{
	struct sipc_proc *proc = file->private_data;

	if (proc->tgid == task_tgid(current))
		sipc_proc_flush(proc);
	return 0;
}

static bool sipc_is_opener(struct sipc_proc *proc)
{
	return proc->tgid == task_tgid(current);
}

static int sipc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct sipc_proc *proc = file->private_data;

	if (!sipc_is_opener(proc))
		return -EXDEV;
	if (sipc_channel_is_mmap(vma))
		return sipc_channel_mmap(proc, vma);
	return sipc_area_mmap(proc, vma);
}

static int sipc_ioctl_version(void __user *arg)
{
	struct sipc_version v = {
		.major = SIPC_VERSION_MAJOR,
		.minor = SIPC_VERSION_MINOR,
	};

	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static int sipc_ioctl_transact(struct sipc_proc *proc, void __user *arg)
{
	struct sipc_transact tr;
	struct sipc_thread *thread;
	int ret;

	if (copy_from_user(&tr, arg, offsetof(struct sipc_transact, out_flags)))
		return -EFAULT;
	thread = sipc_thread_get(proc);
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	tr.out_flags = 0;
	memset(&tr.ev, 0, sizeof(tr.ev));
	ret = sipc_transact(thread, &tr);
	if (copy_to_user((u8 __user *)arg +
			 offsetof(struct sipc_transact, out_flags),
			 &tr.out_flags,
			 sizeof(tr) - offsetof(struct sipc_transact, out_flags)))
		return ret ?: -EFAULT;
	return ret;
}

static int sipc_ioctl_thread(struct sipc_proc *proc, unsigned int cmd,
			     unsigned long arg)
{
	struct sipc_thread *thread = sipc_thread_get(proc);
	u32 val;

	if (IS_ERR(thread))
		return PTR_ERR(thread);
	if (cmd == SIPC_IOC_THREAD_EXIT) {
		sipc_thread_release(thread);
		return 0;
	}
	if (get_user(val, (u32 __user *)arg))
		return -EFAULT;
	return sipc_looper_enter(thread, val);
}

static int sipc_ioctl_max_threads(struct sipc_proc *proc, u32 __user *arg)
{
	u32 val;

	if (get_user(val, arg))
		return -EFAULT;
	if (val > SIPC_MAX_THREADS_LIMIT)
		return -EINVAL;
	sipc_graph_lock(proc->dev);
	proc->max_threads = val;
	sipc_graph_unlock(proc->dev);
	return 0;
}

static long sipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sipc_proc *proc = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (cmd == SIPC_IOC_VERSION)
		return sipc_ioctl_version(uarg);
	if (!sipc_is_opener(proc))
		return -EXDEV;

	switch (cmd) {
	case SIPC_IOC_TRANSACT:
		return sipc_ioctl_transact(proc, uarg);
	case SIPC_IOC_FREE_BUFFER: {
		u64 addr;

		if (get_user(addr, (u64 __user *)uarg))
			return -EFAULT;
		return sipc_free_buffer(proc, addr);
	}
	case SIPC_IOC_SET_MAX_THREADS:
		return sipc_ioctl_max_threads(proc, uarg);
	case SIPC_IOC_LOOPER_ENTER:
	case SIPC_IOC_THREAD_EXIT:
		return sipc_ioctl_thread(proc, cmd, arg);
	case SIPC_IOC_SET_CONTEXT_MGR:
	case SIPC_IOC_NODE_CREATE:
	case SIPC_IOC_NODE_DESTROY:
	case SIPC_IOC_ACQUIRE:
	case SIPC_IOC_RELEASE:
	case SIPC_IOC_DEATH_REQUEST:
	case SIPC_IOC_DEATH_CLEAR:
		return sipc_ioctl_object(proc, cmd, uarg);
	case SIPC_IOC_FREEZE:
	case SIPC_IOC_FROZEN_INFO:
	case SIPC_IOC_FREEZE_NOTIFY:
	case SIPC_IOC_FREEZE_NOTIFY_CLEAR:
		return sipc_ioctl_freeze(proc, cmd, uarg);
	case SIPC_IOC_CHANNEL_CREATE:
	case SIPC_IOC_CHANNEL_ACCEPT:
	case SIPC_IOC_CHANNEL_CLOSE:
	case SIPC_IOC_CHANNEL_WAIT:
	case SIPC_IOC_CHANNEL_KICK:
		return sipc_ioctl_channel(proc, cmd, uarg);
	case SIPC_IOC_CALL_CANCEL:
	case SIPC_IOC_SET_CALL_TIMEOUT:
		return sipc_ioctl_async(proc, cmd, uarg);
	default:
		return -ENOTTY;
	}
}

/*
 * Readable when the calling thread has work to take: its own, or the
 * process's while it serves nothing. An event loop polls, then takes the
 * work with SIPC_RECV_NONBLOCK on the same thread.
 */
static __poll_t sipc_poll(struct file *file, struct poll_table_struct *wait)
{
	struct sipc_proc *proc = file->private_data;
	struct sipc_thread *thread;

	if (!sipc_is_opener(proc))
		return EPOLLERR;
	thread = sipc_thread_get(proc);
	if (IS_ERR(thread))
		return EPOLLERR;
	return sipc_thread_poll(thread, file, wait);
}

bool sipc_is_device_file(struct file *file)
{
	return file->f_op == &sipc_fops;
}

const struct file_operations sipc_fops = {
	.owner = THIS_MODULE,
	.open = sipc_open,
	.release = sipc_release,
	.flush = sipc_flush,
	.mmap = sipc_mmap,
	.poll = sipc_poll,
	.unlocked_ioctl = sipc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static int __init sipc_init(void)
{
	int ret;

	ret = sipc_procfs_init();
	if (ret)
		return ret;
	ret = sipc_area_lru_init();
	if (ret)
		goto err_procfs;
	ret = sipc_fd_init();
	if (ret)
		goto err_lru;
	ret = sipc_features_init();
	if (ret)
		goto err_fd;
	ret = sipc_devices_init();
	if (ret)
		goto err_features;
	return 0;

err_features:
	sipc_features_exit();
err_fd:
	sipc_fd_exit();
err_lru:
	sipc_area_lru_exit();
err_procfs:
	sipc_procfs_exit();
	return ret;
}

static void __exit sipc_exit(void)
{
	/* No file is open: every device goes, checking it leaked nothing. */
	sipc_devices_exit();
	sipc_features_exit();
	sipc_fd_exit();
	sipc_area_lru_exit();
	sipc_procfs_exit();
}

module_init(sipc_init);
module_exit(sipc_exit);

MODULE_DESCRIPTION("sipc: Binder-style one-copy IPC");
MODULE_AUTHOR("The sipc developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(SIPC_MODULE_VERSION);
