/*
 * 2-back-pressure.c - maxsize back-pressure, task_done() and join().
 *
 * The producer is fast, the consumer takes 0.5 s per item. With maxsize=2
 * the producer gets at most two items ahead: each put() on a full queue
 * waits for a get(). join() returns when the last item has had its
 * task_done(), later than when the queue became empty.
 * 2-back-pressure.py is the same program in Python. Virtual clock.
 */
#include <stdio.h>

#include "queue.h"
#include "runners.h"
#include "task.h"

static double t0;

static const char *now(char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    return buf;
}
#define NOW() now((char[32]){0}, 32)

typedef struct {
    asy_coro co;
    asy_queue *q; /* owned */
    int n, i;
    long long item;
} queue_frame;

/* async def producer(q, n):
 *     for i in range(1, n + 1):
 *         await q.put(i)
 *         print(f"put {i} at {now()} s, qsize = {q.qsize()}")            */
static asy_status producer_body(asy_coro *co)
{
    queue_frame *f = (queue_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 1; f->i <= f->n; f->i++) {
        ASY_AWAIT(co, asy_queue_put(f->q, asy_int(f->i)));
        printf("put %d at %s s, qsize = %zu\n", f->i, NOW(), asy_queue_qsize(f->q));
    }
    ASY_END(co);
}

/* async def consumer(q):
 *     while True:
 *         item = await q.get()
 *         await asyncio.sleep(0.5)
 *         print(f"    done {item} at {now()} s")
 *         q.task_done()                                                   */
static asy_status consumer_body(asy_coro *co)
{
    queue_frame *f = (queue_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_queue_get(f->q));
        f->item = ASY_SENT(co).u.i;
        ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
        printf("    done %lld at %s s\n", f->item, NOW());
        ASY_RAISE_IF(co, asy_queue_task_done(f->q));
    }
    ASY_END(co);
}

static void queue_clear(asy_gen *g) { asy_decref(((queue_frame *)g)->q); }

static asy_coro *with_queue(asy_gen_body body, const char *name, asy_queue *q, int n)
{
    queue_frame *f = ASY_CORO_NEW(queue_frame, body, name);
    f->q = asy_incref(q);
    f->n = n;
    asy_gen_set_clear(&f->co, queue_clear);
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_queue *q;  /* owned */
    asy_task *c;   /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->q = asy_queue_new(2);
    f->c = asy_create_task(with_queue(consumer_body, "consumer", f->q, 0), NULL, &err);
    if (f->c == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, with_queue(producer_body, "producer", f->q, 6));
    printf("producer finished at %s s, qsize = %zu\n", NOW(), asy_queue_qsize(f->q));
    ASY_AWAIT(co, asy_queue_join(f->q));
    printf("join() returned at %s s\n", NOW());
    asy_task_cancel(f->c, NULL);
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->c);
    asy_decref(f->q);
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
