// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel benchmarks: the same loop run on shadowvm and on the native
 * kernel, in one boot, so that their ratio means something even under TCG.
 *
 * debugfs <instance>/bench: write "<case> [iterations [repetitions]]", then
 * read the result from the same open file:
 *   <case> iterations=<n> reps=<r> shadow=<median> native=<median> unit=<u>
 *          cycles=<shadow>/<native>,...
 * cycles= lists every counted repetition's total, so that userspace can
 * print the spread in fractional cycles per operation. The first
 * repetition of each side is a warm-up and is not counted; the two sides
 * alternate, and so does which of them runs first, so that neither always
 * finds the caches the other left warm and drift in the host hits both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include <shadowvm/bench.h>
#include <shadowvm/core.h>
#include <shadowvm/gfp.h>
#include <shadowvm/highmem.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/page.h>
#include <shadowvm/slab.h>
#include <shadowvm/vmalloc.h>

#define SVM_BENCH_MAX_REPS	31
#define SVM_BENCH_MAX_ITERS	10000000UL
#define SVM_BENCH_RESULT_LEN	2048	/* 31 pairs of 20-digit totals fit */
#define SVM_BENCH_FRAG_PAGES	4096	/* 16 MiB: eight 2 MiB pageblocks */

/**
 * struct svm_bench_case - one benchmark: a loop on each side
 * @name: name used in the debugfs command and the result
 * @order: block order the loops use (object size for the slab cases)
 * @shadow: runs @iters operations on shadowvm; returns cycles, or
 *          U64_MAX when an operation failed
 * @native: runs the same @iters operations on the native kernel
 */
struct svm_bench_case {
	const char *name;
	unsigned int order;
	u64 (*shadow)(struct svm_instance *svm, unsigned int order,
		      unsigned long iters);
	u64 (*native)(unsigned int order, unsigned long iters);
};

static u64 bench_shadow_buddy(struct svm_instance *svm, unsigned int order,
			      unsigned long iters)
{
	cycles_t start = get_cycles();
	unsigned long i;

	for (i = 0; i < iters; i++) {
		struct svm_page *page;

		page = svm_alloc_pages(svm, SVM_GFP_KERNEL | SVM_GFP_NOWARN,
				       order);
		if (!page)
			return U64_MAX;
		svm_free_pages(svm, page, order);
	}
	return get_cycles() - start;
}

static u64 bench_native_buddy(unsigned int order, unsigned long iters)
{
	cycles_t start = get_cycles();
	unsigned long i;

	for (i = 0; i < iters; i++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
						order);

		if (!page)
			return U64_MAX;
		__free_pages(page, order);
	}
	return get_cycles() - start;
}

/*
 * kmap of a HIGHMEM page whose slot is already cached (count 1), touching
 * one byte; against kmap_local_page(), which is page_address() on 64-bit.
 */
static u64 bench_shadow_kmap(struct svm_instance *svm, unsigned int order,
			     unsigned long iters)
{
	struct svm_page *page = svm_alloc_pages(svm, SVM_GFP_HIGHUSER |
						SVM_GFP_NOWARN, 0);
	cycles_t start;
	unsigned long i;

	if (!page || !svm_page_test_highmem(page)) {
		if (page)
			svm_free_pages(svm, page, 0);
		return U64_MAX;
	}
	svm_kmap(svm, page);
	svm_kunmap(svm, page);
	start = get_cycles();
	for (i = 0; i < iters; i++) {
		char *addr = svm_kmap(svm, page);

		WRITE_ONCE(*addr, i);
		svm_kunmap(svm, page);
	}
	start = get_cycles() - start;
	svm_free_pages(svm, page, 0);
	return start;
}

static u64 bench_native_kmap(unsigned int order, unsigned long iters)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);
	cycles_t start = get_cycles();
	unsigned long i;

	if (!page)
		return U64_MAX;
	for (i = 0; i < iters; i++) {
		char *addr = kmap_local_page(page);

		WRITE_ONCE(*addr, i);
		kunmap_local(addr);
	}
	start = get_cycles() - start;
	__free_page(page);
	return start;
}

