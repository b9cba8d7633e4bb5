// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sipc: what an operator can read without a debugger. Every file is
 * printed from a snapshot taken under short locks, so reading never holds
 * up transactions for longer than a copy of the state it shows.
 *
 *   stats                   "key: value" per line; counters since load
 *   state                   one line per open context, headed table
 *   proc/<pid>              one process in detail
 *   transactions            transactions alive now, headed table
 *   transaction_log         the last log_size completed ones
 *   failed_transaction_log  the last log_size failed ones, with a reason
 *   failures                failed ones as they happen (watch.c)
 *   users                   (module-wide) what each user has charged now
 * The formats are documented in README.md and are stable.
 *
 * A reader sees only the processes it could see in /proc mounted with
 * hidepid=invisible, whatever the mount says: those in its own pid
 * namespace whose uids and gids are its fsuid and fsgid, or all of that
 * namespace with CAP_SYS_PTRACE over it. A row naming a process it may not
 * see is left out, and every pid is a number in its namespace.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>
#include <linux/uidgid.h>

#include "sipc_internal.h"

static struct proc_dir_entry *sipc_proc_root, *sipc_proc_instances;
/* Every device's list of contexts. */
static DEFINE_MUTEX(sipc_procs_lock);
/*
 * Every device's pid entries. Held across proc_remove(), which waits for
 * the file's readers: no reader may take it.
 */
static DEFINE_MUTEX(sipc_pids_lock);

/* Comms are the process's to choose: never a row or column of their own. */
#define SIPC_COMM_ESCAPE " \t\n\r\v\f\\"

/*
 * Who reads, taken at each read: the reader's own pid namespace, not that
 * of the proc mount the file was reached through. These files are global
 * entries under every proc mount, so a process that made itself a new
 * namespace but reads its parent's /proc must not get the parent's view;
 * and only numbers in its own namespace mean anything to the reader.
 * Credentials are the reader's too, as procfs checks them: a descriptor
 * handed on shows its new holder only what that holder may see.
 */
void sipc_reader_init(struct sipc_reader *r)
{
	r->ns = task_active_pid_ns(current);
	r->all = ns_capable_noaudit(r->ns->user_ns, CAP_SYS_PTRACE);
}

pid_t sipc_reader_nr(const struct sipc_reader *r, struct pid *pid)
{
	return pid ? pid_nr_ns(pid, r->ns) : 0;
}

/*
 * Could @r ptrace-read @pid's process, uid-wise, as hidepid=invisible asks?
 * Atomic: called under the graph lock. A process gone is for the
 * privileged only: there are no credentials left to compare.
 */
static bool sipc_reader_sees(const struct sipc_reader *r, struct pid *pid)
{
	const struct cred *me = current_cred(), *tc;
	struct task_struct *task;
	bool ok = false;

	if (!sipc_reader_nr(r, pid))
		return false;
	if (r->all)
		return true;
	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_PID);
	if (task) {
		tc = __task_cred(task);
		ok = uid_eq(me->fsuid, tc->euid) && uid_eq(me->fsuid, tc->suid) &&
		     uid_eq(me->fsuid, tc->uid) && gid_eq(me->fsgid, tc->egid) &&
		     gid_eq(me->fsgid, tc->sgid) && gid_eq(me->fsgid, tc->gid);
	}
	rcu_read_unlock();
	return ok;
}

/* A row naming the processes @a and @b (either may be NULL, not both). */
bool sipc_reader_sees_row(const struct sipc_reader *r, struct pid *a,
			  struct pid *b)
{
	return (a || b) && (!a || sipc_reader_sees(r, a)) &&
	       (!b || sipc_reader_sees(r, b));
}

/*
 * A context is its opener's: besides its process, the reader must be the
 * euid that opened it, as the old proc/<pid> file owner was, but for
 * every context of the process rather than its first.
 */
static bool reader_owns(const struct sipc_reader *r, struct sipc_proc *proc)
{
	return sipc_reader_sees(r, proc->tgid) &&
	       (r->all || uid_eq(proc->cred->euid, current_fsuid()));
}

/* One proc/<pid> file, shared by a pid's contexts on one device. */
struct sipc_pid_entry {
	struct list_head entry;
	struct sipc_device *dev;
	pid_t pid;
	unsigned int users;
	struct proc_dir_entry *pde;
};

