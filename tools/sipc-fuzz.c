// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-fuzz: a structure-aware, coverage-guided fuzzer of /dev/sipc.
 *
 * A few executor processes (one of them the context manager) each run
 * programs: short sequences of every ioctl with random and boundary
 * arguments, payloads with objects at random offsets (nodes, handles
 * learnt from earlier events, forged ones), buffers freed right, twice or
 * never, blocking waits cut short by a timer, poll and epoll, second
 * mmaps, munmaps, forks, closes and reopens; and scenarios of several
 * processes or threads: descriptor cycles through UNIX sockets (fd_cycle),
 * waiters stopped, continued, signalled and traced (stop_cont), a child
 * using its parent's descriptor (fork_use), and floods of one-ways, nodes
 * and loopers (flood). Executors die and are replaced (some by
 * SIGKILL at a random moment). Where the kernel has KCOV, each call's
 * coverage of the sipc module is recorded and a program that reaches new
 * edges joins the corpus, to be mutated; elsewhere programs are kept for
 * the new (call, errno) pairs they bring.
 *
 * The monitor reads /dev/kmsg: on any splat, or an invariant a program
 * broke (a forked child's use of its parent's descriptor going through;
 * contexts alive once every process is gone), it prints the kernel's lines
 * and the last programs of every executor, saves them to --out DIR, and
 * exits 1. While it runs it turns panic_on_warn and panic_on_oops off (and
 * back on) so the machine stays up long enough to tell. A saved file runs
 * again with --replay FILE.
 *
 *   sipc-fuzz [--time SECS] [--procs N] [--seed N] [--out DIR]
 *             [--replay FILE] [--no-kcov] [--quiet]
 *
 * Prints "# sipc-count: fuzz_execs=N", "fuzz_seconds=N", and what each
 * scenario did ("fuzz_cycles=N", "fuzz_stops=N", "fuzz_fork_children=N",
 * "fuzz_flood_oneways=N", ...) lines. Every errno is an expected outcome:
 * ENOSPC, ENOBUFS or EDQUOT ends a flood's burst.
 *
 * A long run: SIPC_FUZZ_LONG=1 selftests/fuzz_test.sh (an hour), or
 * --time 3600, in a VM given the time: sipc-vm --timeout 4000.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/sipc.h>

#define MAX_PROCS	4
#define MAX_CALLS	24
#define CORPUS_MAX	512
#define HISTORY		16		/* programs kept per executor */
#define MAP_BITS	16
#define BIT(n)		(1UL << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAP_SIZE	BIT(MAP_BITS)
#define COVER_SIZE	(64 << 10)
#define SESSION		400		/* programs before an executor exits */
#define POOL		64
#define PAYLOAD_MAX	(96 << 10)
#define SEGS_MAX	32
#define STALL_SECS	90
/* A flood's burst stops here too: on the debug kernel a call costs 1 ms. */
#define BURST_SECS	0.2

#define KCOV_INIT_TRACE	_IOR('c', 1, unsigned long)
#define KCOV_ENABLE	_IO('c', 100)
#define KCOV_DISABLE	_IO('c', 101)

enum op {
	OP_CALL, OP_ONEWAY, OP_REPLY, OP_RECV, OP_RAW, OP_FREE,
	OP_NODE_CREATE, OP_NODE_DESTROY, OP_SET_CM, OP_ACQUIRE, OP_RELEASE,
	OP_DEATH_REQ, OP_DEATH_CLEAR, OP_MAX_THREADS, OP_LOOPER,
	OP_THREAD_EXIT, OP_BAD_IOCTL, OP_MMAP, OP_MUNMAP, OP_REOPEN,
	OP_FORK, OP_THREAD, OP_POLL, OP_FREEZE, OP_CHANNEL,
	OP_CALL_ASYNC, OP_CANCEL, OP_CALL_TIMEOUT,
	/* The scenarios: several processes or threads each. */
	OP_FD_CYCLE, OP_STOP_CONT, OP_FORK_USE, OP_FLOOD, OP_NR
};

static const char *const op_names[OP_NR] = {
	"call", "oneway", "reply", "recv", "raw", "free", "node_create",
	"node_destroy", "set_cm", "acquire", "release", "death_req",
	"death_clear", "max_threads", "looper", "thread_exit", "bad_ioctl",
	"mmap", "munmap", "reopen", "fork", "thread", "poll", "freeze",
	"channel", "call_async", "cancel", "call_timeout", "fd_cycle",
	"stop_cont", "fork_use", "flood",
};

/* What the scenarios did, for the count lines at the end. */
enum scenario_count {
	SC_CYCLES, SC_CYCLE_SENT, SC_STOPS, SC_INTR_SIGNALS, SC_PTRACES,
	SC_FORKS, SC_PARENT_FIRST, SC_FLOOD_ONEWAYS, SC_FLOOD_REFUSED,
	SC_FLOOD_NODES, SC_FLOOD_LOOPERS, SC_NR
};

static const char *const sc_names[SC_NR] = {
	"fuzz_cycles", "fuzz_cycle_sent", "fuzz_stops", "fuzz_intr_signals",
	"fuzz_ptraces", "fuzz_fork_children", "fuzz_fork_parent_first",
	"fuzz_flood_oneways", "fuzz_flood_refused", "fuzz_flood_nodes",
	"fuzz_flood_loopers",
};

/* One call: what to do and selectors the executor turns into arguments. */
struct call {
	uint32_t op;
	uint32_t a, b, c, d;
	unsigned long long x;	/* as the text form prints it */
};

struct prog {
	uint32_t n;
	struct call calls[MAX_CALLS];
};

/* What all processes share. */
struct shared {
	atomic_ulong execs, progs, corpus_adds, kills, restarts;
	atomic_uint corpus_n;
	atomic_uint edges;
	pthread_mutex_t corpus_lock;
	struct prog corpus[CORPUS_MAX];
	uint8_t map[MAP_SIZE];
	uint8_t errmap[OP_NR][160];
	atomic_ulong op_runs[OP_NR], op_ok[OP_NR];
	atomic_ulong op_err[OP_NR][160];
	atomic_ulong sc[SC_NR];
	atomic_ulong op_us[OP_NR];	/* time spent in each call */
	int procs;
	/* An invariant a program broke: the first one's words. */
	atomic_int broken;
	char broken_why[160];
	struct {
		atomic_ulong beat;
		atomic_int ready;		/* its signal handlers are set */
		pid_t pid;
		uint32_t next;			/* next history slot */
		struct prog hist[HISTORY];
	} ex[MAX_PROCS];
};

static struct shared *sh;

/* ---- small helpers ---- */

static __thread uint64_t rnd_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

