/*
 * test_as_completed.c - as_completed (chapter 18), on the virtual clock:
 * completion order, exceptions raised by the await that takes them, the
 * timeout (TimeoutError for the rest, nothing cancelled), duplicates,
 * futures done already, errors at the first await, the exhausted
 * iterator, an object dropped early, and an await cancelled while queued.
 * The timeout takes as_completed's callbacks off the futures still to do,
 * and only its own (fut->ncbs tells).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "vloop.h"
#include "as_completed.h"

/* async def job(name, delay, fail): sleep; raise or return name */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
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
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_coro *job(const char *name, double delay, bool fail)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    return &f->co;
}

/* async def consume(aws, timeout, stop_after):
 *     for aw in as_completed(aws, timeout=timeout):
 *         try: note(await aw)
 *         except Exception as e: note(e)
 *         if stop_after reached: break
 * The awaitables come from a builder called inside the loop (coroutines
 * need the running loop). */
typedef void (*builder_fn)(void **aws);

typedef struct {
    asy_coro co;
    builder_fn build;
    size_t n;
    double timeout;
    int stop_after; /* 0: never */
    int taken;
    asy_as_completed *ac;
} consume_frame;

static asy_status consume_body(asy_coro *co)
{
    consume_frame *f = (consume_frame *)co;
    ASY_BEGIN(co);
    {
        void *aws[8];
        f->build(aws);
        f->ac = asy_as_completed_new(f->n, aws, f->timeout);
    }
    note("left=%zu", asy_as_completed_left(f->ac));
    while (asy_as_completed_left(f->ac) > 0) {
        ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
        if (ASY_EXC(co) != NULL) {
            asy_exc *e = ASY_CATCH(co);
            note("%s@%s", ASY_EXC_STR(e), ASY_STR(asy_float(now())));
            asy_decref(e);
        } else {
            note("%s@%s", ASY_REPR(ASY_SENT(co)), ASY_STR(asy_float(now())));
        }
        if (++f->taken == f->stop_after)
            break;
    }
    ASY_END(co);
}
static void consume_clear(asy_gen *g) { asy_decref(((consume_frame *)g)->ac); }

static void run_consume(asy_loop *loop, builder_fn build, size_t n, double timeout, int stop_after)
{
    consume_frame *f = ASY_CORO_NEW(consume_frame, consume_body, "consume");
    asy_gen_set_clear(&f->co, consume_clear);
    f->build = build;
    f->n = n;
    f->timeout = timeout;
    f->stop_after = stop_after;
    asy_result r = asy_loop_run_until_complete(loop, f);
    if (r.status != ASY_RETURNED)
        note("consume raised %s", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
}

static void finish_all(asy_loop *loop)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(100, asy_none()));
    asy_result_clear(&r);
}

static void three_jobs(void **aws)
{
    aws[0] = job("a", 3, false);
    aws[1] = job("b", 1, false);
    aws[2] = job("c", 2, false);
}

static void test_results_in_completion_order(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, three_jobs, 3, ASY_NO_TIMEOUT, 0);
    CHECK_STR_EQ(trace, "left=3 'b'@1.0 'c'@2.0 'a'@3.0");
    done_with(loop);
}

static void with_failure(void **aws)
{
    aws[0] = job("a", 2, false);
    aws[1] = job("b", 1, true);
    aws[2] = job("c", 3, true);
}

static void test_exception_raised_by_the_await_that_takes_it(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, with_failure, 3, ASY_NO_TIMEOUT, 0);
    CHECK_STR_EQ(trace, "left=3 ValueError: b@1.0 'a'@2.0 ValueError: c@3.0");
    done_with(loop);
}

static void test_timeout_raises_for_the_rest_and_cancels_nothing(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, three_jobs, 3, 1.5, 0);
    /* b came in before the timeout; a and c did not, and are not cancelled */
    CHECK_STR_EQ(trace, "left=3 'b'@1.0 TimeoutError@1.5 TimeoutError@1.5");
    CHECK_INT_EQ(asy_all_tasks(loop, NULL, 0, NULL), 2);
    finish_all(loop);
    CHECK_INT_EQ(asy_all_tasks(loop, NULL, 0, NULL), 0);
    CHECK_STR_EQ(trace, "left=3 'b'@1.0 TimeoutError@1.5 TimeoutError@1.5");
    done_with(loop);
}

