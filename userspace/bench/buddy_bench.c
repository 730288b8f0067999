// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_bench - shadow buddy allocator against the native one, in one boot.
 *
 * Loads shadowvm, asks its debugfs "bench" file for each case and prints
 * its svm_bench_report() line, in cycles per operation: ratio < 1 means
 * shadowvm is faster. The ratio compares like with like only when the
 * guest runs with init_on_alloc=0 (scripts/bench boots it so): otherwise
 * the native side also zeroes every page. Descriptor sizes are printed as
 * SIZE lines, not ratios: they are sizes, not measurements of speed.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "svm_test.h"

/*
 * Bytes of descriptors per shadow page: shadowvm's mem_map and real-page
 * table, plus the native struct page of the real page behind every shadow
 * page, which shadowvm needs as much as the kernel does.
 */
static int memmap_case(void)
{
	char text[4096];
	long long bytes, pages, native;

	if (read_file("/sys/kernel/debug/shadowvm/shadowvm/meminfo", text,
		      sizeof(text)) <= 0)
		return -1;
	bytes = keyed_value(text, "MemMapBytes");
	pages = keyed_value(text, "ReservedPages");
	native = keyed_value(text, "NativeDescBytes");
	if (bytes <= 0 || pages <= 0 || native <= 0)
		return -1;
	printf("SIZE memmap_bytes_per_page shadow=%.2f native=%lld unit=bytes_per_page\n",
	       (double)bytes / pages + native, native);
	return 0;
}

/* Largest free block left by a mix of unmovable and movable pages. */
static int frag_case(void)
{
	char res[256];

	if (svm_bench_cmd("fragmentation", res, sizeof(res)))
		return -1;
	printf("FRAG %s", res);
	return 0;
}

int main(void)
{
	int ret = 0;

	if (svm_load("mem=64M")) {
		fprintf(stderr, "buddy_bench: cannot load shadowvm\n");
		return 1;
	}
	ret |= svm_bench_print("buddy_order0", 20000, 7);
	ret |= svm_bench_print("buddy_order3", 10000, 7);
	ret |= svm_bench_print("buddy_order9", 2000, 7);
	ret |= memmap_case();
	ret |= frag_case();
	if (svm_unload())
		ret = -1;
	return ret ? 1 : 0;
}
