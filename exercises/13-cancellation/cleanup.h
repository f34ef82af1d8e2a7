/*
 * cleanup.h - exercise 13/cleanup: a worker that gives back what it holds,
 * on every path.
 *
 * The Python it stands for:
 *
 *     async def worker(res, rounds, period):      # res acquired by the caller
 *         try:
 *             for round in range(1, rounds + 1):
 *                 try:
 *                     await asyncio.sleep(period)
 *                 except asyncio.CancelledError:
 *                     res.cancelled_in_round = round
 *                     raise                       # never swallow it
 *                 res.rounds += 1
 *             return res.rounds
 *         finally:
 *             res.release()
 *
 * with one difference that C makes visible: the worker owns the resource
 * from the moment worker() builds it, and a coroutine cancelled before its
 * first step never runs its body, so a `finally` in the body cannot be the
 * only place that releases it. (The Python above leaks `res` in that case.)
 */
#ifndef EX13_CLEANUP_H
#define EX13_CLEANUP_H

#include "task.h"

/* A stand-in for something a coroutine must give back: a connection, a
 * lock, a file. The test owns it and watches what happens to it. */
typedef struct resource {
    int held;               /* 1 while acquired, 0 once released */
    int releases;           /* how many times resource_release() ran */
    int rounds;             /* work done: rounds completed */
    int cancelled_in_round; /* -1, or the round (1, 2, ...) whose sleep CancelledError interrupted */
    double released_at;     /* loop time of the (last) release, -1 if none */
} resource;

/* Defined by the test: take the resource / give it back. */
void resource_acquire(resource *res);
void resource_release(resource *res);

/* worker(res, rounds, period): calls resource_acquire(res) and returns a
 * new coroutine (new reference) that owns the resource from then on (res
 * itself is borrowed: the test keeps it alive). When run, it does `rounds`
 * rounds of work: await asyncio.sleep(period), then res->rounds++. Then it
 * returns asy_int(res->rounds).
 *
 * The rules:
 *   1. resource_release(res) is called exactly once, on every path:
 *      after the last round; when CancelledError arrives at a sleep; when
 *      the task is cancelled before its first step (the body never runs);
 *      when the coroutine is dropped without ever running.
 *   2. When CancelledError arrives during round k, set
 *      res->cancelled_in_round = k, release, and let the CancelledError
 *      propagate: the task must end cancelled, with the same message. */
asy_coro *worker(resource *res, int rounds, double period);

#endif /* EX13_CLEANUP_H */
