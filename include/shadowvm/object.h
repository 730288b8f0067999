/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm objects: what /dev/shadowvm's descriptors map. Each object is a
 * page cache (include/shadowvm/filemap.h), a size and an anonymous inode
 * whose address_space collects the VMAs mapping the object, so that
 * unmap_mapping_range() reaches exactly this object's mappings. See
 * Documentation/uapi.rst and Documentation/fault.rst.
 */
#ifndef _SHADOWVM_OBJECT_H
#define _SHADOWVM_OBJECT_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <asm/page.h>

#include <shadowvm/filemap.h>

struct file;
struct inode;
struct iov_iter;
struct kiocb;
struct svm_instance;
struct svm_oom;
struct vm_area_struct;

/* Largest object size in bytes: 2^32 pages, 16 TiB with 4 KiB pages. */
#define SVM_MAX_OBJECT_SIZE	((loff_t)SVM_MAX_FILE_PAGES << PAGE_SHIFT)

/**
 * struct svm_object - one object of shadow memory
 * @ref: holders: the instance (default object), each descriptor using it
 * @svm: the instance
 * @inode: anonymous inode; descriptors set f_mapping to its i_mapping. Its
 *         i_size is the object's size in bytes, as read(), write() and
 *         lseek() see it; its i_rwsem serialises writers and resizes (the
 *         kernel's inode lock of a regular file)
 * @as: the page cache
 * @lock: faults, reads and writes inside the size take it shared; size
 *        changes and dropping pages take it exclusive, so a page is never
 *        mapped after it left the cache (the kernel's invalidate_lock)
 * @size: the byte size rounded up to PAGE_SIZE: the pages a fault may
 *        reach; written with the inode's i_size under @lock exclusive
 * @sized: the size was set with svm_object_set_size() to non-zero, so
 *         mmap() no longer grows it
 * @private: made by SHADOWVM_IOC_NEW_OBJECT
 * @minor_faults: faults that found their page in @as
 * @major_faults: faults that allocated their page
 * @write_faults: page_mkwrite calls (write-notify mappings only)
 * @sigbus_faults: faults answered with SIGBUS
 */
struct svm_object {
	struct kref ref;
	struct svm_instance *svm;
	struct inode *inode;
	struct svm_address_space as;
	struct rw_semaphore lock;
	u64 size;
	bool sized;
	bool private;
	atomic_long_t minor_faults;
	atomic_long_t major_faults;
	atomic_long_t write_faults;
	atomic_long_t sigbus_faults;
};

/* Pages a fault may map at once (fault_around_pages=): powers of 2. */
#define SVM_FAULT_AROUND_DEFAULT	32
#define SVM_FAULT_AROUND_MAX		32

/**
 * struct svm_objects - objects state of an instance
 * @def: the default object every open() starts on
 * @node_size_lock: serialises svm_file_sync_size(), see there
 * @fault_around_pages: size of the aligned window of pages one fault maps
 *                      (and, on sequential first touch, allocates): a
 *                      power of 2 up to SVM_FAULT_AROUND_MAX; 1 maps the
 *                      faulting page only. Read by each fault.
 * @write_notify: mappings made from now on get a .page_mkwrite handler,
 *                so the first write to each page faults and marks it
 *                dirty; without it PTEs are writable at once and dirty
 *                bits are harvested when pages are unmapped. See
 *                Documentation/fault.rst.
 * @oom: the OOM killer and its list of descriptors (include/shadowvm/oom.h)
 */
struct svm_objects {
	struct svm_object *def;
	spinlock_t node_size_lock;	/* i_size of the device nodes */
	unsigned int fault_around_pages;
	bool write_notify;
	struct svm_oom *oom;
};

int svm_object_fs_init(void);
void svm_object_fs_exit(void);
int svm_object_init(struct svm_instance *svm);
int svm_object_set_fault_policy(struct svm_instance *svm,
				unsigned int fault_around_pages,
				bool write_notify);
void svm_object_exit(struct svm_instance *svm);
struct svm_object *svm_object_create(struct svm_instance *svm);
void svm_object_put(struct svm_object *obj);
int svm_object_set_size(struct svm_object *obj, u64 size);
loff_t svm_object_get_size(struct svm_object *obj);
void svm_object_zero_tail_locked(struct svm_object *obj);
void svm_object_set_isize_locked(struct svm_object *obj, loff_t isize);
void svm_object_map_extent(struct svm_object *obj, u64 end);
unsigned long svm_object_drop_clean(struct svm_object *obj);

int svm_file_open(struct svm_instance *svm, struct file *file);
int svm_file_release(struct file *file);
unsigned long svm_file_get_unmapped_area(struct file *file, unsigned long addr,
					 unsigned long len, unsigned long pgoff,
					 unsigned long flags);
int svm_file_mmap(struct file *file, struct vm_area_struct *vma);
long svm_file_ioctl(struct file *file, unsigned int cmd, void __user *arg);
struct svm_instance *svm_file_instance(struct file *file);
struct svm_object *svm_file_object_get(struct file *file);
void svm_file_sync_size(struct file *file, struct svm_object *obj);

/* module/rw.c: read(), write() and lseek() through the page cache */
ssize_t svm_object_read(struct svm_object *obj, loff_t *pos,
			struct iov_iter *to);
ssize_t svm_object_write(struct svm_object *obj, loff_t *pos,
			 struct iov_iter *from, bool append);
loff_t svm_object_seek_data(struct svm_object *obj, loff_t offset,
			    int whence);
ssize_t svm_file_read_iter(struct kiocb *iocb, struct iov_iter *to);
ssize_t svm_file_write_iter(struct kiocb *iocb, struct iov_iter *from);
loff_t svm_file_llseek(struct file *file, loff_t offset, int whence);
int svm_file_fsync(struct file *file, loff_t start, loff_t end,
		   int datasync);

#endif /* _SHADOWVM_OBJECT_H */
