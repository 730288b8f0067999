// SPDX-License-Identifier: GPL-2.0
/*
 * rw_bench - read() and write() of /dev/shadowvm against a memfd (shmem),
 * in one boot.
 *
 * 1 MiB transfers over a 64 MiB object, a private object on shadowvm's
 * side and a memfd on the native side:
 *   rw_seq_write        overwrite the whole object, its pages resident
 *   rw_seq_write_fresh  write a new, empty object (allocates every page)
 *   rw_seq_read         read the whole object back
 * Prints svm_bench_report() lines in MiB_per_s over REPS repetitions, the
 * two sides alternating and so does which of them runs first; ratio > 1
 * means shadowvm is faster.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "svm_test.h"

#define SIZE	(64UL << 20)
#define CHUNK	(1UL << 20)
#define REPS	7

enum kind { SHADOW, MEMFD };
enum op { WRITE, WRITE_FRESH, READ };

static unsigned char *buf;

static int open_kind(enum kind kind)
{
	if (kind == SHADOW)
		return svm_object_open(O_RDWR, 1, 0);
	return memfd_create("rw_bench", MFD_CLOEXEC);
}

/* Seconds to move the whole object in CHUNK pieces, or -1. */
static double pass(int fd, enum op op)
{
	double t0 = svm_now();
	unsigned long off;
	ssize_t n;

	for (off = 0; off < SIZE; off += CHUNK) {
		n = op == READ ? pread(fd, buf, CHUNK, off) :
				 pwrite(fd, buf, CHUNK, off);
		if (n != (ssize_t)CHUNK) {
			fprintf(stderr, "rw_bench: %s at %lu: %zd (%s)\n",
				op == READ ? "pread" : "pwrite", off, n,
				n < 0 ? strerror(errno) : "short");
			return -1;
		}
	}
	return svm_now() - t0;
}

/* MiB per second of one rep of @op on @*fd, (re)opened as needed. */
static double rep(enum kind kind, enum op op, int *fd)
{
	double secs;

	if (*fd < 0 || op == WRITE_FRESH) {
		if (*fd >= 0)
			close(*fd);
		*fd = open_kind(kind);
		if (*fd < 0)
			return -1;
		/* Populate first, unless allocation is measured. */
		if (op != WRITE_FRESH && pass(*fd, WRITE) < 0)
			return -1;
	}
	secs = pass(*fd, op);
	return secs > 0 ? (SIZE >> 20) / secs : -1;
}

/*
 * REPS repetitions, the two sides taking turns so that a change in the
 * host's load (the guest is emulated) hits both alike, and taking turns
 * at going first so that neither always finds the other's pages freed.
 */
static int report(const char *name, enum op op)
{
	double s[REPS], n[REPS];
	int r, sfd = -1, nfd = -1, ret = 0;

	for (r = 0; r < REPS && !ret; r++) {
		if (r % 2) {
			n[r] = rep(MEMFD, op, &nfd);
			s[r] = rep(SHADOW, op, &sfd);
		} else {
			s[r] = rep(SHADOW, op, &sfd);
			n[r] = rep(MEMFD, op, &nfd);
		}
		if (s[r] <= 0 || n[r] <= 0)
			ret = -1;
	}
	if (sfd >= 0)
		close(sfd);
	if (nfd >= 0)
		close(nfd);
	if (ret) {
		fprintf(stderr, "rw_bench: %s failed\n", name);
		return -1;
	}
	return svm_bench_report(name, s, n, REPS, "MiB_per_s");
}

int main(void)
{
	int ret = 0;

	buf = malloc(CHUNK);
	if (!buf)
		return 1;
	memset(buf, 0x5a, CHUNK);
	if (svm_load("mem=128M")) {
		fprintf(stderr, "rw_bench: cannot load shadowvm\n");
		return 1;
	}
	ret |= report("rw_seq_write", WRITE);
	ret |= report("rw_seq_write_fresh", WRITE_FRESH);
	ret |= report("rw_seq_read", READ);
	if (svm_unload())
		ret = -1;
	free(buf);
	return ret ? 1 : 0;
}
