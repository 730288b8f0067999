// SPDX-License-Identifier: GPL-2.0
/*
 * svmstat - the vmstat of the shadow VM: memory, fault, swap and reclaim
 * figures of one shadowvm instance, read from its debugfs directory only.
 * Run `svmstat --help` for the manual.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define DEBUGFS_MAGIC	0x64626720
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_COUNTERS	128
#define MAX_ZONES	16
#define NR_ORDERS	11
/* Pageblocks of one zone in a map: 16 GiB of 2 MiB pageblocks. */
#define MAX_PAGEBLOCKS	8192
#define MAX_SLABS	256

static const char usage_text[] =
"NAME\n"
"    svmstat - report shadowvm's virtual memory statistics\n"
"\n"
"SYNOPSIS\n"
"    svmstat [-z] [-s] [--sort KEY] [-w] [-o] [--json] [--instance NAME]\n"
"            [--record FILE] [delay [count]]\n"
"\n"
"DESCRIPTION\n"
"    Reads the debugfs files of one shadowvm instance\n"
"    (<debugfs>/shadowvm/<instance>/: vmstat, lru, buddyinfo, slabinfo,\n"
"    swapinfo) and prints one report. With a delay in seconds (a fraction\n"
"    is allowed), prints a report every delay seconds, count times or until\n"
"    interrupted; the rates of a report are per second over the interval\n"
"    before it. Without a delay, one report of the state and of the event\n"
"    totals since the module was loaded, and no rates.\n"
"\n"
"    Columns (pages): free (buddy free pages), active, inactive and unev\n"
"    (LRU lists), dirty (dirty page-cache pages), swpd (swap slots in\n"
"    use); rates: flt/s (faults), maj/s (major faults), si/s and so/s\n"
"    (pages swapped in and out), scan/s (pages scanned by kswapd and\n"
"    direct reclaim), steal/s (pages reclaimed).\n"
"\n"
"OPTIONS\n"
"    -z, --zones      each zone's free pages and buddy free lists, by\n"
"                     order, as /proc/buddyinfo, and its map of\n"
"                     pageblocks: U unmovable, M movable, lower case\n"
"                     when the whole pageblock is free\n"
"    -s, --slab       the slab caches, as slabtop, largest first\n"
"    --sort KEY       order of -s: mem (default), objs, active, size, name\n"
"    -w, --swap       the swap area, as /proc/swaps, and its slot figures\n"
"    -o, --objects    the page cache of the device's objects: file pages,\n"
"                     dirty pages, insertions, deletions, read()/write()\n"
"    -j, --json       one JSON object per report, on one line\n"
"    -i, --instance NAME\n"
"                     the instance to read (default shadowvm)\n"
"    -r, --record FILE\n"
"                     also append each report to FILE as a JSON line, with\n"
"                     the zones' free lists, for scripts/plot\n"
"    -h, --help       this text\n"
"\n"
"ENVIRONMENT\n"
"    SVMSTAT_DEBUGFS  where debugfs is mounted (default /sys/kernel/debug)\n"
"\n"
"EXIT STATUS\n"
"    0 on success; 1 on a usage error or a file that cannot be read or\n"
"    parsed; 2 when debugfs is not mounted, shadowvm is not loaded or the\n"
"    instance does not exist.\n";

struct counter {
	char name[40];
	unsigned long long val;
};

struct zone_free {
	int node;
	char name[16];
	unsigned long long free[NR_ORDERS];
	/* debugfs pageblocks: U/M, lower case when free; "" if unknown */
	char pageblocks[MAX_PAGEBLOCKS + 1];
};

struct slab {
	char name[32];
	unsigned long long active, objs, size, per_slab, pages_per_slab, slabs;
	unsigned long long mem;
};

struct sample {
	double mono;
	double wall;
	struct counter vm[MAX_COUNTERS];
	int nr_vm;
	unsigned long long lru[3];
	struct zone_free zones[MAX_ZONES];
	int nr_zones;
	struct slab slabs[MAX_SLABS];
	int nr_slabs;
	int swap_on;
	char swap_path[128];
	unsigned long long swap_slots, swap_inuse, swap_bad, swap_cache;
	unsigned long long swap_ra_hits, swap_ra_pages, swap_io_errors;
};

