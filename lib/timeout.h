/*
 * timeout.h - asyncio.timeout / timeout_at: a deadline on a block of awaits.
 * Chapter: 16
 *
 * CPython: Lib/asyncio/timeouts.py (Python 3.11). Chapter 16 teaches it
 * beside wait_for (wait_for.h): both put a deadline on awaiting, built from
 * what chapters 10-13 made (a timer, task cancellation, cancelling() and
 * uncancel()). wait_for wraps ONE awaitable; a timeout scope guards the
 * current task across several awaits:
 *
 *        async with asyncio.timeout(1.0) as cm:      (Python 3.11)
 *            await step_one()
 *            await step_two()
 *
 *    In C, `async with` is an enter / exit pair around the awaits of the
 *    body, with the body's exception handed to exit, which decides what
 *    goes on (chapter 25's async_with.h gives the same pair as a macro,
 *    with asy_timeout_cm):
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
 *
 * Entering arms a timer (call_at) that cancels the CURRENT task: the
 * CancelledError arrives at whatever await the body is in. Exit disarms the
 * timer and converts that CancelledError into TimeoutError, but only if it
 * is the scope's OWN cancellation: enter remembers task.cancelling(); exit
 * calls task.uncancel() and converts only when the count is back where it
 * was. A cancel() from outside that came too stays a CancelledError, and in
 * nested scopes only the scope whose timer fired converts (the outer one
 * sees the inner's TimeoutError, or the inner one sees a plain
 * CancelledError pass through when the outer expired first).
 * cm.reschedule(when) moves the deadline (loop time; ASY_NO_TIMEOUT: none),
 * cm.when() and cm.expired() ask. The states, as timeouts.py's:
 *     CREATED --enter--> ENTERED --timer fires--> EXPIRING --exit--> EXPIRED
 *                           \------------------exit------------------> EXITED
 *
 * The sentinel ASY_NO_TIMEOUT (loop.h) is +infinity: Python's None; no
 * timer is armed. A negative delay (-inf included) expires at once. A NaN
 * delay or deadline does what CPython's does: timeout(nan) hands it to
 * call_at, whose NaN timer is due at the next turn (loop.h), so the scope
 * expires at the next turn: TimeoutError. cm.when() then answers NaN, as
 * in Python.
 *
 * OWNERSHIP. asy_timeout_new / asy_timeout_at return a new reference to the
 * scope object; keep it in your frame and release it in the frame's clear.
 * asy_timeout_exit steals the exception it is given and returns the one to
 * raise (new reference) or NULL. While entered, the scope holds a reference
 * to its task and its timer; exit gives both back.
 */
#ifndef ASY_TIMEOUT_H
#define ASY_TIMEOUT_H

#include <stdbool.h>

#include "exc.h"
#include "loop.h"

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

#endif /* ASY_TIMEOUT_H */
