/*
 * executor.c - the thread pool, run_in_executor, to_thread and
 * shutdown_default_executor (chapter 29).
 */
#include "executor.h"
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "task.h"

/* ---- the pool ---- */

typedef struct work {
    struct work *next;
    asy_work_fn fn;
    asy_value arg;   /* owned */
    asy_cfuture *cf; /* owned */
} work;

struct asy_executor {
    pthread_mutex_t lock;
    pthread_cond_t cond;     /* signalled when work arrives or at shutdown */
    work *head, *tail;       /* the work queue, FIFO */
    int max_workers;
    int nthreads;            /* started */
    int idle;                /* workers that finished an item and were not claimed since */
    bool shutdown;
    bool joining;            /* one shutdown(wait) joins the threads */
    bool joined;
    pthread_t *threads;
};

/* Run one item in this (worker) thread. */
static void run_work(work *w)
{
    if (asy_cfuture_set_running_or_notify_cancel(w->cf)) {
        asy_value result = asy_none();
        asy_exc *e = w->fn(w->arg, &result);
        if (e != NULL) {
            asy_value_decref(result);
            asy_decref(asy_cfuture_set_exception(w->cf, e));
        } else {
            asy_decref(asy_cfuture_set_result(w->cf, result));
        }
    }
    asy_value_decref(w->arg);
    asy_cfuture_decref(w->cf);
    free(w);
}

static void *worker_main(void *arg)
{
    asy_executor *ex = arg;
    pthread_mutex_lock(&ex->lock);
    for (;;) {
        while (ex->head == NULL && !ex->shutdown)
            pthread_cond_wait(&ex->cond, &ex->lock);
        work *w = ex->head;
        if (w == NULL)
            break; /* shut down, and the queue is empty */
        ex->head = w->next;
        if (ex->head == NULL)
            ex->tail = NULL;
        pthread_mutex_unlock(&ex->lock);
        run_work(w);
        pthread_mutex_lock(&ex->lock);
        ex->idle++; /* CPython's _idle_semaphore.release() */
    }
    pthread_mutex_unlock(&ex->lock);
    return NULL;
}

static void set_error(asy_exc **error, asy_exc *e)
{
    if (error != NULL)
        *error = e;
    else
        asy_decref(e);
}

asy_executor *asy_executor_new(int max_workers, asy_exc **error)
{
    set_error(error, NULL);
    if (max_workers <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        max_workers = (int)(cpus > 0 ? cpus : 1) + 4;
        if (max_workers > 32)
            max_workers = 32;
    }
    asy_executor *ex = calloc(1, sizeof *ex);
    if (ex == NULL)
        asy_out_of_memory("an executor");
    ex->threads = calloc((size_t)max_workers, sizeof *ex->threads);
    if (ex->threads == NULL)
        asy_out_of_memory("an executor's threads");
    ex->max_workers = max_workers;
    pthread_mutex_init(&ex->lock, NULL);
    pthread_cond_init(&ex->cond, NULL);
    return ex;
}

