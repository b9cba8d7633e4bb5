// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: shared regions. A region is a memfd, written by its creator and
 * then sealed against every change (F_SEAL_WRITE, SHRINK, GROW, SEAL)
 * before it is sent as a file descriptor: the receiver checks the seals
 * and maps it read-only, and can trust that what it reads will not change
 * under it. Nothing else names the memory, so only the processes holding a
 * descriptor or a mapping of it can reach it, and it is freed when the
 * last of them lets go. sipc_parcel_put_blob() picks the region or a plain
 * copy into the receiver's area by size (SIPC_REGION_THRESHOLD).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "libsipc.h"

/* The largest receive area: a blob from this size on only fits a region. */
#define REGION_SEALED_MIN	(64UL * 1024 * 1024)
#define REGION_SEALS	(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_SEAL)
/* What a receiver needs to trust a region: bytes and size fixed for good. */
#define REGION_TRUSTED	(F_SEAL_WRITE | F_SEAL_SHRINK)

struct sipc_region {
	int fd;
	size_t size;
	void *map;		/* a view of it, or NULL */
	bool writable;		/* map is the creator's, before the seal */
	bool sealed;
};

static int map_view(int fd, size_t size, bool writable, void **addr)
{
	void *m;

	if (writable) {
		m = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, fd, 0);
	} else {
		/* Faulted in as read, a window at a time: no more than that. */
		m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
		/*
		 * Some kernels refuse a shared mapping of a write-sealed
		 * memfd through a writable descriptor, even a read-only one
		 * (before Linux 6.7, unless fixed in stable). A private
		 * read-only view shows the very same pages, which nobody can
		 * write any more.
		 */
		if (m == MAP_FAILED && errno == EPERM)
			m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	if (m == MAP_FAILED)
		return -errno;
	*addr = m;
	return 0;
}

/* Check @fd is a region that can be trusted, of @size bytes, and map it. */
int sipc_region_map_fd(int fd, size_t size, void **addr)
{
	struct stat st;
	int seals;

	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0)
		return errno == EINVAL ? -EBADMSG : -errno;
	if ((seals & REGION_TRUSTED) != REGION_TRUSTED)
		return -EPERM;
	if (fstat(fd, &st))
		return -errno;
	if (!size || st.st_size < 0 || (__u64)st.st_size != size)
		return -EBADMSG;
	return map_view(fd, size, false, addr);
}

int sipc_region_wrap(int fd, size_t size, void *addr, struct sipc_region **out)
{
	struct sipc_region *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->fd = fd;
	r->size = size;
	r->map = addr;
	r->sealed = true;
	*out = r;
	return 0;
}

