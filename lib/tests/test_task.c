/*
 * test_task.c - tasks (chapter 12) and cancellation (chapter 13), on the
 * virtual clock: the notes' say_after timings, sleep(0) yielding exactly
 * once, the task step's cases, and every cancellation rule of chapter 13.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "runners.h"
#include "trace.h"
#include "vloop.h"
#include "task.h"


static const asy_loop_options virtual_opts = {NULL, true};

/* async def say_after(delay, what): await asyncio.sleep(delay); print(what) */
typedef struct {
    asy_coro co;
    double delay;
    const char *what;
} say_after_frame;

static asy_status say_after_body(asy_coro *co)
{
    say_after_frame *f = (say_after_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    note("%s@%s", f->what, ASY_STR(asy_float(now())));
    ASY_RETURN(co, asy_str(f->what));
    ASY_END(co);
}
static asy_coro *say_after(double delay, const char *what)
{
    say_after_frame *f = ASY_CORO_NEW(say_after_frame, say_after_body, "say_after");
    f->delay = delay;
    f->what = what;
    return &f->co;
}

/* await say_after(1, 'hello'); await say_after(2, 'world') */
static asy_status sequential_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("started@%s", ASY_STR(asy_float(now())));
    ASY_AWAIT(co, say_after(1, "hello"));
    ASY_AWAIT(co, say_after(2, "world"));
    note("finished@%s", ASY_STR(asy_float(now())));
    ASY_END(co);
}

/* task1 = create_task(say_after(1, 'hello')); task2 = ...; await task1; await task2 */
typedef struct {
    asy_coro co;
    asy_task *t1, *t2;
} concurrent_frame;

static asy_status concurrent_body(asy_coro *co)
{
    concurrent_frame *f = (concurrent_frame *)co;
    ASY_BEGIN(co);
    f->t1 = asy_create_task(say_after(1, "hello"), NULL, NULL);
    f->t2 = asy_create_task(say_after(2, "world"), NULL, NULL);
    note("started@%s", ASY_STR(asy_float(now())));
    ASY_AWAIT(co, asy_incref(f->t1));
    ASY_AWAIT(co, asy_incref(f->t2));
    note("finished@%s %s", ASY_STR(asy_float(now())), ASY_REPR(ASY_SENT(co)));
    ASY_END(co);
}
static void concurrent_clear(asy_gen *g)
{
    concurrent_frame *f = (concurrent_frame *)g;
    asy_decref(f->t1);
    asy_decref(f->t2);
}

static void test_await_in_sequence_takes_3s_tasks_take_2s(void)
{
    trace_reset();
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), sequential_body, "main"), &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "started@0.0 hello@1.0 world@3.0 finished@3.0");
    asy_result_clear(&r);

    trace_reset();
    concurrent_frame *f = ASY_CORO_NEW(concurrent_frame, concurrent_body, "main");
    asy_gen_set_clear(&f->co, concurrent_clear);
    r = asy_run(&f->co, &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "started@0.0 hello@1.0 world@2.0 finished@2.0 'world'");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* async def spinner(name, n): for i in range(n): note; await sleep(0) */
typedef struct {
    asy_coro co;
    const char *name;
    int n, i;
} spinner_frame;

static asy_status spinner_body(asy_coro *co)
{
    spinner_frame *f = (spinner_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->n; f->i++) {
        note("%s%d", f->name, f->i);
        ASY_AWAIT(co, asy_sleep(0, asy_none()));
    }
    ASY_RETURN(co, asy_int(f->n));
    ASY_END(co);
}
static asy_coro *spinner(const char *name, int n)
{
    spinner_frame *f = ASY_CORO_NEW(spinner_frame, spinner_body, "spinner");
    f->name = name;
    f->n = n;
    return &f->co;
}

static void test_sleep0_yields_exactly_once(void)
{
    asy_loop *loop = vloop();
    asy_task *a = asy_loop_create_task(loop, spinner("a", 3), NULL, NULL);
    asy_task *b = asy_loop_create_task(loop, spinner("b", 2), NULL, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "a0 b0");
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "a0 b0 a1 b1");
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(a));
    CHECK_STR_EQ(trace, "a0 b0 a1 b1 a2");
    CHECK_STR_EQ(ASY_STR(r.value), "3");
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.0, 0); /* sleep(0) never moves the clock */
    asy_result_clear(&r);
    CHECK(asy_future_done(&b->fut));
    CHECK_STR_EQ(asy_task_get_name(a), "Task-1");
    CHECK_STR_EQ(asy_task_get_name(b), "Task-2");
    asy_decref(a);
    asy_decref(b);
    done_with(loop);
}

static void test_an_hour_of_sleep_takes_no_real_time(void)
{
    asy_loop *loop = vloop();
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(3600, asy_str("done")));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_STR(r.value), "done");
    CHECK_DBL_NEAR(asy_loop_time(loop), 3600.0, 1e-9);
    asy_result_clear(&r);
    done_with(loop);
}

/* async def cleaner(): try: await sleep(10) except CancelledError: note; raise */
static asy_status cleaner_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("started");
    ASY_AWAIT_TRY(co, asy_sleep(10, asy_none()));
    if (ASY_EXC(co) != NULL)
        note("cleanup after %s at %s", ASY_EXC_STR(ASY_EXC(co)), ASY_STR(asy_float(now())));
    ASY_END(co); /* the CancelledError goes on */
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel -> %s", asy_task_cancel(asy_value_task(arg), "enough") ? "True" : "False");
    return NULL;
}

