/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sipc tracepoints (events/sipc/ in tracefs). Pids are in the initial
 * namespace; "id" follows one transaction from send to reply.
 *   sipc_send        a call or one-way queued: id, from/to pid, handle,
 *                    code, size, objects, oneway
 *   sipc_receive     a server thread took it: id, pid, tid, code, size
 *   sipc_reply       a reply delivered: id, from/to pid, status, size
 *   sipc_failed      a send or call failed: pid, tid, handle, code, error
 *   sipc_buffer_alloc / sipc_buffer_free: pid, offset, size
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sipc

#if !defined(SIPC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define SIPC_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(sipc_send,
	    TP_PROTO(u64 id, pid_t from, pid_t to, u32 handle, u32 code,
		     u64 size, u64 objects, bool oneway),
	    TP_ARGS(id, from, to, handle, code, size, objects, oneway),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(pid_t, from)
			     __field(pid_t, to)
			     __field(u32, handle)
			     __field(u32, code)
			     __field(u64, size)
			     __field(u64, objects)
			     __field(bool, oneway)),
	    TP_fast_assign(__entry->id = id;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->handle = handle;
			   __entry->code = code;
			   __entry->size = size;
			   __entry->objects = objects;
			   __entry->oneway = oneway;),
	    TP_printk("id=%llu from=%d to=%d handle=%u code=%u size=%llu objects=%llu oneway=%d",
		      __entry->id, __entry->from, __entry->to, __entry->handle,
		      __entry->code, __entry->size, __entry->objects,
		      __entry->oneway)
);

TRACE_EVENT(sipc_receive,
	    TP_PROTO(u64 id, pid_t pid, pid_t tid, u32 code, u64 size),
	    TP_ARGS(id, pid, tid, code, size),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(pid_t, pid)
			     __field(pid_t, tid)
			     __field(u32, code)
			     __field(u64, size)),
	    TP_fast_assign(__entry->id = id;
			   __entry->pid = pid;
			   __entry->tid = tid;
			   __entry->code = code;
			   __entry->size = size;),
	    TP_printk("id=%llu pid=%d tid=%d code=%u size=%llu", __entry->id,
		      __entry->pid, __entry->tid, __entry->code, __entry->size)
);

TRACE_EVENT(sipc_reply,
	    TP_PROTO(u64 id, pid_t from, pid_t to, u32 status, u64 size),
	    TP_ARGS(id, from, to, status, size),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(pid_t, from)
			     __field(pid_t, to)
			     __field(u32, status)
			     __field(u64, size)),
	    TP_fast_assign(__entry->id = id;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->status = status;
			   __entry->size = size;),
	    TP_printk("id=%llu from=%d to=%d status=%u size=%llu", __entry->id,
		      __entry->from, __entry->to, __entry->status, __entry->size)
);

TRACE_EVENT(sipc_failed,
	    TP_PROTO(pid_t pid, pid_t tid, u32 handle, u32 code, int error),
	    TP_ARGS(pid, tid, handle, code, error),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(pid_t, tid)
			     __field(u32, handle)
			     __field(u32, code)
			     __field(int, error)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->tid = tid;
			   __entry->handle = handle;
			   __entry->code = code;
			   __entry->error = error;),
	    TP_printk("pid=%d tid=%d handle=%u code=%u error=%d", __entry->pid,
		      __entry->tid, __entry->handle, __entry->code, __entry->error)
);

/* Buffers come and go in the same shape: one class, two events. */
DECLARE_EVENT_CLASS(sipc_buffer_class,
		    TP_PROTO(pid_t pid, size_t offset, size_t size),
		    TP_ARGS(pid, offset, size),
		    TP_STRUCT__entry(__field(pid_t, pid)
				     __field(size_t, offset)
				     __field(size_t, size)),
		    TP_fast_assign(__entry->pid = pid;
				   __entry->offset = offset;
				   __entry->size = size;),
		    TP_printk("pid=%d offset=%zu size=%zu", __entry->pid,
			      __entry->offset, __entry->size)
);

DEFINE_EVENT(sipc_buffer_class, sipc_buffer_alloc,
	     TP_PROTO(pid_t pid, size_t offset, size_t size),
	     TP_ARGS(pid, offset, size));

DEFINE_EVENT(sipc_buffer_class, sipc_buffer_free,
	     TP_PROTO(pid_t pid, size_t offset, size_t size),
	     TP_ARGS(pid, offset, size));

#endif /* SIPC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE sipc_trace
#include <trace/define_trace.h>
