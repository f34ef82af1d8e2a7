/*
 * mini_future.c - solution: a small future whose done callbacks are
 * scheduled on a real loop, never called inline (chapter 11).
 */
#include "mini_future.h"

#include "exc.h"

/* ---- given ---- */

void mini_future_init(mini_future *fut, asy_loop *loop)
{
    fut->loop = loop;
    fut->state = MINI_PENDING;
    fut->result = asy_none();
    fut->ncallbacks = 0;
}

struct mini_call {
    asy_obj ob;
    mini_future *fut; /* borrowed: the future outlives its scheduled callbacks */
    mini_callback cb; /* cb.arg owned */
};

static void mini_call_dealloc(asy_obj *self)
{
    asy_value_decref(((mini_call *)self)->cb.arg);
    asy_obj_free(self);
}

static const asy_type mini_call_type = {.name = "mini_call", .dealloc = mini_call_dealloc};

mini_call *mini_call_new(mini_future *fut, mini_callback cb)
{
    mini_call *call = asy_obj_new(&mini_call_type, sizeof(mini_call));
    call->fut = fut;
    call->cb = cb;
    return call;
}

asy_exc *mini_call_run(asy_value call)
{
    mini_call *c = (mini_call *)call.u.o;
    return c->cb.fn(c->fut, c->cb.arg);
}

/* ---- the exercise ---- */

void mini_future_call_soon(mini_future *fut, mini_callback cb)
{
    /* call_soon steals the packed call and returns a handle we do not keep. */
    asy_decref(asy_loop_call_soon(fut->loop, mini_call_run, asy_obj_value(mini_call_new(fut, cb)), NULL));
}

/* The future just became done: hand every callback to the loop, oldest
 * first, and forget them (each runs once). */
static void schedule_callbacks(mini_future *fut)
{
    for (int i = 0; i < fut->ncallbacks; i++)
        mini_future_call_soon(fut, fut->callbacks[i]); /* moves the arg's reference */
    fut->ncallbacks = 0;
}

bool mini_future_set_result(mini_future *fut, asy_value v)
{
    if (fut->state != MINI_PENDING) {
        asy_value_decref(v);
        return false;
    }
    fut->result = v;
    fut->state = MINI_FINISHED;
    schedule_callbacks(fut);
    return true;
}

bool mini_future_cancel(mini_future *fut)
{
    if (fut->state != MINI_PENDING)
        return false;
    fut->state = MINI_CANCELLED;
    schedule_callbacks(fut);
    return true;
}

bool mini_future_add_done_callback(mini_future *fut, mini_done_fn fn, asy_value arg)
{
    mini_callback cb = {fn, arg};
    if (fut->state != MINI_PENDING) {
        mini_future_call_soon(fut, cb); /* done already: next turn, not now */
        return true;
    }
    if (fut->ncallbacks == MINI_MAX_CALLBACKS) {
        asy_value_decref(arg);
        return false;
    }
    fut->callbacks[fut->ncallbacks++] = cb;
    return true;
}

void mini_future_clear(mini_future *fut)
{
    for (int i = 0; i < fut->ncallbacks; i++)
        asy_value_decref(fut->callbacks[i].arg);
    fut->ncallbacks = 0;
    asy_value_clear(&fut->result);
}
