// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where shadowvm's tracepoints are instantiated.
 */
#define CREATE_TRACE_POINTS
#include <trace/events/shadowvm.h>
