// SPDX-License-Identifier: GPL-2.0
/*
 * The receive area: one read-only mapping per process, backed by pages the
 * driver also reaches through the kernel's own mapping, so a sender's
 * payload can be copied straight into it without the receiver's page
 * tables. Pages are allocated when a buffer first needs them, cached on a
 * global LRU once no buffer uses them, and handed back by a shrinker.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

#include "sipc_internal.h"

static LIST_HEAD(sipc_lru);
static DEFINE_SPINLOCK(sipc_lru_lock);
static unsigned long sipc_lru_count;

static struct sipc_page *area_page(struct sipc_area *area, size_t offset)
{
	return &area->pages[offset >> PAGE_SHIFT];
}

static vm_fault_t sipc_vm_fault(struct vm_fault *vmf)
{
	struct sipc_area *area = vmf->vma->vm_private_data;
	struct page *page = NULL;

	if (!area)
		return VM_FAULT_SIGBUS;
	mutex_lock(&area->lock);
	if (vmf->pgoff < (area->size >> PAGE_SHIFT))
		page = area->pages[vmf->pgoff].page;
	if (page)
		get_page(page);
	mutex_unlock(&area->lock);

	/* Only pages some buffer uses (or used) exist; the rest reads as a hole. */
	if (!page)
		return VM_FAULT_SIGBUS;
	vmf->page = page;
	return 0;
}

/*
 * Only the vma mmap() set up is the area. A copy (fork after MADV_DOFORK,
 * or the one a refused mremap() unmaps again) gets no pages, and its end
 * is not the end of the area.
 */
static void sipc_vm_open(struct vm_area_struct *vma)
{
	vma->vm_private_data = NULL;
}

static void sipc_vm_close(struct vm_area_struct *vma)
{
	struct sipc_area *area = vma->vm_private_data;

	if (!area)
		return;
	mutex_lock(&area->lock);
	area->mapped = false;
	mutex_unlock(&area->lock);
}

/* The area is all or nothing: no partial munmap/mprotect, no mremap. */
static int sipc_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int sipc_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct sipc_vm_ops = {
	.open = sipc_vm_open,
	.fault = sipc_vm_fault,
	.close = sipc_vm_close,
	.may_split = sipc_vm_may_split,
	.mremap = sipc_vm_mremap,
};

int sipc_area_mmap(struct sipc_proc *proc, struct vm_area_struct *vma)
{
	struct sipc_area *area = &proc->area;
	size_t size = vma->vm_end - vma->vm_start;
	struct sipc_buffer *whole;
	int ret = 0;

	if (vma->vm_pgoff)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	if (size < SIPC_AREA_MIN_SIZE || size > sipc_max_area_size)
		return -EINVAL;

	whole = kzalloc(sizeof(*whole), GFP_KERNEL);
	if (!whole)
		return -ENOMEM;

	mutex_lock(&area->lock);
	if (area->pages) {
		ret = -EBUSY;
		goto out;
	}
	area->pages = kvcalloc(size >> PAGE_SHIFT, sizeof(*area->pages),
			       GFP_KERNEL);
	if (!area->pages) {
		ret = -ENOMEM;
		goto out;
	}
	area->size = size;
	area->free_async = size / 2;
	area->user_start = vma->vm_start;
	area->mapped = true;
	area->mm = current->mm;
	mmgrab(area->mm);
	sipc_alloc_init(area, whole);
	whole = NULL;

	/* Read-only for good, not inherited across fork, never dumped. */
	vma->vm_flags |= VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_ops = &sipc_vm_ops;
	vma->vm_private_data = area;
out:
	mutex_unlock(&area->lock);
	kfree(whole);
	return ret;
}

/* Called with area->lock held: make [start, end) backed by pages. */
int sipc_area_populate(struct sipc_area *area, size_t start, size_t end)
{
	size_t off;

	for (off = round_down(start, PAGE_SIZE); off < end; off += PAGE_SIZE) {
		struct sipc_page *p = area_page(area, off);

		if (p->page) {
			/*
			 * Only the shrinker, holding this area's lock as we
			 * do, takes a page off the LRU: in use stays in use.
			 */
			if (list_empty(&p->lru))
				continue;
			spin_lock(&sipc_lru_lock);
			list_del_init(&p->lru);
			sipc_lru_count--;
			spin_unlock(&sipc_lru_lock);
			continue;
		}
		p->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!p->page)
			return -ENOMEM;
		p->area = area;
		INIT_LIST_HEAD(&p->lru);
		sipc_count(&area->proc->dev->stats, SIPC_CNT_PAGES_CREATED);
	}
	return 0;
}

/*
 * Called with area->lock held once [start, end) is free and [from, to)
 * inside it was just given back: the pages of [from, to) wholly inside the
 * free block are cached on the LRU, still mapped, for the shrinker. The
 * rest of the block was free before, so its pages are there already: the
 * cost follows the buffer's size, not the area's.
 */
void sipc_area_unpopulate(struct sipc_area *area, size_t start, size_t end,
			  size_t from, size_t to)
{
	size_t off;

	from = max(round_down(from, PAGE_SIZE), round_up(start, PAGE_SIZE));
	for (off = from; off < to && off + PAGE_SIZE <= end;
	     off += PAGE_SIZE) {
		struct sipc_page *p = area_page(area, off);

		if (!p->page)
			continue;
		spin_lock(&sipc_lru_lock);
		if (list_empty(&p->lru)) {
			list_add_tail(&p->lru, &sipc_lru);
			sipc_lru_count++;
		}
		spin_unlock(&sipc_lru_lock);
	}
}

static void area_free_page(struct sipc_page *p)
{
	put_page(p->page);
	p->page = NULL;
	sipc_count(&p->area->proc->dev->stats, SIPC_CNT_PAGES_FREED);
}

