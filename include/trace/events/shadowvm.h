/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of shadowvm, system "shadowvm": record them with
 * `trace-cmd record -e shadowvm`. Every event names the instance it
 * happened in, so private test instances do not mix with /dev/shadowvm's.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadowvm

#if !defined(_TRACE_SHADOWVM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SHADOWVM_H

#include <linux/tracepoint.h>

/**
 * svm_page_alloc - a block left the buddy allocator
 * @instance: instance name
 * @zone: zone the block came from
 * @pfn: shadow pfn of the first page
 * @order: the block is 2^@order pages
 * @gfp: the request's SVM_GFP_* flags
 * @migratetype: free list the block was taken from
 */
TRACE_EVENT(svm_page_alloc,
	TP_PROTO(const char *instance, const char *zone, unsigned long pfn,
		 unsigned int order, unsigned int gfp, int migratetype),
	TP_ARGS(instance, zone, pfn, order, gfp, migratetype),
	TP_STRUCT__entry(
		__string(instance, instance)
		__string(zone, zone)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned int, gfp)
		__field(int, migratetype)
	),
	TP_fast_assign(
		__assign_str(instance);
		__assign_str(zone);
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->gfp = gfp;
		__entry->migratetype = migratetype;
	),
	TP_printk("%s zone=%s pfn=%#lx order=%u gfp=%#x migratetype=%d",
		  __get_str(instance), __get_str(zone), __entry->pfn,
		  __entry->order, __entry->gfp, __entry->migratetype)
);

/**
 * svm_page_free - a block went back to the buddy allocator
 * @instance: instance name
 * @zone: zone of the block
 * @pfn: shadow pfn of the first page
 * @order: the block is 2^@order pages
 */
TRACE_EVENT(svm_page_free,
	TP_PROTO(const char *instance, const char *zone, unsigned long pfn,
		 unsigned int order),
	TP_ARGS(instance, zone, pfn, order),
	TP_STRUCT__entry(
		__string(instance, instance)
		__string(zone, zone)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		__assign_str(instance);
		__assign_str(zone);
		__entry->pfn = pfn;
		__entry->order = order;
	),
	TP_printk("%s zone=%s pfn=%#lx order=%u", __get_str(instance),
		  __get_str(zone), __entry->pfn, __entry->order)
);

/**
 * svm_zone_fallback - a request was served by a zone other than the first
 *                     of its zonelist
 * @instance: instance name
 * @preferred: first zone of the zonelist
 * @zone: zone that served the request
 * @order: order asked for
 * @gfp: the request's SVM_GFP_* flags
 */
TRACE_EVENT(svm_zone_fallback,
	TP_PROTO(const char *instance, const char *preferred, const char *zone,
		 unsigned int order, unsigned int gfp),
	TP_ARGS(instance, preferred, zone, order, gfp),
	TP_STRUCT__entry(
		__string(instance, instance)
		__string(preferred, preferred)
		__string(zone, zone)
		__field(unsigned int, order)
		__field(unsigned int, gfp)
	),
	TP_fast_assign(
		__assign_str(instance);
		__assign_str(preferred);
		__assign_str(zone);
		__entry->order = order;
		__entry->gfp = gfp;
	),
	TP_printk("%s preferred=%s zone=%s order=%u gfp=%#x",
		  __get_str(instance), __get_str(preferred), __get_str(zone),
		  __entry->order, __entry->gfp)
);

/**
 * svm_page_alloc_extfrag - a block was taken from another migratetype's
 *                          free lists (mobility fallback)
 * @instance: instance name
 * @zone: zone of the block
 * @pfn: shadow pfn of the block taken
 * @order: order asked for
 * @fallback_order: order of the free block that was split
 * @start_migratetype: migratetype asked for
 * @fallback_migratetype: migratetype the block came from
 * @stole_pageblock: whether the whole pageblock changed type
 */
TRACE_EVENT(svm_page_alloc_extfrag,
	TP_PROTO(const char *instance, const char *zone, unsigned long pfn,
		 unsigned int order, unsigned int fallback_order,
		 int start_migratetype, int fallback_migratetype,
		 bool stole_pageblock),
	TP_ARGS(instance, zone, pfn, order, fallback_order, start_migratetype,
		fallback_migratetype, stole_pageblock),
	TP_STRUCT__entry(
		__string(instance, instance)
		__string(zone, zone)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned int, fallback_order)
		__field(int, start_migratetype)
		__field(int, fallback_migratetype)
		__field(bool, stole_pageblock)
	),
	TP_fast_assign(
		__assign_str(instance);
		__assign_str(zone);
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->fallback_order = fallback_order;
		__entry->start_migratetype = start_migratetype;
		__entry->fallback_migratetype = fallback_migratetype;
		__entry->stole_pageblock = stole_pageblock;
	),
	TP_printk("%s zone=%s pfn=%#lx order=%u fallback_order=%u migratetype=%d fallback_migratetype=%d stole=%d",
		  __get_str(instance), __get_str(zone), __entry->pfn,
		  __entry->order, __entry->fallback_order,
		  __entry->start_migratetype, __entry->fallback_migratetype,
		  __entry->stole_pageblock)
);

/**
 * svm_page_alloc_fail - no zone of the zonelist could serve a request
 * @instance: instance name
 * @order: order asked for
 * @gfp: the request's SVM_GFP_* flags
 */
TRACE_EVENT(svm_page_alloc_fail,
	TP_PROTO(const char *instance, unsigned int order, unsigned int gfp),
	TP_ARGS(instance, order, gfp),
	TP_STRUCT__entry(
		__string(instance, instance)
		__field(unsigned int, order)
		__field(unsigned int, gfp)
	),
	TP_fast_assign(
		__assign_str(instance);
		__entry->order = order;
		__entry->gfp = gfp;
	),
	TP_printk("%s order=%u gfp=%#x", __get_str(instance), __entry->order,
		  __entry->gfp)
);

#endif /* _TRACE_SHADOWVM_H */

/* This part must be outside the header guard. */
#include <trace/define_trace.h>
