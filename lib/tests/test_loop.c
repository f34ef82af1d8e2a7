/*
 * test_loop.c - the event loop (chapter 10): ordering of call_soon,
 * call_later and call_at; one turn runs only what was ready when it began;
 * stop; failing callbacks; the virtual clock; I/O callbacks.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "trace.h"
#include "loop.h"


static asy_loop *vloop(void)
{
    trace_reset();
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0); /* nothing left scheduled */
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0); /* nothing leaked */
}

static asy_exc *say(asy_value arg)
{
    note("%s", ASY_STR(arg));
    return NULL;
}

static asy_exc *say_with_time(asy_value arg)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    note("%s@%s", ASY_STR(arg), ASY_STR(asy_float(asy_loop_time(loop))));
    return NULL;
}

static asy_exc *stop(asy_value arg)
{
    note("stop");
    asy_loop_stop(asy_value_loop(arg));
    return NULL;
}

static void run_until_stopped(asy_loop *loop, double at)
{
    asy_decref(asy_loop_call_at(loop, at, stop, asy_loop_value(loop), NULL));
    CHECK_NULL(asy_loop_run_forever(loop));
}

/* type(x).__name__ of a loop's objects: call_soon gives a Handle,
 * call_later a TimerHandle, and the loop is a _UnixSelectorEventLoop. */
static void test_type_names_are_python_s(void)
{
    asy_loop *loop = vloop();
    asy_handle *h = asy_loop_call_soon(loop, say, asy_none(), NULL);
    asy_handle *t = asy_loop_call_later(loop, 1, say, asy_none(), NULL);
    asy_value hv = asy_obj_value(asy_incref(h)), tv = asy_obj_value(asy_incref(t)), lv = asy_loop_value(loop);
    CHECK_STR_EQ(asy_value_type_name(hv), "Handle");
    CHECK_STR_EQ(asy_value_type_name(tv), "TimerHandle");
    CHECK_STR_EQ(asy_value_type_name(lv), "_UnixSelectorEventLoop");
    asy_value_decref(hv);
    asy_value_decref(tv);
    asy_value_decref(lv);
    asy_handle_cancel(h);
    asy_handle_cancel(t);
    asy_decref(h);
    asy_decref(t);
    run_until_stopped(loop, 2);
    done_with(loop);
}

static void test_call_soon_runs_in_fifo_order(void)
{
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_soon(loop, say, asy_str("a"), NULL));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("b"), NULL));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("c"), NULL));
    asy_decref(asy_loop_call_soon(loop, stop, asy_loop_value(loop), NULL));
    CHECK_NULL(asy_loop_run_forever(loop));
    CHECK_STR_EQ(trace, "a b c stop");
    done_with(loop);
}

static void test_call_soon_before_call_later_zero(void)
{
    /* call_later(0) is a timer: it joins the ready queue at step 3, after
     * the callbacks already there, even one scheduled after it. */
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_later(loop, 0, say, asy_str("later0"), NULL));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("soon"), NULL));
    run_until_stopped(loop, 1.0);
    CHECK_STR_EQ(trace, "soon later0 stop");
    done_with(loop);
}

static void test_equal_deadlines_run_in_scheduling_order(void)
{
    asy_loop *loop = vloop();
    for (int i = 0; i < 6; i++)
        asy_decref(asy_loop_call_at(loop, 2.0, say, asy_int(i), NULL));
    asy_decref(asy_loop_call_at(loop, 1.0, say, asy_str("first"), NULL));
    run_until_stopped(loop, 3.0);
    CHECK_STR_EQ(trace, "first 0 1 2 3 4 5 stop");
    done_with(loop);
}

static void test_timers_fire_at_their_time_on_the_virtual_clock(void)
{
    asy_loop *loop = vloop();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    asy_decref(asy_loop_call_later(loop, 3600, say_with_time, asy_str("hour"), NULL));
    asy_decref(asy_loop_call_later(loop, 0.5, say_with_time, asy_str("half"), NULL));
    asy_decref(asy_loop_call_at(loop, 2.0, say_with_time, asy_str("two"), NULL));
    run_until_stopped(loop, 3600.5);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_STR_EQ(trace, "half@0.5 two@2.0 hour@3600.0 stop");
    double real = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    CHECK_MSG(real < 1.0, "an hour of virtual time took %.3f s of real time", real);
    CHECK_DBL_NEAR(asy_loop_time(loop), 3600.5, 1e-9);
    done_with(loop);
}

