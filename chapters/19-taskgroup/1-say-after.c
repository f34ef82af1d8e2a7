/*
 * Chapter 19, demo 1: say_after in a TaskGroup.
 *
 * The notes (seed 004): "asyncio.TaskGroup类提供了create_task()的更现代化的替代".
 * Chapter 12 ran the two say_after calls as tasks and awaited each one by
 * hand. A TaskGroup does the waiting: leaving the block waits for every
 * task created in it, so both are done after max(1, 2) = 2 s.
 * `async with asyncio.TaskGroup() as tg:` is an enter/exit pair
 * (taskgroup.h); exit is a coroutine, because leaving the block waits.
 * 1-say-after.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "taskgroup.h"

static double t0;

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
 *     async with asyncio.TaskGroup() as tg:
 *         task1 = tg.create_task(say_after(1, 'hello'))
 *         task2 = tg.create_task(say_after(2, 'world'))
 *         print(f"started at {elapsed()}")
 *     # The await is implicit when the context manager exits.
 *     print(f"finished at {elapsed()}")                                   */
typedef struct {
    asy_coro co;
    asy_taskgroup *tg;       /* lives across the exit's await: in the frame */
    asy_task *task1, *task2; /* the tasks, if you want their results later */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->tg = asy_taskgroup_new();
    err = asy_taskgroup_enter(f->tg); /* async with asyncio.TaskGroup() as tg: */
    if (err != NULL)
        ASY_RAISE(co, err);
    f->task1 = asy_taskgroup_create_task(f->tg, say_after(1, "hello"), NULL, NULL);
    f->task2 = asy_taskgroup_create_task(f->tg, say_after(2, "world"), NULL, NULL);
    printf("started at %.1f s\n", elapsed());
    /* The end of the block: exit waits for both tasks. The body raised
     * nothing, so there is no exception to hand over (NULL). */
    ASY_AWAIT(co, asy_taskgroup_exit(f->tg, NULL));
    printf("finished at %.1f s\n", elapsed());
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->task1);
    asy_decref(f->task2);
    asy_decref(f->tg);
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
