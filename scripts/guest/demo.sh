#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for `make demo`: load shadowvm with its defaults, show
# what it made, prove it holds on while in use, unload, show that all the
# memory came back.
D=/sys/kernel/debug/shadowvm/shadowvm
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
free_kb() {	# MemFree plus the pages parked on per-CPU lists
	awk '/^MemFree:/ { f = $2 } /^ +count:/ { p += $2 }
	     END { print f + p * 4 }' /proc/meminfo /proc/zoneinfo
}

# The first module load of a boot parses the kernel's BTF: do it once first
# so that the before/after figures compare like with like.
insmod /guest/shadowvm.ko mem=4096 && rmmod shadowvm
before=$(free_kb)

say "insmod shadowvm.ko with its default parameters"
insmod /guest/shadowvm.ko || exit 1
for p in /sys/module/shadowvm/parameters/*; do
	echo "$(basename "$p")=$(cat "$p")"
done
dmesg | grep 'shadowvm:' | tail -n 1
loaded=$(free_kb)
echo "free memory now: $loaded KiB (shadowvm took $((before - loaded)) KiB)"

say "the device and the debugfs files"
ls -l /dev/shadowvm
ls -l $D/

say "$D/meminfo"
cat $D/meminfo

say "$D/chunks (first lines)"
head -n 6 $D/chunks

say "svminfo (SHADOWVM_IOC_GET_INFO)"
/guest/tools/svminfo

say "rmmod while /dev/shadowvm is open is refused"
exec 3< /dev/shadowvm
rmmod shadowvm && { echo "unexpected: rmmod succeeded"; exit 1; }
exec 3<&-

say "rmmod shadowvm"
rmmod shadowvm || exit 1
dmesg | grep 'shadowvm:' | tail -n 1
after=$(free_kb)
echo "free memory: $before KiB before, $after KiB after (difference $((after - before)) KiB)"
