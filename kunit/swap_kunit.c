// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's reclaim and swap on private instances: the
 * LRU movement rules, swap entries, the slot allocator (clusters, reuse,
 * a full device), the swap cache, and reclaim of clean and dirty pages
 * through the real bio path on a RAM disk (brd's /dev/ram0, built into
 * the debug kernel).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>

#include "svm_kunit.h"

#define SWAP_DEV	"/dev/ram0"

static struct svm_instance *create(struct kunit *test, unsigned long nr_pages,
				   bool swap)
{
	struct svm_params p = {
		.name = "kunit-swap",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
	};
	struct svm_swap_params sp = {
		.path = SWAP_DEV,
		.format = true,
		.page_cluster = 3,
	};
	struct svm_instance *svm = svm_kunit_instance(test, &p);

	if (swap)
		KUNIT_ASSERT_EQ(test, svm_swapon(svm, &sp), 0);
	return svm;
}

static void fill(struct svm_instance *svm, struct svm_page *page, u32 seed)
{
	u32 *k = svm_kmap_atomic(svm, page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*k); i++)
		k[i] = seed * 2654435761U + i;
	svm_kunmap_atomic(svm, k);
}

static bool holds(struct svm_instance *svm, struct svm_page *page, u32 seed)
{
	u32 *k = svm_kmap_atomic(svm, page);
	unsigned int i;
	bool ok = true;

	for (i = 0; i < PAGE_SIZE / sizeof(*k); i++)
		ok &= k[i] == seed * 2654435761U + i;
	svm_kunmap_atomic(svm, k);
	return ok;
}

/*
 * Pages 0..@n-1 of @as: every page whose index is not a multiple of
 * @clean_every gets the pattern of its index and is marked dirty.
 */
static void populate(struct kunit *test, struct svm_address_space *as,
		     u32 n, u32 clean_every)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	bool created;
	u32 i;

	for (i = 0; i < n; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		if (i % clean_every) {
			fill(svm, page, i);
			svm_mark_page_dirty(as, page);
		}
		svm_put_page(svm, page);
	}
}

/* Entries keep their type and offset; 0 is never a valid slot. */
static void svm_swp_entry_test(struct kunit *test)
{
	struct svm_swp_entry e = svm_mk_swp_entry(0, 12345);

	KUNIT_EXPECT_EQ(test, svm_swp_type(e), 0);
	KUNIT_EXPECT_EQ(test, svm_swp_offset(e), 12345);
	e = svm_mk_swp_entry(SVM_MAX_SWAPFILES - 1, SVM_SWP_MAX_PAGES - 1);
	KUNIT_EXPECT_EQ(test, svm_swp_type(e), SVM_MAX_SWAPFILES - 1);
	KUNIT_EXPECT_EQ(test, svm_swp_offset(e), SVM_SWP_MAX_PAGES - 1);
	KUNIT_EXPECT_NE(test, svm_mk_swp_entry(0, 1).val, 0);
}

/* Slots come in a run from a cluster; freed ones are found again. */
static void svm_swap_slots_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, true);
	struct svm_swp_entry e[8], again;
	unsigned long free0 = svm_nr_swap_pages(svm);
	int i;

	KUNIT_ASSERT_GT(test, free0, SVM_SWAPFILE_CLUSTER);
	for (i = 0; i < 8; i++) {
		e[i] = svm_get_swap_page(svm);
		KUNIT_ASSERT_NE(test, e[i].val, 0);
		KUNIT_EXPECT_EQ(test, svm_swap_count(svm, e[i]), 1);
		if (i)
			KUNIT_EXPECT_EQ(test, svm_swp_offset(e[i]),
					svm_swp_offset(e[i - 1]) + 1);
	}
	KUNIT_EXPECT_NE(test, svm_swp_offset(e[0]), 0);
	KUNIT_EXPECT_EQ(test, svm_nr_swap_pages(svm), free0 - 8);
	/* A second user keeps the slot through one free. */
	KUNIT_EXPECT_EQ(test, svm_swap_duplicate(svm, e[3]), 0);
	svm_swap_free(svm, e[3]);
	KUNIT_EXPECT_EQ(test, svm_swap_count(svm, e[3]), 1);
	for (i = 0; i < 8; i++)
		svm_swap_free(svm, e[i]);
	KUNIT_EXPECT_EQ(test, svm_nr_swap_pages(svm), free0);
	KUNIT_EXPECT_EQ(test, svm_swap_count(svm, e[0]), 0);
	/* Not in use any more: a duplicate is refused. */
	KUNIT_EXPECT_EQ(test, svm_swap_duplicate(svm, e[0]), -EINVAL);
	/* The header slot and slots past the end are no entries. */
	KUNIT_EXPECT_EQ(test, svm_swap_count(svm, svm_mk_swp_entry(0, 0)),
			-EINVAL);
	again = svm_get_swap_page(svm);
	KUNIT_EXPECT_NE(test, again.val, 0);
	svm_swap_free(svm, again);
}

