/*
 * my_wait_for.h - exercise 16/my_wait_for: wait_for built by hand from a
 * waiter future, a timer and a done callback (lib/wait_for.c does the same
 * with a few more cases).
 *
 * The Python it stands for:
 *
 *     def release(waiter):
 *         if not waiter.done():
 *             waiter.set_result(None)
 *
 *     async def my_wait_for(task, timeout):
 *         loop = asyncio.get_running_loop()
 *         waiter = loop.create_future()
 *         timer = loop.call_later(timeout, release, waiter)
 *         task.add_done_callback(lambda t: release(waiter))
 *         try:
 *             await waiter               # the task finished, or the timer fired
 *         except asyncio.CancelledError:
 *             task.cancel()              # we were cancelled: so is the task
 *             raise
 *         finally:
 *             timer.cancel()
 *         if task.done():
 *             return task.result()       # or raise its exception
 *         task.cancel()
 *         try:
 *             return await task          # wait until it has really finished
 *         except asyncio.CancelledError as e:
 *             raise TimeoutError() from e
 */
#ifndef EX16_MY_WAIT_FOR_H
#define EX16_MY_WAIT_FOR_H

#include "task.h"

/* my_wait_for(task, timeout): a new coroutine (new reference) that steals
 * `task`. When awaited it
 *   1. returns the task's result (or raises its exception) if the task
 *      finishes within `timeout` seconds of loop time;
 *   2. otherwise cancels the task, waits until the task has finished (its
 *      cleanup has run), and raises TimeoutError whose cause
 *      (asy_exc_set_cause) is the task's CancelledError -- or returns the
 *      task's result / raises its error if it did not end cancelled;
 *   3. when it is itself cancelled while waiting, cancels the task and
 *      lets its own CancelledError out;
 *   4. leaves nothing scheduled: the timer is cancelled on every path. */
asy_coro *my_wait_for(asy_task *task, double timeout);

#endif /* EX16_MY_WAIT_FOR_H */
