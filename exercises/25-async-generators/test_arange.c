/*
 * test_arange.c - tests for exercise 25/arange (see arange.h), on the
 * virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arange.h"
#include "check.h"
#include "task.h"

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

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s]", ctx->message);
}

static asy_loop *vloop(void)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* async def drive(ag, ops): n = anext, c = aclose; each outcome noted with
 * the loop time: "2@1" a value, "Stop@3" StopAsyncIteration, "closed@2". */
typedef struct {
    asy_coro co;
    asy_asyncgen *ag; /* owned */
    const char *ops;
    int k;
} drive_frame;

static asy_status drive_body(asy_coro *co)
{
    drive_frame *f = (drive_frame *)co;
    ASY_BEGIN(co);
    for (f->k = 0; f->ops[f->k] != '\0'; f->k++) {
        ASY_AWAIT_TRY(co, f->ops[f->k] == 'c' ? asy_aclose(f->ag) : asy_anext(f->ag));
        if (ASY_EXC(co) != NULL) {
            if (asy_exc_is(ASY_EXC(co), &asy_StopAsyncIteration)) {
                asy_decref(ASY_CATCH(co));
                note("Stop@%g", now());
                continue;
            }
            note("%s@%g", ASY_EXC(co)->type->name, now());
            ASY_RERAISE(co);
        }
        if (f->ops[f->k] == 'c')
            note("closed@%g", now());
        else
            note("%s@%g", ASY_STR(ASY_SENT(co)), now());
    }
    ASY_END(co);
}

static void drive_clear(asy_gen *g)
{
    drive_frame *f = (drive_frame *)g;
    asy_decref(f->ag);
    f->ag = NULL;
}

/* Steals ag. */
static asy_task *drive(asy_loop *loop, asy_asyncgen *ag, const char *ops)
{
    drive_frame *f = ASY_CORO_NEW(drive_frame, drive_body, "drive");
    f->ag = ag;
    f->ops = ops;
    asy_gen_set_clear(&f->co, drive_clear);
    asy_task *t = asy_loop_create_task(loop, &f->co, "drive", NULL);
    CHECK_FATAL(t != NULL);
    return t;
}

static void run_ok(asy_loop *loop, asy_task *t)
{
    asy_result r = asy_loop_run_until_complete(loop, t);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    if (r.status == ASY_RAISED)
        CHECK_STR_EQ(ASY_EXC_STR(r.exc), "(no exception)");
    asy_result_clear(&r);
}

static void test_values_after_each_delay_then_cleanup(void)
{
    asy_loop *loop = vloop();
    arange_log log = {0, 0};
    run_ok(loop, drive(loop, arange(2, 5, 1.0, &log), "nnnnn"));
    CHECK_STR_EQ(trace, "2@1 3@2 4@3 Stop@3 Stop@3");
    CHECK_INT_EQ(log.closed, 1);
    CHECK_DBL_NEAR(log.closed_at, 3.0, 1e-9);
    done_with(loop);
}

static void test_aclose_runs_the_cleanup_once(void)
{
    asy_loop *loop = vloop();
    arange_log log = {0, 0};
    run_ok(loop, drive(loop, arange(0, 10, 0.5, &log), "nncnc"));
    CHECK_STR_EQ(trace, "0@0.5 1@1 closed@1 Stop@1 closed@1");
    CHECK_INT_EQ(log.closed, 1);
    CHECK_DBL_NEAR(log.closed_at, 1.0, 1e-9);
    done_with(loop);
}

static void test_empty_range(void)
{
    asy_loop *loop = vloop();
    arange_log log = {0, 0};
    run_ok(loop, drive(loop, arange(5, 5, 1.0, &log), "nn"));
    CHECK_STR_EQ(trace, "Stop@0 Stop@0");
    CHECK_INT_EQ(log.closed, 1);
    done_with(loop);
}

static void test_aclose_before_the_start_runs_nothing(void)
{
    asy_loop *loop = vloop();
    arange_log log = {0, 0};
    run_ok(loop, drive(loop, arange(0, 3, 1.0, &log), "cn"));
    CHECK_STR_EQ(trace, "closed@0 Stop@0");
    CHECK_INT_EQ(log.closed, 0);
    done_with(loop);
}

static void test_cancelled_in_a_sleep(void)
{
    asy_loop *loop = vloop();
    arange_log log = {0, 0};
    asy_asyncgen *ag = arange(0, 3, 1.0, &log);
    asy_task *t = drive(loop, asy_incref(ag), "nn");
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(1.5, asy_none()));
    asy_result_clear(&r);
    CHECK(asy_task_cancel(t, NULL));
    r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RAISED); /* the CancelledError came out of anext */
    CHECK(asy_future_cancelled(&t->fut));
    asy_result_clear(&r);
    CHECK_INT_EQ(log.closed, 1);
    CHECK_DBL_NEAR(log.closed_at, 1.5, 1e-9);
    run_ok(loop, drive(loop, ag, "n")); /* finished now */
    CHECK_STR_EQ(trace, "0@1 CancelledError@1.5 Stop@1.5");
    asy_decref(t);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"values after each delay, then the cleanup once", test_values_after_each_delay_then_cleanup},
        {"aclose at a yield runs the cleanup once", test_aclose_runs_the_cleanup_once},
        {"an empty range yields nothing and cleans up", test_empty_range},
        {"aclose before the first anext runs nothing", test_aclose_before_the_start_runs_nothing},
        {"cancelled in the middle of a sleep: cleanup, CancelledError", test_cancelled_in_a_sleep},
        {NULL, NULL},
    };
    return check_main("arange", tests, argc, argv);
}
