// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm nodes and zones: laying the shadow mem_map over an instance's
 * chunks, cutting it into nodes and zones, and sizing the watermarks and
 * per-CPU lists (the book, chapter 2; 2.6's free_area_init_core(),
 * setup_per_zone_pages_min() and zone_batchsize()).
 *
 * Shadow pfns number the instance's pages node by node (real node id
 * order), within a node in the order the chunks were reserved. Chunks are
 * reserved largest first, so every chunk starts at a shadow pfn aligned to
 * its own size: an aligned group of 2^(smallest chunk order) shadow pfns
 * never straddles two chunks, and one real page pointer per group finds
 * the real page of any shadow pfn in O(1).
 *
 * The zones are ranges of shadow pfns of the whole instance: DMA at the
 * bottom, HIGHMEM at the top, NORMAL between. A node's zone is the part of
 * that range inside the node, so on a NUMA machine DMA lives on the first
 * node and HIGHMEM on the last, as on real hardware.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include <shadowvm/mmzone.h>

/* 2.6's bounds of the default min_free_kbytes. */
#define SVM_MIN_FREE_KBYTES_MIN		128
#define SVM_MIN_FREE_KBYTES_MAX		65536
/* Default DMA zone: 1/16 of the instance, at most this much. */
#define SVM_DMA_DEFAULT_MAX_BYTES	(16UL << 20)
/* 2.6 sized the highmem min watermark between these (SWAP_CLUSTER_MAX). */
#define SVM_HIGHMEM_MIN_PAGES_MIN	32
#define SVM_HIGHMEM_MIN_PAGES_MAX	128
/* Smallest per-CPU batch, so that small shadow zones still use the lists. */
#define SVM_PCP_MIN_BATCH		4

static const char * const svm_zone_names[SVM_MAX_NR_ZONES] = {
	[SVM_ZONE_DMA] = "DMA",
	[SVM_ZONE_NORMAL] = "Normal",
	[SVM_ZONE_HIGHMEM] = "HighMem",
};

static const char * const svm_migratetype_names[SVM_MIGRATE_TYPES] = {
	[SVM_MIGRATE_UNMOVABLE] = "Unmovable",
	[SVM_MIGRATE_MOVABLE] = "Movable",
};

/**
 * svm_migratetype_name() - name of a migratetype, as in pagetypeinfo
 * @mt: the migratetype
 *
 * Return: "Unmovable" or "Movable".
 */
const char *svm_migratetype_name(enum svm_migratetype mt)
{
	return svm_migratetype_names[mt];
}

/**
 * svm_zone_stat() - sum of a zone's event counter over all CPUs
 * @zone: the zone
 * @item: the event
 * @order: the order it is counted at
 *
 * Return: the count.
 */
unsigned long svm_zone_stat(struct svm_zone *zone,
			    enum svm_zone_stat_item item, unsigned int order)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(zone->stats, cpu)->ev[item][order];
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(svm_zone_stat);

/**
 * svm_next_zone() - walk the populated zones of an instance
 * @svm: the instance
 * @zone: the zone returned last, or NULL to start
 *
 * Zones come node by node, lowest zone first, as 2.6's next_zone().
 *
 * Return: the next populated zone, or NULL after the last.
 */
struct svm_zone *svm_next_zone(const struct svm_instance *svm,
			       struct svm_zone *zone)
{
	int nid = 0, type = 0;

