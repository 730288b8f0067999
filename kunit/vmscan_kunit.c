// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's page reclaim (module/vmscan.c) on private
 * instances without swap: refilling the inactive list, rotation of
 * referenced pages, the unevictable list, kswapd's watermarks, the
 * priorities of direct reclaim and slab reaping under reclaim.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/gfp.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/policy.h>
#include <shadowvm/slab.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>
#include <trace/events/shadowvm.h>

#include "svm_kunit.h"

/* Lowmem only, so that page-cache pages come from ZONE_NORMAL. */
static struct svm_instance *create(struct kunit *test, unsigned long nr_pages,
				   bool kswapd)
{
	struct svm_params p = {
		.name = "kunit-vmscan",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.highmem_pages = SVM_ZONE_NONE,
		.kswapd = kswapd,
	};

	return svm_kunit_instance(test, &p);
}

/* The instance's one node with memory. */
static struct svm_node_reclaim *node_of(struct kunit *test,
					struct svm_instance *svm)
{
	struct svm_node_reclaim *node = NULL;
	int nid;

	for (nid = 0; nid < nr_node_ids && !node; nid++)
		node = svm->reclaim->node[nid];
	KUNIT_ASSERT_NOT_NULL(test, node);
	return node;
}

/* Free pages of the instance, per-CPU lists drained first. */
static unsigned long nr_free(struct svm_instance *svm)
{
	struct svm_zone *zone = NULL;
	unsigned long n = 0;

	svm_drain_all_pages(svm);
	while ((zone = svm_next_zone(svm, zone)))
		n += READ_ONCE(zone->free_pages);
	return n;
}

/* Pages @first..@first+@n-1 of @as, clean, each used once: inactive. */
static void populate(struct kunit *test, struct svm_address_space *as,
		     u32 first, u32 n)
{
	struct svm_page *page;
	bool created;
	u32 i;

	for (i = first; i < first + n; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		KUNIT_ASSERT_TRUE(test, created);
		svm_put_page(as->svm, page);
	}
}

/* Marks page @index of @as used once more (svm_mark_page_accessed()). */
static void use_page(struct kunit *test, struct svm_address_space *as,
		     u32 index)
{
	struct svm_page *page = svm_find_get_page(as, index);

	KUNIT_ASSERT_NOT_NULL(test, page);
	svm_mark_page_accessed(as->svm, page);
	svm_put_page(as->svm, page);
}

static bool cached(struct svm_address_space *as, u32 index, bool *active)
{
	struct svm_page *page = svm_find_get_page(as, index);

	if (!page)
		return false;
	*active = svm_page_test_active(page);
	svm_put_page(as->svm, page);
	return true;
}

/* A request as direct reclaim starts one, without I/O (no swap here). */
static struct svm_scan_control scan_control(int priority,
					    unsigned long nr_to_reclaim)
{
	return (struct svm_scan_control) {
		.nr_to_reclaim = nr_to_reclaim,
		.priority = priority,
		.gfp = SVM_GFP_KERNEL,
	};
}

/*
 * svm_refill_inactive() takes pages from the tail of the active list:
 * those referenced since they were activated stay active (their
 * reference consumed), the others go to the inactive list.
 */
static void svm_vmscan_refill_inactive_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256, false);
	struct svm_node_reclaim *node = node_of(test, svm);
	struct svm_address_space *as;
	bool active;
	u32 i;

	as = svm_kunit_address_space(test, svm, 1);
	populate(test, as, 0, 32);
	/* Two more uses activate a page; a third references it. */
	for (i = 0; i < 32; i++) {
		use_page(test, as, i);
		use_page(test, as, i);
		if (!(i % 2))
			use_page(test, as, i);
	}
	KUNIT_ASSERT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 32);
	KUNIT_ASSERT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);

	svm_refill_inactive(node, 32);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGREFILL), 32);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGDEACTIVATE), 16);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 16);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 16);
	for (i = 0; i < 32; i++) {
		KUNIT_ASSERT_TRUE(test, cached(as, i, &active));
		KUNIT_EXPECT_EQ_MSG(test, active, !(i % 2), "page %u", i);
	}

	/* Their reference used up, the rest follow. */
	svm_refill_inactive(node, 32);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGREFILL), 48);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGDEACTIVATE), 32);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 0);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 32);
}

