// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: the console table, the bar (the targets as ratios
 * of this run's figures), and results.csv, results.json and results.md.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct env env;

static void copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* What machine this is, as the guest sees it. */
void env_collect(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096], *p;
	struct utsname u;

	if (!uname(&u))
		copy(env.kernel, sizeof(env.kernel), u.release);
	env.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(env.cpu_model, sizeof(env.cpu_model), "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		p = strchr(line, ':');
		if (!p)
			continue;
		p[strcspn(p, "\n")] = 0;
		if (!strncmp(line, "model name", 10)) {
			copy(env.cpu_model, sizeof(env.cpu_model), p + 2);
		} else if (!strncmp(line, "flags", 5)) {
			strcat(p, " ");
			env.erms = !!strstr(p, " erms ");
			env.fsrm = !!strstr(p, " fsrm ");
			env.hypervisor = !!strstr(p, " hypervisor ");
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	snprintf(env.clocksource, sizeof(env.clocksource), "unknown");
	if (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		copy(env.clocksource, sizeof(env.clocksource), line);
	}
	if (f)
		fclose(f);
	snprintf(env.timer, sizeof(env.timer),
		 "samples by %s (%.3f per ns, calibrated against CLOCK_MONOTONIC); wall times by CLOCK_MONOTONIC (clocksource %s)",
		 clock_name(), clock_rate(), env.clocksource);
}

static void env_lines(FILE *f, const char *prefix)
{
	fprintf(f, "%skernel %s, %d CPUs, CPU \"%s\": erms %s, fsrm %s%s\n",
		prefix, env.kernel, env.cpus, env.cpu_model,
		env.erms ? "on" : "off", env.fsrm ? "on" : "off",
		env.hypervisor ? ", under a hypervisor" : "");
	if (strstr(env.cpu_model, "TCG"))
		fprintf(f, "%sQEMU TCG (software emulation)%s\n", prefix,
			!env.erms && !env.fsrm ?
			", -cpu max,-erms,-fsrm: rep movsb hidden, kernel copies unrolled" :
			"");
	fprintf(f, "%stiming: %s\n", prefix, env.timer);
	fprintf(f, "%splacement: %s\n", prefix, env.placement);
}

static const char *pre(bool tap)
{
	return tap ? "# " : "";
}

void report_begin(FILE *f, bool tap)
{
	fprintf(f, "%ssipc-bench (%s mode)\n", pre(tap), env.mode);
	env_lines(f, pre(tap));
	fprintf(f, "%s%-9s %-10s %-10s %8s %5s %6s %9s %9s %9s %9s %9s %9s %9s\n",
		pre(tap), "workload", "place", "mechanism", "size", "pairs",
		"iters", "mean_us", "p50_us", "p99_us", "p99.9_us", "max_us",
		"MB/s", "calls/s");
}

static void num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v >= 100000)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

void report_row(FILE *f, const struct result *res, bool tap)
{
	char v[7][24];

	fprintf(f, "%s%-9s %-10s %-10s %8zu %5d %6ld ", pre(tap),
		workload_name(res->wl), placement_name(res->place), res->mech,
		res->size, res->pairs, res->iterations);
	if (!res->ok) {
		fprintf(f, "%s: %s\n", res->skipped ? "SKIPPED" : "FAILED",
			res->note);
		return;
	}
	if (res->wl == WL_IDLE) {
		fprintf(f, "server CPU %.3f %% of one CPU over %.1f s idle\n",
			res->cpu_pct, res->idle_wall_s);
		return;
	}
	num(v[0], 24, res->mean_us);
	num(v[1], 24, res->p50_us);
	num(v[2], 24, res->p99_us);
	num(v[3], 24, res->p999_us);
	num(v[4], 24, res->max_us);
	num(v[5], 24, res->mb_s);
	num(v[6], 24, res->ops_s);
	fprintf(f, "%9s %9s %9s %9s %9s %9s %9s\n", v[0], v[1], v[2], v[3],
		v[4], v[5], v[6]);
}

/* ---- the bar ---- */

struct bar_row {
	char what[96];
	double value;
	const char *target;
	int met;		/* 1 met, 0 not, -1 no figures, 2 for information */
};

#define MAX_BAR 128

