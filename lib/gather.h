/*
 * gather.h - gather: run awaitables concurrently, collect their results.
 * Chapter: 14
 *
 *     results = await asyncio.gather(aw1, aw2, aw3, return_exceptions=False)
 *
 * gather wraps each coroutine in a task (futures and tasks are taken as
 * they are) and returns ONE future, the "gathering" future (CPython's
 * _GatheringFuture), that completes when every child has. Nothing new is
 * needed to build it: a done callback on each child counts them, and the
 * last one fills the outer future. The rules, as CPython 3.11 has them:
 *
 *   - the result is a list (list.h) in ARGUMENT order, whatever the order
 *     the children finish in;
 *   - return_exceptions false: the first child to fail (or be cancelled)
 *     completes the outer future with that exception at once; the other
 *     children are NOT cancelled and keep running (their later exceptions
 *     are marked retrieved, so nothing is reported about them);
 *   - return_exceptions true: an exception takes the place of its result
 *     in the list, as an exception value (repr ValueError('x')); a
 *     cancelled child gives a CancelledError there;
 *   - cancelling the outer future (asy_future_cancel on it, or cancelling
 *     the task that awaits it) cancels every child not yet done; the
 *     outer future then completes with CancelledError whatever
 *     return_exceptions says. Note that it ends FINISHED with a
 *     CancelledError as its exception, not CANCELLED: asy_future_cancelled
 *     on it is false afterwards, as in 3.11;
 *   - a child cancelled on its own makes the gather raise CancelledError
 *     (return_exceptions false) and does not cancel the gather;
 *   - the same awaitable passed twice is wrapped once, and its result
 *     appears twice (found in one pass: asy__find_repeats, gather.c);
 *   - no awaitables: a future that is already done, with the result [].
 *
 * The wiring (diagrams/14-gather-wiring.svg):
 *
 *       awaiting task ---waits on---> outer (asy_gathering)
 *                                      | children[] (owned)
 *                   +------------------+-----------------+
 *                   v                  v                 v
 *                child 1            child 2           child 3
 *                   \___ done callback child_done(link) ___/
 *                                      |
 *                               link --(borrowed)--> outer
 *
 * The children's callbacks reach the outer future through a small counted
 * "link" that points back at it WITHOUT owning it. Were the callbacks to
 * own the outer future, outer -> child -> callback -> outer would be a
 * reference cycle, which reference counting never frees (Python's garbage
 * collector would): a gather whose children outlive the loop would leak.
 * When the outer future dies it clears link->outer, and a callback that
 * finds NULL only marks its child's exception retrieved.
 *
 * ERRORS that Python raises when gather() is called (an argument that is
 * not a future or coroutine: TypeError; futures of different loops:
 * ValueError; a coroutine with no running loop: RuntimeError) come back as
 * a future that already holds the exception, so that
 * ASY_AWAIT(co, asy_gather(...)) raises them at the await. Then no
 * coroutine is started (Python would have wrapped the ones before the bad
 * argument): they are closed, without the "never awaited" warning. A
 * coroutine that create_task refuses (a closed loop, a task factory that
 * fails) becomes a child that failed with create_task's own error.
 *
 * COST. O(1) per child, whatever their number: a gather of a million
 * children costs a million times one (chapter 19's bench measures it).
 *
 * OWNERSHIP. asy_gather steals every aws[i] (to pass one object twice,
 * pass two references) and returns a new reference to the outer future.
 * The outer future owns its children. The array itself is borrowed.
 */
#ifndef ASY_GATHER_H
#define ASY_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "future.h"
#include "list.h"
#include "loop.h"
#include "ptrmap.h"
#include "task.h"

typedef struct asy_gather_link asy_gather_link;

/* CPython's _GatheringFuture: a future that knows its children. */
typedef struct asy_gathering {
    asy_future fut;            /* a gathering future is a future: first */
    asy_future **children;     /* one owned reference per argument, in order */
    size_t nchildren;          /* len(children): duplicates counted */
    size_t nfuts;              /* distinct children: how many callbacks */
    size_t nfinished;          /* callbacks that have run */
    bool return_exceptions;
    bool cancel_requested;     /* cancel() reached at least one child */
    asy_gather_link *link;     /* what the children's callbacks hold */
} asy_gathering;

extern const asy_type asy_gathering_type;

/* asyncio.gather(*aws, return_exceptions=...): steals aws[0..n-1] (each a
 * coroutine, future or task); n may be 0 (aws may then be NULL). Returns a
 * new reference to a future whose result is an asy_list of the results.
 * See above for every rule and for errors. */
asy_future *asy_gather(bool return_exceptions, size_t n, void **aws);

/* The same with the awaitables as arguments (at least one):
 *     ASY_AWAIT(co, asy_gather_of(false, factorial("A", 2), factorial("B", 3)));
 * C evaluates the arguments in an UNSPECIFIED order, so pass expressions
 * without side effects on each other: coroutine constructors (they only
 * build frames) or tasks made beforehand, not asy_create_task(...) calls. */
#define asy_gather_of(return_exceptions, ...)                                 \
    asy_gather((return_exceptions), sizeof((void *[]){__VA_ARGS__}) / sizeof(void *), \
               (void *[]){__VA_ARGS__})


#endif /* ASY_GATHER_H */