static uint32_t rnd_n(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* A value that likes the edges of its range. */
static uint64_t rnd_special(void)
{
	static const uint64_t special[] = {
		0, 1, 2, 7, 8, 15, 16, 4095, 4096, 4097, 65535, 65536,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		SIPC_MAX_OBJECTS, SIPC_MAX_OBJECTS + 1, SIPC_AREA_MIN_SIZE,
		0x7fffffffffffffffULL, 0xffffffffffffffffULL,
	};

	if (rnd_n(3))
		return rnd_n(64);
	if (rnd_n(2))
		return special[rnd_n(ARRAY_SIZE(special))];
	return rnd();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_int(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return atoi(buf);
}

/* The driver's live contexts (procs_in_use in /proc/sipc/stats), or -1. */
static long contexts_alive(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/sipc/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "procs_in_use: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* ---- programs: text form, generation, mutation ---- */

static void prog_print(FILE *f, const struct prog *p)
{
	uint32_t i;

	fprintf(f, "prog %u\n", p->n);
	for (i = 0; i < p->n && i < MAX_CALLS; i++) {
		const struct call *c = &p->calls[i];

		fprintf(f, "  %s %x %x %x %x %llx\n",
			c->op < OP_NR ? op_names[c->op] : "?", c->a, c->b,
			c->c, c->d, c->x);
	}
}

static int op_by_name(const char *name)
{
	int i;

	for (i = 0; i < OP_NR; i++)
		if (!strcmp(op_names[i], name))
			return i;
	return -1;
}

/* A robust lock: an executor killed while holding it does not stop us. */
static void corpus_lock(void)
{
	if (pthread_mutex_lock(&sh->corpus_lock) == EOWNERDEAD)
		pthread_mutex_consistent(&sh->corpus_lock);
}

static void corpus_unlock(void)
{
	pthread_mutex_unlock(&sh->corpus_lock);
}

/* Weights: the transaction paths most, the rare ones a little. */
static uint32_t rnd_op(void)
{
	static const uint8_t weight[OP_NR] = {
		[OP_CALL] = 14, [OP_ONEWAY] = 10, [OP_REPLY] = 12,
		[OP_RECV] = 14, [OP_RAW] = 6, [OP_FREE] = 10,
		[OP_NODE_CREATE] = 5, [OP_NODE_DESTROY] = 3, [OP_SET_CM] = 2,
		[OP_ACQUIRE] = 4, [OP_RELEASE] = 4, [OP_DEATH_REQ] = 4,
		[OP_DEATH_CLEAR] = 3, [OP_MAX_THREADS] = 1, [OP_LOOPER] = 2,
		[OP_THREAD_EXIT] = 1, [OP_BAD_IOCTL] = 1, [OP_MMAP] = 1,
		[OP_MUNMAP] = 1, [OP_REOPEN] = 1, [OP_FORK] = 1,
		[OP_THREAD] = 2, [OP_POLL] = 2, [OP_FREEZE] = 2,
		[OP_CHANNEL] = 4,
		[OP_CALL_ASYNC] = 8, [OP_CANCEL] = 4, [OP_CALL_TIMEOUT] = 3,
		[OP_FD_CYCLE] = 2,
		/*
		 * stop_cont stops the manager, whom the others wait for;
		 * fork_use forks twice, a third of a second on the debug
		 * kernel: less often.
		 */
		[OP_STOP_CONT] = 1, [OP_FORK_USE] = 1, [OP_FLOOD] = 2,
	};
	uint32_t total = 0, r, i;

	for (i = 0; i < OP_NR; i++)
		total += weight[i];
	r = rnd_n(total);
	for (i = 0; i < OP_NR; i++) {
		if (r < weight[i])
			return i;
		r -= weight[i];
	}
	return OP_CALL;
}

static void call_gen(struct call *c)
{
	c->op = rnd_op();
	c->a = rnd();
	c->b = rnd();
	c->c = rnd_special();
	c->d = rnd();
	c->x = rnd_n(4) ? rnd_n(8) : rnd_special();
}

static void prog_gen(struct prog *p)
{
	uint32_t i;

	p->n = 1 + rnd_n(MAX_CALLS);
	for (i = 0; i < p->n; i++)
		call_gen(&p->calls[i]);
}

static void prog_mutate(struct prog *p)
{
	int rounds = 1 + rnd_n(3);

	while (rounds--) {
		uint32_t i = rnd_n(p->n);
		struct call *c = &p->calls[i];

		switch (rnd_n(6)) {
		case 0:		/* a new call in */
			if (p->n < MAX_CALLS) {
				memmove(c + 1, c, (p->n - i) * sizeof(*c));
				call_gen(c);
				p->n++;
			}
			break;
		case 1:		/* a call out */
			if (p->n > 1) {
				memmove(c, c + 1, (p->n - i - 1) * sizeof(*c));
				p->n--;
			}
			break;
		case 2:
			c->a ^= 1U << rnd_n(32);
			break;
		case 3:
			c->c = rnd_special();
			break;
		case 4:
			c->b = rnd();
			c->d = rnd();
			break;
		case 5: {	/* splice another program's tail */
			uint32_t n = atomic_load(&sh->corpus_n), k;
			const struct prog *o;

			if (!n)
				break;
			corpus_lock();
			o = &sh->corpus[rnd_n(n)];
			for (k = rnd_n(o->n); k < o->n && i < MAX_CALLS; k++)
				p->calls[i++] = o->calls[k];
			corpus_unlock();
			if (i > p->n)
				p->n = i;
			break;
		}
		}
	}
}

static void corpus_add(const struct prog *p)
{
	uint32_t n;

	corpus_lock();
	n = atomic_load(&sh->corpus_n);
	if (n < CORPUS_MAX) {
		sh->corpus[n] = *p;
		atomic_store(&sh->corpus_n, n + 1);
	} else {
		sh->corpus[rnd_n(CORPUS_MAX)] = *p;
	}
	corpus_unlock();
	sh->corpus_adds++;
}

static void prog_pick(struct prog *p)
{
	uint32_t n = atomic_load(&sh->corpus_n);

	if (!n || rnd_n(4) == 0) {
		prog_gen(p);
		return;
	}
	corpus_lock();
	*p = sh->corpus[rnd_n(n)];
	corpus_unlock();
	prog_mutate(p);
}

/* ---- coverage ---- */

static unsigned long *cover;
static int kcov_fd = -1;
static uint64_t mod_start, mod_end;

/*
 * The sipc module's text as KCOV reports it. KCOV takes the KASLR offset
 * off every PC, so the module's symbols in /proc/kallsyms are moved back
 * by the distance between _text there and where it is linked.
 */
#define KERNEL_LINKED	0xffffffff81000000ULL

static void module_range(void)
{
	unsigned long long addr;
	uint64_t text = 0, lo = ~0ULL, hi = 0;
	char line[512], type, name[256], mod[64];
	FILE *f = fopen("/proc/kallsyms", "r");
	int n;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		n = sscanf(line, "%llx %c %255s %63s", &addr, &type,
			   name, mod);
		if (n >= 3 && !text && !strcmp(name, "_text"))
			text = addr;
		if (n == 4 && !strcmp(mod, "[sipc]") && addr &&
		    (type == 't' || type == 'T')) {
			lo = addr < lo ? addr : lo;
			hi = addr > hi ? addr : hi;
		}
	}
	fclose(f);
	if (!text || !hi)
		return;
	mod_start = lo - (text - KERNEL_LINKED);
	mod_end = hi + 4096 - (text - KERNEL_LINKED);
}

static bool kcov_open(void)
{
	kcov_fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
	if (kcov_fd < 0)
		return false;
	if (ioctl(kcov_fd, KCOV_INIT_TRACE, COVER_SIZE))
		goto fail;
	cover = mmap(NULL, COVER_SIZE * sizeof(unsigned long),
		     PROT_READ | PROT_WRITE, MAP_SHARED, kcov_fd, 0);
	if (cover == MAP_FAILED)
		goto fail;
	if (ioctl(kcov_fd, KCOV_ENABLE, 0))
		goto fail;
	return true;
fail:
	close(kcov_fd);
	kcov_fd = -1;
	cover = NULL;
	return false;
}

static void cover_start(void)
{
	if (cover)
		__atomic_store_n(&cover[0], 0, __ATOMIC_RELAXED);
}

/* Mark this call's edges in the module; true when one was new. */
static bool cover_end(uint32_t op, int err)
{
	unsigned long n, i, prev = 0;
	bool fresh = false;
	uint32_t e = err < 0 ? -err : err;

	if (e < 160 && !sh->errmap[op][e]) {
		sh->errmap[op][e] = 1;
		fresh = true;
	}
	if (!cover)
		return fresh;
	n = __atomic_load_n(&cover[0], __ATOMIC_RELAXED);
	if (n >= COVER_SIZE)
		n = COVER_SIZE - 1;
	for (i = 0; i < n; i++) {
		unsigned long pc = cover[i + 1];
		uint32_t h;

		if (pc < mod_start || pc >= mod_end)
			continue;
		h = (uint32_t)((pc ^ (prev >> 1)) * 0x9e3779b1U) >> (32 - MAP_BITS);
		prev = pc;
		if (!sh->map[h]) {
			sh->map[h] = 1;
			sh->edges++;
			fresh = true;
		}
	}
	return fresh;
}

/* ---- the executor ---- */

struct exec {
	int idx;
	int fd;
	void *area;
	size_t area_size;
	uint32_t handles[POOL];
	int nr_handles;
	uint64_t bufs[POOL];		/* delivered, maybe already freed */
	int nr_bufs;
	uint64_t cookies[8];
	uint32_t chans[8];		/* channel ids: made, or offered to us */
	uint64_t async_ids[POOL];	/* sent, maybe ended or cancelled */
	int nr_async;
	bool last_call;			/* the last event was a call */
	unsigned char payload[PAYLOAD_MAX];
	uint64_t offs[64];
	struct sipc_segment segs[SEGS_MAX];
};

static struct exec ex;

/*
 * The payload as a gather: cut at random points (objects split across
 * segments among them), now and then an empty segment, and sometimes a
 * segment that is wrong (a length past the area, a pointer to nothing).
 */
static void gather_payload(const struct call *c, struct sipc_transact *tr)
{
	size_t size = tr->data_size, at = 0;
	uint32_t n = 0;

	while (at < size && n < SEGS_MAX - 1) {
		size_t len = 1 + rnd_n(size - at < 64 ? size - at : 64);

		if (rnd_n(4) == 0)
			len = size - at;
		ex.segs[n].addr = tr->data + at;
		ex.segs[n++].len = rnd_n(8) ? len : 0;
		at += ex.segs[n - 1].len;
	}
	if (at < size) {
		ex.segs[n].addr = tr->data + at;
		ex.segs[n++].len = size - at;
	}
	if (n && c->b % 16 == 0)
		ex.segs[rnd_n(n)].len = rnd_special();
	else if (n && c->b % 16 == 1)
		ex.segs[rnd_n(n)].addr = 0x10;
	tr->send_flags = SIPC_SEND_GATHER;
	tr->data = (uintptr_t)ex.segs;
	tr->data_size = c->b % 32 == 2 ? rnd_special() : n;
}
/* The pools: the main thread's programs and the serving thread share them. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * Cut a blocking wait short: SIGALRM (no SA_RESTART) every @ms until
 * cancelled with 0, so a tick that lands before the wait begins is not
 * the only one.
 */
static void alarm_ms(int ms)
{
	struct itimerval it = {
		.it_value = { 0, ms * 1000 }, .it_interval = { 0, ms * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static int dev_open(void)
{
	size_t sizes[] = { SIPC_AREA_MIN_SIZE, 256 << 10, 1 << 20 };

	ex.fd = open("/dev/sipc", O_RDWR | O_CLOEXEC);
	if (ex.fd < 0)
		return -errno;
	ex.area_size = sizes[rnd_n(3)];
	ex.area = mmap(NULL, ex.area_size, PROT_READ, MAP_SHARED, ex.fd, 0);
	if (ex.area == MAP_FAILED)
		ex.area = NULL;
	ex.nr_bufs = 0;
	ex.nr_async = 0;
	ex.nr_handles = 0;
	return 0;
}

static void dev_close(void)
{
	if (ex.area)
		munmap(ex.area, ex.area_size);
	ex.area = NULL;
	if (ex.fd >= 0)
		close(ex.fd);
	ex.fd = -1;
}

static uint32_t pick_handle(uint32_t sel)
{
	uint32_t h = 0;

	pthread_mutex_lock(&pool_lock);
	if (ex.nr_handles && sel % 8)
		h = ex.handles[(sel >> 3) % ex.nr_handles];
	pthread_mutex_unlock(&pool_lock);
	if (h)
		return h;
	switch (sel % 8) {
	case 0:
	case 1:
	case 2:
		return 0;
	case 4:
		return 1 + sel % 16;
	default:
		return (uint32_t)rnd_special();
	}
}

/* Mostly one of the nodes we made (cookies 0 to 2), now and then not. */
static uint64_t pick_cookie(uint32_t sel)
{
	if (sel % 8 == 0)
		return rnd_special();
	return ex.cookies[sel % 8 < 6 ? sel % 3 : sel % 8];
}

static uint64_t pick_buffer(uint32_t sel)
{
	uint64_t base = (uintptr_t)ex.area;

	uint64_t b = 0;

	pthread_mutex_lock(&pool_lock);
	if (ex.nr_bufs && sel % 4)
		b = ex.bufs[sel % ex.nr_bufs];
	pthread_mutex_unlock(&pool_lock);
	if (b)
		return b;
	switch (sel % 4) {
	case 0:
		return base + (rnd_special() & ~7ULL);
	case 1:
		return rnd_special();
	default:
		return base + ((uint64_t)rnd() % (ex.area_size + 4096));
	}
}

/* Remember what an event brought: handles to use, a buffer to free. */
static void learn(const struct sipc_event *ev)
{
	const uint64_t *offs = (const uint64_t *)(uintptr_t)ev->offsets;
	uint64_t i;

	if (!ev->data || (ev->type > SIPC_EV_REPLY &&
			  ev->type != SIPC_EV_ASYNC_REPLY))
		return;
	pthread_mutex_lock(&pool_lock);
	if (ex.nr_bufs < POOL)
		ex.bufs[ex.nr_bufs++] = ev->data;
	else
		ex.bufs[rnd_n(POOL)] = ev->data;
	for (i = 0; i < ev->offsets_count && i < 64; i++) {
		struct sipc_object o;

		memcpy(&o, (const char *)(uintptr_t)ev->data + offs[i],
		       sizeof(o));
		/* A descriptor we were given: ours to close. */
		if (o.type == SIPC_OBJ_FD && o.fd > 2 && o.fd != ex.fd)
			close(o.fd);
		if (o.type == SIPC_OBJ_CHANNEL)
			ex.chans[rnd_n(8)] = o.channel;
		if (o.type != SIPC_OBJ_HANDLE)
			continue;
		/* Ours to keep past the buffer's life, until a release. */
		ioctl(ex.fd, SIPC_IOC_ACQUIRE, &o.handle);
		if (ex.nr_handles < POOL)
			ex.handles[ex.nr_handles++] = o.handle;
		else
			ex.handles[rnd_n(POOL)] = o.handle;
	}
	pthread_mutex_unlock(&pool_lock);
}

/*
 * A payload of @c->c-ish bytes with up to eight objects placed mostly
 * right (aligned, inside, apart) and sometimes not.
 */
static void build_payload(const struct call *c, struct sipc_transact *tr)
{
	static const int fds[] = { 0, 1, -1, 9999 };
	uint64_t size = c->c % 4 ? c->c % 4096 : c->c % PAYLOAD_MAX;
	uint32_t nobj = c->b % 3 ? 0 : (c->b >> 8) % 9, i;
	uint64_t at = 0;

	if (size < nobj * 16)
		size = nobj * 16 + (c->d % 64);
	if (size > PAYLOAD_MAX)
		size = PAYLOAD_MAX;
	memset(ex.payload, c->d & 0xff, size < 4096 ? size : 4096);
	for (i = 0; i < nobj; i++) {
		struct sipc_object o = { 0 };
		uint32_t how = (c->d >> (i * 3)) & 7;

		switch ((c->a >> (i * 3)) & 7) {
		case 0:
		case 1:
			o.type = SIPC_OBJ_NODE;
			o.cookie = pick_cookie(c->d + i);
			break;
		case 2:
			/* A channel of ours, offered (once) or made up. */
			o.type = SIPC_OBJ_CHANNEL;
			o.channel = c->d % 4 ? ex.chans[(c->d >> 2) % 8] :
					       (uint32_t)rnd_special();
			break;
		case 6:
			/* stdin, ours, none, or /dev/sipc (refused) */
			o.type = SIPC_OBJ_FD;
			o.fd = c->d % 5 == 4 ? ex.fd : fds[c->d % 5];
			o.flags = c->d % 3 ? 0 : SIPC_OBJ_FD_CLOEXEC;
			break;
		case 7:
			o.type = (uint32_t)rnd_special();
			o.raw = rnd_special();
			break;
		default:
			o.type = SIPC_OBJ_HANDLE;
			o.handle = pick_handle(c->a + i);
			break;
		}
		/* One time in eight or so, something wrong with it. */
		if (how == 7 && c->x % 8 == 0)
			o.flags = 1;
		else if (how == 6 && c->x % 8 == 1)
			at = rnd_special();		/* anywhere */
		else if (how == 5 && c->x % 8 == 2 && at >= 8)
			at -= 8;			/* overlapping */
		else if (how == 4 && c->x % 8 == 3)
			at += 1 + rnd_n(7);		/* misaligned */
		ex.offs[i] = at;
		if (at + sizeof(o) <= size)
			memcpy(ex.payload + at, &o, sizeof(o));
		at += sizeof(o) + 8 * rnd_n(3);
	}
	tr->data = (uintptr_t)ex.payload;
	tr->data_size = size;
	tr->offsets = (uintptr_t)ex.offs;
	tr->offsets_count = nobj;
	/* Now and then a bad pointer or a huge count. */
	switch (c->x % 32) {
	case 1:
		tr->data = 0;
		break;
	case 2:
		tr->offsets = 0x10;
		break;
	case 3:
		tr->offsets_count = rnd_special();
		break;
	case 4:
		tr->data_size = rnd_special();
		break;
	case 5:
		tr->data = 0xffff888000000000ULL;
		break;
	case 6 ... 13:
		gather_payload(c, tr);
		break;
	}
}

static int do_transact(const struct call *c, uint32_t send_op, bool wait)
{
	struct sipc_transact tr = { .send_op = send_op };
	int ret;

	tr.handle = pick_handle(c->a);
	tr.code = c->b;
	if (send_op != SIPC_SEND_NONE)
		build_payload(c, &tr);
	if (wait) {
		tr.recv_flags = SIPC_RECV_WAIT;
		if (c->x % 3 == 0)
			tr.recv_flags |= SIPC_RECV_NONBLOCK;
	}
	if (c->d % 5 == 0 && ex.nr_bufs)
		tr.free_buffer = pick_buffer(c->d);
	/* Mostly long enough for a round trip; sometimes cut short. */
	alarm_ms(c->x % 4 ? 100 : 1 + c->x % 5);
	ret = ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr) ? -errno : 0;
	alarm_ms(0);
	ex.last_call = !ret && tr.ev.type == SIPC_EV_TRANSACTION &&
		       !(tr.ev.flags & SIPC_EVF_ONEWAY);
	if (!ret && send_op == SIPC_SEND_CALL_ASYNC) {
		pthread_mutex_lock(&pool_lock);
		if (ex.nr_async < POOL)
			ex.async_ids[ex.nr_async++] = tr.ev.cookie;
		else
			ex.async_ids[rnd_n(POOL)] = tr.ev.cookie;
		pthread_mutex_unlock(&pool_lock);
		return ret;
	}
	if (!ret || tr.ev.type)
		learn(&tr.ev);
	return ret;
}

static int do_raw(const struct call *c)
{
	struct sipc_transact tr;
	unsigned char *p = (unsigned char *)&tr;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(tr); i++)
		p[i] = rnd();
	tr.send_op = c->a % 6;
	tr.recv_flags = c->b % 8;
	tr.send_flags = c->c % 3 ? 0 : (uint32_t)rnd_special();
	tr.free_buffer = c->d % 2 ? 0 : pick_buffer(c->d);
	tr.data = (uintptr_t)ex.payload;
	tr.data_size = c->c % 2048;
	tr.offsets = (uintptr_t)ex.offs;
	tr.offsets_count = c->x % 4;
	memset(ex.offs, 0, sizeof(ex.offs));
	alarm_ms(5);
	ret = ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr) ? -errno : 0;
	alarm_ms(0);
	return ret;
}

static int xioctl(unsigned long cmd, void *arg)
{
	return ioctl(ex.fd, cmd, arg) ? -errno : 0;
}

/*
 * Freezing: this process or its parent (frozen briefly: a call to it fails
 * at once), the state asked, frozen notices on a handle asked and taken
 * back; now and then a bad flag.
 */
static int do_freeze(const struct call *c)
{
	struct sipc_freeze f = {
		.pid = c->b % 2 ? getpid() : getppid(),
		.enable = c->c % 2, .timeout_ms = c->c % 20,
		.pad = c->d % 32 ? 0 : 1,
	};
	struct sipc_frozen_info fi = { .pid = f.pid };
	struct sipc_death_request dr = {
		.handle = pick_handle(c->a), .cookie = c->x,
	};

	switch (c->d % 4) {
	case 0:
		return xioctl(SIPC_IOC_FREEZE, &f);
	case 1:
		return xioctl(SIPC_IOC_FROZEN_INFO, &fi);
	case 2:
		return xioctl(SIPC_IOC_FREEZE_NOTIFY, &dr);
	default:
		return xioctl(SIPC_IOC_FREEZE_NOTIFY_CLEAR, &dr);
	}
}

/* A node's minimum priority: none, a valid one, or any 32 bits. */
static uint32_t pick_sched(uint32_t r)
{
	switch (r % 6) {
	case 0:
		return SIPC_SCHED_NICE((int)(r >> 8) % 40 - 20);
	case 1:
		return SIPC_SCHED_FIFO(1 + (r >> 8) % 99);
	case 2:
		return SIPC_SCHED_RR(1 + (r >> 8) % 99);
	case 3:
		return r;
	default:
		return 0;
	}
}

/*
 * The thread's own priority, which its calls lend their servers: a nice
 * value, or for one call a low real-time priority (never kept: a fuzzer
 * thread at SCHED_FIFO would starve its CPU).
 */
static int call_at_priority(struct call *c)
{
	struct sched_param rt = { .sched_priority = 1 + c->c % 3 };
	struct sched_param normal = { 0 };
	int ret;

	if (c->d % 2) {
		setpriority(PRIO_PROCESS, 0, (int)(c->c % 40) - 20);
		return do_transact(c, SIPC_SEND_CALL, false);
	}
	if (sched_setscheduler(0, c->c % 2 ? SCHED_FIFO : SCHED_RR, &rt))
		return -errno;
	ret = do_transact(c, SIPC_SEND_CALL, false);
	sched_setscheduler(0, SCHED_OTHER, &normal);
	return ret;
}

/* poll(), or epoll, on the device; sometimes the thread leaves first. */
static int do_poll(const struct call *c)
{
	struct pollfd p = { .fd = ex.fd, .events = POLLIN };
	struct epoll_event ee = { .events = EPOLLIN };
	int ep, n;

	if (c->b % 2)
		return poll(&p, 1, c->a % 3) < 0 ? -errno : 0;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	n = epoll_ctl(ep, EPOLL_CTL_ADD, ex.fd, &ee);
	if (!n && c->c % 2)
		ioctl(ex.fd, SIPC_IOC_THREAD_EXIT);
	if (!n)
		n = epoll_wait(ep, &ee, 1, c->a % 3);
	n = n < 0 ? -errno : 0;
	close(ep);
	return n;
}

static void *thread_main(void *arg)
{
	struct call *c = arg;
	sigset_t set;
	int i, n = 1 + c->c % 8;

	/* The timer's signal goes to the main thread; we only poll. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++) {
		struct sipc_transact tr = {
			.recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK,
		};

		if (ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr))
			continue;
		if (tr.ev.type == SIPC_EV_TRANSACTION &&
		    !(tr.ev.flags & SIPC_EVF_ONEWAY)) {
			struct sipc_transact rep = {
				.send_op = SIPC_SEND_REPLY, .code = i,
				.free_buffer = c->d % 2 ? tr.ev.data : 0,
			};

			ioctl(ex.fd, SIPC_IOC_TRANSACT, &rep);
		}
	}
	if (c->d % 3 == 0)
		ioctl(ex.fd, SIPC_IOC_THREAD_EXIT);
	return NULL;
}

/* An asynchronous call's id: one we were given (maybe spent), or not. */
static uint64_t pick_async_id(uint32_t sel)
{
	uint64_t id = 0;

	pthread_mutex_lock(&pool_lock);
	if (ex.nr_async && sel % 4)
		id = ex.async_ids[sel % ex.nr_async];
	pthread_mutex_unlock(&pool_lock);
	if (id)
		return id;
	return sel % 2 ? 0 : rnd_special();
}

/*
 * An asynchronous call (now and then asking for a wait too, which is
 * refused), or a cancel, of a call outstanding, ended, or never made.
 */
static int do_async(const struct call *c)
{
	uint64_t id;

	if (c->op == OP_CALL_ASYNC)
		return do_transact(c, SIPC_SEND_CALL_ASYNC, c->x % 8 == 0);
	id = pick_async_id(c->a);
	return xioctl(SIPC_IOC_CALL_CANCEL, &id);
}

/*
 * A synchronous call under a timeout of a few milliseconds (0: none, or
 * any 32 bits), kept for this thread's later calls or taken back.
 */
static int call_with_timeout(const struct call *c)
{
	uint32_t ms = c->c % 3 ? c->c % 20 : (uint32_t)rnd_special();
	uint32_t none = 0;
	int ret;

	ret = xioctl(SIPC_IOC_SET_CALL_TIMEOUT, &ms);
	if (ret)
		return ret;
	ret = do_transact(c, SIPC_SEND_CALL, false);
	if (c->d % 2)
		xioctl(SIPC_IOC_SET_CALL_TIMEOUT, &none);
	return ret;
}

static int bad_ioctl(const struct call *c)
{
	switch (c->a % 4) {
	case 0:		/* a number past the table */
		return ioctl(ex.fd, _IOWR(SIPC_IOC_MAGIC, 0x0d + c->b % 64,
					  uint64_t), ex.payload) ? -errno : 0;
	case 1:		/* a kernel pointer as the argument */
		return ioctl(ex.fd, SIPC_IOC_TRANSACT, 0xffff888000001000UL) ?
		       -errno : 0;
	case 2:		/* an unmapped one */
		return ioctl(ex.fd, SIPC_IOC_DEATH_REQUEST, 0x1000) ? -errno : 0;
	default:	/* anything at all */
		return ioctl(ex.fd, c->b, ex.payload) ? -errno : 0;
	}
}

/* ---- the scenarios ---- */

/*
 * The context manager's mailbox: a node sent with FUZZ_PUT becomes the
 * handle a FUZZ_GET's reply carries, so that two fresh contexts of one
 * child can find each other (the fuzzer's codes, unlikely at random).
 */
#define FUZZ_PUT	0x5f2a7001U
#define FUZZ_GET	0x5f2a7002U
#define OBJ_SIZE	sizeof(struct sipc_object)

static uint32_t mbox;
static atomic_int flood_stop;
static unsigned char flood_buf[SIPC_MAX_OBJECTS * OBJ_SIZE];
static uint64_t flood_offs[SIPC_MAX_OBJECTS];

/* An invariant broken: the first one's words go to the monitor. */
static void broke(const char *why)
{
	int none = 0;

	if (!atomic_compare_exchange_strong(&sh->broken, &none, 1))
		return;
	snprintf(sh->broken_why, sizeof(sh->broken_why), "%s", why);
	atomic_store(&sh->broken, 2);
}

/* The driver refusing more work for now, as a flood expects. */
static bool refused(int err)
{
	return err == -ENOSPC || err == -ENOBUFS || err == -EDQUOT;
}

/*
 * A child of a scenario: dies with its executor, and draws its numbers
 * from the call alone, so a replay does the same.
 */
static void child_init(const struct call *c)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rnd_state = ((uint64_t)c->a << 32 ^ c->b ^ (uint64_t)c->d << 17 ^
		     c->x) | 1;
}

/* Another executor's pid, once its handlers are set (else 0). */
static pid_t sibling_pid(uint32_t sel)
{
	int k;

	if (sh->procs < 2)
		return 0;
	k = (ex.idx + 1 + sel % (sh->procs - 1)) % sh->procs;
	return atomic_load(&sh->ex[k].ready) ? sh->ex[k].pid : 0;
}

/* The manager's pid, unless it is us or not ready. */
static pid_t manager_pid(void)
{
	if (!ex.idx || !atomic_load(&sh->ex[0].ready))
		return 0;
	return sh->ex[0].pid;
}

/* A fresh context of this process: opened, mapped if @map, one node. */
static int ctx_open(bool map, uint64_t cookie)
{
	struct sipc_node_info ni = { .cookie = cookie };
	int fd = open("/dev/sipc", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (map)
		mmap(NULL, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ioctl(fd, SIPC_IOC_NODE_CREATE, &ni);
	return fd;
}

/*
 * Send @n objects laid end to end from @fd; a call waits @ms at most.
 * The reply's first object goes to @got, and its buffer back at once.
 * 1: sent, but the wait for the reply failed.
 */
static int send_objs(int fd, uint32_t op, uint32_t handle, uint32_t code,
		     const struct sipc_object *o, int n, int ms,
		     struct sipc_object *got)
{
	uint64_t offs[4] = { 0, OBJ_SIZE, 2 * OBJ_SIZE, 3 * OBJ_SIZE };
	struct sipc_transact tr = {
		.send_op = op, .handle = handle, .code = code,
		.data = (uintptr_t)o, .data_size = n * OBJ_SIZE,
		.offsets = (uintptr_t)offs, .offsets_count = n,
	};
	int ret;

	alarm_ms(ms);
	ret = ioctl(fd, SIPC_IOC_TRANSACT, &tr) ? -errno : 0;
	alarm_ms(0);
	if (ret && tr.out_flags & SIPC_OUT_SENT)
		return 1;
	if (ret || !tr.ev.data)
		return ret;
	if (got && tr.ev.type == SIPC_EV_REPLY && tr.ev.offsets_count)
		memcpy(got, (const char *)(uintptr_t)tr.ev.data +
		       *(const uint64_t *)(uintptr_t)tr.ev.offsets, OBJ_SIZE);
	/* A handle outlives its buffer only with a reference of its own. */
	if (got && got->type == SIPC_OBJ_HANDLE)
		ioctl(fd, SIPC_IOC_ACQUIRE, &got->handle);
	ioctl(fd, SIPC_IOC_FREE_BUFFER, &tr.ev.data);
	return 0;
}

/* The manager's side of the mailbox; true when @o is the reply. */
static bool mailbox(const struct sipc_event *ev, struct sipc_object *o)
{
	struct sipc_object in;

	if (ev->code == FUZZ_PUT && ev->offsets_count) {
		memcpy(&in, (const char *)(uintptr_t)ev->data +
		       *(const uint64_t *)(uintptr_t)ev->offsets, OBJ_SIZE);
		if (in.type == SIPC_OBJ_HANDLE)
			mbox = in.handle;	/* learn() took a reference */
		return false;
	}
	if (ev->code != FUZZ_GET || !mbox)
		return false;
	o->type = SIPC_OBJ_HANDLE;
	o->handle = mbox;
	return true;
}

/* Put @fds in flight on @sock, for nobody ever to receive. */
static int send_rights(int sock, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	char byte = 'c';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
		.msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(sock, &mh, MSG_DONTWAIT) < 0 ? -errno : 0;
}

/*
 * Two fresh contexts X and Y of one child: Y (mapped or not) tells the
 * manager's mailbox its node and never reads again; X, Y, the socket
 * pair's ends and the executor's inherited descriptor go in flight on a
 * socket, and X sends the pair's other end to Y (or to the manager when
 * the mailbox gave nothing). Then the child goes, closing or not: Y's
 * unread transaction holds the socket that holds Y.
 */
static void cycle_child(const struct call *c)
{
	uint64_t base = ((uint64_t)ex.idx << 32) | 0xc0000000U;
	struct sipc_object o[2] = {
		{ .type = SIPC_OBJ_FD },
		{ .type = SIPC_OBJ_NODE, .cookie = base },
	};
	struct sipc_object yn = { .type = SIPC_OBJ_NODE, .cookie = base + 1 };
	struct sipc_object got = { 0 };
	int x, y = -1, sp[2], fds[5], n = 0, at = c->c >> 3 & 1;
	uint32_t target = 0;

	x = ctx_open(true, base);
	if (c->a & 2)
		y = ctx_open(c->a & 8, base + 1);
	if (x < 0 || socketpair(AF_UNIX, (c->b & 1 ? SOCK_DGRAM : SOCK_STREAM) |
				SOCK_CLOEXEC, 0, sp))
		_exit(0);
	fds[n++] = x;
	if (y >= 0)
		fds[n++] = y;
	if (c->c & 1)
		fds[n++] = sp[0];
	if (c->c & 2)
		fds[n++] = sp[1];
	if (c->c & 4 && ex.fd >= 0)
		fds[n++] = ex.fd;
	send_rights(sp[at], fds, n);
	if (y >= 0) {
		send_objs(y, SIPC_SEND_CALL, 0, FUZZ_PUT, &yn, 1, 50, NULL);
		if (!send_objs(x, SIPC_SEND_CALL, 0, FUZZ_GET, NULL, 0, 50,
			       &got) && got.type == SIPC_OBJ_HANDLE)
			target = got.handle;
	}
	o[0].fd = sp[c->c >> 4 & 1];
	o[0].flags = c->c & 0x20 ? SIPC_OBJ_FD_CLOEXEC : 0;
	if (send_objs(x, c->b & 2 ? SIPC_SEND_CALL : SIPC_SEND_ONEWAY, target,
		      c->b & 0xff, o, 1 + (c->b >> 2 & 1), 20, NULL) >= 0)
		sh->sc[SC_CYCLE_SENT]++;
	if (c->b & 8) {
		close(sp[at]);
		close(y);
		close(x);
		close(sp[!at]);
	}
	_exit(0);
}

/*
 * The executor's own context in flight on a socket whose other end goes
 * to a peer; the socket closed, and sometimes the descriptor too.
 */
static int cycle_here(const struct call *c)
{
	struct sipc_object o = { .type = SIPC_OBJ_FD };
	int sp[2], fds[2] = { ex.fd }, ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp))
		return -errno;
	fds[1] = sp[1];
	send_rights(sp[0], fds, 1 + (c->c & 1));
	o.fd = sp[c->c >> 1 & 1];
	ret = send_objs(ex.fd, c->b & 2 ? SIPC_SEND_CALL : SIPC_SEND_ONEWAY,
			pick_handle(c->d), c->b & 0xff, &o, 1, 20, NULL);
	if (ret >= 0)
		sh->sc[SC_CYCLE_SENT]++;
	ret = ret > 0 ? -EINTR : ret;
	close(sp[0]);
	close(sp[1]);
	if (c->b & 16) {
		dev_close();
		dev_open();
	}
	return ret;
}

static int do_fd_cycle(const struct call *c)
{
	pid_t pid;

	sh->sc[SC_CYCLES]++;
	if (c->a & 4)
		return cycle_here(c);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		child_init(c);
		cycle_child(c);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

/* Serve one event of a waiter or looper: answer calls, return buffers. */
static void serve_one(int fd, struct sipc_event *ev)
{
	struct sipc_transact rep = {
		.send_op = SIPC_SEND_REPLY, .free_buffer = ev->data,
	};

	if (ev->type != SIPC_EV_TRANSACTION && ev->type != SIPC_EV_REPLY)
		return;
	if (ev->type == SIPC_EV_TRANSACTION && !(ev->flags & SIPC_EVF_ONEWAY))
		ioctl(fd, SIPC_IOC_TRANSACT, &rep);
	else if (ev->data)
		ioctl(fd, SIPC_IOC_FREE_BUFFER, &ev->data);
}

static int waiter_fd = -1;

/*
 * A waiter thread of a stop_cont child, until killed: 0 waits for work,
 * 1 calls the manager (and waits for the reply), 2 waits as a looper.
 */
static void *waiter_main(void *arg)
{
	uintptr_t how = (uintptr_t)arg;
	struct sipc_object o = { .type = SIPC_OBJ_NODE, .cookie = 0 };
	uint32_t v = SIPC_LOOPER_SPAWNED;

	if (how == 2)
		ioctl(waiter_fd, SIPC_IOC_LOOPER_ENTER, &v);
	for (;;) {
		struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
		uint64_t offs = 0;

		if (how == 1) {
			o.cookie = rnd_n(2) ? ex.cookies[7] : rnd();
			tr.send_op = SIPC_SEND_CALL;
			tr.data = (uintptr_t)&o;
			tr.data_size = OBJ_SIZE;
			tr.offsets = (uintptr_t)&offs;
			tr.offsets_count = 1;
			tr.recv_flags = 0;
		}
		if (ioctl(waiter_fd, SIPC_IOC_TRANSACT, &tr) && errno != EINTR)
			usleep(1000);
		serve_one(waiter_fd, &tr.ev);
	}
	return NULL;
}

static void waiter_child(const struct call *c)
{
	uintptr_t i, n = 1 + c->d % 3;
	pthread_t th;

	waiter_fd = ctx_open(true, ex.cookies[7]);
	if (waiter_fd < 0)
		_exit(0);
	for (i = 1; i <= n; i++)
		pthread_create(&th, NULL, waiter_main, (void *)(i % 3));
	/* The main thread waits for work: the one ptrace attaches to. */
	waiter_main((void *)0);
}

/* Stop and continue @pid, or interrupt its waits, or (@ours) trace it. */
static void poke(pid_t pid, uint32_t how, bool ours)
{
	switch (how % 4) {
	case 0:
	case 1:
		kill(pid, SIGSTOP);
		usleep(how % 4 * 1000);
		kill(pid, SIGCONT);
		sh->sc[SC_STOPS]++;
		return;
	case 2:
		kill(pid, how & 4 ? SIGUSR1 : SIGALRM);
		sh->sc[SC_INTR_SIGNALS]++;
		return;
	}
	if (ours && !ptrace(PTRACE_ATTACH, pid, 0, 0)) {
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		sh->sc[SC_PTRACES]++;
		return;
	}
	kill(pid, SIGUSR1);
	sh->sc[SC_INTR_SIGNALS]++;
}

/*
 * Threads blocked in the driver (a child's waiters, a sibling executor's
 * server) stopped and continued, signalled or traced at the moments the
 * call's bits say; the manager stopped meanwhile now and then, so calls
 * to it wait for their replies.
 */
static int do_stop_cont(const struct call *c)
{
	pid_t w = 0, sib = c->a & 1 ? sibling_pid(c->a >> 1) : 0;
	pid_t cm = c->a & 16 ? manager_pid() : 0;
	int rounds = 1 + c->c % 6, i;

	if (c->b % 4) {
		w = fork();
		if (w < 0)
			return -errno;
		if (!w) {
			child_init(c);
			waiter_child(c);
		}
	}
	if (cm)
		kill(cm, SIGSTOP);
	for (i = 0; i < rounds; i++) {
		/* x is mostly small: d's random bits pick the moments. */
		uint32_t r = (c->d ^ (uint32_t)c->x) >> (i * 5);
		pid_t t = w && (r & 1 || !sib) ? w : sib;

		usleep((r >> 1 & 3) * 500);
		if (t)
			poke(t, r >> 3, t == w);
	}
	if (cm)
		kill(cm, SIGCONT);
	if (sib)
		kill(sib, SIGCONT);
	if (w) {
		kill(w, SIGKILL);
		waitpid(w, NULL, 0);
	}
	return 0;
}

/* One use of an inherited descriptor in a child of its opener. */
static int inherited_call(const struct call *c, int fd, uint32_t r,
			  const char **what)
{
	struct sipc_transact tr = {
		.recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK,
		.handle = ex.nr_handles ? ex.handles[r % ex.nr_handles] : 0,
	};
	struct sipc_node_info ni = { .cookie = ex.cookies[r % 8] };
	uint32_t v = r >> 8 & 3;
	uint64_t b = ex.nr_bufs ? ex.bufs[r % ex.nr_bufs] : 0;
	void *p;

	*what = "an ioctl";
	switch (r % 8) {
	case 0:
		tr.send_op = SIPC_SEND_CALL;
		tr.recv_flags = 0;
		*what = "a call";
		break;
	case 1:
		tr.send_op = SIPC_SEND_ONEWAY;
		tr.recv_flags = 0;
		*what = "a one-way";
		break;
	case 2:
		*what = "a wait";
		break;
	case 3:
		*what = "a free";
		return ioctl(fd, SIPC_IOC_FREE_BUFFER, &b) ? -errno : 0;
	case 4:
		*what = "a node";
		return ioctl(fd, SIPC_IOC_NODE_CREATE, &ni) ? -errno : 0;
	case 5:
		*what = "an acquire";
		return ioctl(fd, SIPC_IOC_ACQUIRE, &tr.handle) ? -errno : 0;
	case 6:
		*what = "a looper";
		return ioctl(fd, SIPC_IOC_LOOPER_ENTER, &v) ? -errno : 0;
	default:
		*what = "an mmap";
		p = mmap(NULL, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED, fd, 0);
		return p == MAP_FAILED ? -errno : 0;
	}
	alarm_ms(20);
	r = ioctl(fd, SIPC_IOC_TRANSACT, &tr) ? -errno : 0;
	alarm_ms(0);
	return r;
}

/*
 * A forked child keeps using its parent's descriptor: the context is
 * the parent's, so all of it must be refused; it may unmap its copy of
 * the area or close the descriptor halfway.
 */
static void inherited_use(const struct call *c, int fd, void *area,
			  size_t size)
{
	int i, n = 1 + c->c % 8;
	const char *what;
	char why[128];

	if (c->a & 8 && area)
		munmap(area, size);
	for (i = 0; i < n; i++) {
		if (c->a & 16 && i == n / 2)
			close(fd);
		if (inherited_call(c, fd, (uint32_t)(c->x >> (i * 3)) ^ c->d,
				   &what))
			continue;
		snprintf(why, sizeof(why),
			 "a forked child's %s on its parent's descriptor went through",
			 what);
		broke(why);
	}
}

/*
 * A child of the executor with a context of its own (mapped, a node the
 * manager holds, maybe a thread waiting) forks; parent or child goes
 * first, and the child uses the descriptor either way.
 */
static void fork_pair(const struct call *c)
{
	uint64_t cookie = ((uint64_t)ex.idx << 32) | 0xe0000000U;
	struct sipc_object o = { .type = SIPC_OBJ_NODE, .cookie = cookie };
	pthread_t th;
	pid_t pid;

	waiter_fd = ctx_open(true, cookie);
	if (waiter_fd < 0)
		_exit(0);
	send_objs(waiter_fd, SIPC_SEND_CALL, 0, c->b & 0xff, &o, 1, 30, NULL);
	if (c->a & 32)
		pthread_create(&th, NULL, waiter_main, (void *)0);
	pid = fork();
	if (!pid) {
		/* No death signal: this child may outlive its parent. */
		if (c->b & 2)
			usleep(2000);
		inherited_use(c, waiter_fd, NULL, 0);
		_exit(0);
	}
	if (pid > 0 && !(c->b & 2))
		waitpid(pid, NULL, 0);
	else if (pid > 0)
		sh->sc[SC_PARENT_FIRST]++;
	_exit(0);
}

static int do_fork_use(const struct call *c)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		child_init(c);
		if (c->a % 4 == 0)
			fork_pair(c);
		inherited_use(c, ex.fd, ex.area, ex.area_size);
		_exit(0);
	}
	sh->sc[SC_FORKS]++;
	/* The parent carries on meanwhile, now and then. */
	if (c->b & 1) {
		struct call r = *c;

		r.x = 0;
		do_transact(&r, SIPC_SEND_NONE, true);
	}
	waitpid(pid, NULL, 0);
	/* fork_pair's grandchild, ours as the subreaper, when it outlived. */
	while (waitpid(-1, NULL, 0) > 0)
		;
	return 0;
}

/*
 * Small one-ways to one target until the driver refuses (the manager
 * stopped meanwhile now and then, so that its area fills up).
 */
static int flood_oneway(const struct call *c)
{
	struct sipc_object o = { .type = SIPC_OBJ_FD, .fd = 0 };
	uint32_t handle = pick_handle(c->b), n = 64U << (c->c % 5), i;
	pid_t cm = c->c & 0x20 ? manager_pid() : 0;
	uint64_t size = c->d % 64;
	int ret = 0;
	double t;

	/* Against a stopped manager's big area, big ones now and then. */
	if (c->d % 4 == 0 || (cm && c->d % 2))
		size = 512 + c->d % 3584;

	memset(flood_buf, c->d, size);
	flood_offs[0] = 0;
	if (c->d & 0x100 && size >= OBJ_SIZE)
		memcpy(flood_buf, &o, OBJ_SIZE);
	if (cm)
		kill(cm, SIGSTOP);
	t = now();
	for (i = 0; i < n && !ret && now() - t < BURST_SECS; i++) {
		struct sipc_transact tr = {
			.send_op = SIPC_SEND_ONEWAY, .handle = handle,
			.code = i, .data = (uintptr_t)flood_buf,
			.data_size = size, .offsets = (uintptr_t)flood_offs,
			.offsets_count = c->d & 0x100 && size >= OBJ_SIZE,
		};

		ret = ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr) ? -errno : 0;
		if (!ret)
			sh->sc[SC_FLOOD_ONEWAYS]++;
	}
	if (refused(ret))
		sh->sc[SC_FLOOD_REFUSED]++;
	if (cm)
		kill(cm, SIGCONT);
	return ret;
}

