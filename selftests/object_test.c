// SPDX-License-Identifier: GPL-2.0
/*
 * sipc nodes and handles: translation through several processes, a node
 * coming home as itself, reference counting at its edges, the "released"
 * notice, conditional destruction, and who may own handle 0.
 */
#include "kselftest_harness.h"
#include "sipc_test.h"

#define KEY_A		0xa1
#define KEY_C		0xc1
#define KEY_X		0x71
#define COOKIE_A	0xaaaa0001ULL
#define COOKIE_C	0xcccc0001ULL
#define COOKIE_X	0x77770001ULL
#define PARAM_UID	"/sys/module/sipc/parameters/context_mgr_uid"

FIXTURE(obj) {
	struct st_ctx c;
	pid_t cm;
};

FIXTURE_SETUP(obj)
{
	self->c.fd = -1;
	self->c.area = NULL;
	self->cm = 0;
}

static bool o_param_dirty;
static int o_write_param(const char *val);

FIXTURE_TEARDOWN(obj)
{
	st_close(&self->c);
	st_kill_all();
	if (o_param_dirty)
		o_write_param("-1");
}

/* The registry on handle 0, and our own context. */
static void o_setup(struct __test_metadata *_metadata, FIXTURE_DATA(obj) *self)
{
	self->cm = st_server_start(ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

static void o_finish(struct __test_metadata *_metadata, FIXTURE_DATA(obj) *self)
{
	ASSERT_EQ(0, st_quit(self->c.fd, 0));
	ASSERT_EQ(0, st_reap(self->cm));
}

/* What a server (reached through @handle) says about a call from us. */
static int o_who(int fd, __u32 handle, struct st_who *who)
{
	struct sipc_event ev;
	int ret;

	ret = st_call(fd, handle, ST_WHO, NULL, 0, NULL, 0, &ev);
	if (ret)
		return ret;
	if (ev.type != SIPC_EV_REPLY || ev.data_size != sizeof(*who))
		return -EPROTO;
	memcpy(who, st_ptr(ev.data), sizeof(*who));
	return st_free(fd, ev.data);
}

/* B: take A's handle from the registry and hand it to C in a call. */
static int o_middleman(void *arg)
{
	static const __u64 off = offsetof(struct st_reg_msg, obj);
	struct st_reg_msg m = { .key = 1 };
	__u32 ha = 0, hc = 0;
	struct sipc_event ev;
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reg_get(c.fd, KEY_A, &ha, NULL) == 0);
	CK(st_reg_get(c.fd, KEY_C, &hc, NULL) == 0);
	CK(ha && hc && ha != hc);
	m.obj = st_obj_handle(ha);
	CK(st_call(c.fd, hc, 77, &m, sizeof(m), &off, 1, &ev) == 0);
	CK(ev.type == SIPC_EV_REPLY && ev.code == 78);
	CK(st_free(c.fd, ev.data) == 0);
	return 0;
}

/*
 * A publishes its node; B fetches a handle and passes it on to C (us) in
 * a call; C, holding a handle it got from B, calls A directly. The handle
 * lives while B's buffer does, and for good once acquired.
 */
TEST_F(obj, handle_through_third_process)
{
	__u32 h, hold = 0;
	struct sipc_event ev;
	struct sipc_object o;
	struct st_who who;
	pid_t a, b;

	o_setup(_metadata, self);
	a = st_server_start(ST_AREA, KEY_A, COOKIE_A);
	ASSERT_LT(0, a);
	ASSERT_EQ(0, st_node_create(self->c.fd, COOKIE_C));
	ASSERT_EQ(0, st_reg_put_node(self->c.fd, KEY_C, COOKIE_C));
	b = st_fork(o_middleman, NULL);
	ASSERT_LT(0, b);

	ASSERT_EQ(0, st_wait(self->c.fd, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	EXPECT_EQ(77, ev.code);
	EXPECT_EQ(COOKIE_C, ev.cookie);
	EXPECT_EQ(b, ev.sender_pid);
	ASSERT_EQ(1, ev.offsets_count);
	EXPECT_EQ(1, ((const struct st_reg_msg *)st_ptr(ev.data))->key);
	o = st_ev_obj(&ev, 0);
	ASSERT_EQ(SIPC_OBJ_HANDLE, o.type);
	EXPECT_EQ(0, o.flags);
	h = o.handle;
	EXPECT_NE(0, h);
	/* Usable now, from inside the call B is waiting on. */
	ASSERT_EQ(0, o_who(self->c.fd, h, &who));
	EXPECT_EQ(COOKIE_A, who.cookie);
	EXPECT_EQ(getpid(), who.sender_pid);
	EXPECT_EQ(0, st_acquire(self->c.fd, h));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(0, st_reply(self->c.fd, 78, NULL, 0, NULL, 0));
	EXPECT_EQ(0, st_reap(b));

	/* B is gone, its buffer freed: our reference keeps the handle. */
	ASSERT_EQ(0, o_who(self->c.fd, h, &who));
	EXPECT_EQ(COOKIE_A, who.cookie);
	/* The registry's handle to A is the same node: same handle here. */
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &hold, NULL));
	EXPECT_EQ(h, hold);
	EXPECT_EQ(0, st_release(self->c.fd, h));
	EXPECT_EQ(0, o_who(self->c.fd, h, &who));
	EXPECT_EQ(0, st_release(self->c.fd, h));
	EXPECT_EQ(-ENOENT, o_who(self->c.fd, h, &who));
	EXPECT_EQ(-ENOENT, st_release(self->c.fd, h));

	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &h, NULL));
	EXPECT_EQ(0, st_quit(self->c.fd, h));
	EXPECT_EQ(0, st_reap(a));
	o_finish(_metadata, self);
}

