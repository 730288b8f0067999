// SPDX-License-Identifier: GPL-2.0
/*
 * swapoff_test - SHADOWVM_IOC_SWAPOFF and SHADOWVM_IOC_SWAPON at run time,
 * and swap I/O errors.
 *
 * swapoff brings every swapped page back into memory or, when shadow
 * memory cannot hold them, fails with ENOMEM and keeps the area, losing
 * nothing. Swap I/O errors come from a device-mapper device over the
 * guest's scratch disk /dev/vda, driven with the DM ioctls directly: a
 * range of "error" target makes the writes to its slots fail, a table of
 * "error" only makes every read fail. Each page holds a pattern derived
 * from (object, page, generation): a page lost, stale, zeroed or another
 * object's is caught.
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
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dm-ioctl.h>
#include <linux/fs.h>
#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_fuzz.h"
#include "svm_test.h"

/* Seconds a test may take: the debug kernel under TCG is slow. */
#define TIMEOUT		600
#define PAGE		((unsigned long)sysconf(_SC_PAGESIZE))
#define WORDS		(PAGE / sizeof(uint64_t))
#define MB		(1024UL * 1024)
#define SWAPDEV		"/dev/vda"
#define DM_NAME		"svm-swapoff"
/* Slots 1-63 of the dm device fail their writes (slot 0 is the header). */
#define BAD_FIRST	1
#define BAD_SLOTS	63

/*
 * A page caught while a writer moves it from generation @gen to @gen + 1:
 * each word is of one or the other, never anything else.
 */
static int check_mixed(const char *buf, uint64_t p, uint64_t seed,
		       uint64_t gen)
{
	const unsigned char *b = (const unsigned char *)buf;
	uint64_t v1 = svm_page_pattern(seed, p, gen);
	uint64_t v2 = svm_page_pattern(seed, p, gen + 1), w;
	unsigned int k;

	/*
	 * Byte by byte: the copy to the reader's buffer need not read a
	 * word the writer is storing in one piece, so a word may be torn
	 * between the two generations (x86 is little-endian).
	 */
	for (w = 0; w < WORDS; w++)
		for (k = 0; k < 8; k++) {
			unsigned char x = b[w * 8 + k];

			if (x != (unsigned char)((v1 + w) >> (8 * k)) &&
			    x != (unsigned char)((v2 + w) >> (8 * k)))
				return 1;
		}
	return 0;
}

static void fill(char *map, uint64_t pages, uint64_t seed, uint64_t gen)
{
	uint64_t p;

	for (p = 0; p < pages; p++)
		svm_fill_page(map + p * PAGE, p, seed, gen);
}

/* Pages of @map that do not hold generation @gen. */
static long verify(const char *map, uint64_t pages, uint64_t seed,
		   uint64_t gen)
{
	long bad = 0;
	uint64_t p;

	for (p = 0; p < pages; p++)
		bad += svm_check_page(map + p * PAGE, p, seed, gen);
	return bad;
}

static char *map_object(int fd, unsigned long size)
{
	char *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return map == MAP_FAILED ? NULL : map;
}

static int swap_ioctl(int fd, unsigned long cmd, const char *path,
		      unsigned int flags)
{
	struct shadowvm_swap_args a = { .flags = flags };

	snprintf(a.path, sizeof(a.path), "%s", path);
	return ioctl(fd, cmd, &a) ? -errno : 0;
}

/* Loads shadowvm with @mb MiB; with @swap, /dev/vda freshly formatted. */
static int load(int mb, int swap)
{
	char params[128];

	snprintf(params, sizeof(params), "mem=%dM%s", mb,
		 swap ? " swapdev=" SWAPDEV " swapdev_format=1" : "");
	return svm_load(params);
}

/* Waits (2 s at most) for completed writes to be reaped. */
static void settle(void)
{
	int i;

	for (i = 0; i < 100 && (svm_swapinfo("writes_inflight") > 0 ||
				svm_swapinfo("written_unreaped") > 0); i++)
		usleep(20000);
}

struct object {
	int fd;
	unsigned long size;
	char *map;
};

