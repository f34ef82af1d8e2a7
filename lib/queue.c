/*
 * queue.c - asyncio.Queue, LifoQueue and PriorityQueue (chapter 24).
 *
 * The file has three parts: the buffer (Python's overridable _init / _put /
 * _get, one small storage per kind), the non-blocking operations
 * (put_nowait, get_nowait, task_done), and the coroutines that wait
 * (put, get, join).
 */
#include "queue.h"

#include "internal.h"

#include "list.h"

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
        asy_out_of_memory("a Queue's items");
    for (size_t i = 0; i < q->len; i++) /* unroll the ring: head goes to 0 */
        items[i] = *slot(q, i);
    free(q->items);
    q->items = items;
    q->cap = cap;
    q->head = 0;
}

/* ---- the PriorityQueue's order: Python's `<` ----
 * Python's PriorityQueue is a heapq of whatever was put, usually tuples
 * (priority, item), and tuples compare element by element: the first
 * elements that are not == decide, with <. So equal priorities are
 * ordered by their items, and items that cannot be ordered raise
 * TypeError, as in Python. Each comparison below answers 1 (less), 0 (not
 * less) or -1 with *error set. */

static int value_lt(asy_value a, asy_value b, asy_exc **error);

static bool is_number(asy_value v)
{
    return v.kind == ASY_BOOL || v.kind == ASY_INT || v.kind == ASY_FLOAT;
}

/* A number as a long double: exact for every 64-bit int and every double,
 * so 2**53 + 1 > 2.0**53 holds, as in Python. */
static long double number_of(asy_value v)
{
    return v.kind == ASY_FLOAT ? (long double)v.u.f : v.kind == ASY_INT ? (long double)v.u.i : (long double)v.u.b;
}

/* Python's == for queue items: asy_value_eq, plus lists item by item. */
static bool items_eq(asy_value a, asy_value b)
{
    asy_list *x = asy_value_list(a), *y = asy_value_list(b);
    if (x == NULL || y == NULL || x == y)
        return asy_value_eq(a, b);
    if (asy_list_len(x) != asy_list_len(y))
        return false;
    for (size_t i = 0; i < asy_list_len(x); i++)
        if (!items_eq(asy_list_get(x, i), asy_list_get(y, i)))
            return false;
    return true;
}

static int not_supported(const char *a, const char *b, asy_exc **error)
{
    *error = asy_exc_new(&asy_TypeError, "'<' not supported between instances of '%s' and '%s'", a, b);
    return -1;
}

/* a < b for numbers, strings (by code point: UTF-8 bytes compare in that
 * order) and lists (element by element, then by length); TypeError for
 * anything else, even for two objects of the same type, as Python's
 * default object has no order. */
static int value_lt(asy_value a, asy_value b, asy_exc **error)
{
    if (is_number(a) && is_number(b))
        return number_of(a) < number_of(b);
    if (asy_is_str(a) && asy_is_str(b))
        return strcmp(asy_str_cstr(a), asy_str_cstr(b)) < 0;
    asy_list *x = asy_value_list(a), *y = asy_value_list(b);
    if (x != NULL && y != NULL) {
        size_t n = asy_list_len(x) < asy_list_len(y) ? asy_list_len(x) : asy_list_len(y);
        for (size_t i = 0; i < n; i++)
            if (!items_eq(asy_list_get(x, i), asy_list_get(y, i)))
                return value_lt(asy_list_get(x, i), asy_list_get(y, i), error);
        return asy_list_len(x) < asy_list_len(y);
    }
    return not_supported(asy_value_type_name(a), asy_value_type_name(b), error);
}

/* Does a come out of a PriorityQueue before b? A paired entry is Python's
 * tuple (priority, value): priority first, the values on a tie (equal
 * tuples are not less). A plain entry is the number itself. A tuple and a
 * number cannot be ordered. */
