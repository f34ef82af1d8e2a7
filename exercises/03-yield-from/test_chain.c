/*
 * test_chain.c - tests for exercise 03/chain. Chapter: 03
 *
 * The sub-generators are small ones defined here; each writes what happens
 * to it into a trace, so the tests can assert who saw which send, throw and
 * close, and in what order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "check.h"

/* ---- a trace of what the sub-generators did ---- */
static char trace[1024];

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    size_t n = strlen(trace);
    if (n > 0 && n < sizeof trace - 1)
        trace[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(trace + n, sizeof trace - n, fmt, ap);
    va_end(ap);
}

/* What a step did, as one string ("yielded 'a1'", "returned 43",
 * "raised TypeError: message"); releases the result. */
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

/* def sub(name, n, ret):
 *     try:
 *         for i in range(1, n + 1):
 *             x = yield f"{name}{i}"
 *             if x is not None: note(f"{name} got {x}")
 *     except ValueError:
 *         note(f"{name} caught"); yield f"{name} caught"
 *     finally:
 *         note(f"{name} cleanup")
 *     return ret                                                           */
typedef struct {
    asy_gen gen;
    const char *name; /* borrowed: string literals */
    int n, i;
    long long ret;
} sub_frame;

static asy_status sub_body(asy_gen *g)
{
    sub_frame *f = (sub_frame *)g;
    ASY_BEGIN(g);
    for (f->i = 1; f->i <= f->n; f->i++) {
        ASY_YIELD_TRY(g, asy_strf("%s%d", f->name, f->i));
        if (ASY_EXC(g) != NULL)
            break;
        if (!asy_is_none(ASY_SENT(g)))
            note("%s got %s", f->name, ASY_STR(ASY_SENT(g)));
    }
    if (asy_exc_is(ASY_EXC(g), &asy_ValueError)) {
        asy_decref(ASY_CATCH(g));
        note("%s caught", f->name);
        ASY_YIELD_TRY(g, asy_strf("%s caught", f->name));
    }
    note("%s cleanup", f->name);
    ASY_RETURN(g, asy_int(f->ret)); /* a pending exception goes on instead */
    ASY_END(g);
}

static asy_gen *sub(const char *name, int n, long long ret)
{
    sub_frame *f = ASY_GEN_NEW(sub_frame, sub_body, "sub");
    f->name = name;
    f->n = n;
    f->ret = ret;
    return &f->gen;
}

static void start(void) { trace[0] = '\0'; }

/* ---- the tests ---- */