static asy_exc *reschedule_self(asy_value arg)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    long long n = arg.u.i;
    note("r%lld", n);
    if (n < 3)
        asy_decref(asy_loop_call_soon(loop, reschedule_self, asy_int(n + 1), NULL));
    return NULL;
}

static asy_exc *count_turn(asy_value arg)
{
    (void)arg;
    note("turn");
    return NULL;
}

static void test_one_turn_runs_only_what_was_ready(void)
{
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_soon(loop, reschedule_self, asy_int(1), NULL));
    asy_decref(asy_loop_call_soon(loop, count_turn, asy_none(), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "r1 turn"); /* r2 was scheduled during the turn: it waits */
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "r1 turn r2");
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "r1 turn r2 r3");
    done_with(loop);
}

static void test_cancelled_handles_do_not_run(void)
{
    asy_loop *loop = vloop();
    asy_handle *soon = asy_loop_call_soon(loop, say, asy_str("soon"), NULL);
    asy_handle *later = asy_loop_call_later(loop, 1, say, asy_str("later"), NULL);
    asy_decref(asy_loop_call_later(loop, 2, say, asy_str("kept"), NULL));
    asy_handle_cancel(soon);
    asy_handle_cancel(later);
    asy_handle_cancel(later); /* twice is harmless */
    CHECK(asy_handle_cancelled(later));
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(later)), "<cancelled TimerHandle when=1.0 say()>");
    run_until_stopped(loop, 3);
    CHECK_STR_EQ(trace, "kept stop");
    asy_decref(soon);
    asy_decref(later);
    done_with(loop);
}

static void test_many_cancelled_timers_are_cleaned_out(void)
{
    asy_loop *loop = vloop();
    asy_handle *h[300];
    for (int i = 0; i < 300; i++)
        h[i] = asy_loop_call_later(loop, 10 + i, say, asy_int(i), NULL);
    for (int i = 0; i < 299; i++)
        asy_handle_cancel(h[i]);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 1);
    run_until_stopped(loop, 400);
    CHECK_STR_EQ(trace, "299 stop");
    for (int i = 0; i < 300; i++)
        asy_decref(h[i]);
    done_with(loop);
}

static asy_exc *fails(asy_value arg)
{
    (void)arg;
    note("fails");
    return asy_exc_new(&asy_ZeroDivisionError, "division by zero");
}

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s | %s | %s]", ctx->message, ctx->exception ? ASY_EXC_STR(ctx->exception) : "-",
         ASY_REPR(ctx->source));
}

static void test_failing_callback_reaches_the_handler_and_loop_goes_on(void)
{
    asy_loop *loop = vloop();
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    asy_decref(asy_loop_call_soon(loop, fails, asy_int(7), NULL));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("after"), NULL));
    run_until_stopped(loop, 1);
    CHECK_STR_EQ(trace, "fails [Exception in callback fails(7) | ZeroDivisionError: division by zero | "
                        "<Handle fails(7)>] after stop");
    done_with(loop);
}

static void test_stop_from_a_callback_finishes_the_turn(void)
{
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_soon(loop, stop, asy_loop_value(loop), NULL));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("same-turn"), NULL));
    asy_decref(asy_loop_call_later(loop, 5, say, asy_str("next-run"), NULL));
    CHECK_NULL(asy_loop_run_forever(loop));
    CHECK_STR_EQ(trace, "stop same-turn");
    CHECK(!asy_loop_is_running(loop));
    /* The loop can run again; stop() before run_forever gives one turn. */
    asy_loop_stop(loop);
    CHECK_NULL(asy_loop_run_forever(loop));
    CHECK_STR_EQ(trace, "stop same-turn");
    run_until_stopped(loop, 6);
    CHECK_STR_EQ(trace, "stop same-turn next-run stop");
    done_with(loop);
}

static asy_exc *misuse(asy_value arg)
{
    asy_loop *loop = asy_value_loop(arg);
    asy_exc *e = asy_loop_run_forever(loop);
    note("%s", e ? ASY_EXC_STR(e) : "none");
    asy_decref(e);
    e = asy_loop_close(loop);
    note("%s", e ? ASY_EXC_STR(e) : "none");
    asy_decref(e);
    CHECK(asy_get_running_loop(NULL) == loop);
    asy_loop_stop(loop);
    return NULL;
}

