/*
 * test_gather.c - gather (chapter 14), on the virtual clock: result order,
 * the first exception reaching the awaiter while the others run on,
 * return_exceptions, cancelling the gather, a child cancelled on its own,
 * duplicates, the empty gather, and the errors Python raises at the call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "vloop.h"
#include "gather.h"

/* async def job(name, delay, value, fail):
 *     try: await asyncio.sleep(delay)
 *     except CancelledError: note(f"{name} cancelled@{t}"); raise
 *     note(f"{name}@{t}")
 *     if fail: raise ValueError(name)
 *     return value */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    long long value;
    bool fail;
} job_frame;

static asy_status job_body(asy_coro *co)
{
    job_frame *f = (job_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        note("%s cancelled@%s", f->name, ASY_STR(asy_float(now())));
        ASY_RERAISE(co);
    }
    note("%s@%s", f->name, ASY_STR(asy_float(now())));
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    ASY_RETURN(co, asy_int(f->value));
    ASY_END(co);
}

static asy_coro *job(const char *name, double delay, long long value)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->name = name;
    f->delay = delay;
    f->value = value;
    return &f->co;
}

static asy_coro *failing(const char *name, double delay)
{
    asy_coro *co = job(name, delay, 0);
    ((job_frame *)co)->fail = true;
    return co;
}

/* Run `aw` (stolen) to its end on `loop`; the trace gets "-> <result>" or
 * "-> raised <exception>" and the time. */
static void run(asy_loop *loop, void *aw)
{
    asy_result r = asy_loop_run_until_complete(loop, aw);
    if (r.status == ASY_RETURNED)
        note("-> %s@%s", ASY_REPR(r.value), ASY_STR(asy_float(asy_loop_time(loop))));
    else
        note("-> raised %s@%s", ASY_EXC_STR(r.exc), ASY_STR(asy_float(asy_loop_time(loop))));
    asy_result_clear(&r);
}

/* async def main(aw): return await aw  (a task awaiting the gather) */
typedef struct {
    asy_coro co;
    asy_future *aw;
} awaiter_frame;

static asy_status awaiter_body(asy_coro *co)
{
    awaiter_frame *f = (awaiter_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_incref(f->aw));
    if (ASY_EXC(co) != NULL) {
        note("awaiter sees %s", ASY_EXC_STR(ASY_EXC(co)));
        ASY_RERAISE(co);
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}
static void awaiter_clear(asy_gen *g) { asy_decref(((awaiter_frame *)g)->aw); }
static asy_coro *awaiter(asy_future *aw) /* aw borrowed */
{
    awaiter_frame *f = ASY_CORO_NEW(awaiter_frame, awaiter_body, "awaiter");
    f->aw = asy_incref(aw);
    asy_gen_set_clear(&f->co, awaiter_clear);
    return &f->co;
}

static asy_exc *cancel_it(asy_value arg)
{
    note("cancel -> %s", asy_future_cancel(asy_value_future(arg), NULL) ? "True" : "False");
    return NULL;
}

/* ---- the tests ---- */

static void test_results_come_in_argument_order(void)
{
    asy_loop *loop = vloop();
    /* tasks made on the loop directly: gather takes the loop from them */
    void *aws[] = {asy_loop_create_task(loop, job("a", 3, 1), NULL, NULL),
                   asy_loop_create_task(loop, job("b", 1, 2), NULL, NULL),
                   asy_loop_create_task(loop, job("c", 2, 3), NULL, NULL)};
    asy_future *g = asy_gather(false, 3, aws);
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(g)), "<_GatheringFuture pending>");
    run(loop, asy_incref(g));
    CHECK_STR_EQ(trace, "b@1.0 c@2.0 a@3.0 -> [1, 2, 3]@3.0");
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(g)), "<_GatheringFuture finished result=[1, 2, 3]>");
    asy_decref(g);
    done_with(loop);
}

/* async def main(): return await gather(job(...), job(...)) -- coroutines
 * become tasks on the running loop. */
typedef struct {
    asy_coro co;
    bool return_exceptions;
} gather3_frame;

