/*
 * future.c - futures (chapter 11).
 */
#include "future.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const asy_exc_type asy_CancelledError = {"CancelledError", &asy_BaseException};
const asy_exc_type asy_InvalidStateError = {"InvalidStateError", &asy_Exception};

static void future_dealloc(asy_obj *self);
static int future_format(asy_obj *self, char *buf, size_t size, bool repr);
static asy_result future_iter_send(asy_obj *self, asy_value v);
static asy_result future_iter_throw(asy_obj *self, asy_exc *e);
static asy_exc *future_iter_close(asy_obj *self);

const asy_iter_ops asy__future_iter_ops = {future_iter_send, future_iter_throw, future_iter_close};

const asy_type asy_future_type = {
    .name = "Future", .dealloc = future_dealloc, .format = future_format, .iter = &asy__future_iter_ops};

static void dispatch_run(asy_ready *item);
static void dispatch_release(asy_ready *item);

void asy__future_init(asy_future *fut, asy_loop *loop)
{
    /* The rest is zero already (asy_obj_new): PENDING, a None result, no
     * exception, no callbacks. */
    fut->loop = asy_incref(loop);
    asy_ilist_init(&fut->dispatch.link);
}

asy_future *asy_future_new(asy_loop *loop)
{
    if (loop == NULL)
        loop = asy_get_running_loop(NULL); /* Future() with no loop given */
    asy_future *fut = asy__obj_new_sized(&asy_future_type, sizeof(asy_future)); /* one per await that waits */
    asy__future_init(fut, loop);
    return fut;
}

bool asy_isfuture(const void *obj) { return asy_isinstance(obj, &asy_future_type); }

asy_future *asy_value_future(asy_value v)
{
    return v.kind == ASY_OBJ && asy_isfuture(v.u.o) ? (asy_future *)v.u.o : NULL;
}

asy_future_state asy_future_get_state(const asy_future *fut)
{
    return fut != NULL ? (asy_future_state)fut->state : ASY_FUTURE_PENDING;
}
bool asy_future_done(const asy_future *fut) { return fut != NULL && fut->state != ASY_FUTURE_PENDING; }
bool asy_future_cancelled(const asy_future *fut) { return fut != NULL && fut->state == ASY_FUTURE_CANCELLED; }

asy_exc *asy_future_make_cancelled_error(asy_future *fut)
{
    return asy_future_cancelled(fut) ? asy_incref(fut->exc) : NULL;
}

asy_exc *asy_future_result(asy_future *fut, asy_value *out)
{
    if (out == NULL) { /* only the error is wanted */
        asy_value v;
        asy_exc *e = asy_future_result(fut, &v);
        asy_value_decref(v);
        return e;
    }
    *out = asy_none();
    if (fut == NULL)
        return asy__null_error("a Future");
    switch ((asy_future_state)fut->state) {
    case ASY_FUTURE_PENDING:
        return asy_exc_new(&asy_InvalidStateError, "Result is not set.");
    case ASY_FUTURE_CANCELLED:
        return asy_future_make_cancelled_error(fut);
    case ASY_FUTURE_FINISHED:
        break;
    }
    fut->log_exception = false; /* someone has looked */
    if (fut->exc != NULL)
        return asy_incref(fut->exc);
    *out = asy_value_incref(fut->result);
    return NULL;
}

asy_exc *asy_future_exception(asy_future *fut, asy_exc **out)
{
    if (out == NULL) { /* only the error is wanted */
        asy_exc *x;
        asy_exc *e = asy_future_exception(fut, &x);
        asy_decref(x);
        return e;
    }
    *out = NULL;
    if (fut == NULL)
        return asy__null_error("a Future");
    switch ((asy_future_state)fut->state) {
    case ASY_FUTURE_PENDING:
        return asy_exc_new(&asy_InvalidStateError, "Exception is not set.");
    case ASY_FUTURE_CANCELLED:
        return asy_future_make_cancelled_error(fut);
    case ASY_FUTURE_FINISHED:
        break;
    }
    fut->log_exception = false;
    *out = asy_incref(fut->exc);
    return NULL;
}

/* Let the registered callbacks go without running them. */
static void drop_callbacks(asy_future *fut)
{
    for (size_t i = 0; i < fut->ncbs; i++)
        asy_value_decref(i == 0 ? fut->cb0.arg : fut->cbs[i - 1].arg);
    free(fut->cbs);
    fut->cbs = NULL;
    fut->cb0.arg = asy_none();
    fut->ncbs = 0;
}

