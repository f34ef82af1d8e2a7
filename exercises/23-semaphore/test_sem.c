/*
 * test_sem.c - tests for exercise 23/sem (see sem.h), virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sem.h"

static char trace[2048];

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

static sem s;
static int inside, peak;

static void quiet_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    fprintf(stderr, "loop: %s%s%s\n", ctx->message, ctx->exception ? ": " : "",
            ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static asy_loop *setup(long value)
{
    trace[0] = '\0';
    inside = peak = 0;
    sem_init(&s, value);
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    CHECK_INT_EQ(asy_ilist_length(&s.waiters), 0);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

typedef struct {
    asy_coro co;
    const char *name;
    double hold;
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, sem_acquire(&s));
    if (ASY_EXC(co) != NULL) {
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
        ASY_RERAISE(co);
    }
    if (++inside > peak)
        peak = inside;
    note("%s+@%.1f", f->name, now());
    ASY_AWAIT_TRY(co, asy_sleep(f->hold, asy_none()));
    inside--;
    sem_release(&s);
    ASY_END(co);
}

static asy_task *worker(asy_loop *loop, const char *name, double hold)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
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

static void test_counter_without_waiting(void)
{
    asy_loop *loop = setup(2);
    for (int i = 0; i < 2; i++) {
        asy_coro *co = sem_acquire(&s);
        asy_result r = asy_gen_send(co, asy_none());
        CHECK_MSG(r.status == ASY_RETURNED, "acquire() with value > 0 must not suspend");
        asy_result_clear(&r);
        asy_decref(co);
    }
    CHECK_INT_EQ(s.value, 0);
    CHECK(sem_locked(&s));
    sem_release(&s);
    CHECK_INT_EQ(s.value, 1);
    CHECK(!sem_locked(&s));
    teardown(loop);
}

static void test_never_more_than_n_and_fifo(void)
{
    asy_loop *loop = setup(2);
    static const char *names[] = {"a", "b", "c", "d", "e"};
    static const double holds[] = {1, 2, 1, 1, 1};
    asy_task *t[5];
    for (int i = 0; i < 5; i++)
        t[i] = worker(loop, names[i], holds[i]);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_MSG(asy_ilist_length(&s.waiters) == 3, "three acquires must be queued as waiters (found %zu)",
              asy_ilist_length(&s.waiters));
    finish(loop, t, 5);
    CHECK_STR_EQ(trace, "a+@0.0 b+@0.0 c+@1.0 d+@2.0 e+@2.0");
    CHECK_INT_EQ(peak, 2);
    CHECK_INT_EQ(s.value, 2);
    teardown(loop);
}

static asy_task *victim;
static asy_exc *release_then_cancel(asy_value arg)
{
    (void)arg;
    note("release");
    sem_release(&s);
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static asy_exc *cancel_cb(asy_value arg)
{
    (void)arg;
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_cancelled_waiters_lose_nothing(void)
{
    asy_loop *loop = setup(0);
    asy_task *t[3] = {worker(loop, "a", 1), worker(loop, "b", 1), worker(loop, "c", 1)};
    victim = t[1];
    asy_decref(asy_loop_call_later(loop, 0.5, cancel_cb, asy_none(), NULL)); /* b, while queued */
    asy_decref(asy_loop_call_later(loop, 1, release_then_cancel, asy_none(), NULL)); /* a, once handed */
    run_for(loop, 0.7);
    victim = t[0];
    finish(loop, t, 3);
    CHECK_STR_EQ(trace, "cancel b b:CancelledError release cancel a a:CancelledError c+@1.0");
    CHECK_INT_EQ(s.value, 1);
    teardown(loop);
}

static asy_task *newcomer;
static asy_exc *newcomer_then_release(asy_value arg)
{
    newcomer = worker(asy_value_loop(arg), "n", 1);
    note("release");
    sem_release(&s);
    return NULL;
}

static void test_no_stealing(void)
{
    asy_loop *loop = setup(0);
    asy_task *w = worker(loop, "w", 1);
    asy_decref(asy_loop_call_later(loop, 1, newcomer_then_release, asy_loop_value(loop), NULL));
    run_for(loop, 1.5);
    CHECK_FATAL(newcomer != NULL);
    asy_task *t[2] = {w, newcomer};
    finish(loop, t, 2);
    CHECK_STR_EQ(trace, "release w+@1.0 n+@2.0");
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"acquire takes a unit without suspending; release gives it back", test_counter_without_waiting},
        {"never more than N inside; waiters queue and go in FIFO order", test_never_more_than_n_and_fifo},
        {"cancelled waiters (queued, or handed a unit) lose no unit", test_cancelled_waiters_lose_nothing},
        {"a newcomer cannot steal the unit handed to a waiter", test_no_stealing},
        {NULL, NULL},
    };
    return check_main("sem", tests, argc, argv);
}
