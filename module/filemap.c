// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm page cache: index -> shadow page per object, the page lock,
 * swap entries in it, swap-in, truncation and deferred frees.
 *
 * The book's 2.4 page cache is one global hash table keyed by (mapping,
 * index); 6.12 gives each address_space an xarray. We follow 6.12: a
 * lookup touches one object's tree only, truncation walks the object's
 * pages in index order without scanning everyone's, and the xarray's
 * cmpxchg gives "exactly one page per index" to concurrent faults without
 * a lock of our own. See Documentation/fault.rst.
 */

/**
 * DOC: Lock ordering
 *
 * The one place shadowvm's lock order is written down; an indented lock
 * nests inside the one above it. The kernel's own locks are marked (k)::
 *
 *   mm->mmap_lock (k), or the per-VMA lock of a fault
 *     svm_file->lock                    (->get_unmapped_area, ->mmap)
 *     svm_object->lock                  (faults read; mmap sizing writes)
 *       page lock (SVM_PG_locked)
 *
 *   inode->i_rwsem (k) of an object     (write(), SHADOWVM_IOC_SET_SIZE)
 *     svm_object->lock                  (exclusive: resize, DROP_CLEAN)
 *       mapping->i_mmap_rwsem (k)       (unmap_mapping_range())
 *         page table locks (k)
 *       page lock
 *         mapping->i_mmap_rwsem (k)     (reclaim unmaps a locked page)
 *           page table locks (k)
 *         svm_address_space.i_pages xa_lock
 *         swap cache xa_lock            (svm_swap_info.cache)
 *         svm_swap_info.lock            (swap_map, slot allocation, the
 *                                        shadows of evicted pages)
 *         svm_lruvec.lru_lock
 *           svm_address_space.i_mmap_lock   (locked VMAs)
 *         svm_address_space.i_mmap_lock     (reclaim's reference walk)
 *           mm->mmap_lock (k), read         (only try-locked: never waits)
 *             page table locks (k)
 *
 *   mm->mmap_lock (k), a VMA lock, or an object's inode->i_rwsem (k)
 *     svm_oom.lock                      (svm_out_of_memory(): no other
 *                                        lock of ours held)
 *       svm_oom.files_lock              (also open() and release())
 *         svm_file->lock
 *         svm_address_space.i_mmap_lock (the VMAs mapping an object)
 *         task->alloc_lock (k)          (task_lock(): an opener's mm)
 *
 *   svm_instance.swapon_mutex           (swapon, swapoff)
 *     svm_filemap.swaplist_mutex        (swapoff's walk of every page
 *                                        cache; an address space's
 *                                        creation and destruction)
 *       page lock                       (swapoff reads pages back, and
 *                                        allocates, holding both mutexes:
 *                                        reclaim takes neither)
 *     svm_swap_info.lock
 *
 *   svm_highmem.bounce_mutex            (bounce pool creation and fill)
 *     svm_slab_state.chain_mutex        (cache chain; reaping)
 *       cpu_hotplug_lock (k), read      (draining the per-CPU array caches;
 *                                        other CPUs' by work items, which
 *                                        reclaim does not wait for)
 *         svm_kmem_cache.lock           (one cache at a time; innermost
 *                                        of the slab: no allocation under it)
 *       svm_per_cpu_pages.lock          (slabs are freed with no cache lock)
 *         svm_zone.lock
 *
 * Leaves, under which nothing else of ours is taken: svm_highmem.lock
 * (pkmap), svm_vmalloc.lock (vmlist), svm_mempool.lock,
 * svm_filemap.deferred_lock, svm_objects.node_size_lock. The swap cache xa_lock
 * and svm_swap_info.lock are never held together.
 *
 * Every lock here is taken in task context only; the allocators assert
 * it (svm_assert_task_context()). Swap bio completions, which may run in
 * any context, take none of them: they unlock the page, queue work and
 * drop the swap area's reference (see Documentation/swap.rst).
 *
 * The rule that keeps reclaim from deadlocking on its caller: reclaim
 * (direct, from any allocation that may sleep, or kswapd) takes page
 * locks, lru_lock, i_mmap_rwsem of any object, the chain_mutex,
 * cpu_hotplug_lock and the cache locks; so none of those, nor the pcp,
 * zone or mempool locks, is held across an allocation that may enter
 * reclaim. Reclaim never takes svm_object->lock or an inode's
 * i_rwsem: a fault may allocate while holding them. Reclaim itself runs
 * with PF_MEMALLOC, so the allocations it makes (swap bios, bounce
 * pages) never recurse into it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/selfcheck.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>
#include <trace/events/shadowvm.h>

/* How often pages whose real page is still held are looked at again. */
#define SVM_DEFERRED_RETRY	(HZ / 20)

static void svm_deferred_work(struct work_struct *work)
{
	struct svm_filemap *fm = container_of(to_delayed_work(work),
					      struct svm_filemap,
					      deferred_work);

	svm_release_deferred_pages(fm->svm);
}

/**
 * svm_filemap_init() - set up an instance's page-cache state
 * @svm: the instance
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int svm_filemap_init(struct svm_instance *svm)
{
	struct svm_filemap *fm = kzalloc(sizeof(*fm), GFP_KERNEL);

	if (!fm)
		return -ENOMEM;
	fm->svm = svm;
	spin_lock_init(&fm->deferred_lock);
	INIT_LIST_HEAD(&fm->deferred);
	INIT_DELAYED_WORK(&fm->deferred_work, svm_deferred_work);
	mutex_init(&fm->swaplist_mutex);
	INIT_LIST_HEAD(&fm->swaplist);
	svm->filemap = fm;
	return 0;
}

/*
 * At teardown nothing of ours maps a page any more (every mapping held
 * the module), so a real page still held now is held by the kernel for
 * its own reasons: a pipe that vmsplice() filled, a long-term pin. Wait a
 * little for transient holders (an mmu_gather in flight), then give the
 * shadow pages back regardless: releasing the chunks only drops
 * shadowvm's own reference on each real page, so the holder keeps a valid
 * page and nothing else of ours can ever be handed it.
 */
