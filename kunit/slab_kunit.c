// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's slab allocator on small private instances:
 * layout (objects per slab, colours), list movement, constructors, per-CPU
 * array caches, the sizes caches, large allocations, the debugging flags,
 * reaping, destruction, concurrency and a seeded random stress. Each test
 * checks the caches with svm_kmem_cache_check() where it can.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include <shadowvm/core.h>
#include <shadowvm/gfp.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/slab.h>

#include "svm_kunit.h"

/* An instance with a DMA zone (the default 1/16) and no HIGHMEM. */
static struct svm_instance *create(struct kunit *test, unsigned long nr_pages)
{
	struct svm_params p = {
		.name = "kunit-slab",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.highmem_pages = SVM_ZONE_NONE,
		.min_free_kbytes = 16,
	};

	return svm_kunit_instance(test, &p);
}

static struct svm_kmem_cache *mk_cache(struct kunit *test,
				       struct svm_instance *svm,
				       const char *name, size_t size,
				       size_t align, unsigned int flags,
				       void (*ctor)(void *))
{
	struct svm_kmem_cache *c = svm_kmem_cache_create(svm, name, size,
							  align, flags, ctor);

	KUNIT_ASSERT_NOT_NULL_MSG(test, c, "cache %s", name);
	return c;
}

/* Free pages of the lowmem zones, per-CPU lists drained first. */
static unsigned long lowmem_free(struct svm_instance *svm)
{
	struct svm_zone *zone;
	unsigned long n = 0;

	svm_drain_all_pages(svm);
	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		n += READ_ONCE(zone->free_pages);
	return n;
}

static struct svm_kmem_cache_stats stats(struct svm_kmem_cache *c)
{
	struct svm_kmem_cache_stats s;

	svm_kmem_cache_get_stats(c, &s);
	return s;
}

/* Objects handed out and not freed: allocated from slabs, not parked. */
static unsigned long live(struct svm_kmem_cache *c)
{
	struct svm_kmem_cache_stats s = stats(c);

	return s.active_objs - s.cpu_avail;
}

static void expect_all_caches_ok(struct kunit *test, struct svm_instance *svm)
{
	struct svm_kmem_cache *c;

	mutex_lock(&svm->slab->chain_mutex);
	list_for_each_entry(c, &svm->slab->chain, next)
		KUNIT_EXPECT_EQ_MSG(test, svm_kmem_cache_check(c), 0,
				    "cache %s", c->name);
	mutex_unlock(&svm->slab->chain_mutex);
}

/* A fresh instance has every page free: the slab allocator took none. */
static void svm_slab_fresh_instance_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	struct svm_zone *zone;
	unsigned long managed = 0;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		managed += zone->managed_pages;
	KUNIT_EXPECT_EQ(test, lowmem_free(svm), managed);
	KUNIT_ASSERT_NOT_NULL(test, svm->slab);
	KUNIT_EXPECT_STREQ(test, svm->slab->cache_cache->name, "kmem_cache");
	KUNIT_EXPECT_STREQ(test, svm->slab->sizes[0][0]->name, "size-32");
	KUNIT_EXPECT_STREQ(test, svm->slab->sizes[1][SVM_KMALLOC_NR - 1]->name,
			   "size-32768(DMA)");
	expect_all_caches_ok(test, svm);
}

/* Kernel address to shadow page: every page of the instance, nothing else. */
static void svm_slab_virt_to_page_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1003);
	unsigned long pfn;
	void *native;
	int x;

	for (pfn = 0; pfn < svm->nr_pages; pfn++) {
		struct svm_page *page = svm_pfn_to_page(svm, pfn);
		char *addr = page_address(svm_pfn_to_real_page(svm, pfn));

		KUNIT_EXPECT_PTR_EQ(test, svm_kmem_virt_to_page(svm, addr), page);
		KUNIT_EXPECT_PTR_EQ(test,
				    svm_kmem_virt_to_page(svm, addr + PAGE_SIZE - 1),
				    page);
	}
	native = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, native);
	KUNIT_EXPECT_NULL(test, svm_kmem_virt_to_page(svm, native));
	kfree(native);
	KUNIT_EXPECT_NULL(test, svm_kmem_virt_to_page(svm, &x));
	KUNIT_EXPECT_NULL(test, svm_kmem_virt_to_page(svm, NULL));
	KUNIT_EXPECT_NULL(test, svm_kmem_virt_to_page(svm, ZERO_SIZE_PTR));
}

struct layout {
	const char *name;
	size_t size;
	unsigned int flags;
	unsigned int size_out, num, order, colour;
	bool off_slab;
};

/*
 * Worked by hand from the formula in svm_kmem_cache_estimate()'s
 * kernel-doc, for 4 KiB pages, 64-byte lines and a 40-byte slab_t.
 */
static const struct layout layouts[] = {
	/* 59 * 64 + ALIGN(40 + 59 * 4, 64) = 3776 + 320 = 4096 */
	{ "l64h", 64, SVM_SLAB_HWCACHE_ALIGN, 64, 59, 0, 0, false },
	/* 15 * 256 + ALIGN(100, 64) = 3968: 128 left, two colours */
	{ "l256h", 256, SVM_SLAB_HWCACHE_ALIGN, 256, 15, 0, 2, false },
	/* 112 * 32 + ALIGN(488, 8) = 4072: 24 left, no colour */
	{ "l32", 32, 0, 32, 112, 0, 0, false },
	/* 104-byte objects: 37 * 104 + ALIGN(188, 8) = 4040 */
	{ "l100", 100, 0, 104, 37, 0, 0, false },
	/* large objects: descriptor off the slab */
	{ "l1024h", 1024, SVM_SLAB_HWCACHE_ALIGN, 1024, 4, 0, 0, true },
	{ "l2048h", 2048, SVM_SLAB_HWCACHE_ALIGN, 2048, 2, 0, 0, true },
	/* order 0 wastes 1096 > 4096 / 8: order 1, 2 objects, 2192 left;
	 * the descriptor (48) fits there, 2144 left = 33 colours
	 */
	{ "l3000", 3000, 0, 3000, 2, 1, 33, false },
	/* red zones: 64 + 16 = 80, word aligned, 48 * 80 + 232 = 4072 */
	{ "l64rz", 64, SVM_SLAB_RED_ZONE, 80, 48, 0, 0, false },
};

