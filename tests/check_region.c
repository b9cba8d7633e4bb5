// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check): file descriptors in parcels and shared
 * regions. On the host: regions made, written, sealed (and then proof
 * against every kind of change), adopted only when sealed and of the
 * size announced; the fd and region items of the wire format, malformed
 * ones refused. With /dev/sipc (the dev VM), against a libsipc server on
 * handle 0: blobs both ways on each side of SIPC_REGION_THRESHOLD, content
 * checked; regions kept by the server; fds lent, taken and given, and
 * closed by the library when nobody takes them.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check_sipc.h"

#define GIVE_TEXT	"a pipe from the server"

enum {
	R_BLOB_SUM = 1,	/* blob -> u64 length, u64 hash, bool as region */
	R_BLOB_BACK,	/* u64 length, u32 seed -> that blob */
	R_REGION_KEEP,	/* region -> kept; status: its length's hash */
	R_REGION_DROP,	/* -> the kept region freed */
	R_FD_WRITE,	/* fd, string -> the string written to the fd */
	R_FD_TAKE,	/* fd -> taken and kept */
	R_FD_CLOSE,	/* -> the kept fd closed */
	R_FD_GIVE,	/* -> a pipe's read end with GIVE_TEXT in it */
	R_FD_COUNT,	/* -> status: the server's open descriptors */
	R_EXIT,
};

static uint64_t hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void pattern(unsigned char *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 7 + i * 131 + (i >> 12));
}

static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static uint64_t pattern_hash(size_t len, uint32_t seed)
{
	unsigned char *p = malloc(len);
	uint64_t h;

	pattern(p, len, seed);
	h = hash(p, len);
	free(p);
	return h;
}

/* Areas for inline blobs of up to 1 MiB; larger ones go as regions. */
#define AREA		(4u << 20)

/* ---- on the host ---- */

START_TEST(test_region_create_seal)
{
	struct sipc_region *r;
	unsigned char *d, buf[16];
	const size_t size = 3 * 4096 + 5;
	void *m;
	int fd;

	ck_assert_int_eq(sipc_region_create(0, &r), -EINVAL);
	ck_assert_int_eq(sipc_region_create(size, &r), 0);
	ck_assert_uint_eq(sipc_region_size(r), size);
	ck_assert(!sipc_region_is_sealed(r));
	d = sipc_region_data(r);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d[size - 1], 0);
	pattern(d, size, 1);
	ck_assert_int_eq(sipc_region_seal(r), 0);
	ck_assert(sipc_region_is_sealed(r));
	ck_assert_int_eq(sipc_region_seal(r), 0);
	fd = sipc_region_fd(r);
	ck_assert_int_eq(fcntl(fd, F_GET_SEALS), F_SEAL_WRITE | F_SEAL_SHRINK |
			 F_SEAL_GROW | F_SEAL_SEAL);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	/* Read-only now, with what was written. */
	d = sipc_region_data(r);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(hash(d, size), pattern_hash(size, 1));
	/* No way to change it, not even for its creator. */
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(pwrite(fd, buf, sizeof(buf), 0), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ftruncate(fd, 4096), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), -1);
	ck_assert_int_eq(errno, EPERM);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert(m == MAP_FAILED);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(fcntl(fd, F_ADD_SEALS, 0), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(mprotect(d, 4096, PROT_READ | PROT_WRITE), -1);
	sipc_region_free(r);
	sipc_region_free(NULL);
}
END_TEST

START_TEST(test_region_copy)
{
	size_t sizes[] = { 1, 4095, 4096, 4097, 3 << 20 };
	struct sipc_region *r;
	unsigned char *src;
	size_t i;

	ck_assert_int_eq(sipc_region_copy(NULL, 4, &r), -EINVAL);
	ck_assert_int_eq(sipc_region_copy("x", 0, &r), -EINVAL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		src = malloc(sizes[i]);
		pattern(src, sizes[i], (uint32_t)i);
		ck_assert_int_eq(sipc_region_copy(src, sizes[i], &r), 0);
		ck_assert(sipc_region_is_sealed(r));
		ck_assert_uint_eq(sipc_region_size(r), sizes[i]);
		ck_assert_int_eq(memcmp(sipc_region_data(r), src, sizes[i]), 0);
		sipc_region_free(r);
		free(src);
	}
}
END_TEST

