// SPDX-License-Identifier: GPL-2.0
/*
 * What one process cannot do to another through sipc: call a node it was
 * not given (same uid or not), read another's receive area or write its
 * own, forge handles, nodes or the sender's identity, claim handle 0
 * against the policy, free or overwrite buffers it does not own, reply to
 * a call it does not serve, touch another's nodes or death notices; and a
 * fork child, or anyone handed the descriptor, cannot use the context.
 */
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "sipc_hard.h"

#define KEY_A		0x5ec0a
#define KEY_B		0x5ec0b
#define COOKIE_A	0xa0a0a0a0ULL
#define COOKIE_B	0xb0b0b0b0ULL
#define OWN_COOKIE	0xc0c0c0c0ULL
#define NOBODY		65534
#define PARAM_UID	"/sys/module/sipc/parameters/context_mgr_uid"

FIXTURE(sec) {
	struct st_ctx c;
	pid_t cm, a, b;
	__u32 ha;	/* our handle to A; we were never given B */
};

FIXTURE_SETUP(sec)
{
	self->c.fd = -1;
	self->c.area = NULL;
	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	self->a = st_server_start(ST_AREA, KEY_A, COOKIE_A);
	ASSERT_LT(0, self->a);
	self->b = st_server_start(ST_AREA, KEY_B, COOKIE_B);
	ASSERT_LT(0, self->b);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &self->ha, NULL));
}

static int write_param(const char *val);

FIXTURE_TEARDOWN(sec)
{
	st_close(&self->c);
	st_kill_all();
	write_param("-1");
}

/* Handles a process could guess: all of them must be refused. */
static const __u32 guesses[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 16, 100, 1000, 65535, 65536, 0x7fffffff,
	0x80000000, 0xfffffffe, 0xffffffff,
};

/* Everything a process without handles can try on numbers it made up. */
static int try_guesses(int fd, __u32 skip)
{
	struct sipc_event ev;
	size_t i;

	for (i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		__u32 h = guesses[i];

		if (h == skip)
			continue;
		if (st_call(fd, h, ST_ECHO, "x", 1, NULL, 0, &ev) != -ENOENT ||
		    st_oneway(fd, h, ST_ECHO, "x", 1, NULL, 0) != -ENOENT ||
		    st_acquire(fd, h) != -ENOENT ||
		    st_release(fd, h) != -ENOENT ||
		    st_death_request(fd, h, 1) != -ENOENT ||
		    st_death_clear(fd, h, 1) != -ENOENT) {
			fprintf(stderr, "# handle %u was usable\n", h);
			return 1;
		}
	}
	return 0;
}

static int stranger_main(void *arg)
{
	uid_t uid = *(uid_t *)arg;
	struct st_ctx c;

	if (uid)
		CK(sh_become(uid) == 0);
	CK(st_open(&c, ST_AREA) == 0);
	CK(try_guesses(c.fd, 0) == 0);
	/* Handle 0 is the registry, public by design; it still answers. */
	CK(st_simple(c.fd, 0, ST_ECHO, "ab", 2) == (int)ST_ECHO_STATUS(2));
	return 0;
}

/* "received: N" of a process's /proc/sipc detail, -1 if not there. */
static long long received(pid_t pid)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sipc/proc/%d", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "received: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * A process that was never given a node cannot reach it by guessing
 * handle numbers, whether it runs as the node's uid or as another; and
 * the node's owner never hears of the attempts.
 */
