// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's emulated high memory: the pkmap window, the
 * atomic maps, the enforced discipline of svm_page_address(), emergency
 * pools and bounce buffers, on small private instances.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <shadowvm/bounce.h>
#include <shadowvm/core.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mempool.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>

#include "svm_kunit.h"

#define NONE	SVM_ZONE_NONE

static struct svm_instance *create(struct kunit *test, unsigned long nr_pages,
				   unsigned long dma, unsigned long high,
				   unsigned int last_pkmap)
{
	struct svm_params p = {
		.name = "kunit-highmem",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.dma_pages = dma,
		.highmem_pages = high,
		.last_pkmap = last_pkmap,
	};

	return svm_kunit_instance(test, &p);
}

static struct svm_page *alloc_high(struct kunit *test, struct svm_instance *svm)
{
	struct svm_page *page = svm_alloc_page(svm, SVM_GFP_HIGHUSER);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_TRUE(test, svm_page_test_highmem(page));
	return page;
}

static unsigned long real_pfn(struct svm_instance *svm, struct svm_page *page)
{
	return page_to_pfn(svm_page_to_real(svm, page));
}

/* pkmap slots in each state: free (0), cached (1), in use (> 1). */
static void count_slots(struct svm_highmem *hm, unsigned int *n)
{
	unsigned int i;

	n[0] = n[1] = n[2] = 0;
	spin_lock(&hm->lock);
	for (i = 0; i < hm->last_pkmap; i++)
		n[min(hm->slots[i].count, 2)]++;
	spin_unlock(&hm->lock);
}

/* A lowmem page has its direct address; nothing is mapped for it. */
static void svm_kmap_lowmem_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 0);
	struct svm_page *page = svm_alloc_page(svm, SVM_GFP_KERNEL);
	void *direct, *addr, *atomic;
	bool faults_off;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_FALSE(test, svm_page_test_highmem(page));
	direct = page_address(svm_page_to_real(svm, page));
	KUNIT_EXPECT_PTR_EQ(test, svm_page_address(svm, page), direct);

	addr = svm_kmap(svm, page);
	KUNIT_EXPECT_PTR_EQ(test, addr, direct);
	KUNIT_EXPECT_EQ(test, svm_pkmap_slot_of(svm, addr), -1);
	svm_kunmap(svm, page);

	atomic = svm_kmap_atomic(svm, page);
	faults_off = pagefault_disabled();
	svm_kunmap_atomic(svm, atomic);
	KUNIT_EXPECT_PTR_EQ(test, atomic, direct);
	KUNIT_EXPECT_TRUE(test, faults_off);
	KUNIT_EXPECT_FALSE(test, pagefault_disabled());

	KUNIT_EXPECT_EQ(test, svm->highmem->kmaps, 0);
	KUNIT_EXPECT_EQ(test, svm_highmem_atomic_maps(svm), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->highmem->bad_unmaps), 0);
	svm_free_page(svm, page);
}

/* Two kmaps of one page share its slot; the count follows the book. */
static void svm_kmap_shared_slot_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 16);
	struct svm_highmem *hm = svm->highmem;
	struct svm_page *p1 = alloc_high(test, svm);
	struct svm_page *p2 = alloc_high(test, svm);
	void *a1, *a1b, *a2;
	int s1, s2;

	KUNIT_EXPECT_EQ(test, hm->last_pkmap, 16);
	a1 = svm_kmap(svm, p1);
	s1 = svm_pkmap_slot_of(svm, a1);
	KUNIT_ASSERT_GE(test, s1, 0);
	KUNIT_EXPECT_EQ(test, offset_in_page(a1), 0);
	KUNIT_EXPECT_EQ(test, hm->slots[s1].count, 2);
	KUNIT_EXPECT_PTR_EQ(test, hm->slots[s1].page, p1);
	/* The slot's PTE points at the real page behind p1. */
	KUNIT_EXPECT_EQ(test, pte_pfn(ptep_get(hm->slots[s1].pte)),
			real_pfn(svm, p1));

	a1b = svm_kmap(svm, p1);
	KUNIT_EXPECT_PTR_EQ(test, a1b, a1);
	KUNIT_EXPECT_EQ(test, hm->slots[s1].count, 3);

	a2 = svm_kmap(svm, p2);
	s2 = svm_pkmap_slot_of(svm, a2);
	KUNIT_EXPECT_GE(test, s2, 0);
	KUNIT_EXPECT_NE(test, s1, s2);

	svm_kunmap(svm, p1);
	svm_kunmap(svm, p1);
	KUNIT_EXPECT_EQ(test, hm->slots[s1].count, 1);
	/* Cached: the mapping stays until the next wrap-around. */
	KUNIT_EXPECT_TRUE(test, pte_present(ptep_get(hm->slots[s1].pte)));
	KUNIT_EXPECT_PTR_EQ(test, svm_kmap(svm, p1), a1);
	svm_kunmap(svm, p1);
	svm_kunmap(svm, p2);
	KUNIT_EXPECT_EQ(test, hm->kmaps, 4);

	/* One kunmap too many is refused and counted. */
	svm_kunmap(svm, p1);
	KUNIT_EXPECT_EQ(test, hm->slots[s1].count, 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&hm->bad_unmaps), 1);
	svm_free_page(svm, p1);
	svm_free_page(svm, p2);
}

