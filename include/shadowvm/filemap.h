/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm page cache: which shadow page holds page <index> of an object
 * (the book, chapter 10; 6.12's mm/filemap.c). See Documentation/fault.rst.
 *
 * Each object has a struct svm_address_space whose xarray maps a page
 * index to its shadow page. The cache holds one reference on every page
 * in it; lookups take one more for their caller. New pages go onto their
 * node's inactive list (include/shadowvm/vmscan.h).
 */
#ifndef _SHADOWVM_FILEMAP_H
#define _SHADOWVM_FILEMAP_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

struct svm_instance;
struct svm_page;

/* Largest number of pages of one object: svm_page.index is 32 bits. */
#define SVM_MAX_FILE_PAGES	BIT_ULL(32)

/**
 * struct svm_address_space - the page cache of one object
 * @svm: the instance the pages come from
 * @i_pages: page index -> struct svm_page *; its xa_lock serialises
 *           insertions and deletions, lookups walk it under RCU
 * @nrpages: pages in @i_pages
 * @nrdirty: pages in @i_pages with SVM_PG_dirty
 * @nrswapped: swap entries in @i_pages: pages that live on the swap
 *             device only
 * @id: number shown in tracepoints (the object's inode number)
 * @host: the real address_space the object's VMAs hang off, for
 *        unmapping a page from every process; NULL for test instances
 *        that never map
 * @i_mmap_lock: protects @i_mmap
 * @i_mmap: the struct svm_vma of every VMA mapping the object
 * @nr_locked: how many of them are locked (MAP_LOCKED)
 * @swaplist: on its instance's list that swapoff walks (2.6's
 *            shmem_swaplist), from svm_address_space_init() to
 *            svm_address_space_destroy()
 *
 * @i_pages holds, at each index, a struct svm_page * or, for a page that
 * was swapped out, its swap entry as an xarray value entry.
 */
struct svm_address_space {
	struct svm_instance *svm;
	struct xarray i_pages;
	atomic_long_t nrpages;
	atomic_long_t nrdirty;
	atomic_long_t nrswapped;
	unsigned long id;
	struct address_space *host;
	spinlock_t i_mmap_lock;	/* @i_mmap */
	struct list_head i_mmap;
	atomic_t nr_locked;
	struct list_head swaplist;
};

/**
 * struct svm_vma - what shadowvm knows of one VMA mapping an object
 * @list: on the object's i_mmap list
 * @vma: the VMA; its vm_private_data points here
 * @as: the object's page cache
 * @owner: the object, for the fault handlers
 * @locked: mapped locked (MAP_LOCKED, or after mlockall(MCL_FUTURE)):
 *          reclaim leaves its pages alone. The kernel itself clears
 *          VM_LOCKED on our VM_IO|VM_MIXEDMAP mappings and ignores
 *          mlock() there, so this flag is ours (Documentation/reclaim.rst).
 */
struct svm_vma {
	struct list_head list;
	struct vm_area_struct *vma;
	struct svm_address_space *as;
	void *owner;
	bool locked;
};

/**
 * struct svm_filemap - page-cache state of an instance
 * @svm: the instance
 * @nr_file_pages: pages in all the instance's page caches
 * @nr_dirty: dirty pages in them
 * @deferred_lock: protects @deferred and @nr_deferred
 * @deferred: pages that left every cache while the real kernel still
 *            held their real page (a pending mmu_gather, a GUP pin),
 *            linked by their @lru; each holds its last reference
 * @nr_deferred: pages on @deferred
 * @deferred_work: retries @deferred until every real page is released
 * @swaplist_mutex: guards @swaplist (2.6's shmem_swaplist_mutex); held
 *                  across a whole swapoff walk, so an address space
 *                  leaves the list only when no swapoff is looking at it
 * @swaplist: every address space of the instance, for swapoff to find
 *            the swap entries in (svm_swap_mapping_add())
 */
struct svm_filemap {
	struct svm_instance *svm;
	/*
	 * Exact gauges, unlike the kernel's per-CPU-batched
	 * NR_FILE_PAGES and NR_FILE_DIRTY (include/shadowvm/vmstat.h
	 * counts only events): reclaim decides from them whether retrying
	 * can free anything (svm_should_reclaim_retry()), the page-cache
	 * selfcheck and the tests require nr_file_pages to equal the pages
	 * that have a mapping, and on instances of a few dozen pages a
	 * drift of a per-CPU threshold times the CPUs could be the whole
	 * instance. They move once per page entering or leaving a cache
	 * or changing its dirty state, not on every fault.
	 */
	atomic_long_t nr_file_pages;
	atomic_long_t nr_dirty;
	spinlock_t deferred_lock;	/* @deferred, @nr_deferred */
	struct list_head deferred;
	unsigned long nr_deferred;
	struct delayed_work deferred_work;
	struct mutex swaplist_mutex;	/* @swaplist */
	struct list_head swaplist;
};

int svm_filemap_init(struct svm_instance *svm);
void svm_filemap_exit(struct svm_instance *svm);

void svm_address_space_init(struct svm_address_space *as,
			    struct svm_instance *svm, unsigned long id);
void svm_address_space_destroy(struct svm_address_space *as);

void svm_lock_page(struct svm_page *page);
bool svm_trylock_page(struct svm_page *page);
void svm_unlock_page(struct svm_page *page);
void svm_wait_on_page_locked(struct svm_page *page);

struct svm_page *svm_find_get_page(struct svm_address_space *as, u32 index);
unsigned int svm_find_get_pages(struct svm_address_space *as, u32 start,
				unsigned int nr, struct svm_page **pages);
bool svm_page_cache_contains(struct svm_address_space *as, u32 index);
int svm_add_to_page_cache(struct svm_address_space *as, struct svm_page *page,
			  u32 index);
struct svm_page *svm_read_cache_page(struct svm_address_space *as, u32 index);
struct svm_page *svm_find_or_create_page(struct svm_address_space *as,
					 u32 index, bool *created);
unsigned int svm_create_pages(struct svm_address_space *as, u32 start,
			      unsigned int nr, struct svm_page **pages);
void svm_put_page(struct svm_instance *svm, struct svm_page *page);
unsigned long svm_release_deferred_pages(struct svm_instance *svm);
unsigned long svm_nr_deferred_pages(struct svm_instance *svm);
bool svm_mark_page_dirty(struct svm_address_space *as, struct svm_page *page);
bool svm_clear_page_dirty_for_io(struct svm_address_space *as,
				 struct svm_page *page);
bool svm_page_harvest_dirty(struct svm_instance *svm, struct svm_page *page);
bool svm_remove_mapping(struct svm_instance *svm, struct svm_page *page);
unsigned long svm_truncate_pages(struct svm_address_space *as, u64 start);
void svm_vma_link(struct svm_address_space *as, struct svm_vma *sv);
void svm_vma_unlink(struct svm_vma *sv);
bool svm_mapping_locked(struct svm_address_space *as, u32 index);
unsigned long svm_drop_clean_pages(struct svm_address_space *as);

#endif /* _SHADOWVM_FILEMAP_H */
