/*
 * stack_walk.h - exercise 31/stack_walk: walk a task's await chain, as
 * print_stack does (lib/introspect.c), by hand.
 *
 * A suspended task is a chain of coroutine frames: t->coro delegates to
 * the coroutine it awaits (its `delegate` field, gen.h), which delegates to
 * the next, down to a future. Each frame knows its function (`name`), its
 * source file (`file`, set by ASY_BEGIN at the first step, NULL before)
 * and the line it is suspended at (`resume`, the __LINE__ of its await;
 * 0 before the first step).
 */
#ifndef EX31_STACK_WALK_H
#define EX31_STACK_WALK_H

#include <stddef.h>

#include "task.h"

/* Write one line per frame of t's await chain into buf, outermost first:
 *
 *     "NAME FILE:LINE\n"       e.g. "fetch chapters/x.c:34\n"
 *
 * with "?" for a FILE that is NULL. Follow `delegate` while it is a
 * coroutine or a generator (asy_iscoroutine / asy_isgenerator); a future
 * ends the chain. Return the number of frames. A NULL task, or one that is
 * done (its coroutine is gone), has no frames: return 0 and leave buf "".
 * buf holds size bytes and is always NUL-terminated (write what fits, as
 * snprintf does; the count is still the whole chain). Do not call
 * asy_task_get_stack: this is the walk it does. */
size_t stack_walk(const asy_task *t, char *buf, size_t size);

#endif /* EX31_STACK_WALK_H */
