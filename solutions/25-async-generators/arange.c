/*
 * arange.c - exercise 25/arange, solved: an async range generator with
 * cleanup. The cleanup sits after the loop and runs on every way out; an
 * exception still pending there (GeneratorExit from aclose, a
 * CancelledError) goes on at ASY_END, which is Python's `finally`.
 */
#include "arange.h"

typedef struct {
    asy_asyncgen ag;
    long long start, stop, i;
    double delay;
    arange_log *log; /* borrowed: the caller's */
} arange_frame;

static asy_status arange_body(asy_gen *g)
{
    arange_frame *f = (arange_frame *)g;
    ASY_BEGIN(g);
    for (f->i = f->start; f->i < f->stop; f->i++) {
        ASY_AWAIT_TRY(g, asy_sleep(f->delay, asy_none()));
        if (ASY_EXC(g) != NULL)
            break;
        ASY_AGEN_YIELD_TRY(g, asy_int(f->i));
        if (ASY_EXC(g) != NULL)
            break;
    }
    /* finally: */
    f->log->closed++;
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        f->log->closed_at = loop != NULL ? asy_loop_time(loop) : -1.0;
    }
    ASY_END(g); /* a pending exception propagates from here */
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
