// SPDX-License-Identifier: GPL-2.0
/*
 * svmreplay: its generators (deterministic, of the documented shape), its
 * parsers (a malformed line is named and fails with status 2), its
 * messages when there is nothing to replay on, and the replay itself
 * against figures known in advance: a trace that fits in shadow memory
 * misses once per distinct page, a loop larger than shadow memory misses
 * on nearly every reference under the active/inactive LRU.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module, /dev/vda a
 * scratch disk and shadowvm not loaded; $SVMREPLAY names the tool
 * (default /guest/tools/svmreplay).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define OUT	(4 << 20)

static const char *svmreplay_path(void)
{
	const char *p = getenv("SVMREPLAY");

	return p && *p ? p : "/guest/tools/svmreplay";
}

/*
 * Runs `svmreplay @args` with @env set (or nothing); collects its standard
 * output in @out and, when @err is not NULL, its standard error in @err
 * (else standard error goes to @out too). Returns the exit status, or -1.
 */
static int run(const char *env, const char *args, char *out, size_t size,
	       char *err, size_t err_size)
{
	const char *errfile = "/tmp/svmreplay.err";
	char cmd[1024];
	size_t len = 0, n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s %s 2>%s", env ? env : "",
		 svmreplay_path(), args, err ? errfile : "&1");
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (len < size - 1 && (n = fread(out + len, 1, size - 1 - len, f)))
		len += n;
	out[len] = '\0';
	st = pclose(f);
	if (err && read_file(errfile, err, err_size) < 0)
		err[0] = '\0';
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Parses a --dump: page numbers into @pages (at most @max); returns count. */
static long parse_dump(const char *text, unsigned long *pages, long max,
		       long *writes)
{
	const char *p = text;
	long n = 0;
	char *end;

	*writes = 0;
	while (*p) {
		unsigned long v = strtoul(p, &end, 10);

		if (end == p || n == max)
			return -1;
		pages[n++] = v;
		p = end;
		if (!strncmp(p, " w", 2)) {
			(*writes)++;
			p += 2;
		}
		if (*p++ != '\n')
			return -1;
	}
	return n;
}

/* The number at "@key": in a one-line JSON object, or -1. */
static double json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;
	char *end;
	double v;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	v = strtod(p + strlen(pat), &end);
	return end == p + strlen(pat) ? -1 : v;
}

static unsigned long distinct(const unsigned long *pages, long n,
			      unsigned long range)
{
	char *seen = calloc(range, 1);
	unsigned long d = 0;
	long i;

	if (!seen)
		return 0;
	for (i = 0; i < n; i++) {
		if (pages[i] < range && !seen[pages[i]]) {
			seen[pages[i]] = 1;
			d++;
		}
	}
	free(seen);
	return d;
}

FIXTURE(dump) {
	char *out, *again;
	unsigned long *pages;
};

FIXTURE_SETUP(dump)
{
	ASSERT_EQ(0, access(svmreplay_path(), X_OK)) {
		TH_LOG("no %s: the guest needs build/userspace/tools",
		       svmreplay_path());
	}
	self->out = malloc(OUT);
	self->again = malloc(OUT);
	self->pages = malloc(OUT / 2 * sizeof(*self->pages));
	ASSERT_NE(NULL, self->out);
	ASSERT_NE(NULL, self->again);
	ASSERT_NE(NULL, self->pages);
}

FIXTURE_TEARDOWN(dump)
{
	free(self->out);
	free(self->again);
	free(self->pages);
}

