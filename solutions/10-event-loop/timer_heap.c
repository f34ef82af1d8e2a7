/*
 * timer_heap.c - exercise 10/timer_heap, the reference solution.
 * See timer_heap.h; lib/heap.c is the library's version of the same code.
 */
#include "timer_heap.h"
#include "value.h" /* asy_out_of_memory */

#include <stdio.h>
#include <stdlib.h>

/* ---- given ---- */

void timer_heap_init(timer_heap *h)
{
    h->items = NULL;
    h->len = h->cap = 0;
    h->next_seq = 0;
}

void timer_heap_free(timer_heap *h)
{
    free(h->items);
    timer_heap_init(h);
}

timer_node *timer_heap_peek(const timer_heap *h) { return h->len > 0 ? h->items[0] : NULL; }

/* Make room for one more item: double the array when it is full. */
static void ensure_room(timer_heap *h)
{
    if (h->len < h->cap)
        return;
    size_t cap = h->cap ? h->cap * 2 : 8;
    timer_node **items = realloc(h->items, cap * sizeof *items);
    if (items == NULL) {
        asy_out_of_memory("the timer heap");
    }
    h->items = items;
    h->cap = cap;
}

/* ---- yours ---- */

bool timer_node_before(const timer_node *a, const timer_node *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* Store n at index i, and tell n where it is. Every move goes through here
 * so that n->index is never stale. */
static void place(timer_heap *h, size_t i, timer_node *n)
{
    h->items[i] = n;
    n->index = i;
}

/* The node at i moves up while it comes before its parent. Parents move
 * down into the hole; the node is written once, at the end. */
static void sift_up(timer_heap *h, size_t i)
{
    timer_node *n = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_node_before(n, h->items[parent]))
            break;
        place(h, i, h->items[parent]);
        i = parent;
    }
    place(h, i, n);
}

/* The node at i moves down while its earlier child comes before it. */
static void sift_down(timer_heap *h, size_t i)
{
    timer_node *n = h->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len)
            break;
        if (child + 1 < h->len && timer_node_before(h->items[child + 1], h->items[child]))
            child++; /* the earlier of the two children */
        if (!timer_node_before(h->items[child], n))
            break;
        place(h, i, h->items[child]);
        i = child;
    }
    place(h, i, n);
}

void timer_heap_push(timer_heap *h, timer_node *n)
{
    ensure_room(h);
    n->seq = h->next_seq++;
    place(h, h->len++, n);
    sift_up(h, n->index);
}

timer_node *timer_heap_pop(timer_heap *h)
{
    if (h->len == 0)
        return NULL;
    timer_node *top = h->items[0];
    timer_heap_remove(h, top);
    return top;
}

void timer_heap_remove(timer_heap *h, timer_node *n)
{
    size_t i = n->index;
    timer_node *last = h->items[--h->len];
    if (i == h->len)
        return; /* n was the last one: nothing moves */
    place(h, i, last);
    /* `last` came from the bottom of another branch: it may belong above
     * its new place (earlier than the new parent) or below it. */
    if (i > 0 && timer_node_before(last, h->items[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}