	if (zone) {
		nid = zone->zone_pgdat->node_id;
		type = svm_zone_idx(zone) + 1;
	}
	for (; nid < nr_node_ids; nid++, type = 0) {
		struct svm_pglist_data *pgdat = svm->node_data[nid];

		if (!pgdat)
			continue;
		for (; type < SVM_MAX_NR_ZONES; type++)
			if (svm_populated_zone(&pgdat->node_zones[type]))
				return &pgdat->node_zones[type];
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svm_next_zone);

/* Build the O(1) shadow pfn -> real page table, node by node. */
static int svm_map_chunks(struct svm_instance *svm, unsigned long *node_pages)
{
	unsigned int shift = MAX_PAGE_ORDER;
	unsigned long i, pfn = 0;
	int nid;

	for (i = 0; i < svm->nr_chunks; i++)
		shift = min(shift, svm->chunks[i].order);
	svm->real_shift = shift;
	svm->real_map = kvcalloc(svm->nr_pages >> shift,
				 sizeof(*svm->real_map), GFP_KERNEL);
	if (!svm->real_map)
		return -ENOMEM;

	for (nid = 0; nid < nr_node_ids; nid++) {
		for (i = 0; i < svm->nr_chunks; i++) {
			const struct svm_chunk *c = &svm->chunks[i];
			unsigned long j, n = 1UL << (c->order - shift);

			if (c->nid != nid)
				continue;
			for (j = 0; j < n; j++)
				svm->real_map[(pfn >> shift) + j] =
					c->page + (j << shift);
			pfn += 1UL << c->order;
			node_pages[nid] += 1UL << c->order;
		}
	}
	return 0;
}

/**
 * svm_zone_sizes() - the DMA and HIGHMEM zone sizes an instance will have
 * @p: the parameters it is created with
 * @dma_pages: where to store the DMA zone size
 * @highmem_pages: where to store the HIGHMEM zone size
 *
 * Applies the defaults documented at struct svm_params.
 *
 * Return: 0, or -EINVAL when the two zones do not fit in @p->nr_pages.
 */
int svm_zone_sizes(const struct svm_params *p, unsigned long *dma_pages,
		   unsigned long *highmem_pages)
{
	unsigned long nr = p->nr_pages;
	unsigned long dma, high;

	if (p->dma_pages == SVM_ZONE_NONE)
		dma = 0;
	else if (p->dma_pages)
		dma = p->dma_pages;
	else
		dma = min(nr / 16, SVM_DMA_DEFAULT_MAX_BYTES >> PAGE_SHIFT);

	if (p->highmem_pages == SVM_ZONE_NONE)
		high = 0;
	else if (p->highmem_pages)
		high = p->highmem_pages;
	else
		high = nr / 4;

	if (dma > nr || high > nr - dma)
		return -EINVAL;
	*dma_pages = dma;
	*highmem_pages = high;
	return 0;
}

/*
 * 2.6's setup_per_zone_pages_min(): the lowmem zones share min_free_kbytes
 * in proportion to their size; HIGHMEM gets 1/1024 of itself within
 * [32, 128] pages, but (our addition for tiny shadow zones) never more than
 * 1/8 of itself. low = min * 5/4, high = min * 3/2.
 */
static void svm_setup_watermarks(struct svm_instance *svm)
{
	unsigned long lowmem = svm->nr_pages - svm->highmem_pages;
	unsigned long min_pages = svm->min_free_kbytes >> (PAGE_SHIFT - 10);
	struct svm_zone *zone;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone)) {
		unsigned long min;

		if (svm_zone_idx(zone) == SVM_ZONE_HIGHMEM) {
			min = clamp(zone->present_pages / 1024,
				    SVM_HIGHMEM_MIN_PAGES_MIN,
				    SVM_HIGHMEM_MIN_PAGES_MAX);
			min = min(min, zone->present_pages / 8);
		} else {
			min = mult_frac(min_pages, zone->present_pages, lowmem);
		}
		zone->pages_min = min;
		zone->pages_low = min + min / 4;
		zone->pages_high = min + min / 2;
	}
}

/*
 * A zone not larger than its high watermark is balanced (free >= high)
 * only while no page of it is in use: kswapd would run for every page
 * taken. When it is not larger than min either, no request without
 * SVM_ALLOC_HIGH is ever served (a first fault gets SIGBUS). Refuse such
 * an instance, whoever creates it.
 */
