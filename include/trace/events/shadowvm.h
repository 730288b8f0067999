/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of shadowvm, system "shadowvm": record them with
 * `trace-cmd record -e shadowvm`. Every event starts with the id of the
 * instance it happened in (struct svm_instance's @id, shown as InstanceId
 * in the instance's debugfs meminfo), so private test instances do not mix
 * with /dev/shadowvm's. Events of one shape share a DECLARE_EVENT_CLASS();
 * names (zones, caches) stay strings, hence svm_assign_str().
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadowvm

#if !defined(_TRACE_SHADOWVM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SHADOWVM_H

#include <linux/tracepoint.h>
#include <shadowvm/compat.h>

/**
 * svm_page_alloc - a block left the buddy allocator
 * @instance: id of the instance
 * @zone: zone the block came from
 * @pfn: shadow pfn of the first page
 * @order: the block is 2^@order pages
 * @gfp: the request's SVM_GFP_* flags
 * @migratetype: free list the block was taken from
 */
TRACE_EVENT(svm_page_alloc,
	TP_PROTO(unsigned int instance, const char *zone, unsigned long pfn,
		 unsigned int order, unsigned int gfp, int migratetype),
	TP_ARGS(instance, zone, pfn, order, gfp, migratetype),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(zone, zone)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned int, gfp)
		__field(int, migratetype)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(zone, zone);
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->gfp = gfp;
		__entry->migratetype = migratetype;
	),
	TP_printk("instance=%u zone=%s pfn=%#lx order=%u gfp=%#x migratetype=%d",
		  __entry->instance, __get_str(zone), __entry->pfn,
		  __entry->order, __entry->gfp, __entry->migratetype)
);

/**
 * svm_page_free - a block went back to the buddy allocator
 * @instance: id of the instance
 * @zone: zone of the block
 * @pfn: shadow pfn of the first page
 * @order: the block is 2^@order pages
 */
TRACE_EVENT(svm_page_free,
	TP_PROTO(unsigned int instance, const char *zone, unsigned long pfn,
		 unsigned int order),
	TP_ARGS(instance, zone, pfn, order),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(zone, zone)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(zone, zone);
		__entry->pfn = pfn;
		__entry->order = order;
	),
	TP_printk("instance=%u zone=%s pfn=%#lx order=%u", __entry->instance,
		  __get_str(zone), __entry->pfn, __entry->order)
);

/**
 * svm_zone_fallback - a request was served by a zone other than the first
 *                     of its zonelist
 * @instance: id of the instance
 * @preferred: first zone of the zonelist
 * @zone: zone that served the request
 * @order: order asked for
 * @gfp: the request's SVM_GFP_* flags
 */
TRACE_EVENT(svm_zone_fallback,
	TP_PROTO(unsigned int instance, const char *preferred, const char *zone,
		 unsigned int order, unsigned int gfp),
	TP_ARGS(instance, preferred, zone, order, gfp),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(preferred, preferred)
		__string(zone, zone)
		__field(unsigned int, order)
		__field(unsigned int, gfp)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(preferred, preferred);
		svm_assign_str(zone, zone);
		__entry->order = order;
		__entry->gfp = gfp;
	),
	TP_printk("instance=%u preferred=%s zone=%s order=%u gfp=%#x",
		  __entry->instance, __get_str(preferred), __get_str(zone),
		  __entry->order, __entry->gfp)
);

/**
 * svm_page_alloc_extfrag - a block was taken from another migratetype's
 *                          free lists (mobility fallback)
 * @instance: id of the instance
 * @zone: zone of the block
 * @pfn: shadow pfn of the block taken
 * @order: order asked for
 * @fallback_order: order of the free block that was split
 * @start_migratetype: migratetype asked for
 * @fallback_migratetype: migratetype the block came from
 * @stole_pageblock: whether the whole pageblock changed type
 */
