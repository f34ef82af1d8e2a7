/*
 * asyncgen.h - async generators and `async for`.
 * Chapter: 25
 *
 * An async generator is an `async def` that also yields: its body may
 * await, like a coroutine, and it may hand values out to an `async for`,
 * like a generator. In C it is one generator frame (gen.h) whose body uses
 * both kinds of suspension:
 *
 *     async def ticker(n):                  ASY_BEGIN(g);
 *         try:                              for (f->i = 0; f->i < f->n; f->i++) {
 *             for i in range(n):                ASY_AGEN_YIELD_TRY(g, asy_int(f->i));
 *                 yield i                       if (ASY_EXC(g) != NULL) break;
 *                 await asyncio.sleep(1)        ASY_AWAIT_TRY(g, asy_sleep(1, asy_none()));
 *         finally:                              if (ASY_EXC(g) != NULL) break;
 *             print("cleanup")              }
 *                                           printf("cleanup\n");
 *                                           ASY_END(g);   (a pending exception goes on)
 *
 * THE PROBLEM IT SOLVES. Both kinds of suspension leave the body the same
 * way: the step returns ASY_YIELDED. An ASY_AWAIT passes up what the
 * awaited future yields, for the task to wait on; an ASY_AGEN_YIELD passes
 * up a value for the `async for`. Whoever steps the frame must tell them
 * apart. CPython wraps the yielded value in a small _PyAsyncGenWrappedValue
 * object; here ASY_AGEN_YIELD sets a flag in the frame (yielded_value)
 * before it yields, which costs no allocation. The flag is cleared before
 * every step, and an await that passes a future up never runs the body, so
 * the flag is set exactly when the step ended at an ASY_AGEN_YIELD.
 *
 * THE PROTOCOL. Every operation is an awaitable (here a coroutine): the
 * await steps the generator, passes futures through to the task, and ends
 * when the body reaches its next ASY_AGEN_YIELD, returns or raises.
 *     await anext(ag) / ag.__anext__()  asy_anext(ag)     the next value;
 *                                         StopAsyncIteration at the end
 *     await ag.asend(v)                 asy_asend(ag, v)  the same, v being
 *                                         the value of the yield (ASY_SENT)
 *     await ag.athrow(e)                asy_athrow(ag, e) e raised at the
 *                                         yield; the next value, or its error
 *     await ag.aclose()                 asy_aclose(ag)    GeneratorExit
 *                                         raised at the yield: cleanup runs
 * and the rules, with CPython 3.11's words:
 *   - a finished async generator: anext/asend raise StopAsyncIteration;
 *     athrow and aclose return None;
 *   - a just-started one refuses asend(v) with v not None: TypeError
 *     "can't send non-None value to a just-started async generator";
 *   - while one operation is in progress (awaiting inside the body),
 *     starting another is RuntimeError "anext(): asynchronous generator is
 *     already running" (athrow(): / aclose(): for those);
 *   - aclose: the generator is closed from the moment aclose starts; if the
 *     cleanup yields a value, RuntimeError "async generator ignored
 *     GeneratorExit" (the cleanup may await);
 *   - a body that raises StopAsyncIteration: RuntimeError "async generator
 *     raised StopAsyncIteration" (else `async for` would stop silently).
 *
 * FINALIZATION. An async generator abandoned at a yield still has cleanup
 * to run, and that cleanup may await, so it needs a loop. When one of the
 * operations above is first called while a loop runs, the generator joins
 * that loop's weak registry (CPython's firstiter hook and loop._asyncgens)
 * and remembers the loop (the finalizer hook). Then:
 *   - freed while suspended: its aclose() is scheduled on the loop (a task
 *     made at the next turn), as CPython's finalizer hook does;
 *   - asyncio.run (asy_run) ends with asy_loop_shutdown_asyncgens: every
 *     generator still registered is aclosed, concurrently, before the loop
 *     closes. A loop closed without it never runs their cleanup.
 * A generator never iterated under a loop is closed synchronously when
 * freed, as a plain generator is.
 *
 * `async for` IN C, for a consumer written as a coroutine body:
 *
 *     async for x in ag:                    ASY_ASYNC_FOR(co, f->ag) {
 *         print(x)                              printf("%s\n", ASY_STR(ASY_SENT(co)));
 *                                           } ASY_ASYNC_FOR_END(co);
 *
 * which expands to (all on the line of ASY_ASYNC_FOR, so its await has one
 * resume point: put nothing else that suspends on that line):
 *
 *     for (;;) {
 *         ASY_AWAIT_TRY(co, asy_anext(f->ag));   // x = await anext(ag)
 *         if (asy__async_for_stop(co)) break;    // StopAsyncIteration: the end
 *         if (ASY_EXC(co) != NULL) ASY_RERAISE(co); // any other error goes on
 *         ... the body: x is ASY_SENT(co), until its first await ...
 *     }
 *
 * `break` and `continue` work as in Python. Leaving the loop early (break,
 * or an exception) leaves the generator suspended: close it with
 * ASY_AWAIT(co, asy_aclose(ag)) (or let the loop's finalization do it).
 *
 * OWNERSHIP. asy_asyncgen_new returns a new reference. The operations
 * borrow the generator (the coroutine they return holds its own
 * reference), borrow asend's value and athrow's exception, and return a
 * new coroutine, never NULL: a NULL generator gives a coroutine that
 * raises TypeError when awaited. ASY_AGEN_YIELD steals its value.
 */
