// SPDX-License-Identifier: GPL-2.0
/*
 * read/write/lseek of /dev/shadowvm: dd and cmp through the default object
 * across processes, write() seen by mappings and the reverse (also across
 * fork()), the size taken from mmap(), SEEK_DATA/SEEK_HOLE over a sparse
 * object, transfers at every offset modulo the page size, concurrent
 * pwrite(), truncation under a mapping, every errno, fstat(), the vmstat
 * counters and the tracepoints.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module and shadowvm
 * not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define DEV	"/dev/shadowvm"
#define PG	((unsigned long)sysconf(_SC_PAGESIZE))
#define MAX_SIZE	((off_t)1 << 44)	/* 2^32 pages */

/* Byte @i of a pattern that differs per page and per @seed. */
static unsigned char pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)((i * 7 + (i >> 12) * 13 + seed * 101) % 251 + 1);
}

static void fill(unsigned char *p, unsigned long len, unsigned long start,
		 unsigned int seed)
{
	unsigned long i;

	for (i = 0; i < len; i++)
		p[i] = pat(start + i, seed);
}

/* Bytes of @p that differ from the pattern. */
static unsigned long bad_bytes(const unsigned char *p, unsigned long len,
			       unsigned long start, unsigned int seed)
{
	unsigned long i, bad = 0;

	for (i = 0; i < len; i++)
		bad += p[i] != pat(start + i, seed);
	return bad;
}

static unsigned long count_byte(const unsigned char *p, unsigned long len,
				unsigned char c)
{
	unsigned long i, n = 0;

	for (i = 0; i < len; i++)
		n += p[i] == c;
	return n;
}

/* A user address that faults: a PROT_NONE page (@n: bytes into it). */
static void *bad_ptr(size_t n)
{
	static unsigned char *none;

	if (!none)
		none = mmap(NULL, 2 * PG, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return none == MAP_FAILED ? NULL : none + n;
}

static long long obj_size(int fd)
{
	unsigned long long size;

	return ioctl(fd, SHADOWVM_IOC_GET_SIZE, &size) ? -1 : (long long)size;
}

static long long resident(int fd)
{
	struct shadowvm_object_stats st;

	return ioctl(fd, SHADOWVM_IOC_GET_STATS, &st) ? -1 :
	       (long long)st.resident_pages;
}

static int set_size(int fd, unsigned long long size)
{
	return ioctl(fd, SHADOWVM_IOC_SET_SIZE, &size);
}

FIXTURE(rw) {
	int fd;
};

FIXTURE_SETUP(rw)
{
	if (svm_loaded())
		svm_unload();
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=16M"));
	self->fd = -1;
}

FIXTURE_TEARDOWN(rw)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_EQ(0, svm_vmstat("pgcache_leak"));
	EXPECT_EQ(0, svm_unload());
}

/*
 * dd into the default object, dd out of it in later processes, cmp; the
 * device node's st_size follows the default object, st_blocks stays 0.
 */
TEST_F(rw, dd_cmp)
{
	const unsigned long len = 300001;	/* not a page multiple */
	unsigned char *src = malloc(len);
	struct stat st;
	FILE *f;

	ASSERT_NE(NULL, src);
	fill(src, len, 0, 1);
	f = fopen("/tmp/rw_src", "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(len, fwrite(src, 1, len, f));
	ASSERT_EQ(0, fclose(f));
	free(src);

	ASSERT_EQ(0, system("dd if=/tmp/rw_src of=" DEV " bs=64k 2>/dev/null"));
	ASSERT_EQ(0, system("dd if=" DEV " of=/tmp/rw_out bs=4k 2>/dev/null"));
	EXPECT_EQ(0, system("cmp /tmp/rw_src /tmp/rw_out"));
	/* Odd block size, page-crossing reads; cat uses read() too. */
	ASSERT_EQ(0, system("dd if=" DEV " of=/tmp/rw_out bs=1000 2>/dev/null"));
	EXPECT_EQ(0, system("cmp /tmp/rw_src /tmp/rw_out"));
	ASSERT_EQ(0, system("cat " DEV " > /tmp/rw_out"));
	EXPECT_EQ(0, system("cmp /tmp/rw_src /tmp/rw_out"));

	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(len, st.st_size);
	EXPECT_EQ(0, st.st_blocks);
	self->fd = open(DEV, O_RDONLY);
	ASSERT_GE(self->fd, 0);
	EXPECT_EQ(len, obj_size(self->fd));
	EXPECT_EQ((long long)len, lseek(self->fd, 0, SEEK_END));
	/* A private object does not show in the node's st_size. */
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_NEW_OBJECT, 0));
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(len, st.st_size);
	unlink("/tmp/rw_src");
	unlink("/tmp/rw_out");
}

