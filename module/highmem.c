// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm emulated high memory (the book, chapter 9; 6.12's mm/highmem.c
 * for the slot logic).
 *
 * On x86_64 every real page is in the direct map, so shadowvm pretends: a
 * page of the shadow HIGHMEM zone is reached only through a mapping made
 * here. Two windows of kernel virtual addresses are reserved once per
 * instance by vmap() of one placeholder page; their PTEs are then found
 * with lookup_address() and rewritten with set_pte():
 *
 * - the pkmap window, LAST_PKMAP slots shared by all CPUs, for svm_kmap():
 *   slots are handed out round robin, a slot whose last user went away
 *   keeps its mapping (count 1) until the search wraps around, and then
 *   all such slots are cleared with one global TLB flush;
 * - the atomic window, SVM_KM_TYPE_NR slots per CPU, used as a stack by
 *   svm_kmap_atomic(); a slot is cleared and flushed on this CPU only when
 *   it is unmapped, so mapping never flushes.
 *
 * Locking: @hm->lock (the kernel's kmap_lock) is a plain spinlock held
 * across the global flush, which IPIs the other CPUs: svm_kmap() and
 * svm_kunmap() need process context with interrupts enabled. The atomic
 * side takes no lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/tlbflush.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mempool.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <trace/events/shadowvm.h>

/*
 * Flush one kernel address from this CPU's TLB (asm/tlb.h's invlpg(),
 * whose header a module cannot include alone). Enough for an atomic slot:
 * it is only ever used by this CPU, with preemption disabled.
 */
static inline void svm_flush_tlb_one(unsigned long addr)
{
	asm volatile("invlpg (%0)" ::"r" (addr) : "memory");
}

static void svm_do_flush_tlb_all(void *unused)
{
	__flush_tlb_all();
}

/**
 * svm_flush_tlb_kernel_all() - flush the TLB of every CPU, global entries
 *                              included
 *
 * flush_tlb_kernel_range() is not exported to modules; this is what it
 * does for a large range.
 *
 * Context: interrupts enabled; may be called under a spinlock.
 */
void svm_flush_tlb_kernel_all(void)
{
	on_each_cpu(svm_do_flush_tlb_all, NULL, 1);
}

/**
 * svm_reserve_window() - reserve a range of kernel addresses whose PTEs
 *                        shadowvm rewrites itself
 * @placeholder: a real page; every page of the range is first mapped to it
 * @nr: pages in the range
 * @ptes: where to store the PTE of each page (@nr entries)
 *
 * vmap()s @placeholder @nr times, finds each PTE with lookup_address(),
 * clears it and flushes once, so that every page of the range is unmapped
 * and no TLB holds it. Undo with vunmap().
 *
 * Context: process context; may sleep.
 * Return: the start of the range, or NULL.
 */
void *svm_reserve_window(struct page *placeholder, unsigned long nr,
			 pte_t **ptes)
{
	struct page **pages;
	unsigned long i;
	void *vaddr;

	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < nr; i++)
		pages[i] = placeholder;
	vaddr = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	if (!vaddr)
		return NULL;
	for (i = 0; i < nr; i++) {
		unsigned long addr = (unsigned long)vaddr + i * PAGE_SIZE;
		unsigned int level;
		pte_t *pte = lookup_address(addr, &level);

		if (!pte || level != PG_LEVEL_4K) {
			pr_err("window at %p: no 4K PTE for page %lu\n", vaddr,
			       i);
			vunmap(vaddr);
			return NULL;
		}
		pte_clear(NULL, addr, pte);
		ptes[i] = pte;
	}
	svm_flush_tlb_kernel_all();
	return vaddr;
}

static inline unsigned long svm_pkmap_addr(struct svm_highmem *hm,
					   unsigned int nr)
{
	return hm->pkmap_base + ((unsigned long)nr << PAGE_SHIFT);
}

static inline struct hlist_head *svm_pkmap_bucket(struct svm_highmem *hm,
						  struct svm_page *page)
{
	return &hm->hash[hash_ptr(page, hm->hash_bits)];
}

/* page_address() of a HIGHMEM page: its slot, if it has one. */
static struct svm_pkmap_slot *svm_pkmap_lookup(struct svm_highmem *hm,
					       struct svm_page *page)
{
	struct svm_pkmap_slot *slot;

	lockdep_assert_held(&hm->lock);
	hlist_for_each_entry(slot, svm_pkmap_bucket(hm, page), node)
		if (slot->page == page)
			return slot;
	return NULL;
}

