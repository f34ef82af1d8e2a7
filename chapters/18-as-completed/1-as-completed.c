/*
 * Chapter 18, demo 1: the notes' as_completed example (seed 001 §4.4(5)).
 *
 * Three work(x) tasks, made in the order 2, 1, 3, each running three
 * rounds of one second. as_completed hands out their results as they
 * complete: all three finish at 3 s, in the order their last timers fire,
 * which is the order they were made.
 */
#include <stdio.h>

#include "as_completed.h"
#include "runners.h"

/* async def work(x):
 *     for _ in range(3):
 *         print("Work {} is running ..".format(x))
 *         await asyncio.sleep(1)
 *     return "Work {} is finished!".format(x) */
typedef struct {
    asy_coro co;
    int x, round;
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

typedef struct {
    asy_coro co;
    asy_as_completed *ac; /* lives across the awaits: in the frame */
} main_frame;

/* async def main_work():
 *     tasks = [ensure_future(work(2)), ensure_future(work(1)), ensure_future(work(3))]
 *     for task in asyncio.as_completed(tasks):
 *         result = await task
 *         print(f"The task's result is : {result}") */
static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        /* one statement each: C leaves the order of an initializer list's
         * calls unspecified, and the order tasks are made matters */
        asy_exc *err = NULL; /* ensure_future fails only without a running loop */
        void *tasks[3];
        tasks[0] = asy_ensure_future(work(2), NULL, &err);
        tasks[1] = asy_ensure_future(work(1), NULL, &err);
        tasks[2] = asy_ensure_future(work(3), NULL, &err);
        f->ac = asy_as_completed_new(3, tasks, ASY_NO_TIMEOUT); /* steals the tasks */
    }
    while (asy_as_completed_left(f->ac) > 0) {
        ASY_AWAIT(co, asy_as_completed_next(f->ac)); /* result = await task */
        printf("The task's result is : %s\n", ASY_STR(ASY_SENT(co)));
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->ac); }

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main_work");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
