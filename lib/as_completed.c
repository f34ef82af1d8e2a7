/*
 * as_completed.c - as_completed (chapter 18).
 *
 * Three pieces, as in CPython's as_completed(): on_completion() (a done
 * callback: move the future from todo to the queue), on_timeout() (a
 * timer: put one "timed out" marker in the queue per future still to
 * come) and wait_for_one_body() (take the next item out of the queue).
 */
#include "as_completed.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- a FIFO of futures (owned references; NULL is allowed) ---- */

typedef struct {
    asy_future **items;
    size_t head, len, cap;
} fifo;

static void fifo_push(fifo *q, asy_future *f) /* steals f */
{
    if (q->head + q->len == q->cap) {
        if (q->head > 0 && q->head >= q->len) {
            /* at least half the array is free at the front: slide down.
             * Sliding costs len moves, paid for by the head pops before it
             * (sliding a nearly full array on every push would be O(n^2)). */
            memmove(q->items, q->items + q->head, q->len * sizeof *q->items);
            q->head = 0;
        } else {
            size_t cap = q->cap ? q->cap * 2 : 4;
            asy_future **items = realloc(q->items, cap * sizeof *items);
            if (items == NULL)
                asy_out_of_memory("as_completed's queue");
            q->items = items;
            q->cap = cap;
        }
    }
    q->items[q->head + q->len++] = f;
}

static asy_future *fifo_pop(fifo *q) /* a new reference (or NULL: a marker) */
{
    asy_future *f = q->items[q->head++];
    if (--q->len == 0)
        q->head = 0;
    return f;
}

static void fifo_clear(fifo *q)
{
    while (q->len > 0)
        asy_decref(fifo_pop(q));
    free(q->items);
    q->items = NULL;
    q->cap = 0;
}

/* ---- the object ---- */

typedef struct ac_link ac_link;

struct asy_as_completed {
    asy_obj ob;
    asy_loop *loop;          /* owned; NULL when there is nothing to wait for */
    asy_future **todo;       /* owned: every future, in argument order (see below) */
    size_t nfuts;            /* len(todo[]) */
    size_t ntodo;            /* how many have not completed: Python's len(todo) */
    fifo done;               /* finished futures, NULL = timed out (Python's Queue) */
    fifo getters;            /* futures of the awaits blocked on an empty queue */
    size_t left;             /* next() calls still to give */
    asy_handle *timeout;     /* owned, or NULL */
    ac_link *link;           /* what the callbacks and the timer hold */
    asy_exc *error;          /* a bad argument: the first await raises it */
};

/* The callbacks' way back to the object, without owning it (gather.h). */
struct ac_link {
    asy_obj ob;
    asy_as_completed *ac; /* borrowed; NULL once the object is gone */
};

static const asy_type link_type = {.name = "as_completed link"};

static void ac_dealloc(asy_obj *self);
static const asy_type ac_type = {.name = "as_completed", .dealloc = ac_dealloc};

/* Queue.put_nowait's wakeup: the first getter still waiting gets a result,
 * so the await it belongs to resumes at the next turn. */
static void wakeup_next(asy_as_completed *ac)
{
    while (ac->getters.len > 0) {
        asy_future *getter = fifo_pop(&ac->getters);
        bool waiting = !asy_future_done(getter);
        if (waiting)
            asy_decref(asy_future_set_result(getter, asy_none()));
        asy_decref(getter);
        if (waiting)
            return;
    }
}

static void put(asy_as_completed *ac, asy_future *f) /* steals f (NULL: a marker) */
{
    fifo_push(&ac->done, f);
    wakeup_next(ac);
}

/* Python's todo is a set that each completion removes its future from.
 * Finding a future in a C array costs a search (O(n^2) in all), and the
 * set is only ever asked one question: is it empty? (_on_completion
 * returns early when it is: the timeout came first.) So todo[] here
 * holds every future, and ntodo counts those not completed yet. The one
 * difference is when the references go: the array keeps the completed
 * futures alive until every future has completed, or until the timeout
 * or the object goes, where Python drops each one from its set at once. */
