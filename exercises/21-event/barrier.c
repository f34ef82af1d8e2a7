/*
 * barrier.c - exercise 21/barrier. See barrier.h.
 *
 * Tools (lib/event.h):
 *   asy_event_new(), asy_event_set(ev), asy_event_clear(ev)
 *   ASY_AWAIT_TRY(co, asy_event_wait(ev))   wait; an exception stays in ASY_EXC
 *   asy_exc_is(ASY_EXC(co), &asy_CancelledError), ASY_RERAISE(co)
 *   ASY_RETURN(co, asy_int(index))
 * Keep what must survive the await (the index, the round) in the frame.
 */
#include "barrier.h"

void barrier_init(barrier *b, int parties)
{
    b->parties = parties;
    b->count = 0;
    b->round = 0;
    b->ev = asy_event_new();
}

void barrier_free(barrier *b)
{
    asy_decref(b->ev);
    b->ev = NULL;
}

typedef struct {
    asy_coro co;
    barrier *b;            /* borrowed */
    int index;
    unsigned long round;
} wait_frame;

static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    ASY_BEGIN(co);
    f->index = f->b->count++;
    /* TODO: the last party trips the barrier (reset count, next round,
     * set + clear) and returns at once. The others wait on the event;
     * a CancelledError in the same round takes the arrival back. */
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    ASY_RETURN(co, asy_int(f->index));
    ASY_END(co);
}

asy_coro *barrier_wait(barrier *b)
{
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "wait");
    f->b = b;
    return &f->co;
}
