/*
 * Chapter 29, demo 3: run_coroutine_threadsafe from another thread.
 *
 * The notes (seed 002, 跨线程调度, scheduling across threads):
 *
 *     coro = asyncio.sleep(1, result=3)
 *     future = asyncio.run_coroutine_threadsafe(coro, loop)
 *     assert future.result(timeout) == 3
 *
 * The loop runs main() in the main thread; main hands `other_thread` to a
 * worker with to_thread and awaits it. From the worker, the notes' three
 * lines: the coroutine runs as a task on the loop, and result(2) blocks
 * the WORKER (never the loop) until it is done: 3, one second later. Then
 * a second submission with too short a timeout: TimeoutError, and cancel()
 * from the worker cancels the task on the loop. Only the worker prints
 * until main's last line, so the order is fixed.
 * 3-threadsafe.py is the same program in Python.
 */
#include <stdio.h>
#include <time.h>

#include "cfuture.h"
#include "runners.h"
#include "executor.h"
#include "task.h"

static double t0;

static double elapsed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0;
}

/* def other_thread(loop):
 *     future = asyncio.run_coroutine_threadsafe(asyncio.sleep(1, result=3), loop)
 *     print(f"other thread: result(timeout=2) = {future.result(2)} at {elapsed():.1f} s")
 *     future = asyncio.run_coroutine_threadsafe(asyncio.sleep(1, result=4), loop)
 *     try:
 *         future.result(timeout=0.1)
 *     except TimeoutError:
 *         print(f"other thread: TimeoutError at {elapsed():.1f} s")
 *     print(f"other thread: cancel() = {future.cancel()}")
 *     return "done"                                                       */
static asy_exc *other_thread(asy_value arg, asy_value *result)
{
    asy_loop *loop = arg.u.p; /* only passed on, never touched here */
    asy_exc *err;
    asy_cfuture *future = asy_run_coroutine_threadsafe(asy_sleep(1, asy_int(3)), loop, &err);
    if (future == NULL)
        return err;
    asy_value v;
    err = asy_cfuture_result(future, 2.0, &v);
    asy_cfuture_decref(future);
    if (err != NULL)
        return err;
    printf("other thread: result(timeout=2) = %s at %.1f s\n", ASY_REPR(v), elapsed());
    asy_value_decref(v);

    future = asy_run_coroutine_threadsafe(asy_sleep(1, asy_int(4)), loop, &err);
    if (future == NULL)
        return err;
    err = asy_cfuture_result(future, 0.1, &v);
    if (asy_exc_is(err, &asy_TimeoutError))
        printf("other thread: TimeoutError at %.1f s\n", elapsed());
    asy_decref(err);
    asy_value_decref(v);
    printf("other thread: cancel() = %s\n", asy_cfuture_cancel(future) ? "True" : "False");
    asy_cfuture_decref(future);
    *result = asy_str("done");
    return NULL;
}

/* async def main():
 *     r = await asyncio.to_thread(other_thread, asyncio.get_running_loop())
 *     print(f"main: to_thread returned {r!r} at {elapsed():.1f} s")      */
typedef struct {
    asy_coro co;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_to_thread(other_thread, asy_ptr(asy_get_running_loop(NULL))));
    printf("main: to_thread returned %s at %.1f s\n", ASY_REPR(ASY_SENT(co)), elapsed());
    ASY_END(co);
}

int main(void)
{
    t0 = elapsed();
    asy_result r = asy_run(&ASY_CORO_NEW(main_frame, main_body, "main")->co, NULL);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
