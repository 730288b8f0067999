/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by shadowvm's userspace tests: loading and unloading the
 * module, reading /proc/meminfo, debugfs files and new kernel log records.
 */
#ifndef _SVM_TEST_H
#define _SVM_TEST_H

#include <stddef.h>
#include <stdint.h>

/* Path of shadowvm.ko: $SHADOWVM_KO, else /guest/shadowvm.ko. */
const char *svm_ko_path(void);
/*
 * finit_module() the module with $SHADOWVM_PARAMS (if set) and @params,
 * which win where both name a parameter; returns 0 or -errno.
 */
int svm_load(const char *params);
/* delete_module("shadowvm", O_NONBLOCK); returns 0 or -errno. */
int svm_unload(void);
/* Whether /sys/module/shadowvm exists. */
int svm_loaded(void);
/* A field of /proc/meminfo in KiB, or -1. */
long meminfo_kb(const char *field);
/*
 * Free memory in KiB counting the pages on per-CPU lists too: MemFree
 * leaves them out, and a burst of frees can park tens of MiB there.
 */
/*
 * The contents tests give page @p of generation @gen: 512 words counting up
 * from a value mixed from the three, so that a page of another index, seed
 * or generation, a stale or a zeroed page never passes for it.
 */
uint64_t svm_page_pattern(uint64_t seed, uint64_t p, uint64_t gen);
/* Fills the page-sized @buf with page @p's contents. */
void svm_fill_page(char *buf, uint64_t p, uint64_t seed, uint64_t gen);
/* 0 when the page-sized @buf holds page @p's contents, else 1. */
int svm_check_page(const char *buf, uint64_t p, uint64_t seed, uint64_t gen);
long free_kb(void);
/*
 * free_kb() once it lies within [@lo, @hi], or its last value after ten
 * seconds. Freed memory reaches the free lists late: RCU callbacks, the
 * vmalloc purge, KASAN's quarantine, pages still being written back. Each
 * poll drops clean caches first, so that they do not count either way.
 */
long free_kb_within(long lo, long hi);
/* Reads a whole (small) file into @buf, NUL-terminated; returns length or -errno. */
long read_file(const char *path, char *buf, size_t size);
/* The value of "Key:" in a "Key: value" file such as debugfs meminfo, or -1. */
long long keyed_value(const char *text, const char *key);
/* Opens /dev/kmsg positioned after the newest record. */
int kmsg_open(void);
/* Whether a record newer than kmsg_open() contains @needle; consumes records. */
int kmsg_contains(int fd, const char *needle);
/* Writes @val to @path in one write(); returns 0 or -errno. */
int write_file(const char *path, const char *val);
/* The module instance's debugfs bench file. */
#define SVM_BENCH_FILE "/sys/kernel/debug/shadowvm/shadowvm/bench"
/*
 * Runs one bench command (see Documentation/debugfs.rst) and reads its
 * result line into @res; returns 0 or -errno.
 */
int svm_bench_cmd(const char *cmd, char *res, size_t len);
/*
 * Runs in-kernel bench case @name and prints its line with
 * svm_bench_report(): cycles per operation (fractional), ratio shadow/native,
 * so below 1 means shadowvm is faster. Returns 0 or -errno.
 */
int svm_bench_print(const char *name, unsigned long iters, unsigned int reps);
/* Where svm_trace_run() keeps its data, report and log. */
#define SVM_TRACE_DAT		"/tmp/svm-trace.dat"
#define SVM_TRACE_REPORT	"/tmp/svm-trace.txt"
#define SVM_TRACE_LOG		"/tmp/svm-trace.log"
/*
 * Records trace-cmd @events (e.g. "-e shadowvm") while `sh -c @shell` runs,
 * then writes the text report; returns 0, the failing command's status
 * (its output is in SVM_TRACE_LOG) or -ENAMETOOLONG. A recording with no
 * shadowvm event in it is made again, up to three times in all.
 */
int svm_trace_run(const char *events, const char *shell);
/* Lines of the last report holding @event and, unless NULL, @also. */
long svm_trace_count(const char *event, const char *also);
/* The value of "key value" in a /proc/vmstat-style text, or -1. */
long long spaced_value(const char *text, const char *key);
/* The module instance's debugfs vmstat file. */
#define SVM_VMSTAT_FILE "/sys/kernel/debug/shadowvm/shadowvm/vmstat"
/* One counter of SVM_VMSTAT_FILE, or -1. */
long long svm_vmstat(const char *key);
/*
 * Opens /dev/shadowvm with @flags; with @private, turns the descriptor into
 * a new private object; with @size non-zero, sets the object's size.
 * Returns the descriptor or -errno.
 */
