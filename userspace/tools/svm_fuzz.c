// SPDX-License-Identifier: GPL-2.0
/*
 * svm_fuzz - throw random and boundary system calls at /dev/shadowvm.
 *
 * Usage: svm_fuzz [--seed N] [--seconds S] [--procs P]
 *
 * P processes (default 4) fuzz for S seconds (default 10) with streams of
 * operations seeded from N (default: the time); see userspace/lib/svm_fuzz.c
 * for what they do. Prints "seed N" first, then "fuzz_calls N",
 * "fuzz_signals N", and "selfcheck " followed by what debugfs selfcheck
 * says. Exit status: 0 when every process exited normally and selfcheck
 * says "ok", 1 otherwise, 2 on a usage error. A failing run is replayed
 * with the seed it printed (Documentation/reliability.rst).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "svm_fuzz.h"

static void bad_usage(void)
{
	fprintf(stderr, "usage: svm_fuzz [--seed N] [--seconds S] [--procs P] [--make-it-fail]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long seed = (unsigned long long)time(NULL);
	struct svm_fuzz_result res;
	double seconds = 10;
	int procs = 4, i, fail_fd = -1;
	char check[4096];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--make-it-fail")) {
			/*
			 * The kernel's fault injection, task-filtered, for the
			 * fuzzing processes only (they inherit the flag): set
			 * once this program is loaded and running, and cleared
			 * through a descriptor opened beforehand, so that
			 * neither needs an allocation that could fail.
			 */
			fail_fd = open("/proc/self/make-it-fail", O_WRONLY);
			if (fail_fd < 0) {
				perror("svm_fuzz: /proc/self/make-it-fail");
				return 2;
			}
			continue;
		}
		if (i + 1 >= argc)
			bad_usage();
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--procs"))
			procs = atoi(argv[++i]);
		else
			bad_usage();
	}
	if (procs < 1 || procs > 64 || seconds < 0)
		bad_usage();
	printf("seed %llu\n", seed);
	if (fail_fd >= 0 && write(fail_fd, "1", 1) != 1) {
		perror("svm_fuzz: make-it-fail");
		return 2;
	}
	i = svm_fuzz_run(seed, seconds, procs, &res);
	if (fail_fd >= 0 && pwrite(fail_fd, "0", 1, 0) != 1)
		perror("svm_fuzz: make-it-fail");
	if (i) {
		fprintf(stderr, "svm_fuzz: cannot start the processes: %s\n",
			strerror(-i));
		return 1;
	}
	printf("fuzz_calls %lu\n", res.calls);
	printf("fuzz_signals %lu\n", res.signals);
	if (res.died)
		printf("fuzz_died %d\n", res.died);
	if (res.killed)
		printf("fuzz_oom_killed %d\n", res.killed);
	if (svm_fuzz_selfcheck(check, sizeof(check)) < 0) {
		printf("selfcheck unreadable\n");
		return 1;
	}
	printf("selfcheck %s", check);
	return !res.died && !strcmp(check, "ok\n") ? 0 : 1;
}