/*
 * Nodes by the hundred, sent in one payload (each up to 16 times) so the
 * target makes as many handles; destroyed again, or kept.
 */
static int flood_nodes(const struct call *c)
{
	uint64_t base = ((uint64_t)ex.idx << 32) | 0x80000000U |
			(uint64_t)(c->b & 0xff) << 16;
	uint32_t n = 16U << (c->c % 5), k, i;
	struct sipc_object o = { .type = SIPC_OBJ_NODE };
	struct sipc_transact tr = {
		.send_op = c->d & 4 ? SIPC_SEND_ONEWAY : SIPC_SEND_CALL,
		.handle = pick_handle(c->a >> 2), .code = c->b,
	};
	struct sipc_node_info ni = { .flags = 0 };
	double t = now();
	int ret;

	for (i = 0; i < n && now() - t < BURST_SECS; i++) {
		ni.cookie = base + i;
		if (!ioctl(ex.fd, SIPC_IOC_NODE_CREATE, &ni))
			sh->sc[SC_FLOOD_NODES]++;
	}
	n = i ? i : 1;
	k = n * (c->d % 4 ? 1 : 16);
	if (k > SIPC_MAX_OBJECTS)
		k = SIPC_MAX_OBJECTS;
	for (i = 0; i < k; i++) {
		o.cookie = base + i % n;
		memcpy(flood_buf + i * OBJ_SIZE, &o, OBJ_SIZE);
		flood_offs[i] = i * OBJ_SIZE;
	}
	tr.data = (uintptr_t)flood_buf;
	tr.data_size = k * OBJ_SIZE;
	tr.offsets = (uintptr_t)flood_offs;
	tr.offsets_count = k;
	alarm_ms(100);
	ret = ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr) ? -errno : 0;
	alarm_ms(0);
	if (!ret && tr.ev.type)
		learn(&tr.ev);
	for (i = 0; c->d & 8 && i < n; i++) {
		ni.cookie = base + i;
		ni.flags = c->d & 16 ? SIPC_NODE_DESTROY_IF_UNUSED : 0;
		ioctl(ex.fd, SIPC_IOC_NODE_DESTROY, &ni);
	}
	return ret;
}

