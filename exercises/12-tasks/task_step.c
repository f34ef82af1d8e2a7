/*
 * task_step.c - exercise 12.1: write mini_task_step(), the heart of a task.
 * Read task_step.h first, then lib/task.c's task_step() for the real one.
 */
#include "task_step.h"

#include <stdio.h>

void mini_task_step(mini_task *t)
{
    /* TODO: one step of the task, what CPython's Task.__step does (and
     * lib/task.c's task_step()):
     *   - a step takes what was scheduled for it (t->throw_next: an
     *     exception to throw in, or nothing), ends the wait it woke from,
     *     and is counted in t->steps;
     *   - the coroutine runs to its next yield, return or raise;
     *   - a return or a raise finishes the task: its outcome is kept in
     *     t->result or t->exc, and the task no longer owns a coroutine;
     *   - a yielded future suspends the task until that future is done
     *     (mini_task_wakeup then steps it); a bare yield (None) asks for
     *     another step at the next turn; anything else is a bad yield,
     *     thrown back in at the next step as RuntimeError
     *     "Task got bad yield: <its repr>".
     * task_step.h says who owns each field; every reference you get is
     * either kept there or released. `make hint`: the steps. */
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
