/*
 * gather_lite.h - exercise 12.2: run coroutines concurrently, collect the
 * results in order. A first draft of asyncio.gather (chapter 14), built
 * from create_task and await only.
 */
#ifndef GATHER_LITE_H
#define GATHER_LITE_H

#include <stddef.h>

#include "task.h"

/* async def gather_lite(*coros):
 *     tasks = [asyncio.create_task(c) for c in coros]   # all start now
 *     return [await t for t in tasks]                    # results in order
 *
 * A coroutine (new reference) that, when run, wraps each of the n
 * coroutines in a task, so that they run side by side, then awaits the
 * tasks in order and stores each result in results[i] (new references, the
 * caller releases them). It returns n. If a task raises, that exception
 * propagates out of gather_lite (the other tasks are left running; asyncio's
 * gather does the same). Steals the coroutines (the array itself is
 * borrowed and may be gone when gather_lite runs: copy the pointers).
 * results must stay valid until gather_lite has finished. n <= 16. */
asy_coro *gather_lite(asy_coro **coros, size_t n, asy_value *results);

#endif /* GATHER_LITE_H */