/* write() is seen through a mapping and the reverse, across fork() too. */
TEST_F(rw, write_mmap_coherent)
{
	const unsigned long len = 3 * PG + 100;
	unsigned char buf[4 * PG];
	unsigned char *a;
	int status;
	pid_t pid;

	/* No ioctl at all: the object sizes itself. */
	self->fd = open(DEV, O_RDWR);
	ASSERT_GE(self->fd, 0);
	fill(buf, len, 0, 2);
	ASSERT_EQ(len, pwrite(self->fd, buf, len, 0));
	EXPECT_EQ(len, obj_size(self->fd));
	a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	/* The mapping grew the never-sized object to cover it. */
	EXPECT_EQ(4 * PG, obj_size(self->fd));
	EXPECT_EQ(0, bad_bytes(a, len, 0, 2));
	EXPECT_EQ(PG - 100, count_byte(a + len, PG - 100, 0));

	/* Through the mapping, read back with read(). */
	fill(a, 4 * PG, 0, 3);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(4 * PG, pread(self->fd, buf, 4 * PG, 0));
	EXPECT_EQ(0, bad_bytes(buf, 4 * PG, 0, 3));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		/* The child writes with write() and with the mapping. */
		unsigned char c[PG];
		int fd = open(DEV, O_RDWR);

		fill(c, PG, PG, 4);
		if (fd < 0 || pwrite(fd, c, PG, PG) != PG)
			_exit(1);
		fill(a + 2 * PG, PG, 2 * PG, 5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, bad_bytes(a + PG, PG, PG, 4));
	ASSERT_EQ(PG, pread(self->fd, buf, PG, 2 * PG));
	EXPECT_EQ(0, bad_bytes(buf, PG, 2 * PG, 5));
	EXPECT_EQ(4, resident(self->fd));
	munmap(a, 4 * PG);
}

/* The size from mmap: grows only, not through O_RDONLY, not once set. */
TEST_F(rw, mmap_sizes_object)
{
	unsigned char *a, *b;
	struct stat st;
	int ro;

	self->fd = open(DEV, O_RDWR);
	ASSERT_GE(self->fd, 0);
	EXPECT_EQ(0, obj_size(self->fd));
	a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 2 * PG);
	ASSERT_NE(MAP_FAILED, a);
	EXPECT_EQ(10 * PG, obj_size(self->fd));
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(10 * PG, st.st_size);
	a[7 * PG] = 9;
	b = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, b);
	EXPECT_EQ(10 * PG, obj_size(self->fd));
	munmap(b, 2 * PG);

	/* A read-only descriptor does not grow it: SIGBUS past the size. */
	ro = open(DEV, O_RDONLY);
	ASSERT_GE(ro, 0);
	b = mmap(NULL, 12 * PG, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, b);
	EXPECT_EQ(10 * PG, obj_size(self->fd));
	EXPECT_EQ(9, b[9 * PG]);
	EXPECT_EQ(SIGBUS, access_signal(b + 10 * PG, 0));
	munmap(b, 12 * PG);
	close(ro);

	/* Set explicitly: mappings no longer grow it. */
	ASSERT_EQ(0, set_size(self->fd, 4 * PG));
	EXPECT_EQ(SIGBUS, access_signal(a + 2 * PG, 0));
	b = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, b);
	EXPECT_EQ(4 * PG, obj_size(self->fd));
	EXPECT_EQ(SIGBUS, access_signal(b + 4 * PG, 1));
	munmap(b, 8 * PG);
	/* Size 0 makes the object new again: the next mapping sizes it. */
	ASSERT_EQ(0, set_size(self->fd, 0));
	b = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, b);
	EXPECT_EQ(3 * PG, obj_size(self->fd));
	EXPECT_EQ(0, b[2 * PG]);
	munmap(b, 3 * PG);
	munmap(a, 8 * PG);
}

