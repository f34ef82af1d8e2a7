/*
 * test_misuse.c - a NULL where an object or a callback is required, in
 * every public function of the lib headers (issue 10 §2). Each call runs in this
 * process: none may crash (the asan build proves no invalid access), and
 * each answers in the shape exc.h gives it:
 *   - an action (returns asy_exc *): TypeError "<what> was expected, got NULL";
 *   - a maker (asy_exc **error last): NULL, and that TypeError in *error;
 *   - a function returning an awaitable: an awaitable (never NULL) that
 *     raises the TypeError when it is awaited;
 *   - a query: its documented neutral answer (false, 0, NULL);
 *   - a void function: nothing, and what it was given to keep is released.
 * Nothing leaks: every test ends with no object alive.
 * (ilist.h alone takes no NULL, on purpose: see its header.)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "runners.h"
#include "trace.h"
#include "as_completed.h"
#include "condition.h"
#include "event.h"
#include "exceptiongroup.h"
#include "gather.h"
#include "heap.h"
#include "list.h"
#include "ptrmap.h"
#include "lock.h"
#include "queue.h"
#include "selector.h"
#include "semaphore.h"
#include "shield.h"
#include "task.h"
#include "taskgroup.h"
#include "timeout.h"
#include "trampoline.h"
#include "wait.h"
#include "wait_for.h"

/* ---- checking the answers ---- */

