/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm debugfs interface: one directory per instance.
 */
#ifndef _SHADOWVM_DEBUGFS_H
#define _SHADOWVM_DEBUGFS_H

#include <linux/compiler_attributes.h>
#include <linux/types.h>

struct dentry;
struct seq_file;
struct svm_instance;
struct svm_zone;

struct dentry *svm_debugfs_create(struct svm_instance *svm,
				  struct dentry *parent);
void svm_debugfs_remove(struct dentry *dir);
int svm_meminfo_show(struct seq_file *m, struct svm_instance *svm);
int svm_buddyinfo_show(struct seq_file *m, struct svm_instance *svm);
int svm_pagetypeinfo_show(struct seq_file *m, struct svm_instance *svm);
int svm_pageblocks_show(struct seq_file *m, struct svm_instance *svm);
int svm_page_show(struct seq_file *m, struct svm_instance *svm);
int svm_page_select(struct svm_instance *svm, const char *buf);
int svm_unusable_index(struct svm_zone *zone, unsigned int order);
int svm_extfrag_index(struct svm_zone *zone, unsigned int order);
int svm_unusable_index_show(struct seq_file *m, struct svm_instance *svm);
int svm_extfrag_index_show(struct seq_file *m, struct svm_instance *svm);

/**
 * struct svm_selfcheck - one read of the debugfs ``selfcheck`` file
 * @m: where violations are printed, one line each; NULL prints nothing
 * @violations: violations found so far
 * @printed: lines printed so far (at most SVM_SELFCHECK_MAX_LINES)
 * @quiet: count nothing and print nothing (a confirming pass, see
 *         svm_selfcheck_confirm())
 */
struct svm_selfcheck {
	struct seq_file *m;
	unsigned long violations;
	unsigned int printed;
	bool quiet;
};

/* Lines a read prints; further violations are only counted. */
#define SVM_SELFCHECK_MAX_LINES	64

__printf(2, 3)
void svm_selfcheck_report(struct svm_selfcheck *sc, const char *fmt, ...);
void svm_selfcheck_confirm(struct svm_selfcheck *sc, struct svm_instance *svm,
			   void (*check)(struct svm_instance *svm,
					 struct svm_selfcheck *sc));
unsigned long svm_selfcheck(struct svm_instance *svm, struct seq_file *m);

/* The checkers, each in the file that owns the structure it checks. */
void svm_zone_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc);
void svm_lru_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc);
void svm_pagecache_selfcheck(struct svm_instance *svm,
			     struct svm_selfcheck *sc);
void svm_swap_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc);

#endif /* _SHADOWVM_DEBUGFS_H */
