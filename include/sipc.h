/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libsipc: a thin C library over /dev/sipc.
 *
 * Every call that can fail returns 0 (or a non-negative value) on success
 * and a negative errno on failure; sipc_strerror() explains sipc's meaning
 * of each one. Nothing here copies a payload behind your back: a request
 * goes from the parcel you built straight into the receiver's area, and a
 * reply or request is read in place from your own receive area.
 *
 * Threads: a struct sipc, its handles and its nodes may be used by any
 * number of threads at once. A parcel belongs to one thread at a time.
 * The only threads the library starts are loopers: the one
 * sipc_loop_start() asks for and those the driver asks for, up to
 * sipc_set_max_threads().
 *
 * The pieces, and their manual pages:
 *   device     sipc_open(3): open, map, version, close
 *   parcels    sipc_parcel(3): build a request, read a reply in place
 *   calls      sipc_call(3): call and one-way send through a handle
 *   servers    sipc_node_create(3), sipc_loop(3): nodes, the server loop,
 *              the thread pool, stopping
 *   handles    sipc_handle(3): references and death notices
 *   registry   sipc_registry(3): names to handles, through handle 0
 *   regions    sipc_region(3): file descriptors, and large payloads in
 *              sealed shared memory instead of a copy
 */
#ifndef SIPC_H
#define SIPC_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/sipc.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIPC_DEVICE_PATH	"/dev/sipc"
#define SIPC_DEFAULT_AREA_SIZE	(1024 * 1024)

/* One open device with its mapped receive area. */
struct sipc;
/* A message: built by a writer, or read in place (see the format below). */
struct sipc_parcel;
/* A reference to a node of another process. */
struct sipc_handle;
/* An object this process serves. */
struct sipc_node;

/* ---- the device ---- */

/*
 * Open @path (NULL: /dev/sipc) and map a receive area of @area_size bytes
 * (0: SIPC_DEFAULT_AREA_SIZE). Fails with -EPROTONOSUPPORT when the
 * driver's major version differs from the one this library speaks.
 * Thread-safe; the returned handle is shared by all threads.
 */
int sipc_open(const char *path, size_t area_size, struct sipc **out);

/*
 * Stop and join the library's looper threads, free what is left of the
 * library's handles and nodes, unmap and close. Must not be called by a
 * looper thread (from inside a handler); no other thread may use @s, or
 * anything obtained from it, any more.
 */
void sipc_close(struct sipc *s);

/*
 * The device's file descriptor: for raw ioctls, and for an event loop,
 * which polls it for POLLIN (work is queued for the polling thread: a
 * death or release notice, a call, an asynchronous call's end) and then
 * calls sipc_dispatch() on that same thread.
 */
int sipc_fd(const struct sipc *s);

/* The read-only receive area: where incoming payloads appear. */
const void *sipc_area(const struct sipc *s, size_t *size);

/*
 * Whether the loaded driver has the optional feature @name (a file of
 * /sys/module/sipc/features/: "gather", "priority_inheritance", ...):
 * 1 if it has, 0 if it has not (or predates feature files), -EINVAL for a
 * name that is not one, another -errno if it cannot be told.
 */
int sipc_has_feature(const char *name);

/* The driver's ABI version. */
int sipc_driver_version(const struct sipc *s, uint32_t *major,
			uint32_t *minor);

/*
 * What a negative errno from libsipc or the driver means, in words. Besides
 * the driver's table (linux/sipc.h), parcels use ENODATA (read past the
 * end), ENOMSG (the next item has another type), EBADMSG (malformed
 * parcel) and EROFS (write to a parcel being read).
 */
const char *sipc_strerror(int err);

