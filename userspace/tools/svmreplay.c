// SPDX-License-Identifier: GPL-2.0
/*
 * svmreplay - replay a page-reference trace onto a shadowvm object and
 * report what the shadow VM did: misses (major faults), swap traffic,
 * pages scanned by reclaim, CPU time of kswapd and of the replay.
 * Run `svmreplay --help` for the manual; Documentation/replay.rst has the
 * formats, the generators and the columns.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#define DEBUGFS_MAGIC	0x64626720
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit statuses: see EXIT STATUS in the manual. */
#define EXIT_USAGE	1
#define EXIT_TRACE	2
#define EXIT_NOSVM	3

/* A reference: the page number, and this bit when it is a write. */
#define REF_WRITE	(1ULL << 63)
#define REF_PAGE(r)	((r) & ~REF_WRITE)
/* Largest page number a trace may name: the object's size fits in 63 bits. */
#define MAX_PAGE	((1ULL << 40) - 1)

static const char usage_text[] =
"NAME\n"
"    svmreplay - replay a page-reference trace onto shadowvm\n"
"\n"
"SYNOPSIS\n"
"    svmreplay [--format lirs|csv|auto] [--pages N] [--seed S]\n"
"              [--writes PERCENT] [--json] [--instance NAME] [--dump] TRACE\n"
"\n"
"DESCRIPTION\n"
"    Makes a private shadowvm object of N pages (the largest page number\n"
"    of the trace plus one, or --pages), maps it shared, and replays the\n"
"    trace on it: each reference reads one word of its page, or writes\n"
"    one when the trace marks it a write. Then prints what the shadow VM\n"
"    did meanwhile: misses are the object's major faults\n"
"    (SHADOWVM_IOC_GET_STATS), the other figures are differences of the\n"
"    instance's debugfs vmstat counters, so they include whatever else\n"
"    used the instance during the replay.\n"
"\n"
"    TRACE is a file, - for standard input, or a generator:\n"
"      seq:N            pages 0 to N-1, once\n"
"      loop:N:R         pages 0 to N-1, R times\n"
"      zigzag:N:R       R passes over N pages, every other one backwards\n"
"      zipf:N:A:C       C references to N pages, the page of rank k drawn\n"
"                       with probability proportional to 1/k^A; ranks are\n"
"                       dealt to pages in a random order\n"
"      random:N:C       C references drawn uniformly from N pages\n"
"      hotscan:H:S:R    R passes over a hot set of pages 0 to H-1, with\n"
"                       a one-time scan of pages H to H+S-1 after the\n"
"                       first R/2 passes\n"
"      twopools:A:B:C   C references, each with probability 1/2 to a\n"
"                       random page of a pool of A pages (0 to A-1), else\n"
"                       to a random page of a pool of B pages (A to\n"
"                       A+B-1)\n"
"    The random generators draw from splitmix64 seeded with --seed.\n"
"\n"
"FORMATS\n"
"    lirs   one page number per line, in decimal, optionally followed by\n"
"           r or R (a read, the default) or w or W (a write), with or\n"
"           without blanks before it\n"
"    csv    libCacheSim's plain-text csv: timestamp,obj_id,size per line;\n"
"           a first line naming the columns is skipped; each distinct\n"
"           obj_id becomes a page, numbered in order of first appearance;\n"
"           timestamp and size are checked for being numbers and\n"
"           otherwise ignored; every reference is a read\n"
"    auto   csv when the first line that is not blank holds a comma,\n"
"           else lirs (the default)\n"
"    In both formats, blank lines and lines starting with # are skipped.\n"
"    Any other line is an error naming its line number.\n"
"\n"
"OPTIONS\n"
"    -f, --format FMT   the file's format (default auto)\n"
"    -p, --pages N      the object's size in pages; at least the largest\n"
"                       page number of the trace plus one\n"
"    -s, --seed S       the generators' seed (default 1)\n"
"    -w, --writes PERCENT\n"
"                       make each read of the trace a write with this\n"
"                       probability, drawn from splitmix64 seeded with\n"
"                       S + 1 (default 0): a trace of writes dirties its\n"
"                       pages, so that reclaim must write them to swap\n"
"    -j, --json         one JSON object instead of the table\n"
"    -i, --instance NAME\n"
"                       the debugfs directory to read (default shadowvm)\n"
"    -d, --dump         print the trace in the lirs format (a w after\n"
"                       the writes) instead of replaying it; needs no\n"
"                       shadowvm\n"
"    -h, --help         this text\n"
"\n"
"OUTPUT\n"
"    policy (the instance's replacement policy, from its debugfs file\n"
"    policy or the module parameter policy, or - when the module has\n"
"    neither), shadow memory (pages the module reserved) and the module\n"
"    parameters that shape the figures;\n"
"    references, writes, misses, hit ratio (1 - misses/references), minor\n"
"    faults, swap-ins and swap-outs (pswpin, pswpout), pages scanned\n"
"    (pgscan_kswapd + pgscan_direct) and reclaimed (pgsteal_kswapd +\n"
"    pgsteal_direct), CPU time of the svm_kswapd threads during the\n"
"    replay, and the tool's own CPU time (user and system) and elapsed\n"
"    time. With fault_around_pages above 1 a fault may map or allocate\n"
"    several pages, and with page_cluster above 0 swap read-ahead brings\n"
"    in pages before their fault: load the module with\n"
"    fault_around_pages=1 page_cluster=0 for one miss per reference that\n"
"    finds its page out of memory.\n"
"\n"
"ENVIRONMENT\n"
"    SVMREPLAY_DEBUGFS  where debugfs is mounted (default\n"
"                       /sys/kernel/debug)\n"
"\n"
"EXIT STATUS\n"
"    0 on success; 1 on a usage error or a failing system call; 2 on a\n"
"    malformed trace; 3 when shadowvm is not loaded, debugfs is not\n"
"    mounted or the instance does not exist.\n";