TRACE_EVENT(svm_page_alloc_extfrag,
	TP_PROTO(unsigned int instance, const char *zone, unsigned long pfn,
		 unsigned int order, unsigned int fallback_order,
		 int start_migratetype, int fallback_migratetype,
		 bool stole_pageblock),
	TP_ARGS(instance, zone, pfn, order, fallback_order, start_migratetype,
		fallback_migratetype, stole_pageblock),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(zone, zone)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned int, fallback_order)
		__field(int, start_migratetype)
		__field(int, fallback_migratetype)
		__field(bool, stole_pageblock)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(zone, zone);
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->fallback_order = fallback_order;
		__entry->start_migratetype = start_migratetype;
		__entry->fallback_migratetype = fallback_migratetype;
		__entry->stole_pageblock = stole_pageblock;
	),
	TP_printk("instance=%u zone=%s pfn=%#lx order=%u fallback_order=%u migratetype=%d fallback_migratetype=%d stole=%d",
		  __entry->instance, __get_str(zone), __entry->pfn,
		  __entry->order, __entry->fallback_order,
		  __entry->start_migratetype, __entry->fallback_migratetype,
		  __entry->stole_pageblock)
);

/**
 * svm_page_alloc_fail - no zone of the zonelist could serve a request
 * @instance: id of the instance
 * @order: order asked for
 * @gfp: the request's SVM_GFP_* flags
 */
TRACE_EVENT(svm_page_alloc_fail,
	TP_PROTO(unsigned int instance, unsigned int order, unsigned int gfp),
	TP_ARGS(instance, order, gfp),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned int, order)
		__field(unsigned int, gfp)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->order = order;
		__entry->gfp = gfp;
	),
	TP_printk("instance=%u order=%u gfp=%#x", __entry->instance, __entry->order,
		  __entry->gfp)
);

/**
 * svm_kmem_cache_alloc - an object left a cache
 * @instance: id of the instance
 * @cache: cache name
 * @bytes: bytes usable in the object
 * @gfp: the request's SVM_GFP_* flags
 */
TRACE_EVENT(svm_kmem_cache_alloc,
	TP_PROTO(unsigned int instance, const char *cache, unsigned int bytes,
		 unsigned int gfp),
	TP_ARGS(instance, cache, bytes, gfp),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(cache, cache)
		__field(unsigned int, bytes)
		__field(unsigned int, gfp)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(cache, cache);
		__entry->bytes = bytes;
		__entry->gfp = gfp;
	),
	TP_printk("instance=%u cache=%s bytes=%u gfp=%#x", __entry->instance,
		  __get_str(cache), __entry->bytes, __entry->gfp)
);

/**
 * svm_kmem_cache_free - an object went back to its cache
 * @instance: id of the instance
 * @cache: cache name
 */
TRACE_EVENT(svm_kmem_cache_free,
	TP_PROTO(unsigned int instance, const char *cache),
	TP_ARGS(instance, cache),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(cache, cache)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(cache, cache);
	),
	TP_printk("instance=%u cache=%s", __entry->instance, __get_str(cache))
);

/**
 * svm_kmalloc - svm_kmalloc() served a request
 * @instance: id of the instance
 * @cache: sizes cache used, or "buddy" for a large request
 * @bytes_req: bytes asked for
 * @bytes_alloc: bytes given (the sizes class, or the block size)
 * @gfp: the request's SVM_GFP_* flags
 */
TRACE_EVENT(svm_kmalloc,
	TP_PROTO(unsigned int instance, const char *cache, size_t bytes_req,
		 size_t bytes_alloc, unsigned int gfp),
	TP_ARGS(instance, cache, bytes_req, bytes_alloc, gfp),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(cache, cache)
		__field(size_t, bytes_req)
		__field(size_t, bytes_alloc)
		__field(unsigned int, gfp)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(cache, cache);
		__entry->bytes_req = bytes_req;
		__entry->bytes_alloc = bytes_alloc;
		__entry->gfp = gfp;
	),
	TP_printk("instance=%u cache=%s bytes_req=%zu bytes_alloc=%zu gfp=%#x",
		  __entry->instance, __get_str(cache), __entry->bytes_req,
		  __entry->bytes_alloc, __entry->gfp)
);

