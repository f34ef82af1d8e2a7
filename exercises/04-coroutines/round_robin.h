/*
 * round_robin.h - exercise 04/round_robin: the core loop of a round-robin
 * scheduler (lib/trampoline.c asy_trampoline_run, written by you).
 *
 *     def round_robin(coros):
 *         ready = deque(range(len(coros)))
 *         results = [None] * len(coros)
 *         sends = 0
 *         while ready:
 *             i = ready.popleft()
 *             sends += 1
 *             try:
 *                 coros[i].send(None)
 *             except StopIteration as e:
 *                 results[i] = e.value
 *                 continue
 *             except Exception as e:
 *                 results[i] = e
 *                 continue
 *             ready.append(i)
 *         return results, sends
 */
#ifndef EX04_ROUND_ROBIN_H
#define EX04_ROUND_ROBIN_H

#include "coro.h"

/* Run the n coroutines coros[0..n-1] round robin until all have finished:
 * send None into the first, then the second, ..., then the first again;
 * a coroutine that yields (it gave up its turn) goes to the back of the
 * line, one that finishes leaves it. A finished coroutine is never sent
 * into again.
 *   - Steals every coros[i]: each is released once it has finished.
 *   - Whatever a coroutine yields is released (any yield = "my turn is over").
 *   - results[i] gets coros[i]'s outcome, in the order of coros (not in the
 *     order they finish), as a new reference:
 *       returned x  ->  results[i] = x
 *       raised e    ->  results[i] = asy_exc_value(e)   (the exception as a
 *                       value; the others keep running)
 * Returns the number of sends it made (n == 0: nothing to do, 0). */
int round_robin(asy_coro **coros, int n, asy_value *results);

#endif /* EX04_ROUND_ROBIN_H */
