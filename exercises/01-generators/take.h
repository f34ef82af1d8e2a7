/*
 * take.h - exercise 01/take: collect the first n values of any generator.
 *
 * The Python it stands for:
 *
 *     from itertools import islice
 *     out = list(islice(gen, n))
 *
 * take() is the consumer's side of the protocol: it drives a generator with
 * next() and tells the three outcomes of a step apart (a value, the end,
 * an exception). It works for every generator, whatever its body.
 */
#ifndef TAKE_H
#define TAKE_H

#include "gen.h"

/* Call next(gen) until n values are collected, the generator stops
 * (StopIteration) or it raises. Never calls next() more than n times, so a
 * generator can be taken from again where the last take() left it.
 *
 * Returns how many values were stored in out[0 .. count-1]. Each out[i] is
 * a new reference: the caller releases it with asy_value_clear().
 * *exc is set to NULL, or to the exception the generator raised (a new
 * reference; release it with asy_decref); the values before it are kept.
 * gen is borrowed. n <= 0 collects nothing and does not touch gen. */
int take(asy_gen *gen, int n, asy_value out[], asy_exc **exc);

#endif /* TAKE_H */
