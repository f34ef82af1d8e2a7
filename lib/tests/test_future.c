/*
 * test_future.c - futures (chapter 11): states and Python's errors, done
 * callbacks (scheduled, never inline, in order, with arguments), awaiting
 * a future, and the "exception was never retrieved" report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "coro.h"
#include "future.h"


static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s: %s]", ctx->message, ctx->exception ? ASY_EXC_STR(ctx->exception) : "-");
}

static asy_loop *vloop(void)
{
    trace_reset();
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

#define CHECK_ERR(call, text)                                        \
    do {                                                             \
        asy_exc *e_ = (call);                                        \
        CHECK_STR_EQ(e_ != NULL ? ASY_EXC_STR(e_) : "no error", text); \
        asy_decref(e_);                                              \
    } while (0)

static void test_states_and_misuse(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_value v;
    asy_exc *x;
    CHECK(!asy_future_done(fut));
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(fut)), "<Future pending>");
    CHECK_ERR(asy_future_result(fut, &v), "InvalidStateError: Result is not set.");
    CHECK_ERR(asy_future_exception(fut, &x), "InvalidStateError: Exception is not set.");
    CHECK_NULL(asy_future_set_result(fut, asy_int(42)));
    CHECK(asy_future_done(fut));
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(fut)), "<Future finished result=42>");
    CHECK_ERR(asy_future_set_result(fut, asy_int(1)), "InvalidStateError: invalid state");
    CHECK_ERR(asy_future_set_exception(fut, asy_exc_new(&asy_ValueError, "late")),
              "InvalidStateError: invalid state");
    CHECK(!asy_future_cancel(fut, NULL)); /* done: cancel says no */
    CHECK_NULL(asy_future_result(fut, &v));
    CHECK_STR_EQ(ASY_STR(v), "42");
    CHECK_NULL(asy_future_exception(fut, &x));
    CHECK_NULL(x);
    asy_decref(fut);
    done_with(loop);
}

static void test_exception_outcome(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_ERR(asy_future_set_exception(fut, asy_exc_stop_iteration(asy_none())),
              "TypeError: StopIteration interacts badly with generators and cannot be raised into a Future");
    CHECK(!asy_future_done(fut));
    CHECK_NULL(asy_future_set_exception(fut, asy_exc_new(&asy_ValueError, "bad")));
    asy_value v;
    CHECK_ERR(asy_future_result(fut, &v), "ValueError: bad");
    asy_exc *x = NULL;
    CHECK_NULL(asy_future_exception(fut, &x));
    CHECK_STR_EQ(x ? ASY_EXC_STR(x) : "", "ValueError: bad");
    asy_decref(x);
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(fut)), "<Future finished exception=ValueError('bad')>");
    asy_decref(fut);
    CHECK_STR_EQ(trace, ""); /* retrieved: nothing reported */
    done_with(loop);
}

static void test_cancel(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK(asy_future_cancel(fut, "stop it"));
    CHECK(!asy_future_cancel(fut, NULL)); /* twice: no */
    CHECK(asy_future_cancelled(fut));
    CHECK(asy_future_done(fut));
    asy_value v;
    CHECK_ERR(asy_future_result(fut, &v), "CancelledError: stop it");
    asy_exc *x;
    CHECK_ERR(asy_future_exception(fut, &x), "CancelledError: stop it");
    CHECK_ERR(asy_future_set_result(fut, asy_none()), "InvalidStateError: invalid state");
    asy_exc *ce = asy_exc_new(&asy_CancelledError, NULL);
    CHECK(!asy_exc_is(ce, &asy_Exception)); /* Python 3.8+: a BaseException */
    asy_decref(ce);
    asy_decref(fut);
    done_with(loop);
}

static asy_exc *call_back(asy_future *fut, asy_value arg)
{
    (void)arg;
    asy_value v;
    asy_decref(asy_future_result(fut, &v));
    note("Callback: %s", ASY_STR(v));
    asy_value_decref(v);
    return NULL;
}

/* functools.partial(call_back_2, 100) */
static asy_exc *call_back_2(asy_future *fut, asy_value num)
{
    asy_value v;
    asy_decref(asy_future_result(fut, &v));
    note("Callback_2: %s, the num is %s", ASY_STR(v), ASY_STR(num));
    asy_value_decref(v);
    return NULL;
}

static asy_exc *say(asy_value arg)
{
    note("%s", ASY_STR(arg));
    return NULL;
}

