/*
 * loop.c - the event loop (chapter 10).
 *
 * Read asy_loop_run_once() first: it is the whole algorithm, one numbered
 * step per block, as loop.h describes. The rest is bookkeeping: handles,
 * the timer heap, I/O watchers over the selector, the exception handler.
 */
#include "loop.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* One per descriptor the loop watches: the selector key's data. */
typedef struct io_watcher {
    int fd;
    asy_handle *reader; /* owned, or NULL */
    asy_handle *writer; /* owned, or NULL */
} io_watcher;

/* CPython's rule for cleaning cancelled timers out of the heap: once it
 * holds more than 100 timers and over half are cancelled. Below that, they
 * are simply dropped when they reach the top. */
enum { MIN_SCHEDULED_TIMERS = 100 };
enum { MIN_EVENTS = 64 };
/* CPython's MAXIMUM_SELECT_TIMEOUT: one wait lasts at most a day. A timer
 * further away (call_later(1e12), sleep(inf)) costs one wake-up a day, and
 * the seconds always fit the kernel's types. */
#define MAXIMUM_SELECT_TIMEOUT (24.0 * 3600.0)

struct asy_loop {
    asy_obj ob;
    asy_trace_fn trace_fn;      /* chapter 31: first, where loop.h's */
    void *trace_arg;            /* asy__tracing() finds it; or NULL */
    bool debug;                 /* chapter 31: debug mode (asy__loop_debug reads it too) */
    asy_ilist ready;            /* asy_ready items, in the order they run */
    asy_heap timers;            /* asy_handle.timer nodes */
    size_t cancelled_timers;    /* cancelled handles still in the heap */
    asy_selector *selector;
    asy_clock *clock;
    asy_clock virtual_clock;    /* used when opts->virtual_clock */
    bool running, stopping, closed;
    asy_exception_handler_fn handler;
    void *handler_arg;
    void *current_task;         /* chapter 12 */
    asy_ilist tasks;            /* live tasks, not owned */
    unsigned long task_counter;
    void (*close_hook)(asy_loop *loop);
    const asy_loop_task_hooks *task_hooks; /* chapter 12; NULL before the first task */
    asy__origins *origins;      /* chapter 31: where each task was made (debug mode), or NULL */
    /* Step 4's batch and what is running now live here, not on the C stack,
     * so that a callback that leaves with longjmp leaves them where
     * asy_loop_recover finds them. */
    asy_ilist batch;            /* the rest of the turn's batch */
    asy_ready **running_items;  /* the items whose run() has not returned; */
    size_t nrunning, running_cap; /* more than one when a callback runs a turn */
    int forever_refs;           /* run_forever's own references to the loop */
    unsigned entry_step_depth;  /* gen.c's nested-step count when the loop
                                   started running: recover restores it */
    asy_obj *until;             /* run_until_complete's future (owned), or NULL */
    asy_task_factory task_factory; /* chapter 12; NULL: the default */
    asy_selector_event *events; /* step 2's buffer: as many as fds watched */
    int events_cap;
    asy_ilist asyncgens;        /* chapter 25: loop._asyncgens, not owned */
    struct asy_gen *(*shutdown_asyncgens)(asy_loop *loop); /* chapter 25, or NULL */
    /* Chapter 29: the door from other threads. Everything below `in_lock`
     * is shared with other threads and touched only under it (or, for
     * has_incoming, atomically). */
    int wakeup_fd;              /* an eventfd, registered as a reader */
    size_t thread_jobs;         /* loop thread only: results other threads will hand back */
    void *default_executor;     /* loop thread only: chapter 29's executor, or NULL */
    const asy_loop_executor_hooks *executor_hooks;
    bool executor_shutdown_called;
    pthread_mutex_t in_lock;
    asy_ilist incoming;         /* handles from call_soon_threadsafe, in order */
    atomic_bool has_incoming;   /* incoming is not empty: a cheap look per turn */
    bool wake_pending;          /* a write to wakeup_fd nobody has drained yet */
    bool ts_closed;             /* close() began: the door is shut */
    atomic_int writers;         /* threads writing to wakeup_fd right now */
    /* chapter 31 */
    double slow_callback_duration;
    pthread_t thread;           /* the thread running it (while running) */
    FILE *trace_file;           /* ASY_TRACE's file (owned), or NULL */
};

_Static_assert(offsetof(struct asy_loop, trace_fn) == offsetof(struct asy__loop_prefix, trace_fn) &&
                   offsetof(struct asy_loop, trace_arg) == offsetof(struct asy__loop_prefix, trace_arg),
               "loop.h's asy__loop_prefix must match the loop's first fields");
_Static_assert(offsetof(struct asy_loop, debug) == offsetof(struct asy__loop_prefix, debug),
               "loop.h's asy__loop_prefix must match the loop's debug field");

/* Reporting a trace event costs this one branch when no sink is set. */
#define TRACE(loop, ...)                        \
    do {                                        \
        if (asy__tracing(loop))                 \
            asy__trace((loop), __VA_ARGS__);    \
    } while (0)

/* One running loop per thread, as asyncio's _running_loop. */
static _Thread_local asy_loop *running_loop;

/* ---- handles ---- */

static void handle_dealloc(asy_obj *self)
{
    asy_handle *h = (asy_handle *)self;
    asy_value_decref(h->arg);
    asy_obj_free(h);
}

static int handle_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_handle *h = (asy_handle *)self;
    char when[64] = "";
    if (h->is_timer)
        snprintf(when, sizeof when, " when=%s", ASY_STR(asy_float(h->timer.when)));
    return snprintf(buf, size, "<%s%s%s %s(%s)>", h->cancelled ? "cancelled " : "",
                    h->is_timer ? "TimerHandle" : "Handle", when, h->fn_name,
                    asy_is_none(h->arg) ? "" : ASY_REPR(h->arg));
}

static const asy_type handle_type = {.name = "Handle", .dealloc = handle_dealloc, .format = handle_format};
/* call_later / call_at give a TimerHandle, a Handle with a time, as
 * Python's type(h).__name__ says. */
static const asy_type timer_handle_type = {.name = "TimerHandle", .dealloc = handle_dealloc,
                                           .format = handle_format, .base = &handle_type};

static void handle_run(asy_ready *item);

/* The timer heap holds two kinds of nodes: the `timer` of an asy_handle
 * (call_later, call_at) and the `node` of an asy_timer embedded in another
 * object (sleep's future). Both sit right behind their ready item, the
 * same distance apart, so the item is found from the node alone; the item's
 * run function tells the two kinds apart. */