/*
 * A pass of svm_shrink_node() at priority 2 moves (nr_active >> 2) + 1
 * pages of the active list to the inactive one and scans
 * (nr_inactive >> 2) + 1 inactive pages: each list in proportion to its
 * length.
 */
static void svm_vmscan_refill_proportion_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 512, false);
	struct svm_node_reclaim *node = node_of(test, svm);
	struct svm_scan_control sc = scan_control(2, ULONG_MAX);
	struct svm_address_space *as;
	u32 i;

	as = svm_kunit_address_space(test, svm, 1);
	populate(test, as, 0, 64);
	for (i = 0; i < 64; i++) {
		use_page(test, as, i);
		use_page(test, as, i);
	}
	populate(test, as, 64, 32);
	KUNIT_ASSERT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 64);
	KUNIT_ASSERT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 32);

	svm_shrink_node(node, &sc);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGREFILL), 64 / 4 + 1);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGDEACTIVATE),
			64 / 4 + 1);
	/* The oldest inactive pages, clean and unused: freed. */
	KUNIT_EXPECT_EQ(test, sc.nr_scanned, 32 / 4 + 1);
	KUNIT_EXPECT_EQ(test, sc.nr_reclaimed, 32 / 4 + 1);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 64 - 17);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE),
			32 + 17 - 9);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 96 - 9);
}

/*
 * A referenced page met on the inactive list is activated, not freed;
 * the unreferenced ones around it are freed.
 */
static void svm_vmscan_rotate_referenced_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256, false);
	struct svm_node_reclaim *node = node_of(test, svm);
	struct svm_scan_control sc = scan_control(0, ULONG_MAX);
	struct svm_address_space *as;
	bool active;
	u32 i;

	as = svm_kunit_address_space(test, svm, 1);
	populate(test, as, 0, 32);
	for (i = 0; i < 32; i += 2)
		use_page(test, as, i);
	KUNIT_ASSERT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 32);

	/* Priority 0: the whole inactive list in one batch. */
	svm_shrink_node(node, &sc);
	KUNIT_EXPECT_EQ(test, sc.nr_scanned, 32);
	KUNIT_EXPECT_EQ(test, sc.nr_reclaimed, 16);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGACTIVATE), 16);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGSWAPOUT_DROP), 16);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 16);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);
	for (i = 0; i < 32; i++) {
		bool in = cached(as, i, &active);

		KUNIT_EXPECT_EQ_MSG(test, in, !(i % 2), "page %u", i);
		if (in)
			KUNIT_EXPECT_TRUE_MSG(test, active, "page %u", i);
	}
}

/*
 * Reclaim moves the pages a locked VMA covers to the unevictable list
 * and leaves them there; once the VMA goes they are back on the inactive
 * list and reclaimable.
 */
