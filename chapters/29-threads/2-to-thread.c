/*
 * Chapter 29, demo 2: to_thread(blocking_io) while the loop goes on.
 *
 * The notes (seed 002): "asyncio.to_thread(func, /, *args, **kwargs):
 * 在不同的线程中异步地运行函数 func" (run func asynchronously in another
 * thread). blocking_io is the same blocking call as in demo 1, but main
 * awaits asyncio.to_thread(blocking_io): a worker thread of the loop's
 * default executor runs it, and the ticker keeps its schedule meanwhile.
 * The worker prints too; the times are far enough apart (0.1 s) for the
 * two threads' lines to come out in this order every time.
 * 2-to-thread.py is the same program in Python.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"
#include "runners.h"
#include "gather.h"
#include "list.h"
#include "task.h"

static double t0;

/* time.monotonic(): the worker must not touch the loop, not even to read
 * its clock (only call_soon_threadsafe may cross). */
static double elapsed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0;
}

/* def blocking_io():
 *     print(f"start blocking_io at {elapsed():.1f} s")
 *     time.sleep(0.5)
 *     print(f"blocking_io complete at {elapsed():.1f} s")
 *     return "the file's contents"                                        */
static asy_exc *blocking_io(asy_value arg, asy_value *result)
{
    (void)arg;
    printf("start blocking_io at %.1f s\n", elapsed());
    usleep(500 * 1000);
    printf("blocking_io complete at %.1f s\n", elapsed());
    *result = asy_str("the file's contents");
    return NULL;
}

/* async def ticker():
 *     for i in range(1, 4):
 *         await asyncio.sleep(i * 0.2 - elapsed())
 *         print(f"tick {i} at {elapsed():.1f} s")                         */
typedef struct {
    asy_coro co;
    int i;
} ticker_frame;

static asy_status ticker_body(asy_coro *co)
{
    ticker_frame *f = (ticker_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 1; f->i < 4; f->i++) {
        ASY_AWAIT(co, asy_sleep(f->i * 0.2 - elapsed(), asy_none()));
        printf("tick %d at %.1f s\n", f->i, elapsed());
    }
    ASY_END(co);
}

/* async def main():
 *     print(f"started main at {elapsed():.1f} s")
 *     data, _ = await asyncio.gather(asyncio.to_thread(blocking_io), ticker())
 *     print(f"got {data!r}; finished main at {elapsed():.1f} s")         */
typedef struct {
    asy_coro co;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    ASY_BEGIN(co);
    printf("started main at %.1f s\n", elapsed());
    {
        void *aws[2] = {asy_to_thread(blocking_io, asy_none()),
                        &ASY_CORO_NEW(ticker_frame, ticker_body, "ticker")->co};
        ASY_AWAIT(co, asy_gather(false, 2, aws));
    }
    {
        asy_value data = asy_list_get(asy_value_list(ASY_SENT(co)), 0);
        printf("got %s; finished main at %.1f s\n", ASY_REPR(data), elapsed());
    }
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
