/*
 * test_cleanup.c - tests for exercise 13/cleanup (see cleanup.h), on the
 * virtual clock: every sleep takes no real time.
 */

#include "check.h"
#include "cleanup.h"
#include "runners.h"

/* ---- the resource the worker holds ---- */

void resource_acquire(resource *res) { res->held++; }

void resource_release(resource *res)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    res->held--;
    res->releases++;
    res->released_at = loop != NULL ? asy_loop_time(loop) : -1.0;
}

static resource fresh(void)
{
    resource r = {0, 0, 0, -1, -1.0};
    return r;
}

/* ---- a loop, a task, and a canceller ---- */

static asy_loop *vloop(void)
{
    static const asy_loop_options opts = {NULL, true}; /* virtual clock */
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static asy_exc *cancel_task(asy_value arg)
{
    asy_task_cancel(asy_value_task(arg), "stop");
    return NULL;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- tests ---- */

static void test_normal_end(void)
{
    resource res = fresh();
    asy_loop *loop = vloop();
    asy_coro *co = worker(&res, 3, 1.0);
    CHECK_FATAL(co != NULL);
    CHECK_MSG(res.held == 1, "worker() must acquire the resource before it returns (held = %d)", res.held);
    asy_result r = asy_loop_run_until_complete(loop, co);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "3");
    CHECK_INT_EQ(res.rounds, 3);
    CHECK_INT_EQ(res.releases, 1);
    CHECK_INT_EQ(res.held, 0);
    CHECK_INT_EQ(res.cancelled_in_round, -1);
    CHECK_DBL_NEAR(res.released_at, 3.0, 1e-9);
    asy_result_clear(&r);
    done_with(loop);
}

static void test_zero_rounds(void)
{
    resource res = fresh();
    asy_loop *loop = vloop();
    asy_coro *co = worker(&res, 0, 1.0);
    CHECK_FATAL(co != NULL);
    asy_result r = asy_loop_run_until_complete(loop, co);
    CHECK_STR_EQ(ASY_REPR(r.value), "0");
    CHECK_INT_EQ(res.releases, 1);
    CHECK_INT_EQ(res.held, 0);
    asy_result_clear(&r);
    done_with(loop);
}

static void test_cancel_during_sleep(void)
{
    resource res = fresh();
    asy_loop *loop = vloop();
    asy_coro *co = worker(&res, 5, 1.0);
    CHECK_FATAL(co != NULL);
    asy_task *t = asy_loop_create_task(loop, co, "worker", NULL);
    CHECK_FATAL(t != NULL);
    asy_decref(asy_loop_call_later(loop, 2.5, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_MSG(asy_future_cancelled(&t->fut),
              "the task must end cancelled: let the CancelledError propagate (do not ASY_CATCH it)");
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(r.exc != NULL ? ASY_EXC_STR(r.exc) : "no exception", "CancelledError: stop");
    CHECK_INT_EQ(res.rounds, 2);
    CHECK_INT_EQ(res.cancelled_in_round, 3);
    CHECK_INT_EQ(res.releases, 1);
    CHECK_INT_EQ(res.held, 0);
    CHECK_DBL_NEAR(res.released_at, 2.5, 1e-9);
    CHECK_DBL_NEAR(asy_loop_time(loop), 2.5, 1e-9);
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

static void test_cancel_during_first_and_last_sleep(void)
{
    double when[] = {0.5, 2.5};
    int round[] = {1, 3};
    for (int i = 0; i < 2; i++) {
        resource res = fresh();
        asy_loop *loop = vloop();
        asy_coro *co = worker(&res, 3, 1.0);
        CHECK_FATAL(co != NULL);
        asy_task *t = asy_loop_create_task(loop, co, NULL, NULL);
        CHECK_FATAL(t != NULL);
        asy_decref(asy_loop_call_later(loop, when[i], cancel_task, asy_task_value(t), NULL));
        asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
        CHECK(asy_future_cancelled(&t->fut));
        CHECK_INT_EQ(res.cancelled_in_round, round[i]);
        CHECK_INT_EQ(res.rounds, round[i] - 1);
        CHECK_INT_EQ(res.releases, 1);
        CHECK_INT_EQ(res.held, 0);
        asy_result_clear(&r);
        asy_decref(t);
        done_with(loop);
    }
}

static void test_cancel_before_first_step(void)
{
    resource res = fresh();
    asy_loop *loop = vloop();
    asy_coro *co = worker(&res, 3, 1.0);
    CHECK_FATAL(co != NULL);
    asy_task *t = asy_loop_create_task(loop, co, NULL, NULL);
    CHECK_FATAL(t != NULL);
    CHECK(asy_task_cancel(t, NULL)); /* before it ever ran */
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK(asy_future_cancelled(&t->fut));
    CHECK_INT_EQ(res.rounds, 0);
    CHECK_MSG(res.cancelled_in_round == -1, "the body never ran, so nothing in it can have seen the cancel");
    CHECK_MSG(res.releases == 1,
              "released %d times: the body never runs here, so the frame's clear function must release",
              res.releases);
    CHECK_INT_EQ(res.held, 0);
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

static void test_dropped_without_running(void)
{
    resource res = fresh();
    asy_coro *co = worker(&res, 3, 1.0);
    CHECK_FATAL(co != NULL);
    CHECK_NULL(asy_gen_close(co)); /* closed unstarted: dropped on purpose, no warning */
    asy_decref(co);
    CHECK_INT_EQ(res.releases, 1);
    CHECK_INT_EQ(res.held, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* async def leaver(res): create_task(worker(res, 10, 1.0)); await sleep(1.5)
 * main returns with the worker still running: asyncio.run cancels it. */
typedef struct {
    asy_coro co;
    resource *res;
} leaver_frame;

static asy_status leaver_body(asy_coro *co)
{
    leaver_frame *f = (leaver_frame *)co;
    ASY_BEGIN(co);
    asy_decref(asy_create_task(worker(f->res, 10, 1.0), NULL, NULL));
    ASY_AWAIT(co, asy_sleep(1.5, asy_none()));
    ASY_END(co);
}

static void test_left_running_when_run_returns(void)
{
    static const asy_loop_options opts = {NULL, true}; /* virtual clock */
    resource res = fresh();
    leaver_frame *f = ASY_CORO_NEW(leaver_frame, leaver_body, "leaver");
    f->res = &res;
    asy_result r = asy_run(&f->co, &opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_INT_EQ(res.rounds, 1);
    CHECK_INT_EQ(res.cancelled_in_round, 2);
    CHECK_INT_EQ(res.releases, 1);
    CHECK_INT_EQ(res.held, 0);
    CHECK_DBL_NEAR(res.released_at, 1.5, 1e-9);
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"worker(res, 3, 1.0) works 3 rounds, returns 3 and releases once at 3.0 s", test_normal_end},
        {"worker(res, 0, 1.0) returns 0 and releases once", test_zero_rounds},
        {"cancelled at 2.5 s: CancelledError in round 3, released once, the task ends cancelled",
         test_cancel_during_sleep},
        {"cancelled during the first and during the last sleep: released once each time",
         test_cancel_during_first_and_last_sleep},
        {"cancelled before its first step: the body never runs, the resource is still released once",
         test_cancel_before_first_step},
        {"closed without ever running: the resource is released once", test_dropped_without_running},
        {"still running when asyncio.run's main returns: run cancels it, released once at 1.5 s",
         test_left_running_when_run_returns},
        {NULL, NULL},
    };
    return check_main("13-cleanup", tests, argc, argv);
}
