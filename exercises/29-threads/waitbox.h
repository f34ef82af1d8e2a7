/*
 * waitbox.h - exercise 29/waitbox: the heart of a thread-safe future,
 * result(timeout).
 *
 * A waitbox holds one number that one thread sets and any number of
 * threads wait for. concurrent.futures.Future.result(timeout) is this:
 *
 *     def result(self, timeout=None):
 *         with self._condition:                      # the mutex
 *             if self._state == FINISHED:
 *                 return self._result
 *             self._condition.wait(timeout)          # sleeps, lock released
 *             if self._state == FINISHED:
 *                 return self._result
 *             raise TimeoutError()
 *
 *     def set_result(self, result):
 *         with self._condition:
 *             if self._state == FINISHED:
 *                 raise InvalidStateError(...)
 *             self._result = result
 *             self._state = FINISHED
 *             self._condition.notify_all()           # wake EVERY waiter
 *
 * (lib/cfuture.c is the answer key; try without.) Two traps: a condition
 * variable may wake up for nothing (a "spurious wakeup"), so wait in a loop
 * that checks the state again; and a timeout is a deadline, not a duration
 * to restart after each wakeup: compute it once, on CLOCK_MONOTONIC (the
 * wall clock can jump), and use pthread_cond_timedwait.
 */
#ifndef EX29_WAITBOX_H
#define EX29_WAITBOX_H

#include <pthread.h>
#include <stdbool.h>

#include "exc.h"
#include "future.h" /* asy_InvalidStateError */

typedef struct waitbox {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* made with CLOCK_MONOTONIC (waitbox_init) */
    bool done;
    long long value;
} waitbox;

/* Ready to use (given): an empty box whose condition variable measures
 * timeouts on CLOCK_MONOTONIC. */
void waitbox_init(waitbox *b);
void waitbox_destroy(waitbox *b);

/* set_result(value), from any thread: store it, mark the box done, wake
 * every waiter. NULL, or InvalidStateError "invalid state" (new reference)
 * if it was already set (the value is then left as it was). */
asy_exc *waitbox_set(waitbox *b, long long value);

/* result(timeout), from any thread: NULL with *out = the value as soon as
 * the box is set; TimeoutError (new reference, empty message) if it is
 * still not set `timeout` seconds after the call. timeout <= 0: do not
 * wait at all; timeout < 0 is not "forever" here (this box has no None). */
asy_exc *waitbox_get(waitbox *b, double timeout, long long *out);

#endif /* EX29_WAITBOX_H */
