// SPDX-License-Identifier: GPL-2.0
/*
 * read(), write(), lseek() and fsync() of /dev/shadowvm objects: the book's
 * generic_file_read() and generic_file_write() (appendix D.6) on an
 * object's shadow page cache, so that write() fills the very pages a
 * mapping sees and read() returns what a mapping wrote.
 *
 * Locking, outermost first (see Documentation/uapi.rst):
 * - the object inode's i_rwsem, held across a whole write() and by
 *   resizes: writes are atomic against each other, O_APPEND finds the end,
 *   and the size only grows under a writer (a mapping may grow it too);
 *   reads do not take it;
 * - obj->lock, taken per page: shared to look a page up and copy inside
 *   the size, exclusive while a write grows the size. It is never held
 *   while user memory is faulted in: the user buffer may be a mapping of
 *   this very object, whose fault handler takes obj->lock;
 * - the page lock, across a write's copy into the page, so that a fault or
 *   read of that page waits for the whole piece.
 *
 * HIGHMEM shadow pages have no kernel address but a kmap, so copies go
 * through svm_kmap() (reads) or svm_kmap_atomic() (writes, with page
 * faults disabled). A short write copy drops the locks, faults the user
 * buffer in and retries, as generic_perform_write() does. A buffer that
 * cannot be faulted in ends the transfer with -EFAULT, or with the bytes
 * already done.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/highmem.h>
#include <shadowvm/object.h>
#include <shadowvm/oom.h>
#include <shadowvm/page.h>
#include <shadowvm/rmap.h>
#include <shadowvm/vmstat.h>
#include <trace/events/shadowvm.h>

/*
 * Copy @bytes between @iter and @page at @offset. A read holds no lock and
 * may fault; it uses the pkmap window, whose slots stay mapped after use
 * and are flushed together once per wrap-around, where an atomic slot
 * costs a TLB flush per page. A write copies under the page lock, so
 * through an atomic slot with page faults disabled: it never sleeps there
 * (not even for a pkmap slot a faulting reader holds), and the result is
 * short where the source is not resident.
 */
static size_t svm_rw_copy(struct svm_instance *svm, struct svm_page *page,
			  size_t offset, size_t bytes, struct iov_iter *iter)
{
	char *kaddr;
	size_t n;

	if (iov_iter_rw(iter) == READ) {
		kaddr = svm_kmap(svm, page);
		n = copy_to_iter(kaddr + offset, bytes, iter);
		svm_kunmap(svm, page);
		return n;
	}
	kaddr = svm_kmap_atomic(svm, page);
	if (likely(kaddr)) {
		n = copy_from_iter(kaddr + offset, bytes, iter);
		svm_kunmap_atomic(svm, kaddr);
		return n;
	}
	/* Atomic slots exhausted (nested too deep): the pkmap window. */
	kaddr = svm_kmap(svm, page);
	pagefault_disable();
	n = copy_from_iter(kaddr + offset, bytes, iter);
	pagefault_enable();
	svm_kunmap(svm, page);
	return n;
}

/**
 * svm_object_read() - read an object through its page cache
 * @obj: the object
 * @pos: where to start; advanced by the bytes read
 * @to: destination
 *
 * Stops at the object's size. A hole (no page cached) reads as zeros and
 * allocates nothing. Each page and the size are sampled together under
 * @obj->lock shared; the copy runs after it is dropped, on a reference to
 * the page, so a concurrent truncation may at worst be seen late, and the
 * copy may fault (the destination may map this very object).
 *
 * Context: process context; may sleep.
 * Return: bytes read (0 at or past the end), or -EFAULT when not one
 * byte could be stored, or the errno of bringing a swapped-out page back
 * (-ENOMEM, -EIO) when it is the first page.
 */
ssize_t svm_object_read(struct svm_object *obj, loff_t *pos,
			struct iov_iter *to)
{
	struct svm_instance *svm = obj->svm;
	ssize_t done = 0;
	int err = 0;

