/*
 * test_when_all.c - tests for exercise 11-futures/when_all.
 *
 * The inputs are completed by call_later callbacks on a virtual-clock
 * loop; `trace` records, in order, each completion with its loop time and
 * when the when_all future's own done callback ran ("all@0.3"), plus any
 * report that reached the loop's exception handler.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "exc.h"
#include "future.h"
#include "loop.h"
#include "when_all.h"

static char trace[1024];
static double t0;

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

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s: %s]", ctx->message, ctx->exception ? ASY_EXC_STR(ctx->exception) : "-");
}

static asy_loop *vloop(void)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    t0 = asy_loop_time(loop);
    return loop;
}

/* Turn the loop until nothing is scheduled (at most 100 turns). */
static void run_all(asy_loop *loop)
{
    for (int i = 0; i < 100 && asy_loop_scheduled_count(loop) > 0; i++)
        CHECK_NULL(asy_loop_run_once(loop));
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* How a test input ends, and when. */
typedef enum { RESULT, FAIL, CANCEL } outcome;
typedef struct {
    asy_future *fut; /* borrowed from the test */
    outcome how;
    const char *name;
} plan;

static asy_exc *complete(asy_value arg)
{
    plan *p = arg.u.p;
    double t = asy_loop_time(p->fut->loop) - t0;
    switch (p->how) {
    case RESULT:
        note("%s@%.1f", p->name, t);
        return asy_future_set_result(p->fut, asy_str(p->name));
    case FAIL:
        note("%s!@%.1f", p->name, t);
        return asy_future_set_exception(p->fut, asy_exc_new(&asy_ValueError, "%s failed", p->name));
    case CANCEL:
        note("%s-cancelled@%.1f", p->name, t);
        asy_future_cancel(p->fut, NULL);
        return NULL;
    }
    return NULL;
}

static void at(asy_loop *loop, double when, plan *p)
{
    asy_decref(asy_loop_call_later(loop, when, complete, asy_ptr(p), NULL));
}

/* The test's own done callback on the when_all future. */
static asy_exc *all_done(asy_future *fut, asy_value arg)
{
    (void)arg;
    note("all@%.1f", asy_loop_time(fut->loop) - t0);
    return NULL;
}

/* The outcome of a future as text: its result's repr, the exception it
 * raises, or "cancelled". Marks an exception retrieved. */
static const char *outcome_of(asy_future *fut, char *buf, size_t size)
{
    if (asy_future_cancelled(fut))
        return "cancelled";
    asy_value v;
    asy_exc *e = asy_future_result(fut, &v);
    if (e != NULL)
        snprintf(buf, size, "%s", ASY_EXC_STR(e));
    else
        snprintf(buf, size, "%s", ASY_REPR(v));
    asy_decref(e);
    asy_value_decref(v);
    return buf;
}
#define OUTCOME(fut) outcome_of((fut), (char[ASY_FMT_MAX]){0}, ASY_FMT_MAX)

static void make_futures(asy_loop *loop, asy_future **futs, int n)
{
    for (int i = 0; i < n; i++)
        futs[i] = asy_future_new(loop);
}

static void drop_futures(asy_future **futs, int n)
{
    for (int i = 0; i < n; i++)
        asy_decref(futs[i]);
}

static void test_all_results(void)
{
    asy_loop *loop = vloop();
    asy_future *futs[3];
    make_futures(loop, futs, 3);
    plan p[3] = {{futs[0], RESULT, "a"}, {futs[1], RESULT, "b"}, {futs[2], RESULT, "c"}};
    at(loop, 0.2, &p[0]);
    at(loop, 0.3, &p[1]);
    at(loop, 0.1, &p[2]);
    asy_future *all = when_all(loop, futs, 3);
    CHECK_FATAL(all != NULL);
    CHECK_NULL(asy_future_add_done_callback(all, all_done, asy_none()));
    run_all(loop);
    CHECK_STR_EQ(trace, "c@0.1 a@0.2 b@0.3 all@0.3"); /* done with the last one, not before */
    CHECK_STR_EQ(OUTCOME(all), "3");
    asy_decref(all);
    drop_futures(futs, 3);
    done_with(loop);
}

static void test_first_exception(void)
{
    asy_loop *loop = vloop();
    asy_future *futs[3];
    make_futures(loop, futs, 3);
    plan p[3] = {{futs[0], FAIL, "a"}, {futs[1], FAIL, "b"}, {futs[2], RESULT, "c"}};
    at(loop, 0.1, &p[0]);
    at(loop, 0.2, &p[1]);
    at(loop, 0.3, &p[2]);
    asy_future *all = when_all(loop, futs, 3);
    CHECK_FATAL(all != NULL);
    CHECK_NULL(asy_future_add_done_callback(all, all_done, asy_none()));
    run_all(loop);
    CHECK_STR_EQ(OUTCOME(all), "ValueError: a failed");
    asy_decref(all);
    drop_futures(futs, 3); /* b's exception was seen by when_all: no report */
    CHECK_STR_EQ(trace, "a!@0.1 all@0.1 b!@0.2 c@0.3");
    done_with(loop);
}

static void test_cancelled_input(void)
{
    asy_loop *loop = vloop();
    asy_future *futs[3];
    make_futures(loop, futs, 3);
    plan p[3] = {{futs[0], RESULT, "a"}, {futs[1], CANCEL, "b"}, {futs[2], RESULT, "c"}};
    at(loop, 0.2, &p[0]);
    at(loop, 0.1, &p[1]);
    at(loop, 0.3, &p[2]);
    asy_future *all = when_all(loop, futs, 3);
    CHECK_FATAL(all != NULL);
    CHECK_NULL(asy_future_add_done_callback(all, all_done, asy_none()));
    run_all(loop);
    CHECK_STR_EQ(trace, "b-cancelled@0.1 all@0.1 a@0.2 c@0.3");
    CHECK(asy_future_cancelled(all));
    asy_decref(all);
    drop_futures(futs, 3);
    done_with(loop);
}

static void test_cancel_then_exception(void)
{
    asy_loop *loop = vloop();
    asy_future *futs[3];
    make_futures(loop, futs, 3);
    plan p[3] = {{futs[0], CANCEL, "a"}, {futs[1], FAIL, "b"}, {futs[2], CANCEL, "c"}};
    at(loop, 0.1, &p[0]);
    at(loop, 0.2, &p[1]);
    at(loop, 0.3, &p[2]);
    asy_future *all = when_all(loop, futs, 3);
    CHECK_FATAL(all != NULL);
    run_all(loop);
    CHECK(asy_future_cancelled(all)); /* the first to decide wins */
    asy_decref(all);
    drop_futures(futs, 3);
    CHECK_STR_EQ(trace, "a-cancelled@0.1 b!@0.2 c-cancelled@0.3");
    done_with(loop);
}

static void test_already_done(void)
{
    asy_loop *loop = vloop();
    asy_future *futs[2];
    make_futures(loop, futs, 2);
    CHECK_NULL(asy_future_set_result(futs[0], asy_int(1)));
    CHECK_NULL(asy_future_set_result(futs[1], asy_int(2)));
    asy_future *all = when_all(loop, futs, 2);
    CHECK_FATAL(all != NULL);
    CHECK_MSG(!asy_future_done(all), "when_all completed its future inline: %s", OUTCOME(all));
    CHECK_NULL(asy_future_add_done_callback(all, all_done, asy_none()));
    run_all(loop);
    CHECK_STR_EQ(trace, "all@0.0");
    CHECK_STR_EQ(OUTCOME(all), "2");
    asy_decref(all);
    drop_futures(futs, 2);
    done_with(loop);
}

static void test_no_futures(void)
{
    asy_loop *loop = vloop();
    asy_future *all = when_all(loop, NULL, 0);
    CHECK_FATAL(all != NULL);
    CHECK(asy_future_done(all));
    CHECK_STR_EQ(OUTCOME(all), "0");
    asy_decref(all);
    done_with(loop);
}

static void test_pending_input_nothing_leaks(void)
{
    asy_loop *loop = vloop();
    asy_future *futs[2];
    make_futures(loop, futs, 2);
    plan p = {futs[0], RESULT, "a"};
    at(loop, 0.1, &p);
    asy_future *all = when_all(loop, futs, 2);
    CHECK_FATAL(all != NULL);
    run_all(loop);
    CHECK_STR_EQ(trace, "a@0.1");
    CHECK(!asy_future_done(all)); /* b never completes */
    asy_decref(all);
    drop_futures(futs, 2); /* b's callback goes with it, and what it held */
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"three results: finished with 3 when the last one is done (0.3 s), not before", test_all_results},
        {"the first exception finishes it at once; a later one is marked retrieved", test_first_exception},
        {"a cancelled input cancels the when_all future at once", test_cancelled_input},
        {"the first input to decide wins (cancelled, then an exception)", test_cancel_then_exception},
        {"inputs done already: completed at the next turn, never inside when_all", test_already_done},
        {"no futures: returned finished with 0", test_no_futures},
        {"an input that never completes keeps it pending; dropping everything leaks nothing",
         test_pending_input_nothing_leaks},
        {NULL, NULL},
    };
    return check_main("when_all", tests, argc, argv);
}