/* Our own node comes back to us as the node, never as a handle. */
TEST_F(obj, own_node_comes_home)
{
	__u64 cookie = 0;
	__u32 h = 0;

	o_setup(_metadata, self);
	ASSERT_EQ(0, st_node_create(self->c.fd, COOKIE_X));
	ASSERT_EQ(0, st_reg_put_node(self->c.fd, KEY_X, COOKIE_X));
	/* The registry holds a handle; translated back it is our node. */
	EXPECT_EQ(-EEXIST, st_reg_get(self->c.fd, KEY_X, &h, &cookie));
	EXPECT_EQ(COOKIE_X, cookie);
	EXPECT_EQ(0, h);
	o_finish(_metadata, self);
}

/*
 * Handle 0 sent to the manager arrives as its own node; the manager's
 * node sent back makes a real handle in us, alive with the buffer.
 */
TEST_F(obj, handle_zero_as_object)
{
	static const __u64 off = offsetof(struct st_reg_msg, obj);
	struct st_reg_msg m = { .key = 5, .obj = st_obj_handle(0) };
	struct sipc_event ev;
	struct sipc_object o;
	struct st_who who;

	o_setup(_metadata, self);
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_MIRROR, &m, sizeof(m), &off,
			     1, &ev));
	ASSERT_EQ(SIPC_EV_REPLY, ev.type);
	EXPECT_EQ(0, ev.code) TH_LOG("the manager got a handle to itself");
	ASSERT_EQ(1, ev.offsets_count);
	o = st_ev_obj(&ev, 0);
	ASSERT_EQ(SIPC_OBJ_HANDLE, o.type);
	EXPECT_NE(0, o.handle);
	ASSERT_EQ(0, o_who(self->c.fd, o.handle, &who));
	EXPECT_EQ(ST_CM_COOKIE, who.cookie);
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(-ENOENT, o_who(self->c.fd, o.handle, &who));
	o_finish(_metadata, self);
}

