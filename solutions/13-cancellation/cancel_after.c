/*
 * cancel_after.c - exercise 13/cancel_after, the reference solution.
 *
 * Rule 5 comes for free, and it is worth seeing why: cancel_after awaits
 * the inner task, so the task running cancel_after has that task as its
 * fut_waiter. Cancelling the outer task therefore cancels the inner one
 * first (a Task overrides Future.cancel), and the CancelledError reaches
 * cancel_after only once the inner task is done, its cleanup run.
 */
#include "cancel_after.h"

typedef struct {
    asy_coro co;
    asy_coro *work;    /* owned until the task takes it */
    double delay;
    asy_task *task;    /* owned */
    asy_handle *timer; /* owned */
} cancel_after_frame;

/* The timer's callback: task.cancel(). `arg` (borrowed) holds the task. */
static asy_exc *cancel_task(asy_value arg)
{
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static asy_status cancel_after_body(asy_coro *co)
{
    asy_exc *err;
    cancel_after_frame *f = (cancel_after_frame *)co;
    ASY_BEGIN(co);
    f->task = asy_create_task(f->work, NULL, &err); /* steals work */
    if (f->task == NULL)
        ASY_RAISE(co, err);
    f->work = NULL;
    if (f->task == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "no running event loop"));
    f->timer = asy_loop_call_later(f->task->fut.loop, f->delay, cancel_task, asy_task_value(f->task), NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->task)); /* try: return await task */
    asy_handle_cancel(f->timer);            /* finally: timer.cancel() */
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co))); /* a pending exception wins */
    ASY_END(co);
}

static void cancel_after_clear(asy_gen *g)
{
    cancel_after_frame *f = (cancel_after_frame *)g;
    asy_decref(f->work); /* never started: as in Python, "never awaited" */
    if (f->timer != NULL)
        asy_handle_cancel(f->timer); /* dropped while waiting (its loop closed) */
    asy_decref(f->timer);
    asy_decref(f->task);
}

asy_coro *cancel_after(asy_coro *work, double delay)
{
    cancel_after_frame *f = ASY_CORO_NEW(cancel_after_frame, cancel_after_body, "cancel_after");
    f->work = work;
    f->delay = delay;
    asy_gen_set_clear(&f->co, cancel_after_clear);
    return &f->co;
}
