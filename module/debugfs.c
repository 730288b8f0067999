// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm debugfs interface: read-only tables about one instance, the
 * selfcheck file and the fault injection attributes.
 *
 * Every file is documented column by column in Documentation/debugfs.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include <shadowvm/bench.h>
#include <shadowvm/core.h>
#include <shadowvm/debugfs.h>
#include <shadowvm/fault_inject.h>
#include <shadowvm/filemap.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/selfcheck.h>
#include <shadowvm/slab.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmalloc.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>

/**
 * svm_meminfo_show() - print the meminfo table of an instance
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_meminfo_show(struct seq_file *m, struct svm_instance *svm)
{
	unsigned long i;
	int nid;

	seq_printf(m, "Instance:       %s\n", svm->name);
	seq_printf(m, "InstanceId:     %u\n", svm->id);
	seq_printf(m, "PageSize:       %lu\n", PAGE_SIZE);
	seq_printf(m, "ReservedPages:  %lu\n", svm->nr_pages);
	seq_printf(m, "ReservedKB:     %lu\n", svm->nr_pages << (PAGE_SHIFT - 10));
	seq_printf(m, "Chunks:         %lu\n", svm->nr_chunks);
	seq_printf(m, "MaxOrder:       %u\n", svm->max_order);
	seq_printf(m, "PageDescBytes:  %zu\n", sizeof(struct svm_page));
	seq_printf(m, "NativeDescBytes: %zu\n", sizeof(struct page));
	seq_printf(m, "MemMapBytes:    %lu\n",
		   svm->nr_pages * sizeof(struct svm_page) +
		   DIV_ROUND_UP(svm->nr_pages, 1UL << svm->real_shift) *
		   sizeof(*svm->real_map));
	seq_printf(m, "BadFrees:       %ld %ld %ld %ld\n",
		   atomic_long_read(&svm->bad_free_double),
		   atomic_long_read(&svm->bad_free_order),
		   atomic_long_read(&svm->bad_free_foreign),
		   atomic_long_read(&svm->bad_free_state));
	seq_puts(m, "ChunksByOrder: ");
	for (i = 0; i < NR_PAGE_ORDERS; i++)
		seq_printf(m, " %lu", svm->chunks_by_order[i]);
	seq_putc(m, '\n');
	for_each_online_node(nid) {
		unsigned long pages = 0;

		for (i = 0; i < svm->nr_chunks; i++)
			if (svm->chunks[i].nid == nid)
				pages += 1UL << svm->chunks[i].order;
		if (pages)
			seq_printf(m, "Node%dPages:     %lu\n", nid, pages);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_meminfo_show);

static int meminfo_show(struct seq_file *m, void *unused)
{
	return svm_meminfo_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(meminfo);

static int chunks_show(struct seq_file *m, void *unused)
{
	struct svm_instance *svm = m->private;
	unsigned long i;

	seq_puts(m, "index        pfn order  node\n");
	for (i = 0; i < svm->nr_chunks; i++) {
		const struct svm_chunk *c = &svm->chunks[i];

		seq_printf(m, "%5lu %#10lx %5u %5d\n", i, page_to_pfn(c->page),
			   c->order, c->nid);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(chunks);

/**
 * svm_buddyinfo_show() - print free blocks per order, as /proc/buddyinfo
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_buddyinfo_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_zone *zone;
	int order;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone)) {
		seq_printf(m, "Node %d, zone %8s ", zone->zone_pgdat->node_id,
			   zone->name);
		for (order = 0; order < SVM_NR_ORDERS; order++)
			seq_printf(m, "%6lu ",
				   READ_ONCE(zone->free_area[order].nr_free));
		seq_putc(m, '\n');
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_buddyinfo_show);

static int buddyinfo_show(struct seq_file *m, void *unused)
{
	return svm_buddyinfo_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

static const char * const svm_zone_stat_names[SVM_NR_ZONE_STAT] = {
	[SVM_PGALLOC] = "pgalloc",
	[SVM_PGFREE] = "pgfree",
	[SVM_PGFALLBACK] = "pgfallback",
	[SVM_PGZONE_FALLBACK] = "pgzone_fallback",
	[SVM_PGALLOC_FAIL] = "pgalloc_fail",
};

static void svm_zoneinfo_zone(struct seq_file *m, struct svm_zone *zone)
{
	int cpu, item, order;

	seq_printf(m, "Node %d, zone %8s\n", zone->zone_pgdat->node_id,
		   zone->name);
	seq_printf(m, "  pages free     %lu\n", READ_ONCE(zone->free_pages));
	seq_printf(m, "        min      %lu\n", zone->pages_min);
	seq_printf(m, "        low      %lu\n", zone->pages_low);
	seq_printf(m, "        high     %lu\n", zone->pages_high);
	seq_printf(m, "        spanned  %lu\n", zone->spanned_pages);
	seq_printf(m, "        present  %lu\n", zone->present_pages);
	seq_printf(m, "        managed  %lu\n", zone->managed_pages);
	seq_printf(m, "  start_pfn:     %lu\n", zone->zone_start_pfn);
	for (item = 0; item < SVM_NR_ZONE_STAT; item++) {
		seq_printf(m, "  %-16s", svm_zone_stat_names[item]);
		for (order = 0; order < SVM_NR_ORDERS; order++)
			seq_printf(m, " %lu", svm_zone_stat(zone, item, order));
		seq_putc(m, '\n');
	}
	seq_puts(m, "  pagesets\n");
	for_each_online_cpu(cpu) {
		struct svm_per_cpu_pages *pcp = per_cpu_ptr(zone->pageset, cpu);

		seq_printf(m, "    cpu: %i\n", cpu);
		seq_printf(m, "              count: %i\n", READ_ONCE(pcp->count));
		seq_printf(m, "              high:  %i\n", pcp->high);
		seq_printf(m, "              batch: %i\n", pcp->batch);
	}
}

static int zoneinfo_show(struct seq_file *m, void *unused)
{
	struct svm_instance *svm = m->private;
	struct svm_zone *zone;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		svm_zoneinfo_zone(m, zone);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

static void svm_pagetypeinfo_free(struct seq_file *m, struct svm_zone *zone)
{
	int mt, order;

	for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++) {
		seq_printf(m, "Node %4d, zone %8s, type %12s ",
			   zone->zone_pgdat->node_id, zone->name,
			   svm_migratetype_name(mt));
		for (order = 0; order < SVM_NR_ORDERS; order++) {
			struct list_head *pos;
			unsigned long n = 0;

			spin_lock(&zone->lock);
			list_for_each(pos, &zone->free_area[order].free_list[mt])
				n++;
			spin_unlock(&zone->lock);
			seq_printf(m, "%6lu ", n);
		}
		seq_putc(m, '\n');
	}
}

static void svm_pagetypeinfo_blocks(struct seq_file *m, struct svm_zone *zone)
{
	unsigned long count[SVM_MIGRATE_TYPES] = { };
	unsigned long i;
	int mt;

	spin_lock(&zone->lock);
	for (i = 0; i < zone->nr_pageblocks; i++)
		count[zone->pageblock_mt[i]]++;
	spin_unlock(&zone->lock);
	seq_printf(m, "Node %d, zone %8s ", zone->zone_pgdat->node_id,
		   zone->name);
	for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++)
		seq_printf(m, "%12lu ", count[mt]);
	seq_putc(m, '\n');
}

/**
 * svm_pagetypeinfo_show() - print free blocks per migratetype and the
 * pageblock types, as /proc/pagetypeinfo
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_pagetypeinfo_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_zone *zone;
	int order, mt;

	seq_printf(m, "Page block order: %u\n", svm->pb_order);
	seq_printf(m, "Pages per block:  %lu\n\n", 1UL << svm->pb_order);
	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (order = 0; order < SVM_NR_ORDERS; order++)
		seq_printf(m, "%6d ", order);
	seq_putc(m, '\n');
	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		svm_pagetypeinfo_free(m, zone);

	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < SVM_MIGRATE_TYPES; mt++)
		seq_printf(m, "%12s ", svm_migratetype_name(mt));
	seq_putc(m, '\n');
	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		svm_pagetypeinfo_blocks(m, zone);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_pagetypeinfo_show);

/*
 * One character per pageblock of @zone: its migratetype's initial, lower
 * case when one free buddy block covers the whole pageblock. Free blocks
 * larger than a pageblock start at the first pageblock they cover.
 */