_Static_assert(offsetof(asy_handle, timer) - offsetof(asy_handle, ready) ==
                   offsetof(asy_timer, node) - offsetof(asy_timer, ready),
               "asy_handle and asy_timer must pair ready item and node alike");

static asy_ready *timer_item(asy_heap_node *node)
{
    return &ASY_CONTAINER_OF(node, asy_timer, node)->ready;
}

static bool is_handle(const asy_ready *item) { return item->run == handle_run; }

/* The loop's reference to a queued handle is given back here. */
static void handle_release(asy_ready *item)
{
    asy_decref(ASY_CONTAINER_OF(item, asy_handle, ready));
}

static asy_handle *handle_new(asy_loop *loop, asy_callback_fn fn, const char *name, asy_value arg)
{
    asy_handle *h = asy_obj_new(&handle_type, sizeof(asy_handle));
    asy_ilist_init(&h->ready.link);
    h->ready.run = handle_run;
    h->ready.release = handle_release;
    h->loop = loop;
    h->fn = fn;
    h->fn_name = name != NULL ? name : "<callback>";
    h->arg = arg;
    return h;
}

void asy_handle_cancel(asy_handle *h)
{
    if (h == NULL || h->cancelled)
        return;
    h->cancelled = true;
    if (h->in_heap)
        h->loop->cancelled_timers++;
    /* The callback's argument may be large, or keep objects alive: let it
     * go now rather than when the handle reaches the top of the heap. */
    asy_value_clear(&h->arg);
}

bool asy_handle_cancelled(const asy_handle *h) { return h != NULL && h->cancelled; }
double asy_handle_when(const asy_handle *h) { return h != NULL ? h->timer.when : 0.0; }

/* ---- errors ---- */

void asy_loop_default_exception_handler(asy_loop *loop, const asy_error_context *ctx)
{
    (void)loop;
    if (ctx == NULL)
        return;
    fprintf(stderr, "%s\n", ctx->message != NULL ? ctx->message : "Unhandled exception in event loop");
    if (!asy_is_none(ctx->source)) {
        /* the context key Python uses for it: handle, future or task */
        const char *key = asy_value_type_name(ctx->source);
        key = strcmp(key, "Task") == 0 ? "task" : strcmp(key, "Future") == 0 ? "future"
                                                  : strcmp(key, "Handle") == 0 || strcmp(key, "TimerHandle") == 0
                                                        ? "handle"
                                                  : strcmp(key, "async_generator") == 0 ? "asyncgen"
                                                        : key;
        /* "Task exception was never retrieved" comes from the Future part
         * of the task (Future.__del__), which files itself as "future". */
        if (ctx->message != NULL && strstr(ctx->message, "exception was never retrieved") != NULL)
            key = "future";
        /* Chapter 31, debug mode: where the task was made. Python prints
         * the context's keys in sorted order, so source_traceback comes
         * after "future" and before "task". */
        const char *origin = loop != NULL && loop->origins != NULL && ctx->source.kind == ASY_OBJ
                                 ? asy__origins_find(loop->origins, ctx->source.u.o)
                                 : NULL;
        bool key_first = strcmp(key, "source_traceback") < 0;
        if (key_first)
            fprintf(stderr, "%s: %s\n", key, ASY_REPR(ctx->source));
        if (origin != NULL)
            fprintf(stderr, "source_traceback: Object created at (most recent call last):\n%s", origin);
        if (!key_first)
            fprintf(stderr, "%s: %s\n", key, ASY_REPR(ctx->source));
    }
    if (ctx->exception != NULL)
        asy_exc_print(ctx->exception, stderr);
}

void asy_loop_call_exception_handler(asy_loop *loop, const asy_error_context *ctx)
{
    if (ctx == NULL)
        return;
    if (loop != NULL && loop->handler != NULL)
        loop->handler(loop, ctx, loop->handler_arg);
    else
        asy_loop_default_exception_handler(loop, ctx);
}

void asy_loop_set_exception_handler(asy_loop *loop, asy_exception_handler_fn fn, void *arg)
{
    if (loop == NULL)
        return;
    loop->handler = fn;
    loop->handler_arg = arg;
}

static void handle_run(asy_ready *item)
{
    asy_handle *h = ASY_CONTAINER_OF(item, asy_handle, ready);
    if (h->cancelled)
        return;
    asy_loop *loop = h->loop;
    TRACE(loop, ASY_TRACE_CALLBACK, NULL, 0.0, h->fn_name, ASY_REPR(asy_obj_value(h)));
    double t0 = loop->debug ? asy_loop_time(loop) : 0.0;
    asy_exc *e = h->fn(h->arg);
    if (loop->debug)
        asy__loop_debug_check_slow(loop, t0, &h->ob);
    TRACE(loop, ASY_TRACE_CALLBACK_END, NULL, 0.0, h->fn_name, "");
    if (e != NULL) { /* a failing callback is reported; the loop goes on */
        char msg[ASY_FMT_MAX];
        snprintf(msg, sizeof msg, "Exception in callback %s(%s)", h->fn_name,
                 asy_is_none(h->arg) ? "" : ASY_REPR(h->arg));
        asy_error_context ctx = {msg, e, asy_obj_value(h)}; /* borrowed: no incref */
        asy_loop_call_exception_handler(h->loop, &ctx);
        asy_decref(e);
    }
}

/* ---- the loop object ---- */

static void loop_release_all(asy_loop *loop);
static void move_all(asy_ilist *dst, asy_ilist *src, bool front);

/* Chapter 29: the wakeup descriptor is readable: empty its counter. The
 * callbacks it announced are in `incoming`; the turn moves them to the
 * ready queue (take_incoming). Its selector key's data is &wakeup_fd, not
 * an io_watcher: the loop reads it itself, no handle involved. */
static void drain_wakeup(asy_loop *loop)
{
    uint64_t count;
    while (read(loop->wakeup_fd, &count, sizeof count) < 0 && errno == EINTR)
        continue; /* EAGAIN: already empty */
}

static void loop_dealloc(asy_obj *self)
{
    asy_loop *loop = (asy_loop *)self;
    if (!loop->closed) {
        asy_exc *e = asy_loop_close(loop);
        asy_decref(e); /* cannot be running: running holds no reference, but
                          run_forever is never entered with refcnt 0 */
    }
    pthread_mutex_destroy(&loop->in_lock);
    asy__origins_free(&loop->origins); /* empty: each task held the loop */
    if (loop->trace_file != NULL)
        fclose(loop->trace_file);
    asy_obj_free(loop);
}

