/*
 * arange.h - exercise 25/arange: an async range generator with cleanup
 * (lib/asyncgen.h).
 *
 * The Python it stands for:
 *
 *     async def arange(start, stop, delay, log):
 *         try:
 *             for i in range(start, stop):
 *                 await asyncio.sleep(delay)   # the value takes time to make
 *                 yield i
 *         finally:
 *             log.closed += 1                  # cleanup: exactly once
 *             log.closed_at = loop.time()
 */
#ifndef EX25_ARANGE_H
#define EX25_ARANGE_H

#include "asyncgen.h"
#include "task.h"

/* What the cleanup writes (the caller's struct, borrowed by the generator). */
typedef struct arange_log {
    int closed;       /* how many times the cleanup ran: 1 once it has */
    double closed_at; /* loop.time() when it ran */
} arange_log;

/* arange(start, stop, delay, log): a new async generator (new reference).
 * Driven by `async for` / anext, it
 *   1. waits `delay` seconds of loop time, then yields start; and so on up
 *      to stop - 1 (nothing at all when start >= stop);
 *   2. runs its cleanup exactly once, however it ends: after the last
 *      value, when aclose() interrupts it at a yield, or when it is
 *      cancelled in the middle of a sleep (the CancelledError then goes
 *      on, out of the anext that was waiting);
 *   3. never runs the cleanup if it was never started (aclose() before
 *      the first anext does nothing, as in Python). */
asy_asyncgen *arange(long long start, long long stop, double delay, arange_log *log);

#endif /* EX25_ARANGE_H */