static struct {
	int zones, slab, swap, objects, json;
	const char *sort;
	const char *instance;
	const char *record;
	char dir[1024];
} opt = { .sort = "mem", .instance = "shadowvm" };

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads @name of the instance into a malloc()ed, NUL-terminated buffer. */
static char *slurp(const char *name)
{
	char path[1100];
	size_t len = 0, size = 8192;
	char *buf = malloc(size);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", opt.dir, name);
	f = fopen(path, "r");
	if (!f || !buf) {
		fprintf(stderr, "svmstat: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (;;) {
		size_t n = fread(buf + len, 1, size - len - 1, f);

		len += n;
		if (len < size - 1)
			break;
		size *= 2;
		buf = realloc(buf, size);
		if (!buf) {
			fprintf(stderr, "svmstat: out of memory\n");
			exit(1);
		}
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static unsigned long long vm_get(const struct sample *s, const char *name)
{
	int i;

	for (i = 0; i < s->nr_vm; i++)
		if (!strcmp(s->vm[i].name, name))
			return s->vm[i].val;
	return 0;
}

static void read_vmstat(struct sample *s)
{
	char *buf = slurp("vmstat"), *line, *save = NULL;

	s->nr_vm = 0;
	for (line = strtok_r(buf, "\n", &save); line && s->nr_vm < MAX_COUNTERS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct counter *c = &s->vm[s->nr_vm];

		if (sscanf(line, "%39s %llu", c->name, &c->val) == 2)
			s->nr_vm++;
	}
	free(buf);
	if (!s->nr_vm) {
		fprintf(stderr, "svmstat: %s/vmstat: no counters\n", opt.dir);
		exit(1);
	}
}

/* The first table of "lru": one line per node; the lists add up over nodes. */
static void read_lru(struct sample *s)
{
	char *buf = slurp("lru"), *line, *save = NULL;
	unsigned long long a, i, u;
	int node;

	memset(s->lru, 0, sizeof(s->lru));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "zone"))
			break;
		if (sscanf(line, "%d %llu %llu %llu", &node, &a, &i, &u) == 4) {
			s->lru[0] += a;
			s->lru[1] += i;
			s->lru[2] += u;
		}
	}
	free(buf);
}

static void read_buddyinfo(struct sample *s)
{
	char *buf = slurp("buddyinfo"), *line, *save = NULL;

	s->nr_zones = 0;
	for (line = strtok_r(buf, "\n", &save); line && s->nr_zones < MAX_ZONES;
	     line = strtok_r(NULL, "\n", &save)) {
		struct zone_free *z = &s->zones[s->nr_zones];
		int pos = 0, o;
		char *p;

		if (sscanf(line, "Node %d, zone %15s%n", &z->node, z->name,
			   &pos) != 2)
			continue;
		p = line + pos;
		for (o = 0; o < NR_ORDERS; o++)
			z->free[o] = strtoull(p, &p, 10);
		s->nr_zones++;
	}
	free(buf);
}

/* The map of each zone's pageblocks, onto the zones buddyinfo gave. */
static void read_pageblocks(struct sample *s)
{
	char *buf = slurp("pageblocks"), *line, *save = NULL;
	char name[16];
	int node, pos, z;

	for (z = 0; z < s->nr_zones; z++)
		s->zones[z].pageblocks[0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		pos = 0;
		if (sscanf(line, "Node %d, zone %15s %*u %n", &node, name,
			   &pos) != 2 || !pos)
			continue;
		for (z = 0; z < s->nr_zones; z++)
			if (s->zones[z].node == node &&
			    !strcmp(s->zones[z].name, name))
				snprintf(s->zones[z].pageblocks,
					 sizeof(s->zones[z].pageblocks), "%s",
					 line + pos);
	}
	free(buf);
}

static void read_slabinfo(struct sample *s)
{
	char *buf = slurp("slabinfo"), *line, *save = NULL;
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long as;

	s->nr_slabs = 0;
	for (line = strtok_r(buf, "\n", &save); line && s->nr_slabs < MAX_SLABS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct slab *c = &s->slabs[s->nr_slabs];

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line,
			   "%31s %llu %llu %llu %llu %llu : tunables %*u %*u %*u : slabdata %llu %llu",
			   c->name, &c->active, &c->objs, &c->size,
			   &c->per_slab, &c->pages_per_slab, &as,
			   &c->slabs) != 8)
			continue;
		c->mem = c->slabs * c->pages_per_slab * page;
		s->nr_slabs++;
	}
	free(buf);
}

