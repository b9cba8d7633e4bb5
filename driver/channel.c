// SPDX-License-Identifier: GPL-2.0
/*
 * Channels: pages the driver owns, mapped into exactly two processes (and
 * reached by the kernel through its direct map), where a client and a
 * server exchange requests and replies without a system call each. The
 * driver's part is small on purpose: it makes the pages, binds the second
 * party by translating a SIPC_OBJ_CHANNEL object (so the offer cannot be
 * forged or passed on), maps each part with the protection its party may
 * have, puts a party to sleep until the peer moves, and marks the channel
 * dead in the header page when a party goes. The rings themselves are
 * user space's (see linux/sipc.h); the driver only reads the peer's
 * indices to decide whether a sleeper may wake, so nothing a peer writes
 * there can hurt anyone but that peer's own channel.
 */
#include <linux/bits.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "sipc_internal.h"

static unsigned long sipc_max_channel_size = SIPC_CHANNEL_DEFAULT_MAX;
module_param_named(max_channel_size, sipc_max_channel_size, ulong, 0644);
MODULE_PARM_DESC(max_channel_size,
		 "Largest channel (both directions' rings and data), in bytes, up to 1 GiB");

/* What max_channel_size may allow: the mmap offsets below are sized by it. */
#define SIPC_CHANNEL_SIZE_LIMIT	SZ_1G

/* Offers a process may hold (channels it serves or was offered). */
#define SIPC_CHANNEL_TABLE_MAX	4096

/*
 * mmap offsets: channel id @id's part this party writes at
 * BASE + id * 2^31, the part it reads 2^30 above, each part smaller than
 * that (SIPC_CHANNEL_SIZE_LIMIT). Far above any receive area (which
 * starts at offset 0 and is at most 1 GiB), and below 2^44, all a 32-bit
 * process reaches with mmap2()'s page offset.
 */
#define SIPC_CHANNEL_MMAP_BASE	BIT_ULL(40)
#define SIPC_CHANNEL_ID_SHIFT	31
#define SIPC_CHANNEL_RO_BIT	BIT_ULL(30)

enum { SIPC_PART_RW, SIPC_PART_RO };

struct sipc_channel {
	struct kref kref;		/* tables', mappings', waiters' */
	struct sipc_device *dev;
	struct list_head dev_entry;	/* on dev->channels */
	struct mutex lock;		/* binding and mapping state */
	struct sipc_user *user;		/* its creator's, charged for it */
	/* The server's context, held, once offered: NULL before. */
	struct sipc_proc *offered_to;
	bool accepted;
	bool mapped[2][2];		/* [party][part], ever */
	struct pid *pid[2];		/* held once bound */
	u32 id[2];			/* in each party's table */
	u32 slots;
	u64 data_size;
	size_t part_pages;
	size_t nr_pages;
	struct page **pages;
	struct sipc_channel_header *hdr;
	struct sipc_channel_ctl *ctl[2];
	wait_queue_head_t wait[2];	/* each party's sleep */
	atomic_t kicks[2];		/* kicks each party got */
	atomic_t wait_kicks;		/* of them, given with a sleep */
	atomic64_t sleeps[2];
};

/* ---- lifetime ---- */

static void channel_free(struct kref *kref)
{
	struct sipc_channel *ch = container_of(kref, struct sipc_channel, kref);
	struct sipc_device *dev = ch->dev;
	size_t i;

	spin_lock(&dev->channels_lock);
	list_del(&ch->dev_entry);
	spin_unlock(&dev->channels_lock);
	for (i = 0; ch->pages && i < ch->nr_pages; i++)
		if (ch->pages[i])
			__free_page(ch->pages[i]);
	kvfree(ch->pages);
	put_pid(ch->pid[SIPC_CHANNEL_CLIENT]);
	put_pid(ch->pid[SIPC_CHANNEL_SERVER]);
	if (ch->offered_to)
		sipc_proc_put(ch->offered_to);
	if (ch->user) {
		sipc_user_uncharge_channel(ch->user);
		sipc_user_put(ch->user);
	}
	sipc_count(&dev->stats, SIPC_CNT_CHANNELS_FREED);
	kfree(ch);
	sipc_device_put(dev);
}

