// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: sipc beside Binder, pipes, sockets and the shared-memory
 * floor, every figure from one run of one boot.
 *
 *   sipc-bench [--quick] [--out DIR [--dump]] [--tap] [-m MECH]... [-w WL]...
 *              [-s SIZE]... [-p PAIRS]... [-n N] [--check-all] [--binder DEV]
 *              [--placement same|split|both] [--hog-ms H]
 *
 * Mechanisms: sipc (raw ioctls), libsipc, libsipc-region (the request in
 * a sealed shared region, 4 KiB and up), channel (libsipc calls through a
 * channel: no system call per call), binder (raw ioctls, up to 1 MiB),
 * pipe, socketpair and shm-futex (the floor, up to 1 MiB). Sizes go up to
 * 16 MiB (-s). Workloads: roundtrip (a request
 * of each size, a 4-byte reply), stream (one-way messages), pairs (round
 * trips of 32 bytes on 1, 2, 4, 8 pairs at once), lookup (a call to
 * handle 0 answered with a handle, for the mechanisms that have one) and
 * inversion (a SCHED_FIFO client's 32-byte calls to a normal server while
 * a lower SCHED_FIFO hog spins for H ms and sleeps for H ms, all on one
 * CPU: sipc with its priority inheritance on and off, and Binder).
 * Round trips and lookups are measured in two placements, side by side:
 * both ends on one CPU ("same") and client and server on two ("split").
 * Neither alone is the truth: on one CPU every hand-over is a context
 * switch and nothing else, across two it is a wake-up of another CPU,
 * which under emulation costs up to a millisecond when that vCPU was
 * halted (a 1 MiB message through a 64 KiB pipe takes ~20 ms across two
 * vCPUs, ~3 ms on one). Streams keep both ends on one CPU (--stream-split:
 * two); pairs spread over the CPUs.
 * Each run: a warm-up, then a fixed count, every response checked. The
 * figures are reported, never asserted: the exit status says only whether
 * every mechanism worked (every request and reply was right).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define MAX_SIZES	16
#define MAX_RESULTS	512

static const struct mech *const all_mechs[] = {
	&mech_sipc, &mech_libsipc, &mech_libsipc_region, &mech_channel,
	&mech_libsipc_blob, &mech_libsipc_pool, &mech_idl,
	&mech_binder,
	&mech_pipe, &mech_socketpair, &mech_shm,
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_MECHS	((int)ARRAY_SIZE(all_mechs))

static const size_t full_sizes[] = {
	0, 32, 256, 4095, 4096, 4097, 16384, 65536, 262144, 1048576,
	4194304, 16777216,
};

/* Touch: where a copy saved shows. */
static const size_t touch_sizes[] = { 1u << 20, 16u << 20 };
/* Blob: where the region pool's crossover with the inline blob lies. */
static const size_t blob_sizes[] = {
	16384, 65536, 262144, 1048576, 4194304, 16777216,
};
static const size_t quick_sizes[] = { 0, 32, 4095, 4097, 65536, 1048576 };

static const size_t full_stream[] = {
	32, 256, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
};

static const size_t quick_stream[] = { 32, 65536, 1048576 };

static const int default_pairs[] = { 1, 2, 4, 8 };

struct options {
	bool quick, tap, dump, check_all, stream_split, touch_all;
	bool place_on[PL_COUNT];	/* round trips and lookups */
	const char *out;
	bool mech_on[NR_MECHS];
	bool wl_on[WL_COUNT];
	size_t sizes[MAX_SIZES];
	int nr_sizes, rounds;
	int pairs[MAX_PAIRS];
	int nr_pairs, hog_ms;
	long iterations;
};

static struct options opt;
static struct result results[MAX_RESULTS];
static int nr_results;
static int cpus[CPU_SETSIZE], nr_cpus;
static bool mech_dead[NR_MECHS];

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options]\n"
		"  --quick          every mechanism and workload, tiny counts (seconds)\n"
		"  --out DIR        write results.csv, results.json, results.md there\n"
		"  --dump           with --out: print those files between marker lines\n"
		"  --tap            TAP output, one test per mechanism (for the test suite)\n"
		"  -m, --mech M     only mechanism M (repeatable): sipc libsipc\n"
		"                   libsipc-region channel binder pipe socketpair\n"
		"                   shm-futex\n"
		"  -w, --workload W only workload W (repeatable): roundtrip stream\n"
		"                   pairs lookup inversion\n"
		"  -s, --size N     round-trip and stream payload size (repeatable)\n"
		"  -p, --pairs N    pair count of the pairs workload (repeatable)\n"
		"  -n, --iterations N   measured iterations of every run (all rounds)\n"
		"  -r, --rounds N   split each run into N rounds, mechanisms taking\n"
		"                   turns, so that noise falls on all alike (default 5)\n"
		"  --check-all      check every byte of every request, not only stamps\n"
		"  --touch-all      round trips: the client writes every byte of each\n"
		"                   request, the server reads every byte (timed)\n"
		"  --stream-split   streams: sender and receiver on two CPUs (default: one)\n"
		"  --placement P    round trips and lookups: same (client and\n"
		"                   server on one CPU), split (on two CPUs) or\n"
		"                   both, side by side (default)\n"
		"  --hog-ms H       inversion: the hog spins H ms, sleeps H ms (default 5)\n"
		"  --binder DEV     the Binder device (default /dev/binder)\n",
		"sipc-bench");
}

