// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm page allocator: the binary buddy allocator of the book's chapter
 * 6 with the 2.6 additions: per-CPU lists of order-0 pages, watermark
 * checks in zone_watermark_ok() style and grouping of pages by mobility
 * (2.6.24's __rmqueue_fallback()).
 *
 * Buddies are found by index XOR within a zone, as in the book: block
 * indices are relative to zone->zone_mem_map. A block is contiguous in
 * shadow pfns; the real pages behind it are contiguous only inside one
 * chunk. That is enough: shadowvm owns every page and nothing outside it
 * sees a shadow block as one piece of real memory.
 *
 * Locking: the per-CPU lists have their own lock, taken before the zone
 * lock. Both are plain spinlocks, taken without disabling bottom halves
 * or interrupts: the allocator is for task context only, never softirq or
 * hardirq (a softirq freeing a page on a CPU whose task holds the pcp or
 * zone lock would spin forever), which the entry points assert. Swap I/O
 * completions leave their pages to reclaim and work items, see
 * module/page_io.c. Event counters are per CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include <shadowvm/fault_inject.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/selfcheck.h>
#include <shadowvm/vmscan.h>
#include <trace/events/shadowvm.h>

/* Direct reclaim rounds an allocation makes before it fails. */
#define SVM_MAX_RECLAIM_ROUNDS	16

static inline void svm_count_event(struct svm_zone *zone,
				   enum svm_zone_stat_item item,
				   unsigned int order)
{
	this_cpu_inc(zone->stats->ev[item][order]);
}

static inline unsigned long svm_zone_page_idx(struct svm_zone *zone,
					      struct svm_page *page)
{
	return page - zone->zone_mem_map;
}

/**
 * svm_get_pageblock_migratetype() - mobility type of a page's pageblock
 * @zone: zone of @page
 * @page: the page
 *
 * Context: any context; takes no lock.
 * Return: the migratetype; stable only under the zone lock.
 */
enum svm_migratetype svm_get_pageblock_migratetype(struct svm_zone *zone,
						   struct svm_page *page)
{
	struct svm_instance *svm = zone->zone_pgdat->svm;

	return READ_ONCE(zone->pageblock_mt[svm_zone_page_idx(zone, page) >>
					   svm->pb_order]);
}
EXPORT_SYMBOL_IF_KUNIT(svm_get_pageblock_migratetype);

/* Tag every pageblock that [page, page + 2^order) touches. */
static void svm_set_pageblock_migratetype(struct svm_zone *zone,
					  struct svm_page *page,
					  unsigned int order, int mt)
{
	unsigned int pb_order = zone->zone_pgdat->svm->pb_order;
	unsigned long idx = svm_zone_page_idx(zone, page);
	unsigned long first = idx >> pb_order;
	unsigned long last = (idx + (1UL << order) - 1) >> pb_order;

	for (; first <= last && first < zone->nr_pageblocks; first++)
		WRITE_ONCE(zone->pageblock_mt[first], mt);
}

static inline void svm_set_buddy_order(struct svm_page *page,
				       unsigned int order)
{
	page->private = order;
	svm_page_set_buddy(page);
}

static inline void svm_clear_buddy_order(struct svm_page *page)
{
	svm_page_clear_buddy(page);
	page->private = 0;
}

/* Is @buddy the head of a free block of @order (2.6 page_is_buddy())? */
static inline bool svm_page_is_buddy(struct svm_page *buddy,
				     unsigned int order)
{
	return svm_page_test_buddy(buddy) && buddy->private == order;
}

static inline void svm_add_to_free_list(struct svm_zone *zone,
					struct svm_page *page,
					unsigned int order, int mt)
{
	svm_set_buddy_order(page, order);
	list_add(&page->lru, &zone->free_area[order].free_list[mt]);
	zone->free_area[order].nr_free++;
}

static inline void svm_del_from_free_list(struct svm_zone *zone,
					  struct svm_page *page,
					  unsigned int order)
{
	list_del_init(&page->lru);
	svm_clear_buddy_order(page);
	zone->free_area[order].nr_free--;
}

/*
 * __free_one_page(): merge the block with its buddy for as long as the
 * buddy is free and of the same order, then put the result on the free
 * list of its first pageblock's type. Caller holds the zone lock.
 */
static void svm_free_one_page(struct svm_zone *zone, struct svm_page *page,
			      unsigned int order)
{
	unsigned long idx = svm_zone_page_idx(zone, page);
	unsigned long nr = 1UL << order;

	while (order < SVM_MAX_ORDER) {
		unsigned long buddy_idx = idx ^ (1UL << order);
		struct svm_page *buddy;

		if (buddy_idx >= zone->spanned_pages)
			break;
		buddy = zone->zone_mem_map + buddy_idx;
		if (!svm_page_is_buddy(buddy, order))
			break;
		svm_del_from_free_list(zone, buddy, order);
		idx &= buddy_idx;
		order++;
	}
	page = zone->zone_mem_map + idx;
	svm_add_to_free_list(zone, page, order,
			     svm_get_pageblock_migratetype(zone, page));
	zone->free_pages += nr;
}

/*
 * expand(): a block of order @high was taken for a request of order @low;
 * give back the upper halves, largest first.
 */
static void svm_expand(struct svm_zone *zone, struct svm_page *page,
		       unsigned int low, unsigned int high, int mt)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		svm_add_to_free_list(zone, &page[size], high, mt);
	}
}