/* What is written through one mapping is read through another. */
static void svm_kmap_data_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 0);
	struct svm_page *page = alloc_high(test, svm);
	u32 *k, *a;
	bool same, seen;
	unsigned int i;

	k = svm_kmap(svm, page);
	for (i = 0; i < PAGE_SIZE / sizeof(*k); i++)
		k[i] = i * 2654435761U;
	a = svm_kmap_atomic(svm, page);
	same = a != k && !memcmp(a, k, PAGE_SIZE);
	a[7] = 0xfeedface;
	svm_kunmap_atomic(svm, a);
	KUNIT_EXPECT_TRUE(test, same);
	KUNIT_EXPECT_EQ(test, svm_pkmap_slot_of(svm, a), -1);
	seen = k[7] == 0xfeedface;
	KUNIT_EXPECT_TRUE(test, seen);
	svm_kunmap(svm, page);

	/* And once more after the pkmap slot is gone, through a new one. */
	a = svm_kmap_atomic(svm, page);
	same = a[7] == 0xfeedface && a[8] == 8 * 2654435761U;
	svm_kunmap_atomic(svm, a);
	KUNIT_EXPECT_TRUE(test, same);
	KUNIT_EXPECT_EQ(test, svm_highmem_atomic_maps(svm), 2);
	svm_free_page(svm, page);
}

/* The slot search flushes exactly once when it wraps around. */
static void svm_kmap_wrap_flush_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 8);
	struct svm_highmem *hm = svm->highmem;
	struct svm_page *pages[15];
	unsigned int i, n[3];

	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = alloc_high(test, svm);

	/* Slots 1..7: used, then cached; no flush yet. */
	for (i = 0; i < 7; i++) {
		svm_kmap(svm, pages[i]);
		svm_kunmap(svm, pages[i]);
	}
	KUNIT_EXPECT_EQ(test, hm->flushes, 0);
	count_slots(hm, n);
	KUNIT_EXPECT_EQ(test, n[1], 7);

	/* The eighth wraps to slot 0: the 7 cached slots go, one flush. */
	KUNIT_EXPECT_EQ(test, svm_pkmap_slot_of(svm, svm_kmap(svm, pages[7])),
			0);
	KUNIT_EXPECT_EQ(test, hm->flushes, 1);
	count_slots(hm, n);
	KUNIT_EXPECT_EQ(test, n[0], 7);
	KUNIT_EXPECT_EQ(test, n[2], 1);
	for (i = 1; i < 8; i++)
		KUNIT_EXPECT_TRUE(test, pte_none(ptep_get(hm->slots[i].pte)));
	svm_kunmap(svm, pages[7]);

	/* Seven more use the freed slots without flushing again. */
	for (i = 8; i < 15; i++) {
		int slot = svm_pkmap_slot_of(svm, svm_kmap(svm, pages[i]));

		KUNIT_EXPECT_EQ(test, slot, i - 7);
		svm_kunmap(svm, pages[i]);
	}
	KUNIT_EXPECT_EQ(test, hm->flushes, 1);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		svm_free_page(svm, pages[i]);
}

struct kunmap_ctx {
	struct svm_instance *svm;
	struct svm_page *page;
	struct completion done;
	bool saw_waiter;
};