static void test_minus_inf_and_nan_timeouts_expire_at_once(void)
{
    /* -inf is a timeout already past, NaN a timer due at the next turn:
     * every await raises TimeoutError at once; nothing is cancelled. Only
     * +inf (ASY_NO_TIMEOUT) is Python's None. */
    static const double timeouts[] = {-INFINITY, NAN};
    for (int i = 0; i < 2; i++) {
        asy_loop *loop = vloop();
        run_consume(loop, three_jobs, 3, timeouts[i], 0);
        CHECK_STR_EQ(trace, "left=3 TimeoutError@0.0 TimeoutError@0.0 TimeoutError@0.0");
        CHECK_INT_EQ(asy_all_tasks(loop, NULL, 0, NULL), 3);
        finish_all(loop);
        done_with(loop);
    }
}

/* Results that came in before the timeout are still handed out first. */
static asy_exc *set_now(asy_value arg)
{
    asy_decref(asy_future_set_result(asy_value_future(arg), asy_str("early")));
    return NULL;
}

typedef struct {
    asy_coro co;
    asy_as_completed *ac;
    asy_future *f1, *f2;
} late_frame;

static asy_status late_body(asy_coro *co)
{
    late_frame *f = (late_frame *)co;
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        f->f1 = asy_future_new(loop);
        f->f2 = asy_future_new(loop);
        void *aws[] = {asy_incref(f->f1), asy_incref(f->f2)};
        f->ac = asy_as_completed_new(2, aws, 1);
        asy_decref(asy_loop_call_later(loop, 0.5, set_now, asy_future_value(f->f1), NULL));
    }
    ASY_AWAIT(co, asy_sleep(2, asy_none())); /* take nothing before the timeout */
    /* _on_timeout took its callback off f2, which is still pending */
    note("f2 %s, %u callback(s)", asy_future_done(f->f2) ? "done" : "pending", f->f2->ncbs);
    ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
    note("%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : ASY_REPR(ASY_SENT(co)));
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
    note("%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : ASY_REPR(ASY_SENT(co)));
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}
static void late_clear(asy_gen *g)
{
    late_frame *f = (late_frame *)g;
    asy_decref(f->ac);
    asy_decref(f->f1);
    asy_decref(f->f2);
}

static void test_results_before_the_timeout_come_first(void)
{
    asy_loop *loop = vloop();
    late_frame *f = ASY_CORO_NEW(late_frame, late_body, "late");
    asy_gen_set_clear(&f->co, late_clear);
    asy_result r = asy_loop_run_until_complete(loop, f);
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "f2 pending, 0 callback(s) 'early' TimeoutError");
    done_with(loop);
}

/* Two iterators over one future: the first times out at 1.0, the second
 * has no timeout and gets the result at 2.0. */
typedef struct {
    asy_coro co;
    asy_future *fut;
    asy_as_completed *first, *second;
} two_frame;

static asy_status two_body(asy_coro *co)
{
    two_frame *f = (two_frame *)co;
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        f->fut = asy_future_new(loop);
        void *aws1[] = {asy_incref(f->fut)}, *aws2[] = {asy_incref(f->fut)};
        f->first = asy_as_completed_new(1, aws1, 1);
        f->second = asy_as_completed_new(1, aws2, ASY_NO_TIMEOUT);
        asy_decref(asy_loop_call_later(loop, 2, set_now, asy_future_value(f->fut), NULL));
    }
    note("%u callback(s)", f->fut->ncbs);
    ASY_AWAIT_TRY(co, asy_as_completed_next(f->first));
    note("first: %s@%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : ASY_REPR(ASY_SENT(co)), ASY_STR(asy_float(now())));
    asy_decref(ASY_CATCH(co));
    note("%u callback(s)", f->fut->ncbs); /* the second iterator's is left */
    ASY_AWAIT_TRY(co, asy_as_completed_next(f->second));
    note("second: %s@%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : ASY_REPR(ASY_SENT(co)), ASY_STR(asy_float(now())));
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void two_clear(asy_gen *g)
{
    two_frame *f = (two_frame *)g;
    asy_decref(f->first);
    asy_decref(f->second);
    asy_decref(f->fut);
}

static void test_a_timeout_removes_only_its_own_callbacks(void)
{
    asy_loop *loop = vloop();
    two_frame *f = ASY_CORO_NEW(two_frame, two_body, "two");
    asy_gen_set_clear(&f->co, two_clear);
    asy_result r = asy_loop_run_until_complete(loop, f);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "2 callback(s) first: TimeoutError@1.0 1 callback(s) second: 'early'@2.0");
    done_with(loop);
}

static void duplicates(void **aws)
{
    aws[0] = job("a", 1, false);
    aws[1] = asy_incref(aws[0]);
    aws[2] = asy_create_task(job("b", 2, false), NULL, NULL);
    aws[3] = asy_incref(aws[2]);
}

static void test_same_awaitable_twice_counts_once(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, duplicates, 4, ASY_NO_TIMEOUT, 0);
    CHECK_STR_EQ(trace, "left=2 'a'@1.0 'b'@2.0");
    done_with(loop);
}