TEST_F(dump, seq_and_loop)
{
	long n, i, w;

	ASSERT_EQ(0, run(NULL, "--dump seq:1000", self->out, OUT, NULL, 0));
	n = parse_dump(self->out, self->pages, OUT / 2, &w);
	ASSERT_EQ(1000, n);
	EXPECT_EQ(0, w);
	for (i = 0; i < n; i++)
		ASSERT_EQ((unsigned long)i, self->pages[i]);

	ASSERT_EQ(0, run(NULL, "--dump loop:300:7", self->out, OUT, NULL, 0));
	n = parse_dump(self->out, self->pages, OUT / 2, &w);
	ASSERT_EQ(2100, n);
	for (i = 0; i < n; i++)
		ASSERT_EQ((unsigned long)(i % 300), self->pages[i]);

	/* zigzag: the odd passes go backwards. */
	ASSERT_EQ(0, run(NULL, "--dump zigzag:5:3", self->out, OUT, NULL, 0));
	EXPECT_STREQ("0\n1\n2\n3\n4\n4\n3\n2\n1\n0\n0\n1\n2\n3\n4\n",
		     self->out);
}

TEST_F(dump, hotscan_shape)
{
	long n, i, w;

	ASSERT_EQ(0, run(NULL, "--dump hotscan:100:1000:4", self->out, OUT,
			 NULL, 0));
	n = parse_dump(self->out, self->pages, OUT / 2, &w);
	/* Two passes over the hot set, the scan, two more passes. */
	ASSERT_EQ(4 * 100 + 1000, n);
	for (i = 0; i < 200; i++)
		ASSERT_EQ((unsigned long)(i % 100), self->pages[i]);
	for (i = 0; i < 1000; i++)
		ASSERT_EQ((unsigned long)(100 + i), self->pages[200 + i]);
	for (i = 0; i < 200; i++)
		ASSERT_EQ((unsigned long)(i % 100), self->pages[1200 + i]);
}

/*
 * zipf:1000:1.0:20000: every page below 1000, and the most referenced
 * page far above the uniform 20 references per page: rank 1 is drawn
 * with probability 1/H(1000) = 0.134, about 2680 times; 10 times uniform
 * is a bound no uniform draw reaches (its maximum is near 35).
 */
TEST_F(dump, zipf_skew)
{
	unsigned long *count = calloc(1000, sizeof(*count)), top = 0;
	long n, i, w;

	ASSERT_NE(NULL, count);
	ASSERT_EQ(0, run(NULL, "--dump --seed 7 zipf:1000:1.0:20000",
			 self->out, OUT, NULL, 0));
	n = parse_dump(self->out, self->pages, OUT / 2, &w);
	ASSERT_EQ(20000, n);
	for (i = 0; i < n; i++) {
		ASSERT_GT(1000UL, self->pages[i]);
		count[self->pages[i]]++;
	}
	for (i = 0; i < 1000; i++)
		if (count[i] > top)
			top = count[i];
	ksft_print_msg("zipf:1000:1.0:20000: rank 1 referenced %lu times, %lu pages referenced\n",
		       top, distinct(self->pages, n, 1000));
	EXPECT_LT(10 * 20000 / 1000, top);
	/* alpha 0 is uniform: no page far above the mean. */
	ASSERT_EQ(0, run(NULL, "--dump --seed 7 zipf:1000:0:20000",
			 self->out, OUT, NULL, 0));
	n = parse_dump(self->out, self->pages, OUT / 2, &w);
	ASSERT_EQ(20000, n);
	memset(count, 0, 1000 * sizeof(*count));
	top = 0;
	for (i = 0; i < n; i++)
		if (++count[self->pages[i]] > top)
			top = count[self->pages[i]];
	EXPECT_GT(3 * 20000 / 1000, top);
	free(count);
}

/* Same seed, same trace; another seed, another trace: every generator. */
TEST_F(dump, deterministic)
{
	static const char * const specs[] = {
		"zipf:500:0.9:5000", "random:500:5000",
		"twopools:50:1000:5000", "--writes 30 loop:100:10",
	};
	char args[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		snprintf(args, sizeof(args), "--dump --seed 42 %s", specs[i]);
		ASSERT_EQ(0, run(NULL, args, self->out, OUT, NULL, 0));
		ASSERT_EQ(0, run(NULL, args, self->again, OUT, NULL, 0));
		EXPECT_STREQ(self->out, self->again) {
			TH_LOG("%s: two dumps differ", specs[i]);
		}
		snprintf(args, sizeof(args), "--dump --seed 43 %s", specs[i]);
		ASSERT_EQ(0, run(NULL, args, self->again, OUT, NULL, 0));
		EXPECT_STRNE(self->out, self->again) {
			TH_LOG("%s: seeds 42 and 43 gave the same trace",
			       specs[i]);
		}
	}
}