static int loop_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_loop *loop = (asy_loop *)self;
    return snprintf(buf, size, "<_UnixSelectorEventLoop running=%s closed=%s debug=%s>",
                    loop->running ? "True" : "False", loop->closed ? "True" : "False",
                    loop->debug ? "True" : "False");
}

static void trace_from_env(asy_loop *loop);

/* Chapter 31: the coroutine origin hook (gen.h) a running loop sets: the
 * task module's, in debug mode; none otherwise. */
static asy__coro_origin_fn origin_hook_of(const asy_loop *loop)
{
    return loop->debug && loop->task_hooks != NULL ? loop->task_hooks->coro_origin : NULL;
}

static const asy_type loop_type = {.name = "_UnixSelectorEventLoop", .dealloc = loop_dealloc, .format = loop_format};

asy_loop *asy_loop_new(const asy_loop_options *opts, asy_exc **error)
{
    if (error != NULL)
        *error = NULL;
    asy_loop *loop = asy_obj_new(&loop_type, sizeof(asy_loop));
    asy_ilist_init(&loop->ready);
    asy_ilist_init(&loop->batch);
    asy_ilist_init(&loop->tasks);
    asy_ilist_init(&loop->asyncgens);
    asy_heap_init(&loop->timers);
    if (opts != NULL && opts->virtual_clock) {
        asy_clock_virtual_init(&loop->virtual_clock, 0.0);
        loop->clock = &loop->virtual_clock;
    } else {
        loop->clock = asy_clock_monotonic();
    }
    pthread_mutex_init(&loop->in_lock, NULL);
    asy_ilist_init(&loop->incoming);
    loop->wakeup_fd = -1;
    loop->slow_callback_duration = 0.1;
    const char *env = getenv("ASY_DEBUG");
    if (env != NULL && env[0] != '\0' && strcmp(env, "0") != 0)
        loop->debug = true;
    asy_exc *e = asy_selector_new(opts != NULL ? opts->selector : NULL, &loop->selector);
    if (e == NULL)
        trace_from_env(loop);
    if (e != NULL) {
        if (error != NULL)
            *error = e;
        else
            asy_decref(e);
        loop->closed = true;
        asy_decref(loop);
        return NULL;
    }
    /* Chapter 29: the wakeup descriptor, made with the loop (as CPython's
     * self-pipe), so that another thread can wake the loop at any time. */
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    e = fd < 0 ? asy_exc_new(&asy_OSError, "[Errno %d] %s", errno, strerror(errno))
               : asy_selector_register(loop->selector, fd, ASY_EVENT_READ, &loop->wakeup_fd);
    if (e != NULL) {
        if (fd >= 0)
            close(fd);
        if (error != NULL)
            *error = e;
        else
            asy_decref(e);
        asy_exc *ce = asy_loop_close(loop);
        asy_decref(ce);
        asy_decref(loop);
        return NULL;
    }
    loop->wakeup_fd = fd;
    return loop;
}

bool asy_loop_is_closed(const asy_loop *loop) { return loop != NULL && loop->closed; }
bool asy_loop_is_running(const asy_loop *loop) { return loop != NULL && loop->running; }
double asy_loop_time(asy_loop *loop) { return loop != NULL ? asy_clock_now(loop->clock) : 0.0; }
asy_clock *asy_loop_clock(asy_loop *loop) { return loop != NULL ? loop->clock : NULL; }

asy_value asy_loop_value(asy_loop *loop) { return asy_obj_value(asy_incref(loop)); }

asy_loop *asy_value_loop(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &loop_type ? (asy_loop *)v.u.o : NULL;
}

/* Drop every scheduled item and timer, and every I/O watcher. */
static void loop_release_all(asy_loop *loop)
{
    asy_ilist *n;
    while ((n = asy_ilist_pop_front(&loop->ready)) != NULL) {
        asy_ready *item = ASY_CONTAINER_OF(n, asy_ready, link);
        if (item->release != NULL)
            item->release(item);
    }
    while ((n = asy_ilist_pop_front(&loop->batch)) != NULL) {
        asy_ready *item = ASY_CONTAINER_OF(n, asy_ready, link);
        if (item->release != NULL)
            item->release(item);
    }
    free(loop->running_items);
    loop->running_items = NULL;
    loop->nrunning = loop->running_cap = 0;
    asy_heap_node *t;
    while ((t = asy_heap_pop(&loop->timers)) != NULL) {
        asy_ready *item = timer_item(t);
        if (is_handle(item))
            ASY_CONTAINER_OF(t, asy_handle, timer)->in_heap = false;
        if (item->release != NULL)
            item->release(item);
    }
    loop->cancelled_timers = 0;
    asy_heap_free(&loop->timers);
    free(loop->events);
    loop->events = NULL;
    loop->events_cap = 0;
    if (loop->selector != NULL) {
        /* Every registered fd has a watcher as its key's data. */
        for (int fd = 0; asy_selector_count(loop->selector) > 0; fd++) {
            const asy_selector_key *key = asy_selector_get_key(loop->selector, fd);
            if (key == NULL)
                continue;
            io_watcher *w = key->data;
            asy_decref(asy_selector_unregister(loop->selector, fd));
            if (fd == loop->wakeup_fd)
                continue; /* the loop's own (chapter 29): no watcher */
            asy_decref(w->reader);
            asy_decref(w->writer);
            free(w);
        }
        asy_selector_free(loop->selector);
        loop->selector = NULL;
    }
}

asy_exc *asy_loop_close(asy_loop *loop)
{
    if (loop == NULL)
        return asy__null_error("an event loop");
    if (loop->running)
        return asy_exc_new(&asy_RuntimeError, "Cannot close a running event loop");
    if (loop->closed)
        return NULL;
    if (loop->close_hook != NULL)
        loop->close_hook(loop);
    /* Chapter 29: the default executor's threads end first (they may still
     * hand results back), then the door shuts: call_soon_threadsafe says
     * "Event loop is closed" from now on, and what came in is dropped. */
    if (loop->default_executor != NULL && loop->executor_hooks != NULL)
        loop->executor_hooks->close(loop);
    pthread_mutex_lock(&loop->in_lock);
    loop->ts_closed = true;
    move_all(&loop->ready, &loop->incoming, false);
    atomic_store(&loop->has_incoming, false);
    pthread_mutex_unlock(&loop->in_lock);
    /* No thread starts a write any more; one may be in the middle of its
     * write to the eventfd (call_soon_threadsafe writes after its unlock).
     * Let it finish, one system call at most, before the descriptor is
     * closed under it. (Yielding, not a condition variable: the writer
     * must not touch the loop after its last write, since the loop may be
     * freed as soon as close() returns.) */
    while (atomic_load(&loop->writers) > 0)
        sched_yield();
    loop->closed = true;
    loop_release_all(loop);
    if (loop->wakeup_fd >= 0)
        close(loop->wakeup_fd);
    loop->wakeup_fd = -1;
    return NULL;
}