static void *looper_main(void *arg)
{
	uint32_t v = (uintptr_t)arg & 3;
	sigset_t set;

	/* The timer's signal is the main thread's; ours is SIGUSR2. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ioctl(ex.fd, SIPC_IOC_LOOPER_ENTER, &v);
	while (!atomic_load(&flood_stop)) {
		struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };

		if (ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr)) {
			if (errno != EINTR)
				break;
			continue;
		}
		learn(&tr.ev);
		serve_one(ex.fd, &tr.ev);
	}
	if ((uintptr_t)arg & 4)
		ioctl(ex.fd, SIPC_IOC_THREAD_EXIT);
	return NULL;
}

/* Up to 32 threads enter the looper at once, wait, and are woken. */
static int flood_loopers(const struct call *c)
{
	uint32_t n = 4 + c->c % 29, i, started = 0;
	pthread_t th[32];

	if (c->d & 1)
		ioctl(ex.fd, SIPC_IOC_SET_MAX_THREADS, &n);
	atomic_store(&flood_stop, 0);
	for (i = 0; i < n; i++)
		if (!pthread_create(&th[started], NULL, looper_main,
				    (void *)(uintptr_t)((c->d >> i % 16 * 2 &
							 3) | (c->b & 4))))
			started++;
	sh->sc[SC_FLOOD_LOOPERS] += started;
	usleep(1000 + c->x % 4000);
	atomic_store(&flood_stop, 1);
	for (i = 0; i < started; i++)
		while (pthread_tryjoin_np(th[i], NULL)) {
			pthread_kill(th[i], SIGUSR2);
			usleep(200);
		}
	return started ? 0 : -EAGAIN;
}

static int do_flood(const struct call *c)
{
	switch (c->a % 4) {
	case 0:
	case 1:
		return flood_oneway(c);
	case 2:
		return flood_nodes(c);
	}
	return flood_loopers(c);
}

/* Run one call; its result as 0 or -errno. */
/* Map a part of channel @id, write garbage into it, maybe unmap it. */
static int channel_map(const struct call *c, struct sipc_channel_setup *s)
{
	bool ro = c->b % 2;
	uint64_t size = ro ? s->ro_size : s->rw_size;
	unsigned char *p;

	if (c->x % 8 == 5)
		size += 4096;			/* the wrong size */
	p = mmap(NULL, size, c->b % 4 == 1 ? PROT_READ | PROT_WRITE :
		 PROT_READ | (ro ? 0 : PROT_WRITE), MAP_SHARED, ex.fd,
		 ro ? s->ro_offset : s->rw_offset + (c->x % 8 == 6 ? 4096 : 0));
	if (p == MAP_FAILED)
		return -errno;
	if (!ro) {
		/* Our own ring: any indices and slots, as a hostile peer. */
		memset(p, (int)c->d, 64);
		memset(p + 4096, (int)(c->d >> 8), 64);
		ioctl(ex.fd, SIPC_IOC_CHANNEL_KICK, &s->id);
	}
	if (c->a % 2)
		munmap(p, size);	/* ends the channel */
	return 0;
}

/*
 * Channels: made with good and bad sizes, accepted, waited on (briefly:
 * a timeout, a kick or death ends it), kicked, mapped and scribbled on,
 * and closed; ids mostly real, sometimes not.
 */
static int do_channel(const struct call *c)
{
	struct sipc_channel_setup s = {
		.slots = c->c % 4 ? 2U << (c->c % 8) : (uint32_t)rnd_special(),
		.data_size = c->x % 4 ? 4096ULL << (c->x % 6) : rnd_special(),
	};
	struct sipc_channel_wait w = {
		.tail = c->b % 3, .head = c->b % 5,
		.timeout_ms = c->c % 7 ? 1 + c->c % 20 : 0,
	};
	uint32_t id = c->d % 8 ? ex.chans[c->a % 8] : (uint32_t)rnd_special();
	int ret;

	s.flags = c->x % 16 == 15;
	switch (c->d % 6) {
	case 0:
		ret = xioctl(SIPC_IOC_CHANNEL_CREATE, &s);
		if (!ret)
			ex.chans[c->a % 8] = s.id;
		return ret;
	case 1:
		s.id = id;
		ret = xioctl(SIPC_IOC_CHANNEL_ACCEPT, &s);
		return ret ? ret : channel_map(c, &s);
	case 2:
		w.id = id;
		alarm_ms(50);
		ret = xioctl(SIPC_IOC_CHANNEL_WAIT, &w);
		alarm_ms(0);
		return ret;
	case 3:
		return xioctl(SIPC_IOC_CHANNEL_KICK, &id);
	case 4:
		/* A fresh one of ours, mapped. */
		ret = xioctl(SIPC_IOC_CHANNEL_CREATE, &s);
		if (!ret)
			ex.chans[c->a % 8] = s.id;
		return ret ? ret : channel_map(c, &s);
	default:
		return xioctl(SIPC_IOC_CHANNEL_CLOSE, &id);
	}
}

static int run_call(struct call *c)
{
	struct sipc_node_info ni = { .cookie = pick_cookie(c->a) };
	struct sipc_death_request dr = {
		.handle = pick_handle(c->a), .cookie = pick_cookie(c->b),
	};
	uint32_t v = c->c;
	uint64_t addr;
	pthread_t th;
	pid_t pid;
	void *p;
	int ret;

	if (ex.fd < 0 && c->op != OP_REOPEN)
		return -EBADF;
	switch (c->op) {
	case OP_CALL:
		if (c->x % 8 == 7)
			return call_at_priority(c);
		return do_transact(c, SIPC_SEND_CALL, false);
	case OP_ONEWAY:
		return do_transact(c, SIPC_SEND_ONEWAY, c->x % 2);
	case OP_REPLY:
		return do_transact(c, SIPC_SEND_REPLY, c->x % 2);
	case OP_RECV:
		ret = do_transact(c, SIPC_SEND_NONE, true);
		/* Mostly answer a call at once: its caller is waiting. */
		if (!ret && c->d % 4 && ex.last_call) {
			struct call r = *c;

			r.x |= 1;
			return do_transact(&r, SIPC_SEND_REPLY, false);
		}
		return ret;
	case OP_RAW:
		return do_raw(c);
	case OP_CALL_ASYNC:
	case OP_CANCEL:
		return do_async(c);
	case OP_CALL_TIMEOUT:
		return call_with_timeout(c);
	case OP_FREE:
		addr = pick_buffer(c->a);
		return xioctl(SIPC_IOC_FREE_BUFFER, &addr);
	case OP_NODE_CREATE:
		ni.flags = c->d % 8 ? 0 : 1;
		ni.sched = pick_sched(c->c);
		return xioctl(SIPC_IOC_NODE_CREATE, &ni);
	case OP_NODE_DESTROY:
		ni.flags = c->d % 3;
		return xioctl(SIPC_IOC_NODE_DESTROY, &ni);
	case OP_SET_CM:
		return xioctl(SIPC_IOC_SET_CONTEXT_MGR, &ni);
	case OP_ACQUIRE:
		v = pick_handle(c->a);
		return xioctl(SIPC_IOC_ACQUIRE, &v);
	case OP_RELEASE:
		v = pick_handle(c->a);
		return xioctl(SIPC_IOC_RELEASE, &v);
	case OP_DEATH_REQ:
		dr.pad = c->d % 16 ? 0 : 1;
		return xioctl(SIPC_IOC_DEATH_REQUEST, &dr);
	case OP_DEATH_CLEAR:
		return xioctl(SIPC_IOC_DEATH_CLEAR, &dr);
	case OP_MAX_THREADS:
		return xioctl(SIPC_IOC_SET_MAX_THREADS, &v);
	case OP_LOOPER:
		v = c->c % 8;	/* spawned, decline, both, an unknown bit */
		return xioctl(SIPC_IOC_LOOPER_ENTER, &v);
	case OP_THREAD_EXIT:
		return xioctl(SIPC_IOC_THREAD_EXIT, NULL);
	case OP_POLL:
		return do_poll(c);
	case OP_FREEZE:
		return do_freeze(c);
	case OP_CHANNEL:
		return do_channel(c);
	case OP_BAD_IOCTL:
		alarm_ms(5);
		v = bad_ioctl(c);
		alarm_ms(0);
		return (int)v;
	case OP_MMAP:
		p = mmap(NULL, SIPC_AREA_MIN_SIZE << (c->a % 3),
			 c->b % 4 ? PROT_READ : PROT_READ | PROT_WRITE,
			 MAP_SHARED, ex.fd, c->c % 8 ? 0 : 4096);
		if (p == MAP_FAILED)
			return -errno;
		if (!ex.area) {
			ex.area = p;
			ex.area_size = SIPC_AREA_MIN_SIZE << (c->a % 3);
		} else {
			munmap(p, SIPC_AREA_MIN_SIZE << (c->a % 3));
		}
		return 0;
	case OP_MUNMAP:
		if (!ex.area)
			return -EINVAL;
		switch (c->a % 3) {
		case 0:		/* all of it: the area goes */
			munmap(ex.area, ex.area_size);
			ex.area = NULL;
			ex.nr_bufs = 0;
			return 0;
		case 1:		/* a part of it: refused */
			return munmap(ex.area, 4096) ? -errno : 0;
		default:
			return mprotect(ex.area, ex.area_size,
					PROT_READ | PROT_WRITE) ? -errno : 0;
		}
	case OP_REOPEN:
		dev_close();
		return dev_open();
	case OP_FORK:
		pid = fork();
		if (pid < 0)
			return -errno;
		if (!pid) {
			struct sipc_transact tr = { .send_op = SIPC_SEND_CALL };

			/* Nothing of the parent's context works here. */
			ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr);
			ioctl(ex.fd, SIPC_IOC_NODE_CREATE, &ni);
			if (ex.area && c->a % 2)
				mmap(NULL, SIPC_AREA_MIN_SIZE, PROT_READ,
				     MAP_SHARED, ex.fd, 0);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		return 0;
	case OP_THREAD:
		if (pthread_create(&th, NULL, thread_main, c))
			return -EAGAIN;
		pthread_join(th, NULL);
		return 0;
	case OP_FD_CYCLE:
		return do_fd_cycle(c);
	case OP_STOP_CONT:
		return do_stop_cont(c);
	case OP_FORK_USE:
		return do_fork_use(c);
	case OP_FLOOD:
		return do_flood(c);
	}
	return -EINVAL;
}

static void exec_prog(struct prog *p)
{
	bool fresh = false;
	double t;
	uint32_t i;

	for (i = 0; i < p->n; i++) {
		struct call *c = &p->calls[i];
		int ret;

		if (c->op >= OP_NR)
			c->op %= OP_NR;
		t = now();
		cover_start();
		ret = run_call(c);
		fresh |= cover_end(c->op, ret);
		sh->op_us[c->op] += (unsigned long)((now() - t) * 1e6);
		sh->op_runs[c->op]++;
		if (ret < 0 && -ret < 160)
			sh->op_err[c->op][-ret]++;
		if (!ret)
			sh->op_ok[c->op]++;
		sh->execs++;
		sh->ex[ex.idx].beat++;
	}
	if (fresh)
		corpus_add(p);
}

/*
 * Serve whatever arrives, so calls to us complete: reply with a payload
 * of a node of ours and a handle we know, return the request buffer now,
 * later or never.
 */
static void *serve_main(void *arg)
{
	uint64_t held[8] = { 0 };
	uint64_t offs[2] = { 8, 24 };
	unsigned char rep[48];
	sigset_t set;
	unsigned int n;
	bool mb;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	rnd_state = (uintptr_t)arg | 1;
	for (n = 0;; n++) {
		struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
		struct sipc_object o[2] = {
			{ .type = SIPC_OBJ_NODE, .cookie = ex.cookies[1 + n % 2] },
			{ .type = SIPC_OBJ_HANDLE },
		};
		int fd = ex.fd;

		if (fd < 0 || ioctl(fd, SIPC_IOC_TRANSACT, &tr)) {
			usleep(1000);
			continue;
		}
		learn(&tr.ev);
		if (tr.ev.type != SIPC_EV_TRANSACTION)
			continue;
		mb = mailbox(&tr.ev, &o[0]);
		if (held[n % 8])
			ioctl(fd, SIPC_IOC_FREE_BUFFER, &held[n % 8]);
		held[n % 8] = rnd_n(16) ? 0 : tr.ev.data;
		if (tr.ev.flags & SIPC_EVF_ONEWAY) {
			if (!held[n % 8])
				ioctl(fd, SIPC_IOC_FREE_BUFFER, &tr.ev.data);
			continue;
		}
		/* Only handles we hold (or 0): a reply that fails is rarer. */
		pthread_mutex_lock(&pool_lock);
		o[1].handle = ex.nr_handles ? ex.handles[n % ex.nr_handles] : 0;
		pthread_mutex_unlock(&pool_lock);
		memset(rep, n, sizeof(rep));
		memcpy(rep + offs[0], &o[0], sizeof(o[0]));
		memcpy(rep + offs[1], &o[1], sizeof(o[1]));
		memset(&tr, 0, sizeof(tr));
		tr.send_op = SIPC_SEND_REPLY;
		tr.code = n;
		tr.data = (uintptr_t)rep;
		tr.data_size = sizeof(rep);
		tr.offsets = (uintptr_t)offs;
		tr.offsets_count = mb ? 1 : rnd_n(3);
		ioctl(fd, SIPC_IOC_TRANSACT, &tr);
	}
	return NULL;
}

static void exec_setup(int idx, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	pthread_t th;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* fork_use's grandchildren, when their parent goes first, are ours. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* None restarts: each cuts a wait in the driver short. */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	atomic_store(&sh->ex[idx].ready, 1);
	ex.idx = idx;
	rnd_state = seed | 1;
	for (i = 0; i < 8; i++)
		ex.cookies[i] = ((uint64_t)idx << 32) | (i * 0x1111);
	dev_open();
	/* A node to send around; executor 0 tries to be handle 0. */
	if (idx == 0) {
		struct sipc_node_info ni = { .cookie = ex.cookies[0] };

		ioctl(ex.fd, SIPC_IOC_SET_CONTEXT_MGR, &ni);
	}
	for (i = 1; i < 3; i++) {
		struct sipc_node_info ni = { .cookie = ex.cookies[i] };

		ioctl(ex.fd, SIPC_IOC_NODE_CREATE, &ni);
	}
	pthread_create(&th, NULL, serve_main, (void *)(uintptr_t)rnd());
	/* Tell the context manager about us, so our node travels. */
	if (idx) {
		struct sipc_object o = {
			.type = SIPC_OBJ_NODE, .cookie = ex.cookies[1],
		};
		uint64_t off = 0;
		struct sipc_transact tr = {
			.send_op = SIPC_SEND_CALL, .data = (uintptr_t)&o,
			.data_size = sizeof(o), .offsets = (uintptr_t)&off,
			.offsets_count = 1,
		};

		alarm_ms(200);
		if (!ioctl(ex.fd, SIPC_IOC_TRANSACT, &tr))
			learn(&tr.ev);
		alarm_ms(0);
	}
}

static void exec_main(int idx, uint64_t seed)
{
	struct prog p;
	int n;

	exec_setup(idx, seed);
	if (!getenv("SIPC_FUZZ_NO_KCOV"))
		kcov_open();
	for (n = 0; n < SESSION; n++) {
		uint32_t slot;

		prog_pick(&p);
		slot = sh->ex[idx].next++ % HISTORY;
		sh->ex[idx].hist[slot] = p;
		exec_prog(&p);
		sh->progs++;
	}
	_exit(0);
}

/* ---- the monitor ---- */

static const char *const splat[] = {
	"BUG:", "WARNING:", "Oops", "KASAN", "UBSAN", "general protection",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "list_add corruption",
	"list_del corruption", "refcount_t", "kernel BUG", "INFO: task",
	"detected stall", "unreferenced object", "Call Trace", "double free",
	"sleeping function called from invalid context", "leaked",
};

static int kmsg = -1;

/* The kernel's new log lines; true (and printed) when one is a splat. */
static bool kmsg_check(FILE *rep)
{
	char buf[2048];
	bool bad = false;
	ssize_t n;

	if (kmsg < 0)
		return false;
	while ((n = read(kmsg, buf, sizeof(buf) - 1)) > 0 || errno == EPIPE) {
		char *msg;
		size_t i;

		if (n <= 0)
			continue;
		buf[n] = 0;
		msg = strchr(buf, ';');
		msg = msg ? msg + 1 : buf;
		for (i = 0; i < ARRAY_SIZE(splat); i++)
			if (strstr(msg, splat[i]))
				bad = true;
		if (bad && rep)
			fprintf(rep, "kernel: %s", msg);
		if (bad)
			printf("sipc-fuzz: kernel: %s", msg);
	}
	return bad;
}

static void report(const char *dir, const char *why)
{
	char path[256];
	FILE *f;
	int i, k;

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/crash-%ld.txt", dir, (long)time(NULL));
	f = fopen(path, "w");
	printf("sipc-fuzz: %s; the last programs of every executor:\n", why);
	for (i = 0; i < MAX_PROCS; i++) {
		uint32_t next = sh->ex[i].next;

		if (!next)
			continue;
		if (f)
			fprintf(f, "exec %d\n", i);
		for (k = next > HISTORY ? next - HISTORY : 0; k < (int)next;
		     k++) {
			const struct prog *p = &sh->ex[i].hist[k % HISTORY];

			if (f)
				prog_print(f, p);
			if (k >= (int)next - 2) {
				printf("sipc-fuzz: executor %d, program %d:\n",
				       i, k);
				prog_print(stdout, p);
			}
		}
	}
	if (f) {
		kmsg_check(f);
		fclose(f);
		printf("sipc-fuzz: saved to %s (run it again: sipc-fuzz --replay %s)\n",
		       path, path);
	}
}

/* ---- the end of a run: every descendant gone, or named ---- */

/* @pid's parent from /proc/<pid>/stat, and its state letter; 0 if gone. */
static pid_t parent_of(pid_t pid, char *state)
{
	char path[64], buf[512], *p;
	pid_t ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	/* The command may hold spaces and parentheses: parse after the last. */
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %c %d", state, &ppid) != 2)
			ppid = 0;
	}
	fclose(f);
	return ppid;
}

