/*
 * Chapter 17, demo 2: ignoring cancellation (the notes' pattern, not
 * recommended), and why it is dangerous.
 *
 *     try:
 *         res = await shield(something())
 *     except CancelledError:
 *         res = None
 *
 * The task swallows its CancelledError and carries on: task.cancel()
 * returns True, yet the task is never cancelled. Everything that relies on
 * cancel to stop a task is then helpless: here wait_for(timeout=0.5)
 * cancels it at the deadline, must wait for it, and ends up returning its
 * result 1.0 s later, with no TimeoutError at all.
 * 2-ignore-cancel.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "shield.h"
#include "wait_for.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def something(): await asyncio.sleep(1.0); print(...); return 'result' */
static asy_status something_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(1.0, asy_none()));
    printf("something: finished at %.1f s\n", elapsed());
    ASY_RETURN(co, asy_str("result"));
    ASY_END(co);
}

/* async def stubborn():
 *     inner = asyncio.create_task(something())
 *     try:
 *         res = await asyncio.shield(inner)
 *     except asyncio.CancelledError:
 *         res = None
 *     print(...)
 *     await asyncio.sleep(1.0)
 *     print(...)
 *     return 'stubborn done'                                              */
typedef struct {
    asy_coro co;
    asy_task *inner; /* owned: the shield holds no reference to it */
} stubborn_frame;

static asy_status stubborn_body(asy_coro *co)
{
    stubborn_frame *f = (stubborn_frame *)co;
    asy_future *outer;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    f->inner = asy_create_task(asy_coro_new(sizeof(asy_coro), something_body, "something"), NULL, &err);
    if (f->inner == NULL)
        ASY_RAISE(co, err);
    outer = asy_shield(asy_incref(f->inner), &err);
    if (outer == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, outer);
    {
        asy_value res = asy_none();
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
            asy_decref(ASY_CATCH(co)); /* except CancelledError: res = None -- the cancel is gone */
        else if (ASY_EXC(co) == NULL)
            res = ASY_SENT(co); /* borrowed, used at once */
        printf("stubborn: res = %s at %.1f s, going on as if nothing happened\n", ASY_REPR(res), elapsed());
    }
    ASY_AWAIT(co, asy_sleep(1.0, asy_none()));
    printf("stubborn: still running at %.1f s\n", elapsed());
    ASY_RETURN(co, asy_str("stubborn done"));
    ASY_END(co);
}

static void stubborn_clear(asy_gen *g) { asy_decref(((stubborn_frame *)g)->inner); }

static asy_coro *stubborn(void)
{
    stubborn_frame *f = ASY_CORO_NEW(stubborn_frame, stubborn_body, "stubborn");
    asy_gen_set_clear(&f->co, stubborn_clear);
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_task *task; /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    printf("--- try: res = await shield(...) except CancelledError: res = None ---\n");
    f->task = asy_create_task(stubborn(), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    printf("main: task.cancel() -> %s at %.1f s\n", py_bool(asy_task_cancel(f->task, NULL)), elapsed());
    ASY_AWAIT(co, asy_incref(f->task));
    printf("main: cancelled() = %s, result %s at %.1f s\n", py_bool(asy_future_cancelled(&f->task->fut)),
           ASY_REPR(ASY_SENT(co)), elapsed());

    printf("--- why it is dangerous: wait_for cannot stop it ---\n");
    ASY_AWAIT_TRY(co, asy_wait_for(stubborn(), 0.5));
    if (ASY_EXC(co) == NULL)
        printf("main: wait_for returned %s at %.1f s, no TimeoutError\n", ASY_REPR(ASY_SENT(co)), elapsed());
    else if (asy_exc_is(ASY_EXC(co), &asy_TimeoutError)) {
        asy_decref(ASY_CATCH(co));
        printf("not reached\n");
    }
    ASY_END(co); /* anything else still pending propagates here */
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->task); }

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
