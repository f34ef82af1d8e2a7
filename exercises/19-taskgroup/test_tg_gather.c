/*
 * test_tg_gather.c - tests for exercise 19/tg_gather (see tg_gather.h), on
 * the virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "tg_gather.h"

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

/* async def fetch(name, delay, fail): sleep; note; return name.upper() or raise */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    bool fail;
} fetch_frame;

static asy_status fetch_body(asy_coro *co)
{
    fetch_frame *f = (fetch_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("%s cancelled@%g", f->name, now());
        ASY_RERAISE(co);
    }
    if (f->fail) {
        note("%s fails@%g", f->name, now());
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    }
    note("%s@%g", f->name, now());
    ASY_RETURN(co, asy_strf("got %s", f->name));
    ASY_END(co);
}

static asy_coro *fetch(const char *name, double delay, bool fail)
{
    fetch_frame *f = ASY_CORO_NEW(fetch_frame, fetch_body, "fetch");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    return &f->co;
}

static asy_result run(asy_loop *loop, size_t n, asy_coro **coros, asy_value *results)
{
    asy_task *t = asy_loop_create_task(loop, tg_gather(n, coros, results), "tg_gather", NULL);
    CHECK_FATAL(t != NULL);
    return asy_loop_run_until_complete(loop, t);
}

static void test_all_succeed_in_the_time_of_the_slowest(void)
{
    asy_loop *loop = vloop();
    asy_coro *coros[3] = {fetch("a", 3, false), fetch("b", 1, false), fetch("c", 2, false)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    asy_result r = run(loop, 3, coros, results);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "3");
    CHECK_STR_EQ(trace, "b@1 c@2 a@3"); /* side by side: done after 3 s, not 6 */
    CHECK_DBL_NEAR(asy_loop_time(loop), 3.0, 1e-9);
    CHECK_STR_EQ(ASY_REPR(results[0]), "'got a'"); /* in argument order */
    CHECK_STR_EQ(ASY_REPR(results[1]), "'got b'");
    CHECK_STR_EQ(ASY_REPR(results[2]), "'got c'");
    asy_result_clear(&r);
    for (int i = 0; i < 3; i++)
        asy_value_clear(&results[i]);
    done_with(loop);
}

static void test_a_failure_cancels_the_rest_and_raises_a_group(void)
{
    asy_loop *loop = vloop();
    asy_coro *coros[3] = {fetch("a", 3, false), fetch("b", 1, true), fetch("c", 2, false)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    asy_result r = run(loop, 3, coros, results);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)");
    CHECK_STR_EQ(r.exc ? ASY_EXC_GROUP_REPR(r.exc) : "",
                 "ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('b')])");
    CHECK_STR_EQ(trace, "b fails@1 a cancelled@1 c cancelled@1");
    CHECK(asy_is_none(results[0]) && asy_is_none(results[1]) && asy_is_none(results[2]));
    asy_result_clear(&r);
    for (int i = 0; i < 3; i++)
        asy_value_clear(&results[i]);
    done_with(loop);
}

static void test_two_failures_are_both_in_the_group(void)
{
    asy_loop *loop = vloop();
    asy_coro *coros[3] = {fetch("a", 1, true), fetch("b", 1, true), fetch("c", 2, false)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    asy_result r = run(loop, 3, coros, results);
    CHECK_STR_EQ(r.exc ? ASY_EXC_GROUP_REPR(r.exc) : "",
                 "ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('a'), ValueError('b')])");
    CHECK_STR_EQ(trace, "a fails@1 b fails@1 c cancelled@1");
    asy_result_clear(&r);
    for (int i = 0; i < 3; i++)
        asy_value_clear(&results[i]);
    done_with(loop);
}

static void test_no_coroutines(void)
{
    asy_loop *loop = vloop();
    asy_result r = run(loop, 0, NULL, NULL);
    CHECK_STR_EQ(r.status == ASY_RETURNED ? ASY_REPR(r.value) : "raised", "0");
    asy_result_clear(&r);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"all succeed: results in order, in the time of the slowest (3 s, not 6)",
         test_all_succeed_in_the_time_of_the_slowest},
        {"a failure cancels the others and raises an ExceptionGroup", test_a_failure_cancels_the_rest_and_raises_a_group},
        {"two failures in the same turn are both in the group", test_two_failures_are_both_in_the_group},
        {"no coroutines at all: returns 0", test_no_coroutines},
        {NULL, NULL},
    };
    return check_main("tg_gather", tests, argc, argv);
}
