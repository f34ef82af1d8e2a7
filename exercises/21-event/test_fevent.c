/*
 * test_fevent.c - tests for exercise 21/fevent (see fevent.h), on the
 * virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fevent.h"

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

static fevent ev;

static void quiet_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    fprintf(stderr, "loop: %s%s%s\n", ctx->message, ctx->exception ? ": " : "",
            ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static asy_loop *setup(void)
{
    trace[0] = '\0';
    fevent_init(&ev);
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    CHECK_INT_EQ(ev.n, 0);
    fevent_free(&ev);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

/* async def waiter(name): await ev.wait(); note */
typedef struct {
    asy_coro co;
    const char *name;
} waiter_frame;

static asy_status waiter_body(asy_coro *co)
{
    waiter_frame *f = (waiter_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, fevent_wait(&ev));
    if (ASY_EXC(co) != NULL)
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
    else
        note("%s@%.1f=%s", f->name, now(), ASY_STR(ASY_SENT(co)));
    ASY_END(co);
}

static asy_task *waiter(asy_loop *loop, const char *name)
{
    waiter_frame *f = ASY_CORO_NEW(waiter_frame, waiter_body, "waiter");
    f->name = name;
    return asy_loop_create_task(loop, &f->co, name, NULL);
}

static void run_for(asy_loop *loop, double seconds)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(seconds, asy_none()));
    asy_result_clear(&r);
}

static void finish(asy_loop *loop, asy_task **t, int n)
{
    run_for(loop, 10);
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

static asy_exc *set_cb(asy_value arg)
{
    (void)arg;
    note("set@%.1f", now());
    fevent_set(&ev);
    return NULL;
}

static asy_exc *set_clear_cb(asy_value arg)
{
    (void)arg;
    note("set+clear");
    fevent_set(&ev);
    fevent_clear(&ev);
    return NULL;
}

static asy_task *victim;
static asy_exc *cancel_cb(asy_value arg)
{
    (void)arg;
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_wait_blocks_until_set_and_set_wakes_all(void)
{
    asy_loop *loop = setup();
    asy_task *t[3] = {waiter(loop, "a"), waiter(loop, "b"), waiter(loop, "c")};
    asy_decref(asy_loop_call_later(loop, 2, set_cb, asy_none(), NULL));
    run_for(loop, 1);
    CHECK_MSG(strcmp(trace, "") == 0, "wait() on a clear event must block (got \"%s\")", trace);
    CHECK_INT_EQ(ev.n, 3);
    finish(loop, t, 3);
    CHECK_STR_EQ(trace, "set@2.0 a@2.0=True b@2.0=True c@2.0=True");
    CHECK(fevent_is_set(&ev));
    teardown(loop);
}

static void test_wait_on_a_set_event_returns_at_once(void)
{
    asy_loop *loop = setup();
    fevent_set(&ev);
    asy_coro *co = fevent_wait(&ev);
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_MSG(r.status == ASY_RETURNED, "wait() on a set event must return at its first step");
    CHECK_STR_EQ(ASY_REPR(r.value), "True");
    asy_result_clear(&r);
    asy_decref(co);
    fevent_clear(&ev);
    CHECK(!fevent_is_set(&ev));
    teardown(loop);
}

static void test_set_then_clear_still_wakes_the_queued(void)
{
    asy_loop *loop = setup();
    asy_task *t[2] = {waiter(loop, "a"), waiter(loop, "b")};
    asy_decref(asy_loop_call_later(loop, 1, set_clear_cb, asy_none(), NULL));
    finish(loop, t, 2);
    CHECK_STR_EQ(trace, "set+clear a@1.0=True b@1.0=True");
    CHECK(!fevent_is_set(&ev));
    teardown(loop);
}

static void test_cancelling_one_waiter_leaves_the_others_waiting(void)
{
    asy_loop *loop = setup();
    asy_task *t[3] = {waiter(loop, "a"), waiter(loop, "b"), waiter(loop, "c")};
    victim = t[1];
    asy_decref(asy_loop_call_later(loop, 1, cancel_cb, asy_none(), NULL));
    asy_decref(asy_loop_call_later(loop, 3, set_cb, asy_none(), NULL));
    run_for(loop, 2);
    CHECK_STR_EQ(trace, "cancel b b:CancelledError");
    CHECK_MSG(ev.n == 2, "the cancelled waiter must leave the array (n = %zu)", ev.n);
    finish(loop, t, 3);
    CHECK_STR_EQ(trace, "cancel b b:CancelledError set@3.0 a@3.0=True c@3.0=True");
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"wait() blocks until set(); one set() wakes every waiter in order",
         test_wait_blocks_until_set_and_set_wakes_all},
        {"wait() on a set event returns True at once", test_wait_on_a_set_event_returns_at_once},
        {"set() then clear() still wakes the waiters already queued", test_set_then_clear_still_wakes_the_queued},
        {"cancelling one waiter neither wakes nor cancels the others",
         test_cancelling_one_waiter_leaves_the_others_waiting},
        {NULL, NULL},
    };
    return check_main("fevent", tests, argc, argv);
}