static void read_swapinfo(struct sample *s)
{
	char *buf = slurp("swapinfo"), *p;
	unsigned long long size, used;
	char type[32];
	int prio;

	s->swap_on = 0;
	p = strchr(buf, '\n');
	if (p && sscanf(p + 1, "%127s %31s %llu %llu %d", s->swap_path, type,
			&size, &used, &prio) == 5) {
		struct sample tmp;
		char *line, *save = NULL;

		s->swap_on = 1;
		/* The key-value lines below the table, as vmstat's. */
		tmp.nr_vm = 0;
		for (line = strtok_r(p + 1, "\n", &save);
		     line && tmp.nr_vm < MAX_COUNTERS;
		     line = strtok_r(NULL, "\n", &save))
			if (sscanf(line, "%39s %llu", tmp.vm[tmp.nr_vm].name,
				   &tmp.vm[tmp.nr_vm].val) == 2)
				tmp.nr_vm++;
		s->swap_slots = vm_get(&tmp, "slots");
		s->swap_inuse = vm_get(&tmp, "slots_inuse");
		s->swap_bad = vm_get(&tmp, "bad_pages") +
			      vm_get(&tmp, "bad_slots");
		s->swap_cache = vm_get(&tmp, "swap_cache_pages");
		s->swap_ra_pages = vm_get(&tmp, "readahead_pages");
		s->swap_ra_hits = vm_get(&tmp, "readahead_hits");
		s->swap_io_errors = vm_get(&tmp, "io_errors");
	} else {
		s->swap_path[0] = '\0';
		s->swap_slots = 0;
		s->swap_inuse = 0;
		s->swap_bad = 0;
		s->swap_cache = 0;
		s->swap_ra_pages = 0;
		s->swap_ra_hits = 0;
		s->swap_io_errors = 0;
	}
	free(buf);
}

static void take(struct sample *s)
{
	s->mono = now(CLOCK_MONOTONIC);
	s->wall = now(CLOCK_REALTIME);
	read_vmstat(s);
	read_lru(s);
	read_buddyinfo(s);
	if (opt.zones || opt.record || opt.json)
		read_pageblocks(s);
	read_swapinfo(s);
	if (opt.slab)
		read_slabinfo(s);
}

/* The rates of the default report: a column name and its counters. */
static const struct rate {
	const char *column;
	const char *json;
	const char *counters[2];
} rates[] = {
	{ "flt/s", "pgfault", { "pgfault" } },
	{ "maj/s", "pgmajfault", { "pgmajfault" } },
	{ "si/s", "pswpin", { "pswpin" } },
	{ "so/s", "pswpout", { "pswpout" } },
	{ "scan/s", "pgscan", { "pgscan_kswapd", "pgscan_direct" } },
	{ "steal/s", "pgsteal", { "pgsteal_kswapd", "pgsteal_direct" } },
};

static unsigned long long rate_total(const struct sample *s,
				     const struct rate *r)
{
	unsigned long long sum = 0;
	int i;

	for (i = 0; i < 2 && r->counters[i]; i++)
		sum += vm_get(s, r->counters[i]);
	return sum;
}

static double rate_of(const struct sample *prev, const struct sample *s,
		      const struct rate *r)
{
	double dt = s->mono - prev->mono;

	if (dt <= 0)
		return 0;
	/* A reload resets the counters: count from zero then. */
	if (rate_total(s, r) < rate_total(prev, r))
		return rate_total(s, r) / dt;
	return (rate_total(s, r) - rate_total(prev, r)) / dt;
}