static int object_fill(struct object *o, unsigned long size, uint64_t seed)
{
	o->size = size;
	o->fd = svm_object_open(O_RDWR, 1, size);
	if (o->fd < 0)
		return o->fd;
	o->map = map_object(o->fd, size);
	if (!o->map)
		return -ENOMEM;
	fill(o->map, size / PAGE, seed, 1);
	return 0;
}

static void object_close(struct object *o)
{
	if (o->map)
		munmap(o->map, o->size);
	if (o->fd >= 0)
		close(o->fd);
	o->map = NULL;
	o->fd = -1;
}

static long long swapped(struct object *o)
{
	struct shadowvm_object_stats st;

	if (ioctl(o->fd, SHADOWVM_IOC_GET_STATS, &st))
		return -1;
	return st.swapped_pages;
}

/*
 * Object A written, then pushed out to swap by object B, twice the size
 * of shadow memory, which is then closed: A lies mostly on swap, and
 * memory is free to take it back.
 */
static int swap_out_then_free(struct object *a, unsigned long asize,
			      uint64_t seed, int mb)
{
	struct object b = { .fd = -1 };
	int ret = object_fill(a, asize, seed);

	if (!ret)
		ret = object_fill(&b, 2UL * mb * MB, seed + 100);
	object_close(&b);
	settle();
	return ret;
}

FIXTURE(swapoff) {
	int unused;
};

FIXTURE_SETUP(swapoff)
{
	ASSERT_FALSE(svm_loaded());
}

/* A test that failed half-way leaves no module loaded for the next. */
FIXTURE_TEARDOWN(swapoff)
{
	if (svm_loaded())
		svm_unload();
}

/* Everything fits: swapoff brings it all back, dirty, and detaches. */
TEST_F_TIMEOUT(swapoff, fits, TIMEOUT)
{
	struct object a = { .fd = -1 };
	struct shadowvm_object_stats st;
	unsigned long pages = 3 * MB / PAGE;
	long long before;
	char check[4096];

	ASSERT_EQ(0, load(8, 1));
	ASSERT_EQ(0, swap_out_then_free(&a, 3 * MB, 1, 8));
	before = swapped(&a);
	ASSERT_GT(before, pages / 4);
	ASSERT_GT(svm_swapinfo("slots_inuse"), pages / 4);

	ASSERT_EQ(0, swap_ioctl(a.fd, SHADOWVM_IOC_SWAPOFF, SWAPDEV, 0));
	/* No area any more: swapinfo lists none. */
	EXPECT_EQ(-1, svm_swapinfo("slots_inuse"));
	ASSERT_EQ(0, ioctl(a.fd, SHADOWVM_IOC_GET_STATS, &st));
	EXPECT_EQ(0, st.swapped_pages);
	EXPECT_EQ(pages, st.resident_pages);
	/* Brought back dirty: no copy of them is left anywhere else. */
	EXPECT_GE(st.dirty_pages, before);
	EXPECT_EQ(0, verify(a.map, pages, 1, 1));
	/* A second swapoff has nothing to detach. */
	EXPECT_EQ(-EINVAL, swap_ioctl(a.fd, SHADOWVM_IOC_SWAPOFF, SWAPDEV, 0));
	/* The selfcheck of an instance whose area is detached. */
	ASSERT_LT(0, svm_fuzz_selfcheck(check, sizeof(check)));
	EXPECT_STREQ("ok\n", check);
	object_close(&a);
	EXPECT_EQ(0, svm_vmstat("nr_file_pages"));
	EXPECT_EQ(0, svm_unload());
}

/*
 * Too little memory: ENOMEM, and the area stays attached and in use,
 * slots handed out again; every byte is still there.
 */
