/*
 * tiny_pool.c - exercise 29/tiny_pool, the reference solution. See tiny_pool.h.
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
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->head == NULL && !p->shutdown)
            pthread_cond_wait(&p->cond, &p->lock);
        tiny_job *j = p->head;
        if (j == NULL)
            break; /* shut down, nothing left */
        p->head = j->next;
        if (p->head == NULL)
            p->tail = NULL;
        pthread_mutex_unlock(&p->lock); /* run the work outside the lock */
        if (asy_cfuture_set_running_or_notify_cancel(j->cf)) {
            asy_value result = asy_none();
            asy_exc *e = j->fn(j->arg, &result);
            if (e != NULL) {
                asy_value_decref(result);
                asy_decref(asy_cfuture_set_exception(j->cf, e));
            } else {
                asy_decref(asy_cfuture_set_result(j->cf, result));
            }
        }
        asy_value_decref(j->arg);
        asy_cfuture_decref(j->cf);
        free(j);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

asy_cfuture *tiny_pool_submit(tiny_pool *p, asy_work_fn fn, asy_value arg, asy_exc **error)
{
    pthread_mutex_lock(&p->lock);
    if (p->shutdown) {
        pthread_mutex_unlock(&p->lock);
        asy_value_decref(arg);
        asy_exc *e = asy_exc_new(&asy_RuntimeError, "cannot schedule new futures after shutdown");
        if (error != NULL)
            *error = e;
        else
            asy_decref(e);
        return NULL;
    }
    tiny_job *j = malloc(sizeof *j);
    if (j == NULL)
        abort();
    j->next = NULL;
    j->fn = fn;
    j->arg = arg;
    j->cf = asy_cfuture_new();
    asy_cfuture *cf = asy_cfuture_incref(j->cf);
    if (p->tail != NULL)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->cond); /* one idle worker is enough */
    pthread_mutex_unlock(&p->lock);
    if (error != NULL)
        *error = NULL;
    return cf;
}

void tiny_pool_shutdown(tiny_pool *p, bool wait)
{
    pthread_mutex_lock(&p->lock);
    p->shutdown = true;
    pthread_cond_broadcast(&p->cond); /* every worker must see it */
    pthread_mutex_unlock(&p->lock);
    if (wait)
        for (int i = 0; i < p->nthreads; i++)
            pthread_join(p->threads[i], NULL);
}
