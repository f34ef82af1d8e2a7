/*
 * test_condition.c - asyncio.Condition (chapter 22) on the virtual clock:
 * misuse without the lock, notify(n) waking n waiters in order (each then
 * re-acquiring the lock in turn), notify_all, wait_for(predicate), and a
 * waiter cancelled in wait() - or while re-acquiring - that holds the lock
 * again before the CancelledError reaches it.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "condition.h"
#include "list.h"
#include "task.h"

static asy_loop *vloop(void)
{
    trace_reset();
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static double now(void) { return asy_loop_time(asy_get_running_loop(NULL)); }

#define CHECK_ERR(call, text)                                          \
    do {                                                               \
        asy_exc *e_ = (call);                                          \
        CHECK_STR_EQ(e_ != NULL ? ASY_EXC_STR(e_) : "no error", text); \
        asy_decref(e_);                                                \
    } while (0)

static void run_all(asy_loop *loop, asy_task **tasks, int n)
{
    for (int i = 0; i < n; i++) {
        asy_result r = asy_loop_run_until_complete(loop, asy_incref(tasks[i]));
        asy_result_clear(&r);
    }
    for (int i = 0; i < n; i++)
        asy_decref(tasks[i]);
}

/* The predicate of wait_for: false as Python's bool() says (None, '', an
 * empty list) until the counter reaches 3, then a true value that
 * wait_for hands back. */
static int counter;
static asy_value counter_reached_3(void *arg)
{
    (void)arg;
    note("pred(%d)", counter);
    switch (counter) {
    case 0:
        return asy_none();
    case 1:
        return asy_str("");
    case 2: {
        asy_list *empty = asy_list_new();
        return asy_obj_value(empty); /* steals our reference */
    }
    default:
        return asy_strf("ready at %d", counter);
    }
}

/* One coroutine for the consumers, the notifiers and the holder:
 *   consumer: async with cond: await cond.wait() (or wait_for); note; sleep(hold)
 *   notifier: await sleep(delay); async with cond: notify(n) / notify_all()
 *   holder:   async with cond: await sleep(hold)                          */
typedef enum { CONSUMER, WAIT_FOR, NOTIFIER, HOLDER, COUNTER } role;

typedef struct {
    asy_coro co;
    asy_condition *cond;
    role role;
    const char *name;
    double delay, hold;
    size_t n;     /* notifier: notify(n); (size_t)-1: notify_all() */
} actor_frame;

