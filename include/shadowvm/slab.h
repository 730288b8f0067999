/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm slab allocator: the book's chapter 8 (2.4/2.6 mm/slab.c design,
 * not SLUB) on shadow pages. Caches hold slabs on full, partial and free
 * lists; a slab is one block from the shadow buddy allocator cut into
 * objects, with a descriptor (struct svm_slab) and a free-object index
 * array (u32) on the slab or off it; successive slabs are
 * coloured; each CPU has an array cache of free objects in front of the
 * lists. See Documentation/slab.rst.
 */
#ifndef _SHADOWVM_SLAB_H
#define _SHADOWVM_SLAB_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <shadowvm/gfp.h>

struct dentry;
struct seq_file;
struct svm_instance;

/* Cache creation flags (2.4's SLAB_*). */
#define SVM_SLAB_HWCACHE_ALIGN	BIT(0)	/* align objects on cache lines */
#define SVM_SLAB_POISON		BIT(1)	/* poison free objects, check */
#define SVM_SLAB_RED_ZONE	BIT(2)	/* red zones around objects */
#define SVM_SLAB_CACHE_DMA	BIT(3)	/* slabs from the DMA zone */
#define SVM_SLAB_NO_REAP	BIT(4)	/* svm_kmem_cache_reap() skips it */
#define SVM_SLAB_VALID		(BIT(5) - 1)
/* Internal flags: the slab descriptor lives off the slab; the cache's
 * descriptor is native memory (cache_cache, the sizes caches).
 */
#define SVM_CFLGS_OFF_SLAB	BIT(16)
#define SVM_CFLGS_NATIVE	BIT(17)

/* Sizes caches: powers of two from 32 bytes to SVM_KMALLOC_MAX_SIZE. */
#define SVM_KMALLOC_SHIFT_LOW	5
#define SVM_KMALLOC_SHIFT_HIGH	15
#define SVM_KMALLOC_MIN_SIZE	BIT(SVM_KMALLOC_SHIFT_LOW)
#define SVM_KMALLOC_MAX_SIZE	BIT(SVM_KMALLOC_SHIFT_HIGH)
#define SVM_KMALLOC_NR		(SVM_KMALLOC_SHIFT_HIGH - \
				 SVM_KMALLOC_SHIFT_LOW + 1)

/* Largest order of a slab (2.4's MAX_GFP_ORDER was 5). */
#define SVM_SLAB_MAX_ORDER	3
/* Slabs are not made larger than this to reduce waste (slab_break_gfp_order). */
#define SVM_SLAB_BREAK_ORDER	1
/* Caches svm_kmem_cache_reap() looks at per call (REAP_SCANLEN). */
#define SVM_REAP_SCANLEN	10
/* A cache with this many free pages is reaped at once (REAP_PERFECT). */
#define SVM_REAP_PERFECT	10

/*
 * The free-object index array (the book's kmem_bufctl_t) is an array of
 * u32: entry i is the index of the free object after object i, and
 * SVM_BUFCTL_END ends the chain.
 */
#define SVM_BUFCTL_END		(~0U)

/**
 * struct svm_slab - slab descriptor (the book's slab_t)
 * @list: on the cache's full, partial or free list
 * @colouroff: offset of the first object (or of this descriptor when it is
 *             on the slab) from the start of the slab's memory
 * @s_mem: address of the first object
 * @inuse: objects allocated from this slab (including those parked in
 *         per-CPU array caches)
 * @free: index of the first free object, or SVM_BUFCTL_END
 *
 * The bufctl array (u32, one entry per object) follows the descriptor:
 * entry i holds the index of the free object after object i.
 */
struct svm_slab {
	struct list_head list;
	unsigned long colouroff;
	void *s_mem;
	unsigned int inuse;
	u32 free;
};

/**
 * struct svm_array_cache - a CPU's stack of free objects (2.6 array_cache,
 *                          the book's cpucache_t)
 *
 * Only its CPU touches it, with preemption disabled (the book disabled
 * interrupts); other CPUs drain or tune it through a work item bound to
 * that CPU, and read its counters without a lock.
 *
 * @avail: objects in @entry
 * @limit: most objects held; above it @batchcount go back to the slabs
 * @batchcount: objects moved at once between the array and the slabs
 * @touched: used since the last reap (2.6 semantics)
 * @allochit: allocations served from the array
 * @allocmiss: allocations that had to refill it
 * @freehit: frees that fitted in the array
 * @freemiss: frees that had to flush a batch first
 * @entry: the objects, most recently freed last
 */
