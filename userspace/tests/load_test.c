// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading shadowvm: parameters, /dev/shadowvm, debugfs
 * meminfo, and every page given back on unload.
 *
 * Run as root in a guest, with $SHADOWVM_KO naming the module (default
 * /guest/shadowvm.ko) and shadowvm not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define DEV		"/dev/shadowvm"
#define MEMINFO		"/sys/kernel/debug/shadowvm/shadowvm/meminfo"

/* Every bad parameter: its errno, and the log line that names it. */
FIXTURE(bad_param) {
	int kmsg;
};

FIXTURE_VARIANT(bad_param) {
	const char *params;
	int err;
	const char *log;
};

FIXTURE_VARIANT_ADD(bad_param, zero) { "mem=0", EINVAL, "mem=0:" };

FIXTURE_VARIANT_ADD(bad_param, zero_k) { "mem=0K", EINVAL, "mem=0K:" };

FIXTURE_VARIANT_ADD(bad_param, empty) { "mem=", EINVAL, "mem=:" };

FIXTURE_VARIANT_ADD(bad_param, not_a_number) { "mem=lots", EINVAL, "mem=lots:" };

FIXTURE_VARIANT_ADD(bad_param, bad_suffix) { "mem=64MB", EINVAL, "mem=64MB:" };

FIXTURE_VARIANT_ADD(bad_param, negative) { "mem=-64M", EINVAL, "mem=-64M:" };

FIXTURE_VARIANT_ADD(bad_param, unaligned) { "mem=4097", EINVAL, "mem=4097:" };

FIXTURE_VARIANT_ADD(bad_param, overflow) {
	"mem=99999999999999999999G", EINVAL, "mem=99999999999999999999G:"
};

FIXTURE_VARIANT_ADD(bad_param, too_big) { "mem=1T", ENOMEM, "more than 3/4 of RAM" };

FIXTURE_VARIANT_ADD(bad_param, max_order) { "max_order=11", EINVAL, "max_order=11:" };

FIXTURE_VARIANT_ADD(bad_param, page_cluster) {
	"page_cluster=7", EINVAL, "page_cluster=7: must be 0-6"
};

FIXTURE_VARIANT_ADD(bad_param, dev_mode_exec) {
	"dev_mode=0777", EINVAL, "dev_mode=0777: expected read and write bits only"
};

FIXTURE_VARIANT_ADD(bad_param, dev_mode_zero) {
	"dev_mode=0", EINVAL, "dev_mode=0: expected read and write bits only"
};

FIXTURE_VARIANT_ADD(bad_param, policy) {
	"policy=lru", EINVAL, "policy=lru: expected one of 2.6"
};

FIXTURE_VARIANT_ADD(bad_param, refbit) {
	"refbit=young", EINVAL, "refbit=young: expected pte or unmap"
};

FIXTURE_VARIANT_ADD(bad_param, format_without_swapdev) {
	"swapdev_format=1", EINVAL, "need swapdev"
};

FIXTURE_VARIANT_ADD(bad_param, swapdev_relative) {
	"swapdev=vda", EINVAL, "swapdev=vda: expected an absolute path"
};

FIXTURE_VARIANT_ADD(bad_param, swapdev_missing) {
	"swapdev=/dev/nonexistent", ENOENT, "swapdev=/dev/nonexistent:"
};

FIXTURE_VARIANT_ADD(bad_param, swapdev_not_blk) {
	"swapdev=/dev/null", ENOTBLK, "swapdev=/dev/null:"
};

/*
 * Zone sizes that leave no NORMAL zone, or one too small to hold the bounce
 * pool above its high watermark: the module's kernel-side allocations
 * would fail.
 */
FIXTURE_VARIANT_ADD(bad_param, dma_and_highmem_only) {
	"mem=2M dma=1M highmem=1M", EINVAL, "the Normal zone has 0 pages"
};

FIXTURE_VARIANT_ADD(bad_param, highmem_only) {
	"mem=2M dma=0 highmem=2M", EINVAL, "the Normal zone has 0 pages"
};

