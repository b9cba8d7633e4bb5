// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptors in payloads pass the LSM, as SCM_RIGHTS ones do: a task
 * that its AppArmor profile forbids to read a file gets no descriptor for
 * it through sipc, whether the file comes in a call, a one-way or a reply.
 * The call fails back to its caller with the LSM's error (EACCES) and the
 * receiver never sees it, the one-way is dropped, the reply fails its
 * caller; and the same file goes through to an unconfined receiver and to
 * one whose profile allows it, so a denial is the policy's and not a
 * broken test. Without AppArmor in the kernel, or without apparmor_parser
 * to load the profiles, the tests skip.
 *
 * AppArmor only checks a received file that a confined task opened (one
 * an unconfined task opened may go anywhere), so the sender opens the
 * file under a profile of its own ("owner") before passing it on.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "sipc_test.h"
#include "st_apparmor.h"

#define SECRET_FMT	"/tmp/sipc-lsm-secret-%d"
#define SECRET_TEXT	"for the owner and the allowed only"
#define PROFILE_PATH	"/tmp/sipc-lsm.apparmor"
#define P_OWNER		"sipc_lsm_owner"
#define P_ALLOW		"sipc_lsm_allow"
#define P_DENY		"sipc_lsm_deny"
#define FAILED_LOG	"/proc/sipc/failed_transaction_log"

/*
 * Everything a test process and its helpers do is allowed (they open the
 * device, map it, signal and reap one another, read /proc), so that the
 * one rule that differs decides: sipc_lsm_deny may not read the secret.
 * Three profiles and not two: AppArmor looks at the path again only when
 * the receiver's profile is not the one the file was opened under.
 */
#define PROFILE_RULES \
	"  file,\n  capability,\n  signal,\n  ptrace,\n  unix,\n  network,\n"

static const char profiles[] =
	"profile " P_OWNER " {\n" PROFILE_RULES "}\n"
	"profile " P_ALLOW " {\n" PROFILE_RULES "}\n"
	"profile " P_DENY " {\n" PROFILE_RULES
	"  deny /tmp/sipc-lsm-secret-* r,\n}\n";

enum {
	LSM_READ = 1,	/* status: fds received; reply: what the first read */
	LSM_GIVE,	/* reply: an fd of the secret, opened by the server */
	LSM_SEEN,	/* status: transactions served before this one */
	LSM_QUIT,
};

struct lsm_srv {
	struct st_pipe ready;
	const char *profile;	/* NULL: unconfined */
	char secret[64];
};

static int lsm_server(void *arg)
{
	struct lsm_srv *s = arg;
	struct st_ctx c;
	struct sipc_event ev;
	struct sipc_object obj = { .type = SIPC_OBJ_FD };
	static const __u64 zero_offset;
	unsigned int seen = 0;
	char text[128];

	if (s->profile)
		CK(st_aa_confine(s->profile) == 0);
	CK(st_open(&c, ST_AREA) == 0);
	CK(st_claim_cm(c.fd, ST_CM_COOKIE) == 0);
	CK(st_put(&s->ready, 1) == 0);
	for (;;) {
		const void *out = NULL;
		size_t out_size = 0, nobj = 0, i;
		bool oneway;
		__u32 status = 0;
		ssize_t n;
		int give = -1;

		CK(st_wait(c.fd, &ev) == 0);
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		oneway = ev.flags & SIPC_EVF_ONEWAY;
		switch (ev.code) {
		case LSM_READ:
			for (i = 0; i < ev.offsets_count; i++) {
				struct sipc_object o = st_ev_obj(&ev, i);

				CK(o.type == SIPC_OBJ_FD && o.fd >= 0);
				n = pread(o.fd, text, sizeof(text), 0);
				if (!i && n > 0) {
					out = text;
					out_size = n;
				}
				CK(close(o.fd) == 0);
			}
			status = ev.offsets_count;
			break;
		case LSM_GIVE:
			give = open(s->secret, O_RDONLY | O_CLOEXEC);
			CK(give >= 0);
			obj.fd = give;
			out = &obj;
			out_size = sizeof(obj);
			nobj = 1;
			break;
		case LSM_SEEN:
			status = seen;
			break;
		case LSM_QUIT:
			break;
		default:
			fprintf(stderr, "# lsm server: code %u\n", ev.code);
			_exit(1);
		}
		seen++;
		CK(st_free(c.fd, ev.data) == 0);
		/* A reply refused by its caller's LSM fails there, not here. */
		if (!oneway)
			CK(st_reply(c.fd, status, out, out_size,
				    nobj ? &zero_offset : NULL, nobj) == 0);
		if (give >= 0)
			CK(close(give) == 0);
		if (ev.code == LSM_QUIT)
			return 0;
	}
}

