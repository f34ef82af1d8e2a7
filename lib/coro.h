/*
 * coro.h - coroutines: async functions as generators that yield awaitables.
 * Chapter: 04
 *
 * Python's `async def` builds a coroutine: calling it runs nothing and
 * returns a coroutine object, which is a generator underneath. `await x`
 * is `yield from` on x: the awaiting coroutine delegates to x, every send
 * and throw passes through it, and x's return value becomes the value of
 * the await. What finally reaches whoever drives the outermost coroutine is
 * whatever the innermost one yields: a bare yield here (chapter 04), a
 * future from chapter 11 on, which the task driving the chain waits for.
 *
 *     async def async_function():          ASY_BEGIN(co);
 *         return 1                         ASY_RETURN(co, asy_int(1));
 *                                          ASY_END(co);
 *
 *     async def await_coroutine():         ASY_BEGIN(co);
 *         result = await async_function()  ASY_AWAIT(co, async_function());
 *         print(result)                    printf("%s\n", ASY_STR(ASY_SENT(co)));
 *                                          ASY_END(co);
 *
 * A coroutine is an asy_gen (gen.h) made with asy_coro_new, so the body
 * macros, send, throw and close are the generator's. It differs in the
 * rules Python gives coroutines:
 *   - only coroutines and objects made to be awaited (futures, chapter 11)
 *     can be awaited; awaiting a plain generator is a TypeError;
 *   - a finished coroutine cannot be resumed or awaited again:
 *     RuntimeError "cannot reuse already awaited coroutine";
 *   - awaiting a coroutine another coroutine is awaiting:
 *     RuntimeError "coroutine is being awaited already";
 *   - a coroutine freed without ever being started prints
 *     "RuntimeWarning: coroutine 'NAME' was never awaited".
 * The body of a coroutine may also ASY_YIELD a bare None: that is what
 * asyncio's sleep(0) does underneath (a @types.coroutine generator with a
 * bare yield), and how a coroutine gives the scheduler a turn.
 */
#ifndef ASY_CORO_H
#define ASY_CORO_H

#include "exc.h"
#include "gen.h"
#include "value.h"

/* A coroutine is a generator frame with the coroutine rules switched on. */
typedef asy_gen asy_coro;

/* Allocate a zeroed coroutine frame of frame_size bytes (a struct that
 * begins with an asy_gen) for the async function `name`. New reference. */
asy_coro *asy_coro_new(size_t frame_size, asy_gen_body body, const char *name);
#define ASY_CORO_NEW(FrameType, body, name) \
    ((FrameType *)asy_coro_new(sizeof(FrameType), (body), (name)))

/* True for an object made by asy_coro_new (asyncio.iscoroutine). */
bool asy_iscoroutine(const void *obj);

/* await aw (steals aw): ASY_YIELD_FROM with the checks of `await`. The
 * awaited value is ASY_SENT(co) afterwards; an exception from aw
 * propagates. */
#define ASY_AWAIT(co, aw)                                    \
    do {                                                     \
        (co)->resume = __LINE__;                             \
        return asy__delegate((co), (asy_obj *)(aw), true);   \
    case __LINE__:                                           \
        if ((co)->pending != NULL)                           \
            return asy__reraise(co);                         \
    } while (0)

/* await aw, leaving an exception from aw (or thrown in) in ASY_EXC(co). */
#define ASY_AWAIT_TRY(co, aw)                                \
    do {                                                     \
        (co)->resume = __LINE__;                             \
        return asy__delegate((co), (asy_obj *)(aw), true);   \
    case __LINE__:;                                          \
    } while (0)

/* Drive a coroutine by hand, as the notes' run() does: send(None) into it
 * until it returns or raises, and hand back that outcome (ASY_RETURNED with
 * the value, or ASY_RAISED). A bare yield just gets another send(None);
 * anything else it yields is something a by-hand driver cannot wait for,
 * so it is thrown back in as RuntimeError (a task does better, chapter 12).
 * Steals `co`. The result is yours: asy_result_clear() it. */
asy_result asy_coro_drive(asy_coro *co);


#endif /* ASY_CORO_H */