/* ---- chapter 29: from other threads ---- */

asy_exc *asy__loop_call_soon_threadsafe(asy_loop *loop, asy_callback_fn fn, const char *name, asy_value arg)
{
    if (loop == NULL || fn == NULL) {
        asy_value_decref(arg);
        return asy__null_error(loop == NULL ? "an event loop" : "a callback");
    }
    /* The handle is made here, in the calling thread; from the moment it
     * is in `incoming`, only the loop's thread touches it. */
    asy_handle *h = handle_new(loop, fn, name, arg);
    pthread_mutex_lock(&loop->in_lock);
    if (loop->ts_closed) {
        pthread_mutex_unlock(&loop->in_lock);
        asy_decref(h); /* releases arg */
        return asy_exc_new(&asy_RuntimeError, "Event loop is closed");
    }
    asy_ilist_push_back(&loop->incoming, &h->ready.link);
    atomic_store_explicit(&loop->has_incoming, true, memory_order_release);
    /* One write wakes the loop; the ones after it, until the loop has
     * taken what came in, would only wake it again for nothing. The write
     * happens after the unlock: the loop it wakes goes straight for this
     * lock, and must not find it still held. `writers` tells close() to
     * wait before it closes the descriptor. */
    bool wake = !loop->wake_pending;
    if (wake) {
        loop->wake_pending = true;
        atomic_fetch_add(&loop->writers, 1);
    }
    pthread_mutex_unlock(&loop->in_lock);
    if (wake) {
        uint64_t one = 1;
        while (write(loop->wakeup_fd, &one, sizeof one) < 0 && errno == EINTR)
            continue; /* EAGAIN: the counter is full, so the loop is awake anyway */
        atomic_fetch_sub(&loop->writers, 1); /* the loop's last use here */
    }
    return NULL;
}

/* Move what other threads sent to the back of the ready queue. A turn
 * calls it twice: first thing (so that a callback that came in while the
 * loop was busy makes the wait 0) and right after the wait (so that the
 * callback that woke the loop runs in this very turn). */
static void take_incoming(asy_loop *loop)
{
    if (!atomic_load_explicit(&loop->has_incoming, memory_order_acquire))
        return;
    pthread_mutex_lock(&loop->in_lock);
    move_all(&loop->ready, &loop->incoming, false);
    atomic_store_explicit(&loop->has_incoming, false, memory_order_relaxed);
    loop->wake_pending = false;
    pthread_mutex_unlock(&loop->in_lock);
}

int asy__loop_wakeup_fd(const asy_loop *loop) { return loop->wakeup_fd; }
void *asy__loop_default_executor(const asy_loop *loop) { return loop->default_executor; }
bool asy__loop_executor_shutdown_called(const asy_loop *loop) { return loop->executor_shutdown_called; }
void asy__loop_set_default_executor(asy_loop *loop, void *executor, const asy_loop_executor_hooks *hooks)
{
    loop->default_executor = executor;
    if (hooks != NULL)
        loop->executor_hooks = hooks;
}
void asy__loop_mark_executor_shutdown(asy_loop *loop) { loop->executor_shutdown_called = true; }
void asy__loop_thread_jobs_add(asy_loop *loop, int delta) { loop->thread_jobs += (size_t)(ssize_t)delta; }

asy_exc *asy__loop_shutdown_default_executor(asy_loop *loop)
{
    loop->executor_shutdown_called = true;
    if (loop->default_executor == NULL || loop->executor_hooks == NULL)
        return NULL;
    return loop->executor_hooks->shutdown(loop);
}

/* ---- scheduling ---- */

void asy__loop_schedule(asy_loop *loop, asy_ready *item)
{
    asy_ilist_push_back(&loop->ready, &item->link);
}

bool asy__loop_schedule_open(asy_loop *loop, asy_ready *item)
{
    if (loop == NULL || loop->closed)
        return false;
    asy_ilist_push_back(&loop->ready, &item->link);
    return true;
}

/* Scheduling on a closed loop: CPython's _check_closed() (or no loop or
 * no callback at all). Releases arg. */
static asy_handle *refuse_closed(asy_loop *loop, asy_value arg, asy_exc **error)
{
    asy_value_decref(arg);
    asy_exc *e = loop == NULL     ? asy__null_error("an event loop")
                 : loop->closed ? asy_exc_new(&asy_RuntimeError, "Event loop is closed")
                                : asy__null_error("a callback");
    if (error != NULL)
        *error = e;
    else
        asy_decref(e);
    return NULL;
}

/* Debug mode's thread check (CPython's _check_thread): a running loop
 * may be scheduled on only from the thread that runs it. */
static bool wrong_thread(const asy_loop *loop)
{
    return loop->running && !pthread_equal(loop->thread, pthread_self());
}

static asy_handle *refuse_thread(asy_value arg, asy_exc **error)
{
    asy_value_decref(arg);
    asy_exc *e = asy_exc_new(&asy_RuntimeError,
                             "Non-thread-safe operation invoked on an event loop other than the current one");
    if (error != NULL)
        *error = e;
    else
        asy_decref(e);
    return NULL;
}

asy_handle *asy__loop_call_soon(asy_loop *loop, asy_callback_fn fn, const char *name, asy_value arg,
                                asy_exc **error)
{
    if (loop == NULL || loop->closed || fn == NULL)
        return refuse_closed(loop, arg, error);
    if (loop->debug && wrong_thread(loop))
        return refuse_thread(arg, error);
    if (error != NULL)
        *error = NULL;
    asy_handle *h = handle_new(loop, fn, name, arg);
    asy_incref(h); /* the queue's reference */
    asy__loop_schedule(loop, &h->ready);
    return h;
}

