/*
 * test_wait_first.c - tests for exercise 15/wait_first (see wait_first.h),
 * on the virtual clock: futures completed by timers, the first one's
 * index, a timeout, and nothing left behind (no timer, no callback).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "wait_first.h"

static asy_loop *vloop(void)
{
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static asy_exc *resolve(asy_value arg)
{
    asy_future *f = asy_value_future(arg);
    if (!asy_future_done(f))
        asy_decref(asy_future_set_result(f, asy_str("done")));
    return NULL;
}

static asy_exc *fail(asy_value arg)
{
    asy_decref(asy_future_set_exception(asy_value_future(arg), asy_exc_new(&asy_ValueError, "x")));
    return NULL;
}

static asy_exc *cancel(asy_value arg)
{
    asy_future_cancel(asy_value_future(arg), NULL);
    return NULL;
}

/* Run wait_first and return its value (-2 if it raised); *when = loop time. */
static long long run_wait_first(asy_loop *loop, size_t n, asy_future **futs, double timeout, double *when)
{
    asy_coro *co = wait_first(n, futs, timeout);
    if (co == NULL)
        return -3;
    asy_result r = asy_loop_run_until_complete(loop, co);
    long long index = r.status == ASY_RETURNED && r.value.kind == ASY_INT ? r.value.u.i : -2;
    if (r.status == ASY_RAISED)
        printf("    wait_first raised %s\n", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
    *when = asy_loop_time(loop);
    return index;
}

static void finish(asy_loop *loop, asy_future **futs, size_t n)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(100, asy_none()));
    asy_result_clear(&r);
    for (size_t i = 0; i < n; i++) {
        asy_value v;
        asy_exc *e = asy_future_result(futs[i], &v); /* look, so nothing is reported */
        asy_decref(e);
        asy_value_decref(v);
        asy_decref(futs[i]);
    }
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_index_of_the_first_to_complete(void)
{
    asy_loop *loop = vloop();
    asy_future *f[3] = {asy_future_new(loop), asy_future_new(loop), asy_future_new(loop)};
    asy_decref(asy_loop_call_later(loop, 3, resolve, asy_future_value(f[0]), NULL));
    asy_decref(asy_loop_call_later(loop, 1, resolve, asy_future_value(f[1]), NULL));
    asy_decref(asy_loop_call_later(loop, 2, resolve, asy_future_value(f[2]), NULL));
    double when = 0;
    CHECK_INT_EQ(run_wait_first(loop, 3, f, 10, &when), 1);
    CHECK_DBL_NEAR(when, 1.0, 1e-9);
    CHECK(!asy_future_done(f[0]) && !asy_future_cancelled(f[0])); /* nothing cancelled */
    finish(loop, f, 3);
}

static void test_failure_and_cancellation_count_as_completion(void)
{
    asy_loop *loop = vloop();
    asy_future *f[2] = {asy_future_new(loop), asy_future_new(loop)};
    asy_decref(asy_loop_call_later(loop, 2, resolve, asy_future_value(f[0]), NULL));
    asy_decref(asy_loop_call_later(loop, 1, fail, asy_future_value(f[1]), NULL));
    double when = 0;
    CHECK_INT_EQ(run_wait_first(loop, 2, f, 10, &when), 1);
    finish(loop, f, 2);

    loop = vloop();
    asy_future *g[2] = {asy_future_new(loop), asy_future_new(loop)};
    asy_decref(asy_loop_call_later(loop, 1, cancel, asy_future_value(g[0]), NULL));
    asy_decref(asy_loop_call_later(loop, 2, resolve, asy_future_value(g[1]), NULL));
    CHECK_INT_EQ(run_wait_first(loop, 2, g, 10, &when), 0);
    finish(loop, g, 2);
}

static void test_timeout_gives_minus_one(void)
{
    asy_loop *loop = vloop();
    asy_future *f[2] = {asy_future_new(loop), asy_future_new(loop)};
    asy_decref(asy_loop_call_later(loop, 5, resolve, asy_future_value(f[0]), NULL));
    double when = 0;
    CHECK_INT_EQ(run_wait_first(loop, 2, f, 1.5, &when), -1);
    CHECK_DBL_NEAR(when, 1.5, 1e-9);
    CHECK(!asy_future_cancelled(f[0]) && !asy_future_cancelled(f[1])); /* a timeout cancels nothing */
    finish(loop, f, 2);
}

static void test_leaves_nothing_behind(void)
{
    asy_loop *loop = vloop();
    asy_future *f[2] = {asy_future_new(loop), asy_future_new(loop)};
    asy_decref(asy_loop_call_later(loop, 1, resolve, asy_future_value(f[0]), NULL));
    double when = 0;
    CHECK_INT_EQ(run_wait_first(loop, 2, f, 60, &when), 0);
    CHECK_INT_EQ(f[1]->ncbs, 0);                     /* its callback was removed */
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0); /* its timer was cancelled */
    finish(loop, f, 2);
}

static void test_done_already_the_first_in_order(void)
{
    asy_loop *loop = vloop();
    asy_future *f[3] = {asy_future_new(loop), asy_future_new(loop), asy_future_new(loop)};
    asy_decref(asy_future_set_result(f[1], asy_int(1)));
    asy_decref(asy_future_set_result(f[2], asy_int(2)));
    double when = -1;
    CHECK_INT_EQ(run_wait_first(loop, 3, f, 10, &when), 1);
    CHECK_DBL_NEAR(when, 0.0, 1e-9);
    finish(loop, f, 3);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the index of the first future to complete; nothing cancelled", test_index_of_the_first_to_complete},
        {"a failure or a cancellation counts as completing", test_failure_and_cancellation_count_as_completion},
        {"a timeout gives -1 and cancels nothing", test_timeout_gives_minus_one},
        {"it leaves no callback and no timer behind", test_leaves_nothing_behind},
        {"futures done already: the first of them in order", test_done_already_the_first_in_order},
        {NULL, NULL},
    };
    return check_main("wait_first", tests, argc, argv);
}
