/*
 * test_asyncgen.c - async generators, async for, async with (chapter 25),
 * on the virtual clock: values and awaits interleave as in CPython; the
 * rules of anext/asend/athrow/aclose with CPython 3.11's messages; a task
 * cancelled inside anext runs the cleanup; the loop's registry, the
 * finalizer of an abandoned generator, asyncio.run's shutdown_asyncgens and
 * the leak without it; the context managers of chapters 16-23 as
 * asy_async_cm. Every test ends with nothing scheduled and nothing alive.
 */
#include <string.h>

#include "async_with.h"
#include "asyncgen.h"
#include "check.h"
#include "lock.h"
#include "runners.h"
#include "semaphore.h"
#include "task.h"
#include "taskgroup.h"
#include "trace.h"
#include "vloop.h"
#include "timeout.h"

#define T() ASY_STR(asy_float(now()))
/* The one place that knows create_task's signature. */
#define CREATE_TASK(loop, coro, name) asy_loop_create_task((loop), (coro), (name), NULL)

/* async def ticker(n, delay):
 *     note start
 *     try:
 *         for i in range(n):
 *             x = yield i            (athrow'n ValueError: caught if catch)
 *             if x is not None: note got x
 *             if delay: await sleep(delay)
 *     finally:
 *         note cleanup; [await sleep(cleanup)]; [yield 99]; [raise ValueError]
 */
typedef struct {
    asy_asyncgen ag;
    const char *name;
    int n, i;
    double delay, cleanup;
    bool catch_value_error;  /* athrow(ValueError) is caught, the loop goes on */
    bool yield_in_cleanup;   /* the classic mistake */
    bool raise_in_cleanup;   /* cleanup fails with ValueError */
    bool raise_stop;         /* the body raises StopAsyncIteration after the loop */
    asy_exc *saved;
} ticker_frame;

