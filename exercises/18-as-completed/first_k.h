/*
 * first_k.h - exercise 18/first_k: the first k results, in completion
 * order, with as_completed; the rest are cancelled.
 *
 *     async def first_k(coros, k):
 *         tasks = [asyncio.create_task(c) for c in coros]
 *         results = []
 *         try:
 *             for aw in asyncio.as_completed(tasks):
 *                 if len(results) == k:
 *                     break
 *                 results.append(await aw)      # an exception goes out
 *         finally:
 *             for t in tasks:
 *                 t.cancel()
 *             await asyncio.wait(tasks)         # they have all stopped
 *         return results
 */
#ifndef EX18_FIRST_K_H
#define EX18_FIRST_K_H

#include <stddef.h>

#include "as_completed.h"
#include "list.h"
#include "task.h"
#include "wait.h"

/* A coroutine that runs coros[0..n-1] (n >= 1) as tasks and whose value is
 * an asy_list of the first k results in completion order (k <= n). Then
 * every task still running is cancelled, and first_k returns only when all
 * have finished. If one of the first k raises, first_k cancels the rest
 * the same way and raises that exception. Steals the coroutines (the array
 * is borrowed). New reference. */
asy_coro *first_k(size_t n, asy_coro **coros, size_t k);

#endif /* EX18_FIRST_K_H */
