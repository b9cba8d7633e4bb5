// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-bench: round-trip latency of sipc beside its peers, in one run.
 *
 *   sipc-bench [-n ITERATIONS] [-s SIZE]...
 *
 * Each mechanism runs a client process and a server process: the client
 * sends SIZE bytes, the server checks them and answers 4 bytes, which the
 * client checks too. Mechanisms: sipc (raw ioctls, the server is handle 0),
 * a pipe pair and a UNIX stream socketpair, which copy each payload twice.
 * Figures are reported, never asserted.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sipc.h>

#define MAX_SIZES 16
#define WARMUP 200
#define REPLY_SIZE 4

struct result {
	double mean, p50, p99, p999;
};

/* One mechanism: a server loop and a client round trip over a channel. */
struct mechanism {
	const char *name;
	int (*setup)(void);			/* before fork */
	void (*serve)(size_t size);		/* child, never returns */
	int (*client_init)(void);		/* parent, after fork */
	int (*round_trip)(const void *buf, size_t size);
	void (*teardown)(void);
};

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + 7);
}

static int check_payload(const unsigned char *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != pattern(i))
			return -1;
	return 0;
}

/* ---- pipes and sockets: write the request, read the reply ---- */

static int fds[4];	/* to server: read, write; to client: read, write */
static unsigned char *scratch;

static int full_io(int fd, void *buf, size_t size, int out)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = out ? write(fd, (char *)buf + done, size - done) :
			  read(fd, (char *)buf + done, size - done);
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static int pipe_setup(void)
{
	return pipe(fds) || pipe(fds + 2) ? -1 : 0;
}

static int socket_setup(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	/* Both directions share one socket per side. */
	fds[0] = sv[1];
	fds[3] = sv[1];
	fds[1] = sv[0];
	fds[2] = sv[0];
	return 0;
}

static void stream_serve(size_t size)
{
	unsigned char reply[REPLY_SIZE] = { 1, 2, 3, 4 };

	for (;;) {
		if (full_io(fds[0], scratch, size, 0) ||
		    check_payload(scratch, size) ||
		    full_io(fds[3], reply, REPLY_SIZE, 1))
			_exit(1);
	}
}

static int stream_client_init(void)
{
	return 0;
}

static int stream_round_trip(const void *buf, size_t size)
{
	unsigned char reply[REPLY_SIZE];

	if (full_io(fds[1], (void *)buf, size, 1) ||
	    full_io(fds[2], reply, REPLY_SIZE, 0))
		return -1;
	return reply[3] == 4 ? 0 : -1;
}

static void stream_teardown(void)
{
	int i;

	for (i = 0; i < 4; i++)
		close(fds[i]);
}

/* ---- sipc: the server is the context manager, the client calls it ---- */

static struct sipc *dev;

static void sipc_serve(size_t size)
{
	static const unsigned char reply[REPLY_SIZE] = { 1, 2, 3, 4 };
	struct sipc_node_info mgr = { .cookie = 1 };
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	__u64 buf;

	if (sipc_open(NULL, 4 * size + (1 << 20), &dev) ||
	    ioctl(sipc_fd(dev), SIPC_IOC_SET_CONTEXT_MGR, &mgr))
		_exit(1);
	if (write(fds[1], "r", 1) != 1)
		_exit(1);
	for (;;) {
		if (ioctl(sipc_fd(dev), SIPC_IOC_TRANSACT, &tr))
			_exit(1);
		buf = tr.ev.data;
		if (tr.ev.type != SIPC_EV_TRANSACTION ||
		    tr.ev.data_size != size ||
		    check_payload((const void *)(uintptr_t)buf, size))
			_exit(1);
		/* Reply, free the request and wait: one system call. */
		tr.free_buffer = buf;
		tr.send_op = SIPC_SEND_REPLY;
		tr.data = (__u64)(uintptr_t)reply;
		tr.data_size = REPLY_SIZE;
	}
}

static int sipc_client_init(void)
{
	char c;

	if (read(fds[0], &c, 1) != 1)
		return -1;
	return sipc_open(NULL, 1 << 20, &dev);
}

/* The previous reply, freed by the next call in the same system call. */
static __u64 last_reply;

