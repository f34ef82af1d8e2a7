/*
 * chain.c - exercise 03/chain (the file you edit). Chapter: 03
 *
 *     def chain(a, b):
 *         x = yield from a
 *         y = yield from b
 *         return x + y
 *
 * Run the tests with:  make exercises CH=03
 */
#include "chain.h"

/* The frame: what must survive a yield lives here (ground rule 1). */
typedef struct {
    asy_gen gen;
    asy_gen *a;        /* owned until it is handed to ASY_YIELD_FROM */
    asy_gen *b;        /* owned until it is handed to ASY_YIELD_FROM */
    asy_value first;   /* a's return value (owned), kept while b runs */
} chain_frame;

static asy_status chain_body(asy_gen *g)
{
    chain_frame *f = (chain_frame *)g;
    (void)f;
    ASY_BEGIN(g);
    /* TODO 1: delegate to f->a with ASY_YIELD_FROM, and keep what it
     *         returned (ASY_SENT(g) right after the yield from) in f->first.
     * TODO 2: the same with f->b.
     * TODO 3: return the sum of the two (integer) return values with
     *         ASY_RETURN. */
    ASY_END(g);
}

/* Given, not a TODO: runs once, when the chain finishes or is freed, and
 * releases what the frame still holds. A sub-generator never handed to
 * ASY_YIELD_FROM (the chain was closed or dropped early) is still ours.
 * But one that was handed over belongs to the macro now: the body must set
 * the field to NULL before the macro, or this releases it a second time. */
static void chain_clear(asy_gen *g)
{
    chain_frame *f = (chain_frame *)g;
    asy_decref(f->a);
    asy_decref(f->b);
    f->a = NULL;
    f->b = NULL;
    asy_value_clear(&f->first);
}

asy_gen *chain(asy_gen *a, asy_gen *b)
{
    chain_frame *f = ASY_GEN_NEW(chain_frame, chain_body, "chain");
    f->a = a;
    f->b = b;
    asy_gen_set_clear(&f->gen, chain_clear);
    return &f->gen;
}
