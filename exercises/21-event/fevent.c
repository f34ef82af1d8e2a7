/*
 * fevent.c - exercise 21/fevent. See fevent.h.
 *
 * Tools (lib/future.h, lib/task.h):
 *   asy_get_running_loop(&err)          the loop (NULL + err outside one)
 *   asy_future_new(loop)                a pending future (new reference)
 *   asy_future_done(fut)                done or cancelled?
 *   asy_future_set_result(fut, v)       returns an error to asy_decref
 *   ASY_AWAIT_TRY(co, asy_incref(fut))  await it, keeping your own reference
 *   realloc / memmove                   for the array
 */
#include "fevent.h"

#include <stdlib.h>
#include <string.h>

void fevent_init(fevent *ev)
{
    ev->value = false;
    ev->waiters = NULL;
    ev->n = ev->cap = 0;
}

void fevent_free(fevent *ev)
{
    for (size_t i = 0; i < ev->n; i++)
        asy_decref(ev->waiters[i]);
    free(ev->waiters);
    fevent_init(ev);
}

bool fevent_is_set(const fevent *ev) { return ev->value; }

void fevent_set(fevent *ev)
{
    /* TODO: raise the flag, and wake every waiter whose future is not done. */
    ev->value = true;
}

void fevent_clear(fevent *ev) { ev->value = false; }

typedef struct {
    asy_coro co;
    fevent *ev;        /* borrowed */
    asy_future *fut;   /* our future, owned (released in wait_clear) */
} wait_frame;

static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    ASY_BEGIN(co);
    /* TODO: if set, return True at once. Otherwise make a future, append
     * it to ev->waiters (the array takes its own reference), await it,
     * and remove it from the array on every path (keep the order of the
     * others). */
    (void)f;
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static void wait_clear(asy_gen *g)
{
    wait_frame *f = (wait_frame *)g;
    asy_decref(f->fut);
    f->fut = NULL;
}

asy_coro *fevent_wait(fevent *ev)
{
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "wait");
    f->ev = ev;
    asy_gen_set_clear(&f->co, wait_clear);
    return &f->co;
}
