/*
 * Chapter 10, demo 3: a callback that fails does not stop the loop.
 *
 * A C callback fails by returning its exception instead of NULL. The loop
 * (lib/loop.c handle_run) wraps it in a "context" with the message
 * "Exception in callback NAME(ARG)", hands it to the exception handler and
 * runs the next callback. Part 1 uses the default handler, which writes to
 * stderr (not compared with the transcript). Part 2 installs a handler of
 * our own that prints the message and the exception to stdout.
 *
 * CPython's message ends with " at FILE:LINE" (where the callback was
 * defined); C cannot know it. 3-failing-callback.sed removes that suffix
 * from the twin's output, so both print the same.
 */
#include <stdio.h>

#include "loop.h"

static asy_loop *loop;
static double t0;

static double elapsed(void) { return asy_loop_time(loop) - t0; }

/* def divide(x): return x / 0 */
static asy_exc *divide(asy_value x)
{
    printf("%.1f s  divide(%s): %s / 0\n", elapsed(), ASY_STR(x), ASY_STR(x));
    return asy_exc_new(&asy_ZeroDivisionError, "division by zero"); /* new reference, for the loop */
}

static asy_exc *say(asy_value msg)
{
    printf("%.1f s  say: %s\n", elapsed(), ASY_STR(msg));
    return NULL;
}

static asy_exc *stop_loop(asy_value arg)
{
    (void)arg;
    asy_loop_stop(asy_get_running_loop(NULL));
    return NULL;
}

/* def handler(loop, context): ... ctx and everything in it are borrowed. */
static void handler(asy_loop *l, const asy_error_context *ctx, void *arg)
{
    (void)l;
    (void)arg;
    printf("%.1f s  handler: message: %s\n", elapsed(), ctx->message);
    if (ctx->exception != NULL)
        printf("%.1f s  handler: exception: %s\n", elapsed(), ASY_EXC_STR(ctx->exception));
}

static void run(void)
{
    asy_exc *e = asy_loop_run_forever(loop);
    if (e != NULL) {
        asy_exc_print(e, stderr);
        asy_decref(e);
    }
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    loop = asy_loop_new(&opts, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    t0 = asy_loop_time(loop);

    printf("1. the default exception handler (it writes to stderr)\n");
    asy_decref(asy_loop_call_soon(loop, divide, asy_int(1), NULL));
    asy_decref(asy_loop_call_soon(loop, say, asy_str("the next callback still runs"), NULL));
    asy_decref(asy_loop_call_soon(loop, stop_loop, asy_none(), NULL));
    run();

    printf("2. set_exception_handler(handler)\n");
    asy_loop_set_exception_handler(loop, handler, NULL);
    asy_decref(asy_loop_call_soon(loop, divide, asy_int(2), NULL));
    asy_decref(asy_loop_call_later(loop, 0.5, divide, asy_int(3), NULL)); /* a timer fails the same way */
    asy_decref(asy_loop_call_later(loop, 1.0, say, asy_str("still running"), NULL));
    asy_decref(asy_loop_call_later(loop, 1.0, stop_loop, asy_none(), NULL));
    run();

    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return asy_obj_live() == 0 ? 0 : 1;
}
