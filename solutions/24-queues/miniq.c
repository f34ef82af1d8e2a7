/*
 * miniq.c - exercise 24/miniq, the reference solution. See miniq.h.
 */
#include "miniq.h"

void miniq_init(miniq *q, long maxsize)
{
    q->maxsize = maxsize;
    q->head = q->len = 0;
    asy_ilist_init(&q->getters);
    asy_ilist_init(&q->putters);
}

void miniq_free(miniq *q)
{
    for (size_t i = 0; i < q->len; i++)
        asy_value_decref(q->items[(q->head + i) % MINIQ_CAP]);
    q->len = 0;
}

static bool full(const miniq *q) { return (long)q->len >= q->maxsize; }
static bool empty(const miniq *q) { return q->len == 0; }

/* Pop waiters off the front until one is woken (cancelled ones are dropped). */
static void wakeup_next(asy_ilist *waiters)
{
    asy_ilist *n;
    while ((n = asy_ilist_pop_front(waiters)) != NULL)
        if (asy_waiter_wake(ASY_WAITER_OF(n), asy_none()))
            break;
}

asy_exc *miniq_put_nowait(miniq *q, asy_value item)
{
    if (full(q)) {
        asy_value_decref(item);
        return asy_exc_new(&asy_QueueFull, NULL);
    }
    q->items[(q->head + q->len) % MINIQ_CAP] = item;
    q->len++;
    wakeup_next(&q->getters);
    return NULL;
}

asy_exc *miniq_get_nowait(miniq *q, asy_value *out)
{
    *out = asy_none();
    if (empty(q))
        return asy_exc_new(&asy_QueueEmpty, NULL);
    *out = q->items[q->head];
    q->head = (q->head + 1) % MINIQ_CAP;
    q->len--;
    wakeup_next(&q->putters);
    return NULL;
}

typedef struct {
    asy_coro co;
    miniq *q;         /* borrowed */
    asy_waiter w;     /* our node in q->getters / q->putters while we wait */
    asy_value item;   /* put: owned until it is in the buffer */
} op_frame;

/* Queue f->w on `waiters`; NULL or the error (no running loop). */
static asy_exc *enqueue(op_frame *f, asy_ilist *waiters)
{
    asy_exc *err = NULL;
    asy_loop *loop = asy_get_running_loop(&err);
    if (loop != NULL)
        asy_waiter_enqueue(&f->w, waiters, loop);
    return err;
}

/* The `except:` of put() and get(). */
static void give_up(asy_waiter *w, asy_ilist *waiters, bool still_useful)
{
    asy_future_cancel(w->fut, NULL);
    asy_waiter_leave(w);
    if (still_useful && !asy_waiter_cancelled(w))
        wakeup_next(waiters);
}

static asy_status put_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    while (full(f->q)) {
        ASY_RAISE_IF(co, enqueue(f, &f->q->putters));
        ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
        if (ASY_EXC(co) != NULL) {
            give_up(&f->w, &f->q->putters, !full(f->q));
            ASY_RERAISE(co); /* f->item is released by op_clear */
        }
    }
    {
        asy_value item = f->item;
        f->item = asy_none();
        ASY_RAISE_IF(co, miniq_put_nowait(f->q, item));
    }
    ASY_END(co);
}

static asy_status get_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    while (empty(f->q)) {
        ASY_RAISE_IF(co, enqueue(f, &f->q->getters));
        ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
        if (ASY_EXC(co) != NULL) {
            give_up(&f->w, &f->q->getters, !empty(f->q));
            ASY_RERAISE(co);
        }
    }
    {
        asy_value item;
        ASY_RAISE_IF(co, miniq_get_nowait(f->q, &item));
        ASY_RETURN(co, item);
    }
    ASY_END(co);
}

static void op_clear(asy_gen *g)
{
    op_frame *f = (op_frame *)g;
    asy_waiter_clear(&f->w);
    asy_value_clear(&f->item);
}

static asy_coro *new_op(miniq *q, asy_gen_body body, const char *name, asy_value item)
{
    op_frame *f = ASY_CORO_NEW(op_frame, body, name);
    f->q = q;
    f->item = item;
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, op_clear);
    return &f->co;
}

asy_coro *miniq_put(miniq *q, asy_value item) { return new_op(q, put_body, "put", item); }
asy_coro *miniq_get(miniq *q) { return new_op(q, get_body, "get", asy_none()); }
