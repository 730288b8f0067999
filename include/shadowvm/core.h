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

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <shadowvm/compat.h>

struct svm_page;
struct svm_filemap;
struct svm_highmem;
struct svm_objects;
struct svm_pglist_data;
struct svm_reclaim;
struct svm_slab_state;
struct svm_swap_info;
struct svm_vmalloc;
struct svm_vm_event_state;

/* A zone size in struct svm_params asking for an empty zone (0 = default). */
#define SVM_ZONE_NONE	ULONG_MAX

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
 * @dma_pages: pages in the shadow DMA zone; 0 for the default (1/16 of
 *             @nr_pages, at most 16 MiB), SVM_ZONE_NONE for none
 * @highmem_pages: pages in the shadow HIGHMEM zone; 0 for the default (1/4
 *                 of @nr_pages), SVM_ZONE_NONE for none
 * @min_free_kbytes: the reserve the watermarks are computed from; 0 for
 *                   the 2.6 default, sqrt(16 * lowmem KiB) within
 *                   [128, 65536]. See Documentation/physical-memory.rst.
 * @no_mobility: do not group pages by mobility (for comparisons)
 * @last_pkmap: slots of the pkmap window; 0 for SVM_LAST_PKMAP_DEFAULT
 * @kswapd: run a kswapd thread per node (else only direct reclaim)
 * @policy: the page replacement policy's name; NULL for the default
 *          (include/shadowvm/policy.h)
 */
struct svm_params {
	const char *name;
	unsigned long nr_pages;
	unsigned int max_order;
	int nid;
	gfp_t gfp;
	unsigned long dma_pages;
	unsigned long highmem_pages;
	unsigned long min_free_kbytes;
	bool no_mobility;
	unsigned int last_pkmap;
	bool kswapd;
	const char *policy;
};

/**
 * struct svm_instance - one piece of shadow memory
 * @name: name given at creation
 * @id: small number naming the instance in trace events, unique among the
 *      instances that exist; reused once its instance is destroyed. The
 *      debugfs ``meminfo`` file maps it to @name.
 * @nr_pages: pages reserved (always the number asked for)
 * @max_order: largest order asked for (after clamping)
 * @nr_chunks: number of entries used in @chunks
 * @chunks: the blocks, in the order they were reserved
 * @chunks_by_order: number of chunks of each order
 * @mem_map: the shadow page descriptors, one per shadow pfn
 *           (0..@nr_pages - 1), see include/shadowvm/page.h
 * @real_map: real page behind each group of 2^@real_shift shadow pfns
 * @real_shift: log2 of the smallest chunk: every aligned group of that
 *              many shadow pfns lies in one chunk
 * @node_data: shadow node of each real NUMA node, indexed by node id
 *             (nr_node_ids entries, NULL where no chunk came from)
 * @pb_order: order of the blocks mobility is tracked for
 * @dma_pages: pages in the DMA zones, after applying the defaults
 * @highmem_pages: pages in the HIGHMEM zones, after applying the defaults
 * @min_free_kbytes: reserve the watermarks came from, after the defaults
 * @group_by_mobility: requests use the free lists of their migratetype;
 *                     when false every request is unmovable, as before
 *                     2.6.23, to measure what grouping buys
 * @bad_free_double: frees refused because the page was not allocated
 * @bad_free_order: frees refused because the order did not match
 * @bad_free_foreign: frees refused because the page is not in @mem_map
 * @bad_free_state: frees refused because the page was still in use
 *                  (locked, on the LRU, in the swap cache, mapped...)
 * @debugfs_pfn: shadow pfn the debugfs ``page`` file shows
 * @slab: the slab allocator: cache chain, cache_cache, sizes caches
 * @highmem: emulated high memory: pkmap and atomic windows, bounce pool
 * @vmalloc: the vmalloc arena and its areas
 * @vm_events: the per-CPU event counters (include/shadowvm/vmstat.h)
 * @filemap: page-cache state: page counts, deferred frees
 * @objects: the default object (see include/shadowvm/object.h)
 * @reclaim: LRU lists and kswapd of each node (include/shadowvm/vmscan.h)
 * @swapon_mutex: serialises svm_swapon() and svm_swapoff() (the
 *                kernel's swapon_mutex)
 * @swap: the swap area, NULL until svm_swapon() (include/shadowvm/swap.h)
 */
struct svm_instance {
	char name[32];
	unsigned int id;
	unsigned long nr_pages;
	unsigned int max_order;
	unsigned long nr_chunks;
	struct svm_chunk *chunks;
	unsigned long chunks_by_order[NR_PAGE_ORDERS];
	struct svm_page *mem_map;
	struct page **real_map;
	unsigned int real_shift;
	struct svm_pglist_data **node_data;
	unsigned int pb_order;
	unsigned long dma_pages;
	unsigned long highmem_pages;
	unsigned long min_free_kbytes;
	bool group_by_mobility;
	atomic_long_t bad_free_double;
	atomic_long_t bad_free_order;
	atomic_long_t bad_free_foreign;
	atomic_long_t bad_free_state;
	unsigned long debugfs_pfn;
	struct svm_slab_state *slab;
	struct svm_highmem *highmem;
	struct svm_vmalloc *vmalloc;
	struct svm_vm_event_state __percpu *vm_events;
	struct svm_filemap *filemap;
	struct svm_objects *objects;
	struct svm_reclaim *reclaim;
	struct mutex swapon_mutex;	/* swapon/swapoff of @swap */
	struct svm_swap_info *swap;
};

struct svm_instance *svm_instance_create(const struct svm_params *params);
void svm_instance_destroy(struct svm_instance *svm);
unsigned long svm_instance_chunk_pages(const struct svm_instance *svm);
int svm_parse_size(const char *str, unsigned long *nr_pages);

#endif /* _SHADOWVM_CORE_H */
