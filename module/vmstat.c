// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm vmstat: an instance's event counters and the debugfs "vmstat"
 * file that shows them with the instance's page counts, in
 * /proc/vmstat's format (the kernel's mm/vmstat.c).
 *
 * Every event of enum svm_vm_event_item is counted per CPU
 * (svm_count_vm_event() in include/shadowvm/vmstat.h) and summed over the
 * possible CPUs when read, as the kernel's vm_event_states: counting costs
 * no atomic and touches no line another CPU writes. Summing over possible
 * rather than online CPUs keeps what a CPU counted before it went offline,
 * so nothing needs folding at hotplug. The page counts the file starts
 * with are read from their owners: the zones, the LRU lists, the page
 * cache and the swap area.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>

/* The name of each event's line in "vmstat" (mm/vmstat.c's vmstat_text). */
static const char * const svm_vm_event_names[SVM_NR_VM_EVENT_ITEMS] = {
	[SVM_PGFAULT] = "pgfault",
	[SVM_PGMAJFAULT] = "pgmajfault",
	[SVM_PGFAULT_AROUND] = "pgfault_around",
	[SVM_PGALLOC_AHEAD] = "pgalloc_ahead",
	[SVM_PGFAULT_NOMEM] = "pgfault_nomem",
	[SVM_PGFAULT_EIO] = "pgfault_eio",
	[SVM_PGFAULT_AGING] = "pgfault_aging",
	[SVM_PGCACHE_ADD] = "pgcache_add",
	[SVM_PGCACHE_DELETE] = "pgcache_delete",
	[SVM_PGCACHE_LEAK] = "pgcache_leak",
	[SVM_PGCACHE_DEFERRED] = "pgcache_deferred",
	[SVM_PGCACHE_DEFERRED_FREE] = "pgcache_deferred_free",
	[SVM_RW_READ] = "rw_read",
	[SVM_RW_READ_BYTES] = "rw_read_bytes",
	[SVM_RW_WRITE] = "rw_write",
	[SVM_RW_WRITE_BYTES] = "rw_write_bytes",
	[SVM_OOM_KILL] = "oom_kill",
	[SVM_OOM_NO_VICTIM] = "oom_no_victim",
	[SVM_OOM_SELF] = "oom_self",
	[SVM_OOM_WAIT] = "oom_wait",
	[SVM_OOM_WAIT_TIMEOUT] = "oom_wait_timeout",
	[SVM_PGSCAN_KSWAPD] = "pgscan_kswapd",
	[SVM_PGSCAN_DIRECT] = "pgscan_direct",
	[SVM_PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[SVM_PGSTEAL_DIRECT] = "pgsteal_direct",
	[SVM_ALLOCSTALL] = "allocstall",
	[SVM_KSWAPD_WAKE] = "kswapd_wake",
	[SVM_PGREFILL] = "pgrefill",
	[SVM_PGACTIVATE] = "pgactivate",
	[SVM_PGDEACTIVATE] = "pgdeactivate",
	[SVM_PGSWAPOUT_DROP] = "pgsteal_clean",
	[SVM_UNEVICTABLE_CULLED] = "unevictable_pgs_culled",
	[SVM_UNEVICTABLE_RESCUED] = "unevictable_pgs_rescued",
	[SVM_PTE_SCANNED] = "pte_scanned",
	[SVM_PTE_YOUNG] = "pte_young",
	[SVM_PTE_DIRTY] = "pte_dirty",
	[SVM_RMAP_VMA_SKIPPED] = "rmap_vma_skipped",
	[SVM_PGUNMAP] = "pgunmap",
	[SVM_WORKINGSET_REFAULT] = "workingset_refault",
	[SVM_WORKINGSET_ACTIVATE] = "workingset_activate",
};

static const char * const svm_zone_vmstat_names[SVM_MAX_NR_ZONES] = {
	[SVM_ZONE_DMA] = "dma",
	[SVM_ZONE_NORMAL] = "normal",
	[SVM_ZONE_HIGHMEM] = "high",
};

/**
 * svm_vmstat_init() - allocate an instance's event counters
 * @svm: the instance, before anything that counts an event is set up
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
int svm_vmstat_init(struct svm_instance *svm)
{
	svm->vm_events = alloc_percpu(struct svm_vm_event_state);
	return svm->vm_events ? 0 : -ENOMEM;
}

/**
 * svm_vmstat_exit() - free an instance's event counters
 * @svm: the instance, after everything that counts an event is torn
 *       down; counters never allocated are ignored
 *
 * Context: process context.
 */
void svm_vmstat_exit(struct svm_instance *svm)
{
	free_percpu(svm->vm_events);
	svm->vm_events = NULL;
}

/**
 * svm_vm_event() - read one of an instance's events
 * @svm: the instance
 * @item: the event
 *
 * The sum of every CPU's count, each read once: counts made meanwhile may
 * or may not be in it, none is counted twice.
 *
 * Context: any; takes no lock.
 * Return: the count.
 */
unsigned long svm_vm_event(struct svm_instance *svm,
			   enum svm_vm_event_item item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(svm->vm_events, cpu)->event[item]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(svm_vm_event);

/**
 * svm_all_vm_events() - read all of an instance's events at once
 *                       (the kernel's all_vm_events())
 * @svm: the instance
 * @ret: SVM_NR_VM_EVENT_ITEMS counts, indexed by enum svm_vm_event_item
 *
 * One pass over the CPUs instead of one per event.
 *
 * Context: any; takes no lock.
 */
void svm_all_vm_events(struct svm_instance *svm, unsigned long *ret)
{
	int cpu, i;

	memset(ret, 0, SVM_NR_VM_EVENT_ITEMS * sizeof(*ret));
	for_each_possible_cpu(cpu) {
		struct svm_vm_event_state *s = per_cpu_ptr(svm->vm_events, cpu);

		for (i = 0; i < SVM_NR_VM_EVENT_ITEMS; i++)
			ret[i] += READ_ONCE(s->event[i]);
	}
}
EXPORT_SYMBOL_IF_KUNIT(svm_all_vm_events);

static void svm_vm_events_show(struct seq_file *m, const unsigned long *ev,
			       enum svm_vm_event_item first,
			       enum svm_vm_event_item last)
{
	int i;

	for (i = first; i <= last; i++)
		seq_printf(m, "%s %lu\n", svm_vm_event_names[i], ev[i]);
}

/**
 * svm_vmstat_show() - an instance's counters in /proc/vmstat's format
 * @m: the seq_file
 * @svm: the instance
 *
 * Page counts first, then the buddy allocator's events summed over its
 * zones and orders, then the events of enum svm_vm_event_item with the
 * deferred frees' gauge after the page-cache events and the swap area's
 * lines before reclaim's: the order the file has always had, which tools
 * parse.
 *
 * Context: process context.
 * Return: 0.
 */
int svm_vmstat_show(struct seq_file *m, struct svm_instance *svm)
{
	unsigned long alloc[SVM_MAX_NR_ZONES] = { 0 }, freed = 0, nr_free = 0;
	unsigned long ev[SVM_NR_VM_EVENT_ITEMS];
	struct svm_filemap *fm = svm->filemap;
	struct svm_zone *zone = NULL;
	unsigned int order, i;

	while ((zone = svm_next_zone(svm, zone))) {
		nr_free += READ_ONCE(zone->free_pages);
		for (order = 0; order < SVM_NR_ORDERS; order++) {
			alloc[svm_zone_idx(zone)] +=
				svm_zone_stat(zone, SVM_PGALLOC, order) << order;
			freed += svm_zone_stat(zone, SVM_PGFREE, order) << order;
		}
	}
	svm_all_vm_events(svm, ev);

	seq_printf(m, "nr_free_pages %lu\n", nr_free);
	seq_printf(m, "nr_inactive_file %lu\n",
		   svm_lru_pages(svm, SVM_LRU_INACTIVE));
	seq_printf(m, "nr_active_file %lu\n",
		   svm_lru_pages(svm, SVM_LRU_ACTIVE));
	seq_printf(m, "nr_unevictable %lu\n",
		   svm_lru_pages(svm, SVM_LRU_UNEVICTABLE));
	seq_printf(m, "nr_file_pages %ld\n", atomic_long_read(&fm->nr_file_pages));
	seq_printf(m, "nr_dirty %ld\n", atomic_long_read(&fm->nr_dirty));
	for (i = 0; i < SVM_MAX_NR_ZONES; i++)
		seq_printf(m, "pgalloc_%s %lu\n", svm_zone_vmstat_names[i],
			   alloc[i]);
	seq_printf(m, "pgfree %lu\n", freed);
	svm_vm_events_show(m, ev, SVM_PGFAULT, SVM_PGCACHE_DEFERRED_FREE);
	seq_printf(m, "nr_deferred %lu\n", svm_nr_deferred_pages(svm));
	svm_vm_events_show(m, ev, SVM_RW_READ, SVM_OOM_WAIT_TIMEOUT);
	svm_swap_vmstat_show(m, svm);
	svm_vm_events_show(m, ev, SVM_PGSCAN_KSWAPD,
			   SVM_NR_VM_EVENT_ITEMS - 1);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmstat_show);

static int vmstat_show(struct seq_file *m, void *unused)
{
	return svm_vmstat_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

/**
 * svm_vmstat_debugfs_create() - add "vmstat" to an instance's directory
 * @svm: the instance
 * @dir: its debugfs directory
 *
 * Context: process context.
 */
void svm_vmstat_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("vmstat", 0400, dir, svm, &vmstat_fops);
}
