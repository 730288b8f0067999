// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer (userspace/lib/svm_fuzz.c) against shadowvm, with fixed seeds:
 * afterwards debugfs selfcheck says "ok", no page cache page leaked, no
 * bad free was seen, and unloading gives back every page. With the
 * kernel's fault injection (the debug kernel), the same holds while
 * shadowvm's own fail_page_alloc and fail_slab fail its allocations; a
 * kernel without it has no such files.
 *
 * FUZZ_SECONDS (default 20) is the fuzzing time of the whole program,
 * shared by its cases. Run as root in a guest with $SHADOWVM_KO naming
 * the module and shadowvm not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_fuzz.h"
#include "svm_test.h"

#define DEFAULT_SECONDS	20
#define PROCS		4
#define FPA		SVM_FUZZ_DEBUGFS "fail_page_alloc/"
#define FSL		SVM_FUZZ_DEBUGFS "fail_slab/"
/* What the fault injection cases set `times` to, to count what they did. */
#define TIMES		1000000

static double fuzz_seconds(void)
{
	const char *e = getenv("FUZZ_SECONDS");
	double s = e ? strtod(e, NULL) : DEFAULT_SECONDS;

	return s > 0 ? s : DEFAULT_SECONDS;
}

/*
 * Free memory with the kernel's slab caches shrunk first: the fuzzing
 * frees many kernel objects, and empty slabs, or on a KASAN kernel the
 * objects held in its quarantine, would otherwise count as memory the
 * module did not give back. Shrinking a cache through SLUB's sysfs file
 * also flushes that cache from the quarantine.
 */
static long settled_free_kb(void)
{
	struct dirent *d;
	char path[300];
	DIR *dir;

	write_file("/proc/sys/vm/drop_caches", "3");
	dir = opendir("/sys/kernel/slab");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		write_file(path, "1");
	}
	if (dir)
		closedir(dir);
	return free_kb();
}

/*
 * Free memory once the kernel has warmed up: the first load of a boot
 * parses BTF, and the first fuzzing creates the kernel's caches of
 * sockets, files, VMAs and the like, which stay. A second of fuzzing on
 * a small instance does both; the baseline comes after it.
 */
static long baseline(void)
{
	struct svm_fuzz_result r;

	if (svm_loaded())
		return -1;
	if (svm_load("mem=1M") || svm_fuzz_run(0, 1, 2, &r) || svm_unload())
		return -1;
	return settled_free_kb();
}

FIXTURE(fuzz) {
	long base_kb;
};

FIXTURE_VARIANT(fuzz) {
	const char *params;
	unsigned long long seed;
	double share;	/* of FUZZ_SECONDS */
};

/* Room to fill: page cache, reclaim without swap, SIGBUS on ENOMEM. */
FIXTURE_VARIANT_ADD(fuzz, noswap) { "mem=16M", 1, 0.35 };
/* Overcommitted onto swap: reclaim, swap-out, swap-in, the swap cache. */
FIXTURE_VARIANT_ADD(fuzz, swap) {
	"mem=8M swapdev=/dev/vda swapdev_format=1", 2, 0.35
};

FIXTURE_SETUP(fuzz)
{
	ASSERT_FALSE(svm_loaded());
	self->base_kb = baseline();
	ASSERT_LT(0, self->base_kb);
	ASSERT_EQ(0, svm_load(variant->params));
}

FIXTURE_TEARDOWN(fuzz)
{
	if (svm_loaded())
		svm_unload();
}

/* What must hold once the fuzzing processes are gone. */
static void check_after(struct __test_metadata *_metadata, long base_kb)
{
	long long bad[4];
	char res[4096];
	long after;
	int i;

	ASSERT_LT(0, svm_fuzz_selfcheck(res, sizeof(res)));
	EXPECT_STREQ("ok\n", res);
	EXPECT_EQ(0, svm_vmstat("pgcache_leak"));
	EXPECT_EQ(0, svm_bad_frees(bad))
		TH_LOG("bad frees: %lld %lld %lld %lld",
		       bad[0], bad[1], bad[2], bad[3]);
	ASSERT_EQ(0, svm_unload());
	/* KASAN's quarantine and RCU give memory back late: a few tries. */
	for (i = 0; i < 10; i++) {
		after = settled_free_kb();
		if (labs(after - base_kb) <= SVM_MEMFREE_TOLERANCE_KB)
			break;
		sleep(1);
	}
	TH_LOG("free: %ld KiB before, %ld KiB after unload", base_kb, after);
	EXPECT_LE(labs(after - base_kb), SVM_MEMFREE_TOLERANCE_KB);
}

