/*
 * task.c - tasks, sleep and run (chapters 12-13).
 *
 * Read task_step() first: one step of the coroutine and one case per way
 * the step can end, as CPython's Task.__step. task_wakeup() is the done
 * callback that a task puts on the future it waits for.
 */
#include "task.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void task_dealloc(asy_obj *self);
static int task_format(asy_obj *self, char *buf, size_t size, bool repr);

static bool task_cancel_method(asy_future *fut, const char *msg);

/* A task cancels its own way, and only its coroutine completes it. */
static const asy_future_methods task_methods = {.cancel = task_cancel_method, .completes_itself = true};

/* A task awaits like a future (it is one): same send/throw/close. */
const asy_type asy_task_type = {.name = "Task", .dealloc = task_dealloc, .format = task_format,
                                 .iter = &asy__future_iter_ops, .base = &asy_future_type,
                                 .methods = &task_methods};

static void step_run(asy_ready *item);
static void step_release(asy_ready *item);
static void abandon_tasks(asy_loop *loop);
static asy_exc *refuse_turn(asy_loop *loop);
static void recover_tasks(asy_loop *loop, asy_exc *exc);
static asy_value coro_origin(void);
static const asy_loop_task_hooks task_hooks = {refuse_turn, recover_tasks, coro_origin};
static asy_exc *stop_loop(asy_future *fut, asy_value arg);

bool asy_istask(const void *obj) { return asy_isinstance(obj, &asy_task_type); }

asy_task *asy_value_task(asy_value v)
{
    return v.kind == ASY_OBJ && asy_istask(v.u.o) ? (asy_task *)v.u.o : NULL;
}

/* Queue the task's next step; exc (stolen, may be NULL) is thrown in then.
 * The ready queue holds a reference to the task until the step has run.
 * The queue item is the future part's own (fut.dispatch): a pending task
 * has no done callbacks to dispatch, and a done task takes no more steps,
 * so one item serves both, and a step costs no allocation. */
static void schedule_step(asy_task *t, asy_exc *exc)
{
    asy_decref(t->step_exc);
    t->step_exc = exc;
    t->fut.dispatch.run = step_run;
    t->fut.dispatch.release = step_release;
    asy_incref(t);
    asy__loop_schedule(t->fut.loop, &t->fut.dispatch);
}

static void task_step(asy_task *t, asy_exc *exc);

/* Hand err to the caller (rule 3 of exc.h) and return NULL. */
static asy_task *fail(asy_exc *err, asy_exc **error)
{
    if (error != NULL)
        *error = err;
    else
        asy_decref(err);
    return NULL;
}

/* ---- chapter 31: where a coroutine was created (debug mode) ----
 * CPython records the Python stack when a coroutine is made in debug mode
 * (sys.set_coroutine_origin_tracking_depth) and prints it under "never
 * awaited". Here the stack at creation is the await chain of the task that
 * is running: the frames from its coroutine down to the innermost one
 * running now, each with its file and resume line. (The innermost line is
 * where that coroutine last resumed, not the line of the call itself: a
 * frame learns its line only when it suspends.) Nothing is recorded
 * outside any task. */
typedef struct task_origin {
    size_t n;
    struct { const char *name, *file; int line; } frames[];
} task_origin;

static task_origin *capture_origin(asy_loop *loop)
{
    const asy_task *creator = asy__loop_current_task(loop);
    if (creator == NULL || creator->coro == NULL)
        return NULL;
    size_t n = 0;
    for (const asy_gen *g = creator->coro; g != NULL && n < 64;
         g = g->delegate != NULL && asy_iscoroutine(g->delegate) ? (const asy_gen *)g->delegate : NULL)
        n++;
    task_origin *o = malloc(sizeof *o + n * sizeof o->frames[0]);
    if (o == NULL)
        return NULL; /* a debugging aid: without memory, go without it */
    o->n = n;
    const asy_gen *g = creator->coro;
    for (size_t i = 0; i < n; i++) {
        o->frames[i].name = g->name;
        o->frames[i].file = g->file != NULL ? g->file : "?";
        o->frames[i].line = g->resume;
        g = g->delegate != NULL && asy_iscoroutine(g->delegate) ? (const asy_gen *)g->delegate : NULL;
    }
    return o;
}

/* gen.h's origin hook: the await chain of the running task, as the lines
 * of a traceback (the innermost line is where that coroutine last
 * resumed). None outside any task. */
