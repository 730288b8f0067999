// SPDX-License-Identifier: GPL-2.0
/*
 * integrity_test - every byte of /dev/shadowvm objects, checked against a
 * model while processes and threads write, map, unmap, truncate, fork and
 * create and destroy objects, racing reclaim, kswapd and swap.
 *
 * The model is exact despite the concurrency: every page of a checked
 * object has one owner (a thread), the only one that changes its data.
 * The owner keeps a generation number per page; a page of generation g > 0
 * holds a header (magic, object, page, g, checksum of the body) and a body
 * derived from (seed, object, page, g); generation 0 is all zeros (never
 * written, or cut by a truncation its owner made). Other threads and
 * processes meanwhile do what must not change data: map, read-touch,
 * MADV_DONTNEED, munmap, pread, SHADOWVM_IOC_DROP_CLEAN, GET_STATS. A
 * mismatch is reported with its object, page, byte offset, expected and
 * found byte, and what the page holds instead (an older generation: a
 * lost write).
 *
 * After each case every object is read back whole, closed, and the
 * module's books must balance: no pgcache_leak, no BadFrees, as many
 * pages free as before the case, and after rmmod no "destroyed with N
 * pages allocated", "still in use", "not freed" or "refused" line.
 *
 * Duration: INTEGRITY_SECONDS (default 60, 30 on a kernel with kmemleak)
 * is shared by the cases in proportion to their weight; the work done in that time depends on the
 * kernel (under TCG the debug kernel does a tenth of it or less).
 * INTEGRITY_SEED changes the seed (printed by each case).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define PAGE		((unsigned long)sysconf(_SC_PAGESIZE))
#define WORDS		(PAGE / sizeof(uint64_t))
#define HDR_WORDS	4
#define MAGIC		0x5356d4494e544547ULL
#define GOLDEN		0x9e3779b97f4a7c15ULL
/* Pages an owner takes at a time; owners interleave by chunks. */
#define CHUNK		16
#define MAX_OBJ		8
#define MAX_REPORTS	8
/* Churned objects are at most this many pages. */
#define CHURN_PAGES	32
/* Objects of the race cases. */
#define RACE_PAGES	64
#define DEFAULT_SECONDS	60
/* Setup, final read-back and settling on top of a case's own time. */
#define SLACK_SECONDS	900

/* Where a mismatch was seen, as printed. */
struct report {
	char via[16];
	uint32_t obj, page, off, exp_gen;
	uint8_t exp, got;
	char holds[64];
};

/* Figures of a case, in memory shared by all its processes. */
struct stats {
	long ops, bytes, mismatches, errors, sigbus, forks;
	long truncations, objects, vmsplices, enospc;
	int nreports;
	struct report report[MAX_REPORTS];
};

/* One checked object; @gen (shared memory) is its model. */
struct obj {
	int fd;
	uint32_t id, pages;
	/* Pages [own_from, pages) belong to the truncator, cut no lower. */
	uint32_t trunc_from;
	int truncatable;
	/* Checked by its writers against their own byte model, not @gen. */
	int own_model;
	const char *name;
	uint32_t *gen;
};

struct ctx {
	double deadline;
	uint64_t seed;
	int nobj;		/* data objects first, then the truncated one */
	int ndata;		/* objects split among owners */
	int nowners;
	struct obj obj[MAX_OBJ];
	struct stats *st;
};

/* Process-local: this process's long-lived mapping of each object. */
static char *lmap[MAX_OBJ];

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint32_t rnd(uint64_t *s)
{
	*s += GOLDEN;
	return mix64(*s) >> 32;
}

/*
 * The whole budget in seconds: INTEGRITY_SECONDS, else DEFAULT_SECONDS,
 * halved on a kernel with kmemleak (the debug kernel): its fixed costs,
 * loads and the final read-back through swap, are several times longer.
 */
static double total_seconds(void)
{
	const char *e = getenv("INTEGRITY_SECONDS");
	double total = e ? atof(e) : 0;

	if (total > 0)
		return total;
	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		return DEFAULT_SECONDS / 2;
	return DEFAULT_SECONDS;
}

static double case_seconds(double weight)
{
	return total_seconds() * weight;
}

static uint64_t case_seed(int n)
{
	const char *e = getenv("INTEGRITY_SEED");

	return (e ? strtoull(e, NULL, 0) : 0x5eed1e55ULL) * 1000 + n;
}

/* The contents of generation @gen of page @page of object @obj. */
static void fill_page(char *buf, uint64_t seed, uint32_t obj, uint32_t page,
		      uint32_t gen)
{
	uint64_t *q = (uint64_t *)buf, base, sum = 0, w;

	if (!gen) {
		memset(buf, 0, PAGE);
		return;
	}
	base = mix64(seed ^ (uint64_t)obj << 44 ^ (uint64_t)page << 12 ^ gen);
	for (w = HDR_WORDS; w < WORDS; w++) {
		q[w] = base ^ (w * GOLDEN);
		sum += q[w] * (2 * w + 1);
	}
	q[0] = MAGIC;
	q[1] = (uint64_t)obj << 32 | page;
	q[2] = gen;
	q[3] = sum;
}

/* What a page that is not what the model says holds, in words. */
static void describe(const char *buf, uint32_t obj, uint32_t page,
		     char *out, size_t len)
{
	const uint64_t *q = (const uint64_t *)buf;
	uint64_t sum = 0, w;

	for (w = 0; w < WORDS && !q[w]; w++)
		;
	if (w == WORDS) {
		snprintf(out, len, "zeros");
		return;
	}
	if (q[0] != MAGIC) {
		snprintf(out, len, "no header");
		return;
	}
	for (w = HDR_WORDS; w < WORDS; w++)
		sum += q[w] * (2 * w + 1);
	if (q[1] != ((uint64_t)obj << 32 | page))
		snprintf(out, len, "obj %u page %u gen %u (misplaced)",
			 (uint32_t)(q[1] >> 32), (uint32_t)q[1], (uint32_t)q[2]);
	else
		snprintf(out, len, "gen %u, checksum %s", (uint32_t)q[2],
			 sum == q[3] ? "ok" : "bad (torn)");
}

/* Room for the report of a mismatch, or NULL when enough were reported. */
static struct report *add_report(struct ctx *c, const char *via, uint32_t obj,
				 uint32_t page, uint32_t off, uint8_t exp,
				 uint8_t got)
{
	int n = __atomic_fetch_add(&c->st->nreports, 1, __ATOMIC_RELAXED);
	struct report *r;

	if (n >= MAX_REPORTS)
		return NULL;
	r = &c->st->report[n];
	snprintf(r->via, sizeof(r->via), "%s", via);
	r->obj = obj;
	r->page = page;
	r->off = off;
	r->exp = exp;
	r->got = got;
	snprintf(r->holds, sizeof(r->holds), "-");
	return r;
}

