/*
 * sem.c - exercise 23/sem, the reference solution. See sem.h.
 */
#include "sem.h"

void sem_init(sem *s, long value)
{
    s->value = value;
    asy_ilist_init(&s->waiters);
}

bool sem_locked(const sem *s)
{
    if (s->value == 0)
        return true;
    for (const asy_ilist *p = s->waiters.next; p != &s->waiters; p = p->next)
        if (!asy_waiter_cancelled(ASY_WAITER_OF((asy_ilist *)p)))
            return true;
    return false;
}

static void wake_up_next(sem *s)
{
    for (asy_ilist *p = s->waiters.next; p != &s->waiters; p = p->next) {
        asy_waiter *w = ASY_WAITER_OF(p);
        if (!asy_waiter_done(w)) {
            s->value--; /* the unit is the waiter's from now on */
            asy_waiter_wake(w, asy_bool(true));
            return;
        }
    }
}

void sem_release(sem *s)
{
    s->value++;
    wake_up_next(s);
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
    if (!sem_locked(f->s)) {
        f->s->value--;
        ASY_RETURN(co, asy_bool(true));
    }
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        asy_waiter_enqueue(&f->w, &f->s->waiters, loop);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
    asy_waiter_leave(&f->w);
    if (ASY_EXC(co) != NULL) {
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError) && !asy_waiter_cancelled(&f->w)) {
            f->s->value++; /* handed a unit, cancelled before we ran: pass it on */
            wake_up_next(f->s);
        }
        ASY_RERAISE(co);
    }
    if (f->s->value > 0)
        wake_up_next(f->s);
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
