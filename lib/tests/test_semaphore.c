/*
 * test_semaphore.c - asyncio.Semaphore and BoundedSemaphore (chapter 23)
 * on the virtual clock: the counter, never more than N inside, FIFO
 * wake-ups, no barging, waiters cancelled while queued and right after
 * they were handed a unit (no wake-up lost), and the bounded release.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "semaphore.h"
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

static int inside, max_inside;

/* async def worker(name, sem, hold):
 *     async with sem:
 *         note(f"{name}+@{now}"); await asyncio.sleep(hold)              */
typedef struct {
    asy_coro co;
    asy_semaphore *sem;
    const char *name;
    double hold;
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_semaphore_acquire(f->sem));
    if (ASY_EXC(co) != NULL) {
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
        ASY_RERAISE(co);
    }
    inside++;
    if (inside > max_inside)
        max_inside = inside;
    note("%s+@%.1f", f->name, now());
    ASY_AWAIT_TRY(co, asy_sleep(f->hold, asy_none()));
    inside--;
    ASY_RAISE_IF(co, asy_semaphore_release(f->sem));
    ASY_END(co);
}

static void worker_clear(asy_gen *g) { asy_decref(((worker_frame *)g)->sem); }

static asy_task *worker(asy_loop *loop, const char *name, asy_semaphore *sem, double hold)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
    f->sem = asy_incref(sem);
    f->name = name;
    f->hold = hold;
    asy_gen_set_clear(&f->co, worker_clear);
    return asy_loop_create_task(loop, &f->co, name, NULL);
}

static struct {
    asy_semaphore *sem;
    asy_task *task;
    asy_loop *loop;
} ctl;

static asy_exc *release_then_cancel(asy_value arg)
{
    (void)arg;
    note("release@%.1f", now());
    asy_decref(asy_semaphore_release(ctl.sem));
    note("cancel %s", asy_task_get_name(ctl.task));
    asy_task_cancel(ctl.task, NULL);
    return NULL;
}

