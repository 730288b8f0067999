/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm noncontiguous memory allocation (the book, chapter 7): shadow
 * pages from any zone mapped into one contiguous range of kernel
 * addresses. See Documentation/vmalloc.rst.
 */
#ifndef _SHADOWVM_VMALLOC_H
#define _SHADOWVM_VMALLOC_H

#include <linux/list.h>
#include <linux/pgtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <shadowvm/gfp.h>

struct dentry;
struct seq_file;
struct svm_instance;
struct svm_page;

/* svm_vm_struct.flags, as 2.4's VM_* */
#define SVM_VM_ALLOC		BIT(0)	/* svm_vmalloc(): pages are ours */
#define SVM_VM_MAP		BIT(1)	/* svm_vmap(): pages are the caller's */
#define SVM_VM_LAZY_FREE	BIT(2)	/* unmapped, address not yet reusable */

/**
 * struct svm_vm_struct - one area of the vmalloc arena (the book's
 *                        vm_struct)
 * @list: in the arena's address-sorted vmlist
 * @lazy: on the list of freed areas awaiting the next purge
 * @addr: first address of the area
 * @size: bytes, including the unmapped guard page at the end
 * @flags: SVM_VM_*
 * @pages: the pages mapped, in order
 * @nr_pages: entries in @pages (@size / PAGE_SIZE - 1)
 * @caller: who asked for the area, for vmallocinfo
 */
struct svm_vm_struct {
	struct list_head list;
	struct list_head lazy;
	unsigned long addr;
	unsigned long size;
	unsigned long flags;
	struct svm_page **pages;
	unsigned int nr_pages;
	const void *caller;
};

/**
 * struct svm_vmalloc - the vmalloc arena of an instance
 * @svm: the instance
 * @lock: protects @vmlist, @lazy and the counters (2.4's vmlist_lock)
 * @vmlist: every area, live or lazily freed, sorted by address
 * @lazy: freed areas whose addresses wait for the next TLB flush
 * @lazy_pages: pages of address space (guards included) on @lazy
 * @lazy_max: @lazy_pages that trigger a purge
 * @base: first address of the arena
 * @nr_pages: pages of address space in the arena
 * @ptes: the kernel PTE of each page of the arena
 * @areas: live areas
 * @mapped: pages mapped in live areas
 * @purges: TLB flushes that released lazily freed areas
 * @placeholder: real page the arena was first vmap()ed to
 * @area: what vmap() returned
 */
struct svm_vmalloc {
	struct svm_instance *svm;
	spinlock_t lock;	/* 2.4's vmlist_lock */
	struct list_head vmlist;
	struct list_head lazy;
	unsigned long lazy_pages;
	unsigned long lazy_max;
	unsigned long base;
	unsigned long nr_pages;
	pte_t **ptes;
	unsigned long areas;
	unsigned long mapped;
	unsigned long purges;
	struct page *placeholder;
	void *area;
};

int svm_vmalloc_init(struct svm_instance *svm);
void svm_vmalloc_exit(struct svm_instance *svm);
void *svm_vmalloc(struct svm_instance *svm, unsigned long size, svm_gfp_t gfp);
void *svm_vzalloc(struct svm_instance *svm, unsigned long size);
void svm_vfree(struct svm_instance *svm, const void *addr);
void *svm_vmap(struct svm_instance *svm, struct svm_page **pages,
	       unsigned int count);
void svm_vunmap(struct svm_instance *svm, const void *addr);
struct svm_page *svm_vmalloc_to_page(struct svm_instance *svm,
				     const void *addr);
struct svm_vm_struct *svm_find_vm_area(struct svm_instance *svm,
				       const void *addr);
void svm_vmalloc_purge(struct svm_instance *svm);
int svm_vmallocinfo_show(struct seq_file *m, struct svm_instance *svm);
void svm_vmalloc_debugfs_create(struct svm_instance *svm, struct dentry *dir);

#endif /* _SHADOWVM_VMALLOC_H */
