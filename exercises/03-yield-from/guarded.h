/*
 * guarded.h - exercise 03/guarded: a generator that holds a resource and
 * releases it exactly once, however it ends. Chapter: 03
 *
 *     def guarded(n, open_count):
 *         open_count[0] += 1          # open the resource
 *         try:
 *             for i in range(1, n + 1):
 *                 yield i
 *         finally:
 *             open_count[0] -= 1      # release it, whatever happens
 *
 * "Whatever happens" means: the loop ends, close() is called, an exception
 * is thrown in (it must still come out), or the generator is dropped
 * unfinished. The body opens when it starts (the first next), not when the
 * generator is made, so a generator dropped before it started opens and
 * releases nothing.
 */
#ifndef EX03_GUARDED_H
#define EX03_GUARDED_H

#include "gen.h"

/* open_count is borrowed: it must outlive the generator. New reference. */
asy_gen *guarded(int n, int *open_count);

#endif /* EX03_GUARDED_H */