static void done_already(void **aws)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    asy_future *f = asy_future_new(loop), *g = asy_future_new(loop);
    asy_decref(asy_future_set_result(f, asy_int(1)));
    asy_decref(asy_future_set_exception(g, asy_exc_new(&asy_OSError, "x")));
    aws[0] = f;
    aws[1] = g;
}

static void test_futures_done_already(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, done_already, 2, 5, 0);
    CHECK_STR_EQ(trace, "left=2 1@0.0 OSError: x@0.0");
    done_with(loop);
}

static void nothing(void **aws) { (void)aws; }

static void test_nothing_to_wait_for(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, nothing, 0, 1, 0);
    CHECK_STR_EQ(trace, "left=0");
    done_with(loop);
}

static void bad_argument(void **aws)
{
    aws[0] = job("never", 1, false);
    aws[1] = asy_str("nope").u.o;
}

static void test_bad_argument_raises_at_the_first_await(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, bad_argument, 2, ASY_NO_TIMEOUT, 0);
    /* one await, raising; the coroutine was closed, never started */
    CHECK_STR_EQ(trace, "left=1 TypeError: An asyncio.Future, a coroutine or an awaitable is required@0.0");
    done_with(loop);
}

/* next() after the last one */
static asy_status exhausted_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        void *none[1];
        asy_as_completed *ac = asy_as_completed_new(0, none, ASY_NO_TIMEOUT);
        asy_coro *next = asy_as_completed_next(ac);
        asy_decref(ac); /* the coroutine needs nothing from it */
        ASY_AWAIT_TRY(co, next);
    }
    note("%s", ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : "no error");
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void test_exhausted_iterator(void)
{
    asy_loop *loop = vloop();
    asy_result r = asy_loop_run_until_complete(loop, asy_coro_new(sizeof(asy_coro), exhausted_body, "main"));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "RuntimeError: coroutine raised StopIteration");
    done_with(loop);
}

static void test_dropped_early_tasks_run_on(void)
{
    asy_loop *loop = vloop();
    run_consume(loop, three_jobs, 3, 10, 1); /* break after the first */
    CHECK_STR_EQ(trace, "left=3 'b'@1.0");
    CHECK_INT_EQ(asy_all_tasks(loop, NULL, 0, NULL), 2);
    finish_all(loop); /* their callbacks find nobody; the timer went with the object */
    CHECK_INT_EQ(asy_all_tasks(loop, NULL, 0, NULL), 0);
    CHECK_STR_EQ(trace, "left=3 'b'@1.0");
    done_with(loop);
}

/* Two consumers share one iterator; one is cancelled while queued. */
typedef struct {
    asy_coro co;
    const char *name;
    asy_as_completed *ac; /* owned */
} one_frame;

