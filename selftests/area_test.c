// SPDX-License-Identifier: GPL-2.0
/*
 * area_test: the receive area of /dev/sipc and the device basics. Opening
 * and the version query; what mmap accepts and refuses; that the mapping
 * stays read-only, whole and private to its process (no write, no split,
 * no move, no inheritance across fork); that its pages exist only where a
 * buffer needs them and are taken back by the shrinker once free; the
 * checks every ioctl makes before it does anything; and that closing
 * everything lets go of the module.
 *
 * The tests that need a buffer in their own area make the test process the
 * context manager and send one-way payloads to handle 0, that is to
 * themselves; they are skipped when another process holds handle 0.
 *
 * module_test.sh uses this binary as a helper too:
 *   area_test --map BYTES   exit 0 if a BYTES area maps, 1 if refused
 *   area_test --hold BYTES  map one, close the descriptor, print "ready"
 *                           and wait to be killed
 *   area_test --leave       exit holding a one-way buffer in our own area,
 *                           another one-way queued behind it (exit 0 once
 *                           so), for the unload that must then find
 *                           nothing left over
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sipc.h>

#include "kselftest_harness.h"

#define SIPC_DEV		"/dev/sipc"
#define MAX_AREA_PARAM		"/sys/module/sipc/parameters/max_area_size"
#define MIB			(1024UL * 1024)

static size_t page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static int open_dev(void)
{
	return open(SIPC_DEV, O_RDWR | O_CLOEXEC);
}

/* ioctl() as 0 or the errno it failed with, so one EXPECT checks both. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/* mmap() as 0 (address in *addr) or the errno it failed with. */
static int try_map(int fd, size_t size, int prot, int flags, off_t off,
		   void **addr)
{
	void *p = mmap(NULL, size, prot, flags, fd, off);

	if (p == MAP_FAILED) {
		*addr = NULL;
		return errno;
	}
	*addr = p;
	return 0;
}

/* Map and unmap at once: 0 or the errno of the refusal. */
static int map_probe(int fd, size_t size, int prot, int flags, off_t off)
{
	void *p;
	int err = try_map(fd, size, prot, flags, off, &p);

	if (!err)
		munmap(p, size);
	return err;
}

/* The module's max_area_size, rounded down to pages; 0 if unreadable. */
static unsigned long module_max_area(void)
{
	unsigned long max = 0;
	FILE *f = fopen(MAX_AREA_PARAM, "re");

	if (!f)
		return 0;
	if (fscanf(f, "%lu", &max) != 1)
		max = 0;
	fclose(f);
	return max & ~(page_size() - 1);
}

/* The reference count of sipc in /proc/modules ("sipc SIZE REFCNT ..."). */
static int module_refcnt(void)
{
	char line[512];
	int ref = -1;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long size;

		if (strncmp(line, "sipc ", 5))
			continue;
		if (sscanf(line + 5, "%lu %d", &size, &ref) != 2)
			ref = -1;
		break;
	}
	fclose(f);
	return ref;
}

/*
 * The permissions of the /proc/self/maps line that is exactly
 * [addr, addr + len): a split or moved area has no such line.
 */
static int maps_perms(const void *addr, size_t len, char perms[5])
{
	unsigned long start, end;
	char line[512], p[5];
	int ret = -1;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &start, &end, p) != 3)
			continue;
		if (start == (uintptr_t)addr && end == (uintptr_t)addr + len) {
			memcpy(perms, p, 5);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * Read one byte in this process and report what happened: 0 when it
 * reads, else the signal it raised (SIGBUS for a hole in the area,
 * SIGSEGV where nothing is mapped).
 */
static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	siglongjmp(probe_env, sig);
}

static int probe_read(const void *addr, char *out)
{
	struct sigaction sa = { .sa_handler = probe_handler };
	struct sigaction old_bus, old_segv;
	int sig;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(probe_env, 1);
	if (!sig)
		*out = *(const volatile char *)addr;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

/* Read @addr in a forked child: its wait status (a signal, or exit 0). */
static int child_read(const void *addr)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		(void)*(const volatile char *)addr;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int transact(int fd, struct sipc_transact *tr)
{
	return xioctl(fd, SIPC_IOC_TRANSACT, tr);
}

/* Wait for work without sleeping: EAGAIN when nothing is queued. */
static int poll_work(int fd, struct sipc_transact *tr)
{
	memset(tr, 0, sizeof(*tr));
	tr->send_op = SIPC_SEND_NONE;
	tr->recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK;
	return transact(fd, tr);
}

static int free_buffer(int fd, uint64_t addr)
{
	return xioctl(fd, SIPC_IOC_FREE_BUFFER, &addr);
}

static int claim_context_mgr(int fd)
{
	struct sipc_node_info info = { .cookie = 0xa7ea };

	return xioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &info);
}