static void svm_filemap_drain_deferred(struct svm_instance *svm)
{
	struct svm_filemap *fm = svm->filemap;
	struct svm_page *page, *next;
	unsigned long left, tries;
	LIST_HEAD(list);

	for (tries = 0; tries < 20; tries++) {
		cancel_delayed_work_sync(&fm->deferred_work);
		if (!svm_release_deferred_pages(svm) &&
		    !svm_nr_deferred_pages(svm))
			break;
		msleep(20);
	}
	cancel_delayed_work_sync(&fm->deferred_work);
	spin_lock(&fm->deferred_lock);
	list_splice_init(&fm->deferred, &list);
	left = fm->nr_deferred;
	fm->nr_deferred = 0;
	spin_unlock(&fm->deferred_lock);
	if (!left)
		return;
	pr_warn("%s: %lu pages still held by the kernel at exit; their real pages stay with it\n",
		svm->name, left);
	svm_count_vm_events(svm, SVM_PGCACHE_LEAK, left);
	list_for_each_entry_safe(page, next, &list, lru) {
		list_del_init(&page->lru);
		svm_free_page(svm, page);
	}
}

/**
 * svm_filemap_exit() - free an instance's page-cache state
 * @svm: the instance; every address space must have been destroyed
 *
 * Context: process context; may sleep (waits for deferred frees).
 */
void svm_filemap_exit(struct svm_instance *svm)
{
	struct svm_filemap *fm = svm->filemap;

	if (!fm)
		return;
	svm_filemap_drain_deferred(svm);
	if (atomic_long_read(&fm->nr_file_pages))
		pr_err("%s: %ld page-cache pages left at exit\n", svm->name,
		       atomic_long_read(&fm->nr_file_pages));
	kfree(fm);
	svm->filemap = NULL;
}

/*
 * An address space gained (@n > 0) or lost (@n < 0) pages: its count,
 * the instance's nr_file_pages and the pgcache_add or pgcache_delete
 * event move together, as in the kernel's __filemap_add_folio() and
 * page_cache_delete(). Callers trace each page themselves.
 */
static void svm_account_cache_pages(struct svm_address_space *as, long n)
{
	struct svm_instance *svm = as->svm;

	atomic_long_add(n, &as->nrpages);
	atomic_long_add(n, &svm->filemap->nr_file_pages);
	if (n > 0)
		svm_count_vm_events(svm, SVM_PGCACHE_ADD, n);
	else
		svm_count_vm_events(svm, SVM_PGCACHE_DELETE, -n);
}

/**
 * svm_address_space_init() - set up an empty page cache
 * @as: the address space
 * @svm: the instance its pages come from
 * @id: number that names it in tracepoints
 */
void svm_address_space_init(struct svm_address_space *as,
			    struct svm_instance *svm, unsigned long id)
{
	as->svm = svm;
	xa_init(&as->i_pages);
	atomic_long_set(&as->nrpages, 0);
	atomic_long_set(&as->nrdirty, 0);
	atomic_long_set(&as->nrswapped, 0);
	as->id = id;
	as->host = NULL;
	spin_lock_init(&as->i_mmap_lock);
	INIT_LIST_HEAD(&as->i_mmap);
	atomic_set(&as->nr_locked, 0);
	svm_swap_mapping_add(as);
}
EXPORT_SYMBOL_IF_KUNIT(svm_address_space_init);

/**
 * svm_address_space_destroy() - give every page of a page cache back
 * @as: the address space; nothing may map its pages any more
 *
 * Context: process context.
 */
void svm_address_space_destroy(struct svm_address_space *as)
{
	/* First: swapoff must not bring pages back into it any more. */
	svm_swap_mapping_del(as);
	svm_truncate_pages(as, 0);
	xa_destroy(&as->i_pages);
}
EXPORT_SYMBOL_IF_KUNIT(svm_address_space_destroy);

/**
 * svm_lock_page() - take a page's PG_locked, sleeping while another has it
 * @page: the page
 *
 * As 2.6's lock_page(): the lock is a page flag, the sleepers wait on a
 * hashed wait queue (wait_var_event() on the flags word).
 *
 * Context: process context; may sleep.
 */
void svm_lock_page(struct svm_page *page)
{
	might_sleep();
	while (svm_page_test_set_locked(page))
		wait_var_event(&page->flags, !svm_page_test_locked(page));
}
EXPORT_SYMBOL_IF_KUNIT(svm_lock_page);

/**
 * svm_trylock_page() - take PG_locked if nobody has it
 * @page: the page
 *
 * Return: true when the caller now holds the lock.
 */
bool svm_trylock_page(struct svm_page *page)
{
	return !svm_page_test_set_locked(page);
}
EXPORT_SYMBOL_IF_KUNIT(svm_trylock_page);

/**
 * svm_unlock_page() - drop PG_locked and wake the waiters
 * @page: a page the caller locked
 */
void svm_unlock_page(struct svm_page *page)
{
	/* What the holder wrote is visible before the lock looks free... */
	smp_mb__before_atomic();
	svm_page_clear_locked(page);
	/* ...and the clear before wake_up_var() looks for sleepers. */
	smp_mb__after_atomic();
	wake_up_var(&page->flags);
}
EXPORT_SYMBOL_IF_KUNIT(svm_unlock_page);