static void test_cancel_during_sleep_runs_cleanup(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 2, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError: enough");
    CHECK_STR_EQ(trace, "started cancel -> True cleanup after CancelledError: enough at 2.0");
    CHECK(asy_future_cancelled(&t->fut));
    CHECK(!asy_task_cancel(t, NULL)); /* done: no */
    CHECK_DBL_NEAR(asy_loop_time(loop), 2.0, 1e-9); /* the 10 s timer went with the sleep */
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

static void test_task_cancelled_before_first_step_never_runs(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), NULL, NULL);
    CHECK(asy_task_cancel(t, NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    CHECK_STR_EQ(trace, ""); /* its body never ran */
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

static asy_status raiser_body(asy_coro *co);

static void test_run_until_complete_of_another_loops_future(void)
{
    /* It would never complete here: Python refuses it with ValueError. */
    asy_loop *loop = vloop();
    asy_loop *other = asy_loop_new(&virtual_opts, NULL);
    CHECK_FATAL(other != NULL);
    asy_future *fut = asy_future_new(other);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(fut));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "",
                 "ValueError: The future belongs to a different loop than the one specified as the loop argument");
    asy_result_clear(&r);
    asy_decref(fut);
    CHECK_NULL(asy_loop_close(other));
    asy_decref(other);
    done_with(loop);
}

static void test_cancel_message_before_first_step(void)
{
    /* The message is stored by cancel() and again when the task ends
     * cancelled: once, not leaked. */
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), NULL, NULL);
    CHECK(asy_task_cancel(t, "early"));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError: early");
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

/* t.cancel(), t.cancel('') and t.cancel('x') are three different
 * CancelledErrors at the await: CancelledError(), CancelledError('') and
 * CancelledError('x'), as Python's repr shows them. */
static void test_cancel_message_none_empty_or_text(void)
{
    static const char *msgs[] = {NULL, "", "x"};
    static const char *reprs[] = {"CancelledError()", "CancelledError('')", "CancelledError('x')"};
    asy_loop *loop = vloop();
    for (int i = 0; i < 3; i++) {
        asy_task *t = asy_loop_create_task(loop, asy_sleep(5, asy_none()), NULL, NULL);
        asy_value tv = asy_task_value(t);
        CHECK_STR_EQ(asy_value_type_name(tv), "Task");
        asy_value_decref(tv);
        asy_result r = asy_loop_run_until_complete(loop, asy_sleep(0, asy_none()));
        asy_result_clear(&r);
        CHECK(asy_task_cancel(t, msgs[i]));
        r = asy_loop_run_until_complete(loop, asy_incref(t));
        CHECK_INT_EQ(r.status, ASY_RAISED);
        asy_value ev = r.exc != NULL ? asy_exc_value(r.exc) : asy_none();
        CHECK_STR_EQ(ASY_REPR(ev), reprs[i]);
        CHECK_STR_EQ(asy_value_type_name(ev), r.exc != NULL ? "CancelledError" : "NoneType");
        CHECK_STR_EQ(r.exc != NULL ? ASY_EXC_STR(r.exc) : "", i < 2 ? "CancelledError" : "CancelledError: x");
        asy_value_decref(ev);
        asy_result_clear(&r);
        asy_decref(t);
    }
    asy_future *f = asy_future_new(loop);
    asy_value fv = asy_future_value(f);
    CHECK_STR_EQ(asy_value_type_name(fv), "Future");
    asy_value_decref(fv);
    asy_decref(f);
    done_with(loop);
}

static void test_never_retrieved_report_shows_the_task(void)
{
    /* The default handler prints the task's repr while it is being freed:
     * everything it shows must still be alive (ASan checks this). */
    asy_loop *loop = vloop();
    asy_loop_set_exception_handler(loop, NULL, NULL); /* the default, to stderr */
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), raiser_body, "raiser"), NULL, NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(2, asy_none()));
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

/* async def stubborn(): try: await sleep(10) except CancelledError: return "ignored" */
static asy_status stubborn_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(10, asy_none()));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        note("caught, cancelling=%d", asy_task_cancelling(asy_current_task(NULL, NULL)));
        ASY_RETURN(co, asy_str("ignored"));
    }
    ASY_END(co);
}

static void test_task_that_catches_cancel_is_not_cancelled(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), stubborn_body, "stubborn"), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "'ignored'");
    CHECK(!asy_future_cancelled(&t->fut));
    CHECK_STR_EQ(trace, "cancel -> True caught, cancelling=1");
    CHECK_INT_EQ(asy_task_uncancel(t), 0);
    CHECK_INT_EQ(asy_task_uncancel(t), 0);
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

/* async def waits_on(fut): return await fut */
typedef struct {
    asy_coro co;
    asy_future *fut;
} waits_frame;

