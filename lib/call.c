// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc: client calls. A call is one SIPC_IOC_TRANSACT: it sends the
 * request straight from the parcel's memory, returns the previous reply's
 * buffer, and waits for the new reply, which the reply parcel then reads
 * in place. Calls made back into this process along the same chain
 * (nested calls) arrive on the waiting thread and are served there.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libsipc.h"

/*
 * The payload of @p (may be NULL) as the send part of @tr: one piece, or
 * a gather when it refers to bytes it did not copy. 0 or -ENOMEM.
 */
int sipc_transact_send(struct sipc *s, struct sipc_transact *tr,
		       struct sipc_parcel *p)
{
	/* Answered again only once this send's call is. */
	if (p)
		p->answered = false;
	tr->send_flags = 0;
	tr->offsets = 0;
	tr->offsets_count = 0;
	if (!p || !p->size) {
		tr->data = 0;
		tr->data_size = 0;
		return 0;
	}
	tr->offsets = (uintptr_t)p->offs;
	tr->offsets_count = p->nr_offs;
	if (p->nr_refs) {
		int ret = sipc_parcel_gather(p, s, tr);

		if (ret || tr->send_flags)
			return ret;
	}
	tr->data = (uintptr_t)p->data;
	tr->data_size = p->size;
	return 0;
}

/*
 * @req (may be NULL) as the send part of a call or one-way to @h: its
 * own error if it has one, -EXDEV where its pooled blobs may not go, or
 * sipc_transact_send()'s result.
 */
int sipc_request_send(struct sipc_handle *h, struct sipc_transact *tr,
		      struct sipc_parcel *req)
{
	int ret;

	if (req && req->error)
		return req->error;
	ret = sipc_parcel_check_dest(req, h);
	return ret ? ret : sipc_transact_send(h->s, tr, req);
}

/*
 * A nested call arrived while we wait: serve it and set up @tr to reply
 * and go on waiting, in one system call.
 */
static void serve_nested(struct sipc *s, struct sipc_transact *tr,
			 struct sipc_parcel *req, struct sipc_parcel *reply)
{
	sipc_serve_event(s, &tr->ev, req, reply, tr, NULL);
	tr->recv_flags = SIPC_RECV_WAIT;
}

/*
 * After a reply was sent, an error is either the reply's (the call we
 * served could not take it) or our own call's end. These are our call's:
 * a signal, a dead target, an undeliverable reply. (A reply to a caller
 * that is gone succeeds, so ESRCH is never the reply's.)
 */
static bool call_failed(int err)
{
	return err == -EINTR || err == -ESRCH || err == -EREMOTEIO;
}

/*
 * Wait for the reply to the call already sent, serving nested calls.
 * Returns 0 with the reply in tr->ev, or a negative errno.
 */
static int await_reply(struct sipc *s, struct sipc_transact *tr)
{
	struct sipc_parcel req, reply;
	int ret;

	sipc_parcel_init(&req);
	sipc_parcel_init(&reply);
	for (;;) {
		serve_nested(s, tr, &req, &reply);
		ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT, tr));
		if (tr->free_buffer && !(tr->out_flags & SIPC_OUT_FREED))
			sipc_free_buffer(s, tr->free_buffer);
		if (ret && tr->send_op == SIPC_SEND_REPLY &&
		    !(tr->out_flags & SIPC_OUT_SENT)) {
			/* Refused before it went: an empty reply, the error. */
			memset(tr, 0, sizeof(*tr));
			tr->send_op = SIPC_SEND_REPLY;
			tr->code = (__u32)ret;
			tr->recv_flags = SIPC_RECV_WAIT;
			ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT,
						   tr));
		}
		if (ret && tr->send_op != SIPC_SEND_NONE &&
		    tr->out_flags & SIPC_OUT_SENT && !call_failed(ret)) {
			/* Our reply went nowhere; our own call goes on. */
			memset(tr, 0, sizeof(*tr));
			tr->recv_flags = SIPC_RECV_WAIT;
			ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT,
						   tr));
		}
		if (ret || tr->ev.type != SIPC_EV_TRANSACTION)
			break;
	}
	sipc_parcel_fini(&req);
	sipc_parcel_fini(&reply);
	return ret;
}

SIPC_EXPORT int sipc_call(struct sipc_handle *h, __u32 code,
			  struct sipc_parcel *req, struct sipc_parcel *reply)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL,
		.handle = h->id,
		.code = code,
	};
	struct sipc *s = h->s;
	__u64 late = 0;
	int ret;

	ret = sipc_request_send(h, &tr, req);
	if (ret)
		return ret;
	/*
	 * The previous reply goes in this call's own system call, unless it
	 * has descriptors to close or views to unmap, or the request refers
	 * to bytes in our area: the request may send them on, so they go
	 * after the call, with the buffer.
	 */
	if (reply && reply->held) {
		if (reply->s != s || reply == req ||
		    sipc_parcel_has_res(reply) ||
		    (req && sipc_parcel_refers_into(req, s)))
			late = reply->held;	/* freed after the call */
		else
			tr.free_buffer = reply->held;
	}
	ret = sipc_ioctl_err(ioctl(s->fd, SIPC_IOC_TRANSACT, &tr));
	if (reply && tr.out_flags & SIPC_OUT_FREED)
		reply->held = 0;
	if (!ret && tr.ev.type == SIPC_EV_TRANSACTION)
		ret = await_reply(s, &tr);
	if (late && reply) {
		sipc_parcel_release_held(reply);
		late = 0;
	}
	if (ret)
		return ret;
	if (tr.ev.type != SIPC_EV_REPLY)
		return -EPROTO;
	/* Its server is done with it: pooled regions in it may be reused. */
	if (req)
		req->answered = true;
	if (reply) {
		sipc_parcel_set_received(reply, s, &tr.ev);
	} else {
		/* Nobody reads it: what it carries is closed with it. */
		struct sipc_parcel drop;

		sipc_parcel_init(&drop);
		sipc_parcel_set_received(&drop, s, &tr.ev);
		sipc_parcel_fini(&drop);
	}
	return (int)tr.ev.code;
}

SIPC_EXPORT int sipc_send_oneway(struct sipc_handle *h, __u32 code,
				 struct sipc_parcel *req)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_ONEWAY,
		.handle = h->id,
		.code = code,
	};
	int ret;

	ret = sipc_request_send(h, &tr, req);
	if (ret)
		return ret;
	return sipc_ioctl_err(ioctl(h->s->fd, SIPC_IOC_TRANSACT, &tr));
}

SIPC_EXPORT int sipc_ping(struct sipc_handle *h)
{
	return sipc_call(h, SIPC_CODE_PING, NULL, NULL);
}
