// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the replacement-policy interface (include/shadowvm/
 * policy.h), run once for every policy in the table: whatever a policy
 * does with its pages, every resident evictable page is on exactly one
 * of its lists, the counts agree with the page cache, and a page leaves
 * from any state (isolated, truncated, reclaimed, locked) without a trace.
 * Each policy's own behaviour is tested in its own suite.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/random.h>

#include <shadowvm/core.h>
#include <shadowvm/debugfs.h>
#include <shadowvm/filemap.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/policy.h>
#include <shadowvm/vmscan.h>

#include "svm_kunit.h"

static struct svm_instance *create(struct kunit *test, const char *policy,
				   unsigned long nr_pages)
{
	struct svm_params p = {
		.name = "kunit-policy",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
		.highmem_pages = SVM_ZONE_NONE,
		.policy = policy,
	};

	return svm_kunit_instance(test, &p);
}

/* Every policy in the table, by name. */
static const void *policy_gen_params(const void *prev, char *desc)
{
	const struct svm_policy_ops *const *p = prev;
	static const struct svm_policy_ops *ops[16];
	unsigned int i = p ? p - ops + 1 : 0;

	if (i >= ARRAY_SIZE(ops))
		return NULL;
	ops[i] = svm_policy_by_index(i);
	if (!ops[i])
		return NULL;
	strscpy(desc, ops[i]->name, KUNIT_PARAM_DESC_SIZE);
	return &ops[i];
}

static const char *param_policy(struct kunit *test)
{
	const struct svm_policy_ops *const *ops = test->param_value;

	return (*ops)->name;
}

/* Evictable pages the policy holds, over its active and inactive counts. */
static unsigned long held(struct svm_instance *svm)
{
	return svm_lru_pages(svm, SVM_LRU_ACTIVE) +
	       svm_lru_pages(svm, SVM_LRU_INACTIVE);
}

static void expect_consistent(struct kunit *test, struct svm_instance *svm,
			      const char *when)
{
	KUNIT_EXPECT_EQ_MSG(test, svm_selfcheck(svm, NULL), 0, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, held(svm) +
			    svm_lru_pages(svm, SVM_LRU_UNEVICTABLE),
			    atomic_long_read(&svm->filemap->nr_file_pages),
			    "%s", when);
}

/* Pages @first..@first+@n-1 of @as, clean. */
static void populate(struct kunit *test, struct svm_address_space *as,
		     u32 first, u32 n)
{
	struct svm_page *page;
	bool created;
	u32 i;

	for (i = first; i < first + n; i++) {
		page = svm_find_or_create_page(as, i, &created);
		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		svm_put_page(as->svm, page);
	}
}

static void use_page(struct kunit *test, struct svm_address_space *as,
		     u32 index)
{
	struct svm_page *page = svm_find_get_page(as, index);

	if (!page)
		return;
	svm_mark_page_accessed(as->svm, page);
	svm_put_page(as->svm, page);
}

/* Seeded uses: some pages once, some many times, some never. */
static void use_pages(struct kunit *test, struct svm_address_space *as,
		      u32 n, u32 uses, u32 seed)
{
	struct rnd_state rnd;
	u32 i;

	prandom_seed_state(&rnd, seed);
	for (i = 0; i < uses; i++)
		use_page(test, as, prandom_u32_state(&rnd) % (n / 2 + 1) +
			 (i % 3 ? 0 : n / 2));
}

/*
 * Pages added, used, reclaimed under pressure, added again and truncated
 * in every state: the lists and counts agree with the page cache at
 * each step, and nothing is left on the lists at the end.
 */
