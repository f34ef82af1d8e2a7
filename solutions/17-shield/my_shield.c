/*
 * my_shield.c - exercise 17/my_shield, the reference solution.
 *
 * One done callback on the inner task carries its outcome to the outer
 * future. The caller awaits the outer, so a cancel of the caller cancels
 * only the outer (a plain future: nothing below it is touched).
 */
#include "my_shield.h"

static asy_exc *inner_done(asy_future *inner, asy_value arg)
{
    asy_future *outer = asy_value_future(arg); /* the callback's own reference */
    asy_exc *exc = NULL;
    if (asy_future_cancelled(outer)) {
        if (!asy_future_cancelled(inner))
            asy_decref(asy_future_exception(inner, &exc)); /* inner.exception(): retrieved */
        asy_decref(exc);
        return NULL;
    }
    if (asy_future_cancelled(inner)) {
        asy_future_cancel(outer, NULL);
        return NULL;
    }
    asy_decref(asy_future_exception(inner, &exc));
    if (exc != NULL) {
        asy_decref(asy_future_set_exception(outer, exc)); /* steals exc */
    } else {
        asy_value v;
        asy_decref(asy_future_result(inner, &v));
        asy_decref(asy_future_set_result(outer, v)); /* steals v */
    }
    return NULL;
}

asy_future *my_shield(asy_task *inner)
{
    if (asy_future_done(&inner->fut))
        return asy_incref(&inner->fut);
    asy_future *outer = asy_future_new(inner->fut.loop);
    asy_decref(asy_future_add_done_callback(&inner->fut, inner_done, asy_future_value(outer)));
    return outer;
}
