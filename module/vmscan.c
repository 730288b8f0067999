// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm page frame reclamation (the book, chapter 10; 2.6's
 * mm/vmscan.c): scanning the LRU lists (refill_inactive,
 * shrink_page_list), kswapd and direct reclaim. Pages enter and leave
 * the lists, and move up on use, in module/swap.c.
 *
 * Reference information. A page's "young" bit lives in the real page
 * tables of every process mapping it. With refbit=pte (the default)
 * reclaim tests and clears it through the object's VMAs
 * (svm_page_referenced_ptes(), module/rmap.c), as 2.6's
 * page_referenced(); with refbit=unmap it unmaps the page instead, and a
 * use is a minor fault, which marks it referenced
 * (svm_mark_page_accessed()). Unmapping hands the PTEs' dirty bits to the
 * real page, which reclaim folds into the shadow page
 * (svm_page_harvest_dirty()), as 2.4's swap_out() did.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/mm_inline.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/policy.h>
#include <shadowvm/selfcheck.h>
#include <shadowvm/slab.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>
#include <shadowvm/workingset.h>
#include <trace/events/shadowvm.h>

/**
 * svm_reclaim_set_refbit() - choose how reclaim tells used mapped pages
 * @svm: the instance
 * @mode: test the PTEs' accessed bits, or unmap and wait for a fault
 *
 * Context: before the instance maps anything (module load).
 */
void svm_reclaim_set_refbit(struct svm_instance *svm, enum svm_refbit mode)
{
	WRITE_ONCE(svm->reclaim->refbit, mode);
}
EXPORT_SYMBOL_IF_KUNIT(svm_reclaim_set_refbit);

/**
 * svm_rescue_unevictable() - give an object's unlocked pages back to the LRU
 * @svm: the instance
 * @as: the object whose locked VMA went away
 *
 * Pages no other locked VMA maps go back to the replacement policy, as
 * new pages (2.6.28's check_move_unevictable_pages()).
 */
void svm_rescue_unevictable(struct svm_instance *svm,
			    struct svm_address_space *as)
{
	unsigned long rescued = 0;
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = svm->reclaim->node[nid];
		struct svm_page *page, *next;
		struct svm_lruvec *lruvec;

		if (!node)
			continue;
		lruvec = &node->lruvec;
		spin_lock(&lruvec->lru_lock);
		list_for_each_entry_safe(page, next,
					 &lruvec->lists[SVM_LRU_UNEVICTABLE],
					 lru) {
			if (page->mapping != as ||
			    svm_mapping_locked(as, page->index))
				continue;
			svm_del_page_from_lru_list(page, lruvec,
						   SVM_LRU_UNEVICTABLE);
			svm_page_clear_unevictable(page);
			svm->reclaim->ops->add(node, page);
			rescued++;
		}
		spin_unlock(&lruvec->lru_lock);
	}
	svm_count_vm_events(svm, SVM_UNEVICTABLE_RESCUED, rescued);
}

/**
 * svm_page_evictable() - may reclaim evict an isolated page?
 * @svm: the instance
 * @page: the page, isolated and locked
 *
 * A page a locked VMA maps is marked unevictable, and forgotten by the
 * replacement policy: svm_putback_lru_page() puts it on the unevictable
 * list.
 *
 * Return: false for such a page.
 */
bool svm_page_evictable(struct svm_instance *svm, struct svm_page *page)
{
	if (!page->mapping || !svm_mapping_locked(page->mapping, page->index))
		return true;
	svm_page_set_unevictable(page);
	svm_page_clear_policy(svm, page);
	svm_count_vm_event(svm, SVM_UNEVICTABLE_CULLED);
	return false;
}

/**
 * svm_isolate_lru_pages() - take pages from the tail of a list
 * @node: the node
 * @src: the list: one of the node's, or a policy's own
 * @lru: the kind of list it counts in
 * @count: at most this many pages
 * @dst: where to put them, each with a reference and SVM_PG_lru clear
 *
 * Context: takes the node's lru_lock.
 * Return: the number of pages taken.
 */
unsigned long svm_isolate_lru_pages(struct svm_node_reclaim *node,
				    struct list_head *src,
				    enum svm_lru_list lru,
				    unsigned long count,
				    struct list_head *dst)
{
	struct svm_lruvec *lruvec = &node->lruvec;
	struct svm_instance *svm = node->svm;
	unsigned long n = 0;

