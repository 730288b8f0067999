// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow OOM killer: the book's mm/oom_kill.c (chapter 13) for one
 * instance's shadow memory. out_of_memory() is svm_out_of_memory(),
 * select_bad_process() is svm_oom_select(), badness() is
 * svm_oom_badness() and oom_kill_task() is svm_oom_kill_task().
 *
 * Which processes use an instance's memory: those whose mm holds a VMA
 * mapping one of its objects (the objects' i_mmap lists of struct
 * svm_vma), and those that opened a descriptor of it (the instance's list
 * of struct svm_oom_file, filled by open() and emptied by release()). A
 * process is charged the resident and swapped pages of each object it
 * maps or opened, once per object. See Documentation/oom.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <kunit/visibility.h>

#include <shadowvm/core.h>
#include <shadowvm/filemap.h>
#include <shadowvm/mmzone.h>
#include <shadowvm/object.h>
#include <shadowvm/oom.h>
#include <shadowvm/swap.h>
#include <shadowvm/vmstat.h>
#include <trace/events/shadowvm.h>

static bool oom_kill = true;
module_param(oom_kill, bool, 0644);
MODULE_PARM_DESC(oom_kill,
		 "When a fault or write() finds no shadow page after reclaim: 1 (default) kills the process using the most shadow memory and retries, 0 fails the caller (SIGBUS, ENOSPC)");

/* A page count in KiB, for the report. */
#define K(x) ((x) << (PAGE_SHIFT - 10))

/*
 * One (mm, object) pair: the mm maps the object, or the process owning it
 * opened a descriptor of it. The mm is grabbed (mmgrab()) so that its
 * address cannot be reused by another mm during the scan.
 */
struct svm_oom_use {
	struct mm_struct *mm;
	const struct svm_object *obj;
	unsigned long pages;
};

/* A process using the instance's memory, as select_bad_process() saw it. */
struct svm_oom_candidate {
	struct mm_struct *mm;
	unsigned long pages;
	struct task_struct *task;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	int adj;
	bool admin;
	bool rawio;
	bool dying;
	bool self;
	unsigned long score;
};

struct svm_oom_scan {
	struct svm_oom_use *uses;
	unsigned int nr_uses;
	unsigned int room;
	struct svm_oom_candidate *cands;
	unsigned int nr_cands;
};

/**
 * svm_oom_init() - set up an instance's OOM killer
 * @svm: the instance; its objects state (svm_object_init()) exists
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int svm_oom_init(struct svm_instance *svm)
{
	struct svm_oom *oom = kzalloc(sizeof(*oom), GFP_KERNEL);

	if (!oom)
		return -ENOMEM;
	oom->svm = svm;
	mutex_init(&oom->lock);
	mutex_init(&oom->files_lock);
	INIT_LIST_HEAD(&oom->files);
	ratelimit_state_init(&oom->dump_rs, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	svm->objects->oom = oom;
	return 0;
}

/**
 * svm_oom_exit() - free an instance's OOM killer; no descriptor is left
 * @svm: the instance
 *
 * Context: process context.
 */
void svm_oom_exit(struct svm_instance *svm)
{
	struct svm_oom *oom = svm->objects ? svm->objects->oom : NULL;

	if (!oom)
		return;
	WARN_ON(!list_empty(&oom->files));
	if (oom->victim)
		put_task_struct(oom->victim);
	mutex_destroy(&oom->files_lock);
	mutex_destroy(&oom->lock);
	kfree(oom);
	svm->objects->oom = NULL;
}

/**
 * svm_oom_file_add() - note a new descriptor of an instance
 * @svm: the instance
 * @of: the descriptor's record, to fill
 * @file: the descriptor's file
 *
 * The descriptor's object is charged to the calling process, the opener.
 *
 * Context: process context; takes the instance's OOM files_lock.
 */
