/*
 * pipeline.c - exercise 24/pipeline, the reference solution. See pipeline.h.
 */
#include "pipeline.h"

#include <stdlib.h>

/* async def worker(): while True: x = await q.get(); try/except/finally */
typedef struct {
    asy_coro co;
    asy_queue *q;        /* owned */
    process_fn process;
    long long *out;
    size_t *nout;
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_queue_get(f->q)); /* cancelled here at the end: fine */
        ASY_AWAIT_TRY(co, f->process(ASY_SENT(co).u.i));
        if (ASY_EXC(co) == NULL)
            f->out[(*f->nout)++] = ASY_SENT(co).u.i;
        else if (asy_exc_is(ASY_EXC(co), &asy_Exception))
            asy_decref(ASY_CATCH(co)); /* a failed item is skipped */
        ASY_RAISE_IF(co, asy_queue_task_done(f->q)); /* finally: done all the same */
    }
    ASY_END(co);
}

static void worker_clear(asy_gen *g)
{
    worker_frame *f = (worker_frame *)g;
    asy_decref(f->q);
    f->q = NULL;
}

typedef struct {
    asy_coro co;
    const long long *items;
    size_t n, i;
    int workers, w;
    long maxsize;
    process_fn process;
    long long *out;
    size_t *nout;
    asy_queue *q;       /* owned */
    asy_task **tasks;   /* owned */
} pipeline_frame;

static asy_status pipeline_body(asy_coro *co)
{
    asy_exc *err;
    pipeline_frame *f = (pipeline_frame *)co;
    ASY_BEGIN(co);
    f->q = asy_queue_new(f->maxsize);
    f->tasks = calloc((size_t)f->workers, sizeof *f->tasks);
    if (f->tasks == NULL)
        asy_out_of_memory("the pipeline's workers");
    for (f->w = 0; f->w < f->workers; f->w++) {
        worker_frame *wf = ASY_CORO_NEW(worker_frame, worker_body, "worker");
        wf->q = asy_incref(f->q);
        wf->process = f->process;
        wf->out = f->out;
        wf->nout = f->nout;
        asy_gen_set_clear(&wf->co, worker_clear);
        f->tasks[f->w] = asy_create_task(&wf->co, NULL, &err);
        if (f->tasks[f->w] == NULL)
            ASY_RAISE(co, err);
    }
    for (f->i = 0; f->i < f->n; f->i++)
        ASY_AWAIT(co, asy_queue_put(f->q, asy_int(f->items[f->i])));
    ASY_AWAIT(co, asy_queue_join(f->q));
    for (f->w = 0; f->w < f->workers; f->w++)
        asy_task_cancel(f->tasks[f->w], NULL);
    for (f->w = 0; f->w < f->workers; f->w++) {
        ASY_AWAIT_TRY(co, asy_incref(f->tasks[f->w]));
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
            asy_decref(ASY_CATCH(co));
    }
    ASY_RETURN(co, asy_int((long long)*f->nout));
    ASY_END(co);
}

static void pipeline_clear(asy_gen *g)
{
    pipeline_frame *f = (pipeline_frame *)g;
    if (f->tasks != NULL) {
        for (int i = 0; i < f->workers; i++) {
            if (f->tasks[i] != NULL && !asy_future_done(&f->tasks[i]->fut))
                asy_task_cancel(f->tasks[i], NULL); /* we were cancelled: so are they */
            asy_decref(f->tasks[i]);
        }
        free(f->tasks);
    }
    asy_decref(f->q);
}

asy_coro *pipeline(const long long *items, size_t n, int workers, long maxsize, process_fn process,
                   long long *out, size_t *nout)
{
    pipeline_frame *f = ASY_CORO_NEW(pipeline_frame, pipeline_body, "pipeline");
    f->items = items;
    f->n = n;
    f->workers = workers;
    f->maxsize = maxsize;
    f->process = process;
    f->out = out;
    f->nout = nout;
    *nout = 0;
    asy_gen_set_clear(&f->co, pipeline_clear);
    return &f->co;
}