/*
 * Compares one page with generation @gen of the model; a mismatch counts
 * every differing byte and is reported (the first MAX_REPORTS). Returns
 * the number of differing bytes.
 */
static long check_page(struct ctx *c, const char *got, uint32_t obj,
		       uint32_t page, uint32_t gen, const char *via)
{
	char exp[PAGE];
	long bad = 0, first = -1, i;
	struct report *r;

	fill_page(exp, c->seed, obj, page, gen);
	__atomic_add_fetch(&c->st->bytes, PAGE, __ATOMIC_RELAXED);
	if (!memcmp(exp, got, PAGE))
		return 0;
	for (i = 0; i < (long)PAGE; i++)
		if (exp[i] != got[i]) {
			bad++;
			if (first < 0)
				first = i;
		}
	__atomic_add_fetch(&c->st->mismatches, bad, __ATOMIC_RELAXED);
	r = add_report(c, via, obj, page, first, exp[first], got[first]);
	if (r) {
		r->exp_gen = gen;
		describe(got, obj, page, r->holds, sizeof(r->holds));
	}
	return bad;
}

static void error(struct ctx *c, const char *what)
{
	if (__atomic_fetch_add(&c->st->errors, 1, __ATOMIC_RELAXED) < 4)
		printf("# unexpected: %s: %s\n", what, strerror(errno));
}

static void op_done(struct ctx *c)
{
	__atomic_add_fetch(&c->st->ops, 1, __ATOMIC_RELAXED);
}

static int time_left(struct ctx *c)
{
	return svm_now() < c->deadline;
}

/*
 * Accesses past an object's size raise SIGBUS: racing threads touch a
 * truncated object under a per-thread guard. An unguarded SIGBUS kills
 * the process as usual.
 */
static __thread sigjmp_buf bus_jmp;
static __thread int bus_armed;

