// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors in payloads (SIPC_OBJ_FD): in a call, a reply and a
 * one-way; what arrives is the same open file (content goes through a
 * passed pipe), close-on-exec as asked, in order, many at once; bad
 * descriptors, bad flags and sipc's own descriptors are refused and drop
 * what was already pinned; a receiver whose descriptor table is full never
 * sees the payload (its caller gets EMFILE) and serves on; a payload never
 * taken, because its receiver died or closed the device, drops its files;
 * the receiver gets the descriptor when it takes the payload, not before,
 * and owns it after the buffer is freed.
 *
 * "Dropped" is proven with a pipe: once every write end is closed, its
 * reader sees end-of-file, so a file the driver still pinned would show
 * as a reader that blocks.
 */
#include <dirent.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define CLIENT_COOKIE	0xc1c1c1ULL
#define GIVE_TEXT	"through a pipe the server made"
#define FAILED_LOG	"/proc/sipc/failed_transaction_log"
#define MAX_KEPT	(SIPC_MAX_OBJECTS + 64)
#define MAX_FILLER	4096

enum {
	FD_PROBE = 1,	/* objects: a struct fd_info each; fds are kept */
	FD_WRITE,	/* struct fd_msg[]: write each value, close the fd */
	FD_GIVE,	/* u32 flags: a pipe's read end, GIVE_TEXT in it */
	FD_MIRROR,	/* the request back as it came, fds and all */
	FD_COUNT,	/* status: the server's open descriptors */
	FD_CLOSE_KEPT,	/* close what FD_PROBE kept; status: how many */
	FD_FILL,	/* struct fd_fill: a full table but @free slots */
	FD_UNFILL,	/* close the filler; status: how many */
	FD_SEEN,	/* status: transactions served before this one */
	FD_SLEEP,	/* u32 ms */
	FD_HOLD,	/* keep the request's buffer */
	FD_STALL,	/* (reply, then) serve no more: sleep till killed */
	FD_BADREPLY,	/* s32 fd, u32 kind: reply with that as an fd */
	FD_LASTERR,	/* status: -errno of the last refused reply */
	FD_CLOSEDEV,	/* reply, close the device, sleep till killed */
	FD_RAISE,	/* u32 n: RLIMIT_NOFILE (soft and hard) to n */
	FD_QUIT,
};

/* FD_BADREPLY: what the reply carries. */
enum { BAD_FD_VALUE, BAD_FD_DEVICE };

struct fd_info {
	__u32 type;		/* of the object as it arrived */
	__u32 flags;
	__s32 fd;
	__u32 cloexec;		/* FD_CLOEXEC set on the new descriptor */
	__u64 dev, ino;
};

struct fd_msg {
	struct sipc_object obj;
	__u64 value;
};

struct fd_fill {
	__u32 free;
	__u32 limit;
};

struct fd_bad {
	__s32 fd;
	__u32 kind;
};

/* ---- the server ---- */

struct fd_srv {
	struct st_ctx c;
	int kept[MAX_KEPT];
	int nr_kept;
	int filler[MAX_FILLER];
	int nr_filler;
	unsigned int seen;
	int last_err;
	unsigned char out[64 * 1024 + SIPC_MAX_OBJECTS * sizeof(struct fd_info)];
	__u64 offs[SIPC_MAX_OBJECTS];
};

static int count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	/* Our own look at it took one. */
	return pid == getpid() ? n - 1 : n;
}

static __u32 srv_probe(struct fd_srv *s, const struct sipc_event *ev,
		       size_t *out_size)
{
	struct fd_info *info = (void *)s->out;
	struct stat st;
	size_t i;

	CK(ev->offsets_count * sizeof(*info) <= sizeof(s->out));
	for (i = 0; i < ev->offsets_count; i++) {
		struct sipc_object o = st_ev_obj(ev, i);

		memset(&info[i], 0, sizeof(info[i]));
		info[i].type = o.type;
		info[i].flags = o.flags;
		info[i].fd = -1;
		if (o.type != SIPC_OBJ_FD)
			continue;
		CK(o.fd >= 0 && !(o.raw >> 32));
		info[i].fd = o.fd;
		info[i].cloexec = !!(fcntl(o.fd, F_GETFD) & FD_CLOEXEC);
		CK(fstat(o.fd, &st) == 0);
		info[i].dev = st.st_dev;
		info[i].ino = st.st_ino;
		CK(s->nr_kept < MAX_KEPT);
		s->kept[s->nr_kept++] = o.fd;
	}
	*out_size = ev->offsets_count * sizeof(*info);
	return ev->offsets_count;
}

static __u32 srv_write(const struct sipc_event *ev)
{
	const struct fd_msg *m = st_ptr(ev->data);
	size_t i, n = ev->data_size / sizeof(*m);

	CK(ev->data_size % sizeof(*m) == 0 && ev->offsets_count == n);
	for (i = 0; i < n; i++) {
		struct sipc_object o = st_ev_obj(ev, i);
		__u64 v = m[i].value;

		CK(o.type == SIPC_OBJ_FD && o.fd >= 0);
		CK(write(o.fd, &v, sizeof(v)) == sizeof(v));
		CK(close(o.fd) == 0);
	}
	return n;
}

static __u32 srv_fill(struct fd_srv *s, const struct sipc_event *ev)
{
	struct fd_fill f;
	struct rlimit rl;
	int fd;

	CK(ev->data_size == sizeof(f));
	memcpy(&f, st_ptr(ev->data), sizeof(f));
	CK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl.rlim_cur = f.limit;
	CK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	for (;;) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		CK(s->nr_filler < MAX_FILLER);
		s->filler[s->nr_filler++] = fd;
	}
	CK(errno == EMFILE);
	while (f.free--) {
		CK(s->nr_filler > 0);
		close(s->filler[--s->nr_filler]);
	}
	return s->nr_filler;
}