static int kunmap_thread(void *data)
{
	struct kunmap_ctx *ctx = data;
	struct svm_highmem *hm = ctx->svm->highmem;
	int tries;

	/* Wait (at most 10 s) until the test sleeps in svm_kmap(). */
	for (tries = 0; tries < 10000; tries++) {
		spin_lock(&hm->lock);
		ctx->saw_waiter = hm->waits > 0;
		spin_unlock(&hm->lock);
		if (ctx->saw_waiter)
			break;
		usleep_range(1000, 2000);
	}
	svm_kunmap(ctx->svm, ctx->page);
	kthread_complete_and_exit(&ctx->done, 0);
}

/* A kmap finding every slot busy sleeps until a kunmap frees one. */
static void svm_kmap_wait_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 4);
	struct svm_highmem *hm = svm->highmem;
	struct kunmap_ctx ctx = { .svm = svm };
	struct svm_page *pages[5];
	struct task_struct *task;
	void *addr[5];
	bool ok;
	int slot;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = alloc_high(test, svm);
	for (i = 0; i < 4; i++)
		addr[i] = svm_kmap(svm, pages[i]);
	KUNIT_EXPECT_EQ(test, hm->waits, 0);

	init_completion(&ctx.done);
	ctx.page = pages[0];
	task = kthread_run(kunmap_thread, &ctx, "svm-kunmap");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));

	addr[4] = svm_kmap(svm, pages[4]);
	wait_for_completion(&ctx.done);
	KUNIT_EXPECT_TRUE(test, ctx.saw_waiter);
	KUNIT_EXPECT_EQ(test, hm->waits, 1);
	/* It got the slot pages[0] gave up, after one flush. */
	KUNIT_EXPECT_PTR_EQ(test, addr[4], addr[0]);
	KUNIT_EXPECT_EQ(test, hm->flushes, 1);
	slot = svm_pkmap_slot_of(svm, addr[4]);
	KUNIT_ASSERT_GE(test, slot, 0);
	KUNIT_EXPECT_EQ(test, pte_pfn(ptep_get(hm->slots[slot].pte)),
			real_pfn(svm, pages[4]));
	memset(addr[4], 0x5a, PAGE_SIZE);
	addr[0] = svm_kmap_atomic(svm, pages[4]);
	ok = !memchr_inv(addr[0], 0x5a, PAGE_SIZE);
	svm_kunmap_atomic(svm, addr[0]);
	KUNIT_EXPECT_TRUE(test, ok);

	for (i = 1; i < 5; i++)
		svm_kunmap(svm, pages[i]);
	for (i = 0; i < 5; i++)
		svm_free_page(svm, pages[i]);
}

/* Atomic maps nest in stack order, also with interrupts off. */
static void svm_kmap_atomic_nest_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 0);
	struct svm_highmem *hm = svm->highmem;
	struct svm_page *pages[SVM_KM_TYPE_NR];
	u8 *addrs[SVM_KM_TYPE_NR];
	bool ok[SVM_KM_TYPE_NR];
	unsigned long flags, i;
	void *extra;
	int cpu;

	for (i = 0; i < SVM_KM_TYPE_NR; i++) {
		u8 *a;

		pages[i] = alloc_high(test, svm);
		a = svm_kmap_atomic(svm, pages[i]);
		memset(a, i + 1, PAGE_SIZE);
		svm_kunmap_atomic(svm, a);
	}

	local_irq_save(flags);
	for (i = 0; i < SVM_KM_TYPE_NR; i++)
		addrs[i] = svm_kmap_atomic(svm, pages[i]);
	extra = svm_kmap_atomic(svm, pages[0]);
	for (i = 0; i < SVM_KM_TYPE_NR; i++)
		ok[i] = addrs[i] == addrs[0] + i * PAGE_SIZE &&
			addrs[i][0] == i + 1 &&
			addrs[i][PAGE_SIZE - 1] == i + 1;
	for (i = SVM_KM_TYPE_NR; i-- > 0; )
		svm_kunmap_atomic(svm, addrs[i]);
	local_irq_restore(flags);

	for (i = 0; i < SVM_KM_TYPE_NR; i++)
		KUNIT_EXPECT_TRUE_MSG(test, ok[i], "level %lu", i);
	/* One too deep is refused, preemption left as it was. */
	KUNIT_EXPECT_NULL(test, extra);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&hm->bad_unmaps), 1);
	KUNIT_EXPECT_FALSE(test, pagefault_disabled());
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, per_cpu_ptr(hm->pcpu, cpu)->depth, 0);
	for (i = 0; i < (unsigned long)nr_cpu_ids * SVM_KM_TYPE_NR; i++)
		KUNIT_EXPECT_TRUE(test, pte_none(ptep_get(hm->atomic_pte[i])));
	KUNIT_EXPECT_EQ(test, svm_highmem_atomic_maps(svm),
			2 * SVM_KM_TYPE_NR);
	for (i = 0; i < SVM_KM_TYPE_NR; i++)
		svm_free_page(svm, pages[i]);
}