static bool origin_text(asy_loop *loop, char *buf, size_t size)
{
    task_origin *o = loop != NULL ? capture_origin(loop) : NULL;
    if (o == NULL)
        return false;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < o->n && used < size; i++) {
        int k = snprintf(buf + used, size - used, "  File \"%s\", line %d, in %s\n", o->frames[i].file,
                         o->frames[i].line, o->frames[i].name);
        used += k > 0 ? (size_t)k : 0;
    }
    free(o);
    return true;
}

static asy_value coro_origin(void)
{
    char buf[2048];
    return origin_text(asy_get_running_loop(NULL), buf, sizeof buf) ? asy_str(buf) : asy_none();
}

/* The same record for a new task, in debug mode (CPython's
 * task._source_traceback), kept in the loop's side table (internal.h: not
 * a field, for the size class): the "Task exception was never retrieved"
 * and "Task was destroyed but it is pending!" reports print it. */
static __attribute__((noinline, cold)) void note_task_origin(asy_loop *loop, asy_task *t)
{
    char buf[2048];
    if (origin_text(loop, buf, sizeof buf))
        asy__origins_add(asy__loop_origins(loop), t, buf);
}

/* Task(coro, loop=loop, name=name, eager_start=eager_start). */
static asy_task *task_new(asy_loop *loop, asy_coro *coro, const char *name, bool eager_start,
                          asy_exc **error)
{
    if (loop == NULL) { /* before the coroutine, as Python's None.create_task fails */
        asy_decref(coro);
        return asy__null_fail("an event loop", error);
    }
    if (!asy_iscoroutine(coro)) {
        asy_exc *err = asy_exc_new(&asy_TypeError, "a coroutine was expected, got %s",
                                   coro != NULL ? ASY_REPR(asy_obj_value(coro)) : "NULL");
        asy_decref(coro);
        return fail(err, error);
    }
    if (loop == NULL || asy_loop_is_closed(loop)) {
        /* loop.create_task's _check_closed(): the coroutine is dropped
         * unstarted, and says so ("was never awaited"), as in Python. */
        asy_decref(coro);
        return fail(asy_exc_new(&asy_RuntimeError, "Event loop is closed"), error);
    }
    if (error != NULL)
        *error = NULL;
    asy_task *t = asy__obj_new_sized(&asy_task_type, sizeof(asy_task));
    asy__future_init(&t->fut, loop);
    t->coro = coro;
    /* The default name "Task-N" is only a number until someone asks for it
     * (task_name): a million tasks need not print a million strings. */
    t->name = name != NULL ? asy_str(name) : asy_int((long long)asy__loop_next_task_number(loop));
    asy_ilist_push_back(asy__loop_tasks(loop), &t->all_link);
    if (asy__tracing(loop)) /* chapter 31 */
        asy__trace(loop, ASY_TRACE_TASK_NEW, t, 0.0, asy_task_get_name(t), coro->name);
    if (asy__loop_debug(loop)) /* chapter 31: where it was made */
        note_task_origin(loop, t);
    asy__loop_set_close_hook(loop, abandon_tasks);
    asy__loop_set_task_hooks(loop, &task_hooks);
    if (eager_start && asy_get_running_loop(NULL) == loop)
        task_step(t, NULL); /* the first step, now: see asy_eager_task_factory */
    else
        schedule_step(t, NULL);
    return t;
}

asy_task *asy_loop_create_task(asy_loop *loop, asy_coro *coro, const char *name, asy_exc **error)
{
    asy_task_factory factory = loop != NULL ? asy_loop_get_task_factory(loop) : NULL;
    if (factory != NULL && !asy_loop_is_closed(loop))
        return factory(loop, coro, name, error);
    return task_new(loop, coro, name, false, error);
}

/* Python 3.12's eager start: the coroutine runs its first step inside
 * create_task, as the current task, up to its first real suspension. A
 * task whose coroutine finishes in that step is done before create_task
 * returns, and has never been through the ready queue. Outside its running
 * loop, the task starts as usual. */
asy_task *asy_eager_task_factory(asy_loop *loop, asy_coro *coro, const char *name, asy_exc **error)
{
    return task_new(loop, coro, name, true, error);
}

asy_task *asy_create_task(asy_coro *coro, const char *name, asy_exc **error)
{
    asy_exc *err;
    asy_loop *loop = asy_get_running_loop(&err);
    if (loop == NULL) {
        asy_decref(coro); /* unstarted: "was never awaited", as in Python */
        return fail(err, error);
    }
    return asy_loop_create_task(loop, coro, name, error);
}

