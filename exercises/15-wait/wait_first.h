/*
 * wait_first.h - exercise 15/wait_first: wait(FIRST_COMPLETED) built by
 * you from a waiter future, done callbacks and a timer (what lib/wait.c
 * does for every return_when).
 *
 *     async def wait_first(futs, timeout):
 *         waiter = loop.create_future()
 *         def on_done(f):
 *             if not waiter.done():
 *                 waiter.set_result(f)
 *         def on_timeout():
 *             if not waiter.done():
 *                 waiter.set_result(None)
 *         for f in futs:
 *             f.add_done_callback(on_done)
 *         timer = loop.call_later(timeout, on_timeout)
 *         try:
 *             first = await waiter
 *         finally:
 *             timer.cancel()
 *             for f in futs:
 *                 f.remove_done_callback(on_done)
 *         return -1 if first is None else futs.index(first)
 */
#ifndef EX15_WAIT_FIRST_H
#define EX15_WAIT_FIRST_H

#include <stddef.h>

#include "future.h"
#include "task.h"

/* A coroutine whose value is asy_int(i): the index in futs of the first of
 * futs[0..n-1] to complete (done, failed or cancelled all count), or
 * asy_int(-1) if none has after `timeout` seconds of loop time. It cancels
 * nothing, and before it returns its timer is cancelled and its callbacks
 * are removed from every future. futs (and the futures) are borrowed: the
 * coroutine copies the array and takes its own references. n >= 1. */
asy_coro *wait_first(size_t n, asy_future **futs, double timeout);

#endif /* EX15_WAIT_FIRST_H */