static asy_exc *newcomer_then_release(asy_value arg)
{
    (void)arg;
    ctl.task = worker(ctl.loop, "n", ctl.sem, 1);
    note("release@%.1f", now());
    asy_decref(asy_semaphore_release(ctl.sem));
    return NULL;
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel %s", asy_task_get_name(asy_value_task(arg)));
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static asy_status acquire_now(asy_semaphore *sem)
{
    asy_coro *co = asy_semaphore_acquire(sem);
    asy_result r = asy_gen_send(co, asy_none());
    asy_status st = r.status;
    asy_result_clear(&r);
    asy_decref(co);
    return st;
}

/* A negative initial value is refused with Python's ValueError, handed to
 * the caller; nothing is printed. */
static void test_a_negative_initial_value_is_value_error(void)
{
    asy_exc *e = NULL;
    CHECK_NULL(asy_semaphore_new(-1, &e));
    CHECK(asy_exc_is(e, &asy_ValueError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Semaphore initial value must be >= 0");
    asy_decref(e);
    e = NULL;
    CHECK_NULL(asy_bounded_semaphore_new(-1, &e));
    CHECK(asy_exc_is(e, &asy_ValueError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "Semaphore initial value must be >= 0");
    asy_decref(e);
    CHECK_NULL(asy_semaphore_new(-5, NULL)); /* error NULL: released */
    asy_semaphore *zero = asy_bounded_semaphore_new(0, &e);
    CHECK_NOT_NULL(zero);
    CHECK_NULL(e);
    asy_decref(zero);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_the_counter(void)
{
    asy_exc *e = NULL;
    asy_semaphore *sem = asy_semaphore_new(2, &e);
    CHECK_FATAL(sem != NULL);
    CHECK_NULL(e);
    CHECK(strstr(ASY_REPR(asy_obj_value(sem)), "<asyncio.locks.Semaphore object at 0x") != NULL);
    CHECK(strstr(ASY_REPR(asy_obj_value(sem)), " [unlocked, value:2]>") != NULL);
    CHECK(!asy_semaphore_locked(sem));
    CHECK_INT_EQ(acquire_now(sem), ASY_RETURNED); /* no suspension while value > 0 */
    CHECK_INT_EQ(acquire_now(sem), ASY_RETURNED);
    CHECK_INT_EQ(asy_semaphore_value(sem), 0);
    CHECK(asy_semaphore_locked(sem));
    CHECK(strstr(ASY_REPR(asy_obj_value(sem)), " [locked]>") != NULL);
    CHECK_NULL(asy_semaphore_release(sem));
    CHECK_NULL(asy_semaphore_release(sem));
    CHECK_NULL(asy_semaphore_release(sem)); /* a plain Semaphore may grow */
    CHECK_INT_EQ(asy_semaphore_value(sem), 3);
    asy_decref(sem);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_bounded_semaphore_refuses_extra_releases(void)
{
    asy_semaphore *sem = asy_bounded_semaphore_new(1, NULL);
    CHECK_FATAL(sem != NULL);
    CHECK(asy_isinstance(sem, &asy_semaphore_type));
    CHECK(strstr(ASY_REPR(asy_obj_value(sem)), "<asyncio.locks.BoundedSemaphore object at 0x") != NULL);
    CHECK_ERR(asy_semaphore_release(sem), "ValueError: BoundedSemaphore released too many times");
    CHECK_INT_EQ(acquire_now(sem), ASY_RETURNED);
    CHECK_NULL(asy_semaphore_release(sem));
    CHECK_ERR(asy_semaphore_release(sem), "ValueError: BoundedSemaphore released too many times");
    CHECK_INT_EQ(asy_semaphore_value(sem), 1);
    asy_decref(sem);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_never_more_than_n_inside_and_fifo(void)
{
    asy_loop *loop = vloop();
    asy_semaphore *sem = asy_semaphore_new(2, NULL);
    inside = max_inside = 0;
    static const char *names[] = {"w1", "w2", "w3", "w4", "w5", "w6"};
    asy_task *t[6];
    for (int i = 0; i < 6; i++)
        t[i] = worker(loop, names[i], sem, 1);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_INT_EQ(asy_semaphore_waiter_count(sem), 4);
    CHECK(strstr(ASY_REPR(asy_obj_value(sem)), " [locked, waiters:4]>") != NULL);
    run_all(loop, t, 6);
    CHECK_STR_EQ(trace, "w1+@0.0 w2+@0.0 w3+@1.0 w4+@1.0 w5+@2.0 w6+@2.0");
    CHECK_INT_EQ(max_inside, 2);
    CHECK_INT_EQ(asy_semaphore_value(sem), 2);
    asy_decref(sem);
    done_with(loop);
}

static void test_cancelled_while_queued_takes_nothing(void)
{
    asy_loop *loop = vloop();
    asy_semaphore *sem = asy_semaphore_new(1, NULL);
    asy_task *t[3] = {worker(loop, "h", sem, 2), worker(loop, "w1", sem, 1), worker(loop, "w2", sem, 1)};
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(t[1]), NULL));
    run_all(loop, t, 3);
    CHECK_STR_EQ(trace, "h+@0.0 cancel w1 w1:CancelledError w2+@2.0");
    CHECK_INT_EQ(asy_semaphore_value(sem), 1);
    CHECK_INT_EQ(asy_semaphore_waiter_count(sem), 0);
    asy_decref(sem);
    done_with(loop);
}

static void test_woken_then_cancelled_passes_the_unit_on(void)
{
    asy_loop *loop = vloop();
    asy_semaphore *sem = asy_semaphore_new(0, NULL);
    asy_task *t[2] = {worker(loop, "w1", sem, 1), worker(loop, "w2", sem, 1)};
    ctl.sem = sem;
    ctl.task = t[0];
    asy_decref(asy_loop_call_later(loop, 1, release_then_cancel, asy_none(), NULL));
    run_all(loop, t, 2);
    /* w1 was handed the unit, then cancelled before it ran: it gives the
     * unit back and wakes w2 */
    CHECK_STR_EQ(trace, "release@1.0 cancel w1 w1:CancelledError w2+@1.0");
    CHECK_INT_EQ(asy_semaphore_value(sem), 1);
    asy_decref(sem);
    done_with(loop);
}

static void test_a_newcomer_queues_behind_a_woken_waiter(void)
{
    asy_loop *loop = vloop();
    asy_semaphore *sem = asy_semaphore_new(0, NULL);
    asy_task *w = worker(loop, "w", sem, 1);
    ctl.sem = sem;
    ctl.loop = loop;
    asy_decref(asy_loop_call_later(loop, 1, newcomer_then_release, asy_none(), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(5, asy_none()));
    asy_result_clear(&r);
    /* n's first step ran before w's wake-up, and found the unit taken:
     * release() had handed it to w already */
    CHECK_STR_EQ(trace, "release@1.0 w+@1.0 n+@2.0");
    CHECK_INT_EQ(asy_semaphore_value(sem), 1);
    asy_decref(w);
    asy_decref(ctl.task);
    asy_decref(sem);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a negative initial value is ValueError", test_a_negative_initial_value_is_value_error},
        {"the counter: acquire takes a unit without suspending, release gives it back",
         test_the_counter},
        {"BoundedSemaphore: releasing past the initial value is ValueError",
         test_bounded_semaphore_refuses_extra_releases},
        {"Semaphore(2): never more than two inside, woken in FIFO order", test_never_more_than_n_inside_and_fifo},
        {"a waiter cancelled while queued takes nothing", test_cancelled_while_queued_takes_nothing},
        {"a waiter cancelled after it was handed a unit passes it on", test_woken_then_cancelled_passes_the_unit_on},
        {"a newcomer queues behind a woken waiter", test_a_newcomer_queues_behind_a_woken_waiter},
        {NULL, NULL},
    };
    return check_main("semaphore", tests, argc, argv);
}
