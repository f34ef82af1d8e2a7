/*
 * test_gen.c - the generator protocol (chapters 01-03): next, send and the
 * priming rule, throw, close, yield from, and the edge cases Python defines.
 * Every test ends by asserting that no object is left alive.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "gen.h"

/* ---- a log of what the bodies did, to assert orderings ---- */

#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

/* Check a step's outcome and release it. */
static void expect(asy_result r, asy_status status, const char *repr)
{
    CHECK_INT_EQ(r.status, status);
    if (status == ASY_RAISED) {
        CHECK_NOT_NULL(r.exc);
        if (r.exc != NULL)
            CHECK_STR_EQ(ASY_EXC_STR(r.exc), repr);
    } else {
        CHECK_NULL(r.exc);
        CHECK_STR_EQ(ASY_REPR(r.value), repr);
    }
    asy_result_clear(&r);
}

/* ---- the generators under test ---- */

/* def gen_func(): a = yield 1; b = yield 2; c = yield 3; return "finish" */
static asy_status gen_func_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    note("a=%s", ASY_STR(ASY_SENT(g)));
    ASY_YIELD(g, asy_int(2));
    note("b=%s", ASY_STR(ASY_SENT(g)));
    ASY_YIELD(g, asy_int(3));
    note("c=%s", ASY_STR(ASY_SENT(g)));
    ASY_RETURN(g, asy_str("finish"));
    ASY_END(g);
}
static asy_gen *gen_func(void) { return asy_gen_new(sizeof(asy_gen), gen_func_body, "gen_func"); }

/* def returns_at_once(): return 7; yield  (a generator that never yields) */
static asy_status returns_at_once_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_RETURN(g, asy_int(7));
    ASY_END(g);
}
static asy_gen *returns_at_once(void) { return asy_gen_new(sizeof(asy_gen), returns_at_once_body, "returns_at_once"); }

/* def guarded():
 *     try:
 *         while True: yield "tick"
 *     except ValueError: note; yield "caught"
 *     finally: note("cleanup")                                            */
typedef struct {
    asy_gen gen;
    int ticks;
} guarded_frame;

static asy_status guarded_body(asy_gen *g)
{
    guarded_frame *f = (guarded_frame *)g;
    ASY_BEGIN(g);
    for (f->ticks = 0;; f->ticks++) {
        ASY_YIELD_TRY(g, asy_str("tick"));
        if (ASY_EXC(g) != NULL)
            break;
    }
    if (asy_exc_is(ASY_EXC(g), &asy_ValueError)) {
        asy_exc *e = ASY_CATCH(g);
        note("caught %s", ASY_EXC_STR(e));
        asy_decref(e);
        ASY_YIELD_TRY(g, asy_str("caught"));
    }
    note("cleanup");
    ASY_END(g); /* an exception still pending propagates from here */
}
static asy_gen *guarded(void) { return (asy_gen *)ASY_GEN_NEW(guarded_frame, guarded_body, "guarded"); }

/* def stubborn(): while True: try: yield 1 except GeneratorExit: pass */
static asy_status stubborn_body(asy_gen *g)
{
    ASY_BEGIN(g);
    for (;;) {
        ASY_YIELD_TRY(g, asy_int(1));
        asy_decref(ASY_CATCH(g));
    }
    ASY_END(g);
}

/* def cleanup_raises(): try: yield 1 finally: raise KeyError("in cleanup") */
static asy_status cleanup_raises_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD_TRY(g, asy_int(1));
    ASY_RAISE(g, asy_exc_new(&asy_KeyError, "in cleanup"));
    ASY_END(g);
}

/* def inner(): try: x = yield "i1"; yield "i2"; return x finally: note */
typedef struct {
    asy_gen gen;
    asy_value x;
} inner_frame;

static asy_status inner_body(asy_gen *g)
{
    inner_frame *f = (inner_frame *)g;
    ASY_BEGIN(g);
    ASY_YIELD_TRY(g, asy_str("i1"));
    if (ASY_EXC(g) != NULL)
        goto cleanup;
    f->x = asy_value_incref(ASY_SENT(g)); /* x must survive the next yield */
    ASY_YIELD_TRY(g, asy_str("i2"));
cleanup:
    note("inner cleanup");
    ASY_RETURN(g, asy_value_incref(f->x)); /* a pending exception wins over this */
    ASY_END(g);
}
static void inner_clear(asy_gen *g) { asy_value_clear(&((inner_frame *)g)->x); }
static asy_gen *inner(void)
{
    inner_frame *f = ASY_GEN_NEW(inner_frame, inner_body, "inner");
    asy_gen_set_clear(&f->gen, inner_clear);
    return &f->gen;
}