TEST_F_TIMEOUT(fuzz, seeded, 600)
{
	struct svm_fuzz_result r;

	ASSERT_EQ(0, svm_fuzz_run(variant->seed,
				  fuzz_seconds() * variant->share, PROCS, &r));
	TH_LOG("seed %llu: fuzz_calls %lu fuzz_signals %lu oom_killed %d",
	       variant->seed, r.calls, r.signals, r.killed);
	EXPECT_EQ(0, r.died);
	/* A SIGKILL must be the shadow OOM killer's. */
	EXPECT_LE(r.killed, svm_vmstat("oom_kill"));
	EXPECT_LT(100, r.calls);
	check_after(_metadata, self->base_kb);
}

FIXTURE(inject) {
	long base_kb;
	int has_fi;
};

FIXTURE_SETUP(inject)
{
	ASSERT_FALSE(svm_loaded());
	self->base_kb = baseline();
	ASSERT_LT(0, self->base_kb);
	ASSERT_EQ(0, svm_load("mem=8M swapdev=/dev/vda swapdev_format=1"));
	self->has_fi = !access("/sys/kernel/debug/fail_page_alloc", F_OK);
}

FIXTURE_TEARDOWN(inject)
{
	write_file(FPA "probability", "0");
	write_file(FSL "probability", "0");
	if (svm_loaded())
		svm_unload();
}

static void arm(struct __test_metadata *_metadata, const char *dir,
		const char *percent)
{
	char path[160], times[16];

	snprintf(times, sizeof(times), "%d", TIMES);
	snprintf(path, sizeof(path), "%sverbose", dir);
	ASSERT_EQ(0, write_file(path, "0"));
	snprintf(path, sizeof(path), "%sinterval", dir);
	ASSERT_EQ(0, write_file(path, "1"));
	snprintf(path, sizeof(path), "%stimes", dir);
	ASSERT_EQ(0, write_file(path, times));
	snprintf(path, sizeof(path), "%sprobability", dir);
	ASSERT_EQ(0, write_file(path, percent));
}

/* Failures injected since arm(): what `times` counted down. */
static long injected(const char *dir)
{
	char path[160], buf[32];

	snprintf(path, sizeof(path), "%stimes", dir);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return TIMES - atol(buf);
}

/*
 * shadowvm's allocations fail at random under the fuzzer: every path
 * unwinds (no splat, leak, or lost page), faults get SIGBUS, calls errors.
 * Without CONFIG_FAULT_INJECTION_DEBUG_FS there are no such files and the
 * fuzzer still runs clean.
 */
TEST_F_TIMEOUT(inject, shadow_allocators, 600)
{
	struct svm_fuzz_result r;
	long pa = 0, sl = 0;

	if (!self->has_fi) {
		EXPECT_NE(0, access(FPA "probability", F_OK));
		EXPECT_NE(0, access(FSL "probability", F_OK));
	} else {
		arm(_metadata, FPA, "5");
		arm(_metadata, FSL, "20");
	}
	ASSERT_EQ(0, svm_fuzz_run(3, fuzz_seconds() * 0.3, PROCS, &r));
	if (self->has_fi) {
		ASSERT_EQ(0, write_file(FPA "probability", "0"));
		ASSERT_EQ(0, write_file(FSL "probability", "0"));
		pa = injected(FPA);
		sl = injected(FSL);
		/* The fuzzer's own debugfs writes reach the slab (bench). */
		EXPECT_LT(0, pa);
	}
	TH_LOG("fuzz_calls %lu, injected: fail_page_alloc %ld fail_slab %ld, oom_killed %d",
	       r.calls, pa, sl, r.killed);
	EXPECT_EQ(0, r.died);
	/*
	 * An injected failure looks like exhausted memory: the shadow OOM
	 * killer may take a fuzzing process, and only it sends SIGKILL.
	 */
	EXPECT_LE(r.killed, svm_vmstat("oom_kill"));
	check_after(_metadata, self->base_kb);
}

/*
 * Benchmark runs written by several processes at once (as the fuzzer
 * does) all succeed and do not trip over each other: each native slab
 * case makes and destroys a kernel kmem_cache of a fixed name, which two
 * runs at once would create twice (a warning on a DEBUG_VM kernel).
 */
TEST_F_TIMEOUT(inject, bench_concurrent, 300)
{
	static const char *const cmds[] = {
		"slab_64 20 1", "slab_1024 20 1", "slab_64 5 2", "buddy_order3 20 1",
	};
	const char *const needles[] = { "already exists", "WARNING", NULL };
	int i, status, kmsg = kmsg_open(), failed = 0;

	ASSERT_LE(0, kmsg);
	for (i = 0; i < 4; i++) {
		if (fork() == 0) {
			int round, bad = 0;

			for (round = 0; round < 10; round++) {
				char res[256];

				if (svm_bench_cmd(cmds[i], res, sizeof(res)))
					bad++;
			}
			_exit(bad);
		}
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, kmsg_grep(kmsg, needles, 4));
	close(kmsg);
	check_after(_metadata, self->base_kb);
}

TEST_HARNESS_MAIN