static asy_status one_body(asy_coro *co)
{
    one_frame *f = (one_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
    note("%s: %s@%s", f->name, ASY_EXC(co) ? ASY_EXC_STR(ASY_EXC(co)) : ASY_REPR(ASY_SENT(co)),
         ASY_STR(asy_float(now())));
    ASY_END(co); /* an exception goes on */
}
static void one_clear(asy_gen *g) { asy_decref(((one_frame *)g)->ac); }
static asy_coro *one(const char *name, asy_as_completed *ac)
{
    one_frame *f = ASY_CORO_NEW(one_frame, one_body, "one");
    f->name = name;
    f->ac = asy_incref(ac);
    asy_gen_set_clear(&f->co, one_clear);
    return &f->co;
}

static asy_exc *cancel_task(asy_value arg)
{
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static void test_cancelled_await_leaves_the_result_to_the_next(void)
{
    asy_loop *loop = vloop();
    void *aws[] = {asy_loop_create_task(loop, job("a", 2, false), NULL, NULL),
                   asy_loop_create_task(loop, job("b", 3, false), NULL, NULL),
                   asy_loop_create_task(loop, job("c", 4, false), NULL, NULL)};
    asy_as_completed *ac = asy_as_completed_new(3, aws, ASY_NO_TIMEOUT);
    asy_task *c1 = asy_loop_create_task(loop, one("c1", ac), NULL, NULL);
    asy_task *c2 = asy_loop_create_task(loop, one("c2", ac), NULL, NULL);
    asy_task *c3 = asy_loop_create_task(loop, one("c3", ac), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(c1), NULL));
    finish_all(loop);
    CHECK_STR_EQ(trace, "c1: CancelledError@1.0 c2: 'a'@2.0 c3: 'b'@3.0");
    CHECK(asy_future_cancelled(&c1->fut));
    CHECK_INT_EQ(asy_as_completed_left(ac), 0); /* c's result is queued, never taken */
    asy_decref(c1);
    asy_decref(c2);
    asy_decref(c3);
    asy_decref(ac);
    done_with(loop);
}

/* A consumer woken (its getter has a result) but cancelled before it
 * resumes passes the wakeup on to the next consumer (Queue.get's except
 * clause), so the result is not stranded. */
static asy_exc *cancel_consumer(asy_future *fut, asy_value arg)
{
    (void)fut;
    note("cancel c1 -> %s", asy_task_cancel(asy_value_task(arg), NULL) ? "True" : "False");
    return NULL;
}

static void test_woken_then_cancelled_passes_the_wakeup_on(void)
{
    asy_loop *loop = vloop();
    asy_future *f1 = asy_future_new(loop), *f2 = asy_future_new(loop);
    void *aws[] = {asy_incref(f1), asy_incref(f2)};
    asy_as_completed *ac = asy_as_completed_new(2, aws, ASY_NO_TIMEOUT);
    asy_task *c1 = asy_loop_create_task(loop, one("c1", ac), NULL, NULL);
    asy_task *c2 = asy_loop_create_task(loop, one("c2", ac), NULL, NULL);
    CHECK_NULL(asy_loop_run_once(loop)); /* both wait on their getters */
    /* f1's callbacks run in one go: as_completed's wakes c1's getter, then
     * this one cancels c1 before c1 could resume */
    CHECK_NULL(asy_future_add_done_callback(f1, cancel_consumer, asy_task_value(c1)));
    asy_decref(asy_future_set_result(f1, asy_str("r")));
    finish_all(loop);
    CHECK_STR_EQ(trace, "cancel c1 -> True c1: CancelledError@0.0 c2: 'r'@0.0");
    CHECK(asy_future_cancelled(&c1->fut));
    CHECK(asy_future_done(&c2->fut) && !asy_future_cancelled(&c2->fut));
    asy_decref(c1);
    asy_decref(c2);
    asy_decref(ac);
    asy_decref(f1);
    asy_decref(f2); /* never completed: its callback goes with it */
    done_with(loop);
}

/* ---- many futures ----
 * async def many():
 *     futs = [loop.create_future() for _ in range(N)]
 *     aws = [futs[(7919 * k) % N] for k in range(N)]      # a permutation
 *     aws += [aws[(31 * k) % N] for k in range(N // 2)]    # then duplicates
 *     it = as_completed(aws, timeout=5)
 *     for five batches of 1000 (one batch a second):
 *         set the results of futs[(3571 * j) % N] (rank 1234 raises)
 *         take 1000 results: each must be the next one by rank
 *     the rest: each await raises TimeoutError at 5.0
 * Completion order, argument order and the duplicates all differ. */
enum { MANY = 10000, MANY_ARGS = MANY + MANY / 2, MANY_BATCH = 1000, MANY_BEFORE = 5 * MANY_BATCH };

typedef struct {
    asy_coro co;
    asy_future **futs;     /* the test's array; it releases them */
    asy_as_completed *ac;  /* owned */
    size_t j, taken, wrong, timeouts, left_at_start;
    double timeout_at;
} many_frame;

static size_t completion(size_t j) { return (3571 * j) % MANY; }

static asy_status many_body(asy_coro *co)
{
    many_frame *f = (many_frame *)co;
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        void **aws = calloc(MANY_ARGS, sizeof *aws);
        size_t *arg_fut = calloc(MANY_ARGS, sizeof *arg_fut);
        CHECK_FATAL(aws != NULL && arg_fut != NULL);
        for (size_t i = 0; i < MANY; i++)
            f->futs[i] = asy_future_new(loop);
        for (size_t k = 0; k < MANY_ARGS; k++) {
            arg_fut[k] = k < MANY ? (7919 * k) % MANY : arg_fut[(31 * (k - MANY)) % MANY];
            aws[k] = asy_incref(f->futs[arg_fut[k]]); /* stolen, one each */
        }
        f->ac = asy_as_completed_new(MANY_ARGS, aws, 5.0);
        free(aws);
        free(arg_fut);
        f->left_at_start = asy_as_completed_left(f->ac);
    }
    for (f->j = 0; f->j < MANY_BEFORE; f->j++) {
        size_t i = completion(f->j);
        if (f->j == 1234)
            asy_decref(asy_future_set_exception(f->futs[i], asy_exc_new(&asy_ValueError, "rank 1234")));
        else
            asy_decref(asy_future_set_result(f->futs[i], asy_int((long long)i)));
        if ((f->j + 1) % MANY_BATCH != 0)
            continue;
        for (f->taken = f->j + 1 - MANY_BATCH; f->taken <= f->j; f->taken++) {
            ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
            if (f->taken == 1234) {
                f->wrong += ASY_EXC(co) == NULL || strcmp(ASY_EXC_STR(ASY_EXC(co)), "ValueError: rank 1234") != 0;
                asy_decref(ASY_CATCH(co));
            } else if (ASY_EXC(co) != NULL) {
                f->wrong++;
                asy_decref(ASY_CATCH(co));
            } else {
                f->wrong += ASY_SENT(co).kind != ASY_INT || ASY_SENT(co).u.i != (long long)completion(f->taken);
            }
        }
        ASY_AWAIT(co, asy_sleep(1, asy_none()));
    }
    while (asy_as_completed_left(f->ac) > 0) {
        ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
        if (ASY_EXC(co) != NULL && asy_exc_is(ASY_EXC(co), &asy_TimeoutError)) {
            if (f->timeouts++ == 0)
                f->timeout_at = now();
        } else {
            f->wrong++;
        }
        asy_decref(ASY_CATCH(co));
    }
    ASY_END(co);
}

