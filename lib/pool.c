// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: the region pool. A sealed region costs a memfd, its pages, a
 * seal and a mapping on each side for every message, which is why a copy
 * into the receiver's area beat it at every size. A pooled region is made
 * once and used again: the sender keeps it mapped writable and writes the
 * next blob into it, and the receiver keeps its read-only view of it,
 * found again for the very same open file (kcmp()), so a message costs
 * one copy (none, with sipc_parcel_put_blob_space()) and a descriptor
 * passed.
 *
 * The price: a pooled region is sealed against changes of size only, not
 * of bytes. A receiver reads bytes its sender can still change, as in a
 * channel, and must copy what it checks; a sender takes a region back for
 * its next blob only once a call that carried it has been answered (a
 * one-way's or an unanswered call's region is retired, never reused).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "libsipc.h"

#define POOL_SLOTS	8
#define POOL_MIN_SIZE	(64 * 1024)
/* A free region up to this many times too large is still taken. */
#define POOL_FIT	4
#define POOL_SEALS	(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define VIEW_SLOTS	16
#define VIEW_MAX_SIZE	(1024UL * 1024 * 1024)

/* The sender's side: regions of this process, each free or lent out. */
struct pool_region {
	int fd;				/* -1: an empty slot */
	size_t size;
	void *map;			/* writable */
	bool lent;
	/* Which region of the slot it is: a parcel's loan names it. */
	size_t gen;
	/*
	 * Whom it was lent for, for good: a receiver may keep its
	 * descriptor, so a region never carries another's blobs.
	 */
	struct sipc_pool_dest dest;
};

/* The receiver's side: views of other processes' pooled regions. */
struct pool_view {
	dev_t dev;
	ino_t ino;
	size_t size;
	int fd;				/* the region's file, kept to compare */
	const void *map;		/* NULL: an empty slot */
	unsigned int users;		/* parcels reading it now */
	unsigned long last_use;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool_region regions[POOL_SLOTS] = {
	[0 ... POOL_SLOTS - 1] = { .fd = -1 },
};

static struct pool_view views[VIEW_SLOTS] = {
	[0 ... VIEW_SLOTS - 1] = { .fd = -1 },
};

static unsigned long view_clock;

static size_t pool_size_for(size_t len)
{
	size_t size = POOL_MIN_SIZE;

	while (size < len && size <= SIZE_MAX / 2)
		size *= 2;
	return size;
}

static void region_retire(struct pool_region *r)
{
	if (r->map)
		munmap(r->map, r->size);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->map = NULL;
	r->lent = false;
	r->gen++;
}

static int region_make(struct pool_region *r, size_t size)
{
	void *map;
	int fd;

	fd = memfd_create("sipc-pool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) || fcntl(fd, F_ADD_SEALS, POOL_SEALS)) {
		close(fd);
		return -errno;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	r->fd = fd;
	r->size = size;
	r->map = map;
	return 0;
}

/*
 * A fork child shares its parent's pool regions (the mappings are
 * shared): writing its next blob into one could change a blob of the
 * parent's in flight. The child lets them all go, and starts its own.
 */
static void pool_forget_in_child(void)
{
	int i;

	pthread_mutex_init(&pool_lock, NULL);
	for (i = 0; i < POOL_SLOTS; i++)
		region_retire(&regions[i]);
}

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_init(void)
{
	pthread_atfork(NULL, NULL, pool_forget_in_child);
}

static bool same_dest(const struct sipc_pool_dest *a,
		      const struct sipc_pool_dest *b)
{
	return a->s == b->s && a->handle == b->handle;
}

/*
 * A free region of @dest's that fits @len (pool_lock held), else a new
 * one in an empty slot, or in the slot of a free one that does not fit
 * (of whoever's); NULL if every region is lent out.
 */
static struct pool_region *region_find(size_t len,
				       const struct sipc_pool_dest *dest)
{
	struct pool_region *r, *empty = NULL, *spare = NULL;
	int i;

	for (i = 0; i < POOL_SLOTS; i++) {
		r = &regions[i];
		if (r->fd < 0) {
			empty = empty ? empty : r;
		} else if (!r->lent) {
			if (same_dest(&r->dest, dest) && r->size >= len &&
			    r->size / POOL_FIT <= len)
				return r;
			spare = spare ? spare : r;
		}
	}
	if (!empty && spare) {
		region_retire(spare);
		empty = spare;
	}
	if (!empty || region_make(empty, pool_size_for(len)))
		return NULL;
	empty->dest = *dest;
	return empty;
}

/*
 * Lend a region of at least @len bytes for @dest: its slot, generation,
 * writable mapping and descriptor; -EBUSY when every slot is lent out.
 */
int sipc_pool_lend(size_t len, const struct sipc_pool_dest *dest, int *slot,
		   size_t *gen, void **map, int *fd)
{
	struct pool_region *r;

	if (!len || len > SIZE_MAX / 2)
		return -EINVAL;
	pthread_once(&pool_once, pool_init);
	pthread_mutex_lock(&pool_lock);
	r = region_find(len, dest);
	if (r) {
		r->lent = true;
		*slot = (int)(r - regions);
		*gen = r->gen;
		*map = r->map;
		*fd = r->fd;
	}
	pthread_mutex_unlock(&pool_lock);
	return r ? 0 : -EBUSY;
}

/*
 * The parcel that carried region @slot (@gen) lets go of it: free for the next
 * blob when a call carrying it was answered (the receiver is done with
 * it), retired otherwise (it may still be read).
 */
void sipc_pool_return(int slot, size_t gen, bool answered)
{
	struct pool_region *r;

	if (slot < 0 || slot >= POOL_SLOTS)
		return;
	pthread_mutex_lock(&pool_lock);
	r = &regions[slot];
	/* Another region in the slot now (a fork child retired ours). */
	if (r->gen == gen && r->lent) {
		if (answered)
			r->lent = false;
		else
			region_retire(r);
	}
	pthread_mutex_unlock(&pool_lock);
}

/* ---- the receiver's views ---- */

static int view_map(int fd, size_t size, const void **map)
{
	void *m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED)
		return -errno;
	*map = m;
	return 0;
}

/* The least recently used view nobody reads now (view lock held). */
static struct pool_view *view_victim(void)
{
	struct pool_view *v, *best = NULL;
	int i;

