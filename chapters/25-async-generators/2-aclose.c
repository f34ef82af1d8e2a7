/*
 * Chapter 25, demo 2: an async generator with cleanup, closed early.
 *
 * ticker() yields a number every 0.1 s. Its `finally` is the cleanup, and
 * the cleanup awaits (closing a connection, say). Leaving the `async for`
 * with break does NOT close the generator: it stays suspended at its
 * yield. aclose() throws GeneratorExit in there, so the cleanup runs, and
 * the await of aclose() lasts as long as the cleanup does. Afterwards the
 * generator is finished: anext raises StopAsyncIteration. Virtual clock.
 * 2-aclose.py is the same program in Python.
 */
#include <stdio.h>

#include "asyncgen.h"
#include "runners.h"
#include "task.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def ticker(n):
 *     try:
 *         for i in range(n):
 *             yield i
 *             await asyncio.sleep(0.1)
 *     finally:
 *         print(f"ticker: cleanup starts at {elapsed()}")
 *         await asyncio.sleep(0.1)
 *         print(f"ticker: cleanup done at {elapsed()}")                   */
typedef struct {
    asy_asyncgen ag;
    int n, i;
    asy_exc *saved; /* the exception the cleanup lets go on afterwards */
} ticker_frame;

static asy_status ticker_body(asy_gen *g)
{
    ticker_frame *f = (ticker_frame *)g;
    ASY_BEGIN(g);
    for (f->i = 0; f->i < f->n; f->i++) {
        ASY_AGEN_YIELD_TRY(g, asy_int(f->i)); /* aclose's GeneratorExit: in ASY_EXC */
        if (ASY_EXC(g) != NULL)
            break;
        ASY_AWAIT_TRY(g, asy_sleep(0.1, asy_none()));
        if (ASY_EXC(g) != NULL)
            break;
    }
    /* finally: to await in cleanup, hold the exception in the frame. */
    f->saved = ASY_CATCH(g);
    printf("ticker: cleanup starts at %.1f s\n", elapsed());
    ASY_AWAIT(g, asy_sleep(0.1, asy_none()));
    printf("ticker: cleanup done at %.1f s\n", elapsed());
    if (f->saved != NULL) { /* the end of finally: GeneratorExit goes on */
        asy_exc *e = f->saved;
        f->saved = NULL;
        ASY_RAISE(g, e);
    }
    ASY_END(g);
}

static void ticker_clear(asy_gen *g)
{
    ticker_frame *f = (ticker_frame *)g;
    asy_decref(f->saved);
    f->saved = NULL;
}

static asy_asyncgen *ticker(int n)
{
    ticker_frame *f = ASY_ASYNCGEN_NEW(ticker_frame, ticker_body, "ticker");
    f->n = n;
    asy_gen_set_clear(&f->ag.gen, ticker_clear);
    return &f->ag;
}

/* async def main():
 *     ag = ticker(10)
 *     async for x in ag:
 *         print(f"got {x} at {elapsed()}")
 *         if x == 2:
 *             break
 *     print(f"left the loop at {elapsed()}")
 *     await ag.aclose()
 *     print(f"aclose() returned at {elapsed()}")
 *     try:
 *         await anext(ag)
 *     except StopAsyncIteration:
 *         print("anext(ag) after aclose: StopAsyncIteration")             */
typedef struct {
    asy_coro co;
    asy_asyncgen *ag;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->ag = ticker(10);
    ASY_ASYNC_FOR(co, f->ag) {
        printf("got %s at %.1f s\n", ASY_STR(ASY_SENT(co)), elapsed());
        if (ASY_SENT(co).u.i == 2)
            break;
    } ASY_ASYNC_FOR_END(co);
    printf("left the loop at %.1f s\n", elapsed());
    ASY_AWAIT(co, asy_aclose(f->ag));
    printf("aclose() returned at %.1f s\n", elapsed());
    ASY_AWAIT_TRY(co, asy_anext(f->ag));
    if (ASY_EXC(co) != NULL && asy_exc_is(ASY_EXC(co), &asy_StopAsyncIteration)) {
        asy_decref(ASY_CATCH(co));
        printf("anext(ag) after aclose: StopAsyncIteration\n");
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->ag); }

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
