/*
 * gather_futures.c - exercise 14/gather_futures, the reference solution.
 *
 * A C callback gets one argument, so what Python keeps in the closure
 * (outer, futs, nfinished) lives in a small counted object, gather_state,
 * given to every callback.
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
    st->nfinished++;
    asy_exc *e = NULL;
    if (asy_future_done(st->outer)) { /* too late: just say we saw it */
        if (!asy_future_cancelled(child)) {
            asy_decref(asy_future_exception(child, &e));
            asy_decref(e);
        }
        return NULL;
    }
    if (asy_future_cancelled(child)) {
        asy_decref(asy_future_set_exception(st->outer, asy_exc_new(&asy_CancelledError, NULL)));
        return NULL;
    }
    asy_decref(asy_future_exception(child, &e));
    if (e != NULL) {
        asy_decref(asy_future_set_exception(st->outer, e)); /* steals e */
        return NULL;
    }
    if (st->nfinished == st->n) {
        asy_list *results = asy_list_new();
        for (size_t i = 0; i < st->n; i++) {
            asy_value v = asy_none();
            asy_decref(asy_future_result(st->futs[i], &v)); /* all succeeded: no error */
            asy_list_append(results, v);
        }
        asy_decref(asy_future_set_result(st->outer, asy_obj_value(results)));
    }
    return NULL;
}

asy_future *gather_futures(asy_loop *loop, size_t n, asy_future **futs)
{
    asy_future *outer = asy_future_new(loop);
    if (n == 0) {
        asy_decref(asy_future_set_result(outer, asy_obj_value(asy_list_new())));
        return outer;
    }
    gather_state *st = asy_obj_new(&state_type, sizeof(gather_state));
    st->outer = asy_incref(outer);
    st->futs = calloc(n, sizeof *st->futs);
    if (st->futs == NULL)
        asy_out_of_memory("gather_futures' futures");
    for (size_t i = 0; i < n; i++)
        st->futs[i] = asy_incref(futs[i]);
    st->n = n;
    for (size_t i = 0; i < n; i++)
        asy_decref(asy_future_add_done_callback(futs[i], on_child_done, asy_obj_value(asy_incref(st))));
    asy_decref(st); /* the callbacks hold it now */
    return outer;
}
