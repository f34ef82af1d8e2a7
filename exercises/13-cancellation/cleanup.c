/*
 * cleanup.c - exercise 13/cleanup: release the resource on every path.
 *
 * This worker does its rounds and releases the resource when it gets to
 * the end. But a CancelledError at a sleep makes ASY_AWAIT leave the body
 * at once, past the release; and a task cancelled before its first step
 * never runs the body at all. Read cleanup.h for the rules, then:
 *
 *   TODO: the contract of cleanup.h: the resource is released exactly
 *           once, whatever happens: a normal end, a CancelledError at any
 *           sleep (note the round it arrived in, and let it go on: the
 *           caller must still see the cancellation), or a task cancelled
 *           before its first step, whose body never runs (chapter 13,
 *           section 4: what runs when a frame is released?). `make hint`:
 *           the steps.
 *
 * make exercises CH=13 runs the tests.
 */
#include "cleanup.h"

typedef struct {
    asy_coro co;
    resource *res; /* borrowed; we hold it (acquired) until we release it */
    int rounds;
    double period;
    int round;     /* the loop counter lives in the frame: it crosses awaits */
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    for (f->round = 1; f->round <= f->rounds; f->round++) {
        ASY_AWAIT(co, asy_sleep(f->period, asy_none())); /* TODO: a cancel here skips the release below */
        f->res->rounds++;
    }
    resource_release(f->res); /* TODO: reached only on a normal end */
    ASY_RETURN(co, asy_int(f->res->rounds));
    ASY_END(co);
}

/* TODO: the body does not run on every path (see the contract above). */

asy_coro *worker(resource *res, int rounds, double period)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
    f->res = res;
    f->rounds = rounds;
    f->period = period;
    resource_acquire(res); /* ours from now on */
    return &f->co;
}
