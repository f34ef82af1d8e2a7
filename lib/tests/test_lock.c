/*
 * test_lock.c - asyncio.Lock (chapter 20) on the virtual clock: the fast
 * path, FIFO fairness, waiters cancelled while queued and right after they
 * were woken (no wake-up lost), no barging, the `async with` idiom on
 * every path, loop binding, and a waiter whose loop closes under it.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "lock.h"
#include "task.h"

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s]", ctx->message);
}

static asy_loop *vloop(void)
{
    trace_reset();
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    return loop != NULL ? asy_loop_time(loop) : -1.0;
}

#define CHECK_ERR(call, text)                                          \
    do {                                                               \
        asy_exc *e_ = (call);                                          \
        CHECK_STR_EQ(e_ != NULL ? ASY_EXC_STR(e_) : "no error", text); \
        asy_decref(e_);                                                \
    } while (0)

/* async def locker(name, lock, hold):
 *     note(f"{name}?")
 *     async with lock:
 *         note(f"{name}+@{now}")
 *         try: await asyncio.sleep(hold)   (misuse 2: await failing())
 *         except BaseException as e: note(f"{name}!{e!r}"); raise
 *     note(f"{name}-@{now}")          (C: noted on every path, after release) */
typedef struct {
    asy_coro co;
    asy_lock *lock;
    const char *name;
    double hold;
    int misuse; /* 1: the body releases the lock itself; 2: the body raises */
} locker_frame;

/* async def failing(): raise ValueError("body failed") */
static asy_status failing_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "body failed"));
    ASY_END(co);
}
static asy_coro *failing(void) { return asy_coro_new(sizeof(asy_coro), failing_body, "failing"); }

