/*
 * 1-cancel-sleep.c - cancel a sleeping worker; its cleanup runs.
 *
 * main() starts a worker that ticks once a second, cancels it after 2.5 s
 * with a message, and awaits it. The CancelledError arrives inside the
 * worker at its `await asyncio.sleep(1)`, the worker's cleanup (its
 * `finally`) runs, the error propagates, and main sees it too.
 * Runs on the virtual clock: the 2.5 s take no real time.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"

static double t0; /* loop time when main() started */

/* Loop time since main() started, "2.5", as the Python twin prints it. */
static const char *now(char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    return buf;
}
#define NOW() now((char[32]){0}, 32)

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def worker():
 *     n = 0
 *     try:
 *         while True:
 *             n += 1; print(...); await asyncio.sleep(1)
 *     except Exception as e: print(...)      # never: CancelledError is no Exception
 *     finally: print("cleanup") */
typedef struct {
    asy_coro co;
    int n; /* survives the awaits: it lives in the frame */
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    for (;;) { /* try: while True: */
        f->n++;
        printf("worker: tick %d at %s s\n", f->n, NOW());
        ASY_AWAIT_TRY(co, asy_sleep(1, asy_none()));
        if (ASY_EXC(co) != NULL)
            break; /* an exception arrived at the await: leave the try block */
    }
    if (asy_exc_is(ASY_EXC(co), &asy_Exception)) { /* except Exception as e: */
        asy_value e = asy_obj_value(ASY_CATCH(co)); /* the value owns it now */
        printf("worker: caught %s\n", ASY_REPR(e));
        asy_value_decref(e);
    }
    /* finally: runs whatever happened; a CancelledError is still pending */
    printf("worker: cleanup at %s s, after %d ticks\n", NOW(), f->n);
    ASY_END(co); /* ... and propagates here: the task ends cancelled */
}

static asy_coro *worker(void) { return &ASY_CORO_NEW(worker_frame, worker_body, "worker")->co; }

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
    f->task = asy_create_task(worker(), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(2.5, asy_none()));
    printf("main: task.cancel('stop, please') -> %s\n", py_bool(asy_task_cancel(f->task, "stop, please")));
    /* cancel() only asks: nothing has happened to the worker yet */
    printf("main: right after cancel(), task.cancelled() = %s\n", py_bool(asy_future_cancelled(&f->task->fut)));
    ASY_AWAIT_TRY(co, asy_incref(f->task)); /* try: await task */
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) { /* except CancelledError as e: */
        asy_exc *e = ASY_CATCH(co);
        printf("main: await task raised CancelledError: %s\n", asy_exc_message(e));
        asy_decref(e);
    }
    printf("main: task.cancelled() = %s at %s s\n", py_bool(asy_future_cancelled(&f->task->fut)), NOW());
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->task); }

static asy_coro *main_coro(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    return &f->co;
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_result r = asy_run(main_coro(), &opts);          /* asyncio.run(main()) */
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
