// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sipc: what an operator can read without a debugger. Every file is
 * printed from a snapshot taken under short locks, so reading never holds
 * up transactions for longer than a copy of the state it shows.
 *
 *   stats                   "key: value" per line; counters since load
 *   state                   one line per open context, headed table
 *   proc/<pid>              one process in detail (owner and root only)
 *   transactions            transactions alive now, headed table
 *   transaction_log         the last log_size completed ones
 *   failed_transaction_log  the last log_size failed ones, with a reason
 * The formats are documented in README.md and are stable.
 */
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/uidgid.h>

#include "sipc_internal.h"

static struct proc_dir_entry *sipc_proc_root, *sipc_proc_instances;
/* Every device's procs and pid entries, and its directories. */
static DEFINE_MUTEX(sipc_procs_lock);

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
	for (c = SIPC_CNT_PROCS_CREATED; c <= SIPC_CNT_PAGES_FREED; c += 2) {
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
	u32 spawn_requested, spawned;
	u64 sent, received;
	struct sipc_area_stats area;
};

static void snapshot_proc(struct sipc_proc *proc, struct proc_snapshot *s)
{
	struct list_head *q;
	struct rb_node *n;

	memset(s, 0, sizeof(*s));
	spin_lock(&proc->dev->lock);
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
	spin_unlock(&proc->dev->lock);
	sipc_area_get_stats(&proc->area, &s->area);
}

static void state_header(struct seq_file *m)
{
	seq_puts(m, "pid comm threads waiting busy nodes handles area_size in_use free_blocks largest_free oneway_used pending sent received\n");
}

static void state_line(struct seq_file *m, struct sipc_proc *proc,
		       struct proc_snapshot *s)
{
	seq_printf(m, "%d %s %u %u %u %u %u %zu %zu %zu %zu %zu %u %llu %llu\n",
		   proc->pid, proc->comm, s->threads, s->waiting, s->busy,
		   s->nodes, s->handles, s->area.size, s->area.in_use,
		   s->area.free_blocks, s->area.largest_free,
		   s->area.oneway_used, s->pending, s->sent, s->received);
}

static int state_show(struct seq_file *m, void *v)
{
	struct sipc_device *dev = m->private;
	struct proc_snapshot s;
	struct sipc_proc *proc;

	state_header(m);
	mutex_lock(&sipc_procs_lock);
	list_for_each_entry(proc, &dev->procs, procfs_entry) {
		snapshot_proc(proc, &s);
		state_line(m, proc, &s);
	}
	mutex_unlock(&sipc_procs_lock);
	return 0;
}

/* A node or handle as the detail file shows it, copied under the lock. */
struct object_line {
	bool is_node;
	u64 cookie;		/* node: its cookie */
	u32 handle;		/* handle: its number */
	pid_t owner;		/* handle: the node's owner, 0 if dead */
	/* node: handles, one-ways queued; handle: user refs, buffer refs */
	u32 count_a, count_b;
	bool death;		/* handle: a death notice is set */
	bool dead;
};

static size_t snapshot_objects(struct sipc_proc *proc,
			       struct object_line *out, size_t max)
{
	size_t count = 0;
	struct rb_node *n;

	spin_lock(&proc->dev->lock);
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
		struct object_line *o = &out[count++];

		o->handle = ref->handle;
		o->owner = ref->node->proc ? ref->node->proc->pid : 0;
		o->dead = ref->node->dead;
		o->count_a = ref->user_refs;
		o->count_b = ref->buf_refs;
		o->death = ref->death;
	}
	spin_unlock(&proc->dev->lock);
	return count;
}

static void detail_objects(struct seq_file *m, struct sipc_proc *proc,
			   struct proc_snapshot *s)
{
	size_t max = s->nodes + s->handles + 16, n, i;
	struct object_line *lines = kvcalloc(max, sizeof(*lines), GFP_KERNEL);

