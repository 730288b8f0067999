// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's physical memory: zones, watermarks, the buddy
 * allocator, its per-CPU lists and mobility grouping, on small private
 * instances. Each test checks the allocator's invariants with
 * svm_check_instance() where it can.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/ctype.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <shadowvm/bench.h>
#include <shadowvm/core.h>
#include <shadowvm/debugfs.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>

#include "svm_kunit.h"

#define NONE	SVM_ZONE_NONE

struct block {
	struct svm_page *page;
	unsigned int order;
};

static struct svm_instance *create(struct kunit *test, unsigned long nr_pages,
				   unsigned long dma, unsigned long high,
				   unsigned long min_free_kbytes)
{
	struct svm_params p = {
		.name = "kunit",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.dma_pages = dma,
		.highmem_pages = high,
		.min_free_kbytes = min_free_kbytes,
	};

	return svm_kunit_instance(test, &p);
}

static struct svm_zone *zone_of(struct svm_instance *svm, svm_gfp_t gfp)
{
	return svm_preferred_zone(svm, NUMA_NO_NODE, gfp);
}

static unsigned long zone_idx_of(struct svm_zone *zone, struct svm_page *page)
{
	return page - zone->zone_mem_map;
}

static unsigned long pcp_pages(struct svm_zone *zone)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(zone->pageset, cpu)->count);
	return n;
}

static void expect_consistent(struct kunit *test, struct svm_instance *svm)
{
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

/* Everything free, drained and merged back into blocks of @top_order. */
static void expect_all_free(struct kunit *test, struct svm_instance *svm,
			    struct svm_zone *zone, unsigned int top_order)
{
	unsigned int order;

	svm_drain_all_pages(svm);
	KUNIT_EXPECT_EQ(test, pcp_pages(zone), 0);
	KUNIT_EXPECT_EQ(test, zone->free_pages, zone->managed_pages);
	for (order = 0; order < SVM_NR_ORDERS; order++)
		KUNIT_EXPECT_EQ_MSG(test, zone->free_area[order].nr_free,
				    order == top_order ?
				    zone->managed_pages >> top_order : 0,
				    "order %u", order);
	expect_consistent(test, svm);
}

/* Default layout: zone sizes and the 2.6 watermark formula. */
static void svm_zone_layout_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 4096, 0, 0, 0);
	struct svm_pglist_data *pgdat = svm->node_data[numa_node_id()];
	struct svm_zone *dma, *normal, *high;
	unsigned long pfn, i, start = 0;
	int nid;

	KUNIT_ASSERT_NOT_NULL(test, pgdat);
	dma = &pgdat->node_zones[SVM_ZONE_DMA];
	normal = &pgdat->node_zones[SVM_ZONE_NORMAL];
	high = &pgdat->node_zones[SVM_ZONE_HIGHMEM];
	KUNIT_EXPECT_EQ(test, pgdat->nr_zones, 3);
	KUNIT_EXPECT_EQ(test, dma->present_pages, 256);
	KUNIT_EXPECT_EQ(test, normal->present_pages, 2816);
	KUNIT_EXPECT_EQ(test, high->present_pages, 1024);
	KUNIT_EXPECT_EQ(test, normal->zone_start_pfn, 256);
	KUNIT_EXPECT_EQ(test, high->zone_start_pfn, 3072);
	KUNIT_EXPECT_STREQ(test, normal->name, "Normal");
	KUNIT_EXPECT_EQ(test, svm->pb_order, 9);

	/* lowmem 12 MiB: min_free_kbytes = sqrt(12288 * 16) = 443 -> 110 pages */
	KUNIT_EXPECT_EQ(test, svm->min_free_kbytes, 443);
	KUNIT_EXPECT_EQ(test, dma->pages_min, 9);
	KUNIT_EXPECT_EQ(test, dma->pages_low, 11);
	KUNIT_EXPECT_EQ(test, dma->pages_high, 13);
	KUNIT_EXPECT_EQ(test, normal->pages_min, 100);
	KUNIT_EXPECT_EQ(test, normal->pages_low, 125);
	KUNIT_EXPECT_EQ(test, normal->pages_high, 150);
	KUNIT_EXPECT_EQ(test, high->pages_min, 32);
	KUNIT_EXPECT_EQ(test, high->pages_low, 40);
	KUNIT_EXPECT_EQ(test, high->pages_high, 48);

	/* Zone and node ids live in the flags; highmem pages are marked. */
	for (pfn = 0; pfn < svm->nr_pages; pfn++) {
		struct svm_page *page = svm_pfn_to_page(svm, pfn);
		struct svm_zone *zone = pfn < 256 ? dma :
					pfn < 3072 ? normal : high;
		bool in_high = zone == high;

		if (svm_page_zone(svm, page) != zone ||
		    svm_page_test_highmem(page) != in_high) {
			KUNIT_FAIL(test, "pfn %lu in the wrong zone", pfn);
			break;
		}
	}

	/* The O(1) real page table agrees with the chunk table. */
	for (nid = 0; nid < nr_node_ids; nid++) {
		for (i = 0; i < svm->nr_chunks; i++) {
			const struct svm_chunk *c = &svm->chunks[i];
			unsigned long j;

			if (c->nid != nid)
				continue;
			for (j = 0; j < (1UL << c->order); j++)
				KUNIT_EXPECT_PTR_EQ(test,
						    svm_pfn_to_real_page(svm, start + j),
						    c->page + j);
			start += 1UL << c->order;
		}
	}
	KUNIT_EXPECT_EQ(test, start, svm->nr_pages);
	expect_consistent(test, svm);
}

