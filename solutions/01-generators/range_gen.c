/*
 * range_gen.c - exercise 01/range_gen, the reference solution.
 *
 *     def range_gen(start, stop, step):
 *         if step == 0:
 *             raise ValueError("range() arg 3 must not be zero")
 *         i = start
 *         while (i < stop) if step > 0 else (i > stop):
 *             yield i
 *             i += step
 */
#include "range_gen.h"

#include <limits.h>
#include <stdbool.h>

/* The frame: the header first, then the arguments and the locals that must
 * survive a yield. */
typedef struct {
    asy_gen gen;
    long long start, stop, step;
    long long i; /* the loop variable: a C local would be lost at the yield */
} range_frame;

/* Is f->i still inside the range? */
static bool in_range(const range_frame *f)
{
    return f->step > 0 ? f->i < f->stop : f->i > f->stop;
}

/* Would f->i + f->step overflow a long long? Python's ints never overflow;
 * C's do (undefined behaviour). If it would, the next value lies beyond
 * LLONG_MAX (or LLONG_MIN), so certainly beyond stop: the range is over. */
static bool step_overflows(const range_frame *f)
{
    return f->step > 0 ? f->i > LLONG_MAX - f->step : f->i < LLONG_MIN - f->step;
}

static asy_status range_body(asy_gen *g)
{
    range_frame *f = (range_frame *)g;
    ASY_BEGIN(g);
    if (f->step == 0)
        ASY_RAISE(g, asy_exc_new(&asy_ValueError, "range() arg 3 must not be zero"));
    for (f->i = f->start; in_range(f); f->i += f->step) {
        ASY_YIELD(g, asy_int(f->i));
        if (step_overflows(f))
            break;
    }
    ASY_END(g);
}

asy_gen *range_gen(long long start, long long stop, long long step)
{
    range_frame *f = ASY_GEN_NEW(range_frame, range_body, "range_gen");
    f->start = start;
    f->stop = stop;
    f->step = step;
    return &f->gen;
}