struct trace {
	uint64_t *refs;
	size_t nr, alloc;
	uint64_t max_page;
	size_t writes;
};

static struct {
	const char *format;
	unsigned long long pages;
	unsigned long long seed;
	unsigned int writes;
	int json, dump;
	const char *instance;
	char dir[1024];
} opt = { .format = "auto", .seed = 1, .instance = "shadowvm" };

static _Noreturn void die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("svmreplay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void trace_add(struct trace *t, uint64_t page, int write)
{
	if (t->nr == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 4096;
		t->refs = realloc(t->refs, t->alloc * sizeof(*t->refs));
		if (!t->refs)
			die(EXIT_USAGE, "out of memory for %zu references",
			    t->alloc);
	}
	t->refs[t->nr++] = page | (write ? REF_WRITE : 0);
	if (page > t->max_page || t->nr == 1)
		t->max_page = page;
	t->writes += !!write;
}

/* splitmix64 (Steele, Lea and Flood, 2014): the generators' randomness. */
static uint64_t rand64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, @n), by multiply-shift (Lemire): bias below n/2^64. */
static uint64_t rand_below(uint64_t *state, uint64_t n)
{
	return (uint64_t)(((__uint128_t)rand64(state) * n) >> 64);
}

/* Uniform in [0, 1), from the top 53 bits. */
static double rand_unit(uint64_t *state)
{
	return (rand64(state) >> 11) / 9007199254740992.0;	/* 2^53 */
}

/* Parses the generator's @n-th argument, a whole number in [@lo, @hi]. */
static uint64_t gen_uint(char **args, int n, const char *spec, uint64_t lo,
			 uint64_t hi)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(args[n], &end, 10);
	if (errno || end == args[n] || *end || args[n][0] == '-' || v < lo ||
	    v > hi)
		die(EXIT_USAGE, "%s: argument %d must be a number from %llu to %llu",
		    spec, n + 1, (unsigned long long)lo,
		    (unsigned long long)hi);
	return v;
}

/* The generators' sizes: pages and references, enough and not absurd. */
#define GEN_MAX_PAGES	(1ULL << 32)
#define GEN_MAX_REFS	(1ULL << 30)

