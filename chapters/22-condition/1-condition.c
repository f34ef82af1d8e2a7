/*
 * 1-condition.c - the notes' condition example (seed 001 §4.3(3)).
 *
 * Two consumers hold the condition's lock and wait() (which releases it).
 * Round 1: a producer notifies one waiter, then (0.1 s later) two - only
 * one is left. Round 2: a second producer wakes both with notify_all().
 * Each woken consumer re-acquires the lock before it prints.
 * 1-condition.py is the same program in Python. Virtual clock.
 */
#include <stdio.h>

#include "condition.h"
#include "runners.h"
#include "task.h"

/* async def consumer(cond, name, second):
 *     await asyncio.sleep(second)
 *     async with cond:
 *         await cond.wait()
 *         print('{}: Resource is available to consumer'.format(name))     */
typedef struct {
    asy_coro co;
    asy_condition *cond; /* owned */
    const char *name;
    double second;
} consumer_frame;

static asy_status consumer_body(asy_coro *co)
{
    consumer_frame *f = (consumer_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->second, asy_none()));
    ASY_AWAIT(co, asy_condition_acquire(f->cond));        /* async with cond: */
    ASY_AWAIT_TRY(co, asy_condition_wait(f->cond));
    if (ASY_EXC(co) == NULL)
        printf("%s: Resource is available to consumer\n", f->name);
    ASY_RAISE_IF(co, asy_condition_release(f->cond));     /* end of async with */
    ASY_END(co);
}

/* async def producer(cond):
 *     await asyncio.sleep(2)
 *     for n in range(1, 3):
 *         async with cond:
 *             print('notifying consumer {}'.format(n))
 *             cond.notify(n=n)
 *         await asyncio.sleep(0.1)
 *
 * async def producer2(cond):
 *     await asyncio.sleep(2)
 *     async with cond:
 *         print('Making resource available')
 *         cond.notify_all()                                               */
typedef struct {
    asy_coro co;
    asy_condition *cond; /* owned */
    int n;
} producer_frame;

static asy_status producer_body(asy_coro *co)
{
    producer_frame *f = (producer_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(2, asy_none()));
    for (f->n = 1; f->n < 3; f->n++) {
        ASY_AWAIT(co, asy_condition_acquire(f->cond));    /* async with cond: */
        printf("notifying consumer %d\n", f->n);
        asy_decref(asy_condition_notify(f->cond, (size_t)f->n)); /* held: cannot fail */
        ASY_RAISE_IF(co, asy_condition_release(f->cond));
        ASY_AWAIT(co, asy_sleep(0.1, asy_none()));
    }
    ASY_END(co);
}

static asy_status producer2_body(asy_coro *co)
{
    producer_frame *f = (producer_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(2, asy_none()));
    ASY_AWAIT(co, asy_condition_acquire(f->cond));        /* async with cond: */
    printf("Making resource available\n");
    asy_decref(asy_condition_notify_all(f->cond));
    ASY_RAISE_IF(co, asy_condition_release(f->cond));
    ASY_END(co);
}

/* The frames own a reference to the condition. */
static void clear_cond(asy_gen *g) { asy_decref(((producer_frame *)g)->cond); }
static void consumer_clear(asy_gen *g) { asy_decref(((consumer_frame *)g)->cond); }

static asy_task *start_producer(asy_gen_body body, const char *name, asy_condition *cond)
{
    producer_frame *f = ASY_CORO_NEW(producer_frame, body, name);
    f->cond = asy_incref(cond);
    asy_gen_set_clear(&f->co, clear_cond);
    return asy_create_task(&f->co, NULL, NULL);
}

static asy_task *start_consumer(asy_condition *cond, const char *name, double second)
{
    consumer_frame *f = ASY_CORO_NEW(consumer_frame, consumer_body, "consumer");
    f->cond = asy_incref(cond);
    f->name = name;
    f->second = second;
    asy_gen_set_clear(&f->co, consumer_clear);
    return asy_create_task(&f->co, NULL, NULL);
}

/* async def main():
 *     condition = asyncio.Condition()
 *     task = asyncio.create_task(producer(condition))
 *     consumers = [asyncio.create_task(consumer(condition, name, index))
 *                  for index, name in enumerate(('c1', 'c2'))]
 *     for c in consumers:
 *         await c
 *     task.cancel()
 *     (the same with producer2)                                           */
typedef struct {
    asy_coro co;
    asy_condition *condition;  /* owned */
    asy_task *task;            /* owned */
    asy_task *consumers[2];    /* owned */
    int round, i;
} main_frame;

static void drop_tasks(main_frame *f)
{
    asy_decref(f->task);
    f->task = NULL;
    for (int i = 0; i < 2; i++) {
        asy_decref(f->consumers[i]);
        f->consumers[i] = NULL;
    }
}

static asy_status main_body(asy_coro *co)
{
    static const char *const names[] = {"c1", "c2"};
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->condition = asy_condition_new(NULL);
    for (f->round = 0; f->round < 2; f->round++) {
        f->task = f->round == 0 ? start_producer(producer_body, "producer", f->condition)
                                : start_producer(producer2_body, "producer2", f->condition);
        for (f->i = 0; f->i < 2; f->i++) /* enumerate(('c1', 'c2')): sleep 0 s, 1 s */
            f->consumers[f->i] = start_consumer(f->condition, names[f->i], f->i);
        for (f->i = 0; f->i < 2; f->i++)
            ASY_AWAIT(co, asy_incref(f->consumers[f->i]));
        asy_task_cancel(f->task, NULL);
        drop_tasks(f);
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    drop_tasks(f);
    asy_decref(f->condition);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