static void test_misuse_gets_pythons_errors(void)
{
    asy_loop *loop = vloop();
    asy_exc *e = NULL;
    CHECK_NULL(asy_get_running_loop(&e));
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: no running event loop");
    asy_decref(e);
    asy_decref(asy_loop_call_soon(loop, misuse, asy_loop_value(loop), NULL));
    CHECK_NULL(asy_loop_run_forever(loop));
    CHECK_STR_EQ(trace, "RuntimeError: This event loop is already running "
                        "RuntimeError: Cannot close a running event loop");
    CHECK_NULL(asy_loop_close(loop));
    CHECK_NULL(asy_loop_close(loop)); /* twice is fine */
    e = asy_loop_run_forever(loop);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: Event loop is closed");
    asy_decref(e);
    CHECK_NULL(asy_loop_call_soon(loop, say, asy_str("dropped"), NULL));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Each scheduling call on a closed loop: NULL, RuntimeError "Event loop is
 * closed" for the caller, and the argument released (nothing leaks). */
static void test_scheduling_on_a_closed_loop_raises(void)
{
    asy_loop *loop = vloop();
    CHECK_NULL(asy_loop_close(loop));
    asy_exc *e = NULL;
    CHECK_NULL(asy_loop_call_soon(loop, say, asy_str("dropped"), &e));
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Event loop is closed");
    asy_decref(e);
    e = NULL;
    CHECK_NULL(asy_loop_call_later(loop, 1.0, say, asy_str("dropped"), &e));
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Event loop is closed");
    asy_decref(e);
    e = NULL;
    CHECK_NULL(asy_loop_call_at(loop, 2.0, say, asy_str("dropped"), &e));
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Event loop is closed");
    asy_decref(e);
    /* error NULL: the caller does not want it; it is released */
    CHECK_NULL(asy_loop_call_soon(loop, say, asy_str("dropped"), NULL));
    /* success sets *error to NULL */
    asy_loop *open = vloop();
    e = asy_exc_new(&asy_ValueError, "stale"); /* overwritten, not released: keep our own */
    asy_exc *stale = e;
    asy_handle *h = asy_loop_call_soon(open, say, asy_str("ran"), &e);
    CHECK_NOT_NULL(h);
    CHECK_NULL(e);
    asy_decref(stale);
    asy_decref(h);
    CHECK_NULL(asy_loop_run_once(open));
    CHECK_STR_EQ(trace, "ran");
    CHECK_INT_EQ(asy_loop_scheduled_count(open), 0);
    CHECK_NULL(asy_loop_close(open));
    asy_decref(open);
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_run_once_on_a_closed_loop_raises(void)
{
    asy_loop *loop = vloop();
    CHECK_NULL(asy_loop_close(loop));
    asy_exc *e = asy_loop_run_once(loop);
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Event loop is closed");
    asy_decref(e);
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* A callback of one loop stepping another loop: refused, as run_forever. */
static asy_exc *step_other(asy_value arg)
{
    asy_exc *e = asy_loop_run_once(asy_value_loop(arg));
    note("%s", e ? ASY_EXC_STR(e) : "ok");
    asy_decref(e);
    return NULL;
}

static void test_run_once_while_another_loop_runs_raises(void)
{
    asy_loop *loop = vloop();
    asy_loop *other = vloop();
    asy_decref(asy_loop_call_soon(loop, step_other, asy_loop_value(other), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "RuntimeError: Cannot run the event loop while another loop is running");
    CHECK_NULL(asy_loop_close(other));
    asy_decref(other);
    done_with(loop);
}

/* asy_loop_new hands the selector's error to the caller: with no file
 * descriptor left, epoll_create1 fails with EMFILE. */
static void test_loop_new_reports_the_selector_error(void)
{
    struct rlimit saved;
    CHECK_FATAL(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    struct rlimit low = saved;
    low.rlim_cur = 3; /* stdin, stdout, stderr: nothing more */
    CHECK_FATAL(setrlimit(RLIMIT_NOFILE, &low) == 0);
    asy_exc *e = NULL;
    asy_loop *loop = asy_loop_new(NULL, &e);
    CHECK_FATAL(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    CHECK_NULL(loop);
    CHECK(asy_exc_is(e, &asy_OSError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "[Errno 24] Too many open files");
    asy_decref(e);
    CHECK_FATAL(setrlimit(RLIMIT_NOFILE, &low) == 0);
    loop = asy_loop_new(NULL, NULL); /* error NULL: released */
    CHECK_FATAL(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    CHECK_NULL(loop);
    e = asy_exc_new(&asy_ValueError, "stale");
    asy_exc *stale = e;
    loop = asy_loop_new(NULL, &e);
    CHECK_NOT_NULL(loop);
    CHECK_NULL(e); /* success: *error = NULL */
    asy_decref(stale);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_close_drops_what_is_scheduled(void)
{
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_soon(loop, say, asy_str("never"), NULL));
    asy_decref(asy_loop_call_later(loop, 1, say, asy_str("never"), NULL));
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_STR_EQ(trace, "");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- I/O ---- */

static int sv[2];

static asy_exc *on_readable(asy_value arg)
{
    char buf[16];
    ssize_t n = read(sv[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    note("read %s", buf);
    if (arg.u.i == 1) /* one message only */
        asy_loop_remove_reader(asy_get_running_loop(NULL), sv[0]);
    return NULL;
}

static asy_exc *send_later(asy_value arg)
{
    note("send");
    if (write(sv[1], asy_str_cstr(arg), strlen(asy_str_cstr(arg))) < 0)
        note("write failed");
    return NULL;
}

static void test_add_reader_calls_back_when_readable(void)
{
    asy_loop *loop = vloop();
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_NULL(asy_loop_add_reader(loop, sv[0], on_readable, asy_int(1)));
    asy_decref(asy_loop_call_later(loop, 1, send_later, asy_str("ping"), NULL));
    run_until_stopped(loop, 2);
    CHECK_STR_EQ(trace, "send read ping stop");
    CHECK(!asy_loop_remove_reader(loop, sv[0])); /* the callback removed it */
    asy_exc *e = asy_loop_add_reader(loop, -1, on_readable, asy_none());
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "ValueError: Invalid file descriptor: -1");
    asy_decref(e);
    /* A reader still registered at close is dropped with the loop. */
    CHECK_NULL(asy_loop_add_reader(loop, sv[0], on_readable, asy_int(0)));
    close(sv[1]);
    done_with(loop);
    close(sv[0]);
}

static int readers_called;

static asy_exc *count_reader(asy_value arg)
{
    (void)arg;
    readers_called++;
    return NULL;
}

static void test_many_ready_descriptors_are_all_served(void)
{
    /* select and poll report in fd order: a fixed-size event buffer would
     * starve the high descriptors when more stay ready than it holds. */
    const char *names[] = {"select", "poll", "epoll"};
    for (int b = 0; b < 3; b++) {
        trace_reset();
        asy_loop_options opts = {asy_selector_backend_named(names[b]), true};
        asy_loop *loop = asy_loop_new(&opts, NULL);
        CHECK_FATAL(loop != NULL);
        enum { N = 80 };
        int fds[N][2];
        for (int i = 0; i < N; i++) {
            CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, fds[i]) == 0);
            CHECK_FATAL(write(fds[i][1], "x", 1) == 1); /* stays readable */
            CHECK_NULL(asy_loop_add_reader(loop, fds[i][0], count_reader, asy_none()));
        }
        readers_called = 0;
        CHECK_NULL(asy_loop_run_once(loop));
        CHECK_MSG(readers_called == N, "%s: %d of %d readers ran in one turn", names[b], readers_called, N);
        for (int i = 0; i < N; i++) {
            CHECK(asy_loop_remove_reader(loop, fds[i][0]));
            close(fds[i][0]);
            close(fds[i][1]);
        }
        done_with(loop);
    }
}

static asy_exc *close_inside(asy_value arg)
{
    asy_loop *loop = asy_value_loop(arg);
    CHECK(asy_loop_is_running(loop));
    asy_exc *e = asy_loop_close(loop);
    note("%s", e ? ASY_EXC_STR(e) : "closed!");
    asy_decref(e);
    return NULL;
}

static void test_a_standalone_turn_counts_as_running(void)
{
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_soon(loop, close_inside, asy_loop_value(loop), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "RuntimeError: Cannot close a running event loop");
    CHECK(!asy_loop_is_running(loop));
    done_with(loop);
}

static void test_sweeping_cancelled_timers_keeps_tie_order(void)
{
    asy_loop *loop = vloop();
    asy_handle *h[200];
    for (int i = 0; i < 200; i++)
        h[i] = asy_loop_call_at(loop, 5.0, say, asy_int(i), NULL);
    for (int i = 0; i < 200; i++)
        if (i % 40 != 0)
            asy_handle_cancel(h[i]); /* 195 of 200: the sweep runs */
    run_until_stopped(loop, 6);
    CHECK_STR_EQ(trace, "0 40 80 120 160 stop");
    for (int i = 0; i < 200; i++)
        asy_decref(h[i]);
    done_with(loop);
}

/* ---- numbers at the edges (NaN, +inf, -inf) ---- */

static void test_nan_timer_is_due_at_the_next_turn(void)
{
    /* CPython's heap cannot place a NaN (every comparison is false): a NaN
     * at the top used to stall every later timer. Here a NaN deadline is
     * due at once, ahead of the others, like -inf; the rest keep order. */
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_later(loop, 1.0, say_with_time, asy_str("a"), NULL));
    asy_handle *h = asy_loop_call_later(loop, NAN, say_with_time, asy_str("nan"), NULL);
    asy_decref(asy_loop_call_later(loop, 2.0, say_with_time, asy_str("b"), NULL));
    asy_decref(asy_loop_call_at(loop, NAN, say_with_time, asy_str("nan2"), NULL));
    asy_decref(asy_loop_call_later(loop, -INFINITY, say_with_time, asy_str("-inf"), NULL));
    CHECK(isnan(asy_handle_when(h))); /* TimerHandle.when() says nan too */
    asy_loop_run_once(loop);          /* one turn: all three are due */
    CHECK_STR_EQ(trace, "nan@0.0 nan2@0.0 -inf@0.0");
    run_until_stopped(loop, 3.0);
    CHECK_STR_EQ(trace, "nan@0.0 nan2@0.0 -inf@0.0 a@1.0 b@2.0 stop");
    asy_decref(h);
    done_with(loop);
}

static void test_nan_timer_cancelled_in_the_heap(void)
{
    /* A cancelled NaN timer leaves the heap like any other. */
    asy_loop *loop = vloop();
    asy_handle *h = asy_loop_call_later(loop, NAN, say, asy_str("nan"), NULL);
    asy_decref(asy_loop_call_later(loop, 1.0, say, asy_str("a"), NULL));
    asy_handle_cancel(h);
    run_until_stopped(loop, 2.0);
    CHECK_STR_EQ(trace, "a stop");
    asy_decref(h);
    done_with(loop);
}

static void test_infinite_timer_never_comes_due(void)
{
    /* call_later(inf) / call_at(inf): never due. The virtual clock goes to
     * the finite deadlines only; time stays a finite number. */
    asy_loop *loop = vloop();
    asy_handle *never = asy_loop_call_later(loop, INFINITY, say, asy_str("never"), NULL);
    asy_handle *never2 = asy_loop_call_at(loop, INFINITY, say, asy_str("never2"), NULL);
    asy_decref(asy_loop_call_later(loop, 5.0, say_with_time, asy_str("a"), NULL));
    run_until_stopped(loop, 10.0);
    CHECK_STR_EQ(trace, "a@5.0 stop");
    CHECK_DBL_NEAR(asy_loop_time(loop), 10.0, 1e-9);
    /* Only the infinite timers are left: a virtual loop cannot jump there,
     * and nothing else can happen: run_forever reports the deadlock. */
    asy_exc *e = asy_loop_run_forever(loop);
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK_STR_EQ(asy_exc_message(e), "Event loop would wait forever: nothing is ready, no timer will come "
                                     "due and no file descriptor is watched (virtual clock)");
    asy_decref(e);
    CHECK(!asy_loop_is_running(loop));
    CHECK(isfinite(asy_loop_time(loop)));
    CHECK_DBL_NEAR(asy_loop_time(loop), 10.0, 1e-9);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 2); /* still scheduled: stopped, not closed */
    /* The loop is usable: a new finite timer runs as usual. */
    run_until_stopped(loop, 11.0);
    CHECK_STR_EQ(trace, "a@5.0 stop stop");
    asy_handle_cancel(never);
    asy_handle_cancel(never2);
    asy_decref(never);
    asy_decref(never2);
    done_with(loop);
}

static void test_empty_virtual_loop_reports_the_deadlock(void)
{
    asy_loop *loop = vloop();
    asy_exc *e = asy_loop_run_forever(loop);
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    CHECK(e != NULL && strstr(asy_exc_message(e), "would wait forever") != NULL);
    asy_decref(e);
    CHECK_NULL(asy_get_running_loop(NULL));
    done_with(loop);
}

/* A selector backend that counts its waits and remembers the longest one
 * it was asked for (epoll underneath). */
static int waits, longest_ms;
static int counting_wait(void *state, const asy_selector *s, int timeout_ms, asy_selector_event *ready, int max,
                         int *nready)
{
    waits++;
    if (timeout_ms > longest_ms)
        longest_ms = timeout_ms;
    return asy_selector_backend_epoll.wait(state, s, timeout_ms, ready, max, nready);
}

static void *write_later(void *arg)
{
    struct timespec ts = {0, 200 * 1000 * 1000}; /* 0.2 s */
    nanosleep(&ts, NULL);
    ssize_t n = write(*(int *)arg, "x", 1);
    (void)n;
    return NULL;
}

static asy_exc *stop_on_read(asy_value arg)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    char c;
    ssize_t n = read((int)arg.u.i, &c, 1);
    (void)n;
    note("read");
    asy_loop_stop(loop);
    return NULL;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_infinite_timer_does_not_spin_on_the_real_clock(void)
{
    /* The nearest timer is at +inf: the selector is asked to wait at most
     * a day (CPython's MAXIMUM_SELECT_TIMEOUT), not forever-as-garbage,
     * and the loop does not spin. A thread writes to a socket after 0.2 s;
     * its reader stops the loop. */
    static asy_selector_backend counting;
    counting = asy_selector_backend_epoll;
    counting.wait = counting_wait;
    waits = longest_ms = 0;
    trace_reset();
    asy_loop_options opts = {&counting, false};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    int pair[2];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    asy_handle *never = asy_loop_call_later(loop, INFINITY, say, asy_str("never"), NULL);
    asy_handle *far = asy_loop_call_later(loop, 1e300, say, asy_str("far"), NULL);
    CHECK_NULL(asy_loop_add_reader(loop, pair[0], stop_on_read, asy_int(pair[0])));
    pthread_t th;
    CHECK_FATAL(pthread_create(&th, NULL, write_later, &pair[1]) == 0);
    double cpu = cpu_seconds();
    CHECK_NULL(asy_loop_run_forever(loop));
    cpu = cpu_seconds() - cpu;
    pthread_join(th, NULL);
    CHECK_STR_EQ(trace, "read");
    CHECK_INT_EQ(longest_ms, 24 * 3600 * 1000);
    CHECK_MSG(waits <= 3, "the selector was asked %d times in 0.2 s", waits);
    CHECK_MSG(cpu < 0.1, "%.3f s of CPU time in 0.2 s of waiting", cpu);
    CHECK(asy_loop_remove_reader(loop, pair[0]));
    asy_handle_cancel(never);
    asy_handle_cancel(far);
    asy_decref(never);
    asy_decref(far);
    close(pair[0]);
    close(pair[1]);
    done_with(loop);
}

/* ---- a callback that leaves the loop with longjmp ---- */

static jmp_buf escape;

static asy_exc *jump_out(asy_value arg)
{
    (void)arg;
    note("jump");
    longjmp(escape, 1);
}

static asy_exc *stop_now(asy_value arg)
{
    (void)arg;
    asy_loop_stop(asy_get_running_loop(NULL));
    return NULL;
}

static void test_longjmp_out_of_a_callback_then_recover(void)
{
    /* The C form of KeyboardInterrupt leaving run_forever. */
    asy_loop *loop = vloop();
    asy_decref(asy_loop_call_soon(loop, say, asy_str("a"), NULL));
    asy_decref(asy_loop_call_soon(loop, jump_out, asy_none(), NULL));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("b"), NULL));
    asy_decref(asy_loop_call_later(loop, 5, say, asy_str("later"), NULL));
    if (setjmp(escape) == 0) {
        asy_exc *e = asy_loop_run_forever(loop);
        CHECK_MSG(0, "run_forever returned %s", e ? ASY_EXC_STR(e) : "NULL");
        asy_decref(e);
        return;
    }
    /* Landed here: the loop still thinks it runs. */
    CHECK_STR_EQ(trace, "a jump");
    CHECK(asy_get_running_loop(NULL) == loop);
    CHECK(asy_loop_is_running(loop));
    asy_exc *refused = asy_loop_close(loop); /* refused: it "runs" */
    CHECK_STR_EQ(refused ? ASY_EXC_STR(refused) : "", "RuntimeError: Cannot close a running event loop");
    asy_decref(refused);
    CHECK_NULL(asy_loop_recover(loop, asy_exc_new(&asy_KeyboardInterrupt, NULL)));
    CHECK(!asy_loop_is_running(loop));
    CHECK_NULL(asy_get_running_loop(NULL));
    /* b was not run: it is ready again, first; the timer is still there */
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 2);
    asy_decref(asy_loop_call_soon(loop, stop_now, asy_none(), NULL));
    CHECK_NULL(asy_loop_run_forever(loop));
    CHECK_STR_EQ(trace, "a jump b");
    /* Recovering a loop that is not running is an error. */
    asy_exc *e = asy_loop_recover(loop, NULL);
    CHECK(asy_exc_is(e, &asy_RuntimeError));
    asy_decref(e);
    /* Close it (the timer is dropped) and run another loop. */
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
    loop = vloop();
    run_until_stopped(loop, 1.0);
    CHECK_STR_EQ(trace, "stop");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"call_soon runs in FIFO order", test_call_soon_runs_in_fifo_order},
        {"call_soon runs before call_later(0)", test_call_soon_before_call_later_zero},
        {"equal deadlines run in scheduling order", test_equal_deadlines_run_in_scheduling_order},
        {"timers fire at their time on the virtual clock", test_timers_fire_at_their_time_on_the_virtual_clock},
        {"one turn runs only what was ready when it began", test_one_turn_runs_only_what_was_ready},
        {"cancelled handles do not run", test_cancelled_handles_do_not_run},
        {"many cancelled timers are cleaned out", test_many_cancelled_timers_are_cleaned_out},
        {"a failing callback reaches the handler; the loop goes on",
         test_failing_callback_reaches_the_handler_and_loop_goes_on},
        {"stop() from a callback finishes the turn", test_stop_from_a_callback_finishes_the_turn},
        {"misuse gets Python's errors", test_misuse_gets_pythons_errors},
        {"close drops what is scheduled", test_close_drops_what_is_scheduled},
        {"scheduling on a closed loop raises", test_scheduling_on_a_closed_loop_raises},
        {"run_once on a closed loop raises", test_run_once_on_a_closed_loop_raises},
        {"run_once while another loop runs raises", test_run_once_while_another_loop_runs_raises},
        {"loop_new reports the selector's error", test_loop_new_reports_the_selector_error},
        {"add_reader calls back when readable", test_add_reader_calls_back_when_readable},
        {"many ready descriptors are all served", test_many_ready_descriptors_are_all_served},
        {"a standalone turn counts as running", test_a_standalone_turn_counts_as_running},
        {"sweeping cancelled timers keeps tie order", test_sweeping_cancelled_timers_keeps_tie_order},
        {"a NaN timer is due at the next turn", test_nan_timer_is_due_at_the_next_turn},
        {"a cancelled NaN timer leaves the heap", test_nan_timer_cancelled_in_the_heap},
        {"an infinite timer never comes due", test_infinite_timer_never_comes_due},
        {"an empty virtual loop reports the deadlock", test_empty_virtual_loop_reports_the_deadlock},
        {"an infinite timer does not spin on the real clock", test_infinite_timer_does_not_spin_on_the_real_clock},
        {"longjmp out of a callback: recover, close, run another loop", test_longjmp_out_of_a_callback_then_recover},
        {"type names: Handle, TimerHandle, _UnixSelectorEventLoop", test_type_names_are_python_s},
        {NULL, NULL},
    };
    return check_main("loop", tests, argc, argv);
}
