/*
 * runners.h - asyncio.run: the one call that makes a loop, runs a
 * coroutine on it to the end, and cleans up.
 * Chapter: 12
 *
 * CPython: Lib/asyncio/runners.py (asyncio.run, the Runner). It needs
 * tasks (run wraps main in one, and cancels the tasks left at the end), so
 * it arrives in chapter 12 with task.h, on top of the loop of chapter 10:
 *
 *     asyncio.run(main())                 asy_result r = asy_run(main(), NULL);
 *
 * What asy_run does, in CPython's order: refuse to run inside a running
 * loop; make a new loop (opts as asy_loop_new: NULL for the real clock,
 * or a virtual clock); loop.run_until_complete(main) (task.h); cancel every
 * task still alive and run the loop until they have finished, reporting
 * the ones that failed to the loop's exception handler ("unhandled
 * exception during asyncio.run() shutdown"); shut down the async
 * generators (chapter 25); close the loop.
 *
 * The loop's own methods that need a Task, loop.run_until_complete and
 * loop.create_task, are declared in task.h (loop.h says so).
 *
 * OWNERSHIP. asy_run steals main. The result holds new references
 * (asy_result_clear it).
 */
#ifndef ASY_RUNNERS_H
#define ASY_RUNNERS_H

#include "coro.h"
#include "gen.h"
#include "loop.h"
#include "task.h"

/* asyncio.run(main): a new loop (options as asy_loop_new; NULL for the
 * defaults), run main to completion, cancel the tasks still left and let
 * them finish, close the loop. Steals main. ASY_RETURNED with main's
 * value, or ASY_RAISED with its exception; RuntimeError
 * "asyncio.run() cannot be called from a running event loop", ValueError
 * "a coroutine was expected, got ..." for anything else than a
 * coroutine, or asy_loop_new's error. */
asy_result asy_run(asy_coro *main, const asy_loop_options *opts);

#endif /* ASY_RUNNERS_H */