static void svm_vmscan_unevictable_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256, false);
	struct vm_area_struct *vma;
	struct svm_address_space *as;
	struct svm_vma *sv;
	bool active;
	u32 i;

	vma = kunit_kzalloc(test, sizeof(*vma), GFP_KERNEL);
	sv = kunit_kzalloc(test, sizeof(*sv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_ASSERT_NOT_NULL(test, sv);
	/* Never mapped: only its extent and offset are looked at. */
	vma->vm_start = PAGE_SIZE;
	vma->vm_end = vma->vm_start + 8 * PAGE_SIZE;
	vma->vm_pgoff = 4;
	sv->vma = vma;
	sv->locked = true;
	as = svm_kunit_address_space(test, svm, 1);
	populate(test, as, 0, 16);
	svm_vma_link(as, sv);
	KUNIT_EXPECT_TRUE(test, svm_mapping_locked(as, 4));
	KUNIT_EXPECT_TRUE(test, svm_mapping_locked(as, 11));
	KUNIT_EXPECT_FALSE(test, svm_mapping_locked(as, 12));

	KUNIT_EXPECT_EQ(test, svm_shrink_all_memory(svm, 16), 8);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_UNEVICTABLE_CULLED),
			8);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_UNEVICTABLE), 8);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 0);
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ_MSG(test, cached(as, i, &active),
				    i >= 4 && i < 12, "page %u", i);
	/* Scanned again, they stay where they are. */
	KUNIT_EXPECT_EQ(test, svm_shrink_all_memory(svm, 16), 0);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_UNEVICTABLE), 8);

	svm_vma_unlink(sv);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_UNEVICTABLE_RESCUED),
			8);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_UNEVICTABLE), 0);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 8);
	KUNIT_EXPECT_EQ(test, svm_shrink_all_memory(svm, 16), 8);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 0);
}

/* Waits up to 10 s for @nr's kswapd to finish what it was woken for. */
static bool kswapd_settled(struct svm_node_reclaim *node, unsigned long runs)
{
	unsigned long end = jiffies + 10 * HZ;

	while (time_before(jiffies, end)) {
		if (READ_ONCE(node->kswapd_runs) > runs &&
		    !READ_ONCE(node->kswapd_running) &&
		    !READ_ONCE(node->kswapd_wake))
			return true;
		msleep(20);
	}
	return false;
}

/*
 * Allocations leave kswapd asleep while ZONE_NORMAL has pages_low free
 * pages or more; the one that takes it below wakes kswapd, which frees
 * clean page-cache pages until every zone of the node has pages_high
 * free, and then sleeps, leaving the rest of the cache alone.
 */
static void svm_vmscan_kswapd_watermarks_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, true);
	struct svm_node_reclaim *node = node_of(test, svm);
	struct svm_zone *normal, *zone = NULL;
	struct svm_address_space *as;
	unsigned long wakeups, runs, below = 0;
	u32 n;

	normal = &svm->node_data[node->nid]->node_zones[SVM_ZONE_NORMAL];
	KUNIT_ASSERT_TRUE(test, svm_populated_zone(normal));
	KUNIT_ASSERT_LT(test, normal->pages_low, normal->pages_high);
	as = svm_kunit_address_space(test, svm, 1);
	wakeups = READ_ONCE(node->kswapd_wakeups);
	runs = READ_ONCE(node->kswapd_runs);
	for (n = 0; n < svm->nr_pages; n++) {
		populate(test, as, n, 1);
		if (READ_ONCE(normal->free_pages) < normal->pages_low) {
			below = READ_ONCE(normal->free_pages);
			break;
		}
		KUNIT_ASSERT_EQ_MSG(test, READ_ONCE(node->kswapd_wakeups),
				    wakeups, "%lu free, low %lu",
				    READ_ONCE(normal->free_pages),
				    normal->pages_low);
	}
	n++;
	KUNIT_ASSERT_LT(test, n, svm->nr_pages);
	KUNIT_EXPECT_EQ(test, READ_ONCE(node->kswapd_wakeups), wakeups + 1);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_KSWAPD_WAKE), 1);

	KUNIT_ASSERT_TRUE(test, kswapd_settled(node, runs));
	while ((zone = svm_next_zone(svm, zone)))
		KUNIT_EXPECT_GE_MSG(test, READ_ONCE(zone->free_pages),
				    zone->pages_high, "zone %s", zone->name);
	KUNIT_EXPECT_GT(test, svm_vm_event(svm, SVM_PGSCAN_KSWAPD), 0);
	KUNIT_EXPECT_GE(test, svm_vm_event(svm, SVM_PGSTEAL_KSWAPD),
			normal->pages_high - below);
	/* It stopped at pages_high: most of the cache is still there. */
	KUNIT_EXPECT_GT(test, atomic_long_read(&as->nrpages), n / 2);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGSCAN_DIRECT), 0);
}

