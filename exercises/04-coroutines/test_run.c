/*
 * test_run.c - tests for exercise 04/run (see run.h).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "run.h"

#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

/* A placeholder for *error, so a run() that never writes it is caught. */
static asy_exc not_set;

static char trace[256];

static void note(const char *s)
{
    if (trace[0] != '\0')
        strncat(trace, " ", sizeof trace - strlen(trace) - 1);
    strncat(trace, s, sizeof trace - strlen(trace) - 1);
}

/* async def async_function(): return 1 */
static asy_status async_function_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(1));
    ASY_END(co);
}

/* async def inner(): note; sleep(0); note; sleep(0); return 10 */
static asy_status inner_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("inner-start");
    ASY_YIELD(co, asy_none());
    note("inner-again");
    ASY_YIELD(co, asy_none());
    note("inner-return");
    ASY_RETURN(co, asy_int(10));
    ASY_END(co);
}

/* async def outer(): result = await inner(); return result + 1 */
static asy_status outer_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("outer-start");
    ASY_AWAIT(co, asy_coro_new(sizeof(asy_coro), inner_body, "inner"));
    note("outer-got-result");
    ASY_RETURN(co, asy_int(ASY_SENT(co).u.i + 1));
    ASY_END(co);
}

/* async def ticker(n): for i in range(n): yield what; return "ticked n"
 * (`what` is None, or a str to check that yielded values are released) */
typedef struct {
    asy_coro co;
    int n, i;
    int *resumes; /* counts the sends it received */
    bool yield_str;
} ticker_frame;

static asy_status ticker_body(asy_coro *co)
{
    ticker_frame *f = (ticker_frame *)co;
    (*f->resumes)++; /* above ASY_BEGIN on purpose: it runs on every resume (ground rule 4) */
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->n; f->i++) {
        ASY_YIELD(co, f->yield_str ? asy_strf("tick %d", f->i) : asy_none());
    }
    ASY_RETURN(co, asy_strf("ticked %d", f->n));
    ASY_END(co);
}

static asy_coro *ticker(int n, int *resumes, bool yield_str)
{
    ticker_frame *f = ASY_CORO_NEW(ticker_frame, ticker_body, "ticker");
    f->n = n;
    f->resumes = resumes;
    f->yield_str = yield_str;
    return &f->co;
}

/* async def fails(yields): for _ in range(yields): sleep(0); raise ValueError("bad") */
typedef struct {
    asy_coro co;
    int yields, i;
} fails_frame;

static asy_status fails_body(asy_coro *co)
{
    fails_frame *f = (fails_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->yields; f->i++) {
        ASY_YIELD(co, asy_none());
    }
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "bad"));
    ASY_END(co);
}

static asy_coro *fails(int yields)
{
    fails_frame *f = ASY_CORO_NEW(fails_frame, fails_body, "fails");
    f->yields = yields;
    return &f->co;
}

static void test_async_function(void)
{
    asy_exc *err = &not_set;
    asy_value v = run(asy_coro_new(sizeof(asy_coro), async_function_body, "async_function"), &err);
    CHECK_STR_EQ(ASY_REPR(v), "1");
    CHECK_MSG(err == NULL, "*error must be set to NULL when the coroutine returned");
    asy_value_decref(v);
    CHECK_NO_LEAKS();
}

static void test_await_chain(void)
{
    trace[0] = '\0';
    asy_exc *err = &not_set;
    asy_value v = run(asy_coro_new(sizeof(asy_coro), outer_body, "outer"), &err);
    CHECK_STR_EQ(ASY_REPR(v), "11");
    CHECK_STR_EQ(trace, "outer-start inner-start inner-again inner-return outer-got-result");
    CHECK_MSG(err == NULL, "*error must be set to NULL when the coroutine returned");
    asy_value_decref(v);
    CHECK_NO_LEAKS();
}

static void test_three_yields(void)
{
    int resumes = 0;
    asy_exc *err = &not_set;
    asy_value v = run(ticker(3, &resumes, false), &err);
    CHECK_STR_EQ(ASY_REPR(v), "'ticked 3'");
    CHECK_MSG(resumes == 4, "3 yields need 4 sends, run() made %d", resumes);
    CHECK(err == NULL);
    asy_value_decref(v);
    CHECK_NO_LEAKS();
}

static void test_yielded_values_released(void)
{
    int resumes = 0;
    asy_exc *err = &not_set;
    asy_value v = run(ticker(2, &resumes, true), &err);
    CHECK_STR_EQ(ASY_REPR(v), "'ticked 2'");
    CHECK_INT_EQ(resumes, 3);
    asy_value_decref(v);
    CHECK_MSG(asy_obj_live() == 0, "%ld objects leaked: are the yielded values and the coroutine itself released?",
              asy_obj_live());
}

static void test_raises(void)
{
    asy_exc *err = &not_set;
    asy_value v = run(fails(2), &err);
    CHECK_STR_EQ(ASY_REPR(v), "None");
    CHECK_FATAL(err != NULL && err != &not_set);
    CHECK_STR_EQ(ASY_EXC_STR(err), "ValueError: bad");
    asy_decref(err);
    asy_value_decref(v);
    CHECK_NO_LEAKS();
}

static void test_raises_at_once(void)
{
    asy_exc *err = &not_set;
    asy_value v = run(fails(0), &err);
    CHECK_STR_EQ(ASY_REPR(v), "None");
    CHECK_FATAL(err != NULL && err != &not_set);
    CHECK_STR_EQ(ASY_EXC_STR(err), "ValueError: bad");
    asy_decref(err);
    CHECK_NO_LEAKS();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"run(async_function()) returns 1", test_async_function},
        {"run() drives an await chain to its end: 10 + 1", test_await_chain},
        {"a coroutine that yields 3 times gets 4 sends and its value comes back", test_three_yields},
        {"values the coroutine yields are released (nothing leaked)", test_yielded_values_released},
        {"a coroutine that raises after 2 yields: None, and *error holds the ValueError", test_raises},
        {"a coroutine that raises in its first step: *error holds the ValueError", test_raises_at_once},
        {NULL, NULL},
    };
    return check_main("run", tests, argc, argv);
}
