/*
 * test_wait_for.c - wait_for and timeout scopes (chapter 16), on the
 * virtual clock: every rule of CPython 3.11's tasks.wait_for and
 * timeouts.Timeout, with the order in which things happen. wait_for and
 * _cancel_and_wait take their done callbacks back off the inner where
 * CPython does (fut->ncbs tells).
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "timeout.h"
#include "wait_for.h"

static double now(void)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    return loop != NULL ? asy_loop_time(loop) : -1.0;
}

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s%s%s]", ctx->message, ctx->exception ? ": " : "", ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
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
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0); /* nothing still scheduled */
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0); /* nothing leaked */
}

#define T() ASY_STR(asy_float(now()))

/* async def worker(name, delay, result):
 *     try: await sleep(delay)
 *     except CancelledError: note cleanup; raise
 *     note done; return result                                           */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    asy_value result;
    bool stubborn; /* catch the CancelledError and return "ignored" */
    bool fails;    /* raise ValueError instead of returning */
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("%s cleanup@%s", f->name, T());
        if (f->stubborn) {
            asy_decref(ASY_CATCH(co));
            ASY_RETURN(co, asy_str("ignored"));
        }
        if (f->fails) {
            asy_exc *e = ASY_CATCH(co);
            asy_exc *v = asy_exc_new(&asy_ValueError, "failed in cleanup");
            asy_exc_set_context(v, e);
            asy_decref(e);
            ASY_RAISE(co, v);
        }
        ASY_RERAISE(co);
    }
    note("%s done@%s", f->name, T());
    if (f->fails)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s failed", f->name));
    ASY_RETURN(co, asy_value_incref(f->result));
    ASY_END(co);
}

static void worker_clear(asy_gen *g) { asy_value_clear(&((worker_frame *)g)->result); }

static worker_frame *worker_new(const char *name, double delay)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
    f->name = name;
    f->delay = delay;
    f->result = asy_str(name);
    asy_gen_set_clear(&f->co, worker_clear);
    return f;
}

static asy_coro *worker(const char *name, double delay) { return &worker_new(name, delay)->co; }

/* async def catch(aw): try: r = await aw; note(r) except BaseException as e: note(e) */
typedef struct {
    asy_coro co;
    asy_coro *aw;
} catch_frame;

static asy_status catch_body(asy_coro *co)
{
    catch_frame *f = (catch_frame *)co;
    ASY_BEGIN(co);
    {
        asy_coro *aw = f->aw;
        f->aw = NULL;
        ASY_AWAIT_TRY(co, aw);
    }
    if (ASY_EXC(co) != NULL) {
        asy_exc *e = ASY_CATCH(co);
        note("caught %s%s%s@%s", ASY_EXC_STR(e), e->cause ? " from " : "", e->cause ? ASY_EXC_STR(e->cause) : "", T());
        asy_decref(e);
        ASY_RETURN(co, asy_str("caught"));
    }
    note("got %s@%s", ASY_REPR(ASY_SENT(co)), T());
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void catch_clear(asy_gen *g)
{
    catch_frame *f = (catch_frame *)g;
    asy_decref(f->aw);
    f->aw = NULL;
}

static asy_coro *catch(asy_coro *aw)
{
    catch_frame *f = ASY_CORO_NEW(catch_frame, catch_body, "catch");
    f->aw = aw;
    asy_gen_set_clear(&f->co, catch_clear);
    return &f->co;
}

/* Run a coroutine to its end on loop; the trace says what happened. */
static void run(asy_loop *loop, asy_coro *co)
{
    asy_result r = asy_loop_run_until_complete(loop, co);
    CHECK_MSG(r.status == ASY_RETURNED, "run: %s", r.exc ? ASY_EXC_STR(r.exc) : "");
    asy_result_clear(&r);
}

static void test_eternity_times_out_after_1s_and_cleans_up_first(void)
{
    asy_loop *loop = vloop();
    run(loop, catch(asy_wait_for(worker("eternity", 3600), 1.0)));
    /* the inner's cleanup ran before the caller saw TimeoutError */
    CHECK_STR_EQ(trace, "eternity cleanup@1.0 caught TimeoutError from CancelledError@1.0");
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.0, 1e-9);
    done_with(loop);
}

