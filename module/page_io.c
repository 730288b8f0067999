// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm swap I/O: pages go to and come from the swap device in bios
 * (the book, section 11.7; 6.12's mm/page_io.c).
 *
 * A bio carries the real page behind a shadow page, so a HIGHMEM shadow
 * page needs no kernel mapping for I/O; only an area declared lowmem-only
 * bounces it. Completions may run in interrupt context, where the shadow
 * allocator's locks may not be taken: a write completion unlocks the page
 * and queues it for the next reclaim pass to free, a read completion marks
 * the page up to date and unlocks it, handing bounced reads to a work item.
 * They may as well run in a task (brd completes in the submitter), so
 * each bio holds a reference on its area until its completion is over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/percpu-refcount.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/page.h>
#include <shadowvm/swap.h>
#include <trace/events/shadowvm.h>

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * For tests: when set, a write completion calls it after decrementing
 * writes_inflight, a read completion after unlocking its page. Past those
 * points nobody waits for the completion any more, yet it still touches
 * the area: a test stops it there to race svm_swapoff() against it.
 * Kernels without CONFIG_KUNIT have neither the pointer nor its test.
 */
svm_swap_end_io_hook_t svm_swap_end_io_hook;
EXPORT_SYMBOL_IF_KUNIT(svm_swap_end_io_hook);

static void svm_swap_end_io_test(struct svm_swap_info *si)
{
	svm_swap_end_io_hook_t hook = READ_ONCE(svm_swap_end_io_hook);

	if (hook)
		hook(si);
}

/*
 * For tests: when set, each completion asks it for an errno to fail the
 * bio with (0: the device's own result stands), to drive the error paths
 * without a failing device.
 */
svm_swap_fail_hook_t svm_swap_fail_hook;
EXPORT_SYMBOL_IF_KUNIT(svm_swap_fail_hook);

static int svm_swap_fail_test(struct svm_swap_bio *sb, bool write, int err)
{
	svm_swap_fail_hook_t hook = READ_ONCE(svm_swap_fail_hook);
	int fail = hook ? hook(sb->si, sb->page, write) : 0;

	return fail ?: err;
}
#else
static inline void svm_swap_end_io_test(struct svm_swap_info *si)
{
}

static inline int svm_swap_fail_test(struct svm_swap_bio *sb, bool write,
				     int err)
{
	return err;
}
#endif

/* The last bio's completion is over: svm_swap_io_quiesce() may go on. */
static void svm_swap_users_release(struct percpu_ref *ref)
{
	struct svm_swap_info *si = container_of(ref, struct svm_swap_info,
						users);

	complete(&si->comp);
}

/**
 * svm_swap_io_init() - set up an area's bios
 * @si: the area
 * @reap_work: reclaim's work item that frees written pages; each write
 *             completion that finds @si->written empty queues it
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int svm_swap_io_init(struct svm_swap_info *si, struct work_struct *reap_work)
{
	int ret;

	init_llist_head(&si->written);
	init_waitqueue_head(&si->written_wait);
	si->reap_work = reap_work;
	init_completion(&si->comp);
	ret = percpu_ref_init(&si->users, svm_swap_users_release,
			      PERCPU_REF_ALLOW_REINIT,
			      GFP_KERNEL);
	if (ret)
		return ret;
	return bioset_init(&si->bioset, BIO_POOL_SIZE,
			   offsetof(struct svm_swap_bio, bio),
			   BIOSET_NEED_BVECS);
}

/**
 * svm_swap_io_quiesce() - wait until no completion can touch the area
 * @si: the area; no new I/O may be started on it
 *
 * Each bio holds @si->users from its allocation until the last thing its
 * completion does. Completions may run in an interrupt, a softirq, a task
 * polling for them or completing them for another CPU, a threaded
 * handler, or inline in the submitting task (brd): so neither the
 * writes_inflight count nor an RCU grace period tells when they are over,
 * but the reference does. Once it is gone, the reap work queued by the
 * last write completion is flushed, and nothing but the caller touches
 * the area: written pages left on @si->written are the caller's to reap.
 *
 * Context: process context; sleeps.
 */
void svm_swap_io_quiesce(struct svm_swap_info *si)
{
	percpu_ref_kill(&si->users);
	wait_for_completion(&si->comp);
	flush_work(si->reap_work);
}

/**
 * svm_swap_io_exit() - free an area's bios
 * @si: the area: svm_swap_io_quiesce() was called, or no I/O was ever
 *      started
 *
 * Context: process context; may sleep.
 */
void svm_swap_io_exit(struct svm_swap_info *si)
{
	bioset_exit(&si->bioset);
	percpu_ref_exit(&si->users);
}

/**
 * svm_swap_rw_header() - read or write slot 0 synchronously
 * @si: the area, with its device open
 * @page: a real page to transfer
 * @write: write @page instead of reading into it
 *
 * Context: process context; sleeps.
 * Return: 0 or the I/O's errno.
 */
int svm_swap_rw_header(struct svm_swap_info *si, struct page *page,
		       bool write)
{
	struct bio_vec bvec;
	struct bio bio;
	int ret;

	bio_init(&bio, file_bdev(si->bdev_file), &bvec, 1,
		 write ? REQ_OP_WRITE | REQ_SYNC | REQ_FUA : REQ_OP_READ);
	bio.bi_iter.bi_sector = 0;
	__bio_add_page(&bio, page, PAGE_SIZE, 0);
	ret = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return ret;
}

static struct svm_swap_bio *svm_swap_bio_alloc(struct svm_swap_info *si,
					       struct svm_page *page,
					       struct svm_page *io_page,
					       blk_opf_t opf)
{
	struct svm_instance *svm = si->svm;
	struct svm_swp_entry entry = { page->private };
	struct svm_swap_bio *sb;
	struct bio *bio;

	/* NOIO, and the bioset's reserve: reclaim must not wait on itself. */
	bio = bio_alloc_bioset(file_bdev(si->bdev_file), 1, opf, GFP_NOIO,
			       &si->bioset);
	sb = container_of(bio, struct svm_swap_bio, bio);
	/* Until the completion's last touch of @si: svm_swap_io_quiesce(). */
	percpu_ref_get(&si->users);
	sb->si = si;
	sb->page = page;
	sb->io_page = io_page;
	sb->error = 0;
	bio->bi_iter.bi_sector = (sector_t)svm_swp_offset(entry) <<
				 (PAGE_SHIFT - SECTOR_SHIFT);
	__bio_add_page(bio, svm_page_to_real(svm, io_page), PAGE_SIZE, 0);
	return sb;
}

static void svm_swap_write_end_io(struct bio *bio)
{
	struct svm_swap_bio *sb = container_of(bio, struct svm_swap_bio, bio);
	struct svm_swap_info *si = sb->si;

	sb->error = svm_swap_fail_test(sb, true,
				       blk_status_to_errno(bio->bi_status));
	/* Faults and truncation waiting on the page may go on now. */
	svm_page_clear_writeback(sb->page);
	svm_unlock_page(sb->page);
	atomic_inc(&si->nr_written);
	if (llist_add(&sb->node, &si->written))
		queue_work(system_unbound_wq, si->reap_work);
	atomic_dec(&si->writes_inflight);
	svm_swap_end_io_test(si);
	wake_up_all(&si->written_wait);
	/*
	 * Last: svm_swapoff() may free @si as soon as this is dropped. The
	 * bio itself waits on @si->written for a reaper.
	 */
	percpu_ref_put(&si->users);
}

/**
 * svm_swap_writepage() - start writing a page to its swap slot
 * @svm: the instance, with a swap area
 * @page: a page taken off the LRU lists, locked by the caller, in the
 *        swap cache (@page->private is its entry), with SVM_PG_writeback
 *
 * The write is submitted at once (the caller's plug merges neighbouring
 * slots into one request) and the caller goes on without waiting: the
 * completion unlocks the page and queues it on the area's written list,
 * where the next reclaim pass, or a work item the completion queues,
 * finds it (svm_swap_take_written()) to free it. Until then the page
 * keeps the caller's isolation reference.
 *
 * Context: process context; may sleep (bounce pages, bios).
 * Return: 0; -ENOMEM without a bounce page (nothing was submitted).
 */
int svm_swap_writepage(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_swap_info *si = svm->swap;
	struct svm_page *io_page;
	struct svm_swap_bio *sb;

	io_page = svm_bounce_map(&si->bounce, page, SVM_IO_WRITE,
				 SVM_GFP_NOIO);
	if (!io_page)
		return -ENOMEM;
	sb = svm_swap_bio_alloc(si, page, io_page, REQ_OP_WRITE | REQ_SWAP);
	sb->bio.bi_end_io = svm_swap_write_end_io;
	atomic_inc(&si->writes_inflight);
	atomic_long_inc(&si->pswpout);
	trace_svm_swap_out(svm->id, svm_page_to_pfn(svm, page),
			   page->private);
	submit_bio(&sb->bio);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_writepage);

/**
 * svm_swap_take_written() - the writes completed since the last call
 * @svm: the instance, with a swap area
 * @wait: when none completed but some are in flight, wait a little
 *        (HZ/20 at most) for one
 *
 * Context: process context; sleeps with @wait.
 * Return: a list to walk with svm_swap_write_done(), or NULL.
 */
struct llist_node *svm_swap_take_written(struct svm_instance *svm,
					 bool wait)
{
	struct svm_swap_info *si = svm->swap;

	if (!si)
		return NULL;
	if (wait && llist_empty(&si->written) &&
	    atomic_read(&si->writes_inflight))
		wait_event_timeout(si->written_wait,
				   !llist_empty(&si->written), HZ / 20);
	return llist_del_all(&si->written);
}

/**
 * svm_swap_write_done() - finish one completed write
 * @svm: the instance
 * @node: a node of the list svm_swap_take_written() returned
 * @error: set to the write's result
 *
 * Frees the bounce page and the bio, and counts and logs an error. What
 * becomes of a page whose write failed is the caller's to decide
 * (reclaim keeps it dirty and moves it off its slot with
 * svm_swap_write_failed()).
 *
 * Context: process context.
 * Return: the page, still with the reference the writer's isolation
 * took, no longer locked.
 */
struct svm_page *svm_swap_write_done(struct svm_instance *svm,
				     struct llist_node *node, int *error)
{
	struct svm_swap_bio *sb = container_of(node, struct svm_swap_bio,
					       node);
	struct svm_swap_info *si = sb->si;
	struct svm_page *page = sb->page;

	*error = sb->error;
	svm_bounce_unmap(&si->bounce, page, sb->io_page, SVM_IO_WRITE,
			 sb->error);
	if (sb->error) {
		atomic_long_inc(&si->io_errors);
		atomic_long_inc(&si->write_errors);
		pr_err_ratelimited("%s: write to swap slot %#x failed: %d\n",
				   svm->name, page->private, sb->error);
	}
	bio_put(&sb->bio);
	/* After the bio went back: swapoff waits for this to detach. */
	if (atomic_dec_and_test(&si->nr_written))
		wake_up_var(&si->nr_written);
	return page;
}

static void svm_swap_read_done(struct svm_swap_bio *sb, int err)
{
	struct svm_swap_info *si = sb->si;

	if (err) {
		atomic_long_inc(&si->io_errors);
		atomic_long_inc(&si->read_errors);
		pr_err_ratelimited("%s: read of swap slot %#x failed: %d\n",
				   si->svm->name, sb->page->private, err);
	} else {
		svm_page_set_uptodate(sb->page);
	}
	svm_unlock_page(sb->page);
	svm_swap_end_io_test(si);
}

static void svm_swap_read_work(struct work_struct *work)
{
	struct svm_swap_bio *sb = container_of(work, struct svm_swap_bio, work);
	struct svm_swap_info *si = sb->si;
	int err = svm_swap_fail_test(sb, false,
				     blk_status_to_errno(sb->bio.bi_status));

	svm_bounce_unmap(&si->bounce, sb->page, sb->io_page, SVM_IO_READ, err);
	svm_swap_read_done(sb, err);
	/* The bio goes back to @si->bioset: the reference goes after it. */
	bio_put(&sb->bio);
	percpu_ref_put(&si->users);
}

static void svm_swap_read_end_io(struct bio *bio)
{
	struct svm_swap_bio *sb = container_of(bio, struct svm_swap_bio, bio);
	struct svm_swap_info *si = sb->si;

	/* Copying a bounce page back takes locks interrupts must not. */
	if (sb->io_page != sb->page) {
		INIT_WORK(&sb->work, svm_swap_read_work);
		queue_work(system_unbound_wq, &sb->work);
		return;
	}
	svm_swap_read_done(sb,
			   svm_swap_fail_test(sb, false,
					      blk_status_to_errno(bio->bi_status)));
	bio_put(bio);
	percpu_ref_put(&si->users);
}

/**
 * svm_swap_readpage() - start reading a page from its swap slot
 * @svm: the instance, with a swap area
 * @page: a new page locked by the caller, in the swap cache
 *        (@page->private is its entry), not up to date
 *
 * Completion marks the page up to date (unless the read failed) and
 * unlocks it: wait with svm_lock_page() or svm_wait_on_page_locked().
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM when a bounce page cannot be had (the page is
 * then still locked and not up to date).
 */
int svm_swap_readpage(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_swap_info *si = svm->swap;
	struct svm_page *io_page;
	struct svm_swap_bio *sb;

	io_page = svm_bounce_map(&si->bounce, page, SVM_IO_READ, SVM_GFP_NOIO);
	if (!io_page)
		return -ENOMEM;
	sb = svm_swap_bio_alloc(si, page, io_page, REQ_OP_READ | REQ_SWAP);
	sb->bio.bi_end_io = svm_swap_read_end_io;
	atomic_long_inc(&si->pswpin);
	trace_svm_swap_in(svm->id, svm_page_to_pfn(svm, page),
			  page->private);
	submit_bio(&sb->bio);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_readpage);
