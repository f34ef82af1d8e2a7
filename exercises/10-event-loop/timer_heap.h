/*
 * timer_heap.h - exercise 10/timer_heap: the loop's timer heap, your own.
 *
 * The same data structure as lib/heap.h (read its opening comment): a
 * binary min-heap of pointers to nodes, ordered by (when, seq). The node
 * lives inside the timer (intrusive), and remembers its index in the array
 * so it can also be removed from the middle.
 *
 *     import heapq                          timer_heap h; timer_heap_init(&h);
 *     heapq.heappush(q, (when, seq, cb))    timer_heap_push(&h, &node)
 *     q[0]                                  timer_heap_peek(&h)
 *     heapq.heappop(q)                      timer_heap_pop(&h)
 *
 * The array is an implicit binary tree: the children of index i are
 * 2i+1 and 2i+2, its parent is (i-1)/2, and every parent comes before its
 * children (timer_node_before). items[0] is therefore the earliest timer.
 *
 * Five pushes, call_later(2.0) #0, (1.5) #1, (3.0) #2, (2.0) #3, (1.0) #4,
 * give the array [(1.0,#4), (1.5,#1), (3.0,#2), (2.0,#3), (2.0,#0)]:
 *
 *              [0] (1.0, #4)
 *             /             \
 *      [1] (1.5, #1)     [2] (3.0, #2)
 *       /         \
 *  [3] (2.0, #3)  [4] (2.0, #0)
 *
 * (diagrams/10-timer-heap.svg draws one more push.)
 *
 * OWNERSHIP. The heap owns its array only; nodes belong to the caller and
 * must stay where they are while they are in the heap.
 */
#ifndef EX10_TIMER_HEAP_H
#define EX10_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct timer_node {
    double when;             /* the deadline, set by the caller before push */
    unsigned long long seq;  /* set by push: 0, 1, 2, ... in push order */
    size_t index;            /* set by the heap: where the node is in items[] */
} timer_node;

typedef struct timer_heap {
    timer_node **items;      /* items[0] is the earliest */
    size_t len, cap;
    unsigned long long next_seq;
} timer_heap;

/* An empty heap (no allocation yet). */
void timer_heap_init(timer_heap *h);
/* Free the array; the nodes are the caller's. */
void timer_heap_free(timer_heap *h);

/* Does a come before b? An earlier deadline, or the same deadline and
 * pushed earlier (a smaller seq). This is what makes call_at(1, x);
 * call_at(1, y) run x first: a heap alone does not keep equal keys in
 * insertion order (CPython's heapq does not, see the chapter). */
bool timer_node_before(const timer_node *a, const timer_node *b);

/* Add n (its `when` already set): give it the next sequence number, put it
 * at the end of the array, sift it up. Grows the array when full. */
void timer_heap_push(timer_heap *h, timer_node *n);

/* The earliest node, or NULL when the heap is empty. Does not remove it. */
timer_node *timer_heap_peek(const timer_heap *h);

/* Remove and return the earliest node, or NULL when empty: move the last
 * node to the root and sift it down. */
timer_node *timer_heap_pop(timer_heap *h);

/* Remove n, which is in the heap, from wherever it is: the last node takes
 * its place and then moves UP or DOWN, whichever it needs. */
void timer_heap_remove(timer_heap *h, timer_node *n);

#endif /* EX10_TIMER_HEAP_H */
