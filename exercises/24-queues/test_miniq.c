/*
 * test_miniq.c - tests for exercise 24/miniq (see miniq.h), virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "miniq.h"

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

static miniq q;

static void quiet_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    fprintf(stderr, "loop: %s%s%s\n", ctx->message, ctx->exception ? ": " : "",
            ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static asy_loop *setup(long maxsize)
{
    trace[0] = '\0';
    miniq_init(&q, maxsize);
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    CHECK_INT_EQ(asy_ilist_length(&q.getters), 0);
    CHECK_INT_EQ(asy_ilist_length(&q.putters), 0);
    miniq_free(&q);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

/* getter(name): x = await q.get(); note ; putter(name, n): for i: await q.put(f"{name}{i}"); note */
typedef struct {
    asy_coro co;
    const char *name;
    int n, i;
} actor_frame;

static asy_status getter_body(asy_coro *co)
{
    actor_frame *f = (actor_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, miniq_get(&q));
    if (ASY_EXC(co) != NULL) {
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
        ASY_RERAISE(co);
    }
    note("%s<%s@%.1f", f->name, ASY_STR(ASY_SENT(co)), now());
    ASY_END(co);
}

static asy_status putter_body(asy_coro *co)
{
    actor_frame *f = (actor_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 1; f->i <= f->n; f->i++) {
        ASY_AWAIT_TRY(co, miniq_put(&q, asy_strf("%s%d", f->name, f->i)));
        if (ASY_EXC(co) != NULL) {
            note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
            ASY_RERAISE(co);
        }
        note("%s+%d@%.1f", f->name, f->i, now());
    }
    ASY_END(co);
}

static asy_task *spawn(asy_loop *loop, asy_gen_body body, const char *name, int n)
{
    actor_frame *f = ASY_CORO_NEW(actor_frame, body, name);
    f->name = name;
    f->n = n;
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

/* get_nowait one item into the trace */
static void take(void)
{
    asy_value v;
    asy_exc *e = miniq_get_nowait(&q, &v);
    note("%s", e ? ASY_EXC_STR(e) : ASY_STR(v));
    asy_decref(e);
    asy_value_decref(v);
}

static asy_exc *take_cb(asy_value arg)
{
    (void)arg;
    take();
    return NULL;
}

static asy_exc *put_cb(asy_value arg)
{
    note("put@%.1f", now());
    asy_decref(miniq_put_nowait(&q, asy_value_incref(arg)));
    return NULL;
}

static void test_nowait_fifo_and_errors(void)
{
    asy_loop *loop = setup(3);
    for (int round = 0; round < 5; round++) { /* head walks round the ring */
        CHECK_NULL(miniq_put_nowait(&q, asy_int(round * 10 + 1)));
        CHECK_NULL(miniq_put_nowait(&q, asy_int(round * 10 + 2)));
        take();
        take();
    }
    for (int i = 7; i <= 9; i++)
        CHECK_NULL(miniq_put_nowait(&q, asy_int(i)));
    asy_exc *e = miniq_put_nowait(&q, asy_str("overflow"));
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "no error", "QueueFull");
    asy_decref(e);
    for (int i = 0; i < 4; i++)
        take();
    CHECK_STR_EQ(trace, "1 2 11 12 21 22 31 32 41 42 7 8 9 QueueEmpty");
    teardown(loop);
}

static void test_getters_wait_in_order(void)
{
    asy_loop *loop = setup(2);
    asy_task *t[2] = {spawn(loop, getter_body, "g1", 0), spawn(loop, getter_body, "g2", 0)};
    asy_decref(asy_loop_call_later(loop, 1, put_cb, asy_str("x"), NULL));
    asy_decref(asy_loop_call_later(loop, 2, put_cb, asy_str("y"), NULL));
    run_for(loop, 0.5);
    CHECK_MSG(trace[0] == '\0' && asy_ilist_length(&q.getters) == 2,
              "get() on an empty queue must wait as a getter (trace \"%s\")", trace);
    finish(loop, t, 2);
    CHECK_STR_EQ(trace, "put@1.0 g1<x@1.0 put@2.0 g2<y@2.0");
    teardown(loop);
}

static void test_put_waits_while_full(void)
{
    asy_loop *loop = setup(1);
    asy_task *t[1] = {spawn(loop, putter_body, "p", 3)};
    asy_decref(asy_loop_call_later(loop, 1, take_cb, asy_none(), NULL));
    asy_decref(asy_loop_call_later(loop, 2, take_cb, asy_none(), NULL));
    asy_decref(asy_loop_call_later(loop, 3, take_cb, asy_none(), NULL));
    finish(loop, t, 1);
    CHECK_STR_EQ(trace, "p+1@0.0 p1 p+2@1.0 p2 p+3@2.0 p3");
    teardown(loop);
}

static asy_task *victim;
static asy_exc *put_then_cancel(asy_value arg)
{
    note("put");
    asy_decref(miniq_put_nowait(&q, asy_value_incref(arg)));
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_woken_then_cancelled_getter_passes_it_on(void)
{
    asy_loop *loop = setup(2);
    asy_task *t[2] = {spawn(loop, getter_body, "g1", 0), spawn(loop, getter_body, "g2", 0)};
    victim = t[0];
    asy_decref(asy_loop_call_later(loop, 1, put_then_cancel, asy_str("x"), NULL));
    finish(loop, t, 2);
    CHECK_STR_EQ(trace, "put cancel g1 g1:CancelledError g2<x@1.0");
    teardown(loop);
}

static asy_exc *cancel_cb(asy_value arg)
{
    (void)arg;
    note("cancel %s", asy_task_get_name(victim));
    asy_task_cancel(victim, NULL);
    return NULL;
}

static void test_a_cancelled_put_leaves_and_drops_its_item(void)
{
    asy_loop *loop = setup(1);
    asy_task *t[1] = {spawn(loop, putter_body, "p", 2)};
    victim = t[0];
    asy_decref(asy_loop_call_later(loop, 1, cancel_cb, asy_none(), NULL));
    finish(loop, t, 1);
    CHECK_STR_EQ(trace, "p+1@0.0 cancel p p:CancelledError");
    CHECK_INT_EQ(q.len, 1);
    take();
    take();
    CHECK_STR_EQ(trace, "p+1@0.0 cancel p p:CancelledError p1 QueueEmpty");
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"put_nowait / get_nowait: FIFO through the ring, QueueFull, QueueEmpty", test_nowait_fifo_and_errors},
        {"get() waits for a put; getters are served in order", test_getters_wait_in_order},
        {"put() waits while the queue is full", test_put_waits_while_full},
        {"a getter woken and then cancelled passes the item's wake-up on",
         test_woken_then_cancelled_getter_passes_it_on},
        {"a put cancelled while waiting leaves the putters and drops its item",
         test_a_cancelled_put_leaves_and_drops_its_item},
        {NULL, NULL},
    };
    return check_main("miniq", tests, argc, argv);
}