static int find_mech(const char *name)
{
	int i;

	for (i = 0; i < NR_MECHS; i++)
		if (!strcmp(all_mechs[i]->name, name))
			return i;
	return -1;
}

static int find_workload(const char *name)
{
	int i;

	for (i = 0; i < WL_COUNT; i++)
		if (!strcmp(workload_name(i), name))
			return i;
	return -1;
}

static int parse_placement(const char *arg)
{
	bool both = !strcmp(arg, "both");

	if (!both && strcmp(arg, "same") && strcmp(arg, "split"))
		return -1;
	opt.place_on[PL_SAME] = both || !strcmp(arg, "same");
	opt.place_on[PL_SPLIT] = both || !strcmp(arg, "split");
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "full", no_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "dump", no_argument, NULL, 'D' },
		{ "tap", no_argument, NULL, 'T' },
		{ "mech", required_argument, NULL, 'm' },
		{ "workload", required_argument, NULL, 'w' },
		{ "size", required_argument, NULL, 's' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "check-all", no_argument, NULL, 'C' },
		{ "touch-all", no_argument, NULL, 'A' },
		{ "stream-split", no_argument, NULL, 'S' },
		{ "binder", required_argument, NULL, 'B' },
		{ "placement", required_argument, NULL, 'P' },
		{ "hog-ms", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool any_mech = false, any_wl = false;
	int c, i;

	while ((c = getopt_long(argc, argv, "m:w:s:p:n:r:h", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'q':
		case 'F':
			opt.quick = c == 'q';
			break;
		case 'o':
			opt.out = optarg;
			break;
		case 'D':
			opt.dump = true;
			break;
		case 'T':
			opt.tap = true;
			break;
		case 'C':
			opt.check_all = true;
			break;
		case 'A':
			opt.touch_all = true;
			break;
		case 'S':
			opt.stream_split = true;
			break;
		case 'B':
			set_binder_device(optarg);
			break;
		case 'P':
			if (parse_placement(optarg))
				goto bad;
			break;
		case 'H':
			opt.hog_ms = atoi(optarg);
			if (opt.hog_ms < 1 || opt.hog_ms > 500)
				goto bad;
			break;
		case 'm':
			i = find_mech(optarg);
			if (i < 0)
				goto bad;
			opt.mech_on[i] = true;
			any_mech = true;
			break;
		case 'w':
			i = find_workload(optarg);
			if (i < 0)
				goto bad;
			opt.wl_on[i] = true;
			any_wl = true;
			break;
		case 's':
			if (opt.nr_sizes == MAX_SIZES)
				goto bad;
			opt.sizes[opt.nr_sizes] = strtoul(optarg, NULL, 0);
			if (opt.sizes[opt.nr_sizes++] > MAX_SIZE)
				goto bad;
			break;
		case 'p':
			i = atoi(optarg);
			if (opt.nr_pairs == MAX_PAIRS || i < 1 || i > MAX_PAIRS)
				goto bad;
			opt.pairs[opt.nr_pairs++] = i;
			break;
		case 'n':
			opt.iterations = atol(optarg);
			if (opt.iterations < 1)
				goto bad;
			break;
		case 'r':
			opt.rounds = atoi(optarg);
			if (opt.rounds < 1 || opt.rounds > 100)
				goto bad;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind != argc || (opt.dump && !opt.out))
		goto bad;
	if (!opt.rounds)
		opt.rounds = opt.quick ? 1 : 5;
	if (!opt.hog_ms)
		opt.hog_ms = 5;
	if (!opt.place_on[PL_SAME] && !opt.place_on[PL_SPLIT])
		parse_placement("both");
	for (i = 0; i < NR_MECHS; i++)
		opt.mech_on[i] |= !any_mech;
	for (i = 0; i < WL_COUNT; i++)
		opt.wl_on[i] |= !any_wl;
	return 0;
bad:
	print_usage(stderr);
	return -1;
}

/* The CPUs we may run on, in order. */
static void find_cpus(void)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof(set), &set))
		CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			cpus[nr_cpus++] = i;
	if (!nr_cpus)
		cpus[nr_cpus++] = -1;
}