/* A memfd with @seals and @size bytes. */
static int memfd(unsigned int seals, size_t size)
{
	int fd = memfd_create("test", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	if (seals)
		ck_assert_int_eq(fcntl(fd, F_ADD_SEALS, seals), 0);
	return fd;
}

START_TEST(test_region_open_checks)
{
	struct sipc_region *r;
	int fd, p[2], ret;
	char tmpl[] = "/tmp/sipc-region-XXXXXX";

	/* Not sealed, or sealed so that it could still change: refused. */
	fd = memfd(0, 8192);
	ck_assert_int_eq(sipc_region_open(fd, 8192, &r), -EPERM);
	close(fd);
	fd = memfd(F_SEAL_WRITE, 8192);
	ck_assert_int_eq(sipc_region_open(fd, 8192, &r), -EPERM);
	close(fd);
	fd = memfd(F_SEAL_SHRINK | F_SEAL_GROW, 8192);
	ck_assert_int_eq(sipc_region_open(fd, 8192, &r), -EPERM);
	close(fd);
	fd = memfd(F_SEAL_FUTURE_WRITE | F_SEAL_SHRINK, 8192);
	ck_assert_int_eq(sipc_region_open(fd, 8192, &r), -EPERM);
	close(fd);
	/* Not the size the message says. */
	fd = memfd(F_SEAL_WRITE | F_SEAL_SHRINK, 8192);
	ck_assert_int_eq(sipc_region_open(fd, 4096, &r), -EBADMSG);
	ck_assert_int_eq(sipc_region_open(fd, 8193, &r), -EBADMSG);
	ck_assert_int_eq(sipc_region_open(fd, 0, &r), -EBADMSG);
	/* Sealed just enough: taken. */
	ck_assert_int_eq(sipc_region_open(fd, 8192, &r), 0);
	ck_assert_int_eq(sipc_region_fd(r), fd);
	ck_assert_uint_eq(((unsigned char *)sipc_region_data(r))[8191], 0);
	sipc_region_free(r);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	/* Not a memfd at all. */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(sipc_region_open(p[0], 4096, &r), -EBADMSG);
	close(p[0]);
	close(p[1]);
	fd = mkstemp(tmpl);
	ck_assert_int_ge(fd, 0);
	unlink(tmpl);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	/* A file on tmpfs has seals too: F_SEAL_SEAL alone. */
	ret = sipc_region_open(fd, 4096, &r);
	ck_assert_msg(ret == -EBADMSG || ret == -EPERM, "%d", ret);
	close(fd);
	ck_assert_int_eq(sipc_region_open(-1, 4096, &r), -EBADF);
}
END_TEST

/* Every item as the writer made it, read back through a view. */
START_TEST(test_items_read_back)
{
	struct sipc_parcel *w = sipc_parcel_new(), *q = sipc_parcel_new();
	size_t size, n, big = SIPC_REGION_THRESHOLD + 1, len, i;
	struct sipc_region *r, *got;
	unsigned char *src = malloc(big);
	const __u64 *offs;
	const void *data, *b;
	int p[2], fd;
	struct stat a, c;

	pattern(src, big, 9);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(sipc_region_copy(src, 3000, &r), 0);
	ck_assert_int_eq(sipc_parcel_put_u8(w, 1), 0);
	ck_assert_int_eq(sipc_parcel_put_fd(w, p[1]), 0);
	ck_assert_int_eq(sipc_parcel_put_region(w, r), 0);
	ck_assert_int_eq(sipc_parcel_put_blob(w, src, 100), 0);
	ck_assert_int_eq(sipc_parcel_put_blob(w, src, big), 0);
	ck_assert_int_eq(sipc_parcel_put_string(w, "end"), 0);
	ck_assert_int_eq(sipc_parcel_error(w), 0);
	data = sipc_parcel_data(w, &size);
	offs = sipc_parcel_offsets(w, &n);
	/* fd, region: each listed, 8-aligned (no destination: no pool). */
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(offs[i] % 8, 0);

	ck_assert_int_eq(sipc_parcel_from_bytes(q, data, size, offs, n), 0);
	ck_assert_int_eq(sipc_parcel_skip(q), 0);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_FD);
	/* Nothing received: nothing to take. */
	ck_assert_int_eq(sipc_parcel_take_fd(q, &fd), -ENOTCONN);
	ck_assert_int_eq(sipc_parcel_get_region(q, &got), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_get_fd(q, &fd), 0);
	ck_assert_int_eq(fd, p[1]);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_REGION);
	ck_assert_int_eq(sipc_parcel_get_fd(q, &fd), -ENOMSG);
	ck_assert_int_eq(sipc_parcel_get_region(q, &got), 0);
	/* A region of its own: another descriptor, the same memfd. */
	ck_assert_int_ne(sipc_region_fd(got), sipc_region_fd(r));
	fstat(sipc_region_fd(got), &a);
	fstat(sipc_region_fd(r), &c);
	ck_assert_uint_eq(a.st_ino, c.st_ino);
	ck_assert_uint_eq(sipc_region_size(got), 3000);
	ck_assert_int_eq(memcmp(sipc_region_data(got), src, 3000), 0);
	sipc_region_free(got);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_BYTES);
	ck_assert_int_eq(sipc_parcel_get_blob(q, &b, &len), 0);
	ck_assert_uint_eq(len, 100);
	ck_assert_int_eq(memcmp(b, src, 100), 0);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_BYTES);
	ck_assert_int_eq(sipc_parcel_get_blob(q, &b, &len), 0);
	ck_assert_uint_eq(len, big);
	ck_assert_int_eq(memcmp(b, src, big), 0);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_STRING);
	sipc_parcel_reset(q);
	sipc_parcel_reset(w);
	/* A lent fd is not the parcel's to close. */
	ck_assert_int_ge(fcntl(p[1], F_GETFD), 0);
	close(p[0]);
	close(p[1]);
	sipc_region_free(r);
	sipc_parcel_free(w);
	sipc_parcel_free(q);
	free(src);
}
END_TEST

