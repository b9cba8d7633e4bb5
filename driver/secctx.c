// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's LSM security context, for a node that asks for it with
 * SIPC_NODE_TXN_SECCTX: taken from the sending task when it sends (its
 * subjective context: what it runs as, e.g. its AppArmor label), and put
 * NUL-terminated after the payload's object offsets in the receiver's
 * buffer, where the event's secctx_size says how long it is. A kernel
 * whose LSMs give no context delivers the transaction without one.
 */
#include "sipc_internal.h"

/* The current task's context, or none: its size in a buffer (with NUL). */
size_t sipc_secctx_take(struct sipc_secctx *s)
{
	memset(s, 0, sizeof(*s));
	if (sipc_secctx_current(s)) {
		memset(s, 0, sizeof(*s));
		return 0;
	}
	return sipc_secctx_len(s) ? sipc_secctx_len(s) + 1 : 0;
}

/* Into @buf at @off (room for sipc_secctx_take()'s size): then let go. */
void sipc_secctx_put_into(struct sipc_secctx *s, struct sipc_area *area,
			  struct sipc_buffer *buf, size_t off)
{
	u32 len = sipc_secctx_len(s);
	char nul = 0;

	if (len) {
		sipc_buffer_access(area, buf, off, sipc_secctx_text(s),
				   len, true);
		sipc_buffer_access(area, buf, off + len, &nul, 1, true);
		buf->secctx_size = len + 1;
	}
	sipc_secctx_release(s);
}

void sipc_secctx_drop(struct sipc_secctx *s)
{
	sipc_secctx_release(s);
}