	while (iov_iter_count(to)) {
		size_t offset = offset_in_page(*pos);
		size_t bytes = min_t(size_t, PAGE_SIZE - offset,
				     iov_iter_count(to));
		struct svm_page *page = NULL;
		size_t copied;
		loff_t isize;

		down_read(&obj->lock);
		isize = i_size_read(obj->inode);
		if (*pos < isize) {
			bytes = min_t(loff_t, bytes, isize - *pos);
			page = svm_read_cache_page(&obj->as,
						   *pos >> PAGE_SHIFT);
		}
		up_read(&obj->lock);
		if (*pos >= isize)
			break;
		if (IS_ERR(page)) {
			err = PTR_ERR(page);
			break;
		}
		if (page) {
			copied = svm_rw_copy(svm, page, offset, bytes, to);
			svm_put_page(svm, page);
		} else {
			/* Faults allowed: no lock is held here. */
			copied = iov_iter_zero(bytes, to);
		}
		*pos += copied;
		done += copied;
		if (copied < bytes) {
			err = -EFAULT;
			break;
		}
		cond_resched();
	}
	return done ? done : err;
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_read);

/*
 * Write the next piece (up to the end of one page) at @pos. Called with
 * the inode's i_rwsem held, the source faulted in. Returns the bytes
 * copied (0 when the source was not resident after all), -ENOMEM when
 * no page could be had after reclaim, -EIO when the page is on swap and
 * cannot be read back, or -ENOSPC.
 */
static ssize_t svm_object_write_page(struct svm_object *obj, loff_t pos,
				     size_t bytes, struct iov_iter *from)
{
	struct svm_instance *svm = obj->svm;
	/* Under i_rwsem only a mapping can change the size: it grows it. */
	bool grow = pos + bytes > i_size_read(obj->inode);
	struct svm_page *page;
	bool created;
	size_t copied;
	loff_t isize;

	if (grow)
		down_write(&obj->lock);
	else
		down_read(&obj->lock);
	isize = i_size_read(obj->inode);
	/* A write past the end leaves a hole: zero what lies past it. */
	if (pos > isize)
		svm_object_zero_tail_locked(obj);
	page = svm_find_or_create_page(&obj->as, pos >> PAGE_SHIFT, &created);
	if (IS_ERR(page)) {
		copied = 0;
		goto unlock;
	}
	svm_lock_page(page);
	copied = svm_rw_copy(svm, page, offset_in_page(pos), bytes, from);
	if (copied)
		svm_mark_page_dirty(&obj->as, page);
	svm_unlock_page(page);
	svm_put_page(svm, page);
	if (pos + copied > isize)
		svm_object_set_isize_locked(obj, pos + copied);
	else if (!copied && created && pos >= obj->size)
		/* Nothing copied to a new page no fault can reach: drop it. */
		svm_truncate_pages(&obj->as, obj->size >> PAGE_SHIFT);
unlock:
	if (grow)
		up_write(&obj->lock);
	else
		up_read(&obj->lock);
	/* A page that cannot be read back from swap is an I/O error. */
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENOMEM || PTR_ERR(page) == -EIO ?
		       PTR_ERR(page) : -ENOSPC;
	return copied;
}

/**
 * svm_object_write() - write an object through its page cache
 * @obj: the object
 * @pos: where to start (ignored with @append); set past the last byte
 *       written
 * @from: source
 * @append: write at the object's size, as O_APPEND
 *
 * Allocates missing pages (zeroed), marks the written pages dirty and
 * grows the size to cover what was written. Nothing is written at or past
 * SVM_MAX_OBJECT_SIZE.
 *
 * When no page can be had even after reclaim, the OOM killer is asked
 * (svm_out_of_memory(), with the inode's i_rwsem held: writes stay atomic)
 * and the page is tried again if a victim's memory came back.
 *
 * Context: process context; takes the inode's i_rwsem; may sleep.
 * Return: bytes written if any, else -EFBIG (@pos at or past the maximum
 * size), -EFAULT (bad source), -ENOSPC (shadow memory exhausted) or -EIO
 * (the page to write into is on swap and cannot be read).
 */
