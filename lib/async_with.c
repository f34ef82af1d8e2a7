/*
 * async_with.c - the chapters 16-23 context managers as asy_async_cm
 * (chapter 25).
 */
#include "async_with.h"

#include "lock.h"
#include "semaphore.h"
#include "taskgroup.h"
#include "timeout.h"

/* async def then(aw, value, exc): await aw; if exc: raise exc; return value */
typedef struct {
    asy_coro co;
    asy_coro *aw;   /* owned until awaited */
    asy_value value;
    asy_exc *exc;
} then_frame;

static asy_status then_body(asy_coro *co)
{
    then_frame *f = (then_frame *)co;
    ASY_BEGIN(co);
    if (f->aw != NULL) {
        asy_coro *aw = f->aw;
        f->aw = NULL;
        ASY_AWAIT(co, aw);
    }
    if (f->exc != NULL) {
        asy_exc *e = f->exc;
        f->exc = NULL;
        ASY_RAISE(co, e);
    }
    {
        asy_value v = f->value;
        f->value = asy_none();
        ASY_RETURN(co, v);
    }
    ASY_END(co);
}

static void then_clear(asy_gen *g)
{
    then_frame *f = (then_frame *)g;
    if (f->aw != NULL) {
        asy_gen_close(f->aw); /* never started: no "never awaited" warning */
        asy_decref(f->aw);
        f->aw = NULL;
    }
    asy_value_clear(&f->value);
    asy_decref(f->exc);
    f->exc = NULL;
}

asy_coro *asy_async_cm_then(asy_coro *aw, asy_value value, asy_exc *exc)
{
    then_frame *f = ASY_CORO_NEW(then_frame, then_body, "__aexit__");
    asy_gen_set_clear(&f->co, then_clear);
    f->aw = aw;
    f->value = value;
    f->exc = exc;
    return &f->co;
}

/* An error from the cleanup replaces the body's exception, which becomes
 * its __context__ (Python's implicit chaining). Steals both. */
static asy_exc *chain(asy_exc *cleanup_err, asy_exc *exc)
{
    if (cleanup_err == NULL)
        return exc;
    if (exc != NULL) {
        asy_exc_set_context(cleanup_err, exc);
        asy_decref(exc);
    }
    return cleanup_err;
}

/* `async with None:` -- CPython's TypeError, raised when awaited. Steals
 * exc (the block's exception, dropped: this error replaces it). */
static asy_coro *no_cm(asy_exc *exc)
{
    asy_exc *e = asy_exc_new(&asy_TypeError,
                             "'NoneType' object does not support the asynchronous context manager protocol");
    return asy_async_cm_then(NULL, asy_none(), chain(e, exc));
}

/* Lock: async def __aenter__(self): await self.acquire(); return None
 *       async def __aexit__(self, *exc): self.release()                  */
static asy_coro *lock_aenter(void *self)
{
    if (self == NULL)
        return no_cm(NULL);
    return asy_async_cm_then(asy_lock_acquire(self), asy_none(), NULL);
}
static asy_coro *lock_aexit(void *self, asy_exc *exc)
{
    if (self == NULL)
        return no_cm(exc);
    return asy_async_cm_then(NULL, asy_none(), chain(asy_lock_release(self), exc));
}
const asy_async_cm asy_lock_cm = {"Lock", lock_aenter, lock_aexit};

static asy_coro *sem_aenter(void *self)
{
    if (self == NULL)
        return no_cm(NULL);
    return asy_async_cm_then(asy_semaphore_acquire(self), asy_none(), NULL);
}
static asy_coro *sem_aexit(void *self, asy_exc *exc)
{
    if (self == NULL)
        return no_cm(exc);
    return asy_async_cm_then(NULL, asy_none(), chain(asy_semaphore_release(self), exc));
}
const asy_async_cm asy_semaphore_cm = {"Semaphore", sem_aenter, sem_aexit};

/* TaskGroup: __aenter__ returns the group; __aexit__ waits for the children. */
static asy_coro *tg_aenter(void *self)
{
    if (self == NULL)
        return no_cm(NULL);
    asy_exc *err = asy_taskgroup_enter(self);
    return asy_async_cm_then(NULL, err == NULL ? asy_obj_value(asy_incref(self)) : asy_none(), err);
}
static asy_coro *tg_aexit(void *self, asy_exc *exc)
{
    if (self == NULL)
        return no_cm(exc);
    return asy_taskgroup_exit(self, exc);
}
const asy_async_cm asy_taskgroup_cm = {"TaskGroup", tg_aenter, tg_aexit};

/* timeout(): __aenter__ returns the scope; __aexit__ may turn the scope's
 * own CancelledError into TimeoutError. */
static asy_coro *timeout_aenter(void *self)
{
    if (self == NULL)
        return no_cm(NULL);
    asy_exc *err = asy_timeout_enter(self);
    return asy_async_cm_then(NULL, err == NULL ? asy_obj_value(asy_incref(self)) : asy_none(), err);
}
static asy_coro *timeout_aexit(void *self, asy_exc *exc)
{
    if (self == NULL)
        return no_cm(exc);
    return asy_async_cm_then(NULL, asy_none(), asy_timeout_exit(self, exc));
}
const asy_async_cm asy_timeout_cm = {"Timeout", timeout_aenter, timeout_aexit};
