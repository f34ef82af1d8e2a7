/*
 * Chapter 12, demo 1: await versus create_task.
 *
 * The notes' say_after (seed 002, "运行协程"): awaited twice in a row it
 * takes 1 + 2 = 3 seconds; wrapped in two tasks that run side by side it
 * takes max(1, 2) = 2 seconds. The loop runs on the virtual clock, so the
 * seconds pass at once and the times printed are exact; the notes'
 * time.strftime('%X') is replaced by the elapsed loop time.
 * 1-say-after.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"

static double t0; /* loop time when main started */

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def say_after(delay, what):
 *     await asyncio.sleep(delay)
 *     print(f"{what} at {elapsed()}")                                     */
typedef struct {
    asy_coro co;
    double delay;
    const char *what;
} say_after_frame;

static asy_status say_after_body(asy_coro *co)
{
    say_after_frame *f = (say_after_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    printf("%s at %.1f s\n", f->what, elapsed());
    ASY_END(co);
}

static asy_coro *say_after(double delay, const char *what)
{
    say_after_frame *f = ASY_CORO_NEW(say_after_frame, say_after_body, "say_after");
    f->delay = delay;
    f->what = what;
    return &f->co;
}

/* async def main():
 *     print(f"started at ...")
 *     await say_after(1, 'hello')
 *     await say_after(2, 'world')
 *     print(f"finished at ...")                                           */
static asy_status main_body(asy_coro *co)
{
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    printf("started at %.1f s\n", elapsed());
    ASY_AWAIT(co, say_after(1, "hello"));
    ASY_AWAIT(co, say_after(2, "world"));
    printf("finished at %.1f s\n", elapsed());
    ASY_END(co);
}

/* async def main_tasks():
 *     task1 = asyncio.create_task(say_after(1, 'hello'))
 *     task2 = asyncio.create_task(say_after(2, 'world'))
 *     print(f"started at ...")
 *     await task1
 *     await task2
 *     print(f"finished at ...")                                           */
typedef struct {
    asy_coro co;
    asy_task *task1, *task2; /* kept across the awaits: in the frame */
} main_tasks_frame;

static asy_status main_tasks_body(asy_coro *co)
{
    asy_exc *err;
    main_tasks_frame *f = (main_tasks_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->task1 = asy_create_task(say_after(1, "hello"), NULL, &err);
    if (f->task1 == NULL)
        ASY_RAISE(co, err);
    f->task2 = asy_create_task(say_after(2, "world"), NULL, &err);
    if (f->task2 == NULL)
        ASY_RAISE(co, err);
    printf("started at %.1f s\n", elapsed());
    ASY_AWAIT(co, asy_incref(f->task1)); /* ASY_AWAIT steals: give it its own reference */
    ASY_AWAIT(co, asy_incref(f->task2));
    printf("finished at %.1f s\n", elapsed());
    ASY_END(co);
}

static void main_tasks_clear(asy_gen *g)
{
    main_tasks_frame *f = (main_tasks_frame *)g;
    asy_decref(f->task1);
    asy_decref(f->task2);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */

    printf("--- await say_after() twice: one after the other ---\n");
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), main_body, "main"), &opts);
    asy_result_clear(&r);

    printf("--- two tasks: side by side ---\n");
    main_tasks_frame *f = ASY_CORO_NEW(main_tasks_frame, main_tasks_body, "main_tasks");
    asy_gen_set_clear(&f->co, main_tasks_clear);
    r = asy_run(&f->co, &opts);
    asy_result_clear(&r);
    return 0;
}
