/*
 * range_gen.h - exercise 01/range_gen: a generator built with the macros.
 *
 * The Python it stands for:
 *
 *     def range_gen(start, stop, step):
 *         if step == 0:
 *             raise ValueError("range() arg 3 must not be zero")
 *         i = start
 *         while (i < stop) if step > 0 else (i > stop):
 *             yield i
 *             i += step
 *
 * It yields what Python's range(start, stop, step) holds:
 *   range_gen(0, 5, 1)   0 1 2 3 4
 *   range_gen(1, 10, 3)  1 4 7
 *   range_gen(5, 0, -2)  5 3 1
 *   range_gen(3, 3, 1)   nothing
 * One difference: Python's range() raises ValueError when it is called
 * with step 0. A generator runs none of its body until the first next(),
 * so here the ValueError comes out of the first asy_gen_next().
 */
#ifndef RANGE_GEN_H
#define RANGE_GEN_H

#include "gen.h"

/* range_gen(start, stop, step): a new generator (new reference; release it
 * with asy_decref). Each asy_gen_next() yields the next integer (an ASY_INT
 * value) or returns ASY_RETURNED (StopIteration) when the range is over. */
asy_gen *range_gen(long long start, long long stop, long long step);

#endif /* RANGE_GEN_H */