TEST_F_TIMEOUT(swapoff, enomem, TIMEOUT)
{
	struct object a = { .fd = -1 };
	unsigned long pages = 8 * MB / PAGE;
	long long before;

	ASSERT_EQ(0, load(4, 1));
	ASSERT_EQ(0, object_fill(&a, 8 * MB, 2));
	settle();
	before = swapped(&a);
	ASSERT_GT(before, pages / 2);
	EXPECT_EQ(-ENOMEM, swap_ioctl(a.fd, SHADOWVM_IOC_SWAPOFF, SWAPDEV, 0));
	EXPECT_EQ(1, svm_swapinfo("writeok"));
	EXPECT_GT(svm_swapinfo("slots_inuse"), 0);
	EXPECT_GT(swapped(&a), 0);
	/* The area works on: rewritten and read back through swap. */
	EXPECT_EQ(0, verify(a.map, pages, 2, 1));
	fill(a.map, pages, 2, 2);
	EXPECT_EQ(0, verify(a.map, pages, 2, 2));
	object_close(&a);
	settle();
	EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
	EXPECT_EQ(0, svm_unload());
}

/*
 * swapon at run time: on the header the load wrote, EBUSY while an area
 * is attached, EPERM without CAP_SYS_ADMIN, EINVAL for another device;
 * swap works again afterwards.
 */
TEST_F_TIMEOUT(swapoff, swapon_again, TIMEOUT)
{
	struct object a = { .fd = -1 }, b = { .fd = -1 };
	unsigned long pages = 8 * MB / PAGE;
	int fd, status;
	long long out;
	pid_t pid;

	ASSERT_EQ(0, load(4, 1));
	fd = svm_object_open(O_RDWR, 0, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EBUSY, swap_ioctl(fd, SHADOWVM_IOC_SWAPON, SWAPDEV, 0));
	EXPECT_EQ(-EINVAL, swap_ioctl(fd, SHADOWVM_IOC_SWAPOFF, "/dev/vdb", 0));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (setuid(65534))
			_exit(2);
		_exit(swap_ioctl(fd, SHADOWVM_IOC_SWAPOFF, SWAPDEV, 0) ==
		      -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	ASSERT_EQ(0, swap_ioctl(fd, SHADOWVM_IOC_SWAPOFF, SWAPDEV, 0));
	ASSERT_EQ(0, swap_ioctl(fd, SHADOWVM_IOC_SWAPON, SWAPDEV, 0));
	EXPECT_EQ(-EBUSY, swap_ioctl(fd, SHADOWVM_IOC_SWAPON, SWAPDEV, 0));
	EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
	EXPECT_EQ(1, svm_swapinfo("writeok"));
	out = svm_vmstat("pswpout");
	ASSERT_EQ(0, object_fill(&a, 8 * MB, 3));
	EXPECT_GT(svm_vmstat("pswpout") - out, pages / 2);
	EXPECT_EQ(0, verify(a.map, pages, 3, 1));
	object_close(&a);
	settle();
	/* Off and on again, with a fresh header this time. */
	ASSERT_EQ(0, swap_ioctl(fd, SHADOWVM_IOC_SWAPOFF, SWAPDEV, 0));
	ASSERT_EQ(0, swap_ioctl(fd, SHADOWVM_IOC_SWAPON, SWAPDEV,
				SHADOWVM_SWAP_FORMAT));
	ASSERT_EQ(0, object_fill(&b, 8 * MB, 4));
	EXPECT_EQ(0, verify(b.map, pages, 4, 1));
	object_close(&b);
	close(fd);
	settle();
	EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
	EXPECT_EQ(0, svm_unload());
}

struct racer {
	struct object *o;
	uint64_t seed;
	long bad;
	int stop;
	/* What the first bad read was, for the log. */
	long first_page;
	int first_errno;
	int first_zero;
};

/* Rewrites every page with generation 2 through the mapping. */
static void *writer(void *arg)
{
	struct racer *r = arg;

	fill(r->o->map, r->o->size / PAGE, r->seed, 2);
	return NULL;
}

/*
 * read()s pages until told to stop: each word is of generation 1 or 2
 * (the writer may be half-way through the page), never zeros nor stale.
 */
static void *reader(void *arg)
{
	struct racer *r = arg;
	unsigned long pages = r->o->size / PAGE, p = 0;
	char buf[PAGE];

	r->first_page = -1;
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		ssize_t n = pread(r->o->fd, buf, PAGE, p * PAGE);

		if (n != PAGE || check_mixed(buf, p, r->seed, 1)) {
			if (!r->bad++) {
				r->first_page = p;
				r->first_errno = n < 0 ? errno : 0;
				r->first_zero = n == PAGE &&
						!memcmp(buf, buf + 1, PAGE - 1) &&
						!buf[0];
			}
		}
		p = (p + 7) % pages;
	}
	return NULL;
}

