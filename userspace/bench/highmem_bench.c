// SPDX-License-Identifier: GPL-2.0
/*
 * highmem_bench - shadowvm's emulated high memory and vmalloc against the
 * native kernel, in one boot.
 *
 * Loads shadowvm, asks its debugfs "bench" file for each case and prints
 * its svm_bench_report() line in cycles per operation (ratio < 1: shadowvm
 * is faster).
 * kmap_high: svm_kmap()+svm_kunmap() of a HIGHMEM page whose slot is
 * cached, against kmap_local_page(), which is page_address() on 64-bit:
 * the ratio is the price of emulating high memory. kmap_atomic: the
 * per-CPU atomic slots (a PTE write and a one-page flush each) against
 * kmap_atomic(). vmalloc_16k: svm_vmalloc()+svm_vfree() of 16 KiB against
 * vmalloc()+vfree(), each repetition ending with a forced purge of the
 * lazily freed areas and its TLB flush on both sides.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "svm_test.h"

int main(void)
{
	int ret = 0;

	if (svm_load("mem=64M")) {
		fprintf(stderr, "highmem_bench: cannot load shadowvm\n");
		return 1;
	}
	ret |= svm_bench_print("kmap_high", 20000, 7);
	ret |= svm_bench_print("kmap_atomic", 20000, 7);
	ret |= svm_bench_print("vmalloc_16k", 5000, 7);
	if (svm_unload())
		ret = -1;
	return ret ? 1 : 0;
}
