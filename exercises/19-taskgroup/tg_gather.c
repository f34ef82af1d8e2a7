/*
 * tg_gather.c - exercise 19/tg_gather: run coroutines side by side in a
 * TaskGroup and collect their results.
 *
 * As it stands, tg_gather awaits the coroutines one after the other: the
 * results are right, but it takes the SUM of their times, and a failure
 * comes out alone instead of in an ExceptionGroup, with the others never
 * cancelled. Read tg_gather.h and lib/taskgroup.h, then:
 *
 *   TODO 1: f->tg = asy_taskgroup_new(); enter it (asy_taskgroup_enter;
 *           raise what it returns, if anything).
 *   TODO 2: create one child per coroutine with asy_taskgroup_create_task
 *           (it steals the coroutine: set f->coros[i] = NULL), and keep
 *           the tasks in the frame (an array you malloc, n entries).
 *   TODO 3: leave the block: ASY_AWAIT(co, asy_taskgroup_exit(f->tg, NULL)).
 *           It waits for every child; if some failed it raises the
 *           ExceptionGroup, which simply propagates from here.
 *   TODO 4: store each task's result (asy_future_result) in results[i]
 *           and return asy_int(n). Release the tasks, the array and the
 *           group in the clear function.
 *
 * make exercises CH=19 runs the tests.
 */
#include "tg_gather.h"

typedef struct {
    asy_coro co;
    size_t n, i;
    asy_coro **coros;   /* borrowed array; the coroutines are owned until awaited */
    asy_value *results; /* borrowed: the caller's */
} tg_gather_frame;

static asy_status tg_gather_body(asy_coro *co)
{
    tg_gather_frame *f = (tg_gather_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->n; f->i++) { /* TODO 1-4: one after the other */
        {
            asy_coro *c = f->coros[f->i];
            f->coros[f->i] = NULL;
            ASY_AWAIT(co, c);
        }
        asy_value_decref(f->results[f->i]);
        f->results[f->i] = asy_value_incref(ASY_SENT(co));
    }
    ASY_RETURN(co, asy_int((long long)f->n));
    ASY_END(co);
}

static void tg_gather_clear(asy_gen *g)
{
    tg_gather_frame *f = (tg_gather_frame *)g;
    for (size_t i = 0; i < f->n; i++) {
        if (f->coros[i] != NULL) { /* never awaited: close it quietly */
            asy_decref(asy_gen_close(f->coros[i]));
            asy_decref(f->coros[i]);
            f->coros[i] = NULL;
        }
    }
}

asy_coro *tg_gather(size_t n, asy_coro **coros, asy_value *results)
{
    tg_gather_frame *f = ASY_CORO_NEW(tg_gather_frame, tg_gather_body, "tg_gather");
    f->n = n;
    f->coros = coros;
    f->results = results;
    asy_gen_set_clear(&f->co, tg_gather_clear);
    return &f->co;
}
