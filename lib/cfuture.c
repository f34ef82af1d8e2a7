/*
 * cfuture.c - the thread-safe future and run_coroutine_threadsafe
 * (chapter 29). Every field of a future is read and written under its
 * mutex; done callbacks are called after the mutex is released, so that a
 * callback may use the future (or take other locks) freely.
 */
#include "cfuture.h"
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "future.h"
#include "task.h"

typedef struct done_cb {
    asy_cfuture_done_fn fn;
    void *arg;
} done_cb;

struct asy_cfuture {
    atomic_long refs;
    pthread_mutex_t lock;
    pthread_cond_t cond;       /* broadcast when the future is done */
    asy_cfuture_state state;
    asy_value result;          /* FINISHED without exception: owned */
    asy_exc *exc;              /* FINISHED with an exception: owned */
    done_cb *cbs;
    size_t ncbs, cbs_cap;
};

/* ---- values that cross threads ----
 * An object's reference count is not atomic, so an object must never be
 * reachable from two threads at once. What a thread-safe future hands out
 * is therefore a COPY of what it holds, made under its mutex: a str is
 * copied, an exception is rebuilt (type, message, value, cause, context),
 * plain values (ints, floats, None) need nothing. The future's own objects
 * are touched only under its mutex, and freed by whoever drops the last
 * reference to it. Other objects cannot be copied here: they are shared,
 * and the rule is the caller's (one thread at a time; cfuture.h). */
static asy_value thread_copy(asy_value v, int depth);

static asy_exc *exc_thread_copy(asy_exc *e, int depth)
{
    if (e == NULL)
        return NULL;
    if (depth > 16)
        return asy_incref(e);
    asy_exc *c = asy_exc_new(e->type, "%s", e->msg);
    c->value = thread_copy(e->value, depth + 1);
    c->cause = exc_thread_copy(e->cause, depth + 1);
    c->context = exc_thread_copy(e->context, depth + 1);
    return c;
}

static asy_value thread_copy(asy_value v, int depth)
{
    if (asy_is_str(v))
        return asy_str(asy_str_cstr(v));
    asy_exc *e = asy_value_exc(v);
    if (e != NULL)
        return asy_obj_value(exc_thread_copy(e, depth));
    return asy_value_incref(v);
}

