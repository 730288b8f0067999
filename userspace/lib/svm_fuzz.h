/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadowvm fuzzer's engine (userspace/lib/svm_fuzz.c), shared by the
 * svm_fuzz tool and fuzz_test.
 */
#ifndef _SVM_FUZZ_H
#define _SVM_FUZZ_H

#include <stddef.h>

/* The instance's debugfs directory the fuzzer writes to and checks. */
#define SVM_FUZZ_DEBUGFS "/sys/kernel/debug/shadowvm/shadowvm/"

/**
 * struct svm_fuzz_result - what one svm_fuzz_run() did
 * @calls: operations made, by every process and their children
 * @signals: SIGBUS/SIGSEGV caught on accesses to mappings
 * @died: fuzzing processes that did not exit 0, other than @killed
 * @killed: fuzzing processes killed by SIGKILL, which only shadowvm's OOM
 *          killer sends them (its vmstat oom_kill counts those kills)
 */
struct svm_fuzz_result {
	unsigned long calls;
	unsigned long signals;
	int died;
	int killed;
};

/*
 * Forks @procs processes that fuzz /dev/shadowvm for @seconds, each with
 * the generator seeded from @seed and its number, and waits for them.
 * Returns 0, or -errno when they could not all be started.
 */
int svm_fuzz_run(unsigned long long seed, double seconds, int procs,
		 struct svm_fuzz_result *res);
/* Reads debugfs selfcheck into @buf; returns its length or -errno. */
long svm_fuzz_selfcheck(char *buf, size_t size);

#endif