static void on_sigbus(int sig)
{
	if (__atomic_load_n(&bus_armed, __ATOMIC_RELAXED)) {
		__atomic_store_n(&bus_armed, 0, __ATOMIC_RELAXED);
		siglongjmp(bus_jmp, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * The handler must see the flag in the order of the accesses it guards:
 * a compiler barrier each way, as for any flag shared with a handler.
 */
static void bus_armed_set(int on)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&bus_armed, on, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Reads one word of every page in [from, to); 0, or -1 on SIGBUS. */
static int touch_pages(struct ctx *c, const char *map, uint32_t from,
		       uint32_t to)
{
	uint64_t sum = 0;
	uint32_t p;

	if (sigsetjmp(bus_jmp, 1)) {
		__atomic_add_fetch(&c->st->sigbus, 1, __ATOMIC_RELAXED);
		return -1;
	}
	bus_armed_set(1);
	for (p = from; p < to; p++)
		sum += __atomic_load_n((const uint64_t *)(map + (size_t)p * PAGE),
				       __ATOMIC_RELAXED);
	bus_armed_set(0);
	return sum == 1;	/* never: keeps the loads */
}

/* pread of page @p of @o checked against its generation @gen. */
static long verify_pread(struct ctx *c, struct obj *o, uint32_t p,
			 uint32_t gen)
{
	char buf[PAGE];

	if (pread(o->fd, buf, PAGE, (off_t)p * PAGE) != (ssize_t)PAGE) {
		error(c, "pread");
		return 1;
	}
	return check_page(c, buf, o->id, p, gen, "pread");
}

/* A page found wrong is rewritten as the model says, to count it once. */
static void repair(struct ctx *c, struct obj *o, uint32_t p)
{
	char buf[PAGE];

	fill_page(buf, c->seed, o->id, p, o->gen[p]);
	if (pwrite(o->fd, buf, PAGE, (off_t)p * PAGE) != (ssize_t)PAGE)
		error(c, "pwrite of the model");
}

static void write_pwrite(struct ctx *c, struct obj *o, uint32_t p)
{
	char buf[PAGE];

	fill_page(buf, c->seed, o->id, p, o->gen[p] + 1);
	if (pwrite(o->fd, buf, PAGE, (off_t)p * PAGE) != (ssize_t)PAGE) {
		/*
		 * ENOSPC: direct reclaim found no page, as the ABI allows;
		 * nothing was written. Counted and printed, not a mismatch.
		 */
		if (errno == ENOSPC)
			__atomic_add_fetch(&c->st->enospc, 1, __ATOMIC_RELAXED);
		else
			error(c, "pwrite");
		return;
	}
	o->gen[p]++;
}

/*
 * The dangerous case of write_notify=0: the page is read through the
 * mapping first (a read fault maps it), then written through the same
 * PTE with no fault the kernel sees. Half the time the second half of
 * the page goes by pwrite() instead, mixing both paths on one page.
 */
static long read_then_write_map(struct ctx *c, struct obj *o, char *map,
				uint32_t p, uint64_t *rs)
{
	char buf[PAGE];
	long bad;

	bad = check_page(c, map, o->id, p, o->gen[p], "map");
	if (bad)
		repair(c, o, p);
	fill_page(buf, c->seed, o->id, p, o->gen[p] + 1);
	if (rnd(rs) % 2) {
		memcpy(map, buf, PAGE);
	} else {
		memcpy(map, buf, PAGE / 2);
		if (pwrite(o->fd, buf + PAGE / 2, PAGE / 2,
			   (off_t)p * PAGE + PAGE / 2) != (ssize_t)(PAGE / 2)) {
			error(c, "pwrite (half)");
			memcpy(map + PAGE / 2, buf + PAGE / 2, PAGE / 2);
		}
	}
	o->gen[p]++;
	return bad;
}

/* One operation of owner @me on a chunk of its own in a data object. */
static void owner_step(struct ctx *c, int me, uint64_t *rs)
{
	struct obj *o = &c->obj[rnd(rs) % c->ndata];
	uint32_t chunks = o->pages / CHUNK / c->nowners;
	uint32_t first = (me + c->nowners * (rnd(rs) % chunks)) * CHUNK, p;
	char *m = lmap[o - c->obj], *fresh;
	int status;
	pid_t pid;

	switch (rnd(rs) % 6) {
	case 0:		/* read, then write, through the long-lived mapping */
		for (p = first; p < first + CHUNK; p++)
			read_then_write_map(c, o, m + p * PAGE, p, rs);
		break;
	case 1:		/* the same through a mapping of the chunk, remapped */
		fresh = mmap(NULL, CHUNK * PAGE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, o->fd, (off_t)first * PAGE);
		if (fresh == MAP_FAILED) {
			error(c, "mmap (chunk)");
			break;
		}
		for (p = first; p < first + CHUNK; p++)
			read_then_write_map(c, o, fresh + (p - first) * PAGE, p,
					    rs);
		if (rnd(rs) % 2)
			madvise(fresh, CHUNK * PAGE, MADV_DONTNEED);
		munmap(fresh, CHUNK * PAGE);
		fresh = mmap(NULL, CHUNK * PAGE, PROT_READ, MAP_SHARED, o->fd,
			     (off_t)first * PAGE);
		if (fresh == MAP_FAILED) {
			error(c, "mmap (remap)");
			break;
		}
		for (p = first; p < first + CHUNK; p++)
			if (check_page(c, fresh + (p - first) * PAGE, o->id, p,
				       o->gen[p], "remap"))
				repair(c, o, p);
		munmap(fresh, CHUNK * PAGE);
		break;
	case 2:		/* pwrite, read back through the mapping */
		for (p = first; p < first + CHUNK; p++)
			if (rnd(rs) % 2)
				write_pwrite(c, o, p);
		for (p = first; p < first + CHUNK; p++)
			if (check_page(c, m + p * PAGE, o->id, p, o->gen[p],
				       "map"))
				repair(c, o, p);
		break;
	case 3:		/* pread */
		for (p = first; p < first + CHUNK; p++)
			if (verify_pread(c, o, p, o->gen[p]))
				repair(c, o, p);
		break;
	case 4:		/* read through the long-lived mapping */
		for (p = first; p < first + CHUNK; p++)
			if (check_page(c, m + p * PAGE, o->id, p, o->gen[p],
				       "map"))
				repair(c, o, p);
		break;
	case 5:		/* a fork child writes through the inherited mapping */
		pid = fork();
		if (pid < 0) {
			error(c, "fork");
			break;
		}
		if (!pid) {
			char buf[PAGE];

			for (p = first; p < first + CHUNK; p++) {
				(void)__atomic_load_n(m + p * PAGE,
						      __ATOMIC_RELAXED);
				fill_page(buf, c->seed, o->id, p, o->gen[p] + 1);
				memcpy(m + p * PAGE, buf, PAGE);
			}
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			error(c, "fork child");
			break;
		}
		__atomic_add_fetch(&c->st->forks, 1, __ATOMIC_RELAXED);
		for (p = first; p < first + CHUNK; p++) {
			o->gen[p]++;
			if (verify_pread(c, o, p, o->gen[p]) ||
			    check_page(c, m + p * PAGE, o->id, p, o->gen[p],
				       "map after fork"))
				repair(c, o, p);
		}
		break;
	}
	op_done(c);
}

/*
 * Operations that must not change any data, on any object: mappings
 * made, read-touched, zapped and unmapped; zapping part of the process's
 * long-lived mapping under the owners' feet; DROP_CLEAN; pread.
 */
static void racer_step(struct ctx *c, uint64_t *rs)
{
	struct obj *o = &c->obj[rnd(rs) % c->nobj];
	uint32_t from = rnd(rs) % o->pages, n = 1 + rnd(rs) % (o->pages - from);
	struct shadowvm_object_stats st;
	char buf[CHUNK * PAGE], *m;
	int prot;

	switch (rnd(rs) % 6) {
	case 0:
		prot = rnd(rs) % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
		m = mmap(NULL, (size_t)n * PAGE, prot, MAP_SHARED, o->fd,
			 (off_t)from * PAGE);
		if (m == MAP_FAILED) {
			error(c, "mmap (racer)");
			break;
		}
		touch_pages(c, m, 0, n);
		if (rnd(rs) % 2)
			madvise(m, (size_t)n * PAGE, MADV_DONTNEED);
		munmap(m, (size_t)n * PAGE);
		break;
	case 1:
		madvise(lmap[o - c->obj] + (size_t)from * PAGE,
			(size_t)n * PAGE, MADV_DONTNEED);
		break;
	case 2:
		ioctl(o->fd, SHADOWVM_IOC_DROP_CLEAN, 0);
		break;
	case 3:
		n = n > CHUNK ? CHUNK : n;
		pread(o->fd, buf, (size_t)n * PAGE, (off_t)from * PAGE);
		break;
	case 4:
		touch_pages(c, lmap[o - c->obj], from, from + n);
		break;
	case 5:
		if (ioctl(o->fd, SHADOWVM_IOC_GET_STATS, &st))
			error(c, "GET_STATS");
		break;
	}
	op_done(c);
}

/*
 * The owner of pages [trunc_from, pages) of a truncatable object writes
 * them, checks them, and cuts the object down to a random size no lower
 * than trunc_from and back: the model says the cut pages read as zeros.
 * A cut to 0 also makes the object new again (sized by its mappings).
 */
static void trunc_step(struct ctx *c, struct obj *o, uint64_t *rs)
{
	unsigned long long size = (unsigned long long)o->pages * PAGE, cut;
	uint32_t p, lo = o->trunc_from, n = o->pages - lo, i;
	char *m = lmap[o - c->obj];

	switch (rnd(rs) % 4) {
	case 0:
		for (i = 0; i < 8; i++)
			write_pwrite(c, o, lo + rnd(rs) % n);
		break;
	case 1:
		for (i = 0; i < 8; i++) {
			p = lo + rnd(rs) % n;
			read_then_write_map(c, o, m + p * PAGE, p, rs);
		}
		break;
	case 2:
		for (p = lo; p < o->pages; p++) {
			if (verify_pread(c, o, p, o->gen[p]) ||
			    check_page(c, m + p * PAGE, o->id, p, o->gen[p],
				       "map"))
				repair(c, o, p);
		}
		break;
	case 3:
		cut = lo + rnd(rs) % n;
		for (p = cut; p < o->pages; p++)
			o->gen[p] = 0;
		cut *= PAGE;
		if (ioctl(o->fd, SHADOWVM_IOC_SET_SIZE, &cut) ||
		    ioctl(o->fd, SHADOWVM_IOC_SET_SIZE, &size))
			error(c, "SET_SIZE");
		__atomic_add_fetch(&c->st->truncations, 1, __ATOMIC_RELAXED);
		for (p = cut / PAGE; p < o->pages; p++)
			if (verify_pread(c, o, p, 0))
				repair(c, o, p);
		break;
	}
	op_done(c);
}

/*
 * A private object made, sized explicitly or by its mapping, written,
 * checked (sometimes by a fork child through the inherited mapping) and
 * destroyed. Its model is local: nobody else knows the object.
 */
static void churn_step(struct ctx *c, uint32_t id, uint64_t *rs)
{
	uint32_t n = 1 + rnd(rs) % CHURN_PAGES, p, gen[CHURN_PAGES] = { 0 };
	unsigned long long size = (unsigned long long)n * PAGE;
	struct obj o = { .id = id, .pages = n, .gen = gen };
	int explicit = rnd(rs) % 2, status;
	char *m;
	pid_t pid;

	o.fd = svm_object_open(O_RDWR, 1, explicit ? size : 0);
	if (o.fd < 0) {
		errno = -o.fd;
		error(c, "new object");
		return;
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, o.fd, 0);
	if (m == MAP_FAILED) {
		error(c, "mmap (churn)");
		close(o.fd);
		return;
	}
	for (p = 0; p < n; p++) {
		if (rnd(rs) % 2)
			read_then_write_map(c, &o, m + p * PAGE, p, rs);
		else
			write_pwrite(c, &o, p);
	}
	if (rnd(rs) % 4 == 0) {
		pid = fork();
		if (pid < 0) {
			error(c, "fork");
		} else if (!pid) {
			for (p = 0; p < n; p++)
				check_page(c, m + p * PAGE, id, p, gen[p],
					   "churn child");
			fill_page(m, c->seed, id, 0, gen[0] + 1);
			_exit(0);
		} else if (waitpid(pid, &status, 0) != pid ||
			   !WIFEXITED(status) || WEXITSTATUS(status)) {
			error(c, "fork child (churn)");
		} else {
			gen[0]++;
			__atomic_add_fetch(&c->st->forks, 1, __ATOMIC_RELAXED);
		}
	}
	for (p = 0; p < n; p++)
		verify_pread(c, &o, p, gen[p]);
	munmap(m, size);
	close(o.fd);
	__atomic_add_fetch(&c->st->objects, 1, __ATOMIC_RELAXED);
	op_done(c);
}

/* Roles of a thread; a single-threaded run takes them all in turn. */
enum { R_OWNER = 1, R_RACER = 2, R_TRUNC = 4, R_CHURN = 8 };

struct thread_arg {
	struct ctx *c;
	int roles, owner;
	uint64_t seed;
	pthread_t tid;
};

static void *thread_main(void *arg)
{
	struct thread_arg *a = arg;
	struct ctx *c = a->c;
	uint64_t rs = a->seed;
	uint32_t churned = 0;

	while (time_left(c)) {
		if (a->roles & R_OWNER)
			owner_step(c, a->owner, &rs);
		if (a->roles & R_RACER)
			racer_step(c, &rs);
		if (a->roles & R_TRUNC)
			trunc_step(c, &c->obj[c->nobj - 1], &rs);
		if (a->roles & R_CHURN)
			churn_step(c, 1000000 + 1000 * a->owner + churned++,
				   &rs);
	}
	return NULL;
}

/* Maps every object once for the whole process. */
static int map_all(struct ctx *c)
{
	int i;

	for (i = 0; i < c->nobj; i++) {
		lmap[i] = mmap(NULL, (size_t)c->obj[i].pages * PAGE,
			       PROT_READ | PROT_WRITE, MAP_SHARED,
			       c->obj[i].fd, 0);
		if (lmap[i] == MAP_FAILED)
			return -1;
	}
	return 0;
}

static void unmap_all(struct ctx *c)
{
	int i;

	for (i = 0; i < c->nobj; i++)
		munmap(lmap[i], (size_t)c->obj[i].pages * PAGE);
}

/*
 * One worker process of the stress case: @threads owners, a racer, and
 * in process 0 the truncator, in the last process the churner. With one
 * process of one thread, that thread does everything in turn.
 */
static int stress_process(struct ctx *c, int proc, int procs, int threads)
{
	struct thread_arg a[8];
	int i, n = 0;

	if (map_all(c))
		return 2;
	for (i = 0; i < threads; i++)
		a[n++] = (struct thread_arg){ .c = c, .roles = R_OWNER,
						 .owner = proc * threads + i };
	if (procs * threads == 1) {
		a[0].roles = R_OWNER | R_RACER | R_TRUNC | R_CHURN;
	} else {
		a[n++] = (struct thread_arg){ .c = c, .roles = R_RACER,
						 .owner = proc };
		if (proc == 0)
			a[n++] = (struct thread_arg){ .c = c,
							 .roles = R_TRUNC };
		if (proc == procs - 1)
			a[n++] = (struct thread_arg){ .c = c,
							 .roles = R_CHURN,
							 .owner = proc };
	}
	for (i = 0; i < n; i++) {
		a[i].seed = c->seed * 131 + proc * 16 + i;
		if (pthread_create(&a[i].tid, NULL, thread_main, &a[i]))
			return 3;
	}
	for (i = 0; i < n; i++)
		pthread_join(a[i].tid, NULL);
	unmap_all(c);
	return 0;
}

static struct ctx *ctx_new(double seconds, uint64_t seed)
{
	struct ctx *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (c == MAP_FAILED)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->st = mmap(NULL, sizeof(*c->st), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->st == MAP_FAILED)
		return NULL;
	memset(c->st, 0, sizeof(*c->st));
	c->seed = seed;
	c->deadline = svm_now() + seconds;
	return c;
}

/*
 * Adds an object of @pages pages: the default object (shared by every
 * open) when @private is 0, else a new private one. Its model lives in
 * shared memory, so that the test process can check it at the end.
 */
static int ctx_add(struct ctx *c, const char *name, int private,
		   uint32_t pages, int truncatable, uint32_t trunc_from)
{
	struct obj *o = &c->obj[c->nobj];

	o->fd = svm_object_open(O_RDWR, private,
				(unsigned long long)pages * PAGE);
	if (o->fd < 0)
		return o->fd;
	o->gen = mmap(NULL, pages * sizeof(uint32_t), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (o->gen == MAP_FAILED)
		return -ENOMEM;
	o->id = c->nobj;
	o->name = name;
	o->pages = pages;
	o->truncatable = truncatable;
	o->trunc_from = trunc_from;
	c->nobj++;
	return 0;
}

/*
 * Reads every byte of every object back by pread(), then closes them;
 * the default object is emptied first (it would outlive its descriptors).
 */
static void ctx_finish(struct ctx *c)
{
	unsigned long long zero = 0;
	uint32_t p;
	int i;

	for (i = 0; i < c->nobj; i++) {
		struct obj *o = &c->obj[i];

		for (p = 0; p < o->pages && !o->own_model; p++)
			verify_pread(c, o, p, o->gen[p]);
		if (!strcmp(o->name, "default") &&
		    ioctl(o->fd, SHADOWVM_IOC_SET_SIZE, &zero))
			error(c, "SET_SIZE 0 (default)");
		close(o->fd);
		munmap(o->gen, o->pages * sizeof(uint32_t));
	}
}

static void print_stats(const char *name, struct ctx *c, double secs)
{
	struct stats *st = c->st;
	int i;

	printf("# %s: seed %#llx, %.1f s, %ld ops, %ld bytes verified, %ld mismatching bytes, %ld errors\n",
	       name, (unsigned long long)c->seed, secs, st->ops, st->bytes,
	       st->mismatches, st->errors);
	printf("# %s: %ld forks, %ld truncations, %ld objects churned, %ld SIGBUS caught, %ld ENOSPC, %ld vmsplices\n",
	       name, st->forks, st->truncations, st->objects, st->sigbus,
	       st->enospc, st->vmsplices);
	for (i = 0; i < st->nreports && i < MAX_REPORTS; i++) {
		struct report *r = &st->report[i];

		printf("# MISMATCH via %s: object %u (%s) page %u offset %u: expected 0x%02x, got 0x%02x",
		       r->via, r->obj,
		       r->obj < (uint32_t)c->nobj ? c->obj[r->obj].name :
		       "made by the case", r->page, r->off, r->exp, r->got);
		if (strcmp(r->holds, "-"))
			printf(" (gen %u expected; page holds %s)", r->exp_gen,
			       r->holds);
		printf("\n");
	}
	fflush(stdout);
}

/*
 * Waits (10 s at most) for the shadow pages a finished case used to come
 * back: reclaim reaps written pages and drops isolated ones
 * asynchronously, and the swap slots and swap cache drain with them.
 */
static void settle(long long baseline, int swap)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (svm_outstanding_pages() == baseline &&
		    (!swap || (!svm_swapinfo("slots_inuse") &&
			       !svm_swapinfo("swap_cache_pages") &&
			       !svm_swapinfo("writes_inflight") &&
			       !svm_swapinfo("written_unreaped"))))
			return;
		usleep(20000);
	}
}

FIXTURE(stress) {
	int kmsg;
	long long outstanding;
};

FIXTURE_VARIANT(stress) {
	const char *params;
	int swap, procs, threads;
	uint32_t obj_pages;
	double weight;
};

/* 16 MiB of objects in 4 MiB of shadow memory: 4x overcommit, on swap. */
FIXTURE_VARIANT_ADD(stress, swap) {
	.params = "mem=4M swapdev=/dev/vda swapdev_format=1",
	.swap = 1, .procs = 2, .threads = 2, .obj_pages = 1024,
	.weight = 0.18,
};

/* The same workload, everything resident. */
FIXTURE_VARIANT_ADD(stress, noswap) {
	.params = "mem=32M",
	.procs = 2, .threads = 2, .obj_pages = 1024, .weight = 0.08,
};

/* One thread doing every operation in turn: checks the model itself. */
FIXTURE_VARIANT_ADD(stress, single) {
	.params = "mem=32M",
	.procs = 1, .threads = 1, .obj_pages = 256, .weight = 0.07,
};

/* Lines shadowvm logs when pages or frees went wrong. */
static const char *const bad_lines[] = {
	"destroyed with", "still in use", "not freed", "refused", NULL
};

/*
 * Every case: SIGBUS caught (past an object's size it is expected), the
 * module loaded with @params, the kernel log and the page books taken.
 * oom_kill=0: running out of memory must fail the access (SIGBUS,
 * ENOSPC), which the cases count, not kill one of their processes.
 */
static void load_instance(struct __test_metadata *_metadata, int *kmsg,
			  long long *outstanding, const char *params)
{
	struct sigaction sa = { .sa_handler = on_sigbus,
				.sa_flags = SA_NODEFER };
	char all[256];

	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	/* A case that failed with objects open could not unload. */
	if (svm_loaded())
		svm_unload();
	ASSERT_FALSE(svm_loaded());
	*kmsg = kmsg_open();
	ASSERT_GE(*kmsg, 0);
	snprintf(all, sizeof(all), "%s oom_kill=0", params);
	ASSERT_EQ(0, svm_load(all));
	*outstanding = svm_outstanding_pages();
	ASSERT_GE(*outstanding, 0);
}

/*
 * The books of a finished case: no page leaked by the page cache, no
 * free refused, every page allocated during the case freed again.
 */
static void check_books(struct __test_metadata *_metadata,
			long long baseline, int swap)
{
	long long bad[4] = { -1, -1, -1, -1 }, outstanding, bad_frees, leak;

	settle(baseline, swap);
	outstanding = svm_outstanding_pages();
	bad_frees = svm_bad_frees(bad);
	leak = svm_vmstat("pgcache_leak");
	printf("# books: pgcache_leak %lld, BadFrees %lld %lld %lld %lld, pages outstanding %lld (baseline %lld)\n",
	       leak, bad[0], bad[1], bad[2], bad[3], outstanding, baseline);
	EXPECT_EQ(0, leak);
	EXPECT_EQ(0, bad_frees);
	EXPECT_EQ(baseline, outstanding);
	if (swap) {
		EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
		EXPECT_EQ(0, svm_swapinfo("io_errors"));
	}
}

static void unload_instance(struct __test_metadata *_metadata, int kmsg)
{
	EXPECT_EQ(0, svm_unload());
	EXPECT_EQ(0, kmsg_grep(kmsg, bad_lines, 5));
	close(kmsg);
}

FIXTURE_SETUP(stress)
{
	load_instance(_metadata, &self->kmsg, &self->outstanding,
		      variant->params);
}

FIXTURE_TEARDOWN(stress)
{
	unload_instance(_metadata, self->kmsg);
}

/*
 * Owners in @procs processes of @threads threads each write and check
 * disjoint chunks of four objects (the default one and three private
 * ones) through mappings, pwrite() and fork children; racers map, touch,
 * zap and unmap them, drop clean pages and pread; a truncator cuts and
 * regrows an object the racers touch too; a churner makes and destroys
 * private objects.
 */
TEST_F_TIMEOUT(stress, mixed, 30)
{
	static const char *const names[] = { "default", "private1",
					     "private2", "private3" };
	double secs = case_seconds(variant->weight), t0 = svm_now();
	struct ctx *c = ctx_new(secs, case_seed(variant->procs * 10 +
						variant->threads +
						variant->swap * 100));
	int i, status, failed = 0;
	pid_t pid[4];

	ASSERT_NE(NULL, c);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, ctx_add(c, names[i], i > 0, variant->obj_pages,
				     0, 0));
	c->ndata = 4;
	ASSERT_EQ(0, ctx_add(c, "truncated", 1, RACE_PAGES, 1, 0));
	c->nowners = variant->procs * variant->threads;
	for (i = 0; i < variant->procs; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (!pid[i])
			_exit(stress_process(c, i, variant->procs,
					     variant->threads));
	}
	for (i = 0; i < variant->procs; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# worker %d: status %#x\n", i, status);
			failed++;
		}
	}
	ctx_finish(c);
	print_stats("stress", c, svm_now() - t0);
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, c->st->mismatches);
	EXPECT_EQ(0, c->st->errors);
	EXPECT_GT(c->st->ops, 0);
	if (variant->swap)
		EXPECT_GT(svm_vmstat("pswpin"), 0);
	check_books(_metadata, self->outstanding, variant->swap);
}

