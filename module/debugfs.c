// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm debugfs interface: read-only tables about one instance.
 *
 * Every file is documented column by column in Documentation/debugfs.rst.
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/debugfs.h>

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
	seq_printf(m, "PageSize:       %lu\n", PAGE_SIZE);
	seq_printf(m, "ReservedPages:  %lu\n", svm->nr_pages);
	seq_printf(m, "ReservedKB:     %lu\n", svm->nr_pages << (PAGE_SHIFT - 10));
	seq_printf(m, "Chunks:         %lu\n", svm->nr_chunks);
	seq_printf(m, "MaxOrder:       %u\n", svm->max_order);
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
	return dir;
}

/**
 * svm_debugfs_remove() - remove what svm_debugfs_create() made
 * @dir: the directory it returned
 */
void svm_debugfs_remove(struct dentry *dir)
{
	debugfs_remove(dir);
}
