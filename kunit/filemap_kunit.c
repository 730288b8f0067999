// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's page cache on private instances: insertion,
 * lookup, exactly one page per index, the page lock, truncation, dropping
 * clean pages, zeroed pages, running out of shadow memory, the vmstat
 * table, range lookups and creation ahead, dirty harvesting, object sizes
 * and the fault policy.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/string.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/object.h>
#include <shadowvm/page.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>

#include "svm_kunit.h"

static struct svm_instance *create(struct kunit *test, unsigned long nr_pages)
{
	struct svm_params p = {
		.name = "kunit-filemap",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
	};

	return svm_kunit_instance(test, &p);
}

static unsigned long free_count(struct svm_instance *svm)
{
	struct svm_zone *zone;
	unsigned long n = 0;

	svm_drain_all_pages(svm);
	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		n += zone->free_pages;
	return n;
}

static bool page_is(struct svm_instance *svm, struct svm_page *page, u8 val)
{
	u8 *k = svm_kmap_atomic(svm, page);
	bool ok = true;
	unsigned long i;

	for (i = 0; i < PAGE_SIZE; i++)
		ok &= k[i] == val;
	svm_kunmap_atomic(svm, k);
	return ok;
}

static void page_fill(struct svm_instance *svm, struct svm_page *page, u8 val)
{
	void *k = svm_kmap_atomic(svm, page);

	memset(k, val, PAGE_SIZE);
	svm_kunmap_atomic(svm, k);
}

/* Insert, look up, refuse a second page at the same index, remove. */
static void svm_page_cache_add_find_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	unsigned long free0 = free_count(svm);
	struct svm_address_space *as;
	struct svm_page *page, *found, *other;
	bool created;

	as = svm_kunit_address_space(test, svm, 1);
	page = svm_find_or_create_page(as, 5, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	KUNIT_EXPECT_TRUE(test, created);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 2);
	KUNIT_EXPECT_PTR_EQ(test, page->mapping, as);
	KUNIT_EXPECT_EQ(test, page->index, 5);
	KUNIT_EXPECT_TRUE(test, svm_page_test_lru(page));
	KUNIT_EXPECT_TRUE(test, svm_page_test_uptodate(page));
	KUNIT_EXPECT_FALSE(test, svm_page_test_locked(page));
	KUNIT_EXPECT_TRUE(test, page_is(svm, page, 0));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 1);

	found = svm_find_or_create_page(as, 5, &created);
	KUNIT_EXPECT_FALSE(test, created);
	KUNIT_EXPECT_PTR_EQ(test, found, page);
	KUNIT_EXPECT_EQ(test, svm_page_count(page), 3);
	svm_put_page(svm, found);
	KUNIT_EXPECT_NULL(test, svm_find_get_page(as, 4));

	/* A racing inserter loses: its page stays its own. */
	other = svm_alloc_page(svm, SVM_GFP_HIGHUSER);
	KUNIT_ASSERT_NOT_NULL(test, other);
	svm_page_set_locked(other);
	KUNIT_EXPECT_EQ(test, svm_add_to_page_cache(as, other, 5), -EEXIST);
	KUNIT_EXPECT_NULL(test, other->mapping);
	KUNIT_EXPECT_FALSE(test, svm_page_test_lru(other));
	KUNIT_EXPECT_EQ(test, svm_page_count(other), 1);
	svm_page_clear_locked(other);
	svm_free_page(svm, other);

	svm_put_page(svm, page);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGCACHE_ADD), 1);
	KUNIT_EXPECT_EQ(test, svm_truncate_pages(as, 0), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 0);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGCACHE_DELETE), 1);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

static void svm_page_cache_truncate_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	unsigned long free0 = free_count(svm);
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;
	u32 i;

	as = svm_kunit_address_space(test, svm, 2);
	for (i = 0; i < 10; i++) {
		page = svm_find_or_create_page(as, i * 3, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		svm_put_page(svm, page);
	}
	KUNIT_EXPECT_EQ(test, free_count(svm), free0 - 10);
	/* Indexes 12, 15, ... 27 go; 0 ... 9 stay. */
	KUNIT_EXPECT_EQ(test, svm_truncate_pages(as, 10), 6);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 4);
	KUNIT_EXPECT_NULL(test, svm_find_get_page(as, 12));
	page = svm_find_get_page(as, 9);
	KUNIT_ASSERT_NOT_NULL(test, page);
	svm_put_page(svm, page);
	KUNIT_EXPECT_EQ(test, svm_truncate_pages(as, SVM_MAX_FILE_PAGES), 0);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 0);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->filemap->nr_file_pages), 0);
}

