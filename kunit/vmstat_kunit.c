// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm's event counters (module/vmstat.c): each CPU
 * counts into its own copy, readers get the sum, no count is lost to
 * concurrency, preemption or an interrupt, and the debugfs "vmstat" file
 * keeps its lines, in their order, with the counted values.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <shadowvm/core.h>
#include <shadowvm/vmstat.h>

#include "svm_kunit.h"

static struct svm_instance *create(struct kunit *test)
{
	struct svm_params p = {
		.name = "kunit-vmstat",
		.nr_pages = 256,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
	};

	return svm_kunit_instance(test, &p);
}

static unsigned long cpu_share(struct svm_instance *svm, int cpu,
			       enum svm_vm_event_item item)
{
	return READ_ONCE(per_cpu_ptr(svm->vm_events, cpu)->event[item]);
}

struct count_work {
	struct work_struct work;
	struct svm_instance *svm;
	unsigned int n;
	unsigned long share0;
	int ran_on;
};

static void count_work_fn(struct work_struct *work)
{
	struct count_work *cw = container_of(work, struct count_work, work);
	unsigned int i;

	cw->ran_on = raw_smp_processor_id();
	for (i = 0; i < cw->n; i++)
		svm_count_vm_event(cw->svm, SVM_PGFAULT);
	svm_count_vm_events(cw->svm, SVM_RW_READ_BYTES, cw->n * 10UL);
}

/*
 * Work bound to each online CPU counts a different number of events: each
 * CPU's copy holds exactly its own, and svm_vm_event() and
 * svm_all_vm_events() return the sum.
 */
static void svm_vm_event_per_cpu_test(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	unsigned long before[SVM_NR_VM_EVENT_ITEMS];
	unsigned long after[SVM_NR_VM_EVENT_ITEMS];
	unsigned long expected = 0;
	struct count_work *cw;
	int cpu, nr_cpus = 0, i;

	cw = kunit_kcalloc(test, nr_cpu_ids, sizeof(*cw), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cw);
	svm_all_vm_events(svm, before);

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		INIT_WORK(&cw[cpu].work, count_work_fn);
		cw[cpu].svm = svm;
		cw[cpu].share0 = cpu_share(svm, cpu, SVM_PGFAULT);
		cw[cpu].n = 100 * (nr_cpus + 1);
		cw[cpu].ran_on = -1;
		expected += cw[cpu].n;
		schedule_work_on(cpu, &cw[cpu].work);
		nr_cpus++;
	}
	for_each_online_cpu(cpu) {
		flush_work(&cw[cpu].work);
		KUNIT_EXPECT_EQ(test, cw[cpu].ran_on, cpu);
		KUNIT_EXPECT_EQ(test,
				cpu_share(svm, cpu, SVM_PGFAULT) - cw[cpu].share0,
				(unsigned long)cw[cpu].n);
	}
	cpus_read_unlock();
	/* The test means nothing on one CPU; the guests have two. */
	KUNIT_EXPECT_GE(test, nr_cpus, 2);

	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGFAULT),
			before[SVM_PGFAULT] + expected);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_RW_READ_BYTES),
			before[SVM_RW_READ_BYTES] + expected * 10);
	svm_all_vm_events(svm, after);
	for (i = 0; i < SVM_NR_VM_EVENT_ITEMS; i++)
		KUNIT_EXPECT_EQ_MSG(test, after[i], svm_vm_event(svm, i),
				    "event %d", i);
}

#define NR_COUNTS	200000

struct count_thread {
	struct svm_instance *svm;
	struct completion done;
};