static int region_new(size_t size, struct sipc_region **out)
{
	struct sipc_region *r;

	*out = NULL;
	if (!size || size > (size_t)INT64_MAX)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->size = size;
	r->fd = memfd_create("sipc-region", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (r->fd < 0 || ftruncate(r->fd, (off_t)size)) {
		int ret = -errno;

		sipc_region_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

SIPC_EXPORT int sipc_region_create(size_t size, struct sipc_region **out)
{
	struct sipc_region *r;
	int ret = region_new(size, &r);

	if (ret)
		return ret;
	ret = map_view(r->fd, size, true, &r->map);
	if (ret) {
		sipc_region_free(r);
		return ret;
	}
	r->writable = true;
	*out = r;
	return 0;
}

SIPC_EXPORT int sipc_region_seal(struct sipc_region *r)
{
	if (r->sealed)
		return 0;
	/* F_SEAL_WRITE waits for no writable mapping: ours goes first. */
	if (r->map && r->writable) {
		munmap(r->map, r->size);
		r->map = NULL;
		r->writable = false;
	}
	if (fcntl(r->fd, F_ADD_SEALS, REGION_SEALS))
		return -errno;
	r->sealed = true;
	return 0;
}

SIPC_EXPORT int sipc_region_copy(const void *data, size_t len,
				 struct sipc_region **out)
{
	const unsigned char *src = data;
	struct sipc_region *r;
	size_t done = 0;
	ssize_t n;
	int ret;

	if (!data)
		return -EINVAL;
	ret = region_new(len, &r);
	if (ret)
		return ret;
	/* Written through the descriptor: no mapping, no page faults. */
	while (done < len) {
		n = pwrite(r->fd, src + done, len - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			goto fail;
		}
		done += (size_t)n;
	}
	ret = sipc_region_seal(r);
	if (ret)
		goto fail;
	*out = r;
	return 0;
fail:
	sipc_region_free(r);
	return ret;
}

SIPC_EXPORT int sipc_region_open(int fd, size_t size,
				 struct sipc_region **out)
{
	void *addr;
	int ret;

	*out = NULL;
	ret = sipc_region_map_fd(fd, size, &addr);
	if (ret)
		return ret;
	ret = sipc_region_wrap(fd, size, addr, out);
	if (ret)
		munmap(addr, size);
	return ret;
}

SIPC_EXPORT void *sipc_region_data(struct sipc_region *r)
{
	int ret;

	if (!r->map) {
		ret = map_view(r->fd, r->size, !r->sealed, &r->map);
		if (ret) {
			r->map = NULL;
			errno = -ret;
			return NULL;
		}
		r->writable = !r->sealed;
	}
	return r->map;
}

SIPC_EXPORT size_t sipc_region_size(const struct sipc_region *r)
{
	return r->size;
}

SIPC_EXPORT int sipc_region_fd(const struct sipc_region *r)
{
	return r->fd;
}

SIPC_EXPORT bool sipc_region_is_sealed(const struct sipc_region *r)
{
	return r->sealed;
}

SIPC_EXPORT void sipc_region_free(struct sipc_region *r)
{
	if (!r)
		return;
	if (r->map)
		munmap(r->map, r->size);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

SIPC_EXPORT int sipc_parcel_put_region(struct sipc_parcel *p,
				       const struct sipc_region *r)
{
	__u64 size;

	if (!r || !r->sealed) {
		if (!p->error)
			p->error = -EINVAL;
		return -EINVAL;
	}
	size = r->size;
	return sipc_parcel_put_fd_item(p, SIPC_TAG_REGION, r->fd, &size,
				       sizeof(size));
}

/*
 * A pooled region of @len bytes in @p: where to write them, or NULL with
 * -EBUSY (every pool region is lent out) or the parcel's sticky error.
 */
static void *put_pooled_space(struct sipc_parcel *p, size_t len)
{
	__u64 size = len;
	int slot, fd, ret;
	struct sipc_pool_dest dest = { p->dest_s, p->dest_handle };
	size_t gen;
	void *map;

	if (p->error)
		return NULL;
	ret = sipc_pool_lend(len, &dest, &slot, &gen, &map, &fd);
	if (ret) {
		if (ret != -EBUSY)
			sipc_parcel_fail(p, ret);
		return NULL;
	}
	/* The parcel hands it back when it is reset or freed. */
	ret = sipc_parcel_add_res(p, SIPC_RES_POOL, slot, NULL, gen);
	if (ret) {
		sipc_pool_return(slot, gen, true);
		sipc_parcel_fail(p, ret);
		return NULL;
	}
	ret = sipc_parcel_put_fd_item(p, SIPC_TAG_POOLED, fd, &size,
				      sizeof(size));
	if (ret) {
		p->nr_res--;
		sipc_pool_return(slot, gen, true);
		return NULL;
	}
	p->pooled = true;
	return map;
}

/* A sealed region of its own: the pool has none to lend now. */
static int put_sealed_copy(struct sipc_parcel *p, const void *data,
			   size_t len)
{
	struct sipc_region *r = NULL;
	int ret;

	ret = sipc_region_copy(data, len, &r);
	/* The parcel keeps the descriptor until it is reset or freed. */
	if (!ret)
		ret = sipc_parcel_add_res(p, SIPC_RES_CLOSE, r->fd, NULL, 0);
	if (!ret) {
		ret = sipc_parcel_put_region(p, r);
		if (ret)
			p->nr_res--;
		else
			r->fd = -1;
	}
	if (ret && !p->error)
		p->error = ret;
	sipc_region_free(r);
	return ret;
}

/*
 * Blobs go through pooled regions only from writers that may carry
 * objects and know whom they are for.
 */
static bool inline_only(const struct sipc_parcel *p)
{
	return p->error || !sipc_parcel_writable(p) || !p->has_dest;
}

SIPC_EXPORT void sipc_parcel_set_destination(struct sipc_parcel *p,
					     const struct sipc_handle *h)
{
	p->has_dest = !!h;
	p->dest_s = h ? h->s : NULL;
	p->dest_handle = h ? h->id : 0;
}

/* A parcel with pooled blobs goes only where they were pooled for. */
int sipc_parcel_check_dest(const struct sipc_parcel *p,
			   const struct sipc_handle *h)
{
	if (!p || !p->pooled)
		return 0;
	return p->dest_s == h->s && p->dest_handle == h->id ? 0 : -EXDEV;
}

SIPC_EXPORT int sipc_parcel_put_pooled(struct sipc_parcel *p,
				       const void *data, size_t len)
{
	void *to;

	if (!data || !len)
		return sipc_parcel_fail(p, -EINVAL);
	if (inline_only(p))
		return sipc_parcel_put_bytes(p, data, len);
	to = put_pooled_space(p, len);
	if (!to)
		return p->error ? p->error : put_sealed_copy(p, data, len);
	memcpy(to, data, len);
	return 0;
}

SIPC_EXPORT int sipc_parcel_put_blob(struct sipc_parcel *p, const void *data,
				     size_t len)
{
	/* Larger than any receive area: only a region can carry it. */
	if (len >= REGION_SEALED_MIN && !p->error && sipc_parcel_writable(p) &&
	    !p->has_dest)
		return put_sealed_copy(p, data, len);
	if (len < SIPC_REGION_THRESHOLD || inline_only(p))
		return sipc_parcel_put_bytes(p, data, len);
	return sipc_parcel_put_pooled(p, data, len);
}

SIPC_EXPORT void *sipc_parcel_put_blob_space(struct sipc_parcel *p,
					     size_t len)
{
	void *to = NULL;

	if (len >= SIPC_REGION_THRESHOLD && !inline_only(p))
		to = put_pooled_space(p, len);
	return to || p->error ? to : sipc_parcel_put_bytes_space(p, len);
}