static int slab_cmp(const void *a, const void *b)
{
	const struct slab *x = a, *y = b;
	unsigned long long kx, ky;

	if (!strcmp(opt.sort, "name"))
		return strcmp(x->name, y->name);
	if (!strcmp(opt.sort, "objs")) {
		kx = x->objs;
		ky = y->objs;
	} else if (!strcmp(opt.sort, "active")) {
		kx = x->active;
		ky = y->active;
	} else if (!strcmp(opt.sort, "size")) {
		kx = x->size;
		ky = y->size;
	} else {
		kx = x->mem;
		ky = y->mem;
	}
	if (kx != ky)
		return kx < ky ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void print_json_string(FILE *f, const char *str)
{
	fputc('"', f);
	for (; *str; str++) {
		if (*str == '"' || *str == '\\')
			fprintf(f, "\\%c", *str);
		else if ((unsigned char)*str < 0x20)
			fprintf(f, "\\u%04x", *str);
		else
			fputc(*str, f);
	}
	fputc('"', f);
}

static void json_report(FILE *f, const struct sample *prev,
			const struct sample *s, double t0, int all)
{
	unsigned int i;
	int z, o;

	fprintf(f, "{\"time\":%.6f,\"t\":%.6f,\"instance\":", s->wall,
		s->mono - t0);
	print_json_string(f, opt.instance);
	fprintf(f, ",\"free\":%llu,\"active\":%llu,\"inactive\":%llu,\"unevictable\":%llu,\"dirty\":%llu,\"file\":%llu,\"swap_total\":%llu,\"swap_used\":%llu",
		vm_get(s, "nr_free_pages"), s->lru[0], s->lru[1], s->lru[2],
		vm_get(s, "nr_dirty"), vm_get(s, "nr_file_pages"),
		s->swap_slots, s->swap_inuse);
	if (prev) {
		fprintf(f, ",\"interval\":%.6f,\"rates\":{",
			s->mono - prev->mono);
		for (i = 0; i < ARRAY_SIZE(rates); i++)
			fprintf(f, "%s\"%s\":%.3f", i ? "," : "", rates[i].json,
				rate_of(prev, s, &rates[i]));
		fputc('}', f);
	}
	fputs(",\"vmstat\":{", f);
	for (z = 0; z < s->nr_vm; z++) {
		fprintf(f, "%s", z ? "," : "");
		print_json_string(f, s->vm[z].name);
		fprintf(f, ":%llu", s->vm[z].val);
	}
	fputc('}', f);
	if (opt.zones || all) {
		fputs(",\"zones\":[", f);
		for (z = 0; z < s->nr_zones; z++) {
			unsigned long long pages = 0;

			for (o = 0; o < NR_ORDERS; o++)
				pages += s->zones[z].free[o] << o;
			fprintf(f, "%s{\"node\":%d,\"zone\":", z ? "," : "",
				s->zones[z].node);
			print_json_string(f, s->zones[z].name);
			fprintf(f, ",\"free\":%llu,\"free_blocks\":[", pages);
			for (o = 0; o < NR_ORDERS; o++)
				fprintf(f, "%s%llu", o ? "," : "",
					s->zones[z].free[o]);
			fputs("],\"pageblocks\":", f);
			print_json_string(f, s->zones[z].pageblocks);
			fputc('}', f);
		}
		fputc(']', f);
	}
	if (opt.slab) {
		fputs(",\"slabs\":[", f);
		for (z = 0; z < s->nr_slabs; z++) {
			const struct slab *c = &s->slabs[z];

			fprintf(f, "%s{\"name\":", z ? "," : "");
			print_json_string(f, c->name);
			fprintf(f, ",\"active_objs\":%llu,\"num_objs\":%llu,\"objsize\":%llu,\"slabs\":%llu,\"pages_per_slab\":%llu,\"bytes\":%llu}",
				c->active, c->objs, c->size, c->slabs,
				c->pages_per_slab, c->mem);
		}
		fputc(']', f);
	}
	if (opt.swap || all) {
		fputs(",\"swap\":{\"area\":", f);
		if (s->swap_on)
			print_json_string(f, s->swap_path);
		else
			fputs("null", f);
		fprintf(f, ",\"slots\":%llu,\"slots_inuse\":%llu,\"bad\":%llu,\"swap_cache\":%llu,\"readahead_pages\":%llu,\"readahead_hits\":%llu,\"io_errors\":%llu}",
			s->swap_slots, s->swap_inuse, s->swap_bad,
			s->swap_cache, s->swap_ra_pages, s->swap_ra_hits,
			s->swap_io_errors);
	}
	if (opt.objects)
		fprintf(f, ",\"objects\":{\"file_pages\":%llu,\"dirty\":%llu,\"cache_add\":%llu,\"cache_delete\":%llu,\"rw_read\":%llu,\"rw_write\":%llu}",
			vm_get(s, "nr_file_pages"), vm_get(s, "nr_dirty"),
			vm_get(s, "pgcache_add"), vm_get(s, "pgcache_delete"),
			vm_get(s, "rw_read"), vm_get(s, "rw_write"));
	fputs("}\n", f);
	fflush(f);
}

static void text_header(void)
{
	unsigned int i;

	printf("%9s %8s %8s %6s %6s %8s", "free", "active", "inactive", "unev",
	       "dirty", "swpd");
	for (i = 0; i < ARRAY_SIZE(rates); i++)
		printf(" %8s", rates[i].column);
	putchar('\n');
}

static void text_report(const struct sample *prev, const struct sample *s)
{
	unsigned int i;
	int z, o;

	printf("%9llu %8llu %8llu %6llu %6llu %8llu",
	       vm_get(s, "nr_free_pages"), s->lru[0], s->lru[1], s->lru[2],
	       vm_get(s, "nr_dirty"), s->swap_inuse);
	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		if (prev)
			printf(" %8.0f", rate_of(prev, s, &rates[i]));
		else
			printf(" %8s", "-");
	}
	putchar('\n');
	if (opt.zones) {
		printf("\n%-20s %9s", "zone", "free");
		for (o = 0; o < NR_ORDERS; o++)
			printf(" %6d", o);
		putchar('\n');
		for (z = 0; z < s->nr_zones; z++) {
			unsigned long long pages = 0;
			char name[32];

			for (o = 0; o < NR_ORDERS; o++)
				pages += s->zones[z].free[o] << o;
			snprintf(name, sizeof(name), "Node %d, %s",
				 s->zones[z].node, s->zones[z].name);
			printf("%-20s %9llu", name, pages);
			for (o = 0; o < NR_ORDERS; o++)
				printf(" %6llu", s->zones[z].free[o]);
			putchar('\n');
		}
		/* U unmovable, M movable; lower case: a free pageblock. */
		for (z = 0; z < s->nr_zones; z++)
			printf("%-20s pageblocks %s\n", s->zones[z].name,
			       s->zones[z].pageblocks);
	}
	if (opt.slab) {
		printf("\n%-20s %8s %8s %7s %7s %10s\n", "cache", "active",
		       "objs", "objsize", "slabs", "bytes");
		for (z = 0; z < s->nr_slabs; z++) {
			const struct slab *c = &s->slabs[z];

			printf("%-20s %8llu %8llu %7llu %7llu %10llu\n",
			       c->name, c->active, c->objs, c->size, c->slabs,
			       c->mem);
		}
	}
	if (opt.swap) {
		if (s->swap_on)
			printf("\n%-32s %10s %10s %6s %8s %8s %8s\n%-32s %10llu %10llu %6llu %8llu %8llu %8llu\n",
			       "area", "slots", "inuse", "bad", "cache",
			       "ra_hits", "io_err", s->swap_path, s->swap_slots,
			       s->swap_inuse, s->swap_bad, s->swap_cache,
			       s->swap_ra_hits, s->swap_io_errors);
		else
			printf("\nno swap area\n");
	}
	if (opt.objects)
		printf("\n%10s %8s %10s %10s %10s %10s\n%10llu %8llu %10llu %10llu %10llu %10llu\n",
		       "file_pages", "dirty", "cache_add", "cache_del",
		       "reads", "writes", vm_get(s, "nr_file_pages"),
		       vm_get(s, "nr_dirty"), vm_get(s, "pgcache_add"),
		       vm_get(s, "pgcache_delete"), vm_get(s, "rw_read"),
		       vm_get(s, "rw_write"));
	fflush(stdout);
}

