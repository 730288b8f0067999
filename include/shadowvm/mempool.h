/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm emergency pools: a reserve of preallocated elements that an
 * allocation falls back on when the allocator fails, so that a path that
 * must make progress (swap writeback, bounce buffers) always can. Modelled
 * on mm/mempool.c, whose mempool_create() modules may not call.
 */
#ifndef _SHADOWVM_MEMPOOL_H
#define _SHADOWVM_MEMPOOL_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <shadowvm/gfp.h>

typedef void *(svm_mempool_alloc_t)(svm_gfp_t gfp, void *pool_data);
typedef void (svm_mempool_free_t)(void *element, void *pool_data);

/**
 * struct svm_mempool - a pool with a guaranteed reserve
 * @lock: protects @curr_nr and @elements
 * @min_nr: elements the reserve holds when full
 * @curr_nr: elements in the reserve now
 * @elements: the reserve, a stack of @min_nr entries
 * @pool_data: passed to @alloc and @free
 * @alloc: allocates one element; NULL on failure
 * @free: gives one element back to its allocator
 * @owns_data: @pool_data was allocated by the pool and is kfree()d with it
 * @wait: where svm_mempool_alloc() sleeps for an element
 */
struct svm_mempool {
	spinlock_t lock;	/* task context only, as the allocators */
	int min_nr;
	int curr_nr;
	void **elements;
	void *pool_data;
	svm_mempool_alloc_t *alloc;
	svm_mempool_free_t *free;
	bool owns_data;
	wait_queue_head_t wait;
};

struct svm_mempool *svm_mempool_create(int min_nr,
				       svm_mempool_alloc_t *alloc_fn,
				       svm_mempool_free_t *free_fn,
				       void *pool_data);
struct svm_mempool *svm_mempool_create_page_pool(struct svm_instance *svm,
						 int min_nr, svm_gfp_t gfp,
						 unsigned int order);
void svm_mempool_destroy(struct svm_mempool *pool);
void *svm_mempool_alloc(struct svm_mempool *pool, svm_gfp_t gfp);
void svm_mempool_free(void *element, struct svm_mempool *pool);
int svm_mempool_available(struct svm_mempool *pool);

#endif /* _SHADOWVM_MEMPOOL_H */