/* The result asked for; a @place of PL_COUNT takes any placement. */
static const struct result *find(const struct result *res, int n,
				 enum workload wl, enum placement place,
				 const char *mech, size_t size, int pairs)
{
	int i;

	for (i = 0; i < n; i++)
		if (res[i].ok && res[i].wl == wl && res[i].size == size &&
		    res[i].pairs == pairs && !strcmp(res[i].mech, mech) &&
		    (place == PL_COUNT || res[i].place == place))
			return &res[i];
	return NULL;
}

enum cmp { LE, LT, GE };

static void bar_add(struct bar_row *rows, int *n, const char *what,
		    double a, double b, enum cmp cmp, const char *target)
{
	struct bar_row *row = &rows[(*n)++];
	double limit = atof(target + 3);

	snprintf(row->what, sizeof(row->what), "%s", what);
	row->target = target;
	row->value = a / b;
	if (isnan(row->value) || isinf(row->value))
		row->met = -1;
	else if (cmp == LE)
		row->met = row->value <= limit;
	else if (cmp == LT)
		row->met = row->value < limit;
	else
		row->met = row->value >= limit;
}

/* Field @f of a result, or NAN when there is no such result. */
#define FIG(r, f) ((r) ? (r)->f : NAN)	/* r: no side effects */

/* What a round-trip row says of its placement: nothing for the same CPU. */
static const char *place_tag(enum placement place)
{
	return place == PL_SPLIT ? ", split" : "";
}

/* Round trips of 32 B: sipc against Binder, the pipe and the socket. */
static void bar_small(const struct result *res, int n, struct bar_row *rows,
		      int *nr, enum placement place)
{
	const struct result *s, *b, *p, *u, *m;
	const char *tag = place_tag(place);
	char what[96];

	s = find(res, n, WL_ROUNDTRIP, place, "sipc", 32, 1);
	b = find(res, n, WL_ROUNDTRIP, place, "binder", 32, 1);
	p = find(res, n, WL_ROUNDTRIP, place, "pipe", 32, 1);
	u = find(res, n, WL_ROUNDTRIP, place, "socketpair", 32, 1);
	m = find(res, n, WL_ROUNDTRIP, place, "shm-futex", 32, 1);
	snprintf(what, sizeof(what),
		 "round trip 32 B%s: sipc p50 / binder p50", tag);
	bar_add(rows, nr, what, FIG(s, p50_us), FIG(b, p50_us), LE, "<= 0.60");
	snprintf(what, sizeof(what), "round trip 32 B%s: sipc p50 / pipe p50",
		 tag);
	bar_add(rows, nr, what, FIG(s, p50_us), FIG(p, p50_us), LE, "<= 0.95");
	snprintf(what, sizeof(what),
		 "round trip 32 B%s: sipc p50 / shm-futex p50", tag);
	bar_add(rows, nr, what, FIG(s, p50_us), FIG(m, p50_us), LE, "<= 1.25");
	snprintf(what, sizeof(what),
		 "round trip 32 B%s: sipc p50 / socketpair p50", tag);
	bar_add(rows, nr, what, FIG(s, p50_us), FIG(u, p50_us), LT, "<  1.00");
	snprintf(what, sizeof(what),
		 "round trip 32 B%s: sipc p99 / binder p99", tag);
	bar_add(rows, nr, what, FIG(s, p99_us), FIG(b, p99_us), LE, "<= 1.00");
}

/* 64 KiB to 1 MiB: sipc's MB/s against each peer, its time against shm. */
static void bar_big(const struct result *res, int n, struct bar_row *rows,
		    int *nr, enum workload wl, enum placement place)
{
	static const size_t big[] = { 65536, 262144, 1048576 };
	static const char *const peers[] = { "pipe", "socketpair", "binder" };
	static const char *const targets[] = { ">= 1.50", ">= 1.50",
					       ">= 1.00" };
	const char *tag = place_tag(place), *wname = workload_name(wl);
	const char *fig = wl == WL_STREAM ? "time" : "p50";
	const struct result *s, *p, *m;
	char what[96];
	size_t kib;
	int i, j;

	for (i = 0; i < 3; i++) {
		s = find(res, n, wl, place, "sipc", big[i], 1);
		kib = big[i] >> 10;
		for (j = 0; j < 3; j++) {
			p = find(res, n, wl, place, peers[j], big[i], 1);
			snprintf(what, sizeof(what),
				 "%s %zu KiB%s: sipc MB/s / %s", wname, kib,
				 tag, peers[j]);
			bar_add(rows, nr, what, FIG(s, mb_s), FIG(p, mb_s), GE,
				targets[j]);
		}
		/* Time per message; a round trip's typical one. */
		m = find(res, n, wl, place, "shm-futex", big[i], 1);
		snprintf(what, sizeof(what),
			 "%s %zu KiB%s: sipc %s / shm-futex %s", wname, kib,
			 tag, fig, fig);
		if (wl == WL_STREAM)
			bar_add(rows, nr, what, FIG(s, mean_us),
				FIG(m, mean_us), LE, "<= 1.30");
		else
			bar_add(rows, nr, what, FIG(s, p50_us), FIG(m, p50_us),
				LE, "<= 1.15");
	}
}

