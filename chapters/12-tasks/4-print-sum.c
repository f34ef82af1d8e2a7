/*
 * Chapter 12, demo 4: print_sum, the notes' sequence diagram (seed 001, 4.1).
 *
 * run_until_complete wraps print_sum in a task. Its first step runs
 * print_sum into compute and compute into sleep, which yields its future
 * all the way up to the task; the task waits for it. One (virtual) second
 * later the timer completes the future, the future's done callback wakes
 * the task, and the next step sends None down the same chain: sleep
 * returns, compute returns 3, print_sum prints. diagrams/12-print-sum-
 * sequence.svg draws exactly this. 4-print-sum.py is the Python.
 */
#include <stdio.h>

#include "task.h"

typedef struct {
    asy_coro co;
    long long x, y;
} xy_frame;

static asy_coro *new_xy(asy_gen_body body, const char *name, long long x, long long y)
{
    xy_frame *f = ASY_CORO_NEW(xy_frame, body, name);
    f->x = x;
    f->y = y;
    return &f->co;
}

/* async def compute(x, y):
 *     print('Compute {} + {} ...'.format(x, y))
 *     await asyncio.sleep(1.0)
 *     return x + y                                                        */
static asy_status compute_body(asy_coro *co)
{
    xy_frame *f = (xy_frame *)co;
    ASY_BEGIN(co);
    printf("Compute %lld + %lld ...\n", f->x, f->y);
    ASY_AWAIT(co, asy_sleep(1.0, asy_none()));
    ASY_RETURN(co, asy_int(f->x + f->y));
    ASY_END(co);
}

/* async def print_sum(x, y):
 *     result = await compute(x, y)
 *     print('{} + {} = {}'.format(x, y, result))                          */
static asy_status print_sum_body(asy_coro *co)
{
    xy_frame *f = (xy_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, new_xy(compute_body, "compute", f->x, f->y));
    printf("%lld + %lld = %s\n", f->x, f->y, ASY_STR(ASY_SENT(co)));
    ASY_END(co);
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_loop *loop = asy_loop_new(&opts, &err);                 /* loop = asyncio.new_event_loop() */
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    asy_result r = asy_loop_run_until_complete(loop, new_xy(print_sum_body, "print_sum", 1, 2));
    asy_result_clear(&r);
    asy_decref(asy_loop_close(loop));                     /* loop.close() */
    asy_decref(loop);
    return 0;
}
