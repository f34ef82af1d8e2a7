/*
 * barrier.c - exercise 21/barrier, the reference solution. See barrier.h.
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
    if (f->b->count == f->b->parties) { /* the last one: trip it */
        f->b->count = 0;
        f->b->round++;
        asy_event_set(f->b->ev);   /* everyone queued now wakes ... */
        asy_event_clear(f->b->ev); /* ... and the next round waits again */
        ASY_RETURN(co, asy_int(f->index));
    }
    f->round = f->b->round;
    ASY_AWAIT_TRY(co, asy_event_wait(f->b->ev));
    if (ASY_EXC(co) != NULL) {
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError) && f->b->round == f->round)
            f->b->count--; /* left before the barrier tripped */
        ASY_RERAISE(co);
    }
    ASY_RETURN(co, asy_int(f->index));
    ASY_END(co);
}

asy_coro *barrier_wait(barrier *b)
{
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "wait");
    f->b = b;
    return &f->co;
}
