/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the sipc transaction selftests: a device context
 * (open + read-only mapping), thin wrappers over SIPC_IOC_TRANSACT and the
 * object ioctls that return 0 or -errno (so a test can ASSERT_EQ(-ENOENT,
 * ...)), forked helper processes that die with the test, pipes to hand
 * numbers between them, and a tiny registry served on handle 0.
 *
 * Everything is static inline: each *_test.c is its own program and uses
 * only part of this.
 */
#ifndef SIPC_TEST_H
#define SIPC_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/sipc.h>

#define ST_DEV		"/dev/sipc"
#define ST_AREA		(1024 * 1024)

/* One process's view of the device. */
struct st_ctx {
	int fd;
	const unsigned char *area;
	size_t size;
};

/*
 * A check inside a helper process (not the harness's test process, whose
 * ASSERT_* would unwind the wrong stack): say what failed, and exit
 * non-zero so the test that reaps us fails.
 */
#define CK(cond) do {							\
	if (!(cond)) {							\
		fprintf(stderr, "# pid %d: %s:%d: check failed: %s "	\
			"(errno %d)\n", getpid(), __FILE__, __LINE__,	\
			#cond, errno);					\
		_exit(1);						\
	}								\
} while (0)

static inline int st_err(int ret)
{
	return ret < 0 ? -errno : ret;
}

static inline int st_open(struct st_ctx *c, size_t size)
{
	void *p;

	c->area = NULL;
	c->size = 0;
	c->fd = open(ST_DEV, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, c->fd, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		close(c->fd);
		c->fd = -1;
		return err;
	}
	c->area = p;
	c->size = size;
	return 0;
}

static inline void st_close(struct st_ctx *c)
{
	if (c->area)
		munmap((void *)c->area, c->size);
	if (c->fd >= 0)
		close(c->fd);
	c->area = NULL;
	c->fd = -1;
}

/* Does @addr (from an event) lie inside @c's own area? */
static inline bool st_in_area(const struct st_ctx *c, __u64 addr, __u64 len)
{
	__u64 start = (uintptr_t)c->area;

	return addr >= start && len <= c->size && addr - start <= c->size - len;
}

static inline const void *st_ptr(__u64 addr)
{
	return (const void *)(uintptr_t)addr;
}

/* ---- ioctl wrappers: 0 or -errno ---- */

static inline int st_transact(int fd, struct sipc_transact *tr)
{
	return st_err(ioctl(fd, SIPC_IOC_TRANSACT, tr));
}

static inline int st_send(int fd, __u32 op, __u32 handle, __u32 code,
			  const void *data, size_t size, const __u64 *offs,
			  size_t n, __u32 recv_flags, struct sipc_event *ev)
{
	struct sipc_transact tr = {
		.send_op = op,
		.handle = handle,
		.code = code,
		.data = (uintptr_t)data,
		.data_size = size,
		.offsets = (uintptr_t)offs,
		.offsets_count = n,
		.recv_flags = recv_flags,
	};
	int ret = st_transact(fd, &tr);

	if (ev)
		*ev = tr.ev;
	return ret;
}

/* A synchronous call: the reply (or a nested call) lands in @ev. */
static inline int st_call(int fd, __u32 handle, __u32 code, const void *data,
			  size_t size, const __u64 *offs, size_t n,
			  struct sipc_event *ev)
{
	return st_send(fd, SIPC_SEND_CALL, handle, code, data, size, offs, n,
		       0, ev);
}

static inline int st_oneway(int fd, __u32 handle, __u32 code,
			    const void *data, size_t size, const __u64 *offs,
			    size_t n)
{
	return st_send(fd, SIPC_SEND_ONEWAY, handle, code, data, size, offs, n,
		       0, NULL);
}

/* Reply to the call being served and wait for the next event. */
static inline int st_reply_wait(int fd, __u32 status, const void *data,
				size_t size, const __u64 *offs, size_t n,
				struct sipc_event *ev)
{
	return st_send(fd, SIPC_SEND_REPLY, 0, status, data, size, offs, n,
		       SIPC_RECV_WAIT, ev);
}

static inline int st_reply(int fd, __u32 status, const void *data,
			   size_t size, const __u64 *offs, size_t n)
{
	return st_send(fd, SIPC_SEND_REPLY, 0, status, data, size, offs, n,
		       0, NULL);
}

