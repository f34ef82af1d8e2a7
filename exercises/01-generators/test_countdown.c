/*
 * test_countdown.c - exercise 01/countdown: the hand-written generator.
 */
#include "check.h"
#include "countdown.h"

/* Call countdown_next() until it stops, at most `max` + 1 times, storing
 * the values in out[]. Returns how many values it produced (max + 1 means
 * "it did not stop in time"). */
static int drain(struct countdown *c, int out[], int max)
{
    int count = 0, v;
    while (count <= max && countdown_next(c, &v)) {
        if (count < max)
            out[count] = v;
        count++;
    }
    return count;
}

static void test_counts_down_from_3(void)
{
    struct countdown c;
    int v = -1;
    countdown_init(&c, 3);
    CHECK_INT_EQ(countdown_next(&c, &v), 1);
    CHECK_INT_EQ(v, 3);
    CHECK_INT_EQ(countdown_next(&c, &v), 1);
    CHECK_INT_EQ(v, 2);
    CHECK_INT_EQ(countdown_next(&c, &v), 1);
    CHECK_INT_EQ(v, 1);
    v = -1;
    int rc = countdown_next(&c, &v);
    CHECK_INT_EQ(rc, 0);
    /* Only when it did say "finished": then *out must be left alone. */
    CHECK_MSG(rc != 0 || v == -1, "countdown_next() returned 0 (finished) but also wrote %d into *out", v);
}

static void test_zero_stops_at_once(void)
{
    struct countdown c;
    int v = -1;
    countdown_init(&c, 0);
    CHECK_INT_EQ(countdown_next(&c, &v), 0);
    CHECK_INT_EQ(v, -1);
}

static void test_negative_stops_at_once(void)
{
    struct countdown c;
    int v = -1;
    countdown_init(&c, -5);
    CHECK_INT_EQ(countdown_next(&c, &v), 0);
    CHECK_INT_EQ(countdown_next(&c, &v), 0);
    CHECK_INT_EQ(v, -1);
}

static void test_exhausted_keeps_answering_stop(void)
{
    struct countdown c;
    int out[4];
    countdown_init(&c, 2);
    CHECK_INT_EQ(drain(&c, out, 4), 2);
    for (int k = 0; k < 5; k++) {
        int v = -1;
        CHECK_INT_EQ(countdown_next(&c, &v), 0);
        CHECK_INT_EQ(v, -1);
    }
}

static void test_one_yields_only_1(void)
{
    struct countdown c;
    int out[4] = {0};
    countdown_init(&c, 1);
    CHECK_INT_EQ(drain(&c, out, 4), 1);
    CHECK_INT_EQ(out[0], 1);
}

static void test_long_countdown(void)
{
    static int out[1000];
    struct countdown c;
    countdown_init(&c, 1000);
    CHECK_INT_EQ(drain(&c, out, 1000), 1000);
    int in_order = 1;
    for (int k = 0; k < 1000; k++)
        if (out[k] != 1000 - k)
            in_order = 0;
    CHECK_MSG(in_order, "countdown(1000) did not yield 1000, 999, ..., 1 in order");
}

static void test_two_countdowns_are_independent(void)
{
    struct countdown a, b;
    int va = -1, vb = -1;
    countdown_init(&a, 3);
    countdown_init(&b, 2);
    CHECK_INT_EQ(countdown_next(&a, &va), 1);
    CHECK_INT_EQ(va, 3);
    CHECK_INT_EQ(countdown_next(&b, &vb), 1);
    CHECK_INT_EQ(vb, 2);
    CHECK_INT_EQ(countdown_next(&a, &va), 1);
    CHECK_INT_EQ(va, 2);
    CHECK_INT_EQ(countdown_next(&b, &vb), 1);
    CHECK_INT_EQ(vb, 1);
    CHECK_INT_EQ(countdown_next(&b, &vb), 0); /* b is over ... */
    CHECK_INT_EQ(countdown_next(&a, &va), 1); /* ... a is not */
    CHECK_INT_EQ(va, 1);
    CHECK_INT_EQ(countdown_next(&a, &va), 0);
    CHECK_INT_EQ(countdown_next(&b, &vb), 0);
}

static void test_init_again_restarts(void)
{
    struct countdown c;
    int out[4] = {0};
    countdown_init(&c, 2);
    CHECK_INT_EQ(drain(&c, out, 4), 2);
    countdown_init(&c, 2); /* a new countdown(2) in the same frame */
    CHECK_INT_EQ(drain(&c, out, 4), 2);
    CHECK_INT_EQ(out[0], 2);
    CHECK_INT_EQ(out[1], 1);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"countdown(3) yields 3, 2, 1, then stops", test_counts_down_from_3},
        {"countdown(0) stops at the first next()", test_zero_stops_at_once},
        {"countdown(-5) stops at the first next()", test_negative_stops_at_once},
        {"an exhausted countdown keeps answering 0 (StopIteration)", test_exhausted_keeps_answering_stop},
        {"countdown(1) yields only 1", test_one_yields_only_1},
        {"countdown(1000) yields 1000 values in order", test_long_countdown},
        {"two countdowns used in turn do not disturb each other (state lives in the struct)",
         test_two_countdowns_are_independent},
        {"countdown_init on a finished countdown starts it again", test_init_again_restarts},
        {NULL, NULL},
    };
    return check_main("countdown", tests, argc, argv);
}