/* def outer(): try: r = yield from inner(); note(r); yield "o"
 *              finally: note("outer cleanup")                              */
static asy_status outer_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD_FROM_TRY(g, inner());
    if (ASY_EXC(g) == NULL) {
        note("outer got %s", ASY_REPR(ASY_SENT(g)));
        ASY_YIELD_TRY(g, asy_str("o"));
    } else {
        note("outer sees %s", ASY_EXC_STR(ASY_EXC(g)));
    }
    note("outer cleanup");
    ASY_END(g);
}
static asy_gen *outer(void) { return asy_gen_new(sizeof(asy_gen), outer_body, "outer"); }

/* def raiser(): yield 1; raise ValueError("boom") */
static asy_status raiser_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    ASY_RAISE(g, asy_exc_new(&asy_ValueError, "boom"));
    ASY_END(g);
}
static asy_gen *raiser(void) { return asy_gen_new(sizeof(asy_gen), raiser_body, "raiser"); }

/* def delegator(sub): r = yield from sub; return ("got", r) -- plain propagation */
typedef struct {
    asy_gen gen;
    asy_gen *sub;
} delegator_frame;

static asy_status delegator_body(asy_gen *g)
{
    delegator_frame *f = (delegator_frame *)g;
    ASY_BEGIN(g);
    {
        asy_gen *sub = f->sub; /* ASY_YIELD_FROM takes this reference */
        f->sub = NULL;
        ASY_YIELD_FROM(g, sub);
    }
    ASY_RETURN(g, asy_strf("got %s", ASY_REPR(ASY_SENT(g))));
    ASY_END(g);
}
static void delegator_clear(asy_gen *g) { asy_decref(((delegator_frame *)g)->sub); }
static asy_gen *delegator(asy_gen *sub)
{
    delegator_frame *f = ASY_GEN_NEW(delegator_frame, delegator_body, "delegator");
    f->sub = sub;
    asy_gen_set_clear(&f->gen, delegator_clear);
    return &f->gen;
}

/* A generator that sends into itself while running. */
static asy_status selfish_body(asy_gen *g)
{
    ASY_BEGIN(g);
    {
        asy_result r = asy_gen_send(g, asy_none());
        note("%s", r.exc != NULL ? ASY_EXC_STR(r.exc) : "no error");
        asy_result_clear(&r);
    }
    ASY_YIELD(g, asy_int(1));
    ASY_END(g);
}

/* A generator whose frame owns a string: its clear function releases it. */
typedef struct {
    asy_gen gen;
    asy_value word;
} owner_frame;

static asy_status owner_body(asy_gen *g)
{
    owner_frame *f = (owner_frame *)g;
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_value_incref(f->word));
    ASY_YIELD(g, asy_value_incref(f->word));
    ASY_END(g);
}
static void owner_clear(asy_gen *g)
{
    note("clear");
    asy_value_clear(&((owner_frame *)g)->word);
}
static asy_gen *owner(const char *w)
{
    owner_frame *f = ASY_GEN_NEW(owner_frame, owner_body, "owner");
    f->word = asy_str(w);
    asy_gen_set_clear(&f->gen, owner_clear);
    return &f->gen;
}

/* def bad(): yield 1; raise StopIteration (PEP 479) */
static asy_status stopper_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    ASY_RAISE(g, asy_exc_stop_iteration(asy_int(5)));
    ASY_END(g);
}

/* ---- next and iteration (chapter 01) ---- */

