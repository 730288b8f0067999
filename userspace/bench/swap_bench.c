// SPDX-License-Identifier: GPL-2.0
/*
 * swap_bench - swapping to a block device, shadowvm against the native
 * kernel in one boot.
 *
 * shadowvm: mem=16M with /dev/vda as its swap area; a private object of
 * 64 MiB (4x shadow memory). Native: a memfd of 64 MiB (shmem) written by
 * a process in a memory cgroup limited to 16 MiB, with native swap on
 * /dev/vdb, a disk identical to /dev/vda. Each side writes every page and
 * then reads every page back (checking it), in order (swap_seq) or in a
 * scattered order (swap_rand). Reported: MiB_per_s of the write-then-read
 * pass (128 MiB moved through the page cache), the ratio shadow/native,
 * and shadowvm's read-ahead hit rate.
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

static unsigned long order(unsigned long i, int random)
{
	/* PAGES is a power of two: an odd multiplier permutes the pages. */
	return random ? (i * 0x9e3779b1UL) % PAGES : i;
}

/* Seconds for the write pass and the read pass; -1 on a wrong page. */
static double pass(char *map, int random)
{
	double t0 = svm_now();
	unsigned long i, p;

	for (i = 0; i < PAGES; i++) {
		p = order(i, random);
		memset(map + p * 4096, (int)(p * 7 + 1), 4096);
	}
	for (i = 0; i < PAGES; i++) {
		p = order(i, random);
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

int main(void)
{
	static const char * const names[] = { "swap_seq", "swap_rand" };
	int random, ret;

	ret = native_setup();
	if (ret) {
		fprintf(stderr, "swap_bench: native swap setup failed: %d\n",
			ret);
		return 1;
	}
	if (svm_load("mem=16M swapdev=/dev/vda swapdev_format=1")) {
		fprintf(stderr, "swap_bench: cannot load shadowvm\n");
		return 1;
	}
	for (random = 0; random < 2; random++) {
		long long hits0 = swapinfo("readahead_hits");
		long long ra0 = swapinfo("readahead_pages");
		long long in0 = svm_vmstat("pswpin");
		double s = shadow_pass(random), n;
		long long hits = swapinfo("readahead_hits") - hits0;
		/* Reads a fault waited for: all reads but the read-ahead. */
		long long in = svm_vmstat("pswpin") - in0 -
			       (swapinfo("readahead_pages") - ra0);

		n = native_pass(random);
		if (s <= 0 || n <= 0) {
			fprintf(stderr, "swap_bench: %s failed (%f, %f)\n",
				names[random], s, n);
			ret = 1;
			continue;
		}
		svm_bench_report(names[random], 2.0 * SIZE / (1 << 20) / s,
				 2.0 * SIZE / (1 << 20) / n, "MiB_per_s");
		/* Swap-ins that found their page read ahead, of all. */
		printf("RA %s hits=%lld swapins=%lld hit_rate=%.1f%%\n",
		       names[random], hits, in + hits,
		       in + hits ? 100.0 * hits / (in + hits) : 0.0);
	}
	svm_unload();
	if (system("swapoff /dev/vdb"))
		ret = 1;
	return ret;
}
