/*
 * test_first_k.c - tests for exercise 18/first_k (see first_k.h), on the
 * virtual clock. The workers note when they finish or are cancelled, so
 * the tests check that the cancelled ones have stopped before first_k
 * returns.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "first_k.h"

static char trace[512];

static void note(const char *name, const char *what)
{
    size_t n = strlen(trace);
    asy_loop *loop = asy_get_running_loop(NULL);
    snprintf(trace + n, sizeof trace - n, "%s%s %s@%.1f", n ? " " : "", name, what,
             loop ? asy_loop_time(loop) : -1.0);
}

typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    bool fail;
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note(f->name, "cancelled");
        ASY_RERAISE(co);
    }
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_coro *worker(const char *name, double delay, bool fail)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    return &f->co;
}

static void run(size_t n, asy_coro **coros, size_t k)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_coro *co = first_k(n, coros, k);
    CHECK_FATAL(co != NULL);
    asy_result r = asy_loop_run_until_complete(loop, co);
    size_t len = strlen(trace);
    snprintf(trace + len, sizeof trace - len, "%s-> %s@%.1f", len ? " " : "",
             r.status == ASY_RETURNED ? ASY_STR(r.value) : ASY_EXC_STR(r.exc), asy_loop_time(loop));
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_sleep(100, asy_none())); /* leftovers of a stub */
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_first_two_in_completion_order(void)
{
    asy_coro *coros[] = {worker("a", 3, false), worker("b", 1, false), worker("c", 2, false), worker("d", 4, false)};
    run(4, coros, 2);
    CHECK_STR_EQ(trace, "a cancelled@2.0 d cancelled@2.0 -> ['b', 'c']@2.0");
}

static void test_all_of_them(void)
{
    asy_coro *coros[] = {worker("a", 2, false), worker("b", 1, false)};
    run(2, coros, 2);
    CHECK_STR_EQ(trace, "-> ['b', 'a']@2.0");
}

static void test_none_of_them(void)
{
    asy_coro *coros[] = {worker("a", 2, false), worker("b", 1, false)};
    run(2, coros, 0);
    /* cancelled before their first step: their bodies never ran at all */
    CHECK_STR_EQ(trace, "-> []@0.0");
}

static void test_a_failure_cancels_the_rest_and_is_raised(void)
{
    asy_coro *coros[] = {worker("a", 1, false), worker("b", 2, true), worker("c", 3, false)};
    run(3, coros, 3);
    CHECK_STR_EQ(trace, "c cancelled@2.0 -> ValueError: b@2.0");
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the first two results in completion order; the rest cancelled first",
         test_first_two_in_completion_order},
        {"k == n: every result, in completion order", test_all_of_them},
        {"k == 0: an empty list, everything cancelled (before it even started)", test_none_of_them},
        {"a failure among the first k cancels the rest and is raised", test_a_failure_cancels_the_rest_and_is_raised},
        {NULL, NULL},
    };
    return check_main("first_k", tests, argc, argv);
}