	spin_lock(&lruvec->lru_lock);
	while (n < count && !list_empty(src)) {
		struct svm_page *page = list_last_entry(src, struct svm_page,
							lru);

		svm_page_clear_lru(page);
		svm_del_page_from_lru_list(page, lruvec, lru);
		list_add(&page->lru, dst);
		svm_get_page(page);
		trace_svm_lru_isolate(svm->id, svm_page_to_pfn(svm, page));
		n++;
	}
	spin_unlock(&lruvec->lru_lock);
	return n;
}

/**
 * svm_putback_lru_page() - give an isolated page back to the LRU
 * @svm: the instance
 * @page: the page, with the reference its isolation took, which is
 *        dropped
 * @locked: the caller holds the page lock
 *
 * The page goes to the unevictable list or to its replacement policy,
 * or is let go when it left every cache meanwhile. The page lock is
 * taken unless the caller holds it, so that truncation cannot free the
 * page in between.
 *
 * Context: process context; may sleep on the page lock.
 */
void svm_putback_lru_page(struct svm_instance *svm, struct svm_page *page,
			  bool locked)
{
	if (!locked)
		svm_lock_page(page);
	if (page->mapping || svm_page_test_swapcache(page))
		svm_lru_cache_add(svm, page);
	else
		svm_page_clear_policy(svm, page);
	svm_unlock_page(page);
	svm_put_page(svm, page);
}

/**
 * svm_page_referenced() - was a page used since reclaim last looked?
 * @svm: the instance
 * @page: the page, isolated and locked
 *
 * PG_referenced answers for a use by read(), write() or a fault, and is
 * cleared; for a mapped page, refbit=pte asks its PTEs as 2.6's
 * page_referenced() (and clears their accessed bits for next time),
 * refbit=unmap unmaps it so that the next use is a fault. A page still
 * mapped after that counts as used.
 *
 * Context: the page is locked; sleeps.
 * Return: true when it was used.
 */
bool svm_page_referenced(struct svm_instance *svm, struct svm_page *page)
{
	bool referenced = svm_page_test_clear_referenced(page);

	if (!page_mapped(svm_page_to_real(svm, page)))
		return referenced;
	if (READ_ONCE(svm->reclaim->refbit) == SVM_REFBIT_PTE)
		return svm_page_referenced_ptes(svm, page) || referenced;
	return referenced || !svm_try_to_unmap(svm, page);
}

/* Start writing dirty, locked @page to swap; false to keep it. */
static bool svm_pageout(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_address_space *as = page->mapping;

	if (!as || !svm_swap_active(svm))
		return false;
	if (!svm_page_test_swapcache(page)) {
		struct svm_swp_entry entry = svm_get_swap_page(svm);

		if (!entry.val)
			return false;
		/* The slot's first use is the object's; the cache adds one. */
		if (svm_add_to_swap_cache(svm, page, entry)) {
			svm_swap_free(svm, entry);
			return false;
		}
	}
	svm_clear_page_dirty_for_io(as, page);
	svm_page_set_writeback(page);
	if (svm_swap_writepage(svm, page)) {
		svm_page_clear_writeback(page);
		svm_mark_page_dirty(as, page);
		return false;
	}
	return true;
}

/*
 * Free a locked, isolated, clean page if nobody else holds it. A page
 * with a copy on swap leaves its eviction time beside the slot, for a
 * refault to find (svm_workingset_eviction()).
 */
static bool svm_try_free(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_swp_entry entry = { 0 };

	if (svm_page_test_swapcache(page))
		entry.val = page->private;
	if (!svm_remove_mapping(svm, page))
		return false;
	svm_workingset_eviction(svm, page, entry);
	svm_page_clear_policy(svm, page);
	svm_unlock_page(page);
	svm_put_page(svm, page);
	return true;
}

/**
 * svm_reap_written() - free the pages whose swap-out completed
 * @svm: the instance
 * @wait: wait a little for a write when none has completed yet
 *
 * A page written to swap comes back here with the reference its
 * isolation took: it is freed unless somebody used or dirtied it while
 * it was being written, then it goes back to the LRU. A failed write
 * leaves it dirty, in memory.
 *
 * Context: process context; sleeps.
 * Return: pages freed.
 */
