// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm slab allocator: the book's chapter 8, the 2.4/2.6 mm/slab.c
 * design (not SLUB), on pages from the shadow buddy allocator.
 *
 * A cache (struct svm_kmem_cache, the book's kmem_cache_t) keeps its slabs
 * on three lists, full, partial and free. A slab is one buddy block cut into
 * objects; its descriptor (struct svm_slab, slab_t) and the free-object
 * index array (u32) sit at the start of the slab, after the
 * colour padding, or off the slab in a sizes cache when the objects are
 * large (PAGE_SIZE / 8 or more, as in the book). Successive slabs start
 * their objects at different cache-line offsets ("colours"). In front of
 * the lists, each CPU has an array cache (2.6's array_cache, the book's
 * cpucache_t) of free objects, refilled from and flushed to the slabs in
 * batches.
 *
 * Every cache is on the instance's cache chain, which the reaper walks.
 * The descriptors of user caches come from the cache of caches
 * (cache_cache); cache_cache itself and the sizes caches behind
 * svm_kmalloc() are set up at instance creation in native memory, like
 * the book's static cache_cache, so that a fresh instance still has every
 * shadow page free. Array caches are made at a cache's first allocation;
 * they are svm_kmalloc() objects of the same instance, as cpucache_t was.
 *
 * Page descriptors: every page of a slab has SVM_PG_slab set, lru.next
 * pointing to its cache and lru.prev to its slab descriptor (the book's
 * SET_PAGE_CACHE()/SET_PAGE_SLAB()); the first page of a large
 * svm_kmalloc() block has lru.next pointing to the slab state. An object's
 * kernel address leads to its shadow page in O(1) through a small hash of
 * the instance's real page frames (svm_kmem_virt_to_page()), without
 * touching the kernel's struct page.
 *
 * Locking: chain_mutex (cache_chain_sem) orders creation, destruction,
 * tuning, reaping and slabinfo. An array cache is touched only by its CPU
 * with preemption disabled (the book disabled interrupts); other CPUs
 * drain or tune it with a work item bound to that CPU, as 6.12 SLUB
 * flushes its CPU slabs. Each cache's lists have a spinlock; no path holds
 * the locks of two caches at once, and the buddy allocator is only called
 * with no slab lock held and preemption enabled. Direct reclaim reaps
 * under chain_mutex, so nothing allocates with a gfp that may reclaim
 * while holding chain_mutex or a cache's lock: a cache's descriptor is
 * allocated before the mutex is taken, as in the book. Like the buddy
 * allocator, this one is for task context only: a softirq could interrupt
 * its task in the middle of an array cache or holding a cache's lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/cpu.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/fault_inject.h>
#include <shadowvm/gfp.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/slab.h>
#include <trace/events/shadowvm.h>

/* Red-zone words and poison bytes, the values of <linux/poison.h>. */
#define SVM_RED_INACTIVE	0x09F911029D74E35BULL	/* object is free */
#define SVM_RED_ACTIVE		0xD84156C5635688C0ULL	/* object is in use */
#define SVM_POISON_FREE		0x6b
#define SVM_POISON_END		0xa5
#define SVM_RZ_BYTES		sizeof(u64)

/* An array cache is one size-2048 object: this many entries fit. */
#define SVM_AC_BYTES		2048
#define SVM_AC_MAX_LIMIT	((SVM_AC_BYTES - sizeof(struct svm_array_cache)) / \
				 sizeof(void *))

#define SVM_SLAB_DEBUG		(SVM_SLAB_POISON | SVM_SLAB_RED_ZONE)

enum { SVM_CPUCACHE_NONE, SVM_CPUCACHE_MAKING, SVM_CPUCACHE_MADE };

static inline struct svm_kmem_cache *svm_page_get_cache(struct svm_page *page)
{
	return (struct svm_kmem_cache *)page->lru.next;
}

static inline struct svm_slab *svm_page_get_slab(struct svm_page *page)
{
	return (struct svm_slab *)page->lru.prev;
}

static inline u32 *svm_slab_bufctl(struct svm_slab *slabp)
{
	return (u32 *)(slabp + 1);
}

static size_t svm_cache_desc_size(void)
{
	return struct_size_t(struct svm_kmem_cache, array, nr_cpu_ids);
}

/*
 * Kernel address -> shadow page: the instance's real pages come in groups
 * of 2^real_shift with consecutive real pfns (svm->real_map), so a hash of
 * the real pfn's group finds the shadow group.
 */
static int svm_rmap_init(struct svm_instance *svm, struct svm_slab_state *st)
{
	unsigned long groups = svm->nr_pages >> svm->real_shift, g, n;

	st->rmap_bits = order_base_2(max(2 * groups, 2UL));
	n = 1UL << st->rmap_bits;
	st->rmap = kvmalloc_array(n, sizeof(*st->rmap), GFP_KERNEL);
	if (!st->rmap)
		return -ENOMEM;
	for (g = 0; g < n; g++)
		st->rmap[g].key = ULONG_MAX;
	for (g = 0; g < groups; g++) {
		unsigned long key = page_to_pfn(svm->real_map[g]) >>
				    svm->real_shift;
		unsigned long h = hash_long(key, st->rmap_bits);

		while (st->rmap[h].key != ULONG_MAX)
			h = (h + 1) & (n - 1);
		st->rmap[h].key = key;
		st->rmap[h].group = g;
	}
	return 0;
}

/**
 * svm_kmem_virt_to_page() - shadow page behind a kernel address
 * @svm: the instance
 * @addr: any pointer
 *
 * O(1): a hash of the real page frame's group. Nothing is dereferenced
 * but the instance's own tables, so any pointer may be passed.
 *
 * Context: any context; takes no lock.
 * Return: the shadow page whose real page holds @addr, or NULL when
 * @addr is not in the direct map or not in @svm's memory.
 */
