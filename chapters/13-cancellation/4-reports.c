/*
 * 4-reports.c - what the library reports about forgotten coroutines and
 * tasks, and when.
 *
 *   1. a coroutine built and never awaited: "RuntimeWarning: coroutine
 *      'nested' was never awaited" on stderr when it is freed;
 *   2. a task that failed and whose exception nobody retrieved: "Task
 *      exception was never retrieved", when its last reference goes;
 *   3. a task still pending when its loop closes: "Task was destroyed but
 *      it is pending!", and its coroutine is closed (its cleanup runs).
 *
 * Reports 2 and 3 go through the loop's exception handler. This program
 * installs its own, which prints on stdout what it is handed (CPython's
 * context dict: message, exception, the task) and then calls the default
 * handler, which prints the usual report on stderr.
 */
#include <stdio.h>

#include "task.h"

static void handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)arg;
    asy_task *task = asy_value_task(ctx->source); /* borrowed */
    asy_value exc = ctx->exception != NULL ? asy_exc_value(ctx->exception) : asy_none();
    printf("handler: '%s', exception %s, task.done() = %s\n", ctx->message, ASY_REPR(exc),
           task != NULL && asy_future_done(&task->fut) ? "True" : "False");
    asy_value_decref(exc);
    /* The usual report, on stderr. A task reporting "never retrieved" is
     * in the middle of being freed, and the library has already let go of
     * its name, so the default handler gets the report without the task
     * (it would print its repr, name included). */
    asy_error_context without_task = *ctx;
    without_task.source = asy_none();
    asy_loop_default_exception_handler(loop, &without_task);
}

/* async def nested(): return 42 */
static asy_status nested_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(42));
    ASY_END(co);
}
static asy_coro *nested(void) { return asy_coro_new(sizeof(asy_coro), nested_body, "nested"); }

/* async def fail(): await asyncio.sleep(0.5); raise ValueError(...) */
static asy_status fail_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "nobody looks at me"));
    ASY_END(co);
}
static asy_coro *fail(void) { return asy_coro_new(sizeof(asy_coro), fail_body, "fail"); }

/* async def forever(): await a future nobody completes; note what arrives */
static const char *cleanup_saw = "None";

static asy_status forever_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_future_new(asy_get_running_loop(NULL)));
    if (ASY_EXC(co) != NULL)
        cleanup_saw = ASY_EXC(co)->type->name; /* a static string: safe to keep */
    ASY_END(co);                               /* and it propagates */
}
static asy_coro *forever(void) { return asy_coro_new(sizeof(asy_coro), forever_body, "forever"); }

typedef struct {
    asy_coro co;
    asy_task *task; /* owned */
} main_frame;

/* del task: drop the frame's reference (the last one, here) */
static void del_task(main_frame *f)
{
    asy_decref(f->task);
    f->task = NULL;
}

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    printf("-- 1. a coroutine that is never awaited\n");
    asy_decref(nested()); /* built and dropped: the warning goes to stderr */
    ASY_AWAIT(co, nested());
    printf("main: await nested() -> %s\n", ASY_STR(ASY_SENT(co)));

    printf("-- 2. a task whose exception nobody retrieves\n");
    f->task = asy_create_task(fail(), "fail", &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    printf("main: task.done() = %s, dropping the last reference\n",
           asy_future_done(&f->task->fut) ? "True" : "False");
    del_task(f); /* reported right here, by the task's dealloc */
    printf("main: a retrieved exception is not reported:\n");
    f->task = asy_create_task(fail(), "fail-2", &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    {
        asy_exc *e = NULL;
        asy_decref(asy_future_exception(&f->task->fut, &e)); /* task.exception() */
        asy_value v = asy_obj_value(e);                       /* steals e */
        printf("main: task.exception() = %s\n", ASY_REPR(v));
        asy_value_decref(v);
    }
    del_task(f);

    printf("-- 3. a task still pending when its loop closes\n");
    asy_decref(asy_create_task(forever(), "forever", NULL)); /* keep no reference */
    ASY_AWAIT(co, asy_sleep(0, asy_none()));           /* it starts and waits */
    ASY_END(co);
}

static void main_clear(asy_gen *g) { del_task((main_frame *)g); }

static asy_coro *main_coro(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    return &f->co;
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    setvbuf(stdout, NULL, _IOLBF, 0); /* stdout and stderr interleave in order */
    asy_loop *loop = asy_loop_new(&opts, &err);               /* asyncio.new_event_loop() */
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    asy_loop_set_exception_handler(loop, handler, NULL);
    asy_result r = asy_loop_run_until_complete(loop, main_coro());
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    printf("main returned; closing the loop\n");
    asy_decref(asy_loop_close(loop)); /* abandon_tasks() reports "forever" here */
    printf("loop closed; forever's cleanup ran after %s\n", cleanup_saw);
    asy_decref(loop);
    return asy_obj_live() == 0 ? status : 1;
}