static void gen_zipf(struct trace *t, uint64_t n, double alpha, uint64_t count,
		     uint64_t *state)
{
	double *cdf = malloc(n * sizeof(*cdf)), sum = 0;
	uint64_t *page_of = malloc(n * sizeof(*page_of)), i, j, tmp;

	if (!cdf || !page_of)
		die(EXIT_USAGE, "out of memory for zipf:%llu",
		    (unsigned long long)n);
	for (i = 0; i < n; i++) {
		sum += pow((double)(i + 1), -alpha);
		cdf[i] = sum;
		page_of[i] = i;
	}
	/* Ranks to pages: a Fisher-Yates shuffle, so hot pages scatter. */
	for (i = n - 1; i > 0; i--) {
		j = rand_below(state, i + 1);
		tmp = page_of[i];
		page_of[i] = page_of[j];
		page_of[j] = tmp;
	}
	for (i = 0; i < count; i++) {
		double u = rand_unit(state) * sum;
		uint64_t lo = 0, hi = n - 1;

		/* The first rank whose cumulative weight exceeds u. */
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (cdf[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		trace_add(t, page_of[lo], 0);
	}
	free(cdf);
	free(page_of);
}

/*
 * Fills @t from a generator spec "name:arg:...". Returns 0, or -1 when
 * @spec does not name a generator (it is then a file name).
 */
static int generate(struct trace *t, const char *spec)
{
	static const struct {
		const char *name;
		int nargs;
		const char *usage;
	} gens[] = {
		{ "seq", 1, "seq:N" },
		{ "loop", 2, "loop:N:R" },
		{ "zigzag", 2, "zigzag:N:R" },
		{ "zipf", 3, "zipf:N:ALPHA:COUNT" },
		{ "random", 2, "random:N:COUNT" },
		{ "hotscan", 3, "hotscan:H:S:R" },
		{ "twopools", 3, "twopools:A:B:COUNT" },
	};
	uint64_t state = opt.seed, n, r, i, j, a, b, c;
	char *copy, *args[4], *colon, *p;
	const char *name = NULL;
	int g, nargs = 0, back;

	colon = strchr(spec, ':');
	if (!colon)
		return -1;
	for (g = 0; g < (int)ARRAY_SIZE(gens); g++)
		if (strlen(gens[g].name) == (size_t)(colon - spec) &&
		    !strncmp(spec, gens[g].name, colon - spec))
			name = gens[g].name;
	if (!name)
		return -1;
	g = 0;
	while (strcmp(gens[g].name, name))
		g++;
	copy = strdup(colon + 1);
	if (!copy)
		die(EXIT_USAGE, "out of memory");
	for (p = copy; nargs < 4; nargs++) {
		args[nargs] = p;
		p = strchr(p, ':');
		if (!p) {
			nargs++;
			break;
		}
		*p++ = '\0';
	}
	if (nargs != gens[g].nargs || p)
		die(EXIT_USAGE, "%s: expected %s", spec, gens[g].usage);

	if (!strcmp(name, "seq")) {
		n = gen_uint(args, 0, spec, 1, GEN_MAX_REFS);
		for (i = 0; i < n; i++)
			trace_add(t, i, 0);
	} else if (!strcmp(name, "loop") || !strcmp(name, "zigzag")) {
		n = gen_uint(args, 0, spec, 1, GEN_MAX_REFS);
		r = gen_uint(args, 1, spec, 1, GEN_MAX_REFS / n);
		/* zigzag: the odd passes go backwards. */
		back = !strcmp(name, "zigzag");
		for (j = 0; j < r; j++)
			for (i = 0; i < n; i++)
				trace_add(t, back && j % 2 ? n - 1 - i : i, 0);
	} else if (!strcmp(name, "zipf")) {
		double alpha;
		char *end;

		n = gen_uint(args, 0, spec, 1, GEN_MAX_REFS);
		errno = 0;
		alpha = strtod(args[1], &end);
		if (errno || end == args[1] || *end || !(alpha >= 0) ||
		    alpha > 10)
			die(EXIT_USAGE, "%s: ALPHA must be a number from 0 to 10",
			    spec);
		c = gen_uint(args, 2, spec, 1, GEN_MAX_REFS);
		gen_zipf(t, n, alpha, c, &state);
	} else if (!strcmp(name, "random")) {
		n = gen_uint(args, 0, spec, 1, GEN_MAX_PAGES);
		c = gen_uint(args, 1, spec, 1, GEN_MAX_REFS);
		for (i = 0; i < c; i++)
			trace_add(t, rand_below(&state, n), 0);
	} else if (!strcmp(name, "hotscan")) {
		a = gen_uint(args, 0, spec, 1, GEN_MAX_REFS);
		b = gen_uint(args, 1, spec, 1, GEN_MAX_REFS);
		r = gen_uint(args, 2, spec, 1, GEN_MAX_REFS / a);
		for (j = 0; j < r; j++) {
			if (j == r / 2)
				for (i = 0; i < b; i++)
					trace_add(t, a + i, 0);
			for (i = 0; i < a; i++)
				trace_add(t, i, 0);
		}
	} else {
		a = gen_uint(args, 0, spec, 1, GEN_MAX_PAGES);
		b = gen_uint(args, 1, spec, 1, GEN_MAX_PAGES);
		c = gen_uint(args, 2, spec, 1, GEN_MAX_REFS);
		for (i = 0; i < c; i++) {
			if (rand64(&state) >> 63)
				trace_add(t, rand_below(&state, a), 0);
			else
				trace_add(t, a + rand_below(&state, b), 0);
		}
	}
	free(copy);
	return 0;
}

/* Reads all of @path ("-": standard input), NUL-terminated. */
static char *slurp_input(const char *path, size_t *lenp)
{
	size_t len = 0, size = 1 << 16;
	char *buf = malloc(size);
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;

	if (!f)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t n;

		if (!buf)
			die(EXIT_USAGE, "out of memory reading %s", path);
		n = fread(buf + len, 1, size - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (len == size - 1) {
			size *= 2;
			buf = realloc(buf, size);
		}
	}
	if (ferror(f))
		die(EXIT_USAGE, "%s: read error", path);
	if (f != stdin)
		fclose(f);
	buf[len] = '\0';
	if (strlen(buf) != len)
		die(EXIT_TRACE, "%s: a NUL byte in the trace", path);
	*lenp = len;
	return buf;
}

/* Whether [@s, @e) is a decimal number, optionally fractional (timestamps). */
static int is_number(const char *s, const char *e, int fraction)
{
	const char *p = s;

	while (p < e && isdigit((unsigned char)*p))
		p++;
	if (fraction && p < e && *p == '.' && p > s)
		for (p++; p < e && isdigit((unsigned char)*p);)
			p++;
	return p > s && p == e;
}

/*
 * obj_id to page, numbered in order of first appearance: an open-addressed
 * table of FNV-1a hashes of the obj_id texts. Two distinct ids that hash
 * alike (a chance of about n^2/2^65 for n ids) would share a page.
 */
struct idmap {
	uint64_t *hash;
	uint64_t *page;
	size_t size, nr;
};

static uint64_t fnv1a(const char *s, const char *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; s < e; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	/* 0 marks a free slot. */
	return h ? h : 1;
}

static uint64_t idmap_page(struct idmap *m, uint64_t h)
{
	size_t i;

	if (2 * (m->nr + 1) > m->size) {
		struct idmap big = { .size = m->size ? 2 * m->size : 1024 };

		big.hash = calloc(big.size, sizeof(*big.hash));
		big.page = calloc(big.size, sizeof(*big.page));
		if (!big.hash || !big.page)
			die(EXIT_USAGE, "out of memory for %zu objects", m->nr);
		for (i = 0; i < m->size; i++) {
			size_t k;

			if (!m->hash[i])
				continue;
			for (k = m->hash[i] & (big.size - 1); big.hash[k];)
				k = (k + 1) & (big.size - 1);
			big.hash[k] = m->hash[i];
			big.page[k] = m->page[i];
		}
		big.nr = m->nr;
		free(m->hash);
		free(m->page);
		*m = big;
	}
	for (i = h & (m->size - 1); m->hash[i]; i = (i + 1) & (m->size - 1))
		if (m->hash[i] == h)
			return m->page[i];
	m->hash[i] = h;
	m->page[i] = m->nr;
	return m->nr++;
}

static void parse_lirs_line(struct trace *t, const char *name, size_t lineno,
			    const char *s, const char *e)
{
	unsigned long long page = 0;
	const char *p = s;
	int write = 0;

	while (p < e && isdigit((unsigned char)*p)) {
		if (page > MAX_PAGE / 10)
			die(EXIT_TRACE, "%s:%zu: page number above %llu", name,
			    lineno, MAX_PAGE);
		page = page * 10 + (*p++ - '0');
	}
	if (p == s || page > MAX_PAGE)
		goto bad;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p < e && strchr("rRwW", *p)) {
		write = *p == 'w' || *p == 'W';
		p++;
	}
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p != e)
		goto bad;
	trace_add(t, page, write);
	return;
bad:
	die(EXIT_TRACE,
	    "%s:%zu: not a lirs line (a page number, then optionally r or w): '%.*s'",
	    name, lineno, (int)(e - s > 60 ? 60 : e - s), s);
}

