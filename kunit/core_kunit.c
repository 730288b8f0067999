// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the shadowvm core: parsing sizes, reserving and releasing
 * private instances, and the chunk accounting behind debugfs meminfo.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <shadowvm/core.h>
#include <shadowvm/debugfs.h>

struct parse_case {
	const char *str;
	int ret;
	unsigned long pages;
};

static const struct parse_case parse_cases[] = {
	{ "64M", 0, 16384 },
	{ "64m", 0, 16384 },
	{ "4096", 0, 1 },
	{ "8k", 0, 2 },
	{ "1G\n", 0, 262144 },
	{ "0x2000", 0, 2 },
	{ "4097", -EINVAL, 0 },
	{ "2k", -EINVAL, 0 },
	{ "0", -EINVAL, 0 },
	{ "0M", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "M", -EINVAL, 0 },
	{ "64MB", -EINVAL, 0 },
	{ "-4096", -EINVAL, 0 },
	{ "12x", -EINVAL, 0 },
	{ "99999999999999999999", -EINVAL, 0 },
	{ "18446744073709551615T", -EINVAL, 0 },
};

static void parse_case_desc(const struct parse_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->str);
	strreplace(desc, '\n', ' ');
}

KUNIT_ARRAY_PARAM(parse, parse_cases, parse_case_desc);

static void svm_parse_size_test(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	unsigned long pages = 0;

	KUNIT_EXPECT_EQ(test, svm_parse_size(c->str, &pages), c->ret);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, pages, c->pages);
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Check everything an instance claims about its chunks: the orders add up
 * to the pages asked for, the per-order counts match the table, no order is
 * above the cap, every page is held exactly once by us, and no two chunks
 * overlap.
 */
static void check_accounting(struct kunit *test, struct svm_instance *svm,
			     unsigned long nr_pages, unsigned int max_order)
{
	unsigned long by_order[NR_PAGE_ORDERS] = { };
	unsigned long *pfns, i, j, n = 0;

	KUNIT_EXPECT_EQ(test, svm->nr_pages, nr_pages);
	KUNIT_EXPECT_EQ(test, svm_instance_chunk_pages(svm), nr_pages);

	pfns = kunit_kmalloc_array(test, nr_pages, sizeof(*pfns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pfns);

	for (i = 0; i < svm->nr_chunks; i++) {
		const struct svm_chunk *c = &svm->chunks[i];

		KUNIT_EXPECT_LE(test, c->order, max_order);
		by_order[c->order]++;
		for (j = 0; j < (1UL << c->order); j++) {
			KUNIT_EXPECT_EQ(test, page_ref_count(c->page + j), 1);
			KUNIT_EXPECT_FALSE(test, PageCompound(c->page + j));
			pfns[n++] = page_to_pfn(c->page) + j;
		}
	}
	for (i = 0; i < NR_PAGE_ORDERS; i++)
		KUNIT_EXPECT_EQ(test, by_order[i], svm->chunks_by_order[i]);

	sort(pfns, n, sizeof(*pfns), cmp_ulong, NULL);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_NE(test, pfns[i - 1], pfns[i]);
}

static struct svm_instance *create(struct kunit *test, unsigned long nr_pages,
				   unsigned int max_order)
{
	struct svm_params p = {
		.name = "kunit",
		.nr_pages = nr_pages,
		.max_order = max_order,
		.nid = NUMA_NO_NODE,
		/* Watermarks of 0 pages: instances of 1 and 4 pages work. */
		.min_free_kbytes = 1,
	};
	struct svm_instance *svm = svm_instance_create(&p);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(svm), "instance of %lu pages, max order %u: %d",
			       nr_pages, max_order, PTR_ERR_OR_ZERO(svm));
	return svm;
}

static void svm_instance_tiny_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1, MAX_PAGE_ORDER);

	check_accounting(test, svm, 1, MAX_PAGE_ORDER);
	KUNIT_EXPECT_EQ(test, svm->nr_chunks, 1);
	KUNIT_EXPECT_EQ(test, svm->chunks_by_order[0], 1);
	svm_instance_destroy(svm);
}