/* Every usable slot can be had once; then allocation fails, then wraps. */
static void svm_swap_full_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, true);
	unsigned long n = svm_nr_swap_pages(svm), i, got = 0;
	struct svm_swp_entry e, mid = { 0 };

	for (i = 0; i < n; i++) {
		e = svm_get_swap_page(svm);
		if (!e.val)
			break;
		got++;
		if (i == n / 2)
			mid = e;
	}
	KUNIT_EXPECT_EQ(test, got, n);
	KUNIT_EXPECT_EQ(test, svm_nr_swap_pages(svm), 0);
	KUNIT_EXPECT_EQ(test, svm_get_swap_page(svm).val, 0);
	/* The one slot freed in the middle is the one handed out next. */
	svm_swap_free(svm, mid);
	e = svm_get_swap_page(svm);
	KUNIT_EXPECT_EQ(test, e.val, mid.val);
	for (i = 1; i <= n; i++)
		svm_swap_free(svm, svm_mk_swp_entry(0, i));
	KUNIT_EXPECT_EQ(test, svm_nr_swap_pages(svm), n);
}

/* The swap cache finds a page by entry; removal respects other holders. */
static void svm_swap_cache_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, true);
	struct svm_swp_entry e = svm_get_swap_page(svm);
	struct svm_page *page = svm_alloc_page(svm, SVM_GFP_KERNEL), *found;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NE(test, e.val, 0);
	svm_lock_page(page);
	KUNIT_EXPECT_EQ(test, svm_add_to_swap_cache(svm, page, e), 0);
	KUNIT_EXPECT_EQ(test, svm_add_to_swap_cache(svm, page, e), -EEXIST);
	KUNIT_EXPECT_TRUE(test, svm_page_test_swapcache(page));
	KUNIT_EXPECT_EQ(test, svm_swap_count(svm, e), 2);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 2);
	found = svm_lookup_swap_cache(svm, e);
	KUNIT_EXPECT_PTR_EQ(test, found, page);
	/* Somebody (the lookup) holds it: not removed. */
	KUNIT_EXPECT_FALSE(test, svm_delete_from_swap_cache(svm, page, 2));
	svm_put_page(svm, found);
	KUNIT_EXPECT_TRUE(test, svm_delete_from_swap_cache(svm, page, 2));
	KUNIT_EXPECT_FALSE(test, svm_page_test_swapcache(page));
	KUNIT_EXPECT_NULL(test, svm_lookup_swap_cache(svm, e));
	KUNIT_EXPECT_EQ(test, svm_swap_count(svm, e), 1);
	svm_unlock_page(page);
	svm_free_page(svm, page);
	svm_swap_free(svm, e);
}

/*
 * svm_remove_mapping() freezes the count of a page in both caches at 0
 * under the object's tree lock only. A swap-cache lookup then must not
 * take a reference: the count restored after the freeze would erase it,
 * and the page would be freed twice.
 */