unsigned long svm_reap_written(struct svm_instance *svm, bool wait)
{
	struct llist_node *list = svm_swap_take_written(svm, wait), *next;
	unsigned long n = 0;

	while (list) {
		struct svm_page *page;
		int err;

		next = list->next;
		page = svm_swap_write_done(svm, list, &err);
		list = next;
		/* Kept dirty, off the slot, which is marked bad. */
		if (err)
			svm_swap_write_failed(svm, page);
		svm_lock_page(page);
		if (err && page->mapping)
			svm_mark_page_dirty(page->mapping, page);
		if (!page->mapping && !svm_page_test_swapcache(page)) {
			/* Truncated during the write. */
			svm_page_clear_policy(svm, page);
			svm_unlock_page(page);
			svm_put_page(svm, page);
			continue;
		}
		if (!svm_page_test_dirty(page) && svm_try_free(svm, page)) {
			n++;
			continue;
		}
		svm_putback_lru_page(svm, page, true);
	}
	return n;
}

/*
 * svm_reap_written() for swap write completions to queue when no
 * reclaimer comes by: each area's completions queue it
 * (svm_swap_io_init()).
 */
static void svm_reap_work(struct work_struct *work)
{
	struct svm_reclaim *rc = container_of(work, struct svm_reclaim,
					      reap_work);
	struct svm_instance *svm = rc->svm;

	svm_count_vm_events(svm, SVM_PGSTEAL_KSWAPD,
			    svm_reap_written(svm, false));
}

/*
 * Wait for the reap work the write completions queued: it may have taken
 * completed writes off the list before the caller looked. Once it has
 * run, their pages are freed or back on their lists, and counted.
 */
static void svm_reap_flush(struct svm_instance *svm)
{
	flush_work(&svm->reclaim->reap_work);
}

/**
 * svm_shrink_page_list() - try to free isolated pages (2.6's
 * shrink_page_list())
 * @node: their node
 * @pages: pages the policy isolated (svm_isolate_lru_pages())
 * @sc: the request; counts what was scanned, freed and written
 *
 * The policy's check_references() decides, for each page, whether it is
 * in use. Pages kept go back to the policy (or to the unevictable list).
 * Dirty pages are written to swap without waiting; svm_reap_written()
 * frees them once written.
 *
 * Context: process context; sleeps.
 */
void svm_shrink_page_list(struct svm_node_reclaim *node,
			  struct list_head *pages,
			  struct svm_scan_control *sc)
{
	const struct svm_policy_ops *ops = node->svm->reclaim->ops;
	unsigned long scanned = sc->nr_scanned;
	struct svm_instance *svm = node->svm;
	struct svm_page *page, *next;
	struct blk_plug plug;

	blk_start_plug(&plug);
	list_for_each_entry_safe(page, next, pages, lru) {
		list_del_init(&page->lru);
		sc->nr_scanned++;
		if (!svm_trylock_page(page)) {
			svm_putback_lru_page(svm, page, false);
			continue;
		}
		if (!page->mapping && !svm_page_test_swapcache(page)) {
			/* Truncated while isolated: ours is the last reference. */
			svm_page_clear_policy(svm, page);
			svm_unlock_page(page);
			svm_put_page(svm, page);
			continue;
		}
		if (svm_page_test_writeback(page) || !svm_page_evictable(svm, page))
			goto keep;
		switch (ops->check_references(node, page)) {
		case SVM_PAGEREF_ACTIVATE:
			goto activate;
		case SVM_PAGEREF_KEEP:
			goto keep;
		case SVM_PAGEREF_RECLAIM:
			break;
		}
		svm_page_harvest_dirty(svm, page);
		if (svm_page_test_dirty(page)) {
			/* The write owns the page and our reference now. */
			if (sc->may_writepage && svm_pageout(svm, page)) {
				sc->nr_written++;
				continue;
			}
			goto keep;
		}
		if (svm_try_free(svm, page)) {
			sc->nr_reclaimed++;
			svm_count_vm_event(svm, SVM_PGSWAPOUT_DROP);
			continue;
		}
		goto keep;
activate:
		/* The policy promoted it. */
		svm_count_vm_event(svm, SVM_PGACTIVATE);
		svm_workingset_activation(svm, page);
		trace_svm_lru_activate(svm->id, svm_page_to_pfn(svm, page));
keep:
		svm_putback_lru_page(svm, page, true);
	}
	blk_finish_plug(&plug);
	svm_count_vm_events(svm, sc->kswapd ? SVM_PGSCAN_KSWAPD :
			    SVM_PGSCAN_DIRECT, sc->nr_scanned - scanned);
}

/**
 * svm_shrink_node() - one reclaim pass over a node (2.6's shrink_zone())
 * @nr: the node
 * @sc: the request, at its current priority
 *
 * The replacement policy chooses what to scan: 1/2^priority of its pages
 * or more, until @sc's target is met.
 *
 * Context: process context; sleeps.
 */