static void svm_zone_params_test(struct kunit *test)
{
	struct svm_params p = {
		.nr_pages = 64,
		.nid = NUMA_NO_NODE,
		.dma_pages = 32,
		.highmem_pages = 33,
	};
	struct svm_instance *svm;

	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-EINVAL));
	p.dma_pages = 65;
	p.highmem_pages = NONE;
	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-EINVAL));

	/* Empty DMA and NORMAL zones: everything is HIGHMEM. */
	svm = create(test, 64, NONE, 64, 0);
	KUNIT_EXPECT_PTR_EQ(test, zone_of(svm, SVM_GFP_DMA), NULL);
	KUNIT_EXPECT_PTR_EQ(test, svm_alloc_pages(svm, SVM_GFP_KERNEL |
						  SVM_GFP_NOWARN, 0), NULL);
	KUNIT_EXPECT_EQ(test, zone_of(svm, SVM_GFP_HIGHUSER)->present_pages,
			64);

	KUNIT_EXPECT_EQ(test, svm_gfp_zone(SVM_GFP_KERNEL), SVM_ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, svm_gfp_zone(SVM_GFP_ATOMIC), SVM_ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, svm_gfp_zone(SVM_GFP_HIGHUSER), SVM_ZONE_HIGHMEM);
	KUNIT_EXPECT_EQ(test, svm_gfp_zone(SVM_GFP_DMA | SVM_GFP_HIGHMEM),
			SVM_ZONE_DMA);
	KUNIT_EXPECT_EQ(test, svm_gfp_migratetype(SVM_GFP_HIGHUSER_MOVABLE),
			SVM_MIGRATE_MOVABLE);
	KUNIT_EXPECT_EQ(test, svm_gfp_migratetype(SVM_GFP_USER),
			SVM_MIGRATE_UNMOVABLE);
	KUNIT_EXPECT_FALSE(test, svm_gfpflags_allow_blocking(SVM_GFP_ATOMIC));
	KUNIT_EXPECT_TRUE(test, svm_gfpflags_allow_blocking(SVM_GFP_NOIO));
}

/* Allocating one block of each order splits exactly one path, and merges. */
static void svm_split_merge_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048, NONE, NONE, 4);
	struct svm_zone *zone = zone_of(svm, SVM_GFP_KERNEL);
	struct block blocks[SVM_MAX_ORDER];
	unsigned int order, o;

	KUNIT_ASSERT_NOT_NULL(test, zone);
	expect_all_free(test, svm, zone, SVM_MAX_ORDER);

	for (order = 1; order <= SVM_MAX_ORDER; order++) {
		struct svm_page *page = svm_alloc_pages(svm, SVM_GFP_KERNEL,
							order);

		KUNIT_ASSERT_NOT_NULL_MSG(test, page, "order %u", order);
		KUNIT_EXPECT_EQ(test, zone_idx_of(zone, page) &
				((1UL << order) - 1), 0);
		KUNIT_EXPECT_EQ(test, svm_page_count(page), 1);
		KUNIT_EXPECT_EQ(test, svm_page_alloc_order(page), order);
		KUNIT_EXPECT_FALSE(test, svm_page_test_buddy(page));
		KUNIT_EXPECT_EQ(test, zone->free_pages,
				zone->managed_pages - (1UL << order));
		/* One block left at each order from @order up to the top. */
		for (o = 0; o < SVM_NR_ORDERS; o++)
			KUNIT_EXPECT_EQ_MSG(test, zone->free_area[o].nr_free,
					    o < order ? 0 : 1,
					    "alloc order %u: nr_free[%u]",
					    order, o);
		expect_consistent(test, svm);
		svm_free_pages(svm, page, order);
		expect_all_free(test, svm, zone, SVM_MAX_ORDER);
	}

	/* A block of every order below the top, freed in the opposite order. */
	for (order = 0; order < SVM_MAX_ORDER; order++) {
		blocks[order].order = order;
		blocks[order].page = svm_alloc_pages(svm, SVM_GFP_KERNEL, order);
		KUNIT_ASSERT_NOT_NULL(test, blocks[order].page);
		expect_consistent(test, svm);
	}
	for (order = SVM_MAX_ORDER; order-- > 0;) {
		svm_free_pages(svm, blocks[order].page, order);
		expect_consistent(test, svm);
	}
	expect_all_free(test, svm, zone, SVM_MAX_ORDER);
	KUNIT_EXPECT_EQ(test, svm_zone_stat(zone, SVM_PGALLOC, 3), 2);
	KUNIT_EXPECT_EQ(test, svm_zone_stat(zone, SVM_PGFREE, 3), 2);
}

static unsigned long alloc_all(struct kunit *test, struct svm_instance *svm,
			       svm_gfp_t gfp, struct svm_page **pages,
			       unsigned long max)
{
	unsigned long n = 0;

	while (n < max) {
		struct svm_page *page = svm_alloc_pages(svm, gfp, 0);

		if (!page)
			break;
		pages[n++] = page;
	}
	KUNIT_EXPECT_LT(test, n, max);
	return n;
}

static void free_all(struct svm_instance *svm, struct svm_page **pages,
		     unsigned long n)
{
	while (n)
		svm_free_pages(svm, pages[--n], 0);
}

