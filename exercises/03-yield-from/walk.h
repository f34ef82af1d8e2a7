/*
 * walk.h - exercise 03/walk: walk a tree with recursive yield from.
 * Chapter: 03
 *
 *     def walk(node):
 *         yield node.value
 *         count = 1
 *         for kid in node.kids:
 *             count += yield from walk(kid)
 *         return count
 *
 * Each call of walk() is its own generator; a walk that is deep in the
 * tree is a chain of generators, each delegating to the next, and what the
 * deepest one yields comes straight out of the outermost.
 */
#ifndef EX03_WALK_H
#define EX03_WALK_H

#include "gen.h"

typedef struct walk_node {
    int value;
    const struct walk_node *kids; /* an array of nkids children, or NULL */
    int nkids;
} walk_node;

/* Yields the values of the tree under `node` in pre-order (a node, then
 * each of its subtrees in turn) and returns the number of nodes. `node` is
 * borrowed: the tree must outlive the generator. New reference. */
asy_gen *walk(const walk_node *node);

#endif /* EX03_WALK_H */
