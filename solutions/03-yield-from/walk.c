/*
 * walk.c - exercise 03/walk, the reference solution. Chapter: 03
 *
 *     def walk(node):
 *         yield node.value
 *         count = 1
 *         for kid in node.kids:
 *             count += yield from walk(kid)
 *         return count
 */
#include "walk.h"

typedef struct {
    asy_gen gen;
    const walk_node *node; /* borrowed */
    int k;                 /* which kid we are walking: it crosses yields */
    long long count;       /* nodes seen so far */
} walk_frame;

static asy_status walk_body(asy_gen *g)
{
    walk_frame *f = (walk_frame *)g;
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(f->node->value));
    f->count = 1;
    for (f->k = 0; f->k < f->node->nkids; f->k++) {
        /* A new generator per kid, handed straight to the macro (which
         * steals it): no frame field to empty, nothing to clear. */
        ASY_YIELD_FROM(g, walk(&f->node->kids[f->k]));
        f->count += ASY_SENT(g).u.i; /* walk always returns an int */
    }
    ASY_RETURN(g, asy_int(f->count));
    ASY_END(g);
}

asy_gen *walk(const walk_node *node)
{
    walk_frame *f = ASY_GEN_NEW(walk_frame, walk_body, "walk");
    f->node = node;
    return &f->gen;
}
