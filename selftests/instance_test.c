// SPDX-License-Identifier: GPL-2.0
/*
 * Isolated instances: /dev/sipc-<name> devices made and removed at run
 * time through /dev/sipc-control, each with its own context manager,
 * handles and statistics; nothing one instance hands out means anything
 * in another.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sipc.h>

#include "kselftest_harness.h"

#define CONTROL "/dev/sipc-control"
#define AREA (1 << 20)

static int control(unsigned long cmd, const char *name)
{
	struct sipc_instance inst = { { 0 } };
	int fd = open(CONTROL, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	/* A name as long as the field goes without its NUL, as given. */
	memcpy(inst.name, name, strlen(name) < sizeof(inst.name) ?
	       strlen(name) : sizeof(inst.name));
	ret = ioctl(fd, cmd, &inst) ? -errno : 0;
	close(fd);
	return ret;
}

static int add(const char *name)
{
	return control(SIPC_CTL_ADD_INSTANCE, name);
}

static int del(const char *name)
{
	return control(SIPC_CTL_REMOVE_INSTANCE, name);
}

static void *areas[256];

/* Open and map a device; the fd or -errno. */
static int open_mapped(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *area;

	if (fd < 0)
		return -errno;
	area = mmap(NULL, AREA, PROT_READ, MAP_SHARED, fd, 0);
	if (area == MAP_FAILED || fd >= 256) {
		close(fd);
		return -EMFILE;
	}
	areas[fd] = area;
	return fd;
}

/* The mapping holds the file too: both must go for the device to close. */
static void close_mapped(int fd)
{
	munmap(areas[fd], AREA);
	close(fd);
}

static int claim(int fd, __u64 cookie)
{
	struct sipc_node_info info = { .cookie = cookie };

	return ioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &info) ? -errno : 0;
}

/* A call to @handle with no payload: 0 once a reply came, or -errno. */
static int call(int fd, __u32 handle, struct sipc_event *ev)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.handle = handle,
	};

	if (ioctl(fd, SIPC_IOC_TRANSACT, &tr))
		return -errno;
	*ev = tr.ev;
	return 0;
}

/* Serve one call on @fd, replying with the target's cookie as status. */
static int serve_one(int fd)
{
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };

	__u64 request;

	if (ioctl(fd, SIPC_IOC_TRANSACT, &tr) ||
	    tr.ev.type != SIPC_EV_TRANSACTION)
		return -1;
	request = tr.ev.data;
	memset(&tr, 0, sizeof(tr));
	tr.free_buffer = request;
	tr.send_op = SIPC_SEND_REPLY;
	tr.code = 0;
	return ioctl(fd, SIPC_IOC_TRANSACT, &tr) ? -errno : 0;
}

static long long stat_of(const char *dir, const char *key)
{
	char path[128], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stats", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) &&
		    line[strlen(key)] == ':')
			v = atoll(line + strlen(key) + 1);
	fclose(f);
	return v;
}

