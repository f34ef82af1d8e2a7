/*
 * test_take.c - exercise 01/take: list(islice(gen, n)) for any generator.
 */
#include <stdio.h>

#include "check.h"
#include "take.h"

#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

/* ---- generators to take from ---- */

/* def gen_func(): yield 1; yield 2; yield 3 */
static asy_status gen_func_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    ASY_YIELD(g, asy_int(2));
    ASY_YIELD(g, asy_int(3));
    ASY_END(g);
}
static asy_gen *gen_func(void) { return asy_gen_new(sizeof(asy_gen), gen_func_body, "gen_func"); }

/* def words(): yield "one"; yield "two"; return "done" -- counted strings */
static asy_status words_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_str("one"));
    ASY_YIELD(g, asy_str("two"));
    ASY_RETURN(g, asy_str("done"));
    ASY_END(g);
}
static asy_gen *words(void) { return asy_gen_new(sizeof(asy_gen), words_body, "words"); }

/* def faulty(): yield "ok"; raise ValueError("boom") */
static asy_status faulty_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_str("ok"));
    ASY_RAISE(g, asy_exc_new(&asy_ValueError, "boom"));
    ASY_END(g);
}
static asy_gen *faulty(void) { return asy_gen_new(sizeof(asy_gen), faulty_body, "faulty"); }

/* out[0..count-1] as Python prints a list, then released. */
static const char *listed(asy_value out[], int count, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < count && n < size; i++) {
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", ASY_REPR(out[i]));
        asy_value_clear(&out[i]);
    }
    if (n < size)
        snprintf(buf + n, size - n, "]");
    return buf;
}
#define LIST(out, count) listed((out), (count), (char[512]){0}, 512)

/* A value array pre-filled with a marker, so untouched slots are visible. */
static void fill(asy_value out[], int n)
{
    for (int i = 0; i < n; i++)
        out[i] = asy_int(-99);
}

static void test_takes_the_first_two(void)
{
    asy_value out[8];
    fill(out, 8);
    asy_exc *exc = NULL;
    asy_gen *g = gen_func();
    int count = take(g, 2, out, &exc);
    CHECK_INT_EQ(count, 2);
    CHECK_NULL(exc);
    if (count >= 0 && count <= 8)
        CHECK_STR_EQ(LIST(out, count), "[1, 2]");
    CHECK_STR_EQ(ASY_REPR(out[2]), "-99"); /* nothing written past n */
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_stops_at_the_end(void)
{
    asy_value out[8];
    fill(out, 8);
    asy_exc *exc = NULL;
    asy_gen *g = gen_func();
    int count = take(g, 8, out, &exc);
    CHECK_INT_EQ(count, 3);
    CHECK_NULL(exc);
    if (count >= 0 && count <= 8)
        CHECK_STR_EQ(LIST(out, count), "[1, 2, 3]");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_never_one_next_too_many(void)
{
    asy_value out[8];
    fill(out, 8);
    asy_exc *exc = NULL;
    asy_gen *g = gen_func();
    int count = take(g, 3, out, &exc);
    CHECK_INT_EQ(count, 3);
    if (count >= 0 && count <= 8)
        CHECK_STR_EQ(LIST(out, count), "[1, 2, 3]");
    /* exactly three next() calls: the generator still waits at `yield 3` */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_SUSPENDED");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_takes_on_where_it_left_off(void)
{
    asy_value out[8];
    fill(out, 8);
    asy_exc *exc = NULL;
    asy_gen *g = gen_func();
    int count = take(g, 1, out, &exc);
    CHECK_INT_EQ(count, 1);
    if (count >= 0 && count <= 8)
        CHECK_STR_EQ(LIST(out, count), "[1]");
    count = take(g, 5, out, &exc);
    CHECK_INT_EQ(count, 2);
    if (count >= 0 && count <= 8)
        CHECK_STR_EQ(LIST(out, count), "[2, 3]");
    count = take(g, 5, out, &exc); /* exhausted: nothing more, no error */
    CHECK_INT_EQ(count, 0);
    CHECK_NULL(exc);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_zero_touches_nothing(void)
{
    asy_value out[1];
    fill(out, 1);
    asy_exc *exc = NULL;
    asy_gen *g = gen_func();
    CHECK_INT_EQ(take(g, 0, out, &exc), 0);
    CHECK_NULL(exc);
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CREATED");
    CHECK_STR_EQ(ASY_REPR(out[0]), "-99");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_strings_are_owned_by_the_caller(void)
{
    asy_value out[8];
    fill(out, 8);
    asy_exc *exc = NULL;
    asy_gen *g = words();
    int count = take(g, 8, out, &exc);
    CHECK_INT_EQ(count, 2);
    CHECK_NULL(exc);
    asy_decref(g); /* the generator is gone; the strings must not be */
    if (count >= 0 && count <= 8)
        CHECK_STR_EQ(LIST(out, count), "['one', 'two']");
    CHECK_NO_LEAKS(); /* and the return value "done" was released */
}

static void test_an_exception_is_handed_over(void)
{
    asy_value out[8];
    fill(out, 8);
    asy_exc *exc = NULL;
    asy_gen *g = faulty();
    int count = take(g, 8, out, &exc);
    CHECK_INT_EQ(count, 1);
    if (count >= 0 && count <= 8)
        CHECK_STR_EQ(LIST(out, count), "['ok']");
    CHECK_NOT_NULL(exc);
    if (exc != NULL) /* no CHECK_FATAL here: g must still be released */
        CHECK_STR_EQ(ASY_EXC_STR(exc), "ValueError: boom");
    asy_decref(exc);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"take(gen_func(), 2) gives [1, 2]", test_takes_the_first_two},
        {"take(gen_func(), 8) stops at StopIteration and gives [1, 2, 3]", test_stops_at_the_end},
        {"take(gen, 3) calls next() exactly 3 times (the generator is still suspended)",
         test_never_one_next_too_many},
        {"a second take() carries on where the first stopped", test_takes_on_where_it_left_off},
        {"take(gen, 0) gives nothing and does not start the generator", test_zero_touches_nothing},
        {"yielded strings belong to the caller; the return value is released", test_strings_are_owned_by_the_caller},
        {"an exception raised by the generator is handed over with the values before it",
         test_an_exception_is_handed_over},
        {NULL, NULL},
    };
    return check_main("take", tests, argc, argv);
}
