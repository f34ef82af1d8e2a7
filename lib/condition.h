/*
 * condition.h - asyncio.Condition: wait until notified, holding a lock.
 * Chapter: 22
 *
 * Mirrors CPython 3.11 asyncio/locks.py (class Condition).
 *
 * A condition (条件) is a lock (lock.h) plus a second waiter queue. A
 * coroutine that holds the lock and finds the shared state not ready calls
 * wait(): it RELEASES the lock, queues a future and sleeps; when notified
 * it re-acquires the lock before wait() returns, so on both sides of
 * wait() the caller holds the lock. notify(n) wakes the first n waiters,
 * in the order they started waiting; notify_all() wakes them all. Both
 * must be called with the lock held, and neither releases it: the woken
 * waiters run only once the notifier lets the lock go.
 *
 *     holder: async with cond: cond.notify(1)      waiters: [fut(c1), fut(c2)]
 *               -> fut(c1).set_result(False)       c1 wakes, then waits for
 *             (end of async with: release)         the LOCK's queue, gets it
 *
 * wait_for(predicate) is the loop everybody should write around wait():
 * `while not (result := predicate()): await wait()`, then `return result`.
 *
 * CANCELLATION. A waiter cancelled in wait() still re-acquires the lock
 * before the CancelledError reaches it (it may have to wait for the lock
 * to do so; a second cancellation during that wait is remembered and
 * raised afterwards). Its caller's cleanup therefore always runs with the
 * lock held, and its `async with` can release it. One difference from
 * CPython: when the coroutine is CLOSED (GeneratorExit, its loop closing
 * under it), wait() does not try to re-acquire: a closed coroutine cannot
 * suspend again, and CPython would report "coroutine ignored GeneratorExit".
 *
 * OWNERSHIP. asy_condition_new returns a new reference and takes its own
 * reference to the lock it is given. The coroutines hold a reference to the
 * condition until they finish. Errors are new references.
 */
#ifndef ASY_CONDITION_H
#define ASY_CONDITION_H

#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "ilist.h"
#include "lock.h"
#include "loop.h"
#include "value.h"
#include "waiters.h"

typedef struct asy_condition {
    asy_obj ob;
    asy_lock *lock;     /* owned: the underlying lock */
    asy_ilist waiters;  /* asy_waiter links (waiters.h) of wait() calls */
    asy_loop *loop;     /* owned; bound on the first wait, or NULL */
} asy_condition;

extern const asy_type asy_condition_type;

/* asyncio.Condition(lock=None): `lock` is borrowed (the condition takes
 * its own reference); NULL makes a new Lock. New reference. */
asy_condition *asy_condition_new(asy_lock *lock);

/* The underlying lock (borrowed). */
asy_lock *asy_condition_lock(const asy_condition *cond);

/* cond.acquire(), cond.release(), cond.locked(): the lock's own. */
asy_coro *asy_condition_acquire(asy_condition *cond);
asy_exc *asy_condition_release(asy_condition *cond);
bool asy_condition_locked(const asy_condition *cond);

/* await cond.wait(): a new coroutine. Releases the lock, waits to be
 * notified, re-acquires the lock, returns True. Without the lock held it
 * raises RuntimeError "cannot wait on un-acquired lock". */
asy_coro *asy_condition_wait(asy_condition *cond);

/* A predicate for wait_for: looks at the shared state through arg and
 * returns a value (a new reference), true or false as Python's bool(v)
 * says: None, False, 0, 0.0, '' and an empty list are false, any other
 * value is true. `return asy_bool(len > 0);` is the common case;
 * `return asy_int(stock / need);` hands the caller a count as well. A C
 * predicate cannot raise. */
typedef asy_value (*asy_predicate_fn)(void *arg);

/* await cond.wait_for(predicate): a new coroutine. Calls pred(arg), and
 * while its value is false waits and calls it again; returns the last
 * value, as Python does (the true one: a bool, a count, an item...).
 * The lock must be held, as for wait(). A NULL pred raises TypeError
 * when awaited. */
asy_coro *asy_condition_wait_for(asy_condition *cond, asy_predicate_fn pred, void *arg);

/* cond.notify(n): wake up to n waiters, first come first. NULL, or
 * RuntimeError "cannot notify on un-acquired lock". */
asy_exc *asy_condition_notify(asy_condition *cond, size_t n);

/* cond.notify_all() */
asy_exc *asy_condition_notify_all(asy_condition *cond);

/* len(cond._waiters) */
size_t asy_condition_waiter_count(const asy_condition *cond);

#endif /* ASY_CONDITION_H */
