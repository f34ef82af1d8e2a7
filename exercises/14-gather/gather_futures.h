/*
 * gather_futures.h - exercise 14/gather_futures: gather, built from done
 * callbacks by you (lib/gather.c asy_gather, reduced to futures).
 *
 *     def gather_futures(loop, futs):
 *         outer = loop.create_future()
 *         if not futs:
 *             outer.set_result([])
 *             return outer
 *         nfinished = 0
 *         def on_child_done(child):
 *             nonlocal nfinished
 *             nfinished += 1
 *             if outer.done():
 *                 if not child.cancelled():
 *                     child.exception()          # mark it retrieved
 *                 return
 *             if child.cancelled():
 *                 outer.set_exception(CancelledError())
 *                 return
 *             if child.exception() is not None:
 *                 outer.set_exception(child.exception())
 *                 return
 *             if nfinished == len(futs):
 *                 outer.set_result([f.result() for f in futs])
 *         for f in futs:
 *             f.add_done_callback(on_child_done)
 *         return outer
 */
#ifndef EX14_GATHER_FUTURES_H
#define EX14_GATHER_FUTURES_H

#include <stddef.h>

#include "future.h"
#include "list.h"

/* A new future on `loop` (new reference) that completes when every one of
 * futs[0..n-1] is done:
 *   - its result is an asy_list of their results, in the order of futs
 *     (not the order they finish in);
 *   - as soon as one of them fails, the outer future fails with that
 *     exception; a cancelled one makes it fail with CancelledError. The
 *     others are left alone (nothing is cancelled), and the exceptions of
 *     the ones failing later are marked retrieved, so nothing is reported;
 *   - the same future may appear twice: its result appears twice;
 *   - n == 0: the outer future is done at once, with [].
 * futs and the futures in it are borrowed: take your own references. */
asy_future *gather_futures(asy_loop *loop, size_t n, asy_future **futs);

#endif /* EX14_GATHER_FUTURES_H */