asy_future *asy_ensure_future(void *aw, asy_loop *loop, asy_exc **error)
{
    if (error != NULL)
        *error = NULL;
    if (aw == NULL)
        return asy__null_fail("an awaitable", error);
    if (asy_isfuture(aw))
        return aw;
    if (!asy_iscoroutine(aw)) {
        asy_decref(aw);
        fail(asy_exc_new(&asy_TypeError, "An asyncio.Future, a coroutine or an awaitable is required"), error);
        return NULL;
    }
    if (loop == NULL)
        loop = asy_get_running_loop(error);
    if (loop == NULL) {
        asy_gen_close(aw);
        asy_decref(aw);
        return NULL;
    }
    return (asy_future *)asy_loop_create_task(loop, aw, NULL, error);
}

/* The name as a str value (borrowed): made from the number on first use.
 * The task is logically const here; only the cache is written. */
static asy_value task_name(const asy_task *t)
{
    asy_task *mut = (asy_task *)t;
    if (mut->name.kind == ASY_INT)
        mut->name = asy_strf("Task-%lld", mut->name.u.i);
    return mut->name;
}

const char *asy_task_get_name(const asy_task *t) { return t != NULL ? asy_str_cstr(task_name(t)) : NULL; }

void asy_task_set_name(asy_task *t, const char *name)
{
    if (t == NULL)
        return;
    asy_value_decref(t->name);
    t->name = asy_str(name);
}

asy_coro *asy_task_get_coro(const asy_task *t) { return t != NULL ? t->coro : NULL; }

/* ---- the step ---- */

static asy_exc *task_wakeup(asy_future *fut, asy_value arg);

/* ---- chapter 31: what the trace says about a task ---- */

/* The WAIT event's short label: the task waited for, the future's type,
 * or for a plain Future the innermost coroutine awaiting it ("sleep"). */
static const char *wait_label(asy_task *t, asy_future *fut)
{
    if (asy_istask(fut))
        return asy_task_get_name((asy_task *)fut);
    const char *type = asy_value_type_name(asy_obj_value(&fut->ob));
    if (strcmp(type, "Future") != 0)
        return type;
    const asy_gen *g = t->coro;
    while (g->delegate != NULL && asy_iscoroutine(g->delegate))
        g = (const asy_gen *)g->delegate;
    return g->name;
}

static void trace_done(asy_task *t)
{
    asy_loop *loop = t->fut.loop;
    char how[ASY_FMT_MAX] = "finished";
    if (asy_future_cancelled(&t->fut))
        snprintf(how, sizeof how, "cancelled");
    else if (t->fut.exc != NULL)
        snprintf(how, sizeof how, "raised %s", ASY_EXC_REPR(t->fut.exc));
    asy__trace(loop, ASY_TRACE_TASK_DONE, t, 0.0, asy_task_get_name(t), how);
}

/* The task is done: let its coroutine and what it waited for go. */
static void finish(asy_task *t)
{
    if (asy__tracing(t->fut.loop))
        trace_done(t);
    asy_coro *coro = t->coro;
    t->coro = NULL;
    asy_decref(coro);
}

/* The message of a CancelledError, as cancel(msg) takes it: NULL for none
 * (CancelledError()), "" for CancelledError(''). */
static const char *cancel_msg_of(asy_exc *e)
{
    return asy_exc_nargs(e) > 0 ? asy_exc_message(e) : NULL;
}

static void cancel_self(asy_task *t, asy_exc *e)
{
    /* The coroutine let CancelledError out: the task is cancelled, and its
     * message is the one the exception carried. */
    asy__future_cancel_base(&t->fut, cancel_msg_of(e));
}

static void task_step_impl(asy_task *t, asy_exc *exc);

/* Chapter 31's debug mode measures each step (loop.h, slow callbacks),
 * reporting it once the step is over, with the task as it is then. The
 * caller's reference keeps t alive across the step. */
static void task_step(asy_task *t, asy_exc *exc)
{
    asy_loop *loop = t->fut.loop;
    if (!asy__loop_debug(loop)) {
        task_step_impl(t, exc);
        return;
    }
    double t0 = asy__loop_debug_start(loop);
    task_step_impl(t, exc);
    asy__loop_debug_check_slow(loop, t0, &t->fut.ob);
}