static int sipc_round_trip(const void *buf, size_t size)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.handle = SIPC_CONTEXT_MGR_HANDLE,
		.data = (__u64)(uintptr_t)buf,
		.data_size = size,
		.free_buffer = last_reply,
	};
	const unsigned char *reply;

	last_reply = 0;
	if (ioctl(sipc_fd(dev), SIPC_IOC_TRANSACT, &tr) ||
	    tr.ev.type != SIPC_EV_REPLY || tr.ev.data_size != REPLY_SIZE)
		return -1;
	reply = (const void *)(uintptr_t)tr.ev.data;
	last_reply = tr.ev.data;
	return reply[3] == 4 ? 0 : -1;
}

static void sipc_teardown(void)
{
	if (last_reply)
		ioctl(sipc_fd(dev), SIPC_IOC_FREE_BUFFER, &last_reply);
	last_reply = 0;
	sipc_close(dev);
	close(fds[0]);
	close(fds[1]);
}

static int sipc_pipe_setup(void)
{
	return pipe(fds);
}

static const struct mechanism mechanisms[] = {
	{ "sipc", sipc_pipe_setup, sipc_serve, sipc_client_init,
	  sipc_round_trip, sipc_teardown },
	{ "pipe", pipe_setup, stream_serve, stream_client_init,
	  stream_round_trip, stream_teardown },
	{ "socketpair", socket_setup, stream_serve, stream_client_init,
	  stream_round_trip, stream_teardown },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int measure(const struct mechanism *m, size_t size, int iterations,
		   struct result *r)
{
	double *lat = calloc(iterations, sizeof(*lat)), t, sum = 0;
	unsigned char *buf = malloc(size + 1);
	int i, ret = -1, status;
	pid_t pid;

	if (!lat || !buf || m->setup())
		goto out;
	for (i = 0; i < (int)size; i++)
		buf[i] = pattern(i);
	pid = fork();
	if (!pid)
		m->serve(size);
	if (pid < 0 || m->client_init())
		goto stop;
	for (i = 0; i < WARMUP + iterations; i++) {
		t = now_ns();
		if (m->round_trip(buf, size))
			goto stop;
		if (i >= WARMUP)
			lat[i - WARMUP] = now_ns() - t;
	}
	qsort(lat, iterations, sizeof(*lat), cmp_double);
	for (i = 0; i < iterations; i++)
		sum += lat[i];
	r->mean = sum / iterations / 1e3;
	r->p50 = lat[iterations / 2] / 1e3;
	r->p99 = lat[(int)(iterations * 0.99)] / 1e3;
	r->p999 = lat[(int)(iterations * 0.999)] / 1e3;
	ret = 0;
stop:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	m->teardown();
out:
	free(lat);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	size_t sizes[MAX_SIZES], nsizes = 0, i, j;
	int iterations = 5000, opt, failed = 0;
	struct result r;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			iterations = atoi(optarg);
		else if (opt == 's' && nsizes < MAX_SIZES)
			sizes[nsizes++] = strtoul(optarg, NULL, 0);
		else
			return fprintf(stderr, "usage: %s [-n N] [-s SIZE]...\n",
				       argv[0]), 2;
	}
	if (iterations < 100)
		iterations = 100;
	if (!nsizes)
		sizes[nsizes++] = 32;
	for (i = 0; i < nsizes; i++)
		if (sizes[i] > (size_t)8 << 20)
			sizes[i] = (size_t)8 << 20;
	scratch = malloc(8 << 20);
	signal(SIGPIPE, SIG_IGN);

	printf("# round trip: SIZE-byte request, %d-byte reply, %d iterations after %d warm-up\n",
	       REPLY_SIZE, iterations, WARMUP);
	printf("%-12s %9s %10s %10s %10s %10s\n", "mechanism", "size",
	       "mean_us", "p50_us", "p99_us", "p99.9_us");
	for (i = 0; i < nsizes; i++) {
		for (j = 0; j < sizeof(mechanisms) / sizeof(mechanisms[0]); j++) {
			if (measure(&mechanisms[j], sizes[i], iterations, &r)) {
				printf("%-12s %9zu FAILED\n", mechanisms[j].name,
				       sizes[i]);
				failed++;
				continue;
			}
			printf("%-12s %9zu %10.2f %10.2f %10.2f %10.2f\n",
			       mechanisms[j].name, sizes[i], r.mean, r.p50,
			       r.p99, r.p999);
		}
	}
	return failed ? 1 : 0;
}
