/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm page descriptors: the shadow mem_map.
 *
 * One struct svm_page describes each shadow page, as struct page describes
 * each real one (the book, section 2.4). It is kept at 40 bytes by holding
 * the flags, the zone and the node in one 32-bit word and by sizing the
 * page cache index and the private word for a shadow machine: 2^32 pages
 * of a file, 2^32 swap entries.
 */
#ifndef _SHADOWVM_PAGE_H
#define _SHADOWVM_PAGE_H

#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/types.h>

#include <shadowvm/core.h>

struct svm_address_space;

/**
 * struct svm_page - descriptor of one shadow page
 * @flags: SVM_PG_* bits (bits 0-15), the order of an allocated block in
 *         its first page (bits 16-19, see svm_page_alloc_order()), the zone
 *         (bits 20-21) and the real NUMA node (bits 22-31). Atomic because
 *         PG_locked and friends are set by many paths without a lock.
 * @_refcount: users of the page; 0 for a free page and for every page but
 *             the first of an allocated block (as for the kernel's
 *             non-compound high-order pages)
 * @lru: on a buddy free list (free block heads), a per-CPU list (free
 *       order-0 pages), or later the LRU lists. Slab pages: lru.next is
 *       the cache, lru.prev the slab descriptor (the book's
 *       SET_PAGE_CACHE()/SET_PAGE_SLAB()); the first page of a large
 *       svm_kmalloc() block: lru.next is the instance's slab state
 * @mapping: page cache or anonymous mapping the page belongs to; NULL when
 *           free
 * @index: offset in @mapping, in pages
 * @private: free block heads: the block's order; pages on a per-CPU list:
 *           their migratetype; otherwise the owner's (swap entry, buffers)
 */
struct svm_page {
	atomic_t flags;
	atomic_t _refcount;
	struct list_head lru;
	struct svm_address_space *mapping;
	u32 index;
	u32 private;
};

static_assert(sizeof(struct svm_page) == 40, "struct svm_page grew");

/**
 * enum svm_pageflags - bits in svm_page.flags, as 2.6's PG_*
 * @SVM_PG_locked: I/O is in flight; the page must not be touched
 * @SVM_PG_referenced: used recently; the second chance of the LRU
 * @SVM_PG_uptodate: the contents are valid (read from disk)
 * @SVM_PG_dirty: must be written back before the page is reused
 * @SVM_PG_lru: on the active or inactive list
 * @SVM_PG_active: on the active list
 * @SVM_PG_slab: used by the slab allocator
 * @SVM_PG_buddy: first page of a free block on a buddy free list
 * @SVM_PG_reserved: never to be freed or swapped
 * @SVM_PG_highmem: belongs to the HIGHMEM zone (has no permanent mapping)
 * @SVM_PG_swapcache: in the swap cache; @private holds the swap entry
 * @SVM_PG_writeback: being written to disk
 * @SVM_PG_private: @private is in use by the owner
 * @SVM_PG_readahead: read ahead from swap and not yet asked for
 * @SVM_PG_unevictable: on the unevictable list: a locked VMA maps it
 * @SVM_PG_aged: reclaim unmapped it from a process to age it; the next
 *               fault that maps it again is counted as caused by aging
 * @SVM_NR_PAGEFLAGS: number of flag bits
 */
enum svm_pageflags {
	SVM_PG_locked,
	SVM_PG_referenced,
	SVM_PG_uptodate,
	SVM_PG_dirty,
	SVM_PG_lru,
	SVM_PG_active,
	SVM_PG_slab,
	SVM_PG_buddy,
	SVM_PG_reserved,
	SVM_PG_highmem,
	SVM_PG_swapcache,
	SVM_PG_writeback,
	SVM_PG_private,
	SVM_PG_readahead,
	SVM_PG_unevictable,
	SVM_PG_aged,
	SVM_NR_PAGEFLAGS,
};