static long max_l(long a, long b)
{
	return a > b ? a : b;
}

/* Counts for one run: full runs ~1-3 s each under emulation. */
static void counts(struct run *r)
{
	long n;

	if (opt.quick) {
		r->iterations = 20;
		r->warmup = 5;
	} else if (r->wl == WL_STREAM) {
		n = (64l << 20) / (r->size ? r->size : 1);
		r->iterations = n < 500 ? 500 : n > 20000 ? 20000 : n;
		/* Past 1 MiB: 1 GiB in all, at least 32 messages. */
		if (r->size > (1u << 20))
			r->iterations = max_l(32, (1024l << 20) / r->size);
		r->warmup = r->iterations / 10;
	} else if (r->wl == WL_INVERSION) {
		/* A pause of H/2 on average before each: ~8 s a row. */
		r->iterations = 2000;
		r->warmup = 100;
	} else if (r->wl == WL_IDLE) {
		/* Milliseconds of idleness in all, after a few calls. */
		r->iterations = opt.quick ? 1000 : 10000;
		r->warmup = 50;
	} else if (r->wl == WL_ROUNDTRIP || r->wl == WL_TOUCH ||
		   r->wl == WL_BLOB) {
		r->iterations = r->size <= 4097 ? 10000 : r->size <= 65536 ?
				5000 : r->size <= 262144 ? 2000 : 1000;
		/* Past 1 MiB: 1 GiB in all, at least 32 round trips. */
		if (r->size > (1u << 20))
			r->iterations = max_l(32, (1024l << 20) / r->size);
		r->warmup = r->iterations / 10;
	} else {
		r->iterations = 5000;
		r->warmup = 500;
	}
	/* A slow mechanism: fewer, still enough for its figures. */
	if (!opt.quick && r->mech->max_iterations &&
	    r->iterations > r->mech->max_iterations) {
		r->iterations = r->mech->max_iterations;
		r->warmup = r->iterations / 10;
	}
	if (opt.iterations) {
		r->iterations = opt.iterations;
		r->warmup = opt.iterations / 10;
	}
	/* Per round; every round warms up its own fresh processes. */
	r->iterations = (r->iterations + opt.rounds - 1) / opt.rounds;
	r->warmup = r->warmup / opt.rounds ? r->warmup / opt.rounds : 1;
}

/* Inversion: the second CPU (CPU 1), or the only one. */
static int inversion_cpu(void)
{
	return cpus[nr_cpus > 1 ? 1 : 0];
}

/*
 * Same: everything on the last CPU. Split: the client on the first, the
 * server and the context manager on the last (a lookup's server is the
 * context manager). Spread: pair i on CPU i mod N. Inversion: everything,
 * the hog too, on one CPU.
 */
