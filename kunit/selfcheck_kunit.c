// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of svm_selfcheck(): quiet on a consistent instance, and
 * each checker reports the inconsistency it is there for when one is
 * planted, and is quiet again once it is undone.
 */
#include <kunit/test.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <shadowvm/core.h>
#include <shadowvm/debugfs.h>
#include <shadowvm/filemap.h>
#include <shadowvm/gfp.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/selfcheck.h>

#include "svm_kunit.h"

static struct svm_instance *create(struct kunit *test)
{
	struct svm_params p = {
		.name = "kunit",
		.nr_pages = 1024,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.kswapd = false,
	};

	return svm_kunit_instance(test, &p);
}

static int selfcheck_show(struct seq_file *m, struct svm_instance *svm)
{
	svm_selfcheck(svm, m);
	return 0;
}

/* Runs selfcheck: at least @min violations, a line containing @needle. */
static void expect_report(struct kunit *test, struct svm_instance *svm,
			  unsigned long min, const char *needle)
{
	char *out;

	KUNIT_EXPECT_GE(test, svm_selfcheck(svm, NULL), min);
	out = svm_kunit_show(test, svm, selfcheck_show, PAGE_SIZE);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(out, needle), "%s", out);
}

/* Allocations and frees of several orders leave nothing to report. */
static void selfcheck_clean(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	struct svm_page *pages[8];
	int i;

	for (i = 0; i < 8; i++) {
		pages[i] = svm_alloc_pages(svm, SVM_GFP_KERNEL, i % 4);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	for (i = 0; i < 8; i += 2)
		svm_free_pages(svm, pages[i], i % 4);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
	for (i = 1; i < 8; i += 2)
		svm_free_pages(svm, pages[i], i % 4);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
}

/* A free list count off by one. */
static void selfcheck_nr_free(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	struct svm_zone *zone = svm_preferred_zone(svm, NUMA_NO_NODE,
						   SVM_GFP_KERNEL);

	spin_lock(&zone->lock);
	zone->free_area[2].nr_free++;
	spin_unlock(&zone->lock);
	expect_report(test, svm, 1, "nr_free");
	spin_lock(&zone->lock);
	zone->free_area[2].nr_free--;
	spin_unlock(&zone->lock);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
}

/* An allocated page still marked as the head of a free block. */
static void selfcheck_stray_buddy(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	struct svm_page *page = svm_alloc_pages(svm, SVM_GFP_KERNEL, 1);

	KUNIT_ASSERT_NOT_NULL(test, page);
	svm_page_set_buddy(page);
	expect_report(test, svm, 1, "free-block mark");
	svm_page_clear_buddy(page);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
	svm_free_pages(svm, page, 1);
}

/* A per-CPU list whose count disagrees with it. */
static void selfcheck_pcp_count(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	struct svm_zone *zone = svm_preferred_zone(svm, NUMA_NO_NODE,
						   SVM_GFP_KERNEL);
	struct svm_per_cpu_pages *pcp = per_cpu_ptr(zone->pageset,
						    cpumask_first(cpu_possible_mask));

	spin_lock(&pcp->lock);
	pcp->count++;
	spin_unlock(&pcp->lock);
	expect_report(test, svm, 1, "per-cpu count");
	spin_lock(&pcp->lock);
	pcp->count--;
	spin_unlock(&pcp->lock);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
}

/* PG_lru on a page that is on no LRU list. */
static void selfcheck_lru_flag(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	struct svm_page *page = svm_alloc_pages(svm, SVM_GFP_KERNEL, 0);

	KUNIT_ASSERT_NOT_NULL(test, page);
	svm_page_set_lru(page);
	expect_report(test, svm, 1, "PG_lru but is on no list");
	svm_page_clear_lru(page);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
	svm_free_pages(svm, page, 0);
}

/* A page cache counter that stays wrong is reported after confirmation. */
static void selfcheck_file_pages(struct kunit *test)
{
	struct svm_instance *svm = create(test);

	atomic_long_inc(&svm->filemap->nr_file_pages);
	expect_report(test, svm, 1, "nr_file_pages 1, 0 pages");
	atomic_long_dec(&svm->filemap->nr_file_pages);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
}

static struct kunit_case svm_selfcheck_cases[] = {
	KUNIT_CASE(selfcheck_clean),
	KUNIT_CASE(selfcheck_nr_free),
	KUNIT_CASE(selfcheck_stray_buddy),
	KUNIT_CASE(selfcheck_pcp_count),
	KUNIT_CASE(selfcheck_lru_flag),
	KUNIT_CASE(selfcheck_file_pages),
	{}
};

static struct kunit_suite svm_selfcheck_suite = {
	.name = "shadowvm_selfcheck",
	.test_cases = svm_selfcheck_cases,
};

kunit_test_suites(&svm_selfcheck_suite);