/* One step: throw exc in (stolen), or send None when exc is NULL. */
static void task_step_impl(asy_task *t, asy_exc *exc)
{
    asy_loop *loop = t->fut.loop;
    if (t->fut.state != ASY_FUTURE_PENDING) { /* cancelled while the step was queued */
        asy_decref(exc);
        return;
    }
    if (t->must_cancel != NULL) {
        /* cancel() came while no future was there to cancel: the
         * CancelledError goes in now, in place of anything else. */
        if (asy_exc_is(exc, &asy_CancelledError)) { /* one is on its way already */
            asy_decref(t->must_cancel);
        } else {
            asy_decref(exc);
            exc = t->must_cancel;
        }
        t->must_cancel = NULL;
    }
    asy_future *waited = t->fut_waiter;
    t->fut_waiter = NULL;
    asy_decref(waited);

    /* The current task is this one for the step. An eager task's first
     * step runs inside another task's step: that one is current again after. */
    asy_task *outer = asy__loop_current_task(loop);
    asy__loop_set_current_task(loop, t);
    if (asy__tracing(loop)) /* chapter 31 */
        asy__trace(loop, ASY_TRACE_STEP, t, 0.0, asy_task_get_name(t), "");
    asy_result r = exc != NULL ? asy_gen_throw(t->coro, exc) : asy_gen_send(t->coro, asy_none());
    if (asy__tracing(loop))
        asy__trace(loop, ASY_TRACE_STEP_END, t, 0.0, asy_task_get_name(t),
                   r.status == ASY_YIELDED ? "yielded" : r.status == ASY_RETURNED ? "returned" : "raised");
    asy__loop_set_current_task(loop, outer);
    asy_decref(exc);

    switch (r.status) {
    case ASY_RETURNED: /* the coroutine returned: that is the task's result */
        if (t->must_cancel != NULL) { /* cancelled right as it returned: cancelled wins */
            asy_exc *e = t->must_cancel;
            t->must_cancel = NULL;
            cancel_self(t, e);
            asy_decref(e);
            asy_value_decref(r.value);
        } else {
            asy_decref(asy__future_set_result_base(&t->fut, r.value));
        }
        finish(t);
        return;

    case ASY_RAISED: /* an exception left the coroutine */
        if (asy_exc_is(r.exc, &asy_CancelledError)) {
            cancel_self(t, r.exc);
            asy_decref(r.exc);
        } else {
            asy_decref(asy__future_set_exception_base(&t->fut, r.exc));
        }
        finish(t);
        return;

    case ASY_YIELDED:
        break;
    default: /* gen.c gives no other status; if it did, the task still ends */
        asy_result_clear(&r);
        asy_decref(asy__future_set_exception_base(
            &t->fut, asy_exc_new(&asy_SystemError, "coroutine step returned an unknown status")));
        finish(t);
        return;
    }

    asy_future *fut = r.value.kind == ASY_OBJ && asy_isinstance(r.value.u.o, &asy_future_type)
                          ? (asy_future *)r.value.u.o : NULL;
    if (fut != NULL) { /* yielded a future: wait for it */
        if (fut->loop != loop) {
            schedule_step(t, asy_exc_new(&asy_RuntimeError, "Task %s got Future %s attached to a different loop",
                                         ASY_REPR(asy_obj_value(t)), ASY_REPR(r.value)));
        } else if (!fut->blocking) {
            /* Not yielded by awaiting it (future.c sets the flag there) but
             * by a plain yield: the coroutine would be resumed with None as
             * if the future were done. CPython's _asyncio_future_blocking. */
            schedule_step(t, asy_exc_new(&asy_RuntimeError, "yield was used instead of yield from in task %s with %s",
                                         ASY_REPR(asy_obj_value(t)), ASY_REPR(r.value)));
        } else if (fut == &t->fut) {
            fut->blocking = false;
            schedule_step(t, asy_exc_new(&asy_RuntimeError, "Task cannot await on itself: %s",
                                         ASY_REPR(asy_obj_value(t))));
        } else {
            fut->blocking = false;
            /* fut is pending (a done future is not yielded), so nothing
             * is scheduled now and this cannot fail. */
            asy_decref(asy_future_add_done_callback(fut, task_wakeup, asy_task_value(t)));
            t->fut_waiter = fut; /* takes the reference the coroutine yielded */
            if (asy__tracing(loop))
                asy__trace(loop, ASY_TRACE_WAIT, t, 0.0, wait_label(t, fut), ASY_REPR(r.value));
            if (t->must_cancel != NULL && asy_future_cancel(fut, cancel_msg_of(t->must_cancel))) {
                asy_decref(t->must_cancel);
                t->must_cancel = NULL;
            }
            return;
        }
    } else if (asy_is_none(r.value)) { /* a bare yield: sleep(0) */
        schedule_step(t, NULL);
    } else if (r.value.kind == ASY_OBJ && asy_isgenerator(r.value.u.o)) {
        schedule_step(t, asy_exc_new(&asy_RuntimeError,
                                     "yield was used instead of yield from for generator in task %s with %s",
                                     ASY_REPR(asy_obj_value(t)), ASY_REPR(r.value)));
    } else {
        schedule_step(t, asy_exc_new(&asy_RuntimeError, "Task got bad yield: %s", ASY_REPR(r.value)));
    }
    asy_value_decref(r.value);
}

