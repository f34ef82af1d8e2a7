/*
 * test_queue.c - asyncio.Queue, LifoQueue, PriorityQueue (chapter 24) on
 * the virtual clock: the non-blocking operations and their exceptions,
 * the three orders (equal priorities in insertion order), getters served
 * in order, maxsize back-pressure, task_done / join, and cancelled getters
 * (queued, and woken-then-cancelled) that lose no wake-up.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "list.h"
#include "queue.h"
#include "task.h"

static int put_count; /* put_item's items: item1, item2, ... per test */

static asy_loop *vloop(void)
{
    trace_reset();
    put_count = 0;
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

/* get_nowait everything into the trace: "a b c" */
static void drain(asy_queue *q)
{
    while (!asy_queue_empty(q)) {
        asy_value v;
        asy_decref(asy_queue_get_nowait(q, &v));
        note("%s", ASY_STR(v));
        asy_value_decref(v);
    }
}

static void test_nowait_operations_and_their_exceptions(void)
{
    asy_queue *q = asy_queue_new(2);
    CHECK_INT_EQ(asy_queue_maxsize(q), 2);
    CHECK(asy_queue_empty(q));
    CHECK(!asy_queue_full(q));
    CHECK_NULL(asy_queue_put_nowait(q, asy_int(1)));
    CHECK_NULL(asy_queue_put_nowait(q, asy_str("two")));
    CHECK(asy_queue_full(q));
    CHECK_INT_EQ(asy_queue_qsize(q), 2);
    CHECK_ERR(asy_queue_put_nowait(q, asy_str("three")), "QueueFull"); /* the item is released */
    CHECK_STR_EQ(ASY_STR(asy_obj_value(q)), "<Queue maxsize=2 _queue=[1, 'two'] tasks=2>");
    CHECK(strstr(ASY_REPR(asy_obj_value(q)), "<Queue at 0x") != NULL);
    asy_value v;
    CHECK_NULL(asy_queue_get_nowait(q, &v));
    CHECK_STR_EQ(ASY_REPR(v), "1");
    CHECK_NULL(asy_queue_get_nowait(q, &v));
    CHECK_STR_EQ(ASY_REPR(v), "'two'");
    asy_value_decref(v);
    CHECK_ERR(asy_queue_get_nowait(q, &v), "QueueEmpty");
    CHECK(asy_is_none(v));
    CHECK(asy_exc_type_is(&asy_QueueEmpty, &asy_Exception) && asy_exc_type_is(&asy_QueueFull, &asy_Exception));
    CHECK_NULL(asy_queue_task_done(q));
    CHECK_NULL(asy_queue_task_done(q));
    CHECK_ERR(asy_queue_task_done(q), "ValueError: task_done() called too many times");
    asy_decref(q);

    q = asy_queue_new(0); /* unbounded: never full */
    for (int i = 0; i < 100; i++)
        CHECK_NULL(asy_queue_put_nowait(q, asy_int(i)));
    CHECK(!asy_queue_full(q));
    CHECK_INT_EQ(asy_queue_qsize(q), 100);
    asy_decref(q); /* frees what is still buffered */
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_fifo_ring_wraps_around(void)
{
    trace_reset();
    asy_queue *q = asy_queue_new(0);
    for (int round = 0; round < 3; round++) { /* head moves, the buffer grows */
        for (int i = 0; i < 6; i++)
            asy_decref(asy_queue_put_nowait(q, asy_int(round * 10 + i)));
        for (int i = 0; i < 4; i++) {
            asy_value v;
            asy_decref(asy_queue_get_nowait(q, &v));
            note("%s", ASY_STR(v));
        }
    }
    drain(q);
    CHECK_STR_EQ(trace, "0 1 2 3 4 5 10 11 12 13 14 15 20 21 22 23 24 25");
    asy_decref(q);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_lifo_and_priority_orders(void)
{
    trace_reset();
    asy_queue *q = asy_lifo_queue_new(0);
    CHECK(asy_isinstance(q, &asy_queue_type));
    for (int i = 1; i <= 4; i++)
        asy_decref(asy_queue_put_nowait(q, asy_int(i)));
    drain(q);
    CHECK_STR_EQ(trace, "4 3 2 1");
    asy_decref(q);

    trace_reset();
    q = asy_priority_queue_new(0);
    static const int sample[] = {6, 4, 22, 48, 9, 90, 40};
    for (int i = 0; i < 7; i++)
        asy_decref(asy_queue_put_nowait(q, asy_int(sample[i]))); /* a number is its own priority */
    drain(q);
    CHECK_STR_EQ(trace, "4 6 9 22 40 48 90");

    /* (priority, value): equal priorities come out in the values' order */
    trace_reset();
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_str("a")));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 0, asy_str("b")));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_str("c")));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 0, asy_str("d")));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_str("e")));
    CHECK_STR_EQ(ASY_STR(asy_obj_value(q)), "<PriorityQueue maxsize=0 _queue=[(0, 'b'), (0, 'd'), (1, 'c'), (1, 'a'), (1, 'e')] tasks=12>");
    drain(q);
    CHECK_STR_EQ(trace, "b d a c e");
    CHECK(asy_queue_empty(q));
    asy_decref(q);
    q = asy_queue_new(0);
    CHECK_ERR(asy_queue_put_priority_nowait(q, 1, asy_str("x")),
              "TypeError: only a PriorityQueue takes a priority (this is a Queue)");
    CHECK(asy_queue_empty(q));
    asy_decref(q);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Every expected line below is what CPython 3.11 prints for the same puts
 * (PriorityQueue of tuples, then bare items). */
