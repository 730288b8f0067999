/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm refault detection for swapped pages (6.12's mm/workingset.c).
 * See Documentation/workingset.rst.
 *
 * When reclaim frees a page whose data stays on a swap slot, the slot
 * remembers the node's non-resident age at that moment (a "shadow", kept
 * in an array beside the swap_map). When the slot is read back, the age
 * that passed since tells how soon the page was wanted again; a page
 * wanted within the size of the active list goes straight to it.
 */
#ifndef _SHADOWVM_WORKINGSET_H
#define _SHADOWVM_WORKINGSET_H

#include <shadowvm/swap.h>

struct svm_instance;
struct svm_page;

void svm_workingset_activation(struct svm_instance *svm,
			       struct svm_page *page);
void svm_workingset_eviction(struct svm_instance *svm, struct svm_page *page,
			     struct svm_swp_entry entry);
void svm_workingset_refault(struct svm_instance *svm, struct svm_page *page,
			    struct svm_swp_entry entry);

#endif /* _SHADOWVM_WORKINGSET_H */