/**
 * svm_kfree - svm_kfree() freed memory
 * @instance: id of the instance
 * @cache: sizes cache, or "buddy" for a large block
 * @bytes_alloc: bytes the memory held
 */
TRACE_EVENT(svm_kfree,
	TP_PROTO(unsigned int instance, const char *cache, size_t bytes_alloc),
	TP_ARGS(instance, cache, bytes_alloc),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(cache, cache)
		__field(size_t, bytes_alloc)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(cache, cache);
		__entry->bytes_alloc = bytes_alloc;
	),
	TP_printk("instance=%u cache=%s bytes_alloc=%zu", __entry->instance,
		  __get_str(cache), __entry->bytes_alloc)
);

DECLARE_EVENT_CLASS(svm_slab,
	TP_PROTO(unsigned int instance, const char *cache, unsigned long pfn,
		 unsigned int order, unsigned long colour_off),
	TP_ARGS(instance, cache, pfn, order, colour_off),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(cache, cache)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned long, colour_off)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(cache, cache);
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->colour_off = colour_off;
	),
	TP_printk("instance=%u cache=%s pfn=%#lx order=%u colour_off=%lu",
		  __entry->instance, __get_str(cache), __entry->pfn,
		  __entry->order, __entry->colour_off)
);

/**
 * svm_slab_grow - a cache grew by one slab
 * @instance: id of the instance
 * @cache: cache name
 * @pfn: shadow pfn of the slab's first page
 * @order: the slab is 2^@order pages
 * @colour_off: bytes of colour before the slab's first object or descriptor
 */
DEFINE_EVENT(svm_slab, svm_slab_grow,
	TP_PROTO(unsigned int instance, const char *cache, unsigned long pfn,
		 unsigned int order, unsigned long colour_off),
	TP_ARGS(instance, cache, pfn, order, colour_off)
);

/**
 * svm_slab_shrink - a slab's pages went back to the buddy allocator
 *                   (shrink, reap, destroy)
 * @instance: id of the instance
 * @cache: cache name
 * @pfn: shadow pfn of the slab's first page
 * @order: the slab is 2^@order pages
 * @colour_off: the colour the slab was given when it grew
 */
DEFINE_EVENT(svm_slab, svm_slab_shrink,
	TP_PROTO(unsigned int instance, const char *cache, unsigned long pfn,
		 unsigned int order, unsigned long colour_off),
	TP_ARGS(instance, cache, pfn, order, colour_off)
);

/**
 * svm_slab_reap - svm_kmem_cache_reap() chose a cache and freed slabs
 * @instance: id of the instance
 * @cache: cache reaped
 * @slabs: free slabs given back
 * @pages: pages given back
 */
TRACE_EVENT(svm_slab_reap,
	TP_PROTO(unsigned int instance, const char *cache, unsigned long slabs,
		 unsigned long pages),
	TP_ARGS(instance, cache, slabs, pages),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__string(cache, cache)
		__field(unsigned long, slabs)
		__field(unsigned long, pages)
	),
	TP_fast_assign(
		__entry->instance = instance;
		svm_assign_str(cache, cache);
		__entry->slabs = slabs;
		__entry->pages = pages;
	),
	TP_printk("instance=%u cache=%s slabs=%lu pages=%lu", __entry->instance,
		  __get_str(cache), __entry->slabs, __entry->pages)
);

/**
 * svm_pkmap_flush - the pkmap slot search wrapped around and freed the
 *                   slots nobody used any more, with one global TLB flush
 * @instance: id of the instance
 * @slots: slots freed
 */
