/*
 * test_cancel_after.c - tests for exercise 13/cancel_after (see
 * cancel_after.h), on the virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cancel_after.h"
#include "check.h"

/* What the work coroutine saw: a trace and the task that ran it. */
static char trace[512];
static asy_task *work_task; /* owned; the task the work ran in */

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    size_t n = strlen(trace);
    if (n > 0 && n < sizeof trace - 1)
        trace[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(trace + n, sizeof trace - n, fmt, ap);
    va_end(ap);
}

static double now(void)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    return loop != NULL ? asy_loop_time(loop) : -1.0;
}

/* async def job(duration, fail):
 *     try: await asyncio.sleep(duration)
 *     except CancelledError: note("cancelled"); raise
 *     if fail: raise ValueError("job failed")
 *     return "done" */
typedef struct {
    asy_coro co;
    double duration;
    bool fail;
} job_frame;

static asy_status job_body(asy_coro *co)
{
    job_frame *f = (job_frame *)co;
    ASY_BEGIN(co);
    asy_decref(work_task);
    work_task = asy_incref(asy_current_task(NULL, NULL));
    note("start@%g", now());
    ASY_AWAIT_TRY(co, asy_sleep(f->duration, asy_none()));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        note("cancelled@%g", now());
        ASY_RERAISE(co);
    }
    note("end@%g", now());
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "job failed"));
    ASY_RETURN(co, asy_str("done"));
    ASY_END(co);
}

static asy_coro *job(double duration, bool fail)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->duration = duration;
    f->fail = fail;
    return &f->co;
}

static asy_loop *vloop(void)
{
    static const asy_loop_options opts = {NULL, true}; /* virtual clock */
    trace[0] = '\0';
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    asy_decref(work_task);
    work_task = NULL;
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static const char *exc_str(const asy_result *r)
{
    static char buf[ASY_FMT_MAX];
    snprintf(buf, sizeof buf, "%s", r->exc != NULL ? ASY_EXC_STR(r->exc) : "no exception");
    return buf;
}

/* ---- tests ---- */

static void test_builds_and_runs_nothing(void)
{
    trace[0] = '\0';
    asy_coro *co = cancel_after(job(1, false), 5);
    CHECK_FATAL(co != NULL);
    CHECK(asy_iscoroutine(co));
    CHECK_STR_EQ(trace, "");
    CHECK_NULL(asy_gen_close(co));
    asy_decref(co); /* the work must be released too (its warning is expected) */
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_work_finishes_first(void)
{
    asy_loop *loop = vloop();
    asy_coro *co = cancel_after(job(1, false), 5);
    CHECK_FATAL(co != NULL);
    asy_task *outer = asy_loop_create_task(loop, co, "outer", NULL);
    CHECK_FATAL(outer != NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(outer));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "'done'");
    CHECK_STR_EQ(trace, "start@0 end@1");
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.0, 1e-9);
    CHECK_MSG(work_task != NULL && work_task != outer,
              "the work must run as a task of its own (asy_create_task), not inside cancel_after's task");
    CHECK_MSG(asy_loop_scheduled_count(loop) == 0,
              "%zu callback(s) still scheduled: cancel the timer when the work finishes first",
              asy_loop_scheduled_count(loop));
    asy_result_clear(&r);
    asy_decref(outer);
    done_with(loop);
}

static void test_work_too_slow_is_cancelled(void)
{
    asy_loop *loop = vloop();
    asy_coro *co = cancel_after(job(10, false), 2);
    CHECK_FATAL(co != NULL);
    asy_result r = asy_loop_run_until_complete(loop, co);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(exc_str(&r), "CancelledError");
    CHECK_STR_EQ(trace, "start@0 cancelled@2");
    CHECK_DBL_NEAR(asy_loop_time(loop), 2.0, 1e-9);
    CHECK_FATAL(work_task != NULL);
    CHECK(asy_future_cancelled(&work_task->fut));
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    asy_result_clear(&r);
    done_with(loop);
}

static void test_work_failing(void)
{
    asy_loop *loop = vloop();
    asy_coro *co = cancel_after(job(1, true), 5);
    CHECK_FATAL(co != NULL);
    asy_result r = asy_loop_run_until_complete(loop, co);
    CHECK_STR_EQ(exc_str(&r), "ValueError: job failed");
    CHECK_STR_EQ(trace, "start@0 end@1");
    CHECK_MSG(asy_loop_scheduled_count(loop) == 0,
              "%zu callback(s) still scheduled: cancel the timer when the work fails too (ASY_AWAIT_TRY)",
              asy_loop_scheduled_count(loop));
    asy_result_clear(&r);
    done_with(loop);
}

static asy_exc *cancel_outer(asy_value arg)
{
    asy_task_cancel(asy_value_task(arg), "outer cancelled");
    return NULL;
}

static void test_outer_cancelled(void)
{
    asy_loop *loop = vloop();
    asy_coro *co = cancel_after(job(10, false), 5);
    CHECK_FATAL(co != NULL);
    asy_task *outer = asy_loop_create_task(loop, co, "outer", NULL);
    CHECK_FATAL(outer != NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_outer, asy_task_value(outer), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(outer));
    CHECK(asy_future_cancelled(&outer->fut));
    CHECK_STR_EQ(exc_str(&r), "CancelledError: outer cancelled");
    CHECK_MSG(strcmp(trace, "start@0 cancelled@1") == 0,
              "the work saw \"%s\": cancelling cancel_after must cancel the inner task too, at once", trace);
    CHECK_FATAL(work_task != NULL);
    CHECK(asy_future_cancelled(&work_task->fut));
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.0, 1e-9);
    CHECK_MSG(asy_loop_scheduled_count(loop) == 0,
              "%zu callback(s) still scheduled: cancel the timer when cancel_after itself is cancelled",
              asy_loop_scheduled_count(loop));
    asy_result_clear(&r);
    asy_decref(outer);
    done_with(loop);
}

/* Two in a row on one loop: each deadline is its own. */
static void test_two_in_a_row(void)
{
    asy_loop *loop = vloop();
    asy_result r = asy_loop_run_until_complete(loop, cancel_after(job(1, false), 3));
    CHECK_STR_EQ(ASY_REPR(r.value), "'done'");
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, cancel_after(job(5, false), 1.5));
    CHECK_STR_EQ(exc_str(&r), "CancelledError");
    CHECK_STR_EQ(trace, "start@0 end@1 start@1 cancelled@2.5");
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    asy_result_clear(&r);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"cancel_after(work, 5) builds a coroutine and runs nothing", test_builds_and_runs_nothing},
        {"work done in 1 s with a 5 s deadline: its result, at 1 s, in its own task, nothing left scheduled",
         test_work_finishes_first},
        {"work of 10 s with a 2 s deadline: cancelled at 2 s, CancelledError comes out",
         test_work_too_slow_is_cancelled},
        {"work failing at 1 s: its ValueError comes out, nothing left scheduled", test_work_failing},
        {"cancel_after's own task cancelled at 1 s: the work is cancelled too, nothing left scheduled",
         test_outer_cancelled},
        {"two in a row on one loop: 'done' at 1 s, then cancelled at 2.5 s", test_two_in_a_row},
        {NULL, NULL},
    };
    return check_main("13-cancel_after", tests, argc, argv);
}