/*
 * Send @len bytes one-way to handle 0 (this process, once it is the
 * context manager) and take them at once: a buffer in our own area.
 */
static int deliver(int fd, const void *data, size_t len,
		   struct sipc_transact *tr)
{
	memset(tr, 0, sizeof(*tr));
	tr->send_op = SIPC_SEND_ONEWAY;
	tr->handle = SIPC_CONTEXT_MGR_HANDLE;
	tr->code = 7;
	tr->data = (uintptr_t)data;
	tr->data_size = len;
	tr->recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK;
	return transact(fd, tr);
}

TEST(open_close)
{
	struct stat st;
	int fd;

	fd = open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0, close(fd));

	/* A shell redirect opens it read-only: that must work too. */
	fd = open(SIPC_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

TEST(version_before_mmap)
{
	struct sipc_version v;
	int fd = open_dev();

	ASSERT_LE(0, fd);
	/* Poison it: the driver must write both fields. */
	memset(&v, 0xff, sizeof(v));
	ASSERT_EQ(0, xioctl(fd, SIPC_IOC_VERSION, &v));
	EXPECT_EQ(SIPC_VERSION_MAJOR, v.major);
	EXPECT_EQ(SIPC_VERSION_MINOR, v.minor);
	close(fd);
}

/* Every size and mapping type that must be accepted. */
FIXTURE(mmap_ok) {
	int fd;
};

FIXTURE_VARIANT(mmap_ok) {
	unsigned long size;	/* 0: the module's max_area_size */
	int flags;
};

FIXTURE_VARIANT_ADD(mmap_ok, min_shared) {
	.size = SIPC_AREA_MIN_SIZE, .flags = MAP_SHARED,
};

FIXTURE_VARIANT_ADD(mmap_ok, min_private) {
	.size = SIPC_AREA_MIN_SIZE, .flags = MAP_PRIVATE,
};

FIXTURE_VARIANT_ADD(mmap_ok, mib_shared) {
	.size = MIB, .flags = MAP_SHARED,
};

FIXTURE_VARIANT_ADD(mmap_ok, mib_private) {
	.size = MIB, .flags = MAP_PRIVATE,
};

FIXTURE_VARIANT_ADD(mmap_ok, max_shared) {
	.size = 0, .flags = MAP_SHARED,
};

FIXTURE_VARIANT_ADD(mmap_ok, max_private) {
	.size = 0, .flags = MAP_PRIVATE,
};

FIXTURE_SETUP(mmap_ok)
{
	self->fd = open_dev();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(mmap_ok)
{
	close(self->fd);
}

TEST_F(mmap_ok, maps_read_only)
{
	unsigned long max = module_max_area(), size = variant->size ?: max;
	char perms[5];
	void *p;

	ASSERT_LE(SIPC_AREA_MIN_SIZE, max);
	if (size > max)
		SKIP(return, "max_area_size %lu is below %lu", max, size);
	ASSERT_EQ(0, try_map(self->fd, size, PROT_READ, variant->flags, 0,
			     &p));
	EXPECT_EQ(0, (uintptr_t)p % page_size());
	/* One read-only vma of exactly that size, of the type asked for. */
	ASSERT_EQ(0, maps_perms(p, size, perms));
	EXPECT_STREQ(variant->flags == MAP_SHARED ? "r--s" : "r--p", perms);
	EXPECT_EQ(0, munmap(p, size));
}

TEST(mmap_populate)
{
	char perms[5];
	void *p;
	int fd = open_dev();

	/* Prefaulting meets nothing but holes: still a plain mapping. */
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, try_map(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
			     MAP_SHARED | MAP_POPULATE, 0, &p));
	EXPECT_EQ(0, maps_perms(p, SIPC_AREA_MIN_SIZE, perms));
	EXPECT_EQ(0, munmap(p, SIPC_AREA_MIN_SIZE));
	close(fd);
}

/*
 * A refused mmap must leave nothing behind: each refusal below is
 * followed by a good mmap on the same descriptor, which must still work.
 */
TEST(mmap_below_min)
{
	int fd = open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, map_probe(fd, SIPC_AREA_MIN_SIZE - page_size(),
				    PROT_READ, MAP_SHARED, 0));
	EXPECT_EQ(EINVAL, map_probe(fd, page_size(), PROT_READ,
				    MAP_PRIVATE, 0));
	EXPECT_EQ(0, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
			       MAP_SHARED, 0));
	close(fd);
}

