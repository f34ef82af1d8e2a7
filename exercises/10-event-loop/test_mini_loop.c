/*
 * test_mini_loop.c - tests for exercise 10/mini_loop (see mini_loop.h).
 *
 * Callbacks write their names into a trace, and the stand-in selectors
 * write "select(T)" with the timeout they were given, so the tests check
 * the ORDER of what happened in each turn.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mini_loop.h"

static char trace[1024];

static void note(const char *s)
{
    size_t len = strlen(trace);
    snprintf(trace + len, sizeof trace - len, "%s%s", len ? " " : "", s);
}

/* A callback that notes its arg (a string). */
static void say(mini_loop *loop, mini_handle *h)
{
    (void)loop;
    note(h->arg);
}

/* ---- stand-in selectors ---- */

/* Records the timeout; "blocks" by moving the clock forward by it, like
 * the virtual clock jumping to the next timer. */
static void select_jump(mini_loop *loop, double timeout)
{
    char s[48];
    snprintf(s, sizeof s, "select(%g)", timeout);
    note(s);
    if (timeout > 0)
        loop->now += timeout;
}

/* Records nothing; as if the wait lasted until t = 5. */
static double late_wake = 5.0;
static void select_late(mini_loop *loop, double timeout)
{
    (void)timeout;
    loop->now = late_wake;
}

/* Time passes while callbacks run: every turn takes 0.25 s. */
static void select_tick(mini_loop *loop, double timeout)
{
    (void)timeout;
    loop->now += 0.25;
}

/* A descriptor becomes readable during the first wait: its callback is
 * queued by the selector (step 2), as lib/loop.c schedule_io does. */
static mini_handle io_handle;
static int io_fired;
static void select_io(mini_loop *loop, double timeout)
{
    (void)timeout;
    if (io_fired++ == 0)
        mini_call_soon(loop, &io_handle, say, "io");
    loop->now = 1.0;
}

static void start(mini_loop *loop, void (*select)(mini_loop *, double))
{
    trace[0] = '\0';
    mini_loop_init(loop, select);
}

/* The handles live on the test's stack: nothing else to release. */
static void finish(mini_loop *loop) { mini_loop_free(loop); }

/* ---- step 1: the timeout ---- */

static void test_timeout_is_minus_one_when_nothing_is_scheduled(void)
{
    mini_loop loop;
    start(&loop, select_jump);
    CHECK_DBL_NEAR(mini_loop_timeout(&loop), -1.0, 1e-12);
    finish(&loop);
}

static void test_timeout_is_zero_when_a_callback_is_ready(void)
{
    mini_loop loop;
    mini_handle s, t;
    start(&loop, select_jump);
    mini_call_later(&loop, &t, 3.0, say, "t");
    mini_call_soon(&loop, &s, say, "s");
    CHECK_DBL_NEAR(mini_loop_timeout(&loop), 0.0, 1e-12);
    finish(&loop);
}

static void test_timeout_is_the_time_until_the_nearest_timer(void)
{
    mini_loop loop;
    mini_handle a, b, c;
    start(&loop, select_jump);
    loop.now = 2.0;
    mini_call_at(&loop, &a, 5.0, say, "a");
    mini_call_at(&loop, &b, 3.5, say, "b");
    mini_call_at(&loop, &c, 9.0, say, "c");
    CHECK_DBL_NEAR(mini_loop_timeout(&loop), 1.5, 1e-12); /* 3.5 - 2.0, not 5.0 - 2.0 or 3.5 */
    finish(&loop);
}

static void test_timeout_is_zero_not_negative_for_an_overdue_timer(void)
{
    mini_loop loop;
    mini_handle a;
    start(&loop, select_jump);
    mini_call_at(&loop, &a, 1.0, say, "a");
    loop.now = 4.0;
    CHECK_DBL_NEAR(mini_loop_timeout(&loop), 0.0, 1e-12);
    finish(&loop);
}