static asy_status gather3_body(asy_coro *co)
{
    gather3_frame *f = (gather3_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_gather_of(f->return_exceptions, job("a", 2, 1), failing("b", 1), job("c", 3, 3)));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void test_first_exception_reaches_awaiter_others_run_on(void)
{
    asy_loop *loop = vloop();
    gather3_frame *f = ASY_CORO_NEW(gather3_frame, gather3_body, "main");
    run(loop, f);
    /* ValueError at 1.0; a and c were not cancelled */
    CHECK_STR_EQ(trace, "b@1.0 -> raised ValueError: b@1.0");
    trace_reset();
    run(loop, asy_sleep(5, asy_none()));
    CHECK_STR_EQ(trace, "a@2.0 c@3.0 -> None@6.0");
    CHECK_INT_EQ(asy_all_tasks(loop, NULL, 0, NULL), 0);
    done_with(loop);
}

static void test_later_exceptions_are_marked_retrieved(void)
{
    asy_loop *loop = vloop();
    void *aws[] = {asy_loop_create_task(loop, failing("x", 1), NULL, NULL),
                   asy_loop_create_task(loop, failing("y", 2), NULL, NULL)};
    asy_future *g = asy_gather(false, 2, aws);
    run(loop, asy_incref(g));
    run(loop, asy_sleep(2, asy_none()));
    asy_decref(g); /* drops both children too */
    /* y failed after the gather was done: no "never retrieved" report */
    CHECK_STR_EQ(trace, "x@1.0 -> raised ValueError: x@1.0 y@2.0 -> None@3.0");
    done_with(loop);
}

static void test_return_exceptions_puts_them_in_the_list(void)
{
    asy_loop *loop = vloop();
    gather3_frame *f = ASY_CORO_NEW(gather3_frame, gather3_body, "main");
    f->return_exceptions = true;
    run(loop, f);
    CHECK_STR_EQ(trace, "b@1.0 a@2.0 c@3.0 -> [1, ValueError('b'), 3]@3.0");
    done_with(loop);
}

static void test_cancelling_gather_cancels_children_not_done(void)
{
    for (int re = 0; re <= 1; re++) {
        asy_loop *loop = vloop();
        asy_task *a = asy_loop_create_task(loop, job("a", 1, 1), NULL, NULL);
        asy_task *b = asy_loop_create_task(loop, job("b", 5, 2), NULL, NULL);
        asy_task *c = asy_loop_create_task(loop, job("c", 5, 3), NULL, NULL);
        void *aws[] = {asy_incref(a), asy_incref(b), asy_incref(c)};
        asy_future *g = asy_gather(re, 3, aws);
        asy_decref(asy_loop_call_later(loop, 2, cancel_it, asy_future_value(g), NULL));
        run(loop, asy_incref(g));
        /* whatever return_exceptions says, the gather raises CancelledError */
        CHECK_STR_EQ(trace, "a@1.0 cancel -> True b cancelled@2.0 c cancelled@2.0 -> raised CancelledError@2.0");
        CHECK(!asy_future_cancelled(&a->fut));
        CHECK(asy_future_cancelled(&b->fut));
        CHECK(asy_future_cancelled(&c->fut));
        /* as in 3.11: finished with a CancelledError, not "cancelled" */
        CHECK(asy_future_done(g));
        CHECK(!asy_future_cancelled(g));
        CHECK(!asy_future_cancel(g, NULL)); /* done: cancel is False */
        asy_decref(a);
        asy_decref(b);
        asy_decref(c);
        asy_decref(g);
        done_with(loop);
    }
}

static void test_cancel_when_every_child_is_done_returns_false(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_set_result(fut, asy_int(7)));
    void *aws[] = {fut};
    asy_future *g = asy_gather(false, 1, aws);
    CHECK(!asy_future_done(g)); /* its callback has not run yet */
    CHECK(!asy_future_cancel(g, NULL));
    run(loop, asy_incref(g));
    CHECK_STR_EQ(trace, "-> [7]@0.0");
    asy_decref(g);
    done_with(loop);
}

static void test_cancelling_the_awaiting_task_cancels_the_children(void)
{
    asy_loop *loop = vloop();
    asy_task *a = asy_loop_create_task(loop, job("a", 5, 1), NULL, NULL);
    void *aws[] = {asy_incref(a)};
    asy_future *g = asy_gather(false, 1, aws);
    asy_task *t = asy_loop_create_task(loop, awaiter(g), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(t), NULL));
    run(loop, asy_incref(t));
    CHECK_STR_EQ(trace, "cancel -> True a cancelled@1.0 awaiter sees CancelledError -> raised CancelledError@1.0");
    CHECK(asy_future_cancelled(&a->fut));
    CHECK(asy_future_cancelled(&t->fut));
    asy_decref(a);
    asy_decref(t);
    asy_decref(g);
    done_with(loop);
}