static struct svm_page *svm_rmqueue_smallest(struct svm_zone *zone,
					     unsigned int order, int mt)
{
	unsigned int current_order;

	for (current_order = order; current_order < SVM_NR_ORDERS;
	     current_order++) {
		struct svm_free_area *area = &zone->free_area[current_order];
		struct svm_page *page;

		page = list_first_entry_or_null(&area->free_list[mt],
						struct svm_page, lru);
		if (!page)
			continue;
		svm_del_from_free_list(zone, page, current_order);
		svm_expand(zone, page, order, current_order, mt);
		return page;
	}
	return NULL;
}

/*
 * move_freepages_block(): put every free block of @page's pageblock on the
 * @mt lists. Return: pages moved.
 */
static unsigned long svm_move_freepages_block(struct svm_zone *zone,
					      struct svm_page *page, int mt)
{
	unsigned int pb_order = zone->zone_pgdat->svm->pb_order;
	unsigned long idx = svm_zone_page_idx(zone, page);
	unsigned long start = round_down(idx, 1UL << pb_order);
	unsigned long end = min(start + (1UL << pb_order), zone->spanned_pages);
	unsigned long moved = 0;

	while (start < end) {
		struct svm_page *p = zone->zone_mem_map + start;
		unsigned int order;

		if (!svm_page_test_buddy(p)) {
			start++;
			continue;
		}
		order = p->private;
		list_move(&p->lru, &zone->free_area[order].free_list[mt]);
		start += 1UL << order;
		moved += 1UL << order;
	}
	return moved;
}

static const int svm_fallbacks[SVM_MIGRATE_TYPES] = {
	[SVM_MIGRATE_UNMOVABLE] = SVM_MIGRATE_MOVABLE,
	[SVM_MIGRATE_MOVABLE] = SVM_MIGRATE_UNMOVABLE,
};

/*
 * __rmqueue_fallback() of 2.6.24: take the largest free block of the other
 * type, so that the type mixing happens in as few pageblocks as possible.
 * A block of at least half a pageblock brings its whole pageblock over
 * (its other free pages too); the pageblock changes type when at least
 * half of it was free, or when the block covers it.
 */
static struct svm_page *svm_rmqueue_fallback(struct svm_zone *zone,
					     unsigned int order, int start_mt)
{
	struct svm_instance *svm = zone->zone_pgdat->svm;
	unsigned int pb_order = svm->pb_order;
	int mt = svm_fallbacks[start_mt];
	int current_order;
	bool stole;

	for (current_order = SVM_MAX_ORDER; current_order >= (int)order;
	     current_order--) {
		struct svm_free_area *area = &zone->free_area[current_order];
		struct svm_page *page;

		page = list_first_entry_or_null(&area->free_list[mt],
						struct svm_page, lru);
		if (!page)
			continue;

		stole = false;
		if (current_order >= pb_order / 2) {
			unsigned long moved;

			moved = svm_move_freepages_block(zone, page, start_mt);
			if (moved >= (1UL << pb_order) / 2 ||
			    current_order >= pb_order) {
				svm_set_pageblock_migratetype(zone, page,
							      current_order,
							      start_mt);
				stole = true;
			}
		}
		svm_del_from_free_list(zone, page, current_order);
		svm_expand(zone, page, order, current_order, start_mt);
		svm_count_event(zone, SVM_PGFALLBACK, order);
		trace_svm_page_alloc_extfrag(svm->id, zone->name,
					     svm_page_to_pfn(svm, page), order,
					     current_order, start_mt, mt,
					     stole);
		return page;
	}
	return NULL;
}

/* __rmqueue(): caller holds the zone lock. */
static struct svm_page *svm_rmqueue_locked(struct svm_zone *zone,
					   unsigned int order, int mt)
{
	struct svm_page *page = svm_rmqueue_smallest(zone, order, mt);

	if (!page)
		page = svm_rmqueue_fallback(zone, order, mt);
	if (page)
		zone->free_pages -= 1UL << order;
	return page;
}

/* rmqueue_bulk(): move up to @count order-0 pages to a per-CPU list. */
static int svm_rmqueue_bulk(struct svm_zone *zone, int count,
			    struct list_head *list, int mt)
{
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct svm_page *page = svm_rmqueue_locked(zone, 0, mt);

		if (!page)
			break;
		page->private = mt;
		list_add_tail(&page->lru, list);
	}
	spin_unlock(&zone->lock);
	return i;
}

/* free_pcppages_bulk(): give @count pages of @pcp back, round robin. */
static void svm_free_pcppages_bulk(struct svm_zone *zone, int count,
				   struct svm_per_cpu_pages *pcp)
{
	int mt = 0;

	lockdep_assert_held(&pcp->lock);
	spin_lock(&zone->lock);
	while (count > 0 && pcp->count) {
		struct list_head *list = &pcp->lists[mt];
		struct svm_page *page;

		mt = (mt + 1) % SVM_MIGRATE_TYPES;
		if (list_empty(list))
			continue;
		page = list_last_entry(list, struct svm_page, lru);
		list_del_init(&page->lru);
		page->private = 0;
		pcp->count--;
		count--;
		svm_free_one_page(zone, page, 0);
	}
	spin_unlock(&zone->lock);
}