static void svm_swap_cache_frozen_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, true);
	struct svm_swp_entry e = svm_get_swap_page(svm);
	struct svm_page *page = svm_alloc_page(svm, SVM_GFP_KERNEL), *found;
	int frozen;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NE(test, e.val, 0);
	svm_lock_page(page);
	KUNIT_ASSERT_EQ(test, svm_add_to_swap_cache(svm, page, e), 0);
	frozen = atomic_xchg(&page->_refcount, 0);
	KUNIT_EXPECT_EQ(test, frozen, 2);
	found = svm_lookup_swap_cache(svm, e);
	KUNIT_EXPECT_NULL(test, found);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 0);
	atomic_set(&page->_refcount, frozen);
	if (found)
		svm_put_page(svm, found);
	found = svm_lookup_swap_cache(svm, e);
	KUNIT_EXPECT_PTR_EQ(test, found, page);
	if (found)
		svm_put_page(svm, found);
	KUNIT_EXPECT_TRUE(test, svm_delete_from_swap_cache(svm, page, 2));
	svm_unlock_page(page);
	svm_free_page(svm, page);
	svm_swap_free(svm, e);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_double), 0);
}

/*
 * A page read ahead for a slot whose object then drops the entry, while
 * somebody else (reclaim's isolation, a fault that lost the race) still
 * holds a reference: the slot must not stay in use for good once that
 * reference goes, with no reclaim to come by and find the page.
 */
static void svm_swap_cache_orphan_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, true);
	struct svm_swp_entry e = svm_get_swap_page(svm);
	struct svm_page *page = svm_alloc_page(svm, SVM_GFP_KERNEL), *held;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NE(test, e.val, 0);
	svm_lock_page(page);
	KUNIT_ASSERT_EQ(test, svm_add_to_swap_cache(svm, page, e), 0);
	svm_lru_cache_add(svm, page);
	svm_unlock_page(page);
	/* The reader's reference goes; the cache's stays. */
	svm_put_page(svm, page);
	held = svm_lookup_swap_cache(svm, e);
	KUNIT_ASSERT_PTR_EQ(test, held, page);
	KUNIT_EXPECT_EQ(test, svm_swap_count(svm, e), 2);

	/* The object's use goes: the cache's was the last. */
	svm_free_swap_and_cache(svm, e);
	KUNIT_EXPECT_EQ(test, svm_swap_count(svm, e), 0);
	KUNIT_EXPECT_NULL(test, svm_lookup_swap_cache(svm, e));
	KUNIT_EXPECT_FALSE(test, svm_page_test_swapcache(page));
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->nr_cache), 0);
	/* The holder's reference is the last one. */
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 1);
	svm_put_page(svm, held);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_double), 0);
}

/* 2.6's mark_page_accessed(): two uses move a page to the active list. */
static void svm_lru_accessed_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, false);
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;

	as = svm_kunit_address_space(test, svm, 1);
	page = svm_find_or_create_page(as, 0, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	/* New: inactive, unreferenced (used once so far). */
	KUNIT_EXPECT_TRUE(test, svm_page_test_lru(page));
	KUNIT_EXPECT_FALSE(test, svm_page_test_active(page));
	KUNIT_EXPECT_FALSE(test, svm_page_test_referenced(page));
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 1);
	/* Found again: referenced; once more: active. */
	svm_mark_page_accessed(svm, page);
	KUNIT_EXPECT_TRUE(test, svm_page_test_referenced(page));
	KUNIT_EXPECT_FALSE(test, svm_page_test_active(page));
	svm_mark_page_accessed(svm, page);
	KUNIT_EXPECT_TRUE(test, svm_page_test_active(page));
	KUNIT_EXPECT_FALSE(test, svm_page_test_referenced(page));
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 1);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGACTIVATE), 1);
	svm_mark_page_accessed(svm, page);
	KUNIT_EXPECT_TRUE(test, svm_page_test_referenced(page));
	/* Isolated: off the lists, with a reference; only once. */
	KUNIT_EXPECT_TRUE(test, svm_isolate_lru_page(svm, page));
	KUNIT_EXPECT_FALSE(test, svm_isolate_lru_page(svm, page));
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 0);
	svm_lru_cache_add(svm, page);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 1);
	svm_put_page(svm, page);
	svm_put_page(svm, page);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 0);
}

/*
 * A page of a locked VMA waits on the unevictable list: uses do not move
 * it to the active list (the kernel's folio_mark_accessed() leaves
 * unevictable folios alone), and every list keeps its count.
 */
