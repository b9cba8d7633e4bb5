// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sipc/failures: failed transactions as they happen. A reader gets
 * the header, then blocks (or EAGAIN, or poll) until a failure; sees only
 * the rows it may see; is told how many it lost when it fell behind; gets
 * EOF when its instance goes. sipcctl watch prints them.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define FAILURES	"/proc/sipc/failures"
#define LOG_SIZE	"/sys/module/sipc/parameters/log_size"
#define NO_HANDLE	0x7777

static int open_failures(const char *path, int flags)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);

	if (fd < 0)
		return -errno;
	/* The header first, at once. */
	if (read(fd, buf, sizeof(buf)) <= 0 || strncmp(buf, "id time_ns", 10)) {
		close(fd);
		return -EPROTO;
	}
	return fd;
}

/* A call to a handle that does not exist: one failure, bad_handle. */
static int fail_once(const struct st_ctx *c)
{
	struct sipc_event ev;

	return st_call(c->fd, NO_HANDLE, 42, "x", 1, NULL, 0, &ev) == -ENOENT ?
	       0 : -1;
}

static ssize_t read_some(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	return n < 0 ? -errno : n;
}

FIXTURE(watch) {
	struct st_ctx c;
};

FIXTURE_SETUP(watch)
{
	if (access(FAILURES, R_OK))
		SKIP(return, "no %s", FAILURES);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

FIXTURE_TEARDOWN(watch)
{
	st_close(&self->c);
}

TEST_F(watch, nothing_new_is_eagain)
{
	char buf[512];
	int fd = open_failures(FAILURES, O_NONBLOCK);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EAGAIN, read_some(fd, buf, sizeof(buf)));
	close(fd);
}

TEST_F(watch, failure_is_polled_and_read)
{
	struct pollfd p = { .events = POLLIN };
	char buf[512], want[64];
	int fd = open_failures(FAILURES, O_NONBLOCK);

	ASSERT_LE(0, fd);
	p.fd = fd;
	EXPECT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(0, fail_once(&self->c));
	ASSERT_EQ(1, poll(&p, 1, 2000));
	ASSERT_LT(0, read_some(fd, buf, sizeof(buf)));
	snprintf(want, sizeof(want), " call %d %d ", getpid(), getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, " 30583 42 1 0 0 bad_handle\n"))
		TH_LOG("%s", buf);
	EXPECT_EQ(-EAGAIN, read_some(fd, buf, sizeof(buf)));
	close(fd);
}

struct blocked {
	int fd;
	ssize_t n;
	char buf[512];
};

static void *read_blocking(void *arg)
{
	struct blocked *b = arg;

	b->n = read_some(b->fd, b->buf, sizeof(b->buf));
	return NULL;
}

TEST_F(watch, blocked_reader_wakes)
{
	struct blocked b = { .fd = open_failures(FAILURES, 0) };
	pthread_t t;

	ASSERT_LE(0, b.fd);
	ASSERT_EQ(0, pthread_create(&t, NULL, read_blocking, &b));
	usleep(100000);
	ASSERT_EQ(0, fail_once(&self->c));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_LT(0, b.n);
	EXPECT_NE(NULL, strstr(b.buf, "bad_handle")) TH_LOG("%s", b.buf);
	close(b.fd);
}

static int child_sees_own_only(void *arg)
{
	const char *path = arg;
	struct st_ctx c;
	char buf[512];
	int fd;

	CK(!setgid(65534) && !setuid(65534));
	fd = open_failures(path, O_NONBLOCK);
	CK(fd >= 0);
	CK(!st_open(&c, ST_AREA));
	/* Tell the parent, then let its failure come and go unseen. */
	CK(write(1, "r", 1) == 1);
	usleep(300000);
	CK(read_some(fd, buf, sizeof(buf)) == -EAGAIN);
	CK(!fail_once(&c));
	CK(read_some(fd, buf, sizeof(buf)) > 0);
	CK(strstr(buf, "bad_handle"));
	close(fd);
	st_close(&c);
	return 0;
}

/* Another user's failures are not shown: only one's own. */
TEST_F(watch, other_users_hidden)
{
	int pipefd[2], saved;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	saved = dup(1);
	dup2(pipefd[1], 1);
	pid = st_fork(child_sees_own_only, FAILURES);
	dup2(saved, 1);
	close(saved);
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ(0, fail_once(&self->c));
	EXPECT_EQ(0, st_reap(pid));
	close(pipefd[0]);
}

TEST_F(watch, behind_reader_told_how_many_lost)
{
	FILE *f = fopen(LOG_SIZE, "r");
	int size = 0, i, fd;
	char buf[512];

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%d", &size));
	fclose(f);
	fd = open_failures(FAILURES, O_NONBLOCK);
	ASSERT_LE(0, fd);
	for (i = 0; i < size + 5; i++)
		ASSERT_EQ(0, fail_once(&self->c));
	ASSERT_LT(0, read_some(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "# 5 lost\n", 9)) TH_LOG("%s", buf);
	close(fd);
}

static int control(unsigned long cmd, const char *name)
{
	struct sipc_instance inst = { { 0 } };
	int fd = open("/dev/sipc-control", O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	strncpy(inst.name, name, sizeof(inst.name) - 1);
	ret = ioctl(fd, cmd, &inst) ? -errno : 0;
	close(fd);
	return ret;
}

/* A reader blocked on an instance's file ends when the instance goes. */
TEST_F(watch, ends_with_its_instance)
{
	struct blocked b;
	pthread_t t;

	control(SIPC_CTL_REMOVE_INSTANCE, "watchtest");
	ASSERT_EQ(0, control(SIPC_CTL_ADD_INSTANCE, "watchtest"));
	b.fd = open_failures("/proc/sipc/instances/watchtest/failures", 0);
	ASSERT_LE(0, b.fd);
	ASSERT_EQ(0, pthread_create(&t, NULL, read_blocking, &b));
	usleep(100000);
	EXPECT_EQ(0, control(SIPC_CTL_REMOVE_INSTANCE, "watchtest"));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, b.n);
	close(b.fd);
}

/* sipcctl watch -n 1: the one failure, printed as it happens. */
TEST_F(watch, sipcctl_prints_it)
{
	int out[2], i, got = 0;
	char buf[1024];
	size_t len = 0;
	pid_t pid;

	if (access("/usr/bin/sipcctl", X_OK))
		SKIP(return, "no sipcctl");
	ASSERT_EQ(0, pipe(out));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		dup2(out[1], 1);
		execl("/usr/bin/sipcctl", "sipcctl", "watch", "-n", "1",
		      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	/* It starts at the end: fail until it has seen one. */
	for (i = 0; i < 50 && !got; i++) {
		ssize_t n;

		ASSERT_EQ(0, fail_once(&self->c));
		usleep(100000);
		n = read(out[0], buf + len, sizeof(buf) - 1 - len);
		if (n > 0)
			len += n;
		buf[len] = 0;
		got = !!strstr(buf, "bad_handle");
	}
	EXPECT_TRUE(got) TH_LOG("%s", buf);
	EXPECT_EQ(0, st_reap_timeout(pid, 5000));
	close(out[0]);
}

TEST_HARNESS_MAIN
