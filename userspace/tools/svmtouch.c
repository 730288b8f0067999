// SPDX-License-Identifier: GPL-2.0
/*
 * svmtouch - a small, commented tour of /dev/shadowvm for a first program.
 *
 * usage: svmtouch [MiB]    (default 16)
 *
 * Sizes the default object, maps it shared, writes one word per page (each
 * first touch is a page fault served by shadowvm: a shadow page is taken
 * from the buddy allocator, zeroed through kmap, put in the object's page
 * cache and mapped), reads everything back, and prints the object's
 * statistics from SHADOWVM_IOC_GET_STATS. With a swap device, an object
 * larger than shadow memory works too: reclaim writes the pages that do
 * not fit to swap and faults read them back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/shadowvm.h>

static void print_stats(int fd, const char *when)
{
	struct shadowvm_object_stats st;

	if (ioctl(fd, SHADOWVM_IOC_GET_STATS, &st)) {
		perror("svmtouch: GET_STATS");
		exit(1);
	}
	printf("%-14s size=%llu KiB resident=%llu swapped=%llu dirty=%llu major=%llu minor=%llu write=%llu sigbus=%llu\n",
	       when, (unsigned long long)st.size / 1024,
	       (unsigned long long)st.resident_pages,
	       (unsigned long long)st.swapped_pages,
	       (unsigned long long)st.dirty_pages,
	       (unsigned long long)st.major_faults,
	       (unsigned long long)st.minor_faults,
	       (unsigned long long)st.write_faults,
	       (unsigned long long)st.sigbus_faults);
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 16;
	long page = sysconf(_SC_PAGESIZE);
	__u64 size = (__u64)mib << 20;
	unsigned long i, bad = 0;
	uint64_t *p;
	int fd;

	/* Every open() of the device sees the same default object. */
	fd = open("/dev/shadowvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("svmtouch: /dev/shadowvm");
		return 1;
	}
	/* Like ftruncate() on a file: the object is now @size bytes long. */
	if (ioctl(fd, SHADOWVM_IOC_SET_SIZE, &size)) {
		perror("svmtouch: SET_SIZE");
		return 1;
	}
	print_stats(fd, "sized:");

	/* Only MAP_SHARED: private copies would live outside shadow memory. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("svmtouch: mmap");
		return 1;
	}

	/* First touch of each page: a fault that allocates and maps it. */
	for (i = 0; i < size / page; i++)
		p[i * page / sizeof(*p)] = i;
	print_stats(fd, "after writes:");

	/*
	 * Drop the page tables; the pages stay in the page cache, or on the
	 * swap device when the object is larger than shadow memory.
	 */
	madvise(p, size, MADV_DONTNEED);
	for (i = 0; i < size / page; i++)
		bad += p[i * page / sizeof(*p)] != i;
	print_stats(fd, "after reread:");
	printf("%lu pages checked, %lu wrong\n", (unsigned long)(size / page),
	       bad);

	munmap(p, size);
	close(fd);
	return bad ? 1 : 0;
}
