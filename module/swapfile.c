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

#include <linux/bitmap.h>
#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include <uapi/linux/shadowvm.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/highmem.h>
#include <shadowvm/page.h>
#include <shadowvm/selfcheck.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmscan.h>
#include <trace/events/shadowvm.h>

#define SVM_SWAP_MAGIC		"SWAPSPACE2"
#define SVM_SWAP_MAGIC_LEN	10

/*
 * How long swapoff waits for slots that are in use but that it cannot
 * reach (pages reclaim is writing, or has isolated) before it gives up.
 */
#define SVM_UNUSE_TIMEOUT	(10 * HZ)

/*
 * svm_instance.swapon_mutex serialises an instance's swapon and swapoff
 * (the kernel's swapon_mutex). The struct svm_swap_info, once made, lives
 * as long as its instance, as 2.4's swap_info[] entries do: swapoff only
 * detaches the device and frees the swap_map, so everything that reads
 * svm->swap without the mutex (reclaim, faults, the debugfs files) reads
 * valid memory, and checks SVM_SWP_USED under the area's lock before
 * using the swap_map.
 */

/* The area @entry belongs to; its swap_map only under ->lock and USED. */
static struct svm_swap_info *svm_si(struct svm_instance *svm,
				    struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm->swap;

	if (!si || !entry.val || svm_swp_type(entry) != si->type ||
	    svm_swp_offset(entry) >= READ_ONCE(si->max))
		return NULL;
	return si;
}

/* Under si->lock: may the swap_map be used, and does it cover @offset? */
static bool svm_si_valid(struct svm_swap_info *si, unsigned long offset)
{
	return (si->flags & SVM_SWP_USED) && offset < si->max;
}

/**
 * svm_swap_active() - does an instance have a swap area?
 * @svm: the instance
 *
 * Return: true between a successful svm_swapon() and the end of the
 * swapoff that detaches it.
 */
