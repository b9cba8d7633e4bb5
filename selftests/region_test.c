// SPDX-License-Identifier: GPL-2.0
/*
 * Shared regions, as libsipc makes them, built by hand here: a memfd is
 * written, sealed (F_SEAL_WRITE, SHRINK, GROW, SEAL) and sent as a
 * SIPC_OBJ_FD. The receiver finds the seals, maps it read-only and reads
 * what was written; nobody, sender included, can change it any more; a
 * process that was not sent it cannot get at it (not through another
 * user's /proc, not by path, not by naming the sender's fd to sipc), and
 * only the two parties hold it; its memory is freed once both let go,
 * whoever goes last, and when it was never taken at all.
 */
#include <dirent.h>
#include <grp.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define ALL_SEALS	(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_SEAL)
#define NOBODY		65534
#define BIG		(32u << 20)

enum {
	RG_CHECK = 1,	/* struct rg_msg: check seals, content, writes */
	RG_KEEP,	/* the same, and keep it mapped and open */
	RG_VERIFY,	/* status: 0 if the kept one still reads right */
	RG_DROP,	/* unmap and close the kept one */
	RG_FDNUM,	/* status: the fd number of the kept one */
	RG_INO,		/* fd -> status: its file_id(); closed */
	RG_STALL,	/* reply, then serve no more */
	RG_QUIT,
};

/* What RG_CHECK found wrong: 0 is all right. */
enum {
	BAD_SEALS = 1 << 0,
	BAD_SIZE = 1 << 1,
	BAD_MAP = 1 << 2,
	BAD_CONTENT = 1 << 3,
	BAD_WRITE = 1 << 4,
	BAD_PWRITE = 1 << 5,
	BAD_TRUNCATE = 1 << 6,
	BAD_MAP_WRITE = 1 << 7,
	BAD_MPROTECT = 1 << 8,
	BAD_REOPEN = 1 << 9,
	BAD_SEAL_MORE = 1 << 10,
	BAD_FALLOCATE = 1 << 11,
};

struct rg_msg {
	struct sipc_object obj;
	__u64 size;
	__u32 seed;
	__u32 pad;
};

static const __u64 rg_off;

/*
 * Which file, in 31 bits: inode numbers are per file system (a memfd's
 * and /dev/null's may well be equal), so the device goes in too.
 */
static __u32 file_id(const struct stat *st)
{
	__u64 v = (__u64)st->st_dev * 0x9e3779b97f4a7c15ULL ^ st->st_ino;

	return (__u32)(v ^ v >> 31) & 0x7fffffff;
}

/* The page-strided check of st_check(): a byte in each 512 is enough. */
static bool content_ok(const unsigned char *p, size_t size, __u32 seed)
{
	size_t i;

	for (i = 0; i < size; i += 509)
		if (p[i] != st_pat(seed, i))
			return false;
	return !size || p[size - 1] == st_pat(seed, size - 1);
}