struct svm_page *svm_kmem_virt_to_page(struct svm_instance *svm,
				       const void *addr)
{
	struct svm_slab_state *st = svm->slab;
	unsigned long mask = (1UL << st->rmap_bits) - 1;
	unsigned long pfn, key, h;

	if ((unsigned long)addr < PAGE_OFFSET ||
	    (unsigned long)addr >= (unsigned long)high_memory)
		return NULL;
	pfn = __pa(addr) >> PAGE_SHIFT;
	key = pfn >> svm->real_shift;
	for (h = hash_long(key, st->rmap_bits); ; h = (h + 1) & mask) {
		struct svm_slab_rmap *e = &st->rmap[h];

		if (e->key == key)
			return svm_pfn_to_page(svm, (e->group << svm->real_shift) |
					       (pfn & (BIT(svm->real_shift) - 1)));
		if (e->key == ULONG_MAX)
			return NULL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_virt_to_page);

static inline struct svm_page *svm_addr_to_page(struct svm_instance *svm,
						const void *addr)
{
	return svm_kmem_virt_to_page(svm, addr);
}

/* First page of a large svm_kmalloc() block: lru.next names the state. */
static inline bool svm_page_kmalloc_large(struct svm_instance *svm,
					  struct svm_page *page)
{
	return page->lru.next == (struct list_head *)svm->slab;
}

/* Are the real pages behind a shadow block consecutive? */
static bool svm_block_contiguous(struct svm_instance *svm,
				 struct svm_page *page, unsigned int order)
{
	unsigned long first = page_to_pfn(svm_page_to_real(svm, page));
	unsigned long i;

	for (i = 1; i < (1UL << order); i++)
		if (page_to_pfn(svm_page_to_real(svm, page + i)) != first + i)
			return false;
	return true;
}

/*
 * A lowmem block whose real pages are consecutive, so that objects may
 * straddle its pages. Blocks within one chunk always are; a block across
 * two chunks is set aside and another one tried.
 */
static struct svm_page *svm_slab_alloc_block(struct svm_instance *svm,
					     svm_gfp_t gfp,
					     unsigned int order)
{
	struct svm_page *bad[4], *page;
	unsigned int n = 0;

	for (;;) {
		page = svm_alloc_pages(svm, gfp, order);
		if (!page || !order || svm_block_contiguous(svm, page, order))
			break;
		if (n == ARRAY_SIZE(bad)) {
			svm_free_pages(svm, page, order);
			page = NULL;
			break;
		}
		bad[n++] = page;
	}
	while (n)
		svm_free_pages(svm, bad[--n], order);
	return page;
}

/* Flags the buddy allocator gets for a slab of @cachep. */
static svm_gfp_t svm_slab_gfp(struct svm_kmem_cache *cachep, svm_gfp_t gfp)
{
	gfp &= ~(SVM_GFP_ZONEMASK | SVM_GFP_MOVABLE | SVM_GFP_ZERO);
	return gfp | cachep->gfpflags;
}

/**
 * svm_kmem_cache_estimate() - objects per slab and bytes left over
 * @gfporder: the slab is 2^@gfporder pages
 * @size: bytes per object, padding included
 * @align: alignment of the objects, and so of the slab management area
 * @off_slab: the descriptor and bufctl array live off the slab
 * @left_over: where to store the bytes no object uses (the colour space)
 *
 * The book's kmem_cache_estimate(). With wastage = PAGE_SIZE << @gfporder
 * and, for an on-slab descriptor, base = sizeof(struct svm_slab) and
 * extra = sizeof(u32) per object (both 0 off-slab)::
 *
 *   num = the largest i with  i * size + ALIGN(base + i * extra, align)
 *                             <= wastage
 *   left_over = wastage - num * size - ALIGN(base + num * extra, align)
 *
 * found, as in the book, by counting i up until it no longer fits. The
 * book aligns the management area to L1_CACHE_BYTES; this aligns it to the
 * objects' alignment, as 2.6 does, which is the cache line for
 * HWCACHE_ALIGN caches of cache-line sized objects.
 *
 * Context: any context; a calculation.
 * Return: num, 0 when not even one object fits.
 */
unsigned int svm_kmem_cache_estimate(unsigned int gfporder, size_t size,
				     size_t align, bool off_slab,
				     size_t *left_over)
{
	size_t wastage = PAGE_SIZE << gfporder, base = 0, extra = 0;
	unsigned int i = 0;

	if (!off_slab) {
		base = sizeof(struct svm_slab);
		extra = sizeof(u32);
	}
	while (i * size + ALIGN(base + i * extra, align) <= wastage)
		i++;
	if (i > 0)
		i--;
	*left_over = wastage - i * size - ALIGN(base + i * extra, align);
	return i;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_estimate);

static unsigned int svm_kmalloc_index(size_t size)
{
	if (size <= SVM_KMALLOC_MIN_SIZE)
		return 0;
	return fls(size - 1) - SVM_KMALLOC_SHIFT_LOW;
}

/**
 * svm_kmem_find_general_cachep() - the sizes cache svm_kmalloc() uses
 * @svm: the instance
 * @size: bytes asked for, 1 to SVM_KMALLOC_MAX_SIZE
 * @gfp: SVM_GFP_DMA picks the DMA variant
 *
 * Context: any context; the sizes caches do not change after
 * svm_slab_init().
 * Return: the smallest sizes cache whose objects hold @size bytes, or NULL
 * when @size is 0 or too large (or the cache is not set up yet).
 */
struct svm_kmem_cache *svm_kmem_find_general_cachep(struct svm_instance *svm,
						    size_t size, svm_gfp_t gfp)
{
	if (!size || size > SVM_KMALLOC_MAX_SIZE)
		return NULL;
	return svm->slab->sizes[!!(gfp & SVM_GFP_DMA)][svm_kmalloc_index(size)];
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_find_general_cachep);

/* The default tunables, by object size (2.6's enable_cpucache()). */
static unsigned int svm_default_limit(unsigned int size)
{
	unsigned int limit;

	if (size > PAGE_SIZE)
		limit = 8;
	else if (size > 1024)
		limit = 24;
	else if (size > 256)
		limit = 54;
	else
		limit = 120;
	return min_t(unsigned int, limit, SVM_AC_MAX_LIMIT);
}

/*
 * 2.6's calculate_slab_order(): the smallest order whose slab holds an
 * object of @size and wastes at most 1/8 of itself, stopping at
 * SVM_SLAB_BREAK_ORDER once one object fits (at SVM_SLAB_MAX_ORDER for
 * objects too large for that). Sets @num (objects per slab) and
 * @left_over (bytes unused); returns the order, or -EINVAL when not even
 * an order-SVM_SLAB_MAX_ORDER slab holds one object.
 */
static int svm_calculate_slab_order(size_t size, size_t align, bool off_slab,
				    unsigned int *num, size_t *left_over)
{
	unsigned int order;

	for (order = 0; ; order++) {
		*num = svm_kmem_cache_estimate(order, size, align, off_slab,
					       left_over);
		if (order >= SVM_SLAB_MAX_ORDER)
			break;
		if (!*num)
			continue;
		if (order >= SVM_SLAB_BREAK_ORDER)
			break;
		/* Acceptable internal fragmentation: 1/8 of the slab. */
		if (*left_over * 8 <= (PAGE_SIZE << order))
			break;
	}
	return *num ? order : -EINVAL;
}

/*
 * kmem_cache_create()'s calculations: object layout, slab order, on- or
 * off-slab descriptor, colours. Fills a zeroed descriptor.
 */
static int svm_cache_setup(struct svm_instance *svm,
			   struct svm_kmem_cache *cachep, const char *name,
			   size_t size, size_t align, unsigned int flags,
			   void (*ctor)(void *obj))
{
	size_t ralign = sizeof(void *), left_over = 0, mgmt;
	unsigned int order, num = 0;
	bool off_slab;
	int ret;

	/* Poisoning would destroy what the constructor built (2.4). */
	if (ctor)
		flags &= ~SVM_SLAB_POISON;
	size = ALIGN(size, sizeof(void *));
	cachep->obj_size = size;
	if (flags & SVM_SLAB_RED_ZONE) {
		flags &= ~SVM_SLAB_HWCACHE_ALIGN;
		cachep->obj_offset = SVM_RZ_BYTES;
		size += 2 * SVM_RZ_BYTES;
	}
	if (flags & SVM_SLAB_HWCACHE_ALIGN) {
		/* Small objects share a line rather than pad to it. */
		ralign = cache_line_size();
		while (size <= ralign / 2 && ralign > sizeof(void *))
			ralign /= 2;
	}
	if (align > ralign)
		ralign = align;
	size = ALIGN(size, ralign);
	if (size > PAGE_SIZE << SVM_SLAB_MAX_ORDER)
		return -EINVAL;

	off_slab = size >= (PAGE_SIZE >> 3);
	ret = svm_calculate_slab_order(size, ralign, off_slab, &num,
				       &left_over);
	if (ret < 0)
		return ret;
	order = ret;

	mgmt = ALIGN(sizeof(struct svm_slab) + num * sizeof(u32),
		     ralign);
	/* Room left for the descriptor on the slab: keep it there. */
	if (off_slab && left_over >= mgmt) {
		off_slab = false;
		left_over -= mgmt;
	}
	if (off_slab) {
		mgmt = sizeof(struct svm_slab) +
		       num * sizeof(u32);
		cachep->slabp_cache = svm_kmem_find_general_cachep(svm, mgmt,
								   0);
		/* Bootstrap: no sizes cache for it yet, keep it on-slab. */
		if (!cachep->slabp_cache) {
			off_slab = false;
			num = svm_kmem_cache_estimate(order, size, ralign,
						      false, &left_over);
			mgmt = ALIGN(sizeof(struct svm_slab) +
				     num * sizeof(u32), ralign);
			if (!num)
				return -EINVAL;
		} else {
			flags |= SVM_CFLGS_OFF_SLAB;
		}
	}

	cachep->flags = flags;
	cachep->size = size;
	cachep->align = ralign;
	cachep->num = num;
	cachep->gfporder = order;
	cachep->gfpflags = (flags & SVM_SLAB_CACHE_DMA) ? SVM_GFP_DMA : 0;
	cachep->colour_off = max_t(size_t, cache_line_size(), ralign);
	cachep->colour = left_over / cachep->colour_off;
	cachep->slab_size = mgmt;
	cachep->ctor = ctor;
	spin_lock_init(&cachep->lock);
	INIT_LIST_HEAD(&cachep->slabs_full);
	INIT_LIST_HEAD(&cachep->slabs_partial);
	INIT_LIST_HEAD(&cachep->slabs_free);
	cachep->limit = svm_default_limit(size);
	cachep->batchcount = (cachep->limit + 1) / 2;
	cachep->svm = svm;
	strscpy(cachep->name, name, sizeof(cachep->name));
	return 0;
}

/* Report a debugging violation: one line naming the cache and object. */
static void svm_slab_report(struct svm_kmem_cache *cachep, void *objp,
			    const char *fmt, ...)
{
	struct svm_instance *svm = cachep->svm;
	struct svm_page *page = svm_addr_to_page(svm, objp);
	struct va_format vaf;
	va_list args;

	atomic_long_inc(&cachep->errors);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (page && svm_page_test_slab(page)) {
		struct svm_slab *slabp = svm_page_get_slab(page);
		struct svm_page *first;

		first = svm_addr_to_page(svm, slabp->s_mem - slabp->colouroff);
		pr_err("%s: slab error in cache %s: object %lu of slab at pfn %#lx: %pV\n",
		       svm->name, cachep->name,
		       (unsigned long)(objp - slabp->s_mem) / cachep->size,
		       first ? svm_page_to_pfn(svm, first) : 0UL, &vaf);
	} else {
		pr_err("%s: slab error in cache %s: object %p: %pV\n",
		       svm->name, cachep->name, objp, &vaf);
	}
	va_end(args);
}

static inline u64 *svm_redzone1(struct svm_kmem_cache *cachep, void *objp)
{
	return objp;
}

static inline u64 *svm_redzone2(struct svm_kmem_cache *cachep, void *objp)
{
	return objp + cachep->obj_offset + cachep->obj_size;
}

static void svm_poison_obj(struct svm_kmem_cache *cachep, void *objp)
{
	u8 *p = objp + cachep->obj_offset;

	memset(p, SVM_POISON_FREE, cachep->obj_size - 1);
	p[cachep->obj_size - 1] = SVM_POISON_END;
}

/* A free object becomes free-state: red zones inactive, poisoned. */
static void svm_debug_init_obj(struct svm_kmem_cache *cachep, void *objp)
{
	if (cachep->flags & SVM_SLAB_RED_ZONE) {
		*svm_redzone1(cachep, objp) = SVM_RED_INACTIVE;
		*svm_redzone2(cachep, objp) = SVM_RED_INACTIVE;
	}
	if (cachep->flags & SVM_SLAB_POISON)
		svm_poison_obj(cachep, objp);
}

/* On allocation: the poison must be intact, the red zones inactive. */
static void svm_debug_alloc(struct svm_kmem_cache *cachep, void *objp)
{
	if (cachep->flags & SVM_SLAB_POISON) {
		u8 *p = objp + cachep->obj_offset;
		unsigned int n = cachep->obj_size;
		u8 *bad = memchr_inv(p, SVM_POISON_FREE, n - 1);

		if (!bad && p[n - 1] != SVM_POISON_END)
			bad = p + n - 1;
		if (bad)
			svm_slab_report(cachep, objp,
					"poison overwritten at offset %u (%#x): written after free",
					(unsigned int)(bad - p), *bad);
	}
	if (cachep->flags & SVM_SLAB_RED_ZONE) {
		u64 rz1 = *svm_redzone1(cachep, objp);
		u64 rz2 = *svm_redzone2(cachep, objp);

		if (rz1 != SVM_RED_INACTIVE || rz2 != SVM_RED_INACTIVE)
			svm_slab_report(cachep, objp,
					"red zone of a free object overwritten (%#llx %#llx)",
					rz1, rz2);
		*svm_redzone1(cachep, objp) = SVM_RED_ACTIVE;
		*svm_redzone2(cachep, objp) = SVM_RED_ACTIVE;
	}
}

/*
 * On free: the object must be one of @cachep's, at an object boundary, in
 * use, with intact red zones. Returns false when it must not be freed.
 */
static bool svm_debug_free(struct svm_kmem_cache *cachep, void *objp)
{
	struct svm_page *page = svm_addr_to_page(cachep->svm, objp);
	struct svm_slab *slabp;
	unsigned long off;

	if (!page || !svm_page_test_slab(page) ||
	    svm_page_get_cache(page) != cachep) {
		svm_slab_report(cachep, objp, "freed object is not of this cache");
		return false;
	}
	slabp = svm_page_get_slab(page);
	off = objp - slabp->s_mem;
	if (objp < slabp->s_mem || off % cachep->size ||
	    off / cachep->size >= cachep->num) {
		svm_slab_report(cachep, objp, "freed pointer is not an object start");
		return false;
	}
	if (cachep->flags & SVM_SLAB_RED_ZONE) {
		u64 rz1 = *svm_redzone1(cachep, objp);
		u64 rz2 = *svm_redzone2(cachep, objp);

		if (rz1 == SVM_RED_INACTIVE && rz2 == SVM_RED_INACTIVE) {
			svm_slab_report(cachep, objp, "double free");
			return false;
		}
		if (rz1 != SVM_RED_ACTIVE)
			svm_slab_report(cachep, objp,
					"red zone before the object overwritten (%#llx): underflow",
					rz1);
		if (rz2 != SVM_RED_ACTIVE)
			svm_slab_report(cachep, objp,
					"red zone after the object overwritten (%#llx): overflow",
					rz2);
	}
	svm_debug_init_obj(cachep, objp);
	return true;
}

/*
 * kmem_cache_grow(): add one free slab. The constructor runs here, once
 * per object. Returns false when no memory could be had.
 */
static bool svm_cache_grow(struct svm_kmem_cache *cachep, svm_gfp_t gfp)
{
	struct svm_instance *svm = cachep->svm;
	unsigned long nr = 1UL << cachep->gfporder, offset;
	u32 *bufctl;
	struct svm_slab *slabp;
	struct svm_page *page;
	unsigned int i;
	void *addr;

	spin_lock(&cachep->lock);
	offset = cachep->colour_next;
	if (++cachep->colour_next >= cachep->colour) {
		if (cachep->colour > 1)
			cachep->colour_wraps++;
		cachep->colour_next = 0;
	}
	cachep->growing++;
	spin_unlock(&cachep->lock);
	offset *= cachep->colour_off;

	page = svm_slab_alloc_block(svm, svm_slab_gfp(cachep, gfp),
				    cachep->gfporder);
	if (!page)
		goto failed;
	addr = svm_page_address(svm, page);
	if (cachep->flags & SVM_CFLGS_OFF_SLAB) {
		slabp = svm_kmem_cache_alloc(cachep->slabp_cache,
					     gfp & ~SVM_GFP_ZONEMASK);
		if (!slabp) {
			svm_free_pages(svm, page, cachep->gfporder);
			goto failed;
		}
		slabp->colouroff = offset;
	} else {
		slabp = addr + offset;
		slabp->colouroff = offset + cachep->slab_size;
	}
	slabp->s_mem = addr + slabp->colouroff;
	slabp->inuse = 0;
	slabp->free = 0;

	for (i = 0; i < nr; i++) {
		svm_page_set_slab(page + i);
		page[i].lru.next = (struct list_head *)cachep;
		page[i].lru.prev = (struct list_head *)slabp;
	}

	bufctl = svm_slab_bufctl(slabp);
	for (i = 0; i < cachep->num; i++) {
		void *objp = slabp->s_mem + i * cachep->size;

		if (cachep->flags & SVM_SLAB_DEBUG)
			svm_debug_init_obj(cachep, objp);
		if (cachep->ctor)
			cachep->ctor(objp + cachep->obj_offset);
		bufctl[i] = i + 1;
	}
	bufctl[cachep->num - 1] = SVM_BUFCTL_END;

	spin_lock(&cachep->lock);
	list_add_tail(&slabp->list, &cachep->slabs_free);
	cachep->free_objects += cachep->num;
	cachep->num_slabs++;
	cachep->grows++;
	cachep->grown = true;
	cachep->growing--;
	spin_unlock(&cachep->lock);
	trace_svm_slab_grow(svm->id, cachep->name, svm_page_to_pfn(svm, page),
			    cachep->gfporder, offset);
	return true;

failed:
	spin_lock(&cachep->lock);
	cachep->growing--;
	spin_unlock(&cachep->lock);
	return false;
}

/* kmem_slab_destroy(): give an unlinked slab's pages back. No locks held. */
static void svm_slab_destroy(struct svm_kmem_cache *cachep,
			     struct svm_slab *slabp)
{
	struct svm_instance *svm = cachep->svm;
	unsigned long i, nr = 1UL << cachep->gfporder;
	unsigned long colour = slabp->colouroff;
	struct svm_page *page;

	/* svm_cache_grow()'s colour lies before an on-slab descriptor. */
	if (!(cachep->flags & SVM_CFLGS_OFF_SLAB))
		colour -= cachep->slab_size;
	page = svm_addr_to_page(svm, slabp->s_mem - slabp->colouroff);
	if (unlikely(!page)) {
		atomic_long_inc(&cachep->errors);
		pr_err("%s: cache %s: slab %p has no shadow page, leaked\n",
		       svm->name, cachep->name, slabp);
		return;
	}
	trace_svm_slab_shrink(svm->id, cachep->name,
			      svm_page_to_pfn(svm, page), cachep->gfporder,
			      colour);
	for (i = 0; i < nr; i++) {
		svm_page_clear_slab(page + i);
		INIT_LIST_HEAD(&page[i].lru);
	}
	svm_free_pages(svm, page, cachep->gfporder);
	if (cachep->flags & SVM_CFLGS_OFF_SLAB)
		svm_kmem_cache_free(cachep->slabp_cache, slabp);
}

/* Take up to @max slabs off the free list. Caller holds cachep->lock. */
static unsigned long svm_take_free_slabs(struct svm_kmem_cache *cachep,
					 struct list_head *out,
					 unsigned long max)
{
	unsigned long n = 0;

	while (n < max && !list_empty(&cachep->slabs_free)) {
		struct svm_slab *slabp;

		slabp = list_last_entry(&cachep->slabs_free, struct svm_slab,
					list);
		list_move(&slabp->list, out);
		cachep->free_objects -= cachep->num;
		cachep->num_slabs--;
		n++;
	}
	return n;
}

static void svm_destroy_slab_list(struct svm_kmem_cache *cachep,
				  struct list_head *list)
{
	struct svm_slab *slabp, *tmp;

	list_for_each_entry_safe(slabp, tmp, list, list) {
		list_del(&slabp->list);
		svm_slab_destroy(cachep, slabp);
	}
}

static inline void *svm_slab_get_obj(struct svm_kmem_cache *cachep,
				     struct svm_slab *slabp)
{
	void *objp = slabp->s_mem + slabp->free * cachep->size;

	slabp->free = svm_slab_bufctl(slabp)[slabp->free];
	slabp->inuse++;
	return objp;
}

/* First slab with a free object, partial ones first. Under cachep->lock. */
static struct svm_slab *svm_slab_with_room(struct svm_kmem_cache *cachep)
{
	if (!list_empty(&cachep->slabs_partial))
		return list_first_entry(&cachep->slabs_partial,
					struct svm_slab, list);
	if (!list_empty(&cachep->slabs_free))
		return list_first_entry(&cachep->slabs_free, struct svm_slab,
					list);
	return NULL;
}

static inline void svm_slab_place(struct svm_kmem_cache *cachep,
				  struct svm_slab *slabp)
{
	if (slabp->inuse == cachep->num)
		list_move(&slabp->list, &cachep->slabs_full);
	else
		list_move(&slabp->list, &cachep->slabs_partial);
}

static inline void svm_note_active(struct svm_kmem_cache *cachep)
{
	unsigned long active = cachep->num_slabs * cachep->num -
			       cachep->free_objects;

	if (active > cachep->high_mark)
		cachep->high_mark = active;
}

/*
 * Move up to @nr objects from the slabs to @entry. Caller holds
 * cachep->lock. Returns how many were moved.
 */
static unsigned int svm_take_objs(struct svm_kmem_cache *cachep, void **entry,
				  unsigned int nr)
{
	unsigned int n = 0;

	while (n < nr) {
		struct svm_slab *slabp = svm_slab_with_room(cachep);

		if (!slabp)
			break;
		while (slabp->inuse < cachep->num && n < nr)
			entry[n++] = svm_slab_get_obj(cachep, slabp);
		svm_slab_place(cachep, slabp);
	}
	cachep->free_objects -= n;
	cachep->listallocs += n;
	svm_note_active(cachep);
	return n;
}

/*
 * free_block(): put objects back on their slabs, moving the slabs between
 * the lists. Caller holds cachep->lock.
 */
static void svm_free_block(struct svm_kmem_cache *cachep, void **objpp,
			   unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		void *objp = objpp[i];
		struct svm_page *page = svm_addr_to_page(cachep->svm, objp);
		struct svm_slab *slabp;
		unsigned int idx;

		if (unlikely(!page || !svm_page_test_slab(page) ||
			     svm_page_get_cache(page) != cachep)) {
			atomic_long_inc(&cachep->errors);
			pr_err("%s: slab error in cache %s: object %p is not of this cache, dropped\n",
			       cachep->svm->name, cachep->name, objp);
			continue;
		}
		slabp = svm_page_get_slab(page);
		idx = (objp - slabp->s_mem) / cachep->size;
		svm_slab_bufctl(slabp)[idx] = slabp->free;
		slabp->free = idx;
		if (--slabp->inuse == 0)
			list_move(&slabp->list, &cachep->slabs_free);
		else if (slabp->inuse == cachep->num - 1)
			list_move(&slabp->list, &cachep->slabs_partial);
		cachep->free_objects++;
	}
}

