/*
 * fevent.h - exercise 21/fevent: an Event built from bare futures.
 *
 * asyncio.Event again, without lib/event.c and without the asy_waiter
 * helpers: an array of the futures that wait() calls are awaiting.
 *
 *     async def wait(self):
 *         if self._value:
 *             return True                  # set: no future, no suspension
 *         fut = loop.create_future()
 *         self._waiters.append(fut)
 *         try:
 *             await fut
 *             return True
 *         finally:
 *             self._waiters.remove(fut)    # woken, cancelled or closed
 *
 *     def set(self):
 *         if not self._value:
 *             self._value = True
 *             for fut in self._waiters:
 *                 if not fut.done():
 *                     fut.set_result(True)
 *
 * Note the per-waiter future. One shared future for all waiters would be
 * simpler, and wrong: cancelling a task cancels the future it awaits
 * (chapter 13), so one cancelled waiter would cancel everybody's wait.
 */
#ifndef EX21_FEVENT_H
#define EX21_FEVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "task.h"

typedef struct fevent {
    bool value;
    asy_future **waiters;  /* the array owns a reference to each future */
    size_t n, cap;         /* n futures queued, first come first */
} fevent;

/* A clear event with no waiters. */
void fevent_init(fevent *ev);
/* Release the array (and any futures still in it). */
void fevent_free(fevent *ev);

bool fevent_is_set(const fevent *ev);
void fevent_set(fevent *ev);
void fevent_clear(fevent *ev);

/* await ev.wait(): a new coroutine returning True. `ev` is borrowed: it
 * must outlive the coroutine. */
asy_coro *fevent_wait(fevent *ev);

#endif /* EX21_FEVENT_H */
