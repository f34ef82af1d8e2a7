/*
 * 2-partial.c - chapter 11, demo 2: the notes' functools.partial example.
 *
 *     def call_back_2(num, future):
 *         print("Callback_2: {}, the num is {}".format(future.result(), num))
 *     task.add_done_callback(functools.partial(call_back_2, 100))
 *
 * A done callback gets the future; partial freezes extra arguments in
 * front of it. In C a done callback is fn(future, arg): the extra argument
 * is the asy_value given to add_done_callback, which the future keeps (it
 * steals it) and releases after the callback ran.
 */
#include <stdio.h>

#include "future.h"
#include "loop.h"

typedef struct {
    asy_loop *loop;  /* borrowed */
    asy_future *fut; /* borrowed */
    int x;
    int round;
} work_state;

/* The same simulated work as demo 1. */
static asy_exc *work(asy_value arg)
{
    work_state *w = arg.u.p;
    printf("Work %d is running ..\n", w->x);
    if (w->round < 2) {
        w->round++;
        asy_decref(asy_loop_call_later(w->loop, 0.1, work, arg, NULL));
        return NULL;
    }
    return asy_future_set_result(w->fut, asy_strf("Work %d is finished", w->x));
}

/* partial(call_back_2, 100)(future) is call_back_2(100, future): here
 * call_back_2(future, 100). `num` is borrowed from the future. */
static asy_exc *call_back_2(asy_future *future, asy_value num)
{
    asy_value result;
    asy_exc *e = asy_future_result(future, &result);
    if (e != NULL)
        return e;
    printf("Callback_2: %s, the num is %s\n", ASY_STR(result), ASY_STR(num));
    asy_value_decref(result);
    return NULL;
}

static asy_exc *stop_loop(asy_future *future, asy_value arg)
{
    (void)arg;
    asy_loop_stop(future->loop);
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
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_add_done_callback(fut, call_back_2, asy_int(100))); /* functools.partial(call_back_2, 100) */
    asy_decref(asy_future_add_done_callback(fut, stop_loop, asy_none()));

    work_state w = {loop, fut, 1, 0};
    asy_decref(asy_loop_call_soon(loop, work, asy_ptr(&w), NULL));
    asy_exc *e = asy_loop_run_forever(loop);
    if (e != NULL) {
        asy_exc_print(e, stderr);
        asy_decref(e);
    }

    asy_decref(fut);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return asy_obj_live() == 0 ? 0 : 1;
}
