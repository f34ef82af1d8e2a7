/*
 * wait.c - wait (chapter 15).
 *
 * wait_body() is CPython's wait() + _wait() in one coroutine; on_completion()
 * is the done callback each future gets, release_waiter() the timer's.
 */
#include "wait.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "ptrmap.h"

/* What Python's _wait keeps in its closure, shared by the callbacks. */
typedef struct {
    asy_obj ob;
    asy_future *waiter;      /* owned: what wait_body awaits */
    asy_handle *timeout;     /* owned, or NULL */
    size_t counter;          /* futures not done yet */
    asy_return_when return_when;
    bool finished;           /* wait_body is past its await: ignore us */
} wait_state;

static void wait_state_dealloc(asy_obj *self)
{
    wait_state *st = (wait_state *)self;
    asy_decref(st->waiter);
    asy_decref(st->timeout);
    asy_obj_free(st);
}

static const asy_type wait_state_type = {.name = "wait state", .dealloc = wait_state_dealloc};

static void wake(wait_state *st)
{
    if (st->timeout != NULL)
        asy_handle_cancel(st->timeout);
    if (!asy_future_done(st->waiter))
        asy_decref(asy_future_set_result(st->waiter, asy_none()));
}

/* _on_completion(f): count, and wake the waiter when return_when is met. */
static asy_exc *on_completion(asy_future *f, asy_value arg)
{
    wait_state *st = (wait_state *)arg.u.o;
    if (st->finished)
        return NULL; /* already scheduled when wait_body removed ours (see stop_listening) */
    st->counter--;
    bool failed = false;
    if (st->return_when == ASY_FIRST_EXCEPTION && !asy_future_cancelled(f)) {
        asy_exc *e = NULL;
        asy_decref(asy_future_exception(f, &e)); /* marks it retrieved, as Python */
        failed = e != NULL;
        asy_decref(e);
    }
    if (st->counter == 0 || st->return_when == ASY_FIRST_COMPLETED || failed)
        wake(st);
    return NULL;
}

/* _release_waiter: the timeout. */
static asy_exc *release_waiter(asy_value arg)
{
    asy_future *waiter = asy_value_future(arg);
    if (!asy_future_done(waiter))
        asy_decref(asy_future_set_result(waiter, asy_none()));
    return NULL;
}

typedef struct {
    asy_coro co;
    void **fs;               /* owned references, duplicates dropped */
    size_t n;
    double timeout;
    asy_return_when return_when;
    wait_state *st;          /* owned, once running */
} wait_frame;

/* finally: timeout_handle.cancel(); for f in fs: f.remove_done_callback(_on_completion)
 * Each wait() registers its own state object, so removing by (function,
 * argument) takes exactly ours and leaves another wait() on the same
 * future alone. A callback that was already scheduled (its future
 * finished but the callback has not run yet) can no longer be removed: it
 * will run, see `finished` and do nothing. */
static void stop_listening(wait_frame *f)
{
    asy_handle_cancel(f->st->timeout);
    f->st->finished = true;
    for (size_t i = 0; i < f->n; i++)
        asy_future_remove_done_callback_arg(f->fs[i], on_completion, asy_obj_value(f->st));
}

#define NOT_A_FUTURE "An asyncio.Future, a coroutine or an awaitable is required"

/* The first problem with the arguments, as 3.11 checks them; NULL if none. */
static asy_exc *check(wait_frame *f)
{
    if (f->n == 0)
        return asy_exc_new(&asy_ValueError, "Set of Tasks/Futures is empty.");
    if (f->return_when != ASY_FIRST_COMPLETED && f->return_when != ASY_FIRST_EXCEPTION &&
        f->return_when != ASY_ALL_COMPLETED)
        return asy_exc_new(&asy_ValueError, "Invalid return_when value: %d", (int)f->return_when);
    for (size_t i = 0; i < f->n; i++)
        if (asy_iscoroutine(f->fs[i]))
            return asy_exc_new(&asy_TypeError, "Passing coroutines is forbidden, use tasks explicitly.");
    for (size_t i = 0; i < f->n; i++)
        if (f->fs[i] == NULL)
            return asy__null_error("a future");
    for (size_t i = 0; i < f->n; i++)
        if (!asy_isfuture(f->fs[i]))
            return asy_exc_new(&asy_TypeError, NOT_A_FUTURE);
    return NULL;
}

