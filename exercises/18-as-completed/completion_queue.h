/*
 * completion_queue.h - exercise 18/completion_queue: the heart of
 * as_completed, built by you: done callbacks drop finished futures into a
 * FIFO, and a consumer coroutine takes them out in that order, waiting on
 * a "getter" future when the FIFO is empty (lib/as_completed.c does the
 * same with several consumers and a timeout).
 *
 *     class CompletionQueue:
 *         def __init__(self, futs):
 *             self.done = collections.deque()
 *             self.getter = None
 *             for f in futs:
 *                 f.add_done_callback(self.on_done)
 *         def on_done(self, f):
 *             self.done.append(f)
 *             if self.getter is not None and not self.getter.done():
 *                 self.getter.set_result(None)
 *         async def next(self):
 *             while not self.done:
 *                 self.getter = loop.create_future()
 *                 await self.getter
 *             return self.done.popleft().result()   # may raise
 */
#ifndef EX18_COMPLETION_QUEUE_H
#define EX18_COMPLETION_QUEUE_H

#include <stddef.h>

#include "future.h"
#include "task.h"

typedef struct completion_queue completion_queue;

/* A queue fed by futs[0..n-1] (borrowed; the queue takes what it needs)
 * as they complete. A counted object: new reference, asy_decref it. */
completion_queue *cq_new(size_t n, asy_future **futs);

/* A coroutine (new reference) whose value is the result of the next
 * future to complete, in completion order, or which raises that future's
 * exception (CancelledError for a cancelled one). One consumer at a time.
 * It holds its own reference to the queue. */
asy_coro *cq_next(completion_queue *q);

#endif /* EX18_COMPLETION_QUEUE_H */