TRACE_EVENT(svm_pkmap_flush,
	TP_PROTO(unsigned int instance, unsigned int slots),
	TP_ARGS(instance, slots),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned int, slots)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->slots = slots;
	),
	TP_printk("instance=%u slots=%u", __entry->instance, __entry->slots)
);

/**
 * svm_vmalloc - an area was mapped by svm_vmalloc() or svm_vmap()
 * @instance: id of the instance
 * @addr: start of the area (printed hashed)
 * @size: bytes asked for
 * @nr_pages: pages mapped
 */
TRACE_EVENT(svm_vmalloc,
	TP_PROTO(unsigned int instance, const void *addr, unsigned long size,
		 unsigned int nr_pages),
	TP_ARGS(instance, addr, size, nr_pages),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(const void *, addr)
		__field(unsigned long, size)
		__field(unsigned int, nr_pages)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->addr = addr;
		__entry->size = size;
		__entry->nr_pages = nr_pages;
	),
	TP_printk("instance=%u addr=%p size=%lu nr_pages=%u", __entry->instance,
		  __entry->addr, __entry->size, __entry->nr_pages)
);

/**
 * svm_vfree - an area was unmapped by svm_vfree() or svm_vunmap()
 * @instance: id of the instance
 * @addr: start of the area (printed hashed)
 * @nr_pages: pages unmapped
 */
TRACE_EVENT(svm_vfree,
	TP_PROTO(unsigned int instance, const void *addr, unsigned int nr_pages),
	TP_ARGS(instance, addr, nr_pages),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(const void *, addr)
		__field(unsigned int, nr_pages)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->addr = addr;
		__entry->nr_pages = nr_pages;
	),
	TP_printk("instance=%u addr=%p nr_pages=%u", __entry->instance,
		  __entry->addr, __entry->nr_pages)
);

/**
 * svm_vmalloc_purge - lazily freed vmalloc areas were released after one
 *                     global TLB flush
 * @instance: id of the instance
 * @areas: areas released
 * @pages: pages of address space they held, guard pages included
 */
TRACE_EVENT(svm_vmalloc_purge,
	TP_PROTO(unsigned int instance, unsigned long areas,
		 unsigned long pages),
	TP_ARGS(instance, areas, pages),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned long, areas)
		__field(unsigned long, pages)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->areas = areas;
		__entry->pages = pages;
	),
	TP_printk("instance=%u areas=%lu pages=%lu", __entry->instance,
		  __entry->areas, __entry->pages)
);

/**
 * svm_fault - a fault on a /dev/shadowvm mapping was handled
 * @instance: id of the instance
 * @object: the object's id (inode number)
 * @address: faulting user address, page aligned
 * @index: page index in the object
 * @write: 1 for a write fault
 * @major: 1 when the page had to be allocated, 0 when found in the cache
 * @result: the vm_fault_t returned (0x100 NOPAGE, 0x2 SIGBUS, 0x200 LOCKED)
 */
TRACE_EVENT(svm_fault,
	TP_PROTO(unsigned int instance, unsigned long object,
		 unsigned long address, unsigned long index, unsigned int write,
		 unsigned int major, unsigned int result),
	TP_ARGS(instance, object, address, index, write, major, result),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned long, object)
		__field(unsigned long, address)
		__field(unsigned long, index)
		__field(unsigned int, write)
		__field(unsigned int, major)
		__field(unsigned int, result)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->object = object;
		__entry->address = address;
		__entry->index = index;
		__entry->write = write;
		__entry->major = major;
		__entry->result = result;
	),
	TP_printk("instance=%u object=%lu address=%#lx index=%lu write=%u major=%u result=%#x",
		  __entry->instance, __entry->object, __entry->address,
		  __entry->index, __entry->write, __entry->major,
		  __entry->result)
);