/**
 * svm_wait_on_page_locked() - sleep until a page is unlocked
 * @page: the page
 *
 * Context: process context; may sleep.
 */
void svm_wait_on_page_locked(struct svm_page *page)
{
	might_sleep();
	wait_var_event(&page->flags, !svm_page_test_locked(page));
}
EXPORT_SYMBOL_IF_KUNIT(svm_wait_on_page_locked);

/*
 * Take a reference on the page at @xas's index, without the tree's lock:
 * the caller is in an RCU read-side section, which keeps the xarray nodes
 * readable (our mem_map never goes away). A page whose count already
 * dropped to 0 is being freed; a page that left the index between the
 * load and the reference (reclaim, truncation) is put back: the
 * reference was never the last, since whoever removed the page still
 * held one when we took ours. NULL when the index has no page (empty, or
 * a swap entry).
 */
static struct svm_page *svm_xas_get_page(struct xa_state *xas,
					 struct svm_instance *svm)
{
	struct svm_page *page;

repeat:
	xas_reset(xas);
	page = xas_load(xas);
	if (xas_retry(xas, page))
		goto repeat;
	if (!page || xa_is_value(page))
		return NULL;
	if (!atomic_inc_not_zero(&page->_refcount))
		goto repeat;
	if (unlikely(page != xas_reload(xas))) {
		svm_put_page(svm, page);
		goto repeat;
	}
	return page;
}

/**
 * svm_find_get_page() - look a page up in a page cache
 * @as: the address space
 * @index: page index
 *
 * Lockless, as 2.6.27's find_get_page(): an RCU walk of the tree and a
 * reference taken only while the page's count is not zero, rechecked
 * against the tree. Waits while the page is locked (being filled), so the
 * caller sees only complete pages. A page that is swapped out is not
 * found.
 *
 * Context: process context; may sleep.
 * Return: the page with a reference for the caller (drop it with
 * svm_put_page()), or NULL.
 */
struct svm_page *svm_find_get_page(struct svm_address_space *as, u32 index)
{
	XA_STATE(xas, &as->i_pages, index);
	struct svm_page *page;

