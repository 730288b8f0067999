// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of /dev/shadowvm: objects shared across mappings, opens and fork(),
 * private objects, SIGBUS past the size and when shadow memory runs out,
 * SIGSEGV on read-only mappings, partial munmap, MADV_DONTNEED, one page
 * for racing threads, zeroed pages, dropping clean pages (with and without
 * write-notify), fault-around and allocation ahead, its parameters,
 * rmmod refused while mapped, the object ioctls' errors and the vmstat
 * counters.
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
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define DEV	"/dev/shadowvm"
#define PG	((unsigned long)sysconf(_SC_PAGESIZE))

/* The pattern byte of page @i, offset @j: differs per page and offset. */
static unsigned char pat(unsigned long i, unsigned long j)
{
	return (unsigned char)(i * 31 + j * 7 + 1);
}

static void fill(unsigned char *p, unsigned long pages)
{
	unsigned long i, j;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PG; j += 512)
			p[i * PG + j] = pat(i, j);
}

/* Number of sampled bytes that differ from the pattern. */
static unsigned long check(const unsigned char *p, unsigned long pages)
{
	unsigned long i, j, bad = 0;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PG; j += 512)
			bad += p[i * PG + j] != pat(i, j);
	return bad;
}

/*
 * Maps @pages pages of @fd from offset 0 at an address aligned to 128 KiB,
 * so that the fault-around windows (aligned in the address space, at most
 * 32 pages) start at object indexes that are multiples of their size.
 */
static unsigned char *map_aligned(int fd, unsigned long pages, int prot)
{
	const unsigned long align = 128 * 1024, len = pages * PG;
	unsigned char *area, *a;

	area = mmap(NULL, len + align, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return MAP_FAILED;
	a = (unsigned char *)(((uintptr_t)area + align - 1) & ~(align - 1));
	if (a > area)
		munmap(area, a - area);
	munmap(a + len, area + len + align - (a + len));
	return mmap(a, len, prot, MAP_SHARED | MAP_FIXED, fd, 0);
}

/* Loads shadowvm again with other parameters (no object may be open). */
static int reload(const char *params)
{
	int ret = svm_unload();

	return ret ? ret : svm_load(params);
}

/*
 * With $SVM_MMAP_WORKLOAD=N set, this program is the traced workload of
 * the tracepoints test: write N pages of the default object in order
 * through an aligned mapping, then shrink the object to 0. It exits before the harness runs.
 */
__attribute__((constructor)) static void traced_workload(void)
{
	const char *env = getenv("SVM_MMAP_WORKLOAD");
	unsigned long long size, zero = 0;
	unsigned char *a;
	unsigned long i, n;
	int fd;

	if (!env)
		return;
	n = strtoul(env, NULL, 10);
	size = n * PG;
	fd = open(DEV, O_RDWR);
	if (fd < 0 || ioctl(fd, SHADOWVM_IOC_SET_SIZE, &size))
		_exit(1);
	a = map_aligned(fd, n, PROT_READ | PROT_WRITE);
	if (a == MAP_FAILED)
		_exit(2);
	for (i = 0; i < n; i++)
		a[i * PG] = 1;
	munmap(a, size);
	_exit(ioctl(fd, SHADOWVM_IOC_SET_SIZE, &zero) ? 3 : 0);
}

static int get_stats(int fd, struct shadowvm_object_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(fd, SHADOWVM_IOC_GET_STATS, st);
}

/* Loads shadowvm with @params, unloading what a failed test left. */
static void load_clean(struct __test_metadata *_metadata, const char *params)
{
	/*
	 * A test that failed with a mapping left could not unload in its
	 * teardown; its mappings died with its process, so unload now.
	 */
	if (svm_loaded())
		svm_unload();
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load(params));
}

static void unload_clean(struct __test_metadata *_metadata, int fd)
{
	char text[4096];

	if (fd >= 0)
		close(fd);
	/* No page kept for a real reference, no free refused as misuse. */
	EXPECT_EQ(0, svm_vmstat("pgcache_leak"));
	ASSERT_GT(read_file("/sys/kernel/debug/shadowvm/shadowvm/meminfo",
			    text, sizeof(text)), 0);
	EXPECT_NE(NULL, strstr(text, "\nBadFrees:       0 0 0 0\n"));
	EXPECT_EQ(0, svm_unload());
}

FIXTURE(mm) {
	int fd;
};

FIXTURE_SETUP(mm)
{
	self->fd = -1;
	load_clean(_metadata, "mem=16M");
}

FIXTURE_TEARDOWN(mm)
{
	unload_clean(_metadata, self->fd);
}

/*
 * The cases whose outcome depends on write-notify run with each value of
 * write_notify: 0, where a write through a PTE that fault-around made
 * writable goes unseen, and 1, where every first write faults.
 */
