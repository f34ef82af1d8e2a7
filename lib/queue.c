/*
 * queue.c - asyncio.Queue, LifoQueue and PriorityQueue (chapter 24).
 *
 * The file has three parts: the buffer (Python's overridable _init / _put /
 * _get, one small storage per kind), the non-blocking operations
 * (put_nowait, get_nowait, task_done), and the coroutines that wait
 * (put, get, join).
 */
#include "queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* (ASY_EXC_TYPE would name them "asy_QueueEmpty": Python says "QueueEmpty".) */
const asy_exc_type asy_QueueEmpty = {"QueueEmpty", &asy_Exception};
const asy_exc_type asy_QueueFull = {"QueueFull", &asy_Exception};

/* ---- the buffer ---- */

static asy_queue_entry *slot(asy_queue *q, size_t i)
{
    /* Only the FIFO ring starts at head; the others keep head at 0. */
    return &q->items[(q->head + i) % q->cap];
}

static void grow(asy_queue *q)
{
    if (q->len < q->cap)
        return;
    size_t cap = q->cap ? q->cap * 2 : 8;
    asy_queue_entry *items = malloc(cap * sizeof *items);
    if (items == NULL)
        abort();
    for (size_t i = 0; i < q->len; i++) /* unroll the ring: head goes to 0 */
        items[i] = *slot(q, i);
    free(q->items);
    q->items = items;
    q->cap = cap;
    q->head = 0;
}

/* Does a come out of a PriorityQueue before b? Lower priority first; on a
 * tie, the one put first (Python would compare the values instead). */
static bool entry_less(const asy_queue_entry *a, const asy_queue_entry *b)
{
    return a->priority < b->priority || (a->priority == b->priority && a->seq < b->seq);
}

static void swap(asy_queue_entry *a, asy_queue_entry *b)
{
    asy_queue_entry t = *a;
    *a = *b;
    *b = t;
}

static void heap_push(asy_queue *q, asy_queue_entry e) /* heapq.heappush */
{
    size_t i = q->len++;
    q->items[i] = e;
    while (i > 0 && entry_less(&q->items[i], &q->items[(i - 1) / 2])) {
        swap(&q->items[i], &q->items[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
}

static asy_queue_entry heap_pop(asy_queue *q) /* heapq.heappop */
{
    asy_queue_entry top = q->items[0];
    q->items[0] = q->items[--q->len];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->len && entry_less(&q->items[l], &q->items[m]))
            m = l;
        if (r < q->len && entry_less(&q->items[r], &q->items[m]))
            m = r;
        if (m == i)
            break;
        swap(&q->items[i], &q->items[m]);
        i = m;
    }
    return top;
}

/* _put(item) */
static void buffer_put(asy_queue *q, double priority, asy_value v)
{
    grow(q);
    asy_queue_entry e = {priority, q->next_seq++, v};
    switch (q->kind) {
    case ASY_QUEUE_FIFO: /* append at the tail of the ring */
        *slot(q, q->len) = e;
        q->len++;
        break;
    case ASY_QUEUE_LIFO: /* push on the stack */
        q->items[q->len++] = e;
        break;
    case ASY_QUEUE_PRIORITY:
        heap_push(q, e);
        break;
    }
}

/* _get(): the queue is not empty. */
static asy_value buffer_get(asy_queue *q)
{
    asy_value v = asy_none();
    switch (q->kind) {
    case ASY_QUEUE_FIFO: /* popleft */
        v = q->items[q->head].value;
        q->head = (q->head + 1) % q->cap;
        q->len--;
        break;
    case ASY_QUEUE_LIFO: /* pop */
        v = q->items[--q->len].value;
        break;
    case ASY_QUEUE_PRIORITY:
        v = heap_pop(q).value;
        break;
    }
    return v;
}

/* ---- the object ---- */

static void queue_dealloc(asy_obj *self)
{
    asy_queue *q = (asy_queue *)self;
    for (size_t i = 0; i < q->len; i++)
        asy_value_decref(slot(q, i)->value);
    free(q->items);
    asy_decref(q->finished);
    asy_decref(q->loop);
    asy_obj_free(q);
}

/* Queue._format(): "maxsize=0 _queue=[1, 2] _getters[1] tasks=2" */
static int queue_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    asy_queue *q = (asy_queue *)self;
    char state[ASY_FMT_MAX * 2];
    size_t n = 0;
    /* Append, snprintf-style: once full, n still counts but nothing is written. */
#define ADD(...) (n += (size_t)snprintf(n < sizeof state ? state + n : NULL, \
                                        n < sizeof state ? sizeof state - n : 0, __VA_ARGS__))
    ADD("maxsize=%ld", q->maxsize);
    if (q->len > 0) {
        ADD(" _queue=[");
        for (size_t i = 0; i < q->len && n < sizeof state; i++) {
            asy_queue_entry *e = slot(q, i);
            if (q->kind == ASY_QUEUE_PRIORITY)
                ADD("%s(%g, %s)", i ? ", " : "", e->priority, ASY_REPR(e->value));
            else
                ADD("%s%s", i ? ", " : "", ASY_REPR(e->value));
        }
        ADD("]");
    }
    if (!asy_ilist_empty(&q->getters))
        ADD(" _getters[%zu]", asy_queue_getter_count(q));
    if (!asy_ilist_empty(&q->putters))
        ADD(" _putters[%zu]", asy_queue_putter_count(q));
    if (q->unfinished_tasks)
        ADD(" tasks=%ld", q->unfinished_tasks);