FIXTURE(race) {
	int kmsg;
	long long outstanding;
};

FIXTURE_SETUP(race)
{
	load_instance(_metadata, &self->kmsg, &self->outstanding, "mem=16M");
}

FIXTURE_TEARDOWN(race)
{
	unload_instance(_metadata, self->kmsg);
}

/*
 * A writer that maps the whole object, reads then writes its own half
 * through the mapping, read-touches the truncator's half (SIGBUS when
 * cut) and zaps or unmaps the mapping.
 */
static void mapper_step(struct ctx *c, uint64_t *rs)
{
	struct obj *o = &c->obj[0];
	size_t len = (size_t)o->pages * PAGE;
	uint32_t p, i;
	char *m;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, o->fd, 0);
	if (m == MAP_FAILED) {
		error(c, "mmap (mapper)");
		return;
	}
	for (i = 0; i < 4; i++) {
		p = rnd(rs) % o->trunc_from;
		read_then_write_map(c, o, m + p * PAGE, p, rs);
	}
	touch_pages(c, m, o->trunc_from, o->pages);
	if (rnd(rs) % 2)
		madvise(m, len, MADV_DONTNEED);
	munmap(m, len);
	for (p = 0; p < o->trunc_from; p++)
		if (verify_pread(c, o, p, o->gen[p]))
			repair(c, o, p);
	op_done(c);
}

