/*
 * test_limited.c - tests for exercise 23/limited (see limited.h), virtual clock.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "limited.h"

static int running, peak;

static void quiet_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    fprintf(stderr, "loop: %s%s%s\n", ctx->message, ctx->exception ? ": " : "",
            ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static asy_loop *setup(void)
{
    running = peak = 0;
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* async def job(x, delay): running += 1; await sleep(delay); running -= 1;
 *     if x < 0: raise ValueError(f"bad {x}"); return x * 10 */
typedef struct {
    asy_coro co;
    long long x;
    double delay;
} job_frame;

static asy_status job_body(asy_coro *co)
{
    job_frame *f = (job_frame *)co;
    ASY_BEGIN(co);
    if (++running > peak)
        peak = running;
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    running--;
    if (ASY_EXC(co) == NULL && f->x < 0)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "bad %lld", f->x));
    ASY_RETURN(co, asy_int(f->x * 10));
    ASY_END(co);
}

static asy_coro *job(long long x, double delay)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->x = x;
    f->delay = delay;
    return &f->co;
}

static void clear_results(asy_value *results, size_t n)
{
    for (size_t i = 0; i < n; i++)
        asy_value_clear(&results[i]);
}

static void test_results_in_order_at_most_limit_at_once(void)
{
    asy_loop *loop = setup();
    static const double delays[] = {3, 1, 2, 1, 1, 2};
    asy_coro *jobs[6];
    asy_value results[6];
    for (int i = 0; i < 6; i++) {
        jobs[i] = job(i + 1, delays[i]);
        results[i] = asy_none();
    }
    asy_result r = asy_loop_run_until_complete(loop, run_limited(jobs, 6, 2, results));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    char got[128] = "";
    for (int i = 0; i < 6; i++) {
        strcat(got, i ? " " : "");
        strcat(got, ASY_REPR(results[i]));
    }
    CHECK_STR_EQ(got, "10 20 30 40 50 60");
    CHECK_MSG(peak == 2, "at most 2 at once, and really 2 at once: peak was %d", peak);
    /* two slots: jobs 1 (0-3), 4 (3-4), 6 (4-6) and jobs 2 (0-1), 3 (1-3), 5 (3-4) */
    CHECK_DBL_NEAR(asy_loop_time(loop), 6.0, 1e-9);
    clear_results(results, 6);
    teardown(loop);
}

static void test_a_failing_job_does_not_stop_the_others(void)
{
    asy_loop *loop = setup();
    asy_coro *jobs[3] = {job(1, 1), job(-2, 1), job(3, 1)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    asy_result r = asy_loop_run_until_complete(loop, run_limited(jobs, 3, 3, results));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK_STR_EQ(ASY_REPR(results[0]), "10");
    CHECK_STR_EQ(asy_value_exc(results[1]) ? ASY_EXC_STR(asy_value_exc(results[1])) : ASY_REPR(results[1]),
                 "ValueError: bad -2");
    CHECK_STR_EQ(ASY_REPR(results[2]), "30");
    CHECK_INT_EQ(peak, 3);
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.0, 1e-9);
    clear_results(results, 3);
    teardown(loop);
}

static void test_limit_below_one_is_value_error(void)
{
    asy_loop *loop = setup();
    asy_coro *jobs[2] = {job(1, 1), job(2, 1)};
    asy_value results[2] = {asy_none(), asy_none()};
    asy_result r = asy_loop_run_until_complete(loop, run_limited(jobs, 2, 0, results));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "no exception", "ValueError: limit must be >= 1");
    asy_result_clear(&r);
    CHECK(asy_is_none(results[0]) && asy_is_none(results[1]));
    CHECK_INT_EQ(peak, 0);
    clear_results(results, 2);
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"results come in job order, with at most `limit` jobs at once",
         test_results_in_order_at_most_limit_at_once},
        {"a failing job leaves its exception in its slot; the others run on",
         test_a_failing_job_does_not_stop_the_others},
        {"a limit below 1 is ValueError, and no job runs", test_limit_below_one_is_value_error},
        {NULL, NULL},
    };
    return check_main("limited", tests, argc, argv);
}
