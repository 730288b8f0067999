// SPDX-License-Identifier: GPL-2.0
/*
 * What include/shadowvm/compat.h gives on every kernel, seen from
 * userspace: the buddy orders (6.1's MAX_ORDER is one past the largest
 * order, 6.12's MAX_PAGE_ORDER is the largest), splice() and sendfile()
 * from /dev/shadowvm (copy_splice_read() on 6.12,
 * generic_file_splice_read() on 6.1), and the swap device held
 * exclusively (bdev_file_open_by_path() on 6.12, an O_EXCL open on 6.1).
 *
 * Run as root in a guest, with $SHADOWVM_KO naming the module (default
 * /guest/shadowvm.ko) and shadowvm not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define DEV		"/dev/shadowvm"
#define SWAPDEV		"/dev/vda"
/* x86-64's largest buddy order, on 6.1 as on 6.12. */
#define LARGEST_ORDER	10
#define PATTERN_BYTES	(64 * 1024 + 123)

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + seed + (i >> 12));
}

FIXTURE(compat) {
	char buf[4096];
};

FIXTURE_SETUP(compat)
{
}

FIXTURE_TEARDOWN(compat)
{
	if (svm_loaded())
		svm_unload();
}

/*
 * The default max_order is the kernel's largest order, and meminfo has one
 * ChunksByOrder column per order: 0-10, 11 of them. Taking 6.1's MAX_ORDER
 * (11) for the largest order would show 11 and 12.
 */
TEST_F(compat, max_order)
{
	char *p;
	int cols = 0;

	ASSERT_EQ(0, svm_load("mem=8M"));
	ASSERT_LT(0, read_file(SVM_MEMINFO_FILE, self->buf, sizeof(self->buf)));
	EXPECT_EQ(LARGEST_ORDER, keyed_value(self->buf, "MaxOrder"));
	p = strstr(self->buf, "ChunksByOrder:");
	ASSERT_NE(NULL, p);
	p += strlen("ChunksByOrder:");
	while (*p && *p != '\n') {
		char *end;

		strtoul(p, &end, 10);
		if (end == p)
			break;
		cols++;
		p = end;
	}
	EXPECT_EQ(LARGEST_ORDER + 1, cols);
	ASSERT_EQ(0, svm_unload());

	/* The largest order is a valid max_order=, one more is not. */
	EXPECT_EQ(0, svm_load("mem=8M max_order=10"));
	ASSERT_EQ(0, svm_unload());
	EXPECT_EQ(-EINVAL, svm_load("mem=8M max_order=11"));
}

/* splice() and sendfile() read the default object as read() does. */
TEST_F(compat, splice_read)
{
	unsigned char *want = malloc(PATTERN_BYTES);
	unsigned char *got = malloc(PATTERN_BYTES);
	size_t done = 0;
	loff_t off = 0;
	int fd, out, p[2];
	ssize_t n;

	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, got);
	fill(want, PATTERN_BYTES, 7);
	ASSERT_EQ(0, svm_load("mem=8M"));
	fd = open(DEV, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(PATTERN_BYTES, pwrite(fd, want, PATTERN_BYTES, 0));

	/* Through a pipe, a piece at a time (a pipe holds 64 KiB). */
	ASSERT_EQ(0, pipe(p));
	while (done < PATTERN_BYTES) {
		n = splice(fd, &off, p[1], NULL, PATTERN_BYTES - done, 0);
		ASSERT_LT(0, n) TH_LOG("splice at %zu: %s", done, strerror(errno));
		ASSERT_EQ(n, read(p[0], got + done, n));
		done += n;
	}
	EXPECT_EQ(PATTERN_BYTES, off);
	EXPECT_EQ(0, memcmp(want, got, PATTERN_BYTES));
	close(p[0]);
	close(p[1]);

	/* sendfile() to a regular file goes through splice_read too. */
	out = open("/tmp/compat_sendfile", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, out);
	off = 0;
	done = 0;
	while (done < PATTERN_BYTES) {
		n = sendfile(out, fd, &off, PATTERN_BYTES - done);
		ASSERT_LT(0, n) TH_LOG("sendfile at %zu: %s", done,
				       strerror(errno));
		done += n;
	}
	memset(got, 0, PATTERN_BYTES);
	EXPECT_EQ(PATTERN_BYTES, pread(out, got, PATTERN_BYTES, 0));
	EXPECT_EQ(0, memcmp(want, got, PATTERN_BYTES));
	close(out);
	unlink("/tmp/compat_sendfile");
	close(fd);
	free(want);
	free(got);
}

/*
 * swapdev= claims the device for shadowvm alone: an exclusive open by
 * anyone else fails with EBUSY until the module lets it go.
 */
TEST_F(compat, swapdev_exclusive)
{
	int fd;

	ASSERT_EQ(0, svm_load("mem=4M swapdev=" SWAPDEV " swapdev_format=1"));
	fd = open(SWAPDEV, O_RDWR | O_EXCL);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EBUSY, errno);
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, svm_unload());

	fd = open(SWAPDEV, O_RDWR | O_EXCL);
	EXPECT_LE(0, fd) TH_LOG("after unload: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

TEST_HARNESS_MAIN