	rcu_read_lock();
	page = svm_xas_get_page(&xas, as->svm);
	rcu_read_unlock();
	if (page && svm_page_test_locked(page))
		svm_wait_on_page_locked(page);
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(svm_find_get_page);

/**
 * svm_find_get_pages() - look up the pages of a range, without waiting
 * @as: the address space
 * @start: first page index
 * @nr: number of indexes, at least 1; @start + @nr - 1 must be a valid index
 * @pages: @nr slots; slot i receives the page at @start + i with a
 *         reference for the caller, or NULL
 *
 * One RCU walk of the tree for the whole range, as filemap_map_pages()
 * does for fault-around. Pages that are locked or not uptodate (being
 * filled, or under I/O) and swap entries are left out: the caller maps
 * what is ready and never sleeps for a neighbour.
 *
 * Context: task context: a page that left the tree meanwhile is put
 * back, which may free it (svm_put_page()). Does not sleep.
 * Return: the number of pages found.
 */
unsigned int svm_find_get_pages(struct svm_address_space *as, u32 start,
				unsigned int nr, struct svm_page **pages)
{
	XA_STATE(xas, &as->i_pages, start);
	unsigned long last = (unsigned long)start + nr - 1;
	struct svm_page *page;
	unsigned int found = 0;

	memset(pages, 0, nr * sizeof(*pages));
	rcu_read_lock();
	xas_for_each(&xas, page, last) {
		if (xas_retry(&xas, page) || xa_is_value(page))
			continue;
		if (svm_page_test_locked(page) || !svm_page_test_uptodate(page) ||
		    !atomic_inc_not_zero(&page->_refcount))
			continue;
		if (unlikely(page != xas_reload(&xas) ||
			     svm_page_test_locked(page))) {
			svm_put_page(as->svm, page);
			continue;
		}
		pages[xas.xa_index - start] = page;
		found++;
	}
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(svm_find_get_pages);

/* What @index holds, a page, a swap entry or NULL; a hint (no reference). */
static void *svm_page_cache_peek(struct svm_address_space *as, u32 index)
{
	void *entry;

	rcu_read_lock();
	entry = xa_load(&as->i_pages, index);
	rcu_read_unlock();
	return entry;
}

/**
 * svm_page_cache_contains() - is there a page in memory at @index?
 * @as: the address space
 * @index: page index
 *
 * A hint only (no reference is taken): the page may go right after.
 *
 * Return: true when @index had a page (not a swap entry).
 */
bool svm_page_cache_contains(struct svm_address_space *as, u32 index)
{
	void *entry = svm_page_cache_peek(as, index);

	return entry && !xa_is_value(entry);
}
EXPORT_SYMBOL_IF_KUNIT(svm_page_cache_contains);

/**
 * svm_add_to_page_cache() - insert a page at @index of a page cache
 * @as: the address space
 * @page: an allocated order-0 page, locked by the caller, in no page cache
 * @index: page index
 *
 * The cache takes a reference of its own and puts the page on its node's
 * inactive list; the caller keeps its reference. The insertion
 * is a cmpxchg from empty, so of several racing callers exactly one wins.
 *
 * Context: process context; may sleep (xarray node allocation).
 * Return: 0; -EEXIST when @index already has a page (@page is left as it
 * was); -ENOMEM.
 */
int svm_add_to_page_cache(struct svm_address_space *as, struct svm_page *page,
			  u32 index)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *old;
	int err = 0;

	page->mapping = as;
	page->index = index;
	svm_get_page(page);
	old = xa_cmpxchg(&as->i_pages, index, NULL, page, GFP_KERNEL);
	if (xa_is_err(old))
		err = xa_err(old);
	else if (old)
		err = -EEXIST;
	if (err) {
		page->mapping = NULL;
		page->index = 0;
		atomic_dec(&page->_refcount);
		return err;
	}
	/* Under the page lock: truncation cannot have taken it out yet. */
	svm_lru_cache_add(svm, page);
	svm_account_cache_pages(as, 1);
	trace_svm_page_cache_add(svm->id, as->id, index,
				 svm_page_to_pfn(svm, page));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_add_to_page_cache);

/*
 * Bring the page of swap entry @entry back into @as at @index (2.6's
 * shmem_getpage() on a swap entry): from the swap cache, or read from the
 * device with its neighbours. The page keeps its slot and stays in the
 * swap cache, so that it can be freed again without I/O while clean.
 * Returns the page with a reference, NULL to retry the lookup, or an
 * ERR_PTR().
 */
static struct svm_page *svm_swapin_page(struct svm_address_space *as,
					u32 index, void *entry, bool *major)
{
	struct svm_instance *svm = as->svm;
	struct svm_swp_entry swp = { xa_to_value(entry) };
	struct svm_page *page;
	bool claimed = false;

	if (!svm_swap_active(svm))
		page = ERR_PTR(-EIO);
	else
		page = svm_swapin_readahead(svm, swp, major) ?: ERR_PTR(-ENOMEM);
	/* A swapoff may have brought it back (and freed the slot): look again. */
	if (IS_ERR(page))
		return xa_load(&as->i_pages, index) == entry ? page : NULL;
	svm_lock_page(page);
	/* Freed and reused meanwhile: look again. */
	if (!svm_page_test_swapcache(page) || page->private != swp.val ||
	    page->mapping) {
		svm_unlock_page(page);
		svm_put_page(svm, page);
		return NULL;
	}
	if (!svm_page_test_uptodate(page)) {
		/* The read failed: drop the page so that the next try reads. */
		if (svm_delete_from_swap_cache(svm, page, 2))
			svm_lru_del(svm, page);
		svm_unlock_page(page);
		svm_put_page(svm, page);
		return ERR_PTR(-EIO);
	}
	xa_lock(&as->i_pages);
	if (xa_load(&as->i_pages, index) == entry) {
		__xa_store(&as->i_pages, index, page, 0);
		page->mapping = as;
		page->index = index;
		svm_get_page(page);
		claimed = true;
	}
	xa_unlock(&as->i_pages);
	if (claimed) {
		/* The object's use of the slot moves from the entry to the page. */
		atomic_long_dec(&as->nrswapped);
		svm_account_cache_pages(as, 1);
		trace_svm_page_cache_add(svm->id, as->id, index,
					 svm_page_to_pfn(svm, page));
		if (svm_page_test_clear_readahead(page)) {
			atomic_long_inc(&svm->swap->ra_hits);
			atomic_inc(&svm->swap->ra_recent);
		}
		svm_mark_page_accessed(svm, page);
	}
	svm_unlock_page(page);
	if (!claimed) {
		svm_put_page(svm, page);
		return NULL;
	}
	return page;
}

/**
 * svm_read_cache_page() - the page at @index, read back from swap if it
 * was swapped out; a hole stays a hole
 * @as: the address space
 * @index: page index
 *
 * For readers that must see the data but must not allocate for holes
 * (read(), zeroing the tail of an object).
 *
 * Context: process context; may sleep.
 * Return: the page with a reference for the caller, NULL for a hole, or
 * an ERR_PTR() when the page cannot be read back.
 */
struct svm_page *svm_read_cache_page(struct svm_address_space *as, u32 index)
{
	struct svm_page *page;
	bool major;
	void *entry;

	for (;;) {
		page = svm_find_get_page(as, index);
		if (page) {
			svm_mark_page_accessed(as->svm, page);
			return page;
		}
		entry = xa_load(&as->i_pages, index);
		if (!xa_is_value(entry))
			return NULL;
		page = svm_swapin_page(as, index, entry, &major);
		if (page)
			return page;
	}
}
EXPORT_SYMBOL_IF_KUNIT(svm_read_cache_page);

/**
 * svm_find_or_create_page() - the page at @index, allocated if missing
 * @as: the address space
 * @index: page index
 * @created: set when this call had to make the page: allocate it
 *           (demand allocation) or start reading it from swap
 *
 * A new page comes from the HIGHUSER zonelist, zeroed (through
 * svm_kmap_atomic() for HIGHMEM pages) before anyone can see it. When
 * another caller inserts a page first, ours is freed and theirs returned.
 * A swapped-out page is read back (with read-ahead); one still in the
 * swap cache needs no I/O and does not count as created.
 *
 * Context: process context; may sleep.
 * Return: the page with a reference for the caller, ERR_PTR(-ENOMEM)
 * when shadow memory is exhausted, ERR_PTR(-EIO) when the page's swap
 * slot cannot be read.
 */
struct svm_page *svm_find_or_create_page(struct svm_address_space *as,
					 u32 index, bool *created)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	void *entry;
	int err;

