// SPDX-License-Identifier: GPL-2.0
/*
 * The "2.6" replacement policy: an active and an inactive list per node
 * (2.6's mm/vmscan.c and mm/swap.c, with the refinements Linux made
 * before the multi-generational LRU). A page enters the inactive list; a
 * second use promotes it to the active list (mark_page_accessed()).
 * Reclaim ages the tail of the active list into the inactive list
 * (refill_inactive_zone()) and evicts from the tail of the inactive list
 * what was not used since (page_check_references()).
 *
 * Per page: SVM_PG_active (which list) and SVM_PG_referenced (one use
 * seen); no page_ext. Per node: the two lists of svm_lruvec.
 */
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/mm_inline.h>
#include <shadowvm/page.h>
#include <shadowvm/policy.h>
#include <shadowvm/rmap.h>
#include <shadowvm/selfcheck.h>
#include <shadowvm/vmstat.h>
#include <shadowvm/workingset.h>
#include <trace/events/shadowvm.h>

static void svm_26_add(struct svm_node_reclaim *node, struct svm_page *page)
{
	svm_add_page_to_lru_list(page, &node->lruvec, svm_page_lru_list(page));
}

static void svm_26_del(struct svm_node_reclaim *node, struct svm_page *page)
{
	svm_del_page_from_lru_list(page, &node->lruvec,
				   svm_page_lru_list(page));
}

/*
 * inactive,unreferenced -> inactive,referenced; inactive,referenced ->
 * active,unreferenced; active,unreferenced -> active,referenced (2.6's
 * mark_page_accessed()).
 */
static void svm_26_accessed(struct svm_node_reclaim *node,
			    struct svm_page *page)
{
	struct svm_lruvec *lruvec = &node->lruvec;
	struct svm_instance *svm = node->svm;

	if (!svm_page_test_referenced(page)) {
		svm_page_set_referenced(page);
		return;
	}
	/* An unevictable page stays where the locked VMA put it. */
	if (svm_page_test_active(page) || svm_page_test_unevictable(page) ||
	    !svm_page_test_lru(page))
		return;
	spin_lock(&lruvec->lru_lock);
	if (svm_page_test_lru(page) && !svm_page_test_active(page) &&
	    !svm_page_test_unevictable(page)) {
		svm_move_page_lru_list(page, lruvec, SVM_LRU_INACTIVE,
				       SVM_LRU_ACTIVE);
		svm_page_set_active(page);
		svm_page_clear_referenced(page);
		svm_count_vm_event(svm, SVM_PGACTIVATE);
		svm_workingset_activation(svm, page);
		trace_svm_lru_activate(svm->id, svm_page_to_pfn(svm, page));
	}
	spin_unlock(&lruvec->lru_lock);
}

/**
 * svm_refill_inactive() - age the tail of a node's active list (2.6's
 * refill_inactive_zone())
 * @node: the node
 * @count: how many pages to take from the tail of its active list
 *
 * Referenced pages go round again; the others go to the inactive list
 * (still mapped with refbit=pte, unmapped with refbit=unmap). Pages of a
 * locked VMA go to the unevictable list.
 *
 * Context: process context; sleeps on each page's lock.
 */
VISIBLE_IF_KUNIT void svm_refill_inactive(struct svm_node_reclaim *node,
					  unsigned long count)
{
	struct svm_lruvec *lruvec = &node->lruvec;
	struct svm_instance *svm = node->svm;
	struct svm_page *page, *next;
	unsigned long n, moved = 0;
	LIST_HEAD(hold);

	n = svm_isolate_lru_pages(node, &lruvec->lists[SVM_LRU_ACTIVE],
				  SVM_LRU_ACTIVE, count, &hold);
	svm_count_vm_events(svm, SVM_PGREFILL, n);
	list_for_each_entry_safe(page, next, &hold, lru) {
		list_del_init(&page->lru);
		svm_lock_page(page);
		if (!svm_page_evictable(svm, page)) {
			svm_putback_lru_page(svm, page, true);
			continue;
		}
		if (!svm_page_referenced(svm, page)) {
			svm_page_clear_active(page);
			moved++;
			trace_svm_lru_deactivate(svm->id,
						 svm_page_to_pfn(svm, page));
		}
		svm_putback_lru_page(svm, page, true);
	}
	svm_count_vm_events(svm, SVM_PGDEACTIVATE, moved);
}
EXPORT_SYMBOL_IF_KUNIT(svm_refill_inactive);

/* Scan up to @count inactive pages. */
static void svm_shrink_inactive_list(struct svm_node_reclaim *node,
				     unsigned long count,
				     struct svm_scan_control *sc)
{
	struct svm_lruvec *lruvec = &node->lruvec;
	LIST_HEAD(hold);

	if (svm_isolate_lru_pages(node, &lruvec->lists[SVM_LRU_INACTIVE],
				  SVM_LRU_INACTIVE, count, &hold))
		svm_shrink_page_list(node, &hold, sc);
}

/*
 * 2.6's shrink_zone(): scans each list 1/2^priority of its length plus
 * one page, SVM_SWAP_CLUSTER_MAX at a time, the active list feeding the
 * inactive one as it goes, until @sc's target is met.
 */