/* ---- stats ---- */

static int stats_show(struct seq_file *m, void *v)
{
	struct sipc_stats *st = &((struct sipc_device *)m->private)->stats;
	int c;

	seq_printf(m, "version: %u.%u\n", SIPC_VERSION_MAJOR,
		   SIPC_VERSION_MINOR);
	for (c = 0; c < SIPC_CNT_NR; c++)
		seq_printf(m, "%s: %llu\n", sipc_counter_name(c),
			   sipc_counter_read(st, c));
	/* What is alive now: each *_created minus its *_freed. */
	for (c = SIPC_CNT_PROCS_CREATED; c <= SIPC_CNT_CHANNELS_FREED; c += 2) {
		const char *name = sipc_counter_name(c);

		seq_printf(m, "%.*s_in_use: %lld\n",
			   (int)(strlen(name) - strlen("_created")), name,
			   (s64)(sipc_counter_read(st, c) -
				 sipc_counter_read(st, c + 1)));
	}
	return 0;
}

/* ---- state and per-process detail ---- */

struct proc_snapshot {
	u32 threads, waiting, busy, nodes, handles, pending;
	u32 spawn_requested, spawned, async_calls;
	u64 sent, received;
	struct sipc_area_stats area;
};

static void snapshot_proc(struct sipc_proc *proc, struct proc_snapshot *s)
{
	struct list_head *q;
	struct rb_node *n;

	memset(s, 0, sizeof(*s));
	sipc_graph_lock(proc->dev);
	s->threads = proc->nr_threads;
	for (n = rb_first(&proc->threads); n; n = rb_next(n))
		if (rb_entry(n, struct sipc_thread, rb)->stack)
			s->busy++;
	list_for_each(q, &proc->waiting)
		s->waiting++;
	list_for_each(q, &proc->todo)
		s->pending++;
	s->nodes = proc->nr_nodes;
	s->handles = proc->nr_refs;
	s->sent = proc->sent;
	s->received = proc->received;
	s->spawn_requested = proc->requested_threads;
	s->spawned = proc->started_threads;
	s->async_calls = proc->nr_async;
	sipc_graph_unlock(proc->dev);
	sipc_area_get_stats(&proc->area, &s->area);
}

static void state_header(struct seq_file *m)
{
	seq_puts(m, "pid comm threads waiting busy nodes handles area_size in_use free_blocks largest_free oneway_used pending sent received\n");
}

static void state_line(struct seq_file *m, const struct sipc_reader *r,
		       struct sipc_proc *proc, struct proc_snapshot *s)
{
	seq_printf(m, "%d ", sipc_reader_nr(r, proc->tgid));
	seq_escape(m, proc->comm, SIPC_COMM_ESCAPE);
	seq_printf(m, " %u %u %u %u %u %zu %zu %zu %zu %zu %u %llu %llu\n",
		   s->threads, s->waiting, s->busy,
		   s->nodes, s->handles, s->area.size, s->area.in_use,
		   s->area.free_blocks, s->area.largest_free,
		   s->area.oneway_used, s->pending, s->sent, s->received);
}

static size_t count_procs(struct sipc_device *dev)
{
	struct sipc_proc *proc;
	size_t n = 0;

	lockdep_assert_held(&sipc_procs_lock);
	list_for_each_entry(proc, &dev->procs, procfs_entry)
		n++;
	return n;
}

/*
 * A reference to each context of @dev that @r owns (of process @pid only,
 * if not 0), so that each can be printed under its own locks: the list
 * lock is held only to walk the list, never around an area lock.
 */
static struct sipc_proc **procs_grab(struct sipc_device *dev,
				     bool (*keep)(struct sipc_proc *proc,
						  const void *arg),
				     const void *arg, size_t *nr)
{
	struct sipc_proc *proc, **procs;
	size_t n = 0, max;

	mutex_lock(&sipc_procs_lock);
	max = count_procs(dev);
	mutex_unlock(&sipc_procs_lock);
	/* Contexts opened since are left for the next read. */
	procs = kvcalloc(max + 1, sizeof(*procs), GFP_KERNEL);
	if (!procs)
		return NULL;
	mutex_lock(&sipc_procs_lock);
	list_for_each_entry(proc, &dev->procs, procfs_entry) {
		if (n == max)
			break;
		if (!keep(proc, arg))
			continue;
		sipc_proc_get(proc);
		procs[n++] = proc;
	}
	mutex_unlock(&sipc_procs_lock);
	*nr = n;
	return procs;
}