static int svm_check_watermarks(struct svm_instance *svm)
{
	struct svm_zone *zone;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone)) {
		if (zone->present_pages > zone->pages_high)
			continue;
		pr_err("%s: zone %s of node %d has %lu pages, not above its high watermark %lu (min_free_kbytes=%lu)\n",
		       svm->name, zone->name, zone->zone_pgdat->node_id,
		       zone->present_pages, zone->pages_high,
		       svm->min_free_kbytes);
		return -EINVAL;
	}
	return 0;
}

/**
 * svm_zone_room() - pages of an instance's zones of one type above their
 *                   high watermarks when every page is free
 * @svm: the instance
 * @type: the zone type, summed over the nodes
 *
 * What kernel-side requests of that zone can hold for good without ever
 * waking kswapd: the module asks this of SVM_ZONE_NORMAL at load time.
 *
 * Context: any; reads fields fixed at creation.
 * Return: the number of pages; 0 when no node has such a zone.
 */
unsigned long svm_zone_room(const struct svm_instance *svm,
			    enum svm_zone_type type)
{
	unsigned long room = 0;
	struct svm_zone *zone;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		if (svm_zone_idx(zone) == type)
			room += zone->present_pages - zone->pages_high;
	return room;
}

/*
 * 2.6's zone_batchsize(): about 1/1024 of the zone, at most 512 KiB, a
 * quarter of that, rounded to 2^n - 1 to spread cache colours. Shadow zones
 * are small, so we raise the result to SVM_PCP_MIN_BATCH unless that is
 * more than 1/16 of the zone. high = 6 * batch.
 */
static void svm_setup_pageset(struct svm_zone *zone)
{
	unsigned long batch = zone->present_pages / 1024;
	int cpu;

	batch = min(batch, (512UL * 1024) / PAGE_SIZE);
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = (1UL << (fls(batch + batch / 2) - 1)) - 1;
	batch = max(batch, min_t(unsigned long, SVM_PCP_MIN_BATCH,
				 zone->present_pages / 16));

	for_each_possible_cpu(cpu) {
		struct svm_per_cpu_pages *pcp = per_cpu_ptr(zone->pageset, cpu);
		int mt;

		spin_lock_init(&pcp->lock);
		pcp->count = 0;
		pcp->high = 6 * batch;
		pcp->batch = max(1UL, batch);
		for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&pcp->lists[mt]);
	}
}

static int svm_init_zone(struct svm_instance *svm,
			 struct svm_pglist_data *pgdat,
			 enum svm_zone_type type, unsigned long start,
			 unsigned long end)
{
	struct svm_zone *zone = &pgdat->node_zones[type];
	unsigned long pfn, order, mt;
	u32 flags;

	zone->name = svm_zone_names[type];
	zone->zone_pgdat = pgdat;
	spin_lock_init(&zone->lock);
	for (order = 0; order < SVM_NR_ORDERS; order++)
		for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list[mt]);
	if (start >= end)
		return 0;

	zone->zone_start_pfn = start;
	zone->zone_mem_map = svm_pfn_to_page(svm, start);
	zone->spanned_pages = end - start;
	zone->present_pages = end - start;
	zone->nr_pageblocks = DIV_ROUND_UP(zone->spanned_pages,
					   1UL << svm->pb_order);
	/* As at boot, every pageblock starts movable; kernel requests steal. */
	zone->pageblock_mt = kvmalloc_array(zone->nr_pageblocks,
					    sizeof(*zone->pageblock_mt),
					    GFP_KERNEL);
	zone->pageset = alloc_percpu(struct svm_per_cpu_pages);
	zone->stats = alloc_percpu(struct svm_zone_stats);
	if (!zone->pageblock_mt || !zone->pageset || !zone->stats)
		return -ENOMEM;
	memset(zone->pageblock_mt, SVM_MIGRATE_MOVABLE, zone->nr_pageblocks);
	svm_setup_pageset(zone);

	flags = type << SVM_PAGE_ZONE_SHIFT |
		pgdat->node_id << SVM_PAGE_NODE_SHIFT;
	if (type == SVM_ZONE_HIGHMEM)
		flags |= BIT(SVM_PG_highmem);
	for (pfn = start; pfn < end; pfn++) {
		struct svm_page *page = svm_pfn_to_page(svm, pfn);

		atomic_set(&page->flags, flags);
		INIT_LIST_HEAD(&page->lru);
	}
	pgdat->nr_zones++;
	return 0;
}

