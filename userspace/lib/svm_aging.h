/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The aging workload shared by refbit_test and aging_bench: a hot set that
 * fits in shadow memory is read through its mapping between chunks of a
 * stream written beside it, so that reclaim keeps aging the hot set while
 * the stream goes to swap.
 */
#ifndef _SVM_AGING_H
#define _SVM_AGING_H

/**
 * struct svm_aging - what one run of svm_aging_run() saw
 * @touches: hot pages read (one word each)
 * @hot_minor: minor faults on the hot object meanwhile (swap-ins included)
 * @hot_major: its major faults
 * @aging: vmstat pgfault_aging: faults on pages aging had unmapped
 * @unmapped: vmstat pgunmap
 * @pte_scanned: vmstat pte_scanned
 * @pte_young: vmstat pte_young
 * @hot_mapped: hot pages whose PTE is present at the end (mincore())
 * @bad: pages whose contents were wrong (all hot pages, every 7th of the
 *       stream)
 * @seconds: wall time of the stream and touches, checks excluded
 */
struct svm_aging {
	unsigned long touches;
	unsigned long long hot_minor, hot_major;
	long long aging, unmapped, pte_scanned, pte_young;
	long hot_mapped;
	long bad;
	double seconds;
};

/*
 * Runs the workload on the loaded instance: @hot pages, a stream of
 * @stream pages written @chunk pages between two passes over the hot set.
 * Returns 0 or -errno.
 */
int svm_aging_run(unsigned long hot, unsigned long stream, unsigned long chunk,
		  struct svm_aging *r);

#endif