/* e is TypeError "<what> was expected, got NULL"; releases e. */
#define CHECK_NULL_ERROR(e, what)                                                   \
    do {                                                                            \
        asy_exc *ne_ = (e);                                                         \
        CHECK_MSG(asy_exc_is(ne_, &asy_TypeError), "%s: a TypeError for %s", #e, what); \
        CHECK_STR_EQ(ne_ != NULL ? asy_exc_message(ne_) : "(no exception)",         \
                     what " was expected, got NULL");                               \
        asy_decref(ne_);                                                            \
    } while (0)

/* A maker in shape 3: NULL, and the TypeError in *error. */
#define CHECK_NULL_FAIL(call_with_err, err, what)                                   \
    do {                                                                            \
        err = NULL;                                                                 \
        CHECK_NULL(call_with_err);                                                  \
        CHECK_NULL_ERROR(err, what);                                                \
    } while (0)

/* An awaitable that raises the TypeError at its await: it is driven by
 * hand (coro.h), which is what awaiting it does to its first step. */
#define CHECK_RAISES_AT_AWAIT(aw, what)                                             \
    do {                                                                            \
        asy_coro *aw_ = (aw);                                                       \
        CHECK_MSG(asy_iscoroutine(aw_), "%s is an awaitable", #aw);                 \
        asy_result r_ = asy_coro_drive(aw_);                                        \
        CHECK_INT_EQ(r_.status, ASY_RAISED);                                        \
        CHECK_NULL_ERROR(asy_incref(r_.exc), what);                                 \
        asy_result_clear(&r_);                                                      \
    } while (0)

static void nothing_alive(void) { CHECK_INT_EQ(asy_obj_live(), 0); }

/* What a piece of code writes on stderr (the library's only printers:
 * "never awaited", the default exception handler), for asserting it. */
static char captured[1024];
static int saved_stderr = -1;
static FILE *capture_file;

static void capture_start(void)
{
    fflush(stderr);
    capture_file = tmpfile();
    saved_stderr = dup(2);
    dup2(fileno(capture_file), 2);
}

static const char *capture_end(void)
{
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    rewind(capture_file);
    size_t n = fread(captured, 1, sizeof captured - 1, capture_file);
    captured[n] = '\0';
    fclose(capture_file);
    return captured;
}

static asy_loop *vloop(void)
{
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    nothing_alive();
}

/* A coroutine that returns at once, and a generator. */
static asy_status quick_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_END(co);
}
static asy_coro *quick(void) { return asy_coro_new(sizeof(asy_coro), quick_body, "quick"); }
static asy_gen *gen(void) { return asy_gen_new(sizeof(asy_gen), quick_body, "gen"); }

static asy_exc *callback(asy_value arg)
{
    (void)arg;
    return NULL;
}
static asy_exc *done_callback(asy_future *fut, asy_value arg)
{
    (void)fut;
    (void)arg;
    return NULL;
}
static asy_value always(void *arg)
{
    (void)arg;
    return asy_bool(true);
}

/* ---- value.h, exc.h, exceptiongroup.h, list.h (chapters 01, 14, 19) ---- */

static void test_values_and_objects(void)
{
    asy_list *l = asy_list_new();
    CHECK(!asy_isinstance(NULL, &asy_list_type));
    CHECK(!asy_isinstance(l, NULL));
    CHECK(asy_is_none(asy_obj_value(NULL)));
    asy_value s = asy_str(NULL);
    CHECK_STR_EQ(asy_str_cstr(s), "");
    asy_value_decref(s);
    const char *volatile no_format = NULL; /* volatile: no compile-time warning */
    s = asy_strf(no_format, 0);
    CHECK_STR_EQ(asy_str_cstr(s), "");
    asy_value_decref(s);
    CHECK_NULL(asy_incref(NULL));
    asy_decref(NULL);
    asy_value_clear(NULL);
    CHECK_NULL(asy_obj_new(NULL, 64)); /* no type: no object */
    asy_obj_free(NULL);
    CHECK_NULL(asy_value_format(asy_int(1), NULL, 16, false));
    asy_decref(l);
    nothing_alive();
}

static void test_exceptions(void)
{
    asy_exc *e = asy_exc_new(&asy_ValueError, "v");
    CHECK_NULL_ERROR(asy_exc_new(NULL, "lost %d", 1), "an exception type");
    CHECK_NULL_ERROR(asy_exc_new_value(NULL, asy_str("released")), "an exception type");
    CHECK_INT_EQ(asy_exc_nargs(NULL), 0);
    CHECK(asy_is_none(asy_exc_arg(NULL)));
    CHECK_STR_EQ(ASY_EXC_REPR(NULL), "None");
    CHECK(!asy_exc_is(NULL, &asy_Exception));
    CHECK(!asy_exc_is(e, NULL));
    CHECK(!asy_exc_type_is(NULL, &asy_Exception));
    asy_exc_set_cause(NULL, e);
    asy_exc_set_context(NULL, e);
    asy_exc_set_cause(e, NULL); /* "from None": allowed, clears it */
    CHECK_NULL(asy_exc_message(NULL));
    CHECK_STR_EQ(ASY_EXC_STR(NULL), "None");
    CHECK_NULL(asy_exc_format(e, NULL, 16));
    capture_start();
    asy_exc_print(NULL, stderr);
    asy_exc_print(e, NULL);
    CHECK_STR_EQ(capture_end(), "");
    CHECK(asy_is_none(asy_exc_value(NULL)));
    CHECK_INT_EQ(e->ob.refcnt, 1); /* nothing took a reference */
    asy_decref(e);
    nothing_alive();
}

static void test_exception_groups(void)
{
    asy_exc *one = asy_exc_new(&asy_ValueError, "one");
    asy_exc *e = asy_exc_group_new("m", NULL, 2); /* no sequence at all */
    CHECK_STR_EQ(ASY_EXC_STR(e), "ValueError: second argument (exceptions) must be a non-empty sequence");
    asy_decref(e);
    asy_exc *eg = asy_exc_group_new(NULL, &one, 1);
    CHECK_STR_EQ(asy_exc_group_message(eg), "");
    CHECK(!asy_exc_is_group(NULL));
    CHECK(!asy_exc_group_isinstance(NULL, &asy_BaseExceptionGroup));
    CHECK(!asy_exc_group_isinstance(eg, NULL));
    CHECK_NULL(asy_exc_group_message(NULL));
    CHECK_INT_EQ(asy_exc_group_count(NULL), 0);
    CHECK_NULL(asy_exc_group_get(NULL, 0));
    asy_exc *rest = one;
    CHECK_NULL(asy_exc_group_split(NULL, &asy_ValueError, &rest));
    CHECK_NULL(rest);
    CHECK_NULL(asy_exc_group_split(eg, NULL, &rest)); /* no type matches nothing */
    CHECK_INT_EQ(asy_exc_group_count(rest), 1); /* everything is the rest */
    asy_decref(rest);
    CHECK_STR_EQ(ASY_EXC_GROUP_REPR(NULL), "None");
    CHECK_NULL(asy_exc_group_repr(eg, NULL, 16));
    asy_decref(eg);
    asy_decref(one);
    nothing_alive();
}

static void test_lists(void)
{
    asy_list *l = asy_list_new();
    asy_list_append(NULL, asy_str("released"));
    CHECK_INT_EQ(asy_list_len(NULL), 0);
    CHECK(asy_is_none(asy_list_get(NULL, 0)));
    CHECK_NULL_ERROR(asy_list_set(NULL, 0, asy_str("released")), "a list");
    CHECK(!asy_list_contains(NULL, asy_int(1)));
    CHECK(!asy_islist(NULL));
    CHECK(asy_is_none(asy_list_value(NULL)));
    CHECK_NULL(asy_value_list(asy_none()));
    asy_decref(l);
    nothing_alive();
}

/* ---- gen.h, coro.h, trampoline.h (chapters 01-04) ---- */

static void test_generators(void)
{
    asy_gen *g = gen();
    asy_exc *e = asy_exc_new(&asy_ValueError, "thrown");
    asy_result_clear(NULL);
    asy_gen_set_clear(NULL, NULL);
    asy_result r = asy_gen_next(NULL);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_NULL_ERROR(asy_incref(r.exc), "a generator");
    asy_result_clear(&r);
    r = asy_gen_send(NULL, asy_int(1));
    CHECK_NULL_ERROR(asy_incref(r.exc), "a generator");
    asy_result_clear(&r);
    r = asy_gen_throw(NULL, e);
    CHECK_NULL_ERROR(asy_incref(r.exc), "a generator");
    asy_result_clear(&r);
    r = asy_gen_throw(g, NULL); /* refused before g is touched */
    CHECK_NULL_ERROR(asy_incref(r.exc), "an exception");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_gen_getstate(g), ASY_GEN_CREATED);
    CHECK_NULL_ERROR(asy_gen_close(NULL), "a generator");
    CHECK(!asy_isgenerator(NULL));
    CHECK_INT_EQ(asy_gen_getstate(NULL), ASY_GEN_CLOSED);
    CHECK(asy_is_none(asy_gen_value(NULL)));
    r = asy_iter_send(NULL, asy_none());
    CHECK_NULL_ERROR(asy_incref(r.exc), "an iterator");
    asy_result_clear(&r);
    r = asy_iter_throw(NULL, e);
    CHECK_NULL_ERROR(asy_incref(r.exc), "an iterator");
    asy_result_clear(&r);
    r = asy_iter_throw((asy_obj *)g, NULL);
    CHECK_NULL_ERROR(asy_incref(r.exc), "an exception");
    asy_result_clear(&r);
    CHECK_NULL_ERROR(asy_iter_close(NULL), "an iterator");
    /* a frame made without a body raises at its first step */
    asy_gen *bodiless = asy_gen_new(sizeof(asy_gen), NULL, "bodiless");
    r = asy_gen_next(bodiless);
    CHECK_NULL_ERROR(asy_incref(r.exc), "a generator body");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_gen_getstate(bodiless), ASY_GEN_CLOSED);
    asy_decref(bodiless);
    asy_decref(e);
    asy_decref(g);
    nothing_alive();
}

