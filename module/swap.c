// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm LRU lists: where pages enter and leave them, and how a use
 * moves a page up (the book, section 10.2; 2.6's mm/swap.c, which, in
 * spite of its name, is the LRU's entry points: lru_cache_add(),
 * mark_page_accessed()). The page cache, the swap cache and reclaim
 * call these; they hand evictable pages to the instance's replacement
 * policy (include/shadowvm/policy.h), which alone orders them, and keep
 * the unevictable list themselves.
 */
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/mm_inline.h>
#include <shadowvm/page.h>
#include <shadowvm/policy.h>
#include <shadowvm/vmscan.h>

/*
 * Link a page, PG_lru just set, where it belongs: the unevictable list
 * when a locked VMA maps it, else to its replacement policy.
 */
static void svm_lru_link_page(struct svm_node_reclaim *node,
			      struct svm_page *page)
{
	if (svm_page_test_unevictable(page))
		svm_add_page_to_lru_list(page, &node->lruvec,
					 SVM_LRU_UNEVICTABLE);
	else
		node->svm->reclaim->ops->add(node, page);
}

/* Unlink a page whose PG_lru was just cleared. */
static void svm_lru_unlink_page(struct svm_node_reclaim *node,
				struct svm_page *page)
{
	if (svm_page_test_unevictable(page))
		svm_del_page_from_lru_list(page, &node->lruvec,
					   SVM_LRU_UNEVICTABLE);
	else
		node->svm->reclaim->ops->del(node, page);
}

/**
 * svm_lru_cache_add() - give a page to the LRU
 * @svm: the instance
 * @page: a page in a page cache or the swap cache, on no list; it goes
 *        to the unevictable list when SVM_PG_unevictable is set, else to
 *        the replacement policy (2.6: the active list when SVM_PG_active
 *        is set, else the inactive one)
 */
void svm_lru_cache_add(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_node_reclaim *node = svm_page_node_reclaim(svm, page);

	spin_lock(&node->lruvec.lru_lock);
	if (!svm_page_test_set_lru(page))
		svm_lru_link_page(node, page);
	spin_unlock(&node->lruvec.lru_lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_lru_cache_add);

/**
 * svm_lru_del() - take a page off the LRU for good
 * @svm: the instance
 * @page: a page leaving the caches; nothing is unlinked when it is on no
 *        list (isolated by reclaim, which then drops it). Its policy
 *        state is cleared either way.
 */
void svm_lru_del(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_node_reclaim *node = svm_page_node_reclaim(svm, page);

	spin_lock(&node->lruvec.lru_lock);
	if (svm_page_test_clear_lru(page))
		svm_lru_unlink_page(node, page);
	svm_page_clear_policy(svm, page);
	svm_page_clear_unevictable(page);
	spin_unlock(&node->lruvec.lru_lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_lru_del);

/**
 * svm_isolate_lru_page() - take a page off the LRU to work on it
 * @svm: the instance
 * @page: the page
 *
 * The page keeps its policy state; svm_lru_cache_add() gives it back.
 *
 * Return: true, with a reference for the caller, when the page was on a
 * list; false when somebody else has it isolated.
 */
bool svm_isolate_lru_page(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_node_reclaim *node = svm_page_node_reclaim(svm, page);
	bool ret = false;

	spin_lock(&node->lruvec.lru_lock);
	if (svm_page_test_clear_lru(page)) {
		svm_lru_unlink_page(node, page);
		svm_get_page(page);
		ret = true;
	}
	spin_unlock(&node->lruvec.lru_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_isolate_lru_page);

/**
 * svm_mark_page_accessed() - note a use of a page (2.6's
 * mark_page_accessed())
 * @svm: the instance
 * @page: a page on an LRU list or isolated
 *
 * The replacement policy decides what a use does (2.6: the second use
 * moves an inactive page to the active list).
 *
 * Context: process context; takes the node's lru_lock.
 */
void svm_mark_page_accessed(struct svm_instance *svm, struct svm_page *page)
{
	svm->reclaim->ops->accessed(svm_page_node_reclaim(svm, page), page);
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