/* ---- parcels ----
 *
 * Wire format. A parcel's payload is a sequence of items in the host's
 * byte order (sender and receiver share the machine). Each item starts
 * at a 4-byte aligned offset with a 32-bit header: the low 8 bits are
 * its tag, the high 24 bits "aux". Every item's size is a multiple of 4.
 *
 *   tag  item      aux        then                               size
 *    1   bool      0 or 1     -                                     4
 *    2   i8        the value  -  (8 bits; i8 sign-extends)          4
 *    3   u8        the value  -                                     4
 *    4   i16       the value  -  (16 bits)                          4
 *    5   u16       the value  -                                     4
 *    6   i32       0          the value, 4 bytes                    8
 *    7   u32       0          the value, 4 bytes                    8
 *    8   i64       0          the value, 8 bytes                   12
 *    9   u64       0          the value, 8 bytes                   12
 *   10   double    0          the value, 8 bytes (IEEE 754)        12
 *   11   string    0          u32 length n, n bytes, a NUL, zero
 *                             padding to 4 (no NUL among the n)
 *   12   bytes     0          u32 length n, n bytes, padding to 4
 *   13   parcel    pad: 0|4   u32 length n (a multiple of 4), pad
 *                             bytes, then n bytes of nested items;
 *                             the nested payload starts 8-byte aligned
 *   14   object    pad: 0|4   pad bytes, then a struct sipc_object
 *                             (16 bytes, 8-byte aligned)
 *   16   fd        pad: 0|4   pad bytes, then a struct sipc_object of
 *                             type SIPC_OBJ_FD (16 bytes, 8-aligned)
 *   17   region    pad: 0|4   pad bytes, the SIPC_OBJ_FD object of a
 *                             sealed memfd, then u64 its size (> 0)
 *
 * Every object (handle, node or fd) sits 8-byte aligned from the start of the
 * whole payload, and its offset is listed, in increasing order, in the
 * offsets array that goes with the payload (the driver translates only
 * the listed ones; a reader refuses any other as malformed). Alignment is
 * relative to the start of the outermost payload, which is why a nested
 * payload starts 8-byte aligned too.
 *
 * Reading is in place and checked: each get returns 0 and moves on, or
 * fails without moving with -ENODATA (no item left), -ENOMSG (the item
 * has another type) or -EBADMSG (malformed). Nothing a sender puts in a
 * parcel can make the reader crash or read outside the payload.
 */

/* What sipc_parcel_next_type() reports. */
enum sipc_type {
	SIPC_TYPE_BOOL = 1,
	SIPC_TYPE_I8,
	SIPC_TYPE_U8,
	SIPC_TYPE_I16,
	SIPC_TYPE_U16,
	SIPC_TYPE_I32,
	SIPC_TYPE_U32,
	SIPC_TYPE_I64,
	SIPC_TYPE_U64,
	SIPC_TYPE_DOUBLE,
	SIPC_TYPE_STRING,
	SIPC_TYPE_BYTES,
	SIPC_TYPE_PARCEL,
	SIPC_TYPE_HANDLE,	/* an object that is a handle */
	SIPC_TYPE_NODE,		/* an object that is one of our own nodes */
	SIPC_TYPE_FD,		/* a file descriptor */
	SIPC_TYPE_REGION,	/* a sealed shared region (see below) */
	SIPC_TYPE_CHANNEL,	/* a channel offered (sipc_channel_open) */
};

/*
 * A new, empty parcel to write into; NULL when out of memory. A parcel
 * keeps its memory when reset, so one parcel reused for every request
 * (and one for every reply) costs no allocation per call.
 */
struct sipc_parcel *sipc_parcel_new(void);

/* Free @p, returning any receive buffer it holds. NULL is fine. */
void sipc_parcel_free(struct sipc_parcel *p);

/*
 * Make @p an empty parcel to write into, returning any receive buffer it
 * holds to the driver now (one system call). A reply parcel passed to the
 * next sipc_call() needs no reset: that call returns the buffer in its
 * own system call.
 */
void sipc_parcel_reset(struct sipc_parcel *p);

/*
 * Read @size bytes at @data, with @count object offsets at @offsets, in
 * place (nothing is copied; both must outlive the reading). For tests,
 * fuzzers and payloads that arrived by other means.
 */
int sipc_parcel_from_bytes(struct sipc_parcel *p, const void *data,
			   size_t size, const __u64 *offsets, size_t count);

/* The payload (written, received or viewed) and its object offsets. */
const void *sipc_parcel_data(const struct sipc_parcel *p, size_t *size);
const __u64 *sipc_parcel_offsets(const struct sipc_parcel *p, size_t *count);

/*
 * The first error a write hit (-ENOMEM, -EINVAL, -E2BIG), 0 if none. It
 * sticks until reset; sipc_call() refuses such a parcel with that error,
 * so a request can be built without checking every put.
 */
int sipc_parcel_error(const struct sipc_parcel *p);

/* A run of bytes, as sipc-idl's generated code passes "bytes". */
struct sipc_bytes {
	const void *data;
	size_t len;
};

/* ---- writing: each returns 0 or a negative errno ---- */
int sipc_parcel_put_bool(struct sipc_parcel *p, bool v);
int sipc_parcel_put_i8(struct sipc_parcel *p, int8_t v);
int sipc_parcel_put_u8(struct sipc_parcel *p, uint8_t v);
int sipc_parcel_put_i16(struct sipc_parcel *p, int16_t v);
int sipc_parcel_put_u16(struct sipc_parcel *p, uint16_t v);
int sipc_parcel_put_i32(struct sipc_parcel *p, int32_t v);
int sipc_parcel_put_u32(struct sipc_parcel *p, uint32_t v);
int sipc_parcel_put_i64(struct sipc_parcel *p, int64_t v);
int sipc_parcel_put_u64(struct sipc_parcel *p, uint64_t v);
int sipc_parcel_put_double(struct sipc_parcel *p, double v);
/* A NUL-terminated string (not NULL). */
int sipc_parcel_put_string(struct sipc_parcel *p, const char *s);
/*
 * A byte array of @len bytes that the caller writes itself, through the
 * pointer returned (valid until the next put on @p; NULL on error, which
 * sticks). In a channel's parcel (sipc_channel_request()) the bytes are
 * written straight into the channel: no copy at all.
 */
