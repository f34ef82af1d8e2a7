/*
 * test_event.c - asyncio.Event (chapter 21) on the virtual clock: wait on
 * a set event does not suspend, one set() releases every waiter in order,
 * set-then-clear still wakes those already waiting, clear() makes later
 * waits block, and a cancelled waiter leaves the queue.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "event.h"
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

/* async def waiter(name, ev):
 *     note(f"{name}?"); await ev.wait(); note(f"{name}!@{now}")          */
typedef struct {
    asy_coro co;
    asy_event *ev;
    const char *name;
} waiter_frame;

static asy_status waiter_body(asy_coro *co)
{
    waiter_frame *f = (waiter_frame *)co;
    ASY_BEGIN(co);
    note("%s?", f->name);
    ASY_AWAIT_TRY(co, asy_event_wait(f->ev));
    if (ASY_EXC(co) != NULL)
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
    else
        note("%s!@%.1f=%s", f->name, now(), ASY_STR(ASY_SENT(co)));
    ASY_END(co);
}

static void waiter_clear(asy_gen *g) { asy_decref(((waiter_frame *)g)->ev); }

static asy_coro *waiter(const char *name, asy_event *ev)
{
    waiter_frame *f = ASY_CORO_NEW(waiter_frame, waiter_body, "waiter");
    f->ev = asy_incref(ev);
    f->name = name;
    asy_gen_set_clear(&f->co, waiter_clear);
    return &f->co;
}

static asy_exc *set_event(asy_value arg)
{
    note("set@%.1f", now());
    asy_event_set(asy_value_event(arg));
    return NULL;
}

static asy_exc *set_and_clear(asy_value arg)
{
    note("set+clear@%.1f", now());
    asy_event_set(asy_value_event(arg));
    asy_event_clear(asy_value_event(arg));
    return NULL;
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel %s", asy_task_get_name(asy_value_task(arg)));
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static void run_all(asy_loop *loop, asy_task **tasks, int n)
{
    for (int i = 0; i < n; i++) {
        asy_result r = asy_loop_run_until_complete(loop, asy_incref(tasks[i]));
        asy_result_clear(&r);
    }
    for (int i = 0; i < n; i++)
        asy_decref(tasks[i]);
}

static void test_wait_on_a_set_event_does_not_suspend(void)
{
    asy_event *ev = asy_event_new();
    CHECK(!asy_event_is_set(ev));
    CHECK(strstr(ASY_REPR(asy_obj_value(ev)), "<asyncio.locks.Event object at 0x") != NULL);
    CHECK(strstr(ASY_REPR(asy_obj_value(ev)), " [unset]>") != NULL);
    asy_event_set(ev);
    CHECK(asy_event_is_set(ev));
    CHECK(strstr(ASY_REPR(asy_obj_value(ev)), " [set]>") != NULL);
    /* no loop at all: the first send returns True */
    asy_coro *co = asy_event_wait(ev);
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "True");
    asy_result_clear(&r);
    asy_decref(co);
    asy_event_clear(ev);
    CHECK(!asy_event_is_set(ev));
    asy_decref(ev);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_one_set_releases_every_waiter_in_order(void)
{
    asy_loop *loop = vloop();
    asy_event *ev = asy_event_new();
    asy_task *t[3] = {asy_loop_create_task(loop, waiter("w1", ev), NULL, NULL),
                      asy_loop_create_task(loop, waiter("w2", ev), NULL, NULL),
                      asy_loop_create_task(loop, waiter("w3", ev), NULL, NULL)};
    asy_decref(asy_loop_call_later(loop, 1, set_event, asy_event_value(ev), NULL));
    asy_decref(asy_loop_call_later(loop, 2, set_event, asy_event_value(ev), NULL)); /* set twice: nothing */
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_INT_EQ(asy_event_waiter_count(ev), 3);
    CHECK(strstr(ASY_REPR(asy_obj_value(ev)), " [unset, waiters:3]>") != NULL);
    run_all(loop, t, 3);
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(5, asy_none()));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "w1? w2? w3? set@1.0 w1!@1.0=True w2!@1.0=True w3!@1.0=True set@2.0");
    CHECK_INT_EQ(asy_event_waiter_count(ev), 0); /* each waiter removed itself */
    CHECK(asy_event_is_set(ev));
    asy_decref(ev);
    done_with(loop);
}

static void test_set_then_clear_still_wakes_the_waiters(void)
{
    asy_loop *loop = vloop();
    asy_event *ev = asy_event_new();
    asy_task *t[2] = {asy_loop_create_task(loop, waiter("w1", ev), NULL, NULL),
                      asy_loop_create_task(loop, waiter("w2", ev), NULL, NULL)};
    asy_decref(asy_loop_call_later(loop, 1, set_and_clear, asy_event_value(ev), NULL));
    run_all(loop, t, 2);
    /* their futures were completed by set(): clear() cannot take that back */
    CHECK_STR_EQ(trace, "w1? w2? set+clear@1.0 w1!@1.0=True w2!@1.0=True");
    CHECK(!asy_event_is_set(ev));
    asy_decref(ev);
    done_with(loop);
}

static void test_clear_makes_later_waits_block(void)
{
    asy_loop *loop = vloop();
    asy_event *ev = asy_event_new();
    asy_event_set(ev);
    asy_task *t = asy_loop_create_task(loop, waiter("early", ev), NULL, NULL);
    run_all(loop, &t, 1); /* set: passes at once */
    asy_event_clear(ev);
    t = asy_loop_create_task(loop, waiter("late", ev), NULL, NULL);
    asy_decref(asy_loop_call_later(loop, 3, set_event, asy_event_value(ev), NULL));
    run_all(loop, &t, 1);
    CHECK_STR_EQ(trace, "early? early!@0.0=True late? set@3.0 late!@3.0=True");
    asy_decref(ev);
    done_with(loop);
}

static void test_a_cancelled_waiter_leaves_the_queue(void)
{
    asy_loop *loop = vloop();
    asy_event *ev = asy_event_new();
    asy_task *t[3] = {asy_loop_create_task(loop, waiter("w1", ev), "w1", NULL),
                      asy_loop_create_task(loop, waiter("w2", ev), "w2", NULL),
                      asy_loop_create_task(loop, waiter("w3", ev), "w3", NULL)};
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(t[1]), NULL));
    asy_decref(asy_loop_call_later(loop, 2, set_event, asy_event_value(ev), NULL));
    asy_result r = asy_loop_run_until_complete(loop, asy_sleep(1.5, asy_none()));
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_event_waiter_count(ev), 2);
    CHECK(asy_future_cancelled(&t[1]->fut));
    run_all(loop, t, 3);
    CHECK_STR_EQ(trace, "w1? w2? w3? cancel w2 w2:CancelledError set@2.0 w1!@2.0=True w3!@2.0=True");
    CHECK_INT_EQ(asy_event_waiter_count(ev), 0);
    asy_decref(ev);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"wait() on a set event returns True without suspending", test_wait_on_a_set_event_does_not_suspend},
        {"one set() releases every waiter, in the order they came", test_one_set_releases_every_waiter_in_order},
        {"set() then clear() still wakes the waiters already queued", test_set_then_clear_still_wakes_the_waiters},
        {"after clear(), a new wait() blocks until the next set()", test_clear_makes_later_waits_block},
        {"a cancelled waiter leaves the queue; the others still wake", test_a_cancelled_waiter_leaves_the_queue},
        {NULL, NULL},
    };
    return check_main("event", tests, argc, argv);
}