/* The future is done: hand the callbacks registered so far to the loop.
 * They run at the next turn, in registration order, through the future's
 * own ready item (no allocation). The loop holds a reference meanwhile.
 * A closed loop can run nothing: as CPython's __schedule_callbacks, which
 * empties the list before its call_soon raises, the callbacks are dropped
 * and the error returned (new reference). */
static __attribute__((noinline, cold)) asy_exc *refuse_callbacks(asy_future *fut)
{
    drop_callbacks(fut);
    return fut->loop == NULL ? asy__null_error("an event loop")
                             : asy_exc_new(&asy_RuntimeError, "Event loop is closed");
}

static inline asy_exc *schedule_callbacks(asy_future *fut)
{
    if (fut->ncbs == 0)
        return NULL;
    /* Set each time: a task lends this same item to its steps while it is
     * pending (task.c), and a pending task has no callbacks to run yet. */
    fut->dispatch.run = dispatch_run;
    fut->dispatch.release = dispatch_release;
    if (__builtin_expect(asy__loop_schedule_open(fut->loop, &fut->dispatch), 1)) {
        asy_incref(fut); /* the queue's reference */
        return NULL;
    }
    return refuse_callbacks(fut);
}

static asy_done_callback *callback_at(asy_future *fut, size_t i)
{
    return i == 0 ? &fut->cb0 : &fut->cbs[i - 1];
}

/* A done callback failed: the loop's exception handler hears of it. */
static void report_callback_error(asy_future *fut, const asy_done_callback *cb, asy_exc *e)
{
    char msg[ASY_FMT_MAX];
    snprintf(msg, sizeof msg, "Exception in callback %s(%s)", cb->name, ASY_REPR(asy_obj_value(fut)));
    asy_error_context ctx = {msg, e, asy_obj_value(fut)};
    asy_loop_call_exception_handler(fut->loop, &ctx);
    asy_decref(e);
}

static void run_callbacks(asy_future *fut);

static void dispatch_run(asy_ready *item)
{
    asy_future *fut = ASY_CONTAINER_OF(item, asy_future, dispatch);
    if (fut->ncbs != 1) {
        run_callbacks(fut);
        return;
    }
    /* The common case, one callback (a task waiting for the future) */
    asy_done_callback cb = {fut->cb0.fn, fut->cb0.name, fut->cb0.arg};
    fut->ncbs = 0;
    fut->cb0.arg.kind = ASY_NONE;
    asy_exc *e = cb.fn(fut, cb.arg);
    if (e != NULL)
        report_callback_error(fut, &cb, e);
    asy_value_decref(cb.arg);
}

static void __attribute__((noinline)) run_callbacks(asy_future *fut)
{
    /* Detach the list first: a callback may add new ones (scheduled on
     * their own) or drop the last other reference to the future. */
    size_t n = fut->ncbs;
    asy_done_callback first = fut->cb0, *rest = fut->cbs;
    fut->ncbs = 0;
    fut->cbs = NULL;
    fut->cb0.arg = asy_none();
    for (size_t i = 0; i < n; i++) {
        asy_done_callback *cb = i == 0 ? &first : &rest[i - 1];
        asy_exc *e = cb->fn(fut, cb->arg);
        if (e != NULL)
            report_callback_error(fut, cb, e);
        asy_value_decref(cb->arg);
    }
    if (rest != NULL)
        free(rest);
}

static void dispatch_release(asy_ready *item)
{
    asy_decref(ASY_CONTAINER_OF(item, asy_future, dispatch));
}

static const asy_future_methods *methods_of(const asy_future *fut)
{
    return fut->ob.type->methods;
}

/* A task's outcome is its coroutine's to decide (Python raises the same). */
static asy_exc *refuse_outside_completion(asy_future *fut, const char *op)
{
    if (fut->ob.type == &asy_future_type)
        return NULL;
    const asy_future_methods *m = methods_of(fut);
    if (m == NULL || !m->completes_itself)
        return NULL;
    return asy_exc_new(&asy_RuntimeError, "%s does not support %s operation", fut->ob.type->name, op);
}

static __attribute__((noinline)) asy_exc *set_result_checked(asy_future *fut, asy_value v);

