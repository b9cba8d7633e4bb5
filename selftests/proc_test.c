// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sipc and the tracepoints: known traffic in, exactly that traffic
 * out. Every test runs alone in the VM, so counter deltas are exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sipc_test.h"
#include "kselftest_harness.h"

#define AREA (1 << 20)
#define TRACEFS "/sys/kernel/tracing"

/* The value of "key: value" in a /proc/sipc file, or -1. */
static long long proc_value(const char *file, const char *key)
{
	char line[256], path[128];
	size_t len = strlen(key);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sipc/%s", file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			v = atoll(line + len + 1);
	fclose(f);
	return v;
}

static long long stat_of(const char *key)
{
	return proc_value("stats", key);
}

/* Read a whole file into a fresh string. */
static char *slurp(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/* The state table's line for @pid, split into its columns. */
static int state_row(pid_t pid, long long *cols, int max)
{
	char *text = slurp("/proc/sipc/state"), *line, *save, comm[64];
	int n = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		long long v[16];
		int got = sscanf(line, "%lld %63s %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
				 &v[0], comm, &v[1], &v[2], &v[3], &v[4], &v[5],
				 &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
				 &v[12], &v[13]);

		if (got == 15 && v[0] == pid) {
			n = max < 14 ? max : 14;
			memcpy(cols, v, n * sizeof(*cols));
			break;
		}
	}
	free(text);
	return n;
}

/* Columns of /proc/sipc/state after pid and comm. */
enum { C_PID, C_THREADS, C_WAITING, C_BUSY, C_NODES, C_HANDLES, C_AREA,
       C_IN_USE, C_FREE_BLOCKS, C_LARGEST, C_ONEWAY, C_PENDING, C_SENT,
       C_RECEIVED };

TEST(stats_counts_calls_and_bytes)
{
	long long calls = stat_of("calls"), replies = stat_of("replies");
	long long bytes = stat_of("bytes_copied");
	unsigned char payload[100];
	struct st_ctx c;
	pid_t srv;
	int i;

	ASSERT_GE(calls, 0);
	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	ASSERT_EQ(st_open(&c, AREA), 0);
	for (i = 0; i < 25; i++)
		ASSERT_EQ(st_simple(c.fd, 0, ST_ECHO, payload, sizeof(payload)),
			  ST_ECHO_STATUS(sizeof(payload)));
	ASSERT_EQ(st_quit(c.fd, 0), 0);
	ASSERT_EQ(st_reap(srv), 0);
	st_close(&c);
	/* 25 echoes and one quit, each a call and a reply of the same size. */
	EXPECT_EQ(stat_of("calls") - calls, 26);
	EXPECT_EQ(stat_of("replies") - replies, 26);
	EXPECT_EQ(stat_of("bytes_copied") - bytes, 25 * 2 * sizeof(payload));
}

TEST(stats_count_errors_by_kind)
{
	long long bad = stat_of("errors_bad_handle");
	long long dead = stat_of("errors_dead_target");
	long long input = stat_of("errors_bad_input");
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.send_flags = SIPC_SEND_GATHER << 1,
	};
	struct st_ctx c;
	int i;

	ASSERT_EQ(st_open(&c, AREA), 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(st_simple(c.fd, 77, 1, NULL, 0), -ENOENT);
	/* Nobody claimed handle 0 in this test: a dead target. */
	EXPECT_EQ(st_simple(c.fd, 0, 1, NULL, 0), -ESRCH);
	EXPECT_EQ(st_simple(c.fd, 0, 2, NULL, 0), -ESRCH);
	EXPECT_EQ(st_transact(c.fd, &tr), -EINVAL);
	st_close(&c);
	EXPECT_EQ(stat_of("errors_bad_handle") - bad, 3);
	EXPECT_EQ(stat_of("errors_dead_target") - dead, 2);
	EXPECT_EQ(stat_of("errors_bad_input") - input, 1);
}

TEST(nothing_in_use_after_exit)
{
	static const char * const keys[] = {
		"procs_in_use", "threads_in_use", "nodes_in_use",
		"handles_in_use", "death_notices_in_use",
		"transactions_in_use", "buffers_in_use", "pages_in_use",
	};
	struct st_ctx c;
	unsigned int i;
	pid_t srv;

	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	ASSERT_EQ(st_open(&c, AREA), 0);
	/* Leave a held buffer and a handle behind in the server. */
	ASSERT_EQ(st_simple(c.fd, 0, ST_HOLD, "x", 1), 1);
	EXPECT_GT(stat_of("buffers_in_use"), 0);
	EXPECT_EQ(stat_of("procs_in_use"), 2);
	kill(srv, SIGKILL);
	st_reap(srv);
	st_close(&c);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		long long v = stat_of(keys[i]);

		if (v)
			fprintf(stderr, "# %s: %lld\n", keys[i], v);
		EXPECT_EQ(v, 0);
	}
}

