// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: small helpers every part uses: time, errors, CPUs, pipes,
 * futexes.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __x86_64__
#include <x86intrin.h>
#endif

#include "bench.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/*
 * Each round trip is timed with the time-stamp counter where there is
 * one: in the dev VM the clocksource is the emulated HPET, and one
 * clock_gettime() costs a system call and a device read (about 1 us under
 * TCG), which would be added to every sample. The counter is read on the
 * CPU the client is pinned to, and converted with a rate measured against
 * CLOCK_MONOTONIC at start-up. Wall times (throughput) use the clock.
 */
static double ticks_per_ns = 1.0;

void clock_calibrate(void)
{
#ifdef __x86_64__
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	uint64_t t0, c0, t1, c1;

	t0 = now_ns();
	c0 = __rdtsc();
	nanosleep(&pause, NULL);
	t1 = now_ns();
	c1 = __rdtsc();
	if (c1 > c0 && t1 > t0)
		ticks_per_ns = (double)(c1 - c0) / (t1 - t0);
#endif
}

uint64_t ticks(void)
{
#ifdef __x86_64__
	return __rdtsc();
#else
	return now_ns();
#endif
}

uint64_t ticks_to_ns(uint64_t t)
{
	return (uint64_t)(t / ticks_per_ns);
}

const char *clock_name(void)
{
#ifdef __x86_64__
	return "rdtsc";
#else
	return "CLOCK_MONOTONIC";
#endif
}

double clock_rate(void)
{
	return ticks_per_ns;
}

/* Where this process writes its first error: its slot in the mapping. */
static char *err_buf;

void bench_set_err(char *buf)
{
	err_buf = buf;
}

/* Record why this process failed (the first reason wins); returns -1. */
int bench_fail(const char *fmt, ...)
{
	va_list ap;

	if (!err_buf || err_buf[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(err_buf, ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

int pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return bench_fail("pin to CPU %d: %s", cpu, strerror(errno));
	return 0;
}

int signal_ready(int fd)
{
	return write(fd, "r", 1) == 1 ? 0 : bench_fail("report ready: %s",
							 strerror(errno));
}

/* Move exactly @size bytes, across short reads and writes. */
int full_io(int fd, void *buf, size_t size, bool out)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = out ? write(fd, (char *)buf + done, size - done) :
			  read(fd, (char *)buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bench_fail("%s: %s", out ? "write" : "read",
					  strerror(errno));
		if (n == 0)
			return bench_fail("read: end of file");
		done += n;
	}
	return 0;
}

/* Let the receiver catch up with a sender that found it full. */
void sys_yield(void)
{
	sched_yield();
}

int futex_wait(uint32_t *addr, uint32_t val)
{
	return syscall(SYS_futex, addr, FUTEX_WAIT, val, NULL, NULL, 0);
}

int futex_wake(uint32_t *addr, int n)
{
	return syscall(SYS_futex, addr, FUTEX_WAKE, n, NULL, NULL, 0);
}

const char *workload_name(enum workload wl)
{
	static const char *const names[WL_COUNT] = {
		[WL_ROUNDTRIP] = "roundtrip",
		[WL_STREAM] = "stream",
		[WL_PAIRS] = "pairs",
		[WL_LOOKUP] = "lookup",
		[WL_INVERSION] = "inversion",
		[WL_TOUCH] = "touch",
		[WL_IDLE] = "idle",
		[WL_BLOB] = "blob",
	};

	return wl < WL_COUNT ? names[wl] : "?";
}

const char *placement_name(enum placement place)
{
	static const char *const names[PL_COUNT] = {
		[PL_SAME] = "same",
		[PL_SPLIT] = "split",
		[PL_SPREAD] = "spread",
		[PL_INHERIT] = "inherit",
		[PL_NO_INHERIT] = "no-inherit",
	};

	return place < PL_COUNT ? names[place] : "?";
}

static const char *binder_path = "/dev/binder";

const char *binder_device(void)
{
	return binder_path;
}

void set_binder_device(const char *path)
{
	binder_path = path;
}

/* The calling thread's policy and RT priority (0 for the normal ones). */
int set_sched(int policy, int rt_priority)
{
	struct sched_param sp = { .sched_priority = rt_priority };

	if (sched_setscheduler(0, policy, &sp))
		return bench_fail("sched_setscheduler(%s %d): %s",
				  policy == SCHED_FIFO ? "SCHED_FIFO" :
				  "SCHED_OTHER", rt_priority, strerror(errno));
	return 0;
}

/*
 * Why this process's children cannot run at SCHED_FIFO (NULL: they can).
 * Tried once, in a child: root alone is not enough where real-time
 * scheduling is confined to a group without runtime.
 */
const char *rt_unavailable(void)
{
	static char why[ERR_LEN];
	static bool tried;
	struct sched_param sp = { .sched_priority = INV_CLIENT_RT };
	int status = 0;
	pid_t pid;

	if (tried)
		return why[0] ? why : NULL;
	tried = true;
	fflush(NULL);
	pid = fork();
	if (!pid)
		_exit(sched_setscheduler(0, SCHED_FIFO, &sp) ? errno : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		snprintf(why, sizeof(why), "cannot try SCHED_FIFO: %s",
			 strerror(errno));
		return why;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return NULL;
	snprintf(why, sizeof(why), "no SCHED_FIFO %d here: %s%s",
		 INV_CLIENT_RT, WIFEXITED(status) ?
		 strerror(WEXITSTATUS(status)) : "the try was killed",
		 geteuid() ? " (not root)" : "");
	return why;
}

/* A counter of /proc/sipc/stats, or -1 without one. */
long long sipc_stat(const char *name)
{
	size_t len = strlen(name);
	long long v = -1;
	char line[128];
	FILE *f = fopen("/proc/sipc/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ':') {
			v = atoll(line + len + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * A sipc server's receive area for requests of @size bytes: SERVER_AREA,
 * or room for two (a one-way may take half the area) and 1 MiB more.
 */
size_t server_area(size_t size)
{
	size_t need = 2 * (size + HEADROOM) + (1u << 20);

	need = (need + (1u << 20) - 1) & ~(size_t)((1u << 20) - 1);
	return need > SERVER_AREA ? need : SERVER_AREA;
}