static u64 bench_shadow_kmap_atomic(struct svm_instance *svm,
				    unsigned int order, unsigned long iters)
{
	struct svm_page *page = svm_alloc_pages(svm, SVM_GFP_HIGHUSER |
						SVM_GFP_NOWARN, 0);
	cycles_t start;
	unsigned long i;

	if (!page || !svm_page_test_highmem(page)) {
		if (page)
			svm_free_pages(svm, page, 0);
		return U64_MAX;
	}
	start = get_cycles();
	for (i = 0; i < iters; i++) {
		char *addr = svm_kmap_atomic(svm, page);

		WRITE_ONCE(*addr, i);
		svm_kunmap_atomic(svm, addr);
	}
	start = get_cycles() - start;
	svm_free_pages(svm, page, 0);
	return start;
}

static u64 bench_native_kmap_atomic(unsigned int order, unsigned long iters)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);
	cycles_t start = get_cycles();
	unsigned long i;

	if (!page)
		return U64_MAX;
	/* kmap_atomic() itself, spelt out: checkpatch flags the name. */
	for (i = 0; i < iters; i++) {
		char *addr;

		preempt_disable();
		pagefault_disable();
		addr = kmap_local_page(page);
		WRITE_ONCE(*addr, i);
		kunmap_local(addr);
		pagefault_enable();
		preempt_enable();
	}
	start = get_cycles() - start;
	__free_page(page);
	return start;
}

/* vmalloc + vfree of PAGE_SIZE << order bytes. */
static u64 bench_shadow_vmalloc(struct svm_instance *svm, unsigned int order,
				unsigned long iters)
{
	cycles_t start = get_cycles();
	unsigned long i;

	for (i = 0; i < iters; i++) {
		void *addr = svm_vmalloc(svm, PAGE_SIZE << order,
					 SVM_GFP_KERNEL | SVM_GFP_NOWARN);

		if (!addr)
			return U64_MAX;
		svm_vfree(svm, addr);
	}
	/*
	 * svm_vfree() defers the TLB flush until enough address space is
	 * lazy, and the native vfree() leaves its purge to a worker outside
	 * the timing: both pay for their flush here, inside it.
	 */
	svm_vmalloc_purge(svm);
	return get_cycles() - start;
}

static u64 bench_native_vmalloc(unsigned int order, unsigned long iters)
{
	cycles_t start = get_cycles();
	unsigned long i;

	for (i = 0; i < iters; i++) {
		void *addr = vmalloc(PAGE_SIZE << order);

		if (!addr)
			return U64_MAX;
		vfree(addr);
	}
	/* Purges the lazily freed areas and flushes the TLB, synchronously. */
	vm_unmap_aliases();
	return get_cycles() - start;
}

/*
 * Slab cases: one alloc + one free of an object of @size bytes, the hot
 * per-CPU path, on a cache made for the repetition (warmed by one
 * operation so that its first slab and array caches exist) against a
 * native kmem_cache of the same size and flags.
 */
static u64 bench_shadow_slab(struct svm_instance *svm, unsigned int size,
			     unsigned long iters)
{
	struct svm_kmem_cache *cachep;
	cycles_t start = 0;
	unsigned long i;
	char name[32];
	void *obj;

	snprintf(name, sizeof(name), "bench-%u", size);
	cachep = svm_kmem_cache_create(svm, name, size, 0,
				       SVM_SLAB_HWCACHE_ALIGN, NULL);
	if (!cachep)
		return U64_MAX;
	obj = svm_kmem_cache_alloc(cachep, SVM_GFP_KERNEL | SVM_GFP_NOWARN);
	if (!obj)
		goto fail;
	svm_kmem_cache_free(cachep, obj);
	start = get_cycles();
	for (i = 0; i < iters; i++) {
		obj = svm_kmem_cache_alloc(cachep,
					   SVM_GFP_KERNEL | SVM_GFP_NOWARN);
		if (!obj)
			goto fail;
		svm_kmem_cache_free(cachep, obj);
	}
	start = get_cycles() - start;
	svm_kmem_cache_destroy(cachep);
	return start;
fail:
	svm_kmem_cache_destroy(cachep);
	return U64_MAX;
}

