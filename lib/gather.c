/*
 * gather.c - gather (chapter 14).
 *
 * Read child_done() first: it is CPython's _done_callback, one branch per
 * rule of gather.h. asy_gather() wires it up; gathering_cancel() is the
 * outer future's cancel method (as task.c overrides a task's).
 */
#include "gather.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

/* The children's way back to the outer future. It does not own the outer
 * future (see gather.h: that would be a reference cycle); the outer future
 * owns one reference to it and clears `outer` when it dies. */
struct asy_gather_link {
    asy_obj ob;
    asy_gathering *outer; /* borrowed; NULL once the outer future is gone */
};

static const asy_type link_type = {.name = "gather link"};

static void gathering_dealloc(asy_obj *self);
static int gathering_format(asy_obj *self, char *buf, size_t size, bool repr);

/* Awaiting a gathering future is awaiting a future: same send/throw/close. */
static bool gathering_cancel(asy_future *fut, const char *msg);
static const asy_future_methods gathering_methods = {.cancel = gathering_cancel};

const asy_type asy_gathering_type = {.name = "_GatheringFuture", .dealloc = gathering_dealloc,
                                     .format = gathering_format, .iter = &asy__future_iter_ops,
                                     .base = &asy_future_type, .methods = &gathering_methods};

/* ---- checking the arguments ---- */

asy_exc *asy__check_awaitables(size_t n, void *const *aws, asy_loop **loop)
{
    *loop = NULL;
    if (n > 0 && aws == NULL)
        return asy__null_error("an array of awaitables");
    for (size_t i = 0; i < n; i++) {
        void *aw = aws[i];
        if (aw == NULL) {
            return asy__null_error("an awaitable");
        } else if (asy_isfuture(aw)) {
            asy_loop *fl = ((asy_future *)aw)->loop;
            if (*loop == NULL)
                *loop = fl;
            else if (fl != *loop)
                return asy_exc_new(&asy_ValueError,
                                   "The future belongs to a different loop than the one specified as the loop argument");
        } else if (asy_iscoroutine(aw)) {
            if (*loop == NULL) {
                asy_exc *err = NULL;
                *loop = asy_get_running_loop(&err);
                if (*loop == NULL)
                    return err;
            }
        } else {
            return asy_exc_new(&asy_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
        }
    }
    if (n == 0)
        *loop = asy_get_running_loop(NULL);
    return NULL;
}

void asy__drop_awaitables(size_t n, void **aws)
{
    if (aws == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        if (asy_iscoroutine(aws[i]))
            asy_decref(asy_gen_close(aws[i]));
        asy_decref(aws[i]);
    }
}

/* ---- the same awaitable twice ---- */

void asy__find_repeats(size_t n, void *const *aws, asy_ptrmap *seen)
{
    asy_ptrmap_init(seen, 0);
    for (size_t i = 0; i < n; i++)
        if (((const asy_obj *)aws[i])->refcnt > 1)
            asy_ptrmap_add(seen, aws[i], i); /* keeps the first index */
}

size_t asy__first_index(const asy_ptrmap *seen, const void *aw, size_t i)
{
    size_t first = i;
    if (seen->len > 0)
        asy_ptrmap_get(seen, aw, &first);
    return first;
}

/* A future that is already done with `e` (stolen): how gather reports an
 * error Python would raise at the call. `loop` may be NULL. */
static asy_future *failed(asy_loop *loop, asy_exc *e)
{
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_set_exception(fut, e));
    return fut;
}

/* ---- the done callback: CPython's _done_callback ---- */

/* The outer future is done, or gone: only mark the child's exception
 * retrieved, so that a child failing after the first one is not reported
 * as "exception was never retrieved" (the gather has seen it). */
static void mark_retrieved(asy_future *child)
{
    if (asy_future_cancelled(child))
        return;
    asy_exc *e = NULL;
    asy_decref(asy_future_exception(child, &e));
    asy_decref(e);
}

/* What a child contributes to the result list (new reference). */
static asy_value outcome_of(asy_future *child)
{
    if (asy_future_cancelled(child)) {
        /* As 3.11: a fresh CancelledError carrying the cancel message. */
        asy_exc *cancelled = asy_future_make_cancelled_error(child);
        asy_exc *e = asy_exc_new(&asy_CancelledError, "%s", asy_exc_message(cancelled));
        asy_decref(cancelled);
        asy_value v = asy_exc_value(e);
        asy_decref(e);
        return v;
    }
    asy_value result = asy_none();
    asy_exc *e = asy_future_result(child, &result);
    if (e == NULL)
        return result;
    asy_value v = asy_exc_value(e);
    asy_decref(e);
    return v;
}