struct reader_filter {
	const struct sipc_reader *r;
	pid_t pid;
};

static bool reader_keeps(struct sipc_proc *proc, const void *arg)
{
	const struct reader_filter *f = arg;

	return (!f->pid || proc->pid == f->pid) && reader_owns(f->r, proc);
}

static struct sipc_proc **grab_procs(struct sipc_device *dev,
				     const struct sipc_reader *r, pid_t pid,
				     size_t *nr)
{
	struct reader_filter f = { .r = r, .pid = pid };

	return procs_grab(dev, reader_keeps, &f, nr);
}

static bool opened_by(struct sipc_proc *proc, const void *tgid)
{
	return proc->tgid == tgid;
}

/* Each context of @dev that process @tgid opened, referenced. */
struct sipc_proc **sipc_procs_of(struct sipc_device *dev, struct pid *tgid,
				 size_t *nr)
{
	return procs_grab(dev, opened_by, tgid, nr);
}

/* No lock held: the last reference frees its context. */
void sipc_procs_put(struct sipc_proc **procs, size_t n)
{
	while (n--)
		sipc_proc_put(procs[n]);
	kvfree(procs);
}

static int state_show(struct seq_file *m, void *v)
{
	struct sipc_proc **procs;
	struct proc_snapshot s;
	struct sipc_reader r;
	size_t n, i;

	sipc_reader_init(&r);
	procs = grab_procs(m->private, &r, 0, &n);
	if (!procs)
		return -ENOMEM;
	state_header(m);
	for (i = 0; i < n; i++) {
		snapshot_proc(procs[i], &s);
		state_line(m, &r, procs[i], &s);
	}
	sipc_procs_put(procs, n);
	return 0;
}

/* A node or handle as the detail file shows it, copied under the lock. */
struct object_line {
	bool is_node;
	u64 cookie;		/* node: its cookie */
	u32 handle;		/* handle: its number */
	/* handle: the node's owner, 0 if dead or not the reader's to see */
	pid_t owner;
	/* node: handles, one-ways queued; handle: user refs, buffer refs */
	u32 count_a, count_b;
	bool death;		/* handle: a death notice is set */
	bool dead;
};

static size_t snapshot_objects(const struct sipc_reader *r,
			       struct sipc_proc *proc,
			       struct object_line *out, size_t max)
{
	size_t count = 0;
	struct rb_node *n;

	sipc_graph_lock(proc->dev);
	for (n = rb_first(&proc->nodes); n && count < max; n = rb_next(n)) {
		struct sipc_node *node = rb_entry(n, struct sipc_node, rb);
		struct object_line *o = &out[count++];
		struct list_head *q;

		o->is_node = true;
		o->cookie = node->cookie;
		o->count_a = node->nr_refs;
		list_for_each(q, &node->async_todo)
			o->count_b++;
	}
	for (n = rb_first(&proc->refs_by_handle); n && count < max;
	     n = rb_next(n)) {
		struct sipc_ref *ref = rb_entry(n, struct sipc_ref, rb_handle);
		struct sipc_proc *owner = ref->node->proc;
		struct object_line *o = &out[count++];

		o->handle = ref->handle;
		if (owner && sipc_reader_sees(r, owner->tgid))
			o->owner = sipc_reader_nr(r, owner->tgid);
		o->dead = ref->node->dead;
		o->count_a = ref->user_refs;
		o->count_b = ref->buf_refs;
		o->death = ref->death;
	}
	sipc_graph_unlock(proc->dev);
	return count;
}

static void detail_objects(struct seq_file *m, const struct sipc_reader *r,
			   struct sipc_proc *proc, struct proc_snapshot *s)
{
	size_t max = s->nodes + s->handles + 16, n, i;
	struct object_line *lines = kvcalloc(max, sizeof(*lines), GFP_KERNEL);

