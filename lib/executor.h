/*
 * executor.h - a thread pool, loop.run_in_executor and asyncio.to_thread.
 * Chapter: 29
 *
 * A blocking call (a read from a slow disk, a library with no non-blocking
 * API, a long computation) inside a coroutine freezes the loop: no other
 * task runs until it returns. The way out is to run it in another thread
 * and await its result. Python's concurrent.futures.ThreadPoolExecutor is
 * the pool (线程池) that does the running; this is the course's own:
 *
 *   - at most max_workers threads, started one at a time as work arrives
 *     and no idle worker is there to take it;
 *   - one work queue (a list under a mutex, a condition variable for the
 *     idle workers): submit() appends an item and returns a thread-safe
 *     future (cfuture.h) for its outcome;
 *   - shutdown(wait): no new work is accepted; the workers finish what is
 *     queued and leave; with wait, the call joins them.
 *
 * loop.run_in_executor(executor, fn, arg) submits fn(arg) and returns an
 * asyncio future of the loop (chapter 11) chained to the thread-safe one
 * (CPython's wrap_future): when the worker is done, the outcome travels to
 * the loop through call_soon_threadsafe; cancelling the asyncio future
 * cancels the work if it has not started. asyncio.to_thread(fn, arg) is
 * run_in_executor on the running loop's default executor.
 *
 * OWNERSHIP. asy_executor_new returns an executor that you free with
 * asy_executor_free (which shuts it down and waits). Work functions steal
 * nothing: `arg` is borrowed during the call (submit stole it and releases
 * it after the call, in the worker thread), and the result they store in
 * *result is a new reference that the future takes.
 */
#ifndef ASY_EXECUTOR_H
#define ASY_EXECUTOR_H

#include <stdbool.h>

#include "cfuture.h"
#include "coro.h"
#include "exc.h"
#include "future.h"
#include "loop.h"
#include "value.h"

/* Work for a thread: returns NULL with *result set (new reference; it
 * starts as None), or the exception it raises (new reference). It runs in
 * a worker thread: it must not touch the loop, except through
 * asy_loop_call_soon_threadsafe. */
typedef asy_exc *(*asy_work_fn)(asy_value arg, asy_value *result);

typedef struct asy_executor asy_executor;

/* ThreadPoolExecutor(max_workers): max_workers <= 0 picks CPython's
 * default, min(32, number of CPUs + 4). Threads start lazily. New
 * executor, or NULL with *error set (error may be NULL). */
asy_executor *asy_executor_new(int max_workers, asy_exc **error);

/* executor.submit(fn, arg): steals arg. A new reference to the thread-safe
 * future of fn(arg), or NULL with *error set: RuntimeError "cannot
 * schedule new futures after shutdown", TypeError for NULL. The thread is
 * started here if no idle worker is there and fewer than max_workers run;
 * when pthread_create fails, the work waits for a running worker (and,
 * with none at all, NULL and RuntimeError "can't start new thread"). */
asy_cfuture *asy_executor_submit(asy_executor *ex, asy_work_fn fn, asy_value arg, asy_exc **error);

/* executor.shutdown(wait): refuse new work; the workers finish the queue
 * and leave. With wait, returns once all of them have left. Calling it
 * again is harmless. */
void asy_executor_shutdown(asy_executor *ex, bool wait);

/* How many threads the executor has started (for tests and demos). */
int asy_executor_threads(asy_executor *ex);

/* Shut down (waiting) and free. NULL-safe. */
void asy_executor_free(asy_executor *ex);

/* loop.run_in_executor(executor, fn, arg): run fn(arg) (arg stolen) in
 * executor, or in the loop's default executor when executor is NULL (made
 * at the first use, as CPython's). Call it on the loop's thread. Returns a
 * new reference to an asyncio future of loop that gets fn's outcome; never
 * NULL: what goes wrong is in the future (awaiting it raises):
 * RuntimeError "Event loop is closed", RuntimeError "Executor shutdown has
 * been called" (the default executor after asyncio.run's shutdown), the
 * executor's own errors. A NULL loop or fn: TypeError, in a future of no
 * loop that can only be inspected and released. */
asy_future *asy_loop_run_in_executor(asy_loop *loop, asy_executor *executor, asy_work_fn fn, asy_value arg);

/* asyncio.to_thread(fn, arg): a coroutine (new reference) that runs
 * fn(arg) (arg stolen) in the running loop's default executor and returns
 * its result. CPython also copies the contextvars context; this library
 * has none. */
asy_coro *asy_to_thread(asy_work_fn fn, asy_value arg);

/* loop.shutdown_default_executor(): a coroutine (new reference) that shuts
 * the loop's default executor down in a helper thread and completes once
 * its threads have left, the loop turning meanwhile (so the results they
 * hand back are delivered). Later run_in_executor(NULL) calls fail. Call
 * it on the loop's thread; asyncio.run (asy_run) does, at the end. */
asy_coro *asy_loop_shutdown_default_executor(asy_loop *loop);

#endif /* ASY_EXECUTOR_H */
