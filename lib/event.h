/*
 * event.h - asyncio.Event: a flag that many coroutines can wait for.
 * Chapter: 21
 *
 * Mirrors CPython 3.11 asyncio/locks.py (class Event).
 *
 * An event (事件) is a boolean flag plus a waiter queue (waiters.h). wait()
 * on a set event returns True at once, without suspending. wait() on a
 * clear event queues a future and awaits it. set() raises the flag and
 * completes EVERY queued future in one go: unlike a lock's release(), which
 * wakes one waiter, one set() releases them all, and none of them has to
 * take anything before it runs on. clear() lowers the flag for the waits
 * that come later; waiters already woken still wake (their futures are
 * done), as in Python.
 *
 *     waiters: [fut(e1), fut(e2)]   set() -> both set_result(True)
 *                                   e1's and e2's tasks wake at the next turn,
 *                                   in the order they started waiting
 *
 * Each waiter leaves the queue itself when its wait() ends, woken,
 * cancelled or closed (the `finally: self._waiters.remove(fut)`).
 *
 * OWNERSHIP. asy_event_new returns a new reference. asy_event_wait returns
 * a new coroutine, which holds a reference to the event until it finishes.
 */
#ifndef ASY_EVENT_H
#define ASY_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "ilist.h"
#include "loop.h"
#include "value.h"
#include "waiters.h"

typedef struct asy_event {
    asy_obj ob;
    bool value;         /* the flag */
    asy_ilist waiters;  /* asy_waiter links (waiters.h), first come first */
    asy_loop *loop;     /* owned; bound on the first wait, or NULL */
} asy_event;

extern const asy_type asy_event_type;

/* asyncio.Event(): clear, no waiters. New reference. */
asy_event *asy_event_new(void);

/* event.is_set() */
bool asy_event_is_set(const asy_event *ev);

/* event.set(): raise the flag and wake every waiter. Setting a set event
 * does nothing. */
void asy_event_set(asy_event *ev);

/* event.clear(): lower the flag. */
void asy_event_clear(asy_event *ev);

/* await event.wait(): a new coroutine returning True once the flag is up
 * (at once, without suspending, if it is up already). */
asy_coro *asy_event_wait(asy_event *ev);

/* len(event._waiters) */
size_t asy_event_waiter_count(const asy_event *ev);

/* The event as a value (new reference), and back (borrowed, or NULL). */
static inline asy_value asy_event_value(asy_event *ev) { return asy_obj_value(asy_incref(ev)); }
asy_event *asy_value_event(asy_value v);

#endif /* ASY_EVENT_H */
