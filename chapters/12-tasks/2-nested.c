/*
 * Chapter 12, demo 2: the notes' nested1..4 (seed 001, 4.2(6)).
 *
 * main creates four tasks and sleeps 1 s. The tasks get their first step
 * while main sleeps: each prints its name and sleeps 0.5 s, then finishes.
 * When main wakes, every task is done, so each `await taskN` returns its
 * result at once, without yielding. 2-nested.py is the Python.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"

/* async def nestedN():
 *     print("nestedN")
 *     await asyncio.sleep(0.5)
 *     print("nestedN is finished!")
 *     return N
 * The four functions of the notes differ only in N: one body, N in the frame. */
typedef struct {
    asy_coro co;
    int n;
} nested_frame;

static asy_status nested_body(asy_coro *co)
{
    nested_frame *f = (nested_frame *)co;
    ASY_BEGIN(co);
    printf("nested%d\n", f->n);
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    printf("nested%d is finished!\n", f->n);
    ASY_RETURN(co, asy_int(f->n));
    ASY_END(co);
}

static asy_coro *nested(int n)
{
    nested_frame *f = ASY_CORO_NEW(nested_frame, nested_body, "nested");
    f->n = n;
    return &f->co;
}

/* async def main(): the tasks live in the frame, across the awaits. */
typedef struct {
    asy_coro co;
    asy_task *task[4];
    int i;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    printf("main\n");
    for (int i = 0; i < 4; i++) {
        f->task[i] = asy_create_task(nested(i + 1), NULL, &err); /* scheduled, not run yet */
        if (f->task[i] == NULL)
            ASY_RAISE(co, err);
    }
    ASY_AWAIT(co, asy_sleep(1, asy_none()));               /* now they run */
    for (f->i = 0; f->i < 4; f->i++) {
        ASY_AWAIT(co, asy_incref(f->task[f->i])); /* done already: no yield */
        printf("%s\n", ASY_STR(ASY_SENT(co)));
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < 4; i++)
        asy_decref(f->task[i]);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    asy_result_clear(&r);
    return 0;
}
