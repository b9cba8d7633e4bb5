// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/module/sipc/features/: one read-only file per optional feature of
 * this driver, reading "1", as binderfs has features/. A program asks for
 * the one it needs by name (libsipc: sipc_has_feature()) instead of
 * deducing it from the ABI version; a driver without the file lacks it.
 * Each new ABI addition adds its file here and bumps SIPC_VERSION_MINOR.
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "sipc_internal.h"

static ssize_t feature_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "1\n");
}

#define SIPC_FEATURE(name) \
	static struct kobj_attribute feature_##name = __ATTR(name, 0444, \
							     feature_show, NULL)

SIPC_FEATURE(looper_decline);		/* 1.1: SIPC_LOOPER_DECLINE */
SIPC_FEATURE(gather);			/* 1.2: SIPC_SEND_GATHER */
SIPC_FEATURE(priority_inheritance);	/* 1.3: calls run at the caller's */
SIPC_FEATURE(node_min_sched);		/* 1.3: sipc_node_info.sched */
SIPC_FEATURE(failure_watch);		/* 1.3: /proc/sipc/failures */
SIPC_FEATURE(txn_secctx);		/* 1.3: SIPC_NODE_TXN_SECCTX */
SIPC_FEATURE(freeze);			/* 1.3: SIPC_IOC_FREEZE and its kin */
SIPC_FEATURE(channels);			/* 1.4: SIPC_IOC_CHANNEL_* */
SIPC_FEATURE(async_call);		/* 1.4: SIPC_SEND_CALL_ASYNC, timeouts */

static struct attribute *feature_attrs[] = {
	&feature_looper_decline.attr,
	&feature_gather.attr,
	&feature_priority_inheritance.attr,
	&feature_node_min_sched.attr,
	&feature_failure_watch.attr,
	&feature_txn_secctx.attr,
	&feature_freeze.attr,
	&feature_channels.attr,
	&feature_async_call.attr,
	NULL,
};

static const struct attribute_group feature_group = {
	.attrs = feature_attrs,
};

static struct kobject *features_kobj;

int sipc_features_init(void)
{
	int ret;

	features_kobj = kobject_create_and_add("features",
					       &THIS_MODULE->mkobj.kobj);
	if (!features_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(features_kobj, &feature_group);
	if (ret) {
		kobject_put(features_kobj);
		features_kobj = NULL;
	}
	return ret;
}

void sipc_features_exit(void)
{
	sysfs_remove_group(features_kobj, &feature_group);
	kobject_put(features_kobj);
}
