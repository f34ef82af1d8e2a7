/*
 * Chapter 12, demo 5: a task is pending until the loop runs it (seed 001,
 * 4.2(2)). The notes print(task) before and after run_until_complete; the
 * repr differs between CPython (coro=<work() running at FILE:LINE>) and
 * this library (coro=<coroutine object work at 0x...>), so the demo prints
 * the parts that mean something: the name, done(), all_tasks, the result.
 * 5-run-until-complete.py is the Python.
 */
#include <stdio.h>

#include "task.h"

/* async def work(x):
 *     for _ in range(3):
 *         print('Work {} is running ..'.format(x))
 * No await: the whole body runs in the task's first step. */
typedef struct {
    asy_coro co;
    int x;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    for (int i = 0; i < 3; i++)
        printf("Work %d is running ..\n", f->x);
    ASY_END(co);
}

static void show(asy_task *task, asy_loop *loop)
{
    printf("%s: done=%s, all_tasks=%zu\n", asy_task_get_name(task),
           asy_future_done(&task->fut) ? "True" : "False", asy_all_tasks(loop, NULL, 0, NULL));
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    work_frame *coroutine_1 = ASY_CORO_NEW(work_frame, work_body, "work");
    coroutine_1->x = 1;

    asy_loop *loop = asy_loop_new(&opts, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    asy_task *task = asy_loop_create_task(loop, &coroutine_1->co, NULL, &err); /* steals the coroutine */
    if (task == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    show(task, loop);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(task));
    asy_result_clear(&r);
    show(task, loop);
    asy_value result;
    asy_decref(asy_future_result(&task->fut, &result)); /* task.result() */
    printf("result: %s\n", ASY_STR(result));
    asy_value_decref(result);
    asy_decref(task);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return 0;
}
