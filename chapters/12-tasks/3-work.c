/*
 * Chapter 12, demo 3: three tasks take turns (seed 001, 4.2(5)).
 *
 * work(x) prints and sleeps 1 s, three times. Wrapped in three tasks, the
 * three loops interleave: every task runs until its sleep, then the next
 * one gets the loop. The notes collect the results with asyncio.wait and
 * iterate the set `dones`, whose order is arbitrary (wait() is chapter 15);
 * here main awaits the tasks in order, so the results come out in order.
 * The notes drive it with loop.run_until_complete. 3-work.py is the Python.
 */
#include <stdio.h>

#include "task.h"

/* async def work(x):
 *     for _ in range(3):
 *         print("Work {} is running ..".format(x))
 *         await asyncio.sleep(1)
 *     return "Work {} is finished!".format(x)                             */
typedef struct {
    asy_coro co;
    int x, round; /* `round` is the loop counter: it must survive the await */
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    for (f->round = 0; f->round < 3; f->round++) {
        printf("Work %d is running ..\n", f->x);
        ASY_AWAIT(co, asy_sleep(1, asy_none()));
    }
    ASY_RETURN(co, asy_strf("Work %d is finished!", f->x));
    ASY_END(co);
}

static asy_coro *work(int x)
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->x = x;
    return &f->co;
}

/* async def main_work():
 *     tasks = [asyncio.ensure_future(work(1)), ... work(2), ... work(3)]
 *     for task in tasks:
 *         print("The task's result is : {}".format(await task))          */
typedef struct {
    asy_coro co;
    asy_future *tasks[3];
    int i;
} main_frame;

static asy_status main_work_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    for (int i = 0; i < 3; i++) {
        asy_exc *err = NULL;
        f->tasks[i] = asy_ensure_future(work(i + 1), NULL, &err); /* a coroutine: wrapped in a Task */
        if (f->tasks[i] == NULL)
            ASY_RAISE(co, err);
    }
    for (f->i = 0; f->i < 3; f->i++) {
        ASY_AWAIT(co, asy_incref(f->tasks[f->i]));
        printf("The task's result is : %s\n", ASY_STR(ASY_SENT(co)));
    }
    ASY_END(co);
}

static void main_work_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < 3; i++)
        asy_decref(f->tasks[i]);
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_loop *loop = asy_loop_new(&opts, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    main_frame *f = ASY_CORO_NEW(main_frame, main_work_body, "main_work");
    asy_gen_set_clear(&f->co, main_work_clear);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return 0;
}
