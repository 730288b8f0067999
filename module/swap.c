// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm LRU lists: where pages enter and leave them, and how a use
 * moves a page up (the book, section 10.2; 2.6's mm/swap.c, which, in
 * spite of its name, is the LRU's entry points: lru_cache_add(),
 * mark_page_accessed()). The page cache, the swap cache and reclaim
 * call these; only reclaim (module/vmscan.c) scans the lists.
 */
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/mm_inline.h>
#include <shadowvm/page.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>
#include <shadowvm/workingset.h>
#include <trace/events/shadowvm.h>

/**
 * svm_lru_cache_add() - put a page at the head of its LRU list
 * @svm: the instance
 * @page: a page in a page cache or the swap cache, on no list; it goes
 *        to the unevictable list when SVM_PG_unevictable is set, to the
 *        active list when SVM_PG_active is, else to the inactive
 */
void svm_lru_cache_add(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_lruvec *lruvec = svm_page_lruvec(svm, page);
	enum svm_lru_list lru = svm_page_lru_list(page);

	spin_lock(&lruvec->lru_lock);
	if (!svm_page_test_set_lru(page))
		svm_add_page_to_lru_list(page, lruvec, lru);
	spin_unlock(&lruvec->lru_lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_lru_cache_add);

/**
 * svm_lru_del() - take a page off its LRU list for good
 * @svm: the instance
 * @page: a page leaving the caches; nothing happens when it is on no
 *        list (isolated by reclaim, which then drops it)
 */
void svm_lru_del(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_lruvec *lruvec = svm_page_lruvec(svm, page);

	spin_lock(&lruvec->lru_lock);
	if (svm_page_test_clear_lru(page))
		svm_del_page_from_lru_list(page, lruvec,
					   svm_page_lru_list(page));
	svm_page_clear_active(page);
	svm_page_clear_unevictable(page);
	spin_unlock(&lruvec->lru_lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_lru_del);

/**
 * svm_isolate_lru_page() - take a page off its LRU list to work on it
 * @svm: the instance
 * @page: the page
 *
 * Return: true, with a reference for the caller, when the page was on a
 * list; false when somebody else has it isolated.
 */
bool svm_isolate_lru_page(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_lruvec *lruvec = svm_page_lruvec(svm, page);
	bool ret = false;

	spin_lock(&lruvec->lru_lock);
	if (svm_page_test_clear_lru(page)) {
		svm_del_page_from_lru_list(page, lruvec,
					   svm_page_lru_list(page));
		svm_get_page(page);
		ret = true;
	}
	spin_unlock(&lruvec->lru_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_isolate_lru_page);

/**
 * svm_mark_page_accessed() - note a use of a page (2.6's
 * mark_page_accessed())
 * @svm: the instance
 * @page: a page on an LRU list or isolated
 *
 * inactive,unreferenced -> inactive,referenced; inactive,referenced ->
 * active,unreferenced; active,unreferenced -> active,referenced.
 */
void svm_mark_page_accessed(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_lruvec *lruvec;

	if (!svm_page_test_referenced(page)) {
		svm_page_set_referenced(page);
		return;
	}
	/* An unevictable page stays where the locked VMA put it. */
	if (svm_page_test_active(page) || svm_page_test_unevictable(page) ||
	    !svm_page_test_lru(page))
		return;
	lruvec = svm_page_lruvec(svm, page);
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
EXPORT_SYMBOL_IF_KUNIT(svm_mark_page_accessed);

/**
 * svm_lru_pages() - pages on one kind of list, over all nodes
 * @svm: the instance
 * @lru: which list
 *
 * Return: the count.
 */
unsigned long svm_lru_pages(struct svm_instance *svm, enum svm_lru_list lru)
{
	unsigned long n = 0;
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++)
		if (svm->reclaim->node[nid])
			n += READ_ONCE(svm->reclaim->node[nid]->lruvec.nr[lru]);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_lru_pages);