/* Zone ranges in shadow pfns, over the whole instance. */
static void svm_zone_range(struct svm_instance *svm, enum svm_zone_type type,
			   unsigned long *start, unsigned long *end)
{
	unsigned long high_start = svm->nr_pages - svm->highmem_pages;

	switch (type) {
	case SVM_ZONE_DMA:
		*start = 0;
		*end = svm->dma_pages;
		break;
	case SVM_ZONE_NORMAL:
		*start = svm->dma_pages;
		*end = high_start;
		break;
	default:
		*start = high_start;
		*end = svm->nr_pages;
		break;
	}
}

static int svm_init_node(struct svm_instance *svm, int nid,
			 unsigned long start, unsigned long nr)
{
	struct svm_pglist_data *pgdat;
	int type, ret;

	pgdat = kzalloc(sizeof(*pgdat), GFP_KERNEL);
	if (!pgdat)
		return -ENOMEM;
	svm->node_data[nid] = pgdat;
	pgdat->node_id = nid;
	pgdat->svm = svm;
	pgdat->node_start_pfn = start;
	pgdat->node_present_pages = nr;
	pgdat->node_spanned_pages = nr;
	pgdat->node_mem_map = svm_pfn_to_page(svm, start);

	for (type = 0; type < SVM_MAX_NR_ZONES; type++) {
		unsigned long zs, ze;

		svm_zone_range(svm, type, &zs, &ze);
		zs = clamp(zs, start, start + nr);
		ze = clamp(ze, start, start + nr);
		ret = svm_init_zone(svm, pgdat, type, zs, ze);
		if (ret)
			return ret;
	}
	return 0;
}

static int svm_add_node_zones(struct svm_zone **zones, int n,
			      struct svm_pglist_data *pgdat, int highest)
{
	int type;

	for (type = highest; type >= 0; type--)
		if (svm_populated_zone(&pgdat->node_zones[type]))
			zones[n++] = &pgdat->node_zones[type];
	return n;
}

/*
 * 2.6's build_zonelists() in node order: for each highest zone, this
 * node's zones from it down, then each other node's the same way, starting
 * with the next node id.
 */
static int svm_build_zonelists(struct svm_instance *svm)
{
	int nid, nr_nodes = 0;

	for (nid = 0; nid < nr_node_ids; nid++)
		nr_nodes += !!svm->node_data[nid];

	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_pglist_data *pgdat = svm->node_data[nid];
		int type;

		if (!pgdat)
			continue;

		for (type = 0; type < SVM_MAX_NR_ZONES; type++) {
			struct svm_zone **zones;
			int i, n;

			zones = kcalloc(nr_nodes * SVM_MAX_NR_ZONES + 1,
					sizeof(*zones), GFP_KERNEL);
			if (!zones)
				return -ENOMEM;
			pgdat->node_zonelists[type].zones = zones;
			n = svm_add_node_zones(zones, 0, pgdat, type);
			for (i = 1; i < nr_node_ids; i++) {
				struct svm_pglist_data *other;

				other = svm->node_data[(nid + i) % nr_node_ids];
				if (other)
					n = svm_add_node_zones(zones, n, other,
							       type);
			}
		}
	}
	return 0;
}

