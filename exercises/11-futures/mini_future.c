/*
 * mini_future.c - exercise: your own small future (chapter 11).
 *
 * Write the five functions marked TODO (read mini_future.h first). The
 * rules: callbacks are SCHEDULED with asy_loop_call_soon, in the order
 * they were added, never called inside set_result / cancel /
 * add_done_callback; one added to a done future is scheduled at once.
 *
 * Run the tests: make exercises CH=11
 */
#include "mini_future.h"

#include "exc.h"

/* ---- given: do not change ---- */

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
    /* TODO: pack fut and cb with mini_call_new, and give the packed call to
     * asy_loop_call_soon(fut->loop, mini_call_run, ...) as an object value.
     * call_soon returns a handle (a new reference) you do not need. */
    (void)fut;
    asy_value_decref(cb.arg);
}

bool mini_future_set_result(mini_future *fut, asy_value v)
{
    /* TODO: refuse on a done future (release v); otherwise keep v, become
     * FINISHED, and schedule every registered callback in order. */
    (void)fut;
    asy_value_decref(v);
    return false;
}

bool mini_future_cancel(mini_future *fut)
{
    /* TODO: like set_result, without a value: become CANCELLED. */
    (void)fut;
    return false;
}

bool mini_future_add_done_callback(mini_future *fut, mini_done_fn fn, asy_value arg)
{
    /* TODO: pending: append {fn, arg} to the array (false when full);
     * done: schedule it at once with mini_future_call_soon. */
    (void)fut;
    (void)fn;
    asy_value_decref(arg);
    return false;
}

void mini_future_clear(mini_future *fut)
{
    /* TODO: release the result and the args still in the array. */
    (void)fut;
}
