// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's noncontiguous allocator: svm_vmalloc(),
 * svm_vzalloc(), svm_vfree(), svm_vmap() and svm_vunmap() on small private
 * instances, with the buddy allocator's accounting checked around them.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <shadowvm/core.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/vmalloc.h>

#include "svm_kunit.h"

#define NONE	SVM_ZONE_NONE

static struct svm_instance *create(struct kunit *test, unsigned long nr_pages,
				   unsigned long high)
{
	struct svm_params p = {
		.name = "kunit-vmalloc",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.highmem_pages = high,
	};

	return svm_kunit_instance(test, &p);
}

/* Free pages of the whole instance, per-CPU lists drained. */
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

/* Do the bytes at @addr equal the page's contents seen through a kmap? */
static bool same_as_kmap(struct svm_instance *svm, const void *addr)
{
	struct svm_page *page = svm_vmalloc_to_page(svm, addr);
	void *k;
	bool same;

	if (!page)
		return false;
	k = svm_kmap_atomic(svm, page);
	same = !memcmp(k, (const void *)((unsigned long)addr & PAGE_MASK),
		       PAGE_SIZE);
	svm_kunmap_atomic(svm, k);
	return same;
}

static void fill(u8 *addr, unsigned long size, u8 seed)
{
	unsigned long i;

	for (i = 0; i < size; i++)
		addr[i] = seed + i * 7 + (i >> 12);
}

static bool check(const u8 *addr, unsigned long size, u8 seed)
{
	unsigned long i;

	for (i = 0; i < size; i++)
		if (addr[i] != (u8)(seed + i * 7 + (i >> 12)))
			return false;
	return true;
}

static void svm_vmalloc_one_page_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 256);
	unsigned long before = free_count(svm);
	struct svm_vm_struct *area;
	u8 *addr;

	addr = svm_vmalloc(svm, PAGE_SIZE, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_EQ(test, offset_in_page(addr), 0);
	area = svm_find_vm_area(svm, addr);
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_EXPECT_EQ(test, area->nr_pages, 1);
	KUNIT_EXPECT_EQ(test, area->size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, area->flags, SVM_VM_ALLOC);
	/* HIGHMEM preferred, as the book's vmalloc(). */
	KUNIT_EXPECT_TRUE(test, svm_page_test_highmem(area->pages[0]));
	KUNIT_EXPECT_EQ(test, free_count(svm), before - 1);

	fill(addr, PAGE_SIZE, 1);
	KUNIT_EXPECT_TRUE(test, check(addr, PAGE_SIZE, 1));
	KUNIT_EXPECT_TRUE(test, same_as_kmap(svm, addr));
	svm_vfree(svm, addr);
	KUNIT_EXPECT_EQ(test, free_count(svm), before);
	KUNIT_EXPECT_NULL(test, svm_find_vm_area(svm, addr));
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

static void svm_vmalloc_odd_size_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 256);
	unsigned long size = 3 * PAGE_SIZE + 123, i;
	unsigned long before = free_count(svm);
	struct svm_vm_struct *area;
	u8 *addr;

	addr = svm_vmalloc(svm, size, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	area = svm_find_vm_area(svm, addr);
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_EXPECT_EQ(test, area->nr_pages, 4);
	KUNIT_EXPECT_EQ(test, area->size, 5 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, free_count(svm), before - 4);

	/* The whole rounded-up range is usable, end to end. */
	fill(addr, 4 * PAGE_SIZE, 3);
	KUNIT_EXPECT_TRUE(test, check(addr, 4 * PAGE_SIZE, 3));
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_PTR_EQ(test,
				    svm_vmalloc_to_page(svm, addr + i * PAGE_SIZE + 5),
				    area->pages[i]);
		KUNIT_EXPECT_TRUE(test, same_as_kmap(svm, addr + i * PAGE_SIZE));
	}
	/* The guard page has no page behind it. */
	KUNIT_EXPECT_NULL(test, svm_vmalloc_to_page(svm, addr + 4 * PAGE_SIZE));
	svm_vfree(svm, addr);
	KUNIT_EXPECT_EQ(test, free_count(svm), before);
}