static inline int st_wait(int fd, struct sipc_event *ev)
{
	return st_send(fd, SIPC_SEND_NONE, 0, 0, NULL, 0, NULL, 0,
		       SIPC_RECV_WAIT, ev);
}

/* -EAGAIN when nothing is queued for this thread right now. */
static inline int st_poll(int fd, struct sipc_event *ev)
{
	return st_send(fd, SIPC_SEND_NONE, 0, 0, NULL, 0, NULL, 0,
		       SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK, ev);
}

/* The next event for this thread within @ms milliseconds, or -ETIMEDOUT. */
static inline int st_next_event(int fd, struct sipc_event *ev, int ms)
{
	int ret, i;

	for (i = 0; i < ms; i++) {
		ret = st_poll(fd, ev);
		if (ret != -EAGAIN)
			return ret;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

static inline int st_free(int fd, __u64 addr)
{
	return st_err(ioctl(fd, SIPC_IOC_FREE_BUFFER, &addr));
}

static inline int st_node_ioctl(int fd, unsigned long cmd, __u64 cookie,
				__u32 flags)
{
	struct sipc_node_info ni = { .cookie = cookie, .flags = flags };

	return st_err(ioctl(fd, cmd, &ni));
}

static inline int st_node_create(int fd, __u64 cookie)
{
	return st_node_ioctl(fd, SIPC_IOC_NODE_CREATE, cookie, 0);
}

static inline int st_node_destroy(int fd, __u64 cookie, __u32 flags)
{
	return st_node_ioctl(fd, SIPC_IOC_NODE_DESTROY, cookie, flags);
}

static inline int st_set_cm(int fd, __u64 cookie)
{
	return st_node_ioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, cookie, 0);
}

/*
 * Claim handle 0. The previous test's manager may still be on its way
 * out (a helper killed by its parent's death), so EBUSY is retried a
 * little while before it counts.
 */
static inline int st_claim_cm_as(int fd, __u64 cookie, __u32 flags,
				 __u32 sched)
{
	struct sipc_node_info ni = { .cookie = cookie, .flags = flags };
	int ret, i;

	ni.sched = sched;
	for (i = 0; i < 200; i++) {
		ret = st_err(ioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &ni));
		if (ret != -EBUSY)
			break;
		usleep(10000);
	}
	return ret;
}

static inline int st_claim_cm(int fd, __u64 cookie)
{
	return st_claim_cm_as(fd, cookie, 0, 0);
}

/* Write @v to a module parameter's file: 0 or -errno. */
static inline int st_param_write(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) < 0 ? -EIO : 0;
	return fclose(f) ? -errno : ret;
}

static inline int st_acquire(int fd, __u32 handle)
{
	return st_err(ioctl(fd, SIPC_IOC_ACQUIRE, &handle));
}

static inline int st_release(int fd, __u32 handle)
{
	return st_err(ioctl(fd, SIPC_IOC_RELEASE, &handle));
}

static inline int st_death_request(int fd, __u32 handle, __u64 cookie)
{
	struct sipc_death_request dr = { .handle = handle, .cookie = cookie };

	return st_err(ioctl(fd, SIPC_IOC_DEATH_REQUEST, &dr));
}

static inline int st_death_clear(int fd, __u32 handle, __u64 cookie)
{
	struct sipc_death_request dr = { .handle = handle, .cookie = cookie };

	return st_err(ioctl(fd, SIPC_IOC_DEATH_CLEAR, &dr));
}

static inline int st_set_max_threads(int fd, __u32 n)
{
	return st_err(ioctl(fd, SIPC_IOC_SET_MAX_THREADS, &n));
}

static inline int st_looper_enter(int fd, __u32 flags)
{
	return st_err(ioctl(fd, SIPC_IOC_LOOPER_ENTER, &flags));
}

/* ---- payload helpers ---- */

/* A byte pattern that differs for every (seed, position) pair. */
static inline unsigned char st_pat(unsigned int seed, size_t i)
{
	return (unsigned char)(seed * 131 + i * 7 + (i >> 8) * 13 + 1);
}

static inline void st_fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = st_pat(seed, i);
}

/* Index of the first byte that differs from the pattern, or -1. */
static inline long st_check(const void *buf, size_t len, unsigned int seed)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != st_pat(seed, i))
			return (long)i;
	return -1;
}

