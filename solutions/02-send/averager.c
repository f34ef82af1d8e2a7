/*
 * averager.c - solution of exercise 02-send/averager (see averager.h).
 */
#include "averager.h"

/* Everything that must survive a yield lives here, not in C locals. */
typedef struct {
    asy_gen gen; /* must come first */
    double total;
    long long count;
} averager_frame;

/* The numbers Python's `total += term` accepts here; a bool is left out to
 * keep the exercise small (Python would take it as 0 or 1). */
static bool to_double(asy_value v, double *out)
{
    if (v.kind == ASY_INT) {
        *out = (double)v.u.i;
        return true;
    }
    if (v.kind == ASY_FLOAT) {
        *out = v.u.f;
        return true;
    }
    return false;
}

static asy_status averager_body(asy_gen *g)
{
    averager_frame *f = (averager_frame *)g;
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_none()); /* priming lands here: there is no average yet */
    for (;;) {
        double term;
        if (!to_double(ASY_SENT(g), &term))
            ASY_RAISE(g, asy_exc_new(&asy_TypeError,
                                     "unsupported operand type(s) for +=: 'float' and '%s'",
                                     asy_value_type_name(ASY_SENT(g))));
        f->total += term;
        f->count += 1;
        ASY_YIELD(g, asy_float(f->total / (double)f->count));
    }
    ASY_END(g);
}

asy_gen *averager(void)
{
    return &ASY_GEN_NEW(averager_frame, averager_body, "averager")->gen;
}