static __u32 check_region(int fd, __u64 size, __u32 seed, void **keep)
{
	unsigned char byte = 0x5a;
	char path[64];
	struct stat st;
	__u32 bad = 0;
	void *m, *w;
	int rw;

	if (fcntl(fd, F_GET_SEALS) != ALL_SEALS)
		bad |= BAD_SEALS;
	if (fstat(fd, &st) || (__u64)st.st_size != size)
		bad |= BAD_SIZE;
	m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return bad | BAD_MAP;
	if (!content_ok(m, size, seed))
		bad |= BAD_CONTENT;
	/* Every way of changing it fails, for us as for anyone. */
	if (write(fd, &byte, 1) != -1 || errno != EPERM)
		bad |= BAD_WRITE;
	if (pwrite(fd, &byte, 1, size / 2) != -1 || errno != EPERM)
		bad |= BAD_PWRITE;
	if (ftruncate(fd, size / 2) != -1 || errno != EPERM ||
	    ftruncate(fd, size * 2) != -1 || errno != EPERM)
		bad |= BAD_TRUNCATE;
	if (fallocate(fd, 0, 0, size * 2) != -1 || errno != EPERM)
		bad |= BAD_FALLOCATE;
	w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w != MAP_FAILED || errno != EPERM)
		bad |= BAD_MAP_WRITE;
	if (!mprotect(m, size, PROT_READ | PROT_WRITE))
		bad |= BAD_MPROTECT;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) != -1 ||
	    errno != EPERM)
		bad |= BAD_SEAL_MORE;
	/* A fresh writable open of it is no better. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rw = open(path, O_RDWR | O_CLOEXEC);
	if (rw < 0 || write(rw, &byte, 1) != -1 || errno != EPERM)
		bad |= BAD_REOPEN;
	if (rw >= 0)
		close(rw);
	if (!content_ok(m, size, seed))
		bad |= BAD_CONTENT;
	if (keep)
		*keep = m;
	else
		munmap(m, size);
	return bad;
}

static int rg_server(void *arg)
{
	struct st_pipe *ready = arg;
	struct sipc_event ev;
	struct rg_msg m;
	struct st_ctx c;
	void *kept = NULL;
	__u64 kept_size = 0;
	__u32 kept_seed = 0, status;
	int kept_fd = -1;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	CK(st_put(ready, 1) == 0);
	for (;;) {
		CK(st_wait(c.fd, &ev) == 0);
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		status = 0;
		switch (ev.code) {
		case RG_CHECK:
		case RG_KEEP:
			CK(ev.data_size == sizeof(m) && ev.offsets_count == 1);
			memcpy(&m, st_ptr(ev.data), sizeof(m));
			CK(m.obj.type == SIPC_OBJ_FD && m.obj.fd >= 0);
			if (ev.code == RG_CHECK) {
				status = check_region(m.obj.fd, m.size,
						      m.seed, NULL);
				close(m.obj.fd);
				break;
			}
			CK(!kept);
			status = check_region(m.obj.fd, m.size, m.seed,
					      &kept);
			kept_fd = m.obj.fd;
			kept_size = m.size;
			kept_seed = m.seed;
			break;
		case RG_VERIFY:
			status = !kept || !content_ok(kept, kept_size,
						      kept_seed);
			break;
		case RG_DROP:
			CK(kept && munmap(kept, kept_size) == 0);
			CK(close(kept_fd) == 0);
			kept = NULL;
			kept_fd = -1;
			break;
		case RG_FDNUM:
			status = kept_fd;
			break;
		case RG_INO: {
			struct sipc_object o = st_ev_obj(&ev, 0);
			struct stat st;

			CK(ev.offsets_count == 1 && o.type == SIPC_OBJ_FD);
			CK(fstat(o.fd, &st) == 0 && close(o.fd) == 0);
			status = file_id(&st);
			break;
		}
		case RG_STALL:
		case RG_QUIT:
			break;
		default:
			fprintf(stderr, "# region server: code %u\n", ev.code);
			_exit(1);
		}
		CK(st_free(c.fd, ev.data) == 0);
		if (!(ev.flags & SIPC_EVF_ONEWAY))
			CK(st_reply(c.fd, status, NULL, 0, NULL, 0) == 0);
		if (ev.code == RG_QUIT)
			return 0;
		if (ev.code == RG_STALL)
			for (;;)
				pause();
	}
}

/* A region of @size bytes of pattern @seed, sealed: its fd. */
static int make_region(size_t size, __u32 seed, unsigned int seals)
{
	int fd = memfd_create("sipc-region", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	unsigned char *p;

	if (fd < 0 || ftruncate(fd, size))
		return -1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	st_fill(p, size, seed);
	munmap(p, size);
	if (seals && fcntl(fd, F_ADD_SEALS, seals))
		return -1;
	return fd;
}

static int send_region(int dev, __u32 code, int fd, size_t size, __u32 seed,
		       bool oneway)
{
	struct rg_msg m = { .size = size, .seed = seed };

	m.obj.type = SIPC_OBJ_FD;
	m.obj.flags = SIPC_OBJ_FD_CLOEXEC;
	m.obj.fd = fd;
	if (oneway)
		return st_oneway(dev, 0, code, &m, sizeof(m), &rg_off, 1);
	return st_simple_objs(dev, 0, code, &m, sizeof(m), &rg_off, 1);
}

/* Shmem of /proc/meminfo, in KiB: the memory of every memfd. */
static long shmem_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Shmem: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Wait up to @ms for Shmem to fall to @kb or below; the last reading. */
static long shmem_down_to(long kb, int ms)
{
	long now = shmem_kb();

	while (now > kb && ms-- > 0) {
		usleep(1000);
		now = shmem_kb();
	}
	return now;
}

/* How many processes hold the file @want by an fd; two of them in @pids. */
static int holders(const struct stat *want, pid_t *pids)
{
	char path[300], link[600];
	struct dirent *p, *f;
	DIR *proc, *fds;
	struct stat st;
	int n = 0;

	proc = opendir("/proc");
	if (!proc)
		return -1;
	while ((p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((f = readdir(fds))) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", path, f->d_name);
			if (stat(link, &st) || st.st_ino != want->st_ino ||
			    st.st_dev != want->st_dev)
				continue;
			if (n < 2)
				pids[n] = atoi(p->d_name);
			n++;
			break;
		}
		closedir(fds);
	}
	closedir(proc);
	return n;
}

/* How many processes map inode @ino; the first two in @pids. */
static int mappers(ino_t ino, pid_t *pids)
{
	char path[300], line[512];
	unsigned long long inode;
	struct dirent *p;
	DIR *proc;
	FILE *f;
	int n = 0;

	proc = opendir("/proc");
	if (!proc)
		return -1;
	while ((p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/maps", p->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%*s %*s %*s %*s %llu", &inode) != 1 ||
			    inode != ino || !strstr(line, "memfd:sipc-region"))
				continue;
			if (n < 2)
				pids[n] = atoi(p->d_name);
			n++;
			break;
		}
		fclose(f);
	}
	closedir(proc);
	return n;
}