static asy_status ticker_body(asy_gen *g)
{
    ticker_frame *f = (ticker_frame *)g;
    ASY_BEGIN(g);
    note("%s start@%s", f->name, T());
    for (f->i = 0; f->i < f->n; f->i++) {
        ASY_AGEN_YIELD_TRY(g, asy_int(f->i));
        if (ASY_EXC(g) != NULL) {
            if (!f->catch_value_error || !asy_exc_is(ASY_EXC(g), &asy_ValueError))
                break;
            asy_exc *e = ASY_CATCH(g);
            note("%s caught %s", f->name, ASY_EXC_STR(e));
            asy_decref(e);
            continue;
        }
        if (!asy_is_none(ASY_SENT(g)))
            note("%s got %s", f->name, ASY_REPR(ASY_SENT(g)));
        if (f->delay > 0) {
            ASY_AWAIT_TRY(g, asy_sleep(f->delay, asy_none()));
            if (ASY_EXC(g) != NULL)
                break;
        }
    }
    if (f->raise_stop && ASY_EXC(g) == NULL)
        ASY_RAISE(g, asy_exc_new(&asy_StopAsyncIteration, NULL));
    /* finally: */
    note("%s cleanup@%s%s", f->name, T(), ASY_EXC(g) != NULL ? "!" : "");
    f->saved = ASY_CATCH(g); /* to await or yield in cleanup (gen.h) */
    if (f->cleanup > 0)
        ASY_AWAIT(g, asy_sleep(f->cleanup, asy_none()));
    if (f->yield_in_cleanup)
        ASY_AGEN_YIELD(g, asy_int(99));
    if (f->raise_in_cleanup)
        ASY_RAISE(g, asy_exc_new(&asy_ValueError, "cleanup failed"));
    note("%s cleaned@%s", f->name, T());
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

static ticker_frame *ticker_new(const char *name, int n, double delay)
{
    ticker_frame *f = ASY_ASYNCGEN_NEW(ticker_frame, ticker_body, "ticker");
    f->name = name;
    f->n = n;
    f->delay = delay;
    asy_gen_set_clear(&f->ag.gen, ticker_clear);
    return f;
}

/* async def driver(ag, ops): each op awaited in turn, its outcome noted:
 *   n: anext(ag)   s: asend(7)   S: asend(None)   t: athrow(ValueError('boom'))
 *   c: aclose()    w: await sleep(wait)
 * "n=0" a value, "n:StopAsyncIteration" an exception. */
typedef struct {
    asy_coro co;
    asy_asyncgen *ag;
    const char *ops;
    int k;
    double wait;
} driver_frame;

static asy_coro *make_op(asy_asyncgen *ag, char op, double wait)
{
    switch (op) {
    case 'n': return asy_anext(ag);
    case 's': return asy_asend(ag, asy_int(7));
    case 'S': return asy_asend(ag, asy_none());
    case 'c': return asy_aclose(ag);
    case 'w': return asy_sleep(wait, asy_none());
    default: {
        asy_exc *e = asy_exc_new(&asy_ValueError, "boom");
        asy_coro *co = asy_athrow(ag, e);
        asy_decref(e);
        return co;
    }
    }
}

static asy_status driver_body(asy_coro *co)
{
    driver_frame *f = (driver_frame *)co;
    ASY_BEGIN(co);
    for (f->k = 0; f->ops[f->k] != '\0'; f->k++) {
        ASY_AWAIT_TRY(co, make_op(f->ag, f->ops[f->k], f->wait));
        if (f->ops[f->k] == 'w')
            continue;
        if (ASY_EXC(co) != NULL) {
            asy_exc *e = ASY_CATCH(co);
            note("%c:%s", f->ops[f->k], ASY_EXC_STR(e));
            bool cancelled = asy_exc_is(e, &asy_CancelledError);
            if (cancelled)
                ASY_RAISE(co, e);
            asy_decref(e);
        } else {
            note("%c=%s", f->ops[f->k], ASY_REPR(ASY_SENT(co)));
        }
    }
    ASY_END(co);
}

static void driver_clear(asy_gen *g)
{
    driver_frame *f = (driver_frame *)g;
    asy_decref(f->ag);
    f->ag = NULL;
}

/* Steals ag. */
static asy_coro *driver(asy_asyncgen *ag, const char *ops)
{
    driver_frame *f = ASY_CORO_NEW(driver_frame, driver_body, "driver");
    f->ag = ag;
    f->ops = ops;
    f->wait = 0.5;
    asy_gen_set_clear(&f->co, driver_clear);
    return &f->co;
}

/* Run coro to the end on loop; its outcome must be "returned". */
static void run_ok(asy_loop *loop, asy_coro *coro)
{
    asy_result r = asy_loop_run_until_complete(loop, coro);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    if (r.status == ASY_RAISED)
        CHECK_STR_EQ(ASY_EXC_STR(r.exc), "(nothing)");
    asy_result_clear(&r);
}

/* ---- async for ---- */

/* async def consume(ag, stop_at): async for x in ag: note; if x == stop_at: break */
typedef struct {
    asy_coro co;
    asy_asyncgen *ag;
    long long stop_at;
    bool aclose_after;
} consume_frame;

static asy_status consume_body(asy_coro *co)
{
    consume_frame *f = (consume_frame *)co;
    ASY_BEGIN(co);
    ASY_ASYNC_FOR(co, f->ag) {
        note("x=%s@%s", ASY_STR(ASY_SENT(co)), T());
        if (ASY_SENT(co).u.i == f->stop_at)
            break;
    } ASY_ASYNC_FOR_END(co);
    note("loop over");
    if (f->aclose_after)
        ASY_AWAIT(co, asy_aclose(f->ag));
    note("consumer done@%s", T());
    ASY_END(co);
}

static void consume_clear(asy_gen *g)
{
    consume_frame *f = (consume_frame *)g;
    asy_decref(f->ag);
    f->ag = NULL;
}

static asy_coro *consume(asy_asyncgen *ag, long long stop_at, bool aclose_after)
{
    consume_frame *f = ASY_CORO_NEW(consume_frame, consume_body, "consume");
    f->ag = ag;
    f->stop_at = stop_at;
    f->aclose_after = aclose_after;
    asy_gen_set_clear(&f->co, consume_clear);
    return &f->co;
}

static void test_async_for_interleaves_values_and_awaits(void)
{
    asy_loop *loop = vloop();
    run_ok(loop, consume(&ticker_new("tk", 3, 1.0)->ag, -1, false));
    CHECK_STR_EQ(trace, "tk start@0.0 x=0@0.0 x=1@1.0 x=2@2.0 tk cleanup@3.0 tk cleaned@3.0 "
                        "loop over consumer done@3.0");
    done_with(loop);
}

static void test_break_then_aclose_runs_the_cleanup(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 5, 1.0);
    tk->cleanup = 0.5; /* the cleanup awaits: aclose waits for it */
    run_ok(loop, consume(&tk->ag, 1, true));
    CHECK_STR_EQ(trace, "tk start@0.0 x=0@0.0 x=1@1.0 loop over tk cleanup@1.0! tk cleaned@1.5 "
                        "consumer done@1.5");
    done_with(loop);
}

