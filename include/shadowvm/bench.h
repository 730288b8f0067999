/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm in-kernel benchmarks (debugfs "bench").
 */
#ifndef _SHADOWVM_BENCH_H
#define _SHADOWVM_BENCH_H

#include <linux/types.h>

struct dentry;
struct svm_instance;

int svm_bench_run(struct svm_instance *svm, const char *name,
		  unsigned long iters, unsigned int reps, char *buf, size_t len);
void svm_bench_debugfs_create(struct svm_instance *svm, struct dentry *dir);

#endif /* _SHADOWVM_BENCH_H */