FIXTURE(notify) {
	int fd;
};

FIXTURE_VARIANT(notify) {
	int write_notify;
};

FIXTURE_VARIANT_ADD(notify, write_notify_0) {
	.write_notify = 0,
};

FIXTURE_VARIANT_ADD(notify, write_notify_1) {
	.write_notify = 1,
};

FIXTURE_SETUP(notify)
{
	char params[64];

	self->fd = -1;
	snprintf(params, sizeof(params), "mem=16M write_notify=%d",
		 variant->write_notify);
	load_clean(_metadata, params);
}

FIXTURE_TEARDOWN(notify)
{
	unload_clean(_metadata, self->fd);
}

/*
 * A pattern written through one mapping is read through a second mapping
 * of another descriptor, by a forked child, by a process that opens the
 * device anew, and after every descriptor was closed: the default object
 * persists.
 */
TEST_F(mm, default_object_shared)
{
	const unsigned long pages = 64;
	struct shadowvm_object_stats st;
	unsigned char *a, *b;
	int fd2, status;
	pid_t pid;

	self->fd = svm_object_open(O_RDWR, 0, pages * PG);
	ASSERT_GE(self->fd, 0);
	fd2 = open(DEV, O_RDONLY);
	ASSERT_GE(fd2, 0);
	a = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	b = mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, b);
	fill(a, pages);
	EXPECT_EQ(0, check(b, pages));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		/* The inherited mapping, and a fresh open of the device. */
		int fd = open(DEV, O_RDONLY);
		unsigned char *c;

		if (check(a, pages) || fd < 0)
			_exit(1);
		c = mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, fd, 0);
		if (c == MAP_FAILED || check(c, pages))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("child status %#x", status);

	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(pages * PG, st.size);
	EXPECT_EQ(pages, st.resident_pages);
	/* Fault-around: fewer faults than pages, each page made once. */
	EXPECT_LE(1, st.major_faults);
	EXPECT_GT(pages / 2, st.major_faults);
	EXPECT_EQ(pages, svm_vmstat("pgcache_add"));
	EXPECT_EQ(0, st.flags & SHADOWVM_OBJ_PRIVATE);

	/* Unmapped, every written page is known dirty: none is dropped. */
	munmap(a, pages * PG);
	munmap(b, pages * PG);
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_DROP_CLEAN, 0));
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(pages, st.resident_pages);
	EXPECT_EQ(pages, st.dirty_pages);
	close(fd2);
	close(self->fd);
	self->fd = open(DEV, O_RDONLY);
	ASSERT_GE(self->fd, 0);
	b = mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, b);
	EXPECT_EQ(0, check(b, pages));
	munmap(b, pages * PG);
}

/* A private object passed with SCM_RIGHTS outlives its creator. */
TEST_F(mm, fd_passing)
{
	const unsigned long pages = 8;
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	unsigned char *a;
	int sv[2], status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int fd = svm_object_open(O_RDWR, 1, pages * PG);

		if (fd < 0)
			_exit(1);
		a = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (a == MAP_FAILED)
			_exit(2);
		fill(a, pages);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
		_exit(sendmsg(sv[1], &msg, 0) == 1 ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(1, recvmsg(sv[0], &msg, 0));
	cmsg = CMSG_FIRSTHDR(&msg);
	ASSERT_NE(NULL, cmsg);
	ASSERT_EQ(SCM_RIGHTS, cmsg->cmsg_type);
	memcpy(&self->fd, CMSG_DATA(cmsg), sizeof(int));
	a = mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	EXPECT_EQ(0, check(a, pages));
	munmap(a, pages * PG);
	close(sv[0]);
	close(sv[1]);
}

#define TRACE_EVENTS	"-e shadowvm:svm_fault -e shadowvm:svm_page_cache_add " \
			"-e shadowvm:svm_page_cache_delete"

/*
 * Tracepoints, for 16 pages written in order through a 16-page window:
 * the first write faults alone, the second allocates and maps the rest
 * of the window; with write_notify=1 every first write also calls
 * page_mkwrite. A cache add and delete per page either way.
 */
TEST_F_TIMEOUT(notify, tracepoints, 120)
{
	char exe[256], shell[512], params[64], object[64];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_GT(n, 0);
	exe[n] = '\0';
	snprintf(shell, sizeof(shell), "SVM_MMAP_WORKLOAD=16 %s", exe);
	snprintf(params, sizeof(params),
		 "mem=16M fault_around_pages=16 write_notify=%d",
		 variant->write_notify);
	ASSERT_EQ(0, reload(params));
	unlink(SVM_TRACE_REPORT);
	ASSERT_EQ(0, svm_trace_instance(object, sizeof(object), "object="));
	ASSERT_EQ(0, svm_trace_run(TRACE_EVENTS, shell));
	EXPECT_EQ(2, svm_trace_count("svm_fault:", "write=1 major=1 result=0x100"));
	EXPECT_EQ(variant->write_notify ? 16 : 0,
		  svm_trace_count("svm_fault:", "write=1 major=0 result=0x200"));
	EXPECT_EQ(16, svm_trace_count("svm_page_cache_add:", object));
	EXPECT_EQ(16, svm_trace_count("svm_page_cache_delete:", object));
	EXPECT_EQ(1, svm_trace_count("svm_page_cache_add:", " index=15 pfn="));
}

/* A private object starts empty, is not the default one, dies with its fd. */
TEST_F(mm, private_object)
{
	const unsigned long pages = 16;
	struct shadowvm_object_stats st;
	unsigned long long size = 0;
	unsigned char *a, *d;
	int def;
	long long before;

	def = svm_object_open(O_RDWR, 0, pages * PG);
	ASSERT_GE(def, 0);
	self->fd = svm_object_open(O_RDWR, 1, 0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_GET_SIZE, &size));
	EXPECT_EQ(0, size);
	size = pages * PG;
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	a = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	d = mmap(NULL, pages * PG, PROT_READ, MAP_SHARED, def, 0);
	ASSERT_NE(MAP_FAILED, d);
	fill(a, pages);
	EXPECT_EQ(pages * (PG / 512), check(d, pages));
	EXPECT_EQ(0, d[5 * PG + 3]);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(SHADOWVM_OBJ_PRIVATE, st.flags);
	EXPECT_EQ(pages, st.resident_pages);

	/* Last mapping and descriptor gone: its pages leave the page cache. */
	before = svm_vmstat("nr_file_pages");
	munmap(a, pages * PG);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(before - (long long)pages, svm_vmstat("nr_file_pages"));
	munmap(d, pages * PG);
	close(def);
}

