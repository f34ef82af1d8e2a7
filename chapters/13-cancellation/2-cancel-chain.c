/*
 * 2-cancel-chain.c - cancelling a task that awaits a task that sleeps.
 *
 * main -> outer (a task) awaits inner (a task) awaits sleep(10).
 * main cancels outer. outer is waiting on the inner task, so outer's
 * cancel() cancels inner first (a Task overrides Future.cancel), and inner
 * is waiting on the sleep's future, so inner's cancel() cancels that.
 * The CancelledError then travels back up: inner cleans up first, then
 * outer, then main sees it.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"

static double t0; /* loop time when main() started */

static const char *now(char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    return buf;
}
#define NOW() now((char[32]){0}, 32)

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def inner():
 *     try: await asyncio.sleep(10)
 *     except CancelledError as e: print(...); raise
 *     finally: print("inner: cleanup") */
static asy_status inner_body(asy_coro *co)
{
    ASY_BEGIN(co);
    printf("inner: sleeping 10 s\n");
    ASY_AWAIT_TRY(co, asy_sleep(10, asy_none()));
    if (ASY_EXC(co) == NULL)
        printf("inner: woke up (never printed)\n");
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) /* except ...: print; raise */
        printf("inner: %s at its await, %s s\n", ASY_EXC_REPR(ASY_EXC(co)), NOW());
    printf("inner: cleanup\n"); /* finally */
    ASY_END(co);                /* the pending CancelledError propagates */
}

static asy_coro *inner(void) { return asy_coro_new(sizeof(asy_coro), inner_body, "inner"); }

/* async def outer():
 *     task = asyncio.create_task(inner(), name="inner")
 *     try: return await task
 *     except CancelledError as e: print(...); raise
 *     finally: print("outer: cleanup") */
typedef struct {
    asy_coro co;
    asy_task *task; /* owned */
} task_frame;

static void task_frame_clear(asy_gen *g) { asy_decref(((task_frame *)g)->task); }

static asy_status outer_body(asy_coro *co)
{
    asy_exc *err;
    task_frame *f = (task_frame *)co;
    ASY_BEGIN(co);
    f->task = asy_create_task(inner(), "inner", &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    printf("outer: awaiting the inner task\n");
    ASY_AWAIT_TRY(co, asy_incref(f->task));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
        printf("outer: %s, inner.cancelled() = %s\n", ASY_EXC_REPR(ASY_EXC(co)),
               py_bool(asy_future_cancelled(&f->task->fut)));
    printf("outer: cleanup\n");
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co))); /* a pending exception wins */
    ASY_END(co);
}

static asy_coro *outer(void)
{
    task_frame *f = ASY_CORO_NEW(task_frame, outer_body, "outer");
    asy_gen_set_clear(&f->co, task_frame_clear);
    return &f->co;
}

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    task_frame *f = (task_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->task = asy_create_task(outer(), "outer", &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    printf("main: cancel outer -> %s\n", py_bool(asy_task_cancel(f->task, "shutdown")));
    ASY_AWAIT_TRY(co, asy_incref(f->task));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_exc *e = ASY_CATCH(co); /* handled: main goes on */
        printf("main: %s, outer.cancelled() = %s at %s s\n", ASY_EXC_REPR(e),
               py_bool(asy_future_cancelled(&f->task->fut)), NOW());
        asy_decref(e);
    }
    ASY_END(co);
}

static asy_coro *main_coro(void)
{
    task_frame *f = ASY_CORO_NEW(task_frame, main_body, "main");
    asy_gen_set_clear(&f->co, task_frame_clear);
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