static void svm_lru_accessed_unevictable_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, false);
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;

	as = svm_kunit_address_space(test, svm, 1);
	page = svm_find_or_create_page(as, 0, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	/* As reclaim culls it: isolated, marked, put back. */
	KUNIT_ASSERT_TRUE(test, svm_isolate_lru_page(svm, page));
	svm_page_set_unevictable(page);
	svm_lru_cache_add(svm, page);
	svm_put_page(svm, page);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_UNEVICTABLE), 1);
	svm_mark_page_accessed(svm, page);
	svm_mark_page_accessed(svm, page);
	svm_mark_page_accessed(svm, page);
	KUNIT_EXPECT_FALSE(test, svm_page_test_active(page));
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_UNEVICTABLE), 1);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 0);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGACTIVATE), 0);
	svm_put_page(svm, page);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_UNEVICTABLE), 0);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 0);
}

/* Without swap, clean pages are dropped and dirty ones stay. */
static void svm_reclaim_clean_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 128, false);
	struct svm_address_space *as;
	struct svm_page *page;
	unsigned long freed;
	u32 i;

	as = svm_kunit_address_space(test, svm, 2);
	populate(test, as, 32, 2);
	freed = svm_shrink_all_memory(svm, 64);
	KUNIT_EXPECT_EQ(test, freed, 16);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 16);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrswapped), 0);
	for (i = 0; i < 32; i++) {
		page = svm_find_get_page(as, i);
		KUNIT_EXPECT_EQ(test, !!page, i % 2);
		if (page)
			svm_put_page(svm, page);
	}
	KUNIT_EXPECT_GE(test, svm_vm_event(svm, SVM_PGSCAN_DIRECT), 32);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/*
 * With swap on a RAM disk: dirty pages are written and leave swap entries
 * behind; clean ones are dropped; every page comes back with its data
 * (a major fault, or a swap-cache hit after read-ahead).
 */
static void svm_reclaim_swap_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 128, true);
	struct svm_address_space *as;
	struct svm_page *page;
	unsigned long slots;
	bool created;
	u32 i;

	as = svm_kunit_address_space(test, svm, 3);
	populate(test, as, 32, 4);
	slots = svm_nr_swap_pages(svm);
	KUNIT_EXPECT_EQ(test, svm_shrink_all_memory(svm, 64), 32);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrswapped), 24);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->pswpout), 24);
	KUNIT_EXPECT_EQ(test, slots - svm_nr_swap_pages(svm), 24);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->nr_cache), 0);
	for (i = 0; i < 32; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		if (i % 4)
			KUNIT_EXPECT_TRUE_MSG(test, holds(svm, page, i),
					      "page %u", i);
		else
			KUNIT_EXPECT_TRUE(test, created);
		KUNIT_EXPECT_FALSE(test, svm_page_test_dirty(page));
		svm_put_page(svm, page);
	}
	/* Read-ahead brought neighbours in before their faults. */
	KUNIT_EXPECT_GT(test, atomic_long_read(&svm->swap->ra_hits), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->pswpin), 24);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrswapped), 0);
	/* Clean with a swap copy: freed again without I/O. */
	KUNIT_EXPECT_EQ(test, svm_shrink_all_memory(svm, 64), 32);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->pswpout), 24);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, svm_nr_swap_pages(svm), slots);
}

/*
 * Pages 1..@n-1 of a new @as written to swap and freed (page 0, never
 * written, becomes a hole): each leaves a shadow beside its slot.
 */
static void evict(struct kunit *test, struct svm_address_space *as, u32 n)
{
	struct svm_instance *svm = as->svm;

	populate(test, as, n, n);
	KUNIT_ASSERT_EQ(test, svm_shrink_all_memory(svm, 2 * n), n);
	KUNIT_ASSERT_EQ(test, atomic_long_read(&as->nrswapped), n - 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->nr_shadows), n - 1);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_WORKINGSET_REFAULT), 0);
}

/*
 * @n new pages of @as put on the active list directly, as if reclaim had
 * activated them, so that the non-resident clock does not move.
 */
