/*
 * test_retry_until.c - tests for exercise 16/retry_until (see
 * retry_until.h), on the virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "retry_until.h"

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
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* How the attempts behave: each takes `duration` seconds; the one numbered
 * `succeed_at` returns "ok <i>", the others raise ValueError. */
typedef struct {
    double duration;
    int succeed_at; /* 0: never */
} plan;

typedef struct {
    asy_coro co;
    int i;
    const plan *p;
} attempt_frame;

static asy_status attempt_body(asy_coro *co)
{
    attempt_frame *f = (attempt_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->p->duration, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("#%d cancelled@%g", f->i, now());
        ASY_RERAISE(co);
    }
    if (f->i != f->p->succeed_at) {
        note("#%d failed@%g", f->i, now());
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "attempt %d failed", f->i));
    }
    note("#%d ok@%g", f->i, now());
    ASY_RETURN(co, asy_strf("ok %d", f->i));
    ASY_END(co);
}

static asy_coro *attempt(int i, void *arg)
{
    attempt_frame *f = ASY_CORO_NEW(attempt_frame, attempt_body, "attempt");
    f->i = i;
    f->p = arg;
    return &f->co;
}

/* Run retry_until in a task; note how it ended. */
static void run(asy_loop *loop, double total, double pause, const plan *p)
{
    asy_task *t = asy_loop_create_task(loop, retry_until(total, pause, attempt, (void *)p), "retry", NULL);
    CHECK_FATAL(t != NULL);
    asy_result r = asy_loop_run_until_complete(loop, t);
    if (r.status == ASY_RETURNED)
        note("-> %s@%g", ASY_REPR(r.value), asy_loop_time(loop));
    else if (r.exc != NULL)
        note("-> %s@%g", ASY_EXC_STR(r.exc), asy_loop_time(loop));
    asy_result_clear(&r);
}

static void test_first_attempt_succeeds(void)
{
    asy_loop *loop = vloop();
    plan p = {0.2, 1};
    run(loop, 5, 0.1, &p);
    CHECK_STR_EQ(trace, "#1 ok@0.2 -> 'ok 1'@0.2");
    done_with(loop); /* the 5 s deadline must be gone */
}

static void test_third_attempt_succeeds_after_pauses(void)
{
    asy_loop *loop = vloop();
    plan p = {0.2, 3};
    run(loop, 5, 0.1, &p);
    CHECK_STR_EQ(trace, "#1 failed@0.2 #2 failed@0.5 #3 ok@0.8 -> 'ok 3'@0.8");
    done_with(loop);
}

static void test_deadline_during_an_attempt(void)
{
    asy_loop *loop = vloop();
    plan p = {0.3, 0};
    run(loop, 1.0, 0.1, &p);
    CHECK_STR_EQ(trace, "#1 failed@0.3 #2 failed@0.7 #3 cancelled@1 -> TimeoutError@1");
    done_with(loop);
}

static void test_deadline_during_a_pause(void)
{
    asy_loop *loop = vloop();
    plan p = {0.3, 0};
    run(loop, 0.35, 0.1, &p);
    CHECK_STR_EQ(trace, "#1 failed@0.3 -> TimeoutError@0.35");
    done_with(loop);
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel@%g", now());
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static void test_outside_cancel_stays_a_cancel(void)
{
    asy_loop *loop = vloop();
    plan p = {0.3, 0};
    asy_task *t = asy_loop_create_task(loop, retry_until(5, 0.1, attempt, &p), "retry", NULL);
    CHECK_FATAL(t != NULL);
    asy_decref(asy_loop_call_later(loop, 0.5, cancel_task, asy_task_value(t), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "(no exception)", "CancelledError");
    CHECK_STR_EQ(trace, "#1 failed@0.3 cancel@0.5 #2 cancelled@0.5");
    asy_result_clear(&r);
    asy_decref(t);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a first attempt that works is returned, and the deadline disarmed", test_first_attempt_succeeds},
        {"failed attempts are retried after a pause: the third works at 0.8 s",
         test_third_attempt_succeeds_after_pauses},
        {"the deadline cancels the attempt in progress: TimeoutError", test_deadline_during_an_attempt},
        {"the deadline can fall in a pause: TimeoutError", test_deadline_during_a_pause},
        {"a cancel from outside stays a CancelledError", test_outside_cancel_stays_a_cancel},
        {NULL, NULL},
    };
    return check_main("retry_until", tests, argc, argv);
}
