/*
 * completion_queue.c - exercise 18/completion_queue. See completion_queue.h.
 *
 * The queue object, its FIFO helpers and the next() frame are written;
 * you write the done callback, cq_new's wiring and next()'s body.
 *
 * Tools:
 *   asy_future_add_done_callback(f, fn, arg)   steals arg: asy_obj_value(asy_incref(q))
 *   fifo_push(q, f) / fifo_pop(q)              below: push steals f, pop returns a reference
 *   asy_future_new(asy_get_running_loop(NULL)) the getter
 *   asy_future_result(f, &v)                   v = f.result(), or the exception it raises
 *   ASY_AWAIT(co, asy_incref(x))               await something the frame keeps
 */
#include "completion_queue.h"

#include <stdlib.h>
#include <string.h>

struct completion_queue {
    asy_obj ob;
    asy_future **items;  /* finished futures, owned; items[head .. head+len-1] */
    size_t head, len, cap;
    asy_future *getter;  /* the waiting consumer's future, or NULL (owned) */
};

static void cq_dealloc(asy_obj *self)
{
    completion_queue *q = (completion_queue *)self;
    for (size_t i = 0; i < q->len; i++)
        asy_decref(q->items[q->head + i]);
    free(q->items);
    asy_decref(q->getter);
    asy_obj_free(q);
}

static const asy_type cq_type = {.name = "completion_queue", .dealloc = cq_dealloc};

static void fifo_push(completion_queue *q, asy_future *f) /* steals f */
{
    if (q->head + q->len == q->cap) { /* no room at the end */
        if (q->head > 0) {            /* slide down over what was popped */
            memmove(q->items, q->items + q->head, q->len * sizeof *q->items);
            q->head = 0;
        } else {                      /* or grow */
            q->cap = q->cap ? 2 * q->cap : 4;
            q->items = realloc(q->items, q->cap * sizeof *q->items);
            if (q->items == NULL)
                asy_out_of_memory("the completion queue");
        }
    }
    q->items[q->head + q->len++] = f;
}

static asy_future *fifo_pop(completion_queue *q) /* a reference; q->len > 0 */
{
    asy_future *f = q->items[q->head++];
    if (--q->len == 0)
        q->head = 0;
    return f;
}

/* on_done(f): arg holds the queue (borrowed here). */
static asy_exc *on_done(asy_future *f, asy_value arg)
{
    completion_queue *q = (completion_queue *)arg.u.o;
    (void)f;
    (void)q;
    /* TODO: push f (a reference of the queue's own) and wake the getter if
     * one waits (set its result to None unless it is done). */
    return NULL;
}

completion_queue *cq_new(size_t n, asy_future **futs)
{
    completion_queue *q = asy_obj_new(&cq_type, sizeof(completion_queue));
    (void)n;
    (void)futs;
    (void)on_done; /* TODO: remove these three once you use them */
    (void)fifo_push;
    (void)fifo_pop;
    /* TODO: a done callback on each future, each with its own reference to q. */
    return q;
}

typedef struct {
    asy_coro co;
    completion_queue *q; /* owned */
} next_frame;

static asy_status next_body(asy_coro *co)
{
    next_frame *f = (next_frame *)co;
    ASY_BEGIN(co);
    (void)f; /* TODO: remove once you use it */
    /* TODO: while the FIFO is empty: a new getter (q->getter, replacing the
     * old one), await it.
     * TODO: pop the first future; return its result or raise its exception. */
    ASY_RAISE(co, asy_exc_new(&asy_NotImplementedError, "cq_next"));
    ASY_END(co);
}

static void next_clear(asy_gen *g) { asy_decref(((next_frame *)g)->q); }

asy_coro *cq_next(completion_queue *q)
{
    next_frame *f = ASY_CORO_NEW(next_frame, next_body, "next");
    f->q = asy_incref(q);
    asy_gen_set_clear(&f->co, next_clear);
    return &f->co;
}