static void channel_put(struct sipc_channel *ch)
{
	kref_put(&ch->kref, channel_free);
}

/*
 * Dead for good: the header says so (a spinning peer sees it within its
 * spin) and both sleepers wake to find it.
 */
static void channel_kill(struct sipc_channel *ch)
{
	WRITE_ONCE(ch->hdr->state, SIPC_CHANNEL_DEAD);
	wake_up_all(&ch->wait[SIPC_CHANNEL_CLIENT]);
	wake_up_all(&ch->wait[SIPC_CHANNEL_SERVER]);
}

/* Pages of a part: its control page, its ring's slots, its data. */
static size_t part_pages(u32 slots, u64 data_size)
{
	size_t slot_bytes = (size_t)slots * sizeof(struct sipc_channel_slot);

	return 1 + PAGE_ALIGN(slot_bytes) / PAGE_SIZE + data_size / PAGE_SIZE;
}

/* The first page of each part, and the header between them. */
static size_t part_start(const struct sipc_channel *ch, int party)
{
	return party == SIPC_CHANNEL_CLIENT ? 0 : ch->part_pages + 1;
}

static void channel_init_header(struct sipc_channel *ch)
{
	struct sipc_channel_header *h = page_address(ch->pages[ch->part_pages]);

	h->magic = SIPC_CHANNEL_MAGIC;
	h->state = SIPC_CHANNEL_OFFERED;
	h->slots = ch->slots;
	h->slot_size = sizeof(struct sipc_channel_slot);
	h->part_size = (u64)ch->part_pages << PAGE_SHIFT;
	h->slots_offset = PAGE_SIZE;
	h->data_offset = (u64)(ch->part_pages - ch->data_size / PAGE_SIZE)
			 << PAGE_SHIFT;
	h->data_size = ch->data_size;
	ch->hdr = h;
	ch->ctl[SIPC_CHANNEL_CLIENT] =
		page_address(ch->pages[part_start(ch, SIPC_CHANNEL_CLIENT)]);
	ch->ctl[SIPC_CHANNEL_SERVER] =
		page_address(ch->pages[part_start(ch, SIPC_CHANNEL_SERVER)]);
}

/* Zeroed pages, charged to the creator's memory cgroup. */
static int channel_alloc_pages(struct sipc_channel *ch)
{
	size_t i;

	ch->pages = kvcalloc(ch->nr_pages, sizeof(*ch->pages),
			     GFP_KERNEL_ACCOUNT);
	if (!ch->pages)
		return -ENOMEM;
	for (i = 0; i < ch->nr_pages; i++) {
		ch->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!ch->pages[i])
			return -ENOMEM;
	}
	return 0;
}

/* max_channel_size, as far as the mmap offsets let it go. */
static u64 channel_size_max(void)
{
	return min_t(u64, READ_ONCE(sipc_max_channel_size),
		     SIPC_CHANNEL_SIZE_LIMIT);
}

