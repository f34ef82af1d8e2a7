/*
 * vloop.h - a loop on the virtual clock for the library's tests.
 *
 * vloop() makes a loop whose clock jumps to the next timer when nothing
 * else can run, and whose exception handler writes what it is given into
 * the trace (trace.h), so a test can assert what was reported and when.
 * done_with() ends every test the same way: nothing still scheduled, the
 * loop closes, and no object is left alive.
 */
#ifndef VLOOP_H
#define VLOOP_H

#include "check.h"
#include "loop.h"
#include "trace.h"

/* Writes "[message: Exception: text]" into the trace. */
static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s%s%s]", ctx->message, ctx->exception ? ": " : "", ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

/* A new loop on the virtual clock, with the trace emptied. */
static asy_loop *vloop(void)
{
    trace_reset();
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

/* Nothing scheduled, closed, released, nothing leaked. */
static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* loop.time() of the running loop; -1 when none runs (a coroutine closed
 * while its loop is being closed runs its cleanup outside any loop). */
static double now(void) __attribute__((unused));
static double now(void)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    return loop != NULL ? asy_loop_time(loop) : -1.0;
}

#endif /* VLOOP_H */
