// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm: a copy of the classic Linux virtual memory manager running on
 * real RAM reserved from the kernel.
 *
 * This file is the module's interface: its parameters, the /dev/shadowvm
 * misc device and the debugfs root. The mechanisms live in the other files
 * and work on a struct svm_instance passed to them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include <uapi/linux/shadowvm.h>
#include <shadowvm/bounce.h>
#include <shadowvm/core.h>
#include <shadowvm/debugfs.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/object.h>
#include <shadowvm/policy.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>

static char *mem = "64M";
module_param(mem, charp, 0444);
MODULE_PARM_DESC(mem,
		 "Shadow RAM to reserve: bytes with optional K/M/G/T suffix, a multiple of the page size, at most 3/4 of RAM (default 64M)");

static char *swapdev = "";
module_param(swapdev, charp, 0444);
MODULE_PARM_DESC(swapdev,
		 "Absolute path of a block device to swap to, with a swap header from mkswap (default: none)");

static bool swapdev_format;
module_param(swapdev_format, bool, 0444);
MODULE_PARM_DESC(swapdev_format,
		 "Write a fresh swap header on swapdev first, destroying its contents (default: no)");

static bool swapdev_lowmem;
module_param(swapdev_lowmem, bool, 0444);
MODULE_PARM_DESC(swapdev_lowmem,
		 "swapdev cannot reach HIGHMEM: bounce HIGHMEM pages through lowmem (default: no)");

static uint svm_page_cluster = 3;
module_param_named(page_cluster, svm_page_cluster, uint, 0444);
MODULE_PARM_DESC(page_cluster,
		 "Swap read-ahead starts at 2^page_cluster slots around a fault and adapts to their use; 0 turns it off, at most "
		 __stringify(SVM_PAGE_CLUSTER_MAX) " (default 3)");

static bool kswapd = true;
module_param(kswapd, bool, 0444);
MODULE_PARM_DESC(kswapd,
		 "Run a shadow kswapd thread per node; without, only direct reclaim frees pages (default: yes)");

static uint max_order = MAX_PAGE_ORDER;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order,
		 "Largest order of the blocks reserved from the kernel, 0-"
		 __stringify(MAX_PAGE_ORDER) " (default "
		 __stringify(MAX_PAGE_ORDER) ")");

static char *dma = "";
module_param(dma, charp, 0444);
MODULE_PARM_DESC(dma,
		 "Size of the shadow DMA zone, as mem=; 0 for none (default: 1/16 of mem, at most 16M)");

static char *highmem = "";
module_param(highmem, charp, 0444);
MODULE_PARM_DESC(highmem,
		 "Size of the shadow HIGHMEM zone at the top of mem, as mem=; 0 for none (default: 1/4 of mem)");

/* Not min_free_kbytes: 6.1's <linux/mm.h> declares the kernel's. */
static ulong svm_min_free_kbytes;
module_param_named(min_free_kbytes, svm_min_free_kbytes, ulong, 0444);
MODULE_PARM_DESC(min_free_kbytes,
		 "KiB the zone watermarks keep free, below the low memory size (default: sqrt(16 * lowmem KiB) within 128-65536)");

static uint last_pkmap = SVM_LAST_PKMAP_DEFAULT;
module_param(last_pkmap, uint, 0444);
MODULE_PARM_DESC(last_pkmap,
		 "Slots of the pkmap window for kmap() of HIGHMEM pages, "
		 __stringify(SVM_LAST_PKMAP_MIN) "-" __stringify(SVM_LAST_PKMAP_MAX)
		 " (default " __stringify(SVM_LAST_PKMAP_DEFAULT) ")");

static uint fault_around_pages = SVM_FAULT_AROUND_DEFAULT;
module_param(fault_around_pages, uint, 0444);
MODULE_PARM_DESC(fault_around_pages,
		 "Pages of the aligned window one fault maps (and, on sequential first touch, allocates): a power of 2, 1-"
		 __stringify(SVM_FAULT_AROUND_MAX) " (default "
		 __stringify(SVM_FAULT_AROUND_DEFAULT) ")");