/* ---- the operations and their rules ---- */

static void test_asend_gives_the_value_of_the_yield(void)
{
    asy_loop *loop = vloop();
    run_ok(loop, driver(&ticker_new("tk", 3, 0)->ag, "nssn"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk got 7 s=1 tk got 7 s=2 tk cleanup@0.0 tk cleaned@0.0 "
                        "n:StopAsyncIteration");
    done_with(loop);
}

static void test_just_started_refuses_a_value(void)
{
    asy_loop *loop = vloop();
    run_ok(loop, driver(&ticker_new("tk", 1, 0)->ag, "sSn"));
    CHECK_STR_EQ(trace, "s:TypeError: can't send non-None value to a just-started async generator "
                        "tk start@0.0 S=0 tk cleanup@0.0 tk cleaned@0.0 n:StopAsyncIteration");
    done_with(loop);
}

static void test_finished_generator_stops_every_time(void)
{
    asy_loop *loop = vloop();
    run_ok(loop, driver(&ticker_new("tk", 0, 0)->ag, "nnStc"));
    CHECK_STR_EQ(trace, "tk start@0.0 tk cleanup@0.0 tk cleaned@0.0 n:StopAsyncIteration "
                        "n:StopAsyncIteration S:StopAsyncIteration t=None c=None");
    done_with(loop);
}

static void test_athrow_caught_gives_the_next_value(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 3, 0);
    tk->catch_value_error = true;
    run_ok(loop, driver(&tk->ag, "ntn"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk caught ValueError: boom t=1 n=2");
    run_ok(loop, driver(asy_incref(&tk->ag), "c"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk caught ValueError: boom t=1 n=2 tk cleanup@0.0! "
                        "tk cleaned@0.0 c=None");
    done_with(loop);
}

static void test_athrow_uncaught_raises_and_finishes(void)
{
    asy_loop *loop = vloop();
    run_ok(loop, driver(&ticker_new("tk", 3, 0)->ag, "ntn"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk cleanup@0.0! tk cleaned@0.0 t:ValueError: boom "
                        "n:StopAsyncIteration");
    done_with(loop);
}

static void test_athrow_or_aclose_before_the_start(void)
{
    asy_loop *loop = vloop();
    run_ok(loop, driver(&ticker_new("a", 3, 0)->ag, "tn"));
    run_ok(loop, driver(&ticker_new("b", 3, 0)->ag, "cn"));
    /* The body never ran: no start, no cleanup. */
    CHECK_STR_EQ(trace, "t:ValueError: boom n:StopAsyncIteration c=None n:StopAsyncIteration");
    done_with(loop);
}

static void test_yield_in_cleanup_is_an_error(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 3, 0);
    tk->yield_in_cleanup = true;
    run_ok(loop, driver(&tk->ag, "ncn"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk cleanup@0.0! "
                        "c:RuntimeError: async generator ignored GeneratorExit n:StopAsyncIteration");
    done_with(loop);
}

static void test_cleanup_error_comes_out_of_aclose(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 3, 0);
    tk->raise_in_cleanup = true;
    run_ok(loop, driver(&tk->ag, "nc"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk cleanup@0.0! c:ValueError: cleanup failed");
    done_with(loop);
}

static void test_body_raising_stop_async_iteration(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 1, 0);
    tk->raise_stop = true;
    run_ok(loop, driver(&tk->ag, "nnn"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 n:RuntimeError: async generator raised StopAsyncIteration "
                        "n:StopAsyncIteration");
    done_with(loop);
}

static void test_already_running(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 3, 1.0);
    /* task A: anext, anext (the second one sleeps inside the body for 1 s);
     * task B, at 0.5 s: every operation refuses. */
    asy_task *a = CREATE_TASK(loop, driver(asy_incref(&tk->ag), "nn"), "A");
    driver_frame *b = (driver_frame *)driver(asy_incref(&tk->ag), "wnsSctn");
    asy_task *bt = CREATE_TASK(loop, &b->co, "B");
    run_ok(loop, driver(&tk->ag, "wwwwc")); /* 2 s, then close it */
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 "
                        "n:RuntimeError: anext(): asynchronous generator is already running "
                        "s:RuntimeError: anext(): asynchronous generator is already running "
                        "S:RuntimeError: anext(): asynchronous generator is already running "
                        "c:RuntimeError: aclose(): asynchronous generator is already running "
                        "t:RuntimeError: athrow(): asynchronous generator is already running "
                        "n:RuntimeError: anext(): asynchronous generator is already running "
                        "n=1 tk cleanup@2.0! tk cleaned@2.0 c=None");
    CHECK(asy_future_done(&a->fut) && asy_future_done(&bt->fut));
    asy_decref(a);
    asy_decref(bt);
    done_with(loop);
}

static void test_cancel_inside_anext_runs_the_cleanup(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 3, 1.0);
    run_ok(loop, driver(asy_incref(&tk->ag), "n"));
    asy_task *t = CREATE_TASK(loop, driver(asy_incref(&tk->ag), "n"), "T");
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(0.5, asy_none()));
    asy_result_clear(&r);
    asy_task_cancel(t, NULL);
    r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_future_cancelled(&t->fut));
    asy_result_clear(&r);
    run_ok(loop, driver(&tk->ag, "n"));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk cleanup@0.5! tk cleaned@0.5 n:CancelledError "
                        "n:StopAsyncIteration");
    asy_decref(t);
    done_with(loop);
}

