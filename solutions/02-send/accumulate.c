/*
 * accumulate.c - solution of exercise 02-send/accumulate (see accumulate.h).
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
    for (;;) {
        ASY_YIELD(g, asy_int(f->total)); /* x = yield total */
        if (asy_is_none(ASY_SENT(g)))
            ASY_RETURN(g, asy_int(f->total)); /* the caller sees ASY_RETURNED, value total */
        f->total += ASY_SENT(g).u.i;
    }
    ASY_END(g);
}

asy_gen *accumulate(void)
{
    return &ASY_GEN_NEW(accumulate_frame, accumulate_body, "accumulate")->gen;
}
