/*
 * wait_first.c - exercise 15/wait_first. See wait_first.h.
 *
 * The frame, the constructor and the clear function are written; you
 * write the two callbacks and the body.
 *
 * Tools:
 *   asy_future_new(asy_get_running_loop(NULL))     the waiter
 *   asy_future_add_done_callback(f, fn, arg)       fn(f, arg) once f is done; steals arg
 *   asy_future_remove_done_callback(f, fn)         removes fn's registrations from f
 *   asy_loop_call_later(loop, delay, fn, arg, &err) a timer: new reference to its handle
 *   asy_handle_cancel(h)                           the timer will not fire
 *   asy_future_value(f), asy_value_future(v)       a future as a value (new ref) and back
 *   ASY_AWAIT(co, asy_incref(f->waiter))           await the waiter; its result is ASY_SENT(co)
 */
#include "wait_first.h"

#include <stdlib.h>

typedef struct {
    asy_coro co;
    size_t n;
    double timeout;
    asy_future **futs;   /* owned references */
    asy_future *waiter;  /* owned */
    asy_handle *timer;   /* owned */
} wait_first_frame;

/* on_done(f): the first one wakes the waiter. arg holds the waiter. */
static asy_exc *on_done(asy_future *f, asy_value arg)
{
    (void)f;
    (void)arg;
    /* TODO: if the waiter is not done, its result is f (as a value). */
    return NULL;
}

/* on_timeout(): arg holds the waiter. */
static asy_exc *on_timeout(asy_value arg)
{
    (void)arg;
    /* TODO: if the waiter is not done, its result is None. */
    return NULL;
}

static asy_status wait_first_body(asy_coro *co)
{
    wait_first_frame *f = (wait_first_frame *)co;
    ASY_BEGIN(co);
    (void)f; /* TODO: remove these three once you use them */
    (void)on_done;
    (void)on_timeout;
    /* TODO: the waiter, a callback on each future, the timer.
     * TODO: await the waiter; then cancel the timer and remove the callbacks.
     * TODO: return the index of the future the waiter got, or -1. */
    ASY_RAISE(co, asy_exc_new(&asy_NotImplementedError, "wait_first"));
    ASY_END(co);
}

static void wait_first_clear(asy_gen *g)
{
    wait_first_frame *f = (wait_first_frame *)g;
    for (size_t i = 0; i < f->n; i++)
        asy_decref(f->futs[i]);
    free(f->futs);
    asy_decref(f->waiter);
    if (f->timer != NULL)
        asy_handle_cancel(f->timer);
    asy_decref(f->timer);
}

asy_coro *wait_first(size_t n, asy_future **futs, double timeout)
{
    wait_first_frame *f = ASY_CORO_NEW(wait_first_frame, wait_first_body, "wait_first");
    asy_gen_set_clear(&f->co, wait_first_clear);
    f->timeout = timeout;
    f->futs = calloc(n > 0 ? n : 1, sizeof *f->futs);
    if (f->futs == NULL)
        asy_out_of_memory("wait_first's futures");
    for (size_t i = 0; i < n; i++)
        f->futs[i] = asy_incref(futs[i]);
    f->n = n;
    return &f->co;
}