/* Generated code against the same calls written by hand. */
static void bar_idl(const struct result *res, int n, struct bar_row *rows,
		    int *nr)
{
	static const size_t sizes[] = { 32, 65536 };
	const struct result *g, *l;
	char what[96];
	size_t i;

	for (i = 0; i < 2; i++) {
		g = find(res, n, WL_ROUNDTRIP, PL_SAME, "idl", sizes[i], 1);
		l = find(res, n, WL_ROUNDTRIP, PL_SAME, "libsipc", sizes[i], 1);
		snprintf(what, sizeof(what),
			 "round trip %zu B: idl p50 / libsipc p50", sizes[i]);
		bar_add(rows, nr, what, FIG(g, p50_us), FIG(l, p50_us), LE,
			"<= 1.05");
	}
}

/* The library's cost over raw ioctls, at 32 B. */
static void bar_libsipc(const struct result *res, int n, struct bar_row *rows,
			int *nr, enum placement place)
{
	const struct result *s, *l;
	const char *tag = place_tag(place);
	char what[96];

	s = find(res, n, WL_ROUNDTRIP, place, "sipc", 32, 1);
	l = find(res, n, WL_ROUNDTRIP, place, "libsipc", 32, 1);
	snprintf(what, sizeof(what),
		 "round trip 32 B%s: libsipc p50 / sipc p50", tag);
	bar_add(rows, nr, what, FIG(l, p50_us), FIG(s, p50_us), LT, "<  1.10");
	snprintf(what, sizeof(what),
		 "round trip 32 B%s: libsipc time per call / sipc", tag);
	bar_add(rows, nr, what, FIG(s, ops_s), FIG(l, ops_s), LT, "<  1.10");
}

/*
 * The library against raw ioctls at every size measured: round-trip p50
 * (a gathered send is one copy, as the raw one), and stream MB/s from
 * 64 KiB on.
 */
static void bar_libsipc_sizes(const struct result *res, int n,
			      struct bar_row *rows, int *nr)
{
	const struct result *s, *l;
	char what[96];
	int i;

	for (i = 0; i < n; i++) {
		if (res[i].wl != WL_ROUNDTRIP || res[i].place != PL_SAME ||
		    res[i].pairs != 1 || strcmp(res[i].mech, "sipc") ||
		    res[i].size == 32 || *nr >= MAX_BAR - 24)
			continue;
		l = find(res, n, WL_ROUNDTRIP, PL_SAME, "libsipc",
			 res[i].size, 1);
		snprintf(what, sizeof(what),
			 "round trip %zu B: libsipc p50 / sipc p50",
			 res[i].size);
		bar_add(rows, nr, what, FIG(l, p50_us), res[i].p50_us, LE,
			"<= 1.10");
	}
	for (i = 0; i < n; i++) {
		s = &res[i];
		if (s->wl != WL_STREAM || strcmp(s->mech, "sipc") ||
		    s->size < 65536 || *nr >= MAX_BAR - 24)
			continue;
		l = find(res, n, WL_STREAM, s->place, "libsipc", s->size, 1);
		snprintf(what, sizeof(what),
			 "stream %zu KiB: libsipc MB/s / sipc MB/s",
			 s->size >> 10);
		bar_add(rows, nr, what, FIG(l, mb_s), s->mb_s, GE, ">= 0.90");
	}
}

/* Shared regions beside the copy: where they win, if they do. */
static void bar_region(const struct result *res, int n, struct bar_row *rows,
		       int *nr, enum workload wl, enum placement place)
{
	const struct result *l, *m;
	char what[96];
	size_t size;
	int i;

	for (i = 0; i < 2; i++) {
		size = i ? 16u << 20 : 1u << 20;
		l = find(res, n, wl, place, "libsipc", size, 1);
		m = find(res, n, wl, place, "libsipc-region", size, 1);
		snprintf(what, sizeof(what),
			 "%s %zu MiB%s: libsipc-region MB/s / libsipc",
			 workload_name(wl), size >> 20, place_tag(place));
		bar_add(rows, nr, what, FIG(m, mb_s), FIG(l, mb_s), GE,
			"   -   ");
		rows[*nr - 1].met = rows[*nr - 1].met < 0 ? -1 : 2;
	}
}