bool svm_swap_active(const struct svm_instance *svm)
{
	struct svm_swap_info *si = READ_ONCE(svm->swap);

	return si && (READ_ONCE(si->flags) & SVM_SWP_USED);
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
	unsigned long nr = 0;

	if (!si)
		return 0;
	spin_lock(&si->lock);
	if (si->flags & SVM_SWP_WRITEOK)
		nr = si->pages - si->inuse_pages;
	spin_unlock(&si->lock);
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(svm_nr_swap_pages);

/*
 * Under si->lock: forget the shadow of @offset, whose slot is being
 * freed, retired or handed out again. Whatever page it described is no
 * longer the slot's.
 */
static void svm_swap_clear_shadow(struct svm_swap_info *si,
				  unsigned long offset)
{
	if (si->shadows[offset]) {
		si->shadows[offset] = 0;
		atomic_long_dec(&si->nr_shadows);
	}
}

static void svm_swap_range_alloc(struct svm_swap_info *si,
				 unsigned long offset)
{
	svm_swap_clear_shadow(si, offset);
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
	/* Not while swapoff empties the area, nor once it is detached. */
	offset = (si->flags & SVM_SWP_WRITEOK) ? svm_scan_swap_map(si) : 0;
	if (offset)
		svm_swap_range_alloc(si, offset);
	spin_unlock(&si->lock);
	if (!offset) {
		atomic_long_inc(&si->alloc_fail);
		return (struct svm_swp_entry){ 0 };
	}
	return svm_mk_swp_entry(si->type, offset);
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
	if (!svm_si_valid(si, offset) || !si->swap_map[offset] ||
	    si->swap_map[offset] == SVM_SWAP_MAP_BAD)
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
		if (!svm_si_valid(si, offset) || !si->swap_map[offset] ||
		    si->swap_map[offset] == SVM_SWAP_MAP_BAD) {
			bad = true;
		} else if (!--si->swap_map[offset]) {
			svm_swap_clear_shadow(si, offset);
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
	unsigned long offset = svm_swp_offset(entry);
	int count = -EINVAL;

	if (!si)
		return -EINVAL;
	spin_lock(&si->lock);
	if (svm_si_valid(si, offset))
		count = si->swap_map[offset];
	spin_unlock(&si->lock);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_count);

/**
 * svm_swap_mark_bad() - retire a slot a write to failed
 * @svm: the instance
 * @entry: the slot, whose page just left the swap cache
 * @uses: the uses of the slot that went with the page (the swap cache's,
 *        and the object's when the page is in one)
 *
 * The uses are dropped; when no other is left the slot becomes
 * SVM_SWAP_MAP_BAD, as a bad page of the header (2.4's SWAP_MAP_BAD),
 * and is never handed out again: the area shrinks by one slot. A slot
 * somebody else still uses keeps its remaining count (logged).
 *
 * Context: task context; takes svm_swap_info.lock.
 */
void svm_swap_mark_bad(struct svm_instance *svm, struct svm_swp_entry entry,
		       int uses)
{
	struct svm_swap_info *si = svm_si(svm, entry);
	unsigned long offset = svm_swp_offset(entry);
	bool bad = false, busy = false;

	if (!si)
		return;
	spin_lock(&si->lock);
	if (svm_si_valid(si, offset) && si->swap_map[offset] &&
	    si->swap_map[offset] != SVM_SWAP_MAP_BAD) {
		if (si->swap_map[offset] > uses) {
			si->swap_map[offset] -= uses;
			busy = true;
		} else {
			svm_swap_clear_shadow(si, offset);
			si->swap_map[offset] = SVM_SWAP_MAP_BAD;
			si->inuse_pages--;
			si->pages--;
			si->nr_bad_io++;
			bad = true;
		}
	}
	spin_unlock(&si->lock);
	if (bad) {
		atomic_long_inc(&si->bad_slots);
		pr_warn_ratelimited("%s: swap slot %#x marked bad\n", svm->name,
				    entry.val);
	} else if (busy) {
		pr_warn_ratelimited("%s: swap slot %#x failed a write but is still in use\n",
				    svm->name, entry.val);
	}
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_mark_bad);

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
	si->nr_badpages = 0;
	si->nr_bad_io = 0;
	si->inuse_pages = 0;
	si->cluster_nr = 0;
	si->max = last + 1;
	si->swap_map = vzalloc(si->max);
	if (!si->swap_map)
		return -ENOMEM;
	si->shadows = vcalloc(si->max, sizeof(*si->shadows));
	if (!si->shadows)
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

/*
 * The one place the swap device is opened: exclusively, read-write, with
 * the area as holder.
 */
/* Give back what a swapon took: the device, the swap_map, the bounce. */
static void svm_swap_detach(struct svm_swap_info *si)
{
	u32 *shadows;
	u8 *map;

	spin_lock(&si->lock);
	si->flags = 0;
	map = si->swap_map;
	si->swap_map = NULL;
	shadows = si->shadows;
	si->shadows = NULL;
	/* Only slots leaked at unload can still hold one. */
	atomic_long_set(&si->nr_shadows, 0);
	si->pages = 0;
	si->inuse_pages = 0;
	si->cluster_nr = 0;
	spin_unlock(&si->lock);
	vfree(shadows);
	vfree(map);
	if (si->bdev_file)
		fput(si->bdev_file);
	si->bdev_file = NULL;
	svm_bounce_dev_exit(&si->bounce);
}

static void svm_swap_info_free(struct svm_swap_info *si)
{
	svm_swap_detach(si);
	svm_swap_io_exit(si);
	kfree(si);
}

/* The area of a first swapon: lives until the instance goes. */
static struct svm_swap_info *svm_swap_info_alloc(struct svm_instance *svm)
{
	struct svm_swap_info *si = kzalloc(sizeof(*si), GFP_KERNEL);

	if (!si)
		return NULL;
	si->svm = svm;
	si->bounce.svm = svm;
	spin_lock_init(&si->lock);
	xa_init(&si->cache);
	if (svm_swap_io_init(si, &svm->reclaim->reap_work)) {
		svm_swap_io_exit(si);
		kfree(si);
		return NULL;
	}
	return si;
}

/**
 * svm_swapon() - attach a swap area to an instance
 * @svm: the instance; it must have none attached
 * @p: the device and how to use it
 *
 * Opens the block device exclusively, reads (or, with @p->format, writes)
 * its swap header and builds the swap_map. Fails cleanly, with a log
 * line, on a device without a valid header. At load time or at run time
 * (SHADOWVM_IOC_SWAPON), also after a swapoff.
 *
 * Context: process context; may sleep; takes svm->swapon_mutex.
 * Return: 0, -EBUSY when the instance has an area attached, -EINVAL for
 * a bad header or parameters, or the errno of opening or reading the
 * device.
 */
int svm_swapon(struct svm_instance *svm, const struct svm_swap_params *p)
{
	struct svm_swap_info *si;
	struct file *bdev_file;
	bool new = false;
	int ret;

	if (!p->path || p->path[0] != '/' ||
	    p->page_cluster > SVM_PAGE_CLUSTER_MAX)
		return -EINVAL;
	mutex_lock(&svm->swapon_mutex);
	si = svm->swap;
	if (si && (si->flags & SVM_SWP_USED)) {
		ret = -EBUSY;
		goto unlock;
	}
	if (!si) {
		si = svm_swap_info_alloc(svm);
		if (!si) {
			ret = -ENOMEM;
			goto unlock;
		}
		new = true;
	}
	spin_lock(&si->lock);
	strscpy(si->path, p->path, sizeof(si->path));
	spin_unlock(&si->lock);
	si->prio = p->prio;
	si->page_cluster = p->page_cluster;
	WRITE_ONCE(si->ra_win, 1U << p->page_cluster);
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
	/* After a swapoff: its bios may hold the area again. */
	if (!new) {
		reinit_completion(&si->comp);
		percpu_ref_reinit(&si->users);
	}
	spin_lock(&si->lock);
	si->flags = SVM_SWP_USED | SVM_SWP_WRITEOK;
	spin_unlock(&si->lock);
	if (new)
		WRITE_ONCE(svm->swap, si);
	pr_info("%s: adding swap on %s: %lu KiB, %lu bad pages\n", svm->name,
		si->path, si->pages << (PAGE_SHIFT - 10), si->nr_badpages);
	mutex_unlock(&svm->swapon_mutex);
	return 0;
fail:
	if (new)
		svm_swap_info_free(si);
	else
		svm_swap_detach(si);
unlock:
	mutex_unlock(&svm->swapon_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swapon);

static unsigned long svm_swap_inuse(struct svm_swap_info *si)
{
	unsigned long inuse;

	spin_lock(&si->lock);
	inuse = si->inuse_pages;
	spin_unlock(&si->lock);
	return inuse;
}

/*
 * The book's try_to_unuse(): bring every page on the area back, until no
 * slot is in use. New slots are not handed out (SVM_SWP_WRITEOK is
 * clear), so each pass can only lower the count, except that reclaim may
 * still be writing a page it took a slot for before; such slots are
 * waited for, SVM_UNUSE_TIMEOUT at most without progress (-EBUSY). At
 * unload no object is left and nothing can still be writing: one pass,
 * over the swap cache only.
 */
static int svm_try_to_unuse(struct svm_instance *svm, bool unload)
{
	struct svm_swap_info *si = svm->swap;
	unsigned long inuse, last = ULONG_MAX, since = jiffies;
	int err;

	for (;;) {
		/* Written pages go back to their objects as swap entries. */
		svm_reap_written(svm, false);
		/* At unload every object is gone already. */
		err = unload ? 0 : svm_unuse_mappings(svm);
		if (err)
			return err;
		svm_unuse_swap_cache(svm);
		inuse = svm_swap_inuse(si);
		if (!inuse)
			return 0;
		if (unload)
			return -EBUSY;
		if (inuse < last) {
			last = inuse;
			since = jiffies;
		} else if (time_after(jiffies, since + SVM_UNUSE_TIMEOUT)) {
			return -EBUSY;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		if (atomic_read(&si->writes_inflight))
			svm_reap_written(svm, true);
		else
			msleep(20);
	}
}

/*
 * Why swapoff could not finish: the first slots still in use, with their
 * count and the swap-cache page that holds one, if any.
 */
static void svm_swap_report_inuse(struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;
	unsigned long offset;
	int shown = 0;

	for (offset = 1; offset < si->max && shown < 8; offset++) {
		struct svm_swp_entry entry = svm_mk_swp_entry(si->type, offset);
		int count = svm_swap_count(svm, entry);
		struct svm_page *page;

		if (count <= 0 || count == SVM_SWAP_MAP_BAD)
			continue;
		shown++;
		page = svm_lookup_swap_cache(svm, entry);
		if (!page) {
			pr_info("%s: slot %lu: count %d, not cached\n",
				svm->name, offset, count);
			continue;
		}
		pr_info("%s: slot %lu: count %d, pfn %lu refs %d flags %#x mapping %s index %u\n",
			svm->name, offset, count, svm_page_to_pfn(svm, page),
			svm_page_count(page) - 1, atomic_read(&page->flags),
			page->mapping ? "object" : "none", page->index);
		svm_put_page(svm, page);
	}
}

/*
 * The book's sys_swapoff(), at run time and at unload: stop handing out
 * slots, bring every page back (svm_try_to_unuse()), then wait for the
 * last bio (svm_swap_io_quiesce()) and detach the device. When the pages
 * cannot all come back the area is left as it was, slots handed out
 * again, unless @unload: no object is left then, and a slot still in use
 * is a leak, reported, and the device is detached regardless.
 */
static int svm_swap_deactivate(struct svm_instance *svm, bool unload)
{
	struct svm_swap_info *si = svm->swap;
	int err;

	lockdep_assert_held(&svm->swapon_mutex);
	spin_lock(&si->lock);
	si->flags &= ~SVM_SWP_WRITEOK;
	spin_unlock(&si->lock);
	err = svm_try_to_unuse(svm, unload);
	if (err && !unload) {
		spin_lock(&si->lock);
		si->flags |= SVM_SWP_WRITEOK;
		spin_unlock(&si->lock);
		pr_info("%s: swapoff %s failed: %d, %lu slots still in use\n",
			svm->name, si->path, err, svm_swap_inuse(si));
		svm_swap_report_inuse(svm);
		return err;
	}
	/*
	 * A completion may still be touching @si after writes_inflight fell
	 * to 0 (or after unlocking its page, for a read), in any context, a
	 * preemptible task included: an RCU grace period does not wait for
	 * it. Every bio holds si->users until its completion's last touch of
	 * @si; once that reference is gone and the reap work it queued is
	 * flushed, no completion touches @si.
	 */
	svm_swap_io_quiesce(si);
	svm_reap_written(svm, false);
	/* A reaper that took written bios before us puts them back. */
	wait_var_event(&si->nr_written, !atomic_read(&si->nr_written));
	if (unload)
		svm_swap_cache_drain(svm);
	if (si->inuse_pages) {
		pr_err("%s: %lu swap slots still in use at swapoff\n",
		       svm->name, si->inuse_pages);
		svm_swap_report_inuse(svm);
	}
	pr_info("%s: removing swap on %s\n", svm->name, si->path);
	svm_swap_detach(si);
	return 0;
}

/**
 * svm_swapoff() - detach an instance's swap area and free it, at unload
 * @svm: the instance; no object may hold a swap entry any more
 *
 * The run-time swapoff's path (svm_swap_deactivate()), which here cannot
 * fail: a slot still in use is reported as a leak. Then the area itself
 * is freed.
 *
 * Context: process context; may sleep; takes svm->swapon_mutex.
 */
void svm_swapoff(struct svm_instance *svm)
{
	struct svm_swap_info *si = svm->swap;

	if (!si)
		return;
	mutex_lock(&svm->swapon_mutex);
	if (si->flags & SVM_SWP_USED)
		svm_swap_deactivate(svm, true);
	WRITE_ONCE(svm->swap, NULL);
	mutex_unlock(&svm->swapon_mutex);
	/* Nothing but this instance's teardown could see @si any more. */
	svm_swap_info_free(si);
}
EXPORT_SYMBOL_IF_KUNIT(svm_swapoff);

/* SHADOWVM_IOC_SWAPOFF: detach the area named by @path. */
static int svm_swapoff_path(struct svm_instance *svm, const char *path)
{
	struct svm_swap_info *si;
	int ret = -EINVAL;

	mutex_lock(&svm->swapon_mutex);
	si = svm->swap;
	if (si && (si->flags & SVM_SWP_USED) && !strcmp(si->path, path))
		ret = svm_swap_deactivate(svm, false);
	mutex_unlock(&svm->swapon_mutex);
	return ret;
}

/**
 * svm_swap_ioctl() - SHADOWVM_IOC_SWAPON and SHADOWVM_IOC_SWAPOFF
 * @svm: the instance
 * @cmd: the command
 * @arg: a struct shadowvm_swap_args
 *
 * Context: process context; sleeps.
 * Return: 0; -EPERM without CAP_SYS_ADMIN; -EFAULT; -EINVAL for bad
 * arguments or, for swapoff, a path that is not the attached area; the
 * errors of svm_swapon(); for swapoff -ENOMEM when shadow memory cannot
 * hold every swapped page, -EIO when one cannot be read, -EBUSY when
 * slots stay in use, -EINTR on a fatal signal: the area then stays
 * attached and in use.
 */
long svm_swap_ioctl(struct svm_instance *svm, unsigned int cmd,
		    void __user *arg)
{
	struct shadowvm_swap_args a;
	struct svm_swap_params p = { };

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!memchr(a.path, '\0', sizeof(a.path)) ||
	    memchr_inv(a.__reserved, 0, sizeof(a.__reserved)))
		return -EINVAL;
	if (cmd == SHADOWVM_IOC_SWAPOFF) {
		if (a.flags || a.page_cluster || a.prio)
			return -EINVAL;
		return svm_swapoff_path(svm, a.path);
	}
	if (a.flags & ~(SHADOWVM_SWAP_FORMAT | SHADOWVM_SWAP_LOWMEM))
		return -EINVAL;
	p.path = a.path;
	p.format = a.flags & SHADOWVM_SWAP_FORMAT;
	p.lowmem_only = a.flags & SHADOWVM_SWAP_LOWMEM;
	p.prio = a.prio;
	p.page_cluster = a.page_cluster;
	return svm_swapon(svm, &p);
}

/**
 * svm_swapinfo_show() - the swap area in /proc/swaps' layout, then its
 * slot and I/O statistics
 * @m: the seq_file
 * @svm: the instance
 *
 * The area's description is copied under its lock: a swapoff or swapon
 * may run meanwhile, and the area's memory stays valid until the
 * instance is destroyed (after its debugfs files are gone).
 *
 * Context: process context; takes svm_swap_info.lock.
 * Return: 0.
 */
int svm_swapinfo_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_swap_info *si = READ_ONCE(svm->swap);
	unsigned long inuse, pages, nr_badpages, nr_bad_io;
	char path[sizeof(si->path)];
	unsigned long flags;

	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (!si)
		return 0;
	spin_lock(&si->lock);
	flags = si->flags;
	strscpy(path, si->path, sizeof(path));
	inuse = si->inuse_pages;
	pages = si->pages;
	nr_badpages = si->nr_badpages;
	nr_bad_io = si->nr_bad_io;
	spin_unlock(&si->lock);
	if (!(flags & SVM_SWP_USED))
		return 0;
	seq_printf(m, "%-40s%s\t%lu\t\t%lu\t\t%d\n", path, "partition",
		   pages << (PAGE_SHIFT - 10), inuse << (PAGE_SHIFT - 10),
		   si->prio);
	seq_putc(m, '\n');
	seq_printf(m, "slots %lu\n", pages);
	seq_printf(m, "slots_inuse %lu\n", inuse);
	seq_printf(m, "bad_pages %lu\n", nr_badpages);
	seq_printf(m, "bad_slots %lu\n", nr_bad_io);
	seq_printf(m, "writeok %d\n", !!(flags & SVM_SWP_WRITEOK));
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
	seq_printf(m, "write_errors %ld\n",
		   atomic_long_read(&si->write_errors));
	seq_printf(m, "read_errors %ld\n", atomic_long_read(&si->read_errors));
	seq_printf(m, "writes_inflight %d\n",
		   atomic_read(&si->writes_inflight));
	seq_printf(m, "written_unreaped %d\n", atomic_read(&si->nr_written));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swapinfo_show);

/**
 * svm_swap_vmstat_show() - the swap lines of the debugfs "vmstat" file
 * @m: the seq_file
 * @svm: the instance
 *
 * Counted since the first swapon, across swapoffs: 0 without one. The
 * area's memory stays valid until the instance is destroyed.
 *
 * Context: process context.
 */
void svm_swap_vmstat_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_swap_info *si = READ_ONCE(svm->swap);

	seq_printf(m, "pswpin %ld\n", si ? atomic_long_read(&si->pswpin) : 0);
	seq_printf(m, "pswpout %ld\n", si ? atomic_long_read(&si->pswpout) : 0);
	seq_printf(m, "swap_write_errors %ld\n",
		   si ? atomic_long_read(&si->write_errors) : 0);
	seq_printf(m, "swap_read_errors %ld\n",
		   si ? atomic_long_read(&si->read_errors) : 0);
	seq_printf(m, "swap_bad_slots %ld\n",
		   si ? atomic_long_read(&si->bad_slots) : 0);
	seq_printf(m, "workingset_shadows %ld\n",
		   si ? atomic_long_read(&si->nr_shadows) : 0);
}

/**
 * svm_swap_set_shadow() - remember an evicted page's shadow beside its slot
 * @svm: the instance
 * @entry: the slot the page's data stays on
 * @shadow: the value to keep, not 0 (module/workingset.c packs it)
 *
 * Kept only while the slot is in use: a slot freed meanwhile (its object
 * truncated as the page left) has nothing left to refault.
 *
 * Context: task context; takes svm_swap_info.lock, under the page lock.
 * Return: true when stored.
 */
bool svm_swap_set_shadow(struct svm_instance *svm, struct svm_swp_entry entry,
			 u32 shadow)
{
	struct svm_swap_info *si = svm_si(svm, entry);
	unsigned long offset = svm_swp_offset(entry);
	bool stored = false;

	if (!si)
		return false;
	spin_lock(&si->lock);
	if (svm_si_valid(si, offset) && si->swap_map[offset] &&
	    si->swap_map[offset] != SVM_SWAP_MAP_BAD) {
		if (!si->shadows[offset])
			atomic_long_inc(&si->nr_shadows);
		si->shadows[offset] = shadow;
		stored = true;
	}
	spin_unlock(&si->lock);
	return stored;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_set_shadow);

/**
 * svm_swap_take_shadow() - consume the shadow of a slot being read back
 * @svm: the instance
 * @entry: the slot
 *
 * Context: task context; takes svm_swap_info.lock, under the page lock.
 * Return: the shadow, now cleared; 0 when the slot holds none.
 */
u32 svm_swap_take_shadow(struct svm_instance *svm, struct svm_swp_entry entry)
{
	struct svm_swap_info *si = svm_si(svm, entry);
	unsigned long offset = svm_swp_offset(entry);
	u32 shadow = 0;

	if (!si)
		return 0;
	spin_lock(&si->lock);
	if (svm_si_valid(si, offset)) {
		shadow = si->shadows[offset];
		svm_swap_clear_shadow(si, offset);
	}
	spin_unlock(&si->lock);
	return shadow;
}
EXPORT_SYMBOL_IF_KUNIT(svm_swap_take_shadow);

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

/* The swap cache against the swap map; see svm_swap_selfcheck(). */
static void svm_swap_cache_check(struct svm_instance *svm,
				 struct svm_selfcheck *sc)
{
	struct svm_swap_info *si = svm->swap;
	unsigned long offset, nr = 0;
	unsigned long *cached;
	struct svm_page *page;

	cached = kvcalloc(BITS_TO_LONGS(si->max), sizeof(long), GFP_KERNEL);
	if (!cached) {
		svm_selfcheck_report(sc, "swap: no memory to check\n");
		return;
	}
	xa_lock(&si->cache);
	xa_for_each(&si->cache, offset, page) {
		nr++;
		if (offset >= si->max) {
			svm_selfcheck_report(sc, "swap cache: offset %lu beyond the area\n",
					     offset);
			continue;
		}
		__set_bit(offset, cached);
		if (!svm_page_test_swapcache(page) ||
		    page->private != svm_mk_swp_entry(si->type, offset).val)
			svm_selfcheck_report(sc, "swap cache: offset %lu: pfn %lu flags %#x private %#x\n",
					     offset, svm_page_to_pfn(svm, page),
					     atomic_read(&page->flags),
					     page->private);
	}
	xa_unlock(&si->cache);
	if (nr != atomic_long_read(&si->nr_cache))
		svm_selfcheck_report(sc, "swap cache: nr_cache %ld, cache holds %lu\n",
				     atomic_long_read(&si->nr_cache), nr);
	/* The two locks are never held together: compare afterwards. */
	spin_lock(&si->lock);
	for_each_set_bit(offset, cached, si->max)
		if (!si->swap_map[offset] ||
		    si->swap_map[offset] == SVM_SWAP_MAP_BAD)
			svm_selfcheck_report(sc, "swap cache: offset %lu cached, swap_map %#x\n",
					     offset, si->swap_map[offset]);
	spin_unlock(&si->lock);
	kvfree(cached);
}

/**
 * svm_swap_selfcheck() - check the swap map and the swap cache
 * @svm: the instance
 * @sc: where to report violations
 *
 * Under the area's lock: inuse_pages equals the slots in use in the swap
 * map, the bad slots are the header, the nr_badpages listed ones and the
 * nr_bad_io ones writes failed on, and
 * the usable ones add up to the area. Then each page of the swap cache is
 * marked SVM_PG_swapcache with its own entry, nr_cache matches, and its
 * slot is in use. Shadows (module/workingset.c) sit only on slots in
 * use and nr_shadows counts them. The swap cache's lock and the area's
 * are never held
 * together, and nr_cache moves after the cache's lock is dropped, so that
 * second part is confirmed (svm_selfcheck_confirm()).
 *
 * Context: process context; sleeps. Takes svm->swapon_mutex, so that the
 * area stays attached or detached throughout (nothing is checked while
 * none is attached), then the area's lock and the swap cache's lock, one
 * at a time.
 */
void svm_swap_selfcheck(struct svm_instance *svm, struct svm_selfcheck *sc)
{
	struct svm_swap_info *si;
	unsigned long offset, inuse = 0, bad = 0, shadows = 0;

	/* Keeps swapon and swapoff out: the map comes and goes with them. */
	mutex_lock(&svm->swapon_mutex);
	si = svm->swap;
	if (!si || !(si->flags & SVM_SWP_USED)) {
		mutex_unlock(&svm->swapon_mutex);
		return;
	}
	spin_lock(&si->lock);
	for (offset = 0; offset < si->max; offset++) {
		u8 count = si->swap_map[offset];

		if (si->shadows[offset]) {
			shadows++;
			if (!count || count == SVM_SWAP_MAP_BAD)
				svm_selfcheck_report(sc, "swap map: offset %lu count %#x has shadow %#x\n",
						     offset, count,
						     si->shadows[offset]);
		}

		if (count == SVM_SWAP_MAP_BAD)
			bad++;
		else if (count > SVM_SWAP_MAP_MAX)
			svm_selfcheck_report(sc, "swap map: offset %lu count %#x\n",
					     offset, count);
		else if (count)
			inuse++;
	}
	if (shadows != atomic_long_read(&si->nr_shadows))
		svm_selfcheck_report(sc, "swap map: nr_shadows %ld, map has %lu\n",
				     atomic_long_read(&si->nr_shadows), shadows);
	if (inuse != si->inuse_pages)
		svm_selfcheck_report(sc, "swap map: inuse_pages %lu, map has %lu slots in use\n",
				     si->inuse_pages, inuse);
	/* The header, the listed bad pages, and slots a write failed on. */
	if (bad != si->nr_badpages + si->nr_bad_io + 1 ||
	    si->pages + bad != si->max)
		svm_selfcheck_report(sc, "swap map: %lu bad slots, nr_badpages %lu, nr_bad_io %lu, pages %lu of %lu\n",
				     bad, si->nr_badpages, si->nr_bad_io,
				     si->pages, si->max);
	spin_unlock(&si->lock);
	svm_selfcheck_confirm(sc, svm, svm_swap_cache_check);
	mutex_unlock(&svm->swapon_mutex);
}