/*
 * Finds the instance's directory, or says in one line why there is none:
 * debugfs not mounted, shadowvm not loaded, no such instance, not root.
 */
static void find_instance(void)
{
	const char *debugfs = getenv("SVMSTAT_DEBUGFS");
	char top[512];
	struct statfs sfs;
	struct stat st;

	if (!debugfs || !*debugfs)
		debugfs = "/sys/kernel/debug";
	if (statfs(debugfs, &sfs) || sfs.f_type != DEBUGFS_MAGIC) {
		fprintf(stderr,
			"svmstat: debugfs is not mounted at %s (mount -t debugfs none %s)\n",
			debugfs, debugfs);
		exit(2);
	}
	snprintf(top, sizeof(top), "%s/shadowvm", debugfs);
	if (stat(top, &st)) {
		if (errno == EACCES)
			fprintf(stderr, "svmstat: %s: %s (run as root)\n", top,
				strerror(errno));
		else
			fprintf(stderr,
				"svmstat: shadowvm is not loaded (no %s; insmod shadowvm.ko)\n",
				top);
		exit(2);
	}
	if (strchr(opt.instance, '/') ||
	    snprintf(opt.dir, sizeof(opt.dir), "%s/%s", top, opt.instance) >=
	    (int)sizeof(opt.dir) || stat(opt.dir, &st)) {
		fprintf(stderr, "svmstat: no instance '%s' in %s\n",
			opt.instance, top);
		exit(2);
	}
}

