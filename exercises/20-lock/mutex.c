/*
 * mutex.c - exercise 20/mutex. See mutex.h.
 *
 * Tools (lib/waiters.h, the waiter queue):
 *   asy_waiter w;  asy_waiter_init(&w)          a node for the frame
 *   asy_primitive_get_loop(&loop, owner, &err)   the running loop (a mutex is
 *       not an object: asy_get_running_loop(&err) is enough here)
 *   asy_waiter_enqueue(&w, &m->waiters, loop)    new future, linked at the back
 *   asy_waiter_leave(&w)                         unlink (safe if not linked)
 *   asy_waiter_clear(&w)                         unlink + release the future
 *   asy_waiter_wake(w, asy_bool(true))           complete it unless done
 *   asy_waiter_cancelled(w), ASY_WAITER_OF(link) a node's waiter
 *   ASY_AWAIT_TRY(co, asy_incref(f->w.fut))      await the future, keep your ref
 */
#include "mutex.h"

void mutex_init(mutex *m)
{
    m->locked = false;
    asy_ilist_init(&m->waiters);
}

asy_exc *mutex_release(mutex *m)
{
    /* TODO: RuntimeError "Lock is not acquired." when free; else free it
     * and wake the first waiter (only if its future is not done). */
    m->locked = false;
    return NULL;
}

typedef struct {
    asy_coro co;
    mutex *m;      /* borrowed */
    asy_waiter w;  /* our node in m->waiters while we wait */
} acquire_frame;

static asy_status acquire_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    ASY_BEGIN(co);
    if (!f->m->locked) { /* TODO: ... and no waiter that is not cancelled */
        f->m->locked = true;
        ASY_RETURN(co, asy_bool(true));
    }
    /* TODO: queue a future, await it, leave the queue on every path; on a
     * CancelledError wake the next one if the mutex is free, and re-raise;
     * else take the mutex and return True. */
    ASY_RAISE(co, asy_exc_new(&asy_NotImplementedError, "TODO: wait in the queue"));
    ASY_END(co);
}

static void acquire_clear(asy_gen *g)
{
    asy_waiter_clear(&((acquire_frame *)g)->w); /* a closed frame leaves the queue */
}

asy_coro *mutex_acquire(mutex *m)
{
    acquire_frame *f = ASY_CORO_NEW(acquire_frame, acquire_body, "acquire");
    f->m = m;
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, acquire_clear);
    return &f->co;
}