static bool write_notify;
module_param(write_notify, bool, 0444);
MODULE_PARM_DESC(write_notify,
		 "1: the first write to each mapped page faults (page_mkwrite) and marks it dirty; 0: PTEs are writable at once, dirty bits are collected when pages are unmapped (default 0)");

static ushort dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode,
		 "Permissions of /dev/shadowvm, octal, read and write bits only (default 0600); give a group access with dev_mode=0660 and a udev rule that sets the group (Documentation/usage.rst)");

static char *refbit = "pte";
static enum svm_refbit svm_refbit_mode;
module_param(refbit, charp, 0444);
MODULE_PARM_DESC(refbit,
		 "How reclaim tells that a mapped page is in use: pte (test and clear the accessed bits of the PTEs that map it, default) or unmap (unmap it; a use is a minor fault)");

static char *policy = "2.6";
module_param(policy, charp, 0444);
MODULE_PARM_DESC(policy,
		 "Page replacement policy: 2.6 (active and inactive lists, default); Documentation/policies.rst lists the others");

/**
 * struct svm_device - the instance behind /dev/shadowvm
 * @svm: its shadow memory
 * @misc: the character device
 * @debugfs: its directory under <debugfs>/shadowvm/
 */
struct svm_device {
	struct svm_instance *svm;
	struct miscdevice misc;
	struct dentry *debugfs;
};

static struct svm_device svm_dev;
static struct dentry *svm_debugfs_root;

static struct svm_device *file_to_dev(struct file *file)
{
	struct miscdevice *misc = file->private_data;

	return container_of(misc, struct svm_device, misc);
}

static long svm_ioctl_get_info(struct svm_instance *svm, void __user *arg)
{
	struct shadowvm_info info = {
		.abi_version = SHADOWVM_ABI_VERSION,
		.page_size = PAGE_SIZE,
		.reserved_pages = svm->nr_pages,
		.nr_chunks = svm->nr_chunks,
		.max_order = svm->max_order,
	};

	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long svm_unlocked_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	switch (cmd) {
	case SHADOWVM_IOC_GET_INFO:
		return svm_ioctl_get_info(svm_file_instance(file),
					  (void __user *)arg);
	case SHADOWVM_IOC_SWAPON:
	case SHADOWVM_IOC_SWAPOFF:
		return svm_swap_ioctl(svm_file_instance(file), cmd,
				      (void __user *)arg);
	default:
		return svm_file_ioctl(file, cmd, (void __user *)arg);
	}
}

/* misc_open() left the miscdevice in private_data; objects take it over. */
static int svm_open(struct inode *inode, struct file *file)
{
	return svm_file_open(file_to_dev(file)->svm, file);
}

static int svm_release(struct inode *inode, struct file *file)
{
	return svm_file_release(file);
}

static const struct file_operations svm_fops = {
	.owner = THIS_MODULE,
	.open = svm_open,
	.release = svm_release,
	.get_unmapped_area = svm_file_get_unmapped_area,
	.mmap = svm_file_mmap,
	.unlocked_ioctl = svm_unlocked_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read_iter = svm_file_read_iter,
	.write_iter = svm_file_write_iter,
	.llseek = svm_file_llseek,
	.fsync = svm_file_fsync,
	/* sendfile() and splice() go through read_iter and write_iter. */
	.splice_read = copy_splice_read,
	.splice_write = iter_file_splice_write,
};

/*
 * mem=, dma= and highmem=: a size in bytes, a multiple of the page size,
 * into @pages. For a zone (@zone), "" is the default (0) and "0" an empty
 * zone; mem= must be a non-zero size.
 */
static int __init svm_parse_mem_param(const char *name, const char *str,
				      bool zone, unsigned long *pages)
{
	if (zone && (!str || !*str)) {
		*pages = 0;
		return 0;
	}
	if (zone && !strcmp(str, "0")) {
		*pages = SVM_ZONE_NONE;
		return 0;
	}
	if (!svm_parse_size(str, pages))
		return 0;
	pr_err("%s=%s: expected %s multiple of %lu bytes, e.g. %s\n", name,
	       str, zone ? "0 or a" : "a non-zero", PAGE_SIZE,
	       zone ? "4M" : "64M");
	return -EINVAL;
}

