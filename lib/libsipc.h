/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* libsipc internals shared by lib/ files; not installed. */
#ifndef LIBSIPC_INTERNAL_H
#define LIBSIPC_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "sipc.h"

#define SIPC_EXPORT __attribute__((visibility("default")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SIPC_HASH_BUCKETS	64

/* Wire tags (see the format in sipc.h); 1 to 13 equal enum sipc_type. */
enum sipc_tag {
	SIPC_TAG_OBJECT = 14,
	SIPC_TAG_FD = 16,
	SIPC_TAG_REGION = 17,
	SIPC_TAG_POOLED = 18,		/* a region of the sender's pool */
};

struct sipc_death_link {
	struct sipc_death_link *next;
	void (*fn)(struct sipc_handle *h, void *data);
	void *data;
};

struct sipc_handle {
	struct sipc *s;
	struct sipc_handle *next;	/* hash chain, under s->lock */
	__u32 id;
	bool is_static;			/* handle 0: never freed */
	atomic_uint refs;
	atomic_bool dead;
	bool death_requested;		/* under s->lock */
	struct sipc_death_link *links;	/* under s->lock */
};

struct sipc_node {
	struct sipc *s;
	struct sipc_node *next;		/* hash chain, under s->lock */
	__u64 cookie;
	int (*handler)(struct sipc_node *node, const struct sipc_txn *txn,
		       struct sipc_parcel *reply);
	void (*released)(struct sipc_node *n);
	void *data;
	atomic_uint refs;		/* the table's, handlers', loops' */
	atomic_bool destroyed;
	/* sipc_node_serve_channels(): take channels, serve them so */
	bool serves_channels;
	int channel_cpu;		/* -1: any */
	unsigned int channel_spin_us;
	unsigned int channel_max;	/* served at once */
	unsigned int channel_max_per_user;	/* of them, one euid's */
};

/* A thread the library started; joined by sipc_close(). */
struct sipc_thread {
	struct sipc_thread *next;
	pthread_t id;
	struct sipc *s;
	bool spawned;
};

struct sipc {
	int fd;
	void *area;
	size_t area_size;
	struct sipc_version version;

	pthread_mutex_t lock;		/* the tables and the thread list */
	struct sipc_handle *handles[SIPC_HASH_BUCKETS];
	struct sipc_node *nodes[SIPC_HASH_BUCKETS];
	__u64 next_cookie;
	struct sipc_handle mgr;		/* handle 0 */

	atomic_bool stopping;
	atomic_int loopers;		/* threads inside a loop now */
	pthread_cond_t loopers_done;
	struct sipc_thread *threads;
	struct sipc_channel *served;	/* channels served here, under lock */

	/* Outstanding asynchronous calls (async.c), under async_lock. */
	pthread_mutex_t async_lock;
	struct sipc_pending *pending[SIPC_HASH_BUCKETS];	/* by id */
	struct sipc_pending *deadlines;	/* by deadline, earliest first */
	atomic_uint nr_deadlines;	/* read unlocked by loopers */
	int async_wake;			/* eventfd: a looper's poll ends */
};

/* Something a parcel lets go of with its payload (region.c). */
enum sipc_res_kind {
	SIPC_RES_CLOSE,			/* a descriptor of ours: close it */
	SIPC_RES_UNMAP,			/* a view of a region: unmap it */
	SIPC_RES_TAKEN,			/* a received fd handed over: keep */
	SIPC_RES_POOL,			/* a pool region lent (fd: its slot) */
	SIPC_RES_CHANNEL,		/* a channel offered, accepted (fd: id) */
	SIPC_RES_VIEW,			/* a kept view read (fd: its slot) */
};

struct sipc_res {
	enum sipc_res_kind kind;
	int fd;
	void *addr;
	size_t len;
};

enum sipc_parcel_mode {
	SIPC_PARCEL_WRITE,		/* our own buffer, growing */
	SIPC_PARCEL_READ,		/* someone else's bytes, read-only */
};

