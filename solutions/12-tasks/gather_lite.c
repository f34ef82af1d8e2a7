/*
 * gather_lite.c - exercise 12.2, the reference solution: every coroutine
 * becomes a task first, then the tasks are awaited in order.
 */
#include "gather_lite.h"

enum { GATHER_MAX = 16 };

typedef struct {
    asy_coro co;
    size_t n, i;
    asy_coro *coros[GATHER_MAX]; /* owned until handed to a task (or awaited) */
    asy_task *tasks[GATHER_MAX]; /* owned */
    asy_value *results;          /* borrowed: the caller's array */
} gather_frame;

static asy_status gather_body(asy_coro *co)
{
    asy_exc *err;
    gather_frame *f = (gather_frame *)co;
    ASY_BEGIN(co);
    for (size_t i = 0; i < f->n; i++) {
        f->tasks[i] = asy_create_task(f->coros[i], NULL, &err); /* steals the coroutine */
        if (f->tasks[i] == NULL)
            ASY_RAISE(co, err);
        f->coros[i] = NULL;
    }
    /* Every task is scheduled now; the first await lets them all run. */
    for (f->i = 0; f->i < f->n; f->i++) {
        ASY_AWAIT(co, asy_incref(f->tasks[f->i])); /* done already? then no yield */
        f->results[f->i] = asy_value_incref(ASY_SENT(co));
    }
    ASY_RETURN(co, asy_int((long long)f->n));
    ASY_END(co);
}

/* What the frame still owns when it ends, however it ends. */
static void gather_clear(asy_gen *g)
{
    gather_frame *f = (gather_frame *)g;
    for (size_t i = 0; i < f->n; i++) {
        if (f->coros[i] != NULL)
            asy_decref(asy_gen_close(f->coros[i])); /* never started: no warning */
        asy_decref(f->coros[i]);
        asy_decref(f->tasks[i]);
    }
}

asy_coro *gather_lite(asy_coro **coros, size_t n, asy_value *results)
{
    gather_frame *f = ASY_CORO_NEW(gather_frame, gather_body, "gather_lite");
    f->n = n < GATHER_MAX ? n : GATHER_MAX;
    for (size_t i = 0; i < n; i++) {
        if (i < GATHER_MAX)
            f->coros[i] = coros[i];
        else
            asy_decref(coros[i]); /* more than we can hold: dropped */
    }
    f->results = results;
    asy_gen_set_clear(&f->co, gather_clear);
    return &f->co;
}