/* await NULL in a body: Python's own words for `await None`. */
static asy_status await_null_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, NULL);
    ASY_END(co);
}

static void test_coroutines(void)
{
    CHECK(!asy_iscoroutine(NULL));
    asy_result r = asy_coro_drive(NULL);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_NULL_ERROR(asy_incref(r.exc), "a coroutine");
    asy_result_clear(&r);
    CHECK_RAISES_AT_AWAIT(asy_coro_new(sizeof(asy_coro), NULL, "bodiless"), "a coroutine body");
    r = asy_coro_drive(asy_coro_new(sizeof(asy_coro), await_null_body, "await_null"));
    CHECK_STR_EQ(r.exc != NULL ? ASY_EXC_STR(r.exc) : "",
                 "TypeError: object NoneType can't be used in 'await' expression");
    asy_result_clear(&r);
    nothing_alive();
}

static asy_exc *last_outcome;
static bool outcome_for_null;
static void on_done(asy_coro *co, const asy_result *result, void *arg)
{
    (void)arg;
    outcome_for_null = co == NULL;
    asy_decref(last_outcome);
    last_outcome = asy_incref(result->exc);
}

static void test_trampoline(void)
{
    asy_trampoline t;
    asy_exc *err;
    asy_trampoline_init(NULL, NULL, NULL);
    asy_trampoline_spawn(NULL, gen()); /* released */
    CHECK_INT_EQ(asy_trampoline_run(NULL, &err), 0);
    CHECK_NULL_ERROR(err, "a trampoline");
    CHECK_INT_EQ(asy_trampoline_run(NULL, NULL), 0);
    asy_trampoline_clear(NULL);
    /* a NULL job is queued, and its turn reports the TypeError */
    asy_trampoline_init(&t, NULL, NULL);
    asy_trampoline_spawn(&t, NULL);
    CHECK_INT_EQ(asy_trampoline_run(&t, &err), 1);
    CHECK_NULL_ERROR(err, "a generator");
    asy_trampoline_init(&t, on_done, NULL);
    asy_trampoline_spawn(&t, NULL);
    CHECK_INT_EQ(asy_trampoline_run(&t, &err), 1);
    CHECK_NULL(err);
    CHECK(outcome_for_null);
    CHECK_NULL_ERROR(last_outcome, "a generator");
    last_outcome = NULL;
    asy_trampoline_clear(&t);
    nothing_alive();
}

/* ---- loop.h, clock.h, heap.h, ptrmap.h, selector.h (chapters 07, 10, 14) ---- */