/* Debug builds count svm_page_address() of a HIGHMEM page. */
static void svm_page_address_highmem_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 0);
	struct svm_page *high = alloc_high(test, svm);
	struct svm_page *low = svm_alloc_page(svm, SVM_GFP_KERNEL);

	if (!IS_ENABLED(CONFIG_DEBUG_VM)) {
		svm_free_page(svm, high);
		svm_free_page(svm, low);
		kunit_skip(test, "needs CONFIG_DEBUG_VM");
	}
	KUNIT_ASSERT_NOT_NULL(test, low);
	KUNIT_EXPECT_NULL(test, svm_page_address(svm, high));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->highmem->bad_address), 1);
	KUNIT_EXPECT_NOT_NULL(test, svm_page_address(svm, low));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->highmem->bad_address), 1);
	svm_free_page(svm, high);
	svm_free_page(svm, low);
}

/* The buddy allocator zeroes HIGHMEM through atomic maps, nothing else. */
static void svm_zero_highmem_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, NONE, 512, 0);
	struct svm_page *pages[64], *page;
	unsigned long maps;
	unsigned int i;
	bool zero = true;

	/* Dirty a good part of the zone first. */
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		void *a;

		pages[i] = alloc_high(test, svm);
		a = svm_kmap(svm, pages[i]);
		memset(a, 0xa5, PAGE_SIZE);
		svm_kunmap(svm, pages[i]);
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		svm_free_page(svm, pages[i]);
	svm_drain_all_pages(svm);

	maps = svm_highmem_atomic_maps(svm);
	for (i = 0; i < ARRAY_SIZE(pages) / 4; i++) {
		unsigned int j;

		page = svm_alloc_pages(svm, SVM_GFP_HIGHUSER | SVM_GFP_ZERO, 2);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_ASSERT_TRUE(test, svm_page_test_highmem(page));
		for (j = 0; j < 4; j++) {
			void *a = svm_kmap(svm, page + j);

			zero &= !memchr_inv(a, 0, PAGE_SIZE);
			svm_kunmap(svm, page + j);
		}
		pages[i] = page;
	}
	KUNIT_EXPECT_TRUE(test, zero);
	KUNIT_EXPECT_EQ(test, svm_highmem_atomic_maps(svm) - maps,
			ARRAY_SIZE(pages));
	for (i = 0; i < ARRAY_SIZE(pages) / 4; i++)
		svm_free_pages(svm, pages[i], 2);
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

/* Take every page the buddy allocator gives; return how many. */
static unsigned long exhaust(struct svm_instance *svm, struct svm_page **pages,
			     unsigned long max)
{
	unsigned long n = 0;

	while (n < max) {
		pages[n] = svm_alloc_page(svm, SVM_GFP_ATOMIC | SVM_GFP_NOWARN);
		if (!pages[n])
			break;
		n++;
	}
	return n;
}