/* Exhaust a zone down to its low watermark, give it back, do it again. */
static void svm_exhaust_refill_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 512, NONE, NONE, 16);
	struct svm_zone *zone = zone_of(svm, SVM_GFP_KERNEL);
	svm_gfp_t gfp = SVM_GFP_KERNEL | SVM_GFP_NOWARN;
	struct svm_page **pages;
	unsigned long n, again;

	pages = kunit_kcalloc(test, 1024, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, zone->pages_low, 5);

	n = alloc_all(test, svm, gfp, pages, 1024);
	/* The failing request drained the per-CPU lists before giving up. */
	KUNIT_EXPECT_EQ(test, pcp_pages(zone), 0);
	KUNIT_EXPECT_EQ(test, n, zone->managed_pages - zone->pages_low);
	KUNIT_EXPECT_EQ(test, zone->free_pages, zone->pages_low);
	KUNIT_EXPECT_GE(test, svm_zone_stat(zone, SVM_PGALLOC_FAIL, 0), 1);
	expect_consistent(test, svm);

	free_all(svm, pages, n);
	expect_all_free(test, svm, zone, 9);

	again = alloc_all(test, svm, gfp, pages, 1024);
	KUNIT_EXPECT_EQ(test, again, n);
	free_all(svm, pages, again);
	expect_all_free(test, svm, zone, 9);
}

/* HIGHMEM -> NORMAL -> DMA, and never upwards. */
static void svm_zonelist_fallback_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 64, 256, 16);
	struct svm_zone *dma = zone_of(svm, SVM_GFP_DMA);
	struct svm_zone *normal = zone_of(svm, SVM_GFP_KERNEL);
	struct svm_zone *high = zone_of(svm, SVM_GFP_HIGHUSER);
	struct svm_page **pages, *page;
	unsigned long n = 0, n_dma, i;
	bool got_dma = false;

	pages = kunit_kcalloc(test, 1024, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_TRUE(test, dma && normal && high);
	KUNIT_EXPECT_EQ(test, svm_zone_idx(dma), SVM_ZONE_DMA);
	KUNIT_EXPECT_EQ(test, svm_zone_idx(high), SVM_ZONE_HIGHMEM);

	/* HIGHUSER fills HIGHMEM, then spills into NORMAL. */
	while (n < 1024) {
		page = svm_alloc_pages(svm, SVM_GFP_HIGHUSER, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		pages[n++] = page;
		if (svm_page_zone(svm, page) != high)
			break;
		KUNIT_EXPECT_TRUE(test, svm_page_test_highmem(page));
		KUNIT_EXPECT_NULL(test, svm_page_address(svm, page));
	}
	KUNIT_EXPECT_GT(test, n, 200);
	KUNIT_EXPECT_PTR_EQ(test, svm_page_zone(svm, page), normal);
	KUNIT_EXPECT_FALSE(test, svm_page_test_highmem(page));
	KUNIT_EXPECT_NOT_NULL(test, svm_page_address(svm, page));
	KUNIT_EXPECT_EQ(test, svm_zone_stat(normal, SVM_PGZONE_FALLBACK, 0), 1);
	KUNIT_EXPECT_EQ(test, svm_zone_stat(high, SVM_PGZONE_FALLBACK, 0), 0);

	/* DMA requests get DMA pages only, and fail when DMA is used up. */
	n_dma = n;
	while (n < 1024) {
		page = svm_alloc_pages(svm, SVM_GFP_DMA | SVM_GFP_KERNEL |
				       SVM_GFP_NOWARN, 0);
		if (!page)
			break;
		KUNIT_EXPECT_PTR_EQ(test, svm_page_zone(svm, page), dma);
		pages[n++] = page;
	}
	KUNIT_EXPECT_GT(test, n - n_dma, 32);
	KUNIT_EXPECT_LE(test, n - n_dma, 64);
	KUNIT_EXPECT_GT(test, normal->free_pages, 100);
	KUNIT_EXPECT_EQ(test, svm_zone_stat(dma, SVM_PGALLOC_FAIL, 0), 1);
	for (i = n_dma; i < n; i++)
		svm_free_pages(svm, pages[i], 0);
	n = n_dma;

	/* NORMAL requests spill into DMA, never into HIGHMEM. */
	while (n < 1024) {
		page = svm_alloc_pages(svm, SVM_GFP_KERNEL | SVM_GFP_NOWARN, 0);
		if (!page)
			break;
		pages[n++] = page;
		KUNIT_EXPECT_PTR_NE(test, svm_page_zone(svm, page), high);
		if (svm_page_zone(svm, page) == dma) {
			got_dma = true;
			break;
		}
	}
	KUNIT_EXPECT_TRUE(test, got_dma);
	expect_consistent(test, svm);
	free_all(svm, pages, n);
	svm_drain_all_pages(svm);
	KUNIT_EXPECT_EQ(test, dma->free_pages, dma->managed_pages);
	KUNIT_EXPECT_EQ(test, normal->free_pages, normal->managed_pages);
	KUNIT_EXPECT_EQ(test, high->free_pages, high->managed_pages);
	expect_consistent(test, svm);
}

/*
 * Allocate order-0 pages with @gfp until refused and check that the zone
 * stopped at @thr: at most @thr pages left, and the last success (which
 * may have moved a whole batch to a per-CPU list) was above it.
 */
static unsigned long drain_to(struct kunit *test, struct svm_instance *svm,
			      struct svm_zone *zone, svm_gfp_t gfp,
			      unsigned long thr, struct svm_page **pages,
			      unsigned long n)
{
	int batch = per_cpu_ptr(zone->pageset, 0)->batch;
	unsigned long start = n;

	n += alloc_all(test, svm, gfp | SVM_GFP_NOWARN | SVM_GFP_NORETRY,
		       pages + n, 512 - n);
	KUNIT_EXPECT_GT_MSG(test, n, start, "gfp %#x",
			    (__force unsigned int)gfp);
	KUNIT_EXPECT_LE_MSG(test, zone->free_pages, thr, "gfp %#x",
			    (__force unsigned int)gfp);
	KUNIT_EXPECT_GT_MSG(test, zone->free_pages + batch, thr, "gfp %#x",
			    (__force unsigned int)gfp);
	return n;
}

static void svm_watermark_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256, NONE, NONE, 256);
	struct svm_zone *zone = zone_of(svm, SVM_GFP_KERNEL);
	struct svm_page **pages;
	unsigned long n = 0;

	pages = kunit_kcalloc(test, 512, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	/* 256 KiB = 64 pages, all in the only zone. */
	KUNIT_ASSERT_EQ(test, zone->pages_min, 64);
	KUNIT_ASSERT_EQ(test, zone->pages_low, 80);
	KUNIT_ASSERT_EQ(test, zone->pages_high, 96);

	/* zone_watermark_ok() on one free order-8 block. */
	KUNIT_EXPECT_TRUE(test, svm_zone_watermark_ok(zone, 0, 80, 0));
	KUNIT_EXPECT_TRUE(test, svm_zone_watermark_ok(zone, 8, 0, 0));
	KUNIT_EXPECT_FALSE(test, svm_zone_watermark_ok(zone, 8, 1, 0));
	KUNIT_EXPECT_TRUE(test, svm_zone_watermark_ok(zone, 0, 255, 0));
	KUNIT_EXPECT_FALSE(test, svm_zone_watermark_ok(zone, 0, 256, 0));
	KUNIT_EXPECT_TRUE(test, svm_zone_watermark_ok(zone, 0, 256,
						      SVM_ALLOC_HIGH));
	KUNIT_EXPECT_TRUE(test, svm_zone_watermark_ok(zone, 0, 256,
						      SVM_ALLOC_HARDER));
	/* Order 1 needs free blocks of order >= 1: all of them are. */
	KUNIT_EXPECT_TRUE(test, svm_zone_watermark_ok(zone, 1, 254, 0));
	KUNIT_EXPECT_FALSE(test, svm_zone_watermark_ok(zone, 1, 255, 0));

	/* Ordinary: pages_low. No WAIT: min * 3/4. HIGH: min / 2. Both. */
	n = drain_to(test, svm, zone, SVM_GFP_KERNEL, 80, pages, n);
	n = drain_to(test, svm, zone, SVM_GFP_NOWAIT, 48, pages, n);
	n = drain_to(test, svm, zone, SVM_GFP_KERNEL | SVM_GFP_HIGH, 32,
		     pages, n);
	n = drain_to(test, svm, zone, SVM_GFP_ATOMIC, 24, pages, n);
	expect_consistent(test, svm);
	free_all(svm, pages, n);
	expect_all_free(test, svm, zone, 8);
}