asy_cfuture *asy_executor_submit(asy_executor *ex, asy_work_fn fn, asy_value arg, asy_exc **error)
{
    if (ex == NULL || fn == NULL) {
        asy_value_decref(arg);
        set_error(error, asy__null_error(ex == NULL ? "an executor" : "a function"));
        return NULL;
    }
    pthread_mutex_lock(&ex->lock);
    if (ex->shutdown) {
        pthread_mutex_unlock(&ex->lock);
        asy_value_decref(arg);
        set_error(error, asy_exc_new(&asy_RuntimeError, "cannot schedule new futures after shutdown"));
        return NULL;
    }
    /* CPython's _adjust_thread_count: an idle worker takes it, else a new
     * thread if the pool is not full. */
    if (ex->idle > 0) {
        ex->idle--;
    } else if (ex->nthreads < ex->max_workers) {
        if (pthread_create(&ex->threads[ex->nthreads], NULL, worker_main, ex) == 0)
            ex->nthreads++;
        else if (ex->nthreads == 0) {
            pthread_mutex_unlock(&ex->lock);
            asy_value_decref(arg);
            set_error(error, asy_exc_new(&asy_RuntimeError, "can't start new thread"));
            return NULL;
        }
    }
    work *w = malloc(sizeof *w);
    if (w == NULL)
        asy_out_of_memory("a work item");
    w->next = NULL;
    w->fn = fn;
    w->arg = arg;
    w->cf = asy_cfuture_new();
    asy_cfuture *cf = asy_cfuture_incref(w->cf);
    if (ex->tail != NULL)
        ex->tail->next = w;
    else
        ex->head = w;
    ex->tail = w;
    pthread_mutex_unlock(&ex->lock);
    /* After the unlock: the worker it wakes goes straight for the lock. */
    pthread_cond_signal(&ex->cond);
    set_error(error, NULL);
    return cf;
}

void asy_executor_shutdown(asy_executor *ex, bool wait)
{
    if (ex == NULL)
        return;
    pthread_mutex_lock(&ex->lock);
    ex->shutdown = true;
    pthread_cond_broadcast(&ex->cond);
    bool join = wait && !ex->joining;
    if (join)
        ex->joining = true;
    int n = ex->nthreads; /* no thread starts after shutdown */
    pthread_mutex_unlock(&ex->lock);
    if (!join)
        return;
    for (int i = 0; i < n; i++)
        pthread_join(ex->threads[i], NULL);
    pthread_mutex_lock(&ex->lock);
    ex->joined = true;
    pthread_mutex_unlock(&ex->lock);
}

int asy_executor_threads(asy_executor *ex)
{
    if (ex == NULL)
        return 0;
    pthread_mutex_lock(&ex->lock);
    int n = ex->nthreads;
    pthread_mutex_unlock(&ex->lock);
    return n;
}

void asy_executor_free(asy_executor *ex)
{
    if (ex == NULL)
        return;
    asy_executor_shutdown(ex, true);
    /* (a shutdown(wait) of another thread may have done the joining) */
    pthread_mutex_destroy(&ex->lock);
    pthread_cond_destroy(&ex->cond);
    free(ex->threads);
    free(ex);
}

/* ---- run_in_executor: chaining the thread-safe future to the loop's ----
 * A link holds the asyncio future (fut) and the thread-safe one (cf). Two
 * links exist per call: one with fut, which travels from the worker's
 * done callback to the loop through call_soon_threadsafe (deliver), and
 * one without, the argument of fut's done callback (which may cancel cf).
 * Only the loop's thread touches fut. */
typedef struct exlink {
    asy_obj ob;
    asy_loop *loop;   /* borrowed */
    asy_future *fut;  /* owned, or NULL */
    asy_cfuture *cf;  /* owned */
} exlink;

static void exlink_dealloc(asy_obj *self)
{
    exlink *l = (exlink *)self;
    asy_decref(l->fut);
    asy_cfuture_decref(l->cf);
    asy_obj_free(l);
}

static const asy_type exlink_type = {.name = "_chain_future", .dealloc = exlink_dealloc};

static exlink *exlink_new(asy_loop *loop, asy_future *fut, asy_cfuture *cf)
{
    exlink *l = asy_obj_new(&exlink_type, sizeof(exlink));
    l->loop = loop;
    l->fut = fut;
    l->cf = cf;
    return l;
}

/* On the loop: copy the thread-safe future's outcome into fut (CPython's
 * _copy_future_state), unless fut was cancelled meanwhile. */
static asy_exc *deliver(asy_value arg)
{
    exlink *l = (exlink *)arg.u.o;
    asy__loop_thread_jobs_add(l->loop, -1);
    if (asy_future_done(l->fut))
        return NULL;
    if (asy_cfuture_cancelled(l->cf)) {
        asy_future_cancel(l->fut, NULL);
        return NULL;
    }
    asy_value v;
    asy_exc *e = asy_cfuture_result(l->cf, 0.0, &v);
    if (e != NULL)
        return asy_future_set_exception(l->fut, e);
    return asy_future_set_result(l->fut, v);
}