TEST_F(mm, map_private_refused)
{
	self->fd = svm_object_open(O_RDWR, 0, PG);
	ASSERT_GE(self->fd, 0);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_PRIVATE,
				   self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* Past the size: SIGBUS, also after a shrink under a live mapping. */
TEST_F(mm, sigbus_past_size)
{
	struct shadowvm_object_stats st;
	unsigned long long size = 2 * PG;
	unsigned char *a;

	self->fd = svm_object_open(O_RDWR, 1, 4 * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	memset(a, 0x5a, 4 * PG);
	EXPECT_EQ(0, access_signal(a + 3 * PG, 0));
	EXPECT_EQ(SIGBUS, access_signal(a + 4 * PG, 0));
	EXPECT_EQ(SIGBUS, access_signal(a + 7 * PG + 100, 1));

	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(0x5a, a[PG + 5]);
	EXPECT_EQ(SIGBUS, access_signal(a + 2 * PG, 0));
	EXPECT_EQ(SIGBUS, access_signal(a + 3 * PG, 1));
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(2, st.resident_pages);
	EXPECT_LE(4, st.sigbus_faults);

	/* Growing again brings zeroed pages, not the old ones. */
	size = 4 * PG;
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(0, a[3 * PG + 5]);
	EXPECT_EQ(0x5a, a[PG + 5]);
	munmap(a, 8 * PG);
}

/* Read-only mappings fault with SIGSEGV on a write; no writable one on O_RDONLY. */
TEST_F(mm, readonly_mapping)
{
	unsigned char *w, *r;
	int ro;

	self->fd = svm_object_open(O_RDWR, 0, 4 * PG);
	ASSERT_GE(self->fd, 0);
	w = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, w);
	w[PG] = 42;
	r = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, r);
	EXPECT_EQ(42, r[PG]);
	EXPECT_EQ(SIGSEGV, access_signal(r + PG, 1));
	EXPECT_EQ(SIGSEGV, access_signal(r + 2 * PG, 1));

	ro = open(DEV, O_RDONLY);
	ASSERT_GE(ro, 0);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, ro, 0));
	EXPECT_EQ(EACCES, errno);
	/* mprotect() to writable works on a read-write descriptor only. */
	EXPECT_EQ(0, mprotect(r, 4 * PG, PROT_READ | PROT_WRITE));
	r[PG] = 43;
	EXPECT_EQ(43, w[PG]);
	munmap(r, 4 * PG);
	r = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, r);
	EXPECT_EQ(-1, mprotect(r, 4 * PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(r, 4 * PG);
	munmap(w, 4 * PG);
	close(ro);
}

/* Unmapping the middle keeps both ends, their data and the object's pages. */
TEST_F(mm, partial_munmap)
{
	struct shadowvm_object_stats st;
	unsigned char *a, *want;

	want = calloc(8, PG);
	ASSERT_NE(NULL, want);
	fill(want, 8);
	self->fd = svm_object_open(O_RDWR, 1, 8 * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	fill(a, 8);
	ASSERT_EQ(0, munmap(a + 2 * PG, 4 * PG));
	/* Every byte of both ends: the pattern and the zeros between. */
	EXPECT_EQ(0, memcmp(a, want, 2 * PG));
	EXPECT_EQ(0, memcmp(a + 6 * PG, want + 6 * PG, 2 * PG));
	free(want);
	EXPECT_EQ(SIGSEGV, access_signal(a + 3 * PG, 0));
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(8, st.resident_pages);
	munmap(a, 2 * PG);
	munmap(a + 6 * PG, 2 * PG);
}

/*
 * mremap(): moving and shrinking work as for a file mapping; growing is
 * refused with EFAULT (VM_DONTEXPAND) and leaves the mapping as it was.
 * The moved VMA gets its own struct svm_vma through .open.
 */
TEST_F(mm, mremap)
{
	unsigned char *a, *b, *c, *hole;

	self->fd = svm_object_open(O_RDWR, 1, 8 * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	fill(a, 4);
	EXPECT_EQ(MAP_FAILED, mremap(a, 4 * PG, 8 * PG, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, check(a, 4));
	/* Move to a fixed place inside a reserved hole. */
	hole = mmap(NULL, 16 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	b = mremap(a, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
		   hole + 8 * PG);
	ASSERT_EQ(hole + 8 * PG, b);
	EXPECT_EQ(0, check(b, 4));
	EXPECT_EQ(SIGSEGV, access_signal(a, 0));
	/* Still the object's pages: a write shows through a new mapping. */
	b[PG] = 0x5a;
	c = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, c);
	EXPECT_EQ(0x5a, c[PG]);
	munmap(c, 4 * PG);
	/* Shrink in place. */
	c = mremap(b, 4 * PG, 2 * PG, 0);
	ASSERT_EQ(b, c);
	EXPECT_EQ(SIGSEGV, access_signal(b + 3 * PG, 0));
	munmap(hole, 16 * PG);
}

/* MADV_DONTNEED drops the PTEs; the data comes back by minor faults. */
TEST_F(mm, madv_dontneed)
{
	const unsigned long pages = 32;
	struct shadowvm_object_stats st0, st1;
	unsigned char *a;

	ASSERT_EQ(0, reload("mem=16M fault_around_pages=16"));
	self->fd = svm_object_open(O_RDWR, 1, pages * PG);
	ASSERT_GE(self->fd, 0);
	a = map_aligned(self->fd, pages, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, a);
	fill(a, pages);
	ASSERT_EQ(0, get_stats(self->fd, &st0));
	ASSERT_EQ(0, madvise(a, pages * PG, MADV_DONTNEED));
	EXPECT_EQ(0, check(a, pages));
	ASSERT_EQ(0, get_stats(self->fd, &st1));
	EXPECT_EQ(pages, st1.resident_pages);
	EXPECT_EQ(st0.major_faults, st1.major_faults);
	/* One minor fault maps each 16-page window of cached pages. */
	EXPECT_EQ(st0.minor_faults + pages / 16, st1.minor_faults);
	munmap(a, pages * PG);
}

struct racer {
	unsigned char *map;
	unsigned long pages;
	pthread_barrier_t *barrier;
	int id;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	unsigned long i;

	pthread_barrier_wait(r->barrier);
	for (i = 0; i < r->pages; i++)
		r->map[i * PG + r->id] = (unsigned char)(r->id + 1);
	return NULL;
}

/*
 * Two threads, each through its own mapping, touch the same pages at the
 * same time: every page exists once, with both threads' writes in it.
 */
TEST_F(mm, threads_same_page)
{
	const unsigned long pages = 512;
	struct shadowvm_object_stats st;
	pthread_barrier_t barrier;
	struct racer r[2];
	pthread_t t[2];
	unsigned long i, bad = 0;
	int k;

	self->fd = svm_object_open(O_RDWR, 1, pages * PG);
	ASSERT_GE(self->fd, 0);
	pthread_barrier_init(&barrier, NULL, 2);
	for (k = 0; k < 2; k++) {
		r[k] = (struct racer){ .pages = pages, .barrier = &barrier,
				       .id = k };
		r[k].map = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
				MAP_SHARED, self->fd, 0);
		ASSERT_NE(MAP_FAILED, r[k].map);
	}
	for (k = 0; k < 2; k++)
		ASSERT_EQ(0, pthread_create(&t[k], NULL, race, &r[k]));
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	for (i = 0; i < pages; i++)
		for (k = 0; k < 2; k++)
			bad += r[0].map[i * PG + k] != k + 1 ||
			       r[1].map[i * PG + k] != k + 1;
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(pages, st.resident_pages);
	EXPECT_EQ(pages, svm_vmstat("pgcache_add"));
	EXPECT_LE(1, st.major_faults);
	EXPECT_GE(pages, st.major_faults);
	for (k = 0; k < 2; k++)
		munmap(r[k].map, pages * PG);
	pthread_barrier_destroy(&barrier);
}

/* Pages one process dirtied and freed reach the next one zeroed. */
TEST_F(mm, pages_zeroed_after_free)
{
	const unsigned long pages = 2048;	/* 8 MiB of the 16 */
	unsigned long i, nonzero = 0;
	unsigned char *a;
	int round;

	for (round = 0; round < 2; round++) {
		self->fd = svm_object_open(O_RDWR, 1, pages * PG);
		ASSERT_GE(self->fd, 0);
		a = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, 0);
		ASSERT_NE(MAP_FAILED, a);
		for (i = 0; i < pages * PG; i += 64)
			nonzero += a[i] != 0;
		memset(a, 0xff, pages * PG);
		munmap(a, pages * PG);
		close(self->fd);
		self->fd = -1;
	}
	EXPECT_EQ(0, nonzero);
	EXPECT_LE((long long)(2 * pages), svm_vmstat("pgcache_add"));
}

/*
 * An object larger than shadow memory: touching it page by page ends with
 * SIGBUS once the shadow allocator fails, not with the OOM killer, and the
 * module keeps working after the object is gone.
 */
TEST_F(mm, out_of_shadow_memory)
{
	const unsigned long pages = 8192;	/* 32 MiB on a 16 MiB instance */
	unsigned char *a;
	int pfd[2], status;
	unsigned long done = 0;
	pid_t pid;

	self->fd = svm_object_open(O_RDWR, 1, pages * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		unsigned long i;

		close(pfd[0]);
		for (i = 0; i < pages; i++) {
			a[i * PG] = 1;
			if (write(pfd[1], &i, sizeof(i)) != sizeof(i))
				_exit(3);
		}
		_exit(0);
	}
	close(pfd[1]);
	while (read(pfd[0], &done, sizeof(done)) == sizeof(done))
		;
	close(pfd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("child status %#x after %lu pages", status, done);
	/* Most of the 4096 shadow pages were handed out before the failure. */
	EXPECT_GT(done, 3000);
	EXPECT_LT(done, 4096);
	EXPECT_LE(1, svm_vmstat("pgfault_nomem"));
	munmap(a, pages * PG);
	close(self->fd);

	/* Healthy: the pages came back and a new object gets them. */
	EXPECT_EQ(0, svm_vmstat("nr_file_pages"));
	self->fd = svm_object_open(O_RDWR, 1, 1024 * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, 1024 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	fill(a, 1024);
	EXPECT_EQ(0, check(a, 1024));
	munmap(a, 1024 * PG);
}

/*
 * Dropping clean pages keeps dirty and mapped ones. With write_notify=0
 * the two writes go through PTEs fault-around made writable: no fault
 * sees them, the pages are found dirty only once unmapped. With
 * write_notify=1 each first write faults and marks its page at once.
 */
TEST_F(notify, drop_clean)
{
	const int notify = variant->write_notify;
	struct shadowvm_object_stats st;
	unsigned char *a;
	int i, sum;

	self->fd = svm_object_open(O_RDWR, 1, 8 * PG);
	ASSERT_GE(self->fd, 0);
	a = map_aligned(self->fd, 8, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, a);
	for (sum = 0, i = 0; i < 8; i++)
		sum += __atomic_load_n(&a[i * PG], __ATOMIC_RELAXED);
	EXPECT_EQ(0, sum);
	a[0] = 7;
	a[PG] = 8;
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(8, st.resident_pages);
	EXPECT_EQ(notify ? 2 : 0, st.dirty_pages);
	EXPECT_EQ(notify ? 2 : 0, st.write_faults);

	/* Everything still mapped: nothing goes. */
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_DROP_CLEAN, 0));
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(8, st.resident_pages);

	ASSERT_EQ(0, madvise(a, 8 * PG, MADV_DONTNEED));
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_DROP_CLEAN, 0));
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(2, st.resident_pages);
	EXPECT_EQ(2, st.dirty_pages);
	EXPECT_EQ(7, a[0]);
	EXPECT_EQ(8, a[PG]);
	EXPECT_EQ(0, a[5 * PG]);
	munmap(a, 8 * PG);
}