static void svm_page_lock_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64);
	struct svm_page *page = svm_alloc_page(svm, SVM_GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, svm_trylock_page(page));
	KUNIT_EXPECT_FALSE(test, svm_trylock_page(page));
	KUNIT_EXPECT_TRUE(test, svm_page_test_locked(page));
	svm_unlock_page(page);
	KUNIT_EXPECT_FALSE(test, svm_page_test_locked(page));
	svm_lock_page(page);
	KUNIT_EXPECT_TRUE(test, svm_page_test_locked(page));
	svm_unlock_page(page);
	svm_wait_on_page_locked(page);
	svm_free_page(svm, page);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_state), 0);
}

/* Clean pages go, dirty ones stay; vmstat follows. */
static void svm_page_cache_drop_clean_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;
	char *text;
	u32 i;

	as = svm_kunit_address_space(test, svm, 3);
	for (i = 0; i < 6; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		if (i < 2) {
			KUNIT_EXPECT_TRUE(test, svm_mark_page_dirty(as, page));
			KUNIT_EXPECT_FALSE(test, svm_mark_page_dirty(as, page));
			page_fill(svm, page, 0x5a);
		}
		svm_put_page(svm, page);
	}
	text = svm_kunit_show(test, svm, svm_vmstat_show, 4096);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nnr_file_pages 6\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nnr_inactive_file 6\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nnr_dirty 2\n"));
	KUNIT_EXPECT_EQ(test, svm_drop_clean_pages(as), 4);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrdirty), 2);
	page = svm_find_get_page(as, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, page_is(svm, page, 0x5a));
	svm_put_page(svm, page);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	text = svm_kunit_show(test, svm, svm_vmstat_show, 4096);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nnr_file_pages 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nnr_dirty 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\npgcache_leak 0\n"));
}

/*
 * Dropping a clean page that sits on the active list: isolation keeps
 * SVM_PG_active for the putback, so the page must lose it on its way to
 * the buddy allocator, which refuses an active page and never gets it
 * back.
 */
static void svm_page_cache_drop_active_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	unsigned long free0 = free_count(svm);
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;

	as = svm_kunit_address_space(test, svm, 12);
	page = svm_find_or_create_page(as, 0, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	svm_mark_page_accessed(svm, page);
	svm_mark_page_accessed(svm, page);
	KUNIT_EXPECT_TRUE(test, svm_page_test_active(page));
	svm_put_page(svm, page);
	KUNIT_EXPECT_EQ(test, svm_drop_clean_pages(as), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_state), 0);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/* A page dirtied and freed comes back zeroed. */
static void svm_page_cache_zeroed_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64);
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;
	int round;

	as = svm_kunit_address_space(test, svm, 4);
	for (round = 0; round < 8; round++) {
		page = svm_find_or_create_page(as, round, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		KUNIT_EXPECT_TRUE(test, page_is(svm, page, 0));
		page_fill(svm, page, 0xff);
		svm_put_page(svm, page);
		KUNIT_EXPECT_EQ(test, svm_truncate_pages(as, 0), 1);
	}
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/* The allocator running dry is an error, not a crash; all comes back. */
static void svm_page_cache_nomem_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64);
	unsigned long free0 = free_count(svm);
	struct svm_address_space *as;
	struct svm_page *page;
	bool created;
	u32 i;

	as = svm_kunit_address_space(test, svm, 5);
	for (i = 0; i < 64; i++) {
		page = svm_find_or_create_page(as, i, &created);
		if (IS_ERR(page))
			break;
		/* Written: without swap, reclaim cannot take it back. */
		svm_mark_page_dirty(as, page);
		svm_put_page(svm, page);
	}
	/* The watermarks keep some pages back; the rest was handed out. */
	KUNIT_EXPECT_LT(test, i, 64);
	KUNIT_EXPECT_GT(test, i, 0);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0 - i);
	KUNIT_EXPECT_EQ(test, PTR_ERR(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), i);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
}