/* SEEK_DATA and SEEK_HOLE over a sparse object; holes read as zeros. */
TEST_F(rw, seek_hole_data)
{
	unsigned char buf[2 * PG];
	const off_t size = 9 * PG + 100;

	self->fd = svm_object_open(O_RDWR, 1, 0);
	ASSERT_GE(self->fd, 0);
	memset(buf, 0xab, sizeof(buf));
	ASSERT_EQ(1, pwrite(self->fd, buf, 1, 2 * PG + 10));
	ASSERT_EQ(2 * PG, pwrite(self->fd, buf, 2 * PG, 5 * PG));
	ASSERT_EQ(1, pwrite(self->fd, buf, 1, size - 1));
	EXPECT_EQ(size, obj_size(self->fd));
	EXPECT_EQ(4, resident(self->fd));

	EXPECT_EQ(2 * PG, lseek(self->fd, 0, SEEK_DATA));
	EXPECT_EQ(2 * PG + 5, lseek(self->fd, 2 * PG + 5, SEEK_DATA));
	EXPECT_EQ(0, lseek(self->fd, 0, SEEK_HOLE));
	EXPECT_EQ(3 * PG, lseek(self->fd, 2 * PG, SEEK_HOLE));
	EXPECT_EQ(5 * PG, lseek(self->fd, 3 * PG, SEEK_DATA));
	EXPECT_EQ(7 * PG, lseek(self->fd, 5 * PG + 7, SEEK_HOLE));
	EXPECT_EQ(9 * PG, lseek(self->fd, 7 * PG, SEEK_DATA));
	/* The implicit hole at the end. */
	EXPECT_EQ(size, lseek(self->fd, 9 * PG, SEEK_HOLE));
	EXPECT_EQ(-1, lseek(self->fd, size, SEEK_DATA));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, lseek(self->fd, size, SEEK_HOLE));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, lseek(self->fd, -1, SEEK_DATA));
	EXPECT_EQ(ENXIO, errno);
	/* The last successful seek (SEEK_HOLE) moved the position. */
	EXPECT_EQ(size, lseek(self->fd, 0, SEEK_CUR));

	/* Reading the holes allocates nothing. */
	memset(buf, 1, sizeof(buf));
	ASSERT_EQ(2 * PG, pread(self->fd, buf, 2 * PG, 3 * PG));
	EXPECT_EQ(2 * PG, count_byte(buf, 2 * PG, 0));
	ASSERT_EQ(PG, pread(self->fd, buf, PG, 2 * PG));
	EXPECT_EQ(1, count_byte(buf, PG, 0xab));
	EXPECT_EQ(0xab, buf[10]);
	EXPECT_EQ(4, resident(self->fd));

	/* SEEK_SET/CUR/END, then reads stop at the size. */
	EXPECT_EQ(100, lseek(self->fd, 100, SEEK_SET));
	EXPECT_EQ(150, lseek(self->fd, 50, SEEK_CUR));
	EXPECT_EQ(size - 1, lseek(self->fd, -1, SEEK_END));
	EXPECT_EQ(1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(size + PG, lseek(self->fd, PG, SEEK_END));
	EXPECT_EQ(0, read(self->fd, buf, sizeof(buf)));
}

