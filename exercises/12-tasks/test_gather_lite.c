/*
 * test_gather_lite.c - exercise 12.2, on the virtual clock: concurrency is
 * visible in the time (3 s, not 3 + 1 + 2 = 6 s) and in the order the
 * coroutines start.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "gather_lite.h"
#include "runners.h"

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

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

/* async def job(name, delay, fail): print start; await sleep(delay); return name or raise */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    bool fail;
} job_frame;

static asy_status job_body(asy_coro *co)
{
    job_frame *f = (job_frame *)co;
    ASY_BEGIN(co);
    note("%s@%.0f", f->name, now());
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s failed", f->name));
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_coro *job(const char *name, double delay, bool fail)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    return &f->co;
}

/* async def main(): n = await gather_lite(...); note the time */
typedef struct {
    asy_coro co;
    asy_coro *gather;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_coro *g = f->gather;
        f->gather = NULL;
        ASY_AWAIT_TRY(co, g);
    }
    if (ASY_EXC(co) != NULL)
        note("raised %s@%.0f", ASY_EXC_STR(ASY_EXC(co)), now());
    else
        note("returned %s@%.0f", ASY_STR(ASY_SENT(co)), now());
    ASY_END(co); /* a pending exception goes on to run() */
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->gather); }

static asy_result run_main(asy_coro *gather)
{
    static const asy_loop_options opts = {NULL, true};
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    f->gather = gather;
    asy_gen_set_clear(&f->co, main_clear);
    return asy_run(&f->co, &opts);
}

static void test_runs_concurrently_results_in_order(void)
{
    trace[0] = '\0';
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    asy_coro *coros[3] = {job("a", 3, false), job("b", 1, false), job("c", 2, false)};
    asy_result r = run_main(gather_lite(coros, 3, results));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "a@0 b@0 c@0 returned 3@3"); /* all start at 0; done at max = 3 s */
    CHECK_STR_EQ(ASY_STR(results[0]), "a");
    CHECK_STR_EQ(ASY_STR(results[1]), "b");
    CHECK_STR_EQ(ASY_STR(results[2]), "c");
    asy_result_clear(&r);
    for (int i = 0; i < 3; i++)
        asy_value_clear(&results[i]);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_first_error_propagates(void)
{
    trace[0] = '\0';
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    asy_coro *coros[3] = {job("a", 1, false), job("b", 2, true), job("c", 5, false)};
    asy_result r = run_main(gather_lite(coros, 3, results));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "(nothing raised)", "ValueError: b failed");
    /* b fails at 2 s; c was started with the others and is still running
     * (run() cancels it when main ends) */
    CHECK_STR_EQ(trace, "a@0 b@0 c@0 raised ValueError: b failed@2");
    CHECK_STR_EQ(ASY_STR(results[0]), "a");
    asy_result_clear(&r);
    for (int i = 0; i < 3; i++)
        asy_value_clear(&results[i]);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_empty(void)
{
    trace[0] = '\0';
    asy_result r = run_main(gather_lite(NULL, 0, NULL));
    CHECK_STR_EQ(trace, "returned 0@0");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"jobs of 3, 1 and 2 s start together, finish at 3 s, results in order", test_runs_concurrently_results_in_order},
        {"the first exception propagates; the others had started with it", test_first_error_propagates},
        {"gather_lite() of nothing returns 0 at once", test_empty},
        {NULL, NULL},
    };
    return check_main("gather_lite", tests, argc, argv);
}