static int entry_lt(const asy_queue_entry *a, const asy_queue_entry *b, asy_exc **error)
{
    if (a->paired != b->paired)
        return not_supported(a->paired ? "tuple" : asy_value_type_name(a->value),
                             b->paired ? "tuple" : asy_value_type_name(b->value), error);
    if (!a->paired)
        return value_lt(a->value, b->value, error);
    if (a->priority != b->priority)
        return a->priority < b->priority;
    if (items_eq(a->value, b->value))
        return 0;
    return value_lt(a->value, b->value, error);
}

/* The heap is Python's heapq, step for step, so items that compare equal
 * come out in the same order as in Python. Each operation first finds
 * where things go (every comparison), and only then moves them: a
 * comparison that raises TypeError leaves the heap as it was. (CPython
 * moves as it compares: its heappush leaves the new item in the list, and
 * its heappop loses the item it was returning.) */

/* heapq.heappush: the new item climbs while it is less than its parent. */
static asy_exc *heap_push(asy_queue *q, asy_queue_entry e)
{
    asy_exc *err = NULL;
    size_t pos = q->len;
    while (pos > 0) {
        int lt = entry_lt(&e, &q->items[(pos - 1) / 2], &err);
        if (lt < 0)
            return err;
        if (!lt)
            break;
        pos = (pos - 1) / 2;
    }
    for (size_t i = q->len; i > pos; i = (i - 1) / 2) /* the parents passed move down */
        q->items[i] = q->items[(i - 1) / 2];
    q->items[pos] = e;
    q->len++;
    return NULL;
}

/* heapq.heappop: the last item takes the top's place; the smaller child
 * moves up, all the way down to a leaf (_siftup), and the last item then
 * climbs back from that leaf while it is less than what is above it
 * (_siftdown). *out is the top. */
static asy_exc *heap_pop(asy_queue *q, asy_queue_entry *out)
{
    asy_exc *err = NULL;
    size_t n = q->len - 1; /* the size after the pop */
    asy_queue_entry last = q->items[n];
    if (n == 0) {
        *out = last;
        q->len = 0;
        return NULL;
    }
    size_t path[8 * sizeof(size_t)], k = 0; /* from the top to a leaf */
    path[0] = 0;
    for (size_t pos = 0; 2 * pos + 1 < n;) {
        size_t child = 2 * pos + 1;
        if (child + 1 < n) {
            int lt = entry_lt(&q->items[child], &q->items[child + 1], &err);
            if (lt < 0)
                return err;
            if (!lt)
                child++; /* the right one, unless the left is less */
        }
        path[++k] = pos = child;
    }
    /* After the children moved up, the entry above path[j] is
     * items[path[j]]: climb while `last` is less than it. */
    size_t j = k;
    while (j > 0) {
        int lt = entry_lt(&last, &q->items[path[j]], &err);
        if (lt < 0)
            return err;
        if (!lt)
            break;
        j--;
    }
    *out = q->items[0];
    for (size_t i = 0; i < j; i++)
        q->items[path[i]] = q->items[path[i + 1]];
    q->items[path[j]] = last;
    q->len = n;
    return NULL;
}

/* _put(item). Only a PriorityQueue can refuse (TypeError from its order);
 * then nothing is stored and the caller still owns v. */
static asy_exc *buffer_put(asy_queue *q, bool paired, double priority, asy_value v)
{
    grow(q);
    asy_queue_entry e = {priority, paired, v};
    switch (q->kind) {
    case ASY_QUEUE_FIFO: /* append at the tail of the ring */
        *slot(q, q->len) = e;
        q->len++;
        break;
    case ASY_QUEUE_LIFO: /* push on the stack */
        q->items[q->len++] = e;
        break;
    case ASY_QUEUE_PRIORITY:
        return heap_push(q, e);
    }
    return NULL;
}

/* _get(): the queue is not empty. Only a PriorityQueue can fail (TypeError
 * from its order), and then nothing is taken. */
