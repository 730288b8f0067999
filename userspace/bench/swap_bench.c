// SPDX-License-Identifier: GPL-2.0
/*
 * swap_bench - swapping to a block device, shadowvm against the native
 * kernel in one boot.
 *
 * shadowvm: mem=16M with /dev/vda as its swap area; a private object of
 * 64 MiB (4x shadow memory). Native: a memfd of 64 MiB (shmem) written by
 * a process in a memory cgroup limited to 16 MiB, with native swap on
 * /dev/vdb, a disk identical to /dev/vda. Each side writes every page and
 * then reads every page back (checking it): in page order (swap_seq), or
 * in a seeded random order for the writes and another, independent one
 * for the reads (swap_rand), so that the reads do not retrace the order
 * the pages went to swap in.
 *
 * Both sides read ahead at most 2^PAGE_CLUSTER slots around a swap fault:
 * vm.page-cluster on the native side, page_cluster_max on shadowvm's. The
 * _adaptive line lets shadowvm's window grow to its own maximum, and the
 * _kswapd0 line runs shadowvm without kswapd, reclaiming in the faulting
 * task as the memory cgroup does. Every line: SVM_BENCH_MIN_REPS
 * repetitions, the side that runs first alternating, MiB_per_s of the
 * write-then-read pass (128 MiB moved), then a _per_cpu line: MiB per
 * second of busy guest CPU (all CPUs, from /proc/stat) over the pass, since
 * shadowvm's kswapd and I/O completion may run on the other vCPU.
 * RA lines give shadowvm's read-ahead hit rate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svm_test.h"

#define MEM_MB		16
#define SIZE		(4UL * MEM_MB << 20)
#define PAGES		(SIZE / 4096)
#define CGROUP		"/sys/fs/cgroup"
#define SWAPINFO	"/sys/kernel/debug/shadowvm/shadowvm/swapinfo"
#define PAGE_CLUSTER	3
#define REPS		SVM_BENCH_MIN_REPS
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The orders of the swap_rand passes: page numbers, one shuffle each. */
static unsigned long wr_order[PAGES], rd_order[PAGES], wr_pos[PAGES];

static unsigned long order(const unsigned long *perm, unsigned long i,
			   int random)
{
	return random ? perm[i] : i;
}

/* Seconds for the write pass and the read pass; -1 on a wrong page. */
static double pass(char *map, int random)
{
	double t0 = svm_now();
	unsigned long i, p;

	for (i = 0; i < PAGES; i++) {
		p = order(wr_order, i, random);
		memset(map + p * 4096, (int)(p * 7 + 1), 4096);
	}
	for (i = 0; i < PAGES; i++) {
		p = order(rd_order, i, random);
		if (map[p * 4096] != (char)(p * 7 + 1) ||
		    map[p * 4096 + 4095] != (char)(p * 7 + 1))
			return -1;
	}
	return svm_now() - t0;
}

static double shadow_pass(int random)
{
	int fd = svm_object_open(O_RDWR, 1, SIZE);
	double t;
	char *map;

	if (fd < 0)
		return -1;
	map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return -1;
	}
	t = pass(map, random);
	munmap(map, SIZE);
	close(fd);
	return t;
}

/* In a child inside the limited cgroup: the time, through a pipe. */
static double native_pass(int random)
{
	int pfd[2], status;
	double t = -1;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		char buf[32];
		int fd;
		char *map;

		snprintf(buf, sizeof(buf), "%d", getpid());
		if (write_file(CGROUP "/svmbench/cgroup.procs", buf))
			_exit(1);
		fd = memfd_create("swap_bench", 0);
		if (fd < 0 || ftruncate(fd, SIZE))
			_exit(1);
		map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			   0);
		if (map == MAP_FAILED)
			_exit(1);
		t = pass(map, random);
		if (write(pfd[1], &t, sizeof(t)) != sizeof(t))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &t, sizeof(t)) != sizeof(t))
		t = -1;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return t;
}

static int native_setup(void)
{
	char limit[32];

	mkdir(CGROUP, 0755);
	if (mount("cgroup2", CGROUP, "cgroup2", 0, NULL) && errno != EBUSY)
		return -errno;
	if (write_file(CGROUP "/cgroup.subtree_control", "+memory"))
		return -EIO;
	mkdir(CGROUP "/svmbench", 0755);
	snprintf(limit, sizeof(limit), "%d", MEM_MB << 20);
	if (write_file(CGROUP "/svmbench/memory.max", limit))
		return -EIO;
	if (system("mkswap /dev/vdb >/dev/null && swapon /dev/vdb"))
		return -EIO;
	return 0;
}

static long long swapinfo(const char *key)
{
	static char buf[4096];

	if (read_file(SWAPINFO, buf, sizeof(buf)) < 0)
		return -1;
	return spaced_value(buf, key);
}

/*
 * Draws the two orders of swap_rand. Returns the reads that go to the
 * page written just before or after the previous read's page: ~2 in a
 * random order, every read when the reads retrace the writes.
 */
static unsigned long draw_orders(unsigned long long seed)
{
	unsigned long long state = seed;
	unsigned long i, adjacent = 0;
	long d;

	svm_shuffle(wr_order, PAGES, &state);
	svm_shuffle(rd_order, PAGES, &state);
	for (i = 0; i < PAGES; i++)
		wr_pos[wr_order[i]] = i;
	for (i = 1; i < PAGES; i++) {
		d = (long)wr_pos[rd_order[i]] - (long)wr_pos[rd_order[i - 1]];
		adjacent += d == 1 || d == -1;
	}
	return adjacent;
}

