/*
 * sem.c - exercise 23/sem. See sem.h.
 *
 * Tools (lib/waiters.h, the waiter queue): asy_waiter_init, asy_waiter_enqueue,
 * asy_waiter_leave, asy_waiter_clear, asy_waiter_wake, asy_waiter_done,
 * asy_waiter_cancelled, ASY_WAITER_OF; asy_get_running_loop(&err);
 * ASY_AWAIT_TRY(co, asy_incref(f->w.fut)).
 */
#include "sem.h"

void sem_init(sem *s, long value)
{
    s->value = value;
    asy_ilist_init(&s->waiters);
}

bool sem_locked(const sem *s)
{
    /* TODO: ... or a waiter that is not cancelled is queued */
    return s->value == 0;
}

void sem_release(sem *s)
{
    /* TODO: and hand the unit to the first waiter that is not done */
    s->value++;
}

typedef struct {
    asy_coro co;
    sem *s;         /* borrowed */
    asy_waiter w;   /* our node while we wait */
} acquire_frame;

static asy_status acquire_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    ASY_BEGIN(co);
    /* TODO: the fast path when not locked; otherwise queue a future,
     * await it, leave the queue, handle CancelledError as sem.h says. */
    while (sem_locked(f->s))
        ASY_AWAIT(co, asy_sleep(0.01, asy_none())); /* polling: the wrong way */
    f->s->value--;
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static void acquire_clear(asy_gen *g) { asy_waiter_clear(&((acquire_frame *)g)->w); }

asy_coro *sem_acquire(sem *s)
{
    acquire_frame *f = ASY_CORO_NEW(acquire_frame, acquire_body, "acquire");
    f->s = s;
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, acquire_clear);
    return &f->co;
}