static void test_loop(void)
{
    asy_loop *loop = vloop();
    asy_exc *err;
    asy_handle_cancel(NULL);
    CHECK(!asy_handle_cancelled(NULL));
    CHECK_DBL_NEAR(asy_handle_when(NULL), 0.0, 0);
    CHECK_NULL_ERROR(asy_loop_close(NULL), "an event loop");
    CHECK(!asy_loop_is_closed(NULL));
    CHECK_DBL_NEAR(asy_loop_time(NULL), 0.0, 0);
    CHECK_NULL(asy_loop_clock(NULL));
    CHECK_NULL_FAIL(asy_loop_call_soon(NULL, callback, asy_str("released"), &err), err, "an event loop");
    CHECK_NULL_FAIL(asy_loop_call_soon(loop, NULL, asy_str("released"), &err), err, "a callback");
    CHECK_NULL_FAIL(asy_loop_call_later(NULL, 1.0, callback, asy_str("released"), &err), err, "an event loop");
    CHECK_NULL_FAIL(asy_loop_call_later(loop, 1.0, NULL, asy_str("released"), &err), err, "a callback");
    CHECK_NULL_FAIL(asy_loop_call_at(NULL, 1.0, callback, asy_str("released"), &err), err, "an event loop");
    CHECK_NULL_FAIL(asy_loop_call_at(loop, 1.0, NULL, asy_str("released"), &err), err, "a callback");
    CHECK_NULL(asy_loop_call_soon(loop, NULL, asy_none(), NULL)); /* error NULL: released */
    CHECK_NULL_ERROR(asy_loop_run_forever(NULL), "an event loop");
    asy_loop_stop(NULL);
    CHECK(!asy_loop_is_running(NULL));
    CHECK_NULL_ERROR(asy_loop_run_once(NULL), "an event loop");
    CHECK_NULL_ERROR(asy_loop_recover(NULL, asy_exc_new(&asy_KeyboardInterrupt, NULL)), "an event loop");
    CHECK_NULL(asy_get_running_loop(NULL));
    CHECK_NULL_ERROR(asy_loop_add_reader(NULL, 0, callback, asy_str("released")), "an event loop");
    CHECK_NULL_ERROR(asy_loop_add_reader(loop, 0, NULL, asy_str("released")), "a callback");
    CHECK_NULL_ERROR(asy_loop_add_writer(NULL, 1, callback, asy_str("released")), "an event loop");
    CHECK_NULL_ERROR(asy_loop_add_writer(loop, 1, NULL, asy_str("released")), "a callback");
    CHECK(!asy_loop_remove_reader(NULL, 0));
    CHECK(!asy_loop_remove_writer(NULL, 1));
    asy_loop_set_exception_handler(NULL, NULL, NULL);
    CHECK(asy_is_none(asy_loop_value(NULL)));
    CHECK_NULL(asy_value_loop(asy_none()));
    asy_loop_set_task_factory(NULL, asy_eager_task_factory);
    CHECK(asy_loop_get_task_factory(NULL) == NULL);
    CHECK_INT_EQ(asy_loop_scheduled_count(NULL), 0);
    /* a NULL context is nothing to report; a NULL loop reports with the
     * default handler rather than lose the report */
    capture_start();
    asy_loop_default_exception_handler(loop, NULL);
    asy_loop_call_exception_handler(loop, NULL);
    asy_loop_call_exception_handler(NULL, NULL);
    CHECK_STR_EQ(capture_end(), "");
    asy_exc *e = asy_exc_new(&asy_ValueError, "lost?");
    asy_error_context ctx = {"Exception in callback x()", e, asy_none()};
    capture_start();
    asy_loop_call_exception_handler(NULL, &ctx);
    CHECK_STR_EQ(capture_end(), "Exception in callback x()\nValueError: lost?\n");
    asy_decref(e);
    done_with(loop);
}

static void test_clock_heap_selector(void)
{
    asy_clock_virtual_init(NULL, 1.0);
    asy_clock_advance_to(NULL, 2.0);
    CHECK_DBL_NEAR(asy_clock_now(NULL), 0.0, 0);

    asy_heap h;
    asy_heap_node n = {1.0, 0, 0};
    asy_heap_init(NULL);
    asy_heap_free(NULL);
    CHECK_INT_EQ(asy_heap_len(NULL), 0);
    asy_heap_push(NULL, &n);
    CHECK_NULL(asy_heap_peek(NULL));
    CHECK_NULL(asy_heap_pop(NULL));
    asy_heap_remove(NULL, &n);
    asy_heap_heapify(NULL);
    asy_heap_init(&h);
    asy_heap_push(&h, NULL);
    asy_heap_remove(&h, NULL);
    CHECK_INT_EQ(asy_heap_len(&h), 0);
    asy_heap_free(&h);

    asy_ptrmap m;
    size_t index = 9;
    asy_ptrmap_init(NULL, 4);
    asy_ptrmap_clear(NULL);
    CHECK_INT_EQ(asy_ptrmap_add(NULL, &m, 3), 3); /* no map: every key is new */
    CHECK(!asy_ptrmap_get(NULL, &m, &index));
    CHECK_INT_EQ(index, 9);
    asy_ptrmap_init(&m, 1);
    asy_ptrmap_add(&m, &index, 0);
    CHECK(asy_ptrmap_get(&m, &index, NULL)); /* only "is it there" */
    asy_ptrmap_clear(&m);

    asy_selector *s = NULL;
    asy_selector_event ready[4];
    int nready = -1;
    CHECK_NULL(asy_selector_backend_named(NULL));
    CHECK_NULL_ERROR(asy_selector_new(NULL, NULL), "a place for the selector");
    asy_selector_free(NULL);
    CHECK_NULL_ERROR(asy_selector_register(NULL, 0, ASY_EVENT_READ, NULL), "a selector");
    CHECK_NULL_ERROR(asy_selector_modify(NULL, 0, ASY_EVENT_READ, NULL), "a selector");
    CHECK_NULL_ERROR(asy_selector_unregister(NULL, 0), "a selector");
    CHECK_NULL(asy_selector_get_key(NULL, 0));
    CHECK_NULL_ERROR(asy_selector_select(NULL, 0.0, ready, 4, &nready), "a selector");
    CHECK_INT_EQ(asy_selector_count(NULL), 0);
    CHECK_NULL(asy_selector_name(NULL));
    CHECK_NULL(asy_selector_new(&asy_selector_backend_poll, &s));
    CHECK_NULL_ERROR(asy_selector_select(s, 0.0, ready, 4, NULL), "a place for the count");
    asy_selector_free(s);
    nothing_alive();
}

