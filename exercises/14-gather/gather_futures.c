/*
 * gather_futures.c - exercise 14/gather_futures. See gather_futures.h.
 *
 * A C callback gets one argument, so what Python keeps in the closure
 * (outer, futs, nfinished) lives in a small counted object, gather_state,
 * given to every callback. It is written for you; you write the callback
 * and the function that wires everything up.
 *
 * Tools:
 *   asy_future_new(loop)                      a pending future (new reference)
 *   asy_future_add_done_callback(f, fn, arg)  fn(f, arg) runs once f is done; steals arg
 *   asy_future_done / asy_future_cancelled    the state
 *   asy_future_exception(f, &e)               e = f.exception() (new ref or NULL); marks it retrieved
 *   asy_future_result(f, &v)                  v = f.result() (new reference)
 *   asy_future_set_result / _set_exception    complete the outer future (steal what they get)
 *   asy_list_new / asy_list_append            the result list (list.h)
 *   asy_obj_value(asy_incref(st))             a new reference to the state, as a value
 */
#include "gather_futures.h"

#include <stdlib.h>

typedef struct {
    asy_obj ob;
    asy_future *outer;  /* owned */
    asy_future **futs;  /* owned references, n of them */
    size_t n, nfinished;
} gather_state;

static void state_dealloc(asy_obj *self)
{
    gather_state *st = (gather_state *)self;
    asy_decref(st->outer);
    for (size_t i = 0; i < st->n; i++)
        asy_decref(st->futs[i]);
    free(st->futs);
    asy_obj_free(st);
}

static const asy_type state_type = {.name = "gather_state", .dealloc = state_dealloc};

/* on_child_done(child): arg holds the gather_state (borrowed here). */
static asy_exc *on_child_done(asy_future *child, asy_value arg)
{
    gather_state *st = (gather_state *)arg.u.o;
    (void)child;
    (void)st;
    /* TODO: count it. If the outer future is done already, only mark the
     * child's exception retrieved (unless it was cancelled) and return.
     * TODO: a cancelled child: the outer future fails with CancelledError.
     * TODO: a failed child: the outer future fails with its exception.
     * TODO: the last one: the list of results, in the order of st->futs. */
    return NULL;
}

asy_future *gather_futures(asy_loop *loop, size_t n, asy_future **futs)
{
    (void)n;
    (void)futs;
    (void)on_child_done; /* TODO: remove these two once you use them */
    (void)state_type;
    /* TODO: the outer future; n == 0: set its result to [] and return it.
     * TODO: a gather_state (asy_obj_new(&state_type, sizeof(gather_state)))
     * holding a reference to the outer future and to each of futs.
     * TODO: a done callback on each future, each with its own reference
     * to the state. Return a new reference to the outer future. */
    return asy_future_new(loop);
}