TEST_F(obj, handle_zero_is_implicit)
{
	o_setup(_metadata, self);
	/* No reference to take or drop on handle 0. */
	EXPECT_EQ(0, st_acquire(self->c.fd, 0));
	EXPECT_EQ(0, st_release(self->c.fd, 0));
	EXPECT_EQ(0, st_release(self->c.fd, 0));
	EXPECT_EQ(-EINVAL, st_death_request(self->c.fd, 0, 1));
	EXPECT_EQ(-ENOENT, st_acquire(self->c.fd, 1));
	EXPECT_EQ(-ENOENT, st_release(self->c.fd, 1));
	EXPECT_EQ(-ENOENT, st_acquire(self->c.fd, 0xffffffff));
	o_finish(_metadata, self);
}

/*
 * A handle received in a buffer lives as long as that buffer: releasing
 * what was never acquired is ENOENT, and once the buffer is freed the
 * handle is gone.
 */
TEST_F(obj, handle_lives_with_buffer)
{
	struct sipc_event ev;
	struct st_who who;
	__u64 key = KEY_A;
	__u32 h;
	pid_t a;

	o_setup(_metadata, self);
	a = st_server_start(ST_AREA, KEY_A, COOKIE_A);
	ASSERT_LT(0, a);
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_REG_GET, &key, sizeof(key),
			     NULL, 0, &ev));
	ASSERT_EQ(0, ev.code);
	ASSERT_EQ(1, ev.offsets_count);
	h = st_ev_obj(&ev, 0).handle;
	ASSERT_EQ(0, o_who(self->c.fd, h, &who));
	EXPECT_EQ(COOKIE_A, who.cookie);
	EXPECT_EQ(-ENOENT, st_release(self->c.fd, h));
	/* Still there: the failed release took nothing. */
	ASSERT_EQ(0, o_who(self->c.fd, h, &who));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	EXPECT_EQ(-ENOENT, o_who(self->c.fd, h, &who));
	EXPECT_EQ(-ENOENT, st_acquire(self->c.fd, h));
	EXPECT_EQ(-ENOENT, st_death_request(self->c.fd, h, 1));

	/* Acquired before the free, it stays; each acquire needs a release. */
	ASSERT_EQ(0, st_call(self->c.fd, 0, ST_REG_GET, &key, sizeof(key),
			     NULL, 0, &ev));
	h = st_ev_obj(&ev, 0).handle;
	EXPECT_EQ(0, st_acquire(self->c.fd, h));
	EXPECT_EQ(0, st_acquire(self->c.fd, h));
	ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	ASSERT_EQ(0, o_who(self->c.fd, h, &who));
	EXPECT_EQ(0, st_release(self->c.fd, h));
	ASSERT_EQ(0, o_who(self->c.fd, h, &who));
	EXPECT_EQ(0, st_release(self->c.fd, h));
	EXPECT_EQ(-ENOENT, o_who(self->c.fd, h, &who));
	EXPECT_EQ(-ENOENT, st_release(self->c.fd, h));

	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &h, NULL));
	EXPECT_EQ(0, st_quit(self->c.fd, h));
	EXPECT_EQ(0, st_reap(a));
	o_finish(_metadata, self);
}

/* Handles are per node: two nodes, two handles; never reused. */
TEST_F(obj, handle_numbers)
{
	__u32 ha = 0, hc = 0, again = 0;
	pid_t a, c;

	o_setup(_metadata, self);
	a = st_server_start(ST_AREA, KEY_A, COOKIE_A);
	c = st_server_start(ST_AREA, KEY_C, COOKIE_C);
	ASSERT_LT(0, a);
	ASSERT_LT(0, c);
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &ha, NULL));
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_C, &hc, NULL));
	EXPECT_NE(0, ha);
	EXPECT_NE(0, hc);
	EXPECT_NE(ha, hc);
	/* Drop A's handle entirely; fetched again it is a new number. */
	EXPECT_EQ(0, st_release(self->c.fd, ha));
	EXPECT_EQ(-ENOENT, st_release(self->c.fd, ha));
	ASSERT_EQ(0, st_reg_get(self->c.fd, KEY_A, &again, NULL));
	EXPECT_NE(ha, again);
	EXPECT_NE(hc, again);
	EXPECT_EQ(0, st_quit(self->c.fd, again));
	EXPECT_EQ(0, st_quit(self->c.fd, hc));
	EXPECT_EQ(0, st_reap(a));
	EXPECT_EQ(0, st_reap(c));
	o_finish(_metadata, self);
}