static void svm_26_shrink_node(struct svm_node_reclaim *node,
			       struct svm_scan_control *sc)
{
	struct svm_lruvec *lruvec = &node->lruvec;
	unsigned long nr_active, nr_inactive;

	nr_active = (READ_ONCE(lruvec->nr[SVM_LRU_ACTIVE]) >> sc->priority) + 1;
	nr_inactive = (READ_ONCE(lruvec->nr[SVM_LRU_INACTIVE]) >>
		       sc->priority) + 1;
	while ((nr_active || nr_inactive) &&
	       sc->nr_reclaimed < sc->nr_to_reclaim) {
		unsigned long n;

		if (nr_active) {
			n = min_t(unsigned long, nr_active,
				  SVM_SWAP_CLUSTER_MAX);
			nr_active -= n;
			svm_refill_inactive(node, n);
		}
		if (nr_inactive) {
			n = min_t(unsigned long, nr_inactive,
				  SVM_SWAP_CLUSTER_MAX);
			nr_inactive -= n;
			svm_shrink_inactive_list(node, n, sc);
		}
		cond_resched();
	}
}

/*
 * What to do with inactive, locked @page (2.6.34's
 * page_check_references()). A page PG_referenced marks (used by read(),
 * write() or a fault) is activated. A mapped page, with refbit=pte:
 * young PTEs a second time, or in two processes, activate it; young once
 * keeps it on the inactive list, PG_referenced set, for one more round
 * (a page a process touched once, at its fault, must not take a place on
 * the active list); all old: it is unmapped and reclaimed in this pass.
 * With refbit=unmap it is unmapped and kept for one more round: a use
 * before the next scan is a minor fault, which marks it referenced.
 */
static enum svm_page_references
svm_26_check_references(struct svm_node_reclaim *node, struct svm_page *page)
{
	struct svm_instance *svm = node->svm;
	bool mapped = page_mapped(svm_page_to_real(svm, page));
	unsigned int young;

	if (!mapped || READ_ONCE(svm->reclaim->refbit) == SVM_REFBIT_UNMAP) {
		if (svm_page_test_clear_referenced(page))
			goto activate;
		if (!mapped)
			return SVM_PAGEREF_RECLAIM;
		svm_try_to_unmap(svm, page);
		svm_page_harvest_dirty(svm, page);
		return SVM_PAGEREF_KEEP;
	}
	young = svm_page_referenced_ptes(svm, page);
	if (young) {
		if (svm_page_test_set_referenced(page) || young > 1)
			goto activate;
		return SVM_PAGEREF_KEEP;
	}
	svm_page_clear_referenced(page);
	return svm_try_to_unmap(svm, page) ? SVM_PAGEREF_RECLAIM :
					     SVM_PAGEREF_KEEP;
activate:
	svm_page_set_active(page);
	return SVM_PAGEREF_ACTIVATE;
}

/*
 * A refault within the active list's size: the page would have stayed
 * had the inactive list been that much longer (6.12's
 * workingset_refault()).
 */
static bool svm_26_refault(struct svm_node_reclaim *node,
			   struct svm_page *page, unsigned long distance)
{
	if (distance > READ_ONCE(node->lruvec.nr[SVM_LRU_ACTIVE]))
		return false;
	svm_page_set_active(page);
	return true;
}

static void svm_26_show(struct seq_file *m, struct svm_node_reclaim *node)
{
	seq_printf(m, "active %lu\ninactive %lu\n",
		   node->lruvec.nr[SVM_LRU_ACTIVE],
		   node->lruvec.nr[SVM_LRU_INACTIVE]);
}

static bool svm_26_fits_active(struct svm_node_reclaim *node,
			       struct svm_page *page)
{
	return svm_page_test_active(page);
}

static bool svm_26_fits_inactive(struct svm_node_reclaim *node,
				 struct svm_page *page)
{
	return !svm_page_test_active(page);
}

static void svm_26_selfcheck(struct svm_node_reclaim *node, unsigned long *on,
			     struct svm_selfcheck *sc)
{
	struct svm_lruvec *lruvec = &node->lruvec;

	svm_lru_check_list(node, &lruvec->lists[SVM_LRU_ACTIVE], "active",
			   lruvec->nr[SVM_LRU_ACTIVE], svm_26_fits_active, on,
			   sc);
	svm_lru_check_list(node, &lruvec->lists[SVM_LRU_INACTIVE], "inactive",
			   lruvec->nr[SVM_LRU_INACTIVE], svm_26_fits_inactive,
			   on, sc);
}

const struct svm_policy_ops svm_policy_26 = {
	.name = "2.6",
	.desc = "active and inactive lists (2.6's mm/vmscan.c)",
	.add = svm_26_add,
	.del = svm_26_del,
	.accessed = svm_26_accessed,
	.shrink_node = svm_26_shrink_node,
	.check_references = svm_26_check_references,
	.refault = svm_26_refault,
	.show = svm_26_show,
	.selfcheck = svm_26_selfcheck,
};
