/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sipc-bench: what the mechanisms, the workloads and the report share.
 *
 * A run is one measurement: one mechanism, one workload, one payload size,
 * one or more client/server pairs. Everything a run's processes need is in
 * struct run, filled in before the first fork and inherited; what they
 * report back (timings, errors) goes through a shared mapping.
 */
#ifndef SIPC_BENCH_H
#define SIPC_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_PAIRS	16
#define MAX_ROUNDS	100
/* Room in front of every request for a mechanism's own header. */
#define HEADROOM	64
/* Every server's receive area (Binder maps at most 4 MiB). */
#define SERVER_AREA	(4 * 1024 * 1024u)
/* Every client's receive area: replies only. */
#define CLIENT_AREA	(1024 * 1024u)
/* The largest payload -s takes; mechanisms may take less (max_size). */
#define MAX_SIZE	(64 * 1024 * 1024u)
/* The reply: 4 bytes, the request's sequence number xor this. */
#define REPLY_MAGIC	0x5eb1c0deu
#define ERR_LEN		200
/* Inversion: the client's and the hog's SCHED_FIFO priorities. */
#define INV_CLIENT_RT	50
#define INV_HOG_RT	20

/*
 * Transaction codes: the operation in the top byte, the low 24 bits of the
 * request's sequence number below (the payload's stamps carry all 32).
 */
enum op {
	OP_CALL = 1,		/* round trip: check, answer 4 bytes */
	OP_ONEWAY = 2,		/* streaming: check, count */
	OP_REG_ADD = 3,		/* a server publishes its node */
	OP_REG_LOOKUP = 4,	/* a client asks for a server's handle */
};

#define CODE(op, seq)	((uint32_t)(op) << 24 | ((seq) & 0xffffffu))
#define CODE_OP(code)	((code) >> 24)
#define CODE_SEQ(code)	((code) & 0xffffffu)

enum workload {
	WL_ROUNDTRIP,		/* request of a size, 4-byte reply */
	WL_STREAM,		/* one-way messages, MB/s */
	WL_PAIRS,		/* round trips on N pairs at once */
	WL_LOOKUP,		/* a call to handle 0 answered with a handle */
	WL_INVERSION,		/* an RT client's calls beside an RT hog */
	/* Round trips where the client writes and the server reads every byte */
	WL_TOUCH,
	/* A few calls, then none: the server's CPU time while idle */
	WL_IDLE,
	/* Round trips of a blob: inline (copied twice) or pooled */
	WL_BLOB,
	WL_COUNT,
};

/* Where a run's ends are: one vCPU, two, or pairs spread over all. */
enum placement {
	PL_SAME,		/* client and server on one CPU */
	PL_SPLIT,		/* client on one CPU, server on another */
	PL_SPREAD,		/* pairs: pair i on CPU i mod N */
	/*
	 * Inversion: everything on one CPU, the mechanism's priority
	 * inheritance on, or off (or, where it has none, as it comes).
	 */
	PL_INHERIT,
	PL_NO_INHERIT,
	PL_COUNT,
};

struct run;
struct client;
struct server;
struct sipc;
struct sipc_node;

/* A mechanism: how a client reaches a server and how they talk. */
struct mech {
	const char *name;
	const char *what;	/* one line: how it is done */
	bool handles;		/* has a context manager: lookups, registry */
	/* Payload sizes it takes (0: any up to MAX_SIZE); others skipped. */
	size_t min_size, max_size;
	/* At most this many iterations in all (0: the workload's count). */
	long max_iterations;
	/* Why it cannot run here (NULL: it can). Parent, once. */
	const char *(*unavailable)(void);
	/* Parent, before the run's first fork / after its last exit. */
	int (*setup)(struct run *r);
	void (*teardown)(struct run *r);
	/* Child: claim handle 0, report ready, serve until killed. */
	int (*registry)(struct run *r, int ready_fd);
	/* Child: become reachable, report ready, serve until killed. */
	int (*serve)(struct server *s, int ready_fd);
	/* Client child: reach the server of c->pair. */
	int (*connect)(struct client *c);
	/* A round trip of c->seq with the request in c->buf, reply checked. */
	int (*call)(struct client *c);
	/* A one-way message of c->seq; retries while the receiver is full. */
	int (*send)(struct client *c);
	/* Ask the context manager for the server's handle again; checked. */
	int (*lookup)(struct client *c);
	/*
	 * The inversion workload: takes part as it comes (no real-time
	 * inheritance: PL_NO_INHERIT only), or with its inheritance switched
	 * on and off by its setup() (both placements). Why it cannot switch
	 * it here (NULL: it can). Parent.
	 */
	bool inversion, inherits;
	/* It writes the request itself, where it goes (--touch-all). */
	bool in_place;
	const char *(*inherit_unavailable)(void);
};

/* What each process reports through the shared mapping. */
struct slot {
	uint64_t start_ns, end_ns;
	long done;
	int status;
	int pid;			/* a server's, for the idle workload */
	double cpu_s, wall_s;		/* idle: the server's CPU time, and the wall's */
	char err[ERR_LEN];
};

struct shared {
	uint32_t go;			/* futex: 0 until clients may start */
	uint32_t pad;
	struct slot registry;
	struct slot hog;
	struct slot server[MAX_PAIRS];
	struct slot client[MAX_PAIRS];
	uint64_t lat[];			/* [pair][iteration], nanoseconds */
};

