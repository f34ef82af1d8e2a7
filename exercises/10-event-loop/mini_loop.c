/*
 * mini_loop.c - exercise 10/mini_loop. See mini_loop.h.
 *
 * Tools (all given):
 *   asy_ilist_empty(&loop->ready), asy_ilist_push_back, asy_ilist_pop_front,
 *   asy_ilist_length, ASY_CONTAINER_OF(node, mini_handle, link)   lib/ilist.h
 *   asy_heap_peek(&loop->timers), asy_heap_pop(&loop->timers)    lib/heap.h
 *   mini_timer_handle(node): the handle a heap node belongs to
 */
#include "mini_loop.h"

double mini_loop_timeout(mini_loop *loop)
{
    /* TODO: pop the cancelled timers off the top of the heap.
     * TODO: 0 when something is ready or loop->stopping; -1 when there is
     * no timer; else the time until the top timer's `when`, never below 0. */
    (void)loop;
    return 42.0;
}

void mini_loop_run_once(mini_loop *loop)
{
    /* TODO 1: the timeout (mini_loop_timeout).
     * TODO 2: loop->select(loop, timeout).
     * TODO 3: while the top timer is due (when <= loop->now): pop it and,
     *         unless cancelled, push it to the BACK of the ready queue.
     * TODO 4: run the callbacks that are ready now, and only those: a
     *         callback may schedule more (call_soon pushes to the back),
     *         and those must wait for the next turn. Skip cancelled ones;
     *         call h->fn(loop, h). */
    (void)loop;
}