static inline struct sipc_object st_obj_node(__u64 cookie)
{
	struct sipc_object o = { .type = SIPC_OBJ_NODE, .cookie = cookie };

	return o;
}

static inline struct sipc_object st_obj_handle(__u32 handle)
{
	struct sipc_object o = { .type = SIPC_OBJ_HANDLE };

	o.handle = handle;
	return o;
}

/* The object at index @i of a delivered event, read in place. */
static inline struct sipc_object st_ev_obj(const struct sipc_event *ev,
					   size_t i)
{
	const __u64 *offs = st_ptr(ev->offsets);
	struct sipc_object o;

	memcpy(&o, (const char *)st_ptr(ev->data) + offs[i], sizeof(o));
	return o;
}

static inline double st_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- helper processes ---- */

#define ST_MAX_KIDS 64

/* The test's helper processes, killed and reaped whatever happens. */
static pid_t st_kids[ST_MAX_KIDS];

/*
 * Run @fn(@arg) in a child, whose exit status is its return value. The
 * child dies with the test process so a failed ASSERT leaves nothing
 * behind (not even a context manager blocking the next test).
 */
static inline pid_t st_fork(int (*fn)(void *), void *arg)
{
	pid_t parent = getpid(), pid;
	int i;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Orphaned already? (0: the parent is outside our pid ns.) */
		if (getppid() != parent && getppid() != 0)
			_exit(99);
		_exit(fn(arg));
	}
	for (i = 0; i < ST_MAX_KIDS; i++) {
		if (!st_kids[i]) {
			st_kids[i] = pid;
			break;
		}
	}
	return pid;
}

static inline void st_forget(pid_t pid)
{
	int i;

	for (i = 0; i < ST_MAX_KIDS; i++)
		if (st_kids[i] == pid)
			st_kids[i] = 0;
}

/* Wait for a helper: its exit code, 128 + signal if killed, -1 on error. */
static inline int st_reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	st_forget(pid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Like st_reap() but gives up (-ETIMEDOUT) after @ms milliseconds. */
static inline int st_reap_timeout(pid_t pid, int ms)
{
	int status, i;
	pid_t r;

	for (i = 0; i < ms; i++) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			st_forget(pid);
			if (WIFEXITED(status))
				return WEXITSTATUS(status);
			return 128 + WTERMSIG(status);
		}
		if (r < 0)
			return -1;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

static inline void st_kill_all(void)
{
	int i;

	for (i = 0; i < ST_MAX_KIDS; i++) {
		if (!st_kids[i])
			continue;
		kill(st_kids[i], SIGKILL);
		waitpid(st_kids[i], NULL, 0);
		st_kids[i] = 0;
	}
}

/* Send @fd over the UNIX socket @sock (SCM_RIGHTS, one byte); 0 or -errno. */
static inline int st_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

/* ---- pipes: numbers between processes ---- */

struct st_pipe {
	int r, w;
};

static inline int st_pipe_open(struct st_pipe *p)
{
	int fds[2];

	p->r = -1;
	p->w = -1;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	p->r = fds[0];
	p->w = fds[1];
	return 0;
}

static inline int st_put(struct st_pipe *p, __u64 v)
{
	return write(p->w, &v, sizeof(v)) == sizeof(v) ? 0 : -EPIPE;
}

/* 0, -ETIMEDOUT after @ms (10 s when 0), or -EPIPE when the writer left. */
static inline int st_get_timeout(struct st_pipe *p, __u64 *v, int ms)
{
	struct pollfd pfd = { .fd = p->r, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, ms ?: 10000);
	} while (ret < 0 && errno == EINTR);
	if (ret == 0)
		return -ETIMEDOUT;
	if (read(p->r, v, sizeof(*v)) != sizeof(*v))
		return -EPIPE;
	return 0;
}

static inline int st_get(struct st_pipe *p, __u64 *v)
{
	return st_get_timeout(p, v, 0);
}

/* A value off the pipe, or a failed child. */
static inline __u64 st_get_ck(struct st_pipe *p)
{
	__u64 v = 0;

	CK(st_get(p, &v) == 0);
	return v;
}

/* ---- the test server ---- */

