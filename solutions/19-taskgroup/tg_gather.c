/*
 * tg_gather.c - exercise 19/tg_gather, the reference solution.
 *
 * Enter a group, create one child task per coroutine, leave the block
 * (the exit coroutine waits for all of them and raises the
 * ExceptionGroup if any failed), then read the results.
 */
#include "tg_gather.h"

#include <stdlib.h>

typedef struct {
    asy_coro co;
    size_t n;
    asy_coro **coros;   /* borrowed array; the coroutines are owned until handed over */
    asy_value *results; /* borrowed: the caller's */
    asy_taskgroup *tg;  /* owned */
    asy_task **tasks;   /* n owned references (malloc'd) */
} tg_gather_frame;

static asy_status tg_gather_body(asy_coro *co)
{
    tg_gather_frame *f = (tg_gather_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    f->tg = asy_taskgroup_new();
    err = asy_taskgroup_enter(f->tg); /* async with asyncio.TaskGroup() as tg: */
    if (err != NULL)
        ASY_RAISE(co, err);
    f->tasks = calloc(f->n ? f->n : 1, sizeof *f->tasks);
    if (f->tasks == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "out of memory"));
    for (size_t i = 0; i < f->n; i++) {
        asy_coro *c = f->coros[i];
        f->coros[i] = NULL; /* create_task steals it */
        f->tasks[i] = asy_taskgroup_create_task(f->tg, c, NULL, &err);
        if (f->tasks[i] == NULL) /* cannot happen in an entered group */
            ASY_RAISE(co, err);
    }
    ASY_AWAIT(co, asy_taskgroup_exit(f->tg, NULL)); /* the end of the block: waits */
    for (size_t i = 0; i < f->n; i++) {
        asy_value v;
        err = asy_future_result(&f->tasks[i]->fut, &v);
        if (err != NULL)
            ASY_RAISE(co, err); /* cannot happen: the group raised already */
        asy_value_decref(f->results[i]);
        f->results[i] = v;
    }
    ASY_RETURN(co, asy_int((long long)f->n));
    ASY_END(co);
}

static void tg_gather_clear(asy_gen *g)
{
    tg_gather_frame *f = (tg_gather_frame *)g;
    for (size_t i = 0; i < f->n; i++) {
        if (f->coros[i] != NULL) { /* never handed over: close it quietly */
            asy_decref(asy_gen_close(f->coros[i]));
            asy_decref(f->coros[i]);
            f->coros[i] = NULL;
        }
        if (f->tasks != NULL)
            asy_decref(f->tasks[i]);
    }
    free(f->tasks);
    f->tasks = NULL;
    asy_decref(f->tg);
    f->tg = NULL;
}

asy_coro *tg_gather(size_t n, asy_coro **coros, asy_value *results)
{
    tg_gather_frame *f = ASY_CORO_NEW(tg_gather_frame, tg_gather_body, "tg_gather");
    f->n = n;
    f->coros = coros;
    f->results = results;
    asy_gen_set_clear(&f->co, tg_gather_clear);
    return &f->co;
}