static __u32 srv_count_or_close(struct fd_srv *s, __u32 code)
{
	__u32 n = 0;

	switch (code) {
	case FD_COUNT:
		return count_fds(getpid());
	case FD_CLOSE_KEPT:
		while (s->nr_kept) {
			CK(close(s->kept[--s->nr_kept]) == 0);
			n++;
		}
		return n;
	case FD_UNFILL:
		while (s->nr_filler) {
			CK(close(s->filler[--s->nr_filler]) == 0);
			n++;
		}
		return n;
	}
	return 0;
}

static void srv_forever(void)
{
	for (;;)
		pause();
}

static const __u64 zero_offset;

static int fd_server(void *arg)
{
	struct st_pipe *ready = arg;
	struct fd_srv *s = calloc(1, sizeof(*s));
	struct sipc_event ev;
	struct rlimit rl;
	int give[2], after[SIPC_MAX_OBJECTS], nr_after, ret;

	CK(s);
	CK(st_open(&s->c, ST_AREA) == 0);
	CK(st_claim_cm(s->c.fd, ST_CM_COOKIE) == 0);
	CK(st_put(ready, 1) == 0);
	for (;;) {
		const void *out = NULL;
		const __u64 *offs = NULL;
		size_t out_size = 0, nobj = 0, i;
		struct sipc_object obj = { .type = SIPC_OBJ_FD };
		bool keep = false, oneway;
		__u32 status = 0, v;
		struct fd_bad bad;

		nr_after = 0;
		ret = st_wait(s->c.fd, &ev);
		CK(ret == 0);
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		oneway = ev.flags & SIPC_EVF_ONEWAY;
		switch (ev.code) {
		case FD_PROBE:
			status = srv_probe(s, &ev, &out_size);
			out = s->out;
			break;
		case FD_WRITE:
			status = srv_write(&ev);
			break;
		case FD_GIVE:
			CK(ev.data_size == sizeof(v));
			memcpy(&v, st_ptr(ev.data), sizeof(v));
			CK(pipe2(give, O_CLOEXEC) == 0);
			CK(write(give[1], GIVE_TEXT, sizeof(GIVE_TEXT)) ==
			   sizeof(GIVE_TEXT));
			CK(close(give[1]) == 0);
			obj.flags = v;
			obj.fd = give[0];
			after[nr_after++] = give[0];
			out = &obj;
			out_size = sizeof(obj);
			offs = &zero_offset;
			nobj = 1;
			break;
		case FD_MIRROR:
			CK(ev.data_size <= sizeof(s->out));
			memcpy(s->out, st_ptr(ev.data), ev.data_size);
			memcpy(s->offs, st_ptr(ev.offsets),
			       ev.offsets_count * sizeof(__u64));
			for (i = 0; i < ev.offsets_count; i++) {
				struct sipc_object o = st_ev_obj(&ev, i);

				CK(o.type == SIPC_OBJ_FD && o.fd >= 0);
				after[nr_after++] = o.fd;
			}
			out = s->out;
			out_size = ev.data_size;
			offs = s->offs;
			nobj = ev.offsets_count;
			break;
		case FD_COUNT:
		case FD_CLOSE_KEPT:
		case FD_UNFILL:
			status = srv_count_or_close(s, ev.code);
			break;
		case FD_FILL:
			status = srv_fill(s, &ev);
			break;
		case FD_SEEN:
			status = s->seen;
			break;
		case FD_SLEEP:
			CK(ev.data_size == sizeof(v));
			memcpy(&v, st_ptr(ev.data), sizeof(v));
			usleep(v * 1000);
			break;
		case FD_HOLD:
			keep = true;
			break;
		case FD_STALL:
		case FD_CLOSEDEV:
			break;
		case FD_BADREPLY:
			CK(ev.data_size == sizeof(bad));
			memcpy(&bad, st_ptr(ev.data), sizeof(bad));
			obj.fd = bad.kind == BAD_FD_DEVICE ? s->c.fd : bad.fd;
			out = &obj;
			out_size = sizeof(obj);
			offs = &zero_offset;
			nobj = 1;
			break;
		case FD_LASTERR:
			status = -s->last_err;
			s->last_err = 0;
			break;
		case FD_RAISE:
			CK(ev.data_size == sizeof(v));
			memcpy(&v, st_ptr(ev.data), sizeof(v));
			rl.rlim_cur = v;
			rl.rlim_max = v;
			status = setrlimit(RLIMIT_NOFILE, &rl) ? errno : 0;
			break;
		case FD_QUIT:
			break;
		default:
			fprintf(stderr, "# fd server: code %u\n", ev.code);
			_exit(1);
		}
		s->seen++;
		if (!keep)
			CK(st_free(s->c.fd, ev.data) == 0);
		if (!oneway) {
			ret = st_reply(s->c.fd, status, out, out_size, offs,
				       nobj);
			/* Only a reply made to fail may fail. */
			CK(!ret || ev.code == FD_BADREPLY);
			if (ret)
				s->last_err = ret;
		}
		for (i = 0; i < (size_t)nr_after; i++)
			CK(close(after[i]) == 0);
		if (ev.code == FD_QUIT)
			return 0;
		if (ev.code == FD_CLOSEDEV)
			st_close(&s->c);
		if (ev.code == FD_STALL || ev.code == FD_CLOSEDEV)
			srv_forever();
	}
}

