// SPDX-License-Identifier: GPL-2.0
/*
 * svminfo - print what /dev/shadowvm says about itself (SHADOWVM_IOC_GET_INFO).
 *
 * usage: svminfo [DEVICE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/shadowvm.h>

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/shadowvm";
	struct shadowvm_info info;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "svminfo: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (ioctl(fd, SHADOWVM_IOC_GET_INFO, &info)) {
		fprintf(stderr, "svminfo: GET_INFO: %s\n", strerror(errno));
		return 1;
	}
	printf("abi_version     %u\n", info.abi_version);
	printf("page_size       %u\n", info.page_size);
	printf("reserved_pages  %llu (%llu KiB)\n",
	       (unsigned long long)info.reserved_pages,
	       (unsigned long long)info.reserved_pages * info.page_size / 1024);
	printf("nr_chunks       %llu\n", (unsigned long long)info.nr_chunks);
	printf("max_order       %u\n", info.max_order);
	close(fd);
	return 0;
}