static asy_status waits_body(asy_coro *co)
{
    waits_frame *f = (waits_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_incref(f->fut));
    note("woke with %s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : ASY_REPR(ASY_SENT(co)));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}
static void waits_clear(asy_gen *g) { asy_decref(((waits_frame *)g)->fut); }
static asy_coro *waits_on(asy_future *fut)
{
    waits_frame *f = ASY_CORO_NEW(waits_frame, waits_body, "waits_on");
    f->fut = asy_incref(fut);
    asy_gen_set_clear(&f->co, waits_clear);
    return &f->co;
}

static asy_exc *cancel_future(asy_value arg)
{
    asy_future_cancel(asy_value_future(arg), "from outside");
    return NULL;
}

static asy_exc *resolve_future(asy_value arg)
{
    asy_decref(asy_future_set_result(asy_value_future(arg), asy_str("value")));
    return NULL;
}

static void test_task_awaiting_a_future(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_task *t = asy_loop_create_task(loop, waits_on(fut), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, resolve_future, asy_future_value(fut), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(ASY_REPR(r.value), "'value'");
    CHECK_STR_EQ(trace, "woke with 'value'");
    asy_result_clear(&r);
    asy_decref(t);
    asy_decref(fut);

    /* The future it awaits is cancelled from elsewhere: CancelledError
     * arrives at the await, and the task ends cancelled. */
    trace_reset();
    fut = asy_future_new(loop);
    t = asy_loop_create_task(loop, waits_on(fut), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_future, asy_future_value(fut), NULL));
    r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError: from outside");
    CHECK_STR_EQ(trace, "woke with CancelledError: from outside");
    CHECK(asy_future_cancelled(&t->fut));
    asy_result_clear(&r);
    asy_decref(t);
    asy_decref(fut);

    /* Cancelling the task cancels the future it waits on first. */
    trace_reset();
    fut = asy_future_new(loop);
    t = asy_loop_create_task(loop, waits_on(fut), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(t), NULL));
    r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK(asy_future_cancelled(fut));
    CHECK(asy_future_cancelled(&t->fut));
    CHECK_STR_EQ(trace, "cancel -> True woke with CancelledError: enough");
    asy_result_clear(&r);
    asy_decref(t);
    asy_decref(fut);
    done_with(loop);
}

/* async def outer_awaits_inner(): return await create_task(cleaner()) */
static asy_status awaits_task_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_create_task(asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), "inner", NULL));
    note("outer sees %s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : "a result");
    ASY_END(co);
}

static void test_cancel_propagates_to_the_awaited_task(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), awaits_task_body, "outer"), "outer", NULL);
    asy_decref(asy_loop_call_later(loop, 3, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(trace, "started cancel -> True cleanup after CancelledError: enough at 3.0 "
                        "outer sees CancelledError: enough");
    CHECK(asy_future_cancelled(&t->fut));
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

static asy_status raiser_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "task failed"));
    ASY_END(co);
}

static void test_failures_and_reports(void)
{
    asy_loop *loop = vloop();
    /* run_until_complete of a future that fails: the exception comes out */
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_set_exception(fut, asy_exc_new(&asy_OSError, "disk")));
    asy_result r = asy_loop_run_until_complete(loop, fut);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "OSError: disk");
    asy_result_clear(&r);
    /* a task whose exception nobody retrieves is reported when it goes */
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), raiser_body, "raiser"), NULL, NULL);
    r = asy_loop_run_until_complete(loop, asy_sleep(2, asy_none()));
    asy_result_clear(&r);
    CHECK(asy_future_done(&t->fut));
    asy_decref(t);
    CHECK_STR_EQ(trace, "[Task exception was never retrieved: ValueError: task failed]");
    /* a task still pending when its loop closes is reported */
    trace_reset();
    t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), "forgotten", NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    asy_decref(t);
    CHECK_NULL(asy_loop_close(loop));
    /* reported, and its coroutine closed: the cleanup sees GeneratorExit */
    CHECK_STR_EQ(trace, "started [Task was destroyed but it is pending!] cleanup after GeneratorExit at -1.0");
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* yields something a task cannot wait for */
static asy_status bad_yield_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_YIELD(co, asy_int(7));
    ASY_END(co);
}

static asy_status await_self_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_incref(asy_current_task(NULL, NULL)));
    ASY_END(co);
}

static void test_bad_yields(void)
{
    asy_loop *loop = vloop();
    asy_result r = asy_loop_run_until_complete(loop, asy_coro_new(sizeof(asy_coro), bad_yield_body, "bad"));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RuntimeError: Task got bad yield: 7");
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_coro_new(sizeof(asy_coro), await_self_body, "selfish"));
    CHECK(r.exc != NULL && strstr(ASY_EXC_STR(r.exc), "RuntimeError: Task cannot await on itself: <Task") != NULL);
    asy_result_clear(&r);
    done_with(loop);
}

/* A future yielded with a plain yield instead of awaited. */
typedef struct {
    asy_coro co;
    asy_future *fut;
} plain_yield_frame;

static asy_status plain_yield_body(asy_coro *co)
{
    plain_yield_frame *f = (plain_yield_frame *)co;
    ASY_BEGIN(co);
    f->fut = asy_future_new(asy_get_running_loop(NULL));
    ASY_YIELD_TRY(co, asy_future_value(f->fut)); /* not ASY_AWAIT */
    {
        asy_exc *e = ASY_CATCH(co);
        note("%s", e != NULL ? ASY_EXC_STR(e) : "resumed without error");
        asy_decref(e);
    }
    {
        asy_value fv = asy_future_value(f->fut);
        note("fut %s", ASY_REPR(fv));
        asy_value_decref(fv);
    }
    ASY_YIELD_TRY(co, asy_obj_value(asy_gen_new(sizeof(asy_gen), NULL, "genexpr")));
    {
        asy_exc *e = ASY_CATCH(co);
        note("%s", e != NULL ? ASY_EXC_STR(e) : "resumed without error");
        asy_decref(e);
    }
    ASY_RETURN(co, asy_int(5));
    ASY_END(co);
}

static void plain_yield_clear(asy_gen *g) { asy_decref(((plain_yield_frame *)g)->fut); }

static void test_future_yielded_instead_of_awaited(void)
{
    asy_loop *loop = vloop();
    plain_yield_frame *f = ASY_CORO_NEW(plain_yield_frame, plain_yield_body, "plain");
    asy_gen_set_clear(&f->co, plain_yield_clear);
    asy_result r = asy_loop_run_until_complete(loop, f);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "5");
    asy_result_clear(&r);
    /* CPython's words, with the task and the future as this library
     * prints them; the future was not waited for (no callback on it) */
    static const char start[] = "RuntimeError: yield was used instead of yield from in task <Task pending "
                                "name='Task-1' coro=<coroutine object plain at ";
    CHECK_MSG(strncmp(trace, start, strlen(start)) == 0, "trace: %s", trace);
    CHECK(strstr(trace, "> with <Future pending> fut <Future pending> RuntimeError: yield was used "
                        "instead of yield from for generator in task <Task pending name='Task-1'") != NULL);
    CHECK(strstr(trace, "with <generator object genexpr at ") != NULL);
    done_with(loop);
}