static void test_inner_finishing_first_gives_its_result(void)
{
    asy_loop *loop = vloop();
    run(loop, catch(asy_wait_for(worker("quick", 0.5), 1.0)));
    CHECK_STR_EQ(trace, "quick done@0.5 got 'quick'@0.5");
    /* the timer went with the wait_for: the loop does not wait for it */
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.5, 1e-9);
    trace_reset();
    worker_frame *w = worker_new("bad", 0.5);
    w->fails = true;
    run(loop, catch(asy_wait_for(&w->co, 1.0)));
    CHECK_STR_EQ(trace, "bad done@1.0 caught ValueError: bad failed@1.0");
    done_with(loop);
}

static void test_no_timeout_is_a_plain_await(void)
{
    asy_loop *loop = vloop();
    run(loop, catch(asy_wait_for(worker("slow", 5), ASY_NO_TIMEOUT)));
    CHECK_STR_EQ(trace, "slow done@5.0 got 'slow'@5.0");
    CHECK(asy_is_no_timeout(ASY_NO_TIMEOUT));
    CHECK(!asy_is_no_timeout(0) && !asy_is_no_timeout(-1) && !asy_is_no_timeout(-INFINITY));
    CHECK(!asy_is_no_timeout(NAN));
    done_with(loop);
}

static void test_nan_and_minus_inf_timeouts_expire_at_once(void)
{
    /* CPython: NaN is not <= 0, so it goes to call_later(nan), whose timer
     * is due at the next turn: the inner has started, is cancelled, runs
     * its cleanup, TimeoutError. -inf is <= 0: cancelled before it starts. */
    asy_loop *loop = vloop();
    run(loop, catch(asy_wait_for(worker("nan", 5), NAN)));
    CHECK_STR_EQ(trace, "nan cleanup@0.0 caught TimeoutError from CancelledError@0.0");
    trace_reset();
    run(loop, catch(asy_wait_for(worker("-inf", 5), -INFINITY)));
    CHECK_STR_EQ(trace, "caught TimeoutError from CancelledError@0.0");
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.0, 0);
    done_with(loop);
}

/* async def zero(fut): await wait_for(fut, 0) for a done future */
static void test_timeout_zero(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_set_result(fut, asy_int(5)));
    run(loop, catch(asy_wait_for(fut, 0)));
    CHECK_STR_EQ(trace, "got 5@0.0");
    /* a pending inner is cancelled at once and waited for: a new task is
     * cancelled before its first step, so its body never runs */
    trace_reset();
    run(loop, catch(asy_wait_for(worker("w", 1), 0)));
    CHECK_STR_EQ(trace, "caught TimeoutError from CancelledError@0.0");
    /* a task that has started runs its cleanup; negative is the same as 0 */
    trace_reset();
    asy_task *t = asy_loop_create_task(loop, worker("started", 1), NULL, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    run(loop, catch(asy_wait_for(asy_incref(t), -3)));
    CHECK_STR_EQ(trace, "started cleanup@0.0 caught TimeoutError from CancelledError@0.0");
    CHECK(asy_future_cancelled(&t->fut));
    asy_decref(t);
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.0, 0);
    done_with(loop);
}

static asy_exc *resolve(asy_value arg)
{
    note("resolve@%s", T());
    asy_decref(asy_future_set_result(asy_value_future(arg), asy_str("fut")));
    return NULL;
}

/* the future gets its result from a timer scheduled AFTER the wait_for's
 * (both fire in the same iteration) */
typedef struct {
    asy_coro co;
    asy_future *fut;
} late_frame;

static asy_status late_body(asy_coro *co)
{
    late_frame *f = (late_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(0, asy_none())); /* the wait_for has armed its timer by now */
    asy_decref(asy_loop_call_later(asy_get_running_loop(NULL), 1.0, resolve, asy_future_value(f->fut), NULL));
    ASY_END(co);
}

