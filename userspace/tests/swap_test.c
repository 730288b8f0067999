// SPDX-License-Identifier: GPL-2.0
/*
 * swap_test - /dev/shadowvm objects several times larger than shadow
 * memory: every byte survives reclaim, swap-out and swap-in.
 *
 * The module is loaded with mem=2M and the guest's scratch disk as swap.
 * Each page holds a pattern derived from (object, page, generation), so a
 * page that comes back from the wrong slot, stale or torn is caught.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define MEM_MB		2
/* Seconds a test may take: the debug kernel under TCG is slow. */
#define TIMEOUT		600
#define PAGE		((unsigned long)sysconf(_SC_PAGESIZE))
#define SWAPINFO	"/sys/kernel/debug/shadowvm/shadowvm/swapinfo"

static void fill(char *map, uint64_t first, uint64_t pages, uint64_t seed,
		 uint64_t gen)
{
	uint64_t p;

	for (p = first; p < first + pages; p++)
		svm_fill_page(map + p * PAGE, p, seed, gen);
}

static long check_page(const char *map, uint64_t p, uint64_t seed,
		       uint64_t gen)
{
	return svm_check_page(map + p * PAGE, p, seed, gen);
}

/*
 * Mismatching pages of [first, first + pages), in order or shuffled:
 * @pages is a power of two, so multiplying by an odd number modulo it
 * visits every page once, in a scattered order.
 */
static long verify(const char *map, uint64_t first, uint64_t pages,
		   uint64_t seed, uint64_t gen, int random)
{
	uint64_t i, mult = random ? 0x9e3779b1ULL : 1;
	long bad = 0;

	for (i = 0; i < pages; i++)
		bad += check_page(map, first + (i * mult) % pages, seed, gen);
	return bad;
}

static long long swapinfo(const char *key)
{
	static char buf[4096];

	if (read_file(SWAPINFO, buf, sizeof(buf)) < 0)
		return -1;
	return spaced_value(buf, key);
}

/*
 * Reclaim finishes asynchronously: completed writes are reaped by a work
 * item, and a swap-cache page reclaim had isolated when its object went
 * away is freed when reclaim puts it down. Wait (10 s at most: work items
 * run late on a loaded TCG guest) for slots and the swap cache to drain
 * before checking them.
 */
static void settle(void)
{
	int i;

	for (i = 0; i < 500 && (swapinfo("writes_inflight") ||
				swapinfo("written_unreaped") ||
				swapinfo("slots_inuse") ||
				swapinfo("swap_cache_pages")); i++)
		usleep(20000);
}

/* Load shadowvm with MEM_MB of memory, /dev/vda freshly formatted as swap. */
static int load_with_swap(const char *extra)
{
	char params[160];

	snprintf(params, sizeof(params),
		 "mem=%dM swapdev=/dev/vda swapdev_format=1 %s", MEM_MB, extra);
	return svm_load(params);
}

/* Shadow pages allocated and not freed, counted from the vmstat totals. */
static long long outstanding(void)
{
	return svm_vmstat("pgalloc_dma") + svm_vmstat("pgalloc_normal") +
	       svm_vmstat("pgalloc_high") - svm_vmstat("pgfree");
}

FIXTURE(swap) {
	unsigned long long size;
	long long outstanding;
};

FIXTURE_SETUP(swap)
{
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, load_with_swap(""));
	self->size = 4ULL * MEM_MB << 20;
	self->outstanding = outstanding();
	ASSERT_EQ(0, swapinfo("slots_inuse"));
}

FIXTURE_TEARDOWN(swap)
{
	settle();
	/* Every object is closed: no slot, no page may be left behind. */
	EXPECT_EQ(0, swapinfo("slots_inuse"));
	EXPECT_EQ(0, swapinfo("swap_cache_pages"));
	EXPECT_EQ(0, svm_vmstat("nr_file_pages"));
	EXPECT_EQ(self->outstanding, outstanding());
	EXPECT_EQ(0, svm_unload());
}