static struct sipc_channel *channel_new(struct sipc_proc *proc, u32 slots,
					u64 data_size)
{
	struct sipc_channel *ch;
	size_t pages;

	if (slots < 2 || slots > SIPC_CHANNEL_MAX_SLOTS || !is_power_of_2(slots))
		return ERR_PTR(-EINVAL);
	if (data_size < SIPC_CHANNEL_MIN_DATA || !PAGE_ALIGNED(data_size))
		return ERR_PTR(-EINVAL);
	BUILD_BUG_ON(SIPC_CHANNEL_MMAP_BASE +
		     ((u64)(SIPC_CHANNEL_TABLE_MAX + 1) << SIPC_CHANNEL_ID_SHIFT) >
		     BIT_ULL(44));
	BUILD_BUG_ON(SIPC_CHANNEL_SIZE_LIMIT > SIPC_CHANNEL_RO_BIT);
	if (data_size > channel_size_max())
		return ERR_PTR(-EMSGSIZE);
	/* Both parts, the header between them and the guard page after. */
	pages = 2 * part_pages(slots, data_size) + 2;
	if (pages > channel_size_max() >> PAGE_SHIFT)
		return ERR_PTR(-EMSGSIZE);

	if (sipc_user_charge_channel(proc->user))
		return ERR_PTR(-EDQUOT);
	ch = kzalloc(sizeof(*ch), GFP_KERNEL_ACCOUNT);
	if (!ch) {
		sipc_user_uncharge_channel(proc->user);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&ch->kref);
	sipc_user_ref(proc->user);
	ch->user = proc->user;
	mutex_init(&ch->lock);
	INIT_LIST_HEAD(&ch->dev_entry);
	ch->slots = slots;
	ch->data_size = data_size;
	ch->part_pages = part_pages(slots, data_size);
	ch->nr_pages = pages;
	init_waitqueue_head(&ch->wait[SIPC_CHANNEL_CLIENT]);
	init_waitqueue_head(&ch->wait[SIPC_CHANNEL_SERVER]);
	ch->dev = proc->dev;
	kref_get(&proc->dev->kref);
	sipc_count(&proc->dev->stats, SIPC_CNT_CHANNELS_CREATED);
	if (channel_alloc_pages(ch)) {
		channel_put(ch);
		return ERR_PTR(-ENOMEM);
	}
	channel_init_header(ch);
	spin_lock(&proc->dev->channels_lock);
	list_add_tail(&ch->dev_entry, &proc->dev->channels);
	spin_unlock(&proc->dev->channels_lock);
	return ch;
}

/* ---- a process's table of channels ---- */

/*
 * Give @ch an id in @proc's table, with a reference of its own; the entry
 * carries which party @proc is (a process could be both only by offering
 * a channel to itself, which translation refuses). Ids go round the whole
 * range before one comes again: an offer withdrawn from a server's table
 * (withdraw_offer()) leaves its id in requests the server has yet to
 * read, and that id must not name the next offer at once.
 */
static int table_add(struct sipc_proc *proc, struct sipc_channel *ch,
		     int party, u32 *id)
{
	int ret;

	xa_lock(&proc->channels);
	if (proc->channels_closed)
		ret = -ESRCH;
	else
		ret = __xa_alloc_cyclic(&proc->channels, id,
					xa_tag_pointer(ch, party),
					XA_LIMIT(1, SIPC_CHANNEL_TABLE_MAX),
					&proc->channels_next, GFP_ATOMIC);
	if (ret >= 0) {
		ret = 0;	/* 1: the ids went round */
		kref_get(&ch->kref);
	}
	xa_unlock(&proc->channels);
	return ret == -EBUSY ? -EMFILE : ret;
}

/* The channel @id of @proc, with a reference, or NULL. */
static struct sipc_channel *table_get(struct sipc_proc *proc, u32 id,
				      int *party)
{
	struct sipc_channel *ch;
	void *entry;

	xa_lock(&proc->channels);
	entry = xa_load(&proc->channels, id);
	ch = xa_untag_pointer(entry);
	if (ch)
		kref_get(&ch->kref);
	xa_unlock(&proc->channels);
	*party = xa_pointer_tag(entry);
	return ch;
}

/*
 * The client let go of a channel its server never took: the offer goes
 * from the server's table too, so that offers it never heard of (the
 * payload carrying one failed after its translation) or ignored do not
 * pile up there.
 */
static void withdraw_offer(struct sipc_channel *ch)
{
	struct sipc_proc *srv;
	void *entry = xa_tag_pointer(ch, SIPC_CHANNEL_SERVER);

	mutex_lock(&ch->lock);
	srv = ch->accepted ? NULL : ch->offered_to;
	if (srv && xa_cmpxchg(&srv->channels, ch->id[SIPC_CHANNEL_SERVER],
			      entry, NULL, GFP_KERNEL) == entry)
		kref_put(&ch->kref, channel_free);	/* never the last */
	mutex_unlock(&ch->lock);
}