static void test_cancelled_timers_at_the_top_do_not_decide_the_timeout(void)
{
    mini_loop loop;
    mini_handle a, b, c;
    start(&loop, select_jump);
    mini_call_at(&loop, &a, 1.0, say, "a");
    mini_call_at(&loop, &b, 2.0, say, "b");
    mini_call_at(&loop, &c, 3.0, say, "c");
    mini_cancel(&a);
    mini_cancel(&b);
    CHECK_DBL_NEAR(mini_loop_timeout(&loop), 3.0, 1e-12);
    CHECK_INT_EQ(asy_heap_len(&loop.timers), 1); /* a and b were dropped */
    mini_cancel(&c);
    CHECK_DBL_NEAR(mini_loop_timeout(&loop), -1.0, 1e-12); /* nothing left at all */
    CHECK_INT_EQ(asy_heap_len(&loop.timers), 0);
    finish(&loop);
}

static void test_timeout_is_zero_after_stop(void)
{
    mini_loop loop;
    mini_handle a;
    start(&loop, select_jump);
    mini_call_at(&loop, &a, 10.0, say, "a");
    mini_stop(&loop);
    CHECK_DBL_NEAR(mini_loop_timeout(&loop), 0.0, 1e-12); /* stop(): just look, do not wait */
    finish(&loop);
}

/* ---- steps 2-4: one turn ---- */

static void test_run_once_waits_then_runs_the_timer(void)
{
    mini_loop loop;
    mini_handle a, b;
    start(&loop, select_jump);
    mini_call_at(&loop, &a, 1.5, say, "a@1.5");
    mini_call_at(&loop, &b, 4.0, say, "b@4");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "select(1.5) a@1.5");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "select(1.5) a@1.5 select(2.5) b@4");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "select(1.5) a@1.5 select(2.5) b@4 select(-1)");
    CHECK_DBL_NEAR(loop.now, 4.0, 1e-12);
    finish(&loop);
}

static mini_handle later_handle;

/* Schedules "c" with call_soon while the turn runs. */
static void schedule_c(mini_loop *loop, mini_handle *h)
{
    (void)h;
    note("a");
    mini_call_soon(loop, &later_handle, say, "c");
}

static void test_callbacks_scheduled_during_a_turn_wait_for_the_next(void)
{
    mini_loop loop;
    mini_handle a, b;
    start(&loop, select_jump);
    mini_call_soon(&loop, &a, schedule_c, NULL);
    mini_call_soon(&loop, &b, say, "b");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "select(0) a b"); /* not "a b c": c came during the turn */
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "select(0) a b select(0) c");
    CHECK(asy_ilist_empty(&loop.ready));
    finish(&loop);
}

static void test_due_timers_run_earliest_first_ties_in_order(void)
{
    mini_loop loop;
    mini_handle h[6];
    static const struct { double when; const char *name; } timers[6] = {
        {3.0, "x3"}, {1.0, "a1"}, {2.0, "y2"}, {1.0, "b1"}, {9.0, "late"}, {1.0, "c1"},
    };
    start(&loop, select_late); /* wakes up at t = 5 */
    for (int i = 0; i < 6; i++)
        mini_call_at(&loop, &h[i], timers[i].when, say, (void *)timers[i].name);
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "a1 b1 c1 y2 x3"); /* heap order, not array order */
    CHECK_INT_EQ(asy_heap_len(&loop.timers), 1); /* "late" is not due */
    finish(&loop);
}

static void test_a_timer_is_due_exactly_at_its_deadline(void)
{
    mini_loop loop;
    mini_handle a, b;
    start(&loop, select_jump);
    mini_call_at(&loop, &a, 1.0, say, "a@1");
    mini_call_at(&loop, &b, 1.25, say, "b@1.25");
    mini_loop_run_once(&loop); /* select(1) moves now to exactly 1.0 */
    CHECK_STR_EQ(trace, "select(1) a@1");
    CHECK_INT_EQ(asy_heap_len(&loop.timers), 1);
    finish(&loop);
}

static void test_call_soon_runs_before_call_later_zero(void)
{
    mini_loop loop;
    mini_handle l, s;
    start(&loop, select_jump);
    mini_call_later(&loop, &l, 0, say, "later(0)");
    mini_call_soon(&loop, &s, say, "soon");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "select(0) soon later(0)"); /* same turn, timer joins at step 3 */
    finish(&loop);
}

static void test_io_callbacks_join_before_the_due_timers(void)
{
    mini_loop loop;
    mini_handle s, t;
    io_fired = 0;
    start(&loop, select_io); /* queues "io", wakes at t = 1 */
    mini_call_soon(&loop, &s, say, "soon");
    mini_call_at(&loop, &t, 1.0, say, "timer");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "soon io timer"); /* ready, then step 2, then step 3 */
    CHECK_INT_EQ(io_fired, 1);
    finish(&loop);
}

