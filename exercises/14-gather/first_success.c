/*
 * first_success.c - exercise 14/first_success. See first_success.h.
 *
 * The frame, its constructor and its clear function are written; you
 * write the two done callbacks and the body.
 *
 * Tools:
 *   asy_create_task(coro, NULL, &err)                 a task on the running loop (steals coro)
 *   asy_gather(true, n, aws)                      gather with return_exceptions=True (steals each)
 *   asy_future_new(loop), asy_get_running_loop(NULL)
 *   asy_future_add_done_callback(f, fn, arg)      steals arg; asy_future_value(x) is a new reference
 *   asy_future_exception(f, &e)                   f.exception(); marks it retrieved
 *   asy_task_cancel(t, NULL)                      false (nothing happens) if t is done
 *   ASY_AWAIT(co, asy_incref(f->x))               await something the frame keeps
 *   asy_value_list, asy_list_get, asy_value_exc   read gather's result list
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
    (void)t;
    (void)arg;
    /* TODO: if the winner is not done and t neither was cancelled nor
     * raised, set the winner's result to t (as a value). */
    return NULL;
}

/* On the gather: everyone is done and nobody won. arg holds the winner. */
static asy_exc *on_all_done(asy_future *everyone, asy_value arg)
{
    (void)everyone;
    (void)arg;
    /* TODO: if the winner is not done, set its result to None. */
    return NULL;
}

static asy_status first_body(asy_coro *co)
{
    first_frame *f = (first_frame *)co;
    ASY_BEGIN(co);
    (void)on_task_done; /* TODO: remove these two once you use them */
    (void)on_all_done;
    (void)f;
    /* TODO: make the tasks (f->tasks[i]; set f->coros[i] = NULL as each is
     * handed over), the gather of them (give it its own references), the
     * winner future, and the callbacks.
     * TODO: await the winner; cancel every task; await the gather.
     * TODO: return the winner's result, or raise the first exception. */
    ASY_RAISE(co, asy_exc_new(&asy_NotImplementedError, "first_success"));
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
