// SPDX-License-Identifier: GPL-2.0
/*
 * The receive area: one read-only mapping per process, backed by pages the
 * driver also reaches through the kernel's own mapping, so a sender's
 * payload can be copied straight into it without the receiver's page
 * tables. Pages are allocated when a buffer first needs them and stay,
 * mapped, when no buffer uses them any more ("cached"), so the next buffer
 * there costs nothing; a shrinker hands cached pages back under memory
 * pressure. Caching is a flag and a counter: the hot path takes no global
 * lock, and only the shrinker walks the areas.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sipc_internal.h"

static LIST_HEAD(sipc_areas);
static DEFINE_MUTEX(sipc_areas_lock);	/* the list; held while reclaiming */
static atomic_long_t sipc_cached_pages;

static struct sipc_page *area_page(struct sipc_area *area, size_t offset)
{
	return &area->pages[offset >> PAGE_SHIFT];
}

/*
 * A page is handed to the fault path locked, and only if it is still the
 * area's once locked. Reclaim takes a page out of the area only with the
 * page locked, after unmapping it, so the page table the core fills in
 * while the page is locked can never keep a page reclaim has taken away.
 * The core, not this handler, fills in the page table: a fork after
 * MADV_DOFORK then copies no entry (a VM_MIXEDMAP vma's would be copied).
 */
static vm_fault_t sipc_vm_fault(struct vm_fault *vmf)
{
	struct sipc_area *area = vmf->vma->vm_private_data;
	struct folio *folio;
	struct page *page = NULL;

	if (!area)
		return VM_FAULT_SIGBUS;
	mutex_lock(&area->lock);
	if (vmf->pgoff < (area->size >> PAGE_SHIFT))
		page = area->pages[vmf->pgoff].page;
	if (page)
		get_page(page);
	mutex_unlock(&area->lock);
	/* Only pages some buffer uses (or used) exist; the rest is a hole. */
	if (!page)
		return VM_FAULT_SIGBUS;

	folio = page_folio(page);
	folio_lock(folio);
	if (READ_ONCE(area->pages[vmf->pgoff].page) != page) {
		/* Reclaimed meanwhile: fault again, on what is there now. */
		folio_unlock(folio);
		put_page(page);
		return VM_FAULT_NOPAGE;
	}
	vmf->page = page;
	return VM_FAULT_LOCKED;
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

/* The area's one mapping goes with its opener: the context dies. */
static void sipc_vm_close(struct vm_area_struct *vma)
{
	struct sipc_area *area = vma->vm_private_data;

	if (!area)
		return;
	mutex_lock(&area->lock);
	WRITE_ONCE(area->mapped, false);	/* read unlocked by replies */
	mutex_unlock(&area->lock);
	sipc_proc_die(area->proc);
}

/* The area is all or nothing: no partial munmap/mprotect, no mremap. */
int sipc_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

int sipc_vm_mremap(struct vm_area_struct *vma)
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

/* Reclaim only unmaps through the mapping; it never reads or writes it. */
static const struct address_space_operations sipc_area_aops = {};

/*
 * The area gets an address_space of its own, made the file's: the one
 * vma of the area is then all unmap_mapping_range() reaches when reclaim
 * takes a page back, which every kernel exports (the zap_page_range()
 * family is exported by few). Its host stays the device's inode, which
 * the VFS reads settings of (readahead) through it.
 */
void sipc_area_init(struct sipc_area *area, struct sipc_proc *proc,
		    struct file *file)
{
	mutex_init(&area->lock);
	area->proc = proc;
	INIT_LIST_HEAD(&area->charges);
	address_space_init_once(&area->mapping);
	area->mapping.host = file_inode(file);
	area->mapping.a_ops = &sipc_area_aops;
	file->f_mapping = &area->mapping;
}

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

	whole = kzalloc(sizeof(*whole), GFP_KERNEL_ACCOUNT);
	if (!whole)
		return -ENOMEM;

	mutex_lock(&area->lock);
	if (area->pages) {
		ret = -EBUSY;
		goto out;
	}
	area->pages = kvcalloc(size >> PAGE_SHIFT, sizeof(*area->pages),
			       GFP_KERNEL_ACCOUNT);
	if (!area->pages) {
		ret = -ENOMEM;
		goto out;
	}
	area->size = size;
	area->free_async = size / 2;
	area->user_start = vma->vm_start;
	area->mapped = true;
	sipc_alloc_init(area, whole);
	whole = NULL;

	/* Read-only for good, not inherited across fork, never dumped. */
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYWRITE);
	vma->vm_ops = &sipc_vm_ops;
	vma->vm_private_data = area;
