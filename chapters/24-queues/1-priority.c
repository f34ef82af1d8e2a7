/*
 * 1-priority.c - the notes' PriorityQueue producer/consumer (seed 001
 * §4.3(5)), with the fixed sample 6 4 22 48 9 90 40.
 *
 * The producer puts every number without waiting (the queue is
 * unbounded), so all seven are queued before the consumer's first get():
 * they come out lowest first. Each is "fetched" (simulated, 0.1 s) under a
 * Semaphore(3), and task_done() lets join() return after the last one.
 * The notes' item is the tuple (num, num); in C it is priority num with
 * the value num. 1-priority.py is the same program in Python.
 */
#include <stdio.h>

#include "queue.h"
#include "runners.h"
#include "semaphore.h"
#include "task.h"

#define COUNT 7
static const int NUMBERS[COUNT] = {6, 4, 22, 48, 9, 90, 40};
static asy_semaphore *sema; /* sema = asyncio.Semaphore(3), made in main() */

/* async def fetch_async(a): await asyncio.sleep(0.1); return str(a) */
static asy_coro *fetch_async(long long a) { return asy_sleep(0.1, asy_strf("%lld", a)); }

/* async def collect_result(a):
 *     async with sema:
 *         return await fetch_async(a)                                     */
typedef struct {
    asy_coro co;
    long long a;
} collect_frame;

static asy_status collect_result_body(asy_coro *co)
{
    collect_frame *f = (collect_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_semaphore_acquire(sema));
    ASY_AWAIT_TRY(co, fetch_async(f->a));
    ASY_RAISE_IF(co, asy_semaphore_release(sema));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co))); /* with an exception pending, it goes on */
    ASY_END(co);
}

static asy_coro *collect_result(long long a)
{
    collect_frame *f = ASY_CORO_NEW(collect_frame, collect_result_body, "collect_result");
    f->a = a;
    return &f->co;
}

/* async def produce(queue):
 *     for num in NUMBERS:
 *         print('producing {}'.format(num))
 *         item = (num, num)
 *         await queue.put(item)                                           */
typedef struct {
    asy_coro co;
    asy_queue *queue; /* owned */
    int i;
    long long num;
} queue_frame;

static asy_status produce_body(asy_coro *co)
{
    queue_frame *f = (queue_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < COUNT; f->i++) {
        printf("producing %d\n", NUMBERS[f->i]);
        ASY_AWAIT(co, asy_queue_put_priority(f->queue, NUMBERS[f->i], asy_int(NUMBERS[f->i])));
    }
    ASY_END(co);
}

/* async def consume(queue):
 *     while 1:
 *         item = await queue.get()
 *         num = item[0]
 *         rs = await collect_result(num)
 *         print('consuming {}...'.format(rs))
 *         queue.task_done()                                               */
static asy_status consume_body(asy_coro *co)
{
    queue_frame *f = (queue_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_queue_get(f->queue));
        f->num = ASY_SENT(co).u.i;
        ASY_AWAIT(co, collect_result(f->num));
        printf("consuming %s...\n", ASY_STR(ASY_SENT(co)));
        ASY_RAISE_IF(co, asy_queue_task_done(f->queue));
    }
    ASY_END(co);
}

static void queue_clear(asy_gen *g) { asy_decref(((queue_frame *)g)->queue); }

static asy_coro *with_queue(asy_gen_body body, const char *name, asy_queue *queue)
{
    queue_frame *f = ASY_CORO_NEW(queue_frame, body, name);
    f->queue = asy_incref(queue);
    asy_gen_set_clear(&f->co, queue_clear);
    return &f->co;
}

/* async def run():
 *     queue = asyncio.PriorityQueue()
 *     consumer = asyncio.ensure_future(consume(queue))
 *     await produce(queue)
 *     await queue.join()
 *     consumer.cancel()                                                   */
typedef struct {
    asy_coro co;
    asy_queue *queue;     /* owned */
    asy_future *consumer; /* owned */
} run_frame;

static asy_status run_body(asy_coro *co)
{
    run_frame *f = (run_frame *)co;
    ASY_BEGIN(co);
    f->queue = asy_priority_queue_new(0);
    {
        asy_exc *err = NULL;
        f->consumer = asy_ensure_future(with_queue(consume_body, "consume", f->queue), NULL, &err);
        if (f->consumer == NULL)
            ASY_RAISE(co, err);
    }
    ASY_AWAIT(co, with_queue(produce_body, "produce", f->queue));
    ASY_AWAIT(co, asy_queue_join(f->queue));
    asy_future_cancel(f->consumer, NULL);
    ASY_END(co);
}

static void run_clear(asy_gen *g)
{
    run_frame *f = (run_frame *)g;
    asy_decref(f->consumer);
    asy_decref(f->queue);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    sema = asy_semaphore_new(3, NULL);
    run_frame *f = ASY_CORO_NEW(run_frame, run_body, "run");
    asy_gen_set_clear(&f->co, run_clear);
    asy_result r = asy_run(&f->co, &opts);               /* asyncio.run(run()) */
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    asy_decref(sema);
    return asy_obj_live() == 0 ? status : 1;
}