/* Truncates the object to nothing once swapoff is under way. */
static void *truncater(void *arg)
{
	struct object *o = arg;
	uint64_t zero = 0;

	usleep(50000);
	return (void *)(long)ioctl(o->fd, SHADOWVM_IOC_SET_SIZE, &zero);
}

/*
 * swapoff while a writer faults the pages back itself, a reader read()s
 * them and a third object is truncated: every page ends up with the
 * writer's data, the truncated object with nothing.
 */
TEST_F_TIMEOUT(swapoff, race, TIMEOUT)
{
	struct object a = { .fd = -1 }, c = { .fd = -1 };
	unsigned long pages = 3 * MB / PAGE;
	struct racer w, rd;
	pthread_t tw, tr, tt;
	void *tret;
	int ret;

	ASSERT_EQ(0, load(8, 1));
	ASSERT_EQ(0, object_fill(&c, 1 * MB, 6));
	ASSERT_EQ(0, swap_out_then_free(&a, 3 * MB, 5, 8));
	ASSERT_GT(swapped(&a), pages / 4);
	w = (struct racer){ .o = &a, .seed = 5 };
	rd = (struct racer){ .o = &a, .seed = 5 };
	ASSERT_EQ(0, pthread_create(&tw, NULL, writer, &w));
	ASSERT_EQ(0, pthread_create(&tr, NULL, reader, &rd));
	ASSERT_EQ(0, pthread_create(&tt, NULL, truncater, &c));
	ret = swap_ioctl(a.fd, SHADOWVM_IOC_SWAPOFF, SWAPDEV, 0);
	EXPECT_EQ(0, ret);
	pthread_join(tt, &tret);
	EXPECT_EQ(0, (long)tret);
	pthread_join(tw, NULL);
	__atomic_store_n(&rd.stop, 1, __ATOMIC_RELAXED);
	pthread_join(tr, NULL);
	EXPECT_EQ(0, rd.bad)
		TH_LOG("first bad read: page %ld, errno %d, all zero %d",
		       rd.first_page, rd.first_errno, rd.first_zero);
	EXPECT_EQ(0, swapped(&a));
	EXPECT_EQ(0, swapped(&c));
	EXPECT_EQ(0, verify(a.map, pages, 5, 2));
	object_close(&a);
	munmap(c.map, c.size);
	c.map = NULL;
	object_close(&c);
	EXPECT_EQ(0, svm_vmstat("nr_file_pages"));
	EXPECT_EQ(0, svm_unload());
}

/* Device-mapper, through its ioctls: no dmsetup in the guest. */
struct dm_req {
	struct dm_ioctl io;
	char data[4096];
};

static void dm_init(struct dm_req *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->io.version[0] = DM_VERSION_MAJOR;
	r->io.data_size = sizeof(*r);
	r->io.data_start = sizeof(r->io);
	snprintf(r->io.name, sizeof(r->io.name), "%s", name);
}

struct dm_target {
	const char *type;
	uint64_t start, len;
	char params[64];
};