/* Is there a line in the failed log for a @kind to @pid with @code? */
static bool failed_logged(const char *kind, pid_t pid, __u32 code)
{
	char line[512], k[16];
	unsigned long long id, when, dur;
	int from, from_tid, to;
	unsigned int c;
	bool found = false;
	FILE *f = fopen(FAILED_LOG, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %llu %llu %15s %d %d %d %*d %*u %u",
			   &id, &when, &dur, k, &from, &from_tid, &to,
			   &c) != 8)
			continue;
		if (!strcmp(k, kind) && to == pid && c == code)
			found = true;
	}
	fclose(f);
	return found;
}

FIXTURE(lsm) {
	struct st_ctx c;
	const char *skip;
	char secret[64];
	pid_t server;
};

/* Whose descriptor is checked: unconfined, allowed to read it, or not. */
FIXTURE_VARIANT(lsm) {
	const char *profile;
	bool allowed;
};

FIXTURE_VARIANT_ADD(lsm, unconfined) {
	.profile = NULL,
	.allowed = true,
};

FIXTURE_VARIANT_ADD(lsm, allowed) {
	.profile = P_ALLOW,
	.allowed = true,
};

FIXTURE_VARIANT_ADD(lsm, denied) {
	.profile = P_DENY,
	.allowed = false,
};

/* A SKIP in the setup would still run the test: each test skips itself. */
FIXTURE_SETUP(lsm)
{
	int fd;

	self->c.fd = -1;
	self->c.area = NULL;
	self->skip = st_aa_unavailable(profiles, PROFILE_PATH);
	if (self->skip)
		return;
	snprintf(self->secret, sizeof(self->secret), SECRET_FMT, getpid());
	fd = open(self->secret, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(SECRET_TEXT),
		  write(fd, SECRET_TEXT, sizeof(SECRET_TEXT)));
	close(fd);
}

FIXTURE_TEARDOWN(lsm)
{
	st_close(&self->c);
	st_kill_all();
	if (self->secret[0])
		unlink(self->secret);
}

/* The server under @profile (NULL: unconfined), serving handle 0. */
static pid_t start_server(struct __test_metadata *_metadata,
			  const char *secret, const char *profile)
{
	struct lsm_srv s = { .profile = profile };
	pid_t pid;
	__u64 v;

	snprintf(s.secret, sizeof(s.secret), "%s", secret);
	EXPECT_EQ(0, st_pipe_open(&s.ready));
	pid = st_fork(lsm_server, &s);
	EXPECT_LT(0, pid);
	EXPECT_EQ(0, st_get(&s.ready, &v));
	close(s.ready.r);
	close(s.ready.w);
	return pid;
}

static int simple(int fd, __u32 code)
{
	return st_simple(fd, 0, code, NULL, 0);
}

