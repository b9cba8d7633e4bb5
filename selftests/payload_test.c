// SPDX-License-Identifier: GPL-2.0
/*
 * What a receiver can read of a payload sent to it: only what it was
 * meant to get. A send that fails (a bad object, a fault in the sender's
 * memory) leaves none of its bytes in the receiver's area, and while a send
 * is still being copied the receiver never finds the sender's raw objects
 * (its node cookies) in its pages, only translated ones.
 *
 * The receiver (R, handle 0) and the sender (S) are two contexts of this
 * process. A first, good payload of the same size shows where the next
 * one lands: the allocator gives the freed block back.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "sipc_test.h"

#define S_COOKIE	0x5e4de7c0ffee1234ULL
#define PAGE		4096

FIXTURE(payload) {
	struct st_ctx r, s;
	unsigned char *data;	/* two pages of the sender's */
};

FIXTURE_SETUP(payload)
{
	self->r.fd = -1;
	self->s.fd = -1;
	ASSERT_EQ(0, st_open(&self->r, ST_AREA));
	ASSERT_EQ(0, st_claim_cm(self->r.fd, ST_CM_COOKIE));
	ASSERT_EQ(0, st_open(&self->s, ST_AREA));
	ASSERT_EQ(0, st_node_create(self->s.fd, S_COOKIE));
	self->data = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->data);
}

FIXTURE_TEARDOWN(payload)
{
	munmap(self->data, 2 * PAGE);
	st_close(&self->s);
	st_close(&self->r);
}

/*
 * A good one-way of @size bytes (@n objects at @offs), received and freed:
 * where the next payload of that size will land in R's area.
 */
static const unsigned char *landing(struct __test_metadata *_metadata,
				    FIXTURE_DATA(payload) *self, size_t size,
				    const __u64 *offs, size_t n)
{
	struct sipc_event ev;

	EXPECT_EQ(0, st_oneway(self->s.fd, 0, 1, self->data, size, offs, n));
	EXPECT_EQ(0, st_wait(self->r.fd, &ev));
	EXPECT_EQ(SIPC_EV_TRANSACTION, ev.type);
	EXPECT_EQ(size, ev.data_size);
	EXPECT_EQ(0, st_free(self->r.fd, ev.data));
	return st_ptr(ev.data);
}

/* A payload refused for a bad handle leaves none of its bytes behind. */
TEST_F(payload, refused_object_leaves_nothing)
{
	struct sipc_object bad = st_obj_handle(12345);
	__u64 off = PAGE - sizeof(bad);
	const unsigned char *at;

	st_fill(self->data, PAGE, 1);
	at = landing(_metadata, self, PAGE, NULL, 0);
	st_fill(self->data, PAGE, 2);
	memcpy(self->data + off, &bad, sizeof(bad));
	EXPECT_EQ(-ENOENT, st_oneway(self->s.fd, 0, 1, self->data, PAGE,
				     &off, 1));
	EXPECT_EQ(-ENOENT, st_call(self->s.fd, 0, 1, self->data, PAGE, &off,
				   1, NULL));
	/* Not one of the refused payload's first bytes is there. */
	EXPECT_NE(0, memcmp(at, self->data, 64));
	EXPECT_EQ(-EAGAIN, st_poll(self->r.fd, NULL));
}

/* A copy cut short by a fault in the sender's memory is cleared. */
TEST_F(payload, faulted_copy_leaves_nothing)
{
	const unsigned char *at;

	st_fill(self->data, 2 * PAGE, 3);
	at = landing(_metadata, self, 2 * PAGE, NULL, 0);
	st_fill(self->data, PAGE, 4);
	ASSERT_EQ(0, mprotect(self->data + PAGE, PAGE, PROT_NONE));
	EXPECT_EQ(-EFAULT, st_oneway(self->s.fd, 0, 1, self->data, 2 * PAGE,
				     NULL, 0));
	EXPECT_NE(0, memcmp(at, self->data, 64));
	EXPECT_EQ(-EAGAIN, st_poll(self->r.fd, NULL));
}

struct sender {
	int fd;
	const void *data;
	__u64 off;
	int ret;
};

static void *sender_main(void *arg)
{
	struct sender *sd = arg;

	sd->ret = st_oneway(sd->fd, 0, 1, sd->data, 2 * PAGE, &sd->off, 1);
	return NULL;
}

/* A userfaultfd on @page: a copy from it waits for us. -errno if none. */
static int stall_page(void *page)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)page, .len = PAGE },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int uffd = syscall(__NR_userfaultfd, O_CLOEXEC);

	if (uffd < 0)
		return -errno;
	if (ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		close(uffd);
		return -errno;
	}
	return uffd;
}

/*
 * The sender's copy is held up (its second page is missing, behind a
 * userfaultfd) after its first page, which holds a node object. Meanwhile
 * the receiver's pages show no trace of the sender's cookie: the object
 * lands translated, or not yet.
 */
TEST_F(payload, object_never_lands_raw)
{
	struct sipc_object node = st_obj_node(S_COOKIE), seen;
	struct sender sd = { .fd = self->s.fd, .data = self->data };
	struct pollfd pfd = { .events = POLLIN };
	struct uffdio_zeropage zero = {
		.range = { .start = (uintptr_t)self->data + PAGE, .len = PAGE },
	};
	const unsigned char *at;
	struct uffd_msg msg;
	struct sipc_event ev;
	pthread_t th;

	sd.off = 64;
	st_fill(self->data, 2 * PAGE, 5);
	memcpy(self->data + sd.off, &node, sizeof(node));
	at = landing(_metadata, self, 2 * PAGE, &sd.off, 1);
	/* A fresh second page, missing until we say. */
	ASSERT_EQ(0, munmap(self->data + PAGE, PAGE));
	ASSERT_EQ(self->data + PAGE, mmap(self->data + PAGE, PAGE,
					  PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS |
					  MAP_FIXED, -1, 0));
	pfd.fd = stall_page(self->data + PAGE);
	if (pfd.fd < 0)
		SKIP(return, "no userfaultfd for kernel copies (%d)", pfd.fd);
	ASSERT_EQ(0, pthread_create(&th, NULL, sender_main, &sd));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_EQ(sizeof(msg), read(pfd.fd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);

	/* The copy waits for the second page: look at the first. */
	memcpy(&seen, at + sd.off, sizeof(seen));
	EXPECT_FALSE(seen.type == SIPC_OBJ_NODE && seen.cookie == S_COOKIE);

	ASSERT_EQ(0, ioctl(pfd.fd, UFFDIO_ZEROPAGE, &zero));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(0, sd.ret);
	ASSERT_EQ(0, st_wait(self->r.fd, &ev));
	ASSERT_EQ(SIPC_EV_TRANSACTION, ev.type);
	seen = st_ev_obj(&ev, 0);
	EXPECT_EQ(SIPC_OBJ_HANDLE, seen.type);
	EXPECT_EQ(0, st_free(self->r.fd, ev.data));
	close(pfd.fd);
}

TEST_HARNESS_MAIN
