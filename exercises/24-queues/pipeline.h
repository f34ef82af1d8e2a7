/*
 * pipeline.h - exercise 24/pipeline: a bounded producer-consumer pipeline.
 *
 *     async def pipeline(items, workers, maxsize, process, out):
 *         q = asyncio.Queue(maxsize)
 *
 *         async def worker():
 *             while True:
 *                 x = await q.get()
 *                 try:
 *                     out.append(await process(x))
 *                 except Exception:
 *                     pass                  # a failed item is skipped ...
 *                 finally:
 *                     q.task_done()         # ... but it is done all the same
 *
 *         tasks = [asyncio.create_task(worker()) for _ in range(workers)]
 *         for x in items:
 *             await q.put(x)                # waits while the queue is full
 *         await q.join()                    # every item processed
 *         for t in tasks:
 *             t.cancel()                    # the workers loop forever: stop them
 *         for t in tasks:
 *             try: await t
 *             except asyncio.CancelledError: pass
 *         return len(out)
 *
 * The three things that make it correct: task_done() for EVERY item, even
 * a failed one (or join() waits forever); the workers cancelled at the end
 * (or they wait in get() forever and the program never exits cleanly);
 * and maxsize, so that the producer can never run more than maxsize
 * items ahead of the workers.
 */
#ifndef EX24_PIPELINE_H
#define EX24_PIPELINE_H

#include <stddef.h>

#include "queue.h"
#include "task.h"

/* Process one item: a new coroutine returning an int value (or raising). */
typedef asy_coro *(*process_fn)(long long x);

/* A new coroutine running the pipeline above over items[0..n). Results go
 * to out[*nout] in the order they finish, *nout counting them (out must
 * have n slots; items, out and nout must outlive the coroutine). It
 * returns *nout as an int value. workers >= 1, maxsize >= 1. */
asy_coro *pipeline(const long long *items, size_t n, int workers, long maxsize, process_fn process,
                   long long *out, size_t *nout);

#endif /* EX24_PIPELINE_H */
