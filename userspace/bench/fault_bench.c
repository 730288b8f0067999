// SPDX-License-Identifier: GPL-2.0
/*
 * fault_bench - page faults on /dev/shadowvm against shmem, in one boot.
 *
 * Every line touches (writes one byte to) every page of a fresh 64 MiB
 * MAP_SHARED mapping: shadowvm (a new private object each repetition)
 * against a memfd (shmem), or against MAP_PRIVATE | MAP_ANONYMOUS with
 * MADV_NOHUGEPAGE on the _anon line. fault_first_touch: in page order; fault_random_touch: in a
 * seeded random order; fault_refault: in page order after MADV_DONTNEED
 * dropped the page tables but left the pages cached. The _2threads lines
 * split the pages between two threads.
 *
 * The headline lines load shadowvm with fault_around_pages=1: one fault
 * allocates and maps one page, as a native shared write fault does. The
 * _window lines keep shadowvm's default window (a fault maps, and on a
 * sequential first touch allocates, fault_around_pages pages), a policy
 * the native kernel does not have for shared write faults; its native
 * competitor is prefaulting, on fault_first_touch_vs_populate:
 * MADV_POPULATE_WRITE of the whole memfd, then the same touches, timed
 * together. The _write_notify lines add write_notify=1 to the headline
 * configuration (see Documentation/fault.rst).
 *
 * Prints svm_bench_report()s in pages_per_s (pages touched per second, not
 * faults: a window maps many pages per fault); ratio > 1 means shadowvm is
 * faster. The two sides alternate, and so does which of them runs first.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "svm_test.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define SIZE	(64UL << 20)
#define PAGES	(SIZE / 4096)
#define REPS	SVM_BENCH_MIN_REPS

enum kind { SHADOW, MEMFD, ANON, POPULATE };

/* fault_random_touch's order: a shuffle of the page numbers. */
static unsigned long rand_order[PAGES];

struct toucher {
	unsigned char *map;
	unsigned long first, count;
	int random;
};

static void *touch(void *arg)
{
	struct toucher *t = arg;
	unsigned long i;

	for (i = t->first; i < t->first + t->count; i++)
		t->map[(t->random ? rand_order[i] : i) * 4096] = 1;
	return NULL;
}

/* Seconds to touch every page of @map with @threads threads. */
static double touch_all(unsigned char *map, int threads, int random)
{
	struct toucher t[2];
	pthread_t tid[2];
	double t0 = svm_now();
	int k;

	for (k = 0; k < threads; k++) {
		t[k] = (struct toucher){ map, PAGES / threads * k,
					 PAGES / threads, random };
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
	case POPULATE:
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

/*
 * Pages per second of one repetition; @refault measures after DONTNEED,
 * @random touches in rand_order.
 */
static double rate(enum kind kind, int refault, int threads, int random)
{
	unsigned char *map;
	double secs, t0;
	int fd;

	fd = kind == ANON ? -1 : open_kind(kind);
	if (kind != ANON && fd < 0)
		return -1;
	map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		   kind == ANON ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED,
		   fd, 0);
	if (map == MAP_FAILED)
		return -1;
	/*
	 * With THP enabled=always a native anonymous fault may map 2 MiB at
	 * once; shadowvm maps 4 KiB pages only: page against page.
	 */
	if (kind == ANON && madvise(map, SIZE, MADV_NOHUGEPAGE)) {
		munmap(map, SIZE);
		return -1;
	}
	if (refault) {
		touch_all(map, 1, 0);
		madvise(map, SIZE, MADV_DONTNEED);
	}
	t0 = svm_now();
	if (kind == POPULATE && madvise(map, SIZE, MADV_POPULATE_WRITE))
		secs = -1;
	else
		secs = touch_all(map, threads, random);
	if (secs > 0)
		secs = svm_now() - t0;
	munmap(map, SIZE);
	if (fd >= 0)
		close(fd);
	return secs > 0 ? PAGES / secs : -1;
}

static int report(const char *prefix, const char *suffix, enum kind native,
		  int refault, int threads, int random)
{
	double s[REPS], n[REPS];
	char name[64];
	int r;

	snprintf(name, sizeof(name), "%s%s", prefix, suffix);
	for (r = 0; r < REPS; r++) {
		if (r % 2) {
			n[r] = rate(native, refault, threads, random);
			s[r] = rate(SHADOW, refault, threads, random);
		} else {
			s[r] = rate(SHADOW, refault, threads, random);
			n[r] = rate(native, refault, threads, random);
		}
		if (s[r] <= 0 || n[r] <= 0) {
			fprintf(stderr, "fault_bench: %s failed\n", name);
			return -1;
		}
	}
	return svm_bench_report(name, s, n, REPS, "pages_per_s");
}

/* The module's fault policies: like for like first, then the others. */
enum { HEADLINE, WINDOW, WRITE_NOTIFY };
static const struct {
	const char *params, *suffix;
	int which;
} configs[] = {
	{ "mem=128M fault_around_pages=1", "", HEADLINE },
	{ "mem=128M", "_window", WINDOW },
	{ "mem=128M fault_around_pages=1 write_notify=1", "_write_notify",
	  WRITE_NOTIFY },
	{ NULL, NULL, 0 },
};

int main(void)
{
	unsigned long long seed = svm_bench_seed(), state = seed;
	unsigned int c;
	int ret = 0;

	svm_shuffle(rand_order, PAGES, &state);
	printf("ORDER fault_random_touch seed=%llu\n", seed);
	for (c = 0; configs[c].params; c++) {
		const char *sfx = configs[c].suffix;
		int which = configs[c].which;

		if (svm_load(configs[c].params)) {
			fprintf(stderr, "fault_bench: cannot load shadowvm %s\n",
				configs[c].params);
			return 1;
		}
		ret |= report("fault_first_touch", sfx, MEMFD, 0, 1, 0);
		ret |= report("fault_refault", sfx, MEMFD, 1, 1, 0);
		if (which != WRITE_NOTIFY)
			ret |= report("fault_random_touch", sfx, MEMFD, 0, 1, 1);
		if (which == HEADLINE)
			ret |= report("fault_first_touch_anon", sfx, ANON, 0, 1,
				      0);
		if (which == WINDOW)
			ret |= report("fault_first_touch_vs_populate", "",
				      POPULATE, 0, 1, 0);
		if (which != WRITE_NOTIFY) {
			ret |= report("fault_first_touch_2threads", sfx, MEMFD,
				      0, 2, 0);
			ret |= report("fault_refault_2threads", sfx, MEMFD,
				      1, 2, 0);
		}
		if (svm_unload())
			ret = -1;
	}
	return ret ? 1 : 0;
}