void *sipc_parcel_put_bytes_space(struct sipc_parcel *p, size_t len);
int sipc_parcel_put_bytes(struct sipc_parcel *p, const void *data,
			  size_t len);
/*
 * A byte array, read by the receiver as sipc_parcel_put_bytes() writes
 * it, but not copied into the parcel: the send copies it once, straight
 * from @data into the receiver's area. @data must stay valid and unchanged
 * until the parcel is sent (sipc_call() or sipc_send_oneway() returns; a
 * reply: until the server loop sent it, after the handler returned, so
 * never a handler's stack) or reset. Runs shorter than
 * SIPC_PARCEL_REF_MIN, and more than 511 runs in one parcel, are copied
 * at once instead. Reading the parcel back (sipc_parcel_rewind()) or
 * asking for its data pointer copies them in.
 */
int sipc_parcel_put_bytes_ref(struct sipc_parcel *p, const void *data,
			      size_t len);
/*
 * Shorter runs are copied into the parcel: they cost little to copy, and
 * each run sent by reference adds two segments to the send.
 */
#define SIPC_PARCEL_REF_MIN	2048
/* The whole payload of @child, objects included, as one nested item. */
int sipc_parcel_put_parcel(struct sipc_parcel *p,
			   const struct sipc_parcel *child);
/*
 * A handle we hold: the receiver gets its own handle to the same node
 * (or the node itself if it is the owner). @h must stay referenced until
 * the parcel is sent.
 */
int sipc_parcel_put_handle(struct sipc_parcel *p, struct sipc_handle *h);
/* One of our nodes: the receiver gets a handle to it. */
int sipc_parcel_put_node(struct sipc_parcel *p, struct sipc_node *n);
/*
 * A file descriptor: the receiver gets a new descriptor (close-on-exec)
 * for the same open file, installed when it takes the message. @fd stays
 * ours and must stay open until the parcel is sent (-EBADF when it is not
 * an open file then; sipc's own descriptors cannot be sent, -EINVAL).
 */
int sipc_parcel_put_fd(struct sipc_parcel *p, int fd);
/*
 * The same, and @p takes @fd: it is closed when @p is reset or freed,
 * after the send (a handler's reply: as soon as it is sent). On failure
 * @fd stays the caller's.
 */
int sipc_parcel_give_fd(struct sipc_parcel *p, int fd);

/* ---- reading ---- */

/* Read from the start again. */
void sipc_parcel_rewind(struct sipc_parcel *p);
/* The next item's enum sipc_type, or -ENODATA or -EBADMSG. */
int sipc_parcel_next_type(const struct sipc_parcel *p);
/* Step over the next item, whatever its type. */
int sipc_parcel_skip(struct sipc_parcel *p);

int sipc_parcel_get_bool(struct sipc_parcel *p, bool *v);
int sipc_parcel_get_i8(struct sipc_parcel *p, int8_t *v);
int sipc_parcel_get_u8(struct sipc_parcel *p, uint8_t *v);
int sipc_parcel_get_i16(struct sipc_parcel *p, int16_t *v);
int sipc_parcel_get_u16(struct sipc_parcel *p, uint16_t *v);
int sipc_parcel_get_i32(struct sipc_parcel *p, int32_t *v);
int sipc_parcel_get_u32(struct sipc_parcel *p, uint32_t *v);
int sipc_parcel_get_i64(struct sipc_parcel *p, int64_t *v);
int sipc_parcel_get_u64(struct sipc_parcel *p, uint64_t *v);
int sipc_parcel_get_double(struct sipc_parcel *p, double *v);
/*
 * A string, in place: *@s points into the payload and stays valid while
 * @p holds it. @len may be NULL.
 */
int sipc_parcel_get_string(struct sipc_parcel *p, const char **s,
			   size_t *len);
/* Bytes, in place, like a string. */
int sipc_parcel_get_bytes(struct sipc_parcel *p, const void **data,
			  size_t *len);
/*
 * A nested parcel: @view (made with sipc_parcel_new()) becomes a reader of
 * it, in place, valid while @p holds its payload.
 */