static int __init svm_check_zones(struct svm_params *p)
{
	unsigned long dma_pages, high_pages, lowmem;
	int ret;

	ret = svm_parse_mem_param("dma", dma, true, &p->dma_pages);
	if (!ret)
		ret = svm_parse_mem_param("highmem", highmem, true,
					  &p->highmem_pages);
	if (ret)
		return ret;
	if (svm_zone_sizes(p, &dma_pages, &high_pages)) {
		pr_err("dma=%s highmem=%s: the zones do not fit in mem=%s\n",
		       dma, highmem, mem);
		return -EINVAL;
	}
	lowmem = (p->nr_pages - high_pages) << (PAGE_SHIFT - 10);
	if (svm_min_free_kbytes && svm_min_free_kbytes >= lowmem) {
		pr_err("min_free_kbytes=%lu: must be below the %lu KiB of low memory\n",
		       svm_min_free_kbytes, lowmem);
		return -EINVAL;
	}
	p->min_free_kbytes = svm_min_free_kbytes;
	return 0;
}

/*
 * The instance's own kernel-side pages (SVM_GFP_KERNEL: slab caches,
 * vmalloc areas, the bounce pool of a lowmem-only swap device) come from
 * the NORMAL zone. It must hold the largest of them, the bounce pool,
 * above its high watermark: without, swapon or the first slab cache
 * fails, or every kernel request wakes kswapd for good.
 */
static int __init svm_check_normal(struct svm_instance *svm)
{
	unsigned long room = svm_zone_room(svm, SVM_ZONE_NORMAL);

	if (room >= SVM_BOUNCE_POOL_SIZE)
		return 0;
	pr_err("mem=%s: the Normal zone has %lu pages above its high watermark, at least %d are needed (see dma=, highmem=, min_free_kbytes=)\n",
	       mem, room, SVM_BOUNCE_POOL_SIZE);
	return -EINVAL;
}

static int __init svm_check_params(unsigned long *nr_pages)
{
	unsigned long limit = totalram_pages() / 4 * 3;
	dev_t devt;
	int ret;

	ret = svm_parse_mem_param("mem", mem, false, nr_pages);
	if (ret)
		return ret;
	if (*nr_pages > limit) {
		pr_err("mem=%s: more than 3/4 of RAM (%lu KiB) cannot be reserved\n",
		       mem, limit << (PAGE_SHIFT - 10));
		return -ENOMEM;
	}
	if (last_pkmap < SVM_LAST_PKMAP_MIN || last_pkmap > SVM_LAST_PKMAP_MAX) {
		pr_err("last_pkmap=%u: must be %u-%u\n", last_pkmap,
		       SVM_LAST_PKMAP_MIN, SVM_LAST_PKMAP_MAX);
		return -EINVAL;
	}
	if (!fault_around_pages || fault_around_pages > SVM_FAULT_AROUND_MAX ||
	    !is_power_of_2(fault_around_pages)) {
		pr_err("fault_around_pages=%u: must be a power of 2, 1-%u\n",
		       fault_around_pages, SVM_FAULT_AROUND_MAX);
		return -EINVAL;
	}
	if (max_order > MAX_PAGE_ORDER) {
		pr_err("max_order=%u: must be 0-%u\n", max_order, MAX_PAGE_ORDER);
		return -EINVAL;
	}
	if (svm_page_cluster > SVM_PAGE_CLUSTER_MAX) {
		pr_err("page_cluster=%u: must be 0-%u\n", svm_page_cluster,
		       SVM_PAGE_CLUSTER_MAX);
		return -EINVAL;
	}
	if (!dev_mode || (dev_mode & ~0666)) {
		pr_err("dev_mode=%#o: expected read and write bits only, e.g. 0660\n",
		       dev_mode);
		return -EINVAL;
	}
	if (svm_refbit_parse(refbit, &svm_refbit_mode)) {
		pr_err("refbit=%s: expected pte or unmap\n", refbit);
		return -EINVAL;
	}
	if (!svm_policy_lookup(policy)) {
		char names[64];

		pr_err("policy=%s: expected one of %s\n", policy,
		       svm_policy_names(names, sizeof(names)));
		return -EINVAL;
	}
	if ((swapdev_format || swapdev_lowmem) && !(swapdev && *swapdev)) {
		pr_err("swapdev_format and swapdev_lowmem need swapdev\n");
		return -EINVAL;
	}
	if (swapdev && *swapdev) {
		if (*swapdev != '/') {
			pr_err("swapdev=%s: expected an absolute path\n", swapdev);
			return -EINVAL;
		}
		ret = lookup_bdev(swapdev, &devt);
		if (ret) {
			pr_err("swapdev=%s: not a block device (%d)\n", swapdev,
			       ret);
			return ret;
		}
	}
	return 0;
}

