// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm noncontiguous memory allocation (the book, chapter 7; 2.4's
 * mm/vmalloc.c with 2.6.28's lazy TLB flushing).
 *
 * Each instance reserves one arena of kernel virtual addresses at creation
 * (vmap() of a placeholder page, PTEs then cleared; see
 * svm_reserve_window()). Areas are carved out of it and kept on a list
 * sorted by address, the book's vmlist of vm_structs; each area ends with
 * an unmapped guard page, so that running off its end faults instead of
 * corrupting the next area. svm_vmalloc() takes its pages one at a time
 * from the shadow buddy allocator, preferring HIGHMEM as the book's
 * vmalloc() does with __GFP_HIGHMEM, and writes their PTEs.
 *
 * Freeing clears the PTEs and gives the pages back at once, but the TLB
 * flush, an IPI to every CPU, is deferred: the area stays on the vmlist,
 * marked lazily freed, so its addresses are not reused while another CPU
 * may still hold a stale translation. When enough such areas pile up, or
 * the arena has no room left, one global flush releases them all. New
 * areas are placed after the last one when there is room (constant time),
 * else first fit from the start of the arena as in 2.4's get_vm_area().
 *
 * Locking: @vm->lock (2.4's vmlist_lock) protects the lists; it is held
 * across the flush IPI, so the API needs interrupts enabled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/highmem.h>
#include <shadowvm/page.h>
#include <shadowvm/vmalloc.h>
#include <trace/events/shadowvm.h>

/*
 * Arena: the instance's size plus a quarter of it (at least 4 MiB), at most
 * 64 MiB of address space, a 2.4-sized vmalloc area: KASAN backs all of it
 * with shadow memory for the instance's lifetime.
 */
#define SVM_VMALLOC_MIN_SLACK	1024UL
#define SVM_VMALLOC_MAX_PAGES	(SZ_64M >> PAGE_SHIFT)

static inline unsigned long svm_vm_end(struct svm_vmalloc *vm)
{
	return vm->base + (vm->nr_pages << PAGE_SHIFT);
}

/* Release every lazily freed area with one global flush. */
static void svm_vmalloc_purge_locked(struct svm_vmalloc *vm)
{
	struct svm_vm_struct *area, *tmp;
	unsigned long areas = 0;

	lockdep_assert_held(&vm->lock);
	if (list_empty(&vm->lazy))
		return;
	svm_flush_tlb_kernel_all();
	list_for_each_entry_safe(area, tmp, &vm->lazy, lazy) {
		list_del(&area->lazy);
		list_del(&area->list);
		kfree(area);
		areas++;
	}
	trace_svm_vmalloc_purge(vm->svm->id, areas, vm->lazy_pages);
	vm->lazy_pages = 0;
	vm->purges++;
}

/*
 * A hole of @size bytes: after the last area if there is room, else the
 * first that fits. Return: its address, 0 if none; @next is the list
 * position to insert before.
 */
static unsigned long svm_find_hole(struct svm_vmalloc *vm, unsigned long size,
				   struct list_head **next)
{
	struct svm_vm_struct *tmp;
	unsigned long addr = vm->base;

	if (!list_empty(&vm->vmlist)) {
		tmp = list_last_entry(&vm->vmlist, struct svm_vm_struct, list);
		addr = tmp->addr + tmp->size;
	}
	if (size <= svm_vm_end(vm) - addr) {
		*next = &vm->vmlist;
		return addr;
	}
	addr = vm->base;
	list_for_each_entry(tmp, &vm->vmlist, list) {
		if (size <= tmp->addr - addr) {
			*next = &tmp->list;
			return addr;
		}
		addr = tmp->addr + tmp->size;
	}
	return 0;
}

/* get_vm_area() + map_vm_area(): place @area and map its pages. */
static int svm_map_area(struct svm_vmalloc *vm, struct svm_vm_struct *area)
{
	unsigned long size = ((unsigned long)area->nr_pages + 1) << PAGE_SHIFT;
	struct svm_instance *svm = vm->svm;
	struct list_head *next;
	unsigned long addr, idx, i;

	spin_lock(&vm->lock);
	addr = svm_find_hole(vm, size, &next);
	if (!addr && vm->lazy_pages) {
		svm_vmalloc_purge_locked(vm);
		addr = svm_find_hole(vm, size, &next);
	}
	if (!addr) {
		spin_unlock(&vm->lock);
		return -ENOMEM;
	}
	area->addr = addr;
	area->size = size;
	list_add_tail(&area->list, next);
	vm->areas++;
	vm->mapped += area->nr_pages;
	spin_unlock(&vm->lock);

	/* The PTEs are ours now; they were flushed when last freed. */
	idx = (addr - vm->base) >> PAGE_SHIFT;
	for (i = 0; i < area->nr_pages; i++)
		set_pte(vm->ptes[idx + i],
			mk_pte(svm_page_to_real(svm, area->pages[i]),
			       PAGE_KERNEL));
	return 0;
}

/* The live area starting at @addr; recent areas are at the end. */
static struct svm_vm_struct *svm_find_area_locked(struct svm_vmalloc *vm,
						  unsigned long addr)
{
	struct svm_vm_struct *area;

	list_for_each_entry_reverse(area, &vm->vmlist, list) {
		if (area->addr < addr)
			break;
		if (area->addr == addr &&
		    !(area->flags & SVM_VM_LAZY_FREE))
			return area;
	}
	return NULL;
}

/*
 * Unmap the area at @addr if it has @flags; it stays on the vmlist as a
 * lazily freed area. Return: its pages array (set *@nr), or NULL.
 */
static struct svm_page **svm_unmap_area(struct svm_vmalloc *vm,
					const void *addr, unsigned long flags,
					unsigned int *nr)
{
	struct svm_vm_struct *area;
	struct svm_page **pages;
	unsigned long idx, i;

	spin_lock(&vm->lock);
	area = svm_find_area_locked(vm, (unsigned long)addr);
	if (!area || !(area->flags & flags)) {
		spin_unlock(&vm->lock);
		pr_err("%s: trying to free a nonexistent vm area (%p)\n",
		       vm->svm->name, addr);
		return NULL;
	}
	idx = (area->addr - vm->base) >> PAGE_SHIFT;
	for (i = 0; i < area->nr_pages; i++)
		pte_clear(NULL, area->addr + (i << PAGE_SHIFT),
			  vm->ptes[idx + i]);
	pages = area->pages;
	*nr = area->nr_pages;
	area->pages = NULL;
	area->flags = SVM_VM_LAZY_FREE;
	list_add_tail(&area->lazy, &vm->lazy);
	vm->lazy_pages += area->size >> PAGE_SHIFT;
	vm->areas--;
	vm->mapped -= *nr;
	if (vm->lazy_pages > vm->lazy_max)
		svm_vmalloc_purge_locked(vm);
	spin_unlock(&vm->lock);
	return pages;
}

static struct svm_vm_struct *svm_new_area(struct svm_page **pages,
					  unsigned int nr, unsigned long flags,
					  const void *caller)
{
	struct svm_vm_struct *area = kzalloc(sizeof(*area), GFP_KERNEL);

	if (!area)
		return NULL;
	INIT_LIST_HEAD(&area->lazy);
	area->pages = pages;
	area->nr_pages = nr;
	area->flags = flags;
	area->caller = caller;
	return area;
}

static void *__svm_vmalloc(struct svm_instance *svm, unsigned long size,
			   svm_gfp_t gfp, const void *caller)
{
	struct svm_vmalloc *vm = svm->vmalloc;
	unsigned long nr = PAGE_ALIGN(size) >> PAGE_SHIFT, i = 0;
	struct svm_vm_struct *area = NULL;
	struct svm_page **pages;

	might_sleep();
	if (!size || nr >= vm->nr_pages)
		return NULL;
	/* HIGHMEM first, unless the caller asked for DMA. */
	if (!(gfp & SVM_GFP_DMA))
		gfp |= SVM_GFP_HIGHMEM;
	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < nr; i++) {
		pages[i] = svm_alloc_page(svm, gfp);
		if (!pages[i])
			goto fail;
	}
	area = svm_new_area(pages, nr, SVM_VM_ALLOC, caller);
	if (!area || svm_map_area(vm, area))
		goto fail;
	trace_svm_vmalloc(svm->id, (void *)area->addr, size, nr);
	return (void *)area->addr;

fail:
	kfree(area);
	while (i--)
		svm_free_page(svm, pages[i]);
	kvfree(pages);
	return NULL;
}