TEST(control_is_root_only)
{
	struct stat st;

	ASSERT_EQ(stat(CONTROL, &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0600);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(add_and_remove)
{
	struct stat st;

	ASSERT_EQ(add("t1"), 0);
	EXPECT_EQ(stat("/dev/sipc-t1", &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0666);
	EXPECT_EQ(access("/proc/sipc/instances/t1/stats", R_OK), 0);
	EXPECT_EQ(access("/proc/sipc/instances/t1/state", R_OK), 0);
	EXPECT_EQ(add("t1"), -EEXIST);
	ASSERT_EQ(del("t1"), 0);
	EXPECT_EQ(access("/dev/sipc-t1", F_OK), -1);
	EXPECT_EQ(access("/proc/sipc/instances/t1", F_OK), -1);
	EXPECT_EQ(del("t1"), -ENOENT);
	/* A removed name can come back. */
	ASSERT_EQ(add("t1"), 0);
	ASSERT_EQ(del("t1"), 0);
}

TEST(bad_names)
{
	static const char * const bad[] = {
		"", "Upper", "a/b", "a.b", "control", "sp ace",
		"0123456789012345678901234567890123",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(add(bad[i]), -EINVAL);
		EXPECT_EQ(del(bad[i]), -EINVAL);
	}
	EXPECT_EQ(add("ok-name_9"), 0);
	EXPECT_EQ(del("ok-name_9"), 0);
}

TEST(busy_while_open)
{
	int fd;

	ASSERT_EQ(add("busy"), 0);
	fd = open_mapped("/dev/sipc-busy");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(del("busy"), -EBUSY);
	/* Still fully usable. */
	EXPECT_EQ(claim(fd, 1), 0);
	close_mapped(fd);
	EXPECT_EQ(del("busy"), 0);
}

TEST(unprivileged_refused)
{
	int fd, status;
	pid_t pid;

	fd = open(CONTROL, O_RDWR);
	ASSERT_GE(fd, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct sipc_instance inst = { .name = "evil" };

		if (setgid(65534) || setuid(65534))
			_exit(2);
		/* Not even the device; and a root-opened fd is not enough. */
		if (open(CONTROL, O_RDWR) >= 0 || errno != EACCES)
			_exit(3);
		if (!ioctl(fd, SIPC_CTL_ADD_INSTANCE, &inst) || errno != EPERM)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	close(fd);
	EXPECT_EQ(access("/dev/sipc-evil", F_OK), -1);
}

/*
 * Each instance has its own handle 0: a client of t2 reaches t2's manager
 * even while /dev/sipc has one, and the counters move apart.
 */
TEST(context_managers_are_separate)
{
	const char *t2 = "/proc/sipc/instances/t2";
	long long calls_default, calls_t2;
	int mgr_default, client, status, ready[2];
	static struct sipc_event ev;
	pid_t server;
	char c;

	ASSERT_EQ(add("t2"), 0);
	mgr_default = open_mapped("/dev/sipc");
	ASSERT_GE(mgr_default, 0);
	ASSERT_EQ(claim(mgr_default, 1), 0);
	calls_default = stat_of("/proc/sipc", "calls");
	calls_t2 = stat_of(t2, "calls");
	ASSERT_EQ(pipe(ready), 0);

	server = fork();
	ASSERT_GE(server, 0);
	if (!server) {
		int fd = open_mapped("/dev/sipc-t2");

		/* Claimed on /dev/sipc, still free on t2. */
		if (fd < 0 || claim(fd, 2) || write(ready[1], "r", 1) != 1)
			_exit(1);
		_exit(serve_one(fd) ? 1 : 0);
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	client = open_mapped("/dev/sipc-t2");
	ASSERT_GE(client, 0);
	ASSERT_EQ(call(client, 0, &ev), 0);
	EXPECT_EQ(ev.type, SIPC_EV_REPLY);
	ASSERT_EQ(waitpid(server, &status, 0), server);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(stat_of(t2, "calls") - calls_t2, 1);
	EXPECT_EQ(stat_of("/proc/sipc", "calls") - calls_default, 0);
	close_mapped(client);
	close_mapped(mgr_default);
	EXPECT_EQ(del("t2"), 0);
}

/*
 * Claim handle 0 of @path as @uid, no capability left, and let it go
 * again (the process exits): 0 or the errno. A slot the last claimer is
 * still letting go of is EBUSY for a moment: that is retried.
 */
static int claim_as(const char *path, uid_t uid)
{
	int status, ret = -1, i;
	pid_t pid;

	for (i = 0; i < 200; i++) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (!pid) {
			int fd;

			if (setgid(uid) || setuid(uid))
				_exit(100);
			fd = open_mapped(path);
			_exit(fd < 0 ? 101 : -claim(fd, 1));
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return -1;
		ret = WEXITSTATUS(status);
		if (ret != EBUSY)
			break;
		usleep(10000);
	}
	return ret;
}

/*
 * With context_mgr_uid unset, handle 0 of a device belongs to the uid
 * that claimed it first, for the device's lifetime: once its manager
 * is gone (restarting, say), another uid cannot take the slot; the same
 * uid can, and so can root.
 */
TEST(context_manager_pinned_to_first_claimer)
{
	int fd;

	ASSERT_EQ(add("pin"), 0);
	EXPECT_EQ(claim_as("/dev/sipc-pin", 65534), 0);
	EXPECT_EQ(claim_as("/dev/sipc-pin", 1000), EPERM);
	EXPECT_EQ(claim_as("/dev/sipc-pin", 65534), 0);
	fd = open_mapped("/dev/sipc-pin");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(claim(fd, 2), 0);
	close_mapped(fd);
	EXPECT_EQ(del("pin"), 0);
}

/* A handle obtained on one instance names nothing on another. */
TEST(handles_do_not_cross)
{
	struct sipc_object obj = { .type = SIPC_OBJ_NODE, .cookie = 77 };
	struct sipc_node_info node = { .cookie = 77 };
	__u64 off = 0;
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_ONEWAY,
		.data = (uintptr_t)&obj,
		.data_size = sizeof(obj),
		.offsets = (uintptr_t)&off,
		.offsets_count = 1,
	};
	int a, b, other;
	__u32 handle;

	ASSERT_EQ(add("t3"), 0);
	a = open_mapped("/dev/sipc-t3");
	b = open_mapped("/dev/sipc-t3");
	other = open_mapped("/dev/sipc");
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_GE(other, 0);
	/* b is t3's manager; a sends it a node, which b gets as a handle. */
	ASSERT_EQ(claim(b, 9), 0);
	ASSERT_EQ(ioctl(a, SIPC_IOC_NODE_CREATE, &node), 0);
	ASSERT_EQ(ioctl(a, SIPC_IOC_TRANSACT, &tr), 0);
	memset(&tr, 0, sizeof(tr));
	tr.recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK;
	ASSERT_EQ(ioctl(b, SIPC_IOC_TRANSACT, &tr), 0);
	ASSERT_EQ(tr.ev.type, SIPC_EV_TRANSACTION);
	handle = ((const struct sipc_object *)(uintptr_t)tr.ev.data)->handle;
	EXPECT_GT(handle, 0);
	EXPECT_EQ(ioctl(b, SIPC_IOC_ACQUIRE, &handle), 0);
	/* The same number on the other instance is no handle at all. */
	EXPECT_EQ(ioctl(other, SIPC_IOC_ACQUIRE, &handle), -1);
	EXPECT_EQ(errno, ENOENT);
	close_mapped(a);
	close_mapped(b);
	close_mapped(other);
	EXPECT_EQ(del("t3"), 0);
}

TEST_HARNESS_MAIN