static int __init svm_init(void)
{
	struct svm_params params = {
		.name = KBUILD_MODNAME,
		.max_order = max_order,
		.nid = NUMA_NO_NODE,
		.last_pkmap = last_pkmap,
		.kswapd = kswapd,
		.policy = policy,
	};
	struct svm_instance *svm;
	int ret;

	ret = svm_check_params(&params.nr_pages);
	if (!ret)
		ret = svm_check_zones(&params);
	if (ret)
		return ret;

	ret = svm_object_fs_init();
	if (ret) {
		pr_err("cannot mount the objects' filesystem: %d\n", ret);
		return ret;
	}
	svm = svm_instance_create(&params);
	if (IS_ERR(svm)) {
		ret = PTR_ERR(svm);
		/* Parameters were checked; EINVAL is a zone it logged. */
		if (ret != -EINVAL)
			pr_err("cannot reserve mem=%s (%lu pages): %d\n", mem,
			       params.nr_pages, ret);
		goto fs_exit;
	}
	ret = svm_check_normal(svm);
	if (ret)
		goto destroy;
	if (swapdev && *swapdev) {
		struct svm_swap_params sp = {
			.path = swapdev,
			.format = swapdev_format,
			.lowmem_only = swapdev_lowmem,
			.page_cluster = svm_page_cluster,
		};

		ret = svm_swapon(svm, &sp);
		if (ret) {
			pr_err("swapdev=%s: cannot swap there: %d\n", swapdev, ret);
			goto destroy;
		}
	}
	svm_dev.svm = svm;
	/* Checked above: cannot fail. */
	svm_object_set_fault_policy(svm, fault_around_pages, write_notify);
	svm_reclaim_set_refbit(svm, svm_refbit_mode);

	svm_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	svm_dev.debugfs = svm_debugfs_create(svm, svm_debugfs_root);

	svm_dev.misc = (struct miscdevice) {
		.minor = MISC_DYNAMIC_MINOR,
		.name = KBUILD_MODNAME,
		.fops = &svm_fops,
		.mode = dev_mode,
	};
	ret = misc_register(&svm_dev.misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", KBUILD_MODNAME, ret);
		goto remove_debugfs;
	}

	pr_info("reserved %lu pages (%lu KiB) in %lu chunks\n", svm->nr_pages,
		svm->nr_pages << (PAGE_SHIFT - 10), svm->nr_chunks);
	return 0;

	/* In the reverse order of the steps above, as svm_exit(). */
remove_debugfs:
	svm_debugfs_remove(svm_dev.debugfs);
	debugfs_remove(svm_debugfs_root);
destroy:
	svm_instance_destroy(svm);
fs_exit:
	svm_object_fs_exit();
	return ret;
}

static void __exit svm_exit(void)
{
	unsigned long pages = svm_dev.svm->nr_pages;

	misc_deregister(&svm_dev.misc);
	svm_debugfs_remove(svm_dev.debugfs);
	debugfs_remove(svm_debugfs_root);
	svm_instance_destroy(svm_dev.svm);
	svm_object_fs_exit();
	pr_info("released %lu pages\n", pages);
}

module_init(svm_init);
module_exit(svm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shadowvm: the classic Linux VM running on reserved RAM");
MODULE_AUTHOR("The shadowvm developers");
