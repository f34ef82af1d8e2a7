/*
 * gather_lite.c - exercise 12.2: make the coroutines run side by side.
 *
 * This version works, but it awaits each coroutine in turn: three sleeps
 * of 3, 1 and 2 seconds take 6 seconds. Wrap them in tasks first, and the
 * same three take 3.
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
    gather_frame *f = (gather_frame *)co;
    ASY_BEGIN(co);
    /* TODO: the same results, in the same order, but with the coroutines
     * running side by side, so that sleeps of 3, 1 and 2 seconds take 3 in
     * all. Awaiting a coroutine runs it to its end before the next one
     * starts; chapter 12 shows what starts them all at once. The frame
     * owns what it creates until gather_clear. `make hint`: the steps. */
    for (f->i = 0; f->i < f->n; f->i++) {
        asy_coro *c = f->coros[f->i];
        f->coros[f->i] = NULL;
        ASY_AWAIT(co, c); /* one after the other: not concurrent */
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
