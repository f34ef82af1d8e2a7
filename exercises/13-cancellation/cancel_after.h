/*
 * cancel_after.h - exercise 13/cancel_after: give a piece of work a
 * deadline by cancelling it (a first look at wait_for, chapter 16).
 *
 * The Python it stands for:
 *
 *     async def cancel_after(work, delay):
 *         task = asyncio.create_task(work)
 *         timer = asyncio.get_running_loop().call_later(delay, task.cancel)
 *         try:
 *             return await task
 *         finally:
 *             timer.cancel()
 */
#ifndef EX13_CANCEL_AFTER_H
#define EX13_CANCEL_AFTER_H

#include "task.h"

/* cancel_after(work, delay): a new coroutine (new reference) that steals
 * `work`. Building it runs nothing. When awaited, it
 *   1. runs work as a task of its own (asy_create_task);
 *   2. schedules, with asy_loop_call_later, a callback that cancels that
 *      task (no message) `delay` seconds from now;
 *   3. awaits the task and returns its result, or raises its exception:
 *      CancelledError when the timer cancelled it;
 *   4. cancels the timer on every path (work finished, failed, was
 *      cancelled, or cancel_after itself was cancelled), so that nothing is
 *      left scheduled: asy_loop_scheduled_count(loop) == 0 at the end;
 *   5. when cancel_after's own task is cancelled while it waits, the inner
 *      task is cancelled too, and cancel_after ends only after the inner
 *      task has finished its cleanup. */
asy_coro *cancel_after(asy_coro *work, double delay);

#endif /* EX13_CANCEL_AFTER_H */
