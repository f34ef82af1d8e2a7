/*
 * test_completion_queue.c - tests for exercise 18/completion_queue (see
 * completion_queue.h), on the virtual clock. A consumer task takes k
 * results and notes each with the time; the loop runs for a fixed time,
 * so a consumer that never gets its results fails instead of hanging.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "list.h"
#include "completion_queue.h"

static char trace[512];

static void note(const char *text)
{
    size_t n = strlen(trace);
    asy_loop *loop = asy_get_running_loop(NULL);
    snprintf(trace + n, sizeof trace - n, "%s%s@%.1f", n ? " " : "", text, loop ? asy_loop_time(loop) : -1.0);
}

/* async def consumer(q, k): for _ in range(k): try: note(await q.next()) except Exception as e: note(e) */
typedef struct {
    asy_coro co;
    completion_queue *q; /* owned */
    int k, i;
} consumer_frame;

static asy_status consumer_body(asy_coro *co)
{
    consumer_frame *f = (consumer_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->k; f->i++) {
        ASY_AWAIT_TRY(co, cq_next(f->q));
        if (ASY_EXC(co) != NULL) {
            asy_exc *e = ASY_CATCH(co);
            note(ASY_EXC_STR(e));
            asy_decref(e);
        } else {
            note(ASY_STR(ASY_SENT(co)));
        }
    }
    ASY_END(co);
}
static void consumer_clear(asy_gen *g) { asy_decref(((consumer_frame *)g)->q); }

static asy_exc *resolve(asy_value arg)
{
    asy_list *l = asy_value_list(arg);
    asy_future *f = asy_value_future(asy_list_get(l, 0));
    asy_value v = asy_list_get(l, 1);
    if (asy_value_exc(v) != NULL)
        asy_decref(asy_future_set_exception(f, asy_incref(asy_value_exc(v))));
    else if (asy_is_none(v))
        asy_future_cancel(f, NULL);
    else
        asy_decref(asy_future_set_result(f, asy_value_incref(v)));
    return NULL;
}

/* At `when`, complete f with v (stolen; None: cancel it). */
static void at(asy_loop *loop, double when, asy_future *f, asy_value v)
{
    asy_list *l = asy_list_new();
    asy_list_append(l, asy_future_value(f));
    asy_list_append(l, v);
    asy_decref(asy_loop_call_at(loop, when, resolve, asy_obj_value(l), NULL));
}

/* A loop, n futures, a queue over them, and a consumer of k results. */
typedef struct {
    asy_loop *loop;
    asy_future *f[4];
    size_t n;
    completion_queue *q;
    asy_task *consumer;
} setup;

static void start(setup *s, size_t n, int k)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    s->loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(s->loop != NULL);
    s->n = n;
    for (size_t i = 0; i < n; i++)
        s->f[i] = asy_future_new(s->loop);
    s->q = cq_new(n, s->f);
    consumer_frame *c = ASY_CORO_NEW(consumer_frame, consumer_body, "consumer");
    c->q = asy_incref(s->q);
    c->k = k;
    asy_gen_set_clear(&c->co, consumer_clear);
    s->consumer = asy_loop_create_task(s->loop, &c->co, NULL, NULL);
}

static void finish(setup *s)
{
    asy_result r = asy_loop_run_until_complete(s->loop, asy_sleep(100, asy_none()));
    asy_result_clear(&r);
    CHECK(asy_future_done(&s->consumer->fut)); /* it got all it waited for */
    asy_decref(s->consumer);
    asy_decref(s->q);
    for (size_t i = 0; i < s->n; i++)
        asy_decref(s->f[i]);
    CHECK_INT_EQ(asy_loop_scheduled_count(s->loop), 0);
    asy_decref(asy_loop_close(s->loop)); /* a stuck consumer is reported here */
    asy_decref(s->loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static asy_value error(const char *msg)
{
    asy_exc *e = asy_exc_new(&asy_ValueError, "%s", msg);
    asy_value v = asy_exc_value(e);
    asy_decref(e);
    return v;
}

static void test_results_in_completion_order(void)
{
    setup s;
    start(&s, 3, 3);
    at(s.loop, 3, s.f[0], asy_str("a"));
    at(s.loop, 1, s.f[1], asy_str("b"));
    at(s.loop, 2, s.f[2], asy_str("c"));
    finish(&s);
    CHECK_STR_EQ(trace, "b@1.0 c@2.0 a@3.0");
}

static void test_exceptions_and_cancellations_are_raised(void)
{
    setup s;
    start(&s, 3, 3);
    at(s.loop, 1, s.f[0], error("boom"));
    at(s.loop, 2, s.f[1], asy_none());
    at(s.loop, 3, s.f[2], asy_int(3));
    finish(&s);
    CHECK_STR_EQ(trace, "ValueError: boom@1.0 CancelledError@2.0 3@3.0");
}

static void test_results_wait_in_the_queue(void)
{
    /* all done before the consumer asks: they come out in completion order */
    setup s;
    start(&s, 3, 0);
    at(s.loop, 1, s.f[2], asy_str("first"));
    at(s.loop, 1, s.f[0], asy_str("second"));
    at(s.loop, 2, s.f[1], asy_str("third"));
    asy_result r = asy_loop_run_until_complete(s.loop, asy_sleep(5, asy_none()));
    asy_result_clear(&r);
    consumer_frame *c = ASY_CORO_NEW(consumer_frame, consumer_body, "consumer");
    c->q = asy_incref(s.q);
    c->k = 3;
    asy_gen_set_clear(&c->co, consumer_clear);
    asy_decref(s.consumer);
    s.consumer = asy_loop_create_task(s.loop, &c->co, NULL, NULL);
    finish(&s);
    CHECK_STR_EQ(trace, "first@5.0 second@5.0 third@5.0");
}

static void test_done_before_the_queue_was_made(void)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    setup s = {asy_loop_new(&opts, NULL), {NULL}, 2, NULL, NULL};
    CHECK_FATAL(s.loop != NULL);
    s.f[0] = asy_future_new(s.loop);
    s.f[1] = asy_future_new(s.loop);
    asy_decref(asy_future_set_result(s.f[1], asy_str("early")));
    s.q = cq_new(2, s.f);
    consumer_frame *c = ASY_CORO_NEW(consumer_frame, consumer_body, "consumer");
    c->q = asy_incref(s.q);
    c->k = 2;
    asy_gen_set_clear(&c->co, consumer_clear);
    s.consumer = asy_loop_create_task(s.loop, &c->co, NULL, NULL);
    at(s.loop, 1, s.f[0], asy_str("late"));
    finish(&s);
    CHECK_STR_EQ(trace, "early@0.0 late@1.0");
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"results come in completion order", test_results_in_completion_order},
        {"an exception or a cancellation is raised by next()", test_exceptions_and_cancellations_are_raised},
        {"results finished before anyone asks wait in the queue, in order", test_results_wait_in_the_queue},
        {"a future done before the queue was made comes out first", test_done_before_the_queue_was_made},
        {NULL, NULL},
    };
    return check_main("completion_queue", tests, argc, argv);
}
