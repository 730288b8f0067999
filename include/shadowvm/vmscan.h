/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm page frame reclamation: the LRU lists, shrinking them, kswapd
 * and direct reclaim (the book, chapter 10; 2.6's mm/vmscan.c and
 * mm/swap.c). See Documentation/reclaim.rst.
 *
 * Each shadow node has an active, an inactive and an unevictable list
 * (per node as Linux since 4.8; per zone in 2.6, where 2.6.28 added the
 * unevictable list; the book's 2.4 kernel had one global pair).
 * Pages of objects and of the swap cache are on them; the lists hold no
 * reference, taking a page off them to reclaim it (isolating) does.
 */
#ifndef _SHADOWVM_VMSCAN_H
#define _SHADOWVM_VMSCAN_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <shadowvm/gfp.h>
#include <shadowvm/rmap.h>

struct dentry;
struct svm_instance;
struct svm_address_space;
struct svm_page;
struct svm_policy_ops;
struct svm_zone;
struct task_struct;

/* Scanning starts at 1/2^12 of a list and doubles each round (2.6). */
#define SVM_DEF_PRIORITY	12

/**
 * enum svm_lru_list - the LRU lists of a node
 * @SVM_LRU_INACTIVE: candidates for eviction, newest first
 * @SVM_LRU_ACTIVE: the working set
 * @SVM_LRU_UNEVICTABLE: pages of locked mappings, which reclaim leaves
 *                       alone until they are unlocked (2.6.28)
 * @SVM_NR_LRU_LISTS: number of lists
 */
enum svm_lru_list {
	SVM_LRU_INACTIVE,
	SVM_LRU_ACTIVE,
	SVM_LRU_UNEVICTABLE,
	SVM_NR_LRU_LISTS,
};

/**
 * struct svm_lruvec - the LRU lists of one node
 * @lru_lock: protects the lists and @nr (the book's pagemap_lru_lock)
 * @lists: the lists, indexed by enum svm_lru_list
 * @nr: pages on each list
 * @nonresident_age: the node's clock for refault distances: pages freed
 *                   by reclaim plus pages activated, since the instance
 *                   was made (the kernel's lruvec->nonresident_age; see
 *                   module/workingset.c)
 */
struct svm_lruvec {
	spinlock_t lru_lock;	/* the lists */
	struct list_head lists[SVM_NR_LRU_LISTS];
	unsigned long nr[SVM_NR_LRU_LISTS];
	atomic_long_t nonresident_age;
};

/**
 * struct svm_node_reclaim - reclaim state of one shadow node
 * @svm: the instance
 * @nid: the node
 * @lruvec: its LRU lists
 * @policy: the replacement policy's state for the node
 * @kswapd: its kswapd thread; NULL when the instance runs without one
 * @kswapd_wait: kswapd sleeps here
 * @kswapd_wake: a wake-up is pending
 * @kswapd_running: kswapd is balancing the node now
 * @kswapd_runs: balancing runs
 * @kswapd_reclaimed: pages kswapd freed, in all
 * @kswapd_wakeups: times it was woken
 * @kswapd_priority: the priority the last round of the last run ended at
 *                   (0 when it had to scan everything)
 */
struct svm_node_reclaim {
	struct svm_instance *svm;
	int nid;
	struct svm_lruvec lruvec;
	void *policy;
	struct task_struct *kswapd;
	wait_queue_head_t kswapd_wait;
	bool kswapd_wake;
	bool kswapd_running;
	unsigned long kswapd_runs;
	unsigned long kswapd_reclaimed;
	unsigned long kswapd_wakeups;
	int kswapd_priority;
};

/**
 * struct svm_reclaim - reclaim state of an instance
 * @svm: the instance
 * @node: per node, indexed by node id; NULL for nodes with no memory
 * @refbit: how reclaim learns that a mapped page is in use
 * @ops: the replacement policy (include/shadowvm/policy.h)
 * @page_ext: the policy's per-page state, @ops->page_ext bytes per pfn
 * @reap_work: frees pages whose swap-out completed when no reclaimer
 *             comes by first; queued by the write completions
 */
struct svm_reclaim {
	struct svm_instance *svm;
	struct svm_node_reclaim **node;
	enum svm_refbit refbit;
	const struct svm_policy_ops *ops;
	u8 *page_ext;
	struct work_struct reap_work;
};

/**
 * struct svm_scan_control - one reclaim request (2.6's scan_control)
 * @nr_to_reclaim: stop once this many pages were freed
 * @nr_scanned: inactive pages looked at
 * @nr_reclaimed: pages freed
 * @nr_written: dirty pages whose write to swap was started
 * @priority: lists are scanned 1/2^@priority at a time
 * @gfp: the flags of the allocation that asked, or SVM_GFP_KERNEL
 * @kswapd: run by kswapd (for the counters)
 * @may_writepage: dirty pages may be written to swap
 */
struct svm_scan_control {
	unsigned long nr_to_reclaim;
	unsigned long nr_scanned;
	unsigned long nr_reclaimed;
	unsigned long nr_written;
	int priority;
	svm_gfp_t gfp;
	bool kswapd;
	bool may_writepage;
};

int svm_reclaim_init(struct svm_instance *svm, bool kswapd,
		     const char *policy);
void svm_reclaim_exit(struct svm_instance *svm);
void svm_kswapd_stop(struct svm_instance *svm);
void svm_reclaim_set_refbit(struct svm_instance *svm, enum svm_refbit mode);
void svm_rescue_unevictable(struct svm_instance *svm,
			    struct svm_address_space *as);

/* module/swap.c: the LRU lists' entry points */
void svm_lru_cache_add(struct svm_instance *svm, struct svm_page *page);
void svm_lru_del(struct svm_instance *svm, struct svm_page *page);
bool svm_isolate_lru_page(struct svm_instance *svm, struct svm_page *page);
void svm_mark_page_accessed(struct svm_instance *svm, struct svm_page *page);
unsigned long svm_lru_pages(struct svm_instance *svm, enum svm_lru_list lru);

void svm_wakeup_kswapd(struct svm_instance *svm, struct svm_zone *zone);
unsigned long svm_try_to_free_pages(struct svm_instance *svm, int nid,
				    svm_gfp_t gfp);
/* Rounds of direct reclaim without progress an allocation retries. */
#define SVM_MAX_RECLAIM_RETRIES	16

bool svm_should_reclaim_retry(struct svm_instance *svm,
			      unsigned int no_progress);
unsigned long svm_reap_written(struct svm_instance *svm, bool wait);
unsigned long svm_shrink_all_memory(struct svm_instance *svm,
				    unsigned long nr_pages);
#if IS_ENABLED(CONFIG_KUNIT)
void svm_shrink_node(struct svm_node_reclaim *nr, struct svm_scan_control *sc);
#endif

void svm_reclaim_debugfs_create(struct svm_instance *svm, struct dentry *dir);

#endif /* _SHADOWVM_VMSCAN_H */