out:
	mutex_unlock(&area->lock);
	kfree(whole);
	if (!ret) {
		/* Visible to the shrinker; outside the area lock, see below. */
		mutex_lock(&sipc_areas_lock);
		list_add_tail(&area->entry, &sipc_areas);
		mutex_unlock(&sipc_areas_lock);
	}
	return ret;
}

/* Called with area->lock held: make [start, end) backed by pages. */
int sipc_area_populate(struct sipc_area *area, size_t start, size_t end)
{
	struct page *page;
	size_t off;

	lockdep_assert_held(&area->lock);
	for (off = round_down(start, PAGE_SIZE); off < end; off += PAGE_SIZE) {
		struct sipc_page *p = area_page(area, off);

		if (p->page) {
			if (p->cached) {
				p->cached = false;
				area->nr_cached--;
				atomic_long_dec(&sipc_cached_pages);
			}
			continue;
		}
		page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		WRITE_ONCE(p->page, page);	/* read by the fault path */
		sipc_count(&area->proc->dev->stats, SIPC_CNT_PAGES_CREATED);
	}
	return 0;
}

/*
 * Called with area->lock held once [start, end) is free and [from, to)
 * inside it was just given back: the pages of [from, to) wholly inside the
 * free block become cached, still mapped, for the shrinker. The rest of
 * the block was free before, so its pages are cached already: the cost
 * follows the buffer's size, not the area's.
 */
void sipc_area_unpopulate(struct sipc_area *area, size_t start, size_t end,
			  size_t from, size_t to)
{
	size_t off;

	lockdep_assert_held(&area->lock);
	from = max(round_down(from, PAGE_SIZE), round_up(start, PAGE_SIZE));
	for (off = from; off < to && off + PAGE_SIZE <= end;
	     off += PAGE_SIZE) {
		struct sipc_page *p = area_page(area, off);

		if (!p->page || p->cached)
			continue;
		p->cached = true;
		area->nr_cached++;
		atomic_long_inc(&sipc_cached_pages);
	}
}

static void area_free_page(struct sipc_area *area, struct sipc_page *p)
{
	if (p->cached) {
		p->cached = false;
		area->nr_cached--;
		atomic_long_dec(&sipc_cached_pages);
	}
	put_page(p->page);
	WRITE_ONCE(p->page, NULL);	/* read by the fault path, see there */
	sipc_count(&area->proc->dev->stats, SIPC_CNT_PAGES_FREED);
}

/* The last user of the file is gone: no mapping, no waiter remains. */
void sipc_area_release(struct sipc_area *area)
{
	size_t off;

	if (!area->pages)
		return;
	/* Out of the shrinker's sight first: it then cannot be reclaiming. */
	mutex_lock(&sipc_areas_lock);
	list_del(&area->entry);
	mutex_unlock(&sipc_areas_lock);
	mutex_lock(&area->lock);
	for (off = 0; off < area->size; off += PAGE_SIZE) {
		struct sipc_page *p = area_page(area, off);

		if (p->page)
			area_free_page(area, p);
	}
	sipc_alloc_destroy(area);
	mutex_unlock(&area->lock);
	kvfree(area->pages);
	area->pages = NULL;
}

