/*
 * tiny_pool.c - exercise 29/tiny_pool. See tiny_pool.h.
 *
 * Tools: pthread_mutex_lock/unlock, pthread_cond_wait / signal /
 * broadcast, pthread_join; asy_cfuture_new, asy_cfuture_incref/decref,
 * asy_cfuture_set_running_or_notify_cancel, asy_cfuture_set_result,
 * asy_cfuture_set_exception (lib/cfuture.h); asy_value_decref;
 * asy_exc_new(&asy_RuntimeError, "...").
 */
#include "tiny_pool.h"

#include <stdlib.h>

int tiny_pool_init(tiny_pool *p, int nthreads)
{
    if (nthreads < 1 || nthreads > TINY_POOL_MAX_THREADS)
        return -1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    p->head = p->tail = NULL;
    p->shutdown = false;
    p->nthreads = 0;
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&p->threads[i], NULL, tiny_pool_worker, p) != 0)
            return -1;
        p->nthreads++;
    }
    return 0;
}

void tiny_pool_destroy(tiny_pool *p)
{
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
}

void *tiny_pool_worker(void *arg)
{
    tiny_pool *p = arg;
    /* TODO: the worker loop (tiny_pool.h): take a job under the lock, run
     * it outside the lock, complete its future, free the job; leave when
     * shut down with an empty queue. */
    (void)p;
    return NULL;
}

asy_cfuture *tiny_pool_submit(tiny_pool *p, asy_work_fn fn, asy_value arg, asy_exc **error)
{
    /* TODO: refuse after shutdown; else queue a job with a new future and
     * wake one worker; return a reference to the future. */
    (void)p;
    (void)fn;
    asy_value_decref(arg);
    if (error != NULL)
        *error = asy_exc_new(&asy_NotImplementedError, "tiny_pool_submit");
    return NULL;
}

void tiny_pool_shutdown(tiny_pool *p, bool wait)
{
    /* TODO: set shutdown under the lock and wake every worker; then, with
     * wait, join them. */
    (void)p;
    (void)wait;
}