static bool descends_from_us(pid_t pid)
{
	pid_t self = getpid();
	char state;
	int depth;

	for (depth = 0; pid > 1 && depth < 64; depth++) {
		pid = parent_of(pid, &state);
		if (pid == self)
			return true;
	}
	return false;
}

/*
 * SIGKILL to every process below us (a stopped one dies of it too);
 * with @show, each one's pid, state and where it sleeps instead.
 * Returns how many there were.
 */
static int kill_descendants(bool show)
{
	struct dirent *d;
	int n = 0;
	DIR *dir = opendir("/proc");

	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		pid_t pid = atoi(d->d_name);
		char state = '?', path[64], wchan[64] = "";
		FILE *f;

		if (pid <= 0 || pid == getpid() || !descends_from_us(pid))
			continue;
		n++;
		if (!show) {
			kill(pid, SIGKILL);
			continue;
		}
		parent_of(pid, &state);
		snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(wchan, sizeof(wchan), f))
				wchan[0] = 0;
			fclose(f);
		}
		printf("sipc-fuzz: pid %d still here, state %c, in %s\n",
		       (int)pid, state, *wchan ? wchan : "?");
	}
	closedir(dir);
	return n;
}

/*
 * Ends every process the run made, however deep (we are their subreaper,
 * so the orphans of killed executors are ours to reap), and reaps them.
 * One that will not die within 30 s is named, with what it waits on.
 */
