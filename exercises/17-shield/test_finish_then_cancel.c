/*
 * test_finish_then_cancel.c - tests for exercise 17/finish_then_cancel
 * (see finish_then_cancel.h), on the virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "finish_then_cancel.h"

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
    CHECK_FATAL(loop != NULL);
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

/* async def save(fail): write for 3 s; note; return "saved" or raise */
typedef struct {
    asy_coro co;
    bool fail;
} save_frame;

static asy_status save_body(asy_coro *co)
{
    save_frame *f = (save_frame *)co;
    ASY_BEGIN(co);
    note("save start@%g", now());
    ASY_AWAIT_TRY(co, asy_sleep(3, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("save CUT@%g", now());
        ASY_RERAISE(co);
    }
    note("save end@%g", now());
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_OSError, "disk full"));
    ASY_RETURN(co, asy_str("saved"));
    ASY_END(co);
}

static asy_coro *save(bool fail)
{
    save_frame *f = ASY_CORO_NEW(save_frame, save_body, "save");
    f->fail = fail;
    return &f->co;
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel@%g", now());
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

/* Run finish_then_cancel(save(fail)) in a task, cancelled at `cancel_at`
 * (if > 0); note how it ended. */
static void run(bool fail, double cancel_at, const char *expected)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, finish_then_cancel(save(fail)), "ftc", NULL);
    CHECK_FATAL(t != NULL);
    if (cancel_at > 0)
        asy_decref(asy_loop_call_later(loop, cancel_at, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    if (r.status == ASY_RETURNED)
        note("-> %s@%g", ASY_REPR(r.value), asy_loop_time(loop));
    else if (r.exc != NULL)
        note("-> %s@%g", ASY_EXC_STR(r.exc), asy_loop_time(loop));
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_sleep(5, asy_none())); /* let anything left run */
    asy_result_clear(&r);
    asy_decref(t);
    CHECK_STR_EQ(trace, expected);
    done_with(loop);
}

static void test_no_cancel_gives_the_result(void) { run(false, 0, "save start@0 save end@3 -> 'saved'@3"); }

static void test_no_cancel_gives_the_error(void) { run(true, 0, "save start@0 save end@3 -> OSError: disk full@3"); }

static void test_cancel_waits_for_the_critical_part(void)
{
    /* cancelled at 1 s: the save is not cut, and the task ends cancelled
     * only when the save is done, at 3 s */
    run(false, 1, "save start@0 cancel@1 save end@3 -> CancelledError@3");
}

static void test_cancel_then_failure_is_still_a_cancel(void)
{
    run(true, 1, "save start@0 cancel@1 save end@3 -> CancelledError@3");
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"without a cancel, the critical part's result comes back", test_no_cancel_gives_the_result},
        {"without a cancel, the critical part's error comes back", test_no_cancel_gives_the_error},
        {"a cancel at 1 s waits for the critical part (3 s), then cancels", test_cancel_waits_for_the_critical_part},
        {"a cancel, then a failing critical part: still CancelledError, nothing reported",
         test_cancel_then_failure_is_still_a_cancel},
        {NULL, NULL},
    };
    return check_main("finish_then_cancel", tests, argc, argv);
}
