/*
 * my_wait_for.c - exercise 16/my_wait_for: wait for a task, at most
 * `timeout` seconds.
 *
 * As it stands, my_wait_for simply awaits the task: results and errors come
 * through, but there is no deadline at all. Read my_wait_for.h, then:
 *
 *   TODO 1: make a waiter future (asy_future_new) and two ways to complete
 *           it: a timer (asy_loop_call_later) and a done callback on the
 *           task (asy_future_add_done_callback on &f->task->fut). Both call
 *           a release() that sets its result only if it is not done yet.
 *   TODO 2: await the waiter instead of the task (ASY_AWAIT_TRY). Cancel
 *           the timer right after, on every path. If an exception arrived
 *           (we were cancelled), cancel the task and let it go on.
 *   TODO 3: the task is done: return its result (asy_future_result).
 *           Not done: the timer fired. Cancel the task, await it
 *           (ASY_AWAIT_TRY), and turn its CancelledError into a
 *           TimeoutError whose cause is that CancelledError.
 *   TODO 4: release what the frame owns in the clear function, and cancel
 *           the timer there too (a coroutine closed early still must not
 *           leave it scheduled).
 *
 * make exercises CH=16 runs the tests.
 */
#include "my_wait_for.h"

typedef struct {
    asy_coro co;
    asy_task *task; /* owned */
    double timeout;
} my_wait_for_frame;

static asy_status my_wait_for_body(asy_coro *co)
{
    my_wait_for_frame *f = (my_wait_for_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_incref(f->task)); /* TODO 1-3: no deadline yet */
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void my_wait_for_clear(asy_gen *g)
{
    my_wait_for_frame *f = (my_wait_for_frame *)g;
    asy_decref(f->task); /* TODO 4 */
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
