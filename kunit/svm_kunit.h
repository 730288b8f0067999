/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by shadowvm's KUnit suites.
 */
#ifndef _SVM_KUNIT_H
#define _SVM_KUNIT_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/seq_file.h>

#include <shadowvm/core.h>

static void svm_kunit_destroy(void *svm)
{
	svm_instance_destroy(svm);
}

/**
 * svm_kunit_instance() - create a private instance for one test
 * @test: the test; the instance is destroyed when it ends, pass or fail
 * @p: how to create it
 *
 * Return: the instance; the test is aborted when it cannot be created.
 */
static inline struct svm_instance *svm_kunit_instance(struct kunit *test,
						      const struct svm_params *p)
{
	struct svm_instance *svm = svm_instance_create(p);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(svm), "%s, %lu pages: %d",
			       p->name, p->nr_pages, PTR_ERR_OR_ZERO(svm));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, svm_kunit_destroy, svm));
	return svm;
}

/**
 * svm_kunit_show() - capture what a debugfs show function prints
 * @test: the test; the buffer lives as long as it
 * @svm: the instance to show
 * @fn: the show function
 * @size: buffer size; the output must fit
 *
 * Return: the NUL-terminated output.
 */
static inline char *svm_kunit_show(struct kunit *test, struct svm_instance *svm,
				   int (*fn)(struct seq_file *,
					     struct svm_instance *),
				   size_t size)
{
	struct seq_file m = { };

	m.size = size;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	KUNIT_EXPECT_EQ(test, fn(&m, svm), 0);
	KUNIT_EXPECT_LT(test, m.count, m.size);
	return m.buf;
}

#endif /* _SVM_KUNIT_H */