static void many_clear(asy_gen *gen) { asy_decref(((many_frame *)gen)->ac); }

static void test_many_futures_with_duplicates_come_in_completion_order(void)
{
    asy_loop *loop = vloop();
    static asy_future *futs[MANY];
    many_frame *f = ASY_CORO_NEW(many_frame, many_body, "many");
    asy_gen_set_clear(&f->co, many_clear);
    f->futs = futs;
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(f));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK_INT_EQ(f->left_at_start, MANY); /* set(aws): duplicates counted once */
    CHECK_INT_EQ(f->wrong, 0);
    CHECK_INT_EQ(f->timeouts, MANY - MANY_BEFORE);
    CHECK_DBL_NEAR(f->timeout_at, 5.0, 1e-9);
    asy_decref(f);
    size_t callbacks = 0;
    for (size_t i = 0; i < MANY; i++) {
        callbacks += futs[i]->ncbs; /* the timeout took the rest's callbacks back */
        if (!asy_future_done(futs[i]))
            asy_future_cancel(futs[i], NULL);
        asy_decref(futs[i]);
    }
    CHECK_INT_EQ(callbacks, 0);
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"results come in completion order", test_results_in_completion_order},
        {"an exception is raised by the await that takes it; the others go on",
         test_exception_raised_by_the_await_that_takes_it},
        {"a timeout raises TimeoutError for the rest and cancels nothing",
         test_timeout_raises_for_the_rest_and_cancels_nothing},
        {"timeout=-inf or NaN expires at once", test_minus_inf_and_nan_timeouts_expire_at_once},
        {"results that came in before the timeout are handed out first", test_results_before_the_timeout_come_first},
        {"two iterators over one future: a timeout removes only its own callback",
         test_a_timeout_removes_only_its_own_callbacks},
        {"the same awaitable twice counts once", test_same_awaitable_twice_counts_once},
        {"futures done already come out after one turn", test_futures_done_already},
        {"nothing to wait for: no awaits, no timer", test_nothing_to_wait_for},
        {"a bad argument raises at the first await", test_bad_argument_raises_at_the_first_await},
        {"next() past the end: RuntimeError: coroutine raised StopIteration", test_exhausted_iterator},
        {"dropped early (break): the tasks run on, nothing leaks", test_dropped_early_tasks_run_on},
        {"an await cancelled while queued leaves the results to the next ones",
         test_cancelled_await_leaves_the_result_to_the_next},
        {"a consumer woken then cancelled passes the result on to the next",
         test_woken_then_cancelled_passes_the_wakeup_on},
        {"10k futures with duplicates: completion order, then TimeoutError for the rest at 5.0",
         test_many_futures_with_duplicates_come_in_completion_order},
        {NULL, NULL},
    };
    return check_main("as_completed", tests, argc, argv);
}