int sipc_parcel_get_parcel(struct sipc_parcel *p, struct sipc_parcel *view);
/*
 * A handle, as a library handle object with its own reference (drop it
 * with sipc_handle_put()); it outlives the parcel. -ENOMSG if the object
 * is one of our own nodes, -ENOTCONN if @p did not arrive through a
 * device (sipc_parcel_get_object() reads it raw).
 */
int sipc_parcel_get_handle(struct sipc_parcel *p, struct sipc_handle **h);
/* One of our own nodes, come home; the pointer is not a new reference. */
int sipc_parcel_get_node(struct sipc_parcel *p, struct sipc_node **n);
/* An object as the driver left it (SIPC_OBJ_HANDLE or SIPC_OBJ_NODE). */
int sipc_parcel_get_object(struct sipc_parcel *p, struct sipc_object *obj);
/*
 * Descriptors that arrive in a message belong to the parcel that holds
 * it, which closes every one not taken when it lets the message go
 * (sipc_parcel_reset(), sipc_parcel_free(), the reply of the next call
 * into the same parcel, the return of the handler it was given to).
 * sipc_parcel_get_fd() lends one, valid until then; sipc_parcel_take_fd()
 * hands it over for the caller to close (-ENOTCONN if @p holds no
 * received message: sipc_parcel_from_bytes() parcels own nothing).
 */
int sipc_parcel_get_fd(struct sipc_parcel *p, int *fd);
int sipc_parcel_take_fd(struct sipc_parcel *p, int *fd);

/* ---- shared regions ----
 *
 * A region is shared memory for one message: a memfd that its creator
 * writes and then seals for good (F_SEAL_WRITE, F_SEAL_SHRINK, F_SEAL_GROW
 * and F_SEAL_SEAL) before sending it as a file descriptor. Nobody, its
 * creator included, can change its bytes or its size after that, so the
 * receiver reads it in place, mapped read-only, with no copy and no need
 * to copy it first to protect itself; the receiver checks the seals and
 * the size before it maps anything (-EPERM: not sealed against writes and
 * shrinking; -EBADMSG: not a memfd, or not the size the message says).
 *
 * Who can reach it: only the processes that hold a descriptor or a
 * mapping of it, which are its creator and the receivers of the messages
 * it is put into (their descriptor is installed by the driver when they
 * take the message). The memfd has no name in any file system and cannot
 * be opened by path; a third process gets at it only the way it gets at
 * any memory of one of those processes, with ptrace rights over it (same
 * user, or CAP_SYS_PTRACE) through /proc/PID/fd.
 *
 * Lifetime: the memory is freed when its last descriptor and mapping are
 * gone, whoever drops them last, and in any case when every holder has
 * exited. A message never taken (its receiver died first) lets go of its
 * reference in the driver.
 *
 * Ownership in libsipc: a struct sipc_region owns one descriptor and at
 * most one mapping, both gone with sipc_region_free(). It must live until
 * every parcel it was put into is sent. A region read from a parcel with
 * sipc_parcel_get_region() is the caller's, independent of the parcel; a
 * blob read with sipc_parcel_get_blob() is the parcel's, unmapped when
 * the parcel lets the message go. The pooled regions that
 * sipc_parcel_put_blob() lends a parcel go back to the pool when it is
 * reset or freed: reset a request parcel after its call to let them go.
 *
 * What a sealed region costs: a memfd, pages allocated and freed for every
 * message, a seal, and a mapping built and torn down on each side, where
 * the copy into the receiver's area costs one copy into pages it keeps.
 * The copy wins at every size measured. A sealed region pays off for what
 * a copy cannot do: a payload larger than the receiver's area, one the
 * receiver keeps after the call, one sent on to other processes without
 * another copy. The region pool (below) keeps the regions instead, at the
 * price of bytes that are not sealed against their sender.
 */
struct sipc_region;

/*
 * sipc_parcel_put_blob() sends smaller blobs as bytes (copied into the
 * parcel, then into the receiver's area) and blobs from this size on
 * through the region pool (copied once into a region this process keeps
 * and reuses; the receiver keeps its view of it): see sipc_region(3).
 *
 * Measured, not guessed: sipc-bench's blob workload (mechanisms
 * libsipc-blob and libsipc-pool, round trips with the client and server
 * on two vCPUs, 16 KiB to 16 MiB in steps of four, one boot of the dev VM
 * on 6.1). The pool loses below 256 KiB (64 KiB: 276 against 435 MB/s)
 * and wins from there on: 256 KiB 892 against 785 MB/s (1.14x), 1 MiB
 * 1830 against 866 (2.11x), 16 MiB 2219 against 835 (2.66x). A sealed
 * region made for each message (sipc_region_copy()) still loses at every
 * size; senders that need its promise use it explicitly.
 */