/* cache_flusharray(): the oldest batch of a full array goes back. */
static void svm_flusharray(struct svm_kmem_cache *cachep,
			   struct svm_array_cache *ac, unsigned int nr)
{
	nr = min(nr, ac->avail);
	spin_lock(&cachep->lock);
	svm_free_block(cachep, ac->entry, nr);
	spin_unlock(&cachep->lock);
	ac->avail -= nr;
	memmove(ac->entry, ac->entry + nr, ac->avail * sizeof(void *));
}

/*
 * Make the array caches of @cachep, one per possible CPU, at its first
 * allocation. They are size-2048 objects: making those of size-2048 itself
 * recurses once and is served from its slabs directly.
 */
static void svm_enable_cpucache(struct svm_kmem_cache *cachep, svm_gfp_t gfp)
{
	struct svm_array_cache *chain = NULL, *ac;
	int cpu;

	if (atomic_cmpxchg(&cachep->cpucache_state, SVM_CPUCACHE_NONE,
			   SVM_CPUCACHE_MAKING) != SVM_CPUCACHE_NONE)
		return;
	gfp &= ~(SVM_GFP_ZONEMASK | SVM_GFP_ZERO);
	/* Make them all first, chained through entry[0]: all or none. */
	for_each_possible_cpu(cpu) {
		ac = svm_kmalloc(cachep->svm, SVM_AC_BYTES, gfp | SVM_GFP_NOWARN);
		if (!ac)
			goto fail;
		memset(ac, 0, sizeof(*ac));
		ac->entry[0] = chain;
		chain = ac;
	}
	/* Under the list lock, so that a concurrent tuning is not lost. */
	spin_lock(&cachep->lock);
	for_each_possible_cpu(cpu) {
		ac = chain;
		chain = ac->entry[0];
		ac->limit = cachep->limit;
		ac->batchcount = cachep->batchcount;
		/* Initialised before visible; pairs with READ_ONCE() users. */
		smp_store_release(&cachep->array[cpu], ac);
	}
	spin_unlock(&cachep->lock);
	atomic_set(&cachep->cpucache_state, SVM_CPUCACHE_MADE);
	return;

fail:
	while (chain) {
		ac = chain;
		chain = ac->entry[0];
		svm_kfree(cachep->svm, ac);
	}
	atomic_set(&cachep->cpucache_state, SVM_CPUCACHE_NONE);
}

