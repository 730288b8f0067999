// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm swap areas: the header, the swap_map and the slot allocator
 * (the book, sections 11.1-11.3; 6.12's mm/swapfile.c).
 *
 * The area is a block device carrying the header mkswap writes (version 1,
 * "SWAPSPACE2"). Slot 0 is the header; bad pages it lists are never used.
 * Slots are handed out as 2.6.16's scan_swap_map() did: consecutive slots
 * from the current cluster, then the first empty cluster of
 * SVM_SWAPFILE_CLUSTER slots, then the first free slot anywhere, so pages
 * evicted together land together and read-ahead finds their neighbours.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/highmem.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <trace/events/shadowvm.h>

#define SVM_SWAP_MAGIC		"SWAPSPACE2"
#define SVM_SWAP_MAGIC_LEN	10

static struct svm_swap_info *svm_si(struct svm_instance *svm,
				    struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm->swap;

	if (!si || !entry.val || svm_swp_type(entry) != si->type ||
	    svm_swp_offset(entry) >= si->max)
		return NULL;
	return si;
}

/**
 * svm_swap_active() - does an instance have a swap area?
 * @svm: the instance
 *
 * Return: true after a successful svm_swapon().
 */
bool svm_swap_active(const struct svm_instance *svm)
{
	return READ_ONCE(svm->swap);
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_active);

/**
 * svm_nr_swap_pages() - free slots of an instance's swap area
 * @svm: the instance
 *
 * Return: the number of free usable slots; 0 without an area.
 */
unsigned long svm_nr_swap_pages(struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;

	return si ? si->pages - READ_ONCE(si->inuse_pages) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_nr_swap_pages);

static void svm_swap_range_alloc(struct svm_swap_info *si,
				 unsigned long offset)
{
	si->swap_map[offset] = 1;
	si->inuse_pages++;
	if (offset == si->lowest_bit)
		si->lowest_bit++;
	if (offset == si->highest_bit)
		si->highest_bit--;
	if (si->inuse_pages == si->pages) {
		si->lowest_bit = si->max;
		si->highest_bit = 0;
	}
	si->cluster_next = offset + 1;
}

/* 2.6.16's scan_swap_map(): the slot to use, or 0 when the area is full. */
static unsigned long svm_scan_swap_map(struct svm_swap_info *si)
{
	unsigned long offset, last_in_cluster;

	if (si->inuse_pages == si->pages)
		return 0;
	/* Keep filling the current cluster while it lasts. */
	while (si->cluster_nr && si->cluster_next <= si->highest_bit) {
		offset = si->cluster_next++;
		if (si->swap_map[offset])
			continue;
		si->cluster_nr--;
		return offset;
	}
	si->cluster_nr = 0;
	/* The first run of SVM_SWAPFILE_CLUSTER free slots, unaligned. */
	offset = si->lowest_bit;
	last_in_cluster = offset + SVM_SWAPFILE_CLUSTER - 1;
	for (; last_in_cluster <= si->highest_bit; offset++) {
		if (si->swap_map[offset]) {
			last_in_cluster = offset + SVM_SWAPFILE_CLUSTER;
		} else if (offset == last_in_cluster) {
			offset -= SVM_SWAPFILE_CLUSTER - 1;
			si->cluster_nr = SVM_SWAPFILE_CLUSTER - 1;
			atomic_long_inc(&si->clusters);
			return offset;
		}
	}
	/* No empty cluster: the first free slot will do. */
	atomic_long_inc(&si->scan_fallbacks);
	for (offset = si->lowest_bit; offset <= si->highest_bit; offset++)
		if (!si->swap_map[offset])
			return offset;
	return 0;
}

/**
 * svm_get_swap_page() - allocate a swap slot with a use count of 1
 * @svm: the instance
 *
 * Context: task context; takes svm_swap_info.lock.
 * Return: the entry, or an entry of value 0 when there is no area or it
 * is full.
 */
struct svm_swp_entry svm_get_swap_page(struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;
	unsigned long offset;

	if (!si)
		return (struct svm_swp_entry){ 0 };
	spin_lock(&si->lock);
	offset = svm_scan_swap_map(si);
	if (offset)
		svm_swap_range_alloc(si, offset);
	spin_unlock(&si->lock);
	if (!offset) {
		atomic_long_inc(&si->alloc_fail);
		return (struct svm_swp_entry){ 0 };
	}
	return svm_swp_entry(si->type, offset);
}
EXPORT_SYMBOL_IF_KUNIT(svm_get_swap_page);

/**
 * svm_swap_duplicate() - add a user to a slot
 * @svm: the instance
 * @entry: an allocated entry
 *
 * Return: 0; -EINVAL for an entry that is not in use; -EOVERFLOW when
 * the count is at its maximum.
 */
int svm_swap_duplicate(struct svm_instance *svm, struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm_si(svm, entry);
	unsigned long offset = svm_swp_offset(entry);
	int ret = 0;

	if (!si)
		return -EINVAL;
	spin_lock(&si->lock);
	if (!si->swap_map[offset] || si->swap_map[offset] == SVM_SWAP_MAP_BAD)
		ret = -EINVAL;
	else if (si->swap_map[offset] == SVM_SWAP_MAP_MAX)
		ret = -EOVERFLOW;
	else
		si->swap_map[offset]++;
	spin_unlock(&si->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_duplicate);

/**
 * svm_swap_free() - drop a user of a slot; the last frees it
 * @svm: the instance
 * @entry: an allocated entry
 *
 * A bad entry is refused with a log line: freeing a slot twice would let
 * two pages share it.
 */
void svm_swap_free(struct svm_instance *svm, struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm_si(svm, entry);
	unsigned long offset = svm_swp_offset(entry);
	bool bad = !si;

	if (si) {
		spin_lock(&si->lock);
		if (!si->swap_map[offset] ||
		    si->swap_map[offset] == SVM_SWAP_MAP_BAD) {
			bad = true;
		} else if (!--si->swap_map[offset]) {
			si->inuse_pages--;
			if (offset < si->lowest_bit)
				si->lowest_bit = offset;
			if (offset > si->highest_bit)
				si->highest_bit = offset;
		}
		spin_unlock(&si->lock);
	}
	if (bad)
		pr_err_ratelimited("%s: freeing unused swap entry %#x\n",
				   svm->name, entry.val);
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_free);

/**
 * svm_swap_count() - users of a slot
 * @svm: the instance
 * @entry: any entry
 *
 * Return: the count, SVM_SWAP_MAP_BAD for a bad slot, -EINVAL for an
 * entry outside the area.
 */
int svm_swap_count(struct svm_instance *svm, struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm_si(svm, entry);

	if (!si)
		return -EINVAL;
	return READ_ONCE(si->swap_map[svm_swp_offset(entry)]);
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_count);

static void svm_swap_format(struct svm_swap_info *si, union swap_header *hdr,
			    unsigned long nr_pages)
{
	memset(hdr, 0, PAGE_SIZE);
	hdr->info.version = 1;
	hdr->info.last_page = nr_pages - 1;
	memcpy(hdr->magic.magic, SVM_SWAP_MAGIC, SVM_SWAP_MAGIC_LEN);
}

/* Check a header read from a device of @nr_pages; fill the swap_map. */
static int svm_swap_parse_header(struct svm_swap_info *si,
				 union swap_header *hdr, unsigned long nr_pages)
{
	unsigned long last, i;

	if (memcmp(hdr->magic.magic, SVM_SWAP_MAGIC, SVM_SWAP_MAGIC_LEN)) {
		pr_err("swapdev=%s: no swap header (run mkswap, or load with swapdev_format=1)\n",
		       si->path);
		return -EINVAL;
	}
	if (hdr->info.version != 1) {
		pr_err("swapdev=%s: swap header version %u (byte order?), expected 1\n",
		       si->path, hdr->info.version);
		return -EINVAL;
	}
	last = hdr->info.last_page;
	if (last >= nr_pages) {
		pr_err("swapdev=%s: header says %lu pages, the device has %lu\n",
		       si->path, last + 1, nr_pages);
		return -EINVAL;
	}
	if (last < 2 || last >= SVM_SWP_MAX_PAGES) {
		pr_err("swapdev=%s: %lu pages: must be 3-%lu\n", si->path,
		       last + 1, SVM_SWP_MAX_PAGES);
		return -EINVAL;
	}
	if (hdr->info.nr_badpages > MAX_SWAP_BADPAGES) {
		pr_err("swapdev=%s: %u bad pages listed, at most %lu\n",
		       si->path, hdr->info.nr_badpages,
		       (unsigned long)MAX_SWAP_BADPAGES);
		return -EINVAL;
	}
	si->max = last + 1;
	si->swap_map = vzalloc(si->max);
	if (!si->swap_map)
		return -ENOMEM;
	si->swap_map[0] = SVM_SWAP_MAP_BAD;
	si->pages = si->max - 1;
	for (i = 0; i < hdr->info.nr_badpages; i++) {
		u32 bad = hdr->info.badpages[i];

		if (!bad || bad > last) {
			pr_err("swapdev=%s: bad page %u out of the area\n",
			       si->path, bad);
			return -EINVAL;
		}
		if (si->swap_map[bad] != SVM_SWAP_MAP_BAD) {
			si->swap_map[bad] = SVM_SWAP_MAP_BAD;
			si->pages--;
			si->nr_badpages++;
		}
	}
	if (!si->pages) {
		pr_err("swapdev=%s: no usable page\n", si->path);
		return -EINVAL;
	}
	si->lowest_bit = 1;
	si->highest_bit = last;
	si->cluster_next = 1;
	return 0;
}

static int svm_swap_read_header(struct svm_swap_info *si, bool format)
{
	struct block_device *bdev = file_bdev(si->bdev_file);
	unsigned long nr_pages = bdev_nr_bytes(bdev) >> PAGE_SHIFT;
	struct page *page = alloc_page(GFP_KERNEL);
	union swap_header *hdr;
	int ret;

	if (!page)
		return -ENOMEM;
	hdr = page_address(page);
	if (format) {
		svm_swap_format(si, hdr, min_t(unsigned long, nr_pages,
					       SVM_SWP_MAX_PAGES));
		ret = svm_swap_rw_header(si, page, true);
		if (ret)
			pr_err("swapdev=%s: cannot write the header: %d\n",
			       si->path, ret);
		else
			pr_info("swapdev=%s: formatted %lu pages\n", si->path,
				(unsigned long)hdr->info.last_page + 1);
	} else {
		ret = svm_swap_rw_header(si, page, false);
		if (ret)
			pr_err("swapdev=%s: cannot read the header: %d\n",
			       si->path, ret);
	}
	if (!ret)
		ret = svm_swap_parse_header(si, hdr, nr_pages);
	__free_page(page);
	return ret;
}

static void svm_swap_info_free(struct svm_swap_info *si)
{
	if (si->bdev_file)
		fput(si->bdev_file);
	svm_swap_io_exit(si);
	svm_bounce_dev_exit(&si->bounce);
	vfree(si->swap_map);
	kfree(si);
}

/**
 * svm_swapon() - attach a swap area to an instance
 * @svm: the instance; it must have none
 * @p: the device and how to use it
 *
 * Opens the block device exclusively, reads (or, with @p->format, writes)
 * its swap header and builds the swap_map. Fails cleanly, with a log
 * line, on a device without a valid header.
 *
 * Context: process context; may sleep.
 * Return: 0, -EBUSY when the instance has an area, -EINVAL for a bad
 * header or parameters, or the errno of opening or reading the device.
 */
int svm_swapon(struct svm_instance *svm, const struct svm_swap_params *p)
{
	struct svm_swap_info *si;
	struct file *bdev_file;
	int ret;

	if (svm->swap)
		return -EBUSY;
	if (!p->path || p->path[0] != '/' ||
	    p->page_cluster > SVM_PAGE_CLUSTER_MAX)
		return -EINVAL;
	si = kzalloc(sizeof(*si), GFP_KERNEL);
	if (!si)
		return -ENOMEM;
	si->svm = svm;
	strscpy(si->path, p->path, sizeof(si->path));
	si->prio = p->prio;
	si->page_cluster = p->page_cluster;
	si->ra_win = 1U << p->page_cluster;
	spin_lock_init(&si->lock);
	xa_init(&si->cache);
	ret = svm_swap_io_init(si);
	if (!ret)
		ret = svm_bounce_dev_init(&si->bounce, svm, p->lowmem_only);
	if (ret)
		goto fail;
	bdev_file = svm_bdev_file_open_excl(p->path, si);
	if (IS_ERR(bdev_file)) {
		ret = PTR_ERR(bdev_file);
		pr_err("swapdev=%s: cannot open exclusively: %d\n", p->path,
		       ret);
		goto fail;
	}
	si->bdev_file = bdev_file;
	ret = svm_swap_read_header(si, p->format);
	if (ret)
		goto fail;
	WRITE_ONCE(svm->swap, si);
	pr_info("%s: adding swap on %s: %lu KiB, %lu bad pages\n", svm->name,
		si->path, si->pages << (PAGE_SHIFT - 10), si->nr_badpages);
	return 0;
fail:
	svm_swap_info_free(si);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swapon);

/**
 * svm_swapoff() - detach an instance's swap area
 * @svm: the instance; no object may hold a swap entry any more
 *
 * Waits until every bio's completion is over (svm_swap_io_quiesce()),
 * frees the pages left in the swap cache (written, or read ahead and
 * never claimed), then checks that every slot came back: one still in
 * use is a leak and is reported.
 *
 * Context: process context; may sleep.
 */
void svm_swapoff(struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;

	if (!si)
		return;
	/*
	 * A completion may still be touching @si after writes_inflight fell
	 * to 0 (or after unlocking its page, for a read), in any context, a
	 * preemptible task included: an RCU grace period does not wait for
	 * it. Every bio holds si->users until its completion's last touch of
	 * @si; once that reference is gone and the reap work it queued is
	 * flushed, only this function uses @si, and it may be freed.
	 */
	svm_swap_io_quiesce(si);
	svm_reap_written(svm, false);
	svm_swap_cache_drain(svm);
	if (si->inuse_pages)
		pr_err("%s: %lu swap slots still in use at swapoff\n",
		       svm->name, si->inuse_pages);
	WRITE_ONCE(svm->swap, NULL);
	/* No completion holds si->users any more: nothing else touches @si. */
	svm_swap_info_free(si);
}
EXPORT_SYMBOL_IF_KUNIT(svm_swapoff);

/**
 * svm_swapinfo_show() - the swap area in /proc/swaps' layout, then its
 * slot and I/O statistics
 * @m: the seq_file
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_swapinfo_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;
	unsigned long inuse;

	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (!si)
		return 0;
	spin_lock(&si->lock);
	inuse = si->inuse_pages;
	spin_unlock(&si->lock);
	seq_printf(m, "%-40s%s\t%lu\t\t%lu\t\t%d\n", si->path, "partition",
		   si->pages << (PAGE_SHIFT - 10), inuse << (PAGE_SHIFT - 10),
		   si->prio);
	seq_putc(m, '\n');
	seq_printf(m, "slots %lu\n", si->pages);
	seq_printf(m, "slots_inuse %lu\n", inuse);
	seq_printf(m, "bad_pages %lu\n", si->nr_badpages);
	seq_printf(m, "cluster_size %u\n", SVM_SWAPFILE_CLUSTER);
	seq_printf(m, "clusters_found %ld\n", atomic_long_read(&si->clusters));
	seq_printf(m, "scan_fallbacks %ld\n",
		   atomic_long_read(&si->scan_fallbacks));
	seq_printf(m, "alloc_fail %ld\n", atomic_long_read(&si->alloc_fail));
	seq_printf(m, "swap_cache_pages %ld\n",
		   atomic_long_read(&si->nr_cache));
	seq_printf(m, "page_cluster %u\n", si->page_cluster);
	seq_printf(m, "readahead_window %u\n", READ_ONCE(si->ra_win));
	seq_printf(m, "readahead_pages %ld\n", atomic_long_read(&si->ra_pages));
	seq_printf(m, "readahead_hits %ld\n", atomic_long_read(&si->ra_hits));
	seq_printf(m, "io_errors %ld\n", atomic_long_read(&si->io_errors));
	seq_printf(m, "writes_inflight %d\n",
		   atomic_read(&si->writes_inflight));
	seq_printf(m, "written_unreaped %d\n", atomic_read(&si->nr_written));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swapinfo_show);

static int swapinfo_show(struct seq_file *m, void *unused)
{
	return svm_swapinfo_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(swapinfo);

/**
 * svm_swap_debugfs_create() - add "swapinfo" to an instance's directory
 * @svm: the instance
 * @dir: its debugfs directory
 */
void svm_swap_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("swapinfo", 0400, dir, svm, &swapinfo_fops);
}