/*
 * Fault-around with a 16-page window over 32 pages written in order: the
 * first write faults alone, the second allocates and maps the rest of
 * its window, the 17th the whole next window. Pages mapped ahead read as
 * zero without faulting; a write through such a page is found dirty when
 * it is unmapped. With fault_around_pages=1 every page faults.
 */
TEST_F(mm, fault_around)
{
	const unsigned long pages = 32;
	struct shadowvm_object_stats st;
	long long fault0, around0, ahead0;
	unsigned char *a;
	unsigned long i, nonzero = 0;

	ASSERT_EQ(0, reload("mem=16M fault_around_pages=16"));
	self->fd = svm_object_open(O_RDWR, 1, pages * PG);
	ASSERT_GE(self->fd, 0);
	a = map_aligned(self->fd, pages, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, a);
	fault0 = svm_vmstat("pgfault");
	around0 = svm_vmstat("pgfault_around");
	ahead0 = svm_vmstat("pgalloc_ahead");

	a[0] = 1;
	a[PG] = 2;
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(2, st.major_faults);
	EXPECT_EQ(16, st.resident_pages);
	/* Pages 2-15 came with page 1's fault: zero, and no fault reads them. */
	for (i = 2 * PG; i < 16 * PG; i += 64)
		nonzero += a[i] != 0;
	EXPECT_EQ(0, nonzero);
	a[5 * PG] = 5;
	for (i = 16; i < pages; i++)
		a[i * PG + 1] = (unsigned char)i;
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(3, st.major_faults);
	EXPECT_EQ(0, st.minor_faults);
	EXPECT_EQ(pages, st.resident_pages);
	EXPECT_EQ(fault0 + 3, svm_vmstat("pgfault"));
	/* Each page mapped by a fault of another, allocated by it too. */
	EXPECT_EQ(around0 + pages - 3, svm_vmstat("pgfault_around"));
	EXPECT_EQ(ahead0 + pages - 3, svm_vmstat("pgalloc_ahead"));
	/* Only the faulting writes are known dirty while mapped. */
	EXPECT_EQ(3, st.dirty_pages);

	ASSERT_EQ(0, munmap(a, pages * PG));
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_DROP_CLEAN, 0));
	ASSERT_EQ(0, get_stats(self->fd, &st));
	/* 0, 1, 5 and 16-31 were written; 2-4 and 6-15 were only read. */
	EXPECT_EQ(pages - 13, st.resident_pages);
	EXPECT_EQ(pages - 13, st.dirty_pages);
	a = map_aligned(self->fd, pages, PROT_READ);
	ASSERT_NE(MAP_FAILED, a);
	EXPECT_EQ(5, a[5 * PG]);
	EXPECT_EQ(31, a[31 * PG + 1]);
	EXPECT_EQ(0, a[6 * PG]);
	munmap(a, pages * PG);
	close(self->fd);

	/* No fault-around: a fault per page, nothing allocated ahead. */
	self->fd = -1;
	ASSERT_EQ(0, reload("mem=16M fault_around_pages=1"));
	self->fd = svm_object_open(O_RDWR, 1, pages * PG);
	ASSERT_GE(self->fd, 0);
	a = map_aligned(self->fd, pages, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, a);
	fill(a, pages);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(pages, st.major_faults);
	EXPECT_EQ(pages, st.dirty_pages);
	EXPECT_EQ(0, svm_vmstat("pgfault_around"));
	EXPECT_EQ(0, svm_vmstat("pgalloc_ahead"));
	munmap(a, pages * PG);
}

