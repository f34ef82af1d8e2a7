/*
 * cancel_after.c - exercise 13/cancel_after: run work with a deadline.
 *
 * As it stands, cancel_after awaits the work directly: the result comes
 * back, but nothing ever cancels it. Read cancel_after.h, then:
 *
 *   TODO: the goal, in Python:
 *               task = asyncio.create_task(work)
 *               timer = loop.call_later(delay, task.cancel)
 *               try:
 *                   return await task
 *               finally:
 *                   timer.cancel()
 *           The work is cancelled after `delay` seconds if it has not
 *           finished; the caller then sees its CancelledError. The timer
 *           must never outlive the call, on any path, and the frame
 *           releases what it owns however it ends. `make hint`: the steps.
 *
 * make exercises CH=13 runs the tests.
 */
#include "cancel_after.h"

typedef struct {
    asy_coro co;
    asy_coro *work; /* owned until it is awaited */
    double delay;
} cancel_after_frame;

static asy_status cancel_after_body(asy_coro *co)
{
    cancel_after_frame *f = (cancel_after_frame *)co;
    ASY_BEGIN(co);
    {
        asy_coro *work = f->work;
        f->work = NULL;
        ASY_AWAIT(co, work); /* TODO: no task, no deadline */
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void cancel_after_clear(asy_gen *g)
{
    cancel_after_frame *f = (cancel_after_frame *)g;
    asy_decref(f->work); /* TODO: and whatever else you add to the frame */
}

asy_coro *cancel_after(asy_coro *work, double delay)
{
    cancel_after_frame *f = ASY_CORO_NEW(cancel_after_frame, cancel_after_body, "cancel_after");
    f->work = work;
    f->delay = delay;
    asy_gen_set_clear(&f->co, cancel_after_clear);
    return &f->co;
}