/* The last user of the file is gone: no mapping, no waiter remains. */
void sipc_area_release(struct sipc_area *area)
{
	size_t off;

	if (!area->pages)
		return;
	mutex_lock(&area->lock);
	for (off = 0; off < area->size; off += PAGE_SIZE) {
		struct sipc_page *p = area_page(area, off);

		if (!p->page)
			continue;
		spin_lock(&sipc_lru_lock);
		if (!list_empty(&p->lru)) {
			list_del_init(&p->lru);
			sipc_lru_count--;
		}
		spin_unlock(&sipc_lru_lock);
		area_free_page(p);
	}
	sipc_alloc_destroy(area);
	mutex_unlock(&area->lock);
	kvfree(area->pages);
	area->pages = NULL;
	mmdrop(area->mm);
}

/*
 * Take one cached page back. The mm's write lock keeps faults out while the
 * user's PTE is zapped, so no stale page can be mapped after we drop ours.
 * Returns false when the page must stay (locks busy).
 */
static bool area_reclaim_page(struct sipc_area *area, struct sipc_page *p)
{
	unsigned long addr = area->user_start +
			     (p - area->pages) * PAGE_SIZE;
	struct mm_struct *mm = area->mm;
	struct vm_area_struct *vma;

	if (!mmget_not_zero(mm)) {
		/* The process is exiting: its page tables go with it. */
		area_free_page(p);
		return true;
	}
	if (!mmap_write_trylock(mm)) {
		mmput_async(mm);
		return false;
	}
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_private_data == area && vma->vm_ops == &sipc_vm_ops)
		zap_page_range(vma, addr, PAGE_SIZE);
	area_free_page(p);
	mmap_write_unlock(mm);
	mmput_async(mm);
	return true;
}

static unsigned long sipc_shrink_count(struct shrinker *s,
				       struct shrink_control *sc)
{
	return READ_ONCE(sipc_lru_count) ?: SHRINK_EMPTY;
}

static unsigned long sipc_shrink_scan(struct shrinker *s,
				      struct shrink_control *sc)
{
	unsigned long freed = 0, scanned;

	for (scanned = 0; scanned < sc->nr_to_scan; scanned++) {
		struct sipc_page *p;
		struct sipc_area *area;

		spin_lock(&sipc_lru_lock);
		p = list_first_entry_or_null(&sipc_lru, struct sipc_page, lru);
		if (!p) {
			spin_unlock(&sipc_lru_lock);
			break;
		}
		area = p->area;
		/* Holding the area lock pins the area: release takes it first. */
		if (!mutex_trylock(&area->lock)) {
			list_move_tail(&p->lru, &sipc_lru);
			spin_unlock(&sipc_lru_lock);
			continue;
		}
		/*
		 * A proc whose last reference is gone is already in its
		 * release, waiting for this lock: leave the page to it. It
		 * cannot free the area before it gets the LRU lock we hold.
		 */
		if (!kref_get_unless_zero(&area->proc->kref)) {
			mutex_unlock(&area->lock);
			list_move_tail(&p->lru, &sipc_lru);
			spin_unlock(&sipc_lru_lock);
			continue;
		}
		list_del_init(&p->lru);
		sipc_lru_count--;
		spin_unlock(&sipc_lru_lock);

		if (area_reclaim_page(area, p)) {
			freed++;
		} else {
			spin_lock(&sipc_lru_lock);
			list_add_tail(&p->lru, &sipc_lru);
			sipc_lru_count++;
			spin_unlock(&sipc_lru_lock);
		}
		mutex_unlock(&area->lock);
		sipc_proc_put(area->proc);
	}
	return freed ?: SHRINK_STOP;
}

static struct shrinker sipc_shrinker = {
	.count_objects = sipc_shrink_count,
	.scan_objects = sipc_shrink_scan,
	.seeks = DEFAULT_SEEKS,
};

int sipc_area_lru_init(void)
{
	return register_shrinker(&sipc_shrinker, "sipc");
}

void sipc_area_lru_exit(void)
{
	unregister_shrinker(&sipc_shrinker);
}

/* Copy user data into a reserved buffer, page by page, no lock held. */
int sipc_buffer_copy_from_user(struct sipc_area *area,
			       struct sipc_buffer *buf, size_t off,
			       const void __user *from, size_t len)
{
	size_t pos = buf->offset + off;

	while (len) {
		size_t in_page = offset_in_page(pos);
		size_t n = min_t(size_t, len, PAGE_SIZE - in_page);
		void *kaddr = kmap_local_page(area_page(area, pos)->page);
		unsigned long left = copy_from_user(kaddr + in_page, from, n);

		kunmap_local(kaddr);
		if (left)
			return -EFAULT;
		pos += n;
		from += n;
		len -= n;
	}
	return 0;
}

/* Read or write a small kernel object at @off of a buffer (may span pages). */
void sipc_buffer_access(struct sipc_area *area, struct sipc_buffer *buf,
			size_t off, void *obj, size_t len, bool write)
{
	size_t pos = buf->offset + off;

	while (len) {
		size_t in_page = offset_in_page(pos);
		size_t n = min_t(size_t, len, PAGE_SIZE - in_page);
		void *kaddr = kmap_local_page(area_page(area, pos)->page);

		if (write)
			memcpy(kaddr + in_page, obj, n);
		else
			memcpy(obj, kaddr + in_page, n);
		kunmap_local(kaddr);
		pos += n;
		obj += n;
		len -= n;
	}
}

unsigned long sipc_buffer_user_addr(struct sipc_area *area,
				    struct sipc_buffer *buf, size_t off)
{
	return area->user_start + buf->offset + off;
}