#ifndef ASY_ASYNCGEN_H
#define ASY_ASYNCGEN_H

#include "coro.h"
#include "exc.h"
#include "gen.h"
#include "ilist.h"
#include "loop.h"
#include "value.h"

/* The header of every async generator frame (user fields follow). */
typedef struct asy_asyncgen {
    asy_gen gen;         /* the body's frame: resume point, delegate, ... */
    bool yielded_value;  /* this step ended at ASY_AGEN_YIELD (the wrapper) */
    bool running_async;  /* an operation is in progress (ag_running_async) */
    bool closed;         /* finished, or aclose started (ag_closed) */
    bool hooks_inited;   /* the first operation has been called */
    asy_loop *loop;      /* the loop it was first iterated on (owned), or NULL */
    asy_ilist link;      /* in that loop's registry (asy__loop_asyncgens, internal.h) */
} asy_asyncgen;

extern const asy_type asy_asyncgen_type;

/* Allocate a zeroed async generator frame of frame_size bytes (a struct
 * that begins with an asy_asyncgen) for the async generator function
 * `name`. Nothing runs yet. New reference. */
asy_asyncgen *asy_asyncgen_new(size_t frame_size, asy_gen_body body, const char *name);
#define ASY_ASYNCGEN_NEW(FrameType, body, name) \
    ((FrameType *)asy_asyncgen_new(sizeof(FrameType), (body), (name)))

/* inspect.isasyncgen(obj). */
bool asy_isasyncgen(const void *obj);

/* anext(aiter): the next value of any async iterator, an object whose
 * type has the __anext__ slot (asy_type.anext): an async generator here,
 * a stream reader later. A new awaitable; awaiting it gives the next
 * value or raises StopAsyncIteration. aiter borrowed. Anything else gives
 * a coroutine that raises TypeError "'int' object is not an async
 * iterator". This is what ASY_ASYNC_FOR calls. */
asy_coro *asy_anext(void *aiter);
/* ag.asend(v): v (borrowed) becomes the value of the current yield. */
asy_coro *asy_asend(asy_asyncgen *ag, asy_value v);
/* ag.athrow(e): e (borrowed) is raised at the current yield. */
asy_coro *asy_athrow(asy_asyncgen *ag, asy_exc *e);
/* ag.aclose(): GeneratorExit at the current yield; awaiting it runs the
 * cleanup and returns None, or raises what the cleanup raised. */
asy_coro *asy_aclose(asy_asyncgen *ag);

/* loop.shutdown_asyncgens(): a new coroutine that acloses, concurrently
 * (gather with return_exceptions), every async generator registered on
 * `loop` and reports each failure to the loop's exception handler ("an
 * error occurred during closing of asynchronous generator ..."). asy_run
 * awaits it after cancelling the leftover tasks. loop borrowed. */
asy_coro *asy_loop_shutdown_asyncgens(asy_loop *loop);

/* How many async generators are registered on loop (len(loop._asyncgens)). */
size_t asy_loop_asyncgen_count(asy_loop *loop);

/* The value of an async generator (takes a new reference), and back. */
static inline asy_value asy_asyncgen_value(asy_asyncgen *ag) { return asy_obj_value(asy_incref(ag)); }
asy_asyncgen *asy_value_asyncgen(asy_value v);

/* ---- the body macros (with gen.h's and coro.h's) ---- */

/* yield v to the `async for` (steals v); an exception thrown in here
 * (athrow, aclose) propagates. One per source line, like ASY_YIELD. */
#define ASY_AGEN_YIELD(g, v)                                 \
    do {                                                     \
        asy__agen_mark(g);                                   \
        ASY_YIELD((g), (v));                                 \
    } while (0)

/* yield v, leaving an exception thrown in here in ASY_EXC(g). */
#define ASY_AGEN_YIELD_TRY(g, v)                             \
    do {                                                     \
        asy__agen_mark(g);                                   \
        ASY_YIELD_TRY((g), (v));                             \
    } while (0)

/* async for ... in aiter: (in a coroutine body; see above). */
#define ASY_ASYNC_FOR(co, ag)                                \
    for (;;) {                                               \
        ASY_AWAIT_TRY((co), asy_anext(ag));                  \
        if (asy__async_for_stop(co))                         \
            break;                                           \
        if (ASY_EXC(co) != NULL)                             \
            ASY_RERAISE(co);
#define ASY_ASYNC_FOR_END(co) }

/* Helpers the macros call; not for direct use. */
void asy__agen_mark(asy_gen *g);
bool asy__async_for_stop(asy_gen *co);

#endif /* ASY_ASYNCGEN_H */
