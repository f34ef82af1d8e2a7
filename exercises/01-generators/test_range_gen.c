/*
 * test_range_gen.c - exercise 01/range_gen: Python's range as a generator.
 */
#include <limits.h>
#include <stdio.h>

#include "check.h"
#include "range_gen.h"

#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

/* Run a generator to its end (at most 64 values) and write what it yielded
 * as Python prints a list: "[0, 1, 2]". A generator that raises adds
 * " raised <exception>"; one that does not stop in time adds " ...".
 * Takes `gen` (steals the reference). */
static const char *listed(asy_gen *gen, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "[");
    int count = 0;
    for (;;) {
        if (count == 64) {
            snprintf(buf + n, size - n, " ...");
            break;
        }
        asy_result r = asy_gen_next(gen);
        if (r.status == ASY_YIELDED) {
            n += (size_t)snprintf(buf + n, size - n, "%s%s", count ? ", " : "", ASY_REPR(r.value));
            count++;
        } else if (r.status == ASY_RETURNED) {
            snprintf(buf + n, size - n, "]");
            asy_result_clear(&r);
            break;
        } else {
            snprintf(buf + n, size - n, "] raised %s", r.exc ? ASY_EXC_STR(r.exc) : "(NULL)");
            asy_result_clear(&r);
            break;
        }
        asy_result_clear(&r);
        if (n >= size)
            break;
    }
    asy_decref(gen);
    return buf;
}
#define LIST(gen) listed((gen), (char[1024]){0}, 1024)

/* One next(gen), described: the value yielded ("7"), "StopIteration", or
 * the exception raised ("ValueError: ..."). Borrows gen. */
static const char *next_of(asy_gen *gen, char *buf, size_t size)
{
    asy_result r = asy_gen_next(gen);
    if (r.status == ASY_YIELDED)
        snprintf(buf, size, "%s", ASY_REPR(r.value));
    else if (r.status == ASY_RETURNED)
        snprintf(buf, size, "StopIteration");
    else
        snprintf(buf, size, "%s", r.exc ? ASY_EXC_STR(r.exc) : "(NULL)");
    asy_result_clear(&r);
    return buf;
}
#define NEXT(gen) next_of((gen), (char[ASY_FMT_MAX]){0}, ASY_FMT_MAX)

static void test_counts_up(void)
{
    asy_gen *g = range_gen(0, 5, 1);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[0, 1, 2, 3, 4]");
    CHECK_NO_LEAKS();
}

static void test_step_3(void)
{
    asy_gen *g = range_gen(1, 10, 3);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[1, 4, 7]");
    CHECK_NO_LEAKS();
}

static void test_stop_is_excluded(void)
{
    asy_gen *g = range_gen(0, 9, 3);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[0, 3, 6]");
    CHECK_NO_LEAKS();
}

static void test_negative_numbers(void)
{
    asy_gen *g = range_gen(-3, 2, 2);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[-3, -1, 1]");
    CHECK_NO_LEAKS();
}

static void test_negative_step(void)
{
    asy_gen *g = range_gen(5, 0, -2);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[5, 3, 1]");
    g = range_gen(3, -1, -1);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[3, 2, 1, 0]");
    CHECK_NO_LEAKS();
}

static void test_empty_ranges(void)
{
    asy_gen *g = range_gen(3, 3, 1);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[]");
    g = range_gen(5, 0, 1); /* counting up from above stop */
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[]");
    g = range_gen(0, 5, -1); /* counting down from below stop */
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[]");
    CHECK_NO_LEAKS();
}

