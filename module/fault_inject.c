// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm fault injection: the kernel's fault_attr applied to the shadow
 * buddy allocator (fail_page_alloc) and the shadow slab allocator
 * (fail_slab) of the instance /dev/shadowvm serves. Each gets the
 * kernel's debugfs directory of knobs (probability, interval, times,
 * space, verbose, task-filter, ...) under the instance's directory, so
 * that the failure paths of shadowvm can be driven exactly as
 * mm/fail_page_alloc.c and mm/failslab.c drive the kernel's. Built only
 * with CONFIG_FAULT_INJECTION_DEBUG_FS (see <shadowvm/fault_inject.h>).
 */
#include <linux/debugfs.h>
#include <linux/fault-inject.h>

#include <shadowvm/fault_inject.h>

/*
 * One set of attributes: only the instance of /dev/shadowvm has a debugfs
 * directory. @owner is that instance, NULL while there is none, so that
 * the hooks never fail the allocations of other instances (KUnit's).
 */
static struct {
	struct svm_instance *owner;
	struct fault_attr page_alloc;
	struct fault_attr slab;
} svm_fault = {
	.page_alloc = FAULT_ATTR_INITIALIZER,
	.slab = FAULT_ATTR_INITIALIZER,
};

/**
 * svm_fault_inject_create() - create fail_page_alloc/ and fail_slab/
 * @svm: the instance whose allocations the attributes may fail
 * @dir: its debugfs directory
 *
 * The attributes start disabled (probability 0). verbose starts at 1: a
 * line per injected failure, not the stack dump of 2, which the test
 * harness would take for a kernel splat.
 *
 * Context: process context, at module load.
 */
void svm_fault_inject_create(struct svm_instance *svm, struct dentry *dir)
{
	svm_fault.page_alloc.verbose = 1;
	svm_fault.slab.verbose = 1;
	fault_create_debugfs_attr("fail_page_alloc", dir, &svm_fault.page_alloc);
	fault_create_debugfs_attr("fail_slab", dir, &svm_fault.slab);
	WRITE_ONCE(svm_fault.owner, svm);
}

/**
 * svm_fault_inject_destroy() - stop failing the instance's allocations
 *
 * Called once its debugfs directory, with the attributes' files, is gone.
 *
 * Context: process context, at module unload.
 */
void svm_fault_inject_destroy(void)
{
	WRITE_ONCE(svm_fault.owner, NULL);
}

/**
 * svm_should_fail_alloc_page() - should this buddy allocation fail?
 * @svm: the instance allocating
 * @gfp: the request's flags
 * @order: its order
 *
 * As the kernel's should_fail_alloc_page(), the size weighed against
 * ``space`` is the block's number of pages.
 *
 * Context: any context svm_alloc_pages_node() runs in.
 * Return: true to fail the request.
 */
bool svm_should_fail_alloc_page(struct svm_instance *svm, svm_gfp_t gfp,
				unsigned int order)
{
	if (READ_ONCE(svm_fault.owner) != svm)
		return false;
	return should_fail(&svm_fault.page_alloc, 1UL << order);
}

/**
 * svm_should_fail_slab() - should this slab allocation fail?
 * @svm: the instance allocating
 * @gfp: the request's flags
 * @size: the object size
 *
 * Context: any context svm_kmem_cache_alloc() runs in.
 * Return: true to fail the request.
 */
bool svm_should_fail_slab(struct svm_instance *svm, svm_gfp_t gfp,
			  size_t size)
{
	if (READ_ONCE(svm_fault.owner) != svm)
		return false;
	return should_fail(&svm_fault.slab, size);
}
