// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm's debugfs files read by a user: layouts that parsers of the
 * kernel's own files accept, figures that agree with each other, and bad
 * writes refused with EINVAL and a log line.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module and shadowvm
 * not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define DIR	"/sys/kernel/debug/shadowvm/shadowvm/"
#define PAGES	((long)((16UL << 20) / sysconf(_SC_PAGESIZE)))	/* mem=16M */

FIXTURE(dbg) {
	char text[16384];
	int kmsg;
};

FIXTURE_SETUP(dbg)
{
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=16M"));
	self->kmsg = kmsg_open();
	ASSERT_GE(self->kmsg, 0);
}

FIXTURE_TEARDOWN(dbg)
{
	close(self->kmsg);
	EXPECT_EQ(0, svm_unload());
}

/*
 * buddyinfo has /proc/buddyinfo's layout, one line per zone with eleven
 * counts, and right after loading every shadow page is free in it.
 */
TEST_F(dbg, buddyinfo_layout_and_total)
{
	char *line, *save = NULL;
	long total = 0;
	int zones = 0;

	ASSERT_GT(read_file(DIR "buddyinfo", self->text, sizeof(self->text)), 0);
	for (line = strtok_r(self->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char zone[16];
		int node, pos = 0, order, got;
		long n;
		char *p;

		got = sscanf(line, "Node %d, zone %15s%n", &node, zone, &pos);
		ASSERT_EQ(2, got) TH_LOG("bad line \"%s\"", line);
		p = line + pos;
		for (order = 0; order <= 10; order++) {
			n = strtol(p, &p, 10);
			ASSERT_GE(n, 0);
			total += n << order;
		}
		while (*p == ' ')
			p++;
		EXPECT_EQ('\0', *p) TH_LOG("more than 11 orders: \"%s\"", line);
		zones++;
	}
	EXPECT_EQ(3, zones);
	EXPECT_EQ(PAGES, total);
}

/* zoneinfo's "pages free" add up to the pages buddyinfo lists. */
TEST_F(dbg, zoneinfo_free_matches)
{
	long free = 0, managed = 0;
	char *p;

	ASSERT_GT(read_file(DIR "zoneinfo", self->text, sizeof(self->text)), 0);
	for (p = self->text; (p = strstr(p, "pages free")); p++)
		free += strtol(p + strlen("pages free"), NULL, 10);
	for (p = self->text; (p = strstr(p, "managed")); p++)
		managed += strtol(p + strlen("managed"), NULL, 10);
	EXPECT_EQ(PAGES, free);
	EXPECT_EQ(PAGES, managed);
}

/* The page file shows the pfn written; bad pfns are refused and logged. */
TEST_F(dbg, page_file)
{
	char pfn[32];

	/* The last page frame, then the first past the end. */
	snprintf(pfn, sizeof(pfn), "%ld", PAGES - 1);
	ASSERT_EQ(0, write_file(DIR "page", pfn));
	ASSERT_GT(read_file(DIR "page", self->text, sizeof(self->text)), 0);
	EXPECT_EQ(PAGES - 1, keyed_value(self->text, "pfn"));
	EXPECT_NE(NULL, strstr(self->text, "zone:"));

	snprintf(pfn, sizeof(pfn), "%ld", PAGES);
	EXPECT_EQ(-EINVAL, write_file(DIR "page", pfn));
	EXPECT_EQ(-EINVAL, write_file(DIR "page", "abc"));
	EXPECT_EQ(-EINVAL, write_file(DIR "page", "-1"));
	EXPECT_EQ(-EINVAL, write_file(DIR "page", "99999999999999999999999"));
	EXPECT_TRUE(kmsg_contains(self->kmsg, "page: expected a shadow pfn"));
	/* A refused write leaves the pfn shown before. */
	ASSERT_GT(read_file(DIR "page", self->text, sizeof(self->text)), 0);
	EXPECT_EQ(4095, keyed_value(self->text, "pfn"));
}

/* bench refuses unknown cases and counts out of range. */
TEST_F(dbg, bench_bad_input)
{
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "nosuch"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 0"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 10 0"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 10 99"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", " "));
	/* Negative, trailing garbage, extra words: not counts. */
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 -1"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 10 -1"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 10x"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 10 1 1"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "buddy_order0 99999999999999999999"));
	EXPECT_EQ(-EINVAL, write_file(DIR "bench", "fragmentation 10"));
	EXPECT_TRUE(kmsg_contains(self->kmsg, "bench:"));
	/* A good command still runs after the bad ones. */
	EXPECT_EQ(0, write_file(DIR "bench", "buddy_order0 10 1"));
}

/* Read-only tables refuse writes. */
TEST_F(dbg, tables_read_only)
{
	static const char * const files[] = {
		"meminfo", "chunks", "buddyinfo", "zoneinfo", "pagetypeinfo",
		"unusable_index", "extfrag_index",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), DIR "%s", files[i]);
		EXPECT_EQ(0, access(path, R_OK)) TH_LOG("%s", files[i]);
		EXPECT_NE(0, write_file(path, "1")) TH_LOG("%s", files[i]);
	}
}

TEST_HARNESS_MAIN
