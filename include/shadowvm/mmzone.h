/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm nodes and zones: how an instance's shadow pages are organised
 * (the book, chapter 2, with the 2.6 additions). See
 * Documentation/physical-memory.rst.
 */
#ifndef _SHADOWVM_MMZONE_H
#define _SHADOWVM_MMZONE_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <shadowvm/core.h>
#include <shadowvm/gfp.h>
#include <shadowvm/page.h>

/* Largest order of a shadow buddy block, inclusive (6.12's MAX_PAGE_ORDER). */
#define SVM_MAX_ORDER		10
#define SVM_NR_ORDERS		(SVM_MAX_ORDER + 1)
/* Largest pageblock order; small instances use smaller pageblocks. */
#define SVM_PAGEBLOCK_ORDER	9

/* The order of an allocated block must fit in the page flags. */
static_assert(BIT(SVM_PAGE_ORDER_BITS) > SVM_MAX_ORDER);

/**
 * enum svm_zone_type - the zones of a shadow node, lowest first
 * @SVM_ZONE_DMA: the first pages of the instance, for SVM_GFP_DMA
 * @SVM_ZONE_NORMAL: the directly mapped rest of the low memory
 * @SVM_ZONE_HIGHMEM: the top of the instance, emulated high memory: no
 *                    permanent kernel mapping (svm_page_address() is NULL)
 * @SVM_MAX_NR_ZONES: number of zone types
 */
enum svm_zone_type {
	SVM_ZONE_DMA,
	SVM_ZONE_NORMAL,
	SVM_ZONE_HIGHMEM,
	SVM_MAX_NR_ZONES,
};

/**
 * enum svm_migratetype - mobility of a pageblock's pages (2.6.24)
 * @SVM_MIGRATE_UNMOVABLE: kernel objects; stay where they are
 * @SVM_MIGRATE_MOVABLE: user and page cache pages (SVM_GFP_MOVABLE)
 * @SVM_MIGRATE_TYPES: number of types
 */
enum svm_migratetype {
	SVM_MIGRATE_UNMOVABLE,
	SVM_MIGRATE_MOVABLE,
	SVM_MIGRATE_TYPES,
};

/**
 * struct svm_free_area - free blocks of one order (the book's free_area_t)
 * @free_list: block heads, one list per migratetype
 * @nr_free: blocks on all the lists
 */
struct svm_free_area {
	struct list_head free_list[SVM_MIGRATE_TYPES];
	unsigned long nr_free;
};

/**
 * struct svm_per_cpu_pages - a CPU's cache of free order-0 pages of a zone
 * @lock: protects the lists and @count; taken before the zone lock, and
 *        by other CPUs only to drain
 * @count: pages on the lists
 * @high: when @count reaches it, @batch pages go back to the buddy lists
 * @batch: pages moved between the buddy lists and here at a time
 * @lists: the pages, one list per migratetype
 */
struct svm_per_cpu_pages {
	spinlock_t lock;	/* before zone->lock */
	int count;
	int high;
	int batch;
	struct list_head lists[SVM_MIGRATE_TYPES];
};

/**
 * enum svm_zone_stat_item - events counted per zone and order
 * @SVM_PGALLOC: blocks allocated from the zone
 * @SVM_PGFREE: blocks freed to the zone
 * @SVM_PGFALLBACK: blocks taken from another migratetype's free list
 * @SVM_PGZONE_FALLBACK: blocks allocated here for a request that preferred
 *                       another zone
 * @SVM_PGALLOC_FAIL: failed requests that preferred this zone
 * @SVM_NR_ZONE_STAT: number of counters
 */
enum svm_zone_stat_item {
	SVM_PGALLOC,
	SVM_PGFREE,
	SVM_PGFALLBACK,
	SVM_PGZONE_FALLBACK,
	SVM_PGALLOC_FAIL,
	SVM_NR_ZONE_STAT,
};

/**
 * struct svm_zone_stats - a CPU's share of a zone's event counters
 * @ev: counts by event and order
 */
struct svm_zone_stats {
	unsigned long ev[SVM_NR_ZONE_STAT][SVM_NR_ORDERS];
};

/**
 * struct svm_zone - one zone of a shadow node (the book's zone_t)
 * @name: "DMA", "Normal" or "HighMem", as in /proc/zoneinfo
 * @zone_pgdat: node the zone belongs to
 * @zone_mem_map: descriptor of the zone's first page; buddy indices are
 *                relative to it, as in the book
 * @zone_start_pfn: shadow pfn of the first page
 * @spanned_pages: pages from the first to the last (no holes: = present)
 * @present_pages: pages that exist
 * @managed_pages: pages the buddy allocator manages (= present: nothing is
 *                 taken by a boot allocator)
 * @pages_min: the min watermark
 * @pages_low: the low watermark (min * 5/4)
 * @pages_high: the high watermark (min * 3/2)
 * @pageblock_mt: migratetype of each pageblock of the zone
 * @nr_pageblocks: entries in @pageblock_mt
 * @pageset: the per-CPU page lists
 * @stats: the per-CPU event counters
 * @lock: protects @free_area, @free_pages and @pageblock_mt
 * @free_pages: pages on the buddy free lists (not counting per-CPU lists)
 * @free_area: the buddy free lists by order
 */
