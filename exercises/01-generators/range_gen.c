/*
 * range_gen.c - exercise 01/range_gen (see range_gen.h).
 *
 * Write the body with ASY_BEGIN / ASY_YIELD / ASY_RAISE / ASY_END, like
 * gen_func_body() in chapters/01-generators/2-gen-func.c. Remember ground
 * rule 1: a C local does not survive a yield, so the loop variable must
 * live in the frame.
 */
#include "range_gen.h"

/* The frame: the header first, then the arguments and the locals that must
 * survive a yield. */
typedef struct {
    asy_gen gen;
    long long start, stop, step;
    /* TODO: the loop variable. */
} range_frame;

static asy_status range_body(asy_gen *g)
{
    range_frame *f = (range_frame *)g;
    (void)f;
    ASY_BEGIN(g);
    /* TODO: step == 0 -> ASY_RAISE a ValueError
     *       ("range() arg 3 must not be zero"; see asy_exc_new in exc.h);
     *       otherwise ASY_YIELD(g, asy_int(...)) each value of the range. */
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
