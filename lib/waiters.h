/*
 * waiters.h - the waiter queue and the loop binding that every asyncio
 * synchronization primitive is made of.
 * Chapter: 20
 *
 * CPython has no file of this name: each class of locks.py and queues.py
 * keeps a `collections.deque` of futures (self._waiters, _getters,
 * _putters), and mixins.py's _LoopBoundMixin binds the object to the first
 * loop that uses it. The course writes that shared part once, here, and
 * chapter 20's Lock is its first user; Event (21), Condition (22),
 * Semaphore (23) and Queue (24) are each "a state, and a queue of futures
 * that somebody completes".
 *
 * THE WAITER QUEUE. The queue is intrusive (ilist.h): the node, an
 * asy_waiter, lives inside the frame of the coroutine that waits
 * (acquire(), wait(), get() ...), so queueing a waiter allocates only its
 * future. A primitive's queue is a plain asy_ilist head. The waiting
 * coroutine:
 *
 *     loop = asy_primitive_get_loop(&prim->loop, prim, &err);   // _get_loop()
 *     asy_waiter_enqueue(&f->w, &prim->waiters, loop);          // fut = loop.create_future()
 *                                                               // waiters.append(fut)
 *     ASY_AWAIT_TRY(co, asy_incref(f->w.fut));                  // try: await fut
 *     asy_waiter_leave(&f->w);                                  // finally: waiters.remove(fut)
 *
 * and whoever wakes it calls asy_waiter_wake(), which skips a waiter whose
 * future is already done (a cancelled one). The waiting coroutine leaves
 * the queue itself, in its cleanup path, whether it was woken, cancelled or
 * closed; a frame freed while queued is unlinked by its clear function
 * (asy_waiter_clear).
 *
 * LOOP BINDING. A primitive is bound to the running loop the first time it
 * needs a future (mixins._LoopBoundMixin._get_loop); using it from another
 * loop is RuntimeError "<...> is bound to a different event loop".
 *
 * OWNERSHIP. A queued waiter owns its future; nothing in the queue owns the
 * waiter (the frame does). *bound owns a reference to the bound loop:
 * release it in the primitive's dealloc.
 */
#ifndef ASY_WAITERS_H
#define ASY_WAITERS_H

#include <stdbool.h>

#include "exc.h"
#include "future.h"
#include "ilist.h"
#include "loop.h"
#include "value.h"

/* One queued waiter: a link in a primitive's queue and the future its
 * coroutine awaits. Embed it in the coroutine's frame. */
typedef struct asy_waiter {
    asy_ilist link;   /* in the primitive's queue while waiting */
    asy_future *fut;  /* owned; NULL before the first enqueue */
} asy_waiter;

/* The waiter whose link this is. */
#define ASY_WAITER_OF(node) ASY_CONTAINER_OF((node), asy_waiter, link)

/* A waiter that is in no queue and has no future. */
void asy_waiter_init(asy_waiter *w);

/* mixins._LoopBoundMixin._get_loop(): the running loop (borrowed). The
 * first call binds *bound to it (*bound takes a reference); later calls
 * from another loop fail. On failure returns NULL and sets *error (new
 * reference): RuntimeError "no running event loop", or "<repr of owner> is
 * bound to a different event loop". */
asy_loop *asy_primitive_get_loop(asy_loop **bound, const void *owner, asy_exc **error);

/* waiters.append(fut): give w a new pending future on `loop` (releasing an
 * old one) and link it at the back of `queue`. */
void asy_waiter_enqueue(asy_waiter *w, asy_ilist *queue, asy_loop *loop);

/* waiters.remove(fut): unlink w (nothing happens if it is not queued).
 * The future stays with w. */
void asy_waiter_leave(asy_waiter *w);

/* Unlink w and release its future: for a frame's clear function. */
void asy_waiter_clear(asy_waiter *w);

/* Complete w's future with `result` (stolen) unless it is done already
 * (a cancelled waiter's is). Returns true if this woke it. */
bool asy_waiter_wake(asy_waiter *w, asy_value result);

/* Is w's future done / cancelled? (false for NULL) */
bool asy_waiter_done(const asy_waiter *w);
bool asy_waiter_cancelled(const asy_waiter *w);

#endif /* ASY_WAITERS_H */
