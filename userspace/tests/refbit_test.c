// SPDX-License-Identifier: GPL-2.0
/*
 * refbit_test - how reclaim learns that a mapped page is in use, in both
 * modes of the refbit= parameter:
 * - pte: the accessed bits of the PTEs, tested and cleared by reclaim;
 * - unmap: the page is unmapped, and a use is a minor fault.
 *
 * A hot set that fits in memory is read through its mapping while a
 * stream eight times the size of shadow memory is written beside it. With
 * refbit=pte aging never unmaps the hot set; with refbit=unmap reclaim
 * keeps unmapping it, and each use after that is a minor fault counted as
 * caused by aging (pgfault_aging). Every page keeps
 * its contents either way. Writes through PTEs that stay mapped reach
 * nr_dirty by msync(MS_SYNC), in both modes.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module, /dev/vda a
 * scratch disk and shadowvm not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_aging.h"
#include "svm_test.h"

#define PG		((unsigned long)sysconf(_SC_PAGESIZE))
#define MEM_MB		8
/* The hot set: an eighth of shadow memory. */
#define HOT_PAGES	256UL
/*
 * The stream: eight times shadow memory, in chunks between hot passes:
 * long enough for reclaim to age the hot set many times over.
 */
#define STREAM_PAGES	(8UL * (MEM_MB << 20) / PG)
#define CHUNK_PAGES	128UL

static int stats(int fd, struct shadowvm_object_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(fd, SHADOWVM_IOC_GET_STATS, st);
}

/* Reads one word of every page: a use through the PTE. */
static void touch(const char *map, unsigned long pages)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		__atomic_load_n((const uint64_t *)(map + i * PG),
				__ATOMIC_RELAXED);
}

FIXTURE(refbit) {
	int kmsg;
};

FIXTURE_VARIANT(refbit) {
	const char *mode;
	int pte;
};

FIXTURE_VARIANT_ADD(refbit, pte) { "pte", 1 };

FIXTURE_VARIANT_ADD(refbit, unmap) { "unmap", 0 };

FIXTURE_SETUP(refbit)
{
	char params[128];

	ASSERT_FALSE(svm_loaded());
	snprintf(params, sizeof(params),
		 "mem=%dM swapdev=/dev/vda swapdev_format=1 refbit=%s",
		 MEM_MB, variant->mode);
	ASSERT_EQ(0, svm_load(params));
	self->kmsg = kmsg_open();
}

FIXTURE_TEARDOWN(refbit)
{
	int i;

	/* Writes still in flight keep their slots a moment. */
	for (i = 0; i < 500 && svm_swapinfo("slots_inuse"); i++)
		usleep(20000);
	EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
	EXPECT_EQ(0, svm_vmstat("nr_file_pages"));
	EXPECT_EQ(0, svm_unload());
	if (self->kmsg >= 0)
		close(self->kmsg);
}

TEST_F_TIMEOUT(refbit, hot_set_under_streaming, 900)
{
	struct svm_aging r;

	ASSERT_EQ(0, svm_aging_run(HOT_PAGES, STREAM_PAGES, CHUNK_PAGES, &r));
	ksft_print_msg("refbit=%s: %lu hot touches, hot faults %llu minor %llu major, pgfault_aging %lld (%.2f per 1000 touches), pgunmap %lld, pte_scanned %lld, pte_young %lld, hot pages mapped at the end %ld/%lu, %.2f s\n",
		       variant->mode, r.touches, r.hot_minor, r.hot_major,
		       r.aging, 1000.0 * r.aging / r.touches, r.unmapped,
		       r.pte_scanned, r.pte_young, r.hot_mapped, HOT_PAGES,
		       r.seconds);
	EXPECT_EQ(0, r.bad);
	/* The stream went through reclaim in both modes. */
	EXPECT_LT((long long)STREAM_PAGES / 2, r.unmapped);
	if (variant->pte) {
		EXPECT_LT(0, r.pte_scanned);
		EXPECT_LT(0, r.pte_young);
		/*
		 * A hot page is young at every look: aging never unmaps it.
		 * (Eviction still may, when reclaim at a low priority looks at
		 * it twice between two reads: r.hot_mapped is printed, not
		 * checked.)
		 */
		EXPECT_GE((long long)r.touches / 4000, r.aging);
	} else {
		EXPECT_EQ(0, r.pte_scanned);
		/* Aging unmaps hot pages, and their next use faults. */
		EXPECT_LE((long long)HOT_PAGES / 16, r.aging);
	}
}

/*
 * Pages first mapped by reads are clean; writes through their PTEs (no
 * fault: they are mapped writable) reach nr_dirty only when something
 * reads the PTEs' dirty bits: msync(MS_SYNC) does.
 */
TEST_F(refbit, msync_sees_pte_dirty)
{
	struct shadowvm_object_stats st0, st1;
	const unsigned long pages = 64, written = 16;
	long long dirty0, dirty1, dirty2, ptedirty0;
	unsigned long p;
	char *map;
	int fd;

	fd = svm_object_open(O_RDWR, 1, pages * PG);
	ASSERT_LE(0, fd);
	map = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	touch(map, pages);
	ASSERT_EQ(0, stats(fd, &st0));
	dirty0 = svm_vmstat("nr_dirty");
	ptedirty0 = svm_vmstat("pte_dirty");

	for (p = 0; p < written; p++)
		map[p * 4 * PG + 100] = (char)(p + 1);
	ASSERT_EQ(0, stats(fd, &st1));
	/* Written through the PTEs, without a fault. */
	EXPECT_EQ(st0.minor_faults + st0.major_faults,
		  st1.minor_faults + st1.major_faults);
	dirty1 = svm_vmstat("nr_dirty");
	EXPECT_EQ(dirty0, dirty1);

	ASSERT_EQ(0, msync(map, pages * PG, MS_SYNC));
	dirty2 = svm_vmstat("nr_dirty");
	EXPECT_EQ(dirty0 + (long long)written, dirty2);
	EXPECT_EQ(ptedirty0 + (long long)written, svm_vmstat("pte_dirty"));
	/* A second sync finds the same bits: nothing counted twice. */
	ASSERT_EQ(0, fsync(fd));
	EXPECT_EQ(dirty2, svm_vmstat("nr_dirty"));
	for (p = 0; p < written; p++)
		EXPECT_EQ((char)(p + 1), map[p * 4 * PG + 100]);
	munmap(map, pages * PG);
	close(fd);
}

TEST_HARNESS_MAIN
