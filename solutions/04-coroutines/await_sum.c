/*
 * await_sum.c - exercise 04/await_sum, the reference solution.
 * See await_sum.h.
 */
#include "await_sum.h"

typedef struct {
    asy_coro co;
    asy_coro *a;     /* owned until awaited: then ASY_AWAIT has stolen it */
    asy_coro *b;
    long long first; /* a's value: it must survive the await of b, which may
                        yield, and C locals do not survive a yield */
} await_sum_frame;

/* Hand the frame's reference to ASY_AWAIT: from here on the frame does not
 * own it, so clear() will not release it a second time. */
static asy_coro *take(asy_coro **slot)
{
    asy_coro *x = *slot;
    *slot = NULL;
    return x;
}

static asy_status await_sum_body(asy_coro *co)
{
    await_sum_frame *f = (await_sum_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, take(&f->a));     /* x = await a */
    f->first = ASY_SENT(co).u.i;
    ASY_AWAIT(co, take(&f->b));     /* y = await b */
    ASY_RETURN(co, asy_int(f->first + ASY_SENT(co).u.i));
    ASY_END(co);
}

/* Runs once, when the coroutine finishes or is dropped: releases what the
 * frame still owns (a and b if they were never awaited). */
static void await_sum_clear(asy_gen *g)
{
    await_sum_frame *f = (await_sum_frame *)g;
    asy_decref(f->a);
    asy_decref(f->b);
    f->a = f->b = NULL;
}

asy_coro *await_sum(asy_coro *a, asy_coro *b)
{
    await_sum_frame *f = ASY_CORO_NEW(await_sum_frame, await_sum_body, "await_sum");
    f->a = a;
    f->b = b;
    asy_gen_set_clear(&f->co, await_sum_clear);
    return &f->co;
}
