/*
 * test_averager.c - exercise 02-send/averager.
 */
#include "averager.h"
#include "check.h"

/* "ASY_YIELDED" rather than 0 in failure messages. */
static const char *status_name(asy_status s)
{
    return s == ASY_YIELDED ? "ASY_YIELDED" : s == ASY_RETURNED ? "ASY_RETURNED"
         : s == ASY_RAISED  ? "ASY_RAISED"  : "?";
}

/* Send v and expect a float yielded close to want; releases the result. */
static void expect_average(asy_gen *g, asy_value v, double want)
{
    asy_result r = asy_gen_send(g, v);
    CHECK_STR_EQ(status_name(r.status), "ASY_YIELDED");
    CHECK_MSG(r.value.kind == ASY_FLOAT, "the average must be a float, got %s (%s)",
              ASY_REPR(r.value), asy_value_type_name(r.value));
    if (r.value.kind == ASY_FLOAT)
        CHECK_DBL_NEAR(r.value.u.f, want, 1e-9);
    asy_result_clear(&r);
}

/* Prime g and expect None; returns false if that went wrong. */
static bool prime(asy_gen *g)
{
    asy_result r = asy_gen_next(g);
    bool ok = r.status == ASY_YIELDED && asy_is_none(r.value);
    CHECK_STR_EQ(status_name(r.status), "ASY_YIELDED");
    CHECK_STR_EQ(ASY_REPR(r.value), "None");
    asy_result_clear(&r);
    return ok;
}

static void test_priming_yields_none(void)
{
    asy_gen *g = averager();
    CHECK_FATAL(g != NULL);
    prime(g);
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_SUSPENDED");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_averages_of_10_30_5(void)
{
    asy_gen *g = averager();
    CHECK_FATAL(g != NULL);
    if (prime(g)) {
        expect_average(g, asy_int(10), 10.0);
        expect_average(g, asy_int(30), 20.0);
        expect_average(g, asy_int(5), 15.0);
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_floats_and_ints_mix(void)
{
    asy_gen *g = averager();
    CHECK_FATAL(g != NULL);
    if (prime(g)) {
        expect_average(g, asy_float(0.5), 0.5);
        expect_average(g, asy_int(2), 1.25);
        expect_average(g, asy_float(-1.25), 0.4166666666666667);
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Two averagers keep separate state (no static variables). */
static void test_two_averagers_are_independent(void)
{
    asy_gen *a = averager();
    asy_gen *b = averager();
    CHECK_FATAL(a != NULL && b != NULL);
    if (prime(a) && prime(b)) {
        expect_average(a, asy_int(100), 100.0);
        expect_average(b, asy_int(1), 1.0);
        expect_average(a, asy_int(0), 50.0);
        expect_average(b, asy_int(3), 2.0);
    }
    asy_decref(a);
    asy_decref(b);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_sending_a_str_raises_typeerror(void)
{
    asy_gen *g = averager();
    CHECK_FATAL(g != NULL);
    if (prime(g)) {
        expect_average(g, asy_int(10), 10.0);
        asy_value word = asy_str("ten");
        asy_result r = asy_gen_send(g, word);
        asy_value_decref(word); /* send borrows: our reference is still ours */
        CHECK_STR_EQ(status_name(r.status), "ASY_RAISED");
        CHECK_FATAL(r.status == ASY_RAISED && r.exc != NULL);
        CHECK_STR_EQ(ASY_EXC_STR(r.exc),
                     "TypeError: unsupported operand type(s) for +=: 'float' and 'str'");
        asy_result_clear(&r);
        /* A generator that raised is finished. */
        CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_sending_none_after_priming_raises_typeerror(void)
{
    asy_gen *g = averager();
    CHECK_FATAL(g != NULL);
    if (prime(g)) {
        asy_result r = asy_gen_send(g, asy_none());
        CHECK_STR_EQ(status_name(r.status), "ASY_RAISED");
        CHECK_FATAL(r.status == ASY_RAISED && r.exc != NULL);
        CHECK_STR_EQ(ASY_EXC_STR(r.exc),
                     "TypeError: unsupported operand type(s) for +=: 'float' and 'NoneType'");
        asy_result_clear(&r);
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Library behaviour, not yours to write: this documents the priming rule. */
static void test_sending_before_priming_is_refused(void)
{
    asy_gen *g = averager();
    CHECK_FATAL(g != NULL);
    asy_result r = asy_gen_send(g, asy_int(10));
    CHECK_STR_EQ(status_name(r.status), "ASY_RAISED");
    CHECK_FATAL(r.exc != NULL);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc),
                 "TypeError: can't send non-None value to a just-started generator");
    asy_result_clear(&r);
    /* Nothing ran, so priming still works afterwards. */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CREATED");
    if (prime(g))
        expect_average(g, asy_int(4), 4.0);
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"priming averager() yields None", test_priming_yields_none},
        {"sending 10, 30, 5 yields 10.0, 20.0, 15.0", test_averages_of_10_30_5},
        {"floats and ints mix: 0.5, 2, -1.25 yield 0.5, 1.25, 0.41666...", test_floats_and_ints_mix},
        {"two averagers keep their own totals (state lives in the frame)",
         test_two_averagers_are_independent},
        {"sending 'ten' raises TypeError: unsupported operand type(s) for +=: 'float' and 'str'",
         test_sending_a_str_raises_typeerror},
        {"sending None after priming raises TypeError ('float' and 'NoneType')",
         test_sending_none_after_priming_raises_typeerror},
        {"send(10) before priming is refused by the library, and priming still works after",
         test_sending_before_priming_is_refused},
        {NULL, NULL},
    };
    return check_main("averager", tests, argc, argv);
}