/* ---- the test side ---- */

FIXTURE(fd) {
	struct st_ctx c;
	pid_t server;
};

FIXTURE_SETUP(fd)
{
	struct st_pipe ready;
	__u64 v;

	self->c.fd = -1;
	self->c.area = NULL;
	ASSERT_EQ(0, st_pipe_open(&ready));
	self->server = st_fork(fd_server, &ready);
	ASSERT_LT(0, self->server);
	ASSERT_EQ(0, st_get(&ready, &v));
	close(ready.r);
	close(ready.w);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

FIXTURE_TEARDOWN(fd)
{
	st_close(&self->c);
	st_kill_all();
}

static struct sipc_object fd_obj(int fd, __u32 flags)
{
	struct sipc_object o = { .type = SIPC_OBJ_FD, .flags = flags };

	o.fd = fd;
	return o;
}

/* A call whose payload is @n objects, back to back; the reply in @ev. */
static int call_objs(int fd, __u32 code, const struct sipc_object *objs,
		     size_t n, struct sipc_event *ev)
{
	static __u64 offs[SIPC_MAX_OBJECTS + 1];
	size_t i;

	for (i = 0; i < n; i++)
		offs[i] = i * sizeof(*objs);
	return st_call(fd, 0, code, objs, n * sizeof(*objs), offs, n, ev);
}

static int oneway_objs(int fd, __u32 code, const struct sipc_object *objs,
		       size_t n)
{
	static __u64 offs[SIPC_MAX_OBJECTS + 1];
	size_t i;

	for (i = 0; i < n; i++)
		offs[i] = i * sizeof(*objs);
	return st_oneway(fd, 0, code, objs, n * sizeof(*objs), offs, n);
}

/* The status of a call with a small plain payload, or -errno. */
static int simple(int fd, __u32 code, const void *data, size_t size)
{
	return st_simple(fd, 0, code, data, size);
}

static int simple_u32(int fd, __u32 code, __u32 v)
{
	return simple(fd, code, &v, sizeof(v));
}

/* 1 if @fd reads end-of-file within @ms, 0 if it stays open, -1 on data. */
static int eof_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	int ret;

	ret = poll(&p, 1, ms);
	if (ret == 0)
		return 0;
	if (ret < 0)
		return -1;
	ret = read(fd, &c, 1);
	return ret == 0 ? 1 : -1;
}

static void ino_of(int fd, struct stat *st)
{
	if (fstat(fd, st))
		memset(st, 0, sizeof(*st));
}

/* Is there a line in the failed log for a @kind to @pid with @code? */
static bool failed_logged(const char *kind, pid_t pid, __u32 code,
			  const char *reason)
{
	char line[512], k[16], why[64];
	unsigned long long id, when, dur, size, rsize;
	int from, from_tid, to, to_tid;
	unsigned int handle, c, objs;
	bool found = false;
	FILE *f = fopen(FAILED_LOG, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %llu %llu %15s %d %d %d %d %u %u %llu %llu %u %63s",
			   &id, &when, &dur, k, &from, &from_tid, &to,
			   &to_tid, &handle, &c, &size, &rsize, &objs,
			   why) != 14)
			continue;
		if (!strcmp(k, kind) && to == pid && c == code &&
		    !strcmp(why, reason))
			found = true;
	}
	fclose(f);
	return found;
}

/* Fill our own table but @free slots under a soft limit of @limit. */
static int fill_table(int *fds, int max, int free, int limit)
{
	struct rlimit rl;
	int n = 0, fd;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	rl.rlim_cur = limit;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	while (n < max) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	while (free-- && n)
		close(fds[--n]);
	return n;
}