static void svm_instance_odd_size_test(struct kunit *test)
{
	/* 1003 = 512 + 256 + 128 + 64 + 32 + 8 + 2 + 1: many orders at once */
	struct svm_instance *svm = create(test, 1003, MAX_PAGE_ORDER);

	check_accounting(test, svm, 1003, MAX_PAGE_ORDER);
	/* No chunk can be larger than what was left to reserve. */
	KUNIT_EXPECT_EQ(test, svm->chunks_by_order[10], 0);
	svm_instance_destroy(svm);
}

static void svm_instance_order_cap_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 64, 2);

	check_accounting(test, svm, 64, 2);
	KUNIT_EXPECT_GE(test, svm->nr_chunks, 16);
	KUNIT_EXPECT_EQ(test, svm->max_order, 2);
	svm_instance_destroy(svm);

	/* An order above the kernel's maximum is clamped, not refused. */
	svm = create(test, 4, 99);
	KUNIT_EXPECT_EQ(test, svm->max_order, MAX_PAGE_ORDER);
	check_accounting(test, svm, 4, MAX_PAGE_ORDER);
	svm_instance_destroy(svm);
}

static void svm_instance_many_test(struct kunit *test)
{
	struct svm_instance *a = create(test, 3000, MAX_PAGE_ORDER);
	struct svm_instance *b = create(test, 333, 0);

	check_accounting(test, a, 3000, MAX_PAGE_ORDER);
	check_accounting(test, b, 333, 0);
	KUNIT_EXPECT_EQ(test, b->nr_chunks, 333);
	KUNIT_EXPECT_EQ(test, b->chunks_by_order[0], 333);
	/* Trace events tell instances apart by their ids alone. */
	KUNIT_EXPECT_NE(test, a->id, b->id);
	svm_instance_destroy(a);
	svm_instance_destroy(b);
}

static void svm_instance_bad_test(struct kunit *test)
{
	struct svm_params p = { .nid = NUMA_NO_NODE, .max_order = 3 };

	p.nr_pages = 0;
	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-EINVAL));
	/* The default watermarks (32 pages) leave one page unusable. */
	p.nr_pages = 1;
	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-EINVAL));

	/* More than the machine has: refused before anything is taken. */
	p.nr_pages = totalram_pages() + 1;
	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-ENOMEM));
	p.nr_pages = ULONG_MAX;
	KUNIT_EXPECT_PTR_EQ(test, svm_instance_create(&p), ERR_PTR(-ENOMEM));

	/* Destroying nothing is allowed, as kfree(NULL) is. */
	svm_instance_destroy(NULL);
	svm_instance_destroy(ERR_PTR(-ENOMEM));
}

static void svm_meminfo_test(struct kunit *test)
{
	struct svm_instance *svm = create(test, 1003, 4);
	struct seq_file m = { };
	char expect[64];

	m.size = PAGE_SIZE;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);

	KUNIT_EXPECT_EQ(test, svm_meminfo_show(&m, svm), 0);
	KUNIT_EXPECT_LT(test, m.count, m.size);
	KUNIT_EXPECT_NOT_NULL(test, strstr(m.buf, "ReservedPages:  1003\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(m.buf, "MaxOrder:       4\n"));
	snprintf(expect, sizeof(expect), "Chunks:         %lu\n",
		 svm->nr_chunks);
	KUNIT_EXPECT_NOT_NULL(test, strstr(m.buf, expect));
	snprintf(expect, sizeof(expect), "ReservedKB:     %lu\n",
		 1003UL * (PAGE_SIZE / 1024));
	KUNIT_EXPECT_NOT_NULL(test, strstr(m.buf, expect));
	snprintf(expect, sizeof(expect), "Instance:       kunit\nInstanceId:     %u\n",
		 svm->id);
	KUNIT_EXPECT_NOT_NULL(test, strstr(m.buf, expect));
	svm_instance_destroy(svm);
}

static struct kunit_case svm_core_cases[] = {
	KUNIT_CASE_PARAM(svm_parse_size_test, parse_gen_params),
	KUNIT_CASE(svm_instance_tiny_test),
	KUNIT_CASE(svm_instance_odd_size_test),
	KUNIT_CASE(svm_instance_order_cap_test),
	KUNIT_CASE(svm_instance_many_test),
	KUNIT_CASE(svm_instance_bad_test),
	KUNIT_CASE(svm_meminfo_test),
	{}
};

static struct kunit_suite svm_core_suite = {
	.name = "shadowvm_core",
	.test_cases = svm_core_cases,
};

kunit_test_suites(&svm_core_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for shadowvm");