/* Order-0 pages go through the per-CPU lists in batches. */
static void svm_pcp_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048, NONE, NONE, 16);
	struct svm_zone *zone = zone_of(svm, SVM_GFP_KERNEL);
	struct svm_per_cpu_pages *pcp;
	struct svm_page **pages, *page;
	int i, n;

	migrate_disable();
	pcp = per_cpu_ptr(zone->pageset, raw_smp_processor_id());
	n = pcp->high + pcp->batch;
	pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		migrate_enable();
		KUNIT_FAIL(test, "no memory");
		return;
	}
	KUNIT_EXPECT_GE(test, pcp->batch, 4);
	KUNIT_EXPECT_EQ(test, pcp->high, 6 * pcp->batch);

	svm_drain_all_pages(svm);
	KUNIT_EXPECT_EQ(test, pcp->count, 0);
	page = svm_alloc_pages(svm, SVM_GFP_KERNEL, 0);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, pcp->count, pcp->batch - 1);
	KUNIT_EXPECT_EQ(test, zone->free_pages,
			zone->managed_pages - pcp->batch);
	svm_free_pages(svm, page, 0);
	KUNIT_EXPECT_EQ(test, pcp->count, pcp->batch);
	/* LIFO: the page just freed is the next one handed out. */
	KUNIT_EXPECT_PTR_EQ(test, svm_alloc_pages(svm, SVM_GFP_KERNEL, 0), page);
	svm_free_pages(svm, page, 0);

	for (i = 0; i < n; i++) {
		pages[i] = svm_alloc_pages(svm, SVM_GFP_KERNEL, 0);
		if (!pages[i])
			break;
	}
	KUNIT_EXPECT_EQ(test, i, n);
	n = i;
	for (i = 0; i < n; i++) {
		svm_free_pages(svm, pages[i], 0);
		if (pcp->count >= pcp->high) {
			KUNIT_FAIL(test, "pcp count %d reached high %d",
				   pcp->count, pcp->high);
			break;
		}
	}
	KUNIT_EXPECT_GE(test, pcp->count, pcp->high - pcp->batch);
	KUNIT_EXPECT_EQ(test, zone->free_pages + pcp_pages(zone),
			zone->managed_pages);
	migrate_enable();
	kfree(pages);
	expect_consistent(test, svm);
	expect_all_free(test, svm, zone, SVM_MAX_ORDER);
}