/*
 * A range lookup skips holes and locked pages; svm_create_pages() fills
 * the holes only, with zeroed, referenced, unlocked pages, and leaves an
 * index somebody else filled alone.
 */
static void svm_page_cache_range_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	unsigned long free0 = free_count(svm);
	struct svm_page *pages[8], *two, *five;
	struct svm_address_space *as;
	bool created;
	u32 i;

	as = svm_kunit_address_space(test, svm, 6);
	two = svm_find_or_create_page(as, 2, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(two));
	five = svm_find_or_create_page(as, 5, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(five));
	KUNIT_ASSERT_TRUE(test, svm_trylock_page(five));

	KUNIT_EXPECT_EQ(test, svm_find_get_pages(as, 0, 8, pages), 1);
	KUNIT_EXPECT_PTR_EQ(test, pages[2], two);
	KUNIT_EXPECT_NULL(test, pages[5]);
	KUNIT_EXPECT_EQ(test, svm_page_count(two), 3);
	KUNIT_EXPECT_TRUE(test, svm_page_cache_contains(as, 5));
	KUNIT_EXPECT_FALSE(test, svm_page_cache_contains(as, 4));

	KUNIT_EXPECT_EQ(test, svm_create_pages(as, 0, 8, pages), 6);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 8);
	KUNIT_EXPECT_PTR_EQ(test, pages[2], two);
	KUNIT_EXPECT_NULL(test, pages[5]);
	for (i = 0; i < 8; i++) {
		if (i == 2 || i == 5)
			continue;
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		KUNIT_EXPECT_PTR_EQ(test, pages[i]->mapping, as);
		KUNIT_EXPECT_EQ(test, pages[i]->index, i);
		KUNIT_EXPECT_EQ(test, svm_page_count(pages[i]), 2);
		KUNIT_EXPECT_TRUE(test, svm_page_test_uptodate(pages[i]));
		KUNIT_EXPECT_TRUE(test, svm_page_test_lru(pages[i]));
		KUNIT_EXPECT_FALSE(test, svm_page_test_locked(pages[i]));
		KUNIT_EXPECT_TRUE(test, page_is(svm, pages[i], 0));
	}
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGCACHE_ADD), 8);
	for (i = 0; i < 8; i++)
		if (pages[i])
			svm_put_page(svm, pages[i]);
	svm_unlock_page(five);
	svm_put_page(svm, five);
	svm_put_page(svm, two);

	/* A full range finds everything; nothing is left to create. */
	KUNIT_EXPECT_EQ(test, svm_find_get_pages(as, 0, 8, pages), 8);
	KUNIT_EXPECT_EQ(test, svm_create_pages(as, 0, 8, pages), 0);
	for (i = 0; i < 8; i++)
		svm_put_page(svm, pages[i]);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
}

/*
 * Creation ahead is speculative: it only takes pages a zone can spare
 * above its high watermark, so it never causes reclaim; all comes back.
 */
static void svm_page_cache_create_nomem_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	unsigned long free0 = free_count(svm), total = 0;
	struct svm_page *pages[32];
	struct svm_address_space *as;
	unsigned int n, i, w;

	as = svm_kunit_address_space(test, svm, 7);
	for (w = 0; w < 8; w++) {
		memset(pages, 0, sizeof(pages));
		n = svm_create_pages(as, w * 32, 32, pages);
		KUNIT_EXPECT_LE(test, n, 32);
		for (i = 0; i < 32; i++)
			if (pages[i])
				svm_put_page(svm, pages[i]);
		total += n;
		if (!n)
			break;
	}
	/* It stopped before taking the watermarks' reserve. */
	KUNIT_EXPECT_GT(test, total, 0);
	KUNIT_EXPECT_LT(test, total, 256);
	KUNIT_EXPECT_FALSE(test, svm_zonelist_has_room(svm,
						       SVM_GFP_HIGHUSER_MOVABLE,
						       32));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), total);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
}

/*
 * The real page's PG_dirty (what the kernel sets when it zaps a dirty
 * PTE) makes the shadow page dirty, once; dropping clean pages looks at
 * it, and deleting a page clears it for the next owner.
 */