	*created = false;
	for (;;) {
		page = svm_find_get_page(as, index);
		if (page) {
			svm_mark_page_accessed(svm, page);
			return page;
		}
		entry = xa_load(&as->i_pages, index);
		if (xa_is_value(entry)) {
			page = svm_swapin_page(as, index, entry, created);
			if (page)
				return page;
			continue;
		}
		page = svm_alloc_page(svm, SVM_GFP_HIGHUSER_MOVABLE |
					   SVM_GFP_ZERO | SVM_GFP_NOWARN);
		if (!page)
			return ERR_PTR(-ENOMEM);
		svm_page_set_locked(page);
		err = svm_add_to_page_cache(as, page, index);
		if (!err)
			break;
		svm_page_clear_locked(page);
		svm_free_page(svm, page);
		if (err != -EEXIST)
			return ERR_PTR(err);
	}
	svm_page_set_uptodate(page);
	svm_unlock_page(page);
	*created = true;
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(svm_find_or_create_page);

/*
 * Zero a new page through svm_kmap(), not svm_kmap_atomic() as
 * SVM_GFP_ZERO does: an atomic map ends with an invlpg per page, while the
 * pkmap window flushes once per LAST_PKMAP maps. Documentation/fault.rst
 * has the figures. A lowmem page is cleared through its own address.
 */
static void svm_clear_new_page(struct svm_instance *svm,
			       struct svm_page *page)
{
	clear_page(svm_kmap(svm, page));
	svm_kunmap(svm, page);
}

/* Undo the preparation of a new page svm_create_pages() could not insert. */
static void svm_unprepare_page(struct svm_instance *svm, struct svm_page *page)
{
	svm_page_clear_uptodate(page);
	page->mapping = NULL;
	page->index = 0;
	atomic_dec(&page->_refcount);
	svm_free_page(svm, page);
}

/**
 * svm_create_pages() - fill the holes of a range with zeroed pages
 * @as: the address space
 * @start: index of slot 0
 * @nr: number of slots, at most BITS_PER_LONG
 * @pages: @nr slots; each NULL slot whose index has no page yet receives
 *         a new zeroed page-cache page with a reference for the caller
 *
 * Allocation ahead of a fault (Documentation/fault.rst): the pages are
 * clean and zero, so reclaim drops them again without I/O. Best effort:
 * nothing is allocated unless a zone has @nr pages to spare above its
 * high watermark (svm_zonelist_has_room()), the first failed allocation
 * ends it, and the allocation neither retries nor reclaims (a caller
 * that needs one page must fall back to svm_find_or_create_page()).
 * Indexes holding a swap entry are left alone.
 *
 * Batched: the pages are allocated and zeroed first, then go into the
 * tree under one xa_lock. They are complete (zeroed, uptodate) before the
 * tree publishes them, so they are inserted unlocked; then they go onto
 * the LRU. An index another caller filled meanwhile keeps its page, and
 * its slot goes back to NULL. The caller keeps truncation out (the
 * object's lock), so no page can leave the tree before it is on the LRU.
 *
 * Context: process context; may sleep.
 * Return: the number of pages created.
 */
unsigned int svm_create_pages(struct svm_address_space *as, u32 start,
			      unsigned int nr, struct svm_page **pages)
{
	struct svm_instance *svm = as->svm;
	XA_STATE(xas, &as->i_pages, start);
	unsigned long new = 0, todo, added = 0;
	struct svm_page *page;
	unsigned int i, n;

	nr = min_t(unsigned int, nr, BITS_PER_LONG);
	/* Speculative: never at the price of reclaiming somebody's page. */
	if (!svm_zonelist_has_room(svm, SVM_GFP_HIGHUSER_MOVABLE, nr))
		return 0;
	for (i = 0; i < nr; i++) {
		/* Taken, or swapped out: that page comes back from swap. */
		if (pages[i] || svm_page_cache_peek(as, start + i))
			continue;
		page = svm_alloc_page(svm, SVM_GFP_HIGHUSER_MOVABLE |
					   SVM_GFP_NOWARN | SVM_GFP_NORETRY);
		if (!page)
			break;
		svm_clear_new_page(svm, page);
		page->mapping = as;
		page->index = start + i;
		svm_page_set_uptodate(page);
		svm_get_page(page);	/* the cache's reference */
		pages[i] = page;
		__set_bit(i, &new);
	}
	if (!new)
		return 0;

	todo = new;
	do {
		xas_lock(&xas);
		for_each_set_bit(i, &todo, nr) {
			xas_set(&xas, start + i);
			if (xas_load(&xas)) {
				__clear_bit(i, &todo);	/* lost the race */
				continue;
			}
			xas_store(&xas, pages[i]);
			if (xas_error(&xas))
				break;
			__clear_bit(i, &todo);
			__set_bit(i, &added);
		}
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL));

	n = 0;
	for_each_set_bit(i, &new, nr) {
		page = pages[i];
		if (!test_bit(i, &added)) {
			pages[i] = NULL;
			svm_unprepare_page(svm, page);
			continue;
		}
		svm_lru_cache_add(svm, page);
		trace_svm_page_cache_add(svm->id, as->id, start + i,
					 svm_page_to_pfn(svm, page));
		n++;
	}
	if (n)
		svm_account_cache_pages(as, n);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_create_pages);

/* Nobody but shadowvm holds @page's real page: it may be reused. */
static bool svm_real_page_released(struct svm_instance *svm,
				   struct svm_page *page)
{
	struct page *real = svm_page_to_real(svm, page);

	return page_ref_count(real) == 1 && !page_mapped(real);
}

/**
 * svm_put_page() - drop a reference to a page-cache page
 * @svm: the instance
 * @page: an order-0 page
 *
 * The last reference frees the page, unless the real kernel still holds
 * its real page: a process that unmapped it whose mmu_gather has not
 * finished yet (it drops its page references only after the TLB flush),
 * or a pin (vmsplice(), O_DIRECT). Giving the page to the buddy allocator
 * then would let another object's user see what the holder still reads
 * or writes, so it goes on the instance's deferred list instead, keeping
 * its last reference, and is freed once the real page is released
 * (svm_release_deferred_pages()).
 *
 * Context: task context, as svm_free_pages(); takes the deferred list's
 * lock on the deferring path only.
 */