static char *map_object(int fd, unsigned long long size)
{
	char *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return map == MAP_FAILED ? NULL : map;
}

/* 4x shadow memory written once, read back in order and shuffled. */
TEST_F_TIMEOUT(swap, four_times_memory, TIMEOUT)
{
	uint64_t pages = self->size / PAGE;
	struct shadowvm_object_stats st;
	int fd = svm_object_open(O_RDWR, 1, self->size);
	char *map;

	ASSERT_GE(fd, 0);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 1, 1);
	ASSERT_EQ(0, ioctl(fd, SHADOWVM_IOC_GET_STATS, &st));
	/* Most of it cannot be in memory: it is on the swap device. */
	EXPECT_GT(st.swapped_pages, pages / 2);
	EXPECT_LT(st.resident_pages, pages / 4);
	EXPECT_GT(swapinfo("slots_inuse"), pages / 2);
	EXPECT_EQ(0, verify(map, 0, pages, 1, 1, 0));
	EXPECT_EQ(0, verify(map, 0, pages, 1, 1, 1));
	ASSERT_EQ(0, ioctl(fd, SHADOWVM_IOC_GET_STATS, &st));
	EXPECT_GT(st.major_faults, pages);
	EXPECT_GT(svm_vmstat("pswpout"), pages / 2);
	EXPECT_GT(svm_vmstat("pswpin"), pages / 2);
	EXPECT_GT(svm_vmstat("pgsteal_direct") + svm_vmstat("pgsteal_kswapd"),
		  pages / 2);
	EXPECT_GT(svm_vmstat("kswapd_wake"), 0);
	EXPECT_GT(svm_vmstat("pgscan_kswapd"), 0);
	EXPECT_GT(swapinfo("readahead_hits"), 0);
	EXPECT_EQ(0, swapinfo("io_errors"));
	munmap(map, self->size);
	close(fd);
}

/*
 * /proc/PID/mem (what gdb reads a process with) reads pages that are on
 * the swap device through the mapping's ->access, and writes land in the
 * object: the mapping and read() see them.
 */
TEST_F_TIMEOUT(swap, proc_mem_swapped, TIMEOUT)
{
	uint64_t pages = self->size / PAGE, p;
	struct shadowvm_object_stats st;
	int fd = svm_object_open(O_RDWR, 1, self->size);
	char *map, *buf = malloc(PAGE);
	long bad = 0;
	int memfd;

	ASSERT_GE(fd, 0);
	ASSERT_NE(NULL, buf);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 5, 1);
	ASSERT_EQ(0, ioctl(fd, SHADOWVM_IOC_GET_STATS, &st));
	EXPECT_GT(st.swapped_pages, pages / 2);
	memfd = open("/proc/self/mem", O_RDWR);
	ASSERT_GE(memfd, 0);
	for (p = 0; p < pages; p++) {
		if (pread(memfd, buf, PAGE, (off_t)(uintptr_t)(map + p * PAGE)) !=
		    (ssize_t)PAGE) {
			bad++;
			continue;
		}
		bad += svm_check_page(buf, p, 5, 1);
	}
	EXPECT_EQ(0, bad);
	/* Rewrite the first quarter through /proc/self/mem. */
	for (p = 0; p < pages / 4; p++) {
		svm_fill_page(buf, p, 5, 2);
		bad += pwrite(memfd, buf, PAGE,
			      (off_t)(uintptr_t)(map + p * PAGE)) != (ssize_t)PAGE;
	}
	EXPECT_EQ(0, bad);
	close(memfd);
	EXPECT_EQ(0, verify(map, 0, pages / 4, 5, 2, 1));
	EXPECT_EQ(0, verify(map, pages / 4, pages - pages / 4, 5, 1, 0));
	ASSERT_EQ((ssize_t)PAGE, pread(fd, buf, PAGE, 0));
	EXPECT_EQ(0, svm_check_page(buf, 0, 5, 2));
	free(buf);
	munmap(map, self->size);
	close(fd);
}