/*
 * One server program for all tests. Run as context manager it is also a
 * registry: REG_PUT {key, object} keeps the handle it receives (with a
 * reference), REG_GET {key} answers {key, handle object} or status
 * ENOENT, REG_DROP {key} lets it go. Any instance also answers:
 *   ST_ECHO    the request with every byte inverted, status ST_ECHO_STATUS
 *   ST_GEN     struct st_gen: a reply of that pattern, size and status
 *   ST_WHO     struct st_who: what the server saw of this request
 *   ST_HOLD    an empty reply, keeping the request buffer unfreed
 *   ST_UNHOLD  frees every held request buffer
 *   ST_SLEEP   {__u32 ms}: sleeps, then replies with status ms
 *   ST_LASTERR status: -errno of the last reply the driver refused
 *   ST_NEST    struct st_nest: calls back into the caller, see st_nest_call
 *   ST_MIRROR  the request as it arrived, objects and all; status: how
 *              many objects came as handles
 *   ST_POKE    {__u32 code}: a one-way with that code to the last ST_NEST
 *              caller's node
 *   ST_CHAIN   objects only: calls the first (a handle) with ST_CHAIN and
 *              the rest of them; with none, replies 4242; else status is
 *              the reply's status + 1
 *   ST_BADREPLY replies with an object of type 99 (which must fail)
 *   ST_DESTROY destroys the server's node, status: 0 or errno
 *   ST_CLOSE   replies, closes the device and sleeps until killed
 *   ST_QUIT    replies, then the server exits 0
 * A one-way request is served the same way and gets no reply. Anything
 * unexpected makes the server exit non-zero, which the test checks.
 */
enum {
	ST_ECHO = 1,
	ST_GEN,
	ST_WHO,
	ST_HOLD,
	ST_UNHOLD,
	ST_SLEEP,
	ST_LASTERR,
	ST_NEST,
	ST_POKE,
	ST_MIRROR,
	ST_DESTROY,
	ST_CLOSE,
	ST_CHAIN,
	ST_BADREPLY,
	ST_REG_PUT = 0x100,
	ST_REG_GET,
	ST_REG_DROP,
	ST_QUIT = 0x1ff,
};

#define ST_ECHO_STATUS(size)	((__u32)(size) ^ 0x5a5a5a5a)
#define ST_CM_COOKIE		0xc0ffee00ULL
#define ST_REG_SLOTS		32
#define ST_MAX_HELD		64

struct st_gen {
	__u32 seed;
	__u32 status;
	__u64 size;
};

struct st_who {
	__u32 type, flags, code, sender_pid, sender_euid, pad;
	__u64 cookie, data_size, offsets_count;
	__u64 in_area;
};

struct st_reg_msg {
	__u64 key;
	struct sipc_object obj;
};

/* A nested call: depth left, and optionally the caller's node at 8. */
struct st_nest {
	__u32 depth;
	__u32 pad;
	struct sipc_object node;
};

struct st_server {
	size_t area;		/* its receive area */
	bool cm;		/* claim handle 0 (and be the registry) */
	__u64 cookie;		/* its node's cookie */
	__u64 key;		/* not cm: publish the node under this key */
	struct st_pipe ready;	/* 1 once it serves */
};

static inline int st_reg_put_node(int fd, __u64 key, __u64 cookie);

/* What one server process keeps between requests. */
struct st_srv_state {
	struct st_ctx c;
	bool cm;
	__u64 cookie;
	__u64 key[ST_REG_SLOTS];
	__u32 handle[ST_REG_SLOTS];
	bool used[ST_REG_SLOTS];
	__u64 held[ST_MAX_HELD];
	int nr_held;
	int last_err;
	__u32 peer;		/* handle of the last ST_NEST caller's node */
	unsigned char *scratch;
	size_t scratch_size;
	__u64 *offs;
	__u64 mirrored;		/* request buffer to free after the reply */
	struct st_who who;
	struct st_reg_msg reg_out;
};

static inline unsigned char *st_scratch(struct st_srv_state *s, size_t size)
{
	if (size > s->scratch_size) {
		free(s->scratch);
		s->scratch = malloc(size);
		CK(s->scratch);
		s->scratch_size = size;
	}
	return s->scratch;
}

static inline int st_reg_find(struct st_srv_state *s, __u64 key)
{
	int i;

	for (i = 0; i < ST_REG_SLOTS; i++)
		if (s->used[i] && s->key[i] == key)
			return i;
	return -1;
}

