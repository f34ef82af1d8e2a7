/*
 * waitbox.c - exercise 29/waitbox. See waitbox.h.
 *
 * Tools: pthread_mutex_lock/unlock, pthread_cond_broadcast,
 * pthread_cond_timedwait(&b->cond, &b->lock, &deadline) (returns ETIMEDOUT
 * when the deadline passed), clock_gettime(CLOCK_MONOTONIC, &ts),
 * asy_exc_new(&asy_TimeoutError, NULL), asy_exc_new(&asy_InvalidStateError,
 * "invalid state").
 */
#include "waitbox.h"

#include <errno.h>
#include <time.h>

void waitbox_init(waitbox *b)
{
    pthread_mutex_init(&b->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&b->cond, &attr);
    pthread_condattr_destroy(&attr);
    b->done = false;
    b->value = 0;
}

void waitbox_destroy(waitbox *b)
{
    pthread_cond_destroy(&b->cond);
    pthread_mutex_destroy(&b->lock);
}

asy_exc *waitbox_set(waitbox *b, long long value)
{
    /* TODO: under the lock: refuse a second set; store, mark done, wake
     * every waiter. */
    (void)b;
    (void)value;
    return NULL;
}

asy_exc *waitbox_get(waitbox *b, double timeout, long long *out)
{
    /* TODO: under the lock: compute the deadline once, then wait in a loop
     * until the box is done or the deadline has passed. */
    (void)b;
    (void)timeout;
    *out = 0;
    return asy_exc_new(&asy_TimeoutError, NULL);
}