static struct svm_page *svm_rmqueue_pcplist(struct svm_zone *zone, int mt)
{
	struct svm_per_cpu_pages *pcp;
	struct svm_page *page = NULL;
	struct list_head *list;

	pcp = get_cpu_ptr(zone->pageset);
	spin_lock(&pcp->lock);
	list = &pcp->lists[mt];
	if (list_empty(list))
		pcp->count += svm_rmqueue_bulk(zone, pcp->batch, list, mt);
	if (!list_empty(list)) {
		page = list_first_entry(list, struct svm_page, lru);
		list_del_init(&page->lru);
		page->private = 0;
		pcp->count--;
	}
	spin_unlock(&pcp->lock);
	put_cpu_ptr(zone->pageset);
	return page;
}

static struct svm_page *svm_rmqueue(struct svm_zone *zone, unsigned int order,
				    int mt)
{
	struct svm_page *page;

	if (!order)
		return svm_rmqueue_pcplist(zone, mt);
	spin_lock(&zone->lock);
	page = svm_rmqueue_locked(zone, order, mt);
	spin_unlock(&zone->lock);
	return page;
}

/**
 * svm_zone_watermark_ok() - may a zone serve a request? (2.6's
 * zone_watermark_ok())
 * @zone: the zone
 * @order: order of the request
 * @mark: the watermark, in pages
 * @alloc_flags: SVM_ALLOC_HIGH halves @mark, SVM_ALLOC_HARDER takes a
 *               quarter off what is left
 *
 * The zone must keep more than @mark pages free after the allocation, and
 * at each order below @order half as many in blocks of that order or
 * larger, so that a high-order request cannot empty the zone of large
 * blocks while small ones remain.
 *
 * Context: any context; reads the counters without the zone lock.
 * Return: true when it may.
 */