TEST_F(sec, no_handle_no_call)
{
	long long before = received(self->b);
	uid_t uid;

	uid = 0;
	ASSERT_EQ(0, st_reap(st_fork(stranger_main, &uid)));
	uid = NOBODY;
	ASSERT_EQ(0, st_reap(st_fork(stranger_main, &uid)));
	/* We hold A's handle, not B's: B's number here is no way in. */
	EXPECT_EQ(0, try_guesses(self->c.fd, self->ha));
	if (before >= 0)
		EXPECT_EQ(before, received(self->b));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Every ioctl but VERSION, and mmap, on a context that is not ours. */
static int foreign_context(int fd, __u32 handle)
{
	struct sipc_node_info ni = { .cookie = OWN_COOKIE };
	struct sipc_death_request dr = { .handle = handle, .cookie = 1 };
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL, .handle = handle, .code = ST_ECHO,
	};
	struct sipc_version v;
	__u64 addr = 0x1000;
	__u32 n = 1;
	void *p;

	CK(ioctl(fd, SIPC_IOC_VERSION, &v) == 0);
	CK(st_transact(fd, &tr) == -EXDEV);
	tr.send_op = SIPC_SEND_NONE;
	tr.recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK;
	CK(st_transact(fd, &tr) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_FREE_BUFFER, &addr)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_NODE_CREATE, &ni)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_NODE_DESTROY, &ni)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &ni)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_ACQUIRE, &handle)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_RELEASE, &handle)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_DEATH_REQUEST, &dr)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_DEATH_CLEAR, &dr)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_SET_MAX_THREADS, &n)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_LOOPER_ENTER, &n)) == -EXDEV);
	CK(st_err(ioctl(fd, SIPC_IOC_THREAD_EXIT)) == -EXDEV);
	p = mmap(NULL, ST_AREA, PROT_READ, MAP_SHARED, fd, 0);
	CK(p == MAP_FAILED && errno == EXDEV);
	return 0;
}

struct handoff {
	int sock;
	uid_t uid;
	__u32 handle;
};

static int receiver_main(void *arg)
{
	struct handoff *h = arg;
	int fd;

	if (h->uid)
		CK(sh_become(h->uid) == 0);
	fd = recv_fd(h->sock);
	CK(fd >= 0);
	CK(foreign_context(fd, h->handle) == 0);
	/* Closing its copy cuts nothing short for the opener. */
	CK(close(fd) == 0);
	return 0;
}

/*
 * A descriptor handed over a UNIX socket is of no use to its receiver,
 * same uid or not, and its close leaves the opener's context working.
 */
TEST_F(sec, passed_descriptor_is_useless)
{
	struct handoff h = { .handle = self->ha };
	int sv[2], i;
	pid_t kid;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
					sv));
		h.sock = sv[1];
		h.uid = i ? NOBODY : 0;
		kid = st_fork(receiver_main, &h);
		ASSERT_LT(0, kid);
		ASSERT_EQ(0, st_send_fd(sv[0], self->c.fd));
		EXPECT_EQ(0, st_reap(kid));
		close(sv[0]);
		close(sv[1]);
		EXPECT_EQ((int)ST_ECHO_STATUS(3),
			  st_simple(self->c.fd, self->ha, ST_ECHO, "abc", 3));
	}
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

struct forked {
	int fd;
	const unsigned char *area;
	__u32 handle;
};

static int fork_child_main(void *arg)
{
	struct forked *f = arg;
	struct st_ctx c;

	CK(foreign_context(f->fd, f->handle) == 0);
	/* Its own context starts from nothing: no parent handles. */
	CK(st_open(&c, ST_AREA) == 0);
	CK(try_guesses(c.fd, 0) == 0);
	st_close(&c);
	return 0;
}

/* Touch the parent's area address in a child: it must not be mapped. */
static int touch_main(void *arg)
{
	const volatile unsigned char *p = arg;

	return p[0] + 1;
}

/*
 * A fork child inherits the descriptor but not the context: every use is
 * EXDEV, the area is not mapped in it (not even after MADV_DOFORK), and
 * it has none of its parent's handles.
 */
