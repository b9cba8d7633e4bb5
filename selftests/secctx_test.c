// SPDX-License-Identifier: GPL-2.0
/*
 * A node made with SIPC_NODE_TXN_SECCTX gets each sender's LSM security
 * context with its calls and one-ways (SIPC_EVF_SECCTX), right after the
 * payload's object offsets, NUL-terminated: what the sending task runs as
 * at that moment (its AppArmor label: "unconfined", or its profile once
 * it changed to one). Other nodes, and replies, get none. Without
 * AppArmor in the kernel the confined case skips.
 */
#include "kselftest_harness.h"
#include "sipc_test.h"
#include "st_apparmor.h"

#define PROFILE		"sipc_secctx_caller"
#define PROFILE_PATH	"/tmp/sipc-secctx.apparmor"

static const char profiles[] =
	"profile " PROFILE " {\n  file,\n  capability,\n  signal,\n"
	"  ptrace,\n  unix,\n  network,\n}\n";

/* What the current task runs as, per its LSM, without the newline. */
static int own_context(char *buf, size_t len)
{
	static const char * const attrs[] = {
		"/proc/thread-self/attr/apparmor/current",
		"/proc/thread-self/attr/current",
	};
	size_t i;
	ssize_t n;
	int fd;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		fd = open(attrs[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, len - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		return 0;
	}
	return -ENOENT;
}

/* The context an event carries, or NULL. */
static const char *event_context(const struct sipc_event *ev)
{
	const char *ctx;

	if (!(ev->flags & SIPC_EVF_SECCTX) || !ev->secctx_size)
		return NULL;
	ctx = st_ptr(ev->offsets + ev->offsets_count * 8);
	return ctx[ev->secctx_size - 1] ? NULL : ctx;
}

FIXTURE(secctx) {
	struct st_ctx srv, cli;
};

FIXTURE_SETUP(secctx)
{
	ASSERT_EQ(0, st_open(&self->srv, ST_AREA));
	ASSERT_EQ(0, st_open(&self->cli, ST_AREA));
}

FIXTURE_TEARDOWN(secctx)
{
	st_close(&self->cli);
	st_close(&self->srv);
}

static int claim(int fd, __u32 flags)
{
	return st_claim_cm_as(fd, ST_CM_COOKIE, flags, 0);
}

TEST_F(secctx, not_asked_not_given)
{
	struct sipc_event ev;

	ASSERT_EQ(0, claim(self->srv.fd, 0));
	ASSERT_EQ(0, st_oneway(self->cli.fd, 0, 1, "abc", 3, NULL, 0));
	ASSERT_EQ(0, st_wait(self->srv.fd, &ev));
	EXPECT_FALSE(ev.flags & SIPC_EVF_SECCTX);
	EXPECT_EQ(0, ev.secctx_size);
	EXPECT_EQ(0, st_free(self->srv.fd, ev.data));
}

TEST_F(secctx, unknown_node_flags_refused)
{
	struct sipc_node_info ni = { .cookie = 5, .flags = 1U << 2 };

	EXPECT_EQ(-EINVAL, st_err(ioctl(self->srv.fd, SIPC_IOC_NODE_CREATE,
					&ni)));
}

/* The context follows the offsets, the payload and its object intact. */
TEST_F(secctx, after_the_offsets)
{
	struct sipc_object payload[2] = { st_obj_node(0x77) };
	__u64 off = 0;
	struct sipc_event ev;
	char mine[256];
	const char *ctx;

	if (own_context(mine, sizeof(mine)))
		SKIP(return, "no LSM context to compare with");
	ASSERT_EQ(0, claim(self->srv.fd, SIPC_NODE_TXN_SECCTX));
	ASSERT_EQ(0, st_node_create(self->cli.fd, 0x77));
	memcpy((char *)&payload[1], "tail-of-payload", 16);
	ASSERT_EQ(0, st_oneway(self->cli.fd, 0, 2, payload, sizeof(payload),
			       &off, 1));
	ASSERT_EQ(0, st_wait(self->srv.fd, &ev));
	ctx = event_context(&ev);
	ASSERT_NE(NULL, ctx);
	EXPECT_EQ(strlen(mine) + 1, ev.secctx_size);
	EXPECT_STREQ(mine, ctx);
	EXPECT_EQ(SIPC_OBJ_HANDLE, st_ev_obj(&ev, 0).type);
	EXPECT_EQ(0, memcmp((const char *)st_ptr(ev.data) + sizeof(payload[0]),
			    "tail-of-payload", 16));
	EXPECT_TRUE(st_in_area(&self->srv, (__u64)(uintptr_t)ctx,
			       ev.secctx_size));
	EXPECT_EQ(0, st_free(self->srv.fd, ev.data));
}

static int confined_caller(void *arg)
{
	struct st_ctx c;
	struct sipc_event ev;

	CK(!st_aa_confine(PROFILE));
	CK(!st_open(&c, ST_AREA));
	CK(!st_call(c.fd, 0, 3, "hi", 2, NULL, 0, &ev));
	/* A reply carries no context. */
	CK(ev.type == SIPC_EV_REPLY && !(ev.flags & SIPC_EVF_SECCTX));
	CK(!st_free(c.fd, ev.data));
	st_close(&c);
	return 0;
}

/* A caller under a profile: the server sees the profile's label. */
TEST_F(secctx, confined_caller_labelled)
{
	const char *why = st_aa_unavailable(profiles, PROFILE_PATH);
	struct sipc_event ev;
	const char *ctx;
	pid_t pid;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, claim(self->srv.fd, SIPC_NODE_TXN_SECCTX));
	pid = st_fork(confined_caller, NULL);
	ASSERT_EQ(0, st_wait(self->srv.fd, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	ctx = event_context(&ev);
	ASSERT_NE(NULL, ctx);
	TH_LOG("the caller's context: %s", ctx);
	EXPECT_EQ(0, strncmp(ctx, PROFILE, strlen(PROFILE)));
	EXPECT_EQ(0, st_free(self->srv.fd, ev.data));
	EXPECT_EQ(0, st_reply(self->srv.fd, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(0, st_reap(pid));
}

TEST_HARNESS_MAIN
