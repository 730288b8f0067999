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

#define SHADOWVM_ABI_VERSION	1

/* ioctl magic; 'S' 0xa0-0xaf is unused in ioctl-number.rst. */
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

#endif /* _UAPI_LINUX_SHADOWVM_H */