enum {
	X_MAPPER = 1, X_TOUCHER = 2, X_DROPPER = 4, X_READER = 8,
	X_ZAPPER = 16, X_TRUNC = 32,
};

struct race_arg {
	struct ctx *c;
	int role;
	uint64_t seed;
	pthread_t tid;
};

static void *race_thread(void *arg)
{
	struct race_arg *a = arg;
	struct ctx *c = a->c;
	struct obj *o = &c->obj[0];
	size_t len = (size_t)o->pages * PAGE;
	uint64_t rs = a->seed;
	char buf[RACE_PAGES * PAGE], *m;

	while (time_left(c)) {
		switch (a->role) {
		case X_MAPPER:
			mapper_step(c, &rs);
			break;
		case X_TOUCHER:	/* map, touch everything, unmap */
			m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
				 o->fd, 0);
			if (m == MAP_FAILED) {
				error(c, "mmap (toucher)");
				break;
			}
			touch_pages(c, m, 0, o->pages);
			munmap(m, len);
			op_done(c);
			break;
		case X_DROPPER:
			ioctl(o->fd, SHADOWVM_IOC_DROP_CLEAN, 0);
			op_done(c);
			break;
		case X_READER:
			pread(o->fd, buf, len, 0);
			op_done(c);
			break;
		case X_ZAPPER:	/* a long-lived mapping touched and zapped */
			touch_pages(c, lmap[0], 0, o->pages);
			madvise(lmap[0], len, MADV_DONTNEED);
			op_done(c);
			break;
		case X_TRUNC:
			trunc_step(c, o, &rs);
			break;
		}
	}
	return NULL;
}

