/*
 * tg_gather.h - exercise 19/tg_gather: run coroutines side by side in a
 * TaskGroup and collect their results in order (lib/taskgroup.h).
 *
 * The Python it stands for:
 *
 *     async def tg_gather(coros, results):
 *         async with asyncio.TaskGroup() as tg:
 *             tasks = [tg.create_task(c) for c in coros]
 *         # here every task has finished
 *         for i, t in enumerate(tasks):
 *             results[i] = t.result()
 *         return len(tasks)
 */
#ifndef EX19_TG_GATHER_H
#define EX19_TG_GATHER_H

#include <stddef.h>

#include "taskgroup.h"

/* tg_gather(n, coros, results): a new coroutine (new reference) that
 * steals coros[0..n-1] (the array itself is borrowed and must stay valid
 * until the coroutine has run). Run in a task, it
 *   1. runs all n coroutines at the same time, as tasks of one TaskGroup,
 *      so it takes as long as the slowest, not the sum;
 *   2. when all succeed, stores task i's result in results[i] (a new
 *      reference each; results[] is yours, filled with None before) and
 *      returns n (an int);
 *   3. when some fail, lets the TaskGroup's ExceptionGroup propagate: the
 *      first failure has cancelled the others, and results[] is left as it
 *      was. */
asy_coro *tg_gather(size_t n, asy_coro **coros, asy_value *results);

#endif /* EX19_TG_GATHER_H */