static asy_status actor_body(asy_coro *co)
{
    actor_frame *f = (actor_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    ASY_AWAIT(co, asy_condition_acquire(f->cond));           /* async with cond: */
    if (f->role == CONSUMER || f->role == WAIT_FOR) {
        note("%s waits@%.1f", f->name, now());
        ASY_AWAIT_TRY(co, f->role == CONSUMER ? asy_condition_wait(f->cond)
                                              : asy_condition_wait_for(f->cond, counter_reached_3, NULL));
        if (ASY_EXC(co) != NULL) {
            note("%s:%s@%.1f locked=%s", f->name, ASY_EXC_STR(ASY_EXC(co)), now(),
                 asy_condition_locked(f->cond) ? "True" : "False");
            goto unlock;
        }
        if (f->role == WAIT_FOR)
            note("%s woke with %s@%.1f", f->name, ASY_REPR(ASY_SENT(co)), now());
        else
            note("%s woke@%.1f", f->name, now());
    } else if (f->role == NOTIFIER) {
        note("%s notify(%s)@%.1f", f->name, f->n == (size_t)-1 ? "all" : ASY_STR(asy_int((long long)f->n)), now());
        ASY_RAISE_IF(co, f->n == (size_t)-1 ? asy_condition_notify_all(f->cond) : asy_condition_notify(f->cond, f->n));
    } else if (f->role == COUNTER) {
        for (counter = 1; counter <= 4; counter++) {
            note("count=%d@%.1f", counter, now());
            ASY_RAISE_IF(co, asy_condition_notify_all(f->cond));
            ASY_RAISE_IF(co, asy_condition_release(f->cond));
            ASY_AWAIT(co, asy_sleep(1, asy_none()));
            ASY_AWAIT(co, asy_condition_acquire(f->cond));
        }
    } else {
        note("%s holds@%.1f", f->name, now());
    }
    ASY_AWAIT_TRY(co, asy_sleep(f->hold, asy_none()));
unlock:
    ASY_RAISE_IF(co, asy_condition_release(f->cond));        /* end of async with */
    ASY_END(co);
}

static void actor_clear(asy_gen *g) { asy_decref(((actor_frame *)g)->cond); }

static asy_task *actor(asy_loop *loop, asy_condition *cond, role r, const char *name, double delay, double hold,
                       size_t n)
{
    actor_frame *f = ASY_CORO_NEW(actor_frame, actor_body, "actor");
    f->cond = asy_incref(cond);
    f->role = r;
    f->name = name;
    f->delay = delay;
    f->hold = hold;
    f->n = n;
    asy_gen_set_clear(&f->co, actor_clear);
    return asy_loop_create_task(loop, &f->co, name, NULL);
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel %s@%.1f", asy_task_get_name(asy_value_task(arg)), now());
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static void test_wait_and_notify_need_the_lock(void)
{
    asy_condition *cond = asy_condition_new(NULL);
    asy_coro *co = asy_condition_wait(cond);
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_STR_EQ(r.exc ? ASY_EXC_STR(r.exc) : "", "RuntimeError: cannot wait on un-acquired lock");
    asy_result_clear(&r);
    asy_decref(co);
    CHECK_ERR(asy_condition_notify(cond, 1), "RuntimeError: cannot notify on un-acquired lock");
    CHECK_ERR(asy_condition_notify_all(cond), "RuntimeError: cannot notify on un-acquired lock");
    CHECK(strstr(ASY_REPR(asy_obj_value(cond)), "<asyncio.locks.Condition object at 0x") != NULL);
    CHECK(strstr(ASY_REPR(asy_obj_value(cond)), " [unlocked]>") != NULL);
    asy_decref(cond);

    /* Condition(lock): the lock is shared; acquiring one takes the other */
    asy_lock *lock = asy_lock_new();
    cond = asy_condition_new(lock);
    CHECK(asy_condition_lock(cond) == lock);
    co = asy_condition_acquire(cond);
    r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    asy_decref(co);
    CHECK(asy_lock_locked(lock));
    CHECK(asy_condition_locked(cond));
    CHECK_NULL(asy_condition_notify(cond, 1)); /* held, nobody waiting: fine */
    CHECK_NULL(asy_lock_release(lock));
    CHECK(!asy_condition_locked(cond));
    CHECK_ERR(asy_condition_release(cond), "RuntimeError: Lock is not acquired.");
    asy_decref(cond);
    asy_decref(lock);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_notify_n_wakes_n_waiters_in_order(void)
{
    asy_loop *loop = vloop();
    asy_condition *cond = asy_condition_new(NULL);
    asy_task *t[5] = {
        actor(loop, cond, CONSUMER, "c1", 0, 1, 0),
        actor(loop, cond, CONSUMER, "c2", 0, 1, 0),
        actor(loop, cond, CONSUMER, "c3", 0, 1, 0),
        actor(loop, cond, NOTIFIER, "p", 1, 0, 2),
        actor(loop, cond, NOTIFIER, "q", 5, 0, 1),
    };
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(0.5, asy_none()));
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_condition_waiter_count(cond), 3);
    CHECK(!asy_condition_locked(cond)); /* wait() released it */
    run_all(loop, t, 5);
    /* c1 and c2 are notified together, but each must re-acquire the lock:
     * c2 gets it only when c1 leaves its async with, one second later. */
    CHECK_STR_EQ(trace, "c1 waits@0.0 c2 waits@0.0 c3 waits@0.0 p notify(2)@1.0 c1 woke@1.0 c2 woke@2.0 "
                        "q notify(1)@5.0 c3 woke@5.0");
    CHECK_INT_EQ(asy_condition_waiter_count(cond), 0);
    CHECK(!asy_condition_locked(cond));
    asy_decref(cond);
    done_with(loop);
}

static void test_notify_all_wakes_everyone(void)
{
    asy_loop *loop = vloop();
    asy_condition *cond = asy_condition_new(NULL);
    asy_task *t[4] = {
        actor(loop, cond, CONSUMER, "c1", 0, 0, 0),
        actor(loop, cond, CONSUMER, "c2", 0, 0, 0),
        actor(loop, cond, CONSUMER, "c3", 0, 0, 0),
        actor(loop, cond, NOTIFIER, "p", 2, 0, (size_t)-1),
    };
    run_all(loop, t, 4);
    CHECK_STR_EQ(trace, "c1 waits@0.0 c2 waits@0.0 c3 waits@0.0 p notify(all)@2.0 c1 woke@2.0 c2 woke@2.0 c3 woke@2.0");
    asy_decref(cond);
    done_with(loop);
}

static void test_wait_for_waits_until_the_predicate_holds(void)
{
    asy_loop *loop = vloop();
    asy_condition *cond = asy_condition_new(NULL);
    counter = 0;
    asy_task *t[2] = {
        actor(loop, cond, WAIT_FOR, "w", 0, 0, 0),
        actor(loop, cond, COUNTER, "k", 0.5, 0, 0),
    };
    run_all(loop, t, 2);
    /* the predicate is checked first, then after every wake-up, until its
     * value is true (None, '' and [] are not); wait_for returns that value */
    CHECK_STR_EQ(trace, "w waits@0.0 pred(0) count=1@0.5 pred(1) count=2@1.5 pred(2) count=3@2.5 pred(3) "
                        "w woke with 'ready at 3'@2.5 count=4@3.5");
    asy_decref(cond);
    done_with(loop);
}

/* A predicate that is true at once: no wait, its value comes back (a
 * count here: wait_for(lambda: stock // need) returns how many lots fit). */
static asy_value two_lots(void *arg)
{
    (void)arg;
    return asy_int(2);
}

typedef struct {
    asy_coro co;
    asy_condition *cond;
    asy_predicate_fn pred;
} wait_for_once_frame;

static asy_status wait_for_once_body(asy_coro *co)
{
    wait_for_once_frame *f = (wait_for_once_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_condition_acquire(f->cond));
    ASY_AWAIT_TRY(co, asy_condition_wait_for(f->cond, f->pred, NULL));
    if (ASY_EXC(co) != NULL) {
        note("raised %s", ASY_EXC_STR(ASY_EXC(co)));
        asy_decref(ASY_CATCH(co)); /* handled */
    } else
        note("returned %s (%s)", ASY_REPR(ASY_SENT(co)), asy_value_type_name(ASY_SENT(co)));
    ASY_RAISE_IF(co, asy_condition_release(f->cond));
    ASY_END(co);
}

static void test_wait_for_returns_the_predicate_value(void)
{
    asy_loop *loop = vloop();
    asy_condition *cond = asy_condition_new(NULL);
    asy_predicate_fn preds[] = {two_lots, NULL};
    for (int i = 0; i < 2; i++) {
        wait_for_once_frame *f = ASY_CORO_NEW(wait_for_once_frame, wait_for_once_body, "once");
        f->cond = cond; /* borrowed: cond outlives the run */
        f->pred = preds[i];
        asy_result r = asy_loop_run_until_complete(loop, &f->co);
        CHECK_INT_EQ(r.status, ASY_RETURNED);
        asy_result_clear(&r);
    }
    CHECK_STR_EQ(trace, "returned 2 (int) raised TypeError: a predicate function was expected, got NULL");
    CHECK(!asy_condition_locked(cond));
    CHECK_INT_EQ(asy_condition_waiter_count(cond), 0);
    asy_decref(cond);
    done_with(loop);
}

static void test_cancelled_waiter_reacquires_before_cancelled_error(void)
{
    asy_loop *loop = vloop();
    asy_condition *cond = asy_condition_new(NULL);
    asy_task *t[2] = {
        actor(loop, cond, CONSUMER, "c", 0, 0, 0),
        actor(loop, cond, HOLDER, "h", 0, 3, 0),
    };
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(t[0]), NULL));
    run_all(loop, t, 2);
    /* cancelled at 1.0, but h holds the lock until 3.0: the CancelledError
     * reaches c only then, with the lock held, and c's async with releases. */
    CHECK_STR_EQ(trace, "c waits@0.0 h holds@0.0 cancel c@1.0 c:CancelledError@3.0 locked=True");
    CHECK(!asy_condition_locked(cond));
    CHECK_INT_EQ(asy_condition_waiter_count(cond), 0);
    CHECK_INT_EQ(asy_lock_waiter_count(asy_condition_lock(cond)), 0);
    asy_decref(cond);
    done_with(loop);
}

