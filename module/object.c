// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm objects, the file side of /dev/shadowvm and its mappings: the
 * vm_operations whose .fault allocates (demand allocation) or finds (page
 * cache) the shadow pages around an address and maps their real pages with
 * vm_insert_pages(). See Documentation/fault.rst and Documentation/uapi.rst.
 *
 * Lifetimes: the instance holds the default object; every descriptor holds
 * the object it uses; a mapping holds its file (the kernel does that), so
 * an object lives until its last descriptor and mapping are gone, and the
 * module cannot be unloaded while anything is mapped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include <uapi/linux/shadowvm.h>
#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/highmem.h>
#include <shadowvm/object.h>
#include <shadowvm/oom.h>
#include <shadowvm/page.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>
#include <trace/events/shadowvm.h>

/* "SVMO": magic of the pseudo filesystem holding the objects' inodes. */
#define SVM_OBJECT_FS_MAGIC	0x53564d4f

static int svm_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, SVM_OBJECT_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the module keeps a mount of it while loaded, which would
 * otherwise pin the module for good. svm_object_fs_exit() releases it.
 */
static struct file_system_type svm_fs_type = {
	.name = "shadowvm",
	.init_fs_context = svm_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

/*
 * The objects' inodes of every instance live on this one mount. It is
 * infrastructure like a kmem_cache, not instance state: one mount for the
 * module instead of one per instance keeps KUnit's many short-lived
 * instances from mounting and unmounting a filesystem each.
 */
static struct vfsmount *svm_object_mnt;

/**
 * svm_object_fs_init() - mount the objects' pseudo filesystem
 *
 * Called once at module init, before any instance is created.
 *
 * Context: process context.
 * Return: 0 or -errno.
 */
int svm_object_fs_init(void)
{
	struct vfsmount *mnt = kern_mount(&svm_fs_type);

	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	svm_object_mnt = mnt;
	return 0;
}

/**
 * svm_object_fs_exit() - unmount it; every object must be gone
 */
void svm_object_fs_exit(void)
{
	kern_unmount(svm_object_mnt);
	svm_object_mnt = NULL;
}

/**
 * svm_object_create() - a new empty object of size 0
 * @svm: the instance
 *
 * Context: process context.
 * Return: the object with one reference, or an ERR_PTR().
 */
struct svm_object *svm_object_create(struct svm_instance *svm)
{
	struct svm_object *obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	struct inode *inode;