static u64 bench_native_slab(unsigned int size, unsigned long iters)
{
	struct kmem_cache *cachep;
	cycles_t start;
	unsigned long i;
	char name[32];
	void *obj;

	snprintf(name, sizeof(name), "svm-bench-%u", size);
	cachep = kmem_cache_create(name, size, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!cachep)
		return U64_MAX;
	obj = kmem_cache_alloc(cachep, GFP_KERNEL | __GFP_NOWARN);
	if (!obj)
		goto fail;
	kmem_cache_free(cachep, obj);
	start = get_cycles();
	for (i = 0; i < iters; i++) {
		obj = kmem_cache_alloc(cachep, GFP_KERNEL | __GFP_NOWARN);
		if (!obj)
			goto fail;
		kmem_cache_free(cachep, obj);
	}
	start = get_cycles() - start;
	kmem_cache_destroy(cachep);
	return start;
fail:
	kmem_cache_destroy(cachep);
	return U64_MAX;
}

/* svm_kmalloc() + svm_kfree() of @size bytes against kmalloc() + kfree(). */
static u64 bench_shadow_kmalloc(struct svm_instance *svm, unsigned int size,
				unsigned long iters)
{
	cycles_t start = get_cycles();
	unsigned long i;

	for (i = 0; i < iters; i++) {
		void *obj = svm_kmalloc(svm, size,
					SVM_GFP_KERNEL | SVM_GFP_NOWARN);

		if (!obj)
			return U64_MAX;
		svm_kfree(svm, obj);
	}
	return get_cycles() - start;
}

static u64 bench_native_kmalloc(unsigned int size, unsigned long iters)
{
	cycles_t start = get_cycles();
	unsigned long i;

	for (i = 0; i < iters; i++) {
		void *obj = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);

		if (!obj)
			return U64_MAX;
		kfree(obj);
	}
	return get_cycles() - start;
}