FIXTURE(region) {
	struct st_ctx c;
	pid_t server;
};

FIXTURE_SETUP(region)
{
	struct st_pipe ready;
	__u64 v;

	self->c.fd = -1;
	self->c.area = NULL;
	ASSERT_EQ(0, st_pipe_open(&ready));
	self->server = st_fork(rg_server, &ready);
	ASSERT_LT(0, self->server);
	ASSERT_EQ(0, st_get(&ready, &v));
	close(ready.r);
	close(ready.w);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

FIXTURE_TEARDOWN(region)
{
	st_close(&self->c);
	st_kill_all();
}

static void quit(struct __test_metadata *_metadata, FIXTURE_DATA(region) *self)
{
	ASSERT_EQ(0, st_simple(self->c.fd, 0, RG_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_F(region, sealed_round_trip)
{
	static const size_t sizes[] = { 1, 4096, 65537, 1 << 20, 5 << 20 };
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		fd = make_region(sizes[i], 10 + i, ALL_SEALS);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, send_region(self->c.fd, RG_CHECK, fd, sizes[i],
					 10 + i, false))
			TH_LOG("size %zu", sizes[i]);
		/* Kept by the receiver, it still reads right after. */
		EXPECT_EQ(0, send_region(self->c.fd, RG_KEEP, fd, sizes[i],
					 10 + i, false));
		EXPECT_EQ(0, st_simple(self->c.fd, 0, RG_VERIFY, NULL, 0));
		EXPECT_EQ(0, st_simple(self->c.fd, 0, RG_DROP, NULL, 0));
		close(fd);
	}
	quit(_metadata, self);
}

/* What the receiver can see of a region sealed short of all four. */
TEST_F(region, receiver_sees_seals)
{
	int fd, ret;

	fd = make_region(8192, 3, 0);
	ASSERT_LE(0, fd);
	ret = send_region(self->c.fd, RG_CHECK, fd, 8192, 3, false);
	/*
	 * Unsealed: it says so, and anyone holding it may write or shrink
	 * it (the receiver's own attempts changed what it read).
	 */
	EXPECT_TRUE(ret & BAD_SEALS);
	EXPECT_TRUE(ret & BAD_WRITE);
	EXPECT_TRUE(ret & BAD_TRUNCATE);
	EXPECT_TRUE(ret & BAD_CONTENT);
	close(fd);
	fd = make_region(8192, 4, F_SEAL_WRITE);
	ASSERT_LE(0, fd);
	ret = send_region(self->c.fd, RG_CHECK, fd, 8192, 4, false);
	EXPECT_TRUE(ret & BAD_SEALS);
	EXPECT_TRUE(ret & BAD_TRUNCATE);
	EXPECT_FALSE(ret & BAD_WRITE);
	close(fd);
	quit(_metadata, self);
}

/* The sender cannot change it after sealing either. */
TEST_F(region, sender_cannot_write)
{
	unsigned char *m, byte = 1;
	int fd = make_region(4096, 5, ALL_SEALS);

	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, write(fd, &byte, 1));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, ftruncate(fd, 0));
	ASSERT_EQ(EPERM, errno);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_EQ(MAP_FAILED, m);
	ASSERT_EQ(EPERM, errno);
	/* A private copy may be written, and changes nothing shared. */
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	m[0] ^= 0xff;
	munmap(m, 4096);
	ASSERT_EQ(0, send_region(self->c.fd, RG_CHECK, fd, 4096, 5, false));
	close(fd);
	quit(_metadata, self);
}