struct run {
	const struct mech *mech;
	enum workload wl;
	enum placement place;
	size_t size;			/* request payload bytes */
	int pairs;
	long warmup, iterations;
	bool full_check;		/* check every byte of every request */
	/*
	 * --touch-all: the client writes every byte of each request in the
	 * timed part (from a template), the server reads every byte.
	 */
	bool touch_all;
	int client_cpu[MAX_PAIRS], server_cpu[MAX_PAIRS], registry_cpu;
	int hog_cpu;
	uint64_t hog_ns;		/* inversion: the hog's spin, and sleep */
	int done_pipe[MAX_PAIRS][2];	/* server -> client: stream progress */
	struct shared *sh;
	void *priv;			/* the mechanism's, from setup() */
};

struct client {
	struct run *r;
	int pair;
	uint32_t seq;
	unsigned char *buf;		/* r->size bytes, HEADROOM before */
	const unsigned char *tmpl;	/* the same, never stamped */
	void *priv;			/* the mechanism's */
};

struct server {
	struct run *r;
	int pair;
	uint32_t next;			/* sequence number expected next */
	unsigned char *expect;		/* the request as it must arrive */
	void *priv;
};

/*
 * One mechanism's figures for one workload and size: the sum of its
 * rounds (each a run with its own processes). NAN where a figure does not
 * apply.
 */
struct result {
	const char *mech;
	enum workload wl;
	enum placement place;
	size_t size;
	int pairs, rounds;
	long warmup, iterations;	/* over all rounds */
	double mean_us, p50_us, p99_us, p999_us, max_us;
	double mb_s, ops_s;
	/*
	 * sipc's graph lock (stats.c): contentions per 1,000 calls, and how
	 * often one call takes it.
	 */
	double lock_per_kcall, taken_per_call;
	/* Idle: the server's CPU time over the wall time, all rounds, in %. */
	double cpu_pct, idle_cpu_s, idle_wall_s;
	uint64_t lock_contended, lock_taken, lock_calls; /* all rounds */
	bool ok, skipped;
	char note[ERR_LEN + 40];
	/* What the rounds gathered, until result_finish(). */
	uint64_t *lat;			/* samples, nanoseconds */
	size_t nr_lat;
	double round_ops[MAX_ROUNDS];	/* each round's count / wall time */
	int nr_round_ops;
};

extern const struct mech mech_sipc, mech_libsipc, mech_libsipc_region,
	mech_channel, mech_libsipc_blob, mech_libsipc_pool, mech_idl,
	mech_binder, mech_pipe, mech_socketpair, mech_shm;

/* mech_libsipc.c, for the mechanisms that share its registry */
const char *libsipc_unavailable(void);
void service_name(char *buf, size_t len, int pair);
int libsipc_registry(struct run *r, int ready_fd);
/*
 * A server process on that registry: its own context, the node @make
 * gives it under the pair's service name, then the loop, which returns
 * only on failure.
 */
typedef int (*libsipc_make_node)(struct sipc *s, struct server *srv,
				 struct sipc_node **node);
int libsipc_serve_registered(struct server *srv, int ready_fd,
			     libsipc_make_node make);

/* payload.c */
void payload_produce(unsigned char *to, const unsigned char *tmpl,
		     size_t size, uint32_t seq);
/* util.c */
uint64_t now_ns(void);
void clock_calibrate(void);
uint64_t ticks(void);
uint64_t ticks_to_ns(uint64_t t);
const char *clock_name(void);
double clock_rate(void);
int bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_set_err(char *buf);
int pin_cpu(int cpu);
int signal_ready(int fd);
int full_io(int fd, void *buf, size_t size, bool out);
void sys_yield(void);
int futex_wait(uint32_t *addr, uint32_t val);
int futex_wake(uint32_t *addr, int n);
size_t server_area(size_t size);
long long sipc_stat(const char *name);
const char *workload_name(enum workload wl);
const char *placement_name(enum placement place);
const char *binder_device(void);
void set_binder_device(const char *path);
const char *rt_unavailable(void);
int set_sched(int policy, int rt_priority);

/* payload.c: what a request holds and how each end checks it */
void payload_fill(unsigned char *p, size_t size);
void payload_stamp(unsigned char *p, size_t size, uint32_t seq);
int server_init(struct server *s, struct run *r, int pair);
int server_call(struct server *s, uint32_t code, const void *data,
		size_t size, uint32_t *reply);
int server_oneway(struct server *s, uint32_t code, const void *data,
		  size_t size);
int client_check_reply(const struct client *c, const void *data,
		       size_t size);
uint32_t reply_value(uint32_t seq);

/* run.c */
int run_measure(struct run *r, struct result *res, int timeout_s);
void result_finish(struct result *res);

/* report.c: what the run was on, and what it found */
struct env {
	char kernel[128], cpu_model[128], clocksource[32];
	char timer[256], placement[512];
	const char *mode;
	int cpus, hog_ms;
	bool erms, fsrm, hypervisor;
};

extern struct env env;

void env_collect(void);
void report_begin(FILE *f, bool tap);
void report_row(FILE *f, const struct result *res, bool tap);
void report_bar(FILE *f, const struct result *res, int n, bool tap);
int report_write(const char *dir, const struct result *res, int n, bool dump);

#endif /* SIPC_BENCH_H */