/*
 * One object of RACE_PAGES pages: the first half belongs to a mapper
 * thread, the second to the truncator, which cuts into it and regrows it
 * while the other @roles threads work on the whole object.
 */
static void run_race(struct __test_metadata *_metadata, const char *name,
		     long long baseline, int roles, double weight, int n)
{
	double t0 = svm_now();
	struct ctx *c = ctx_new(case_seconds(weight), case_seed(n));
	struct race_arg a[8];
	int i, nt = 0;

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, ctx_add(c, name, 1, RACE_PAGES, 1, RACE_PAGES / 2));
	ASSERT_EQ(0, map_all(c));
	for (i = 0; i < 6; i++)
		if (roles & (1 << i))
			a[nt++] = (struct race_arg){
				.c = c, .role = 1 << i, .seed = c->seed * 7 + i
			};
	for (i = 0; i < nt; i++)
		ASSERT_EQ(0, pthread_create(&a[i].tid, NULL, race_thread,
					    &a[i]));
	for (i = 0; i < nt; i++)
		pthread_join(a[i].tid, NULL);
	unmap_all(c);
	ctx_finish(c);
	print_stats(name, c, svm_now() - t0);
	EXPECT_EQ(0, c->st->mismatches);
	EXPECT_EQ(0, c->st->errors);
	EXPECT_GT(c->st->truncations, 0);
	check_books(_metadata, baseline, 0);
}

/*
 * SHADOWVM_IOC_SET_SIZE cutting pages that other threads are faulting in,
 * touching, zapping and unmapping: every cut page must go back to the
 * buddy allocator.
 */
TEST_F_TIMEOUT(race, truncate_vs_map, 30)
{
	run_race(_metadata, "truncate_vs_map", self->outstanding,
		 X_MAPPER | X_TOUCHER | X_READER | X_ZAPPER | X_TRUNC, 0.10,
		 1);
}

/*
 * DROP_CLEAN, truncation, pread and mapping at once on one object: no
 * free may be refused as "still in use".
 */
TEST_F_TIMEOUT(race, drop_clean_vs_truncate, 30)
{
	run_race(_metadata, "drop_clean_vs_truncate", self->outstanding,
		 X_MAPPER | X_DROPPER | X_READER | X_ZAPPER | X_TRUNC, 0.10,
		 2);
}

static int spin_go, spin_stop, spin_fd;

