/*
 * bbuf.c - exercise 22/bbuf, the reference solution. See bbuf.h.
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

static asy_value not_full(void *arg)
{
    const bbuf *b = arg;
    return asy_bool(b->len < b->cap);
}

static asy_value not_empty(void *arg) { return asy_bool(((const bbuf *)arg)->len > 0); }

typedef struct {
    asy_coro co;
    bbuf *b;          /* borrowed */
    asy_value item;   /* put: owned until it is in the buffer */
} op_frame;

static asy_status put_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_condition_acquire(f->b->cond));           /* async with cond: */
    ASY_AWAIT_TRY(co, asy_condition_wait_for(f->b->cond, not_full, f->b));
    if (ASY_EXC(co) == NULL) {
        f->b->items[(f->b->head + f->b->len) % BBUF_MAX] = f->item;
        f->b->len++;
        f->item = asy_none(); /* the buffer owns it now */
        asy_decref(asy_condition_notify_all(f->b->cond));
    }
    ASY_RAISE_IF(co, asy_condition_release(f->b->cond));        /* every path */
    ASY_END(co);
}

static asy_status get_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_condition_acquire(f->b->cond));
    ASY_AWAIT_TRY(co, asy_condition_wait_for(f->b->cond, not_empty, f->b));
    if (ASY_EXC(co) == NULL) {
        f->item = f->b->items[f->b->head]; /* ours until we return it */
        f->b->head = (f->b->head + 1) % BBUF_MAX;
        f->b->len--;
        asy_decref(asy_condition_notify_all(f->b->cond));
    }
    ASY_RAISE_IF(co, asy_condition_release(f->b->cond));
    {
        asy_value v = f->item;
        f->item = asy_none();
        ASY_RETURN(co, v); /* with an exception pending, v is released */
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
