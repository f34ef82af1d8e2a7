/*
 * fevent.c - exercise 21/fevent, the reference solution. See fevent.h.
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
    if (ev->value)
        return;
    ev->value = true;
    for (size_t i = 0; i < ev->n; i++)
        if (!asy_future_done(ev->waiters[i]))
            asy_decref(asy_future_set_result(ev->waiters[i], asy_bool(true)));
}

void fevent_clear(fevent *ev) { ev->value = false; }

/* self._waiters.append(fut): the array takes a reference. */
static void append(fevent *ev, asy_future *fut)
{
    if (ev->n == ev->cap) {
        size_t cap = ev->cap ? 2 * ev->cap : 4;
        asy_future **w = realloc(ev->waiters, cap * sizeof *w);
        if (w == NULL)
            asy_out_of_memory("the event's waiters");
        ev->waiters = w;
        ev->cap = cap;
    }
    ev->waiters[ev->n++] = asy_incref(fut);
}

/* self._waiters.remove(fut): keep the others in order. */
static void remove_waiter(fevent *ev, asy_future *fut)
{
    for (size_t i = 0; i < ev->n; i++) {
        if (ev->waiters[i] == fut) {
            memmove(&ev->waiters[i], &ev->waiters[i + 1], (ev->n - i - 1) * sizeof *ev->waiters);
            ev->n--;
            asy_decref(fut);
            return;
        }
    }
}

typedef struct {
    asy_coro co;
    fevent *ev;        /* borrowed */
    asy_future *fut;   /* our future, owned */
} wait_frame;

static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    ASY_BEGIN(co);
    if (f->ev->value)
        ASY_RETURN(co, asy_bool(true));
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        f->fut = asy_future_new(loop);
        append(f->ev, f->fut);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->fut));
    remove_waiter(f->ev, f->fut);   /* finally */
    ASY_RETURN(co, asy_bool(true)); /* a pending exception wins */
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