TEST(state_shows_each_process)
{
	long long row[14];
	struct st_ctx c;
	pid_t srv;
	int i;

	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	ASSERT_EQ(st_open(&c, AREA), 0);
	ASSERT_EQ(st_node_create(c.fd, 10), 0);
	ASSERT_EQ(st_node_create(c.fd, 11), 0);
	ASSERT_EQ(st_simple(c.fd, 0, ST_HOLD, "abc", 3), 1);
	ASSERT_EQ(state_row(getpid(), row, 14), 14);
	EXPECT_EQ(row[C_NODES], 2);
	EXPECT_EQ(row[C_HANDLES], 0);
	EXPECT_EQ(row[C_THREADS], 1);
	EXPECT_EQ(row[C_AREA], AREA);
	EXPECT_EQ(row[C_IN_USE], 0);
	EXPECT_EQ(row[C_SENT], 1);
	EXPECT_EQ(row[C_RECEIVED], 0);

	/* The server holds the request: bytes in use, one free block left. */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(state_row(srv, row, 14), 14);
		if (row[C_WAITING] == 1)
			break;
		/* It replied; it may not be back in its wait yet. */
		usleep(10 * 1000);
	}
	EXPECT_EQ(row[C_IN_USE], 8);
	EXPECT_EQ(row[C_FREE_BLOCKS], 1);
	EXPECT_EQ(row[C_LARGEST], AREA - 8);
	EXPECT_EQ(row[C_RECEIVED], 1);
	EXPECT_EQ(row[C_WAITING], 1);
	EXPECT_EQ(row[C_NODES], 1);

	ASSERT_EQ(st_quit(c.fd, 0), 0);
	ASSERT_EQ(st_reap(srv), 0);
	st_close(&c);
	EXPECT_EQ(state_row(getpid(), row, 14), -1);
}

TEST(detail_lists_nodes_handles_buffers)
{
	char path[64], *text, want[64];
	struct st_ctx c;
	pid_t srv;

	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	ASSERT_EQ(st_open(&c, AREA), 0);
	ASSERT_EQ(st_node_create(c.fd, 0xabc), 0);
	ASSERT_EQ(st_simple(c.fd, 0, ST_HOLD, "abcdef", 6), 1);
	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", getpid());
	text = slurp(path);
	ASSERT_NE(text, NULL);
	EXPECT_NE(strstr(text, "node: cookie=0xabc handles=0"), NULL);
	snprintf(want, sizeof(want), "pid: %d\n", getpid());
	EXPECT_NE(strstr(text, want), NULL);
	free(text);

	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", srv);
	text = slurp(path);
	ASSERT_NE(text, NULL);
	EXPECT_NE(strstr(text, "buffer: offset=0 size=8 data_size=6 objects=0 state=delivered"), NULL) TH_LOG("%s", text);
	free(text);
	ASSERT_EQ(st_quit(c.fd, 0), 0);
	ASSERT_EQ(st_reap(srv), 0);
	st_close(&c);
	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", getpid());
	EXPECT_EQ(access(path, F_OK), -1);
}

/*
 * The detail file may be opened by anyone; it prints only the contexts its
 * reader may see (README.md, "/proc/sipc"), so someone else's is empty.
 */