static void drain_repr(asy_queue *q)
{
    while (!asy_queue_empty(q)) {
        asy_value v;
        asy_decref(asy_queue_get_nowait(q, &v));
        note("%s", ASY_REPR(v));
        asy_value_decref(v);
    }
}

static void test_priority_queue_orders_like_python_tuples(void)
{
    asy_queue *q = asy_priority_queue_new(0);
    /* Equal tuples that print differently, (2, 1) == (2, 1.0) == (2, True):
     * they come out in heapq's own order, as in Python. */
    static const struct {
        double priority;
        int kind; /* 0 int, 1 float, 2 bool, 3 str */
        const char *s;
    } items[] = {{2, 0, 0}, {2, 1, 0}, {2, 2, 0}, {0, 3, "z"}, {2, 1, 0},
                 {1, 3, "k"}, {2, 2, 0}, {2, 0, 0}, {1, 3, "j"}, {2, 1, 0}};
    trace_reset();
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        asy_value v = items[i].kind == 0   ? asy_int(1)
                      : items[i].kind == 1 ? asy_float(1.0)
                      : items[i].kind == 2 ? asy_bool(true)
                                           : asy_str(items[i].s);
        CHECK_NULL(asy_queue_put_priority_nowait(q, items[i].priority, v));
    }
    drain_repr(q);
    CHECK_STR_EQ(trace, "'z' 'j' 'k' True 1.0 True 1 1.0 1.0 1");

    /* bare items: strings by code point, numbers by value */
    trace_reset();
    static const char *fruit[] = {"pear", "apple", "fig", "banana"};
    for (int i = 0; i < 4; i++)
        CHECK_NULL(asy_queue_put_nowait(q, asy_str(fruit[i])));
    drain(q);
    CHECK_STR_EQ(trace, "apple banana fig pear");
    trace_reset();
    asy_value nums[] = {asy_int(3), asy_float(1.5), asy_bool(true), asy_int(2), asy_float(0.5), asy_bool(false)};
    for (int i = 0; i < 6; i++)
        CHECK_NULL(asy_queue_put_nowait(q, nums[i]));
    drain_repr(q);
    CHECK_STR_EQ(trace, "False 0.5 True 1.5 2 3");

    /* lists compare item by item, then by length */
    trace_reset();
    asy_list *l1 = asy_list_new(), *l2 = asy_list_new(), *l3 = asy_list_new();
    asy_list_append(l1, asy_int(2));
    asy_list_append(l1, asy_str("a"));
    asy_list_append(l2, asy_int(2));
    asy_list_append(l3, asy_int(1));
    asy_list_append(l3, asy_str("z"));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_obj_value(l1)));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_obj_value(l2)));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_obj_value(l3)));
    drain_repr(q);
    CHECK_STR_EQ(trace, "[1, 'z'] [2] [2, 'a']");

    /* equal tuples need no order: (1, None) twice is fine */
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_none()));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_none()));
    CHECK_INT_EQ(asy_queue_qsize(q), 2);
    drain(q);
    asy_decref(q);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Items that cannot be ordered: TypeError with Python's words, and the
 * queue left as it was (here put_nowait keeps nothing and get_nowait takes
 * nothing; CPython keeps the item, uncounted, and loses the one it was
 * returning: see queue.h). */