START_TEST(test_writer_errors)
{
	struct sipc_parcel *w = sipc_parcel_new();
	struct sipc_region *r;

	ck_assert_int_eq(sipc_parcel_put_fd(w, -1), -EBADF);
	ck_assert_int_eq(sipc_parcel_error(w), -EBADF);
	sipc_parcel_reset(w);
	ck_assert_int_eq(sipc_parcel_put_region(w, NULL), -EINVAL);
	sipc_parcel_reset(w);
	ck_assert_int_eq(sipc_region_create(4096, &r), 0);
	ck_assert_int_eq(sipc_parcel_put_region(w, r), -EINVAL);
	ck_assert_int_eq(sipc_parcel_error(w), -EINVAL);
	sipc_parcel_reset(w);
	ck_assert_int_eq(sipc_region_seal(r), 0);
	ck_assert_int_eq(sipc_parcel_put_region(w, r), 0);
	sipc_region_free(r);
	/* Given, then not sent: closed with the parcel. */
	sipc_parcel_reset(w);
	{
		int p[2];

		ck_assert_int_eq(pipe(p), 0);
		ck_assert_int_eq(sipc_parcel_give_fd(w, p[1]), 0);
		sipc_parcel_reset(w);
		ck_assert_int_eq(fcntl(p[1], F_GETFD), -1);
		close(p[0]);
	}
	sipc_parcel_free(w);
}
END_TEST

START_TEST(test_blob_threshold)
{
	struct sipc_parcel *w = sipc_parcel_new(), *q = sipc_parcel_new();
	size_t size, n, len = SIPC_REGION_THRESHOLD;
	unsigned char *src = calloc(1, len);
	const __u64 *offs;
	const void *data;

	ck_assert_int_eq(sipc_parcel_put_blob(w, src, len - 1), 0);
	ck_assert_int_eq(sipc_parcel_put_blob(w, src, len), 0);
	data = sipc_parcel_data(w, &size);
	offs = sipc_parcel_offsets(w, &n);
	ck_assert_int_eq(sipc_parcel_from_bytes(q, data, size, offs, n), 0);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_BYTES);
	ck_assert_int_eq(sipc_parcel_skip(q), 0);
	/* No destination set: no pool, the blob inline (see test_blob_request). */
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_BYTES);
	sipc_parcel_free(w);
	sipc_parcel_free(q);
	free(src);
}
END_TEST

/* A hand-made pooled item: a memfd whose size is not sealed is refused. */
START_TEST(test_pooled_checks)
{
	struct sipc_parcel *q = sipc_parcel_new();
	struct {
		__u32 h, pad;
		struct sipc_object obj;
		__u64 size;
	} it = { .h = 18 | 4 << 8, .obj = { .type = SIPC_OBJ_FD } };
	__u64 off = 8;
	const void *data;
	size_t len;
	int fd = memfd_create("t", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8192), 0);
	it.obj.fd = fd;
	it.size = 4096;
	ck_assert_int_eq(sipc_parcel_from_bytes(q, &it, sizeof(it), &off, 1),
			 0);
	ck_assert_int_eq(sipc_parcel_get_blob(q, &data, &len), -EPERM);
	/* Sealed against shrinking: taken, but not for more than it has. */
	ck_assert_int_eq(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	it.size = 16384;
	ck_assert_int_eq(sipc_parcel_from_bytes(q, &it, sizeof(it), &off, 1),
			 0);
	ck_assert_int_eq(sipc_parcel_get_blob(q, &data, &len), -EBADMSG);
	it.size = 8192;
	ck_assert_int_eq(sipc_parcel_from_bytes(q, &it, sizeof(it), &off, 1),
			 0);
	ck_assert_int_eq(sipc_parcel_get_blob(q, &data, &len), 0);
	ck_assert_uint_eq(len, 8192);
	sipc_parcel_free(q);
	close(fd);
}
END_TEST