static void svm_vmalloc_large_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 4096, 1024);
	unsigned long size = 6UL << 20, nr = size >> PAGE_SHIFT, i, high = 0;
	unsigned long before = free_count(svm);
	struct svm_vm_struct *area;
	u8 *addr;

	addr = svm_vmalloc(svm, size, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	area = svm_find_vm_area(svm, addr);
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_EXPECT_EQ(test, area->nr_pages, nr);
	KUNIT_EXPECT_EQ(test, free_count(svm), before - nr);
	for (i = 0; i < nr; i++)
		high += svm_page_test_highmem(area->pages[i]);
	/* HIGHMEM down to its watermark first, then the lower zones. */
	KUNIT_EXPECT_TRUE(test, svm_page_test_highmem(area->pages[0]));
	KUNIT_EXPECT_GT(test, high, 900);
	KUNIT_EXPECT_LT(test, high, nr);

	fill(addr, size, 9);
	KUNIT_EXPECT_TRUE(test, check(addr, size, 9));
	for (i = 0; i < nr; i += 97)
		KUNIT_EXPECT_TRUE(test, same_as_kmap(svm, addr + i * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, same_as_kmap(svm, addr + size - 1));
	svm_vfree(svm, addr);
	KUNIT_EXPECT_EQ(test, free_count(svm), before);
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

/* Each area ends with an unmapped guard page before the next one. */
static void svm_vmalloc_guard_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 256);
	struct svm_vmalloc *vm = svm->vmalloc;
	struct svm_vm_struct *area;
	unsigned long idx, i;
	u8 *a, *b;

	a = svm_vmalloc(svm, 2 * PAGE_SIZE, SVM_GFP_KERNEL);
	b = svm_vmalloc(svm, PAGE_SIZE, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	area = svm_find_vm_area(svm, a);
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_EXPECT_EQ(test, area->size, 3 * PAGE_SIZE);
	KUNIT_EXPECT_GE(test, (unsigned long)b,
			(unsigned long)a + 3 * PAGE_SIZE);
	idx = ((unsigned long)a - vm->base) >> PAGE_SHIFT;
	for (i = 0; i < 2; i++) {
		pte_t pte = ptep_get(vm->ptes[idx + i]);

		KUNIT_EXPECT_TRUE(test, pte_present(pte));
		KUNIT_EXPECT_EQ(test, pte_pfn(pte),
				page_to_pfn(svm_page_to_real(svm, area->pages[i])));
	}
	KUNIT_EXPECT_TRUE(test, pte_none(ptep_get(vm->ptes[idx + 2])));
	svm_vfree(svm, a);
	/* Unmapped at once, even before the lazy flush. */
	KUNIT_EXPECT_TRUE(test, pte_none(ptep_get(vm->ptes[idx])));
	svm_vfree(svm, b);
}

static void svm_vzalloc_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 64);
	unsigned long size = 48 * PAGE_SIZE;
	u8 *addr;

	/* Dirty more than the HIGHMEM zone, then ask for zeroed memory. */
	addr = svm_vmalloc(svm, size, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	memset(addr, 0xff, size);
	svm_vfree(svm, addr);
	addr = svm_vzalloc(svm, size);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_NULL(test, memchr_inv(addr, 0, size));
	svm_vfree(svm, addr);
}

static void svm_vmap_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 256);
	struct svm_page *pages[3];
	struct svm_vm_struct *area;
	unsigned long before;
	unsigned int i;
	u8 *addr;

	pages[0] = svm_alloc_page(svm, SVM_GFP_HIGHUSER);
	pages[1] = svm_alloc_page(svm, SVM_GFP_KERNEL);
	pages[2] = svm_alloc_page(svm, SVM_GFP_HIGHUSER);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	before = free_count(svm);

	addr = svm_vmap(svm, pages, 3);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	area = svm_find_vm_area(svm, addr);
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_EXPECT_EQ(test, area->flags, SVM_VM_MAP);
	KUNIT_EXPECT_EQ(test, area->size, 4 * PAGE_SIZE);
	fill(addr, 3 * PAGE_SIZE, 5);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, same_as_kmap(svm, addr + i * PAGE_SIZE));
	/* svm_vfree() refuses a vmap area; svm_vunmap() keeps the pages. */
	svm_vfree(svm, addr);
	KUNIT_EXPECT_PTR_EQ(test, svm_find_vm_area(svm, addr), area);
	svm_vunmap(svm, addr);
	KUNIT_EXPECT_NULL(test, svm_find_vm_area(svm, addr));
	KUNIT_EXPECT_EQ(test, free_count(svm), before);

	/* The data outlives the mapping. */
	addr = svm_vmap(svm, pages, 3);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_TRUE(test, check(addr, 3 * PAGE_SIZE, 5));
	svm_vunmap(svm, addr);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, svm_page_count(pages[i]), 1);
		svm_free_page(svm, pages[i]);
	}
	KUNIT_EXPECT_NULL(test, svm_vmap(svm, pages, 0));
}