/* __cache_alloc(): this CPU's array first, then the slabs, then grow. */
static void *svm_cache_alloc(struct svm_kmem_cache *cachep, svm_gfp_t gfp)
{
	struct svm_array_cache *ac;
	void *objp;

	svm_assert_task_context();
	might_sleep_if(svm_gfpflags_allow_blocking(gfp));
	if (svm_should_fail_slab(cachep->svm, gfp, cachep->obj_size))
		return NULL;
	for (;;) {
		preempt_disable();
		ac = READ_ONCE(cachep->array[smp_processor_id()]);
		if (likely(ac)) {
			if (likely(ac->avail)) {
				ac->allochit++;
				objp = ac->entry[--ac->avail];
			} else {
				ac->allocmiss++;
				spin_lock(&cachep->lock);
				ac->avail = svm_take_objs(cachep, ac->entry,
							  min(ac->batchcount,
							      ac->limit));
				spin_unlock(&cachep->lock);
				objp = ac->avail ? ac->entry[--ac->avail] :
						   NULL;
			}
			ac->touched = 1;
		} else {
			spin_lock(&cachep->lock);
			if (!svm_take_objs(cachep, &objp, 1))
				objp = NULL;
			spin_unlock(&cachep->lock);
		}
		preempt_enable();
		if (likely(objp))
			break;
		if (!svm_cache_grow(cachep, gfp))
			return NULL;
	}
	if (unlikely(!ac) &&
	    atomic_read(&cachep->cpucache_state) == SVM_CPUCACHE_NONE)
		svm_enable_cpucache(cachep, gfp);
	return objp;
}

/* __cache_free(): onto this CPU's array; a full array flushes a batch. */
static void svm_cache_free(struct svm_kmem_cache *cachep, void *objp)
{
	struct svm_array_cache *ac;

	svm_assert_task_context();
	preempt_disable();
	ac = READ_ONCE(cachep->array[smp_processor_id()]);
	if (likely(ac)) {
		if (likely(ac->avail < ac->limit)) {
			ac->freehit++;
		} else {
			ac->freemiss++;
			svm_flusharray(cachep, ac, ac->batchcount);
		}
		ac->entry[ac->avail++] = objp;
	} else {
		spin_lock(&cachep->lock);
		svm_free_block(cachep, &objp, 1);
		spin_unlock(&cachep->lock);
	}
	preempt_enable();
}

/* Debugging checks, then __cache_free(); @objp is the user's pointer. */
static inline void svm_cache_free_checked(struct svm_kmem_cache *cachep,
					  void *objp)
{
	objp -= cachep->obj_offset;
	if (unlikely(cachep->flags & SVM_SLAB_DEBUG) &&
	    !svm_debug_free(cachep, objp))
		return;
	svm_cache_free(cachep, objp);
}

/**
 * svm_kmem_cache_alloc() - allocate one object
 * @cachep: the cache
 * @gfp: SVM_GFP_* flags for growing the cache; SVM_GFP_ZERO zeroes the
 *       object
 *
 * Takes an object from this CPU's array cache; an empty array is refilled
 * with batchcount objects from the partial, then free slabs; when there are
 * none the cache grows by one slab. With SVM_SLAB_POISON or
 * SVM_SLAB_RED_ZONE the object is checked first (a violation is reported
 * and counted in @cachep->errors, and the object handed out anyway).
 *
 * Context: task context, never softirq or hardirq: works on this CPU's
 * array cache with only preemption disabled and takes the cache's lock
 * without disabling bottom halves. Growing the cache calls
 * svm_alloc_pages() with no slab lock held; it sleeps (and may reclaim,
 * which takes the chain mutex) only with SVM_GFP_WAIT.
 * Return: the object, or NULL when the cache cannot grow.
 */
void *svm_kmem_cache_alloc(struct svm_kmem_cache *cachep, svm_gfp_t gfp)
{
	void *objp = svm_cache_alloc(cachep, gfp);

	if (unlikely(!objp))
		return NULL;
	if (unlikely(cachep->flags & SVM_SLAB_DEBUG))
		svm_debug_alloc(cachep, objp);
	objp += cachep->obj_offset;
	if (gfp & SVM_GFP_ZERO)
		memset(objp, 0, cachep->obj_size);
	trace_svm_kmem_cache_alloc(cachep->svm->id, cachep->name,
				   cachep->obj_size,
				   (__force unsigned int)gfp);
	return objp;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_alloc);

/**
 * svm_kmem_cache_free() - free an object to its cache
 * @cachep: the cache it came from
 * @objp: the object; NULL is ignored
 *
 * The object goes onto this CPU's array cache; a full array first gives
 * its oldest batchcount objects back to their slabs. Debugging caches
 * check the object (cache, boundary, double free, red zones) and poison
 * it first; a bad pointer is reported and not freed.
 *
 * Context: task context, never softirq or hardirq; does not sleep. Works
 * on this CPU's array cache with only preemption disabled; a full array
 * takes the cache's lock to give a batch back.
 */
void svm_kmem_cache_free(struct svm_kmem_cache *cachep, void *objp)
{
	if (unlikely(!objp))
		return;
	trace_svm_kmem_cache_free(cachep->svm->id, cachep->name);
	svm_cache_free_checked(cachep, objp);
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_free);

