/*
 * finish_then_cancel.h - exercise 17/finish_then_cancel: the honest
 * alternative to ignoring a cancellation. The critical part finishes
 * (shield), and THEN the cancellation is honoured.
 *
 * The Python it stands for:
 *
 *     async def finish_then_cancel(critical):
 *         task = asyncio.create_task(critical)
 *         try:
 *             return await asyncio.shield(task)
 *         except asyncio.CancelledError as cancel:
 *             await asyncio.wait([task])    # let it finish, whatever it gives
 *             raise cancel                  # then stop, as we were asked to
 */
#ifndef EX17_FINISH_THEN_CANCEL_H
#define EX17_FINISH_THEN_CANCEL_H

#include "shield.h"

/* finish_then_cancel(critical): a new coroutine that steals `critical` and,
 * run in a task,
 *   1. runs critical as a task of its own and returns its result (or
 *      raises its exception) when nothing is cancelled;
 *   2. when its own task is cancelled meanwhile, does NOT cancel the
 *      critical task: it waits until the critical task has finished (its
 *      outcome is dropped, and not reported as never retrieved), then
 *      raises the CancelledError it got -- so its task ends cancelled, but
 *      only after the critical part is done;
 *   3. leaves nothing scheduled. */
asy_coro *finish_then_cancel(asy_coro *critical);

#endif /* EX17_FINISH_THEN_CANCEL_H */
