// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm's emulated high memory and vmalloc arena seen from userspace,
 * on any kernel (the stock one has no KUnit): the last_pkmap parameter,
 * the pkmap, highmem and vmallocinfo debugfs files, the kmap, atomic map
 * and vmalloc paths driven through the bench file, and no memory left
 * behind by the windows after an unload.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module and shadowvm
 * not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define DIR	"/sys/kernel/debug/shadowvm/shadowvm/"

static long long stat_of(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s ", key);
	for (p = text; (p = strstr(p, pat)); p++)
		if (p == text || p[-1] == '\n')
			return atoll(p + strlen(pat));
	return -1;
}

/* Out-of-range slot counts are refused with EINVAL and one log line. */
TEST(last_pkmap_param)
{
	char text[4096];
	int kmsg;

	ASSERT_FALSE(svm_loaded());
	kmsg = kmsg_open();
	ASSERT_GE(kmsg, 0);
	EXPECT_EQ(-EINVAL, svm_load("mem=16M last_pkmap=1"));
	EXPECT_TRUE(kmsg_contains(kmsg, "last_pkmap=1: must be 2-4096"));
	EXPECT_EQ(-EINVAL, svm_load("mem=16M last_pkmap=4097"));
	EXPECT_TRUE(kmsg_contains(kmsg, "last_pkmap=4097: must be 2-4096"));
	close(kmsg);
	EXPECT_FALSE(svm_loaded());

	ASSERT_EQ(0, svm_load("mem=16M last_pkmap=64"));
	ASSERT_GT(read_file(DIR "pkmap", text, sizeof(text)), 0);
	EXPECT_EQ(0, strncmp(text, "slots 64 next 0\nslot  count  pfn\n"
			     "in_use 0 cached 0 free 64\n", 80));
	EXPECT_EQ(0, svm_unload());
}

FIXTURE(hm) {
	char text[65536];
	char res[256];
};

FIXTURE_SETUP(hm)
{
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=16M last_pkmap=32"));
}

FIXTURE_TEARDOWN(hm)
{
	EXPECT_EQ(0, svm_unload());
}

/* kmap and kmap_atomic run, are counted and leave nothing mapped. */
TEST_F(hm, kmaps_counted)
{
	int used, cached, free, n;
	const char *p;

	ASSERT_GT(read_file(DIR "highmem", self->text, sizeof(self->text)), 0);
	EXPECT_EQ(0, stat_of(self->text, "kmaps"));
	EXPECT_EQ(0, stat_of(self->text, "atomic_maps"));
	EXPECT_EQ(-1, stat_of(self->text, "bounce_pool"));

	/* One warm-up and three counted repetitions of 1000, plus a prime. */
	ASSERT_EQ(0, svm_bench_cmd("kmap_high 1000 3", self->res,
				   sizeof(self->res)));
	ASSERT_EQ(0, svm_bench_cmd("kmap_atomic 1000 3", self->res,
				   sizeof(self->res)));
	ASSERT_GT(read_file(DIR "highmem", self->text, sizeof(self->text)), 0);
	EXPECT_EQ(4 * 1001, stat_of(self->text, "kmaps"));
	EXPECT_EQ(4 * 1000, stat_of(self->text, "atomic_maps"));
	EXPECT_EQ(0, stat_of(self->text, "kmap_waits"));
	EXPECT_EQ(0, stat_of(self->text, "bad_unmaps"));

	/* The pages' slots stay cached after the last kunmap; none in use. */
	ASSERT_GT(read_file(DIR "pkmap", self->text, sizeof(self->text)), 0);
	p = strstr(self->text, "in_use ");
	ASSERT_NE(NULL, p);
	n = sscanf(p, "in_use %d cached %d free %d", &used, &cached, &free);
	ASSERT_EQ(3, n);
	EXPECT_EQ(0, used);
	EXPECT_GE(cached, 1);
	EXPECT_LE(cached, 4);
	EXPECT_EQ(32, used + cached + free);
}

/*
 * Each bench repetition of vmalloc_16k ends with a forced purge of the
 * lazily freed areas, inside its timing, as the native side ends with
 * vm_unmap_aliases(): after the run, vmallocinfo lists no area at all,
 * neither a live one (a leak) nor an unpurged one. (The file's layout is
 * checked by KUnit's svm_vmallocinfo_test.)
 */
TEST_F(hm, vmallocinfo_purged_after_bench)
{
	ASSERT_EQ(0, svm_bench_cmd("vmalloc_16k 100 1", self->res,
				   sizeof(self->res)));
	ASSERT_EQ(0, read_file(DIR "vmallocinfo", self->text,
			       sizeof(self->text)));
	EXPECT_STREQ("", self->text);
}

/* The windows and every page come back on unload. */
TEST(no_leak)
{
	char res[256];
	long base, after;
	int round;

	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=1M"));
	ASSERT_EQ(0, svm_unload());
	base = free_kb_within(0, LONG_MAX);
	for (round = 0; round < 4; round++) {
		ASSERT_EQ(0, svm_load("mem=64M"));
		/* Few: the native side's lazily freed areas count too. */
		EXPECT_EQ(0, svm_bench_cmd("vmalloc_16k 20 1", res,
					   sizeof(res)));
		EXPECT_EQ(0, svm_bench_cmd("kmap_atomic 100 1", res,
					   sizeof(res)));
		EXPECT_EQ(0, svm_bench_cmd("kmap_high 100 1", res, sizeof(res)));
		ASSERT_EQ(0, svm_unload());
	}
	after = free_kb_within(base - SVM_MEMFREE_TOLERANCE_KB,
			       base + SVM_MEMFREE_TOLERANCE_KB);
	TH_LOG("free: %ld KiB before, %ld KiB after", base, after);
	EXPECT_LE(labs(after - base), SVM_MEMFREE_TOLERANCE_KB);
}

TEST_HARNESS_MAIN