FIXTURE_VARIANT_ADD(bad_param, dma_and_highmem_only_4m) {
	"mem=4M dma=2M highmem=2M", EINVAL, "the Normal zone has 0 pages"
};

FIXTURE_VARIANT_ADD(bad_param, normal_too_small) {
	"mem=512K", EINVAL, "the Normal zone has 45 pages above"
};

/* Instances whose watermarks leave a zone no usable page. */
FIXTURE_VARIANT_ADD(bad_param, one_page) {
	"mem=4096", EINVAL, "zone Normal of node 0 has 1 pages, not above its high watermark"
};

FIXTURE_VARIANT_ADD(bad_param, sixteen_pages) {
	"mem=64K", EINVAL, "zone DMA of node 0 has 1 pages, not above its high watermark"
};

FIXTURE_VARIANT_ADD(bad_param, min_free_kbytes_too_high) {
	"mem=1M min_free_kbytes=700", EINVAL, "not above its high watermark"
};

FIXTURE_SETUP(bad_param)
{
	ASSERT_FALSE(svm_loaded());
	self->kmsg = kmsg_open();
	ASSERT_GE(self->kmsg, 0);
}

FIXTURE_TEARDOWN(bad_param)
{
	close(self->kmsg);
	if (svm_loaded())
		svm_unload();
}

TEST_F(bad_param, refused)
{
	EXPECT_EQ(-variant->err, svm_load(variant->params));
	EXPECT_FALSE(svm_loaded());
	EXPECT_TRUE(kmsg_contains(self->kmsg, variant->log))
		TH_LOG("no log line with \"%s\"", variant->log);
}

/* Good sizes are taken exactly; debugfs and the ioctl agree with mem=. */
FIXTURE(good_param) {
};

FIXTURE_VARIANT(good_param) {
	const char *params;
	long long pages;
	int max_order;
};

/* The smallest instance with the default zones and watermarks. */
FIXTURE_VARIANT_ADD(good_param, smallest) { "mem=640K", 160, 10 };

FIXTURE_VARIANT_ADD(good_param, odd_kib) { "mem=1004K", 251, 10 };

FIXTURE_VARIANT_ADD(good_param, hex) { "mem=0x100000", 256, 10 };

FIXTURE_VARIANT_ADD(good_param, order0) { "mem=1M max_order=0", 256, 0 };

FIXTURE_VARIANT_ADD(good_param, order3) { "mem=3M max_order=3", 768, 3 };

FIXTURE_VARIANT_ADD(good_param, big) { "mem=256M", 65536, 10 };

FIXTURE_VARIANT_ADD(good_param, swapdev) {
	"mem=1M swapdev=/dev/vda swapdev_format=1", 256, 10
};

FIXTURE_SETUP(good_param)
{
	ASSERT_FALSE(svm_loaded());
}

FIXTURE_TEARDOWN(good_param)
{
	if (svm_loaded())
		svm_unload();
}

TEST_F(good_param, reserved)
{
	struct shadowvm_info info;
	char text[4096], *p;
	long long pages = 0, chunks = 0, n;
	int fd, order;

	ASSERT_EQ(0, svm_load(variant->params));
	ASSERT_GT(read_file(MEMINFO, text, sizeof(text)), 0);
	EXPECT_EQ(variant->pages, keyed_value(text, "ReservedPages"));
	EXPECT_EQ(variant->pages * 4, keyed_value(text, "ReservedKB"));
	EXPECT_EQ(variant->max_order, keyed_value(text, "MaxOrder"));

	/* The per-order table adds up to the pages and the chunk count. */
	p = strstr(text, "ChunksByOrder:");
	ASSERT_NE(NULL, p);
	p += strlen("ChunksByOrder:");
	for (order = 0; order <= 10; order++) {
		n = strtoll(p, &p, 10);
		if (order > variant->max_order)
			EXPECT_EQ(0, n);
		pages += n << order;
		chunks += n;
	}
	EXPECT_EQ(variant->pages, pages);
	EXPECT_EQ(keyed_value(text, "Chunks"), chunks);

	fd = open(DEV, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, SHADOWVM_IOC_GET_INFO, &info));
	EXPECT_EQ(SHADOWVM_ABI_VERSION, info.abi_version);
	EXPECT_EQ(getpagesize(), info.page_size);
	EXPECT_EQ(variant->pages, info.reserved_pages);
	EXPECT_EQ(chunks, info.nr_chunks);
	EXPECT_EQ(variant->max_order, info.max_order);
	close(fd);
	EXPECT_EQ(0, svm_unload());
}