#define SIPC_REGION_THRESHOLD	(256UL * 1024)

/*
 * A new region of @size bytes (zeroed), mapped writable for its creator:
 * write it through sipc_region_data(), then seal it.
 */
int sipc_region_create(size_t size, struct sipc_region **out);
/* A new region holding a copy of @len bytes at @data, sealed already. */
int sipc_region_copy(const void *data, size_t len, struct sipc_region **out);
/*
 * Seal @r for good; the creator's writable view goes (a write seal waits
 * for no writable mapping) and sipc_region_data() gives a read-only one.
 * -EBUSY if someone else still maps it writable.
 */
int sipc_region_seal(struct sipc_region *r);
/*
 * Adopt @fd, a region of @size bytes that arrived by other means: check
 * its seals and size and map it read-only. On success @r owns @fd.
 */
int sipc_region_open(int fd, size_t size, struct sipc_region **out);
/*
 * Its bytes: writable before the seal, read-only after (mapped on first
 * use; NULL with errno set if that fails).
 */
void *sipc_region_data(struct sipc_region *r);
size_t sipc_region_size(const struct sipc_region *r);
/* Its descriptor, still the region's. */
int sipc_region_fd(const struct sipc_region *r);
bool sipc_region_is_sealed(const struct sipc_region *r);
/* Unmap and close it; the memory goes once no other party holds it. */
void sipc_region_free(struct sipc_region *r);

/* A sealed region (-EINVAL if it is not sealed); @r must live until sent. */
int sipc_parcel_put_region(struct sipc_parcel *p, const struct sipc_region *r);
/*
 * The region of the next item, checked and mapped read-only, as a region
 * of the caller's that outlives @p (it takes the descriptor from @p).
 */
int sipc_parcel_get_region(struct sipc_parcel *p, struct sipc_region **r);
/*
 * @len bytes, as bytes below SIPC_REGION_THRESHOLD and as a region of
 * their copy from it on. Read either kind with sipc_parcel_get_blob():
 * in place, or mapped read-only until @p lets the message go.
 */
int sipc_parcel_put_blob(struct sipc_parcel *p, const void *data, size_t len);
/*
 * Whom @p's blobs are for: pooled regions are kept per receiver (one may
 * keep a region's descriptor, and must never see another's blobs in it),
 * so sipc_parcel_put_blob() pools blobs only for a parcel that knows, and
 * sends them inline otherwise. A parcel with pooled blobs is refused
 * (-EXDEV) by a call to any other handle. NULL: nobody.
 */
void sipc_parcel_set_destination(struct sipc_parcel *p,
				 const struct sipc_handle *h);
/*
 * A blob through the region pool whatever its size (see
 * SIPC_REGION_THRESHOLD): copied into a region this process keeps for
 * the parcel's destination and lends to the parcel until it is reset or
 * freed (inline without a destination).
 */
int sipc_parcel_put_pooled(struct sipc_parcel *p, const void *data,
			   size_t len);
/*
 * sipc_parcel_put_blob() with the bytes written by the caller where they
 * go, through the pointer returned (valid until the parcel is reset): a
 * pooled region from SIPC_REGION_THRESHOLD on, no copy at all; inline
 * bytes below it. NULL on error (sticky).
 */
void *sipc_parcel_put_blob_space(struct sipc_parcel *p, size_t len);
int sipc_parcel_get_blob(struct sipc_parcel *p, const void **data,
			 size_t *len);

/* ---- calls ---- */

/*
 * Codes from SIPC_CODE_FIRST_RESERVED up are the library's own; every node
 * answers SIPC_CODE_PING with an empty reply, without its handler.
 */
#define SIPC_CODE_FIRST_RESERVED	0xff000000U
#define SIPC_CODE_PING			0xff000001U
/*
 * A service generated by sipc-idl answers with its interface's text (one
 * string); sipcctl introspect asks it.
 */
#define SIPC_CODE_DESCRIBE		0xff000002U

/*
 * The status a generated service returns for a code none of its methods
 * has ("invalid request code"): an older service asked by a newer client.
 */
#define SIPC_E_UNKNOWN_CODE		(-EBADRQC)
/* sipc_channel_open()'s call: a node answers it by sipc_node_serve_channels() */
#define SIPC_CODE_CHANNEL_OPEN		0xff000003U