static void svm_slab_estimate_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		const struct layout *l = &layouts[i];
		struct svm_kmem_cache *c = mk_cache(test, svm, l->name, l->size,
						 0, l->flags, NULL);
		bool off = c->flags & SVM_CFLGS_OFF_SLAB;
		size_t wastage = PAGE_SIZE << c->gfporder, left, mgmt;
		unsigned int num;

		/* Properties that hold whatever the page and line sizes. */
		KUNIT_EXPECT_EQ(test, c->size % c->align, 0);
		KUNIT_EXPECT_GE(test, c->size, l->size);
		num = svm_kmem_cache_estimate(c->gfporder, c->size, c->align,
					      off, &left);
		KUNIT_EXPECT_EQ_MSG(test, c->num, num, "%s", l->name);
		mgmt = off ? 0 : c->slab_size;
		KUNIT_EXPECT_LE(test, c->num * c->size + mgmt +
				c->colour * c->colour_off, wastage);
		if (!off)
			KUNIT_EXPECT_GT(test, (c->num + 1) * c->size +
					ALIGN(sizeof(struct svm_slab) +
					      (c->num + 1) *
					      sizeof(u32),
					      c->align), wastage);
		KUNIT_EXPECT_EQ(test, off, !!c->slabp_cache);
		if (off)
			KUNIT_EXPECT_GE(test, c->slabp_cache->obj_size,
					c->slab_size);

		if (PAGE_SIZE != 4096 || cache_line_size() != 64 ||
		    sizeof(struct svm_slab) != 40)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, c->size, l->size_out, "%s", l->name);
		KUNIT_EXPECT_EQ_MSG(test, c->num, l->num, "%s", l->name);
		KUNIT_EXPECT_EQ_MSG(test, c->gfporder, l->order, "%s", l->name);
		KUNIT_EXPECT_EQ_MSG(test, c->colour, l->colour, "%s", l->name);
		KUNIT_EXPECT_EQ_MSG(test, off, l->off_slab, "%s", l->name);
		KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
	}
	/* Alignment asked for wins; bad arguments are refused. */
	{
		struct svm_kmem_cache *c = mk_cache(test, svm, "a256", 40, 256, 0,
						 NULL);

		KUNIT_EXPECT_EQ(test, c->align, 256);
		KUNIT_EXPECT_EQ(test, c->size, 256);
	}
	KUNIT_EXPECT_NULL(test, svm_kmem_cache_create(svm, "bad", 0, 0, 0,
						      NULL));
	KUNIT_EXPECT_NULL(test, svm_kmem_cache_create(svm, "bad", 8, 24, 0,
						      NULL));
	KUNIT_EXPECT_NULL(test, svm_kmem_cache_create(svm, "bad", 1 << 20, 0,
						      0, NULL));
	KUNIT_EXPECT_NULL(test, svm_kmem_cache_create(svm, "a256", 8, 0, 0,
						      NULL));
	expect_all_caches_ok(test, svm);
}

/* Grow @n slabs by holding objects; returns them in @objs. */
static unsigned int fill_slabs(struct kunit *test, struct svm_kmem_cache *c,
			       unsigned int n, void **objs, unsigned int max)
{
	unsigned int k = 0;

	while (c->num_slabs < n) {
		KUNIT_ASSERT_LT(test, k, max);
		objs[k] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[k]);
		k++;
	}
	return k;
}

static void check_colours(struct kunit *test, struct svm_kmem_cache *c,
			  unsigned int nslabs)
{
	unsigned int *seen, i, k, n, ns = 0;
	struct svm_slab *s;
	void **objs, **mem;
	unsigned long *off;
	size_t max = (size_t)nslabs * c->num + 1;

	seen = kunit_kcalloc(test, c->colour + 1, sizeof(*seen), GFP_KERNEL);
	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	off = kunit_kcalloc(test, nslabs, sizeof(*off), GFP_KERNEL);
	mem = kunit_kcalloc(test, nslabs, sizeof(*mem), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_NOT_NULL(test, off);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	n = fill_slabs(test, c, nslabs, objs, max);
	KUNIT_EXPECT_EQ(test, c->grows, nslabs);

	/* Copy under the lock, check after: a failed check may sleep. */
	spin_lock(&c->lock);
	for (i = 0; i < 3; i++) {
		struct list_head *head = i == 0 ? &c->slabs_full :
					 i == 1 ? &c->slabs_partial :
						  &c->slabs_free;

		list_for_each_entry(s, head, list) {
			if (ns == nslabs)
				break;
			off[ns] = s->colouroff;
			mem[ns++] = s->s_mem;
		}
	}
	spin_unlock(&c->lock);
	KUNIT_EXPECT_EQ(test, ns, nslabs);
	for (i = 0; i < ns; i++) {
		unsigned long colour = off[i];
		void *start = mem[i] - off[i];

		if (!(c->flags & SVM_CFLGS_OFF_SLAB))
			colour -= c->slab_size;
		KUNIT_EXPECT_EQ(test, offset_in_page(start), 0);
		KUNIT_EXPECT_EQ(test, colour % c->colour_off, 0);
		KUNIT_EXPECT_EQ(test, (unsigned long)mem[i] % c->align, 0);
		k = colour / c->colour_off;
		KUNIT_EXPECT_LT(test, k, max_t(unsigned int, c->colour, 1));
		if (k <= c->colour)
			seen[k]++;
	}
	/* Slab i got colour i mod colours. */
	for (k = 0; k < max_t(unsigned int, c->colour, 1); k++)
		KUNIT_EXPECT_EQ_MSG(test, seen[k],
				    nslabs / max_t(unsigned int, c->colour, 1) +
				    (k < nslabs % max_t(unsigned int,
							c->colour, 1)),
				    "%s colour %u", c->name, k);
	KUNIT_EXPECT_EQ(test, c->colour_wraps,
			c->colour > 1 ? nslabs / c->colour : 0);
	while (n)
		svm_kmem_cache_free(c, objs[--n]);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_check(c), 0);
	svm_kmem_cache_shrink(c);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
}

static void svm_slab_colour_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048);
	struct svm_kmem_cache *c;

	c = mk_cache(test, svm, "c256", 256, 0, SVM_SLAB_HWCACHE_ALIGN, NULL);
	KUNIT_EXPECT_GE(test, c->colour, 1);
	check_colours(test, c, 5);
	c = mk_cache(test, svm, "c3000", 3000, 0, 0, NULL);
	KUNIT_EXPECT_GE(test, c->colour, 2);
	check_colours(test, c, 4);
	c = mk_cache(test, svm, "c200", 200, 0, SVM_SLAB_HWCACHE_ALIGN, NULL);
	check_colours(test, c, 7);
	c = mk_cache(test, svm, "c1024", 1024, 0, SVM_SLAB_HWCACHE_ALIGN, NULL);
	check_colours(test, c, 3);
}

static void expect_lists(struct kunit *test, struct svm_kmem_cache *c,
			 unsigned long full, unsigned long partial,
			 unsigned long free)
{
	struct svm_kmem_cache_stats s;

	svm_kmem_cache_drain(c);
	s = stats(c);
	KUNIT_EXPECT_EQ(test, s.full, full);
	KUNIT_EXPECT_EQ(test, s.partial, partial);
	KUNIT_EXPECT_EQ(test, s.free, free);
	KUNIT_EXPECT_EQ(test, s.cpu_avail, 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_check(c), 0);
}