/* Turns spin_fd into new objects while the main thread maps it. */
static void *newobj_spinner(void *arg)
{
	int i;

	while (!__atomic_load_n(&spin_stop, __ATOMIC_ACQUIRE)) {
		if (!__atomic_load_n(&spin_go, __ATOMIC_ACQUIRE))
			continue;
		for (i = 0; i < 20; i++)
			ioctl(spin_fd, SHADOWVM_IOC_NEW_OBJECT, 0);
		__atomic_store_n(&spin_go, 0, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* A writable shared mapping of @fd works: written, read back by pread. */
static int writable_map_works(int fd, uint64_t seed, uint32_t gen)
{
	char exp[PAGE], got[PAGE], *m;

	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	fill_page(exp, seed, 7, 0, gen);
	memcpy(m, exp, PAGE);
	munmap(m, PAGE);
	if (pread(fd, got, PAGE, 0) != (ssize_t)PAGE)
		return -EIO;
	return memcmp(exp, got, PAGE) ? -EILSEQ : 0;
}

/*
 * SHADOWVM_IOC_NEW_OBJECT racing mmap() on one descriptor: whichever
 * wins, a writable MAP_SHARED mapping of the descriptor's object works
 * afterwards, in this process and in a fork child.
 */
TEST_F_TIMEOUT(race, newobj_vs_mmap, 30)
{
	double t0 = svm_now();
	struct ctx *c = ctx_new(case_seconds(0.08), case_seed(3));
	int iters = 0, fails = 0, child_fails = 0, first_err = 0, ret;
	int status;
	pthread_t t;
	void *m;
	pid_t pid;

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, pthread_create(&t, NULL, newobj_spinner, NULL));
	while (time_left(c) || !iters) {
		spin_fd = svm_object_open(O_RDWR, 1, 0);
		ASSERT_GE(spin_fd, 0);
		__atomic_store_n(&spin_go, 1, __ATOMIC_RELEASE);
		m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 spin_fd, 0);
		if (m != MAP_FAILED)
			munmap(m, PAGE);
		while (__atomic_load_n(&spin_go, __ATOMIC_ACQUIRE))
			;
		ret = writable_map_works(spin_fd, c->seed, iters + 1);
		if (ret) {
			fails++;
			first_err = first_err ?: ret;
		}
		if (ret || iters % 8 == 0) {
			pid = fork();
			ASSERT_GE(pid, 0);
			if (!pid)
				_exit(writable_map_works(spin_fd, c->seed,
							 iters + 2) ? 1 : 0);
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			child_fails += !WIFEXITED(status) ||
				       WEXITSTATUS(status);
			__atomic_add_fetch(&c->st->forks, 1,
					   __ATOMIC_RELAXED);
		}
		close(spin_fd);
		iters++;
		__atomic_add_fetch(&c->st->objects, 1, __ATOMIC_RELAXED);
		op_done(c);
	}
	__atomic_store_n(&spin_stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	print_stats("newobj_vs_mmap", c, svm_now() - t0);
	printf("# newobj_vs_mmap: %d iterations, %d writable mmaps failed afterwards (first: %s), %d in fork children\n",
	       iters, fails, first_err ? strerror(-first_err) : "none",
	       child_fails);
	EXPECT_EQ(0, fails);
	EXPECT_EQ(0, child_fails);
	check_books(_metadata, self->outstanding, 0);
}

/*
 * vmsplice() of a page of a mapping into a pipe, then the object cut
 * while the pipe holds the page. Mappings are VM_IO: vmsplice should fail
 * with EFAULT. If it succeeds, the pipe must read what the page held and
 * the page must come back once the pipe is drained and closed.
 */
TEST_F_TIMEOUT(race, vmsplice_truncate, 30)
{
	double t0 = svm_now();
	struct ctx *c = ctx_new(case_seconds(0.04), case_seed(4));
	unsigned long long zero = 0;
	int iters = 0, refused = 0, p[2], fd;
	char exp[PAGE], got[PAGE], *m;
	struct iovec iov;
	uint32_t pg;
	ssize_t n;

	ASSERT_NE(NULL, c);
	while (time_left(c) || !iters) {
		fd = svm_object_open(O_RDWR, 1, 16 * PAGE);
		ASSERT_GE(fd, 0);
		m = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		ASSERT_NE(MAP_FAILED, m);
		for (pg = 0; pg < 16; pg++)
			fill_page(m + pg * PAGE, c->seed, 9, pg, iters + 1);
		pg = iters % 16;
		fill_page(exp, c->seed, 9, pg, iters + 1);
		ASSERT_EQ(0, pipe(p));
		iov = (struct iovec){ m + pg * PAGE, PAGE };
		n = vmsplice(p[1], &iov, 1, 0);
		if (n < 0) {
			EXPECT_EQ(EFAULT, errno);
			refused++;
		} else {
			EXPECT_EQ(PAGE, n);
			__atomic_add_fetch(&c->st->vmsplices, 1,
					   __ATOMIC_RELAXED);
		}
		munmap(m, 16 * PAGE);
		/* Cut the object while the pipe may hold its page. */
		ASSERT_EQ(0, ioctl(fd, SHADOWVM_IOC_SET_SIZE, &zero));
		close(fd);
		if (n == (ssize_t)PAGE) {
			/* Whatever the pipe holds must be the page as written. */
			EXPECT_EQ(PAGE, read(p[0], got, PAGE));
			check_page(c, got, 9, pg, iters + 1, "pipe");
		}
		close(p[0]);
		close(p[1]);
		iters++;
		op_done(c);
	}
	print_stats("vmsplice_truncate", c, svm_now() - t0);
	printf("# vmsplice_truncate: %d iterations, vmsplice refused (EFAULT) %d, succeeded %ld\n",
	       iters, refused, c->st->vmsplices);
	EXPECT_EQ(0, c->st->mismatches);
	check_books(_metadata, self->outstanding, 0);
}

/*
 * DROP_CLEAN after mappings read-faulted pages in and went away, one
 * thread, nothing racing: pages referenced again and again (faults and
 * pread) reach the active list; dropped, they are clean and unmapped, so
 * every free must be accepted.
 */
TEST_F_TIMEOUT(race, drop_clean_after_unmap, 30)
{
	double t0 = svm_now();
	struct ctx *c = ctx_new(case_seconds(0.04), case_seed(5));
	size_t len = RACE_PAGES * PAGE;
	char buf[RACE_PAGES * PAGE], *m;
	int iters = 0, i;

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, ctx_add(c, "dropped", 1, RACE_PAGES, 0, 0));
	while (time_left(c) || !iters) {
		for (i = 0; i < 3; i++) {
			m = mmap(NULL, len, i % 2 ? PROT_READ :
				 PROT_READ | PROT_WRITE, MAP_SHARED,
				 c->obj[0].fd, 0);
			ASSERT_NE(MAP_FAILED, m);
			touch_pages(c, m, 0, RACE_PAGES);
			if (iters % 2)
				madvise(m, len, MADV_DONTNEED);
			munmap(m, len);
			ASSERT_EQ(len, pread(c->obj[0].fd, buf, len, 0));
		}
		ASSERT_EQ(0, ioctl(c->obj[0].fd, SHADOWVM_IOC_DROP_CLEAN, 0));
		iters++;
		op_done(c);
	}
	ctx_finish(c);
	print_stats("drop_clean_after_unmap", c, svm_now() - t0);
	EXPECT_EQ(0, c->st->mismatches);
	check_books(_metadata, self->outstanding, 0);
}

FIXTURE(swap) {
	int kmsg;
	long long outstanding;
};

FIXTURE_SETUP(swap)
{
	load_instance(_metadata, &self->kmsg, &self->outstanding,
		      "mem=4M swapdev=/dev/vda swapdev_format=1");
}

FIXTURE_TEARDOWN(swap)
{
	unload_instance(_metadata, self->kmsg);
}

#define LW_THREADS	4
#define LW_PAGES	64

struct lw_arg {
	struct ctx *c;
	int me;
	pthread_t tid;
};

/*
 * A store or copy through a mapping under the SIGBUS guard: a fault that
 * finds no memory (direct reclaim failed) is SIGBUS by the ABI, and the
 * store then did not happen. Returns 0, or -1 on SIGBUS.
 */
static int guarded_copy(struct ctx *c, void *dst, const void *src, size_t len)
{
	if (sigsetjmp(bus_jmp, 1)) {
		__atomic_add_fetch(&c->st->sigbus, 1, __ATOMIC_RELAXED);
		return -1;
	}
	bus_armed_set(1);
	memcpy(dst, src, len);
	bus_armed_set(0);
	return 0;
}

/* Compares @len bytes at @got with the byte model; resyncs what differs. */
static void lw_check(struct ctx *c, unsigned char *model,
		     const unsigned char *got, uint32_t first, const char *via)
{
	size_t i, len = LW_PAGES * PAGE;
	long bad = 0;

	__atomic_add_fetch(&c->st->bytes, len, __ATOMIC_RELAXED);
	if (!memcmp(model, got, len))
		return;
	for (i = 0; i < len; i++)
		if (model[i] != got[i]) {
			if (!bad++)
				add_report(c, via, 0, first + i / PAGE,
					   i % PAGE, model[i], got[i]);
			model[i] = got[i];	/* count a loss once */
		}
	__atomic_add_fetch(&c->st->mismatches, bad, __ATOMIC_RELAXED);
}

/*
 * A writer owning LW_PAGES pages keeps a byte model of them: single bytes
 * stored through a fresh MAP_SHARED mapping (sometimes zapped before the
 * check), checked through the mapping and by pread().
 */
static void *lw_writer(void *arg)
{
	struct lw_arg *a = arg;
	struct ctx *c = a->c;
	struct obj *o = &c->obj[0];
	size_t len = LW_PAGES * PAGE;
	uint32_t first = a->me * LW_PAGES;
	unsigned char *model = calloc(1, len), *buf = malloc(len), *m;
	uint64_t rs = c->seed * 11 + a->me;
	int i, round, last;
	size_t off;

	if (!model || !buf) {
		error(c, "malloc");
		return NULL;
	}
	/*
	 * A lost byte stays lost: checking every other round (and once at
	 * the end) leaves more time for the writes that race reclaim.
	 */
	for (round = 0, last = 0; !last; round++) {
		last = !time_left(c);
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, o->fd,
			 (off_t)first * PAGE);
		if (m == MAP_FAILED) {
			error(c, "mmap (writer)");
			break;
		}
		for (i = 0; i < 64 && !last; i++) {
			unsigned char v = rnd(&rs);

			off = rnd(&rs) % len;
			if (!guarded_copy(c, m + off, &v, 1))
				model[off] = v;
		}
		if (rnd(&rs) % 3 == 0)
			madvise(m, len, MADV_DONTNEED);
		if ((last || round % 4 == 1) && !guarded_copy(c, buf, m, len))
			lw_check(c, model, buf, first, "map (bytes)");
		munmap(m, len);
		op_done(c);
		if (!last && round % 4 != 3)
			continue;
		if (pread(o->fd, buf, len, (off_t)first * PAGE) !=
		    (ssize_t)len) {
			error(c, "pread (writer)");
			continue;
		}
		lw_check(c, model, buf, first, "pread (bytes)");
	}
	free(model);
	free(buf);
	return NULL;
}

