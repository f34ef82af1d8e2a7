/*
 * first_success.h - exercise 14/first_success: a race where the first
 * SUCCESSFUL result wins and the losers are cancelled.
 *
 *     async def first_success(coros):
 *         tasks = [asyncio.create_task(c) for c in coros]
 *         everyone = asyncio.gather(*tasks, return_exceptions=True)
 *         winner = loop.create_future()
 *         def on_task_done(t):                     # on each task
 *             if not winner.done() and not t.cancelled() and t.exception() is None:
 *                 winner.set_result(t)
 *         def on_all_done(g):                      # on the gather
 *             if not winner.done():
 *                 winner.set_result(None)          # nobody succeeded
 *         ...
 *         t = await winner
 *         for task in tasks:
 *             task.cancel()                        # the losers (the winner is done)
 *         results = await everyone                 # wait until they have stopped
 *         if t is None:
 *             raise results[0]                     # all failed: the first one's error
 *         return t.result()
 */
#ifndef EX14_FIRST_SUCCESS_H
#define EX14_FIRST_SUCCESS_H

#include <stddef.h>

#include "coro.h"
#include "gather.h"

/* A coroutine that runs coros[0..n-1] (n >= 1) as tasks, concurrently:
 *   - its value is the result of the first one to RETURN (one that raises
 *     does not win);
 *   - then every other one is cancelled, and first_success returns only
 *     when all of them have finished (their cleanup has run);
 *   - if every one raises, it raises the exception of coros[0].
 * Steals the coroutines (the array itself is borrowed). New reference. */
asy_coro *first_success(size_t n, asy_coro **coros);

#endif /* EX14_FIRST_SUCCESS_H */
