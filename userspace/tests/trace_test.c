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
/* `echo @cmd > bench` as a shell command for svm_trace_run(). */
static int trace_bench(const char *events, const char *cmd)
{
	char shell[256];

	snprintf(shell, sizeof(shell), "echo %s > %s", cmd, SVM_BENCH_FILE);
	return svm_trace_run(events, shell);
}

FIXTURE(trace) {
};

FIXTURE_SETUP(trace)
{
	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=16M"));
	unlink(SVM_TRACE_DAT);
	unlink(SVM_TRACE_REPORT);
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

	ASSERT_EQ(0, trace_bench("-e shadowvm", "buddy_order0 200 1"));

	allocs = svm_trace_count("svm_page_alloc:", "order=0");
	frees = svm_trace_count("svm_page_free:", "order=0");
	EXPECT_EQ(400, allocs);
	EXPECT_EQ(400, frees);
	EXPECT_EQ(allocs, svm_trace_count("svm_page_alloc:", "shadowvm zone="));
	EXPECT_EQ(0, svm_trace_count("svm_page_alloc_fail:", NULL));
}

/* Order-3 blocks: the events carry the order asked for. */
TEST_F(trace, order3)
{
	ASSERT_EQ(0, trace_bench("-e shadowvm:svm_page_alloc -e shadowvm:svm_page_free",
			    "buddy_order3 50 2"));
	EXPECT_EQ(150, svm_trace_count("svm_page_alloc:", "order=3"));
	EXPECT_EQ(150, svm_trace_count("svm_page_free:", "order=3"));
	EXPECT_EQ(0, svm_trace_count("svm_page_alloc:", "order=0"));
}

TEST_HARNESS_MAIN