VISIBLE_IF_KUNIT void svm_shrink_node(struct svm_node_reclaim *nr,
				      struct svm_scan_control *sc)
{
	unsigned long before = sc->nr_reclaimed, scanned = sc->nr_scanned;

	nr->svm->reclaim->ops->shrink_node(nr, sc);
	trace_svm_shrink_node(nr->svm->id, nr->nid, sc->priority, sc->kswapd,
			      sc->nr_scanned - scanned,
			      sc->nr_reclaimed - before);
}
EXPORT_SYMBOL_IF_KUNIT(svm_shrink_node);

/* One pass over every node at sc->priority, then the slab caches. */
static void svm_shrink_nodes(struct svm_instance *svm,
			     struct svm_scan_control *sc)
{
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = svm->reclaim->node[nid];

		if (node && sc->nr_reclaimed < sc->nr_to_reclaim)
			svm_shrink_node(node, sc);
	}
	if (svm->slab)
		sc->nr_reclaimed += svm_kmem_cache_reap(svm, sc->gfp);
}

static void svm_scan_control_init(struct svm_instance *svm,
				  struct svm_scan_control *sc, svm_gfp_t gfp,
				  unsigned long nr_to_reclaim)
{
	*sc = (struct svm_scan_control) {
		.nr_to_reclaim = nr_to_reclaim,
		.gfp = gfp,
		/* Swap I/O needs IO: a NOIO caller only frees clean pages. */
		.may_writepage = !!(gfp & SVM_GFP_IO),
	};
}

/* Pages reclaim freed, by whoever: kswapd, direct reclaim, write reaping. */
static unsigned long svm_reclaimed_total(struct svm_instance *svm)
{
	return svm_vm_event(svm, SVM_PGSTEAL_KSWAPD) +
	       svm_vm_event(svm, SVM_PGSTEAL_DIRECT);
}

/* Direct reclaim; returns progress: pages freed plus writes started. */
static unsigned long svm_do_try_to_free_pages(struct svm_instance *svm,
					      svm_gfp_t gfp,
					      unsigned long nr_to_reclaim)
{
	struct svm_scan_control sc;
	unsigned int noreclaim;

	svm_scan_control_init(svm, &sc, gfp, nr_to_reclaim);
	/* Our own allocations (bounce pages) must not recurse into here. */
	noreclaim = memalloc_noreclaim_save();
	for (sc.priority = SVM_DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		sc.nr_reclaimed += svm_release_deferred_pages(svm);
		sc.nr_reclaimed += svm_reap_written(svm, false);
		if (sc.nr_reclaimed >= nr_to_reclaim)
			break;
		svm_shrink_nodes(svm, &sc);
		if (sc.nr_reclaimed >= nr_to_reclaim)
			break;
		/* What we and others wrote is what frees pages now. */
		sc.nr_reclaimed += svm_reap_written(svm, sc.may_writepage);
		if (sc.nr_reclaimed >= nr_to_reclaim)
			break;
	}
	memalloc_noreclaim_restore(noreclaim);
	svm_count_vm_events(svm, SVM_PGSTEAL_DIRECT, sc.nr_reclaimed);
	return sc.nr_reclaimed + sc.nr_written;
}

/**
 * svm_should_reclaim_retry() - is another round of direct reclaim worth it
 * after one that made no progress?
 * @svm: the instance
 * @no_progress: rounds in a row that freed nothing and started no write
 *
 * The kernel's should_reclaim_retry(), in small: a round may free nothing
 * while pages are still reclaimable - kswapd or another allocator took
 * what it freed, the pages it met were mapped and it only unmapped them
 * (the soft reference bit), or they were being written. Up to
 * SVM_MAX_RECLAIM_RETRIES such rounds are retried, a tick apart, while
 * something could still come free: clean page-cache pages, any LRU page
 * when swap has a free slot, writes in flight, deferred frees. Never from
 * within reclaim, nor for a task being killed.
 *
 * Context: process context; sleeps a tick when it returns true.
 * Return: true to retry the allocation.
 */