static void test_child_cancelled_on_its_own(void)
{
    /* return_exceptions false: the gather raises CancelledError, the
     * others run on, and the gather itself was not cancelled */
    asy_loop *loop = vloop();
    asy_task *a = asy_loop_create_task(loop, job("a", 5, 1), NULL, NULL);
    asy_task *b = asy_loop_create_task(loop, job("b", 2, 2), NULL, NULL);
    void *aws[] = {asy_incref(a), asy_incref(b)};
    asy_future *g = asy_gather(false, 2, aws);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(a), NULL));
    run(loop, asy_incref(g));
    CHECK_STR_EQ(trace, "cancel -> True a cancelled@1.0 -> raised CancelledError@1.0");
    CHECK(!asy_future_cancelled(&b->fut) && !asy_future_done(&b->fut));
    CHECK(!asy_future_cancelled(g));
    run(loop, asy_incref(b));
    asy_decref(g);

    /* return_exceptions true: a CancelledError takes its place, made as
     * 3.11 makes it, CancelledError('') (the message, '' for none) */
    trace_reset();
    asy_task *c = asy_loop_create_task(loop, job("c", 5, 1), NULL, NULL);
    asy_task *d = asy_loop_create_task(loop, job("d", 2, 2), NULL, NULL);
    void *aws2[] = {asy_incref(c), asy_incref(d)};
    g = asy_gather(true, 2, aws2);
    asy_decref(asy_loop_call_later(loop, 1, cancel_it, asy_task_value(c), NULL));
    run(loop, asy_incref(g));
    CHECK_STR_EQ(trace, "cancel -> True c cancelled@3.0 d@4.0 -> [CancelledError(''), 2]@4.0");
    asy_value v = asy_none();
    CHECK_NULL(asy_future_result(g, &v));
    asy_list *l = asy_value_list(v);
    CHECK_FATAL(l != NULL);
    CHECK(asy_exc_is(asy_value_exc(asy_list_get(l, 0)), &asy_CancelledError));
    asy_value_decref(v);
    asy_decref(g);
    asy_decref(a);
    asy_decref(b);
    asy_decref(c);
    asy_decref(d);
    done_with(loop);
}

static void test_cancel_message_reaches_the_awaiter(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    void *aws[] = {asy_incref(fut)};
    asy_future *g = asy_gather(false, 1, aws);
    CHECK(asy_future_cancel(g, "bye"));
    CHECK(asy_future_cancelled(fut));
    run(loop, asy_incref(g));
    CHECK_STR_EQ(trace, "-> raised CancelledError: bye@0.0");
    asy_decref(fut);
    asy_decref(g);
    done_with(loop);
}

/* async def main(): c = job(...); return await gather(c, c) */
static asy_status twice_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_coro *c = job("once", 1, 5);
        void *aws[] = {c, asy_incref(c), asy_create_task(job("other", 1, 6), NULL, NULL)};
        ASY_AWAIT(co, asy_gather(false, 3, aws));
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void test_same_awaitable_twice_is_wrapped_once(void)
{
    asy_loop *loop = vloop();
    run(loop, asy_coro_new(sizeof(asy_coro), twice_body, "main"));
    /* "once" ran once (one task), its result appears twice */
    CHECK_STR_EQ(trace, "other@1.0 once@1.0 -> [5, 5, 6]@1.0");
    done_with(loop);

    loop = vloop();
    asy_future *fut = asy_future_new(loop);
    void *aws[] = {asy_incref(fut), asy_incref(fut), asy_incref(fut)}; /* a future thrice */
    asy_future *g = asy_gather(false, 3, aws);
    CHECK_INT_EQ(((asy_gathering *)g)->nfuts, 1);
    CHECK_INT_EQ(((asy_gathering *)g)->nchildren, 3);
    CHECK_INT_EQ(fut->ncbs, 1); /* one callback */
    asy_decref(asy_future_set_result(fut, asy_str("x")));
    run(loop, asy_incref(g));
    CHECK_STR_EQ(trace, "-> ['x', 'x', 'x']@0.0");
    asy_decref(fut);
    asy_decref(g);
    done_with(loop);
}