/* SVM_GFP_ZERO zeroes the real pages, lowmem and highmem alike. */
static void svm_zero_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256, NONE, 128, 4);
	struct svm_page **pages;
	unsigned long n, i, addr;

	pages = kunit_kcalloc(test, 512, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	n = alloc_all(test, svm, SVM_GFP_HIGHUSER | SVM_GFP_NOWARN, pages, 512);
	KUNIT_EXPECT_GT(test, n, 200);
	for (i = 0; i < n; i++) {
		char *addr = svm_kmap_atomic(svm, pages[i]);

		KUNIT_ASSERT_NOT_NULL(test, addr);
		memset(addr, 0xaa, PAGE_SIZE);
		svm_kunmap_atomic(svm, addr);
	}
	free_all(svm, pages, n);
	svm_drain_all_pages(svm);

	n = alloc_all(test, svm, SVM_GFP_HIGHUSER | SVM_GFP_ZERO |
		      SVM_GFP_NOWARN, pages, 512);
	for (i = 0; i < n; i++) {
		char *addr = svm_kmap_atomic(svm, pages[i]);
		bool zero;

		KUNIT_ASSERT_NOT_NULL(test, addr);
		zero = !memchr_inv(addr, 0, PAGE_SIZE);
		svm_kunmap_atomic(svm, addr);
		if (!zero) {
			KUNIT_FAIL(test, "pfn %lu not zeroed",
				   svm_page_to_pfn(svm, pages[i]));
			break;
		}
	}
	free_all(svm, pages, n);

	addr = svm_get_zeroed_page(svm, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NE(test, addr, 0);
	KUNIT_EXPECT_NULL(test, memchr_inv((void *)addr, 0, PAGE_SIZE));
	/* Find the page behind the address: only tests need that lookup. */
	for (i = 0; i < svm->nr_pages; i++) {
		struct svm_page *page = svm_pfn_to_page(svm, i);

		if (svm_page_address(svm, page) == (void *)addr) {
			KUNIT_EXPECT_EQ(test, svm_page_count(page), 1);
			svm_free_pages(svm, page, 0);
			break;
		}
	}
	KUNIT_EXPECT_LT(test, i, svm->nr_pages);
	KUNIT_EXPECT_EQ(test, svm_get_free_pages(svm, SVM_GFP_HIGHUSER, 0), 0);
	expect_consistent(test, svm);
}

/*
 * Interleaved orders and mobility types until the zone is full, frees in
 * two interleaved passes: everything merges back to the top order, and the
 * unmovable requests stole pageblocks from the (initially movable) rest.
 */
static void svm_fragmentation_test(struct kunit *test)
{
	static const unsigned int orders[] = { 0, 3, 1, 2, 0, 4, 1, 0, 2 };
	struct svm_instance *svm = create(test, 2048, NONE, NONE, 16);
	struct svm_zone *zone = zone_of(svm, SVM_GFP_KERNEL);
	unsigned long n = 0, i, unmovable = 0, fallbacks = 0, pages = 0;
	struct block *blocks;
	unsigned int order;

	blocks = kunit_kcalloc(test, 2048, sizeof(*blocks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocks);
	/* Failures of the larger orders do not stop the smaller ones. */
	for (i = 0; i < 2048; i++) {
		svm_gfp_t gfp = SVM_GFP_KERNEL | SVM_GFP_NOWARN;
		struct svm_page *page;

		if (i % 2)
			gfp |= SVM_GFP_MOVABLE;
		order = orders[i % ARRAY_SIZE(orders)];
		page = svm_alloc_pages(svm, gfp, order);
		if (!page)
			continue;
		blocks[n].page = page;
		blocks[n++].order = order;
		pages += 1UL << order;
	}
	KUNIT_EXPECT_GT(test, pages, zone->managed_pages * 3 / 4);
	KUNIT_EXPECT_LE(test, zone->free_pages, zone->pages_low + 16);
	for (order = 0; order < SVM_NR_ORDERS; order++)
		fallbacks += svm_zone_stat(zone, SVM_PGFALLBACK, order);
	KUNIT_EXPECT_GT(test, fallbacks, 0);
	for (i = 0; i < zone->nr_pageblocks; i++)
		unmovable += zone->pageblock_mt[i] == SVM_MIGRATE_UNMOVABLE;
	KUNIT_EXPECT_GT(test, unmovable, 0);
	expect_consistent(test, svm);

	for (i = 0; i < n; i += 2)
		svm_free_pages(svm, blocks[i].page, blocks[i].order);
	expect_consistent(test, svm);
	for (i = 1; i < n; i += 2)
		svm_free_pages(svm, blocks[i].page, blocks[i].order);
	expect_all_free(test, svm, zone, SVM_MAX_ORDER);
}

/* Misuse is refused, counted, and leaves the allocator intact. */
static void svm_misuse_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 512, NONE, NONE, 16);
	struct svm_instance *other = create(test, 64, NONE, NONE, 4);
	struct svm_zone *zone = zone_of(svm, SVM_GFP_KERNEL);
	struct svm_page *page, *foreign;

	page = svm_alloc_pages(svm, SVM_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	svm_free_pages(svm, page, 0);
	svm_free_pages(svm, page, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_double), 1);
	expect_consistent(test, svm);

	page = svm_alloc_pages(svm, SVM_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	svm_free_pages(svm, page, 1);
	svm_free_pages(svm, page, SVM_MAX_ORDER + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_order), 2);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 1);
	/* A tail page of an allocated block is not allocated by itself. */
	svm_free_pages(svm, page + 1, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_double), 2);
	expect_consistent(test, svm);
	svm_free_pages(svm, page, 2);

	foreign = svm_alloc_pages(other, SVM_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, foreign);
	svm_free_pages(svm, foreign, 0);
	svm_free_pages(svm, (struct svm_page *)((char *)svm->mem_map + 4), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_foreign), 2);
	svm_free_pages(other, foreign, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&other->bad_free_foreign), 0);

	/* Freeing a page still on the LRU is refused; once off, it frees. */
	page = svm_alloc_pages(svm, SVM_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	svm_page_set_lru(page);
	svm_free_pages(svm, page, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_state), 1);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 1);
	svm_page_clear_lru(page);
	/* A second reference keeps the page; the last one frees it. */
	svm_get_page(page);
	svm_free_pages(svm, page, 0);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 1);
	svm_page_set_dirty(page);
	svm_free_pages(svm, page, 0);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 0);
	KUNIT_EXPECT_FALSE(test, svm_page_test_dirty(page));

	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_double), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_order), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_state), 1);
	expect_all_free(test, svm, zone, 9);
	expect_consistent(test, other);
}

