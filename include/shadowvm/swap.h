/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm swap: a swap area on a block device, its slot allocator, the
 * swap cache and the page I/O (the book, chapter 11; 6.12's
 * mm/swapfile.c, mm/swap_state.c and mm/page_io.c). See
 * Documentation/swap.rst.
 *
 * A swap entry names one page-sized slot of the area. When a page leaves
 * memory its object's page cache keeps the entry where the page was (an
 * xarray value entry), as 2.6's shmem keeps swap entries in its radix tree.
 */
#ifndef _SHADOWVM_SWAP_H
#define _SHADOWVM_SWAP_H

#include <linux/atomic.h>
#include <linux/bio.h>
#include <linux/completion.h>
#include <linux/llist.h>
#include <linux/percpu-refcount.h>
#include <linux/wait.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <shadowvm/bounce.h>
#include <shadowvm/gfp.h>

struct dentry;
struct file;
struct seq_file;
struct svm_address_space;
struct svm_instance;
struct svm_page;

/**
 * struct svm_swp_entry - a swap slot: area type and page offset
 * @val: the type and the offset
 *
 * Bits 0-26 hold the offset, bits 27-31 the type (index of the area).
 * Offset 0 holds the swap header and is never handed out, so the value 0
 * means "no entry" (2.4's SWP_ENTRY(0, 0)).
 */
struct svm_swp_entry {
	u32 val;
};

#define SVM_SWP_OFFSET_BITS	27
#define SVM_SWP_TYPE_BITS	5
#define SVM_MAX_SWAPFILES	1
/* Largest area, in pages: what the offset field can name. */
#define SVM_SWP_MAX_PAGES	BIT(SVM_SWP_OFFSET_BITS)

/**
 * svm_mk_swp_entry() - make a swap entry
 * @type: area index, below SVM_MAX_SWAPFILES
 * @offset: slot, below SVM_SWP_MAX_PAGES
 *
 * Return: the entry.
 */
static inline struct svm_swp_entry svm_mk_swp_entry(unsigned int type,
						    unsigned long offset)
{
	return (struct svm_swp_entry){ (type << SVM_SWP_OFFSET_BITS) | offset };
}

/**
 * svm_swp_type() - area index of an entry
 * @e: the entry
 *
 * Return: the type.
 */
static inline unsigned int svm_swp_type(struct svm_swp_entry e)
{
	return e.val >> SVM_SWP_OFFSET_BITS;
}

/**
 * svm_swp_offset() - slot of an entry
 * @e: the entry
 *
 * Return: the offset in pages from the start of the area.
 */
static inline unsigned long svm_swp_offset(struct svm_swp_entry e)
{
	return e.val & (SVM_SWP_MAX_PAGES - 1);
}

/* swap_map values: a use count, or a bad page (2.4's SWAP_MAP_BAD). */
#define SVM_SWAP_MAP_MAX	0x7e
#define SVM_SWAP_MAP_BAD	0x7f
/* Slots per cluster: sequential evictions get consecutive slots. */
#define SVM_SWAPFILE_CLUSTER	256