/*
 * Work on each CPU's array cache where only that CPU may touch it: on the
 * CPU itself with preemption off (the fast paths run with preemption off,
 * so they cannot be interrupted by this), through a work item bound to
 * the CPU for the others, as 6.12 SLUB's flush_all() does; directly for
 * offline CPUs, which run nothing. A @limit of 0 drains the array,
 * otherwise it sets the tunables and gives back what exceeds the limit.
 * Without @remote, the arrays of other online CPUs are left alone: a task
 * in reclaim (PF_MEMALLOC) must not wait for work items on a workqueue
 * without a rescuer, which may need memory to find a worker.
 */
struct svm_ac_work {
	struct work_struct work;
	struct svm_kmem_cache *cachep;
	unsigned int limit;
	unsigned int batchcount;
};

static void svm_ac_apply(struct svm_kmem_cache *cachep,
			 struct svm_array_cache *ac, unsigned int limit,
			 unsigned int batchcount)
{
	if (!limit) {
		svm_flusharray(cachep, ac, ac->avail);
		return;
	}
	ac->limit = limit;
	ac->batchcount = batchcount;
	if (ac->avail > limit)
		svm_flusharray(cachep, ac, ac->avail - limit);
}

static void svm_ac_work_fn(struct work_struct *work)
{
	struct svm_ac_work *w = container_of(work, struct svm_ac_work, work);
	struct svm_array_cache *ac;

	preempt_disable();
	ac = READ_ONCE(w->cachep->array[smp_processor_id()]);
	if (ac)
		svm_ac_apply(w->cachep, ac, w->limit, w->batchcount);
	preempt_enable();
}

static void svm_ac_on_each_cpu(struct svm_kmem_cache *cachep,
			       unsigned int limit, unsigned int batchcount,
			       bool remote)
{
	struct svm_ac_work w = {
		.cachep = cachep, .limit = limit, .batchcount = batchcount,
	};
	int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		struct svm_array_cache *ac = READ_ONCE(cachep->array[cpu]);

		if (!ac)
			continue;
		if (!cpu_online(cpu)) {
			svm_ac_apply(cachep, ac, limit, batchcount);
			continue;
		}
		if (get_cpu() == cpu) {
			svm_ac_apply(cachep, ac, limit, batchcount);
			put_cpu();
			continue;
		}
		put_cpu();
		if (!remote)
			continue;
		INIT_WORK_ONSTACK(&w.work, svm_ac_work_fn);
		queue_work_on(cpu, system_highpri_wq, &w.work);
		flush_work(&w.work);
		destroy_work_on_stack(&w.work);
	}
	cpus_read_unlock();
}

/**
 * svm_kmem_cache_drain() - give every CPU's array cache back to the slabs
 * @cachep: the cache
 *
 * Other CPUs' arrays are drained by a work item on each of them.
 *
 * Context: process context; sleeps.
 */
void svm_kmem_cache_drain(struct svm_kmem_cache *cachep)
{
	svm_ac_on_each_cpu(cachep, 0, 0, true);
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_drain);

/**
 * svm_kmem_cache_shrink() - drain the array caches and free every free slab
 * @cachep: the cache
 *
 * Context: process context; sleeps.
 * Return: the number of pages given back to the buddy allocator.
 */
unsigned long svm_kmem_cache_shrink(struct svm_kmem_cache *cachep)
{
	LIST_HEAD(list);
	unsigned long n;

	svm_kmem_cache_drain(cachep);
	spin_lock(&cachep->lock);
	n = svm_take_free_slabs(cachep, &list, ULONG_MAX);
	cachep->shrinks += n;
	spin_unlock(&cachep->lock);
	svm_destroy_slab_list(cachep, &list);
	return n << cachep->gfporder;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_shrink);

static struct svm_kmem_cache *svm_chain_next(struct svm_slab_state *st,
					     struct svm_kmem_cache *cachep)
{
	if (list_is_last(&cachep->next, &st->chain))
		return list_first_entry(&st->chain, struct svm_kmem_cache,
					next);
	return list_next_entry(cachep, next);
}

/**
 * svm_kmem_cache_reap() - free slabs of the cache with the most to give
 * @svm: the instance
 * @gfp: a request that may not sleep (no SVM_GFP_WAIT) gives up at once
 *       when the cache chain is busy
 *
 * The book's kmem_cache_reap(): starting where the last call stopped, look
 * at up to SVM_REAP_SCANLEN caches of the chain. Skip caches marked
 * SVM_SLAB_NO_REAP, growing right now, or grown since the last look (that
 * mark is cleared, so they are candidates next time). Drain each
 * candidate's array caches (only when it may sleep; from within reclaim,
 * PF_MEMALLOC, only this CPU's and offline CPUs' arrays, since the
 * others' work items run on a workqueue without a rescuer) and weigh its
 * free slabs in pages, counting
 * caches with a constructor or multi-page slabs at 4/5 (they cost more to
 * rebuild); a cache worth SVM_REAP_PERFECT pages is taken at once. Half of
 * the chosen cache's free slabs, rounded up, go back to the buddy
 * allocator.
 *
 * Context: task context. With SVM_GFP_WAIT it takes the chain mutex and
 * sleeps (draining waits for work items): the caller must not hold the
 * chain mutex. Without it, it only tries the mutex and does not sleep.
 * Takes each cache's lock in turn under the mutex; frees pages with no
 * cache lock held.
 * Return: the number of pages freed.
 */
unsigned long svm_kmem_cache_reap(struct svm_instance *svm, svm_gfp_t gfp)
{
	struct svm_slab_state *st = svm->slab;
	struct svm_kmem_cache *searchp, *best = NULL;
	unsigned long best_pages = 0, best_len = 0, n, ret = 0;
	unsigned int scan = SVM_REAP_SCANLEN;
	LIST_HEAD(list);

	if (svm_gfpflags_allow_blocking(gfp))
		mutex_lock(&st->chain_mutex);
	else if (!mutex_trylock(&st->chain_mutex))
		return 0;

	searchp = st->clock;
	do {
		unsigned long full_free = 0, pages;
		struct svm_slab *slabp;

		if (searchp->flags & SVM_SLAB_NO_REAP)
			goto next;
		spin_lock(&searchp->lock);
		if (searchp->growing || searchp->grown) {
			searchp->grown = false;
			spin_unlock(&searchp->lock);
			goto next;
		}
		spin_unlock(&searchp->lock);
		/* Reclaim drains only this CPU's and offline CPUs' arrays. */
		if (svm_gfpflags_allow_blocking(gfp))
			svm_ac_on_each_cpu(searchp, 0, 0,
					   !(current->flags & PF_MEMALLOC));
		spin_lock(&searchp->lock);
		list_for_each_entry(slabp, &searchp->slabs_free, list)
			full_free++;
		spin_unlock(&searchp->lock);
		pages = full_free << searchp->gfporder;
		if (searchp->ctor)
			pages = (pages * 4 + 1) / 5;
		if (searchp->gfporder)
			pages = (pages * 4 + 1) / 5;
		if (pages > best_pages) {
			best = searchp;
			best_len = full_free;
			best_pages = pages;
			if (pages >= SVM_REAP_PERFECT) {
				searchp = svm_chain_next(st, searchp);
				break;
			}
		}
next:
		searchp = svm_chain_next(st, searchp);
	} while (--scan && searchp != st->clock);
	st->clock = searchp;

	if (best) {
		spin_lock(&best->lock);
		n = best->growing ? 0 :
		    svm_take_free_slabs(best, &list, (best_len + 1) / 2);
		best->reaps += n;
		spin_unlock(&best->lock);
		svm_destroy_slab_list(best, &list);
		ret = n << best->gfporder;
		trace_svm_slab_reap(svm->id, best->name, n, ret);
	}
	mutex_unlock(&st->chain_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_reap);

/**
 * svm_kmem_cache_create() - create a cache and put it on the cache chain
 * @svm: the instance
 * @name: name for slabinfo (copied, at most 31 characters); must be unique
 * @size: bytes per object, 1 to PAGE_SIZE << SVM_SLAB_MAX_ORDER (less the
 *        red zones)
 * @align: minimum alignment, a power of two up to PAGE_SIZE, or 0
 * @flags: SVM_SLAB_* flags
 * @ctor: constructor run once on each object when its slab is made, or
 *        NULL; objects must be freed in their constructed state.
 *        SVM_SLAB_POISON is dropped for caches with a constructor.
 *
 * The descriptor comes from cache_cache. The layout is kmem_cache_create()'s:
 * objects are word aligned, or on cache lines with SVM_SLAB_HWCACHE_ALIGN
 * (halved while two objects fit in one); the slab order grows from 0 until
 * at most 1/8 of the slab is wasted, up to SVM_SLAB_BREAK_ORDER (more only
 * if no object fits); objects of PAGE_SIZE / 8 and more get their
 * descriptor off the slab unless the left-over space holds it; the
 * left-over space is cut into colours of a cache line each.
 *
 * Context: process context; may sleep. The descriptor is allocated, and
 * may reclaim, before the chain mutex is taken: the caller must not hold
 * it.
 * Return: the cache, or NULL (bad arguments, a duplicate name, no memory;
 * the reason is logged).
 */
struct svm_kmem_cache *svm_kmem_cache_create(struct svm_instance *svm,
					     const char *name, size_t size,
					     size_t align, unsigned int flags,
					     void (*ctor)(void *obj))
{
	struct svm_slab_state *st = svm->slab;
	struct svm_kmem_cache *cachep, *c;
	int ret;

	if (!name || !*name || !size || (flags & ~SVM_SLAB_VALID) ||
	    (align & (align - 1)) || align > PAGE_SIZE) {
		pr_err("%s: %s(%s, %zu, %zu, %#x): bad arguments\n", svm->name,
		       __func__, name ? name : "(null)", size, align, flags);
		return NULL;
	}
	/*
	 * The descriptor is allocated before the chain mutex is taken, as
	 * the book's kmem_cache_create() did before cache_chain_sem: the
	 * allocation may enter direct reclaim, whose svm_kmem_cache_reap()
	 * takes the chain mutex.
	 */
	cachep = svm_kmem_cache_alloc(st->cache_cache,
				      SVM_GFP_KERNEL | SVM_GFP_ZERO);
	if (!cachep) {
		pr_err("%s: %s(%s): no memory\n", svm->name, __func__, name);
		return NULL;
	}
	ret = svm_cache_setup(svm, cachep, name, size, align, flags, ctor);
	if (ret) {
		pr_err("%s: %s(%s, %zu): object too large\n", svm->name,
		       __func__, name, size);
		goto fail;
	}
	mutex_lock(&st->chain_mutex);
	list_for_each_entry(c, &st->chain, next) {
		if (!strncmp(c->name, name, sizeof(c->name) - 1)) {
			mutex_unlock(&st->chain_mutex);
			pr_err("%s: %s(%s): a cache of that name exists\n",
			       svm->name, __func__, name);
			goto fail;
		}
	}
	list_add_tail(&cachep->next, &st->chain);
	mutex_unlock(&st->chain_mutex);
	return cachep;

fail:
	svm_kmem_cache_free(st->cache_cache, cachep);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_create);

/* Detach and free a cache's array caches, flushing them first. */
static void svm_free_cpucaches(struct svm_kmem_cache *cachep)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_array_cache *ac = cachep->array[cpu];

		if (!ac)
			continue;
		/* Nobody uses the cache any more: no need to be on @cpu. */
		WRITE_ONCE(cachep->array[cpu], NULL);
		svm_flusharray(cachep, ac, ac->avail);
		svm_kfree(cachep->svm, ac);
	}
}

