/*
 * cleanup.c - exercise 13/cleanup, the reference solution.
 *
 * Two places release, and a flag in the frame makes it exactly once:
 *   - the body's cleanup (Python's finally): after the loop, reached on a
 *     normal end and when an exception arrives at the sleep (ASY_AWAIT_TRY
 *     keeps the body running; the exception stays pending and propagates
 *     at ASY_RETURN);
 *   - the frame's clear function, which runs once when the coroutine
 *     finishes or is freed: the only code that runs when the task is
 *     cancelled before its first step, or the coroutine is dropped unrun.
 */
#include "cleanup.h"

typedef struct {
    asy_coro co;
    resource *res;  /* borrowed; we hold it (acquired) until `released` */
    bool released;
    int rounds;
    double period;
    int round;      /* the loop counter lives in the frame: it crosses awaits */
} worker_frame;

/* Give the resource back, once. */
static void give_back(worker_frame *f)
{
    if (f->released)
        return;
    f->released = true;
    resource_release(f->res);
}

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    for (f->round = 1; f->round <= f->rounds; f->round++) {
        ASY_AWAIT_TRY(co, asy_sleep(f->period, asy_none()));
        if (ASY_EXC(co) != NULL) { /* leave the loop with the exception pending */
            if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
                f->res->cancelled_in_round = f->round;
            break;
        }
        f->res->rounds++;
    }
    give_back(f);                            /* finally: */
    ASY_RETURN(co, asy_int(f->res->rounds)); /* a pending CancelledError wins: it propagates */
    ASY_END(co);
}

/* Runs once, whatever happened: the body may never have run at all. */
static void worker_clear(asy_gen *g) { give_back((worker_frame *)g); }

asy_coro *worker(resource *res, int rounds, double period)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
    f->res = res;
    f->rounds = rounds;
    f->period = period;
    resource_acquire(res); /* ours from now on */
    asy_gen_set_clear(&f->co, worker_clear);
    return &f->co;
}