/* twopools: half the references, give or take, to the small pool. */
TEST_F(dump, twopools_shape)
{
	long n, i, w, small = 0;

	ASSERT_EQ(0, run(NULL, "--dump twopools:50:1000:10000", self->out,
			 OUT, NULL, 0));
	n = parse_dump(self->out, self->pages, OUT / 2, &w);
	ASSERT_EQ(10000, n);
	for (i = 0; i < n; i++) {
		ASSERT_GT(1050UL, self->pages[i]);
		small += self->pages[i] < 50;
	}
	/* Binomial(10000, 1/2): 4700 and 5300 are six standard deviations. */
	EXPECT_LT(4700, small);
	EXPECT_GT(5300, small);
}

/* A dump read back is the same trace; the csv format numbers its ids. */
TEST_F(dump, formats)
{
	const char *trace = "/tmp/replay-trace";
	char err[512];
	FILE *f;

	ASSERT_EQ(0, run(NULL, "--dump --writes 50 zipf:100:1:300", self->out,
			 OUT, NULL, 0));
	f = fopen(trace, "w");
	ASSERT_NE(NULL, f);
	fputs(self->out, f);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, run(NULL, "--dump --format lirs /tmp/replay-trace",
			 self->again, OUT, err, sizeof(err)));
	EXPECT_STREQ(self->out, self->again);
	ASSERT_EQ(0, run(NULL, "--dump - < /tmp/replay-trace", self->again,
			 OUT, err, sizeof(err)));
	EXPECT_STREQ(self->out, self->again);

	/* lirs: r, R, w, W, with or without a blank; comments skipped. */
	f = fopen(trace, "w");
	ASSERT_NE(NULL, f);
	fputs("# a comment\n5\n7w\n7 W\n\n3 r\r\n9R\n", f);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, run(NULL, "--dump /tmp/replay-trace", self->out, OUT,
			 err, sizeof(err)));
	EXPECT_STREQ("5\n7 w\n7 w\n3\n9\n", self->out);

	/* csv: the header skipped, ids numbered by first appearance. */
	f = fopen(trace, "w");
	ASSERT_NE(NULL, f);
	fputs("timestamp,obj_id,size\n1,abc,4096\n2,900,512\n3.5,abc,4096\n4, 17 ,0\n5,900,512\n",
	      f);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, run(NULL, "--dump /tmp/replay-trace", self->out, OUT,
			 err, sizeof(err)));
	EXPECT_STREQ("0\n1\n0\n2\n1\n", self->out);
	ASSERT_EQ(0, run(NULL, "--dump --format csv /tmp/replay-trace",
			 self->again, OUT, err, sizeof(err)));
	EXPECT_STREQ(self->out, self->again);
	unlink(trace);
}