static inline __u32 st_reg_serve(struct st_srv_state *s,
				 const struct sipc_event *ev,
				 const void **out, size_t *out_size,
				 size_t *nobj)
{
	const struct st_reg_msg *in = st_ptr(ev->data);
	struct sipc_object o;
	int i;

	CK(ev->data_size >= sizeof(__u64));
	i = st_reg_find(s, in->key);
	switch (ev->code) {
	case ST_REG_PUT:
		CK(ev->offsets_count == 1 && ev->data_size == sizeof(*in));
		o = st_ev_obj(ev, 0);
		CK(o.type == SIPC_OBJ_HANDLE);
		if (i < 0) {
			for (i = 0; i < ST_REG_SLOTS && s->used[i]; i++)
				;
			CK(i < ST_REG_SLOTS);
		} else {
			CK(st_release(s->c.fd, s->handle[i]) == 0);
		}
		CK(st_acquire(s->c.fd, o.handle) == 0);
		s->key[i] = in->key;
		s->handle[i] = o.handle;
		s->used[i] = true;
		return 0;
	case ST_REG_GET:
		if (i < 0)
			return ENOENT;
		s->reg_out.key = in->key;
		s->reg_out.obj = st_obj_handle(s->handle[i]);
		*out = &s->reg_out;
		*out_size = sizeof(s->reg_out);
		*nobj = 1;
		return 0;
	case ST_REG_DROP:
		if (i < 0)
			return ENOENT;
		s->used[i] = false;
		CK(st_release(s->c.fd, s->handle[i]) == 0);
		return 0;
	}
	return EINVAL;
}

/*
 * Call @peer with ST_NEST(@depth) (carrying our node @cookie when not 0)
 * and serve the nested ST_NEST calls that come back to this very thread
 * while it waits, each calling @peer again one level down. Returns the
 * number of nested calls this thread served, or -errno.
 */
static inline int st_nest_call(int fd, __u32 peer, __u32 depth, __u64 cookie,
			       pid_t peer_pid)
{
	static const __u64 off = offsetof(struct st_nest, node);
	struct st_nest req = { .depth = depth };
	struct sipc_event ev;
	int ret, served = 0;

	if (cookie)
		req.node = st_obj_node(cookie);
	ret = st_call(fd, peer, ST_NEST, &req, sizeof(req), &off, !!cookie,
		      &ev);
	for (;;) {
		struct st_nest in;

		if (ret)
			return ret;
		if (ev.type == SIPC_EV_REPLY)
			break;
		CK(ev.type == SIPC_EV_TRANSACTION && ev.code == ST_NEST);
		CK(!(ev.flags & SIPC_EVF_ONEWAY));
		CK(!peer_pid || ev.sender_pid == (__u32)peer_pid);
		CK(ev.data_size == sizeof(in) && ev.offsets_count == 0);
		memcpy(&in, st_ptr(ev.data), sizeof(in));
		CK(st_free(fd, ev.data) == 0);
		CK(in.depth < depth);
		if (in.depth) {
			ret = st_nest_call(fd, peer, in.depth - 1, 0, peer_pid);
			CK(ret >= 0);
			served += ret;
		}
		served++;
		ret = st_reply_wait(fd, 1000 + in.depth, &in, sizeof(in), NULL,
				    0, &ev);
	}
	CK(ev.code == 1000 + depth && ev.data_size == sizeof(req));
	CK(((const struct st_nest *)st_ptr(ev.data))->depth == depth);
	CK(st_free(fd, ev.data) == 0);
	return served;
}