/* The device node, the ioctls' errors, and rmmod while open. */
FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=32M"));
	self->fd = open(DEV, O_RDWR);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_EQ(0, svm_unload());
}

TEST_F(dev, node_mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	ASSERT_EQ(0, stat(MEMINFO, &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
}

TEST_F(dev, ioctl_errors)
{
	struct shadowvm_info info;

	EXPECT_EQ(-1, ioctl(self->fd, _IO(SHADOWVM_IOC_MAGIC, 0xaf)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOR('X', 0xa0, struct shadowvm_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_GET_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_GET_INFO, (void *)16));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, rmmod_refused_while_open)
{
	int fd2 = open(DEV, O_RDONLY);

	ASSERT_GE(fd2, 0);
	close(self->fd);
	self->fd = -1;
	/* One descriptor is still open: the module must stay. */
	EXPECT_EQ(-EWOULDBLOCK, svm_unload());
	EXPECT_TRUE(svm_loaded());
	EXPECT_EQ(0, access(DEV, F_OK));
	close(fd2);
}

/* Free memory drops by mem= while loaded and comes back after unload. */
TEST(memfree_returns)
{
	long base, loaded, after;
	const long mem_kb = 256 * 1024;
	int round;

	/*
	 * The first module load in a boot makes the kernel parse and keep its
	 * own BTF (tens of MiB): load once before taking the baseline. Then
	 * several rounds, so that a leak of even a few pages per load adds up.
	 */
	ASSERT_EQ(0, svm_load("mem=1M"));
	ASSERT_EQ(0, svm_unload());
	base = free_kb_within(0, LONG_MAX);
	ASSERT_GT(base, mem_kb);
	for (round = 0; round < 4; round++) {
		ASSERT_EQ(0, svm_load("mem=256M"));
		loaded = free_kb_within(0, base - mem_kb +
					   SVM_MEMFREE_TOLERANCE_KB);
		EXPECT_LE(loaded, base - mem_kb + SVM_MEMFREE_TOLERANCE_KB)
			TH_LOG("round %d: free %ld KiB loaded, %ld before",
			       round, loaded, base);
		ASSERT_EQ(0, svm_unload());
	}
	after = free_kb_within(base - SVM_MEMFREE_TOLERANCE_KB,
			       base + SVM_MEMFREE_TOLERANCE_KB);
	TH_LOG("free: %ld KiB before, %ld KiB after 4 rounds of 256M",
	       base, after);
	EXPECT_LE(labs(after - base), SVM_MEMFREE_TOLERANCE_KB);
}

/*
 * The smallest instance the defaults allow works: its pages fault in,
 * hold their data, and the swap bounce pool fits in its Normal zone.
 */
TEST(smallest_instance_works)
{
	const unsigned long pages = 32, pg = sysconf(_SC_PAGESIZE);
	unsigned long i, bad = 0;
	unsigned char *a;
	int fd;

	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=640K"));
	fd = svm_object_open(O_RDWR, 1, pages * pg);
	ASSERT_GE(fd, 0);
	a = mmap(NULL, pages * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	for (i = 0; i < pages; i++)
		EXPECT_EQ(0, access_signal(a + i * pg, 1));
	for (i = 0; i < pages; i++)
		a[i * pg + i] = (unsigned char)(i + 1);
	for (i = 0; i < pages; i++)
		bad += a[i * pg + i] != (unsigned char)(i + 1);
	EXPECT_EQ(0, bad);
	munmap(a, pages * pg);
	close(fd);
	ASSERT_EQ(0, svm_unload());
	ASSERT_EQ(0, svm_load("mem=640K swapdev=/dev/vda swapdev_format=1 swapdev_lowmem=1"));
	ASSERT_EQ(0, svm_unload());
}

#define FPA "/sys/kernel/debug/fail_page_alloc/"

/*
 * A swap device must carry a swap header: one without (zeroed here) is
 * refused with EINVAL and a line that says what to do; swapdev_format=1
 * writes one, after which a plain swapdev= load works.
 */
TEST(swapdev_header)
{
	const long pg = sysconf(_SC_PAGESIZE);
	char *zero = calloc(1, pg);
	int fd, kmsg;

	ASSERT_NE(NULL, zero);
	ASSERT_FALSE(svm_loaded());
	fd = open("/dev/vda", O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(pg, pwrite(fd, zero, pg, 0));
	free(zero);
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	kmsg = kmsg_open();
	ASSERT_GE(kmsg, 0);
	EXPECT_EQ(-EINVAL, svm_load("mem=1M swapdev=/dev/vda"));
	EXPECT_TRUE(kmsg_contains(kmsg, "no swap header"));
	close(kmsg);
	ASSERT_EQ(0, svm_load("mem=1M swapdev=/dev/vda swapdev_format=1"));
	ASSERT_EQ(0, svm_unload());
	ASSERT_EQ(0, svm_load("mem=1M swapdev=/dev/vda"));
	ASSERT_EQ(0, svm_unload());
}

/*
 * A reservation that fails half way (fault injection lets the first 8 MiB
 * through, then fails every page allocation of this task) must give back
 * what it had taken and fail the load with ENOMEM.
 */
/* /dev/shadowvm gets the permissions dev_mode= asks for, 0600 without. */
TEST(dev_mode)
{
	struct stat st;

	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=1M dev_mode=0660"));
	EXPECT_EQ(0, stat("/dev/shadowvm", &st));
	EXPECT_EQ(0660, st.st_mode & 07777);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0, svm_unload());
	ASSERT_EQ(0, svm_load("mem=1M"));
	EXPECT_EQ(0, stat("/dev/shadowvm", &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, svm_unload());
}

TEST(reservation_fails_midway)
{
	long base, after;
	int kmsg, status;
	pid_t pid;

	if (access(FPA "probability", W_OK))
		SKIP(return, "kernel without CONFIG_FAIL_PAGE_ALLOC");

	base = free_kb_within(0, LONG_MAX);
	kmsg = kmsg_open();
	ASSERT_EQ(0, write_file(FPA "task-filter", "Y"));
	ASSERT_EQ(0, write_file(FPA "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_file(FPA "ignore-gfp-highmem", "N"));
	ASSERT_EQ(0, write_file(FPA "min-order", "0"));
	ASSERT_EQ(0, write_file(FPA "verbose", "0"));
	ASSERT_EQ(0, write_file(FPA "interval", "1"));
	ASSERT_EQ(0, write_file(FPA "times", "-1"));
	/* fail_page_alloc counts its budget in pages, not bytes. */
	ASSERT_EQ(0, write_file(FPA "space", "2048"));
	ASSERT_EQ(0, write_file(FPA "probability", "100"));

	/*
	 * Only a child fails its allocations: once the budget is spent,
	 * any syscall needing a new page would fail, including the one
	 * that would turn failing off.
	 */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (write_file("/proc/self/make-it-fail", "1"))
			_exit(2);
		_exit(svm_load("mem=64M") == -ENOMEM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, write_file(FPA "probability", "0"));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (svm_loaded())
		svm_unload();
	EXPECT_FALSE(svm_loaded());
	EXPECT_TRUE(kmsg_contains(kmsg, "cannot reserve mem=64M"));
	after = free_kb_within(base - SVM_MEMFREE_TOLERANCE_KB,
			       base + SVM_MEMFREE_TOLERANCE_KB);
	TH_LOG("free: %ld KiB before, %ld KiB after", base, after);
	EXPECT_LE(labs(after - base), SVM_MEMFREE_TOLERANCE_KB);
	close(kmsg);
}

TEST_HARNESS_MAIN