#undef ADD
    if (repr) /* <Queue at 0x... maxsize=0> */
        return snprintf(buf, size, "<%s at %p %s>", self->type->name, (void *)q, state);
    return snprintf(buf, size, "<%s %s>", self->type->name, state); /* str() */
}

const asy_type asy_queue_type = {.name = "Queue", .dealloc = queue_dealloc, .format = queue_format};
const asy_type asy_lifo_queue_type = {.name = "LifoQueue", .dealloc = queue_dealloc, .format = queue_format,
                                      .base = &asy_queue_type};
const asy_type asy_priority_queue_type = {.name = "PriorityQueue", .dealloc = queue_dealloc,
                                          .format = queue_format, .base = &asy_queue_type};

static asy_queue *queue_new(const asy_type *type, asy_queue_kind kind, long maxsize)
{
    asy_queue *q = asy_obj_new(type, sizeof(asy_queue));
    q->kind = kind;
    q->maxsize = maxsize;
    asy_ilist_init(&q->getters);
    asy_ilist_init(&q->putters);
    q->finished = asy_event_new();
    asy_event_set(q->finished); /* nothing unfinished yet */
    return q;
}

asy_queue *asy_queue_new(long maxsize) { return queue_new(&asy_queue_type, ASY_QUEUE_FIFO, maxsize); }
asy_queue *asy_lifo_queue_new(long maxsize) { return queue_new(&asy_lifo_queue_type, ASY_QUEUE_LIFO, maxsize); }
asy_queue *asy_priority_queue_new(long maxsize)
{
    return queue_new(&asy_priority_queue_type, ASY_QUEUE_PRIORITY, maxsize);
}

long asy_queue_maxsize(const asy_queue *q) { return q->maxsize; }
size_t asy_queue_qsize(const asy_queue *q) { return q->len; }
bool asy_queue_empty(const asy_queue *q) { return q->len == 0; }
bool asy_queue_full(const asy_queue *q) { return q->maxsize > 0 && q->len >= (size_t)q->maxsize; }
size_t asy_queue_getter_count(const asy_queue *q) { return asy_ilist_length(&q->getters); }
size_t asy_queue_putter_count(const asy_queue *q) { return asy_ilist_length(&q->putters); }
long asy_queue_unfinished_tasks(const asy_queue *q) { return q->unfinished_tasks; }

