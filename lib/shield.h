/*
 * shield.h - shield: protect an awaitable from cancellation.
 * Chapter: 17
 *
 * Cancelling a task cancels what it awaits (chapter 13): the cancel goes
 * down the await chain to the innermost future. Sometimes the inner work
 * must finish anyway (a write that must not be cut in half). shield puts a
 * second future between the caller and the work:
 *
 *     res = await asyncio.shield(something())      (Python)
 *     asy_future *outer = asy_shield(something(), &err);   (C, shape 3
 *     if (outer == NULL) ASY_RAISE(co, err);                 of exc.h)
 *     ASY_AWAIT(co, outer);
 *
 *     caller --awaits--> OUTER future <--done callback-- INNER task
 *                        (new, cancellable)              (something())
 *
 * The caller awaits the outer future, so a cancel of the caller cancels
 * only the outer: the caller sees CancelledError at once, and the inner
 * runs on to its end, undisturbed (from its point of view the cancellation
 * never happened). The wiring is two done callbacks (CPython's
 * tasks.shield, diagrams/17-shield.dot):
 *   - inner done  -> copy its outcome to the outer (result, exception, or
 *                    cancelled: an inner cancelled from elsewhere cancels
 *                    the outer too); if the outer was already cancelled,
 *                    only mark the inner's exception as retrieved;
 *   - outer done  -> if the inner still runs, take this shield's inner
 *                    done callback off it (asy_future_remove_done_callback_arg):
 *                    nobody wants its outcome now. A second shield of the
 *                    same inner keeps its own.
 * shield of a future that is already done returns that future itself.
 *
 * To ignore a cancellation completely (not recommended: a task that
 * swallows its cancel cannot be stopped, and asyncio.run, wait_for and
 * TaskGroup rely on cancel working):
 *     try:
 *         res = await shield(something())
 *     except CancelledError:
 *         res = None
 *
 * OWNERSHIP. asy_shield steals aw (a coroutine, future or task) and
 * returns a new reference to the future to await, or NULL with *error (a
 * new reference): TypeError for something not awaitable, RuntimeError "no
 * running event loop" for a coroutine outside a loop. Keep a reference to
 * the inner task if you need it to survive: the outer holds none.
 */
#ifndef ASY_SHIELD_H
#define ASY_SHIELD_H

#include "future.h"
#include "task.h"

/* asyncio.shield(aw). See above. */
asy_future *asy_shield(void *aw, asy_exc **error);

#endif /* ASY_SHIELD_H */
