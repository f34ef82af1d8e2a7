/*
 * Chapter 17, demo 1: shield.
 *
 * The notes (seed 001 §4.4(2)): `res = await shield(something())` is the
 * same as `res = await something()`, except that cancelling the caller
 * does not cancel something(). Four runs:
 *   1. without shield: cancelling the caller reaches the inner task;
 *   2. with shield: the caller sees CancelledError at once, the inner runs
 *      to its end, and its result is still there afterwards;
 *   3. the inner cancelled from elsewhere: the shield is cancelled too;
 *   4. wait_for(shield(inner), 0.5): the timeout cancels only the shield.
 * 1-shield.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "shield.h"
#include "wait_for.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def something():
 *     print("something: started ...")
 *     try: await asyncio.sleep(1.0)
 *     except asyncio.CancelledError: print("something: cancelled ..."); raise
 *     print("something: finished ...")
 *     return 'result'                                                     */
static asy_status something_body(asy_coro *co)
{
    ASY_BEGIN(co);
    printf("something: started at %.1f s\n", elapsed());
    ASY_AWAIT_TRY(co, asy_sleep(1.0, asy_none()));
    if (ASY_EXC(co) != NULL) {
        printf("something: cancelled at %.1f s\n", elapsed());
        ASY_RERAISE(co);
    }
    printf("something: finished at %.1f s\n", elapsed());
    ASY_RETURN(co, asy_str("result"));
    ASY_END(co);
}

static asy_coro *something(void) { return asy_coro_new(sizeof(asy_coro), something_body, "something"); }

/* async def caller(inner, shielded):
 *     try:
 *         res = await (asyncio.shield(inner) if shielded else inner)
 *         print(f"caller: got {res!r}")
 *     except asyncio.CancelledError:
 *         print("caller: CancelledError ..."); raise                      */
typedef struct {
    asy_coro co;
    asy_task *inner; /* owned */
    bool shielded;
} caller_frame;

static asy_status caller_body(asy_coro *co)
{
    caller_frame *f = (caller_frame *)co;
    asy_future *aw;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    if (f->shielded) {
        aw = asy_shield(asy_incref(f->inner), &err); /* the outer future */
        if (aw == NULL)
            ASY_RAISE(co, err);
    } else {
        aw = (asy_future *)asy_incref(f->inner);
    }
    ASY_AWAIT_TRY(co, aw);
    if (ASY_EXC(co) != NULL) {
        printf("caller: CancelledError at %.1f s\n", elapsed());
        ASY_RERAISE(co);
    }
    printf("caller: got %s\n", ASY_REPR(ASY_SENT(co)));
    ASY_END(co);
}

static void caller_clear(asy_gen *g) { asy_decref(((caller_frame *)g)->inner); }

static asy_coro *caller(asy_task *inner, bool shielded) /* borrows inner */
{
    caller_frame *f = ASY_CORO_NEW(caller_frame, caller_body, "caller");
    f->inner = asy_incref(inner);
    f->shielded = shielded;
    asy_gen_set_clear(&f->co, caller_clear);
    return &f->co;
}

/* Frames of the two coroutines below: the tasks they keep across awaits. */
typedef struct {
    asy_coro co;
    double seconds;
    bool shielded;
    asy_task *inner, *task; /* owned */
} main_frame;

/* Let the tasks go (the frame's clear function, and between parts). */
static void drop_tasks(main_frame *f)
{
    asy_decref(f->inner);
    asy_decref(f->task);
    f->inner = f->task = NULL;
}

static void main_clear(asy_gen *g) { drop_tasks((main_frame *)g); }

/* Start something() and a caller of it, cancel the caller after a while,
 * and look at both (demo parts 1 and 2):
 *     task.cancel(); try: await task except CancelledError: print(...)
 *     try: print(await inner) except CancelledError: print(...)           */
static asy_status cancel_caller_after_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->inner = asy_create_task(something(), NULL, &err);
    if (f->inner == NULL)
        ASY_RAISE(co, err);
    f->task = asy_create_task(caller(f->inner, f->shielded), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(f->seconds, asy_none()));
    asy_task_cancel(f->task, NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->task));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("main: caller cancelled() = %s, inner done() = %s\n", py_bool(asy_future_cancelled(&f->task->fut)),
               py_bool(asy_future_done(&f->inner->fut)));
    }
    ASY_AWAIT_TRY(co, asy_incref(f->inner));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("main: inner was cancelled too, at %.1f s\n", elapsed());
    } else if (ASY_EXC(co) == NULL) {
        printf("main: inner gave %s at %.1f s\n", ASY_REPR(ASY_SENT(co)), elapsed());
    }
    ASY_END(co);
}

static asy_coro *cancel_caller_after(double seconds, bool shielded)
{
    main_frame *f = ASY_CORO_NEW(main_frame, cancel_caller_after_body, "cancel_caller_after");
    f->seconds = seconds;
    f->shielded = shielded;
    asy_gen_set_clear(&f->co, main_clear);
    return &f->co;
}

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_future *outer;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    printf("--- without shield: cancelling the caller cancels the work ---\n");
    ASY_AWAIT(co, cancel_caller_after(0.5, false));
    printf("--- with shield: the caller is cancelled, the work is not ---\n");
    ASY_AWAIT(co, cancel_caller_after(0.5, true));

    printf("--- the inner cancelled from elsewhere: the shield is cancelled too ---\n");
    f->inner = asy_create_task(something(), NULL, &err);
    if (f->inner == NULL)
        ASY_RAISE(co, err);
    f->task = asy_create_task(caller(f->inner, true), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    asy_task_cancel(f->inner, NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->task));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("main: caller cancelled() = %s\n", py_bool(asy_future_cancelled(&f->task->fut)));
    }
    drop_tasks(f); /* before the next part reuses the fields */

    printf("--- wait_for(shield(inner), 0.5): the timeout cancels the shield only ---\n");
    f->inner = asy_create_task(something(), NULL, &err);
    if (f->inner == NULL)
        ASY_RAISE(co, err);
    outer = asy_shield(asy_incref(f->inner), &err);
    if (outer == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, asy_wait_for(outer, 0.5));
    if (asy_exc_is(ASY_EXC(co), &asy_TimeoutError)) {
        asy_decref(ASY_CATCH(co));
        printf("main: TimeoutError at %.1f s\n", elapsed());
    }
    ASY_AWAIT(co, asy_incref(f->inner));
    printf("main: inner gave %s at %.1f s\n", ASY_REPR(ASY_SENT(co)), elapsed());
    ASY_END(co);
}

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