static asy_status locker_body(asy_coro *co)
{
    locker_frame *f = (locker_frame *)co;
    ASY_BEGIN(co);
    note("%s?", f->name);
    ASY_AWAIT(co, asy_lock_acquire(f->lock));
    note("%s+@%.1f", f->name, now());
    if (f->misuse == 1)
        asy_decref(asy_lock_release(f->lock));
    ASY_AWAIT_TRY(co, f->misuse == 2 ? failing() : asy_sleep(f->hold, asy_none()));
    if (ASY_EXC(co) != NULL)
        note("%s!%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
    ASY_RAISE_IF(co, asy_lock_release(f->lock));
    note("%s-@%.1f", f->name, now());
    ASY_END(co);
}

static void locker_clear(asy_gen *g) { asy_decref(((locker_frame *)g)->lock); }

static asy_coro *locker(const char *name, asy_lock *lock, double hold)
{
    locker_frame *f = ASY_CORO_NEW(locker_frame, locker_body, "locker");
    f->lock = asy_incref(lock);
    f->name = name;
    f->hold = hold;
    asy_gen_set_clear(&f->co, locker_clear);
    return &f->co;
}

static asy_exc *release_lock(asy_value arg)
{
    note("release@%.1f", now());
    asy_decref(asy_lock_release(asy_value_lock(arg)));
    return NULL;
}

static asy_exc *cancel_task(asy_value arg)
{
    asy_task *t = asy_value_task(arg);
    note("cancel %s", asy_task_get_name(t));
    asy_task_cancel(t, NULL);
    return NULL;
}

/* Run the loop until every task of tasks[] is done, then drop them. */
static void run_all(asy_loop *loop, asy_task **tasks, int n)
{
    for (int i = 0; i < n; i++) {
        asy_result r = asy_loop_run_until_complete(loop, asy_incref(tasks[i]));
        asy_result_clear(&r);
    }
    for (int i = 0; i < n; i++)
        asy_decref(tasks[i]);
}

static void test_fast_path_and_release_misuse(void)
{
    asy_lock *lock = asy_lock_new();
    CHECK(!asy_lock_locked(lock));
    CHECK(strstr(ASY_REPR(asy_obj_value(lock)), "<asyncio.locks.Lock object at 0x") != NULL);
    CHECK(strstr(ASY_REPR(asy_obj_value(lock)), " [unlocked]>") != NULL);
    /* A free lock is taken in one step, without a loop and without
     * suspending: the coroutine returns True at the first send. */
    asy_coro *co = asy_lock_acquire(lock);
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "True");
    asy_result_clear(&r);
    asy_decref(co);
    CHECK(asy_lock_locked(lock));
    CHECK(strstr(ASY_REPR(asy_obj_value(lock)), " [locked]>") != NULL);
    CHECK_NULL(asy_lock_release(lock));
    CHECK(!asy_lock_locked(lock));
    CHECK_ERR(asy_lock_release(lock), "RuntimeError: Lock is not acquired.");
    /* A taken lock needs a loop to wait on: outside one, RuntimeError. */
    co = asy_lock_acquire(lock);
    r = asy_gen_send(co, asy_none());
    asy_result_clear(&r);
    asy_decref(co);
    co = asy_lock_acquire(lock);
    r = asy_gen_send(co, asy_none());
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RuntimeError: no running event loop");
    asy_result_clear(&r);
    asy_decref(co);
    asy_decref(lock);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_waiters_get_the_lock_in_fifo_order(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    lock->locked = true; /* as if main had acquired it */
    asy_task *t[3] = {asy_loop_create_task(loop, locker("a", lock, 1), NULL, NULL),
                      asy_loop_create_task(loop, locker("b", lock, 1), NULL, NULL),
                      asy_loop_create_task(loop, locker("c", lock, 1), NULL, NULL)};
    asy_decref(asy_loop_call_later(loop, 1, release_lock, asy_lock_value(lock), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_INT_EQ(asy_lock_waiter_count(lock), 3);
    CHECK(strstr(ASY_REPR(asy_obj_value(lock)), " [locked, waiters:3]>") != NULL);
    run_all(loop, t, 3);
    CHECK_STR_EQ(trace, "a? b? c? release@1.0 a+@1.0 a-@2.0 b+@2.0 b-@3.0 c+@3.0 c-@4.0");
    CHECK(!asy_lock_locked(lock));
    CHECK_INT_EQ(asy_lock_waiter_count(lock), 0);
    asy_decref(lock);
    done_with(loop);
}

static void test_waiter_cancelled_while_queued_leaves_the_queue(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    lock->locked = true;
    asy_task *t[3] = {asy_loop_create_task(loop, locker("a", lock, 1), "a", NULL),
                      asy_loop_create_task(loop, locker("b", lock, 1), "b", NULL),
                      asy_loop_create_task(loop, locker("c", lock, 1), "c", NULL)};
    asy_decref(asy_loop_call_later(loop, 0.5, cancel_task, asy_task_value(t[1]), NULL));
    asy_decref(asy_loop_call_later(loop, 1, release_lock, asy_lock_value(lock), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(0.7, asy_none()));
    asy_result_clear(&r);
    CHECK(asy_future_cancelled(&t[1]->fut));
    CHECK_INT_EQ(asy_lock_waiter_count(lock), 2); /* b is gone */
    run_all(loop, t, 3);
    CHECK_STR_EQ(trace, "a? b? c? cancel b release@1.0 a+@1.0 a-@2.0 c+@2.0 c-@3.0");
    CHECK(!asy_lock_locked(lock));
    asy_decref(lock);
    done_with(loop);
}

/* release() and then cancel the waiter it woke, in one callback. */
static struct {
    asy_lock *lock;
    asy_task *victim;
} race;

static asy_exc *release_then_cancel(asy_value arg)
{
    (void)arg;
    note("release@%.1f", now());
    asy_decref(asy_lock_release(race.lock));
    note("cancel %s", asy_task_get_name(race.victim));
    asy_task_cancel(race.victim, NULL);
    return NULL;
}

static void test_woken_waiter_cancelled_passes_the_wakeup_on(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    lock->locked = true;
    asy_task *t[3] = {asy_loop_create_task(loop, locker("a", lock, 1), "a", NULL),
                      asy_loop_create_task(loop, locker("b", lock, 1), "b", NULL),
                      asy_loop_create_task(loop, locker("c", lock, 1), "c", NULL)};
    race.lock = lock;
    race.victim = t[0];
    asy_decref(asy_loop_call_later(loop, 1, release_then_cancel, asy_none(), NULL));
    run_all(loop, t, 3);
    /* a's future was done (woken) when the cancel came: a does not take
     * the lock, and on its way out it wakes b: the wake-up is not lost. */
    CHECK_STR_EQ(trace, "a? b? c? release@1.0 cancel a b+@1.0 b-@2.0 c+@2.0 c-@3.0");
    CHECK(!asy_lock_locked(lock));
    CHECK_INT_EQ(asy_lock_waiter_count(lock), 0);
    asy_decref(lock);
    done_with(loop);
}

/* A newcomer n is created, then release() wakes a, in one callback: n's
 * first step is queued before a's wake-up, so n finds the lock free while
 * a has not run yet. It must not take the lock. */
static asy_exc *release_and_newcomer(asy_value arg)
{
    (void)arg;
    race.victim = asy_create_task(locker("n", race.lock, 1), "n", NULL);
    note("release@%.1f", now());
    asy_decref(asy_lock_release(race.lock));
    return NULL;
}

static void test_a_newcomer_does_not_overtake_a_woken_waiter(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    lock->locked = true;
    race.lock = lock;
    race.victim = NULL;
    asy_task *a = asy_loop_create_task(loop, locker("a", lock, 1), "a", NULL);
    asy_decref(asy_loop_call_later(loop, 1, release_and_newcomer, asy_none(), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(5, asy_none()));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "a? release@1.0 n? a+@1.0 a-@2.0 n+@2.0 n-@3.0");
    asy_decref(a);
    asy_decref(race.victim);
    asy_decref(lock);
    done_with(loop);
}

static void test_async_with_releases_on_every_path(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    /* cancelled in the body: the release runs, the next waiter gets in */
    asy_task *t[2] = {asy_loop_create_task(loop, locker("h", lock, 10), "h", NULL),
                      asy_loop_create_task(loop, locker("w", lock, 1), "w", NULL)};
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(t[0]), NULL));
    run_all(loop, t, 2);
    CHECK_STR_EQ(trace, "h? h+@0.0 w? cancel h h!CancelledError h-@1.0 w+@1.0 w-@2.0");
    CHECK(!asy_lock_locked(lock));

    /* the body raises: released, and the exception goes on */
    trace_reset();
    locker_frame *f = (locker_frame *)locker("x", lock, 1);
    f->misuse = 2;
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "ValueError: body failed");
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "x? x+@2.0 x!ValueError: body failed x-@2.0"); /* the loop's clock went on */
    CHECK(!asy_lock_locked(lock));
    asy_decref(lock);
    done_with(loop);
}

