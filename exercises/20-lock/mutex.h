/*
 * mutex.h - exercise 20/mutex: a FIFO lock from a waiter queue.
 *
 * Build asyncio.Lock yourself: a flag and a queue of waiters, each one a
 * future that its acquire() awaits. The rules are lib/lock.c's (CPython
 * 3.11's Lock):
 *   - acquire() on a free mutex with no live waiter takes it at once, with
 *     no future and no suspension, and returns True;
 *   - otherwise it queues a new future at the BACK and awaits it; when it
 *     wakes it leaves the queue (on every path) and takes the mutex;
 *   - release() of a free mutex is RuntimeError "Lock is not acquired.";
 *     otherwise it frees the mutex and completes the FIRST waiter's future
 *     (if it is not done already);
 *   - no barging: while a woken waiter has not run yet, a newcomer queues;
 *   - cancellation: a waiter cancelled while queued just leaves; one
 *     cancelled after release() woke it must, if the mutex is still free,
 *     wake the next waiter, or that wake-up is lost and everybody waits
 *     forever.
 */
#ifndef EX20_MUTEX_H
#define EX20_MUTEX_H

#include <stdbool.h>

#include "task.h"
#include "waiters.h"   /* asy_waiter and its helpers */

typedef struct mutex {
    bool locked;
    asy_ilist waiters;  /* asy_waiter links, first come first */
} mutex;

/* An unlocked mutex with an empty queue. */
void mutex_init(mutex *m);

/* await m.acquire(): a new coroutine returning True. `m` is borrowed: it
 * must outlive the coroutine. */
asy_coro *mutex_acquire(mutex *m);

/* m.release(): NULL, or RuntimeError "Lock is not acquired." (new ref). */
asy_exc *mutex_release(mutex *m);

#endif /* EX20_MUTEX_H */
