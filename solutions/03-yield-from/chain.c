/*
 * chain.c - exercise 03/chain, the reference solution. Chapter: 03
 *
 *     def chain(a, b):
 *         x = yield from a
 *         y = yield from b
 *         return x + y
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
    ASY_BEGIN(g);
    {
        /* ASY_YIELD_FROM steals the generator: empty the frame field first,
         * or chain_clear would release it a second time. */
        asy_gen *sub = f->a;
        f->a = NULL;
        ASY_YIELD_FROM(g, sub); /* a throw or close reaches a from here */
    }
    /* ASY_SENT is borrowed and gone at the next yield: keep a reference. */
    f->first = asy_value_incref(ASY_SENT(g));
    {
        asy_gen *sub = f->b;
        f->b = NULL;
        ASY_YIELD_FROM(g, sub);
    }
    {
        asy_value x = f->first, y = ASY_SENT(g);
        if (x.kind == ASY_INT && y.kind == ASY_INT)
            ASY_RETURN(g, asy_int(x.u.i + y.u.i));
        /* What Python says for x + y when they are not both numbers. */
        ASY_RAISE(g, asy_exc_new(&asy_TypeError, "unsupported operand type(s) for +: '%s' and '%s'",
                                 asy_value_type_name(x), asy_value_type_name(y)));
    }
    ASY_END(g);
}

/* Runs once, when the chain finishes or is freed. A sub-generator that was
 * never delegated to (the chain was closed, dropped or failed early) is
 * still ours, and so is a's return value. */
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
