/*
 * Chapter 29, demo 1: the problem, measured.
 *
 * A ticker task prints every 0.2 s. After 0.1 s, main calls a blocking
 * function (time.sleep(0.5)) right inside its coroutine. A coroutine only
 * gives the loop back at an await, and a blocking call has none: for half
 * a second the loop runs nothing at all. The tick due at 0.2 s comes out
 * at 0.6 s, 0.4 s late. (Chapter 15 showed the same with time.sleep; here
 * the lateness is measured.) Real clock: the blocking is real.
 * 1-blocking.py is the same program in Python.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "task.h"
#include "runners.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def ticker():
 *     for i in range(4):
 *         due = i * 0.2
 *         print(f"tick {i} at {elapsed():.1f} s (due at {due:.1f} s)")
 *         await asyncio.sleep(t0 + due + 0.2 - loop.time())              */
typedef struct {
    asy_coro co;
    int i;
} ticker_frame;

static asy_status ticker_body(asy_coro *co)
{
    ticker_frame *f = (ticker_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < 4; f->i++) {
        printf("tick %d at %.1f s (due at %.1f s)\n", f->i, elapsed(), f->i * 0.2);
        ASY_AWAIT(co, asy_sleep((f->i + 1) * 0.2 - elapsed(), asy_none()));
    }
    ASY_END(co);
}

/* async def main():
 *     task = asyncio.create_task(ticker())
 *     await asyncio.sleep(0.1)
 *     print(f"main blocks at {elapsed():.1f} s")
 *     time.sleep(0.5)                # blocking: the loop is frozen
 *     print(f"main unblocks at {elapsed():.1f} s")
 *     await task                                                          */
typedef struct {
    asy_coro co;
    asy_task *task;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->task = asy_create_task(&ASY_CORO_NEW(ticker_frame, ticker_body, "ticker")->co, NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_sleep(0.1, asy_none()));
    printf("main blocks at %.1f s\n", elapsed());
    usleep(500 * 1000); /* time.sleep(0.5) */
    printf("main unblocks at %.1f s\n", elapsed());
    ASY_AWAIT(co, asy_incref(f->task));
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->task); }

int main(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL); /* the real clock */
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
