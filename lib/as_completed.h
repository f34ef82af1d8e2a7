/*
 * as_completed.h - as_completed: results in the order they come in.
 * Chapter: 18
 *
 *     for aw in asyncio.as_completed(tasks, timeout=None):
 *         result = await aw          # the earliest result not taken yet
 *
 * gather waits for everything and answers in argument order; as_completed
 * hands out each result as soon as its future completes. In CPython it is
 * a generator: it wraps the awaitables in tasks, puts a done callback on
 * each that drops the finished future into a queue, and yields one small
 * coroutine (_wait_for_one) per future, which takes the next future out
 * of the queue (waiting if it is empty) and returns its result or raises
 * its exception. In C the generator becomes an object and its next():
 *
 *     asy_as_completed *ac = asy_as_completed_new(3, aws, ASY_NO_TIMEOUT);
 *     while (asy_as_completed_left(ac) > 0) {
 *         ASY_AWAIT_TRY(co, asy_as_completed_next(ac));   // = await aw
 *         ... ASY_SENT(co) is the result, or ASY_EXC(co) the exception ...
 *     }
 *     asy_decref(ac);
 * (keep `ac` in the coroutine's frame: it lives across the awaits).
 *
 * The rules, as CPython 3.11 has them:
 *   - results come in completion order; futures completing in the same
 *     turn come in the order their done callbacks run;
 *   - a failed future's exception is raised by the await that takes it,
 *     and the following awaits go on with the others;
 *   - timeout (seconds of loop time, from the moment of the call;
 *     ASY_NO_TIMEOUT for Python's None): when it expires, every await not
 *     yet satisfied raises TimeoutError; results that came in before it
 *     are still handed out first. Nothing is cancelled: the futures keep
 *     running, as with wait(). Zero, a negative timeout, -inf and NaN
 *     expire at the next turn (CPython hands them all to call_later;
 *     loop.h says what a NaN timer does); only +inf is None;
 *   - the same awaitable passed twice counts once (Python's set(fs));
 *   - every completion costs O(1), however many futures there are. For
 *     that the object counts the futures still to come instead of
 *     removing each completed one from a set, and keeps its references
 *     to the completed ones until the last completes (or the timeout, or
 *     the object goes): Python lets each go as it completes. Only the
 *     moment those futures can be freed differs;
 *   - asy_as_completed_left() is how many awaits are still to come
 *     (Python's loop runs len(set(fs)) times); next() after the last one
 *     gives a coroutine raising StopIteration, which the coroutine
 *     machinery turns into RuntimeError "coroutine raised StopIteration",
 *     just as a next() on an exhausted iterator inside a Python coroutine.
 *
 * The queue is CPython's asyncio.Queue in miniature (chapter 24 builds the
 * real one): a FIFO of finished futures and a FIFO of "getter" futures,
 * one per _wait_for_one blocked on the empty queue; putting a future wakes
 * the first getter.
 *
 * The done callbacks reach the object through a link that does not own it
 * (gather.h explains why: a reference cycle otherwise). Drop the object
 * early (break out of the loop) and the callbacks still to come find
 * nobody; the futures run on.
 *
 * ERRORS that Python's generator raises at the first next() (an argument
 * that is not a future or coroutine: TypeError; futures of different
 * loops: ValueError; no running loop: RuntimeError) are raised by the
 * first await here; left() is then 1, then 0.
 *
 * OWNERSHIP. asy_as_completed_new steals each aws[i] (the array is
 * borrowed) and returns a new reference: asy_decref it when done. next()
 * returns a new coroutine, which holds its own reference to the object.
 */
#ifndef ASY_AS_COMPLETED_H
#define ASY_AS_COMPLETED_H

#include <stddef.h>

#include "coro.h"
#include "future.h"
#include "gather.h"
#include "wait.h"

typedef struct asy_as_completed asy_as_completed;

/* asyncio.as_completed(aws, timeout=...): coroutines become tasks now,
 * and the timeout starts now. Steals aws[0..n-1]. New reference. */
asy_as_completed *asy_as_completed_new(size_t n, void **aws, double timeout);

/* How many next() calls still have a result (or an error) to give. */
size_t asy_as_completed_left(const asy_as_completed *ac);

/* The next awaitable: a new coroutine whose value is the next result in
 * completion order (or which raises that future's exception, or
 * TimeoutError). */
asy_coro *asy_as_completed_next(asy_as_completed *ac);

#endif /* ASY_AS_COMPLETED_H */
