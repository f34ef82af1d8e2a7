/*
 * waitbox.c - exercise 29/waitbox, the reference solution. See waitbox.h.
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
    pthread_mutex_lock(&b->lock);
    if (b->done) {
        pthread_mutex_unlock(&b->lock);
        return asy_exc_new(&asy_InvalidStateError, "invalid state");
    }
    b->value = value;
    b->done = true;
    pthread_cond_broadcast(&b->cond); /* every waiter, not just one */
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

asy_exc *waitbox_get(waitbox *b, double timeout, long long *out)
{
    /* The deadline, once: each wakeup waits only for what is left. */
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (timeout > 0) {
        long long ns = deadline.tv_nsec + (long long)(timeout * 1e9);
        deadline.tv_sec += (time_t)(ns / 1000000000LL);
        deadline.tv_nsec = (long)(ns % 1000000000LL);
    }
    pthread_mutex_lock(&b->lock);
    while (!b->done) { /* a loop: a wakeup may be spurious */
        if (timeout <= 0 || pthread_cond_timedwait(&b->cond, &b->lock, &deadline) == ETIMEDOUT)
            break;
    }
    bool done = b->done;
    *out = done ? b->value : 0;
    pthread_mutex_unlock(&b->lock);
    return done ? NULL : asy_exc_new(&asy_TimeoutError, NULL);
}
