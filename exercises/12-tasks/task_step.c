/*
 * task_step.c - exercise 12.1: write mini_task_step(), the heart of a task.
 * Read task_step.h first, then lib/task.c's task_step() for the real one.
 */
#include "task_step.h"

#include <stdio.h>

void mini_task_step(mini_task *t)
{
    /* TODO 1: take the exception to throw in: asy_exc *exc = t->throw_next;
     *         t->throw_next = NULL. Count the step (t->steps++). The wait
     *         is over: asy_decref(t->waiting), t->waiting = NULL. */
    /* TODO 2: one step of the coroutine: asy_gen_throw(t->coro, exc) if exc,
     *         else asy_gen_send(t->coro, asy_none()); then asy_decref(exc). */
    /* TODO 3: ASY_RETURNED: done, result = r.value (move it); ASY_RAISED:
     *         done, exc = r.exc (move it). Either way the coroutine is
     *         finished: asy_decref(t->coro), t->coro = NULL. */
    /* TODO 4: ASY_YIELDED: a future (asy_value_future(r.value) != NULL):
     *         keep a reference in t->waiting and add mini_task_wakeup as its
     *         done callback with asy_ptr(t); None: mini_task_schedule(t, NULL);
     *         anything else: mini_task_schedule(t, RuntimeError "Task got bad
     *         yield: %s" with ASY_REPR(r.value)). Then release r.value. */
    (void)t;
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
