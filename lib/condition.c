/*
 * condition.c - asyncio.Condition (chapter 22).
 *
 * Read wait_body(): its second half is the `finally` of CPython's
 * Condition.wait, which re-acquires the lock on every path.
 */
#include "condition.h"

#include "internal.h"

#include "list.h"

#include <stdio.h>

static void condition_dealloc(asy_obj *self)
{
    asy_condition *cond = (asy_condition *)self;
    asy_decref(cond->lock);
    asy_decref(cond->loop);
    asy_obj_free(cond);
}

/* <asyncio.locks.Condition object at 0x... [locked, waiters:1]> */
static int condition_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_condition *cond = (asy_condition *)self;
    size_t n = asy_condition_waiter_count(cond);
    char waiters[32] = "";
    if (n > 0)
        snprintf(waiters, sizeof waiters, ", waiters:%zu", n);
    return snprintf(buf, size, "<asyncio.locks.Condition object at %p [%s%s]>", (void *)cond,
                    cond->lock->locked ? "locked" : "unlocked", waiters);
}

const asy_type asy_condition_type = {.name = "Condition", .dealloc = condition_dealloc,
                                     .format = condition_format};

asy_condition *asy_condition_new(asy_lock *lock)
{
    asy_condition *cond = asy_obj_new(&asy_condition_type, sizeof(asy_condition));
    cond->lock = lock != NULL ? asy_incref(lock) : asy_lock_new();
    asy_ilist_init(&cond->waiters);
    return cond;
}

asy_lock *asy_condition_lock(const asy_condition *cond) { return cond != NULL ? cond->lock : NULL; }
asy_coro *asy_condition_acquire(asy_condition *cond)
{
    return cond != NULL ? asy_lock_acquire(cond->lock) : asy__coro_null("acquire", "a Condition");
}
asy_exc *asy_condition_release(asy_condition *cond)
{
    return cond != NULL ? asy_lock_release(cond->lock) : asy__null_error("a Condition");
}
bool asy_condition_locked(const asy_condition *cond) { return cond != NULL && asy_lock_locked(cond->lock); }
size_t asy_condition_waiter_count(const asy_condition *cond)
{
    return cond != NULL ? asy_ilist_length(&cond->waiters) : 0;
}

/* def notify(self, n=1):
 *     if not self.locked():
 *         raise RuntimeError('cannot notify on un-acquired lock')
 *     idx = 0
 *     for fut in self._waiters:
 *         if idx >= n:
 *             break
 *         if not fut.done():
 *             idx += 1
 *             fut.set_result(False)
 * A waiter already woken (or cancelled) does not count towards n. */
asy_exc *asy_condition_notify(asy_condition *cond, size_t n)
{
    if (cond == NULL)
        return asy__null_error("a Condition");
    if (!cond->lock->locked)
        return asy_exc_new(&asy_RuntimeError, "cannot notify on un-acquired lock");
    size_t woken = 0;
    for (asy_ilist *p = cond->waiters.next; p != &cond->waiters && woken < n; p = p->next)
        if (asy_waiter_wake(ASY_WAITER_OF(p), asy_bool(false)))
            woken++;
    return NULL;
}

asy_exc *asy_condition_notify_all(asy_condition *cond)
{
    return asy_condition_notify(cond, asy_condition_waiter_count(cond));
}

/* ---- wait() ---- */

typedef struct {
    asy_coro co;
    asy_condition *cond;  /* owned */
    asy_waiter w;         /* our node in cond->waiters while we wait */
    asy_exc *exc;         /* what ended the wait, kept while we re-acquire */
    bool cancelled;       /* cancelled while re-acquiring */
} wait_frame;

/* async def wait(self):
 *     if not self.locked():
 *         raise RuntimeError('cannot wait on un-acquired lock')
 *     self.release()
 *     try:
 *         fut = self._get_loop().create_future()
 *         self._waiters.append(fut)
 *         try:
 *             await fut
 *             return True
 *         finally:
 *             self._waiters.remove(fut)
 *     finally:
 *         # Must reacquire lock even if wait is cancelled
 *         cancelled = False
 *         while True:
 *             try:
 *                 await self.acquire()
 *                 break
 *             except exceptions.CancelledError:
 *                 cancelled = True
 *         if cancelled:
 *             raise exceptions.CancelledError                             */
