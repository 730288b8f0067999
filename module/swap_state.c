// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm swap cache and swap-in read-ahead (the book, sections 11.4 and
 * 11.6; 6.12's mm/swap_state.c).
 *
 * The swap cache finds a page by its swap entry while it is being written
 * out, after it was read back, or after it was read ahead: a fault that
 * finds its entry there needs no I/O. Being in the swap cache is one use
 * of the slot (svm_swap_duplicate()) and one reference on the page.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/gfp.h>
#include <shadowvm/page.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/workingset.h>
#include <trace/events/shadowvm.h>

/**
 * svm_add_to_swap_cache() - make a page findable by a swap entry
 * @svm: the instance, with a swap area
 * @page: a page locked by the caller, not in the swap cache
 * @entry: an allocated entry
 *
 * Takes a reference on @page and a use of the slot for the cache, and
 * records @entry in @page->private with SVM_PG_swapcache.
 *
 * Context: process context; may sleep.
 * Return: 0; -EEXIST when the entry already has a page or @page is in
 * the swap cache already; -ENOMEM;
 * -EINVAL for an entry not in use.
 */
int svm_add_to_swap_cache(struct svm_instance *svm, struct svm_page *page,
			  struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm->swap;
	struct svm_page *old;
	int err;

	if (svm_page_test_swapcache(page))
		return -EEXIST;
	err = svm_swap_duplicate(svm, entry);
	if (err)
		return err;
	svm_get_page(page);
	page->private = entry.val;
	svm_page_set_swapcache(page);
	old = xa_cmpxchg(&si->cache, svm_swp_offset(entry), NULL, page,
			 GFP_NOIO);
	if (!old) {
		atomic_long_inc(&si->nr_cache);
		return 0;
	}
	err = xa_is_err(old) ? xa_err(old) : -EEXIST;
	svm_page_clear_swapcache(page);
	page->private = 0;
	atomic_dec(&page->_refcount);
	svm_swap_free(svm, entry);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(svm_add_to_swap_cache);

/*
 * Take @page out of the swap cache and drop the cache's reference, but
 * leave the cache's use of the slot to the caller.
 */
static bool __svm_delete_from_swap_cache(struct svm_swap_info *si,
					 struct svm_page *page,
					 int expected_refs)
{
	unsigned long offset = svm_swp_offset((struct svm_swp_entry){
						page->private });

	xa_lock(&si->cache);
	if ((expected_refs && svm_page_count(page) != expected_refs) ||
	    xa_load(&si->cache, offset) != page) {
		xa_unlock(&si->cache);
		return false;
	}
	__xa_erase(&si->cache, offset);
	svm_page_clear_swapcache(page);
	xa_unlock(&si->cache);
	atomic_long_dec(&si->nr_cache);
	page->private = 0;
	atomic_dec(&page->_refcount);
	return true;
}

/**
 * svm_delete_from_swap_cache() - take a page out of the swap cache
 * @svm: the instance
 * @page: a page in the swap cache, locked by the caller
 * @expected_refs: the references @page must have for the removal to go
 *                 ahead (the cache's included), 0 to remove regardless
 *
 * The check and the removal are one step under the cache's lock, which
 * svm_lookup_swap_cache() also takes to get its reference: a page somebody
 * just found is never removed from under them (2.6's remove_mapping()).
 * Drops the cache's reference and its use of the slot.
 *
 * Return: true when removed.
 */
bool svm_delete_from_swap_cache(struct svm_instance *svm,
				struct svm_page *page, int expected_refs)
{
	struct svm_swap_info *si = svm->swap;
	struct svm_swp_entry entry = { page->private };

	if (!__svm_delete_from_swap_cache(si, page, expected_refs))
		return false;
	svm_swap_free(svm, entry);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(svm_delete_from_swap_cache);

/**
 * svm_lookup_swap_cache() - the page of a swap entry, if cached
 * @svm: the instance
 * @entry: the entry
 *
 * A page that is also in an object's page cache may have its count
 * frozen at 0 by svm_remove_mapping(), under the object's tree lock, not
 * this cache's: such a page is not taken (the kernel's folio_try_get()),
 * or the count restored after the freeze would erase our reference.
 *
 * Context: task context; takes the swap cache's lock.
 * Return: the page with a reference for the caller, or NULL (none, or
 * one that is leaving: look again).
 */
struct svm_page *svm_lookup_swap_cache(struct svm_instance *svm,
				       struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm->swap;
	struct svm_page *page;

	if (!si)
		return NULL;
	xa_lock(&si->cache);
	page = xa_load(&si->cache, svm_swp_offset(entry));
	if (page && !atomic_inc_not_zero(&page->_refcount))
		page = NULL;
	xa_unlock(&si->cache);
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(svm_lookup_swap_cache);

/*
 * 2.6's read_swap_cache_async(): the page of @entry from the swap cache,
 * or a new one added to it with its read started, marked
 * SVM_PG_readahead when @readahead. NULL when no page could be had or the
 * slot is no longer in use.
 */
static struct svm_page *svm_read_swap_cache_async(struct svm_instance *svm,
						  struct svm_swp_entry entry,
						  svm_gfp_t gfp, bool readahead,
						  bool *new)
{
	struct svm_page *page;
	int err;

	*new = false;
	for (;;) {
		page = svm_lookup_swap_cache(svm, entry);
		if (page)
			return page;
		page = svm_alloc_page(svm, gfp);
		if (!page)
			return NULL;
		svm_page_set_locked(page);
		err = svm_add_to_swap_cache(svm, page, entry);
		if (!err)
			break;
		svm_page_clear_locked(page);
		svm_free_page(svm, page);
		if (err != -EEXIST)
			return NULL;
	}
	*new = true;
	/*
	 * On its list before the read starts, as long as the page is ours
	 * alone: a completion may unlock it before svm_swap_readpage()
	 * returns (an error at submission, a device that completes inline),
	 * and whoever takes the lock then may drop a page that failed, list
	 * and all. Added after that, it would go on a list out of every
	 * cache.
	 */
	if (readahead)
		svm_page_set_readahead(page);
	/* Read back soon after its eviction: straight to the active list. */
	svm_workingset_refault(svm, page, entry);
	svm_lru_cache_add(svm, page);
	if (svm_swap_readpage(svm, page)) {
		/* Not read: out of the cache, so that a later fault retries. */
		svm_delete_from_swap_cache(svm, page, 0);
		svm_lru_del(svm, page);
		svm_page_test_clear_readahead(page);
		svm_unlock_page(page);
		svm_put_page(svm, page);
		return NULL;
	}
	return page;
}

/*
 * A page of the swap cache whose read failed (read ahead, or read for a
 * fault that has not dropped it yet) is not what an access wants: it
 * drops the page and reads the slot again, so that the access after an
 * error retries the device. True when the page was dropped (with the
 * caller's reference); false when it is to be used as it is, or somebody
 * else holds it (the caller then sees it not up to date: -EIO).
 */
static bool svm_swap_drop_failed(struct svm_instance *svm,
				 struct svm_page *page,
				 struct svm_swp_entry entry)
{
	bool dropped = false;

	if (svm_page_test_uptodate(page))
		return false;
	/* Waits for a read in flight. */
	svm_lock_page(page);
	if (!svm_page_test_uptodate(page) && !page->mapping &&
	    !svm_page_test_writeback(page) && page->private == entry.val &&
	    svm_delete_from_swap_cache(svm, page, 2)) {
		svm_lru_del(svm, page);
		dropped = true;
	}
	svm_unlock_page(page);
	if (dropped)
		svm_put_page(svm, page);
	return dropped;
}

/*
 * The native swap_cluster_readahead() never reads more than 2^page-cluster
 * slots: page_cluster_max=page_cluster holds the window to that, so that a
 * comparison with the native kernel reads the same amount ahead.
 */
static uint svm_page_cluster_max = SVM_PAGE_CLUSTER_MAX;
module_param_named(page_cluster_max, svm_page_cluster_max, uint, 0444);
MODULE_PARM_DESC(page_cluster_max,
		 "Swap read-ahead grows to at most 2^page_cluster_max slots (default "
		 __stringify(SVM_PAGE_CLUSTER_MAX) ")");

/*
 * A fault waits for a read of slot @offset: size the window as 6.x's
 * __swapin_nr_pages() does, from the read-ahead pages faults used since
 * the last such read. Two more than those hits, rounded up to a power of
 * two, up to 2^page_cluster_max; no hit, and a slot not next to the
 * previous one, is a random reader: one slot, nothing read ahead. Never
 * less than half the window before, so that one miss does not undo a
 * sequential run. The window starts at 2^page_cluster; page_cluster=0
 * turns read-ahead off.
 */
static unsigned long svm_swap_ra_window(struct svm_swap_info *si,
					unsigned long offset)
{
	unsigned int hits = atomic_xchg(&si->ra_recent, 0);
	unsigned long prev = xchg(&si->ra_prev_offset, offset);
	unsigned int prev_win = READ_ONCE(si->ra_win);
	unsigned int max = 1U << clamp_t(unsigned int, svm_page_cluster_max,
					 si->page_cluster,
					 SVM_PAGE_CLUSTER_MAX);
	unsigned int win;

	if (!si->page_cluster) {
		win = 1;
	} else {
		win = hits + 2;
		if (win == 2 && offset != prev + 1 && offset + 1 != prev)
			win = 1;
		else
			win = roundup_pow_of_two(win);
		win = max(min(win, max), prev_win / 2);
		win = max(win, 1U);
	}
	WRITE_ONCE(si->ra_win, win);
	return win;
}

/**
 * svm_swapin_readahead() - bring a swapped-out page back, and its
 * neighbours on the device
 * @svm: the instance, with a swap area
 * @entry: the entry wanted
 * @major: set when I/O had to be started for @entry (a major fault)
 *
 * Reads the aligned block of slots around @entry (2.6's
 * valid_swaphandles()), of the size svm_swap_ra_window() chooses, in one
 * plug so that the block layer merges them; free and bad slots are
 * skipped, slots already cached are left as they are. Read-ahead
 * pages wait in the swap cache, on the inactive list, with
 * SVM_PG_readahead until a fault claims them (a read-ahead hit).
 *
 * Context: process context; may sleep.
 * Return: the page of @entry with a reference, possibly still locked for
 * its read (wait with svm_lock_page()); NULL when no page can be had.
 */
struct svm_page *svm_swapin_readahead(struct svm_instance *svm,
				      struct svm_swp_entry entry, bool *major)
{
	struct svm_swap_info *si = svm->swap;
	unsigned long offset = svm_swp_offset(entry), win, start, off;
	struct svm_page *page, *ra;
	struct blk_plug plug;
	bool new;

	*major = false;
	page = svm_lookup_swap_cache(svm, entry);
	if (page && !svm_swap_drop_failed(svm, page, entry))
		return page;
	win = svm_swap_ra_window(si, offset);
	start = offset & ~(win - 1);
	blk_start_plug(&plug);
	page = svm_read_swap_cache_async(svm, entry, SVM_GFP_HIGHUSER_MOVABLE |
					 SVM_GFP_NOWARN, false, &new);
	*major = new;
	for (off = start; page && off < start + win && off < si->max; off++) {
		struct svm_swp_entry e = svm_mk_swp_entry(si->type, off);
		int count = svm_swap_count(svm, e);

		if (off == offset || count <= 0 || count == SVM_SWAP_MAP_BAD)
			continue;
		/* Read-ahead takes only free pages: it must not cause reclaim. */
		ra = svm_read_swap_cache_async(svm, e,
					       (SVM_GFP_HIGHUSER_MOVABLE &
						~SVM_GFP_WAIT) | SVM_GFP_NOWARN,
					       true, &new);
		if (!ra)
			break;
		if (new) {
			atomic_long_inc(&si->ra_pages);
			trace_svm_swap_readahead(svm->id, e.val, entry.val);
		}
		svm_put_page(svm, ra);
	}
	blk_finish_plug(&plug);
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swapin_readahead);

/*
 * A locked page whose slot only the swap cache still uses: no object
 * holds the entry, so nobody can claim the page any more. It leaves the
 * cache and its list and frees the slot, whatever references others
 * hold: each of them looks at the page again under its lock (a fault
 * checks SVM_PG_swapcache and page->private, reclaim that the page is in
 * a cache at all) and lets it go. Requiring those references to be gone
 * would leave the slot in use for good when one of them is dropped just
 * after the check, with no reclaim to come by later. True when the page
 * left.
 */
static bool svm_free_dead_swap_cache(struct svm_instance *svm,
				     struct svm_page *page,
				     struct svm_swp_entry entry)
{
	if (page->mapping || svm_page_test_writeback(page) ||
	    !svm_page_test_swapcache(page) || page->private != entry.val ||
	    svm_swap_count(svm, entry) != 1 ||
	    !svm_delete_from_swap_cache(svm, page, 0))
		return false;
	svm_lru_del(svm, page);
	return true;
}

/**
 * svm_free_swap_and_cache() - drop an object's use of a slot, and the
 * swap-cache page nobody else wants (2.6's free_swap_and_cache())
 * @svm: the instance
 * @entry: the entry an object held
 *
 * A page read ahead for the slot and never claimed would otherwise keep
 * the slot in use until reclaim got to it.
 *
 * Context: process context; may sleep.
 */
void svm_free_swap_and_cache(struct svm_instance *svm,
			     struct svm_swp_entry entry)
{
	struct svm_page *page;

	svm_swap_free(svm, entry);
	if (svm_swap_count(svm, entry) != 1)
		return;
	page = svm_lookup_swap_cache(svm, entry);
	if (!page)
		return;
	/* Waits for a read-ahead still in flight. */
	svm_lock_page(page);
	svm_free_dead_swap_cache(svm, page, entry);
	svm_unlock_page(page);
	svm_put_page(svm, page);
}
EXPORT_SYMBOL_IF_KUNIT(svm_free_swap_and_cache);

/**
 * svm_swap_cache_drain() - free every page left in the swap cache
 * @svm: the instance; no object may hold pages any more
 *
 * What is left was read ahead and never claimed: the cache is the only
 * user of both the page and, usually, the slot.
 *
 * Context: process context; may sleep.
 */
void svm_swap_cache_drain(struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;
	struct svm_page *page;
	unsigned long offset;

	xa_for_each(&si->cache, offset, page) {
		svm_get_page(page);
		svm_lock_page(page);
		if (svm_isolate_lru_page(svm, page))
			svm_put_page(svm, page);
		svm_delete_from_swap_cache(svm, page, 0);
		svm_unlock_page(page);
		svm_put_page(svm, page);
		cond_resched();
	}
}

/**
 * svm_swap_write_failed() - move a page whose swap write failed off its
 * slot
 * @svm: the instance
 * @page: the page, back from svm_swap_write_done(), not locked
 *
 * The page stays dirty and resident; it leaves the swap cache, so that
 * the next pageout gives it a new slot, and the slot it failed on is
 * marked bad (svm_swap_mark_bad()), never to be handed out again. A page
 * truncated meanwhile has left the swap cache already: its slot went
 * back to the free ones with it.
 *
 * Context: process context; takes and releases the page lock.
 */
void svm_swap_write_failed(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_swp_entry entry;
	int uses;

	svm_lock_page(page);
	if (page->mapping)
		svm_mark_page_dirty(page->mapping, page);
	entry.val = page->private;
	/* The cache's use, and the object's when the page is in one. */
	uses = page->mapping ? 2 : 1;
	if (svm_page_test_swapcache(page) && !svm_page_test_writeback(page) &&
	    __svm_delete_from_swap_cache(svm->swap, page, 0))
		svm_swap_mark_bad(svm, entry, uses);
	svm_unlock_page(page);
}

/**
 * svm_swap_mapping_add() - let swapoff find an address space
 * @as: a new address space
 *
 * Context: process context; takes svm_filemap.swaplist_mutex.
 */
void svm_swap_mapping_add(struct svm_address_space *as)
{
	mutex_lock(&as->svm->filemap->swaplist_mutex);
	list_add_tail(&as->swaplist, &as->svm->filemap->swaplist);
	mutex_unlock(&as->svm->filemap->swaplist_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_mapping_add);

/**
 * svm_swap_mapping_del() - an address space is going away
 * @as: the address space
 *
 * Waits for a swapoff walking it.
 *
 * Context: process context; takes svm_filemap.swaplist_mutex, so no page
 * lock may be held.
 */
void svm_swap_mapping_del(struct svm_address_space *as)
{
	mutex_lock(&as->svm->filemap->swaplist_mutex);
	list_del_init(&as->swaplist);
	mutex_unlock(&as->svm->filemap->swaplist_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_mapping_del);

/*
 * A resident page of @as that still has a copy on swap: it keeps its data
 * and loses the copy, dirty so that reclaim must write it again. Its two
 * uses of the slot go (the swap cache's and the object's, which moved to
 * the page when it was read back). A page still being written is left
 * for the next pass.
 */
static void svm_unuse_page(struct svm_instance *svm,
			   struct svm_address_space *as, struct svm_page *page)
{
	struct svm_swp_entry entry;

	svm_lock_page(page);
	if (page->mapping == as && svm_page_test_swapcache(page) &&
	    !svm_page_test_writeback(page)) {
		entry.val = page->private;
		svm_mark_page_dirty(as, page);
		if (svm_delete_from_swap_cache(svm, page, 0))
			svm_swap_free(svm, entry);
	}
	svm_unlock_page(page);
}

/*
 * 2.6's shmem_unuse_inode(), for every entry rather than one: bring each
 * swapped-out page of @as back into its page cache (read-ahead included),
 * then off its slot. Without the object's lock: svm_read_cache_page()
 * claims an entry only if it is still in place, so truncation racing
 * with it wins cleanly, and a fault that found the entry before it left
 * looks again.
 */
static int svm_unuse_mapping(struct svm_address_space *as)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	unsigned long index;
	void *entry;

	xa_for_each(&as->i_pages, index, entry) {
		if (xa_is_value(entry)) {
			page = svm_read_cache_page(as, index);
			if (IS_ERR(page))
				return PTR_ERR(page);
		} else if (svm_page_test_swapcache(entry)) {
			/* A hint (no reference): confirmed under the lock. */
			page = svm_find_get_page(as, index);
		} else {
			continue;
		}
		if (page) {
			svm_unuse_page(svm, as, page);
			svm_put_page(svm, page);
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/**
 * svm_unuse_mappings() - bring every swapped-out page of an instance back
 * @svm: the instance, whose swap area hands out no slot any more
 *
 * One pass over every address space of @svm: each swapped-out page is
 * read back into its page cache, dirty, and every page there leaves its
 * slot. Pages being written, or evicted again meanwhile, are left for
 * the next pass.
 *
 * Context: process context; sleeps; takes svm_filemap.swaplist_mutex,
 * then page locks, and allocates.
 * Return: 0; -ENOMEM when shadow memory cannot hold a page; -EIO when a
 * page cannot be read; -EINTR on a fatal signal. Pages brought back
 * before the failure stay in memory, the others on the device.
 */
int svm_unuse_mappings(struct svm_instance *svm)
{
	struct svm_address_space *as;
	int err = 0;

	mutex_lock(&svm->filemap->swaplist_mutex);
	list_for_each_entry(as, &svm->filemap->swaplist, swaplist) {
		if (!atomic_long_read(&as->nrswapped) &&
		    !atomic_long_read(&as->nrpages))
			continue;
		err = svm_unuse_mapping(as);
		if (err)
			break;
	}
	mutex_unlock(&svm->filemap->swaplist_mutex);
	return err;
}

/**
 * svm_unuse_swap_cache() - free the swap-cache pages nobody will claim
 * @svm: the instance, with a swap area
 *
 * A page read ahead whose slot no object holds any more (the cache's use
 * is the last) is freed, as svm_free_swap_and_cache() would have. Pages
 * an object still holds the entry of are read back by
 * svm_unuse_mappings() instead.
 *
 * Context: process context; sleeps (page locks).
 */
void svm_unuse_swap_cache(struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;
	struct svm_page *page;
	unsigned long offset;

	xa_for_each(&si->cache, offset, page) {
		struct svm_swp_entry entry = svm_mk_swp_entry(si->type, offset);

		page = svm_lookup_swap_cache(svm, entry);
		if (!page)
			continue;
		svm_lock_page(page);
		svm_free_dead_swap_cache(svm, page, entry);
		svm_unlock_page(page);
		svm_put_page(svm, page);
		cond_resched();
	}
}