static void test_order(void)
{
    start();
    asy_gen *g = chain(sub("a", 2, 3), sub("b", 3, 4));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'a1'");
    EXPECT(asy_gen_next(g), "yielded 'a2'");
    EXPECT(asy_gen_next(g), "yielded 'b1'");
    EXPECT(asy_gen_next(g), "yielded 'b2'");
    EXPECT(asy_gen_next(g), "yielded 'b3'");
    asy_decref(g);
    CHECK_STR_EQ(trace, "a cleanup b cleanup");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_return_value(void)
{
    start();
    asy_gen *g = chain(sub("a", 2, 3), sub("b", 1, 40));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'a1'");
    EXPECT(asy_gen_next(g), "yielded 'a2'");
    EXPECT(asy_gen_next(g), "yielded 'b1'");
    EXPECT(asy_gen_next(g), "returned 43");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_empty_subs(void)
{
    start();
    /* a yields nothing and returns 5 at once: the chain goes straight on to b */
    asy_gen *g = chain(sub("a", 0, 5), sub("b", 1, 6));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'b1'");
    EXPECT(asy_gen_next(g), "returned 11");
    asy_decref(g);
    /* both empty: the chain returns at the first next() */
    g = chain(sub("c", 0, 1), sub("d", 0, 2));
    EXPECT(asy_gen_next(g), "returned 3");
    asy_decref(g);
    CHECK_STR_EQ(trace, "a cleanup b cleanup c cleanup d cleanup");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_sends_pass_through(void)
{
    start();
    asy_gen *g = chain(sub("a", 2, 1), sub("b", 2, 2));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_send(g, asy_none()), "yielded 'a1'");
    EXPECT(asy_gen_send(g, asy_int(10)), "yielded 'a2'");
    /* a finishes on this send; b is started with None, as yield from does */
    EXPECT(asy_gen_send(g, asy_int(20)), "yielded 'b1'");
    asy_value word = asy_str("thirty");
    EXPECT(asy_gen_send(g, word), "yielded 'b2'"); /* send borrows word */
    asy_value_decref(word);
    EXPECT(asy_gen_send(g, asy_int(40)), "returned 3");
    CHECK_STR_EQ(trace, "a got 10 a got 20 a cleanup b got thirty b got 40 b cleanup");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_throw_reaches_current_sub(void)
{
    start();
    asy_gen *g = chain(sub("a", 1, 1), sub("b", 3, 2));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'a1'");
    EXPECT(asy_gen_next(g), "yielded 'b1'");
    /* b is the one running: it catches the ValueError and yields */
    asy_exc *e = asy_exc_new(&asy_ValueError, "for b");
    EXPECT(asy_gen_throw(g, e), "yielded 'b caught'");
    asy_decref(e);
    EXPECT(asy_gen_next(g), "returned 3");
    CHECK_STR_EQ(trace, "a cleanup b caught b cleanup");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_uncaught_throw_comes_out(void)
{
    start();
    asy_gen *g = chain(sub("a", 2, 1), sub("b", 2, 2));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'a1'");
    /* a does not catch TypeError: its cleanup runs, the exception comes out
     * of the chain, and b is never started (but still released) */
    asy_exc *e = asy_exc_new(&asy_TypeError, "nobody catches me");
    asy_result r = asy_gen_throw(g, e);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(r.exc == e); /* the very same exception object */
    asy_result_clear(&r);
    asy_decref(e);
    CHECK_STR_EQ(trace, "a cleanup");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_close_closes_current_sub(void)
{
    start();
    asy_gen *g = chain(sub("a", 1, 1), sub("b", 3, 2));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'a1'");
    EXPECT(asy_gen_next(g), "yielded 'b1'");
    asy_exc *err = asy_gen_close(g);
    CHECK_NULL(err);
    asy_decref(err);
    CHECK_STR_EQ(trace, "a cleanup b cleanup");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_close_during_a_releases_b(void)
{
    start();
    asy_gen *g = chain(sub("a", 2, 1), sub("b", 2, 2));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'a1'");
    CHECK_NULL(asy_gen_close(g));
    CHECK_STR_EQ(trace, "a cleanup"); /* b never ran */
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_dropping_releases_everything(void)
{
    start();
    /* never started: both sub-generators are still owned by the frame */
    asy_decref(chain(sub("a", 2, 1), sub("b", 2, 2)));
    CHECK_INT_EQ(asy_obj_live(), 0);
    /* dropped while inside a: a is closed (its cleanup runs), b released */
    asy_gen *g = chain(sub("c", 2, 1), sub("d", 2, 2));
    CHECK_FATAL(g != NULL);
    EXPECT(asy_gen_next(g), "yielded 'c1'");
    asy_decref(g);
    CHECK_STR_EQ(trace, "c cleanup");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"chain(a, b) yields a's values, then b's", test_order},
        {"chain returns the sum of a's and b's return values", test_return_value},
        {"a sub-generator that yields nothing is passed over", test_empty_subs},
        {"sent values reach the sub-generator that is running", test_sends_pass_through},
        {"throw reaches the sub-generator that is running (b here)", test_throw_reaches_current_sub},
        {"an exception nobody catches comes out of the chain", test_uncaught_throw_comes_out},
        {"close() closes the sub-generator that is running", test_close_closes_current_sub},
        {"close() inside a releases b without running it", test_close_during_a_releases_b},
        {"dropping the chain (started or not) releases both", test_dropping_releases_everything},
        {NULL, NULL},
    };
    return check_main("chain", tests, argc, argv);
}
