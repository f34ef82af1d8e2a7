/*
 * limited.c - exercise 23/limited. See limited.h.
 *
 * Tools: asy_semaphore_new / _acquire / _release (lib/semaphore.h);
 * asy_create_task(coro, NULL, &err) (a new reference: keep the tasks in an array
 * you calloc and free in the clear function); ASY_AWAIT(co, asy_incref(t));
 * asy_exc_value(e) turns an exception into a value (new reference).
 * A helper coroutine `one(i)` needs its own frame: the semaphore, the job,
 * the slot results[i].
 */
#include "limited.h"

#include <stdlib.h>

typedef struct {
    asy_coro co;
    asy_coro **jobs;     /* owned: the jobs not yet handed to anyone */
    size_t n, i;
    long limit;
    asy_value *results;  /* borrowed */
} run_frame;

static asy_status run_body(asy_coro *co)
{
    run_frame *f = (run_frame *)co;
    ASY_BEGIN(co);
    /* TODO: check limit; make a Semaphore(limit); one task per job (each
     * one: async with sem: results[i] = await job); await all the tasks.
     * This stub awaits the jobs one after the other: right results, but
     * never more than one at a time. */
    for (f->i = 0; f->i < f->n; f->i++) {
        asy_coro *job = f->jobs[f->i];
        f->jobs[f->i] = NULL;
        ASY_AWAIT(co, job);
        f->results[f->i] = asy_value_incref(ASY_SENT(co));
    }
    ASY_END(co);
}

static void run_clear(asy_gen *g)
{
    run_frame *f = (run_frame *)g;
    for (size_t i = 0; i < f->n; i++) {
        if (f->jobs[i] != NULL) {
            asy_gen_close(f->jobs[i]); /* never started: no "never awaited" warning */
            asy_decref(f->jobs[i]);
        }
    }
    free(f->jobs);
}

asy_coro *run_limited(asy_coro **jobs, size_t n, long limit, asy_value *results)
{
    run_frame *f = ASY_CORO_NEW(run_frame, run_body, "run_limited");
    f->jobs = calloc(n ? n : 1, sizeof *f->jobs);
    if (f->jobs == NULL)
        asy_out_of_memory("run_limited's arrays");
    for (size_t i = 0; i < n; i++)
        f->jobs[i] = jobs[i];
    f->n = n;
    f->limit = limit;
    f->results = results;
    asy_gen_set_clear(&f->co, run_clear);
    return &f->co;
}