/* ---- the operations that never wait ---- */

/* _wakeup_next(waiters): take waiters off the front until one is woken
 * (the cancelled ones are simply dropped). The woken one is no longer
 * queued: whoever wakes a waiter removes it. */
static void wakeup_next(asy_ilist *waiters)
{
    asy_ilist *n;
    while ((n = asy_ilist_pop_front(waiters)) != NULL)
        if (asy_waiter_wake(ASY_WAITER_OF(n), asy_none()))
            break;
}

/* Can this (priority, item) go into this queue? The priority of a plain
 * put on a PriorityQueue is the item itself, which must be a number. */
static asy_exc *check_item(const asy_queue *q, bool has_priority, asy_value item, double *priority)
{
    if (has_priority && q->kind != ASY_QUEUE_PRIORITY)
        return asy_exc_new(&asy_TypeError, "only a PriorityQueue takes a priority (this is a %s)",
                           q->ob.type->name);
    if (has_priority || q->kind != ASY_QUEUE_PRIORITY)
        return NULL;
    switch (item.kind) {
    case ASY_INT:
        *priority = (double)item.u.i;
        return NULL;
    case ASY_BOOL:
        *priority = item.u.b;
        return NULL;
    case ASY_FLOAT:
        *priority = item.u.f;
        return NULL;
    default:
        return asy_exc_new(&asy_TypeError, "a PriorityQueue item without a priority must be a number, not %s"
                           " (use asy_queue_put_priority)", asy_value_type_name(item));
    }
}

static asy_exc *put_nowait(asy_queue *q, bool has_priority, double priority, asy_value item)
{
    asy_exc *err = check_item(q, has_priority, item, &priority);
    if (err == NULL && asy_queue_full(q))
        err = asy_exc_new(&asy_QueueFull, NULL);
    if (err != NULL) {
        asy_value_decref(item);
        return err;
    }
    buffer_put(q, priority, item);
    q->unfinished_tasks++;
    asy_event_clear(q->finished);
    wakeup_next(&q->getters);
    return NULL;
}

asy_exc *asy_queue_put_nowait(asy_queue *q, asy_value item) { return put_nowait(q, false, 0, item); }

asy_exc *asy_queue_put_priority_nowait(asy_queue *q, double priority, asy_value item)
{
    return put_nowait(q, true, priority, item);
}

asy_exc *asy_queue_get_nowait(asy_queue *q, asy_value *out)
{
    *out = asy_none();
    if (asy_queue_empty(q))
        return asy_exc_new(&asy_QueueEmpty, NULL);
    *out = buffer_get(q);
    wakeup_next(&q->putters); /* there is room now */
    return NULL;
}

asy_exc *asy_queue_task_done(asy_queue *q)
{
    if (q->unfinished_tasks <= 0)
        return asy_exc_new(&asy_ValueError, "task_done() called too many times");
    if (--q->unfinished_tasks == 0)
        asy_event_set(q->finished); /* join() may return */
    return NULL;
}

/* ---- the coroutines ---- */

/* The frame of put() and get(). */
typedef struct {
    asy_coro co;
    asy_queue *q;        /* owned */
    asy_waiter w;        /* our node in q->putters / q->getters while we wait */
    asy_value item;      /* put: owned until it is in the buffer */
    bool has_priority;   /* put: asy_queue_put_priority */
    double priority;
} op_frame;

/* After a wait that ended in an exception (cancelled, closed):
 *     waiter.cancel()            # just in case it is not done yet
 *     try: waiters.remove(waiter)
 *     except ValueError: pass    # the waker may have removed it already
 *     if <there is what we waited for> and not waiter.cancelled():
 *         self._wakeup_next(waiters)   # we were woken, but cannot take it
 */
static void give_up_waiting(asy_waiter *w, asy_ilist *waiters, bool still_useful)
{
    asy_future_cancel(w->fut, NULL);
    asy_waiter_leave(w);
    if (still_useful && !asy_waiter_cancelled(w))
        wakeup_next(waiters);
}

