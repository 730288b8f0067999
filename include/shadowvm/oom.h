/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm OOM killer: when a fault or a write() finds no shadow page even
 * after direct reclaim, kill the process using the most shadow memory of
 * the instance, wait for its memory to come back and let the allocation
 * be retried (the book, chapter 13; 2.6's mm/oom_kill.c). See
 * Documentation/oom.rst.
 */
#ifndef _SHADOWVM_OOM_H
#define _SHADOWVM_OOM_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/types.h>

struct file;
struct pid;
struct svm_instance;
struct task_struct;

/* How long a caller waits for a victim's memory: bounded, never a hang. */
#define SVM_OOM_WAIT_MS		10000

/**
 * struct svm_oom_file - a /dev/shadowvm descriptor, as the OOM killer
 *                       sees it
 * @list: on the instance's struct svm_oom @files
 * @file: the descriptor's file
 * @opener: thread group of the process that opened it (a reference):
 *          the process the descriptor's object is counted against
 */
struct svm_oom_file {
	struct list_head list;
	struct file *file;
	struct pid *opener;
};

/**
 * struct svm_oom - OOM killer state of an instance
 * @svm: the instance
 * @lock: one selection and kill at a time (the kernel's oom_lock)
 * @victim: the process last killed, referenced, until its memory came
 *          back; NULL when no kill is in flight. Under @lock.
 * @files_lock: protects @files
 * @files: every open descriptor of the instance, as struct svm_oom_file
 * @dump_rs: limits the report's header and candidate table, as the
 *           kernel's oom_rs does
 */
struct svm_oom {
	struct svm_instance *svm;
	struct mutex lock;	/* selection and kill; @victim */
	struct task_struct *victim;
	struct mutex files_lock;	/* @files */
	struct list_head files;
	struct ratelimit_state dump_rs;
};

int svm_oom_init(struct svm_instance *svm);
void svm_oom_exit(struct svm_instance *svm);
void svm_oom_file_add(struct svm_instance *svm, struct svm_oom_file *of,
		      struct file *file);
void svm_oom_file_del(struct svm_instance *svm, struct svm_oom_file *of);
unsigned long svm_oom_badness(unsigned long pages, unsigned long totalpages,
			      int oom_score_adj, bool admin, bool rawio);
bool svm_out_of_memory(struct svm_instance *svm);

#endif /* _SHADOWVM_OOM_H */
