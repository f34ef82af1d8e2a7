/*
 * take.h - exercise 25/take: an `async for` that stops early and closes
 * what it leaves behind (lib/asyncgen.h).
 *
 * The Python it stands for:
 *
 *     async def take(ag, n, out):
 *         count = 0
 *         try:
 *             if n > 0:
 *                 async for x in ag:
 *                     out[count] = x
 *                     count += 1
 *                     if count == n:
 *                         break
 *         finally:
 *             await ag.aclose()
 *         return count
 */
#ifndef EX25_TAKE_H
#define EX25_TAKE_H

#include <stddef.h>

#include "asyncgen.h"

/* take(ag, n, out): a new coroutine (new reference); ag is borrowed (the
 * coroutine takes its own reference), out[] is the caller's and must stay
 * valid until the coroutine has run. Awaited, it
 *   1. stores the first n values of ag in out[0..] (a new reference each,
 *      over the None that is there) and returns how many it stored (an
 *      int): fewer than n when ag ends first;
 *   2. never starts ag when n is 0;
 *   3. leaves ag CLOSED when it returns, its cleanup done: breaking out of
 *      an async for leaves the generator suspended at its yield, with its
 *      cleanup pending until someone closes it;
 *   4. lets an exception from ag (or a cancellation) propagate, after the
 *      same closing. */
asy_coro *take(asy_asyncgen *ag, size_t n, asy_value *out);

#endif /* EX25_TAKE_H */