/* async def put(self, item):
 *     while self.full():
 *         putter = self._get_loop().create_future()
 *         self._putters.append(putter)
 *         try:
 *             await putter
 *         except:
 *             (give_up_waiting)
 *             raise
 *     return self.put_nowait(item)                                        */
static asy_status put_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    ASY_RAISE_IF(co, check_item(f->q, f->has_priority, f->item, &f->priority));
    while (asy_queue_full(f->q)) {
        {
            asy_exc *err = NULL;
            asy_loop *loop = asy_primitive_get_loop(&f->q->loop, f->q, &err);
            if (loop == NULL)
                ASY_RAISE(co, err);
            asy_waiter_enqueue(&f->w, &f->q->putters, loop);
        }
        ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
        if (ASY_EXC(co) != NULL) {
            give_up_waiting(&f->w, &f->q->putters, !asy_queue_full(f->q));
            ASY_RERAISE(co);
        }
    }
    {
        asy_value item = f->item;
        f->item = asy_none();
        ASY_RAISE_IF(co, put_nowait(f->q, f->has_priority, f->priority, item));
    }
    ASY_RETURN(co, asy_none());
    ASY_END(co);
}

/* async def get(self):
 *     while self.empty():
 *         getter = self._get_loop().create_future()
 *         self._getters.append(getter)
 *         try:
 *             await getter
 *         except:
 *             (give_up_waiting)
 *             raise
 *     return self.get_nowait()                                            */
static asy_status get_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    while (asy_queue_empty(f->q)) {
        {
            asy_exc *err = NULL;
            asy_loop *loop = asy_primitive_get_loop(&f->q->loop, f->q, &err);
            if (loop == NULL)
                ASY_RAISE(co, err);
            asy_waiter_enqueue(&f->w, &f->q->getters, loop);
        }
        ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
        if (ASY_EXC(co) != NULL) {
            give_up_waiting(&f->w, &f->q->getters, !asy_queue_empty(f->q));
            ASY_RERAISE(co);
        }
    }
    {
        asy_value item;
        asy_decref(asy_queue_get_nowait(f->q, &item)); /* not empty: cannot fail */
        ASY_RETURN(co, item);
    }
    ASY_END(co);
}

static void op_clear(asy_gen *g)
{
    op_frame *f = (op_frame *)g;
    asy_waiter_clear(&f->w);
    asy_value_clear(&f->item);
    asy_decref(f->q);
    f->q = NULL;
}

static asy_coro *new_op(asy_queue *q, asy_gen_body body, const char *name)
{
    op_frame *f = ASY_CORO_NEW(op_frame, body, name);
    f->q = asy_incref(q);
    asy_waiter_init(&f->w);
    f->item = asy_none();
    asy_gen_set_clear(&f->co, op_clear);
    return &f->co;
}

asy_coro *asy_queue_put(asy_queue *q, asy_value item)
{
    asy_coro *co = new_op(q, put_body, "put");
    ((op_frame *)co)->item = item;
    return co;
}

asy_coro *asy_queue_put_priority(asy_queue *q, double priority, asy_value item)
{
    op_frame *f = (op_frame *)new_op(q, put_body, "put");
    f->item = item;
    f->has_priority = true;
    f->priority = priority;
    return &f->co;
}

asy_coro *asy_queue_get(asy_queue *q) { return new_op(q, get_body, "get"); }

/* async def join(self):
 *     if self._unfinished_tasks > 0:
 *         await self._finished.wait()                                      */
static asy_status join_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    if (f->q->unfinished_tasks > 0)
        ASY_AWAIT(co, asy_event_wait(f->q->finished));
    ASY_RETURN(co, asy_none());
    ASY_END(co);
}

asy_coro *asy_queue_join(asy_queue *q) { return new_op(q, join_body, "join"); }
