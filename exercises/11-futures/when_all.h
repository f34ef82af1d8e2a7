/*
 * when_all.h - exercise: one future for "all of these are done"
 * (chapter 11; a first sketch of gather, chapter 14).
 *
 * when_all(loop, futs, n) returns a new future that completes when the n
 * given futures are done, built only from done callbacks:
 *   - every input finished with a result: it finishes with the result n
 *     (an int; gather would collect the results, chapter 14);
 *   - an input finished with an exception: it finishes with that
 *     exception at once, without waiting for the others (the first one
 *     wins);
 *   - an input was cancelled: it is cancelled at once (if nothing decided
 *     it before);
 *   - once it is done, what the other inputs do no longer matters, but an
 *     exception they end with is marked retrieved (look at it with
 *     asy_future_exception), so that nobody is told "Future exception was
 *     never retrieved" about an error when_all already handled.
 * It is never completed inside when_all, not even when every input is done
 * already: the done callbacks decide, at a later turn. The one exception is
 * n == 0: with nothing to wait for, it is returned finished with 0 (as
 * gather() of nothing is done at once).
 *
 * OWNERSHIP. The array and the futures in it are borrowed: when_all does
 * not keep or release the caller's references. Returns a new reference.
 */
#ifndef WHEN_ALL_H
#define WHEN_ALL_H

#include "future.h"
#include "loop.h"

asy_future *when_all(asy_loop *loop, asy_future **futs, int n);

#endif /* WHEN_ALL_H */