bool svm_zone_watermark_ok(struct svm_zone *zone, unsigned int order,
			   unsigned long mark, unsigned int alloc_flags)
{
	long min = mark;
	long free_pages = (long)READ_ONCE(zone->free_pages) -
			  (1L << order) + 1;
	unsigned int o;

	if (alloc_flags & SVM_ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & SVM_ALLOC_HARDER)
		min -= min / 4;
	if (free_pages <= min)
		return false;
	for (o = 0; o < order; o++) {
		free_pages -= READ_ONCE(zone->free_area[o].nr_free) << o;
		min >>= 1;
		if (free_pages <= min)
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(svm_zone_watermark_ok);

/* The watermark a request must keep; see Documentation/buddy.rst. */
static unsigned long svm_request_mark(struct svm_zone *zone, svm_gfp_t gfp,
				      unsigned int *alloc_flags)
{
	*alloc_flags = 0;
	if (svm_gfpflags_allow_blocking(gfp) && !(gfp & SVM_GFP_HIGH))
		return zone->pages_low;
	if (gfp & SVM_GFP_HIGH)
		*alloc_flags |= SVM_ALLOC_HIGH;
	if (!svm_gfpflags_allow_blocking(gfp))
		*alloc_flags |= SVM_ALLOC_HARDER;
	return zone->pages_min;
}

static void svm_prep_new_page(struct svm_instance *svm, struct svm_zone *zone,
			      struct svm_page *page, unsigned int order,
			      svm_gfp_t gfp)
{
	unsigned long i;

	atomic_set(&page->_refcount, 1);
	atomic_andnot(SVM_PAGE_ORDER_MASK, &page->flags);
	atomic_or(order << SVM_PAGE_ORDER_SHIFT, &page->flags);
	if (!(gfp & SVM_GFP_ZERO))
		return;
	for (i = 0; i < (1UL << order); i++) {
		/* HIGHMEM has no permanent mapping: map it on this CPU. */
		void *addr = svm_kmap_atomic(svm, page + i);

		clear_page(addr);
		svm_kunmap_atomic(svm, addr);
	}
}

static struct svm_page *
svm_get_page_from_zonelist(struct svm_instance *svm, struct svm_zone **zones,
			   svm_gfp_t gfp, unsigned int order)
{
	int mt = svm->group_by_mobility ? svm_gfp_migratetype(gfp) :
					  SVM_MIGRATE_UNMOVABLE;

	for (; *zones; zones++) {
		struct svm_zone *zone = *zones;
		unsigned int alloc_flags;
		unsigned long mark;
		struct svm_page *page;

		mark = svm_request_mark(zone, gfp, &alloc_flags);
		if (!svm_zone_watermark_ok(zone, order, mark, alloc_flags))
			continue;
		page = svm_rmqueue(zone, order, mt);
		if (!page)
			continue;
		svm_count_event(zone, SVM_PGALLOC, order);
		return page;
	}
	return NULL;
}

/**
 * svm_preferred_zone() - first zone a request tries
 * @svm: the instance
 * @nid: node to allocate from, or NUMA_NO_NODE for this CPU's node (the
 *       instance's first node when it has no pages there)
 * @gfp: the request's flags
 *
 * Context: any context; takes no lock.
 * Return: the zone, or NULL when no zone the request may use has pages.
 */
struct svm_zone *svm_preferred_zone(struct svm_instance *svm, int nid,
				    svm_gfp_t gfp)
{
	struct svm_pglist_data *pgdat = NULL;

	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	if (nid >= 0 && nid < nr_node_ids)
		pgdat = svm->node_data[nid];
	for (nid = 0; !pgdat && nid < nr_node_ids; nid++)
		pgdat = svm->node_data[nid];
	if (!pgdat)
		return NULL;
	return pgdat->node_zonelists[svm_gfp_zone(gfp)].zones[0];
}
EXPORT_SYMBOL_IF_KUNIT(svm_preferred_zone);

/**
 * svm_zonelist_has_room() - could @nr pages be had without any reclaim?
 * @svm: the instance
 * @gfp: the flags the pages would be asked with
 * @nr: how many
 *
 * True when a zone of @gfp's zonelist on this CPU's node has @nr free
 * pages above its high watermark: taking them wakes nobody. Speculative
 * allocations (pages allocated ahead of a fault) ask this first, so that
 * they never make reclaim evict pages somebody uses.
 *
 * Context: any context; reads the counters without the zone lock.
 * Return: true when there is room.
 */
bool svm_zonelist_has_room(struct svm_instance *svm, svm_gfp_t gfp,
			   unsigned long nr)
{
	struct svm_zone *preferred = svm_preferred_zone(svm, NUMA_NO_NODE, gfp);
	struct svm_zone **z;

	if (!preferred)
		return false;
	for (z = preferred->zone_pgdat->node_zonelists[svm_gfp_zone(gfp)].zones;
	     *z; z++)
		if (READ_ONCE((*z)->free_pages) > (*z)->pages_high + nr)
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(svm_zonelist_has_room);

/**
 * svm_alloc_pages_node() - allocate 2^@order shadow pages
 * @svm: the instance
 * @nid: preferred node, or NUMA_NO_NODE for this CPU's
 * @gfp: SVM_GFP_* flags
 * @order: 0 to SVM_MAX_ORDER
 *
 * Tries the zones of the zonelist @gfp selects, keeping each zone's
 * watermark, and wakes kswapd when a zone falls below its low watermark.
 * A request that may wait and may retry then drains the per-CPU lists
 * and reclaims pages itself (direct reclaim) before failing.
 *
 * Context: task context (a process, kthread or work item), never softirq
 * or hardirq: takes this CPU's pcp lock and the zone locks without
 * disabling bottom halves. Sleeps (drain, direct reclaim) only with
 * SVM_GFP_WAIT; without it, may be called under a spinlock. Direct
 * reclaim takes the slab chain mutex: a caller that may wait must not
 * hold it.
 * Return: the first page of the block, with a reference count of 1, or
 * NULL.
 */
struct svm_page *svm_alloc_pages_node(struct svm_instance *svm, int nid,
				      svm_gfp_t gfp, unsigned int order)
{
	struct svm_zone **zones, *preferred;
	unsigned int reclaim_rounds = 0, no_progress = 0;
	struct svm_page *page;
	bool drained = false;

	svm_assert_task_context();
	might_sleep_if(svm_gfpflags_allow_blocking(gfp));
	if (order > SVM_MAX_ORDER || (gfp & ~SVM_GFP_VALID)) {
		if (!(gfp & SVM_GFP_NOWARN))
			pr_warn_ratelimited("%s: bad request order:%u mode:%#x\n",
					    svm->name, order,
					    (__force unsigned int)gfp);
		return NULL;
	}
	preferred = svm_preferred_zone(svm, nid, gfp);
	if (!preferred || svm_should_fail_alloc_page(svm, gfp, order))
		goto nopage;
	zones = preferred->zone_pgdat->node_zonelists[svm_gfp_zone(gfp)].zones;
retry:
	page = svm_get_page_from_zonelist(svm, zones, gfp, order);
	if (page) {
		struct svm_zone *zone = svm_page_zone(svm, page);

		if (zone != preferred) {
			svm_count_event(zone, SVM_PGZONE_FALLBACK, order);
			trace_svm_zone_fallback(svm->id, preferred->name,
						zone->name, order,
						(__force unsigned int)gfp);
		}
		svm_prep_new_page(svm, zone, page, order, gfp);
		trace_svm_page_alloc(svm->id, zone->name,
				     svm_page_to_pfn(svm, page), order,
				     (__force unsigned int)gfp,
				     svm_gfp_migratetype(gfp));
		svm_wakeup_kswapd(svm, zone);
		return page;
	}
	svm_wakeup_kswapd(svm, preferred);
	if (svm_gfpflags_allow_blocking(gfp) && !(gfp & SVM_GFP_NORETRY)) {
		/* Pages parked on per-CPU lists first: that costs no I/O. */
		if (!drained) {
			svm_drain_all_pages(svm);
			drained = true;
			goto retry;
		}
		/*
		 * Then direct reclaim, while it makes progress, or while
		 * pages could still come free though this round freed none.
		 */
		if (reclaim_rounds < SVM_MAX_RECLAIM_ROUNDS) {
			if (svm_try_to_free_pages(svm,
						  preferred->zone_pgdat->node_id,
						  gfp)) {
				reclaim_rounds++;
				no_progress = 0;
				drained = false;
				goto retry;
			}
			if (svm_should_reclaim_retry(svm, ++no_progress)) {
				drained = false;
				goto retry;
			}
		}
	}
	svm_count_event(preferred, SVM_PGALLOC_FAIL, order);
nopage:
	trace_svm_page_alloc_fail(svm->id, order, (__force unsigned int)gfp);
	if (!(gfp & SVM_GFP_NOWARN))
		pr_warn_ratelimited("%s: page allocation failure: order:%u, mode:%#x\n",
				    svm->name, order, (__force unsigned int)gfp);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svm_alloc_pages_node);

/**
 * svm_alloc_pages() - allocate 2^@order shadow pages on this CPU's node
 * @svm: the instance
 * @gfp: SVM_GFP_* flags
 * @order: 0 to SVM_MAX_ORDER
 *
 * Context: as svm_alloc_pages_node().
 * Return: the first page of the block, or NULL.
 */
struct svm_page *svm_alloc_pages(struct svm_instance *svm, svm_gfp_t gfp,
				 unsigned int order)
{
	return svm_alloc_pages_node(svm, NUMA_NO_NODE, gfp, order);
}
EXPORT_SYMBOL_IF_KUNIT(svm_alloc_pages);

/**
 * svm_page_address() - kernel address of a lowmem shadow page's real page
 * @svm: the instance
 * @page: a page of @svm
 *
 * Context: any context.
 * Return: the address, or NULL for HIGHMEM pages, which have no permanent
 * mapping (debug builds log and count such calls: use svm_kmap()).
 */
void *svm_page_address(struct svm_instance *svm, struct svm_page *page)
{
	if (svm_page_test_highmem(page)) {
		svm_highmem_bad_address(svm, page);
		return NULL;
	}
	return page_address(svm_page_to_real(svm, page));
}
EXPORT_SYMBOL_IF_KUNIT(svm_page_address);

/**
 * svm_get_free_pages() - allocate lowmem shadow pages, return their address
 * @svm: the instance
 * @gfp: SVM_GFP_* flags; SVM_GFP_HIGHMEM is refused
 * @order: 0 to SVM_MAX_ORDER
 *
 * The address is that of the first real page; the real pages of a block
 * are contiguous only when the block lies in one chunk.
 *
 * Context: as svm_alloc_pages_node().
 * Return: the address, or 0.
 */
unsigned long svm_get_free_pages(struct svm_instance *svm, svm_gfp_t gfp,
				 unsigned int order)
{
	struct svm_page *page;

	if (gfp & SVM_GFP_HIGHMEM)
		return 0;
	page = svm_alloc_pages(svm, gfp, order);
	if (!page)
		return 0;
	return (unsigned long)svm_page_address(svm, page);
}
EXPORT_SYMBOL_IF_KUNIT(svm_get_free_pages);

/**
 * svm_get_zeroed_page() - allocate one zeroed lowmem shadow page
 * @svm: the instance
 * @gfp: SVM_GFP_* flags
 *
 * Context: as svm_alloc_pages_node().
 * Return: its address, or 0.
 */
unsigned long svm_get_zeroed_page(struct svm_instance *svm, svm_gfp_t gfp)
{
	return svm_get_free_pages(svm, gfp | SVM_GFP_ZERO, 0);
}
EXPORT_SYMBOL_IF_KUNIT(svm_get_zeroed_page);

static bool svm_free_refused(struct svm_instance *svm, struct svm_page *page,
			     unsigned int order)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)svm->mem_map;
	unsigned long pfn;
	int count;

	if ((uintptr_t)page < (uintptr_t)svm->mem_map ||
	    off >= svm->nr_pages * sizeof(*page) || off % sizeof(*page)) {
		atomic_long_inc(&svm->bad_free_foreign);
		pr_warn("%s: svm_free_pages(%p, order %u): not a page of this instance, refused\n",
			svm->name, page, order);
		return true;
	}
	pfn = svm_page_to_pfn(svm, page);
	count = svm_page_count(page);
	if (count <= 0 || svm_page_test_buddy(page)) {
		atomic_long_inc(&svm->bad_free_double);
		pr_warn("%s: svm_free_pages(pfn %lu, order %u): page not allocated (double free?), refused\n",
			svm->name, pfn, order);
		return true;
	}
	if (order > SVM_MAX_ORDER || svm_page_alloc_order(page) != order) {
		atomic_long_inc(&svm->bad_free_order);
		pr_warn("%s: svm_free_pages(pfn %lu, order %u): allocated with order %u, refused\n",
			svm->name, pfn, order, svm_page_alloc_order(page));
		return true;
	}
	if (count == 1 && ((atomic_read(&page->flags) &
			    SVM_PAGE_FLAGS_CHECK_AT_FREE) || page->mapping)) {
		atomic_long_inc(&svm->bad_free_state);
		pr_warn("%s: svm_free_pages(pfn %lu, order %u): page still in use (flags %#x), refused\n",
			svm->name, pfn, order, atomic_read(&page->flags));
		return true;
	}
	return false;
}

/* Order-0 frees go to this CPU's list; a full list gives a batch back. */
static void svm_free_unref_page(struct svm_zone *zone, struct svm_page *page)
{
	struct svm_per_cpu_pages *pcp;
	int mt;

	pcp = get_cpu_ptr(zone->pageset);
	spin_lock(&pcp->lock);
	mt = svm_get_pageblock_migratetype(zone, page);
	page->private = mt;
	list_add(&page->lru, &pcp->lists[mt]);
	pcp->count++;
	if (pcp->count >= pcp->high)
		svm_free_pcppages_bulk(zone, pcp->batch, pcp);
	spin_unlock(&pcp->lock);
	put_cpu_ptr(zone->pageset);
}

/**
 * svm_free_pages() - drop a reference to a block; free it on the last one
 * @svm: the instance
 * @page: first page of a block from svm_alloc_pages()
 * @order: the order it was allocated with
 *
 * A page not of @svm, not allocated, freed with another order or still in
 * use (see SVM_PAGE_FLAGS_CHECK_AT_FREE) is reported with one warning,
 * counted in @svm->bad_free_* and left alone.
 *
 * Context: task context, never softirq or hardirq; does not sleep. Takes
 * this CPU's pcp lock for an order-0 page (and the zone lock under it when
 * the list gives a batch back), the zone lock for a larger block, without
 * disabling bottom halves. An I/O completion must hand its pages to a work
 * item rather than free them here.
 */
void svm_free_pages(struct svm_instance *svm, struct svm_page *page,
		    unsigned int order)
{
	struct svm_zone *zone;

	svm_assert_task_context();
	if (svm_free_refused(svm, page, order))
		return;
	if (!atomic_dec_and_test(&page->_refcount))
		return;

	zone = svm_page_zone(svm, page);
	atomic_andnot(SVM_PAGE_FLAGS_CLEAR_AT_FREE, &page->flags);
	page->private = 0;
	page->index = 0;
	svm_count_event(zone, SVM_PGFREE, order);
	trace_svm_page_free(svm->id, zone->name, svm_page_to_pfn(svm, page),
			    order);
	if (!order) {
		svm_free_unref_page(zone, page);
		return;
	}
	spin_lock(&zone->lock);
	svm_free_one_page(zone, page, order);
	spin_unlock(&zone->lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_free_pages);

/**
 * svm_drain_zone_pages() - give every CPU's list of a zone back
 * @zone: the zone
 *
 * Context: task context, never softirq or hardirq; does not sleep. Takes
 * each CPU's pcp lock in turn and the zone lock under it.
 */
void svm_drain_zone_pages(struct svm_zone *zone)
{
	int cpu;

	svm_assert_task_context();
	for_each_possible_cpu(cpu) {
		struct svm_per_cpu_pages *pcp = per_cpu_ptr(zone->pageset, cpu);

		spin_lock(&pcp->lock);
		svm_free_pcppages_bulk(zone, pcp->count, pcp);
		spin_unlock(&pcp->lock);
	}
}

/**
 * svm_drain_all_pages() - give every per-CPU list of an instance back
 * @svm: the instance
 *
 * Other CPUs' lists are drained from here under their locks, not by IPIs.
 *
 * Context: as svm_drain_zone_pages(), for each zone.
 */
void svm_drain_all_pages(struct svm_instance *svm)
{
	struct svm_zone *zone;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		svm_drain_zone_pages(zone);
}
EXPORT_SYMBOL_IF_KUNIT(svm_drain_all_pages);

/**
 * svm_free_area_init() - give all the pages of a new zone to its buddy lists
 * @zone: a zone whose descriptors are set up
 *
 * Each page goes into the largest aligned block that fits, so the lists
 * start fully merged.
 *
 * Context: process context, at instance creation; takes the zone lock.
 */
void svm_free_area_init(struct svm_zone *zone)
{
	unsigned long idx = 0;

	zone->managed_pages = zone->present_pages;
	spin_lock(&zone->lock);
	while (idx < zone->spanned_pages) {
		unsigned int order = min_t(unsigned int, SVM_MAX_ORDER,
					   idx ? __ffs(idx) : SVM_MAX_ORDER);
		struct svm_page *page;

		while (idx + (1UL << order) > zone->spanned_pages)
			order--;
		page = zone->zone_mem_map + idx;
		svm_add_to_free_list(zone, page, order,
				     svm_get_pageblock_migratetype(zone, page));
		zone->free_pages += 1UL << order;
		idx += 1UL << order;
	}
	spin_unlock(&zone->lock);
}

static int svm_check_fail(struct svm_zone *zone, const char *what,
			  unsigned long idx)
{
	pr_err("check: node %d zone %s idx %lu: %s\n",
	       zone->zone_pgdat->node_id, zone->name, idx, what);
	return -EUCLEAN;
}

/* Mark [idx, idx + n) as seen on a free list; fail if any already was. */
static int svm_check_mark(struct svm_zone *zone, unsigned long *seen,
			  unsigned long idx, unsigned long n)
{
	if (find_next_bit(seen, idx + n, idx) < idx + n)
		return svm_check_fail(zone, "page on two free lists", idx);
	bitmap_set(seen, idx, n);
	return 0;
}

static int svm_check_pcp(struct svm_zone *zone, unsigned long *seen,
			 unsigned long *pcp_pages)
{
	int cpu, ret = 0;

	for_each_possible_cpu(cpu) {
		struct svm_per_cpu_pages *pcp = per_cpu_ptr(zone->pageset, cpu);
		struct svm_page *page;
		int mt, n = 0;

		spin_lock(&pcp->lock);
		for (mt = 0; mt < SVM_MIGRATE_TYPES && !ret; mt++) {
			list_for_each_entry(page, &pcp->lists[mt], lru) {
				unsigned long idx = page - zone->zone_mem_map;

				if (idx >= zone->spanned_pages)
					ret = svm_check_fail(zone, "foreign page on pcp list", idx);
				else if (svm_page_count(page) ||
					 svm_page_test_buddy(page))
					ret = svm_check_fail(zone, "busy page on pcp list", idx);
				else
					ret = svm_check_mark(zone, seen, idx, 1);
				if (ret)
					break;
				n++;
			}
		}
		if (!ret && n != pcp->count)
			ret = svm_check_fail(zone, "pcp count wrong", n);
		spin_unlock(&pcp->lock);
		if (ret)
			return ret;
		*pcp_pages += n;
	}
	return 0;
}

static int svm_check_free_lists(struct svm_zone *zone, unsigned long *seen,
				unsigned long *free)
{
	unsigned int order;
	int mt, ret;

	for (order = 0; order < SVM_NR_ORDERS; order++) {
		struct svm_free_area *area = &zone->free_area[order];
		unsigned long blocks = 0;

		for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++) {
			struct svm_page *page;

			list_for_each_entry(page, &area->free_list[mt], lru) {
				unsigned long idx = page - zone->zone_mem_map;
				unsigned long buddy = idx ^ (1UL << order);

				if (idx >= zone->spanned_pages ||
				    idx + (1UL << order) > zone->spanned_pages ||
				    (idx & ((1UL << order) - 1)))
					return svm_check_fail(zone, "misplaced free block", idx);
				if (!svm_page_is_buddy(page, order) ||
				    svm_page_count(page))
					return svm_check_fail(zone, "free head not marked", idx);
				if (order < SVM_MAX_ORDER &&
				    buddy < zone->spanned_pages &&
				    svm_page_is_buddy(zone->zone_mem_map + buddy,
						      order))
					return svm_check_fail(zone, "free buddies not merged", idx);
				ret = svm_check_mark(zone, seen, idx,
						     1UL << order);
				if (ret)
					return ret;
				blocks++;
				*free += 1UL << order;
			}
		}
		if (blocks != area->nr_free)
			return svm_check_fail(zone, "nr_free wrong", order);
	}
	return 0;
}

static int svm_check_zone(struct svm_zone *zone, unsigned long *seen)
{
	unsigned long idx, free = 0, pcp = 0, used = 0, counted = 0;
	unsigned int order;
	int ret;

	ret = svm_check_pcp(zone, seen, &pcp);
	if (ret)
		return ret;

	spin_lock(&zone->lock);
	ret = svm_check_free_lists(zone, seen, &free);
	if (!ret && free != zone->free_pages)
		ret = svm_check_fail(zone, "free_pages wrong", free);
	for (idx = 0; !ret && idx < zone->spanned_pages; idx++) {
		struct svm_page *page = zone->zone_mem_map + idx;

		if (test_bit(idx, seen)) {
			if (svm_page_count(page))
				ret = svm_check_fail(zone, "free page in use", idx);
			continue;
		}
		if (svm_page_test_buddy(page))
			ret = svm_check_fail(zone, "stray buddy flag", idx);
		used++;
	}
	spin_unlock(&zone->lock);
	if (ret)
		return ret;

	for (order = 0; order < SVM_NR_ORDERS; order++)
		counted += (svm_zone_stat(zone, SVM_PGALLOC, order) -
			    svm_zone_stat(zone, SVM_PGFREE, order)) << order;
	if (counted != used)
		return svm_check_fail(zone, "allocated pages != counters", used);
	if (free + pcp + used != zone->managed_pages)
		return svm_check_fail(zone, "free + allocated != managed", used);
	return 0;
}

/**
 * svm_check_instance() - check the buddy allocator's invariants
 * @svm: an instance nobody allocates from or frees to meanwhile
 *
 * For every zone: each free block is aligned, marked and on one list only,
 * no two free buddies are left unmerged, the counts of the lists are right,
 * per-CPU pages are free, and free + per-CPU + allocated pages = managed
 * pages, with the allocated pages matching the alloc/free counters. The
 * first violation is logged with pr_err().
 *
 * Context: process context; may sleep.
 * Return: 0, -EUCLEAN on a violation, -ENOMEM.
 */
int svm_check_instance(struct svm_instance *svm)
{
	struct svm_zone *zone;
	int ret;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone)) {
		unsigned long *seen;

		seen = bitmap_zalloc(zone->spanned_pages, GFP_KERNEL);
		if (!seen)
			return -ENOMEM;
		ret = svm_check_zone(zone, seen);
		bitmap_free(seen);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_check_instance);

