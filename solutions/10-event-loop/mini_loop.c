/*
 * mini_loop.c - exercise 10/mini_loop, the reference solution.
 * See mini_loop.h; lib/loop.c run_once() is the library's version.
 */
#include "mini_loop.h"

double mini_loop_timeout(mini_loop *loop)
{
    /* Cancelled timers at the top would make us wake up for nothing. */
    asy_heap_node *top;
    while ((top = asy_heap_peek(&loop->timers)) != NULL && mini_timer_handle(top)->cancelled)
        asy_heap_pop(&loop->timers);

    if (!asy_ilist_empty(&loop->ready) || loop->stopping)
        return 0.0;
    if (top == NULL)
        return -1.0;
    return top->when > loop->now ? top->when - loop->now : 0.0;
}

void mini_loop_run_once(mini_loop *loop)
{
    /* 1. How long may the selector block? */
    double timeout = mini_loop_timeout(loop);

    /* 2. Wait for I/O; the selector queues what became ready. */
    loop->select(loop, timeout);

    /* 3. Due timers join the ready queue, earliest first. */
    asy_heap_node *top;
    while ((top = asy_heap_peek(&loop->timers)) != NULL && top->when <= loop->now) {
        asy_heap_pop(&loop->timers);
        mini_handle *h = mini_timer_handle(top);
        if (!h->cancelled)
            asy_ilist_push_back(&loop->ready, &h->link);
    }

    /* 4. Run exactly what is ready now. Counting first is enough: what the
     *    callbacks schedule goes to the back, behind the ones we count. */
    size_t ntodo = asy_ilist_length(&loop->ready);
    for (size_t i = 0; i < ntodo; i++) {
        mini_handle *h = ASY_CONTAINER_OF(asy_ilist_pop_front(&loop->ready), mini_handle, link);
        if (!h->cancelled)
            h->fn(loop, h);
    }
}
