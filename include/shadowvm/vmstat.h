/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm event counters: one enum of every instance-wide event, counted
 * per CPU and summed when read (the kernel's include/linux/vm_event_item.h
 * and include/linux/vmstat.h, mm/vmstat.c). See Documentation/debugfs.rst
 * ("vmstat").
 *
 * Events only ever grow and are read far less often than they are
 * counted (every fault counts one), so each CPU counts into its own
 * copy, with no atomic and no shared cache line, and a reader adds the
 * copies up. The buddy allocator's per-zone, per-order events
 * (struct svm_zone_stats in include/shadowvm/mmzone.h) work the same way.
 */
#ifndef _SHADOWVM_VMSTAT_H
#define _SHADOWVM_VMSTAT_H

#include <linux/percpu.h>
#include <linux/types.h>

#include <shadowvm/core.h>

struct dentry;
struct seq_file;

/**
 * enum svm_vm_event_item - instance-wide events shown in debugfs "vmstat"
 * @SVM_PGFAULT: calls into the fault handlers (.fault and .page_mkwrite)
 * @SVM_PGMAJFAULT: faults that had to allocate their page
 * @SVM_PGFAULT_AROUND: pages a fault mapped besides its own (fault-around)
 * @SVM_PGALLOC_AHEAD: pages a fault allocated besides its own (ahead)
 * @SVM_PGFAULT_NOMEM: faults answered with SIGBUS for lack of shadow memory
 * @SVM_PGFAULT_EIO: faults answered with SIGBUS because their page's swap
 *                   slot could not be read
 * @SVM_PGFAULT_AGING: faults that found their page in memory after
 *                     reclaim had unmapped it to age it (SVM_PG_aged)
 * @SVM_PGCACHE_ADD: pages inserted into a page cache
 * @SVM_PGCACHE_DELETE: pages removed from a page cache
 * @SVM_PGCACHE_LEAK: pages the instance's teardown gave back while the
 *                    kernel still held their real page (should stay 0)
 * @SVM_PGCACHE_DEFERRED: pages whose last reference went while the kernel
 *                        still held their real page: freed later
 * @SVM_PGCACHE_DEFERRED_FREE: of those, pages freed once it let go
 * @SVM_RW_READ: read() calls (read_iter) on objects
 * @SVM_RW_READ_BYTES: bytes they returned
 * @SVM_RW_WRITE: write() calls (write_iter) on objects
 * @SVM_RW_WRITE_BYTES: bytes they wrote
 * @SVM_OOM_KILL: processes the OOM killer killed
 * @SVM_OOM_NO_VICTIM: OOM kills given up: no process to kill
 * @SVM_OOM_SELF: OOM kills given up: the caller itself used the most
 * @SVM_OOM_WAIT: OOM calls that waited for a victim already dying
 * @SVM_OOM_WAIT_TIMEOUT: OOM calls whose victim was not gone in time
 * @SVM_PGSCAN_KSWAPD: inactive pages kswapd looked at
 * @SVM_PGSCAN_DIRECT: inactive pages direct reclaim looked at
 * @SVM_PGSTEAL_KSWAPD: pages kswapd freed
 * @SVM_PGSTEAL_DIRECT: pages direct reclaim freed
 * @SVM_ALLOCSTALL: allocations that entered direct reclaim
 * @SVM_KSWAPD_WAKE: kswapd wake-ups
 * @SVM_PGREFILL: active pages looked at to refill the inactive list
 * @SVM_PGACTIVATE: pages moved to the active list
 * @SVM_PGDEACTIVATE: pages moved to the inactive list
 * @SVM_PGSWAPOUT_DROP: clean pages freed without I/O thanks to a valid
 *                      swap copy or because they were never written
 * @SVM_UNEVICTABLE_CULLED: pages reclaim found locked and set aside
 * @SVM_UNEVICTABLE_RESCUED: pages back on the LRU after their unlock
 * @SVM_PTE_SCANNED: PTEs the reference walk looked at (refbit=pte)
 * @SVM_PTE_YOUNG: of those, accessed since the walk before
 * @SVM_PTE_DIRTY: of those, dirty: their page was marked dirty
 * @SVM_RMAP_VMA_SKIPPED: VMAs the walk left out because their process
 *                        held its mmap_lock
 * @SVM_PGUNMAP: pages reclaim unmapped from every process
 * @SVM_WORKINGSET_REFAULT: new swap-cache pages whose slot held a shadow
 *                          left by the eviction of the page before
 *                          (see Documentation/workingset.rst)
 * @SVM_WORKINGSET_ACTIVATE: of those, put on the active list at once
 *                           because their refault distance was within
 *                           the active list of their node
 * @SVM_NR_VM_EVENT_ITEMS: number of events
 *
 * The order is the order of their lines in "vmstat" (module/vmstat.c),
 * which tools parse: a new event goes where its line should appear.
 */