asy_exc *asy_future_set_result(asy_future *fut, asy_value v)
{
    /* A plain Future cannot refuse: straight on (the checks are below). */
    if (__builtin_expect(fut != NULL && fut->ob.type == &asy_future_type, 1))
        return asy__future_set_result_base(fut, v);
    return set_result_checked(fut, v);
}

static asy_exc *set_result_checked(asy_future *fut, asy_value v)
{
    if (fut == NULL) {
        asy_value_decref(v);
        return asy__null_error("a Future");
    }
    asy_exc *refused = refuse_outside_completion(fut, "set_result");
    if (refused != NULL) {
        asy_value_decref(v);
        return refused;
    }
    return asy__future_set_result_base(fut, v);
}

asy_exc *asy_future_set_exception(asy_future *fut, asy_exc *e)
{
    if (fut == NULL) {
        asy_decref(e);
        return asy__null_error("a Future");
    }
    asy_exc *refused = refuse_outside_completion(fut, "set_exception");
    if (refused != NULL) {
        asy_decref(e);
        return refused;
    }
    return asy__future_set_exception_base(fut, e);
}

static __attribute__((noinline, cold)) asy_exc *invalid_state(asy_value v)
{
    asy_value_decref(v);
    return asy_exc_new(&asy_InvalidStateError, "invalid state");
}

asy_exc *asy__future_set_result_base(asy_future *fut, asy_value v)
{
    if (__builtin_expect(fut->state != ASY_FUTURE_PENDING, 0))
        return invalid_state(v);
    fut->result.kind = v.kind; /* field by field: see add_done_callback */
    fut->result.u = v.u;
    fut->state = ASY_FUTURE_FINISHED;
    return schedule_callbacks(fut);
}

asy_exc *asy__future_set_exception_base(asy_future *fut, asy_exc *e)
{
    if (fut->state != ASY_FUTURE_PENDING) {
        asy_decref(e);
        return asy_exc_new(&asy_InvalidStateError, "invalid state");
    }
    if (e == NULL)
        return asy__null_error("an exception");
    if (asy_exc_is(e, &asy_StopIteration)) {
        asy_decref(e);
        return asy_exc_new(&asy_TypeError,
                           "StopIteration interacts badly with generators and cannot be raised into a Future");
    }
    fut->exc = e;
    fut->log_exception = true;
    fut->state = ASY_FUTURE_FINISHED;
    return schedule_callbacks(fut);
}

bool asy_future_cancel(asy_future *fut, const char *msg)
{
    if (fut == NULL)
        return false;
    const asy_future_methods *m = methods_of(fut);
    return m != NULL && m->cancel != NULL ? m->cancel(fut, msg) : asy__future_cancel_base(fut, msg);
}

bool asy__future_cancel_base(asy_future *fut, const char *msg)
{
    if (fut->state != ASY_FUTURE_PENDING)
        return false;
    fut->state = ASY_FUTURE_CANCELLED;
    /* Made once, now: result() and exception() raise this one. */
    fut->exc = msg != NULL ? asy_exc_new(&asy_CancelledError, "%s", msg) : asy_exc_new(&asy_CancelledError, NULL);
    asy_decref(schedule_callbacks(fut)); /* see future.h: a bool cannot carry it */
    return true;
}

/* A callback added to a done future: scheduled on its own with call_soon
 * (so it runs after whatever is already queued, as in Python). */
typedef struct {
    asy_obj ob;
    asy_future *fut;
    asy_done_callback cb;
} late_callback;

static void late_dealloc(asy_obj *self)
{
    late_callback *lc = (late_callback *)self;
    asy_decref(lc->fut);
    asy_value_decref(lc->cb.arg);
    asy_obj_free(lc);
}

static int late_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    late_callback *lc = (late_callback *)self;
    return snprintf(buf, size, "%s", ASY_REPR(asy_obj_value(lc->fut)));
}

static const asy_type late_type = {.name = "done callback", .dealloc = late_dealloc, .format = late_format};

static asy_exc *run_late_callback(asy_value arg)
{
    late_callback *lc = (late_callback *)arg.u.o;
    return lc->cb.fn(lc->fut, lc->cb.arg);
}

static __attribute__((noinline)) asy_exc *add_done_callback_more(asy_future *fut, asy_done_fn fn,
                                                                  const char *name, asy_value arg);