/* The done callback on the future the task waits for: step at once (as
 * CPython does), throwing the future's exception in if it has one. */
static asy_exc *task_wakeup(asy_future *fut, asy_value arg)
{
    asy_task *t = (asy_task *)arg.u.o; /* task_step registered it with the task */
    asy_exc *e = NULL;
    if (fut->state != ASY_FUTURE_FINISHED || fut->exc != NULL) /* result() would raise */
        e = asy_future_result(fut, NULL);
    t->in_wakeup = true;
    task_step(t, e); /* directly, as CPython's __wakeup calls __step */
    t->in_wakeup = false;
    return NULL;
}

/* A queued step: the exception to throw in waits in step_exc. */
static void step_run(asy_ready *item)
{
    asy_task *t = ASY_CONTAINER_OF(item, asy_task, fut.dispatch);
    asy_exc *exc = t->step_exc;
    t->step_exc = NULL;
    task_step(t, exc);
}
static void step_release(asy_ready *item) { asy_decref(ASY_CONTAINER_OF(item, asy_task, fut.dispatch)); }

/* ---- cancellation ---- */

bool asy_task_cancel(asy_task *t, const char *msg)
{
    if (t == NULL)
        return false;
    t->fut.log_exception = false;
    if (asy_future_done(&t->fut))
        return false;
    t->num_cancels_requested++;
    if (t->fut_waiter != NULL && asy_future_cancel(t->fut_waiter, msg))
        return true; /* its wakeup will throw CancelledError in */
    /* Nothing to cancel below us: the next step throws it in (a later
     * cancel(msg) replaces the message, as in Python). */
    asy_decref(t->must_cancel);
    t->must_cancel = msg != NULL ? asy_exc_new(&asy_CancelledError, "%s", msg) : asy_exc_new(&asy_CancelledError, NULL);
    return true;
}

static bool task_cancel_method(asy_future *fut, const char *msg)
{
    return asy_task_cancel((asy_task *)fut, msg);
}

int asy_task_cancelling(const asy_task *t) { return t != NULL ? t->num_cancels_requested : 0; }

int asy_task_uncancel(asy_task *t)
{
    if (t == NULL)
        return 0;
    if (t->num_cancels_requested > 0)
        t->num_cancels_requested--;
    return t->num_cancels_requested;
}

asy_task *asy_current_task(asy_loop *loop, asy_exc **error)
{
    asy_exc *err = NULL;
    if (loop == NULL)
        loop = asy_get_running_loop(&err);
    if (loop == NULL)
        return fail(err, error);
    if (error != NULL)
        *error = NULL;
    return asy__loop_current_task(loop);
}

size_t asy_all_tasks(asy_loop *loop, asy_task **out, size_t max, asy_exc **error)
{
    asy_exc *err = NULL;
    if (loop == NULL)
        loop = asy_get_running_loop(&err);
    if (loop == NULL) {
        fail(err, error);
        return 0;
    }
    if (error != NULL)
        *error = NULL;
    size_t n = 0;
    asy_ilist *p, *tmp;
    ASY_ILIST_FOREACH_SAFE(p, tmp, asy__loop_tasks(loop))
    {
        asy_task *t = ASY_CONTAINER_OF(p, asy_task, all_link);
        if (asy_future_done(&t->fut))
            continue;
        if (n < max && out != NULL)
            out[n] = t;
        n++;
    }
    return n;
}

/* ---- the object ---- */