TEST(mmap_above_max)
{
	unsigned long max = module_max_area();
	int fd = open_dev();

	ASSERT_LE(0, fd);
	ASSERT_LE(SIPC_AREA_MIN_SIZE, max);
	EXPECT_EQ(EINVAL, map_probe(fd, max + page_size(), PROT_READ,
				    MAP_SHARED, 0));
	EXPECT_EQ(EINVAL, map_probe(fd, 2 * max, PROT_READ, MAP_PRIVATE, 0));
	EXPECT_EQ(0, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
			       MAP_SHARED, 0));
	close(fd);
}

TEST(mmap_offset)
{
	int fd = open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
				    MAP_SHARED, page_size()));
	EXPECT_EQ(EINVAL, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
				    MAP_PRIVATE, 1UL << 30));
	EXPECT_EQ(0, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
			       MAP_SHARED, 0));
	close(fd);
}

TEST(mmap_writable)
{
	int fd = open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, map_probe(fd, SIPC_AREA_MIN_SIZE,
				   PROT_READ | PROT_WRITE, MAP_SHARED, 0));
	/* Private is no way around it: the pages are the driver's. */
	EXPECT_EQ(EPERM, map_probe(fd, SIPC_AREA_MIN_SIZE,
				   PROT_READ | PROT_WRITE, MAP_PRIVATE, 0));
	EXPECT_EQ(EPERM, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_WRITE,
				   MAP_SHARED, 0));
	EXPECT_EQ(0, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
			       MAP_SHARED, 0));
	close(fd);
}

TEST(mmap_rdonly_fd)
{
	int fd = open(SIPC_DEV, O_RDONLY | O_CLOEXEC);

	/* Read-only is how a shell redirect opens it; private W is no way out. */
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, map_probe(fd, SIPC_AREA_MIN_SIZE,
				   PROT_READ | PROT_WRITE, MAP_PRIVATE, 0));
	EXPECT_EQ(0, map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ,
			       MAP_SHARED, 0));
	close(fd);
}

TEST(mmap_twice_busy)
{
	size_t size = SIPC_AREA_MIN_SIZE;
	void *p;
	int fd = open_dev();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, try_map(fd, size, PROT_READ, MAP_SHARED, 0, &p));
	EXPECT_EQ(EBUSY, map_probe(fd, size, PROT_READ, MAP_SHARED, 0));
	EXPECT_EQ(EBUSY, map_probe(fd, 2 * size, PROT_READ, MAP_PRIVATE, 0));
	/* One area per open, for good: unmapping does not free the slot. */
	ASSERT_EQ(0, munmap(p, size));
	EXPECT_EQ(EBUSY, map_probe(fd, size, PROT_READ, MAP_SHARED, 0));
	close(fd);
}

/* A page no buffer ever used is a hole: reading it raises SIGBUS. */
TEST(fresh_area_sigbus)
{
	size_t size = SIPC_AREA_MIN_SIZE;
	size_t offs[] = { 0, size / 2, size - 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		int status;
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* The child's own area: a fork would not inherit it. */
			int fd = open_dev();
			char *p;

			if (fd < 0)
				_exit(10);
			p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				_exit(11);
			(void)*(volatile char *)(p + offs[i]);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status)) {
			TH_LOG("offset %zu: child exited %d", offs[i],
			       WEXITSTATUS(status));
		}
		if (WIFSIGNALED(status))
			EXPECT_EQ(SIGBUS, WTERMSIG(status));
	}
}

/* A mapped minimum-size area on a fresh descriptor. */
FIXTURE(area) {
	int fd;
	char *base;
	size_t size;
};

FIXTURE_SETUP(area)
{
	void *p;

	self->size = SIPC_AREA_MIN_SIZE;
	self->fd = open_dev();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, try_map(self->fd, self->size, PROT_READ, MAP_SHARED, 0,
			     &p));
	self->base = p;
}

FIXTURE_TEARDOWN(area)
{
	if (self->base)
		munmap(self->base, self->size);
	close(self->fd);
}

