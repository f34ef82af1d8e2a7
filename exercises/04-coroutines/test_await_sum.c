/*
 * test_await_sum.c - tests for exercise 04/await_sum (see await_sum.h).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "await_sum.h"

#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

static char trace[256];

static void note(const char *name, const char *what)
{
    size_t len = strlen(trace);
    snprintf(trace + len, sizeof trace - len, "%s%s-%s", len > 0 ? " " : "", name, what);
}

/* async def number(name, value, yields, fail):
 *     note start; yield (bare) `yields` times; note end
 *     if fail: raise ValueError(name); return value                    */
typedef struct {
    asy_coro co;
    const char *name;
    long long value;
    int yields, i;
    bool fail;
} number_frame;

static asy_status number_body(asy_coro *co)
{
    number_frame *f = (number_frame *)co;
    ASY_BEGIN(co);
    note(f->name, "start");
    for (f->i = 0; f->i < f->yields; f->i++) {
        ASY_YIELD(co, asy_none());
    }
    note(f->name, "end");
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s failed", f->name));
    ASY_RETURN(co, asy_int(f->value));
    ASY_END(co);
}

static asy_coro *number(const char *name, long long value, int yields, bool fail)
{
    number_frame *f = ASY_CORO_NEW(number_frame, number_body, "number");
    f->name = name;
    f->value = value;
    f->yields = yields;
    f->fail = fail;
    return &f->co;
}

/* How a step ended, as one readable string: "returned 5", "yielded None",
 * "raised ValueError: a failed". */
static const char *outcome(const asy_result *r)
{
    static char buf[ASY_FMT_MAX + 16];
    if (r->status == ASY_RAISED)
        snprintf(buf, sizeof buf, "raised %s", r->exc != NULL ? ASY_EXC_STR(r->exc) : "NULL");
    else
        snprintf(buf, sizeof buf, "%s %s", r->status == ASY_YIELDED ? "yielded" : "returned",
                 ASY_REPR(r->value));
    return buf;
}

/* Overwrite the stack between two sends, as a real program would: a value
 * kept in a C local of the body across a yield is gone after this. */
static __attribute__((noinline)) void clobber_stack(void)
{
    volatile unsigned char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(0xA5 ^ i);
}

static void test_sum_at_once(void)
{
    trace[0] = '\0';
    asy_result r = asy_coro_drive(await_sum(number("a", 2, 0, false), number("b", 3, 0, false)));
    CHECK_STR_EQ(outcome(&r), "returned 5");
    asy_result_clear(&r);
    CHECK_NO_LEAKS();
}

static void test_builds_and_runs_nothing(void)
{
    trace[0] = '\0';
    asy_coro *co = await_sum(number("a", 2, 0, false), number("b", 3, 0, false));
    CHECK_FATAL(co != NULL);
    CHECK(asy_iscoroutine(co));
    CHECK_STR_EQ(trace, "");
    asy_decref(co); /* dropped unstarted: a and b must be released too */
    CHECK_NO_LEAKS();
}

static void test_a_then_b(void)
{
    trace[0] = '\0';
    asy_result r = asy_coro_drive(await_sum(number("a", 1, 2, false), number("b", 2, 1, false)));
    CHECK_STR_EQ(trace, "a-start a-end b-start b-end");
    CHECK_STR_EQ(outcome(&r), "returned 3");
    asy_result_clear(&r);
    CHECK_NO_LEAKS();
}

static void test_value_survives_yields(void)
{
    trace[0] = '\0';
    asy_coro *co = await_sum(number("a", 1000, 1, false), number("b", 7, 2, false));
    asy_result r;
    int sends = 0;
    for (;;) {
        clobber_stack();
        r = asy_gen_send(co, asy_none());
        sends++;
        if (r.status != ASY_YIELDED)
            break;
        CHECK_STR_EQ(ASY_REPR(r.value), "None"); /* the bare yields pass through */
        asy_result_clear(&r);
    }
    CHECK_INT_EQ(sends, 4); /* a's one yield, b's two, and the last step */
    CHECK_MSG(r.status == ASY_RETURNED && r.value.kind == ASY_INT && r.value.u.i == 1007,
              "1000 + 7 should be 1007, it %s: is a's value kept in the frame?", outcome(&r));
    asy_result_clear(&r);
    asy_decref(co);
    CHECK_NO_LEAKS();
}

static void test_exception_from_a(void)
{
    trace[0] = '\0';
    asy_result r = asy_coro_drive(await_sum(number("a", 1, 1, true), number("b", 2, 0, false)));
    CHECK_STR_EQ(outcome(&r), "raised ValueError: a failed");
    CHECK_STR_EQ(trace, "a-start a-end"); /* b never ran */
    asy_result_clear(&r);
    CHECK_NO_LEAKS();
}

static void test_exception_from_b(void)
{
    trace[0] = '\0';
    asy_result r = asy_coro_drive(await_sum(number("a", 1, 0, false), number("b", 2, 1, true)));
    CHECK_STR_EQ(outcome(&r), "raised ValueError: b failed");
    asy_result_clear(&r);
    CHECK_NO_LEAKS();
}

static void test_dropped_while_awaiting(void)
{
    trace[0] = '\0';
    asy_coro *co = await_sum(number("a", 1, 0, false), number("b", 2, 3, false));
    asy_result r = asy_gen_send(co, asy_none()); /* a done, b suspended at its first yield */
    CHECK_STR_EQ(outcome(&r), "yielded None");
    asy_result_clear(&r);
    asy_decref(co); /* closed in the middle of `await b` */
    CHECK_STR_EQ(trace, "a-start a-end b-start");
    CHECK_NO_LEAKS();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"await_sum(2, 3) returns 5", test_sum_at_once},
        {"calling await_sum runs nothing, and dropping it leaks nothing", test_builds_and_runs_nothing},
        {"a is awaited to its end before b starts", test_a_then_b},
        {"a's value survives b's yields: 1000 + 7 = 1007", test_value_survives_yields},
        {"an exception from a propagates and b never runs", test_exception_from_a},
        {"an exception from b propagates", test_exception_from_b},
        {"dropped in the middle of await b: nothing leaked", test_dropped_while_awaiting},
        {NULL, NULL},
    };
    return check_main("await_sum", tests, argc, argv);
}