/*
 * Channels against what they replace: the ioctl round trip and the floor
 * at 32 B, one-copy sipc where the client writes and the server reads
 * every byte, and the server's CPU while the channel is idle.
 */
static void bar_channel(const struct result *res, int n, struct bar_row *rows,
			int *nr)
{
	const struct result *c, *s;
	char what[96];
	size_t size;
	int i;

	c = find(res, n, WL_ROUNDTRIP, PL_SPLIT, "channel", 32, 1);
	s = find(res, n, WL_ROUNDTRIP, PL_SPLIT, "sipc", 32, 1);
	bar_add(rows, nr, "round trip 32 B, split: channel p50 / sipc p50",
		FIG(c, p50_us), FIG(s, p50_us), LE, "<= 0.50");
	s = find(res, n, WL_ROUNDTRIP, PL_SPLIT, "shm-futex", 32, 1);
	bar_add(rows, nr, "round trip 32 B, split: channel p50 / shm-futex p50",
		FIG(c, p50_us), FIG(s, p50_us), LT, "<  1.00");
	for (i = 0; i < 2; i++) {
		size = i ? 16u << 20 : 1u << 20;
		c = find(res, n, WL_TOUCH, PL_SPLIT, "channel", size, 1);
		s = find(res, n, WL_TOUCH, PL_SPLIT, "sipc", size, 1);
		snprintf(what, sizeof(what),
			 "touch %zu MiB, split: channel MB/s / sipc MB/s",
			 size >> 20);
		bar_add(rows, nr, what, FIG(c, mb_s), FIG(s, mb_s), GE,
			">= 1.40");
	}
	c = find(res, n, WL_IDLE, PL_SPLIT, "channel", 32, 1);
	bar_add(rows, nr, "idle: channel server CPU / one CPU", FIG(c, cpu_pct),
		100, LT, "<  0.01");
}

/*
 * The region pool against the inline blob: the crossover is the smallest
 * size measured where the pool is as fast; the bar wants it there, and
 * half as fast again at four times that size.
 */
static void bar_pool(const struct result *res, int n, struct bar_row *rows,
		     int *nr)
{
	const struct result *p, *b;
	size_t size, cross = 0;
	char what[96];
	int i;

	for (size = 16384; size <= (16u << 20) && !cross; size *= 4) {
		p = find(res, n, WL_BLOB, PL_SPLIT, "libsipc-pool", size, 1);
		b = find(res, n, WL_BLOB, PL_SPLIT, "libsipc-blob", size, 1);
		if (p && b && p->mb_s >= b->mb_s)
			cross = size;
	}
	for (i = 0; i < 2; i++) {
		size = cross << (2 * i);
		p = find(res, n, WL_BLOB, PL_SPLIT, "libsipc-pool", size, 1);
		b = find(res, n, WL_BLOB, PL_SPLIT, "libsipc-blob", size, 1);
		snprintf(what, sizeof(what),
			 "blob %zu KiB%s, split: pool MB/s / inline",
			 size >> 10, i ? " (4x crossover)" : " (crossover)");
		bar_add(rows, nr, what, FIG(p, mb_s), FIG(b, mb_s), GE,
			i ? ">= 1.50" : ">= 1.00");
	}
}

/* Where the streams ran: one CPU, or two with --stream-split. */
static enum placement stream_place(const struct result *res, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (res[i].wl == WL_STREAM)
			return res[i].place;
	return PL_SAME;
}

/*
 * The rows of the same CPU first, as they always were, then those of the
 * round trips split over two CPUs.
 */
