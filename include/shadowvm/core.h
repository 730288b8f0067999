/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm core: an instance of shadow memory and the real RAM behind it.
 *
 * An instance owns a set of blocks ("chunks") of real pages taken from the
 * kernel with alloc_pages(). Everything shadowvm builds later (nodes, zones,
 * the buddy and slab allocators, swap) lives inside one instance, so tests
 * can create small private instances beside the one behind /dev/shadowvm.
 */
#ifndef _SHADOWVM_CORE_H
#define _SHADOWVM_CORE_H

#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/types.h>

/**
 * struct svm_chunk - one block of real RAM reserved from the kernel
 * @page: first page of the block; the block was split with split_page(),
 *        so each of its pages carries its own reference
 * @order: the block is 2^@order pages long
 * @nid: NUMA node the block came from
 */
struct svm_chunk {
	struct page *page;
	unsigned int order;
	int nid;
};

/**
 * struct svm_params - how to create an instance
 * @name: short name, used in log lines (copied)
 * @nr_pages: number of pages of real RAM to reserve; must be non-zero
 * @max_order: largest order to ask the kernel for; clamped to MAX_PAGE_ORDER
 * @nid: NUMA node to prefer, or NUMA_NO_NODE
 * @gfp: allocation flags for the reservation; GFP_KERNEL when 0. The core
 *       always adds __GFP_NOWARN | __GFP_NORETRY: a reservation that cannot
 *       be met must fail cleanly, not invoke the OOM killer.
 */
struct svm_params {
	const char *name;
	unsigned long nr_pages;
	unsigned int max_order;
	int nid;
	gfp_t gfp;
};

/**
 * struct svm_instance - one piece of shadow memory
 * @name: name given at creation
 * @nr_pages: pages reserved (always the number asked for)
 * @max_order: largest order asked for (after clamping)
 * @nr_chunks: number of entries used in @chunks
 * @chunks: the blocks, in the order they were reserved
 * @chunks_by_order: number of chunks of each order
 */
struct svm_instance {
	char name[32];
	unsigned long nr_pages;
	unsigned int max_order;
	unsigned long nr_chunks;
	struct svm_chunk *chunks;
	unsigned long chunks_by_order[NR_PAGE_ORDERS];
};

struct svm_instance *svm_instance_create(const struct svm_params *params);
void svm_instance_destroy(struct svm_instance *svm);
unsigned long svm_instance_chunk_pages(const struct svm_instance *svm);
int svm_parse_size(const char *str, unsigned long *nr_pages);

#endif /* _SHADOWVM_CORE_H */