static void svm_pageblock_map(struct seq_file *m, struct svm_instance *svm,
			      struct svm_zone *zone)
{
	unsigned long i, free_until = 0, pb_pages = 1UL << svm->pb_order;

	seq_printf(m, "Node %d, zone %8s %6lu ", zone->zone_pgdat->node_id,
		   zone->name, zone->nr_pageblocks);
	spin_lock(&zone->lock);
	for (i = 0; i < zone->nr_pageblocks; i++) {
		unsigned long idx = i << svm->pb_order;
		struct svm_page *page = zone->zone_mem_map + idx;
		char c = zone->pageblock_mt[i] == SVM_MIGRATE_MOVABLE ?
			 'M' : 'U';

		if (svm_page_test_buddy(page) && page->private >= svm->pb_order)
			free_until = idx + (1UL << page->private);
		if (idx + pb_pages <= free_until &&
		    idx + pb_pages <= zone->spanned_pages)
			c = tolower(c);
		seq_putc(m, c);
	}
	spin_unlock(&zone->lock);
	seq_putc(m, '\n');
}

/**
 * svm_pageblocks_show() - print the map of an instance's pageblocks
 * @m: seq_file to print into
 * @svm: the instance
 *
 * One line per zone: node, zone, number of pageblocks, then one
 * character per pageblock in pfn order: ``U`` unmovable, ``M`` movable,
 * in lower case when the whole pageblock is free. The book's figures of
 * fragmentation (chapter 6) at a glance.
 *
 * Return: 0.
 */