TEST_F(fd, call_carries_pipe)
{
	struct fd_msg m[2];
	__u64 offs[2] = { 0, sizeof(m[0]) }, v;
	struct st_pipe p, q;
	struct sipc_event ev;

	ASSERT_EQ(0, st_pipe_open(&p));
	ASSERT_EQ(0, st_pipe_open(&q));
	m[0].obj = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);
	m[0].value = 0x1111222233334444ULL;
	m[1].obj = fd_obj(q.w, 0);
	m[1].value = 0x5555666677778888ULL;
	ASSERT_EQ(0, st_call(self->c.fd, 0, FD_WRITE, m, sizeof(m), offs, 2,
			     &ev));
	ASSERT_EQ(SIPC_EV_REPLY, ev.type);
	ASSERT_EQ(2, ev.code);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	/* Our own descriptors are untouched and still ours. */
	ASSERT_EQ(FD_CLOEXEC, fcntl(p.w, F_GETFD));
	ASSERT_EQ(sizeof(v), read(p.r, &v, sizeof(v)));
	ASSERT_EQ(m[0].value, v);
	ASSERT_EQ(sizeof(v), read(q.r, &v, sizeof(v)));
	ASSERT_EQ(m[1].value, v);
	/* The server closed its copies: ours were the last. */
	close(p.w);
	close(q.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(1, eof_within(q.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_F(fd, oneway_carries_pipe)
{
	struct fd_msg m = { .value = 0xfeedfacecafebeefULL };
	__u64 off = 0, v;
	struct st_pipe p;
	int i;

	ASSERT_EQ(0, st_pipe_open(&p));
	m.obj = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);
	for (i = 0; i < 20; i++) {
		m.value++;
		ASSERT_EQ(0, st_oneway(self->c.fd, 0, FD_WRITE, &m, sizeof(m),
				       &off, 1));
	}
	close(p.w);
	/* In the order sent, then nothing: every copy was closed. */
	m.value -= 20;
	for (i = 0; i < 20; i++) {
		m.value++;
		ASSERT_EQ(sizeof(v), read(p.r, &v, sizeof(v)));
		ASSERT_EQ(m.value, v);
	}
	ASSERT_EQ(1, eof_within(p.r, 5000));
	ASSERT_EQ(20, simple(self->c.fd, FD_SEEN, NULL, 0));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_F(fd, reply_carries_fd)
{
	static const __u32 flags[] = { SIPC_OBJ_FD_CLOEXEC, 0 };
	char text[sizeof(GIVE_TEXT)];
	struct sipc_event ev;
	struct sipc_object o;
	int i, base = count_fds(getpid());

	ASSERT_LT(0, base);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, st_call(self->c.fd, 0, FD_GIVE, &flags[i],
				     sizeof(flags[i]), NULL, 0, &ev));
		ASSERT_EQ(SIPC_EV_REPLY, ev.type);
		ASSERT_EQ(1, ev.offsets_count);
		o = st_ev_obj(&ev, 0);
		ASSERT_EQ(SIPC_OBJ_FD, o.type);
		ASSERT_EQ(flags[i], o.flags);
		ASSERT_LE(0, o.fd);
		ASSERT_EQ(0, o.raw >> 32);
		ASSERT_EQ(base + 1, count_fds(getpid()));
		ASSERT_EQ(flags[i] ? FD_CLOEXEC : 0, fcntl(o.fd, F_GETFD));
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
		/* Ours after the buffer went: read it, then EOF. */
		ASSERT_EQ(sizeof(text), read(o.fd, text, sizeof(text)));
		ASSERT_STREQ(GIVE_TEXT, text);
		ASSERT_EQ(1, eof_within(o.fd, 2000));
		ASSERT_EQ(0, close(o.fd));
		ASSERT_EQ(base, count_fds(getpid()));
	}
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_F(fd, cloexec_as_asked)
{
	struct sipc_object objs[4];
	const struct fd_info *info;
	struct sipc_event ev;
	struct st_pipe p;
	struct stat st;
	int i;

	ASSERT_EQ(0, st_pipe_open(&p));
	ino_of(p.w, &st);
	objs[0] = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);
	objs[1] = fd_obj(p.w, 0);
	objs[2] = fd_obj(p.r, 0);
	objs[3] = fd_obj(p.r, SIPC_OBJ_FD_CLOEXEC);
	ASSERT_EQ(0, call_objs(self->c.fd, FD_PROBE, objs, 4, &ev));
	ASSERT_EQ(4, ev.code);
	ASSERT_EQ(4 * sizeof(*info), ev.data_size);
	info = st_ptr(ev.data);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(SIPC_OBJ_FD, info[i].type);
		EXPECT_EQ(objs[i].flags, info[i].flags);
		EXPECT_LE(0, info[i].fd);
		EXPECT_EQ(!!objs[i].flags, info[i].cloexec) TH_LOG("fd %d", i);
		EXPECT_EQ(st.st_dev, info[i].dev);
		EXPECT_EQ(st.st_ino, info[i].ino);
	}
	/* Four new descriptors, each its own. */
	EXPECT_NE(info[0].fd, info[1].fd);
	EXPECT_NE(info[1].fd, info[2].fd);
	EXPECT_NE(info[2].fd, info[3].fd);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(4, simple(self->c.fd, FD_CLOSE_KEPT, NULL, 0));
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* Sent back in a reply, the server's new descriptors become ours. */
TEST_F(fd, forwarded_back_in_reply)
{
	struct sipc_object objs[3], o;
	struct sipc_event ev;
	struct st_pipe p;
	struct stat st, got;
	int i, fds[3], base;

	ASSERT_EQ(0, st_pipe_open(&p));
	ino_of(p.w, &st);
	base = count_fds(getpid());
	objs[0] = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);
	objs[1] = fd_obj(p.w, 0);
	objs[2] = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);
	ASSERT_EQ(0, call_objs(self->c.fd, FD_MIRROR, objs, 3, &ev));
	ASSERT_EQ(SIPC_EV_REPLY, ev.type);
	ASSERT_EQ(3, ev.offsets_count);
	for (i = 0; i < 3; i++) {
		o = st_ev_obj(&ev, i);
		ASSERT_EQ(SIPC_OBJ_FD, o.type);
		ASSERT_EQ(objs[i].flags, o.flags);
		ASSERT_LE(0, o.fd);
		ASSERT_NE(p.w, o.fd);
		ino_of(o.fd, &got);
		ASSERT_EQ(st.st_ino, got.st_ino);
		ASSERT_EQ(o.flags ? FD_CLOEXEC : 0, fcntl(o.fd, F_GETFD));
		fds[i] = o.fd;
	}
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(base + 3, count_fds(getpid()));
	/* Each works: a write through any reaches our reader. */
	for (i = 0; i < 3; i++) {
		char c = 'a' + i, r;

		ASSERT_EQ(1, write(fds[i], &c, 1));
		ASSERT_EQ(1, read(p.r, &r, 1));
		ASSERT_EQ(c, r);
		ASSERT_EQ(0, close(fds[i]));
	}
	close(p.w);
	/* The server closed its copies once the reply was out. */
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_F(fd, bad_descriptor)
{
	struct sipc_object objs[2];
	struct sipc_event ev;
	struct st_pipe p;
	int closed, opath, i;
	int bad[6];

	ASSERT_EQ(0, st_pipe_open(&p));
	closed = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, closed);
	close(closed);
	opath = open("/dev/null", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, opath);
	bad[0] = -1;
	bad[1] = closed;
	bad[2] = 1 << 20;
	bad[3] = INT_MAX;
	bad[4] = INT_MIN;
	bad[5] = opath;	/* no file to pass: a path only */
	for (i = 0; i < 6; i++) {
		objs[0] = fd_obj(bad[i], 0);
		EXPECT_EQ(-EBADF, call_objs(self->c.fd, FD_PROBE, objs, 1,
					    &ev)) TH_LOG("fd %d", bad[i]);
		EXPECT_EQ(-EBADF, oneway_objs(self->c.fd, FD_PROBE, objs, 1))
			TH_LOG("fd %d", bad[i]);
		/* A good one before it was pinned: it must be let go. */
		objs[0] = fd_obj(p.w, 0);
		objs[1] = fd_obj(bad[i], SIPC_OBJ_FD_CLOEXEC);
		EXPECT_EQ(-EBADF, call_objs(self->c.fd, FD_PROBE, objs, 2,
					    &ev)) TH_LOG("fd %d", bad[i]);
		EXPECT_EQ(-EBADF, oneway_objs(self->c.fd, FD_PROBE, objs, 2))
			TH_LOG("fd %d", bad[i]);
	}
	close(opath);
	/* The server never saw any of them. */
	ASSERT_EQ(0, simple(self->c.fd, FD_SEEN, NULL, 0));
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_F(fd, bad_flags)
{
	static const __u32 flags[] = {
		SIPC_OBJ_FD_CLOEXEC << 1, 0x80000000u, ~0u,
		~SIPC_OBJ_FD_CLOEXEC,
	};
	struct sipc_object objs[2];
	struct sipc_event ev;
	struct st_pipe p;
	size_t i;

	ASSERT_EQ(0, st_pipe_open(&p));
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		objs[0] = fd_obj(p.w, 0);
		objs[1] = fd_obj(p.w, flags[i]);
		EXPECT_EQ(-EINVAL, call_objs(self->c.fd, FD_PROBE, objs + 1,
					     1, &ev));
		EXPECT_EQ(-EINVAL, call_objs(self->c.fd, FD_PROBE, objs, 2,
					     &ev));
		EXPECT_EQ(-EINVAL, oneway_objs(self->c.fd, FD_PROBE, objs, 2));
	}
	/* The fd is 32 bits: anything above it is not ours to ignore. */
	objs[1] = fd_obj(p.w, 0);
	objs[1].raw |= 1ULL << 32;
	EXPECT_EQ(-EINVAL, call_objs(self->c.fd, FD_PROBE, objs, 2, &ev));
	objs[1].raw = (__u64)0xffffffff00000000ULL | (__u32)p.w;
	EXPECT_EQ(-EINVAL, call_objs(self->c.fd, FD_PROBE, objs, 2, &ev));
	ASSERT_EQ(0, simple(self->c.fd, FD_SEEN, NULL, 0));
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* A sipc descriptor in flight could pin its own receiver: refused. */
TEST_F(fd, sipc_descriptor_refused)
{
	struct sipc_object objs[2];
	struct fd_bad bad = { .kind = BAD_FD_DEVICE };
	struct sipc_event ev;
	struct st_pipe p;
	int other;

	ASSERT_EQ(0, st_pipe_open(&p));
	other = open(ST_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	objs[0] = fd_obj(self->c.fd, 0);
	EXPECT_EQ(-EINVAL, call_objs(self->c.fd, FD_PROBE, objs, 1, &ev));
	objs[0] = fd_obj(other, SIPC_OBJ_FD_CLOEXEC);
	EXPECT_EQ(-EINVAL, call_objs(self->c.fd, FD_PROBE, objs, 1, &ev));
	EXPECT_EQ(-EINVAL, oneway_objs(self->c.fd, FD_PROBE, objs, 1));
	objs[0] = fd_obj(p.w, 0);
	objs[1] = fd_obj(other, 0);
	EXPECT_EQ(-EINVAL, call_objs(self->c.fd, FD_PROBE, objs, 2, &ev));
	close(other);
	ASSERT_EQ(0, simple(self->c.fd, FD_SEEN, NULL, 0));

	/* Nor in a reply: the caller learns the reply failed. */
	EXPECT_EQ(-EREMOTEIO, simple(self->c.fd, FD_BADREPLY, &bad,
				     sizeof(bad)));
	EXPECT_EQ(EINVAL, simple(self->c.fd, FD_LASTERR, NULL, 0));
	bad.kind = BAD_FD_VALUE;
	bad.fd = -1;
	EXPECT_EQ(-EREMOTEIO, simple(self->c.fd, FD_BADREPLY, &bad,
				     sizeof(bad)));
	EXPECT_EQ(EBADF, simple(self->c.fd, FD_LASTERR, NULL, 0));
	bad.fd = 1 << 20;
	EXPECT_EQ(-EREMOTEIO, simple(self->c.fd, FD_BADREPLY, &bad,
				     sizeof(bad)));
	EXPECT_EQ(EBADF, simple(self->c.fd, FD_LASTERR, NULL, 0));

	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/*
 * The server's table is full but one slot: a payload with two fds is
 * refused whole (the caller gets EMFILE, a one-way is dropped), the server
 * never sees either, and the slot is still there for a payload with one.
 */
TEST_F(fd, receiver_table_full)
{
	struct fd_fill fill = { .free = 1, .limit = 64 };
	struct sipc_object objs[2];
	struct sipc_event ev;
	const struct fd_info *info;
	struct st_pipe p;
	int seen;

	ASSERT_EQ(0, st_pipe_open(&p));
	ASSERT_LT(0, simple(self->c.fd, FD_FILL, &fill, sizeof(fill)));
	objs[0] = fd_obj(p.w, 0);
	objs[1] = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);

	ASSERT_EQ(-EMFILE, call_objs(self->c.fd, FD_PROBE, objs, 2, &ev));
	ASSERT_EQ(1, simple(self->c.fd, FD_SEEN, NULL, 0));
	ASSERT_EQ(0, oneway_objs(self->c.fd, FD_PROBE, objs, 2));
	/* Served after the one-way was taken (and dropped). */
	ASSERT_EQ(2, simple(self->c.fd, FD_SEEN, NULL, 0));
	EXPECT_TRUE(failed_logged("oneway", self->server, FD_PROBE,
				  "too_many_handles"));

	/* All or none: the one free slot is still free. */
	ASSERT_EQ(0, call_objs(self->c.fd, FD_PROBE, objs, 1, &ev));
	ASSERT_EQ(1, ev.code);
	info = st_ptr(ev.data);
	ASSERT_LE(0, info[0].fd);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));

	/* Now full: one fd is refused, a call without any is served. */
	ASSERT_EQ(-EMFILE, call_objs(self->c.fd, FD_PROBE, objs, 1, &ev));
	seen = simple(self->c.fd, FD_SEEN, NULL, 0);
	ASSERT_EQ(4, seen);
	ASSERT_LT(0, simple(self->c.fd, FD_UNFILL, NULL, 0));
	ASSERT_EQ(0, call_objs(self->c.fd, FD_PROBE, objs, 2, &ev));
	ASSERT_EQ(2, ev.code);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));

	/* What was refused holds nothing: closing the rest gives EOF. */
	ASSERT_EQ(3, simple(self->c.fd, FD_CLOSE_KEPT, NULL, 0));
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/*
 * A one-way refused by an idle server (its table full) drops its file at
 * once, though the server goes on waiting in the driver: the pipe's
 * reader sees EOF without the server doing anything else.
 */