/*
 * Transfers at every offset modulo the page size, inside a page and
 * crossing one, checked immediately and against a model at the end.
 */
TEST_F(rw, every_offset)
{
	const unsigned long size = 8 * PG;
	unsigned char *model = calloc(1, size), *buf = malloc(size);
	unsigned char *src = malloc(2 * PG), *got = malloc(2 * PG);
	unsigned long off, len, bad = 0;
	struct iovec iov[3];
	off_t pos;

	ASSERT_TRUE(model && buf && src && got);
	self->fd = svm_object_open(O_RDWR, 1, size);
	ASSERT_GE(self->fd, 0);
	for (off = 0; off < PG; off++) {
		/* Short, often crossing from page 1 into page 2. */
		len = 1 + off % 61;
		pos = PG + off;
		fill(src, len, off, 6);
		ASSERT_EQ(len, pwrite(self->fd, src, len, pos));
		memcpy(model + pos, src, len);
		ASSERT_EQ(len, pread(self->fd, got, len, pos));
		bad += memcmp(got, src, len) != 0;
		/* Longer than a page: always crosses, pages 4 to 6. */
		len = PG + off % 7;
		pos = 4 * PG + off;
		fill(src, len, off, 7);
		ASSERT_EQ(len, pwrite(self->fd, src, len, pos));
		memcpy(model + pos, src, len);
		ASSERT_EQ(len, pread(self->fd, got, len, pos));
		bad += memcmp(got, src, len) != 0;
	}
	EXPECT_EQ(0, bad);
	ASSERT_EQ(size, pread(self->fd, buf, size, 0));
	EXPECT_EQ(0, memcmp(buf, model, size));

	/* writev/readv with pieces straddling the page boundaries. */
	fill(src, 2 * PG, 0, 8);
	iov[0] = (struct iovec){ src, 5 };
	iov[1] = (struct iovec){ src + 5, PG };
	iov[2] = (struct iovec){ src + 5 + PG, 1000 };
	ASSERT_EQ(PG + 1005, pwritev(self->fd, iov, 3, 2 * PG - 3));
	memset(got, 0, 2 * PG);
	iov[0] = (struct iovec){ got, 1000 };
	iov[1] = (struct iovec){ got + 1000, 3 };
	iov[2] = (struct iovec){ got + 1003, PG + 2 };
	ASSERT_EQ(PG + 1005, preadv(self->fd, iov, 3, 2 * PG - 3));
	EXPECT_EQ(0, memcmp(got, src, PG + 1005));
	free(model);
	free(buf);
	free(src);
	free(got);
}

struct writer {
	int fd;
	off_t pos;
	unsigned char c;
	int rounds;
	pthread_barrier_t *barrier;
};

static void *writer(void *arg)
{
	struct writer *w = arg;
	unsigned char page[PG];
	int r;

	memset(page, w->c, PG);
	for (r = 0; r < w->rounds; r++) {
		pthread_barrier_wait(w->barrier);
		if (pwrite(w->fd, page, PG, w->pos) != PG)
			return (void *)1;
		pthread_barrier_wait(w->barrier);
	}
	return NULL;
}

/*
 * Two threads pwrite() whole aligned pages: to different pages each keeps
 * its own; to the same page the result is one writer's page, never a mix.
 */