struct third_arg {
	struct st_pipe go;	/* what it needs, once the region exists */
	bool other_uid;
};

struct third_info {
	__u64 sender, receiver, sender_fd, receiver_fd, id;
};

static void get_info(struct st_pipe *p, struct third_info *t)
{
	t->sender = st_get_ck(p);
	t->receiver = st_get_ck(p);
	t->sender_fd = st_get_ck(p);
	t->receiver_fd = st_get_ck(p);
	t->id = st_get_ck(p);
}

/*
 * A process that was never sent the region, trying to get it. It was
 * forked before the region was made, so it holds nothing of it.
 */
static int third(void *arg)
{
	struct third_arg *a = arg;
	struct sipc_object o = { .type = SIPC_OBJ_FD };
	struct third_info t;
	struct st_ctx c;
	char path[64], link[128];
	struct stat st;
	ssize_t n;
	int fd, ino;

	get_info(&a->go, &t);
	if (a->other_uid) {
		CK(setgroups(0, NULL) == 0);
		CK(setgid(NOBODY) == 0 && setuid(NOBODY) == 0);
		/* Another user: not the fd, not its name, not its pages. */
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)t.sender,
			 (int)t.sender_fd);
		CK(open(path, O_RDONLY) < 0 && errno == EACCES);
		CK(readlink(path, link, sizeof(link)) < 0 && errno == EACCES);
		snprintf(path, sizeof(path), "/proc/%d/fd/%d",
			 (int)t.receiver, (int)t.receiver_fd);
		CK(open(path, O_RDONLY) < 0 && errno == EACCES);
		snprintf(path, sizeof(path), "/proc/%d/map_files",
			 (int)t.receiver);
		CK(opendir(path) == NULL);
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)t.receiver);
		CK(open(path, O_RDONLY) < 0);
		return 0;
	}
	/* The same user: it has no name to be opened by... */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)t.sender,
		 (int)t.sender_fd);
	n = readlink(path, link, sizeof(link) - 1);
	CK(n > 0);
	link[n] = 0;
	CK(!strncmp(link, "/memfd:sipc-region", 18));
	CK(open(link, O_RDONLY) < 0 && errno == ENOENT);
	/*
	 * ...and naming the sender's fd to sipc names our own fd of that
	 * number, if we have one: nothing, then /dev/null.
	 */
	o.fd = (int)t.sender_fd;
	close(o.fd);
	CK(st_open(&c, ST_AREA) == 0);
	if (c.fd == o.fd) {
		CK(dup2(c.fd, 100) == 100);
		close(c.fd);
		c.fd = 100;
	}
	CK(fcntl(o.fd, F_GETFD) < 0 && errno == EBADF);
	CK(st_call(c.fd, 0, RG_INO, &o, sizeof(o), &rg_off, 1, NULL) ==
	   -EBADF);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CK(fd >= 0 && fstat(fd, &st) == 0);
	if (fd != o.fd)
		CK(dup3(fd, o.fd, O_CLOEXEC) == o.fd);
	/* The server got our /dev/null, not the region (file_id()). */
	ino = st_simple_objs(c.fd, 0, RG_INO, &o, sizeof(o), &rg_off, 1);
	CK(ino == (int)file_id(&st));
	CK((__u64)ino != t.id);
	return 0;
}