DECLARE_EVENT_CLASS(svm_page_cache,
	TP_PROTO(unsigned int instance, unsigned long object,
		 unsigned long index, unsigned long pfn),
	TP_ARGS(instance, object, index, pfn),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned long, object)
		__field(unsigned long, index)
		__field(unsigned long, pfn)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->object = object;
		__entry->index = index;
		__entry->pfn = pfn;
	),
	TP_printk("instance=%u object=%lu index=%lu pfn=%#lx", __entry->instance,
		  __entry->object, __entry->index, __entry->pfn)
);

/**
 * svm_page_cache_add - a page entered an object's page cache
 * @instance: id of the instance
 * @object: the object's id (inode number)
 * @index: page index in the object
 * @pfn: shadow pfn of the page
 */
DEFINE_EVENT(svm_page_cache, svm_page_cache_add,
	TP_PROTO(unsigned int instance, unsigned long object,
		 unsigned long index, unsigned long pfn),
	TP_ARGS(instance, object, index, pfn)
);

/**
 * svm_page_cache_delete - a page left an object's page cache
 * @instance: id of the instance
 * @object: the object's id (inode number)
 * @index: page index in the object
 * @pfn: shadow pfn of the page
 */
DEFINE_EVENT(svm_page_cache, svm_page_cache_delete,
	TP_PROTO(unsigned int instance, unsigned long object,
		 unsigned long index, unsigned long pfn),
	TP_ARGS(instance, object, index, pfn)
);

/**
 * svm_page_deferred - a page's last reference went while the kernel still
 * held its real page; it is freed once the kernel lets go
 * @instance: id of the instance
 * @pfn: shadow pfn of the page
 * @real_refs: references on the real page at that time (shadowvm's is 1)
 */
TRACE_EVENT(svm_page_deferred,
	TP_PROTO(unsigned int instance, unsigned long pfn, int real_refs),
	TP_ARGS(instance, pfn, real_refs),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned long, pfn)
		__field(int, real_refs)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->pfn = pfn;
		__entry->real_refs = real_refs;
	),
	TP_printk("instance=%u pfn=%lu real_refs=%d", __entry->instance,
		  __entry->pfn, __entry->real_refs)
);

DECLARE_EVENT_CLASS(svm_kswapd,
	TP_PROTO(unsigned int instance, int nid, unsigned long reclaimed),
	TP_ARGS(instance, nid, reclaimed),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(int, nid)
		__field(unsigned long, reclaimed)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->nid = nid;
		__entry->reclaimed = reclaimed;
	),
	TP_printk("instance=%u nid=%d reclaimed=%lu", __entry->instance,
		  __entry->nid, __entry->reclaimed)
);

/**
 * svm_kswapd_wake - a node's kswapd woke up to balance its zones
 * @instance: id of the instance
 * @nid: the node
 * @reclaimed: pages it had reclaimed before, in all
 */
DEFINE_EVENT(svm_kswapd, svm_kswapd_wake,
	TP_PROTO(unsigned int instance, int nid, unsigned long reclaimed),
	TP_ARGS(instance, nid, reclaimed)
);

/**
 * svm_kswapd_sleep - a node's kswapd went back to sleep
 * @instance: id of the instance
 * @nid: the node
 * @reclaimed: pages it reclaimed in this run
 */
DEFINE_EVENT(svm_kswapd, svm_kswapd_sleep,
	TP_PROTO(unsigned int instance, int nid, unsigned long reclaimed),
	TP_ARGS(instance, nid, reclaimed)
);

/**
 * svm_shrink_node - one pass of reclaim over a node's LRU lists
 * @instance: id of the instance
 * @nid: the node
 * @priority: scan priority, SVM_DEF_PRIORITY down to 0
 * @kswapd: run by kswapd (else direct reclaim)
 * @scanned: inactive pages looked at
 * @reclaimed: pages freed
 */