TEST_F(area, mprotect_writable)
{
	char perms[5];

	errno = 0;
	EXPECT_EQ(-1, mprotect(self->base, self->size,
			       PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	errno = 0;
	EXPECT_EQ(-1, mprotect(self->base, self->size, PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, maps_perms(self->base, self->size, perms));
	EXPECT_STREQ("r--s", perms);
}

TEST(mprotect_writable_private)
{
	size_t size = SIPC_AREA_MIN_SIZE;
	void *p;
	int fd = open_dev();

	/* Copy-on-write would give a private writable copy: refused too. */
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, try_map(fd, size, PROT_READ, MAP_PRIVATE, 0, &p));
	errno = 0;
	EXPECT_EQ(-1, mprotect(p, size, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, size);
	close(fd);
}

/* The area is all or nothing: no part of it can be split off. */
TEST_F(area, munmap_partial)
{
	size_t pg = page_size();
	char perms[5];

	errno = 0;
	EXPECT_EQ(-1, munmap(self->base, pg));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, munmap(self->base + self->size - pg, pg));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, munmap(self->base + pg, pg));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, maps_perms(self->base, self->size, perms));
	/* The whole of it still goes in one piece. */
	EXPECT_EQ(0, munmap(self->base, self->size));
	self->base = NULL;
}

TEST_F(area, mprotect_partial)
{
	char perms[5];

	errno = 0;
	EXPECT_EQ(-1, mprotect(self->base, page_size(), PROT_NONE));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, maps_perms(self->base, self->size, perms));
	EXPECT_STREQ("r--s", perms);
}

/*
 * VM_DONTEXPAND: no growing, in place or by moving. The area is placed
 * with free room after it, so growing in place could work but for that.
 */
TEST(mremap_grow)
{
	size_t size = SIPC_AREA_MIN_SIZE, pg = page_size();
	char perms[5], *hole, *p;
	int fd = open_dev();

	ASSERT_LE(0, fd);
	hole = mmap(NULL, size + 4 * pg, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	p = mmap(hole, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	ASSERT_EQ(hole, p);
	ASSERT_EQ(0, munmap(p + size, 4 * pg));

	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, size, size + pg, 0));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, size, 2 * size, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, maps_perms(p, size, perms));
	munmap(p, size);
	close(fd);
}

TEST_F(area, mremap_shrink)
{
	char perms[5];

	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(self->base, self->size,
				     self->size - page_size(), 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, maps_perms(self->base, self->size, perms));
}

TEST_F(area, mremap_move)
{
	char perms[5];
	void *to;

	/* A free place to move to, of the same size. */
	to = mmap(NULL, self->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_NE(MAP_FAILED, to);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(self->base, self->size, self->size,
				     MREMAP_MAYMOVE | MREMAP_FIXED, to));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, maps_perms(self->base, self->size, perms));
	munmap(to, self->size);
}

/* VM_DONTCOPY: the child has nothing at the parent's area address. */
TEST_F(area, fork_not_inherited)
{
	int status = child_read(self->base);

	ASSERT_NE(-1, status);
	ASSERT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("the child read the parent's area");
	}
	/* SIGBUS would mean it inherited the (empty) mapping. */
	EXPECT_EQ(SIGSEGV, WTERMSIG(status));
}

/*
 * The child's steps on the inherited descriptor; it exits with the number
 * of the first one that went wrong.
 */
static int child_on_inherited_fd(int fd)
{
	struct sipc_node_info info = { .cookie = 1 };
	struct sipc_version v = { 0 };
	struct sipc_transact tr;
	uint32_t threads = 1;
	char *p;
	int own;

	if (xioctl(fd, SIPC_IOC_VERSION, &v) || v.major != SIPC_VERSION_MAJOR)
		return 1;
	if (poll_work(fd, &tr) != EXDEV)
		return 2;
	if (free_buffer(fd, 0x1000) != EXDEV)
		return 3;
	if (xioctl(fd, SIPC_IOC_SET_MAX_THREADS, &threads) != EXDEV)
		return 4;
	if (xioctl(fd, SIPC_IOC_NODE_CREATE, &info) != EXDEV)
		return 5;
	if (xioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &info) != EXDEV)
		return 6;
	if (map_probe(fd, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED, 0) !=
	    EXDEV)
		return 7;
	/* Its own open is its own business: that one works. */
	own = open_dev();
	if (own < 0)
		return 8;
	p = mmap(NULL, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED, own, 0);
	if (p == MAP_FAILED)
		return 9;
	if (poll_work(own, &tr) != EAGAIN)
		return 10;
	return 0;
}

