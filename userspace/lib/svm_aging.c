// SPDX-License-Identifier: GPL-2.0
/*
 * The aging workload of refbit_test and aging_bench (see svm_aging.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "svm_aging.h"
#include "svm_test.h"

#define PG	((unsigned long)sysconf(_SC_PAGESIZE))
#define SEED	0x5eedUL

static int stats(int fd, struct shadowvm_object_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(fd, SHADOWVM_IOC_GET_STATS, st) ? -errno : 0;
}

/* Reads one word of every page: a use through the PTE, if it is there. */
static uint64_t touch(const char *map, unsigned long pages)
{
	uint64_t sum = 0;
	unsigned long i;

	for (i = 0; i < pages; i++)
		sum += __atomic_load_n((const uint64_t *)(map + i * PG),
				       __ATOMIC_RELAXED);
	return sum;
}

/* Pages of @map whose PTE is present, or -1. */
static long mapped(char *map, unsigned long pages)
{
	unsigned char *vec = malloc(pages);
	unsigned long i;
	long n = 0;

	if (!vec || mincore(map, pages * PG, vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

int svm_aging_run(unsigned long hot, unsigned long stream, unsigned long chunk,
		  struct svm_aging *r)
{
	struct shadowvm_object_stats before, after;
	long long aging0, unmap0, scanned0, young0;
	char *hmap = MAP_FAILED, *smap = MAP_FAILED;
	int hfd, sfd = -1, ret = -ENOMEM;
	unsigned long p, c;
	double t0;

	memset(r, 0, sizeof(*r));
	hfd = svm_object_open(O_RDWR, 1, hot * PG);
	if (hfd < 0)
		return hfd;
	sfd = svm_object_open(O_RDWR, 1, stream * PG);
	if (sfd < 0) {
		ret = sfd;
		goto out;
	}
	hmap = mmap(NULL, hot * PG, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
	smap = mmap(NULL, stream * PG, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
		    0);
	if (hmap == MAP_FAILED || smap == MAP_FAILED)
		goto out;
	for (p = 0; p < hot; p++)
		svm_fill_page(hmap + p * PG, p, SEED, 1);
	ret = stats(hfd, &before);
	if (ret)
		goto out;
	aging0 = svm_vmstat("pgfault_aging");
	unmap0 = svm_vmstat("pgunmap");
	scanned0 = svm_vmstat("pte_scanned");
	young0 = svm_vmstat("pte_young");

	t0 = svm_now();
	for (c = 0; c + chunk <= stream; c += chunk) {
		for (p = c; p < c + chunk; p++)
			svm_fill_page(smap + p * PG, p, SEED + 1, 1);
		touch(hmap, hot);
		r->touches += hot;
	}
	r->seconds = svm_now() - t0;

	r->hot_mapped = mapped(hmap, hot);
	ret = stats(hfd, &after);
	if (ret)
		goto out;
	r->hot_minor = after.minor_faults - before.minor_faults;
	r->hot_major = after.major_faults - before.major_faults;
	r->aging = svm_vmstat("pgfault_aging") - aging0;
	r->unmapped = svm_vmstat("pgunmap") - unmap0;
	r->pte_scanned = svm_vmstat("pte_scanned") - scanned0;
	r->pte_young = svm_vmstat("pte_young") - young0;
	for (p = 0; p < hot; p++)
		r->bad += svm_check_page(hmap + p * PG, p, SEED, 1);
	for (p = 0; p < stream; p += 7)
		r->bad += svm_check_page(smap + p * PG, p, SEED + 1, 1);
out:
	if (smap != MAP_FAILED)
		munmap(smap, stream * PG);
	if (hmap != MAP_FAILED)
		munmap(hmap, hot * PG);
	if (sfd >= 0)
		close(sfd);
	close(hfd);
	return ret;
}
