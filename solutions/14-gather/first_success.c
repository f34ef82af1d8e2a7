/*
 * first_success.c - exercise 14/first_success, the reference solution.
 *
 * The winner future is the callbacks' argument: they hold a reference to
 * it, it holds nothing, so there is no reference cycle.
 */
#include "first_success.h"

#include <stdlib.h>

typedef struct {
    asy_coro co;
    size_t n;
    asy_coro **coros;     /* owned until each is handed to its task */
    asy_task **tasks;     /* owned references */
    asy_future *everyone; /* the gather of all the tasks (owned) */
    asy_future *winner;   /* its result: the winning task, or None (owned) */
} first_frame;

/* On each task: the first task to succeed becomes the winner's result.
 * arg holds the winner future. */
static asy_exc *on_task_done(asy_future *t, asy_value arg)
{
    asy_future *winner = asy_value_future(arg);
    if (asy_future_done(winner) || asy_future_cancelled(t))
        return NULL;
    asy_exc *e = NULL;
    asy_decref(asy_future_exception(t, &e));
    if (e != NULL) { /* a failure does not win */
        asy_decref(e);
        return NULL;
    }
    asy_decref(asy_future_set_result(winner, asy_future_value(t)));
    return NULL;
}

/* On the gather: everyone is done and nobody won. arg holds the winner. */
static asy_exc *on_all_done(asy_future *everyone, asy_value arg)
{
    (void)everyone;
    asy_future *winner = asy_value_future(arg);
    if (!asy_future_done(winner))
        asy_decref(asy_future_set_result(winner, asy_none()));
    return NULL;
}

static asy_status first_body(asy_coro *co)
{
    asy_exc *err;
    first_frame *f = (first_frame *)co;
    ASY_BEGIN(co);
    {
        void **aws = calloc(f->n, sizeof *aws);
        if (aws == NULL)
            asy_out_of_memory("first_success's arrays");
        for (size_t i = 0; i < f->n; i++) {
            f->tasks[i] = asy_create_task(f->coros[i], NULL, &err); /* steals the coroutine */
            if (f->tasks[i] == NULL)
                ASY_RAISE(co, err);
            f->coros[i] = NULL;
            aws[i] = asy_incref(f->tasks[i]); /* the gather's own reference */
        }
        f->everyone = asy_gather(true, f->n, aws);
        free(aws);
        f->winner = asy_future_new(asy_get_running_loop(NULL));
        for (size_t i = 0; i < f->n; i++)
            asy_decref(asy_future_add_done_callback(&f->tasks[i]->fut, on_task_done, asy_future_value(f->winner)));
        asy_decref(asy_future_add_done_callback(f->everyone, on_all_done, asy_future_value(f->winner)));
    }
    ASY_AWAIT(co, asy_incref(f->winner));
    for (size_t i = 0; i < f->n; i++)
        asy_task_cancel(f->tasks[i], NULL); /* the losers; the winner is done: no-op */
    ASY_AWAIT(co, asy_incref(f->everyone)); /* until every loser has stopped */
    {
        asy_value won = asy_none();
        asy_decref(asy_future_result(f->winner, &won));
        asy_task *t = asy_value_task(won);
        if (t == NULL) { /* nobody won: raise what coros[0] raised */
            asy_exc *first = asy_value_exc(asy_list_get(asy_value_list(ASY_SENT(co)), 0));
            asy_value_decref(won);
            ASY_RAISE(co, asy_incref(first));
        }
        asy_value result = asy_none();
        asy_decref(asy_future_result(&t->fut, &result));
        asy_value_decref(won);
        ASY_RETURN(co, result);
    }
    ASY_END(co);
}

static void first_clear(asy_gen *g)
{
    first_frame *f = (first_frame *)g;
    for (size_t i = 0; i < f->n; i++) {
        if (f->coros[i] != NULL)
            asy_decref(asy_gen_close(f->coros[i])); /* never started: no warning */
        asy_decref(f->coros[i]);
        asy_decref(f->tasks[i]);
    }
    free(f->coros);
    free(f->tasks);
    asy_decref(f->everyone);
    asy_decref(f->winner);
}

asy_coro *first_success(size_t n, asy_coro **coros)
{
    first_frame *f = ASY_CORO_NEW(first_frame, first_body, "first_success");
    asy_gen_set_clear(&f->co, first_clear);
    f->n = n;
    f->coros = calloc(n > 0 ? n : 1, sizeof *f->coros);
    f->tasks = calloc(n > 0 ? n : 1, sizeof *f->tasks);
    if (f->coros == NULL || f->tasks == NULL)
        asy_out_of_memory("first_success's arrays");
    for (size_t i = 0; i < n; i++)
        f->coros[i] = coros[i];
    return &f->co;
}
