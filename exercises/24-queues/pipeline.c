/*
 * pipeline.c - exercise 24/pipeline. See pipeline.h.
 *
 * Tools (lib/queue.h): asy_queue_new(maxsize), ASY_AWAIT(co, asy_queue_put(q, asy_int(x))),
 * ASY_AWAIT(co, asy_queue_get(q)) (the item is ASY_SENT(co)), asy_queue_task_done(q),
 * ASY_AWAIT(co, asy_queue_join(q)); asy_create_task, asy_task_cancel.
 * The worker is its own coroutine with its own frame (the queue, and the
 * pipeline's arguments it needs).
 */
#include "pipeline.h"

#include <stdlib.h>

typedef struct {
    asy_coro co;
    const long long *items;
    size_t n, i;
    int workers;
    long maxsize;
    process_fn process;
    long long *out;
    size_t *nout;
} pipeline_frame;

static asy_status pipeline_body(asy_coro *co)
{
    pipeline_frame *f = (pipeline_frame *)co;
    ASY_BEGIN(co);
    /* TODO: the queue, the workers, put every item, join, cancel the
     * workers and await them. This stub processes the items itself, one
     * at a time: right results, no concurrency. */
    for (f->i = 0; f->i < f->n; f->i++) {
        ASY_AWAIT_TRY(co, f->process(f->items[f->i]));
        if (ASY_EXC(co) != NULL)
            asy_decref(ASY_CATCH(co));
        else
            f->out[(*f->nout)++] = ASY_SENT(co).u.i;
    }
    ASY_RETURN(co, asy_int((long long)*f->nout));
    ASY_END(co);
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
    return &f->co;
}