static void svm_page_harvest_dirty_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	struct svm_page *clean, *written;
	struct svm_address_space *as;
	struct page *real;
	bool created;

	as = svm_kunit_address_space(test, svm, 8);
	clean = svm_find_or_create_page(as, 0, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(clean));
	written = svm_find_or_create_page(as, 1, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(written));
	KUNIT_EXPECT_FALSE(test, svm_page_harvest_dirty(svm, clean));
	KUNIT_EXPECT_FALSE(test, svm_page_test_dirty(clean));

	real = svm_page_to_real(svm, written);
	SetPageDirty(real);
	svm_put_page(svm, clean);
	svm_put_page(svm, written);
	KUNIT_EXPECT_EQ(test, svm_drop_clean_pages(as), 1);
	KUNIT_EXPECT_TRUE(test, svm_page_test_dirty(written));
	KUNIT_EXPECT_FALSE(test, PageDirty(real));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrdirty), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->filemap->nr_dirty), 1);
	KUNIT_EXPECT_FALSE(test, svm_page_harvest_dirty(svm, written));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrdirty), 1);

	/* Deleted with the real bit set: the bit does not outlive it. */
	SetPageDirty(real);
	KUNIT_EXPECT_EQ(test, svm_truncate_pages(as, 0), 1);
	KUNIT_EXPECT_FALSE(test, PageDirty(real));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrdirty), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->filemap->nr_dirty), 0);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/*
 * A clean page that a writable PTE dirtied after reclaim judged it
 * clean (mapped again while it was written to swap, then unmapped: the
 * PTE's dirty bit went to the real page) is not freed: the write would be
 * lost, the object would read its stale copy.
 */
static void svm_remove_mapping_redirtied_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	struct svm_address_space *as;
	struct svm_page *page;
	struct page *real;
	bool created;

	as = svm_kunit_address_space(test, svm, 9);
	page = svm_find_or_create_page(as, 4, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	page_fill(svm, page, 0x77);
	real = svm_page_to_real(svm, page);
	KUNIT_ASSERT_TRUE(test, svm_isolate_lru_page(svm, page));
	svm_put_page(svm, page);	/* the isolation's reference stays */
	svm_lock_page(page);
	KUNIT_ASSERT_FALSE(test, svm_page_test_dirty(page));
	SetPageDirty(real);		/* what zap_pte_range() leaves */
	KUNIT_EXPECT_FALSE(test, svm_remove_mapping(svm, page));
	KUNIT_EXPECT_TRUE(test, svm_page_test_dirty(page));
	KUNIT_EXPECT_FALSE(test, PageDirty(real));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrdirty), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 1);
	svm_lru_cache_add(svm, page);
	svm_unlock_page(page);
	svm_put_page(svm, page);
	page = svm_find_get_page(as, 4);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, page_is(svm, page, 0x77));
	svm_put_page(svm, page);
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/*
 * A page at index 0 of @as whose real page the kernel also holds, as a
 * pending mmu_gather or a pipe that vmsplice() filled would: the caller
 * drops that hold with put_page() on the page returned.
 */
static struct page *held_page(struct kunit *test, struct svm_instance *svm,
			      struct svm_address_space *as)
{
	struct svm_page *page;
	struct page *real;
	bool created;

	page = svm_find_or_create_page(as, 0, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	real = svm_page_to_real(svm, page);
	get_page(real);
	svm_put_page(svm, page);
	return real;
}

/*
 * The last reference to a page whose real page the kernel still holds
 * defers the free until the kernel lets go; the page is never lost for
 * good.
 */
static void svm_put_page_deferred_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	unsigned long free0 = free_count(svm);
	struct svm_address_space *as;
	struct page *real;
	char *text;

	as = svm_kunit_address_space(test, svm, 10);
	real = held_page(test, svm, as);
	KUNIT_EXPECT_EQ(test, svm_truncate_pages(as, 0), 1);
	KUNIT_EXPECT_EQ(test, svm_nr_deferred_pages(svm), 1);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0 - 1);
	/* Still held: a retry frees nothing. */
	KUNIT_EXPECT_EQ(test, svm_release_deferred_pages(svm), 0);
	KUNIT_EXPECT_EQ(test, svm_nr_deferred_pages(svm), 1);
	put_page(real);
	KUNIT_EXPECT_EQ(test, svm_release_deferred_pages(svm), 1);
	KUNIT_EXPECT_EQ(test, svm_nr_deferred_pages(svm), 0);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->bad_free_state), 0);
	text = svm_kunit_show(test, svm, svm_vmstat_show, 4096);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\npgcache_leak 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\npgcache_deferred 1\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\npgcache_deferred_free 1\n"));
	kunit_release_action(test, svm_kunit_destroy_as, as);
}