void svm_oom_file_add(struct svm_instance *svm, struct svm_oom_file *of,
		      struct file *file)
{
	struct svm_oom *oom = svm->objects->oom;

	of->file = file;
	of->opener = get_task_pid(current, PIDTYPE_TGID);
	mutex_lock(&oom->files_lock);
	list_add_tail(&of->list, &oom->files);
	mutex_unlock(&oom->files_lock);
}

/**
 * svm_oom_file_del() - forget a descriptor being released
 * @svm: the instance
 * @of: the descriptor's record
 *
 * Context: process context; takes the instance's OOM files_lock.
 */
void svm_oom_file_del(struct svm_instance *svm, struct svm_oom_file *of)
{
	struct svm_oom *oom = svm->objects->oom;

	mutex_lock(&oom->files_lock);
	list_del(&of->list);
	mutex_unlock(&oom->files_lock);
	put_pid(of->opener);
}

/**
 * svm_oom_badness() - how good a victim a process is (the book's badness())
 * @pages: shadow pages (resident and swapped) of the objects it uses
 * @totalpages: shadow pages the instance has, swap included
 * @oom_score_adj: the process's /proc/<pid>/oom_score_adj
 * @admin: it runs as root or has CAP_SYS_ADMIN
 * @rawio: it has CAP_SYS_RAWIO
 *
 * The memory it uses, as the book starts from, divided by 4 for a
 * process with administrator rights (it is trusted and likely important)
 * and by 4 again for one with direct hardware access (killing it could
 * leave hardware in a bad state), as 2.6's badness(). Then the kernel's
 * oom_score_adj: adj/1000 of @totalpages added (or taken off), so that
 * OOM_SCORE_ADJ_MAX makes a process the first choice and
 * OOM_SCORE_ADJ_MIN keeps it from ever being chosen.
 *
 * Context: any.
 * Return: the score; 0 when the process must not be chosen (it uses no
 * shadow page, or its oom_score_adj is OOM_SCORE_ADJ_MIN), else at least 1.
 */
unsigned long svm_oom_badness(unsigned long pages, unsigned long totalpages,
			      int oom_score_adj, bool admin, bool rawio)
{
	long points;

	/* Killing a process that uses no shadow page frees none. */
	if (!pages || oom_score_adj <= OOM_SCORE_ADJ_MIN)
		return 0;
	if (admin)
		pages /= 4;
	if (rawio)
		pages /= 4;
	oom_score_adj = min(oom_score_adj, OOM_SCORE_ADJ_MAX);
	points = (long)min_t(unsigned long, pages, LONG_MAX / 2);
	points += (long)oom_score_adj *
		  (long)min_t(unsigned long, totalpages, INT_MAX) / 1000;
	/* As oom_badness(): an eligible process never scores 0. */
	return points > 0 ? points : 1;
}
EXPORT_SYMBOL_IF_KUNIT(svm_oom_badness);

static int svm_oom_grow(struct svm_oom_scan *s, unsigned int want)
{
	struct svm_oom_use *uses;
	unsigned int room;

	if (want <= s->room)
		return 0;
	room = max(want, 2 * s->room);
	uses = krealloc_array(s->uses, room, sizeof(*uses), GFP_KERNEL);
	if (!uses)
		return -ENOMEM;
	s->uses = uses;
	s->room = room;
	return 0;
}

/* Pages an object holds: resident in its page cache or on swap. */
static unsigned long svm_oom_object_pages(struct svm_object *obj)
{
	return atomic_long_read(&obj->as.nrpages) +
	       atomic_long_read(&obj->as.nrswapped);
}

/* The mm of the process @opener names, grabbed, or NULL when it is gone. */
static struct mm_struct *svm_oom_opener_mm(struct pid *opener)
{
	struct mm_struct *mm = NULL;
	struct task_struct *p, *t;