/* await ag (not an awaitable), anext(NULL). */
typedef struct {
    asy_coro co;
    asy_asyncgen *ag;
} misuse_frame;

static asy_status misuse_body(asy_coro *co)
{
    misuse_frame *f = (misuse_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_incref(f->ag));
    note("%s", ASY_EXC_STR(ASY_EXC(co)));
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT_TRY(co, asy_anext(NULL));
    note("%s", ASY_EXC_STR(ASY_EXC(co)));
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT_TRY(co, asy_anext(co)); /* a coroutine is not an async iterator */
    note("%s", ASY_EXC_STR(ASY_EXC(co)));
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT_TRY(co, asy_asend(NULL, asy_none()));
    note("%s", ASY_EXC_STR(ASY_EXC(co)));
    asy_decref(ASY_CATCH(co));
    ASY_ASYNC_WITH_ENTER(co, &asy_taskgroup_cm, NULL); /* async with None: */
    note("not reached");
    ASY_END(co);
}

static asy_status misuse_exit_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_async_cm_then(NULL, asy_none(), asy_exc_new(&asy_ValueError, "body")));
    ASY_ASYNC_WITH_EXIT(co, &asy_lock_cm, NULL);
    ASY_END(co);
}

static void misuse_clear(asy_gen *g) { asy_decref(((misuse_frame *)g)->ag); }

static void test_misuse_is_a_type_error(void)
{
    asy_loop *loop = vloop();
    misuse_frame *f = ASY_CORO_NEW(misuse_frame, misuse_body, "misuse");
    asy_gen_set_clear(&f->co, misuse_clear);
    f->ag = &ticker_new("tk", 1, 0)->ag;
    CHECK(asy_isasyncgen(f->ag));
    CHECK(!asy_isasyncgen(f));
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TypeError: 'NoneType' object does not support the asynchronous context manager protocol");
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_coro_new(sizeof(asy_coro), misuse_exit_body, "misuse_exit"));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TypeError: 'NoneType' object does not support the asynchronous context manager protocol");
    CHECK(r.exc != NULL && r.exc->context != NULL && asy_exc_is(r.exc->context, &asy_ValueError));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "TypeError: object async_generator can't be used in 'await' expression "
                        "TypeError: 'NoneType' object is not an async iterator "
                        "TypeError: 'coroutine' object is not an async iterator "
                        "TypeError: 'NoneType' object is not an async iterator");
    done_with(loop);
}

