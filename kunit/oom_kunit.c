// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the shadow OOM killer: the badness() score (memory,
 * administrator rights, oom_score_adj) and an out-of-memory write with no
 * process to kill, which must fail with ENOSPC and kill nobody.
 */
#include <kunit/test.h>
#include <linux/oom.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/object.h>
#include <shadowvm/oom.h>
#include <shadowvm/vmstat.h>

#include "svm_kunit.h"

/* The score is the pages used, for an ordinary process. */
static void svm_oom_badness_pages(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1000, 4096, 0, false, false),
			1000UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1, 4096, 0, false, false), 1UL);
	/* More memory, higher score: the biggest user is chosen. */
	KUNIT_EXPECT_GT(test, svm_oom_badness(2000, 4096, 0, false, false),
			svm_oom_badness(1999, 4096, 0, false, false));
}

/* Nothing to free, or OOM_SCORE_ADJ_MIN: never chosen (score 0). */
static void svm_oom_badness_never(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, svm_oom_badness(0, 4096, 0, false, false), 0UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(0, 4096, OOM_SCORE_ADJ_MAX,
					      false, false), 0UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(4096, 4096, OOM_SCORE_ADJ_MIN,
					      false, false), 0UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(4096, 4096, OOM_SCORE_ADJ_MIN,
					      true, true), 0UL);
}

/* Root or CAP_SYS_ADMIN divides by 4, CAP_SYS_RAWIO by 4 more. */
static void svm_oom_badness_admin(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1000, 4096, 0, true, false),
			250UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1000, 4096, 0, false, true),
			250UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1000, 4096, 0, true, true), 62UL);
	/* Eligible processes never score 0, whatever the division. */
	KUNIT_EXPECT_EQ(test, svm_oom_badness(3, 4096, 0, true, true), 1UL);
}

/* oom_score_adj adds adj/1000 of all pages, and a score stays >= 1. */
static void svm_oom_badness_adj(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1000, 4000, 500, false, false),
			3000UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1000, 4000, -200, false, false),
			200UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1000, 4000, -999, false, false),
			1UL);
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1, 4000, OOM_SCORE_ADJ_MAX,
					      false, false), 4001UL);
	/* Past OOM_SCORE_ADJ_MAX counts as the maximum. */
	KUNIT_EXPECT_EQ(test, svm_oom_badness(1, 4000, 5000, false, false),
			4001UL);
	/* A small user with +1000 beats a big one with 0. */
	KUNIT_EXPECT_GT(test, svm_oom_badness(1, 4000, 1000, false, false),
			svm_oom_badness(3999, 4000, 0, false, false));
}

/*
 * A write() running out of memory with no descriptor open on the
 * instance: nobody to kill, so the caller gets ENOSPC at once.
 */
static void svm_oom_write_no_victim(struct kunit *test)
{
	struct svm_params p = {
		.name = "kunit-oom",
		.nr_pages = 512,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
	};
	struct svm_instance *svm = svm_kunit_instance(test, &p);
	struct svm_object *obj = svm_object_create(svm);
	const size_t len = 1024 * PAGE_SIZE;
	struct iov_iter it;
	struct kvec kv;
	loff_t pos = 0;
	ssize_t n;
	void *buf;

	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	buf = kvzalloc(len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kv = (struct kvec) { .iov_base = buf, .iov_len = len };
	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, len);
	n = svm_object_write(obj, &pos, &it, false);
	KUNIT_EXPECT_GT(test, n, 0L);
	KUNIT_EXPECT_LT(test, n, (ssize_t)(512 * PAGE_SIZE));
	kv = (struct kvec) { .iov_base = buf, .iov_len = PAGE_SIZE };
	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_write(obj, &pos, &it, false),
			(ssize_t)-ENOSPC);
	KUNIT_EXPECT_GE(test, svm_vm_event(svm, SVM_OOM_NO_VICTIM), 2UL);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_OOM_KILL), 0UL);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_OOM_SELF), 0UL);
	kvfree(buf);
	svm_object_put(obj);
}

static struct kunit_case svm_oom_cases[] = {
	KUNIT_CASE(svm_oom_badness_pages),
	KUNIT_CASE(svm_oom_badness_never),
	KUNIT_CASE(svm_oom_badness_admin),
	KUNIT_CASE(svm_oom_badness_adj),
	KUNIT_CASE(svm_oom_write_no_victim),
	{}
};

static struct kunit_suite svm_oom_suite = {
	.name = "shadowvm_oom",
	.test_cases = svm_oom_cases,
};

kunit_test_suites(&svm_oom_suite);
