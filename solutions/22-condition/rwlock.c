/*
 * rwlock.c - exercise 22/rwlock, the reference solution. See rwlock.h.
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
    if (rw->readers <= 0)
        return asy_exc_new(&asy_RuntimeError, "rwlock is not read-locked");
    rw->readers--;
    wake_all(rw);
    return NULL;
}

asy_exc *rwlock_release_write(rwlock *rw)
{
    if (!rw->writer)
        return asy_exc_new(&asy_RuntimeError, "rwlock is not write-locked");
    rw->writer = false;
    wake_all(rw);
    return NULL;
}

static bool can_read(const rwlock *rw) { return !rw->writer && rw->writers_waiting == 0; }
static bool can_write(const rwlock *rw) { return !rw->writer && rw->readers == 0; }

typedef struct {
    asy_coro co;
    rwlock *rw;     /* borrowed */
    asy_waiter w;   /* our node while we wait */
} acquire_frame;

/* Queue w on rw and return the running loop's error, if any. */
static asy_exc *enqueue(acquire_frame *f)
{
    asy_exc *err = NULL;
    asy_loop *loop = asy_get_running_loop(&err);
    if (loop != NULL)
        asy_waiter_enqueue(&f->w, &f->rw->waiters, loop);
    return err;
}

static asy_status read_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    ASY_BEGIN(co);
    while (!can_read(f->rw)) {
        ASY_RAISE_IF(co, enqueue(f));
        ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
        asy_waiter_leave(&f->w);
        if (ASY_EXC(co) != NULL)
            ASY_RERAISE(co);
    }
    f->rw->readers++;
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static asy_status write_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    ASY_BEGIN(co);
    f->rw->writers_waiting++;
    while (!can_write(f->rw)) {
        {
            asy_exc *err = enqueue(f);
            if (err != NULL) {
                f->rw->writers_waiting--;
                ASY_RAISE(co, err);
            }
        }
        ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
        asy_waiter_leave(&f->w);
        if (ASY_EXC(co) != NULL) {
            f->rw->writers_waiting--;
            wake_all(f->rw); /* readers held back by us may go in now */
            ASY_RERAISE(co);
        }
    }
    f->rw->writers_waiting--;
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