static void placement(struct run *r)
{
	int i, last = cpus[nr_cpus - 1];

	if (r->wl == WL_INVERSION)
		last = inversion_cpu();
	r->hog_cpu = last;
	r->registry_cpu = r->place == PL_SPREAD ? -1 : last;
	for (i = 0; i < r->pairs; i++) {
		r->server_cpu[i] = r->place == PL_SPREAD ?
				   cpus[i % nr_cpus] : last;
		r->client_cpu[i] = r->place == PL_SPLIT ? cpus[0] :
				   r->server_cpu[i];
	}
}

static struct result *new_result(int m, enum workload wl,
				  enum placement place, size_t size, int pairs)
{
	const struct mech *mech = all_mechs[m];
	const char *why = mech->unavailable ? mech->unavailable() : NULL;
	struct result *res;

	if (nr_results == MAX_RESULTS)
		return NULL;
	res = &results[nr_results++];
	memset(res, 0, sizeof(*res));
	res->mech = mech->name;
	res->wl = wl;
	res->place = place;
	res->size = size;
	res->pairs = pairs;
	res->rounds = opt.rounds;
	res->ok = true;
	res->mean_us = NAN;
	res->p50_us = NAN;
	res->p99_us = NAN;
	res->p999_us = NAN;
	res->max_us = NAN;
	res->mb_s = NAN;
	res->ops_s = NAN;
	res->lock_per_kcall = NAN;
	res->taken_per_call = NAN;
	res->cpu_pct = NAN;
	if (!why && mech->max_size && size > mech->max_size)
		why = "larger than the mechanism takes";
	if (!why && size < mech->min_size)
		why = "smaller than the mechanism is for";
	if (!why && place == PL_SPLIT && nr_cpus < 2)
		why = "one CPU: no split placement";
	if (!why && wl == WL_INVERSION)
		why = rt_unavailable();
	if (!why && wl == WL_INVERSION && mech->inherits &&
	    mech->inherit_unavailable)
		why = mech->inherit_unavailable();
	if (why || mech_dead[m]) {
		res->ok = false;
		res->skipped = true;
		snprintf(res->note, sizeof(res->note), "%s",
			 why ? why : "skipped after an earlier time-out");
	}
	return res;
}

static void run_round(int m, struct result *res)
{
	struct run r = { .mech = all_mechs[m], .wl = res->wl,
			 .place = res->place, .size = res->size,
			 .pairs = res->pairs };

	counts(&r);
	res->iterations += r.iterations;
	res->warmup += r.warmup;
	/* Inversion: the server's fixed work, all 32 bytes compared. */
	r.full_check = opt.check_all || opt.quick || r.wl == WL_INVERSION;
	r.touch_all = r.wl == WL_TOUCH ||
		      (opt.touch_all && r.wl == WL_ROUNDTRIP);
	r.hog_ns = opt.hog_ms * 1000000ull;
	placement(&r);
	if (run_measure(&r, res, opt.quick ? 60 : 600) &&
	    strstr(res->note, "timed out"))
		mech_dead[m] = true;
}

/*
 * @nr results (@mech_of: of which mechanism each), measured in rounds,
 * taking turns (each round starting one further on), so that a burst of
 * noise from the host falls on all of them alike.
 */
static int measure_set(struct result **res, const int *mech_of, int nr)
{
	int j, k, round, failed = 0;

	for (round = 0; round < opt.rounds; round++) {
		for (k = 0; k < nr; k++) {
			j = (k + round) % nr;
			if (res[j]->ok)
				run_round(mech_of[j], res[j]);
		}
	}
	for (j = 0; j < nr; j++) {
		result_finish(res[j]);
		report_row(stdout, res[j], opt.tap);
		failed |= !res[j]->ok && !res[j]->skipped;
	}
	fflush(stdout);
	return failed;
}

/*
 * Lookups need a context manager, and a lookup of the mechanism's own. Touch and idle compare a channel with
 * what it would replace (and touch with the floor) only: each costs a
 * mechanism tens of seconds.
 */
