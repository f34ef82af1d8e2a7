/*
 * 1-callback.c - chapter 11, demo 1: the notes' done callback, before tasks.
 *
 * The notes (seed 001 4.2(3)) wrap work(1) in a task and add call_back as
 * its done callback. There are no tasks yet (chapter 12), so the "work" is
 * a chain of loop callbacks: call_soon starts it, call_later runs the next
 * round 0.1 s later, and the last round fills in a future made with
 * loop.create_future(). Two done callbacks wait on that future: the notes'
 * call_back, and stop_loop, which is run_until_complete written by hand.
 *
 * Virtual clock: the 0.2 s pass at once; the Python twin sleeps for real.
 */
#include <stdio.h>

#include "future.h"
#include "loop.h"

/* The work in progress. Python passes (loop, fut, x, round) to call_later;
 * a C callback takes one value, so the four travel in one struct that
 * lives in main() (asy_ptr: the loop never frees it). */
typedef struct {
    asy_loop *loop;  /* borrowed */
    asy_future *fut; /* borrowed */
    int x;
    int round;
} work_state;

static asy_exc *work(asy_value arg)
{
    work_state *w = arg.u.p;
    printf("Work %d is running ..\n", w->x);
    if (w->round < 2) {
        w->round++;
        asy_decref(asy_loop_call_later(w->loop, 0.1, work, arg, NULL)); /* we keep no handle */
        return NULL;
    }
    /* fut.set_result(...): steals the string. It fails (InvalidStateError)
     * only if the future is already done; a callback returns that error and
     * the loop reports it. */
    return asy_future_set_result(w->fut, asy_strf("Work %d is finished", w->x));
}

/* def call_back(future): print("Callback: {}".format(future.result())) */
static asy_exc *call_back(asy_future *future, asy_value arg)
{
    (void)arg; /* no extra argument: demo 2 uses it */
    asy_value result;
    asy_exc *e = asy_future_result(future, &result); /* new reference, or the error */
    if (e != NULL)
        return e;
    printf("Callback: %s\n", ASY_STR(result));
    asy_value_decref(result);
    return NULL;
}

/* What run_until_complete adds to the future for you. */
static asy_exc *stop_loop(asy_future *future, asy_value arg)
{
    (void)arg;
    asy_loop_stop(future->loop); /* future.get_loop().stop() */
    return NULL;
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_loop *loop = asy_loop_new(&opts, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    double t0 = asy_loop_time(loop);

    asy_future *fut = asy_future_new(loop); /* loop.create_future(): new reference */
    printf("%s\n", ASY_REPR(asy_obj_value(fut)));
    asy_decref(asy_future_add_done_callback(fut, call_back, asy_none()));
    asy_decref(asy_future_add_done_callback(fut, stop_loop, asy_none()));

    work_state w = {loop, fut, 1, 0};
    asy_decref(asy_loop_call_soon(loop, work, asy_ptr(&w), NULL));
    asy_exc *e = asy_loop_run_forever(loop); /* until stop_loop runs */
    if (e != NULL) {
        asy_exc_print(e, stderr);
        asy_decref(e);
    }

    printf("%s\n", ASY_REPR(asy_obj_value(fut)));
    printf("finished at %.1f s\n", asy_loop_time(loop) - t0);
    asy_decref(fut);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return asy_obj_live() == 0 ? 0 : 1;
}