/* Take @id out of @proc's table: kill the channel, drop the table's ref. */
static int table_close(struct sipc_proc *proc, u32 id)
{
	void *entry = xa_erase(&proc->channels, id);
	struct sipc_channel *ch = xa_untag_pointer(entry);

	if (!ch)
		return -ENOENT;
	if (xa_pointer_tag(entry) == SIPC_CHANNEL_CLIENT) {
		atomic_dec(&proc->nr_channels);
		withdraw_offer(ch);
	}
	channel_kill(ch);
	channel_put(ch);
	return 0;
}

/* The process is dying: no channel joins its table any more. */
void sipc_channels_die(struct sipc_proc *proc)
{
	unsigned long id;
	void *entry;

	xa_lock(&proc->channels);
	proc->channels_closed = true;
	xa_unlock(&proc->channels);
	xa_for_each(&proc->channels, id, entry)
		table_close(proc, id);
}

/* ---- offering: a SIPC_OBJ_CHANNEL in a payload ---- */

/*
 * The receiver @to of a payload from @from becomes the server of the
 * channel @obj names, which must be @from's own, made by it and never
 * offered; @obj then names it in @to's table. No lock held.
 */
int sipc_channel_translate(struct sipc_proc *from, struct sipc_proc *to,
			   struct sipc_object *obj)
{
	struct sipc_channel *ch;
	int party, ret = -EINVAL;
	u32 id;

	if (obj->flags || obj->raw >> 32 || to == from)
		return -EINVAL;
	ch = table_get(from, obj->channel, &party);
	if (!ch)
		return -ENOENT;
	mutex_lock(&ch->lock);
	if (party == SIPC_CHANNEL_CLIENT && !ch->offered_to &&
	    READ_ONCE(ch->hdr->state) == SIPC_CHANNEL_OFFERED) {
		ret = table_add(to, ch, SIPC_CHANNEL_SERVER, &id);
		if (!ret) {
			ch->id[SIPC_CHANNEL_SERVER] = id;
			sipc_proc_get(to);
			ch->offered_to = to;
			/* Published whole to /proc's lockless reader. */
			smp_store_release(&ch->pid[SIPC_CHANNEL_SERVER],
					  get_pid(to->tgid));
			obj->raw = 0;
			obj->channel = id;
		}
	}
	mutex_unlock(&ch->lock);
	channel_put(ch);
	return ret;
}

/* ---- ioctls ---- */

static void setup_offsets(struct sipc_channel *ch, int party,
			  struct sipc_channel_setup *s)
{
	u64 base = SIPC_CHANNEL_MMAP_BASE +
		   ((u64)ch->id[party] << SIPC_CHANNEL_ID_SHIFT);

	s->slots = ch->slots;
	s->data_size = ch->data_size;
	s->rw_offset = base;
	s->rw_size = (u64)ch->part_pages << PAGE_SHIFT;
	s->ro_offset = base + SIPC_CHANNEL_RO_BIT;
	s->ro_size = (u64)(ch->part_pages + 1 + (party == SIPC_CHANNEL_CLIENT))
		     << PAGE_SHIFT;
}

static int channel_create(struct sipc_proc *proc,
			  struct sipc_channel_setup *s)
{
	struct sipc_channel *ch;
	u32 id;
	int ret;

	if (s->flags || s->pad || s->id)
		return -EINVAL;
	if (atomic_inc_return(&proc->nr_channels) > SIPC_MAX_CHANNELS) {
		atomic_dec(&proc->nr_channels);
		return -EMFILE;
	}
	ch = channel_new(proc, s->slots, s->data_size);
	if (IS_ERR(ch)) {
		atomic_dec(&proc->nr_channels);
		return PTR_ERR(ch);
	}
	mutex_lock(&ch->lock);
	ret = table_add(proc, ch, SIPC_CHANNEL_CLIENT, &id);
	if (!ret) {
		ch->id[SIPC_CHANNEL_CLIENT] = id;
		/* Published whole to /proc's lockless reader. */
		smp_store_release(&ch->pid[SIPC_CHANNEL_CLIENT],
				  get_pid(proc->tgid));
		s->id = id;
		setup_offsets(ch, SIPC_CHANNEL_CLIENT, s);
	} else {
		atomic_dec(&proc->nr_channels);
	}
	mutex_unlock(&ch->lock);
	channel_put(ch);
	return ret;
}

