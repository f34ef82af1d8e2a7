/*
 * rwlock.h - exercise 22/rwlock: a readers-writer lock (asyncio has none).
 *
 * Many readers may hold it together; a writer holds it alone. Writers are
 * preferred: once a writer waits, new readers wait behind it, so a steady
 * stream of readers cannot starve the writers.
 *
 * It is a condition variable written by hand: one waiter queue (lib/waiters.h)
 * where everyone who cannot enter sleeps, and a release that wakes them
 * ALL (notify_all); each one re-checks its own predicate and either
 * enters or queues again:
 *
 *     can_read  = not writer and writers_waiting == 0
 *     can_write = not writer and readers == 0
 *
 *     async def acquire_write(self):
 *         self.writers_waiting += 1
 *         try:
 *             while not can_write: await <a new waiter future>
 *         finally:
 *             self.writers_waiting -= 1
 *         self.writer = True
 *
 * Why not asy_condition itself? Its notify() needs its lock, which only a
 * coroutine can take; here release is a plain function, so it wakes the
 * waiters directly.
 *
 * Cancellation: a writer that gives up waiting lowers writers_waiting, and
 * that may let readers in: it must wake the queue on its way out.
 */
#ifndef EX22_RWLOCK_H
#define EX22_RWLOCK_H

#include <stdbool.h>

#include "task.h"
#include "waiters.h"   /* asy_waiter */

typedef struct rwlock {
    int readers;          /* readers inside */
    bool writer;          /* a writer inside */
    int writers_waiting;  /* writers queued (they keep new readers out) */
    asy_ilist waiters;    /* asy_waiter links of everyone waiting */
} rwlock;

void rwlock_init(rwlock *rw);

/* New coroutines returning True once inside. `rw` is borrowed. */
asy_coro *rwlock_acquire_read(rwlock *rw);
asy_coro *rwlock_acquire_write(rwlock *rw);

/* NULL, or RuntimeError "rwlock is not read-locked" / "rwlock is not
 * write-locked" (new reference). Both wake every waiter. */
asy_exc *rwlock_release_read(rwlock *rw);
asy_exc *rwlock_release_write(rwlock *rw);

#endif /* EX22_RWLOCK_H */
