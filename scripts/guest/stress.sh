#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for `make stress` (scripts/stress): long runs of
# integrity_test, the fuzzer with several seeds, and the fuzzer under
# fault injection. Each run is framed as a test program of check.sh,
#   SVMTEST-BEGIN <name> / TAP / SVMTEST-END <name> rc=<n>
# so that scripts/parse-results counts it, and reports its figures as
#   METRIC <name> <number>
# lines that scripts/stress adds up into its RELIABILITY lines.
#
# Usage: stress.sh KERNEL INTEGRITY_SECONDS FUZZ_SECONDS INJECT_SECONDS
# (stock runs integrity_test only).
kernel=$1
integrity_s=$2
fuzz_s=${3:-0}
inject_s=${4:-0}
export SHADOWVM_KO=/guest/shadowvm.ko
D=/sys/kernel/debug/shadowvm/shadowvm
K=/sys/kernel/debug
FUZZ=/guest/tools/svm_fuzz
TIMES=1000000
status=0

free_kb() {	# MemFree plus the pages parked on per-CPU lists
	# Empty kernel slabs and KASAN's quarantine are not the module's.
	echo 3 > /proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f"; done 2>/dev/null
	awk '/^MemFree:/ { f = $2 } /^ +count:/ { p += $2 }
	     END { print f + p * 4 }' /proc/meminfo /proc/zoneinfo
}
metric() { echo "METRIC $1 $2"; }
svm_vmstat() { awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$D/vmstat"; }
bad_frees() { awk '/^BadFrees:/ { print $2 + $3 + $4 + $5 }' "$D/meminfo"; }
io_errors() { awk '$1 == "io_errors" { v = $2 } END { print v + 0 }' "$D/swapinfo"; }
# Failures a fault_attr injected since arm: what its `times` counted down.
injected() { echo $((TIMES - $(cat "$1/times"))); }
arm() {	# arm DIR PERCENT
	echo 0 > "$1/verbose" && echo 1 > "$1/interval" &&
		echo $TIMES > "$1/times" && echo "$2" > "$1/probability"
}

# The first load of a boot parses BTF, the first fuzzing grows the
# kernel's caches of sockets, files and VMAs: both before the baseline.
insmod $SHADOWVM_KO mem=1M && $FUZZ --seed 1 --seconds 2 --procs 2 > /dev/null
rmmod shadowvm
base_kb=$(free_kb)

echo "SVMTEST-BEGIN integrity_test"
INTEGRITY_SECONDS=$integrity_s /guest/tests/integrity_test > /tmp/out 2>&1
rc=$?
cat /tmp/out
echo "SVMTEST-END integrity_test rc=$rc"
[ $rc -eq 0 ] || status=1
grep -q '^shadowvm ' /proc/modules && rmmod shadowvm
awk '/bytes verified/ {
	for (i = 1; i <= NF; i++) {
		if ($(i + 1) == "bytes" && $(i + 2) == "verified,") b += $i
		if ($(i + 1) == "mismatching") m += $i
	}
} END { printf "METRIC pages_verified %d\nMETRIC mismatches %d\n", b / 4096, m }' /tmp/out
metric sigbus_on_read_error "$(awk '/sigbus_on_read_error/ { v += $NF } END { print v + 0 }' /tmp/out)"

# One loaded run of the fuzzer, as a TAP test named $1; the rest of the
# arguments are the fuzzer's. The books are read before the unload.
n=0
fuzz_case() {	# fuzz_case NAME PRE_HOOK POST_HOOK FUZZ_ARGS...
	name=$1 pre=$2 post=$3
	shift 3
	n=$((n + 1))
	ok=ok
	insmod $SHADOWVM_KO mem=8M swapdev=/dev/vda swapdev_format=1 || ok="not ok"
	$pre || ok="not ok"
	$FUZZ "$@" > /tmp/fuzz 2>&1 || ok="not ok"
	$post || ok="not ok"
	sed 's/^/# /' /tmp/fuzz
	awk '$1 == "fuzz_calls" { print "METRIC fuzz_calls " $2 }' /tmp/fuzz
	leak=$(svm_vmstat pgcache_leak)
	bad=$(bad_frees)
	metric pgcache_leak "$leak"
	metric bad_frees "$bad"
	metric io_errors_injected "$(io_errors)"
	metric sigbus_on_read_error "$(svm_vmstat pgfault_eio)"
	metric oom_kills "$(svm_vmstat oom_kill)"
	[ "$leak" = 0 ] && [ "$bad" = 0 ] || ok="not ok"
	rmmod shadowvm || ok="not ok"
	echo "$ok $n $name"
	[ "$ok" = ok ] || status=1
}

