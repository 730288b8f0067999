// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by shadowvm's userspace tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "svm_test.h"

const char *svm_ko_path(void)
{
	const char *p = getenv("SHADOWVM_KO");

	return p ? p : "/guest/shadowvm.ko";
}

int svm_load(const char *params)
{
	const char *env = getenv("SHADOWVM_PARAMS");
	char all[1024];
	int fd, ret;

	/* The environment's first: a parameter given twice, the last wins. */
	if (env && *env) {
		if (snprintf(all, sizeof(all), "%s %s", env, params) >=
		    (int)sizeof(all))
			return -E2BIG;
		params = all;
	}
	fd = open(svm_ko_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

int svm_unload(void)
{
	return syscall(SYS_delete_module, "shadowvm", O_NONBLOCK) ? -errno : 0;
}

int svm_loaded(void)
{
	struct stat st;

	return stat("/sys/module/shadowvm", &st) == 0;
}

long read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - len - 1)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

long long keyed_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoll(p + klen + 1, NULL, 0);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

long meminfo_kb(const char *field)
{
	static char buf[8192];

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	return keyed_value(buf, field);
}

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

int kmsg_contains(int fd, const char *needle)
{
	char rec[8192];
	ssize_t n;
	int found = 0;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, needle))
			found = 1;
	}
	return found;
}

uint64_t svm_page_pattern(uint64_t seed, uint64_t p, uint64_t gen)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL ^ p * 0xc2b2ae3d27d4eb4fULL ^
		     gen * 0x165667b19e3779f9ULL;

	return x ^ (x >> 29);
}

void svm_fill_page(char *buf, uint64_t p, uint64_t seed, uint64_t gen)
{
	uint64_t *q = (uint64_t *)buf, v = svm_page_pattern(seed, p, gen);
	size_t w;

	for (w = 0; w < sysconf(_SC_PAGESIZE) / sizeof(*q); w++)
		q[w] = v + w;
}

int svm_check_page(const char *buf, uint64_t p, uint64_t seed, uint64_t gen)
{
	const uint64_t *q = (const uint64_t *)buf;
	uint64_t v = svm_page_pattern(seed, p, gen);
	size_t w;

	for (w = 0; w < sysconf(_SC_PAGESIZE) / sizeof(*q); w++)
		if (q[w] != v + w)
			return 1;
	return 0;
}