static void end_descendants(void)
{
	double t0 = now();

	for (;;) {
		int n = kill_descendants(false);

		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		if (!n && waitpid(-1, NULL, WNOHANG | __WALL) < 0 &&
		    errno == ECHILD)
			return;
		if (now() - t0 > 30) {
			kill_descendants(true);
			return;
		}
		usleep(10 * 1000);
	}
}

/* Who holds the contexts left: each process with /dev/sipc open. */
static void show_sipc_holders(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc");

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		int pid = atoi(d->d_name);
		char path[64], link[64];
		struct dirent *fdd;
		DIR *fds;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fdd = readdir(fds))) {
			int fd = atoi(fdd->d_name);
			ssize_t len;

			snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
			len = readlink(path, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = 0;
			if (!strncmp(link, "/dev/sipc", 9))
				printf("sipc-fuzz: pid %d holds %s as fd %d\n",
				       pid, link, fd);
		}
		closedir(fds);
	}
	closedir(dir);
}

/* The driver's own view of what is left, for the report. */
static void show_driver_state(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/sipc/state", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n++ < 64)
		printf("sipc-fuzz: state: %s", line);
	fclose(f);
}

/*
 * Contexts alive now beyond the @before the run found, once the last
 * children (grandchildren of killed executors among them) are gone and
 * the deferred releases ran: a few seconds' grace.
 */
