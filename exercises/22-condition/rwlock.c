/*
 * rwlock.c - exercise 22/rwlock. See rwlock.h.
 *
 * Tools (lib/waiters.h, the waiter queue):
 *   asy_waiter_init(&w), asy_waiter_enqueue(&w, &rw->waiters, loop),
 *   asy_waiter_leave(&w), asy_waiter_clear(&w), asy_waiter_wake(w, value),
 *   ASY_WAITER_OF(link), asy_get_running_loop(&err)
 *   ASY_AWAIT_TRY(co, asy_incref(f->w.fut)) inside a while loop is fine
 *   (a yield in a loop; just not inside a switch of your own).
 */
#include "rwlock.h"

void rwlock_init(rwlock *rw)
{
    rw->readers = 0;
    rw->writer = false;
    rw->writers_waiting = 0;
    asy_ilist_init(&rw->waiters);
}

/* notify_all: wake every waiter whose future is not done. */
static void wake_all(rwlock *rw)
{
    for (asy_ilist *p = rw->waiters.next; p != &rw->waiters; p = p->next)
        asy_waiter_wake(ASY_WAITER_OF(p), asy_none());
}

asy_exc *rwlock_release_read(rwlock *rw)
{
    /* TODO: RuntimeError when no reader is inside; else one reader out,
     * and wake everybody. */
    rw->readers--;
    return NULL;
}

asy_exc *rwlock_release_write(rwlock *rw)
{
    /* TODO: RuntimeError when no writer is inside. */
    rw->writer = false;
    wake_all(rw);
    return NULL;
}

typedef struct {
    asy_coro co;
    rwlock *rw;     /* borrowed */
    asy_waiter w;   /* our node while we wait */
} acquire_frame;

static asy_status read_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    ASY_BEGIN(co);
    /* TODO: while a writer is inside or waiting: queue, await, leave (on
     * every path; re-raise an exception). Then readers++. */
    f->rw->readers++;
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static asy_status write_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    ASY_BEGIN(co);
    /* TODO: wait until nobody is inside. From the start of the wait to
     * its end, however it ends, this writer counts in writers_waiting,
     * which keeps new readers out. Then writer = true. */
    f->rw->writer = true;
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static void acquire_clear(asy_gen *g) { asy_waiter_clear(&((acquire_frame *)g)->w); }

static asy_coro *new_acquire(rwlock *rw, asy_gen_body body, const char *name)
{
    acquire_frame *f = ASY_CORO_NEW(acquire_frame, body, name);
    f->rw = rw;
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, acquire_clear);
    return &f->co;
}

asy_coro *rwlock_acquire_read(rwlock *rw) { return new_acquire(rw, read_body, "acquire_read"); }
asy_coro *rwlock_acquire_write(rwlock *rw) { return new_acquire(rw, write_body, "acquire_write"); }
