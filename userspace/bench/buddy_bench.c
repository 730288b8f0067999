// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_bench - shadow buddy allocator against the native one, in one boot.
 *
 * Loads shadowvm, asks its debugfs "bench" file for each case and prints
 *   BENCH <case> ratio=<shadow/native> shadow=<n> native=<n> unit=<unit>
 * The ratio compares like with like only when the guest runs with
 * init_on_alloc=0 (scripts/bench boots it so): otherwise the native side
 * also zeroes every page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svm_test.h"

#define BENCH "/sys/kernel/debug/shadowvm/shadowvm/bench"

static int run_case(const char *name, unsigned long iters, unsigned int reps)
{
	unsigned long long shadow, native;
	char cmd[96], res[256], unit[32];
	int fd = open(BENCH, O_RDWR);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "buddy_bench: %s: %s\n", BENCH, strerror(errno));
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "%s %lu %u", name, iters, reps);
	if (write(fd, cmd, strlen(cmd)) < 0) {
		fprintf(stderr, "buddy_bench: %s: %s\n", cmd, strerror(errno));
		close(fd);
		return -1;
	}
	n = read(fd, res, sizeof(res) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	res[n] = '\0';
	if (sscanf(strstr(res, "shadow="), "shadow=%llu native=%llu unit=%31s",
		   &shadow, &native, unit) != 3 || !native) {
		fprintf(stderr, "buddy_bench: cannot parse \"%s\"\n", res);
		return -1;
	}
	printf("BENCH %s ratio=%.3f shadow=%llu native=%llu unit=%s\n", name,
	       (double)shadow / native, shadow, native, unit);
	return 0;
}

/* Bytes of descriptors (mem_map and the real-page table) per shadow page. */
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
	printf("BENCH memmap_bytes_per_page ratio=%.3f shadow=%.2f native=%lld unit=bytes_per_page\n",
	       (double)bytes / pages / native, (double)bytes / pages, native);
	return 0;
}

/* Largest free block left by a mix of unmovable and movable pages. */
static int frag_case(void)
{
	char res[256];
	int fd = open(BENCH, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	if (write(fd, "fragmentation", 13) < 0) {
		fprintf(stderr, "buddy_bench: fragmentation: %s\n",
			strerror(errno));
		close(fd);
		return -1;
	}
	n = read(fd, res, sizeof(res) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	res[n] = '\0';
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
	ret |= run_case("buddy_order0", 20000, 7);
	ret |= run_case("buddy_order3", 10000, 7);
	ret |= run_case("buddy_order9", 2000, 7);
	ret |= memmap_case();
	ret |= frag_case();
	if (svm_unload())
		ret = -1;
	return ret ? 1 : 0;
}