TEST(fork_fd_exdev)
{
	struct sipc_transact tr;
	int fd, status;
	pid_t pid;
	void *p;

	/* Before the parent maps: the child must not take the slot. */
	fd = open_dev();
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(child_on_inherited_fd(fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	ASSERT_EQ(0, try_map(fd, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED,
			     0, &p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(child_on_inherited_fd(fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* The child's exit closed its copy: nothing changed for us. */
	EXPECT_EQ(EAGAIN, poll_work(fd, &tr));
	munmap(p, SIPC_AREA_MIN_SIZE);
	close(fd);
}

/* Before mmap there is nowhere to receive: EBADFD, not a hang or a crash. */
TEST(transact_before_mmap)
{
	struct sipc_transact tr;
	int fd = open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EBADFD, poll_work(fd, &tr));
	close(fd);
}

TEST(node_create_before_mmap)
{
	struct sipc_node_info info = { .cookie = 42 };
	int fd = open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EBADFD, xioctl(fd, SIPC_IOC_NODE_CREATE, &info));
	close(fd);
}

TEST(set_context_mgr_before_mmap)
{
	struct sipc_node_info info = { .cookie = 42 };
	int fd = open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(EBADFD, xioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &info));
	close(fd);
}

TEST_F(area, unknown_ioctl)
{
	struct sipc_version v;
	uint64_t big[64] = { 0 };

	EXPECT_EQ(ENOTTY, xioctl(self->fd, _IO(SIPC_IOC_MAGIC, 0x7f), NULL));
	EXPECT_EQ(ENOTTY, xioctl(self->fd, _IO(SIPC_IOC_MAGIC, 0x0d), NULL));
	EXPECT_EQ(ENOTTY, xioctl(self->fd, _IO('x', 1), NULL));
	/* A known number with the wrong size or direction is not it. */
	EXPECT_EQ(ENOTTY, xioctl(self->fd, _IOR(SIPC_IOC_MAGIC, 0x00, __u32),
				 big));
	EXPECT_EQ(ENOTTY, xioctl(self->fd, _IOW(SIPC_IOC_MAGIC, 0x00,
						struct sipc_version), &v));
	EXPECT_EQ(ENOTTY, xioctl(self->fd, _IO(SIPC_IOC_MAGIC, 0x01), NULL));
}

TEST_F(area, bad_pointers)
{
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_VERSION, (void *)1));
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_TRANSACT, NULL));
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_TRANSACT, (void *)1));
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_FREE_BUFFER, NULL));
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_FREE_BUFFER, (void *)1));
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_SET_MAX_THREADS, NULL));
	/* The area is not a place the driver writes to on our behalf. */
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_VERSION, self->base));
}

TEST_F(area, free_unknown_buffer)
{
	size_t size = self->size;
	uint64_t base = (uintptr_t)self->base, stack;

	EXPECT_EQ(ENOENT, free_buffer(self->fd, 0));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, 0xdeadbeef000ULL));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, (uintptr_t)&stack));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, ~0ULL));
	/* Inside the area, but never handed out. */
	EXPECT_EQ(ENOENT, free_buffer(self->fd, base));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, base + 8));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, base + size / 2));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, base + size - 8));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, base + size));
}

TEST(free_before_mmap)
{
	int fd = open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOENT, free_buffer(fd, 0x10000));
	close(fd);
}

TEST_F(area, set_max_threads)
{
	uint32_t n;

	n = SIPC_MAX_THREADS_LIMIT + 1;
	EXPECT_EQ(EINVAL, xioctl(self->fd, SIPC_IOC_SET_MAX_THREADS, &n));
	n = UINT32_MAX;
	EXPECT_EQ(EINVAL, xioctl(self->fd, SIPC_IOC_SET_MAX_THREADS, &n));
	n = SIPC_MAX_THREADS_LIMIT;
	EXPECT_EQ(0, xioctl(self->fd, SIPC_IOC_SET_MAX_THREADS, &n));
	n = 0;
	EXPECT_EQ(0, xioctl(self->fd, SIPC_IOC_SET_MAX_THREADS, &n));
}

