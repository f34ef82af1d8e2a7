/*
 * test_bbuf.c - tests for exercise 22/bbuf (see bbuf.h), virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "bbuf.h"

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

static bbuf buf;

static void quiet_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    fprintf(stderr, "loop: %s%s%s\n", ctx->message, ctx->exception ? ": " : "",
            ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static asy_loop *setup(size_t cap)
{
    trace[0] = '\0';
    bbuf_init(&buf, cap);
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    CHECK_MSG(!asy_condition_locked(buf.cond), "the condition's lock is still held at the end");
    bbuf_free(&buf);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

/* producer: for i in 1..n: await put(i); note ; consumer: n times: await sleep(pause); x = await get(); note */
typedef struct {
    asy_coro co;
    const char *name;
    int n, i;
    double pause;
} actor_frame;

static asy_status producer_body(asy_coro *co)
{
    actor_frame *f = (actor_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 1; f->i <= f->n; f->i++) {
        ASY_AWAIT_TRY(co, bbuf_put(&buf, asy_strf("%s%d", f->name, f->i)));
        if (ASY_EXC(co) != NULL) {
            note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
            ASY_RERAISE(co);
        }
        note("%s+%d@%.1f", f->name, f->i, now());
    }
    ASY_END(co);
}

static asy_status consumer_body(asy_coro *co)
{
    actor_frame *f = (actor_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 1; f->i <= f->n; f->i++) {
        ASY_AWAIT(co, asy_sleep(f->pause, asy_none()));
        ASY_AWAIT_TRY(co, bbuf_get(&buf));
        if (ASY_EXC(co) != NULL) {
            note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
            ASY_RERAISE(co);
        }
        note("%s<%s@%.1f", f->name, ASY_STR(ASY_SENT(co)), now());
    }
    ASY_END(co);
}

static asy_task *spawn(asy_loop *loop, asy_gen_body body, const char *name, int n, double pause)
{
    actor_frame *f = ASY_CORO_NEW(actor_frame, body, name);
    f->name = name;
    f->n = n;
    f->pause = pause;
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

static void test_get_waits_for_a_put(void)
{
    asy_loop *loop = setup(2);
    asy_task *t[2] = {spawn(loop, consumer_body, "c", 2, 0), spawn(loop, producer_body, "p", 0, 0)};
    run_for(loop, 1);
    CHECK_MSG(trace[0] == '\0', "get() on an empty buffer must wait (trace \"%s\")", trace);
    asy_task *late = spawn(loop, producer_body, "p", 2, 0);
    asy_task *all[3] = {t[0], t[1], late};
    finish(loop, all, 3);
    CHECK_STR_EQ(trace, "p+1@1.0 p+2@1.0 c<p1@1.0 c<p2@1.0");
    teardown(loop);
}

static void test_put_waits_while_full(void)
{
    asy_loop *loop = setup(2);
    asy_task *t[2] = {spawn(loop, producer_body, "p", 5, 0), spawn(loop, consumer_body, "c", 5, 1)};
    finish(loop, t, 2);
    /* two go in at once; then every put waits for a get to make room */
    CHECK_STR_EQ(trace, "p+1@0.0 p+2@0.0 c<p1@1.0 p+3@1.0 c<p2@2.0 p+4@2.0 c<p3@3.0 p+5@3.0 c<p4@4.0 c<p5@5.0");
    teardown(loop);
}

static void test_two_producers_two_consumers_lose_nothing(void)
{
    asy_loop *loop = setup(1);
    asy_task *t[4] = {spawn(loop, producer_body, "a", 3, 0), spawn(loop, producer_body, "b", 3, 0),
                      spawn(loop, consumer_body, "x", 3, 0.5), spawn(loop, consumer_body, "y", 3, 0.5)};
    finish(loop, t, 4);
    CHECK_MSG(strstr(trace, "stuck") == NULL, "a wake-up was lost (use notify_all): %s", trace);
    int got = 0;
    for (const char *p = trace; (p = strchr(p, '<')) != NULL; p++)
        got++;
    CHECK_INT_EQ(got, 6);
    CHECK_INT_EQ(buf.len, 0);
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

static void test_a_cancelled_put_releases_the_lock(void)
{
    asy_loop *loop = setup(1);
    asy_task *p = spawn(loop, producer_body, "p", 2, 0); /* the second put waits */
    victim = p;
    asy_decref(asy_loop_call_later(loop, 1, cancel_cb, asy_none(), NULL));
    run_for(loop, 2);
    CHECK_STR_EQ(trace, "p+1@0.0 cancel p p:CancelledError");
    CHECK_MSG(!asy_condition_locked(buf.cond), "a cancelled put() must leave the lock free");
    CHECK_INT_EQ(buf.len, 1);
    asy_task *c = spawn(loop, consumer_body, "c", 1, 0);
    asy_task *all[2] = {p, c};
    finish(loop, all, 2);
    CHECK_STR_EQ(trace, "p+1@0.0 cancel p p:CancelledError c<p1@2.0");
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"get() on an empty buffer waits for a put()", test_get_waits_for_a_put},
        {"put() on a full buffer waits for a get()", test_put_waits_while_full},
        {"two producers and two consumers on a 1-slot buffer lose nothing",
         test_two_producers_two_consumers_lose_nothing},
        {"a put() cancelled while waiting leaves the lock free", test_a_cancelled_put_releases_the_lock},
        {NULL, NULL},
    };
    return check_main("bbuf", tests, argc, argv);
}
