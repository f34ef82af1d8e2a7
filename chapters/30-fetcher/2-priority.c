/*
 * Chapter 30, demo 2: the notes' PriorityQueue producer/consumer over
 * real HTTP (chapter 24's demo 1 simulated the fetch). The fixed sample
 * 6 4 22 48 9 90 40 is queued before the consumer's first get(), so the
 * numbers come out lowest first; each is fetched from the demo's own
 * server (/get?a=N, 0.1 s) under a Semaphore(3), through one keep-alive
 * connection. 2-priority.py is the same program in plain asyncio.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "queue.h"
#include "runners.h"
#include "semaphore.h"
#include "task.h"

#define COUNT 7
static const int NUMBERS[COUNT] = {6, 4, 22, 48, 9, 90, 40};
static asy_semaphore *sema; /* sema = asyncio.Semaphore(3), made in main() */

static asy_http_pool *pool; /* keep-alive connections */
static char base[64];       /* http://127.0.0.1:PORT */

/* async def fetch_async(a):
 *     status, body = await get(URL.format(a))
 *     return json.loads(body)['args']['a']
 * The value is what the server read from the query string: a str. */
typedef struct {
    asy_coro co;
    long long a;
    char url[96];
} fetch_frame;

static asy_status fetch_async_body(asy_coro *co)
{
    fetch_frame *f = (fetch_frame *)co;
    ASY_BEGIN(co);
    snprintf(f->url, sizeof f->url, "%s/get?a=%lld", base, f->a);
    ASY_AWAIT(co, asy_http_get(pool, f->url, 5.0));
    {
        const asy_http_response *r = asy_value_http_response(ASY_SENT(co));
        const char *b = asy_bytes_data(r->body), *key = "\"a\": \"";
        const char *p = strstr(b, key), *q = p ? strchr(p + strlen(key), '"') : NULL;
        if (q == NULL)
            ASY_RAISE(co, asy_exc_new(&asy_ValueError, "no args.a in %s", ASY_REPR(r->body)));
        ASY_RETURN(co, asy_strf("%.*s", (int)(q - p - strlen(key)), p + strlen(key)));
    }
    ASY_END(co);
}

static asy_coro *fetch_async(long long a)
{
    fetch_frame *f = ASY_CORO_NEW(fetch_frame, fetch_async_body, "fetch_async");
    f->a = a;
    return &f->co;
}

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
    asy_http_args_server srv;
    asy_server *server;   /* owned */
} run_frame;

static asy_status run_body(asy_coro *co)
{
    run_frame *f = (run_frame *)co;
    ASY_BEGIN(co);
    asy_http_args_server_init(&f->srv, 0.1); /* every answer takes 0.1 s */
    ASY_AWAIT(co, asy_start_server(&f->srv.handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    {
        asy_sockaddr addr;
        int fd;
        asy_server_sockets(f->server, &fd, 1);
        asy_decref(asy_sock_getsockname(fd, &addr));
        snprintf(base, sizeof base, "http://127.0.0.1:%d", asy_sockaddr_port(&addr));
    }
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
    ASY_AWAIT(co, asy_http_pool_close(pool));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_END(co);
}

static void run_clear(asy_gen *g)
{
    run_frame *f = (run_frame *)g;
    asy_decref(f->consumer);
    asy_decref(f->queue);
    asy_decref(f->server);
}

int main(void)
{
    sema = asy_semaphore_new(3, NULL);
    pool = asy_http_pool_new(0);
    run_frame *f = ASY_CORO_NEW(run_frame, run_body, "run");
    asy_gen_set_clear(&f->co, run_clear);
    asy_result r = asy_run(&f->co, NULL);               /* asyncio.run(run()) */
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    asy_decref(sema);
    asy_decref(pool);
    return asy_obj_live() == 0 ? status : 1;
}