TEST_F(rw, concurrent_pwrite)
{
	const int rounds = 100;
	pthread_barrier_t barrier;
	struct writer w[2];
	unsigned char buf[2 * PG];
	unsigned long torn = 0;
	pthread_t t[2];
	void *ret;
	int r, i, same;

	self->fd = svm_object_open(O_RDWR, 1, 0);
	ASSERT_GE(self->fd, 0);
	for (same = 0; same < 2; same++) {
		ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, 3));
		for (i = 0; i < 2; i++) {
			w[i] = (struct writer){ self->fd, same ? 0 : i * PG,
						(unsigned char)('A' + i),
						rounds, &barrier };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, writer, &w[i]));
		}
		for (r = 0; r < rounds; r++) {
			pthread_barrier_wait(&barrier);
			pthread_barrier_wait(&barrier);
			ASSERT_EQ((same ? 1 : 2) * PG,
				  pread(self->fd, buf, 2 * PG, 0));
			if (same) {
				unsigned long a = count_byte(buf, PG, 'A');

				torn += a != 0 && a != PG;
			} else {
				torn += count_byte(buf, PG, 'A') != PG ||
					count_byte(buf + PG, PG, 'B') != PG;
			}
		}
		for (i = 0; i < 2; i++) {
			ASSERT_EQ(0, pthread_join(t[i], &ret));
			EXPECT_EQ(NULL, ret);
		}
		pthread_barrier_destroy(&barrier);
		EXPECT_EQ(0, torn) TH_LOG("same page %d", same);
		ASSERT_EQ(0, set_size(self->fd, 0));
	}
}

/* Truncation under a live mapping: SIGBUS past the new size, EOF for read(). */
TEST_F(rw, truncate_under_mapping)
{
	unsigned char buf[4 * PG], *a;

	self->fd = open(DEV, O_RDWR);
	ASSERT_GE(self->fd, 0);
	fill(buf, sizeof(buf), 0, 9);
	ASSERT_EQ(sizeof(buf), write(self->fd, buf, sizeof(buf)));
	a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	EXPECT_EQ(0, bad_bytes(a, 4 * PG, 0, 9));
	ASSERT_EQ(0, set_size(self->fd, 2 * PG));
	EXPECT_EQ(SIGBUS, access_signal(a + 2 * PG, 0));
	EXPECT_EQ(SIGBUS, access_signal(a + 3 * PG + 5, 1));
	EXPECT_EQ(0, bad_bytes(a + PG, PG, PG, 9));
	EXPECT_EQ(0, pread(self->fd, buf, PG, 3 * PG));
	EXPECT_EQ(2 * PG, lseek(self->fd, 0, SEEK_END));
	EXPECT_EQ(2, resident(self->fd));
	/* Writing past the end again grows it; the gap reads as zeros. */
	ASSERT_EQ(1, pwrite(self->fd, "z", 1, 3 * PG));
	EXPECT_EQ('z', a[3 * PG]);
	EXPECT_EQ(0, a[2 * PG]);
	munmap(a, 4 * PG);
}

/*
 * A mapping reaches the whole last page, also past an unaligned size;
 * what it wrote there reads as zeros once write() or a resize grows the
 * size over it.
 */
TEST_F(rw, tail_zeroed_on_growth)
{
	unsigned char buf[PG], *a;

	memset(buf, 'x', sizeof(buf));
	self->fd = svm_object_open(O_RDWR, 1, PG);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(100, pwrite(self->fd, buf, 100, PG));
	EXPECT_EQ(PG + 100, obj_size(self->fd));
	a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	EXPECT_EQ(PG + 100, obj_size(self->fd));
	a[PG + 500] = 0xee;
	EXPECT_EQ(0, pread(self->fd, buf, 10, PG + 500));
	ASSERT_EQ(1, pwrite(self->fd, "y", 1, PG + 1000));
	EXPECT_EQ(0, a[PG + 500]);
	ASSERT_EQ(1001 - 100, pread(self->fd, buf, PG, PG + 100));
	EXPECT_EQ(900, count_byte(buf, 900, 0));
	EXPECT_EQ('y', buf[900]);

	a[PG + 2000] = 0xee;
	ASSERT_EQ(0, set_size(self->fd, 2 * PG));
	EXPECT_EQ(0, a[PG + 2000]);
	EXPECT_EQ('y', a[PG + 1000]);
	munmap(a, 2 * PG);
}