void svm_put_page(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_filemap *fm = svm->filemap;
	/*
	 * Only the holder of the last reference sees 1: every other holder
	 * keeps the count above 1 until it drops its own reference.
	 */
	if (svm_page_count(page) != 1 || svm_real_page_released(svm, page)) {
		svm_free_page(svm, page);
		return;
	}
	spin_lock(&fm->deferred_lock);
	list_add_tail(&page->lru, &fm->deferred);
	fm->nr_deferred++;
	spin_unlock(&fm->deferred_lock);
	svm_count_vm_event(svm, SVM_PGCACHE_DEFERRED);
	trace_svm_page_deferred(svm->id, svm_page_to_pfn(svm, page),
				page_ref_count(svm_page_to_real(svm, page)));
	mod_delayed_work(system_wq, &fm->deferred_work, SVM_DEFERRED_RETRY);
}
EXPORT_SYMBOL_IF_KUNIT(svm_put_page);

/**
 * svm_release_deferred_pages() - free the deferred pages the kernel let go
 * @svm: the instance
 *
 * Run by a work item every SVM_DEFERRED_RETRY while the list is not
 * empty, and by reclaim, which wants the pages now.
 *
 * Context: process context.
 * Return: the number of pages freed.
 */
unsigned long svm_release_deferred_pages(struct svm_instance *svm)
{
	struct svm_filemap *fm = svm->filemap;
	struct svm_page *page, *next;
	unsigned long n = 0, left;
	LIST_HEAD(list);
	LIST_HEAD(keep);

	if (!READ_ONCE(fm->nr_deferred))
		return 0;
	spin_lock(&fm->deferred_lock);
	list_splice_init(&fm->deferred, &list);
	spin_unlock(&fm->deferred_lock);
	list_for_each_entry_safe(page, next, &list, lru) {
		if (!svm_real_page_released(svm, page)) {
			list_move_tail(&page->lru, &keep);
			continue;
		}
		list_del_init(&page->lru);
		svm_free_page(svm, page);
		n++;
	}
	spin_lock(&fm->deferred_lock);
	list_splice_tail(&keep, &fm->deferred);
	fm->nr_deferred -= n;
	left = fm->nr_deferred;
	spin_unlock(&fm->deferred_lock);
	if (n)
		svm_count_vm_events(svm, SVM_PGCACHE_DEFERRED_FREE, n);
	if (left)
		mod_delayed_work(system_wq, &fm->deferred_work,
				 SVM_DEFERRED_RETRY);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_release_deferred_pages);

/**
 * svm_nr_deferred_pages() - pages waiting for the kernel to let go
 * @svm: the instance
 *
 * Return: the number of pages on the deferred list.
 */
unsigned long svm_nr_deferred_pages(struct svm_instance *svm)
{
	return READ_ONCE(svm->filemap->nr_deferred);
}
EXPORT_SYMBOL_IF_KUNIT(svm_nr_deferred_pages);

/**
 * svm_mark_page_dirty() - mark a page-cache page dirty
 * @as: its address space
 * @page: the page
 *
 * Return: true when the page was clean before.
 */
