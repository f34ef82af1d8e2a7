/*
 * 3-close.c - close(): GeneratorExit arrives at the yield and cleanup runs;
 * closing a delegating generator closes its delegate first; a generator
 * that yields during close is an error; dropping an unfinished generator
 * closes it. Chapter 03.
 */
#include <stdio.h>

#include "gen.h"

/* def worker(name):
 *     print(name, "opens")
 *     try:
 *         yield name + " 1"
 *         yield name + " 2"
 *     except GeneratorExit:
 *         print(name, "got GeneratorExit")
 *         raise
 *     finally:
 *         print(name, "cleanup")                                           */
typedef struct {
    asy_gen gen;
    const char *name; /* borrowed: the demo passes string literals */
} worker_frame;

static asy_status worker_body(asy_gen *g)
{
    worker_frame *f = (worker_frame *)g;
    ASY_BEGIN(g);
    printf("%s opens\n", f->name);
    ASY_YIELD_TRY(g, asy_strf("%s 1", f->name));
    if (ASY_EXC(g) != NULL)
        goto cleanup;
    ASY_YIELD_TRY(g, asy_strf("%s 2", f->name));
cleanup:
    /* except GeneratorExit: print(...); raise -- looking at the exception
     * without ASY_CATCH leaves it pending, which is what `raise` does. */
    if (asy_exc_is(ASY_EXC(g), &asy_GeneratorExit))
        printf("%s got GeneratorExit\n", f->name);
    printf("%s cleanup\n", f->name);
    ASY_END(g); /* the pending GeneratorExit propagates: close() succeeded */
}

static asy_gen *worker(const char *name)
{
    worker_frame *f = ASY_GEN_NEW(worker_frame, worker_body, "worker");
    f->name = name;
    return &f->gen;
}

/* def outer():
 *     try:
 *         yield from worker("inner")
 *     except GeneratorExit:
 *         print("outer got GeneratorExit")
 *         raise
 *     finally:
 *         print("outer cleanup")                                           */
static asy_status outer_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD_FROM_TRY(g, worker("inner"));
    if (asy_exc_is(ASY_EXC(g), &asy_GeneratorExit))
        printf("outer got GeneratorExit\n");
    printf("outer cleanup\n");
    ASY_END(g);
}

static asy_gen *outer(void) { return asy_gen_new(sizeof(asy_gen), outer_body, "outer"); }

/* def stubborn():
 *     try:
 *         yield "first"
 *     except GeneratorExit:
 *         print("stubborn: ignoring GeneratorExit")
 *     yield "second"                                                       */
static asy_status stubborn_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD_TRY(g, asy_str("first"));
    if (asy_exc_is(ASY_EXC(g), &asy_GeneratorExit)) {
        asy_decref(ASY_CATCH(g)); /* swallowed: the mistake this shows */
        printf("stubborn: ignoring GeneratorExit\n");
    }
    ASY_YIELD(g, asy_str("second"));
    ASY_END(g);
}

static asy_gen *stubborn(void) { return asy_gen_new(sizeof(asy_gen), stubborn_body, "stubborn"); }

/* print(next(g)) */
static void print_next(asy_gen *g)
{
    asy_result r = asy_gen_next(g);
    if (r.status == ASY_RAISED)
        printf("raised %s\n", ASY_EXC_STR(r.exc));
    else
        printf("%s\n", ASY_STR(r.value));
    asy_result_clear(&r);
}

/* g.close(), raising what close() reports (NULL: closed properly). */
static void close_and_report(asy_gen *g)
{
    asy_exc *err = asy_gen_close(g); /* new reference, or NULL */
    if (err != NULL)
        printf("caller got %s\n", ASY_EXC_STR(err));
    asy_decref(err);
}

static void print_state(asy_gen *g) { printf("state: %s\n", asy_gen_state_name(asy_gen_getstate(g))); }

int main(void)
{
    printf("-- close runs cleanup --\n");
    asy_gen *w = worker("w");
    print_next(w);
    close_and_report(w);
    print_state(w);
    asy_decref(w);

    printf("-- closing a delegating generator --\n");
    asy_gen *o = outer();
    print_next(o);
    close_and_report(o); /* closes worker("inner") first, then outer */
    asy_decref(o);

    printf("-- a generator that ignores GeneratorExit --\n");
    asy_gen *s = stubborn();
    print_next(s);
    close_and_report(s);
    print_state(s); /* still suspended, at "second" */
    close_and_report(s); /* this time GeneratorExit propagates */
    print_state(s);
    asy_decref(s);

    printf("-- dropping an unfinished generator --\n");
    asy_gen *d = worker("dropped");
    print_next(d);
    asy_decref(d); /* the last reference: gen_dealloc closes it first */
    printf("after del\n");
    return 0;
}