	rcu_read_lock();
	p = pid_task(opener, PIDTYPE_TGID);
	if (p && !(p->flags & PF_KTHREAD)) {
		/* The leader may have exited before its threads. */
		for_each_thread(p, t) {
			task_lock(t);
			mm = t->mm;
			if (mm)
				mmgrab(mm);
			task_unlock(t);
			if (mm)
				break;
		}
	}
	rcu_read_unlock();
	return mm;
}

/*
 * Charge @obj to every mm mapping it. The VMAs are read under i_mmap_lock,
 * a spinlock, so nothing is allocated there: count them, make room with
 * the lock dropped, and count again until they fit.
 */
static int svm_oom_add_mappers(struct svm_oom_scan *s, struct svm_object *obj,
			       unsigned long pages)
{
	struct svm_address_space *as = &obj->as;
	struct svm_vma *sv;
	unsigned int n;
	int err;

	for (;;) {
		n = 0;
		spin_lock(&as->i_mmap_lock);
		list_for_each_entry(sv, &as->i_mmap, list)
			n++;
		if (s->nr_uses + n <= s->room) {
			list_for_each_entry(sv, &as->i_mmap, list) {
				struct mm_struct *mm = sv->vma->vm_mm;

				/* A VMA on the list keeps its mm alive. */
				mmgrab(mm);
				s->uses[s->nr_uses++] = (struct svm_oom_use) {
					.mm = mm, .obj = obj, .pages = pages,
				};
			}
			spin_unlock(&as->i_mmap_lock);
			return 0;
		}
		spin_unlock(&as->i_mmap_lock);
		err = svm_oom_grow(s, s->nr_uses + n);
		if (err)
			return err;
	}
}

/*
 * Every (mm, object) pair of the instance. The default object is left
 * out: the instance itself holds it, so killing processes never frees it
 * (as tmpfs files outlive the processes that wrote them).
 */
static int svm_oom_collect(struct svm_oom *oom, struct svm_oom_scan *s)
{
	struct svm_object *def = oom->svm->objects->def;
	struct svm_oom_file *of;
	int err = 0;

	mutex_lock(&oom->files_lock);
	list_for_each_entry(of, &oom->files, list) {
		struct svm_object *obj = svm_file_object_get(of->file);
		unsigned long pages = svm_oom_object_pages(obj);
		struct mm_struct *mm;

		if (obj != def && pages) {
			err = svm_oom_grow(s, s->nr_uses + 1);
			mm = err ? NULL : svm_oom_opener_mm(of->opener);
			if (mm)
				s->uses[s->nr_uses++] = (struct svm_oom_use) {
					.mm = mm, .obj = obj, .pages = pages,
				};
			if (!err)
				err = svm_oom_add_mappers(s, obj, pages);
		}
		svm_object_put(obj);
		if (err)
			break;
		cond_resched();
	}
	mutex_unlock(&oom->files_lock);
	return err;
}

static int svm_oom_cmp_use(const void *a, const void *b)
{
	const struct svm_oom_use *x = a, *y = b;

	if (x->mm != y->mm)
		return x->mm < y->mm ? -1 : 1;
	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	return 0;
}

static int svm_oom_cmp_cand(const void *key, const void *elt)
{
	const struct mm_struct *mm = key;
	const struct svm_oom_candidate *c = elt;

	if (mm == c->mm)
		return 0;
	return mm < c->mm ? -1 : 1;
}

/* One candidate per mm, charged each of its objects once; sorted by mm. */
static int svm_oom_candidates(struct svm_oom_scan *s)
{
	struct svm_oom_candidate *c = NULL;
	unsigned int i;

	sort(s->uses, s->nr_uses, sizeof(*s->uses), svm_oom_cmp_use, NULL);
	s->cands = kcalloc(max(s->nr_uses, 1U), sizeof(*s->cands), GFP_KERNEL);
	if (!s->cands)
		return -ENOMEM;
	for (i = 0; i < s->nr_uses; i++) {
		struct svm_oom_use *u = &s->uses[i];

		if (!c || c->mm != u->mm) {
			c = &s->cands[s->nr_cands++];
			c->mm = u->mm;
		} else if (u->obj == u[-1].obj) {
			continue;
		}
		c->pages += u->pages;
	}
	return 0;
}

