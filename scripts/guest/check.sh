#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (see scripts/vm): KUnit suites when the kernel has KUnit,
# then every userspace test program. Each block of results is framed by
# marker lines that scripts/check parses:
#   SVMKUNIT-BEGIN <suite> / SVMKUNIT-END <suite>     KTAP from debugfs
#   SVMTEST-BEGIN <test> / SVMTEST-END <test> rc=<n>  TAP from the program
# Usage: check.sh KERNEL [SUITE...]; with SUITEs, only those run.
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

for t in /guest/tests/*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	selected "$name" || continue
	echo "SVMTEST-BEGIN $name"
	"$t" > /tmp/out 2>&1
	rc=$?
	cat /tmp/out
	echo "SVMTEST-END $name rc=$rc"
	[ $rc -eq 0 ] || status=1
	# A test killed by its timeout skips its teardown: unload here so
	# that its failure does not become the next program's.
	if grep -q '^shadowvm ' /proc/modules; then
		echo "check: $name left shadowvm loaded; unloading it"
		rmmod shadowvm || status=1
	fi
done

# Leaks: two scans, as kmemleak's documentation advises, then the report
# goes to the kernel console where scripts/vm looks for it.
if [ -f /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > /dev/console
fi
exit $status