	if (!obj)
		return ERR_PTR(-ENOMEM);
	inode = alloc_anon_inode(svm_object_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		kfree(obj);
		return ERR_CAST(inode);
	}
	kref_init(&obj->ref);
	obj->svm = svm;
	obj->inode = inode;
	init_rwsem(&obj->lock);
	svm_address_space_init(&obj->as, svm, inode->i_ino);
	obj->as.host = inode->i_mapping;
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_create);

static void svm_object_release(struct kref *ref)
{
	struct svm_object *obj = container_of(ref, struct svm_object, ref);

	/* Nothing maps it: every mapping held a descriptor, which held it. */
	svm_address_space_destroy(&obj->as);
	iput(obj->inode);
	kfree(obj);
}

/**
 * svm_object_put() - drop a reference; the last one frees every page
 * @obj: the object
 *
 * Context: process context.
 */
void svm_object_put(struct svm_object *obj)
{
	kref_put(&obj->ref, svm_object_release);
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_put);

/**
 * svm_object_get_size() - an object's size in bytes
 * @obj: the object
 *
 * Return: the size read(), write(), lseek() and SHADOWVM_IOC_GET_SIZE see;
 * faults reach it rounded up to a page (@obj->size).
 */
loff_t svm_object_get_size(struct svm_object *obj)
{
	return i_size_read(obj->inode);
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_get_size);

/**
 * svm_object_set_isize_locked() - store a new byte size
 * @obj: the object; the caller holds @obj->lock exclusive
 * @isize: the size in bytes, at most SVM_MAX_OBJECT_SIZE
 *
 * Sets the inode's i_size and @obj->size, the page-rounded limit faults
 * check. Shrinking the page cache is the caller's business.
 */
void svm_object_set_isize_locked(struct svm_object *obj, loff_t isize)
{
	lockdep_assert_held_write(&obj->lock);
	/* Release: a reader seeing the new size sees the data below it. */
	i_size_write(obj->inode, isize);
	WRITE_ONCE(obj->size, PAGE_ALIGN(isize));
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_set_isize_locked);

/**
 * svm_object_zero_tail_locked() - zero the last page past the size
 * @obj: the object; the caller holds @obj->lock exclusive and is about to
 *       grow it
 *
 * Faults reach whole pages, so a mapping may have written past a size that
 * is not page aligned. Those bytes are not part of the object; zeroing
 * them before the size grows over them makes the new range read as zeros,
 * as a hole does.
 *
 * Context: process context; may sleep.
 */
void svm_object_zero_tail_locked(struct svm_object *obj)
{
	loff_t isize = i_size_read(obj->inode);
	unsigned int offset = offset_in_page(isize);
	struct svm_page *page;
	char *kaddr;

	lockdep_assert_held_write(&obj->lock);
	if (!offset)
		return;
	/* A swapped-out tail must be read back to be zeroed. */
	page = svm_read_cache_page(&obj->as, isize >> PAGE_SHIFT);
	if (IS_ERR_OR_NULL(page))
		return;
	svm_lock_page(page);
	/* Atomic: never wait for a pkmap slot with the object locked. */
	kaddr = svm_kmap_atomic(obj->svm, page);
	if (kaddr) {
		memset(kaddr + offset, 0, PAGE_SIZE - offset);
		svm_kunmap_atomic(obj->svm, kaddr);
	} else {
		kaddr = svm_kmap(obj->svm, page);
		memset(kaddr + offset, 0, PAGE_SIZE - offset);
		svm_kunmap(obj->svm, page);
	}
	svm_unlock_page(page);
	svm_put_page(obj->svm, page);
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_zero_tail_locked);

/**
 * svm_object_set_size() - resize an object, as ftruncate()
 * @obj: the object
 * @size: new size in bytes
 *
 * Shrinking unmaps the cut-off pages from every process (accesses there
 * then get SIGBUS) and gives them back to the buddy allocator; growing
 * allocates nothing, pages come on first touch. A non-zero size is
 * explicit: mmap() no longer grows the object. Size 0 makes the object
 * new again, sized by its next mapping.
 *
 * Context: process context; takes the inode's i_rwsem (waits for writers)
 * and @obj->lock exclusive.
 * Return: 0, or -EINVAL when @size is not a multiple of PAGE_SIZE or
 * above SVM_MAX_FILE_PAGES pages.
 */
int svm_object_set_size(struct svm_object *obj, u64 size)
{
	if (size & ~PAGE_MASK || (size >> PAGE_SHIFT) > SVM_MAX_FILE_PAGES)
		return -EINVAL;
	inode_lock(obj->inode);
	down_write(&obj->lock);
	if (size < obj->size) {
		unmap_mapping_range(obj->inode->i_mapping, size, 0, 1);
		svm_truncate_pages(&obj->as, size >> PAGE_SHIFT);
	} else if (size > i_size_read(obj->inode)) {
		svm_object_zero_tail_locked(obj);
	}
	svm_object_set_isize_locked(obj, size);
	obj->sized = size != 0;
	up_write(&obj->lock);
	inode_unlock(obj->inode);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_set_size);

/**
 * svm_object_map_extent() - size an object from a new shared mapping
 * @obj: the object
 * @end: offset in the object, in bytes, where the mapping ends
 *
 * An object whose size was never set explicitly (see
 * svm_object_set_size()) grows to at least @end, capped at
 * SVM_MAX_OBJECT_SIZE; a mapping never shrinks an object. Growing
 * allocates nothing.
 *
 * Context: process context; takes @obj->lock exclusive.
 */
void svm_object_map_extent(struct svm_object *obj, u64 end)
{
	end = min_t(u64, end, SVM_MAX_OBJECT_SIZE);
	down_write(&obj->lock);
	if (!obj->sized && end > i_size_read(obj->inode)) {
		svm_object_zero_tail_locked(obj);
		svm_object_set_isize_locked(obj, end);
	}
	up_write(&obj->lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_map_extent);

/**
 * svm_object_drop_clean() - drop an object's clean pages nobody maps
 * @obj: the object
 *
 * Context: process context; takes @obj->lock exclusive.
 * Return: pages dropped.
 */
unsigned long svm_object_drop_clean(struct svm_object *obj)
{
	unsigned long n;

	down_write(&obj->lock);
	n = svm_drop_clean_pages(&obj->as);
	up_write(&obj->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_drop_clean);

/**
 * svm_object_init() - make an instance's default object
 * @svm: the instance
 *
 * Context: process context.
 * Return: 0 or -errno.
 */
int svm_object_init(struct svm_instance *svm)
{
	struct svm_objects *objs = kzalloc(sizeof(*objs), GFP_KERNEL);
	struct svm_object *def;
	int ret;

	if (!objs)
		return -ENOMEM;
	spin_lock_init(&objs->node_size_lock);
	svm->objects = objs;
	ret = svm_oom_init(svm);
	if (ret) {
		svm_object_exit(svm);
		return ret;
	}
	def = svm_object_create(svm);
	if (IS_ERR(def)) {
		svm_object_exit(svm);
		return PTR_ERR(def);
	}
	objs->def = def;
	objs->fault_around_pages = SVM_FAULT_AROUND_DEFAULT;
	return 0;
}

/**
 * svm_object_set_fault_policy() - choose how an instance's faults map
 * @svm: the instance
 * @fault_around_pages: window of pages a fault maps, a power of 2 from 1
 *                      to SVM_FAULT_AROUND_MAX
 * @write_notify: give new mappings a .page_mkwrite handler
 *
 * Mappings made before keep the write-notify choice they were made with.
 *
 * Return: 0, or -EINVAL for a bad @fault_around_pages.
 */
int svm_object_set_fault_policy(struct svm_instance *svm,
				unsigned int fault_around_pages,
				bool write_notify)
{
	if (!fault_around_pages || fault_around_pages > SVM_FAULT_AROUND_MAX ||
	    !is_power_of_2(fault_around_pages))
		return -EINVAL;
	WRITE_ONCE(svm->objects->fault_around_pages, fault_around_pages);
	WRITE_ONCE(svm->objects->write_notify, write_notify);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_object_set_fault_policy);

/**
 * svm_object_exit() - free an instance's default object
 * @svm: the instance; no descriptor or private object may be left
 */
void svm_object_exit(struct svm_instance *svm)
{
	struct svm_objects *objs = svm->objects;

	if (!objs)
		return;
	if (objs->def)
		svm_object_put(objs->def);
	svm_oom_exit(svm);
	kfree(objs);
	svm->objects = NULL;
}

/**
 * struct svm_file - what a /dev/shadowvm descriptor points to
 * @svm: the instance
 * @lock: protects @obj and @mapped
 * @obj: the object the descriptor uses (a reference)
 * @mapped: an mmap() of the descriptor began: @obj may no longer change.
 *          The VMAs hang off @obj's inode, and the kernel counts writable
 *          mappings on the file's f_mapping, which it reads once before
 *          ->mmap and again after (mapping_map_writable() and
 *          mapping_unmap_writable() in mmap_region()): swapping
 *          f_mapping between the two would unbalance both objects' counts.
 * @oom: on the instance's list of descriptors, for the OOM killer
 */
struct svm_file {
	struct svm_instance *svm;
	struct mutex lock;	/* @obj, @mapped */
	struct svm_object *obj;
	bool mapped;
	struct svm_oom_file oom;
};

static struct svm_object *svm_file_get_object(struct svm_file *sf)
{
	struct svm_object *obj;

	mutex_lock(&sf->lock);
	obj = sf->obj;
	kref_get(&obj->ref);
	mutex_unlock(&sf->lock);
	return obj;
}

/**
 * svm_file_object_get() - the object a descriptor uses, referenced
 * @file: a /dev/shadowvm file
 *
 * Return: the object; drop it with svm_object_put().
 */
struct svm_object *svm_file_object_get(struct file *file)
{
	return svm_file_get_object(file->private_data);
}

/**
 * svm_file_sync_size() - show the default object's size in fstat()
 * @file: a /dev/shadowvm file
 * @obj: the object the descriptor uses
 *
 * fstat() and stat() report the device node's inode, shared by every
 * opener, so only one object's size can be shown there: the default
 * object's, copied into the inode of the node @file was opened through.
 * st_blocks stays 0: devtmpfs (tmpfs) accounts i_blocks itself and
 * expects 0 when the node is removed. Private objects leave it alone.
 *
 * Context: any context but interrupts.
 */
void svm_file_sync_size(struct file *file, struct svm_object *obj)
{
	struct inode *inode = file_inode(file);

	if (obj != obj->svm->objects->def)
		return;
	/*
	 * svm_objects.node_size_lock serialises our i_size_write() calls on
	 * device nodes. Not the node's i_rwsem: mmap() syncs under the mmap
	 * lock, and i_rwsem nests outside it (a tmpfs or devtmpfs write
	 * faults on user memory under i_rwsem). Nobody else writes a device
	 * node's i_size: truncate() refuses non-regular files. Read under
	 * the lock, so that the last sync stores the newest size.
	 */
	spin_lock(&obj->svm->objects->node_size_lock);
	i_size_write(inode, i_size_read(obj->inode));
	spin_unlock(&obj->svm->objects->node_size_lock);
}

/**
 * svm_file_open() - start a descriptor on the instance's default object
 * @svm: the instance
 * @file: the descriptor's file
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int svm_file_open(struct svm_instance *svm, struct file *file)
{
	struct svm_file *sf = kzalloc(sizeof(*sf), GFP_KERNEL);

	if (!sf)
		return -ENOMEM;
	sf->svm = svm;
	mutex_init(&sf->lock);
	sf->obj = svm->objects->def;
	kref_get(&sf->obj->ref);
	file->private_data = sf;
	/* VMAs link into f_mapping: the object's own address_space. */
	file->f_mapping = sf->obj->inode->i_mapping;
	svm_file_sync_size(file, sf->obj);
	svm_oom_file_add(svm, &sf->oom, file);
	return 0;
}

/**
 * svm_file_release() - drop a descriptor's object
 * @file: the file
 *
 * Return: 0.
 */
int svm_file_release(struct file *file)
{
	struct svm_file *sf = file->private_data;

	svm_oom_file_del(sf->svm, &sf->oom);
	svm_object_put(sf->obj);
	mutex_destroy(&sf->lock);
	kfree(sf);
	return 0;
}

/**
 * svm_file_instance() - the instance behind a descriptor
 * @file: a /dev/shadowvm file
 *
 * Return: the instance.
 */
struct svm_instance *svm_file_instance(struct file *file)
{
	struct svm_file *sf = file->private_data;

	return sf->svm;
}

static void svm_fault_done(struct svm_object *obj, struct vm_fault *vmf,
			   bool major, vm_fault_t ret)
{
	if (ret & VM_FAULT_SIGBUS)
		atomic_long_inc(&obj->sigbus_faults);
	trace_svm_fault(obj->svm->id, obj->as.id, vmf->address & PAGE_MASK,
			vmf->pgoff, !!(vmf->flags & FAULT_FLAG_WRITE), major,
			(__force unsigned int)ret);
}

/* The object a VMA of ours maps. */
static struct svm_object *svm_vma_object(struct vm_area_struct *vma)
{
	struct svm_vma *sv = vma->vm_private_data;

	return sv->owner;
}

/*
 * Map the present slots of @pages (real pages in @real) at @addr, one
 * vm_insert_pages() per run of present slots: it takes the PTE lock once
 * per batch instead of once per page. A PTE already present (another
 * thread, or a window partly mapped before) stops vm_insert_pages() with
 * -EBUSY: that page is skipped and the rest of the run goes on. Returns
 * the error for slot @f (the faulting page; -EBUSY counts as success) and
 * adds the number of other pages mapped to @around.
 */
static int svm_map_window(struct vm_area_struct *vma, unsigned long addr,
			  struct svm_page **pages, struct page **real,
			  unsigned int nr, unsigned int f, unsigned int *around)
{
	unsigned int i = 0, end, done;
	unsigned long left;
	int err, ret = 0;

	while (i < nr) {
		if (!pages[i]) {
			i++;
			continue;
		}
		for (end = i; end < nr && pages[end]; end++)
			;
		while (i < end) {
			left = end - i;
			err = vm_insert_pages(vma, addr + i * PAGE_SIZE,
					      real + i, &left);
			done = end - i - left;
			if (f >= i && f < i + done)
				done--;
			*around += done;
			if (!err)
				break;
			/* Slot end - left failed: skip it, map the rest. */
			i = end - left;
			if (i == f && err != -EBUSY)
				ret = err;
			i++;
		}
		i = end;
	}
	return ret;
}

/*
 * Allocate ahead only for a first touch that follows another: the page
 * before the faulting one is cached. Stateless, so two threads walking
 * their own halves of one mapping both qualify, and a random pattern
 * rarely does (it then allocates one page per fault, as before).
 */
static bool svm_fault_sequential(struct svm_object *obj, struct vm_fault *vmf,
				 struct svm_page **pages, unsigned int f)
{
	if (f)
		return pages[f - 1];
	return vmf->pgoff && svm_page_cache_contains(&obj->as, vmf->pgoff - 1);
}

/*
 * The book's do_no_page(), batched: find the pages of the aligned window
 * of fault_around_pages around the faulting address (clipped to the VMA
 * and the object's size) in the page cache, allocate the faulting page if
 * missing (demand allocation) and, when the access looks sequential (the
 * page before it is cached), the window's other missing pages too; then
 * map them all with one vm_insert_pages() per run. Runs under the VMA's
 * per-VMA lock or the mmap lock held for reading.
 * Every page stays referenced, and the object's lock keeps truncation
 * out, until its PTE holds the real page: nothing freed is ever mapped.
 */
static vm_fault_t svm_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct svm_object *obj = svm_vma_object(vma);
	struct svm_instance *svm = obj->svm;
	unsigned int win = READ_ONCE(svm->objects->fault_around_pages);
	struct svm_page *pages[SVM_FAULT_AROUND_MAX];
	struct page *real[SVM_FAULT_AROUND_MAX];
	unsigned long addr = vmf->address & PAGE_MASK;
	unsigned long wstart, wend, size;
	unsigned int nr, f, i, around = 0, ahead = 0;
	struct svm_page *page;
	bool created = false, oom = false;
	vm_fault_t ret;
	int err;

	svm_count_vm_event(svm, SVM_PGFAULT);
	down_read(&obj->lock);
	size = READ_ONCE(obj->size) >> PAGE_SHIFT;
	if (vmf->pgoff >= size) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	/* The window: aligned in the address space, as do_fault_around(). */
	wstart = ALIGN_DOWN(addr, win * PAGE_SIZE);
	wend = min(wstart + win * PAGE_SIZE, vma->vm_end);
	wstart = max(wstart, vma->vm_start);
	f = (addr - wstart) >> PAGE_SHIFT;
	nr = min((wend - wstart) >> PAGE_SHIFT, size - vmf->pgoff + f);

	svm_find_get_pages(&obj->as, vmf->pgoff - f, nr, pages);
	/* A minor fault is a use: reclaim's soft reference bit. */
	if (pages[f]) {
		svm_mark_page_accessed(svm, pages[f]);
		if (svm_page_test_clear_aged(pages[f]))
			svm_count_vm_event(svm, SVM_PGFAULT_AGING);
	}
	/* A first touch following another allocates the whole window. */
	if (!pages[f] && nr > 1 && svm_fault_sequential(obj, vmf, pages, f)) {
		ahead = svm_create_pages(&obj->as, vmf->pgoff - f, nr, pages);
		created = pages[f];
		ahead -= created;
	}
	if (!pages[f]) {
		page = svm_find_or_create_page(&obj->as, vmf->pgoff, &created);
		if (IS_ERR(page)) {
			/* Reclaim failed too: our OOM killer, never the kernel's. */
			oom = PTR_ERR(page) == -ENOMEM;
			if (PTR_ERR(page) == -EIO)
				svm_count_vm_event(svm, SVM_PGFAULT_EIO);
			ret = VM_FAULT_SIGBUS;
			goto put;
		}
		pages[f] = page;
	}
	if (created) {
		svm_count_vm_event(svm, SVM_PGMAJFAULT);
		atomic_long_inc(&obj->major_faults);
	} else {
		atomic_long_inc(&obj->minor_faults);
	}
	/* A write fault dirties its page, as fault_dirty_shared_page(). */
	if ((vmf->flags & FAULT_FLAG_WRITE) && !vma->vm_ops->page_mkwrite)
		svm_mark_page_dirty(&obj->as, pages[f]);

	for (i = 0; i < nr; i++) {
		if (!pages[i])
			continue;
		real[i] = svm_page_to_real(svm, pages[i]);
		/* Mapped again without a fault of its own. */
		if (svm_page_test_aged(pages[i]))
			svm_page_clear_aged(pages[i]);
	}
	err = svm_map_window(vma, wstart, pages, real, nr, f, &around);
	ret = err ? vmf_error(err) : VM_FAULT_NOPAGE;
	if (around)
		svm_count_vm_events(svm, SVM_PGFAULT_AROUND, around);
	if (ahead)
		svm_count_vm_events(svm, SVM_PGALLOC_AHEAD, ahead);
put:
	for (i = 0; i < nr; i++)
		if (pages[i])
			svm_put_page(svm, pages[i]);
out:
	up_read(&obj->lock);
	/*
	 * With no lock of ours held, so that the victim can exit. Memory came
	 * back: NOPAGE with no PTE set makes the access fault again.
	 */
	if (oom) {
		if (svm_out_of_memory(svm))
			ret = VM_FAULT_NOPAGE;
		else
			svm_count_vm_event(svm, SVM_PGFAULT_NOMEM);
	}
	svm_fault_done(obj, vmf, created, ret);
	return ret;
}

/*
 * First write to a page mapped read-only by write-notify: mark the shadow
 * page dirty, then let the kernel make the PTE writable. The real page has
 * no mapping, so the kernel cannot lock and recheck it itself: we return it
 * locked (VM_FAULT_LOCKED) after checking it is still the object's page.
 */
static vm_fault_t svm_vm_page_mkwrite(struct vm_fault *vmf)
{
	struct svm_object *obj = svm_vma_object(vmf->vma);
	struct svm_instance *svm = obj->svm;
	struct svm_page *page = NULL;
	vm_fault_t ret = VM_FAULT_NOPAGE;

	svm_count_vm_event(svm, SVM_PGFAULT);
	down_read(&obj->lock);
	if (vmf->pgoff < READ_ONCE(obj->size) >> PAGE_SHIFT)
		page = svm_find_get_page(&obj->as, vmf->pgoff);
	if (page && svm_page_to_real(svm, page) == vmf->page) {
		svm_mark_page_dirty(&obj->as, page);
		atomic_long_inc(&obj->write_faults);
		lock_page(vmf->page);
		ret = VM_FAULT_LOCKED;
	}
	if (page)
		svm_put_page(svm, page);
	up_read(&obj->lock);
	/* NOPAGE: truncated meanwhile; the retried access refaults. */
	svm_fault_done(obj, vmf, false, ret);
	return ret;
}

/*
 * Maps nothing: fault-around happens in svm_vm_fault(), which may sleep
 * and allocate page tables; here we are under rcu_read_lock(). What this
 * buys is the per-VMA lock: 6.12 calls .fault under the VMA lock instead
 * of mmap_lock only for VMAs with a .map_pages (vmf_can_call_fault());
 * without one every fault (and every page_mkwrite) is first tried under
 * the VMA lock, given up with VM_FAULT_RETRY and walked again under
 * mmap_lock. svm_vm_fault() needs no more than the VMA lock: it uses only
 * this VMA, its file's object and page tables, which it may allocate.
 * Returning 0 tells do_read_fault() to go on to .fault.
 */
static vm_fault_t svm_vm_map_pages(struct vm_fault *vmf, pgoff_t start,
				   pgoff_t end)
{
	return 0;
}

/*
 * A VMA split off another (mprotect, munmap of a part, mremap) shares its
 * struct svm_vma, copied with the VMA: give it its own, with the same
 * object and lock state. .open cannot fail; the allocation is small.
 */
static void svm_vm_open(struct vm_area_struct *vma)
{
	struct svm_vma *old = vma->vm_private_data;
	struct svm_vma *sv = kmalloc(sizeof(*sv), GFP_KERNEL | __GFP_NOFAIL);

	sv->vma = vma;
	sv->owner = old->owner;
	sv->locked = old->locked;
	vma->vm_private_data = sv;
	svm_vma_link(old->as, sv);
}

static void svm_vm_close(struct vm_area_struct *vma)
{
	struct svm_vma *sv = vma->vm_private_data;

	svm_vma_unlink(sv);
	kfree(sv);
}

/* write_notify=0: writable PTEs from the first fault on. */
/*
 * ptrace, /proc/PID/mem and every access_remote_vm() user: GUP cannot take
 * the pages of a VM_IO | VM_MIXEDMAP mapping, so the kernel asks us. We go
 * through the object's page cache as a fault would: a swapped-out page is
 * read back, a hole reads as zeros and gets a page when written. The
 * target mm's mmap_lock is held for reading: the object's lock is taken
 * shared, as by a fault, never the inode lock (which nests outside
 * mmap_lock). Returns the bytes done, or a negative errno when none were.
 */
static int svm_vm_access(struct vm_area_struct *vma, unsigned long addr,
			 void *buf, int len, int write)
{
	struct svm_object *obj = svm_vma_object(vma);
	struct svm_instance *svm = obj->svm;
	int done = 0, err = 0;

	while (done < len) {
		unsigned long a = addr + done;
		unsigned long index = vma->vm_pgoff +
				      ((a - vma->vm_start) >> PAGE_SHIFT);
		unsigned int offset = offset_in_page(a);
		int bytes = min_t(int, PAGE_SIZE - offset, len - done);
		struct svm_page *page = NULL;
		bool created;
		char *kaddr;

		down_read(&obj->lock);
		if (index < READ_ONCE(obj->size) >> PAGE_SHIFT)
			page = write ? svm_find_or_create_page(&obj->as, index,
							       &created) :
				       svm_read_cache_page(&obj->as, index);
		else
			page = ERR_PTR(-EIO);
		up_read(&obj->lock);
		if (IS_ERR(page)) {
			err = PTR_ERR(page);
			break;
		}
		if (!page) {
			memset(buf + done, 0, bytes);
			done += bytes;
			continue;
		}
		kaddr = svm_kmap(svm, page);
		if (write) {
			svm_lock_page(page);
			/* Truncated meanwhile: the bytes have nowhere to go. */
			if (page->mapping == &obj->as) {
				memcpy(kaddr + offset, buf + done, bytes);
				svm_mark_page_dirty(&obj->as, page);
			} else {
				err = -EIO;
			}
			svm_unlock_page(page);
		} else {
			memcpy(buf + done, kaddr + offset, bytes);
		}
		svm_kunmap(svm, page);
		svm_put_page(svm, page);
		if (err)
			break;
		done += bytes;
	}
	return done ?: err;
}

static const struct vm_operations_struct svm_vm_ops = {
	.open = svm_vm_open,
	.close = svm_vm_close,
	.fault = svm_vm_fault,
	.map_pages = svm_vm_map_pages,
	.access = svm_vm_access,
};

/* write_notify=1: read-only PTEs until .page_mkwrite saw the write. */
static const struct vm_operations_struct svm_vm_ops_write_notify = {
	.open = svm_vm_open,
	.close = svm_vm_close,
	.fault = svm_vm_fault,
	.map_pages = svm_vm_map_pages,
	.page_mkwrite = svm_vm_page_mkwrite,
	.access = svm_vm_access,
};

/**
 * svm_file_get_unmapped_area() - choose the address of a new mapping
 * @file: the file
 * @addr: the hint, or the address for MAP_FIXED
 * @len: length of the mapping
 * @pgoff: offset in the object, in pages
 * @flags: the mmap() flags
 *
 * The first step of every mmap() of a file, before the kernel touches
 * the file's f_mapping: mark the descriptor mapped here, so that
 * SHADOWVM_IOC_NEW_OBJECT can no longer swap its object in the middle of
 * the mmap(). An mmap() that fails later leaves the descriptor marked:
 * NEW_OBJECT then wants a new descriptor, as after a successful one.
 *
 * Context: process context, mmap lock held for writing (do_mmap()).
 * Return: the address, as mm_get_unmapped_area().
 */
unsigned long svm_file_get_unmapped_area(struct file *file, unsigned long addr,
					 unsigned long len, unsigned long pgoff,
					 unsigned long flags)
{
	struct svm_file *sf = file->private_data;

	mutex_lock(&sf->lock);
	sf->mapped = true;
	mutex_unlock(&sf->lock);
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
}

/**
 * svm_file_mmap() - map the descriptor's object
 * @file: the file
 * @vma: the new mapping
 *
 * Only shared mappings: a private one would need copy-on-write, and the
 * kernel's COW would put the copies outside shadow memory. Through a
 * descriptor open for writing, the mapping grows an object whose size was
 * never set to cover it (svm_object_map_extent()).
 *
 * Context: process context, mmap lock held for writing.
 * Return: 0, -EINVAL for MAP_PRIVATE, -EOVERFLOW for a mapping reaching
 * past SVM_MAX_FILE_PAGES, -ENOMEM.
 */
int svm_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct svm_file *sf = file->private_data;
	struct svm_object *obj;
	struct svm_vma *sv;