/* ---- future.h, task.h (chapters 11-13) ---- */

static void test_futures(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_exc *x = NULL;
    asy_value v = asy_int(7);
    CHECK(!asy_isfuture(NULL));
    CHECK_INT_EQ(asy_future_get_state(NULL), ASY_FUTURE_PENDING);
    CHECK(!asy_future_done(NULL));
    CHECK(!asy_future_cancelled(NULL));
    CHECK_NULL_ERROR(asy_future_result(NULL, &v), "a Future");
    CHECK(asy_is_none(v));
    CHECK_NULL_ERROR(asy_future_exception(NULL, &x), "a Future");
    CHECK_NULL(x);
    CHECK_NULL_ERROR(asy_future_result(NULL, NULL), "a Future");
    CHECK_NULL_ERROR(asy_future_set_result(NULL, asy_str("released")), "a Future");
    CHECK_NULL_ERROR(asy_future_set_exception(NULL, asy_exc_new(&asy_ValueError, "released")), "a Future");
    CHECK_NULL_ERROR(asy_future_set_exception(fut, NULL), "an exception");
    CHECK(!asy_future_done(fut));
    CHECK(!asy_future_cancel(NULL, "msg"));
    CHECK_NULL_ERROR(asy_future_add_done_callback(NULL, done_callback, asy_str("released")), "a Future");
    CHECK_NULL_ERROR(asy_future_add_done_callback(fut, NULL, asy_str("released")), "a callback");
    CHECK_INT_EQ(asy_future_remove_done_callback(NULL, done_callback), 0);
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(NULL, done_callback, asy_none()), 0);
    CHECK_INT_EQ(asy_future_remove_done_callback(fut, NULL), 0);
    CHECK_NULL(asy_future_make_cancelled_error(NULL));
    CHECK(asy_is_none(asy_future_value(NULL)));
    /* out NULL: only the outcome */
    CHECK_NULL(asy_future_set_result(fut, asy_str("dropped")));
    CHECK_NULL(asy_future_result(fut, NULL));
    CHECK_NULL(asy_future_exception(fut, NULL));
    asy_decref(fut);

    /* a NULL loop is the running one; with none, a future with no loop,
     * whose callbacks cannot run: TypeError, not silence */
    asy_future *lonely = asy_future_new(NULL);
    CHECK_NULL(lonely->loop);
    CHECK_NULL(asy_future_add_done_callback(lonely, done_callback, asy_str("dropped")));
    CHECK_NULL_ERROR(asy_future_set_result(lonely, asy_int(1)), "an event loop");
    CHECK(asy_future_done(lonely)); /* completed all the same, as on a closed loop */
    CHECK_NULL_ERROR(asy_future_add_done_callback(lonely, done_callback, asy_str("released")), "an event loop");
    asy_decref(lonely);
    done_with(loop);
}

static asy_status future_in_loop_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_future *f = asy_future_new(NULL);
        note("bound=%d", f->loop == asy_get_running_loop(NULL));
        asy_decref(f);
    }
    ASY_END(co);
}

static void test_future_new_takes_the_running_loop(void)
{
    trace_reset();
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), future_in_loop_body, "main"), NULL);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "bound=1");
    asy_result_clear(&r);
    nothing_alive();
}

static void test_tasks(void)
{
    asy_loop *loop = vloop();
    asy_exc *err;
    /* a NULL loop is a TypeError (not "Event loop is closed"), found
     * before the coroutine, which is dropped unstarted as Python drops it */
    CHECK_NULL_FAIL(asy_loop_create_task(NULL, NULL, NULL, &err), err, "an event loop");
    capture_start();
    CHECK_NULL_FAIL(asy_loop_create_task(NULL, quick(), NULL, &err), err, "an event loop");
    CHECK_NULL_FAIL(asy_eager_task_factory(NULL, quick(), NULL, &err), err, "an event loop");
    CHECK_STR_EQ(capture_end(), "RuntimeWarning: coroutine 'quick' was never awaited\n"
                                "RuntimeWarning: coroutine 'quick' was never awaited\n");
    CHECK_NULL(asy_loop_create_task(NULL, NULL, NULL, NULL));
    CHECK_NULL_FAIL(asy_ensure_future(NULL, loop, &err), err, "an awaitable");
    CHECK_NULL(asy_ensure_future(NULL, loop, NULL));
    /* here a NULL loop means the running loop (Python's loop=None), and
     * there is none: asyncio's RuntimeError, found first as in Python */
    err = NULL;
    CHECK_NULL(asy_create_task(NULL, NULL, &err));
    CHECK_STR_EQ(ASY_EXC_STR(err), "RuntimeError: no running event loop");
    asy_decref(err);
    err = NULL;
    CHECK_NULL(asy_current_task(NULL, &err));
    CHECK_STR_EQ(ASY_EXC_STR(err), "RuntimeError: no running event loop");
    asy_decref(err);
    CHECK_INT_EQ(asy_all_tasks(loop, NULL, 5, &err), 0); /* out NULL: only the count */
    CHECK_NULL(err);
    CHECK(!asy_istask(NULL));
    CHECK_NULL(asy_task_get_name(NULL));
    asy_task_set_name(NULL, "name");
    CHECK_NULL(asy_task_get_coro(NULL));
    CHECK(!asy_task_cancel(NULL, "msg"));
    CHECK_INT_EQ(asy_task_cancelling(NULL), 0);
    CHECK_INT_EQ(asy_task_uncancel(NULL), 0);
    CHECK_NULL(asy_value_task(asy_none()));
    CHECK(asy_is_none(asy_task_value(NULL)));
    asy_future *fut = asy_future_new(loop);
    asy_result r = asy_loop_run_until_complete(NULL, fut); /* fut stolen */
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_NULL_ERROR(asy_incref(r.exc), "an event loop");
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, NULL);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_NULL_ERROR(asy_incref(r.exc), "an awaitable");
    asy_result_clear(&r);
    /* asyncio.run(None) keeps Python's own ValueError (test_task.c) */
    done_with(loop);
}

