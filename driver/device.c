// SPDX-License-Identifier: GPL-2.0
/*
 * Device instances: /dev/sipc, and isolated /dev/sipc-<name> devices made
 * by the "instances" module parameter or, at run time, by root through
 * /dev/sipc-control. Each has its own graph lock, context manager, handles
 * and statistics; nothing can name an object of another instance.
 */
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

static LIST_HEAD(sipc_devices);
static DEFINE_MUTEX(sipc_devices_lock);	/* the list, nr_open, removing */

static char *instances;
module_param(instances, charp, 0444);
MODULE_PARM_DESC(instances,
		 "Comma-separated names of /dev/sipc-<name> instances to create at load");

static bool valid_name(const char *name)
{
	size_t i, len = strnlen(name, SIPC_INSTANCE_NAME_MAX);

	if (!len || len == SIPC_INSTANCE_NAME_MAX || !strcmp(name, "control"))
		return false;
	for (i = 0; i < len; i++)
		if (!islower(name[i]) && !isdigit(name[i]) &&
		    name[i] != '-' && name[i] != '_')
			return false;
	return true;
}

static struct sipc_device *find_instance(const char *name)
{
	struct sipc_device *dev;

	list_for_each_entry(dev, &sipc_devices, entry)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

static void instance_free(struct kref *kref)
{
	struct sipc_device *dev = container_of(kref, struct sipc_device, kref);

	sipc_leak_check(&dev->stats, dev->node_name);
	sipc_stats_destroy(&dev->stats);
	kfree(dev);
}

void sipc_device_put(struct sipc_device *dev)
{
	kref_put(&dev->kref, instance_free);
}

/* A file is opened on @dev: refused once its removal has begun. */
int sipc_device_open(struct sipc_device *dev)
{
	int ret = 0;

	mutex_lock(&sipc_devices_lock);
	if (dev->removing) {
		ret = -ENODEV;
	} else {
		dev->nr_open++;
		kref_get(&dev->kref);
	}
	mutex_unlock(&sipc_devices_lock);
	return ret;
}

void sipc_device_close(struct sipc_device *dev)
{
	mutex_lock(&sipc_devices_lock);
	dev->nr_open--;
	mutex_unlock(&sipc_devices_lock);
}

/* Make and publish an instance; "" is the default /dev/sipc. */
static int instance_add(const char *name)
{
	struct sipc_device *dev;
	int ret;

	if (*name && !valid_name(name))
		return -EINVAL;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	kref_init(&dev->kref);
	strscpy(dev->name, name, sizeof(dev->name));
	snprintf(dev->node_name, sizeof(dev->node_name), *name ? "sipc-%s" :
		 "sipc", name);
	spin_lock_init(&dev->lock);
	INIT_LIST_HEAD(&dev->txns);
	init_waitqueue_head(&dev->freeze_wait);
	spin_lock_init(&dev->channels_lock);
	INIT_LIST_HEAD(&dev->channels);
	INIT_LIST_HEAD(&dev->procs);
	INIT_LIST_HEAD(&dev->pid_entries);
	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = dev->node_name;
	dev->misc.fops = &sipc_fops;
	dev->misc.mode = 0666;
	ret = sipc_stats_init(&dev->stats);
	if (ret) {
		kfree(dev);
		return ret;
	}

	/* Listed first, so the name is ours; not removable until added. */
	mutex_lock(&sipc_devices_lock);
	if (find_instance(name)) {
		mutex_unlock(&sipc_devices_lock);
		sipc_device_put(dev);
		return -EEXIST;
	}
	dev->adding = true;
	list_add_tail(&dev->entry, &sipc_devices);
	mutex_unlock(&sipc_devices_lock);

	/* Not under our mutex: open() takes it with misc_mtx held. */
	ret = sipc_procfs_add_device(dev);
	if (!ret) {
		ret = misc_register(&dev->misc);
		if (ret)
			sipc_procfs_remove_device(dev);
	}

	mutex_lock(&sipc_devices_lock);
	dev->adding = false;
	if (ret)
		list_del(&dev->entry);
	mutex_unlock(&sipc_devices_lock);
	if (ret)
		sipc_device_put(dev);
	return ret;
}

/* Unpublish @dev: no new file can open it; it goes with its last user. */
static void instance_unpublish(struct sipc_device *dev)
{
	misc_deregister(&dev->misc);
	sipc_procfs_remove_device(dev);
	sipc_device_put(dev);
}

static int instance_remove(const char *name)
{
	struct sipc_device *dev;

	if (!valid_name(name))
		return -EINVAL;
	mutex_lock(&sipc_devices_lock);
	dev = find_instance(name);
	if (!dev) {
		mutex_unlock(&sipc_devices_lock);
		return -ENOENT;
	}
	if (dev->nr_open || dev->adding) {
		mutex_unlock(&sipc_devices_lock);
		return -EBUSY;
	}
	dev->removing = true;
	list_del(&dev->entry);
	mutex_unlock(&sipc_devices_lock);
	/* misc_deregister() waits for an open() in flight, which fails. */
	instance_unpublish(dev);
	return 0;
}

static long sipc_control_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct sipc_instance inst;

	if (cmd != SIPC_CTL_ADD_INSTANCE && cmd != SIPC_CTL_REMOVE_INSTANCE)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&inst, (void __user *)arg, sizeof(inst)))
		return -EFAULT;
	if (!memchr(inst.name, 0, sizeof(inst.name)))
		return -EINVAL;
	if (!valid_name(inst.name))
		return -EINVAL;
	if (cmd == SIPC_CTL_ADD_INSTANCE)
		return instance_add(inst.name);
	return instance_remove(inst.name);
}

static const struct file_operations sipc_control_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sipc_control_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice sipc_control = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sipc-control",
	.fops = &sipc_control_fops,
	.mode = 0600,
};

static int add_param_instances(void)
{
	char *list, *cur, *name;
	int ret = 0;

	if (!instances || !*instances)
		return 0;
	list = kstrdup(instances, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((name = strsep(&cur, ",")) && !ret)
		if (*name)
			ret = instance_add(name);
	kfree(list);
	if (ret)
		pr_err("sipc: instances=%s: %d\n", instances, ret);
	return ret;
}

static bool control_registered;

void sipc_devices_exit(void)
{
	struct sipc_device *dev, *tmp;

	if (control_registered)
		misc_deregister(&sipc_control);
	control_registered = false;
	mutex_lock(&sipc_devices_lock);
	list_for_each_entry_safe(dev, tmp, &sipc_devices, entry) {
		dev->removing = true;
		list_del(&dev->entry);
		mutex_unlock(&sipc_devices_lock);
		instance_unpublish(dev);
		mutex_lock(&sipc_devices_lock);
	}
	mutex_unlock(&sipc_devices_lock);
}

int sipc_devices_init(void)
{
	int ret;

	ret = instance_add("");
	if (!ret)
		ret = add_param_instances();
	if (!ret)
		ret = misc_register(&sipc_control);
	if (ret)
		sipc_devices_exit();
	else
		control_registered = true;
	return ret;
}

/*
 * Take the graph lock, counted (graph_lock_taken), and counted again when
 * it was held by another and we had to wait (graph_lock_contended): how
 * often independent pairs of processes meet on this one lock.
 */
void sipc_graph_lock(struct sipc_device *dev)
	__acquires(&dev->lock)
{
	sipc_count(&dev->stats, SIPC_CNT_GRAPH_LOCKED);
	if (likely(spin_trylock(&dev->lock)))
		return;
	sipc_count(&dev->stats, SIPC_CNT_GRAPH_CONTENDED);
	spin_lock(&dev->lock);
}