	/* MAP_SHARED of a read-only descriptor has VM_MAYSHARE only. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	/*
	 * No page index past the largest object: refused as do_mmap() refuses
	 * a mapping past a file's largest offset (file_mmap_ok()).
	 */
	if ((u64)vma->vm_pgoff + vma_pages(vma) > SVM_MAX_FILE_PAGES) {
		pr_info_ratelimited("mmap of pages %lu-%lu: past the largest object (%llu pages)\n",
				    vma->vm_pgoff,
				    vma->vm_pgoff + vma_pages(vma) - 1,
				    SVM_MAX_FILE_PAGES);
		return -EOVERFLOW;
	}
	sv = kmalloc(sizeof(*sv), GFP_KERNEL);
	if (!sv)
		return -ENOMEM;
	mutex_lock(&sf->lock);
	sf->mapped = true;
	obj = sf->obj;
	mutex_unlock(&sf->lock);
	/*
	 * MIXEDMAP: vm_insert_page() of normal pages from .fault. IO: no
	 * get_user_pages() (O_DIRECT, vmsplice, ptrace peeks), so nothing
	 * but the page tables holds a real page when truncation frees it.
	 * DONTEXPAND: mremap() may move or shrink a mapping but not grow
	 * it (EFAULT), so no half-grown mapping is ever left behind.
	 */
	vm_flags_set(vma, VM_MIXEDMAP | VM_IO | VM_DONTDUMP | VM_DONTEXPAND);
	/* mmap_region() derives vm_page_prot from the ops chosen here. */
	vma->vm_ops = READ_ONCE(sf->svm->objects->write_notify) ?
		      &svm_vm_ops_write_notify : &svm_vm_ops;
	/*
	 * The VMA holds the file, the file the object: no reference here.
	 * VM_LOCKED is seen here only: the kernel clears it on VM_IO
	 * mappings once we return, so MAP_LOCKED is remembered in @sv.
	 */
	sv->vma = vma;
	sv->owner = obj;
	sv->locked = vma->vm_flags & VM_LOCKED;
	vma->vm_private_data = sv;
	svm_vma_link(&obj->as, sv);
	if (file->f_mode & FMODE_WRITE) {
		/* In pages first: vm_pgoff << PAGE_SHIFT may not fit. */
		u64 end = min_t(u64, vma->vm_pgoff + vma_pages(vma),
				SVM_MAX_FILE_PAGES);

		svm_object_map_extent(obj, end << PAGE_SHIFT);
		svm_file_sync_size(file, obj);
	}
	return 0;
}

