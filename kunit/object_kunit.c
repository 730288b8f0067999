// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for shadowvm objects on private instances: the size rules
 * (mmap sizes an object until a size is set, set_size truncates, writes
 * grow it, the maximum size), reads and writes through the page cache
 * with holes and page-crossing pieces, the tail past an unaligned size,
 * SEEK_DATA/SEEK_HOLE, and writes racing truncation.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uio.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/highmem.h>
#include <shadowvm/object.h>
#include <shadowvm/page.h>
#include <shadowvm/vmstat.h>

#include "svm_kunit.h"

static struct svm_object *create(struct kunit *test, unsigned long nr_pages)
{
	struct svm_params p = {
		.name = "kunit-object",
		.nr_pages = nr_pages,
		.max_order = MAX_PAGE_ORDER,
		.nid = numa_node_id(),
	};
	struct svm_object *obj = svm_object_create(svm_kunit_instance(test, &p));

	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	return obj;
}

static ssize_t kwrite(struct svm_object *obj, const void *buf, size_t len,
		      loff_t *pos, bool append)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, len);
	return svm_object_write(obj, pos, &it, append);
}

static ssize_t kread(struct svm_object *obj, void *buf, size_t len,
		     loff_t pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_DEST, &kv, 1, len);
	return svm_object_read(obj, &pos, &it);
}

static size_t count_byte(const u8 *p, size_t len, u8 c)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += p[i] == c;
	return n;
}

/* A mapping sizes an object until a size is set; size 0 resets that. */
static void svm_object_map_extent_test(struct kunit *test)
{
	struct svm_object *obj = create(test, 64);

	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), 0);
	svm_object_map_extent(obj, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, obj->size, 3 * PAGE_SIZE);
	svm_object_map_extent(obj, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), 3 * PAGE_SIZE);
	/* Growing allocates nothing. */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrpages), 0);

	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, PAGE_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, obj->sized);
	svm_object_map_extent(obj, 5 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 0), 0);
	KUNIT_EXPECT_FALSE(test, obj->sized);
	svm_object_map_extent(obj, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), 2 * PAGE_SIZE);
	svm_object_map_extent(obj, U64_MAX & PAGE_MASK);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), SVM_MAX_OBJECT_SIZE);
	KUNIT_EXPECT_EQ(test, obj->size, SVM_MAX_OBJECT_SIZE);
	svm_object_put(obj);
}

/* Writes grow the size to the byte; holes read as zeros, unallocated. */
static void svm_object_rw_test(struct kunit *test)
{
	struct svm_object *obj = create(test, 256);
	u8 *buf = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	loff_t pos = 5000;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, kwrite(obj, "hello", 5, &pos, false), 5);
	KUNIT_EXPECT_EQ(test, pos, 5005);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), 5005);
	KUNIT_EXPECT_EQ(test, obj->size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrpages), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrdirty), 1);

	memset(buf, 0xff, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 4 * PAGE_SIZE, 0), 5005);
	KUNIT_EXPECT_EQ(test, count_byte(buf, 5000, 0), 5000);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 5000, "hello", 5), 0);
	KUNIT_EXPECT_EQ(test, buf[5005], 0xff);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 10, 5005), 0);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 10, 1 << 20), 0);
	/* Reading the hole allocated nothing. */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrpages), 1);

	/* Across a page boundary, then the append position. */
	memset(buf, 0x5a, 100);
	pos = 3 * PAGE_SIZE - 50;
	KUNIT_EXPECT_EQ(test, kwrite(obj, buf, 100, &pos, false), 100);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), 3 * PAGE_SIZE + 50);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrpages), 3);
	pos = 0;
	KUNIT_EXPECT_EQ(test, kwrite(obj, "ab", 2, &pos, true), 2);
	KUNIT_EXPECT_EQ(test, pos, 3 * PAGE_SIZE + 52);
	memset(buf, 0, 200);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 200, 3 * PAGE_SIZE - 50), 102);
	KUNIT_EXPECT_EQ(test, count_byte(buf, 100, 0x5a), 100);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 100, "ab", 2), 0);
	svm_object_put(obj);
}

/* Nothing at or past the maximum size; a write is cut short there. */
static void svm_object_max_size_test(struct kunit *test)
{
	struct svm_object *obj = create(test, 64);
	loff_t pos = SVM_MAX_OBJECT_SIZE;
	char buf[16] = "0123456789";

	KUNIT_EXPECT_EQ(test, SVM_MAX_OBJECT_SIZE, 1LL << (32 + PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, kwrite(obj, buf, 1, &pos, false), -EFBIG);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), 0);
	pos = SVM_MAX_OBJECT_SIZE - 4;
	KUNIT_EXPECT_EQ(test, kwrite(obj, buf, 10, &pos, false), 4);
	KUNIT_EXPECT_EQ(test, svm_object_get_size(obj), SVM_MAX_OBJECT_SIZE);
	KUNIT_EXPECT_EQ(test, kwrite(obj, buf, 1, &pos, true), -EFBIG);
	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 10, SVM_MAX_OBJECT_SIZE - 4), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "0123", 4), 0);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrpages), 0);
	svm_object_put(obj);
}

