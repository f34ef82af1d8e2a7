/*
 * mutex.c - exercise 20/mutex, the reference solution. See mutex.h.
 */
#include "mutex.h"

void mutex_init(mutex *m)
{
    m->locked = false;
    asy_ilist_init(&m->waiters);
}

/* Complete the first waiter's future, unless it is done: a done one is on
 * its way already (it will take the mutex, or pass the wake-up on). */
static void wake_up_first(mutex *m)
{
    if (!asy_ilist_empty(&m->waiters))
        asy_waiter_wake(ASY_WAITER_OF(m->waiters.next), asy_bool(true));
}

asy_exc *mutex_release(mutex *m)
{
    if (!m->locked)
        return asy_exc_new(&asy_RuntimeError, "Lock is not acquired.");
    m->locked = false;
    wake_up_first(m);
    return NULL;
}

static bool has_live_waiter(const mutex *m)
{
    for (const asy_ilist *p = m->waiters.next; p != &m->waiters; p = p->next)
        if (!asy_waiter_cancelled(ASY_WAITER_OF((asy_ilist *)p)))
            return true;
    return false;
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
    if (!f->m->locked && !has_live_waiter(f->m)) {
        f->m->locked = true;
        ASY_RETURN(co, asy_bool(true));
    }
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        asy_waiter_enqueue(&f->w, &f->m->waiters, loop);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
    asy_waiter_leave(&f->w); /* finally */
    if (ASY_EXC(co) != NULL) {
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError) && !f->m->locked)
            wake_up_first(f->m); /* we may have been the one woken */
        ASY_RERAISE(co);
    }
    f->m->locked = true;
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static void acquire_clear(asy_gen *g)
{
    asy_waiter_clear(&((acquire_frame *)g)->w);
}

asy_coro *mutex_acquire(mutex *m)
{
    acquire_frame *f = ASY_CORO_NEW(acquire_frame, acquire_body, "acquire");
    f->m = m;
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, acquire_clear);
    return &f->co;
}
