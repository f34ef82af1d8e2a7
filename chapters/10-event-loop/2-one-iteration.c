/*
 * Chapter 10, demo 2: the loop, one turn at a time.
 *
 * asy_loop_run_once() is one iteration of run_forever (lib/loop.c
 * run_once, four numbered steps). Driving it by hand shows two rules:
 *   - a callback scheduled DURING a turn waits for the next turn, even
 *     with call_soon (step 4 runs only what was ready when it began);
 *   - timers join the ready queue at step 3, BEHIND what is already there.
 * And one detail: a cancelled timer at the top of the heap is dropped in
 * step 1, so it does not decide how long the selector waits.
 *
 * Virtual clock: turn 3 "waits" one second without taking any real time.
 * 2-one-iteration.py does the same with asyncio's private loop._run_once().
 */
#include <stdio.h>

#include "loop.h"

static asy_loop *loop;
static double t0;

static double elapsed(void) { return asy_loop_time(loop) - t0; }

static asy_exc *say(asy_value msg)
{
    printf("%.1f s    say: %s\n", elapsed(), ASY_STR(msg));
    return NULL;
}

static asy_exc *third(asy_value arg)
{
    (void)arg;
    printf("%.1f s    third\n", elapsed());
    return NULL;
}

static asy_exc *first(asy_value arg)
{
    (void)arg;
    printf("%.1f s    first: call_soon(third)\n", elapsed());
    asy_decref(asy_loop_call_soon(loop, third, asy_none(), NULL)); /* waits for turn 2 */
    return NULL;
}

static asy_exc *second(asy_value arg)
{
    (void)arg;
    printf("%.1f s    second: call_later(0, say)\n", elapsed());
    asy_decref(asy_loop_call_later(loop, 0, say, asy_str("second's call_later(0)"), NULL));
    return NULL;
}

static asy_exc *tick(asy_value arg)
{
    (void)arg;
    printf("%.1f s    tick: call_soon(say)\n", elapsed());
    asy_decref(asy_loop_call_soon(loop, say, asy_str("queued by tick"), NULL));
    return NULL;
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

    asy_decref(asy_loop_call_soon(loop, first, asy_none(), NULL));
    asy_decref(asy_loop_call_soon(loop, second, asy_none(), NULL));
    asy_decref(asy_loop_call_later(loop, 0, say, asy_str("main's call_later(0)"), NULL));
    asy_decref(asy_loop_call_later(loop, 1.0, tick, asy_none(), NULL));
    asy_handle *h = asy_loop_call_later(loop, 0.5, say, asy_str("cancelled, never runs"), NULL);
    asy_handle_cancel(h);
    asy_decref(h);
    printf("scheduled: call_soon(first), call_soon(second), call_later(0), call_later(1.0), "
           "cancelled call_later(0.5)\n");

    for (int turn = 1; turn <= 4; turn++) {
        printf("--- turn %d, loop time %.1f s ---\n", turn, elapsed());
        asy_decref(asy_loop_run_once(loop));
    }
    printf("after turn 4: %zu callbacks scheduled\n", asy_loop_scheduled_count(loop));

    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return asy_obj_live() == 0 ? 0 : 1;
}