TEST_F(region, third_process_cannot_obtain)
{
	struct third_arg other = { .other_uid = true }, same = { 0 };
	pid_t pids[2], kid_other, kid_same;
	struct third_info t;
	struct stat st;
	int fd;

	if (geteuid())
		SKIP(return, "needs root to become another user");
	ASSERT_EQ(0, st_pipe_open(&other.go));
	ASSERT_EQ(0, st_pipe_open(&same.go));
	kid_other = st_fork(third, &other);
	ASSERT_LT(0, kid_other);
	kid_same = st_fork(third, &same);
	ASSERT_LT(0, kid_same);

	fd = make_region(1 << 20, 6, ALL_SEALS);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_EQ(0, send_region(self->c.fd, RG_KEEP, fd, 1 << 20, 6, false));
	t.sender = getpid();
	t.receiver = self->server;
	t.sender_fd = fd;
	t.receiver_fd = st_simple(self->c.fd, 0, RG_FDNUM, NULL, 0);
	t.id = file_id(&st);
	ASSERT_LE(0, (int)t.receiver_fd);
	/* The two parties and nobody else, by fd and by mapping. */
	ASSERT_EQ(2, holders(&st, pids));
	ASSERT_TRUE((pids[0] == getpid() && pids[1] == self->server) ||
		    (pids[1] == getpid() && pids[0] == self->server));
	ASSERT_EQ(1, mappers(st.st_ino, pids));
	ASSERT_EQ(self->server, pids[0]);

	ASSERT_EQ(0, st_put(&other.go, t.sender));
	ASSERT_EQ(0, st_put(&other.go, t.receiver));
	ASSERT_EQ(0, st_put(&other.go, t.sender_fd));
	ASSERT_EQ(0, st_put(&other.go, t.receiver_fd));
	ASSERT_EQ(0, st_put(&other.go, t.id));
	ASSERT_EQ(0, st_reap(kid_other));
	ASSERT_EQ(0, st_put(&same.go, t.sender));
	ASSERT_EQ(0, st_put(&same.go, t.receiver));
	ASSERT_EQ(0, st_put(&same.go, t.sender_fd));
	ASSERT_EQ(0, st_put(&same.go, t.receiver_fd));
	ASSERT_EQ(0, st_put(&same.go, t.id));
	ASSERT_EQ(0, st_reap(kid_same));

	/* Still only the two of us; then one; then none. */
	ASSERT_EQ(2, holders(&st, pids));
	ASSERT_EQ(0, st_simple(self->c.fd, 0, RG_VERIFY, NULL, 0));
	ASSERT_EQ(0, st_simple(self->c.fd, 0, RG_DROP, NULL, 0));
	ASSERT_EQ(1, holders(&st, pids));
	ASSERT_EQ(0, mappers(st.st_ino, pids));
	close(fd);
	ASSERT_EQ(0, holders(&st, pids));
	quit(_metadata, self);
}

struct sender_arg {
	__u32 code;
	bool oneway;
};

/* A sender that makes a BIG region, sends it, and exits. */
static int sender(void *arg)
{
	struct sender_arg *a = arg;
	struct st_ctx c;
	int fd;

	CK(st_open(&c, ST_AREA) == 0);
	fd = make_region(BIG, 7, ALL_SEALS);
	CK(fd >= 0);
	CK(send_region(c.fd, a->code, fd, BIG, 7, a->oneway) == 0);
	return 0;
}

/* Held by the receiver after the sender left; freed when it lets go. */
TEST_F(region, freed_after_both_exit)
{
	struct sender_arg a = { .code = RG_KEEP };
	long base, held, now;
	pid_t kid;

	base = shmem_kb();
	ASSERT_LT(0, base);
	kid = st_fork(sender, &a);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, st_reap(kid));
	held = shmem_kb();
	EXPECT_LE(base + BIG / 1024 - 1024, held) TH_LOG("Shmem %ld -> %ld kB",
							 base, held);
	/* The sender is gone; the receiver's view still reads right. */
	ASSERT_EQ(0, st_simple(self->c.fd, 0, RG_VERIFY, NULL, 0));
	ASSERT_EQ(0, st_simple(self->c.fd, 0, RG_DROP, NULL, 0));
	now = shmem_down_to(base + 2048, 5000);
	EXPECT_GE(base + 2048, now) TH_LOG("Shmem %ld -> %ld -> %ld kB", base,
					   held, now);

	/* The same when the receiver goes by exiting, not by closing. */
	kid = st_fork(sender, &a);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, st_reap(kid));
	EXPECT_LE(base + BIG / 1024 - 1024, shmem_kb());
	quit(_metadata, self);
	now = shmem_down_to(base + 2048, 5000);
	EXPECT_GE(base + 2048, now) TH_LOG("Shmem %ld -> %ld kB", base, now);
}

/* Never taken: the driver's reference goes with the receiver. */
TEST_F(region, never_taken_freed)
{
	struct sender_arg a = { .code = RG_KEEP, .oneway = true };
	long base, now;
	pid_t kid;

	base = shmem_kb();
	ASSERT_LT(0, base);
	ASSERT_EQ(0, st_simple(self->c.fd, 0, RG_STALL, NULL, 0));
	kid = st_fork(sender, &a);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, st_reap(kid));
	/* Only the transaction in flight holds it now. */
	EXPECT_LE(base + BIG / 1024 - 1024, shmem_kb());
	kill(self->server, SIGKILL);
	ASSERT_EQ(128 + SIGKILL, st_reap(self->server));
	now = shmem_down_to(base + 2048, 5000);
	EXPECT_GE(base + 2048, now) TH_LOG("Shmem %ld -> %ld kB", base, now);
}

TEST_HARNESS_MAIN
