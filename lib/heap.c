/*
 * heap.c - the timer heap (chapter 10).
 *
 * The array is the usual implicit binary tree: the children of index i are
 * 2i+1 and 2i+2, its parent is (i-1)/2, and every parent comes before its
 * children. push appends and sifts up; pop moves the last node to the root
 * and sifts down.
 */
#include "heap.h"
#include "value.h" /* asy_out_of_memory */

#include <stdio.h>
#include <stdlib.h>

void asy_heap_init(asy_heap *h)
{
    if (h == NULL)
        return;
    h->items = NULL;
    h->len = h->cap = 0;
    h->next_seq = 0;
}

void asy_heap_free(asy_heap *h)
{
    if (h == NULL)
        return;
    free(h->items);
    asy_heap_init(h);
}

static void place(asy_heap *h, size_t i, asy_heap_node *n)
{
    h->items[i] = n;
    n->index = i;
}

/* Move the node at i up while it comes before its parent. */
static void sift_up(asy_heap *h, size_t i)
{
    asy_heap_node *n = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!asy_heap_less(n, h->items[parent]))
            break;
        place(h, i, h->items[parent]);
        i = parent;
    }
    place(h, i, n);
}

/* Move the node at i down while a child comes before it. */
static void sift_down(asy_heap *h, size_t i)
{
    asy_heap_node *n = h->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len)
            break;
        if (child + 1 < h->len && asy_heap_less(h->items[child + 1], h->items[child]))
            child++; /* the earlier of the two children */
        if (!asy_heap_less(h->items[child], n))
            break;
        place(h, i, h->items[child]);
        i = child;
    }
    place(h, i, n);
}

void asy_heap_push(asy_heap *h, asy_heap_node *n)
{
    if (h == NULL || n == NULL)
        return;
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        asy_heap_node **items = realloc(h->items, cap * sizeof *items);
        if (items == NULL)
            asy_out_of_memory("the timer heap");
        h->items = items;
        h->cap = cap;
    }
    n->seq = h->next_seq++;
    place(h, h->len++, n);
    sift_up(h, n->index);
}

asy_heap_node *asy_heap_pop(asy_heap *h)
{
    if (h == NULL || h->len == 0)
        return NULL;
    asy_heap_node *top = h->items[0];
    asy_heap_remove(h, top);
    return top;
}

void asy_heap_remove(asy_heap *h, asy_heap_node *n)
{
    if (h == NULL || n == NULL)
        return;
    size_t i = n->index;
    asy_heap_node *last = h->items[--h->len];
    if (i == h->len)
        return; /* it was the last one */
    place(h, i, last);
    /* The moved node may belong above or below its new place. */
    if (i > 0 && asy_heap_less(last, h->items[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}

void asy_heap_heapify(asy_heap *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->len; i++)
        h->items[i]->index = i;
    for (size_t i = h->len / 2; i-- > 0;)
        sift_down(h, i);
}
