/*
 * loop.h - the event loop: a ready queue, a timer heap and a selector.
 * Chapter: 10 (add_reader / add_writer build on chapter 07's selector)
 *
 * An event loop (事件循环) is chapter 04's trampoline grown up. The
 * trampoline could only say "run this again soon"; the loop can also say
 * "run this at time T" (a timer) and "run this when fd is readable" (I/O).
 * Everything it runs is a callback. One turn of the loop, run_once(), is
 * CPython's BaseEventLoop._run_once:
 *
 *   1. timeout: 0 if a callback is ready (or stop() was called), else the
 *      time until the nearest timer, else "forever";
 *   2. wait on the selector for at most that long, and queue the callbacks
 *      of the descriptors that became ready;
 *   3. move the timers that are due to the ready queue, in deadline order
 *      (cancelled ones are dropped here: cancel is lazy);
 *   4. run exactly the callbacks that were ready when this step began;
 *      the ones they schedule wait for the next turn, so a callback that
 *      reschedules itself can never starve the selector.
 *
 * Callbacks are C functions taking one value (Python's *args shrunk to one;
 * pass a pointer or an object for more). A callback that fails returns its
 * exception instead of NULL; the loop hands it to its exception handler
 * (the default one prints it) and carries on: a failing callback never
 * stops the loop.
 *
 *     static asy_exc *hello(asy_value arg) { printf("hello %s\n", ASY_STR(arg)); return NULL; }
 *     asy_exc *err;
 *     asy_handle *h = asy_loop_call_later(loop, 1.0, hello, asy_str("world"), &err);
 *     if (h == NULL) { asy_exc_print(err, stderr); ... }  // a closed loop
 *     asy_decref(h);                                      // we will not cancel it
 *
 * WHERE THE REST OF THE LOOP IS. Two methods of Python's loop need tasks
 * (chapter 12), so they are declared with them in task.h, not here:
 * loop.create_task(coro) is asy_loop_create_task, and
 * loop.run_until_complete(aw) is asy_loop_run_until_complete.
 * asyncio.run(main) is runners.h (CPython's runners.py), chapter 12 too.
 *
 * OWNERSHIP. The loop is a counted object: asy_loop_new returns a new
 * reference; asy_loop_close releases what it holds but the struct lives
 * until the last asy_decref, so a closed loop answers "Event loop is
 * closed" instead of being freed under you. call_soon / call_later /
 * call_at steal `arg` and return a new reference to the handle (drop it at
 * once with asy_decref if you will not cancel it). The loop keeps its own
 * reference to every scheduled handle until it has run or been dropped.
 */
#ifndef ASY_LOOP_H
#define ASY_LOOP_H

#include <math.h>
#include <stdio.h>
#include <stdbool.h>

#include "clock.h"
#include "exc.h"
#include "heap.h"
#include "ilist.h"
#include "selector.h"
#include "value.h"

typedef struct asy_loop asy_loop;

/* Python's timeout=None for every API that takes a timeout (wait, wait_for,
 * as_completed...): no timeout at all. It is +infinity, and +infinity is
 * what it means in CPython too: call_later(inf) never comes due. Only
 * +inf is "none": -inf is a timeout already past (expire at once), and a
 * NaN timeout is a timer due at the next turn (call_at below), as in
 * CPython, which hands both to call_later. */
#define ASY_NO_TIMEOUT ((double)INFINITY)
/* Is t Python's None (+infinity)? */
static inline bool asy_is_no_timeout(double t) { return isinf(t) && t > 0; }

/* A callback: returns NULL, or the exception it failed with (a new
 * reference, which the loop reports and releases). `arg` is borrowed. */
typedef asy_exc *(*asy_callback_fn)(asy_value arg);

/* ---- the ready queue's items ----
 * Anything the loop can run: a handle from call_soon, and, from chapter 11
 * on, a future's callbacks and a task's next step. Futures and tasks embed
 * their item, so scheduling them allocates nothing. `run` is called with
 * the item; `release` (may be NULL) gives back the loop's reference when
 * the item has run or the loop drops it. */
typedef struct asy_ready {
    asy_ilist link;
    void (*run)(struct asy_ready *self);
    void (*release)(struct asy_ready *self);
} asy_ready;

