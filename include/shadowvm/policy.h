/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm page replacement policies: the interface every policy
 * implements, and what reclaim offers them. See Documentation/policies.rst.
 *
 * Reclaim (module/vmscan.c) owns the mechanism: isolating pages, asking
 * the page tables whether a page was used, writing dirty pages to swap,
 * freeing clean ones, kswapd and direct reclaim. A policy owns the order:
 * which lists the node's evictable pages are kept on, what a use does to
 * a page, which pages a reclaim pass offers for eviction and what it does
 * with a page that turns out to be in use, and whether a refaulting page
 * was evicted too early. The LRU's entry points (module/swap.c), reclaim
 * and refault detection (module/workingset.c) call a policy only through
 * its svm_policy_ops, in the spirit of NetBSD's uvm_pdpolicy hooks.
 *
 * The unevictable list (pages of locked mappings) is the same for every
 * policy and is not a policy's business: pages reach a policy only while
 * they are evictable.
 *
 * State. A policy keeps its per-node state in svm_node_reclaim.policy
 * and its lists under the node's lru_lock; per page it has the page's
 * SVM_PG_active and SVM_PG_referenced bits, and svm_policy_ops.page_ext
 * bytes of its own beside each page (the kernel's page_ext). Both survive
 * an isolation and are cleared when the page leaves the caches (truncated
 * or evicted: svm_page_clear_policy()). It accounts each page it holds
 * as active or inactive (svm_lruvec.nr), for vmstat and for reclaim's
 * estimates; what the two mean is the policy's to say.
 */
#ifndef _SHADOWVM_POLICY_H
#define _SHADOWVM_POLICY_H

#include <linux/list.h>
#include <linux/types.h>

#include <shadowvm/vmscan.h>

struct dentry;
struct seq_file;
struct svm_instance;
struct svm_page;
struct svm_selfcheck;

/**
 * enum svm_page_references - what reclaim does with an isolated page
 * @SVM_PAGEREF_RECLAIM: evict it (unmapped first when mapped)
 * @SVM_PAGEREF_KEEP: give it back to the policy as it is
 * @SVM_PAGEREF_ACTIVATE: it is in use; the policy has already promoted
 *                        it (reclaim counts a pgactivate and gives it
 *                        back)
 */
enum svm_page_references {
	SVM_PAGEREF_RECLAIM,
	SVM_PAGEREF_KEEP,
	SVM_PAGEREF_ACTIVATE,
};

/**
 * struct svm_policy_ops - a page replacement policy
 * @name: its name, as policy= takes it
 * @desc: one line for the debugfs "policy" file and the log
 * @page_ext: bytes of per-page state (at most 8), zero when a page
 *            first reaches the policy; 0 for none
 * @init: optional; set up a node's state in node->policy, in process
 *        context. Return: 0 or -errno.
 * @exit: optional; free it. The node holds no page any more.
 * @add: take an evictable page: a new page, or one given back after
 *       isolation (its SVM_PG_active and page_ext tell where it was).
 *       Called under the node's lru_lock.
 * @del: let go of a page @add took: truncation, or reclaim or migration
 *       isolating it. Called under the node's lru_lock.
 * @accessed: a use by read(), write() or a fault (mark_page_accessed()).
 *       The page may be on the policy's lists, isolated or unevictable;
 *       an unevictable page must stay where it is. Called in process
 *       context without the lru_lock, which it takes to move the page.
 * @shrink_node: one reclaim pass over a node at sc->priority: age the
 *       policy's lists and offer victims to svm_shrink_page_list() until
 *       @sc's target is met or the pass scanned what priority allows.
 *       Called in process context; may sleep.
 * @check_references: was isolated, locked @page used since the policy
 *       last looked? Uses svm_page_referenced() or the PTE and
 *       PG_referenced primitives; on SVM_PAGEREF_ACTIVATE it has updated
 *       the page's state. Called with the page locked; may sleep.
 * @refault: a page evicted @distance evictions and activations ago is
 *       being read back (module/workingset.c); mark it for a promoted
 *       place and return true when the policy thinks it was evicted too
 *       early. The page is locked and on no list yet.
 * @show: optional; the node's part of the debugfs "policy" file. Called
 *       under the node's lru_lock.
 * @selfcheck: check the policy's lists with svm_lru_check_list() (which
 *       marks each page found in @on) and whatever else it keeps. Called
 *       under the node's lru_lock.
 */
struct svm_policy_ops {
	const char *name;
	const char *desc;
	unsigned int page_ext;
	int (*init)(struct svm_node_reclaim *node);
	void (*exit)(struct svm_node_reclaim *node);
	void (*add)(struct svm_node_reclaim *node, struct svm_page *page);
	void (*del)(struct svm_node_reclaim *node, struct svm_page *page);
	void (*accessed)(struct svm_node_reclaim *node, struct svm_page *page);
	void (*shrink_node)(struct svm_node_reclaim *node,
			    struct svm_scan_control *sc);
	enum svm_page_references (*check_references)(struct svm_node_reclaim *node,
						     struct svm_page *page);
	bool (*refault)(struct svm_node_reclaim *node, struct svm_page *page,
			unsigned long distance);
	void (*show)(struct seq_file *m, struct svm_node_reclaim *node);
	void (*selfcheck)(struct svm_node_reclaim *node, unsigned long *on,
			  struct svm_selfcheck *sc);
};

/* The policies (module/policy_*.c) */
extern const struct svm_policy_ops svm_policy_26;

/* module/policy.c */
const struct svm_policy_ops *svm_policy_lookup(const char *name);
const struct svm_policy_ops *svm_policy_by_index(unsigned int i);
const char *svm_policy_names(char *buf, size_t size);
void *svm_page_ext(struct svm_instance *svm, struct svm_page *page);
void svm_page_clear_policy(struct svm_instance *svm, struct svm_page *page);
int svm_policy_init(struct svm_instance *svm, const char *name);
void svm_policy_exit(struct svm_instance *svm);
void svm_policy_debugfs_create(struct svm_instance *svm, struct dentry *dir);

/* module/vmscan.c: what reclaim offers a policy */
unsigned long svm_isolate_lru_pages(struct svm_node_reclaim *node,
				    struct list_head *src,
				    enum svm_lru_list lru,
				    unsigned long count,
				    struct list_head *dst);
void svm_putback_lru_page(struct svm_instance *svm, struct svm_page *page,
			  bool locked);
void svm_shrink_page_list(struct svm_node_reclaim *node,
			  struct list_head *pages,
			  struct svm_scan_control *sc);
bool svm_page_evictable(struct svm_instance *svm, struct svm_page *page);
bool svm_page_referenced(struct svm_instance *svm, struct svm_page *page);
void svm_lru_check_list(struct svm_node_reclaim *node, struct list_head *head,
			const char *name, unsigned long nr,
			bool (*fits)(struct svm_node_reclaim *node,
				     struct svm_page *page),
			unsigned long *on, struct svm_selfcheck *sc);

#if IS_ENABLED(CONFIG_KUNIT)
void svm_refill_inactive(struct svm_node_reclaim *node, unsigned long count);
#endif

#endif /* _SHADOWVM_POLICY_H */
