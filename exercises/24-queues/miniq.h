/*
 * miniq.h - exercise 24/miniq: a bounded FIFO queue from a ring buffer and
 * two waiter queues.
 *
 * asyncio.Queue's mechanism (lib/queue.c is the answer key; try without):
 *
 *     def _wakeup_next(waiters):          # pop waiters until one is woken
 *         while waiters:
 *             w = waiters.popleft()
 *             if not w.done():
 *                 w.set_result(None)
 *                 break
 *
 *     def put_nowait(self, item):
 *         if self.full(): raise QueueFull
 *         self._queue.append(item)
 *         self._wakeup_next(self._getters)
 *
 *     def get_nowait(self):
 *         if self.empty(): raise QueueEmpty
 *         item = self._queue.popleft()
 *         self._wakeup_next(self._putters)
 *         return item
 *
 *     async def get(self):
 *         while self.empty():
 *             getter = loop.create_future()
 *             self._getters.append(getter)
 *             try:
 *                 await getter
 *             except:
 *                 getter.cancel()                       # in case it is pending
 *                 <remove getter from _getters if still there>
 *                 if not self.empty() and not getter.cancelled():
 *                     self._wakeup_next(self._getters)  # woken, but leaving
 *                 raise
 *         return self.get_nowait()
 *
 *     put() is the mirror image (while self.full(), the putters).
 *
 * Whoever wakes a waiter also takes it off its queue (popleft); a woken
 * waiter loops and checks again, because another coroutine may have taken
 * the item (or the free slot) first.
 */
#ifndef EX24_MINIQ_H
#define EX24_MINIQ_H

#include <stddef.h>

#include "queue.h"  /* asy_QueueFull, asy_QueueEmpty */
#include "task.h"
#include "waiters.h" /* asy_waiter */

#define MINIQ_CAP 8

typedef struct miniq {
    long maxsize;                 /* 1 .. MINIQ_CAP */
    asy_value items[MINIQ_CAP];   /* ring: items[(head + i) % MINIQ_CAP], owned */
    size_t head, len;
    asy_ilist getters, putters;   /* asy_waiter links */
} miniq;

void miniq_init(miniq *q, long maxsize);
/* Release the items still buffered. */
void miniq_free(miniq *q);

/* NULL, or QueueFull (item released). Steals item. */
asy_exc *miniq_put_nowait(miniq *q, asy_value item);
/* NULL and *out = the oldest item (new reference), or QueueEmpty. */
asy_exc *miniq_get_nowait(miniq *q, asy_value *out);

/* New coroutines; `q` is borrowed. put steals item (released if the put
 * is cancelled before it went in) and returns None; get returns the item. */
asy_coro *miniq_put(miniq *q, asy_value item);
asy_coro *miniq_get(miniq *q);

#endif /* EX24_MINIQ_H */