/*
 * flush_all_zero_pkmaps(): free every slot nobody uses any more (count 1)
 * and flush the TLBs once, if any was freed.
 */
static void svm_flush_all_zero_pkmaps(struct svm_highmem *hm)
{
	unsigned int i, freed = 0;

	lockdep_assert_held(&hm->lock);
	for (i = 0; i < hm->last_pkmap; i++) {
		struct svm_pkmap_slot *slot = &hm->slots[i];

		if (slot->count != 1)
			continue;
		slot->count = 0;
		pte_clear(NULL, svm_pkmap_addr(hm, i), slot->pte);
		hlist_del_init(&slot->node);
		slot->page = NULL;
		freed++;
	}
	if (freed) {
		svm_flush_tlb_kernel_all();
		hm->flushes++;
		trace_svm_pkmap_flush(hm->svm->id, freed);
	}
}

/* map_new_virtual(): find a free slot for @page, sleeping if need be. */
static struct svm_pkmap_slot *svm_map_new_virtual(struct svm_highmem *hm,
						  struct svm_page *page)
{
	struct svm_instance *svm = hm->svm;
	struct svm_pkmap_slot *slot;
	unsigned int count;

start:
	count = hm->last_pkmap;
	for (;;) {
		if (++hm->last_pkmap_nr == hm->last_pkmap)
			hm->last_pkmap_nr = 0;
		if (!hm->last_pkmap_nr) {
			svm_flush_all_zero_pkmaps(hm);
			count = hm->last_pkmap;
		}
		if (!hm->slots[hm->last_pkmap_nr].count)
			break;
		if (--count)
			continue;

		/* Every slot is in use: sleep until a kunmap frees one. */
		{
			DECLARE_WAITQUEUE(wait, current);

			hm->waits++;
			__set_current_state(TASK_UNINTERRUPTIBLE);
			add_wait_queue(&hm->pkmap_wait, &wait);
			spin_unlock(&hm->lock);
			schedule();
			remove_wait_queue(&hm->pkmap_wait, &wait);
			spin_lock(&hm->lock);
		}
		/* Somebody else might have mapped it while we slept. */
		slot = svm_pkmap_lookup(hm, page);
		if (slot)
			return slot;
		goto start;
	}
	slot = &hm->slots[hm->last_pkmap_nr];
	set_pte(slot->pte, mk_pte(svm_page_to_real(svm, page), PAGE_KERNEL));
	slot->count = 1;
	slot->page = page;
	hlist_add_head(&slot->node, svm_pkmap_bucket(hm, page));
	return slot;
}

/**
 * svm_kmap() - map a shadow page into the kernel's address space
 * @svm: the instance
 * @page: a page of @svm
 *
 * A lowmem page has a permanent address, which is returned. A HIGHMEM page
 * gets a slot of the pkmap window, or the slot it already has: two kmaps of
 * the same page share one address. When every slot is in use the caller
 * sleeps until svm_kunmap() frees one. Undo with svm_kunmap().
 *
 * Context: process context with interrupts enabled; may sleep.
 * Return: the kernel address of the page's contents.
 */
void *svm_kmap(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_highmem *hm = svm->highmem;
	struct svm_pkmap_slot *slot;

	might_sleep();
	if (!svm_page_test_highmem(page))
		return svm_page_address(svm, page);

	spin_lock(&hm->lock);
	slot = svm_pkmap_lookup(hm, page);
	if (!slot)
		slot = svm_map_new_virtual(hm, page);
	slot->count++;
	hm->kmaps++;
	spin_unlock(&hm->lock);
	return (void *)svm_pkmap_addr(hm, slot - hm->slots);
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmap);

/**
 * svm_kunmap() - drop a mapping made by svm_kmap()
 * @svm: the instance
 * @page: the page given to svm_kmap()
 *
 * The slot keeps its mapping (count 1) until the next wrap-around of the
 * slot search; a task waiting for a slot is woken.
 *
 * Context: process context with interrupts enabled.
 */
