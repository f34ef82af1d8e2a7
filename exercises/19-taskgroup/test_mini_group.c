/*
 * test_mini_group.c - tests for exercise 19/mini_group (see mini_group.h),
 * on the virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mini_group.h"

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

/* async def child(name, delay, fail): sleep; note; return or raise */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    bool fail;
} child_frame;

static asy_status child_body(asy_coro *co)
{
    child_frame *f = (child_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("%s cancelled@%g", f->name, now());
        ASY_RERAISE(co);
    }
    if (f->fail) {
        note("%s fails@%g", f->name, now());
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    }
    note("%s@%g", f->name, now());
    ASY_END(co);
}

static asy_coro *child(const char *name, double delay, bool fail)
{
    child_frame *f = ASY_CORO_NEW(child_frame, child_body, "child");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    return &f->co;
}

/* async def main(specs): g = MiniGroup(); spawn each; await g.wait(); note */
typedef struct {
    const char *name;
    double delay;
    bool fail;
} spec;

typedef struct {
    asy_coro co;
    const spec *specs;
    int n;
    double cancel_first_at; /* > 0: cancel the first child from outside then */
    mini_group *g;          /* owned */
} main_frame;

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel@%g", now());
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->g = mini_group_new();
    for (int i = 0; i < f->n; i++) {
        asy_task *t = mini_group_spawn(f->g, child(f->specs[i].name, f->specs[i].delay, f->specs[i].fail));
        if (i == 0 && t != NULL && f->cancel_first_at > 0)
            asy_decref(asy_loop_call_later(asy_get_running_loop(NULL), f->cancel_first_at, cancel_task,
                                           asy_task_value(t), NULL));
    }
    ASY_AWAIT_TRY(co, mini_group_wait(f->g));
    if (ASY_EXC(co) != NULL)
        note("-> %s@%g", ASY_EXC_GROUP_REPR(ASY_EXC(co)), now());
    else
        note("-> ok@%g", now());
    note("pending=%d", mini_group_pending(f->g));
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    if (f->g != NULL)
        mini_group_free(f->g);
    f->g = NULL;
}

static void run(const spec *specs, int n, double cancel_first_at, const char *expected)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    f->specs = specs;
    f->n = n;
    f->cancel_first_at = cancel_first_at;
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    CHECK_MSG(r.status == ASY_RETURNED, "main raised %s", r.exc ? ASY_EXC_STR(r.exc) : "");
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_sleep(10, asy_none())); /* anything left runs out */
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, expected);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_waits_for_all(void)
{
    static const spec s[] = {{"a", 3, false}, {"b", 1, false}, {"c", 2, false}};
    run(s, 3, 0, "b@1 c@2 a@3 -> ok@3 pending=0");
}

static void test_first_failure_cancels_the_rest(void)
{
    static const spec s[] = {{"slow", 3, false}, {"boom", 1, true}, {"slower", 5, false}};
    run(s, 3, 0,
        "boom fails@1 slow cancelled@1 slower cancelled@1 "
        "-> ExceptionGroup('unhandled errors in a mini group', [ValueError('boom')])@1 pending=0");
}

static void test_errors_in_the_same_turn_all_count(void)
{
    static const spec s[] = {{"x", 1, true}, {"y", 1, true}, {"z", 2, false}};
    run(s, 3, 0,
        "x fails@1 y fails@1 z cancelled@1 "
        "-> ExceptionGroup('unhandled errors in a mini group', [ValueError('x'), ValueError('y')])@1 pending=0");
}

static void test_a_cancelled_child_is_not_an_error(void)
{
    static const spec s[] = {{"victim", 3, false}, {"other", 2, false}};
    run(s, 2, 1, "cancel@1 victim cancelled@1 other@2 -> ok@2 pending=0");
}

static void test_empty_group(void) { run(NULL, 0, 0, "-> ok@0 pending=0"); }

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"wait() waits for every task (3 s for 1, 2 and 3 s)", test_waits_for_all},
        {"the first failure cancels the others; the error comes in a group", test_first_failure_cancels_the_rest},
        {"two failures in the same turn are both in the group", test_errors_in_the_same_turn_all_count},
        {"a child cancelled from outside is not an error", test_a_cancelled_child_is_not_an_error},
        {"wait() on an empty group returns at once", test_empty_group},
        {NULL, NULL},
    };
    return check_main("mini_group", tests, argc, argv);
}
