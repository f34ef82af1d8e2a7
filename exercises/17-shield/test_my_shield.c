/*
 * test_my_shield.c - tests for exercise 17/my_shield (see my_shield.h), on
 * the virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "my_shield.h"

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

static double now(void)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    return loop != NULL ? asy_loop_time(loop) : -1.0;
}

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s]", ctx->message);
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

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* async def work(fail): sleep 2; note; return "result" or raise ValueError */
typedef struct {
    asy_coro co;
    bool fail;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(2, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("work cancelled@%g", now());
        ASY_RERAISE(co);
    }
    note("work done@%g", now());
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "work failed"));
    ASY_RETURN(co, asy_str("result"));
    ASY_END(co);
}

static asy_task *work(asy_loop *loop, bool fail)
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->fail = fail;
    return asy_loop_create_task(loop, &f->co, "work", NULL);
}

/* async def caller(inner): res = await my_shield(inner); note(res) */
typedef struct {
    asy_coro co;
    asy_task *inner; /* owned */
} caller_frame;

static asy_status caller_body(asy_coro *co)
{
    caller_frame *f = (caller_frame *)co;
    asy_future *outer;
    ASY_BEGIN(co);
    outer = my_shield(f->inner);
    if (outer == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "my_shield returned NULL"));
    ASY_AWAIT_TRY(co, outer);
    if (ASY_EXC(co) != NULL) {
        note("caller: %s@%g", ASY_EXC_STR(ASY_EXC(co)), now());
        ASY_RERAISE(co);
    }
    note("caller: %s@%g", ASY_REPR(ASY_SENT(co)), now());
    ASY_END(co);
}

static void caller_clear(asy_gen *g) { asy_decref(((caller_frame *)g)->inner); }

static asy_task *caller(asy_loop *loop, asy_task *inner)
{
    caller_frame *f = ASY_CORO_NEW(caller_frame, caller_body, "caller");
    f->inner = asy_incref(inner);
    asy_gen_set_clear(&f->co, caller_clear);
    return asy_loop_create_task(loop, &f->co, "caller", NULL);
}

static asy_exc *cancel_it(asy_value arg)
{
    note("cancel@%g", now());
    asy_future_cancel(asy_value_future(arg), NULL);
    return NULL;
}

static void finish(asy_loop *loop, asy_task *t)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    asy_result_clear(&r);
}

static void test_result_and_exception_pass_through(void)
{
    asy_loop *loop = vloop();
    asy_task *w = work(loop, false);
    asy_task *c = caller(loop, w);
    finish(loop, c);
    asy_task *w2 = work(loop, true);
    asy_task *c2 = caller(loop, w2);
    finish(loop, c2);
    CHECK_STR_EQ(trace, "work done@2 caller: 'result'@2 work done@4 caller: ValueError: work failed@4");
    asy_decref(w);
    asy_decref(c);
    asy_decref(w2);
    asy_decref(c2);
    done_with(loop);
}

static void test_cancelled_caller_leaves_the_work_running(void)
{
    asy_loop *loop = vloop();
    asy_task *w = work(loop, false);
    asy_task *c = caller(loop, w);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(c), NULL));
    finish(loop, c);
    CHECK(asy_future_cancelled(&c->fut));
    CHECK_MSG(!asy_future_done(&w->fut), "the work must still be running at 1 s");
    finish(loop, w);
    CHECK(!asy_future_cancelled(&w->fut));
    CHECK_STR_EQ(trace, "cancel@1 caller: CancelledError@1 work done@2");
    asy_decref(w);
    asy_decref(c);
    done_with(loop);
}

static void test_work_cancelled_elsewhere_cancels_the_shield(void)
{
    asy_loop *loop = vloop();
    asy_task *w = work(loop, false);
    asy_task *c = caller(loop, w);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(w), NULL));
    finish(loop, c);
    CHECK(asy_future_cancelled(&c->fut));
    CHECK_STR_EQ(trace, "cancel@1 work cancelled@1 caller: CancelledError@1");
    asy_decref(w);
    asy_decref(c);
    done_with(loop);
}

static void test_done_task_is_returned_as_it_is(void)
{
    asy_loop *loop = vloop();
    asy_task *w = work(loop, false);
    finish(loop, w);
    asy_future *s = my_shield(w);
    CHECK(s == &w->fut);
    asy_decref(s);
    asy_decref(w);
    CHECK_STR_EQ(trace, "work done@2");
    done_with(loop);
}

static void test_error_after_the_caller_left_is_not_reported(void)
{
    asy_loop *loop = vloop();
    asy_task *w = work(loop, true);
    asy_task *c = caller(loop, w);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(c), NULL));
    finish(loop, c);
    finish(loop, w);
    asy_decref(c);
    asy_decref(w); /* "[Task exception was never retrieved]" if nobody looked */
    CHECK_STR_EQ(trace, "cancel@1 caller: CancelledError@1 work done@2");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the result and the exception pass through the shield", test_result_and_exception_pass_through},
        {"a cancelled caller leaves the work running to its end", test_cancelled_caller_leaves_the_work_running},
        {"the work cancelled from elsewhere cancels the shield", test_work_cancelled_elsewhere_cancels_the_shield},
        {"a task that is already done is returned as it is", test_done_task_is_returned_as_it_is},
        {"an error after the caller left is marked retrieved, not reported",
         test_error_after_the_caller_left_is_not_reported},
        {NULL, NULL},
    };
    return check_main("my_shield", tests, argc, argv);
}
