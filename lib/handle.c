// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: handle objects. One library object per handle number, shared
 * by everyone in the process who holds it, holding one driver reference
 * (SIPC_IOC_ACQUIRE) for as long as it lives; and the death notices on
 * it, one driver notice fanned out to any number of callbacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "libsipc.h"

static unsigned int bucket(__u32 id)
{
	return (id * 2654435761U) % SIPC_HASH_BUCKETS;
}

void sipc_handle_table_init(struct sipc *s)
{
	s->mgr.s = s;
	s->mgr.id = SIPC_CONTEXT_MGR_HANDLE;
	s->mgr.is_static = true;
	atomic_init(&s->mgr.refs, 1);
}

static void free_links(struct sipc_death_link *l)
{
	struct sipc_death_link *next;

	for (; l; l = next) {
		next = l->next;
		free(l);
	}
}

/* sipc_close(): the driver drops its references with the descriptor. */
void sipc_handle_table_free(struct sipc *s)
{
	struct sipc_handle *h, *next;
	unsigned int i;

	for (i = 0; i < SIPC_HASH_BUCKETS; i++) {
		for (h = s->handles[i]; h; h = next) {
			next = h->next;
			free_links(h->links);
			free(h);
		}
		s->handles[i] = NULL;
	}
}

/* Under s->lock. */
static struct sipc_handle *lookup(struct sipc *s, __u32 id)
{
	struct sipc_handle *h;

	if (id == SIPC_CONTEXT_MGR_HANDLE)
		return &s->mgr;
	for (h = s->handles[bucket(id)]; h; h = h->next)
		if (h->id == id)
			return h;
	return NULL;
}

static int handle_ioctl(struct sipc *s, unsigned long cmd, __u32 id)
{
	return sipc_ioctl_err(ioctl(s->fd, cmd, &id));
}

SIPC_EXPORT struct sipc_handle *sipc_context_manager(struct sipc *s)
{
	return &s->mgr;
}

SIPC_EXPORT int sipc_handle_from_id(struct sipc *s, __u32 id,
				    struct sipc_handle **out)
{
	struct sipc_handle *h, *fresh;
	int ret;

	pthread_mutex_lock(&s->lock);
	h = lookup(s, id);
	if (h)
		atomic_fetch_add(&h->refs, 1);
	pthread_mutex_unlock(&s->lock);
	if (h) {
		*out = h;
		return 0;
	}

	fresh = calloc(1, sizeof(*fresh));
	if (!fresh)
		return -ENOMEM;
	ret = handle_ioctl(s, SIPC_IOC_ACQUIRE, id);
	if (ret) {
		free(fresh);
		return ret;
	}
	fresh->s = s;
	fresh->id = id;
	atomic_init(&fresh->refs, 1);

	pthread_mutex_lock(&s->lock);
	h = lookup(s, id);
	if (h) {
		/* Someone made it meanwhile: use theirs, drop our extra. */
		atomic_fetch_add(&h->refs, 1);
	} else {
		fresh->next = s->handles[bucket(id)];
		s->handles[bucket(id)] = fresh;
		h = fresh;
		fresh = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	if (fresh) {
		handle_ioctl(s, SIPC_IOC_RELEASE, id);
		free(fresh);
	}
	*out = h;
	return 0;
}

SIPC_EXPORT struct sipc_handle *sipc_handle_get(struct sipc_handle *h)
{
	if (h && !h->is_static)
		atomic_fetch_add(&h->refs, 1);
	return h;
}

static void unlink_locked(struct sipc *s, struct sipc_handle *h)
{
	struct sipc_handle **pp = &s->handles[bucket(h->id)];

	while (*pp && *pp != h)
		pp = &(*pp)->next;
	if (*pp)
		*pp = h->next;
}

SIPC_EXPORT void sipc_handle_put(struct sipc_handle *h)
{
	struct sipc *s;
	bool last;

	if (!h || h->is_static)
		return;
	s = h->s;
	/* Under the lock, so a lookup cannot revive it half-way. */
	pthread_mutex_lock(&s->lock);
	last = atomic_fetch_sub(&h->refs, 1) == 1;
	if (last)
		unlink_locked(s, h);
	pthread_mutex_unlock(&s->lock);
	if (!last)
		return;
	if (h->death_requested) {
		struct sipc_death_request dr = { .handle = h->id,
						 .cookie = h->id };

		/* ENOENT: the notice is on its way; it will find no one. */
		ioctl(s->fd, SIPC_IOC_DEATH_CLEAR, &dr);
	}
	handle_ioctl(s, SIPC_IOC_RELEASE, h->id);
	free_links(h->links);
	free(h);
}

SIPC_EXPORT __u32 sipc_handle_id(const struct sipc_handle *h)
{
	return h->id;
}

SIPC_EXPORT bool sipc_handle_is_dead(const struct sipc_handle *h)
{
	return atomic_load(&h->dead);
}

SIPC_EXPORT int sipc_handle_link_death(struct sipc_handle *h,
				       void (*fn)(struct sipc_handle *h,
						  void *data),
				       void *data)
{
	struct sipc_death_request dr = { .handle = h->id, .cookie = h->id };
	struct sipc *s = h->s;
	struct sipc_death_link *l;
	int ret = 0;

	if (h->is_static || !fn)
		return -EINVAL;
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->fn = fn;
	l->data = data;
	pthread_mutex_lock(&s->lock);
	if (!h->death_requested) {
		ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_DEATH_REQUEST, &dr));
		if (!ret)
			h->death_requested = true;
	}
	if (!ret) {
		l->next = h->links;
		h->links = l;
		l = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	free(l);
	return ret;
}

SIPC_EXPORT int sipc_handle_unlink_death(struct sipc_handle *h,
					 void (*fn)(struct sipc_handle *h,
						    void *data),
					 void *data)
{
	struct sipc_death_request dr = { .handle = h->id, .cookie = h->id };
	struct sipc_death_link **pp, *found = NULL;
	struct sipc *s = h->s;

	pthread_mutex_lock(&s->lock);
	for (pp = &h->links; *pp; pp = &(*pp)->next) {
		if ((*pp)->fn == fn && (*pp)->data == data) {
			found = *pp;
			*pp = found->next;
			break;
		}
	}
	if (found && !h->links && h->death_requested) {
		/* ENOENT: already queued; it will arrive to no callback. */
		ioctl(s->fd, SIPC_IOC_DEATH_CLEAR, &dr);
		h->death_requested = false;
	}
	pthread_mutex_unlock(&s->lock);
	if (!found)
		return -ENOENT;
	free(found);
	return 0;
}

/* SIPC_EV_DEATH: the cookie is the handle's number. */
void sipc_handle_death(struct sipc *s, __u64 cookie)
{
	struct sipc_death_link *links = NULL, *l;
	struct sipc_handle *h;

	if (cookie > UINT32_MAX)
		return;
	pthread_mutex_lock(&s->lock);
	h = lookup(s, (__u32)cookie);
	if (h && !h->is_static) {
		atomic_fetch_add(&h->refs, 1);
		atomic_store(&h->dead, true);
		/* The driver's notice is spent: each callback runs once. */
		h->death_requested = false;
		links = h->links;
		h->links = NULL;
	} else {
		h = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	if (!h)
		return;
	for (l = links; l; l = l->next)
		l->fn(h, l->data);
	free_links(links);
	sipc_handle_put(h);
}