/* ---- the loop's side ---- */

static void test_registry_holds_generators_weakly(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 1, 0);
    ticker_frame *idle = ticker_new("idle", 1, 0);
    CHECK_INT_EQ(asy_loop_asyncgen_count(loop), 0);
    run_ok(loop, driver(asy_incref(&tk->ag), "n"));
    CHECK_INT_EQ(asy_loop_asyncgen_count(loop), 1); /* first iterated here */
    run_ok(loop, driver(asy_incref(&tk->ag), "n")); /* finished now */
    asy_decref(&tk->ag);
    CHECK_INT_EQ(asy_loop_asyncgen_count(loop), 0); /* freed: gone from it */
    asy_decref(&idle->ag);                          /* never iterated */
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 tk cleanup@0.0 tk cleaned@0.0 n:StopAsyncIteration");
    done_with(loop);
}

static void test_abandoned_generator_is_closed_by_the_loop(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 3, 0);
    tk->cleanup = 1.0;
    run_ok(loop, driver(&tk->ag, "n")); /* the driver held the only reference */
    note("dropped");
    /* The finalizer scheduled aclose(): a task made at the next turn,
     * whose cleanup awaits 1 s. */
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 1);
    run_ok(loop, asy_sleep(2.0, asy_none()));
    CHECK_STR_EQ(trace, "tk start@0.0 n=0 dropped tk cleanup@0.0! tk cleaned@1.0");
    done_with(loop);
}

static void test_closed_loop_never_runs_the_cleanup(void)
{
    asy_loop *loop = vloop();
    ticker_frame *tk = ticker_new("tk", 3, 0);
    run_ok(loop, driver(asy_incref(&tk->ag), "n"));
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(&tk->ag); /* the finalizer finds the loop closed: the leak */
    CHECK_STR_EQ(trace, "tk start@0.0 n=0");
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_shutdown_asyncgens_closes_them_all(void)
{
    asy_loop *loop = vloop();
    ticker_frame *a = ticker_new("a", 3, 0), *b = ticker_new("b", 3, 0), *c = ticker_new("c", 3, 0);
    a->cleanup = 1.0;
    b->cleanup = 1.0;
    c->raise_in_cleanup = true;
    run_ok(loop, driver(asy_incref(&a->ag), "n"));
    run_ok(loop, driver(asy_incref(&b->ag), "n"));
    run_ok(loop, driver(asy_incref(&c->ag), "n"));
    CHECK_INT_EQ(asy_loop_asyncgen_count(loop), 3);
    run_ok(loop, asy_loop_shutdown_asyncgens(loop));
    CHECK_INT_EQ(asy_loop_asyncgen_count(loop), 0);
    /* Concurrently: both cleanups end at 1.0, not 2.0; the failure goes to
     * the exception handler. */
    CHECK(strstr(trace, "a cleanup@0.0! b cleanup@0.0! c cleanup@0.0! a cleaned@1.0 b cleaned@1.0 "
                        "[an error occurred during closing of asynchronous generator <async_generator "
                        "object ticker at ") != NULL);
    CHECK(strstr(trace, ">: ValueError: cleanup failed]") != NULL);
    run_ok(loop, asy_loop_shutdown_asyncgens(loop)); /* nothing left: returns at once */
    asy_decref(&a->ag);
    asy_decref(&b->ag);
    asy_decref(&c->ag);
    done_with(loop);
}

/* asyncio.run(main()) where main leaves a generator suspended in a global. */
static asy_asyncgen *kept;

static void trace_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s]", ctx->message);
}

typedef struct {
    asy_coro co;
} keep_frame;

static asy_status keep_body(asy_coro *co)
{
    ASY_BEGIN(co);
    asy_loop_set_exception_handler(asy_get_running_loop(NULL), trace_handler, NULL);
    kept = &ticker_new("tk", 3, 0)->ag;
    ((ticker_frame *)kept)->cleanup = 0.5;
    ASY_AWAIT(co, asy_anext(kept));
    note("main done");
    ASY_END(co);
}