/**
 * svm_kmem_cache_destroy() - remove an empty cache
 * @cachep: a cache from svm_kmem_cache_create(); NULL is ignored
 *
 * Drains the array caches and frees every free slab. A cache with objects
 * still allocated is not destroyed: that is reported with one log line
 * and counted in @cachep->errors.
 *
 * Context: process context; sleeps (takes the chain mutex, drains the
 * array caches with work items). The caller must not use the cache
 * meanwhile.
 * Return: 0, -EBUSY when objects are still allocated, -EINVAL for a cache
 * of the allocator itself.
 */
int svm_kmem_cache_destroy(struct svm_kmem_cache *cachep)
{
	struct svm_slab_state *st;
	unsigned long live;

	if (!cachep)
		return 0;
	st = cachep->svm->slab;
	if (cachep->flags & SVM_CFLGS_NATIVE)
		return -EINVAL;
	mutex_lock(&st->chain_mutex);
	svm_kmem_cache_shrink(cachep);
	spin_lock(&cachep->lock);
	live = cachep->num_slabs * cachep->num - cachep->free_objects;
	spin_unlock(&cachep->lock);
	if (live) {
		atomic_long_inc(&cachep->errors);
		pr_err("%s: %s(%s): %lu objects still allocated, refused\n",
		       cachep->svm->name, __func__, cachep->name, live);
		mutex_unlock(&st->chain_mutex);
		return -EBUSY;
	}
	if (st->clock == cachep)
		st->clock = svm_chain_next(st, cachep);
	list_del(&cachep->next);
	mutex_unlock(&st->chain_mutex);

	svm_free_cpucaches(cachep);
	/* Freeing the arrays may have parked nothing here; slabs are gone. */
	svm_kmem_cache_free(st->cache_cache, cachep);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_destroy);

/**
 * svm_kmem_cache_tune() - set the per-CPU array tunables of a cache
 * @cachep: the cache
 * @limit: most objects per array, 1 to what fits an array (about 250)
 * @batchcount: objects moved per refill or flush, 1 to @limit
 * @shared: must be 0: there are no shared (per-node) arrays, as in 2.4
 *
 * Arrays holding more than the new limit give the excess back at once.
 *
 * Context: process context; sleeps.
 * Return: 0, or -EINVAL for values out of range.
 */
int svm_kmem_cache_tune(struct svm_kmem_cache *cachep, unsigned int limit,
			unsigned int batchcount, unsigned int shared)
{
	if (!limit || limit > SVM_AC_MAX_LIMIT || !batchcount ||
	    batchcount > limit || shared)
		return -EINVAL;
	/* Arrays made after this see the new values, see
	 * svm_enable_cpucache(); those made before are updated here.
	 */
	spin_lock(&cachep->lock);
	cachep->limit = limit;
	cachep->batchcount = batchcount;
	spin_unlock(&cachep->lock);
	svm_ac_on_each_cpu(cachep, limit, batchcount, true);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_tune);

/**
 * svm_kmem_cache_get_stats() - snapshot a cache's object and slab counts
 * @cachep: the cache
 * @st: where to store them
 *
 * Context: task context, never softirq or hardirq; does not sleep. Takes
 * the cache's lock; other CPUs' array figures are read without it.
 */
void svm_kmem_cache_get_stats(struct svm_kmem_cache *cachep,
			      struct svm_kmem_cache_stats *st)
{
	struct svm_slab *slabp;
	int cpu;

	svm_assert_task_context();
	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		struct svm_array_cache *ac = READ_ONCE(cachep->array[cpu]);

		if (!ac)
			continue;
		/* Other CPUs' figures may be a moment old. */
		st->cpu_avail += READ_ONCE(ac->avail);
		st->allochit += READ_ONCE(ac->allochit);
		st->allocmiss += READ_ONCE(ac->allocmiss);
		st->freehit += READ_ONCE(ac->freehit);
		st->freemiss += READ_ONCE(ac->freemiss);
	}
	spin_lock(&cachep->lock);
	list_for_each_entry(slabp, &cachep->slabs_full, list)
		st->full++;
	list_for_each_entry(slabp, &cachep->slabs_partial, list)
		st->partial++;
	list_for_each_entry(slabp, &cachep->slabs_free, list)
		st->free++;
	st->num_objs = cachep->num_slabs * cachep->num;
	st->active_objs = st->num_objs - cachep->free_objects;
	spin_unlock(&cachep->lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_get_stats);

static int svm_check_slab(struct svm_kmem_cache *cachep,
			  struct svm_slab *slabp, unsigned int lo,
			  unsigned int hi, const char *list)
{
	struct svm_instance *svm = cachep->svm;
	u32 *bufctl = svm_slab_bufctl(slabp);
	struct svm_page *page;
	unsigned int i, nfree = 0, idx;

	if (slabp->inuse < lo || slabp->inuse > hi) {
		pr_err("%s: cache %s: slab with %u objects in use on the %s list\n",
		       svm->name, cachep->name, slabp->inuse, list);
		return -EINVAL;
	}
	for (idx = slabp->free; idx != SVM_BUFCTL_END; idx = bufctl[idx]) {
		if (idx >= cachep->num || ++nfree > cachep->num) {
			pr_err("%s: cache %s: bad free index chain\n",
			       svm->name, cachep->name);
			return -EINVAL;
		}
	}
	if (nfree != cachep->num - slabp->inuse) {
		pr_err("%s: cache %s: %u free indices, %u objects in use of %u\n",
		       svm->name, cachep->name, nfree, slabp->inuse,
		       cachep->num);
		return -EINVAL;
	}
	page = svm_addr_to_page(svm, slabp->s_mem - slabp->colouroff);
	for (i = 0; page && i < (1U << cachep->gfporder); i++) {
		if (!svm_page_test_slab(page + i) ||
		    svm_page_get_cache(page + i) != cachep ||
		    svm_page_get_slab(page + i) != slabp)
			page = NULL;
	}
	if (!page) {
		pr_err("%s: cache %s: slab pages not marked as its own\n",
		       svm->name, cachep->name);
		return -EINVAL;
	}
	return cachep->num - slabp->inuse;
}

static int svm_check_list(struct svm_kmem_cache *cachep,
			  struct list_head *head, unsigned int lo,
			  unsigned int hi, const char *what,
			  unsigned long *slabs, unsigned long *nfree)
{
	struct svm_slab *slabp;
	int ret;

	list_for_each_entry(slabp, head, list) {
		ret = svm_check_slab(cachep, slabp, lo, hi, what);
		if (ret < 0)
			return ret;
		*nfree += ret;
		(*slabs)++;
	}
	return 0;
}

/**
 * svm_kmem_cache_check() - check a cache's lists and counters
 * @cachep: the cache
 *
 * Every slab on the right list for its use count, every free-index chain
 * as long as the slab's free objects, every slab page marked and pointing
 * back, the counters equal to what the lists hold, no array over its
 * limit. The first problem is logged.
 *
 * Context: task context, never softirq or hardirq; does not sleep. Takes
 * the cache's lock.
 * Return: 0, or -EINVAL.
 */
