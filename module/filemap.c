// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm page cache: index -> shadow page per object, the page lock, the
 * instance's LRU list and its vmstat counters.
 *
 * The book's 2.4 page cache is one global hash table keyed by (mapping,
 * index); 6.12 gives each address_space an xarray. We follow 6.12: a
 * lookup touches one object's tree only, truncation walks the object's
 * pages in index order without scanning everyone's, and the xarray's
 * cmpxchg gives "exactly one page per index" to concurrent faults without
 * a lock of our own. See Documentation/fault.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/gfp.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <trace/events/shadowvm.h>

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
	spin_lock_init(&fm->lru_lock);
	INIT_LIST_HEAD(&fm->inactive_list);
	INIT_LIST_HEAD(&fm->active_list);
	svm->filemap = fm;
	return 0;
}

/**
 * svm_filemap_exit() - free an instance's page-cache state
 * @svm: the instance; every address space must have been destroyed
 */
void svm_filemap_exit(struct svm_instance *svm)
{
	struct svm_filemap *fm = svm->filemap;

	if (!fm)
		return;
	if (atomic_long_read(&fm->nr_file_pages))
		pr_err("%s: %ld page-cache pages left at exit\n", svm->name,
		       atomic_long_read(&fm->nr_file_pages));
	kfree(fm);
	svm->filemap = NULL;
}

/**
 * svm_count_vm_event() - count one event in an instance's vmstat
 * @svm: the instance
 * @ev: the event
 */
void svm_count_vm_event(struct svm_instance *svm, enum svm_vm_event ev)
{
	atomic_long_inc(&svm->filemap->events[ev]);
}

/**
 * svm_count_vm_events() - count @n events in an instance's vmstat
 * @svm: the instance
 * @ev: the event
 * @n: how many (bytes, for the _BYTES counters)
 */
void svm_count_vm_events(struct svm_instance *svm, enum svm_vm_event ev,
			 unsigned long n)
{
	atomic_long_add(n, &svm->filemap->events[ev]);
}

/**
 * svm_vm_event() - read one of an instance's vmstat events
 * @svm: the instance
 * @ev: the event
 *
 * Return: its count.
 */
unsigned long svm_vm_event(struct svm_instance *svm, enum svm_vm_event ev)
{
	return atomic_long_read(&svm->filemap->events[ev]);
}
EXPORT_SYMBOL_IF_KUNIT(svm_vm_event);

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
	as->id = id;
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
	while (svm_test_set_page_locked(page))
		wait_var_event(&page->flags, !svm_page_locked(page));
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
	return !svm_test_set_page_locked(page);
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
	svm_clear_page_locked(page);
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
	wait_var_event(&page->flags, !svm_page_locked(page));
}
EXPORT_SYMBOL_IF_KUNIT(svm_wait_on_page_locked);

/**
 * svm_find_get_page() - look a page up in a page cache
 * @as: the address space
 * @index: page index
 *
 * Waits while the page is locked (being filled), so the caller sees only
 * complete pages.
 *
 * Context: process context; may sleep.
 * Return: the page with a reference for the caller (drop it with
 * svm_put_page()), or NULL.
 */
struct svm_page *svm_find_get_page(struct svm_address_space *as, u32 index)
{
	struct svm_page *page;

	xa_lock(&as->i_pages);
	page = xa_load(&as->i_pages, index);
	if (page)
		svm_get_page(page);
	xa_unlock(&as->i_pages);
	if (page && svm_page_locked(page))
		svm_wait_on_page_locked(page);
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(svm_find_get_page);

static void svm_lru_add(struct svm_filemap *fm, struct svm_page *page)
{
	spin_lock(&fm->lru_lock);
	list_add(&page->lru, &fm->inactive_list);
	svm_set_page_lru(page);
	spin_unlock(&fm->lru_lock);
}

static void svm_lru_del(struct svm_filemap *fm, struct svm_page *page)
{
	spin_lock(&fm->lru_lock);
	if (svm_test_clear_page_lru(page)) {
		list_del_init(&page->lru);
		svm_clear_page_active(page);
	}
	spin_unlock(&fm->lru_lock);
}

/**
 * svm_add_to_page_cache() - insert a page at @index of a page cache
 * @as: the address space
 * @page: an allocated order-0 page, locked by the caller, in no page cache
 * @index: page index
 *
 * The cache takes a reference of its own and puts the page on the
 * instance's inactive list; the caller keeps its reference. The insertion
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
	struct svm_filemap *fm = svm->filemap;
	struct svm_page *old;
	int err = 0;

	page->mapping = as;
	page->index = index;
	svm_get_page(page);
	svm_lru_add(fm, page);
	old = xa_cmpxchg(&as->i_pages, index, NULL, page, GFP_KERNEL);
	if (xa_is_err(old))
		err = xa_err(old);
	else if (old)
		err = -EEXIST;
	if (err) {
		svm_lru_del(fm, page);
		page->mapping = NULL;
		page->index = 0;
		atomic_dec(&page->_refcount);
		return err;
	}
	atomic_long_inc(&as->nrpages);
	atomic_long_inc(&fm->nr_file_pages);
	svm_count_vm_event(svm, SVM_PGCACHE_ADD);
	trace_svm_page_cache_add(svm->name, as->id, index,
				 svm_page_to_pfn(svm, page));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_add_to_page_cache);

/**
 * svm_find_or_create_page() - the page at @index, allocated if missing
 * @as: the address space
 * @index: page index
 * @created: set to whether this call allocated the page
 *
 * A new page comes from the HIGHUSER zonelist, zeroed (through
 * svm_kmap_atomic() for HIGHMEM pages) before anyone can see it. When
 * another caller inserts a page first, ours is freed and theirs returned.
 *
 * Context: process context; may sleep.
 * Return: the page with a reference for the caller, ERR_PTR(-ENOMEM)
 * when shadow memory is exhausted.
 */
struct svm_page *svm_find_or_create_page(struct svm_address_space *as,
					 u32 index, bool *created)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	int err;