static long svm_file_new_object(struct file *file)
{
	struct svm_file *sf = file->private_data;
	struct svm_object *obj, *old;

	obj = svm_object_create(sf->svm);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	obj->private = true;
	mutex_lock(&sf->lock);
	if (sf->mapped) {
		mutex_unlock(&sf->lock);
		svm_object_put(obj);
		return -EBUSY;
	}
	old = sf->obj;
	sf->obj = obj;
	file->f_mapping = obj->inode->i_mapping;
	mutex_unlock(&sf->lock);
	svm_object_put(old);
	return 0;
}

static void svm_object_stats(struct svm_object *obj,
			     struct shadowvm_object_stats *st)
{
	down_read(&obj->lock);
	st->size = i_size_read(obj->inode);
	st->resident_pages = atomic_long_read(&obj->as.nrpages);
	st->dirty_pages = atomic_long_read(&obj->as.nrdirty);
	st->swapped_pages = atomic_long_read(&obj->as.nrswapped);
	up_read(&obj->lock);
	st->minor_faults = atomic_long_read(&obj->minor_faults);
	st->major_faults = atomic_long_read(&obj->major_faults);
	st->write_faults = atomic_long_read(&obj->write_faults);
	st->sigbus_faults = atomic_long_read(&obj->sigbus_faults);
	st->flags = obj->private ? SHADOWVM_OBJ_PRIVATE : 0;
}