static long contexts_left(long before)
{
	long n = -1;
	int i, sp[2];

	if (before < 0)
		return 0;
	for (i = 0; i < 50; i++) {
		n = contexts_alive() - before;
		if (n <= 0)
			return 0;
		/*
		 * Closing a UNIX socket runs the kernel's collector of
		 * sockets in flight only on them: what it can free is not
		 * a leak of ours.
		 */
		if (!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp)) {
			close(sp[0]);
			close(sp[1]);
		}
		usleep(100 * 1000);
	}
	return n;
}

/* Replay: each "exec N" section's programs, in N processes at once. */
static int rerun(const char *path, int procs, long alive0)
{
	long left;
	char line[256], name[32];
	struct prog *progs[MAX_PROCS] = { NULL };
	int nprogs[MAX_PROCS] = { 0 }, cur = -1, i, bad = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		struct call c = { 0 };
		int e;

		if (sscanf(line, "exec %d", &e) == 1 && e >= 0 &&
		    e < MAX_PROCS) {
			cur = e;
		} else if (!strncmp(line, "prog", 4) && cur >= 0) {
			progs[cur] = realloc(progs[cur], (nprogs[cur] + 1) *
					     sizeof(struct prog));
			if (!progs[cur])
				return 2;
			progs[cur][nprogs[cur]++].n = 0;
		} else if (cur >= 0 && nprogs[cur] &&
			   sscanf(line, " %31s %x %x %x %x %llx", name,
				  &c.a, &c.b, &c.c, &c.d, &c.x) == 6 &&
			   op_by_name(name) >= 0) {
			struct prog *p = &progs[cur][nprogs[cur] - 1];

			c.op = op_by_name(name);
			if (p->n < MAX_CALLS)
				p->calls[p->n++] = c;
		}
	}
	fclose(f);
	for (i = 0; i < MAX_PROCS && i < procs; i++) {
		if (!nprogs[i])
			continue;
		if (!fork()) {
			int k;

			exec_setup(i, 1 + i);
			for (k = 0; k < nprogs[i]; k++)
				exec_prog(&progs[i][k]);
			_exit(0);
		}
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	end_descendants();
	if (atomic_load(&sh->broken) == 2) {
		printf("sipc-fuzz: an invariant broke again: %s\n",
		       sh->broken_why);
		bad = 1;
	}
	printf("sipc-fuzz: the scenarios did:");
	for (i = 0; i < SC_NR; i++)
		printf(" %s=%lu", sc_names[i], (unsigned long)sh->sc[i]);
	printf("\n");
	left = contexts_left(alive0);
	if (left > 0) {
		printf("sipc-fuzz: %ld contexts outlived the programs' processes\n",
		       left);
		show_sipc_holders();
		show_driver_state();
		bad = 1;
	}
	if (kmsg_check(NULL)) {
		printf("sipc-fuzz: the replay splats\n");
		bad = 1;
	} else if (!bad) {
		printf("sipc-fuzz: the replay ran clean\n");
	}
	return bad;
}