/* Streams new generations over a 16 MiB object: the reclaim pressure. */
static void *lw_hog(void *arg)
{
	struct lw_arg *a = arg;
	struct ctx *c = a->c;
	struct obj *o = &c->obj[1];
	uint32_t p = 0;

	while (time_left(c)) {
		write_pwrite(c, o, p);
		p = (p + 1) % o->pages;
		if (!p)
			op_done(c);
	}
	return NULL;
}

/*
 * Writes through MAP_SHARED mappings with the default write_notify=0
 * (stores the kernel does not see, through a writable PTE) while a hog
 * drives reclaim to swap: no write may be lost or come back stale.
 */
TEST_F_TIMEOUT(swap, lost_write, 30)
{
	double t0 = svm_now();
	struct ctx *c = ctx_new(case_seconds(0.31), case_seed(6));
	struct lw_arg a[LW_THREADS + 1];
	int i;

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, ctx_add(c, "written", 1, LW_THREADS * LW_PAGES, 0, 0));
	c->obj[0].own_model = 1;
	ASSERT_EQ(0, ctx_add(c, "hog", 1, 4096, 0, 0));
	for (i = 0; i <= LW_THREADS; i++) {
		a[i] = (struct lw_arg){ .c = c, .me = i };
		ASSERT_EQ(0, pthread_create(&a[i].tid, NULL,
					    i < LW_THREADS ? lw_writer : lw_hog,
					    &a[i]));
	}
	for (i = 0; i <= LW_THREADS; i++)
		pthread_join(a[i].tid, NULL);
	ctx_finish(c);
	print_stats("lost_write", c, svm_now() - t0);
	EXPECT_EQ(0, c->st->mismatches);
	EXPECT_EQ(0, c->st->errors);
	EXPECT_GT(svm_vmstat("pswpout"), 0);
	printf("# lost_write: pgfault_nomem %lld\n", svm_vmstat("pgfault_nomem"));
	check_books(_metadata, self->outstanding, 1);
}

/*
 * The harness's per-test timeout is fixed at registration; a long run
 * (INTEGRITY_SECONDS) needs it to follow the time budget.
 */
int main(int argc, char **argv)
{
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	int timeout = case_seconds(1.0) + SLACK_SECONDS;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# integrity_test: %.0f s budget\n", total_seconds());
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout = timeout;
	return test_harness_run(argc, argv);
}