asy_handle *asy__loop_call_at(asy_loop *loop, double when, asy_callback_fn fn, const char *name,
                              asy_value arg, asy_exc **error)
{
    if (loop == NULL || loop->closed || fn == NULL)
        return refuse_closed(loop, arg, error);
    if (loop->debug && wrong_thread(loop))
        return refuse_thread(arg, error);
    if (error != NULL)
        *error = NULL;
    asy_handle *h = handle_new(loop, fn, name, arg);
    h->is_timer = true;
    h->ob.type = &timer_handle_type;
    h->in_heap = true;
    h->timer.when = when;
    asy_incref(h); /* the heap's reference */
    asy_heap_push(&loop->timers, &h->timer);
    return h;
}

asy_handle *asy__loop_call_later(asy_loop *loop, double delay, asy_callback_fn fn, const char *name,
                                 asy_value arg, asy_exc **error)
{
    if (loop == NULL || loop->closed || fn == NULL)
        return refuse_closed(loop, arg, error);
    return asy__loop_call_at(loop, asy_loop_time(loop) + delay, fn, name, arg, error);
}

void *asy__loop_current_task(const asy_loop *loop) { return loop->current_task; }
void asy__loop_set_current_task(asy_loop *loop, void *task) { loop->current_task = task; }
asy_ilist *asy__loop_tasks(asy_loop *loop) { return &loop->tasks; }
unsigned long asy__loop_next_task_number(asy_loop *loop) { return ++loop->task_counter; }
void asy__loop_set_close_hook(asy_loop *loop, void (*hook)(asy_loop *loop)) { loop->close_hook = hook; }
void asy__loop_set_task_hooks(asy_loop *loop, const asy_loop_task_hooks *hooks) { loop->task_hooks = hooks; }
asy_obj *asy__loop_until(const asy_loop *loop) { return loop->until; }
void asy__loop_set_until(asy_loop *loop, asy_obj *fut) { loop->until = fut; }

asy_obj *asy__loop_take_until(asy_loop *loop)
{
    asy_obj *fut = loop->until;
    loop->until = NULL;
    return fut;
}
bool asy__loop_has_ready(const asy_loop *loop) { return !asy_ilist_empty(&loop->ready); }
asy_ilist *asy__loop_asyncgens(asy_loop *loop) { return &loop->asyncgens; }
void asy__loop_set_asyncgen_shutdown(asy_loop *loop, struct asy_gen *(*fn)(asy_loop *loop))
{
    loop->shutdown_asyncgens = fn;
}
struct asy_gen *asy__loop_shutdown_asyncgens(asy_loop *loop)
{
    return loop->shutdown_asyncgens != NULL ? loop->shutdown_asyncgens(loop) : NULL;
}
void asy_loop_set_task_factory(asy_loop *loop, asy_task_factory factory)
{
    if (loop != NULL)
        loop->task_factory = factory;
}
asy_task_factory asy_loop_get_task_factory(const asy_loop *loop) { return loop != NULL ? loop->task_factory : NULL; }

size_t asy_loop_scheduled_count(const asy_loop *loop)
{
    if (loop == NULL)
        return 0;
    return asy_ilist_length(&loop->ready) + asy_heap_len(&loop->timers) - loop->cancelled_timers;
}

/* Take a timer out of the heap; its reference goes to the caller (who
 * queues its item or calls its release). */
static asy_ready *take_timer(asy_loop *loop, asy_heap_node *node)
{
    asy_ready *item = timer_item(node);
    asy_heap_remove(&loop->timers, node);
    if (is_handle(item)) {
        asy_handle *h = ASY_CONTAINER_OF(node, asy_handle, timer);
        h->in_heap = false;
        if (h->cancelled)
            loop->cancelled_timers--;
    }
    return item;
}

/* A heap node that belongs to a cancelled handle (an asy_timer is never
 * cancelled in the heap: asy__loop_timer_stop takes it out at once). */
static bool is_cancelled_timer(asy_heap_node *node)
{
    return is_handle(timer_item(node)) && ASY_CONTAINER_OF(node, asy_handle, timer)->cancelled;
}

static void drop_timer(asy_loop *loop, asy_heap_node *node)
{
    asy_ready *item = take_timer(loop, node);
    if (item->release != NULL)
        item->release(item);
}

/* A cancelled handle the sweep has already taken out of the array. */
static void drop_swept_timer(asy_loop *loop, asy_heap_node *node)
{
    asy_handle *h = ASY_CONTAINER_OF(node, asy_handle, timer);
    h->in_heap = false;
    loop->cancelled_timers--;
    asy_decref(h);
}

/* Drop the cancelled timers: those at the top always (they would decide
 * the timeout), and all of them once the heap holds more than 100 timers
 * and most are cancelled (CPython's rule). The sweep keeps the others in
 * place and restores the heap order in one O(n) pass. */
static void drop_cancelled_timers(asy_loop *loop)
{
    size_t n = asy_heap_len(&loop->timers);
    if (n > MIN_SCHEDULED_TIMERS && loop->cancelled_timers * 2 > n) {
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            asy_heap_node *node = loop->timers.items[i];
            if (is_cancelled_timer(node))
                drop_swept_timer(loop, node);
            else
                loop->timers.items[kept++] = node;
        }
        loop->timers.len = kept;
        asy_heap_heapify(&loop->timers);
    }
    asy_heap_node *top;
    while ((top = asy_heap_peek(&loop->timers)) != NULL && is_cancelled_timer(top))
        drop_timer(loop, top);
}

/* ---- timers embedded in other objects (asy_timer, for sleep) ---- */

void asy__loop_timer_start(asy_loop *loop, asy_timer *t, double when)
{
    t->node.when = when;
    asy_heap_push(&loop->timers, &t->node);
}

bool asy__loop_timer_stop(asy_loop *loop, asy_timer *t)
{
    size_t i = t->node.index;
    if (i >= asy_heap_len(&loop->timers) || loop->timers.items[i] != &t->node)
        return false; /* not in the heap: already due, or never started */
    drop_timer(loop, &t->node);
    return true;
}

/* ---- one turn ---- */

/* A descriptor is ready: queue its reader or writer (not twice). */
static void schedule_io(asy_loop *loop, asy_handle *h)
{
    if (h->cancelled || asy_ilist_linked(&h->ready.link))
        return;
    asy_incref(h);
    asy__loop_schedule(loop, &h->ready);
}

static asy_exc *run_once(asy_loop *loop);
static void push_running(asy_loop *loop, asy_ready *item);

/* Step 2 with descriptors registered: ask the selector, queue what is
 * ready. Returns how many descriptors were ready. */