/* Every errno of read/write/lseek, and partial transfers. */
TEST_F(rw, errors)
{
	unsigned char *buf, *got;
	struct iovec iov;
	long long pages;
	off_t pos;
	int ro, wo;

	buf = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	self->fd = svm_object_open(O_RDWR, 1, 0);
	ASSERT_GE(self->fd, 0);
	memset(buf, 0x77, 2 * PG);
	ASSERT_EQ(2 * PG, pwrite(self->fd, buf, 2 * PG, 2 * PG));
	pages = resident(self->fd);
	EXPECT_EQ(2, pages);

	/* Zero-length transfers do nothing, even with a NULL buffer. */
	EXPECT_EQ(0, write(self->fd, NULL, 0));
	EXPECT_EQ(0, read(self->fd, NULL, 0));
	EXPECT_EQ(0, pwrite(self->fd, buf, 0, 100 * PG));
	EXPECT_EQ(4 * PG, obj_size(self->fd));

	/* A bad pointer: EFAULT, nothing written, no page allocated. */
	EXPECT_EQ(-1, pwrite(self->fd, bad_ptr(0), 10, 7 * PG));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pwrite(self->fd, bad_ptr(8), PG, 2 * PG));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(4 * PG, obj_size(self->fd));
	EXPECT_EQ(pages, resident(self->fd));
	EXPECT_EQ(-1, pread(self->fd, bad_ptr(0), 10, 2 * PG));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pread(self->fd, bad_ptr(0), 10, 0));	/* a hole */
	EXPECT_EQ(EFAULT, errno);

	/* Source half unreadable: the good part, nothing next to it. */
	memset(buf, 0x11, PG);
	ASSERT_EQ(0, mprotect(buf + PG, PG, PROT_NONE));
	EXPECT_EQ(PG, pwrite(self->fd, buf, 2 * PG, 2 * PG));
	EXPECT_EQ(100, pwrite(self->fd, buf + PG - 100, 300, PG - 50));
	got = malloc(4 * PG);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(4 * PG, pread(self->fd, got, 4 * PG, 0));
	EXPECT_EQ(PG - 50, count_byte(got, PG - 50, 0));
	EXPECT_EQ(100, count_byte(got + PG - 50, 100, 0x11));
	EXPECT_EQ(PG - 50, count_byte(got + PG + 50, PG - 50, 0));
	EXPECT_EQ(PG, count_byte(got + 2 * PG, PG, 0x11));
	EXPECT_EQ(PG, count_byte(got + 3 * PG, PG, 0x77));
	/* Destination half unwritable: a short read. */
	EXPECT_EQ(PG, pread(self->fd, buf, 2 * PG, 2 * PG));
	EXPECT_EQ(PG, count_byte(buf, PG, 0x11));
	ASSERT_EQ(0, mprotect(buf + PG, PG, PROT_READ | PROT_WRITE));

	/* The maximum size: a short write up to it, then EFBIG. */
	EXPECT_EQ(-1, pwrite(self->fd, buf, 1, MAX_SIZE));
	EXPECT_EQ(EFBIG, errno);
	EXPECT_EQ(4, pwrite(self->fd, buf, 10, MAX_SIZE - 4));
	EXPECT_EQ(MAX_SIZE, obj_size(self->fd));
	EXPECT_EQ(MAX_SIZE, lseek(self->fd, 0, SEEK_END));
	EXPECT_EQ(-1, lseek(self->fd, 1, SEEK_END));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, -1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, 0, 7));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, fsync(self->fd));
	EXPECT_EQ(0, fdatasync(self->fd));

	/* O_APPEND writes at the size, whatever the position. */
	ASSERT_EQ(0, set_size(self->fd, 3 * PG));
	wo = open(DEV, O_WRONLY | O_APPEND);
	ASSERT_GE(wo, 0);
	ASSERT_EQ(0, ioctl(wo, SHADOWVM_IOC_NEW_OBJECT, 0));
	ASSERT_EQ(0, set_size(wo, PG));
	EXPECT_EQ(0, lseek(wo, 0, SEEK_SET));
	EXPECT_EQ(3, write(wo, "abc", 3));
	EXPECT_EQ(PG + 3, obj_size(wo));
	pos = lseek(wo, 0, SEEK_CUR);
	EXPECT_EQ(PG + 3, pos);
	/* The VFS refuses what the open mode and flags forbid. */
	EXPECT_EQ(-1, open(DEV, O_RDWR | O_DIRECT));
	EXPECT_EQ(EINVAL, errno);
	iov = (struct iovec){ got, 1 };
	EXPECT_EQ(-1, preadv2(self->fd, &iov, 1, 0, RWF_NOWAIT));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, read(wo, got, 1));
	EXPECT_EQ(EBADF, errno);
	close(wo);
	ro = open(DEV, O_RDONLY);
	ASSERT_GE(ro, 0);
	EXPECT_EQ(-1, write(ro, "x", 1));
	EXPECT_EQ(EBADF, errno);
	close(ro);
	free(got);
	munmap(buf, 2 * PG);
}