ssize_t svm_object_write(struct svm_object *obj, loff_t *pos,
			 struct iov_iter *from, bool append)
{
	ssize_t done = 0, n;
	int err = 0;

	inode_lock(obj->inode);
	if (append)
		*pos = i_size_read(obj->inode);
	if (*pos >= SVM_MAX_OBJECT_SIZE) {
		err = -EFBIG;
		goto out;
	}
	iov_iter_truncate(from, SVM_MAX_OBJECT_SIZE - *pos);
	while (iov_iter_count(from)) {
		size_t bytes = min_t(size_t, PAGE_SIZE - offset_in_page(*pos),
				     iov_iter_count(from));

		/* No lock of the object held: the fault may take obj->lock. */
		if (fault_in_iov_iter_readable(from, bytes) == bytes) {
			err = -EFAULT;
			break;
		}
		n = svm_object_write_page(obj, *pos, bytes, from);
		/* Out of memory after reclaim: the same piece again. */
		if (n == -ENOMEM && svm_out_of_memory(obj->svm))
			continue;
		if (n < 0) {
			/* ENOSPC is the ABI's errno for exhausted memory. */
			err = n == -ENOMEM ? -ENOSPC : n;
			break;
		}
		*pos += n;
		done += n;
		cond_resched();
	}
out:
	inode_unlock(obj->inode);
	return done ? done : err;
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_write);

/**
 * svm_object_seek_data() - SEEK_DATA and SEEK_HOLE of an object
 * @obj: the object
 * @offset: where to start looking
 * @whence: SEEK_DATA or SEEK_HOLE
 *
 * Data is any page in the page cache (written by write() or touched
 * through a mapping, even if all zeros); a hole is an index with no page.
 * There is a hole at the end of every object.
 *
 * Context: process context; may sleep.
 * Return: the offset found, or -ENXIO when @offset is negative or at or
 * past the size, or (SEEK_DATA) no data follows it.
 */
loff_t svm_object_seek_data(struct svm_object *obj, loff_t offset,
			    int whence)
{
	unsigned long index, end;
	loff_t isize, ret;

	if (offset < 0)
		return -ENXIO;
	down_read(&obj->lock);
	isize = i_size_read(obj->inode);
	if (offset >= isize) {
		ret = -ENXIO;
		goto out;
	}
	index = offset >> PAGE_SHIFT;
	end = DIV_ROUND_UP(isize, PAGE_SIZE);
	if (whence == SEEK_DATA) {
		if (xa_find(&obj->as.i_pages, &index, end - 1, XA_PRESENT))
			ret = max_t(loff_t, offset, (loff_t)index << PAGE_SHIFT);
		else
			ret = -ENXIO;
		goto out;
	}
	while (index < end && xa_load(&obj->as.i_pages, index)) {
		index++;
		if (!(index % 1024))
			cond_resched();
	}
	ret = min_t(loff_t, isize,
		    max_t(loff_t, offset, (loff_t)index << PAGE_SHIFT));
out:
	up_read(&obj->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_seek_data);

/**
 * svm_file_read_iter() - read(), pread(), readv() of a descriptor
 * @iocb: the file and position
 * @to: destination
 *
 * Return: see svm_object_read(); 0 for a zero-length read.
 */
ssize_t svm_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct svm_object *obj = svm_file_object_get(iocb->ki_filp);
	struct svm_instance *svm = obj->svm;
	size_t count = iov_iter_count(to);
	loff_t start = iocb->ki_pos;
	ssize_t ret = 0;

	if (count)
		ret = svm_object_read(obj, &iocb->ki_pos, to);
	svm_count_vm_event(svm, SVM_RW_READ);
	if (ret > 0)
		svm_count_vm_events(svm, SVM_RW_READ_BYTES, ret);
	trace_svm_file_read(svm->id, obj->as.id, start, count, ret);
	svm_object_put(obj);
	return ret;
}

