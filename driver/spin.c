// SPDX-License-Identifier: GPL-2.0
/*
 * A caller's bounded spin before it sleeps. With the server on another
 * CPU, a reply often comes back sooner than this CPU can go idle and be
 * woken again (an interrupt to bring it out of its idle state, a switch
 * back to us): waiting for it awake saves both. The spin is adaptive:
 * each thread keeps a running average of how long its replies took, and
 * spins only while that average is under the budget (module parameter
 * spin_ns, 0 turns it off), for at most twice the average. It never spins
 * on one CPU, nor while another task could use this CPU (the server
 * itself when both share it), and stops at once for a signal or a
 * reschedule.
 */
#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>

#include "sipc_internal.h"

/*
 * As KVM's halt polling (halt_poll_ns), 200 us by default: past that, the
 * wake-up a spin saves is small beside the wait itself.
 */
static unsigned int sipc_spin_ns = 200000;
module_param_named(spin_ns, sipc_spin_ns, uint, 0644);
MODULE_PARM_DESC(spin_ns,
		 "Longest a caller spins for its reply before it sleeps, in ns (0: never)");

/* The newest reply time weighs 1/8 in the running average. */
#define SPIN_AVG_SHIFT	3

/* A reply came @waited_ns after the wait for it began. */
void sipc_spin_note_reply(struct sipc_thread *thread, u64 waited_ns)
{
	s64 avg = thread->reply_avg_ns;
	s64 now = min_t(u64, waited_ns, S32_MAX);

	thread->reply_avg_ns = avg + ((now - avg) >> SPIN_AVG_SHIFT);
}

/*
 * Spin, no lock held, until someone wakes @thread (its wake count moves
 * past @seq) or the spin stops paying. True if it was woken meanwhile.
 */
bool sipc_spin_for_wake(struct sipc_thread *thread, unsigned int seq)
{
	u32 budget = READ_ONCE(sipc_spin_ns);
	u64 avg = thread->reply_avg_ns, limit, start;

	/* Woken already (we were preempted on the way): no spin to count. */
	if (READ_ONCE(thread->wake_seq) != seq)
		return true;
	if (!budget || avg > budget || num_online_cpus() < 2)
		return false;
	/* No history yet: the whole budget, to learn. */
	limit = avg ? min_t(u64, budget, 2 * avg) : budget;
	start = local_clock();
	while (READ_ONCE(thread->wake_seq) == seq) {
		if (!single_task_running() || need_resched() ||
		    signal_pending(current) || local_clock() - start > limit) {
			sipc_count(&thread->proc->dev->stats,
				   SIPC_CNT_SPINS_LOST);
			return false;
		}
		cpu_relax();
	}
	sipc_count(&thread->proc->dev->stats, SIPC_CNT_SPINS_WON);
	return true;
}