static int task_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_task *t = (asy_task *)self;
    char state[ASY_FMT_MAX];
    asy__future_format_state(&t->fut, state, sizeof state);
    /* <Task pending name='Task-1' coro=<coroutine object main at 0x...>> */
    char *space = strchr(state, ' ');
    if (space != NULL)
        *space++ = '\0';
    char coro[ASY_FMT_MAX] = "";
    if (t->coro != NULL)
        snprintf(coro, sizeof coro, " coro=%s", ASY_REPR(asy_obj_value(t->coro)));
    return snprintf(buf, size, "<Task %s name=%s%s%s%s>", state, ASY_REPR(task_name(t)), coro,
                    space != NULL ? " " : "", space != NULL ? space : "");
}

/* The loop is closing with tasks still pending. Python's garbage collector
 * would find each such task in a cycle (task -> coroutine -> the future it
 * awaits -> its wakeup callback -> task), report it and close its
 * coroutine, which runs the coroutine's cleanup. Reference counting finds
 * no cycles, so the loop does it here, before it drops its queues. */
static void abandon_tasks(asy_loop *loop)
{
    asy_ilist *p, *tmp;
    ASY_ILIST_FOREACH_SAFE(p, tmp, asy__loop_tasks(loop))
    {
        asy_task *t = ASY_CONTAINER_OF(p, asy_task, all_link);
        if (asy_future_done(&t->fut) || t->abandoned)
            continue;
        t->abandoned = true;
        asy_incref(t);
        asy_error_context ctx = {"Task was destroyed but it is pending!", NULL, asy_obj_value(t)};
        asy_loop_call_exception_handler(loop, &ctx);
        asy_future *waited = t->fut_waiter;
        t->fut_waiter = NULL;
        if (waited != NULL)
            asy_future_remove_done_callback(waited, task_wakeup);
        asy_decref(waited);
        finish(t); /* closes the coroutine: its cleanup runs */
        asy_decref(t);
    }
}

/* A turn run from inside a task's step (loop.c asks before it runs one):
 * CPython's _enter_task refuses to enter a task while another one is being
 * executed. Name the task the turn would enter: one whose step is queued
 * (it waits on no future), else any other pending one, else this one (its
 * own wakeup could come in that turn). */
static asy_exc *refuse_turn(asy_loop *loop)
{
    asy_task *current = asy__loop_current_task(loop), *next = NULL, *other = NULL;
    asy_ilist *p, *tmp;
    ASY_ILIST_FOREACH_SAFE(p, tmp, asy__loop_tasks(loop))
    {
        asy_task *t = ASY_CONTAINER_OF(p, asy_task, all_link);
        if (t == current || asy_future_done(&t->fut))
            continue;
        if (t->fut_waiter == NULL) {
            next = t;
            break;
        }
        if (other == NULL)
            other = t;
    }
    if (next == NULL)
        next = other != NULL ? other : current;
    char entered[ASY_FMT_MAX];
    snprintf(entered, sizeof entered, "%s", ASY_REPR(asy_obj_value(next)));
    return asy_exc_new(&asy_RuntimeError, "Cannot enter into task %s while another task %s is being executed.",
                       entered, ASY_REPR(asy_obj_value(current)));
}

/* asy_loop_recover's part here (loop.h): every task whose coroutine was
 * running when the longjmp left (the current one, and an eager task's
 * outer) ends with exc, as Python's Task ends with a BaseException; its
 * coroutines are finished without running more code. run_until_complete's
 * callback comes off its future. */
static void recover_tasks(asy_loop *loop, asy_exc *exc)
{
    if (exc == NULL)
        exc = asy_exc_new(&asy_BaseException, "longjmp out of the event loop");
    asy_obj *until = asy__loop_until(loop);
    if (until != NULL && asy_isfuture(until))
        asy_future_remove_done_callback((asy_future *)until, stop_loop);
    asy_ilist *p, *tmp;
    ASY_ILIST_FOREACH_SAFE(p, tmp, asy__loop_tasks(loop))
    {
        asy_task *t = ASY_CONTAINER_OF(p, asy_task, all_link);
        if (asy_future_done(&t->fut) || t->coro == NULL || asy_gen_getstate(t->coro) != ASY_GEN_RUNNING)
            continue;
        asy_incref(t);
        asy__gen_abandon(t->coro);
        asy_future *waited = t->fut_waiter;
        t->fut_waiter = NULL;
        if (waited != NULL)
            asy_future_remove_done_callback(waited, task_wakeup);
        asy_decref(waited);
        asy_decref(t->must_cancel);
        t->must_cancel = NULL;
        asy_decref(asy__future_set_exception_base(&t->fut, asy_incref(exc)));
        if (until == &t->fut.ob)
            t->fut.log_exception = false; /* as run_until_complete's except: retrieved */
        finish(t);
        if (t->in_wakeup) {
            /* The future's callback list that called task_wakeup holds the
             * reference it passed as the argument, and would have dropped
             * it when the callback returned: drop it now. */
            t->in_wakeup = false;
            asy_decref(t);
        }
        asy_decref(t);
    }
    asy_decref(exc);
}

