// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: the registry client. Every operation is a call to handle 0,
 * whose process (sipc-servicemanager) maps names to handles; the protocol
 * is in sipc.h. Waiting for a name polls, backing off up to 50 ms.
 */
#include <errno.h>
#include <time.h>

#include "libsipc.h"

#define LIST_MAX_ROUNDS	1024

SIPC_EXPORT bool sipc_name_valid(const char *name)
{
	size_t i;

	if (!name || !name[0])
		return false;
	for (i = 0; name[i]; i++) {
		if (i >= SIPC_NAME_MAX - 1)
			return false;
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	}
	return true;
}

SIPC_EXPORT int sipc_registry_add(struct sipc *s, const char *name,
				  struct sipc_node *node)
{
	struct sipc_parcel req;
	int ret;

	if (!sipc_name_valid(name) || !node)
		return -EINVAL;
	sipc_parcel_init(&req);
	sipc_parcel_put_string(&req, name);
	sipc_parcel_put_node(&req, node);
	ret = sipc_call(sipc_context_manager(s), SIPC_REGISTRY_ADD, &req,
			NULL);
	sipc_parcel_fini(&req);
	return ret;
}

SIPC_EXPORT int sipc_registry_check(struct sipc *s, const char *name,
				    struct sipc_handle **out)
{
	struct sipc_parcel req, reply;
	int ret;

	*out = NULL;
	if (!sipc_name_valid(name))
		return -EINVAL;
	sipc_parcel_init(&req);
	sipc_parcel_init(&reply);
	sipc_parcel_put_string(&req, name);
	ret = sipc_call(sipc_context_manager(s), SIPC_REGISTRY_CHECK, &req,
			&reply);
	if (!ret)
		ret = sipc_parcel_get_handle(&reply, out);
	else if (ret > 0)
		ret = -EPROTO;
	sipc_parcel_fini(&req);
	sipc_parcel_fini(&reply);
	return ret;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

SIPC_EXPORT int sipc_registry_get(struct sipc *s, const char *name,
				  int timeout_ms, struct sipc_handle **out)
{
	double end = now_ms() + timeout_ms, left;
	long delay_us = 1000;
	struct timespec ts;
	int ret;

	for (;;) {
		ret = sipc_registry_check(s, name, out);
		/* Not there yet, or no manager yet: both may change. */
		if (ret != -ENOENT && ret != -ESRCH)
			return ret;
		left = end - now_ms();
		if (timeout_ms >= 0 && left <= 0)
			return -ETIMEDOUT;
		if (timeout_ms >= 0 && delay_us > left * 1000)
			delay_us = (long)(left * 1000) + 1;
		ts.tv_sec = delay_us / 1000000;
		ts.tv_nsec = delay_us % 1000000 * 1000;
		nanosleep(&ts, NULL);
		if (delay_us < 50 * 1000)
			delay_us *= 2;
	}
}

/* One reply of LIST: @fn for each entry; how many were read, or -errno. */
static int list_entries(struct sipc_parcel *reply, __u32 n,
			int (*fn)(const struct sipc_service_info *info,
				  void *arg),
			void *arg, bool *stop)
{
	struct sipc_service_info info;
	__u32 i, pid, uid;
	int ret;

	for (i = 0; i < n; i++) {
		ret = sipc_parcel_get_string(reply, &info.name, NULL);
		if (!ret)
			ret = sipc_parcel_get_u32(reply, &pid);
		if (!ret)
			ret = sipc_parcel_get_u32(reply, &uid);
		if (ret)
			return ret;
		info.pid = (pid_t)pid;
		info.uid = (uid_t)uid;
		if (!*stop && fn(&info, arg))
			*stop = true;
	}
	return (int)n;
}

SIPC_EXPORT int sipc_registry_list(struct sipc *s,
				   int (*fn)(const struct sipc_service_info *info,
					     void *arg),
				   void *arg)
{
	struct sipc_parcel req, reply;
	__u32 first = 0, total, n;
	bool stop = false;
	int ret, round;

	sipc_parcel_init(&req);
	sipc_parcel_init(&reply);
	for (round = 0; round < LIST_MAX_ROUNDS && !stop; round++) {
		sipc_parcel_reset(&req);
		sipc_parcel_put_u32(&req, first);
		ret = sipc_call(sipc_context_manager(s), SIPC_REGISTRY_LIST,
				&req, &reply);
		if (ret > 0)
			ret = -EPROTO;
		if (!ret)
			ret = sipc_parcel_get_u32(&reply, &total);
		if (!ret)
			ret = sipc_parcel_get_u32(&reply, &n);
		if (!ret)
			ret = list_entries(&reply, n, fn, arg, &stop);
		if (ret < 0)
			break;
		first += n;
		ret = (int)first;
		if (!n || first >= total)
			break;
	}
	sipc_parcel_fini(&req);
	sipc_parcel_fini(&reply);
	return ret;
}
