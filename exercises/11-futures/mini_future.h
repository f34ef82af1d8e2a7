/*
 * mini_future.h - exercise: your own small future (chapter 11).
 *
 * A future without the library's: a state, a result, and a fixed array of
 * done callbacks, each with its extra argument (the notes'
 * functools.partial). The rules are asyncio's:
 *
 *   - set_result / cancel work once, on a PENDING future; on a done one
 *     they refuse (false) and change nothing;
 *   - when the future becomes done, each callback registered so far is
 *     SCHEDULED on the loop with asy_loop_call_soon, in registration
 *     order; none is ever called inside set_result or cancel;
 *   - a callback added to a future that is already done is scheduled with
 *     call_soon at once (it runs at the next turn, never inside
 *     add_done_callback);
 *   - each callback runs once; afterwards the future no longer holds it.
 *
 * OWNERSHIP. The mini_future is a plain struct you own (on the stack in the
 * tests); it must outlive the callbacks it scheduled. It borrows its loop.
 * set_result steals the value (and releases it when refusing);
 * add_done_callback steals arg (and releases it when refusing). A scheduled
 * callback's arg is released after the callback ran (or when the loop
 * drops it unrun). mini_future_clear releases the result and the args of
 * callbacks still waiting in the array.
 */
#ifndef MINI_FUTURE_H
#define MINI_FUTURE_H

#include <stdbool.h>

#include "loop.h"
#include "value.h"

#define MINI_MAX_CALLBACKS 4

typedef enum { MINI_PENDING, MINI_FINISHED, MINI_CANCELLED } mini_state;

typedef struct mini_future mini_future;

/* A done callback: fn(fut, arg). Returns NULL, or the exception it failed
 * with (the loop reports it). */
typedef asy_exc *(*mini_done_fn)(mini_future *fut, asy_value arg);

typedef struct mini_callback {
    mini_done_fn fn;
    asy_value arg; /* owned */
} mini_callback;

struct mini_future {
    asy_loop *loop;   /* borrowed */
    mini_state state;
    asy_value result; /* owned; None until FINISHED */
    mini_callback callbacks[MINI_MAX_CALLBACKS]; /* registered while pending */
    int ncallbacks;
};

/* Given (already written in mini_future.c): a pending future on `loop`. */
void mini_future_init(mini_future *fut, asy_loop *loop);

/* Given: what call_soon must carry. A C loop callback takes one value, but
 * a done callback needs three things (fut, fn, arg): mini_call_new packs
 * them into one counted object (new reference; steals cb.arg), and
 * mini_call_run is the loop callback that unpacks it and calls
 * cb.fn(fut, cb.arg). The object releases cb.arg when the loop drops it. */
typedef struct mini_call mini_call;
mini_call *mini_call_new(mini_future *fut, mini_callback cb);
asy_exc *mini_call_run(asy_value call);

/* TODO: schedule cb.fn(fut, cb.arg) for the next turn of fut->loop with
 * asy_loop_call_soon. Steals cb.arg. */
void mini_future_call_soon(mini_future *fut, mini_callback cb);

/* TODO: fut.set_result(v). Steals v. False (v released) if already done. */
bool mini_future_set_result(mini_future *fut, asy_value v);

/* TODO: fut.cancel(). False if already done. */
bool mini_future_cancel(mini_future *fut);

/* TODO: fut.add_done_callback(fn, arg). Steals arg. False (arg released)
 * only when the array is full. */
bool mini_future_add_done_callback(mini_future *fut, mini_done_fn fn, asy_value arg);

/* TODO: release the result and the args of the callbacks still in the
 * array (a future that never completed still holds them). Afterwards the
 * struct holds no references; call it once, when you are done with fut. */
void mini_future_clear(mini_future *fut);

#endif /* MINI_FUTURE_H */
