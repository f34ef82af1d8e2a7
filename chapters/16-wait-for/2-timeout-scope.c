/*
 * Chapter 16, demo 2: a timeout scope (asyncio.timeout, Python 3.11).
 *
 * wait_for puts a deadline on ONE await; a scope puts one on a block of
 * several. `async with asyncio.timeout(1.0) as cm:` becomes an enter/exit
 * pair (wait_for.h): enter arms a timer that cancels this task; the body's
 * awaits run with ASY_AWAIT_TRY (an exception skips the rest of the block);
 * exit gets the body's exception and turns the scope's own cancellation
 * into TimeoutError. Then the deadline moves: reschedule(), when().
 * 2-timeout-scope.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"
#include "timeout.h"

static double t0; /* loop time when main started */

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def step(name, seconds):
 *     try:
 *         await asyncio.sleep(seconds)
 *         print(f"{name} done at {elapsed()}")
 *     except asyncio.CancelledError:
 *         print(f"{name} cancelled at {elapsed()}")
 *         raise                                                           */
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
        printf("%s cancelled at %.1f s\n", f->name, elapsed()); /* and it goes on */
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
    asy_timeout *cm; /* the scope of the block being run (owned) */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_loop *loop = asy_get_running_loop(NULL);
    asy_exc *err;
    ASY_BEGIN(co);
    t0 = asy_loop_time(loop);

    /* try:
     *     async with asyncio.timeout(1.0) as cm:
     *         await step("step 1", 0.6)
     *         await step("step 2", 0.6)
     * except TimeoutError:
     *     print(...)                                                      */
    printf("--- one deadline for two steps ---\n");
    f->cm = asy_timeout_new(1.0);
    err = asy_timeout_enter(f->cm);
    if (err != NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, step("step 1", 0.6));
    if (ASY_EXC(co) == NULL) { /* an exception skips the rest of the block */
        ASY_AWAIT_TRY(co, step("step 2", 0.6));
    }
    err = asy_timeout_exit(f->cm, ASY_CATCH(co)); /* what the block raises */
    if (asy_exc_is(err, &asy_TimeoutError)) {
        printf("TimeoutError at %.1f s, expired() = %s\n", elapsed(), py_bool(asy_timeout_expired(f->cm)));
        asy_decref(err);
    } else if (err != NULL) {
        ASY_RAISE(co, err);
    }
    asy_decref(f->cm);

    /* async with asyncio.timeout(None) as cm:
     *     cm.reschedule(loop.time() + 0.5)
     *     await step("step 3", 0.3)
     *     cm.reschedule(cm.when() + 0.5)
     *     await step("step 4", 0.6)                                       */
    printf("--- a deadline that moves ---\n");
    f->cm = asy_timeout_new(ASY_NO_TIMEOUT);
    err = asy_timeout_enter(f->cm);
    if (err != NULL)
        ASY_RAISE(co, err);
    printf("deadline: None\n"); /* asy_is_no_timeout(asy_timeout_when(f->cm)) */
    asy_decref(asy_timeout_reschedule(f->cm, asy_loop_time(loop) + 0.5)); /* NULL: it is entered */
    printf("deadline moved to %.1f s\n", asy_timeout_when(f->cm) - t0);
    ASY_AWAIT_TRY(co, step("step 3", 0.3));
    if (ASY_EXC(co) == NULL) {
        asy_decref(asy_timeout_reschedule(f->cm, asy_timeout_when(f->cm) + 0.5)); /* step 4 needs more time */
        printf("deadline moved to %.1f s\n", asy_timeout_when(f->cm) - t0);
        ASY_AWAIT_TRY(co, step("step 4", 0.6));
    }
    err = asy_timeout_exit(f->cm, ASY_CATCH(co));
    if (err != NULL)
        ASY_RAISE(co, err);
    printf("done at %.1f s, expired() = %s\n", elapsed(), py_bool(asy_timeout_expired(f->cm)));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->cm);
    f->cm = NULL;
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