asy_exc *asy__future_add_done_callback(asy_future *fut, asy_done_fn fn, const char *name, asy_value arg)
{
    /* The common case first, with no call: the first callback of a pending
     * future (a task starting to wait) goes to the inline slot. Field by
     * field: a whole-struct copy is made through a stack slot and stalls
     * (store forwarding) on the await path. */
    if (__builtin_expect(fut != NULL && fn != NULL && fut->state == ASY_FUTURE_PENDING && fut->ncbs == 0, 1)) {
        fut->cb0.fn = fn;
        fut->cb0.name = name != NULL ? name : "<callback>";
        fut->cb0.arg.kind = arg.kind;
        fut->cb0.arg.u = arg.u;
        fut->ncbs = 1;
        return NULL;
    }
    return add_done_callback_more(fut, fn, name, arg);
}

/* Every other case: NULLs, a done future, a second callback. */
static asy_exc *add_done_callback_more(asy_future *fut, asy_done_fn fn, const char *name, asy_value arg)
{
    if (fut == NULL || fn == NULL) {
        asy_value_decref(arg);
        return asy__null_error(fut == NULL ? "a Future" : "a callback");
    }
    asy_done_callback cb = {fn, name != NULL ? name : "<callback>", arg};
    if (fut->state != ASY_FUTURE_PENDING) {
        late_callback *lc = asy_obj_new(&late_type, sizeof(late_callback));
        lc->fut = asy_incref(fut);
        lc->cb = cb;
        asy_exc *err;
        asy_handle *h = asy__loop_call_soon(fut->loop, run_late_callback, name, asy_obj_value(lc), &err);
        asy_decref(h);
        return err; /* a closed loop: lc, and arg with it, already released */
    }
    /* Pending with one callback or more (the first went to cb0 above): the
     * k-th extra callback. The array holds 4 at first and doubles whenever
     * k reaches a power of two past that, so its capacity follows from the
     * count and need not be stored. */
    size_t k = fut->ncbs - 1;
    if (k == 0 || (k >= 4 && (k & (k - 1)) == 0)) {
        asy_done_callback *cbs = realloc(fut->cbs, (k == 0 ? 4 : 2 * k) * sizeof *cbs);
        if (cbs == NULL)
            asy_out_of_memory("a future's done callbacks");
        fut->cbs = cbs;
    }
    fut->cbs[k] = cb;
    fut->ncbs++;
    return NULL;
}

/* Is a the same value as b? Identity, not Python's ==: the same kind, and
 * the same object for ASY_OBJ (two equal strings are two closures), the
 * same bits for the others. */
static bool same_value(asy_value a, asy_value b)
{
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case ASY_NONE:
        return true;
    case ASY_BOOL:
        return a.u.b == b.u.b;
    case ASY_INT:
        return a.u.i == b.u.i;
    case ASY_FLOAT:
        return memcmp(&a.u.f, &b.u.f, sizeof a.u.f) == 0;
    case ASY_PTR:
        return a.u.p == b.u.p;
    case ASY_OBJ:
        return a.u.o == b.u.o;
    }
    return false;
}

/* Remove the pending registrations of fn (with argument *arg only, when
 * arg is not NULL), releasing their arguments; the others keep their
 * order. Compaction only moves callbacks down and shrinks ncbs, so the
 * array stays at least as large as the capacity the count implies, which
 * is all add_done_callback assumes. */
static size_t remove_callbacks(asy_future *fut, asy_done_fn fn, const asy_value *arg)
{
    /* Once done, its callbacks are scheduled (Python empties the list when
     * it schedules them): nothing is left to remove, and they still run. */
    if (fut == NULL || fut->state != ASY_FUTURE_PENDING)
        return 0;
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < fut->ncbs; i++) {
        asy_done_callback *cb = callback_at(fut, i);
        if (cb->fn == fn && (arg == NULL || same_value(cb->arg, *arg))) {
            asy_value_decref(cb->arg);
            removed++;
        } else {
            *callback_at(fut, kept++) = *cb;
        }
    }
    fut->ncbs = kept;
    if (kept == 0)
        fut->cb0.arg = asy_none();
    return removed;
}

size_t asy_future_remove_done_callback(asy_future *fut, asy_done_fn fn)
{
    return remove_callbacks(fut, fn, NULL);
}

size_t asy_future_remove_done_callback_arg(asy_future *fut, asy_done_fn fn, asy_value arg)
{
    return remove_callbacks(fut, fn, &arg);
}