/* Serve one request in place; say what to reply. */
static inline __u32 st_serve_one(struct st_srv_state *s,
				 const struct sipc_event *ev,
				 const void **out, size_t *out_size,
				 size_t *nobj, bool *keep)
{
	const unsigned char *in = st_ptr(ev->data);
	unsigned char *buf;
	__u32 v;
	size_t i;

	switch (ev->code) {
	case ST_ECHO:
		buf = st_scratch(s, ev->data_size);
		for (i = 0; i < ev->data_size; i++)
			buf[i] = ~in[i];
		*out = buf;
		*out_size = ev->data_size;
		return ST_ECHO_STATUS(ev->data_size);
	case ST_GEN: {
		struct st_gen g;

		CK(ev->data_size == sizeof(g));
		memcpy(&g, in, sizeof(g));
		buf = st_scratch(s, g.size);
		st_fill(buf, g.size, g.seed);
		*out = buf;
		*out_size = g.size;
		return g.status;
	}
	case ST_WHO:
		s->who.type = ev->type;
		s->who.flags = ev->flags;
		s->who.code = ev->code;
		s->who.sender_pid = ev->sender_pid;
		s->who.sender_euid = ev->sender_euid;
		s->who.cookie = ev->cookie;
		s->who.data_size = ev->data_size;
		s->who.offsets_count = ev->offsets_count;
		s->who.in_area = st_in_area(&s->c, ev->data, ev->data_size);
		*out = &s->who;
		*out_size = sizeof(s->who);
		return 0;
	case ST_HOLD:
		CK(s->nr_held < ST_MAX_HELD);
		s->held[s->nr_held++] = ev->data;
		*keep = true;
		return s->nr_held;
	case ST_UNHOLD:
		v = s->nr_held;
		while (s->nr_held)
			CK(st_free(s->c.fd, s->held[--s->nr_held]) == 0);
		return v;
	case ST_SLEEP:
		CK(ev->data_size == sizeof(v));
		memcpy(&v, in, sizeof(v));
		usleep(v * 1000);
		return v;
	case ST_LASTERR:
		v = -s->last_err;
		s->last_err = 0;
		return v;
	case ST_NEST: {
		struct st_nest n;
		int ret;

		CK(ev->data_size == sizeof(n) && ev->offsets_count <= 1);
		memcpy(&n, in, sizeof(n));
		if (ev->offsets_count) {
			struct sipc_object o = st_ev_obj(ev, 0);

			CK(o.type == SIPC_OBJ_HANDLE);
			if (s->peer)
				CK(st_release(s->c.fd, s->peer) == 0);
			CK(st_acquire(s->c.fd, o.handle) == 0);
			s->peer = o.handle;
		}
		if (n.depth) {
			ret = st_nest_call(s->c.fd, s->peer, n.depth - 1, 0,
					   ev->sender_pid);
			CK(ret >= 0);
		}
		buf = st_scratch(s, sizeof(n));
		memcpy(buf, &n, sizeof(n));
		*out = buf;
		*out_size = sizeof(n);
		return 1000 + n.depth;
	}
	case ST_POKE:
		CK(ev->data_size == sizeof(v) && s->peer);
		memcpy(&v, in, sizeof(v));
		CK(st_oneway(s->c.fd, s->peer, v, NULL, 0, NULL, 0) == 0);
		return 0;
	case ST_MIRROR:
		buf = st_scratch(s, ev->data_size);
		memcpy(buf, in, ev->data_size);
		free(s->offs);
		s->offs = calloc(ev->offsets_count + 1, sizeof(__u64));
		CK(s->offs);
		memcpy(s->offs, st_ptr(ev->offsets),
		       ev->offsets_count * sizeof(__u64));
		for (i = 0, v = 0; i < ev->offsets_count; i++)
			v += st_ev_obj(ev, i).type == SIPC_OBJ_HANDLE;
		/* Its handles must live until the reply is translated. */
		*keep = true;
		s->mirrored = ev->data;
		*out = buf;
		*out_size = ev->data_size;
		*nobj = ev->offsets_count;
		return v;
	case ST_CHAIN: {
		struct sipc_object fwd[4];
		__u64 offs[4] = { 0, 16, 32, 48 };
		struct sipc_event rev;
		size_t n = ev->offsets_count;

		CK(n <= 4 && ev->data_size == n * sizeof(fwd[0]));
		if (!n)
			return 4242;
		for (i = 1; i < n; i++)
			fwd[i - 1] = st_ev_obj(ev, i);
		CK(st_ev_obj(ev, 0).type == SIPC_OBJ_HANDLE);
		CK(st_call(s->c.fd, st_ev_obj(ev, 0).handle, ST_CHAIN, fwd,
			   (n - 1) * sizeof(fwd[0]), offs, n - 1, &rev) == 0);
		CK(rev.type == SIPC_EV_REPLY);
		CK(st_free(s->c.fd, rev.data) == 0);
		return rev.code + 1;
	}
	case ST_BADREPLY:
		s->reg_out.key = 0;
		s->reg_out.obj.type = 99;
		s->reg_out.obj.raw = 0;
		*out = &s->reg_out;
		*out_size = sizeof(s->reg_out);
		*nobj = 1;
		return 0;
	case ST_DESTROY:
		return -st_node_destroy(s->c.fd, s->cookie, 0);
	case ST_REG_PUT:
	case ST_REG_GET:
	case ST_REG_DROP:
		CK(s->cm);
		return st_reg_serve(s, ev, out, out_size, nobj);
	}
	fprintf(stderr, "# server: unknown code %u\n", ev->code);
	_exit(1);
}

