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

struct dentry;
struct seq_file;
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
 * enum svm_vm_event - instance-wide counters shown in debugfs "vmstat"
 * @SVM_PGFAULT: calls into the fault handlers (.fault and .page_mkwrite)
 * @SVM_PGMAJFAULT: faults that had to allocate their page
 * @SVM_PGFAULT_NOMEM: faults answered with SIGBUS for lack of shadow memory
 * @SVM_PGFAULT_EIO: faults answered with SIGBUS because their page's swap
 *                   slot could not be read
 * @SVM_PGFAULT_AGING: faults that found their page in memory after
 *                     reclaim had unmapped it to age it (SVM_PG_aged)
 * @SVM_PGFAULT_AROUND: pages a fault mapped besides its own (fault-around)
 * @SVM_PGALLOC_AHEAD: pages a fault allocated besides its own (ahead)
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
 * @SVM_NR_VM_EVENTS: number of counters
 */
enum svm_vm_event {
	SVM_PGFAULT,
	SVM_PGMAJFAULT,
	SVM_PGFAULT_NOMEM,
	SVM_PGFAULT_EIO,
	SVM_PGFAULT_AGING,
	SVM_PGFAULT_AROUND,
	SVM_PGALLOC_AHEAD,
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
	SVM_NR_VM_EVENTS,
};

/**
 * struct svm_filemap - page-cache state of an instance
 * @svm: the instance
 * @nr_file_pages: pages in all the instance's page caches
 * @nr_dirty: dirty pages in them
 * @events: the enum svm_vm_event counters
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
	atomic_long_t nr_file_pages;
	atomic_long_t nr_dirty;
	atomic_long_t events[SVM_NR_VM_EVENTS];
	spinlock_t deferred_lock;	/* @deferred, @nr_deferred */
	struct list_head deferred;
	unsigned long nr_deferred;
	struct delayed_work deferred_work;
	struct mutex swaplist_mutex;	/* @swaplist */
	struct list_head swaplist;
};

int svm_filemap_init(struct svm_instance *svm);
void svm_filemap_exit(struct svm_instance *svm);
void svm_count_vm_event(struct svm_instance *svm, enum svm_vm_event ev);
void svm_count_vm_events(struct svm_instance *svm, enum svm_vm_event ev,
			 unsigned long n);
unsigned long svm_vm_event(struct svm_instance *svm, enum svm_vm_event ev);

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

int svm_vmstat_show(struct seq_file *m, struct svm_instance *svm);
void svm_filemap_debugfs_create(struct svm_instance *svm, struct dentry *dir);

#endif /* _SHADOWVM_FILEMAP_H */
