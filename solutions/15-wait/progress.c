/*
 * progress.c - exercise 15/progress, the reference solution.
 *
 * Tools (lib/wait.h):
 *   asy_wait(n, fs, timeout, return_when)     a coroutine; fs borrowed
 *   asy_wait_list(list, timeout, return_when) the same for a list of futures
 *   asy_wait_done(v), asy_wait_pending(v)     the halves of wait's value (borrowed)
 *   asy_list_len(l)                           how many
 *   asy_incref / asy_decref                   keep the pending list across the next await
 */
#include "progress.h"

#include <stdlib.h>

typedef struct {
    asy_coro co;
    size_t n, max, ticks;
    asy_task **tasks;   /* owned references */
    double every;
    size_t *counts;     /* the caller's array */
    asy_list *pending;  /* owned: what is still pending */
} progress_frame;

static asy_status progress_body(asy_coro *co)
{
    progress_frame *f = (progress_frame *)co;
    ASY_BEGIN(co);
    if (f->n == 0)
        ASY_RETURN(co, asy_int(0)); /* wait() of nothing would be a ValueError */
    ASY_AWAIT(co, asy_wait(f->n, (void **)f->tasks, f->every, ASY_ALL_COMPLETED));
    for (;;) {
        {
            asy_list *pending = asy_wait_pending(ASY_SENT(co));
            if (f->ticks < f->max)
                f->counts[f->ticks] = f->n - asy_list_len(pending);
            f->ticks++;
            asy_decref(f->pending);
            f->pending = asy_incref(pending); /* ASY_SENT dies at the next await */
        }
        if (asy_list_len(f->pending) == 0)
            break;
        ASY_AWAIT(co, asy_wait_list(f->pending, f->every, ASY_ALL_COMPLETED));
    }
    ASY_RETURN(co, asy_int((long long)f->ticks));
    ASY_END(co);
}

static void progress_clear(asy_gen *g)
{
    progress_frame *f = (progress_frame *)g;
    for (size_t i = 0; i < f->n; i++)
        asy_decref(f->tasks[i]);
    free(f->tasks);
    asy_decref(f->pending);
}

asy_coro *progress(size_t n, asy_task **tasks, double every, size_t *counts, size_t max)
{
    progress_frame *f = ASY_CORO_NEW(progress_frame, progress_body, "progress");
    asy_gen_set_clear(&f->co, progress_clear);
    f->tasks = calloc(n > 0 ? n : 1, sizeof *f->tasks);
    if (f->tasks == NULL)
        asy_out_of_memory("progress's tasks");
    for (size_t i = 0; i < n; i++)
        f->tasks[i] = asy_incref(tasks[i]);
    f->n = n;
    f->every = every;
    f->counts = counts;
    f->max = max;
    return &f->co;
}
