/*
 * first_k.c - exercise 18/first_k. See first_k.h.
 *
 * The frame, the constructor and the clear function are written; you
 * write the body.
 *
 * Tools:
 *   asy_create_task(coro, NULL, &err)                       steals coro; keep the task
 *   asy_as_completed_new(n, aws, ASY_NO_TIMEOUT)      steals each aws[i]: give it asy_incref(task)
 *   asy_as_completed_next(ac)                           await it: the next result
 *   asy_list_new, asy_list_append                       the results (append steals)
 *   asy_task_cancel(t, NULL)                            no-op on a done task
 *   asy_wait(n, (void **)tasks, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED)  wait until they stopped
 *   ASY_AWAIT_TRY / ASY_CATCH / ASY_RAISE               keep an exception for later
 */
#include "first_k.h"

#include <stdlib.h>

typedef struct {
    asy_coro co;
    size_t n, k;
    asy_coro **coros;      /* owned until each is handed to its task */
    asy_task **tasks;      /* owned references */
    asy_as_completed *ac;  /* owned */
    asy_list *results;     /* owned */
    asy_exc *error;        /* owned: what one of the first k raised */
} first_k_frame;

static asy_status first_k_body(asy_coro *co)
{
    first_k_frame *f = (first_k_frame *)co;
    ASY_BEGIN(co);
    (void)f; /* TODO: remove once you use it */
    /* TODO: the tasks (set f->coros[i] = NULL as each is handed over), and
     * as_completed over them.
     * TODO: take up to k results; if one raises, keep its exception
     * (ASY_CATCH) and stop taking.
     * TODO: cancel every task, await asy_wait on all of them.
     * TODO: raise the kept exception, or return the list. */
    ASY_RAISE(co, asy_exc_new(&asy_NotImplementedError, "first_k"));
    ASY_END(co);
}

static void first_k_clear(asy_gen *g)
{
    first_k_frame *f = (first_k_frame *)g;
    for (size_t i = 0; i < f->n; i++) {
        if (f->coros[i] != NULL)
            asy_decref(asy_gen_close(f->coros[i])); /* never started: no warning */
        asy_decref(f->coros[i]);
        asy_decref(f->tasks[i]);
    }
    free(f->coros);
    free(f->tasks);
    asy_decref(f->ac);
    asy_decref(f->results);
    asy_decref(f->error);
}

asy_coro *first_k(size_t n, asy_coro **coros, size_t k)
{
    first_k_frame *f = ASY_CORO_NEW(first_k_frame, first_k_body, "first_k");
    asy_gen_set_clear(&f->co, first_k_clear);
    f->n = n;
    f->k = k;
    f->coros = calloc(n > 0 ? n : 1, sizeof *f->coros);
    f->tasks = calloc(n > 0 ? n : 1, sizeof *f->tasks);
    if (f->coros == NULL || f->tasks == NULL)
        asy_out_of_memory("first_k's arrays");
    for (size_t i = 0; i < n; i++)
        f->coros[i] = coros[i];
    return &f->co;
}