static asy_exc *buffer_get(asy_queue *q, asy_value *out)
{
    switch (q->kind) {
    case ASY_QUEUE_FIFO: /* popleft */
        *out = q->items[q->head].value;
        q->head = (q->head + 1) % q->cap;
        q->len--;
        break;
    case ASY_QUEUE_LIFO: /* pop */
        *out = q->items[--q->len].value;
        break;
    case ASY_QUEUE_PRIORITY: {
        asy_queue_entry top;
        asy_exc *err = heap_pop(q, &top);
        if (err != NULL)
            return err;
        *out = top.value;
        break;
    }
    }
    return NULL;
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
            if (e->paired)
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

/* A NULL queue answers as an empty unbounded one (queue.h). */
long asy_queue_maxsize(const asy_queue *q) { return q != NULL ? q->maxsize : 0; }
size_t asy_queue_qsize(const asy_queue *q) { return q != NULL ? q->len : 0; }
bool asy_queue_empty(const asy_queue *q) { return q == NULL || q->len == 0; }
bool asy_queue_full(const asy_queue *q) { return q != NULL && q->maxsize > 0 && q->len >= (size_t)q->maxsize; }
size_t asy_queue_getter_count(const asy_queue *q) { return q != NULL ? asy_ilist_length(&q->getters) : 0; }
size_t asy_queue_putter_count(const asy_queue *q) { return q != NULL ? asy_ilist_length(&q->putters) : 0; }
long asy_queue_unfinished_tasks(const asy_queue *q) { return q != NULL ? q->unfinished_tasks : 0; }

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

/* Can this (priority, item) go into this queue? Only a PriorityQueue
 * takes a priority. */
static asy_exc *check_item(const asy_queue *q, bool has_priority)
{
    if (has_priority && q->kind != ASY_QUEUE_PRIORITY)
        return asy_exc_new(&asy_TypeError, "only a PriorityQueue takes a priority (this is a %s)",
                           q->ob.type->name);
    return NULL;
}

static asy_exc *put_nowait(asy_queue *q, bool has_priority, double priority, asy_value item)
{
    if (q == NULL) {
        asy_value_decref(item);
        return asy__null_error("a Queue");
    }
    asy_exc *err = check_item(q, has_priority);
    if (err == NULL && asy_queue_full(q))
        err = asy_exc_new(&asy_QueueFull, NULL);
    if (err == NULL)
        err = buffer_put(q, has_priority, priority, item);
    if (err != NULL) {
        asy_value_decref(item);
        return err;
    }
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
    if (out == NULL) { /* the item is not wanted: taken and released */
        asy_value v;
        asy_exc *e = asy_queue_get_nowait(q, &v);
        asy_value_decref(v);
        return e;
    }
    *out = asy_none();
    if (q == NULL)
        return asy__null_error("a Queue");
    if (asy_queue_empty(q))
        return asy_exc_new(&asy_QueueEmpty, NULL);
    asy_exc *err = buffer_get(q, out);
    if (err != NULL)
        return err; /* *out is still None */
    wakeup_next(&q->putters); /* there is room now */
    return NULL;
}

asy_exc *asy_queue_task_done(asy_queue *q)
{
    if (q == NULL)
        return asy__null_error("a Queue");
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
    ASY_RAISE_IF(co, check_item(f->q, f->has_priority));
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
        /* not empty: only a PriorityQueue's TypeError can come back */
        asy_value item;
        ASY_RAISE_IF(co, asy_queue_get_nowait(f->q, &item));
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
    if (q == NULL)
        return asy__coro_null(name, "a Queue");
    op_frame *f = ASY_CORO_NEW(op_frame, body, name);
    f->q = asy_incref(q);
    asy_waiter_init(&f->w);
    f->item = asy_none();
    asy_gen_set_clear(&f->co, op_clear);
    return &f->co;
}

asy_coro *asy_queue_put(asy_queue *q, asy_value item)
{
    if (q == NULL) {
        asy_value_decref(item);
        return asy__coro_null("put", "a Queue");
    }
    asy_coro *co = new_op(q, put_body, "put");
    ((op_frame *)co)->item = item;
    return co;
}

asy_coro *asy_queue_put_priority(asy_queue *q, double priority, asy_value item)
{
    if (q == NULL) {
        asy_value_decref(item);
        return asy__coro_null("put", "a Queue");
    }
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