asy_cfuture *asy_cfuture_new(void)
{
    asy_cfuture *f = calloc(1, sizeof *f);
    if (f == NULL)
        asy_out_of_memory("a concurrent future");
    atomic_init(&f->refs, 1);
    pthread_mutex_init(&f->lock, NULL);
    /* result(timeout) measures its deadline on the monotonic clock, which
     * a change of the wall clock cannot move. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cond, &attr);
    pthread_condattr_destroy(&attr);
    f->state = ASY_CFUTURE_PENDING;
    f->result = asy_none();
    return f;
}

asy_cfuture *asy_cfuture_incref(asy_cfuture *fut)
{
    if (fut != NULL)
        atomic_fetch_add_explicit(&fut->refs, 1, memory_order_relaxed);
    return fut;
}

void asy_cfuture_decref(asy_cfuture *fut)
{
    if (fut == NULL || atomic_fetch_sub_explicit(&fut->refs, 1, memory_order_acq_rel) != 1)
        return;
    asy_value_decref(fut->result);
    asy_decref(fut->exc);
    free(fut->cbs);
    pthread_cond_destroy(&fut->cond);
    pthread_mutex_destroy(&fut->lock);
    free(fut);
}

asy_cfuture_state asy_cfuture_get_state(asy_cfuture *fut)
{
    if (fut == NULL)
        return ASY_CFUTURE_PENDING;
    pthread_mutex_lock(&fut->lock);
    asy_cfuture_state s = fut->state;
    pthread_mutex_unlock(&fut->lock);
    return s;
}

bool asy_cfuture_done(asy_cfuture *fut)
{
    asy_cfuture_state s = asy_cfuture_get_state(fut);
    return s == ASY_CFUTURE_FINISHED || s == ASY_CFUTURE_CANCELLED;
}
bool asy_cfuture_cancelled(asy_cfuture *fut) { return asy_cfuture_get_state(fut) == ASY_CFUTURE_CANCELLED; }
bool asy_cfuture_running(asy_cfuture *fut) { return asy_cfuture_get_state(fut) == ASY_CFUTURE_RUNNING; }

/* Called with the lock held, right after the state became done: wake the
 * waiters, take the callbacks out, release the lock, run them. */
static void finish_locked(asy_cfuture *fut)
{
    pthread_cond_broadcast(&fut->cond);
    done_cb *cbs = fut->cbs;
    size_t n = fut->ncbs;
    fut->cbs = NULL;
    fut->ncbs = fut->cbs_cap = 0;
    pthread_mutex_unlock(&fut->lock);
    for (size_t i = 0; i < n; i++)
        cbs[i].fn(fut, cbs[i].arg);
    free(cbs);
}

bool asy_cfuture_cancel(asy_cfuture *fut)
{
    if (fut == NULL)
        return false;
    pthread_mutex_lock(&fut->lock);
    if (fut->state == ASY_CFUTURE_RUNNING || fut->state == ASY_CFUTURE_FINISHED) {
        pthread_mutex_unlock(&fut->lock);
        return false;
    }
    if (fut->state == ASY_CFUTURE_CANCELLED) {
        pthread_mutex_unlock(&fut->lock);
        return true;
    }
    fut->state = ASY_CFUTURE_CANCELLED;
    finish_locked(fut);
    return true;
}

bool asy_cfuture_set_running_or_notify_cancel(asy_cfuture *fut)
{
    if (fut == NULL)
        return false;
    pthread_mutex_lock(&fut->lock);
    bool ok = fut->state == ASY_CFUTURE_PENDING;
    if (ok)
        fut->state = ASY_CFUTURE_RUNNING;
    /* CANCELLED: cancel() already woke the waiters and ran the callbacks. */
    pthread_mutex_unlock(&fut->lock);
    return ok;
}

static asy_exc *complete(asy_cfuture *fut, asy_value v, asy_exc *e)
{
    if (fut == NULL) {
        asy_value_decref(v);
        asy_decref(e);
        return asy__null_error("a concurrent future");
    }
    pthread_mutex_lock(&fut->lock);
    if (fut->state == ASY_CFUTURE_CANCELLED || fut->state == ASY_CFUTURE_FINISHED) {
        asy_cfuture_state s = fut->state;
        pthread_mutex_unlock(&fut->lock);
        asy_value_decref(v);
        asy_decref(e);
        return asy_exc_new(&asy_InvalidStateError, "%s: <Future state=%s>",
                           s == ASY_CFUTURE_CANCELLED ? "CANCELLED" : "FINISHED",
                           s == ASY_CFUTURE_CANCELLED ? "cancelled" : "finished");
    }
    fut->state = ASY_CFUTURE_FINISHED;
    fut->result = v;
    fut->exc = e;
    finish_locked(fut);
    return NULL;
}

asy_exc *asy_cfuture_set_result(asy_cfuture *fut, asy_value v) { return complete(fut, v, NULL); }

asy_exc *asy_cfuture_set_exception(asy_cfuture *fut, asy_exc *e)
{
    if (e == NULL)
        return complete(fut, asy_none(), asy__null_error("an exception"));
    return complete(fut, asy_none(), e);
}

/* Wait (lock held) until done or the timeout passes; true when done. */
static bool wait_done_locked(asy_cfuture *fut, double timeout)
{
    bool forever = asy_is_no_timeout(timeout);
    struct timespec deadline;
    if (!forever) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        double t = timeout > 0 && !isnan(timeout) ? timeout : 0.0;
        if (t > 1e9)
            t = 1e9;
        double whole = floor(t);
        deadline.tv_sec += (time_t)whole;
        deadline.tv_nsec += (long)((t - whole) * 1e9);
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    while (fut->state != ASY_CFUTURE_CANCELLED && fut->state != ASY_CFUTURE_FINISHED) {
        if (forever) {
            pthread_cond_wait(&fut->cond, &fut->lock);
        } else if (pthread_cond_timedwait(&fut->cond, &fut->lock, &deadline) == ETIMEDOUT) {
            return fut->state == ASY_CFUTURE_CANCELLED || fut->state == ASY_CFUTURE_FINISHED;
        }
    }
    return true;
}

/* What a done future raises, or NULL (lock held). */
static asy_exc *outcome_locked(asy_cfuture *fut, bool *done, double timeout)
{
    *done = wait_done_locked(fut, timeout);
    if (!*done)
        return asy_exc_new(&asy_TimeoutError, "%s", "");
    if (fut->state == ASY_CFUTURE_CANCELLED)
        return asy_exc_new(&asy_CancelledError, "%s", "");
    return NULL;
}

asy_exc *asy_cfuture_result(asy_cfuture *fut, double timeout, asy_value *out)
{
    *out = asy_none();
    if (fut == NULL)
        return asy__null_error("a concurrent future");
    bool done;
    pthread_mutex_lock(&fut->lock);
    asy_exc *e = outcome_locked(fut, &done, timeout);
    if (e == NULL) {
        if (fut->exc != NULL)
            e = exc_thread_copy(fut->exc, 0);
        else
            *out = thread_copy(fut->result, 0);
    }
    pthread_mutex_unlock(&fut->lock);
    return e;
}

asy_exc *asy_cfuture_exception(asy_cfuture *fut, double timeout, asy_exc **out)
{
    *out = NULL;
    if (fut == NULL)
        return asy__null_error("a concurrent future");
    bool done;
    pthread_mutex_lock(&fut->lock);
    asy_exc *e = outcome_locked(fut, &done, timeout);
    if (e == NULL && fut->exc != NULL)
        *out = exc_thread_copy(fut->exc, 0);
    pthread_mutex_unlock(&fut->lock);
    return e;
}

void asy_cfuture_add_done_callback(asy_cfuture *fut, asy_cfuture_done_fn fn, void *arg)
{
    if (fut == NULL || fn == NULL)
        return;
    pthread_mutex_lock(&fut->lock);
    if (fut->state == ASY_CFUTURE_CANCELLED || fut->state == ASY_CFUTURE_FINISHED) {
        pthread_mutex_unlock(&fut->lock);
        fn(fut, arg); /* already done: at once, in this thread */
        return;
    }
    if (fut->ncbs == fut->cbs_cap) {
        size_t cap = fut->cbs_cap ? fut->cbs_cap * 2 : 2;
        done_cb *cbs = realloc(fut->cbs, cap * sizeof *cbs);
        if (cbs == NULL)
            asy_out_of_memory("a concurrent future's callbacks");
        fut->cbs = cbs;
        fut->cbs_cap = cap;
    }
    fut->cbs[fut->ncbs++] = (done_cb){fn, arg};
    pthread_mutex_unlock(&fut->lock);
}

/* ---- run_coroutine_threadsafe ----
 * A `chain` ties the task (on the loop) to the thread-safe future. It is
 * reached from two sides, each holding one count of `refs`:
 *   - the loop side: the task's done callback (its argument, a chain_ref
 *     with loop_side set, owns the task reference; it is released on the
 *     loop's thread, after the callback ran or when the loop drops it);
 *   - the other side: the thread-safe future's done callback, which may
 *     run in any thread; if the future was cancelled, it passes its count
 *     on to a call_soon_threadsafe that cancels the task on the loop.
 * The last one out frees the chain and drops its reference to the future. */
typedef struct chain {
    atomic_int refs;
    asy_loop *loop;      /* borrowed: the loop outlives its tasks' callbacks */
    asy_task *task;      /* owned; touched on the loop's thread only */
    asy_cfuture *cf;     /* owned */
} chain;

static void chain_drop(chain *c)
{
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
        return;
    asy_cfuture_decref(c->cf);
    free(c);
}

typedef struct chain_ref {
    asy_obj ob;
    chain *c;
    bool loop_side;
} chain_ref;

static void chain_ref_dealloc(asy_obj *self)
{
    chain_ref *r = (chain_ref *)self;
    if (r->loop_side) {
        asy_decref(r->c->task);
        r->c->task = NULL;
    }
    chain_drop(r->c);
    asy_obj_free(r);
}

static const asy_type chain_ref_type = {.name = "_chain", .dealloc = chain_ref_dealloc};

static asy_value chain_ref_new(chain *c, bool loop_side)
{
    chain_ref *r = asy_obj_new(&chain_ref_type, sizeof(chain_ref));
    r->c = c;
    r->loop_side = loop_side;
    return asy_obj_value(r);
}

/* On the loop: the thread-safe future was cancelled, cancel the task. */
static asy_exc *cancel_task_on_loop(asy_value arg)
{
    chain *c = ((chain_ref *)arg.u.o)->c;
    if (c->task != NULL)
        asy_task_cancel(c->task, NULL);
    return NULL;
}

/* Any thread: the thread-safe future is done (CPython's _call_check_cancel). */
static void cf_done(asy_cfuture *cf, void *arg)
{
    chain *c = arg;
    if (!asy_cfuture_cancelled(cf)) {
        chain_drop(c);
        return;
    }
    asy_exc *e = asy_loop_call_soon_threadsafe(c->loop, cancel_task_on_loop, chain_ref_new(c, false));
    asy_decref(e); /* a closed loop: nothing left to cancel (the ref was released) */
}

/* On the loop: the task is done; copy its outcome (CPython's
 * _set_concurrent_future_state). */
static asy_exc *task_done(asy_future *task, asy_value arg)
{
    chain *c = ((chain_ref *)arg.u.o)->c;
    if (asy_future_cancelled(task))
        asy_cfuture_cancel(c->cf);
    if (!asy_cfuture_set_running_or_notify_cancel(c->cf))
        return NULL;
    asy_exc *exc = NULL;
    asy_exc *e = asy_future_exception(task, &exc);
    asy_decref(e); /* cannot happen: the task is done and not cancelled */
    /* The task keeps its own: the other thread gets copies. */
    if (exc != NULL) {
        asy_decref(asy_cfuture_set_exception(c->cf, exc_thread_copy(exc, 0)));
        asy_decref(exc);
    } else {
        asy_value v;
        asy_decref(asy_future_result(task, &v));
        asy_decref(asy_cfuture_set_result(c->cf, thread_copy(v, 0)));
        asy_value_decref(v);
    }
    return NULL;
}

typedef struct starter {
    asy_obj ob;
    asy_loop *loop;   /* borrowed */
    asy_coro *coro;   /* owned until the task takes it */
    asy_cfuture *cf;  /* owned */
} starter;

static void starter_dealloc(asy_obj *self)
{
    starter *s = (starter *)self;
    asy_decref(s->coro); /* never started: "was never awaited", as in CPython */
    asy_cfuture_decref(s->cf);
    asy_obj_free(s);
}

static const asy_type starter_type = {.name = "_run_coroutine_threadsafe", .dealloc = starter_dealloc};

/* On the loop: make the task and chain it to the thread-safe future. */
static asy_exc *start_on_loop(asy_value arg)
{
    starter *s = (starter *)arg.u.o;
    asy_exc *err;
    asy_coro *coro = s->coro;
    s->coro = NULL;
    asy_task *t = asy_loop_create_task(s->loop, coro, NULL, &err);
    if (t == NULL) {
        if (asy_cfuture_set_running_or_notify_cancel(s->cf))
            asy_decref(asy_cfuture_set_exception(s->cf, exc_thread_copy(err, 0)));
        return err; /* and the loop reports it, as CPython's callback re-raises */
    }
    chain *c = malloc(sizeof *c);
    if (c == NULL)
        asy_out_of_memory("a future chain");
    atomic_init(&c->refs, 2);
    c->loop = s->loop;
    c->task = t;
    c->cf = asy_cfuture_incref(s->cf);
    asy_cfuture_add_done_callback(c->cf, cf_done, c);
    asy_exc *e = asy_future_add_done_callback((asy_future *)t, task_done, chain_ref_new(c, true));
    return e;
}

asy_cfuture *asy_run_coroutine_threadsafe(asy_coro *coro, asy_loop *loop, asy_exc **error)
{
    asy_exc *e = NULL;
    asy_cfuture *cf = NULL;
    if (coro == NULL || !asy_iscoroutine(coro)) {
        asy_decref(coro);
        e = asy_exc_new(&asy_TypeError, "A coroutine object is required");
    } else if (loop == NULL) {
        asy_decref(coro);
        e = asy__null_error("an event loop");
    } else {
        cf = asy_cfuture_new();
        starter *s = asy_obj_new(&starter_type, sizeof(starter));
        s->loop = loop;
        s->coro = coro;
        s->cf = asy_cfuture_incref(cf);
        e = asy_loop_call_soon_threadsafe(loop, start_on_loop, asy_obj_value(s));
        if (e != NULL) {
            asy_cfuture_decref(cf);
            cf = NULL;
        }
    }
    if (error != NULL)
        *error = e;
    else
        asy_decref(e);
    return cf;
}