/*
 * A window never reaches past the object's size, and shrinking the
 * object under a mapped window unmaps and frees its tail: SIGBUS there,
 * in this process and in a child that inherited the mapping.
 */
TEST_F(mm, fault_around_size)
{
	struct shadowvm_object_stats st;
	unsigned long long size = 20 * PG;
	unsigned char *a;

	ASSERT_EQ(0, reload("mem=16M fault_around_pages=16"));
	self->fd = svm_object_open(O_RDWR, 1, size);
	ASSERT_GE(self->fd, 0);
	a = map_aligned(self->fd, 32, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, a);
	a[15 * PG] = 15;
	a[16 * PG] = 16;
	a[17 * PG] = 17;
	ASSERT_EQ(0, get_stats(self->fd, &st));
	/* 15 alone, then 16 with 17-19 ahead (15 is cached); none past 20. */
	EXPECT_EQ(5, st.resident_pages);
	EXPECT_EQ(0, a[19 * PG]);
	EXPECT_EQ(SIGBUS, access_signal(a + 20 * PG, 0));
	EXPECT_EQ(SIGBUS, access_signal(a + 31 * PG, 1));

	/* Shrink to 17 pages: 17-19 were mapped by the window. */
	size = 17 * PG;
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(SIGBUS, access_signal(a + 17 * PG, 0));
	EXPECT_EQ(SIGBUS, access_signal(a + 19 * PG, 1));
	EXPECT_EQ(16, a[16 * PG]);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(2, st.resident_pages);
	EXPECT_EQ(0, svm_vmstat("pgcache_leak"));

	/* Growing again: the old page 17 is gone, a zero one comes. */
	size = 20 * PG;
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(0, a[17 * PG]);
	munmap(a, 32 * PG);
}

