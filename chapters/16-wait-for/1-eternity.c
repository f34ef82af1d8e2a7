/*
 * Chapter 16, demo 1: eternity() under wait_for(timeout=1.0).
 *
 * The notes' example (seed 001 §4.4(3)): a coroutine that sleeps for an
 * hour, waited for at most one second. On the virtual clock the hour would
 * pass at once, so the time printed is the proof: the timeout comes after
 * 1.0 s of loop time, not 3600 s. Then a version whose cleanup takes half
 * a second: wait_for cancels the inner, WAITS for its cleanup, and only then
 * raises TimeoutError (at 1.5 s), with the CancelledError as its cause.
 * 1-eternity.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "wait_for.h"

static double t0; /* loop time when main started */

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def eternity():
 *     await asyncio.sleep(3600)   # Sleep for one hour
 *     print('yay!')                                                       */
static asy_status eternity_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(3600, asy_none()));
    printf("yay!\n");
    ASY_END(co);
}

static asy_coro *eternity(void) { return asy_coro_new(sizeof(asy_coro), eternity_body, "eternity"); }

/* async def main():
 *     try:
 *         await asyncio.wait_for(eternity(), timeout=1.0)
 *     except asyncio.TimeoutError:
 *         print('timeout!')
 *     print(f"main: after {elapsed()}")                                   */
static asy_status main_body(asy_coro *co)
{
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    ASY_AWAIT_TRY(co, asy_wait_for(eternity(), 1.0));
    if (asy_exc_is(ASY_EXC(co), &asy_TimeoutError)) {
        asy_decref(ASY_CATCH(co)); /* except TimeoutError: handled */
        printf("timeout!\n");
    }
    printf("main: after %.1f s\n", elapsed()); /* anything else propagates here */
    ASY_END(co);
}

/* async def eternity_with_cleanup():
 *     try:
 *         await asyncio.sleep(3600)
 *         print('yay!')
 *     except asyncio.CancelledError:
 *         print("eternity: cancelled ..., cleaning up")
 *         await asyncio.sleep(0.5)
 *         print("eternity: cleanup done ...")
 *         raise                                                           */
typedef struct {
    asy_coro co;
    asy_exc *cancelled; /* kept across the cleanup's await (owned) */
} cleanup_frame;

static asy_status eternity_with_cleanup_body(asy_coro *co)
{
    cleanup_frame *f = (cleanup_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(3600, asy_none()));
    if (ASY_EXC(co) == NULL) {
        printf("yay!\n");
        ASY_RETURN(co, asy_none());
    }
    printf("eternity: cancelled at %.1f s, cleaning up\n", elapsed());
    /* To await inside an except block, take the exception out first
     * (gen.h): a pending exception would propagate at the next await. */
    f->cancelled = ASY_CATCH(co);
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    printf("eternity: cleanup done at %.1f s\n", elapsed());
    {
        asy_exc *e = f->cancelled;
        f->cancelled = NULL;
        ASY_RAISE(co, e); /* raise: the task ends cancelled */
    }
    ASY_END(co);
}

static void cleanup_clear(asy_gen *g)
{
    cleanup_frame *f = (cleanup_frame *)g;
    asy_decref(f->cancelled);
    f->cancelled = NULL;
}

static asy_coro *eternity_with_cleanup(void)
{
    cleanup_frame *f = ASY_CORO_NEW(cleanup_frame, eternity_with_cleanup_body, "eternity_with_cleanup");
    asy_gen_set_clear(&f->co, cleanup_clear);
    return &f->co;
}

/* async def main_cleanup():
 *     try:
 *         await asyncio.wait_for(eternity_with_cleanup(), timeout=1.0)
 *     except TimeoutError as e:
 *         print(f"timeout! at {elapsed()}, cause: {e.__cause__!r}")       */
static asy_status main_cleanup_body(asy_coro *co)
{
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    ASY_AWAIT_TRY(co, asy_wait_for(eternity_with_cleanup(), 1.0));
    if (asy_exc_is(ASY_EXC(co), &asy_TimeoutError)) {
        asy_exc *e = ASY_CATCH(co);
        asy_value cause = asy_exc_value(e->cause); /* e.__cause__ (a new reference) */
        printf("timeout! at %.1f s, cause: %s\n", elapsed(), ASY_REPR(cause));
        asy_value_decref(cause);
        asy_decref(e);
    }
    ASY_END(co);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */

    printf("--- the notes' eternity() under wait_for(timeout=1.0) ---\n");
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), main_body, "main"), &opts);
    asy_result_clear(&r);

    printf("--- the inner's cleanup runs before the caller hears of the timeout ---\n");
    r = asy_run(asy_coro_new(sizeof(asy_coro), main_cleanup_body, "main_cleanup"), &opts);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