static void svm_slab_lists_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	struct svm_kmem_cache *c = mk_cache(test, svm, "lists", 128, 0, 0, NULL);
	unsigned long before;
	void **objs;
	unsigned int i, num = c->num;

	objs = kunit_kcalloc(test, num + 1, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_EQ(test, c->gfporder, 0);
	/* The first allocation also makes the array caches: not counted. */
	objs[0] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	svm_kmem_cache_free(c, objs[0]);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_shrink(c), 1);
	before = lowmem_free(svm);
	for (i = 0; i < num; i++) {
		objs[i] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	expect_lists(test, c, 1, 0, 0);
	objs[num] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs[num]);
	expect_lists(test, c, 1, 1, 0);
	KUNIT_EXPECT_PTR_NE(test, svm_kmem_obj_cache(svm, objs[num]), NULL);
	svm_kmem_cache_free(c, objs[num]);
	expect_lists(test, c, 1, 0, 1);
	svm_kmem_cache_free(c, objs[0]);
	expect_lists(test, c, 0, 1, 1);
	for (i = 1; i < num; i++)
		svm_kmem_cache_free(c, objs[i]);
	expect_lists(test, c, 0, 0, 2);
	KUNIT_EXPECT_EQ(test, lowmem_free(svm), before - 2);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_shrink(c), 2);
	expect_lists(test, c, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, c->num_slabs, 0);
	KUNIT_EXPECT_EQ(test, lowmem_free(svm), before);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
}

#define CTOR_MAGIC	0x5eedf00dU

static atomic_t ctor_calls = ATOMIC_INIT(0);

static void count_ctor(void *obj)
{
	*(u32 *)obj = CTOR_MAGIC;
	atomic_inc(&ctor_calls);
}

static void svm_slab_ctor_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	struct svm_kmem_cache *c;
	unsigned int i, n;
	void **objs;

	atomic_set(&ctor_calls, 0);
	c = mk_cache(test, svm, "ctor", 64, 0, SVM_SLAB_POISON, count_ctor);
	KUNIT_EXPECT_FALSE(test, c->flags & SVM_SLAB_POISON);
	n = 3 * c->num;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, *(u32 *)objs[i], CTOR_MAGIC);
	}
	/* Once per object of every slab made, not per allocation. */
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), c->num_slabs * c->num);
	KUNIT_EXPECT_GE(test, c->num_slabs, 3);
	n = atomic_read(&ctor_calls);
	for (i = 0; i < 3 * c->num; i++)
		svm_kmem_cache_free(c, objs[i]);
	for (i = 0; i < 3 * c->num; i++) {
		objs[i] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), n);
	for (i = 0; i < 3 * c->num; i++)
		svm_kmem_cache_free(c, objs[i]);
	svm_kmem_cache_shrink(c);
	/* New slabs construct again. */
	objs[0] = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), n + c->num);
	svm_kmem_cache_free(c, objs[0]);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_check(c), 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
}

static void svm_slab_cpucache_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	struct svm_kmem_cache *c = mk_cache(test, svm, "pcpu", 64, 0, 0, NULL);
	struct svm_array_cache *ac;
	void *o1, *o2, *o3;
	unsigned int got;

	KUNIT_EXPECT_EQ(test, c->limit, 120);
	KUNIT_EXPECT_EQ(test, c->batchcount, 60);
	migrate_disable();
	o1 = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o1);
	/* The first allocation made the arrays. */
	ac = c->array[smp_processor_id()];
	KUNIT_ASSERT_NOT_NULL(test, ac);
	KUNIT_EXPECT_EQ(test, ac->avail, 0);
	/* A refill takes batchcount objects, or what the slabs have. */
	got = min(c->batchcount, c->num - 1);
	KUNIT_ASSERT_GE(test, got, 10);
	o2 = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, ac->allocmiss, 1);
	KUNIT_EXPECT_EQ(test, ac->avail, got - 1);
	KUNIT_EXPECT_EQ(test, c->grows, 1);
	o3 = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, ac->allochit, 1);
	KUNIT_EXPECT_EQ(test, ac->avail, got - 2);
	/* LIFO: the last freed comes back first. */
	svm_kmem_cache_free(c, o3);
	KUNIT_EXPECT_PTR_EQ(test, svm_kmem_cache_alloc(c, SVM_GFP_KERNEL), o3);
	svm_kmem_cache_free(c, o3);
	svm_kmem_cache_free(c, o2);
	KUNIT_EXPECT_EQ(test, ac->avail, got);
	KUNIT_EXPECT_EQ(test, ac->freehit, 3);

	/* Lowering the limit gives the excess back at once. */
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_tune(c, 8, 4, 0), 0);
	KUNIT_EXPECT_EQ(test, ac->avail, 8);
	KUNIT_EXPECT_EQ(test, stats(c).cpu_avail, 8);
	/* A full array flushes batchcount objects, then takes the new one. */
	svm_kmem_cache_free(c, o1);
	KUNIT_EXPECT_EQ(test, ac->freemiss, 1);
	KUNIT_EXPECT_EQ(test, ac->avail, 5);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, live(c), 0);

	KUNIT_EXPECT_EQ(test, svm_kmem_cache_tune(c, 0, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_tune(c, 8, 9, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_tune(c, 8, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_tune(c, 8, 4, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_tune(c, 100000, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->limit, 8);

	svm_kmem_cache_drain(c);
	KUNIT_EXPECT_EQ(test, stats(c).cpu_avail, 0);
	KUNIT_EXPECT_EQ(test, stats(c).active_objs, 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_check(c), 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
}

static void check_kmalloc(struct kunit *test, struct svm_instance *svm,
			  size_t size, svm_gfp_t gfp)
{
	size_t class = size <= SVM_KMALLOC_MIN_SIZE ? SVM_KMALLOC_MIN_SIZE :
		       roundup_pow_of_two(size);
	struct svm_kmem_cache *c;
	char name[32];
	void *p;

	p = svm_kmalloc(svm, size, gfp);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "size %zu", size);
	if (class > SVM_KMALLOC_MAX_SIZE) {
		KUNIT_EXPECT_NULL(test, svm_kmem_obj_cache(svm, p));
		KUNIT_EXPECT_EQ_MSG(test, svm_ksize(svm, p),
				    PAGE_SIZE << get_order(size), "size %zu",
				    size);
	} else {
		c = svm_kmem_obj_cache(svm, p);
		KUNIT_ASSERT_NOT_NULL(test, c);
		snprintf(name, sizeof(name), "size-%zu%s", class,
			 gfp & SVM_GFP_DMA ? "(DMA)" : "");
		KUNIT_EXPECT_STREQ_MSG(test, c->name, name, "size %zu", size);
		KUNIT_EXPECT_PTR_EQ(test, c,
				    svm_kmem_find_general_cachep(svm, size,
								 gfp));
		KUNIT_EXPECT_EQ_MSG(test, svm_ksize(svm, p), class,
				    "size %zu", size);
		if (gfp & SVM_GFP_DMA) {
			struct svm_page *page = svm_kmem_virt_to_page(svm, p);

			KUNIT_ASSERT_NOT_NULL(test, page);
			KUNIT_EXPECT_EQ(test, svm_page_zonenum(page),
					SVM_ZONE_DMA);
		}
	}
	if (gfp & SVM_GFP_ZERO)
		KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, svm_ksize(svm, p)));
	/* All of ksize() is usable. */
	memset(p, 0xab, svm_ksize(svm, p));
	svm_kfree(svm, p);
}

static void svm_kmalloc_sizes_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048);
	unsigned int n;
	size_t s;

	for (s = 1; s <= SVM_KMALLOC_MIN_SIZE; s++)
		check_kmalloc(test, svm, s, SVM_GFP_KERNEL);
	for (n = SVM_KMALLOC_SHIFT_LOW; n <= SVM_KMALLOC_SHIFT_HIGH; n++) {
		check_kmalloc(test, svm, (1UL << n) - 1, SVM_GFP_KERNEL);
		check_kmalloc(test, svm, 1UL << n, SVM_GFP_KERNEL);
		check_kmalloc(test, svm, (1UL << n) + 1, SVM_GFP_KERNEL);
		check_kmalloc(test, svm, (1UL << n) + 1,
			      SVM_GFP_KERNEL | SVM_GFP_ZERO);
		check_kmalloc(test, svm, 1UL << n,
			      SVM_GFP_KERNEL | SVM_GFP_DMA);
	}
	KUNIT_EXPECT_PTR_EQ(test, svm_kmalloc(svm, 0, SVM_GFP_KERNEL),
			    ZERO_SIZE_PTR);
	svm_kfree(svm, ZERO_SIZE_PTR);
	svm_kfree(svm, NULL);
	KUNIT_EXPECT_NULL(test, svm_kmalloc(svm, 64, SVM_GFP_HIGHUSER |
					    SVM_GFP_NOWARN));
	KUNIT_EXPECT_EQ(test, svm_ksize(svm, NULL), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->slab->bad_frees), 0);
	expect_all_caches_ok(test, svm);
}

