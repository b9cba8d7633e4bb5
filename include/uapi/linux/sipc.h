/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sipc: Binder-style one-copy IPC. The user-space ABI of /dev/sipc.
 *
 * A process opens /dev/sipc and mmaps its receive area (read-only, once).
 * Payloads sent to it are copied once, from the sender's memory straight
 * into a buffer carved out of that area; the receiver reads them in place
 * and returns each buffer with SIPC_IOC_FREE_BUFFER.
 *
 * Errors (ioctl returns -1 and sets errno):
 *   ENOTTY    unknown ioctl
 *   EINVAL    malformed argument: reserved field or flag set, bad size,
 *             misaligned, overlapping or out-of-range object
 *   EFAULT    a user pointer could not be read or written
 *   EPERM     writable mapping requested; not allowed to claim handle 0
 *   EBUSY     second mmap; handle 0 already claimed; node still referenced
 *   EBADFD    no receive area mapped yet (mmap first), or none any more:
 *             unmapping the area is the context's death (as the opener's
 *             exit is), and a thread waiting in the driver then returns
 *   EXDEV     the descriptor belongs to another process (inherited by fork)
 *   ENOENT    no such handle, node, buffer or death notice
 *   EEXIST    a node with this cookie already exists
 *   ESRCH     target dead: its owner exited, closed the device, destroyed
 *             the node or unmapped its area; handle 0 with no manager
 *             A reply naming a dead node fails with ESRCH and is not
 *             sent (no SIPC_OUT_SENT): the call is still the server's to
 *             answer, without that object
 *   ENOSPC    no space in the target's receive area right now
 *   ENOBUFS   the one-way share (half) of the target's area is full
 *   EDQUOT    the sender's user is over its quota: its fair share of the
 *             target's area (a user other than the area's own may hold
 *             only as much as stays free), or its transactions in flight
 *             (module parameter max_user_txns); a node: its nodes
 *             (max_user_nodes)
 *   EACCES    the receiver may not receive a descriptor of the payload
 *             (the LSM's file_receive check); a call fails with it, a
 *             one-way is dropped
 *   EMSGSIZE  payload larger than the target's area could ever hold
 *   E2BIG     more objects than SIPC_MAX_OBJECTS, or segments than
 *             SIPC_MAX_SEGMENTS
 *   EMFILE    the receiver holds SIPC_MAX_HANDLES handles already, or its
 *             descriptor table cannot take a SIPC_OBJ_FD
 *   EINTR     a signal arrived while waiting; a pending call is abandoned
 *             (its late reply is discarded) and may or may not have run.
 *             A wait that freed free_buffer first (SIPC_OUT_FREED) ends
 *             with EINTR even on a stop or a debugger's attach, which
 *             restart other waits: a restart would free it again
 *   EREMOTEIO the server's reply could not be delivered to this caller
 *             (a server's reply to a caller that is gone, or that gave up
 *             its call, succeeds and is dropped)
 *   EPROTO    protocol misuse: reply with nothing to reply to, looper
 *             entered twice, nested call from a thread that is not a server
 *   EAGAIN    SIPC_RECV_NONBLOCK and no work is queued
 *   EBADF     a SIPC_OBJ_FD names no open file of the sender
 *   ENOMEM    the kernel ran out of memory; nothing was sent
 *   EHOSTDOWN the target process is frozen (SIPC_IOC_FREEZE): a call is
 *             refused at once, to be made again once it thaws
 *   EPIPE     the channel is dead: its peer died, closed it or unmapped it
 *   ETIMEDOUT (1.4 on) the reply to a synchronous call did not come within
 *             this thread's SIPC_IOC_SET_CALL_TIMEOUT: the call is
 *             abandoned as on EINTR (its late reply is discarded) and may
 *             or may not have run; SIPC_IOC_CHANNEL_WAIT's timeout passed
 */
#ifndef _UAPI_LINUX_SIPC_H
#define _UAPI_LINUX_SIPC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SIPC_VERSION_MAJOR	1
#define SIPC_VERSION_MINOR	4

/* The receive area: page multiple, at least this, at most the module's max. */
#define SIPC_AREA_MIN_SIZE	(16 * 4096)
/* Objects (nodes, handles) one payload may carry. */
#define SIPC_MAX_OBJECTS	4096
/* Handles one process may hold. */
#define SIPC_MAX_HANDLES	65536
/* Segments one gathered payload may name (SIPC_SEND_GATHER). */
#define SIPC_MAX_SEGMENTS	1024
/* Threads a process may ask the driver to spawn. */
#define SIPC_MAX_THREADS_LIMIT	1024

/* Handle 0 always names the context manager (the service registry). */
#define SIPC_CONTEXT_MGR_HANDLE	0

struct sipc_version {
	__u32 major;
	__u32 minor;
};

/*
 * An object inside a payload, at an offset listed in the offsets array.
 * Offsets are 8-byte aligned, inside the payload, and objects must not
 * overlap. The driver rewrites each one in the receiver's copy:
 *   NODE   (sender's own node, by cookie) -> HANDLE in the receiver, or the
 *          NODE itself when the receiver owns it
 *   HANDLE (sender's handle)              -> HANDLE in the receiver, or the
 *          NODE with its cookie when the receiver owns the node
 * A translated handle stays valid while the buffer holding it is not freed;
 * take a reference (SIPC_IOC_ACQUIRE) to keep it longer.
 */
enum sipc_object_type {
	SIPC_OBJ_NODE = 1,
	SIPC_OBJ_HANDLE = 2,
	SIPC_OBJ_FD = 3,
	SIPC_OBJ_CHANNEL = 4,	/* 1.4 on: see Channels below */
};

/*
 * SIPC_OBJ_FD: the sender's open file descriptor; the receiver gets a new
 * descriptor for the same open file, installed when it takes the payload
 * (close-on-exec with SIPC_OBJ_FD_CLOEXEC), and owns it from then on. A
 * bad descriptor fails the send with EBADF; a receiver whose descriptor
 * table is full never sees the payload, and a caller waiting on it gets
 * EMFILE. Until then the receiver's copy reads -1.
 */
#define SIPC_OBJ_FD_CLOEXEC	(1U << 0)

struct sipc_object {
	__u32 type;		/* enum sipc_object_type */
	__u32 flags;		/* 0, or SIPC_OBJ_FD_CLOEXEC for an fd */
	union {
		__u64 cookie;	/* SIPC_OBJ_NODE: owner's value */
		__u32 handle;	/* SIPC_OBJ_HANDLE */
		__s32 fd;	/* SIPC_OBJ_FD */
		__u32 channel;	/* SIPC_OBJ_CHANNEL: a channel id */
		__u64 raw;
	};
};

/*
 * Node creation: the owner names it with a cookie of its choice. From
 * minor version 3 on, sched may give the node a minimum scheduling class
 * and priority: every synchronous call to it runs at least at that in the
 * thread that serves it (as it runs at least at its caller's, see
 * SIPC_IOC_TRANSACT). Raising a minimum above what the owner may use
 * itself (RLIMIT_RTPRIO, RLIMIT_NICE, or CAP_SYS_NICE) is EPERM; a driver
 * older than 1.3 refuses any sched with EINVAL.
 */
struct sipc_node_info {
	__u64 cookie;
	__u32 flags;		/* must be 0 */
	union {
		__u32 sched;	/* 0, or SIPC_SCHED_NICE/FIFO/RR(...) */
		__u32 pad;	/* its name before 1.3 */
	};
};

#define SIPC_SCHED_MIN		(1U << 16)	/* sched holds a minimum */
#define SIPC_SCHED_MASK		(SIPC_SCHED_MIN | 0xffffU)
#define SIPC_SCHED_POLICY(s)	(((s) >> 8) & 0xffU)	/* SCHED_NORMAL/FIFO/RR */
#define SIPC_SCHED_PRIO(s)	((s) & 0xffU)		/* RT 1-99, or nice + 20 */
#define SIPC_SCHED_NICE(nice)	(SIPC_SCHED_MIN | (0U << 8) | (__u32)((nice) + 20))
#define SIPC_SCHED_FIFO(prio)	(SIPC_SCHED_MIN | (1U << 8) | (__u32)(prio))
#define SIPC_SCHED_RR(prio)	(SIPC_SCHED_MIN | (2U << 8) | (__u32)(prio))

/*
 * SIPC_IOC_NODE_CREATE and SIPC_IOC_SET_CONTEXT_MGR flags (1.3 on):
 * every transaction to the node carries its sender's LSM security context
 * (SIPC_EVF_SECCTX), as Binder's FLAT_BINDER_FLAG_TXN_SECURITY_CTX.
 */
#define SIPC_NODE_TXN_SECCTX	(1U << 1)

/* SIPC_IOC_NODE_DESTROY flags */
#define SIPC_NODE_DESTROY_IF_UNUSED	(1U << 0) /* EBUSY while handles exist */

/* Death notice: SIPC_EV_DEATH with this cookie when the node dies. */
struct sipc_death_request {
	__u32 handle;
	__u32 pad;		/* must be 0 */
	__u64 cookie;
};

/* What to send, in struct sipc_transact.send_op. */
enum sipc_send_op {
	SIPC_SEND_NONE = 0,
	SIPC_SEND_CALL = 1,	/* synchronous: wait for the reply */
	SIPC_SEND_ONEWAY = 2,	/* return once queued */
	SIPC_SEND_REPLY = 3,	/* reply to the call this thread is serving */
	SIPC_SEND_CALL_ASYNC = 4, /* 1.4: a call whose reply comes as an event */
};

/*
 * Asynchronous calls (1.4 on; feature file "async_call"). SIPC_SEND_CALL_
 * ASYNC sends as SIPC_SEND_CALL does (same checks, errors and quota; the
 * server sees an ordinary call and replies to it as usual) but does not
 * wait: it returns at once with SIPC_OUT_SENT and, in ev.cookie, a call id
 * (never 0, unique in this context). recv_flags must be 0 (EINVAL). The
 * caller is the context, not the thread: the reply is queued as work any
 * thread of it may take (poll() says so), an SIPC_EV_ASYNC_REPLY event with
 * cookie the call id and code the server's status, the payload in this
 * area as for SIPC_EV_REPLY (free it with SIPC_IOC_FREE_BUFFER). A call
 * that fails after it was sent (target dead, node destroyed, server thread
 * gone, a reply that cannot be delivered: ESRCH, EREMOTEIO...) still ends
 * in its event, with SIPC_EVF_ASYNC_ERROR, code the negative errno and no
 * payload. Replies to asynchronous calls may take only the one-way half of
 * the area (as one-way requests do): when they fill it, later ones fail
 * with EREMOTEIO, and the area keeps room for synchronous replies and
 * incoming calls. An asynchronous call takes no part in priority
 * inheritance or in routing nested calls: nobody waits on it.
 *
 * SIPC_IOC_CALL_CANCEL (call id): a call still queued to its target and
 * not yet taken by a server thread is withdrawn; one being served is
 * given up (its reply is dropped and freed when it comes); one whose
 * event is queued but not yet received has it dropped and freed. No event
 * comes for it after the cancel. ENOENT: no such call outstanding (never
 * sent, cancelled, or its event already received).
 * When the context dies with calls outstanding, they are cancelled so.
 *
 * SIPC_IOC_SET_CALL_TIMEOUT (milliseconds, 0 for none, the default): for
 * this thread's later synchronous calls, as SO_RCVTIMEO: a call whose
 * reply has not come in that time (counted from its send) fails with
 * ETIMEDOUT, abandoned as on EINTR.
 */

/*
 * struct sipc_transact.send_flags. SIPC_SEND_GATHER (minor version 2 on):
 * data points to an array of data_size struct sipc_segment, and the
 * payload is their bytes one after the other, copied once, each from where
 * it lives, into the receiver's buffer. Object offsets count in that whole
 * payload; an object may lie in any segment, or across two, and is read and
 * translated as in a plain send. Segments may be empty; their lengths add
 * up to at most the largest area (EMSGSIZE); more than SIPC_MAX_SEGMENTS
 * is E2BIG. A driver older than 1.2 refuses the flag with EINVAL.
 */
#define SIPC_SEND_GATHER	(1U << 0)

struct sipc_segment {
	__u64 addr;		/* pointer to the bytes */
	__u64 len;
};

/* struct sipc_transact.recv_flags */
#define SIPC_RECV_WAIT		(1U << 0) /* after sending, wait for work */
#define SIPC_RECV_NONBLOCK	(1U << 1) /* with WAIT: EAGAIN if none */

/* What arrived, in struct sipc_event.type. */
enum sipc_event_type {
	SIPC_EV_NONE = 0,
	SIPC_EV_TRANSACTION = 1,	/* incoming call or one-way */
	SIPC_EV_REPLY = 2,		/* reply to this thread's call */
	SIPC_EV_DEATH = 3,		/* a node a death notice watched died */
	SIPC_EV_RELEASED = 4,		/* a node of ours has no handles left */
	/* A watched node's process froze (code 1) or thawed (0): FREEZE */
	SIPC_EV_FROZEN = 5,
	SIPC_EV_ASYNC_REPLY = 6,	/* 1.4: end of a SIPC_SEND_CALL_ASYNC */
};

/*
 * struct sipc_event.flags. SIPC_EVF_SECCTX: the sending task's LSM
 * security context (e.g. an AppArmor label), NUL-terminated, secctx_size
 * bytes with the NUL, follows the object offsets in the same buffer (at
 * offsets + offsets_count * 8), taken when it sent; for a node made with
 * SIPC_NODE_TXN_SECCTX, when the kernel has an LSM that gives one.
 */
#define SIPC_EVF_ONEWAY		(1U << 0) /* no reply expected */
#define SIPC_EVF_SECCTX		(1U << 1) /* the sender's security context */
#define SIPC_EVF_ASYNC_ERROR	(1U << 2) /* code: the async call's -errno */

/* struct sipc_transact.out_flags */
#define SIPC_OUT_SENT		(1U << 0) /* the send part was done */
#define SIPC_OUT_SPAWN_THREAD	(1U << 1) /* start another looper thread */
#define SIPC_OUT_FREED		(1U << 2) /* free_buffer was freed */
#define SIPC_OUT_FROZEN		(1U << 3) /* a one-way queued to a frozen one */

struct sipc_event {
	__u32 type;		/* enum sipc_event_type */
	__u32 flags;		/* SIPC_EVF_* */
	__u32 code;		/* transaction code, or the reply's status */
	__u32 sender_pid;	/* set by the kernel, in the receiver's pid ns */
	__u32 sender_euid;	/* set by the kernel, in the receiver's user ns */
	union {
		__u32 secctx_size;	/* SIPC_EVF_SECCTX, with its NUL */
		__u32 pad;		/* its name before 1.3 */
	};
	__u64 cookie;		/* node, notice, or async call id */
	__u64 data;		/* payload address in this process's area */
	__u64 data_size;
	__u64 offsets;		/* address of the __u64 object offsets */
	__u64 offsets_count;
};

/*
 * One ioctl for a whole round trip: send (call, one-way or reply), then
 * receive. A client's SEND_CALL blocks until its reply (or a nested call
 * into this thread) arrives in ev. A server's SEND_REPLY with
 * SIPC_RECV_WAIT replies and waits for the next request in one system call;
 * free_buffer returns the request's buffer in that same call.
 * When an error is returned after the send part completed, out_flags has
 * SIPC_OUT_SENT: the send must not be repeated.
 */
struct sipc_transact {
	__u32 send_op;		/* enum sipc_send_op */
	__u32 handle;		/* CALL/ONEWAY target */
	__u32 code;		/* CALL/ONEWAY code; REPLY status */
	__u32 send_flags;	/* 0 or SIPC_SEND_GATHER */
	__u64 data;		/* payload pointer (GATHER: segments) */
	__u64 data_size;	/* its bytes (GATHER: segments' count) */
	__u64 offsets;		/* pointer to __u64 object offsets */
	__u64 offsets_count;
	/* If not 0: free this buffer first, as SIPC_IOC_FREE_BUFFER does. */
	__u64 free_buffer;
	__u32 recv_flags;	/* SIPC_RECV_* */
	__u32 out_flags;	/* SIPC_OUT_*, written by the driver */
	struct sipc_event ev;	/* written by the driver */
};

/*
 * SIPC_IOC_LOOPER_ENTER flags. The driver asks for one looper at a time
 * (SIPC_OUT_SPAWN_THREAD) and asks again only once that one entered with
 * SIPC_LOOPER_SPAWNED, or the request was withdrawn with
 * SIPC_LOOPER_DECLINE (the thread could not be started; the calling thread
 * does not become a looper). A spawned looper that leaves with
 * SIPC_IOC_THREAD_EXIT frees its place under SIPC_IOC_SET_MAX_THREADS.
 */
#define SIPC_LOOPER_SPAWNED	(1U << 0) /* started on SIPC_OUT_SPAWN_THREAD */
#define SIPC_LOOPER_DECLINE	(1U << 1) /* that thread will not be started */

/*
 * Freezing (1.3 on), for a process about to be frozen (the cgroup v2
 * freezer): SIPC_IOC_FREEZE with enable 1 freezes the sipc contexts of
 * process pid (in the caller's pid namespace) on this device instance,
 * once the synchronous calls to it that are queued or being served end,
 * waiting at most timeout_ms for them (EAGAIN if they do not: it is left
 * thawed); enable 0 thaws it. Root (CAP_SYS_ADMIN) or the euid that
 * opened the contexts may; ESRCH if pid has none here. While frozen, a
 * synchronous call to it fails at once with EHOSTDOWN; a one-way is
 * queued (within its area's one-way space) and its sender gets
 * SIPC_OUT_FROZEN. SIPC_IOC_FROZEN_INFO says whether it is frozen and
 * whether synchronous or one-way work came while it was.
 * SIPC_IOC_FREEZE_NOTIFY asks for SIPC_EV_FROZEN, with the cookie given,
 * each time the process owning the node behind a handle freezes or thaws
 * (one pending event per request: an unread one is updated, not queued
 * again; one at once if it is frozen now); SIPC_IOC_FREEZE_NOTIFY_CLEAR
 * withdraws it. Order with the cgroup freezer: freeze here first, then
 * write 1 to cgroup.freeze; on the way back, 0 to cgroup.freeze, then
 * thaw here.
 */
struct sipc_freeze {
	__u32 pid;
	__u32 enable;		/* 1 freeze, 0 thaw */
	__u32 timeout_ms;	/* freeze: for its calls in service to end */
	__u32 pad;		/* must be 0 */
};

struct sipc_frozen_info {
	__u32 pid;		/* in */
	__u32 frozen;		/* out: 1 while frozen */
	__u32 sync_recv;	/* out: a call was refused since it froze */
	__u32 async_recv;	/* out: a one-way was queued since it froze */
};

/*
 * Channels (1.4 on): shared memory between exactly two processes, after
 * which a request and its reply need no system call. The client makes one
 * (SIPC_IOC_CHANNEL_CREATE), offers it to a service by sending a
 * SIPC_OBJ_CHANNEL object with its id in an ordinary call; the driver
 * gives the receiving process the channel under an id of its own (the
 * object is rewritten), and it becomes the server: it takes the channel
 * with SIPC_IOC_CHANNEL_ACCEPT, or refuses it by not doing so (the client
 * closes it then). A channel is offered once: sending it again, or any
 * id of another process, is EINVAL. Ids are per process, from 1; a fork
 * child or any other process cannot use them (EXDEV for its ioctls).
 *
 * Its pages belong to the driver and are mapped only into the two
 * parties, with mmap() of the sipc descriptor (MAP_SHARED) at the offsets
 * CREATE and ACCEPT give: each party maps the part it writes (rw_*) with
 * PROT_READ | PROT_WRITE, and the part it only reads (ro_*) with
 * PROT_READ; the latter can never be made writable. Each part is mapped
 * at most once (EBUSY), whole (EINVAL otherwise), and never inherited.
 *
 * The layout, in pages: the client's part, the header page, the server's
 * part, a guard page. The client reads the header, the server's part and
 * the guard; the server reads the client's part and the header. Each data
 * area is thus followed by a page only the driver writes, which holds
 * zeros past the header's fields: a string a peer leaves unterminated
 * ends there instead of running off the mapping. Each part is a control page
 * (struct sipc_channel_ctl), the slots of the ring its party writes, and
 * its data area; the header gives their offsets within a part.
 *
 * Rings are single producer, single consumer: the writer fills slot
 * (tail % slots), then publishes it by storing tail + 1 with release
 * order; the reader sees it with an acquire load of the writer's tail,
 * and gives it back by storing its own head (in its own control page).
 * tail - head is never more than slots: a full ring waits, never drops.
 * A slot names its message by offset and size in the writer's data area.
 * Everything read from the peer's part is untrusted: check a slot's
 * offset and size against data_size, and copy what you validate, since a
 * peer can change its part while you read it; the header is the
 * driver's, written by it alone.
 *
 * To sleep, a party sets its own waiting word, rechecks the peer's tail
 * (a full barrier between the two), and calls SIPC_IOC_CHANNEL_WAIT with
 * the peer's tail and head as it last saw them: the call returns once
 * either differs, at a SIPC_IOC_CHANNEL_KICK from the peer, at the
 * timeout (ETIMEDOUT), a signal (EINTR), or the channel's death (EPIPE).
 * A kick wakes a sleeper already in the call and is not kept for a later
 * one, which is why the sleeper passes the indices it saw. A writer that
 * sees the peer's waiting word set after publishing kicks it; one about
 * to sleep itself may instead pass SIPC_CHANNEL_WAIT_KICK, which kicks
 * the peer and then sleeps, in one call. When either party dies, closes
 * the channel (SIPC_IOC_CHANNEL_CLOSE) or unmaps a part of it, the driver
 * sets the header's state to SIPC_CHANNEL_DEAD and wakes the other, whose
 * next wait fails with EPIPE; the pages go with the last mapping.
 */
#define SIPC_CHANNEL_MAGIC	0x6e616863U	/* "chan" */
#define SIPC_CHANNEL_MAX_SLOTS	65536
#define SIPC_CHANNEL_MIN_DATA	4096
/* The default max_channel_size module parameter: a channel's bytes. */
#define SIPC_CHANNEL_DEFAULT_MAX (68ULL << 20)
/* Channels one process may have created and not closed. */
#define SIPC_MAX_CHANNELS	64

enum sipc_channel_state {
	SIPC_CHANNEL_OFFERED = 1,	/* made, not yet accepted */
	SIPC_CHANNEL_OPEN = 2,
	SIPC_CHANNEL_DEAD = 3,
};

/* The header page: the driver's, read-only to both parties. */
struct sipc_channel_header {
	__u32 magic;		/* SIPC_CHANNEL_MAGIC */
	__u32 state;		/* enum sipc_channel_state */
	__u32 slots;		/* per ring, a power of two */
	__u32 slot_size;	/* sizeof(struct sipc_channel_slot) */
	__u64 part_size;	/* bytes of each party's part */
	__u64 slots_offset;	/* of the slots, in a part */
	__u64 data_offset;	/* of the data area, in a part */
	__u64 data_size;	/* its bytes */
};

/* The first page of a part: written by its party only. */
struct sipc_channel_ctl {
	__u32 tail;		/* slots published in this party's ring */
	__u32 head;		/* slots of the peer's ring consumed */
	__u32 waiting;		/* non-zero: may sleep, kick it */
	__u32 pad;
	/* The party's own count of spins that found work: shown in /proc. */
	__u64 spins_won;
	__u64 spins_lost;
	/*
	 * The CPU the party last began a wait on, plus one (0: not said): a
	 * peer waiting on the same CPU does better to sleep than to spin.
	 */
	__u32 cpu;
	__u32 reserved;
};

#define SIPC_CHANNEL_ONEWAY	(1U << 0)	/* slot: no reply wanted */

struct sipc_channel_slot {
	__u64 offset;		/* of the message, in the writer's data area */
	__u64 size;
	__u32 code;		/* a request's code; a reply's status */
	__u32 flags;		/* SIPC_CHANNEL_ONEWAY */
	__u64 cookie;		/* a request's, copied into its reply */
};

/*
 * CREATE: slots (a power of two, 2 to SIPC_CHANNEL_MAX_SLOTS) and
 * data_size (per direction, a page multiple of at least
 * SIPC_CHANNEL_MIN_DATA) in; id and the mmap offsets out. The whole
 * channel may not exceed the module's max_channel_size (EMSGSIZE; never
 * more than 1 GiB, so that the mmap offsets stay below 2^44), its
 * memory is charged to the creator's memory cgroup, a process may have
 * SIPC_MAX_CHANNELS made and not closed (EMFILE), and a user's processes
 * max_user_channels (module parameter) made and not yet freed (EDQUOT).
 * An offer the server never accepted goes from its table when the client
 * closes the channel (or dies).
 * ACCEPT: id in (an offered channel of this process); the rest out.
 */
struct sipc_channel_setup {
	__u32 id;
	__u32 flags;		/* must be 0 */
	__u32 slots;
	__u32 pad;		/* must be 0 */
	__u64 data_size;
	__u64 rw_offset;	/* mmap offset of the part this party writes */
	__u64 rw_size;
	__u64 ro_offset;	/* of the part it reads */
	__u64 ro_size;
};

/* WAIT: kick the peer first (a publish and the sleep after it, one call) */
#define SIPC_CHANNEL_WAIT_KICK	(1U << 0)

struct sipc_channel_wait {
	__u32 id;
	__u32 flags;		/* SIPC_CHANNEL_WAIT_KICK */
	__u32 tail;		/* the peer's tail and head, as last seen */
	__u32 head;
	__u32 timeout_ms;	/* 0: no timeout */
	__u32 pad;		/* must be 0 */
};

/*
 * Isolated instances: each /dev/sipc-<name> has its own context manager,
 * handles and statistics (/proc/sipc/instances/<name>/). Root creates and
 * removes them at run time through /dev/sipc-control (or the module's
 * "instances" parameter at load). Names: 1-31 of [a-z0-9_-], not
 * "control". Errors: EPERM without CAP_SYS_ADMIN, EINVAL for a bad name,
 * EEXIST, ENOENT, and EBUSY while a process has the instance open.
 */
#define SIPC_INSTANCE_NAME_MAX	32

struct sipc_instance {
	char name[SIPC_INSTANCE_NAME_MAX];	/* NUL-terminated */
};

#define SIPC_IOC_MAGIC		0xb7

#define SIPC_IOC_VERSION	_IOR(SIPC_IOC_MAGIC, 0x00, struct sipc_version)
#define SIPC_IOC_TRANSACT	_IOWR(SIPC_IOC_MAGIC, 0x01, struct sipc_transact)
#define SIPC_IOC_FREE_BUFFER	_IOW(SIPC_IOC_MAGIC, 0x02, __u64)
#define SIPC_IOC_SET_CONTEXT_MGR _IOW(SIPC_IOC_MAGIC, 0x03, struct sipc_node_info)
#define SIPC_IOC_NODE_CREATE	_IOW(SIPC_IOC_MAGIC, 0x04, struct sipc_node_info)
#define SIPC_IOC_NODE_DESTROY	_IOW(SIPC_IOC_MAGIC, 0x05, struct sipc_node_info)
#define SIPC_IOC_ACQUIRE	_IOW(SIPC_IOC_MAGIC, 0x06, __u32)
#define SIPC_IOC_RELEASE	_IOW(SIPC_IOC_MAGIC, 0x07, __u32)
#define SIPC_IOC_DEATH_REQUEST	_IOW(SIPC_IOC_MAGIC, 0x08, struct sipc_death_request)
#define SIPC_IOC_DEATH_CLEAR	_IOW(SIPC_IOC_MAGIC, 0x09, struct sipc_death_request)
#define SIPC_IOC_SET_MAX_THREADS _IOW(SIPC_IOC_MAGIC, 0x0a, __u32)
#define SIPC_IOC_LOOPER_ENTER	_IOW(SIPC_IOC_MAGIC, 0x0b, __u32)
#define SIPC_IOC_THREAD_EXIT	_IO(SIPC_IOC_MAGIC, 0x0c)
#define SIPC_IOC_FREEZE		_IOW(SIPC_IOC_MAGIC, 0x0d, struct sipc_freeze)
#define SIPC_IOC_FROZEN_INFO	_IOWR(SIPC_IOC_MAGIC, 0x0e, struct sipc_frozen_info)
#define SIPC_IOC_FREEZE_NOTIFY	_IOW(SIPC_IOC_MAGIC, 0x0f, struct sipc_death_request)
#define SIPC_IOC_FREEZE_NOTIFY_CLEAR _IOW(SIPC_IOC_MAGIC, 0x10, struct sipc_death_request)
#define SIPC_IOC_CALL_CANCEL	_IOW(SIPC_IOC_MAGIC, 0x11, __u64)
#define SIPC_IOC_SET_CALL_TIMEOUT _IOW(SIPC_IOC_MAGIC, 0x12, __u32)
#define SIPC_IOC_CHANNEL_CREATE	_IOWR(SIPC_IOC_MAGIC, 0x18, struct sipc_channel_setup)
#define SIPC_IOC_CHANNEL_ACCEPT	_IOWR(SIPC_IOC_MAGIC, 0x19, struct sipc_channel_setup)
#define SIPC_IOC_CHANNEL_CLOSE	_IOW(SIPC_IOC_MAGIC, 0x1a, __u32)
#define SIPC_IOC_CHANNEL_WAIT	_IOW(SIPC_IOC_MAGIC, 0x1b, struct sipc_channel_wait)
#define SIPC_IOC_CHANNEL_KICK	_IOW(SIPC_IOC_MAGIC, 0x1c, __u32)

/* On /dev/sipc-control only. */
#define SIPC_CTL_ADD_INSTANCE	_IOW(SIPC_IOC_MAGIC, 0x40, struct sipc_instance)
#define SIPC_CTL_REMOVE_INSTANCE _IOW(SIPC_IOC_MAGIC, 0x41, struct sipc_instance)

#endif /* _UAPI_LINUX_SIPC_H */