bool svm_should_reclaim_retry(struct svm_instance *svm,
			      unsigned int no_progress)
{
	long reclaimable;

	if (!svm->reclaim || !svm->filemap ||
	    no_progress > SVM_MAX_RECLAIM_RETRIES ||
	    (current->flags & PF_MEMALLOC) || fatal_signal_pending(current))
		return false;
	reclaimable = atomic_long_read(&svm->filemap->nr_file_pages) -
		      atomic_long_read(&svm->filemap->nr_dirty);
	if (svm_swap_active(svm) && svm_nr_swap_pages(svm))
		reclaimable = svm_lru_pages(svm, SVM_LRU_INACTIVE) +
			      svm_lru_pages(svm, SVM_LRU_ACTIVE);
	if (svm->swap)
		reclaimable += atomic_read(&svm->swap->writes_inflight);
	reclaimable += svm_nr_deferred_pages(svm);
	if (reclaimable <= 0)
		return false;
	schedule_timeout_uninterruptible(1);
	return true;
}

/**
 * svm_try_to_free_pages() - direct reclaim for an allocation that failed
 * @svm: the instance
 * @nid: the node the allocation preferred (every node is scanned)
 * @gfp: the allocation's flags: without SVM_GFP_IO nothing is written
 *
 * Scans with a priority rising from SVM_DEF_PRIORITY to 0 until
 * SVM_SWAP_CLUSTER_MAX pages were freed (2.6's try_to_free_pages()).
 * Called from within reclaim (PF_MEMALLOC), it does nothing.
 *
 * Context: process context; sleeps.
 * Return: progress: pages freed plus writes to swap started (their pages
 * are freed when the writes complete).
 */