static void svm_kmalloc_large_test(struct kunit *test)
{
	static const size_t sizes[] = {
		SVM_KMALLOC_MAX_SIZE + 1, 65536, 100000, 1 << 20,
	};
	struct svm_instance *svm = create(test, 2048);
	unsigned long before = lowmem_free(svm);
	unsigned int i;
	void *p, *native;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int order = get_order(sizes[i]);

		p = svm_kmalloc(svm, sizes[i], SVM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, lowmem_free(svm), before - (1UL << order));
		KUNIT_EXPECT_EQ(test, svm_ksize(svm, p), PAGE_SIZE << order);
		KUNIT_EXPECT_NULL(test, svm_kmem_obj_cache(svm, p));
		KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->slab->large_allocs),
				1);
		memset(p, 0x5a, PAGE_SIZE << order);
		/* Inside the block but not its start: refused. */
		svm_kfree(svm, p + PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->slab->bad_frees),
				i + 1);
		svm_kfree(svm, p);
		KUNIT_EXPECT_EQ(test, lowmem_free(svm), before);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->slab->large_allocs),
				0);
	}
	KUNIT_EXPECT_NULL(test, svm_kmalloc(svm, PAGE_SIZE << (SVM_MAX_ORDER + 1),
					    SVM_GFP_KERNEL | SVM_GFP_NOWARN));
	/* Native memory is not ours. */
	native = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, native);
	svm_kfree(svm, native);
	KUNIT_EXPECT_EQ(test, svm_ksize(svm, native), 0);
	kfree(native);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->slab->bad_frees),
			ARRAY_SIZE(sizes) + 1);
	/* A large block left allocated is given back at teardown. */
	p = svm_kmalloc(svm, 1 << 16, SVM_GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
}

/*
 * The lines the slab debugging reports print, caught on the console
 * tracepoint as mm/kfence/kfence_test.c catches KFENCE's reports: what a
 * user sees is what is checked. The tracepoint is looked up by name
 * because 6.1 does not export it to modules.
 */
static struct {
	spinlock_t lock;	/* protects nlines and lines */
	unsigned int nlines;
	char lines[4][192];
} observed = {
	.lock = __SPIN_LOCK_UNLOCKED(observed.lock),
};

/* What a report about one of this suite's instances starts with. */
#define REPORT_PREFIX	"shadowvm: kunit-slab: slab error in cache "

static void probe_console(void *ignore, const char *buf, size_t len)
{
	unsigned long flags;

	/* Not KUnit's own messages, which may quote a report. */
	if (len < strlen(REPORT_PREFIX) ||
	    strncmp(buf, REPORT_PREFIX, strlen(REPORT_PREFIX)))
		return;
	spin_lock_irqsave(&observed.lock, flags);
	if (observed.nlines < ARRAY_SIZE(observed.lines))
		strscpy(observed.lines[observed.nlines], buf,
			min(len + 1, sizeof(observed.lines[0])));
	observed.nlines++;
	spin_unlock_irqrestore(&observed.lock, flags);
}

static void find_console_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "console"))
		*(struct tracepoint **)priv = tp;
}

static void console_tp_unregister(void *tp)
{
	tracepoint_probe_unregister(tp, probe_console, NULL);
	tracepoint_synchronize_unregister();
}

static void console_tp_register(struct kunit *test)
{
	struct tracepoint *tp = NULL;

	for_each_kernel_tracepoint(find_console_tp, &tp);
	KUNIT_ASSERT_NOT_NULL_MSG(test, tp, "no console tracepoint");
	KUNIT_ASSERT_EQ(test, tracepoint_probe_register(tp, probe_console,
							NULL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							console_tp_unregister,
							tp), 0);
}

/*
 * Expects exactly one report since the last call, about the object the
 * user's pointer @p of @c falls in (its index in its slab and the slab's
 * pfn, as the report names it), saying @what and then @tail.
 */