/* The work item frees a deferred page by itself once the hold goes. */
static void svm_put_page_deferred_work_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 256);
	unsigned long free0 = free_count(svm);
	struct svm_address_space *as;
	struct page *real;
	int i;

	as = svm_kunit_address_space(test, svm, 11);
	real = held_page(test, svm, as);
	kunit_release_action(test, svm_kunit_destroy_as, as);
	KUNIT_EXPECT_EQ(test, svm_nr_deferred_pages(svm), 1);
	put_page(real);
	for (i = 0; i < 100 && svm_nr_deferred_pages(svm); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, svm_nr_deferred_pages(svm), 0);
	KUNIT_EXPECT_EQ(test, free_count(svm), free0);
}

/* The fault policy: powers of 2 up to SVM_FAULT_AROUND_MAX. */
static void svm_object_fault_policy_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64);

	KUNIT_EXPECT_EQ(test, svm->objects->fault_around_pages,
			SVM_FAULT_AROUND_DEFAULT);
	KUNIT_EXPECT_FALSE(test, svm->objects->write_notify);
	KUNIT_EXPECT_EQ(test, svm_object_set_fault_policy(svm, 0, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_object_set_fault_policy(svm, 12, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_object_set_fault_policy(svm, 2 * SVM_FAULT_AROUND_MAX,
							  false), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm->objects->fault_around_pages,
			SVM_FAULT_AROUND_DEFAULT);
	KUNIT_EXPECT_EQ(test, svm_object_set_fault_policy(svm, 1, true), 0);
	KUNIT_EXPECT_EQ(test, svm->objects->fault_around_pages, 1);
	KUNIT_EXPECT_TRUE(test, svm->objects->write_notify);
}

static void svm_object_size_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64);
	struct svm_object *obj = svm_object_create(svm);
	struct svm_page *page;
	bool created;

	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	KUNIT_EXPECT_EQ(test, obj->size, 0);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, (SVM_MAX_FILE_PAGES + 1)
						  << PAGE_SHIFT), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, SVM_MAX_FILE_PAGES
						  << PAGE_SHIFT), 0);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 4 * PAGE_SIZE), 0);
	page = svm_find_or_create_page(&obj->as, 3, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	svm_put_page(svm, page);
	KUNIT_EXPECT_EQ(test, svm_object_drop_clean(obj), 1);
	page = svm_find_or_create_page(&obj->as, 3, &created);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	svm_put_page(svm, page);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 3 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrpages), 0);
	svm_object_put(obj);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->filemap->nr_file_pages), 0);
}

static struct kunit_case svm_filemap_cases[] = {
	KUNIT_CASE(svm_page_cache_add_find_test),
	KUNIT_CASE(svm_page_cache_truncate_test),
	KUNIT_CASE(svm_page_lock_test),
	KUNIT_CASE(svm_page_cache_drop_clean_test),
	KUNIT_CASE(svm_page_cache_drop_active_test),
	KUNIT_CASE(svm_page_cache_zeroed_test),
	KUNIT_CASE(svm_page_cache_nomem_test),
	KUNIT_CASE(svm_page_cache_range_test),
	KUNIT_CASE(svm_page_cache_create_nomem_test),
	KUNIT_CASE(svm_page_harvest_dirty_test),
	KUNIT_CASE(svm_remove_mapping_redirtied_test),
	KUNIT_CASE(svm_put_page_deferred_test),
	KUNIT_CASE(svm_put_page_deferred_work_test),
	KUNIT_CASE(svm_object_size_test),
	KUNIT_CASE(svm_object_fault_policy_test),
	{}
};

static struct kunit_suite svm_filemap_suite = {
	.name = "shadowvm_filemap",
	.test_cases = svm_filemap_cases,
};

kunit_test_suites(&svm_filemap_suite);