unsigned long svm_try_to_free_pages(struct svm_instance *svm, int nid,
				    svm_gfp_t gfp)
{
	if (!svm->reclaim || (current->flags & PF_MEMALLOC))
		return 0;
	svm_count_vm_event(svm, SVM_ALLOCSTALL);
	return svm_do_try_to_free_pages(svm, gfp, SVM_SWAP_CLUSTER_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(svm_try_to_free_pages);

/**
 * svm_shrink_all_memory() - reclaim as if memory were short
 * @svm: the instance
 * @nr_pages: pages to free
 *
 * For tests: reclaims until @nr_pages were freed (by this call, kswapd or
 * the completion of writes it started) or no progress is made.
 *
 * Context: process context; sleeps.
 * Return: pages freed meanwhile.
 */
unsigned long svm_shrink_all_memory(struct svm_instance *svm,
				    unsigned long nr_pages)
{
	unsigned long start = svm_reclaimed_total(svm), done = 0, progress;

	do {
		progress = svm_do_try_to_free_pages(svm, SVM_GFP_KERNEL,
						    min_t(unsigned long,
							  nr_pages - done,
							  SVM_SWAP_CLUSTER_MAX));
		/* Writes started free their pages once they complete. */
		while (svm->swap && atomic_read(&svm->swap->writes_inflight))
			svm_count_vm_events(svm, SVM_PGSTEAL_DIRECT,
					    svm_reap_written(svm, true));
		/* Or the reap work frees them, and counts them when done. */
		svm_reap_flush(svm);
		svm_count_vm_events(svm, SVM_PGSTEAL_DIRECT,
				    svm_reap_written(svm, false));
		done = svm_reclaimed_total(svm) - start;
	} while (progress && done < nr_pages && !fatal_signal_pending(current));
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(svm_shrink_all_memory);

static bool svm_node_balanced(struct svm_instance *svm, int nid)
{
	struct svm_pglist_data *pgdat = svm->node_data[nid];
	int i;

	for (i = 0; i < pgdat->nr_zones; i++) {
		struct svm_zone *zone = &pgdat->node_zones[i];

		if (svm_populated_zone(zone) &&
		    READ_ONCE(zone->free_pages) < zone->pages_high)
			return false;
	}
	return true;
}

/* 2.6's balance_pgdat(): reclaim until every zone is above pages_high. */
static unsigned long svm_balance_node(struct svm_node_reclaim *node)
{
	struct svm_instance *svm = node->svm;
	unsigned long total = 0;
	struct svm_scan_control sc;

	for (;;) {
		unsigned long before = total;

		svm_scan_control_init(svm, &sc, SVM_GFP_KERNEL,
				      SVM_SWAP_CLUSTER_MAX);
		sc.kswapd = true;
		for (sc.priority = SVM_DEF_PRIORITY; sc.priority >= 0;
		     sc.priority--) {
			sc.nr_reclaimed += svm_release_deferred_pages(svm);
			sc.nr_reclaimed += svm_reap_written(svm, false);
			if (svm_node_balanced(svm, node->nid))
				break;
			svm_shrink_node(node, &sc);
			if (svm->slab)
				sc.nr_reclaimed += svm_kmem_cache_reap(svm,
								       sc.gfp);
			if (sc.nr_reclaimed >= sc.nr_to_reclaim)
				break;
		}
		WRITE_ONCE(node->kswapd_priority, max(sc.priority, 0));
		/* Writes just submitted free their pages when they complete. */
		sc.nr_reclaimed += svm_reap_written(svm, !sc.nr_reclaimed);
		total += sc.nr_reclaimed;
		svm_count_vm_events(svm, SVM_PGSTEAL_KSWAPD, sc.nr_reclaimed);
		if (total == before || svm_node_balanced(svm, node->nid) ||
		    kthread_should_stop())
			break;
		cond_resched();
	}
	return total;
}

static int svm_kswapd(void *data)
{
	struct svm_node_reclaim *node = data;
	struct svm_instance *svm = node->svm;

	/* As kswapd: the real kernel may dip into reserves for our bios. */
	current->flags |= PF_MEMALLOC;
	set_freezable();
	for (;;) {
		unsigned long n;

		wait_event_freezable(node->kswapd_wait,
				     READ_ONCE(node->kswapd_wake) ||
				     kthread_should_stop());
		if (kthread_should_stop())
			break;
		WRITE_ONCE(node->kswapd_wake, false);
		WRITE_ONCE(node->kswapd_running, true);
		trace_svm_kswapd_wake(svm->id, node->nid, node->kswapd_reclaimed);
		n = svm_balance_node(node);
		WRITE_ONCE(node->kswapd_runs, node->kswapd_runs + 1);
		WRITE_ONCE(node->kswapd_reclaimed, node->kswapd_reclaimed + n);
		WRITE_ONCE(node->kswapd_running, false);
		trace_svm_kswapd_sleep(svm->id, node->nid, n);
		/* Nothing to take: do not spin on every allocation's wake-up. */
		if (!n && !kthread_should_stop())
			schedule_timeout_interruptible(HZ / 10);
	}
	return 0;
}

/**
 * svm_wakeup_kswapd() - wake a zone's kswapd if the zone runs low
 * @svm: the instance
 * @zone: a zone an allocation just took from or failed on
 *
 * Context: any context.
 */
void svm_wakeup_kswapd(struct svm_instance *svm, struct svm_zone *zone)
{
	struct svm_node_reclaim *node;

	if (!svm->reclaim || READ_ONCE(zone->free_pages) >= zone->pages_low)
		return;
	node = svm->reclaim->node[zone->zone_pgdat->node_id];
	if (!node || !node->kswapd || READ_ONCE(node->kswapd_wake) ||
	    xchg(&node->kswapd_wake, true))
		return;
	WRITE_ONCE(node->kswapd_wakeups, node->kswapd_wakeups + 1);
	svm_count_vm_event(svm, SVM_KSWAPD_WAKE);
	wake_up_interruptible(&node->kswapd_wait);
}

/**
 * svm_reclaim_init() - set up the LRU lists (and kswapd) of every node
 * @svm: the instance, with its nodes
 * @kswapd: start one kswapd thread per node
 * @policy: the replacement policy's name; NULL or "" for the default
 *
 * Context: process context.
 * Return: 0 or -errno.
 */
int svm_reclaim_init(struct svm_instance *svm, bool kswapd,
		     const char *policy)
{
	struct svm_reclaim *rc = kzalloc(sizeof(*rc), GFP_KERNEL);
	int nid, i, err = -ENOMEM;

	if (!rc)
		return -ENOMEM;
	rc->svm = svm;
	INIT_WORK(&rc->reap_work, svm_reap_work);
	svm->reclaim = rc;
	rc->node = kcalloc(nr_node_ids, sizeof(*rc->node), GFP_KERNEL);
	if (!rc->node)
		goto fail;
	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node;

		if (!svm->node_data[nid])
			continue;
		node = kzalloc_node(sizeof(*node), GFP_KERNEL, nid);
		if (!node)
			goto fail;
		rc->node[nid] = node;
		node->svm = svm;
		node->nid = nid;
		spin_lock_init(&node->lruvec.lru_lock);
		for (i = 0; i < SVM_NR_LRU_LISTS; i++)
			INIT_LIST_HEAD(&node->lruvec.lists[i]);
		init_waitqueue_head(&node->kswapd_wait);
		node->kswapd_priority = SVM_DEF_PRIORITY;
	}
	err = svm_policy_init(svm, policy);
	if (err)
		goto fail;
	for (nid = 0; kswapd && nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = rc->node[nid];

		if (!node)
			continue;
		node->kswapd = kthread_create_on_node(svm_kswapd, node, nid,
						      "svm_kswapd%d", nid);
		if (IS_ERR(node->kswapd)) {
			err = PTR_ERR(node->kswapd);
			node->kswapd = NULL;
			pr_err("%s: cannot start kswapd for node %d: %d\n",
			       svm->name, nid, err);
			goto fail;
		}
		wake_up_process(node->kswapd);
	}
	return 0;
fail:
	svm_reclaim_exit(svm);
	return err;
}

/**
 * svm_kswapd_stop() - stop the kswapd threads of an instance
 * @svm: the instance
 *
 * Context: process context; waits for each thread to finish its run.
 */
void svm_kswapd_stop(struct svm_instance *svm)
{
	struct svm_reclaim *rc = svm->reclaim;
	int nid;

	for (nid = 0; rc && rc->node && nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = rc->node[nid];

		if (node && node->kswapd) {
			kthread_stop(node->kswapd);
			node->kswapd = NULL;
		}
	}
}

/**
 * svm_reclaim_exit() - stop kswapd and free the reclaim state
 * @svm: the instance; its LRU lists must be empty
 */
void svm_reclaim_exit(struct svm_instance *svm)
{
	struct svm_reclaim *rc = svm->reclaim;
	int nid, i;

	if (!rc)
		return;
	svm_kswapd_stop(svm);
	/* Idle: svm_swapoff() quiesced the area whose completions queue it. */
	cancel_work_sync(&rc->reap_work);
	if (rc->node)
		svm_policy_exit(svm);
	for (nid = 0; rc->node && nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = rc->node[nid];

		if (!node)
			continue;
		for (i = 0; i < SVM_NR_LRU_LISTS; i++)
			if (node->lruvec.nr[i])
				pr_err("%s: node %d: %lu pages left on LRU list %d\n",
				       svm->name, nid, node->lruvec.nr[i], i);
		kfree(node);
	}
	kfree(rc->node);
	kfree(rc);
	svm->reclaim = NULL;
}

static int lru_show(struct seq_file *m, void *unused)
{
	struct svm_instance *svm = m->private;
	struct svm_zone *zone = NULL;
	int nid;

	seq_puts(m, "node      active    inactive unevictable\n");
	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = svm->reclaim->node[nid];

		if (!node)
			continue;
		spin_lock(&node->lruvec.lru_lock);
		seq_printf(m, "%4d %11lu %11lu %11lu\n", nid,
			   node->lruvec.nr[SVM_LRU_ACTIVE],
			   node->lruvec.nr[SVM_LRU_INACTIVE],
			   node->lruvec.nr[SVM_LRU_UNEVICTABLE]);
		spin_unlock(&node->lruvec.lru_lock);
	}
	seq_puts(m, "\nnode zone        free       low      high\n");
	while ((zone = svm_next_zone(svm, zone)))
		seq_printf(m, "%4d %-8s %8lu %9lu %9lu\n",
			   zone->zone_pgdat->node_id, zone->name,
			   READ_ONCE(zone->free_pages), zone->pages_low,
			   zone->pages_high);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lru);

static int kswapd_show(struct seq_file *m, void *unused)
{
	struct svm_instance *svm = m->private;
	int nid;

	seq_puts(m, "node state     wakeups       runs  reclaimed priority\n");
	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = svm->reclaim->node[nid];

		if (!node)
			continue;
		seq_printf(m, "%4d %-8s %8lu %10lu %10lu %8d\n", nid,
			   !node->kswapd ? "none" :
			   READ_ONCE(node->kswapd_running) ? "running" :
			   "sleeping",
			   READ_ONCE(node->kswapd_wakeups),
			   READ_ONCE(node->kswapd_runs),
			   READ_ONCE(node->kswapd_reclaimed),
			   READ_ONCE(node->kswapd_priority));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kswapd);

/**
 * svm_reclaim_debugfs_create() - add "lru" and "kswapd" to a directory
 * @svm: the instance
 * @dir: its debugfs directory
 */
void svm_reclaim_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("lru", 0400, dir, svm, &lru_fops);
	debugfs_create_file("kswapd", 0400, dir, svm, &kswapd_fops);
	svm_policy_debugfs_create(svm, dir);
}