/* Every child is done: the list of outcomes, in argument order. */
static void finish(asy_gathering *g)
{
    asy_list *results = asy_list_new();
    for (size_t i = 0; i < g->nchildren; i++)
        asy_list_append(results, outcome_of(g->children[i]));
    if (g->cancel_requested) {
        /* The gather itself was cancelled: it must raise CancelledError
         * whatever return_exceptions says (CPython issue 32684). Like
         * CPython, the error is made by the last child. */
        asy_decref(results);
        asy_decref(asy_future_set_exception(
            &g->fut, asy_future_make_cancelled_error(g->children[g->nchildren - 1])));
        return;
    }
    asy_decref(asy_future_set_result(&g->fut, asy_obj_value(results)));
}

static asy_exc *child_done(asy_future *child, asy_value arg)
{
    asy_gathering *g = ((asy_gather_link *)arg.u.o)->outer;
    if (g == NULL || asy_future_done(&g->fut)) {
        mark_retrieved(child);
        return NULL;
    }
    g->nfinished++;

    if (!g->return_exceptions) {
        /* The first failure completes the gather; nobody is cancelled. */
        if (asy_future_cancelled(child)) {
            asy_decref(asy_future_set_exception(&g->fut, asy_future_make_cancelled_error(child)));
            return NULL;
        }
        asy_exc *e = NULL;
        asy_decref(asy_future_exception(child, &e));
        if (e != NULL) {
            asy_decref(asy_future_set_exception(&g->fut, e));
            return NULL;
        }
    }
    if (g->nfinished == g->nfuts)
        finish(g);
    return NULL;
}

/* ---- cancelling: _GatheringFuture.cancel ---- */

/* Cancelling the gather cancels its children; it completes when their
 * callbacks have come in. True if at least one child took the cancel. */
static bool gathering_cancel(asy_future *fut, const char *msg)
{
    asy_gathering *g = (asy_gathering *)fut;
    if (asy_future_done(fut))
        return false;
    bool any = false;
    for (size_t i = 0; i < g->nchildren; i++)
        if (asy_future_cancel(g->children[i], msg))
            any = true;
    if (any)
        g->cancel_requested = true;
    return any;
}

/* ---- making one ---- */

asy_future *asy_gather(bool return_exceptions, size_t n, void **aws)
{
    asy_loop *loop = NULL;
    asy_exc *err = asy__check_awaitables(n, aws, &loop);
    if (err != NULL) {
        asy__drop_awaitables(n, aws);
        return failed(loop, err);
    }
    if (n == 0) { /* gather() with nothing: [] at once */
        asy_future *fut = asy_future_new(loop);
        asy_decref(asy_future_set_result(fut, asy_obj_value(asy_list_new())));
        return fut;
    }

    asy_gathering *g = asy_obj_new(&asy_gathering_type, sizeof(asy_gathering));
    asy__future_init(&g->fut, loop);
    g->return_exceptions = return_exceptions;
    g->children = calloc(n, sizeof *g->children);
    if (g->children == NULL)
        asy_out_of_memory("gather's children");
    g->link = asy_obj_new(&link_type, sizeof(asy_gather_link));
    g->link->outer = g;

    /* CPython's arg_to_fut dict: an argument seen before gets the child it
     * got then. asy__find_repeats() (gather.h) finds them in O(n). */
    asy_ptrmap seen;
    asy__find_repeats(n, aws, &seen);
    for (size_t i = 0; i < n; i++) {
        size_t j = asy__first_index(&seen, aws[i], i);
        if (j < i) { /* a duplicate: the same child again */
            g->children[i] = asy_incref(g->children[j]);
            asy_decref(aws[i]); /* the extra reference we were given */
        } else {
            asy_future *child = asy_ensure_future(aws[i], loop, &err);
            if (child == NULL) /* create_task refused: its error is the child's */
                child = failed(loop, err);
            g->children[i] = child;
            g->nfuts++;
            asy_decref(asy_future_add_done_callback(child, child_done, asy_obj_value(asy_incref(g->link))));
        }
        g->nchildren++;
    }
    asy_ptrmap_clear(&seen);
    return &g->fut;
}

/* ---- the object ---- */

static int gathering_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    char state[ASY_FMT_MAX];
    asy__future_format_state((asy_future *)self, state, sizeof state);
    return snprintf(buf, size, "<_GatheringFuture %s>", state);
}

static void gathering_dealloc(asy_obj *self)
{
    asy_gathering *g = (asy_gathering *)self;
    g->link->outer = NULL; /* the children's callbacks now find nobody */
    asy_decref(g->link);
    /* asy__future_release reports "_GatheringFuture exception was never
     * retrieved" (the type's name) if nobody looked at its exception. */
    for (size_t i = 0; i < g->nchildren; i++)
        asy_decref(g->children[i]);
    free(g->children);
    asy__future_release(&g->fut);
    asy_obj_free(g);
}