void svm_kunmap(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_highmem *hm = svm->highmem;
	struct svm_pkmap_slot *slot;
	bool wake = false;

	if (!svm_page_test_highmem(page))
		return;

	spin_lock(&hm->lock);
	slot = svm_pkmap_lookup(hm, page);
	if (!slot || slot->count < 2) {
		spin_unlock(&hm->lock);
		atomic_long_inc(&hm->bad_unmaps);
		pr_err_ratelimited("%s: %s(pfn %lu): page not mapped\n",
				   svm->name, __func__, svm_page_to_pfn(svm, page));
		return;
	}
	/* Last user gone: a waiter may use the slot after the next flush. */
	if (--slot->count == 1) {
		/* Waiters queue under hm->lock, held here: none is missed. */
		wake = waitqueue_active(&hm->pkmap_wait);
	}
	spin_unlock(&hm->lock);
	if (wake)
		wake_up(&hm->pkmap_wait);
}
EXPORT_SYMBOL_IF_KUNIT(svm_kunmap);

/**
 * svm_kmap_atomic() - map a shadow page on this CPU, without sleeping
 * @svm: the instance
 * @page: a page of @svm
 *
 * Disables preemption and page faults, as 2.6's kmap_atomic(). A HIGHMEM
 * page is mapped in the next free slot of this CPU's atomic window; maps
 * nest and must be undone in the reverse order with svm_kunmap_atomic().
 *
 * Context: any context.
 * Return: the kernel address of the page's contents, or NULL (preemption
 * and page faults enabled again, nothing to undo) when this CPU already
 * holds SVM_KM_TYPE_NR atomic maps.
 */
void *svm_kmap_atomic(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_highmem *hm = svm->highmem;
	unsigned long vaddr;
	unsigned int slot;
	int idx;

	preempt_disable();
	pagefault_disable();
	if (!svm_page_test_highmem(page))
		return svm_page_address(svm, page);

	idx = this_cpu_inc_return(hm->pcpu->depth) - 1;
	if (idx >= SVM_KM_TYPE_NR) {
		this_cpu_dec(hm->pcpu->depth);
		pagefault_enable();
		preempt_enable();
		atomic_long_inc(&hm->bad_unmaps);
		pr_err_ratelimited("%s: %s: more than %d nested maps\n",
				   svm->name, __func__, SVM_KM_TYPE_NR);
		return NULL;
	}
	slot = smp_processor_id() * SVM_KM_TYPE_NR + idx;
	vaddr = hm->atomic_base + ((unsigned long)slot << PAGE_SHIFT);
	set_pte(hm->atomic_pte[slot],
		mk_pte(svm_page_to_real(svm, page), PAGE_KERNEL));
	this_cpu_inc(hm->pcpu->atomic_maps);
	return (void *)vaddr;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmap_atomic);

/**
 * svm_kunmap_atomic() - undo the last svm_kmap_atomic() of this CPU
 * @svm: the instance
 * @addr: an address inside the page svm_kmap_atomic() returned
 *
 * The slot is cleared and flushed from this CPU's TLB (no other CPU ever
 * used it), then preemption and page faults are enabled again. An address
 * that is not the top of this CPU's stack is reported and left mapped.
 *
 * Context: the context of the matching svm_kmap_atomic().
 */
void svm_kunmap_atomic(struct svm_instance *svm, void *addr)
{
	struct svm_highmem *hm = svm->highmem;
	unsigned long vaddr = (unsigned long)addr & PAGE_MASK;
	unsigned long end = hm->atomic_base +
			    ((unsigned long)nr_cpu_ids * SVM_KM_TYPE_NR <<
			     PAGE_SHIFT);

	if (vaddr >= hm->atomic_base && vaddr < end) {
		int idx = this_cpu_read(hm->pcpu->depth) - 1;
		unsigned int slot = smp_processor_id() * SVM_KM_TYPE_NR + idx;

		if (idx < 0 ||
		    vaddr != hm->atomic_base + ((unsigned long)slot << PAGE_SHIFT)) {
			atomic_long_inc(&hm->bad_unmaps);
			pr_err_ratelimited("%s: %s(%p): not the last atomic map of this CPU\n",
					   svm->name, __func__, addr);
		} else {
			pte_clear(NULL, vaddr, hm->atomic_pte[slot]);
			svm_flush_tlb_one(vaddr);
			this_cpu_dec(hm->pcpu->depth);
		}
	}
	pagefault_enable();
	preempt_enable();
}
EXPORT_SYMBOL_IF_KUNIT(svm_kunmap_atomic);

/**
 * svm_pkmap_slot_of() - pkmap slot an address lies in
 * @svm: the instance
 * @addr: any address
 *
 * Return: the slot number, or -1 when @addr is outside the pkmap window.
 */