long free_kb(void)
{
	static char buf[1 << 16];
	long pcp = 0, memfree = meminfo_kb("MemFree");
	const char *p = buf;

	if (memfree < 0 || read_file("/proc/zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	/* Per-CPU page lists: "count: N" lines under each zone's "pagesets". */
	while ((p = strstr(p, "count:"))) {
		p += strlen("count:");
		pcp += strtol(p, NULL, 10);
	}
	return memfree + pcp * (getpagesize() / 1024);
}

long free_kb_within(long lo, long hi)
{
	long v = -1;
	int i;

	for (i = 0; i < 50; i++) {
		sync();
		if (write_file("/proc/sys/vm/drop_caches", "3"))
			return -1;
		v = free_kb();
		if (v >= lo && v <= hi)
			break;
		usleep(200 * 1000);
	}
	return v;
}

int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

int svm_bench_cmd(const char *cmd, char *res, size_t len)
{
	int fd = open(SVM_BENCH_FILE, O_RDWR | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0) {
		ret = -errno;
		goto out;
	}
	n = read(fd, res, len - 1);
	if (n <= 0) {
		ret = n < 0 ? -errno : -ENODATA;
		goto out;
	}
	res[n] = '\0';
out:
	close(fd);
	return ret;
}

int svm_bench_print(const char *name, unsigned long iters, unsigned int reps)
{
	double shadow[SVM_BENCH_MAX_REPS], native[SVM_BENCH_MAX_REPS];
	unsigned long long s, n, done;
	char cmd[96], res[2048], unit[32];
	const char *p, *u;
	unsigned int i;
	int ret, len;

	snprintf(cmd, sizeof(cmd), "%s %lu %u", name, iters, reps);
	ret = svm_bench_cmd(cmd, res, sizeof(res));
	if (ret) {
		fprintf(stderr, "bench: %s: %s\n", cmd, strerror(-ret));
		return ret;
	}
	/* Every repetition's total cycles: the spread, in fractional cycles. */
	p = strstr(res, "iterations=");
	u = strstr(res, "unit=");
	if (!p || sscanf(p, "iterations=%llu", &done) != 1 || !done || !u ||
	    sscanf(u, "unit=%31s", unit) != 1)
		goto bad;
	p = strstr(res, "cycles=");
	if (!p)
		goto bad;
	p += strlen("cycles=");
	for (i = 0; i < reps; i++) {
		if (sscanf(p, "%llu/%llu%n", &s, &n, &len) != 2 || !s || !n)
			goto bad;
		shadow[i] = (double)s / done;
		native[i] = (double)n / done;
		p += len;
		if (*p == ',')
			p++;
	}
	ret = svm_bench_report(name, shadow, native, reps, unit);
	if (ret)
		fprintf(stderr, "bench: %s: %u repetitions do not make a line\n",
			name, reps);
	return ret;
bad:
	fprintf(stderr, "bench: cannot parse \"%s\"\n", res);
	return -EINVAL;
}

static int svm_trace_record(const char *events, const char *shell)
{
	char cmd[4096];
	int n, ret;

	n = snprintf(cmd, sizeof(cmd),
		     "trace-cmd record -q %s -o %s sh -c '%s' > %s 2>&1",
		     events, SVM_TRACE_DAT, shell, SVM_TRACE_LOG);
	if (n < 0 || n >= (int)sizeof(cmd))
		return -ENAMETOOLONG;
	ret = system(cmd);
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "trace-cmd report -i %s > %s 2>> %s",
		 SVM_TRACE_DAT, SVM_TRACE_REPORT, SVM_TRACE_LOG);
	return system(cmd);
}

int svm_trace_run(const char *events, const char *shell)
{
	int ret, attempt;

	/*
	 * Every caller records shadowvm events around a command that emits
	 * some. trace-cmd record's per-CPU readers stop when the command
	 * exits, and now and then (seen on 6.1, and on a loaded TCG guest)
	 * a CPU's last page of events, not yet full, is never read: the
	 * recording comes back empty. Record again then, and say so; an
	 * event that is really missing stays missing in every attempt.
	 * (trace-cmd start/stop/extract/reset reads the buffer to its end,
	 * but a stock guest using it died of an int3 oops in __schedule,
	 * in the kernel's text patching, while the slab tracepoints ran.)
	 */
	for (attempt = 1; attempt <= 3; attempt++) {
		ret = svm_trace_record(events, shell);
		if (ret || svm_trace_count(": svm_", NULL) > 0)
			return ret;
		fprintf(stderr, "# %s: attempt %d recorded no shadowvm event; trace-cmd said:\n",
			__func__, attempt);
		if (system("sed 's/^/#   /' " SVM_TRACE_LOG " >&2"))
			fprintf(stderr, "#   (no log)\n");
	}
	return ret;
}

long svm_trace_count(const char *event, const char *also)
{
	char line[1024];
	long n = 0;
	FILE *f = fopen(SVM_TRACE_REPORT, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, event) && (!also || strstr(line, also)))
			n++;
	fclose(f);
	return n;
}

long long spaced_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 0);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

long long svm_vmstat(const char *key)
{
	static char buf[8192];

	if (read_file(SVM_VMSTAT_FILE, buf, sizeof(buf)) < 0)
		return -1;
	return spaced_value(buf, key);
}

