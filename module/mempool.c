// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm emergency pools (6.12's mm/mempool.c, reduced to what shadowvm
 * needs; mempool_create() is not exported to modules).
 *
 * An allocation first asks the underlying allocator, without waiting and
 * without warnings; only when that fails does it take an element from the
 * reserve, and only when the reserve is empty too does a caller that may
 * wait sleep until an element is freed. A free refills the reserve before
 * anything goes back to the allocator. So at least min_nr elements are in
 * circulation for the pool's users whatever else happens to memory.
 *
 * The elements come from the shadow buddy and slab allocators, which are
 * for task context only; so is the pool, and its lock is a plain spinlock
 * (6.12's mempool disables interrupts because its allocators may be
 * called from them).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include <shadowvm/gfp.h>
#include <shadowvm/mempool.h>

static void svm_add_element(struct svm_mempool *pool, void *element)
{
	pool->elements[pool->curr_nr++] = element;
}

static void *svm_remove_element(struct svm_mempool *pool)
{
	return pool->elements[--pool->curr_nr];
}

/**
 * svm_mempool_destroy() - free a pool and every element of its reserve
 * @pool: the pool, with all its elements given back; NULL is ignored
 *
 * Context: process context.
 */
void svm_mempool_destroy(struct svm_mempool *pool)
{
	if (!pool)
		return;
	while (pool->curr_nr)
		pool->free(svm_remove_element(pool), pool->pool_data);
	kfree(pool->elements);
	if (pool->owns_data)
		kfree(pool->pool_data);
	kfree(pool);
}
EXPORT_SYMBOL_IF_KUNIT(svm_mempool_destroy);

static int svm_mempool_fill(struct svm_mempool *pool)
{
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(SVM_GFP_KERNEL, pool->pool_data);

		if (!element)
			return -ENOMEM;
		svm_add_element(pool, element);
	}
	return 0;
}

/**
 * svm_mempool_create() - create a pool and fill its reserve
 * @min_nr: elements to keep in reserve, at least 1
 * @alloc_fn: allocates an element: (gfp, @pool_data)
 * @free_fn: frees an element: (element, @pool_data)
 * @pool_data: passed to both
 *
 * Context: process context; may sleep.
 * Return: the pool, or NULL when the reserve cannot be filled.
 */
