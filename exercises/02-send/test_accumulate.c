/*
 * test_accumulate.c - exercise 02-send/accumulate.
 */
#include "accumulate.h"
#include "check.h"

#include <string.h>

/* "ASY_RETURNED" rather than 1 in failure messages. */
static const char *status_name(asy_status s)
{
    return s == ASY_YIELDED ? "ASY_YIELDED" : s == ASY_RETURNED ? "ASY_RETURNED"
         : s == ASY_RAISED  ? "ASY_RAISED"  : "?";
}

/* Send v; expect the given status and repr of the value; release the
 * result. Returns true when both matched. */
static bool expect(asy_gen *g, asy_value v, asy_status status, const char *repr)
{
    asy_result r = asy_gen_send(g, v);
    bool ok = r.status == status && r.exc == NULL && strcmp(ASY_REPR(r.value), repr) == 0;
    CHECK_STR_EQ(status_name(r.status), status_name(status));
    if (r.exc != NULL)
        CHECK_MSG(0, "the generator raised %s", ASY_EXC_STR(r.exc));
    else
        CHECK_STR_EQ(ASY_REPR(r.value), repr);
    asy_result_clear(&r);
    return ok;
}

static void test_priming_yields_zero(void)
{
    asy_gen *g = accumulate();
    CHECK_FATAL(g != NULL);
    expect(g, asy_none(), ASY_YIELDED, "0");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_running_totals(void)
{
    asy_gen *g = accumulate();
    CHECK_FATAL(g != NULL);
    if (expect(g, asy_none(), ASY_YIELDED, "0")) {
        expect(g, asy_int(1), ASY_YIELDED, "1");
        expect(g, asy_int(2), ASY_YIELDED, "3");
        expect(g, asy_int(3), ASY_YIELDED, "6");
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_none_returns_the_total(void)
{
    asy_gen *g = accumulate();
    CHECK_FATAL(g != NULL);
    if (expect(g, asy_none(), ASY_YIELDED, "0") && expect(g, asy_int(1), ASY_YIELDED, "1") &&
        expect(g, asy_int(2), ASY_YIELDED, "3") && expect(g, asy_int(3), ASY_YIELDED, "6")) {
        asy_result r = asy_gen_send(g, asy_none());
        CHECK_STR_EQ(status_name(r.status), "ASY_RETURNED");
        CHECK_MSG(r.value.kind == ASY_INT && r.value.u.i == 6,
                  "the return value must be the int 6, got %s", ASY_REPR(r.value));
        /* What Python's `except StopIteration as e` would see. */
        if (r.status == ASY_RETURNED) {
            asy_exc *e = asy_exc_stop_iteration(r.value); /* steals the value */
            r.value = asy_none();
            CHECK_STR_EQ(ASY_EXC_STR(e), "StopIteration: 6");
            asy_decref(e);
        }
        asy_result_clear(&r);
        CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_none_at_once_returns_zero(void)
{
    asy_gen *g = accumulate();
    CHECK_FATAL(g != NULL);
    if (expect(g, asy_none(), ASY_YIELDED, "0"))
        expect(g, asy_none(), ASY_RETURNED, "0");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_negative_numbers(void)
{
    asy_gen *g = accumulate();
    CHECK_FATAL(g != NULL);
    if (expect(g, asy_none(), ASY_YIELDED, "0") && expect(g, asy_int(-5), ASY_YIELDED, "-5") &&
        expect(g, asy_int(12), ASY_YIELDED, "7"))
        expect(g, asy_none(), ASY_RETURNED, "7");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Library behaviour: a finished generator keeps answering "returned None". */
static void test_sends_after_the_end_return_none(void)
{
    asy_gen *g = accumulate();
    CHECK_FATAL(g != NULL);
    if (expect(g, asy_none(), ASY_YIELDED, "0") && expect(g, asy_int(4), ASY_YIELDED, "4") &&
        expect(g, asy_none(), ASY_RETURNED, "4")) {
        expect(g, asy_int(1), ASY_RETURNED, "None");
        expect(g, asy_none(), ASY_RETURNED, "None");
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"priming accumulate() yields 0", test_priming_yields_zero},
        {"sending 1, 2, 3 yields 1, 3, 6", test_running_totals},
        {"after 1, 2, 3, sending None returns 6 (StopIteration: 6)", test_none_returns_the_total},
        {"sending None right after priming returns 0", test_none_at_once_returns_zero},
        {"sending -5, 12 yields -5, 7; None returns 7", test_negative_numbers},
        {"after returning, every send answers returned None", test_sends_after_the_end_return_none},
        {NULL, NULL},
    };
    return check_main("accumulate", tests, argc, argv);
}