/* Bodies that break the contract of gen.h. */
static asy_status raises_nothing_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    return ASY_RAISED; /* "raised", but no exception in ASY_EXC */
    ASY_END(co);
}

static asy_status unknown_status_body(asy_coro *co)
{
    ASY_BEGIN(co);
    return (asy_status)42;
    ASY_END(co);
}

static void test_broken_body_finishes_the_task_with_system_error(void)
{
    asy_loop *loop = vloop();
    asy_result r = asy_loop_run_until_complete(loop, asy_coro_new(sizeof(asy_coro), raises_nothing_body, "mute"));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "",
                 "SystemError: coroutine 'mute' raised without setting an exception");
    asy_result_clear(&r);
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), unknown_status_body, "odd"), NULL, NULL);
    r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK(asy_future_done(&t->fut));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "SystemError: coroutine 'odd' returned an unknown status 42");
    CHECK(asy_exc_is(r.exc, &asy_Exception));
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

/* async def chain(n): return 0 if n == 0 else await chain(n - 1) + 1 */
typedef struct {
    asy_coro co;
    long n;
} chain_frame;

static asy_status chain_body(asy_coro *co);
static asy_coro *chain(long n)
{
    chain_frame *f = ASY_CORO_NEW(chain_frame, chain_body, "chain");
    f->n = n;
    return &f->co;
}

static asy_status chain_body(asy_coro *co)
{
    chain_frame *f = (chain_frame *)co;
    ASY_BEGIN(co);
    if (f->n == 0) {
        ASY_AWAIT(co, asy_sleep(0, asy_none())); /* the whole chain suspends once */
        ASY_RETURN(co, asy_int(0));
    }
    ASY_AWAIT(co, chain(f->n - 1));
    ASY_RETURN(co, asy_int(ASY_SENT(co).u.i + 1));
    ASY_END(co);
}

static void test_await_chain_depth_limit(void)
{
    trace_reset();
    /* 900 coroutines awaiting one another work (CPython: about 990) */
    asy_result r = asy_run(chain(900), &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "900");
    asy_result_clear(&r);
    /* the deepest that fits: chain(n) and the sleep at its bottom are
     * n + 2 nested steps */
    r = asy_run(chain(ASY_RECURSION_LIMIT - 2), &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    r = asy_run(chain(ASY_RECURSION_LIMIT - 1), &virtual_opts);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RecursionError: maximum recursion depth exceeded");
    asy_result_clear(&r);
    /* 100,000 would overflow the C stack: the error comes out instead */
    r = asy_run(chain(100000), &virtual_opts);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RecursionError: maximum recursion depth exceeded");
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static asy_status lister_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_task *me = asy_current_task(NULL, NULL);
        note("current=%s all=%zu", me ? asy_task_get_name(me) : "none", asy_all_tasks(NULL, NULL, 0, NULL));
        asy_decref(asy_create_task(spinner("s", 1), "helper", NULL));
        note("all=%zu", asy_all_tasks(NULL, NULL, 0, NULL));
        CHECK(strstr(ASY_REPR(asy_obj_value(me)), "<Task pending name='Task-1' coro=<coroutine object lister at") != NULL);
    }
    ASY_END(co);
}

#define CHECK_EXC(e, type, text)                                        \
    do {                                                                \
        CHECK(asy_exc_is((e), (type)));                                 \
        CHECK_STR_EQ((e) != NULL ? asy_exc_message(e) : "(none)", text); \
    } while (0)

/* create_task's three refusals, each handed to the caller (nothing on
 * stderr but Python's own "never awaited" for the coroutine dropped). */
static void test_create_task_refusals_reach_the_caller(void)
{
    asy_loop *loop = vloop();
    asy_exc *e = NULL;
    CHECK_NULL(asy_loop_create_task(loop, NULL, NULL, &e));
    CHECK_EXC(e, &asy_TypeError, "a coroutine was expected, got NULL");
    asy_decref(e);
    e = NULL;
    CHECK_NULL(asy_eager_task_factory(loop, NULL, NULL, &e)); /* same contract */
    CHECK_EXC(e, &asy_TypeError, "a coroutine was expected, got NULL");
    asy_decref(e);
    e = NULL;
    CHECK_NULL(asy_create_task(say_after(0, "never"), NULL, &e)); /* no loop runs */
    CHECK_EXC(e, &asy_RuntimeError, "no running event loop");
    asy_decref(e);
    CHECK_NULL(asy_create_task(say_after(0, "never"), NULL, NULL)); /* error NULL: released */
    CHECK_NULL(asy_loop_close(loop));
    e = NULL;
    CHECK_NULL(asy_loop_create_task(loop, say_after(0, "never"), "late", &e));
    CHECK_EXC(e, &asy_RuntimeError, "Event loop is closed");
    asy_decref(e);
    /* a task factory is not consulted on a closed loop (CPython checks first) */
    asy_loop_set_task_factory(loop, asy_eager_task_factory);
    e = NULL;
    CHECK_NULL(asy_loop_create_task(loop, say_after(0, "never"), NULL, &e));
    CHECK_EXC(e, &asy_RuntimeError, "Event loop is closed");
    asy_decref(e);
    asy_decref(loop);
    CHECK_STR_EQ(trace, "");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* current_task() and all_tasks() with no loop given and none running. */
static void test_current_and_all_tasks_without_a_running_loop(void)
{
    asy_exc *e = NULL;
    CHECK_NULL(asy_current_task(NULL, &e));
    CHECK_EXC(e, &asy_RuntimeError, "no running event loop");
    asy_decref(e);
    e = NULL;
    asy_task *out[1] = {NULL};
    CHECK_INT_EQ(asy_all_tasks(NULL, out, 1, &e), 0);
    CHECK_EXC(e, &asy_RuntimeError, "no running event loop");
    CHECK_NULL(out[0]);
    asy_decref(e);
    /* with a loop that runs no task: NULL, and no error */
    asy_loop *loop = vloop();
    e = asy_exc_new(&asy_ValueError, "stale");
    asy_exc *stale = e;
    CHECK_NULL(asy_current_task(loop, &e));
    CHECK_NULL(e);
    e = stale;
    CHECK_INT_EQ(asy_all_tasks(loop, NULL, 0, &e), 0);
    CHECK_NULL(e);
    asy_decref(stale);
    done_with(loop);
}

static void test_run_current_task_and_leftovers(void)
{
    trace_reset();
    asy_task *none = asy_current_task(NULL, NULL);
    CHECK_NULL(none);
    /* run() names nothing; create_task names the first one Task-1 */
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), lister_body, "lister"), &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    /* as in CPython, the helper gets one step before run() stops the loop */
    CHECK_STR_EQ(trace, "current=Task-1 all=1 all=2 s0");
    asy_result_clear(&r);
    /* leftovers are cancelled when main returns: their cleanup runs */
    trace_reset();
    r = asy_run(asy_sleep(0, asy_none()), &virtual_opts);
    asy_result_clear(&r);
    r = asy_run(NULL, NULL);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "ValueError: a coroutine was expected, got None");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* main() creates a cleaner task and returns at once: run() cancels it */
