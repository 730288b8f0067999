/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by shadowvm's KUnit suites.
 */
#ifndef _SVM_KUNIT_H
#define _SVM_KUNIT_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>

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

static void svm_kunit_destroy_as(void *as)
{
	svm_address_space_destroy(as);
}

/**
 * svm_kunit_address_space() - an object's page cache for one test
 * @test: the test; the page cache is destroyed when it ends, pass or fail
 * @svm: its instance, made with svm_kunit_instance() before it
 * @id: the number that names it in tracepoints
 *
 * It lives outside the test function's stack, so that an aborted test
 * leaves nothing there for the instance's teardown to find; KUnit runs
 * the destructors in reverse order, so it goes before its instance.
 *
 * Return: the page cache; the test is aborted when it cannot be made.
 */
static inline struct svm_address_space *
svm_kunit_address_space(struct kunit *test, struct svm_instance *svm, u32 id)
{
	struct svm_address_space *as;

	as = kunit_kzalloc(test, sizeof(*as), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, as);
	svm_address_space_init(as, svm, id);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, svm_kunit_destroy_as,
						  as));
	return as;
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

/**
 * svm_kunit_run_threads() - run @n kthreads spread over the online CPUs
 * @test: the test
 * @fn: thread function; it must complete its @done before returning
 * @data: argument of each thread
 * @done: completion each thread signals when it has finished its work
 * @n: number of threads (at most 8)
 * @name: kthread name prefix
 *
 * Each thread is bound to the next online CPU, all start together, and
 * the function returns when every one has finished and has been reaped;
 * a thread's non-zero return value fails the test.
 */
static inline void svm_kunit_run_threads(struct kunit *test,
					 int (*fn)(void *), void **data,
					 struct completion **done, int n,
					 const char *name)
{
	struct task_struct *task[8];
	int i, cpu = cpumask_first(cpu_online_mask);

	KUNIT_ASSERT_LE(test, n, (int)ARRAY_SIZE(task));
	for (i = 0; i < n; i++) {
		task[i] = kthread_create(fn, data[i], "%s/%d", name, i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task[i]));
		/* It may finish before kthread_stop(): keep its task. */
		get_task_struct(task[i]);
		kthread_bind(task[i], cpu);
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
	}
	for (i = 0; i < n; i++)
		wake_up_process(task[i]);
	for (i = 0; i < n; i++) {
		/* kthread_stop() before the thread ran would skip it. */
		wait_for_completion(done[i]);
		KUNIT_EXPECT_EQ(test, kthread_stop_put(task[i]), 0);
	}
}

#endif /* _SVM_KUNIT_H */