/**
 * svm_lru_check_list() - check one list of pages against their flags
 * @node: the node the list belongs to
 * @head: the list
 * @name: its name in reports
 * @nr: the count kept for it
 * @fits: does a page's state say it belongs on this list?
 * @on: bitmap of the pfns found on a list so far; the pages of @head are
 *      added
 * @sc: where to report violations
 *
 * Each page on the list must be one of the instance's, have SVM_PG_lru
 * and the list's node, fit the list, be neither free nor slab and be on
 * no other list; the list must hold @nr pages.
 *
 * Context: under the node's lru_lock.
 */
void svm_lru_check_list(struct svm_node_reclaim *node, struct list_head *head,
			const char *name, unsigned long nr,
			bool (*fits)(struct svm_node_reclaim *node,
				     struct svm_page *page),
			unsigned long *on, struct svm_selfcheck *sc)
{
	struct svm_instance *svm = node->svm;
	int nid = node->nid;
	struct svm_page *page;
	unsigned long n = 0, pfn;

	lockdep_assert_held(&node->lruvec.lru_lock);
	list_for_each_entry(page, head, lru) {
		pfn = svm_page_to_pfn(svm, page);
		if (pfn >= svm->nr_pages) {
			svm_selfcheck_report(sc, "node %d %s list: foreign page\n",
					     nid, name);
			break;
		}
		if (!svm_page_test_lru(page) || !fits(node, page) ||
		    svm_page_to_nid(page) != nid)
			svm_selfcheck_report(sc, "node %d %s list: pfn %lu flags %#x belong to another list\n",
					     nid, name, pfn,
					     atomic_read(&page->flags));
		if (svm_page_test_buddy(page) || svm_page_test_slab(page))
			svm_selfcheck_report(sc, "node %d %s list: pfn %lu is a free or slab page (flags %#x)\n",
					     nid, name, pfn,
					     atomic_read(&page->flags));
		if (test_and_set_bit(pfn, on))
			svm_selfcheck_report(sc, "node %d: pfn %lu on two LRU lists\n",
					     nid, pfn);
		/* A corrupted list must not keep us here. */
		if (++n > svm->nr_pages)
			break;
	}
	if (n != nr)
		svm_selfcheck_report(sc, "node %d %s list: nr %lu, list holds %lu\n",
				     nid, name, nr, n);
}

