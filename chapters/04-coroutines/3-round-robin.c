/*
 * Chapter 04, demo 3: a round-robin scheduler (a trampoline).
 *
 * Three work(x) coroutines (the notes' work, seed 001 §4.2) take turns on
 * lib/trampoline.c: a ready queue, and one driver that is the only caller
 * of send(). Each work(x) prints and yields a bare None three times
 * ("give the others a turn"), then returns; on_done reports each result.
 * 3-round-robin.py writes the same scheduler in Python with a deque.
 */
#include <stdio.h>

#include "coro.h"
#include "trampoline.h"

/* async def work(x):
 *     for _ in range(3):
 *         print('Work {} is running ..'.format(x))
 *         await switch()
 *     return 'Work {} is finished'.format(x)
 * The loop counter lives in the frame: it must survive the yield. */
typedef struct {
    asy_coro co;
    int x;
    int round;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    for (f->round = 0; f->round < 3; f->round++) {
        printf("Work %d is running ..\n", f->x);
        ASY_YIELD(co, asy_none()); /* await switch(): a bare yield */
    }
    ASY_RETURN(co, asy_strf("Work %d is finished", f->x));
    ASY_END(co);
}

static asy_coro *work(int x)
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->x = x;
    return &f->co;
}

/* Called by the trampoline once per coroutine, when it finishes.
 * `co` and `r` are borrowed. */
static void on_done(asy_coro *co, const asy_result *r, void *arg)
{
    (void)arg;
    if (r->status == ASY_RAISED)
        printf("on_done: %s raised %s\n", co->name, ASY_EXC_STR(r->exc));
    else
        printf("on_done: %s returned %s\n", co->name, ASY_REPR(r->value));
}

int main(void)
{
    asy_trampoline t;
    asy_trampoline_init(&t, on_done, NULL);
    for (int x = 1; x <= 3; x++)
        asy_trampoline_spawn(&t, work(x)); /* steals the coroutine */
    size_t sends = asy_trampoline_run(&t, NULL); /* on_done gets every outcome: no error here */
    printf("%zu sends\n", sends);
    return asy_obj_live() == 0 ? 0 : 1;
}
