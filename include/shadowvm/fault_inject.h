/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm fault injection: fail_page_alloc and fail_slab of an instance,
 * the kernel's fault_attr (Documentation/fault-injection/) applied to the
 * shadow buddy and slab allocators. Built only when the kernel has
 * CONFIG_FAULT_INJECTION_DEBUG_FS; otherwise the hooks are constant false
 * and compile away. See Documentation/reliability.rst.
 */
#ifndef _SHADOWVM_FAULT_INJECT_H
#define _SHADOWVM_FAULT_INJECT_H

#include <linux/types.h>

#include <shadowvm/gfp.h>

struct dentry;
struct svm_instance;

#if IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS)
void svm_fault_inject_create(struct svm_instance *svm, struct dentry *dir);
void svm_fault_inject_destroy(void);
bool svm_should_fail_alloc_page(struct svm_instance *svm, svm_gfp_t gfp,
				unsigned int order);
bool svm_should_fail_slab(struct svm_instance *svm, svm_gfp_t gfp,
			  size_t size);
#else
static inline void svm_fault_inject_create(struct svm_instance *svm,
					   struct dentry *dir)
{
}

static inline void svm_fault_inject_destroy(void)
{
}

static inline bool svm_should_fail_alloc_page(struct svm_instance *svm,
					      svm_gfp_t gfp,
					      unsigned int order)
{
	return false;
}

static inline bool svm_should_fail_slab(struct svm_instance *svm,
					svm_gfp_t gfp, size_t size)
{
	return false;
}
#endif

#endif /* _SHADOWVM_FAULT_INJECT_H */
