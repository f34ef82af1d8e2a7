/*
 * test_grep.c - exercise 02-send/grep.
 *
 * Every line is sent the way a real caller would: make a str, send it, and
 * release it at once. A generator that keeps the borrowed ASY_SENT instead
 * of its own reference is then holding freed memory (AddressSanitizer names
 * it; without it the test usually crashes or prints garbage).
 */
#include <string.h>

#include "check.h"
#include "grep.h"

static const char *status_name(asy_status s)
{
    return s == ASY_YIELDED ? "ASY_YIELDED" : s == ASY_RETURNED ? "ASY_RETURNED"
         : s == ASY_RAISED  ? "ASY_RAISED"  : "?";
}

/* Check a step and release it; true when status and repr matched. */
static bool expect_result(asy_result r, asy_status status, const char *repr)
{
    bool ok = r.status == status && r.exc == NULL && strcmp(ASY_REPR(r.value), repr) == 0;
    CHECK_STR_EQ(status_name(r.status), status_name(status));
    if (r.exc != NULL)
        CHECK_MSG(0, "the generator raised %s", ASY_EXC_STR(r.exc));
    else
        CHECK_STR_EQ(ASY_REPR(r.value), repr);
    asy_result_clear(&r);
    return ok;
}

/* Send a fresh str holding `line` and drop our reference to it at once. */
static bool send_line(asy_gen *g, const char *line, asy_status status, const char *repr)
{
    asy_value v = asy_str(line);
    asy_result r = asy_gen_send(g, v);
    asy_value_decref(v);
    return expect_result(r, status, repr);
}

static bool prime(asy_gen *g) { return expect_result(asy_gen_next(g), ASY_YIELDED, "None"); }

static void test_priming_yields_none(void)
{
    asy_gen *g = grep("error");
    CHECK_FATAL(g != NULL);
    prime(g);
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_keeps_the_last_match(void)
{
    asy_gen *g = grep("error");
    CHECK_FATAL(g != NULL);
    if (prime(g) && send_line(g, "error: disk full", ASY_YIELDED, "'error: disk full'") &&
        send_line(g, "all good", ASY_YIELDED, "'error: disk full'") &&
        send_line(g, "still good", ASY_YIELDED, "'error: disk full'") &&
        send_line(g, "an error: fan", ASY_YIELDED, "'an error: fan'"))
        expect_result(asy_gen_send(g, asy_none()), ASY_RETURNED, "2");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_no_match_yields_none_and_returns_0(void)
{
    asy_gen *g = grep("error");
    CHECK_FATAL(g != NULL);
    if (prime(g) && send_line(g, "fine", ASY_YIELDED, "None") &&
        send_line(g, "Error (capital E) does not match", ASY_YIELDED, "None"))
        expect_result(asy_gen_send(g, asy_none()), ASY_RETURNED, "0");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_pattern_is_copied(void)
{
    char pattern[] = "disk";
    asy_gen *g = grep(pattern);
    CHECK_FATAL(g != NULL);
    strcpy(pattern, "zzzz"); /* the caller reuses its buffer */
    if (prime(g) && send_line(g, "disk full", ASY_YIELDED, "'disk full'"))
        send_line(g, "zzzz", ASY_YIELDED, "'disk full'");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_strings_released_when_it_returns(void)
{
    asy_gen *g = grep("a");
    CHECK_FATAL(g != NULL);
    if (prime(g) && send_line(g, "abc", ASY_YIELDED, "'abc'")) {
        expect_result(asy_gen_send(g, asy_none()), ASY_RETURNED, "1");
        /* Finished: the frame's pattern and last line are gone; only the
         * generator object itself is left. */
        CHECK_MSG(asy_obj_live() == 1, "after return, %ld objects alive, want 1 (the generator)",
                  asy_obj_live());
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_dropping_it_unfinished_releases_everything(void)
{
    asy_gen *g = grep("x");
    CHECK_FATAL(g != NULL);
    if (prime(g))
        send_line(g, "xyz", ASY_YIELDED, "'xyz'");
    asy_decref(g); /* suspended at a yield, holding two strings */
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_dropping_it_unstarted_releases_the_pattern(void)
{
    asy_gen *g = grep("x");
    CHECK_FATAL(g != NULL);
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_sending_an_int_raises_typeerror(void)
{
    asy_gen *g = grep("error");
    CHECK_FATAL(g != NULL);
    if (prime(g) && send_line(g, "error 1", ASY_YIELDED, "'error 1'")) {
        asy_result r = asy_gen_send(g, asy_int(3));
        CHECK_STR_EQ(status_name(r.status), "ASY_RAISED");
        CHECK_FATAL(r.status == ASY_RAISED && r.exc != NULL);
        CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TypeError: argument of type 'int' is not iterable");
        asy_result_clear(&r);
        CHECK_MSG(asy_obj_live() == 1, "after raising, %ld objects alive, want 1 (the generator)",
                  asy_obj_live());
    }
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"priming grep(\"error\") yields None", test_priming_yields_none},
        {"grep(\"error\") keeps yielding the last matching line; None returns 2",
         test_keeps_the_last_match},
        {"no matching line: yields None, and None returns 0", test_no_match_yields_none_and_returns_0},
        {"grep() copies its pattern (the caller's buffer changes after the call)",
         test_pattern_is_copied},
        {"returning releases the frame's strings (clear function)",
         test_strings_released_when_it_returns},
        {"dropping a suspended grep releases everything", test_dropping_it_unfinished_releases_everything},
        {"dropping an unstarted grep releases its pattern", test_dropping_it_unstarted_releases_the_pattern},
        {"sending 3 raises TypeError: argument of type 'int' is not iterable",
         test_sending_an_int_raises_typeerror},
        {NULL, NULL},
    };
    return check_main("grep", tests, argc, argv);
}