/* One CPU's list: its pages are free order-0 pages of @zone, @count right. */
static void svm_pcp_selfcheck(struct svm_zone *zone, int cpu,
			      struct svm_selfcheck *sc)
{
	struct svm_per_cpu_pages *pcp = per_cpu_ptr(zone->pageset, cpu);
	int mt, n = 0;

	spin_lock(&pcp->lock);
	for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++) {
		struct svm_page *page;

		list_for_each_entry(page, &pcp->lists[mt], lru) {
			unsigned long idx = page - zone->zone_mem_map;

			if (idx >= zone->spanned_pages)
				svm_selfcheck_report(sc, "zone %s cpu %d: foreign page on the per-cpu list\n",
						     zone->name, cpu);
			else if (svm_page_count(page) || svm_page_test_buddy(page) ||
				 page->private != mt)
				svm_selfcheck_report(sc, "zone %s cpu %d idx %lu: per-cpu page count %d flags %#x private %u\n",
						     zone->name, cpu, idx,
						     svm_page_count(page),
						     atomic_read(&page->flags),
						     page->private);
			/* A corrupted list must not keep us here. */
			if (++n > zone->spanned_pages)
				goto out;
		}
	}
out:
	if (n != pcp->count)
		svm_selfcheck_report(sc, "zone %s cpu %d: per-cpu count %d, lists hold %d\n",
				     zone->name, cpu, pcp->count, n);
	spin_unlock(&pcp->lock);
}