TEST_F(area, transact_bad_send_op)
{
	static const uint32_t ops[] = { SIPC_SEND_CALL_ASYNC + 1, 0x100,
					UINT32_MAX };
	struct sipc_transact tr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		memset(&tr, 0, sizeof(tr));
		tr.send_op = ops[i];
		EXPECT_EQ(EINVAL, transact(self->fd, &tr)) {
			TH_LOG("send_op %u", ops[i]);
		}
	}
}

TEST_F(area, transact_bad_recv_flags)
{
	static const uint32_t flags[] = {
		1U << 2,
		SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK | (1U << 2),
		SIPC_RECV_NONBLOCK | (1U << 31),
		UINT32_MAX,
	};
	struct sipc_transact tr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		memset(&tr, 0, sizeof(tr));
		tr.send_op = SIPC_SEND_NONE;
		tr.recv_flags = flags[i];
		EXPECT_EQ(EINVAL, transact(self->fd, &tr)) {
			TH_LOG("recv_flags %#x", flags[i]);
		}
	}
}

TEST_F(area, transact_send_flags)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_ONEWAY,
		.handle = SIPC_CONTEXT_MGR_HANDLE,
		.send_flags = SIPC_SEND_GATHER << 1,
	};

	/* A reserved field set is malformed, whatever the target. */
	EXPECT_EQ(EINVAL, transact(self->fd, &tr));
	EXPECT_EQ(0, tr.out_flags & SIPC_OUT_SENT);
}

TEST_F(area, transact_nothing_queued)
{
	struct sipc_transact tr;

	EXPECT_EQ(EAGAIN, poll_work(self->fd, &tr));
	EXPECT_EQ(0, tr.out_flags);
	EXPECT_EQ(SIPC_EV_NONE, tr.ev.type);
	/* No WAIT: nothing to send, nothing to wait for, done at once. */
	memset(&tr, 0, sizeof(tr));
	EXPECT_EQ(0, transact(self->fd, &tr));
	EXPECT_EQ(SIPC_EV_NONE, tr.ev.type);
}

/* Open pins the module; munmap alone does not unpin it, close does. */
TEST(module_ref_munmap_close)
{
	int base = module_refcnt(), fd;
	void *p;

	ASSERT_EQ(0, base);
	fd = open_dev();
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, module_refcnt());
	ASSERT_EQ(0, try_map(fd, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED,
			     0, &p));
	EXPECT_EQ(1, module_refcnt());
	ASSERT_EQ(0, munmap(p, SIPC_AREA_MIN_SIZE));
	EXPECT_EQ(1, module_refcnt());
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(0, module_refcnt());
}

/* The mapping keeps the file, so the module, until it goes too. */
TEST(module_ref_close_munmap)
{
	int base = module_refcnt(), fd;
	void *p;

	ASSERT_EQ(0, base);
	fd = open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, try_map(fd, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED,
			     0, &p));
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(1, module_refcnt());
	ASSERT_EQ(0, munmap(p, SIPC_AREA_MIN_SIZE));
	EXPECT_EQ(0, module_refcnt());
}

/*
 * A mapped area whose process is the context manager, so it can fill its
 * own area with one-way sends to handle 0.
 */
FIXTURE(own) {
	int fd;
	char *base;
	size_t size;
	int mgr_err;
};

FIXTURE_SETUP(own)
{
	void *p;

	self->size = SIPC_AREA_MIN_SIZE;
	self->fd = open_dev();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, try_map(self->fd, self->size, PROT_READ, MAP_SHARED, 0,
			     &p));
	self->base = p;
	self->mgr_err = claim_context_mgr(self->fd);
}

FIXTURE_TEARDOWN(own)
{
	if (self->base)
		munmap(self->base, self->size);
	close(self->fd);
}

#define NEED_CONTEXT_MGR() do {						\
	if (self->mgr_err == EBUSY)					\
		SKIP(return, "another process holds handle 0");		\
	ASSERT_EQ(0, self->mgr_err);					\
} while (0)

/* @tr's event is a buffer of @len bytes wholly inside our area. */
static bool in_area(FIXTURE_DATA(own) *self, struct sipc_transact *tr,
		    size_t len)
{
	uintptr_t base = (uintptr_t)self->base;

	return tr->ev.type == SIPC_EV_TRANSACTION &&
	       tr->ev.data_size == len && tr->ev.data >= base &&
	       tr->ev.data + len <= base + self->size;
}