static void test_priority_queue_type_error_changes_nothing(void)
{
    asy_loop *loop = vloop();
    asy_queue *q = asy_priority_queue_new(0);
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_str("a")));
    CHECK_ERR(asy_queue_put_priority_nowait(q, 1, asy_int(2)),
              "TypeError: '<' not supported between instances of 'int' and 'str'");
    CHECK_ERR(asy_queue_put_nowait(q, asy_int(5)),
              "TypeError: '<' not supported between instances of 'int' and 'tuple'");
    CHECK_INT_EQ(asy_queue_qsize(q), 1);
    CHECK_INT_EQ(asy_queue_unfinished_tasks(q), 1);
    CHECK_STR_EQ(ASY_STR(asy_obj_value(q)), "<PriorityQueue maxsize=0 _queue=[(1, 'a')] tasks=1>");
    asy_decref(q);

    q = asy_priority_queue_new(0);
    CHECK_NULL(asy_queue_put_nowait(q, asy_none()));
    CHECK_ERR(asy_queue_put_nowait(q, asy_none()),
              "TypeError: '<' not supported between instances of 'NoneType' and 'NoneType'");
    asy_value v;
    CHECK_NULL(asy_queue_get_nowait(q, &v));
    CHECK(asy_is_none(v));
    asy_decref(q);

    /* Incomparable items that met no comparison on the way in: the pop
     * that must compare them raises, and takes nothing. Top (0, 'z'), then
     * (1, 'a') and (1, 2) side by side under it. */
    q = asy_priority_queue_new(0);
    CHECK_NULL(asy_queue_put_priority_nowait(q, 0, asy_str("z")));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_str("a")));
    CHECK_NULL(asy_queue_put_priority_nowait(q, 1, asy_int(2)));
    CHECK_ERR(asy_queue_get_nowait(q, &v), "TypeError: '<' not supported between instances of 'int' and 'str'");
    CHECK(asy_is_none(v));
    CHECK_INT_EQ(asy_queue_qsize(q), 3);
    CHECK_STR_EQ(ASY_STR(asy_obj_value(q)), "<PriorityQueue maxsize=0 _queue=[(0, 'z'), (1, 'a'), (1, 2)] tasks=3>");

    /* the same through await q.get(): the TypeError is raised at the await */
    asy_result r = asy_loop_run_until_complete(loop, asy_queue_get(q));
    CHECK_STR_EQ(r.status == ASY_RAISED ? ASY_EXC_STR(r.exc) : "returned",
                 "TypeError: '<' not supported between instances of 'int' and 'str'");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_queue_qsize(q), 3);
    /* and await q.put(): raised there too, the item not kept */
    r = asy_loop_run_until_complete(loop, asy_queue_put_priority(q, 0, asy_int(1)));
    CHECK_STR_EQ(r.status == ASY_RAISED ? ASY_EXC_STR(r.exc) : "returned",
                 "TypeError: '<' not supported between instances of 'int' and 'str'");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_queue_qsize(q), 3);
    asy_decref(q);
    done_with(loop);
}

/* async def getter(name, q): note(f"{name} got {await q.get()!r}@{now}") */
typedef struct {
    asy_coro co;
    asy_queue *q;
    const char *name;
    int count;       /* producer: how many items */
    double pause;    /* consumer: seconds per item */
    int i;
} qt_frame;

static asy_status getter_body(asy_coro *co)
{
    qt_frame *f = (qt_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_queue_get(f->q));
    if (ASY_EXC(co) != NULL)
        note("%s:%s", f->name, ASY_EXC_STR(ASY_EXC(co)));
    else
        note("%s got %s@%.1f", f->name, ASY_REPR(ASY_SENT(co)), now());
    ASY_END(co);
}

