/*
 * test_slow_steps.c - tests for exercise 31/slow_steps (see slow_steps.h),
 * on the virtual clock: a step "takes" time when it moves the clock on,
 * which is what a blocking call inside a step looks like to the loop.
 */
#include <string.h>

#include "check.h"
#include "slow_steps.h"
#include "task.h"

static void block_for(double seconds)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    asy_clock_advance_to(asy_loop_clock(loop), asy_loop_time(loop) + seconds);
}

/* async def worker(pause, block): await sleep(pause); block; await sleep(pause) */
typedef struct {
    asy_coro co;
    double pause, block;
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->pause, asy_none()));
    block_for(f->block);
    ASY_AWAIT(co, asy_sleep(f->pause, asy_none()));
    ASY_END(co);
}

static asy_coro *worker(double pause, double block)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
    f->pause = pause;
    f->block = block;
    return &f->co;
}

static asy_loop *traced_loop(step_stats *s)
{
    static const asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    memset(s, 0, sizeof *s);
    asy_loop_set_trace(loop, slow_steps_sink, s);
    return loop;
}

static void close_loop(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Three workers; "hog" blocks 0.3 s in its second step. */
static void test_counts_and_slowest(void)
{
    step_stats s;
    asy_loop *loop = traced_loop(&s);
    asy_task *t[3];
    t[0] = asy_loop_create_task(loop, worker(1, 0.05), "a", NULL);
    t[1] = asy_loop_create_task(loop, worker(1, 0.3), "hog", NULL);
    t[2] = asy_loop_create_task(loop, worker(2, 0.1), "c", NULL);
    for (int i = 0; i < 3; i++)
        CHECK_FATAL(t[i] != NULL);
    for (int i = 0; i < 3; i++) {
        asy_result r = asy_loop_run_until_complete(loop, asy_incref(t[i]));
        CHECK_INT_EQ(r.status, ASY_RETURNED);
        asy_result_clear(&r);
    }
    CHECK_INT_EQ(s.tasks_created, 3);
    CHECK_INT_EQ(s.steps, 9);  /* three steps each: start, after each sleep */
    CHECK_INT_EQ(s.waits, 6);  /* two sleeps each */
    CHECK_INT_EQ(s.tasks_done, 3);
    CHECK_INT_EQ(s.timers, 6);
    CHECK_DBL_NEAR(s.longest, 0.3, 1e-9);
    CHECK_STR_EQ(s.longest_task, "hog");
    for (int i = 0; i < 3; i++)
        asy_decref(t[i]);
    close_loop(loop);
}

/* Steps that take no time at all: the first one is the longest (a tie). */
static void test_all_instant(void)
{
    step_stats s;
    asy_loop *loop = traced_loop(&s);
    asy_task *a = asy_loop_create_task(loop, worker(0.5, 0), "first", NULL);
    asy_task *b = asy_loop_create_task(loop, worker(0.5, 0), "second", NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(b));
    asy_result_clear(&r);
    CHECK(asy_future_done(&a->fut));
    CHECK_INT_EQ(s.steps, 6);
    CHECK_DBL_NEAR(s.longest, 0.0, 1e-12);
    CHECK_STR_EQ(s.longest_task, "first");
    asy_decref(a);
    asy_decref(b);
    close_loop(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"counts of tasks, steps, waits, timers and the slowest step", test_counts_and_slowest},
        {"a tie between instant steps keeps the first", test_all_instant},
        {NULL, NULL},
    };
    return check_main("slow_steps", tests, argc, argv);
}