static void test_next_yields_in_order_then_stops(void)
{
    trace_reset();
    asy_gen *g = gen_func();
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CREATED");
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_SUSPENDED");
    expect(asy_gen_next(g), ASY_YIELDED, "2");
    expect(asy_gen_next(g), ASY_YIELDED, "3");
    expect(asy_gen_next(g), ASY_RETURNED, "'finish'");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    CHECK_STR_EQ(trace, "a=None b=None c=None");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_exhausted_generator_keeps_answering_stopped(void)
{
    asy_gen *g = returns_at_once();
    expect(asy_gen_next(g), ASY_RETURNED, "7");
    for (int i = 0; i < 3; i++)
        expect(asy_gen_next(g), ASY_RETURNED, "None");
    expect(asy_gen_send(g, asy_int(1)), ASY_RETURNED, "None");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_generator_that_returns_without_yielding(void)
{
    asy_gen *g = returns_at_once();
    asy_result r = asy_gen_next(g);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_STR(r.value), "7");
    asy_result_clear(&r);
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

/* ---- send (chapter 02) ---- */

static void test_send_delivers_values_and_return_value(void)
{
    trace_reset();
    asy_gen *g = gen_func();
    expect(asy_gen_send(g, asy_none()), ASY_YIELDED, "1");
    expect(asy_gen_send(g, asy_int(1)), ASY_YIELDED, "2");
    asy_value two = asy_str("two");
    expect(asy_gen_send(g, two), ASY_YIELDED, "3"); /* send borrows: we still own two */
    asy_value_decref(two);
    expect(asy_gen_send(g, asy_float(3.5)), ASY_RETURNED, "'finish'");
    CHECK_STR_EQ(trace, "a=1 b=two c=3.5");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_priming_rule(void)
{
    trace_reset();
    asy_gen *g = gen_func();
    expect(asy_gen_send(g, asy_int(1)), ASY_RAISED,
           "TypeError: can't send non-None value to a just-started generator");
    /* Refused, not started: it still accepts the priming None. */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CREATED");
    expect(asy_gen_send(g, asy_none()), ASY_YIELDED, "1");
    CHECK_STR_EQ(trace, "");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_send_into_running_generator_is_an_error(void)
{
    trace_reset();
    asy_gen *g = asy_gen_new(sizeof(asy_gen), selfish_body, "selfish");
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    CHECK_STR_EQ(trace, "ValueError: generator already executing");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_frame_fields_are_released_once(void)
{
    trace_reset();
    asy_gen *g = owner("word");
    expect(asy_gen_next(g), ASY_YIELDED, "'word'");
    expect(asy_gen_next(g), ASY_YIELDED, "'word'");
    expect(asy_gen_next(g), ASY_RETURNED, "None");
    CHECK_STR_EQ(trace, "clear"); /* at the finish, not later */
    asy_decref(g);
    CHECK_STR_EQ(trace, "clear");
    trace_reset();
    g = owner("never run");
    asy_decref(g); /* freed before starting: the arguments still go */
    CHECK_STR_EQ(trace, "clear");
    CHECK_NO_LEAKS();
}

/* ---- throw (chapter 03) ---- */

static void test_throw_into_just_started_generator(void)
{
    trace_reset();
    asy_gen *g = guarded();
    asy_exc *e = asy_exc_new(&asy_ValueError, "early");
    expect(asy_gen_throw(g, e), ASY_RAISED, "ValueError: early");
    CHECK_STR_EQ(trace, ""); /* the body never ran: its handler saw nothing */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    expect(asy_gen_next(g), ASY_RETURNED, "None");
    asy_decref(e);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_throw_caught_inside_then_yields(void)
{
    trace_reset();
    asy_gen *g = guarded();
    expect(asy_gen_next(g), ASY_YIELDED, "'tick'");
    expect(asy_gen_next(g), ASY_YIELDED, "'tick'");
    asy_exc *e = asy_exc_new(&asy_ValueError, "stop ticking");
    expect(asy_gen_throw(g, e), ASY_YIELDED, "'caught'");
    CHECK_STR_EQ(trace, "caught ValueError: stop ticking");
    CHECK_INT_EQ(((guarded_frame *)g)->ticks, 1);
    expect(asy_gen_next(g), ASY_RETURNED, "None");
    CHECK_STR_EQ(trace, "caught ValueError: stop ticking cleanup");
    asy_decref(e);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_throw_uncaught_runs_cleanup_and_propagates(void)
{
    trace_reset();
    asy_gen *g = guarded();
    expect(asy_gen_next(g), ASY_YIELDED, "'tick'");
    asy_exc *e = asy_exc_new(&asy_KeyError, "k");
    asy_result r = asy_gen_throw(g, e);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(r.exc == e); /* the very same exception object comes back out */
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "cleanup");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    /* Throwing into a finished generator raises the exception right back. */
    expect(asy_gen_throw(g, e), ASY_RAISED, "KeyError: 'k'");
    asy_decref(e);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_stop_iteration_inside_becomes_runtime_error(void)
{
    asy_gen *g = asy_gen_new(sizeof(asy_gen), stopper_body, "stopper");
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    asy_result r = asy_gen_next(g);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "RuntimeError: generator raised StopIteration");
    CHECK(r.exc->cause != NULL && asy_exc_is(r.exc->cause, &asy_StopIteration));
    asy_result_clear(&r);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

/* ---- close (chapter 03) ---- */

static void test_close_runs_cleanup(void)
{
    trace_reset();
    asy_gen *g = guarded();
    expect(asy_gen_next(g), ASY_YIELDED, "'tick'");
    CHECK_NULL(asy_gen_close(g));
    CHECK_STR_EQ(trace, "cleanup");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_close_twice_and_close_unstarted(void)
{
    trace_reset();
    asy_gen *g = guarded();
    expect(asy_gen_next(g), ASY_YIELDED, "'tick'");
    CHECK_NULL(asy_gen_close(g));
    CHECK_NULL(asy_gen_close(g)); /* a no-op: cleanup does not run twice */
    CHECK_STR_EQ(trace, "cleanup");
    asy_decref(g);

    trace_reset();
    g = guarded();
    CHECK_NULL(asy_gen_close(g)); /* never started: nothing to clean up */
    CHECK_STR_EQ(trace, "");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    expect(asy_gen_next(g), ASY_RETURNED, "None");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_yield_during_close_is_an_error(void)
{
    asy_gen *g = asy_gen_new(sizeof(asy_gen), stubborn_body, "stubborn");
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    asy_exc *err = asy_gen_close(g);
    CHECK_NOT_NULL(err);
    if (err != NULL)
        CHECK_STR_EQ(ASY_EXC_STR(err), "RuntimeError: generator ignored GeneratorExit");
    asy_decref(err);
    /* As in Python it is still suspended; finish it by hand. */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_SUSPENDED");
    asy_exc *kill = asy_exc_new(&asy_KeyboardInterrupt, NULL);
    asy_result r = asy_gen_throw(g, kill);
    asy_result_clear(&r); /* caught too: it yields once more */
    asy_decref(kill);
    /* Dropping it now reports the ignored GeneratorExit on stderr. */
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_close_reports_other_exception_from_cleanup(void)
{
    asy_gen *g = asy_gen_new(sizeof(asy_gen), cleanup_raises_body, "cleanup_raises");
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    asy_exc *err = asy_gen_close(g);
    CHECK_NOT_NULL(err);
    if (err != NULL) {
        CHECK_STR_EQ(ASY_EXC_STR(err), "KeyError: 'in cleanup'");
        /* raised while GeneratorExit was being handled: chained as context */
        CHECK(err->context != NULL && asy_exc_is(err->context, &asy_GeneratorExit));
    }
    asy_decref(err);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_dropping_suspended_generator_closes_it(void)
{
    trace_reset();
    asy_gen *g = guarded();
    expect(asy_gen_next(g), ASY_YIELDED, "'tick'");
    asy_decref(g); /* the last reference: close() runs first */
    CHECK_STR_EQ(trace, "cleanup");
    CHECK_NO_LEAKS();
}

/* ---- yield from (chapter 03) ---- */

static void test_yield_from_passes_send_through_and_returns_value(void)
{
    trace_reset();
    asy_gen *g = outer();
    expect(asy_gen_next(g), ASY_YIELDED, "'i1'");
    asy_value x = asy_str("x");
    expect(asy_gen_send(g, x), ASY_YIELDED, "'i2'"); /* reaches inner */
    asy_value_decref(x);
    expect(asy_gen_next(g), ASY_YIELDED, "'o'");                /* inner returned 'x' */
    CHECK_STR_EQ(trace, "inner cleanup outer got 'x'");
    expect(asy_gen_next(g), ASY_RETURNED, "None");
    CHECK_STR_EQ(trace, "inner cleanup outer got 'x' outer cleanup");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_yield_from_passes_throw_to_delegate(void)
{
    trace_reset();
    asy_gen *g = delegator(guarded());
    expect(asy_gen_next(g), ASY_YIELDED, "'tick'");
    asy_exc *e = asy_exc_new(&asy_ValueError, "to the inner one");
    expect(asy_gen_throw(g, e), ASY_YIELDED, "'caught'"); /* the delegate handled it */
    CHECK_STR_EQ(trace, "caught ValueError: to the inner one");
    expect(asy_gen_next(g), ASY_RETURNED, "'got None'");
    asy_decref(e);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_delegate_that_raises(void)
{
    trace_reset();
    asy_gen *g = delegator(raiser());
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    expect(asy_gen_next(g), ASY_RAISED, "ValueError: boom");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);

    /* With the TRY form the delegator sees the exception at the yield from. */
    trace_reset();
    g = outer();
    expect(asy_gen_next(g), ASY_YIELDED, "'i1'");
    asy_exc *e = asy_exc_new(&asy_IndexError, "deep");
    /* outer only looks at it, so after its cleanup it propagates (finally) */
    expect(asy_gen_throw(g, e), ASY_RAISED, "IndexError: deep");
    CHECK_STR_EQ(trace, "inner cleanup outer sees IndexError: deep outer cleanup");
    asy_decref(e);
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_closing_delegator_closes_delegate_first(void)
{
    trace_reset();
    asy_gen *g = outer();
    expect(asy_gen_next(g), ASY_YIELDED, "'i1'");
    CHECK_NULL(asy_gen_close(g));
    CHECK_STR_EQ(trace, "inner cleanup outer sees GeneratorExit outer cleanup");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_yield_from_finished_or_instant_generator(void)
{
    /* A delegate that returns at once: the yield from does not yield. */
    asy_gen *g = delegator(returns_at_once());
    expect(asy_gen_next(g), ASY_RETURNED, "'got 7'");
    asy_decref(g);
    /* A delegate already exhausted: yield from gives None at once. */
    asy_gen *done = returns_at_once();
    expect(asy_gen_next(done), ASY_RETURNED, "7");
    g = delegator(done);
    expect(asy_gen_next(g), ASY_RETURNED, "'got None'");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_yield_from_non_iterable_is_type_error(void)
{
    asy_gen *g = delegator(NULL);
    expect(asy_gen_next(g), ASY_RAISED, "TypeError: 'NoneType' object is not iterable");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

static void test_delegation_chain_three_deep(void)
{
    trace_reset();
    /* delegator -> delegator -> gen_func: values and sends pass through two
     * levels; the innermost return value comes back up as each level's. */
    asy_gen *g = delegator(delegator(gen_func()));
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    expect(asy_gen_send(g, asy_int(10)), ASY_YIELDED, "2");
    expect(asy_gen_send(g, asy_int(20)), ASY_YIELDED, "3");
    expect(asy_gen_send(g, asy_int(30)), ASY_RETURNED, "'got \"got \\'finish\\'\"'");
    CHECK_STR_EQ(trace, "a=10 b=20 c=30");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

/* Bodies that break the contract: "raised" with nothing in ASY_EXC, a
 * status that is none of the three, ASY__DELEGATE not made by a macro. */
static asy_status mute_raise_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    return ASY_RAISED;
    ASY_END(g);
}

static asy_status odd_status_body(asy_gen *g)
{
    (void)g;
    return (asy_status)7;
}

static asy_status fake_delegate_body(asy_gen *g)
{
    (void)g;
    return ASY__DELEGATE;
}

static void test_broken_body_raises_system_error(void)
{
    asy_gen *g = asy_gen_new(sizeof(asy_gen), mute_raise_body, "mute");
    expect(asy_gen_next(g), ASY_YIELDED, "1");
    expect(asy_gen_send(g, asy_none()), ASY_RAISED,
           "SystemError: generator 'mute' raised without setting an exception");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    expect(asy_gen_send(g, asy_none()), ASY_RETURNED, "None"); /* finished */
    asy_decref(g);
    g = asy_gen_new(sizeof(asy_gen), odd_status_body, "odd");
    expect(asy_gen_next(g), ASY_RAISED, "SystemError: generator 'odd' returned an unknown status 7");
    asy_decref(g);
    g = asy_gen_new(sizeof(asy_gen), fake_delegate_body, "fake");
    expect(asy_gen_next(g), ASY_RAISED, "SystemError: generator 'fake' returned an unknown status 3");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

/* def nest(n): return (yield from nest(n - 1)) if n else (yield "bottom") */
typedef struct {
    asy_gen gen;
    long n;
} nest_frame;

static asy_status nest_body(asy_gen *g);
static asy_gen *nest(long n)
{
    nest_frame *f = ASY_GEN_NEW(nest_frame, nest_body, "nest");
    f->n = n;
    return &f->gen;
}

static asy_status nest_body(asy_gen *g)
{
    nest_frame *f = (nest_frame *)g;
    ASY_BEGIN(g);
    if (f->n == 0)
        ASY_YIELD(g, asy_str("bottom"));
    else
        ASY_YIELD_FROM(g, nest(f->n - 1));
    ASY_END(g);
}

static void test_delegation_deeper_than_the_limit(void)
{
    trace_reset();
    /* ASY_RECURSION_LIMIT nested steps work: nest(n) is n + 1 generators */
    asy_gen *g = nest(ASY_RECURSION_LIMIT - 1);
    expect(asy_gen_next(g), ASY_YIELDED, "'bottom'");
    expect(asy_gen_next(g), ASY_RETURNED, "None");
    asy_decref(g);
    /* one more level is refused where it would start, and the error goes
     * up the chain; every generator of it is finished, none left running */
    g = nest(ASY_RECURSION_LIMIT);
    expect(asy_gen_next(g), ASY_RAISED, "RecursionError: maximum recursion depth exceeded");
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    asy_decref(g);
    /* 100,000 levels would overflow the C stack */
    g = nest(100000);
    expect(asy_gen_next(g), ASY_RAISED, "RecursionError: maximum recursion depth exceeded");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

/* A chain built eagerly, each frame holding the next, never started:
 *     g = None
 *     for _ in range(200_000): g = holder(g)
 *     del g
 * Each dealloc releases the next generator inside it; without the release
 * path's deferral (objcache.h, DEEP CHAINS) 200 000 nested deallocs would
 * overflow the C stack. */
typedef struct {
    asy_gen gen;
    asy_gen *next; /* owned, or NULL */
} holder_frame;

static asy_status holder_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_none());
    ASY_END(g);
}

static void holder_clear(asy_gen *g)
{
    holder_frame *f = (holder_frame *)g;
    asy_gen *next = f->next;
    f->next = NULL;
    asy_decref(next);
}

static asy_gen *holder(asy_gen *next)
{
    holder_frame *f = ASY_GEN_NEW(holder_frame, holder_body, "holder");
    f->next = next;
    asy_gen_set_clear(&f->gen, holder_clear);
    return &f->gen;
}

static void test_releasing_a_long_chain_does_not_overflow(void)
{
    long before = asy_obj_live();
    asy_gen *g = NULL;
    for (int i = 0; i < 200000; i++)
        g = holder(g);
    CHECK_INT_EQ(asy_obj_live() - before, 200000);
    asy_decref(g); /* everything is freed before this returns */
    CHECK_INT_EQ(asy_obj_live(), before);
    /* and twice in a row, with a suspended head this time (its close runs
     * first), on the same thread */
    g = NULL;
    for (int i = 0; i < 200000; i++)
        g = holder(g);
    expect(asy_gen_next(g), ASY_YIELDED, "None");
    asy_decref(g);
    CHECK_NO_LEAKS();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"next yields in order then stops", test_next_yields_in_order_then_stops},
        {"exhausted generator keeps answering stopped", test_exhausted_generator_keeps_answering_stopped},
        {"generator that returns without yielding", test_generator_that_returns_without_yielding},
        {"send delivers values and the return value", test_send_delivers_values_and_return_value},
        {"priming rule", test_priming_rule},
        {"send into a running generator is an error", test_send_into_running_generator_is_an_error},
        {"frame fields are released once", test_frame_fields_are_released_once},
        {"throw into a just-started generator", test_throw_into_just_started_generator},
        {"throw caught inside then yields", test_throw_caught_inside_then_yields},
        {"uncaught throw runs cleanup and propagates", test_throw_uncaught_runs_cleanup_and_propagates},
        {"StopIteration inside becomes RuntimeError", test_stop_iteration_inside_becomes_runtime_error},
        {"close runs cleanup", test_close_runs_cleanup},
        {"close twice, close unstarted", test_close_twice_and_close_unstarted},
        {"yield during close is an error", test_yield_during_close_is_an_error},
        {"close reports another exception from cleanup", test_close_reports_other_exception_from_cleanup},
        {"dropping a suspended generator closes it", test_dropping_suspended_generator_closes_it},
        {"yield from passes send through, returns value", test_yield_from_passes_send_through_and_returns_value},
        {"yield from passes throw to the delegate", test_yield_from_passes_throw_to_delegate},
        {"a delegate that raises", test_delegate_that_raises},
        {"closing a delegator closes the delegate first", test_closing_delegator_closes_delegate_first},
        {"yield from a finished or instant generator", test_yield_from_finished_or_instant_generator},
        {"yield from a non-iterable is TypeError", test_yield_from_non_iterable_is_type_error},
        {"delegation chain three deep", test_delegation_chain_three_deep},
        {"a broken body raises SystemError", test_broken_body_raises_system_error},
        {"delegation deeper than the limit raises RecursionError", test_delegation_deeper_than_the_limit},
        {"releasing a 200k-long chain of generators does not overflow", test_releasing_a_long_chain_does_not_overflow},
        {NULL, NULL},
    };
    return check_main("gen", tests, argc, argv);
}