TEST_F(fd, refused_oneway_drops_file_at_once)
{
	struct fd_fill fill = { .free = 0, .limit = 64 };
	struct sipc_object o;
	struct st_pipe p;

	ASSERT_EQ(0, st_pipe_open(&p));
	ASSERT_LT(0, simple(self->c.fd, FD_FILL, &fill, sizeof(fill)));
	o = fd_obj(p.w, 0);
	ASSERT_EQ(0, oneway_objs(self->c.fd, FD_PROBE, &o, 1));
	close(p.w);
	EXPECT_EQ(1, eof_within(p.r, 3000));
	ASSERT_LT(0, simple(self->c.fd, FD_UNFILL, NULL, 0));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* A reply with an fd to a caller whose table is full: EMFILE, not a hang. */
TEST_F(fd, caller_table_full)
{
	static const __u32 cloexec = SIPC_OBJ_FD_CLOEXEC;
	int *filler = calloc(MAX_FILLER, sizeof(int));
	char text[sizeof(GIVE_TEXT)];
	struct sipc_event ev;
	struct sipc_object o;
	int n, base;

	ASSERT_NE(NULL, filler);
	base = count_fds(getpid());
	n = fill_table(filler, MAX_FILLER, 0, 64);
	ASSERT_LT(0, n);
	ASSERT_EQ(-EMFILE, st_call(self->c.fd, 0, FD_GIVE, &cloexec,
				   sizeof(cloexec), NULL, 0, &ev));
	ASSERT_EQ(-EMFILE, st_call(self->c.fd, 0, FD_GIVE, &cloexec,
				   sizeof(cloexec), NULL, 0, &ev));
	/* Plain calls still work, and the server saw no failure. */
	ASSERT_EQ(2, simple(self->c.fd, FD_SEEN, NULL, 0));
	ASSERT_EQ(0, simple(self->c.fd, FD_LASTERR, NULL, 0));
	close(filler[--n]);
	ASSERT_EQ(0, st_call(self->c.fd, 0, FD_GIVE, &cloexec,
			     sizeof(cloexec), NULL, 0, &ev));
	o = st_ev_obj(&ev, 0);
	ASSERT_LE(0, o.fd);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(sizeof(text), read(o.fd, text, sizeof(text)));
	ASSERT_STREQ(GIVE_TEXT, text);
	close(o.fd);
	while (n)
		close(filler[--n]);
	free(filler);
	ASSERT_EQ(base, count_fds(getpid()));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* A one-way never taken by a server that then dies drops its file. */
TEST_F(fd, oneway_never_taken)
{
	struct fd_msg m = { .value = 42 };
	__u64 off = 0;
	struct st_pipe p;
	int base;

	ASSERT_EQ(0, st_pipe_open(&p));
	base = simple(self->c.fd, FD_COUNT, NULL, 0);
	ASSERT_LT(0, base);
	ASSERT_EQ(0, simple(self->c.fd, FD_STALL, NULL, 0));
	m.obj = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);
	ASSERT_EQ(0, st_oneway(self->c.fd, 0, FD_WRITE, &m, sizeof(m), &off,
			       1));
	close(p.w);
	/* In flight it keeps the pipe open, and the server has no fd yet. */
	ASSERT_EQ(0, eof_within(p.r, 300));
	ASSERT_EQ(base, count_fds(self->server));
	kill(self->server, SIGKILL);
	ASSERT_EQ(128 + SIGKILL, st_reap(self->server));
	ASSERT_EQ(1, eof_within(p.r, 5000));
}

struct caller_arg {
	int fd;
	__u32 code;
};

/* In a helper: a call with @fd that must end with ESRCH. */
static int blocked_caller(void *arg)
{
	struct caller_arg *a = arg;
	struct sipc_object o = fd_obj(a->fd, 0);
	struct sipc_event ev;
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	CK(call_objs(c.fd, a->code, &o, 1, &ev) == -ESRCH);
	return 0;
}

/* So does a call whose server dies before taking it. */
TEST_F(fd, call_never_taken)
{
	struct caller_arg a = { .code = FD_PROBE };
	struct st_pipe p;
	pid_t caller;

	ASSERT_EQ(0, st_pipe_open(&p));
	ASSERT_EQ(0, simple(self->c.fd, FD_STALL, NULL, 0));
	a.fd = p.w;
	caller = st_fork(blocked_caller, &a);
	ASSERT_LT(0, caller);
	close(p.w);
	/* The caller waits (its copy keeps the pipe open anyway). */
	ASSERT_EQ(-ETIMEDOUT, st_reap_timeout(caller, 300));
	kill(self->server, SIGKILL);
	ASSERT_EQ(128 + SIGKILL, st_reap(self->server));
	ASSERT_EQ(0, st_reap(caller));
	/* Caller and server are gone: nothing may pin the write end. */
	ASSERT_EQ(1, eof_within(p.r, 5000));
}

/*
 * A one-way queued behind one the server holds (one-ways to a node run
 * one at a time) is never taken either; the server's death drops it.
 */
TEST_F(fd, queued_oneway_dropped)
{
	struct fd_msg m = { .value = 7 };
	__u64 off = 0;
	struct st_pipe p;

	ASSERT_EQ(0, st_pipe_open(&p));
	ASSERT_EQ(0, st_oneway(self->c.fd, 0, FD_HOLD, NULL, 0, NULL, 0));
	m.obj = fd_obj(p.w, 0);
	ASSERT_EQ(0, st_oneway(self->c.fd, 0, FD_WRITE, &m, sizeof(m), &off,
			       1));
	close(p.w);
	ASSERT_EQ(1, simple(self->c.fd, FD_SEEN, NULL, 0));
	ASSERT_EQ(0, eof_within(p.r, 300));
	kill(self->server, SIGKILL);
	ASSERT_EQ(128 + SIGKILL, st_reap(self->server));
	ASSERT_EQ(1, eof_within(p.r, 5000));
}

/* A send to a server that closed its device fails and pins nothing. */
TEST_F(fd, closed_receiver)
{
	struct sipc_object o;
	struct sipc_event ev;
	struct st_pipe p;

	ASSERT_EQ(0, st_pipe_open(&p));
	ASSERT_EQ(0, simple(self->c.fd, FD_CLOSEDEV, NULL, 0));
	o = fd_obj(p.w, 0);
	ASSERT_EQ(-ESRCH, call_objs(self->c.fd, FD_PROBE, &o, 1, &ev));
	ASSERT_EQ(-ESRCH, oneway_objs(self->c.fd, FD_PROBE, &o, 1));
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
}

/* The receiver gets its descriptor when it takes the payload. */
TEST_F(fd, installed_when_taken)
{
	const __u32 ms = 600;
	struct sipc_object o;
	struct st_pipe p;
	int base, i;

	ASSERT_EQ(0, st_pipe_open(&p));
	base = simple(self->c.fd, FD_COUNT, NULL, 0);
	ASSERT_LT(0, base);
	ASSERT_EQ(base, count_fds(self->server));
	ASSERT_EQ(0, st_oneway(self->c.fd, 0, FD_SLEEP, &ms, sizeof(ms),
			       NULL, 0));
	o = fd_obj(p.w, 0);
	ASSERT_EQ(0, oneway_objs(self->c.fd, FD_PROBE, &o, 1));
	usleep(200 * 1000);
	/* Queued while the server sleeps: nothing in its table yet. */
	ASSERT_EQ(base, count_fds(self->server));
	for (i = 0; i < 5000 && count_fds(self->server) == base; i++)
		usleep(1000);
	ASSERT_EQ(base + 1, count_fds(self->server));
	/* FD_COUNT, FD_SLEEP and FD_PROBE. */
	ASSERT_EQ(3, simple(self->c.fd, FD_SEEN, NULL, 0));
	ASSERT_EQ(1, simple(self->c.fd, FD_CLOSE_KEPT, NULL, 0));
	ASSERT_EQ(base, count_fds(self->server));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* 64 pipes in one payload: each fd arrives where it was put. */
TEST_F(fd, many_in_order)
{
	enum { N = 64 };
	struct fd_msg m[N];
	__u64 offs[N], v;
	struct st_pipe p[N];
	struct sipc_event ev;
	int i;

	for (i = 0; i < N; i++) {
		ASSERT_EQ(0, st_pipe_open(&p[i]));
		m[i].obj = fd_obj(p[i].w, i % 2 ? SIPC_OBJ_FD_CLOEXEC : 0);
		m[i].value = 1000003ULL * i + 17;
		offs[i] = i * sizeof(m[0]);
	}
	ASSERT_EQ(0, st_call(self->c.fd, 0, FD_WRITE, m, sizeof(m), offs, N,
			     &ev));
	ASSERT_EQ(N, ev.code);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(sizeof(v), read(p[i].r, &v, sizeof(v)));
		ASSERT_EQ(m[i].value, v) TH_LOG("pipe %d", i);
		close(p[i].w);
		ASSERT_EQ(1, eof_within(p[i].r, 2000));
		close(p[i].r);
	}
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* As many fds as a payload may carry objects, to a server that has room. */
TEST_F(fd, max_objects)
{
	struct sipc_object *objs = calloc(SIPC_MAX_OBJECTS + 1, sizeof(*objs));
	const struct fd_info *info;
	struct sipc_event ev;
	struct st_pipe p;
	struct stat st;
	int i, base, ret;

	ASSERT_NE(NULL, objs);
	ASSERT_EQ(0, st_pipe_open(&p));
	ino_of(p.w, &st);
	ret = simple_u32(self->c.fd, FD_RAISE, 2 * SIPC_MAX_OBJECTS);
	if (ret == EPERM)
		SKIP(return, "cannot raise RLIMIT_NOFILE");
	ASSERT_EQ(0, ret);
	base = simple(self->c.fd, FD_COUNT, NULL, 0);
	for (i = 0; i < SIPC_MAX_OBJECTS; i++)
		objs[i] = fd_obj(p.w, i % 3 ? 0 : SIPC_OBJ_FD_CLOEXEC);
	ASSERT_EQ(0, call_objs(self->c.fd, FD_PROBE, objs, SIPC_MAX_OBJECTS,
			       &ev));
	ASSERT_EQ(SIPC_MAX_OBJECTS, ev.code);
	info = st_ptr(ev.data);
	for (i = 0; i < SIPC_MAX_OBJECTS; i++) {
		ASSERT_EQ(SIPC_OBJ_FD, info[i].type);
		ASSERT_EQ(st.st_ino, info[i].ino);
		ASSERT_EQ(!(i % 3), info[i].cloexec) TH_LOG("object %d", i);
		/* Lowest free first, in order: strictly increasing. */
		if (i)
			ASSERT_LT(info[i - 1].fd, info[i].fd);
	}
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	/* One more is E2BIG, before anything is pinned. */
	objs[SIPC_MAX_OBJECTS] = fd_obj(p.w, 0);
	ASSERT_EQ(-E2BIG, call_objs(self->c.fd, FD_PROBE, objs,
				    SIPC_MAX_OBJECTS + 1, &ev));
	ASSERT_EQ(base + SIPC_MAX_OBJECTS, simple(self->c.fd, FD_COUNT,
						  NULL, 0));
	ASSERT_EQ(SIPC_MAX_OBJECTS, simple(self->c.fd, FD_CLOSE_KEPT, NULL, 0));
	ASSERT_EQ(base, simple(self->c.fd, FD_COUNT, NULL, 0));
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	free(objs);
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* The receiver owns what it got: open after the buffer is freed, no more. */
TEST_F(fd, receiver_owns_no_leak)
{
	struct sipc_object objs[3];
	struct sipc_event ev;
	struct st_pipe p;
	int base, i;

	ASSERT_EQ(0, st_pipe_open(&p));
	base = simple(self->c.fd, FD_COUNT, NULL, 0);
	ASSERT_LT(0, base);
	for (i = 0; i < 3; i++)
		objs[i] = fd_obj(i ? p.w : p.r, SIPC_OBJ_FD_CLOEXEC);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, call_objs(self->c.fd, FD_PROBE, objs, 3, &ev));
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
		/* The request's buffer went back before the reply. */
		ASSERT_EQ(base + 3, simple(self->c.fd, FD_COUNT, NULL, 0));
		ASSERT_EQ(3, simple(self->c.fd, FD_CLOSE_KEPT, NULL, 0));
		ASSERT_EQ(base, simple(self->c.fd, FD_COUNT, NULL, 0));
	}
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

/* Fds beside nodes and handles, and a bad fd after a node. */
TEST_F(fd, beside_nodes)
{
	struct sipc_object objs[3];
	const struct fd_info *info;
	struct sipc_event ev;
	struct st_pipe p;

	ASSERT_EQ(0, st_pipe_open(&p));
	ASSERT_EQ(0, st_node_create(self->c.fd, CLIENT_COOKIE));
	objs[0] = st_obj_node(CLIENT_COOKIE);
	objs[1] = fd_obj(p.w, SIPC_OBJ_FD_CLOEXEC);
	objs[2] = st_obj_node(CLIENT_COOKIE);
	ASSERT_EQ(0, call_objs(self->c.fd, FD_PROBE, objs, 3, &ev));
	info = st_ptr(ev.data);
	EXPECT_EQ(SIPC_OBJ_HANDLE, info[0].type);
	EXPECT_EQ(SIPC_OBJ_FD, info[1].type);
	EXPECT_LE(0, info[1].fd);
	EXPECT_EQ(1, info[1].cloexec);
	EXPECT_EQ(SIPC_OBJ_HANDLE, info[2].type);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	objs[1] = fd_obj(-1, 0);
	ASSERT_EQ(-EBADF, call_objs(self->c.fd, FD_PROBE, objs, 3, &ev));
	objs[1] = fd_obj(p.w, 0);
	objs[2] = st_obj_handle(12345);
	ASSERT_EQ(-ENOENT, call_objs(self->c.fd, FD_PROBE, objs, 3, &ev));
	ASSERT_EQ(1, simple(self->c.fd, FD_CLOSE_KEPT, NULL, 0));
	close(p.w);
	ASSERT_EQ(1, eof_within(p.r, 2000));
	ASSERT_EQ(0, simple(self->c.fd, FD_QUIT, NULL, 0));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_HARNESS_MAIN
