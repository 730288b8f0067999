/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm LRU list helpers (the kernel's include/linux/mm_inline.h):
 * the only code that links a page into a node's LRU lists (or a
 * replacement policy's own), unlinks it or moves it between them, so that
 * the lists and their counts never disagree. Reclaim and every policy
 * use them.
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
 * svm_lru_link() - put a page at the head of a list, counted as @lru
 * @page: the page, on no list
 * @lruvec: its node's lists
 * @head: the list: one of @lruvec->lists, or a policy's own
 * @lru: the kind of list it counts in (@lruvec->nr)
 *
 * Context: under @lruvec->lru_lock.
 */
static inline void svm_lru_link(struct svm_page *page,
				struct svm_lruvec *lruvec,
				struct list_head *head, enum svm_lru_list lru)
{
	lockdep_assert_held(&lruvec->lru_lock);
	list_add(&page->lru, head);
	lruvec->nr[lru]++;
}

/**
 * svm_lru_unlink() - take a page off the list it is on
 * @page: the page
 * @lruvec: its node's lists
 * @lru: the kind of list it counts in
 *
 * Leaves @page->lru empty, so that the caller may link it elsewhere.
 *
 * Context: under @lruvec->lru_lock.
 */
static inline void svm_lru_unlink(struct svm_page *page,
				  struct svm_lruvec *lruvec,
				  enum svm_lru_list lru)
{
	lockdep_assert_held(&lruvec->lru_lock);
	list_del_init(&page->lru);
	lruvec->nr[lru]--;
}

/**
 * svm_lru_relink() - move a page to the head of another list
 * @page: the page, counted as @from
 * @lruvec: its node's lists
 * @head: the list it goes to
 * @from: the kind of list it counted in
 * @to: the kind of list it counts in now
 *
 * Context: under @lruvec->lru_lock.
 */
static inline void svm_lru_relink(struct svm_page *page,
				  struct svm_lruvec *lruvec,
				  struct list_head *head,
				  enum svm_lru_list from, enum svm_lru_list to)
{
	lockdep_assert_held(&lruvec->lru_lock);
	list_move(&page->lru, head);
	lruvec->nr[from]--;
	lruvec->nr[to]++;
}

/**
 * svm_add_page_to_lru_list() - put a page at the head of a node list
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
	svm_lru_link(page, lruvec, &lruvec->lists[lru], lru);
}

/**
 * svm_del_page_from_lru_list() - take a page off a node list
 * @page: the page, on @lru
 * @lruvec: its node's lists
 * @lru: the list it is on
 *
 * Context: under @lruvec->lru_lock.
 */
static inline void svm_del_page_from_lru_list(struct svm_page *page,
					      struct svm_lruvec *lruvec,
					      enum svm_lru_list lru)
{
	svm_lru_unlink(page, lruvec, lru);
}

/**
 * svm_move_page_lru_list() - move a page to the head of another node list
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
	svm_lru_relink(page, lruvec, &lruvec->lists[to], from, to);
}

/**
 * svm_page_node_reclaim() - the reclaim state of a page's node
 * @svm: the instance
 * @page: the page
 *
 * Return: the node's reclaim state, with its lists and policy state.
 */
static inline struct svm_node_reclaim *
svm_page_node_reclaim(struct svm_instance *svm, struct svm_page *page)
{
	return svm->reclaim->node[svm_page_to_nid(page)];
}

#endif /* _SHADOWVM_MM_INLINE_H */
