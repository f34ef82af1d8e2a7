/*
 * tg_gather.c - exercise 19/tg_gather: run coroutines side by side in a
 * TaskGroup and collect their results.
 *
 * As it stands, tg_gather awaits the coroutines one after the other: the
 * results are right, but it takes the SUM of their times, and a failure
 * comes out alone instead of in an ExceptionGroup, with the others never
 * cancelled. Read tg_gather.h and lib/taskgroup.h, then:
 *
 *   TODO: the goal, in Python:
 *               async with asyncio.TaskGroup() as tg:
 *                   tasks = [tg.create_task(c) for c in coros]
 *               return [t.result() for t in tasks]
 *           All the coroutines run side by side (the time of the longest,
 *           not the sum); a failure cancels the others and comes out as the
 *           group's ExceptionGroup, unchanged. results[i] belongs to
 *           coroutine i. lib/taskgroup.h shows the enter/exit pair in C,
 *           and the frame releases all it owns however the coroutine ends.
 *           `make hint`: the steps.
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
    for (f->i = 0; f->i < f->n; f->i++) { /* TODO: one after the other */
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
