/*
 * Chapter 19 benchmark: do the combinators stay linear in the number of
 * children? gather (chapter 14), wait (15), as_completed (18) and
 * TaskGroup (19), measured here, the first chapter that has all four.
 * `make bench CH=19` builds this with -O2 and runs it next to
 * bench_scale.py (the same workloads in CPython's asyncio); bench.sh
 * prints both side by side.
 *
 *     bench-scale N WORKLOAD
 *
 * One run of WORKLOAD with N children whose coroutine returns at once: the
 * whole asy_run() is timed (loop, tasks, the combinator, every step and
 * callback, freeing it all), and printed as "WORKLOAD_N  ns-per-child ns".
 * bench.sh starts a fresh process for every run, so that every size pays
 * for fresh memory alike (a second run in the same process would find
 * the small sizes' memory warm and the large ones' given back):
 *
 *   gather        results = await gather(*[child(i) for i in range(N)])
 *   wait          tasks = [create_task(child(i)) ...]; await wait(tasks)
 *   as_completed  for aw in as_completed([child(i) ...]): await aw
 *   taskgroup     async with TaskGroup() as tg: tg.create_task(child(i)) N times
 *
 * Linear means the figure stays about the same from 10k to 1M children.
 * (When gather compared each argument with every one before it, a gather
 * of 1M children took minutes.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "as_completed.h"
#include "gather.h"
#include "runners.h"
#include "taskgroup.h"
#include "wait.h"

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

_Noreturn static void fail(const char *what)
{
    fprintf(stderr, "bench-scale: %s\n", what);
    exit(1);
}

/* async def child(i): return i */
typedef struct {
    asy_coro co;
    long i;
} child_frame;

static asy_status child_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(((child_frame *)co)->i));
    ASY_END(co);
}

static asy_coro *child(long i)
{
    child_frame *f = ASY_CORO_NEW(child_frame, child_body, "child");
    f->i = i;
    return &f->co;
}

/* One frame serves every workload: n, a scratch array, the objects that
 * live across awaits, and a checksum. */
typedef struct {
    asy_coro co;
    long n, i, sum;
    void **items;          /* the children (or tasks), owned where noted */
    asy_as_completed *ac;  /* owned */
    asy_taskgroup *tg;     /* owned */
} main_frame;

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    free(f->items);
    f->items = NULL;
    asy_decref(f->ac);
    asy_decref(f->tg);
    f->ac = NULL;
    f->tg = NULL;
}

static asy_status gather_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    for (long i = 0; i < f->n; i++)
        f->items[i] = child(i);
    ASY_AWAIT(co, asy_gather(false, (size_t)f->n, f->items)); /* steals the children */
    {
        asy_list *l = asy_value_list(ASY_SENT(co));
        if (l == NULL || asy_list_len(l) != (size_t)f->n || asy_list_get(l, (size_t)f->n - 1).u.i != f->n - 1)
            fail("gather: wrong result");
    }
    ASY_END(co);
}

static asy_status wait_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    for (long i = 0; i < f->n; i++) { /* our references: wait borrows them */
        asy_exc *err = NULL;
        f->items[i] = asy_create_task(child(i), NULL, &err);
        if (err != NULL)
            fail(ASY_EXC_STR(err));
    }
    ASY_AWAIT(co, asy_wait((size_t)f->n, f->items, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    {
        asy_list *done = asy_wait_done(ASY_SENT(co));
        if (done == NULL || asy_list_len(done) != (size_t)f->n)
            fail("wait: wrong result");
    }
    for (long i = 0; i < f->n; i++)
        asy_decref(f->items[i]);
    ASY_END(co);
}

static asy_status as_completed_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    for (long i = 0; i < f->n; i++)
        f->items[i] = child(i);
    f->ac = asy_as_completed_new((size_t)f->n, f->items, ASY_NO_TIMEOUT); /* steals them */
    while (asy_as_completed_left(f->ac) > 0) {
        ASY_AWAIT(co, asy_as_completed_next(f->ac));
        f->sum += ASY_SENT(co).u.i;
    }
    if (f->sum != f->n * (f->n - 1) / 2)
        fail("as_completed: wrong sum");
    ASY_END(co);
}

static asy_status taskgroup_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->tg = asy_taskgroup_new();
    {
        asy_exc *err = asy_taskgroup_enter(f->tg);
        if (err != NULL)
            ASY_RAISE(co, err);
    }
    for (long i = 0; i < f->n; i++)
        asy_decref(asy_taskgroup_create_task(f->tg, child(i), NULL, NULL));
    ASY_AWAIT(co, asy_taskgroup_exit(f->tg, NULL));
    ASY_END(co);
}

static const struct {
    const char *name;
    asy_status (*body)(asy_coro *);
} workloads[] = {
    {"gather", gather_body},
    {"wait", wait_body},
    {"as_completed", as_completed_body},
    {"taskgroup", taskgroup_body},
};

static double run_once(asy_status (*body)(asy_coro *), long n)
{
    main_frame *f = ASY_CORO_NEW(main_frame, body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    f->n = n;
    f->items = calloc((size_t)n, sizeof *f->items);
    if (f->items == NULL)
        fail("out of memory");
    double t0 = wall();
    asy_result r = asy_run(&f->co, NULL);
    double dt = wall() - t0;
    if (r.status != ASY_RETURNED)
        fail(ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
    return dt / (double)n * 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        fail("usage: bench-scale N WORKLOAD");
    long n = atol(argv[1]);
    if (n < 1)
        fail("N must be positive");
    for (size_t w = 0; w < sizeof workloads / sizeof *workloads; w++) {
        if (strcmp(argv[2], workloads[w].name) == 0) {
            printf("%s_%ld %12.1f ns\n", workloads[w].name, n, run_once(workloads[w].body, n));
            return 0;
        }
    }
    fail("WORKLOAD is gather, wait, as_completed or taskgroup");
}
