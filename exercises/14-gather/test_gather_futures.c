/*
 * test_gather_futures.c - tests for exercise 14/gather_futures (see
 * gather_futures.h). The futures are completed by timers on the virtual
 * clock; each test runs the loop for a fixed time (never "until done", so
 * an unfinished gather fails instead of hanging) and then looks.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "gather_futures.h"
#include "task.h"

static char reports[512]; /* what the loop's exception handler saw */

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    size_t n = strlen(reports);
    snprintf(reports + n, sizeof reports - n, "[%s]", ctx->message);
}

static asy_loop *vloop(void)
{
    reports[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

/* Let `seconds` of loop time pass. */
static void run_for(asy_loop *loop, double seconds)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(seconds, asy_none()));
    asy_result_clear(&r);
}

static void done_with(asy_loop *loop)
{
    run_for(loop, 100); /* let every timer and callback go */
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_STR_EQ(reports, ""); /* no "exception was never retrieved" */
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Timers that complete a future: arg is [future, value-or-exception]. */
static asy_exc *complete(asy_value arg)
{
    asy_list *l = asy_value_list(arg);
    asy_future *f = asy_value_future(asy_list_get(l, 0));
    asy_value v = asy_list_get(l, 1);
    if (asy_value_exc(v) != NULL)
        asy_decref(asy_future_set_exception(f, asy_incref(asy_value_exc(v))));
    else if (asy_is_none(v))
        asy_future_cancel(f, NULL);
    else
        asy_decref(asy_future_set_result(f, asy_value_incref(v)));
    return NULL;
}

/* At `when`, complete f with v (stolen): a value, an exception value, or
 * None for "cancel it". */
static void at(asy_loop *loop, double when, asy_future *f, asy_value v)
{
    asy_list *l = asy_list_new();
    asy_list_append(l, asy_future_value(f));
    asy_list_append(l, v);
    asy_decref(asy_loop_call_at(loop, when, complete, asy_obj_value(l), NULL));
}

static asy_value error(const char *msg)
{
    asy_exc *e = asy_exc_new(&asy_ValueError, "%s", msg);
    asy_value v = asy_exc_value(e);
    asy_decref(e);
    return v;
}

/* outer's outcome as text: "pending", "[1, 2]" or "ValueError: x" */
static const char *outcome(asy_future *outer, char *buf, size_t size)
{
    if (outer == NULL)
        return snprintf(buf, size, "NULL"), buf;
    if (!asy_future_done(outer))
        return snprintf(buf, size, "pending"), buf;
    asy_value v = asy_none();
    asy_exc *e = asy_future_result(outer, &v);
    if (e != NULL)
        snprintf(buf, size, "%s", ASY_EXC_STR(e));
    else
        snprintf(buf, size, "%s", ASY_STR(v));
    asy_decref(e);
    asy_value_decref(v);
    return buf;
}
#define OUTCOME(f) outcome((f), (char[128]){0}, 128)

static void test_results_in_the_order_given(void)
{
    asy_loop *loop = vloop();
    asy_future *f[3] = {asy_future_new(loop), asy_future_new(loop), asy_future_new(loop)};
    at(loop, 3, f[0], asy_int(1)); /* the first one finishes last */
    at(loop, 1, f[1], asy_int(2));
    at(loop, 2, f[2], asy_int(3));
    asy_future *outer = gather_futures(loop, 3, f);
    CHECK_FATAL(outer != NULL);
    run_for(loop, 2.5);
    CHECK_STR_EQ(OUTCOME(outer), "pending"); /* f[0] is not done yet */
    run_for(loop, 1);
    CHECK_STR_EQ(OUTCOME(outer), "[1, 2, 3]");
    for (int i = 0; i < 3; i++)
        asy_decref(f[i]);
    asy_decref(outer);
    done_with(loop);
}

static void test_first_failure_wins_at_once_nothing_cancelled(void)
{
    asy_loop *loop = vloop();
    asy_future *f[3] = {asy_future_new(loop), asy_future_new(loop), asy_future_new(loop)};
    at(loop, 3, f[0], asy_int(1));
    at(loop, 1, f[1], error("first"));
    at(loop, 2, f[2], error("second")); /* fails later: marked retrieved, not reported */
    asy_future *outer = gather_futures(loop, 3, f);
    CHECK_FATAL(outer != NULL);
    run_for(loop, 1.5);
    CHECK_STR_EQ(OUTCOME(outer), "ValueError: first");
    CHECK(!asy_future_cancelled(f[0]) && !asy_future_done(f[0])); /* left alone */
    run_for(loop, 2);
    CHECK_STR_EQ(OUTCOME(outer), "ValueError: first");
    CHECK_STR_EQ(OUTCOME(f[0]), "1");
    for (int i = 0; i < 3; i++)
        asy_decref(f[i]);
    asy_decref(outer);
    done_with(loop);
}

static void test_a_cancelled_child_is_a_cancelled_error(void)
{
    asy_loop *loop = vloop();
    asy_future *f[2] = {asy_future_new(loop), asy_future_new(loop)};
    at(loop, 1, f[0], asy_none()); /* cancelled */
    at(loop, 2, f[1], asy_str("ok"));
    asy_future *outer = gather_futures(loop, 2, f);
    CHECK_FATAL(outer != NULL);
    run_for(loop, 1.5);
    CHECK_STR_EQ(OUTCOME(outer), "CancelledError");
    asy_decref(f[0]);
    asy_decref(f[1]);
    asy_decref(outer);
    done_with(loop);
}

static void test_nothing_to_gather_is_done_at_once(void)
{
    asy_loop *loop = vloop();
    asy_future *outer = gather_futures(loop, 0, NULL);
    CHECK_FATAL(outer != NULL);
    CHECK_STR_EQ(OUTCOME(outer), "[]");
    asy_decref(outer);
    done_with(loop);
}

static void test_same_future_twice(void)
{
    asy_loop *loop = vloop();
    asy_future *x = asy_future_new(loop), *y = asy_future_new(loop);
    asy_future *f[3] = {x, y, x};
    at(loop, 1, x, asy_str("x"));
    at(loop, 2, y, asy_str("y"));
    asy_future *outer = gather_futures(loop, 3, f);
    CHECK_FATAL(outer != NULL);
    run_for(loop, 3);
    CHECK_STR_EQ(OUTCOME(outer), "['x', 'y', 'x']");
    asy_decref(x);
    asy_decref(y);
    asy_decref(outer);
    done_with(loop);
}

static void test_futures_done_before_the_call(void)
{
    asy_loop *loop = vloop();
    asy_future *f[2] = {asy_future_new(loop), asy_future_new(loop)};
    asy_decref(asy_future_set_result(f[0], asy_int(10)));
    asy_decref(asy_future_set_result(f[1], asy_int(20)));
    asy_future *outer = gather_futures(loop, 2, f);
    CHECK_FATAL(outer != NULL);
    CHECK_STR_EQ(OUTCOME(outer), "pending"); /* callbacks run at the next turn, never inline */
    run_for(loop, 0);
    CHECK_STR_EQ(OUTCOME(outer), "[10, 20]");
    asy_decref(f[0]);
    asy_decref(f[1]);
    asy_decref(outer);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"results come in the order given, after the last one", test_results_in_the_order_given},
        {"the first failure completes it at once; nothing is cancelled; later ones are not reported",
         test_first_failure_wins_at_once_nothing_cancelled},
        {"a cancelled future makes it fail with CancelledError", test_a_cancelled_child_is_a_cancelled_error},
        {"gathering nothing gives [] at once", test_nothing_to_gather_is_done_at_once},
        {"the same future twice: its result appears twice", test_same_future_twice},
        {"futures done before the call: [10, 20] after one turn", test_futures_done_before_the_call},
        {NULL, NULL},
    };
    return check_main("gather_futures", tests, argc, argv);
}