	if (!lines)
		return;
	n = snapshot_objects(proc, lines, max);
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

static void detail_threads(struct seq_file *m, struct sipc_proc *proc)
{
	struct rb_node *n;
	char line[96];
	size_t len;

	/* Bounded by the seq_file buffer: a line each, built under the lock. */
	spin_lock(&proc->dev->lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		struct sipc_thread *t = rb_entry(n, struct sipc_thread, rb);
		struct sipc_txn *x;
		int depth = 0;

		for (x = t->stack; x; depth++)
			x = x->to_thread == t ? x->to_parent : x->from_parent;
		len = scnprintf(line, sizeof(line),
				"thread: %d looper=%d spawned=%d stack=%d\n",
				t->pid, !!(t->looper & SIPC_THREAD_LOOPER),
				!!(t->looper & SIPC_THREAD_SPAWNED), depth);
		seq_write(m, line, len);
	}
	spin_unlock(&proc->dev->lock);
}

static int detail_show(struct seq_file *m, void *v)
{
	struct sipc_pid_entry *pe = m->private;
	struct proc_snapshot s;
	struct sipc_proc *proc;
	int context = 0;

	mutex_lock(&sipc_procs_lock);
	list_for_each_entry(proc, &pe->dev->procs, procfs_entry) {
		if (proc->pid != pe->pid)
			continue;
		snapshot_proc(proc, &s);
		seq_printf(m, "context: %d\npid: %d\ncomm: %s\n", context++,
			   proc->pid, proc->comm);
		seq_printf(m, "threads: %u\nwaiting: %u\nbusy: %u\nmax_threads: %u\n",
			   s.threads, s.waiting, s.busy, proc->max_threads);
		seq_printf(m, "nodes: %u\nhandles: %u\npending: %u\nsent: %llu\nreceived: %llu\n",
			   s.nodes, s.handles, s.pending, s.sent, s.received);
		seq_printf(m, "area_size: %zu\nin_use: %zu\nfree_blocks: %zu\nlargest_free: %zu\noneway_used: %zu\nmapped: %d\n",
			   s.area.size, s.area.in_use, s.area.free_blocks,
			   s.area.largest_free, s.area.oneway_used,
			   s.area.mapped);
		seq_printf(m, "spawn_requested: %u\nspawned: %u\n",
			   s.spawn_requested, s.spawned);
		detail_threads(m, proc);
		detail_objects(m, proc, &s);
		detail_buffers(m, proc);
	}
	mutex_unlock(&sipc_procs_lock);
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

static int transactions_show(struct seq_file *m, void *v)
{
	struct sipc_device *dev = m->private;
	struct txn_line *lines;
	struct sipc_txn *t;
	size_t max, n = 0, i;
	u64 now;

	seq_puts(m, "id from_pid from_tid to_pid to_tid code size age_us kind state\n");
	max = READ_ONCE(dev->nr_txns) + 64;
	lines = kvcalloc(max, sizeof(*lines), GFP_KERNEL);
	if (!lines)
		return -ENOMEM;
	now = local_clock();
	spin_lock(&dev->lock);
	list_for_each_entry(t, &dev->txns, all_entry) {
		struct txn_line *l = &lines[n];

		if (n == max)
			break;
		l->id = t->id;
		l->from_pid = t->from_pid;
		l->from_tid = t->from_tid;
		l->to_pid = t->to_proc->pid;
		l->to_tid = t->to_thread ? t->to_thread->pid : 0;
		l->code = t->code;
		l->size = t->request_size;
		l->age_us = div_u64(now - t->start, NSEC_PER_USEC);
		l->oneway = t->flags & SIPC_EVF_ONEWAY;
		l->taken = t->to_thread;
		l->completed = t->completed;
		n++;
	}
	spin_unlock(&dev->lock);
	for (i = 0; i < n; i++)
		seq_printf(m, "%llu %d %d %d %d %u %llu %llu %s %s\n",
			   lines[i].id, lines[i].from_pid, lines[i].from_tid,
			   lines[i].to_pid, lines[i].to_tid, lines[i].code,
			   lines[i].size, lines[i].age_us,
			   lines[i].oneway ? "oneway" : "call",
			   lines[i].completed ? "replied" :
			   lines[i].taken ? "serving" : "queued");
	kvfree(lines);
	return 0;
}

/* ---- the logs ---- */

static int log_show(struct seq_file *m, enum sipc_log_kind kind)
{
	struct sipc_stats *st = &((struct sipc_device *)m->private)->stats;
	struct sipc_log_entry *e;
	unsigned int n, i;
	u64 total;

	e = kvcalloc(sipc_log_size, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	n = sipc_log_snapshot(st, kind, e, sipc_log_size, &total);
	seq_printf(m, "# %llu logged since load, last %u shown\n", total, n);
	seq_puts(m, "id time_ns duration_ns kind from_pid from_tid to_pid to_tid handle code size reply_size objects reason\n");
	for (i = 0; i < n; i++)
		seq_printf(m, "%llu %llu %llu %s %d %d %d %d %u %u %llu %llu %u %s\n",
			   e[i].id, e[i].when, e[i].duration_ns,
			   e[i].kind == SIPC_SEND_CALL ? "call" :
			   e[i].kind == SIPC_SEND_ONEWAY ? "oneway" : "reply",
			   e[i].from_pid, e[i].from_tid, e[i].to_pid,
			   e[i].to_tid, e[i].handle, e[i].code, e[i].size,
			   e[i].reply_size, e[i].objects,
			   e[i].error ? sipc_error_reason(e[i].error) : "ok");
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

void sipc_procfs_add(struct sipc_proc *proc)
{
	struct sipc_device *dev = proc->dev;
	struct sipc_pid_entry *pe;
	char name[16];

	mutex_lock(&sipc_procs_lock);
	list_add_tail(&proc->procfs_entry, &dev->procs);
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
	pe->pde = proc_create_single_data(name, 0400, dev->proc_pids,
					  detail_show, pe);
	if (!pe->pde) {
		kfree(pe);
		goto out;
	}
	/* Only the owner (and root, who may read anything) sees the detail. */
	proc_set_user(pe->pde, proc->cred->euid, proc->cred->egid);
	list_add(&pe->entry, &dev->pid_entries);
out:
	mutex_unlock(&sipc_procs_lock);
}

void sipc_procfs_remove(struct sipc_proc *proc)
{
	struct sipc_pid_entry *pe;

	mutex_lock(&sipc_procs_lock);
	list_del(&proc->procfs_entry);
	list_for_each_entry(pe, &proc->dev->pid_entries, entry) {
		if (pe->pid != proc->pid || --pe->users)
			continue;
		proc_remove(pe->pde);
		list_del(&pe->entry);
		kfree(pe);
		break;
	}
	mutex_unlock(&sipc_procs_lock);
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
	return 0;
fail:
	sipc_procfs_remove_device(dev);
	return -ENOMEM;
}

void sipc_procfs_remove_device(struct sipc_device *dev)
{
	size_t i;

	if (*dev->name) {
		proc_remove(dev->proc_dir);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(device_files); i++)
		remove_proc_entry(device_files[i].name, dev->proc_dir);
	remove_proc_subtree("proc", dev->proc_dir);
}

int sipc_procfs_init(void)
{
	sipc_proc_root = proc_mkdir("sipc", NULL);
	if (!sipc_proc_root)
		return -ENOMEM;
	sipc_proc_instances = proc_mkdir("instances", sipc_proc_root);
	if (!sipc_proc_instances) {
		proc_remove(sipc_proc_root);
		return -ENOMEM;
	}
	return 0;
}

void sipc_procfs_exit(void)
{
	proc_remove(sipc_proc_root);
}
