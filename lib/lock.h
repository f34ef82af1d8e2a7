/*
 * lock.h - asyncio.Lock.
 * Chapter: 20
 *
 * Mirrors CPython 3.11 asyncio/locks.py (class Lock).
 *
 * A lock (锁) is a flag, locked or not, plus a queue of the coroutines
 * waiting for it. No thread is ever blocked: a coroutine that finds the
 * lock taken makes a future, puts it at the back of the lock's waiter
 * queue and awaits it, so its task sleeps until someone completes that
 * future. release() completes the future at the FRONT of the queue, and
 * the first coroutine that asked is the first to get the lock (FIFO).
 *
 *     waiters: [fut(l1), fut(l2)]   release() -> fut(l1).set_result(True)
 *                                   l1's task wakes up, leaves the queue,
 *                                   and takes the lock
 *
 * THE WAITER QUEUE. Every synchronization primitive of chapters 20-24
 * (Lock, Event, Condition, Semaphore, Queue) is this same thing: a state,
 * and a queue of futures that somebody completes. The queue and the loop
 * binding they share have a module of their own, waiters.h (also chapter
 * 20); the Lock is its first user.
 *
 * CANCELLATION. A waiter may be cancelled while queued, or right after
 * release() has picked it (its future is done but its task has not run
 * yet). Either way no wake-up may be lost: the cancelled waiter, on its way
 * out, wakes the next one if the lock is still free (CPython 3.11's
 * _wake_up_first logic). And acquire() does not barge: while a woken
 * waiter has not run yet, a newcomer queues behind it.
 *
 * `async with lock:` IN C. __aenter__ is acquire(), __aexit__ is
 * release(), and release must run on every path out of the body, an
 * exception or a cancellation included. In a coroutine body:
 *
 *     ASY_AWAIT(co, asy_lock_acquire(f->lock));        // async with lock:
 *     ... body: each await is ASY_AWAIT_TRY, then
 *         if (ASY_EXC(co) != NULL) goto unlock;        //   (skip the rest)
 *   unlock:
 *     ASY_RAISE_IF(co, asy_lock_release(f->lock));     // __aexit__ (gen.h)
 *     ...                                              // a pending exception
 *                                                      // goes on from here
 *
 * If the CancelledError arrives while acquire() is still waiting, the
 * lock was never taken and the ASY_AWAIT propagates it at once: release()
 * is not reached, exactly as __aexit__ does not run when __aenter__ fails.
 *
 * LOOP BINDING. A lock is bound to the running loop the first time it
 * needs a future (waiters.h); using it from another loop is RuntimeError
 * "<...> is bound to a different event loop".
 *
 * OWNERSHIP. asy_lock_new returns a new reference. asy_lock_acquire
 * returns a new coroutine, which holds a reference to the lock until it
 * finishes. Errors are returned as new references (NULL: no error).
 */
#ifndef ASY_LOCK_H
#define ASY_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "exc.h"
#include "future.h"
#include "ilist.h"
#include "loop.h"
#include "value.h"
#include "waiters.h"

/* ---- asyncio.Lock ---- */

typedef struct asy_lock {
    asy_obj ob;
    bool locked;
    asy_ilist waiters;  /* asy_waiter links, first come first */
    asy_loop *loop;     /* owned; bound on the first wait, or NULL */
} asy_lock;

extern const asy_type asy_lock_type;

/* asyncio.Lock(): unlocked, no waiters. New reference. */
asy_lock *asy_lock_new(void);

/* lock.locked() */
bool asy_lock_locked(const asy_lock *lock);

/* await lock.acquire(): a new coroutine that returns True once the lock is
 * ours. A free lock with no live waiter is taken without suspending. */
asy_coro *asy_lock_acquire(asy_lock *lock);

/* lock.release(): unlock and wake the first waiter. Releasing an unlocked
 * lock is RuntimeError "Lock is not acquired." (new reference). */
asy_exc *asy_lock_release(asy_lock *lock);

/* len(lock._waiters): queued waiters, cancelled ones not yet gone included. */
size_t asy_lock_waiter_count(const asy_lock *lock);

/* The lock as a value (new reference), and back (borrowed, or NULL): for
 * callbacks, whose one argument is a value. */
static inline asy_value asy_lock_value(asy_lock *lock) { return asy_obj_value(asy_incref(lock)); }
asy_lock *asy_value_lock(asy_value v);

#endif /* ASY_LOCK_H */
