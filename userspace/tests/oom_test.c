// SPDX-License-Identifier: GPL-2.0
/*
 * oom_test - the shadow OOM killer. A hog process maps and dirties most of
 * a small instance without swap; a second process then needs more than
 * is left, through a mapping or through write():
 * - the hog is SIGKILLed, reported in the kernel log and traced, and the
 *   second process completes with its data intact;
 * - a hog with oom_score_adj -1000 is spared: the second process, the
 *   only other user, gets SIGBUS;
 * - with oom_kill=0 the second process gets SIGBUS as before, and nobody
 *   is killed.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module and shadowvm
 * not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define PG		((unsigned long)sysconf(_SC_PAGESIZE))
/* An 8 MiB instance: 2048 pages, no swap. */
#define MEM		"mem=8M"
/* The hog dirties 6 MiB, the other process wants 4 MiB. */
#define HOG_PAGES	1536UL
#define WANT_PAGES	1024UL
#define HOG_COMM	"oom_hog"
#define TRACING		"/sys/kernel/tracing"
#define OOM_EVENT	TRACING "/events/shadowvm/svm_oom_kill/enable"

/* The pattern byte of page @i, offset @j: differs per page and offset. */
static unsigned char pat(unsigned long i, unsigned long j)
{
	return (unsigned char)(i * 37 + j * 11 + 3);
}

static void fill(unsigned char *p, unsigned long pages)
{
	unsigned long i, j;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PG; j += 256)
			p[i * PG + j] = pat(i, j);
}

static unsigned long check(const unsigned char *p, unsigned long pages)
{
	unsigned long i, j, bad = 0;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PG; j += 256)
			bad += p[i * PG + j] != pat(i, j);
	return bad;
}

/*
 * Forks the hog: a private object of HOG_PAGES, mapped and dirtied (no
 * swap: reclaim cannot take its pages), then it waits to be killed.
 * Returns its pid once it is ready, or -1.
 */