static int bar_rows(const struct result *res, int n, struct bar_row *rows)
{
	enum placement sp = stream_place(res, n);
	const struct result *one, *four;
	char what[96];
	int nr = 0;

	bar_small(res, n, rows, &nr, PL_SAME);
	bar_big(res, n, rows, &nr, WL_ROUNDTRIP, PL_SAME);
	bar_big(res, n, rows, &nr, WL_STREAM, sp);
	one = find(res, n, WL_PAIRS, PL_SPREAD, "sipc", 32, 1);
	four = find(res, n, WL_PAIRS, PL_SPREAD, "sipc", 32, 4);
	snprintf(what, sizeof(what), "pairs: sipc calls/s, 4 pairs / 1 (%d CPUs)",
		 env.cpus);
	bar_add(rows, &nr, what, FIG(four, ops_s), FIG(one, ops_s), GE,
		">= 3.00");
	/* Only where the guest has the CPUs: 4 pairs on fewer cannot. */
	if (env.cpus < 4 && rows[nr - 1].met >= 0)
		rows[nr - 1].met = 3;
	four = find(res, n, WL_PAIRS, PL_SPREAD, "sipc", 32, 2);
	bar_add(rows, &nr, "pairs: sipc calls/s, 2 pairs / 1", FIG(four, ops_s),
		FIG(one, ops_s), GE, "   -   ");
	rows[nr - 1].met = rows[nr - 1].met < 0 ? -1 : 2;
	bar_libsipc(res, n, rows, &nr, PL_SAME);
	bar_idl(res, n, rows, &nr);
	bar_libsipc_sizes(res, n, rows, &nr);
	bar_region(res, n, rows, &nr, WL_ROUNDTRIP, PL_SAME);
	bar_region(res, n, rows, &nr, WL_STREAM, sp);

	bar_small(res, n, rows, &nr, PL_SPLIT);
	bar_big(res, n, rows, &nr, WL_ROUNDTRIP, PL_SPLIT);
	bar_libsipc(res, n, rows, &nr, PL_SPLIT);
	bar_region(res, n, rows, &nr, WL_ROUNDTRIP, PL_SPLIT);
	bar_channel(res, n, rows, &nr);
	bar_pool(res, n, rows, &nr);
	return nr;
}

/* Three decimals: a ratio a hair under its limit must not print as it. */
static void ratio(char *buf, size_t len, double v)
{
	if (isnan(v) || isinf(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f", v);
}

static const char *met_word(int met)
{
	static const char *const words[] = {
		"NOT MET", "met", "information", "n/a: fewer than 4 CPUs",
	};

	return met < 0 ? "n/a" : words[met];
}

void report_bar(FILE *f, const struct result *res, int n, bool tap)
{
	struct bar_row rows[MAX_BAR];
	int i, nr = bar_rows(res, n, rows);
	char v[24];

	fprintf(f, "%s\n%sthe bar, as ratios of this run's figures:\n",
		pre(tap), pre(tap));
	for (i = 0; i < nr; i++) {
		ratio(v, sizeof(v), rows[i].value);
		fprintf(f, "%s  %-48s %7s  %s  %s\n", pre(tap), rows[i].what, v,
			rows[i].target, met_word(rows[i].met));
	}
}

/* ---- files ---- */

static void csv_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
	if (!isnan(v))
		fprintf(f, "%.3f", v);
}

static const char *status_word(const struct result *r)
{
	return r->ok ? "ok" : r->skipped ? "skipped" : "failed";
}

static void write_csv(FILE *f, const struct result *res, int n)
{
	int i;

	fprintf(f, "workload,mechanism,size,pairs,placement,rounds,warmup,iterations,mean_us,p50_us,p99_us,p999_us,max_us,mb_s,calls_s,lock_per_kcall,taken_per_call,status,note\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "%s,%s,%zu,%d,%s,%d,%ld,%ld,",
			workload_name(res[i].wl), res[i].mech, res[i].size,
			res[i].pairs, placement_name(res[i].place),
			res[i].rounds, res[i].warmup, res[i].iterations);
		csv_num(f, res[i].mean_us);
		fputc(',', f);
		csv_num(f, res[i].p50_us);
		fputc(',', f);
		csv_num(f, res[i].p99_us);
		fputc(',', f);
		csv_num(f, res[i].p999_us);
		fputc(',', f);
		csv_num(f, res[i].max_us);
		fputc(',', f);
		csv_num(f, res[i].mb_s);
		fputc(',', f);
		csv_num(f, res[i].ops_s);
		fputc(',', f);
		csv_num(f, res[i].lock_per_kcall);
		fputc(',', f);
		csv_num(f, res[i].taken_per_call);
		fprintf(f, ",%s,", status_word(&res[i]));
		csv_text(f, res[i].note);
		fputc('\n', f);
	}
}