TEST_F(sec, fork_child_cannot_use_parent_context)
{
	struct forked f = {
		.fd = self->c.fd, .area = self->c.area, .handle = self->ha,
	};
	struct sipc_event ev;
	int st;

	/* Make sure the first page is there to be (not) seen. */
	ASSERT_EQ(0, st_call(self->c.fd, self->ha, ST_ECHO, "zz", 2, NULL, 0,
			     &ev));
	ASSERT_TRUE(st_in_area(&self->c, ev.data, ev.data_size));
	EXPECT_EQ(0, st_reap(st_fork(fork_child_main, &f)));

	st = st_reap(st_fork(touch_main, (void *)self->c.area));
	EXPECT_TRUE(st == 128 + SIGSEGV || st == 128 + SIGBUS);
	/*
	 * Newer kernels (7.2 here) refuse MADV_DOFORK on a VM_DONTEXPAND
	 * mapping; where it is allowed, the child still reaches nothing.
	 */
	if (madvise((void *)self->c.area, self->c.size, MADV_DOFORK)) {
		EXPECT_EQ(EINVAL, errno);
	} else {
		st = st_reap(st_fork(touch_main, (void *)self->c.area));
		EXPECT_TRUE(st == 128 + SIGSEGV || st == 128 + SIGBUS);
	}

	/* The parent's reply is still where it was, intact. */
	EXPECT_EQ((unsigned char)~'z', *(const unsigned char *)st_ptr(ev.data));
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

struct peek {
	pid_t pid;
	const unsigned char *addr;
};

static int peek_main(void *arg)
{
	struct peek *p = arg;
	unsigned char byte;
	struct iovec local = { .iov_base = &byte, .iov_len = 1 };
	struct iovec remote = { .iov_base = (void *)p->addr, .iov_len = 1 };
	char path[64];
	int fd;

	CK(sh_become(NOBODY) == 0);
	CK(process_vm_readv(p->pid, &local, 1, &remote, 1, 0) < 0);
	CK(errno == EPERM);
	snprintf(path, sizeof(path), "/proc/%d/mem", p->pid);
	fd = open(path, O_RDONLY);
	CK(fd < 0 || pread(fd, &byte, 1, (off_t)(uintptr_t)p->addr) < 0);
	return 0;
}

/*
 * The receive area is read-only for its owner (no write, no mprotect, no
 * write through /proc/self/mem) and unreadable for another uid.
 */
TEST_F(sec, area_private_and_read_only)
{
	struct peek pk = { .pid = getpid() };
	char payload[64] = "only its owner reads this";
	struct sipc_event ev;
	int mem;

	ASSERT_EQ(0, st_call(self->c.fd, self->ha, ST_ECHO, payload,
			     sizeof(payload), NULL, 0, &ev));
	pk.addr = st_ptr(ev.data);
	EXPECT_EQ(0, st_reap(st_fork(peek_main, &pk)));

	EXPECT_NE(0, mprotect((void *)self->c.area, self->c.size,
			      PROT_READ | PROT_WRITE));
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem);
	EXPECT_GT(0, pwrite(mem, "X", 1, (off_t)ev.data));
	close(mem);
	EXPECT_EQ((unsigned char)~'o', *(const unsigned char *)pk.addr);
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

/*
 * Objects in a payload are checked against the sender's own handles and
 * nodes: a number it does not hold, or another process's node cookie, is
 * refused before anything reaches the target.
 */
TEST_F(sec, cannot_forge_objects)
{
	struct sipc_object o[2];
	__u64 offs[2] = { 0, sizeof(o[0]) };
	long long before = received(self->a);
	size_t i;

	for (i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		if (guesses[i] == self->ha)
			continue;
		o[0] = st_obj_handle(guesses[i]);
		EXPECT_EQ(-ENOENT, st_simple_objs(self->c.fd, self->ha,
						  ST_MIRROR, o, sizeof(o[0]),
						  offs, 1));
	}
	/* B's node and A's own node, named by a process that owns neither. */
	o[0] = st_obj_node(COOKIE_B);
	EXPECT_EQ(-ENOENT, st_simple_objs(self->c.fd, self->ha, ST_MIRROR, o,
					  sizeof(o[0]), offs, 1));
	o[0] = st_obj_node(COOKIE_A);
	EXPECT_EQ(-ENOENT, st_simple_objs(self->c.fd, self->ha, ST_MIRROR, o,
					  sizeof(o[0]), offs, 1));
	/* A good object then a forged one: all or nothing. */
	o[0] = st_obj_handle(self->ha);
	o[1] = st_obj_handle(self->ha + 1000);
	EXPECT_EQ(-ENOENT, st_simple_objs(self->c.fd, self->ha, ST_MIRROR, o,
					  sizeof(o), offs, 2));
	/* Nor can it destroy A's node by naming its cookie. */
	EXPECT_EQ(-ENOENT, st_node_destroy(self->c.fd, COOKIE_A, 0));
	if (before >= 0)
		EXPECT_EQ(before, received(self->a));
	/* A still works, and its node is alive: it comes back as a node. */
	EXPECT_EQ(0, st_simple_objs(self->c.fd, self->ha, ST_MIRROR, o,
				    sizeof(o[0]), offs, 1));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

static void *who_thread(void *arg)
{
	int fd = *(int *)arg;
	/* A payload that claims to be someone else changes nothing. */
	struct st_who lie = { .sender_pid = 1, .sender_euid = 0 };
	struct sipc_event ev;
	struct st_who who;

	CK(st_call(fd, 0, ST_WHO, &lie, sizeof(lie), NULL, 0, &ev) == 0);
	CK(ev.type == SIPC_EV_REPLY && ev.data_size == sizeof(who));
	memcpy(&who, st_ptr(ev.data), sizeof(who));
	CK(st_free(fd, ev.data) == 0);
	CK(who.sender_pid == (__u32)getpid());
	CK(who.sender_euid == (__u32)geteuid());
	return NULL;
}

static int identity_main(void *arg)
{
	uid_t uid = *(uid_t *)arg;
	struct st_ctx c;
	pthread_t t;

	/* Opened as root, then no longer root: the call says who it is now. */
	CK(st_open(&c, ST_AREA) == 0);
	if (uid)
		CK(setresuid(uid, uid, 0) == 0);
	who_thread(&c.fd);
	/* From another thread of the process: its pid, not the thread's. */
	CK(pthread_create(&t, NULL, who_thread, &c.fd) == 0);
	CK(pthread_join(t, NULL) == 0);
	st_close(&c);
	return 0;
}

/* The sender's pid and euid are the kernel's word, whatever it sends. */
TEST_F(sec, cannot_forge_sender_identity)
{
	uid_t uid;

	uid = 0;
	EXPECT_EQ(0, st_reap(st_fork(identity_main, &uid)));
	uid = NOBODY;
	EXPECT_EQ(0, st_reap(st_fork(identity_main, &uid)));
	uid = 1234;
	EXPECT_EQ(0, st_reap(st_fork(identity_main, &uid)));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

static int write_param(const char *val)
{
	int fd = open(PARAM_UID, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int claim_main(void *arg)
{
	uid_t uid = *(uid_t *)arg;
	struct st_ctx c;
	int ret;

	CK(sh_become(uid) == 0);
	/* Nor can it change the policy. */
	CK(write_param("-1") == -EACCES);
	CK(st_open(&c, ST_AREA) == 0);
	ret = st_set_cm(c.fd, 0x1234);
	st_close(&c);
	return -ret;
}

/*
 * Handle 0 goes to whoever the context_mgr_uid policy allows, once: a
 * taken slot is EBUSY even for root, and when it is free an unprivileged
 * process of another uid gets EPERM and cannot change the policy.
 */
TEST_F(sec, context_manager_policy)
{
	struct st_ctx c;
	uid_t uid = NOBODY;
	char buf[32];

	ASSERT_EQ(0, st_open(&c, ST_AREA));
	EXPECT_EQ(-EBUSY, st_set_cm(c.fd, 1));
	/* Free the slot: the registry quits. */
	EXPECT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));

	snprintf(buf, sizeof(buf), "%d", 0);
	ASSERT_EQ(0, write_param(buf));
	EXPECT_EQ(EPERM, st_reap(st_fork(claim_main, &uid)));
	snprintf(buf, sizeof(buf), "%d", NOBODY);
	ASSERT_EQ(0, write_param(buf));
	uid = 1000;
	EXPECT_EQ(EPERM, st_reap(st_fork(claim_main, &uid)));
	uid = NOBODY;
	EXPECT_EQ(0, st_reap(st_fork(claim_main, &uid)));
	ASSERT_EQ(0, write_param("-1"));
	/* Root (CAP_SYS_ADMIN) may, now that the slot is free again. */
	EXPECT_EQ(0, st_set_cm(c.fd, 2));
	EXPECT_EQ(-EBUSY, st_set_cm(self->c.fd, 3));
	st_close(&c);
}

struct freer {
	__u64 addr;
};

static int freer_main(void *arg)
{
	struct freer *f = arg;
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL, .handle = 0, .code = ST_ECHO,
	};
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_free(c.fd, f->addr) == -ENOENT);
	/* free_buffer inside a transact: refused, and nothing is sent. */
	tr.free_buffer = f->addr;
	CK(st_transact(c.fd, &tr) == -ENOENT);
	CK(!(tr.out_flags & SIPC_OUT_SENT));
	st_close(&c);
	return 0;
}

/*
 * Only the owner frees a delivered buffer, once, by its exact address;
 * another process naming it (even at the same address in its own area)
 * gets ENOENT and the buffer stays intact.
 */
TEST_F(sec, cannot_free_others_buffers)
{
	struct freer f;
	struct sipc_event ev;
	char msg[300];

	st_fill(msg, sizeof(msg), 77);
	ASSERT_EQ(0, st_call(self->c.fd, self->ha, ST_ECHO, msg, sizeof(msg),
			     NULL, 0, &ev));
	f.addr = ev.data;
	EXPECT_EQ(0, st_reap(st_fork(freer_main, &f)));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ev.data + 8));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ev.data - 8));
	EXPECT_EQ((unsigned char)~st_pat(77, 299),
		  ((const unsigned char *)st_ptr(ev.data))[299]);
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(-ENOENT, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

struct replier {
	int fd;
	int ret;
};

static void *reply_thread(void *arg)
{
	struct replier *r = arg;

	r->ret = st_reply(r->fd, 7, NULL, 0, NULL, 0);
	return NULL;
}

static int outsider_reply_main(void *arg)
{
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reply(c.fd, 7, NULL, 0, NULL, 0) == -EPROTO);
	st_close(&c);
	return 0;
}