TRACE_EVENT(svm_shrink_node,
	TP_PROTO(unsigned int instance, int nid, int priority, bool kswapd,
		 unsigned long scanned, unsigned long reclaimed),
	TP_ARGS(instance, nid, priority, kswapd, scanned, reclaimed),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(int, nid)
		__field(int, priority)
		__field(bool, kswapd)
		__field(unsigned long, scanned)
		__field(unsigned long, reclaimed)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->nid = nid;
		__entry->priority = priority;
		__entry->kswapd = kswapd;
		__entry->scanned = scanned;
		__entry->reclaimed = reclaimed;
	),
	TP_printk("instance=%u nid=%d priority=%d %s scanned=%lu reclaimed=%lu",
		  __entry->instance, __entry->nid, __entry->priority,
		  __entry->kswapd ? "kswapd" : "direct", __entry->scanned,
		  __entry->reclaimed)
);

DECLARE_EVENT_CLASS(svm_lru,
	TP_PROTO(unsigned int instance, unsigned long pfn),
	TP_ARGS(instance, pfn),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned long, pfn)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->pfn = pfn;
	),
	TP_printk("instance=%u pfn=%lu", __entry->instance, __entry->pfn)
);

/**
 * svm_lru_isolate - reclaim took a page off an LRU list to look at it
 * @instance: id of the instance
 * @pfn: shadow pfn of the page
 */
DEFINE_EVENT(svm_lru, svm_lru_isolate,
	TP_PROTO(unsigned int instance, unsigned long pfn),
	TP_ARGS(instance, pfn)
);

/**
 * svm_lru_activate - a page moved to the active list
 * @instance: id of the instance
 * @pfn: shadow pfn of the page
 */
DEFINE_EVENT(svm_lru, svm_lru_activate,
	TP_PROTO(unsigned int instance, unsigned long pfn),
	TP_ARGS(instance, pfn)
);

/**
 * svm_lru_deactivate - a page moved to the inactive list
 * @instance: id of the instance
 * @pfn: shadow pfn of the page
 */
DEFINE_EVENT(svm_lru, svm_lru_deactivate,
	TP_PROTO(unsigned int instance, unsigned long pfn),
	TP_ARGS(instance, pfn)
);

DECLARE_EVENT_CLASS(svm_swap_io,
	TP_PROTO(unsigned int instance, unsigned long pfn, unsigned int swp),
	TP_ARGS(instance, pfn, swp),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned long, pfn)
		__field(unsigned int, swp)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->pfn = pfn;
		__entry->swp = swp;
	),
	TP_printk("instance=%u pfn=%lu entry=%#x", __entry->instance, __entry->pfn,
		  __entry->swp)
);

/**
 * svm_swap_out - a page's write to its swap slot was submitted
 * @instance: id of the instance
 * @pfn: shadow pfn of the page
 * @swp: its swap entry
 */
DEFINE_EVENT(svm_swap_io, svm_swap_out,
	TP_PROTO(unsigned int instance, unsigned long pfn, unsigned int swp),
	TP_ARGS(instance, pfn, swp)
);

/**
 * svm_swap_in - a page's read from its swap slot was submitted
 * @instance: id of the instance
 * @pfn: shadow pfn of the page
 * @swp: its swap entry
 */
DEFINE_EVENT(svm_swap_io, svm_swap_in,
	TP_PROTO(unsigned int instance, unsigned long pfn, unsigned int swp),
	TP_ARGS(instance, pfn, swp)
);

/**
 * svm_swap_readahead - a neighbouring slot was read ahead
 * @instance: id of the instance
 * @swp: the slot read ahead
 * @target: the slot the fault asked for
 */
TRACE_EVENT(svm_swap_readahead,
	TP_PROTO(unsigned int instance, unsigned int swp, unsigned int target),
	TP_ARGS(instance, swp, target),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned int, swp)
		__field(unsigned int, target)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->swp = swp;
		__entry->target = target;
	),
	TP_printk("instance=%u entry=%#x target=%#x", __entry->instance,
		  __entry->swp, __entry->target)
);