static long svm_object_ioctl(struct file *file, struct svm_object *obj,
			     unsigned int cmd, void __user *arg)
{
	struct shadowvm_object_stats st = { };
	u64 size;
	int ret;

	/* Arguments are copied outside obj->lock: copying may fault on us. */
	switch (cmd) {
	case SHADOWVM_IOC_SET_SIZE:
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		if (copy_from_user(&size, arg, sizeof(size)))
			return -EFAULT;
		ret = svm_object_set_size(obj, size);
		if (!ret)
			svm_file_sync_size(file, obj);
		return ret;
	case SHADOWVM_IOC_GET_SIZE:
		size = i_size_read(obj->inode);
		return copy_to_user(arg, &size, sizeof(size)) ? -EFAULT : 0;
	case SHADOWVM_IOC_GET_STATS:
		svm_object_stats(obj, &st);
		return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
	case SHADOWVM_IOC_DROP_CLEAN:
		svm_object_drop_clean(obj);
		return 0;
	default:
		return -ENOTTY;
	}
}

/**
 * svm_file_ioctl() - the object ioctls of a descriptor
 * @file: the file
 * @cmd: SHADOWVM_IOC_NEW_OBJECT, _SET_SIZE, _GET_SIZE, _GET_STATS or
 *       _DROP_CLEAN
 * @arg: the user argument
 *
 * Return: 0 or -errno, see Documentation/uapi.rst; -ENOTTY for any other
 * command.
 */
long svm_file_ioctl(struct file *file, unsigned int cmd, void __user *arg)
{
	struct svm_object *obj;
	long ret;

	/* _IO commands ignore @arg, as callers often leave it unset. */
	if (cmd == SHADOWVM_IOC_NEW_OBJECT)
		return svm_file_new_object(file);
	obj = svm_file_get_object(file->private_data);
	ret = svm_object_ioctl(file, obj, cmd, arg);
	svm_object_put(obj);
	return ret;
}