static int wait_for_io(asy_loop *loop, double timeout)
{
    /* Room for every watched fd: select and poll report in fd order, so a
     * smaller buffer would starve the high descriptors whenever more than
     * it holds stay ready. It grows with the registrations, not per turn. */
    int want = (int)asy_selector_count(loop->selector);
    if (want < MIN_EVENTS)
        want = MIN_EVENTS;
    if (want > loop->events_cap) {
        asy_selector_event *ev = realloc(loop->events, (size_t)want * sizeof *ev);
        if (ev == NULL)
            asy_out_of_memory("the selector's events");
        loop->events = ev;
        loop->events_cap = want;
    }
    asy_selector_event *events = loop->events;
    int nready = 0;
    asy_exc *e = asy_selector_select(loop->selector, timeout, events, loop->events_cap, &nready);
    if (e != NULL) {
        asy_error_context ctx = {"selector failed", e, asy_none()};
        asy_loop_call_exception_handler(loop, &ctx);
        asy_decref(e);
        nready = 0;
    }
    for (int i = 0; i < nready; i++) {
        if (events[i].key->events == 0)
            continue; /* unregistered by a callback of this batch */
        if (events[i].key->data == &loop->wakeup_fd) {
            drain_wakeup(loop); /* chapter 29: another thread woke us */
            continue;
        }
        io_watcher *w = events[i].key->data;
        if ((events[i].events & ASY_EVENT_READ) && w->reader != NULL)
            schedule_io(loop, w->reader);
        if ((events[i].events & ASY_EVENT_WRITE) && w->writer != NULL)
            schedule_io(loop, w->writer);
    }
    return nready;
}

/* A turn run from inside a task's step would step other tasks (or this
 * one) while it is still the current task: CPython's _enter_task refuses
 * that with "Cannot enter into task ... while another task ... is being
 * executed." Here the turn refuses before it runs anything; the task hooks
 * (task.c) name the tasks. */
static asy_exc *refuse_inside_task(asy_loop *loop)
{
    if (loop->current_task == NULL || loop->task_hooks == NULL)
        return NULL;
    return loop->task_hooks->refuse_turn(loop);
}

/* Called on its own (a demo stepping the loop turn by turn), a turn makes
 * the loop the running one for its duration, as run_forever does. */
asy_exc *asy_loop_run_once(asy_loop *loop)
{
    if (loop == NULL)
        return asy__null_error("an event loop");
    if (loop->closed)
        return asy_exc_new(&asy_RuntimeError, "Event loop is closed");
    asy_loop *outer = running_loop;
    if (outer != NULL && outer != loop)
        return asy_exc_new(&asy_RuntimeError, "Cannot run the event loop while another loop is running");
    asy_exc *e = refuse_inside_task(loop);
    if (e != NULL)
        return e;
    bool was_running = loop->running;
    if (!was_running)
        loop->entry_step_depth = asy__gen_step_depth();
    loop->running = true; /* close() and run_forever() refuse, as inside run_forever */
    loop->thread = pthread_self();
    running_loop = loop;
    asy__coro_origin_fn outer_hook = asy__gen_set_origin_hook(origin_hook_of(loop));
    e = run_once(loop);
    asy__gen_set_origin_hook(outer_hook);
    running_loop = outer;
    loop->running = was_running;
    return e;
}

/* The virtual clock's deadlock: nothing is ready, no timer can come due,
 * and no descriptor could wake the loop up. */
static asy_exc *would_wait_forever(void)
{
    return asy_exc_new(&asy_RuntimeError, "Event loop would wait forever: nothing is ready, no timer "
                                          "will come due and no file descriptor is watched (virtual clock)");
}

/* The descriptors the program watches: the selector's, less the loop's
 * own wakeup descriptor (chapter 29). */
static size_t watched_fds(const asy_loop *loop)
{
    size_t n = asy_selector_count(loop->selector);
    return loop->wakeup_fd >= 0 && n > 0 ? n - 1 : n;
}

static asy_exc *run_once(asy_loop *loop)
{
    asy_heap_node *top;

    /* 0. (Chapter 29) What other threads sent joins the ready queue. */
    take_incoming(loop);

    /* 1. How long may the selector block? Not at all when something is
     *    ready or stop() was called (or the nearest timer is due); until the
     *    nearest timer, but at most a day; or forever (-1) without timers. */
    drop_cancelled_timers(loop);
    double timeout = -1.0;
    top = asy_heap_peek(&loop->timers);
    if (!asy_ilist_empty(&loop->ready) || loop->stopping) {
        timeout = 0.0;
    } else if (top != NULL) {
        double now = asy_loop_time(loop);
        timeout = asy_heap_due(top, now) ? 0.0 : top->when - now; /* NaN is due */
        if (timeout > MAXIMUM_SELECT_TIMEOUT)
            timeout = MAXIMUM_SELECT_TIMEOUT;
    }

    /* 2. Wait for I/O, then queue the callbacks of the ready descriptors.
     *    A virtual clock never waits for time: it polls, and if nothing at
     *    all could run, jumps straight to the nearest deadline. It never
     *    jumps to +infinity (sleep(inf), call_later(inf)): such a timer
     *    never comes due, so it does not count. With nothing else to wait
     *    for, only I/O could wake the loop: it blocks on the selector, or,
     *    with no descriptor to watch, it would wait forever, which on a
     *    virtual clock can only be a deadlock: the turn reports it, unless
     *    another thread owes the loop a result (run_in_executor, chapter
     *    29): then it waits for the wakeup descriptor.
     *    The wakeup descriptor (chapter 29) is always in the selector, so
     *    even a loop that watches nothing else sleeps in the selector, where
     *    another thread can wake it; only a turn with nothing to wait for
     *    (timeout 0, no descriptor of the program) makes no system call at
     *    all: tasks switching through the ready queue never enter the
     *    kernel, and step 0 of the next turn still sees what other threads
     *    sent. */
    bool jump = false;
    size_t watched = watched_fds(loop);
    if (loop->clock->is_virtual && timeout != 0.0) {
        jump = top != NULL && isfinite(top->when);
        if (!jump) {
            if (watched == 0 && loop->thread_jobs == 0)
                return would_wait_forever();
            timeout = -1.0;
        }
    }
    int nready = 0;
    bool waits = timeout != 0.0 || watched > 0; /* chapter 31: the trace's io_wait */
    if (waits)
        TRACE(loop, ASY_TRACE_IO_WAIT, NULL, jump && top != NULL ? top->when - asy_loop_time(loop) : timeout, "",
              jump ? "jump" : "select");
    if (watched > 0 || (!jump && timeout != 0.0))
        nready = wait_for_io(loop, jump ? 0.0 : timeout);
    if (jump && nready == 0 && (top = asy_heap_peek(&loop->timers)) != NULL)
        asy_clock_advance_to(loop->clock, top->when);
    if (waits)
        TRACE(loop, ASY_TRACE_IO_DONE, NULL, (double)nready, "", "");
    take_incoming(loop); /* (chapter 29) what woke the loop runs this turn */

    /* 3. Move the timers that are due to the ready queue, earliest first.
     *    (No timer, no need to read the clock.) */
    double end = asy_heap_len(&loop->timers) > 0 ? asy_loop_time(loop) : 0.0;
    while ((top = asy_heap_peek(&loop->timers)) != NULL && asy_heap_due(top, end)) {
        bool cancelled = is_cancelled_timer(top);
        double when = top->when;
        asy_ready *item = take_timer(loop, top);
        if (cancelled) {
            item->release(item);
        } else {
            TRACE(loop, ASY_TRACE_TIMER, NULL, when,
                  is_handle(item) ? ASY_CONTAINER_OF(item, asy_handle, ready)->fn_name : "timer", "");
            asy__loop_schedule(loop, item); /* the heap's reference moves along */
        }
    }

    /* 4. Run exactly what is ready now: detach the whole queue first, so
     *    that what these callbacks schedule waits for the next turn. (A
     *    turn run by a callback of this one takes over the rest of the
     *    batch, as a nested _run_once does in CPython.) */
    move_all(&loop->batch, &loop->ready, false);
    asy_ilist *n;
    while ((n = asy_ilist_pop_front(&loop->batch)) != NULL) {
        asy_ready *item = ASY_CONTAINER_OF(n, asy_ready, link);
        push_running(loop, item);
        item->run(item);
        loop->nrunning--;
        if (item->release != NULL)
            item->release(item);
    }
    return NULL;
}