bool svm_mark_page_dirty(struct svm_address_space *as, struct svm_page *page)
{
	if (svm_page_test_set_dirty(page))
		return false;
	atomic_long_inc(&as->nrdirty);
	atomic_long_inc(&as->svm->filemap->nr_dirty);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(svm_mark_page_dirty);

/**
 * svm_clear_page_dirty_for_io() - clear a page's dirty bit before writing it
 * @as: the address space it is in
 * @page: the page, locked by the caller
 *
 * Return: true when the page was dirty.
 */
bool svm_clear_page_dirty_for_io(struct svm_address_space *as,
				 struct svm_page *page)
{
	if (!svm_page_test_clear_dirty(page))
		return false;
	atomic_long_dec(&as->nrdirty);
	atomic_long_dec(&as->svm->filemap->nr_dirty);
	return true;
}

/**
 * svm_page_harvest_dirty() - take over the dirty bit the page tables left
 * @svm: the instance
 * @page: a page-cache page nobody maps any more
 *
 * Unmapping a page moves the dirty bit of each of its PTEs to the real
 * page (2.4's try_to_swap_out() did set_page_dirty() there): fold it into
 * the shadow page so that reclaim writes the page before freeing it.
 *
 * Return: true when the real page was dirty.
 */
bool svm_page_harvest_dirty(struct svm_instance *svm, struct svm_page *page)
{
	struct page *real = svm_page_to_real(svm, page);

	if (!PageDirty(real) || !TestClearPageDirty(real))
		return false;
	if (page->mapping)
		svm_mark_page_dirty(page->mapping, page);
	else
		svm_page_set_dirty(page);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(svm_page_harvest_dirty);

/*
 * Take locked @page out of @as. The cache's reference becomes the
 * caller's, to drop with svm_put_page() after unlocking. False when @page
 * was not in @as.
 */
static bool svm_delete_from_page_cache(struct svm_address_space *as,
				       struct svm_page *page)
{
	struct svm_instance *svm = as->svm;
	u32 index = page->index;

	if (xa_cmpxchg(&as->i_pages, index, page, NULL, 0) != page)
		return false;
	svm_lru_del(svm, page);
	/* Its next owner must not inherit a dirty bit of ours. */
	svm_page_harvest_dirty(svm, page);
	svm_clear_page_dirty_for_io(as, page);
	page->mapping = NULL;
	svm_account_cache_pages(as, -1);
	trace_svm_page_cache_delete(svm->id, as->id, index,
				    svm_page_to_pfn(svm, page));
	/* The object's use of the slot goes with the page. */
	if (svm_page_test_swapcache(page)) {
		struct svm_swp_entry entry = { page->private };

		svm_delete_from_swap_cache(svm, page, 0);
		svm_swap_free(svm, entry);
	}
	return true;
}

/**
 * svm_remove_mapping() - free a clean page's place in the caches
 * @svm: the instance
 * @page: a clean page, locked by the caller, who holds one reference of
 *        its own and has it off the LRU lists; nobody may map it
 *
 * A page of an object that has a valid copy on swap leaves its swap
 * entry behind in the object; one that was never written (never dirty,
 * never swapped) leaves a hole, which reads as zeros again. Then the page
 * leaves the swap cache. Each step checks that nobody but the caches and
 * the caller holds the page (2.6's remove_mapping()): for the swap cache
 * under the lock its lookups take, for the page cache, whose lookups take
 * no lock, by freezing the count at 0 while the page leaves the tree. A
 * page a fault just found is never taken away.
 *
 * Return: true when the page is in no cache any more: the caller's
 * reference is the last. False when it is still in use; it may then
 * have left the object for the swap cache only.
 */
bool svm_remove_mapping(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_address_space *as = page->mapping;
	struct page *real = svm_page_to_real(svm, page);
	bool swapped = svm_page_test_swapcache(page);
	u32 index = page->index;
	void *entry;

	if (svm_page_test_dirty(page))
		return false;
	if (as) {
		/* Caller, page cache, and the swap cache when there. */
		int expected = swapped ? 3 : 2;

		entry = swapped ? xa_mk_value(page->private) : NULL;
		xa_lock(&as->i_pages);
		/*
		 * Freeze the count at 0 (2.6.27's page_freeze_refs()): a
		 * lockless lookup that found the page in the tree cannot take
		 * a reference until it is out, so it never maps it after.
		 */
		if (xa_load(&as->i_pages, index) != page ||
		    atomic_cmpxchg(&page->_refcount, expected, 0) != expected) {
			xa_unlock(&as->i_pages);
			return false;
		}
		/*
		 * Unmapped is not enough: a process exiting or unmapping
		 * drops its PTEs first and its references on the real page
		 * only when its mmu_gather finishes. Only the reference
		 * shadowvm took at reservation may be left.
		 */
		if (page_mapped(real) || page_ref_count(real) != 1) {
			atomic_set_release(&page->_refcount, expected);
			xa_unlock(&as->i_pages);
			return false;
		}
		/*
		 * Unmapped with no reference left: every PTE that mapped it is
		 * gone, and zap_pte_range() moved each dirty bit to the real
		 * page before dropping its mapcount. A write through a PTE
		 * that was still writable after the caller judged the page
		 * clean (a fault mapped it again while it was being written
		 * to swap) shows here, and only here: the page is dirty again
		 * and must not be freed.
		 */
		if (PageDirty(real)) {
			atomic_set_release(&page->_refcount, expected);
			xa_unlock(&as->i_pages);
			svm_page_harvest_dirty(svm, page);
			return false;
		}
		__xa_store(&as->i_pages, index, entry, 0);
		page->mapping = NULL;
		/* Unfrozen without the cache's reference. */
		atomic_set_release(&page->_refcount, expected - 1);
		xa_unlock(&as->i_pages);
		if (swapped)
			atomic_long_inc(&as->nrswapped);
		svm_account_cache_pages(as, -1);
		trace_svm_page_cache_delete(svm->id, as->id, index,
					    svm_page_to_pfn(svm, page));
	}
	if (svm_page_test_swapcache(page) &&
	    !svm_delete_from_swap_cache(svm, page, 2))
		return false;
	/*
	 * Isolation kept the list the page came from; it goes to no list
	 * now, and the buddy allocator refuses a page still marked active.
	 */
	svm_page_clear_active(page);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(svm_remove_mapping);

/*
 * A reference on @page if it is still at @index of @as. Walks of the
 * xarray see pages reclaim may be freeing; this lookup, under the lock
 * reclaim takes to remove them, only succeeds on a live page.
 */
static bool svm_get_page_at(struct svm_address_space *as, unsigned long index,
			    struct svm_page *page)
{
	bool found;

	xa_lock(&as->i_pages);
	found = xa_load(&as->i_pages, index) == page;
	if (found)
		svm_get_page(page);
	xa_unlock(&as->i_pages);
	return found;
}

/**
 * svm_vma_link() - note a VMA that maps an object
 * @as: the object's page cache
 * @sv: the VMA's struct svm_vma, its @vma and @locked filled in
 */
void svm_vma_link(struct svm_address_space *as, struct svm_vma *sv)
{
	sv->as = as;
	spin_lock(&as->i_mmap_lock);
	list_add(&sv->list, &as->i_mmap);
	if (sv->locked)
		atomic_inc(&as->nr_locked);
	spin_unlock(&as->i_mmap_lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_vma_link);

/**
 * svm_vma_unlink() - forget a VMA that is going away
 * @sv: its struct svm_vma
 *
 * When it was locked, the pages it kept from reclaim go back to the LRU
 * lists (2.6.28's munlock_vma_pages_range(), lazily: the unevictable
 * list is searched for pages no other locked VMA maps).
 */
void svm_vma_unlink(struct svm_vma *sv)
{
	struct svm_address_space *as = sv->as;

	spin_lock(&as->i_mmap_lock);
	list_del(&sv->list);
	if (sv->locked)
		atomic_dec(&as->nr_locked);
	spin_unlock(&as->i_mmap_lock);
	if (sv->locked)
		svm_rescue_unevictable(as->svm, as);
}
EXPORT_SYMBOL_IF_KUNIT(svm_vma_unlink);

/**
 * svm_mapping_locked() - is page @index of an object in a locked VMA?
 * @as: the object's page cache
 * @index: page index
 *
 * Return: true when a VMA mapped with MAP_LOCKED covers @index.
 */
bool svm_mapping_locked(struct svm_address_space *as, u32 index)
{
	struct svm_vma *sv;
	bool locked = false;

	if (!atomic_read(&as->nr_locked))
		return false;
	spin_lock(&as->i_mmap_lock);
	list_for_each_entry(sv, &as->i_mmap, list) {
		struct vm_area_struct *vma = sv->vma;

		if (sv->locked && index >= vma->vm_pgoff &&
		    index - vma->vm_pgoff < vma_pages(vma)) {
			locked = true;
			break;
		}
	}
	spin_unlock(&as->i_mmap_lock);
	return locked;
}
EXPORT_SYMBOL_IF_KUNIT(svm_mapping_locked);

/*
 * Empty slot @index of @as, where the walk found @entry. Reclaim (and
 * its reap work) may turn a page into its swap entry meanwhile, and a
 * swapoff an entry into a page, without the object's lock: whatever the
 * slot holds now is removed in its turn, until it is empty. Skipping it
 * would leave a page, or a swap slot, to an address space about to be
 * destroyed. Returns 1 when this call removed something.
 */
static unsigned long svm_truncate_index(struct svm_address_space *as,
					unsigned long index, void *entry)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	bool removed;

	for (; entry; entry = xa_load(&as->i_pages, index)) {
		if (xa_is_value(entry)) {
			struct svm_swp_entry swp = { xa_to_value(entry) };

			if (xa_cmpxchg(&as->i_pages, index, entry, NULL, 0) !=
			    entry)
				continue;
			atomic_long_dec(&as->nrswapped);
			svm_free_swap_and_cache(svm, swp);
			return 1;
		}
		page = entry;
		if (!svm_get_page_at(as, index, page))
			continue;
		svm_lock_page(page);
		removed = svm_delete_from_page_cache(as, page);
		svm_unlock_page(page);
		if (removed)
			svm_put_page(svm, page);
		svm_put_page(svm, page);
		if (removed)
			return 1;
	}
	return 0;
}

/**
 * svm_truncate_pages() - remove the pages from @start on
 * @as: the address space
 * @start: first page index to remove
 *
 * Pages go back to the buddy allocator, swap entries free their slots.
 * The caller must have unmapped the range from every process and keep new
 * faults out (the object's lock), as 2.6's truncate_inode_pages().
 *
 * Context: process context; may sleep.
 * Return: the number of pages and swap entries removed.
 */
unsigned long svm_truncate_pages(struct svm_address_space *as, u64 start)
{
	struct svm_page *page;
	unsigned long index, n = 0;

	if (start >= SVM_MAX_FILE_PAGES)
		return 0;
	xa_for_each_start(&as->i_pages, index, page, start) {
		n += svm_truncate_index(as, index, page);
		cond_resched();
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_truncate_pages);

/**
 * svm_drop_clean_pages() - remove the clean pages nobody maps
 * @as: the address space
 *
 * A clean page was never written since it came from swap, or never
 * written at all: dropping it loses nothing. It comes back from swap, or
 * as zeros, on the next fault. The caller keeps new faults out (the
 * object's lock).
 *
 * Context: process context; may sleep.
 * Return: the number of pages removed.
 */
unsigned long svm_drop_clean_pages(struct svm_address_space *as)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	unsigned long index, n = 0;

	xa_for_each(&as->i_pages, index, page) {
		if (xa_is_value(page) || !svm_get_page_at(as, index, page))
			continue;
		if (page_mapped(svm_page_to_real(svm, page)) ||
		    !svm_trylock_page(page)) {
			svm_put_page(svm, page);
			continue;
		}
		svm_page_harvest_dirty(svm, page);
		/* Our reference stands for the one isolation would take. */
		if (!svm_page_test_dirty(page) && page->mapping == as &&
		    svm_isolate_lru_page(svm, page)) {
			svm_put_page(svm, page);
			if (svm_remove_mapping(svm, page))
				n++;
			else
				svm_lru_cache_add(svm, page);
		}
		svm_unlock_page(page);
		svm_put_page(svm, page);
		cond_resched();
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_drop_clean_pages);

static void svm_pagecache_count_check(struct svm_instance *svm,
				      struct svm_selfcheck *sc)
{
	long counted = atomic_long_read(&svm->filemap->nr_file_pages);
	unsigned long pfn, cached = 0;

	for (pfn = 0; pfn < svm->nr_pages; pfn++) {
		struct svm_page *page = svm_pfn_to_page(svm, pfn);

		if (!READ_ONCE(page->mapping))
			continue;
		cached++;
		if (svm_page_test_buddy(page) || svm_page_test_slab(page))
			svm_selfcheck_report(sc, "page cache: pfn %lu is a free or slab page (flags %#x)\n",
					     pfn, atomic_read(&page->flags));
	}
	if (counted != cached)
		svm_selfcheck_report(sc, "page cache: nr_file_pages %ld, %lu pages have a mapping\n",
				     counted, cached);
}

/**
 * svm_pagecache_selfcheck() - check the page cache against its counters
 * @svm: the instance
 * @sc: where to report violations
 *
 * nr_file_pages must equal the pages that have a mapping, and none of
 * those may be free or slab. No lock covers the whole: a page gets its
 * mapping before it enters its object's tree and the counters move after
 * the tree lock is dropped, and there is no list of the objects to lock
 * them all. The check is therefore confirmed (svm_selfcheck_confirm()):
 * it is reported only when it fails on every pass.
 *
 * Context: process context, any time; takes no lock.
 */
void svm_pagecache_selfcheck(struct svm_instance *svm,
			     struct svm_selfcheck *sc)
{
	svm_selfcheck_confirm(sc, svm, svm_pagecache_count_check);
}
