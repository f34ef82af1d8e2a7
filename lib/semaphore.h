/*
 * semaphore.h - asyncio.Semaphore and asyncio.BoundedSemaphore.
 * Chapter: 23
 *
 * Mirrors CPython 3.11.7 asyncio/locks.py (classes Semaphore and
 * BoundedSemaphore).
 *
 * A semaphore (信号量) is a counter plus a waiter queue (waiters.h). The
 * counter says how many more acquire() calls may go through right now.
 * acquire() takes one (counter - 1) or, at 0, queues a future and waits;
 * release() gives one back (counter + 1) and wakes the first waiter. A
 * Semaphore(3) therefore lets at most three coroutines be between
 * acquire() and release() at any moment: the classic way to limit
 * concurrency (the notes' 12 fetches, 3 at a time).
 *
 *     value 0, waiters: [fut(f3), fut(f4)]
 *     release(): value 1 -> wake f3: value 0 (the unit is handed to f3
 *                while f3 has not run yet, so nobody can steal it)
 *
 * FIFO. A waker hands the unit to the first waiter that is not done yet,
 * and locked() is true while any live waiter is queued, so a newcomer
 * queues behind the waiters instead of overtaking them.
 *
 * CANCELLATION. A waiter cancelled after it was handed a unit gives it
 * back and wakes the next one: no wake-up is lost. A waiter cancelled
 * while still queued has taken nothing and simply leaves.
 *
 * BoundedSemaphore(n) is a Semaphore that refuses to count above n: a
 * release() without a matching acquire() is a bug, and it says so with
 * ValueError "BoundedSemaphore released too many times".
 *
 * `async with sem:` is the same idiom as the lock's (lock.h):
 *     ASY_AWAIT(co, asy_semaphore_acquire(sem)); ... body ...
 *     ASY_RAISE_IF(co, asy_semaphore_release(sem));
 *
 * OWNERSHIP. The constructors return a new reference, or NULL for a
 * negative value with *error set to ValueError "Semaphore initial value
 * must be >= 0" (exc.h's rule 3).
 * asy_semaphore_acquire returns a new coroutine that holds a reference to
 * the semaphore until it finishes. Errors are new references.
 */
#ifndef ASY_SEMAPHORE_H
#define ASY_SEMAPHORE_H

#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "ilist.h"
#include "loop.h"
#include "value.h"
#include "waiters.h"

typedef struct asy_semaphore {
    asy_obj ob;
    long value;         /* units available now (never below 0) */
    long bound;         /* BoundedSemaphore: the initial value; -1: unbounded */
    asy_ilist waiters;  /* asy_waiter links (waiters.h), first come first */
    asy_loop *loop;     /* owned; bound on the first wait, or NULL */
} asy_semaphore;

extern const asy_type asy_semaphore_type;
extern const asy_type asy_bounded_semaphore_type; /* its base is asy_semaphore_type */

/* asyncio.Semaphore(value=1). New reference with *error NULL; or, if
 * value < 0, NULL with *error = ValueError "Semaphore initial value must
 * be >= 0" (new reference). error may be NULL. */
asy_semaphore *asy_semaphore_new(long value, asy_exc **error);
/* asyncio.BoundedSemaphore(value=1): the same contract. */
asy_semaphore *asy_bounded_semaphore_new(long value, asy_exc **error);

/* sem.locked(): acquire() would not go through at once (value 0, or
 * someone is already queued). */
bool asy_semaphore_locked(const asy_semaphore *sem);

/* sem._value: units available now. */
long asy_semaphore_value(const asy_semaphore *sem);

/* await sem.acquire(): a new coroutine that returns True once it holds
 * a unit. */
asy_coro *asy_semaphore_acquire(asy_semaphore *sem);

/* sem.release(): give a unit back and wake the first waiter. NULL, or (a
 * BoundedSemaphore at its bound) ValueError "BoundedSemaphore released too
 * many times". */
asy_exc *asy_semaphore_release(asy_semaphore *sem);

/* len(sem._waiters) */
size_t asy_semaphore_waiter_count(const asy_semaphore *sem);

#endif /* ASY_SEMAPHORE_H */