/*
 * Hand up to @budget cached pages of @area back (area lock held): each is
 * locked, so that no fault is filling in a page table with it, unmapped,
 * and taken out of the area before it is unlocked. A page a fault holds
 * locked is left for next time: that fault may be allocating, in reclaim.
 */
static unsigned long area_reclaim(struct sipc_area *area,
				  unsigned long budget)
{
	unsigned long freed = 0;
	size_t i;

	lockdep_assert_held(&area->lock);
	for (i = 0; i < area->size >> PAGE_SHIFT && freed < budget; i++) {
		struct sipc_page *p = &area->pages[i];
		struct folio *folio;

		if (!p->cached)
			continue;
		folio = page_folio(p->page);
		if (!folio_trylock(folio))
			continue;
		folio_get(folio);
		unmap_mapping_range(&area->mapping, (loff_t)i << PAGE_SHIFT,
				    PAGE_SIZE, 1);
		area_free_page(area, p);
		folio_unlock(folio);
		folio_put(folio);
		freed++;
	}
	return freed;
}

static unsigned long sipc_shrink_count(struct shrinker *s,
				       struct shrink_control *sc)
{
	return atomic_long_read(&sipc_cached_pages) ?: SHRINK_EMPTY;
}

static unsigned long sipc_shrink_scan(struct shrinker *s,
				      struct shrink_control *sc)
{
	unsigned long freed = 0;
	struct sipc_area *area;

	/* Trylocks only: reclaim may run under any of these locks. */
	if (!mutex_trylock(&sipc_areas_lock))
		return SHRINK_STOP;
	list_for_each_entry(area, &sipc_areas, entry) {
		if (freed >= sc->nr_to_scan)
			break;
		if (!area->nr_cached || !mutex_trylock(&area->lock))
			continue;
		freed += area_reclaim(area, sc->nr_to_scan - freed);
		mutex_unlock(&area->lock);
	}
	mutex_unlock(&sipc_areas_lock);
	return freed ?: SHRINK_STOP;
}

static struct shrinker *sipc_shrinker;

int sipc_area_lru_init(void)
{
	sipc_shrinker = shrinker_alloc(0, "sipc");
	if (!sipc_shrinker)
		return -ENOMEM;
	sipc_shrinker->count_objects = sipc_shrink_count;
	sipc_shrinker->scan_objects = sipc_shrink_scan;
	shrinker_register(sipc_shrinker);
	return 0;
}

void sipc_area_lru_exit(void)
{
	shrinker_free(sipc_shrinker);
	sipc_shrinker = NULL;
}

/*
 * Copy user data into a reserved buffer, page by page, no lock held. The
 * whole source range is checked once; each chunk then lands in a page of
 * ours, which hardened usercopy's per-copy object checks are not for.
 */
int sipc_buffer_copy_from_user(struct sipc_area *area,
			       struct sipc_buffer *buf, size_t off,
			       const void __user *from, size_t len)
{
	size_t pos = buf->offset + off;

	if (!access_ok(from, len))
		return -EFAULT;
	while (len) {
		size_t in_page = offset_in_page(pos);
		size_t n = min_t(size_t, len, PAGE_SIZE - in_page);
		void *kaddr = kmap_local_page(area_page(area, pos)->page);
		unsigned long left = __copy_from_user(kaddr + in_page, from, n);

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

/* Zero @len bytes at @off of a buffer: a failed send leaves nothing. */
void sipc_buffer_clear(struct sipc_area *area, struct sipc_buffer *buf,
		       size_t off, size_t len)
{
	size_t pos = buf->offset + off;

	while (len) {
		size_t in_page = offset_in_page(pos);
		size_t n = min_t(size_t, len, PAGE_SIZE - in_page);
		void *kaddr = kmap_local_page(area_page(area, pos)->page);

		memset(kaddr + in_page, 0, n);
		kunmap_local(kaddr);
		pos += n;
		len -= n;
	}
}

unsigned long sipc_buffer_user_addr(struct sipc_area *area,
				    struct sipc_buffer *buf, size_t off)
{
	return area->user_start + buf->offset + off;
}