/* Move every item of src to the back (or the front) of dst. */
static void move_all(asy_ilist *dst, asy_ilist *src, bool front)
{
    if (asy_ilist_empty(src))
        return;
    asy_ilist *first = src->next, *last = src->prev;
    asy_ilist *before = front ? dst : dst->prev, *after = front ? dst->next : dst;
    before->next = first;
    first->prev = before;
    last->next = after;
    after->prev = last;
    asy_ilist_init(src);
}

/* Remember the item whose run() starts now (until it returns). The array
 * grows only when turns nest deeper than before: no allocation per step. */
static void push_running(asy_loop *loop, asy_ready *item)
{
    if (loop->nrunning == loop->running_cap) {
        size_t cap = loop->running_cap ? loop->running_cap * 2 : 4;
        asy_ready **items = realloc(loop->running_items, cap * sizeof *items);
        if (items == NULL)
            asy_out_of_memory("the loop's running items");
        loop->running_items = items;
        loop->running_cap = cap;
    }
    loop->running_items[loop->nrunning++] = item;
}

asy_exc *asy_loop_recover(asy_loop *loop, asy_exc *exc)
{
    if (loop == NULL) {
        asy_decref(exc);
        return asy__null_error("an event loop");
    }
    if (!loop->running) {
        asy_decref(exc);
        return asy_exc_new(&asy_RuntimeError, "The event loop is not running: there is nothing to recover");
    }
    /* The steps the jump left had no step_depth-- (gen.c): without this, the
     * RecursionError guard would count them forever. */
    asy__gen_set_step_depth(loop->entry_step_depth);
    /* The tasks whose step was cut short, and run_until_complete's
     * callback: chapter 12's part. */
    if (loop->task_hooks != NULL)
        loop->task_hooks->recover(loop, exc);
    else
        asy_decref(exc);
    loop->current_task = NULL;
    /* What the turn had still to run is ready again, first in line. */
    move_all(&loop->ready, &loop->batch, true);
    /* The items whose run() never returned give back their reference. */
    while (loop->nrunning > 0) {
        asy_ready *item = loop->running_items[--loop->nrunning];
        if (item->release != NULL)
            item->release(item);
    }
    asy_decref(asy__loop_take_until(loop));
    loop->running = false;
    loop->stopping = false;
    if (running_loop == loop) {
        running_loop = NULL;
        asy__gen_set_origin_hook(NULL); /* chapter 31: run_forever did not get to */
    }
    int refs = loop->forever_refs;
    loop->forever_refs = 0;
    while (refs-- > 0)
        asy_decref(loop); /* the caller holds its own reference */
    return NULL;
}

asy_exc *asy_loop_run_forever(asy_loop *loop)
{
    if (loop == NULL)
        return asy__null_error("an event loop");
    if (loop->closed)
        return asy_exc_new(&asy_RuntimeError, "Event loop is closed");
    if (loop->running)
        return asy_exc_new(&asy_RuntimeError, "This event loop is already running");
    if (running_loop != NULL)
        return asy_exc_new(&asy_RuntimeError, "Cannot run the event loop while another loop is running");
    loop->running = true;
    loop->entry_step_depth = asy__gen_step_depth();
    loop->thread = pthread_self();
    running_loop = loop;
    asy__coro_origin_fn outer_hook = asy__gen_set_origin_hook(origin_hook_of(loop));
    asy_incref(loop); /* no one can free it under our feet */
    loop->forever_refs++;
    asy_exc *e = NULL;
    for (;;) {
        e = run_once(loop);
        if (e != NULL || loop->stopping)
            break;
    }
    asy__gen_set_origin_hook(outer_hook);
    loop->stopping = false;
    loop->running = false;
    running_loop = NULL;
    loop->forever_refs--;
    asy_decref(loop);
    return e;
}

void asy_loop_stop(asy_loop *loop)
{
    if (loop != NULL)
        loop->stopping = true;
}

asy_loop *asy_get_running_loop(asy_exc **error)
{
    if (running_loop == NULL && error != NULL)
        *error = asy_exc_new(&asy_RuntimeError, "no running event loop");
    return running_loop;
}

/* ---- I/O ---- */

