/*
 * test_wait.c - wait (chapter 15), on the virtual clock: ALL_COMPLETED,
 * FIRST_COMPLETED, FIRST_EXCEPTION, a timeout that cancels nothing, the
 * errors of 3.11 (empty set, coroutines, bad return_when), futures done
 * already, duplicates, two waits on one task, and a cancelled wait. When
 * wait returns, the futures it watched have no callback of it left (its
 * finally removes them, and only them: fut->ncbs tells).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "vloop.h"
#include "wait.h"
#include "task.h"

/* async def job(name, delay, fail): sleep; note; raise or return name */
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
    note("%s@%s", f->name, ASY_STR(asy_float(now())));
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_task *job(asy_loop *loop, const char *name, double delay, bool fail)
{
    job_frame *f = ASY_CORO_NEW(job_frame, job_body, "job");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    asy_task *t = asy_loop_create_task(loop, &f->co, name, NULL);
    return t;
}

/* Names of the tasks in a list, "[a b]". */
static const char *names(asy_list *l, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "[");
    for (size_t i = 0; l != NULL && i < asy_list_len(l) && len < size; i++) {
        asy_task *t = asy_value_task(asy_list_get(l, i));
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", t ? asy_task_get_name(t) : "?");
    }
    if (len < size)
        snprintf(buf + len, size - len, "]");
    return buf;
}
#define NAMES(l) names((l), (char[128]){0}, 128)

/* Run asy_wait(...) to its end; the trace gets "done=[..] pending=[..]@t"
 * or "raised <exc>@t". */
static void run_wait(asy_loop *loop, asy_coro *wait)
{
    asy_result r = asy_loop_run_until_complete(loop, wait);
    const char *t = ASY_STR(asy_float(asy_loop_time(loop)));
    if (r.status == ASY_RETURNED)
        note("done=%s pending=%s@%s", NAMES(asy_wait_done(r.value)), NAMES(asy_wait_pending(r.value)), t);
    else
        note("raised %s@%s", ASY_EXC_STR(r.exc), t);
    asy_result_clear(&r);
}

static void finish_all(asy_loop *loop)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(100, asy_none()));
    asy_result_clear(&r);
}

static void test_all_completed_waits_for_every_one(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 2, false), *b = job(loop, "b", 1, true);
    void *fs[] = {a, b};
    run_wait(loop, asy_wait(2, fs, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "b@1.0 a@2.0 done=[a b] pending=[]@2.0");
    /* the result is a list of two lists of the very tasks we passed */
    asy_value v;
    CHECK_NULL(asy_future_result(&a->fut, &v));
    CHECK_STR_EQ(ASY_REPR(v), "'a'");
    asy_value_decref(v);
    asy_exc *e = asy_future_result(&b->fut, &v); /* wait does not look at it */
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "ValueError: b");
    asy_decref(e);
    asy_decref(a);
    asy_decref(b);
    done_with(loop);
}

static void test_result_shape(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 1, false);
    void *fs[] = {a};
    asy_result r = asy_loop_run_until_complete(loop, asy_wait(1, fs, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_list *both = asy_value_list(r.value);
    CHECK_FATAL(both != NULL);
    CHECK_INT_EQ(asy_list_len(both), 2);
    CHECK_FATAL(asy_wait_done(r.value) != NULL);
    CHECK(asy_list_contains(asy_wait_done(r.value), asy_obj_value(a))); /* task in done */
    CHECK_INT_EQ(asy_list_len(asy_wait_pending(r.value)), 0);
    CHECK(asy_wait_done(asy_int(1)) == NULL);
    asy_result_clear(&r);
    asy_decref(a);
    done_with(loop);
}

static void test_first_completed_returns_at_the_first(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 3, false), *b = job(loop, "b", 1, false), *c = job(loop, "c", 2, false);
    void *fs[] = {a, b, c};
    run_wait(loop, asy_wait(3, fs, ASY_NO_TIMEOUT, ASY_FIRST_COMPLETED));
    CHECK_STR_EQ(trace, "b@1.0 done=[b] pending=[a c]@1.0");
    CHECK_INT_EQ(a->fut.ncbs, 0); /* finally: f.remove_done_callback(_on_completion) */
    CHECK_INT_EQ(c->fut.ncbs, 0);
    /* nothing was cancelled: the others finish later */
    finish_all(loop);
    CHECK_STR_EQ(trace, "b@1.0 done=[b] pending=[a c]@1.0 c@2.0 a@3.0");
    asy_decref(a);
    asy_decref(b);
    asy_decref(c);
    done_with(loop);
}