/* Hand-made fd and region items: each is malformed. */
START_TEST(test_malformed_items)
{
	struct sipc_parcel *q = sipc_parcel_new();
	struct {
		__u32 h, pad;
		struct sipc_object obj;
		__u64 size;
	} it;
	__u64 off = 8;
	struct {
		__u32 tag, type, flags;
		__s64 fd;
		__u64 size;
		bool listed;
	} cases[] = {
		{ 16, SIPC_OBJ_HANDLE, 0, 3, 0, true },
		{ 16, SIPC_OBJ_FD, 2, 3, 0, true },		/* flags */
		{ 16, SIPC_OBJ_FD, 0, -1, 0, true },		/* no fd */
		{ 16, SIPC_OBJ_FD, 0, 1LL << 32 | 3, 0, true },	/* high bits */
		{ 16, SIPC_OBJ_FD, 0, 3, 0, false },		/* not listed */
		{ 14, SIPC_OBJ_FD, 0, 3, 0, true },		/* as an object */
		{ 17, SIPC_OBJ_FD, 1, 3, 0, true },		/* empty region */
		{ 17, SIPC_OBJ_NODE, 0, 3, 4096, true },
		{ 17, SIPC_OBJ_FD, 1, 3, 4096, false },
	};
	size_t i, size;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&it, 0, sizeof(it));
		it.h = cases[i].tag | 4 << 8;
		it.obj.type = cases[i].type;
		it.obj.flags = cases[i].flags;
		it.obj.raw = (__u64)cases[i].fd;
		it.size = cases[i].size;
		size = cases[i].tag == 17 ? sizeof(it) : sizeof(it) - 8;
		ck_assert_int_eq(sipc_parcel_from_bytes(q, &it, size, &off,
							cases[i].listed), 0);
		ck_assert_msg(sipc_parcel_next_type(q) == -EBADMSG,
			      "case %zu: %d", i, sipc_parcel_next_type(q));
		ck_assert_int_eq(sipc_parcel_skip(q), -EBADMSG);
	}
	/* Cut short. */
	it.h = 17 | 4 << 8;
	ck_assert_int_eq(sipc_parcel_from_bytes(q, &it, sizeof(it) - 4, &off,
						1), 0);
	ck_assert_int_eq(sipc_parcel_next_type(q), -EBADMSG);
	sipc_parcel_free(q);
}
END_TEST

/* ---- with the driver ---- */

static struct sipc_region *kept_region;
static int kept_fd = -1;

static int r_handle(struct sipc_node *node, const struct sipc_txn *txn,
		    struct sipc_parcel *reply)
{
	struct sipc_parcel *req = txn->request;
	unsigned char *buf;
	const void *data;
	const char *str;
	uint64_t len;
	uint32_t seed;
	size_t n;
	int fd, ret, p[2];
	bool region;