static void late_clear(asy_gen *g) { asy_decref(((late_frame *)g)->fut); }

static void test_same_iteration_races(void)
{
    /* An inner TASK whose sleep ends exactly at the deadline: the timer was
     * armed first, the wait_for wakes before the inner's step: timeout (as
     * CPython 3.11 prints for wait_for(inner(sleep 1), 1)). */
    asy_loop *loop = vloop();
    run(loop, catch(asy_wait_for(worker("tie", 1), 1.0)));
    CHECK_STR_EQ(trace, "tie cleanup@1.0 caught TimeoutError from CancelledError@1.0");

    /* A FUTURE completed in the same iteration as the timer, after it: when
     * the wait_for wakes, the future is done, and its result wins. */
    trace_reset();
    asy_future *fut = asy_future_new(loop);
    late_frame *lf = ASY_CORO_NEW(late_frame, late_body, "late");
    lf->fut = asy_incref(fut);
    asy_gen_set_clear(&lf->co, late_clear);
    asy_task *helper = asy_loop_create_task(loop, &lf->co, NULL, NULL);
    run(loop, catch(asy_wait_for(asy_incref(fut), 1.0)));
    CHECK_STR_EQ(trace, "resolve@2.0 got 'fut'@2.0");
    asy_decref(helper);

    /* The same future completed by a timer armed BEFORE the wait_for's. */
    trace_reset();
    asy_decref(fut);
    fut = asy_future_new(loop);
    asy_decref(asy_loop_call_later(loop, 1.0, resolve, asy_future_value(fut), NULL));
    run(loop, catch(asy_wait_for(asy_incref(fut), 1.0)));
    CHECK_STR_EQ(trace, "resolve@3.0 got 'fut'@3.0");
    asy_decref(fut);
    done_with(loop);
}

