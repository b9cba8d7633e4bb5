// SPDX-License-Identifier: GPL-2.0
/*
 * A gathered send (SIPC_SEND_GATHER): the sender names its payload as a
 * list of segments in its own memory, and the receiver gets them as one
 * payload, in order, its objects translated wherever they lie (inside one
 * segment or across two) and as impossible to forge as in a plain send.
 * A bad list (too long, lengths that overflow, a pointer that faults)
 * fails the send and queues nothing.
 *
 * The receiver (R, handle 0) and the sender (S) are two contexts of this
 * process.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define S_COOKIE	0x6a7e4e4c0ffee123ULL

FIXTURE(gather) {
	struct st_ctx r, s;
};

FIXTURE_SETUP(gather)
{
	self->r.fd = -1;
	self->s.fd = -1;
	ASSERT_EQ(0, st_open(&self->r, ST_AREA));
	ASSERT_EQ(0, st_claim_cm(self->r.fd, ST_CM_COOKIE));
	ASSERT_EQ(0, st_open(&self->s, ST_AREA));
	ASSERT_EQ(0, st_node_create(self->s.fd, S_COOKIE));
}

FIXTURE_TEARDOWN(gather)
{
	st_close(&self->s);
	st_close(&self->r);
}

static int gather(int fd, __u32 op, const struct sipc_segment *segs,
		  size_t nr, const __u64 *offs, size_t n, __u32 recv_flags,
		  struct sipc_event *ev)
{
	struct sipc_transact tr = {
		.send_op = op,
		.code = 7,
		.send_flags = SIPC_SEND_GATHER,
		.data = (uintptr_t)segs,
		.data_size = nr,
		.offsets = (uintptr_t)offs,
		.offsets_count = n,
		.recv_flags = recv_flags,
	};
	int ret = st_transact(fd, &tr);

	if (ev)
		*ev = tr.ev;
	return ret;
}

static struct sipc_segment seg(const void *p, size_t len)
{
	return (struct sipc_segment){ .addr = (uintptr_t)p, .len = len };
}

TEST_F(gather, version_says_gather)
{
	struct sipc_version v;

	ASSERT_EQ(0, ioctl(self->s.fd, SIPC_IOC_VERSION, &v));
	EXPECT_EQ(SIPC_VERSION_MAJOR, v.major);
	EXPECT_LE(2, v.minor);
}

/* Segments from four places, one of them empty, arrive as one payload. */
TEST_F(gather, segments_arrive_in_order)
{
	static unsigned char a[100], b[5000], c[7], whole[5107];
	struct sipc_segment segs[4] = {
		seg(a, sizeof(a)), seg(NULL, 0), seg(b, sizeof(b)),
		seg(c, sizeof(c)),
	};
	struct sipc_event ev;

	st_fill(whole, sizeof(whole), 11);
	memcpy(a, whole, sizeof(a));
	memcpy(b, whole + sizeof(a), sizeof(b));
	memcpy(c, whole + sizeof(a) + sizeof(b), sizeof(c));
	ASSERT_EQ(0, gather(self->s.fd, SIPC_SEND_ONEWAY, segs, 4, NULL, 0,
			    0, NULL));
	ASSERT_EQ(0, st_wait(self->r.fd, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	EXPECT_EQ(7, ev.code);
	ASSERT_EQ(sizeof(whole), ev.data_size);
	EXPECT_EQ(-1, st_check(st_ptr(ev.data), sizeof(whole), 11));
	EXPECT_EQ(0, st_free(self->r.fd, ev.data));
}

/* No segments at all: an empty payload, as data_size 0 is. */
TEST_F(gather, no_segments_is_empty)
{
	struct sipc_event ev;

	ASSERT_EQ(0, gather(self->s.fd, SIPC_SEND_ONEWAY, NULL, 0, NULL, 0,
			    0, NULL));
	ASSERT_EQ(0, st_wait(self->r.fd, &ev));
	EXPECT_EQ(0, ev.data_size);
	EXPECT_EQ(0, st_free(self->r.fd, ev.data));
}

/*
 * A node object split over two segments and another wholly inside the
 * third both arrive translated; the bytes around them arrive as sent.
 */
TEST_F(gather, objects_translated_across_segments)
{
	struct sipc_object node = st_obj_node(S_COOKIE), got;
	unsigned char head[24], tail[8 + sizeof(node)], last[8 + sizeof(node)];
	struct sipc_segment segs[3] = {
		seg(head, sizeof(head)), seg(tail, sizeof(tail)),
		seg(last, sizeof(last)),
	};
	/* Payload bytes 16..31 hold the first object: 8 in head, 8 in tail. */
	__u64 offs[2] = { 16, sizeof(head) + sizeof(tail) + 8 };
	struct sipc_event ev;
	const unsigned char *d;

	memset(head, 0xa1, sizeof(head));
	memset(tail, 0xb2, sizeof(tail));
	memset(last, 0xc3, sizeof(last));
	memcpy(head + 16, &node, 8);
	memcpy(tail, (unsigned char *)&node + 8, 8);
	memcpy(last + 8, &node, sizeof(node));
	ASSERT_EQ(0, gather(self->s.fd, SIPC_SEND_ONEWAY, segs, 3, offs, 2,
			    0, NULL));
	ASSERT_EQ(0, st_wait(self->r.fd, &ev));
	ASSERT_EQ(2, ev.offsets_count);
	d = st_ptr(ev.data);
	got = st_ev_obj(&ev, 0);
	EXPECT_EQ(SIPC_OBJ_HANDLE, got.type);
	got = st_ev_obj(&ev, 1);
	EXPECT_EQ(SIPC_OBJ_HANDLE, got.type);
	EXPECT_EQ(0xa1, d[15]);
	EXPECT_EQ(0xb2, d[32]);
	EXPECT_EQ(0xb2, d[sizeof(head) + sizeof(tail) - 1]);
	EXPECT_EQ(0xc3, d[sizeof(head) + sizeof(tail)]);
	EXPECT_EQ(0, st_free(self->r.fd, ev.data));
}

/* A handle the sender does not hold, in a segment: refused, nothing sent. */
TEST_F(gather, forged_handle_in_segment_refused)
{
	struct sipc_object bad = st_obj_handle(12345);
	unsigned char pad[64];
	struct sipc_segment segs[2] = {
		seg(pad, sizeof(pad)), seg(&bad, sizeof(bad)),
	};
	__u64 off = sizeof(pad);

	memset(pad, 0x5c, sizeof(pad));
	EXPECT_EQ(-ENOENT, gather(self->s.fd, SIPC_SEND_ONEWAY, segs, 2, &off,
				  1, 0, NULL));
	EXPECT_EQ(-EAGAIN, st_poll(self->r.fd, NULL));
}

/* An offset past the gathered whole is malformed. */
TEST_F(gather, offset_past_the_whole)
{
	struct sipc_object node = st_obj_node(S_COOKIE);
	struct sipc_segment segs[1] = { seg(&node, sizeof(node)) };
	__u64 off = 8;

	EXPECT_EQ(-EINVAL, gather(self->s.fd, SIPC_SEND_ONEWAY, segs, 1, &off,
				  1, 0, NULL));
	EXPECT_EQ(-EAGAIN, st_poll(self->r.fd, NULL));
}

/* SIPC_MAX_SEGMENTS one-byte segments go; one more is E2BIG. */
TEST_F(gather, segment_limit)
{
	static struct sipc_segment segs[SIPC_MAX_SEGMENTS + 1];
	static unsigned char bytes[SIPC_MAX_SEGMENTS + 1];
	struct sipc_event ev;
	size_t i;

	st_fill(bytes, sizeof(bytes), 12);
	for (i = 0; i <= SIPC_MAX_SEGMENTS; i++)
		segs[i] = seg(bytes + i, 1);
	EXPECT_EQ(-E2BIG, gather(self->s.fd, SIPC_SEND_ONEWAY, segs,
				 SIPC_MAX_SEGMENTS + 1, NULL, 0, 0, NULL));
	EXPECT_EQ(-EAGAIN, st_poll(self->r.fd, NULL));
	ASSERT_EQ(0, gather(self->s.fd, SIPC_SEND_ONEWAY, segs,
			    SIPC_MAX_SEGMENTS, NULL, 0, 0, NULL));
	ASSERT_EQ(0, st_wait(self->r.fd, &ev));
	ASSERT_EQ(SIPC_MAX_SEGMENTS, ev.data_size);
	EXPECT_EQ(-1, st_check(st_ptr(ev.data), SIPC_MAX_SEGMENTS, 12));
	EXPECT_EQ(0, st_free(self->r.fd, ev.data));
}

/* Lengths whose sum wraps, or passes the largest area: EMSGSIZE. */
TEST_F(gather, lengths_that_overflow)
{
	static unsigned char b[16];
	struct sipc_segment wrap[3] = {
		seg(b, 16), seg(b, 1ULL << 63), seg(b, 1ULL << 63),
	};
	struct sipc_segment big[2] = {
		seg(b, 1ULL << 40), seg(b, 16),
	};

	EXPECT_EQ(-EMSGSIZE, gather(self->s.fd, SIPC_SEND_ONEWAY, wrap, 3,
				    NULL, 0, 0, NULL));
	EXPECT_EQ(-EMSGSIZE, gather(self->s.fd, SIPC_SEND_ONEWAY, big, 2,
				    NULL, 0, 0, NULL));
	EXPECT_EQ(-EAGAIN, st_poll(self->r.fd, NULL));
}

/* A list, or a segment, the sender cannot read: EFAULT, nothing sent. */
TEST_F(gather, unreadable_list_or_segment)
{
	static unsigned char b[64];
	struct sipc_segment segs[2] = {
		seg(b, sizeof(b)), seg((void *)16, 64),
	};

	EXPECT_EQ(-EFAULT, gather(self->s.fd, SIPC_SEND_ONEWAY,
				  (void *)16, 2, NULL, 0, 0, NULL));
	EXPECT_EQ(-EFAULT, gather(self->s.fd, SIPC_SEND_ONEWAY, segs, 2,
				  NULL, 0, 0, NULL));
	EXPECT_EQ(-EAGAIN, st_poll(self->r.fd, NULL));
}

/* Flags the driver does not know still fail a send. */
TEST_F(gather, unknown_send_flag)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_ONEWAY,
		.send_flags = SIPC_SEND_GATHER << 1,
	};

	EXPECT_EQ(-EINVAL, st_transact(self->s.fd, &tr));
	EXPECT_EQ(0, tr.out_flags & SIPC_OUT_SENT);
}