/*
 * Requests without SVM_GFP_WAIT never sleep: under a spinlock with
 * interrupts off, DEBUG_ATOMIC_SLEEP and lockdep would report it. That
 * includes zeroing HIGHMEM pages and draining per-CPU lists.
 */
static void svm_atomic_context_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 512, NONE, 128, 16);
	struct svm_page *pages[64];
	unsigned long flags;
	static DEFINE_SPINLOCK(lock);
	int i, n = 0;

	spin_lock_irqsave(&lock, flags);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		svm_gfp_t gfp = i % 2 ? SVM_GFP_ATOMIC : SVM_GFP_NOWAIT;

		if (i % 3 == 0)
			gfp |= SVM_GFP_HIGHMEM | SVM_GFP_ZERO;
		pages[n] = svm_alloc_pages(svm, gfp, i % 4);
		if (pages[n])
			n++;
	}
	svm_drain_all_pages(svm);
	for (i = 0; i < n; i++)
		svm_free_pages(svm, pages[i], svm_page_alloc_order(pages[i]));
	spin_unlock_irqrestore(&lock, flags);

	KUNIT_EXPECT_EQ(test, n, ARRAY_SIZE(pages));
	expect_consistent(test, svm);
}

/*
 * The kernel's fragmentation indices on a zone left with only order-0
 * free pages: every larger order is unusable and would fail for
 * fragmentation, not for lack of memory.
 */
static void svm_frag_index_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 512, NONE, NONE, 4);
	struct svm_zone *zone = zone_of(svm, SVM_GFP_KERNEL);
	struct svm_page **pages;
	unsigned long n, i;
	bool *freed;

	pages = kunit_kcalloc(test, 512, sizeof(*pages), GFP_KERNEL);
	freed = kunit_kcalloc(test, 512, sizeof(*freed), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_NOT_NULL(test, freed);
	KUNIT_EXPECT_EQ(test, svm_unusable_index(zone, 9), 0);
	KUNIT_EXPECT_EQ(test, svm_extfrag_index(zone, 9), -1000);

	n = alloc_all(test, svm, SVM_GFP_KERNEL | SVM_GFP_NOWARN, pages, 512);
	svm_drain_all_pages(svm);
	/* Give back even pages whose buddy stays allocated: 0-order holes. */
	for (i = 0; i < n; i++) {
		unsigned long idx = zone_idx_of(zone, pages[i]);

		if (idx % 2 || !svm_page_count(zone->zone_mem_map + idx + 1))
			continue;
		svm_free_pages(svm, pages[i], 0);
		freed[i] = true;
	}
	svm_drain_all_pages(svm);
	KUNIT_EXPECT_GT(test, zone->free_pages, 200);
	KUNIT_ASSERT_EQ(test, zone->free_area[1].nr_free, 0);
	KUNIT_EXPECT_EQ(test, svm_unusable_index(zone, 0), 0);
	KUNIT_EXPECT_EQ(test, svm_unusable_index(zone, 1), 1000);
	KUNIT_EXPECT_EQ(test, svm_extfrag_index(zone, 0), -1000);
	/* 1000 - (1000 + free * 1000 / 2) / free: just under 500. */
	KUNIT_EXPECT_EQ(test, svm_extfrag_index(zone, 1),
			1000 - (int)((1000 + zone->free_pages * 500) /
				     zone->free_pages));
	KUNIT_EXPECT_GT(test, svm_extfrag_index(zone, 9), 990);
	for (i = 0; i < n; i++)
		if (!freed[i])
			svm_free_pages(svm, pages[i], 0);
	expect_all_free(test, svm, zone, 9);
}

