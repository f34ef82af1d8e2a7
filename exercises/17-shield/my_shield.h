/*
 * my_shield.h - exercise 17/my_shield: shield built from a future and done
 * callbacks (lib/shield.c is the library's version).
 *
 * The Python it stands for (CPython's tasks.shield, shortened):
 *
 *     def my_shield(inner):
 *         if inner.done():
 *             return inner
 *         outer = loop.create_future()
 *         def _inner_done_callback(inner):
 *             if outer.cancelled():
 *                 if not inner.cancelled():
 *                     inner.exception()      # mark it retrieved
 *                 return
 *             if inner.cancelled():
 *                 outer.cancel()
 *             elif inner.exception() is not None:
 *                 outer.set_exception(inner.exception())
 *             else:
 *                 outer.set_result(inner.result())
 *         inner.add_done_callback(_inner_done_callback)
 *         return outer
 */
#ifndef EX17_MY_SHIELD_H
#define EX17_MY_SHIELD_H

#include "task.h"

/* my_shield(inner): a future to await in place of `inner` (borrowed).
 * Returns a new reference:
 *   - `inner` itself (a new reference to it) when it is already done;
 *   - otherwise a new OUTER future on inner's loop that gets inner's
 *     result, exception, or cancellation when inner finishes. Cancelling
 *     the outer must not touch inner. If the outer was cancelled first, an
 *     exception inner ends with later is marked as retrieved (so it is not
 *     reported as "Task exception was never retrieved"). */
asy_future *my_shield(asy_task *inner);

#endif /* EX17_MY_SHIELD_H */