none() { :; }
shadow_arm() { arm $D/fail_page_alloc 5 && arm $D/fail_slab 20; }
shadow_disarm() {
	echo 0 > $D/fail_page_alloc/probability &&
		echo 0 > $D/fail_slab/probability &&
		metric alloc_failures_injected $(($(injected $D/fail_page_alloc) + $(injected $D/fail_slab)))
}
# The kernel's own attributes, on the fuzzer's tasks only (make-it-fail,
# inherited over fork), and only for allocations shadowvm's code asks for:
# the stack trace filter requires a return address in the module's text
# (from its first to its last function in /proc/kallsyms; addresses of
# one width compare as strings). The module's native allocations fail;
# the kernel's own on the same system calls (seq_file buffers, a
# vmalloc's area) do not, so their allocation-failure reports, which are
# not shadowvm's to handle, do not appear. User pages are highmem
# allocations, which fail_page_alloc leaves alone by default.
module_text() {	# module_text first|last
	awk '$4 == "[shadowvm]" && ($2 == "t" || $2 == "T") { print $1 }' \
		/proc/kallsyms | sort | if [ "$1" = first ]; then head -n 1; else tail -n 1; fi
}
kernel_filter() {	# kernel_filter DIR
	echo 0x"$(module_text first)" > "$1/require-start" &&
		echo 0x"$(module_text last)" > "$1/require-end" &&
		echo 32 > "$1/stacktrace-depth"
}
kernel_arm() {
	echo Y > $K/failslab/task-filter && echo Y > $K/fail_page_alloc/task-filter &&
		echo N > $K/failslab/ignore-gfp-wait &&
		echo N > $K/fail_page_alloc/ignore-gfp-wait &&
		kernel_filter $K/failslab && kernel_filter $K/fail_page_alloc &&
		arm $K/failslab 2 && arm $K/fail_page_alloc 2
}
kernel_disarm() {
	echo 0 > $K/failslab/probability &&
		echo 0 > $K/fail_page_alloc/probability &&
		for a in failslab fail_page_alloc; do
			echo 0 > $K/$a/require-start &&
				echo 0xffffffffffffffff > $K/$a/require-end || return 1
		done &&
		metric alloc_failures_injected $(($(injected $K/failslab) + $(injected $K/fail_page_alloc)))
}
# The kernel's fail_make_request on the swap device only, armed once the
# load has written its header: swap writes and reads fail at random. The
# fuzzer alone seldom needs swap, so svmtouch runs beside it over and over,
# three times the instance's memory each: its reads of pages whose slot
# failed end in SIGBUS (the run ends, the next one starts), a wrong page
# makes it exit 1, which fails the case.
io_arm() {
	rm -f /tmp/io_stop /tmp/io_bad
	echo 1 > /sys/block/vda/make-it-fail && echo N > $K/fail_make_request/task-filter &&
		arm $K/fail_make_request 2 || return 1
	(
		while [ ! -f /tmp/io_stop ]; do
			/guest/tools/svmtouch 24 > /dev/null 2>&1
			[ $? -ne 1 ] || echo "svmtouch exited 1" >> /tmp/io_bad
		done
	) &
	io_pid=$!
}
io_disarm() {
	touch /tmp/io_stop
	wait $io_pid
	echo 0 > $K/fail_make_request/probability && echo 0 > /sys/block/vda/make-it-fail
	[ ! -f /tmp/io_bad ] || { sed 's/^/# /' /tmp/io_bad; return 1; }
}

if [ "$kernel" = debug ] && [ "$fuzz_s" -gt 0 ]; then
	echo "SVMTEST-BEGIN stress_fuzz"
	per=$((fuzz_s / 3))
	[ $per -ge 1 ] || per=1
	for seed in 101 102 103; do
		fuzz_case "fuzz seed $seed" none none --seed $seed --seconds $per --procs 4
	done
	echo "SVMTEST-END stress_fuzz rc=0"

	echo "SVMTEST-BEGIN stress_inject"
	per=$((inject_s / 3))
	[ $per -ge 1 ] || per=1
	if [ -d $K/fail_page_alloc ]; then
		fuzz_case "shadow fail_page_alloc+fail_slab seed 201" shadow_arm shadow_disarm \
			--seed 201 --seconds $per --procs 4
		# Only the fuzzing processes fail (svm_fuzz --make-it-fail).
		# No bench writes: their native kmem_cache_create() failing in
		# SLUB's sysfs_slab_add() leaks the kobject's name in the
		# kernel, not here.
		FUZZ="env SVM_FUZZ_NO_BENCH=1 /guest/tools/svm_fuzz --make-it-fail"
		fuzz_case "kernel failslab+fail_page_alloc task-filtered seed 202" kernel_arm kernel_disarm \
			--seed 202 --seconds $per --procs 4
		FUZZ=/guest/tools/svm_fuzz
		# No bench writes either: under svmtouch's pressure a bench run
		# holds the bench mutex for minutes, and every fuzzing process
		# that writes "bench" waits for it (see reliability.rst).
		FUZZ="env SVM_FUZZ_NO_BENCH=1 /guest/tools/svm_fuzz"
		fuzz_case "kernel fail_make_request on the swap device seed 203" io_arm io_disarm \
			--seed 203 --seconds $per --procs 4
		FUZZ=/guest/tools/svm_fuzz
	else
		n=$((n + 1))
		echo "not ok $n the debug kernel has no fault injection"
		status=1
	fi
	echo "SVMTEST-END stress_inject rc=0"
fi

# Every page back once everything is unloaded, within the tolerance of
# the tests (SVM_MEMFREE_TOLERANCE_KB: the kernel's own caches move too).
echo "SVMTEST-BEGIN stress_unload"
after_kb=$(free_kb)
leaked=$(((base_kb - after_kb) / 4))
[ $leaked -gt 0 ] || leaked=0
metric pages_leaked_after_unload $leaked
echo "# free: $base_kb KiB before, $after_kb KiB after"
if [ $leaked -le 512 ]; then
	echo "ok 1 every page back after unload"
else
	echo "not ok 1 every page back after unload: $leaked pages short"
	status=1
fi
echo "SVMTEST-END stress_unload rc=0"

if [ -f $K/kmemleak ]; then
	echo scan > $K/kmemleak
	sleep 1
	echo scan > $K/kmemleak
	cat $K/kmemleak > /dev/console
fi
exit $status
