/*
 * wait_for.c - asyncio.wait_for (chapter 16; the timeout scopes are in
 * timeout.c).
 *
 * Read wait_for_body() first: CPython 3.11's tasks.wait_for, step by step.
 */
#include "wait_for.h"

#include "internal.h"

#include <stdio.h>

/* ---- wait_for ---- */

/* _release_waiter: wake the wait_for by completing its waiter future. Two
 * things call it: the timer (a loop callback) and the inner future (a done
 * callback). Whichever comes second finds the waiter done and does
 * nothing. */
static void release(asy_future *waiter)
{
    if (!asy_future_done(waiter))
        asy_decref(asy_future_set_result(waiter, asy_none()));
}

static asy_exc *release_waiter(asy_value waiter)
{
    release(asy_value_future(waiter));
    return NULL;
}

static asy_exc *release_waiter_on_done(asy_future *fut, asy_value waiter)
{
    (void)fut;
    release(asy_value_future(waiter));
    return NULL;
}

/* Take back the done callback that releases `waiter` from fut:
 *     fut.remove_done_callback(cb)     where cb = partial(_release_waiter, waiter)
 * The waiter is what tells our registration from another wait_for's on
 * the same future (same function, another waiter). */
static void forget_waiter(asy_future *fut, asy_future *waiter)
{
    asy_future_remove_done_callback_arg(fut, release_waiter_on_done, asy_obj_value(waiter));
}

/* _cancel_and_wait(fut): cancel fut and wait until it has finished. It
 * waits on a waiter of its own, not on fut itself: awaiting fut would make
 * a later cancel of US cancel fut again, and we would not be reliably
 * cancellable. Its finally removes the callback (clear: however the
 * coroutine ends). */
typedef struct {
    asy_coro co;
    asy_future *fut;    /* owned */
    asy_future *waiter; /* owned */
} cancel_and_wait_frame;

static asy_status cancel_and_wait_body(asy_coro *co)
{
    cancel_and_wait_frame *f = (cancel_and_wait_frame *)co;
    ASY_BEGIN(co);
    f->waiter = asy_future_new(f->fut->loop);
    asy_decref(asy_future_add_done_callback(f->fut, release_waiter_on_done, asy_future_value(f->waiter)));
    asy_future_cancel(f->fut, NULL);
    ASY_AWAIT(co, asy_incref(f->waiter));
    ASY_END(co);
}

static void cancel_and_wait_clear(asy_gen *g)
{
    cancel_and_wait_frame *f = (cancel_and_wait_frame *)g;
    if (f->waiter != NULL) /* finally: fut.remove_done_callback(cb) */
        forget_waiter(f->fut, f->waiter);
    asy_decref(f->fut);
    asy_decref(f->waiter);
    f->fut = f->waiter = NULL;
}

/* Steals fut. */
static asy_coro *cancel_and_wait(asy_future *fut)
{
    cancel_and_wait_frame *f = ASY_CORO_NEW(cancel_and_wait_frame, cancel_and_wait_body, "_cancel_and_wait");
    f->fut = fut;
    asy_gen_set_clear(&f->co, cancel_and_wait_clear);
    return &f->co;
}

typedef struct {
    asy_coro co;
    void *aw;                   /* what to wait for, until ensure_future (owned) */
    double timeout;
    asy_future *fut;            /* the inner future or task (owned) */
    asy_future *waiter;         /* completed by the timer or by fut (owned) */
    asy_handle *timeout_handle; /* the timer (owned) */
    asy_exc *cancelled;         /* our own CancelledError, kept across an await (owned) */
} wait_for_frame;

/* return fut.result(): fut's value, or raise its exception. */
static asy_status return_result(asy_coro *co, asy_future *fut)
{
    asy_value v;
    asy_exc *e = asy_future_result(fut, &v);
    if (e != NULL)
        ASY_RAISE(co, e);
    ASY_RETURN(co, v);
}

/* try: return fut.result()
 * except CancelledError as exc: raise TimeoutError() from exc */
static asy_status return_result_or_timeout(asy_coro *co, asy_future *fut)
{
    asy_value v;
    asy_exc *e = asy_future_result(fut, &v);
    if (e == NULL)
        ASY_RETURN(co, v);
    if (asy_exc_is(e, &asy_CancelledError)) {
        asy_exc *timeout = asy_exc_new(&asy_TimeoutError, NULL);
        asy_exc_set_cause(timeout, e);
        asy_decref(e);
        e = timeout;
    }
    ASY_RAISE(co, e);
}

/*
 * The wiring while it waits (diagrams/16-wait-for.dot):
 *
 *     timer --call_later(timeout)--> release_waiter(waiter) --+
 *     inner fut --done callback----> release_waiter(waiter) --+--> waiter done
 *     the wait_for's task awaits waiter                           (wakes us)
 *
 * When the waiter wakes us, either the inner is done (return its result)
 * or the timer fired (cancel the inner, wait for it, TimeoutError).
 */