/* A call (or a one-way) carrying the secret, opened under P_OWNER. */
static int send_secret(struct __test_metadata *_metadata, int dev,
		       const char *secret, bool oneway, struct sipc_event *ev)
{
	struct sipc_object o = { .type = SIPC_OBJ_FD };
	static const __u64 zero_offset;
	int fd, ret;

	fd = open(secret, O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	o.fd = fd;
	if (oneway)
		ret = st_oneway(dev, 0, LSM_READ, &o, sizeof(o), &zero_offset,
				1);
	else
		ret = st_call(dev, 0, LSM_READ, &o, sizeof(o), &zero_offset, 1,
			      ev);
	close(fd);
	return ret;
}

/*
 * A call from the owner: the receiver reads the secret, or never sees
 * the call, which fails with EACCES; either way the receiver serves on.
 */
TEST_F(lsm, call_carries_file)
{
	struct sipc_event ev;
	int ret;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	self->server = start_server(_metadata, self->secret, variant->profile);
	ASSERT_LT(0, self->server);
	ASSERT_EQ(0, st_aa_confine(P_OWNER));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));

	ret = send_secret(_metadata, self->c.fd, self->secret, false, &ev);
	if (variant->allowed) {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(1, ev.code);
		ASSERT_EQ(sizeof(SECRET_TEXT), ev.data_size);
		ASSERT_STREQ(SECRET_TEXT, st_ptr(ev.data));
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
		ASSERT_EQ(1, simple(self->c.fd, LSM_SEEN));
	} else {
		ASSERT_EQ(-EACCES, ret);
		ASSERT_EQ(0, simple(self->c.fd, LSM_SEEN));
		EXPECT_TRUE(failed_logged("call", self->server, LSM_READ));
	}
	ASSERT_EQ(0, simple(self->c.fd, LSM_QUIT));
	ASSERT_EQ(0, st_reap(self->server));
}

/* A one-way from the owner: served, or dropped before the receiver. */
TEST_F(lsm, oneway_carries_file)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	self->server = start_server(_metadata, self->secret, variant->profile);
	ASSERT_LT(0, self->server);
	ASSERT_EQ(0, st_aa_confine(P_OWNER));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));

	ASSERT_EQ(0, send_secret(_metadata, self->c.fd, self->secret, true,
				 NULL));
	/* Served after the one-way was taken (or refused). */
	ASSERT_EQ(variant->allowed ? 1 : 0, simple(self->c.fd, LSM_SEEN));
	if (!variant->allowed)
		EXPECT_TRUE(failed_logged("oneway", self->server, LSM_READ));
	ASSERT_EQ(0, simple(self->c.fd, LSM_QUIT));
	ASSERT_EQ(0, st_reap(self->server));
}

/*
 * The other way: the server, under P_OWNER, replies with the secret to a
 * caller under the variant's profile, which reads it or gets EACCES.
 */
TEST_F(lsm, reply_carries_file)
{
	struct sipc_event ev;
	struct sipc_object o;
	char text[sizeof(SECRET_TEXT)];

	if (self->skip)
		SKIP(return, "%s", self->skip);
	self->server = start_server(_metadata, self->secret, P_OWNER);
	ASSERT_LT(0, self->server);
	if (variant->profile)
		ASSERT_EQ(0, st_aa_confine(variant->profile));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));

	if (variant->allowed) {
		ASSERT_EQ(0, st_call(self->c.fd, 0, LSM_GIVE, NULL, 0, NULL, 0,
				     &ev));
		ASSERT_EQ(1, ev.offsets_count);
		o = st_ev_obj(&ev, 0);
		ASSERT_EQ(SIPC_OBJ_FD, o.type);
		ASSERT_LE(0, o.fd);
		ASSERT_EQ(sizeof(text), pread(o.fd, text, sizeof(text), 0));
		ASSERT_STREQ(SECRET_TEXT, text);
		ASSERT_EQ(0, close(o.fd));
		ASSERT_EQ(0, st_free(self->c.fd, ev.data));
	} else {
		ASSERT_EQ(-EACCES, st_call(self->c.fd, 0, LSM_GIVE, NULL, 0,
					   NULL, 0, &ev));
		EXPECT_TRUE(failed_logged("reply", getpid(), 0));
	}
	ASSERT_EQ(1, simple(self->c.fd, LSM_SEEN));
	ASSERT_EQ(0, simple(self->c.fd, LSM_QUIT));
	ASSERT_EQ(0, st_reap(self->server));
}

TEST_HARNESS_MAIN