int svm_object_open(int flags, int private, unsigned long long size)
{
	int fd = open("/dev/shadowvm", flags | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	if ((private && ioctl(fd, SHADOWVM_IOC_NEW_OBJECT, 0)) ||
	    (size && ioctl(fd, SHADOWVM_IOC_SET_SIZE, &size))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double svm_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void svm_spread(const double *v, int n, struct svm_spread *s)
{
	double sorted[SVM_BENCH_MAX_REPS];
	int i;

	for (i = 0; i < n && i < SVM_BENCH_MAX_REPS; i++)
		sorted[i] = v[i];
	s->median = svm_median(sorted, i);	/* sorts */
	s->min = sorted[0];
	s->max = sorted[i - 1];
}

int svm_bench_report_pair(const char *name, const double *a,
			  const double *b, int reps, const char *unit,
			  const char *a_key, const char *b_key)
{
	struct svm_spread sa, sb, r;
	double ratio[SVM_BENCH_MAX_REPS];
	int i;

	if (reps < SVM_BENCH_MIN_REPS || reps > SVM_BENCH_MAX_REPS)
		return -EINVAL;
	for (i = 0; i < reps; i++) {
		if (!(a[i] >= 0) || !(b[i] > 0))
			return -EINVAL;
		/* Paired: repetition i of each side ran back to back. */
		ratio[i] = a[i] / b[i];
	}
	svm_spread(a, reps, &sa);
	svm_spread(b, reps, &sb);
	svm_spread(ratio, reps, &r);
	printf("BENCH %s ratio=%.3f %s=%.6g %s=%.6g unit=%s reps=%d ratio_min=%.3f ratio_max=%.3f %s_min=%.6g %s_median=%.6g %s_max=%.6g %s_min=%.6g %s_median=%.6g %s_max=%.6g\n",
	       name, r.median, a_key, sa.median, b_key, sb.median, unit, reps,
	       r.min, r.max, a_key, sa.min, a_key, sa.median, a_key, sa.max,
	       b_key, sb.min, b_key, sb.median, b_key, sb.max);
	fflush(stdout);
	return 0;
}

int svm_bench_report(const char *name, const double *shadow,
		     const double *native, int reps, const char *unit)
{
	int i;

	for (i = 0; i < reps && i < SVM_BENCH_MAX_REPS; i++)
		if (!(shadow[i] > 0))
			return -EINVAL;
	return svm_bench_report_pair(name, shadow, native, reps, unit,
				     "shadow", "native");
}

unsigned long long svm_bench_seed(void)
{
	const char *env = getenv("BENCH_SEED");
	struct timespec ts;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000007ULL + ts.tv_nsec;
}

/* splitmix64: every 64-bit state gives a well-mixed next value. */
unsigned long long svm_rand64(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void svm_shuffle(unsigned long *v, unsigned long n, unsigned long long *state)
{
	unsigned long i, j, t;

	for (i = 0; i < n; i++)
		v[i] = i;
	/* Fisher-Yates; the modulo bias is below 2^-40 for n < 2^24. */
	for (i = n - 1; i > 0; i--) {
		j = svm_rand64(state) % (i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

double svm_cpu_busy(void)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq;
	char buf[512];

	if (read_file("/proc/stat", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
		   &sys, &idle, &iowait, &irq, &softirq) != 7)
		return -1;
	return (double)(user + nice + sys + irq + softirq) /
	       sysconf(_SC_CLK_TCK);
}

double svm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int access_signal(unsigned char *addr, int write)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (write)
			__atomic_store_n(addr, 1, __ATOMIC_RELAXED);
		else
			(void)__atomic_load_n(addr, __ATOMIC_RELAXED);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

long long svm_swapinfo(const char *key)
{
	static char buf[4096];

	if (read_file(SVM_SWAPINFO_FILE, buf, sizeof(buf)) < 0)
		return -1;
	return spaced_value(buf, key);
}

long long svm_outstanding_pages(void)
{
	return svm_vmstat("pgalloc_dma") + svm_vmstat("pgalloc_normal") +
	       svm_vmstat("pgalloc_high") - svm_vmstat("pgfree");
}

long long svm_bad_frees(long long v[4])
{
	static char buf[4096];
	const char *p;

	if (read_file(SVM_MEMINFO_FILE, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\nBadFrees:");
	if (!p || sscanf(p + strlen("\nBadFrees:"), "%lld %lld %lld %lld",
			 &v[0], &v[1], &v[2], &v[3]) != 4)
		return -1;
	return v[0] + v[1] + v[2] + v[3];
}

long svm_instance_id(void)
{
	static char buf[4096];

	if (read_file(SVM_MEMINFO_FILE, buf, sizeof(buf)) < 0)
		return -1;
	return keyed_value(buf, "InstanceId");
}

int svm_trace_instance(char *buf, size_t len, const char *field)
{
	long id = svm_instance_id();

	if (id < 0 || snprintf(buf, len, " instance=%ld %s", id, field) >= (int)len)
		return -1;
	return 0;
}

int kmsg_grep(int fd, const char *const *needles, int print)
{
	const char *const *n;
	char rec[8192];
	int found = 0;
	ssize_t len;

	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		for (n = needles; *n; n++)
			if (strstr(rec, *n))
				break;
		if (!*n)
			continue;
		if (found++ < print)
			printf("# kmsg: %s", rec);
	}
	return found;
}