TEST(detail_shows_others_nothing)
{
	char path[64];
	struct stat st;
	struct st_ctx c;
	pid_t child;
	int status;

	ASSERT_EQ(st_open(&c, AREA), 0);
	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", getpid());
	ASSERT_EQ(stat(path, &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0444);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		char *text;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		text = slurp(path);
		if (!text || strstr(text, "context:"))
			_exit(3);
		if (access("/proc/sipc/stats", R_OK) ||
		    access("/proc/sipc/state", R_OK))
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(waitpid(child, &status, 0), child);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	st_close(&c);
}

TEST(transactions_show_calls_in_flight)
{
	__u32 ms = 1500;
	char *text, want[96];
	struct st_ctx c;
	pid_t srv, client;

	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	client = fork();
	ASSERT_GE(client, 0);
	if (!client) {
		CK(st_open(&c, AREA) == 0);
		CK(st_simple(c.fd, 0, ST_SLEEP, &ms, sizeof(ms)) == (int)ms);
		_exit(0);
	}
	usleep(500 * 1000);
	text = slurp("/proc/sipc/transactions");
	ASSERT_NE(text, NULL);
	snprintf(want, sizeof(want), " %d %d %d ", client, client, srv);
	EXPECT_NE(strstr(text, want), NULL) TH_LOG("%s", text);
	snprintf(want, sizeof(want), " %u %zu ", ST_SLEEP, sizeof(ms));
	EXPECT_NE(strstr(text, want), NULL) TH_LOG("%s", text);
	EXPECT_NE(strstr(text, "call serving"), NULL) TH_LOG("%s", text);
	free(text);
	ASSERT_EQ(st_reap(client), 0);
	text = slurp("/proc/sipc/transactions");
	ASSERT_NE(text, NULL);
	EXPECT_EQ(strstr(text, "call serving"), NULL);
	free(text);
	ASSERT_EQ(st_open(&c, AREA), 0);
	ASSERT_EQ(st_quit(c.fd, 0), 0);
	ASSERT_EQ(st_reap(srv), 0);
	st_close(&c);
}

/* The last line of a log, split at spaces into @f. */
static int last_log_line(const char *file, char f[][32], int max)
{
	char path[64], *text, *last = NULL, *line, *save;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/sipc/%s", file);
	text = slurp(path);
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		last = line;
	for (line = last ? strtok_r(last, " ", &save) : NULL;
	     line && n < max; line = strtok_r(NULL, " ", &save))
		snprintf(f[n++], 32, "%s", line);
	free(text);
	return n;
}

/* id time duration kind from_pid from_tid to_pid to_tid handle code size
 * reply_size objects reason
 */
TEST(logs_record_completed_and_failed)
{
	unsigned char payload[40] = { 1 };
	struct st_ctx c;
	char f[16][32];
	pid_t srv;

	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	ASSERT_EQ(st_open(&c, AREA), 0);
	ASSERT_EQ(st_simple(c.fd, 0, ST_ECHO, payload, sizeof(payload)),
		  ST_ECHO_STATUS(sizeof(payload)));
	ASSERT_EQ(last_log_line("transaction_log", f, 16), 14);
	EXPECT_STREQ(f[3], "call");
	EXPECT_EQ(atoi(f[4]), getpid());
	EXPECT_EQ(atoi(f[6]), srv);
	EXPECT_EQ(atoi(f[9]), ST_ECHO);
	EXPECT_EQ(atoi(f[10]), sizeof(payload));
	EXPECT_EQ(atoi(f[11]), sizeof(payload));
	EXPECT_STREQ(f[13], "ok");

	EXPECT_EQ(st_simple(c.fd, 4242, 9, NULL, 0), -ENOENT);
	ASSERT_EQ(last_log_line("failed_transaction_log", f, 16), 14);
	EXPECT_EQ(atoi(f[8]), 4242);
	EXPECT_EQ(atoi(f[9]), 9);
	EXPECT_STREQ(f[13], "bad_handle");

	kill(srv, SIGKILL);
	st_reap(srv);
	EXPECT_EQ(st_simple(c.fd, 0, 3, NULL, 0), -ESRCH);
	ASSERT_EQ(last_log_line("failed_transaction_log", f, 16), 14);
	EXPECT_STREQ(f[13], "dead_target");
	st_close(&c);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

TEST(tracepoints_fire)
{
	static const char * const events[] = {
		"sipc_send:", "sipc_receive:", "sipc_reply:", "sipc_failed:",
		"sipc_buffer_alloc:", "sipc_buffer_free:",
	};
	struct st_ctx c;
	unsigned int i;
	char *trace;
	pid_t srv;

	if (access(TRACEFS "/events/sipc/enable", W_OK))
		SKIP(return, "no tracefs with sipc events");
	ASSERT_EQ(write_file(TRACEFS "/trace", ""), 0);
	ASSERT_EQ(write_file(TRACEFS "/events/sipc/enable", "1"), 0);
	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	ASSERT_EQ(st_open(&c, AREA), 0);
	ASSERT_EQ(st_simple(c.fd, 0, ST_ECHO, "hi", 2), ST_ECHO_STATUS(2));
	EXPECT_EQ(st_simple(c.fd, 999, 7, NULL, 0), -ENOENT);
	ASSERT_EQ(st_quit(c.fd, 0), 0);
	ASSERT_EQ(st_reap(srv), 0);
	st_close(&c);
	ASSERT_EQ(write_file(TRACEFS "/events/sipc/enable", "0"), 0);
	trace = slurp(TRACEFS "/trace");
	ASSERT_NE(trace, NULL);
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (!strstr(trace, events[i]))
			fprintf(stderr, "# no %s event\n", events[i]);
		EXPECT_NE(strstr(trace, events[i]), NULL);
	}
	EXPECT_NE(strstr(trace, "handle=999 code=7 error=-2"), NULL);
	EXPECT_NE(strstr(trace, "code=1 size=2"), NULL);
	free(trace);
}

/*
 * The pids of the state table's rows (up to @max), or -2 if a row does not
 * have its 15 columns: what a forged row or column looks like.
 */
static int state_pids(pid_t *pids, int max)
{
	char *text = slurp("/proc/sipc/state"), *line, *save;
	int n = 0;

	if (!text)
		return -1;
	strtok_r(text, "\n", &save);
	for (line = strtok_r(NULL, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		pid_t pid = atoi(line);
		char *f, *fsave;
		int cols = 0;

		for (f = strtok_r(line, " ", &fsave); f;
		     f = strtok_r(NULL, " ", &fsave))
			cols++;
		if (cols != 15) {
			free(text);
			return -2;
		}
		if (n < max)
			pids[n] = pid;
		n++;
	}
	free(text);
	return n;
}

/* Rows of a log whose from_pid or to_pid is @pid. */
static int log_rows_of(const char *file, pid_t pid)
{
	char path[64], *text, *line, *save;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/sipc/%s", file);
	text = slurp(path);
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int from, to;

		if (sscanf(line, "%*u %*u %*u %*s %d %*d %d", &from, &to) == 2 &&
		    (from == pid || to == pid))
			n++;
	}
	free(text);
	return n;
}

TEST(comm_cannot_forge_rows)
{
	char path[64], *text;
	pid_t pids[64];
	struct st_ctx c;
	int n, i;

	/* A newline and spaces: unescaped, a second row and extra columns. */
	ASSERT_EQ(prctl(PR_SET_NAME, "a b\n4242 x"), 0);
	ASSERT_EQ(st_open(&c, AREA), 0);
	n = state_pids(pids, 64);
	ASSERT_GE(n, 1);
	for (i = 0; i < n && i < 64; i++)
		EXPECT_NE(pids[i], 4242);
	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", getpid());
	text = slurp(path);
	ASSERT_NE(text, NULL);
	EXPECT_NE(strstr(text, "\ncomm: a\\040b\\0124242\\040x\n"), NULL)
		TH_LOG("%s", text);
	free(text);
	st_close(&c);
}

/* Inside a pid namespace: its own pids, and nothing from outside. */
static int pidns_reader(pid_t outside)
{
	struct st_ctx c;
	char f[16][32];
	pid_t pids[64];

	CK(getpid() == 1);
	CK(st_open(&c, AREA) == 0);
	CK(state_pids(pids, 64) == 1);
	CK(pids[0] == 1);
	CK(st_simple(c.fd, 4243, 5, NULL, 0) == -ENOENT);
	CK(last_log_line("failed_transaction_log", f, 16) == 14);
	CK(atoi(f[4]) == 1 && atoi(f[8]) == 4243);
	CK(log_rows_of("failed_transaction_log", outside) == 0);
	st_close(&c);
	return 0;
}

TEST(pid_namespace_sees_only_its_own)
{
	pid_t child, outside = getpid();
	struct st_ctx c;
	int status;

	/* A context and a logged failure outside the namespace. */
	ASSERT_EQ(st_open(&c, AREA), 0);
	EXPECT_EQ(st_simple(c.fd, 4244, 5, NULL, 0), -ENOENT);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		pid_t inner;

		CK(unshare(CLONE_NEWPID) == 0);
		inner = fork();
		CK(inner >= 0);
		if (!inner)
			_exit(pidns_reader(outside));
		CK(waitpid(inner, &status, 0) == inner);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	ASSERT_EQ(waitpid(child, &status, 0), child);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	st_close(&c);
}

TEST(unprivileged_reader_sees_only_its_own)
{
	struct st_ctx c;
	pid_t child, pids[64];
	int status, n, i, mine = 0;

	ASSERT_EQ(st_open(&c, AREA), 0);
	EXPECT_EQ(st_simple(c.fd, 4245, 5, NULL, 0), -ENOENT);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct st_ctx own;
		pid_t p[64];

		CK(setgid(65534) == 0 && setuid(65534) == 0);
		CK(st_open(&own, AREA) == 0);
		CK(state_pids(p, 64) == 1);
		CK(p[0] == getpid());
		CK(st_simple(own.fd, 4246, 5, NULL, 0) == -ENOENT);
		CK(log_rows_of("failed_transaction_log", getpid()) >= 1);
		CK(log_rows_of("failed_transaction_log", getppid()) == 0);
		_exit(0);
	}
	ASSERT_EQ(waitpid(child, &status, 0), child);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	/* Root still sees everyone's. */
	n = state_pids(pids, 64);
	for (i = 0; i < n && i < 64; i++)
		mine += pids[i] == getpid();
	EXPECT_EQ(mine, 1);
	EXPECT_GE(log_rows_of("failed_transaction_log", child), 1);
	st_close(&c);
}

