/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels sipc supports, Linux 6.1 to the
 * newest release, lives here: the driver is written against the newest
 * kernel's API, and each block below gives an older kernel what it lacks.
 * Whether a kernel has an API is a feature test (driver/compat.mk looks in
 * the headers it builds against), not a version number, so a distribution
 * kernel with a backport gets its own API. Each block names the kernel
 * that made it necessary: delete it when sipc drops the kernels before.
 */
#ifndef SIPC_COMPAT_H
#define SIPC_COMPAT_H

#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/security.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

/* 6.3: vma->vm_flags became read-only, changed through these two. */
#ifndef SIPC_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/*
 * 6.7: shrinkers became objects the kernel allocates (shrinker_alloc(),
 * shrinker_register(), shrinker_free()). Before, the caller embedded one
 * and register_shrinker() named and registered it in one step; the name
 * waits here until then.
 */
#ifndef SIPC_HAVE_SHRINKER_ALLOC
struct sipc_compat_shrinker {
	struct shrinker shrinker;
	char name[32];
};

static inline __printf(2, 3) struct shrinker *
shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct sipc_compat_shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);
	va_list args;

	if (!s)
		return NULL;
	va_start(args, fmt);
	vsnprintf(s->name, sizeof(s->name), fmt, args);
	va_end(args);
	s->shrinker.flags = flags;
	s->shrinker.seeks = DEFAULT_SEEKS;
	return &s->shrinker;
}

/*
 * register_shrinker() allocates and so may fail, where 6.7's
 * shrinker_register() cannot: the module then runs without reclaim of
 * cached pages, and says so.
 */
static inline void shrinker_register(struct shrinker *shrinker)
{
	struct sipc_compat_shrinker *s =
		container_of(shrinker, struct sipc_compat_shrinker, shrinker);

	if (register_shrinker(shrinker, "%s", s->name))
		pr_warn("sipc: shrinker %s not registered: cached pages stay until their area goes\n",
			s->name);
}

static inline void shrinker_free(struct shrinker *shrinker)
{
	if (!shrinker)
		return;
	unregister_shrinker(shrinker);
	kfree(container_of(shrinker, struct sipc_compat_shrinker, shrinker));
}
#endif

/*
 * 6.9: receive_fd() took a user pointer to write the new descriptor's
 * number to before installing it (receive_fd_user() did, before). sipc
 * writes numbers into the receiver's area itself and always passes NULL,
 * which the older, pointer-less receive_fd() is.
 */
#ifndef SIPC_HAVE_RECEIVE_FD_UFD
static inline int sipc_compat_receive_fd(struct file *file, int __user *ufd,
					 unsigned int o_flags)
{
	return receive_fd(file, o_flags);
}

#define receive_fd(file, ufd, o_flags) sipc_compat_receive_fd(file, ufd, o_flags)
#endif

/*
 * The current task's LSM security context as text (secctx.c). 6.14 gave
 * the LSM interfaces struct lsm_prop and struct lsm_context in place of a
 * secid and a (pointer, length) pair.
 */
#ifdef SIPC_HAVE_LSMPROP_TO_SECCTX
#include <uapi/linux/lsm.h>

struct sipc_secctx {
	struct lsm_context ctx;
};

static inline int sipc_secctx_current(struct sipc_secctx *s)
{
	struct lsm_prop prop;
	int ret;

	security_current_getlsmprop_subj(&prop);
	ret = security_lsmprop_to_secctx(&prop, &s->ctx, LSM_ID_UNDEF);
	return ret < 0 ? ret : 0;
}

static inline char *sipc_secctx_text(const struct sipc_secctx *s)
{
	return s->ctx.context;
}

static inline u32 sipc_secctx_len(const struct sipc_secctx *s)
{
	return s->ctx.context ? s->ctx.len : 0;
}

static inline void sipc_secctx_release(struct sipc_secctx *s)
{
	if (s->ctx.context)
		security_release_secctx(&s->ctx);
}
#else
struct sipc_secctx {
	char *context;
	u32 len;
};

static inline int sipc_secctx_current(struct sipc_secctx *s)
{
	u32 secid;

	security_current_getsecid_subj(&secid);
	return security_secid_to_secctx(secid, &s->context, &s->len);
}

static inline char *sipc_secctx_text(const struct sipc_secctx *s)
{
	return s->context;
}

static inline u32 sipc_secctx_len(const struct sipc_secctx *s)
{
	return s->context ? s->len : 0;
}

static inline void sipc_secctx_release(struct sipc_secctx *s)
{
	if (s->context)
		security_release_secctx(s->context, s->len);
}
#endif

#endif /* SIPC_COMPAT_H */