/* Writing more than shadow memory holds: a short write, then ENOSPC. */
TEST_F(rw, out_of_shadow_memory)
{
	const size_t len = 32UL << 20;
	unsigned char *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf);
	memset(buf, 0x3c, len);
	self->fd = svm_object_open(O_RDWR, 1, 0);
	ASSERT_GE(self->fd, 0);
	n = write(self->fd, buf, len);
	EXPECT_GT(n, 8L << 20);
	EXPECT_LT(n, 16L << 20);
	EXPECT_EQ(n, obj_size(self->fd));
	EXPECT_EQ(-1, write(self->fd, buf, PG));
	EXPECT_EQ(ENOSPC, errno);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, svm_vmstat("nr_file_pages"));
	free(buf);
}

/*
 * vmstat counts calls and bytes; tracepoints record each call. trace-cmd's
 * start and stop take seconds on a loaded TCG guest: a longer timeout.
 */
TEST_F_TIMEOUT(rw, vmstat_and_trace, 120)
{
	long long r0 = svm_vmstat("rw_read"), rb0 = svm_vmstat("rw_read_bytes");
	long long w0 = svm_vmstat("rw_write"), wb0 = svm_vmstat("rw_write_bytes");
	unsigned char buf[1000] = { 0 };
	char object[64];

	self->fd = open(DEV, O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(1000, write(self->fd, buf, 1000));
	ASSERT_EQ(500, pwrite(self->fd, buf, 500, 10));
	ASSERT_EQ(1000, pread(self->fd, buf, 1000, 0));
	EXPECT_EQ(0, read(self->fd, buf, 10));
	EXPECT_EQ(w0 + 2, svm_vmstat("rw_write"));
	EXPECT_EQ(wb0 + 1500, svm_vmstat("rw_write_bytes"));
	EXPECT_EQ(r0 + 2, svm_vmstat("rw_read"));
	EXPECT_EQ(rb0 + 1000, svm_vmstat("rw_read_bytes"));
	EXPECT_EQ(1, svm_vmstat("nr_dirty"));

	unlink(SVM_TRACE_REPORT);
	ASSERT_EQ(0, svm_trace_instance(object, sizeof(object), "object="));
	ASSERT_EQ(0, svm_trace_run("-e shadowvm:svm_file_read -e shadowvm:svm_file_write",
				   "dd if=/dev/zero of=" DEV " bs=4096 count=3 seek=1 2>/dev/null; "
				   "dd if=" DEV " of=/dev/null bs=8192 count=1 2>/dev/null"));
	EXPECT_EQ(1, svm_trace_count("svm_file_write:", "pos=4096 count=4096 ret=4096"));
	EXPECT_EQ(1, svm_trace_count("svm_file_write:", "pos=12288 count=4096 ret=4096"));
	EXPECT_EQ(3, svm_trace_count("svm_file_write:", object));
	EXPECT_EQ(1, svm_trace_count("svm_file_read:", "pos=0 count=8192 ret=8192"));
}

TEST_HARNESS_MAIN
