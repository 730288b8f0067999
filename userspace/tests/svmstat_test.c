// SPDX-License-Identifier: GPL-2.0
/*
 * svmstat against states whose figures are known: a fresh instance, a
 * workload of a known number of faults, an interval's rates against its
 * counters, the --json output parsed back, and the one-line messages when
 * there is nothing to read.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module and shadowvm
 * not loaded; $SVMSTAT names the tool (default /guest/tools/svmstat).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define PG	((unsigned long)sysconf(_SC_PAGESIZE))
#define PAGES	((long)((16UL << 20) / PG))	/* mem=16M */
#define OUT	65536

static const char *svmstat_path(void)
{
	const char *p = getenv("SVMSTAT");

	return p && *p ? p : "/guest/tools/svmstat";
}

/*
 * Runs `svmstat @args` with @env set (or nothing) and collects stdout and
 * stderr together in @out; returns the exit status, or -1.
 */
static int run(const char *env, const char *args, char *out, size_t size)
{
	char cmd[512];
	size_t len = 0, n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s %s 2>&1", env ? env : "", svmstat_path(),
		 args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (len < size - 1 && (n = fread(out + len, 1, size - 1 - len, f)))
		len += n;
	out[len] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * A JSON reader just big enough for svmstat: json_get() parses one whole
 * value and returns the number found at @want, a path of object keys and
 * array indices joined by dots ("zones.1.free", "vmstat.pgfault");
 * "PATH.#" is the length of the array at PATH. Fails (returns -1 with
 * *@ok cleared) on a syntax error, on text after the value, or when @want
 * is not there.
 */
struct json {
	const char *p;
	const char *want;
	double val;
	int found, err;
};

static void json_ws(struct json *j)
{
	while (isspace((unsigned char)*j->p))
		j->p++;
}

static int json_string(struct json *j, char *buf, size_t size)
{
	size_t n = 0;

	if (*j->p != '"')
		return -1;
	for (j->p++; *j->p != '"'; j->p++) {
		if (!*j->p || (unsigned char)*j->p < 0x20)
			return -1;
		if (*j->p == '\\') {
			j->p++;
			if (*j->p == 'u') {
				if (strspn(j->p + 1, "0123456789abcdefABCDEF") < 4)
					return -1;
				j->p += 4;
			} else if (!strchr("\"\\/bfnrt", *j->p)) {
				return -1;
			}
		}
		if (n + 1 < size)
			buf[n++] = *j->p;
	}
	j->p++;
	buf[n] = '\0';
	return 0;
}

static int json_value(struct json *j, const char *path);

static void json_path(char *out, size_t size, const char *path,
		      const char *key)
{
	snprintf(out, size, "%s%s%s", path, *path ? "." : "", key);
}

static int json_value(struct json *j, const char *path)
{
	char sub[256], key[128];
	int n = 0;

	json_ws(j);
	if (*j->p == '{') {
		j->p++;
		json_ws(j);
		if (*j->p == '}') {
			j->p++;
			return 0;
		}
		for (;;) {
			json_ws(j);
			if (json_string(j, key, sizeof(key)))
				return -1;
			json_ws(j);
			if (*j->p++ != ':')
				return -1;
			json_path(sub, sizeof(sub), path, key);
			if (json_value(j, sub))
				return -1;
			json_ws(j);
			if (*j->p == '}') {
				j->p++;
				return 0;
			}
			if (*j->p++ != ',')
				return -1;
		}
	}
	if (*j->p == '[') {
		j->p++;
		json_ws(j);
		if (*j->p != ']') {
			for (;;) {
				snprintf(key, sizeof(key), "%d", n++);
				json_path(sub, sizeof(sub), path, key);
				if (json_value(j, sub))
					return -1;
				json_ws(j);
				if (*j->p == ']')
					break;
				if (*j->p++ != ',')
					return -1;
			}
		}
		j->p++;
		json_path(sub, sizeof(sub), path, "#");
		if (!strcmp(sub, j->want)) {
			j->val = n;
			j->found = 1;
		}
		return 0;
	}
	if (*j->p == '"')
		return json_string(j, key, sizeof(key));
	if (!strncmp(j->p, "null", 4) || !strncmp(j->p, "true", 4)) {
		j->p += 4;
		return 0;
	}
	if (!strncmp(j->p, "false", 5)) {
		j->p += 5;
		return 0;
	}
	{
		char *end;
		double v = strtod(j->p, &end);

		if (end == j->p || !(isdigit((unsigned char)*j->p) ||
				     *j->p == '-'))
			return -1;
		j->p = end;
		if (!strcmp(path, j->want)) {
			j->val = v;
			j->found = 1;
		}
	}
	return 0;
}

static double json_get(const char *text, const char *want, int *ok)
{
	struct json j = { .p = text, .want = want };
	int bad = json_value(&j, "");

	/* One report per line: nothing but blanks up to the line's end. */
	while (*j.p == ' ' || *j.p == '\t')
		j.p++;
	if (bad || (*j.p && *j.p != '\n') || !j.found) {
		*ok = 0;
		return -1;
	}
	return j.val;
}

/* The json_get() of line @n (from 0) of @text. */
static double json_line(const char *text, int n, const char *want, int *ok)
{
	while (n-- > 0 && text) {
		text = strchr(text, '\n');
		if (text)
			text++;
	}
	if (!text || !*text) {
		*ok = 0;
		return -1;
	}
	return json_get(text, want, ok);
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* The parser itself: what it must accept and refuse. */
TEST(json_reader)
{
	int ok = 1;

	EXPECT_EQ(3, json_get("{\"a\":{\"b\":[1,2,3]}}", "a.b.#", &ok));
	EXPECT_EQ(2, json_get("{\"a\":{\"b\":[1,2,3]}}", "a.b.1", &ok));
	EXPECT_EQ(-5, json_get("{\"s\":\"x\\\"y\",\"n\":null,\"v\":-5}", "v", &ok));
	EXPECT_EQ(2, json_line("{\"a\":1}\n{\"a\":2}\n", 1, "a", &ok));
	EXPECT_TRUE(ok);
	json_get("{\"a\":1", "a", &ok);
	EXPECT_FALSE(ok);
	ok = 1;
	json_get("{\"a\":1} x", "a", &ok);
	EXPECT_FALSE(ok);
	ok = 1;
	json_get("{\"a\":1}", "b", &ok);
	EXPECT_FALSE(ok);
}

/* With shadowvm not loaded, or debugfs not where it is said to be: one line, 2. */
TEST(not_loaded)
{
	static char out[OUT];

	ASSERT_FALSE(svm_loaded());
	EXPECT_EQ(2, run(NULL, "", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "shadowvm is not loaded")) TH_LOG("%s", out);
	EXPECT_EQ(1, count_lines(out));
	EXPECT_EQ(2, run("SVMSTAT_DEBUGFS=/proc", "--json", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "debugfs is not mounted at /proc"))
		TH_LOG("%s", out);
	EXPECT_EQ(1, count_lines(out));
}

/* --help is the manual; a bad option or argument is a usage error. */
TEST(usage)
{
	static char out[OUT];

	EXPECT_EQ(0, run(NULL, "--help", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "SYNOPSIS"));
	EXPECT_NE(NULL, strstr(out, "--record FILE"));
	EXPECT_NE(NULL, strstr(out, "EXIT STATUS"));
	EXPECT_EQ(1, run(NULL, "--nosuch", out, sizeof(out)));
	EXPECT_EQ(1, run(NULL, "0", out, sizeof(out)));
	EXPECT_EQ(1, run(NULL, "1 2 3", out, sizeof(out)));
	EXPECT_EQ(1, run(NULL, "1 2.5", out, sizeof(out)));
	EXPECT_EQ(1, run(NULL, "--sort nosuch", out, sizeof(out)));
}

FIXTURE(loaded) {
	char out[OUT];
	char text[16384];
};

FIXTURE_SETUP(loaded)
{
	ASSERT_FALSE(svm_loaded());
	/* One fault per page touched: no fault-around. */
	ASSERT_EQ(0, svm_load("mem=16M fault_around_pages=1"));
}

FIXTURE_TEARDOWN(loaded)
{
	EXPECT_EQ(0, svm_unload());
}

/*
 * The "pageblocks" strings of svmstat's JSON @out, concatenated into @maps,
 * checked against the last field of each line of debugfs pageblocks.
 * Returns the number of zones whose map matched, or -1.
 */
static int pageblock_maps(const char *out, char *maps, size_t size)
{
	static char file[16384];
	const char *p = out, *line, *q;
	size_t len = 0;
	int n = 0;

	if (read_file("/sys/kernel/debug/shadowvm/shadowvm/pageblocks", file,
		      sizeof(file)) < 0)
		return -1;
	maps[0] = '\0';
	line = file;
	while ((p = strstr(p, "\"pageblocks\":\"")) && line && *line) {
		const char *end = strchr(line, '\n');
		size_t mlen;

		p += strlen("\"pageblocks\":\"");
		q = strchr(p, '"');
		if (!q || !end)
			return -1;
		mlen = q - p;
		/* The map is the last field of the line. */
		if (mlen > (size_t)(end - line) || strncmp(end - mlen, p, mlen) ||
		    end[-(long)mlen - 1] != ' ' || len + mlen >= size)
			return -1;
		memcpy(maps + len, p, mlen);
		len += mlen;
		maps[len] = '\0';
		line = end + 1;
		n++;
		p = q;
	}
	return n;
}

/*
 * A fresh instance: every page free, in svmstat as in debugfs meminfo,
 * the zones' free lists adding up to it; nothing on the LRU or swapped.
 */
TEST_F(loaded, fresh_instance)
{
	double zones_free = 0;
	int ok = 1, z, o, nz;

	ASSERT_GT(read_file(SVM_MEMINFO_FILE, self->text, sizeof(self->text)), 0);
	ASSERT_EQ(PAGES, keyed_value(self->text, "ReservedPages"));
	ASSERT_EQ(0, run(NULL, "--json -z", self->out, sizeof(self->out)));
	EXPECT_EQ(1, count_lines(self->out)) TH_LOG("%s", self->out);
	EXPECT_EQ(keyed_value(self->text, "ReservedPages"),
		  json_get(self->out, "free", &ok));
	EXPECT_EQ(0, json_get(self->out, "active", &ok));
	EXPECT_EQ(0, json_get(self->out, "inactive", &ok));
	EXPECT_EQ(0, json_get(self->out, "swap_used", &ok));
	EXPECT_EQ(svm_vmstat("nr_free_pages"),
		  json_get(self->out, "vmstat.nr_free_pages", &ok));
	nz = json_get(self->out, "zones.#", &ok);
	EXPECT_EQ(3, nz);
	for (z = 0; z < nz; z++) {
		char key[64];
		double sum = 0;

		snprintf(key, sizeof(key), "zones.%d.free_blocks.#", z);
		EXPECT_EQ(11, json_get(self->out, key, &ok));
		for (o = 0; o < 11; o++) {
			snprintf(key, sizeof(key), "zones.%d.free_blocks.%d", z, o);
			sum += json_get(self->out, key, &ok) * (1 << o);
		}
		snprintf(key, sizeof(key), "zones.%d.free", z);
		EXPECT_EQ(sum, json_get(self->out, key, &ok));
		zones_free += sum;
	}
	EXPECT_EQ(PAGES, zones_free);
	EXPECT_TRUE(ok) TH_LOG("%s", self->out);
	/*
	 * Each zone's map is debugfs pageblocks' one, every pageblock free
	 * but a partial last one per zone, which is never shown free.
	 */
	EXPECT_EQ(nz, pageblock_maps(self->out, self->text,
				     sizeof(self->text)));
	EXPECT_LT(nz, (long)strlen(self->text));
	for (o = 0, z = 0; self->text[o]; o++)
		z += self->text[o] == 'm' || self->text[o] == 'u';
	EXPECT_LE((long)strlen(self->text) - nz, z) TH_LOG("%s", self->text);
	/* One-shot: no interval, so no rates. */
	ok = 1;
	json_get(self->out, "rates.pgfault", &ok);
	EXPECT_FALSE(ok);

	/* The text report: the header and the free pages in its first column. */
	ASSERT_EQ(0, run(NULL, "", self->out, sizeof(self->out)));
	EXPECT_EQ(2, count_lines(self->out));
	EXPECT_EQ(0, strncmp(self->out, "     free", 9)) TH_LOG("%s", self->out);
	EXPECT_EQ(PAGES, strtol(strchr(self->out, '\n') + 1, NULL, 10));
}

/*
 * A workload of a known number of faults: writing N pages of an object
 * with no fault-around faults N times and takes N pages from the free
 * lists into the page cache.
 */
TEST_F(loaded, workload_faults)
{
	const int n = 64;
	double f0, f1, free0, free1;
	int fd, i, ok = 1;
	char *map;

	ASSERT_EQ(0, run(NULL, "--json", self->out, sizeof(self->out)));
	f0 = json_get(self->out, "vmstat.pgfault", &ok);
	free0 = json_get(self->out, "free", &ok);
	fd = svm_object_open(O_RDWR, 1, (unsigned long long)n * PG);
	ASSERT_GE(fd, 0);
	map = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	for (i = 0; i < n; i++)
		map[i * PG] = 1;
	ASSERT_EQ(0, run(NULL, "--json -o", self->out, sizeof(self->out)));
	f1 = json_get(self->out, "vmstat.pgfault", &ok);
	free1 = json_get(self->out, "free", &ok);
	EXPECT_EQ(n, f1 - f0);
	EXPECT_EQ(svm_vmstat("pgfault"), f1);
	EXPECT_LE(n, free0 - free1);
	EXPECT_EQ(n, json_get(self->out, "objects.file_pages", &ok));
	EXPECT_EQ(n, json_get(self->out, "file", &ok));
	EXPECT_TRUE(ok) TH_LOG("%s", self->out);
	munmap(map, n * PG);
	close(fd);
}

/*
 * Rates over intervals: each report's fault rate times its interval is the
 * pgfault difference from the report before (the first from the start),
 * and a workload running through them shows.
 */
TEST_F(loaded, interval_rates)
{
	const int n = 256;
	double before, prev, total = 0;
	int fd, i, ok = 1, lines;
	pid_t child;
	char *map;

	before = svm_vmstat("pgfault");
	fd = svm_object_open(O_RDWR, 1, (unsigned long long)n * PG);
	ASSERT_GE(fd, 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		/* Faults for about a second and a half, the reports' span. */
		double end = svm_now() + 1.5;

		while (svm_now() < end) {
			map = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				_exit(1);
			for (i = 0; i < n; i++)
				map[i * PG]++;
			munmap(map, n * PG);
		}
		_exit(0);
	}
	ASSERT_EQ(0, run(NULL, "--json 0.5 3", self->out, sizeof(self->out)));
	waitpid(child, &i, 0);
	EXPECT_TRUE(WIFEXITED(i) && WEXITSTATUS(i) == 0);
	lines = count_lines(self->out);
	ASSERT_EQ(3, lines) TH_LOG("%s", self->out);
	prev = before;
	for (i = 0; i < lines; i++) {
		double iv = json_line(self->out, i, "interval", &ok);
		double rate = json_line(self->out, i, "rates.pgfault", &ok);
		double cur = json_line(self->out, i, "vmstat.pgfault", &ok);

		EXPECT_LE(0.5, iv);
		EXPECT_GT(1.5, iv);
		/* Within what the printed digits (1 us, 0.001/s) allow. */
		if (i > 0)
			EXPECT_GE(1.0 + rate * 1e-6, rate * iv - (cur - prev) < 0 ?
				  cur - prev - rate * iv :
				  rate * iv - (cur - prev))
				TH_LOG("line %d: rate %.3f x %.3f s, delta %.0f",
				       i, rate, iv, cur - prev);
		total += rate * iv;
		prev = cur;
	}
	EXPECT_TRUE(ok) TH_LOG("%s", self->out);
	EXPECT_LT(n, total);
	close(fd);
}

/* --record appends one JSON line per report, with the zones, for scripts/plot. */
TEST_F(loaded, record)
{
	const char *file = "/tmp/svmstat-record.json";
	double t0, t1, t2;
	int ok = 1;
	long len;

	unlink(file);
	ASSERT_EQ(0, run(NULL, "--record /tmp/svmstat-record.json 0.1 3",
			 self->out, sizeof(self->out)));
	/* The text report on stdout: a header and three lines. */
	EXPECT_EQ(4, count_lines(self->out));
	len = read_file(file, self->out, sizeof(self->out));
	ASSERT_GT(len, 0);
	EXPECT_EQ(3, count_lines(self->out));
	t0 = json_line(self->out, 0, "t", &ok);
	t1 = json_line(self->out, 1, "t", &ok);
	t2 = json_line(self->out, 2, "t", &ok);
	EXPECT_LT(t0, t1);
	EXPECT_LT(t1, t2);
	EXPECT_EQ(3, json_line(self->out, 2, "zones.#", &ok));
	EXPECT_EQ(11, json_line(self->out, 2, "zones.0.free_blocks.#", &ok));
	EXPECT_EQ(PAGES, json_line(self->out, 2, "free", &ok));
	EXPECT_EQ(0, json_line(self->out, 2, "swap.slots", &ok));
	EXPECT_TRUE(ok) TH_LOG("%s", self->out);
	unlink(file);
}

/* -s lists the slab caches of slabinfo, sorted as --sort says. */
TEST_F(loaded, slab_sorted)
{
	char key[64], name[64], prev[64] = "";
	double last = 1e18, v;
	int ok = 1, i, n;
	char *p;

	/* Slabs grown by kmalloc(256)s stay in their cache until reaped. */
	ASSERT_EQ(0, svm_bench_cmd("kmalloc_256 100 1", self->text,
				   sizeof(self->text)));
	ASSERT_EQ(0, run(NULL, "--json -s", self->out, sizeof(self->out)));
	n = json_get(self->out, "slabs.#", &ok);
	ASSERT_TRUE(ok) TH_LOG("%s", self->out);
	ASSERT_LT(0, n);
	EXPECT_LT(0, json_get(self->out, "slabs.0.bytes", &ok));
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "slabs.%d.bytes", i);
		v = json_get(self->out, key, &ok);
		EXPECT_GE(last, v);
		last = v;
	}
	EXPECT_TRUE(ok);
	/* By name: the text table's cache names in order. */
	ASSERT_EQ(0, run(NULL, "--sort name", self->out, sizeof(self->out)));
	p = strstr(self->out, "\ncache ");
	ASSERT_NE(NULL, p);
	for (i = 0, p = strchr(p + 1, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		if (sscanf(p + 1, "%63s", name) != 1)
			break;
		EXPECT_LE(0, strcmp(name, prev)) TH_LOG("%s after %s", name, prev);
		snprintf(prev, sizeof(prev), "%s", name);
		i++;
	}
	EXPECT_EQ(n, i);
}

/* An instance that does not exist: one line, 2. */
TEST_F(loaded, no_such_instance)
{
	EXPECT_EQ(2, run(NULL, "--instance nosuch", self->out,
			 sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "no instance 'nosuch'"));
	EXPECT_EQ(0, run(NULL, "--instance shadowvm -w -z", self->out,
			 sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "no swap area"));
	EXPECT_NE(NULL, strstr(self->out, "Normal"));
}

TEST_HARNESS_MAIN