static void make_active(struct kunit *test, struct svm_address_space *as,
			u32 n)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	bool created;
	u32 i;

	for (i = 0; i < n; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		KUNIT_ASSERT_TRUE(test, svm_isolate_lru_page(svm, page));
		svm_page_set_active(page);
		svm_lru_cache_add(svm, page);
		svm_put_page(svm, page);
		svm_put_page(svm, page);
	}
}

/*
 * Pages 1..@n-1 of @as read back (read-ahead brings most of them): each
 * with its data, active or not as @active says. Each new swap-cache page
 * consumed its slot's shadow and counted a refault.
 */
static void refault(struct kunit *test, struct svm_address_space *as, u32 n,
		    bool active)
{
	struct svm_instance *svm = as->svm;
	struct svm_page *page;
	bool created;
	u32 i;

	for (i = 1; i < n; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		KUNIT_EXPECT_TRUE_MSG(test, holds(svm, page, i), "page %u", i);
		KUNIT_EXPECT_EQ_MSG(test, svm_page_test_active(page), active,
				    "page %u", i);
		KUNIT_EXPECT_TRUE(test, svm_page_test_lru(page));
		svm_put_page(svm, page);
	}
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_WORKINGSET_REFAULT),
			n - 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->nr_shadows), 0);
}

/*
 * Pages read back from swap while their refault distance (evictions and
 * activations since their own eviction: a few dozen at most here) is
 * within the 32 pages of the active list go straight to the active list.
 */
static void svm_workingset_activate_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 128, true);
	struct svm_address_space *as, *hot;

	as = svm_kunit_address_space(test, svm, 1);
	hot = svm_kunit_address_space(test, svm, 2);
	evict(test, as, 8);
	make_active(test, hot, 32);
	KUNIT_ASSERT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 32);
	refault(test, as, 8, true);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_WORKINGSET_ACTIVATE),
			7);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 32 + 7);
	kunit_release_action(test, svm_kunit_destroy_as, hot);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/*
 * The same, but 64 more pages are evicted after them: a distance over
 * 64 exceeds the 32 active pages, and the pages refault onto the
 * inactive list like any new page. The refaults are counted all the same.
 */
static void svm_workingset_distance_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 128, true);
	struct svm_address_space *as, *cold, *hot;

	as = svm_kunit_address_space(test, svm, 1);
	cold = svm_kunit_address_space(test, svm, 2);
	hot = svm_kunit_address_space(test, svm, 3);
	evict(test, as, 8);
	/* Never written: they leave holes, and move the clock only. */
	populate(test, cold, 64, 1);
	KUNIT_ASSERT_EQ(test, svm_shrink_all_memory(svm, 128), 64);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->nr_shadows), 7);
	make_active(test, hot, 32);
	refault(test, as, 8, false);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_WORKINGSET_ACTIVATE),
			0);
	KUNIT_EXPECT_EQ(test, svm_lru_pages(svm, SVM_LRU_ACTIVE), 32);
	KUNIT_EXPECT_GE(test, svm_lru_pages(svm, SVM_LRU_INACTIVE), 7);
	kunit_release_action(test, svm_kunit_destroy_as, hot);
	kunit_release_action(test, svm_kunit_destroy_as, cold);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/*
 * A shadow lives only as long as its slot: truncating the object frees
 * the slots and forgets their shadows, with no refault counted.
 */
static void svm_workingset_truncate_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 128, true);
	struct svm_swap_info *si;
	struct svm_address_space *as;
	unsigned long index, slot;
	void *entry;

	as = svm_kunit_address_space(test, svm, 1);
	evict(test, as, 8);
	si = svm->swap;
	xa_for_each(&as->i_pages, index, entry) {
		struct svm_swp_entry swp = { xa_to_value(entry) };

		KUNIT_ASSERT_TRUE(test, xa_is_value(entry));
		KUNIT_EXPECT_NE_MSG(test, si->shadows[svm_swp_offset(swp)], 0,
				    "index %lu", index);
	}
	KUNIT_EXPECT_EQ(test, svm_truncate_pages(as, 0), 7);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&si->nr_shadows), 0);
	for (slot = 0; slot < si->max; slot++)
		KUNIT_EXPECT_EQ_MSG(test, si->shadows[slot], 0, "slot %lu",
				    slot);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_WORKINGSET_REFAULT), 0);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/*
 * A swap completion stopped by svm_swap_end_io_hook at the point past
 * which nobody waits for it, and svm_swapoff() started meanwhile.
 */
