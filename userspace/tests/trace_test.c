// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm's tracepoints seen by trace-cmd: record a short allocation burst
 * driven through debugfs "bench" and count the events in the report.
 *
 * Run as root in a guest with trace-cmd on $PATH, $SHADOWVM_KO naming the
 * module and shadowvm not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define BENCH	"/sys/kernel/debug/shadowvm/shadowvm/bench"
#define DAT	"/tmp/svm-trace.dat"
#define REPORT	"/tmp/svm-trace.txt"
#define LOG	"/tmp/svm-trace.log"

/*
 * Records @events while one bench command runs, then writes the report.
 * Returns 0, or the failing command's status (its output is in LOG).
 */
static int run_traced(const char *events, const char *bench_cmd)
{
	char cmd[512];
	int ret;

	snprintf(cmd, sizeof(cmd),
		 "trace-cmd record -q %s -o %s sh -c 'echo %s > %s' > %s 2>&1",
		 events, DAT, bench_cmd, BENCH, LOG);
	ret = system(cmd);
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "trace-cmd report -i %s > %s 2>> %s",
		 DAT, REPORT, LOG);
	return system(cmd);
}

/* Lines of the report holding @event and every string of @also. */
static long count_events(const char *event, const char *also)
{
	char line[1024];
	long n = 0;
	FILE *f = fopen(REPORT, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, event) && (!also || strstr(line, also)))
			n++;
	fclose(f);
	return n;
}

FIXTURE(trace) {
};

FIXTURE_SETUP(trace)
{
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=16M"));
	unlink(DAT);
	unlink(REPORT);
}

FIXTURE_TEARDOWN(trace)
{
	EXPECT_EQ(0, svm_unload());
}

/*
 * One bench repetition of 200 order-0 allocations plus its warm-up: 400
 * allocations and 400 frees on the shadow side, every one of them traced
 * with its zone and order; the native side adds no shadowvm event.
 */
TEST_F(trace, alloc_free_burst)
{
	long allocs, frees;

	ASSERT_EQ(0, run_traced("-e shadowvm", "buddy_order0 200 1"));

	allocs = count_events("svm_page_alloc:", "order=0");
	frees = count_events("svm_page_free:", "order=0");
	EXPECT_EQ(400, allocs);
	EXPECT_EQ(400, frees);
	EXPECT_EQ(allocs, count_events("svm_page_alloc:", "shadowvm zone="));
	EXPECT_EQ(0, count_events("svm_page_alloc_fail:", NULL));
}

/* Order-3 blocks: the events carry the order asked for. */
TEST_F(trace, order3)
{
	ASSERT_EQ(0, run_traced("-e shadowvm:svm_page_alloc -e shadowvm:svm_page_free",
			    "buddy_order3 50 2"));
	EXPECT_EQ(150, count_events("svm_page_alloc:", "order=3"));
	EXPECT_EQ(150, count_events("svm_page_free:", "order=3"));
	EXPECT_EQ(0, count_events("svm_page_alloc:", "order=0"));
}

TEST_HARNESS_MAIN