static void test_asyncio_run_finalizes_async_generators(void)
{
    trace_reset();
    asy_loop_options opts = {NULL, true};
    asy_result r = asy_run(asy_coro_new(sizeof(keep_frame), keep_body, "main"), &opts);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    note("run returned");
    /* The cleanup ran inside asyncio.run, on its loop (it could await). */
    CHECK_STR_EQ(trace, "tk start@0.0 main done tk cleanup@0.0! tk cleaned@0.5 run returned");
    asy_decref(kept);
    kept = NULL;
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_no_loop_generator_is_closed_when_freed(void)
{
    trace_reset();
    ticker_frame *tk = ticker_new("tk", 3, 0);
    asy_coro *aw = asy_anext(&tk->ag);
    asy_result r = asy_gen_send(aw, asy_none()); /* by hand: StopIteration(0) */
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_INT_EQ(r.value.u.i, 0);
    asy_result_clear(&r);
    asy_decref(aw);
    asy_decref(&tk->ag); /* no loop, no finalizer: closed now, like a generator */
    CHECK_STR_EQ(trace, "tk start@-1.0 tk cleanup@-1.0! tk cleaned@-1.0");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- async with ---- */

/* async def holder(name, lock): async with lock: note; await sleep(1); [raise] */
typedef struct {
    asy_coro co;
    const char *name;
    asy_lock *lock;
    bool fail;
} holder_frame;

static asy_status holder_body(asy_coro *co)
{
    holder_frame *f = (holder_frame *)co;
    ASY_BEGIN(co);
    ASY_ASYNC_WITH_ENTER(co, &asy_lock_cm, f->lock);
    note("%s in@%s as %s", f->name, T(), ASY_REPR(ASY_SENT(co)));
    ASY_AWAIT_TRY(co, asy_sleep(1.0, asy_none()));
    if (ASY_EXC(co) == NULL && f->fail) /* raise ValueError, inside the block */
        ASY_AWAIT_TRY(co, asy_async_cm_then(NULL, asy_none(), asy_exc_new(&asy_ValueError, "%s failed", f->name)));
    ASY_ASYNC_WITH_EXIT(co, &asy_lock_cm, f->lock);
    note("%s out@%s", f->name, T());
    ASY_END(co);
}

static asy_coro *holder(const char *name, asy_lock *lock, bool fail)
{
    holder_frame *f = ASY_CORO_NEW(holder_frame, holder_body, "holder");
    f->name = name;
    f->lock = lock;
    f->fail = fail;
    return &f->co;
}

static void test_async_with_lock(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    asy_task *a = CREATE_TASK(loop, holder("a", lock, true), NULL);
    asy_task *b = CREATE_TASK(loop, holder("b", lock, false), NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(b));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "a in@0.0 as None b in@1.0 as None b out@2.0");
    asy_exc *e = NULL;
    asy_decref(asy_future_exception(&a->fut, &e));
    CHECK_STR_EQ(ASY_EXC_STR(e), "ValueError: a failed"); /* released, then propagated */
    asy_decref(e);
    CHECK(!asy_lock_locked(lock));
    asy_decref(a);
    asy_decref(b);
    asy_decref(lock);
    done_with(loop);
}

/* async with TaskGroup() as tg: two children; async with Semaphore(1);
 * async with timeout(0.5): await sleep(1) -> TimeoutError */
typedef struct {
    asy_coro co;
    asy_taskgroup *tg;
    asy_semaphore *sem;
    asy_timeout *cm;
} scopes_frame;

static asy_status scopes_body(asy_coro *co)
{
    scopes_frame *f = (scopes_frame *)co;
    ASY_BEGIN(co);
    f->tg = asy_taskgroup_new();
    ASY_ASYNC_WITH_ENTER(co, &asy_taskgroup_cm, f->tg);
    note("as tg: %s", asy_value_eq(ASY_SENT(co), asy_obj_value(f->tg)) ? "the group" : "?");
    asy_decref(asy_taskgroup_create_task(f->tg, asy_sleep(1.0, asy_none()), NULL, NULL));
    asy_decref(asy_taskgroup_create_task(f->tg, asy_sleep(2.0, asy_none()), NULL, NULL));
    ASY_ASYNC_WITH_EXIT(co, &asy_taskgroup_cm, f->tg);
    note("group done@%s", T());

    f->sem = asy_semaphore_new(1, NULL);
    ASY_ASYNC_WITH_ENTER(co, &asy_semaphore_cm, f->sem);
    note("sem locked: %d", asy_semaphore_locked(f->sem));
    ASY_ASYNC_WITH_EXIT(co, &asy_semaphore_cm, f->sem);
    note("sem locked: %d", asy_semaphore_locked(f->sem));

    f->cm = asy_timeout_new(0.5);
    ASY_ASYNC_WITH_ENTER(co, &asy_timeout_cm, f->cm);
    ASY_AWAIT_TRY(co, asy_sleep(1.0, asy_none()));
    ASY_ASYNC_WITH_EXIT(co, &asy_timeout_cm, f->cm);
    note("not reached");
    ASY_END(co);
}

static void scopes_clear(asy_gen *g)
{
    scopes_frame *f = (scopes_frame *)g;
    asy_decref(f->tg);
    asy_decref(f->sem);
    asy_decref(f->cm);
}

static void test_async_with_taskgroup_semaphore_timeout(void)
{
    asy_loop *loop = vloop();
    scopes_frame *f = ASY_CORO_NEW(scopes_frame, scopes_body, "scopes");
    asy_gen_set_clear(&f->co, scopes_clear);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TimeoutError");
    asy_result_clear(&r);
    note("at %s", ASY_STR(asy_float(asy_loop_time(loop))));
    CHECK_STR_EQ(trace, "as tg: the group group done@2.0 sem locked: 1 sem locked: 0 at 2.5");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"async for: values and awaits interleave, cleanup at the end", test_async_for_interleaves_values_and_awaits},
        {"break, then aclose runs the cleanup (which may await)", test_break_then_aclose_runs_the_cleanup},
        {"asend(v): v is the value of the yield", test_asend_gives_the_value_of_the_yield},
        {"a just-started generator refuses asend(non-None)", test_just_started_refuses_a_value},
        {"a finished generator: StopAsyncIteration, athrow/aclose None", test_finished_generator_stops_every_time},
        {"athrow caught by the body gives the next value", test_athrow_caught_gives_the_next_value},
        {"athrow uncaught raises and finishes the generator", test_athrow_uncaught_raises_and_finishes},
        {"athrow or aclose before the first anext", test_athrow_or_aclose_before_the_start},
        {"a yield in cleanup: async generator ignored GeneratorExit", test_yield_in_cleanup_is_an_error},
        {"an error in cleanup comes out of aclose", test_cleanup_error_comes_out_of_aclose},
        {"a body raising StopAsyncIteration: RuntimeError", test_body_raising_stop_async_iteration},
        {"asynchronous generator is already running", test_already_running},
        {"a task cancelled inside anext runs the cleanup", test_cancel_inside_anext_runs_the_cleanup},
        {"await ag, anext(NULL), async with NULL are TypeErrors", test_misuse_is_a_type_error},
        {"the loop's registry holds generators weakly", test_registry_holds_generators_weakly},
        {"an abandoned generator is closed by the loop (finalizer)", test_abandoned_generator_is_closed_by_the_loop},
        {"after the loop closed, the cleanup never runs", test_closed_loop_never_runs_the_cleanup},
        {"shutdown_asyncgens closes them all, concurrently", test_shutdown_asyncgens_closes_them_all},
        {"asyncio.run finalizes async generators", test_asyncio_run_finalizes_async_generators},
        {"a generator never under a loop is closed when freed", test_no_loop_generator_is_closed_when_freed},
        {"async with over a Lock (asy_lock_cm)", test_async_with_lock},
        {"async with TaskGroup, Semaphore, timeout", test_async_with_taskgroup_semaphore_timeout},
        {NULL, NULL},
    };
    return check_main("asyncgen", tests, argc, argv);
}