/* ---- gather.h, wait.h, as_completed.h, shield.h, wait_for.h (14-18) ---- */

/* The exception a future already holds (new reference). */
static asy_exc *exception_of(asy_future *fut)
{
    asy_exc *x = NULL;
    asy_decref(asy_future_exception(fut, &x));
    return x;
}

static void test_combinators(void)
{
    asy_exc *err;
    asy_future *g = asy_gather(false, 2, NULL);
    CHECK(asy_future_done(g));
    CHECK_NULL_ERROR(exception_of(g), "an array of awaitables");
    asy_decref(g);
    g = asy_gather(true, 1, (void *[]){NULL});
    CHECK_NULL_ERROR(exception_of(g), "an awaitable");
    asy_decref(g);

    CHECK_RAISES_AT_AWAIT(asy_wait(2, NULL, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED), "an array of futures");
    CHECK_RAISES_AT_AWAIT(asy_wait(1, (void *[]){NULL}, 1.0, ASY_FIRST_COMPLETED), "a future");
    CHECK_RAISES_AT_AWAIT(asy_wait_list(NULL, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED), "a list of futures");
    CHECK_NULL(asy_wait_done(asy_none()));
    CHECK_NULL(asy_wait_pending(asy_none()));

    asy_as_completed *ac = asy_as_completed_new(3, NULL, ASY_NO_TIMEOUT);
    CHECK_INT_EQ(asy_as_completed_left(ac), 1);
    CHECK_RAISES_AT_AWAIT(asy_as_completed_next(ac), "an array of awaitables");
    CHECK_INT_EQ(asy_as_completed_left(ac), 0);
    asy_decref(ac);
    ac = asy_as_completed_new(1, (void *[]){NULL}, 1.0);
    CHECK_RAISES_AT_AWAIT(asy_as_completed_next(ac), "an awaitable");
    asy_decref(ac);
    CHECK_INT_EQ(asy_as_completed_left(NULL), 0);
    CHECK_RAISES_AT_AWAIT(asy_as_completed_next(NULL), "an as_completed iterator");

    CHECK_NULL_FAIL(asy_shield(NULL, &err), err, "an awaitable");
    CHECK_NULL(asy_shield(NULL, NULL));

    CHECK_RAISES_AT_AWAIT(asy_wait_for(NULL, 1.0), "an awaitable");
    CHECK_RAISES_AT_AWAIT(asy_wait_for(NULL, ASY_NO_TIMEOUT), "an awaitable");
    CHECK_NULL_ERROR(asy_timeout_enter(NULL), "a Timeout");
    asy_exc *body = asy_exc_new(&asy_ValueError, "from the body");
    asy_exc *e = asy_timeout_exit(NULL, body); /* body stolen: the context */
    CHECK(e != NULL && e->context == body);
    CHECK_NULL_ERROR(e, "a Timeout");
    CHECK_NULL_ERROR(asy_timeout_exit(NULL, NULL), "a Timeout");
    CHECK(asy_is_no_timeout(asy_timeout_when(NULL)));
    CHECK(!asy_timeout_expired(NULL));
    CHECK_NULL_ERROR(asy_timeout_reschedule(NULL, 1.0), "a Timeout");
    nothing_alive();
}

/* A task factory that refuses with an error of its own. */
static asy_task *refusing_factory(asy_loop *loop, asy_gen *coro, const char *name, asy_exc **error)
{
    (void)loop;
    (void)name;
    asy_decref(asy_gen_close(coro));
    asy_decref(coro);
    if (error != NULL)
        *error = asy_exc_new(&asy_ValueError, "factory says no");
    return NULL;
}

typedef struct {
    asy_coro co;
    asy_as_completed *ac;
} in_task_frame;

static void in_task_clear(asy_gen *g) { asy_decref(((in_task_frame *)g)->ac); }