/* The priorities and results of the passes of direct reclaim. */
static struct {
	spinlock_t lock;	/* protects n and pass */
	unsigned int instance;	/* the id of the instance followed */
	unsigned int n;
	struct {
		int priority;
		unsigned long scanned, reclaimed;
	} pass[16];
} passes = {
	.lock = __SPIN_LOCK_UNLOCKED(passes.lock),
};

static void probe_shrink_node(void *ignore, unsigned int instance, int nid,
			      int priority, bool kswapd,
			      unsigned long scanned, unsigned long reclaimed)
{
	unsigned long flags;

	if (kswapd || instance != READ_ONCE(passes.instance))
		return;
	spin_lock_irqsave(&passes.lock, flags);
	if (passes.n < ARRAY_SIZE(passes.pass)) {
		passes.pass[passes.n].priority = priority;
		passes.pass[passes.n].scanned = scanned;
		passes.pass[passes.n].reclaimed = reclaimed;
	}
	passes.n++;
	spin_unlock_irqrestore(&passes.lock, flags);
}

static void unregister_probe(void *unused)
{
	unregister_trace_svm_shrink_node(probe_shrink_node, NULL);
	tracepoint_synchronize_unregister();
}

static void follow_passes(struct kunit *test, struct svm_instance *svm)
{
	WRITE_ONCE(passes.instance, svm->id);
	passes.n = 0;
	KUNIT_ASSERT_EQ(test, register_trace_svm_shrink_node(probe_shrink_node,
							     NULL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unregister_probe,
							NULL), 0);
}

/* Frees the slab caches' free slabs, so that they add nothing later. */
static void reap_all(struct svm_instance *svm)
{
	int i;

	for (i = 0; i < 64; i++)
		svm_kmem_cache_reap(svm, SVM_GFP_KERNEL);
}

/*
 * Direct reclaim drops its priority from SVM_DEF_PRIORITY to 0 while
 * passes free nothing, each scanning twice the share of the last: 64
 * dirty pages with no swap to write them to are all kept, and reclaim
 * reports no progress. Clean pages stop it at the priority where it has
 * freed SVM_SWAP_CLUSTER_MAX, and it reports exactly what it freed.
 */
static void svm_vmscan_direct_priority_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 512, false);
	struct svm_node_reclaim *node = node_of(test, svm);
	struct svm_address_space *as;
	unsigned long freed = 0, free_before;
	struct svm_page *page;
	int p;
	u32 i;

	as = svm_kunit_address_space(test, svm, 1);
	populate(test, as, 0, 64);
	for (i = 0; i < 64; i++) {
		page = svm_find_get_page(as, i);
		KUNIT_ASSERT_NOT_NULL(test, page);
		svm_mark_page_dirty(as, page);
		svm_put_page(svm, page);
	}
	reap_all(svm);
	follow_passes(test, svm);
	KUNIT_EXPECT_EQ(test,
			svm_try_to_free_pages(svm, node->nid, SVM_GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_ALLOCSTALL), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 64);
	KUNIT_ASSERT_EQ(test, passes.n, SVM_DEF_PRIORITY + 1);
	for (p = SVM_DEF_PRIORITY; p >= 0; p--) {
		unsigned int k = SVM_DEF_PRIORITY - p;

		KUNIT_EXPECT_EQ(test, passes.pass[k].priority, p);
		KUNIT_EXPECT_EQ_MSG(test, passes.pass[k].scanned,
				    (64UL >> p) + 1, "priority %d", p);
		KUNIT_EXPECT_EQ(test, passes.pass[k].reclaimed, 0);
	}
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGSCAN_DIRECT),
			127 + SVM_DEF_PRIORITY + 1);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGSTEAL_DIRECT), 0);
	kunit_release_action(test, svm_kunit_destroy_as, as);

	/* 64 clean pages: each pass frees all it scans, until 32 are. */
	as = svm_kunit_address_space(test, svm, 2);
	populate(test, as, 0, 64);
	reap_all(svm);
	passes.n = 0;
	free_before = nr_free(svm);
	KUNIT_EXPECT_EQ(test, svm_try_to_free_pages(svm, node->nid, SVM_GFP_KERNEL),
			SVM_SWAP_CLUSTER_MAX);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages),
			64 - SVM_SWAP_CLUSTER_MAX);
	KUNIT_ASSERT_GT(test, passes.n, 0);
	KUNIT_ASSERT_LE(test, passes.n, SVM_DEF_PRIORITY + 1);
	for (i = 0; i < passes.n; i++) {
		KUNIT_EXPECT_EQ(test, passes.pass[i].priority,
				SVM_DEF_PRIORITY - (int)i);
		KUNIT_EXPECT_EQ(test, passes.pass[i].reclaimed,
				passes.pass[i].scanned);
		freed += passes.pass[i].reclaimed;
	}
	KUNIT_EXPECT_EQ(test, freed, SVM_SWAP_CLUSTER_MAX);
	/* The last pass is the first to scan a quarter of the list. */
	KUNIT_EXPECT_EQ(test, passes.pass[passes.n - 1].priority, 2);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGSTEAL_DIRECT),
			SVM_SWAP_CLUSTER_MAX);
	KUNIT_EXPECT_EQ(test, nr_free(svm),
			free_before + SVM_SWAP_CLUSTER_MAX);
}