/* Freed areas keep their addresses until one flush releases them all. */
static void svm_vmalloc_lazy_purge_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 256);
	struct svm_vmalloc *vm = svm->vmalloc;
	void *a, *b, *c;

	a = svm_vmalloc(svm, PAGE_SIZE, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	svm_vfree(svm, a);
	KUNIT_EXPECT_EQ(test, vm->lazy_pages, 2);
	KUNIT_EXPECT_EQ(test, vm->purges, 0);
	b = svm_vmalloc(svm, PAGE_SIZE, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	svm_vfree(svm, b);
	svm_vmalloc_purge(svm);
	KUNIT_EXPECT_EQ(test, vm->purges, 1);
	KUNIT_EXPECT_EQ(test, vm->lazy_pages, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->vmlist));
	c = svm_vmalloc(svm, PAGE_SIZE, SVM_GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, c, a);
	svm_vfree(svm, c);

	/* Filling the arena with lazy areas purges by itself. */
	while (vm->purges == 1) {
		c = svm_vmalloc(svm, PAGE_SIZE, SVM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c);
		svm_vfree(svm, c);
	}
	KUNIT_EXPECT_LE(test, vm->lazy_pages, vm->lazy_max);
}

static void svm_vmalloc_bad_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 256);
	struct svm_vmalloc *vm = svm->vmalloc;
	unsigned long before = free_count(svm);
	u8 *addr;

	KUNIT_EXPECT_NULL(test, svm_vmalloc(svm, 0, SVM_GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, svm_vmalloc(svm, vm->nr_pages << PAGE_SHIFT,
					    SVM_GFP_KERNEL));
	/* More than the instance has: fails, every page given back. */
	KUNIT_EXPECT_NULL(test, svm_vmalloc(svm, 1100 * PAGE_SIZE,
					    SVM_GFP_KERNEL | SVM_GFP_NOWARN));
	KUNIT_EXPECT_EQ(test, free_count(svm), before);
	KUNIT_EXPECT_EQ(test, vm->areas, 0);

	svm_vfree(svm, NULL);
	addr = svm_vmalloc(svm, 2 * PAGE_SIZE, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	/* Not the start of an area: refused, the area stays. */
	svm_vfree(svm, addr + PAGE_SIZE);
	svm_vunmap(svm, addr);
	KUNIT_EXPECT_EQ(test, vm->areas, 1);
	svm_vfree(svm, addr);
	svm_vfree(svm, addr);
	KUNIT_EXPECT_EQ(test, vm->areas, 0);
	KUNIT_EXPECT_EQ(test, free_count(svm), before);
}

/* Seeded random sizes and frees; the books balance at every step. */
static void svm_vmalloc_stress_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048, 512);
	struct svm_vmalloc *vm = svm->vmalloc;
	unsigned long before = free_count(svm), pages = 0;
	struct { u8 *addr; unsigned long size; } live[32] = { };
	struct rnd_state rnd;
	unsigned int i, n;

	prandom_seed_state(&rnd, 0x5eed);
	for (n = 0; n < 1500; n++) {
		struct svm_vm_struct *area;

		i = prandom_u32_state(&rnd) % ARRAY_SIZE(live);
		if (live[i].addr) {
			KUNIT_EXPECT_EQ(test, live[i].addr[0], (u8)i);
			KUNIT_EXPECT_EQ(test, live[i].addr[live[i].size - 1],
					(u8)~i);
			svm_vfree(svm, live[i].addr);
			pages -= PAGE_ALIGN(live[i].size) >> PAGE_SHIFT;
			live[i].addr = NULL;
		} else {
			unsigned long size = 2 + prandom_u32_state(&rnd) %
						 (24 * PAGE_SIZE);

			live[i].addr = svm_vmalloc(svm, size, SVM_GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, live[i].addr);
			live[i].size = size;
			live[i].addr[0] = i;
			live[i].addr[size - 1] = ~i;
			area = svm_find_vm_area(svm, live[i].addr);
			KUNIT_ASSERT_NOT_NULL(test, area);
			KUNIT_EXPECT_EQ(test, area->size,
					PAGE_ALIGN(size) + PAGE_SIZE);
			pages += area->nr_pages;
		}
		if (n % 100 == 0) {
			KUNIT_EXPECT_EQ(test, vm->mapped, pages);
			KUNIT_EXPECT_EQ(test, free_count(svm), before - pages);
		}
	}
	for (i = 0; i < ARRAY_SIZE(live); i++)
		svm_vfree(svm, live[i].addr);
	KUNIT_EXPECT_EQ(test, vm->areas, 0);
	KUNIT_EXPECT_EQ(test, vm->mapped, 0);
	KUNIT_EXPECT_GT(test, vm->purges, 0);
	KUNIT_EXPECT_EQ(test, free_count(svm), before);
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