int svm_object_open(int flags, int private, unsigned long long size);
/* Repetitions of every bench line: at least, and at most. */
#define SVM_BENCH_MIN_REPS	5
#define SVM_BENCH_MAX_REPS	31
/* Median of @n values (sorts @v). */
double svm_median(double *v, int n);
/* The smallest, middle and largest of some repetitions. */
struct svm_spread {
	double min, median, max;
};

/* The spread of @n values (@v is left as it is; 1 <= @n <= SVM_BENCH_MAX_REPS). */
void svm_spread(const double *v, int n, struct svm_spread *s);
/*
 * Prints one bench line from @reps paired repetitions (shadow[i] and
 * native[i] ran back to back, in alternating order):
 *   BENCH <name> ratio=<median of shadow[i]/native[i]> shadow=<median>
 *         native=<median> unit=<unit> reps=<n> ratio_min= ratio_max=
 *         shadow_min= shadow_median= shadow_max= native_min= ...
 * Returns 0, or -EINVAL for too few repetitions or a figure not above 0.
 */
int svm_bench_report(const char *name, const double *shadow,
		     const double *native, int reps, const char *unit);
/*
 * svm_bench_report() for two configurations of shadowvm: the figures are
 * keyed @a_key and @b_key instead of shadow and native, the ratio is
 * @a / @b, and @a may be 0 (a count that vanished). Returns 0 or -EINVAL.
 */
int svm_bench_report_pair(const char *name, const double *a,
			  const double *b, int reps, const char *unit,
			  const char *a_key, const char *b_key);
/* The seed of the bench's random orders: $BENCH_SEED, else the clock. */
unsigned long long svm_bench_seed(void);
/* The next value of a splitmix64 generator at @state. */
unsigned long long svm_rand64(unsigned long long *state);
/* Fills @v with a random permutation of 0..@n-1 drawn from @state. */
void svm_shuffle(unsigned long *v, unsigned long n, unsigned long long *state);
/*
 * CPU time the whole guest has spent busy (user, nice, system, irq and
 * softirq of /proc/stat), in seconds, or -1.
 */
double svm_cpu_busy(void);
/* Monotonic clock in seconds. */
double svm_now(void);
/* Free memory after an unload must be within this of the baseline. */
#define SVM_MEMFREE_TOLERANCE_KB (2 * 1024)

/*
 * Runs one access in a child: reads (or writes when @write) the byte at
 * @addr. Returns the signal that killed the child, 0 when it survived,
 * -1 when the child could not be run.
 */
int access_signal(unsigned char *addr, int write);

/* The module instance's debugfs meminfo and swapinfo files. */
#define SVM_MEMINFO_FILE "/sys/kernel/debug/shadowvm/shadowvm/meminfo"
#define SVM_SWAPINFO_FILE "/sys/kernel/debug/shadowvm/shadowvm/swapinfo"
/* One counter of SVM_SWAPINFO_FILE, or -1. */
long long svm_swapinfo(const char *key);
/*
 * Shadow pages allocated and not freed: the pgalloc_* totals of
 * SVM_VMSTAT_FILE minus pgfree.
 */
long long svm_outstanding_pages(void);
/*
 * The four BadFrees counters of SVM_MEMINFO_FILE (not allocated, wrong
 * order, foreign page, still in use) into @v; returns their sum or -1.
 */
long long svm_bad_frees(long long v[4]);
/* The module instance's id, InstanceId in SVM_MEMINFO_FILE, or -1. */
long svm_instance_id(void);
/*
 * Writes into @buf what a trace report line of an event of the module
 * instance holds: " instance=<svm_instance_id()> " then @field (e.g.
 * "zone="), for svm_trace_count(). The leading space keeps instance 1
 * from matching instance 11. Returns 0, or -1 when the id is unknown.
 */
int svm_trace_instance(char *buf, size_t len, const char *field);
/*
 * Counts the records newer than kmsg_open() that contain any of the
 * NULL-terminated @needles, printing the first @print of them as
 * "# kmsg: <record>"; consumes records.
 */
int kmsg_grep(int fd, const char *const *needles, int print);

#endif