static void test_done_callbacks_are_scheduled_in_order_with_args(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_NULL(asy_future_add_done_callback(fut, call_back, asy_none()));
    CHECK_NULL(asy_future_add_done_callback(fut, call_back_2, asy_int(100)));
    CHECK_NULL(asy_future_add_done_callback(fut, call_back, asy_none()));
    CHECK_NULL(asy_future_set_result(fut, asy_str("Work 1 is finished")));
    CHECK_STR_EQ(trace, ""); /* never inline */
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "Callback: Work 1 is finished Callback_2: Work 1 is finished, the num is 100 "
                        "Callback: Work 1 is finished");
    asy_decref(fut);
    done_with(loop);
}

static void test_callback_added_to_done_future_runs_next_turn(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_NULL(asy_future_set_result(fut, asy_int(1)));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("queued-before"), NULL));
    CHECK_NULL(asy_future_add_done_callback(fut, call_back, asy_none()));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("queued-after"), NULL));
    CHECK_STR_EQ(trace, "");
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "queued-before Callback: 1 queued-after");
    asy_decref(fut);
    done_with(loop);
}

static void test_remove_done_callback(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_NULL(asy_future_add_done_callback(fut, call_back, asy_none()));
    CHECK_NULL(asy_future_add_done_callback(fut, call_back_2, asy_str("kept")));
    CHECK_NULL(asy_future_add_done_callback(fut, call_back, asy_none()));
    CHECK_INT_EQ(asy_future_remove_done_callback(fut, call_back), 2);
    CHECK_INT_EQ(asy_future_remove_done_callback(fut, call_back), 0);
    CHECK_NULL(asy_future_set_result(fut, asy_int(5)));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "Callback_2: 5, the num is kept");
    asy_decref(fut);
    done_with(loop);
}

static void test_remove_after_completion_removes_nothing(void)
{
    /* Python empties the list when it schedules the callbacks: they run. */
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_NULL(asy_future_add_done_callback(fut, call_back, asy_none()));
    CHECK_NULL(asy_future_set_result(fut, asy_int(9)));
    CHECK_INT_EQ(asy_future_remove_done_callback(fut, call_back), 0);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "Callback: 9");
    asy_decref(fut);
    done_with(loop);
}

/* Two callbacks that note their argument: the same argument with another
 * function is another registration. */
static asy_exc *tag(asy_future *fut, asy_value arg)
{
    (void)fut;
    note("%s", ASY_REPR(arg));
    return NULL;
}

static asy_exc *other_tag(asy_future *fut, asy_value arg)
{
    (void)fut;
    note("other:%s", ASY_REPR(arg));
    return NULL;
}

static void test_remove_by_function_and_argument(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_value a = asy_str("a"), twin = asy_str("a"); /* equal, but two objects */
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_value_incref(a)));
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_int(1)));
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_value_incref(twin)));
    CHECK_NULL(asy_future_add_done_callback(fut, other_tag, asy_value_incref(a)));
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_int(1)));
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_float(1.0)));
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_value_incref(a)));
    CHECK_INT_EQ(fut->ncbs, 7);
    /* (tag, a): the first and the last, not a's equal twin, not other_tag's */
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, tag, a), 2);
    CHECK_INT_EQ(a.u.o->refcnt, 2); /* ours and other_tag's: the two removed were released */
    /* (tag, 1): both ints; the float 1.0 is another kind, so it stays */
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, tag, asy_int(1)), 2);
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, tag, asy_int(1)), 0);
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, tag, asy_none()), 0);
    CHECK_INT_EQ(fut->ncbs, 3);
    CHECK_NULL(asy_future_set_result(fut, asy_none()));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "'a' other:'a' 1.0"); /* the rest, in registration order */
    CHECK_INT_EQ(a.u.o->refcnt, 1);
    CHECK_INT_EQ(twin.u.o->refcnt, 1);
    asy_value_decref(a);
    asy_value_decref(twin);
    asy_decref(fut);
    done_with(loop);
}