static asy_status leaves_task_body(asy_coro *co)
{
    ASY_BEGIN(co);
    asy_decref(asy_create_task(asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), NULL, NULL));
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    ASY_RETURN(co, asy_int(1));
    ASY_END(co);
}

static void test_run_cancels_leftover_tasks(void)
{
    trace_reset();
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), leaves_task_body, "main"), &virtual_opts);
    CHECK_STR_EQ(ASY_STR(r.value), "1");
    CHECK_STR_EQ(trace, "started cleanup after CancelledError at 1.0");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- the eager task factory (Python 3.12) ---- */

/* async def child(): note current task; await sleep(0); note "resumes" */
static asy_status eager_child_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("child runs as %s;", asy_task_get_name(asy_current_task(NULL, NULL)));
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    note("child resumes;");
    ASY_RETURN(co, asy_int(7));
    ASY_END(co);
}

static asy_status returns_at_once_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(42));
    ASY_END(co);
}

typedef struct {
    asy_coro co;
    asy_task *t;
} eager_main_frame;

static asy_status eager_main_body(asy_coro *co)
{
    eager_main_frame *f = (eager_main_frame *)co;
    ASY_BEGIN(co);
    asy_loop_set_task_factory(asy_get_running_loop(NULL), asy_eager_task_factory);
    f->t = asy_create_task(asy_coro_new(sizeof(asy_coro), eager_child_body, "child"), "eager", NULL);
    note("created, current is %s, all_tasks=%zu;", asy_task_get_name(asy_current_task(NULL, NULL)),
         asy_all_tasks(NULL, NULL, 0, NULL));
    ASY_AWAIT(co, f->t);
    f->t = NULL;
    note("got %s;", ASY_STR(ASY_SENT(co)));
    /* a coroutine that never suspends: done before create_task returns */
    f->t = asy_create_task(asy_coro_new(sizeof(asy_coro), returns_at_once_body, "quick"), NULL, NULL);
    note("quick done=%d all_tasks=%zu", asy_future_done(&f->t->fut), asy_all_tasks(NULL, NULL, 0, NULL));
    ASY_AWAIT(co, f->t);
    f->t = NULL;
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void eager_main_clear(asy_gen *g) { asy_decref(((eager_main_frame *)g)->t); }

static void test_eager_first_step_runs_inside_create_task(void)
{
    trace_reset();
    eager_main_frame *f = ASY_CORO_NEW(eager_main_frame, eager_main_body, "main");
    asy_gen_set_clear(&f->co, eager_main_clear);
    asy_result r = asy_run(&f->co, &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_STR(r.value), "42");
    CHECK_STR_EQ(trace, "child runs as eager; created, current is Task-1, all_tasks=2; child resumes; got 7; "
                        "quick done=1 all_tasks=1");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_eager_outside_its_loop_starts_as_usual(void)
{
    asy_loop *loop = vloop();
    CHECK(asy_loop_get_task_factory(loop) == NULL);
    asy_loop_set_task_factory(loop, asy_eager_task_factory);
    CHECK(asy_loop_get_task_factory(loop) == asy_eager_task_factory);
    /* the loop is not running: nothing runs inside create_task */
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), returns_at_once_body, "quick"), NULL, NULL);
    CHECK_FATAL(t != NULL);
    CHECK(!asy_future_done(&t->fut));
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 1);
    asy_result r = asy_loop_run_until_complete(loop, t);
    CHECK_STR_EQ(ASY_STR(r.value), "42");
    asy_result_clear(&r);
    done_with(loop);
}

static void test_a_task_refuses_set_result(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, asy_coro_new(sizeof(asy_coro), returns_at_once_body, "quick"), NULL, NULL);
    CHECK_FATAL(t != NULL);
    asy_exc *e = asy_future_set_result(&t->fut, asy_int(1));
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: Task does not support set_result operation");
    asy_decref(e);
    e = asy_future_set_exception(&t->fut, asy_exc_new(&asy_ValueError, "no"));
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: Task does not support set_exception operation");
    asy_decref(e);
    asy_result r = asy_loop_run_until_complete(loop, t);
    CHECK_STR_EQ(ASY_STR(r.value), "42"); /* its coroutine decided */
    asy_result_clear(&r);
    done_with(loop);
}