static bool takes(const struct mech *mech, enum workload wl)
{
	static const char *const touch[] = { "sipc", "libsipc", "channel",
					     "shm-futex" };
	size_t i;

	if (wl == WL_LOOKUP)
		return mech->handles && mech->lookup;
	/* The blob mechanisms are for the blob workload, and only for it. */
	if ((wl == WL_BLOB) != (mech == &mech_libsipc_blob ||
				mech == &mech_libsipc_pool))
		return false;
	if (wl == WL_IDLE)
		return !strcmp(mech->name, "channel") ||
		       !strcmp(mech->name, "libsipc");
	if (wl != WL_TOUCH)
		return true;
	for (i = 0; i < ARRAY_SIZE(touch); i++)
		if (!strcmp(mech->name, touch[i]))
			return true;
	return false;
}

/* One workload at one size (or pair count) for every mechanism. */
static int measure(enum workload wl, enum placement place, size_t size,
		   int pairs)
{
	struct result *res[NR_MECHS];
	int mech_of[NR_MECHS], m, nr = 0;

	for (m = 0; m < NR_MECHS; m++) {
		if (!opt.mech_on[m] || !takes(all_mechs[m], wl))
			continue;
		res[nr] = new_result(m, wl, place, size, pairs);
		if (res[nr])
			mech_of[nr++] = m;
	}
	return measure_set(res, mech_of, nr);
}

/*
 * The inversion, 32-byte calls: each mechanism that takes part as it
 * comes, and those that can switch their inheritance with it on and off.
 */
static int measure_inversion(void)
{
	struct result *res[2 * NR_MECHS];
	int mech_of[2 * NR_MECHS], m, p, nr = 0;

	for (m = 0; m < NR_MECHS; m++) {
		if (!opt.mech_on[m] || !all_mechs[m]->inversion)
			continue;
		for (p = PL_INHERIT; p <= PL_NO_INHERIT; p++) {
			if (p == PL_INHERIT && !all_mechs[m]->inherits)
				continue;
			res[nr] = new_result(m, WL_INVERSION, p, 32, 1);
			if (res[nr])
				mech_of[nr++] = m;
		}
	}
	return measure_set(res, mech_of, nr);
}

/* A round trip (or lookup) of one size in each placement asked for. */
static int measure_placed(enum workload wl, size_t size)
{
	int failed = 0;

	if (opt.place_on[PL_SAME])
		failed |= measure(wl, PL_SAME, size, 1);
	if (opt.place_on[PL_SPLIT])
		failed |= measure(wl, PL_SPLIT, size, 1);
	return failed;
}

static int run_all(void)
{
	const size_t *sizes = opt.quick ? quick_sizes : full_sizes;
	const size_t *stream = opt.quick ? quick_stream : full_stream;
	int nr_sizes = opt.quick ? (int)ARRAY_SIZE(quick_sizes) :
				   (int)ARRAY_SIZE(full_sizes);
	int nr_stream = opt.quick ? (int)ARRAY_SIZE(quick_stream) :
				    (int)ARRAY_SIZE(full_stream);
	const int *pairs = default_pairs;
	int nr_pairs = 4, failed = 0, i;

	if (opt.nr_sizes) {
		sizes = opt.sizes;
		stream = opt.sizes;
		nr_sizes = opt.nr_sizes;
		nr_stream = opt.nr_sizes;
	}
	if (opt.nr_pairs) {
		pairs = opt.pairs;
		nr_pairs = opt.nr_pairs;
	}
	for (i = 0; opt.wl_on[WL_ROUNDTRIP] && i < nr_sizes; i++)
		failed |= measure_placed(WL_ROUNDTRIP, sizes[i]);
	for (i = 0; opt.wl_on[WL_STREAM] && i < nr_stream; i++)
		if (stream[i])
			failed |= measure(WL_STREAM, opt.stream_split ?
					  PL_SPLIT : PL_SAME, stream[i], 1);
	for (i = 0; opt.wl_on[WL_PAIRS] && i < nr_pairs; i++)
		failed |= measure(WL_PAIRS, PL_SPREAD, 32, pairs[i]);
	if (opt.wl_on[WL_LOOKUP])
		failed |= measure_placed(WL_LOOKUP, 4);
	if (opt.wl_on[WL_INVERSION])
		failed |= measure_inversion();
	for (i = 0; opt.wl_on[WL_TOUCH] && i < (int)ARRAY_SIZE(touch_sizes); i++)
		if (!opt.quick || touch_sizes[i] <= (1u << 20))
			failed |= measure(WL_TOUCH, PL_SPLIT, touch_sizes[i], 1);
	if (opt.wl_on[WL_IDLE])
		failed |= measure(WL_IDLE, PL_SPLIT, 32, 1);
	for (i = 0; opt.wl_on[WL_BLOB] && i < (int)ARRAY_SIZE(blob_sizes); i++)
		if (!opt.quick || blob_sizes[i] <= (1u << 20))
			failed |= measure(WL_BLOB, PL_SPLIT, blob_sizes[i], 1);
	return failed;
}