static int caller_main(void *arg)
{
	__u32 h = *(__u32 *)arg;
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reg_get(c.fd, KEY_A + 100, &h, NULL) == 0);
	/* Only the serving thread's reply comes back. */
	CK(st_simple(c.fd, h, 1, "q", 1) == 42);
	st_close(&c);
	return 0;
}

/*
 * A call is answered only by the thread serving it: another thread of
 * the same server, or another process, gets EPROTO and the caller keeps
 * waiting for the real reply.
 */
TEST_F(sec, only_the_serving_thread_replies)
{
	struct replier r = { .fd = self->c.fd };
	struct sipc_event ev;
	pthread_t t;
	__u32 unused = 0;
	pid_t kid;

	ASSERT_EQ(0, st_node_create(self->c.fd, OWN_COOKIE));
	ASSERT_EQ(0, st_reg_put_node(self->c.fd, KEY_A + 100, OWN_COOKIE));
	kid = st_fork(caller_main, &unused);
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 10000));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	ASSERT_EQ(0, pthread_create(&t, NULL, reply_thread, &r));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(-EPROTO, r.ret);
	EXPECT_EQ(0, st_reap(st_fork(outsider_reply_main, NULL)));
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_reply(self->c.fd, 42, NULL, 0, NULL, 0));
	EXPECT_EQ(0, st_reap(kid));
	EXPECT_EQ(0, st_quit(self->c.fd, self->ha));
}

