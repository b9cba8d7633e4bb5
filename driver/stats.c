// SPDX-License-Identifier: GPL-2.0
/*
 * sipc statistics: counters summed over CPUs on demand, and two rings of
 * the last transactions, completed and failed, for /proc/sipc.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "stats.h"

#define CREATE_TRACE_POINTS
#include "sipc_trace.h"

unsigned int sipc_log_size = 64;
module_param_named(log_size, sipc_log_size, uint, 0444);
MODULE_PARM_DESC(log_size,
		 "Entries in each of the completed and failed transaction logs (1-4096)");

static const char * const counter_names[SIPC_CNT_NR] = {
	[SIPC_CNT_CALLS] = "calls",
	[SIPC_CNT_ONEWAYS] = "oneways",
	[SIPC_CNT_REPLIES] = "replies",
	[SIPC_CNT_BYTES] = "bytes_copied",
	[SIPC_CNT_OBJECTS] = "objects_translated",
	[SIPC_CNT_PROCS_CREATED] = "procs_created",
	[SIPC_CNT_PROCS_FREED] = "procs_freed",
	[SIPC_CNT_THREADS_CREATED] = "threads_created",
	[SIPC_CNT_THREADS_FREED] = "threads_freed",
	[SIPC_CNT_NODES_CREATED] = "nodes_created",
	[SIPC_CNT_NODES_FREED] = "nodes_freed",
	[SIPC_CNT_HANDLES_CREATED] = "handles_created",
	[SIPC_CNT_HANDLES_FREED] = "handles_freed",
	[SIPC_CNT_DEATHS_CREATED] = "death_notices_created",
	[SIPC_CNT_DEATHS_FREED] = "death_notices_freed",
	[SIPC_CNT_TXNS_CREATED] = "transactions_created",
	[SIPC_CNT_TXNS_FREED] = "transactions_freed",
	[SIPC_CNT_BUFFERS_CREATED] = "buffers_created",
	[SIPC_CNT_BUFFERS_FREED] = "buffers_freed",
	[SIPC_CNT_PAGES_CREATED] = "pages_created",
	[SIPC_CNT_PAGES_FREED] = "pages_freed",
	[SIPC_CNT_CHANNELS_CREATED] = "channels_created",
	[SIPC_CNT_CHANNELS_FREED] = "channels_freed",
	[SIPC_CNT_ERR_DEAD_TARGET] = "errors_dead_target",
	[SIPC_CNT_ERR_NO_SPACE] = "errors_no_space",
	[SIPC_CNT_ERR_BAD_HANDLE] = "errors_bad_handle",
	[SIPC_CNT_ERR_BAD_INPUT] = "errors_bad_input",
	[SIPC_CNT_ERR_INTERRUPTED] = "errors_interrupted",
	[SIPC_CNT_ERR_REPLY_FAILED] = "errors_reply_failed",
	[SIPC_CNT_ERR_NO_MEMORY] = "errors_no_memory",
	[SIPC_CNT_ERR_OTHER] = "errors_other",
	[SIPC_CNT_SPINS_WON] = "spins_won",
	[SIPC_CNT_SPINS_LOST] = "spins_lost",
	[SIPC_CNT_PRIO_RAISED] = "prio_raised",
	[SIPC_CNT_GRAPH_LOCKED] = "graph_lock_taken",
	[SIPC_CNT_GRAPH_CONTENDED] = "graph_lock_contended",
};

u64 sipc_counter_read(struct sipc_stats *st, enum sipc_counter c)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(st->cpu, cpu)->v[c];
	return sum;
}

const char *sipc_counter_name(enum sipc_counter c)
{
	return counter_names[c];
}

/* Errors by kind, as documented for /proc/sipc/stats. */
static enum sipc_counter error_counter(int error)
{
	switch (error) {
	case -ESRCH:
		return SIPC_CNT_ERR_DEAD_TARGET;
	case -ENOSPC:
	case -ENOBUFS:
	case -EMFILE:
	case -EDQUOT:
		return SIPC_CNT_ERR_NO_SPACE;
	case -ENOENT:
		return SIPC_CNT_ERR_BAD_HANDLE;
	case -EINVAL:
	case -EFAULT:
	case -E2BIG:
	case -EMSGSIZE:
	case -EPROTO:
	case -EBADFD:
		return SIPC_CNT_ERR_BAD_INPUT;
	case -EINTR:
		return SIPC_CNT_ERR_INTERRUPTED;
	case -EREMOTEIO:
		return SIPC_CNT_ERR_REPLY_FAILED;
	case -ENOMEM:
		return SIPC_CNT_ERR_NO_MEMORY;
	default:
		return SIPC_CNT_ERR_OTHER;
	}
}

void sipc_count_error(struct sipc_stats *st, int error)
{
	sipc_count(st, error_counter(error));
}

/* The reason a failed transaction's log line gives. */
const char *sipc_error_reason(int error)
{
	switch (error) {
	case -ESRCH: return "dead_target";
	case -ENOSPC: return "no_space";
	case -ENOBUFS: return "oneway_space_full";
	case -EMFILE: return "too_many_handles";
	case -EDQUOT: return "over_quota";
	case -EACCES: return "permission_denied";
	case -ENOENT: return "bad_handle";
	case -EINVAL: return "bad_input";
	case -EFAULT: return "bad_pointer";
	case -E2BIG: return "too_many_objects";
	case -EMSGSIZE: return "too_big";
	case -EPROTO: return "protocol";
	case -EBADFD: return "no_area";
	case -EINTR: return "interrupted";
	case -EREMOTEIO: return "reply_failed";
	case -ENOMEM: return "no_memory";
	case -EHOSTDOWN: return "frozen";
	case -ETIMEDOUT: return "timed_out";
	default: return "other";
	}
}

