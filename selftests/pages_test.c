// SPDX-License-Identifier: GPL-2.0
/*
 * Receive-area pages: populated when a buffer first needs them, kept while
 * a buffer uses them, handed back to the system under memory pressure once
 * freed (drop_caches runs the driver's shrinker), and zero-filled when they
 * come back. The process sends one-way messages to itself through handle 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sipc.h>

#include "kselftest_harness.h"

#define AREA (1 << 20)
#define PAGE 4096

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* Read one byte; the signal number if the read faulted, else 0. */
static int probe(const volatile unsigned char *p, unsigned char *val)
{
	struct sigaction sa = { .sa_handler = on_fault }, old_bus, old_segv;
	int sig;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		*val = *p;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

static void drop_caches(struct __test_metadata *_metadata)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, "2\n", 2), 2);
	close(fd);
}

FIXTURE(self_send) {
	int fd;
	unsigned char *area;
};

FIXTURE_SETUP(self_send)
{
	struct sipc_node_info mgr = { .cookie = 7 };

	self->fd = open("/dev/sipc", O_RDWR);
	ASSERT_GE(self->fd, 0);
	self->area = mmap(NULL, AREA, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(self->area, MAP_FAILED);
	ASSERT_EQ(ioctl(self->fd, SIPC_IOC_SET_CONTEXT_MGR, &mgr), 0);
}

FIXTURE_TEARDOWN(self_send)
{
	munmap(self->area, AREA);
	close(self->fd);
}

/* Send @size bytes of @fill to ourselves and receive them: the buffer. */
static const unsigned char *loop_back(struct __test_metadata *_metadata,
				      int fd, size_t size, int fill)
{
	static unsigned char payload[3 * PAGE];
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_ONEWAY,
		.data = (__u64)(uintptr_t)payload,
		.data_size = size,
		.recv_flags = SIPC_RECV_WAIT | SIPC_RECV_NONBLOCK,
	};

	memset(payload, fill, size);
	EXPECT_EQ(ioctl(fd, SIPC_IOC_TRANSACT, &tr), 0);
	EXPECT_EQ(tr.ev.type, SIPC_EV_TRANSACTION);
	EXPECT_EQ(tr.ev.data_size, size);
	return (const unsigned char *)(uintptr_t)tr.ev.data;
}

static void free_buffer(struct __test_metadata *_metadata, int fd,
			const unsigned char *buf)
{
	__u64 addr = (uintptr_t)buf;

	ASSERT_EQ(ioctl(fd, SIPC_IOC_FREE_BUFFER, &addr), 0);
}

TEST_F(self_send, untouched_page_is_a_hole)
{
	unsigned char v;

	EXPECT_EQ(probe(self->area + AREA - PAGE, &v), SIGBUS);
}

TEST_F(self_send, buffer_pages_survive_pressure)
{
	const unsigned char *buf = loop_back(_metadata, self->fd, 3 * PAGE,
					     0x5a);
	size_t i;

	drop_caches(_metadata);
	for (i = 0; i < 3 * PAGE; i++)
		ASSERT_EQ(buf[i], 0x5a);
	free_buffer(_metadata, self->fd, buf);
}

TEST_F(self_send, freed_pages_are_reclaimed)
{
	const unsigned char *buf = loop_back(_metadata, self->fd, 3 * PAGE,
					     0x33);
	unsigned char v;

	ASSERT_EQ(probe(buf + PAGE, &v), 0);
	ASSERT_EQ(v, 0x33);
	free_buffer(_metadata, self->fd, buf);
	/* Freed but cached: still mapped until memory is needed. */
	ASSERT_EQ(probe(buf + PAGE, &v), 0);
	drop_caches(_metadata);
	EXPECT_EQ(probe(buf + PAGE, &v), SIGBUS);
	EXPECT_EQ(probe(buf + 2 * PAGE, &v), SIGBUS);
}

TEST_F(self_send, reclaimed_pages_come_back_zeroed)
{
	const unsigned char *buf = loop_back(_metadata, self->fd, 2 * PAGE,
					     0x77);
	size_t i;

	free_buffer(_metadata, self->fd, buf);
	drop_caches(_metadata);
	/* A small message now: the rest of its page must not show old data. */
	buf = loop_back(_metadata, self->fd, 16, 0x11);
	for (i = 0; i < 16; i++)
		ASSERT_EQ(buf[i], 0x11);
	for (i = 16; i < PAGE; i++)
		ASSERT_EQ(buf[i], 0);
	free_buffer(_metadata, self->fd, buf);
}

TEST_F(self_send, cached_pages_are_reused)
{
	const unsigned char *a, *b;

	a = loop_back(_metadata, self->fd, 64, 1);
	free_buffer(_metadata, self->fd, a);
	b = loop_back(_metadata, self->fd, 64, 2);
	/* Best fit from the lowest address: the same place, new content. */
	EXPECT_EQ(a, b);
	EXPECT_EQ(b[0], 2);
	free_buffer(_metadata, self->fd, b);
}

TEST_HARNESS_MAIN