static char *show(struct kunit *test, struct svm_instance *svm,
		  int (*fn)(struct seq_file *, struct svm_instance *))
{
	return svm_kunit_show(test, svm, fn, PAGE_SIZE);
}

static void svm_vmallocinfo_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 256);
	struct svm_page *pages[2];
	char raw[64], *buf;
	void *a, *b, *c;

	pages[0] = svm_alloc_page(svm, SVM_GFP_HIGHUSER);
	pages[1] = svm_alloc_page(svm, SVM_GFP_HIGHUSER);
	KUNIT_ASSERT_NOT_NULL(test, pages[0]);
	KUNIT_ASSERT_NOT_NULL(test, pages[1]);
	a = svm_vmalloc(svm, 3 * PAGE_SIZE, SVM_GFP_KERNEL);
	b = svm_vmap(svm, pages, 2);
	c = svm_vmalloc(svm, PAGE_SIZE, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	svm_vfree(svm, c);

	buf = show(test, svm, svm_vmallocinfo_show);
	KUNIT_EXPECT_EQ(test, strncmp(buf, "0x", 2), 0);
	snprintf(raw, sizeof(raw), "   16384 %s+", __func__);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, raw));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " pages=3 vmalloc\n"));
	snprintf(raw, sizeof(raw), "   12288 %s+", __func__);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, raw));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " pages=2 vmap\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "    8192 unpurged vm_area\n"));
	/* Addresses are hashed, never printed raw. */
	snprintf(raw, sizeof(raw), "%lx", (unsigned long)a);
	KUNIT_EXPECT_NULL(test, strstr(buf, raw));
	snprintf(raw, sizeof(raw), "%lx", (unsigned long)b);
	KUNIT_EXPECT_NULL(test, strstr(buf, raw));

	svm_vfree(svm, a);
	svm_vunmap(svm, b);
	svm_vmalloc_purge(svm);
	KUNIT_EXPECT_STREQ(test, show(test, svm, svm_vmallocinfo_show), "");
	svm_free_page(svm, pages[0]);
	svm_free_page(svm, pages[1]);
}

static struct kunit_case svm_vmalloc_cases[] = {
	KUNIT_CASE(svm_vmalloc_one_page_test),
	KUNIT_CASE(svm_vmalloc_odd_size_test),
	KUNIT_CASE(svm_vmalloc_large_test),
	KUNIT_CASE(svm_vmalloc_guard_test),
	KUNIT_CASE(svm_vzalloc_test),
	KUNIT_CASE(svm_vmap_test),
	KUNIT_CASE(svm_vmalloc_lazy_purge_test),
	KUNIT_CASE(svm_vmalloc_bad_test),
	KUNIT_CASE_SLOW(svm_vmalloc_stress_test),
	KUNIT_CASE(svm_vmallocinfo_test),
	{}
};

static struct kunit_suite svm_vmalloc_suite = {
	.name = "shadowvm_vmalloc",
	.test_cases = svm_vmalloc_cases,
};

kunit_test_suites(&svm_vmalloc_suite);