	switch (txn->code) {
	case R_BLOB_SUM:
		region = sipc_parcel_next_type(req) == SIPC_TYPE_REGION;
		ret = sipc_parcel_get_blob(req, &data, &n);
		if (ret)
			return ret;
		sipc_parcel_put_u64(reply, n);
		sipc_parcel_put_u64(reply, hash(data, n));
		return sipc_parcel_put_bool(reply, region);
	case R_BLOB_BACK:
		if (sipc_parcel_get_u64(req, &len) ||
		    sipc_parcel_get_u32(req, &seed))
			return -EBADMSG;
		buf = malloc(len ? len : 1);
		pattern(buf, len, seed);
		ret = sipc_parcel_put_blob(reply, buf, len);
		free(buf);
		return ret;
	case R_REGION_KEEP:
		sipc_region_free(kept_region);
		kept_region = NULL;
		ret = sipc_parcel_get_region(req, &kept_region);
		if (ret)
			return ret;
		return (int)(hash(sipc_region_data(kept_region),
				  sipc_region_size(kept_region)) & 0x7fffffff);
	case R_REGION_DROP:
		sipc_region_free(kept_region);
		kept_region = NULL;
		return 0;
	case R_FD_WRITE:
		if (sipc_parcel_get_fd(req, &fd) ||
		    sipc_parcel_get_string(req, &str, NULL))
			return -EBADMSG;
		return write(fd, str, strlen(str)) == (ssize_t)strlen(str) ?
		       0 : -errno;
	case R_FD_TAKE:
		if (kept_fd >= 0)
			close(kept_fd);
		kept_fd = -1;
		return sipc_parcel_take_fd(req, &kept_fd);
	case R_FD_CLOSE:
		ret = close(kept_fd) ? -errno : 0;
		kept_fd = -1;
		return ret;
	case R_FD_GIVE:
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		ret = write(p[1], GIVE_TEXT, sizeof(GIVE_TEXT)) ==
		      sizeof(GIVE_TEXT) ? 0 : -EIO;
		close(p[1]);
		if (!ret)
			ret = sipc_parcel_give_fd(reply, p[0]);
		if (ret)
			close(p[0]);
		return ret;
	case R_FD_COUNT:
		return count_fds();
	case R_EXIT:
		sipc_stop(ts.s);
		return 0;
	}
	return -EOPNOTSUPP;
}

static int r_main(void *arg)
{
	struct sipc_node *mgr;
	int *ready = arg, ret, i;

	if (sipc_open(NULL, AREA, &ts.s))
		return 10;
	for (i = 0; i < 200; i++) {
		ret = sipc_node_create(ts.s, r_handle, NULL,
				       SIPC_NODE_CONTEXT_MANAGER, &mgr);
		if (ret != -EBUSY)
			break;
		usleep(10000);
	}
	if (ret)
		return 11;
	if (write(ready[1], "r", 1) != 1)
		return 13;
	close(ready[0]);
	close(ready[1]);
	ret = sipc_loop(ts.s);
	sipc_region_free(kept_region);
	sipc_close(ts.s);
	return ret ? 14 : 0;
}

static struct sipc *s;
static struct sipc_handle *mgr;
static pid_t srv;

static void setup(void)
{
	int ready[2];
	char c;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	srv = helper(r_main, ready);
	ck_assert_int_gt(srv, 0);
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	ck_assert_int_eq(sipc_open(NULL, AREA, &s), 0);
	mgr = sipc_context_manager(s);
}

static void teardown(void)
{
	ck_assert_int_eq(sipc_call(mgr, R_EXIT, NULL, NULL), 0);
	ck_assert_int_eq(reap(srv, 5000), 0);
	sipc_close(s);
}

START_TEST(test_blob_request)
{
	size_t t = SIPC_REGION_THRESHOLD, i;
	size_t sizes[] = { 0, 1, 4095, 65536, t - 1, t, 4 * t + 1 };
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	unsigned char *src = malloc(4 * t + 1);
	uint64_t n, h;
	bool region;

	sipc_parcel_set_destination(req, mgr);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pattern(src, sizes[i], (uint32_t)i);
		sipc_parcel_reset(req);
		ck_assert_int_eq(sipc_parcel_put_blob(req, src, sizes[i]), 0);
		ck_assert_int_eq(sipc_call(mgr, R_BLOB_SUM, req, reply), 0);
		sipc_parcel_reset(req);
		ck_assert_int_eq(sipc_parcel_get_u64(reply, &n), 0);
		ck_assert_int_eq(sipc_parcel_get_u64(reply, &h), 0);
		ck_assert_int_eq(sipc_parcel_get_bool(reply, &region), 0);
		ck_assert_uint_eq(n, sizes[i]);
		ck_assert_uint_eq(h, hash(src, sizes[i]));
		ck_assert_int_eq(region, sizes[i] >= t);
	}
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	free(src);
}
END_TEST