/*
 * Reclaim reaps the slab caches: a cache's free slabs go back to the
 * buddy allocator, counted as reclaimed, with no page cache to shrink.
 */
static void svm_vmscan_slab_reap_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 512, false);
	struct svm_node_reclaim *node = node_of(test, svm);
	struct svm_kmem_cache_stats st;
	struct svm_kmem_cache *c;
	unsigned long got, free_before;
	void **objs;
	unsigned int n = 0, max;

	/* Only this cache has free slabs: the others give nothing. */
	reap_all(svm);
	c = svm_kmem_cache_create(svm, "vmscan-reap", 256, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	max = 8 * c->num;
	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	while (c->num_slabs < 8) {
		KUNIT_ASSERT_LT(test, n, max);
		objs[n] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[n]);
		n++;
	}
	while (n)
		svm_kmem_cache_free(c, objs[--n]);
	svm_kmem_cache_drain(c);
	svm_kmem_cache_get_stats(c, &st);
	KUNIT_ASSERT_EQ(test, st.free, 8);
	KUNIT_ASSERT_EQ(test, c->gfporder, 0);
	KUNIT_ASSERT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);

	free_before = nr_free(svm);
	got = svm_try_to_free_pages(svm, node->nid, SVM_GFP_KERNEL);
	svm_kmem_cache_get_stats(c, &st);
	KUNIT_EXPECT_EQ(test, st.free, 0);
	KUNIT_EXPECT_GE(test, c->reaps, 1);
	KUNIT_EXPECT_GE(test, got, 8);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGSTEAL_DIRECT), got);
	KUNIT_EXPECT_EQ(test, nr_free(svm), free_before + got);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
}

static struct kunit_case svm_vmscan_cases[] = {
	KUNIT_CASE(svm_vmscan_refill_inactive_test),
	KUNIT_CASE(svm_vmscan_refill_proportion_test),
	KUNIT_CASE(svm_vmscan_rotate_referenced_test),
	KUNIT_CASE(svm_vmscan_unevictable_test),
	KUNIT_CASE(svm_vmscan_kswapd_watermarks_test),
	KUNIT_CASE(svm_vmscan_direct_priority_test),
	KUNIT_CASE(svm_vmscan_slab_reap_test),
	{}
};

static struct kunit_suite svm_vmscan_suite = {
	.name = "shadowvm_vmscan",
	.test_cases = svm_vmscan_cases,
};

kunit_test_suites(&svm_vmscan_suite);