struct svm_array_cache {
	unsigned int avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int touched;
	unsigned long allochit;
	unsigned long allocmiss;
	unsigned long freehit;
	unsigned long freemiss;
	void *entry[];
};

/**
 * struct svm_kmem_cache - a cache of objects of one size (kmem_cache_t)
 * @flags: SVM_SLAB_* and SVM_CFLGS_* flags
 * @size: bytes one object takes in a slab, red zones and padding included
 * @obj_size: bytes the user may use (svm_ksize())
 * @obj_offset: offset of the user's bytes in an object (red zone before)
 * @align: alignment of objects in the slab
 * @num: objects per slab
 * @gfporder: a slab is 2^@gfporder pages
 * @gfpflags: flags for the buddy allocator (SVM_GFP_DMA for DMA caches)
 * @colour: number of colours (distinct first-object offsets)
 * @colour_off: bytes between two colours
 * @colour_next: colour of the next slab
 * @slab_size: bytes of a slab descriptor with its bufctl array, aligned
 * @slabp_cache: sizes cache of off-slab descriptors, NULL when on-slab
 * @ctor: constructor, run once per object when its slab is made
 * @lock: protects the lists, the counters below it and @colour_next
 * @slabs_full: slabs with every object allocated
 * @slabs_partial: slabs with some objects allocated
 * @slabs_free: slabs with no object allocated
 * @free_objects: free objects on the slabs (not in array caches)
 * @num_slabs: slabs on the three lists
 * @grown: a slab was added since the last reap (2.4 DFLGS_GROWN)
 * @growing: grows in progress (the reaper leaves the cache alone)
 * @listallocs: objects taken from the slabs
 * @high_mark: most objects in use at once
 * @grows: slabs created
 * @reaps: slabs freed by svm_kmem_cache_reap()
 * @shrinks: slabs freed by shrinking
 * @colour_wraps: times @colour_next went back to 0
 * @errors: poison and red-zone violations found, and bad frees
 * @limit: per-CPU array limit (tunable)
 * @batchcount: per-CPU array batch (tunable)
 * @cpucache_state: 0: no arrays yet; 1: being made; 2: made
 * @next: on the instance's cache chain
 * @svm: the instance
 * @name: name shown in slabinfo
 * @array: each CPU's array cache (nr_cpu_ids entries), NULL until the
 *         cache's first allocation on any CPU made them
 */
struct svm_kmem_cache {
	unsigned int flags;
	unsigned int size;
	unsigned int obj_size;
	unsigned int obj_offset;
	unsigned int align;
	unsigned int num;
	unsigned int gfporder;
	svm_gfp_t gfpflags;
	unsigned int colour;
	unsigned int colour_off;
	unsigned int colour_next;
	unsigned int slab_size;
	struct svm_kmem_cache *slabp_cache;
	void (*ctor)(void *obj);

	spinlock_t lock;	/* the lists; no other cache's lock inside */
	struct list_head slabs_full;
	struct list_head slabs_partial;
	struct list_head slabs_free;
	unsigned long free_objects;
	unsigned long num_slabs;
	bool grown;
	unsigned int growing;
	unsigned long listallocs;
	unsigned long high_mark;
	unsigned long grows;
	unsigned long reaps;
	unsigned long shrinks;
	unsigned long colour_wraps;
	atomic_long_t errors;

	unsigned int limit;
	unsigned int batchcount;
	atomic_t cpucache_state;

	struct list_head next;
	struct svm_instance *svm;
	char name[32];
	struct svm_array_cache *array[];
};

/**
 * struct svm_kmem_cache_stats - a consistent snapshot of a cache
 * @active_objs: objects allocated from slabs (in use or in array caches)
 * @num_objs: objects the slabs hold
 * @cpu_avail: free objects parked in the array caches
 * @full: slabs on the full list
 * @partial: slabs on the partial list
 * @free: slabs on the free list
 * @allochit: sum of the array caches' counters
 * @allocmiss: sum of the array caches' counters
 * @freehit: sum of the array caches' counters
 * @freemiss: sum of the array caches' counters
 */
struct svm_kmem_cache_stats {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long cpu_avail;
	unsigned long full;
	unsigned long partial;
	unsigned long free;
	unsigned long allochit;
	unsigned long allocmiss;
	unsigned long freehit;
	unsigned long freemiss;
};