/* asyncio.run's shutdown turns: a leftover task's done callback and a
 * call_soon made by its cleanup still run (CPython prints both). */
static asy_exc *note_done(asy_future *fut, asy_value arg)
{
    (void)arg;
    note("done callback: cancelled=%d;", asy_future_cancelled(fut));
    return NULL;
}

static asy_exc *note_later(asy_value arg)
{
    (void)arg;
    note("call_soon from the cleanup ran;");
    return NULL;
}

static asy_status cleaner2_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(10, asy_none()));
    asy_decref(asy_loop_call_soon(asy_get_running_loop(NULL), note_later, asy_none(), NULL));
    ASY_END(co);
}

static asy_status leaves_two_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_task *t = asy_create_task(asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), NULL, NULL);
        CHECK_NULL(asy_future_add_done_callback(&t->fut, note_done, asy_none()));
        asy_decref(t);
        asy_decref(asy_create_task(asy_coro_new(sizeof(asy_coro), cleaner2_body, "cleaner2"), NULL, NULL));
    }
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    ASY_RETURN(co, asy_int(1));
    ASY_END(co);
}

static void test_run_gives_shutdown_callbacks_their_turns(void)
{
    trace_reset();
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), leaves_two_body, "main"), &virtual_opts);
    CHECK_STR_EQ(ASY_STR(r.value), "1");
    CHECK_STR_EQ(trace, "started cleanup after CancelledError at 1.0 done callback: cancelled=1; "
                        "call_soon from the cleanup ran;");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- sleep and the numbers at the edges ---- */

static void test_sleep_nan_ends_at_the_next_timer_turn(void)
{
    /* CPython: sleep(nan) is not <= 0, so it calls call_later(nan), whose
     * timer is due at the next turn (loop.h): it returns at once, before a
     * sleep(0.5) that began first. (Python 3.13 raises ValueError instead.) */
    asy_loop *loop = vloop();
    asy_task *slow = asy_loop_create_task(loop, say_after(0.5, "half"), NULL, NULL);
    asy_task *nan = asy_loop_create_task(loop, say_after(NAN, "nan"), NULL, NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(slow));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "nan@0.0 half@0.5");
    asy_result_clear(&r);
    asy_decref(slow);
    asy_decref(nan);
    done_with(loop);
}

static void test_sleep_minus_inf_is_sleep_zero(void)
{
    asy_loop *loop = vloop();
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(-INFINITY, asy_str("now")));
    CHECK_STR_EQ(ASY_STR(r.value), "now");
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.0, 1e-9);
    asy_result_clear(&r);
    done_with(loop);
}

static void test_sleep_inf_alone_is_a_reported_deadlock(void)
{
    /* Nothing else will ever happen: the virtual clock cannot jump to
     * infinity, so run_until_complete returns the loop's deadlock report
     * and the task is still sleeping (not finished at once, and the clock
     * is not infinite). */
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, say_after(INFINITY, "never"), NULL, NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_RuntimeError));
    CHECK(r.exc != NULL && strstr(asy_exc_message(r.exc), "Event loop would wait forever") != NULL);
    asy_result_clear(&r);
    CHECK(!asy_future_done(&t->fut));
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.0, 1e-9);
    /* The loop is fine: cancel the sleeper and let it finish. */
    asy_task_cancel(t, NULL);
    r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK(asy_exc_is(r.exc, &asy_CancelledError));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "");
    asy_decref(t);
    done_with(loop);
}

static void test_sleep_inf_is_cancelled_at_a_finite_time(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, say_after(INFINITY, "never"), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 5, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError: enough");
    CHECK_DBL_NEAR(asy_loop_time(loop), 5.0, 1e-9);
    /* A later deadline is still a finite one. */
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_sleep(1, asy_none()));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_DBL_NEAR(asy_loop_time(loop), 6.0, 1e-9);
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

static void test_run_of_sleep_inf_reports_the_deadlock(void)
{
    /* asyncio.run: the deadlock comes out of run(); the main task is then
     * cancelled by run's shutdown, as any task left over. */
    trace_reset();
    asy_result r = asy_run(say_after(INFINITY, "never"), &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(r.exc != NULL && strstr(asy_exc_message(r.exc), "Event loop would wait forever") != NULL);
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- misuse from inside a task ---- */

static asy_status body_ran_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("body ran");
    ASY_END(co);
}
static asy_coro *body_ran(void) { return asy_coro_new(sizeof(asy_coro), body_ran_body, "body"); }

/* loop.run_until_complete(body()) from inside a task of that loop, and of
 * another loop: refused before body() is wrapped in a task. */
static asy_status nested_run_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        asy_result r = asy_loop_run_until_complete(loop, body_ran());
        note("%s", r.exc ? ASY_EXC_STR(r.exc) : "returned");
        asy_result_clear(&r);
        asy_loop *other = asy_loop_new(&virtual_opts, NULL);
        r = asy_loop_run_until_complete(other, body_ran());
        note("%s", r.exc ? ASY_EXC_STR(r.exc) : "returned");
        asy_result_clear(&r);
        asy_decref(asy_loop_close(other));
        asy_decref(other);
        note("tasks=%zu", asy_all_tasks(loop, NULL, 0, NULL));
    }
    ASY_END(co);
}

