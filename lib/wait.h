/*
 * wait.h - wait: block until some or all of a set of futures are done.
 * Chapter: 15
 *
 *     done, pending = await asyncio.wait(tasks, timeout=None,
 *                                        return_when=ALL_COMPLETED)
 *
 * wait() does not collect results, it sorts: it returns the futures that
 * are done and the ones still pending, and you look at them yourself.
 * When it returns is return_when:
 *   ASY_FIRST_COMPLETED  as soon as any future is done (or cancelled);
 *   ASY_FIRST_EXCEPTION  as soon as any future raises (a cancellation is
 *                        not an exception here), else when all are done;
 *   ASY_ALL_COMPLETED    when all are done.
 * A timeout makes it return when the time is up with whatever is pending
 * by then. It never cancels anything and never raises TimeoutError: that
 * is the difference from wait_for (chapter 16).
 *
 * How it is built (diagrams/15-wait-wiring.svg), as CPython's _wait():
 * a private "waiter" future that the calling coroutine awaits; a done
 * callback on every future that counts completions and, when return_when
 * is met, sets the waiter's result; and an optional timer that sets it
 * too. Whoever comes first wakes the caller; the others find the waiter
 * done and do nothing. Python keeps the counter in a closure; a C
 * callback has one argument, so the counter, the waiter and the timer
 * live in a small counted object that every callback holds.
 *
 * THE RESULT. The value of ASY_AWAIT(co, asy_wait(...)) is a list of two
 * lists, [done, pending] (Python's tuple of two sets), each holding the
 * futures/tasks themselves (the same objects you passed). asy_wait_done()
 * and asy_wait_pending() take them apart. Python's sets have no order;
 * here each list keeps the order of the arguments (duplicates dropped),
 * which is deterministic, but do not rely on it in code meant to match
 * Python: test membership (asy_list_contains) instead. The duplicates
 * are found with an address map (ptrmap.h), O(1) per future, so wait
 * costs the same per future for a handful or a million.
 *
 * ERRORS, raised at the await (wait is a coroutine, so nothing is checked
 * before it runs), with 3.11's messages:
 *   no futures                ValueError "Set of Tasks/Futures is empty."
 *   a bad return_when         ValueError "Invalid return_when value: N"
 *   a coroutine among them    TypeError "Passing coroutines is forbidden,
 *                             use tasks explicitly." (3.11 no longer wraps
 *                             them: make tasks yourself)
 *   something not a future    TypeError "An asyncio.Future, a coroutine or
 *                             an awaitable is required" (Python fails later,
 *                             with an AttributeError)
 *   no running loop           RuntimeError "no running event loop"
 *   a NULL among them         TypeError "a future was expected, got NULL"
 *
 * A callback added to a future that is done already runs at the next turn
 * (future.h), so wait() on futures that are all done returns after one
 * turn, as in Python.
 *
 * OWNERSHIP. fs (the array and the futures in it) is BORROWED: wait takes
 * its own references, because the caller usually keeps the tasks to
 * compare with what comes back. (gather and as_completed steal theirs:
 * they hand back results, not the objects.) asy_wait returns a new
 * coroutine; the list it returns owns new references.
 */
#ifndef ASY_WAIT_H
#define ASY_WAIT_H

#include <math.h>
#include <stddef.h>

#include "coro.h"
#include "future.h"
#include "list.h"
#include "loop.h"

/* asyncio.FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED. */
typedef enum {
    ASY_FIRST_COMPLETED,
    ASY_FIRST_EXCEPTION,
    ASY_ALL_COMPLETED,
} asy_return_when;

/* The timeout is in seconds of loop time; ASY_NO_TIMEOUT (loop.h, +inf)
 * is Python's timeout=None: wait as long as it takes. Any other value,
 * even 0 or a negative one, -inf or NaN, is a timeout, as in Python, which
 * hands it to call_later: the wait returns at the next turn with what is
 * done by then (a NaN timer is due at once: loop.h). */

/* asyncio.wait(fs, timeout=..., return_when=...): a new coroutine whose
 * value is [done, pending]. fs[0..n-1] are borrowed (see above). */
asy_coro *asy_wait(size_t n, void *const *fs, double timeout, asy_return_when return_when);

/* The same with the futures in a list (borrowed), e.g. the pending half
 * of an earlier result: the idiom `while pending: done, pending = await
 * asyncio.wait(pending, ...)`. */
asy_coro *asy_wait_list(const asy_list *fs, double timeout, asy_return_when return_when);

/* The two halves of wait's result (borrowed from it; NULL if `result` is
 * not what wait returned). */
asy_list *asy_wait_done(asy_value result);
asy_list *asy_wait_pending(asy_value result);

#endif /* ASY_WAIT_H */
