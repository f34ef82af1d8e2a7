/*
 * queue.h - asyncio.Queue, LifoQueue and PriorityQueue.
 * Chapter: 24
 *
 * Mirrors CPython 3.11 asyncio/queues.py.
 *
 * A queue (队列) connects producers and consumers. It is a buffer of items
 * plus TWO waiter queues (waiters.h): getters wait while the buffer is empty,
 * putters wait while it is full (maxsize > 0 only). Every put wakes the
 * first getter, every get wakes the first putter. A bounded queue thus
 * gives back-pressure: a producer that runs ahead is suspended in put()
 * until a consumer makes room.
 *
 *     getters: [fut(c1)]   put_nowait(x): buffer [x], wake c1
 *     putters: [fut(p2)]   get_nowait():  buffer [],  wake p2
 *
 * A woken waiter is taken off its waiter queue by the one who wakes it,
 * and then it checks the buffer again (`while self.empty(): ...`): another
 * coroutine may have got there first.
 *
 * task_done() / join(): every put counts an unfinished task, every
 * task_done() takes one back; join() waits (on an Event, chapter 21) until
 * the count is 0: "everything put has been processed".
 *
 * THE THREE KINDS differ only in which item get() takes:
 *   - Queue: the oldest (FIFO, a ring buffer);
 *   - LifoQueue: the newest (a stack);
 *   - PriorityQueue: the least item first (a binary heap, Python's heapq
 *     step for step). asy_queue_put_priority() puts Python's tuple
 *     (priority, value); asy_queue_put() puts a bare item (Python's
 *     put(5) or put('a')). Items are ordered as Python orders them: a
 *     tuple by its priority, then by its value where the priorities are
 *     equal, so (1, 'a') comes out before (1, 'b') whatever the order of
 *     the puts, and equal tuples come out in heapq's order, not
 *     necessarily first put first (put (priority, counter, value) in
 *     Python, or make the values distinct, for FIFO ties). Numbers compare
 *     by value (1 < 1.5, True == 1), strings by code point, lists item by
 *     item; any other pair, and a tuple against a bare item, raises
 *     TypeError "'<' not supported between instances of 'X' and 'Y'",
 *     with Python's type names. get() returns the value only.
 *
 * A TypeError from the order comes back from whichever call compared:
 * put_nowait (or the put() that calls it), or get_nowait / get(). Unlike
 * CPython, a call that raises it changes nothing: put_nowait does not keep
 * the item (it is released, not counted for join(), no getter is woken;
 * CPython's heappush leaves it in the queue, uncounted), and get_nowait
 * takes nothing (CPython's heappop loses the item it was returning).
 *
 * Misuse gets asyncio's exceptions: put_nowait on a full queue raises
 * QueueFull, get_nowait on an empty one QueueEmpty (both with an empty
 * message, like Python's bare `raise QueueFull`), task_done() once too
 * often ValueError "task_done() called too many times".
 *
 * OWNERSHIP. The constructors return a new reference. Items are values:
 * put/put_nowait steal the item (released if it is refused), get/get_nowait
 * hand out a new reference. The coroutines hold a reference to the queue
 * until they finish. Errors are new references.
 */
#ifndef ASY_QUEUE_H
#define ASY_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "event.h"
#include "exc.h"
#include "ilist.h"
#include "loop.h"
#include "value.h"
#include "waiters.h"

/* asyncio.QueueEmpty and asyncio.QueueFull (both Exception subtypes). */
extern const asy_exc_type asy_QueueEmpty;
extern const asy_exc_type asy_QueueFull;

typedef enum { ASY_QUEUE_FIFO, ASY_QUEUE_LIFO, ASY_QUEUE_PRIORITY } asy_queue_kind;

/* One buffered item. */
typedef struct asy_queue_entry {
    double priority;          /* PriorityQueue, when paired */
    bool paired;              /* put with a priority: Python's (priority, value) */
    asy_value value;          /* owned */
} asy_queue_entry;

typedef struct asy_queue {
    asy_obj ob;
    asy_queue_kind kind;
    long maxsize;              /* <= 0: unbounded */
    asy_queue_entry *items;    /* FIFO: a ring from head; LIFO and heap: from 0 */
    size_t head, len, cap;
    asy_ilist getters;         /* asy_waiter links (waiters.h) of get() calls */
    asy_ilist putters;         /* asy_waiter links of put() calls */
    long unfinished_tasks;
    asy_event *finished;       /* owned: set while unfinished_tasks == 0 */
    asy_loop *loop;            /* owned; bound on the first wait, or NULL */
} asy_queue;

extern const asy_type asy_queue_type;
extern const asy_type asy_lifo_queue_type;     /* base: asy_queue_type */
extern const asy_type asy_priority_queue_type; /* base: asy_queue_type */

/* asyncio.Queue(maxsize), LifoQueue(maxsize), PriorityQueue(maxsize).
 * maxsize <= 0 means unbounded. New references. */
asy_queue *asy_queue_new(long maxsize);
asy_queue *asy_lifo_queue_new(long maxsize);
asy_queue *asy_priority_queue_new(long maxsize);

/* q.maxsize, q.qsize(), q.empty(), q.full() (never full when unbounded).
 * A NULL queue answers as an empty unbounded one: 0, 0, true, false. */
long asy_queue_maxsize(const asy_queue *q);
size_t asy_queue_qsize(const asy_queue *q);
bool asy_queue_empty(const asy_queue *q);
bool asy_queue_full(const asy_queue *q);

/* await q.put(item): a new coroutine; waits while the queue is full, then
 * puts. Steals item. On a PriorityQueue the item is a bare item, ordered
 * against the others as above (TypeError when it cannot be). */
asy_coro *asy_queue_put(asy_queue *q, asy_value item);
/* await q.put((priority, item)) on a PriorityQueue (TypeError on others). */
asy_coro *asy_queue_put_priority(asy_queue *q, double priority, asy_value item);

/* q.put_nowait(item): NULL, or QueueFull, or on a PriorityQueue TypeError
 * (above). Steals item, released if refused: the queue is then as it was. */
asy_exc *asy_queue_put_nowait(asy_queue *q, asy_value item);
asy_exc *asy_queue_put_priority_nowait(asy_queue *q, double priority, asy_value item);

/* await q.get(): a new coroutine; waits while the queue is empty, then
 * returns the item (a new reference for whoever takes ASY_SENT). */
asy_coro *asy_queue_get(asy_queue *q);

/* q.get_nowait(): NULL and *out = the item (new reference), or QueueEmpty
 * (or on a PriorityQueue TypeError, above) and *out = None. With out NULL
 * the item is taken and released. */
asy_exc *asy_queue_get_nowait(asy_queue *q, asy_value *out);

/* q.task_done(): NULL, or ValueError "task_done() called too many times". */
asy_exc *asy_queue_task_done(asy_queue *q);

/* await q.join(): a new coroutine; returns None once every item put has
 * had its task_done(). */
asy_coro *asy_queue_join(asy_queue *q);

/* len(q._getters), len(q._putters), q._unfinished_tasks */
size_t asy_queue_getter_count(const asy_queue *q);
size_t asy_queue_putter_count(const asy_queue *q);
long asy_queue_unfinished_tasks(const asy_queue *q);

#endif /* ASY_QUEUE_H */
