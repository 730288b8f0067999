/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm reverse mapping: from an object's page to the PTEs that map it
 * in the real page tables, through the VMAs the object tracks (2.6's
 * mm/rmap.c: page_referenced(), try_to_unmap()). See
 * Documentation/reclaim.rst, "The reference bit".
 */
#ifndef _SHADOWVM_RMAP_H
#define _SHADOWVM_RMAP_H

#include <linux/types.h>

struct svm_instance;
struct svm_page;

/**
 * enum svm_refbit - how reclaim learns that a mapped page is in use
 * @SVM_REFBIT_PTE: test and clear the accessed ("young") bit of the PTEs
 *                  that map it, as the book's swap_out() and 2.6's
 *                  page_referenced() do
 * @SVM_REFBIT_UNMAP: unmap it and wait for a minor fault
 */
enum svm_refbit {
	SVM_REFBIT_PTE,
	SVM_REFBIT_UNMAP,
};

int svm_refbit_parse(const char *s, enum svm_refbit *mode);
const char *svm_refbit_name(enum svm_refbit mode);

unsigned int svm_page_referenced_ptes(struct svm_instance *svm,
				      struct svm_page *page);
bool svm_page_dirty_ptes(struct svm_instance *svm, struct svm_page *page);
bool svm_try_to_unmap(struct svm_instance *svm, struct svm_page *page);

#endif /* _SHADOWVM_RMAP_H */
