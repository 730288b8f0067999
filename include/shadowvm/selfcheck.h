/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadowvm self-check: each subsystem checks its own structures against
 * each other and reports what disagrees through one reporting interface
 * (module/selfcheck.c). The debugfs ``selfcheck`` file runs every checker
 * (svm_selfcheck() in module/debugfs.c); KUnit runs them after each case.
 * What each checker compares is in Documentation/reliability.rst.
 */
#ifndef _SHADOWVM_SELFCHECK_H
#define _SHADOWVM_SELFCHECK_H

#include <linux/compiler_attributes.h>
#include <linux/types.h>

struct seq_file;
struct svm_instance;

/**
 * struct svm_selfcheck - one run of the self-check
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

/* The checkers, each in the file that owns the structure it checks. */
void svm_zone_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc);
void svm_lru_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc);
void svm_pagecache_selfcheck(struct svm_instance *svm,
			     struct svm_selfcheck *sc);
void svm_swap_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc);

#endif /* _SHADOWVM_SELFCHECK_H */
