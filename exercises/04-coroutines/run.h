/*
 * run.h - exercise 04/run: the notes' run(), completed.
 *
 *     def run(coroutine):
 *         try:
 *             coroutine.send(None)
 *         except StopIteration as e:
 *             return e.value
 *
 * The notes' run() sends once, so it only works for a coroutine that
 * finishes in one step. Complete it: keep sending None until the coroutine
 * returns or raises.
 */
#ifndef EX04_RUN_H
#define EX04_RUN_H

#include "coro.h"

/* Drive `co` to its end by sending None into it, again and again.
 *   - Steals `co`: when run() returns, its reference has been released.
 *   - Whatever the coroutine yields (a bare None, or anything else) is
 *     released, and the coroutine gets the next send(None): a driver by
 *     hand has nothing to wait for.
 *   - It returned: returns its value (a new reference) and sets *error to
 *     NULL.
 *   - It raised: returns None and sets *error to the exception (a new
 *     reference: the caller releases it with asy_decref).
 * Nothing may leak: every result of a send is cleared or handed on. */
asy_value run(asy_coro *co, asy_exc **error);

#endif /* EX04_RUN_H */