#define NOTE_RAISED(co)                                          \
    do {                                                         \
        asy_exc *raised_ = ASY_CATCH(co);                        \
        note("%s;", raised_ != NULL ? ASY_EXC_STR(raised_) : "ok"); \
        asy_decref(raised_);                                     \
    } while (0)

/* In a task: each bad awaitable raises at its await, and the body goes on;
 * gather and as_completed pass create_task's own error through. */
static asy_status in_task_body(asy_coro *co)
{
    in_task_frame *f = (in_task_frame *)co;
    ASY_BEGIN(co);
    asy_loop_set_task_factory(asy_get_running_loop(NULL), refusing_factory);
    ASY_AWAIT_TRY(co, asy_gather_of(false, quick()));
    NOTE_RAISED(co);
    f->ac = asy_as_completed_new(1, (void *[]){quick()}, ASY_NO_TIMEOUT);
    ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
    NOTE_RAISED(co);
    asy_loop_set_task_factory(asy_get_running_loop(NULL), NULL);
    ASY_AWAIT_TRY(co, asy_gather(false, 1, (void *[]){NULL}));
    NOTE_RAISED(co);
    ASY_AWAIT_TRY(co, asy_wait(1, (void *[]){NULL}, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    NOTE_RAISED(co);
    ASY_AWAIT_TRY(co, asy_wait_for(NULL, 0.5));
    NOTE_RAISED(co);
    ASY_AWAIT_TRY(co, asy_lock_acquire(NULL));
    NOTE_RAISED(co);
    ASY_AWAIT_TRY(co, asy_queue_get(NULL));
    NOTE_RAISED(co);
    ASY_AWAIT_TRY(co, asy_taskgroup_exit(NULL, NULL));
    NOTE_RAISED(co);
    {
        asy_result r = asy_run(NULL, NULL); /* the running loop is found first */
        note("%s;", ASY_EXC_STR(r.exc));
        asy_result_clear(&r);
    }
    ASY_END(co);
}

static void test_bad_awaitables_raise_in_a_task(void)
{
    trace_reset();
    in_task_frame *f = ASY_CORO_NEW(in_task_frame, in_task_body, "main");
    asy_gen_set_clear(&f->co, in_task_clear);
    asy_result r = asy_run(&f->co, NULL);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "ValueError: factory says no; ValueError: factory says no;"
                        " TypeError: an awaitable was expected, got NULL;"
                        " TypeError: a future was expected, got NULL;"
                        " TypeError: an awaitable was expected, got NULL;"
                        " TypeError: a Lock was expected, got NULL;"
                        " TypeError: a Queue was expected, got NULL;"
                        " TypeError: a TaskGroup was expected, got NULL;"
                        " RuntimeError: asyncio.run() cannot be called from a running event loop;");
    nothing_alive();
}

/* ---- lock.h, event.h, condition.h, semaphore.h, queue.h (20-24) ---- */

static void test_waiter_queue(void)
{
    asy_exc *err;
    asy_loop *bound = NULL;
    asy_ilist queue;
    asy_ilist_init(&queue);
    asy_waiter_init(NULL);
    CHECK_NULL_FAIL(asy_primitive_get_loop(NULL, NULL, &err), err, "a place for the bound loop");
    CHECK_NULL(asy_primitive_get_loop(&bound, NULL, NULL)); /* no loop runs; error NULL */
    asy_waiter_enqueue(NULL, &queue, NULL);
    CHECK(asy_ilist_empty(&queue));
    asy_waiter_leave(NULL);
    asy_waiter_clear(NULL);
    CHECK(!asy_waiter_wake(NULL, asy_str("released")));
    CHECK(!asy_waiter_done(NULL));
    CHECK(!asy_waiter_cancelled(NULL));
    nothing_alive();
}

static void test_lock_event_condition(void)
{
    asy_lock *lock = asy_lock_new();
    CHECK(!asy_lock_locked(NULL));
    CHECK_RAISES_AT_AWAIT(asy_lock_acquire(NULL), "a Lock");
    CHECK_NULL_ERROR(asy_lock_release(NULL), "a Lock");
    CHECK_INT_EQ(asy_lock_waiter_count(NULL), 0);
    CHECK_NULL(asy_value_lock(asy_none()));
    CHECK(asy_is_none(asy_lock_value(NULL)));
    CHECK(asy_is_none(asy_event_value(NULL)));

    CHECK(!asy_event_is_set(NULL));
    asy_event_set(NULL);
    asy_event_clear(NULL);
    CHECK_RAISES_AT_AWAIT(asy_event_wait(NULL), "an Event");
    CHECK_INT_EQ(asy_event_waiter_count(NULL), 0);

    asy_condition *cond = asy_condition_new(NULL); /* documented: a new Lock */
    CHECK(asy_condition_lock(cond) != NULL);
    CHECK_NULL(asy_condition_lock(NULL));
    CHECK_RAISES_AT_AWAIT(asy_condition_acquire(NULL), "a Condition");
    CHECK_NULL_ERROR(asy_condition_release(NULL), "a Condition");
    CHECK(!asy_condition_locked(NULL));
    CHECK_RAISES_AT_AWAIT(asy_condition_wait(NULL), "a Condition");
    CHECK_RAISES_AT_AWAIT(asy_condition_wait_for(NULL, always, NULL), "a Condition");
    CHECK_RAISES_AT_AWAIT(asy_condition_wait_for(cond, NULL, NULL), "a predicate function");
    CHECK_NULL_ERROR(asy_condition_notify(NULL, 1), "a Condition");
    CHECK_NULL_ERROR(asy_condition_notify_all(NULL), "a Condition");
    CHECK_INT_EQ(asy_condition_waiter_count(NULL), 0);
    asy_decref(cond);
    asy_decref(lock);
    nothing_alive();
}

static void test_semaphore_queue(void)
{
    CHECK_NULL(asy_semaphore_new(-1, NULL)); /* error NULL: released */
    CHECK(!asy_semaphore_locked(NULL));
    CHECK_INT_EQ(asy_semaphore_value(NULL), 0);
    CHECK_RAISES_AT_AWAIT(asy_semaphore_acquire(NULL), "a Semaphore");
    CHECK_NULL_ERROR(asy_semaphore_release(NULL), "a Semaphore");
    CHECK_INT_EQ(asy_semaphore_waiter_count(NULL), 0);

    /* a NULL queue answers as an empty unbounded one */
    CHECK_INT_EQ(asy_queue_maxsize(NULL), 0);
    CHECK_INT_EQ(asy_queue_qsize(NULL), 0);
    CHECK(asy_queue_empty(NULL));
    CHECK(!asy_queue_full(NULL));
    CHECK_INT_EQ(asy_queue_getter_count(NULL), 0);
    CHECK_INT_EQ(asy_queue_putter_count(NULL), 0);
    CHECK_INT_EQ(asy_queue_unfinished_tasks(NULL), 0);
    CHECK_RAISES_AT_AWAIT(asy_queue_put(NULL, asy_str("released")), "a Queue");
    CHECK_RAISES_AT_AWAIT(asy_queue_put_priority(NULL, 1.0, asy_str("released")), "a Queue");
    CHECK_NULL_ERROR(asy_queue_put_nowait(NULL, asy_str("released")), "a Queue");
    CHECK_NULL_ERROR(asy_queue_put_priority_nowait(NULL, 1.0, asy_str("released")), "a Queue");
    CHECK_RAISES_AT_AWAIT(asy_queue_get(NULL), "a Queue");
    asy_value v = asy_int(3);
    CHECK_NULL_ERROR(asy_queue_get_nowait(NULL, &v), "a Queue");
    CHECK(asy_is_none(v));
    CHECK_NULL_ERROR(asy_queue_task_done(NULL), "a Queue");
    CHECK_RAISES_AT_AWAIT(asy_queue_join(NULL), "a Queue");
    /* out NULL: the item is taken and released */
    asy_queue *q = asy_queue_new(0);
    CHECK_NULL(asy_queue_put_nowait(q, asy_str("taken")));
    CHECK_NULL(asy_queue_get_nowait(q, NULL));
    CHECK_INT_EQ(asy_queue_qsize(q), 0);
    asy_exc *e = asy_queue_get_nowait(q, NULL);
    CHECK(asy_exc_is(e, &asy_QueueEmpty));
    asy_decref(e);
    asy_decref(q);
    nothing_alive();
}

/* ---- taskgroup.h (chapter 19) ---- */

static void test_taskgroup(void)
{
    asy_exc *err;
    CHECK_NULL_ERROR(asy_taskgroup_enter(NULL), "a TaskGroup");
    /* the coroutine is closed, as for the group's other refusals: no warning */
    capture_start();
    CHECK_NULL_FAIL(asy_taskgroup_create_task(NULL, quick(), NULL, &err), err, "a TaskGroup");
    CHECK_STR_EQ(capture_end(), "");
    asy_exc *body = asy_exc_new(&asy_ValueError, "from the body");
    asy_coro *exit = asy_taskgroup_exit(NULL, body); /* body stolen: the context */
    asy_result r = asy_coro_drive(exit);
    CHECK(r.exc != NULL && r.exc->context == body);
    CHECK_NULL_ERROR(asy_incref(r.exc), "a TaskGroup");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_taskgroup_size(NULL), 0);
    nothing_alive();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"values and objects", test_values_and_objects},
        {"exceptions", test_exceptions},
        {"exception groups", test_exception_groups},
        {"lists", test_lists},
        {"generators", test_generators},
        {"coroutines", test_coroutines},
        {"trampoline", test_trampoline},
        {"loop", test_loop},
        {"clock, heap, ptrmap and selector", test_clock_heap_selector},
        {"futures", test_futures},
        {"a future made with no loop takes the running loop", test_future_new_takes_the_running_loop},
        {"tasks", test_tasks},
        {"combinators", test_combinators},
        {"bad awaitables raise at their await in a task", test_bad_awaitables_raise_in_a_task},
        {"waiter queue", test_waiter_queue},
        {"lock, event, condition", test_lock_event_condition},
        {"semaphore, queue", test_semaphore_queue},
        {"taskgroup", test_taskgroup},
        {NULL, NULL},
    };
    return check_main("misuse", tests, argc, argv);
}
