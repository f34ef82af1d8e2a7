/*
 * mini_group.c - exercise 19/mini_group: a TaskGroup in miniature.
 *
 * As it stands, the group starts its tasks and wait() awaits them one by
 * one: a failure comes out alone (not in a group), the other tasks are
 * never cancelled, and pending is never counted down. Read mini_group.h,
 * then:
 *
 *   TODO: the contract of mini_group.h, as asyncio.TaskGroup keeps it:
 *           the group learns about each task's end as it happens (not by
 *           awaiting the tasks in order); the first task that fails cancels
 *           every other task still running; wait() returns when no task is
 *           pending, and raises every error together in one ExceptionGroup
 *           ("unhandled errors in a mini group"); cancelled tasks are not
 *           errors. What the group creates, it releases in mini_group_free.
 *           `make hint`: the steps.
 *
 * make exercises CH=19 runs the tests.
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
    g->tasks[g->ntasks++] = t; /* TODO: the group never hears when it ends */
    return t;
}

typedef struct {
    asy_coro co;
    mini_group *g; /* borrowed: the group outlives its wait */
    int i;
} wait_frame;

static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->g->ntasks; f->i++) /* TODO: one by one; the first error comes out alone */
        ASY_AWAIT(co, asy_incref(f->g->tasks[f->i]));
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
    free(g); /* TODO: and what else the group made */
}
