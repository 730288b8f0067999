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
	int fd = open(svm_ko_path(), O_RDONLY | O_CLOEXEC);
	int ret;

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
	unsigned long long shadow, native;
	char cmd[96], res[256], unit[32];
	const char *p;
	int ret;

	snprintf(cmd, sizeof(cmd), "%s %lu %u", name, iters, reps);
	ret = svm_bench_cmd(cmd, res, sizeof(res));
	if (ret) {
		fprintf(stderr, "bench: %s: %s\n", cmd, strerror(-ret));
		return ret;
	}
	p = strstr(res, "shadow=");
	if (!p || sscanf(p, "shadow=%llu native=%llu unit=%31s", &shadow,
			 &native, unit) != 3 || !native) {
		fprintf(stderr, "bench: cannot parse \"%s\"\n", res);
		return -EINVAL;
	}
	printf("BENCH %s ratio=%.3f shadow=%llu native=%llu unit=%s\n", name,
	       (double)shadow / native, shadow, native, unit);
	return 0;
}

/*
 * trace-cmd start, stop and extract, not record: record's per-CPU readers
 * drain the ring buffer while the command runs and stop when it exits, and
 * on 6.1 a CPU's last events, in a page not yet full, are sometimes never
 * read (they stay in the kernel's buffer, as `trace-cmd report --stat`
 * shows). extract reads the stopped buffer to its end.
 */
int svm_trace_run(const char *events, const char *shell)
{
	char cmd[4096];
	int n, ret;

	/* Every command's output goes to the log; the status is the workload's. */
	n = snprintf(cmd, sizeof(cmd),
		     "exec >%s 2>&1; trace-cmd start %s || exit; sh -c '%s'; rc=$?; trace-cmd stop && trace-cmd extract -o %s && trace-cmd reset && exit $rc",
		     SVM_TRACE_LOG, events, shell, SVM_TRACE_DAT);
	if (n < 0 || n >= (int)sizeof(cmd))
		return -ENAMETOOLONG;
	ret = system(cmd);
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "trace-cmd report -i %s > %s 2>> %s",
		 SVM_TRACE_DAT, SVM_TRACE_REPORT, SVM_TRACE_LOG);
	return system(cmd);
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

void svm_bench_report(const char *name, double shadow, double native,
		      const char *unit)
{
	printf("BENCH %s ratio=%.3f shadow=%.0f native=%.0f unit=%s\n", name,
	       native > 0 ? shadow / native : 0.0, shadow, native, unit);
	fflush(stdout);
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
