/*
 * test_first_success.c - tests for exercise 14/first_success (see
 * first_success.h), on the virtual clock. The racers note what they do
 * in a shared trace, so the tests check the ORDER: the losers' cleanup
 * must come before first_success returns.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "first_success.h"

static char trace[512];

static void note(const char *what, const char *name)
{
    size_t n = strlen(trace);
    asy_loop *loop = asy_get_running_loop(NULL);
    snprintf(trace + n, sizeof trace - n, "%s%s %s@%.1f", n ? " " : "", name, what,
             loop ? asy_loop_time(loop) : -1.0);
}

static char reports[256];

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    size_t n = strlen(reports);
    snprintf(reports + n, sizeof reports - n, "[%s]", ctx->message);
}

/* async def racer(name, delay, fail):
 *     try: await asyncio.sleep(delay)
 *     except CancelledError: note("cancelled"); raise
 *     if fail: note("fails"); raise ValueError(name)
 *     note("returns"); return name */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    bool fail;
} racer_frame;

static asy_status racer_body(asy_coro *co)
{
    racer_frame *f = (racer_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("cancelled", f->name);
        ASY_RERAISE(co);
    }
    if (f->fail) {
        note("fails", f->name);
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    }
    note("returns", f->name);
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_coro *racer(const char *name, double delay, bool fail)
{
    racer_frame *f = ASY_CORO_NEW(racer_frame, racer_body, "racer");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    return &f->co;
}

/* Run first_success(coros) under asyncio.run; the outcome goes to the
 * trace as "-> 'b'@2.0" or "-> ValueError: a@3.0". */
static void race(size_t n, asy_coro **coros)
{
    trace[0] = '\0';
    reports[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    asy_coro *co = first_success(n, coros);
    CHECK_FATAL(co != NULL);
    asy_result r = asy_loop_run_until_complete(loop, co);
    size_t len = strlen(trace);
    snprintf(trace + len, sizeof trace - len, " -> %s@%.1f",
             r.status == ASY_RETURNED ? ASY_REPR(r.value) : ASY_EXC_STR(r.exc), asy_loop_time(loop));
    asy_result_clear(&r);
    /* what is left (a stub leaves tasks running) may finish now */
    r = asy_loop_run_until_complete(loop, asy_sleep(100, asy_none()));
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_STR_EQ(reports, ""); /* no "exception was never retrieved" */
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_first_success_wins_losers_cancelled_first(void)
{
    asy_coro *coros[] = {racer("a", 3, false), racer("b", 2, false), racer("c", 4, false)};
    race(3, coros);
    CHECK_STR_EQ(trace, "b returns@2.0 a cancelled@2.0 c cancelled@2.0 -> 'b'@2.0");
}

static void test_a_failure_does_not_win(void)
{
    asy_coro *coros[] = {racer("a", 1, true), racer("b", 2, false), racer("c", 3, false)};
    race(3, coros);
    CHECK_STR_EQ(trace, "a fails@1.0 b returns@2.0 c cancelled@2.0 -> 'b'@2.0");
}

static void test_all_fail_raises_the_first_ones_exception(void)
{
    asy_coro *coros[] = {racer("a", 2, true), racer("b", 1, true)};
    race(2, coros);
    CHECK_STR_EQ(trace, "b fails@1.0 a fails@2.0 -> ValueError: a@2.0");
}

static void test_a_single_racer(void)
{
    asy_coro *coros[] = {racer("solo", 1, false)};
    race(1, coros);
    CHECK_STR_EQ(trace, "solo returns@1.0 -> 'solo'@1.0");
}

static void test_equal_times_the_first_to_finish_wins(void)
{
    asy_coro *coros[] = {racer("x", 1, false), racer("y", 1, false)};
    race(2, coros);
    /* both return in the same turn; x's callback runs first */
    CHECK_STR_EQ(trace, "x returns@1.0 y returns@1.0 -> 'x'@1.0");
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the first success wins; the losers are cancelled before it returns",
         test_first_success_wins_losers_cancelled_first},
        {"a racer that fails first does not win", test_a_failure_does_not_win},
        {"every racer fails: the exception of coros[0]", test_all_fail_raises_the_first_ones_exception},
        {"a single racer", test_a_single_racer},
        {"two racers finishing in the same turn: the first one's callback wins",
         test_equal_times_the_first_to_finish_wins},
        {NULL, NULL},
    };
    return check_main("first_success", tests, argc, argv);
}
