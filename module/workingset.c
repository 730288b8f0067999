// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm refault detection for swapped pages (6.12's mm/workingset.c).
 * See Documentation/workingset.rst.
 *
 * Each node keeps a clock, its non-resident age, that ticks once for
 * every page reclaim frees from the node and once for every page moved
 * to its active list. A page freed while its data stays on a swap slot
 * leaves the clock's reading beside the slot (svm_swap_set_shadow()).
 * When the slot is read back into a new swap-cache page the difference
 * between the clock and that reading is the refault distance: how many
 * pages the inactive list let go, or gave up to the active list, while
 * the page was out. Had the inactive list been larger by that many pages
 * the page would never have left; those pages can only come from the
 * active list, so a distance no larger than the active list means the
 * page belongs to the working set and is activated at once, instead of
 * having to prove itself on the inactive list again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/nodemask.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/page.h>
#include <shadowvm/policy.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>
#include <shadowvm/workingset.h>
#include <trace/events/shadowvm.h>

/*
 * A shadow is a u32: bit 0 set (so that no shadow is 0, the value of an
 * empty slot), then the node, then as many low bits of the node's clock
 * at eviction as fit.
 */
#define SVM_WS_NODE_SHIFT	1
#define SVM_WS_EVICTION_SHIFT	(SVM_WS_NODE_SHIFT + NODES_SHIFT)
#define SVM_WS_EVICTION_BITS	(32 - SVM_WS_EVICTION_SHIFT)
#define SVM_WS_EVICTION_MASK	(BIT(SVM_WS_EVICTION_BITS) - 1)

static_assert(SVM_WS_EVICTION_BITS >= 16);

/*
 * A distance larger than the instance's memory can never be within its
 * active list, so the clock only needs to tell apart distances up to
 * that. When the instance has more pages than the eviction bits can
 * count, the clock is read in buckets of 2^order pages: distances keep
 * their magnitude and lose only their low bits.
 */
static unsigned int svm_ws_bucket_order(struct svm_instance *svm)
{
	unsigned int order = svm->nr_pages > 1 ?
			     fls_long(svm->nr_pages - 1) : 0;

	return order > SVM_WS_EVICTION_BITS ? order - SVM_WS_EVICTION_BITS : 0;
}

static struct svm_lruvec *svm_ws_lruvec(struct svm_instance *svm, int nid)
{
	struct svm_node_reclaim *node;

	if (nid < 0 || nid >= nr_node_ids)
		return NULL;
	node = svm->reclaim->node[nid];
	return node ? &node->lruvec : NULL;
}

static u32 svm_ws_pack(int nid, unsigned long eviction)
{
	eviction &= SVM_WS_EVICTION_MASK;
	return (u32)(eviction << SVM_WS_EVICTION_SHIFT) |
	       ((u32)nid << SVM_WS_NODE_SHIFT) | 1;
}

static void svm_ws_unpack(u32 shadow, int *nid, unsigned long *eviction)
{
	*nid = (shadow >> SVM_WS_NODE_SHIFT) & (BIT(NODES_SHIFT) - 1);
	*eviction = shadow >> SVM_WS_EVICTION_SHIFT;
}

/**
 * svm_workingset_activation() - a page went to its node's active list
 * @svm: the instance
 * @page: the page just activated
 *
 * Advances the node's non-resident age (the kernel's
 * workingset_activation()): an activation takes a place the inactive
 * list could have given a page, as an eviction does.
 *
 * Context: any; called by module/vmscan.c where pages are activated.
 */
void svm_workingset_activation(struct svm_instance *svm,
			       struct svm_page *page)
{
	struct svm_lruvec *lruvec = svm_ws_lruvec(svm, svm_page_to_nid(page));

	if (lruvec)
		atomic_long_inc(&lruvec->nonresident_age);
}

/**
 * svm_workingset_eviction() - reclaim freed a page
 * @svm: the instance
 * @page: the page, out of every cache, not yet given back to the buddy
 *        allocator
 * @entry: the swap slot its data stays on; 0 for a page that leaves a
 *         hole (never written), which advances the clock only
 *
 * Reads the node's non-resident age, advances it, and leaves the reading
 * beside the slot (the kernel's workingset_eviction()). Only reclaim calls
 * this: truncation and swapoff do not evict, they free the data too.
 *
 * Context: process context, page locked; called by module/vmscan.c;
 * takes svm_swap_info.lock.
 */
void svm_workingset_eviction(struct svm_instance *svm, struct svm_page *page,
			     struct svm_swp_entry entry)
{
	int nid = svm_page_to_nid(page);
	struct svm_lruvec *lruvec = svm_ws_lruvec(svm, nid);
	unsigned long eviction;

	if (!lruvec)
		return;
	eviction = atomic_long_fetch_inc(&lruvec->nonresident_age);
	if (!entry.val)
		return;
	eviction >>= svm_ws_bucket_order(svm);
	svm_swap_set_shadow(svm, entry, svm_ws_pack(nid, eviction));
}
EXPORT_SYMBOL_IF_KUNIT(svm_workingset_eviction);

/**
 * svm_workingset_refault() - a swap slot is being read into a new page
 * @svm: the instance
 * @page: the new swap-cache page, locked, on no LRU list yet
 * @entry: its slot
 *
 * Consumes the slot's shadow, if any, and counts a refault. The
 * replacement policy judges the distance since the eviction (2.6: no
 * more than the pages on the active list of the node the page was
 * evicted from, as the kernel's workingset_refault()); when it was too
 * early, the policy marks @page so that svm_lru_cache_add() gives it a
 * promoted place, and that activation advances the clock in its turn.
 *
 * Context: process context; called by module/swap_state.c; takes
 * svm_swap_info.lock.
 */
void svm_workingset_refault(struct svm_instance *svm, struct svm_page *page,
			    struct svm_swp_entry entry)
{
	unsigned int order = svm_ws_bucket_order(svm);
	unsigned long eviction, refault, distance, active;
	struct svm_lruvec *lruvec;
	bool activate;
	u32 shadow;
	int nid;

	shadow = svm_swap_take_shadow(svm, entry);
	if (!shadow)
		return;
	svm_ws_unpack(shadow, &nid, &eviction);
	lruvec = svm_ws_lruvec(svm, nid);
	if (!lruvec)
		return;
	refault = atomic_long_read(&lruvec->nonresident_age) >> order;
	/* The clock may have wrapped in the shadow's bits: it only counts up. */
	distance = ((refault - eviction) & SVM_WS_EVICTION_MASK) << order;
	active = READ_ONCE(lruvec->nr[SVM_LRU_ACTIVE]);
	activate = svm->reclaim->ops->refault(svm->reclaim->node[nid], page,
					      distance);
	svm_count_vm_event(svm, SVM_WORKINGSET_REFAULT);
	if (activate) {
		svm_workingset_activation(svm, page);
		svm_count_vm_event(svm, SVM_WORKINGSET_ACTIVATE);
	}
	trace_svm_workingset_refault(svm->id, nid, svm_page_to_pfn(svm, page),
				     entry.val, distance, active, activate);
}
EXPORT_SYMBOL_IF_KUNIT(svm_workingset_refault);