asy_exc *asy__loop_add_io(asy_loop *loop, int fd, int event, asy_callback_fn fn, const char *name,
                          asy_value arg)
{
    if (loop == NULL || fn == NULL) {
        asy_value_decref(arg);
        return asy__null_error(loop == NULL ? "an event loop" : "a callback");
    }
    if (loop->closed) {
        asy_value_decref(arg);
        return asy_exc_new(&asy_RuntimeError, "Event loop is closed");
    }
    if (fd < 0 || fd == loop->wakeup_fd) { /* (the loop's own wakeup fd is not the program's) */
        asy_value_decref(arg);
        return asy_exc_new(&asy_ValueError, "Invalid file descriptor: %d", fd);
    }
    const asy_selector_key *key = asy_selector_get_key(loop->selector, fd);
    io_watcher *w = key != NULL ? key->data : NULL;
    bool fresh = w == NULL;
    if (fresh) {
        w = calloc(1, sizeof *w);
        if (w == NULL)
            asy_out_of_memory("an I/O watcher");
        w->fd = fd;
    }
    int events = (w->reader ? ASY_EVENT_READ : 0) | (w->writer ? ASY_EVENT_WRITE : 0) | event;
    asy_exc *e = fresh ? asy_selector_register(loop->selector, fd, events, w)
                       : asy_selector_modify(loop->selector, fd, events, w);
    if (e != NULL) {
        if (fresh)
            free(w);
        asy_value_decref(arg);
        return e;
    }
    asy_handle **slot = event == ASY_EVENT_READ ? &w->reader : &w->writer;
    if (*slot != NULL) {
        asy_handle_cancel(*slot);
        asy_decref(*slot);
    }
    *slot = handle_new(loop, fn, name, arg);
    return NULL;
}

static bool remove_io(asy_loop *loop, int fd, int event)
{
    if (loop == NULL || loop->closed || loop->selector == NULL || fd == loop->wakeup_fd)
        return false;
    const asy_selector_key *key = asy_selector_get_key(loop->selector, fd);
    if (key == NULL)
        return false;
    io_watcher *w = key->data;
    asy_handle **slot = event == ASY_EVENT_READ ? &w->reader : &w->writer;
    if (*slot == NULL)
        return false;
    asy_handle_cancel(*slot); /* it may be queued for this very turn */
    asy_decref(*slot);
    *slot = NULL;
    int events = (w->reader ? ASY_EVENT_READ : 0) | (w->writer ? ASY_EVENT_WRITE : 0);
    if (events == 0) {
        asy_decref(asy_selector_unregister(loop->selector, fd));
        free(w);
    } else {
        asy_decref(asy_selector_modify(loop->selector, fd, events, w));
    }
    return true;
}

bool asy_loop_remove_reader(asy_loop *loop, int fd) { return remove_io(loop, fd, ASY_EVENT_READ); }
bool asy_loop_remove_writer(asy_loop *loop, int fd) { return remove_io(loop, fd, ASY_EVENT_WRITE); }

/* ---- chapter 31: debug mode ---- */

void asy_loop_set_debug(asy_loop *loop, bool enabled)
{
    if (loop == NULL)
        return;
    loop->debug = enabled;
    /* Out of debug mode, freed tasks are no longer taken out of the table
     * of origins (task.c asks only in debug mode): drop it now, before an
     * address it holds can be reused by a new task. */
    if (!enabled)
        asy__origins_free(&loop->origins);
    if (loop == running_loop) /* new coroutines are tracked from now on (or no more) */
        asy__gen_set_origin_hook(origin_hook_of(loop));
}

bool asy_loop_get_debug(const asy_loop *loop) { return loop != NULL && loop->debug; }

asy__origins **asy__loop_origins(asy_loop *loop) { return &loop->origins; }

asy_exc *asy_loop_set_slow_callback_duration(asy_loop *loop, double seconds)
{
    if (loop == NULL)
        return asy__null_error("an event loop");
    if (!(seconds >= 0.0))
        return asy_exc_new(&asy_ValueError, "slow_callback_duration must be >= 0, got %g", seconds);
    loop->slow_callback_duration = seconds;
    return NULL;
}

double asy_loop_get_slow_callback_duration(const asy_loop *loop)
{
    return loop != NULL ? loop->slow_callback_duration : 0.0;
}

double asy__loop_debug_start(asy_loop *loop)
{
    return loop->debug ? asy_loop_time(loop) : 0.0;
}

void asy__loop_debug_check_slow(asy_loop *loop, double t0, asy_obj *source)
{
    double dt = asy_loop_time(loop) - t0;
    if (!loop->debug || !(dt >= loop->slow_callback_duration))
        return;
    char msg[ASY_FMT_MAX + 64];
    snprintf(msg, sizeof msg, "Executing %s took %.3f seconds", ASY_REPR(asy_obj_value(source)), dt);
    asy_error_context ctx = {msg, NULL, asy_none()};
    asy_loop_call_exception_handler(loop, &ctx);
}

/* ---- chapter 31: tracing ---- */

static const char *const trace_kind_names[] = {
    "task_new", "step", "step_end", "wait", "task_done",
    "callback", "callback_end", "io_wait", "io_done", "timer",
};

const char *asy_trace_kind_name(asy_trace_kind kind)
{
    return (unsigned)kind < sizeof trace_kind_names / sizeof *trace_kind_names ? trace_kind_names[kind] : "?";
}

void asy_loop_set_trace(asy_loop *loop, asy_trace_fn fn, void *arg)
{
    if (loop == NULL)
        return;
    loop->trace_fn = fn;
    loop->trace_arg = arg;
}

void asy__trace(asy_loop *loop, asy_trace_kind kind, const void *task, double value, const char *name,
                const char *detail)
{
    if (loop->trace_fn == NULL)
        return;
    asy_trace_event ev = {kind, asy_loop_time(loop), task, value, name != NULL ? name : "",
                          detail != NULL ? detail : ""};
    loop->trace_fn(loop, &ev, loop->trace_arg);
}

/* ASY_TRACE's sink: one tab-separated line per event (tabs and newlines
 * inside the strings become spaces, so every line parses). */
static void put_field(FILE *f, const char *s)
{
    fputc('\t', f);
    for (; *s != '\0'; s++)
        fputc(*s == '\t' || *s == '\n' ? ' ' : *s, f);
}

static void file_sink(asy_loop *loop, const asy_trace_event *ev, void *arg)
{
    (void)loop;
    FILE *f = arg;
    fprintf(f, "%.6f\t%s\t%p\t%g", ev->time, asy_trace_kind_name(ev->kind), ev->task, ev->value);
    put_field(f, ev->name);
    put_field(f, ev->detail);
    fputc('\n', f);
}

static void trace_from_env(asy_loop *loop)
{
    const char *path = getenv("ASY_TRACE");
    if (path == NULL || path[0] == '\0')
        return;
    loop->trace_file = fopen(path, "a");
    if (loop->trace_file == NULL)
        return; /* tracing is a spectator: a file it cannot open changes nothing */
    fprintf(loop->trace_file, "loop\n");
    asy_loop_set_trace(loop, file_sink, loop->trace_file);
}
