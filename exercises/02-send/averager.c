/*
 * averager.c - exercise 02-send/averager (see averager.h for the rules).
 *
 * Fill in the body. It runs from ASY_BEGIN to the first yield on priming,
 * then from behind that yield to the next one on each send.
 */
#include "averager.h"

/* Everything that must survive a yield lives here, not in C locals. */
typedef struct {
    asy_gen gen; /* must come first */
    double total;
    long long count;
} averager_frame;

static asy_status averager_body(asy_gen *g)
{
    averager_frame *f = (averager_frame *)g;
    ASY_BEGIN(g);
    (void)f; /* remove once you use f */
    /* TODO: yield None first (that is what priming receives).
     * TODO: then loop forever: ASY_SENT(g) is the number that send() brought.
     *       An ASY_INT or an ASY_FLOAT goes into the total; for anything else
     *       ASY_RAISE a TypeError (asy_exc_new with the message in averager.h).
     *       Yield the new average as asy_float(...). */
    ASY_END(g);
}

asy_gen *averager(void)
{
    return &ASY_GEN_NEW(averager_frame, averager_body, "averager")->gen;
}