static void test_run_until_complete_inside_the_loop_refuses_first(void)
{
    asy_loop *loop = vloop();
    asy_result r = asy_loop_run_until_complete(loop, asy_coro_new(sizeof(asy_coro), nested_run_body, "nested"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    /* the bodies never ran, not even later: they were never tasks */
    CHECK_STR_EQ(trace, "RuntimeError: This event loop is already running "
                        "RuntimeError: Cannot run the event loop while another loop is running tasks=1");
    done_with(loop);
}

/* A task that runs a turn of its own loop from inside its step. */
typedef struct {
    asy_coro co;
    asy_task *other;
} turner_frame;

static asy_status turner_body(asy_coro *co)
{
    turner_frame *f = (turner_frame *)co;
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        f->other = asy_loop_create_task(loop, body_ran(), "other", NULL);
        asy_exc *e = asy_loop_run_once(loop);
        note("%s", e ? ASY_EXC_STR(e) : "ran");
        asy_decref(e);
        note("other done=%d", asy_future_done(&f->other->fut)); /* the turn ran nothing */
    }
    ASY_AWAIT(co, asy_incref(f->other));
    ASY_END(co);
}
static void turner_clear(asy_gen *g)
{
    turner_frame *f = (turner_frame *)g;
    asy_decref(f->other);
    f->other = NULL;
}

static void test_a_turn_inside_a_task_refuses(void)
{
    asy_loop *loop = vloop();
    turner_frame *f = ASY_CORO_NEW(turner_frame, turner_body, "turner");
    asy_gen_set_clear(&f->co, turner_clear);
    asy_task *t = asy_loop_create_task(loop, &f->co, "main", NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    /* CPython's _enter_task words it so; the reprs carry addresses */
    CHECK_MSG(strncmp(trace, "RuntimeError: Cannot enter into task <Task pending name='other' coro=<coroutine object body",
                      strlen("RuntimeError: Cannot enter into task <Task pending name='other' coro=<coroutine object body")) == 0,
              "trace: %s", trace);
    CHECK_MSG(strstr(trace, "while another task <Task pending name='main' coro=<coroutine object turner") != NULL,
              "trace: %s", trace);
    CHECK_MSG(strstr(trace, "is being executed. other done=0 body ran") != NULL, "trace: %s", trace);
    asy_decref(t);
    done_with(loop);
}

/* ---- a task body that leaves the loop with longjmp ---- */

static jmp_buf escape;

typedef struct {
    asy_coro co;
    asy_task *other;
} jumper_frame;

static asy_status jumper_body(asy_coro *co)
{
    jumper_frame *f = (jumper_frame *)co;
    ASY_BEGIN(co);
    f->other = asy_create_task(asy_coro_new(sizeof(asy_coro), cleaner_body, "cleaner"), "other", NULL);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    note("jump@%s", ASY_STR(asy_float(now())));
    longjmp(escape, 1); /* the C form of: raise KeyboardInterrupt */
    ASY_END(co);
}
static void jumper_clear(asy_gen *g)
{
    jumper_frame *f = (jumper_frame *)g;
    note("clear");
    asy_decref(f->other);
    f->other = NULL;
}
static asy_coro *jumper(void)
{
    jumper_frame *f = ASY_CORO_NEW(jumper_frame, jumper_body, "jumper");
    asy_gen_set_clear(&f->co, jumper_clear);
    return &f->co;
}

static void test_longjmp_out_of_a_task_then_recover(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, jumper(), "main", NULL);
    if (setjmp(escape) == 0) {
        asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
        CHECK_MSG(0, "run_until_complete returned");
        asy_result_clear(&r);
        return;
    }
    CHECK_STR_EQ(trace, "started jump@1.0");
    CHECK(asy_current_task(loop, NULL) == t);
    CHECK_NULL(asy_loop_recover(loop, asy_exc_new(&asy_KeyboardInterrupt, NULL)));
    CHECK_NULL(asy_current_task(loop, NULL));
    CHECK_NULL(asy_get_running_loop(NULL));
    /* the task ended with the exception the jump stands for; its frame was
     * cleared, but no code of its body ran */
    CHECK(asy_future_done(&t->fut));
    asy_exc *e = NULL;
    asy_decref(asy_future_exception(&t->fut, &e));
    CHECK(asy_exc_is(e, &asy_KeyboardInterrupt));
    asy_decref(e);
    CHECK_STR_EQ(trace, "started jump@1.0 clear");
    /* close: the other task, suspended at an await, is abandoned and its
     * cleanup runs */
    trace_reset();
    CHECK_NULL(asy_loop_close(loop));
    CHECK_STR_EQ(trace, "[Task was destroyed but it is pending!] cleanup after GeneratorExit at -1.0");
    asy_decref(t);
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
    /* and the thread can run another loop */
    trace_reset();
    asy_result r = asy_run(say_after(1, "again"), &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "again@1.0");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_longjmp_out_of_run_then_recover(void)
{
    trace_reset();
    if (setjmp(escape) == 0) {
        asy_result r = asy_run(jumper(), &virtual_opts);
        CHECK_MSG(0, "run returned");
        asy_result_clear(&r);
        return;
    }
    /* asy_run's loop is still the running one: recover it, close it and
     * release asy_run's reference */
    asy_loop *loop = asy_get_running_loop(NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    CHECK_NULL(asy_loop_recover(loop, NULL));
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_STR_EQ(trace, "started jump@1.0 clear [Task was destroyed but it is pending!] "
                        "cleanup after GeneratorExit at -1.0");
    CHECK_INT_EQ(asy_obj_live(), 0);
    trace_reset();
    asy_result r = asy_run(say_after(2, "again"), &virtual_opts);
    CHECK_STR_EQ(trace, "again@2.0");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* An await chain: deep(n, jump) awaits deep(n - 1, jump) ... down to
 * deep(0), which returns "bottom", or longjmps out of the loop when `jump`
 * is set: the C form of a KeyboardInterrupt raised n + 1 steps deep. */
typedef struct {
    asy_coro co;
    int n;
    bool jump;
} deep_frame;

static asy_coro *deep(int n, bool jump);
static asy_status deep_body(asy_coro *co)
{
    deep_frame *f = (deep_frame *)co;
    ASY_BEGIN(co);
    if (f->n == 0) {
        if (f->jump)
            longjmp(escape, 1);
        ASY_RETURN(co, asy_str("bottom"));
    }
    ASY_AWAIT(co, deep(f->n - 1, f->jump));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}
static asy_coro *deep(int n, bool jump)
{
    deep_frame *f = ASY_CORO_NEW(deep_frame, deep_body, "deep");
    f->n = n;
    f->jump = jump;
    return &f->co;
}

/* Every step the jump leaves behind was counted by gen.c's RecursionError
 * guard and never uncounted: recover sets the count back, so a chain just
 * under the limit (the task's step plus 900 coroutines) still works after
 * a jump out of 600 nested steps, through run_until_complete and through
 * a bare run_once. */
static void test_recover_resets_the_recursion_count(void)
{
    for (volatile int via_run_once = 0; via_run_once <= 1; via_run_once++) {
        asy_loop *loop = vloop();
        asy_task *t = asy_loop_create_task(loop, deep(600, true), "jumper", NULL);
        if (setjmp(escape) == 0) {
            if (via_run_once) {
                asy_decref(asy_loop_run_once(loop));
            } else {
                asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
                asy_result_clear(&r);
            }
            CHECK_MSG(0, "the loop returned");
            return;
        }
        CHECK_NULL(asy_loop_recover(loop, NULL));
        CHECK(asy_future_done(&t->fut));
        asy_decref(t);
        asy_result r = asy_loop_run_until_complete(loop, deep(900, false));
        CHECK_INT_EQ(r.status, ASY_RETURNED);
        CHECK_STR_EQ(ASY_REPR(r.value), "'bottom'");
        asy_result_clear(&r);
        CHECK_NULL(asy_loop_close(loop));
        asy_decref(loop);
        CHECK_INT_EQ(asy_obj_live(), 0);
    }
    /* and asy_run on a fresh loop, the same */
    asy_result r = asy_run(deep(900, false), &virtual_opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"await in sequence takes 3 s, two tasks take 2 s", test_await_in_sequence_takes_3s_tasks_take_2s},
        {"sleep(0) yields exactly once", test_sleep0_yields_exactly_once},
        {"an hour of sleep takes no real time", test_an_hour_of_sleep_takes_no_real_time},
        {"cancel during a sleep runs the cleanup", test_cancel_during_sleep_runs_cleanup},
        {"a task cancelled before its first step never runs", test_task_cancelled_before_first_step_never_runs},
        {"a cancel message before the first step", test_cancel_message_before_first_step},
        {"run_until_complete of another loop's future", test_run_until_complete_of_another_loops_future},
        {"a never-retrieved report shows the task", test_never_retrieved_report_shows_the_task},
        {"a task that catches CancelledError is not cancelled", test_task_that_catches_cancel_is_not_cancelled},
        {"a task awaiting a future", test_task_awaiting_a_future},
        {"cancel propagates to the awaited task", test_cancel_propagates_to_the_awaited_task},
        {"failures and reports", test_failures_and_reports},
        {"bad yields", test_bad_yields},
        {"a future yielded instead of awaited", test_future_yielded_instead_of_awaited},
        {"a broken body finishes the task with SystemError", test_broken_body_finishes_the_task_with_system_error},
        {"an await chain deeper than the limit raises RecursionError", test_await_chain_depth_limit},
        {"run(), current_task, all_tasks", test_run_current_task_and_leftovers},
        {"run() cancels leftover tasks", test_run_cancels_leftover_tasks},
        {"run() gives what the cancellations scheduled its turns", test_run_gives_shutdown_callbacks_their_turns},
        {"eager: the first step runs inside create_task", test_eager_first_step_runs_inside_create_task},
        {"eager: outside its running loop a task starts as usual", test_eager_outside_its_loop_starts_as_usual},
        {"a task refuses set_result and set_exception", test_a_task_refuses_set_result},
        {"create_task's refusals reach the caller", test_create_task_refusals_reach_the_caller},
        {"current_task and all_tasks without a running loop", test_current_and_all_tasks_without_a_running_loop},
        {"sleep(nan) ends at the next timer turn", test_sleep_nan_ends_at_the_next_timer_turn},
        {"sleep(-inf) is sleep(0)", test_sleep_minus_inf_is_sleep_zero},
        {"sleep(inf) alone is a reported deadlock", test_sleep_inf_alone_is_a_reported_deadlock},
        {"sleep(inf) is cancelled at a finite time", test_sleep_inf_is_cancelled_at_a_finite_time},
        {"run() of sleep(inf) reports the deadlock", test_run_of_sleep_inf_reports_the_deadlock},
        {"run_until_complete inside the loop refuses before making a task",
         test_run_until_complete_inside_the_loop_refuses_first},
        {"a turn run from inside a task refuses", test_a_turn_inside_a_task_refuses},
        {"longjmp out of a task: recover, close, run another loop", test_longjmp_out_of_a_task_then_recover},
        {"longjmp out of run(): recover its loop, close it, run again", test_longjmp_out_of_run_then_recover},
        {"recover after a longjmp out of a deep await chain resets the recursion count", test_recover_resets_the_recursion_count},
        {"cancel(NULL), cancel(\"\") and cancel(\"x\"): three CancelledErrors", test_cancel_message_none_empty_or_text},
        {NULL, NULL},
    };
    return check_main("task", tests, argc, argv);
}
