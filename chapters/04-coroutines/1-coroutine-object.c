/*
 * Chapter 04, demo 1: a coroutine object, send(None), StopIteration, run().
 *
 * The notes' sequence (seed 003) in C. Each async def is a body function
 * (what the coroutine does) plus a constructor (what calling it does:
 * build the frame, run nothing). 1-coroutine-object.py is the same program
 * in Python; both print the same lines (addresses aside).
 */
#include <stdio.h>

#include "coro.h"

/* async def async_function():
 *     return 1                                                            */
static asy_status async_function_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(1));
    ASY_END(co);
}

/* Calling async_function(): builds the frame and returns it (new reference).
 * No locals, so the frame is just the asy_coro header. */
static asy_coro *async_function(void)
{
    return asy_coro_new(sizeof(asy_coro), async_function_body, "async_function");
}

/* async def await_coroutine():
 *     result = await async_function()
 *     print(result)                                                       */
static asy_status await_coroutine_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, async_function());        /* steals the new coroutine */
    printf("%s\n", ASY_STR(ASY_SENT(co)));  /* the await's value: 1 */
    ASY_END(co);                            /* falls off the end: returns None */
}

static asy_coro *await_coroutine(void)
{
    return asy_coro_new(sizeof(asy_coro), await_coroutine_body, "await_coroutine");
}

/* The notes' run(): one send(None); a StopIteration's value is the answer.
 * Steals co. Returns a new reference (None if the coroutine did not finish
 * in that one send; exercise run.c completes it). */
static asy_value run(asy_coro *co)
{
    asy_value value = asy_none();
    asy_result r = asy_gen_send(co, asy_none());      /* coroutine.send(None) */
    if (r.status == ASY_RETURNED) {                   /* except StopIteration as e: */
        value = r.value;                              /*     return e.value */
        r.value = asy_none();                         /* (moved out of r) */
    }
    asy_result_clear(&r);
    asy_decref(co);
    return value;
}

int main(void)
{
    /* 1. Calling an async function only builds its frame: a coroutine object. */
    printf("print(async_function()):\n");
    asy_coro *co = async_function();
    asy_value v = asy_gen_value(co); /* the coroutine as a value, for printing */
    printf("%s\n", ASY_REPR(v));
    asy_value_decref(v);
    fflush(stdout); /* so that the warning below comes after these lines, even in a pipe */
    asy_decref(co); /* freed unstarted: "RuntimeWarning: ... never awaited" on stderr */

    /* 2. send(None) runs the body; returning ends it. Python reports that as
     *    StopIteration(1); the library says status ASY_RETURNED, value 1. */
    printf("async_function().send(None):\n");
    co = async_function();
    asy_result r = asy_gen_send(co, asy_none());
    if (r.status == ASY_RETURNED) {
        asy_exc *e = asy_exc_stop_iteration(asy_value_incref(r.value));
        printf("%s\n", ASY_EXC_STR(e)); /* StopIteration: 1 */
        asy_decref(e);
    }
    asy_result_clear(&r);
    asy_decref(co);

    /* 3. The return value is the exception's .value: here, result.value. */
    printf("e.value:\n");
    co = async_function();
    r = asy_gen_send(co, asy_none());
    if (r.status == ASY_RETURNED)
        printf("%s\n", ASY_STR(r.value));
    asy_result_clear(&r);
    asy_decref(co);

    /* 4. run() drives await_coroutine(), which awaits async_function(). */
    printf("run(await_coroutine()):\n");
    asy_value value = run(await_coroutine());
    printf("run returned %s\n", ASY_STR(value));
    asy_value_decref(value);
    return asy_obj_live() == 0 ? 0 : 1; /* nothing leaked */
}
