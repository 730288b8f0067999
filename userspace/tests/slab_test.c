// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm's slab allocator seen from debugfs: slabinfo parses as
 * /proc/slabinfo version 2.1, tunable writes take effect, slab_reap gives
 * free slabs back, and bad writes are refused with EINVAL and a log line.
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
#define HEADER	"# name            <active_objs> <num_objs> <objsize> " \
		"<objperslab> <pagesperslab> : tunables <limit> " \
		"<batchcount> <sharedfactor> : slabdata <active_slabs> " \
		"<num_slabs> <sharedavail>"
/* cache_cache and 11 sizes caches, each with a DMA twin */
#define CACHES	23

#define CACHE_EVENTS "-e shadowvm:svm_kmem_cache_alloc -e shadowvm:svm_kmem_cache_free"
#define GROW_EVENTS "-e shadowvm:svm_slab_grow -e shadowvm:svm_slab_shrink"

struct slabline {
	char name[64];
	unsigned long active, num, active_slabs, num_slabs, shared_avail;
	unsigned int objsize, per, pages, limit, batch, shared;
	unsigned long grown, reaped;
};

static int parse(const char *line, struct slabline *s)
{
	const char *g;

	if (sscanf(line, "%63s %lu %lu %u %u %u : tunables %u %u %u : slabdata %lu %lu %lu",
		   s->name, &s->active, &s->num, &s->objsize, &s->per,
		   &s->pages, &s->limit, &s->batch, &s->shared,
		   &s->active_slabs, &s->num_slabs, &s->shared_avail) != 12)
		return -1;
	g = strstr(line, " : globalstat ");
	if (!g || sscanf(g, " : globalstat %*u %*u %lu %lu", &s->grown,
			 &s->reaped) != 2)
		return -1;
	return 0;
}

/* The line of cache @name, parsed; -1 if absent or malformed. */
static int find(char *text, const char *name, struct slabline *s)
{
	size_t len = strlen(name);
	char *p;

	for (p = text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, name, len) && p[len] == ' ')
			return parse(p, s);
	}
	return -1;
}

FIXTURE(slab) {
	char text[65536];
	int kmsg;
};

FIXTURE_SETUP(slab)
{
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=16M"));
	self->kmsg = kmsg_open();
	ASSERT_GE(self->kmsg, 0);
}

FIXTURE_TEARDOWN(slab)
{
	close(self->kmsg);
	EXPECT_EQ(0, svm_unload());
}

/* The 2.1 header and one well-formed line per cache. */
TEST_F(slab, slabinfo_layout)
{
	char *line, *save = NULL;
	struct slabline s;
	int n = 0;

	ASSERT_GT(read_file(DIR "slabinfo", self->text, sizeof(self->text)), 0);
	line = strtok_r(self->text, "\n", &save);
	ASSERT_NE(NULL, line);
	EXPECT_STREQ("slabinfo - version: 2.1", line);
	line = strtok_r(NULL, "\n", &save);
	ASSERT_NE(NULL, line);
	EXPECT_EQ(0, strncmp(line, HEADER, strlen(HEADER)));
	while ((line = strtok_r(NULL, "\n", &save))) {
		ASSERT_EQ(0, parse(line, &s)) TH_LOG("bad line \"%s\"", line);
		EXPECT_LE(s.active, s.num);
		EXPECT_EQ(s.num, s.num_slabs * s.per);
		EXPECT_LE(s.active_slabs, s.num_slabs);
		EXPECT_GT(s.per, 0);
		EXPECT_GE(s.objsize, 32);
		EXPECT_GE(s.limit, s.batch);
		EXPECT_EQ(0, s.shared);
		n++;
	}
	EXPECT_EQ(CACHES, n);
	ASSERT_GT(read_file(DIR "slabinfo", self->text, sizeof(self->text)), 0);
	EXPECT_EQ(0, find(self->text, "kmem_cache", &s));
	EXPECT_EQ(0, find(self->text, "size-32", &s));
	EXPECT_EQ(32, s.objsize);
	EXPECT_EQ(0, find(self->text, "size-32768(DMA)", &s));
	EXPECT_EQ(32768, s.objsize);
	EXPECT_EQ(8, s.pages);
}

/* "name limit batchcount [shared]" writes change the tunables. */
TEST_F(slab, tunables)
{
	struct slabline s;

	EXPECT_EQ(0, write_file(DIR "slabinfo", "size-64 16 8 0"));
	ASSERT_GT(read_file(DIR "slabinfo", self->text, sizeof(self->text)), 0);
	ASSERT_EQ(0, find(self->text, "size-64", &s));
	EXPECT_EQ(16, s.limit);
	EXPECT_EQ(8, s.batch);
	EXPECT_EQ(0, write_file(DIR "slabinfo", "size-64 32 1\n"));
	ASSERT_GT(read_file(DIR "slabinfo", self->text, sizeof(self->text)), 0);
	ASSERT_EQ(0, find(self->text, "size-64", &s));
	EXPECT_EQ(32, s.limit);
	EXPECT_EQ(1, s.batch);
}

