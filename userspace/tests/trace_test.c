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
 * with the module instance's id, its zone and order; the native side adds
 * no shadowvm event.
 */
/* trace-cmd's start and stop take seconds on a loaded TCG guest. */
TEST_F_TIMEOUT(trace, alloc_free_burst, 120)
{
	long allocs, frees;
	char zone[64];

	ASSERT_EQ(0, svm_trace_instance(zone, sizeof(zone), "zone="));
	ASSERT_EQ(0, trace_bench("-e shadowvm", "buddy_order0 200 1"));

	allocs = svm_trace_count("svm_page_alloc:", "order=0");
	frees = svm_trace_count("svm_page_free:", "order=0");
	EXPECT_EQ(400, allocs);
	EXPECT_EQ(400, frees);
	EXPECT_EQ(allocs, svm_trace_count("svm_page_alloc:", zone));
	EXPECT_EQ(0, svm_trace_count("svm_page_alloc_fail:", NULL));
}

/* Order-3 blocks: the events carry the order asked for. */
TEST_F_TIMEOUT(trace, order3, 120)
{
	ASSERT_EQ(0, trace_bench("-e shadowvm:svm_page_alloc -e shadowvm:svm_page_free",
			    "buddy_order3 50 2"));
	EXPECT_EQ(150, svm_trace_count("svm_page_alloc:", "order=3"));
	EXPECT_EQ(150, svm_trace_count("svm_page_free:", "order=3"));
	EXPECT_EQ(0, svm_trace_count("svm_page_alloc:", "order=0"));
}

/*
 * The fragmentation bench allocates from two private instances, each with
 * an id of its own: their events never carry the module instance's.
 */
TEST_F_TIMEOUT(trace, private_instances, 240)
{
	char zone[64];

	ASSERT_EQ(0, svm_trace_instance(zone, sizeof(zone), "zone="));
	ASSERT_EQ(0, trace_bench("-e shadowvm:svm_page_alloc", "fragmentation"));
	EXPECT_LT(0, svm_trace_count("svm_page_alloc:", " instance="));
	EXPECT_EQ(0, svm_trace_count("svm_page_alloc:", zone));
}

/*
 * Reclaim and swap, traced: dd writes 8 MiB into the default object of a
 * 2 MiB instance with swap, then reads it back. Every page written to or
 * read from swap has its event, exactly as vmstat counts them; kswapd's
 * wake-ups and the passes over the lists show up too.
 */
#define SWAP_EVENTS "-e shadowvm:svm_swap_out -e shadowvm:svm_swap_in -e shadowvm:svm_swap_readahead -e shadowvm:svm_kswapd_wake -e shadowvm:svm_shrink_node"
#define SWAP_WORKLOAD "dd if=/dev/zero of=/dev/shadowvm bs=64k count=128 && dd if=/dev/shadowvm of=/dev/null bs=64k count=128"

FIXTURE(swap) {};
FIXTURE_SETUP(swap) {}
FIXTURE_TEARDOWN(swap) {}

TEST_F_TIMEOUT(swap, reclaim_and_swap, 120)
{
	long long out0, in0, wake0;
	char pfn[64];

	ASSERT_FALSE(svm_loaded());
	ASSERT_EQ(0, svm_load("mem=2M swapdev=/dev/vda swapdev_format=1"));
	unlink(SVM_TRACE_DAT);
	unlink(SVM_TRACE_REPORT);
	ASSERT_EQ(0, svm_trace_instance(pfn, sizeof(pfn), "pfn="));
	out0 = svm_vmstat("pswpout");
	in0 = svm_vmstat("pswpin");
	wake0 = svm_vmstat("kswapd_wake");
	ASSERT_EQ(0, svm_trace_run(SWAP_EVENTS, SWAP_WORKLOAD));
	EXPECT_GT(svm_vmstat("pswpout") - out0, 1024);
	EXPECT_EQ(svm_vmstat("pswpout") - out0,
		  svm_trace_count("svm_swap_out:", pfn));
	EXPECT_GT(svm_vmstat("pswpin") - in0, 1024);
	EXPECT_EQ(svm_vmstat("pswpin") - in0,
		  svm_trace_count("svm_swap_in:", pfn));
	/* Read-ahead pages are reads too: part of pswpin, each traced. */
	EXPECT_GT(svm_trace_count("svm_swap_readahead:", NULL), 0);
	EXPECT_LT(svm_trace_count("svm_swap_readahead:", NULL),
		  svm_vmstat("pswpin") - in0);
	/* A wake-up asked for last may be served after tracing stopped. */
	EXPECT_GT(svm_trace_count("svm_kswapd_wake:", NULL), 0);
	EXPECT_LE(svm_trace_count("svm_kswapd_wake:", NULL),
		  svm_vmstat("kswapd_wake") - wake0);
	EXPECT_GT(svm_trace_count("svm_shrink_node:", "priority="), 0);
	EXPECT_EQ(0, svm_unload());
}

TEST_HARNESS_MAIN
