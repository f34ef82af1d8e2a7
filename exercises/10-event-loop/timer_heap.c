/*
 * timer_heap.c - exercise 10/timer_heap. See timer_heap.h.
 *
 * Write timer_node_before, timer_heap_push, timer_heap_pop and
 * timer_heap_remove. init, free, peek and ensure_room are given.
 *
 * The index arithmetic of the implicit tree:
 *     parent(i) = (i - 1) / 2       children(i) = 2i + 1, 2i + 2
 * Keep every node's `index` right after EVERY move (a small helper that
 * stores items[i] = n and sets n->index = i does it for you).
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
    /* TODO: earlier `when` first; on equal `when`, the smaller `seq`. */
    (void)a;
    (void)b;
    return false;
}

void timer_heap_push(timer_heap *h, timer_node *n)
{
    ensure_room(h);
    /* TODO: n->seq = the next sequence number; store n at items[len]
     * (len grows by one); sift it up: while it comes before its parent,
     * swap (or move the parent down) and go on from the parent's index. */
    (void)n;
}

timer_node *timer_heap_pop(timer_heap *h)
{
    /* TODO: NULL when empty. Otherwise take items[0], move the last node
     * to index 0 and sift it down: while one of its children comes before
     * it, move the EARLIER child up. (Or: timer_heap_remove(h, items[0]).) */
    (void)h;
    return NULL;
}

void timer_heap_remove(timer_heap *h, timer_node *n)
{
    /* TODO: the last node takes n's place (unless n IS the last node);
     * then it sifts up if it comes before its new parent, else down. */
    (void)h;
    (void)n;
}
