// SPDX-License-Identifier: GPL-2.0
/*
 * fault_bench - page faults on /dev/shadowvm against shmem, in one boot.
 *
 * fault_first_touch: write one byte to every page of a fresh 64 MiB
 * MAP_SHARED mapping; shadowvm (a new private object each repetition)
 * against a memfd (shmem), and against MAP_PRIVATE | MAP_ANONYMOUS on the
 * fault_first_touch_anon line. fault_refault: the same writes after
 * MADV_DONTNEED dropped the page tables but left the pages cached. The
 * _2threads lines split the pages between two threads. Prints
 *   BENCH <name> ratio=<shadow/native> shadow=<n> native=<n> unit=faults_per_s
 * with the medians of REPS repetitions, shadowvm's and native's taken in
 * turn; ratio > 1 means shadowvm is faster. The lines ending in
 * _write_notify and _no_around repeat the single-thread figures with
 * write_notify=1 and with fault_around_pages=1, for comparison (see
 * Documentation/fault.rst).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "svm_test.h"

#define SIZE	(64UL << 20)
#define PAGES	(SIZE / 4096)
#define REPS	5

enum kind { SHADOW, MEMFD, ANON };

struct toucher {
	unsigned char *map;
	unsigned long first, count;
};

static void *touch(void *arg)
{
	struct toucher *t = arg;
	unsigned long i;

	for (i = t->first; i < t->first + t->count; i++)
		t->map[i * 4096] = 1;
	return NULL;
}

/* Seconds to touch every page of @map with @threads threads. */
static double touch_all(unsigned char *map, int threads)
{
	struct toucher t[2];
	pthread_t tid[2];
	double t0 = svm_now();
	int k;

	for (k = 0; k < threads; k++) {
		t[k] = (struct toucher){ map, PAGES / threads * k,
					 PAGES / threads };
		if (pthread_create(&tid[k], NULL, touch, &t[k]))
			return -1;
	}
	for (k = 0; k < threads; k++)
		pthread_join(tid[k], NULL);
	return svm_now() - t0;
}

static int open_kind(enum kind kind)
{
	int fd;

	switch (kind) {
	case SHADOW:
		return svm_object_open(O_RDWR, 1, SIZE);
	case MEMFD:
		fd = memfd_create("fault_bench", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, SIZE)) {
			close(fd);
			return -1;
		}
		return fd;
	default:
		return -1;
	}
}

/* Faults per second of one repetition; @refault measures after DONTNEED. */
static double rate(enum kind kind, int refault, int threads)
{
	unsigned char *map;
	double secs;
	int fd;

	fd = kind == ANON ? -1 : open_kind(kind);
	if (kind != ANON && fd < 0)
		return -1;
	map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		   kind == ANON ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED,
		   fd, 0);
	if (map == MAP_FAILED)
		return -1;
	if (refault) {
		touch_all(map, 1);
		madvise(map, SIZE, MADV_DONTNEED);
	}
	secs = touch_all(map, threads);
	munmap(map, SIZE);
	if (fd >= 0)
		close(fd);
	return secs > 0 ? PAGES / secs : -1;
}

/*
 * Medians of REPS repetitions of each side. The sides alternate, so that
 * load from outside the guest (a shared host) slows both alike.
 */
static int report(const char *prefix, const char *suffix, enum kind native,
		  int refault, int threads)
{
	double s[REPS], n[REPS];
	char name[64];
	int r;

	snprintf(name, sizeof(name), "%s%s", prefix, suffix);
	for (r = 0; r < REPS; r++) {
		s[r] = rate(SHADOW, refault, threads);
		n[r] = rate(native, refault, threads);
		if (s[r] <= 0 || n[r] <= 0) {
			fprintf(stderr, "fault_bench: %s failed\n", name);
			return -1;
		}
	}
	svm_bench_report(name, svm_median(s, REPS), svm_median(n, REPS),
			 "faults_per_s");
	return 0;
}

/* The module's fault policies: the default first, then the others. */
static const struct {
	const char *params, *suffix;
	int all;
} configs[] = {
	{ "mem=128M", "", 1 },
	{ "mem=128M write_notify=1", "_write_notify", 0 },
	{ "mem=128M fault_around_pages=1", "_no_around", 0 },
	{ NULL, NULL, 0 },
};

int main(void)
{
	unsigned int c;
	int ret = 0;

	for (c = 0; configs[c].params; c++) {
		const char *sfx = configs[c].suffix;

		if (svm_load(configs[c].params)) {
			fprintf(stderr, "fault_bench: cannot load shadowvm %s\n",
				configs[c].params);
			return 1;
		}
		ret |= report("fault_first_touch", sfx, MEMFD, 0, 1);
		if (configs[c].all)
			ret |= report("fault_first_touch_anon", sfx, ANON, 0, 1);
		ret |= report("fault_refault", sfx, MEMFD, 1, 1);
		if (configs[c].all) {
			ret |= report("fault_first_touch_2threads", sfx, MEMFD,
				      0, 2);
			ret |= report("fault_refault_2threads", sfx, MEMFD,
				      1, 2);
		}
		if (svm_unload())
			ret = -1;
	}
	return ret ? 1 : 0;
}