/* One free block of @zone's free lists; caller holds the zone lock. */
static void svm_free_block_selfcheck(struct svm_zone *zone,
				     struct svm_page *page, unsigned int order,
				     unsigned long *seen,
				     struct svm_selfcheck *sc)
{
	unsigned long idx = page - zone->zone_mem_map, n = 1UL << order, i;
	unsigned long buddy = idx ^ n;

	if (idx >= zone->spanned_pages || idx + n > zone->spanned_pages ||
	    (idx & (n - 1))) {
		svm_selfcheck_report(sc, "zone %s order %u: misplaced free block at idx %ld\n",
				     zone->name, order, (long)idx);
		return;
	}
	if (!svm_page_is_buddy(page, order) || svm_page_count(page))
		svm_selfcheck_report(sc, "zone %s idx %lu: free block of order %u has flags %#x private %u count %d\n",
				     zone->name, idx, order,
				     atomic_read(&page->flags), page->private,
				     svm_page_count(page));
	for (i = 1; i < n; i++) {
		struct svm_page *tail = page + i;

		if (svm_page_test_buddy(tail) || svm_page_count(tail))
			svm_selfcheck_report(sc, "zone %s idx %lu: tail of a free block has flags %#x count %d\n",
					     zone->name, idx + i,
					     atomic_read(&tail->flags),
					     svm_page_count(tail));
	}
	if (order < SVM_MAX_ORDER && buddy + n <= zone->spanned_pages &&
	    svm_page_is_buddy(zone->zone_mem_map + buddy, order))
		svm_selfcheck_report(sc, "zone %s idx %lu: free buddies of order %u not merged\n",
				     zone->name, idx, order);
	if (find_next_bit(seen, idx + n, idx) < idx + n)
		svm_selfcheck_report(sc, "zone %s idx %lu: page on two free lists\n",
				     zone->name, idx);
	bitmap_set(seen, idx, n);
}

