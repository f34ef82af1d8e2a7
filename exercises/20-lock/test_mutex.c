/*
 * test_mutex.c - tests for exercise 20/mutex (see mutex.h), on the
 * virtual clock. Each test records the order of events in a trace.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mutex.h"

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

static mutex m;
static asy_task *victim;

/* Report loop errors without formatting their source: freeing a task
 * whose exception nobody retrieved must not depend on the task's repr. */
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
    mutex_init(&m);
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    CHECK_INT_EQ(asy_ilist_length(&m.waiters), 0);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

/* async def user(name, hold): note; async with m: note; await sleep(hold) */
typedef struct {
    asy_coro co;
    const char *name;
    double hold;
} user_frame;

static asy_status user_body(asy_coro *co)
{
    user_frame *f = (user_frame *)co;
    ASY_BEGIN(co);
    note("%s?", f->name);
    ASY_AWAIT_TRY(co, mutex_acquire(&m));
    if (ASY_EXC(co) != NULL) {
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
        ASY_RERAISE(co);
    }
    note("%s+@%.1f", f->name, now());
    ASY_AWAIT_TRY(co, asy_sleep(f->hold, asy_none()));
    ASY_RAISE_IF(co, mutex_release(&m));
    ASY_END(co);
}

static asy_task *user(asy_loop *loop, const char *name, double hold)
{
    user_frame *f = ASY_CORO_NEW(user_frame, user_body, "user");
    f->name = name;
    f->hold = hold;
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

static void test_free_mutex_and_release_misuse(void)
{
    asy_loop *loop = setup();
    asy_coro *co = mutex_acquire(&m);
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_MSG(r.status == ASY_RETURNED, "acquire() of a free mutex must return at the first step, without waiting");
    CHECK_STR_EQ(ASY_REPR(r.value), "True");
    asy_result_clear(&r);
    asy_decref(co);
    CHECK(m.locked);
    CHECK_NULL(mutex_release(&m));
    CHECK(!m.locked);
    asy_exc *e = mutex_release(&m);
    CHECK_STR_EQ(e != NULL ? ASY_EXC_STR(e) : "no error", "RuntimeError: Lock is not acquired.");
    asy_decref(e);
    teardown(loop);
}

static void test_fifo_order(void)
{
    asy_loop *loop = setup();
    asy_task *t[4] = {user(loop, "a", 1), user(loop, "b", 1), user(loop, "c", 1), user(loop, "d", 1)};
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_INT_EQ(asy_ilist_length(&m.waiters), 3);
    finish(loop, t, 4);
    CHECK_STR_EQ(trace, "a? a+@0.0 b? c? d? b+@1.0 c+@2.0 d+@3.0");
    CHECK(!m.locked);
    teardown(loop);
}

static asy_exc *cancel_victim(asy_value arg)
{
    (void)arg;
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_cancelled_while_queued(void)
{
    asy_loop *loop = setup();
    asy_task *t[3] = {user(loop, "a", 2), user(loop, "b", 1), user(loop, "c", 1)};
    victim = t[1];
    asy_decref(asy_loop_call_later(loop, 1, cancel_victim, asy_none(), NULL));
    run_for(loop, 1.5);
    CHECK_MSG(asy_ilist_length(&m.waiters) == 1, "the cancelled waiter must leave the queue (length %zu)",
              asy_ilist_length(&m.waiters));
    finish(loop, t, 3);
    CHECK_STR_EQ(trace, "a? a+@0.0 b? c? cancel b b:CancelledError c+@2.0");
    teardown(loop);
}

/* release() wakes the first waiter; it is cancelled before it runs */
static asy_exc *release_then_cancel(asy_value arg)
{
    (void)arg;
    note("release");
    asy_decref(mutex_release(&m));
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_woken_then_cancelled_passes_the_wakeup_on(void)
{
    asy_loop *loop = setup();
    m.locked = true; /* held by "somebody" until the callback */
    asy_task *t[2] = {user(loop, "a", 1), user(loop, "b", 1)};
    victim = t[0];
    asy_decref(asy_loop_call_later(loop, 1, release_then_cancel, asy_none(), NULL));
    finish(loop, t, 2);
    CHECK_STR_EQ(trace, "a? b? release cancel a a:CancelledError b+@1.0");
    teardown(loop);
}

/* a newcomer is created, then release() wakes a: n's first step runs first */
static asy_task *newcomer;
static asy_exc *newcomer_then_release(asy_value arg)
{
    newcomer = user(asy_value_loop(arg), "n", 1);
    note("release");
    asy_decref(mutex_release(&m));
    return NULL;
}

static void test_no_barging(void)
{
    asy_loop *loop = setup();
    m.locked = true;
    asy_task *t[1] = {user(loop, "a", 1)};
    asy_decref(asy_loop_call_later(loop, 1, newcomer_then_release, asy_loop_value(loop), NULL));
    run_for(loop, 0.5);
    asy_task *all[2] = {t[0], NULL};
    run_for(loop, 1);
    all[1] = newcomer;
    CHECK_FATAL(newcomer != NULL);
    finish(loop, all, 2);
    CHECK_STR_EQ(trace, "a? release n? a+@1.0 n+@2.0");
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a free mutex is taken at once; releasing a free one is RuntimeError", test_free_mutex_and_release_misuse},
        {"waiters get the mutex in FIFO order", test_fifo_order},
        {"a waiter cancelled while queued leaves the queue", test_cancelled_while_queued},
        {"a waiter woken and then cancelled passes the wake-up on", test_woken_then_cancelled_passes_the_wakeup_on},
        {"a newcomer does not overtake a woken waiter", test_no_barging},
        {NULL, NULL},
    };
    return check_main("mutex", tests, argc, argv);
}
