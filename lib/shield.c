/*
 * shield.c - shield (chapter 17): an outer future that mirrors an inner one
 * but can be cancelled on its own.
 */
#include "shield.h"

/* The inner finished: pass its outcome to the outer, unless the outer was
 * cancelled meanwhile (the caller has gone; nobody wants the result). */
static asy_exc *inner_done(asy_future *inner, asy_value arg)
{
    asy_future *outer = asy_value_future(arg);
    if (asy_future_cancelled(outer)) {
        if (!asy_future_cancelled(inner)) {
            /* inner.exception(): mark an error as retrieved, so that it is
             * not reported as "never retrieved" -- the shield saw it. */
            asy_exc *e = NULL;
            asy_decref(asy_future_exception(inner, &e));
            asy_decref(e);
        }
        return NULL;
    }
    if (asy_future_cancelled(inner)) {
        /* cancelled by other means: the shield is cancelled too */
        asy_future_cancel(outer, NULL);
        return NULL;
    }
    asy_exc *e = NULL;
    asy_decref(asy_future_exception(inner, &e));
    if (e != NULL) {
        asy_decref(asy_future_set_exception(outer, e));
    } else {
        asy_value v;
        asy_decref(asy_future_result(inner, &v));
        asy_decref(asy_future_set_result(outer, v));
    }
    return NULL;
}

/* Python's _outer_done_callback removes inner_done from the inner when the
 * outer is cancelled first. This library's remove_done_callback removes by
 * function, so it would also take away the inner_done of a SECOND shield
 * of the same inner. We leave it registered instead: inner_done sees the
 * outer cancelled and does nothing. The cost is that the outer stays alive
 * until the inner finishes (the callback's argument holds it). */

asy_future *asy_shield(void *aw, asy_exc **error)
{
    *error = NULL;
    asy_future *inner = asy_ensure_future(aw, NULL, error);
    if (inner == NULL)
        return NULL;
    if (asy_future_done(inner))
        return inner; /* shortcut: nothing to protect */
    asy_future *outer = asy_future_new(inner->loop);
    asy_future_add_done_callback(inner, inner_done, asy_future_value(outer));
    asy_decref(inner); /* the loop keeps a pending task alive; a plain
                          future is kept by whoever will complete it */
    return outer;
}