static void parse_csv_line(struct trace *t, struct idmap *ids,
			   const char *name, size_t lineno, const char *s,
			   const char *e, int first)
{
	const char *f[3], *fe[3], *p = s;
	int n = 0;

	for (n = 0; n < 3; n++) {
		f[n] = p;
		while (p < e && *p != ',')
			p++;
		fe[n] = p;
		/* Blanks around a field are allowed. */
		while (f[n] < fe[n] && isblank((unsigned char)*f[n]))
			f[n]++;
		while (fe[n] > f[n] && isblank((unsigned char)fe[n][-1]))
			fe[n]--;
		if (n < 2) {
			if (p == e)
				goto bad;
			p++;
		}
	}
	if (p != e)
		goto bad;
	/* The header: a first line whose timestamp field is not a number. */
	if (first && !is_number(f[0], fe[0], 1) && isalpha((unsigned char)*f[0]))
		return;
	if (!is_number(f[0], fe[0], 1) || f[1] == fe[1] ||
	    !is_number(f[2], fe[2], 0))
		goto bad;
	trace_add(t, idmap_page(ids, fnv1a(f[1], fe[1])), 0);
	return;
bad:
	die(EXIT_TRACE,
	    "%s:%zu: not a csv line (timestamp,obj_id,size): '%.*s'", name,
	    lineno, (int)(e - s > 60 ? 60 : e - s), s);
}