#define SVM_PAGE_ORDER_SHIFT	16
#define SVM_PAGE_ORDER_BITS	4
#define SVM_PAGE_ZONE_SHIFT	(SVM_PAGE_ORDER_SHIFT + SVM_PAGE_ORDER_BITS)
#define SVM_PAGE_ZONE_BITS	2
#define SVM_PAGE_NODE_SHIFT	(SVM_PAGE_ZONE_SHIFT + SVM_PAGE_ZONE_BITS)
#define SVM_PAGE_NODE_BITS	10

static_assert(SVM_NR_PAGEFLAGS <= SVM_PAGE_ORDER_SHIFT);
static_assert(SVM_PAGE_NODE_SHIFT + SVM_PAGE_NODE_BITS == 32);
static_assert(NODES_SHIFT <= SVM_PAGE_NODE_BITS);

#define SVM_PAGE_ORDER_MASK	GENMASK(SVM_PAGE_ORDER_SHIFT + \
					SVM_PAGE_ORDER_BITS - 1, \
					SVM_PAGE_ORDER_SHIFT)

/* Flags that must be clear when a page is freed (2.6 free_pages_check). */
#define SVM_PAGE_FLAGS_CHECK_AT_FREE					\
	(BIT(SVM_PG_locked) | BIT(SVM_PG_lru) | BIT(SVM_PG_active) |	\
	 BIT(SVM_PG_slab) | BIT(SVM_PG_buddy) | BIT(SVM_PG_reserved) |	\
	 BIT(SVM_PG_swapcache) | BIT(SVM_PG_writeback) |		\
	 BIT(SVM_PG_private))

/* Flags cleared when a page is freed: stale state of its last owner. */
#define SVM_PAGE_FLAGS_CLEAR_AT_FREE					\
	(BIT(SVM_PG_referenced) | BIT(SVM_PG_uptodate) |		\
	 BIT(SVM_PG_dirty) | BIT(SVM_PG_readahead) |			\
	 BIT(SVM_PG_unevictable) | BIT(SVM_PG_aged) | SVM_PAGE_ORDER_MASK)

/*
 * SVM_PAGEFLAG(name) defines, as the kernel's folio flag helpers do:
 * svm_page_test_<name>(), svm_page_set_<name>(), svm_page_clear_<name>(),
 * svm_page_test_set_<name>() and svm_page_test_clear_<name>(); all
 * atomic. The test_ prefix keeps a flag's test apart from the accessors
 * that share the svm_page_ namespace (svm_page_zone(), svm_page_count()).
 */