static int channel_accept(struct sipc_proc *proc,
			  struct sipc_channel_setup *s)
{
	struct sipc_channel *ch;
	int party, ret = 0;

	if (s->flags || s->pad)
		return -EINVAL;
	ch = table_get(proc, s->id, &party);
	if (!ch)
		return -ENOENT;
	mutex_lock(&ch->lock);
	/* Against a kill, which takes no lock: open it only if offered. */
	if (party != SIPC_CHANNEL_SERVER)
		ret = -EINVAL;
	else if (cmpxchg(&ch->hdr->state, SIPC_CHANNEL_OFFERED,
			 SIPC_CHANNEL_OPEN) == SIPC_CHANNEL_DEAD)
		ret = -EPIPE;
	if (!ret) {
		ch->accepted = true;
		setup_offsets(ch, SIPC_CHANNEL_SERVER, s);
	}
	mutex_unlock(&ch->lock);
	channel_put(ch);
	return ret;
}

/* Has the peer moved, been kicked or gone since the sleeper looked? */
static bool peer_moved(struct sipc_channel *ch, int party,
		       const struct sipc_channel_wait *w, int kicks)
{
	const struct sipc_channel_ctl *peer = ch->ctl[!party];

	return READ_ONCE(ch->hdr->state) == SIPC_CHANNEL_DEAD ||
	       READ_ONCE(peer->tail) != w->tail ||
	       READ_ONCE(peer->head) != w->head ||
	       atomic_read(&ch->kicks[party]) != kicks;
}

/* Wake the peer of @party: it looks at the rings again. */
static void kick(struct sipc_channel *ch, int party)
{
	atomic_inc(&ch->kicks[!party]);
	wake_up(&ch->wait[!party]);
}

static int channel_wait(struct sipc_proc *proc, struct sipc_channel_wait *w)
{
	struct sipc_channel *ch;
	long left, timeout;
	int party, kicks;

	if ((w->flags & ~SIPC_CHANNEL_WAIT_KICK) || w->pad)
		return -EINVAL;
	ch = table_get(proc, w->id, &party);
	if (!ch)
		return -ENOENT;
	if (w->flags & SIPC_CHANNEL_WAIT_KICK) {
		kick(ch, party);
		atomic_inc(&ch->wait_kicks);
	}
	timeout = w->timeout_ms ? msecs_to_jiffies(w->timeout_ms) :
		  MAX_SCHEDULE_TIMEOUT;
	kicks = atomic_read(&ch->kicks[party]);
	atomic64_inc(&ch->sleeps[party]);
	left = wait_event_interruptible_timeout(ch->wait[party],
						peer_moved(ch, party, w, kicks),
						timeout);
	if (READ_ONCE(ch->hdr->state) == SIPC_CHANNEL_DEAD)
		left = -EPIPE;
	else if (!left)
		left = -ETIMEDOUT;
	else if (left < 0)
		left = -EINTR;	/* the caller looks again; never restarted */
	channel_put(ch);
	return left < 0 ? left : 0;
}

static int channel_kick(struct sipc_proc *proc, u32 id)
{
	struct sipc_channel *ch;
	int party, ret = 0;

	ch = table_get(proc, id, &party);
	if (!ch)
		return -ENOENT;
	if (READ_ONCE(ch->hdr->state) == SIPC_CHANNEL_DEAD)
		ret = -EPIPE;
	else
		kick(ch, party);
	channel_put(ch);
	return ret;
}

