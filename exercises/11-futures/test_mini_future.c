/*
 * test_mini_future.c - tests for exercise 11-futures/mini_future.
 *
 * Every test runs loop turns by hand on a virtual-clock loop and records
 * what the callbacks saw, in order, in `trace`. A turn is only run when
 * something is scheduled (a turn of an empty loop would wait forever).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "exc.h"
#include "loop.h"
#include "mini_future.h"

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
    return loop;
}

/* One turn, if anything is scheduled. */
static void turn(asy_loop *loop)
{
    if (asy_loop_scheduled_count(loop) > 0)
        CHECK_NULL(asy_loop_run_once(loop));
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0); /* nothing left scheduled */
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0); /* nothing leaked */
}

static const char *state_name(mini_state s)
{
    return s == MINI_PENDING ? "pending" : s == MINI_FINISHED ? "finished" : "cancelled";
}

/* A done callback noting its argument and the state it sees. */
static asy_exc *record(mini_future *fut, asy_value arg)
{
    note("%s:%s", ASY_STR(arg), state_name(fut->state));
    return NULL;
}

/* A loop callback (for call_soon in the tests). */
static asy_exc *say(asy_value arg)
{
    note("%s", ASY_STR(arg));
    return NULL;
}

static void test_call_soon(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    mini_callback cb = {record, asy_str("x")};
    mini_future_call_soon(&fut, cb);
    CHECK_STR_EQ(trace, "");                          /* not now */
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 1);  /* but scheduled */
    turn(loop);
    CHECK_STR_EQ(trace, "x:pending");                 /* at the next turn */
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_set_result_once(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    CHECK(mini_future_set_result(&fut, asy_str("first")));
    CHECK_INT_EQ(fut.state, MINI_FINISHED);
    CHECK_STR_EQ(ASY_STR(fut.result), "first");
    CHECK(!mini_future_set_result(&fut, asy_str("second"))); /* must release "second" */
    CHECK_STR_EQ(ASY_STR(fut.result), "first");
    CHECK(!mini_future_cancel(&fut));
    CHECK_INT_EQ(fut.state, MINI_FINISHED);
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_never_inline(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("A")));
    CHECK_STR_EQ(trace, "");
    CHECK(mini_future_set_result(&fut, asy_int(42)));
    CHECK_MSG(trace[0] == '\0', "the callback ran inside set_result: trace is \"%s\"", trace);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 1);
    turn(loop);
    CHECK_STR_EQ(trace, "A:finished");
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_order_and_args(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("1")));
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("2")));
    CHECK(mini_future_add_done_callback(&fut, record, asy_int(3)));
    CHECK(mini_future_set_result(&fut, asy_none()));
    turn(loop); /* all three in the same turn, oldest first */
    CHECK_STR_EQ(trace, "1:finished 2:finished 3:finished");
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_added_when_done(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    CHECK(mini_future_set_result(&fut, asy_int(1)));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("before"), NULL));
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("late")));
    CHECK_MSG(trace[0] == '\0', "the callback ran inside add_done_callback: trace is \"%s\"", trace);
    asy_decref(asy_loop_call_soon(loop, say, asy_str("after"), NULL));
    turn(loop);
    CHECK_STR_EQ(trace, "before late:finished after"); /* call_soon order */
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_cancel(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("A")));
    CHECK(mini_future_cancel(&fut));
    CHECK(!mini_future_cancel(&fut));
    CHECK_INT_EQ(fut.state, MINI_CANCELLED);
    CHECK(!mini_future_set_result(&fut, asy_str("too late")));
    CHECK_INT_EQ(fut.state, MINI_CANCELLED);
    CHECK_STR_EQ(trace, "");
    turn(loop);
    CHECK_STR_EQ(trace, "A:cancelled");
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_runs_once(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("A")));
    CHECK(mini_future_set_result(&fut, asy_none()));
    CHECK_INT_EQ(fut.ncallbacks, 0); /* handed to the loop: the future forgets them */
    turn(loop);
    turn(loop);
    CHECK(!mini_future_cancel(&fut));
    turn(loop);
    CHECK_STR_EQ(trace, "A:finished");
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_full(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    for (int i = 1; i <= MINI_MAX_CALLBACKS; i++)
        CHECK(mini_future_add_done_callback(&fut, record, asy_strf("%d", i)));
    CHECK(!mini_future_add_done_callback(&fut, record, asy_str("one too many"))); /* released */
    CHECK(mini_future_set_result(&fut, asy_none()));
    turn(loop);
    CHECK_STR_EQ(trace, "1:finished 2:finished 3:finished 4:finished");
    mini_future_clear(&fut);
    done_with(loop);
}

static void test_clear(void)
{
    asy_loop *loop = vloop();
    mini_future fut;
    mini_future_init(&fut, loop);
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("never run 1")));
    CHECK(mini_future_add_done_callback(&fut, record, asy_str("never run 2")));
    mini_future_clear(&fut); /* still pending: the args are released here */
    CHECK_INT_EQ(fut.ncallbacks, 0);
    mini_future f2;
    mini_future_init(&f2, loop);
    CHECK(mini_future_set_result(&f2, asy_str("kept until clear")));
    mini_future_clear(&f2);
    CHECK(asy_is_none(f2.result));
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"mini_future_call_soon runs fn(fut, arg) at the next turn, not inside the call", test_call_soon},
        {"set_result works once; a second one is refused and releases its value", test_set_result_once},
        {"done callbacks are scheduled, never called inside set_result", test_never_inline},
        {"done callbacks run in registration order, each with its own argument", test_order_and_args},
        {"a callback added to a done future runs at the next turn, after what was queued before it",
         test_added_when_done},
        {"cancel: True then False; callbacks see CANCELLED; set_result after cancel is refused", test_cancel},
        {"each callback runs once: completing hands them all to the loop", test_runs_once},
        {"a full array refuses the next callback (and releases its argument)", test_full},
        {"mini_future_clear releases the result and the args of callbacks never run", test_clear},
        {NULL, NULL},
    };
    return check_main("mini_future", tests, argc, argv);
}
