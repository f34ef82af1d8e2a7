/*
 * walk.c - exercise 03/walk (the file you edit). Chapter: 03
 *
 *     def walk(node):
 *         yield node.value
 *         count = 1
 *         for kid in node.kids:
 *             count += yield from walk(kid)
 *         return count
 *
 * Run the tests with:  make exercises CH=03
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
    (void)f;
    ASY_BEGIN(g);
    /* TODO 1: yield this node's value.
     * TODO 2: for each kid, delegate to walk(kid) and add what it returns
     *         (ASY_SENT(g) after the yield from) to f->count.
     * TODO 3: return the count of nodes (this one included). */
    ASY_END(g);
}

asy_gen *walk(const walk_node *node)
{
    walk_frame *f = ASY_GEN_NEW(walk_frame, walk_body, "walk");
    f->node = node;
    return &f->gen;
}