static void expect_report(struct kunit *test, struct svm_kmem_cache *c,
			  const u8 *p, const char *what, const char *tail)
{
	const void *objp = p - c->obj_offset;
	char line[sizeof(observed.lines[0])], want[160];
	void *slab = NULL;
	unsigned long idx = 0, pfn;
	unsigned int i, n;
	struct svm_slab *s;

	spin_lock(&c->lock);
	for (i = 0; i < 3 && !slab; i++) {
		struct list_head *head = i == 0 ? &c->slabs_full :
					 i == 1 ? &c->slabs_partial :
						  &c->slabs_free;

		list_for_each_entry(s, head, list) {
			if (objp < s->s_mem ||
			    objp >= s->s_mem + c->num * c->size)
				continue;
			idx = (objp - s->s_mem) / c->size;
			slab = s->s_mem - s->colouroff;
			break;
		}
	}
	spin_unlock(&c->lock);
	KUNIT_ASSERT_NOT_NULL_MSG(test, slab, "%p in no slab of %s", p,
				  c->name);
	pfn = svm_page_to_pfn(c->svm, svm_kmem_virt_to_page(c->svm, slab));
	snprintf(want, sizeof(want),
		 "%s: slab error in cache %s: object %lu of slab at pfn %#lx: %s",
		 c->svm->name, c->name, idx, pfn, what);

	spin_lock_irq(&observed.lock);
	n = observed.nlines;
	strscpy(line, observed.lines[0], sizeof(line));
	observed.nlines = 0;
	spin_unlock_irq(&observed.lock);
	KUNIT_EXPECT_EQ_MSG(test, n, 1, "want: %s", want);
	if (!n)
		return;
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, want), "got: %s\nwant: %s",
				  line, want);
	if (tail)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, tail),
					  "got: %s\nwant: ...%s", line, tail);
}

/* Reports caught since the last call or expect_report(). */
static unsigned int nr_reports(void)
{
	unsigned int n;

	spin_lock_irq(&observed.lock);
	n = observed.nlines;
	observed.nlines = 0;
	spin_unlock_irq(&observed.lock);
	return n;
}

static void svm_slab_debug_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	struct svm_kmem_cache *c;
	long errors = 0;
	u8 *p, *q, *first;

	c = mk_cache(test, svm, "debug", 64, 0,
		  SVM_SLAB_POISON | SVM_SLAB_RED_ZONE, NULL);
	KUNIT_EXPECT_EQ(test, c->obj_offset, 8);
	console_tp_register(test);
	KUNIT_EXPECT_EQ(test, nr_reports(), 0);
	migrate_disable();
	/* Held throughout: the reports name another object than the first. */
	first = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, first);

	/* Overflow: one byte past the object, caught on free. */
	p = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), errors);
	p[64] = 0;
	svm_kmem_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), ++errors);
	expect_report(test, c, p, "red zone after the object overwritten (0x",
		      "): overflow");

	/* Underflow: the byte before it. */
	p = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), errors);
	p[-1] = 0;
	svm_kmem_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), ++errors);
	expect_report(test, c, p, "red zone before the object overwritten (0x",
		      "): underflow");

	/* Use after free: the poison is checked when it is handed out. */
	p = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), errors);
	svm_kmem_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), errors);
	KUNIT_EXPECT_EQ(test, p[10], 0x6b);
	KUNIT_EXPECT_EQ(test, p[63], 0xa5);
	p[10] = 1;
	q = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), ++errors);
	expect_report(test, c, q,
		      "poison overwritten at offset 10 (0x1): written after free",
		      NULL);

	/* Double free: refused, so the object is not handed out twice. */
	svm_kmem_cache_free(c, q);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), errors);
	KUNIT_EXPECT_EQ(test, nr_reports(), 0);
	svm_kmem_cache_free(c, q);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), ++errors);
	expect_report(test, c, q, "double free", NULL);

	/* A pointer into the middle of an object. */
	p = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	svm_kmem_cache_free(c, p + 4);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), ++errors);
	expect_report(test, c, p + 4, "freed pointer is not an object start",
		      NULL);
	svm_kmem_cache_free(c, p);
	svm_kmem_cache_free(c, first);
	migrate_enable();

	/* Clean use reports nothing. */
	p = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x11, 64);
	svm_kmem_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), errors);
	KUNIT_EXPECT_EQ(test, nr_reports(), 0);
	KUNIT_EXPECT_EQ(test, live(c), 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_check(c), 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
}

static unsigned long chain_free_pages(struct svm_instance *svm)
{
	struct svm_kmem_cache *c;
	unsigned long n = 0;

	mutex_lock(&svm->slab->chain_mutex);
	list_for_each_entry(c, &svm->slab->chain, next)
		n += stats(c).free << c->gfporder;
	mutex_unlock(&svm->slab->chain_mutex);
	return n;
}

static void svm_slab_reap_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048);
	struct svm_kmem_cache *a, *b, *c;
	unsigned int n, m, calls;
	unsigned long got = 0;
	void **objs;

	a = mk_cache(test, svm, "reap-a", 256, 0, 0, NULL);
	b = mk_cache(test, svm, "reap-b", 256, 0, SVM_SLAB_NO_REAP, NULL);
	objs = kunit_kcalloc(test, 6 * a->num, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	n = fill_slabs(test, a, 5, objs, 6 * a->num);
	while (n)
		svm_kmem_cache_free(a, objs[--n]);
	m = fill_slabs(test, b, 3, objs, 6 * a->num);
	while (m)
		svm_kmem_cache_free(b, objs[--m]);
	svm_kmem_cache_drain(a);
	svm_kmem_cache_drain(b);
	KUNIT_ASSERT_EQ(test, stats(a).free, 5);
	KUNIT_ASSERT_EQ(test, stats(b).free, 3);
	/* Nothing parked anywhere: reaping's own drains change nothing. */
	mutex_lock(&svm->slab->chain_mutex);
	list_for_each_entry(c, &svm->slab->chain, next)
		svm_kmem_cache_drain(c);
	mutex_unlock(&svm->slab->chain_mutex);

	/* Every call returns exactly the pages of the slabs it took. */
	for (calls = 0; calls < 20 && !got; calls++) {
		unsigned long slab_pages = chain_free_pages(svm);
		unsigned long before = lowmem_free(svm);

		got = svm_kmem_cache_reap(svm, SVM_GFP_KERNEL);
		KUNIT_EXPECT_EQ(test, lowmem_free(svm), before + got);
		KUNIT_EXPECT_EQ(test, chain_free_pages(svm), slab_pages - got);
	}
	/* Half of reap-a's five free slabs, rounded up. */
	KUNIT_EXPECT_EQ(test, got, 3);
	KUNIT_EXPECT_EQ(test, stats(a).free, 2);
	KUNIT_EXPECT_EQ(test, a->reaps, 3);
	for (calls = 0; calls < 20; calls++)
		svm_kmem_cache_reap(svm, SVM_GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, stats(a).free, 0);
	/* NO_REAP caches are left alone. */
	KUNIT_EXPECT_EQ(test, stats(b).free, 3);
	KUNIT_EXPECT_EQ(test, b->reaps, 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_check(a), 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_check(b), 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(a), 0);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(b), 0);
}

