// SPDX-License-Identifier: GPL-2.0
/*
 * workingset_test - refault detection for swapped pages: pages read back
 * from swap soon after their eviction start on the active list.
 *
 * The default object of an 8 MiB instance with swap is filled with 12 MiB
 * of patterned pages, then its two halves are read in turn by dd, each
 * half evicting the other, and its first half three times over. Every
 * page read back from a slot its eviction left a shadow on is a refault;
 * those whose refault distance is within the active list are activated.
 * Traced, each refault shows its distance and the active list it was held
 * against. Every page keeps its data, and emptying the object frees the
 * slots and their shadows.
 *
 * Run as root in a guest with $SHADOWVM_KO naming the module, /dev/vda a
 * scratch disk and shadowvm not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/shadowvm.h>

#include "kselftest_harness.h"
#include "svm_test.h"

#define PG		((unsigned long)sysconf(_SC_PAGESIZE))
#define MEM_MB		8
/* The object: one and a half times shadow memory. */
#define PAGES		(3UL * (MEM_MB << 20) / PG / 2)
#define SEED		0x5eedUL
/* Each half of the object, read by dd in 64 KiB blocks. */
#define HALF_BLOCKS	(PAGES * PG / 2 / 65536)
#define DD		"dd if=/dev/shadowvm of=/dev/null bs=64k 2>/dev/null"

FIXTURE(workingset) {
	int fd;
};

FIXTURE_SETUP(workingset)
{
	char params[128];

	ASSERT_FALSE(svm_loaded());
	snprintf(params, sizeof(params),
		 "mem=%dM swapdev=/dev/vda swapdev_format=1", MEM_MB);
	ASSERT_EQ(0, svm_load(params));
	self->fd = open("/dev/shadowvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	unlink(SVM_TRACE_DAT);
}

FIXTURE_TEARDOWN(workingset)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_EQ(0, svm_unload());
}

/* Wait (10 s at most) for slots in use to drain after a truncation. */
static long long slots_drained(void)
{
	int i;

	for (i = 0; i < 500 && svm_swapinfo("slots_inuse"); i++)
		usleep(20000);
	return svm_swapinfo("slots_inuse");
}

/*
 * Reads the module instance's svm_workingset_refault events of the last
 * recording: counts them, the activated ones, and the ones whose decision
 * does not follow the rule (activated exactly when distance <= active);
 * keeps the smallest and largest distance.
 */
struct refaults {
	long events, activated, wrong;
	unsigned long dmin, dmax, amax;
};

static int read_refaults(struct refaults *r)
{
	char line[1024], nid[64];
	FILE *f;

	memset(r, 0, sizeof(*r));
	r->dmin = ~0UL;
	/* Only the module instance's events: the counters are its own. */
	if (svm_trace_instance(nid, sizeof(nid), "nid="))
		return -1;
	f = fopen(SVM_TRACE_REPORT, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long distance, active;
		const char *p;
		int activated;

		if (!strstr(line, "svm_workingset_refault:") ||
		    !strstr(line, nid))
			continue;
		p = strstr(line, "distance=");
		if (!p || sscanf(p, "distance=%lu active=%lu activated=%d",
				 &distance, &active, &activated) != 3) {
			r->wrong++;
			continue;
		}
		r->events++;
		r->activated += activated;
		r->wrong += activated != (distance <= active);
		if (distance < r->dmin)
			r->dmin = distance;
		if (distance > r->dmax)
			r->dmax = distance;
		if (active > r->amax)
			r->amax = active;
	}
	fclose(f);
	return 0;
}

TEST_F_TIMEOUT(workingset, refaults_activate, 900)
{
	long long refault0, activate0, refaults, activations, shadows;
	unsigned long long zero = 0;
	char *buf = malloc(PG);
	char sweep[768];
	struct refaults r;
	unsigned long p;
	long bad = 0;

	ASSERT_NE(NULL, buf);
	for (p = 0; p < PAGES; p++) {
		svm_fill_page(buf, p, SEED, 1);
		ASSERT_EQ((ssize_t)PG, pwrite(self->fd, buf, PG, p * PG));
	}
	/* Half the object at least went out to make room for the rest. */
	EXPECT_LT((long long)PAGES / 4, svm_vmstat("pswpout"));
	/*
	 * First half, second, first, second: each evicts the other. Then
	 * the first half three times: it fits in memory, not in the
	 * inactive list beside what the other half left active, so it
	 * refaults at distances within the active list.
	 */
	snprintf(sweep, sizeof(sweep),
		 "%s count=%lu; %s skip=%lu count=%lu; %s count=%lu; %s skip=%lu count=%lu; for i in 1 2 3; do %s count=%lu; done",
		 DD, HALF_BLOCKS, DD, HALF_BLOCKS, HALF_BLOCKS, DD, HALF_BLOCKS,
		 DD, HALF_BLOCKS, HALF_BLOCKS, DD, HALF_BLOCKS);
	refault0 = svm_vmstat("workingset_refault");
	activate0 = svm_vmstat("workingset_activate");

	ASSERT_EQ(0, svm_trace_run("-e shadowvm:svm_workingset_refault",
				   sweep));
	refaults = svm_vmstat("workingset_refault") - refault0;
	activations = svm_vmstat("workingset_activate") - activate0;
	ASSERT_EQ(0, read_refaults(&r));
	ksft_print_msg("%lu pages, %lld refaults, %lld activated; traced %ld (%ld activated), distance %lu..%lu, active list up to %lu\n",
		       PAGES, refaults, activations, r.events, r.activated,
		       r.dmin, r.dmax, r.amax);
	/* Each half came back from swap after the other pushed it out. */
	EXPECT_LT((long long)PAGES / 4, refaults);
	EXPECT_LT(0, activations);
	EXPECT_GE(refaults, activations);
	/* The events are the counters, and each follows the rule. */
	EXPECT_EQ(refaults, r.events);
	EXPECT_EQ(activations, r.activated);
	EXPECT_EQ(0, r.wrong);

	for (p = 0; p < PAGES; p++) {
		ASSERT_EQ((ssize_t)PG, pread(self->fd, buf, PG, p * PG));
		bad += svm_check_page(buf, p, SEED, 1);
	}
	EXPECT_EQ(0, bad);
	free(buf);
	/* Pages out on swap now keep shadows, until their slots are freed. */
	shadows = svm_vmstat("workingset_shadows");
	EXPECT_LT(0, shadows);
	EXPECT_GE(svm_swapinfo("slots_inuse"), shadows);
	ASSERT_EQ(0, ioctl(self->fd, SHADOWVM_IOC_SET_SIZE, &zero));
	EXPECT_EQ(0, slots_drained());
	EXPECT_EQ(0, svm_vmstat("workingset_shadows"));
}

TEST_HARNESS_MAIN