static void release_todo(asy_as_completed *ac)
{
    for (size_t i = 0; i < ac->nfuts; i++)
        asy_decref(ac->todo[i]);
    free(ac->todo);
    ac->todo = NULL;
    ac->nfuts = 0;
}

/* _on_completion(f): f leaves todo for the queue. */
static asy_exc *on_completion(asy_future *f, asy_value arg)
{
    asy_as_completed *ac = ((ac_link *)arg.u.o)->ac;
    if (ac == NULL)
        return NULL; /* the object is gone: nobody wants the result */
    if (ac->ntodo == 0)
        return NULL; /* if not todo: _on_timeout() was here first */
    ac->ntodo--;
    put(ac, asy_incref(f));
    if (ac->ntodo == 0) {
        asy_handle_cancel(ac->timeout); /* NULL is fine */
        release_todo(ac); /* every future is in the queue now */
    }
    return NULL;
}

/* _on_timeout(): one marker per future still to come; they run on, but
 * without our callback:
 *     f.remove_done_callback(_on_completion)                        (Python)
 *     asy_future_remove_done_callback_arg(f, on_completion, link)   (C)
 * Our link is what tells our registration from another iterator's on the
 * same future. (A callback already scheduled cannot be removed; it finds
 * todo empty. A completed future has no callback of ours left: removing
 * finds nothing.) */
static asy_exc *on_timeout(asy_value arg)
{
    asy_as_completed *ac = ((ac_link *)arg.u.o)->ac;
    if (ac == NULL || ac->ntodo == 0)
        return NULL;
    for (size_t i = 0; i < ac->nfuts; i++)
        asy_future_remove_done_callback_arg(ac->todo[i], on_completion, asy_obj_value(ac->link));
    for (; ac->ntodo > 0; ac->ntodo--)
        put(ac, NULL);
    release_todo(ac); /* todo.clear() */
    return NULL;
}

asy_as_completed *asy_as_completed_new(size_t n, void **aws, double timeout)
{
    asy_as_completed *ac = asy_obj_new(&ac_type, sizeof(asy_as_completed));
    ac->link = asy_obj_new(&link_type, sizeof(ac_link));
    ac->link->ac = ac;
    asy_loop *loop = NULL;
    asy_exc *err = asy__check_awaitables(n, aws, &loop);
    if (err != NULL) {
        asy__drop_awaitables(n, aws);
        ac->error = err;
        ac->left = 1;
        return ac;
    }
    ac->loop = asy_incref(loop);
    ac->todo = calloc(n > 0 ? n : 1, sizeof *ac->todo);
    if (ac->todo == NULL)
        asy_out_of_memory("as_completed's futures");
    /* set(fs): an awaitable passed again is dropped (gather.h tells how
     * repeats are found in O(n)). */
    asy_ptrmap seen;
    asy__find_repeats(n, aws, &seen);
    for (size_t i = 0; i < n; i++) {
        if (asy__first_index(&seen, aws[i], i) != i) {
            asy_decref(aws[i]); /* the extra reference we were given */
            continue;
        }
        asy_future *f = asy_ensure_future(aws[i], loop, &err);
        if (f == NULL) { /* create_task refused: its error is the child's */
            f = asy_future_new(loop);
            asy_decref(asy_future_set_exception(f, err));
        }
        ac->todo[ac->nfuts++] = f;
        ac->ntodo++;
        asy_decref(asy_future_add_done_callback(f, on_completion, asy_obj_value(asy_incref(ac->link))));
    }
    asy_ptrmap_clear(&seen);
    ac->left = ac->ntodo;
    if (ac->ntodo > 0 && !asy_is_no_timeout(timeout)) /* -inf, NaN: due at the next turn */
        ac->timeout = asy_loop_call_later(loop, timeout, on_timeout, asy_obj_value(asy_incref(ac->link)), NULL);
    return ac;
}