/* async def producer(q, n): for i in range(n): await q.put(i); note */
static asy_status producer_body(asy_coro *co)
{
    qt_frame *f = (qt_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 1; f->i <= f->count; f->i++) {
        ASY_AWAIT(co, asy_queue_put(f->q, asy_int(f->i)));
        note("put %d@%.1f", f->i, now());
    }
    ASY_END(co);
}

/* async def consumer(q, pause):
 *     while True:
 *         item = await q.get(); await asyncio.sleep(pause); note; q.task_done() */
static asy_status consumer_body(asy_coro *co)
{
    qt_frame *f = (qt_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_queue_get(f->q));
        f->i = (int)ASY_SENT(co).u.i;
        ASY_AWAIT(co, asy_sleep(f->pause, asy_none()));
        note("done %d@%.1f", f->i, now());
        ASY_RAISE_IF(co, asy_queue_task_done(f->q));
    }
    ASY_END(co);
}

/* async def joiner(q): await q.join(); note */
static asy_status joiner_body(asy_coro *co)
{
    qt_frame *f = (qt_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_queue_join(f->q));
    note("joined@%.1f", now());
    ASY_END(co);
}

static void qt_clear(asy_gen *g) { asy_decref(((qt_frame *)g)->q); }

static asy_task *spawn(asy_loop *loop, asy_gen_body body, asy_queue *q, const char *name, int count, double pause)
{
    qt_frame *f = ASY_CORO_NEW(qt_frame, body, name);
    f->q = asy_incref(q);
    f->name = name;
    f->count = count;
    f->pause = pause;
    asy_gen_set_clear(&f->co, qt_clear);
    return asy_loop_create_task(loop, &f->co, name, NULL);
}

static asy_exc *put_item(asy_value arg)
{
    note("put@%.1f", now());
    asy_decref(asy_queue_put_nowait((asy_queue *)arg.u.o, asy_strf("item%d", ++put_count)));
    return NULL;
}

static void test_getters_wait_and_are_served_in_order(void)
{
    asy_loop *loop = vloop();
    asy_queue *q = asy_queue_new(0);
    asy_task *t[2] = {spawn(loop, getter_body, q, "g1", 0, 0), spawn(loop, getter_body, q, "g2", 0, 0)};
    asy_decref(asy_loop_call_later(loop, 1, put_item, asy_obj_value(asy_incref(q)), NULL));
    asy_decref(asy_loop_call_later(loop, 2, put_item, asy_obj_value(asy_incref(q)), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_INT_EQ(asy_queue_getter_count(q), 2);
    CHECK_STR_EQ(ASY_STR(asy_obj_value(q)), "<Queue maxsize=0 _getters[2]>");
    run_all(loop, t, 2);
    CHECK_STR_EQ(trace, "put@1.0 g1 got 'item1'@1.0 put@2.0 g2 got 'item2'@2.0");
    CHECK_INT_EQ(asy_queue_getter_count(q), 0);
    asy_decref(q);
    done_with(loop);
}

static void test_maxsize_back_pressure(void)
{
    asy_loop *loop = vloop();
    asy_queue *q = asy_queue_new(2);
    asy_task *t[2] = {spawn(loop, producer_body, q, "p", 5, 0), spawn(loop, consumer_body, q, "c", 0, 1)};
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t[0]));
    asy_result_clear(&r);
    /* two go in at once, the third as soon as c takes the first; after
     * that each put waits for c to take the next one */
    CHECK_STR_EQ(trace, "put 1@0.0 put 2@0.0 put 3@0.0 done 1@1.0 put 4@1.0 done 2@2.0 put 5@2.0");
    CHECK_INT_EQ(asy_queue_qsize(q), 2);
    asy_task_cancel(t[1], NULL);
    run_all(loop, t, 2);
    asy_decref(q);
    done_with(loop);
}