	if (!lines)
		return;
	n = snapshot_objects(r, proc, lines, max);
	for (i = 0; i < n; i++) {
		struct object_line *o = &lines[i];

		if (o->is_node)
			seq_printf(m, "node: cookie=0x%llx handles=%u oneway_queued=%u\n",
				   o->cookie, o->count_a, o->count_b);
		else
			seq_printf(m, "handle: %u owner=%d%s user_refs=%u buffer_refs=%u death_notice=%d\n",
				   o->handle, o->owner, o->dead ? " dead" : "",
				   o->count_a, o->count_b, o->death);
	}
	kvfree(lines);
}

static void detail_buffers(struct seq_file *m, struct sipc_proc *proc)
{
	size_t max = 256, n, i;
	struct sipc_buffer_info *bufs = kvcalloc(max, sizeof(*bufs),
						 GFP_KERNEL);

	if (!bufs)
		return;
	n = sipc_area_list_buffers(&proc->area, bufs, max);
	for (i = 0; i < min(n, max); i++)
		seq_printf(m, "buffer: offset=%zu size=%zu data_size=%zu objects=%zu state=%s%s\n",
			   bufs[i].offset, bufs[i].size, bufs[i].data_size,
			   bufs[i].objects,
			   bufs[i].user_owned ? "delivered" : "in_flight",
			   bufs[i].oneway ? " oneway" : "");
	if (n > max)
		seq_printf(m, "buffers_not_shown: %zu\n", n - max);
	kvfree(bufs);
}

static void detail_threads(struct seq_file *m, const struct sipc_reader *r,
			   struct sipc_proc *proc)
{
	struct rb_node *n;
	char line[96];
	size_t len;

	/* Bounded by the seq_file buffer: a line each, built under the lock. */
	sipc_graph_lock(proc->dev);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		struct sipc_thread *t = rb_entry(n, struct sipc_thread, rb);
		struct sipc_txn *x;
		int depth = 0;

		for (x = t->stack; x; depth++)
			x = x->to_thread == t ? x->to_parent : x->from_parent;
		len = scnprintf(line, sizeof(line),
				"thread: %d looper=%d spawned=%d stack=%d\n",
				sipc_reader_nr(r, t->tid), !!(t->looper & SIPC_THREAD_LOOPER),
				!!(t->looper & SIPC_THREAD_SPAWNED), depth);
		seq_write(m, line, len);
	}
	sipc_graph_unlock(proc->dev);
}

static void detail_one(struct seq_file *m, const struct sipc_reader *r,
		       struct sipc_proc *proc, int context)
{
	struct proc_snapshot s;

	snapshot_proc(proc, &s);
	seq_printf(m, "context: %d\npid: %d\ncomm: ", context,
		   sipc_reader_nr(r, proc->tgid));
	seq_escape(m, proc->comm, SIPC_COMM_ESCAPE);
	seq_printf(m, "\nthreads: %u\nwaiting: %u\nbusy: %u\nmax_threads: %u\n",
		   s.threads, s.waiting, s.busy, proc->max_threads);
	seq_printf(m, "nodes: %u\nhandles: %u\npending: %u\nsent: %llu\nreceived: %llu\n",
		   s.nodes, s.handles, s.pending, s.sent, s.received);
	seq_printf(m, "area_size: %zu\nin_use: %zu\nfree_blocks: %zu\nlargest_free: %zu\noneway_used: %zu\nmapped: %d\n",
		   s.area.size, s.area.in_use, s.area.free_blocks,
		   s.area.largest_free, s.area.oneway_used, s.area.mapped);
	seq_printf(m, "spawn_requested: %u\nspawned: %u\nasync_calls: %u\n",
		   s.spawn_requested, s.spawned, s.async_calls);
	detail_threads(m, r, proc);
	detail_objects(m, r, proc, &s);
	detail_buffers(m, proc);
}

/*
 * The entry lives until proc_remove() has waited for this read. Only the
 * contexts the reader owns are shown, numbered among those.
 */
