/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sipc driver internals.
 *
 * Lock order (outer to inner), and what each protects:
 *   0. sipc_devices_lock (mutex, device.c): the list of instances and
 *      their open counts. open() takes it under the misc core's misc_mtx,
 *      so it is never held across misc_register() or misc_deregister().
 *   0a. sipc_pids_lock (mutex, procfs.c): every device's proc/<pid>
 *      files. Held across proc_remove(), which waits for their readers,
 *      so no reader of /proc/sipc takes it.
 *   0b. sipc_procs_lock (mutex, procfs.c): every device's list of
 *      contexts for /proc/sipc. Held only to walk the list and take
 *      references; nothing is printed, and no other lock taken, under it.
 *   1. mmap lock of a process's mm: the page-fault handler takes an area
 *      lock under it.
 *   1a. sipc_thread.prio_lock (mutex, prio.c): a thread's raised priority;
 *      taken with no sipc lock held, and none taken under it (only the
 *      scheduler's own, in sched_setattr_nocheck()).
 *   2. sipc_area.lock (mutex): one receive area's allocator, page array,
 *      mapping state and each sending user's share of it. Pages are
 *      allocated under it, and reclaimed under it: each locked (the page
 *      lock, which the fault path holds while the core maps it) and
 *      unmapped (the area's i_mmap lock) inside. No other area's lock and
 *      never the graph lock is held around it.
 *   3. sipc_device.lock (spinlock, the "graph lock"): every queue, thread
 *      state, transaction stack, node, handle and death notice, and the
 *      context manager slot. Held only for list and tree updates, never
 *      across a copy, a sleeping allocation or a wait.
 *   4. a transaction log's spinlock (irq-safe), innermost; and
 *      sipc_users_lock (spinlock, quota.c): the tree of per-user
 *      accounting, taken under the graph lock or alone, nothing under it.
 * The context dies (sipc_proc_die()) when its area's mapping goes, from
 * the vma's close, under that mm's mmap lock: it takes graph locks and,
 * freeing buffers, area locks of other processes, as level 1 allows.
 * The shrinker runs in reclaim, under whatever the allocating task holds:
 * it only ever trylocks, sipc_areas_lock (the list of mapped areas) then
 * an area lock, so it cannot deadlock; the i_mmap lock it then takes is
 * the area's own, which nothing holds while allocating.
 * An area joins and leaves that list with no other sipc lock held.
 * Copies to and from user space happen with no lock held: the buffer they
 * target is reserved first and owned by the transaction being built.
 */
#ifndef SIPC_INTERNAL_H
#define SIPC_INTERNAL_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/sipc.h>

#include "compat.h"
#include "stats.h"

struct sipc_proc;
struct sipc_ref;
struct sipc_thread;
struct sipc_txn;
struct sipc_node;

extern unsigned long sipc_max_area_size;
extern int sipc_context_mgr_uid;

/* ---- per-user accounting (quota.c) ---- */

struct sipc_user {
	struct rb_node rb;		/* in quota.c's tree, by uid */
	refcount_t refs;
	kuid_t uid;
	atomic_t txns;			/* in flight, sent by it */
	atomic_t nodes;			/* alive, owned by its processes */
	atomic_t channels;		/* made by its processes, not freed */
};

struct sipc_user_usage {
	kuid_t uid;
	unsigned int txns;
	unsigned int nodes;
};

struct sipc_user *sipc_user_get(kuid_t uid);
void sipc_user_ref(struct sipc_user *user);
void sipc_user_put(struct sipc_user *user);
int sipc_user_charge_txn(struct sipc_user *user);
void sipc_user_uncharge_txn(struct sipc_user *user);
int sipc_user_charge_node(struct sipc_user *user);
void sipc_user_uncharge_node(struct sipc_user *user);
int sipc_user_charge_channel(struct sipc_user *user);
void sipc_user_uncharge_channel(struct sipc_user *user);
size_t sipc_users_snapshot(struct sipc_user_usage *out, size_t max);

/* ---- receive area (area.c, alloc.c) ---- */

struct sipc_page {
	struct page *page;		/* NULL until first needed */
	bool cached;			/* no buffer uses it: reclaimable */
};

/* A sender's file waiting for the receiver to take the payload. */
struct sipc_fd_fixup {
	size_t offset;			/* of its object in the buffer */
	struct file *file;		/* NULL once installed */
};

struct sipc_buffer {
	struct list_head entry;		/* all blocks, by address */
	struct rb_node rb;		/* free tree by size, or used by offset */
	size_t offset;			/* within the area */
	bool free;
	bool user_owned;		/* delivered: user space may free it */
	bool oneway;
	size_t data_size;
	size_t offsets_count;		/* objects translated into it */
	struct sipc_node *async_node;	/* one-way: next one runs on free */
	struct sipc_fd_fixup *fds;	/* files to install on delivery */
	u32 nr_fds;
	u32 nr_handles;
	u32 *handles;			/* the receiver's, held by it */
	u32 secctx_size;		/* the sender's context after offsets */
	struct sipc_charge *charge;	/* its sender's share; NULL: reply */
};

struct sipc_area {
	struct mutex lock;		/* allocator, pages, mapping state */
	struct sipc_proc *proc;
	size_t size;
	unsigned long user_start;
	bool mapped;			/* user mapping alive */
	struct address_space mapping;	/* the file's: its one vma */
	struct sipc_page *pages;	/* NULL until mmap */
	struct list_head blocks;
	struct rb_root free_tree;	/* by size, then offset */
	struct rb_root used_tree;	/* by offset */
	size_t free_async;		/* what one-way buffers may still take */
	size_t in_use;			/* bytes in allocated buffers */
	size_t nr_free;			/* blocks in free_tree */
	size_t nr_cached;		/* pages present that no buffer uses */
	struct list_head entry;		/* on the shrinker's list once mapped */
	struct sipc_buffer *spare;	/* a block struct kept for splits */
	struct list_head charges;	/* each sending user's share */
};

/* What one sending user's buffers take of an area (alloc.c). */
struct sipc_charge {
	struct list_head entry;
	kuid_t uid;
	size_t bytes;			/* in its buffers here */
	size_t oneway_bytes;		/* of which in one-way buffers */
};

struct sipc_area_stats {
	size_t size;
	size_t in_use;
	size_t free_blocks;
	size_t largest_free;
	size_t oneway_used;
	bool mapped;
};

struct sipc_buffer_info {
	size_t offset;
	size_t size;
	size_t data_size;
	size_t objects;
	bool user_owned;
	bool oneway;
};

void sipc_area_get_stats(struct sipc_area *area, struct sipc_area_stats *st);
size_t sipc_area_list_buffers(struct sipc_area *area,
			      struct sipc_buffer_info *out, size_t max);

void sipc_area_init(struct sipc_area *area, struct sipc_proc *proc,
		    struct file *file);
int sipc_area_mmap(struct sipc_proc *proc, struct vm_area_struct *vma);
/* vm_ops of a mapping that is all or nothing (the area, a channel part). */
int sipc_vm_may_split(struct vm_area_struct *vma, unsigned long addr);
int sipc_vm_mremap(struct vm_area_struct *vma);
void sipc_area_release(struct sipc_area *area);
int sipc_area_populate(struct sipc_area *area, size_t start, size_t end);
void sipc_area_unpopulate(struct sipc_area *area, size_t start, size_t end,
			  size_t from, size_t to);
int sipc_area_lru_init(void);
void sipc_area_lru_exit(void);
int sipc_buffer_copy_from_user(struct sipc_area *area,
			       struct sipc_buffer *buf, size_t off,
			       const void __user *from, size_t len);
void sipc_buffer_access(struct sipc_area *area, struct sipc_buffer *buf,
			size_t off, void *obj, size_t len, bool write);
void sipc_buffer_clear(struct sipc_area *area, struct sipc_buffer *buf,
		       size_t off, size_t len);
unsigned long sipc_buffer_user_addr(struct sipc_area *area,
				    struct sipc_buffer *buf, size_t off);

/* ---- a payload's bytes in the sender's memory (source.c) ---- */

/* Gathers of up to this many segments need no allocation. */
#define SIPC_SOURCE_SEGS_ON_STACK	8

struct sipc_source {
	struct sipc_segment *segs;
	size_t nr;
	size_t size;		/* the payload's bytes: the lengths' sum */
	/* The cursor: byte @seg_off of segment @seg is payload byte @pos. */
	size_t seg;
	u64 seg_off;
	size_t pos;
	struct sipc_segment stack[SIPC_SOURCE_SEGS_ON_STACK];
};

int sipc_source_init(struct sipc_source *src, const struct sipc_transact *tr);
void sipc_source_fini(struct sipc_source *src);
int sipc_source_read(struct sipc_source *src, size_t pos, void *to,
		     size_t len);
int sipc_source_copy(struct sipc_source *src, struct sipc_area *area,
		     struct sipc_buffer *buf, size_t pos, size_t len);

/* ---- the sender's security context (secctx.c) ---- */

size_t sipc_secctx_take(struct sipc_secctx *s);
void sipc_secctx_put_into(struct sipc_secctx *s, struct sipc_area *area,
			  struct sipc_buffer *buf, size_t off);
void sipc_secctx_drop(struct sipc_secctx *s);

/* ---- payloads into buffers (payload.c) ---- */

int sipc_payload_copy(struct sipc_proc *from, struct sipc_proc *to,
		      struct sipc_buffer *buf, struct sipc_source *src,
		      const u64 __user *offsets, size_t count);

void sipc_alloc_init(struct sipc_area *area, struct sipc_buffer *whole);
void sipc_alloc_destroy(struct sipc_area *area);
size_t sipc_buffer_size(size_t data_size, size_t offsets_count);
struct sipc_buffer *sipc_buffer_alloc(struct sipc_area *area, size_t size,
				      bool oneway, struct sipc_user *sender);
void sipc_buffer_free(struct sipc_area *area, struct sipc_buffer *buf);
struct sipc_buffer *sipc_buffer_claim(struct sipc_area *area,
				      unsigned long user_addr);
void sipc_buffer_deliver(struct sipc_area *area, struct sipc_buffer *buf);

/* ---- priority inheritance (prio.c) ---- */

/* A scheduling class and priority, as inheritance compares them. */
struct sipc_prio {
	int policy;		/* SCHED_NORMAL, _FIFO, _RR or _IDLE */
	int prio;		/* FIFO, RR: 1-99; NORMAL: nice */
};

/* A task's own settings, to put back. */
struct sipc_sched {
	u8 policy;
	u8 rt_priority;
	s8 nice;
	bool reset_on_fork;
};

/* Where a call's priority stands (struct sipc_txn.prio_state). */
enum sipc_prio_state {
	SIPC_PRIO_NONE,		/* nothing to do, or done */
	SIPC_PRIO_ASK,		/* whoever serves it raises itself if below */
	SIPC_PRIO_CALLER,	/* the caller raises the thread it went to */
	SIPC_PRIO_RAISED,	/* its server runs raised: put back on reply */
	SIPC_PRIO_DONE,		/* replied or given up */
};

/* ---- device, processes, threads (main.c, thread.c) ---- */

/* One instance: /dev/sipc, or /dev/sipc-<name>. Nothing crosses instances. */
struct sipc_device {
	struct kref kref;		/* the registry's, and each proc's */
	char name[SIPC_INSTANCE_NAME_MAX];	/* "" for /dev/sipc */
	char node_name[SIPC_INSTANCE_NAME_MAX + 8];
	struct miscdevice misc;
	struct list_head entry;		/* under the registry's mutex: */
	unsigned int nr_open;		/* files open now */
	bool adding;			/* listed, not yet registered */
	bool removing;
	spinlock_t lock;		/* the graph lock, see above */
	struct sipc_node *context_mgr;	/* handle 0 for everyone */
	/* The euid of handle 0's first claimer, for the device's lifetime. */
	bool context_mgr_pinned;
	kuid_t context_mgr_owner;
	struct list_head txns;		/* alive, for /proc/sipc/transactions */
	u32 nr_txns;
	wait_queue_head_t freeze_wait;	/* a freeze waiting for calls to end */
	spinlock_t channels_lock;	/* channels: the list (channel.c) */
	struct list_head channels;
	struct sipc_stats stats;
	/* /proc/sipc (procfs.c), under its mutex */
	struct proc_dir_entry *proc_dir;
	struct proc_dir_entry *proc_pids;
	struct list_head procs;
	struct list_head pid_entries;
};

/* The graph lock (device.c counts its contentions). */
void sipc_graph_lock(struct sipc_device *dev) __acquires(&dev->lock);

static inline void sipc_graph_unlock(struct sipc_device *dev)
	__releases(&dev->lock)
{
	spin_unlock(&dev->lock);
}

extern const struct file_operations sipc_fops;

int sipc_devices_init(void);
void sipc_devices_exit(void);
int sipc_device_open(struct sipc_device *dev);
void sipc_device_close(struct sipc_device *dev);
void sipc_device_put(struct sipc_device *dev);

/* Work queued to a process or one of its threads. */
enum sipc_work_type {
	SIPC_WORK_TXN,
	SIPC_WORK_DEATH,
	SIPC_WORK_RELEASED,
	SIPC_WORK_FROZEN,
	SIPC_WORK_ASYNC_REPLY,		/* struct sipc_txn.async_done */
};

struct sipc_work {
	struct list_head entry;
	enum sipc_work_type type;
};

struct sipc_proc {
	struct kref kref;
	struct sipc_device *dev;
	struct pid *tgid;		/* the opener; no one else may use it */
	struct pid_namespace *pid_ns;
	const struct cred *cred;
	struct sipc_user *user;		/* the opener's euid's accounting */
	bool dead;			/* see sipc_proc_die() */
	/* SIPC_IOC_FREEZE (freeze.c), under the graph lock */
	bool frozen;
	bool sync_recv;			/* a call refused while frozen */
	bool async_recv;		/* a one-way queued while frozen */
	struct sipc_area area;
	/*
	 * Threads by pid: changed with both the graph lock and threads_lock
	 * held, so either one is enough to read it; a thread's own ioctl
	 * finds itself under threads_lock alone.
	 */
	spinlock_t threads_lock;
	struct rb_root threads;
	struct list_head todo;		/* work any thread may take */
	struct list_head waiting;	/* threads idle for proc work */
	wait_queue_head_t poll_wait;	/* poll()ers, told of proc work */
	struct rb_root nodes;		/* by cookie */
	struct rb_root refs_by_handle;
	struct rb_root refs_by_node;
	u32 next_handle;
	u32 nr_refs;
	u32 nr_nodes;
	u32 nr_threads;
	u64 sent;			/* transactions it sent */
	u64 received;			/* transactions queued to it */
	/* Its channels by id, each tagged with the party it is (channel.c) */
	struct xarray channels;
	u32 channels_next;		/* under its lock: the next id to try */
	bool channels_closed;		/* under its lock: dying, no more */
	atomic_t nr_channels;		/* made by it and not closed */
	struct list_head procfs_entry;	/* on the /proc/sipc list */
	pid_t pid;			/* tgid in the initial namespace */
	char comm[TASK_COMM_LEN];
	u32 max_threads;
	u32 requested_threads;
	u32 started_threads;
	/* Its asynchronous calls not yet ended for it (async.c), graph lock */
	struct list_head async_calls;
	u64 next_async_id;
	u32 nr_async;
};

enum sipc_looper_state {
	SIPC_THREAD_LOOPER = 1U << 0,
	SIPC_THREAD_SPAWNED = 1U << 1,
};

struct sipc_thread {
	refcount_t refs;		/* its process's tree, and prio.c's */
	struct sipc_proc *proc;
	struct rb_node rb;
	pid_t pid;
	struct pid *tid;		/* its thread's, held: ids are reused */
	struct list_head todo;		/* replies aside, work for this thread */
	struct list_head waiting_entry;	/* on proc->waiting when idle */
	wait_queue_head_t wait;
	struct sipc_txn *stack;		/* innermost transaction */
	u32 looper;			/* enum sipc_looper_state */
	bool need_return;		/* woken by flush: go back to user */
	/* Bumped (graph lock held) with every wake-up, for a spinner. */
	unsigned int wake_seq;
	/* Only the thread itself touches these, in its own ioctl. */
	struct sipc_txn *spare_txn;	/* freed, kept for the next send */
	s64 reply_avg_ns;		/* how long its replies took */
	u32 call_timeout_ms;		/* SIPC_IOC_SET_CALL_TIMEOUT, 0: none */
	/* Raising and putting back its task's priority (prio.c). */
	struct mutex prio_lock;
	u32 prio_depth;			/* calls it serves raised */
	bool prio_gone;			/* left sipc: raise no more */
	/*
	 * Replied to a raised call: its settings before that call, put back
	 * only once it has no new call to run (sipc_prio_settle_owed()), so
	 * that it is never below a caller while it looks for the next one.
	 */
	bool prio_owed;
	struct sipc_sched prio_owed_to;
	/* Taken, held for prio.c: the thread raises itself once unlocked. */
	struct sipc_txn *prio_pending;
	struct sipc_sched prio_base;	/* its own, while raised */
};

bool sipc_is_device_file(struct file *file);
void sipc_proc_get(struct sipc_proc *proc);
void sipc_proc_put(struct sipc_proc *proc);
struct sipc_thread *sipc_thread_get(struct sipc_proc *proc);
void sipc_thread_release(struct sipc_thread *thread);
void sipc_thread_ref(struct sipc_thread *thread);
void sipc_thread_put(struct sipc_thread *thread);
void sipc_proc_die(struct sipc_proc *proc);
void sipc_proc_unwind_threads(struct sipc_proc *proc);
void sipc_proc_free_threads(struct sipc_proc *proc);
void sipc_proc_flush(struct sipc_proc *proc);
void sipc_queue_proc_work(struct sipc_proc *proc, struct sipc_work *w,
			  bool sync);
int sipc_wait_for_work(struct sipc_thread *thread, struct sipc_transact *tr,
		       bool nonblock, bool restartable);
void sipc_wake_pollers(struct sipc_proc *proc);
void sipc_thread_wake(struct sipc_thread *thread, bool sync);

int sipc_prio_from_user(u32 sched, struct sipc_prio *p);
void sipc_prio_for_call(struct sipc_thread *thread, struct sipc_txn *t,
			const struct sipc_node *node);
bool sipc_prio_below(const struct sipc_txn *t, struct sipc_thread *thread);
void sipc_prio_claim(struct sipc_txn *t, struct sipc_thread *thread);
void sipc_prio_raise_thread(struct sipc_txn *t, struct sipc_thread *thread);
bool sipc_prio_on_deliver(struct sipc_thread *thread, struct sipc_txn *t);
void sipc_prio_serve(struct sipc_thread *thread, struct sipc_txn *t);
bool sipc_prio_on_pop(struct sipc_txn *t, struct sipc_sched *prev);
void sipc_prio_owe(struct sipc_thread *thread, const struct sipc_sched *s);
void sipc_prio_settle_owed(struct sipc_thread *thread);
void sipc_prio_settle(struct sipc_thread *thread);
void sipc_prio_leave(struct sipc_thread *thread);
void sipc_prio_abandon(struct sipc_thread *thread, struct sipc_txn *t);

/* ---- a caller's spin before it sleeps (spin.c) ---- */

void sipc_spin_note_reply(struct sipc_thread *thread, u64 waited_ns);
bool sipc_spin_for_wake(struct sipc_thread *thread, unsigned int seq);
int sipc_looper_enter(struct sipc_thread *thread, u32 flags);
__poll_t sipc_thread_poll(struct sipc_thread *thread, struct file *file,
			  struct poll_table_struct *wait);

/* ---- file descriptors in payloads (fd.c) ---- */

int sipc_fd_translate(struct sipc_buffer *buf, size_t offset,
		      struct sipc_object *obj, size_t max);
void sipc_fd_release(struct sipc_buffer *buf);
int sipc_fd_install(struct sipc_area *area, struct sipc_buffer *buf);
int sipc_fd_init(void);
void sipc_fd_exit(void);

/* ---- freezing a process's IPC (freeze.c) ---- */

int sipc_ioctl_freeze(struct sipc_proc *proc, unsigned int cmd,
		      void __user *arg);
void sipc_freeze_watch_drop(struct sipc_ref *ref);
void sipc_freeze_calls_ended(struct sipc_proc *proc);
struct sipc_proc **sipc_procs_of(struct sipc_device *dev, struct pid *tgid,
				 size_t *nr);
void sipc_procs_put(struct sipc_proc **procs, size_t n);

/* ---- channels (channel.c) ---- */

enum { SIPC_CHANNEL_CLIENT, SIPC_CHANNEL_SERVER };

struct sipc_reader;
int sipc_ioctl_channel(struct sipc_proc *proc, unsigned int cmd,
		       void __user *arg);
int sipc_channel_translate(struct sipc_proc *from, struct sipc_proc *to,
			   struct sipc_object *obj);
bool sipc_channel_is_mmap(struct vm_area_struct *vma);
int sipc_channel_mmap(struct sipc_proc *proc, struct vm_area_struct *vma);
void sipc_channels_die(struct sipc_proc *proc);
void sipc_channels_show(struct seq_file *m, struct sipc_device *dev,
			const struct sipc_reader *r);

/* ---- /sys/module/sipc/features (features.c) ---- */

int sipc_features_init(void);
void sipc_features_exit(void);

/* ---- /proc/sipc (procfs.c, watch.c) ---- */

/*
 * Who reads, taken at each read (procfs.c says why): the reader's pid
 * namespace, and whether it may see every process in it.
 */
struct sipc_reader {
	struct pid_namespace *ns;
	bool all;		/* CAP_SYS_PTRACE over ns: every process in it */
};

void sipc_reader_init(struct sipc_reader *r);
pid_t sipc_reader_nr(const struct sipc_reader *r, struct pid *pid);
bool sipc_reader_sees_row(const struct sipc_reader *r, struct pid *a,
			  struct pid *b);

/* A log entry as a line of the logs' table; the table's header. */
#define SIPC_LOG_LINE_MAX	256
#define SIPC_LOG_HEADER	"id time_ns duration_ns kind from_pid from_tid to_pid to_tid handle code size reply_size objects reason\n"
int sipc_log_format(char *buf, size_t size, const struct sipc_reader *r,
		    const struct sipc_log_entry *e);
int sipc_watch_add(struct sipc_device *dev, struct proc_dir_entry *dir);

int sipc_procfs_init(void);
void sipc_procfs_exit(void);
int sipc_procfs_add_device(struct sipc_device *dev);
void sipc_procfs_remove_device(struct sipc_device *dev);
void sipc_procfs_add(struct sipc_proc *proc);
void sipc_procfs_remove(struct sipc_proc *proc);

/* ---- nodes, handles, death notices (object.c) ---- */

struct sipc_node {
	struct sipc_proc *proc;		/* owner; NULL once dead */
	struct sipc_device *dev;
	struct sipc_user *user;		/* its owner's, charged for it */
	struct rb_node rb;		/* in owner's nodes while alive */
	u64 cookie;
	struct hlist_head refs;		/* handles naming this node */
	u32 nr_refs;
	/*
	 * Transactions in flight to it, plus one of its own while it lives:
	 * only the put that can free it (after its death) takes the graph
	 * lock; the others are lock-free (sipc_node_put_tmp()).
	 */
	atomic_t tmp_refs;
	bool dead;
	bool async_busy;		/* a one-way is being handled */
	struct list_head async_todo;	/* one-way work waiting its turn */
	struct sipc_work released;	/* "no handles left" notice */
	bool released_queued;
	bool want_secctx;		/* SIPC_NODE_TXN_SECCTX, never changed */
	bool has_min_prio;		/* set at creation, never changed */
	struct sipc_prio min_prio;
};

struct sipc_death {
	struct sipc_work work;
	struct sipc_proc *proc;
	struct sipc_ref *ref;		/* NULL once the handle is gone */
	u64 cookie;
	bool queued;
};

struct sipc_ref {
	struct sipc_proc *proc;
	struct sipc_node *node;
	struct rb_node rb_handle;
	struct rb_node rb_node;
	struct hlist_node node_entry;
	u32 handle;
	u32 user_refs;			/* SIPC_IOC_ACQUIRE minus RELEASE */
	u32 buf_refs;			/* held by buffers carrying it */
	struct sipc_death *death;
	struct sipc_freeze_watch *freeze_watch;
};

/* SIPC_IOC_FREEZE_NOTIFY on a handle (freeze.c): its holder's, with it. */
struct sipc_freeze_watch {
	struct sipc_work work;
	struct sipc_proc *proc;		/* the holder, told */
	u64 cookie;
	bool queued;
	bool frozen;			/* what the pending event says */
};

struct sipc_node *sipc_node_lookup(struct sipc_proc *proc, u64 cookie);
struct sipc_node *sipc_handle_to_node(struct sipc_proc *proc, u32 handle);
struct sipc_ref *sipc_ref_by_handle(struct sipc_proc *proc, u32 handle);
void sipc_node_put_tmp(struct sipc_node *node);
void sipc_proc_kill_objects(struct sipc_proc *proc);
int sipc_object_translate(struct sipc_proc *from, struct sipc_proc *to,
			  struct sipc_buffer *buf, size_t offset, size_t max,
			  struct sipc_object *obj);
void sipc_release_objects(struct sipc_proc *proc, struct sipc_buffer *buf);
int sipc_ioctl_object(struct sipc_proc *proc, unsigned int cmd,
		      void __user *arg);

/* ---- transactions (txn.c) ---- */

struct sipc_txn {
	struct sipc_work work;
	struct list_head all_entry;	/* on sipc_device.txns while alive */
	u64 id;				/* for logs, /proc and tracepoints */
	u64 start;			/* local_clock(): cheap, no device read */
	/* The sender, held: /proc/sipc translates them for each reader. */
	struct pid *from_pid, *from_tid;
	u32 handle;
	u64 request_size;
	u32 request_objects;
	u32 refs;			/* caller side + server side */
	struct sipc_thread *from;	/* waiting caller; NULL if abandoned */
	struct sipc_txn *from_parent;
	struct sipc_proc *to_proc;	/* holds a reference */
	struct sipc_thread *to_thread;	/* the server thread, once taken */
	struct sipc_txn *to_parent;
	struct sipc_node *node;		/* target, holds a tmp ref */
	struct sipc_buffer *buffer;	/* request, in to_proc's area */
	u32 code;
	u32 flags;
	u32 sender_pid;
	u32 sender_euid;
	struct sipc_user *user;		/* charged for it while it lives */
	/* the outcome, for a synchronous call */
	bool completed;
	int error;
	struct sipc_proc *reply_proc;	/* caller's proc, holds a reference */
	struct sipc_buffer *reply;
	u32 reply_code;
	/* A synchronous call's end, in jiffies, if it has one */
	bool has_deadline;
	unsigned long deadline;
	/*
	 * SIPC_SEND_CALL_ASYNC (async.c): the calling context while it still
	 * wants the outcome (NULL once cancelled or received), on its
	 * async_calls; async_done carries the outcome to its queue.
	 */
	struct sipc_proc *async_proc;
	u64 async_id;
	struct list_head async_entry;
	struct sipc_work async_done;
	/* What its server runs it at, at least (prio.c) */
	struct sipc_prio prio;
	enum sipc_prio_state prio_state;
	struct sipc_sched server_prev;	/* the server's, before raised */
};

int sipc_transact(struct sipc_thread *thread, struct sipc_transact *tr);
void sipc_txn_fail(struct sipc_txn *t, int error);
void sipc_txn_put(struct sipc_txn *t, struct list_head *reap);
void sipc_txn_reap(struct list_head *reap);
void sipc_txn_reap_keep(struct list_head *reap, struct sipc_txn **spare);
struct sipc_buffer *sipc_txn_deliver(struct sipc_thread *thread,
				     struct sipc_txn *t,
				     struct sipc_transact *tr,
				     struct list_head *reap);
struct sipc_buffer *sipc_txn_take_reply(struct sipc_thread *thread,
					struct sipc_txn *t,
					struct sipc_transact *tr);
void sipc_async_next(struct sipc_node *node);
void sipc_txn_refuse(struct sipc_thread *thread, struct sipc_transact *tr,
		     struct sipc_buffer *buf, int error);
int sipc_free_buffer(struct sipc_proc *proc, u64 user_addr);
void sipc_set_event_buffer(struct sipc_event *ev, struct sipc_area *area,
			   struct sipc_buffer *buf);

/* ---- asynchronous calls (async.c) ---- */

static inline bool sipc_txn_awaited(const struct sipc_txn *t)
{
	return (t->from || t->async_proc) && !t->completed;
}

int sipc_async_register(struct sipc_proc *proc, struct sipc_txn *t);
void sipc_async_done(struct sipc_txn *t);
struct sipc_buffer *sipc_async_deliver(struct sipc_thread *thread,
				       struct sipc_txn *t,
				       struct sipc_transact *tr,
				       struct list_head *reap);
void sipc_async_cancel_all(struct sipc_proc *proc, struct list_head *reap);
int sipc_ioctl_async(struct sipc_proc *proc, unsigned int cmd,
		     void __user *arg);

#endif /* SIPC_INTERNAL_H */
