// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm core: reserving and releasing the real RAM behind an instance.
 *
 * The reservation asks the kernel for the largest blocks it can get, from
 * @max_order down: a failed order is never asked for again, since the kernel
 * only gets more fragmented while we take memory. Each block is split into
 * order-0 pages at once, so that later code may hand single pages to the
 * page tables of user processes, each with a reference of its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/object.h>
#include <shadowvm/slab.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmalloc.h>
#include <shadowvm/vmscan.h>
#include <shadowvm/vmstat.h>

/*
 * Trace events record an instance by this id rather than by its name: an
 * event then carries a fixed-size field and the ring buffer no string.
 */
static DEFINE_IDA(svm_instance_ida);

/**
 * svm_parse_size() - parse a size in bytes into a number of pages
 * @str: decimal (or 0x hex) number with an optional K, M, G or T suffix
 *       (powers of 1024), as the mem= parameter takes it
 * @nr_pages: where to store the number of pages
 *
 * Return: 0 on success; -EINVAL when @str is empty, not a number, zero,
 * too large to represent, or not a multiple of PAGE_SIZE.
 */
int svm_parse_size(const char *str, unsigned long *nr_pages)
{
	char buf[32];
	unsigned int shift = 0;
	unsigned long long val;
	size_t len;

	if (!str)
		return -EINVAL;
	len = strlen(str);
	if (len && str[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(buf))
		return -EINVAL;

	switch (toupper(str[len - 1])) {
	case 'T':
		shift += 10;
		fallthrough;
	case 'G':
		shift += 10;
		fallthrough;
	case 'M':
		shift += 10;
		fallthrough;
	case 'K':
		shift += 10;
		len--;
		break;
	}
	if (!len)
		return -EINVAL;
	memcpy(buf, str, len);
	buf[len] = '\0';

	if (kstrtoull(buf, 0, &val) || !val)
		return -EINVAL;
	if (val > (ULLONG_MAX >> shift))
		return -EINVAL;
	val <<= shift;
	if (val & ~PAGE_MASK)
		return -EINVAL;
	if ((val >> PAGE_SHIFT) > ULONG_MAX)
		return -EINVAL;
	*nr_pages = val >> PAGE_SHIFT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_parse_size);

static void svm_release_chunks(struct svm_instance *svm)
{
	while (svm->nr_chunks) {
		struct svm_chunk *chunk = &svm->chunks[--svm->nr_chunks];
		unsigned long i;

		for (i = 0; i < (1UL << chunk->order); i++)
			__free_page(chunk->page + i);
		svm->chunks_by_order[chunk->order]--;
		cond_resched();
	}
}

static int svm_add_chunk(struct svm_instance *svm, unsigned long *cap,
			 struct page *page, unsigned int order)
{
	if (svm->nr_chunks == *cap) {
		unsigned long new_cap = *cap ? *cap * 2 : 16;
		struct svm_chunk *chunks;

		chunks = svm_kvrealloc(svm->chunks,
				       array_size(*cap, sizeof(*chunks)),
				       array_size(new_cap, sizeof(*chunks)),
				       GFP_KERNEL);
		if (!chunks)
			return -ENOMEM;
		svm->chunks = chunks;
		*cap = new_cap;
	}
	svm->chunks[svm->nr_chunks++] = (struct svm_chunk) {
		.page = page,
		.order = order,
		.nid = page_to_nid(page),
	};
	svm->chunks_by_order[order]++;
	return 0;
}

static int svm_reserve(struct svm_instance *svm, const struct svm_params *p)
{
	gfp_t gfp = (p->gfp ? p->gfp : GFP_KERNEL) & ~__GFP_COMP;
	unsigned long left = svm->nr_pages, cap = 0;
	unsigned int order = svm->max_order;

	/* A reservation that cannot be met fails; it never OOM-kills. */
	gfp |= __GFP_NOWARN | __GFP_NORETRY;

	while (left) {
		struct page *page;

		if (fatal_signal_pending(current))
			return -EINTR;

		order = min_t(unsigned int, order, ilog2(left));
		page = alloc_pages_node(p->nid, gfp, order);
		if (!page) {
			if (!order)
				return -ENOMEM;
			order--;
			continue;
		}
		if (order)
			split_page(page, order);
		if (svm_add_chunk(svm, &cap, page, order)) {
			unsigned long i;

			for (i = 0; i < (1UL << order); i++)
				__free_page(page + i);
			return -ENOMEM;
		}
		left -= 1UL << order;
		cond_resched();
	}
	return 0;
}

/**
 * svm_instance_create() - create an instance and reserve its real RAM
 * @params: size, name and allocation policy of the instance
 *
 * Gives the instance an id for its trace events (&struct svm_instance),
 * allocates the event counters (svm_vmstat_init()), reserves the RAM,
 * then lays the shadow mem_map, nodes and zones over it
 * (svm_mem_init()), leaving every page free in the buddy allocator,
 * reserves the pkmap window (svm_highmem_init()), sets up the slab
 * allocator's cache chain (svm_slab_init(), which takes no shadow page
 * until a cache grows) and reserves the vmalloc window
 * (svm_vmalloc_init()), then the page-cache state (svm_filemap_init())
 * and the default object (svm_object_init(); the module must have
 * mounted the objects' filesystem with svm_object_fs_init()).
 *
 * Context: process context; may sleep.
 * Return: the new instance, or ERR_PTR(-EINVAL) for a zero size, zone
 * sizes that do not fit, a zone not larger than its high watermark (so
 * small it could never be balanced; logged) or a pkmap size out of range,
 * ERR_PTR(-ENOMEM) when the RAM or an id cannot be had (nothing stays
 * reserved), ERR_PTR(-ENOSPC) when every id is taken, ERR_PTR(-EINTR)
 * when the caller was killed meanwhile.
 */
struct svm_instance *svm_instance_create(const struct svm_params *params)
{
	struct svm_instance *svm;
	int ret;

	if (!params->nr_pages)
		return ERR_PTR(-EINVAL);
	/* Do not even try what the whole machine could not give. */
	if (params->nr_pages > totalram_pages())
		return ERR_PTR(-ENOMEM);

	svm = kzalloc(sizeof(*svm), GFP_KERNEL);
	if (!svm)
		return ERR_PTR(-ENOMEM);
	ret = ida_alloc(&svm_instance_ida, GFP_KERNEL);
	if (ret < 0) {
		kfree(svm);
		return ERR_PTR(ret);
	}
	svm->id = ret;
	strscpy(svm->name, params->name ? params->name : "shadowvm",
		sizeof(svm->name));
	mutex_init(&svm->swapon_mutex);
	svm->nr_pages = params->nr_pages;
	svm->max_order = min_t(unsigned int, params->max_order,
			       MAX_PAGE_ORDER);

	/* The event counters first: every later step may count events. */
	ret = svm_vmstat_init(svm);
	if (!ret)
		ret = svm_reserve(svm, params);
	/*
	 * Highmem right after the zones: from then on any HIGHMEM page the
	 * buddy allocator zeroes is reached through svm_kmap_atomic().
	 */
	if (!ret)
		ret = svm_mem_init(svm, params);
	if (!ret)
		ret = svm_reclaim_init(svm, params->kswapd,
				       params->policy);
	if (!ret)
		ret = svm_highmem_init(svm, params);
	if (!ret)
		ret = svm_slab_init(svm);
	if (!ret)
		ret = svm_vmalloc_init(svm);
	if (!ret)
		ret = svm_filemap_init(svm);
	if (!ret)
		ret = svm_object_init(svm);
	if (ret) {
		/* One teardown: each step tolerates what was never set up. */
		svm_instance_destroy(svm);
		return ERR_PTR(ret);
	}
	return svm;
}
EXPORT_SYMBOL_IF_KUNIT(svm_instance_create);

/**
 * svm_instance_destroy() - give an instance's RAM back and free it
 * @svm: instance from svm_instance_create(); NULL or an error is ignored.
 *       Only the default object may be left: descriptors and private
 *       objects must be gone. svm_instance_create() also calls it on a
 *       partly set up instance, so every step tolerates a subsystem that
 *       was never initialised.
 *
 * Context: process context; may sleep.
 */
void svm_instance_destroy(struct svm_instance *svm)
{
	if (IS_ERR_OR_NULL(svm))
		return;
	svm_object_exit(svm);
	/* kswapd first: it must not work on the swap cache being drained. */
	svm_kswapd_stop(svm);
	svm_swapoff(svm);
	svm_filemap_exit(svm);
	svm_reclaim_exit(svm);
	svm_vmalloc_exit(svm);
	svm_highmem_exit(svm);
	svm_slab_exit(svm);
	svm_mem_exit(svm);
	svm_release_chunks(svm);
	kvfree(svm->chunks);
	/* Last: the teardown above still counts (pgcache_leak). */
	svm_vmstat_exit(svm);
	ida_free(&svm_instance_ida, svm->id);
	kfree(svm);
}
EXPORT_SYMBOL_IF_KUNIT(svm_instance_destroy);

/**
 * svm_instance_chunk_pages() - count the pages held in an instance's chunks
 * @svm: the instance
 *
 * Walks the chunk table; the result equals @svm->nr_pages for a consistent
 * instance, which is what the accounting tests check.
 *
 * Return: the sum of 2^order over all chunks.
 */
unsigned long svm_instance_chunk_pages(const struct svm_instance *svm)
{
	unsigned long i, pages = 0;

	for (i = 0; i < svm->nr_chunks; i++)
		pages += 1UL << svm->chunks[i].order;
	return pages;
}
EXPORT_SYMBOL_IF_KUNIT(svm_instance_chunk_pages);
