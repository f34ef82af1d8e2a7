/*
 * cfuture.h - a thread-safe future (Python's concurrent.futures.Future),
 * and run_coroutine_threadsafe.
 * Chapter: 29
 *
 * Chapter 11's future belongs to one loop and one thread: its done
 * callbacks are scheduled on its loop, and nothing in it is locked. A
 * result that crosses threads needs a different box, one any thread may
 * fill, cancel or wait on:
 *
 *   - its state lives under a mutex, and a condition variable wakes the
 *     threads blocked in result(timeout);
 *   - result(timeout) BLOCKS the calling thread (it is not awaitable: a
 *     coroutine must never call it, it would freeze its loop), and raises
 *     the stored exception, CancelledError, or TimeoutError when the
 *     timeout passes first;
 *   - done callbacks run in the thread that completes the future (the
 *     worker that set the result, the thread that cancelled it), or at once
 *     in the thread that adds one to a future already done;
 *   - its states are PENDING -> RUNNING -> FINISHED, or PENDING ->
 *     CANCELLED: a future whose work has started cannot be cancelled.
 *
 * asy_run_coroutine_threadsafe(coro, loop, &err) is the other door: from any
 * thread, it asks `loop` to run `coro` as a task and returns such a future.
 * The two futures are chained as CPython's _chain_future does: when the
 * task is done its outcome is copied into the thread-safe future; when the
 * thread-safe future is cancelled, the task is cancelled on the loop
 * (through call_soon_threadsafe).
 *
 * OWNERSHIP. A thread-safe future is shared by threads, so it is not an
 * asy_obj (whose reference count is not atomic): it has its own atomic
 * count, asy_cfuture_incref / asy_cfuture_decref. New futures are new
 * references. set_result steals the value, set_exception the exception
 * (the setter must not touch them afterwards). Objects' own counts are
 * not atomic, so an object must never be reachable from two threads: what
 * result() and exception() hand out is a COPY (new reference) made under
 * the future's mutex: a str is copied, an exception rebuilt (type,
 * message, value, cause, context), ints, floats and None need nothing.
 * Any other object is shared, not copied: then only one thread at a time
 * may use it, and the producer must have let go of it.
 * Differences from CPython: cancellation raises the library's
 * CancelledError (asyncio's; CPython's concurrent.futures has its own);
 * a done callback cannot fail (it returns nothing; CPython logs what one
 * raises).
 */
#ifndef ASY_CFUTURE_H
#define ASY_CFUTURE_H

#include <stdbool.h>

#include "coro.h"
#include "exc.h"
#include "loop.h"
#include "value.h"

typedef struct asy_cfuture asy_cfuture;

typedef enum {
    ASY_CFUTURE_PENDING,
    ASY_CFUTURE_RUNNING,
    ASY_CFUTURE_CANCELLED,
    ASY_CFUTURE_FINISHED,
} asy_cfuture_state;

/* A done callback: fn(fut, arg), run once in the thread that completes
 * fut. `fut` is borrowed; arg is whatever was given (no ownership). */
typedef void (*asy_cfuture_done_fn)(asy_cfuture *fut, void *arg);

/* concurrent.futures.Future(): a pending future. New reference. */
asy_cfuture *asy_cfuture_new(void);
/* Returns fut (NULL-safe). */
asy_cfuture *asy_cfuture_incref(asy_cfuture *fut);
/* Drops a reference (NULL-safe); the last one frees the future. */
void asy_cfuture_decref(asy_cfuture *fut);

/* State queries: any thread; false (PENDING) for NULL. */
asy_cfuture_state asy_cfuture_get_state(asy_cfuture *fut);
bool asy_cfuture_done(asy_cfuture *fut);      /* FINISHED or CANCELLED */
bool asy_cfuture_cancelled(asy_cfuture *fut);
bool asy_cfuture_running(asy_cfuture *fut);

/* fut.cancel(): true if the future is cancelled now (it was PENDING, or
 * already CANCELLED); false once it runs or has finished. Wakes the
 * waiters and runs the done callbacks in this thread. */
bool asy_cfuture_cancel(asy_cfuture *fut);

/* fut.set_running_or_notify_cancel(): what the worker calls before it
 * starts the work. false if the future was cancelled (skip the work; the
 * waiters were already woken); true if it is now RUNNING. */
bool asy_cfuture_set_running_or_notify_cancel(asy_cfuture *fut);

/* fut.set_result(v) / fut.set_exception(e): steal v / e. Returns NULL, or
 * InvalidStateError (new reference; v or e released) when the future is
 * already done (CANCELLED or FINISHED). Wakes every waiter, then runs the
 * done callbacks in this thread. TypeError for NULL. */
asy_exc *asy_cfuture_set_result(asy_cfuture *fut, asy_value v);
asy_exc *asy_cfuture_set_exception(asy_cfuture *fut, asy_exc *e);

/* fut.result(timeout): blocks this thread until the future is done, at
 * most `timeout` seconds (ASY_NO_TIMEOUT: no limit; 0 or less: do not
 * wait). Returns NULL with *out = the result (new reference), or the
 * exception it raises (new reference): the future's exception,
 * CancelledError, or TimeoutError when it is still not done. */
asy_exc *asy_cfuture_result(asy_cfuture *fut, double timeout, asy_value *out);
/* fut.exception(timeout): NULL with *out = the exception or NULL (new
 * reference), or CancelledError / TimeoutError as result(). */
asy_exc *asy_cfuture_exception(asy_cfuture *fut, double timeout, asy_exc **out);

/* fut.add_done_callback(fn, arg): fn(fut, arg) runs once fut is done, in
 * the thread that completes it; at once, in this thread, if it is already
 * done. Callbacks run in the order they were added. */
void asy_cfuture_add_done_callback(asy_cfuture *fut, asy_cfuture_done_fn fn, void *arg);

/* asyncio.run_coroutine_threadsafe(coro, loop): from any thread (not the
 * loop's own while it is blocked: the loop must turn for the task to
 * run), schedule coro (stolen) to run as a task of loop; returns a new
 * reference to a thread-safe future that gets the task's outcome. Its
 * cancel() cancels the task on the loop. Errors (NULL, *error set, coro
 * released): TypeError "A coroutine object is required" for a NULL or
 * non-coroutine coro, TypeError for a NULL loop, RuntimeError "Event loop
 * is closed". If the task cannot be created on the loop later (the loop
 * refuses), the future gets that exception. error may be NULL. */
asy_cfuture *asy_run_coroutine_threadsafe(asy_coro *coro, asy_loop *loop, asy_exc **error);

#endif /* ASY_CFUTURE_H */