static void test_remove_by_argument_past_the_inline_slot(void)
{
    /* 12 registrations: cb0 and 11 in the growing array. Remove every
     * other one, then add more: compaction must leave the array as large
     * as the count says (its capacity is not stored). */
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    for (int i = 0; i < 12; i++)
        CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_strf("s%d", i)));
    for (int i = 0; i < 12; i += 2)
        CHECK_NULL(asy_future_add_done_callback(fut, other_tag, asy_int(i))); /* 18 in all */
    size_t removed = 0;
    for (int i = 0; i < 12; i += 2)
        removed += asy_future_remove_done_callback_arg(fut, other_tag, asy_int(i));
    CHECK_INT_EQ(removed, 6);
    for (int i = 0; i < 12; i++)
        if (i % 3 == 0)
            CHECK_NULL(asy_future_add_done_callback(fut, other_tag, asy_int(100 + i)));
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, other_tag, asy_int(103)), 1);
    CHECK_INT_EQ(fut->ncbs, 15);
    for (int i = 0; i < 10; i++) /* grow well past what was ever allocated */
        CHECK_NULL(asy_future_add_done_callback(fut, other_tag, asy_int(200)));
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, other_tag, asy_int(200)), 10);
    CHECK_INT_EQ(fut->ncbs, 15);
    CHECK_NULL(asy_future_set_result(fut, asy_none()));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "'s0' 's1' 's2' 's3' 's4' 's5' 's6' 's7' 's8' 's9' 's10' 's11' "
                        "other:100 other:106 other:109");
    asy_decref(fut);
    done_with(loop);
}

static void test_remove_all_by_argument_then_add_again(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    for (int i = 0; i < 6; i++)
        CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_int(7)));
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, tag, asy_int(7)), 6);
    CHECK_INT_EQ(fut->ncbs, 0);
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_str("again")));
    CHECK_NULL(asy_future_add_done_callback(fut, other_tag, asy_str("too")));
    CHECK_INT_EQ(fut->ncbs, 2);
    asy_future_cancel(fut, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "'again' other:'too'");
    asy_decref(fut);
    done_with(loop);
}

static void test_remove_by_argument_after_completion_removes_nothing(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_value keep = asy_str("k");
    CHECK_NULL(asy_future_add_done_callback(fut, tag, asy_value_incref(keep)));
    CHECK_NULL(asy_future_set_result(fut, asy_none()));
    CHECK_INT_EQ(asy_future_remove_done_callback_arg(fut, tag, keep), 0); /* scheduled: it runs */
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "'k'");
    asy_value_decref(keep);
    asy_decref(fut);
    done_with(loop);
}

static asy_exc *failing_callback(asy_future *fut, asy_value arg)
{
    (void)fut;
    (void)arg;
    return asy_exc_new(&asy_RuntimeError, "callback broke");
}

static void test_failing_done_callback_reaches_handler(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_NULL(asy_future_add_done_callback(fut, failing_callback, asy_none()));
    CHECK_NULL(asy_future_add_done_callback(fut, call_back, asy_none()));
    asy_future_cancel(fut, NULL);
    asy_decref(fut); /* the loop keeps it alive until its callbacks ran */
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK(strstr(trace, "[Exception in callback failing_callback(<Future cancelled>): "
                        "RuntimeError: callback broke]") == trace);
    done_with(loop);
}

static void test_exception_never_retrieved_is_reported(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_NULL(asy_future_set_exception(fut, asy_exc_new(&asy_KeyError, "lost")));
    asy_decref(fut);
    CHECK_STR_EQ(trace, "[Future exception was never retrieved: KeyError: 'lost']");
    done_with(loop);
}

/* async def waiter(fut): return await fut */
typedef struct {
    asy_coro co;
    asy_future *fut;
} waiter_frame;

static asy_status waiter_body(asy_coro *co)
{
    waiter_frame *f = (waiter_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_incref(f->fut));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}
static void waiter_clear(asy_gen *g) { asy_decref(((waiter_frame *)g)->fut); }
static asy_coro *waiter(asy_future *fut)
{
    waiter_frame *f = ASY_CORO_NEW(waiter_frame, waiter_body, "waiter");
    f->fut = asy_incref(fut);
    asy_gen_set_clear(&f->co, waiter_clear);
    return &f->co;
}

/* A done callback that must never run here. */
static asy_exc *must_not_run(asy_future *fut, asy_value arg)
{
    (void)fut;
    note("ran %s", ASY_STR(arg));
    return NULL;
}

/* add_done_callback on a done future schedules with call_soon: on a
 * closed loop, RuntimeError "Event loop is closed" and arg released. */