static int count_thread_fn(void *data)
{
	struct count_thread *ct = data;
	unsigned int i;

	for (i = 0; i < NR_COUNTS; i++) {
		svm_count_vm_event(ct->svm, SVM_PGMAJFAULT);
		svm_count_vm_events(ct->svm, SVM_PTE_SCANNED, 3);
		if (!(i % 1024))
			cond_resched();
	}
	complete(&ct->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * Threads on every CPU count at once, preemptible: not a count is lost,
 * and the reclaim events (the old second enum) count the same way.
 */
static void svm_vm_event_concurrent_test(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	struct count_thread ct[4];
	struct completion *done[4];
	void *data[4];
	unsigned long major0 = svm_vm_event(svm, SVM_PGMAJFAULT);
	unsigned long pte0 = svm_vm_event(svm, SVM_PTE_SCANNED);
	int i, n = min_t(int, num_online_cpus(), ARRAY_SIZE(ct));

	KUNIT_EXPECT_GE(test, n, 2);
	for (i = 0; i < n; i++) {
		ct[i].svm = svm;
		init_completion(&ct[i].done);
		done[i] = &ct[i].done;
		data[i] = &ct[i];
	}
	svm_kunit_run_threads(test, count_thread_fn, data, done, n,
			      "svm-vmstat");
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGMAJFAULT) - major0,
			(unsigned long)n * NR_COUNTS);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PTE_SCANNED) - pte0,
			(unsigned long)n * NR_COUNTS * 3);
}

#define NR_IPIS		2000

struct irq_count {
	struct svm_instance *svm;
	struct completion started;
	struct completion done;
	atomic_t stop;
};

static int irq_count_thread_fn(void *data)
{
	struct irq_count *ic = data;
	unsigned long n = 0;

	complete(&ic->started);
	while (!atomic_read(&ic->stop)) {
		svm_count_vm_event(ic->svm, SVM_PGCACHE_ADD);
		if (!(++n % 1024))
			cond_resched();
	}
	/* Report how many it counted through the other event. */
	svm_count_vm_events(ic->svm, SVM_PGCACHE_DELETE, n);
	complete(&ic->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static void irq_count_fn(void *data)
{
	struct irq_count *ic = data;

	svm_count_vm_event(ic->svm, SVM_PGCACHE_ADD);
}

/*
 * A thread counts in task context while interrupts (IPIs from this CPU)
 * count the same event on its CPU: the sum is every task count plus
 * every interrupt count, so an interrupt never tore a task's update.
 */
static void svm_vm_event_irq_test(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	unsigned long add0 = svm_vm_event(svm, SVM_PGCACHE_ADD);
	unsigned long del0 = svm_vm_event(svm, SVM_PGCACHE_DELETE);
	struct task_struct *task;
	struct irq_count ic;
	int cpu, target, i;

	KUNIT_ASSERT_GE(test, num_online_cpus(), 2U);
	ic.svm = svm;
	init_completion(&ic.started);
	init_completion(&ic.done);
	atomic_set(&ic.stop, 0);

	/* Stay off the thread's CPU: the IPIs must interrupt it. */
	migrate_disable();
	cpu = smp_processor_id();
	target = cpumask_any_but(cpu_online_mask, cpu);
	if (target >= nr_cpu_ids) {
		migrate_enable();
		KUNIT_FAIL(test, "no second online CPU");
		return;
	}
	task = kthread_create(irq_count_thread_fn, &ic, "svm-vmstat-irq");
	if (IS_ERR(task)) {
		migrate_enable();
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(task));
		return;
	}
	get_task_struct(task);
	kthread_bind(task, target);
	wake_up_process(task);
	wait_for_completion(&ic.started);
	for (i = 0; i < NR_IPIS; i++)
		KUNIT_EXPECT_EQ(test, smp_call_function_single(target,
							       irq_count_fn,
							       &ic, 1), 0);
	migrate_enable();
	atomic_set(&ic.stop, 1);
	wait_for_completion(&ic.done);
	KUNIT_EXPECT_EQ(test, kthread_stop_put(task), 0);

	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGCACHE_ADD) - add0,
			svm_vm_event(svm, SVM_PGCACHE_DELETE) - del0 + NR_IPIS);
}

