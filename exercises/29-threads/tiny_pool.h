/*
 * tiny_pool.h - exercise 29/tiny_pool: a tiny executor.
 *
 * A thread pool is a work queue and some threads that take work from it:
 *
 *     class TinyPool:
 *         def __init__(self, nthreads):
 *             self.queue, self.shutdown = collections.deque(), False
 *             self.cond = threading.Condition()
 *             self.threads = [Thread(target=self.worker) for _ in range(nthreads)]
 *             for t in self.threads: t.start()
 *
 *         def worker(self):
 *             while True:
 *                 with self.cond:
 *                     while not self.queue and not self.shutdown:
 *                         self.cond.wait()
 *                     if not self.queue:        # shut down, nothing left
 *                         return
 *                     fn, arg, fut = self.queue.popleft()
 *                 # OUTSIDE the lock: the others may take work meanwhile
 *                 if fut.set_running_or_notify_cancel():
 *                     try: fut.set_result(fn(arg))
 *                     except Exception as e: fut.set_exception(e)
 *
 *         def submit(self, fn, arg):
 *             with self.cond:
 *                 if self.shutdown:
 *                     raise RuntimeError("cannot schedule new futures after shutdown")
 *                 fut = concurrent.futures.Future()
 *                 self.queue.append((fn, arg, fut))
 *                 self.cond.notify()            # one idle worker is enough
 *             return fut
 *
 *         def shutdown(self, wait=True):
 *             with self.cond:
 *                 self.shutdown = True
 *                 self.cond.notify_all()        # every worker must see it
 *             if wait:
 *                 for t in self.threads: t.join()
 *
 * (lib/executor.c is the answer key, with threads started lazily; here
 * they all start in tiny_pool_init, which is given.) The futures are the
 * library's thread-safe ones (lib/cfuture.h). The work functions are
 * lib/executor.h's asy_work_fn: asy_exc *fn(asy_value arg, asy_value *result).
 */
#ifndef EX29_TINY_POOL_H
#define EX29_TINY_POOL_H

#include <pthread.h>
#include <stdbool.h>

#include "cfuture.h"
#include "executor.h" /* asy_work_fn */

enum { TINY_POOL_MAX_THREADS = 16 };

typedef struct tiny_job {
    struct tiny_job *next;
    asy_work_fn fn;
    asy_value arg;   /* owned: released after the call */
    asy_cfuture *cf; /* owned: the pool's reference */
} tiny_job;

typedef struct tiny_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    tiny_job *head, *tail; /* the work queue, FIFO */
    bool shutdown;
    int nthreads;
    pthread_t threads[TINY_POOL_MAX_THREADS];
} tiny_pool;

/* Given: start nthreads (1..TINY_POOL_MAX_THREADS) workers. 0 on success. */
int tiny_pool_init(tiny_pool *p, int nthreads);

/* The worker thread's function (p is the pool). */
void *tiny_pool_worker(void *p);

/* submit(fn, arg): steals arg. A new reference to the future of fn(arg);
 * NULL with *error = RuntimeError "cannot schedule new futures after
 * shutdown" (arg released) once shutdown has been called. */
asy_cfuture *tiny_pool_submit(tiny_pool *p, asy_work_fn fn, asy_value arg, asy_exc **error);

/* shutdown(wait): no new work; the workers finish the queue and leave;
 * with wait, return once they all have (join them). Call it with wait
 * exactly once before tiny_pool_destroy. */
void tiny_pool_shutdown(tiny_pool *p, bool wait);

/* Given: release the mutex and condition variable (after shutdown(wait)). */
void tiny_pool_destroy(tiny_pool *p);

#endif /* EX29_TINY_POOL_H */