int svm_pkmap_slot_of(struct svm_instance *svm, const void *addr)
{
	struct svm_highmem *hm = svm->highmem;
	unsigned long a = (unsigned long)addr;

	if (a < hm->pkmap_base ||
	    a >= svm_pkmap_addr(hm, hm->last_pkmap))
		return -1;
	return (a - hm->pkmap_base) >> PAGE_SHIFT;
}
EXPORT_SYMBOL_IF_KUNIT(svm_pkmap_slot_of);

/**
 * svm_highmem_atomic_maps() - atomic maps of HIGHMEM pages so far
 * @svm: the instance
 *
 * Return: the sum over all CPUs.
 */
unsigned long svm_highmem_atomic_maps(struct svm_instance *svm)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(svm->highmem->pcpu, cpu)->atomic_maps;
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(svm_highmem_atomic_maps);

/**
 * svm_highmem_bad_address() - report svm_page_address() of a HIGHMEM page
 * @svm: the instance
 * @page: the HIGHMEM page
 *
 * In debug builds (CONFIG_DEBUG_VM) the call is counted and logged once:
 * such a page has no permanent address, its contents must be reached with
 * svm_kmap() or svm_kmap_atomic(). No WARN(): a test provokes it.
 */
void svm_highmem_bad_address(struct svm_instance *svm, struct svm_page *page)
{
	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return;
	if (svm->highmem)
		atomic_long_inc(&svm->highmem->bad_address);
	pr_warn_once("%s: svm_page_address() of HIGHMEM pfn %lu: use svm_kmap()\n",
		     svm->name, svm_page_to_pfn(svm, page));
}

static void svm_highmem_free(struct svm_highmem *hm)
{
	free_percpu(hm->pcpu);
	kvfree(hm->atomic_pte);
	kfree(hm->hash);
	kvfree(hm->slots);
	if (hm->placeholder)
		__free_page(hm->placeholder);
	kfree(hm);
}

/**
 * svm_highmem_init() - reserve the pkmap and atomic windows of an instance
 * @svm: the instance, its zones set up
 * @p: its parameters; @p->last_pkmap slots (0 for the default)
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for a slot count out of range, -ENOMEM.
 */
int svm_highmem_init(struct svm_instance *svm, const struct svm_params *p)
{
	unsigned int last = p->last_pkmap ? p->last_pkmap :
					    SVM_LAST_PKMAP_DEFAULT;
	unsigned long nr_atomic = (unsigned long)nr_cpu_ids * SVM_KM_TYPE_NR;
	struct svm_highmem *hm;
	pte_t **ptes;
	unsigned int i;

	if (last < SVM_LAST_PKMAP_MIN || last > SVM_LAST_PKMAP_MAX)
		return -EINVAL;
	hm = kzalloc(sizeof(*hm), GFP_KERNEL);
	if (!hm)
		return -ENOMEM;
	hm->svm = svm;
	spin_lock_init(&hm->lock);
	init_waitqueue_head(&hm->pkmap_wait);
	mutex_init(&hm->bounce_mutex);
	hm->last_pkmap = last;
	hm->hash_bits = ilog2(roundup_pow_of_two(last));
	hm->slots = kvcalloc(last, sizeof(*hm->slots), GFP_KERNEL);
	hm->hash = kcalloc(1U << hm->hash_bits, sizeof(*hm->hash),
			   GFP_KERNEL);
	hm->atomic_pte = kvcalloc(nr_atomic, sizeof(*hm->atomic_pte),
				  GFP_KERNEL);
	hm->pcpu = alloc_percpu(struct svm_highmem_pcpu);
	hm->placeholder = alloc_page(GFP_KERNEL | __GFP_ZERO);
	ptes = kvcalloc(last, sizeof(*ptes), GFP_KERNEL);
	if (!hm->slots || !hm->hash || !hm->atomic_pte || !hm->pcpu ||
	    !hm->placeholder || !ptes)
		goto nomem;

	hm->pkmap_area = svm_reserve_window(hm->placeholder, last, ptes);
	if (!hm->pkmap_area)
		goto nomem;
	hm->atomic_area = svm_reserve_window(hm->placeholder, nr_atomic,
					     hm->atomic_pte);
	if (!hm->atomic_area) {
		vunmap(hm->pkmap_area);
		goto nomem;
	}
	hm->pkmap_base = (unsigned long)hm->pkmap_area;
	hm->atomic_base = (unsigned long)hm->atomic_area;
	for (i = 0; i < last; i++) {
		hm->slots[i].pte = ptes[i];
		INIT_HLIST_NODE(&hm->slots[i].node);
	}
	kvfree(ptes);
	svm->highmem = hm;
	return 0;

nomem:
	kvfree(ptes);
	svm_highmem_free(hm);
	return -ENOMEM;
}