/* fut = ensure_future(aw): a coroutine becomes a task. NULL or the error. */
static asy_exc *ensure_inner(wait_for_frame *f, asy_loop *loop)
{
    asy_exc *err = NULL;
    void *aw = f->aw;
    f->aw = NULL;
    f->fut = asy_ensure_future(aw, loop, &err);
    return err;
}

/* Arm the race: a timer and the inner's done callback both release the
 * waiter that the wait_for awaits. */
static void arm(wait_for_frame *f, asy_loop *loop)
{
    f->waiter = asy_future_new(loop);
    f->timeout_handle = asy_loop_call_later(loop, f->timeout, release_waiter, asy_future_value(f->waiter), NULL);
    asy_decref(asy_future_add_done_callback(f->fut, release_waiter_on_done, asy_future_value(f->waiter)));
}

static asy_status wait_for_body(asy_coro *co)
{
    wait_for_frame *f = (wait_for_frame *)co;
    asy_loop *loop = asy_get_running_loop(NULL); /* above ASY_BEGIN: runs on every resume */
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    if (loop == NULL) {
        asy_get_running_loop(&err); /* RuntimeError: no running event loop */
        ASY_RAISE(co, err);
    }
    if (asy_is_no_timeout(f->timeout)) {
        /* if timeout is None: return await fut */
        void *aw = f->aw;
        f->aw = NULL;
        ASY_AWAIT(co, aw);
        ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    }
    err = ensure_inner(f, loop);
    if (err != NULL)
        ASY_RAISE(co, err);
    if (f->timeout <= 0) {
        /* No time at all: done already, or cancelled at once. */
        if (asy_future_done(f->fut))
            return return_result(co, f->fut);
        ASY_AWAIT(co, cancel_and_wait(asy_incref(f->fut)));
        return return_result_or_timeout(co, f->fut);
    }
    arm(f, loop);

    /* wait until the future completes or the timeout */
    ASY_AWAIT_TRY(co, asy_incref(f->waiter));
    if (ASY_EXC(co) != NULL) {
        /* We were cancelled (or closed) while waiting. */
        if (!asy_exc_is(ASY_EXC(co), &asy_CancelledError))
            ASY_RERAISE(co); /* GeneratorExit: no awaiting now */
        if (asy_future_done(f->fut)) {
            /* The inner finished in the same turn: its result wins. */
            asy_decref(ASY_CATCH(co));
            return return_result(co, f->fut);
        }
        /* The inner must not outlive wait_for (bpo-32751): cancel it and
         * wait until it has finished, then let our CancelledError out. First
         * take our callback off it: nobody awaits our waiter any more. */
        forget_waiter(f->fut, f->waiter);
        f->cancelled = ASY_CATCH(co);
        ASY_AWAIT(co, cancel_and_wait(asy_incref(f->fut)));
        {
            asy_exc *e = f->cancelled;
            f->cancelled = NULL;
            ASY_RAISE(co, e);
        }
    }
    if (asy_future_done(f->fut))
        return return_result(co, f->fut); /* the inner won the race */

    /* The timer fired: take our callback off the inner, cancel it and
     * wait until it has finished (its cleanup runs now, before the caller
     * hears about the timeout). */
    forget_waiter(f->fut, f->waiter);
    ASY_AWAIT(co, cancel_and_wait(asy_incref(f->fut)));
    /* It may have refused to die, or failed in its cleanup (bpo-40607):
     * then that is the outcome. Only a real cancellation is a timeout. */
    return return_result_or_timeout(co, f->fut);
    ASY_END(co);
}

/* finally: timeout_handle.cancel() -- clear runs whenever the coroutine
 * finishes, however it finishes. */
static void wait_for_clear(asy_gen *g)
{
    wait_for_frame *f = (wait_for_frame *)g;
    if (f->timeout_handle != NULL)
        asy_handle_cancel(f->timeout_handle);
    asy_decref(f->timeout_handle);
    f->timeout_handle = NULL;
    if (f->aw != NULL) {
        /* Never started: close an unawaited coroutine quietly, as a task
         * would have closed it. */
        if (asy_iscoroutine(f->aw))
            asy_decref(asy_gen_close(f->aw));
        asy_decref(f->aw);
        f->aw = NULL;
    }
    asy_decref(f->fut);
    asy_decref(f->waiter);
    asy_decref(f->cancelled);
    f->fut = f->waiter = NULL;
    f->cancelled = NULL;
}

asy_coro *asy_wait_for(void *aw, double timeout)
{
    if (aw == NULL)
        return asy__coro_null("wait_for", "an awaitable");
    wait_for_frame *f = ASY_CORO_NEW(wait_for_frame, wait_for_body, "wait_for");
    f->aw = aw;
    f->timeout = timeout;
    asy_gen_set_clear(&f->co, wait_for_clear);
    return &f->co;
}
