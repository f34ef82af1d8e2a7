/*
 * finish_then_cancel.c - exercise 17/finish_then_cancel: let the critical
 * part finish, then honour the cancellation.
 *
 * As it stands, the critical coroutine is awaited directly: a cancel goes
 * straight into it and cuts it in half. Read finish_then_cancel.h, then:
 *
 *   TODO: the goal, in Python:
 *               task = asyncio.create_task(critical)
 *               try:
 *                   return await asyncio.shield(task)
 *               except asyncio.CancelledError:
 *                   await asyncio.shield(task)   # let it finish...
 *                   raise                        # ...then be cancelled
 *           A cancel of the caller must not reach the critical part; the
 *           caller still ends cancelled, but only after the work is done.
 *           Other exceptions go through unchanged. Think about what a
 *           pending exception does at your next await, and about what the
 *           frame owns if the coroutine is closed early. `make hint`: the steps.
 *
 * make exercises CH=17 runs the tests.
 */
#include "finish_then_cancel.h"

typedef struct {
    asy_coro co;
    asy_coro *critical; /* owned until awaited */
} ftc_frame;

static asy_status ftc_body(asy_coro *co)
{
    ftc_frame *f = (ftc_frame *)co;
    ASY_BEGIN(co);
    {
        asy_coro *critical = f->critical;
        f->critical = NULL;
        ASY_AWAIT(co, critical); /* TODO: no shield, no task */
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void ftc_clear(asy_gen *g)
{
    ftc_frame *f = (ftc_frame *)g;
    asy_decref(f->critical); /* TODO: and whatever else the frame owns */
    f->critical = NULL;
}

asy_coro *finish_then_cancel(asy_coro *critical)
{
    ftc_frame *f = ASY_CORO_NEW(ftc_frame, ftc_body, "finish_then_cancel");
    f->critical = critical;
    asy_gen_set_clear(&f->co, ftc_clear);
    return &f->co;
}
