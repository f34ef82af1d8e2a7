/*
 * retry_until.h - exercise 16/retry_until: a retry loop with ONE deadline
 * for everything (all the attempts and the pauses between them), written
 * with a timeout scope (lib/timeout.h: asy_timeout_new / _enter / _exit).
 *
 * The Python it stands for:
 *
 *     async def retry_until(total, pause, attempt):
 *         async with asyncio.timeout(total):
 *             i = 1
 *             while True:
 *                 try:
 *                     return await attempt(i)
 *                 except Exception:          # failed: pause, try again
 *                     await asyncio.sleep(pause)
 *                     i += 1
 */
#ifndef EX16_RETRY_UNTIL_H
#define EX16_RETRY_UNTIL_H

#include "task.h"
#include "timeout.h"

/* Makes attempt number i (1, 2, 3, ...) as a new coroutine (new reference). */
typedef asy_coro *(*attempt_fn)(int i, void *arg);

/* retry_until(total, pause, attempt, arg): a new coroutine that, run in a
 * task,
 *   1. awaits attempt(1, arg), attempt(2, arg), ... until one returns, and
 *      returns what it returned;
 *   2. after an attempt that raised an Exception (asy_exc_is(e,
 *      &asy_Exception)), sleeps `pause` seconds before the next one;
 *   3. gives up with TimeoutError when `total` seconds of loop time have
 *      passed since it started, whether in an attempt (which is cancelled)
 *      or in a pause;
 *   4. lets a CancelledError from outside propagate as it is;
 *   5. leaves nothing scheduled. */
asy_coro *retry_until(double total, double pause, attempt_fn attempt, void *arg);

#endif /* EX16_RETRY_UNTIL_H */