/* Bad fault parameters fail the load with EINVAL and a log line. */
TEST_F(mm, fault_params)
{
	int kmsg = kmsg_open();

	ASSERT_GE(kmsg, 0);
	ASSERT_EQ(0, svm_unload());
	EXPECT_EQ(-EINVAL, svm_load("mem=16M fault_around_pages=0"));
	EXPECT_EQ(-EINVAL, svm_load("mem=16M fault_around_pages=3"));
	EXPECT_EQ(-EINVAL, svm_load("mem=16M fault_around_pages=64"));
	EXPECT_TRUE(kmsg_contains(kmsg, "fault_around_pages=3: must be a power of 2, 1-32"));
	EXPECT_EQ(-EINVAL, svm_load("mem=16M write_notify=2"));
	EXPECT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=16M fault_around_pages=32 write_notify=1"));
	close(kmsg);
}

/* A mapping holds the module even with every descriptor closed. */
TEST_F(mm, rmmod_refused_while_mapped)
{
	unsigned char *a;

	self->fd = svm_object_open(O_RDWR, 1, PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	a[0] = 1;
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(-EWOULDBLOCK, svm_unload());
	EXPECT_TRUE(svm_loaded());
	EXPECT_EQ(1, a[0]);
	ASSERT_EQ(0, munmap(a, PG));
}

TEST_F(mm, ioctl_errors)
{
	unsigned long long size;
	struct shadowvm_object_stats st;
	void *a;
	int ro;

	self->fd = svm_object_open(O_RDWR, 1, 0);
	ASSERT_GE(self->fd, 0);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(SHADOWVM_IOC_MAGIC, 0xae)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOW(SHADOWVM_IOC_MAGIC, 0xa2, __u32), &size));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_GET_SIZE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_GET_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
	size = PG + 1;
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(EINVAL, errno);
	size = (1ULL << 32) * PG + PG;
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(EINVAL, errno);
	size = -PG;
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(0, st.size);

	/* Once mapped, a descriptor keeps its object. */
	size = PG;
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &size));
	a = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	munmap(a, PG);
	EXPECT_EQ(-1, ioctl(self->fd, SHADOWVM_IOC_NEW_OBJECT, 0));
	EXPECT_EQ(EBUSY, errno);

	/* Resizing needs a descriptor open for writing, as ftruncate(). */
	ro = open(DEV, O_RDONLY);
	ASSERT_GE(ro, 0);
	EXPECT_EQ(-1, ioctl(ro, SHADOWVM_IOC_SET_SIZE, &size));
	EXPECT_EQ(EBADF, errno);
	close(ro);
}

