/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm LRU list helpers (the kernel's include/linux/mm_inline.h):
 * the only code that links a page into a node's LRU lists, unlinks it or
 * moves it between them, so that a list and its count never disagree.
 * Reclaim uses them, and so will every replacement policy.
 *
 * Each takes the list explicitly rather than reading it from the page's
 * flags, because callers change those flags around the move (activation
 * sets SVM_PG_active, a rescue clears SVM_PG_unevictable). The caller
 * holds lruvec->lru_lock and owns SVM_PG_lru: it is set while the page is
 * on a list, and whoever clears it takes the page off.
 */
#ifndef _SHADOWVM_MM_INLINE_H
#define _SHADOWVM_MM_INLINE_H

#include <linux/list.h>
#include <linux/lockdep.h>

#include <shadowvm/core.h>
#include <shadowvm/page.h>
#include <shadowvm/vmscan.h>

/**
 * svm_page_lruvec() - the LRU lists a page belongs on
 * @svm: the instance
 * @page: the page
 *
 * Return: the lists of the page's node.
 */
static inline struct svm_lruvec *svm_page_lruvec(struct svm_instance *svm,
						 struct svm_page *page)
{
	return &svm->reclaim->node[svm_page_to_nid(page)]->lruvec;
}

/**
 * svm_page_lru_list() - the list a page's flags put it on
 * @page: the page
 *
 * Return: SVM_LRU_UNEVICTABLE, SVM_LRU_ACTIVE or SVM_LRU_INACTIVE, from
 * SVM_PG_unevictable and SVM_PG_active (the kernel's folio_lru_list()).
 */
static inline enum svm_lru_list svm_page_lru_list(struct svm_page *page)
{
	if (svm_page_test_unevictable(page))
		return SVM_LRU_UNEVICTABLE;
	return svm_page_test_active(page) ? SVM_LRU_ACTIVE : SVM_LRU_INACTIVE;
}

/**
 * svm_add_page_to_lru_list() - put a page at the head of a list
 * @page: the page, on no list
 * @lruvec: its node's lists
 * @lru: the list
 *
 * Context: under @lruvec->lru_lock.
 */
static inline void svm_add_page_to_lru_list(struct svm_page *page,
					    struct svm_lruvec *lruvec,
					    enum svm_lru_list lru)
{
	lockdep_assert_held(&lruvec->lru_lock);
	list_add(&page->lru, &lruvec->lists[lru]);
	lruvec->nr[lru]++;
}

/**
 * svm_del_page_from_lru_list() - take a page off a list
 * @page: the page, on @lru
 * @lruvec: its node's lists
 * @lru: the list it is on
 *
 * Leaves @page->lru empty, so that the caller may link it elsewhere.
 *
 * Context: under @lruvec->lru_lock.
 */
static inline void svm_del_page_from_lru_list(struct svm_page *page,
					      struct svm_lruvec *lruvec,
					      enum svm_lru_list lru)
{
	lockdep_assert_held(&lruvec->lru_lock);
	list_del_init(&page->lru);
	lruvec->nr[lru]--;
}

/**
 * svm_move_page_lru_list() - move a page to the head of another list
 * @page: the page, on @from
 * @lruvec: its node's lists
 * @from: the list it is on
 * @to: the list it goes to
 *
 * Context: under @lruvec->lru_lock.
 */
static inline void svm_move_page_lru_list(struct svm_page *page,
					  struct svm_lruvec *lruvec,
					  enum svm_lru_list from,
					  enum svm_lru_list to)
{
	lockdep_assert_held(&lruvec->lru_lock);
	list_move(&page->lru, &lruvec->lists[to]);
	lruvec->nr[from]--;
	lruvec->nr[to]++;
}

#endif /* _SHADOWVM_MM_INLINE_H */