static int detail_show(struct seq_file *m, void *v)
{
	struct sipc_pid_entry *pe = m->private;
	struct sipc_proc **procs;
	struct sipc_reader r;
	size_t n, i;

	sipc_reader_init(&r);
	procs = grab_procs(pe->dev, &r, pe->pid, &n);
	if (!procs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		detail_one(m, &r, procs[i], i);
	sipc_procs_put(procs, n);
	return 0;
}

/* ---- transactions alive now ---- */

struct txn_line {
	u64 id;
	pid_t from_pid, from_tid, to_pid, to_tid;
	u32 code;
	u64 size;
	u64 age_us;
	bool oneway, taken, completed;
};

/* Transactions copied per hold of the graph lock. */
#define SIPC_TXN_BATCH 32

/* Graph lock held: @t as @r sees it, if @r may see both its ends. */
static bool txn_line_fill(const struct sipc_reader *r, struct sipc_txn *t,
			  u64 now, struct txn_line *l)
{
	struct sipc_proc *to = t->to_proc;

	lockdep_assert_held(&to->dev->lock);
	if (!sipc_reader_sees_row(r, t->from_pid, to->tgid))
		return false;
	l->id = t->id;
	l->from_pid = sipc_reader_nr(r, t->from_pid);
	l->from_tid = sipc_reader_nr(r, t->from_tid);
	l->to_pid = sipc_reader_nr(r, to->tgid);
	l->to_tid = t->to_thread ? sipc_reader_nr(r, t->to_thread->tid) : 0;
	l->code = t->code;
	l->size = t->request_size;
	l->age_us = div_u64(now - t->start, NSEC_PER_USEC);
	l->oneway = t->flags & SIPC_EVF_ONEWAY;
	l->taken = t->to_thread;
	l->completed = t->completed;
	return true;
}

/*
 * Copy what follows @cursor, at most SIPC_TXN_BATCH entries, and move the
 * cursor past them: the graph lock is held for one batch at a time, and
 * the cursor keeps the place while it is dropped. A cursor is a zeroed
 * transaction on the list; real ones have an id, from 1. Returns the lines
 * filled; *@steps counts the entries passed, cursors included.
 */
static size_t txn_batch(struct sipc_device *dev, const struct sipc_reader *r,
			struct sipc_txn *cursor, struct txn_line *lines,
			size_t *steps)
{
	struct list_head *pos;
	u64 now = local_clock();
	size_t n = 0, i;

	sipc_graph_lock(dev);
	pos = cursor->all_entry.next;
	for (i = 0; i < SIPC_TXN_BATCH && pos != &dev->txns; i++) {
		struct sipc_txn *t = list_entry(pos, struct sipc_txn,
						all_entry);

		if (t->id && txn_line_fill(r, t, now, &lines[n]))
			n++;
		pos = pos->next;
	}
	list_move_tail(&cursor->all_entry, pos);
	if (pos == &dev->txns)
		*steps = SIZE_MAX;
	else
		*steps += i;
	sipc_graph_unlock(dev);
	return n;
}

static void txn_line_show(struct seq_file *m, struct txn_line *l)
{
	seq_printf(m, "%llu %d %d %d %d %u %llu %llu %s %s\n",
		   l->id, l->from_pid, l->from_tid, l->to_pid, l->to_tid,
		   l->code, l->size, l->age_us,
		   l->oneway ? "oneway" : "call",
		   l->completed ? "replied" : l->taken ? "serving" : "queued");
}

static int transactions_show(struct seq_file *m, void *v)
{
	struct sipc_device *dev = m->private;
	struct txn_line *lines;
	struct sipc_txn *cursor;
	struct sipc_reader r;
	size_t steps = 0, max, n, i;
	int ret = -ENOMEM;

	sipc_reader_init(&r);
	lines = kcalloc(SIPC_TXN_BATCH, sizeof(*lines), GFP_KERNEL);
	cursor = kzalloc(sizeof(*cursor), GFP_KERNEL);
	if (!lines || !cursor)
		goto out;
	seq_puts(m, "id from_pid from_tid to_pid to_tid code size age_us kind state\n");
	/* Those sent while we print may be shown; they cannot keep us here. */
	max = READ_ONCE(dev->nr_txns) + SIPC_TXN_BATCH;
	sipc_graph_lock(dev);
	list_add(&cursor->all_entry, &dev->txns);
	sipc_graph_unlock(dev);
	while (steps < max) {
		n = txn_batch(dev, &r, cursor, lines, &steps);
		for (i = 0; i < n; i++)
			txn_line_show(m, &lines[i]);
	}
	sipc_graph_lock(dev);
	list_del(&cursor->all_entry);
	sipc_graph_unlock(dev);
	ret = 0;
out:
	kfree(cursor);
	kfree(lines);
	return ret;
}

/* ---- the logs ---- */

int sipc_log_format(char *buf, size_t size, const struct sipc_reader *r,
		    const struct sipc_log_entry *e)
{
	static const char * const kinds[] = {
		[SIPC_SEND_CALL] = "call",
		[SIPC_SEND_ONEWAY] = "oneway",
		[SIPC_SEND_REPLY] = "reply",
		[SIPC_SEND_CALL_ASYNC] = "call_async",
	};
	const char *kind = e->kind < ARRAY_SIZE(kinds) && kinds[e->kind] ?
			   kinds[e->kind] : "reply";

	return scnprintf(buf, size,
			 "%llu %llu %llu %s %d %d %d %d %u %u %llu %llu %u %s\n",
			 e->id, e->when, e->duration_ns, kind,
			 sipc_reader_nr(r, e->from_pid),
			 sipc_reader_nr(r, e->from_tid),
			 sipc_reader_nr(r, e->to_pid),
			 sipc_reader_nr(r, e->to_tid),
			 e->handle, e->code, e->size, e->reply_size,
			 e->objects,
			 e->error ? sipc_error_reason(e->error) : "ok");
}

static void log_line(struct seq_file *m, const struct sipc_reader *r,
		     struct sipc_log_entry *e)
{
	char line[SIPC_LOG_LINE_MAX];

	sipc_log_format(line, sizeof(line), r, e);
	seq_puts(m, line);
}

static int log_show(struct seq_file *m, enum sipc_log_kind kind)
{
	struct sipc_stats *st = &((struct sipc_device *)m->private)->stats;
	struct sipc_log_entry *e;
	struct sipc_reader r;
	unsigned int n, i, shown = 0;
	u64 total;

	sipc_reader_init(&r);
	e = kvcalloc(sipc_log_size, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	n = sipc_log_snapshot(st, kind, e, sipc_log_size, &total);
	for (i = 0; i < n; i++)
		shown += sipc_reader_sees_row(&r, e[i].from_pid, e[i].to_pid);
	seq_printf(m, "# %llu logged since load, last %u shown\n", total,
		   shown);
	seq_puts(m, SIPC_LOG_HEADER);
	for (i = 0; i < n; i++)
		if (sipc_reader_sees_row(&r, e[i].from_pid, e[i].to_pid))
			log_line(m, &r, &e[i]);
	sipc_log_put(e, n);
	kvfree(e);
	return 0;
}

static int completed_log_show(struct seq_file *m, void *v)
{
	return log_show(m, SIPC_LOG_COMPLETED);
}

static int failed_log_show(struct seq_file *m, void *v)
{
	return log_show(m, SIPC_LOG_FAILED);
}

/* ---- registration ---- */

/* proc/<pid> for @proc's pid: the first of its contexts makes it. */
static void pid_entry_get(struct sipc_proc *proc)
{
	struct sipc_device *dev = proc->dev;
	struct sipc_pid_entry *pe;
	char name[16];

	mutex_lock(&sipc_pids_lock);
	list_for_each_entry(pe, &dev->pid_entries, entry) {
		if (pe->pid == proc->pid) {
			pe->users++;
			goto out;
		}
	}
	/* Without its detail file a context still works: best effort. */
	pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		goto out;
	pe->dev = dev;
	pe->pid = proc->pid;
	pe->users = 1;
	snprintf(name, sizeof(name), "%d", proc->pid);
	/* Anyone may open it: it shows each reader its own contexts. */
	pe->pde = proc_create_single_data(name, 0444, dev->proc_pids,
					  detail_show, pe);
	if (!pe->pde) {
		kfree(pe);
		goto out;
	}
	list_add(&pe->entry, &dev->pid_entries);
out:
	mutex_unlock(&sipc_pids_lock);
}

static void pid_entry_put(struct sipc_proc *proc)
{
	struct sipc_pid_entry *pe;

	mutex_lock(&sipc_pids_lock);
	list_for_each_entry(pe, &proc->dev->pid_entries, entry) {
		if (pe->pid != proc->pid || --pe->users)
			continue;
		/* Waits for its readers, who take only sipc_procs_lock. */
		proc_remove(pe->pde);
		list_del(&pe->entry);
		kfree(pe);
		break;
	}
	mutex_unlock(&sipc_pids_lock);
}

void sipc_procfs_add(struct sipc_proc *proc)
{
	pid_entry_get(proc);
	mutex_lock(&sipc_procs_lock);
	list_add_tail(&proc->procfs_entry, &proc->dev->procs);
	mutex_unlock(&sipc_procs_lock);
}

void sipc_procfs_remove(struct sipc_proc *proc)
{
	mutex_lock(&sipc_procs_lock);
	list_del(&proc->procfs_entry);
	mutex_unlock(&sipc_procs_lock);
	pid_entry_put(proc);
}

/* ---- users: what each user has charged now (quota.c), module-wide ---- */

#define SIPC_USERS_SHOWN	4096

/* A reader sees its own uid's line; CAP_SYS_PTRACE, every mapped one. */
static int users_show(struct seq_file *m, void *v)
{
	struct user_namespace *ns = current_user_ns();
	struct sipc_user_usage *u;
	struct sipc_reader r;
	size_t i, n;

	sipc_reader_init(&r);
	u = kvcalloc(SIPC_USERS_SHOWN, sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	n = sipc_users_snapshot(u, SIPC_USERS_SHOWN);
	seq_puts(m, "uid txns_in_flight nodes\n");
	for (i = 0; i < n; i++) {
		if (!r.all && !uid_eq(u[i].uid, current_fsuid()))
			continue;
		if (from_kuid(ns, u[i].uid) == (uid_t)-1)
			continue;
		seq_printf(m, "%u %u %u\n", from_kuid(ns, u[i].uid),
			   u[i].txns, u[i].nodes);
	}
	kvfree(u);
	return 0;
}

static int channels_show(struct seq_file *m, void *v)
{
	struct sipc_reader r;

	sipc_reader_init(&r);
	sipc_channels_show(m, m->private, &r);
	return 0;
}

static const struct {
	const char *name;
	int (*show)(struct seq_file *m, void *v);
} device_files[] = {
	{ "stats", stats_show },
	{ "state", state_show },
	{ "transactions", transactions_show },
	{ "transaction_log", completed_log_show },
	{ "failed_transaction_log", failed_log_show },
	{ "channels", channels_show },
};

/*
 * /dev/sipc's files sit in /proc/sipc itself; an instance's in
 * /proc/sipc/instances/<name>/, with the same names and formats.
 */
int sipc_procfs_add_device(struct sipc_device *dev)
{
	struct proc_dir_entry *dir = sipc_proc_root;
	size_t i;

	if (*dev->name) {
		dir = proc_mkdir(dev->name, sipc_proc_instances);
		if (!dir)
			return -ENOMEM;
	}
	dev->proc_dir = dir;
	dev->proc_pids = proc_mkdir("proc", dir);
	if (!dev->proc_pids)
		goto fail;
	for (i = 0; i < ARRAY_SIZE(device_files); i++)
		if (!proc_create_single_data(device_files[i].name, 0444, dir,
					     device_files[i].show, dev))
			goto fail;
	if (sipc_watch_add(dev, dir))
		goto fail;
	return 0;
fail:
	sipc_procfs_remove_device(dev);
	return -ENOMEM;
}

void sipc_procfs_remove_device(struct sipc_device *dev)
{
	size_t i;

	/* A watcher blocked in read() would hold up the removal. */
	sipc_log_close(&dev->stats);
	if (*dev->name) {
		proc_remove(dev->proc_dir);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(device_files); i++)
		remove_proc_entry(device_files[i].name, dev->proc_dir);
	remove_proc_entry("failures", dev->proc_dir);
	remove_proc_subtree("proc", dev->proc_dir);
}

int sipc_procfs_init(void)
{
	sipc_proc_root = proc_mkdir("sipc", NULL);
	if (!sipc_proc_root)
		return -ENOMEM;
	sipc_proc_instances = proc_mkdir("instances", sipc_proc_root);
	if (!sipc_proc_instances ||
	    !proc_create_single("users", 0444, sipc_proc_root, users_show)) {
		proc_remove(sipc_proc_root);
		return -ENOMEM;
	}
	return 0;
}

void sipc_procfs_exit(void)
{
	proc_remove(sipc_proc_root);
}
