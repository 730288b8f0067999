/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm in-kernel benchmarks (debugfs "bench").
 */
#ifndef _SHADOWVM_BENCH_H
#define _SHADOWVM_BENCH_H

#include <linux/types.h>

struct dentry;
struct svm_instance;

/**
 * struct svm_frag_result - what svm_bench_fragmentation() measured
 * @allocated: order-0 pages the zone gave before it ran out
 * @max_free_order: largest order with a free block after the movable pages
 *                  were freed
 * @free_in_pageblocks: free pages in blocks of a pageblock or larger
 * @free_pages: all free pages of the zone
 */
struct svm_frag_result {
	unsigned long allocated;
	unsigned int max_free_order;
	unsigned long free_in_pageblocks;
	unsigned long free_pages;
};

int svm_bench_fragmentation(bool mobility, unsigned long nr_pages,
			    struct svm_frag_result *res);
int svm_bench_run(struct svm_instance *svm, const char *name,
		  unsigned long iters, unsigned int reps, char *buf, size_t len);
void svm_bench_debugfs_create(struct svm_instance *svm, struct dentry *dir);

#endif /* _SHADOWVM_BENCH_H */
