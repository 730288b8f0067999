// SPDX-License-Identifier: GPL-2.0
/*
 * aging_bench - what reclaim's reference information costs a hot set:
 * refbit=pte (accessed bits of the PTEs) against refbit=unmap (unmap, and
 * wait for a minor fault), shadowvm against itself in one boot: the
 * native kernel has no such choice.
 *
 * The workload of refbit_test (userspace/lib/svm_aging.c): mem=8M with
 * /dev/vda as swap, a hot set of 256 pages read through its mapping
 * between chunks of 128 pages of a 32 MiB stream (4x shadow memory).
 * SVM_BENCH_MIN_REPS repetitions, the mode that runs first alternating,
 * the module loaded afresh for each run. Two lines, each with the ratio
 * pte/unmap of paired repetitions:
 *   BENCH aging_minor_faults ... unit=per_1000_touches   (lower is better)
 *     faults caused by aging (pgfault_aging) per 1000 reads of a hot page;
 *   BENCH aging_stream ... unit=MiB_per_s                 (higher is better)
 *     MiB of stream written per second, hot passes included.
 * The keys are pte=/unmap= where other lines have shadow=/native=.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "svm_aging.h"
#include "svm_test.h"

#define MEM_MB		8
#define HOT_PAGES	256UL
#define STREAM_PAGES	(4UL * MEM_MB * 256)
#define CHUNK_PAGES	128UL
#define REPS		SVM_BENCH_MIN_REPS

static int run(int pte, double *faults, double *mibs)
{
	struct svm_aging r;
	char params[128];
	int ret;

	snprintf(params, sizeof(params),
		 "mem=%dM swapdev=/dev/vda swapdev_format=1 refbit=%s", MEM_MB,
		 pte ? "pte" : "unmap");
	if (svm_load(params))
		return -1;
	ret = svm_aging_run(HOT_PAGES, STREAM_PAGES, CHUNK_PAGES, &r);
	if (svm_unload() || ret || r.bad || r.seconds <= 0 || !r.touches)
		return -1;
	*faults = 1000.0 * r.aging / r.touches;
	*mibs = STREAM_PAGES * 4096.0 / (1 << 20) / r.seconds;
	return 0;
}

int main(void)
{
	double pf[REPS], uf[REPS], pt[REPS], ut[REPS];
	int i, ret = 0;

	for (i = 0; i < REPS; i++) {
		int first = i % 2;

		if (run(first, first ? &pf[i] : &uf[i], first ? &pt[i] : &ut[i]) ||
		    run(!first, first ? &uf[i] : &pf[i],
			first ? &ut[i] : &pt[i])) {
			fprintf(stderr, "aging_bench: run %d failed\n", i);
			return 1;
		}
	}
	ret |= svm_bench_report_pair("aging_minor_faults", pf, uf, REPS,
				     "per_1000_touches", "pte", "unmap");
	ret |= svm_bench_report_pair("aging_stream", pt, ut, REPS, "MiB_per_s",
				     "pte", "unmap");
	return ret ? 1 : 0;
}
