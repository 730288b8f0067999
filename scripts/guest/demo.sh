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
insmod /guest/shadowvm.ko mem=1M && rmmod shadowvm
# Likewise, the first trace-cmd run allocates the kernel's ring buffers.
trace-cmd record -q -e sched:sched_switch -o /tmp/warm.dat true >/dev/null 2>&1
rm -f /tmp/warm.dat
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

say "the shadow zones: $D/buddyinfo (free blocks per order, as /proc/buddyinfo)"
cat $D/buddyinfo
say "watermarks ($D/zoneinfo, Normal zone)"
awk '/zone +Normal/ { p = 1 } p && /pages free|min|low|high|managed/ { print } /pagesets/ { p = 0 }' \
	$D/zoneinfo

say "a workload: 1000 order-3 allocations and frees, traced with trace-cmd"
trace-cmd record -q -e shadowvm -o /tmp/demo.dat \
	sh -c "echo 'buddy_order3 500 1' > $D/bench" > /dev/null 2>&1
trace-cmd report -i /tmp/demo.dat 2>/dev/null > /tmp/demo.txt
grep -m 4 'svm_page_' /tmp/demo.txt | sed 's/^ *//' | cut -c1-150
echo "events: $(grep -c 'svm_page_alloc:' /tmp/demo.txt) svm_page_alloc, $(grep -c 'svm_page_free:' /tmp/demo.txt) svm_page_free"
echo "Normal zone allocations per order: $(awk '/zone +Normal/ { p = 1 } p && /pgalloc / { $1 = ""; print; exit }' $D/zoneinfo)"
rm -f /tmp/demo.dat /tmp/demo.txt	# tmpfs: they would count as used memory

say "shadow buddy against the kernel's, same boot (cycles per alloc+free)"
exec 4<> $D/bench
echo "buddy_order0 5000 5" >&4
cat <&4
exec 4>&-

say "what grouping pages by mobility buys (one unmovable page in eight)"
exec 4<> $D/bench
echo fragmentation >&4
cat <&4 | tr ' ' '\n' | sed -n 's/^\(grouped:\|mixed:\)$/\1/p; s/^\(max_free_order\|free_in_pageblocks\)=/   &/p' | paste -sd ' ' | sed 's/ mixed:/\nmixed:/'
exec 4>&-

say "the slab allocator: 200 kmalloc(256)+kfree, then $D/slabinfo (2.1 layout)"
exec 4<> $D/bench
echo "kmalloc_256 100 1" >&4
cat <&4
exec 4>&-
awk 'NR <= 2 || / size-256 / || /^size-256 /' $D/slabinfo | cut -c1-140

say "emulated high memory: kmap of HIGHMEM pages through the pkmap window"
for c in "kmap_high 2000 3" "kmap_atomic 500 3"; do
	exec 4<> $D/bench
	echo "$c" >&4
	cat <&4
	exec 4>&-
done
grep -E '^(kmaps|kmap_waits|pkmap_flushes|atomic_maps) ' $D/highmem | paste -sd ' '
head -n 1 $D/pkmap; tail -n 1 $D/pkmap

say "vmalloc: 16 KiB areas from shadow pages, against the kernel's vmalloc"
exec 4<> $D/bench
echo "vmalloc_16k 500 3" >&4
cat <&4
exec 4>&-

say "a process maps /dev/shadowvm: 16 MiB written one word per page, then reread"
/guest/tools/svmtouch 16 || exit 1
grep -E '^(pgfault|pgmajfault|nr_file_pages|nr_dirty|pgalloc_high|pgalloc_normal) ' $D/vmstat | paste -sd ' '
echo "(the default object keeps its pages until the module is unloaded)"

say "rmmod while /dev/shadowvm is open is refused"
exec 3< /dev/shadowvm
rmmod shadowvm && { echo "unexpected: rmmod succeeded"; exit 1; }
exec 3<&-

say "rmmod shadowvm"
rmmod shadowvm || exit 1
dmesg | grep 'shadowvm:' | tail -n 1
after=$(free_kb)
echo "free memory: $before KiB before, $after KiB after (difference $((after - before)) KiB)"

say "overcommit: mem=8M with /dev/vda as swap, a 32 MiB object (4x shadow memory)"
insmod /guest/shadowvm.ko mem=8M swapdev=/dev/vda swapdev_format=1 || exit 1
dmesg | grep 'adding swap' | tail -n 1
# svmstat records the run (5 reports a second) for scripts/plot, which
# the host runs on the lines between the SVMRECORD markers.
/guest/tools/svmstat --record /tmp/demo.json 0.2 > /dev/null &
rec=$!
trace-cmd record -q -e shadowvm:svm_kswapd_wake -e shadowvm:svm_swap_out \
	-e shadowvm:svm_swap_in -e shadowvm:svm_swap_readahead \
	-e shadowvm:svm_shrink_node -o /tmp/demo.dat \
	/guest/tools/svmtouch 32 || exit 1
sleep 1
kill $rec
wait $rec 2>/dev/null
echo "svmstat recorded $(wc -l < /tmp/demo.json) reports"
echo SVMRECORD-BEGIN
cat /tmp/demo.json
echo SVMRECORD-END
trace-cmd report -i /tmp/demo.dat 2>/dev/null > /tmp/demo.txt
for e in svm_kswapd_wake svm_shrink_node svm_swap_out svm_swap_in svm_swap_readahead; do
	printf '%s=%s ' "$e" "$(grep -c "$e:" /tmp/demo.txt)"
done
echo
grep -m 2 'svm_shrink_node:' /tmp/demo.txt | sed 's/^ *//' | cut -c1-150
rm -f /tmp/demo.dat /tmp/demo.txt
say "$D/swapinfo"
cat $D/swapinfo
say "$D/lru and $D/kswapd"
cat $D/lru
cat $D/kswapd
say "reclaim and swap counters ($D/vmstat)"
grep -E '^(pswpin|pswpout|pgscan_kswapd|pgscan_direct|pgsteal_kswapd|pgsteal_direct|allocstall|kswapd_wake|pgactivate|pgdeactivate) ' $D/vmstat | paste -sd ' '
rmmod shadowvm || exit 1
dmesg | grep 'shadowvm:' | tail -n 1