/* ---- handles: asyncio.Handle and asyncio.TimerHandle ---- */
typedef struct asy_handle {
    asy_obj ob;
    asy_ready ready;        /* in the loop's ready queue */
    asy_heap_node timer;    /* in the loop's timer heap (call_later/call_at) */
    asy_loop *loop;         /* borrowed: the loop outlives what it schedules */
    asy_callback_fn fn;
    const char *fn_name;    /* for repr and error reports: "hello" */
    asy_value arg;          /* owned */
    bool cancelled;
    bool is_timer;
    bool in_heap;
} asy_handle;

/* handle.cancel(): the callback will not run. Cancelling twice, or after
 * it ran, does nothing. A cancelled timer leaves the heap lazily, when it
 * reaches the top. */
void asy_handle_cancel(asy_handle *h);
/* handle.cancelled() */
bool asy_handle_cancelled(const asy_handle *h);
/* TimerHandle.when(): the deadline in loop time. */
double asy_handle_when(const asy_handle *h);

/* ---- making and closing a loop ---- */
typedef struct asy_loop_options {
    const asy_selector_backend *selector; /* NULL: epoll, the default */
    bool virtual_clock;                   /* a virtual clock with autojump (clock.h) */
} asy_loop_options;

/* A new loop (new reference). opts may be NULL for the defaults. When the
 * selector cannot be made (too many open files, an unknown backend...),
 * NULL with *error set to what the selector reported (an OSError, a
 * ValueError); otherwise *error is set to NULL. error may be NULL. */
asy_loop *asy_loop_new(const asy_loop_options *opts, asy_exc **error);

/* loop.close(): drop the callbacks and timers still scheduled and release
 * the selector. RuntimeError "Cannot close a running event loop" while it
 * runs; closing twice does nothing. Returns NULL or the error (new ref). */
asy_exc *asy_loop_close(asy_loop *loop);
bool asy_loop_is_closed(const asy_loop *loop);

/* loop.time(): the loop's clock (monotonic, or virtual). */
double asy_loop_time(asy_loop *loop);
/* The loop's clock itself (borrowed). */
asy_clock *asy_loop_clock(asy_loop *loop);

/* ---- scheduling callbacks ---- */
/* loop.call_soon(fn, arg): run fn(arg) at the next turn, after the
 * callbacks already queued (FIFO). Steals arg; new reference to the handle,
 * with *error set to NULL. On a closed loop: NULL, arg released, and
 * *error set to RuntimeError "Event loop is closed" (error may be NULL).
 * The same for call_later and call_at. A NULL fn is refused at once with
 * TypeError (CPython checks the callback only in debug mode, and a None
 * callback fails later, in the loop).
 * (These are macros so that the handle knows the callback's name, which C
 * cannot find out at run time; the functions behind them take it.) */
#define asy_loop_call_soon(loop, fn, arg, error) asy__loop_call_soon((loop), (fn), #fn, (arg), (error))
/* loop.call_later(delay, fn, arg): run fn(arg) `delay` seconds from now.
 * A delay <= 0 is "as soon as possible", but still after every call_soon
 * made before it ran: timers join the ready queue only in step 3. */
