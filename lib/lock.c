/*
 * lock.c - asyncio.Lock (chapter 20; its waiter queue is waiters.c).
 *
 * Read acquire_body() first: it is CPython's Lock.acquire line for line,
 * with the waiter node living in the coroutine's own frame.
 */
#include "lock.h"

#include "internal.h"

#include <stdio.h>

/* ---- the Lock object ---- */

static void lock_dealloc(asy_obj *self)
{
    asy_lock *lock = (asy_lock *)self;
    /* Every waiter's frame holds a reference to the lock, so none is left. */
    asy_decref(lock->loop);
    asy_obj_free(lock);
}

/* <asyncio.locks.Lock object at 0x... [locked, waiters:1]> */
static int lock_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_lock *lock = (asy_lock *)self;
    size_t n = asy_lock_waiter_count(lock);
    char waiters[32] = "";
    if (n > 0)
        snprintf(waiters, sizeof waiters, ", waiters:%zu", n);
    return snprintf(buf, size, "<asyncio.locks.Lock object at %p [%s%s]>", (void *)lock,
                    lock->locked ? "locked" : "unlocked", waiters);
}

const asy_type asy_lock_type = {.name = "Lock", .dealloc = lock_dealloc, .format = lock_format};

asy_lock *asy_lock_new(void)
{
    asy_lock *lock = asy_obj_new(&asy_lock_type, sizeof(asy_lock));
    lock->locked = false;
    asy_ilist_init(&lock->waiters);
    return lock;
}

bool asy_lock_locked(const asy_lock *lock) { return lock != NULL && lock->locked; }

asy_lock *asy_value_lock(asy_value v)
{
    return v.kind == ASY_OBJ && asy_isinstance(v.u.o, &asy_lock_type) ? (asy_lock *)v.u.o : NULL;
}

size_t asy_lock_waiter_count(const asy_lock *lock) { return lock != NULL ? asy_ilist_length(&lock->waiters) : 0; }

/* all(w.cancelled() for w in self._waiters) */
static bool all_waiters_cancelled(const asy_lock *lock)
{
    for (const asy_ilist *p = lock->waiters.next; p != &lock->waiters; p = p->next)
        if (!asy_waiter_cancelled(ASY_WAITER_OF((asy_ilist *)p)))
            return false;
    return true;
}

/* _wake_up_first(): complete the FIRST waiter's future, if it is not done.
 * A done one means a waiter is already on its way: it will either take
 * the lock or, cancelled, come back here on its way out. Waking the second
 * one now would let two waiters race for one release. */
static void wake_up_first(asy_lock *lock)
{
    if (asy_ilist_empty(&lock->waiters))
        return;
    asy_waiter_wake(ASY_WAITER_OF(lock->waiters.next), asy_bool(true));
}

asy_exc *asy_lock_release(asy_lock *lock)
{
    if (lock == NULL)
        return asy__null_error("a Lock");
    if (!lock->locked)
        return asy_exc_new(&asy_RuntimeError, "Lock is not acquired.");
    lock->locked = false;
    wake_up_first(lock);
    return NULL;
}

/* ---- acquire() ---- */

typedef struct {
    asy_coro co;
    asy_lock *lock;  /* owned */
    asy_waiter w;    /* our node in lock->waiters while we wait */
} acquire_frame;

/* async def acquire(self):
 *     if not self._locked and all(w.cancelled() for w in self._waiters):
 *         self._locked = True
 *         return True
 *     fut = self._get_loop().create_future()
 *     self._waiters.append(fut)
 *     try:
 *         try:
 *             await fut
 *         finally:
 *             self._waiters.remove(fut)
 *     except exceptions.CancelledError:
 *         if not self._locked:
 *             self._wake_up_first()
 *         raise
 *     self._locked = True
 *     return True                                                         */
static asy_status acquire_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    asy_lock *lock = f->lock; /* no side effect: fine above ASY_BEGIN */
    ASY_BEGIN(co);
    if (!lock->locked && all_waiters_cancelled(lock)) {
        lock->locked = true; /* the fast path: no future, no suspension */
        ASY_RETURN(co, asy_bool(true));
    }
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_primitive_get_loop(&lock->loop, lock, &err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        asy_waiter_enqueue(&f->w, &lock->waiters, loop);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
    asy_waiter_leave(&f->w); /* finally: we leave the queue on every path */
    if (ASY_EXC(co) != NULL) {
        /* Cancelled, maybe right after release() picked us: if nobody holds
         * the lock, pass the wake-up on, or it would be lost. */
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError) && !lock->locked)
            wake_up_first(lock);
        ASY_RERAISE(co);
    }
    lock->locked = true;
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static void acquire_clear(asy_gen *g)
{
    acquire_frame *f = (acquire_frame *)g;
    asy_waiter_clear(&f->w); /* a frame closed while queued leaves the queue */
    asy_decref(f->lock);
    f->lock = NULL;
}

asy_coro *asy_lock_acquire(asy_lock *lock)
{
    if (lock == NULL)
        return asy__coro_null("acquire", "a Lock");
    acquire_frame *f = ASY_CORO_NEW(acquire_frame, acquire_body, "acquire");
    f->lock = asy_incref(lock);
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, acquire_clear);
    return &f->co;
}
