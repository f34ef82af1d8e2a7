/*
 * my_wait_for.c - exercise 16/my_wait_for: wait for a task, at most
 * `timeout` seconds.
 *
 * As it stands, my_wait_for simply awaits the task: results and errors come
 * through, but there is no deadline at all. Read my_wait_for.h, then:
 *
 *   TODO: the contract of asyncio.wait_for (my_wait_for.h): the task's
 *           result or exception if it finishes within `timeout` seconds;
 *           otherwise the task is cancelled, the call waits until it has
 *           really ended, and raises TimeoutError whose __cause__ is the
 *           task's CancelledError. If the caller itself is cancelled while
 *           waiting, the task is cancelled too and the CancelledError goes
 *           on. Build it from chapter 16's parts (a future to wait on, a
 *           timer, a done callback), not from asy_wait_for; no timer may
 *           stay scheduled on any path, even when the coroutine is closed
 *           early. `make hint`: the steps.
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
    ASY_AWAIT(co, asy_incref(f->task)); /* TODO: no deadline yet */
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void my_wait_for_clear(asy_gen *g)
{
    my_wait_for_frame *f = (my_wait_for_frame *)g;
    asy_decref(f->task); /* TODO: and what else the frame owns */
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