/* async def main(): (eager task factory)
 *     c = quick()                    # returns 7 without suspending
 *     return await gather(c, c, fresh(), c)
 * The first c becomes a task that finishes inside create_task and lets
 * go of its coroutine; the later c's must still be found as repeats. */
static asy_status quick_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("quick runs");
    ASY_RETURN(co, asy_int(7));
    ASY_END(co);
}

static asy_status eager_twice_body(asy_coro *co)
{
    ASY_BEGIN(co);
    asy_loop_set_task_factory(asy_get_running_loop(NULL), asy_eager_task_factory);
    {
        asy_coro *c = asy_coro_new(sizeof(asy_coro), quick_body, "quick");
        asy_coro *fresh = asy_coro_new(sizeof(asy_coro), quick_body, "quick");
        void *aws[] = {c, asy_incref(c), fresh, asy_incref(c)};
        asy_future *g = asy_gather(false, 4, aws);
        CHECK_INT_EQ(((asy_gathering *)g)->nfuts, 2);
        ASY_AWAIT(co, g);
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void test_repeats_are_found_when_an_eager_task_is_done_already(void)
{
    asy_loop *loop = vloop();
    run(loop, asy_coro_new(sizeof(asy_coro), eager_twice_body, "main"));
    CHECK_STR_EQ(trace, "quick runs quick runs -> [7, 7, 7, 7]@0.0");
    done_with(loop);
}

static void test_empty_gather_is_done_at_once(void)
{
    asy_loop *loop = vloop();
    asy_future *g = asy_gather(false, 0, NULL); /* no running loop: a loop-less future */
    CHECK(asy_future_done(g));
    asy_value v = asy_none();
    CHECK_NULL(asy_future_result(g, &v));
    CHECK_STR_EQ(ASY_STR(v), "[]");
    asy_value_decref(v);
    asy_decref(g);
    done_with(loop);
}

/* async def main(): return await gather() -- inside a running loop */
static asy_status empty_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_future *g = asy_gather(true, 0, NULL);
        note("done=%s", asy_future_done(g) ? "True" : "False");
        ASY_AWAIT(co, g);
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void test_empty_gather_inside_a_loop(void)
{
    asy_loop *loop = vloop();
    run(loop, asy_coro_new(sizeof(asy_coro), empty_body, "main"));
    CHECK_STR_EQ(trace, "done=True -> []@0.0");
    done_with(loop);
}

/* async def main(): await gather(<bad arguments>) for each case */
typedef struct {
    asy_coro co;
    asy_loop *other; /* borrowed: a second loop */
} errors_frame;

static asy_status errors_body(asy_coro *co)
{
    errors_frame *f = (errors_frame *)co;
    ASY_BEGIN(co);
    {
        /* not an awaitable: no task is started, the coroutine is closed
         * (no "never awaited" warning) */
        asy_value s = asy_str("nope");
        void *aws[] = {job("never", 1, 1), s.u.o};
        ASY_AWAIT_TRY(co, asy_gather(false, 2, aws));
    }
    note("%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : "no error");
    asy_decref(ASY_CATCH(co));
    note("tasks=%zu", asy_all_tasks(NULL, NULL, 0, NULL));
    {
        /* futures of two loops */
        asy_future *f1 = asy_future_new(asy_get_running_loop(NULL)), *f2 = asy_future_new(f->other);
        void *aws[] = {f1, f2};
        ASY_AWAIT_TRY(co, asy_gather(false, 2, aws));
    }
    note("%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : "no error");
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void test_errors_at_the_call_come_out_at_the_await(void)
{
    asy_loop *loop = vloop();
    asy_loop *other = asy_loop_new(NULL, NULL);
    CHECK_FATAL(other != NULL);
    errors_frame *f = ASY_CORO_NEW(errors_frame, errors_body, "main");
    f->other = other;
    run(loop, f);
    CHECK_STR_EQ(trace, "TypeError: An asyncio.Future, a coroutine or an awaitable is required tasks=1 " /* main only */
                        "ValueError: The future belongs to a different loop than the one specified as the loop "
                        "argument -> None@0.0");
    CHECK_NULL(asy_loop_close(other));
    asy_decref(other);

    /* a coroutine and no running loop: RuntimeError, in a future bound to
     * no loop (read it directly) */
    trace_reset();
    void *aws[] = {job("never", 1, 1)};
    asy_future *g = asy_gather(false, 1, aws);
    CHECK(asy_future_done(g));
    asy_value v;
    asy_exc *e = asy_future_result(g, &v);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: no running event loop");
    asy_decref(e);
    asy_decref(g);
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

static void test_plain_futures_and_a_dropped_gather(void)
{
    /* nobody keeps the gather: its children run on, nothing leaks */
    asy_loop *loop = vloop();
    asy_task *a = asy_loop_create_task(loop, job("a", 1, 1), NULL, NULL);
    void *aws[] = {asy_incref(a)};
    asy_decref(asy_gather(false, 1, aws));
    run(loop, asy_incref(a));
    CHECK_STR_EQ(trace, "a@1.0 -> 1@1.0");
    asy_decref(a);
    done_with(loop);
}

static void test_unretrieved_gather_exception_is_reported(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    void *aws[] = {asy_incref(fut)};
    asy_future *g = asy_gather(false, 1, aws);
    asy_decref(asy_future_set_exception(fut, asy_exc_new(&asy_OSError, "disk")));
    run(loop, asy_sleep(0, asy_none()));
    CHECK(asy_future_done(g));
    asy_decref(g);
    asy_decref(fut);
    CHECK_STR_EQ(trace, "-> None@0.0 [_GatheringFuture exception was never retrieved: OSError: disk]");
    done_with(loop);
}

/* ---- many children ---- */

/* async def many(return_exceptions):
 *     futs = [loop.create_future() for _ in range(N)]
 *     args = [futs[(7919 * k) % N] for k in range(N)]    # a permutation
 *     args += [args[(31 * k) % N] for k in range(N // 2)] # then duplicates
 *     g = gather(*args, return_exceptions=...)
 *     for each batch of 1000: set the results of futs[(3571 * j) % N]
 *         (two of them raise), then await sleep(0)
 *     return await g
 * Completion order, argument order and the duplicates all differ, so
 * the list shows that each result sits at its argument's place. */
enum { MANY = 10000, MANY_ARGS = MANY + MANY / 2, MANY_BATCH = 1000 };

typedef struct {
    asy_coro co;
    bool return_exceptions;
    asy_future **futs;  /* owned references, in the test's array */
    size_t *arg_fut;    /* the test's array: args[k] is futs[arg_fut[k]] */
    asy_future *g;      /* owned */
    size_t j;
} many_frame;

static size_t completion(size_t j) { return (3571 * j) % MANY; }
static bool fails(size_t j) { return j == 2500 || j == 4000; } /* by completion rank */

static asy_status many_body(asy_coro *co)
{
    many_frame *f = (many_frame *)co;
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        void **args = calloc(MANY_ARGS, sizeof *args);
        CHECK_FATAL(args != NULL);
        for (size_t i = 0; i < MANY; i++)
            f->futs[i] = asy_future_new(loop);
        for (size_t k = 0; k < MANY_ARGS; k++) {
            f->arg_fut[k] = k < MANY ? (7919 * k) % MANY : f->arg_fut[(31 * (k - MANY)) % MANY];
            args[k] = asy_incref(f->futs[f->arg_fut[k]]); /* gather steals one reference each */
        }
        f->g = asy_gather(f->return_exceptions, MANY_ARGS, args);
        free(args);
        asy_gathering *g = (asy_gathering *)f->g;
        CHECK_INT_EQ(g->nchildren, MANY_ARGS);
        CHECK_INT_EQ(g->nfuts, MANY); /* one callback per distinct child */
    }
    for (f->j = 0; f->j < MANY; f->j++) {
        size_t i = completion(f->j);
        if (fails(f->j))
            asy_decref(asy_future_set_exception(f->futs[i], asy_exc_new(&asy_ValueError, "rank %zu", f->j)));
        else
            asy_decref(asy_future_set_result(f->futs[i], asy_int((long long)i)));
        if ((f->j + 1) % MANY_BATCH == 0)
            ASY_AWAIT(co, asy_sleep(0, asy_none()));
    }
    ASY_AWAIT(co, asy_incref(f->g));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void many_clear(asy_gen *gen)
{
    many_frame *f = (many_frame *)gen;
    for (size_t i = 0; i < MANY; i++) {
        asy_decref(f->futs[i]);
        f->futs[i] = NULL;
    }
    asy_decref(f->g);
}

static asy_result run_many(asy_loop *loop, bool return_exceptions, size_t *arg_fut)
{
    many_frame *f = ASY_CORO_NEW(many_frame, many_body, "many");
    asy_gen_set_clear(&f->co, many_clear);
    f->return_exceptions = return_exceptions;
    static asy_future *futs[MANY];
    f->futs = futs;
    f->arg_fut = arg_fut;
    return asy_loop_run_until_complete(loop, f);
}

static void test_many_children_with_duplicates_keep_argument_order(void)
{
    asy_loop *loop = vloop();
    static size_t arg_fut[MANY_ARGS];
    size_t rank_of[MANY]; /* future index -> its completion rank */
    for (size_t j = 0; j < MANY; j++)
        rank_of[completion(j)] = j;
    asy_result r = run_many(loop, true, arg_fut);
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_list *l = asy_value_list(r.value);
    CHECK_FATAL(l != NULL);
    CHECK_INT_EQ(asy_list_len(l), MANY_ARGS);
    size_t wrong = 0, errors = 0;
    for (size_t k = 0; k < MANY_ARGS; k++) {
        asy_value v = asy_list_get(l, k);
        size_t rank = rank_of[arg_fut[k]];
        if (fails(rank)) { /* ValueError('rank 2500') in its place, twice if passed twice */
            char want[32];
            snprintf(want, sizeof want, "ValueError('rank %zu')", rank);
            errors++;
            wrong += strcmp(ASY_REPR(v), want) != 0;
        } else {
            wrong += v.kind != ASY_INT || v.u.i != (long long)arg_fut[k];
        }
    }
    CHECK_INT_EQ(wrong, 0);
    CHECK(errors >= 2);
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, ""); /* nothing reported */
    done_with(loop);
}

static void test_many_children_the_first_failure_in_completion_order_wins(void)
{
    asy_loop *loop = vloop();
    static size_t arg_fut[MANY_ARGS];
    asy_result r = run_many(loop, false, arg_fut);
    CHECK_FATAL(r.status == ASY_RAISED);
    /* rank 2500 failed first, in the third batch; rank 4000's exception
     * came later and was marked retrieved: no report about it */
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "ValueError: rank 2500");
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"results come in argument order, not completion order", test_results_come_in_argument_order},
        {"the first exception reaches the awaiter; the other children run on",
         test_first_exception_reaches_awaiter_others_run_on},
        {"exceptions after the first are marked retrieved (no report)", test_later_exceptions_are_marked_retrieved},
        {"return_exceptions=True puts exceptions in the list", test_return_exceptions_puts_them_in_the_list},
        {"cancelling the gather cancels the children not done; it raises CancelledError",
         test_cancelling_gather_cancels_children_not_done},
        {"cancel() when every child is done returns False", test_cancel_when_every_child_is_done_returns_false},
        {"cancelling the task awaiting a gather cancels the children",
         test_cancelling_the_awaiting_task_cancels_the_children},
        {"a child cancelled on its own: CancelledError, or one in the list",
         test_child_cancelled_on_its_own},
        {"the cancel message reaches the awaiter", test_cancel_message_reaches_the_awaiter},
        {"the same awaitable twice is wrapped once, its result appears twice",
         test_same_awaitable_twice_is_wrapped_once},
        {"repeats are found even when the first one's eager task is done already",
         test_repeats_are_found_when_an_eager_task_is_done_already},
        {"an empty gather is a done future with []", test_empty_gather_is_done_at_once},
        {"an empty gather inside a loop", test_empty_gather_inside_a_loop},
        {"errors Python raises at the call come out at the await", test_errors_at_the_call_come_out_at_the_await},
        {"a gather nobody keeps: children run on, nothing leaks", test_plain_futures_and_a_dropped_gather},
        {"an unretrieved gather exception is reported as _GatheringFuture's",
         test_unretrieved_gather_exception_is_reported},
        {"10k children, with duplicates, finishing out of order: each result at its argument's place",
         test_many_children_with_duplicates_keep_argument_order},
        {"10k children: the first failure in completion order is the one raised",
         test_many_children_the_first_failure_in_completion_order_wins},
        {NULL, NULL},
    };
    return check_main("gather", tests, argc, argv);
}