/* task_dealloc's release of the future part, in debug mode: its report
 * ("Task exception was never retrieved") may print where the task was
 * made, so the record goes after it (and the loop, which the future part
 * holds, is kept alive until then). */
static __attribute__((noinline, cold)) void release_with_origin(asy_task *t)
{
    asy_loop *loop = asy_incref(t->fut.loop);
    asy__future_release(&t->fut);
    asy__origins_remove(*asy__loop_origins(loop), t);
    asy_decref(loop);
}

static void task_dealloc(asy_obj *self)
{
    asy_task *t = (asy_task *)self;
    if (!asy_future_done(&t->fut) && !t->abandoned && t->fut.loop != NULL) {
        self->refcnt = 1;
        asy_error_context ctx = {"Task was destroyed but it is pending!", NULL, asy_obj_value(t)};
        asy_loop_call_exception_handler(t->fut.loop, &ctx);
        self->refcnt = 0;
    }
    asy_ilist_remove(&t->all_link);
    asy_decref(t->step_exc);
    asy_decref(t->must_cancel);
    asy_decref(t->fut_waiter);
    asy_coro *coro = t->coro;
    t->coro = NULL;
    asy_decref(coro); /* a suspended coroutine is closed: its cleanup runs */
    /* The future part may report "Task exception was never retrieved" with
     * the task as its source, whose repr shows the name: release it last. */
    if (t->fut.loop != NULL && asy__loop_debug(t->fut.loop)) /* chapter 31 */
        release_with_origin(t);
    else
        asy__future_release(&t->fut);
    asy_value_decref(t->name);
    asy__obj_free_sized(t, sizeof(asy_task)); /* tasks are made with that size only */
}

/* ---- sleep ----
 * asyncio.sleep(delay, result) is, in CPython:
 *
 *     future = loop.create_future()
 *     h = loop.call_later(delay, _set_result_unless_cancelled, future, result)
 *     try:
 *         return await future
 *     finally:
 *         h.cancel()
 *
 * Here the future carries its own timer (an asy_timer, loop.h), so that a
 * sleeping task costs no TimerHandle: the sleep future is a Future whose
 * type adds a heap node and the ready item that fires it. Awaiting it is
 * awaiting a future (the task waits on it with task_wakeup). */

typedef struct {
    asy_future fut;   /* a Future: this comes first */
    asy_timer timer;  /* in the loop's timer heap until due or stopped */
} sleep_future;

static void sleep_future_dealloc(asy_obj *self)
{
    asy__future_release((asy_future *)self);
    asy__obj_free_sized(self, sizeof(sleep_future));
}

static int sleep_future_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    char state[ASY_FMT_MAX];
    asy__future_format_state((asy_future *)self, state, sizeof state);
    return snprintf(buf, size, "<Future %s>", state);
}

static const asy_type sleep_future_type = {.name = "Future", .dealloc = sleep_future_dealloc,
                                           .format = sleep_future_format,
                                           .iter = &asy__future_iter_ops, .base = &asy_future_type};

/* The timer is due: _set_result_unless_cancelled. */
static void sleep_timer_run(asy_ready *item)
{
    sleep_future *sf = ASY_CONTAINER_OF(item, sleep_future, timer.ready);
    if (!asy_future_done(&sf->fut)) /* it may have been cancelled meanwhile */
        asy_decref(asy_future_set_result(&sf->fut, asy_none()));
}

/* The heap's (then the ready queue's) reference is given back here. */
static void sleep_timer_release(asy_ready *item)
{
    asy_decref(ASY_CONTAINER_OF(item, sleep_future, timer.ready));
}

/* A pending future that completes `delay` seconds from now. New reference. */
static asy_future *sleep_future_new(asy_loop *loop, double delay)
{
    sleep_future *sf = asy__obj_new_sized(&sleep_future_type, sizeof(sleep_future));
    asy__future_init(&sf->fut, loop);
    asy_ilist_init(&sf->timer.ready.link);
    sf->timer.ready.run = sleep_timer_run;
    sf->timer.ready.release = sleep_timer_release;
    asy_incref(sf); /* the timer heap's reference */
    asy__loop_timer_start(loop, &sf->timer, asy_loop_time(loop) + delay);
    return &sf->fut;
}