/* The pool hands out its reserve when the allocator is empty. */
static void svm_mempool_reserve_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, NONE, NONE, 0);
	struct svm_zone *zone = svm_preferred_zone(svm, NUMA_NO_NODE,
						   SVM_GFP_KERNEL);
	struct svm_page **pages, *e[5], *x;
	struct svm_mempool *pool;
	unsigned long n, free_before;
	unsigned int i;

	pages = kunit_kcalloc(test, 1024, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	pool = svm_mempool_create_page_pool(svm, 4, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_EXPECT_EQ(test, svm_mempool_available(pool), 4);

	n = exhaust(svm, pages, 1024);
	KUNIT_EXPECT_GT(test, n, 0);
	KUNIT_EXPECT_NULL(test, svm_alloc_page(svm, SVM_GFP_ATOMIC |
					       SVM_GFP_NOWARN));
	for (i = 0; i < 4; i++) {
		e[i] = svm_mempool_alloc(pool, SVM_GFP_ATOMIC);
		KUNIT_EXPECT_NOT_NULL(test, e[i]);
		KUNIT_EXPECT_EQ(test, svm_mempool_available(pool), 3 - i);
	}
	e[4] = svm_mempool_alloc(pool, SVM_GFP_ATOMIC);
	KUNIT_EXPECT_NULL(test, e[4]);

	/* Frees refill the reserve first. */
	for (i = 0; i < 4; i++)
		svm_mempool_free(e[i], pool);
	KUNIT_EXPECT_EQ(test, svm_mempool_available(pool), 4);

	/* With memory back, elements come from the allocator again. */
	while (n)
		svm_free_page(svm, pages[--n]);
	svm_drain_all_pages(svm);
	free_before = zone->free_pages;
	x = svm_mempool_alloc(pool, SVM_GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, x);
	KUNIT_EXPECT_EQ(test, svm_mempool_available(pool), 4);
	svm_mempool_free(x, pool);
	svm_drain_all_pages(svm);
	KUNIT_EXPECT_EQ(test, zone->free_pages, free_before);
	svm_mempool_destroy(pool);
	svm_drain_all_pages(svm);
	KUNIT_EXPECT_EQ(test, zone->free_pages, zone->managed_pages);
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

struct pool_free_ctx {
	struct svm_mempool *pool;
	void *element;
	struct completion done;
};

static int pool_free_thread(void *data)
{
	struct pool_free_ctx *ctx = data;

	msleep(50);
	svm_mempool_free(ctx->element, ctx->pool);
	kthread_complete_and_exit(&ctx->done, 0);
}

/* An allocation that may wait sleeps until an element comes back. */
static void svm_mempool_wait_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, NONE, NONE, 0);
	struct pool_free_ctx ctx = { };
	struct svm_page **pages, *e;
	struct task_struct *task;
	struct svm_mempool *pool;
	unsigned long n;

	pages = kunit_kcalloc(test, 1024, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	pool = svm_mempool_create_page_pool(svm, 1, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	n = exhaust(svm, pages, 1024);
	e = svm_mempool_alloc(pool, SVM_GFP_NOIO);
	KUNIT_EXPECT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, svm_mempool_available(pool), 0);

	ctx.pool = pool;
	ctx.element = e;
	init_completion(&ctx.done);
	task = kthread_run(pool_free_thread, &ctx, "svm-poolfree");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_EXPECT_PTR_EQ(test, svm_mempool_alloc(pool, SVM_GFP_NOIO), e);
	wait_for_completion(&ctx.done);

	svm_mempool_free(e, pool);
	KUNIT_EXPECT_EQ(test, svm_mempool_available(pool), 1);
	while (n)
		svm_free_page(svm, pages[--n]);
	svm_mempool_destroy(pool);
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

/* An in-memory block "device" that reaches pages as hardware would. */
struct mem_dev {
	struct svm_bounce_dev bdev;
	u8 *store;
	unsigned long ios;
};

static int mem_dev_io(struct mem_dev *d, struct svm_page *io,
		      enum svm_io_dir dir, unsigned int sector)
{
	struct svm_instance *svm = d->bdev.svm;
	u8 *buf = d->store + sector * PAGE_SIZE;
	void *addr;

	if (svm_page_test_highmem(io)) {
		/* Past the device's reach: the bounce code must prevent it. */
		if (d->bdev.lowmem_only)
			return -EIO;
		addr = svm_kmap(svm, io);
	} else {
		addr = svm_page_address(svm, io);
	}
	if (dir == SVM_IO_WRITE)
		memcpy(buf, addr, PAGE_SIZE);
	else
		memcpy(addr, buf, PAGE_SIZE);
	if (svm_page_test_highmem(io))
		svm_kunmap(svm, io);
	d->ios++;
	return 0;
}

static int mem_dev_submit(struct mem_dev *d, struct svm_page *page,
			  enum svm_io_dir dir, unsigned int sector)
{
	struct svm_page *io = svm_bounce_map(&d->bdev, page, dir, SVM_GFP_NOIO);
	int err;

	if (!io)
		return -ENOMEM;
	err = mem_dev_io(d, io, dir, sector);
	svm_bounce_unmap(&d->bdev, page, io, dir, err);
	return err;
}

static void svm_bounce_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048, 0, 512, 0);
	struct svm_highmem *hm = svm->highmem;
	struct svm_page *page = alloc_high(test, svm);
	struct svm_page *low = svm_alloc_page(svm, SVM_GFP_KERNEL);
	struct mem_dev d = { }, plain = { };
	struct svm_page *io;
	u8 *pattern, *a;
	bool same;

	KUNIT_ASSERT_NOT_NULL(test, low);
	pattern = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	d.store = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	plain.store = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pattern);
	KUNIT_ASSERT_NOT_NULL(test, d.store);
	KUNIT_ASSERT_NOT_NULL(test, plain.store);
	get_random_bytes(pattern, PAGE_SIZE);

	/* Only a lowmem-only device creates the pool. */
	KUNIT_ASSERT_EQ(test, svm_bounce_dev_init(&plain.bdev, svm, false), 0);
	KUNIT_EXPECT_NULL(test, hm->bounce_pool);
	KUNIT_ASSERT_EQ(test, svm_bounce_dev_init(&d.bdev, svm, true), 0);
	KUNIT_ASSERT_NOT_NULL(test, hm->bounce_pool);
	KUNIT_EXPECT_EQ(test, svm_mempool_available(hm->bounce_pool),
			SVM_BOUNCE_POOL_SIZE);

	a = svm_kmap(svm, page);
	memcpy(a, pattern, PAGE_SIZE);
	svm_kunmap(svm, page);

	/* Write: bounced, copied in, the device saw the data. */
	KUNIT_EXPECT_EQ(test, mem_dev_submit(&d, page, SVM_IO_WRITE, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&hm->bounces), 1);
	KUNIT_EXPECT_EQ(test, memcmp(d.store + PAGE_SIZE, pattern, PAGE_SIZE),
			0);
	KUNIT_EXPECT_EQ(test, svm_mempool_available(hm->bounce_pool),
			SVM_BOUNCE_POOL_SIZE);

	/* Read back into the wiped page: copied out on completion. */
	a = svm_kmap(svm, page);
	memset(a, 0, PAGE_SIZE);
	svm_kunmap(svm, page);
	KUNIT_EXPECT_EQ(test, mem_dev_submit(&d, page, SVM_IO_READ, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&hm->bounces), 2);
	a = svm_kmap_atomic(svm, page);
	same = !memcmp(a, pattern, PAGE_SIZE);
	svm_kunmap_atomic(svm, a);
	KUNIT_EXPECT_TRUE(test, same);
	KUNIT_EXPECT_EQ(test, d.ios, 2);

	/* A failed read leaves the page alone. */
	io = svm_bounce_map(&d.bdev, page, SVM_IO_READ, SVM_GFP_NOIO);
	KUNIT_ASSERT_NOT_NULL(test, io);
	KUNIT_EXPECT_PTR_NE(test, io, page);
	KUNIT_EXPECT_FALSE(test, svm_page_test_highmem(io));
	memset(svm_page_address(svm, io), 0xee, PAGE_SIZE);
	svm_bounce_unmap(&d.bdev, page, io, SVM_IO_READ, -EIO);
	a = svm_kmap_atomic(svm, page);
	same = !memcmp(a, pattern, PAGE_SIZE);
	svm_kunmap_atomic(svm, a);
	KUNIT_EXPECT_TRUE(test, same);

	/* Lowmem pages and devices that reach everything: no bounce. */
	KUNIT_EXPECT_PTR_EQ(test, svm_bounce_map(&d.bdev, low, SVM_IO_WRITE,
						 SVM_GFP_NOIO), low);
	KUNIT_EXPECT_EQ(test, mem_dev_submit(&plain, page, SVM_IO_WRITE, 0), 0);
	KUNIT_EXPECT_EQ(test, memcmp(plain.store, pattern, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&hm->bounces), 3);

	svm_bounce_dev_exit(&d.bdev);
	svm_bounce_dev_exit(&plain.bdev);
	KUNIT_EXPECT_EQ(test, hm->bounce_users, 0);
	svm_free_page(svm, page);
	svm_free_page(svm, low);
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
}

