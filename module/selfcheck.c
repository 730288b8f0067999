// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm self-check reporting, the interface every checker reports
 * through (include/shadowvm/selfcheck.h). It depends on nothing of the
 * subsystems it serves, so that each can report while the debugfs code
 * above them runs the checks.
 */
#include <linux/delay.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include <shadowvm/selfcheck.h>

/**
 * svm_selfcheck_report() - count a violation and print its line
 * @sc: the check in progress
 * @fmt: printf format of the line, ending in a newline
 *
 * Only the first SVM_SELFCHECK_MAX_LINES lines are printed; a confirming
 * pass (@sc->quiet) counts and prints nothing.
 *
 * Context: any context; the checkers call it under their spinlocks.
 */
void svm_selfcheck_report(struct svm_selfcheck *sc, const char *fmt, ...)
{
	va_list args;

	if (sc->quiet) {
		sc->violations++;
		return;
	}
	sc->violations++;
	if (!sc->m || sc->printed >= SVM_SELFCHECK_MAX_LINES)
		return;
	sc->printed++;
	va_start(args, fmt);
	seq_vprintf(sc->m, fmt, args);
	va_end(args);
}
EXPORT_SYMBOL_IF_KUNIT(svm_selfcheck_report);

/* Passes of a confirmed check, and the pause between them. */
#define SVM_SELFCHECK_TRIES	8
#define SVM_SELFCHECK_PAUSE_MS	10

/**
 * svm_selfcheck_confirm() - run a check that no lock can make exact
 * @sc: the check in progress
 * @svm: the instance
 * @check: a checker comparing counters that are updated outside the
 *         locks of what they count
 *
 * @check runs quietly up to SVM_SELFCHECK_TRIES times,
 * SVM_SELFCHECK_PAUSE_MS apart; a pass that finds nothing ends it. Only
 * when every pass found something does a last pass report what it finds.
 * A counter lagging its structure for a moment is thereby not reported,
 * while a wrong one, which stays wrong, is; under a load that keeps
 * changing the counted structure on every pass a transient may still
 * show, which a read on a quiet instance settles.
 *
 * Context: process context; sleeps.
 */
void svm_selfcheck_confirm(struct svm_selfcheck *sc, struct svm_instance *svm,
			   void (*check)(struct svm_instance *svm,
					 struct svm_selfcheck *sc))
{
	unsigned long found = sc->violations;
	bool quiet = sc->quiet;
	int i;

	sc->quiet = true;
	for (i = 0; i < SVM_SELFCHECK_TRIES; i++) {
		unsigned long before = sc->violations;

		check(svm, sc);
		if (sc->violations == before)
			break;
		msleep(SVM_SELFCHECK_PAUSE_MS);
	}
	sc->quiet = quiet;
	sc->violations = found;
	if (i == SVM_SELFCHECK_TRIES)
		check(svm, sc);
}
EXPORT_SYMBOL_IF_KUNIT(svm_selfcheck_confirm);