/*
 * Call @h with @code and the request @req (NULL: empty) and wait for the
 * reply, which is read in place from @reply (NULL: dropped). A buffer
 * @reply still holds from an earlier call is returned to the driver in
 * this call's own system call, so a loop reusing one reply parcel makes
 * exactly one system call per call.
 *
 * Returns the status the handler returned: 0, a positive value of its own
 * or a negative errno; or a negative errno of the call itself (-ESRCH:
 * the target is dead, -ENOENT: no such handle, -EINTR: a signal
 * abandoned the call, see linux/sipc.h). While it waits, the calling
 * thread serves calls made back into this process along the same chain
 * (nested calls), with the nodes' handlers.
 */
int sipc_call(struct sipc_handle *h, uint32_t code,
	      struct sipc_parcel *req, struct sipc_parcel *reply);

/* Send without waiting; the node handles its one-way calls in order. */
int sipc_send_oneway(struct sipc_handle *h, uint32_t code,
		     struct sipc_parcel *req);

/* A round trip with SIPC_CODE_PING: 0 if the node is alive. */
int sipc_ping(struct sipc_handle *h);

/*
 * sipc_call() that gives up after @timeout_ms (< 0: never): -ETIMEDOUT,
 * the call abandoned (it may or may not have run; its late reply is
 * dropped). The timeout is the calling thread's while the call lasts, so
 * a nested call its handlers make on this thread meanwhile has it too.
 */
int sipc_call_timeout(struct sipc_handle *h, uint32_t code,
		      struct sipc_parcel *req, struct sipc_parcel *reply,
		      int timeout_ms);

/* ---- asynchronous calls (sipc_call_async(3)) ---- */

/* One outstanding asynchronous call. */
struct sipc_pending;

/*
 * Its end: @status as sipc_call() returns it (the handler's status, or
 * -ESRCH, -EREMOTEIO..., -ETIMEDOUT when its timeout expired), @reply the
 * reply read in place (NULL without one), valid only in the callback.
 * @call is freed when the callback returns.
 */
typedef void (*sipc_reply_fn)(struct sipc_pending *call, int status,
			      struct sipc_parcel *reply, void *data);

/*
 * Call @h with @code and @req without waiting. @fn(@data) runs once, when
 * the call ends, on the thread that takes its end: sipc_dispatch() (an
 * event loop polling sipc_fd() for POLLIN, with sipc_next_timeout() as
 * its poll timeout) or a looper (sipc_loop()); or after @timeout_ms (< 0:
 * none) with -ETIMEDOUT, the call then given up (its late reply dropped).
 * Any number may be outstanding from one thread; their replies may take
 * half the receive area until read (beyond, a call ends in -EREMOTEIO).
 * *@out (may be NULL) is the call, valid until @fn returns or
 * sipc_call_cancel(). Returns 0 or a negative errno: nothing was sent.
 * Needs the driver's "async_call" feature (-EINVAL without).
 */
int sipc_call_async(struct sipc_handle *h, uint32_t code,
		    struct sipc_parcel *req, int timeout_ms, sipc_reply_fn fn,
		    void *data, struct sipc_pending **out);

/*
 * Give @call up: 0, and its callback never runs (the driver drops a late
 * reply); -EALREADY if it has ended (its callback ran or is running; from
 * inside the callback, for instance).
 */
int sipc_call_cancel(struct sipc_pending *call);

/* Milliseconds until the earliest asynchronous call's deadline; -1: none. */
int sipc_next_timeout(struct sipc *s);

/* ---- nodes and the server side ---- */

/* What a handler gets. */
struct sipc_txn {
	__u32 code;
	__u32 flags;			/* SIPC_EVF_ONEWAY */
	pid_t sender_pid;
	uid_t sender_euid;
	struct sipc_parcel *request;	/* in place, valid in the handler */
	/*
	 * With SIPC_NODE_SECCTX: the sending task's LSM security context
	 * (e.g. its AppArmor label), valid in the handler; NULL without.
	 */
	const char *sender_secctx;
};

/* sipc_node_create() flags */
#define SIPC_NODE_CONTEXT_MANAGER	0x1U	/* claim handle 0 */
#define SIPC_NODE_SECCTX		0x2U	/* callers' security contexts */

/*
 * Create a node served by @handler, called for every call and one-way
 * to it (in whichever looper thread takes it) with the request in
 * @txn->request; it writes its reply into @reply (ignored for a one-way)
 * and returns the reply's status (see sipc_call()). @data is the node's,
 * for sipc_node_data(). With SIPC_NODE_CONTEXT_MANAGER the node becomes
 * handle 0 for every process (-EBUSY if taken, -EPERM if not allowed).
 */
int sipc_node_create(struct sipc *s,
		     int (*handler)(struct sipc_node *node,
				    const struct sipc_txn *txn,
				    struct sipc_parcel *reply),
		     void *data, unsigned int flags, struct sipc_node **out);

