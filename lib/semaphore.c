/*
 * semaphore.c - asyncio.Semaphore and BoundedSemaphore (chapter 23).
 *
 * The counter is decremented by whoever HANDS a unit out: acquire()'s fast
 * path for itself, wake_up_next() for the waiter it wakes. A woken waiter
 * therefore owns its unit before it even runs (CPython 3.11.7's design).
 */
#include "semaphore.h"

#include "internal.h"

#include <stdio.h>

static void semaphore_dealloc(asy_obj *self)
{
    asy_semaphore *sem = (asy_semaphore *)self;
    asy_decref(sem->loop);
    asy_obj_free(sem);
}

/* <asyncio.locks.Semaphore object at 0x... [unlocked, value:3]>
 * <asyncio.locks.BoundedSemaphore object at 0x... [locked, waiters:2]> */
static int semaphore_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_semaphore *sem = (asy_semaphore *)self;
    char state[64];
    if (asy_semaphore_locked(sem))
        snprintf(state, sizeof state, "locked");
    else
        snprintf(state, sizeof state, "unlocked, value:%ld", sem->value);
    size_t n = asy_semaphore_waiter_count(sem);
    char waiters[32] = "";
    if (n > 0)
        snprintf(waiters, sizeof waiters, ", waiters:%zu", n);
    return snprintf(buf, size, "<asyncio.locks.%s object at %p [%s%s]>", self->type->name, (void *)sem,
                    state, waiters);
}

const asy_type asy_semaphore_type = {.name = "Semaphore", .dealloc = semaphore_dealloc,
                                     .format = semaphore_format};
const asy_type asy_bounded_semaphore_type = {.name = "BoundedSemaphore", .dealloc = semaphore_dealloc,
                                             .format = semaphore_format, .base = &asy_semaphore_type};

static asy_semaphore *semaphore_new(const asy_type *type, long value, asy_exc **error)
{
    if (value < 0) {
        asy_exc *e = asy_exc_new(&asy_ValueError, "Semaphore initial value must be >= 0");
        if (error != NULL)
            *error = e;
        else
            asy_decref(e);
        return NULL;
    }
    if (error != NULL)
        *error = NULL;
    asy_semaphore *sem = asy_obj_new(type, sizeof(asy_semaphore));
    sem->value = value;
    sem->bound = -1;
    asy_ilist_init(&sem->waiters);
    return sem;
}

asy_semaphore *asy_semaphore_new(long value, asy_exc **error)
{
    return semaphore_new(&asy_semaphore_type, value, error);
}

asy_semaphore *asy_bounded_semaphore_new(long value, asy_exc **error)
{
    asy_semaphore *sem = semaphore_new(&asy_bounded_semaphore_type, value, error);
    if (sem != NULL)
        sem->bound = value;
    return sem;
}

long asy_semaphore_value(const asy_semaphore *sem) { return sem != NULL ? sem->value : 0; }

size_t asy_semaphore_waiter_count(const asy_semaphore *sem)
{
    return sem != NULL ? asy_ilist_length(&sem->waiters) : 0;
}

/* def locked(self):
 *     return self._value == 0 or (
 *         any(not w.cancelled() for w in (self._waiters or ())))        */
bool asy_semaphore_locked(const asy_semaphore *sem)
{
    if (sem == NULL)
        return false;
    if (sem->value == 0)
        return true;
    for (const asy_ilist *p = sem->waiters.next; p != &sem->waiters; p = p->next)
        if (!asy_waiter_cancelled(ASY_WAITER_OF((asy_ilist *)p)))
            return true;
    return false;
}

/* _wake_up_next(): hand one unit to the first waiter that is not done. */
static void wake_up_next(asy_semaphore *sem)
{
    for (asy_ilist *p = sem->waiters.next; p != &sem->waiters; p = p->next) {
        asy_waiter *w = ASY_WAITER_OF(p);
        if (!asy_waiter_done(w)) {
            sem->value--;
            asy_waiter_wake(w, asy_bool(true));
            return;
        }
    }
}

asy_exc *asy_semaphore_release(asy_semaphore *sem)
{
    if (sem == NULL)
        return asy__null_error("a Semaphore");
    if (sem->bound >= 0 && sem->value >= sem->bound)
        return asy_exc_new(&asy_ValueError, "BoundedSemaphore released too many times");
    sem->value++;
    wake_up_next(sem);
    return NULL;
}

/* ---- acquire() ---- */

typedef struct {
    asy_coro co;
    asy_semaphore *sem;  /* owned */
    asy_waiter w;        /* our node in sem->waiters while we wait */
} acquire_frame;

/* async def acquire(self):
 *     if not self.locked():
 *         self._value -= 1
 *         return True
 *     fut = self._get_loop().create_future()
 *     self._waiters.append(fut)
 *     try:
 *         try:
 *             await fut
 *         finally:
 *             self._waiters.remove(fut)
 *     except exceptions.CancelledError:
 *         if not fut.cancelled():      # we were handed a unit: give it back
 *             self._value += 1
 *             self._wake_up_next()
 *         raise
 *     if self._value > 0:
 *         self._wake_up_next()
 *     return True                                                         */
static asy_status acquire_body(asy_coro *co)
{
    acquire_frame *f = (acquire_frame *)co;
    asy_semaphore *sem = f->sem;
    ASY_BEGIN(co);
    if (!asy_semaphore_locked(sem)) {
        sem->value--;
        ASY_RETURN(co, asy_bool(true));
    }
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_primitive_get_loop(&sem->loop, sem, &err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        asy_waiter_enqueue(&f->w, &sem->waiters, loop);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
    asy_waiter_leave(&f->w); /* finally */
    if (ASY_EXC(co) != NULL) {
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError) && !asy_waiter_cancelled(&f->w)) {
            sem->value++; /* woken, then cancelled before it ran: pass the unit on */
            wake_up_next(sem);
        }
        ASY_RERAISE(co);
    }
    if (sem->value > 0) /* more units came back meanwhile: let the next one in too */
        wake_up_next(sem);
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static void acquire_clear(asy_gen *g)
{
    acquire_frame *f = (acquire_frame *)g;
    asy_waiter_clear(&f->w);
    asy_decref(f->sem);
    f->sem = NULL;
}

asy_coro *asy_semaphore_acquire(asy_semaphore *sem)
{
    if (sem == NULL)
        return asy__coro_null("acquire", "a Semaphore");
    acquire_frame *f = ASY_CORO_NEW(acquire_frame, acquire_body, "acquire");
    f->sem = asy_incref(sem);
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, acquire_clear);
    return &f->co;
}