static void test_first_completed_counts_a_cancellation(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 3, false), *b = job(loop, "b", 2, false);
    CHECK_NULL(asy_loop_run_once(loop)); /* both start sleeping */
    asy_task_cancel(b, NULL);
    void *fs[] = {a, b};
    run_wait(loop, asy_wait(2, fs, ASY_NO_TIMEOUT, ASY_FIRST_COMPLETED));
    CHECK_STR_EQ(trace, "b cancelled@0.0 done=[b] pending=[a]@0.0");
    finish_all(loop);
    asy_decref(a);
    asy_decref(b);
    done_with(loop);
}

static void test_first_exception_returns_at_the_first_failure(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 1, false), *b = job(loop, "b", 2, true), *c = job(loop, "c", 3, false);
    void *fs[] = {a, b, c};
    run_wait(loop, asy_wait(3, fs, ASY_NO_TIMEOUT, ASY_FIRST_EXCEPTION));
    /* a's success does not end it; b's failure does, at 2.0 */
    CHECK_STR_EQ(trace, "a@1.0 b@2.0 done=[a b] pending=[c]@2.0");
    finish_all(loop);
    asy_decref(a);
    asy_decref(b); /* its exception was looked at by wait: no report */
    asy_decref(c);
    CHECK_STR_EQ(trace, "a@1.0 b@2.0 done=[a b] pending=[c]@2.0 c@3.0");
    done_with(loop);
}

static void test_first_exception_without_one_is_all_completed(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 1, false), *b = job(loop, "b", 2, false);
    CHECK_NULL(asy_loop_run_once(loop));
    asy_task_cancel(a, NULL); /* a cancellation is not an exception */
    void *fs[] = {a, b};
    run_wait(loop, asy_wait(2, fs, ASY_NO_TIMEOUT, ASY_FIRST_EXCEPTION));
    CHECK_STR_EQ(trace, "a cancelled@0.0 b@2.0 done=[a b] pending=[]@2.0");
    asy_decref(a);
    asy_decref(b);
    done_with(loop);
}