/* ---- awaiting a future ----
 * await fut is yield from fut: the first send finds it pending and yields
 * the future itself (the task driving the chain will wait for it); the
 * send that resumes us finds it done and returns its result, or raises. */
/* Awaiting a future that failed or was cancelled: raise what result() does.
 * Outlined, so that the two common cases below need no stack frame. */
static __attribute__((noinline)) asy_result future_iter_raise(asy_future *fut)
{
    asy_value none;
    asy_exc *e = asy_future_result(fut, &none); /* CancelledError or the exception */
    return (asy_result){ASY_RAISED, none, e};
}

static asy_result future_iter_send(asy_obj *self, asy_value v)
{
    (void)v;
    asy_future *fut = (asy_future *)self;
    /* Each branch returns its result whole: this runs twice per await, and
     * a result assembled field by field in a local and then copied out
     * costs a store-forwarding stall each time. */
    if (fut->state == ASY_FUTURE_PENDING) {
        fut->blocking = true; /* "awaited, not yielded bare": the task checks */
        asy_incref(fut);
        return (asy_result){ASY_YIELDED, {ASY_OBJ, {.o = self}}, NULL};
    }
    if (fut->state == ASY_FUTURE_FINISHED && fut->exc == NULL) /* return self.result() */
        return (asy_result){ASY_RETURNED, asy_value_incref(fut->result), NULL};
    return future_iter_raise(fut);
}

static asy_result future_iter_throw(asy_obj *self, asy_exc *e)
{
    (void)self;
    asy_result r = {ASY_RAISED, asy_none(), asy_incref(e)};
    return r;
}

static asy_exc *future_iter_close(asy_obj *self)
{
    (void)self;
    return NULL;
}

/* ---- the object ---- */

int asy__future_format_state(asy_future *fut, char *buf, size_t size)
{
    switch ((asy_future_state)fut->state) {
    case ASY_FUTURE_PENDING:
        return snprintf(buf, size, "pending");
    case ASY_FUTURE_CANCELLED:
        return snprintf(buf, size, "cancelled");
    case ASY_FUTURE_FINISHED:
        break;
    }
    if (fut->exc != NULL)
        return snprintf(buf, size, "finished exception=%s", ASY_REPR(asy_obj_value(fut->exc)));
    return snprintf(buf, size, "finished result=%s", ASY_REPR(fut->result));
}

static int future_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    char state[ASY_FMT_MAX];
    asy__future_format_state((asy_future *)self, state, sizeof state);
    return snprintf(buf, size, "<Future %s>", state);
}

/* Someone set an exception and nobody ever asked for it. */
static __attribute__((noinline, cold)) void report_never_retrieved(asy_future *fut)
{
    char msg[64];
    snprintf(msg, sizeof msg, "%s exception was never retrieved", fut->ob.type->name);
    fut->ob.refcnt = 1; /* the handler may look at it (but not keep it) */
    asy_error_context ctx = {msg, fut->exc, asy_obj_value(fut)};
    asy_loop_call_exception_handler(fut->loop, &ctx);
    fut->ob.refcnt = 0;
}

/* Inline in future_dealloc: a future is freed at every await that waits. */
static __attribute__((noinline)) void release_rest(asy_future *fut)
{
    if (fut->log_exception && fut->exc != NULL && fut->loop != NULL)
        report_never_retrieved(fut);
    for (size_t i = 0; i < fut->ncbs; i++) /* callbacks that never ran */
        asy_value_decref(callback_at(fut, i)->arg);
    free(fut->cbs);
    fut->cbs = NULL;
    fut->ncbs = 0;
    asy_value_clear(&fut->result);
    asy_decref(fut->exc);
    fut->exc = NULL;
}

static inline void release_future(asy_future *fut)
{
    /* Most futures die done, their callbacks run, with no exception and a
     * result that is not an object: one test for all of that (| and not
     * ||: one branch), and the rest outlined. */
    if (__builtin_expect(fut->log_exception | (fut->ncbs != 0) | (fut->cbs != NULL) | (fut->exc != NULL) |
                             (fut->result.kind == ASY_OBJ),
                         0))
        release_rest(fut);
    asy_decref(fut->loop);
    fut->loop = NULL;
}

void asy__future_release(asy_future *fut) { release_future(fut); }

static void future_dealloc(asy_obj *self)
{
    release_future((asy_future *)self);
    asy__obj_free_sized(self, sizeof(asy_future)); /* only asy_future_type uses this dealloc */
}
