/*
 * mini_group.c - exercise 19/mini_group, the reference solution.
 *
 * The done callback on every task does all the bookkeeping: count down,
 * record an error, cancel the others at the first one, and wake the
 * waiter when the count reaches zero. wait() only awaits that waiter.
 */
#include "mini_group.h"

#include <stdlib.h>

#define MINI_GROUP_MAX 32

struct mini_group {
    asy_task *tasks[MINI_GROUP_MAX]; /* owned */
    int ntasks;
    asy_exc *errors[MINI_GROUP_MAX]; /* owned, in the order they happened */
    int nerrors;
    int pending;        /* tasks not finished */
    asy_future *waiter; /* completed when pending reaches 0 (owned) */
};

mini_group *mini_group_new(void)
{
    mini_group *g = calloc(1, sizeof *g);
    if (g == NULL)
        asy_out_of_memory("a mini_group");
    return g;
}

int mini_group_pending(const mini_group *g) { return g->pending; }

static asy_exc *on_done(asy_future *fut, asy_value arg)
{
    mini_group *g = arg.u.p;
    g->pending--;
    if (!asy_future_cancelled(fut)) {
        asy_exc *e = NULL;
        asy_decref(asy_future_exception(fut, &e));
        if (e != NULL && g->nerrors < MINI_GROUP_MAX) {
            g->errors[g->nerrors++] = e;
            if (g->nerrors == 1) /* the first failure: stop the others */
                for (int i = 0; i < g->ntasks; i++)
                    if (!asy_future_done(&g->tasks[i]->fut))
                        asy_task_cancel(g->tasks[i], NULL);
        } else {
            asy_decref(e);
        }
    }
    if (g->pending == 0 && g->waiter != NULL && !asy_future_done(g->waiter))
        asy_decref(asy_future_set_result(g->waiter, asy_none()));
    return NULL;
}

asy_task *mini_group_spawn(mini_group *g, asy_coro *coro)
{
    if (g->ntasks == MINI_GROUP_MAX) {
        asy_decref(asy_gen_close(coro));
        asy_decref(coro);
        return NULL;
    }
    asy_task *t = asy_create_task(coro, NULL, NULL); /* NULL outside a loop (see the header) */
    if (t == NULL)
        return NULL;
    asy_decref(asy_future_add_done_callback(&t->fut, on_done, asy_ptr(g)));
    g->tasks[g->ntasks++] = t;
    g->pending++;
    return t;
}

typedef struct {
    asy_coro co;
    mini_group *g; /* borrowed: the group outlives its wait */
} wait_frame;

static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    ASY_BEGIN(co);
    if (f->g->pending > 0) {
        asy_decref(f->g->waiter);
        f->g->waiter = asy_future_new(asy_get_running_loop(NULL));
        ASY_AWAIT(co, asy_incref(f->g->waiter));
    }
    if (f->g->nerrors > 0)
        ASY_RAISE(co, asy_exc_group_new("unhandled errors in a mini group", f->g->errors, (size_t)f->g->nerrors));
    ASY_END(co);
}

asy_coro *mini_group_wait(mini_group *g)
{
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "mini_group_wait");
    f->g = g;
    return &f->co;
}

void mini_group_free(mini_group *g)
{
    for (int i = 0; i < g->ntasks; i++)
        asy_decref(g->tasks[i]);
    for (int i = 0; i < g->nerrors; i++)
        asy_decref(g->errors[i]);
    asy_decref(g->waiter);
    free(g);
}