/* Seeded random allocs and frees, checking every invariant at each step. */
static void svm_random_stress_test(struct kunit *test)
{
	static const svm_gfp_t gfps[] = {
		SVM_GFP_KERNEL, SVM_GFP_HIGHUSER_MOVABLE, SVM_GFP_ATOMIC,
		SVM_GFP_DMA | SVM_GFP_KERNEL, SVM_GFP_USER | SVM_GFP_ZERO,
		SVM_GFP_NOWAIT | SVM_GFP_MOVABLE,
	};
	struct svm_instance *svm = create(test, 1024, 0, 0, 16);
	struct rnd_state rnd;
	struct block *held;
	unsigned long n = 0, step;

	held = kunit_kcalloc(test, 256, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	prandom_seed_state(&rnd, 0x5eed);

	for (step = 0; step < 2000; step++) {
		u32 r = prandom_u32_state(&rnd);

		if (n < 256 && (!n || r % 3)) {
			svm_gfp_t gfp = gfps[(r >> 8) % ARRAY_SIZE(gfps)];
			unsigned int order = (r >> 16) % 5;
			struct svm_page *page;

			page = svm_alloc_pages(svm, gfp | SVM_GFP_NOWARN, order);
			if (page) {
				struct svm_zone *zone = svm_page_zone(svm, page);

				KUNIT_EXPECT_LE(test, svm_zone_idx(zone),
						svm_gfp_zone(gfp));
				KUNIT_EXPECT_EQ(test, zone_idx_of(zone, page) &
						((1UL << order) - 1), 0);
				held[n].page = page;
				held[n++].order = order;
			}
		} else {
			unsigned long i = (r >> 8) % n;

			svm_free_pages(svm, held[i].page, held[i].order);
			held[i] = held[--n];
		}
		if (svm_check_instance(svm)) {
			KUNIT_FAIL(test, "inconsistent after step %lu", step);
			break;
		}
	}
	while (n--)
		svm_free_pages(svm, held[n].page, held[n].order);
	svm_drain_all_pages(svm);
	expect_consistent(test, svm);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_double), 0);
}

struct stress_thread {
	struct svm_instance *svm;
	struct completion done;
	unsigned long allocs;
	unsigned long errors;
	u64 seed;
};

static int stress_thread_fn(void *data)
{
	struct stress_thread *t = data;
	struct block held[64];
	struct rnd_state rnd;
	unsigned long n = 0, i;

	prandom_seed_state(&rnd, t->seed);
	for (i = 0; i < 20000; i++) {
		u32 r = prandom_u32_state(&rnd);

		if (n < ARRAY_SIZE(held) && (!n || r % 2)) {
			svm_gfp_t gfp = r & 0x100 ? SVM_GFP_HIGHUSER_MOVABLE :
						    SVM_GFP_KERNEL;
			unsigned int order = (r >> 12) % 4;
			struct svm_page *page;

			page = svm_alloc_pages(t->svm, gfp | SVM_GFP_NOWARN,
					       order);
			if (!page)
				continue;
			if (svm_page_count(page) != 1 ||
			    svm_page_alloc_order(page) != order)
				t->errors++;
			held[n].page = page;
			held[n++].order = order;
			t->allocs++;
		} else {
			unsigned long j = (r >> 8) % n;

			svm_free_pages(t->svm, held[j].page, held[j].order);
			held[j] = held[--n];
		}
		if (!(i % 256))
			cond_resched();
	}
	while (n--)
		svm_free_pages(t->svm, held[n].page, held[n].order);
	complete(&t->done);
	return 0;
}

/* Two kthreads, one per CPU, allocating and freeing at once. */
static void svm_concurrent_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 4096, NONE, 0, 16);
	struct stress_thread t[2];
	struct completion *done[2];
	void *data[2];
	int i;

	for (i = 0; i < 2; i++) {
		t[i] = (struct stress_thread) { .svm = svm, .seed = 17 + i };
		init_completion(&t[i].done);
		data[i] = &t[i];
		done[i] = &t[i].done;
	}
	svm_kunit_run_threads(test, stress_thread_fn, data, done, 2,
			      "svm_stress");
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, t[i].errors, 0);
		KUNIT_EXPECT_GT(test, t[i].allocs, 1000);
	}
	svm_drain_all_pages(svm);
	expect_consistent(test, svm);
	expect_all_free(test, svm, zone_of(svm, SVM_GFP_KERNEL), SVM_MAX_ORDER);
	expect_all_free(test, svm, zone_of(svm, SVM_GFP_HIGHUSER),
			SVM_MAX_ORDER);
}

static char *show(struct kunit *test, struct svm_instance *svm,
		  int (*fn)(struct seq_file *, struct svm_instance *))
{
	return svm_kunit_show(test, svm, fn, PAGE_SIZE);
}

