// SPDX-License-Identifier: GPL-2.0
/*
 * The engine of svm_fuzz (userspace/tools/svm_fuzz.c), linked into the
 * tests too so that fuzz_test runs it in its own process.
 *
 * P processes (default 4) each run for S seconds (default 10) a stream of
 * operations drawn from a generator seeded with N + the process number:
 * open/close of /dev/shadowvm, every ioctl of <linux/shadowvm.h> (and
 * unknown ones) with valid, boundary, NULL and wild argument pointers,
 * mmap() with random lengths, offsets, protections and flags, then
 * accesses, mremap(), madvise(), mprotect(), msync() and munmap() of what
 * it mapped, read()/write()/pread()/pwrite()/lseek() at odd offsets and
 * lengths (from and into its own mappings of the device too), fork()ed
 * children that do the same for a while, descriptors passed over a unix
 * socket, private objects made and dropped, and writes to shadowvm's
 * writable debugfs files (see Documentation/reliability.rst for the ones
 * left out). Signals an access may legitimately raise (SIGBUS beyond an
 * object's end, SIGSEGV on a protection) are caught and counted.
 *
 * The same seed replays the same streams of operations; the interleaving
 * of the processes, and so what the kernel sees, still varies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "svm_fuzz.h"

#define DEV		"/dev/shadowvm"
#define DBG		SVM_FUZZ_DEBUGFS
#define MAX_FDS		8
#define MAX_MAPS	16
#define MAX_CHILDREN	4
/* Tries of an mmap() or fork() the run cannot do without. */
#define RETRIES		100
#define PG		((unsigned long)sysconf(_SC_PAGESIZE))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct map {
	unsigned char *addr;
	size_t len;
	int prot;
};

static struct {
	uint64_t rng;
	int fds[MAX_FDS];
	struct map maps[MAX_MAPS];
	int sock[2];
	int children;
	int is_child;
	double deadline;
	unsigned long calls;
	unsigned long signals;
	unsigned char buf[64 * 1024];
} st;

/* Totals of every process, in a shared mapping. */
static unsigned long *shared_calls, *shared_signals;
static sigjmp_buf access_jmp;
/* Set while op_access() touches a mapping: its signals are answers. */
static sig_atomic_t in_access;

