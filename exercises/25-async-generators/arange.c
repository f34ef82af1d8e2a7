/*
 * arange.c - exercise 25/arange: an async range generator with cleanup.
 *
 * As it stands, arange is an async generator that yields nothing: the
 * body ends at once. Read arange.h and lib/asyncgen.h (the ticker example
 * at the top), then write the body:
 *
 *   TODO 1: the loop over start..stop-1, with the counter in the frame
 *           (C locals do not survive a suspension).
 *   TODO 2: before each value, ASY_AWAIT_TRY the sleep; after it, yield the
 *           value for the `async for` with ASY_AGEN_YIELD_TRY. (A plain
 *           ASY_YIELD would hand the int to the TASK, which cannot wait
 *           for it: "Task got bad yield".)
 *   TODO 3: an exception at either point (aclose's GeneratorExit, a
 *           CancelledError) leaves the loop; the cleanup below runs; the
 *           exception still pending at ASY_END goes on by itself.
 *
 * make exercises CH=25 runs the tests.
 */
#include "arange.h"

typedef struct {
    asy_asyncgen ag;
    long long start, stop;
    double delay;
    arange_log *log; /* borrowed: the caller's */
} arange_frame;

static asy_status arange_body(asy_gen *g)
{
    arange_frame *f = (arange_frame *)g;
    (void)f;
    ASY_BEGIN(g);
    /* TODO 1-3 */
    ASY_END(g);
}

asy_asyncgen *arange(long long start, long long stop, double delay, arange_log *log)
{
    arange_frame *f = ASY_ASYNCGEN_NEW(arange_frame, arange_body, "arange");
    f->start = start;
    f->stop = stop;
    f->delay = delay;
    f->log = log;
    return &f->ag;
}
