/*
 * test_shield.c - shield (chapter 17), on the virtual clock: the outer
 * await is cancelled, the inner work is not; an inner cancelled from
 * elsewhere cancels the shield; shield of a done future is that future;
 * wait_for(shield(x)) times out while x runs on; once the outer is done,
 * the shield takes its own callback off the inner, and only its own.
 */
#include <string.h>

#include "check.h"
#include "shield.h"
#include "trace.h"
#include "vloop.h"
#include "wait_for.h"

#define T() ASY_STR(asy_float(now()))

/* async def something(name, delay, fails): await sleep(delay); note; return name */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    bool fails;
} something_frame;

static asy_status something_body(asy_coro *co)
{
    something_frame *f = (something_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("%s cancelled@%s", f->name, T());
        ASY_RERAISE(co);
    }
    note("%s done@%s", f->name, T());
    if (f->fails)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s failed", f->name));
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_coro *something(const char *name, double delay, bool fails)
{
    something_frame *f = ASY_CORO_NEW(something_frame, something_body, "something");
    f->name = name;
    f->delay = delay;
    f->fails = fails;
    return &f->co;
}

/* async def caller(inner, ignore):
 *     try: res = await shield(inner)
 *     except CancelledError: if not ignore: raise; res = None
 *     note(res)                                                          */
typedef struct {
    asy_coro co;
    asy_task *inner; /* owned */
    bool ignore;
} caller_frame;

static asy_status caller_body(asy_coro *co)
{
    caller_frame *f = (caller_frame *)co;
    asy_exc *err = NULL;
    asy_future *outer;
    ASY_BEGIN(co);
    outer = asy_shield(asy_incref(f->inner), &err);
    if (outer == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, outer);
    if (ASY_EXC(co) != NULL) {
        note("caller sees %s@%s", ASY_EXC_STR(ASY_EXC(co)), T());
        if (!f->ignore || !asy_exc_is(ASY_EXC(co), &asy_CancelledError))
            ASY_RERAISE(co);
        asy_decref(ASY_CATCH(co)); /* res = None */
        note("res = None");
        ASY_AWAIT(co, asy_sleep(5, asy_none())); /* and it carries on */
        note("caller goes on@%s", T());
        ASY_RETURN(co, asy_none());
    }
    note("res = %s@%s", ASY_REPR(ASY_SENT(co)), T());
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void caller_clear(asy_gen *g) { asy_decref(((caller_frame *)g)->inner); }

static asy_coro *caller(asy_task *inner, bool ignore) /* steals inner */
{
    caller_frame *f = ASY_CORO_NEW(caller_frame, caller_body, "caller");
    f->inner = inner;
    f->ignore = ignore;
    asy_gen_set_clear(&f->co, caller_clear);
    return &f->co;
}

/* One turn of the loop, if anything is scheduled: asy_loop_run_once on an
 * empty loop would wait for I/O forever, and a broken shield must make
 * these tests fail, not hang. */
static void one_turn(asy_loop *loop)
{
    if (asy_loop_scheduled_count(loop) > 0)
        CHECK_NULL(asy_loop_run_once(loop));
}

static asy_exc *cancel_it(asy_value arg)
{
    note("cancel@%s", T());
    asy_future_cancel(asy_value_future(arg), NULL);
    return NULL;
}

static void test_outer_cancelled_inner_runs_to_completion(void)
{
    asy_loop *loop = vloop();
    asy_task *inner = asy_loop_create_task(loop, something("inner", 3, false), NULL, NULL);
    asy_task *t = asy_loop_create_task(loop, caller(asy_incref(inner), false), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.0, 1e-9); /* the caller did not wait */
    CHECK(!asy_future_done(&inner->fut));
    CHECK_INT_EQ(inner->fut.ncbs, 0); /* outer done: the shield took its callback back */
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_incref(inner)); /* inner untouched */
    CHECK_STR_EQ(ASY_REPR(r.value), "'inner'");
    CHECK_STR_EQ(trace, "cancel@1.0 caller sees CancelledError@1.0 inner done@3.0");
    asy_result_clear(&r);
    asy_decref(inner);
    asy_decref(t);
    done_with(loop);
}

static void test_ignoring_the_cancellation(void)
{
    asy_loop *loop = vloop();
    asy_task *inner = asy_loop_create_task(loop, something("inner", 3, false), NULL, NULL);
    asy_task *t = asy_loop_create_task(loop, caller(asy_incref(inner), true), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    /* the task swallowed its cancel: it is not cancelled, and ran on */
    CHECK(!asy_future_cancelled(&t->fut));
    CHECK_STR_EQ(trace, "cancel@1.0 caller sees CancelledError@1.0 res = None inner done@3.0 caller goes on@6.0");
    CHECK_INT_EQ(asy_task_cancelling(t), 1); /* the request is still counted */
    asy_result_clear(&r);
    asy_decref(inner);
    asy_decref(t);
    done_with(loop);
}

static void test_inner_cancelled_elsewhere_cancels_the_shield(void)
{
    asy_loop *loop = vloop();
    asy_task *inner = asy_loop_create_task(loop, something("inner", 3, false), NULL, NULL);
    asy_task *t = asy_loop_create_task(loop, caller(asy_incref(inner), false), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(inner), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    CHECK_STR_EQ(trace, "cancel@1.0 inner cancelled@1.0 caller sees CancelledError@1.0");
    asy_result_clear(&r);
    asy_decref(inner);
    asy_decref(t);
    done_with(loop);
}

static void test_result_and_error_pass_through(void)
{
    asy_loop *loop = vloop();
    asy_task *inner = asy_loop_create_task(loop, something("ok", 2, false), NULL, NULL);
    asy_result r = asy_loop_run_until_complete(loop, caller(inner, false));
    CHECK_STR_EQ(ASY_REPR(r.value), "'ok'");
    asy_result_clear(&r);
    inner = asy_loop_create_task(loop, something("bad", 2, true), NULL, NULL);
    r = asy_loop_run_until_complete(loop, caller(inner, false));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "ValueError: bad failed");
    CHECK_STR_EQ(trace, "ok done@2.0 res = 'ok'@2.0 bad done@4.0 caller sees ValueError: bad failed@4.0");
    asy_result_clear(&r);
    done_with(loop);
}

static void test_shield_of_done_future_is_that_future(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_set_result(fut, asy_int(1)));
    asy_exc *err = NULL;
    asy_future *s = asy_shield(asy_incref(fut), &err);
    CHECK(s == fut);
    CHECK_NULL(err);
    asy_decref(s);
    /* a pending one gets a new outer future */
    asy_future *p = asy_future_new(loop);
    s = asy_shield(asy_incref(p), &err);
    CHECK(s != NULL && s != p);
    CHECK_FATAL(s != NULL);
    CHECK_INT_EQ(p->ncbs, 1); /* inner_done */
    CHECK_INT_EQ(s->ncbs, 1); /* outer_done */
    asy_decref(asy_future_set_result(p, asy_str("v")));
    one_turn(loop); /* the inner's callback copies the result */
    CHECK_STR_EQ(asy_future_done(s) ? ASY_REPR(s->result) : "pending", "'v'");
    one_turn(loop); /* the outer's callback: the inner is done, nothing to remove */
    CHECK_INT_EQ(p->ncbs, 0);
    CHECK_INT_EQ(s->ncbs, 0);
    asy_decref(s);
    asy_decref(p);
    asy_decref(fut);
    done_with(loop);
}

static void test_error_after_outer_cancelled_is_reported(void)
{
    /* CPython 3.11 too: _outer_done_callback removed _inner_done_callback
     * at 1.0, so nobody looks at the error that comes at 3.0. */
    asy_loop *loop = vloop();
    asy_task *inner = asy_loop_create_task(loop, something("bad", 3, true), NULL, NULL);
    asy_task *t = asy_loop_create_task(loop, caller(asy_incref(inner), false), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(2, asy_none()));
    asy_result_clear(&r);
    CHECK_INT_EQ(inner->fut.ncbs, 0); /* the shield's callback is gone */
    r = asy_loop_run_until_complete(loop, asy_sleep(3, asy_none()));
    asy_result_clear(&r);
    asy_decref(inner); /* unseen: "Task exception was never retrieved" */
    asy_decref(t);
    CHECK_STR_EQ(trace, "cancel@1.0 caller sees CancelledError@1.0 bad done@3.0 "
                        "[Task exception was never retrieved: ValueError: bad failed]");
    done_with(loop);
}

static void test_error_in_the_turn_the_outer_is_cancelled_is_retrieved(void)
{
    /* Both done before either callback ran: outer_done finds the inner
     * done and removes nothing, and inner_done marks the error retrieved. */
    asy_loop *loop = vloop();
    asy_future *p = asy_future_new(loop);
    asy_exc *err = NULL;
    asy_future *s = asy_shield(asy_incref(p), &err);
    CHECK_FATAL(s != NULL && s != p);
    asy_future_cancel(s, NULL);
    asy_decref(asy_future_set_exception(p, asy_exc_new(&asy_ValueError, "late")));
    while (asy_loop_scheduled_count(loop) > 0)
        one_turn(loop);
    CHECK_INT_EQ(p->ncbs, 0);
    asy_decref(p); /* seen by the shield: nothing reported */
    asy_decref(s);
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

static void test_cancelling_one_shield_removes_only_its_callback(void)
{
    asy_loop *loop = vloop();
    asy_future *p = asy_future_new(loop);
    asy_exc *err = NULL;
    asy_future *s1 = asy_shield(asy_incref(p), &err);
    asy_future *s2 = asy_shield(asy_incref(p), &err);
    CHECK_FATAL(s1 != NULL && s2 != NULL);
    CHECK_INT_EQ(p->ncbs, 2);
    asy_future_cancel(s1, NULL);
    one_turn(loop); /* s1's outer_done */
    CHECK_INT_EQ(p->ncbs, 1); /* s2's inner_done stays */
    asy_decref(asy_future_set_result(p, asy_int(7)));
    while (asy_loop_scheduled_count(loop) > 0)
        one_turn(loop);
    CHECK(asy_future_cancelled(s1));
    CHECK_STR_EQ(asy_future_done(s2) && !asy_future_cancelled(s2) ? ASY_REPR(s2->result) : "not done", "7");
    CHECK_INT_EQ(p->ncbs, 0);
    asy_decref(s1);
    asy_decref(s2);
    asy_decref(p);
    done_with(loop);
}

static void test_outer_holds_no_reference_to_the_inner(void)
{
    /* A plain inner future dropped while pending is freed: its callback
     * goes, and the outer is left to whoever holds it. Neither completes,
     * and nothing is left alive in either order of release. */
    asy_loop *loop = vloop();
    asy_exc *err = NULL;
    asy_future *p = asy_future_new(loop);
    asy_future *s = asy_shield(asy_incref(p), &err);
    CHECK_FATAL(s != NULL);
    asy_decref(p);
    asy_future_cancel(s, NULL); /* outer_done finds the inner gone */
    one_turn(loop);
    asy_decref(s);
    CHECK_INT_EQ(asy_obj_live(), 1); /* the loop */
    p = asy_future_new(loop);
    s = asy_shield(asy_incref(p), &err);
    CHECK_FATAL(s != NULL);
    asy_decref(s); /* inner_done still holds the outer */
    asy_decref(p);
    done_with(loop);
}

static asy_exc *count_callbacks(asy_value arg)
{
    note("inner has %u callback(s)@%s", asy_value_future(arg)->ncbs, T());
    return NULL;
}

static void test_two_shields_of_one_inner(void)
{
    asy_loop *loop = vloop();
    asy_task *inner = asy_loop_create_task(loop, something("inner", 3, false), NULL, NULL);
    asy_task *a = asy_loop_create_task(loop, caller(asy_incref(inner), false), "a", NULL);
    asy_task *b = asy_loop_create_task(loop, caller(asy_incref(inner), false), "b", NULL);
    asy_decref(asy_loop_call_later(loop, 0.5, count_callbacks, asy_task_value(inner), NULL));
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(a), NULL));
    asy_decref(asy_loop_call_later(loop, 2, count_callbacks, asy_task_value(inner), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(b));
    CHECK_STR_EQ(ASY_REPR(r.value), "'inner'"); /* b's shield still works */
    CHECK(asy_future_cancelled(&a->fut));
    /* a's shield took back its own callback, not b's */
    CHECK_STR_EQ(trace, "inner has 2 callback(s)@0.5 cancel@1.0 caller sees CancelledError@1.0 "
                        "inner has 1 callback(s)@2.0 inner done@3.0 res = 'inner'@3.0");
    asy_result_clear(&r);
    asy_decref(inner);
    asy_decref(a);
    asy_decref(b);
    done_with(loop);
}

/* async def timed(inner): await wait_for(shield(inner), 1) */
typedef struct {
    asy_coro co;
    asy_task *inner;
} timed_frame;

static asy_status timed_body(asy_coro *co)
{
    timed_frame *f = (timed_frame *)co;
    asy_exc *err = NULL;
    asy_future *s;
    ASY_BEGIN(co);
    s = asy_shield(asy_incref(f->inner), &err);
    if (s == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, asy_wait_for(s, 1.0));
    note("wait_for: %s@%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : "result", T());
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT(co, asy_incref(f->inner)); /* the inner ran on: get its result */
    note("inner gave %s@%s", ASY_REPR(ASY_SENT(co)), T());
    ASY_END(co);
}

static void timed_clear(asy_gen *g) { asy_decref(((timed_frame *)g)->inner); }

static void test_wait_for_of_shield_lets_the_inner_run_on(void)
{
    asy_loop *loop = vloop();
    timed_frame *f = ASY_CORO_NEW(timed_frame, timed_body, "timed");
    f->inner = asy_loop_create_task(loop, something("inner", 3, false), NULL, NULL);
    asy_gen_set_clear(&f->co, timed_clear);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "wait_for: TimeoutError@1.0 inner done@3.0 inner gave 'inner'@3.0");
    asy_result_clear(&r);
    done_with(loop);
}

static void test_shield_errors(void)
{
    asy_loop *loop = vloop();
    asy_exc *err = NULL;
    CHECK_NULL(asy_shield(asy_exc_new(&asy_ValueError, "x"), &err));
    CHECK_STR_EQ(err ? ASY_EXC_STR(err) : "", "TypeError: An asyncio.Future, a coroutine or an awaitable is required");
    asy_decref(err);
    done_with(loop);
    /* a coroutine needs a running loop to become a task */
    err = NULL;
    CHECK_NULL(asy_shield(something("x", 1, false), &err));
    CHECK_STR_EQ(err ? ASY_EXC_STR(err) : "", "RuntimeError: no running event loop");
    asy_decref(err);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the outer await is cancelled, the inner runs to completion", test_outer_cancelled_inner_runs_to_completion},
        {"try: res = await shield(x) except CancelledError: res = None", test_ignoring_the_cancellation},
        {"an inner cancelled from elsewhere cancels the shield", test_inner_cancelled_elsewhere_cancels_the_shield},
        {"result and exception pass through the shield", test_result_and_error_pass_through},
        {"shield of a done future returns that future", test_shield_of_done_future_is_that_future},
        {"an inner error after the outer was cancelled is reported, as in CPython", test_error_after_outer_cancelled_is_reported},
        {"an inner error in the turn the outer is cancelled is marked retrieved",
         test_error_in_the_turn_the_outer_is_cancelled_is_retrieved},
        {"cancelling one shield takes back its callback only", test_cancelling_one_shield_removes_only_its_callback},
        {"the outer holds no reference to the inner: nothing leaks if neither completes",
         test_outer_holds_no_reference_to_the_inner},
        {"two shields of one inner: cancelling one leaves the other", test_two_shields_of_one_inner},
        {"wait_for(shield(x), 1) times out while x runs on", test_wait_for_of_shield_lets_the_inner_run_on},
        {"shield of a non-awaitable, or of a coroutine outside a loop", test_shield_errors},
        {NULL, NULL},
    };
    return check_main("shield", tests, argc, argv);
}
