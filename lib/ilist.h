/*
 * ilist.h - the intrusive doubly linked list.
 * Chapter: 04
 *
 * A scheduler keeps queues of things to run: here chapter 04's round-robin
 * trampoline, later the loop's ready queue and every waiter queue of the
 * synchronization primitives. Allocating a list node per entry would cost a
 * malloc per queued step. An intrusive list (Linux's list.h, libuv's
 * queue.h) puts the links inside the queued struct itself:
 *
 *     struct job { asy_ilist link; ... };      // the node lives in the job
 *     asy_ilist_push_back(&queue, &job->link);
 *     struct job *j = ASY_CONTAINER_OF(asy_ilist_pop_front(&queue), struct job, link);
 *
 * The list head is a node too, linked to itself when the list is empty, so
 * insert and remove never test for NULL. A removed node is re-linked to
 * itself (list_del_init), so removing twice, or asking whether a node is
 * queued, is safe. Every operation is O(1) and none allocates.
 *
 * Unlike the rest of the library, these take no NULL: a head or a node is
 * always a field of a live struct, so a NULL here is a bug in the code
 * that embeds it, and the hottest path of the loop pays no test for it.
 */
#ifndef ASY_ILIST_H
#define ASY_ILIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct asy_ilist {
    struct asy_ilist *prev, *next;
} asy_ilist;

/* From a pointer to a member, the struct that contains it. */
#define ASY_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* An empty list, or a node that is in no list. */
static inline void asy_ilist_init(asy_ilist *n) { n->prev = n->next = n; }

static inline bool asy_ilist_empty(const asy_ilist *head) { return head->next == head; }

/* Is this node in a list? (It must have been initialised or removed.) */
static inline bool asy_ilist_linked(const asy_ilist *n) { return n->next != n; }

/* Link n just before `at` (before the head = at the back). */
static inline void asy_ilist_insert_before(asy_ilist *at, asy_ilist *n)
{
    n->prev = at->prev;
    n->next = at;
    at->prev->next = n;
    at->prev = n;
}

static inline void asy_ilist_push_back(asy_ilist *head, asy_ilist *n) { asy_ilist_insert_before(head, n); }
static inline void asy_ilist_push_front(asy_ilist *head, asy_ilist *n) { asy_ilist_insert_before(head->next, n); }

/* Unlink n from its list and leave it linked to itself. */
static inline void asy_ilist_remove(asy_ilist *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    asy_ilist_init(n);
}

/* Remove and return the first node, or NULL when the list is empty. */
static inline asy_ilist *asy_ilist_pop_front(asy_ilist *head)
{
    if (asy_ilist_empty(head))
        return NULL;
    asy_ilist *n = head->next;
    asy_ilist_remove(n);
    return n;
}

static inline size_t asy_ilist_length(const asy_ilist *head)
{
    size_t n = 0;
    for (const asy_ilist *p = head->next; p != head; p = p->next)
        n++;
    return n;
}

/* for (each node n of head) where the body may remove n: `tmp` holds the
 * next node before the body runs. */
#define ASY_ILIST_FOREACH_SAFE(n, tmp, head) \
    for ((n) = (head)->next, (tmp) = (n)->next; (n) != (head); (n) = (tmp), (tmp) = (n)->next)

#endif /* ASY_ILIST_H */
