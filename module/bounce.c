// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm bounce buffers (the book, section 9.5; 2.6's mm/highmem.c
 * blk_queue_bounce() and bounce_end_io_*()).
 *
 * A device marked lowmem-only cannot reach a HIGHMEM page. Before the I/O
 * svm_bounce_map() takes a lowmem page from the instance's emergency pool
 * and, for a write, copies the HIGHMEM page into it; the device works on
 * that page. When the I/O is over, svm_bounce_unmap() copies a read back
 * into the HIGHMEM page and returns the bounce page to the pool. It runs
 * in task context, never in the bio's completion: kmap and the pool need
 * it, so swap I/O calls it from a work item (svm_swap_read_work() for
 * reads; svm_swap_write_done(), from reclaim or the reap work, for
 * writes; both in page_io.c). The pool exists
 * from the first lowmem-only device on, so that instances without one pay
 * nothing; its reserve lets swap writeback make progress when every other
 * lowmem page is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <shadowvm/bounce.h>
#include <shadowvm/core.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mempool.h>
#include <shadowvm/page.h>

/**
 * svm_bounce_dev_init() - describe a device to the bounce code
 * @dev: the description to fill
 * @svm: the instance the device does I/O for
 * @lowmem_only: the device reaches only lowmem pages
 *
 * The first lowmem-only device of an instance creates its bounce pool
 * (SVM_BOUNCE_POOL_SIZE lowmem pages). Undo with svm_bounce_dev_exit().
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM when the pool cannot be filled.
 */
int svm_bounce_dev_init(struct svm_bounce_dev *dev, struct svm_instance *svm,
			bool lowmem_only)
{
	struct svm_highmem *hm = svm->highmem;
	int ret = 0;

	dev->svm = svm;
	dev->lowmem_only = lowmem_only;
	if (!lowmem_only)
		return 0;
	mutex_lock(&hm->bounce_mutex);
	if (!hm->bounce_pool)
		hm->bounce_pool = svm_mempool_create_page_pool(svm,
							       SVM_BOUNCE_POOL_SIZE,
							       0, 0);
	if (hm->bounce_pool)
		hm->bounce_users++;
	else
		ret = -ENOMEM;
	mutex_unlock(&hm->bounce_mutex);
	if (ret)
		dev->lowmem_only = false;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_bounce_dev_init);

/**
 * svm_bounce_dev_exit() - forget a device
 * @dev: from svm_bounce_dev_init(), with no I/O in flight
 *
 * The pool stays until the instance is destroyed: a device may come back.
 *
 * Context: process context; may sleep.
 */
void svm_bounce_dev_exit(struct svm_bounce_dev *dev)
{
	struct svm_highmem *hm = dev->svm->highmem;

	if (!dev->lowmem_only)
		return;
	mutex_lock(&hm->bounce_mutex);
	hm->bounce_users--;
	mutex_unlock(&hm->bounce_mutex);
	dev->lowmem_only = false;
}
EXPORT_SYMBOL_IF_KUNIT(svm_bounce_dev_exit);

/* Copy a page's contents; HIGHMEM is reached only by atomic maps. */
static void svm_copy_page(struct svm_instance *svm, struct svm_page *dst,
			  struct svm_page *src)
{
	void *s = svm_kmap_atomic(svm, src);
	void *d = svm_kmap_atomic(svm, dst);

	memcpy(d, s, PAGE_SIZE);
	svm_kunmap_atomic(svm, d);
	svm_kunmap_atomic(svm, s);
}

/**
 * svm_bounce_map() - the page a device should do I/O on
 * @dev: the device
 * @page: the page the I/O is for
 * @dir: its direction
 * @gfp: SVM_GFP_* flags for the bounce page; with SVM_GFP_WAIT the call
 *       waits for the pool rather than fail
 *
 * Return: @page itself when the device can reach it; otherwise a lowmem
 * bounce page (holding a copy of @page for a write); NULL when a bounce
 * page is needed and none can be had without waiting.
 *
 * Context: task context, never softirq or hardirq (see
 * svm_mempool_alloc()); sleeps only with SVM_GFP_WAIT.
 */
struct svm_page *svm_bounce_map(struct svm_bounce_dev *dev,
				struct svm_page *page, enum svm_io_dir dir,
				svm_gfp_t gfp)
{
	struct svm_instance *svm = dev->svm;
	struct svm_page *bounce;

	svm_assert_task_context();
	if (!dev->lowmem_only || !svm_page_test_highmem(page))
		return page;
	bounce = svm_mempool_alloc(svm->highmem->bounce_pool,
				   gfp & ~SVM_GFP_ZONEMASK);
	if (!bounce)
		return NULL;
	if (dir == SVM_IO_WRITE)
		svm_copy_page(svm, bounce, page);
	atomic_long_inc(&svm->highmem->bounces);
	return bounce;
}
EXPORT_SYMBOL_IF_KUNIT(svm_bounce_map);

/**
 * svm_bounce_unmap() - complete a page's I/O
 * @dev: the device
 * @page: the page the I/O was for
 * @io_page: what svm_bounce_map() returned for it
 * @dir: the direction
 * @error: 0 when the I/O succeeded; a failed read copies nothing back
 *
 * Context: task context, never softirq or hardirq; does not sleep. The
 * bounce page goes back to the pool, and so maybe to the buddy allocator:
 * a bio completion must defer this to a work item, as swap I/O does.
 */
void svm_bounce_unmap(struct svm_bounce_dev *dev, struct svm_page *page,
		      struct svm_page *io_page, enum svm_io_dir dir, int error)
{
	struct svm_instance *svm = dev->svm;

	svm_assert_task_context();
	if (io_page == page)
		return;
	if (dir == SVM_IO_READ && !error)
		svm_copy_page(svm, page, io_page);
	svm_mempool_free(io_page, svm->highmem->bounce_pool);
}
EXPORT_SYMBOL_IF_KUNIT(svm_bounce_unmap);
