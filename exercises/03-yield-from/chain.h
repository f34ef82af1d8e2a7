/*
 * chain.h - exercise 03/chain: one generator that delegates to two others.
 * Chapter: 03
 *
 *     def chain(a, b):
 *         x = yield from a
 *         y = yield from b
 *         return x + y
 *
 * chain(a, b) yields everything a yields, then everything b yields. Every
 * send, throw and close reaches whichever of the two is running, and the
 * chain returns the sum of their (integer) return values.
 */
#ifndef EX03_CHAIN_H
#define EX03_CHAIN_H

#include "gen.h"

/* Steals a and b (the chain owns them from now on, started or not).
 * Returns a new reference. */
asy_gen *chain(asy_gen *a, asy_gen *b);

#endif /* EX03_CHAIN_H */
