/*
 * check.h — the course's test driver, a thin layer over CUnit.
 *
 * Every test program (lib/tests/test_*.c, exercises/NN-slug/test_*.c, the
 * runner's fixtures) is one suite written like this:
 *
 *     #include "check.h"
 *     static void test_adds(void) { CHECK_INT_EQ(add(2, 2), 4); }
 *     int main(int argc, char **argv) {
 *         static const check_test tests[] = {
 *             { "test_adds", test_adds },
 *             { NULL, NULL }
 *         };
 *         return check_main("add", tests, argc, argv);
 *     }
 *
 * check_main() runs the tests with CUnit and prints, on stdout, one line per
 * failed check ("  FAIL <test>: <file>:<line>: <message>") and a summary line
 * ("<suite>: N tests, N failed").  It exits 0 when every test passed, 1
 * otherwise, 2 on bad usage.  `prog NAME` runs only the test called NAME.
 *
 * If the environment variable CHECK_REPORT names a file, a machine-readable
 * report is written there as the run goes (one unbuffered write per line, so
 * a crash leaves everything before it):
 *     PLAN\t<test>                        every test that will run, first
 *     RUN\t<test>                         when a test starts
 *     FAIL\t<test>\t<file>:<line>\t<msg>  per failed check, when the test ends
 *     PASS\t<test>                        when a test ends without failures
 * tools/runner reads it to name the failing checks and the test that was
 * running when a program crashed or hung.
 *
 * All CHECK_* macros are statements and evaluate each argument once.  Only
 * CHECK_FATAL stops the current test; the others record and go on.  Use them
 * only inside a test function.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stddef.h>

typedef struct {
    const char *name;
    void (*fn)(void);
} check_test; /* arrays of tests end with { NULL, NULL } */

int check_main(const char *suite, const check_test *tests, int argc, char **argv);

#if defined(__GNUC__) || defined(__clang__)
#define CHECK_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
#define CHECK_PRINTF_(f, a)
#endif

/* Implementation hooks behind the macros; not for direct use. */
void check_msg_(int ok, int fatal, const char *file, int line, const char *fmt, ...)
    CHECK_PRINTF_(5, 6);
void check_int_eq_(long long actual, long long expected, const char *actual_expr,
                   const char *expected_expr, const char *file, int line);
void check_str_eq_(const char *actual, const char *expected, const char *actual_expr,
                   const char *expected_expr, const char *file, int line);
void check_dbl_near_(double actual, double expected, double eps, const char *actual_expr,
                     const char *expected_expr, const char *file, int line);
void check_ptr_(const void *p, int want_null, const char *expr, const char *file, int line);

#define CHECK(cond) \
    check_msg_((cond) ? 1 : 0, 0, __FILE__, __LINE__, "%s", #cond)
#define CHECK_FATAL(cond) \
    check_msg_((cond) ? 1 : 0, 1, __FILE__, __LINE__, "%s", #cond)
#define CHECK_MSG(cond, ...) \
    check_msg_((cond) ? 1 : 0, 0, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT_EQ(actual, expected) \
    check_int_eq_((long long)(actual), (long long)(expected), #actual, #expected, __FILE__, __LINE__)
#define CHECK_STR_EQ(actual, expected) \
    check_str_eq_((actual), (expected), #actual, #expected, __FILE__, __LINE__)
#define CHECK_DBL_NEAR(actual, expected, eps) \
    check_dbl_near_((double)(actual), (double)(expected), (double)(eps), #actual, #expected, \
                    __FILE__, __LINE__)
#define CHECK_NULL(p) check_ptr_((p), 1, #p, __FILE__, __LINE__)
#define CHECK_NOT_NULL(p) check_ptr_((p), 0, #p, __FILE__, __LINE__)

#endif /* CHECK_H */