/* A bounced write makes progress from the reserve when lowmem is gone. */
static void svm_bounce_exhausted_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, NONE, 256, 0);
	struct svm_page *page = alloc_high(test, svm);
	struct mem_dev d = { };
	struct svm_page **pages;
	unsigned long n;
	u8 *a;

	d.store = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	pages = kunit_kcalloc(test, 1024, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d.store);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, svm_bounce_dev_init(&d.bdev, svm, true), 0);

	a = svm_kmap(svm, page);
	memset(a, 0x3c, PAGE_SIZE);
	svm_kunmap(svm, page);
	n = exhaust(svm, pages, 1024);
	KUNIT_EXPECT_EQ(test, mem_dev_submit(&d, page, SVM_IO_WRITE, 0), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(d.store, 0x3c, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, svm_mempool_available(svm->highmem->bounce_pool),
			SVM_BOUNCE_POOL_SIZE);
	while (n)
		svm_free_page(svm, pages[--n]);
	svm_bounce_dev_exit(&d.bdev);
	svm_free_page(svm, page);
}

static char *show(struct kunit *test, struct svm_instance *svm,
		  int (*fn)(struct seq_file *, struct svm_instance *))
{
	return svm_kunit_show(test, svm, fn, 4 * PAGE_SIZE);
}