/*
 * Find the process behind each candidate mm. This is the only walk of
 * every task, under rcu_read_lock() only (as the kernel's
 * select_bad_process()), and light: a pointer lookup per process, a
 * little more for the few that use the instance.
 */
static void svm_oom_find_tasks(struct svm_oom_scan *s)
{
	struct svm_oom_candidate *c;
	struct task_struct *p, *t;
	const struct cred *cred;
	struct mm_struct *mm;

	if (!s->nr_cands)
		return;
	rcu_read_lock();
	for_each_process(p) {
		if (p->flags & PF_KTHREAD)
			continue;
		mm = NULL;
		for_each_thread(p, t) {
			mm = READ_ONCE(t->mm);
			if (mm)
				break;
		}
		if (!mm)
			continue;
		c = bsearch(mm, s->cands, s->nr_cands, sizeof(*c),
			    svm_oom_cmp_cand);
		/* Processes sharing an mm (CLONE_VM): the first one found. */
		if (!c || c->task)
			continue;
		c->task = get_task_struct(p);
		c->pid = task_tgid_nr(p);
		get_task_comm(c->comm, p);
		c->adj = READ_ONCE(p->signal->oom_score_adj);
		cred = __task_cred(p);
		c->admin = uid_eq(cred->uid, GLOBAL_ROOT_UID) ||
			   uid_eq(cred->euid, GLOBAL_ROOT_UID) ||
			   has_capability_noaudit(p, CAP_SYS_ADMIN);
		c->rawio = has_capability_noaudit(p, CAP_SYS_RAWIO);
		c->dying = (t->flags & PF_EXITING) ||
			   (p->signal->flags & SIGNAL_GROUP_EXIT) ||
			   fatal_signal_pending(t);
		c->self = same_thread_group(p, current) || mm == current->mm;
	}
	rcu_read_unlock();
}

static void svm_oom_scan_free(struct svm_oom_scan *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_cands; i++)
		if (s->cands[i].task)
			put_task_struct(s->cands[i].task);
	for (i = 0; i < s->nr_uses; i++)
		mmdrop(s->uses[i].mm);
	kfree(s->cands);
	kfree(s->uses);
}

/*
 * The book's select_bad_process(): the eligible process with the highest
 * score. A process already dying is not chosen again: it is returned in
 * @dying, to be waited for, as the kernel aborts the scan when it meets
 * a victim on its way out. On equal scores the faulting process wins:
 * killing another one frees no more than it uses itself.
 */
static struct svm_oom_candidate *svm_oom_select(struct svm_instance *svm,
						struct svm_oom_scan *s,
						struct svm_oom_candidate **dying)
{
	struct svm_swap_info *si = READ_ONCE(svm->swap);
	unsigned long totalpages = svm->nr_pages;
	struct svm_oom_candidate *chosen = NULL, *c;
	unsigned int i;

	/* The swap slots, read as svm_nr_swap_pages() reads them. */
	if (si)
		totalpages += si->pages;
	*dying = NULL;
	for (i = 0; i < s->nr_cands; i++) {
		c = &s->cands[i];
		if (!c->task)
			continue;
		c->score = svm_oom_badness(c->pages, totalpages, c->adj,
					   c->admin, c->rawio);
		if (!c->score)
			continue;
		if (c->dying && !c->self) {
			*dying = c;
			return NULL;
		}
		if (!chosen || c->score > chosen->score ||
		    (c->score == chosen->score && c->self))
			chosen = c;
	}
	return chosen;
}

