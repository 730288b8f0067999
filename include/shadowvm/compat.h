/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel APIs shadowvm uses that changed between 6.1 and 6.12.
 *
 * shadowvm is written against 6.12. scripts/compat-probe compiles one test
 * per API against the target kernel and records what it has in
 * svm_compat_autoconf.h; this header fills the gaps, so that no other file
 * needs to know which kernel it is built for. Where the 6.12 API can be
 * given on an older kernel with its own name, signature and meaning, it is
 * (MAX_PAGE_ORDER, vm_flags_set(), file_bdev(), ...): the call sites stay
 * 6.12 code. Where the older form needs more arguments, or differs in what
 * it does, a svm_ wrapper takes the union of both and every call goes
 * through it.
 */
#ifndef _SHADOWVM_COMPAT_H
#define _SHADOWVM_COMPAT_H

#include <svm_compat_autoconf.h>

#include <linux/blkdev.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/splice.h>

/*
 * Orders of the buddy allocator. 6.1's MAX_ORDER is one past the largest
 * order (11 on x86); 6.4 made it the largest order, 6.8 renamed that
 * MAX_PAGE_ORDER and added NR_PAGE_ORDERS. The probe reads the largest
 * order off MAX_ORDER_NR_PAGES, which means the same everywhere, as a
 * number, so that __stringify(MAX_PAGE_ORDER) still reads "10".
 */
#ifndef SVM_HAVE_MAX_PAGE_ORDER
#define MAX_PAGE_ORDER	SVM_COMPAT_MAX_PAGE_ORDER
#define NR_PAGE_ORDERS	(MAX_PAGE_ORDER + 1)
#endif
static_assert(MAX_ORDER_NR_PAGES == 1UL << MAX_PAGE_ORDER);

/*
 * 6.3 gave vm_flags its own setters, which 6.12 requires. Before, the
 * flags were written directly, under the same mmap lock.
 */
#ifndef SVM_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/*
 * 6.10. Before, a file's ->get_unmapped_area() that wanted the default
 * placement called the mm's own method, which is what the kernel's
 * get_unmapped_area() calls for a file without one.
 */
#ifndef SVM_HAVE_MM_GET_UNMAPPED_AREA
static inline unsigned long
mm_get_unmapped_area(struct mm_struct *mm, struct file *file,
		     unsigned long addr, unsigned long len,
		     unsigned long pgoff, unsigned long flags)
{
	return mm->get_unmapped_area(file, addr, len, pgoff, flags);
}
#endif

/*
 * 6.5 renamed generic_file_splice_read(), which since 6.0 already did
 * what copy_splice_read() does for a file without a page cache: copy
 * through ->read_iter().
 */
#ifndef SVM_HAVE_COPY_SPLICE_READ
#define copy_splice_read generic_file_splice_read
#endif

/* 6.9: the block device of a file opened on one. */
#ifndef SVM_HAVE_FILE_BDEV
static inline struct block_device *file_bdev(struct file *bdev_file)
{
	return I_BDEV(bdev_file->f_mapping->host);
}
#endif

/**
 * svm_kvrealloc() - kvrealloc() of 6.12, on every kernel
 * @p: the buffer, or NULL
 * @oldsize: its size; 6.12 does not need it (ksize()/vmalloc know it)
 * @newsize: the size wanted
 * @flags: GFP flags
 *
 * Context: as kvmalloc() with @flags.
 * Return: the new buffer with the old contents, or NULL with @p unchanged.
 */
static inline void *svm_kvrealloc(void *p, size_t oldsize, size_t newsize,
				  gfp_t flags)
{
#ifdef SVM_HAVE_KVREALLOC_NO_OLDSIZE
	return kvrealloc(p, newsize, flags);
#else
	return kvrealloc(p, oldsize, newsize, flags);
#endif
}

/**
 * svm_bdev_file_open_excl() - open a block device for reading, writing
 * and nobody else
 * @path: the device node
 * @holder: who claims it (6.9 and later; older kernels make the file the
 *          holder)
 *
 * A struct file on every kernel, as bdev_file_open_by_path() returns
 * since 6.9; file_bdev() gives its block device and fput() releases it.
 * Before 6.9 the same is an O_EXCL open of the node, which claims the
 * device exclusively as blkdev_get_by_path() would (block/fops.c); its
 * file must be checked to be a block device, which bdev_file_open_by_path()
 * does by itself.
 *
 * Context: process context; may sleep.
 * Return: the file, or an ERR_PTR(): -ENOTBLK when @path is not a block
 * device, -EBUSY when someone else holds it, or the errno of the open.
 */
static inline struct file *svm_bdev_file_open_excl(const char *path,
						   void *holder)
{
#ifdef SVM_HAVE_BDEV_FILE_OPEN_BY_PATH
	return bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
				      holder, NULL);
#else
	struct file *file = filp_open(path, O_RDWR | O_EXCL | O_LARGEFILE, 0);

	if (!IS_ERR(file) && !S_ISBLK(file_inode(file)->i_mode)) {
		fput(file);
		return ERR_PTR(-ENOTBLK);
	}
	return file;
#endif
}

/*
 * Tracepoints: 6.10's __assign_str() takes only the field, __string()
 * having recorded the source; earlier kernels want the source again. The
 * source is a TP_PROTO() argument: naming it costs nothing.
 */
#ifdef SVM_HAVE_ASSIGN_STR_ONE_ARG
#define svm_assign_str(dst, src)		\
	do {					\
		__assign_str(dst);		\
		(void)(src);			\
	} while (0)
#else
#define svm_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* _SHADOWVM_COMPAT_H */