enum svm_vm_event_item {
	SVM_PGFAULT,
	SVM_PGMAJFAULT,
	SVM_PGFAULT_AROUND,
	SVM_PGALLOC_AHEAD,
	SVM_PGFAULT_NOMEM,
	SVM_PGFAULT_EIO,
	SVM_PGFAULT_AGING,
	SVM_PGCACHE_ADD,
	SVM_PGCACHE_DELETE,
	SVM_PGCACHE_LEAK,
	SVM_PGCACHE_DEFERRED,
	SVM_PGCACHE_DEFERRED_FREE,
	SVM_RW_READ,
	SVM_RW_READ_BYTES,
	SVM_RW_WRITE,
	SVM_RW_WRITE_BYTES,
	SVM_OOM_KILL,
	SVM_OOM_NO_VICTIM,
	SVM_OOM_SELF,
	SVM_OOM_WAIT,
	SVM_OOM_WAIT_TIMEOUT,
	SVM_PGSCAN_KSWAPD,
	SVM_PGSCAN_DIRECT,
	SVM_PGSTEAL_KSWAPD,
	SVM_PGSTEAL_DIRECT,
	SVM_ALLOCSTALL,
	SVM_KSWAPD_WAKE,
	SVM_PGREFILL,
	SVM_PGACTIVATE,
	SVM_PGDEACTIVATE,
	SVM_PGSWAPOUT_DROP,
	SVM_UNEVICTABLE_CULLED,
	SVM_UNEVICTABLE_RESCUED,
	SVM_PTE_SCANNED,
	SVM_PTE_YOUNG,
	SVM_PTE_DIRTY,
	SVM_RMAP_VMA_SKIPPED,
	SVM_PGUNMAP,
	SVM_WORKINGSET_REFAULT,
	SVM_WORKINGSET_ACTIVATE,
	SVM_NR_VM_EVENT_ITEMS,
};

/**
 * struct svm_vm_event_state - one CPU's share of an instance's events
 *                             (the kernel's struct vm_event_state)
 * @event: counts, indexed by enum svm_vm_event_item
 */
struct svm_vm_event_state {
	unsigned long event[SVM_NR_VM_EVENT_ITEMS];
};

/**
 * svm_count_vm_event() - count one event of an instance
 * @svm: the instance
 * @item: the event
 *
 * Context: any. this_cpu_inc() is one instruction on x86 and disables
 * interrupts around the update elsewhere, so neither preemption nor an
 * interrupt can lose a count.
 */
static inline void svm_count_vm_event(struct svm_instance *svm,
				      enum svm_vm_event_item item)
{
	this_cpu_inc(svm->vm_events->event[item]);
}

/**
 * svm_count_vm_events() - count @n events of an instance
 * @svm: the instance
 * @item: the event
 * @n: how many (bytes, for the _BYTES events)
 *
 * Context: any, as svm_count_vm_event().
 */
static inline void svm_count_vm_events(struct svm_instance *svm,
				       enum svm_vm_event_item item,
				       unsigned long n)
{
	this_cpu_add(svm->vm_events->event[item], n);
}

int svm_vmstat_init(struct svm_instance *svm);
void svm_vmstat_exit(struct svm_instance *svm);
unsigned long svm_vm_event(struct svm_instance *svm,
			   enum svm_vm_event_item item);
void svm_all_vm_events(struct svm_instance *svm, unsigned long *ret);
int svm_vmstat_show(struct seq_file *m, struct svm_instance *svm);
void svm_vmstat_debugfs_create(struct svm_instance *svm, struct dentry *dir);

#endif /* _SHADOWVM_VMSTAT_H */