size_t asy_as_completed_left(const asy_as_completed *ac) { return ac != NULL ? ac->left : 0; }

/* ---- _wait_for_one ---- */

typedef struct {
    asy_coro co;
    asy_as_completed *ac; /* owned */
    asy_future *getter;   /* owned while blocked on the empty queue */
} one_frame;

/* Forget the getter of an await that is leaving (Queue.get's except). */
static void drop_getter(one_frame *f)
{
    asy_as_completed *ac = f->ac;
    asy_future *getter = f->getter;
    f->getter = NULL;
    asy_future_cancel(getter, NULL); /* just in case it is not done yet */
    /* Queue.get removes its getter from the deque (an O(n) search); here
     * it stays in the FIFO: it is done now, so wakeup_next() will drop it
     * without waking anyone (the FIFO releases it then, or with the
     * object). Woken but leaving without taking the item: wake the next. */
    if (ac->done.len > 0 && !asy_future_cancelled(getter))
        wakeup_next(ac);
    asy_decref(getter);
}

static asy_status wait_for_one_body(asy_coro *co)
{
    one_frame *f = (one_frame *)co;
    asy_as_completed *ac = f->ac; /* read again on every resume: C locals do not survive a yield */
    ASY_BEGIN(co);
    if (ac->error != NULL) {
        asy_exc *e = ac->error;
        ac->error = NULL;
        ASY_RAISE(co, e);
    }
    while (ac->done.len == 0) { /* f = await done.get() */
        f->getter = asy_future_new(ac->loop);
        fifo_push(&ac->getters, asy_incref(f->getter));
        ASY_AWAIT_TRY(co, asy_incref(f->getter));
        if (ASY_EXC(co) != NULL) { /* cancelled while waiting */
            drop_getter(f);
            ASY_RERAISE(co);
        }
        asy_decref(f->getter);
        f->getter = NULL;
    }
    {
        asy_future *fut = fifo_pop(&ac->done);
        if (fut == NULL) /* the marker from on_timeout() */
            ASY_RAISE(co, asy_exc_new(&asy_TimeoutError, NULL));
        asy_value result = asy_none();
        asy_exc *e = asy_future_result(fut, &result); /* may raise f.exception() */
        asy_decref(fut);
        if (e != NULL)
            ASY_RAISE(co, e);
        ASY_RETURN(co, result);
    }
    ASY_END(co);
}

static void one_clear(asy_gen *g)
{
    one_frame *f = (one_frame *)g;
    if (f->getter != NULL) /* closed while blocked */
        drop_getter(f);
    asy_decref(f->ac);
    f->ac = NULL;
}

/* next() on an exhausted generator. */
static asy_status exhausted_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RAISE(co, asy_exc_stop_iteration(asy_none()));
    ASY_END(co);
}

asy_coro *asy_as_completed_next(asy_as_completed *ac)
{
    if (ac == NULL)
        return asy__coro_null("_wait_for_one", "an as_completed iterator");
    if (ac->left == 0)
        return asy_coro_new(sizeof(asy_coro), exhausted_body, "_wait_for_one");
    ac->left--;
    one_frame *f = ASY_CORO_NEW(one_frame, wait_for_one_body, "_wait_for_one");
    f->ac = asy_incref(ac);
    asy_gen_set_clear(&f->co, one_clear);
    return &f->co;
}

static void ac_dealloc(asy_obj *self)
{
    asy_as_completed *ac = (asy_as_completed *)self;
    ac->link->ac = NULL; /* callbacks still to come find nobody */
    asy_decref(ac->link);
    if (ac->timeout != NULL)
        asy_handle_cancel(ac->timeout);
    asy_decref(ac->timeout);
    release_todo(ac);
    fifo_clear(&ac->done);
    fifo_clear(&ac->getters);
    asy_decref(ac->error);
    asy_decref(ac->loop);
    asy_obj_free(ac);
}