struct o_holder {
	struct st_pipe got;	/* holder -> test: handle taken */
	struct st_pipe drop;	/* test -> holder: release it and exit */
};

/* Hold a handle to the node published as KEY_X until told. */
static int o_holder_main(void *arg)
{
	struct o_holder *p = arg;
	struct st_ctx c;
	__u32 h = 0;

	CK(st_open(&c, ST_AREA) == 0);
	CK(st_reg_get(c.fd, KEY_X, &h, NULL) == 0);
	CK(st_put(&p->got, h) == 0);
	st_get_ck(&p->drop);
	CK(st_release(c.fd, h) == 0);
	CK(st_release(c.fd, h) == -ENOENT);
	return 0;
}

/*
 * The owner hears RELEASED once, when the last handle to its node goes:
 * not while another process still holds one, and only once.
 */
TEST_F(obj, released_once_when_last_handle_goes)
{
	struct o_holder p;
	struct sipc_event ev;
	__u64 v;
	pid_t y;

	o_setup(_metadata, self);
	ASSERT_EQ(0, st_node_create(self->c.fd, COOKIE_X));
	ASSERT_EQ(0, st_reg_put_node(self->c.fd, KEY_X, COOKIE_X));
	ASSERT_EQ(0, st_pipe_open(&p.got));
	ASSERT_EQ(0, st_pipe_open(&p.drop));
	y = st_fork(o_holder_main, &p);
	ASSERT_LT(0, y);
	ASSERT_EQ(0, st_get(&p.got, &v));

	/* The registry lets go: Y still holds one. */
	ASSERT_EQ(0, st_reg_drop(self->c.fd, KEY_X));
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 100));
	EXPECT_EQ(-EBUSY, st_node_destroy(self->c.fd, COOKIE_X,
					  SIPC_NODE_DESTROY_IF_UNUSED));
	ASSERT_EQ(0, st_put(&p.drop, 1));
	EXPECT_EQ(0, st_reap(y));

	ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 2000));
	EXPECT_EQ(SIPC_EV_RELEASED, ev.type);
	EXPECT_EQ(COOKIE_X, ev.cookie);
	EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 100));
	EXPECT_EQ(0, st_node_destroy(self->c.fd, COOKIE_X,
				     SIPC_NODE_DESTROY_IF_UNUSED));
	EXPECT_EQ(-ENOENT, st_node_destroy(self->c.fd, COOKIE_X, 0));
	o_finish(_metadata, self);
}

/* A handle that only ever lived in a buffer goes with it: RELEASED. */
TEST_F(obj, released_after_buffer_free)
{
	struct sipc_object o = st_obj_node(COOKIE_X);
	static const __u64 off0;
	struct sipc_event ev;
	int i;

	o_setup(_metadata, self);
	ASSERT_EQ(0, st_node_create(self->c.fd, COOKIE_X));
	for (i = 0; i < 3; i++) {
		/* The server frees the request before it replies. */
		ASSERT_EQ(0, st_call(self->c.fd, 0, ST_WHO, &o, sizeof(o),
				     &off0, 1, &ev));
		EXPECT_EQ(1, ((const struct st_who *)st_ptr(ev.data))->offsets_count);
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
		ASSERT_EQ(0, st_next_event(self->c.fd, &ev, 2000));
		EXPECT_EQ(SIPC_EV_RELEASED, ev.type);
		EXPECT_EQ(COOKIE_X, ev.cookie);
		EXPECT_EQ(-ETIMEDOUT, st_next_event(self->c.fd, &ev, 50));
	}
	o_finish(_metadata, self);
}

/*
 * One process holds at most SIPC_MAX_HANDLES handles: the next new one
 * is EMFILE (a node it already has a handle for still goes). When they
 * all go, each node's owner hears RELEASED exactly once.
 */