struct svm_zone {
	const char *name;
	struct svm_pglist_data *zone_pgdat;
	struct svm_page *zone_mem_map;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long pages_min;
	unsigned long pages_low;
	unsigned long pages_high;
	u8 *pageblock_mt;
	unsigned long nr_pageblocks;
	struct svm_per_cpu_pages __percpu *pageset;
	struct svm_zone_stats __percpu *stats;

	spinlock_t lock ____cacheline_aligned_in_smp;
	unsigned long free_pages;
	struct svm_free_area free_area[SVM_NR_ORDERS];
};

/**
 * struct svm_zonelist - zones to try, in order, for one request type
 * @zones: NULL-terminated list, the preferred zone first
 */
struct svm_zonelist {
	struct svm_zone **zones;
};

/**
 * struct svm_pglist_data - a shadow node (the book's pg_data_t)
 * @node_zones: the zones, SVM_ZONE_DMA first; empty zones have no pages
 * @node_zonelists: for each highest zone a request may use, the zones to
 *                  try: this node's from that zone down, then the other
 *                  nodes' the same way
 * @nr_zones: number of populated zones
 * @node_mem_map: descriptor of the node's first page
 * @node_start_pfn: shadow pfn of the node's first page
 * @node_present_pages: pages in the node
 * @node_spanned_pages: pages from the first to the last (= present)
 * @node_id: the real NUMA node the pages came from
 * @svm: instance the node belongs to
 */
struct svm_pglist_data {
	struct svm_zone node_zones[SVM_MAX_NR_ZONES];
	struct svm_zonelist node_zonelists[SVM_MAX_NR_ZONES];
	int nr_zones;
	struct svm_page *node_mem_map;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
	struct svm_instance *svm;
};

/**
 * svm_populated_zone() - does a zone have pages?
 * @zone: the zone
 *
 * Return: true when it has.
 */
static inline bool svm_populated_zone(const struct svm_zone *zone)
{
	return zone->present_pages;
}

/**
 * svm_zone_idx() - type of a zone
 * @zone: the zone
 *
 * Return: its enum svm_zone_type.
 */
static inline enum svm_zone_type svm_zone_idx(const struct svm_zone *zone)
{
	return zone - zone->zone_pgdat->node_zones;
}

/**
 * svm_page_zone() - zone a shadow page belongs to
 * @svm: the instance
 * @page: a page of @svm
 *
 * Return: the zone.
 */
static inline struct svm_zone *svm_page_zone(const struct svm_instance *svm,
					     const struct svm_page *page)
{
	return &svm->node_data[svm_page_to_nid(page)]->node_zones[svm_page_zonenum(page)];
}

/**
 * svm_gfp_zone() - highest zone a request may use
 * @gfp: the request's flags
 *
 * Return: SVM_ZONE_DMA with SVM_GFP_DMA, SVM_ZONE_HIGHMEM with
 * SVM_GFP_HIGHMEM (DMA wins when both are set, as in 2.6), else
 * SVM_ZONE_NORMAL.
 */
static inline enum svm_zone_type svm_gfp_zone(svm_gfp_t gfp)
{
	if (gfp & SVM_GFP_DMA)
		return SVM_ZONE_DMA;
	if (gfp & SVM_GFP_HIGHMEM)
		return SVM_ZONE_HIGHMEM;
	return SVM_ZONE_NORMAL;
}

/**
 * svm_gfp_migratetype() - free lists a request allocates from
 * @gfp: the request's flags
 *
 * Return: SVM_MIGRATE_MOVABLE with SVM_GFP_MOVABLE, else unmovable.
 */
static inline enum svm_migratetype svm_gfp_migratetype(svm_gfp_t gfp)
{
	return gfp & SVM_GFP_MOVABLE ? SVM_MIGRATE_MOVABLE :
				       SVM_MIGRATE_UNMOVABLE;
}

/* module/mmzone.c */
int svm_zone_sizes(const struct svm_params *p, unsigned long *dma_pages,
		   unsigned long *highmem_pages);
int svm_mem_init(struct svm_instance *svm, const struct svm_params *params);
void svm_mem_exit(struct svm_instance *svm);
const char *svm_migratetype_name(enum svm_migratetype mt);
unsigned long svm_zone_stat(struct svm_zone *zone,
			    enum svm_zone_stat_item item, unsigned int order);
struct svm_zone *svm_next_zone(const struct svm_instance *svm,
			       struct svm_zone *zone);
unsigned long svm_zone_room(const struct svm_instance *svm,
			    enum svm_zone_type type);

/* module/page_alloc.c */
struct svm_zone *svm_preferred_zone(struct svm_instance *svm, int nid,
				    svm_gfp_t gfp);
bool svm_zone_watermark_ok(struct svm_zone *zone, unsigned int order,
			   unsigned long mark, unsigned int alloc_flags);
enum svm_migratetype svm_get_pageblock_migratetype(struct svm_zone *zone,
						   struct svm_page *page);
void svm_free_area_init(struct svm_zone *zone);
void svm_drain_zone_pages(struct svm_zone *zone);
int svm_check_instance(struct svm_instance *svm);

/* Watermark adjustments (2.6's ALLOC_*), for svm_zone_watermark_ok(). */
#define SVM_ALLOC_HARDER	BIT(0)
#define SVM_ALLOC_HIGH		BIT(1)

#endif /* _SHADOWVM_MMZONE_H */