/* Bytes a writer refers to instead of copying (sipc_parcel_put_bytes_ref). */
struct sipc_parcel_ref {
	size_t at;			/* where they sit among the own bytes */
	const void *data;
	size_t len;
};

struct sipc_parcel {
	enum sipc_parcel_mode mode;
	/* What is read: the payload and its offsets (relative to base). */
	const unsigned char *data;
	size_t size;
	const __u64 *offs;
	size_t nr_offs;
	__u64 base;			/* payload's offset in the outermost */
	size_t pos;			/* read cursor */
	size_t next_obj;		/* offsets below it are behind us */
	/* The writer's memory, kept across resets. */
	unsigned char *buf;
	size_t cap;
	bool fixed;			/* buf is not ours: a channel's area */
	bool answered;			/* a call carrying it got its reply */
	/* sipc_parcel_set_destination(): whom its pooled blobs are for. */
	const struct sipc *dest_s;
	__u32 dest_handle;
	bool has_dest;
	bool pooled;			/* it holds a pooled region */
	__u64 *wofs;
	size_t wofs_cap;
	/*
	 * Runs of bytes the payload has but the own buffer does not: the
	 * whole is size + ref_bytes; and the segments a gather sends.
	 */
	struct sipc_parcel_ref *refs;
	size_t nr_refs;
	size_t refs_cap;
	size_t ref_bytes;
	struct sipc_segment *segs;
	size_t segs_cap;
	int error;
	/* A receive buffer to give back, and the device it came from. */
	struct sipc *s;
	__u64 held;
	/*
	 * Descriptors and mappings that go with the payload: the received
	 * fds are ours to close when it has any (owns_fds); a nested view
	 * records what it takes or maps in the parcel it is a view of.
	 */
	bool owns_fds;
	struct sipc_parcel *root;
	struct sipc_res *res;
	size_t nr_res;
	size_t res_cap;
};

/* parcel.c */
void sipc_parcel_init(struct sipc_parcel *p);
void sipc_parcel_fini(struct sipc_parcel *p);
void sipc_parcel_release_held(struct sipc_parcel *p);
void sipc_parcel_set_received(struct sipc_parcel *p, struct sipc *s,
			      const struct sipc_event *ev);
int sipc_parcel_add_res(struct sipc_parcel *p, enum sipc_res_kind kind,
			int fd, void *addr, size_t len);
void sipc_parcel_drop_res(struct sipc_parcel *p);
bool sipc_parcel_has_res(const struct sipc_parcel *p);
int sipc_parcel_fail(struct sipc_parcel *p, int err);
unsigned char *sipc_parcel_grow(struct sipc_parcel *p, size_t len);
int sipc_parcel_put_object(struct sipc_parcel *p, const struct sipc_object *obj);
int sipc_parcel_put_fd_item(struct sipc_parcel *p, unsigned int tag, int fd,
			    const void *extra, size_t extra_len);

/*
 * A parcel of its own being written: it may carry objects and refer to
 * bytes elsewhere. A received one, or one built in a channel's memory,
 * carries bytes only.
 */
static inline bool sipc_parcel_writable(const struct sipc_parcel *p)
{
	return p->mode == SIPC_PARCEL_WRITE && !p->fixed;
}