/* Some 130,000 system calls: minutes on the debug kernel. */
TEST_F_TIMEOUT(obj, handle_limit, 900)
{
	const size_t per = SIPC_MAX_OBJECTS, calls = SIPC_MAX_HANDLES / per;
	struct sipc_object *objs = calloc(per, sizeof(*objs));
	__u64 *offs = calloc(per, sizeof(*offs));
	unsigned char *seen = calloc(SIPC_MAX_HANDLES + 2, 1);
	struct sipc_object one;
	struct sipc_event ev;
	__u64 cookie, n;
	size_t i, k;

	ASSERT_NE(NULL, objs);
	ASSERT_NE(NULL, offs);
	ASSERT_NE(NULL, seen);
	self->cm = st_server_start(4 * ST_AREA, 0, ST_CM_COOKIE);
	ASSERT_LT(0, self->cm);
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	for (cookie = 1; cookie <= SIPC_MAX_HANDLES + 1; cookie++)
		ASSERT_EQ(0, st_node_create(self->c.fd, cookie));
	for (k = 0; k < per; k++)
		offs[k] = k * sizeof(*objs);
	/* The manager keeps the buffers, and with them the handles. */
	for (i = 0; i < calls; i++) {
		for (k = 0; k < per; k++)
			objs[k] = st_obj_node(1 + i * per + k);
		ASSERT_EQ(i + 1, st_simple_objs(self->c.fd, 0, ST_HOLD, objs,
						per * sizeof(*objs), offs, per));
	}
	one = st_obj_node(SIPC_MAX_HANDLES + 1);
	EXPECT_EQ(-EMFILE, st_simple_objs(self->c.fd, 0, ST_WHO, &one,
					  sizeof(one), offs, 1));
	one = st_obj_node(SIPC_MAX_HANDLES);
	EXPECT_EQ(0, st_simple_objs(self->c.fd, 0, ST_WHO, &one, sizeof(one),
				    offs, 1));
	EXPECT_EQ(calls, st_simple(self->c.fd, 0, ST_UNHOLD, NULL, 0));
	one = st_obj_node(SIPC_MAX_HANDLES + 1);
	EXPECT_EQ(0, st_simple_objs(self->c.fd, 0, ST_WHO, &one, sizeof(one),
				    offs, 1));

	for (n = 0; n <= SIPC_MAX_HANDLES + 1; n++) {
		if (st_next_event(self->c.fd, &ev, 1000))
			break;
		ASSERT_EQ(SIPC_EV_RELEASED, ev.type);
		ASSERT_LE(1, ev.cookie);
		ASSERT_GE(SIPC_MAX_HANDLES + 1, ev.cookie);
		EXPECT_EQ(0, seen[ev.cookie]) TH_LOG("cookie %llu twice",
						     (unsigned long long)ev.cookie);
		seen[ev.cookie] = 1;
	}
	EXPECT_EQ(SIPC_MAX_HANDLES + 1, n);
	free(objs);
	free(offs);
	free(seen);
	o_finish(_metadata, self);
}

TEST_F(obj, node_create_destroy)
{
	struct sipc_node_info ni = { .cookie = 1 };

	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
	EXPECT_EQ(0, st_node_create(self->c.fd, 1));
	EXPECT_EQ(-EEXIST, st_node_create(self->c.fd, 1));
	EXPECT_EQ(0, st_node_create(self->c.fd, 0));
	EXPECT_EQ(0, st_node_create(self->c.fd, ~0ULL));
	ni.flags = 1;
	EXPECT_EQ(-EINVAL, st_err(ioctl(self->c.fd, SIPC_IOC_NODE_CREATE, &ni)));
	ni.flags = 0;
	ni.pad = 1;
	EXPECT_EQ(-EINVAL, st_err(ioctl(self->c.fd, SIPC_IOC_NODE_CREATE, &ni)));
	EXPECT_EQ(-EINVAL, st_node_destroy(self->c.fd, 1, 2));
	EXPECT_EQ(0, st_node_destroy(self->c.fd, 1,
				     SIPC_NODE_DESTROY_IF_UNUSED));
	EXPECT_EQ(-ENOENT, st_node_destroy(self->c.fd, 1, 0));
	EXPECT_EQ(-ENOENT, st_node_destroy(self->c.fd, 2, 0));
	/* The cookie is free again. */
	EXPECT_EQ(0, st_node_create(self->c.fd, 1));
	EXPECT_EQ(0, st_node_destroy(self->c.fd, 1, 0));
	EXPECT_EQ(0, st_node_destroy(self->c.fd, 0, 0));
	EXPECT_EQ(-EFAULT, st_err(ioctl(self->c.fd, SIPC_IOC_NODE_CREATE, NULL)));
}