/* In the thread that completed cf (a worker, or the loop's): send the
 * outcome to the loop. */
static void cf_done_post(asy_cfuture *cf, void *arg)
{
    (void)cf;
    exlink *l = arg;
    asy_exc *e = asy_loop_call_soon_threadsafe(l->loop, deliver, asy_obj_value(l));
    asy_decref(e); /* a closed loop: nobody waits any more (the link is released) */
}

/* On the loop: fut is done; if it was cancelled, so is the work, if it
 * has not started (CPython's _call_check_cancel). */
static asy_exc *fut_done(asy_future *fut, asy_value arg)
{
    exlink *l = (exlink *)arg.u.o;
    if (asy_future_cancelled(fut))
        asy_cfuture_cancel(l->cf);
    return NULL;
}

static asy_future *failed_future(asy_loop *loop, asy_exc *e)
{
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_set_exception(fut, e));
    return fut;
}

static const asy_loop_executor_hooks default_executor_hooks;

asy_future *asy_loop_run_in_executor(asy_loop *loop, asy_executor *executor, asy_work_fn fn, asy_value arg)
{
    if (loop == NULL)
        loop = asy_get_running_loop(NULL);
    if (loop == NULL) {
        asy_value_decref(arg);
        return NULL;
    }
    if (asy_loop_is_closed(loop)) {
        asy_value_decref(arg);
        return failed_future(loop, asy_exc_new(&asy_RuntimeError, "Event loop is closed"));
    }
    if (fn == NULL) {
        asy_value_decref(arg);
        return failed_future(loop, asy__null_error("a function"));
    }
    if (executor == NULL) {
        if (asy__loop_executor_shutdown_called(loop)) {
            asy_value_decref(arg);
            return failed_future(loop, asy_exc_new(&asy_RuntimeError, "Executor shutdown has been called"));
        }
        executor = asy__loop_default_executor(loop);
        if (executor == NULL) {
            asy_exc *e;
            executor = asy_executor_new(0, &e);
            if (executor == NULL) {
                asy_value_decref(arg);
                return failed_future(loop, e);
            }
            asy__loop_set_default_executor(loop, executor, &default_executor_hooks);
        }
    }
    asy_exc *e;
    asy_cfuture *cf = asy_executor_submit(executor, fn, arg, &e);
    if (cf == NULL)
        return failed_future(loop, e);
    asy_future *fut = asy_future_new(loop);
    asy__loop_thread_jobs_add(loop, +1);
    e = asy_future_add_done_callback(fut, fut_done,
                                     asy_obj_value(exlink_new(loop, NULL, asy_cfuture_incref(cf))));
    asy_decref(e); /* the loop is open and fut pending: cannot fail */
    asy_cfuture_add_done_callback(cf, cf_done_post, exlink_new(loop, asy_incref(fut), cf));
    return fut;
}

/* ---- to_thread ---- */

typedef struct {
    asy_coro co;
    asy_work_fn fn;
    asy_value arg; /* owned until submitted */
} to_thread_frame;