struct svm_mempool *svm_mempool_create(int min_nr,
				       svm_mempool_alloc_t *alloc_fn,
				       svm_mempool_free_t *free_fn,
				       void *pool_data)
{
	struct svm_mempool *pool;

	if (min_nr < 1)
		return NULL;
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->elements = kmalloc_array(min_nr, sizeof(void *), GFP_KERNEL);
	if (!pool->elements) {
		kfree(pool);
		return NULL;
	}
	spin_lock_init(&pool->lock);
	init_waitqueue_head(&pool->wait);
	pool->min_nr = min_nr;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	pool->pool_data = pool_data;
	if (svm_mempool_fill(pool)) {
		svm_mempool_destroy(pool);
		return NULL;
	}
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT(svm_mempool_create);

/* pool_data of a page pool (mempool_alloc_pages() of the kernel). */
struct svm_page_pool_data {
	struct svm_instance *svm;
	svm_gfp_t gfp;
	unsigned int order;
};

static void *svm_mempool_alloc_pages(svm_gfp_t gfp, void *data)
{
	struct svm_page_pool_data *d = data;

	return svm_alloc_pages(d->svm, (gfp & ~SVM_GFP_ZONEMASK) | d->gfp,
			       d->order);
}

static void svm_mempool_free_pages(void *element, void *data)
{
	struct svm_page_pool_data *d = data;

	svm_free_pages(d->svm, element, d->order);
}

/**
 * svm_mempool_create_page_pool() - a pool of shadow page blocks
 * @svm: the instance the pages come from
 * @min_nr: blocks to keep in reserve
 * @gfp: zone modifier of the blocks (0 for NORMAL, SVM_GFP_DMA...); other
 *       flags come from each svm_mempool_alloc()
 * @order: order of the blocks
 *
 * Elements are struct svm_page pointers.
 *
 * Context: process context; may sleep.
 * Return: the pool, or NULL.
 */
struct svm_mempool *svm_mempool_create_page_pool(struct svm_instance *svm,
						 int min_nr, svm_gfp_t gfp,
						 unsigned int order)
{
	struct svm_page_pool_data *d = kmalloc(sizeof(*d), GFP_KERNEL);
	struct svm_mempool *pool;

	if (!d)
		return NULL;
	d->svm = svm;
	d->gfp = gfp & SVM_GFP_ZONEMASK;
	d->order = order;
	pool = svm_mempool_create(min_nr, svm_mempool_alloc_pages,
				  svm_mempool_free_pages, d);
	if (!pool) {
		kfree(d);
		return NULL;
	}
	pool->owns_data = true;
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT(svm_mempool_create_page_pool);

/**
 * svm_mempool_alloc() - allocate an element, from the reserve if need be
 * @pool: the pool
 * @gfp: SVM_GFP_* flags; with SVM_GFP_WAIT the call sleeps until an
 *       element is freed rather than fail
 *
 * Context: task context, never softirq or hardirq (the element allocator
 * takes its locks without disabling bottom halves). Sleeps only with
 * SVM_GFP_WAIT. Takes the pool's lock, with no allocator lock held.
 * Return: an element, or NULL (only without SVM_GFP_WAIT).
 */
void *svm_mempool_alloc(struct svm_mempool *pool, svm_gfp_t gfp)
{
	svm_gfp_t gfp_temp;
	void *element;

	svm_assert_task_context();
	might_sleep_if(svm_gfpflags_allow_blocking(gfp));
	gfp |= SVM_GFP_NORETRY | SVM_GFP_NOWARN;
	/* First round: do not wait or start I/O, the reserve is there. */
	gfp_temp = gfp & ~(SVM_GFP_WAIT | SVM_GFP_IO);

repeat_alloc:
	element = pool->alloc(gfp_temp, pool->pool_data);
	if (element)
		return element;

	spin_lock(&pool->lock);
	if (pool->curr_nr) {
		element = svm_remove_element(pool);
		spin_unlock(&pool->lock);
		/* Paired with the smp_wmb() in svm_mempool_free(). */
		smp_wmb();
		return element;
	}
	/* Reserve empty: try the allocator again with the caller's flags. */
	if (gfp_temp != gfp) {
		spin_unlock(&pool->lock);
		gfp_temp = gfp;
		goto repeat_alloc;
	}
	if (!svm_gfpflags_allow_blocking(gfp)) {
		spin_unlock(&pool->lock);
		return NULL;
	}
	/* Wait for an element to come back (or time out and retry). */
	{
		DEFINE_WAIT(wait);

		prepare_to_wait(&pool->wait, &wait, TASK_UNINTERRUPTIBLE);
		spin_unlock(&pool->lock);
		io_schedule_timeout(5 * HZ);
		finish_wait(&pool->wait, &wait);
	}
	goto repeat_alloc;
}
EXPORT_SYMBOL_IF_KUNIT(svm_mempool_alloc);

/**
 * svm_mempool_free() - give an element back
 * @element: from svm_mempool_alloc(); NULL is ignored
 * @pool: its pool
 *
 * The element refills the reserve when it is short, waking a waiter;
 * otherwise it goes back to the allocator.
 *
 * Context: task context, never softirq or hardirq; does not sleep. Takes
 * the pool's lock, then (outside it) the element allocator's locks.
 */
void svm_mempool_free(void *element, struct svm_mempool *pool)
{
	if (!element)
		return;
	svm_assert_task_context();
	/* Paired with the smp_wmb() in svm_mempool_alloc(). */
	smp_rmb();
	if (unlikely(READ_ONCE(pool->curr_nr) < pool->min_nr)) {
		spin_lock(&pool->lock);
		if (likely(pool->curr_nr < pool->min_nr)) {
			svm_add_element(pool, element);
			spin_unlock(&pool->lock);
			wake_up(&pool->wait);
			return;
		}
		spin_unlock(&pool->lock);
	}
	pool->free(element, pool->pool_data);
}
EXPORT_SYMBOL_IF_KUNIT(svm_mempool_free);

/**
 * svm_mempool_available() - elements in the reserve now
 * @pool: the pool
 *
 * Context: any context.
 * Return: the count, a snapshot.
 */
int svm_mempool_available(struct svm_mempool *pool)
{
	return READ_ONCE(pool->curr_nr);
}
EXPORT_SYMBOL_IF_KUNIT(svm_mempool_available);
