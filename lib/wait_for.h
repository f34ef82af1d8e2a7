/*
 * wait_for.h - asyncio.wait_for: give up on an await after a deadline.
 * Chapter: 16
 *
 * Two ways to put a deadline on an await, both built from what chapters
 * 10-13 made: a timer (call_later / call_at), a future, done callbacks, and
 * task cancellation.
 *
 * 1. asyncio.wait_for(aw, timeout)                  asy_wait_for(aw, timeout)
 *    Runs aw as a task (a coroutine is wrapped; a future is used as it is)
 *    and waits for it, or for a timer, whichever comes first (wait_for() in
 *    wait_for.c has the picture). On timeout the inner task is cancelled
 *    AND WAITED FOR until it has really finished (its cleanup has run), and
 *    only then does the caller see TimeoutError (3.11: the builtin
 *    TimeoutError, whose __cause__ is the inner's CancelledError). Rules,
 *    as CPython 3.11's tasks.py:
 *      - timeout ASY_NO_TIMEOUT (Python's None): a plain `await aw`;
 *      - timeout <= 0: if aw is already done, its result; else cancel it,
 *        wait for it, TimeoutError (or its result, if it refused to die);
 *      - the inner and the timer finishing in the same loop iteration: the
 *        wait_for wakes one iteration later, finds the inner done and
 *        returns its result. (An inner TASK finishes only when its own step
 *        runs, which is after the wait_for's wakeup: it loses.)
 *      - cancelling the wait_for cancels the inner, waits for it, and lets
 *        the CancelledError out;
 *      - wait_for(shield(x), t) (chapter 17): the timeout cancels only the
 *        shield's outer future; x runs on.
 *
 * 2. asyncio.timeout(delay): a scope around several awaits. It lives in
 *    its own module, timeout.h (CPython: timeouts.py), also chapter 16.
 *
 * The sentinel ASY_NO_TIMEOUT is +infinity: Python's None, the same value
 * as wait.h's ASY_NO_TIMEOUT (chapter 15); no timer is armed. A negative
 * timeout (-inf included) cannot be the sentinel: it already means
 * "expire at once". A NaN timeout does what CPython's does:
 * wait_for(aw, nan) hands it to call_later, whose NaN timer is due at
 * the next turn (loop.h), so it expires at the next turn: TimeoutError.
 *
 * OWNERSHIP. asy_wait_for steals aw and returns a new coroutine.
 */
#ifndef ASY_WAIT_FOR_H
#define ASY_WAIT_FOR_H

#include <math.h>

#include "coro.h"
#include "future.h"
#include "task.h"

/* ASY_NO_TIMEOUT and asy_is_no_timeout(t) are in loop.h. */

/* ---- wait_for ---- */

/* asyncio.wait_for(aw, timeout): a coroutine that awaits aw (a coroutine,
 * future or task; stolen) for at most `timeout` seconds of loop time.
 * Returns aw's result; raises aw's exception, or TimeoutError after aw was
 * cancelled and has finished. New reference. */
asy_coro *asy_wait_for(void *aw, double timeout);

#endif /* ASY_WAIT_FOR_H */