static void svm_policy_invariants_test(struct kunit *test)
{
	const char *policy = param_policy(test);
	struct svm_instance *svm = create(test, policy, 512);
	struct svm_address_space *as;
	unsigned long freed;

	KUNIT_ASSERT_STREQ(test, svm->reclaim->ops->name, policy);
	as = svm_kunit_address_space(test, svm, 1);
	populate(test, as, 0, 128);
	expect_consistent(test, svm, "populated");
	KUNIT_EXPECT_EQ(test, held(svm), 128);
	use_pages(test, as, 128, 400, 1);
	expect_consistent(test, svm, "used");

	freed = svm_shrink_all_memory(svm, 48);
	KUNIT_EXPECT_GE(test, freed, 48);
	expect_consistent(test, svm, "reclaimed");
	KUNIT_EXPECT_EQ(test, atomic_long_read(&as->nrpages), 128 - freed);

	/* Back in, then more pressure with the pages in mixed states. */
	populate(test, as, 0, 160);
	use_pages(test, as, 160, 300, 2);
	freed = svm_shrink_all_memory(svm, 32);
	KUNIT_EXPECT_GE(test, freed, 32);
	expect_consistent(test, svm, "reclaimed again");

	svm_truncate_pages(as, 80);
	expect_consistent(test, svm, "half truncated");
	svm_truncate_pages(as, 0);
	expect_consistent(test, svm, "truncated");
	KUNIT_EXPECT_EQ(test, held(svm), 0);
}

/*
 * A page isolated (as migration and swap-cache code do) leaves the
 * policy's lists and counts, keeps its state, and comes back with it.
 */
static void svm_policy_isolate_test(struct kunit *test)
{
	const char *policy = param_policy(test);
	struct svm_instance *svm = create(test, policy, 256);
	struct svm_address_space *as;
	struct svm_page *page;
	u32 i;

	as = svm_kunit_address_space(test, svm, 1);
	populate(test, as, 0, 32);
	use_pages(test, as, 32, 64, 3);
	for (i = 0; i < 32; i += 4) {
		unsigned long before = held(svm);
		bool active;

		page = svm_find_get_page(as, i);
		KUNIT_ASSERT_NOT_NULL(test, page);
		active = svm_page_test_active(page);
		KUNIT_ASSERT_TRUE(test, svm_isolate_lru_page(svm, page));
		KUNIT_EXPECT_FALSE(test, svm_isolate_lru_page(svm, page));
		KUNIT_EXPECT_EQ(test, held(svm), before - 1);
		KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
		svm_lru_cache_add(svm, page);
		KUNIT_EXPECT_EQ(test, svm_page_test_active(page), active);
		KUNIT_EXPECT_EQ(test, held(svm), before);
		svm_put_page(svm, page);	/* the isolation's */
		svm_put_page(svm, page);	/* the lookup's */
	}
	expect_consistent(test, svm, "put back");
	/* Truncating a page isolated by someone else: no list is touched. */
	page = svm_find_get_page(as, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_TRUE(test, svm_isolate_lru_page(svm, page));
	svm_truncate_pages(as, 0);
	KUNIT_EXPECT_EQ(test, held(svm), 0);
	KUNIT_EXPECT_EQ(test, svm_selfcheck(svm, NULL), 0);
	KUNIT_EXPECT_FALSE(test, svm_page_test_active(page));
	svm_put_page(svm, page);
	svm_put_page(svm, page);
}

/* A name no policy has: the instance is refused, with -EINVAL. */
static void svm_policy_unknown_test(struct kunit *test)
{
	struct svm_params p = {
		.name = "kunit-policy",
		.nr_pages = 64,
		.nid = numa_node_id(),
		.highmem_pages = SVM_ZONE_NONE,
		.policy = "no-such-policy",
	};
	struct svm_instance *svm = svm_instance_create(&p);

	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(svm), -EINVAL);
	if (!IS_ERR(svm))
		svm_instance_destroy(svm);
	KUNIT_EXPECT_NULL(test, svm_policy_lookup("no-such-policy"));
	KUNIT_EXPECT_PTR_EQ(test, svm_policy_lookup(NULL),
			    svm_policy_by_index(0));
	KUNIT_EXPECT_STREQ(test, svm_policy_lookup("")->name, "2.6");
	/* As sysfs writes come: with a newline. */
	KUNIT_EXPECT_STREQ(test, svm_policy_lookup("2.6\n")->name, "2.6");
}

static struct kunit_case svm_policy_cases[] = {
	KUNIT_CASE_PARAM(svm_policy_invariants_test, policy_gen_params),
	KUNIT_CASE_PARAM(svm_policy_isolate_test, policy_gen_params),
	KUNIT_CASE(svm_policy_unknown_test),
	{}
};

static struct kunit_suite svm_policy_suite = {
	.name = "shadowvm_policy",
	.test_cases = svm_policy_cases,
};

kunit_test_suite(svm_policy_suite);
