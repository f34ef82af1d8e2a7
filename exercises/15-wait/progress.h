/*
 * progress.h - exercise 15/progress: report progress with wait(timeout=),
 * the idiom `while pending: done, pending = await wait(pending, timeout=T)`.
 *
 *     async def progress(tasks, every, counts):
 *         pending = set(tasks)
 *         ticks = 0
 *         while pending:
 *             done, pending = await asyncio.wait(pending, timeout=every)
 *             counts[ticks] = len(tasks) - len(pending)
 *             ticks += 1
 *         return ticks
 */
#ifndef EX15_PROGRESS_H
#define EX15_PROGRESS_H

#include <stddef.h>

#include "task.h"
#include "wait.h"

/* A coroutine that waits for tasks[0..n-1] (borrowed; distinct), waking at
 * least every `every` seconds: after each wait it writes how many of the
 * tasks are done so far into counts[tick] (for tick < max) and counts a
 * tick. It ends when all are done; its value is asy_int(ticks). A wait
 * ends early when everything is done, so the last tick may come before a
 * full `every`. Nothing is cancelled. n == 0: no wait at all (wait() of
 * nothing is a ValueError), value 0. */
asy_coro *progress(size_t n, asy_task **tasks, double every, size_t *counts, size_t max);

#endif /* EX15_PROGRESS_H */
