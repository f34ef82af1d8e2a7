/*
 * task_step.c - exercise 12.1, the reference solution: mini_task_step(),
 * one case per outcome, as lib/task.c's task_step().
 */
#include "task_step.h"

#include <stdio.h>

void mini_task_step(mini_task *t)
{
    asy_exc *exc = t->throw_next;
    t->throw_next = NULL;
    t->steps++;
    asy_future *waited = t->waiting; /* the wait is over */
    t->waiting = NULL;
    asy_decref(waited);

    asy_result r = exc != NULL ? asy_gen_throw(t->coro, exc) : asy_gen_send(t->coro, asy_none());
    asy_decref(exc);

    switch (r.status) {
    case ASY_RETURNED: /* the coroutine returned: that is the result */
        t->done = true;
        t->result = r.value;
        asy_decref(t->coro);
        t->coro = NULL;
        return;
    case ASY_RAISED: /* an exception left the coroutine */
        t->done = true;
        t->exc = r.exc;
        asy_decref(t->coro);
        t->coro = NULL;
        return;
    case ASY_YIELDED:
        break;
    }

    asy_future *fut = asy_value_future(r.value);
    if (fut != NULL) { /* wait for it: its done callback runs the next step */
        t->waiting = asy_incref(fut);
        asy_decref(asy_future_add_done_callback(fut, mini_task_wakeup, asy_ptr(t)));
    } else if (asy_is_none(r.value)) { /* a bare yield: again at the next turn */
        mini_task_schedule(t, NULL);
    } else { /* nothing a task can wait for: tell the coroutine */
        mini_task_schedule(t, asy_exc_new(&asy_RuntimeError, "Task got bad yield: %s", ASY_REPR(r.value)));
    }
    asy_value_decref(r.value);
}

/* ---- given: you do not need to change anything below this line ---- */

static asy_exc *step_callback(asy_value arg)
{
    mini_task_step(arg.u.p);
    return NULL;
}

void mini_task_start(mini_task *t, asy_loop *loop, asy_coro *coro)
{
    *t = (mini_task){.coro = coro, .loop = loop, .result = asy_none()};
    mini_task_schedule(t, NULL);
}

void mini_task_schedule(mini_task *t, asy_exc *exc)
{
    asy_decref(t->throw_next);
    t->throw_next = exc;
    asy_decref(asy_loop_call_soon(t->loop, step_callback, asy_ptr(t), NULL));
}

asy_exc *mini_task_wakeup(asy_future *fut, asy_value arg)
{
    mini_task *t = arg.u.p;
    asy_value ignored;
    asy_exc *e = asy_future_result(fut, &ignored); /* NULL, or the exception to throw in */
    asy_value_decref(ignored);
    asy_decref(t->throw_next);
    t->throw_next = e;
    mini_task_step(t);
    return NULL;
}

void mini_task_clear(mini_task *t)
{
    if (t->waiting != NULL)
        asy_future_remove_done_callback(t->waiting, mini_task_wakeup);
    asy_decref(t->waiting);
    asy_decref(t->throw_next);
    asy_decref(t->exc);
    asy_value_clear(&t->result);
    if (t->coro != NULL)
        asy_decref(asy_gen_close(t->coro)); /* a coroutine left suspended: close it quietly */
    asy_decref(t->coro);
    *t = (mini_task){.result = asy_none()};
}