TEST_F(own, buffer_readable)
{
	static const char msg[] = "one copy, read in place";
	struct sipc_transact tr;

	NEED_CONTEXT_MGR();
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(msg)));
	EXPECT_EQ(SIPC_EVF_ONEWAY, tr.ev.flags);
	EXPECT_EQ(7, tr.ev.code);
	EXPECT_EQ(getpid(), tr.ev.sender_pid);
	EXPECT_EQ(0, memcmp((void *)(uintptr_t)tr.ev.data, msg, sizeof(msg)));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
}

/* Only the pages a buffer needs get backed; the rest stay holes. */
TEST_F(own, pages_on_demand)
{
	struct sipc_transact tr;
	uint64_t word = 0x0123456789abcdefULL;
	size_t pg = page_size();
	uintptr_t page;
	char c;

	NEED_CONTEXT_MGR();
	ASSERT_EQ(0, deliver(self->fd, &word, sizeof(word), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(word)));
	page = tr.ev.data & ~(pg - 1);
	EXPECT_EQ(0, probe_read((void *)page, &c));
	/* The pages either side of it (one of them exists) are not backed. */
	if (page > (uintptr_t)self->base)
		EXPECT_EQ(SIGBUS, probe_read((void *)(page - pg), &c));
	if (page + pg < (uintptr_t)self->base + self->size)
		EXPECT_EQ(SIGBUS, probe_read((void *)(page + pg), &c));
	EXPECT_EQ(SIGBUS, probe_read(self->base + self->size - 1, &c));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
}

/* The one copy crosses page boundaries in the kernel, not just in user. */
TEST_F(own, payload_spans_pages)
{
	size_t len = 3 * page_size() + 123, i;
	struct sipc_transact tr;
	unsigned char *msg = malloc(len);
	const unsigned char *got;

	NEED_CONTEXT_MGR();
	ASSERT_NE(NULL, msg);
	for (i = 0; i < len; i++)
		msg[i] = i * 7 + i / 4096;
	ASSERT_EQ(0, deliver(self->fd, msg, len, &tr));
	ASSERT_TRUE(in_area(self, &tr, len));
	got = (const void *)(uintptr_t)tr.ev.data;
	EXPECT_EQ(0, memcmp(got, msg, len));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
	free(msg);
}

TEST_F(own, free_exactly_once)
{
	struct sipc_transact tr;
	char msg[64] = "free me";

	NEED_CONTEXT_MGR();
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(msg)));
	/* Only the start of a buffer names it. */
	EXPECT_EQ(ENOENT, free_buffer(self->fd, tr.ev.data + 8));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, tr.ev.data - 8));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
	EXPECT_EQ(ENOENT, free_buffer(self->fd, tr.ev.data));
}

/* Read-only means to the kernel acting for us too. */
TEST_F(own, no_write_through_kernel)
{
	static const char msg[] = "do not overwrite";
	struct sipc_transact tr;
	char junk[sizeof(msg)];
	void *data;
	int mem;

	NEED_CONTEXT_MGR();
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(msg)));
	data = (void *)(uintptr_t)tr.ev.data;
	EXPECT_EQ(EFAULT, xioctl(self->fd, SIPC_IOC_VERSION, data));
	/* FOLL_FORCE writes (ptrace, /proc/PID/mem) may not break in. */
	memset(junk, 'x', sizeof(junk));
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem);
	EXPECT_EQ(-1, pwrite(mem, junk, sizeof(junk), tr.ev.data));
	close(mem);
	EXPECT_EQ(0, memcmp(data, msg, sizeof(msg)));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
}

TEST_F(own, unmapped_area_is_dead)
{
	struct sipc_transact tr;
	char msg[8] = "late";

	NEED_CONTEXT_MGR();
	ASSERT_EQ(0, munmap(self->base, self->size));
	self->base = NULL;
	/* The context died with its area: it can neither send nor wait. */
	EXPECT_EQ(EBADFD, deliver(self->fd, msg, sizeof(msg), &tr));
	EXPECT_EQ(0, tr.out_flags & SIPC_OUT_SENT);
	EXPECT_EQ(EBADFD, poll_work(self->fd, &tr));
}

