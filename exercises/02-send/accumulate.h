/*
 * accumulate.h - exercise 02-send/accumulate: a return value in the stop
 * signal.
 *
 * The Python it rebuilds:
 *
 *     def accumulate():
 *         total = 0
 *         while True:
 *             x = yield total
 *             if x is None:
 *                 return total
 *             total += x
 *
 * Behaviour the test checks:
 *   - priming yields 0 (the total so far);
 *   - each send(x) with an int x yields the running total: 1, 2, 3 -> 1, 3, 6;
 *   - sending None ends it: the generator RETURNS the total, so the step's
 *     status is ASY_RETURNED and its value is the total (in Python:
 *     StopIteration(6), whose .value is 6). None right after priming
 *     returns 0;
 *   - after that every send answers ASY_RETURNED with None (library
 *     behaviour: a finished generator keeps saying "stopped").
 * Only ints and None are sent; the test sends nothing else.
 */
#ifndef ACCUMULATE_H
#define ACCUMULATE_H

#include "gen.h"

/* accumulate(): a new reference to a generator that has not started yet. */
asy_gen *accumulate(void);

#endif /* ACCUMULATE_H */
