/*
 * await_sum.h - exercise 04/await_sum: a coroutine body that awaits twice.
 *
 *     async def await_sum(a, b):
 *         x = await a
 *         y = await b
 *         return x + y
 *
 * The awaits run one after the other (a to its end, then b): this is not
 * yet gather (chapter 14), which runs them at the same time.
 */
#ifndef EX04_AWAIT_SUM_H
#define EX04_AWAIT_SUM_H

#include "coro.h"

/* Calling await_sum(a, b): builds the coroutine and runs nothing (new
 * reference). Steals a and b, two coroutines that return integers. The
 * coroutine awaits a, then b, and returns the sum of their values as an
 * int; an exception from a or b propagates out of it (b is then never
 * awaited). Whatever a and b yield passes through to whoever drives
 * await_sum. Dropping it unfinished, or never started, leaks nothing. */
asy_coro *await_sum(asy_coro *a, asy_coro *b);

#endif /* EX04_AWAIT_SUM_H */