/**
 * svm_workingset_refault - a swap slot that held a shadow was read back
 * @instance: id of the instance
 * @nid: node the page was evicted from
 * @pfn: shadow pfn of the new swap-cache page
 * @swp: the swap entry
 * @distance: non-resident age that passed since the eviction, in pages
 * @active: pages on the active list of node @nid
 * @activated: @distance was within @active: the page starts out active
 */
TRACE_EVENT(svm_workingset_refault,
	TP_PROTO(unsigned int instance, int nid, unsigned long pfn,
		 unsigned int swp, unsigned long distance,
		 unsigned long active, bool activated),
	TP_ARGS(instance, nid, pfn, swp, distance, active, activated),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(int, nid)
		__field(unsigned long, pfn)
		__field(unsigned int, swp)
		__field(unsigned long, distance)
		__field(unsigned long, active)
		__field(bool, activated)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->nid = nid;
		__entry->pfn = pfn;
		__entry->swp = swp;
		__entry->distance = distance;
		__entry->active = active;
		__entry->activated = activated;
	),
	TP_printk("instance=%u nid=%d pfn=%#lx entry=%#x distance=%lu active=%lu activated=%d",
		  __entry->instance, __entry->nid, __entry->pfn,
		  __entry->swp, __entry->distance, __entry->active,
		  __entry->activated)
);

DECLARE_EVENT_CLASS(svm_file_rw,
	TP_PROTO(unsigned int instance, unsigned long object, long long pos,
		 unsigned long count, long ret),
	TP_ARGS(instance, object, pos, count, ret),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(unsigned long, object)
		__field(long long, pos)
		__field(unsigned long, count)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->object = object;
		__entry->pos = pos;
		__entry->count = count;
		__entry->ret = ret;
	),
	TP_printk("instance=%u object=%lu pos=%lld count=%lu ret=%ld",
		  __entry->instance, __entry->object, __entry->pos,
		  __entry->count, __entry->ret)
);

/**
 * svm_file_read - a read() of an object returned
 * @instance: id of the instance
 * @object: the object's id (inode number)
 * @pos: file position the read started at
 * @count: bytes asked for
 * @ret: bytes read, or -errno
 */
DEFINE_EVENT(svm_file_rw, svm_file_read,
	TP_PROTO(unsigned int instance, unsigned long object, long long pos,
		 unsigned long count, long ret),
	TP_ARGS(instance, object, pos, count, ret)
);

/**
 * svm_file_write - a write() of an object returned
 * @instance: id of the instance
 * @object: the object's id (inode number)
 * @pos: file position the write started at (the old size for O_APPEND)
 * @count: bytes asked for
 * @ret: bytes written, or -errno
 */
DEFINE_EVENT(svm_file_rw, svm_file_write,
	TP_PROTO(unsigned int instance, unsigned long object, long long pos,
		 unsigned long count, long ret),
	TP_ARGS(instance, object, pos, count, ret)
);

/**
 * svm_oom_kill - the OOM killer of an instance killed a process
 * @instance: id of the instance
 * @pid: the victim's thread group id
 * @score: its score (svm_oom_badness())
 * @pages: shadow pages of the objects it mapped or opened
 */
TRACE_EVENT(svm_oom_kill,
	TP_PROTO(unsigned int instance, int pid, unsigned long score,
		 unsigned long pages),
	TP_ARGS(instance, pid, score, pages),
	TP_STRUCT__entry(
		__field(unsigned int, instance)
		__field(int, pid)
		__field(unsigned long, score)
		__field(unsigned long, pages)
	),
	TP_fast_assign(
		__entry->instance = instance;
		__entry->pid = pid;
		__entry->score = score;
		__entry->pages = pages;
	),
	TP_printk("instance=%u pid=%d score=%lu pages=%lu",
		  __entry->instance, __entry->pid, __entry->score,
		  __entry->pages)
);

#endif /* _TRACE_SHADOWVM_H */

/* This part must be outside the header guard. */
#include <trace/define_trace.h>