static int dm_load(int ctl, const struct dm_target *t, int n)
{
	struct dm_req r;
	size_t off = 0;
	int i;

	dm_init(&r, DM_NAME);
	for (i = 0; i < n; i++) {
		struct dm_target_spec *s = (void *)(r.data + off);
		size_t plen = strlen(t[i].params) + 1;
		size_t len = (sizeof(*s) + plen + 7) & ~7UL;

		s->sector_start = t[i].start;
		s->length = t[i].len;
		snprintf(s->target_type, sizeof(s->target_type), "%s",
			 t[i].type);
		memcpy(s + 1, t[i].params, plen);
		s->next = len;
		off += len;
	}
	r.io.target_count = n;
	if (ioctl(ctl, DM_TABLE_LOAD, &r))
		return -errno;
	/* Suspend, then resume with the new table. */
	dm_init(&r, DM_NAME);
	r.io.flags = DM_SUSPEND_FLAG;
	if (ioctl(ctl, DM_DEV_SUSPEND, &r))
		return -errno;
	dm_init(&r, DM_NAME);
	return ioctl(ctl, DM_DEV_SUSPEND, &r) ? -errno : 0;
}

/*
 * The tables: all of /dev/vda; with @bad_writes, slots BAD_FIRST to
 * BAD_FIRST + BAD_SLOTS - 1 on "error"; with @all_error, nothing but
 * "error".
 */
static int dm_set(int ctl, uint64_t sectors, int bad_writes, int all_error)
{
	struct dm_target t[3];
	uint64_t b0 = BAD_FIRST * 8, b1 = (BAD_FIRST + BAD_SLOTS) * 8;

	if (all_error) {
		t[0] = (struct dm_target){ "error", 0, sectors, "" };
		return dm_load(ctl, t, 1);
	}
	if (!bad_writes) {
		t[0] = (struct dm_target){ "linear", 0, sectors, "" };
		snprintf(t[0].params, sizeof(t[0].params), "%s 0", SWAPDEV);
		return dm_load(ctl, t, 1);
	}
	t[0] = (struct dm_target){ "linear", 0, b0, "" };
	snprintf(t[0].params, sizeof(t[0].params), "%s 0", SWAPDEV);
	t[1] = (struct dm_target){ "error", b0, b1 - b0, "" };
	t[2] = (struct dm_target){ "linear", b1, sectors - b1, "" };
	snprintf(t[2].params, sizeof(t[2].params), "%s %llu", SWAPDEV,
		 (unsigned long long)b1);
	return dm_load(ctl, t, 3);
}

FIXTURE(dm) {
	int ctl;
	uint64_t sectors;
	char path[64];
};

FIXTURE_SETUP(dm)
{
	struct dm_req r;
	uint64_t bytes;
	int fd;

	self->ctl = open("/dev/mapper/control", O_RDWR);
	if (self->ctl < 0)
		SKIP(return, "no device-mapper in this kernel: %s",
		     strerror(errno));
	fd = open(SWAPDEV, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &bytes));
	close(fd);
	self->sectors = bytes >> 9;
	dm_init(&r, DM_NAME);
	ASSERT_EQ(0, ioctl(self->ctl, DM_DEV_CREATE, &r));
	snprintf(self->path, sizeof(self->path), "/dev/dm-%u",
		 (unsigned int)((r.io.dev & 0xff) | ((r.io.dev >> 12) & 0xfff00)));
	ASSERT_EQ(0, dm_set(self->ctl, self->sectors, 0, 0));
	ASSERT_EQ(0, load(4, 0));
}

FIXTURE_TEARDOWN(dm)
{
	struct dm_req r;

	if (self->ctl < 0)
		return;
	if (svm_loaded())
		EXPECT_EQ(0, svm_unload());
	dm_init(&r, DM_NAME);
	EXPECT_EQ(0, ioctl(self->ctl, DM_DEV_REMOVE, &r));
	close(self->ctl);
}

/*
 * Writes to 63 slots fail: each page stays in memory and is written again
 * to another slot; the 63 slots are marked bad and counted; every byte
 * comes back.
 */