/* Two contexts of one process, opened by root and then by nobody. */
static int two_owners(int ready, int go)
{
	struct st_ctx a, b;
	char path[64], *text, x;

	CK(st_open(&a, AREA) == 0);
	CK(st_node_create(a.fd, 0xa0a) == 0);
	CK(setresgid(65534, 65534, 65534) == 0);
	CK(setresuid(65534, 65534, 65534) == 0);
	CK(st_open(&b, AREA) == 0);
	CK(st_node_create(b.fd, 0xb0b) == 0);
	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", getpid());
	text = slurp(path);
	CK(text);
	CK(strstr(text, "cookie=0xb0b"));
	CK(!strstr(text, "cookie=0xa0a"));
	free(text);
	CK(write(ready, "r", 1) == 1);
	CK(read(go, &x, 1) == 1);
	return 0;
}

TEST(detail_checks_the_owner_of_each_context)
{
	int ready[2], go[2], status;
	char path[64], *text, x;
	pid_t child;

	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child)
		_exit(two_owners(ready[1], go[0]));
	close(ready[1]);
	if (read(ready[0], &x, 1) == 1) {
		snprintf(path, sizeof(path), "/proc/sipc/proc/%d", child);
		text = slurp(path);
		ASSERT_NE(text, NULL);
		EXPECT_NE(strstr(text, "cookie=0xa0a"), NULL);
		EXPECT_NE(strstr(text, "cookie=0xb0b"), NULL);
		free(text);
	}
	EXPECT_EQ(write(go[1], "g", 1), 1);
	ASSERT_EQ(waitpid(child, &status, 0), child);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

