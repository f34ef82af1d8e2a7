/*
 * sem.h - exercise 23/sem: a Semaphore from a counter and a waiter queue.
 *
 * CPython 3.11.7's Semaphore, in C (lib/semaphore.c is the answer key;
 * try without it):
 *
 *     def locked(self):
 *         return self.value == 0 or any(not w.cancelled() for w in self.waiters)
 *
 *     async def acquire(self):
 *         if not self.locked():
 *             self.value -= 1
 *             return True
 *         fut = loop.create_future(); self.waiters.append(fut)
 *         try:
 *             try:
 *                 await fut
 *             finally:
 *                 self.waiters.remove(fut)
 *         except CancelledError:
 *             if not fut.cancelled():   # we had been handed a unit
 *                 self.value += 1
 *                 self._wake_up_next()
 *             raise
 *         if self.value > 0:
 *             self._wake_up_next()
 *         return True
 *
 *     def release(self):
 *         self.value += 1
 *         self._wake_up_next()
 *
 *     def _wake_up_next(self):          # hand a unit to the first live waiter
 *         for fut in self.waiters:
 *             if not fut.done():
 *                 self.value -= 1
 *                 fut.set_result(True)
 *                 return
 *
 * The unit is taken off the counter by whoever HANDS it out (wake_up_next),
 * not by the waiter when it finally runs: between the two, a newcomer sees
 * value 0 and queues instead of stealing it.
 */
#ifndef EX23_SEM_H
#define EX23_SEM_H

#include <stdbool.h>

#include "task.h"
#include "waiters.h"   /* asy_waiter */

typedef struct sem {
    long value;
    asy_ilist waiters;  /* asy_waiter links, first come first */
} sem;

void sem_init(sem *s, long value);
bool sem_locked(const sem *s);
/* A new coroutine returning True once it holds a unit. `s` is borrowed. */
asy_coro *sem_acquire(sem *s);
void sem_release(sem *s);

#endif /* EX23_SEM_H */