static void json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, const char *key, double v, const char *sep)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "\"%s\": null%s", key, sep);
	else
		fprintf(f, "\"%s\": %.3f%s", key, v, sep);
}

static void write_json(FILE *f, const struct result *res, int n)
{
	struct bar_row rows[MAX_BAR];
	int i, nr = bar_rows(res, n, rows);

	fprintf(f, "{\n  \"tool\": \"sipc-bench\",\n  \"mode\": \"%s\",\n",
		env.mode);
	fprintf(f, "  \"env\": {\n    \"kernel\": ");
	json_text(f, env.kernel);
	fprintf(f, ",\n    \"cpus\": %d,\n    \"cpu_model\": ", env.cpus);
	json_text(f, env.cpu_model);
	fprintf(f, ",\n    \"erms\": %s,\n    \"fsrm\": %s,\n    \"hypervisor\": %s,\n    \"clocksource\": ",
		env.erms ? "true" : "false", env.fsrm ? "true" : "false",
		env.hypervisor ? "true" : "false");
	json_text(f, env.clocksource);
	fprintf(f, ",\n    \"timing\": ");
	json_text(f, env.timer);
	fprintf(f, ",\n    \"placement\": ");
	json_text(f, env.placement);
	fprintf(f, "\n  },\n  \"results\": [\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "    {\"workload\": \"%s\", \"mechanism\": \"%s\", \"size\": %zu, \"pairs\": %d, \"placement\": \"%s\", \"rounds\": %d, \"warmup\": %ld, \"iterations\": %ld, ",
			workload_name(res[i].wl), res[i].mech, res[i].size,
			res[i].pairs, placement_name(res[i].place),
			res[i].rounds, res[i].warmup, res[i].iterations);
		json_num(f, "mean_us", res[i].mean_us, ", ");
		json_num(f, "p50_us", res[i].p50_us, ", ");
		json_num(f, "p99_us", res[i].p99_us, ", ");
		json_num(f, "p999_us", res[i].p999_us, ", ");
		json_num(f, "max_us", res[i].max_us, ", ");
		json_num(f, "mb_s", res[i].mb_s, ", ");
		json_num(f, "calls_s", res[i].ops_s, ", ");
		json_num(f, "lock_per_kcall", res[i].lock_per_kcall, ", ");
		json_num(f, "taken_per_call", res[i].taken_per_call, ", ");
		fprintf(f, "\"status\": \"%s\", \"note\": ", status_word(&res[i]));
		json_text(f, res[i].note);
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ],\n  \"bar\": [\n");
	for (i = 0; i < nr; i++) {
		fprintf(f, "    {\"check\": ");
		json_text(f, rows[i].what);
		fprintf(f, ", ");
		json_num(f, "value", rows[i].value, ", ");
		fprintf(f, "\"target\": \"%s\", \"met\": %s}%s\n",
			rows[i].target, rows[i].met < 0 ? "null" :
			rows[i].met ? "true" : "false", i + 1 < nr ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

static const char *const md_mechs[] = {
	"sipc", "libsipc", "libsipc-region", "channel", "libsipc-blob",
	"libsipc-pool", "idl", "binder", "pipe", "socketpair",
	"shm-futex",
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_MD_MECHS	((int)ARRAY_SIZE(md_mechs))

static long md_key(const struct result *r)
{
	return r->wl == WL_PAIRS ? r->pairs : (long)r->size;
}

/* The sizes (or pair counts) and the placements that @wl has results of. */
static int md_keys(const struct result *res, int n, enum workload wl,
		   long *keys, bool *places)
{
	int nk = 0, i, k;

	for (i = 0; i < n; i++) {
		if (res[i].wl != wl)
			continue;
		places[res[i].place] = true;
		for (k = 0; k < nk && keys[k] != md_key(&res[i]); k++)
			;
		if (k == nk && nk < 32)
			keys[nk++] = md_key(&res[i]);
	}
	return nk;
}

/* One cell: the figure of each placement there is, "same / split". */
static void md_cell(FILE *f, const struct result *res, int n,
		    enum workload wl, const char *mech, long key,
		    const bool *places, double (*pick)(const struct result *r))
{
	const struct result *r;
	const char *sep = " ";
	int i, p;
	char v[24];

	for (p = 0; p < PL_COUNT; p++) {
		if (!places[p])
			continue;
		r = NULL;
		for (i = 0; i < n && !r; i++)
			if (res[i].wl == wl && (int)res[i].place == p && res[i].ok &&
			    !strcmp(res[i].mech, mech) &&
			    md_key(&res[i]) == key)
				r = &res[i];
		num(v, sizeof(v), r ? pick(r) : NAN);
		fprintf(f, "%s%s", sep, v);
		sep = " / ";
	}
	fprintf(f, " |");
}

/*
 * A markdown table: one row per size (or pair count), one column per
 * mechanism; where there are two placements, each cell has both, side by
 * side, as the title says.
 */
static void md_pivot(FILE *f, const struct result *res, int n,
		     enum workload wl, const char *title,
		     double (*pick)(const struct result *r))
{
	bool places[PL_COUNT] = { false };
	const char *sep = "";
	long keys[32];
	int nk, j, k, p;

	nk = md_keys(res, n, wl, keys, places);
	if (!nk)
		return;
	fprintf(f, "\n### %s (", title);
	for (p = 0; p < PL_COUNT; p++) {
		if (!places[p])
			continue;
		fprintf(f, "%s%s", sep, placement_name(p));
		sep = " / ";
	}
	fprintf(f, ")\n\n| %s |", wl == WL_PAIRS ? "pairs" : "size (B)");
	for (j = 0; j < NR_MD_MECHS; j++)
		fprintf(f, " %s |", md_mechs[j]);
	fprintf(f, "\n|---:|");
	for (j = 0; j < NR_MD_MECHS; j++)
		fprintf(f, "---:|");
	fprintf(f, "\n");
	for (k = 0; k < nk; k++) {
		fprintf(f, "| %ld |", keys[k]);
		for (j = 0; j < NR_MD_MECHS; j++)
			md_cell(f, res, n, wl, md_mechs[j], keys[k], places,
				pick);
		fprintf(f, "\n");
	}
}

static double pick_p50(const struct result *r)
{
	return r->p50_us;
}

static double pick_p99(const struct result *r)
{
	return r->p99_us;
}

static double pick_mbs(const struct result *r)
{
	return r->mb_s;
}

static double pick_ops(const struct result *r)
{
	return r->ops_s;
}

static double pick_lock(const struct result *r)
{
	return r->lock_per_kcall;
}

static double pick_taken(const struct result *r)
{
	return r->taken_per_call;
}

/*
 * The inversion, its rows side by side: sipc with its inheritance on and
 * off, and the mechanisms that have none (Binder).
 */
static void md_inversion(FILE *f, const struct result *res, int n)
{
	const struct result *r;
	char v[5][24];
	int i, rows = 0;

	for (i = 0; i < n; i++) {
		r = &res[i];
		if (r->wl != WL_INVERSION)
			continue;
		if (!rows++) {
			fprintf(f, "\n### Inversion: a SCHED_FIFO %d client's 32-byte calls to a normal server beside a SCHED_FIFO %d hog (us)\n\n",
				INV_CLIENT_RT, INV_HOG_RT);
			fprintf(f, "Client, server and hog on one CPU; the hog spins %d ms and sleeps %d ms by turns, the client pauses 0-%d ms before each call.\n",
				env.hog_ms, env.hog_ms, env.hog_ms);
			fprintf(f, "Without inheritance a call that meets the hog spinning waits for it (up to %d ms); with it, the server runs the call at the client's priority, above the hog.\n",
				env.hog_ms);
			fprintf(f, "sipc: module parameter `priority_inheritance` Y (inherit) or N (no-inherit); Binder (mainline) has no real-time inheritance, only a nice floor.\n\n");
			fprintf(f, "| mechanism | inheritance | calls | mean | p50 | p99 | p99.9 | max | |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n");
		}
		num(v[0], 24, r->mean_us);
		num(v[1], 24, r->p50_us);
		num(v[2], 24, r->p99_us);
		num(v[3], 24, r->p999_us);
		num(v[4], 24, r->max_us);
		/* Why a row has no figures: in the list at the end. */
		fprintf(f, "| %s | %s | %ld | %s | %s | %s | %s | %s | %s |\n",
			r->mech, placement_name(r->place), r->iterations,
			v[0], v[1], v[2], v[3], v[4],
			r->ok ? "" : status_word(r));
	}
}

static void write_md(FILE *f, const struct result *res, int n)
{
	struct bar_row rows[MAX_BAR];
	int i, nr = bar_rows(res, n, rows);
	char v[4][24];

	fprintf(f, "## Environment\n\n");
	env_lines(f, "- ");
	fprintf(f, "\n## The bar (ratios of this run's figures)\n\n");
	fprintf(f, "| check | ratio | target | |\n|---|---:|---|---|\n");
	for (i = 0; i < nr; i++) {
		ratio(v[0], sizeof(v[0]), rows[i].value);
		fprintf(f, "| %s | %s | %s | %s |\n", rows[i].what, v[0],
			rows[i].target, met_word(rows[i].met));
	}
	fprintf(f, "\n## Figures\n\nsame: client and server on one CPU; split: on two.\n");
	md_pivot(f, res, n, WL_ROUNDTRIP,
		 "Round trip: p50 latency (us), request of each size, 4-byte reply",
		 pick_p50);
	md_pivot(f, res, n, WL_ROUNDTRIP, "Round trip: p99 latency (us)",
		 pick_p99);
	md_pivot(f, res, n, WL_ROUNDTRIP,
		 "Round trip: throughput (MB/s of request payload)", pick_mbs);
	md_pivot(f, res, n, WL_STREAM,
		 "One-way streaming: throughput (MB/s)", pick_mbs);
	md_pivot(f, res, n, WL_PAIRS,
		 "Pairs: aggregate calls/s, 32-byte round trips", pick_ops);
	md_pivot(f, res, n, WL_PAIRS,
		 "Pairs: sipc's graph lock found held, per 1,000 calls",
		 pick_lock);
	md_pivot(f, res, n, WL_PAIRS,
		 "Pairs: sipc's graph lock taken per call", pick_taken);
	fprintf(f, "\n### Lookup through the context manager (a call to handle 0 answered with a handle)\n\n");
	fprintf(f, "| mechanism | placement | mean (us) | p50 (us) | p99 (us) | p99.9 (us) |\n|---|---|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		if (res[i].wl != WL_LOOKUP || !res[i].ok)
			continue;
		num(v[0], 24, res[i].mean_us);
		num(v[1], 24, res[i].p50_us);
		num(v[2], 24, res[i].p99_us);
		num(v[3], 24, res[i].p999_us);
		fprintf(f, "| %s | %s | %s | %s | %s | %s |\n", res[i].mech,
			placement_name(res[i].place), v[0], v[1], v[2], v[3]);
	}
	md_inversion(f, res, n);
	md_pivot(f, res, n, WL_BLOB,
		 "Blob: round trips of a blob, inline or through the region pool (MB/s)",
		 pick_mbs);
	md_pivot(f, res, n, WL_TOUCH,
		 "Touch: round trips where the client writes and the server reads every byte (MB/s)",
		 pick_mbs);
	fprintf(f, "\n### Idle: the server's CPU time with no calls, after a few\n\n");
	fprintf(f, "| mechanism | CPU (%% of one) | over (s) |\n|---|---:|---:|\n");
	for (i = 0; i < n; i++)
		if (res[i].wl == WL_IDLE && res[i].ok)
			fprintf(f, "| %s | %.3f | %.1f |\n", res[i].mech,
				res[i].cpu_pct, res[i].idle_wall_s);
	for (i = 0; i < n; i++)
		if (!res[i].ok)
			fprintf(f, "\n- %s %s %zu B, %d pair(s), %s: %s: %s",
				workload_name(res[i].wl), res[i].mech,
				res[i].size, res[i].pairs,
				placement_name(res[i].place),
				res[i].skipped ? "skipped" : "FAILED",
				res[i].note);
	fprintf(f, "\n\nEvery run, with warm-up and iteration counts: results.csv, results.json.\n");
}

static int write_file(const char *dir, const char *name,
		      void (*fn)(FILE *f, const struct result *res, int n),
		      const struct result *res, int n, bool dump)
{
	char path[4096], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "sipc-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fn(f, res, n);
	if (fclose(f)) {
		fprintf(stderr, "sipc-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!dump)
		return 0;
	/* For a guest with no shared file system: the host cuts them out. */
	f = fopen(path, "r");
	if (!f)
		return -1;
	printf("==== sipc-bench: begin %s ====\n", name);
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	printf("==== sipc-bench: end %s ====\n", name);
	fclose(f);
	return 0;
}

int report_write(const char *dir, const struct result *res, int n, bool dump)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "sipc-bench: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return write_file(dir, "results.csv", write_csv, res, n, dump) ||
	       write_file(dir, "results.json", write_json, res, n, dump) ||
	       write_file(dir, "results.md", write_md, res, n, dump) ? -1 : 0;
}
