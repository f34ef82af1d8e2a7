/*
 * Chapter 16, demo 3: nested timeout scopes.
 *
 * Two scopes, one inside the other, both cancel the same task when their
 * timer fires. Each remembers task.cancelling() at enter and, at exit,
 * converts the CancelledError into TimeoutError only if the cancel was its
 * own (uncancel() brings the count back to where it was). So:
 *   - the inner expires first: the inner exit raises TimeoutError, which
 *     the code in the outer block can catch and go on;
 *   - the outer expires first: the inner exit sees a cancel that is not its
 *     own and lets the CancelledError through; the outer converts it.
 * 3-nested-scopes.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"
#include "timeout.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def step(name, seconds): sleep, and say how it ended (demo 2) */
typedef struct {
    asy_coro co;
    const char *name;
    double seconds;
} step_frame;

static asy_status step_body(asy_coro *co)
{
    step_frame *f = (step_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->seconds, asy_none()));
    if (ASY_EXC(co) != NULL)
        printf("%s cancelled at %.1f s\n", f->name, elapsed());
    else
        printf("%s done at %.1f s\n", f->name, elapsed());
    ASY_END(co);
}

static asy_coro *step(const char *name, double seconds)
{
    step_frame *f = ASY_CORO_NEW(step_frame, step_body, "step");
    f->name = name;
    f->seconds = seconds;
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_timeout *outer, *inner; /* owned */
} main_frame;

/* Enter a new scope of `delay` seconds into *slot (released first). */
static asy_exc *enter_new(asy_timeout **slot, double delay)
{
    asy_decref(*slot);
    *slot = asy_timeout_new(delay);
    return asy_timeout_enter(*slot);
}

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));

    /* async with asyncio.timeout(1.0) as outer:
     *     try:
     *         async with asyncio.timeout(0.3) as inner:
     *             await step("inner work", 10)
     *     except TimeoutError:
     *         print(...)
     *     await step("more work", 0.2)                                    */
    printf("--- the inner scope (0.3 s) expires first ---\n");
    if ((err = enter_new(&f->outer, 1.0)) != NULL)
        ASY_RAISE(co, err);
    if ((err = enter_new(&f->inner, 0.3)) != NULL)
        ASY_RAISE(co, asy_timeout_exit(f->outer, err));
    ASY_AWAIT_TRY(co, step("inner work", 10));
    err = asy_timeout_exit(f->inner, ASY_CATCH(co));
    if (asy_exc_is(err, &asy_TimeoutError)) {
        printf("inner: TimeoutError at %.1f s, expired: inner %s, outer %s\n", elapsed(),
               py_bool(asy_timeout_expired(f->inner)), py_bool(asy_timeout_expired(f->outer)));
        asy_decref(err);
        err = NULL;
    }
    if (err == NULL) {
        ASY_AWAIT_TRY(co, step("more work", 0.2));
        err = ASY_CATCH(co);
    }
    err = asy_timeout_exit(f->outer, err);
    if (err != NULL)
        ASY_RAISE(co, err);
    printf("outer: finished at %.1f s, expired: %s\n", elapsed(), py_bool(asy_timeout_expired(f->outer)));

    /* try:
     *     async with asyncio.timeout(0.3) as outer:
     *         try:
     *             async with asyncio.timeout(1.0) as inner:
     *                 await step("inner work", 10)
     *         except TimeoutError: ...
     *         except asyncio.CancelledError: print(...); raise
     * except TimeoutError:
     *     print(...)                                                      */
    printf("--- the outer scope (0.3 s) expires first ---\n");
    if ((err = enter_new(&f->outer, 0.3)) != NULL)
        ASY_RAISE(co, err);
    if ((err = enter_new(&f->inner, 1.0)) != NULL)
        ASY_RAISE(co, asy_timeout_exit(f->outer, err));
    ASY_AWAIT_TRY(co, step("inner work", 10));
    err = asy_timeout_exit(f->inner, ASY_CATCH(co));
    if (asy_exc_is(err, &asy_TimeoutError))
        printf("not reached: the inner scope did not expire\n");
    else if (asy_exc_is(err, &asy_CancelledError))
        printf("inner: CancelledError passes through at %.1f s\n", elapsed());
    err = asy_timeout_exit(f->outer, err); /* the outer block ends with it */
    if (asy_exc_is(err, &asy_TimeoutError)) {
        printf("outer: TimeoutError at %.1f s, expired: inner %s, outer %s\n", elapsed(),
               py_bool(asy_timeout_expired(f->inner)), py_bool(asy_timeout_expired(f->outer)));
        asy_decref(err);
    } else if (err != NULL) {
        ASY_RAISE(co, err);
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->outer);
    asy_decref(f->inner);
    f->outer = f->inner = NULL;
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