	for (i = 0; i < VIEW_SLOTS; i++) {
		v = &views[i];
		if (!v->map)
			return v;
		if (!v->users && (!best || v->last_use < best->last_use))
			best = v;
	}
	return best;
}

static long same_file(int a, int b)
{
	pid_t self = getpid();

	return syscall(SYS_kcmp, self, self, KCMP_FILE, a, b);
}

/*
 * Views are kept only where kcmp() is allowed (a seccomp filter may
 * forbid it): asked once, with @fd against itself (view lock held).
 */
static bool views_can_be_kept(int fd)
{
	static int allowed = -1;

	if (allowed < 0)
		allowed = same_file(fd, fd) == 0;
	return allowed;
}

/*
 * Is @fd the very file @v was made for? Inode numbers can be given out
 * again (they wrap), so a sender could name another's region by number:
 * only the open file itself (kcmp()) tells.
 */
static bool view_is_of(const struct pool_view *v, int fd)
{
	return same_file(v->fd, fd) == 0;
}

/* Empty @v's slot (view lock held, nobody reading it). */
static void view_drop(struct pool_view *v)
{
	if (v->map)
		munmap((void *)v->map, v->size);
	if (v->fd >= 0)
		close(v->fd);
	v->map = NULL;
	v->fd = -1;
}

/* The kept view of @fd, or NULL (view lock held). */
static struct pool_view *view_find(int fd, const struct stat *st)
{
	struct pool_view *v;
	int i;

	for (i = 0; i < VIEW_SLOTS; i++) {
		v = &views[i];
		if (v->map && v->dev == st->st_dev && v->ino == st->st_ino &&
		    v->size == (size_t)st->st_size && view_is_of(v, fd))
			return v;
	}
	return NULL;
}

/* Keep a new view of @fd in a free slot or the oldest idle one, or NULL. */
static struct pool_view *view_keep(int fd, const struct stat *st)
{
	struct pool_view *v = view_victim();

	if (!v)
		return NULL;
	view_drop(v);
	v->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (v->fd < 0 || view_map(fd, (size_t)st->st_size, &v->map)) {
		view_drop(v);
		return NULL;
	}
	v->dev = st->st_dev;
	v->ino = st->st_ino;
	v->size = (size_t)st->st_size;
	return v;
}

/* Check @fd as a pooled region for @len bytes: its stat, or -errno. */
static int region_check(int fd, size_t len, struct stat *st)
{
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals < 0)
		return errno == EINVAL ? -EBADMSG : -errno;
	if (!(seals & F_SEAL_SHRINK))
		return -EPERM;
	if (fstat(fd, st))
		return -errno;
	if (!len || st->st_size <= 0 || (__u64)st->st_size < len ||
	    (__u64)st->st_size > VIEW_MAX_SIZE)
		return -EBADMSG;
	return 0;
}

/*
 * A read-only view of the pooled region @fd holds for @len bytes: its
 * size must be sealed (so that it cannot shrink under the reader) and
 * cover @len. Views are kept for the next message that names the same
 * open file. *@view is the view's slot, or -1 for a view of its own that
 * the caller unmaps (every kept view is being read, or none may be kept).
 */
int sipc_pool_view(int fd, size_t len, const void **addr, int *view,
		   size_t *map_size)
{
	struct pool_view *v = NULL;
	struct stat st;
	int ret;

	ret = region_check(fd, len, &st);
	if (ret)
		return ret;
	*map_size = (size_t)st.st_size;
	pthread_mutex_lock(&pool_lock);
	if (views_can_be_kept(fd)) {
		v = view_find(fd, &st);
		if (!v)
			v = view_keep(fd, &st);
	}
	if (v) {
		v->users++;
		v->last_use = ++view_clock;
		*addr = v->map;
		*view = (int)(v - views);
	}
	pthread_mutex_unlock(&pool_lock);
	if (v)
		return 0;
	*view = -1;
	return view_map(fd, *map_size, addr);
}

/* A parcel is done reading view @view (kept for the next message). */
void sipc_pool_unview(int view)
{
	if (view < 0 || view >= VIEW_SLOTS)
		return;
	pthread_mutex_lock(&pool_lock);
	if (views[view].users)
		views[view].users--;
	pthread_mutex_unlock(&pool_lock);
}