/* One-ways of @code in the transactions table, -1 unless ids increase. */
static int oneways_queued(__u32 code)
{
	char *text = slurp("/proc/sipc/transactions"), *line, *save;
	unsigned long long id, last = 0;
	int n = 0;
	__u32 c;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, " oneway ") ||
		    sscanf(line, "%llu %*d %*d %*d %*d %u", &id, &c) != 2 ||
		    c != code)
			continue;
		if (id <= last)
			n = -1000;
		last = id;
		n++;
	}
	free(text);
	return n;
}

/* Many more than one batch, read by three at once: each sees them all. */
TEST(transactions_shown_across_batches)
{
	__u32 ms = 3000, zero = 0;
	pid_t client, readers[2];
	struct st_ctx c;
	int i, status;
	pid_t srv;

	srv = st_server_start(AREA, 0, 1);
	ASSERT_GT(srv, 0);
	client = fork();
	ASSERT_GE(client, 0);
	if (!client) {
		CK(st_open(&c, AREA) == 0);
		CK(st_simple(c.fd, 0, ST_SLEEP, &ms, sizeof(ms)) == (int)ms);
		_exit(0);
	}
	usleep(300 * 1000);
	ASSERT_EQ(st_open(&c, AREA), 0);
	/* The server sleeps: they queue behind its call. */
	for (i = 0; i < 100; i++)
		ASSERT_EQ(st_oneway(c.fd, 0, ST_SLEEP, &zero, sizeof(zero),
				    NULL, 0), 0);
	for (i = 0; i < 2; i++) {
		readers[i] = fork();
		ASSERT_GE(readers[i], 0);
		if (!readers[i]) {
			int j;

			for (j = 0; j < 5; j++)
				CK(oneways_queued(ST_SLEEP) == 100);
			_exit(0);
		}
	}
	for (i = 0; i < 5; i++)
		EXPECT_EQ(oneways_queued(ST_SLEEP), 100);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(waitpid(readers[i], &status, 0), readers[i]);
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	ASSERT_EQ(st_reap(client), 0);
	ASSERT_EQ(st_quit(c.fd, 0), 0);
	ASSERT_EQ(st_reap(srv), 0);
	st_close(&c);
}

TEST_HARNESS_MAIN