struct svm_swapoff_race {
	struct svm_instance *svm;
	struct svm_page *page;
	bool write;
	int io_ret;
	struct completion at_hook;
	struct completion release;
	struct completion io_done;
	struct completion swapoff_done;
};

static struct svm_swapoff_race *svm_race;

static void svm_swapoff_race_hook(struct svm_swap_info *si)
{
	struct svm_swapoff_race *r = READ_ONCE(svm_race);

	if (!r || si->svm != r->svm)
		return;
	complete(&r->at_hook);
	wait_for_completion(&r->release);
}

static void svm_swapoff_race_unhook(void *unused)
{
	WRITE_ONCE(svm_swap_end_io_hook, NULL);
	WRITE_ONCE(svm_race, NULL);
}

/* brd completes a bio inline: the completion runs in this task. */
static int svm_swapoff_race_io(void *data)
{
	struct svm_swapoff_race *r = data;

	if (r->write)
		r->io_ret = svm_swap_writepage(r->svm, r->page);
	else
		r->io_ret = svm_swap_readpage(r->svm, r->page);
	complete(&r->io_done);
	return 0;
}

static int svm_swapoff_race_off(void *data)
{
	struct svm_swapoff_race *r = data;

	svm_swapoff(r->svm);
	complete(&r->swapoff_done);
	return 0;
}

static struct task_struct *svm_swapoff_race_start(struct kunit *test,
						  int (*fn)(void *),
						  struct svm_swapoff_race *r,
						  const char *name)
{
	struct task_struct *task = kthread_create(fn, r, "%s", name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	/* It may finish before kthread_stop(): keep its task. */
	get_task_struct(task);
	wake_up_process(task);
	return task;
}

/*
 * A swap completion may run in task context (brd completes in the
 * submitter, blk-mq in a polling or remote task, a threaded handler):
 * svm_swapoff() must not free the area while a completion is still
 * between its last signal to waiters and its last touch of the area.
 * The completion is held there; svm_swapoff() must still be waiting
 * half a second later, and return once the completion is let go.
 */
static void svm_swapoff_race(struct kunit *test, bool write)
{
	struct svm_instance *svm = create(test, 64, true);
	struct svm_swapoff_race r = { .svm = svm, .write = write };
	struct task_struct *io, *off;
	struct svm_swp_entry e = svm_get_swap_page(svm);
	unsigned long early;

	r.page = svm_alloc_page(svm, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r.page);
	KUNIT_ASSERT_NE(test, e.val, 0);
	/* The page is the swap cache's and ours, the slot the cache's. */
	svm_lock_page(r.page);
	KUNIT_ASSERT_EQ(test, svm_add_to_swap_cache(svm, r.page, e), 0);
	svm_swap_free(svm, e);
	if (write) {
		fill(svm, r.page, 7);
		svm_page_set_writeback(r.page);
	}
	init_completion(&r.at_hook);
	init_completion(&r.release);
	init_completion(&r.io_done);
	init_completion(&r.swapoff_done);
	WRITE_ONCE(svm_race, &r);
	WRITE_ONCE(svm_swap_end_io_hook, svm_swapoff_race_hook);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, svm_swapoff_race_unhook,
						  NULL));

	io = svm_swapoff_race_start(test, svm_swapoff_race_io, &r,
				    write ? "svm-swap-write" : "svm-swap-read");
	wait_for_completion(&r.at_hook);
	KUNIT_EXPECT_EQ(test, atomic_read(&svm->swap->writes_inflight), 0);
	/*
	 * Our reference goes: a written page comes back to the reaper with
	 * the writer's, a read one stays in the swap cache for the drain.
	 */
	if (!write)
		svm_put_page(svm, r.page);
	off = svm_swapoff_race_start(test, svm_swapoff_race_off, &r,
				     "svm-swapoff");
	early = wait_for_completion_timeout(&r.swapoff_done, HZ / 2);
	complete(&r.release);
	wait_for_completion(&r.io_done);
	wait_for_completion(&r.swapoff_done);
	KUNIT_EXPECT_EQ(test, kthread_stop_put(io), 0);
	KUNIT_EXPECT_EQ(test, kthread_stop_put(off), 0);
	KUNIT_EXPECT_EQ_MSG(test, early, 0,
			    "svm_swapoff() returned while a %s completion still ran",
			    write ? "write" : "read");
	KUNIT_EXPECT_EQ(test, r.io_ret, 0);
	KUNIT_EXPECT_FALSE(test, svm_swap_active(svm));
}

