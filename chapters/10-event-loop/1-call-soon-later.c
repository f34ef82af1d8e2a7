/*
 * Chapter 10, demo 1: call_soon, call_later, call_at and the order in
 * which the loop runs them; cancel; stop() from a callback; close().
 *
 * The loop runs on the VIRTUAL clock: its 2.5 seconds of timers take no
 * real time, and every run prints the same times. 1-call-soon-later.py is
 * the same program on asyncio's real loop (it really waits 2.5 s).
 *
 * The order rules it shows:
 *   - call_soon callbacks run first in, first out;
 *   - call_later(0) is a timer: it runs after the call_soon callbacks
 *     queued in the same turn, even those scheduled after it;
 *   - timers run by deadline; equal deadlines in scheduling order;
 *   - stop() lets the current turn finish, then run_forever returns.
 */
#include <stdio.h>

#include "loop.h"

static asy_loop *loop; /* the program's one loop, as in the Python */
static double t0;      /* loop time when the program started */

static double elapsed(void) { return asy_loop_time(loop) - t0; }

/* def hello(name): print(f"{elapsed():.1f} s  {name}") */
static asy_exc *hello(asy_value name)
{
    printf("%.1f s  %s\n", elapsed(), ASY_STR(name));
    return NULL;
}

/* def stop_loop(): asyncio.get_running_loop().stop() */
static asy_exc *stop_loop(asy_value arg)
{
    (void)arg;
    asy_loop *running = asy_get_running_loop(NULL); /* borrowed */
    printf("%.1f s  stop_loop: stop()  (get_running_loop() is loop: %s)\n", elapsed(),
           running == loop ? "True" : "False");
    asy_loop_stop(running);
    return NULL;
}

/* At 2.5 s: queue stop_loop, and one more callback behind it. stop() does
 * not cut the turn short: the callback behind it still runs. */
static asy_exc *wind_down(asy_value arg)
{
    (void)arg;
    asy_loop *running = asy_get_running_loop(NULL);
    printf("%.1f s  wind_down: call_soon(stop_loop), call_soon(hello)\n", elapsed());
    asy_decref(asy_loop_call_soon(running, stop_loop, asy_none(), NULL));
    asy_decref(asy_loop_call_soon(running, hello, asy_str("queued behind stop_loop: same turn"), NULL));
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
    printf("%.1f s  scheduling\n", elapsed());

    /* Each call returns a new reference to its handle: drop it at once
     * unless we mean to cancel the callback. */
    asy_decref(asy_loop_call_later(loop, 1.0, hello, asy_str("call_later(1.0)"), NULL));
    asy_decref(asy_loop_call_at(loop, t0 + 2.0, hello, asy_str("call_at(t0 + 2.0) #1"), NULL));
    asy_decref(asy_loop_call_at(loop, t0 + 2.0, hello, asy_str("call_at(t0 + 2.0) #2"), NULL));
    asy_decref(asy_loop_call_at(loop, t0 + 0.5, hello, asy_str("call_at(t0 + 0.5)"), NULL));
    asy_decref(asy_loop_call_later(loop, 0, hello, asy_str("call_later(0)"), NULL));
    asy_decref(asy_loop_call_soon(loop, hello, asy_str("call_soon #1"), NULL));
    asy_decref(asy_loop_call_soon(loop, hello, asy_str("call_soon #2"), NULL));
    asy_decref(asy_loop_call_soon(loop, hello, asy_str("call_soon #3"), NULL));

    /* Two handles we keep, to cancel them. */
    asy_handle *soon = asy_loop_call_soon(loop, hello, asy_str("cancelled call_soon"), NULL);
    asy_handle *later = asy_loop_call_later(loop, 1.5, hello, asy_str("cancelled call_later(1.5)"), NULL);
    asy_handle_cancel(soon);
    asy_handle_cancel(later);
    printf("%.1f s  cancelled two handles: %s %s\n", elapsed(),
           asy_handle_cancelled(soon) ? "True" : "False", asy_handle_cancelled(later) ? "True" : "False");
    asy_decref(soon);
    asy_decref(later);

    asy_decref(asy_loop_call_at(loop, t0 + 2.5, wind_down, asy_none(), NULL));
    asy_decref(asy_loop_call_later(loop, 3.0, hello, asy_str("call_later(3.0): never runs"), NULL));

    printf("%.1f s  run_forever()\n", elapsed());
    asy_exc *e = asy_loop_run_forever(loop);
    if (e != NULL) {
        asy_exc_print(e, stderr);
        asy_decref(e);
    }
    printf("%.1f s  run_forever() returned\n", elapsed());

    err = NULL;
    if (asy_get_running_loop(&err) == NULL) {
        printf("get_running_loop() outside: %s\n", ASY_EXC_STR(err));
        asy_decref(err);
    }

    /* close() drops the call_later(3.0) that is still in the heap. */
    asy_decref(asy_loop_close(loop));
    printf("is_closed(): %s\n", asy_loop_is_closed(loop) ? "True" : "False");
    asy_decref(loop);
    return asy_obj_live() == 0 ? 0 : 1;
}
