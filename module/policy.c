// SPDX-License-Identifier: GPL-2.0
/*
 * shadowvm page replacement policies: the table of policies, choosing one
 * for an instance, the per-page state beside each page, and the debugfs
 * "policy" file. The policies themselves are in module/policy_*.c; the
 * interface is described in include/shadowvm/policy.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/page.h>
#include <shadowvm/policy.h>

/* The default first: a NULL or empty name means it. */
static const struct svm_policy_ops *const svm_policies[] = {
	&svm_policy_26,
};

/**
 * svm_policy_lookup() - find a policy by name
 * @name: its name; NULL or "" for the default ("2.6")
 *
 * Return: the policy, or NULL when none has that name.
 */
const struct svm_policy_ops *svm_policy_lookup(const char *name)
{
	int i;

	if (!name || !*name)
		return svm_policies[0];
	for (i = 0; i < ARRAY_SIZE(svm_policies); i++)
		if (sysfs_streq(name, svm_policies[i]->name))
			return svm_policies[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svm_policy_lookup);

/**
 * svm_policy_by_index() - walk the table of policies
 * @i: an index from 0
 *
 * Return: the @i-th policy, or NULL past the last one.
 */
const struct svm_policy_ops *svm_policy_by_index(unsigned int i)
{
	return i < ARRAY_SIZE(svm_policies) ? svm_policies[i] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svm_policy_by_index);

/**
 * svm_policy_names() - the names policy= accepts, for messages
 * @buf: where to write them, separated by commas
 * @size: its size
 *
 * Return: @buf.
 */
const char *svm_policy_names(char *buf, size_t size)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(svm_policies); i++) {
		if (i)
			strlcat(buf, ", ", size);
		strlcat(buf, svm_policies[i]->name, size);
	}
	return buf;
}

/**
 * svm_page_ext() - a policy's per-page state
 * @svm: the instance
 * @page: one of its pages
 *
 * Return: the page's svm_policy_ops.page_ext bytes.
 */
void *svm_page_ext(struct svm_instance *svm, struct svm_page *page)
{
	struct svm_reclaim *rc = svm->reclaim;

	return rc->page_ext + svm_page_to_pfn(svm, page) * rc->ops->page_ext;
}
EXPORT_SYMBOL_IF_KUNIT(svm_page_ext);

/**
 * svm_page_clear_policy() - forget what the policy knew of a page
 * @svm: the instance
 * @page: a page leaving the caches, on no list
 *
 * Clears SVM_PG_active and the policy's per-page state, so that the next
 * owner of the page starts from nothing.
 */
void svm_page_clear_policy(struct svm_instance *svm, struct svm_page *page)
{
	svm_page_clear_active(page);
	if (svm->reclaim->ops->page_ext)
		memset(svm_page_ext(svm, page), 0, svm->reclaim->ops->page_ext);
}

/**
 * svm_policy_init() - give an instance its policy
 * @svm: the instance, with its nodes' reclaim state
 * @name: the policy's name (NULL or "" for the default)
 *
 * Context: process context.
 * Return: 0; -EINVAL for a name no policy has (logged), -ENOMEM.
 */
int svm_policy_init(struct svm_instance *svm, const char *name)
{
	const struct svm_policy_ops *ops = svm_policy_lookup(name);
	struct svm_reclaim *rc = svm->reclaim;
	char names[64];
	int nid, err;

	if (!ops) {
		pr_err("%s: policy=%s: expected one of %s\n", svm->name, name,
		       svm_policy_names(names, sizeof(names)));
		return -EINVAL;
	}
	if (WARN_ON_ONCE(ops->page_ext > sizeof(u64)))
		return -EINVAL;
	if (ops->page_ext) {
		rc->page_ext = kvcalloc(svm->nr_pages, ops->page_ext,
					GFP_KERNEL);
		if (!rc->page_ext)
			return -ENOMEM;
	}
	rc->ops = ops;
	for (nid = 0; ops->init && nid < nr_node_ids; nid++) {
		if (!rc->node[nid])
			continue;
		err = ops->init(rc->node[nid]);
		if (err)
			return err;
	}
	return 0;
}

/**
 * svm_policy_exit() - free an instance's policy state
 * @svm: the instance; its lists are empty. Tolerates a policy that was
 *       never, or only partly, set up.
 */
void svm_policy_exit(struct svm_instance *svm)
{
	struct svm_reclaim *rc = svm->reclaim;
	int nid;

	for (nid = 0; rc->ops && rc->ops->exit && nid < nr_node_ids; nid++)
		if (rc->node[nid] && rc->node[nid]->policy)
			rc->ops->exit(rc->node[nid]);
	kvfree(rc->page_ext);
	rc->page_ext = NULL;
}

static int policy_show(struct seq_file *m, void *unused)
{
	struct svm_instance *svm = m->private;
	const struct svm_policy_ops *ops = svm->reclaim->ops;
	int nid;

	seq_printf(m, "%s %s\n", ops->name, ops->desc);
	seq_printf(m, "page_ext_bytes %u\n", ops->page_ext);
	for (nid = 0; ops->show && nid < nr_node_ids; nid++) {
		struct svm_node_reclaim *node = svm->reclaim->node[nid];

		if (!node)
			continue;
		seq_printf(m, "node %d\n", nid);
		spin_lock(&node->lruvec.lru_lock);
		ops->show(m, node);
		spin_unlock(&node->lruvec.lru_lock);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(policy);

/**
 * svm_policy_debugfs_create() - add "policy" to an instance's directory
 * @svm: the instance
 * @dir: its debugfs directory
 */
void svm_policy_debugfs_create(struct svm_instance *svm, struct dentry *dir)
{
	debugfs_create_file("policy", 0400, dir, svm, &policy_fops);
}