/*
 * The read-ahead window follows its use: a sequential reader keeps it
 * open (most of its swap-ins find their page read ahead), a reader in a
 * seeded random order brings it below its starting 8 slots, so that it
 * does not read what nobody uses.
 */
TEST_F_TIMEOUT(swap, readahead_adapts, TIMEOUT)
{
	uint64_t pages = self->size / PAGE, i, j, t, *order;
	unsigned int seed = 20261130;
	int fd = svm_object_open(O_RDWR, 1, self->size);
	long long hits, in;
	long bad = 0;
	char *map;

	ASSERT_GE(fd, 0);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 3, 1);
	hits = swapinfo("readahead_hits");
	in = svm_vmstat("pswpin") - swapinfo("readahead_pages");
	EXPECT_EQ(0, verify(map, 0, pages, 3, 1, 0));
	/*
	 * Most swap-ins of the sequential pass find their page read ahead;
	 * the window is judged over the pass, not at its last fault, where
	 * a read-ahead page reclaim took before its use halves it.
	 */
	hits = swapinfo("readahead_hits") - hits;
	in = svm_vmstat("pswpin") - swapinfo("readahead_pages") - in;
	EXPECT_LE(in + hits, 2 * hits) TH_LOG("hits %lld, waited for %lld", hits, in);
	EXPECT_GE(swapinfo("readahead_window"), 2);
	/* Out again, then read back in a Fisher-Yates order. */
	fill(map, 0, pages, 3, 2);
	order = malloc(pages * sizeof(*order));
	ASSERT_NE(NULL, order);
	for (i = 0; i < pages; i++)
		order[i] = i;
	for (i = pages - 1; i > 0; i--) {
		j = rand_r(&seed) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < pages; i++)
		bad += check_page(map, order[i], 3, 2);
	EXPECT_EQ(0, bad);
	EXPECT_LT(swapinfo("readahead_window"), 8);
	free(order);
	munmap(map, self->size);
	close(fd);
}

/* A page written again after it was swapped out goes out with the new data. */
TEST_F_TIMEOUT(swap, rewrite_after_swap, TIMEOUT)
{
	uint64_t pages = self->size / PAGE;
	int fd = svm_object_open(O_RDWR, 1, self->size);
	long long out;
	char *map;

	ASSERT_GE(fd, 0);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 2, 1);
	out = svm_vmstat("pswpout");
	fill(map, 0, pages, 2, 2);
	EXPECT_GT(svm_vmstat("pswpout") - out, pages / 2);
	EXPECT_EQ(0, verify(map, 0, pages, 2, 2, 0));
	EXPECT_EQ(0, verify(map, 0, pages, 2, 2, 1));
	munmap(map, self->size);
	close(fd);
}

/* Unmapped, closed and reopened through another mapping: still there. */
TEST_F_TIMEOUT(swap, survives_unmap, TIMEOUT)
{
	uint64_t pages = self->size / PAGE;
	int fd = svm_object_open(O_RDWR, 1, self->size);
	char *map;

	ASSERT_GE(fd, 0);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 3, 1);
	munmap(map, self->size);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	EXPECT_EQ(0, verify(map, 0, pages, 3, 1, 1));
	munmap(map, self->size);
	close(fd);
}

struct worker {
	char *map;
	uint64_t first, pages, seed;
	long bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	fill(w->map, w->first, w->pages, w->seed, 1);
	w->bad = verify(w->map, w->first, w->pages, w->seed, 1, 0) +
		 verify(w->map, w->first, w->pages, w->seed, 1, 1);
	return NULL;
}