START_TEST(test_blob_reply)
{
	size_t t = SIPC_REGION_THRESHOLD, i, len;
	size_t sizes[] = { 10, 4096, t, 2 * t + 5 };
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	unsigned char *want = malloc(2 * t + 5);
	const void *data;
	int base, mine = count_fds();

	base = sipc_call(mgr, R_FD_COUNT, NULL, NULL);
	ck_assert_int_gt(base, 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		sipc_parcel_reset(req);
		sipc_parcel_put_u64(req, sizes[i]);
		sipc_parcel_put_u32(req, 40 + (uint32_t)i);
		ck_assert_int_eq(sipc_call(mgr, R_BLOB_BACK, req, reply), 0);
		/* A reply does not know whom it goes to: never pooled. */
		ck_assert_int_eq(sipc_parcel_next_type(reply), SIPC_TYPE_BYTES);
		ck_assert_int_eq(sipc_parcel_get_blob(reply, &data, &len), 0);
		ck_assert_uint_eq(len, sizes[i]);
		pattern(want, len, 40 + (uint32_t)i);
		ck_assert_int_eq(memcmp(data, want, len), 0);
		/* The server let go of its region once the reply was out. */
		ck_assert_int_eq(sipc_call(mgr, R_FD_COUNT, NULL, NULL), base);
	}
	/* Ours goes with the reply parcel. */
	sipc_parcel_reset(reply);
	ck_assert_int_eq(count_fds(), mine);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	free(want);
}
END_TEST

/*
 * Pooled blobs in calls: each arrives whole, and the region comes back
 * to the pool with the answer, so a hundred calls use one descriptor on
 * our side and one on the server's, its view's. Pooled blobs in one-ways
 * are never reused: each region goes with its parcel, and the server
 * keeps no more than its sixteen views of them (sipc_region(3)).
 */
START_TEST(test_pool_reused)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	size_t len = 256 * 1024 + 3, i;
	unsigned char *src = malloc(len);
	int base, mine, after_first = 0;
	uint64_t n, h;
	bool region;

	base = sipc_call(mgr, R_FD_COUNT, NULL, NULL);
	mine = count_fds();
	sipc_parcel_set_destination(req, mgr);
	for (i = 0; i < 100; i++) {
		pattern(src, len, (uint32_t)i);
		sipc_parcel_reset(req);
		ck_assert_int_eq(sipc_parcel_put_pooled(req, src, len), 0);
		ck_assert_int_eq(sipc_call(mgr, R_BLOB_SUM, req, reply), 0);
		sipc_parcel_reset(req);
		ck_assert_int_eq(sipc_parcel_get_u64(reply, &n), 0);
		ck_assert_int_eq(sipc_parcel_get_u64(reply, &h), 0);
		ck_assert_int_eq(sipc_parcel_get_bool(reply, &region), 0);
		ck_assert_uint_eq(n, len);
		ck_assert_uint_eq(h, hash(src, len));
		ck_assert(region);
		if (!i)
			after_first = count_fds();
		ck_assert_int_eq(count_fds(), after_first);
	}
	ck_assert_int_eq(after_first, mine + 1);
	/* The server keeps the one region's view, with its descriptor. */
	ck_assert_int_eq(sipc_call(mgr, R_FD_COUNT, NULL, NULL), base + 1);
	/* One-ways: a region each, gone with the parcel's reset. */
	for (i = 0; i < 20; i++) {
		sipc_parcel_reset(req);
		ck_assert_int_eq(sipc_parcel_put_pooled(req, src, len), 0);
		ck_assert_int_eq(sipc_send_oneway(mgr, R_BLOB_SUM, req), 0);
	}
	sipc_parcel_reset(req);
	ck_assert_int_le(count_fds(), mine);
	ck_assert_int_le(sipc_call(mgr, R_FD_COUNT, NULL, NULL), base + 16);
	/* Pooled for one handle, sent to another: refused. */
	ck_assert_int_eq(sipc_parcel_put_pooled(req, src, len), 0);
	sipc_parcel_set_destination(req, NULL);
	ck_assert_int_eq(sipc_call(mgr, R_BLOB_SUM, req, reply), -EXDEV);
	ck_assert_int_eq(sipc_send_oneway(mgr, R_BLOB_SUM, req), -EXDEV);
	/* Without a destination, a blob is inline bytes. */
	sipc_parcel_reset(req);
	ck_assert_int_eq(sipc_parcel_put_pooled(req, src, len), 0);
	sipc_parcel_rewind(req);
	ck_assert_int_eq(sipc_parcel_next_type(req), SIPC_TYPE_BYTES);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	free(src);
}
END_TEST

/*
 * A pooled blob reads back as a region whose bytes are the blob, through
 * sipc_parcel_get_blob() only: it is not sealed against writes, so it is
 * no sealed region (sipc_parcel_get_region() says -EPERM).
 */