/*
 * sipc_node_create() with a minimum scheduling class and priority for the
 * threads that serve synchronous calls to the node (driver 1.3 on):
 * @sched is SIPC_SCHED_NICE(nice), SIPC_SCHED_FIFO(prio) or
 * SIPC_SCHED_RR(prio) of <linux/sipc.h>, or 0 for none. A call runs at
 * the higher of this and its caller's. -EPERM if it is more than this
 * process may use itself, -EINVAL from an older driver.
 */
int sipc_node_create_sched(struct sipc *s,
			   int (*handler)(struct sipc_node *node,
					  const struct sipc_txn *txn,
					  struct sipc_parcel *reply),
			   void *data, unsigned int flags, uint32_t sched,
			   struct sipc_node **out);

/*
 * Destroy @n: the driver fails its queued calls and tells holders of its
 * handles it died. The memory goes once no handler of it runs any more.
 */
int sipc_node_destroy(struct sipc_node *n);

void *sipc_node_data(const struct sipc_node *n);

/*
 * Have @fn called (in a looper) when no handle to @n is left anywhere
 * (SIPC_EV_RELEASED). NULL: no callback.
 */
void sipc_node_on_released(struct sipc_node *n,
			   void (*fn)(struct sipc_node *n));

/*
 * Let the driver ask for up to @max extra looper threads, started by the
 * library when every looper is busy (default 0: no pool).
 */
int sipc_set_max_threads(struct sipc *s, unsigned int max);

/*
 * Serve on this thread: wait, dispatch each call to its node's handler,
 * reply and free the request in one system call, and run death and
 * released callbacks, until sipc_stop(). Returns 0 then, or a negative
 * errno if the device failed.
 */
int sipc_loop(struct sipc *s);

/* Start one library thread running sipc_loop(). */
int sipc_loop_start(struct sipc *s);

/*
 * Serve what is queued now, on this thread, without waiting: for a
 * process that runs no loop but wants its death callbacks, or an event
 * loop's asynchronous calls (their callbacks, and those whose timeout
 * passed, run here). Returns the number of events handled, or a negative
 * errno.
 */
int sipc_dispatch(struct sipc *s);

/*
 * Make every looper return: idle ones at once, busy ones after their
 * handler. Async-signal-safe (a SIGTERM handler may call it); the loop
 * does not start again. sipc_close() joins the library's threads.
 */
void sipc_stop(struct sipc *s);

/* ---- channels: calls without a system call (sipc_channel(3)) ----
 *
 * A channel is memory the driver maps into exactly two processes: a
 * request ring and a reply ring, each with its data area. After
 * sipc_channel_open() (an ordinary call, which the node may refuse),
 * calls go through the rings: the service's thread for the channel polls
 * for a while, adaptively, then sleeps until the driver wakes it. Payloads
 * are bytes only (no handles, nodes or descriptors: -EINVAL). The reply is
 * read in place in memory the service can still write: copy what you
 * check before you rely on it. Either party's death, close or unmap ends
 * the channel: calls fail with -EPIPE.
 */
struct sipc_channel;

struct sipc_channel_opts {
	__u32 slots;		/* per ring, a power of two; 0: 64 */
	size_t data_size;	/* bytes each way, page multiple; 0: 1 MiB */
	unsigned int spin_us;	/* the longest spin before sleeping; 0: 100 */
};

/*
 * Open a channel to the node behind @h (@opts may be NULL). -EOPNOTSUPP
 * if it does not serve channels, -ECONNREFUSED or its status if it
 * refused, -EMSGSIZE past the driver's max_channel_size.
 */
int sipc_channel_open(struct sipc_handle *h,
		      const struct sipc_channel_opts *opts,
		      struct sipc_channel **out);

/*
 * The channel's own parcel, emptied and set to be built in place in its
 * data area (zero copies): pass it to sipc_channel_call() or
 * sipc_channel_send_oneway(). It waits for a slot and half the data area
 * to be free, and holds at most the free room (puts past it fail with
 * -EMSGSIZE): a message of up to half the area always fits.
 */
struct sipc_parcel *sipc_channel_request(struct sipc_channel *ch);

/*
 * sipc_call() through the channel: @req is the channel's own parcel, any
 * other parcel (copied in once), or NULL. The reply is read in place and
 * stays valid until the next call or request on @ch, or
 * sipc_channel_done().
 */
int sipc_channel_call(struct sipc_channel *ch, uint32_t code,
		      struct sipc_parcel *req, struct sipc_parcel *reply);

/* Send without waiting; handled in order with the calls. */
int sipc_channel_send_oneway(struct sipc_channel *ch, uint32_t code,
			     struct sipc_parcel *req);

/* Give the last reply's memory back to the service now. */
void sipc_channel_done(struct sipc_channel *ch);

