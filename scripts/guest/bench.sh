#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for `make bench`: every program in /guest/bench measures
# shadowvm against the native kernel in this same boot and prints lines
#   BENCH <name> ratio=<shadow/native> shadow=<n> native=<n> unit=<unit>
# Programs find shadowvm.ko in $SHADOWVM_KO and load it themselves. An
# argument runs only the programs whose name contains it.
export SHADOWVM_KO=/guest/shadowvm.ko
status=0
n=0
for b in /guest/bench/*; do
	[ -x "$b" ] || continue
	case ${b##*/} in *"${1:-}"*) ;; *) continue ;; esac
	n=$((n + 1))
	"$b" || status=1
done
echo "bench: $n benchmark programs"
exit $status