/* Two processes, each on its own object of 2x shadow memory. */
TEST_F_TIMEOUT(swap, two_processes_separate, TIMEOUT)
{
	unsigned long long size = self->size / 2;
	int i, status;
	pid_t pid[2];

	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (!pid[i]) {
			int fd = svm_object_open(O_RDWR, 1, size);
			struct worker w = { .first = 0, .pages = size / PAGE,
					    .seed = 10 + i };

			if (fd < 0)
				_exit(2);
			w.map = map_object(fd, size);
			if (!w.map)
				_exit(3);
			work(&w);
			_exit(w.bad ? 1 : 0);
		}
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

/* Two processes on halves of one shared object; the parent checks all. */
TEST_F_TIMEOUT(swap, two_processes_shared, TIMEOUT)
{
	uint64_t pages = self->size / PAGE;
	int fd = svm_object_open(O_RDWR, 1, self->size);
	int i, status;
	pid_t pid[2];
	char *map;

	ASSERT_GE(fd, 0);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (!pid[i]) {
			struct worker w = { map, i * pages / 2, pages / 2, 20, 0 };

			work(&w);
			_exit(w.bad ? 1 : 0);
		}
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	EXPECT_EQ(0, verify(map, 0, pages, 20, 1, 1));
	munmap(map, self->size);
	close(fd);
}

/* Two threads: on separate objects, then on halves of one object. */
TEST_F_TIMEOUT(swap, two_threads, TIMEOUT)
{
	uint64_t pages = self->size / PAGE;
	struct worker w[2];
	pthread_t t[2];
	int fd[2], i;

	for (i = 0; i < 2; i++) {
		fd[i] = svm_object_open(O_RDWR, 1, self->size / 2);
		ASSERT_GE(fd[i], 0);
		w[i] = (struct worker){ map_object(fd[i], self->size / 2), 0,
					pages / 2, 30 + i, 0 };
		ASSERT_NE(NULL, w[i].map);
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, work, &w[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, w[i].bad);
		munmap(w[i].map, self->size / 2);
		close(fd[i]);
	}

	fd[0] = svm_object_open(O_RDWR, 1, self->size);
	ASSERT_GE(fd[0], 0);
	for (i = 0; i < 2; i++)
		w[i] = (struct worker){ NULL, i * pages / 2, pages / 2, 40, 0 };
	w[0].map = w[1].map = map_object(fd[0], self->size);
	ASSERT_NE(NULL, w[0].map);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, work, &w[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, w[i].bad);
	}
	EXPECT_EQ(0, verify(w[0].map, 0, pages, 40, 1, 1));
	munmap(w[0].map, self->size);
	close(fd[0]);
}

/* Truncating an object with swapped pages frees their slots at once. */
TEST_F_TIMEOUT(swap, truncate_frees_slots, TIMEOUT)
{
	uint64_t pages = self->size / PAGE;
	int fd = svm_object_open(O_RDWR, 1, self->size);
	unsigned long long zero = 0;
	char *map;

	ASSERT_GE(fd, 0);
	map = map_object(fd, self->size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 5, 1);
	munmap(map, self->size);
	EXPECT_GT(swapinfo("slots_inuse"), pages / 2);
	ASSERT_EQ(0, ioctl(fd, SHADOWVM_IOC_SET_SIZE, &zero));
	settle();
	EXPECT_EQ(0, swapinfo("slots_inuse"));
	EXPECT_EQ(0, swapinfo("swap_cache_pages"));
	close(fd);
}

/*
 * Separate loads, outside the fixture: a device declared lowmem-only gets
 * HIGHMEM pages through bounce pages; a header listing bad pages keeps
 * them out of use.
 */
FIXTURE(alone) {
};

FIXTURE_SETUP(alone)
{
	ASSERT_FALSE(svm_loaded());
}

FIXTURE_TEARDOWN(alone)
{
	if (svm_loaded())
		svm_unload();
}

static long long highmem_stat(const char *key)
{
	static char buf[4096];

	if (read_file("/sys/kernel/debug/shadowvm/shadowvm/highmem", buf,
		      sizeof(buf)) < 0)
		return -1;
	return spaced_value(buf, key);
}