/* TAP: one test per mechanism, ok when every one of its runs was right. */
static void tap_summary(void)
{
	int m, i, runs, bad, skip, pass = 0, fail = 0, skipped = 0, n = 0;

	for (m = 0; m < NR_MECHS; m++) {
		if (!opt.mech_on[m])
			continue;
		runs = 0;
		bad = 0;
		skip = 0;
		for (i = 0; i < nr_results; i++) {
			if (strcmp(results[i].mech, all_mechs[m]->name))
				continue;
			runs++;
			skip += results[i].skipped;
			bad += !results[i].ok && !results[i].skipped;
		}
		n++;
		if (bad) {
			printf("not ok %d %s: %d of %d runs failed\n", n,
			       all_mechs[m]->name, bad, runs);
			fail++;
		} else if (skip == runs) {
			printf("ok %d %s # SKIP %s\n", n, all_mechs[m]->name,
			       all_mechs[m]->unavailable ?
			       all_mechs[m]->unavailable() : "skipped");
			skipped++;
		} else {
			printf("ok %d %s: %d runs, every response right\n", n,
			       all_mechs[m]->name, runs);
			pass++;
		}
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       pass, fail, skipped);
}

static int count_mechs(void)
{
	int m, n = 0;

	for (m = 0; m < NR_MECHS; m++)
		n += opt.mech_on[m];
	return n;
}

int main(int argc, char **argv)
{
	int failed;

	if (parse_args(argc, argv))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	find_cpus();
	clock_calibrate();
	env.mode = opt.quick ? "quick" : "full";
	env.hog_ms = opt.hog_ms;
	env_collect();
	snprintf(env.placement, sizeof(env.placement),
		 "round trips and lookups, same: client, server and context manager on CPU %d; split: client on CPU %d, server and context manager on CPU %d; streams: sender on CPU %d, receiver on CPU %d; pairs: pair i (client and server) on CPU i mod %d",
		 cpus[nr_cpus - 1], cpus[0], cpus[nr_cpus - 1],
		 opt.stream_split ? cpus[0] : cpus[nr_cpus - 1],
		 cpus[nr_cpus - 1], nr_cpus);
	if (opt.wl_on[WL_INVERSION])
		snprintf(env.placement + strlen(env.placement),
			 sizeof(env.placement) - strlen(env.placement),
			 "; inversion: client (SCHED_FIFO %d), server (normal), context manager and hog (SCHED_FIFO %d, %d ms spinning, %d ms asleep) on CPU %d",
			 INV_CLIENT_RT, INV_HOG_RT, opt.hog_ms, opt.hog_ms,
			 inversion_cpu());
	if (opt.tap)
		printf("TAP version 13\n1..%d\n", count_mechs());
	report_begin(stdout, opt.tap);
	failed = run_all();
	report_bar(stdout, results, nr_results, opt.tap);
	if (opt.out && report_write(opt.out, results, nr_results, opt.dump))
		failed = 1;
	if (opt.tap)
		tap_summary();
	return failed ? 1 : 0;
}