static void svm_swapoff_write_race_test(struct kunit *test)
{
	svm_swapoff_race(test, true);
}

static void svm_swapoff_read_race_test(struct kunit *test)
{
	svm_swapoff_race(test, false);
}

/* Which swap I/O the fail hook fails, and what it saw. */
struct svm_swap_fail {
	struct svm_instance *svm;
	bool write;
	unsigned int budget;
	unsigned int failed;
	u32 entries[64];
};

static struct svm_swap_fail *svm_fail;

static int svm_swap_fail_fn(struct svm_swap_info *si, struct svm_page *page,
			    bool write)
{
	struct svm_swap_fail *f = READ_ONCE(svm_fail);

	if (!f || si->svm != f->svm || write != f->write ||
	    f->failed >= f->budget)
		return 0;
	if (f->failed < ARRAY_SIZE(f->entries))
		f->entries[f->failed] = page->private;
	f->failed++;
	return -EIO;
}

static void svm_swap_fail_unhook(void *unused)
{
	WRITE_ONCE(svm_swap_fail_hook, NULL);
	WRITE_ONCE(svm_fail, NULL);
}

static void svm_swap_fail_start(struct kunit *test, struct svm_swap_fail *f)
{
	WRITE_ONCE(svm_fail, f);
	WRITE_ONCE(svm_swap_fail_hook, svm_swap_fail_fn);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, svm_swap_fail_unhook,
						  NULL));
}

/* Does @entry name one of the slots @f failed? */
static bool svm_swap_failed_slot(struct svm_swap_fail *f, unsigned long entry)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, f->failed, ARRAY_SIZE(f->entries));
	     i++)
		if (entry == f->entries[i])
			return true;
	return false;
}

/*
 * A failed swap write: the page stays resident and dirty with its data,
 * leaves the swap cache, and its slot is marked bad, out of the area for
 * good. Reclaim writes the page again to another slot, which reads back
 * intact; no page ever refers to a bad slot.
 */