/* A refused move must leave the area as alive as it was. */
TEST_F(own, mremap_keeps_area)
{
	struct sipc_transact tr;
	char msg[8] = "still";
	void *to;

	NEED_CONTEXT_MGR();
	to = mmap(NULL, self->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_NE(MAP_FAILED, to);
	EXPECT_EQ(MAP_FAILED, mremap(self->base, self->size, self->size,
				     MREMAP_MAYMOVE | MREMAP_FIXED, to));
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(msg)));
	EXPECT_EQ(0, memcmp((void *)(uintptr_t)tr.ev.data, msg,
			    sizeof(msg)));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
}

/*
 * MADV_DOFORK undoes VM_DONTCOPY, so a child gets a copy of the vma: it
 * must still see nothing of the parent's area, and its exit must not end
 * the parent's.
 */
TEST_F(own, dofork_not_inherited)
{
	static const char msg[] = "parent only";
	struct sipc_transact tr;
	int status;

	NEED_CONTEXT_MGR();
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(msg)));
	if (madvise(self->base, self->size, MADV_DOFORK))
		TH_LOG("MADV_DOFORK refused (%s)", strerror(errno));
	status = child_read((void *)(uintptr_t)tr.ev.data);
	ASSERT_NE(-1, status);
	EXPECT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("the child read the parent's buffer");
	}
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
}

/*
 * Pages no buffer uses are cached, still mapped, until the shrinker takes
 * them: then they are holes again, and come back zeroed when needed.
 */
TEST_F(own, shrinker_takes_free_pages)
{
	static const char msg[] = "cached";
	size_t pg = page_size();
	struct sipc_transact tr;
	uintptr_t page;
	char c;
	int dc;

	NEED_CONTEXT_MGR();
	dc = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (dc < 0)
		SKIP(return, "cannot write drop_caches: %s", strerror(errno));
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(msg)));
	page = tr.ev.data & ~(pg - 1);
	ASSERT_EQ(0, free_buffer(self->fd, tr.ev.data));
	/* Freed, yet cached: the page still reads, with the old bytes. */
	ASSERT_EQ(0, probe_read((void *)tr.ev.data, &c));
	EXPECT_EQ(msg[0], c);
	/* "2" runs every shrinker, ours included. */
	ASSERT_EQ(1, write(dc, "2", 1));
	close(dc);
	EXPECT_EQ(SIGBUS, probe_read((void *)page, &c));
	ASSERT_EQ(0, deliver(self->fd, msg, sizeof(msg), &tr));
	ASSERT_TRUE(in_area(self, &tr, sizeof(msg)));
	EXPECT_EQ(0, memcmp((void *)(uintptr_t)tr.ev.data, msg, sizeof(msg)));
	EXPECT_EQ(0, free_buffer(self->fd, tr.ev.data));
}

/* module_test.sh's helpers: see the top of the file. */
static int helper_map(const char *mode, const char *bytes)
{
	unsigned long size;
	char *end;
	void *p;
	int fd, err;

	errno = 0;
	size = strtoul(bytes, &end, 0);
	if (errno || *end || !size)
		return 2;
	fd = open_dev();
	if (fd < 0) {
		perror(SIPC_DEV);
		return 2;
	}
	err = try_map(fd, size, PROT_READ, MAP_SHARED, 0, &p);
	if (err) {
		printf("# mmap %lu: %s\n", size, strerror(err));
		return 1;
	}
	if (!strcmp(mode, "--hold")) {
		close(fd);
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	return 0;
}

static int helper_leave(void)
{
	static char big[3 * 4096 + 5];
	struct sipc_transact tr;
	void *p;
	int fd = open_dev(), err;

	if (fd < 0 || try_map(fd, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED,
			      0, &p))
		return 2;
	err = claim_context_mgr(fd);
	if (!err)
		err = deliver(fd, big, sizeof(big), &tr);
	if (err) {
		printf("# delivery: %s\n", strerror(err));
		return 1;
	}
	/* One-ways to a node go one at a time: this one stays queued. */
	err = deliver(fd, "queued", 7, &tr);
	if (err != EAGAIN || !(tr.out_flags & SIPC_OUT_SENT)) {
		printf("# queued one-way: %s\n", strerror(err));
		return 1;
	}
	/* Neither freed, nor unmapped, nor closed: exit cleans up. */
	return 0;
}

/* As TEST_HARNESS_MAIN, with the helper modes in front. */
static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	if (argc == 3 && (!strcmp(argv[1], "--map") ||
			  !strcmp(argv[1], "--hold")))
		return helper_map(argv[1], argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--leave"))
		return helper_leave();
	return test_harness_run(argc, argv);
}