/* Parcel items are padded to 4 bytes. */
static inline size_t sipc_align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* channel.c: one end of a channel (the layout is linux/sipc.h's). */
enum { SIPC_CHANNEL_PARTY_CLIENT, SIPC_CHANNEL_PARTY_SERVER };

struct sipc_channel {
	struct sipc *s;
	__u32 id;
	int party;
	void *rw, *ro;			/* the own part; the peer's, header */
	size_t rw_size, ro_size;
	const struct sipc_channel_header *hdr;
	struct sipc_channel_ctl *mine;
	const struct sipc_channel_ctl *peer;
	struct sipc_channel_slot *my_slots;
	const struct sipc_channel_slot *peer_slots;
	unsigned char *my_data;
	const unsigned char *peer_data;
	__u32 slots;
	__u64 data_size;
	/* The own data area: bytes ever allocated and freed, per slot end. */
	__u64 alloc, freed;
	__u64 *ends;
	__u32 reclaimed;		/* own slots whose data is freed */
	bool broken;			/* the peer broke the rules */
	bool kick_owed;			/* published since the last kick */
	/* Waiting: the longest spin, and how long waits have taken. */
	__u64 spin_max_ns;
	__u64 wait_avg_ns;
	unsigned int probe;
	/* Built in place in the data area: a request, or a reply. */
	struct sipc_parcel out;
	__u64 out_at;
	bool out_ready;
	struct sipc_parcel in;		/* the request being served */
	bool holding;			/* client: a reply not given back */
	bool closed;			/* closed in the driver already */
	__u64 next_cookie;
	size_t last_request;		/* client: the last call's bytes */
	/* The service's end: its node, thread and caller. */
	struct sipc_node *node;
	int cpu;
	pid_t peer_pid;
	uid_t peer_euid;
	pthread_t thread;
	atomic_bool finished;
	struct sipc_channel *next;	/* on s->served */
};

int sipc_channel_accept_call(struct sipc_node *n, const struct sipc_txn *txn);
void sipc_channels_stop(struct sipc *s);

/* pool.c */
/* Whom a pooled region is for: a handle of one device context. */
struct sipc_pool_dest {
	const struct sipc *s;
	__u32 handle;
};

int sipc_pool_lend(size_t len, const struct sipc_pool_dest *dest, int *slot,
		   size_t *gen, void **map, int *fd);
int sipc_parcel_check_dest(const struct sipc_parcel *p,
			   const struct sipc_handle *h);
void sipc_pool_return(int slot, size_t gen, bool answered);
int sipc_pool_view(int fd, size_t len, const void **addr, int *view,
		   size_t *map_size);
void sipc_pool_unview(int view);

/* parcel_ref.c */
void sipc_parcel_copy_whole(const struct sipc_parcel *p, unsigned char *to);
int sipc_parcel_flatten(struct sipc_parcel *p);
int sipc_parcel_gather(struct sipc_parcel *p, const struct sipc *s,
		       struct sipc_transact *tr);
bool sipc_parcel_refers_into(const struct sipc_parcel *p,
			     const struct sipc *s);
void sipc_parcel_refs_fini(struct sipc_parcel *p);

/* region.c */
int sipc_region_map_fd(int fd, size_t size, void **addr);
int sipc_region_wrap(int fd, size_t size, void *addr, struct sipc_region **out);

/* device.c */
int sipc_free_buffer(struct sipc *s, __u64 addr);

/* handle.c */
void sipc_handle_table_init(struct sipc *s);
void sipc_handle_table_free(struct sipc *s);
void sipc_handle_death(struct sipc *s, __u64 cookie);

/* server.c */
struct sipc_node *sipc_node_find_get(struct sipc *s, __u64 cookie);
void sipc_node_put(struct sipc_node *n);
void sipc_node_table_free(struct sipc *s);
void sipc_serve_event(struct sipc *s, const struct sipc_event *ev,
		      struct sipc_parcel *req, struct sipc_parcel *reply,
		      struct sipc_transact *next, struct sipc_node **cache);
void sipc_threads_stop(struct sipc *s);
void sipc_wake_all(struct sipc *s);

/* async.c */
int sipc_async_init(struct sipc *s);
void sipc_async_fini(struct sipc *s);
void sipc_async_complete(struct sipc *s, const struct sipc_event *ev,
			 struct sipc_parcel *reply);
void sipc_async_expire(struct sipc *s);
int sipc_async_looper_wait(struct sipc *s);

/* call.c */
int sipc_transact_send(struct sipc *s, struct sipc_transact *tr,
		       struct sipc_parcel *p);
int sipc_request_send(struct sipc_handle *h, struct sipc_transact *tr,
		      struct sipc_parcel *req);

static inline int sipc_ioctl_err(int ret)
{
	return ret < 0 ? -errno : ret;
}

#endif /* LIBSIPC_INTERNAL_H */