static bool svm_fits_unevictable(struct svm_node_reclaim *node,
				 struct svm_page *page)
{
	return svm_page_test_unevictable(page) && !svm_page_test_active(page);
}

/* One node's lists; caller holds its lru_lock. */
static void svm_lruvec_selfcheck(struct svm_node_reclaim *node,
				 unsigned long *on, struct svm_selfcheck *sc)
{
	struct svm_lruvec *lruvec = &node->lruvec;
	struct svm_instance *svm = node->svm;
	unsigned long pfn;

	svm_lru_check_list(node, &lruvec->lists[SVM_LRU_UNEVICTABLE],
			   "unevictable", lruvec->nr[SVM_LRU_UNEVICTABLE],
			   svm_fits_unevictable, on, sc);
	svm->reclaim->ops->selfcheck(node, on, sc);
	for (pfn = 0; pfn < svm->nr_pages; pfn++) {
		struct svm_page *page = svm_pfn_to_page(svm, pfn);

		if (svm_page_to_nid(page) == node->nid &&
		    svm_page_test_lru(page) && !test_bit(pfn, on))
			svm_selfcheck_report(sc, "node %d: pfn %lu has PG_lru but is on no list\n",
					     node->nid, pfn);
	}
}

/**
 * svm_lru_selfcheck() - check the LRU lists against the page flags
 * @svm: the instance
 * @sc: where to report violations
 *
 * Under each node's lru_lock, which every change of the lists, of their
 * counts and of SVM_PG_lru is made under: each page on the unevictable
 * list or on one of the replacement policy's lists has SVM_PG_lru, the
 * state that list stands for and the list's node, is neither free nor
 * slab, and is on one list only; each count matches its list; and every
 * page of the node with SVM_PG_lru is on a list (an isolated page has
 * SVM_PG_lru clear).
 *
 * Context: process context, any time; takes each lru_lock alone.
 */
void svm_lru_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc)
{
	unsigned long *on;
	int nid;

	on = bitmap_zalloc(svm->nr_pages, GFP_KERNEL);
	if (!on) {
		svm_selfcheck_report(sc, "lru: no memory to check\n");
		return;
	}
	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = svm->reclaim->node[nid];

		if (!node)
			continue;
		spin_lock(&node->lruvec.lru_lock);
		svm_lruvec_selfcheck(node, on, sc);
		spin_unlock(&node->lruvec.lru_lock);
	}
	bitmap_free(on);
}