/* The vmstat file moves with faults, page-cache pages and frees. */
TEST_F(mm, vmstat)
{
	long long fault0, maj0, alloc0, free0, cache0, around0, ahead0, faults;
	unsigned char *a;
	char text[4096];

	ASSERT_GT(read_file(SVM_VMSTAT_FILE, text, sizeof(text)), 0);
	EXPECT_EQ(0, strncmp(text, "nr_free_pages ", 14));
	EXPECT_LE(0, spaced_value(text, "pgalloc_dma"));
	EXPECT_LE(0, spaced_value(text, "pgalloc_normal"));
	EXPECT_LE(0, spaced_value(text, "pgalloc_high"));
	EXPECT_EQ(0, spaced_value(text, "pgcache_leak"));
	fault0 = spaced_value(text, "pgfault");
	maj0 = spaced_value(text, "pgmajfault");
	free0 = spaced_value(text, "pgfree");
	cache0 = spaced_value(text, "nr_file_pages");
	alloc0 = spaced_value(text, "pgalloc_high");
	around0 = spaced_value(text, "pgfault_around");
	ahead0 = spaced_value(text, "pgalloc_ahead");
	EXPECT_LE(0, around0);
	EXPECT_LE(0, ahead0);

	self->fd = svm_object_open(O_RDWR, 1, 100 * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, 100 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	memset(a, 1, 100 * PG);
	EXPECT_EQ(cache0 + 100, svm_vmstat("nr_file_pages"));
	EXPECT_EQ(cache0 + 100, svm_vmstat("nr_inactive_file"));
	/* Fewer faults than pages: each maps its page and its window's. */
	faults = svm_vmstat("pgfault") - fault0;
	EXPECT_LE(1, faults);
	EXPECT_GT(100 / 4, faults);
	EXPECT_EQ(100, faults + svm_vmstat("pgfault_around") - around0);
	EXPECT_EQ(100, svm_vmstat("pgmajfault") - maj0 +
		       svm_vmstat("pgalloc_ahead") - ahead0);
	/* The faulting writes are known dirty; the rest when unmapped. */
	EXPECT_EQ(faults, svm_vmstat("nr_dirty"));
	/* User pages come from HIGHMEM first (HIGHUSER, 4 MiB of 16). */
	EXPECT_LE(alloc0 + 100, svm_vmstat("pgalloc_high"));
	munmap(a, 100 * PG);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(cache0, svm_vmstat("nr_file_pages"));
	EXPECT_EQ(0, svm_vmstat("nr_dirty"));
	EXPECT_LE(free0 + 100, svm_vmstat("pgfree"));
}

/*
 * Access through another address space's view: ptrace peeks and pokes
 * and /proc/PID/mem find no page through get_user_pages() (VM_IO) and
 * fall back on ->access, which goes through the object's page cache:
 * data written either way is seen the other way, and an access past the
 * object's end is EIO.
 */
TEST_F(mm, remote_access)
{
	unsigned char *a, buf[16];
	int status, memfd;
	pid_t pid;
	long word;

	self->fd = svm_object_open(O_RDWR, 1, 2 * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	memset(a, 0x3c, PG);

	memfd = open("/proc/self/mem", O_RDWR);
	ASSERT_GE(memfd, 0);
	ASSERT_EQ((ssize_t)sizeof(buf),
		  pread(memfd, buf, sizeof(buf), (off_t)(uintptr_t)a + 8));
	EXPECT_EQ(0x3c, buf[0]);
	EXPECT_EQ(0x3c, buf[sizeof(buf) - 1]);
	/* Page 1 is a hole: zeros, and a page once written. */
	ASSERT_EQ((ssize_t)sizeof(buf),
		  pread(memfd, buf, sizeof(buf), (off_t)(uintptr_t)a + PG));
	EXPECT_EQ(0, buf[0]);
	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf),
		  pwrite(memfd, buf, sizeof(buf),
			 (off_t)(uintptr_t)a + 2 * PG - sizeof(buf)));
	EXPECT_EQ(0x5a, a[2 * PG - 1]);
	EXPECT_EQ(0x5a, a[2 * PG - sizeof(buf)]);
	EXPECT_EQ(0, a[2 * PG - sizeof(buf) - 1]);
	/* A write that runs past the end stops there. */
	EXPECT_EQ(4, pwrite(memfd, buf, sizeof(buf),
			    (off_t)(uintptr_t)a + 2 * PG - 4));
	/* Page 2 is mapped but past the object's end. */
	EXPECT_EQ(-1, pread(memfd, buf, sizeof(buf),
			    (off_t)(uintptr_t)a + 2 * PG));
	EXPECT_EQ(EIO, errno);
	close(memfd);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(a[0] == 0x3c && a[8] == 0x11 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, a, NULL);
	EXPECT_EQ(0, errno);
	EXPECT_EQ(0x3c3c3c3c3c3c3c3cUL, (unsigned long)word);
	EXPECT_EQ(0, ptrace(PTRACE_POKEDATA, pid, a + 8,
			    (void *)0x1111111111111111UL));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, pid, NULL, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The child's poke went to the shared page. */
	EXPECT_EQ(0x11, a[8]);
	EXPECT_EQ(0x3c, a[PG - 1]);
	munmap(a, 3 * PG);
}