struct caller {
	int fd;
	struct sipc_event ev;
	int ret;
};

static void *caller_main(void *arg)
{
	struct caller *c = arg;

	c->ret = st_call(c->fd, 0, 1, "q", 1, NULL, 0, &c->ev);
	return NULL;
}

/*
 * A reply may be gathered too. One whose list cannot be read is refused
 * before anything is sent and stays owed, like a reply with too many
 * objects; a fault in the bytes themselves fails the call for the caller,
 * as in a plain reply.
 */
TEST_F(gather, gathered_reply)
{
	static unsigned char a[3000], b[3000];
	struct sipc_segment segs[2] = { seg(a, sizeof(a)), seg(b, sizeof(b)) };
	struct caller c = { .fd = self->s.fd };
	struct sipc_event ev;
	pthread_t th;

	st_fill(a, sizeof(a), 13);
	memcpy(b, a, sizeof(b));
	ASSERT_EQ(0, pthread_create(&th, NULL, caller_main, &c));
	ASSERT_EQ(0, st_wait(self->r.fd, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	EXPECT_EQ(0, st_free(self->r.fd, ev.data));
	EXPECT_EQ(-EFAULT, gather(self->r.fd, SIPC_SEND_REPLY, (void *)16, 1,
				  NULL, 0, 0, NULL));
	EXPECT_EQ(0, gather(self->r.fd, SIPC_SEND_REPLY, segs, 2, NULL, 0, 0,
			    NULL));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, c.ret);
	ASSERT_EQ(SIPC_EV_REPLY, c.ev.type);
	ASSERT_EQ(sizeof(a) + sizeof(b), c.ev.data_size);
	EXPECT_EQ(-1, st_check(st_ptr(c.ev.data), sizeof(a), 13));
	EXPECT_EQ(0, memcmp((const unsigned char *)st_ptr(c.ev.data) +
			    sizeof(a), b, sizeof(b)));
	EXPECT_EQ(0, st_free(self->s.fd, c.ev.data));
}

TEST_HARNESS_MAIN