START_TEST(test_pooled_read_back)
{
	struct sipc_parcel *w = sipc_parcel_new(), *q = sipc_parcel_new();
	size_t size, n, len = 300 * 1024, got;
	unsigned char *src = malloc(len), *space;
	struct sipc_region *r;
	const __u64 *offs;
	const void *data, *blob;

	pattern(src, len, 5);
	sipc_parcel_set_destination(w, mgr);
	ck_assert_int_eq(sipc_parcel_put_pooled(w, src, len), 0);
	space = sipc_parcel_put_blob_space(w, 100);
	ck_assert_ptr_nonnull(space);
	memcpy(space, "in place", 9);
	data = sipc_parcel_data(w, &size);
	offs = sipc_parcel_offsets(w, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(sipc_parcel_from_bytes(q, data, size, offs, n), 0);
	ck_assert_int_eq(sipc_parcel_next_type(q), SIPC_TYPE_REGION);
	ck_assert_int_eq(sipc_parcel_get_region(q, &r), -EPERM);
	ck_assert_int_eq(sipc_parcel_get_blob(q, &blob, &got), 0);
	ck_assert_uint_eq(got, len);
	ck_assert_int_eq(memcmp(blob, src, len), 0);
	/* Below the threshold, the space is inline bytes. */
	ck_assert_int_eq(sipc_parcel_get_blob(q, &blob, &got), 0);
	ck_assert_uint_eq(got, 100);
	ck_assert_str_eq(blob, "in place");
	sipc_parcel_free(q);
	sipc_parcel_free(w);
	free(src);
}
END_TEST

START_TEST(test_region_kept)
{
	struct sipc_parcel *req = sipc_parcel_new();
	struct sipc_region *r;
	unsigned char *d;
	const size_t size = 5 * 4096 + 7;
	int h;

	ck_assert_int_eq(sipc_region_create(size, &r), 0);
	d = sipc_region_data(r);
	pattern(d, size, 77);
	h = (int)(hash(d, size) & 0x7fffffff);
	/* Not sealed: refused before anything is sent. */
	ck_assert_int_eq(sipc_parcel_put_region(req, r), -EINVAL);
	ck_assert_int_eq(sipc_call(mgr, R_REGION_KEEP, req, NULL), -EINVAL);
	sipc_parcel_reset(req);
	ck_assert_int_eq(sipc_region_seal(r), 0);
	ck_assert_int_eq(sipc_parcel_put_region(req, r), 0);
	ck_assert_int_eq(sipc_call(mgr, R_REGION_KEEP, req, NULL), h);
	/* Ours can go: the server's copy of it stays. */
	sipc_parcel_reset(req);
	sipc_region_free(r);
	ck_assert_int_eq(sipc_call(mgr, R_REGION_DROP, NULL, NULL), 0);
	sipc_parcel_free(req);
}
END_TEST

/* A region item whose memfd is not sealed, sent raw: the server refuses. */
START_TEST(test_unsealed_refused)
{
	struct sipc_parcel *q = sipc_parcel_new();
	struct {
		__u32 h, pad;
		struct sipc_object obj;
		__u64 size;
	} it = { .h = 17 | 4 << 8 };
	__u64 off = 8;
	int fd;

	it.obj.type = SIPC_OBJ_FD;
	it.obj.flags = SIPC_OBJ_FD_CLOEXEC;
	it.size = 8192;
	/* Only the write seal: it could still shrink under the reader. */
	fd = memfd(F_SEAL_WRITE, 8192);
	it.obj.fd = fd;
	ck_assert_int_eq(sipc_parcel_from_bytes(q, &it, sizeof(it), &off, 1),
			 0);
	ck_assert_int_eq(sipc_call(mgr, R_BLOB_SUM, q, NULL), -EPERM);
	ck_assert_int_eq(sipc_call(mgr, R_REGION_KEEP, q, NULL), -EPERM);
	close(fd);
	/* Sealed, but not the size it claims. */
	fd = memfd(F_SEAL_WRITE | F_SEAL_SHRINK, 4096);
	it.obj.fd = fd;
	ck_assert_int_eq(sipc_call(mgr, R_BLOB_SUM, q, NULL), -EBADMSG);
	close(fd);
	sipc_parcel_free(q);
}
END_TEST

/* 1 if @fd reads end-of-file within @ms. */
static int eof_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, &c, 1) == 0;
}