static void test_timeout_returns_pending_and_cancels_nothing(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 1, false), *b = job(loop, "b", 5, false);
    void *fs[] = {a, b};
    run_wait(loop, asy_wait(2, fs, 2.5, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "a@1.0 done=[a] pending=[b]@2.5");
    CHECK(!asy_future_done(&b->fut));
    CHECK_INT_EQ(b->fut.ncbs, 0); /* the timeout took wait's callback off b too */
    finish_all(loop);
    CHECK_STR_EQ(trace, "a@1.0 done=[a] pending=[b]@2.5 b@5.0");
    asy_decref(a);
    asy_decref(b);

    /* everything done before the timeout: it returns then, and the timer
     * is gone (done_with checks nothing is scheduled) */
    trace_reset();
    a = job(loop, "a", 1, false);
    void *fs2[] = {a};
    run_wait(loop, asy_wait(1, fs2, 60, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "a@103.5 done=[a] pending=[]@103.5");
    asy_decref(a);
    done_with(loop);
}

static void test_wait_list_waits_on_the_futures_of_a_list(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 1, false), *b = job(loop, "b", 3, false);
    void *fs[] = {a, b};
    asy_result r = asy_loop_run_until_complete(loop, asy_wait(2, fs, 2, ASY_ALL_COMPLETED));
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_list *pending = asy_incref(asy_wait_pending(r.value));
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_list_len(pending), 1);
    /* while pending: done, pending = await wait(pending) */
    run_wait(loop, asy_wait_list(pending, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "a@1.0 b@3.0 done=[b] pending=[]@3.0");
    asy_decref(pending);
    /* anything in the list that is not a future is refused */
    trace_reset();
    asy_list *bad = asy_list_new();
    asy_list_append(bad, asy_int(1));
    run_wait(loop, asy_wait_list(bad, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "raised TypeError: An asyncio.Future, a coroutine or an awaitable is required@3.0");
    asy_decref(bad);
    asy_decref(a);
    asy_decref(b);
    done_with(loop);
}

static void test_timeout_zero_with_nothing_done(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 1, false);
    void *fs[] = {a};
    run_wait(loop, asy_wait(1, fs, 0, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "done=[] pending=[a]@0.0");
    CHECK_INT_EQ(a->fut.ncbs, 0);
    finish_all(loop);
    asy_decref(a);
    done_with(loop);
}

static void test_minus_inf_and_nan_timeouts_return_at_once(void)
{
    /* Not "no timeout": CPython hands -inf and NaN to call_later, whose
     * timer is due at the next turn. Only +inf (ASY_NO_TIMEOUT) is None. */
    static const double timeouts[] = {-INFINITY, NAN};
    for (int i = 0; i < 2; i++) {
        asy_loop *loop = vloop();
        asy_task *a = job(loop, "a", 1, false);
        void *fs[] = {a};
        run_wait(loop, asy_wait(1, fs, timeouts[i], ASY_ALL_COMPLETED));
        CHECK_STR_EQ(trace, "done=[] pending=[a]@0.0");
        CHECK_INT_EQ(a->fut.ncbs, 0);
        finish_all(loop);
        asy_decref(a);
        done_with(loop);
    }
}

static void test_errors_have_python_messages(void)
{
    asy_loop *loop = vloop();
    run_wait(loop, asy_wait(0, NULL, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "raised ValueError: Set of Tasks/Futures is empty.@0.0");

    trace_reset();
    asy_task *a = job(loop, "a", 1, false);
    void *fs[] = {a};
    run_wait(loop, asy_wait(1, fs, ASY_NO_TIMEOUT, (asy_return_when)7));
    CHECK_STR_EQ(trace, "raised ValueError: Invalid return_when value: 7@0.0");

    trace_reset();
    asy_coro *co = asy_sleep(1, asy_none());
    void *fs2[] = {a, co};
    run_wait(loop, asy_wait(2, fs2, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "raised TypeError: Passing coroutines is forbidden, use tasks explicitly.@0.0");
    asy_decref(asy_gen_close(co)); /* ours: wait borrowed it */
    asy_decref(co);

    trace_reset();
    asy_value s = asy_str("not a future");
    void *fs3[] = {s.u.o};
    run_wait(loop, asy_wait(1, fs3, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    CHECK_STR_EQ(trace, "raised TypeError: An asyncio.Future, a coroutine or an awaitable is required@0.0");
    asy_value_decref(s);

    /* outside a running loop: RuntimeError at the first step */
    asy_coro *w = asy_wait(1, fs, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED);
    asy_result r = asy_gen_send(w, asy_none());
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RuntimeError: no running event loop");
    asy_result_clear(&r);
    asy_decref(w);

    finish_all(loop);
    asy_decref(a);
    done_with(loop);
}

static void test_futures_done_already_return_after_one_turn(void)
{
    asy_loop *loop = vloop();
    asy_future *f1 = asy_future_new(loop), *f2 = asy_future_new(loop);
    asy_decref(asy_future_set_result(f1, asy_int(1)));
    asy_decref(asy_future_set_exception(f2, asy_exc_new(&asy_OSError, "x")));
    void *fs[] = {f1, f2, f1}; /* a duplicate: counted once */
    asy_result r = asy_loop_run_until_complete(loop, asy_wait(3, fs, ASY_NO_TIMEOUT, ASY_FIRST_EXCEPTION));
    CHECK_FATAL(r.status == ASY_RETURNED);
    CHECK_INT_EQ(asy_list_len(asy_wait_done(r.value)), 2);
    CHECK_INT_EQ(asy_list_len(asy_wait_pending(r.value)), 0);
    asy_result_clear(&r);
    asy_decref(f1);
    asy_decref(f2); /* FIRST_EXCEPTION looked at its exception: not reported */
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

/* async def waiter(name, fs..., return_when): done, pending = await wait(...) */
typedef struct {
    asy_coro co;
    const char *name;
    asy_task *t; /* owned */
} waiter_frame;

static asy_status waiter_body(asy_coro *co)
{
    waiter_frame *f = (waiter_frame *)co;
    ASY_BEGIN(co);
    {
        void *fs[] = {f->t};
        ASY_AWAIT_TRY(co, asy_wait(1, fs, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    }
    if (ASY_EXC(co) != NULL) {
        note("%s: %s@%s", f->name, ASY_EXC_STR(ASY_EXC(co)), ASY_STR(asy_float(now())));
        ASY_RERAISE(co);
    }
    note("%s woke with %s@%s", f->name, NAMES(asy_wait_done(ASY_SENT(co))), ASY_STR(asy_float(now())));
    ASY_END(co);
}
static void waiter_clear(asy_gen *g) { asy_decref(((waiter_frame *)g)->t); }
static asy_coro *waiter(const char *name, asy_task *t)
{
    waiter_frame *f = ASY_CORO_NEW(waiter_frame, waiter_body, "waiter");
    f->name = name;
    f->t = asy_incref(t);
    asy_gen_set_clear(&f->co, waiter_clear);
    return &f->co;
}

static asy_exc *cancel_task(asy_value arg)
{
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static asy_exc *count_callbacks(asy_value arg)
{
    note("a has %u callback(s)@%s", asy_value_future(arg)->ncbs, ASY_STR(asy_float(now())));
    return NULL;
}

static void test_two_waits_on_one_task_both_wake(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 2, false);
    asy_task *w1 = asy_loop_create_task(loop, waiter("w1", a), NULL, NULL);
    asy_task *w2 = asy_loop_create_task(loop, waiter("w2", a), NULL, NULL);
    /* w1 is cancelled first: its wait removes its own callback, not w2's */
    asy_decref(asy_loop_call_later(loop, 0.5, count_callbacks, asy_task_value(a), NULL));
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(w1), NULL));
    asy_decref(asy_loop_call_later(loop, 1.5, count_callbacks, asy_task_value(a), NULL));
    finish_all(loop);
    CHECK_STR_EQ(trace, "a has 2 callback(s)@0.5 w1: CancelledError@1.0 a has 1 callback(s)@1.5 "
                        "a@2.0 w2 woke with [a]@2.0");
    CHECK(!asy_future_cancelled(&a->fut)); /* wait never cancels what it waits for */
    asy_decref(a);
    asy_decref(w1);
    asy_decref(w2);
    done_with(loop);
}

static void test_a_wait_abandoned_at_close_leaks_nothing(void)
{
    asy_loop *loop = vloop();
    asy_task *a = job(loop, "a", 10, false);
    asy_task *w = asy_loop_create_task(loop, waiter("w", a), NULL, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_NULL(asy_loop_run_once(loop));
    asy_decref(a);
    asy_decref(w);
    CHECK_NULL(asy_loop_close(loop)); /* both pending: reported, closed */
    asy_decref(loop);
    CHECK_STR_EQ(trace, "[Task was destroyed but it is pending!] a cancelled@-1.0 "
                        "[Task was destroyed but it is pending!] w: GeneratorExit@-1.0");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- many futures ----
 * async def many():
 *     futs = [loop.create_future() for _ in range(N)]
 *     fs = [futs[(7919 * k) % N] for k in range(N)]       # a permutation
 *     fs += [fs[(31 * k) % N] for k in range(N // 2)]      # then duplicates
 *     w = create_task(wait(fs, return_when=FIRST_EXCEPTION))
 *     await sleep(0)
 *     for three batches of 1000: set the results of futs[(3571 * j) % N]
 *         (rank 2500 raises), await sleep(0) between batches
 *     return await w
 * done and pending each list every future once, in the order of its first
 * appearance in fs; done is exactly the first 3000 by completion rank. */
enum { MANY = 10000, MANY_ARGS = MANY + MANY / 2, MANY_BATCH = 1000 };

typedef struct {
    asy_coro co;
    asy_future **futs; /* the test's: it releases them after its checks */
    size_t *arg_fut;   /* the test's: fs[k] is futs[arg_fut[k]] */
    asy_task *w;       /* owned */
    size_t j;
} many_frame;

static size_t completion(size_t j) { return (3571 * j) % MANY; }

static asy_status many_body(asy_coro *co)
{
    many_frame *f = (many_frame *)co;
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        void **fs = calloc(MANY_ARGS, sizeof *fs);
        CHECK_FATAL(fs != NULL);
        for (size_t i = 0; i < MANY; i++)
            f->futs[i] = asy_future_new(loop);
        for (size_t k = 0; k < MANY_ARGS; k++) {
            f->arg_fut[k] = k < MANY ? (7919 * k) % MANY : f->arg_fut[(31 * (k - MANY)) % MANY];
            fs[k] = f->futs[f->arg_fut[k]]; /* borrowed by wait */
        }
        asy_exc *err = NULL;
        f->w = asy_loop_create_task(loop, asy_wait(MANY_ARGS, fs, ASY_NO_TIMEOUT, ASY_FIRST_EXCEPTION), NULL, &err);
        free(fs);
        CHECK_NULL(err);
        if (err != NULL)
            ASY_RAISE(co, err);
    }
    ASY_AWAIT(co, asy_sleep(0, asy_none())); /* wait() puts its callbacks on */
    for (f->j = 0; f->j < 3 * MANY_BATCH; f->j++) {
        size_t i = completion(f->j);
        if (f->j == 2500)
            asy_decref(asy_future_set_exception(f->futs[i], asy_exc_new(&asy_ValueError, "rank 2500")));
        else
            asy_decref(asy_future_set_result(f->futs[i], asy_int((long long)i)));
        if ((f->j + 1) % MANY_BATCH == 0 && f->j + 1 < 3 * MANY_BATCH)
            ASY_AWAIT(co, asy_sleep(0, asy_none()));
    }
    ASY_AWAIT(co, asy_incref(f->w));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void many_clear(asy_gen *gen) { asy_decref(((many_frame *)gen)->w); }

static void test_many_futures_with_duplicates_split_in_argument_order(void)
{
    asy_loop *loop = vloop();
    many_frame *f = ASY_CORO_NEW(many_frame, many_body, "many");
    asy_gen_set_clear(&f->co, many_clear);
    static asy_future *futs[MANY];
    static size_t arg_fut[MANY_ARGS];
    f->futs = futs;
    f->arg_fut = arg_fut;
    asy_result r = asy_loop_run_until_complete(loop, f);
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_list *done = asy_wait_done(r.value), *pending = asy_wait_pending(r.value);
    CHECK_FATAL(done != NULL && pending != NULL);
    CHECK_INT_EQ(asy_list_len(done), 3 * MANY_BATCH);
    CHECK_INT_EQ(asy_list_len(pending), MANY - 3 * MANY_BATCH);

    /* the expected lists: fs without its duplicates, split by rank */
    static size_t rank_of[MANY];
    static bool seen[MANY];
    for (size_t j = 0; j < MANY; j++)
        rank_of[completion(j)] = j;
    memset(seen, 0, sizeof seen);
    size_t nd = 0, np = 0, wrong = 0, callbacks = 0;
    for (size_t k = 0; k < MANY_ARGS; k++) {
        size_t i = arg_fut[k];
        if (seen[i])
            continue;
        seen[i] = true;
        bool is_done = rank_of[i] < 3 * MANY_BATCH;
        asy_list *l = is_done ? done : pending;
        size_t at = is_done ? nd++ : np++;
        wrong += at >= asy_list_len(l) || asy_value_future(asy_list_get(l, at)) != futs[i];
    }
    for (size_t i = 0; i < MANY; i++)
        callbacks += futs[i]->ncbs; /* wait took every callback of its own back */
    CHECK_INT_EQ(wrong, 0);
    CHECK_INT_EQ(callbacks, 0);
    asy_result_clear(&r);
    for (size_t i = 0; i < MANY; i++) {
        if (!asy_future_done(futs[i])) {
            asy_future_cancel(futs[i], NULL); /* a pending one: let it end quietly */
        } else {
            asy_exc *e = NULL;
            asy_decref(asy_future_exception(futs[i], &e)); /* rank 2500's: retrieved */
            asy_decref(e);
        }
        asy_decref(futs[i]);
    }
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"ALL_COMPLETED waits for every one (exceptions are not raised)", test_all_completed_waits_for_every_one},
        {"the result is [done, pending], lists of the very tasks given", test_result_shape},
        {"FIRST_COMPLETED returns at the first; the others run on", test_first_completed_returns_at_the_first},
        {"FIRST_COMPLETED counts a cancelled task as completed", test_first_completed_counts_a_cancellation},
        {"FIRST_EXCEPTION returns at the first failure", test_first_exception_returns_at_the_first_failure},
        {"FIRST_EXCEPTION with no exception is ALL_COMPLETED; a cancel is no exception",
         test_first_exception_without_one_is_all_completed},
        {"a timeout returns what is pending and cancels nothing", test_timeout_returns_pending_and_cancels_nothing},
        {"timeout=0 returns at once with everything pending", test_timeout_zero_with_nothing_done},
        {"timeout=-inf or NaN returns at once", test_minus_inf_and_nan_timeouts_return_at_once},
        {"wait_list waits on the futures of a list (the pending half)", test_wait_list_waits_on_the_futures_of_a_list},
        {"errors: empty, bad return_when, coroutines, non-futures, no loop", test_errors_have_python_messages},
        {"futures already done: wait returns after one turn; duplicates count once",
         test_futures_done_already_return_after_one_turn},
        {"two waits on one task: cancelling one removes its callback, not the other's",
         test_two_waits_on_one_task_both_wake},
        {"a wait abandoned when its loop closes leaks nothing", test_a_wait_abandoned_at_close_leaks_nothing},
        {"10k futures with duplicates: done and pending in first-appearance order, FIRST_EXCEPTION",
         test_many_futures_with_duplicates_split_in_argument_order},
        {NULL, NULL},
    };
    return check_main("wait", tests, argc, argv);
}
