// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where shadowvm's tracepoints are instantiated.
 */
#define CREATE_TRACE_POINTS
#include <trace/events/shadowvm.h>

#if IS_ENABLED(CONFIG_KUNIT)
/* kunit/vmscan_kunit.c follows reclaim's priorities on this one. */
EXPORT_TRACEPOINT_SYMBOL_GPL(svm_shrink_node);
#endif