static void svm_highmem_debugfs_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024, 0, 256, 8);
	struct svm_page *p1 = alloc_high(test, svm);
	struct svm_page *p2 = alloc_high(test, svm);
	char expect[64], *buf;

	svm_kmap(svm, p1);
	svm_kmap(svm, p1);
	svm_kmap(svm, p2);
	svm_kunmap(svm, p2);
	buf = show(test, svm, svm_pkmap_show);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "slots 8 next 2\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "slot  count  pfn\n"));
	snprintf(expect, sizeof(expect), "   1      3  %lu\n",
		 svm_page_to_pfn(svm, p1));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, expect));
	snprintf(expect, sizeof(expect), "   2      1  %lu\n",
		 svm_page_to_pfn(svm, p2));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, expect));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "in_use 1 cached 1 free 6\n"));

	buf = show(test, svm, svm_highmem_stats_show);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "kmaps 3\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "kmap_waits 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "pkmap_flushes 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "bounce_pool -1\n"));
	svm_kunmap(svm, p1);
	svm_kunmap(svm, p1);
	svm_free_page(svm, p1);
	svm_free_page(svm, p2);
}

/* Out-of-range pkmap sizes are refused at creation. */
static void svm_highmem_params_test(struct kunit *test)
{
	struct svm_params p = {
		.nr_pages = 64,
		.nid = NUMA_NO_NODE,
		.last_pkmap = SVM_LAST_PKMAP_MAX + 1,
	};

	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-EINVAL));
	p.last_pkmap = 1;
	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-EINVAL));
	p.last_pkmap = 0;
	KUNIT_EXPECT_EQ(test, create(test, 64, 0, 0, 0)->highmem->last_pkmap,
			SVM_LAST_PKMAP_DEFAULT);
}

static struct kunit_case svm_highmem_cases[] = {
	KUNIT_CASE(svm_kmap_lowmem_test),
	KUNIT_CASE(svm_kmap_shared_slot_test),
	KUNIT_CASE(svm_kmap_data_test),
	KUNIT_CASE(svm_kmap_wrap_flush_test),
	KUNIT_CASE(svm_kmap_wait_test),
	KUNIT_CASE(svm_kmap_atomic_nest_test),
	KUNIT_CASE(svm_page_address_highmem_test),
	KUNIT_CASE(svm_zero_highmem_test),
	KUNIT_CASE(svm_mempool_reserve_test),
	KUNIT_CASE(svm_mempool_wait_test),
	KUNIT_CASE(svm_bounce_test),
	KUNIT_CASE(svm_bounce_exhausted_test),
	KUNIT_CASE(svm_highmem_debugfs_test),
	KUNIT_CASE(svm_highmem_params_test),
	{}
};

static struct kunit_suite svm_highmem_suite = {
	.name = "shadowvm_highmem",
	.test_cases = svm_highmem_cases,
};

kunit_test_suites(&svm_highmem_suite);