TEST_F_TIMEOUT(alone, lowmem_only_bounces, TIMEOUT)
{
	unsigned long long size = 2ULL * MEM_MB << 20;
	uint64_t pages = size / PAGE;
	char *map;
	int fd;

	ASSERT_EQ(0, load_with_swap("swapdev_lowmem=1"));
	fd = svm_object_open(O_RDWR, 1, size);
	ASSERT_GE(fd, 0);
	map = map_object(fd, size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 6, 1);
	EXPECT_EQ(0, verify(map, 0, pages, 6, 1, 1));
	/* HIGHMEM pages went out and came back through lowmem copies. */
	EXPECT_GT(highmem_stat("bounces"), 0);
	EXPECT_GT(svm_vmstat("pswpout"), 0);
	munmap(map, size);
	close(fd);
	settle();
	EXPECT_EQ(0, swapinfo("slots_inuse"));
	EXPECT_EQ(0, svm_unload());
}

/* The on-disk header mkswap writes (version 1), with bad pages. */
struct swap_header_v1 {
	char bootbits[1024];
	uint32_t version, last_page, nr_badpages;
	unsigned char uuid[16], volume[16];
	uint32_t padding[117];
	uint32_t badpages[4];
};

TEST_F_TIMEOUT(alone, bad_pages_skipped, TIMEOUT)
{
	char *page = calloc(1, PAGE), *map;
	struct swap_header_v1 *info = (struct swap_header_v1 *)page;
	uint32_t last = 4095;
	int fd;

	ASSERT_NE(NULL, page);
	info->version = 1;
	info->last_page = last;
	info->nr_badpages = 3;
	info->badpages[0] = 1;
	info->badpages[1] = 2;
	info->badpages[2] = 3000;
	memcpy(page + PAGE - 10, "SWAPSPACE2", 10);
	fd = open("/dev/vda", O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(PAGE, pwrite(fd, page, PAGE, 0));
	ASSERT_EQ(0, fsync(fd));
	close(fd);

	ASSERT_EQ(0, svm_load("mem=2M swapdev=/dev/vda"));
	EXPECT_EQ(3, swapinfo("bad_pages"));
	EXPECT_EQ(last - 3, swapinfo("slots"));
	/* 4x memory goes out: every usable slot but the bad ones. */
	fd = svm_object_open(O_RDWR, 1, 8ULL << 20);
	ASSERT_GE(fd, 0);
	map = map_object(fd, 8ULL << 20);
	ASSERT_NE(NULL, map);
	fill(map, 0, 2048, 7, 1);
	EXPECT_EQ(0, verify(map, 0, 2048, 7, 1, 0));
	munmap(map, 8ULL << 20);
	EXPECT_GT(swapinfo("slots_inuse"), 1024);
	close(fd);
	/* A header claiming more pages than the device has is refused. */
	ASSERT_EQ(0, svm_unload());
	info->last_page = 1U << 30;
	info->nr_badpages = 0;
	fd = open("/dev/vda", O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(PAGE, pwrite(fd, page, PAGE, 0));
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	free(page);
	EXPECT_EQ(-EINVAL, svm_load("mem=2M swapdev=/dev/vda"));
}

/*
 * A tool that knows nothing of shadowvm: open, mmap 4x shadow memory (the
 * mapping sizes the default object), write, verify; then read() and
 * write() reach the swapped-out pages too.
 */
TEST_F_TIMEOUT(alone, generic_client, TIMEOUT)
{
	unsigned long long size = 4ULL * MEM_MB << 20;
	uint64_t pages = size / PAGE, p;
	char *map, buf[PAGE];
	long bad = 0;
	int fd;

	ASSERT_EQ(0, load_with_swap(""));
	fd = open("/dev/shadowvm", O_RDWR);
	ASSERT_GE(fd, 0);
	map = map_object(fd, size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 8, 1);
	EXPECT_EQ(0, verify(map, 0, pages, 8, 1, 1));
	munmap(map, size);
	EXPECT_GT(swapinfo("slots_inuse"), pages / 2);

	/* read() of every page, most of them on swap. */
	for (p = 0; p < pages; p++) {
		ASSERT_EQ(PAGE, pread(fd, buf, PAGE, p * PAGE));
		bad += svm_check_page(buf, p, 8, 1);
	}
	EXPECT_EQ(0, bad);
	/* write() a new generation, read it back through a mapping. */
	for (p = 0; p < pages; p++) {
		svm_fill_page(buf, p, 8, 2);
		ASSERT_EQ(PAGE, pwrite(fd, buf, PAGE, p * PAGE));
	}
	map = map_object(fd, size);
	ASSERT_NE(NULL, map);
	EXPECT_EQ(0, verify(map, 0, pages, 8, 2, 0));
	munmap(map, size);
	close(fd);
	EXPECT_GT(svm_vmstat("pswpin"), pages / 2);
	EXPECT_EQ(0, svm_unload());
}

/*
 * Pages of a MAP_LOCKED mapping are never evicted while it lives: reclaim
 * moves them to the unevictable list; after munmap they go back to the
 * LRU and can be swapped like any other.
 */
TEST_F_TIMEOUT(alone, locked_mapping, TIMEOUT)
{
	unsigned long long lsize = (MEM_MB << 20) / 4, size = 4ULL * MEM_MB << 20;
	uint64_t lpages = lsize / PAGE, pages = size / PAGE;
	struct shadowvm_object_stats st;
	char *lmap, *map;
	int lfd, fd;

	ASSERT_EQ(0, load_with_swap(""));
	lfd = svm_object_open(O_RDWR, 1, lsize);
	ASSERT_GE(lfd, 0);
	lmap = mmap(NULL, lsize, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_LOCKED, lfd, 0);
	ASSERT_NE(MAP_FAILED, lmap);
	fill(lmap, 0, lpages, 9, 1);

	/* Pressure: another object 4x shadow memory, written twice. */
	fd = svm_object_open(O_RDWR, 1, size);
	ASSERT_GE(fd, 0);
	map = map_object(fd, size);
	ASSERT_NE(NULL, map);
	fill(map, 0, pages, 10, 1);
	fill(map, 0, pages, 10, 2);
	ASSERT_EQ(0, ioctl(lfd, SHADOWVM_IOC_GET_STATS, &st));
	EXPECT_EQ(0, st.swapped_pages);
	EXPECT_EQ(lpages, st.resident_pages);
	EXPECT_GT(svm_vmstat("unevictable_pgs_culled"), 0);
	EXPECT_GT(svm_vmstat("nr_unevictable"), 0);
	EXPECT_LE(svm_vmstat("nr_unevictable"), lpages);
	EXPECT_EQ(0, verify(lmap, 0, lpages, 9, 1, 0));

	/* Unlocked by munmap: back on the LRU, evicted under pressure. */
	munmap(lmap, lsize);
	EXPECT_EQ(0, svm_vmstat("nr_unevictable"));
	EXPECT_GT(svm_vmstat("unevictable_pgs_rescued"), 0);
	fill(map, 0, pages, 10, 3);
	ASSERT_EQ(0, ioctl(lfd, SHADOWVM_IOC_GET_STATS, &st));
	EXPECT_GT(st.swapped_pages, 0);
	lmap = map_object(lfd, lsize);
	ASSERT_NE(NULL, lmap);
	EXPECT_EQ(0, verify(lmap, 0, lpages, 9, 1, 1));
	EXPECT_EQ(0, verify(map, 0, pages, 10, 3, 0));
	munmap(lmap, lsize);
	munmap(map, size);
	close(lfd);
	close(fd);
	EXPECT_EQ(0, svm_unload());
}

TEST_HARNESS_MAIN