/* ---- the context manager ---- */

static int o_claim(void *arg)
{
	struct st_ctx c;

	CK(st_open(&c, ST_AREA) == 0);
	return -st_set_cm(c.fd, 1);
}

TEST_F(obj, second_context_manager)
{
	pid_t kid;

	o_setup(_metadata, self);
	EXPECT_EQ(-EBUSY, st_set_cm(self->c.fd, 1));
	kid = st_fork(o_claim, NULL);
	ASSERT_LT(0, kid);
	EXPECT_EQ(EBUSY, st_reap(kid));
	o_finish(_metadata, self);

	/* With the manager gone: nobody on handle 0, then us. */
	EXPECT_EQ(-ESRCH, st_simple(self->c.fd, 0, ST_ECHO, NULL, 0));
	EXPECT_EQ(0, st_set_cm(self->c.fd, 1));
	EXPECT_EQ(-EBUSY, st_set_cm(self->c.fd, 2));
	kid = st_fork(o_claim, NULL);
	ASSERT_LT(0, kid);
	EXPECT_EQ(EBUSY, st_reap(kid));
	/* Destroying the manager's node frees the slot. */
	EXPECT_EQ(0, st_node_destroy(self->c.fd, 1, 0));
	kid = st_fork(o_claim, NULL);
	ASSERT_LT(0, kid);
	EXPECT_EQ(0, st_reap(kid));
	/* And that one left with its process. */
	EXPECT_EQ(0, st_set_cm(self->c.fd, 3));
}

static int o_write_param(const char *val)
{
	int fd = open(PARAM_UID, O_WRONLY), ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -EIO;
}

/* Claim handle 0 as @uid (no capabilities left): 0 or the errno. */
static int o_claim_as(void *arg)
{
	uid_t uid = (uintptr_t)arg;

	CK(setresgid(uid, uid, uid) == 0);
	CK(setresuid(uid, uid, uid) == 0);
	return o_claim(NULL);
}

static int o_claim_as_uid(uid_t uid)
{
	pid_t kid = st_fork(o_claim_as, (void *)(uintptr_t)uid);

	return kid > 0 ? st_reap(kid) : -1;
}

TEST_F(obj, context_mgr_uid)
{
	char saved[32] = "";
	int fd = open(PARAM_UID, O_RDONLY);
	pid_t kid;
	ssize_t n;

	ASSERT_LE(0, fd);
	n = read(fd, saved, sizeof(saved) - 1);
	close(fd);
	ASSERT_LT(0, n);
	EXPECT_EQ(0, strcmp(saved, "-1\n"));

	/*
	 * By default, only the uid that claimed it first on this device:
	 * root, whose managers earlier tests ran.
	 */
	EXPECT_EQ(EPERM, o_claim_as_uid(65534));
	o_param_dirty = true;
	ASSERT_EQ(0, o_write_param("4242"));
	EXPECT_EQ(EPERM, o_claim_as_uid(65534));
	EXPECT_EQ(0, o_claim_as_uid(4242));
	/* CAP_SYS_ADMIN may, whatever the parameter says. */
	kid = st_fork(o_claim, NULL);
	ASSERT_LT(0, kid);
	EXPECT_EQ(0, st_reap(kid));
	ASSERT_EQ(0, o_write_param("-1"));
	o_param_dirty = false;
	EXPECT_EQ(EPERM, o_claim_as_uid(65534));
	EXPECT_EQ(EPERM, o_claim_as_uid(4242));
}

TEST_HARNESS_MAIN