static void svm_slab_destroy_busy_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	struct svm_kmem_cache *c = mk_cache(test, svm, "busy", 96, 0, 0, NULL);
	struct svm_kmem_cache *i;
	unsigned long before;
	void *p = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), -EBUSY);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->errors), 1);
	/* Still usable and still on the chain. */
	KUNIT_EXPECT_PTR_EQ(test, svm_kmem_obj_cache(svm, p), c);
	svm_kmem_cache_free(c, p);
	svm_kmem_cache_drain(c);
	before = lowmem_free(svm);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
	/* Its one slab went back; descriptor and arrays went to the arrays
	 * of kmem_cache and size-2048, which changes no page.
	 */
	KUNIT_EXPECT_EQ(test, lowmem_free(svm), before + 1);
	mutex_lock(&svm->slab->chain_mutex);
	list_for_each_entry(i, &svm->slab->chain, next)
		KUNIT_EXPECT_PTR_NE(test, i, c);
	mutex_unlock(&svm->slab->chain_mutex);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(svm->slab->cache_cache),
			-EINVAL);
}

struct slab_thread {
	struct svm_instance *svm;
	struct svm_kmem_cache *c;
	struct completion done;
	unsigned long ops;
	unsigned long errors;
	u32 id;
	u64 seed;
};

/* Objects handed from one thread to the other, freed on another CPU. */
static DEFINE_SPINLOCK(xchg_lock);
static void *xchg_objs[2][16];
static unsigned int xchg_n[2];

static int slab_thread_fn(void *data)
{
	struct slab_thread *t = data;
	struct rnd_state rnd;
	u32 *held[64];
	unsigned int n = 0, i;

	prandom_seed_state(&rnd, t->seed);
	for (i = 0; i < 20000; i++) {
		u32 r = prandom_u32_state(&rnd);

		if (n < ARRAY_SIZE(held) && (!n || r % 2)) {
			u32 *o = r & 0x10 ?
				 svm_kmalloc(t->svm, 1 + (r >> 8) % 600,
					     SVM_GFP_KERNEL) :
				 svm_kmem_cache_alloc(t->c, SVM_GFP_KERNEL);

			if (!o) {
				t->errors++;
				continue;
			}
			o[0] = t->id;
			o[1] = i;
			held[n++] = o;
			t->ops++;
		} else {
			unsigned int j = (r >> 8) % n;
			u32 *o = held[j];

			held[j] = held[--n];
			if (o[0] != t->id)
				t->errors++;
			spin_lock(&xchg_lock);
			if (r & 0x20 && xchg_n[t->id] < 16) {
				xchg_objs[t->id][xchg_n[t->id]++] = o;
				o = NULL;
			}
			spin_unlock(&xchg_lock);
			if (o)
				svm_kfree(t->svm, o);
		}
		/* Free what the other thread handed over. */
		spin_lock(&xchg_lock);
		while (xchg_n[!t->id]) {
			u32 *o = xchg_objs[!t->id][--xchg_n[!t->id]];

			spin_unlock(&xchg_lock);
			svm_kfree(t->svm, o);
			spin_lock(&xchg_lock);
		}
		spin_unlock(&xchg_lock);
		if (!(i % 256))
			cond_resched();
	}
	while (n--)
		svm_kfree(t->svm, held[n]);
	complete(&t->done);
	return 0;
}

/* Two kthreads, one per CPU, allocating and freeing, also each other's. */
static void svm_slab_concurrent_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 4096);
	struct svm_kmem_cache *c = mk_cache(test, svm, "conc", 40, 0,
					 SVM_SLAB_HWCACHE_ALIGN, NULL);
	struct completion *done[2];
	void *data[2];
	struct slab_thread t[2];
	int i;

	xchg_n[0] = 0;
	xchg_n[1] = 0;
	for (i = 0; i < 2; i++) {
		t[i] = (struct slab_thread) {
			.svm = svm, .c = c, .id = i, .seed = 101 + i,
		};
		init_completion(&t[i].done);
		data[i] = &t[i];
		done[i] = &t[i].done;
	}
	svm_kunit_run_threads(test, slab_thread_fn, data, done, 2, "svm_slab");
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, t[i].errors, 0);
		KUNIT_EXPECT_GT(test, t[i].ops, 1000);
	}
	/* A thread may finish while the other still hands objects over. */
	for (i = 0; i < 2; i++)
		while (xchg_n[i])
			svm_kfree(svm, xchg_objs[i][--xchg_n[i]]);
	KUNIT_EXPECT_EQ(test, live(c), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&svm->slab->bad_frees), 0);
	expect_all_caches_ok(test, svm);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
}

static void stress_ctor(void *obj)
{
	memset(obj, 0x3c, 200);
}

/* Seeded random operations; every cache's accounting checked each step. */
static void svm_slab_random_stress_test(struct kunit *test)
{
	enum { NC = 5, HOLD = 256, STEPS = 4000 };
	struct svm_instance *svm = create(test, 4096);
	struct svm_kmem_cache *c[NC];
	unsigned long expect[NC] = { };
	struct rnd_state rnd;
	struct {
		void *p;
		unsigned int k;
	} *held;
	unsigned int n = 0, step, k;

	c[0] = mk_cache(test, svm, "st24", 24, 0, 0, NULL);
	c[1] = mk_cache(test, svm, "st200", 200, 0, SVM_SLAB_HWCACHE_ALIGN,
		     stress_ctor);
	c[2] = mk_cache(test, svm, "st700", 700, 0,
		     SVM_SLAB_POISON | SVM_SLAB_RED_ZONE, NULL);
	/* kmalloc classes that hold no allocator metadata */
	c[3] = svm_kmem_find_general_cachep(svm, 32, 0);
	c[4] = svm_kmem_find_general_cachep(svm, 256, 0);
	held = kunit_kcalloc(test, HOLD, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	prandom_seed_state(&rnd, 4242);

	for (step = 0; step < STEPS; step++) {
		u32 r = prandom_u32_state(&rnd);
		unsigned int op = r % 16;

		k = (r >> 4) % NC;
		if (op < 8 && n < HOLD) {
			void *p = k < 3 ?
				  svm_kmem_cache_alloc(c[k], SVM_GFP_KERNEL) :
				  svm_kmalloc(svm, k == 3 ? 1 + (r >> 8) % 32 :
					      129 + (r >> 8) % 128,
					      SVM_GFP_KERNEL);

			KUNIT_ASSERT_NOT_NULL(test, p);
			if (k == 1)
				KUNIT_EXPECT_EQ(test, *(u8 *)p, 0x3c);
			else
				memset(p, 0x77, c[k]->obj_size);
			held[n].p = p;
			held[n++].k = k;
			expect[k]++;
		} else if (op < 14 && n) {
			unsigned int j = (r >> 8) % n;

			k = held[j].k;
			if (k == 1)
				memset(held[j].p, 0x3c, 200);
			if (k < 3)
				svm_kmem_cache_free(c[k], held[j].p);
			else
				svm_kfree(svm, held[j].p);
			held[j] = held[--n];
			expect[k]--;
		} else if (op == 14) {
			svm_kmem_cache_shrink(c[k]);
		} else if (r & 0x100000) {
			unsigned int limit = 1 + (r >> 8) % 200;

			KUNIT_EXPECT_EQ(test,
					svm_kmem_cache_tune(c[k], limit,
							    1 + (r >> 16) % limit,
							    0), 0);
		} else {
			svm_kmem_cache_reap(svm, SVM_GFP_KERNEL);
		}
		for (k = 0; k < NC; k++) {
			KUNIT_ASSERT_EQ_MSG(test, live(c[k]), expect[k],
					    "step %u cache %s", step,
					    c[k]->name);
			KUNIT_ASSERT_EQ_MSG(test, svm_kmem_cache_check(c[k]), 0,
					    "step %u", step);
		}
		if (!(step % 64))
			cond_resched();
	}
	while (n--) {
		k = held[n].k;
		if (k == 1)
			memset(held[n].p, 0x3c, 200);
		if (k < 3)
			svm_kmem_cache_free(c[k], held[n].p);
		else
			svm_kfree(svm, held[n].p);
	}
	for (k = 0; k < 3; k++) {
		KUNIT_EXPECT_EQ(test, atomic_long_read(&c[k]->errors), 0);
		KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c[k]), 0);
	}
	expect_all_caches_ok(test, svm);
}

