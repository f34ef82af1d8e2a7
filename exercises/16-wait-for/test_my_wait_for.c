/*
 * test_my_wait_for.c - tests for exercise 16/my_wait_for (see
 * my_wait_for.h), on the virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "my_wait_for.h"

static char trace[512];

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

static asy_loop *vloop(void)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0); /* the timer is gone */
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* async def job(duration, fail, cleanup):
 *     try: await sleep(duration)
 *     except CancelledError: note; await sleep(cleanup); note; raise
 *     if fail: raise ValueError("job failed")
 *     return "done"                                                       */
typedef struct {
    asy_coro co;
    double duration, cleanup;
    bool fail;
    asy_exc *cancelled;
} job_frame;

static asy_status job_body(asy_coro *co)
{
    job_frame *f = (job_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->duration, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("cancelled@%g", now());
        f->cancelled = ASY_CATCH(co);
        if (f->cleanup > 0) {
            ASY_AWAIT(co, asy_sleep(f->cleanup, asy_none()));
        }
        note("cleaned@%g", now());
        {
            asy_exc *e = f->cancelled;
            f->cancelled = NULL;
            ASY_RAISE(co, e);
        }
    }
    note("end@%g", now());
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "job failed"));
    ASY_RETURN(co, asy_str("done"));
    ASY_END(co);
}

static void job_clear(asy_gen *g)
{
    job_frame *f = (job_frame *)g;
    asy_decref(f->cancelled);
    f->cancelled = NULL;
}

static asy_task *job(asy_loop *loop, double duration, bool fail, double cleanup)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->duration = duration;
    f->fail = fail;
    f->cleanup = cleanup;
    asy_gen_set_clear(&f->co, job_clear);
    return asy_loop_create_task(loop, &f->co, "job", NULL);
}

/* Run my_wait_for(task, timeout) to its end; note how it ended. */
static void run(asy_loop *loop, asy_task *task, double timeout)
{
    asy_result r = asy_loop_run_until_complete(loop, my_wait_for(task, timeout));
    if (r.status == ASY_RETURNED) {
        note("-> %s@%g", ASY_REPR(r.value), asy_loop_time(loop));
    } else if (r.exc != NULL) {
        note("-> %s%s%s@%g", ASY_EXC_STR(r.exc), r.exc->cause ? " from " : "",
             r.exc->cause ? ASY_EXC_STR(r.exc->cause) : "", asy_loop_time(loop));
    }
    asy_result_clear(&r);
}

static void test_result_before_the_deadline(void)
{
    asy_loop *loop = vloop();
    run(loop, job(loop, 0.5, false, 0), 1.0);
    CHECK_STR_EQ(trace, "end@0.5 -> 'done'@0.5");
    done_with(loop);
}

static void test_error_before_the_deadline(void)
{
    asy_loop *loop = vloop();
    run(loop, job(loop, 0.5, true, 0), 1.0);
    CHECK_STR_EQ(trace, "end@0.5 -> ValueError: job failed@0.5");
    done_with(loop);
}

static void test_deadline_cancels_and_raises_timeout_error(void)
{
    asy_loop *loop = vloop();
    asy_task *t = job(loop, 3600, false, 0);
    run(loop, asy_incref(t), 1.0);
    CHECK_STR_EQ(trace, "cancelled@1 cleaned@1 -> TimeoutError from CancelledError@1");
    CHECK(asy_future_cancelled(&t->fut));
    asy_decref(t);
    done_with(loop);
}

static void test_waits_for_the_cleanup(void)
{
    asy_loop *loop = vloop();
    run(loop, job(loop, 3600, false, 0.5), 1.0);
    /* TimeoutError only once the task has really finished */
    CHECK_STR_EQ(trace, "cancelled@1 cleaned@1.5 -> TimeoutError from CancelledError@1.5");
    done_with(loop);
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel@%g", now());
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static void test_cancelling_my_wait_for_cancels_the_task(void)
{
    asy_loop *loop = vloop();
    asy_task *inner = job(loop, 10, false, 0);
    asy_task *outer = asy_loop_create_task(loop, my_wait_for(asy_incref(inner), 5.0), "outer", NULL);
    asy_decref(asy_loop_call_later(loop, 2, cancel_task, asy_task_value(outer), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(outer));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "CancelledError");
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_incref(inner));
    asy_result_clear(&r);
    CHECK(asy_future_cancelled(&inner->fut));
    CHECK_STR_EQ(trace, "cancel@2 cancelled@2 cleaned@2");
    CHECK_MSG(asy_loop_time(loop) < 5, "the 5 s timer should have been cancelled (loop time %g)", asy_loop_time(loop));
    asy_decref(inner);
    asy_decref(outer);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a task that finishes before the deadline gives its result", test_result_before_the_deadline},
        {"a task that fails before the deadline gives its error", test_error_before_the_deadline},
        {"at the deadline the task is cancelled: TimeoutError from CancelledError",
         test_deadline_cancels_and_raises_timeout_error},
        {"TimeoutError comes only after the task's cleanup has finished", test_waits_for_the_cleanup},
        {"cancelling my_wait_for cancels the task", test_cancelling_my_wait_for_cancels_the_task},
        {NULL, NULL},
    };
    return check_main("my_wait_for", tests, argc, argv);
}