static int meddler_main(void *arg)
{
	__u32 h = *(__u32 *)arg;
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	/* Same number as the owner's handle, other process: nothing. */
	CK(st_death_clear(c.fd, h, 0xd1e) == -ENOENT);
	CK(st_release(c.fd, h) == -ENOENT);
	CK(st_node_destroy(c.fd, COOKIE_A, 0) == -ENOENT);
	CK(st_node_destroy(c.fd, COOKIE_B, 0) == -ENOENT);
	st_close(&c);
	return 0;
}

/*
 * Nodes, references and death notices are per process: another process
 * cannot destroy a node, drop a reference or clear a notice of ours.
 */
TEST_F(sec, objects_belong_to_their_process)
{
	struct sipc_event ev;

	ASSERT_EQ(0, st_death_request(self->c.fd, self->ha, 0xd1e));
	EXPECT_EQ(0, st_reap(st_fork(meddler_main, &self->ha)));
	/* Still ours: the notice clears once, the handle still calls. */
	EXPECT_EQ(0, st_death_clear(self->c.fd, self->ha, 0xd1e));
	EXPECT_EQ(-ENOENT, st_death_clear(self->c.fd, self->ha, 0xd1e));
	EXPECT_EQ(0, st_release(self->c.fd, self->ha));
	EXPECT_EQ(-ENOENT, st_release(self->c.fd, self->ha));
	EXPECT_EQ(0, st_call(self->c.fd, 0, ST_REG_GET, &(__u64){ KEY_A },
			     sizeof(__u64), NULL, 0, &ev));
	EXPECT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(0, st_quit(self->c.fd, 0));
	EXPECT_EQ(0, st_reap(self->cm));
}

TEST_HARNESS_MAIN
