// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm reverse mapping (2.6's mm/rmap.c): from a page of an object to
 * the PTEs that map it in the real page tables.
 *
 * The book's 2.4 VM had no reverse mapping: swap_out() walked the page
 * tables of each process in turn and test-and-cleared the accessed bit
 * of every PTE it met (try_to_swap_out()). 2.6 turned this around:
 * page_referenced() visits, for one page, the VMAs that map it. shadowvm
 * does the same with what it has: every VMA of an object is on the
 * object's i_mmap list (struct svm_vma, linked by ->mmap and ->open), an
 * object's index gives the address in each VMA, and
 * apply_to_existing_page_range() visits the present PTE there under its
 * page table lock.
 *
 * Locking: the object's i_mmap_lock keeps each VMA (and so its mm) alive
 * while the list is walked: ->close unlinks a VMA under it before the VMA
 * is freed. The mm's mmap_lock is only try-locked, read, so that reclaim
 * never waits for a process that holds it (a VMA skipped is counted in
 * rmap_vma_skipped); vma_lookup() under it proves the VMA is still in
 * its mm, so that its page tables cannot be freed under the walk: munmap()
 * detaches a VMA, holding mmap_lock for writing, before it frees page
 * tables, and exit_mmap() frees them holding it for writing. An mm with
 * no user left is being torn down and is skipped. No reference is taken
 * on the mm: the walk runs under a spinlock, where only mmput_async()
 * could drop one, and a process whose last reference that was would have
 * its mm (and the files it maps) released later by a work item, after
 * the process itself is gone. Nothing here sleeps.
 *
 * TLB. Clearing the accessed bit flushes nothing, as x86's own
 * ptep_clear_flush_young() does not: a CPU that still caches the
 * translation does not set the bit again until the entry leaves its TLB,
 * so a page in use may look old once. The price is accuracy, never
 * correctness: an old page is unmapped (with a flush) before it can be
 * freed, and a use after that is a fault. Flushing for every page aged
 * would cost an IPI per scan step on every CPU that ran the process.
 * The dirty bit is read, not cleared: clearing it would need a flush
 * (a write through a stale writable TLB entry sets no bit), and the
 * shadow page keeps the information (SVM_PG_dirty) once read. The bit is
 * read again when the page is finally unmapped (svm_page_harvest_dirty()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/page.h>
#include <shadowvm/rmap.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>

/**
 * struct svm_rmap_walk - one page's walk over the PTEs that map it
 * @pfn: the real page frame the PTEs must map
 * @clear_young: test and clear the accessed bits (else only read)
 * @scanned: present PTEs of the page found
 * @young: of those, accessed since the last walk
 * @dirty: of those, dirty
 * @skipped: VMAs not visited: their mmap_lock was taken
 */
struct svm_rmap_walk {
	unsigned long pfn;
	bool clear_young;
	unsigned int scanned;
	unsigned int young;
	unsigned int dirty;
	unsigned int skipped;
};

/*
 * x86's ptep_test_and_clear_young() is out of line and not exported: the
 * same atomic bit operation, so that a dirty bit the CPU sets at the same
 * moment is not lost.
 */
static bool svm_ptep_test_and_clear_young(pte_t *ptep)
{
	return test_and_clear_bit(_PAGE_BIT_ACCESSED,
				  (unsigned long *)&ptep->pte);
}

/* apply_to_existing_page_range() callback, under the page table lock. */
static int svm_rmap_one(pte_t *ptep, unsigned long addr, void *data)
{
	struct svm_rmap_walk *w = data;
	pte_t pte = ptep_get(ptep);

	/* A private COW copy, or a racing remap: not our page. */
	if (!pte_present(pte) || pte_pfn(pte) != w->pfn)
		return 0;
	w->scanned++;
	if (pte_dirty(pte))
		w->dirty++;
	if (w->clear_young && pte_young(pte) &&
	    svm_ptep_test_and_clear_young(ptep))
		w->young++;
	return 0;
}

/* Visit @index's PTE in @vma, if @mm lets us in at once. */
static void svm_rmap_one_vma(struct vm_area_struct *vma, u32 index,
			     struct svm_rmap_walk *w)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr;

	if (!atomic_read(&mm->mm_users))
		return;
	if (!mmap_read_trylock(mm)) {
		w->skipped++;
		return;
	}
	/* Stable now: VMAs change under mmap_lock held for writing. */
	if (index >= vma->vm_pgoff && index - vma->vm_pgoff < vma_pages(vma)) {
		addr = vma->vm_start +
		       ((unsigned long)(index - vma->vm_pgoff) << PAGE_SHIFT);
		if (vma_lookup(mm, addr) == vma)
			apply_to_existing_page_range(mm, addr, PAGE_SIZE,
						     svm_rmap_one, w);
	}
	mmap_read_unlock(mm);
}

