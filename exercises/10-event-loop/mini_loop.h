/*
 * mini_loop.h - exercise 10/mini_loop: one turn of an event loop.
 *
 * lib/loop.c run_once() without the bookkeeping: a ready queue (lib/ilist.h),
 * a timer heap (lib/heap.h: the one you wrote in timer_heap), a clock that
 * is a plain number, and a selector that is a function the test supplies.
 * You write the two functions at the bottom; everything else is given here.
 *
 * One turn, as CPython's BaseEventLoop._run_once:
 *
 *   1. timeout: 0 if a callback is ready or stop() was called; else the
 *      time until the nearest timer (0 if it is already due, never
 *      negative); else -1 ("block forever"). Cancelled timers at the top
 *      of the heap are dropped first: they must not decide the timeout.
 *   2. call loop->select(loop, timeout). The test's stand-in may move
 *      loop->now (as if it blocked) and queue I/O callbacks with
 *      mini_call_soon.
 *   3. move every timer that is due (when <= loop->now) from the heap to
 *      the back of the ready queue, earliest first; drop cancelled ones.
 *   4. run exactly the callbacks that are ready NOW, in order, skipping
 *      cancelled ones. What they schedule waits for the next turn.
 *
 * Handles are the caller's memory (intrusive, like lib's futures): the
 * loop never allocates or frees one. A handle is in at most one place:
 * the ready queue or the timer heap.
 */
#ifndef EX10_MINI_LOOP_H
#define EX10_MINI_LOOP_H

#include <stdbool.h>

#include "heap.h"
#include "ilist.h"

typedef struct mini_loop mini_loop;
typedef struct mini_handle mini_handle;

/* A callback gets the loop and its handle (the handle's arg is yours). */
typedef void (*mini_fn)(mini_loop *loop, mini_handle *h);

struct mini_handle {
    asy_ilist link;      /* in loop->ready while queued */
    asy_heap_node timer; /* in loop->timers while a timer waits */
    mini_fn fn;
    void *arg;
    bool cancelled;
};

struct mini_loop {
    asy_ilist ready;     /* mini_handle.link, front runs first */
    asy_heap timers;     /* mini_handle.timer, earliest on top */
    double now;          /* the clock: only the test and select move it */
    bool stopping;       /* stop() was called */
    /* Step 2's selector: wait up to `timeout` seconds (-1: no limit). */
    void (*select)(mini_loop *loop, double timeout);
};

/* ---- given ---- */

static inline void mini_loop_init(mini_loop *loop, void (*select)(mini_loop *, double))
{
    asy_ilist_init(&loop->ready);
    asy_heap_init(&loop->timers);
    loop->now = 0.0;
    loop->stopping = false;
    loop->select = select;
}

/* Frees the heap's array; the handles are the caller's. */
static inline void mini_loop_free(mini_loop *loop) { asy_heap_free(&loop->timers); }

static inline void mini_handle_set(mini_handle *h, mini_fn fn, void *arg)
{
    asy_ilist_init(&h->link);
    h->fn = fn;
    h->arg = arg;
    h->cancelled = false;
}

/* loop.call_soon(fn, arg): to the back of the ready queue. */
static inline void mini_call_soon(mini_loop *loop, mini_handle *h, mini_fn fn, void *arg)
{
    mini_handle_set(h, fn, arg);
    asy_ilist_push_back(&loop->ready, &h->link);
}

/* loop.call_at(when, fn, arg): into the timer heap. */
static inline void mini_call_at(mini_loop *loop, mini_handle *h, double when, mini_fn fn, void *arg)
{
    mini_handle_set(h, fn, arg);
    h->timer.when = when;
    asy_heap_push(&loop->timers, &h->timer);
}

/* loop.call_later(delay, fn, arg) */
static inline void mini_call_later(mini_loop *loop, mini_handle *h, double delay, mini_fn fn, void *arg)
{
    mini_call_at(loop, h, loop->now + delay, fn, arg);
}

/* handle.cancel(): lazy, the handle stays where it is. */
static inline void mini_cancel(mini_handle *h) { h->cancelled = true; }

static inline void mini_stop(mini_loop *loop) { loop->stopping = true; }

/* From a heap node back to its handle. */
static inline mini_handle *mini_timer_handle(asy_heap_node *n) { return ASY_CONTAINER_OF(n, mini_handle, timer); }

/* ---- yours (mini_loop.c) ---- */

/* Step 1: drop the cancelled timers at the top of the heap, then return
 * the timeout (0, the time until the nearest timer, or -1). */
double mini_loop_timeout(mini_loop *loop);

/* One turn: steps 1 to 4. */
void mini_loop_run_once(mini_loop *loop);

#endif /* EX10_MINI_LOOP_H */