static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    asy_condition *cond = f->cond;
    ASY_BEGIN(co);
    if (!cond->lock->locked)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "cannot wait on un-acquired lock"));
    asy_decref(asy_lock_release(cond->lock)); /* locked: cannot fail */
    {
        asy_loop *loop = asy_primitive_get_loop(&cond->loop, cond, &f->exc);
        if (loop == NULL)
            goto reacquire; /* the outer finally still runs */
        asy_waiter_enqueue(&f->w, &cond->waiters, loop);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
    asy_waiter_leave(&f->w); /* inner finally */
    /* To await in a cleanup path the exception must be set aside first:
     * an await with an exception pending would just re-raise it. */
    f->exc = ASY_CATCH(co);
    if (f->exc != NULL && asy_exc_is(f->exc, &asy_GeneratorExit)) {
        asy_exc *e = f->exc; /* closed: no re-acquiring (see condition.h) */
        f->exc = NULL;
        ASY_RAISE(co, e);
    }

reacquire:
    for (;;) {
        ASY_AWAIT_TRY(co, asy_lock_acquire(cond->lock));
        if (ASY_EXC(co) == NULL)
            break;
        if (!asy_exc_is(ASY_EXC(co), &asy_CancelledError))
            ASY_RERAISE(co); /* closed while re-acquiring */
        asy_decref(ASY_CATCH(co));
        f->cancelled = true; /* remember it, and keep trying */
    }
    if (f->cancelled) {
        asy_exc *e = asy_exc_new(&asy_CancelledError, NULL);
        asy_exc_set_context(e, f->exc);
        ASY_RAISE(co, e);
    }
    if (f->exc != NULL) { /* the wait itself failed: that goes on */
        asy_exc *e = f->exc;
        f->exc = NULL;
        ASY_RAISE(co, e);
    }
    ASY_RETURN(co, asy_bool(true));
    ASY_END(co);
}

static void wait_clear(asy_gen *g)
{
    wait_frame *f = (wait_frame *)g;
    asy_waiter_clear(&f->w);
    asy_decref(f->exc);
    f->exc = NULL;
    asy_decref(f->cond);
    f->cond = NULL;
}

asy_coro *asy_condition_wait(asy_condition *cond)
{
    if (cond == NULL)
        return asy__coro_null("wait", "a Condition");
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "wait");
    f->cond = asy_incref(cond);
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, wait_clear);
    return &f->co;
}

/* ---- wait_for() ---- */

typedef struct {
    asy_coro co;
    asy_condition *cond;  /* owned */
    asy_predicate_fn pred;
    void *arg;
    asy_value result;     /* owned: the predicate's last value */
} wait_for_frame;

/* bool(v), for the kinds a predicate returns: None, False, 0, 0.0, '' and
 * [] are false; everything else (other objects included) is true. */
static bool truthy(asy_value v)
{
    switch (v.kind) {
    case ASY_NONE:
        return false;
    case ASY_BOOL:
        return v.u.b;
    case ASY_INT:
        return v.u.i != 0;
    case ASY_FLOAT:
        return v.u.f != 0.0; /* NaN is true, as in Python */
    case ASY_PTR:
        return v.u.p != NULL;
    case ASY_OBJ:
        if (asy_is_str(v))
            return asy_str_cstr(v)[0] != '\0';
        if (v.u.o->type == &asy_list_type)
            return asy_list_len((asy_list *)v.u.o) > 0;
        return true;
    }
    return true;
}

/* async def wait_for(self, predicate):
 *     result = predicate()
 *     while not result:
 *         await self.wait()
 *         result = predicate()
 *     return result                                                       */
static asy_status wait_for_body(asy_coro *co)
{
    wait_for_frame *f = (wait_for_frame *)co;
    ASY_BEGIN(co);
    if (f->pred == NULL)
        ASY_RAISE(co, asy__null_error("a predicate function"));
    for (;;) {
        asy_value_clear(&f->result);
        f->result = f->pred(f->arg);
        if (truthy(f->result))
            break;
        ASY_AWAIT(co, asy_condition_wait(f->cond));
    }
    {
        asy_value result = f->result;
        f->result = asy_none();
        ASY_RETURN(co, result);
    }
    ASY_END(co);
}

static void wait_for_clear(asy_gen *g)
{
    wait_for_frame *f = (wait_for_frame *)g;
    asy_value_clear(&f->result);
    asy_decref(f->cond);
    f->cond = NULL;
}

asy_coro *asy_condition_wait_for(asy_condition *cond, asy_predicate_fn pred, void *arg)
{
    if (cond == NULL)
        return asy__coro_null("wait_for", "a Condition");
    wait_for_frame *f = ASY_CORO_NEW(wait_for_frame, wait_for_body, "wait_for");
    f->cond = asy_incref(cond);
    f->pred = pred;
    f->arg = arg;
    asy_gen_set_clear(&f->co, wait_for_clear);
    return &f->co;
}
