/*
 * waiters.c - the waiter queue and loop binding of the synchronization
 * primitives (chapter 20; used by lock.c, event.c, condition.c,
 * semaphore.c, queue.c).
 */
#include "waiters.h"

#include "internal.h"

void asy_waiter_init(asy_waiter *w)
{
    if (w == NULL)
        return;
    asy_ilist_init(&w->link);
    w->fut = NULL;
}

asy_loop *asy_primitive_get_loop(asy_loop **bound, const void *owner, asy_exc **error)
{
    if (bound == NULL)
        return asy__null_fail("a place for the bound loop", error);
    asy_loop *loop = asy_get_running_loop(error);
    if (loop == NULL)
        return NULL;
    if (*bound == NULL)
        *bound = asy_incref(loop);
    if (*bound != loop) {
        if (error != NULL)
            *error = asy_exc_new(&asy_RuntimeError, "%s is bound to a different event loop",
                                 ASY_REPR(asy_obj_value((void *)owner)));
        return NULL;
    }
    return loop;
}

void asy_waiter_enqueue(asy_waiter *w, asy_ilist *queue, asy_loop *loop)
{
    if (w == NULL || queue == NULL)
        return;
    asy_waiter_clear(w);
    w->fut = asy_future_new(loop);
    asy_ilist_push_back(queue, &w->link);
}

void asy_waiter_leave(asy_waiter *w)
{
    if (w != NULL)
        asy_ilist_remove(&w->link);
}

void asy_waiter_clear(asy_waiter *w)
{
    if (w == NULL)
        return;
    asy_ilist_remove(&w->link);
    asy_future *fut = w->fut;
    w->fut = NULL;
    asy_decref(fut);
}

bool asy_waiter_wake(asy_waiter *w, asy_value result)
{
    if (w == NULL || w->fut == NULL || asy_future_done(w->fut)) {
        asy_value_decref(result);
        return false;
    }
    asy_decref(asy_future_set_result(w->fut, result)); /* pending: cannot fail */
    return true;
}

bool asy_waiter_done(const asy_waiter *w) { return w != NULL && asy_future_done(w->fut); }

bool asy_waiter_cancelled(const asy_waiter *w) { return w != NULL && asy_future_cancelled(w->fut); }
