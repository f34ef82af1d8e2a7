/*
 * miniq.c - exercise 24/miniq. See miniq.h.
 *
 * Tools (lib/waiters.h): asy_waiter_init, asy_waiter_enqueue(&w, &list, loop),
 * asy_waiter_leave, asy_waiter_clear, asy_waiter_wake(w, v) (false if it
 * was done already), asy_waiter_cancelled, ASY_WAITER_OF,
 * asy_ilist_pop_front(&list); asy_future_cancel(fut, NULL);
 * asy_get_running_loop(&err); asy_exc_new(&asy_QueueFull, NULL).
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

asy_exc *miniq_put_nowait(miniq *q, asy_value item)
{
    if ((long)q->len >= q->maxsize) {
        asy_value_decref(item);
        return asy_exc_new(&asy_QueueFull, NULL);
    }
    q->items[(q->head + q->len) % MINIQ_CAP] = item;
    q->len++;
    /* TODO: wake the next getter */
    return NULL;
}

asy_exc *miniq_get_nowait(miniq *q, asy_value *out)
{
    *out = asy_none();
    if (q->len == 0)
        return asy_exc_new(&asy_QueueEmpty, NULL);
    *out = q->items[q->head];
    q->head = (q->head + 1) % MINIQ_CAP;
    q->len--;
    /* TODO: wake the next putter */
    return NULL;
}

typedef struct {
    asy_coro co;
    miniq *q;         /* borrowed */
    asy_waiter w;     /* our node in q->getters / q->putters while we wait */
    asy_value item;   /* put: owned until it is in the buffer */
} op_frame;

static asy_status put_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    /* TODO: while full: wait as a putter (see miniq.h) */
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
    /* TODO: while empty: wait as a getter (see miniq.h) */
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
