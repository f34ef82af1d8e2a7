/*
 * heap.h - the timer heap: a binary min-heap ordered by (deadline, sequence).
 * Chapter: 10
 *
 * The loop must find its nearest timer at every iteration and add or drop
 * timers at any time. A sorted list costs O(n) per insert; a binary heap
 * costs O(log n) for push and pop and O(1) to peek at the nearest deadline.
 * asyncio keeps its TimerHandles in a heapq; libuv keeps its timers in a
 * heap too (src/heap-inl.h).
 *
 * Two timers due at the same moment must fire in the order they were
 * scheduled (call_later(1, a); call_later(1, b) runs a first). A heap alone
 * does not promise that, so every push gets a sequence number and ties on
 * the deadline are broken by it.
 *
 * The heap is intrusive: the node lives inside the timer (see loop.c), and
 * the heap is an array of pointers to nodes. Each node remembers its index
 * in the array, so a node can also be removed from the middle in O(log n).
 * Only the array grows (doubling); pushing allocates nothing on average.
 */
#ifndef ASY_HEAP_H
#define ASY_HEAP_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct asy_heap_node {
    double when;             /* the deadline, in loop time */
    unsigned long long seq;  /* set by push: breaks ties in scheduling order */
    size_t index;            /* position in the array while queued */
} asy_heap_node;

typedef struct asy_heap {
    asy_heap_node **items;   /* items[0] is the nearest deadline */
    size_t len, cap;
    unsigned long long next_seq;
} asy_heap;

void asy_heap_init(asy_heap *h);
/* Free the array (the nodes belong to their timers). */
void asy_heap_free(asy_heap *h);

static inline size_t asy_heap_len(const asy_heap *h) { return h != NULL ? h->len : 0; }

/* The deadline a node is ordered by. A NaN deadline (call_later(nan),
 * sleep(nan), a NaN timeout) is taken as -infinity: due at the next turn,
 * ahead of every other timer, in scheduling order among its likes.
 *
 * Why not leave NaN alone? Every comparison with NaN is false, so a heap
 * cannot place it: CPython's heapq leaves a NaN TimerHandle wherever the
 * sift stops, and then it is the NaN that breaks the order of the others
 * (a NaN at the top sits there while the later timers wait behind it; a
 * call_later(-inf) made after it can wait behind finite timers). What
 * CPython's loop does with a NaN at the top is clear, though: the timeout
 * min(max(0, nan - now), 24 h) is 0, and the "not yet due" test
 * `when >= end` is false for NaN, so the timer runs at the next turn. This
 * heap gives every NaN that place, always. */
static inline double asy_heap_key(double when) { return isnan(when) ? -INFINITY : when; }

/* Does a come before b? Earlier deadline, or the same and pushed earlier.
 * (This and asy_heap_due look at nodes already in a heap: like ilist.h's
 * links, they take no NULL. The functions of heap.c do.) */
static inline bool asy_heap_less(const asy_heap_node *a, const asy_heap_node *b)
{
    double x = asy_heap_key(a->when), y = asy_heap_key(b->when);
    return x < y || (x == y && a->seq < b->seq);
}

/* Is the node due at loop time `now`? (A NaN deadline always is.) */
static inline bool asy_heap_due(const asy_heap_node *n, double now) { return !(n->when > now); }

/* Add a node whose `when` is set. O(log n). */
void asy_heap_push(asy_heap *h, asy_heap_node *n);
/* The nearest node, or NULL when empty. O(1). */
static inline asy_heap_node *asy_heap_peek(const asy_heap *h) { return h != NULL && h->len > 0 ? h->items[0] : NULL; }
/* Remove and return the nearest node, or NULL when empty. O(log n). */
asy_heap_node *asy_heap_pop(asy_heap *h);
/* Remove a node that is in the heap, wherever it is. O(log n). */
void asy_heap_remove(asy_heap *h, asy_heap_node *n);
/* Restore the heap order of items[0..len) after the owner rearranged or
 * compacted the array (the loop's sweep of cancelled timers). O(n); the
 * sequence numbers are kept, so ties keep their order. */
void asy_heap_heapify(asy_heap *h);

#endif /* ASY_HEAP_H */