/**
 * struct svm_swap_info - one swap area (2.4's swap_info_struct)
 * @svm: the instance it serves
 * @bdev_file: the block device, opened exclusively
 * @path: the device's path, for swapinfo
 * @type: index of the area (the type in its entries)
 * @prio: priority shown in swapinfo
 * @page_cluster: log2 of the first read-ahead window; 0: no read-ahead
 * @ra_win: the read-ahead window now, in slots: it doubles (up to
 *          2^page_cluster_max) while read-ahead pages get used and
 *          comes down, at most by half a read, to one slot when they do
 *          not
 * @ra_recent: read-ahead hits since the last read a fault waited for
 * @ra_prev_offset: the slot of that read: a fault next to it is sequential
 * @lock: protects @flags, @swap_map and every field up to @nr_bad_io
 * @flags: SVM_SWP_USED while a device is attached, SVM_SWP_WRITEOK
 *         while slots may be handed out (2.4's SWP_USED, SWP_WRITEOK)
 * @swap_map: use count of each slot; SVM_SWAP_MAP_BAD for bad pages and
 *            the header
 * @shadows: per slot, what the page that last left memory with its data
 *           there remembered of its eviction (module/workingset.c); 0
 *           for none. Allocated and freed with @swap_map: one value per
 *           slot, so never more than the area has slots
 * @max: slots in the area, header included (last_page + 1)
 * @pages: usable slots
 * @lowest_bit: lowest slot that may be free
 * @highest_bit: highest slot that may be free
 * @cluster_next: next slot to try in the current cluster
 * @cluster_nr: slots left to hand out from the current cluster
 * @inuse_pages: slots with a non-zero count
 * @nr_badpages: bad slots listed in the header
 * @nr_bad_io: slots marked bad since swapon because a write to them failed
 * @cache: the swap cache: slot -> struct svm_page * of pages being
 *         written, just read, or read ahead
 * @nr_cache: pages in @cache
 * @bounce: bounces HIGHMEM pages when the device is declared lowmem-only
 * @bioset: bios with a struct svm_swap_bio in front; its reserve keeps
 *          swap-out going when the kernel is short of memory
 * @written: completed writes whose pages reclaim has not looked at again
 * @nr_written: entries on @written
 * @writes_inflight: writes submitted and not completed
 * @written_wait: woken at each completed write
 * @reap_work: reclaim's work item that frees written pages soon after
 *             their writes complete, when no reclaimer comes by first
 * @users: held by each bio from its allocation until its completion's last
 *         touch of the area, in whatever context that runs; svm_swapoff()
 *         frees the area only once it is gone (svm_swap_io_quiesce())
 * @comp: completed when @users, killed, drops to zero
 * @clusters: new empty clusters found by the scan
 * @scan_fallbacks: allocations that found no empty cluster and took the
 *                  first free slot
 * @alloc_fail: allocations that found the area full
 * @pswpin: pages read
 * @pswpout: pages written
 * @io_errors: failed reads and writes
 * @write_errors: failed writes
 * @read_errors: failed reads
 * @bad_slots: slots marked bad after a failed write, over every swapon
 * @ra_pages: pages read ahead
 * @ra_hits: read-ahead pages later found by a fault
 * @nr_shadows: non-zero entries of @shadows (the workingset_shadows gauge)
 */
struct svm_swap_info {
	struct svm_instance *svm;
	struct file *bdev_file;
	char path[64];
	unsigned int type;
	int prio;
	unsigned int page_cluster;
	unsigned int ra_win;
	atomic_t ra_recent;
	unsigned long ra_prev_offset;
	spinlock_t lock;	/* flags, swap_map and the scan state */
	unsigned long flags;
	u8 *swap_map;
	u32 *shadows;
	unsigned long max;
	unsigned long pages;
	unsigned long lowest_bit;
	unsigned long highest_bit;
	unsigned long cluster_next;
	unsigned long cluster_nr;
	unsigned long inuse_pages;
	unsigned long nr_badpages;
	unsigned long nr_bad_io;
	struct xarray cache;
	atomic_long_t nr_cache;
	struct svm_bounce_dev bounce;
	struct bio_set bioset;
	struct llist_head written;
	atomic_t nr_written;
	atomic_t writes_inflight;
	wait_queue_head_t written_wait;
	struct work_struct *reap_work;
	struct percpu_ref users;
	struct completion comp;
	atomic_long_t clusters;
	atomic_long_t scan_fallbacks;
	atomic_long_t alloc_fail;
	atomic_long_t pswpin;
	atomic_long_t pswpout;
	atomic_long_t io_errors;
	atomic_long_t write_errors;
	atomic_long_t read_errors;
	atomic_long_t bad_slots;
	atomic_long_t ra_pages;
	atomic_long_t ra_hits;
	atomic_long_t nr_shadows;
};

/* svm_swap_info.flags */
#define SVM_SWP_USED		BIT(0)
#define SVM_SWP_WRITEOK		BIT(1)

/**
 * struct svm_swap_params - how to attach a swap area
 * @path: absolute path of a block device
 * @format: write a fresh swap header first (as mkswap) instead of
 *          requiring one
 * @lowmem_only: the device cannot reach HIGHMEM pages: bounce them
 * @prio: priority to show
 * @page_cluster: read-ahead window is 2^@page_cluster slots (0: none)
 */
struct svm_swap_params {
	const char *path;
	bool format;
	bool lowmem_only;
	int prio;
	unsigned int page_cluster;
};

/* Largest page_cluster: a window of 64 slots. */
#define SVM_PAGE_CLUSTER_MAX	6