int svm_kmem_cache_check(struct svm_kmem_cache *cachep)
{
	unsigned long slabs = 0, nfree = 0;
	int cpu, ret;

	svm_assert_task_context();
	for_each_possible_cpu(cpu) {
		struct svm_array_cache *ac = READ_ONCE(cachep->array[cpu]);

		if (ac && READ_ONCE(ac->avail) > READ_ONCE(ac->limit)) {
			pr_err("%s: cache %s: cpu %d array over its limit\n",
			       cachep->svm->name, cachep->name, cpu);
			return -EINVAL;
		}
	}
	spin_lock(&cachep->lock);
	ret = svm_check_list(cachep, &cachep->slabs_full, cachep->num,
			     cachep->num, "full", &slabs, &nfree);
	if (!ret)
		ret = svm_check_list(cachep, &cachep->slabs_partial, 1,
				     cachep->num - 1, "partial", &slabs,
				     &nfree);
	if (!ret)
		ret = svm_check_list(cachep, &cachep->slabs_free, 0, 0, "free",
				     &slabs, &nfree);
	if (ret)
		goto out;
	if (slabs != cachep->num_slabs || nfree != cachep->free_objects) {
		pr_err("%s: cache %s: counted %lu slabs %lu free objects, recorded %lu %lu\n",
		       cachep->svm->name, cachep->name, slabs, nfree,
		       cachep->num_slabs, cachep->free_objects);
		ret = -EINVAL;
	}
out:
	spin_unlock(&cachep->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_cache_check);

/**
 * svm_kmem_obj_cache() - the cache an object belongs to
 * @svm: the instance
 * @objp: a pointer into a slab
 *
 * Context: any context; takes no lock.
 * Return: the cache, in O(1) through the page descriptor, or NULL when
 * @objp is not in a slab of @svm.
 */
struct svm_kmem_cache *svm_kmem_obj_cache(struct svm_instance *svm,
					  const void *objp)
{
	struct svm_page *page = svm_addr_to_page(svm, objp);

	if (!page || !svm_page_test_slab(page))
		return NULL;
	return svm_page_get_cache(page);
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmem_obj_cache);

static void *svm_kmalloc_large(struct svm_instance *svm, size_t size,
			       svm_gfp_t gfp)
{
	unsigned int order = get_order(size);
	struct svm_page *page;

	if (order > SVM_MAX_ORDER) {
		if (!(gfp & SVM_GFP_NOWARN))
			pr_warn_ratelimited("%s: svm_kmalloc(%zu): too large\n",
					    svm->name, size);
		return NULL;
	}
	page = svm_slab_alloc_block(svm, gfp & ~SVM_GFP_MOVABLE, order);
	if (!page)
		return NULL;
	page->lru.next = (struct list_head *)svm->slab;
	page->lru.prev = NULL;
	atomic_long_inc(&svm->slab->large_allocs);
	trace_svm_kmalloc(svm->id, "buddy", size, PAGE_SIZE << order,
			  (__force unsigned int)gfp);
	return svm_page_address(svm, page);
}

/**
 * svm_kmalloc() - allocate memory from the sizes caches
 * @svm: the instance
 * @size: bytes wanted
 * @gfp: SVM_GFP_* flags; SVM_GFP_DMA uses the DMA caches, SVM_GFP_ZERO
 *       zeroes the memory; SVM_GFP_HIGHMEM is refused (objects need a
 *       kernel address)
 *
 * Requests up to SVM_KMALLOC_MAX_SIZE (32 KiB) come from the smallest
 * power-of-two sizes cache (32 bytes up) that holds them; larger ones are
 * whole blocks of the buddy allocator, up to order SVM_MAX_ORDER.
 *
 * Context: as svm_kmem_cache_alloc(); large blocks as svm_alloc_pages().
 * Return: the memory, ZERO_SIZE_PTR for @size 0, or NULL.
 */
void *svm_kmalloc(struct svm_instance *svm, size_t size, svm_gfp_t gfp)
{
	struct svm_kmem_cache *cachep;
	void *objp;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (unlikely(gfp & SVM_GFP_HIGHMEM)) {
		if (!(gfp & SVM_GFP_NOWARN))
			pr_warn_ratelimited("%s: %s(%zu): highmem has no kernel address, refused\n",
					    svm->name, __func__, size);
		return NULL;
	}
	if (unlikely(size > SVM_KMALLOC_MAX_SIZE))
		return svm_kmalloc_large(svm, size, gfp);
	cachep = svm->slab->sizes[!!(gfp & SVM_GFP_DMA)][svm_kmalloc_index(size)];
	objp = svm_cache_alloc(cachep, gfp);
	if (unlikely(!objp))
		return NULL;
	if (gfp & SVM_GFP_ZERO)
		memset(objp, 0, cachep->obj_size);
	trace_svm_kmalloc(svm->id, cachep->name, size, cachep->obj_size,
			  (__force unsigned int)gfp);
	return objp;
}
EXPORT_SYMBOL_IF_KUNIT(svm_kmalloc);

static void svm_bad_kfree(struct svm_instance *svm, const void *objp,
			  const char *why)
{
	atomic_long_inc(&svm->slab->bad_frees);
	pr_err("%s: svm_kfree(%p): %s, refused\n", svm->name, objp, why);
}

/**
 * svm_kfree() - free memory from svm_kmalloc()
 * @svm: the instance
 * @objp: the memory; NULL and ZERO_SIZE_PTR are ignored
 *
 * The page descriptor of @objp names its cache in O(1); a large block goes
 * back to the buddy allocator. A pointer that is neither is reported,
 * counted in the instance's bad_frees and left alone.
 *
 * Context: as svm_kmem_cache_free(); large blocks as svm_free_pages().
 */
void svm_kfree(struct svm_instance *svm, const void *objp)
{
	struct svm_kmem_cache *cachep;
	struct svm_page *page;

	if (unlikely(ZERO_OR_NULL_PTR(objp)))
		return;
	page = svm_addr_to_page(svm, objp);
	if (unlikely(!page)) {
		svm_bad_kfree(svm, objp, "not memory of this instance");
		return;
	}
	if (likely(svm_page_test_slab(page))) {
		cachep = svm_page_get_cache(page);
		trace_svm_kfree(svm->id, cachep->name, cachep->obj_size);
		svm_cache_free_checked(cachep, (void *)objp);
		return;
	}
	if (!svm_page_kmalloc_large(svm, page) ||
	    objp != svm_page_address(svm, page) || svm_page_count(page) <= 0) {
		svm_bad_kfree(svm, objp, "not memory of this instance's allocator");
		return;
	}
	trace_svm_kfree(svm->id, "buddy",
			PAGE_SIZE << svm_page_alloc_order(page));
	INIT_LIST_HEAD(&page->lru);
	atomic_long_dec(&svm->slab->large_allocs);
	svm_free_pages(svm, page, svm_page_alloc_order(page));
}
EXPORT_SYMBOL_IF_KUNIT(svm_kfree);

/**
 * svm_ksize() - bytes usable in a block from svm_kmalloc()
 * @svm: the instance
 * @objp: the memory
 *
 * Context: any context; takes no lock.
 * Return: the object size of its cache (the sizes class), the size of its
 * buddy block, 0 for NULL or memory that is not the allocator's.
 */
size_t svm_ksize(struct svm_instance *svm, const void *objp)
{
	struct svm_page *page;

	if (ZERO_OR_NULL_PTR(objp))
		return 0;
	page = svm_addr_to_page(svm, objp);
	if (!page)
		return 0;
	if (svm_page_test_slab(page))
		return svm_page_get_cache(page)->obj_size;
	if (!svm_page_kmalloc_large(svm, page) ||
	    objp != svm_page_address(svm, page))
		return 0;
	return PAGE_SIZE << svm_page_alloc_order(page);
}
EXPORT_SYMBOL_IF_KUNIT(svm_ksize);

static struct svm_kmem_cache *svm_native_cache(struct svm_instance *svm,
					       const char *name, size_t size,
					       unsigned int flags)
{
	struct svm_kmem_cache *cachep = kzalloc(svm_cache_desc_size(),
						GFP_KERNEL);

	if (!cachep)
		return NULL;
	if (svm_cache_setup(svm, cachep, name, size, 0,
			    flags | SVM_CFLGS_NATIVE, NULL)) {
		kfree(cachep);
		return NULL;
	}
	list_add_tail(&cachep->next, &svm->slab->chain);
	return cachep;
}

/**
 * svm_slab_init() - set up an instance's slab allocator
 * @svm: the instance, its zones ready
 *
 * kmem_cache_init() and kmem_cache_sizes_init(): cache_cache first, then
 * the sizes caches smallest first, each normal one followed by its DMA
 * variant, so that the off-slab descriptors of the larger ones find a
 * smaller cache ready. No shadow page is used until the first allocation.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int svm_slab_init(struct svm_instance *svm)
{
	struct svm_slab_state *st = kzalloc(sizeof(*st), GFP_KERNEL);
	unsigned int i, dma;

	if (!st)
		return -ENOMEM;
	mutex_init(&st->chain_mutex);
	INIT_LIST_HEAD(&st->chain);
	svm->slab = st;
	if (svm_rmap_init(svm, st))
		goto fail;
	st->cache_cache = svm_native_cache(svm, "kmem_cache",
					   svm_cache_desc_size(),
					   SVM_SLAB_HWCACHE_ALIGN);
	if (!st->cache_cache)
		goto fail;
	for (i = 0; i < SVM_KMALLOC_NR; i++) {
		for (dma = 0; dma < 2; dma++) {
			unsigned int size = SVM_KMALLOC_MIN_SIZE << i;
			unsigned int flags = SVM_SLAB_HWCACHE_ALIGN;
			char name[32];

			if (dma)
				flags |= SVM_SLAB_CACHE_DMA;
			snprintf(name, sizeof(name), "size-%u%s", size,
				 dma ? "(DMA)" : "");
			st->sizes[dma][i] = svm_native_cache(svm, name, size,
							     flags);
			if (!st->sizes[dma][i])
				goto fail;
		}
	}
	st->clock = st->cache_cache;
	return 0;

fail:
	svm_slab_exit(svm);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(svm_slab_init);

/**
 * svm_slab_exit() - tear an instance's slab allocator down
 * @svm: the instance; nothing may use its slab allocator any more
 *
 * Drains and frees every array cache, reports caches still holding
 * objects (a leak of their user), then gives every slab and every large
 * block back to the buddy allocator, clearing the page marks.
 *
 * Context: process context; may sleep.
 */
void svm_slab_exit(struct svm_instance *svm)
{
	struct svm_slab_state *st = svm->slab;
	struct svm_kmem_cache *cachep, *tmp;
	unsigned long pfn;

	if (!st)
		return;
	mutex_lock(&st->chain_mutex);
	list_for_each_entry(cachep, &st->chain, next) {
		atomic_set(&cachep->cpucache_state, SVM_CPUCACHE_MAKING);
		svm_free_cpucaches(cachep);
	}
	/*
	 * Last created first: off-slab descriptors live in smaller sizes
	 * caches, made earlier, and user caches' descriptors in cache_cache,
	 * the first.
	 */
	list_for_each_entry_safe_reverse(cachep, tmp, &st->chain, next) {
		LIST_HEAD(list);
		unsigned long live;

		spin_lock(&cachep->lock);
		live = cachep->num_slabs * cachep->num - cachep->free_objects;
		list_splice_init(&cachep->slabs_full, &list);
		list_splice_init(&cachep->slabs_partial, &list);
		list_splice_init(&cachep->slabs_free, &list);
		cachep->num_slabs = 0;
		cachep->free_objects = 0;
		spin_unlock(&cachep->lock);
		if (live && !(cachep->flags & SVM_CFLGS_NATIVE) &&
		    cachep != st->cache_cache)
			pr_err("%s: cache %s still has %lu objects at exit\n",
			       svm->name, cachep->name, live);
		svm_destroy_slab_list(cachep, &list);
		/* A user cache's descriptor dies with cache_cache's slabs. */
		list_del(&cachep->next);
		if (cachep->flags & SVM_CFLGS_NATIVE)
			kfree(cachep);
	}
	mutex_unlock(&st->chain_mutex);

	/* Large blocks nobody freed. */
	for (pfn = 0; atomic_long_read(&st->large_allocs) > 0 &&
	     pfn < svm->nr_pages; pfn++) {
		struct svm_page *page = svm_pfn_to_page(svm, pfn);

		if (!svm_page_test_slab(page) && svm_page_kmalloc_large(svm, page)) {
			INIT_LIST_HEAD(&page->lru);
			atomic_long_dec(&st->large_allocs);
			svm_free_pages(svm, page, svm_page_alloc_order(page));
		}
	}
	kvfree(st->rmap);
	kfree(st);
	svm->slab = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svm_slab_exit);

/**
 * svm_slabinfo_show() - the slabinfo table, /proc/slabinfo version 2.1
 * @m: where to print
 * @svm: the instance
 *
 * The 2.1 columns, then a statistics section as CONFIG_DEBUG_SLAB's, and
 * the colouring of each cache; see Documentation/slab.rst.
 *
 * Context: process context; takes the chain mutex, then each cache's lock.
 * Return: 0.
 */
int svm_slabinfo_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_slab_state *st = svm->slab;
	struct svm_kmem_cache *c;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail> : globalstat <listallocs> <maxobjs> <grown> <reaped> <error> <shrunk> : cpustat <allochit> <allocmiss> <freehit> <freemiss> : colour <colours> <colouroff> <colournext> <colourwraps> : mgmt <offslab> <mgmtbytes>\n");
	mutex_lock(&st->chain_mutex);
	list_for_each_entry(c, &st->chain, next) {
		struct svm_kmem_cache_stats s;

		svm_kmem_cache_get_stats(c, &s);
		seq_printf(m, "%-17s %6lu %6lu %6u %4u %4u : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu",
			   c->name, s.active_objs, s.num_objs, c->size, c->num,
			   1U << c->gfporder, READ_ONCE(c->limit),
			   READ_ONCE(c->batchcount), 0U, s.full + s.partial,
			   s.full + s.partial + s.free, 0UL);
		spin_lock(&c->lock);
		seq_printf(m, " : globalstat %7lu %6lu %5lu %4lu %4lu %4lu",
			   c->listallocs, c->high_mark, c->grows, c->reaps,
			   atomic_long_read(&c->errors), c->shrinks);
		seq_printf(m, " : cpustat %6lu %6lu %6lu %6lu",
			   s.allochit, s.allocmiss, s.freehit, s.freemiss);
		seq_printf(m, " : colour %4u %4u %4u %6lu : mgmt %u %4u\n",
			   c->colour, c->colour_off, c->colour_next,
			   c->colour_wraps, !!(c->flags & SVM_CFLGS_OFF_SLAB),
			   c->slab_size);
		spin_unlock(&c->lock);
	}
	mutex_unlock(&st->chain_mutex);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_slabinfo_show);

