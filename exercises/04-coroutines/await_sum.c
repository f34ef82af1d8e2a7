/*
 * await_sum.c - exercise 04/await_sum. See await_sum.h.
 *
 * Tools (lib/coro.h, lib/gen.h):
 *   ASY_BEGIN(co); ... ASY_END(co);   the body's switch
 *   ASY_AWAIT(co, x);                 await x: steals x; afterwards its value
 *                                     is ASY_SENT(co) (borrowed, an int here:
 *                                     ASY_SENT(co).u.i)
 *   ASY_RETURN(co, asy_int(n));       return n
 */
#include "await_sum.h"

typedef struct {
    asy_coro co;
    asy_coro *a; /* owned until awaited: then ASY_AWAIT has stolen it */
    asy_coro *b;
    /* TODO: what must survive an await lives here, not in a C local */
} await_sum_frame;

static asy_status await_sum_body(asy_coro *co)
{
    await_sum_frame *f = (await_sum_frame *)co;
    (void)f;
    ASY_BEGIN(co);
    /* TODO: await f->a, keep its value, await f->b, return the sum.
     * ASY_AWAIT steals what it is given: the frame must no longer think it
     * owns it (or clear() below releases it a second time). */
    ASY_END(co);
}

/* Runs once, when the coroutine finishes or is dropped: releases what the
 * frame still owns. */
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