/*
 * madvise() advice that needs what shadowvm mappings do not offer: hole
 * punching (MADV_REMOVE: the device is no regular file, ENODEV) and
 * prefaulting through get_user_pages() (MADV_POPULATE_*: VM_IO, EINVAL).
 * The mapping and its data are left as they were.
 */
TEST_F(mm, madvise_errno)
{
	unsigned char *a;

	self->fd = svm_object_open(O_RDWR, 1, 4 * PG);
	ASSERT_GE(self->fd, 0);
	a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	memset(a, 0x77, 4 * PG);
	EXPECT_EQ(-1, madvise(a, 4 * PG, MADV_REMOVE));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, madvise(a, 4 * PG, MADV_POPULATE_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, madvise(a, 4 * PG, MADV_POPULATE_WRITE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x77, a[0]);
	EXPECT_EQ(0x77, a[4 * PG - 1]);
	munmap(a, 4 * PG);
}

/*
 * A mapping reaching past the largest object (2^32 pages) is refused with
 * EOVERFLOW, as the kernel refuses a mapping past a file's largest offset,
 * and leaves the object's size alone; one ending exactly there is fine.
 */
TEST_F(mm, mmap_past_max_size)
{
	const off_t max = (off_t)1 << 44;
	struct shadowvm_object_stats st;
	int kmsg;
	void *a;

	kmsg = kmsg_open();
	ASSERT_GE(kmsg, 0);
	self->fd = svm_object_open(O_RDWR, 1, 0);
	ASSERT_GE(self->fd, 0);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, self->fd, max));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED,
				   self->fd, max - PG));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_TRUE(kmsg_contains(kmsg, "past the largest object"));
	close(kmsg);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(0, st.size);

	a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 max - PG);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(max, st.size);
	munmap(a, PG);
}

TEST_HARNESS_MAIN