/* One rep of one side: MiB_per_s, and MiB per busy CPU-second in @cpu. */
static double measure(int shadow, int random, double *cpu)
{
	double c0 = svm_cpu_busy(), t, c;

	t = shadow ? shadow_pass(random) : native_pass(random);
	c = svm_cpu_busy() - c0;
	if (t <= 0 || c0 < 0 || c <= 0)
		return -1;
	*cpu = 2.0 * SIZE / (1 << 20) / c;
	return 2.0 * SIZE / (1 << 20) / t;
}

/* One line (and its _per_cpu line) of @reps alternating repetitions. */
static int line(const char *name, int random)
{
	double s[REPS], n[REPS], scpu[REPS], ncpu[REPS];
	long long hits0 = swapinfo("readahead_hits");
	long long ra0 = swapinfo("readahead_pages");
	long long in0 = svm_vmstat("pswpin");
	long long hits, in;
	char cpu_name[64];
	int r;

	for (r = 0; r < REPS; r++) {
		if (r % 2) {
			n[r] = measure(0, random, &ncpu[r]);
			s[r] = measure(1, random, &scpu[r]);
		} else {
			s[r] = measure(1, random, &scpu[r]);
			n[r] = measure(0, random, &ncpu[r]);
		}
		if (s[r] <= 0 || n[r] <= 0) {
			fprintf(stderr, "swap_bench: %s failed (%f, %f)\n",
				name, s[r], n[r]);
			return -1;
		}
	}
	snprintf(cpu_name, sizeof(cpu_name), "%s_per_cpu", name);
	if (svm_bench_report(name, s, n, REPS, "MiB_per_s") ||
	    svm_bench_report(cpu_name, scpu, ncpu, REPS, "MiB_per_cpu_s"))
		return -1;
	hits = swapinfo("readahead_hits") - hits0;
	/* Reads a fault waited for: all reads but the read-ahead. */
	in = svm_vmstat("pswpin") - in0 - (swapinfo("readahead_pages") - ra0);
	/* Swap-ins that found their page read ahead, of all. */
	printf("RA %s hits=%lld swapins=%lld hit_rate=%.1f%% window=%lld\n",
	       name, hits, in + hits, in + hits ? 100.0 * hits / (in + hits) : 0.0,
	       swapinfo("readahead_window"));
	return 0;
}

/*
 * shadowvm's configurations: page_cluster_max=PAGE_CLUSTER (the native
 * maximum) for the headline lines, then its own adaptive window, then no
 * kswapd. @cap: the read-ahead window may not exceed 2^PAGE_CLUSTER.
 */
static const struct {
	const char *params, *name;
	int random, cap;
} configs[] = {
	{ "page_cluster=3 page_cluster_max=3", "swap_seq", 0, 1 },
	{ NULL, "swap_rand", 1, 1 },
	{ "page_cluster=3", "swap_seq_adaptive", 0, 0 },
	{ "page_cluster=3 page_cluster_max=3 kswapd=0", "swap_seq_kswapd0", 0, 1 },
};

int main(void)
{
	unsigned long long seed = svm_bench_seed();
	unsigned long adjacent;
	char params[160];
	unsigned int c;
	int ret;

	adjacent = draw_orders(seed);
	printf("ORDER swap_rand seed=%llu adjacent_reads=%lu/%lu\n", seed,
	       adjacent, PAGES - 1);
	/* A random read order has ~2; 1 % would mean the reads follow the writes. */
	if (adjacent > PAGES / 100) {
		fprintf(stderr, "swap_bench: the read order follows the write order\n");
		return 1;
	}
	ret = native_setup();
	if (ret) {
		fprintf(stderr, "swap_bench: native swap setup failed: %d\n",
			ret);
		return 1;
	}
	/* Native read-ahead reads at most 2^page-cluster slots. */
	snprintf(params, sizeof(params), "%d", PAGE_CLUSTER);
	if (write_file("/proc/sys/vm/page-cluster", params)) {
		fprintf(stderr, "swap_bench: cannot set vm.page-cluster\n");
		return 1;
	}
	for (c = 0; c < ARRAY_SIZE(configs); c++) {
		long long win;

		if (configs[c].params) {
			if (c && svm_unload())
				ret = 1;
			snprintf(params, sizeof(params),
				 "mem=%dM swapdev=/dev/vda swapdev_format=1 %s",
				 MEM_MB, configs[c].params);
			if (svm_load(params)) {
				fprintf(stderr, "swap_bench: cannot load shadowvm %s\n",
					params);
				return 1;
			}
		}
		if (line(configs[c].name, configs[c].random)) {
			ret = 1;
			continue;
		}
		win = swapinfo("readahead_window");
		if (configs[c].cap && (win <= 0 || win > 1 << PAGE_CLUSTER)) {
			fprintf(stderr, "swap_bench: %s: read-ahead window %lld above the native %d\n",
				configs[c].name, win, 1 << PAGE_CLUSTER);
			ret = 1;
		}
	}
	svm_unload();
	if (system("swapoff /dev/vdb"))
		ret = 1;
	return ret;
}