static void test_task_done_and_join(void)
{
    asy_loop *loop = vloop();
    asy_queue *q = asy_queue_new(0);
    asy_result r = asy_loop_run_until_complete(loop, asy_queue_join(q)); /* nothing unfinished */
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_DBL_NEAR(asy_loop_time(loop), 0.0, 0);
    asy_result_clear(&r);
    for (int i = 1; i <= 3; i++)
        asy_decref(asy_queue_put_nowait(q, asy_int(i)));
    CHECK_INT_EQ(asy_queue_unfinished_tasks(q), 3);
    asy_task *t[2] = {spawn(loop, joiner_body, q, "j", 0, 0), spawn(loop, consumer_body, q, "c", 0, 1)};
    r = asy_loop_run_until_complete(loop, asy_incref(t[0]));
    asy_result_clear(&r);
    /* join() returns after the last task_done(), not when the queue empties */
    CHECK_STR_EQ(trace, "done 1@1.0 done 2@2.0 done 3@3.0 joined@3.0");
    CHECK_INT_EQ(asy_queue_unfinished_tasks(q), 0);
    asy_task_cancel(t[1], NULL);
    run_all(loop, t, 2);
    CHECK_ERR(asy_queue_task_done(q), "ValueError: task_done() called too many times");
    asy_decref(q);
    done_with(loop);
}

static asy_exc *cancel_task(asy_value arg)
{
    note("cancel %s", asy_task_get_name(asy_value_task(arg)));
    asy_task_cancel(asy_value_task(arg), NULL);
    return NULL;
}

static struct {
    asy_queue *q;
    asy_task *victim;
} race;

static asy_exc *put_then_cancel(asy_value arg)
{
    (void)arg;
    note("put");
    asy_decref(asy_queue_put_nowait(race.q, asy_str("x")));
    note("cancel %s", asy_task_get_name(race.victim));
    asy_task_cancel(race.victim, NULL);
    return NULL;
}

static void test_cancelled_getters_lose_no_wakeup(void)
{
    asy_loop *loop = vloop();
    asy_queue *q = asy_queue_new(0);
    /* cancelled while queued: it leaves, the put goes to the next */
    asy_task *t[2] = {spawn(loop, getter_body, q, "g1", 0, 0), spawn(loop, getter_body, q, "g2", 0, 0)};
    asy_decref(asy_loop_call_later(loop, 1, cancel_task, asy_task_value(t[0]), NULL));
    asy_decref(asy_loop_call_later(loop, 2, put_item, asy_obj_value(asy_incref(q)), NULL));
    run_all(loop, t, 2);
    CHECK_STR_EQ(trace, "cancel g1 g1:CancelledError put@2.0 g2 got 'item1'@2.0");

    /* woken by a put, then cancelled before it ran: it wakes the next */
    trace_reset();
    t[0] = spawn(loop, getter_body, q, "g3", 0, 0);
    t[1] = spawn(loop, getter_body, q, "g4", 0, 0);
    race.q = q;
    race.victim = t[0];
    asy_decref(asy_loop_call_later(loop, 1, put_then_cancel, asy_none(), NULL));
    run_all(loop, t, 2);
    CHECK_STR_EQ(trace, "put cancel g3 g3:CancelledError g4 got 'x'@3.0");
    CHECK_INT_EQ(asy_queue_getter_count(q), 0);
    CHECK(asy_queue_empty(q));
    asy_decref(q);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"put_nowait / get_nowait, qsize, full; QueueFull, QueueEmpty, task_done too often",
         test_nowait_operations_and_their_exceptions},
        {"a FIFO queue keeps its order while its ring buffer wraps and grows", test_fifo_ring_wraps_around},
        {"LifoQueue: last in first out; PriorityQueue: lowest first, ties by value",
         test_lifo_and_priority_orders},
        {"PriorityQueue orders like Python's tuples and heapq", test_priority_queue_orders_like_python_tuples},
        {"PriorityQueue: incomparable items raise TypeError and change nothing",
         test_priority_queue_type_error_changes_nothing},
        {"get() waits for a put, getters are served in order", test_getters_wait_and_are_served_in_order},
        {"maxsize: put() waits until a get makes room", test_maxsize_back_pressure},
        {"join() returns after the last task_done()", test_task_done_and_join},
        {"a cancelled getter (queued, or woken but not run) loses no wake-up", test_cancelled_getters_lose_no_wakeup},
        {NULL, NULL},
    };
    return check_main("queue", tests, argc, argv);
}
