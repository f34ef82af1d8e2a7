/*
 * trampoline.c - round-robin scheduling of coroutines (chapter 04).
 */
#include "trampoline.h"

#include "internal.h"

#include <stdlib.h>

typedef struct job {
    asy_ilist link;   /* in t->ready */
    asy_coro *co;     /* owned */
    asy_exc *bad;     /* to throw in at its next turn, or NULL */
} job;

void asy_trampoline_init(asy_trampoline *t, asy_trampoline_done_fn on_done, void *arg)
{
    if (t == NULL)
        return;
    asy_ilist_init(&t->ready);
    t->steps = 0;
    t->on_done = on_done;
    t->arg = arg;
}

void asy_trampoline_spawn(asy_trampoline *t, asy_coro *co)
{
    if (t == NULL) {
        asy_decref(co);
        return;
    }
    job *j = malloc(sizeof *j);
    if (j == NULL)
        asy_out_of_memory("a trampoline job");
    j->co = co;
    j->bad = NULL;
    asy_ilist_push_back(&t->ready, &j->link);
}

size_t asy_trampoline_run(asy_trampoline *t, asy_exc **error)
{
    if (t == NULL) {
        asy__null_fail("a trampoline", error);
        return 0;
    }
    if (error != NULL)
        *error = NULL;
    size_t before = t->steps;
    asy_ilist *n;
    while ((n = asy_ilist_pop_front(&t->ready)) != NULL) {
        job *j = ASY_CONTAINER_OF(n, job, link);
        asy_result r;
        if (j->bad != NULL) {
            r = asy_gen_throw(j->co, j->bad);
            asy_decref(j->bad);
            j->bad = NULL;
        } else {
            r = asy_gen_send(j->co, asy_none());
        }
        t->steps++;
        if (r.status == ASY_YIELDED) {
            if (!asy_is_none(r.value))
                j->bad = asy_exc_new(&asy_RuntimeError,
                                     "the trampoline cannot wait for %s: yield None to give up a turn",
                                     ASY_REPR(r.value));
            asy_result_clear(&r);
            asy_ilist_push_back(&t->ready, &j->link); /* to the back: round robin */
            continue;
        }
        asy_exc *uncaught = NULL;
        if (t->on_done != NULL)
            t->on_done(j->co, &r, t->arg);
        else if (r.status == ASY_RAISED)
            uncaught = asy_incref(r.exc);
        asy_result_clear(&r);
        asy_decref(j->co);
        free(j);
        if (uncaught != NULL) { /* nobody to report to: it stops the run */
            if (error != NULL)
                *error = uncaught;
            else
                asy_decref(uncaught);
            break;
        }
    }
    return t->steps - before;
}

void asy_trampoline_clear(asy_trampoline *t)
{
    if (t == NULL)
        return;
    asy_ilist *n;
    while ((n = asy_ilist_pop_front(&t->ready)) != NULL) {
        job *j = ASY_CONTAINER_OF(n, job, link);
        asy_decref(j->bad);
        asy_decref(j->co); /* closes it if it was suspended */
        free(j);
    }
}