/**
 * svm_mem_init() - build the shadow mem_map, nodes and zones of an instance
 * @svm: instance whose chunks are reserved
 * @params: the zone sizes and min_free_kbytes asked for
 *
 * Every page ends up free in the buddy allocator of its zone.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL when the zone sizes do not fit or a zone is not
 * larger than its high watermark (logged), -ENOMEM. On failure the caller
 * must still call svm_mem_exit().
 */
int svm_mem_init(struct svm_instance *svm, const struct svm_params *params)
{
	unsigned long *node_pages, lowmem_kb, start = 0;
	struct svm_zone *zone;
	int nid, ret;

	svm->debugfs_pfn = 0;
	ret = svm_zone_sizes(params, &svm->dma_pages, &svm->highmem_pages);
	if (ret)
		return ret;
	/* 8 pageblocks at least, so that mobility grouping has some effect. */
	svm->pb_order = min(SVM_PAGEBLOCK_ORDER,
			    max(ilog2(svm->nr_pages), 3) - 3);

	lowmem_kb = (svm->nr_pages - svm->highmem_pages) << (PAGE_SHIFT - 10);
	svm->min_free_kbytes = params->min_free_kbytes;
	svm->group_by_mobility = !params->no_mobility;
	if (!svm->min_free_kbytes)
		svm->min_free_kbytes = clamp(int_sqrt(lowmem_kb * 16),
					     SVM_MIN_FREE_KBYTES_MIN,
					     SVM_MIN_FREE_KBYTES_MAX);

	svm->mem_map = vcalloc(svm->nr_pages, sizeof(*svm->mem_map));
	svm->node_data = kcalloc(nr_node_ids, sizeof(*svm->node_data),
				 GFP_KERNEL);
	node_pages = kcalloc(nr_node_ids, sizeof(*node_pages), GFP_KERNEL);
	if (!svm->mem_map || !svm->node_data || !node_pages) {
		ret = -ENOMEM;
		goto out;
	}
	ret = svm_map_chunks(svm, node_pages);
	if (ret)
		goto out;

	for (nid = 0; nid < nr_node_ids; nid++) {
		if (!node_pages[nid])
			continue;
		ret = svm_init_node(svm, nid, start, node_pages[nid]);
		if (ret)
			goto out;
		start += node_pages[nid];
	}
	ret = svm_build_zonelists(svm);
	if (ret)
		goto out;
	svm_setup_watermarks(svm);
	ret = svm_check_watermarks(svm);
	if (ret)
		goto out;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		svm_free_area_init(zone);
out:
	kfree(node_pages);
	return ret;
}

/**
 * svm_mem_exit() - tear down what svm_mem_init() built
 * @svm: the instance; its chunks are still reserved
 *
 * Drains the per-CPU lists and reports pages still allocated: they are
 * given back with the chunks anyway.
 *
 * Context: process context; may sleep.
 */
void svm_mem_exit(struct svm_instance *svm)
{
	struct svm_zone *zone;
	int nid, type;

	if (!svm->node_data)
		goto out;
	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone)) {
		unsigned long used;

		if (zone->pageset)
			svm_drain_zone_pages(zone);
		used = zone->managed_pages - zone->free_pages;
		if (used)
			pr_warn("%s: node %d zone %s destroyed with %lu pages allocated\n",
				svm->name, zone->zone_pgdat->node_id,
				zone->name, used);
		free_percpu(zone->pageset);
		free_percpu(zone->stats);
		kvfree(zone->pageblock_mt);
	}
	for (nid = 0; nid < nr_node_ids; nid++) {
		struct svm_pglist_data *pgdat = svm->node_data[nid];

		if (!pgdat)
			continue;
		for (type = 0; type < SVM_MAX_NR_ZONES; type++)
			kfree(pgdat->node_zonelists[type].zones);
		kfree(pgdat);
	}
	kfree(svm->node_data);
	svm->node_data = NULL;
out:
	kvfree(svm->real_map);
	svm->real_map = NULL;
	vfree(svm->mem_map);
	svm->mem_map = NULL;
}