/**
 * svm_highmem_exit() - unmap everything and release the windows
 * @svm: the instance; nothing may use its mappings any more
 *
 * Slots still in use are reported (a kmap without its kunmap) and
 * cleared; the bounce pool, if any, gives its pages back.
 *
 * Context: process context; may sleep.
 */
void svm_highmem_exit(struct svm_instance *svm)
{
	struct svm_highmem *hm = svm->highmem;
	unsigned int i, busy = 0;

	if (!hm)
		return;
	if (hm->bounce_users)
		pr_warn("%s: %u lowmem-only devices left at teardown\n",
			svm->name, hm->bounce_users);
	svm_mempool_destroy(hm->bounce_pool);
	for (i = 0; i < hm->last_pkmap; i++) {
		struct svm_pkmap_slot *slot = &hm->slots[i];

		if (slot->count > 1)
			busy++;
		if (slot->count)
			pte_clear(NULL, svm_pkmap_addr(hm, i), slot->pte);
	}
	if (busy)
		pr_warn("%s: %u pkmap slots still mapped at teardown\n",
			svm->name, busy);
	/* Both ranges go back to the kernel flushed, not lazily. */
	vunmap(hm->pkmap_area);
	vunmap(hm->atomic_area);
	vm_unmap_aliases();
	svm->highmem = NULL;
	svm_highmem_free(hm);
}

/**
 * svm_pkmap_show() - print the pkmap slot table
 * @m: seq_file to print into
 * @svm: the instance
 *
 * One line per slot that is not free: slot number, count, shadow pfn.
 *
 * Return: 0.
 */
int svm_pkmap_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_highmem *hm = svm->highmem;
	unsigned int i, used = 0, cached = 0;

	spin_lock(&hm->lock);
	seq_printf(m, "slots %u next %u\n", hm->last_pkmap,
		   hm->last_pkmap_nr);
	seq_puts(m, "slot  count  pfn\n");
	for (i = 0; i < hm->last_pkmap; i++) {
		struct svm_pkmap_slot *slot = &hm->slots[i];

		if (!slot->count)
			continue;
		if (slot->count == 1)
			cached++;
		else
			used++;
		seq_printf(m, "%4u  %5d  %lu\n", i, slot->count,
			   svm_page_to_pfn(svm, slot->page));
	}
	seq_printf(m, "in_use %u cached %u free %u\n", used, cached,
		   hm->last_pkmap - used - cached);
	spin_unlock(&hm->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_pkmap_show);

/**
 * svm_highmem_stats_show() - print the high memory counters
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_highmem_stats_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_highmem *hm = svm->highmem;
	unsigned long kmaps, waits, flushes;
	int pool = -1;

	spin_lock(&hm->lock);
	kmaps = hm->kmaps;
	waits = hm->waits;
	flushes = hm->flushes;
	spin_unlock(&hm->lock);
	mutex_lock(&hm->bounce_mutex);
	if (hm->bounce_pool)
		pool = svm_mempool_available(hm->bounce_pool);
	mutex_unlock(&hm->bounce_mutex);

	seq_printf(m, "kmaps %lu\n", kmaps);
	seq_printf(m, "kmap_waits %lu\n", waits);
	seq_printf(m, "pkmap_flushes %lu\n", flushes);
	seq_printf(m, "atomic_maps %lu\n", svm_highmem_atomic_maps(svm));
	seq_printf(m, "bounces %ld\n", atomic_long_read(&hm->bounces));
	seq_printf(m, "bounce_pool %d\n", pool);
	seq_printf(m, "bad_unmaps %ld\n", atomic_long_read(&hm->bad_unmaps));
	seq_printf(m, "bad_page_address %ld\n",
		   atomic_long_read(&hm->bad_address));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_highmem_stats_show);

static int pkmap_show(struct seq_file *m, void *unused)
{
	return svm_pkmap_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(pkmap);

static int highmem_show(struct seq_file *m, void *unused)
{
	return svm_highmem_stats_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(highmem);

/**
 * svm_highmem_debugfs_create() - add "pkmap" and "highmem" to an
 *                                instance's debugfs directory
 * @svm: the instance
 * @dir: its directory
 */
void svm_highmem_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("pkmap", 0400, dir, svm, &pkmap_fops);
	debugfs_create_file("highmem", 0400, dir, svm, &highmem_fops);
}