static void test_cancelled_while_reacquiring_still_reacquires(void)
{
    asy_loop *loop = vloop();
    asy_condition *cond = asy_condition_new(NULL);
    /* p notifies at 1.0 and keeps the lock until 4.0; c is cancelled at 2.0
     * while it waits for the lock inside wait() */
    asy_task *t[2] = {
        actor(loop, cond, CONSUMER, "c", 0, 0, 0),
        actor(loop, cond, NOTIFIER, "p", 1, 3, 1),
    };
    asy_decref(asy_loop_call_later(loop, 2, cancel_task, asy_task_value(t[0]), NULL));
    run_all(loop, t, 2);
    CHECK_STR_EQ(trace, "c waits@0.0 p notify(1)@1.0 cancel c@2.0 c:CancelledError@4.0 locked=True");
    CHECK(!asy_condition_locked(cond));
    asy_decref(cond);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"wait() and notify() without the lock are RuntimeError; Condition(lock) shares the lock",
         test_wait_and_notify_need_the_lock},
        {"notify(2) wakes the first two waiters, and they re-acquire the lock in turn",
         test_notify_n_wakes_n_waiters_in_order},
        {"notify_all() wakes every waiter", test_notify_all_wakes_everyone},
        {"wait_for(predicate) checks first, then after every wake-up", test_wait_for_waits_until_the_predicate_holds},
        {"wait_for returns the predicate's value; a NULL predicate raises TypeError",
         test_wait_for_returns_the_predicate_value},
        {"a waiter cancelled in wait() holds the lock again before CancelledError reaches it",
         test_cancelled_waiter_reacquires_before_cancelled_error},
        {"a waiter cancelled while re-acquiring still re-acquires, then raises CancelledError",
         test_cancelled_while_reacquiring_still_reacquires},
        {NULL, NULL},
    };
    return check_main("condition", tests, argc, argv);
}