static void test_lazy_and_exhausted(void)
{
    asy_gen *g = range_gen(0, 2, 1);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CREATED");
    CHECK_STR_EQ(NEXT(g), "0");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_SUSPENDED");
    CHECK_STR_EQ(NEXT(g), "1");
    CHECK_STR_EQ(NEXT(g), "StopIteration");
    CHECK_STR_EQ(NEXT(g), "StopIteration"); /* and again */
    CHECK_STR_EQ(NEXT(g), "StopIteration"); /* and again */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_step_zero_raises_on_first_next(void)
{
    asy_gen *g = range_gen(0, 5, 0);
    CHECK_FATAL(g != NULL);
    /* nothing runs at call time: the error waits for the first next() */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CREATED");
    asy_result r = asy_gen_next(g);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_NOT_NULL(r.exc);
    if (r.exc != NULL) { /* no CHECK_FATAL here: g must still be released */
        CHECK(asy_exc_is(r.exc, &asy_ValueError));
        CHECK_STR_EQ(ASY_EXC_STR(r.exc), "ValueError: range() arg 3 must not be zero");
    }
    asy_result_clear(&r);
    /* a generator that raised is finished: next() now says StopIteration */
    CHECK_STR_EQ(NEXT(g), "StopIteration");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_two_ranges_interleaved(void)
{
    asy_gen *a = range_gen(0, 3, 1), *b = range_gen(10, 7, -1);
    CHECK_NOT_NULL(a);
    CHECK_NOT_NULL(b);
    if (a == NULL || b == NULL) {
        asy_decref(a);
        asy_decref(b);
        return;
    }
    CHECK_STR_EQ(NEXT(a), "0");
    CHECK_STR_EQ(NEXT(b), "10");
    CHECK_STR_EQ(NEXT(b), "9");
    CHECK_STR_EQ(NEXT(a), "1");
    CHECK_STR_EQ(NEXT(a), "2");
    CHECK_STR_EQ(NEXT(b), "8");
    CHECK_STR_EQ(NEXT(a), "StopIteration");
    CHECK_STR_EQ(NEXT(b), "StopIteration");
    asy_decref(a);
    asy_decref(b);
    CHECK_NO_LEAKS();
}

static void test_dropped_half_way_leaks_nothing(void)
{
    asy_gen *g = range_gen(0, 1000000, 1);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(NEXT(g), "0");
    CHECK_STR_EQ(NEXT(g), "1");
    asy_decref(g); /* still suspended: closed, then freed */
    CHECK_NO_LEAKS();
}

static void test_no_overflow_near_the_limits(void)
{
    /* Python's ints never overflow; a long long does, and then i += step
     * would wrap around to a huge negative number "inside" the range. */
    asy_gen *g = range_gen(LLONG_MAX - 1, LLONG_MAX, 2);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[9223372036854775806]");
    g = range_gen(LLONG_MIN + 2, LLONG_MIN, -3);
    CHECK_FATAL(g != NULL);
    CHECK_STR_EQ(LIST(g), "[-9223372036854775806]");
    CHECK_NO_LEAKS();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"range_gen(0, 5, 1) yields 0, 1, 2, 3, 4", test_counts_up},
        {"range_gen(1, 10, 3) yields 1, 4, 7", test_step_3},
        {"range_gen(0, 9, 3) yields 0, 3, 6 (stop is excluded)", test_stop_is_excluded},
        {"range_gen(-3, 2, 2) yields -3, -1, 1", test_negative_numbers},
        {"a negative step counts down: range_gen(5, 0, -2) yields 5, 3, 1", test_negative_step},
        {"empty ranges yield nothing: (3, 3, 1), (5, 0, 1), (0, 5, -1)", test_empty_ranges},
        {"range_gen runs nothing until next(); once over, it keeps answering StopIteration",
         test_lazy_and_exhausted},
        {"step 0 raises ValueError(\"range() arg 3 must not be zero\") on the first next()",
         test_step_zero_raises_on_first_next},
        {"two range generators used in turn do not disturb each other", test_two_ranges_interleaved},
        {"a range_gen released half-way leaks nothing", test_dropped_half_way_leaks_nothing},
        {"range_gen near LLONG_MAX / LLONG_MIN stops instead of overflowing", test_no_overflow_near_the_limits},
        {NULL, NULL},
    };
    return check_main("range_gen", tests, argc, argv);
}