static char *show(struct kunit *test, struct svm_instance *svm)
{
	return svm_kunit_show(test, svm, svm_slabinfo_show, 8 * PAGE_SIZE);
}

static const char *find_line(const char *buf, const char *name)
{
	size_t len = strlen(name);
	const char *p = buf;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return p;
	return NULL;
}

static void svm_slabinfo_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1024);
	struct svm_kmem_cache *c = mk_cache(test, svm, "info", 64, 0, 0, NULL);
	unsigned long a, n, as, ns, sa;
	unsigned int sz, per, pages, lim, bat, sh;
	const char *line, *p;
	char name[32], *buf;
	void *o;
	int lines = 0;

	o = svm_kmem_cache_alloc(c, SVM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info 16 8 0"), 0);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info 20 10\n"), 0);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info 0 1 0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info 8 9 0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info 8 4 1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info 5000 4"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "nosuch 8 4 0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info"), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_slabinfo_write(svm, "info x y"), -EINVAL);

	buf = show(test, svm);
	KUNIT_EXPECT_EQ(test, strncmp(buf, "slabinfo - version: 2.1\n# name ",
				      31), 0);
	for (p = strchr(buf, '\n') + 1; (p = strchr(p, '\n')) && p[1];) {
		p++;
		KUNIT_EXPECT_EQ_MSG(test,
				    sscanf(p, "%31s %lu %lu %u %u %u : tunables %u %u %u : slabdata %lu %lu %lu",
					   name, &a, &n, &sz, &per, &pages,
					   &lim, &bat, &sh, &as, &ns, &sa),
				    12, "line %.40s", p);
		KUNIT_EXPECT_LE(test, a, n);
		KUNIT_EXPECT_EQ(test, n, ns * per);
		lines++;
	}
	KUNIT_EXPECT_EQ(test, lines, 2 + 2 * SVM_KMALLOC_NR);
	line = find_line(buf, "info");
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_EQ(test,
			sscanf(line, "%31s %lu %lu %u %u %u : tunables %u %u %u : slabdata %lu %lu %lu",
			       name, &a, &n, &sz, &per, &pages, &lim, &bat,
			       &sh, &as, &ns, &sa), 12);
	KUNIT_EXPECT_EQ(test, a, 1);
	KUNIT_EXPECT_EQ(test, n, c->num);
	KUNIT_EXPECT_EQ(test, sz, 64);
	KUNIT_EXPECT_EQ(test, per, c->num);
	KUNIT_EXPECT_EQ(test, pages, 1);
	KUNIT_EXPECT_EQ(test, lim, 20);
	KUNIT_EXPECT_EQ(test, bat, 10);
	KUNIT_EXPECT_EQ(test, as, 1);
	KUNIT_EXPECT_EQ(test, ns, 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, " : globalstat "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, " : colour "));
	KUNIT_EXPECT_NOT_NULL(test, find_line(buf, "kmem_cache"));
	KUNIT_EXPECT_NOT_NULL(test, find_line(buf, "size-32"));
	KUNIT_EXPECT_NOT_NULL(test, find_line(buf, "size-32768(DMA)"));
	svm_kmem_cache_free(c, o);
	KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(c), 0);
	buf = show(test, svm);
	KUNIT_EXPECT_NULL(test, find_line(buf, "info"));
}

/* Teardown drains everything and gives every page back. */
static void svm_slab_teardown_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 2048);
	struct svm_kmem_cache *c = mk_cache(test, svm, "leak", 2000, 0, 0, NULL);
	struct svm_zone *zone;
	unsigned long managed = 0, pfn;
	unsigned int i;

	for (i = 0; i < 100; i++) {
		KUNIT_EXPECT_NOT_NULL(test, svm_kmem_cache_alloc(c,
								  SVM_GFP_KERNEL));
		KUNIT_EXPECT_NOT_NULL(test, svm_kmalloc(svm, 8 + i * 37,
							SVM_GFP_KERNEL));
	}
	KUNIT_EXPECT_NOT_NULL(test, svm_kmalloc(svm, 100000, SVM_GFP_KERNEL));
	KUNIT_EXPECT_NOT_NULL(test, svm_kmalloc(svm, 128, SVM_GFP_DMA));
	svm_slab_exit(svm);
	KUNIT_EXPECT_NULL(test, svm->slab);
	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		managed += zone->managed_pages;
	KUNIT_EXPECT_EQ(test, lowmem_free(svm), managed);
	for (pfn = 0; pfn < svm->nr_pages; pfn++)
		KUNIT_EXPECT_FALSE(test, svm_page_test_slab(svm_pfn_to_page(svm, pfn)));
	KUNIT_EXPECT_EQ(test, svm_check_instance(svm), 0);
	KUNIT_ASSERT_EQ(test, svm_slab_init(svm), 0);
}

/*
 * Creating a cache on an instance whose memory is exhausted: the
 * descriptor's allocation from cache_cache must enter direct reclaim,
 * which reaps the slab caches under the chain mutex. Run in a kthread
 * bound to one CPU, so that cache_cache's array cache on that CPU is the
 * one emptied, and waited for with a timeout: a creation that holds the
 * chain mutex across the allocation never returns.
 */