#define asy_loop_call_later(loop, delay, fn, arg, error) \
    asy__loop_call_later((loop), (delay), (fn), #fn, (arg), (error))
/* loop.call_at(when, fn, arg): run fn(arg) at loop time `when`. Equal
 * deadlines run in the order they were scheduled.
 *
 * Numbers at the edges (call_later's delay, call_at's when), as CPython:
 *   - -inf, or any deadline already past: due at the next turn;
 *   - +inf (or a deadline years away): never due. On the real clock the
 *     loop still sleeps without burning CPU: one wait of the selector lasts
 *     at most a day (CPython's MAXIMUM_SELECT_TIMEOUT), then it looks
 *     again. The virtual clock never jumps to it (see run_forever);
 *   - NaN: due at the next turn, before the other timers (heap.h says why:
 *     CPython's heap cannot place a NaN; its loop runs one at the top at
 *     the next turn, and this heap always puts it there). The handle's
 *     when() still answers NaN, as TimerHandle.when() does. */
#define asy_loop_call_at(loop, when, fn, arg, error) \
    asy__loop_call_at((loop), (when), (fn), #fn, (arg), (error))

asy_handle *asy__loop_call_soon(asy_loop *loop, asy_callback_fn fn, const char *name, asy_value arg,
                                asy_exc **error);
asy_handle *asy__loop_call_later(asy_loop *loop, double delay, asy_callback_fn fn, const char *name,
                                 asy_value arg, asy_exc **error);
asy_handle *asy__loop_call_at(asy_loop *loop, double when, asy_callback_fn fn, const char *name,
                              asy_value arg, asy_exc **error);

/* ---- running ---- */
/* loop.run_forever(): turn until stop() is called. RuntimeError when the
 * loop is closed ("Event loop is closed"), already running ("This event
 * loop is already running"), or another loop runs in this thread ("Cannot
 * run the event loop while another loop is running").
 * On a virtual clock only: when nothing is ready, no timer can come due
 * (none left, or only timers at +infinity, such as sleep(inf)) and no file
 * descriptor is watched, nothing can ever happen again: CPython's loop
 * (and this one on the real clock) would block forever. A virtual loop
 * cannot jump to infinity, so it stops instead and returns RuntimeError
 * "Event loop would wait forever: ..." (a deadlock report; the loop is
 * stopped, not closed, and what was scheduled is still there).
 * run_until_complete and asyncio.run pass that error on. */
asy_exc *asy_loop_run_forever(asy_loop *loop);
/* loop.stop(): the current turn finishes, then run_forever returns. Called
 * before run_forever, it makes the next run_forever do one turn. */
void asy_loop_stop(asy_loop *loop);
bool asy_loop_is_running(const asy_loop *loop);
/* One turn (the four steps above), for the chapter's demos and tests.
 * Returns NULL, or the RuntimeError (new reference) that stopped it:
 * without turning, "Event loop is closed" on a closed loop, "Cannot run
 * the event loop while another loop is running" when another loop runs in
 * this thread, and "Cannot enter into task ... while another task ... is
 * being executed." when called from inside a task's step (CPython's
 * _enter_task: the turn would step other tasks, or this one, while this
 * one is being executed); or the virtual clock's deadlock report "Event
 * loop would wait forever ..." (run_forever). */
asy_exc *asy_loop_run_once(asy_loop *loop);

/* ---- leaving the loop with longjmp ----
 * C has no exceptions, so the C form of a BaseException (KeyboardInterrupt,
 * SystemExit) that leaves run_forever is a longjmp from a callback or a
 * coroutine body to a setjmp around the call. Python unwinds through
 * run_forever's `finally` (the loop stops being the running one) and the
 * task whose step raised ends with that exception. C unwinds nothing: the
 * loop is left half-way through a turn, still marked running, still the
 * thread's running loop. The caller must then call
 *
 *     asy_loop_recover(loop, exc)   (exc: what the jump stands for, stolen)
 *
 * after the longjmp has landed outside every run of the loop, before
 * anything else touches the loop. It puts the loop in the state Python's
 * loop is in after a KeyboardInterrupt left run_forever:
 *   - the loop is stopped and no longer the running loop of the thread;
 *     no task is current; run_forever's own reference is released;
 *   - the callbacks the interrupted turn had not run yet are ready again,
 *     first in line (Python leaves them in _ready);
 *   - the task whose step was cut short (and an eager task whose first step
 *     it was running) ends with `exc` as its exception, as Python's Task
 *     does with a BaseException; its coroutines are finished WITHOUT their
 *     cleanup code: the C code after their last suspension point was cut
 *     short, so it can be neither resumed nor finished. Their frames' clear
 *     functions still release what the frames own (a body that jumps out
 *     must leave its frame consistent, as one that returns would). exc may
 *     be NULL: the task then ends with BaseException("longjmp out of the
 *     event loop");
 *   - run_until_complete's done callback and future are released;
 *   - the thread's count of nested generator steps (gen.h's RecursionError
 *     guard) is back where it was when the loop started running: the steps
 *     the jump left never ended, and would count against the limit.
 * Then the loop can be closed (which abandons the tasks still pending, and
 * runs THEIR cleanup, since they were suspended at an await), or run again;
 * and another loop can run in the thread. After a longjmp out of asy_run(),
 * the loop asy_run made is still the running loop: find it with
 * asy_get_running_loop(NULL), recover it, close it, and release it (the
 * reference asy_run would have released).
 * What cannot be recovered: a longjmp out of a callback of a future's
 * done-callback list loses the callbacks after it in that list; a body that
 * jumped out with its frame inconsistent. Returns NULL, or RuntimeError
 * when the loop is not running (nothing to recover), TypeError for NULL. */
asy_exc *asy_loop_recover(asy_loop *loop, asy_exc *exc);

/* asyncio.get_running_loop(): the loop running in this thread (borrowed),
 * or NULL with *error set to RuntimeError "no running event loop" when
 * error is not NULL. */
asy_loop *asy_get_running_loop(asy_exc **error);

/* ---- I/O: the selector underneath ---- */
/* loop.add_reader(fd, fn, arg): call fn(arg) at every turn fd is readable,
 * until remove_reader. Replaces an earlier reader of fd. Steals arg.
 * Returns NULL or the error (ValueError for a bad fd; what the selector
 * refuses). Same for writers. */
#define asy_loop_add_reader(loop, fd, fn, arg) asy__loop_add_io((loop), (fd), ASY_EVENT_READ, (fn), #fn, (arg))
#define asy_loop_add_writer(loop, fd, fn, arg) asy__loop_add_io((loop), (fd), ASY_EVENT_WRITE, (fn), #fn, (arg))
asy_exc *asy__loop_add_io(asy_loop *loop, int fd, int event, asy_callback_fn fn, const char *name,
                          asy_value arg);
/* True if a reader (writer) was registered for fd. */
bool asy_loop_remove_reader(asy_loop *loop, int fd);
bool asy_loop_remove_writer(asy_loop *loop, int fd);

/* ---- errors from callbacks ---- */
/* What went wrong, as asyncio's handler "context" dict has it. */
typedef struct asy_error_context {
    const char *message;   /* "Exception in callback ...", "Task exception was never retrieved" */
    asy_exc *exception;    /* borrowed; may be NULL */
    asy_value source;      /* borrowed: the handle, future or task involved, or None */
} asy_error_context;

typedef void (*asy_exception_handler_fn)(asy_loop *loop, const asy_error_context *ctx, void *arg);

/* loop.set_exception_handler(fn): NULL restores the default. */
void asy_loop_set_exception_handler(asy_loop *loop, asy_exception_handler_fn fn, void *arg);
/* loop.default_exception_handler(ctx): prints the message, the source and
 * the exception to stderr. */
void asy_loop_default_exception_handler(asy_loop *loop, const asy_error_context *ctx);
/* loop.call_exception_handler(ctx): the handler in force (the default one
 * for a NULL loop, so that the report is not lost; a NULL ctx is nothing
 * to report). */
void asy_loop_call_exception_handler(asy_loop *loop, const asy_error_context *ctx);

/* The loop as a value (new reference), and back (borrowed, or NULL). */
asy_value asy_loop_value(asy_loop *loop);
asy_loop *asy_value_loop(asy_value v);

/* loop.set_task_factory(factory) and loop.get_task_factory() (chapter 12):
 * what create_task calls to make a task. NULL (the default) makes a task
 * whose first step is scheduled; task.h has asy_eager_task_factory, which
 * runs the first step at once (Python 3.12). A factory follows
 * create_task's contract: it steals coro and returns a new reference, or
 * NULL with *error set (error may be NULL). */
struct asy_task;
struct asy_gen;
typedef struct asy_task *(*asy_task_factory)(asy_loop *loop, struct asy_gen *coro, const char *name,
                                             asy_exc **error);
void asy_loop_set_task_factory(asy_loop *loop, asy_task_factory factory);
asy_task_factory asy_loop_get_task_factory(const asy_loop *loop);
/* A timer embedded in an object of a library module (chapter 12's sleep),
 * so that waking up at a time costs no TimerHandle: internal.h,
 * asy__loop_timer_start / asy__loop_timer_stop. */
typedef struct asy_timer {
    asy_ready ready;
    asy_heap_node node;
} asy_timer;
/* ---- chapter 29: threads ----
 * loop.call_soon_threadsafe(fn, arg): the only door into a loop from
 * another thread. Schedules fn(arg) like call_soon (steals arg), but from
 * any thread: the handle goes into a queue of its own, under a mutex; the
 * loop moves that queue to its ready queue at the start of each turn (and
 * right after its wait); and a write to the loop's wakeup descriptor (an
 * eventfd in the selector) wakes the loop if it is asleep in epoll_wait.
 * Plain call_soon from another thread is a data race: it pushes onto the
 * ready queue while the loop's thread pops from it, and nothing wakes a
 * sleeping loop (debug mode detects it, chapter 31).
 * Returns NULL, or the error (new reference, arg released):
 * RuntimeError "Event loop is closed" once close() has begun, TypeError
 * for a NULL loop or fn. CPython returns the Handle; this returns none,
 * because a handle held by two threads would need an atomic reference
 * count (and Handle.cancel() from another thread races in CPython too).
 * The loop must outlive the threads that may call this (join them, or
 * shut their executor down, before the last asy_decref of the loop). */
#define asy_loop_call_soon_threadsafe(loop, fn, arg) asy__loop_call_soon_threadsafe((loop), (fn), #fn, (arg))
asy_exc *asy__loop_call_soon_threadsafe(asy_loop *loop, asy_callback_fn fn, const char *name, asy_value arg);
/* How many callbacks are waiting: ready items plus timers not cancelled.
 * Tests end by checking it is 0 ("nothing still scheduled"). 0 for NULL. */
size_t asy_loop_scheduled_count(const asy_loop *loop);

/* ---- chapter 31: debug mode ----
 * asyncio's debug mode (loop.set_debug(True), asyncio.run(debug=True),
 * PYTHONASYNCIODEBUG=1): checks too costly to make all the time.
 *   - slow callbacks: a callback or a task step that keeps the loop for
 *     slow_callback_duration seconds or more (0.1 by default) of loop time
 *     is reported through the exception handler, with no exception and the
 *     message "Executing <Handle ...> took 0.150 seconds" (CPython logs the
 *     same line as a warning). Measured on the loop's clock, so on a
 *     virtual clock a test decides how long a callback "took" by advancing
 *     the clock inside it. The steps of tasks and the callbacks of handles
 *     are measured; a future's done callbacks other than a task's wakeup
 *     are not;
 *   - thread checks: call_soon, call_later and call_at from a thread other
 *     than the one running the loop fail with RuntimeError "Non-thread-safe
 *     operation invoked on an event loop other than the current one"
 *     (CPython's _check_thread). Without debug mode such a call is a data
 *     race that nothing reports;
 *   - where a coroutine was made: while the loop runs in debug mode, a
 *     new coroutine records the await chain of the task creating it, and
 *     its "never awaited" warning prints it (internal.h, the origin hook;
 *     task.c, coro_origin);
 *   - where a task was made (CPython's task._source_traceback): a task
 *     created in debug mode gets the same record, kept in a side table of
 *     the loop (task address -> record), not in the task: one more field
 *     would push every task into the next size class of the object cache
 *     (chapter 12's spawn: 88 -> 148 ns). "Task exception was never
 *     retrieved" and "Task was destroyed but it is pending!" print it
 *     under "source_traceback: Object created at (most recent call
 *     last):"; asy_task_get_source_traceback (introspect.h) reads it. A
 *     task leaves the table when it is freed; turning debug mode off drops
 *     the table.
 * The environment variable ASY_DEBUG (read by asy_loop_new; anything but
 * "" or "0") turns it on for every loop a program makes, without changing
 * the program: PYTHONASYNCIODEBUG's twin. asyncio.run(main(), debug=True)
 * is asy_loop_set_debug(asy_get_running_loop(NULL), true) at the top of
 * main (asy_loop_options has no debug field: the many `{NULL, true}`
 * initialisers of the earlier chapters would all have to name it). */
/* Turning debug mode off also drops the table of task origins. */
void asy_loop_set_debug(asy_loop *loop, bool enabled);
bool asy_loop_get_debug(const asy_loop *loop); /* false for NULL */
/* loop.slow_callback_duration: seconds; a negative or NaN value is refused
 * (ValueError, returned; new reference). */
asy_exc *asy_loop_set_slow_callback_duration(asy_loop *loop, double seconds);
double asy_loop_get_slow_callback_duration(const asy_loop *loop); /* 0.1 by default; 0 for NULL */

/* ---- chapter 31: tracing a run ----
 * The loop can tell a sink everything it does, as it does it, with the
 * loop's time: a recording to draw afterwards (tools/tracepic.c turns one
 * into a timeline picture and a Chrome trace-event file). When no sink is
 * set, each place that would report costs one predictable branch on a
 * field that is NULL.
 *
 *   kind        emitted by  task  value            name        detail
 *   TASK_NEW    create_task  yes  -                task name   coroutine name
 *   STEP        a step begins yes -                task name   -
 *   STEP_END    it ends       yes  -                task name   "yielded", "returned", "raised"
 *   WAIT        it waits      yes  -                label       what it waits on (repr)
 *   TASK_DONE   it is done    yes  -                task name   "finished", "cancelled", "raised X"
 *   CALLBACK    a handle runs no   -                callback    the handle's repr
 *   CALLBACK_END              no   -                callback    -
 *   IO_WAIT     step 2 waits  no   timeout (-1: forever) -     "select", "sleep" or "jump"
 *   IO_DONE     it is back    no   descriptors ready -         -
 *   TIMER       step 3        no   the deadline     callback or "timer" -
 *
 * `task` identifies a task (its address: equal for the events of one task,
 * and reused only after it is freed); the strings are borrowed for the
 * call. The WAIT label is short: the name of the task waited for, the
 * type of the future ("_GatheringFuture"), or, for a plain Future, the
 * innermost coroutine awaiting it ("sleep").
 *
 * ASY_TRACE=path in the environment makes asy_loop_new install a sink that
 * appends the events to that file, one line each, tab-separated:
 * TIME KIND TASK VALUE NAME DETAIL, after a line "loop" for each new loop
 * (the format tools/tracepic reads; `make trace CH=NN DEMO=X` uses it).
 * Nothing the program prints changes. */
typedef enum asy_trace_kind {
    ASY_TRACE_TASK_NEW,
    ASY_TRACE_STEP,
    ASY_TRACE_STEP_END,
    ASY_TRACE_WAIT,
    ASY_TRACE_TASK_DONE,
    ASY_TRACE_CALLBACK,
    ASY_TRACE_CALLBACK_END,
    ASY_TRACE_IO_WAIT,
    ASY_TRACE_IO_DONE,
    ASY_TRACE_TIMER,
} asy_trace_kind;

typedef struct asy_trace_event {
    asy_trace_kind kind;
    double time;       /* loop.time() when it happened */
    const void *task;  /* the task, or NULL */
    double value;      /* see the table */
    const char *name;  /* see the table; "" when none */
    const char *detail;
} asy_trace_event;

typedef void (*asy_trace_fn)(asy_loop *loop, const asy_trace_event *ev, void *arg);

/* Set the loop's sink (NULL: tracing off). arg is passed to every call. */
void asy_loop_set_trace(asy_loop *loop, asy_trace_fn fn, void *arg);
/* "task_new", "step", ... (the names of the file format). */
const char *asy_trace_kind_name(asy_trace_kind kind);

/* For task.c: is a sink set (one load and a branch), and report. */
struct asy__loop_prefix {
    asy_obj ob;
    asy_trace_fn trace_fn;
    void *trace_arg;
    bool debug;
};
static inline bool asy__tracing(const asy_loop *loop)
{
    return __builtin_expect(((const struct asy__loop_prefix *)(const void *)loop)->trace_fn != NULL, 0);
}
/* For task.c: asy_loop_get_debug without a call (the step's one branch). */
static inline bool asy__loop_debug(const asy_loop *loop)
{
    return __builtin_expect(((const struct asy__loop_prefix *)(const void *)loop)->debug, 0);
}
void asy__trace(asy_loop *loop, asy_trace_kind kind, const void *task, double value, const char *name,
                const char *detail);

#endif /* ASY_LOOP_H */