static mini_handle victim;

static void cancel_victim(mini_loop *loop, mini_handle *h)
{
    (void)loop;
    (void)h;
    note("canceller");
    mini_cancel(&victim);
}

static void test_cancelled_handles_do_not_run(void)
{
    mini_loop loop;
    mini_handle s1, s2, t1, t2;
    start(&loop, select_late);
    mini_call_soon(&loop, &s1, say, "s1");
    mini_call_soon(&loop, &s2, say, "s2 (cancelled)");
    mini_call_at(&loop, &t1, 1.0, say, "t1 (cancelled)");
    mini_call_at(&loop, &t2, 2.0, say, "t2");
    mini_cancel(&s2);
    mini_cancel(&t1);
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "s1 t2");
    CHECK(asy_ilist_empty(&loop.ready));
    CHECK_INT_EQ(asy_heap_len(&loop.timers), 0);
    finish(&loop);
}

static void test_a_handle_cancelled_during_the_turn_does_not_run(void)
{
    /* The check for "cancelled" belongs just before the call, not when the
     * turn begins: an earlier callback of the same turn may cancel it. */
    mini_loop loop;
    mini_handle c;
    start(&loop, select_jump);
    mini_call_soon(&loop, &c, cancel_victim, NULL);
    mini_call_soon(&loop, &victim, say, "victim");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "select(0) canceller");
    CHECK(asy_ilist_empty(&loop.ready));
    finish(&loop);
}

static int spins;

/* Reschedules itself at every turn (bounded, so that a wrong loop ends). */
static void spinner(mini_loop *loop, mini_handle *h)
{
    note("spin");
    if (++spins < 40)
        mini_call_soon(loop, h, spinner, NULL);
}

static void test_a_self_rescheduling_callback_cannot_starve_timers(void)
{
    mini_loop loop;
    mini_handle s, t;
    spins = 0;
    start(&loop, select_tick); /* every turn takes 0.25 s */
    mini_call_soon(&loop, &s, spinner, NULL);
    mini_call_at(&loop, &t, 1.0, say, "timer");
    mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "spin"); /* one spin per turn */
    for (int turn = 2; turn <= 5; turn++)
        mini_loop_run_once(&loop);
    CHECK_STR_EQ(trace, "spin spin spin spin timer spin"); /* the 4th turn reaches t = 1.0 */
    finish(&loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"timeout: -1 when nothing is scheduled", test_timeout_is_minus_one_when_nothing_is_scheduled},
        {"timeout: 0 when a callback is ready", test_timeout_is_zero_when_a_callback_is_ready},
        {"timeout: the time until the nearest timer", test_timeout_is_the_time_until_the_nearest_timer},
        {"timeout: 0, never negative, for an overdue timer", test_timeout_is_zero_not_negative_for_an_overdue_timer},
        {"timeout: cancelled timers at the top are dropped first",
         test_cancelled_timers_at_the_top_do_not_decide_the_timeout},
        {"timeout: 0 after stop()", test_timeout_is_zero_after_stop},
        {"run_once: select gets the timeout, then the due timer runs", test_run_once_waits_then_runs_the_timer},
        {"callbacks scheduled during a turn wait for the next turn",
         test_callbacks_scheduled_during_a_turn_wait_for_the_next},
        {"due timers run earliest first, equal deadlines in scheduling order",
         test_due_timers_run_earliest_first_ties_in_order},
        {"a timer is due exactly at its deadline (when <= now)", test_a_timer_is_due_exactly_at_its_deadline},
        {"call_soon runs before call_later(0)", test_call_soon_runs_before_call_later_zero},
        {"I/O callbacks queued by select run after the ready ones, before the timers",
         test_io_callbacks_join_before_the_due_timers},
        {"cancelled callbacks and timers do not run", test_cancelled_handles_do_not_run},
        {"a handle cancelled earlier in the same turn does not run",
         test_a_handle_cancelled_during_the_turn_does_not_run},
        {"a callback that reschedules itself cannot starve the timers",
         test_a_self_rescheduling_callback_cannot_starve_timers},
        {NULL, NULL},
    };
    return check_main("mini_loop", tests, argc, argv);
}