TEST_F_TIMEOUT(dm, write_errors, TIMEOUT)
{
	struct object a = { .fd = -1 };
	unsigned long pages = 8 * MB / PAGE;
	char check[4096];
	long long slots;
	int ctl = svm_object_open(O_RDWR, 0, 0);

	ASSERT_GE(ctl, 0);
	ASSERT_EQ(0, swap_ioctl(ctl, SHADOWVM_IOC_SWAPON, self->path,
				SHADOWVM_SWAP_FORMAT));
	close(ctl);
	slots = svm_swapinfo("slots");
	ASSERT_EQ(0, dm_set(self->ctl, self->sectors, 1, 0));
	ASSERT_EQ(0, object_fill(&a, 8 * MB, 7));
	EXPECT_EQ(0, verify(a.map, pages, 7, 1));
	settle();
	EXPECT_EQ(BAD_SLOTS, svm_swapinfo("bad_slots"));
	EXPECT_EQ(slots - BAD_SLOTS, svm_swapinfo("slots"));
	EXPECT_EQ(BAD_SLOTS, svm_vmstat("swap_bad_slots"));
	EXPECT_EQ(BAD_SLOTS, svm_vmstat("swap_write_errors"));
	EXPECT_EQ(0, svm_vmstat("swap_read_errors"));
	EXPECT_GT(svm_vmstat("pswpout"), pages / 2);
	/* The selfcheck counts the slots a write failed on as bad ones. */
	ASSERT_LT(0, svm_fuzz_selfcheck(check, sizeof(check)));
	EXPECT_STREQ("ok\n", check);
	object_close(&a);
	settle();
	EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
}

/*
 * Every read fails: a process touching a swapped-out page gets SIGBUS and
 * read() gets EIO, never other data; once the device reads again, the
 * next access reads the page, intact.
 */
TEST_F_TIMEOUT(dm, read_errors, TIMEOUT)
{
	struct object a = { .fd = -1 };
	unsigned long pages = 8 * MB / PAGE, p, first = pages;
	int sigbus = 0, other = 0, sig, ctl;
	char buf[PAGE], check[4096];
	ssize_t n;

	ctl = svm_object_open(O_RDWR, 0, 0);
	ASSERT_GE(ctl, 0);
	ASSERT_EQ(0, swap_ioctl(ctl, SHADOWVM_IOC_SWAPON, self->path,
				SHADOWVM_SWAP_FORMAT));
	ASSERT_EQ(0, object_fill(&a, 8 * MB, 8));
	settle();
	ASSERT_GT(swapped(&a), pages / 2);
	ASSERT_EQ(0, dm_set(self->ctl, self->sectors, 0, 1));
	/* The first pages were written first: they are on swap. */
	for (p = 0; p < 32; p++) {
		sig = access_signal((unsigned char *)a.map + p * PAGE, 0);
		if (sig == SIGBUS) {
			if (!sigbus++)
				first = p;
		} else if (sig) {
			other++;
		}
	}
	ASSERT_GT(sigbus, 0);
	EXPECT_EQ(0, other);
	/* Again, and through read(): the same error, no data. */
	EXPECT_EQ(SIGBUS, access_signal((unsigned char *)a.map + first * PAGE,
					0));
	n = pread(a.fd, buf, PAGE, first * PAGE);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EIO, errno);
	EXPECT_GE(svm_vmstat("swap_read_errors"), sigbus);
	/* Every SIGBUS of a fault, and only those, counted as such. */
	EXPECT_EQ(sigbus + 1, svm_vmstat("pgfault_eio"));
	EXPECT_EQ(0, svm_vmstat("pgfault_nomem"));
	ASSERT_LT(0, svm_fuzz_selfcheck(check, sizeof(check)));
	EXPECT_STREQ("ok\n", check);
	/* swapoff cannot read them either: EIO, the area stays. */
	EXPECT_EQ(-EIO, swap_ioctl(ctl, SHADOWVM_IOC_SWAPOFF, self->path, 0));
	EXPECT_EQ(1, svm_swapinfo("writeok"));
	/* The device reads again: so does the next access, intact. */
	ASSERT_EQ(0, dm_set(self->ctl, self->sectors, 0, 0));
	EXPECT_EQ(PAGE, pread(a.fd, buf, PAGE, first * PAGE));
	EXPECT_EQ(0, svm_check_page(buf, first, 8, 1));
	EXPECT_EQ(0, verify(a.map, pages, 8, 1));
	object_close(&a);
	close(ctl);
	settle();
	EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
}

TEST_HARNESS_MAIN