/* Pages reclaim takes off a list at a time (2.6's SWAP_CLUSTER_MAX). */
#define SVM_SWAP_CLUSTER_MAX	32

/**
 * struct svm_swap_bio - what travels with each swap bio
 * @si: the area
 * @page: the page read or written
 * @io_page: the page the device transfers (differs when bounced)
 * @node: a completed write, on the area's @written list
 * @error: the write's result
 * @work: completes a bounced read in process context
 * @bio: the bio; last, as the bioset's front padding requires
 */
struct svm_swap_bio {
	struct svm_swap_info *si;
	struct svm_page *page;
	struct svm_page *io_page;
	struct llist_node node;
	int error;
	struct work_struct work;
	struct bio bio;
};

/* module/swapfile.c: the area and its slots */
int svm_swapon(struct svm_instance *svm, const struct svm_swap_params *p);
void svm_swapoff(struct svm_instance *svm);
void svm_swap_mark_bad(struct svm_instance *svm, struct svm_swp_entry entry,
		       int uses);
long svm_swap_ioctl(struct svm_instance *svm, unsigned int cmd,
		    void __user *arg);
bool svm_swap_active(const struct svm_instance *svm);
struct svm_swp_entry svm_get_swap_page(struct svm_instance *svm);
int svm_swap_duplicate(struct svm_instance *svm, struct svm_swp_entry entry);
void svm_swap_free(struct svm_instance *svm, struct svm_swp_entry entry);
int svm_swap_count(struct svm_instance *svm, struct svm_swp_entry entry);
unsigned long svm_nr_swap_pages(struct svm_instance *svm);
void svm_swap_debugfs_create(struct svm_instance *svm, struct dentry *dir);
int svm_swapinfo_show(struct seq_file *m, struct svm_instance *svm);
void svm_swap_vmstat_show(struct seq_file *m, struct svm_instance *svm);
bool svm_swap_set_shadow(struct svm_instance *svm, struct svm_swp_entry entry,
			 u32 shadow);
u32 svm_swap_take_shadow(struct svm_instance *svm, struct svm_swp_entry entry);

/* module/swap_state.c: the swap cache */
int svm_add_to_swap_cache(struct svm_instance *svm, struct svm_page *page,
			  struct svm_swp_entry entry);
bool svm_delete_from_swap_cache(struct svm_instance *svm,
				struct svm_page *page, int expected_refs);
struct svm_page *svm_lookup_swap_cache(struct svm_instance *svm,
				       struct svm_swp_entry entry);
struct svm_page *svm_swapin_readahead(struct svm_instance *svm,
				      struct svm_swp_entry entry, bool *major);
void svm_swap_cache_drain(struct svm_instance *svm);
void svm_free_swap_and_cache(struct svm_instance *svm,
			     struct svm_swp_entry entry);
void svm_swap_mapping_add(struct svm_address_space *as);
void svm_swap_mapping_del(struct svm_address_space *as);
int svm_unuse_mappings(struct svm_instance *svm);
void svm_unuse_swap_cache(struct svm_instance *svm);
void svm_swap_write_failed(struct svm_instance *svm, struct svm_page *page);

/* module/page_io.c: reading and writing pages */
int svm_swap_io_init(struct svm_swap_info *si, struct work_struct *reap_work);
void svm_swap_io_quiesce(struct svm_swap_info *si);
void svm_swap_io_exit(struct svm_swap_info *si);
int svm_swap_rw_header(struct svm_swap_info *si, struct page *page,
		       bool write);
int svm_swap_writepage(struct svm_instance *svm, struct svm_page *page);
struct llist_node *svm_swap_take_written(struct svm_instance *svm,
					 bool wait);
struct svm_page *svm_swap_write_done(struct svm_instance *svm,
				     struct llist_node *node, int *error);
int svm_swap_readpage(struct svm_instance *svm, struct svm_page *page);
#if IS_ENABLED(CONFIG_KUNIT)
typedef void (*svm_swap_end_io_hook_t)(struct svm_swap_info *si);
extern svm_swap_end_io_hook_t svm_swap_end_io_hook;
typedef int (*svm_swap_fail_hook_t)(struct svm_swap_info *si,
				    struct svm_page *page, bool write);
extern svm_swap_fail_hook_t svm_swap_fail_hook;
#endif

#endif /* _SHADOWVM_SWAP_H */