static atomic64_t sipc_txn_ids;

u64 sipc_next_txn_id(void)
{
	return atomic64_inc_return(&sipc_txn_ids);
}

int sipc_stats_init(struct sipc_stats *st)
{
	int i;

	if (!sipc_log_size || sipc_log_size > 4096)
		return -EINVAL;
	st->cpu = alloc_percpu(struct sipc_cpu_counters);
	if (!st->cpu)
		return -ENOMEM;
	for (i = 0; i < SIPC_LOG_NR; i++) {
		spin_lock_init(&st->logs[i].lock);
		init_waitqueue_head(&st->logs[i].wait);
		st->logs[i].ring = kcalloc(sipc_log_size,
					   sizeof(*st->logs[i].ring),
					   GFP_KERNEL);
		if (!st->logs[i].ring) {
			sipc_stats_destroy(st);
			return -ENOMEM;
		}
	}
	return 0;
}

void sipc_stats_destroy(struct sipc_stats *st)
{
	int i;

	for (i = 0; i < SIPC_LOG_NR; i++) {
		if (st->logs[i].ring)
			sipc_log_put(st->logs[i].ring, sipc_log_size);
		kfree(st->logs[i].ring);
		st->logs[i].ring = NULL;
	}
	free_percpu(st->cpu);
	st->cpu = NULL;
}

static void log_entry_get(struct sipc_log_entry *e)
{
	get_pid(e->from_pid);
	get_pid(e->from_tid);
	get_pid(e->to_pid);
	get_pid(e->to_tid);
}

/* put_pid() only frees memory: it is safe under a spinlock. */
void sipc_log_put(struct sipc_log_entry *e, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		put_pid(e[i].from_pid);
		put_pid(e[i].from_tid);
		put_pid(e[i].to_pid);
		put_pid(e[i].to_tid);
	}
}

/* Innermost lock: may be called with the graph lock held. */
void sipc_log_add(struct sipc_stats *st, enum sipc_log_kind kind,
		  const struct sipc_log_entry *e)
{
	struct sipc_log *log = &st->logs[kind];
	struct sipc_log_entry *slot, old;
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	slot = &log->ring[log->total % sipc_log_size];
	old = *slot;
	*slot = *e;
	log_entry_get(slot);
	log->total++;
	spin_unlock_irqrestore(&log->lock, flags);
	sipc_log_put(&old, 1);
	/* Ordered after the count by the lock: a watcher sees it, or wakes. */
	if (wq_has_sleeper(&log->wait))
		wake_up_interruptible(&log->wait);
}

u64 sipc_log_total(struct sipc_stats *st, enum sipc_log_kind kind)
{
	struct sipc_log *log = &st->logs[kind];
	unsigned long flags;
	u64 total;

	spin_lock_irqsave(&log->lock, flags);
	total = log->total;
	spin_unlock_irqrestore(&log->lock, flags);
	return total;
}

unsigned int sipc_log_since(struct sipc_stats *st, enum sipc_log_kind kind,
			    u64 *cursor, struct sipc_log_entry *out,
			    unsigned int max, u64 *lost)
{
	struct sipc_log *log = &st->logs[kind];
	unsigned int n, i;
	unsigned long flags;
	u64 oldest;

	spin_lock_irqsave(&log->lock, flags);
	oldest = log->total - min_t(u64, log->total, sipc_log_size);
	*lost = *cursor < oldest ? oldest - *cursor : 0;
	*cursor = max(*cursor, oldest);
	n = min_t(u64, log->total - *cursor, max);
	for (i = 0; i < n; i++) {
		out[i] = log->ring[(*cursor + i) % sipc_log_size];
		log_entry_get(&out[i]);
	}
	*cursor += n;
	spin_unlock_irqrestore(&log->lock, flags);
	return n;
}

/* The device goes: every watcher returns, so that its file can go. */
void sipc_log_close(struct sipc_stats *st)
{
	int i;

	WRITE_ONCE(st->closing, true);
	for (i = 0; i < SIPC_LOG_NR; i++)
		wake_up_interruptible_all(&st->logs[i].wait);
}

unsigned int sipc_log_snapshot(struct sipc_stats *st, enum sipc_log_kind kind,
			       struct sipc_log_entry *out, unsigned int max,
			       u64 *total)
{
	struct sipc_log *log = &st->logs[kind];
	unsigned int n, i;
	unsigned long flags;
	u64 first;

	spin_lock_irqsave(&log->lock, flags);
	*total = log->total;
	n = min_t(u64, log->total, min(max, sipc_log_size));
	first = log->total - n;
	for (i = 0; i < n; i++) {
		out[i] = log->ring[(first + i) % sipc_log_size];
		log_entry_get(&out[i]);
	}
	spin_unlock_irqrestore(&log->lock, flags);
	return n;
}

/* When a device goes, every object made has been freed: say so if not. */
bool sipc_leak_check(struct sipc_stats *st, const char *device)
{
	bool leaked = false;
	int c;

	for (c = SIPC_CNT_PROCS_CREATED; c <= SIPC_CNT_CHANNELS_FREED; c += 2) {
		s64 n = sipc_counter_read(st, c) - sipc_counter_read(st, c + 1);
		int len = strlen(counter_names[c]) - strlen("_created");

		if (WARN(n, "sipc: %s: %lld %.*s leaked\n", device, n, len,
			 counter_names[c]))
			leaked = true;
	}
	return leaked;
}
