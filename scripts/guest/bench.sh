#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for `make bench`: every program in /guest/bench measures
# shadowvm against the native kernel in this same boot and prints lines
#   BENCH <name> ratio=<median shadow/native> shadow=<median> native=<median>
#         unit=<unit> reps=<n> ratio_min=... (see Documentation/performance.rst)
# Programs find shadowvm.ko in $SHADOWVM_KO and load it themselves.
# Arguments: a substring (only the programs whose name contains it run; ""
# for all), and the seed of the random orders (BENCH_SEED).
export SHADOWVM_KO=/guest/shadowvm.ko
export BENCH_SEED=${2:-}
status=0
n=0

# The native side's read-ahead: swap_bench gives shadowvm the same maximum.
echo 3 > /proc/sys/vm/page-cluster

# What changes the native side, printed once with the figures.
bracketed() { sed -n 's/.*\[\(.*\)\].*/\1/p' "$1" 2>/dev/null; }
heap=$(dmesg | sed -n 's/.*mem auto-init:.*heap alloc:\([a-z]*\).*/\1/p' | tail -n 1)
case " $(cat /proc/cmdline) " in *" slab_nomerge "*) nomerge=yes ;; *) nomerge=no ;; esac
echo "SETTINGS init_on_alloc=${heap:-unknown}" \
	"thp_enabled=$(bracketed /sys/kernel/mm/transparent_hugepage/enabled)" \
	"shmem_enabled=$(bracketed /sys/kernel/mm/transparent_hugepage/shmem_enabled)" \
	"page_cluster=$(cat /proc/sys/vm/page-cluster)" \
	"fault_around_bytes=$(cat /sys/kernel/debug/fault_around_bytes 2>/dev/null || echo unknown)" \
	"slab_nomerge=$nomerge" \
	"cpus=$(grep -c ^processor /proc/cpuinfo)"
echo "bench: seed=${BENCH_SEED:-clock}"

for b in /guest/bench/*; do
	[ -x "$b" ] || continue
	case ${b##*/} in *"${1:-}"*) ;; *) continue ;; esac
	n=$((n + 1))
	"$b" || status=1
done
echo "bench: $n benchmark programs"
exit $status
