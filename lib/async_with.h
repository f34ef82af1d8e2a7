/*
 * async_with.h - `async with` as a protocol: __aenter__ and __aexit__.
 * Chapter: 25
 *
 * Python's `async with cm as x: body` is
 *
 *     x = await cm.__aenter__()
 *     try:
 *         body
 *     except BaseException as e:
 *         if not await cm.__aexit__(type(e), e, e.__traceback__): raise
 *     else:
 *         await cm.__aexit__(None, None, None)
 *
 * Chapters 16-23 spelled each context manager its own way (a lock's
 * acquire()/release(), a TaskGroup's enter()/exit(), a timeout scope's
 * enter()/exit()); those spellings still work. This module gives them one
 * shape, an asy_async_cm: two functions that each return an awaitable.
 *   - aenter(self): awaiting it enters; its value is the `as` target;
 *   - aexit(self, exc): exc is the exception the body ended with, or NULL
 *     (stolen). Awaiting it leaves; it RAISES the exception that leaves the
 *     block (exc itself, a replacement, or a cleanup error) and returns
 *     normally when nothing does (exc was NULL, or it was suppressed): the C
 *     reading of "__aexit__ returns True to suppress".
 * and two macros that read as the Python does:
 *
 *     async with lock:                      ASY_ASYNC_WITH_ENTER(co, &asy_lock_cm, f->lock);
 *         await work()                      ASY_AWAIT_TRY(co, work());
 *                                           ASY_ASYNC_WITH_EXIT(co, &asy_lock_cm, f->lock);
 *
 * ASY_ASYNC_WITH_ENTER(co, cm, self)  expands to
 *     ASY_AWAIT(co, (cm)->aenter(self))                 (x is ASY_SENT(co))
 * ASY_ASYNC_WITH_EXIT(co, cm, self)   expands to
 *     ASY_AWAIT(co, (cm)->aexit((self), ASY_CATCH(co)))
 * so the body's awaits are ASY_AWAIT_TRY (an exception skips the rest of
 * the body: `if (ASY_EXC(co) == NULL)` or `goto exit;`), and EXIT hands the
 * pending exception to __aexit__, whose verdict the await propagates.
 *
 * OWNERSHIP. self is borrowed (the awaitables hold their own reference);
 * aexit steals exc; both return a new coroutine, never NULL. A NULL self
 * gives one that raises TypeError "'NoneType' object does not support the
 * asynchronous context manager protocol" (with exc as its __context__).
 */
#ifndef ASY_ASYNC_WITH_H
#define ASY_ASYNC_WITH_H

#include "coro.h"
#include "exc.h"

typedef struct asy_async_cm {
    const char *name;                               /* "Lock", "TaskGroup" */
    asy_coro *(*aenter)(void *self);                /* __aenter__ */
    asy_coro *(*aexit)(void *self, asy_exc *exc);   /* __aexit__ (steals exc) */
} asy_async_cm;

/* The context managers of chapters 16-23 in this shape:
 *   asy_lock_cm       (asy_lock *)      as None; release, then re-raise
 *   asy_semaphore_cm  (asy_semaphore *) as None; release, then re-raise
 *   asy_taskgroup_cm  (asy_taskgroup *) as the group; asy_taskgroup_exit
 *   asy_timeout_cm    (asy_timeout *)   as the scope; asy_timeout_exit   */
extern const asy_async_cm asy_lock_cm;
extern const asy_async_cm asy_semaphore_cm;
extern const asy_async_cm asy_taskgroup_cm;
extern const asy_async_cm asy_timeout_cm;

#define ASY_ASYNC_WITH_ENTER(co, cm, self) ASY_AWAIT((co), (cm)->aenter(self))
#define ASY_ASYNC_WITH_EXIT(co, cm, self) ASY_AWAIT((co), (cm)->aexit((self), ASY_CATCH(co)))
/* The same, leaving what leaves the block in ASY_EXC(co): for a try around
 * the whole `async with` (ASY_AWAIT_TRY instead of ASY_AWAIT). */
#define ASY_ASYNC_WITH_EXIT_TRY(co, cm, self) ASY_AWAIT_TRY((co), (cm)->aexit((self), ASY_CATCH(co)))

/* For writing a context manager of your own: a coroutine that awaits aw
 * (stolen; NULL: nothing to await) and then returns `value` (stolen) or,
 * if exc is not NULL, raises exc (stolen). An exception from aw wins, with
 * exc as its context. */
asy_coro *asy_async_cm_then(asy_coro *aw, asy_value value, asy_exc *exc);

#endif /* ASY_ASYNC_WITH_H */