struct create_full {
	struct svm_instance *svm;
	struct svm_kmem_cache *filler, *cachep;
	struct svm_page **pages;
	unsigned long nr_pages, max_pages;
	void *descs[512], *objs[256];
	unsigned int nr_descs;
	int err;
	struct completion done;
};

/* Allocate every lowmem page the watermarks let go of without reclaim. */
static void exhaust_lowmem(struct create_full *d)
{
	unsigned long got;

	do {
		got = 0;
		while (d->nr_pages < d->max_pages) {
			struct svm_page *page;

			page = svm_alloc_pages(d->svm, SVM_GFP_KERNEL |
					       SVM_GFP_NORETRY |
					       SVM_GFP_NOWARN, 0);
			if (!page)
				break;
			d->pages[d->nr_pages++] = page;
			got++;
		}
		/* Pages parked on per-CPU lists would spare reclaim. */
		svm_drain_all_pages(d->svm);
	} while (got);
}

static int create_full_fn(void *data)
{
	struct create_full *d = data;
	struct svm_kmem_cache *cc = d->svm->slab->cache_cache;
	struct svm_kmem_cache_stats s;
	void **objs = d->objs;
	unsigned int n = 0;

	/* Sixteen free slabs: what reclaim will find to free. */
	d->filler = svm_kmem_cache_create(d->svm, "reclaimable", 256, 0, 0,
					  NULL);
	if (!d->filler) {
		d->err = -ENOMEM;
		goto out;
	}
	while (d->filler->num_slabs < 16 && n < ARRAY_SIZE(d->objs)) {
		objs[n] = svm_kmem_cache_alloc(d->filler, SVM_GFP_KERNEL);
		if (!objs[n]) {
			d->err = -ENOMEM;
			break;
		}
		n++;
	}
	while (n)
		svm_kmem_cache_free(d->filler, objs[--n]);
	svm_kmem_cache_drain(d->filler);
	if (d->err)
		goto out;

	/* No free descriptor on this CPU's array nor on cache_cache's slabs. */
	for (;;) {
		svm_kmem_cache_get_stats(cc, &s);
		if (!s.cpu_avail && s.num_objs == s.active_objs)
			break;
		if (d->nr_descs == ARRAY_SIZE(d->descs)) {
			d->err = -E2BIG;
			goto out;
		}
		d->descs[d->nr_descs] = svm_kmem_cache_alloc(cc,
							     SVM_GFP_KERNEL);
		if (!d->descs[d->nr_descs]) {
			d->err = -ENOMEM;
			goto out;
		}
		d->nr_descs++;
	}
	exhaust_lowmem(d);
	d->cachep = svm_kmem_cache_create(d->svm, "after-reclaim", 64, 0, 0,
					  NULL);
out:
	complete(&d->done);
	return 0;
}

static void svm_slab_create_under_reclaim_test(struct kunit *test)
{
	struct svm_params p = {
		.name = "kunit-slab-full",
		.nr_pages = 1024,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.highmem_pages = SVM_ZONE_NONE,
		.min_free_kbytes = 16,
	};
	struct task_struct *task;
	struct create_full *d;
	unsigned long i;

	/* Not test-managed: a hung creator keeps using it after the test. */
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	init_completion(&d->done);
	d->max_pages = p.nr_pages;
	d->pages = kvcalloc(p.nr_pages, sizeof(*d->pages), GFP_KERNEL);
	d->svm = svm_instance_create(&p);
	task = d->pages && !IS_ERR(d->svm) ?
	       kthread_create(create_full_fn, d, "svm-create-full") : NULL;
	if (IS_ERR_OR_NULL(task)) {
		if (!IS_ERR(d->svm))
			svm_instance_destroy(d->svm);
		kvfree(d->pages);
		kfree(d);
		KUNIT_FAIL(test, "no instance, page array or thread");
		return;
	}
	get_task_struct(task);
	kthread_bind(task, cpumask_first(cpu_online_mask));
	wake_up_process(task);
	if (!wait_for_completion_timeout(&d->done, 60 * HZ)) {
		/*
		 * The creator sleeps on a mutex it holds itself: the instance
		 * and @d stay, since it cannot be woken to let go of them.
		 */
		put_task_struct(task);
		KUNIT_FAIL(test, "creating a cache on a full instance hung for 60 s");
		return;
	}
	KUNIT_EXPECT_EQ(test, kthread_stop_put(task), 0);
	KUNIT_EXPECT_EQ(test, d->err, 0);
	/* Below its watermark before creation; reclaim reaped the filler. */
	KUNIT_EXPECT_GT(test, d->nr_pages, 0UL);
	KUNIT_EXPECT_NOT_NULL(test, d->cachep);
	if (d->filler)
		KUNIT_EXPECT_GT(test, d->filler->reaps, 0UL);
	expect_all_caches_ok(test, d->svm);

	if (d->cachep)
		KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(d->cachep), 0);
	while (d->nr_descs)
		svm_kmem_cache_free(d->svm->slab->cache_cache,
				    d->descs[--d->nr_descs]);
	for (i = 0; i < d->nr_pages; i++)
		svm_free_pages(d->svm, d->pages[i], 0);
	if (d->filler)
		KUNIT_EXPECT_EQ(test, svm_kmem_cache_destroy(d->filler), 0);
	KUNIT_EXPECT_EQ(test, svm_check_instance(d->svm), 0);
	svm_instance_destroy(d->svm);
	kvfree(d->pages);
	kfree(d);
}

static struct kunit_case svm_slab_cases[] = {
	KUNIT_CASE(svm_slab_fresh_instance_test),
	KUNIT_CASE(svm_slab_virt_to_page_test),
	KUNIT_CASE(svm_slab_estimate_test),
	KUNIT_CASE(svm_slab_colour_test),
	KUNIT_CASE(svm_slab_lists_test),
	KUNIT_CASE(svm_slab_ctor_test),
	KUNIT_CASE(svm_slab_cpucache_test),
	KUNIT_CASE(svm_kmalloc_sizes_test),
	KUNIT_CASE(svm_kmalloc_large_test),
	KUNIT_CASE(svm_slab_debug_test),
	KUNIT_CASE(svm_slab_reap_test),
	KUNIT_CASE(svm_slab_destroy_busy_test),
	KUNIT_CASE(svm_slab_create_under_reclaim_test),
	KUNIT_CASE_SLOW(svm_slab_concurrent_test),
	KUNIT_CASE_SLOW(svm_slab_random_stress_test),
	KUNIT_CASE(svm_slabinfo_test),
	KUNIT_CASE(svm_slab_teardown_test),
	{}
};

static struct kunit_suite svm_slab_suite = {
	.name = "shadowvm_slab",
	.test_cases = svm_slab_cases,
};

kunit_test_suites(&svm_slab_suite);
