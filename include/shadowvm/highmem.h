/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm emulated high memory: the pkmap window (kmap/kunmap), per-CPU
 * atomic mappings (kmap_atomic/kunmap_atomic) and the counters behind the
 * debugfs files "pkmap" and "highmem" (the book, chapter 9). See
 * Documentation/highmem.rst.
 *
 * A page of the shadow HIGHMEM zone has no permanent kernel address for
 * shadowvm's code: its contents are reached only through these mappings.
 */
#ifndef _SHADOWVM_HIGHMEM_H
#define _SHADOWVM_HIGHMEM_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/pgtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct dentry;
struct seq_file;
struct svm_instance;
struct svm_mempool;
struct svm_page;
struct svm_params;

/* Slots of the pkmap window: 2.4's LAST_PKMAP on x86 without PAE. */
#define SVM_LAST_PKMAP_DEFAULT	1024
#define SVM_LAST_PKMAP_MIN	2
#define SVM_LAST_PKMAP_MAX	4096
/* Atomic slots per CPU: how deep svm_kmap_atomic() may nest (KM_MAX_IDX). */
#define SVM_KM_TYPE_NR		16

/**
 * struct svm_pkmap_slot - one slot of the pkmap window
 * @count: the book's pkmap_count: 0 = free, 1 = no user but the TLB may
 *         still hold the old mapping, n = n - 1 users
 * @page: page mapped in the slot, NULL when @count is 0
 * @pte: the kernel PTE of the slot's address
 * @node: in the page-to-slot hash while @page is set
 */
struct svm_pkmap_slot {
	int count;
	struct svm_page *page;
	pte_t *pte;
	struct hlist_node node;
};

/**
 * struct svm_highmem_pcpu - a CPU's atomic mapping state and counters
 * @depth: atomic slots in use on this CPU (a stack)
 * @atomic_maps: svm_kmap_atomic() calls that mapped a HIGHMEM page
 */
struct svm_highmem_pcpu {
	int depth;
	unsigned long atomic_maps;
};

/**
 * struct svm_highmem - emulated high memory of an instance
 * @svm: the instance
 * @lock: protects the slots, @last_pkmap_nr, the hash and the counters
 *        below it (the kernel's kmap_lock)
 * @last_pkmap: slots in the window
 * @last_pkmap_nr: slot examined last; the search for a free slot goes on
 *                 from there and flushes when it wraps to 0
 * @pkmap_base: kernel address of slot 0
 * @slots: the slots
 * @hash: page-to-slot lookup (2.4's page->virtual), @hash_bits bits
 * @hash_bits: log2 of the buckets in @hash
 * @kmaps: svm_kmap() calls on HIGHMEM pages
 * @waits: times svm_kmap() slept because every slot was in use
 * @flushes: global TLB flushes of flush_all_zero_pkmaps()
 * @bad_unmaps: svm_kunmap()/svm_kunmap_atomic() calls that matched no map
 * @pkmap_wait: where svm_kmap() sleeps for a slot
 * @atomic_base: kernel address of the atomic window (SVM_KM_TYPE_NR slots
 *               per possible CPU)
 * @atomic_pte: kernel PTE of each atomic slot
 * @pcpu: per-CPU atomic mapping state
 * @bad_address: svm_page_address() calls on HIGHMEM pages (debug builds)
 * @bounces: pages copied through a bounce page
 * @bounce_mutex: protects @bounce_pool and @bounce_users
 * @bounce_pool: emergency pool of lowmem pages for bounce buffers,
 *               created for the first lowmem-only device
 * @bounce_users: lowmem-only devices of the instance
 * @placeholder: real page the windows were first mapped to by vmap()
 * @pkmap_area: what vmap() returned for the pkmap window
 * @atomic_area: what vmap() returned for the atomic window
 */
struct svm_highmem {
	struct svm_instance *svm;
	spinlock_t lock;	/* the kernel's kmap_lock */
	unsigned int last_pkmap;
	unsigned int last_pkmap_nr;
	unsigned long pkmap_base;
	struct svm_pkmap_slot *slots;
	struct hlist_head *hash;
	unsigned int hash_bits;
	unsigned long kmaps;
	unsigned long waits;
	unsigned long flushes;
	atomic_long_t bad_unmaps;
	wait_queue_head_t pkmap_wait;
	unsigned long atomic_base;
	pte_t **atomic_pte;
	struct svm_highmem_pcpu __percpu *pcpu;
	atomic_long_t bad_address;
	atomic_long_t bounces;
	struct mutex bounce_mutex;	/* bounce pool creation */
	struct svm_mempool *bounce_pool;
	unsigned int bounce_users;
	struct page *placeholder;
	void *pkmap_area;
	void *atomic_area;
};

int svm_highmem_init(struct svm_instance *svm, const struct svm_params *p);
void svm_highmem_exit(struct svm_instance *svm);
void *svm_kmap(struct svm_instance *svm, struct svm_page *page);
void svm_kunmap(struct svm_instance *svm, struct svm_page *page);
void *svm_kmap_atomic(struct svm_instance *svm, struct svm_page *page);
void svm_kunmap_atomic(struct svm_instance *svm, void *addr);
int svm_pkmap_slot_of(struct svm_instance *svm, const void *addr);
unsigned long svm_highmem_atomic_maps(struct svm_instance *svm);
void svm_highmem_bad_address(struct svm_instance *svm, struct svm_page *page);
void svm_flush_tlb_kernel_all(void);
void *svm_reserve_window(struct page *placeholder, unsigned long nr,
			 pte_t **ptes);
int svm_pkmap_show(struct seq_file *m, struct svm_instance *svm);
int svm_highmem_stats_show(struct seq_file *m, struct svm_instance *svm);
void svm_highmem_debugfs_create(struct svm_instance *svm, struct dentry *dir);

#endif /* _SHADOWVM_HIGHMEM_H */