/* A malformed line: status 2, and the message names the line. */
TEST_F(dump, malformed)
{
	static const struct {
		const char *text, *format, *where;
	} cases[] = {
		{ "1\n2\n3\nfoo\n5\n", "lirs", ":4:" },
		{ "1\n2\n\n-3\n", "lirs", ":4:" },
		{ "1\n2 x\n", "lirs", ":2:" },
		{ "1\n2 w w\n", "lirs", ":2:" },
		{ "1,a,1\n2,b\n", "csv", ":2:" },
		{ "1,a,1\n2,b,1,9\n", "csv", ":2:" },
		{ "1,a,1\nx,b,1\n", "csv", ":2:" },
		{ "1,a,1\n2,,1\n", "csv", ":2:" },
		{ "1,a,1\n2,b,big\n", "csv", ":2:" },
		{ "7\n8,a,1\n", "auto", ":2:" },
		{ "", "lirs", "no references" },
	};
	char args[128], err[512];
	unsigned int i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		f = fopen("/tmp/replay-bad", "w");
		ASSERT_NE(NULL, f);
		fputs(cases[i].text, f);
		ASSERT_EQ(0, fclose(f));
		snprintf(args, sizeof(args), "--dump --format %s /tmp/replay-bad",
			 cases[i].format);
		EXPECT_EQ(2, run(NULL, args, self->out, OUT, err, sizeof(err)));
		EXPECT_STREQ("", self->out);
		EXPECT_NE(NULL, strstr(err, cases[i].where)) {
			TH_LOG("case %u: '%s' does not name '%s'", i, err,
			       cases[i].where);
		}
		/* The replay parses first, with or without shadowvm. */
		snprintf(args, sizeof(args), "--format %s /tmp/replay-bad",
			 cases[i].format);
		EXPECT_EQ(2, run(NULL, args, self->out, OUT, err, sizeof(err)));
	}
	unlink("/tmp/replay-bad");
	/* Bad generator arguments are usage errors. */
	EXPECT_EQ(1, run(NULL, "--dump loop:10", self->out, OUT, err,
			 sizeof(err)));
	EXPECT_EQ(1, run(NULL, "--dump zipf:10:-1:5", self->out, OUT, err,
			 sizeof(err)));
	EXPECT_EQ(1, run(NULL, "--dump seq:0", self->out, OUT, err,
			 sizeof(err)));
}

TEST_F(dump, not_loaded)
{
	char err[512];

	ASSERT_FALSE(svm_loaded());
	EXPECT_EQ(3, run(NULL, "seq:10", self->out, OUT, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "shadowvm is not loaded")) {
		TH_LOG("stderr: %s", err);
	}
	/* The manual needs nothing either. */
	EXPECT_EQ(0, run(NULL, "--help", self->out, OUT, NULL, 0));
	EXPECT_NE(NULL, strstr(self->out, "EXIT STATUS"));
}

/*
 * The replay. fault_around_pages=1 and page_cluster=0: one fault brings in
 * one page, so that each major fault is one reference that missed.
 */
FIXTURE(replay) {
	char *out;
	unsigned long *pages;
};

FIXTURE_VARIANT(replay) {
	int mem_mb;
};

FIXTURE_VARIANT_ADD(replay, mem8) { 8 };

FIXTURE_VARIANT_ADD(replay, mem16) { 16 };

FIXTURE_SETUP(replay)
{
	char params[160];

	ASSERT_EQ(0, access(svmreplay_path(), X_OK));
	ASSERT_FALSE(svm_loaded());
	snprintf(params, sizeof(params),
		 "mem=%dM swapdev=/dev/vda swapdev_format=1 fault_around_pages=1 page_cluster=0",
		 variant->mem_mb);
	ASSERT_EQ(0, svm_load(params));
	self->out = malloc(OUT);
	self->pages = malloc(OUT / 2 * sizeof(*self->pages));
	ASSERT_NE(NULL, self->out);
	ASSERT_NE(NULL, self->pages);
}

FIXTURE_TEARDOWN(replay)
{
	int i;

	/* The object went with the tool; writes in flight keep slots. */
	for (i = 0; i < 500 && svm_swapinfo("slots_inuse"); i++)
		usleep(20000);
	EXPECT_EQ(0, svm_swapinfo("slots_inuse"));
	EXPECT_EQ(0, svm_vmstat("nr_file_pages"));
	EXPECT_EQ(0, svm_unload());
	free(self->out);
	free(self->pages);
}

/*
 * A trace whose pages all fit: the first touch of each page misses, no
 * other reference does, and nothing is scanned or swapped. A quarter of
 * shadow memory, well clear of the watermarks.
 */