static double parse_number(const char *arg, const char *what, int integer)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || v <= 0 || v > 1e9 ||
	    (integer && v != (long)v)) {
		fprintf(stderr, "svmstat: bad %s '%s'\n", what, arg);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "zones", no_argument, NULL, 'z' },
		{ "slab", no_argument, NULL, 's' },
		{ "sort", required_argument, NULL, 'S' },
		{ "swap", no_argument, NULL, 'w' },
		{ "objects", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "instance", required_argument, NULL, 'i' },
		{ "record", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	static struct sample samples[2];
	struct sample *prev = NULL, *cur = &samples[0];
	double delay = 0, t0;
	long count = 1, n;
	FILE *rec = NULL;
	int c, lines = 0;

	while ((c = getopt_long(argc, argv, "zswoji:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'z':
			opt.zones = 1;
			break;
		case 's':
			opt.slab = 1;
			break;
		case 'S':
			if (strcmp(optarg, "mem") && strcmp(optarg, "objs") &&
			    strcmp(optarg, "active") && strcmp(optarg, "size") &&
			    strcmp(optarg, "name")) {
				fprintf(stderr, "svmstat: bad sort key '%s'\n",
					optarg);
				return 1;
			}
			opt.sort = optarg;
			opt.slab = 1;
			break;
		case 'w':
			opt.swap = 1;
			break;
		case 'o':
			opt.objects = 1;
			break;
		case 'j':
			opt.json = 1;
			break;
		case 'i':
			opt.instance = optarg;
			break;
		case 'r':
			opt.record = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs("Try 'svmstat --help'.\n", stderr);
			return 1;
		}
	}
	if (argc - optind > 2) {
		fputs("svmstat: too many arguments; try 'svmstat --help'\n",
		      stderr);
		return 1;
	}
	if (optind < argc) {
		delay = parse_number(argv[optind], "delay", 0);
		count = optind + 1 < argc ?
			(long)parse_number(argv[optind + 1], "count", 1) : -1;
	}
	find_instance();
	if (opt.record) {
		rec = fopen(opt.record, "a");
		if (!rec) {
			fprintf(stderr, "svmstat: %s: %s\n", opt.record,
				strerror(errno));
			return 1;
		}
	}
	take(cur);
	t0 = cur->mono;
	if (delay > 0) {
		/* Rates need an interval: the first report ends the first one. */
		prev = cur;
		cur = &samples[1];
	}
	for (n = 0; count < 0 || n < count; n++) {
		if (delay > 0) {
			struct timespec ts = {
				.tv_sec = (time_t)delay,
				.tv_nsec = (long)((delay - (time_t)delay) * 1e9),
			};

			/*
			 * No handler: an interrupt ends svmstat, and every
			 * report is already flushed, records included.
			 */
			while (nanosleep(&ts, &ts) && errno == EINTR)
				;
			take(cur);
		}
		if (opt.slab)
			qsort(cur->slabs, cur->nr_slabs, sizeof(cur->slabs[0]),
			      slab_cmp);
		if (opt.json) {
			json_report(stdout, prev, cur, t0, 0);
		} else {
			if (lines++ % 20 == 0 || opt.zones || opt.slab ||
			    opt.swap || opt.objects)
				text_header();
			text_report(prev, cur);
		}
		if (rec)
			json_report(rec, prev, cur, t0, 1);
		if (delay > 0) {
			struct sample *t = prev;

			prev = cur;
			cur = t;
		}
	}
	if (rec && fclose(rec)) {
		fprintf(stderr, "svmstat: %s: %s\n", opt.record,
			strerror(errno));
		return 1;
	}
	return 0;
}