/**
 * struct svm_slab_rmap - one entry of struct svm_slab_state's @rmap
 * @key: real pfn >> real_shift, ULONG_MAX for an empty entry
 * @group: shadow pfn >> real_shift of the same pages
 */
struct svm_slab_rmap {
	unsigned long key;
	unsigned long group;
};

/**
 * struct svm_slab_state - the slab allocator of an instance
 * @chain_mutex: protects @chain, @clock and the tunables (cache_chain_sem);
 *	direct reclaim takes it to reap, so it is never held across an
 *	allocation that may reclaim
 * @chain: every cache, cache_cache first, then the sizes caches
 * @clock: where the next svm_kmem_cache_reap() starts (clock_searchp)
 * @cache_cache: the cache of cache descriptors
 * @sizes: the sizes caches, [0] normal and [1] DMA, smallest first
 * @last_reap: pages the last debugfs-triggered reap freed
 * @rmap: open-addressed hash from a real pfn >> @svm->real_shift to the
 *        shadow pfn group (index of @svm->real_map) it backs: kernel
 *        address to shadow page in O(1), without touching real pages
 * @rmap_bits: @rmap has 2^@rmap_bits entries
 * @large_allocs: svm_kmalloc() blocks from the buddy allocator now live
 * @bad_frees: svm_kfree() calls refused: not an object of the instance
 *
 * cache_cache and the sizes caches' descriptors live in native memory
 * (the book's cache_cache was static), so that an instance starts with
 * every shadow page free; every other descriptor comes from cache_cache.
 */
struct svm_slab_state {
	struct mutex chain_mutex;	/* cache_chain_sem */
	struct list_head chain;
	struct svm_kmem_cache *clock;
	struct svm_kmem_cache *cache_cache;
	struct svm_kmem_cache *sizes[2][SVM_KMALLOC_NR];
	unsigned long last_reap;
	struct svm_slab_rmap *rmap;
	unsigned int rmap_bits;
	atomic_long_t large_allocs;
	atomic_long_t bad_frees;
};

/* module/slab.c */
int svm_slab_init(struct svm_instance *svm);
void svm_slab_exit(struct svm_instance *svm);
void svm_slab_debugfs_create(struct svm_instance *svm, struct dentry *dir);

struct svm_kmem_cache *svm_kmem_cache_create(struct svm_instance *svm,
					     const char *name, size_t size,
					     size_t align, unsigned int flags,
					     void (*ctor)(void *obj));
int svm_kmem_cache_destroy(struct svm_kmem_cache *cachep);
void *svm_kmem_cache_alloc(struct svm_kmem_cache *cachep, svm_gfp_t gfp);
void svm_kmem_cache_free(struct svm_kmem_cache *cachep, void *objp);
unsigned long svm_kmem_cache_shrink(struct svm_kmem_cache *cachep);
unsigned long svm_kmem_cache_reap(struct svm_instance *svm, svm_gfp_t gfp);
void svm_kmem_cache_drain(struct svm_kmem_cache *cachep);
int svm_kmem_cache_tune(struct svm_kmem_cache *cachep, unsigned int limit,
			unsigned int batchcount, unsigned int shared);
void svm_kmem_cache_get_stats(struct svm_kmem_cache *cachep,
			      struct svm_kmem_cache_stats *st);
int svm_kmem_cache_check(struct svm_kmem_cache *cachep);
unsigned int svm_kmem_cache_estimate(unsigned int gfporder, size_t size,
				     size_t align, bool off_slab,
				     size_t *left_over);
struct svm_kmem_cache *svm_kmem_find_general_cachep(struct svm_instance *svm,
						    size_t size,
						    svm_gfp_t gfp);
struct svm_kmem_cache *svm_kmem_obj_cache(struct svm_instance *svm,
					  const void *objp);
struct svm_page *svm_kmem_virt_to_page(struct svm_instance *svm,
				       const void *addr);

void *svm_kmalloc(struct svm_instance *svm, size_t size, svm_gfp_t gfp);
void svm_kfree(struct svm_instance *svm, const void *objp);
size_t svm_ksize(struct svm_instance *svm, const void *objp);

int svm_slabinfo_show(struct seq_file *m, struct svm_instance *svm);
int svm_slabinfo_write(struct svm_instance *svm, const char *buf);

#endif /* _SHADOWVM_SLAB_H */
