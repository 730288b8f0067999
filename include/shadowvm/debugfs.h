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

unsigned long svm_selfcheck(struct svm_instance *svm, struct seq_file *m);

#endif /* _SHADOWVM_DEBUGFS_H */