static const struct svm_bench_case svm_bench_cases[] = {
	{ "buddy_order0", 0, bench_shadow_buddy, bench_native_buddy },
	{ "buddy_order3", 3, bench_shadow_buddy, bench_native_buddy },
	{ "buddy_order9", 9, bench_shadow_buddy, bench_native_buddy },
	{ "slab_64", 64, bench_shadow_slab, bench_native_slab },
	{ "slab_256", 256, bench_shadow_slab, bench_native_slab },
	{ "slab_1024", 1024, bench_shadow_slab, bench_native_slab },
	{ "kmalloc_256", 256, bench_shadow_kmalloc, bench_native_kmalloc },
	{ "kmap_high", 0, bench_shadow_kmap, bench_native_kmap },
	{ "kmap_atomic", 0, bench_shadow_kmap_atomic, bench_native_kmap_atomic },
	{ "vmalloc_16k", 2, bench_shadow_vmalloc, bench_native_vmalloc },
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static DEFINE_MUTEX(svm_bench_mutex);

/**
 * svm_bench_run() - run one benchmark case on both sides
 * @svm: the instance to measure
 * @name: case name, e.g. "buddy_order0"
 * @iters: operations per repetition
 * @reps: repetitions counted (one more runs first as a warm-up); every
 *        other one runs the native side first
 * @buf: where to print the result line
 * @len: size of @buf
 *
 * Context: process context; may sleep between repetitions. Takes the
 * bench mutex: runs of all instances are serialized.
 * Return: 0, -EINVAL for an unknown case or out-of-range counts, -ENOMEM
 * when an allocation inside a loop failed, -EINTR when killed waiting for
 * another run.
 */
int svm_bench_run(struct svm_instance *svm, const char *name,
		  unsigned long iters, unsigned int reps, char *buf, size_t len)
{
	const struct svm_bench_case *bc = NULL;
	u64 shadow[SVM_BENCH_MAX_REPS], native[SVM_BENCH_MAX_REPS], sm, nm;
	unsigned int i;
	size_t off;

	for (i = 0; i < ARRAY_SIZE(svm_bench_cases); i++)
		if (!strcmp(name, svm_bench_cases[i].name))
			bc = &svm_bench_cases[i];
	if (!bc || !iters || iters > SVM_BENCH_MAX_ITERS || !reps ||
	    reps > SVM_BENCH_MAX_REPS)
		return -EINVAL;

	/*
	 * One run at a time: the slab cases create caches of fixed names,
	 * which the kernel refuses to see twice, and runs side by side
	 * would measure each other anyway.
	 */
	if (mutex_lock_killable(&svm_bench_mutex))
		return -EINTR;
	for (i = 0; i <= reps; i++) {
		u64 s, n;

		if (i % 2) {
			n = bc->native(bc->order, iters);
			s = bc->shadow(svm, bc->order, iters);
		} else {
			s = bc->shadow(svm, bc->order, iters);
			n = bc->native(bc->order, iters);
		}
		if (s == U64_MAX || n == U64_MAX) {
			mutex_unlock(&svm_bench_mutex);
			return -ENOMEM;
		}
		if (i) {
			shadow[i - 1] = s;
			native[i - 1] = n;
		}
		cond_resched();
	}
	mutex_unlock(&svm_bench_mutex);
	off = scnprintf(buf, len, "%s iterations=%lu reps=%u", bc->name, iters,
			reps);
	/* Before median() sorts them: in the order they ran, paired. */
	for (i = 0; i < reps; i++)
		off += scnprintf(buf + off, len - off, "%s%llu/%llu",
				 i ? "," : " cycles=", shadow[i], native[i]);
	sm = median(shadow, reps);
	nm = median(native, reps);
	scnprintf(buf + off, len - off,
		  " shadow=%llu native=%llu unit=cycles_per_op\n",
		  div64_u64(sm, iters), div64_u64(nm, iters));
	return 0;
}

/**
 * svm_bench_fragmentation() - how much a mix of unmovable and movable
 *                             pages fragments a zone
 * @mobility: group pages by mobility
 * @nr_pages: size of the private instance to run on
 * @res: the figures measured
 *
 * On a private instance with one NORMAL zone, fill the zone with order-0
 * pages, one unmovable request in every eight and movable ones between
 * them, then free the movable ones and look at the free lists: with
 * grouping, the unmovable pages share few pageblocks and large blocks come
 * back; without it they pin every eighth page.
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM when the instance cannot be created.
 */
int svm_bench_fragmentation(bool mobility, unsigned long nr_pages,
			    struct svm_frag_result *res)
{
	struct svm_params params = {
		.name = mobility ? "frag-grouped" : "frag-mixed",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = NUMA_NO_NODE,
		.dma_pages = SVM_ZONE_NONE,
		.highmem_pages = SVM_ZONE_NONE,
		.no_mobility = !mobility,
	};
	struct svm_instance *svm = svm_instance_create(&params);
	struct svm_page **pages;
	struct svm_zone *zone;
	unsigned long i, n = 0;
	int order;

	if (IS_ERR(svm))
		return PTR_ERR(svm);
	pages = kvcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		svm_instance_destroy(svm);
		return -ENOMEM;
	}
	memset(res, 0, sizeof(*res));
	for (n = 0; n < nr_pages; n++) {
		svm_gfp_t gfp = SVM_GFP_KERNEL | SVM_GFP_NOWARN;

		if (n % 8)
			gfp |= SVM_GFP_MOVABLE;
		pages[n] = svm_alloc_pages(svm, gfp, 0);
		if (!pages[n])
			break;
	}
	res->allocated = n;
	for (i = 0; i < n; i++)
		if (i % 8)
			svm_free_pages(svm, pages[i], 0);
	svm_drain_all_pages(svm);

	zone = svm_preferred_zone(svm, NUMA_NO_NODE, SVM_GFP_KERNEL);
	spin_lock(&zone->lock);
	for (order = SVM_MAX_ORDER; order >= 0; order--) {
		unsigned long nr_free = zone->free_area[order].nr_free;

		if (nr_free && !res->max_free_order)
			res->max_free_order = order;
		if (order >= svm->pb_order)
			res->free_in_pageblocks += nr_free << order;
		res->free_pages += nr_free << order;
	}
	spin_unlock(&zone->lock);

	for (i = 0; i < n; i += 8)
		svm_free_pages(svm, pages[i], 0);
	kvfree(pages);
	svm_instance_destroy(svm);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_bench_fragmentation);

