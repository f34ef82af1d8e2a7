/*
 * bbuf.c - exercise 22/bbuf. See bbuf.h.
 *
 * Tools (lib/condition.h):
 *   ASY_AWAIT(co, asy_condition_acquire(cond))          async with cond: (enter)
 *   ASY_AWAIT_TRY(co, asy_condition_wait_for(cond, pred, arg))
 *   asy_condition_notify_all(cond)                      returns NULL or an error
 *   ASY_RAISE_IF(co, asy_condition_release(cond))       (exit, every path)
 * A predicate is `static asy_value pred(void *arg)` that returns
 * asy_bool(...); pass the buffer as arg.
 */
#include "bbuf.h"

void bbuf_init(bbuf *b, size_t cap)
{
    b->cond = asy_condition_new(NULL);
    b->head = b->len = 0;
    b->cap = cap;
}

void bbuf_free(bbuf *b)
{
    for (size_t i = 0; i < b->len; i++)
        asy_value_decref(b->items[(b->head + i) % BBUF_MAX]);
    b->len = 0;
    asy_decref(b->cond);
    b->cond = NULL;
}

typedef struct {
    asy_coro co;
    bbuf *b;          /* borrowed */
    asy_value item;   /* put: owned until it is in the buffer */
} op_frame;

static asy_status put_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    /* TODO: async with cond: wait_for(not full); append; notify_all.
     * This stub drops the item when the buffer is full. */
    if (f->b->len < f->b->cap) {
        f->b->items[(f->b->head + f->b->len) % BBUF_MAX] = f->item;
        f->b->len++;
        f->item = asy_none();
    }
    ASY_END(co);
}

static asy_status get_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    /* TODO: async with cond: wait_for(not empty); pop the oldest;
     * notify_all; return it. This stub returns None when empty. */
    if (f->b->len > 0) {
        asy_value v = f->b->items[f->b->head];
        f->b->head = (f->b->head + 1) % BBUF_MAX;
        f->b->len--;
        ASY_RETURN(co, v);
    }
    ASY_END(co);
}

static void op_clear(asy_gen *g) { asy_value_clear(&((op_frame *)g)->item); }

static asy_coro *new_op(bbuf *b, asy_gen_body body, const char *name, asy_value item)
{
    op_frame *f = ASY_CORO_NEW(op_frame, body, name);
    f->b = b;
    f->item = item;
    asy_gen_set_clear(&f->co, op_clear);
    return &f->co;
}

asy_coro *bbuf_put(bbuf *b, asy_value item) { return new_op(b, put_body, "put", item); }
asy_coro *bbuf_get(bbuf *b) { return new_op(b, get_body, "get", asy_none()); }
