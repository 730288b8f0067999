/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm debugfs interface: one directory per instance.
 */
#ifndef _SHADOWVM_DEBUGFS_H
#define _SHADOWVM_DEBUGFS_H

struct dentry;
struct seq_file;
struct svm_instance;

struct dentry *svm_debugfs_create(struct svm_instance *svm,
				  struct dentry *parent);
void svm_debugfs_remove(struct dentry *dir);
int svm_meminfo_show(struct seq_file *m, struct svm_instance *svm);

#endif /* _SHADOWVM_DEBUGFS_H */