/**
 * svm_slabinfo_write() - tune a cache as writes to /proc/slabinfo do
 * @svm: the instance
 * @buf: "<name> <limit> <batchcount> [<shared>]", NUL-terminated
 *
 * A malformed line, an unknown cache or values out of range (see
 * svm_kmem_cache_tune()) are refused with one log line.
 *
 * Context: process context; sleeps (takes the chain mutex, tunes the
 * array caches with work items).
 * Return: 0 or -EINVAL.
 */
int svm_slabinfo_write(struct svm_instance *svm, const char *buf)
{
	struct svm_slab_state *st = svm->slab;
	unsigned int limit, batch, shared = 0;
	struct svm_kmem_cache *c;
	char name[32];
	int n, ret = -EINVAL;

	n = sscanf(buf, "%31s %u %u %u", name, &limit, &batch, &shared);
	if (n < 3) {
		pr_info("%s: slabinfo: expected \"<name> <limit> <batchcount> [<shared>]\"\n",
			svm->name);
		return -EINVAL;
	}
	mutex_lock(&st->chain_mutex);
	list_for_each_entry(c, &st->chain, next) {
		if (strcmp(c->name, name))
			continue;
		ret = svm_kmem_cache_tune(c, limit, batch, shared);
		if (ret)
			pr_info("%s: slabinfo: %s: limit %u batchcount %u shared %u out of range (1 <= batchcount <= limit <= %zu, shared 0)\n",
				svm->name, name, limit, batch, shared,
				SVM_AC_MAX_LIMIT);
		goto out;
	}
	pr_info("%s: slabinfo: no cache named %s\n", svm->name, name);
out:
	mutex_unlock(&st->chain_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_slabinfo_write);

static int slabinfo_show(struct seq_file *m, void *v)
{
	return svm_slabinfo_show(m, m->private);
}

static int slabinfo_open(struct inode *inode, struct file *file)
{
	return single_open(file, slabinfo_show, inode->i_private);
}

static ssize_t slabinfo_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct svm_instance *svm = file_inode(file)->i_private;
	char buf[96];
	int ret;

	if (count >= sizeof(buf)) {
		pr_info("%s: slabinfo: line too long\n", svm->name);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = svm_slabinfo_write(svm, buf);
	return ret ? ret : count;
}

static const struct file_operations slabinfo_fops = {
	.owner = THIS_MODULE,
	.open = slabinfo_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = slabinfo_write,
};

static ssize_t slab_reap_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct svm_instance *svm = file_inode(file)->i_private;
	char buf[32];
	int len;

	len = scnprintf(buf, sizeof(buf), "%lu\n",
			READ_ONCE(svm->slab->last_reap));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t slab_reap_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct svm_instance *svm = file_inode(file)->i_private;
	unsigned int times;
	unsigned long pages = 0;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &times);
	if (ret || !times || times > 1000) {
		pr_info("%s: slab_reap: expected a number of reaps, 1 to 1000\n",
			svm->name);
		return -EINVAL;
	}
	while (times--)
		pages += svm_kmem_cache_reap(svm, SVM_GFP_KERNEL);
	WRITE_ONCE(svm->slab->last_reap, pages);
	return count;
}

static const struct file_operations slab_reap_fops = {
	.owner = THIS_MODULE,
	.read = slab_reap_read,
	.write = slab_reap_write,
	.llseek = default_llseek,
};

/**
 * svm_slab_debugfs_create() - add the slab files to an instance's directory
 * @svm: the instance
 * @dir: its debugfs directory
 *
 * slabinfo (read the table, write tunables) and slab_reap (write N to run
 * svm_kmem_cache_reap() N times, read the pages the last write freed).
 *
 * Context: process context.
 */
void svm_slab_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("slabinfo", 0600, dir, svm, &slabinfo_fops);
	debugfs_create_file("slab_reap", 0600, dir, svm, &slab_reap_fops);
}
