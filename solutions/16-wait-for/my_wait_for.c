/*
 * my_wait_for.c - exercise 16/my_wait_for, the reference solution.
 *
 * The race: two things can complete the waiter future, the timer and the
 * task's done callback. Whichever comes first wakes us; the second finds
 * the waiter done and does nothing.
 */
#include "my_wait_for.h"

typedef struct {
    asy_coro co;
    asy_task *task;     /* owned */
    double timeout;
    asy_future *waiter; /* owned */
    asy_handle *timer;  /* owned */
} my_wait_for_frame;

/* release(waiter): complete it, unless the other side already did. */
static void release(asy_future *waiter)
{
    if (!asy_future_done(waiter))
        asy_decref(asy_future_set_result(waiter, asy_none()));
}

static asy_exc *on_timer(asy_value arg)
{
    release(asy_value_future(arg));
    return NULL;
}

static asy_exc *on_task_done(asy_future *task, asy_value arg)
{
    (void)task;
    release(asy_value_future(arg));
    return NULL;
}

static asy_status my_wait_for_body(asy_coro *co)
{
    my_wait_for_frame *f = (my_wait_for_frame *)co;
    ASY_BEGIN(co);
    {
        asy_loop *loop = f->task->fut.loop;
        f->waiter = asy_future_new(loop);
        f->timer = asy_loop_call_later(loop, f->timeout, on_timer, asy_future_value(f->waiter), NULL);
        asy_decref(asy_future_add_done_callback(&f->task->fut, on_task_done, asy_future_value(f->waiter)));
    }
    ASY_AWAIT_TRY(co, asy_incref(f->waiter));
    asy_handle_cancel(f->timer); /* finally */
    if (ASY_EXC(co) != NULL) {
        asy_task_cancel(f->task, NULL); /* except CancelledError: task.cancel(); raise */
        ASY_RERAISE(co);
    }
    if (!asy_future_done(&f->task->fut)) {
        /* the timer won: cancel the task and wait until it has finished */
        asy_task_cancel(f->task, NULL);
        ASY_AWAIT_TRY(co, asy_incref(f->task));
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
            asy_exc *cancelled = ASY_CATCH(co);
            asy_exc *timeout = asy_exc_new(&asy_TimeoutError, NULL);
            asy_exc_set_cause(timeout, cancelled); /* raise TimeoutError() from e */
            asy_decref(cancelled);
            ASY_RAISE(co, timeout);
        }
    }
    {
        asy_value v;
        asy_exc *e = asy_future_result(&f->task->fut, &v); /* return task.result() */
        if (e != NULL)
            ASY_RAISE(co, e);
        ASY_RETURN(co, v);
    }
    ASY_END(co);
}

static void my_wait_for_clear(asy_gen *g)
{
    my_wait_for_frame *f = (my_wait_for_frame *)g;
    if (f->timer != NULL)
        asy_handle_cancel(f->timer);
    asy_decref(f->timer);
    asy_decref(f->waiter);
    asy_decref(f->task);
    f->timer = NULL;
    f->waiter = NULL;
    f->task = NULL;
}

asy_coro *my_wait_for(asy_task *task, double timeout)
{
    my_wait_for_frame *f = ASY_CORO_NEW(my_wait_for_frame, my_wait_for_body, "my_wait_for");
    f->task = task;
    f->timeout = timeout;
    asy_gen_set_clear(&f->co, my_wait_for_clear);
    return &f->co;
}