static inline int st_server_run(struct st_server *cfg)
{
	static const __u64 off = offsetof(struct st_reg_msg, obj);
	struct st_srv_state *s = calloc(1, sizeof(*s));
	struct sipc_transact tr;
	struct sipc_event ev;
	int ret;

	CK(s);
	CK(st_open(&s->c, cfg->area) == 0);
	s->cm = cfg->cm;
	s->cookie = cfg->cookie;
	if (cfg->cm)
		CK(st_claim_cm(s->c.fd, cfg->cookie) == 0);
	else
		CK(st_node_create(s->c.fd, cfg->cookie) == 0);
	if (cfg->key)
		CK(st_reg_put_node(s->c.fd, cfg->key, cfg->cookie) == 0);
	CK(st_put(&cfg->ready, 1) == 0);

	memset(&tr, 0, sizeof(tr));
	tr.recv_flags = SIPC_RECV_WAIT;
	for (;;) {
		const void *out = NULL;
		size_t out_size = 0, nobj = 0;
		__u32 status;
		bool keep = false;

		ret = st_transact(s->c.fd, &tr);
		if (s->mirrored) {
			CK(st_free(s->c.fd, s->mirrored) == 0);
			s->mirrored = 0;
		}
		if (ret && tr.send_op == SIPC_SEND_REPLY &&
		    (tr.out_flags & SIPC_OUT_SENT)) {
			/* The caller gets EREMOTEIO; a test may ask. */
			s->last_err = ret;
			memset(&tr, 0, sizeof(tr));
			tr.recv_flags = SIPC_RECV_WAIT;
			continue;
		}
		CK(ret == 0);
		ev = tr.ev;
		memset(&tr, 0, sizeof(tr));
		tr.recv_flags = SIPC_RECV_WAIT;
		if (ev.type == SIPC_EV_RELEASED || ev.type == SIPC_EV_DEATH)
			continue;
		CK(ev.type == SIPC_EV_TRANSACTION);
		if (ev.code == ST_QUIT) {
			CK(st_free(s->c.fd, ev.data) == 0);
			if (!(ev.flags & SIPC_EVF_ONEWAY))
				CK(st_reply(s->c.fd, 0, NULL, 0, NULL, 0) == 0);
			return 0;
		}
		if (ev.code == ST_CLOSE) {
			CK(st_free(s->c.fd, ev.data) == 0);
			CK(st_reply(s->c.fd, 0, NULL, 0, NULL, 0) == 0);
			st_close(&s->c);
			for (;;)
				pause();
		}
		status = st_serve_one(s, &ev, &out, &out_size, &nobj, &keep);
		/* The reply is built in our memory: the request may go. */
		if (!keep)
			CK(st_free(s->c.fd, ev.data) == 0);
		if (ev.flags & SIPC_EVF_ONEWAY)
			continue;
		tr.send_op = SIPC_SEND_REPLY;
		tr.code = status;
		tr.data = (uintptr_t)out;
		tr.data_size = out_size;
		if (ev.code == ST_MIRROR)
			tr.offsets = (uintptr_t)s->offs;
		else
			tr.offsets = nobj ? (uintptr_t)&off : 0;
		tr.offsets_count = nobj;
	}
}

static inline int st_server_main(void *arg)
{
	return st_server_run(arg);
}

/*
 * Fork a server with an area of @area bytes, on handle 0 when @key is 0,
 * else published in the registry under @key. Returns its pid once it
 * serves, or -1.
 */
static inline pid_t st_server_start(size_t area, __u64 key, __u64 cookie)
{
	struct st_server cfg = {
		.area = area,
		.cm = !key,
		.cookie = cookie,
		.key = key,
	};
	__u64 v;
	pid_t pid;

	if (st_pipe_open(&cfg.ready))
		return -1;
	pid = st_fork(st_server_main, &cfg);
	if (pid > 0 && st_get(&cfg.ready, &v)) {
		kill(pid, SIGKILL);
		st_reap(pid);
		pid = -1;
	}
	close(cfg.ready.r);
	close(cfg.ready.w);
	return pid;
}

