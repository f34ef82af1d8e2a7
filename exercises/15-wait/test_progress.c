/*
 * test_progress.c - tests for exercise 15/progress (see progress.h), on
 * the virtual clock.
 */
#include <stdio.h>

#include "check.h"
#include "progress.h"

/* async def job(delay): await asyncio.sleep(delay) */
typedef struct {
    asy_coro co;
    double delay;
} job_frame;

static asy_status job_body(asy_coro *co)
{
    job_frame *f = (job_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    ASY_END(co);
}

static asy_task *job(asy_loop *loop, double delay)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->delay = delay;
    return asy_loop_create_task(loop, &f->co, NULL, NULL);
}

/* Run progress over tasks with the given delays; returns ticks (-1 if it
 * raised); *end is the loop time when it ended. */
static long long run(const double *delays, size_t n, double every, size_t *counts, size_t max, double *end)
{
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_task *tasks[8];
    for (size_t i = 0; i < n; i++)
        tasks[i] = job(loop, delays[i]);
    long long ticks = -1;
    asy_coro *co = progress(n, tasks, every, counts, max);
    if (co != NULL) {
        asy_result r = asy_loop_run_until_complete(loop, co);
        if (r.status == ASY_RETURNED && r.value.kind == ASY_INT)
            ticks = r.value.u.i;
        else if (r.status == ASY_RAISED)
            printf("    progress raised %s\n", ASY_EXC_STR(r.exc));
        asy_result_clear(&r);
    }
    *end = asy_loop_time(loop);
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(100, asy_none())); /* leftovers */
    asy_result_clear(&r);
    for (size_t i = 0; i < n; i++) {
        CHECK(!asy_future_cancelled(&tasks[i]->fut)); /* nothing is cancelled */
        asy_decref(tasks[i]);
    }
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
    return ticks;
}

static void test_counts_every_second(void)
{
    double delays[] = {0.5, 1.2, 2.9};
    size_t counts[8] = {0};
    double end = 0;
    CHECK_INT_EQ(run(delays, 3, 1.0, counts, 8, &end), 3);
    CHECK_INT_EQ(counts[0], 1); /* at 1.0: the 0.5 s job */
    CHECK_INT_EQ(counts[1], 2); /* at 2.0: and the 1.2 s one */
    CHECK_INT_EQ(counts[2], 3); /* at 2.9: all; the last wait ended early */
    CHECK_DBL_NEAR(end, 2.9, 1e-9);
}

static void test_quiet_ticks_count_too(void)
{
    double delays[] = {3.5};
    size_t counts[8] = {0};
    double end = 0;
    CHECK_INT_EQ(run(delays, 1, 1.0, counts, 8, &end), 4);
    CHECK_INT_EQ(counts[0], 0);
    CHECK_INT_EQ(counts[2], 0);
    CHECK_INT_EQ(counts[3], 1);
    CHECK_DBL_NEAR(end, 3.5, 1e-9);
}

static void test_counts_beyond_max_are_not_written(void)
{
    double delays[] = {4.5};
    size_t counts[3] = {7, 7, 7};
    double end = 0;
    CHECK_INT_EQ(run(delays, 1, 1.0, counts, 2, &end), 5);
    CHECK_INT_EQ(counts[1], 0);
    CHECK_INT_EQ(counts[2], 7); /* untouched */
}

static void test_no_tasks_no_wait(void)
{
    size_t counts[1] = {7};
    double end = -1;
    CHECK_INT_EQ(run(NULL, 0, 1.0, counts, 1, &end), 0);
    CHECK_INT_EQ(counts[0], 7);
    CHECK_DBL_NEAR(end, 0.0, 1e-9);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"counts every second; the last wait ends early", test_counts_every_second},
        {"ticks where nothing finished count too", test_quiet_ticks_count_too},
        {"counts beyond max are not written", test_counts_beyond_max_are_not_written},
        {"no tasks: no wait at all, 0 ticks", test_no_tasks_no_wait},
        {NULL, NULL},
    };
    return check_main("progress", tests, argc, argv);
}
