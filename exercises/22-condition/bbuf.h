/*
 * bbuf.h - exercise 22/bbuf: a bounded buffer guarded by a Condition.
 *
 * The classic use of a condition variable: producers wait while the
 * buffer is full, consumers wait while it is empty, and whoever changes
 * the buffer notifies the others.
 *
 *     async def put(self, item):
 *         async with self.cond:
 *             await self.cond.wait_for(lambda: len(self.items) < self.cap)
 *             self.items.append(item)
 *             self.cond.notify_all()
 *
 *     async def get(self):
 *         async with self.cond:
 *             await self.cond.wait_for(lambda: len(self.items) > 0)
 *             item = self.items.popleft()
 *             self.cond.notify_all()
 *             return item
 *
 * One condition serves both kinds of waiter, so a change must wake ALL of
 * them (notify_all): notify(1) could wake a producer when only a consumer
 * can go on, and the wake-up would be lost. Every waiter re-checks its own
 * predicate (wait_for) and goes back to sleep if it is not its turn.
 * Chapter 24's Queue does the same job with two waiter queues instead.
 */
#ifndef EX22_BBUF_H
#define EX22_BBUF_H

#include <stddef.h>

#include "condition.h"
#include "task.h"

#define BBUF_MAX 16

typedef struct bbuf {
    asy_condition *cond;        /* owned */
    asy_value items[BBUF_MAX];  /* a ring: items[(head + i) % BBUF_MAX], owned */
    size_t head, len, cap;      /* cap <= BBUF_MAX */
} bbuf;

/* An empty buffer holding at most cap (1..BBUF_MAX) items. */
void bbuf_init(bbuf *b, size_t cap);
/* Release the condition and the items still buffered. */
void bbuf_free(bbuf *b);

/* await b.put(item): a new coroutine; steals item (released if the put is
 * cancelled before the item went in). Returns None. `b` is borrowed. */
asy_coro *bbuf_put(bbuf *b, asy_value item);
/* await b.get(): a new coroutine returning the oldest item (a new
 * reference for whoever takes it). */
asy_coro *bbuf_get(bbuf *b);

#endif /* EX22_BBUF_H */