static void test_add_done_callback_on_a_closed_loop_raises(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    CHECK_NULL(asy_future_set_result(fut, asy_int(1)));
    CHECK_NULL(asy_loop_close(loop));
    asy_exc *e = asy_future_add_done_callback(fut, must_not_run, asy_str("late"));
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Event loop is closed");
    asy_decref(e);
    /* a pending future of a closed loop only records the callback */
    asy_future *pending = asy_future_new(loop);
    CHECK_NULL(asy_future_add_done_callback(pending, must_not_run, asy_str("kept")));
    asy_decref(pending); /* pending, never done: the callback goes with it */
    asy_decref(fut);
    asy_decref(loop);
    CHECK_STR_EQ(trace, "");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Completing a future whose callbacks must go to a closed loop: as
 * CPython, the future is completed first, then scheduling raises; the
 * callbacks are dropped (never run, arguments released). */
static void test_completing_with_callbacks_on_a_closed_loop(void)
{
    asy_loop *loop = vloop();
    asy_future *a = asy_future_new(loop), *b = asy_future_new(loop), *c = asy_future_new(loop);
    asy_future *quiet = asy_future_new(loop);
    CHECK_NULL(asy_future_add_done_callback(a, must_not_run, asy_str("a1")));
    CHECK_NULL(asy_future_add_done_callback(a, must_not_run, asy_str("a2")));
    CHECK_NULL(asy_future_add_done_callback(b, must_not_run, asy_str("b")));
    CHECK_NULL(asy_future_add_done_callback(c, must_not_run, asy_str("c")));
    CHECK_NULL(asy_loop_close(loop));

    asy_exc *e = asy_future_set_result(a, asy_int(7));
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Event loop is closed");
    asy_decref(e);
    CHECK(asy_future_done(a));
    asy_value v = asy_none();
    CHECK_NULL(asy_future_result(a, &v));
    CHECK_STR_EQ(ASY_STR(v), "7");
    asy_value_decref(v);
    CHECK_ERR(asy_future_set_result(a, asy_int(8)), "InvalidStateError: invalid state");

    e = asy_future_set_exception(b, asy_exc_new(&asy_ValueError, "boom"));
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Event loop is closed");
    asy_decref(e);
    asy_exc *x = NULL;
    CHECK_NULL(asy_future_exception(b, &x));
    CHECK_STR_EQ(x ? ASY_EXC_STR(x) : "", "ValueError: boom");
    asy_decref(x);

    CHECK(asy_future_cancel(c, "bye")); /* a bool cannot carry the error: see future.h */
    CHECK(asy_future_cancelled(c));

    CHECK_NULL(asy_future_set_result(quiet, asy_none())); /* no callbacks: nothing to schedule */

    asy_decref(a);
    asy_decref(b);
    asy_decref(c);
    asy_decref(quiet);
    asy_decref(loop);
    CHECK_STR_EQ(trace, "");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_awaiting_a_future(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_coro *co = waiter(fut);
    /* Pending: the await yields the future itself, up to whoever drives. */
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_YIELDED);
    CHECK(asy_value_future(r.value) == fut);
    asy_result_clear(&r);
    CHECK_NULL(asy_future_set_result(fut, asy_str("ready")));
    r = asy_gen_send(co, asy_none()); /* resumed: the await's value */
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "'ready'");
    asy_result_clear(&r);
    asy_decref(co);
    /* Done already: the await returns at once, no yield. */
    r = asy_coro_drive(waiter(fut));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    /* A cancelled future raises CancelledError at the await. */
    asy_future *gone = asy_future_new(loop);
    asy_future_cancel(gone, "gone");
    r = asy_coro_drive(waiter(gone));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError: gone");
    asy_result_clear(&r);
    asy_decref(gone);
    asy_decref(fut);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"states and misuse", test_states_and_misuse},
        {"an exception as the outcome", test_exception_outcome},
        {"cancel", test_cancel},
        {"done callbacks: scheduled, in order, with arguments", test_done_callbacks_are_scheduled_in_order_with_args},
        {"a callback added to a done future runs next turn", test_callback_added_to_done_future_runs_next_turn},
        {"remove_done_callback", test_remove_done_callback},
        {"remove after completion removes nothing", test_remove_after_completion_removes_nothing},
        {"remove_done_callback_arg removes only (fn, that same arg), keeps the rest in order",
         test_remove_by_function_and_argument},
        {"remove_done_callback_arg past 5 registrations, then adding more", test_remove_by_argument_past_the_inline_slot},
        {"remove_done_callback_arg of every registration, then adding again", test_remove_all_by_argument_then_add_again},
        {"remove_done_callback_arg after completion removes nothing", test_remove_by_argument_after_completion_removes_nothing},
        {"a failing done callback reaches the handler", test_failing_done_callback_reaches_handler},
        {"exception never retrieved is reported", test_exception_never_retrieved_is_reported},
        {"awaiting a future", test_awaiting_a_future},
        {"add_done_callback on a done future of a closed loop raises", test_add_done_callback_on_a_closed_loop_raises},
        {"completing a future with callbacks on a closed loop", test_completing_with_callbacks_on_a_closed_loop},
        {NULL, NULL},
    };
    return check_main("future", tests, argc, argv);
}