TEST_F_TIMEOUT(replay, fits_in_memory, 300)
{
	unsigned long pages = variant->mem_mb * 256 / 4, d;
	char args[160], err[512];
	long n, w;

	snprintf(args, sizeof(args), "--json --writes 25 loop:%lu:4", pages);
	ASSERT_EQ(0, run(NULL, args, self->out, OUT, err, sizeof(err))) {
		TH_LOG("stderr: %s", err);
	}
	ksft_print_msg("%s", self->out);
	EXPECT_EQ(4 * pages, json_num(self->out, "references"));
	EXPECT_EQ(pages, json_num(self->out, "misses"));
	EXPECT_EQ(0.75, json_num(self->out, "hit_ratio"));
	EXPECT_EQ(0, json_num(self->out, "pswpout"));
	EXPECT_EQ(0, json_num(self->out, "pgscan"));
	EXPECT_EQ(variant->mem_mb * 256, json_num(self->out, "shadow_pages"));

	/* A random order: misses are the distinct pages the dump holds. */
	snprintf(args, sizeof(args), "--dump zipf:%lu:0.8:%lu", 2 * pages,
		 8 * pages);
	ASSERT_EQ(0, run(NULL, args, self->out, OUT, err, sizeof(err)));
	n = parse_dump(self->out, self->pages, OUT / 2, &w);
	ASSERT_EQ((long)(8 * pages), n);
	d = distinct(self->pages, n, 2 * pages);
	snprintf(args, sizeof(args), "--json zipf:%lu:0.8:%lu", 2 * pages,
		 8 * pages);
	ASSERT_EQ(0, run(NULL, args, self->out, OUT, err, sizeof(err)));
	ksft_print_msg("%s", self->out);
	EXPECT_EQ(d, json_num(self->out, "misses"));
	EXPECT_EQ(0, json_num(self->out, "pgscan"));
}

/*
 * A loop over 1.5 times shadow memory, every page written: LRU's known
 * pathology. Each pass evicts the pages the next pass wants first, so
 * under the active/inactive LRU nearly every reference misses (measured:
 * over 99.9%), and each miss after the first pass is a swap-in. A policy
 * that kept any fixed set of resident pages would hit on about
 * (shadow memory - watermarks) / (1.5 * shadow memory), over half of the
 * references after the first pass, so 90% misses separates the two with
 * room for the few pages that reclaim's second chance keeps by luck.
 */
TEST_F_TIMEOUT(replay, loop_larger_than_memory, 900)
{
	unsigned long pages = variant->mem_mb * 256 * 3 / 2;
	const unsigned long passes = 4;
	char args[160], err[512];
	double misses;

	snprintf(args, sizeof(args), "--json --writes 100 loop:%lu:%lu", pages,
		 passes);
	ASSERT_EQ(0, run(NULL, args, self->out, OUT, err, sizeof(err))) {
		TH_LOG("stderr: %s", err);
	}
	ksft_print_msg("%s", self->out);
	misses = json_num(self->out, "misses");
	EXPECT_EQ(passes * pages, json_num(self->out, "references"));
	EXPECT_LE(0.9 * passes * pages, misses);
	/* Every miss after the first pass found its page on swap. */
	EXPECT_LE(0.9 * (misses - pages), json_num(self->out, "pswpin"));
	EXPECT_LT(0, json_num(self->out, "pswpout"));
	EXPECT_LT(0, json_num(self->out, "pgscan"));
	EXPECT_LE(0, json_num(self->out, "kswapd_cpu_s"));
}

/* The replay's environment: debugfs, the instance; the table's rows. */
TEST_F(replay, environment)
{
	char err[512];

	EXPECT_EQ(3, run("SVMREPLAY_DEBUGFS=/tmp", "seq:10", self->out, OUT,
			 err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "debugfs is not mounted at /tmp")) {
		TH_LOG("stderr: %s", err);
	}
	EXPECT_EQ(3, run(NULL, "--instance nosuch seq:10", self->out, OUT,
			 err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no instance 'nosuch'"));
	/* The table names each figure. */
	ASSERT_EQ(0, run(NULL, "seq:10", self->out, OUT, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(self->out, "misses           10\n"));
	EXPECT_NE(NULL, strstr(self->out, "hit ratio        0.0000\n"));
	EXPECT_NE(NULL, strstr(self->out, "policy"));
}

TEST_HARNESS_MAIN
