/*
 * limited.c - exercise 23/limited, the reference solution. See limited.h.
 */
#include "limited.h"

#include <stdlib.h>

/* async def one(i): async with sem: results[i] = await job (or its exception) */
typedef struct {
    asy_coro co;
    asy_semaphore *sem;  /* owned */
    asy_coro *job;       /* owned until awaited */
    asy_value *slot;     /* borrowed: &results[i] */
} one_frame;

static asy_status one_body(asy_coro *co)
{
    one_frame *f = (one_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_semaphore_acquire(f->sem));          /* async with sem: */
    {
        asy_coro *job = f->job;
        f->job = NULL;
        ASY_AWAIT_TRY(co, job);
    }
    if (ASY_EXC(co) == NULL) {
        *f->slot = asy_value_incref(ASY_SENT(co));
    } else if (asy_exc_is(ASY_EXC(co), &asy_Exception)) { /* except Exception as e */
        asy_exc *e = ASY_CATCH(co);
        *f->slot = asy_exc_value(e);
        asy_decref(e);
    }
    ASY_RAISE_IF(co, asy_semaphore_release(f->sem));       /* every path */
    ASY_END(co);
}

static void one_clear(asy_gen *g)
{
    one_frame *f = (one_frame *)g;
    if (f->job != NULL) {
        asy_gen_close(f->job);
        asy_decref(f->job);
        f->job = NULL;
    }
    asy_decref(f->sem);
    f->sem = NULL;
}

typedef struct {
    asy_coro co;
    asy_coro **jobs;     /* owned: the jobs not yet handed to a task */
    asy_task **tasks;    /* owned */
    size_t n, i;
    long limit;
    asy_value *results;  /* borrowed */
} run_frame;

static asy_status run_body(asy_coro *co)
{
    asy_exc *err;
    run_frame *f = (run_frame *)co;
    ASY_BEGIN(co);
    if (f->limit < 1)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "limit must be >= 1"));
    {
        asy_semaphore *sem = asy_semaphore_new(f->limit, NULL);
        for (f->i = 0; f->i < f->n; f->i++) {
            one_frame *one = ASY_CORO_NEW(one_frame, one_body, "one");
            one->sem = asy_incref(sem);
            one->job = f->jobs[f->i];
            one->slot = &f->results[f->i];
            f->jobs[f->i] = NULL;
            asy_gen_set_clear(&one->co, one_clear);
            f->tasks[f->i] = asy_create_task(&one->co, NULL, &err);
            if (f->tasks[f->i] == NULL)
                ASY_RAISE(co, err);
        }
        asy_decref(sem); /* the tasks hold it now */
    }
    for (f->i = 0; f->i < f->n; f->i++)
        ASY_AWAIT(co, asy_incref(f->tasks[f->i]));
    ASY_END(co);
}

static void run_clear(asy_gen *g)
{
    run_frame *f = (run_frame *)g;
    for (size_t i = 0; i < f->n; i++) {
        if (f->jobs[i] != NULL) {
            asy_gen_close(f->jobs[i]);
            asy_decref(f->jobs[i]);
        }
        asy_decref(f->tasks[i]);
    }
    free(f->jobs);
    free(f->tasks);
}

asy_coro *run_limited(asy_coro **jobs, size_t n, long limit, asy_value *results)
{
    run_frame *f = ASY_CORO_NEW(run_frame, run_body, "run_limited");
    f->jobs = calloc(n ? n : 1, sizeof *f->jobs);
    f->tasks = calloc(n ? n : 1, sizeof *f->tasks);
    if (f->jobs == NULL || f->tasks == NULL)
        asy_out_of_memory("run_limited's arrays");
    for (size_t i = 0; i < n; i++)
        f->jobs[i] = jobs[i];
    f->n = n;
    f->limit = limit;
    f->results = results;
    asy_gen_set_clear(&f->co, run_clear);
    return &f->co;
}