TEST_F(slab, bad_writes)
{
	EXPECT_EQ(-EINVAL, write_file(DIR "slabinfo", "size-64 0 1 0"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slabinfo", "size-64 8 9 0"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slabinfo", "size-64 8 4 1"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slabinfo", "size-64 100000 4"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slabinfo", "nosuch 8 4 0"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slabinfo", "size-64"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slabinfo", "size-64 a b"));
	EXPECT_TRUE(kmsg_contains(self->kmsg, "slabinfo:"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slab_reap", "0"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slab_reap", "abc"));
	EXPECT_EQ(-EINVAL, write_file(DIR "slab_reap", "100000"));
	EXPECT_TRUE(kmsg_contains(self->kmsg, "slab_reap:"));
}

/* svm_kmalloc() through the bench grows size-256; reaping frees it. */
TEST_F(slab, grow_and_reap)
{
	struct slabline s;
	char res[256];

	ASSERT_EQ(0, svm_bench_cmd("kmalloc_256 100 1", res, sizeof(res)));
	ASSERT_GT(read_file(DIR "slabinfo", self->text, sizeof(self->text)), 0);
	ASSERT_EQ(0, find(self->text, "size-256", &s));
	EXPECT_GE(s.grown, 1);
	EXPECT_GE(s.num_slabs, 1);
	EXPECT_EQ(0, write_file(DIR "slab_reap", "100"));
	ASSERT_GT(read_file(DIR "slab_reap", res, sizeof(res)), 0);
	EXPECT_GT(strtol(res, NULL, 10), 0);
	ASSERT_GT(read_file(DIR "slabinfo", self->text, sizeof(self->text)), 0);
	ASSERT_EQ(0, find(self->text, "size-256", &s));
	EXPECT_GE(s.reaped, 1);
	EXPECT_EQ(0, s.num_slabs);
}

/*
 * svm_slab_grow events of @cache in the last recording whose pfn, order
 * and colour_off the svm_slab_shrink events do not show as often, or -1.
 */
static long unmatched_shrinks(const char *cache)
{
	char line[1024], tail[256];
	long n = 0;
	FILE *f = fopen(SVM_TRACE_REPORT, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " pfn=");

		if (!strstr(line, "svm_slab_grow:") || !strstr(line, cache) || !p)
			continue;
		snprintf(tail, sizeof(tail), "%s%s", cache, p);
		*strchrnul(tail, '\n') = '\0';
		n += svm_trace_count("svm_slab_grow:", tail) !=
		     svm_trace_count("svm_slab_shrink:", tail);
	}
	fclose(f);
	return n;
}

/* The slab events fire with the fields Documentation/slab.rst lists. */
TEST_F_TIMEOUT(slab, tracepoints, 120)
{
	ASSERT_EQ(0, svm_trace_run("-e shadowvm:svm_kmalloc -e shadowvm:svm_kfree",
				"echo kmalloc_256 50 1 > " DIR "bench"));
	/* a warm-up repetition and one counted: 100 of each */
	EXPECT_EQ(100, svm_trace_count("svm_kmalloc:",
				    "cache=size-256 bytes_req=256 bytes_alloc=256"));
	EXPECT_EQ(100, svm_trace_count("svm_kfree:",
				    "cache=size-256 bytes_alloc=256"));

	ASSERT_EQ(0, svm_trace_run(CACHE_EVENTS " " GROW_EVENTS,
				"echo slab_64 50 1 > " DIR "bench"));
	/* each repetition: one warm-up operation and 50 */
	EXPECT_EQ(102, svm_trace_count("svm_kmem_cache_alloc:",
				    "cache=bench-64 bytes=64"));
	EXPECT_EQ(102, svm_trace_count("svm_kmem_cache_free:", "cache=bench-64"));
	/* a cache per repetition: one slab made and freed by destroy */
	EXPECT_EQ(2, svm_trace_count("svm_slab_grow:", "cache=bench-64"));
	EXPECT_EQ(2, svm_trace_count("svm_slab_shrink:", "cache=bench-64"));
	/* A slab leaves with the pfn, order and colour it came with. */
	EXPECT_EQ(0, unmatched_shrinks("cache=bench-64"));

	ASSERT_EQ(0, svm_trace_run("-e shadowvm:svm_slab_reap",
				"echo 100 > " DIR "slab_reap"));
	EXPECT_GE(svm_trace_count("svm_slab_reap:", "cache=size-"), 1);
}

TEST_HARNESS_MAIN
