// SPDX-License-Identifier: GPL-2.0
/*
 * slab_bench - shadow slab allocator against the native one, in one boot.
 *
 * Loads shadowvm, asks its debugfs "bench" file for the slab cases and
 * prints their svm_bench_report() lines, as buddy_bench does, then the
 * metadata each side keeps per object of the sizes caches, as a size:
 *   SIZE slab_meta_<size> shadow=<bytes> native=<bytes> unit=bytes_per_object
 * Shadow: the slab descriptor and bufctl array ("mgmt" in slabinfo) plus
 * one 40-byte struct svm_page per page, divided by objects per slab.
 * Native (SLUB): one 64-byte struct page per page (SLUB keeps its slab
 * descriptor there and its free pointer inside free objects), from the
 * kmalloc-<size> line of /proc/slabinfo (kmalloc-1k for 1024).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm_test.h"

#define SLABINFO "/sys/kernel/debug/shadowvm/shadowvm/slabinfo"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The line of cache @name in a slabinfo text, or NULL. */
static const char *cache_line(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, name, len) && p[len] == ' ')
			return p;
	}
	return NULL;
}

/* objperslab and pagesperslab of a slabinfo 2.1 line. */
static int slab_geometry(const char *line, unsigned int *per,
			 unsigned int *pages)
{
	char name[64];
	unsigned long active, num;
	unsigned int objsize;

	if (!line || sscanf(line, "%63s %lu %lu %u %u %u", name, &active, &num,
			    &objsize, per, pages) != 6 || !*per)
		return -1;
	return 0;
}

static int meta_case(unsigned int size, const char *shadow_text,
		     const char *native_text)
{
	const char *sl, *nl, *mg;
	unsigned int sper, spages, nper, npages, offslab, mgmt;
	char name[64];
	double shadow, native;

	snprintf(name, sizeof(name), "size-%u", size);
	sl = cache_line(shadow_text, name);
	if (size >= 1024)
		snprintf(name, sizeof(name), "kmalloc-%uk", size / 1024);
	else
		snprintf(name, sizeof(name), "kmalloc-%u", size);
	nl = cache_line(native_text, name);
	if (slab_geometry(sl, &sper, &spages) ||
	    slab_geometry(nl, &nper, &npages)) {
		fprintf(stderr, "slab_bench: no slabinfo line for size %u\n",
			size);
		return -1;
	}
	mg = strstr(sl, " : mgmt ");
	if (!mg || sscanf(mg, " : mgmt %u %u", &offslab, &mgmt) != 2) {
		fprintf(stderr, "slab_bench: no mgmt field for size-%u\n",
			size);
		return -1;
	}
	shadow = (double)(mgmt + 40 * spages) / sper;
	native = (double)(64 * npages) / nper;
	printf("SIZE slab_meta_%u shadow=%.2f native=%.2f unit=bytes_per_object\n",
	       size, shadow, native);
	return 0;
}

int main(void)
{
	static char shadow_text[65536], native_text[262144];
	static const unsigned int sizes[] = { 64, 256, 1024 };
	unsigned int i;
	int ret = 0;

	if (svm_load("mem=64M")) {
		fprintf(stderr, "slab_bench: cannot load shadowvm\n");
		return 1;
	}
	ret |= svm_bench_print("slab_64", 20000, 7);
	ret |= svm_bench_print("slab_256", 20000, 7);
	ret |= svm_bench_print("slab_1024", 20000, 7);
	ret |= svm_bench_print("kmalloc_256", 20000, 7);
	/* Geometry is fixed at cache creation: no slab needs to exist. */
	if (read_file(SLABINFO, shadow_text, sizeof(shadow_text)) <= 0 ||
	    read_file("/proc/slabinfo", native_text, sizeof(native_text)) <= 0) {
		fprintf(stderr, "slab_bench: cannot read slabinfo\n");
		ret = -1;
	} else {
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			ret |= meta_case(sizes[i], shadow_text, native_text);
	}
	if (svm_unload())
		ret = -1;
	return ret ? 1 : 0;
}
