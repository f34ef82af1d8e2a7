/*
 * test_transfer.c - tests for exercise 20/transfer (see transfer.h).
 * Everything runs on the virtual clock.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "transfer.h"

static account acc[3];

/* Report loop errors without formatting their source: freeing a task
 * whose exception nobody retrieved must not depend on the task's repr. */
static void quiet_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    fprintf(stderr, "loop: %s%s%s\n", ctx->message, ctx->exception ? ": " : "",
            ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static asy_loop *setup(void)
{
    for (int i = 0; i < 3; i++) {
        acc[i].id = i;
        acc[i].balance = 100;
        acc[i].lock = asy_lock_new();
    }
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, quiet_handler, NULL);
    return loop;
}

static void teardown(asy_loop *loop)
{
    for (int i = 0; i < 3; i++) {
        CHECK_MSG(!asy_lock_locked(acc[i].lock), "account %d's lock is still held at the end", i);
        asy_decref(acc[i].lock);
        acc[i].lock = NULL;
    }
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Run the loop for `seconds` of virtual time (a deadlock cannot hang it). */
static void run_for(asy_loop *loop, double seconds)
{
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(seconds, asy_none()));
    asy_result_clear(&r);
}

static void test_one_transfer_moves_the_money(void)
{
    asy_loop *loop = setup();
    asy_task *t = asy_loop_create_task(loop, transfer(&acc[0], &acc[1], 30, 1), NULL, NULL);
    CHECK_FATAL(t != NULL);
    run_for(loop, 0.5);
    CHECK_MSG(asy_lock_locked(acc[0].lock) && asy_lock_locked(acc[1].lock),
              "during the ledger's sleep both locks must be held");
    CHECK_INT_EQ(acc[0].balance, 70);
    run_for(loop, 1);
    CHECK(asy_future_done(&t->fut) && !asy_future_cancelled(&t->fut));
    CHECK_INT_EQ(acc[0].balance, 70);
    CHECK_INT_EQ(acc[1].balance, 130);
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.5, 1e-9);
    asy_decref(t);
    teardown(loop);
}

/* Take a free lock at once, from outside any task. */
static void hold(asy_lock *lock)
{
    asy_coro *co = asy_lock_acquire(lock);
    asy_result r = asy_gen_send(co, asy_none());
    asy_result_clear(&r);
    asy_decref(co);
}

static asy_exc *release_both(asy_value arg)
{
    (void)arg;
    asy_decref(asy_lock_release(acc[0].lock));
    asy_decref(asy_lock_release(acc[1].lock));
    return NULL;
}

static void test_opposite_transfers_do_not_deadlock(void)
{
    asy_loop *loop = setup();
    /* Both accounts are busy until 1.0 s, so both transfers must wait for
     * their first lock and then race for the second one. */
    hold(acc[0].lock);
    hold(acc[1].lock);
    asy_decref(asy_loop_call_later(loop, 1, release_both, asy_none(), NULL));
    asy_task *ab = asy_loop_create_task(loop, transfer(&acc[0], &acc[1], 10, 1), NULL, NULL);
    asy_task *ba = asy_loop_create_task(loop, transfer(&acc[1], &acc[0], 20, 1), NULL, NULL);
    run_for(loop, 10);
    CHECK_MSG(asy_future_done(&ab->fut) && asy_future_done(&ba->fut),
              "a->b and b->a are stuck: each holds one lock and waits for the other (take them lower id first)");
    CHECK_INT_EQ(acc[0].balance, 110);
    CHECK_INT_EQ(acc[1].balance, 90);
    if (!asy_future_done(&ab->fut))
        asy_task_cancel(ab, NULL);
    if (!asy_future_done(&ba->fut))
        asy_task_cancel(ba, NULL);
    run_for(loop, 1);
    asy_decref(ab);
    asy_decref(ba);
    teardown(loop);
}

static void test_insufficient_funds_releases_both_locks(void)
{
    asy_loop *loop = setup();
    asy_result r = asy_loop_run_until_complete(loop, transfer(&acc[2], &acc[0], 500, 1));
    CHECK_STR_EQ(r.exc != NULL ? ASY_EXC_STR(r.exc) : "no exception", "ValueError: insufficient funds");
    asy_result_clear(&r);
    CHECK_INT_EQ(acc[2].balance, 100);
    CHECK_INT_EQ(acc[0].balance, 100);
    teardown(loop);
}

static void test_cancelled_transfer_rolls_back_and_releases(void)
{
    asy_loop *loop = setup();
    asy_task *t = asy_loop_create_task(loop, transfer(&acc[1], &acc[2], 40, 5), NULL, NULL);
    asy_task *next = asy_loop_create_task(loop, transfer(&acc[2], &acc[1], 1, 1), NULL, NULL); /* waits for the locks */
    run_for(loop, 1);
    CHECK_INT_EQ(acc[1].balance, 60); /* debited, not yet credited */
    asy_task_cancel(t, NULL);
    run_for(loop, 0.5);
    CHECK_MSG(asy_future_cancelled(&t->fut), "the cancelled transfer must end cancelled (let the CancelledError go on)");
    /* (the waiting transfer 2->1 has the locks now and has debited acc[2]) */
    CHECK_MSG(acc[1].balance == 100, "the cancelled transfer's 40 did not come back: acc[1] = %lld",
              acc[1].balance);
    run_for(loop, 2); /* the waiting transfer gets the locks and finishes */
    CHECK_MSG(asy_future_done(&next->fut), "the next transfer never got the locks: were they released?");
    CHECK_INT_EQ(acc[1].balance, 101);
    CHECK_INT_EQ(acc[2].balance, 99);
    asy_decref(t);
    asy_decref(next);
    teardown(loop);
}

static void test_many_transfers_conserve_the_total(void)
{
    asy_loop *loop = setup();
    static const int from[] = {0, 1, 2, 1, 0, 2, 2, 0};
    static const int to[] = {1, 2, 0, 0, 2, 1, 0, 1};
    asy_task *t[8];
    for (int i = 0; i < 8; i++)
        t[i] = asy_loop_create_task(loop, transfer(&acc[from[i]], &acc[to[i]], 10 + i, 0.5), NULL, NULL);
    run_for(loop, 10);
    int done = 0;
    for (int i = 0; i < 8; i++) {
        done += asy_future_done(&t[i]->fut);
        if (!asy_future_done(&t[i]->fut))
            asy_task_cancel(t[i], NULL);
    }
    CHECK_INT_EQ(done, 8);
    CHECK_INT_EQ(acc[0].balance + acc[1].balance + acc[2].balance, 300);
    CHECK_INT_EQ(acc[0].balance, 100 - 10 - 14 - 17 + 12 + 13 + 16);
    run_for(loop, 1);
    for (int i = 0; i < 8; i++)
        asy_decref(t[i]);
    teardown(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"one transfer holds both locks and moves the money", test_one_transfer_moves_the_money},
        {"a->b and b->a at the same time do not deadlock", test_opposite_transfers_do_not_deadlock},
        {"insufficient funds: ValueError, nothing moved, both locks released",
         test_insufficient_funds_releases_both_locks},
        {"a transfer cancelled mid-ledger rolls back and releases both locks",
         test_cancelled_transfer_rolls_back_and_releases},
        {"eight concurrent transfers keep the total", test_many_transfers_conserve_the_total},
        {NULL, NULL},
    };
    return check_main("transfer", tests, argc, argv);
}