/* The lines of "vmstat", in their order: tools and tests parse them. */
static const char * const vmstat_lines[] = {
	"nr_free_pages", "nr_inactive_file", "nr_active_file",
	"nr_unevictable", "nr_file_pages", "nr_dirty",
	"pgalloc_dma", "pgalloc_normal", "pgalloc_high", "pgfree",
	"pgfault", "pgmajfault", "pgfault_around", "pgalloc_ahead",
	"pgfault_nomem", "pgfault_eio", "pgfault_aging",
	"pgcache_add", "pgcache_delete", "pgcache_leak",
	"pgcache_deferred", "pgcache_deferred_free", "nr_deferred",
	"rw_read", "rw_read_bytes", "rw_write", "rw_write_bytes",
	"oom_kill", "oom_no_victim", "oom_self", "oom_wait",
	"oom_wait_timeout",
	"pswpin", "pswpout", "swap_write_errors", "swap_read_errors",
	"swap_bad_slots", "workingset_shadows",
	"pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct",
	"allocstall", "kswapd_wake", "pgrefill", "pgactivate", "pgdeactivate",
	"pgsteal_clean", "unevictable_pgs_culled", "unevictable_pgs_rescued",
	"pte_scanned", "pte_young", "pte_dirty", "rmap_vma_skipped",
	"pgunmap", "workingset_refault", "workingset_activate",
};

/* The value on the line of @name in @text, which must have it once. */
static unsigned long vmstat_value(struct kunit *test, const char *text,
				  const char *name)
{
	char key[48];
	const char *p;
	unsigned long v = ULONG_MAX;
	int n;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(text, key);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "%s", name);
	KUNIT_EXPECT_NULL_MSG(test, strstr(p + 1, key), "%s twice", name);
	n = sscanf(p + strlen(key), "%lu", &v);
	KUNIT_EXPECT_EQ(test, n, 1);
	return v;
}

/*
 * The file has exactly the lines of vmstat_lines[], in that order, each
 * "name number", and the events show what was counted: one of the
 * faults' and one of reclaim's.
 */
static void svm_vmstat_show_test(struct kunit *test)
{
	struct svm_instance *svm = create(test);
	unsigned long fault0 = svm_vm_event(svm, SVM_PGFAULT);
	unsigned long refault0 = svm_vm_event(svm, SVM_WORKINGSET_REFAULT);
	char *text, *line, *cur, name[48];
	unsigned long v;
	size_t i = 0;
	int n;

	svm_count_vm_events(svm, SVM_PGFAULT, 7);
	svm_count_vm_events(svm, SVM_WORKINGSET_REFAULT, 5);
	svm_count_vm_event(svm, SVM_WORKINGSET_REFAULT);
	text = svm_kunit_show(test, svm, svm_vmstat_show, 8192);

	cur = text;
	while ((line = strsep(&cur, "\n")) && *line) {
		KUNIT_ASSERT_LT_MSG(test, i, ARRAY_SIZE(vmstat_lines),
				    "extra line \"%s\"", line);
		n = sscanf(line, "%47s %lu", name, &v);
		KUNIT_ASSERT_EQ_MSG(test, n, 2, "\"%s\"", line);
		KUNIT_EXPECT_STREQ(test, name, vmstat_lines[i]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(vmstat_lines));
	/* strsep() cut it up: render again for the values. */
	text = svm_kunit_show(test, svm, svm_vmstat_show, 8192);
	KUNIT_EXPECT_EQ(test, vmstat_value(test, text, "pgfault"), fault0 + 7);
	KUNIT_EXPECT_EQ(test, vmstat_value(test, text, "workingset_refault"),
			refault0 + 6);
}

static struct kunit_case svm_vmstat_cases[] = {
	KUNIT_CASE(svm_vm_event_per_cpu_test),
	KUNIT_CASE(svm_vm_event_concurrent_test),
	KUNIT_CASE(svm_vm_event_irq_test),
	KUNIT_CASE(svm_vmstat_show_test),
	{}
};

static struct kunit_suite svm_vmstat_suite = {
	.name = "shadowvm_vmstat",
	.test_cases = svm_vmstat_cases,
};

kunit_test_suites(&svm_vmstat_suite);