/* Walk every VMA of @page's object that covers its index. */
static void svm_rmap_walk(struct svm_instance *svm, struct svm_page *page,
			  struct svm_rmap_walk *w)
{
	struct svm_address_space *as = page->mapping;
	u32 index = page->index;
	struct svm_vma *sv;

	w->pfn = page_to_pfn(svm_page_to_real(svm, page));
	if (!as || !as->host)
		return;
	spin_lock(&as->i_mmap_lock);
	list_for_each_entry(sv, &as->i_mmap, list) {
		struct vm_area_struct *vma = sv->vma;
		unsigned long pgoff = READ_ONCE(vma->vm_pgoff);

		/* A first look without the mmap_lock, to skip the others. */
		if (index < pgoff ||
		    index - pgoff >= (READ_ONCE(vma->vm_end) -
				      READ_ONCE(vma->vm_start)) >> PAGE_SHIFT)
			continue;
		svm_rmap_one_vma(vma, index, w);
	}
	spin_unlock(&as->i_mmap_lock);
	svm_count_vm_events(svm, SVM_PTE_SCANNED, w->scanned);
	svm_count_vm_events(svm, SVM_PTE_YOUNG, w->young);
	svm_count_vm_events(svm, SVM_PTE_DIRTY, w->dirty);
	svm_count_vm_events(svm, SVM_RMAP_VMA_SKIPPED, w->skipped);
	/* 2.4's try_to_swap_out(): a dirty PTE makes the page dirty. */
	if (w->dirty && as)
		svm_mark_page_dirty(as, page);
}

/**
 * svm_page_referenced_ptes() - test and clear the accessed bits of the
 * PTEs that map a page (2.6's page_referenced())
 * @svm: the instance
 * @page: a locked page of an object
 *
 * Also folds their dirty bits into the page (svm_mark_page_dirty()).
 *
 * Context: any context that may take spinlocks; does not sleep. Takes
 * the object's i_mmap_lock, try-locks each mm's mmap_lock, takes page
 * table locks.
 * Return: the number of PTEs that were young.
 */
unsigned int svm_page_referenced_ptes(struct svm_instance *svm,
				      struct svm_page *page)
{
	struct svm_rmap_walk w = { .clear_young = true };

	svm_rmap_walk(svm, page, &w);
	return w.young;
}
EXPORT_SYMBOL_IF_KUNIT(svm_page_referenced_ptes);

/**
 * svm_page_dirty_ptes() - fold the dirty bits of the PTEs that map a page
 * into it, leaving their accessed bits alone
 * @svm: the instance
 * @page: a page of an object, referenced by the caller
 *
 * Context: as svm_page_referenced_ptes().
 * Return: true when a PTE was dirty.
 */
bool svm_page_dirty_ptes(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_rmap_walk w = { .clear_young = false };

	svm_rmap_walk(svm, page, &w);
	return w.dirty;
}

/**
 * svm_try_to_unmap() - unmap a page from every process (2.6's
 * try_to_unmap())
 * @svm: the instance
 * @page: a locked page of an object
 *
 * The PTEs' dirty bits go to the real page on the way, where
 * svm_page_harvest_dirty() finds them. A page that was mapped is marked
 * SVM_PG_aged: if it is still in memory when a process touches it again,
 * that fault was caused by reclaim (pgfault_aging).
 *
 * Context: process context; sleeps (the kernel's i_mmap_rwsem).
 * Return: true when nobody maps the page any more.
 */
bool svm_try_to_unmap(struct svm_instance *svm, struct svm_page *page)
{
	struct page *real = svm_page_to_real(svm, page);
	struct svm_address_space *as = page->mapping;

	if (!page_mapped(real))
		return true;
	if (!as || !as->host)
		return false;
	unmap_mapping_range(as->host, (loff_t)page->index << PAGE_SHIFT,
			    PAGE_SIZE, 1);
	if (page_mapped(real))
		return false;
	svm_page_set_aged(page);
	svm_count_vm_event(svm, SVM_PGUNMAP);
	return true;
}

/**
 * svm_refbit_parse() - parse the name of a reference-bit mode
 * @s: "pte" or "unmap"
 * @mode: the mode, on success
 *
 * Return: 0, or -EINVAL for another string.
 */
int svm_refbit_parse(const char *s, enum svm_refbit *mode)
{
	if (sysfs_streq(s, "pte"))
		*mode = SVM_REFBIT_PTE;
	else if (sysfs_streq(s, "unmap"))
		*mode = SVM_REFBIT_UNMAP;
	else
		return -EINVAL;
	return 0;
}

/**
 * svm_refbit_name() - name of a reference-bit mode
 * @mode: the mode
 *
 * Return: "pte" or "unmap".
 */
const char *svm_refbit_name(enum svm_refbit mode)
{
	return mode == SVM_REFBIT_UNMAP ? "unmap" : "pte";
}
