/*
 * averager.h - exercise 02-send/averager: a running average fed by send().
 *
 * The Python it rebuilds:
 *
 *     def averager():
 *         total = 0.0
 *         count = 0
 *         average = None
 *         while True:
 *             term = yield average
 *             total += term
 *             count += 1
 *             average = total / count
 *
 * Behaviour the test checks:
 *   - priming (asy_gen_next, or asy_gen_send with None) yields None;
 *   - each later send(x), x an int or a float, yields the average of every
 *     value sent so far, always as a float: 10 -> 10.0, 30 -> 20.0, 5 -> 15.0;
 *   - sending anything else (None, a str, a bool...) raises TypeError with
 *     the message Python's `total += term` gives, e.g. for a str:
 *         unsupported operand type(s) for +=: 'float' and 'str'
 *     (asy_value_type_name() names the type). The generator is then
 *     finished. (Python would take a bool as 0 or 1; we keep it simple.)
 *   - sending a non-None value before priming fails with the library's
 *     TypeError "can't send non-None value to a just-started generator".
 */
#ifndef AVERAGER_H
#define AVERAGER_H

#include "gen.h"

/* averager(): a new reference to a generator that has not started yet. */
asy_gen *averager(void);

#endif /* AVERAGER_H */