/* ---- clients of the test server ---- */

/* Publish our node @cookie under @key. */
static inline int st_reg_put_node(int fd, __u64 key, __u64 cookie)
{
	static const __u64 off = offsetof(struct st_reg_msg, obj);
	struct st_reg_msg m = { .key = key, .obj = st_obj_node(cookie) };
	struct sipc_event ev;
	int ret;

	ret = st_call(fd, SIPC_CONTEXT_MGR_HANDLE, ST_REG_PUT, &m, sizeof(m),
		      &off, 1, &ev);
	if (ret)
		return ret;
	st_free(fd, ev.data);
	return ev.type == SIPC_EV_REPLY && !ev.code ? 0 : -EPROTO;
}

/* Publish a handle we hold under @key. */
static inline int st_reg_put_handle(int fd, __u64 key, __u32 handle)
{
	static const __u64 off = offsetof(struct st_reg_msg, obj);
	struct st_reg_msg m = { .key = key, .obj = st_obj_handle(handle) };
	struct sipc_event ev;
	int ret;

	ret = st_call(fd, SIPC_CONTEXT_MGR_HANDLE, ST_REG_PUT, &m, sizeof(m),
		      &off, 1, &ev);
	if (ret)
		return ret;
	st_free(fd, ev.data);
	return ev.type == SIPC_EV_REPLY && !ev.code ? 0 : -EPROTO;
}

static inline int st_reg_drop(int fd, __u64 key)
{
	struct sipc_event ev;
	int ret;

	ret = st_call(fd, SIPC_CONTEXT_MGR_HANDLE, ST_REG_DROP, &key,
		      sizeof(key), NULL, 0, &ev);
	if (ret)
		return ret;
	st_free(fd, ev.data);
	return ev.type == SIPC_EV_REPLY ? -(int)ev.code : -EPROTO;
}

/*
 * Look @key up and keep the handle (acquired) in *@handle. A node we own
 * comes back as itself: -EEXIST, with its cookie in *@cookie.
 */
static inline int st_reg_get(int fd, __u64 key, __u32 *handle,
			     __u64 *cookie)
{
	struct sipc_event ev;
	struct sipc_object o;
	int ret;

	ret = st_call(fd, SIPC_CONTEXT_MGR_HANDLE, ST_REG_GET, &key,
		      sizeof(key), NULL, 0, &ev);
	if (ret)
		return ret;
	if (ev.type != SIPC_EV_REPLY) {
		ret = -EPROTO;
	} else if (ev.code) {
		ret = -(int)ev.code;
	} else if (ev.offsets_count != 1) {
		ret = -EPROTO;
	} else {
		o = st_ev_obj(&ev, 0);
		if (o.type == SIPC_OBJ_HANDLE) {
			*handle = o.handle;
			ret = st_acquire(fd, o.handle);
		} else if (o.type == SIPC_OBJ_NODE) {
			if (cookie)
				*cookie = o.cookie;
			ret = -EEXIST;
		} else {
			ret = -EPROTO;
		}
	}
	st_free(fd, ev.data);
	return ret;
}

/* A call with an empty payload; the reply's status, or -errno. */
static inline int st_simple(int fd, __u32 handle, __u32 code,
			    const void *data, size_t size)
{
	struct sipc_event ev;
	int ret;

	ret = st_call(fd, handle, code, data, size, NULL, 0, &ev);
	if (ret)
		return ret;
	if (ev.type != SIPC_EV_REPLY)
		return -EPROTO;
	st_free(fd, ev.data);
	return (int)(ev.code & 0x7fffffff);
}

/* The same with objects in the payload. */
static inline int st_simple_objs(int fd, __u32 handle, __u32 code,
				 const void *data, size_t size,
				 const __u64 *offs, size_t n)
{
	struct sipc_event ev;
	int ret;

	ret = st_call(fd, handle, code, data, size, offs, n, &ev);
	if (ret)
		return ret;
	if (ev.type != SIPC_EV_REPLY)
		return -EPROTO;
	st_free(fd, ev.data);
	return (int)(ev.code & 0x7fffffff);
}

static inline int st_quit(int fd, __u32 handle)
{
	return st_simple(fd, handle, ST_QUIT, NULL, 0);
}

#endif /* SIPC_TEST_H */