static int channel_ioctl_setup(struct sipc_proc *proc, unsigned int cmd,
			       void __user *arg)
{
	struct sipc_channel_setup s;
	int ret;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (cmd == SIPC_IOC_CHANNEL_CREATE)
		ret = channel_create(proc, &s);
	else
		ret = channel_accept(proc, &s);
	if (ret)
		return ret;
	if (copy_to_user(arg, &s, sizeof(s))) {
		/* The id never reached user space: nobody could close it. */
		if (cmd == SIPC_IOC_CHANNEL_CREATE)
			table_close(proc, s.id);
		return -EFAULT;
	}
	return 0;
}

int sipc_ioctl_channel(struct sipc_proc *proc, unsigned int cmd,
		       void __user *arg)
{
	struct sipc_channel_wait w;
	u32 id;

	switch (cmd) {
	case SIPC_IOC_CHANNEL_CREATE:
	case SIPC_IOC_CHANNEL_ACCEPT:
		return channel_ioctl_setup(proc, cmd, arg);
	case SIPC_IOC_CHANNEL_WAIT:
		if (copy_from_user(&w, arg, sizeof(w)))
			return -EFAULT;
		return channel_wait(proc, &w);
	case SIPC_IOC_CHANNEL_CLOSE:
	case SIPC_IOC_CHANNEL_KICK:
		if (get_user(id, (u32 __user *)arg))
			return -EFAULT;
		if (cmd == SIPC_IOC_CHANNEL_KICK)
			return channel_kick(proc, id);
		return table_close(proc, id);
	}
	return -ENOTTY;
}

/* ---- mappings ---- */

/*
 * A copy of a channel's vma. Refused splits and moves, VM_DONTCOPY and
 * VM_IO (no MADV_DOFORK) make none; should one appear, it holds the pages
 * it maps as the original does, and ends the channel with its close.
 */
static void channel_vm_open(struct vm_area_struct *vma)
{
	struct sipc_channel *ch = vma->vm_private_data;

	if (ch)
		kref_get(&ch->kref);
}

/* A party unmapping its channel ends it. */
static void channel_vm_close(struct vm_area_struct *vma)
{
	struct sipc_channel *ch = vma->vm_private_data;

	if (!ch)
		return;
	channel_kill(ch);
	channel_put(ch);
}

static const struct vm_operations_struct channel_vm_ops = {
	.open = channel_vm_open,
	.close = channel_vm_close,
	.may_split = sipc_vm_may_split,
	.mremap = sipc_vm_mremap,
};

bool sipc_channel_is_mmap(struct vm_area_struct *vma)
{
	return vma->vm_pgoff >= SIPC_CHANNEL_MMAP_BASE >> PAGE_SHIFT;
}

/* Which pages a party's part is: see the layout in linux/sipc.h. */
static void part_range(struct sipc_channel *ch, int party, int part,
		       size_t *first, size_t *count)
{
	if (part == SIPC_PART_RW) {
		*first = part_start(ch, party);
		*count = ch->part_pages;
	} else if (party == SIPC_CHANNEL_CLIENT) {
		*first = ch->part_pages;	/* header, server part, guard */
		*count = ch->part_pages + 2;
	} else {
		*first = 0;			/* client part, header */
		*count = ch->part_pages + 1;
	}
}

static int channel_map_pages(struct vm_area_struct *vma,
			     struct sipc_channel *ch, int party, int part)
{
	size_t first, count, i;
	int ret;

	part_range(ch, party, part, &first, &count);
	if (vma->vm_end - vma->vm_start != count << PAGE_SHIFT)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		ret = remap_pfn_range(vma, vma->vm_start + (i << PAGE_SHIFT),
				      page_to_pfn(ch->pages[first + i]),
				      PAGE_SIZE, vma->vm_page_prot);
		if (ret)
			return ret;
	}
	return 0;
}