/* End it: the service's thread for it ends too. NULL is fine. */
void sipc_channel_close(struct sipc_channel *ch);

/* The channels a node serves at once, by default, and one user's share. */
#define SIPC_CHANNEL_SERVE_MAX		64
#define SIPC_CHANNEL_SERVE_MAX_PER_USER	16

struct sipc_channel_serve_opts {
	int cpu;		/* pin each channel's thread here; -1: no */
	unsigned int spin_us;	/* its longest spin; 0: 100 */
	/* channels served at once; 0: SIPC_CHANNEL_SERVE_MAX */
	unsigned int max_channels;
	/* of them, opened by one euid; 0: SIPC_CHANNEL_SERVE_MAX_PER_USER */
	unsigned int max_per_user;
};

/*
 * Let @n take channels: each is served by a thread of its own, which
 * calls @n's handler as sipc_loop() would (txn->sender_* are the
 * opener's). @opts may be NULL. An opening past either limit is refused
 * with -EBUSY, so no one user can take every thread the node would give.
 */
int sipc_node_serve_channels(struct sipc_node *n,
			     const struct sipc_channel_serve_opts *opts);

/* ---- handles ---- */

/* Handle 0, the context manager; needs no reference. */
struct sipc_handle *sipc_context_manager(struct sipc *s);

/*
 * The library's handle object for handle number @id, with a new reference
 * (the driver's reference is taken the first time): for ids read raw.
 */
int sipc_handle_from_id(struct sipc *s, uint32_t id,
			struct sipc_handle **out);

/* Another reference to @h; returns @h. */
struct sipc_handle *sipc_handle_get(struct sipc_handle *h);

/*
 * Drop a reference; with the last one the library gives the driver's
 * reference back and forgets @h. NULL is fine.
 */
void sipc_handle_put(struct sipc_handle *h);

uint32_t sipc_handle_id(const struct sipc_handle *h);

/* True once a death notice for @h arrived. */
bool sipc_handle_is_dead(const struct sipc_handle *h);

/*
 * Call @fn(@h, @data) once, in a looper or sipc_dispatch(), when the node
 * behind @h dies (its process exited, closed the device or destroyed it);
 * at once, as an event, if it is dead already. Not for handle 0 (-EINVAL).
 */
int sipc_handle_link_death(struct sipc_handle *h,
			   void (*fn)(struct sipc_handle *h, void *data),
			   void *data);

/* Cancel it; -ENOENT if it is not linked (or already ran). */
int sipc_handle_unlink_death(struct sipc_handle *h,
			     void (*fn)(struct sipc_handle *h, void *data),
			     void *data);

/* ---- the registry: calls to handle 0 (sipc-servicemanager) ----
 *
 * The protocol, for other implementations of the manager:
 *   ADD   string name, object (the node)   status 0, -EEXIST, -EPERM,
 *                                           -EINVAL
 *   CHECK string name                      status 0 and an object, or
 *                                           -ENOENT
 *   LIST  u32 first                        u32 total, u32 n, then n times
 *                                           string name, u32 pid, u32 uid
 * Names are 1 to SIPC_NAME_MAX - 1 printable ASCII characters, no spaces.
 * A malformed request gets -EINVAL. The same protocol in sipc-idl(5)'s
 * language is tools/registry.idl in sipc's sources.
 */
#define SIPC_NAME_MAX		128

enum sipc_registry_code {
	SIPC_REGISTRY_ADD = 1,
	SIPC_REGISTRY_CHECK = 2,
	SIPC_REGISTRY_LIST = 3,
};

struct sipc_service_info {
	const char *name;
	pid_t pid;			/* the process that added it */
	uid_t uid;
};

/* True if @name is a valid service name. */
bool sipc_name_valid(const char *name);

/*
 * Publish @node under @name. -EEXIST if another process has that name;
 * the same process may add a name again (the new node replaces the old).
 */
int sipc_registry_add(struct sipc *s, const char *name, struct sipc_node *node);

/* Look @name up now: -ENOENT if it is not there. */
int sipc_registry_check(struct sipc *s, const char *name,
			struct sipc_handle **out);

/*
 * Look @name up, waiting up to @timeout_ms (negative: forever) for it
 * (and for the manager) to appear: -ETIMEDOUT then.
 */
int sipc_registry_get(struct sipc *s, const char *name, int timeout_ms,
		      struct sipc_handle **out);

/*
 * Call @fn for each service (in name order) until it returns non-zero.
 * Returns the number of services seen, or a negative errno.
 */
int sipc_registry_list(struct sipc *s,
		       int (*fn)(const struct sipc_service_info *info,
				 void *arg),
		       void *arg);

#ifdef __cplusplus
}
#endif

#endif /* SIPC_H */