/**
 * svm_file_write_iter() - write(), pwrite(), writev() of a descriptor
 * @iocb: the file, position and O_APPEND (IOCB_APPEND)
 * @from: source
 *
 * Return: see svm_object_write(); 0 for a zero-length write.
 */
ssize_t svm_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct svm_object *obj = svm_file_object_get(file);
	struct svm_instance *svm = obj->svm;
	size_t count = iov_iter_count(from);
	ssize_t ret = 0;

	if (count) {
		ret = svm_object_write(obj, &iocb->ki_pos, from,
				       iocb->ki_flags & IOCB_APPEND);
		if (ret > 0)
			svm_file_sync_size(file, obj);
	}
	svm_count_vm_event(svm, SVM_RW_WRITE);
	if (ret > 0)
		svm_count_vm_events(svm, SVM_RW_WRITE_BYTES, ret);
	trace_svm_file_write(svm->id, obj->as.id,
			     ret > 0 ? iocb->ki_pos - ret : iocb->ki_pos,
			     count, ret);
	svm_object_put(obj);
	return ret;
}

/**
 * svm_file_llseek() - lseek() of a descriptor
 * @file: the file
 * @offset: offset
 * @whence: SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA or SEEK_HOLE
 *
 * Return: the new position; -EINVAL for a position that is negative or
 * past SVM_MAX_OBJECT_SIZE; -ENXIO as svm_object_seek_data(). Other
 * @whence values never get here (the VFS answers -EINVAL).
 */
loff_t svm_file_llseek(struct file *file, loff_t offset, int whence)
{
	struct svm_object *obj = svm_file_object_get(file);
	loff_t ret;

	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		ret = svm_object_seek_data(obj, offset, whence);
		if (ret >= 0)
			ret = vfs_setpos(file, ret, SVM_MAX_OBJECT_SIZE);
	} else {
		ret = generic_file_llseek_size(file, offset, whence,
					       SVM_MAX_OBJECT_SIZE,
					       svm_object_get_size(obj));
	}
	svm_object_put(obj);
	return ret;
}

/**
 * svm_file_fsync() - fsync() and fdatasync() of a descriptor, and
 * msync(MS_SYNC) of its mappings
 * @file: the file
 * @start: first byte
 * @end: last byte
 * @datasync: fdatasync()
 *
 * Objects have no backing store (swap is not persistence): written data is
 * in the page cache already, and nothing makes it survive an unload. What
 * a sync does is make the page cache's idea of dirty pages true: the dirty
 * bits of the PTEs that map the range are folded into their pages
 * (svm_page_dirty_ptes()), so that nr_dirty counts every page written
 * through a mapping that is still mapped.
 *
 * Context: process context; sleeps (page locks).
 * Return: 0, or -EINTR when a fatal signal stopped it.
 */
int svm_file_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct svm_object *obj = svm_file_object_get(file);
	struct svm_address_space *as = &obj->as;
	struct svm_instance *svm = obj->svm;
	u64 size = svm_object_get_size(obj);
	unsigned long index = start >> PAGE_SHIFT, last;
	int ret = 0;

	if (!size || start >= size)
		goto out;
	last = min_t(u64, end, size - 1) >> PAGE_SHIFT;
	while (index <= last) {
		void *entry = xa_find(&as->i_pages, &index, last, XA_PRESENT);
		struct svm_page *page;

		if (!entry)
			break;
		page = xa_is_value(entry) ? NULL : svm_find_get_page(as, index);
		if (page) {
			svm_lock_page(page);
			if (page->mapping == as &&
			    page_mapped(svm_page_to_real(svm, page)))
				svm_page_dirty_ptes(svm, page);
			svm_unlock_page(page);
			svm_put_page(svm, page);
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
		index++;
	}
out:
	svm_object_put(obj);
	return ret;
}