/* set_size truncates the pages past the new size; growing reads zeros. */
static void svm_object_truncate_test(struct kunit *test)
{
	struct svm_object *obj = create(test, 256);
	u8 *buf = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	loff_t pos = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0x33, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, kwrite(obj, buf, 4 * PAGE_SIZE, &pos, false),
			4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, PAGE_SIZE + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrpages), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&obj->as.nrdirty), 2);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, PAGE_SIZE, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 4 * PAGE_SIZE, 0), 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, count_byte(buf, 2 * PAGE_SIZE, 0x33),
			2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, count_byte(buf + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 0),
			2 * PAGE_SIZE);
	svm_object_put(obj);
}

/* What a mapping left past an unaligned size is zeroed when it grows. */
static void svm_object_tail_test(struct kunit *test)
{
	struct svm_object *obj = create(test, 64);
	struct svm_instance *svm = obj->svm;
	struct svm_page *page;
	u8 buf[64], *k;
	loff_t pos = PAGE_SIZE;

	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, PAGE_SIZE), 0);
	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, kwrite(obj, buf, 10, &pos, false), 10);
	/* A mapping's write past the size, inside the last page. */
	page = svm_find_get_page(&obj->as, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	k = svm_kmap(svm, page);
	memset(k + 10, 0xee, PAGE_SIZE - 10);
	svm_kunmap(svm, page);
	svm_put_page(svm, page);

	pos = PAGE_SIZE + 40;
	KUNIT_EXPECT_EQ(test, kwrite(obj, "y", 1, &pos, false), 1);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 64, PAGE_SIZE), 41);
	KUNIT_EXPECT_EQ(test, count_byte(buf, 10, 'x'), 10);
	KUNIT_EXPECT_EQ(test, count_byte(buf + 10, 30, 0), 30);
	KUNIT_EXPECT_EQ(test, buf[40], 'y');
	KUNIT_EXPECT_EQ(test, svm_object_set_size(obj, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, kread(obj, buf, 64, PAGE_SIZE + 1), 64);
	KUNIT_EXPECT_EQ(test, count_byte(buf + 40, 24, 0), 24);
	svm_object_put(obj);
}

static void svm_object_seek_test(struct kunit *test)
{
	struct svm_object *obj = create(test, 64);
	loff_t pos = 2 * PAGE_SIZE + 1;

	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, 0, SEEK_DATA), -ENXIO);
	KUNIT_EXPECT_EQ(test, kwrite(obj, "a", 1, &pos, false), 1);
	pos = 5 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, kwrite(obj, "b", 1, &pos, false), 1);
	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, 0, SEEK_DATA),
			2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, 0, SEEK_HOLE), 0);
	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, 2 * PAGE_SIZE + 9,
						   SEEK_HOLE), 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, 3 * PAGE_SIZE,
						   SEEK_DATA), 5 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, 5 * PAGE_SIZE,
						   SEEK_HOLE), 5 * PAGE_SIZE + 1);
	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, 5 * PAGE_SIZE + 1,
						   SEEK_DATA), -ENXIO);
	KUNIT_EXPECT_EQ(test, svm_object_seek_data(obj, -1, SEEK_HOLE), -ENXIO);
	svm_object_put(obj);
}

struct race {
	struct svm_object *obj;
	struct completion done;
	int writer;
	int bad;
};

static int svm_object_race_fn(void *arg)
{
	struct race *r = arg;
	static const char page[PAGE_SIZE];
	int round, i;
	loff_t pos;

	for (round = 0; round < 50; round++) {
		if (!r->writer) {
			r->bad |= svm_object_set_size(r->obj, 0);
			continue;
		}
		for (i = 0; i < 8; i++) {
			pos = i * PAGE_SIZE;
			if (kwrite(r->obj, page, PAGE_SIZE, &pos, false) !=
			    PAGE_SIZE)
				r->bad = 1;
		}
	}
	complete(&r->done);
	return 0;
}

/* Writes racing truncation leave no page past the size. */
static void svm_object_write_truncate_race_test(struct kunit *test)
{
	struct svm_object *obj = create(test, 256);
	struct svm_instance *svm = obj->svm;
	struct race r[2] = { { .obj = obj, .writer = 1 }, { .obj = obj } };
	struct completion *done[2] = { &r[0].done, &r[1].done };
	void *data[2] = { &r[0], &r[1] };
	struct svm_page *page;
	unsigned long index;

	init_completion(&r[0].done);
	init_completion(&r[1].done);
	svm_kunit_run_threads(test, svm_object_race_fn, data, done, 2,
			      "svm-rw-race");
	KUNIT_EXPECT_EQ(test, r[0].bad, 0);
	KUNIT_EXPECT_EQ(test, r[1].bad, 0);
	KUNIT_EXPECT_EQ(test, obj->size, PAGE_ALIGN(svm_object_get_size(obj)));
	xa_for_each(&obj->as.i_pages, index, page)
		KUNIT_EXPECT_LT(test, index, obj->size >> PAGE_SHIFT);
	svm_object_put(obj);
	KUNIT_EXPECT_EQ(test, svm_vm_event(svm, SVM_PGCACHE_LEAK), 0);
}

static struct kunit_case svm_object_cases[] = {
	KUNIT_CASE(svm_object_map_extent_test),
	KUNIT_CASE(svm_object_rw_test),
	KUNIT_CASE(svm_object_max_size_test),
	KUNIT_CASE(svm_object_truncate_test),
	KUNIT_CASE(svm_object_tail_test),
	KUNIT_CASE(svm_object_seek_test),
	KUNIT_CASE(svm_object_write_truncate_race_test),
	{}
};

static struct kunit_suite svm_object_suite = {
	.name = "shadowvm_object",
	.test_cases = svm_object_cases,
};

kunit_test_suites(&svm_object_suite);
