/*
 * test_rwlock.c - tests for exercise 22/rwlock (see rwlock.h), virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rwlock.h"

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

static rwlock rw;

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
    rwlock_init(&rw);
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    CHECK_INT_EQ(rw.readers, 0);
    CHECK(!rw.writer);
    CHECK_INT_EQ(rw.writers_waiting, 0);
    CHECK_INT_EQ(asy_ilist_length(&rw.waiters), 0);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

/* async def user(name, write, delay, hold): sleep(delay); acquire; note; sleep(hold); release; note */
typedef struct {
    asy_coro co;
    const char *name;
    bool write;
    double delay, hold;
} user_frame;

static asy_status user_body(asy_coro *co)
{
    user_frame *f = (user_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    ASY_AWAIT_TRY(co, f->write ? rwlock_acquire_write(&rw) : rwlock_acquire_read(&rw));
    if (ASY_EXC(co) != NULL) {
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
        ASY_RERAISE(co);
    }
    note("%s+@%.1f", f->name, now());
    if (f->write && rw.readers != 0)
        note("(%d readers inside a writer!)", rw.readers);
    ASY_AWAIT_TRY(co, asy_sleep(f->hold, asy_none()));
    ASY_RAISE_IF(co, f->write ? rwlock_release_write(&rw) : rwlock_release_read(&rw));
    ASY_END(co);
}

static asy_task *user(asy_loop *loop, const char *name, bool write, double delay, double hold)
{
    user_frame *f = ASY_CORO_NEW(user_frame, user_body, "user");
    f->name = name;
    f->write = write;
    f->delay = delay;
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

static void test_release_misuse(void)
{
    asy_loop *loop = setup();
    asy_exc *e = rwlock_release_read(&rw);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "no error", "RuntimeError: rwlock is not read-locked");
    asy_decref(e);
    e = rwlock_release_write(&rw);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "no error", "RuntimeError: rwlock is not write-locked");
    asy_decref(e);
    rwlock_init(&rw);
    teardown(loop);
}

static void test_readers_share(void)
{
    asy_loop *loop = setup();
    asy_task *t[3] = {user(loop, "r1", false, 0, 1), user(loop, "r2", false, 0, 1), user(loop, "r3", false, 0.5, 1)};
    run_for(loop, 0.7);
    CHECK_INT_EQ(rw.readers, 3);
    finish(loop, t, 3);
    CHECK_STR_EQ(trace, "r1+@0.0 r2+@0.0 r3+@0.5");
    teardown(loop);
}

static void test_a_writer_is_alone(void)
{
    asy_loop *loop = setup();
    asy_task *t[4] = {user(loop, "r1", false, 0, 2), user(loop, "w1", true, 0.5, 1),
                      user(loop, "w2", true, 0.6, 1), user(loop, "r2", false, 5, 1)};
    finish(loop, t, 4);
    CHECK_STR_EQ(trace, "r1+@0.0 w1+@2.0 w2+@3.0 r2+@5.0");
    teardown(loop);
}

static void test_writers_are_preferred(void)
{
    asy_loop *loop = setup();
    /* r1 reads; w waits for it; r2 comes later and must not overtake w */
    asy_task *t[3] = {user(loop, "r1", false, 0, 2), user(loop, "w", true, 1, 1), user(loop, "r2", false, 1.5, 1)};
    finish(loop, t, 3);
    CHECK_STR_EQ(trace, "r1+@0.0 w+@2.0 r2+@3.0");
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

static void test_a_writer_giving_up_lets_readers_in(void)
{
    asy_loop *loop = setup();
    asy_task *t[3] = {user(loop, "r1", false, 0, 5), user(loop, "w", true, 1, 1), user(loop, "r2", false, 1.5, 1)};
    victim = t[1];
    asy_decref(asy_loop_call_later(loop, 2, cancel_cb, asy_none(), NULL));
    finish(loop, t, 3);
    /* r2 waited only because of w: when w leaves, r2 goes in at once */
    CHECK_STR_EQ(trace, "r1+@0.0 cancel w w:CancelledError r2+@2.0");
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"releasing what is not held is RuntimeError", test_release_misuse},
        {"readers share the lock", test_readers_share},
        {"a writer is alone: it waits for the readers, and the others wait for it", test_a_writer_is_alone},
        {"writers are preferred: a new reader waits behind a waiting writer", test_writers_are_preferred},
        {"a writer that gives up waiting lets the readers it held back in", test_a_writer_giving_up_lets_readers_in},
        {NULL, NULL},
    };
    return check_main("rwlock", tests, argc, argv);
}
