#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (see scripts/vm): KUnit suites when the kernel has KUnit,
# then every userspace test program. Each block of results is framed by
# marker lines that scripts/check parses:
#   SVMKUNIT-BEGIN <suite> / SVMKUNIT-END <suite>     KTAP from debugfs
#   SVMTEST-BEGIN <test> / SVMTEST-END <test> rc=<n>  TAP from the program
# Usage: check.sh KERNEL [SUITE...]; with SUITEs, only those run.
# /guest/policy-runs, when present, lists "<test> <policy>" pairs: each
# test runs again with the module loaded with policy=<policy>, as the
# suite <test>@<policy>.
kernel=$1
shift
selected() {
	[ -z "$SUITES" ] && return 0
	for s in $SUITES; do [ "$s" = "$1" ] && return 0; done
	return 1
}
SUITES="$*"
export SHADOWVM_KO=/guest/shadowvm.ko
status=0

if [ -f /guest/shadowvm_kunit.ko ]; then
	if insmod /guest/shadowvm.ko mem=16M; then
		insmod /guest/shadowvm_kunit.ko || status=1
		for d in /sys/kernel/debug/kunit/*/; do
			suite=$(basename "$d")
			case "$suite" in shadowvm*) ;; *) continue ;; esac
			selected "$suite" || continue
			echo "SVMKUNIT-BEGIN $suite"
			cat "$d/results"
			echo "SVMKUNIT-END $suite"
		done
		rmmod shadowvm_kunit || status=1
		rmmod shadowvm || status=1
	else
		echo "check: cannot load shadowvm for KUnit"
		status=1
	fi
fi

run_test() {	# run_test PROGRAM SUITE-NAME
	echo "SVMTEST-BEGIN $2"
	"$1" > /tmp/out 2>&1
	rc=$?
	cat /tmp/out
	echo "SVMTEST-END $2 rc=$rc"
	[ $rc -eq 0 ] || status=1
	# A test killed by its timeout skips its teardown: unload here so
	# that its failure does not become the next program's.
	if grep -q '^shadowvm ' /proc/modules; then
		echo "check: $2 left shadowvm loaded; unloading it"
		rmmod shadowvm || status=1
	fi
}

for t in /guest/tests/*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	selected "$name" || continue
	run_test "$t" "$name"
done

# The reclaim and swap tests again under the other replacement policies
# (svm_load() puts $SHADOWVM_PARAMS before each test's own parameters).
if [ -f /guest/policy-runs ]; then
	while read -r name policy; do
		[ -x "/guest/tests/$name" ] || continue
		selected "$name@$policy" || continue
		SHADOWVM_PARAMS="policy=$policy" \
			run_test "/guest/tests/$name" "$name@$policy"
	done < /guest/policy-runs
fi

# Leaks: two scans, as kmemleak's documentation advises, then the report
# goes to the kernel console where scripts/vm looks for it.
if [ -f /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > /dev/console
fi
exit $status