static uint64_t rnd(void)
{
	/* splitmix64: small, seedable, good enough to pick operations. */
	uint64_t z = (st.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A size or offset: small, page-sized, around a boundary, or wild. */
static uint64_t boundary(void)
{
	const uint64_t edges[] = {
		0, 1, PG - 1, PG, PG + 1, 2 * PG, 16 * PG, 1UL << 20,
		(1UL << 20) + 7, 1UL << 24, 1UL << 32, (1ULL << 44) - PG,
		1ULL << 44, (1ULL << 44) + PG, 1ULL << 63, ~0ULL, ~0ULL - PG + 1,
	};

	switch (below(4)) {
	case 0:
		return edges[below(ARRAY_SIZE(edges))];
	case 1:
		return below(64) * PG;
	case 2:
		return below(64 * PG);
	default:
		return rnd();
	}
}

static int any_fd(void)
{
	int fd = st.fds[below(MAX_FDS)];

	/*
	 * Now and then one that is not open. Never 0: a read of the
	 * terminal would wait for ever.
	 */
	if (!below(32))
		return below(2) ? -1 : 1000;
	return fd;
}

static struct map *any_map(void)
{
	struct map *m = &st.maps[below(MAX_MAPS)];

	return m->addr ? m : NULL;
}

static void *any_ptr(void)
{
	struct map *m;

	switch (below(6)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)below(PG);
	case 2:
		return (void *)(uintptr_t)(~0UL - below(PG));
	case 3:
		m = any_map();
		if (m)
			return m->addr + below(m->len);
		/* fall through */
	default:
		return st.buf + below(sizeof(st.buf) / 2);
	}
}

static void on_signal(int sig)
{
	if (__atomic_load_n(&in_access, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&in_access, 0, __ATOMIC_SEQ_CST);
		siglongjmp(access_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void op_open(void)
{
	int i = below(MAX_FDS);

	if (st.fds[i] >= 0) {
		close(st.fds[i]);
		st.fds[i] = -1;
		return;
	}
	st.fds[i] = open(DEV, below(4) ? O_RDWR : (below(2) ? O_RDONLY :
						    O_WRONLY | O_APPEND));
	if (st.fds[i] >= 0 && below(2)) {
		ioctl(st.fds[i], SHADOWVM_IOC_NEW_OBJECT);
		if (below(4)) {
			__u64 size = below(256) * PG;

			ioctl(st.fds[i], SHADOWVM_IOC_SET_SIZE, &size);
		}
	}
}

static void op_ioctl(void)
{
	static const unsigned long cmds[] = {
		SHADOWVM_IOC_GET_INFO, SHADOWVM_IOC_NEW_OBJECT,
		SHADOWVM_IOC_SET_SIZE, SHADOWVM_IOC_GET_SIZE,
		SHADOWVM_IOC_GET_STATS, SHADOWVM_IOC_DROP_CLEAN,
		_IOR(SHADOWVM_IOC_MAGIC, 0xa6, __u64),
		_IO(SHADOWVM_IOC_MAGIC, 0xaf), _IOW('T', 0xa2, __u64), 0,
	};
	unsigned long cmd = cmds[below(ARRAY_SIZE(cmds))];
	__u64 size = boundary();
	void *arg = &size;

	if (cmd == SHADOWVM_IOC_GET_INFO || cmd == SHADOWVM_IOC_GET_STATS)
		arg = st.buf;
	if (!below(4))
		arg = any_ptr();
	if (!below(16))
		cmd = rnd();
	ioctl(any_fd(), cmd, arg);
}

static void op_mmap(void)
{
	static const int flags[] = {
		MAP_SHARED, MAP_SHARED, MAP_SHARED | MAP_POPULATE,
		MAP_PRIVATE, MAP_SHARED | MAP_LOCKED, MAP_SHARED_VALIDATE,
		MAP_SHARED | MAP_NORESERVE,
	};
	struct map *m = &st.maps[below(MAX_MAPS)];
	size_t len = below(4) ? (below(32) + 1) * PG : boundary();
	off_t off = below(4) ? below(64) * PG : (off_t)boundary();
	int prot = below(4) ? PROT_READ | PROT_WRITE : below(8);
	void *p;

	if (m->addr) {
		munmap(m->addr, m->len);
		m->addr = NULL;
		return;
	}
	/* A mapping the size of a machine would only exercise ENOMEM. */
	if (len > (1UL << 28))
		len = (below(256) + 1) * PG;
	p = mmap(NULL, len, prot, flags[below(ARRAY_SIZE(flags))],
		 any_fd(), off);
	if (p == MAP_FAILED)
		return;
	m->addr = p;
	m->len = (len + PG - 1) & ~(PG - 1);
	m->prot = prot;
}

/* Touch a few bytes of a mapping; SIGBUS and SIGSEGV are answers too. */
static void op_access(void)
{
	struct map *m = any_map();
	int i, n = below(16) + 1;

	if (!m)
		return;
	if (sigsetjmp(access_jmp, 1)) {
		st.signals++;
		return;
	}
	__atomic_store_n(&in_access, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < n; i++) {
		unsigned char *p = m->addr + below(m->len);

		/* Atomic accesses: the compiler may neither drop nor merge them. */
		if (below(2))
			__atomic_store_n(p, (unsigned char)rnd(), __ATOMIC_RELAXED);
		else
			__atomic_load_n(p, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&in_access, 0, __ATOMIC_SEQ_CST);
}

static void op_vm(void)
{
	static const int advice[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_DONTNEED, MADV_FREE, MADV_REMOVE, MADV_DONTFORK,
		MADV_DOFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ,
		MADV_POPULATE_WRITE, MADV_DONTDUMP, MADV_DODUMP,
	};
	struct map *m = any_map();
	size_t off, len;
	void *p;

	if (!m)
		return;
	off = below(m->len / PG) * PG;
	len = below(m->len - off) + 1;
	switch (below(5)) {
	case 0:
		madvise(m->addr + off, len,
			advice[below(ARRAY_SIZE(advice))]);
		break;
	case 1:
		if (!mprotect(m->addr, m->len, below(8) & ~PROT_EXEC))
			m->prot = -1;
		break;
	case 2:
		msync(m->addr + off, len, below(2) ? MS_SYNC : MS_ASYNC);
		break;
	case 3:
		/* Grow or shrink, moving it if it must: never MREMAP_FIXED. */
		len = (below(64) + 1) * PG;
		p = mremap(m->addr, m->len, len, below(4) ? MREMAP_MAYMOVE : 0);
		if (p != MAP_FAILED) {
			m->addr = p;
			m->len = len;
		}
		break;
	default:
		/* A hole at the start, or the whole: the rest stays tracked. */
		if (off && below(2)) {
			munmap(m->addr, off);
			m->addr += off;
			m->len -= off;
		} else {
			munmap(m->addr, m->len);
			m->addr = NULL;
		}
		break;
	}
}

static void op_rw(void)
{
	struct map *m = any_map();
	int fd = any_fd();
	size_t len = below(4) ? below(3 * PG) : below(sizeof(st.buf));
	off_t off = below(4) ? (off_t)below(64 * PG) : (off_t)boundary();
	unsigned char *b = st.buf;

	/* Into or out of a mapping of the device itself, now and then. */
	if (m && below(4) == 0) {
		b = m->addr + below(m->len);
		if (len > (size_t)(m->addr + m->len - b) + PG)
			len = m->addr + m->len - b + below(PG);
	}
	if (len > sizeof(st.buf) && b == st.buf)
		len = sizeof(st.buf);
	switch (below(6)) {
	case 0:
		read(fd, b, len);
		break;
	case 1:
		write(fd, b, len);
		break;
	case 2:
		pread(fd, b, len, off);
		break;
	case 3:
		pwrite(fd, b, len, off);
		break;
	case 4:
		lseek(fd, off, (int)below(6));	/* SEEK_DATA/HOLE too */
		break;
	default: {
		struct iovec iov[2] = {
			{ b, len / 2 }, { st.buf + sizeof(st.buf) / 2, len / 2 },
		};

		if (below(2))
			preadv(fd, iov, 2, off);
		else
			pwritev(fd, iov, 2, off);
		break;
	}
	}
}

/* Send a descriptor over the socket pair, receive whatever comes back. */
static void op_pass_fd(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 'f';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fd = st.fds[below(MAX_FDS)], i;

	if (below(2) && fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		sendmsg(st.sock[st.is_child], &msg, MSG_DONTWAIT);
		return;
	}
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if (recvmsg(st.sock[st.is_child], &msg, MSG_DONTWAIT) <= 0)
		return;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	i = below(MAX_FDS);
	if (st.fds[i] >= 0)
		close(st.fds[i]);
	st.fds[i] = fd;
}

static void op_debugfs(void)
{
	static const char *const caches[] = {
		"size-32", "size-256", "size-4096", "size-131072",
		"size-64(DMA)", "kmem_cache", "nonesuch",
	};
	static const char *const benches[] = {
		"buddy_order0", "buddy_order3", "buddy_order9", "slab_64",
		"slab_1024", "kmalloc_256", "kmap_high", "kmap_atomic",
		"vmalloc_16k", "nonesuch",
	};
	static const char *const readable[] = {
		"meminfo", "buddyinfo", "zoneinfo", "pagetypeinfo", "page",
		"slabinfo", "vmstat", "lru", "swapinfo", "highmem", "pkmap",
		"vmallocinfo", "kswapd", "selfcheck", "slab_reap",
		"unusable_index", "extfrag_index", "chunks",
	};
	char val[96];
	const char *file;
	int fd;

	switch (below(6)) {
	case 0:
		file = "page";
		snprintf(val, sizeof(val), below(4) ? "%llu" : "%#llx",
			 (unsigned long long)(below(2) ? below(1 << 16) :
						  boundary()));
		break;
	case 1:
		file = "slabinfo";
		snprintf(val, sizeof(val), "%s %u %u %u",
			 caches[below(ARRAY_SIZE(caches))],
			 (unsigned int)below(300), (unsigned int)below(300),
			 (unsigned int)below(3));
		break;
	case 2:
		file = "slab_reap";
		snprintf(val, sizeof(val), "%d", (int)below(6) - 1);
		break;
	case 3:
		if (getenv("SVM_FUZZ_NO_BENCH"))
			return;
		/* Small counts: the bench's own limit is minutes of TCG. */
		file = "bench";
		snprintf(val, sizeof(val), "%s %u %u",
			 benches[below(ARRAY_SIZE(benches))],
			 (unsigned int)below(100) + (below(8) ? 1 : 0),
			 (unsigned int)below(3) + 1);
		break;
	default: {
		char path[128];

		file = readable[below(ARRAY_SIZE(readable))];
		snprintf(path, sizeof(path), DBG "%s", file);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			while (read(fd, st.buf, sizeof(st.buf)) > 0)
				;
			close(fd);
		}
		return;
	}
	}
	/* Garbage now and then: every parser must refuse it cleanly. */
	if (!below(8)) {
		size_t i, n = below(sizeof(val) - 1);

		for (i = 0; i < n; i++)
			val[i] = (char)(below(95) + 32);
		val[n] = '\0';
	}
	{
		char path[128];

		snprintf(path, sizeof(path), DBG "%s", file);
		fd = open(path, O_RDWR);
		if (fd >= 0) {
			write(fd, val, strlen(val));
			/* bench answers on the same descriptor. */
			read(fd, st.buf, sizeof(st.buf));
			close(fd);
		}
	}
}

static void reap_children(int block)
{
	while (st.children > 0 && waitpid(-1, NULL, block ? 0 : WNOHANG) > 0)
		st.children--;
}

static void run(double seconds);

static void op_fork(void)
{
	pid_t pid;

	reap_children(0);
	if (st.is_child || st.children >= MAX_CHILDREN)
		return;
	pid = fork();
	if (pid == 0) {
		st.is_child = 1;
		st.children = 0;
		st.rng ^= rnd() + (uint64_t)getpid();
		run(0.2 + below(1000) / 1000.0);
		__atomic_add_fetch(shared_calls, st.calls, __ATOMIC_RELAXED);
		__atomic_add_fetch(shared_signals, st.signals, __ATOMIC_RELAXED);
		_exit(0);
	}
	if (pid > 0)
		st.children++;
}

static void one_op(void)
{
	switch (below(20)) {
	case 0: case 1:
		op_open();
		break;
	case 2: case 3: case 4:
		op_ioctl();
		break;
	case 5: case 6: case 7:
		op_mmap();
		break;
	case 8: case 9: case 10:
		op_access();
		break;
	case 11: case 12:
		op_vm();
		break;
	case 13: case 14: case 15:
		op_rw();
		break;
	case 16:
		op_pass_fd();
		break;
	case 17:
		op_fork();
		break;
	default:
		op_debugfs();
		break;
	}
	st.calls++;
}

static void run(double seconds)
{
	double end = now() + seconds;

	if (end > st.deadline)
		end = st.deadline;
	while (now() < end)
		one_op();
}

static void cleanup(void)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (st.maps[i].addr)
			munmap(st.maps[i].addr, st.maps[i].len);
	for (i = 0; i < MAX_FDS; i++)
		if (st.fds[i] >= 0)
			close(st.fds[i]);
	reap_children(1);
}

int svm_fuzz_run(unsigned long long seed, double seconds, int procs,
		 struct svm_fuzz_result *res)
{
	pid_t pids[64], w;
	int i, j, status, ret = 0, started = 0;

	memset(res, 0, sizeof(*res));
	/*
	 * Under the kernel's failslab on this task, mmap() and fork() fail
	 * now and then: try again a while before giving up.
	 */
	/*
	 * Between two PROT_NONE guard pages: op_rw() reads up to a page past
	 * the end of a mapping of the device on purpose, and the mapping
	 * below the counters must not take their page for its next one.
	 */
	for (i = 0; i < RETRIES; i++) {
		shared_calls = mmap(NULL, 3 * PG, PROT_NONE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (shared_calls != MAP_FAILED &&
		    !mprotect((char *)shared_calls + PG, PG,
			      PROT_READ | PROT_WRITE))
			break;
		ret = -errno;
		if (shared_calls != MAP_FAILED)
			munmap(shared_calls, 3 * PG);
		shared_calls = MAP_FAILED;
		usleep(10000);
	}
	if (shared_calls == MAP_FAILED)
		return ret;
	shared_calls = (unsigned long *)((char *)shared_calls + PG);
	ret = 0;
	shared_signals = shared_calls + 1;
	fflush(NULL);
	st.deadline = now() + seconds;
	/*
	 * A fuzzing process the shadow OOM killer takes leaves its own
	 * children behind, holding /dev/shadowvm open: as their subreaper,
	 * this process can kill them and wait until they are gone.
	 */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (i = 0; i < procs && i < (int)ARRAY_SIZE(pids); i++) {
		pid_t pid = -1;
		int try;

		for (try = 0; try < RETRIES && pid < 0; try++) {
			pid = fork();
			if (pid < 0) {
				ret = -errno;
				usleep(10000);
			}
		}
		if (pid < 0)
			break;
		ret = 0;
		if (pid == 0) {
			int j;

			/* Its group: its children die with it. */
			setpgid(0, 0);
			signal(SIGBUS, on_signal);
			signal(SIGSEGV, on_signal);
			signal(SIGPIPE, SIG_IGN);
			st.rng = seed * 1000003ULL + i;
			for (j = 0; j < MAX_FDS; j++)
				st.fds[j] = -1;
			for (j = 0; j < MAX_MAPS; j++)
				st.maps[j].addr = NULL;
			if (socketpair(AF_UNIX, SOCK_DGRAM, 0, st.sock))
				st.sock[0] = st.sock[1] = -1;
			run(seconds);
			cleanup();
			__atomic_add_fetch(shared_calls, st.calls,
					   __ATOMIC_RELAXED);
			__atomic_add_fetch(shared_signals, st.signals,
					   __ATOMIC_RELAXED);
			_exit(0);
		}
		pids[started++] = pid;
	}
	/* Every descendant, fuzzing processes and orphans alike. */
	while ((w = wait(&status)) > 0) {
		for (j = 0; j < started && pids[j] != w; j++)
			;
		if (j == started)
			continue;	/* an orphan of a killed process */
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			res->killed++;
			kill(-w, SIGKILL);
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			res->died++;
		}
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	res->calls = *shared_calls;
	res->signals = *shared_signals;
	munmap((char *)shared_calls - PG, 3 * PG);
	return ret;
}

long svm_fuzz_selfcheck(char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(DBG "selfcheck", O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}