static void test_release_inside_async_with_is_an_error_at_exit(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    locker_frame *f = (locker_frame *)locker("x", lock, 1);
    f->misuse = 1;
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    /* __aexit__'s release() finds the lock free */
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RuntimeError: Lock is not acquired.");
    CHECK_STR_EQ(trace, "x? x+@0.0");
    asy_result_clear(&r);
    asy_decref(lock);
    done_with(loop);
}

static void test_a_lock_is_bound_to_one_loop(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    asy_task *t[2] = {asy_loop_create_task(loop, locker("a", lock, 1), NULL, NULL),
                      asy_loop_create_task(loop, locker("b", lock, 1), NULL, NULL)};
    run_all(loop, t, 2); /* b waited: the lock is bound to this loop now */
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop); /* the lock keeps a reference to its loop */

    loop = vloop();
    /* a free lock needs no loop: the fast path works anywhere */
    asy_result r = asy_loop_run_until_complete(loop, asy_lock_acquire(lock));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    /* waiting needs a future on the bound loop: refused */
    r = asy_loop_run_until_complete(loop, asy_lock_acquire(lock));
    CHECK(r.exc != NULL && strstr(ASY_EXC_STR(r.exc), "RuntimeError: <asyncio.locks.Lock object at 0x") != NULL);
    CHECK(r.exc != NULL && strstr(ASY_EXC_STR(r.exc), "[locked]> is bound to a different event loop") != NULL);
    asy_result_clear(&r);
    asy_decref(lock);
    done_with(loop);
}

static void test_a_waiter_closed_with_its_loop_leaves_the_queue(void)
{
    asy_loop *loop = vloop();
    asy_lock *lock = asy_lock_new();
    lock->locked = true;
    asy_task *t = asy_loop_create_task(loop, locker("a", lock, 1), "a", NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_INT_EQ(asy_lock_waiter_count(lock), 1);
    asy_decref(t);
    CHECK_NULL(asy_loop_close(loop)); /* the task is abandoned, its coroutine closed */
    CHECK_STR_EQ(trace, "a? [Task was destroyed but it is pending!]");
    CHECK_INT_EQ(asy_lock_waiter_count(lock), 0);
    asy_decref(loop);
    asy_decref(lock);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a free lock is taken without suspending; releasing a free lock is RuntimeError",
         test_fast_path_and_release_misuse},
        {"waiters get the lock in FIFO order", test_waiters_get_the_lock_in_fifo_order},
        {"a waiter cancelled while queued leaves the queue", test_waiter_cancelled_while_queued_leaves_the_queue},
        {"a waiter cancelled right after release() woke it passes the wake-up on",
         test_woken_waiter_cancelled_passes_the_wakeup_on},
        {"a newcomer does not overtake a woken waiter", test_a_newcomer_does_not_overtake_a_woken_waiter},
        {"async with: release runs on cancellation and on an exception", test_async_with_releases_on_every_path},
        {"async with: releasing inside the body makes the exit fail", test_release_inside_async_with_is_an_error_at_exit},
        {"a lock is bound to the loop of its first wait", test_a_lock_is_bound_to_one_loop},
        {"a waiter whose loop closes leaves the queue", test_a_waiter_closed_with_its_loop_leaves_the_queue},
        {NULL, NULL},
    };
    return check_main("lock", tests, argc, argv);
}
