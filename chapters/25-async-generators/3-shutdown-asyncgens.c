/*
 * Chapter 25, demo 3: why asyncio.run finalizes async generators.
 *
 * The notes (seed 003) list what asyncio.run does: it runs the coroutine,
 * manages the loop, "终结异步生成器" (finalizes async generators) and shuts
 * the thread pool down. This demo shows the third item by its absence.
 * main() leaves an async generator suspended at a yield and keeps it in a
 * global. Its cleanup may await, so only a loop can run it:
 *   1. a loop run by hand and closed without shutdown_asyncgens(): when
 *      the generator is finally freed, its loop is closed; the cleanup
 *      never runs (no line printed, and no error either: a silent leak);
 *   2. asyncio.run() (asy_run): after cancelling the leftover tasks it
 *      awaits asy_loop_shutdown_asyncgens(), which acloses every generator
 *      still registered on the loop: the cleanup runs before run returns;
 *   3. a generator freed while its loop still runs: the finalizer hook
 *      schedules its aclose() on the loop, and the cleanup runs then.
 * Virtual clock. 3-shutdown-asyncgens.py is the same program in Python.
 */
#include <stdio.h>

#include "asyncgen.h"
#include "runners.h"
#include "task.h"

static asy_asyncgen *kept; /* the global `kept` */

/* async def ticker(name):
 *     try:
 *         for i in range(10):
 *             yield i
 *             await asyncio.sleep(0.1)
 *     finally:
 *         print(f"{name}: cleanup")
 *         await asyncio.sleep(0.1)
 *         print(f"{name}: cleanup done")                                   */
typedef struct {
    asy_asyncgen ag;
    const char *name;
    int i;
    asy_exc *saved;
} ticker_frame;

static asy_status ticker_body(asy_gen *g)
{
    ticker_frame *f = (ticker_frame *)g;
    ASY_BEGIN(g);
    for (f->i = 0; f->i < 10; f->i++) {
        ASY_AGEN_YIELD_TRY(g, asy_int(f->i));
        if (ASY_EXC(g) != NULL)
            break;
        ASY_AWAIT_TRY(g, asy_sleep(0.1, asy_none()));
        if (ASY_EXC(g) != NULL)
            break;
    }
    f->saved = ASY_CATCH(g);
    printf("%s: cleanup\n", f->name);
    ASY_AWAIT(g, asy_sleep(0.1, asy_none()));
    printf("%s: cleanup done\n", f->name);
    if (f->saved != NULL) {
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

static asy_asyncgen *ticker(const char *name)
{
    ticker_frame *f = ASY_ASYNCGEN_NEW(ticker_frame, ticker_body, "ticker");
    f->name = name;
    asy_gen_set_clear(&f->ag.gen, ticker_clear);
    return &f->ag;
}

/* async def main(name):
 *     global kept
 *     kept = ticker(name)
 *     async for x in kept:
 *         if x == 1:
 *             break
 *     print(f"{name}: main returns, the generator is suspended")         */
typedef struct {
    asy_coro co;
    const char *name;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    kept = ticker(f->name);
    ASY_ASYNC_FOR(co, kept) {
        if (ASY_SENT(co).u.i == 1)
            break;
    } ASY_ASYNC_FOR_END(co);
    printf("%s: main returns, the generator is suspended\n", f->name);
    ASY_END(co);
}

static asy_coro *main_coro(const char *name)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    f->name = name;
    return &f->co;
}

/* async def drop(name):
 *     ag = ticker(name)
 *     async for x in ag:
 *         break
 *     ag = None
 *     print(f"{name}: generator dropped while the loop runs")
 *     await asyncio.sleep(0.5)
 *     print(f"{name}: main returns")                                       */
typedef struct {
    asy_coro co;
    const char *name;
    asy_asyncgen *ag;
} drop_frame;

static asy_status drop_body(asy_coro *co)
{
    drop_frame *f = (drop_frame *)co;
    ASY_BEGIN(co);
    f->ag = ticker(f->name);
    ASY_ASYNC_FOR(co, f->ag) {
        break;
    } ASY_ASYNC_FOR_END(co);
    asy_decref(f->ag); /* ag = None: the last reference */
    f->ag = NULL;
    printf("%s: generator dropped while the loop runs\n", f->name);
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    printf("%s: main returns\n", f->name);
    ASY_END(co);
}

static void drop_clear(asy_gen *g) { asy_decref(((drop_frame *)g)->ag); }

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */

    printf("-- a loop closed without shutdown_asyncgens()\n");
    asy_loop *loop = asy_loop_new(&opts, NULL);
    asy_result r = asy_loop_run_until_complete(loop, main_coro("first"));
    asy_result_clear(&r);
    asy_decref(asy_loop_close(loop));
    printf("loop closed\n");
    asy_decref(kept); /* kept = None */
    kept = NULL;
    printf("generator freed: its cleanup never ran\n");
    asy_decref(loop);

    printf("-- asyncio.run()\n");
    r = asy_run(main_coro("second"), &opts);
    asy_result_clear(&r);
    printf("asyncio.run() returned\n");
    asy_decref(kept);
    kept = NULL;

    printf("-- dropped under a running loop\n");
    drop_frame *d = ASY_CORO_NEW(drop_frame, drop_body, "drop");
    d->name = "third";
    asy_gen_set_clear(&d->co, drop_clear);
    r = asy_run(&d->co, &opts);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
