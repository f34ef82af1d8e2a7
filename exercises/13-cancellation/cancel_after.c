/*
 * cancel_after.c - exercise 13/cancel_after: run work with a deadline.
 *
 * As it stands, cancel_after awaits the work directly: the result comes
 * back, but nothing ever cancels it. Read cancel_after.h, then:
 *
 *   TODO 1: run the work as a task of its own (asy_create_task) and await
 *           the task (ASY_AWAIT steals: await asy_incref(f->task)).
 *   TODO 2: schedule a callback with asy_loop_call_later that cancels the
 *           task after f->delay seconds; keep the handle in the frame.
 *   TODO 3: cancel the timer (asy_handle_cancel) on every path: use
 *           ASY_AWAIT_TRY, cancel it, then let a pending exception go on.
 *   TODO 4: release what the frame owns in its clear function.
 *
 * make exercises CH=13 runs the tests.
 */
#include "cancel_after.h"

typedef struct {
    asy_coro co;
    asy_coro *work; /* owned until it is awaited */
    double delay;
} cancel_after_frame;

static asy_status cancel_after_body(asy_coro *co)
{
    cancel_after_frame *f = (cancel_after_frame *)co;
    ASY_BEGIN(co);
    {
        asy_coro *work = f->work;
        f->work = NULL;
        ASY_AWAIT(co, work); /* TODO 1, 2, 3: no task, no deadline */
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void cancel_after_clear(asy_gen *g)
{
    cancel_after_frame *f = (cancel_after_frame *)g;
    asy_decref(f->work); /* TODO 4: and whatever else you add to the frame */
}

asy_coro *cancel_after(asy_coro *work, double delay)
{
    cancel_after_frame *f = ASY_CORO_NEW(cancel_after_frame, cancel_after_body, "cancel_after");
    f->work = work;
    f->delay = delay;
    asy_gen_set_clear(&f->co, cancel_after_clear);
    return &f->co;
}