/* Check the vma's rights for @part and make them final. */
static int channel_vma_rights(struct vm_area_struct *vma, int part)
{
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (part == SIPC_PART_RO) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

int sipc_channel_mmap(struct sipc_proc *proc, struct vm_area_struct *vma)
{
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) - SIPC_CHANNEL_MMAP_BASE;
	int part = off & SIPC_CHANNEL_RO_BIT ? SIPC_PART_RO : SIPC_PART_RW;
	struct sipc_channel *ch;
	int party, ret;

	if (off & (SIPC_CHANNEL_RO_BIT - 1) ||
	    off >> SIPC_CHANNEL_ID_SHIFT > SIPC_CHANNEL_TABLE_MAX)
		return -EINVAL;
	ch = table_get(proc, off >> SIPC_CHANNEL_ID_SHIFT, &party);
	if (!ch)
		return -ENOENT;
	mutex_lock(&ch->lock);
	if (READ_ONCE(ch->hdr->state) == SIPC_CHANNEL_DEAD)
		ret = -EPIPE;
	else if (party == SIPC_CHANNEL_SERVER &&
		 READ_ONCE(ch->hdr->state) != SIPC_CHANNEL_OPEN)
		ret = -EINVAL;	/* accept it first */
	else if (ch->mapped[party][part])
		ret = -EBUSY;
	else
		ret = channel_vma_rights(vma, part);
	if (!ret)
		ret = channel_map_pages(vma, ch, party, part);
	if (!ret) {
		ch->mapped[party][part] = true;
		vma->vm_ops = &channel_vm_ops;
		vma->vm_private_data = ch;
		kref_get(&ch->kref);	/* the mapping's */
	}
	mutex_unlock(&ch->lock);
	channel_put(ch);
	return ret;
}

/* ---- /proc/sipc/channels ---- */

/*
 * One line per channel both of whose parties the reader may see. The
 * message and spin counts come from the parties' own control pages: what
 * they claim, shown as such.
 */
void sipc_channels_show(struct seq_file *m, struct sipc_device *dev,
			const struct sipc_reader *r)
{
	static const char * const states[] = { "?", "offered", "open", "dead" };
	struct sipc_channel *ch;
	u32 st;

	seq_puts(m, "client_pid server_pid state slots data_size requests replies spins_won spins_lost client_sleeps server_sleeps kicks wait_kicks\n");
	spin_lock(&dev->channels_lock);
	list_for_each_entry(ch, &dev->channels, dev_entry) {
		const struct sipc_channel_ctl *c = ch->ctl[SIPC_CHANNEL_CLIENT];
		const struct sipc_channel_ctl *s = ch->ctl[SIPC_CHANNEL_SERVER];
		struct pid *cp, *sp;

		/* Each read once, paired with the store that set it. */
		cp = smp_load_acquire(&ch->pid[SIPC_CHANNEL_CLIENT]);
		/* The server's may be set meanwhile: NULL, or whole. */
		sp = smp_load_acquire(&ch->pid[SIPC_CHANNEL_SERVER]);

		if (!sipc_reader_sees_row(r, cp, sp))
			continue;
		st = READ_ONCE(ch->hdr->state);
		seq_printf(m, "%d %d %s %u %llu %u %u %llu %llu %lld %lld %d %d\n",
			   cp ? sipc_reader_nr(r, cp) : 0,
			   sp ? sipc_reader_nr(r, sp) : 0,
			   states[st < ARRAY_SIZE(states) ? st : 0],
			   ch->slots, ch->data_size, READ_ONCE(c->tail),
			   READ_ONCE(s->tail),
			   READ_ONCE(c->spins_won) + READ_ONCE(s->spins_won),
			   READ_ONCE(c->spins_lost) + READ_ONCE(s->spins_lost),
			   atomic64_read(&ch->sleeps[SIPC_CHANNEL_CLIENT]),
			   atomic64_read(&ch->sleeps[SIPC_CHANNEL_SERVER]),
			   atomic_read(&ch->kicks[SIPC_CHANNEL_CLIENT]) +
			   atomic_read(&ch->kicks[SIPC_CHANNEL_SERVER]),
			   atomic_read(&ch->wait_kicks));
	}
	spin_unlock(&dev->channels_lock);
}