static void test_inner_refusing_or_failing_in_cleanup(void)
{
    asy_loop *loop = vloop();
    worker_frame *w = worker_new("stubborn", 10);
    w->stubborn = true;
    run(loop, catch(asy_wait_for(&w->co, 0.1)));
    /* it refused to die: its result is the outcome, not a timeout */
    CHECK_STR_EQ(trace, "stubborn cleanup@0.1 got 'ignored'@0.1");
    trace_reset();
    w = worker_new("raiser", 10);
    w->fails = true;
    run(loop, catch(asy_wait_for(&w->co, 0.1)));
    CHECK_STR_EQ(trace, "raiser cleanup@0.2 caught ValueError: failed in cleanup@0.2");
    done_with(loop);
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel@%s", T());
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static void test_cancelling_wait_for_cancels_the_inner(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, asy_wait_for(worker("inner", 10), 5.0), "outer", NULL);
    asy_decref(asy_loop_call_later(loop, 2, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    /* the inner was cancelled and finished before the wait_for let go */
    CHECK_STR_EQ(trace, "cancel@2.0 inner cleanup@2.0");
    CHECK(asy_future_cancelled(&t->fut));
    CHECK_DBL_NEAR(asy_loop_time(loop), 2.0, 1e-9); /* the 5 s timer is gone */
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

/* async def quitter():
 *     try: await sleep(3600)
 *     except CancelledError: note; await sleep(1); note; raise
 * An inner that takes a second to die, so that we can look at it while
 * the wait_for waits for it. */
typedef struct {
    asy_coro co;
    asy_exc *cancelled; /* owned, while it cleans up */
} quitter_frame;

static asy_status quitter_body(asy_coro *co)
{
    quitter_frame *f = (quitter_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(3600, asy_none()));
    if (ASY_EXC(co) == NULL)
        ASY_RETURN(co, asy_none());
    note("quitter cleanup@%s", T());
    f->cancelled = ASY_CATCH(co);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    note("quitter gone@%s", T());
    {
        asy_exc *e = f->cancelled;
        f->cancelled = NULL;
        ASY_RAISE(co, e);
    }
    ASY_END(co);
}

static void quitter_clear(asy_gen *g)
{
    quitter_frame *f = (quitter_frame *)g;
    asy_decref(f->cancelled);
    f->cancelled = NULL;
}

static asy_task *quitter(asy_loop *loop)
{
    quitter_frame *f = ASY_CORO_NEW(quitter_frame, quitter_body, "quitter");
    asy_gen_set_clear(&f->co, quitter_clear);
    return asy_loop_create_task(loop, &f->co, "quitter", NULL);
}

static asy_exc *count_callbacks(asy_value arg)
{
    note("inner has %u callback(s)@%s", asy_value_future(arg)->ncbs, T());
    return NULL;
}

static void test_timeout_takes_back_the_callback_before_cancelling(void)
{
    /* fut.remove_done_callback(cb); await _cancel_and_wait(fut): while the
     * inner cleans up, only _cancel_and_wait's callback is on it; when it
     * is over, none. (CPython 3.11 prints the same counts.) */
    asy_loop *loop = vloop();
    asy_task *t = quitter(loop);
    asy_decref(asy_loop_call_later(loop, 0.5, count_callbacks, asy_task_value(t), NULL));
    asy_decref(asy_loop_call_later(loop, 1.5, count_callbacks, asy_task_value(t), NULL));
    run(loop, catch(asy_wait_for(asy_incref(t), 1.0)));
    CHECK_STR_EQ(trace, "inner has 1 callback(s)@0.5 quitter cleanup@1.0 inner has 1 callback(s)@1.5 "
                        "quitter gone@2.0 caught TimeoutError from CancelledError@2.0");
    CHECK_INT_EQ(t->fut.ncbs, 0);
    asy_decref(t);
    done_with(loop);
}

static void test_cancelled_while_waiting_takes_back_the_callback(void)
{
    /* except CancelledError: fut.remove_done_callback(cb); await _cancel_and_wait(fut) */
    asy_loop *loop = vloop();
    asy_task *t = quitter(loop);
    asy_task *w = asy_loop_create_task(loop, asy_wait_for(asy_incref(t), 5.0), "w", NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(w), NULL));
    asy_decref(asy_loop_call_later(loop, 1.5, count_callbacks, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(w));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "cancel@1.0 quitter cleanup@1.0 inner has 1 callback(s)@1.5 quitter gone@2.0");
    CHECK_INT_EQ(t->fut.ncbs, 0);
    asy_decref(t);
    asy_decref(w);
    done_with(loop);
}

static void test_cancel_and_wait_cancelled_takes_back_its_callback(void)
{
    /* _cancel_and_wait's finally: cancelled itself while the inner cleans
     * up, it removes its callback; the inner finishes on its own. */
    asy_loop *loop = vloop();
    asy_task *t = quitter(loop);
    asy_task *w = asy_loop_create_task(loop, asy_wait_for(asy_incref(t), 1.0), "w", NULL);
    asy_decref(asy_loop_call_later(loop, 1.5, cancel_task, asy_task_value(w), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(w));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    asy_result_clear(&r);
    CHECK(!asy_future_done(&t->fut)); /* still cleaning up, with no callback of ours */
    CHECK_INT_EQ(t->fut.ncbs, 0);
    r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "quitter cleanup@1.0 cancel@1.5 quitter gone@2.0");
    asy_decref(t);
    asy_decref(w);
    done_with(loop);
}

static void test_bad_awaitable_and_no_loop(void)
{
    asy_loop *loop = vloop();
    run(loop, catch(asy_wait_for(asy_exc_new(&asy_ValueError, "not awaitable"), 1.0)));
    CHECK_STR_EQ(trace, "caught TypeError: An asyncio.Future, a coroutine or an awaitable is required@0.0");
    done_with(loop);
    /* never started: the inner coroutine is closed quietly */
    asy_coro *never = asy_wait_for(worker("never", 1), 1.0);
    CHECK_NULL(asy_gen_close(never)); /* no "never awaited" warning for either */
    asy_decref(never);
    /* no loop */
    asy_result r = asy_coro_drive(asy_wait_for(worker("w", 1), 1.0));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RuntimeError: no running event loop");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- timeout scopes ---- */

/* async def scoped(delay, work):
 *     async with asyncio.timeout(delay) as cm:
 *         await sleep(work)
 * noting what enter / exit see. An optional inner scope nests inside. */
typedef struct {
    asy_coro co;
    double delay, work;
    double inner_delay; /* NaN: no inner scope */
    double reschedule;  /* NaN: do not reschedule; else cm.reschedule(now + this) */
    bool fail_in_cleanup;
    asy_timeout *cm, *inner;
} scoped_frame;

static asy_status scoped_body(asy_coro *co)
{
    scoped_frame *f = (scoped_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    f->cm = asy_timeout_new(f->delay);
    err = asy_timeout_enter(f->cm);
    if (err != NULL)
        ASY_RAISE(co, err);
    note("enter %s", ASY_REPR(asy_obj_value(f->cm)));
    if (!isnan(f->reschedule)) {
        CHECK_NULL(asy_timeout_reschedule(f->cm, now() + f->reschedule));
        note("moved %s", ASY_REPR(asy_obj_value(f->cm)));
    }
    if (!isnan(f->inner_delay)) {
        f->inner = asy_timeout_new(f->inner_delay);
        err = asy_timeout_enter(f->inner);
        if (err != NULL)
            ASY_RAISE(co, err);
        ASY_AWAIT_TRY(co, asy_sleep(f->work, asy_none()));
        err = asy_timeout_exit(f->inner, ASY_CATCH(co));
        note("inner exit %s expired=%d/%d@%s", err ? ASY_EXC_STR(err) : "ok", asy_timeout_expired(f->inner),
             asy_timeout_expired(f->cm), T());
        if (asy_exc_is(err, &asy_TimeoutError)) {
            asy_decref(err); /* except TimeoutError: carry on */
        } else if (err != NULL) {
            err = asy_timeout_exit(f->cm, err);
            note("outer exit %s expired=%d@%s", err ? ASY_EXC_STR(err) : "ok", asy_timeout_expired(f->cm), T());
            ASY_RAISE(co, err);
        }
    }
    ASY_AWAIT_TRY(co, asy_sleep(f->work, asy_none()));
    if (f->fail_in_cleanup && ASY_EXC(co) != NULL) {
        asy_decref(ASY_CATCH(co));
        ASY_RAISE(co, asy_timeout_exit(f->cm, asy_exc_new(&asy_ValueError, "x")));
    }
    err = asy_timeout_exit(f->cm, ASY_CATCH(co));
    note("exit %s expired=%d %s@%s", err ? ASY_EXC_STR(err) : "ok", asy_timeout_expired(f->cm),
         ASY_REPR(asy_obj_value(f->cm)), T());
    if (err != NULL) {
        CHECK(!asy_exc_is(err, &asy_TimeoutError) || asy_exc_is(err->cause, &asy_CancelledError));
        ASY_RAISE(co, err);
    }
    ASY_END(co);
}

static void scoped_clear(asy_gen *g)
{
    scoped_frame *f = (scoped_frame *)g;
    asy_decref(f->cm);
    asy_decref(f->inner);
    f->cm = f->inner = NULL;
}

static scoped_frame *scoped(double delay, double work)
{
    scoped_frame *f = ASY_CORO_NEW(scoped_frame, scoped_body, "scoped");
    f->delay = delay;
    f->work = work;
    f->inner_delay = NAN;
    f->reschedule = NAN;
    asy_gen_set_clear(&f->co, scoped_clear);
    return f;
}

static void test_scope_expires_into_timeout_error(void)
{
    asy_loop *loop = vloop();
    run(loop, catch(&scoped(0.5, 10)->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=0.5> "
                        "exit TimeoutError expired=1 <Timeout [expired]>@0.5 "
                        "caught TimeoutError from CancelledError@0.5");
    done_with(loop);
}

static void test_scope_with_nan_or_minus_inf_expires_at_once(void)
{
    /* timeout(nan): the deadline is NaN (cm.when() says nan, as Python),
     * handed to call_at: due at the next turn. timeout(-inf): a deadline
     * already past, call_soon. Both expire at the first await. */
    asy_loop *loop = vloop();
    run(loop, catch(&scoped(NAN, 10)->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=nan> "
                        "exit TimeoutError expired=1 <Timeout [expired]>@0.0 "
                        "caught TimeoutError from CancelledError@0.0");
    trace_reset();
    run(loop, catch(&scoped(-INFINITY, 10)->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=-inf> "
                        "exit TimeoutError expired=1 <Timeout [expired]>@0.0 "
                        "caught TimeoutError from CancelledError@0.0");
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.0, 0);
    done_with(loop);
}

static void test_scope_not_reached_changes_nothing(void)
{
    asy_loop *loop = vloop();
    run(loop, catch(&scoped(2, 1)->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=2.0> exit ok expired=0 <Timeout [finished]>@1.0 got None@1.0");
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.0, 1e-9); /* the 2 s timer went at exit */
    done_with(loop);
}

static void test_nested_scopes(void)
{
    /* inner (0.1) expires first: it converts; the outer (0.3) carries on
     * and expires later on its own */
    asy_loop *loop = vloop();
    scoped_frame *f = scoped(0.3, 1);
    f->inner_delay = 0.1;
    run(loop, catch(&f->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=0.3> inner exit TimeoutError expired=1/0@0.1 "
                        "exit TimeoutError expired=1 <Timeout [expired]>@0.3 caught TimeoutError from CancelledError@0.3");
    /* outer (0.1) expires first: the inner (0.3) lets the CancelledError
     * through unchanged, and the outer converts it */
    trace_reset();
    f = scoped(0.1, 1);
    f->inner_delay = 0.3;
    run(loop, catch(&f->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=0.4> inner exit CancelledError expired=0/1@0.4 "
                        "outer exit TimeoutError expired=1@0.4 caught TimeoutError from CancelledError@0.4");
    done_with(loop);
}

static void test_reschedule(void)
{
    asy_loop *loop = vloop();
    scoped_frame *f = scoped(ASY_NO_TIMEOUT, 10);
    f->reschedule = 0.25;
    run(loop, catch(&f->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=None> moved <Timeout [active] when=0.25> "
                        "exit TimeoutError expired=1 <Timeout [expired]>@0.25 caught TimeoutError from CancelledError@0.25");
    /* moving it later: it expires at the new deadline */
    trace_reset();
    f = scoped(0.1, 10);
    f->reschedule = 3;
    run(loop, catch(&f->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=0.35> moved <Timeout [active] when=3.25> "
                        "exit TimeoutError expired=1 <Timeout [expired]>@3.25 caught TimeoutError from CancelledError@3.25");
    done_with(loop);
}

static void test_scope_misuse(void)
{
    asy_timeout *cm = asy_timeout_at(5);
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(cm)), "<Timeout [created]>");
    CHECK_DBL_NEAR(asy_timeout_when(cm), 5, 0);
    asy_exc *e = asy_timeout_reschedule(cm, 1);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: Timeout has not been entered");
    asy_decref(e);
    e = asy_timeout_enter(cm); /* no loop: current_task() raises, as in Python */
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: no running event loop");
    asy_decref(e);
    asy_decref(cm);
    cm = asy_timeout_new(1); /* outside a loop */
    e = asy_timeout_enter(cm);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: no running event loop");
    asy_decref(e);
    asy_decref(cm);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* enter twice, reschedule after exit */
static asy_status twice_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_timeout *cm = asy_timeout_new(1);
        CHECK_NULL(asy_timeout_enter(cm));
        CHECK_NULL(asy_timeout_exit(cm, NULL));
        asy_exc *e = asy_timeout_enter(cm);
        note("%s", e ? ASY_EXC_STR(e) : "");
        asy_decref(e);
        e = asy_timeout_reschedule(cm, 1);
        note("%s", e ? ASY_EXC_STR(e) : "");
        asy_decref(e);
        note("%s", ASY_REPR(asy_obj_value(cm)));
        asy_decref(cm);
    }
    ASY_END(co);
}

static void test_enter_twice_and_reschedule_when_finished(void)
{
    asy_loop *loop = vloop();
    run(loop, asy_coro_new(sizeof(asy_coro), twice_body, "twice"));
    CHECK_STR_EQ(trace, "RuntimeError: Timeout has already been entered "
                        "RuntimeError: Cannot change state of finished Timeout <Timeout [finished]>");
    done_with(loop);
}

static void test_deadline_in_the_past(void)
{
    asy_loop *loop = vloop();
    /* expires at the body's first await (the timer is a call_soon) */
    run(loop, catch(&scoped(-1, 0)->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=-1.0> exit TimeoutError expired=1 <Timeout [expired]>@0.0 "
                        "caught TimeoutError from CancelledError@0.0");
    done_with(loop);
}

static void test_outside_cancel_at_the_deadline_stays_cancelled(void)
{
    /* The timer and an outside cancel() in the same iteration: two cancel
     * requests; exit's uncancel leaves one, so it is not ours alone. */
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, &scoped(0.5, 10)->co, NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 0.5, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=0.5> cancel@0.5 exit CancelledError expired=1 <Timeout [expired]>@0.5");
    CHECK_INT_EQ(asy_task_cancelling(t), 1);
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

static void test_other_error_after_expiry_is_not_converted(void)
{
    asy_loop *loop = vloop();
    scoped_frame *f = scoped(0.1, 1);
    f->fail_in_cleanup = true;
    run(loop, catch(&f->co));
    CHECK_STR_EQ(trace, "enter <Timeout [active] when=0.1> caught ValueError: x@0.1");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"eternity() under wait_for(1): TimeoutError at 1.0 s, after the inner's cleanup",
         test_eternity_times_out_after_1s_and_cleans_up_first},
        {"an inner that finishes first gives its result (or its error)", test_inner_finishing_first_gives_its_result},
        {"ASY_NO_TIMEOUT (None) is a plain await", test_no_timeout_is_a_plain_await},
        {"a NaN or -inf timeout expires at once", test_nan_and_minus_inf_timeouts_expire_at_once},
        {"timeout <= 0: a done inner's result, else cancel, wait, TimeoutError", test_timeout_zero},
        {"same iteration: an inner task loses, a future completed after the timer wins", test_same_iteration_races},
        {"an inner that refuses to die or fails in cleanup decides the outcome", test_inner_refusing_or_failing_in_cleanup},
        {"cancelling the wait_for cancels the inner and waits for it", test_cancelling_wait_for_cancels_the_inner},
        {"on timeout, wait_for takes its callback off the inner before cancelling it",
         test_timeout_takes_back_the_callback_before_cancelling},
        {"cancelled while waiting, wait_for takes its callback off the inner",
         test_cancelled_while_waiting_takes_back_the_callback},
        {"_cancel_and_wait cancelled in turn takes back its own callback",
         test_cancel_and_wait_cancelled_takes_back_its_callback},
        {"a bad awaitable is a TypeError; no loop is a RuntimeError", test_bad_awaitable_and_no_loop},
        {"a timeout scope that expires turns its CancelledError into TimeoutError", test_scope_expires_into_timeout_error},
        {"a timeout scope of NaN or -inf expires at once", test_scope_with_nan_or_minus_inf_expires_at_once},
        {"a timeout scope whose deadline is not reached changes nothing", test_scope_not_reached_changes_nothing},
        {"nested scopes: only the one that expired converts", test_nested_scopes},
        {"reschedule moves the deadline", test_reschedule},
        {"a scope outside a task or a loop is an error", test_scope_misuse},
        {"entering twice and rescheduling a finished scope are errors", test_enter_twice_and_reschedule_when_finished},
        {"a deadline already past expires at the first await", test_deadline_in_the_past},
        {"an outside cancel at the deadline stays a CancelledError", test_outside_cancel_at_the_deadline_stays_cancelled},
        {"another error raised after expiry is not converted", test_other_error_after_expiry_is_not_converted},
        {NULL, NULL},
    };
    return check_main("wait_for", tests, argc, argv);
}