/* done, pending = set(), set(): sorted in argument order. */
static asy_value split(wait_frame *f)
{
    asy_list *done = asy_list_new(), *pending = asy_list_new();
    for (size_t i = 0; i < f->n; i++) {
        asy_future *fut = f->fs[i];
        asy_list_append(asy_future_done(fut) ? done : pending, asy_future_value(fut));
    }
    asy_list *both = asy_list_new();
    asy_list_append(both, asy_obj_value(done));
    asy_list_append(both, asy_obj_value(pending));
    return asy_obj_value(both);
}

static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    ASY_BEGIN(co);
    {
        asy_exc *err = check(f);
        asy_loop *loop = err == NULL ? asy_get_running_loop(&err) : NULL;
        if (err != NULL)
            ASY_RAISE(co, err);
        f->st = asy_obj_new(&wait_state_type, sizeof(wait_state));
        f->st->waiter = asy_future_new(loop);
        f->st->counter = f->n;
        f->st->return_when = f->return_when;
        if (!asy_is_no_timeout(f->timeout)) /* -inf and NaN too: due at the next turn */
            f->st->timeout =
                asy_loop_call_later(loop, f->timeout, release_waiter, asy_future_value(f->st->waiter), NULL);
        for (size_t i = 0; i < f->n; i++)
            asy_decref(asy_future_add_done_callback((asy_future *)f->fs[i], on_completion,
                                                    asy_obj_value(asy_incref(f->st))));
    }
    ASY_AWAIT_TRY(co, asy_incref(f->st->waiter));
    stop_listening(f); /* finally */
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co); /* e.g. the waiting task was cancelled */
    ASY_RETURN(co, split(f));
    ASY_END(co);
}

static void wait_clear(asy_gen *g)
{
    wait_frame *f = (wait_frame *)g;
    if (f->st != NULL) {
        stop_listening(f); /* closed while waiting; else a second time, harmless */
        asy_decref(f->st);
        f->st = NULL;
    }
    for (size_t i = 0; i < f->n; i++)
        asy_decref(f->fs[i]);
    free(f->fs);
    f->fs = NULL;
    f->n = 0;
}

asy_coro *asy_wait(size_t n, void *const *fs, double timeout, asy_return_when return_when)
{
    if (n > 0 && fs == NULL)
        return asy__coro_null("wait", "an array of futures");
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "wait");
    asy_gen_set_clear(&f->co, wait_clear);
    f->timeout = timeout;
    f->return_when = return_when;
    f->fs = calloc(n > 0 ? n : 1, sizeof *f->fs);
    if (f->fs == NULL)
        asy_out_of_memory("wait's futures");
    /* set(fs): each object once, in the order of its first appearance.
     * The address map keeps it O(n) for any number of futures. */
    asy_ptrmap seen;
    asy_ptrmap_init(&seen, n);
    for (size_t i = 0; i < n; i++)
        if (asy_ptrmap_add(&seen, fs[i], i) == i)
            f->fs[f->n++] = asy_incref(fs[i]);
    asy_ptrmap_clear(&seen);
    return &f->co;
}

asy_coro *asy_wait_list(const asy_list *fs, double timeout, asy_return_when return_when)
{
    if (fs == NULL)
        return asy__coro_null("wait", "a list of futures");
    size_t n = asy_list_len(fs);
    void **objs = calloc(n > 0 ? n : 1, sizeof *objs);
    if (objs == NULL)
        asy_out_of_memory("wait's futures");
    for (size_t i = 0; i < n; i++) {
        asy_value v = asy_list_get(fs, i);
        if (v.kind != ASY_OBJ) { /* a number or None: not a future */
            free(objs);
            return asy__coro_raise("wait", asy_exc_new(&asy_TypeError, NOT_A_FUTURE));
        }
        objs[i] = v.u.o;
    }
    asy_coro *co = asy_wait(n, objs, timeout, return_when); /* takes its own references */
    free(objs);
    return co;
}

asy_list *asy_wait_done(asy_value result)
{
    asy_list *l = asy_value_list(result);
    return l != NULL && asy_list_len(l) == 2 ? asy_value_list(asy_list_get(l, 0)) : NULL;
}

asy_list *asy_wait_pending(asy_value result)
{
    asy_list *l = asy_value_list(result);
    return l != NULL && asy_list_len(l) == 2 ? asy_value_list(asy_list_get(l, 1)) : NULL;
}