int svm_pageblocks_show(struct seq_file *m, struct svm_instance *svm)
{
	struct svm_zone *zone;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone))
		svm_pageblock_map(m, svm, zone);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_pageblocks_show);

static int pageblocks_show(struct seq_file *m, void *unused)
{
	return svm_pageblocks_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(pageblocks);

static int pagetypeinfo_show(struct seq_file *m, void *unused)
{
	return svm_pagetypeinfo_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(pagetypeinfo);

/* mm/vmstat.c's contig_page_info, for one zone and requested order. */
struct svm_contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

static void svm_fill_contig_page_info(struct svm_zone *zone,
				      unsigned int suitable_order,
				      struct svm_contig_page_info *info)
{
	unsigned int order;

	*info = (struct svm_contig_page_info) { };
	for (order = 0; order < SVM_NR_ORDERS; order++) {
		unsigned long blocks = READ_ONCE(zone->free_area[order].nr_free);

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable += blocks <<
						      (order - suitable_order);
	}
}

/**
 * svm_unusable_index() - share of free memory unusable for an order
 * @zone: the zone
 * @order: the requested order
 *
 * mm/vmstat.c's unusable_free_index(): free pages not in blocks of at
 * least @order, in thousandths of the free pages.
 *
 * Return: 0 (all usable) to 1000 (none usable); 0 when nothing is free.
 */
int svm_unusable_index(struct svm_zone *zone, unsigned int order)
{
	struct svm_contig_page_info info;

	svm_fill_contig_page_info(zone, order, &info);
	if (!info.free_pages)
		return 0;
	return div_u64((info.free_pages -
			(info.free_blocks_suitable << order)) * 1000ULL,
		       info.free_pages);
}
EXPORT_SYMBOL_IF_KUNIT(svm_unusable_index);

/**
 * svm_extfrag_index() - why a request of an order would fail
 * @zone: the zone
 * @order: the requested order
 *
 * mm/vmstat.c's __fragmentation_index(): towards 0 a failure would be for
 * lack of memory, towards 1000 for external fragmentation.
 *
 * Return: the index in thousandths; -1000 when a block of @order is free,
 * 0 when nothing is free.
 */
int svm_extfrag_index(struct svm_zone *zone, unsigned int order)
{
	struct svm_contig_page_info info;
	unsigned long requested = 1UL << order;

	svm_fill_contig_page_info(zone, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - div_u64(1000 + div_u64(info.free_pages * 1000ULL,
					     requested),
			      info.free_blocks_total);
}
EXPORT_SYMBOL_IF_KUNIT(svm_extfrag_index);

static int svm_index_show(struct seq_file *m, struct svm_instance *svm,
			  int (*index)(struct svm_zone *, unsigned int))
{
	struct svm_zone *zone;
	unsigned int order;

	for (zone = svm_next_zone(svm, NULL); zone;
	     zone = svm_next_zone(svm, zone)) {
		seq_printf(m, "Node %d, zone %8s ", zone->zone_pgdat->node_id,
			   zone->name);
		for (order = 0; order < SVM_NR_ORDERS; order++) {
			int i = index(zone, order);

			seq_printf(m, "%s%d.%03d ", i < 0 ? "-" : "",
				   abs(i) / 1000, abs(i) % 1000);
		}
		seq_putc(m, '\n');
	}
	return 0;
}

/**
 * svm_unusable_index_show() - print the unusable free space index of
 * every zone and order, as <debugfs>/extfrag/unusable_index
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_unusable_index_show(struct seq_file *m, struct svm_instance *svm)
{
	return svm_index_show(m, svm, svm_unusable_index);
}
EXPORT_SYMBOL_IF_KUNIT(svm_unusable_index_show);

/**
 * svm_extfrag_index_show() - print the external fragmentation index of
 * every zone and order, as <debugfs>/extfrag/extfrag_index
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_extfrag_index_show(struct seq_file *m, struct svm_instance *svm)
{
	return svm_index_show(m, svm, svm_extfrag_index);
}
EXPORT_SYMBOL_IF_KUNIT(svm_extfrag_index_show);

static int unusable_index_show(struct seq_file *m, void *unused)
{
	return svm_unusable_index_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

static int extfrag_index_show(struct seq_file *m, void *unused)
{
	return svm_extfrag_index_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

static const char * const svm_pageflag_names[SVM_NR_PAGEFLAGS] = {
	[SVM_PG_locked] = "locked",
	[SVM_PG_referenced] = "referenced",
	[SVM_PG_uptodate] = "uptodate",
	[SVM_PG_dirty] = "dirty",
	[SVM_PG_lru] = "lru",
	[SVM_PG_active] = "active",
	[SVM_PG_slab] = "slab",
	[SVM_PG_buddy] = "buddy",
	[SVM_PG_reserved] = "reserved",
	[SVM_PG_highmem] = "highmem",
	[SVM_PG_swapcache] = "swapcache",
	[SVM_PG_writeback] = "writeback",
	[SVM_PG_private] = "private",
	[SVM_PG_readahead] = "readahead",
	[SVM_PG_unevictable] = "unevictable",
	[SVM_PG_aged] = "aged",
};

/**
 * svm_page_show() - print the descriptor of the shadow page selected by
 * writing its pfn to the debugfs ``page`` file
 * @m: seq_file to print into
 * @svm: the instance
 *
 * Return: 0.
 */
int svm_page_show(struct seq_file *m, struct svm_instance *svm)
{
	unsigned long pfn = READ_ONCE(svm->debugfs_pfn);
	struct svm_page *page = svm_pfn_to_page(svm, pfn);
	u32 flags = atomic_read(&page->flags);
	struct svm_zone *zone = svm_page_zone(svm, page);
	const char *sep = "";
	int i;

	seq_printf(m, "pfn:         %lu\n", pfn);
	seq_printf(m, "real_pfn:    %#lx\n",
		   page_to_pfn(svm_pfn_to_real_page(svm, pfn)));
	seq_printf(m, "node:        %d\n", svm_page_to_nid(page));
	seq_printf(m, "zone:        %s\n", zone->name);
	seq_printf(m, "migratetype: %s\n",
		   svm_migratetype_name(svm_get_pageblock_migratetype(zone, page)));
	seq_printf(m, "flags:       %#x (", flags);
	for (i = 0; i < SVM_NR_PAGEFLAGS; i++) {
		if (flags & BIT(i)) {
			seq_printf(m, "%s%s", sep, svm_pageflag_names[i]);
			sep = "|";
		}
	}
	seq_puts(m, ")\n");
	seq_printf(m, "refcount:    %d\n", svm_page_count(page));
	if (svm_page_test_buddy(page))
		seq_printf(m, "order:       %u\n", READ_ONCE(page->private));
	else if (svm_page_count(page))
		seq_printf(m, "order:       %u\n", svm_page_alloc_order(page));
	else
		seq_puts(m, "order:       -\n");
	seq_printf(m, "mapping:     %p\n", READ_ONCE(page->mapping));
	seq_printf(m, "index:       %u\n", READ_ONCE(page->index));
	seq_printf(m, "private:     %#x\n", READ_ONCE(page->private));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_page_show);

/**
 * svm_page_select() - select the shadow page the ``page`` file shows
 * @svm: the instance
 * @buf: a decimal or 0x hex shadow pfn, optionally ending in a newline
 *
 * Return: 0, or -EINVAL (logged) for anything but a pfn of @svm.
 */
int svm_page_select(struct svm_instance *svm, const char *buf)
{
	unsigned long pfn;

	if (kstrtoul(buf, 0, &pfn) || !svm_pfn_valid(svm, pfn)) {
		pr_info("%s: page: expected a shadow pfn below %lu\n",
			svm->name, svm->nr_pages);
		return -EINVAL;
	}
	WRITE_ONCE(svm->debugfs_pfn, pfn);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_page_select);

static int page_show(struct seq_file *m, void *unused)
{
	return svm_page_show(m, m->private);
}

static int page_open(struct inode *inode, struct file *file)
{
	return single_open(file, page_show, inode->i_private);
}

static ssize_t page_write(struct file *file, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	char buf[24];
	int ret;

	if (!len || len >= sizeof(buf)) {
		pr_info("%s: page: expected a shadow pfn\n",
			((struct svm_instance *)m->private)->name);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = svm_page_select(m->private, buf);
	return ret ? ret : len;
}

static const struct file_operations page_fops = {
	.owner = THIS_MODULE,
	.open = page_open,
	.read = seq_read,
	.write = page_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * svm_selfcheck() - check an instance's structures against each other
 * @svm: the instance
 * @m: where to print one line per violation, or NULL
 *
 * The buddy free lists and per-CPU lists (svm_zone_selfcheck()), the LRU
 * lists (svm_lru_selfcheck()), the page cache counters
 * (svm_pagecache_selfcheck()) and the swap map and swap cache
 * (svm_swap_selfcheck()), each under the locks that keep it still; see
 * Documentation/reliability.rst for what each one checks.
 *
 * Context: process context, at any time, with the instance in use;
 * sleeps. Takes each lock it needs alone.
 * Return: the number of violations found.
 */
unsigned long svm_selfcheck(struct svm_instance *svm, struct seq_file *m)
{
	struct svm_selfcheck sc = { .m = m };

	svm_zone_selfcheck(svm, &sc);
	svm_lru_selfcheck(svm, &sc);
	svm_pagecache_selfcheck(svm, &sc);
	svm_swap_selfcheck(svm, &sc);
	return sc.violations;
}
EXPORT_SYMBOL_IF_KUNIT(svm_selfcheck);

static int selfcheck_show(struct seq_file *m, void *unused)
{
	unsigned long n = svm_selfcheck(m->private, m);

	if (!n)
		seq_puts(m, "ok\n");
	else
		seq_printf(m, "violations %lu\n", n);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(selfcheck);

/**
 * svm_debugfs_create() - create the debugfs directory of an instance
 * @svm: the instance the files describe; must outlive the directory
 * @parent: parent directory, or NULL for the debugfs root
 *
 * debugfs is best effort: failures are not reported, as for every
 * debugfs user.
 *
 * Return: the directory, to pass to svm_debugfs_remove().
 */
struct dentry *svm_debugfs_create(struct svm_instance *svm,
				  struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir(svm->name, parent);

	debugfs_create_file("meminfo", 0400, dir, svm, &meminfo_fops);
	debugfs_create_file("chunks", 0400, dir, svm, &chunks_fops);
	svm_bench_debugfs_create(svm, dir);
	debugfs_create_file("buddyinfo", 0400, dir, svm, &buddyinfo_fops);
	debugfs_create_file("zoneinfo", 0400, dir, svm, &zoneinfo_fops);
	debugfs_create_file("pagetypeinfo", 0400, dir, svm,
			    &pagetypeinfo_fops);
	debugfs_create_file("pageblocks", 0400, dir, svm, &pageblocks_fops);
	debugfs_create_file("unusable_index", 0400, dir, svm,
			    &unusable_index_fops);
	debugfs_create_file("extfrag_index", 0400, dir, svm,
			    &extfrag_index_fops);
	debugfs_create_file("page", 0600, dir, svm, &page_fops);
	svm_highmem_debugfs_create(svm, dir);
	svm_vmalloc_debugfs_create(svm, dir);
	svm_slab_debugfs_create(svm, dir);
	svm_vmstat_debugfs_create(svm, dir);
	svm_reclaim_debugfs_create(svm, dir);
	svm_swap_debugfs_create(svm, dir);
	debugfs_create_file("selfcheck", 0400, dir, svm, &selfcheck_fops);
	svm_fault_inject_create(svm, dir);
	return dir;
}

/**
 * svm_debugfs_remove() - remove what svm_debugfs_create() made
 * @dir: the directory it returned
 */
void svm_debugfs_remove(struct dentry *dir)
{
	debugfs_remove(dir);
	svm_fault_inject_destroy();
}