static pid_t start_hog(int oom_score_adj)
{
	int pfd[2];
	char c;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		unsigned char *a;
		char adj[16];
		int fd;

		close(pfd[0]);
		/* Never outlive the test, even one killed by its timeout. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, HOG_COMM);
		snprintf(adj, sizeof(adj), "%d", oom_score_adj);
		if (write_file("/proc/self/oom_score_adj", adj))
			_exit(2);
		fd = svm_object_open(O_RDWR, 1, HOG_PAGES * PG);
		if (fd < 0)
			_exit(3);
		a = mmap(NULL, HOG_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		if (a == MAP_FAILED)
			_exit(4);
		fill(a, HOG_PAGES);
		if (write(pfd[1], "r", 1) != 1)
			_exit(5);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(pfd[0]);
	return pid;
}

/*
 * In a child: a private object of WANT_PAGES, filled through a mapping
 * (or with one write() when @use_write) and checked. Exits 0 when every
 * byte is right, 1-5 on errors; a signal kills it otherwise.
 */
static pid_t start_user(int use_write)
{
	pid_t pid = fork();
	unsigned char *a, *buf;
	ssize_t n;
	int fd;

	if (pid)
		return pid;
	fd = svm_object_open(O_RDWR, 1, use_write ? 0 : WANT_PAGES * PG);
	if (fd < 0)
		_exit(1);
	if (!use_write) {
		a = mmap(NULL, WANT_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		if (a == MAP_FAILED)
			_exit(2);
		fill(a, WANT_PAGES);
		_exit(check(a, WANT_PAGES) ? 3 : 0);
	}
	buf = malloc(WANT_PAGES * PG);
	if (!buf)
		_exit(2);
	memset(buf, 0, WANT_PAGES * PG);
	fill(buf, WANT_PAGES);
	n = write(fd, buf, WANT_PAGES * PG);
	if (n != (ssize_t)(WANT_PAGES * PG)) {
		fprintf(stderr, "# write: %zd, errno %d\n", n, errno);
		_exit(4);
	}
	memset(buf, 0, WANT_PAGES * PG);
	if (pread(fd, buf, WANT_PAGES * PG, 0) != (ssize_t)(WANT_PAGES * PG))
		_exit(5);
	_exit(check(buf, WANT_PAGES) ? 3 : 0);
}

/*
 * Waits up to @secs seconds for child @pid to end: its wait status, or -1
 * if it is still running (a hog nobody killed must not hang the test).
 */
static int wait_end(pid_t pid, int secs)
{
	int status, i;

	for (i = 0; i < secs * 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(100000);
	}
	return -1;
}

/* Whether @pid is still running (not even a zombie yet). */
static int running(pid_t pid)
{
	int status;

	return waitpid(pid, &status, WNOHANG) == 0;
}

/* Turns the svm_oom_kill tracepoint on (1) or off (0); 0 or -errno. */
static int trace_oom(int on)
{
	struct stat st;
	int ret;

	if (stat(TRACING "/events", &st) &&
	    mount("tracefs", TRACING, "tracefs", 0, NULL))
		return -errno;
	if (on) {
		ret = write_file(TRACING "/trace", "");
		if (ret)
			return ret;
	}
	return write_file(OOM_EVENT, on ? "1" : "0");
}

FIXTURE(oom) {
	int kmsg;
	pid_t hog;
};

FIXTURE_SETUP(oom)
{
	if (svm_loaded())
		svm_unload();
	ASSERT_FALSE(svm_loaded());
	self->kmsg = kmsg_open();
	ASSERT_GE(self->kmsg, 0);
	self->hog = -1;
}

FIXTURE_TEARDOWN(oom)
{
	if (self->hog > 0 && !kill(self->hog, SIGKILL))
		waitpid(self->hog, NULL, 0);
	close(self->kmsg);
	if (svm_loaded()) {
		EXPECT_EQ(0, svm_vmstat("pgcache_leak"));
		EXPECT_EQ(0, svm_unload());
	}
}

/* Waits for the hog, which the OOM killer must have SIGKILLed. */
static void expect_hog_killed(struct __test_metadata *_metadata,
			      FIXTURE_DATA(oom) *self)
{
	char needle[96];
	int status;

	status = wait_end(self->hog, 30);
	ASSERT_NE(-1, status) TH_LOG("the hog is still running");
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("hog status %#x", status);
	snprintf(needle, sizeof(needle), "Killed process %d (%s)", self->hog,
		 HOG_COMM);
	EXPECT_TRUE(kmsg_contains(self->kmsg, needle))
		TH_LOG("no \"%s\" in the kernel log", needle);
	self->hog = -1;
	EXPECT_EQ(1, svm_vmstat("oom_kill"));
	/* Everything the hog had came back when its object went. */
	EXPECT_GT(svm_vmstat("pgcache_delete"), (long long)HOG_PAGES);
}

/* The hog is killed; the faulting process gets its memory, data intact. */
TEST_F_TIMEOUT(oom, fault_kills_hog, 120)
{
	char trace[1 << 16], needle[64], inst[64], kill[80];
	int status;
	pid_t user;

	ASSERT_EQ(0, svm_load(MEM));
	ASSERT_EQ(0, svm_trace_instance(inst, sizeof(inst), "pid="));
	snprintf(kill, sizeof(kill), "svm_oom_kill:%s", inst);
	EXPECT_EQ(0, trace_oom(1));
	self->hog = start_hog(0);
	ASSERT_GT(self->hog, 0);
	user = start_user(0);
	ASSERT_GT(user, 0);
	ASSERT_EQ(user, waitpid(user, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("faulting process status %#x", status);
	snprintf(needle, sizeof(needle), "pid=%d ", self->hog);
	expect_hog_killed(_metadata, self);
	/* Retried, not failed: no SIGBUS was counted. */
	EXPECT_EQ(0, svm_vmstat("pgfault_nomem"));
	EXPECT_EQ(0, svm_vmstat("oom_no_victim"));
	ASSERT_LT(0, read_file(TRACING "/trace", trace, sizeof(trace)));
	EXPECT_EQ(0, trace_oom(0));
	EXPECT_NE(NULL, strstr(trace, kill)) TH_LOG("no \"%s\" in the trace", kill);
	EXPECT_NE(NULL, strstr(trace, needle)) TH_LOG("%s", trace);
}

/*
 * The kernel log records newer than kmsg_open(), joined by newlines into
 * @buf (what does not fit is dropped); returns their length.
 */
static size_t kmsg_read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	char rec[8192];
	ssize_t n;

	buf[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		if (len + n + 1 >= size)
			continue;
		memcpy(buf + len, rec, n);
		len += n;
		buf[len] = '\0';
	}
	return len;
}

/* Prints the OOM report's records of @log as TAP comments. */
static void print_report(const char *log)
{
	const char *p = log, *nl, *msg;

	for (; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		msg = memchr(p, ';', nl - p);
		msg = msg ? msg + 1 : p;
		if (memmem(p, nl - p, "oom", 3) || memmem(p, nl - p, "Node", 4) ||
		    memmem(p, nl - p, "] ", 2) || memmem(p, nl - p, "swap", 4))
			printf("# kmsg: %.*s\n", (int)(nl - msg), msg);
		if (!*nl)
			break;
	}
}

/* The report: the caller, the shadow zones, the table with the hog. */
TEST_F_TIMEOUT(oom, report, 120)
{
	static char log[1 << 18];
	char row[64], victim[96], comm[32];
	unsigned long score, pages;
	const char *line;
	int status, adj, n;
	pid_t user, hog;

	ASSERT_EQ(0, svm_load(MEM));
	self->hog = start_hog(0);
	ASSERT_GT(self->hog, 0);
	user = start_user(0);
	ASSERT_GT(user, 0);
	ASSERT_EQ(user, waitpid(user, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("faulting process status %#x", status);
	status = wait_end(self->hog, 30);
	ASSERT_NE(-1, status) TH_LOG("the hog is still running");
	hog = self->hog;
	self->hog = -1;
	EXPECT_EQ(SIGKILL, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ASSERT_LT(0, kmsg_read_all(self->kmsg, log, sizeof(log)));
	print_report(log);
	EXPECT_NE(NULL, strstr(log, "invoked the oom-killer of instance shadowvm"));
	EXPECT_NE(NULL, strstr(log, "shadowvm Node 0 Normal free:"));
	EXPECT_NE(NULL, strstr(log, "[  pid  ]    score    pages oom_score_adj name"));
	/* The hog's row: pid, score, pages (all it dirtied), adj, name. */
	snprintf(row, sizeof(row), "[%7d] ", hog);
	line = strstr(log, row);
	ASSERT_NE(NULL, line) TH_LOG("no row for the hog");
	n = sscanf(line + strlen(row), "%lu %lu %d %31s", &score, &pages, &adj,
		   comm);
	ASSERT_EQ(4, n);
	EXPECT_EQ(HOG_PAGES, pages);
	EXPECT_EQ(0, adj);
	EXPECT_STREQ(HOG_COMM, comm);
	/* Root: 1/4 for CAP_SYS_ADMIN, 1/4 more for CAP_SYS_RAWIO. */
	EXPECT_EQ(HOG_PAGES / 16, score);
	snprintf(victim, sizeof(victim),
		 "Killed process %d (%s) score:%lu pages:%lu oom_score_adj:0",
		 hog, HOG_COMM, score, pages);
	EXPECT_NE(NULL, strstr(log, victim)) TH_LOG("no \"%s\"", victim);
}

/* oom_score_adj -1000: the hog is spared, the faulting process fails. */
TEST_F_TIMEOUT(oom, adj_min_spares_hog, 120)
{
	int status;
	pid_t user;

	ASSERT_EQ(0, svm_load(MEM));
	self->hog = start_hog(-1000);
	ASSERT_GT(self->hog, 0);
	user = start_user(0);
	ASSERT_GT(user, 0);
	ASSERT_EQ(user, waitpid(user, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("faulting process status %#x", status);
	EXPECT_TRUE(running(self->hog));
	EXPECT_EQ(0, svm_vmstat("oom_kill"));
	EXPECT_LE(1, svm_vmstat("oom_self"));
	EXPECT_LE(1, svm_vmstat("pgfault_nomem"));
	EXPECT_FALSE(kmsg_contains(self->kmsg, "Killed process"));
}

/* oom_kill=0: SIGBUS for the faulting process, as before; no kill. */
TEST_F_TIMEOUT(oom, disabled, 120)
{
	int status;
	pid_t user;

	ASSERT_EQ(0, svm_load(MEM " oom_kill=0"));
	self->hog = start_hog(0);
	ASSERT_GT(self->hog, 0);
	user = start_user(0);
	ASSERT_GT(user, 0);
	ASSERT_EQ(user, waitpid(user, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("faulting process status %#x", status);
	EXPECT_TRUE(running(self->hog));
	EXPECT_EQ(0, svm_vmstat("oom_kill"));
	EXPECT_EQ(0, svm_vmstat("oom_self"));
	EXPECT_EQ(0, svm_vmstat("oom_no_victim"));
	EXPECT_LE(1, svm_vmstat("pgfault_nomem"));
	EXPECT_FALSE(kmsg_contains(self->kmsg, "invoked the oom-killer"));
	/* The parameter can be turned on again at run time. */
	EXPECT_EQ(0, write_file("/sys/module/shadowvm/parameters/oom_kill",
				"1"));
	user = start_user(0);
	ASSERT_GT(user, 0);
	ASSERT_EQ(user, waitpid(user, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("faulting process status %#x", status);
	expect_hog_killed(_metadata, self);
}

/* write(): the hog is killed and the whole write goes through. */
TEST_F_TIMEOUT(oom, write_kills_hog, 120)
{
	int status;
	pid_t user;

	ASSERT_EQ(0, svm_load(MEM));
	self->hog = start_hog(0);
	ASSERT_GT(self->hog, 0);
	user = start_user(1);
	ASSERT_GT(user, 0);
	ASSERT_EQ(user, waitpid(user, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("writing process status %#x", status);
	expect_hog_killed(_metadata, self);
	EXPECT_EQ(0, svm_vmstat("oom_no_victim"));
}

/* write() with the hog spared: ENOSPC, no kill. */
TEST_F_TIMEOUT(oom, write_adj_min_enospc, 120)
{
	int status;
	pid_t user;

	ASSERT_EQ(0, svm_load(MEM));
	self->hog = start_hog(-1000);
	ASSERT_GT(self->hog, 0);
	user = start_user(1);
	ASSERT_GT(user, 0);
	ASSERT_EQ(user, waitpid(user, &status, 0));
	/* A short write: start_user() exits 4. */
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 4)
		TH_LOG("writing process status %#x", status);
	EXPECT_TRUE(running(self->hog));
	EXPECT_EQ(0, svm_vmstat("oom_kill"));
	EXPECT_LE(1, svm_vmstat("oom_self"));
}

TEST_HARNESS_MAIN
