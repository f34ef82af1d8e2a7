/*
 * Chapter 30, demo 1: the notes' Semaphore example over real HTTP. Twelve
 * GETs of /get?a=N, never more than three in flight, against a server the
 * demo starts itself (http.h's test server on start_server), which answers
 * {"args": {"a": "N"}} after a delay.
 *
 * The delays are chosen so that one request ends every 0.15 s: the order
 * of the lines is the same on every run, however busy the machine (a
 * noise of a few milliseconds cannot swap two events 150 ms apart).
 * Each task prints when it starts (with how many requests are inside the
 * semaphore) and what it fetched; main() follows the tasks with
 * as_completed and prints the progress. 1-fetch.py is the same program in
 * plain asyncio (streams, no aiohttp); 1-fetch.sed hides the port.
 */
#include <stdio.h>
#include <string.h>

#include "as_completed.h"
#include "http.h"
#include "runners.h"
#include "semaphore.h"
#include "task.h"

#define NUMBERS 12
/* fetches 0, 1, 2 end at 0.15, 0.30, 0.45 s; each later one starts when
 * one ends and takes 0.45 s, so ends come 0.15 s apart */
static const double DELAYS[3] = {0.15, 0.30, 0.45};
static asy_semaphore *sema; /* sema = asyncio.Semaphore(3) */
static asy_http_pool *pool; /* the keep-alive connections */
static char base[64];       /* http://127.0.0.1:PORT */
static int running;

/* data = json.loads(body); return data['args']['a'] -- enough of it. */
static asy_value json_args_a(const asy_http_response *r)
{
    const char *b = asy_bytes_data(r->body), *key = "\"a\": \"";
    const char *p = strstr(b, key), *q = p ? strchr(p + strlen(key), '"') : NULL;
    if (q == NULL)
        return asy_str("?");
    return asy_strf("%.*s", (int)(q - p - strlen(key)), p + strlen(key));
}

/* async def print_result(a):
 *     async with sema:
 *         running += 1
 *         print('fetch({}) starts, {} running'.format(a, running))
 *         r = await fetch_async(a)         # GET, json, ['args']['a']
 *         running -= 1
 *         print('fetch({}) = {}'.format(a, r))
 *     return r                                                            */
typedef struct {
    asy_coro co;
    int a;
    char url[96];
    asy_value r;
} print_result_frame;

static asy_status print_result_body(asy_coro *co)
{
    print_result_frame *f = (print_result_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_semaphore_acquire(sema));
    running++;
    printf("fetch(%d) starts, %d running\n", f->a, running);
    snprintf(f->url, sizeof f->url, "%s/get?a=%d", base, f->a);
    ASY_AWAIT_TRY(co, asy_http_get(pool, f->url, 5.0));
    running--;
    if (ASY_EXC(co) == NULL) {
        f->r = json_args_a(asy_value_http_response(ASY_SENT(co)));
        printf("fetch(%d) = %s\n", f->a, ASY_STR(f->r));
    }
    ASY_RAISE_IF(co, asy_semaphore_release(sema)); /* end of async with */
    ASY_RETURN(co, asy_value_incref(f->r));
    ASY_END(co);
}

static void print_result_clear(asy_gen *g) { asy_value_clear(&((print_result_frame *)g)->r); }

static asy_coro *print_result(int a)
{
    print_result_frame *f = ASY_CORO_NEW(print_result_frame, print_result_body, "print_result");
    asy_gen_set_clear(&f->co, print_result_clear);
    f->a = a;
    f->r = asy_none();
    return &f->co;
}

/* async def main():
 *     server = await asyncio.start_server(serve, '127.0.0.1', 0)
 *     tasks = [asyncio.create_task(print_result(n)) for n in NUMBERS]
 *     for i, t in enumerate(asyncio.as_completed(tasks), 1):
 *         await t
 *         print(f'[{i}/12 done]')                                         */
typedef struct {
    asy_coro co;
    asy_http_args_server srv;
    asy_server *server;
    asy_as_completed *ac;
    int done;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    asy_http_args_server_init(&f->srv, DELAYS[2]);
    f->srv.delays = DELAYS;
    f->srv.ndelays = 3;
    ASY_AWAIT(co, asy_start_server(&f->srv.handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    {
        asy_sockaddr addr;
        int fd;
        asy_server_sockets(f->server, &fd, 1);
        asy_decref(asy_sock_getsockname(fd, &addr));
        snprintf(base, sizeof base, "http://127.0.0.1:%d", asy_sockaddr_port(&addr));
        printf("serving on %s\n", base);
    }
    {
        void *aws[NUMBERS]; /* coroutines: as_completed makes them tasks, in this order */
        for (int i = 0; i < NUMBERS; i++)
            aws[i] = print_result(i);
        f->ac = asy_as_completed_new(NUMBERS, aws, ASY_NO_TIMEOUT);
    }
    while (asy_as_completed_left(f->ac) > 0) {
        ASY_AWAIT(co, asy_as_completed_next(f->ac));
        printf("[%d/%d done]\n", ++f->done, NUMBERS);
    }
    printf("%d fetches, at most %d at once on the server, %zu connections opened\n", NUMBERS, f->srv.peak,
           asy_http_pool_opened(pool));
    ASY_AWAIT(co, asy_http_pool_close(pool));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->ac);
    asy_decref(f->server);
}

int main(void)
{
    sema = asy_semaphore_new(3, NULL);
    pool = asy_http_pool_new(0);
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    asy_decref(pool);
    asy_decref(sema);
    return asy_obj_live() == 0 ? status : 1;
}
