/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm bounce buffers (the book, section 9.5): I/O on a HIGHMEM page
 * for a device that reaches only low memory goes through a lowmem page
 * from an emergency pool. See Documentation/highmem.rst.
 *
 * The swap code calls, for each page of a request:
 *   io = svm_bounce_map(dev, page, dir, gfp);   before submitting
 *   ...I/O on svm_page_to_real(svm, io)...
 *   svm_bounce_unmap(dev, page, io, dir, err);  on completion
 */
#ifndef _SHADOWVM_BOUNCE_H
#define _SHADOWVM_BOUNCE_H

#include <linux/types.h>

#include <shadowvm/gfp.h>

struct svm_instance;
struct svm_page;

/* Pages in an instance's bounce pool (2.6's POOL_SIZE). */
#define SVM_BOUNCE_POOL_SIZE	64

/**
 * enum svm_io_dir - direction of a page's I/O
 * @SVM_IO_READ: device to memory
 * @SVM_IO_WRITE: memory to device
 */
enum svm_io_dir {
	SVM_IO_READ,
	SVM_IO_WRITE,
};

/**
 * struct svm_bounce_dev - what the bounce code knows of a device
 * @svm: the instance whose pages the device does I/O on
 * @lowmem_only: the device reaches only lowmem pages (2.6's
 *               blk_queue_bounce_limit() below the highmem boundary)
 */
struct svm_bounce_dev {
	struct svm_instance *svm;
	bool lowmem_only;
};

int svm_bounce_dev_init(struct svm_bounce_dev *dev, struct svm_instance *svm,
			bool lowmem_only);
void svm_bounce_dev_exit(struct svm_bounce_dev *dev);
struct svm_page *svm_bounce_map(struct svm_bounce_dev *dev,
				struct svm_page *page, enum svm_io_dir dir,
				svm_gfp_t gfp);
void svm_bounce_unmap(struct svm_bounce_dev *dev, struct svm_page *page,
		      struct svm_page *io_page, enum svm_io_dir dir, int error);

#endif /* _SHADOWVM_BOUNCE_H */