static pid_t spawn(int idx, uint64_t seed)
{
	pid_t pid;

	atomic_store(&sh->ex[idx].ready, 0);
	pid = fork();
	if (pid == 0)
		exec_main(idx, seed);
	if (pid > 0) {
		sh->ex[idx].pid = pid;
		sh->ex[idx].beat++;
	}
	return pid;
}

static int bad_args(const char *name)
{
	fprintf(stderr, "usage: %s [--time SECS] [--procs N] [--seed N]", name);
	fprintf(stderr, " [--out DIR] [--replay FILE] [--no-kcov] [--quiet]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int secs = 60, procs = 3, i, ws, status = 0, pow = -1, poo = -1;
	long alive0, left = 0;
	const char *out = "/tmp/sipc-fuzz", *replay_file = NULL;
	uint64_t seed = (uint64_t)time(NULL);
	unsigned long last_beat[MAX_PROCS] = { 0 };
	double t0, last_kill, last_beat_t[MAX_PROCS], last_print;
	bool quiet = false;
	pthread_mutexattr_t ma;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--time") && i + 1 < argc)
			secs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--procs") && i + 1 < argc)
			procs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--replay") && i + 1 < argc)
			replay_file = argv[++i];
		else if (!strcmp(argv[i], "--no-kcov"))
			setenv("SIPC_FUZZ_NO_KCOV", "1", 1);
		else if (!strcmp(argv[i], "--quiet"))
			quiet = true;
		else
			return bad_args(argv[0]);
	}
	if (procs < 2 || procs > MAX_PROCS)
		procs = procs < 2 ? 2 : MAX_PROCS;
	setvbuf(stdout, NULL, _IOLBF, 0);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->corpus_lock, &ma);
	module_range();
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);

	sh->procs = procs;
	/* Orphans of killed executors come to us, to be ended and reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	alive0 = contexts_alive();
	if (replay_file)
		return rerun(replay_file, procs, alive0);

	/* Keep the machine up through a splat, to say what led to it. */
	pow = read_int("/proc/sys/kernel/panic_on_warn");
	poo = read_int("/proc/sys/kernel/panic_on_oops");
	write_file("/proc/sys/kernel/panic_on_warn", "0");
	write_file("/proc/sys/kernel/panic_on_oops", "0");

	rnd_state = seed | 1;
	printf("sipc-fuzz: %d executors for %d s, seed %llu, coverage: %s\n",
	       procs, secs, (unsigned long long)seed,
	       !getenv("SIPC_FUZZ_NO_KCOV") && mod_start &&
	       !access("/sys/kernel/debug/kcov", R_OK) ? "kcov" :
	       "errno pairs only");
	if (!mod_start)
		mod_end = ~0ULL;
	t0 = now();
	last_kill = t0;
	last_print = t0;
	for (i = 0; i < procs; i++) {
		last_beat_t[i] = t0;
		spawn(i, rnd());
	}
	while (now() - t0 < secs) {
		pid_t pid;

		usleep(100 * 1000);
		if (kmsg_check(NULL)) {
			report(out, "kernel splat");
			status = 1;
			break;
		}
		if (atomic_load(&sh->broken) == 2) {
			report(out, sh->broken_why);
			status = 1;
			break;
		}
		/* Replace executors that finished their session or died. */
		while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
			int k;

			for (k = 0; k < procs; k++) {
				if (sh->ex[k].pid != pid)
					continue;
				if (WIFEXITED(ws) && WEXITSTATUS(ws))
					printf("sipc-fuzz: executor %d exited %d\n",
					       k, WEXITSTATUS(ws));
				if (WIFSIGNALED(ws) && WTERMSIG(ws) != SIGKILL)
					printf("sipc-fuzz: executor %d died of signal %d\n",
					       k, WTERMSIG(ws));
				sh->restarts++;
				spawn(k, rnd());
			}
		}
		/* Now and then an executor dies at a random moment. */
		if (now() - last_kill > 4 + rnd_n(5)) {
			kill(sh->ex[rnd_n(procs)].pid, SIGKILL);
			sh->kills++;
			last_kill = now();
		}
		for (i = 0; i < procs; i++) {
			if (sh->ex[i].beat != last_beat[i]) {
				last_beat[i] = sh->ex[i].beat;
				last_beat_t[i] = now();
				continue;
			}
			/* Left stopped by a stop_cont killed midway? */
			if (now() - last_beat_t[i] > 2)
				kill(sh->ex[i].pid, SIGCONT);
			if (now() - last_beat_t[i] > STALL_SECS) {
				report(out, "an executor made no progress");
				status = 1;
			}
		}
		if (status)
			break;
		if (!quiet && now() - last_print >= 10) {
			last_print = now();
			printf("sipc-fuzz: %.0f s: %lu calls, %lu programs, ",
			       now() - t0, (unsigned long)sh->execs,
			       (unsigned long)sh->progs);
			printf("corpus %u, edges %u, %lu kills\n",
			       (unsigned int)sh->corpus_n,
			       (unsigned int)sh->edges,
			       (unsigned long)sh->kills);
		}
	}
	end_descendants();
	/* The executors' last exits may still log something. */
	usleep(500 * 1000);
	left = contexts_left(alive0);
	if (!status && left > 0) {
		char why[96];

		show_sipc_holders();
		show_driver_state();

		snprintf(why, sizeof(why),
			 "%ld contexts outlived every process of the fuzzer",
			 left);
		report(out, why);
		status = 1;
	}
	if (!status && kmsg_check(NULL)) {
		report(out, "kernel splat");
		status = 1;
	}
	if (pow >= 0) {
		char v[16];

		snprintf(v, sizeof(v), "%d", pow);
		write_file("/proc/sys/kernel/panic_on_warn", v);
		snprintf(v, sizeof(v), "%d", poo);
		write_file("/proc/sys/kernel/panic_on_oops", v);
	}
	printf("sipc-fuzz: %s after %.0f s: %lu calls in %lu programs, ",
	       status ? "FAILED" : "done", now() - t0,
	       (unsigned long)sh->execs, (unsigned long)sh->progs);
	printf("corpus %u, edges %u, %lu executors killed, %lu restarted\n",
	       (unsigned int)sh->corpus_n, (unsigned int)sh->edges,
	       (unsigned long)sh->kills, (unsigned long)sh->restarts);
	/* Where the time went: the scenarios must not crowd the rest out. */
	printf("sipc-fuzz: average milliseconds of each call:");
	for (i = 0; i < OP_NR; i++)
		printf(" %s %.2f", op_names[i], sh->op_runs[i] ?
		       sh->op_us[i] / 1e3 / sh->op_runs[i] : 0.0);
	printf("\n");
	printf("sipc-fuzz: went through, of each call:");
	for (i = 0; i < OP_NR; i++)
		printf(" %s %lu/%lu", op_names[i], (unsigned long)sh->op_ok[i],
		       (unsigned long)sh->op_runs[i]);
	printf("\n");
	if (getenv("SIPC_FUZZ_ERRORS")) {
		for (i = 0; i < OP_NR; i++) {
			int e;

			printf("sipc-fuzz: %s errors:", op_names[i]);
			for (e = 0; e < 160; e++)
				if (sh->op_err[i][e])
					printf(" %s %lu", strerrorname_np(e),
					       (unsigned long)sh->op_err[i][e]);
			printf("\n");
		}
	}
	printf("# sipc-count: fuzz_execs=%lu\n", (unsigned long)sh->execs);
	printf("# sipc-count: fuzz_seconds=%.0f\n", now() - t0);
	printf("# sipc-count: kills=%lu\n", (unsigned long)sh->kills);
	for (i = 0; i < SC_NR; i++)
		printf("# sipc-count: %s=%lu\n", sc_names[i],
		       (unsigned long)sh->sc[i]);
	printf("# sipc-count: fuzz_contexts_left=%ld\n", left > 0 ? left : 0);
	return status;
}
