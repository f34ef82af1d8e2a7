/* The check.h API: every macro fails once here, with a known message.
 * tools/runner-tests/run.sh compiles this and checks its output and report. */
#include <stddef.h>
#include "check.h"

static int calls;
static int next(void) { return ++calls; }

static void test_passes(void)
{
    CHECK(1 + 1 == 2);
    CHECK_MSG(1, "never shown");
    CHECK_INT_EQ(2 + 2, 4);
    CHECK_STR_EQ("abc", "abc");
    CHECK_STR_EQ(NULL, NULL);
    CHECK_DBL_NEAR(0.1 + 0.2, 0.3, 1e-9);
    CHECK_NULL(NULL);
    CHECK_NOT_NULL(&calls);
    CHECK_FATAL(1);
}
static void test_int(void) { CHECK_INT_EQ(next(), 4); CHECK_INT_EQ(calls, 1); }
static void test_str(void) { CHECK_STR_EQ("tab\there", "line\nbreak"); CHECK_STR_EQ(NULL, "x"); }
static void test_dbl(void) { CHECK_DBL_NEAR(1.5, 1.75, 0.1); }
static void test_ptr(void) { CHECK_NULL(&calls); CHECK_NOT_NULL((void *)0); }
static void test_msg(void) { CHECK_MSG(calls > 10, "calls is %d", calls); CHECK(calls < 0); }
static void test_fatal(void)
{
    CHECK_FATAL(calls == 99);
    CHECK_MSG(0, "after a fatal check: must not run");
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"test_passes", test_passes}, {"test_int", test_int}, {"test_str", test_str},
        {"test_dbl", test_dbl},       {"test_ptr", test_ptr}, {"test_msg", test_msg},
        {"test_fatal", test_fatal},   {NULL, NULL},
    };
    return check_main("api", tests, argc, argv);
}