START_TEST(test_fd_lent_and_closed)
{
	struct sipc_parcel *req = sipc_parcel_new();
	char buf[64];
	int p[2], base;

	base = sipc_call(mgr, R_FD_COUNT, NULL, NULL);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	sipc_parcel_put_fd(req, p[1]);
	sipc_parcel_put_string(req, "hello through sipc");
	ck_assert_int_eq(sipc_call(mgr, R_FD_WRITE, req, NULL), 0);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 18);
	ck_assert_int_eq(memcmp(buf, "hello through sipc", 18), 0);
	/* The handler only borrowed it: the library closed it. */
	ck_assert_int_eq(sipc_call(mgr, R_FD_COUNT, NULL, NULL), base);
	close(p[1]);
	ck_assert_int_eq(eof_within(p[0], 2000), 1);
	close(p[0]);
	sipc_parcel_free(req);
}
END_TEST

START_TEST(test_fd_taken)
{
	struct sipc_parcel *req = sipc_parcel_new();
	int p[2], base;

	base = sipc_call(mgr, R_FD_COUNT, NULL, NULL);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	sipc_parcel_put_fd(req, p[1]);
	ck_assert_int_eq(sipc_call(mgr, R_FD_TAKE, req, NULL), 0);
	ck_assert_int_eq(sipc_call(mgr, R_FD_COUNT, NULL, NULL), base + 1);
	close(p[1]);
	ck_assert_int_eq(eof_within(p[0], 300), 0);
	ck_assert_int_eq(sipc_call(mgr, R_FD_CLOSE, NULL, NULL), 0);
	ck_assert_int_eq(eof_within(p[0], 2000), 1);
	ck_assert_int_eq(sipc_call(mgr, R_FD_COUNT, NULL, NULL), base);
	close(p[0]);
	sipc_parcel_free(req);
}
END_TEST

START_TEST(test_fd_given_in_reply)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	char text[sizeof(GIVE_TEXT)];
	int fd, kept, base, mine;

	base = sipc_call(mgr, R_FD_COUNT, NULL, NULL);
	mine = count_fds();
	ck_assert_int_eq(sipc_call(mgr, R_FD_GIVE, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_next_type(reply), SIPC_TYPE_FD);
	ck_assert_int_eq(sipc_parcel_get_fd(reply, &fd), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(read(fd, text, sizeof(text)), sizeof(text));
	ck_assert_str_eq(text, GIVE_TEXT);
	/* Given away: the server closed its own once the reply was sent. */
	ck_assert_int_eq(sipc_call(mgr, R_FD_COUNT, NULL, NULL), base);
	/* The next call into the reply parcel closes the lent one. */
	ck_assert_int_eq(sipc_call(mgr, R_FD_GIVE, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_take_fd(reply, &kept), 0);
	ck_assert_int_eq(count_fds(), mine + 1);
	sipc_parcel_reset(reply);
	ck_assert_int_eq(count_fds(), mine + 1);
	ck_assert_int_eq(read(kept, text, sizeof(text)), sizeof(text));
	ck_assert_int_eq(eof_within(kept, 2000), 1);
	close(kept);
	ck_assert_int_eq(count_fds(), mine);
	/* A reply nobody reads: its fd is closed all the same. */
	ck_assert_int_eq(sipc_call(mgr, R_FD_GIVE, NULL, NULL), 0);
	ck_assert_int_eq(count_fds(), mine);
	sipc_parcel_free(reply);
}
END_TEST

static Suite *region_suite(void)
{
	Suite *su = suite_create("libsipc-region");
	TCase *host = tcase_create("host"), *dev = tcase_create("device");

	tcase_add_test(host, test_region_create_seal);
	tcase_add_test(host, test_region_copy);
	tcase_add_test(host, test_region_open_checks);
	tcase_add_test(host, test_items_read_back);
	tcase_add_test(host, test_writer_errors);
	tcase_add_test(host, test_blob_threshold);
	tcase_add_test(host, test_malformed_items);
	tcase_add_test(host, test_pooled_checks);
	tcase_set_timeout(host, 60);
	suite_add_tcase(su, host);
	if (access(SIPC_DEVICE_PATH, F_OK) != 0)
		return su;
	tcase_add_checked_fixture(dev, setup, teardown);
	tcase_set_timeout(dev, 120);
	tcase_add_test(dev, test_blob_request);
	tcase_add_test(dev, test_blob_reply);
	tcase_add_test(dev, test_pool_reused);
	tcase_add_test(dev, test_pooled_read_back);
	tcase_add_test(dev, test_region_kept);
	tcase_add_test(dev, test_unsealed_refused);
	tcase_add_test(dev, test_fd_lent_and_closed);
	tcase_add_test(dev, test_fd_taken);
	tcase_add_test(dev, test_fd_given_in_reply);
	suite_add_tcase(su, dev);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(region_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
