/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shadowvm user ABI: the ioctls of /dev/shadowvm.
 *
 * Every structure is fixed-size and 64-bit aligned so that 32- and 64-bit
 * callers see the same layout. The ABI version grows when a command is added;
 * a command's layout never changes once released.
 */
#ifndef _UAPI_LINUX_SHADOWVM_H
#define _UAPI_LINUX_SHADOWVM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SHADOWVM_ABI_VERSION	3

/*
 * ioctl magic 'S', numbers 0xa0-0xaf. Documentation/userspace-api/ioctl/
 * ioctl-number.rst gives 'S' to cdrom, SCSI and the sound sequencer, and
 * 'S' 0x82-0xff to scsi/scsi.h; but no kernel header (6.1, 6.12) defines
 * a command above 0x5396 (CDROM_TIMED_MEDIA_CHANGE), and the sequencer's
 * use 0x00-0x7f. Our numbers are kept, since a released number never
 * changes: no real command collides with them, and the handler compares
 * the whole 32-bit number (direction, size, magic, number), so a cdrom
 * or SCSI ioctl sent here fails with ENOTTY. What the overlap costs is
 * decoding: strace may name our commands after another driver's range.
 */
#define SHADOWVM_IOC_MAGIC	'S'

/**
 * struct shadowvm_info - what SHADOWVM_IOC_GET_INFO returns
 * @abi_version: SHADOWVM_ABI_VERSION of the loaded module
 * @page_size: size in bytes of a shadow page
 * @reserved_pages: pages of real RAM the module reserved (its shadow RAM)
 * @nr_chunks: blocks the reservation was made of
 * @max_order: largest order the module asked the kernel for
 * @__reserved: zero; room for later fields
 */
struct shadowvm_info {
	__u32 abi_version;
	__u32 page_size;
	__u64 reserved_pages;
	__u64 nr_chunks;
	__u32 max_order;
	__u32 __reserved[9];
};

#define SHADOWVM_IOC_GET_INFO	_IOR(SHADOWVM_IOC_MAGIC, 0xa0, struct shadowvm_info)

/*
 * Objects (ABI version 2, see Documentation/uapi.rst). Every open() of
 * /dev/shadowvm starts on the default object, shared by all opens;
 * SHADOWVM_IOC_NEW_OBJECT turns the descriptor into a new private object.
 * mmap() maps the descriptor's object (MAP_SHARED only).
 */

/* Object flags in struct shadowvm_object_stats. */
#define SHADOWVM_OBJ_PRIVATE	(1U << 0)	/* made by SHADOWVM_IOC_NEW_OBJECT */

/**
 * struct shadowvm_object_stats - what SHADOWVM_IOC_GET_STATS returns
 * @size: object size in bytes
 * @resident_pages: pages of the object in the shadow page cache
 * @dirty_pages: resident pages known to be dirty (see Documentation/uapi.rst)
 * @swapped_pages: pages of the object that live on the swap device only
 * @minor_faults: faults that found their page in the page cache
 * @major_faults: faults that had to allocate their page or read it from
 *                swap
 * @write_faults: page_mkwrite calls (write_notify=1 mappings only)
 * @sigbus_faults: faults answered with SIGBUS (beyond size, no memory)
 * @flags: SHADOWVM_OBJ_* flags
 * @__reserved: zero; room for later fields
 */
struct shadowvm_object_stats {
	__u64 size;
	__u64 resident_pages;
	__u64 dirty_pages;
	__u64 swapped_pages;
	__u64 minor_faults;
	__u64 major_faults;
	__u64 write_faults;
	__u64 sigbus_faults;
	__u32 flags;
	__u32 __reserved[7];
};

/* Turn this descriptor into a new, empty, private object (no argument). */
#define SHADOWVM_IOC_NEW_OBJECT	_IO(SHADOWVM_IOC_MAGIC, 0xa1)
/* Set the object's size in bytes (a multiple of the page size). */
#define SHADOWVM_IOC_SET_SIZE	_IOW(SHADOWVM_IOC_MAGIC, 0xa2, __u64)
/* Get the object's size in bytes. */
#define SHADOWVM_IOC_GET_SIZE	_IOR(SHADOWVM_IOC_MAGIC, 0xa3, __u64)
/* Get the object's statistics. */
#define SHADOWVM_IOC_GET_STATS	_IOR(SHADOWVM_IOC_MAGIC, 0xa4, struct shadowvm_object_stats)
/* Drop the object's clean, unmapped pages from the page cache (no argument). */
#define SHADOWVM_IOC_DROP_CLEAN	_IO(SHADOWVM_IOC_MAGIC, 0xa5)

/*
 * Swap (ABI version 3, see Documentation/swap.rst): attach or detach the
 * instance's swap area at run time. Both need CAP_SYS_ADMIN.
 */

/* struct shadowvm_swap_args flags (SHADOWVM_IOC_SWAPON only). */
#define SHADOWVM_SWAP_FORMAT	(1U << 0)	/* write a fresh header first */
#define SHADOWVM_SWAP_LOWMEM	(1U << 1)	/* the device reaches lowmem only */

/**
 * struct shadowvm_swap_args - the argument of SHADOWVM_IOC_SWAPON and
 * SHADOWVM_IOC_SWAPOFF
 * @path: absolute path of the block device, NUL-terminated
 * @flags: SHADOWVM_SWAP_* flags; zero for SHADOWVM_IOC_SWAPOFF
 * @page_cluster: read-ahead window of 2^@page_cluster slots, 0 to 6;
 *                zero for SHADOWVM_IOC_SWAPOFF
 * @prio: priority swapinfo shows; zero for SHADOWVM_IOC_SWAPOFF
 * @__reserved: zero; room for later fields
 */
struct shadowvm_swap_args {
	char path[64];
	__u32 flags;
	__u32 page_cluster;
	__s32 prio;
	__u32 __reserved[5];
};

/* Attach the block device as the swap area (EBUSY when one is attached). */
#define SHADOWVM_IOC_SWAPON	_IOW(SHADOWVM_IOC_MAGIC, 0xa6, struct shadowvm_swap_args)
/* Bring every swapped page back into memory, then detach the device. */
#define SHADOWVM_IOC_SWAPOFF	_IOW(SHADOWVM_IOC_MAGIC, 0xa7, struct shadowvm_swap_args)

#endif /* _UAPI_LINUX_SHADOWVM_H */