/* finally: h.cancel(). A sleep that ends early (cancelled) takes its timer
 * out of the heap at once. */
static void sleep_future_stop(asy_future *fut)
{
    if (fut != NULL)
        asy__loop_timer_stop(fut->loop, &((sleep_future *)fut)->timer);
}

typedef struct {
    asy_coro co;
    double delay;
    asy_value result;
    asy_future *fut; /* a sleep_future */
} sleep_frame;

static asy_status sleep_body(asy_coro *co)
{
    sleep_frame *f = (sleep_frame *)co;
    ASY_BEGIN(co);
    if (f->delay <= 0) {
        ASY_YIELD(co, asy_none()); /* one bare yield: the others get a turn */
        ASY_RETURN(co, asy_value_incref(f->result));
    }
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        f->fut = sleep_future_new(loop, f->delay);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->fut));
    sleep_future_stop(f->fut); /* finally: a cancelled sleep drops its timer */
    ASY_RETURN(co, asy_value_incref(f->result)); /* a pending exception wins */
    ASY_END(co);
}

static void sleep_clear(asy_gen *g)
{
    sleep_frame *f = (sleep_frame *)g;
    asy_value_clear(&f->result);
    sleep_future_stop(f->fut);
    asy_decref(f->fut);
    f->fut = NULL;
}

asy_coro *asy_sleep(double delay, asy_value result)
{
    sleep_frame *f = ASY_CORO_NEW(sleep_frame, sleep_body, "sleep");
    f->delay = delay;
    f->result = result;
    asy_gen_set_clear(&f->co, sleep_clear);
    return &f->co;
}

/* ---- run_until_complete and run ---- */

static asy_exc *stop_loop(asy_future *fut, asy_value arg)
{
    (void)fut;
    asy_loop_stop(asy_value_loop(arg));
    return NULL;
}

asy_result asy_loop_run_until_complete(asy_loop *loop, void *aw)
{
    asy_result r = {ASY_RAISED, asy_none(), NULL};
    asy_exc *err = NULL;
    /* CPython's _check_closed() and _check_running() come before
     * ensure_future: a coroutine refused here is never wrapped in a task,
     * so its body never runs (it is released unstarted, and reported as
     * "never awaited", as Python reports it). */
    if (loop == NULL)
        err = asy__null_error("an event loop");
    else if (asy_loop_is_closed(loop))
        err = asy_exc_new(&asy_RuntimeError, "Event loop is closed");
    else if (asy_loop_is_running(loop))
        err = asy_exc_new(&asy_RuntimeError, "This event loop is already running");
    else if (asy_get_running_loop(NULL) != NULL)
        err = asy_exc_new(&asy_RuntimeError, "Cannot run the event loop while another loop is running");
    if (err != NULL) {
        asy_decref(aw);
        r.exc = err;
        return r;
    }
    asy_future *fut = asy_ensure_future(aw, loop, &err);
    if (fut == NULL) {
        r.exc = err;
        return r;
    }
    if (fut->loop != loop) { /* it would never complete on this loop */
        asy_decref(fut);
        r.exc = asy_exc_new(&asy_ValueError,
                            "The future belongs to a different loop than the one specified as the loop argument");
        return r;
    }
    /* The loop is open (checked above): adding cannot fail. */
    asy_decref(asy_future_add_done_callback(fut, stop_loop, asy_loop_value(loop)));
    asy__loop_set_task_hooks(loop, &task_hooks);
    /* The loop holds our reference while it runs: after a longjmp out of
     * it, asy_loop_recover releases it (loop.h). */
    asy__loop_set_until(loop, (asy_obj *)fut);
    err = asy_loop_run_forever(loop);
    fut = (asy_future *)asy__loop_take_until(loop);
    asy_future_remove_done_callback(fut, stop_loop);
    if (err == NULL && !asy_future_done(fut))
        err = asy_exc_new(&asy_RuntimeError, "Event loop stopped before Future completed.");
    if (err == NULL)
        err = asy_future_result(fut, &r.value);
    if (err == NULL)
        r.status = ASY_RETURNED;
    r.exc = err;
    asy_decref(fut);
    return r;
}
