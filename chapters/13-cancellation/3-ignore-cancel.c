/*
 * 3-ignore-cancel.c - a cancel that is caught, one that comes before the
 * first step, and one that must wait for an await.
 *
 *   1. stubborn() catches the CancelledError and returns "ignored": its
 *      task finishes normally, not cancelled, and cancelling() still says
 *      1 until uncancel() takes the request back.
 *   2. never() is cancelled before its task ever ran: its body never runs.
 *   3. busy() cancels itself and goes on computing: nothing interrupts C
 *      code (or Python code) that does not await. The CancelledError
 *      arrives at its next await.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def stubborn():
 *     try: await asyncio.sleep(10)
 *     except CancelledError: print(...); return "ignored" */
static asy_status stubborn_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(10, asy_none()));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co)); /* swallowed: the task will not be cancelled */
        printf("stubborn: caught CancelledError, cancelling() = %d\n",
               asy_task_cancelling(asy_current_task(NULL, NULL)));
        ASY_RETURN(co, asy_str("ignored"));
    }
    ASY_END(co);
}

/* async def never(): print("never: ...") */
static asy_status never_body(asy_coro *co)
{
    ASY_BEGIN(co);
    printf("never: this line is never printed\n");
    ASY_END(co);
}

/* async def busy(): cancel myself, compute without awaiting, then await */
static asy_status busy_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_task *me = asy_current_task(NULL, NULL);
        printf("busy: me.cancel() -> %s\n", py_bool(asy_task_cancel(me, NULL)));
        long long total = 0; /* a C local is fine: no await until it is used up */
        for (long long i = 0; i < 1000000; i++) /* no await: nothing can interrupt this */
            total += i;
        printf("busy: still running, total = %lld, cancelling() = %d\n", total, asy_task_cancelling(me));
    }
    ASY_AWAIT_TRY(co, asy_sleep(0, asy_none()));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
        printf("busy: CancelledError at the first await\n");
    ASY_END(co); /* raise: the CancelledError goes on */
}

typedef struct {
    asy_coro co;
    asy_task *task; /* owned */
} main_frame;

/* Drop the task the frame holds (the Python twin rebinds `task`). */
static void forget_task(main_frame *f)
{
    asy_decref(f->task);
    f->task = NULL;
}

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    printf("-- 1. a task that catches CancelledError\n");
    f->task = asy_create_task(asy_coro_new(sizeof(asy_coro), stubborn_body, "stubborn"), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    printf("main: cancel -> %s\n", py_bool(asy_task_cancel(f->task, NULL)));
    ASY_AWAIT(co, asy_incref(f->task)); /* no exception: it returned */
    printf("main: await task -> %s, cancelled() = %s, cancelling() = %d\n", ASY_REPR(ASY_SENT(co)),
           py_bool(asy_future_cancelled(&f->task->fut)), asy_task_cancelling(f->task));
    printf("main: uncancel() -> %d\n", asy_task_uncancel(f->task));
    forget_task(f);

    printf("-- 2. a task cancelled before its first step\n");
    f->task = asy_create_task(asy_coro_new(sizeof(asy_coro), never_body, "never"), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    printf("main: cancel -> %s\n", py_bool(asy_task_cancel(f->task, NULL)));
    ASY_AWAIT_TRY(co, asy_incref(f->task));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("main: CancelledError, cancelled() = %s\n", py_bool(asy_future_cancelled(&f->task->fut)));
    }
    forget_task(f);

    printf("-- 3. cancel() is a request, delivered at the next await\n");
    f->task = asy_create_task(asy_coro_new(sizeof(asy_coro), busy_body, "busy"), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, asy_incref(f->task));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("main: CancelledError, cancelled() = %s\n", py_bool(asy_future_cancelled(&f->task->fut)));
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g) { forget_task((main_frame *)g); }

static asy_coro *main_coro(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    return &f->co;
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_result r = asy_run(main_coro(), &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