/**
 * svm_vmalloc() - allocate virtually contiguous memory from shadow pages
 * @svm: the instance
 * @size: bytes, rounded up to whole pages; a guard page follows
 * @gfp: SVM_GFP_* flags for the pages; HIGHMEM is added (preferred) unless
 *       SVM_GFP_DMA is given
 *
 * Context: process context with interrupts enabled; may sleep.
 * Return: the address of the area, or NULL.
 */
void *svm_vmalloc(struct svm_instance *svm, unsigned long size, svm_gfp_t gfp)
{
	return __svm_vmalloc(svm, size, gfp, __builtin_return_address(0));
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmalloc);

/**
 * svm_vzalloc() - svm_vmalloc() of zeroed memory, with SVM_GFP_KERNEL
 * @svm: the instance
 * @size: bytes
 *
 * Context: process context with interrupts enabled; may sleep.
 * Return: the address of the area, or NULL.
 */
void *svm_vzalloc(struct svm_instance *svm, unsigned long size)
{
	return __svm_vmalloc(svm, size, SVM_GFP_KERNEL | SVM_GFP_ZERO,
			     __builtin_return_address(0));
}
EXPORT_SYMBOL_IF_KUNIT(svm_vzalloc);

/**
 * svm_vfree() - unmap an svm_vmalloc() area and free its pages
 * @svm: the instance
 * @addr: what svm_vmalloc() returned; NULL is ignored
 *
 * The pages go back to the buddy allocator at once; the address range
 * becomes reusable after the next (batched) TLB flush.
 *
 * Context: process context with interrupts enabled.
 */