/* The kernel's dump_header(), for shadow memory: zones, swap, tasks. */
static void svm_oom_dump_header(struct svm_instance *svm,
				struct svm_oom_scan *s)
{
	struct svm_zone *zone = NULL;
	unsigned int i;

	pr_warn("%s invoked the oom-killer of instance %s: oom_score_adj=%d\n",
		current->comm, svm->name, current->signal->oom_score_adj);
	while ((zone = svm_next_zone(svm, zone)))
		pr_warn("%s Node %d %s free:%lukB min:%lukB low:%lukB high:%lukB managed:%lukB\n",
			svm->name, zone->zone_pgdat->node_id, zone->name,
			K(READ_ONCE(zone->free_pages)), K(zone->pages_min),
			K(zone->pages_low), K(zone->pages_high),
			K(zone->managed_pages));
	pr_warn("%s file pages:%ld dirty:%ld free swap:%lukB\n", svm->name,
		atomic_long_read(&svm->filemap->nr_file_pages),
		atomic_long_read(&svm->filemap->nr_dirty),
		svm_swap_active(svm) ? K(svm_nr_swap_pages(svm)) : 0);
	pr_warn("Tasks state (shadow pages of the objects each maps or opened):\n");
	pr_warn("[  pid  ]    score    pages oom_score_adj name\n");
	for (i = 0; i < s->nr_cands; i++) {
		struct svm_oom_candidate *c = &s->cands[i];

		if (c->task)
			pr_warn("[%7d] %8lu %8lu %13d %s\n", c->pid, c->score,
				c->pages, c->adj, c->comm);
	}
}

/* The book's oom_kill_task(): SIGKILL to every thread of the victim. */
static void svm_oom_kill_task(struct svm_instance *svm,
			      struct svm_oom_candidate *c)
{
	send_sig_info(SIGKILL, SEND_SIG_PRIV, c->task);
	svm_count_vm_event(svm, SVM_OOM_KILL);
	trace_svm_oom_kill(svm->id, c->pid, c->score, c->pages);
	pr_err("Out of memory (instance %s): Killed process %d (%s) score:%lu pages:%lu oom_score_adj:%d\n",
	       svm->name, c->pid, c->comm, c->score, c->pages, c->adj);
}

/*
 * Select and kill, under the instance's oom lock. Returns the process to
 * wait for, referenced (the victim, or one that was dying already), or
 * NULL when the caller must fail: no eligible process, or it is the worst
 * itself.
 */
static struct task_struct *svm_oom_select_and_kill(struct svm_instance *svm)
{
	struct svm_oom_candidate *chosen, *dying;
	struct svm_oom_scan s = { };
	struct task_struct *wait_for = NULL;
	bool dump;

	if (svm_oom_collect(svm->objects->oom, &s) || svm_oom_candidates(&s)) {
		svm_oom_scan_free(&s);
		svm_count_vm_event(svm, SVM_OOM_NO_VICTIM);
		return NULL;
	}
	svm_oom_find_tasks(&s);
	chosen = svm_oom_select(svm, &s, &dying);
	if (dying) {
		svm_count_vm_event(svm, SVM_OOM_WAIT);
		wait_for = get_task_struct(dying->task);
		goto out;
	}
	dump = __ratelimit(&svm->objects->oom->dump_rs);
	if (dump)
		svm_oom_dump_header(svm, &s);
	if (!chosen) {
		svm_count_vm_event(svm, SVM_OOM_NO_VICTIM);
		pr_warn_ratelimited("Out of memory (instance %s): no process to kill, %s (%d) fails\n",
				    svm->name, current->comm,
				    task_tgid_nr(current));
	} else if (chosen->self) {
		svm_count_vm_event(svm, SVM_OOM_SELF);
		pr_warn_ratelimited("Out of memory (instance %s): %s (%d) uses the most (score:%lu pages:%lu) and fails\n",
				    svm->name, chosen->comm, chosen->pid,
				    chosen->score, chosen->pages);
	} else {
		svm_oom_kill_task(svm, chosen);
		wait_for = get_task_struct(chosen->task);
	}
out:
	svm_oom_scan_free(&s);
	return wait_for;
}

