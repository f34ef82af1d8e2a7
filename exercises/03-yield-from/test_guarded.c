/*
 * test_guarded.c - tests for exercise 03/guarded. Chapter: 03
 *
 * Every way a generator can end must release the resource exactly once:
 * the counter is 1 while guarded() runs and 0 afterwards, never -1.
 */
#include <stdio.h>

#include "check.h"
#include "guarded.h"

/* What a step did, as one string ("yielded 1", "returned None",
 * "raised KeyError: k"); releases the result. */
static const char *outcome(asy_result *r)
{
    static char buf[300];
    if (r->status == ASY_YIELDED)
        snprintf(buf, sizeof buf, "yielded %s", ASY_REPR(r->value));
    else if (r->status == ASY_RETURNED)
        snprintf(buf, sizeof buf, "returned %s", ASY_REPR(r->value));
    else
        snprintf(buf, sizeof buf, "raised %s", r->exc != NULL ? ASY_EXC_STR(r->exc) : "(nothing)");
    asy_result_clear(r);
    return buf;
}

/* One step and what it must do, checked at the caller's line. */
#define EXPECT(step, want)                      \
    do {                                        \
        asy_result step_ = (step);              \
        CHECK_STR_EQ(outcome(&step_), want);    \
    } while (0)

static void test_yields_and_releases_at_the_end(void)
{
    int open = 0;
    asy_gen *g = guarded(3, &open);
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 1");
    CHECK_INT_EQ(open, 1);
    EXPECT(asy_gen_next(g), "yielded 2");
    EXPECT(asy_gen_next(g), "yielded 3");
    CHECK_INT_EQ(open, 1);
    EXPECT(asy_gen_next(g), "returned None");
    CHECK_INT_EQ(open, 0);
    EXPECT(asy_gen_next(g), "returned None"); /* finished: nothing runs again */
    CHECK_INT_EQ(open, 0);
    asy_decref(g);
    CHECK_INT_EQ(open, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_opens_only_when_started(void)
{
    int open = 0;
    asy_gen *g = guarded(2, &open);
    CHECK_FATAL(g != NULL);
    CHECK_INT_EQ(open, 0); /* made, not started: the body has not run */
    asy_decref(g);         /* dropped unstarted: nothing to release either */
    CHECK_INT_EQ(open, 0);
    /* guarded(0) opens and releases on the first next, yielding nothing */
    g = guarded(0, &open);
    EXPECT(asy_gen_next(g), "returned None");
    CHECK_INT_EQ(open, 0);
    asy_decref(g);
    CHECK_INT_EQ(open, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_close_releases(void)
{
    int open = 0;
    asy_gen *g = guarded(5, &open);
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 1");
    EXPECT(asy_gen_next(g), "yielded 2");
    asy_exc *err = asy_gen_close(g);
    CHECK_MSG(err == NULL, "close() reported %s", err != NULL ? ASY_EXC_STR(err) : "");
    asy_decref(err);
    CHECK_INT_EQ(open, 0);
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    CHECK_NULL(asy_gen_close(g)); /* closing again does nothing */
    CHECK_INT_EQ(open, 0);
    asy_decref(g);
    CHECK_INT_EQ(open, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_uncaught_throw_releases_and_propagates(void)
{
    int open = 0;
    asy_gen *g = guarded(5, &open);
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 1");
    asy_exc *e = asy_exc_new(&asy_KeyError, "k");
    asy_result r = asy_gen_throw(g, e);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_MSG(r.exc == e, "the exception thrown in must come out of throw() unchanged");
    asy_result_clear(&r);
    CHECK_INT_EQ(open, 0);
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(e);
    /* a ValueError thrown into a fresh one: the same */
    asy_gen *h = guarded(5, &open);
    EXPECT(asy_gen_next(h), "yielded 1");
    EXPECT(asy_gen_next(h), "yielded 2");
    e = asy_exc_new(&asy_ValueError, "bad");
    EXPECT(asy_gen_throw(h, e), "raised ValueError: bad");
    asy_decref(e);
    CHECK_INT_EQ(open, 0);
    asy_decref(h);
    asy_decref(g);
    CHECK_INT_EQ(open, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_dropping_unfinished_releases(void)
{
    int open = 0;
    asy_gen *g = guarded(5, &open);
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 1");
    CHECK_INT_EQ(open, 1);
    asy_decref(g); /* the last reference: the generator is closed first */
    CHECK_INT_EQ(open, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_several_at_once(void)
{
    int open = 0;
    asy_gen *a = guarded(2, &open), *b = guarded(2, &open), *c = guarded(2, &open);
    CHECK_FATAL(a != NULL && b != NULL && c != NULL);
    EXPECT(asy_gen_next(a), "yielded 1");
    EXPECT(asy_gen_next(b), "yielded 1");
    EXPECT(asy_gen_next(c), "yielded 1");
    CHECK_INT_EQ(open, 3);
    CHECK_NULL(asy_gen_close(b));
    CHECK_INT_EQ(open, 2);
    EXPECT(asy_gen_next(a), "yielded 2");
    EXPECT(asy_gen_next(a), "returned None");
    CHECK_INT_EQ(open, 1);
    asy_decref(c);
    CHECK_INT_EQ(open, 0);
    asy_decref(a);
    asy_decref(b);
    CHECK_INT_EQ(open, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"guarded(3) yields 1, 2, 3 and releases when it ends", test_yields_and_releases_at_the_end},
        {"nothing is opened (or released) before the first next()", test_opens_only_when_started},
        {"close() in the middle releases, once", test_close_releases},
        {"an uncaught throw releases, and the exception comes out", test_uncaught_throw_releases_and_propagates},
        {"dropping an unfinished generator releases", test_dropping_unfinished_releases},
        {"several generators count independently", test_several_at_once},
        {NULL, NULL},
    };
    return check_main("guarded", tests, argc, argv);
}