static void svm_swap_write_error_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 128, true);
	struct svm_swap_fail f = { .svm = svm, .write = true, .budget = 15 };
	struct svm_address_space *as;
	struct svm_page *page;
	unsigned long slots;
	bool created;
	void *entry;
	u32 i;

	as = svm_kunit_address_space(test, svm, 4);
	populate(test, as, 16, 1000);
	slots = svm_nr_swap_pages(svm);
	svm_swap_fail_start(test, &f);
	svm_shrink_all_memory(svm, 64);
	svm_swap_fail_unhook(NULL);
	KUNIT_ASSERT_EQ(test, f.failed, 15);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->write_errors), 15);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->bad_slots), 15);
	KUNIT_EXPECT_EQ(test, svm->swap->nr_bad_io, 15);
	for (i = 0; i < 15; i++)
		KUNIT_EXPECT_EQ(test,
				svm_swap_count(svm, (struct svm_swp_entry){
						f.entries[i] }),
				SVM_SWAP_MAP_BAD);
	/* Each page: on a good slot, or resident, dirty, off the cache. */
	for (i = 1; i < 16; i++) {
		entry = xa_load(&as->i_pages, i);
		if (xa_is_value(entry)) {
			KUNIT_EXPECT_FALSE_MSG(test,
				svm_swap_failed_slot(&f, xa_to_value(entry)),
				"page %u on a bad slot", i);
			continue;
		}
		page = svm_find_get_page(as, i);
		KUNIT_ASSERT_NOT_NULL(test, page);
		if (svm_page_test_swapcache(page))
			KUNIT_EXPECT_FALSE_MSG(test,
				svm_swap_failed_slot(&f, page->private),
				"page %u cached on a bad slot", i);
		else
			KUNIT_EXPECT_TRUE(test, svm_page_test_dirty(page));
		KUNIT_EXPECT_TRUE_MSG(test, holds(svm, page, i), "page %u", i);
		svm_put_page(svm, page);
	}
	/* Retried: every page to a good slot, and read back intact. */
	svm_shrink_all_memory(svm, 64);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrswapped), 15);
	for (i = 1; i < 16; i++) {
		entry = xa_load(&as->i_pages, i);
		KUNIT_ASSERT_TRUE(test, xa_is_value(entry));
		KUNIT_EXPECT_FALSE(test,
				   svm_swap_failed_slot(&f, xa_to_value(entry)));
	}
	for (i = 1; i < 16; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		KUNIT_EXPECT_TRUE_MSG(test, holds(svm, page, i), "page %u", i);
		svm_put_page(svm, page);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->write_errors), 15);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	/* The bad slots stay out of the area. */
	KUNIT_EXPECT_EQ(test, svm_nr_swap_pages(svm), slots - 15);
}

/*
 * A failed swap read: -EIO, never a page of zeros or of stale data; the
 * entry stays where it was and the slot keeps its data, so the next try
 * reads it.
 */
static void svm_swap_read_error_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 128, true);
	struct svm_swap_fail f = { .svm = svm, .write = false,
				   .budget = UINT_MAX };
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;
	u32 i;

	as = svm_kunit_address_space(test, svm, 5);
	populate(test, as, 16, 1000);
	svm_shrink_all_memory(svm, 64);
	KUNIT_ASSERT_EQ(test, atomic_long_read(&as->nrswapped), 15);
	svm_swap_fail_start(test, &f);
	for (i = 1; i < 16; i++) {
		page = svm_read_cache_page(as, i);
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(page), -EIO);
		if (!IS_ERR_OR_NULL(page))
			svm_put_page(svm, page);
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(page), -EIO);
		if (!IS_ERR_OR_NULL(page))
			svm_put_page(svm, page);
	}
	svm_swap_fail_unhook(NULL);
	KUNIT_EXPECT_GE(test, f.failed, 15);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->read_errors),
			f.failed);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrswapped), 15);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->swap->bad_slots), 0);
	for (i = 1; i < 16; i++) {
		page = svm_read_cache_page(as, i);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(page));
		KUNIT_EXPECT_TRUE_MSG(test, holds(svm, page, i), "page %u", i);
		svm_put_page(svm, page);
	}
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

static struct kunit_case svm_swap_cases[] = {
	KUNIT_CASE(svm_swp_entry_test),
	KUNIT_CASE(svm_swap_slots_test),
	KUNIT_CASE(svm_swap_full_test),
	KUNIT_CASE(svm_swap_cache_test),
	KUNIT_CASE(svm_swap_cache_frozen_test),
	KUNIT_CASE(svm_swap_cache_orphan_test),
	KUNIT_CASE(svm_lru_accessed_test),
	KUNIT_CASE(svm_lru_accessed_unevictable_test),
	KUNIT_CASE(svm_reclaim_clean_test),
	KUNIT_CASE(svm_reclaim_swap_test),
	KUNIT_CASE(svm_workingset_activate_test),
	KUNIT_CASE(svm_workingset_distance_test),
	KUNIT_CASE(svm_workingset_truncate_test),
	KUNIT_CASE(svm_swapoff_write_race_test),
	KUNIT_CASE(svm_swapoff_read_race_test),
	KUNIT_CASE(svm_swap_write_error_test),
	KUNIT_CASE(svm_swap_read_error_test),
	{}
};

static struct kunit_suite svm_swap_suite = {
	.name = "shadowvm_swap",
	.test_cases = svm_swap_cases,
};

kunit_test_suite(svm_swap_suite);