	*created = false;
	for (;;) {
		page = svm_find_get_page(as, index);
		if (page)
			return page;
		page = svm_alloc_page(svm, SVM_GFP_HIGHUSER | SVM_GFP_ZERO |
					   SVM_GFP_NOWARN);
		if (!page)
			return ERR_PTR(-ENOMEM);
		svm_set_page_locked(page);
		err = svm_add_to_page_cache(as, page, index);
		if (!err)
			break;
		svm_clear_page_locked(page);
		svm_free_page(svm, page);
		if (err != -EEXIST)
			return ERR_PTR(err);
	}
	svm_set_page_uptodate(page);
	svm_unlock_page(page);
	*created = true;
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(svm_find_or_create_page);

/**
 * svm_put_page() - drop a reference to a page-cache page
 * @svm: the instance
 * @page: an order-0 page
 *
 * The last reference frees the page, unless the real kernel still holds
 * its real page (mapped in a process, pinned): then giving it to the buddy
 * allocator would let another object's user see it, so it is leaked,
 * counted as pgcache_leak and logged.
 */
void svm_put_page(struct svm_instance *svm, struct svm_page *page)
{
	if (svm_page_count(page) == 1) {
		struct page *real = svm_page_to_real(svm, page);

		if (page_ref_count(real) != 1 || page_mapped(real)) {
			svm_count_vm_event(svm, SVM_PGCACHE_LEAK);
			pr_err_ratelimited("%s: pfn %lu: real page still in use (%d refs), not freed\n",
					   svm->name, svm_page_to_pfn(svm, page),
					   page_ref_count(real));
			return;
		}
	}
	svm_free_page(svm, page);
}
EXPORT_SYMBOL_IF_KUNIT(svm_put_page);

/**
 * svm_mark_page_dirty() - mark a page-cache page dirty
 * @as: its address space
 * @page: the page
 *
 * Return: true when the page was clean before.
 */
bool svm_mark_page_dirty(struct svm_address_space *as, struct svm_page *page)
{
	if (svm_test_set_page_dirty(page))
		return false;
	atomic_long_inc(&as->nrdirty);
	atomic_long_inc(&as->svm->filemap->nr_dirty);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(svm_mark_page_dirty);

/*
 * Take locked @page out of @as. The cache's reference becomes the
 * caller's, to drop with svm_put_page() after unlocking. False when @page
 * was not in @as.
 */
static bool svm_delete_from_page_cache(struct svm_address_space *as,
				       struct svm_page *page)
{
	struct svm_instance *svm = as->svm;
	struct svm_filemap *fm = svm->filemap;
	u32 index = page->index;

	if (xa_cmpxchg(&as->i_pages, index, page, NULL, 0) != page)
		return false;
	svm_lru_del(fm, page);
	if (svm_test_clear_page_dirty(page)) {
		atomic_long_dec(&as->nrdirty);
		atomic_long_dec(&fm->nr_dirty);
	}
	page->mapping = NULL;
	atomic_long_dec(&as->nrpages);
	atomic_long_dec(&fm->nr_file_pages);
	svm_count_vm_event(svm, SVM_PGCACHE_DELETE);
	trace_svm_page_cache_delete(svm->name, as->id, index,
				    svm_page_to_pfn(svm, page));
	return true;
}

/**
 * svm_truncate_pages() - remove the pages from @start on
 * @as: the address space
 * @start: first page index to remove
 *
 * The caller must have unmapped the range from every process and keep new
 * faults out (the object's lock), as 2.6's truncate_inode_pages().
 *
 * Context: process context; may sleep.
 * Return: the number of pages removed.
 */
unsigned long svm_truncate_pages(struct svm_address_space *as, u64 start)
{
	struct svm_page *page;
	unsigned long index, n = 0;

	if (start >= SVM_MAX_FILE_PAGES)
		return 0;
	xa_for_each_start(&as->i_pages, index, page, start) {
		bool removed;

		svm_lock_page(page);
		removed = svm_delete_from_page_cache(as, page);
		svm_unlock_page(page);
		if (removed) {
			svm_put_page(as->svm, page);
			n++;
		}
		cond_resched();
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_truncate_pages);

/**
 * svm_drop_clean_pages() - remove the clean pages nobody maps
 * @as: the address space
 *
 * A clean page was never written through a mapping: it reads as zeros
 * and comes back as zeros on the next fault, so dropping it loses nothing.
 * The caller keeps new faults out (the object's lock).
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
		if (svm_page_dirty(page) ||
		    page_mapped(svm_page_to_real(svm, page)) ||
		    !svm_trylock_page(page))
			continue;
		if (svm_delete_from_page_cache(as, page)) {
			svm_unlock_page(page);
			svm_put_page(svm, page);
			n++;
		} else {
			svm_unlock_page(page);
		}
		cond_resched();
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_drop_clean_pages);

static const char * const svm_zone_vmstat_names[SVM_MAX_NR_ZONES] = {
	[SVM_ZONE_DMA] = "dma",
	[SVM_ZONE_NORMAL] = "normal",
	[SVM_ZONE_HIGHMEM] = "high",
};

/**
 * svm_vmstat_show() - an instance's counters in /proc/vmstat's format
 * @m: the seq_file
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_vmstat_show(struct seq_file *m, struct svm_instance *svm)
{
	unsigned long alloc[SVM_MAX_NR_ZONES] = { 0 }, freed = 0, nr_free = 0;
	struct svm_filemap *fm = svm->filemap;
	unsigned long nr_inactive = 0, nr_active = 0;
	struct svm_zone *zone = NULL;
	struct svm_page *page;
	unsigned int order, i;

	while ((zone = svm_next_zone(svm, zone))) {
		nr_free += READ_ONCE(zone->free_pages);
		for (order = 0; order < SVM_NR_ORDERS; order++) {
			alloc[svm_zone_idx(zone)] +=
				svm_zone_stat(zone, SVM_PGALLOC, order) << order;
			freed += svm_zone_stat(zone, SVM_PGFREE, order) << order;
		}
	}
	spin_lock(&fm->lru_lock);
	list_for_each_entry(page, &fm->inactive_list, lru)
		nr_inactive++;
	list_for_each_entry(page, &fm->active_list, lru)
		nr_active++;
	spin_unlock(&fm->lru_lock);

	seq_printf(m, "nr_free_pages %lu\n", nr_free);
	seq_printf(m, "nr_inactive_file %lu\n", nr_inactive);
	seq_printf(m, "nr_active_file %lu\n", nr_active);
	seq_printf(m, "nr_file_pages %ld\n", atomic_long_read(&fm->nr_file_pages));
	seq_printf(m, "nr_dirty %ld\n", atomic_long_read(&fm->nr_dirty));
	for (i = 0; i < SVM_MAX_NR_ZONES; i++)
		seq_printf(m, "pgalloc_%s %lu\n", svm_zone_vmstat_names[i],
			   alloc[i]);
	seq_printf(m, "pgfree %lu\n", freed);
	seq_printf(m, "pgfault %lu\n", svm_vm_event(svm, SVM_PGFAULT));
	seq_printf(m, "pgmajfault %lu\n", svm_vm_event(svm, SVM_PGMAJFAULT));
	seq_printf(m, "pgfault_nomem %lu\n",
		   svm_vm_event(svm, SVM_PGFAULT_NOMEM));
	seq_printf(m, "pgcache_add %lu\n", svm_vm_event(svm, SVM_PGCACHE_ADD));
	seq_printf(m, "pgcache_delete %lu\n",
		   svm_vm_event(svm, SVM_PGCACHE_DELETE));
	seq_printf(m, "pgcache_leak %lu\n", svm_vm_event(svm, SVM_PGCACHE_LEAK));
	seq_printf(m, "rw_read %lu\n", svm_vm_event(svm, SVM_RW_READ));
	seq_printf(m, "rw_read_bytes %lu\n", svm_vm_event(svm, SVM_RW_READ_BYTES));
	seq_printf(m, "rw_write %lu\n", svm_vm_event(svm, SVM_RW_WRITE));
	seq_printf(m, "rw_write_bytes %lu\n",
		   svm_vm_event(svm, SVM_RW_WRITE_BYTES));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmstat_show);

static int vmstat_show(struct seq_file *m, void *unused)
{
	return svm_vmstat_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

/**
 * svm_filemap_debugfs_create() - add "vmstat" to an instance's directory
 * @svm: the instance
 * @dir: its debugfs directory
 */
void svm_filemap_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("vmstat", 0400, dir, svm, &vmstat_fops);
}