void svm_vfree(struct svm_instance *svm, const void *addr)
{
	struct svm_page **pages;
	unsigned int i, nr;

	if (!addr)
		return;
	pages = svm_unmap_area(svm->vmalloc, addr, SVM_VM_ALLOC, &nr);
	if (!pages)
		return;
	for (i = 0; i < nr; i++)
		svm_free_page(svm, pages[i]);
	kvfree(pages);
	trace_svm_vfree(svm->id, addr, nr);
}
EXPORT_SYMBOL_IF_KUNIT(svm_vfree);

/**
 * svm_vmap() - map shadow pages into a contiguous range of addresses
 * @svm: the instance
 * @pages: pages of @svm, from any zone; they stay the caller's
 * @count: entries in @pages
 *
 * Context: process context with interrupts enabled; may sleep.
 * Return: the address of the range, or NULL.
 */
void *svm_vmap(struct svm_instance *svm, struct svm_page **pages,
	       unsigned int count)
{
	struct svm_vmalloc *vm = svm->vmalloc;
	struct svm_vm_struct *area;
	struct svm_page **copy;

	might_sleep();
	if (!count || count >= vm->nr_pages)
		return NULL;
	copy = kvmalloc_array(count, sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return NULL;
	memcpy(copy, pages, count * sizeof(*copy));
	area = svm_new_area(copy, count, SVM_VM_MAP,
			    __builtin_return_address(0));
	if (!area || svm_map_area(vm, area)) {
		kfree(area);
		kvfree(copy);
		return NULL;
	}
	trace_svm_vmalloc(svm->id, (void *)area->addr,
			  (unsigned long)count << PAGE_SHIFT, count);
	return (void *)area->addr;
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmap);

/**
 * svm_vunmap() - undo svm_vmap(); the pages are not freed
 * @svm: the instance
 * @addr: what svm_vmap() returned; NULL is ignored
 *
 * Context: process context with interrupts enabled.
 */
void svm_vunmap(struct svm_instance *svm, const void *addr)
{
	struct svm_page **pages;
	unsigned int nr;

	if (!addr)
		return;
	pages = svm_unmap_area(svm->vmalloc, addr, SVM_VM_MAP, &nr);
	if (!pages)
		return;
	kvfree(pages);
	trace_svm_vfree(svm->id, addr, nr);
}
EXPORT_SYMBOL_IF_KUNIT(svm_vunmap);

/**
 * svm_vmalloc_to_page() - shadow page mapped at an address of an area
 * @svm: the instance
 * @addr: any address inside a live area
 *
 * Return: the page, or NULL when @addr is in no area or in a guard page.
 */
struct svm_page *svm_vmalloc_to_page(struct svm_instance *svm,
				     const void *addr)
{
	struct svm_vmalloc *vm = svm->vmalloc;
	unsigned long a = (unsigned long)addr;
	struct svm_page *page = NULL;
	struct svm_vm_struct *area;

	spin_lock(&vm->lock);
	list_for_each_entry(area, &vm->vmlist, list) {
		unsigned long idx = (a - area->addr) >> PAGE_SHIFT;

		if (a < area->addr || a >= area->addr + area->size)
			continue;
		if (!(area->flags & SVM_VM_LAZY_FREE) && idx < area->nr_pages)
			page = area->pages[idx];
		break;
	}
	spin_unlock(&vm->lock);
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmalloc_to_page);

/**
 * svm_find_vm_area() - descriptor of a live area (2.6's find_vm_area())
 * @svm: the instance
 * @addr: the start of the area
 *
 * Return: the descriptor, valid until the caller frees the area; NULL.
 */
struct svm_vm_struct *svm_find_vm_area(struct svm_instance *svm,
				       const void *addr)
{
	struct svm_vmalloc *vm = svm->vmalloc;
	struct svm_vm_struct *area;

	spin_lock(&vm->lock);
	area = svm_find_area_locked(vm, (unsigned long)addr);
	spin_unlock(&vm->lock);
	return area;
}
EXPORT_SYMBOL_IF_KUNIT(svm_find_vm_area);

/**
 * svm_vmalloc_purge() - flush now and release every lazily freed area
 * @svm: the instance
 *
 * Context: interrupts enabled.
 */
void svm_vmalloc_purge(struct svm_instance *svm)
{
	struct svm_vmalloc *vm = svm->vmalloc;

	spin_lock(&vm->lock);
	svm_vmalloc_purge_locked(vm);
	spin_unlock(&vm->lock);
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmalloc_purge);

/**
 * svm_vmalloc_init() - reserve the vmalloc arena of an instance
 * @svm: the instance
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int svm_vmalloc_init(struct svm_instance *svm)
{
	unsigned long nr = svm->nr_pages +
			   max(svm->nr_pages / 4, SVM_VMALLOC_MIN_SLACK);
	struct svm_vmalloc *vm;

	nr = min3(nr, SVM_VMALLOC_MAX_PAGES, totalram_pages() / 2);
	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->svm = svm;
	spin_lock_init(&vm->lock);
	INIT_LIST_HEAD(&vm->vmlist);
	INIT_LIST_HEAD(&vm->lazy);
	vm->nr_pages = nr;
	vm->lazy_max = nr / 2;
	vm->ptes = kvcalloc(nr, sizeof(*vm->ptes), GFP_KERNEL);
	vm->placeholder = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (vm->ptes && vm->placeholder)
		vm->area = svm_reserve_window(vm->placeholder, nr, vm->ptes);
	if (!vm->area) {
		if (vm->placeholder)
			__free_page(vm->placeholder);
		kvfree(vm->ptes);
		kfree(vm);
		return -ENOMEM;
	}
	vm->base = (unsigned long)vm->area;
	svm->vmalloc = vm;
	return 0;
}

/**
 * svm_vmalloc_exit() - free every area and release the arena
 * @svm: the instance; NULL arena ignored
 *
 * Areas still live are reported, unmapped and (svm_vmalloc() ones) their
 * pages freed.
 *
 * Context: process context; may sleep.
 */
void svm_vmalloc_exit(struct svm_instance *svm)
{
	struct svm_vmalloc *vm = svm->vmalloc;
	struct svm_vm_struct *area, *tmp;
	unsigned long leaked = 0;

	if (!vm)
		return;
	list_for_each_entry_safe(area, tmp, &vm->vmlist, list) {
		unsigned int i;

		if (!(area->flags & SVM_VM_LAZY_FREE)) {
			unsigned long idx = (area->addr - vm->base) >>
					    PAGE_SHIFT;

			leaked++;
			for (i = 0; i < area->nr_pages; i++) {
				pte_clear(NULL, area->addr + (i << PAGE_SHIFT),
					  vm->ptes[idx + i]);
				if (area->flags & SVM_VM_ALLOC)
					svm_free_page(svm, area->pages[i]);
			}
			kvfree(area->pages);
		}
		list_del(&area->list);
		kfree(area);
	}
	if (leaked)
		pr_warn("%s: %lu vmalloc areas still live at teardown\n",
			svm->name, leaked);
	/*
	 * vunmap() flushes the arena lazily; purge now, so that the address
	 * space (and KASAN's shadow of it) is back when the instance is gone.
	 */
	vunmap(vm->area);
	vm_unmap_aliases();
	__free_page(vm->placeholder);
	kvfree(vm->ptes);
	svm->vmalloc = NULL;
	kfree(vm);
}

/**
 * svm_vmallocinfo_show() - print the areas as /proc/vmallocinfo does
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Addresses are printed with %p, hashed: never raw kernel pointers.
 *
 * Return: 0.
 */
int svm_vmallocinfo_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_vmalloc *vm = svm->vmalloc;
	struct svm_vm_struct *area;

	spin_lock(&vm->lock);
	list_for_each_entry(area, &vm->vmlist, list) {
		void *start = (void *)area->addr;
		void *end = (void *)(area->addr + area->size);

		if (area->flags & SVM_VM_LAZY_FREE) {
			seq_printf(m, "0x%p-0x%p %7ld unpurged vm_area\n",
				   start, end, area->size);
			continue;
		}
		seq_printf(m, "0x%p-0x%p %7ld", start, end, area->size);
		if (area->caller)
			seq_printf(m, " %pS", area->caller);
		seq_printf(m, " pages=%u", area->nr_pages);
		if (area->flags & SVM_VM_ALLOC)
			seq_puts(m, " vmalloc");
		if (area->flags & SVM_VM_MAP)
			seq_puts(m, " vmap");
		seq_putc(m, '\n');
	}
	spin_unlock(&vm->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmallocinfo_show);

static int vmallocinfo_show(struct seq_file *m, void *unused)
{
	return svm_vmallocinfo_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(vmallocinfo);

/**
 * svm_vmalloc_debugfs_create() - add "vmallocinfo" to an instance's
 *                                debugfs directory
 * @svm: the instance
 * @dir: its directory
 */
void svm_vmalloc_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("vmallocinfo", 0400, dir, svm, &vmallocinfo_fops);
}
