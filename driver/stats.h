/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sipc statistics: per-CPU event counters (cheap on the hot path, summed
 * only when /proc/sipc/stats is read) and the completed / failed
 * transaction logs.
 */
#ifndef SIPC_STATS_H
#define SIPC_STATS_H

#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

/* Objects come in pairs: *_CREATED then *_FREED; in use is the difference. */
enum sipc_counter {
	SIPC_CNT_CALLS,
	SIPC_CNT_ONEWAYS,
	SIPC_CNT_REPLIES,
	SIPC_CNT_BYTES,
	SIPC_CNT_OBJECTS,
	SIPC_CNT_PROCS_CREATED,
	SIPC_CNT_PROCS_FREED,
	SIPC_CNT_THREADS_CREATED,
	SIPC_CNT_THREADS_FREED,
	SIPC_CNT_NODES_CREATED,
	SIPC_CNT_NODES_FREED,
	SIPC_CNT_HANDLES_CREATED,
	SIPC_CNT_HANDLES_FREED,
	SIPC_CNT_DEATHS_CREATED,
	SIPC_CNT_DEATHS_FREED,
	SIPC_CNT_TXNS_CREATED,
	SIPC_CNT_TXNS_FREED,
	SIPC_CNT_BUFFERS_CREATED,
	SIPC_CNT_BUFFERS_FREED,
	SIPC_CNT_PAGES_CREATED,
	SIPC_CNT_PAGES_FREED,
	SIPC_CNT_CHANNELS_CREATED,
	SIPC_CNT_CHANNELS_FREED,
	SIPC_CNT_ERR_DEAD_TARGET,
	SIPC_CNT_ERR_NO_SPACE,
	SIPC_CNT_ERR_BAD_HANDLE,
	SIPC_CNT_ERR_BAD_INPUT,
	SIPC_CNT_ERR_INTERRUPTED,
	SIPC_CNT_ERR_REPLY_FAILED,
	SIPC_CNT_ERR_NO_MEMORY,
	SIPC_CNT_ERR_OTHER,
	SIPC_CNT_SPINS_WON,	/* a caller's spin saw its reply come */
	SIPC_CNT_SPINS_LOST,	/* it gave up and slept */
	SIPC_CNT_PRIO_RAISED,	/* a server thread raised for a call */
	SIPC_CNT_GRAPH_LOCKED,		/* the graph lock taken */
	SIPC_CNT_GRAPH_CONTENDED,	/* ... after waiting for another */
	SIPC_CNT_NR
};

struct sipc_cpu_counters {
	u64 v[SIPC_CNT_NR];
};

struct pid;

/*
 * One transaction in a log. Its ends are struct pids, not numbers: a
 * reader sees them in its own pid namespace, and a number reused since by
 * another process must not be taken for this one. The ring holds a
 * reference to each; an entry being built only borrows them.
 */
struct sipc_log_entry {
	u64 id;
	u64 when;			/* local_clock() ns when it ended */
	u64 duration_ns;		/* send to reply (calls) or delivery */
	u32 kind;			/* SIPC_SEND_CALL or SIPC_SEND_ONEWAY */
	struct pid *from_pid, *from_tid, *to_pid, *to_tid;	/* or NULL */
	u32 handle;
	u32 code;
	u64 size;
	u64 reply_size;
	u32 objects;
	int error;			/* 0 in the completed log */
};

enum sipc_log_kind {
	SIPC_LOG_COMPLETED,
	SIPC_LOG_FAILED,
	SIPC_LOG_NR
};

struct sipc_log {
	spinlock_t lock;		/* the ring and its count */
	struct sipc_log_entry *ring;
	u64 total;			/* ever added; next slot is total % size */
	wait_queue_head_t wait;		/* watchers of new entries (watch.c) */
};

/* One device instance's statistics. */
struct sipc_stats {
	struct sipc_cpu_counters __percpu *cpu;
	struct sipc_log logs[SIPC_LOG_NR];
	bool closing;			/* the device goes: watchers end */
};

extern unsigned int sipc_log_size;

static inline void sipc_count_add(struct sipc_stats *st, enum sipc_counter c,
				  u64 n)
{
	this_cpu_add(st->cpu->v[c], n);
}

static inline void sipc_count(struct sipc_stats *st, enum sipc_counter c)
{
	sipc_count_add(st, c, 1);
}

u64 sipc_counter_read(struct sipc_stats *st, enum sipc_counter c);
const char *sipc_counter_name(enum sipc_counter c);
void sipc_count_error(struct sipc_stats *st, int error);
const char *sipc_error_reason(int error);

int sipc_stats_init(struct sipc_stats *st);
void sipc_stats_destroy(struct sipc_stats *st);
void sipc_log_add(struct sipc_stats *st, enum sipc_log_kind kind,
		  const struct sipc_log_entry *e);
/*
 * Copy out up to @max entries, oldest first; returns how many. The copies
 * hold references to their pids: give them back with sipc_log_put().
 */
unsigned int sipc_log_snapshot(struct sipc_stats *st, enum sipc_log_kind kind,
			       struct sipc_log_entry *out, unsigned int max,
			       u64 *total);
void sipc_log_put(struct sipc_log_entry *e, unsigned int n);
/*
 * The entries after *@cursor (an entry count), up to @max, oldest first,
 * held as sipc_log_snapshot()'s; *@cursor moves past them. *@lost says how
 * many the ring dropped before they could be read.
 */
unsigned int sipc_log_since(struct sipc_stats *st, enum sipc_log_kind kind,
			    u64 *cursor, struct sipc_log_entry *out,
			    unsigned int max, u64 *lost);
u64 sipc_log_total(struct sipc_stats *st, enum sipc_log_kind kind);
void sipc_log_close(struct sipc_stats *st);
u64 sipc_next_txn_id(void);
bool sipc_leak_check(struct sipc_stats *st, const char *device);

#endif /* SIPC_STATS_H */
