/*
 * wait_for.h - wait_for and timeout scopes: give up after a deadline.
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
 * 2. asyncio.timeout(delay): a scope around several awaits.
 *        async with asyncio.timeout(1.0) as cm:      (Python 3.11)
 *            await step_one()
 *            await step_two()
 *    In C, `async with` is an enter / exit pair around the awaits of the
 *    body, with the body's exception handed to exit, which decides what
 *    goes on:
 *
 *        f->cm = asy_timeout_new(1.0);                  // asyncio.timeout(1.0)
 *        err = asy_timeout_enter(f->cm);                // async with ... as cm:
 *        if (err != NULL) ASY_RAISE(co, err);
 *        ASY_AWAIT_TRY(co, step_one());                 //     await step_one()
 *        if (ASY_EXC(co) == NULL)
 *            ASY_AWAIT_TRY(co, step_two());             //     await step_two()
 *        err = asy_timeout_exit(f->cm, ASY_CATCH(co));  // end of the block
 *        if (err != NULL) ASY_RAISE(co, err);           // TimeoutError, or the body's error
 *
 *    (`err` is a C local: declare it in a block or as a frame field.)
 *    Entering arms a timer (call_at) that cancels the CURRENT task: the
 *    CancelledError arrives at whatever await the body is in. Exit disarms
 *    the timer and converts that CancelledError into TimeoutError, but only
 *    if it is the scope's OWN cancellation: enter remembers
 *    task.cancelling(); exit calls task.uncancel() and converts only when
 *    the count is back where it was. A cancel() from outside that came too
 *    stays a CancelledError, and in nested scopes only the scope whose
 *    timer fired converts (the outer one sees the inner's TimeoutError, or
 *    the inner one sees a plain CancelledError pass through when the outer
 *    expired first). cm.reschedule(when) moves the deadline (loop time;
 *    ASY_NO_TIMEOUT: none), cm.when() and cm.expired() ask.
 *
 * The sentinel ASY_NO_TIMEOUT is +infinity: Python's None, the same value
 * as wait.h's ASY_NO_TIMEOUT (chapter 15); no timer is armed. A negative
 * timeout (-inf included) cannot be the sentinel: it already means
 * "expire at once". A NaN timeout or deadline does what CPython's does:
 * wait_for(aw, nan) and timeout(nan) hand it to call_later / call_at,
 * whose NaN timer is due at the next turn (loop.h), so they expire at
 * the next turn: TimeoutError. cm.when() then answers NaN, as in Python.
 *
 * OWNERSHIP. asy_wait_for steals aw and returns a new coroutine.
 * asy_timeout_new / asy_timeout_at return a new reference to the scope
 * object; keep it in your frame and release it in the frame's clear.
 * asy_timeout_exit steals the exception it is given and returns the one to
 * raise (new reference) or NULL. While entered, the scope holds a
 * reference to its task and its timer; exit gives both back.
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

/* ---- timeout scopes ---- */

typedef struct asy_timeout asy_timeout;

/* asyncio.timeout(delay): a scope whose deadline is loop.time() + delay
 * (ASY_NO_TIMEOUT: none). Reads the running loop's clock; made outside a
 * loop, the scope remembers "no running event loop" and asy_timeout_enter
 * returns that RuntimeError. New reference. */
asy_timeout *asy_timeout_new(double delay);
/* asyncio.timeout_at(when): the same with an absolute deadline in loop
 * time. New reference. */
asy_timeout *asy_timeout_at(double when);

/* async with cm: (__aenter__). NULL, or the error (new reference):
 * RuntimeError "Timeout has already been entered", "Timeout should be used
 * inside a task" (a loop runs, but no task), "no running event loop". */
asy_exc *asy_timeout_enter(asy_timeout *cm);
/* The end of the async with block (__aexit__). `exc` is the exception the
 * body ended with, or NULL (stolen: pass ASY_CATCH(co)). Returns what the
 * block raises (new reference), or NULL: TimeoutError (with exc as its
 * cause) when this scope expired and exc is its own CancelledError, else
 * exc itself. A NULL cm gives TypeError, with exc as its __context__. */
asy_exc *asy_timeout_exit(asy_timeout *cm, asy_exc *exc);

/* cm.when(): the deadline in loop time, or ASY_NO_TIMEOUT (also for NULL). */
double asy_timeout_when(const asy_timeout *cm);
/* cm.expired(): the timer has fired (the scope is expiring or expired). */
bool asy_timeout_expired(const asy_timeout *cm);
/* cm.reschedule(when): a new deadline (ASY_NO_TIMEOUT: none). A deadline
 * already past expires at the next iteration. NULL, or RuntimeError
 * "Timeout has not been entered" / "Cannot change state of expiring
 * Timeout" (expired, finished) when the scope is not active. */
asy_exc *asy_timeout_reschedule(asy_timeout *cm, double when);

#endif /* ASY_WAIT_FOR_H */
