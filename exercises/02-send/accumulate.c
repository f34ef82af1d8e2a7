/*
 * accumulate.c - exercise 02-send/accumulate (see accumulate.h for the rules).
 */
#include "accumulate.h"

typedef struct {
    asy_gen gen; /* must come first */
    long long total;
} accumulate_frame;

static asy_status accumulate_body(asy_gen *g)
{
    accumulate_frame *f = (accumulate_frame *)g;
    ASY_BEGIN(g);
    (void)f; /* remove once you use f */
    /* TODO: loop forever:
     *   - yield the total so far (asy_int);
     *   - if what send() brought (ASY_SENT) is None, ASY_RETURN the total;
     *   - otherwise add the int to the total. */
    ASY_END(g);
}

asy_gen *accumulate(void)
{
    return &ASY_GEN_NEW(accumulate_frame, accumulate_body, "accumulate")->gen;
}
