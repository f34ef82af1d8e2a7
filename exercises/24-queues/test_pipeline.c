/*
 * test_pipeline.c - tests for exercise 24/pipeline (see pipeline.h), on
 * the virtual clock.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "pipeline.h"

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

/* async def square(x): sleep(x / 10); if x == 13: raise ValueError; return x * x */
typedef struct {
    asy_coro co;
    long long x;
} square_frame;

static asy_status square_body(asy_coro *co)
{
    square_frame *f = (square_frame *)co;
    ASY_BEGIN(co);
    if (++running > peak)
        peak = running;
    ASY_AWAIT_TRY(co, asy_sleep((double)f->x / 10, asy_none()));
    running--;
    if (ASY_EXC(co) == NULL && f->x == 13)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "unlucky"));
    ASY_RETURN(co, asy_int(f->x * f->x));
    ASY_END(co);
}

static asy_coro *square(long long x)
{
    square_frame *f = ASY_CORO_NEW(square_frame, square_body, "square");
    f->x = x;
    return &f->co;
}

static asy_exc *watchdog(asy_value arg)
{
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

/* Run the pipeline as a task; a watchdog cancels it after `limit` seconds
 * (a pipeline that never returns must not hang the test). */
static asy_result run_pipeline(asy_loop *loop, asy_coro *p, double limit, bool *finished)
{
    asy_task *t = asy_loop_create_task(loop, p, "pipeline", NULL);
    asy_handle *dog = asy_loop_call_later(loop, limit, watchdog, asy_task_value(t), NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    *finished = !asy_future_cancelled(&t->fut);
    asy_handle_cancel(dog);
    asy_decref(dog);
    asy_decref(t);
    /* let cancelled workers (if any) finish */
    asy_result r2 = asy_loop_run_until_complete(loop, asy_sleep(0, asy_none()));
    asy_result_clear(&r2);
    return r;
}

static void test_every_item_once_with_n_workers(void)
{
    asy_loop *loop = setup();
    static const long long items[] = {3, 1, 4, 1, 5, 9, 2, 6};
    long long out[8];
    size_t nout = 0;
    bool finished;
    double t0 = asy_loop_time(loop);
    asy_result r = run_pipeline(loop, pipeline(items, 8, 3, 2, square, out, &nout), 100, &finished);
    CHECK_MSG(finished, "the pipeline never returned (join() waiting for a task_done()?)");
    CHECK_STR_EQ(ASY_REPR(r.value), "8");
    asy_result_clear(&r);
    CHECK_INT_EQ(nout, 8);
    long long sum = 0;
    for (size_t i = 0; i < nout && i < 8; i++)
        sum += out[i];
    CHECK_INT_EQ(sum, 9 + 1 + 16 + 1 + 25 + 81 + 4 + 36);
    CHECK_MSG(peak == 3, "3 workers should process 3 items at once (peak %d)", peak);
    /* 3.1 s of work; 3 workers, FIFO: the last two items (9 and 6) end at 1.2 s */
    CHECK_MSG(asy_loop_time(loop) - t0 > 1.2 - 1e-9 && asy_loop_time(loop) - t0 < 1.2 + 1e-9,
              "3 workers should take 1.2 s, took %.2f s", asy_loop_time(loop) - t0);
    CHECK_MSG(asy_all_tasks(loop, NULL, 0, NULL) == 0, "worker tasks are still alive: cancel them at the end");
    teardown(loop);
}

static void test_a_failing_item_is_skipped_and_join_still_returns(void)
{
    asy_loop *loop = setup();
    static const long long items[] = {2, 13, 3};
    long long out[3];
    size_t nout = 0;
    bool finished;
    asy_result r = run_pipeline(loop, pipeline(items, 3, 2, 1, square, out, &nout), 100, &finished);
    CHECK_MSG(finished, "the pipeline never returned: task_done() must be called for a failed item too");
    CHECK_STR_EQ(ASY_REPR(r.value), "2");
    asy_result_clear(&r);
    CHECK_INT_EQ(nout, 2);
    CHECK_MSG(nout == 2 && out[0] == 4 && out[1] == 9, "results in finishing order: 4 then 9");
    teardown(loop);
}

static void test_one_worker_keeps_the_order(void)
{
    asy_loop *loop = setup();
    static const long long items[] = {5, 1, 3};
    long long out[3];
    size_t nout = 0;
    bool finished;
    asy_result r = run_pipeline(loop, pipeline(items, 3, 1, 1, square, out, &nout), 100, &finished);
    CHECK(finished);
    asy_result_clear(&r);
    CHECK_MSG(nout == 3 && out[0] == 25 && out[1] == 1 && out[2] == 9, "one worker: FIFO order");
    CHECK_INT_EQ(peak, 1);
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.9, 1e-9);
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"every item is processed once, by 3 workers at a time", test_every_item_once_with_n_workers},
        {"a failing item is skipped, and join() still returns", test_a_failing_item_is_skipped_and_join_still_returns},
        {"one worker processes the items in FIFO order", test_one_worker_keeps_the_order},
        {NULL, NULL},
    };
    return check_main("pipeline", tests, argc, argv);
}
