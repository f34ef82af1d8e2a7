/*
 * test_barrier.c - tests for exercise 21/barrier (see barrier.h), on the
 * virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "barrier.h"

static char trace[1024];

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

static barrier bar;

static void quiet_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    fprintf(stderr, "loop: %s%s%s\n", ctx->message, ctx->exception ? ": " : "",
            ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static asy_loop *setup(int parties)
{
    trace[0] = '\0';
    barrier_init(&bar, parties);
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    barrier_free(&bar);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

/* async def party(name, delay): await sleep(delay); i = await bar.wait(); note */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
} party_frame;

static asy_status party_body(asy_coro *co)
{
    party_frame *f = (party_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    ASY_AWAIT_TRY(co, barrier_wait(&bar));
    if (ASY_EXC(co) != NULL)
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
    else
        note("%s#%s@%.1f", f->name, ASY_STR(ASY_SENT(co)), now());
    ASY_END(co);
}

static asy_task *party(asy_loop *loop, const char *name, double delay)
{
    party_frame *f = ASY_CORO_NEW(party_frame, party_body, "party");
    f->name = name;
    f->delay = delay;
    return asy_loop_create_task(loop, &f->co, name, NULL);
}

static void run_for(asy_loop *loop, double seconds)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(seconds, asy_none()));
    asy_result_clear(&r);
}

static void finish(asy_loop *loop, asy_task **t, int n)
{
    run_for(loop, 20);
    for (int i = 0; i < n; i++) {
        if (!asy_future_done(&t[i]->fut)) {
            note("%s-stuck", asy_task_get_name(t[i]));
            asy_task_cancel(t[i], NULL);
        }
    }
    run_for(loop, 1);
    for (int i = 0; i < n; i++)
        asy_decref(t[i]);
}

static void test_everyone_goes_when_the_last_arrives(void)
{
    asy_loop *loop = setup(3);
    asy_task *t[3] = {party(loop, "a", 0), party(loop, "b", 1), party(loop, "c", 2)};
    finish(loop, t, 3);
    /* c trips it without waiting, a and b wake at the next turn */
    CHECK_STR_EQ(trace, "c#2@2.0 a#0@2.0 b#1@2.0");
    CHECK_INT_EQ(bar.count, 0);
    CHECK_INT_EQ(bar.round, 1);
    teardown(loop);
}

static void test_the_barrier_is_cyclic(void)
{
    asy_loop *loop = setup(2);
    asy_task *t[4] = {party(loop, "a", 0), party(loop, "b", 1), party(loop, "c", 2), party(loop, "d", 3)};
    finish(loop, t, 4);
    CHECK_STR_EQ(trace, "b#1@1.0 a#0@1.0 d#1@3.0 c#0@3.0");
    CHECK_INT_EQ(bar.round, 2);
    teardown(loop);
}

static asy_task *victim;
static asy_exc *cancel_cb(asy_value arg)
{
    (void)arg;
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_a_party_cancelled_while_waiting_leaves(void)
{
    asy_loop *loop = setup(3);
    asy_task *t[4] = {party(loop, "a", 0), party(loop, "b", 1), party(loop, "c", 3), party(loop, "d", 4)};
    victim = t[1];
    asy_decref(asy_loop_call_later(loop, 2, cancel_cb, asy_none(), NULL));
    run_for(loop, 2.5);
    CHECK_MSG(bar.count == 1, "after b left, one party (a) is waiting: count = %d", bar.count);
    finish(loop, t, 4);
    CHECK_STR_EQ(trace, "cancel b b:CancelledError d#2@4.0 a#0@4.0 c#1@4.0");
    teardown(loop);
}

/* The last party arrives (driven by hand: it must not suspend), and one of
 * the woken parties is cancelled before its task runs again. */
static asy_exc *trip_then_cancel(asy_value arg)
{
    (void)arg;
    asy_coro *co = barrier_wait(&bar);
    asy_result r = asy_gen_send(co, asy_none());
    note("last#%s", r.status == ASY_RETURNED ? ASY_STR(r.value) : "suspended");
    asy_result_clear(&r);
    asy_decref(co);
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_cancelled_after_the_trip_does_not_undo_the_next_round(void)
{
    asy_loop *loop = setup(3);
    asy_task *t[5] = {party(loop, "a", 0), party(loop, "b", 0),
                      party(loop, "x", 2), party(loop, "y", 2), party(loop, "z", 2)};
    victim = t[0];
    asy_decref(asy_loop_call_later(loop, 1, trip_then_cancel, asy_none(), NULL));
    finish(loop, t, 5);
    /* a's arrival counted in round 1; the next round needs exactly x, y, z */
    CHECK_STR_EQ(trace, "last#2 cancel a a:CancelledError b#1@1.0 z#2@2.0 x#0@2.0 y#1@2.0");
    CHECK_INT_EQ(bar.count, 0);
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"everyone goes on when the last party arrives; the last does not wait",
         test_everyone_goes_when_the_last_arrives},
        {"the barrier can be used round after round", test_the_barrier_is_cyclic},
        {"a party cancelled while waiting takes its arrival back", test_a_party_cancelled_while_waiting_leaves},
        {"a party cancelled after the barrier tripped does not touch the next round",
         test_cancelled_after_the_trip_does_not_undo_the_next_round},
        {NULL, NULL},
    };
    return check_main("barrier", tests, argc, argv);
}