#define SVM_PAGEFLAG(name)						\
static inline bool svm_page_test_##name(const struct svm_page *page)	\
{									\
	return atomic_read(&page->flags) & BIT(SVM_PG_##name);		\
}									\
static inline void svm_page_set_##name(struct svm_page *page)		\
{									\
	atomic_or(BIT(SVM_PG_##name), &page->flags);			\
}									\
static inline void svm_page_clear_##name(struct svm_page *page)	\
{									\
	atomic_andnot(BIT(SVM_PG_##name), &page->flags);		\
}									\
static inline bool svm_page_test_set_##name(struct svm_page *page)	\
{									\
	return atomic_fetch_or(BIT(SVM_PG_##name), &page->flags) &	\
	       BIT(SVM_PG_##name);					\
}									\
static inline bool svm_page_test_clear_##name(struct svm_page *page)	\
{									\
	return atomic_fetch_andnot(BIT(SVM_PG_##name), &page->flags) &	\
	       BIT(SVM_PG_##name);					\
}

SVM_PAGEFLAG(locked)
SVM_PAGEFLAG(referenced)
SVM_PAGEFLAG(uptodate)
SVM_PAGEFLAG(dirty)
SVM_PAGEFLAG(lru)
SVM_PAGEFLAG(active)
SVM_PAGEFLAG(slab)
SVM_PAGEFLAG(buddy)
SVM_PAGEFLAG(reserved)
SVM_PAGEFLAG(highmem)
SVM_PAGEFLAG(swapcache)
SVM_PAGEFLAG(writeback)
SVM_PAGEFLAG(private)
SVM_PAGEFLAG(readahead)
SVM_PAGEFLAG(unevictable)
SVM_PAGEFLAG(aged)

/**
 * svm_page_zonenum() - zone type of a shadow page
 * @page: the page
 *
 * Return: an enum svm_zone_type value.
 */
static inline unsigned int svm_page_zonenum(const struct svm_page *page)
{
	return (atomic_read(&page->flags) >> SVM_PAGE_ZONE_SHIFT) &
	       (BIT(SVM_PAGE_ZONE_BITS) - 1);
}

/**
 * svm_page_to_nid() - real NUMA node of a shadow page
 * @page: the page
 *
 * Return: the node id, also the index of its shadow node.
 */
static inline int svm_page_to_nid(const struct svm_page *page)
{
	return (atomic_read(&page->flags) >> SVM_PAGE_NODE_SHIFT) &
	       (BIT(SVM_PAGE_NODE_BITS) - 1);
}

/**
 * svm_page_alloc_order() - order of the allocated block a page heads
 * @page: first page of a block returned by svm_alloc_pages()
 *
 * Recorded at allocation so that freeing with another order is caught.
 *
 * Return: the order; meaningless for free pages and tail pages.
 */
static inline unsigned int svm_page_alloc_order(const struct svm_page *page)
{
	return (atomic_read(&page->flags) & SVM_PAGE_ORDER_MASK) >>
	       SVM_PAGE_ORDER_SHIFT;
}

/**
 * svm_page_count() - reference count of a shadow page
 * @page: the page
 *
 * Return: the count.
 */
static inline int svm_page_count(const struct svm_page *page)
{
	return atomic_read(&page->_refcount);
}

/**
 * svm_get_page() - take a reference on an allocated page
 * @page: first page of an allocated block
 */
static inline void svm_get_page(struct svm_page *page)
{
	atomic_inc(&page->_refcount);
}

/**
 * svm_page_to_pfn() - shadow pfn of a shadow page
 * @svm: the instance
 * @page: a page of @svm
 *
 * Return: its index in @svm->mem_map.
 */
static inline unsigned long svm_page_to_pfn(const struct svm_instance *svm,
					    const struct svm_page *page)
{
	return page - svm->mem_map;
}

/**
 * svm_pfn_to_page() - shadow page of a shadow pfn
 * @svm: the instance
 * @pfn: a shadow pfn below @svm->nr_pages
 *
 * Return: its descriptor.
 */
static inline struct svm_page *svm_pfn_to_page(const struct svm_instance *svm,
					       unsigned long pfn)
{
	return svm->mem_map + pfn;
}

/**
 * svm_pfn_valid() - is a shadow pfn within an instance?
 * @svm: the instance
 * @pfn: any number
 *
 * Return: true when @pfn has a descriptor.
 */
static inline bool svm_pfn_valid(const struct svm_instance *svm,
				 unsigned long pfn)
{
	return pfn < svm->nr_pages;
}

/**
 * svm_pfn_to_real_page() - the real page behind a shadow pfn
 * @svm: the instance
 * @pfn: a valid shadow pfn
 *
 * O(1): each aligned group of 2^@svm->real_shift shadow pfns lies in one
 * chunk, whose real pages are consecutive.
 *
 * Return: the real struct page.
 */
static inline struct page *svm_pfn_to_real_page(const struct svm_instance *svm,
						unsigned long pfn)
{
	return svm->real_map[pfn >> svm->real_shift] +
	       (pfn & (BIT(svm->real_shift) - 1));
}

/**
 * svm_page_to_real() - the real page behind a shadow page
 * @svm: the instance
 * @page: a page of @svm
 *
 * Return: the real struct page.
 */
static inline struct page *svm_page_to_real(const struct svm_instance *svm,
					    const struct svm_page *page)
{
	return svm_pfn_to_real_page(svm, svm_page_to_pfn(svm, page));
}

#endif /* _SHADOWVM_PAGE_H */
