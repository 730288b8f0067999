/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm GFP flags: how a caller asks the shadow page allocator for memory.
 *
 * Modelled on 2.6's <linux/gfp.h> (the book's table 6.3-6.5): the low bits
 * pick the highest zone the request may use, the others say what the
 * allocator may do to satisfy it. The type is __bitwise so that sparse
 * catches a kernel gfp_t passed where an svm_gfp_t is expected.
 */
#ifndef _SHADOWVM_GFP_H
#define _SHADOWVM_GFP_H

#include <linux/bits.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <linux/types.h>

typedef unsigned int __bitwise svm_gfp_t;

/* Bit numbers; use the SVM_GFP_* values below. */
#define ___SVM_GFP_DMA			BIT(0)
#define ___SVM_GFP_HIGHMEM		BIT(1)
#define ___SVM_GFP_MOVABLE		BIT(2)
#define ___SVM_GFP_DIRECT_RECLAIM	BIT(3)
#define ___SVM_GFP_IO			BIT(4)
#define ___SVM_GFP_FS			BIT(5)
#define ___SVM_GFP_HIGH			BIT(6)
#define ___SVM_GFP_NOWARN		BIT(7)
#define ___SVM_GFP_NORETRY		BIT(8)
#define ___SVM_GFP_ZERO			BIT(9)
#define ___SVM_GFP_LAST			BIT(10)

/* Zone modifiers: the highest zone the request may be served from. */
#define SVM_GFP_DMA		((__force svm_gfp_t)___SVM_GFP_DMA)
#define SVM_GFP_HIGHMEM		((__force svm_gfp_t)___SVM_GFP_HIGHMEM)
#define SVM_GFP_ZONEMASK	(SVM_GFP_DMA | SVM_GFP_HIGHMEM)

/* Mobility: the pages can be moved or reclaimed (user pages, page cache). */
#define SVM_GFP_MOVABLE		((__force svm_gfp_t)___SVM_GFP_MOVABLE)

/*
 * Action modifiers. DIRECT_RECLAIM is 2.4/2.6's __GFP_WAIT: the caller may
 * sleep. IO and FS allow reclaim to start I/O and to call into
 * filesystems; they matter once shadowvm has reclaim.
 */
#define SVM_GFP_DIRECT_RECLAIM	((__force svm_gfp_t)___SVM_GFP_DIRECT_RECLAIM)
#define SVM_GFP_WAIT		SVM_GFP_DIRECT_RECLAIM
#define SVM_GFP_IO		((__force svm_gfp_t)___SVM_GFP_IO)
#define SVM_GFP_FS		((__force svm_gfp_t)___SVM_GFP_FS)
/* High priority: may dip further below the min watermark. */
#define SVM_GFP_HIGH		((__force svm_gfp_t)___SVM_GFP_HIGH)
/* Do not log a failure. */
#define SVM_GFP_NOWARN		((__force svm_gfp_t)___SVM_GFP_NOWARN)
/* Fail at once: no draining of per-CPU lists, no direct reclaim. */
#define SVM_GFP_NORETRY		((__force svm_gfp_t)___SVM_GFP_NORETRY)
/* Return zeroed pages. */
#define SVM_GFP_ZERO		((__force svm_gfp_t)___SVM_GFP_ZERO)

/* Every valid bit; anything else is refused. */
#define SVM_GFP_VALID		((__force svm_gfp_t)(___SVM_GFP_LAST - 1))

/* The usual combinations, as in 2.6.24. */
#define SVM_GFP_NOWAIT		((__force svm_gfp_t)0)
#define SVM_GFP_ATOMIC		(SVM_GFP_HIGH)
#define SVM_GFP_NOIO		(SVM_GFP_WAIT)
#define SVM_GFP_NOFS		(SVM_GFP_WAIT | SVM_GFP_IO)
#define SVM_GFP_KERNEL		(SVM_GFP_WAIT | SVM_GFP_IO | SVM_GFP_FS)
#define SVM_GFP_USER		(SVM_GFP_WAIT | SVM_GFP_IO | SVM_GFP_FS)
#define SVM_GFP_HIGHUSER	(SVM_GFP_USER | SVM_GFP_HIGHMEM)
#define SVM_GFP_HIGHUSER_MOVABLE (SVM_GFP_HIGHUSER | SVM_GFP_MOVABLE)

/**
 * svm_gfpflags_allow_blocking() - may a request with these flags sleep?
 * @gfp: the request's flags
 *
 * Return: true when @gfp has SVM_GFP_WAIT.
 */
static inline bool svm_gfpflags_allow_blocking(svm_gfp_t gfp)
{
	return !!(gfp & SVM_GFP_WAIT);
}

/**
 * svm_assert_task_context() - entry check of the allocators
 *
 * The buddy and slab allocators take the per-CPU list, zone and cache
 * locks with plain spin_lock() and work on this CPU's lists and array
 * caches with only preemption disabled. A softirq or hard interrupt
 * entering them on a CPU whose task is inside would spin forever on a lock
 * that task holds, or change a per-CPU array under it. So their entry
 * points need task context: a process, a kthread or a work item (bottom
 * halves may be disabled). Lockdep kernels check it; others pay nothing.
 */
static __always_inline void svm_assert_task_context(void)
{
	lockdep_assert_once(in_task());
}

struct svm_instance;
struct svm_page;

/* module/page_alloc.c: the binary buddy allocator */
struct svm_page *svm_alloc_pages_node(struct svm_instance *svm, int nid,
				      svm_gfp_t gfp, unsigned int order);
struct svm_page *svm_alloc_pages(struct svm_instance *svm, svm_gfp_t gfp,
				 unsigned int order);
void svm_free_pages(struct svm_instance *svm, struct svm_page *page,
		    unsigned int order);
unsigned long svm_get_free_pages(struct svm_instance *svm, svm_gfp_t gfp,
				 unsigned int order);
unsigned long svm_get_zeroed_page(struct svm_instance *svm, svm_gfp_t gfp);
void *svm_page_address(struct svm_instance *svm, struct svm_page *page);
void svm_drain_all_pages(struct svm_instance *svm);
bool svm_zonelist_has_room(struct svm_instance *svm, svm_gfp_t gfp,
			   unsigned long nr);

#define svm_alloc_page(svm, gfp)	svm_alloc_pages(svm, gfp, 0)
#define svm_get_free_page(svm, gfp)	svm_get_free_pages(svm, gfp, 0)
#define svm_free_page(svm, page)	svm_free_pages(svm, page, 0)

#endif /* _SHADOWVM_GFP_H */