static void svm_debugfs_formats_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048, NONE, NONE, 16);
	char expect[200], *buf, *map;
	int len, order, upper, lower;
	struct svm_page *page;
	unsigned long idx;

	len = snprintf(expect, sizeof(expect), "Node %d, zone   Normal ",
		       numa_node_id());
	for (order = 0; order < SVM_NR_ORDERS; order++)
		len += snprintf(expect + len, sizeof(expect) - len, "%6d ",
				order == SVM_MAX_ORDER ? 2 : 0);
	strlcat(expect, "\n", sizeof(expect));
	KUNIT_EXPECT_STREQ(test, show(test, svm, svm_buddyinfo_show), expect);

	buf = show(test, svm, svm_pagetypeinfo_show);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "Page block order: 8\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "Pages per block:  256\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, ", type      Movable "));
	/* All 8 pageblocks start movable. */
	snprintf(expect, sizeof(expect), "zone   Normal %12d %12d %c", 0, 8,
		 '\n');
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, expect));

	/* The map: 8 movable pageblocks, all free. */
	snprintf(expect, sizeof(expect), "Node %d, zone   Normal      8 mmmmmmmm\n",
		 numa_node_id());
	KUNIT_EXPECT_STREQ(test, show(test, svm, svm_pageblocks_show), expect);
	/* One page taken: its pageblock only is no longer free. */
	page = svm_alloc_pages(svm, SVM_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	buf = show(test, svm, svm_pageblocks_show);
	map = strrchr(buf, ' ');
	KUNIT_ASSERT_NOT_NULL(test, map);
	for (upper = 0, lower = 0, map++; *map && *map != '\n'; map++) {
		upper += *map == 'U' || *map == 'M';
		lower += *map == 'u' || *map == 'm';
	}
	KUNIT_EXPECT_EQ(test, upper, 1);
	KUNIT_EXPECT_EQ(test, lower, 7);
	idx = (svm_page_to_pfn(svm, page) -
	       zone_of(svm, SVM_GFP_KERNEL)->zone_start_pfn) >> 8;
	KUNIT_EXPECT_TRUE(test, isupper(strrchr(buf, ' ')[1 + idx]));
	svm_free_pages(svm, page, 0);
	svm_drain_all_pages(svm);
	buf = show(test, svm, svm_pageblocks_show);
	map = strrchr(buf, ' ');
	KUNIT_ASSERT_NOT_NULL(test, map);
	for (upper = 0, map++; *map && *map != '\n'; map++)
		upper += !!isupper(*map);
	KUNIT_EXPECT_EQ(test, upper, 0);

	/* Two free order-10 blocks: nothing unusable, no fragmentation. */
	len = snprintf(expect, sizeof(expect), "Node %d, zone   Normal ",
		       numa_node_id());
	for (order = 0; order < SVM_NR_ORDERS; order++)
		len += snprintf(expect + len, sizeof(expect) - len, "0.000 ");
	strlcat(expect, "\n", sizeof(expect));
	KUNIT_EXPECT_STREQ(test, show(test, svm, svm_unusable_index_show),
			   expect);
	buf = show(test, svm, svm_extfrag_index_show);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "Normal -1.000 -1.000 "));

	KUNIT_EXPECT_EQ(test, svm_page_select(svm, "2048"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_page_select(svm, "x1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_page_select(svm, "-1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_page_select(svm, "1024\n"), 0);
	buf = show(test, svm, svm_page_show);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "pfn:         1024\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "(buddy)\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "order:       10\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "refcount:    0\n"));
	KUNIT_EXPECT_EQ(test, svm_page_select(svm, "0x5"), 0);
	buf = show(test, svm, svm_page_show);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "order:       -\n"));
}

/*
 * Mobility grouping against none, on the same mix of one unmovable page in
 * eight: grouped, the unmovable pages fill few pageblocks and most free
 * memory comes back as whole pageblocks; mixed, none does.
 */
static void svm_mobility_grouping_test(struct kunit *test)
{
	struct svm_frag_result on, off;

	KUNIT_ASSERT_EQ(test, svm_bench_fragmentation(true, 4096, &on), 0);
	KUNIT_ASSERT_EQ(test, svm_bench_fragmentation(false, 4096, &off), 0);
	kunit_info(test, "grouped: order %u, %lu/%lu in pageblocks; mixed: order %u, %lu/%lu\n",
		   on.max_free_order, on.free_in_pageblocks, on.free_pages,
		   off.max_free_order, off.free_in_pageblocks, off.free_pages);

	/* Both runs took and freed the same pages; only placement differs. */
	KUNIT_EXPECT_EQ(test, on.allocated, off.allocated);
	KUNIT_EXPECT_EQ(test, on.free_pages, off.free_pages);
	KUNIT_EXPECT_GE(test, on.max_free_order, 9);
	KUNIT_EXPECT_LT(test, off.max_free_order, 9);
	KUNIT_EXPECT_GE(test, on.free_in_pageblocks * 4, on.free_pages * 3);
	KUNIT_EXPECT_LT(test, off.free_in_pageblocks * 4, on.free_in_pageblocks);
}

static struct kunit_case svm_page_alloc_cases[] = {
	KUNIT_CASE(svm_zone_layout_test),
	KUNIT_CASE(svm_zone_params_test),
	KUNIT_CASE(svm_split_merge_test),
	KUNIT_CASE(svm_exhaust_refill_test),
	KUNIT_CASE(svm_zonelist_fallback_test),
	KUNIT_CASE(svm_watermark_test),
	KUNIT_CASE(svm_pcp_test),
	KUNIT_CASE(svm_zero_test),
	KUNIT_CASE(svm_fragmentation_test),
	KUNIT_CASE(svm_mobility_grouping_test),
	KUNIT_CASE(svm_frag_index_test),
	KUNIT_CASE(svm_misuse_test),
	KUNIT_CASE(svm_atomic_context_test),
	KUNIT_CASE_SLOW(svm_random_stress_test),
	KUNIT_CASE_SLOW(svm_concurrent_test),
	KUNIT_CASE(svm_debugfs_formats_test),
	{}
};

static struct kunit_suite svm_page_alloc_suite = {
	.name = "shadowvm_page_alloc",
	.test_cases = svm_page_alloc_cases,
};

kunit_test_suites(&svm_page_alloc_suite);