/**
 * svm_zone_selfcheck() - check the buddy free lists of every zone
 * @svm: the instance
 * @sc: where to report violations
 *
 * Each per-CPU list under its lock: free order-0 pages of the zone,
 * @count right. Then, under the zone lock, every block on the free lists:
 * aligned and inside the zone, its head marked free with its order, its
 * tail pages unmarked, on one list only, not left unmerged with a free
 * buddy; nr_free of each order and free_pages match the lists, and no
 * page outside them carries the free-block mark. Pages moving between a
 * per-CPU list and the free lists are not cross-checked: the two are
 * never locked together.
 *
 * Context: process context, any time; takes each per-CPU lock, then
 * each zone lock, alone.
 */
void svm_zone_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc)
{
	struct svm_zone *zone;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone)) {
		unsigned long idx, free = 0, steps = 0;
		unsigned long *seen;
		unsigned int order;
		int cpu, mt;

		for_each_possible_cpu(cpu)
			svm_pcp_selfcheck(zone, cpu, sc);
		seen = bitmap_zalloc(zone->spanned_pages, GFP_KERNEL);
		if (!seen) {
			svm_selfcheck_report(sc, "zone %s: no memory to check\n",
					     zone->name);
			continue;
		}
		spin_lock(&zone->lock);
		for (order = 0; order < SVM_NR_ORDERS; order++) {
			struct svm_free_area *area = &zone->free_area[order];
			unsigned long blocks = 0;

			for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++) {
				struct svm_page *page;

				list_for_each_entry(page, &area->free_list[mt],
						    lru) {
					if (++steps > zone->spanned_pages)
						break;
					svm_free_block_selfcheck(zone, page,
								 order, seen,
								 sc);
					blocks++;
					free += 1UL << order;
				}
			}
			if (blocks != area->nr_free)
				svm_selfcheck_report(sc, "zone %s order %u: nr_free %lu, lists hold %lu\n",
						     zone->name, order,
						     area->nr_free, blocks);
		}
		if (free != zone->free_pages)
			svm_selfcheck_report(sc, "zone %s: free_pages %lu, free lists hold %lu\n",
					     zone->name, zone->free_pages, free);
		for (idx = 0; idx < zone->spanned_pages; idx++)
			if (!test_bit(idx, seen) &&
			    svm_page_test_buddy(zone->zone_mem_map + idx))
				svm_selfcheck_report(sc, "zone %s idx %lu: free-block mark on a page of no free list\n",
						     zone->name, idx);
		spin_unlock(&zone->lock);
		bitmap_free(seen);
	}
}
