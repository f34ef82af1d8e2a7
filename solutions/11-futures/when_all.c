/*
 * when_all.c - solution: a future for "all of these are done", made of
 * done callbacks only (chapter 11).
 *
 * One small counted object is shared by the callbacks of every input: the
 * result future and how many inputs are still pending. Each input holds a
 * reference to it through its callback's argument, so it lives exactly as
 * long as some input may still call back.
 */
#include "when_all.h"

typedef struct {
    asy_obj ob;
    asy_future *outer; /* owned: the future when_all returned */
    int n;             /* how many inputs */
    int pending;       /* how many have not called back yet */
} when_all_state;

static void state_dealloc(asy_obj *self)
{
    asy_decref(((when_all_state *)self)->outer);
    asy_obj_free(self);
}

static const asy_type state_type = {.name = "when_all_state", .dealloc = state_dealloc};

/* The done callback of every input. `arg` holds the shared state. */
static asy_exc *one_done(asy_future *fut, asy_value arg)
{
    when_all_state *s = (when_all_state *)arg.u.o;
    s->pending--;
    asy_exc *exc = NULL;
    if (!asy_future_cancelled(fut))
        asy_decref(asy_future_exception(fut, &exc)); /* done and not cancelled: cannot fail; marks it retrieved */
    if (asy_future_done(s->outer)) {
        asy_decref(exc); /* decided already (or cancelled from outside) */
        return NULL;
    }
    if (asy_future_cancelled(fut)) {
        asy_future_cancel(s->outer, NULL);
        return NULL;
    }
    if (exc != NULL)
        return asy_future_set_exception(s->outer, exc); /* steals exc; NULL: it is not done */
    if (s->pending == 0)
        return asy_future_set_result(s->outer, asy_int(s->n));
    return NULL;
}

asy_future *when_all(asy_loop *loop, asy_future **futs, int n)
{
    asy_future *outer = asy_future_new(loop);
    if (n == 0) {
        asy_decref(asy_future_set_result(outer, asy_int(0)));
        return outer;
    }
    when_all_state *s = asy_obj_new(&state_type, sizeof(when_all_state));
    s->outer = asy_incref(outer);
    s->n = n;
    s->pending = n;
    for (int i = 0; i < n; i++)
        asy_decref(asy_future_add_done_callback(futs[i], one_done, asy_obj_value(asy_incref(s)))); /* steals that reference */
    asy_decref(s); /* the inputs' callbacks hold it now */
    return outer;
}