static int svm_bench_frag_run(char *buf, size_t len)
{
	struct svm_frag_result on, off;
	int ret;

	ret = svm_bench_fragmentation(true, SVM_BENCH_FRAG_PAGES, &on);
	if (!ret)
		ret = svm_bench_fragmentation(false, SVM_BENCH_FRAG_PAGES,
					      &off);
	if (ret)
		return ret;
	scnprintf(buf, len,
		  "fragmentation grouped: max_free_order=%u free_in_pageblocks=%lu/%lu mixed: max_free_order=%u free_in_pageblocks=%lu/%lu\n",
		  on.max_free_order, on.free_in_pageblocks, on.free_pages,
		  off.max_free_order, off.free_in_pageblocks, off.free_pages);
	return 0;
}

static int bench_open(struct inode *inode, struct file *file)
{
	file->private_data = kzalloc(SVM_BENCH_RESULT_LEN, GFP_KERNEL);
	return file->private_data ? 0 : -ENOMEM;
}

static int bench_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/* The next blank-separated word of @*s, or NULL when none is left. */
static char *bench_word(char **s)
{
	if (!*s)
		return NULL;
	*s = skip_spaces(*s);
	if (!**s)
		return NULL;
	return strsep(s, " \t\n\r\v\f");
}

/*
 * "<case> [iterations [reps]]": each count a plain decimal number, nothing
 * after the last; "fragmentation" takes none. sscanf() would take "-1" or
 * "10x" as no count or as 10, and run what was not asked for.
 */
static int bench_parse(char *cmd, char **name, unsigned long *iters,
		       unsigned int *reps)
{
	char *iters_str, *reps_str;

	*name = bench_word(&cmd);
	iters_str = bench_word(&cmd);
	reps_str = bench_word(&cmd);
	if (!*name || bench_word(&cmd))
		return -EINVAL;
	if (!strcmp(*name, "fragmentation"))
		return iters_str ? -EINVAL : 0;
	if (iters_str && kstrtoul(iters_str, 10, iters))
		return -EINVAL;
	if (reps_str && kstrtouint(reps_str, 10, reps))
		return -EINVAL;
	return 0;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct svm_instance *svm = file_inode(file)->i_private;
	unsigned long iters = 10000;
	unsigned int reps = 7;
	char cmd[64], *name;
	int ret;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';

	if (bench_parse(cmd, &name, &iters, &reps)) {
		pr_info("bench: expected \"<case> [iterations [reps]]\" with decimal counts\n");
		return -EINVAL;
	}
	if (!strcmp(name, "fragmentation"))
		ret = svm_bench_frag_run(file->private_data,
					 SVM_BENCH_RESULT_LEN);
	else
		ret = svm_bench_run(svm, name, iters, reps, file->private_data,
				    SVM_BENCH_RESULT_LEN);
	if (ret) {
		pr_info("bench: \"%s %lu %u\" failed: %d\n", name, iters, reps,
			ret);
		return ret;
	}
	return count;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	const char *res = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, res, strlen(res));
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = bench_open,
	.release = bench_release,
	.read = bench_read,
	.write = bench_write,
};

/**
 * svm_bench_debugfs_create() - add the bench file to an instance's directory
 * @svm: the instance the benchmarks run on
 * @dir: its debugfs directory
 */
void svm_bench_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("bench", 0600, dir, svm, &bench_fops);
}