static asy_status to_thread_body(asy_coro *co)
{
    to_thread_frame *f = (to_thread_frame *)co;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    if (asy_get_running_loop(&err) == NULL)
        ASY_RAISE(co, err);
    {
        asy_value arg = f->arg;
        f->arg = asy_none();
        ASY_AWAIT(co, asy_loop_run_in_executor(asy_get_running_loop(NULL), NULL, f->fn, arg));
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void to_thread_clear(asy_gen *g)
{
    to_thread_frame *f = (to_thread_frame *)g;
    asy_value_clear(&f->arg);
}

asy_coro *asy_to_thread(asy_work_fn fn, asy_value arg)
{
    to_thread_frame *f = ASY_CORO_NEW(to_thread_frame, to_thread_body, "to_thread");
    asy_gen_set_clear(&f->co, to_thread_clear);
    f->fn = fn;
    f->arg = arg;
    return &f->co;
}

/* ---- shutdown_default_executor ---- */

typedef struct shutdown_job {
    asy_executor *ex;
    asy_loop *loop;
    asy_future *fut; /* owned; handed to the loop when done */
} shutdown_job;

/* On the loop: the executor's threads have left. */
static asy_exc *shutdown_done(asy_value arg)
{
    asy_future *fut = asy_value_future(arg);
    asy__loop_thread_jobs_add(fut->loop, -1);
    if (!asy_future_done(fut))
        return asy_future_set_result(fut, asy_none());
    return NULL;
}

/* The helper thread (CPython's _do_shutdown): shutting down with wait
 * blocks, so it must not happen on the loop's thread. */
static void *do_shutdown(void *arg)
{
    shutdown_job *job = arg;
    asy_executor_shutdown(job->ex, true);
    asy_decref(asy_loop_call_soon_threadsafe(job->loop, shutdown_done, asy_obj_value(job->fut)));
    job->fut = NULL;
    return NULL;
}

typedef struct {
    asy_coro co;
    asy_loop *loop;   /* borrowed */
    asy_future *fut;  /* owned */
    shutdown_job job;
    pthread_t thread;
    bool started;
} shutdown_frame;

static void shutdown_join(shutdown_frame *f)
{
    if (!f->started)
        return;
    pthread_join(f->thread, NULL);
    f->started = false;
    asy_executor *ex = asy__loop_default_executor(f->loop);
    asy__loop_set_default_executor(f->loop, NULL, NULL);
    asy_executor_free(ex);
}

static asy_status shutdown_body(asy_coro *co)
{
    shutdown_frame *f = (shutdown_frame *)co;
    ASY_BEGIN(co);
    asy__loop_mark_executor_shutdown(f->loop);
    if (asy__loop_default_executor(f->loop) == NULL)
        ASY_RETURN(co, asy_none());
    f->fut = asy_future_new(f->loop);
    f->job.ex = asy__loop_default_executor(f->loop);
    f->job.loop = f->loop;
    f->job.fut = asy_incref(f->fut);
    asy__loop_thread_jobs_add(f->loop, +1);
    if (pthread_create(&f->thread, NULL, do_shutdown, &f->job) != 0) {
        do_shutdown(&f->job); /* no thread: block here instead */
    } else {
        f->started = true;
    }
    ASY_AWAIT_TRY(co, asy_incref(f->fut));
    shutdown_join(f); /* finally: thread.join() */
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co);
    ASY_END(co);
}

static void shutdown_clear(asy_gen *g)
{
    shutdown_frame *f = (shutdown_frame *)g;
    shutdown_join(f);
    asy_decref(f->fut);
    f->fut = NULL;
}

asy_coro *asy_loop_shutdown_default_executor(asy_loop *loop)
{
    shutdown_frame *f = ASY_CORO_NEW(shutdown_frame, shutdown_body, "shutdown_default_executor");
    asy_gen_set_clear(&f->co, shutdown_clear);
    f->loop = loop;
    return &f->co;
}

/* The loop's hooks: asyncio.run's shutdown, and close()'s. */
static asy_exc *hook_shutdown(asy_loop *loop)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_loop_shutdown_default_executor(loop));
    asy_exc *e = r.status == ASY_RAISED ? r.exc : NULL;
    if (r.status != ASY_RAISED)
        asy_result_clear(&r);
    return e;
}

static void hook_close(asy_loop *loop)
{
    asy_executor *ex = asy__loop_default_executor(loop);
    asy__loop_set_default_executor(loop, NULL, NULL);
    asy_executor_free(ex);
}

static const asy_loop_executor_hooks default_executor_hooks = {hook_shutdown, hook_close};