static void parse_file(struct trace *t, const char *path)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct idmap ids = { 0 };
	size_t len, lineno = 0;
	char *buf = slurp_input(path, &len), *s, *e, *nl;
	int csv = -1, first = 1;

	if (!strcmp(opt.format, "lirs"))
		csv = 0;
	else if (!strcmp(opt.format, "csv"))
		csv = 1;
	for (s = buf; *s; s = nl ? nl + 1 : e) {
		nl = strchr(s, '\n');
		e = nl ? nl : s + strlen(s);
		lineno++;
		if (e > s && e[-1] == '\r')
			e--;
		while (s < e && isblank((unsigned char)*s))
			s++;
		while (e > s && isblank((unsigned char)e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		if (csv < 0)
			csv = !!memchr(s, ',', e - s);
		if (csv)
			parse_csv_line(t, &ids, name, lineno, s, e, first);
		else
			parse_lirs_line(t, name, lineno, s, e);
		first = 0;
	}
	free(buf);
	free(ids.hash);
	free(ids.page);
	if (!t->nr)
		die(EXIT_TRACE, "%s: no references", name);
}

/* The replay's environment and counters. */
struct sample {
	struct shadowvm_object_stats obj;
	unsigned long long pswpin, pswpout, pgscan_kswapd, pgscan_direct;
	unsigned long long pgsteal_kswapd, pgsteal_direct;
	double kswapd_cpu;	/* seconds, < 0: no svm_kswapd thread */
	double user, sys, wall;
};

static void find_instance(void)
{
	const char *debugfs = getenv("SVMREPLAY_DEBUGFS");
	char top[512];
	struct statfs sfs;
	struct stat st;

	if (!debugfs || !*debugfs)
		debugfs = "/sys/kernel/debug";
	if (statfs(debugfs, &sfs) || sfs.f_type != DEBUGFS_MAGIC)
		die(EXIT_NOSVM,
		    "debugfs is not mounted at %s (mount -t debugfs none %s)",
		    debugfs, debugfs);
	snprintf(top, sizeof(top), "%s/shadowvm", debugfs);
	if (stat(top, &st)) {
		if (errno == EACCES)
			die(EXIT_NOSVM, "%s: %s (run as root)", top,
			    strerror(errno));
		die(EXIT_NOSVM,
		    "shadowvm is not loaded (no %s; insmod shadowvm.ko)", top);
	}
	if (strchr(opt.instance, '/') ||
	    snprintf(opt.dir, sizeof(opt.dir), "%s/%s", top, opt.instance) >=
	    (int)sizeof(opt.dir) || stat(opt.dir, &st))
		die(EXIT_NOSVM, "no instance '%s' in %s", opt.instance, top);
}

/* Reads a small file into @buf; returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

static unsigned long long vmstat_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p;

	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
	die(EXIT_USAGE, "%s/vmstat has no %s", opt.dir, key);
}

/* CPU seconds of all svm_kswapd threads (comm "svm_kswapd<node>"), or -1. */
static double kswapd_cpu(void)
{
	long hz = sysconf(_SC_CLK_TCK);
	double total = -1;
	struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -1;
	while ((d = readdir(proc))) {
		unsigned long long utime, stime;
		char path[300], buf[1024], *p;

		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		/* pid (comm) state ...: comm cannot hold ')' here. */
		p = strchr(buf, '(');
		if (!p || strncmp(p + 1, "svm_kswapd", 10))
			continue;
		p = strrchr(buf, ')');
		/* Fields 14 and 15: utime and stime, in clock ticks. */
		if (!p || sscanf(p + 2,
				 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				 &utime, &stime) != 2)
			continue;
		total = (total < 0 ? 0 : total) + (double)(utime + stime) / hz;
	}
	closedir(proc);
	return total;
}

static void take(int fd, struct sample *s)
{
	static char buf[1 << 16];
	char path[1100];
	struct rusage ru;
	struct timespec ts;

	if (ioctl(fd, SHADOWVM_IOC_GET_STATS, &s->obj))
		die(EXIT_USAGE, "SHADOWVM_IOC_GET_STATS: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/vmstat", opt.dir);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	s->pswpin = vmstat_value(buf, "pswpin");
	s->pswpout = vmstat_value(buf, "pswpout");
	s->pgscan_kswapd = vmstat_value(buf, "pgscan_kswapd");
	s->pgscan_direct = vmstat_value(buf, "pgscan_direct");
	s->pgsteal_kswapd = vmstat_value(buf, "pgsteal_kswapd");
	s->pgsteal_direct = vmstat_value(buf, "pgsteal_direct");
	s->kswapd_cpu = kswapd_cpu();
	getrusage(RUSAGE_SELF, &ru);
	s->user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	s->sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->wall = ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A module parameter as text, or NULL when the module has no such one. */
static const char *module_param(const char *name, char *buf, size_t size)
{
	char path[300];

	snprintf(path, sizeof(path), "/sys/module/shadowvm/parameters/%s",
		 name);
	if (read_small(path, buf, size) <= 0)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * The replacement policy's name: the first word of the instance's debugfs
 * file "policy", else the module's parameter "policy", else NULL.
 */
static const char *policy_name(char *buf, size_t size)
{
	char path[1100];

	snprintf(path, sizeof(path), "%s/policy", opt.dir);
	if (read_small(path, buf, size) <= 0 &&
	    !module_param("policy", buf, size))
		return NULL;
	buf[strcspn(buf, " \t\n")] = '\0';
	return buf[0] ? buf : NULL;
}

static void json_string(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* The module parameters the report shows: they change what a miss is. */
static const char * const shown_params[] = {
	"mem", "fault_around_pages", "page_cluster", "refbit", "kswapd",
};

#define NR_SHOWN_PARAMS ARRAY_SIZE(shown_params)

static void report(const char *source, const struct trace *t,
		   unsigned long long pages, const struct shadowvm_info *info,
		   const struct sample *a, const struct sample *b)
{
	unsigned long long misses = b->obj.major_faults - a->obj.major_faults;
	unsigned long long minor = b->obj.minor_faults - a->obj.minor_faults;
	unsigned long long scan_k = b->pgscan_kswapd - a->pgscan_kswapd;
	unsigned long long scan_d = b->pgscan_direct - a->pgscan_direct;
	unsigned long long steal = b->pgsteal_kswapd - a->pgsteal_kswapd +
				   b->pgsteal_direct - a->pgsteal_direct;
	double hit = 1.0 - (double)misses / t->nr;
	double kswapd = a->kswapd_cpu >= 0 && b->kswapd_cpu >= 0 ?
			b->kswapd_cpu - a->kswapd_cpu : -1;
	char pbuf[NR_SHOWN_PARAMS][64], polbuf[64];
	const char *param[NR_SHOWN_PARAMS];
	const char *policy = policy_name(polbuf, sizeof(polbuf));
	unsigned int i;

	for (i = 0; i < NR_SHOWN_PARAMS; i++)
		param[i] = module_param(shown_params[i], pbuf[i],
					sizeof(pbuf[i]));
	if (opt.json) {
		fputs("{\"trace\":", stdout);
		json_string(source);
		printf(",\"seed\":%llu,\"policy\":", opt.seed);
		json_string(policy);
		printf(",\"shadow_pages\":%llu",
		       (unsigned long long)info->reserved_pages);
		for (i = 0; i < NR_SHOWN_PARAMS; i++) {
			printf(",\"%s\":", shown_params[i]);
			json_string(param[i]);
		}
		printf(",\"pages\":%llu,\"references\":%zu,\"writes\":%zu,\"misses\":%llu,\"hit_ratio\":%.6f,\"minor_faults\":%llu,\"pswpin\":%llu,\"pswpout\":%llu,\"pgscan\":%llu,\"pgscan_kswapd\":%llu,\"pgscan_direct\":%llu,\"pgsteal\":%llu,\"kswapd_cpu_s\":",
		       pages, t->nr, t->writes, misses, hit, minor,
		       b->pswpin - a->pswpin, b->pswpout - a->pswpout,
		       scan_k + scan_d, scan_k, scan_d, steal);
		if (kswapd >= 0)
			printf("%.2f", kswapd);
		else
			fputs("null", stdout);
		printf(",\"cpu_s\":%.3f,\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,\"elapsed_s\":%.3f}\n",
		       b->user + b->sys, b->user, b->sys, b->wall - a->wall);
		return;
	}
	printf("%-16s %s\n", "trace", source);
	printf("%-16s %s\n", "policy",
	       policy ? policy : "- (the module does not name one)");
	printf("%-16s %llu pages\n", "shadow memory",
	       (unsigned long long)info->reserved_pages);
	printf("%-16s", "parameters");
	for (i = 0; i < NR_SHOWN_PARAMS; i++)
		printf(" %s=%s", shown_params[i], param[i] ? param[i] : "?");
	printf("\n%-16s %llu pages\n", "object", pages);
	printf("%-16s %zu (%zu writes)\n", "references", t->nr, t->writes);
	printf("%-16s %llu\n", "misses", misses);
	printf("%-16s %.4f\n", "hit ratio", hit);
	printf("%-16s %llu\n", "minor faults", minor);
	printf("%-16s %llu\n", "swap-ins", b->pswpin - a->pswpin);
	printf("%-16s %llu\n", "swap-outs", b->pswpout - a->pswpout);
	printf("%-16s %llu (kswapd %llu, direct %llu)\n", "pages scanned",
	       scan_k + scan_d, scan_k, scan_d);
	printf("%-16s %llu\n", "pages reclaimed", steal);
	if (kswapd >= 0)
		printf("%-16s %.2f s\n", "kswapd cpu", kswapd);
	else
		printf("%-16s - (no svm_kswapd thread: loaded with kswapd=0)\n",
		       "kswapd cpu");
	printf("%-16s %.3f s (user %.3f, system %.3f)\n", "svmreplay cpu",
	       b->user + b->sys, b->user, b->sys);
	printf("%-16s %.3f s\n", "elapsed", b->wall - a->wall);
	if ((param[1] && strcmp(param[1], "1")) ||
	    (param[2] && strcmp(param[2], "0")))
		printf("note: fault_around_pages=%s page_cluster=%s: a fault may bring in several pages; load with fault_around_pages=1 page_cluster=0 for one miss per page\n",
		       param[1], param[2]);
}

static void replay(const char *source, const struct trace *t)
{
	unsigned long long pages = t->max_page + 1, size;
	struct shadowvm_info info;
	struct sample a, b;
	long pg = sysconf(_SC_PAGESIZE);
	char *map;
	size_t i;
	int fd;

	if (opt.pages) {
		if (opt.pages < pages)
			die(EXIT_USAGE, "--pages %llu: the trace touches page %llu",
			    opt.pages, (unsigned long long)t->max_page);
		pages = opt.pages;
	}
	fd = open("/dev/shadowvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			die(EXIT_NOSVM,
			    "shadowvm is not loaded (no /dev/shadowvm; insmod shadowvm.ko)");
		die(EXIT_USAGE, "/dev/shadowvm: %s", strerror(errno));
	}
	find_instance();
	if (ioctl(fd, SHADOWVM_IOC_GET_INFO, &info))
		die(EXIT_USAGE, "SHADOWVM_IOC_GET_INFO: %s", strerror(errno));
	/* A private object: empty, sized for the trace, gone at exit. */
	size = pages * pg;
	if (ioctl(fd, SHADOWVM_IOC_NEW_OBJECT, 0))
		die(EXIT_USAGE, "SHADOWVM_IOC_NEW_OBJECT: %s", strerror(errno));
	if (ioctl(fd, SHADOWVM_IOC_SET_SIZE, &size))
		die(EXIT_USAGE, "SHADOWVM_IOC_SET_SIZE %llu pages: %s", pages,
		    strerror(errno));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die(EXIT_USAGE, "mmap of %llu pages: %s", pages,
		    strerror(errno));

	take(fd, &a);
	for (i = 0; i < t->nr; i++) {
		uint64_t *word = (uint64_t *)(map + REF_PAGE(t->refs[i]) * pg);

		if (t->refs[i] & REF_WRITE)
			__atomic_store_n(word, i, __ATOMIC_RELAXED);
		else
			(void)__atomic_load_n(word, __ATOMIC_RELAXED);
	}
	take(fd, &b);
	report(source, t, pages, &info, &a, &b);
	munmap(map, size);
	close(fd);
}

/*
 * --writes: turns reads into writes from a stream of its own, so that a
 * generator's pages are the same with and without it.
 */
static void add_writes(struct trace *t)
{
	uint64_t state = opt.seed + 1;
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (!(t->refs[i] & REF_WRITE) &&
		    rand_below(&state, 100) < opt.writes) {
			t->refs[i] |= REF_WRITE;
			t->writes++;
		}
}

static void dump(const struct trace *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		printf("%llu%s\n", (unsigned long long)REF_PAGE(t->refs[i]),
		       t->refs[i] & REF_WRITE ? " w" : "");
	if (fflush(stdout) || ferror(stdout))
		die(EXIT_USAGE, "standard output: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "pages", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "writes", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "instance", required_argument, NULL, 'i' },
		{ "dump", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct trace t = { 0 };
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "f:p:s:w:ji:dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "lirs") && strcmp(optarg, "csv") &&
			    strcmp(optarg, "auto"))
				die(EXIT_USAGE, "--format %s: lirs, csv or auto",
				    optarg);
			opt.format = optarg;
			break;
		case 'p':
			errno = 0;
			opt.pages = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || !opt.pages ||
			    opt.pages > MAX_PAGE + 1 || optarg[0] == '-')
				die(EXIT_USAGE, "--pages %s: a number of pages from 1",
				    optarg);
			break;
		case 's':
			errno = 0;
			opt.seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || optarg[0] == '-')
				die(EXIT_USAGE, "--seed %s: a number", optarg);
			break;
		case 'w':
			errno = 0;
			opt.writes = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || opt.writes > 100 ||
			    optarg[0] == '-')
				die(EXIT_USAGE, "--writes %s: a percentage, 0 to 100",
				    optarg);
			break;
		case 'j':
			opt.json = 1;
			break;
		case 'i':
			opt.instance = optarg;
			break;
		case 'd':
			opt.dump = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs("Try 'svmreplay --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs("svmreplay: one TRACE expected; try 'svmreplay --help'\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (generate(&t, argv[optind]))
		parse_file(&t, argv[optind]);
	if (opt.writes)
		add_writes(&t);
	if (opt.dump)
		dump(&t);
	else
		replay(argv[optind], &t);
	free(t.refs);
	return 0;
}