/*
 * Whether every thread of @p has finished do_exit() up to exit_notify():
 * its mm is gone and its files are released (exit_task_work() runs the
 * last fput()s before), so whatever it alone held came back.
 */
static bool svm_oom_task_gone(struct task_struct *p)
{
	struct task_struct *t;
	bool gone = true;

	rcu_read_lock();
	for_each_thread(p, t) {
		if (!READ_ONCE(t->exit_state)) {
			gone = false;
			break;
		}
	}
	rcu_read_unlock();
	return gone;
}

/*
 * Wait, killable and at most SVM_OOM_WAIT_MS, for @p to be gone. It is
 * polled: the victim's exit path is the kernel's, with no hook of ours
 * to wake us, and the book's out_of_memory() also just slept and let the
 * allocation be retried.
 */
static bool svm_oom_wait(struct svm_instance *svm, struct task_struct *p)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(SVM_OOM_WAIT_MS);

	while (!svm_oom_task_gone(p)) {
		if (fatal_signal_pending(current))
			return false;
		if (time_after(jiffies, deadline)) {
			svm_count_vm_event(svm, SVM_OOM_WAIT_TIMEOUT);
			pr_warn_ratelimited("Out of memory (instance %s): process %d still not gone after %u ms, %s (%d) fails\n",
					    svm->name, task_tgid_nr(p),
					    SVM_OOM_WAIT_MS, current->comm,
					    task_tgid_nr(current));
			return false;
		}
		schedule_timeout_killable(msecs_to_jiffies(10));
	}
	return true;
}

/**
 * svm_out_of_memory() - free shadow memory by killing a process
 * @svm: the instance that found no page after reclaim
 *
 * The book's out_of_memory(). Called by a fault or a write() whose
 * allocation failed after direct reclaim at the highest priority. Picks
 * the process using the most of the instance's memory
 * (svm_oom_badness()), sends it SIGKILL, logs a report and waits for it
 * to be gone. One kill at a time per instance: a caller finding a victim
 * still on its way out waits for it instead of killing another.
 *
 * Context: process context; no lock of the instance held but an object
 * inode's i_rwsem (write()) or the mmap or VMA lock (a fault). Sleeps up
 * to SVM_OOM_WAIT_MS.
 * Return: true when memory may have come back and the allocation should
 * be retried; false when the caller must fail (oom_kill=0, no victim,
 * the caller itself is the worst, it was killed, or the victim did not
 * go in time).
 */
bool svm_out_of_memory(struct svm_instance *svm)
{
	struct svm_oom *oom = svm->objects->oom;
	struct task_struct *wait_for;
	bool retry;

	if (!READ_ONCE(oom_kill) || fatal_signal_pending(current))
		return false;
	if (mutex_lock_killable(&oom->lock))
		return false;
	if (oom->victim && !svm_oom_task_gone(oom->victim)) {
		svm_count_vm_event(svm, SVM_OOM_WAIT);
		wait_for = get_task_struct(oom->victim);
	} else {
		if (oom->victim)
			put_task_struct(oom->victim);
		oom->victim = NULL;
		wait_for = svm_oom_select_and_kill(svm);
		if (wait_for)
			oom->victim = get_task_struct(wait_for);
	}
	mutex_unlock(&oom->lock);
	if (!wait_for)
		return false;
	retry = svm_oom_wait(svm, wait_for);
	if (retry) {
		mutex_lock(&oom->lock);
		if (oom->victim == wait_for) {
			put_task_struct(oom->victim);
			oom->victim = NULL;
		}
		mutex_unlock(&oom->lock);
	}
	put_task_struct(wait_for);
	return retry;
}
