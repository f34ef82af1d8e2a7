/*
 * Chapter 30, demo 3: the fetcher's failure policy. asy_http_fetch_all
 * runs one task per URL in a TaskGroup, three at a time (a Semaphore),
 * each request under wait_for. A TaskGroup cancels everything when one
 * task raises; so each task catches its own request's error and stores it
 * beside the URL instead. Four URLs: an answer, a server too slow for the
 * 0.5 s timeout, a 404, a port where nobody listens. Every URL gets its
 * result or its error, in URL order. 3-failures.py is the same in
 * Python; 3-failures.sed hides the ports.
 *
 *     async def fetch_one(i, url):
 *         async with sema:
 *             try:
 *                 results[i] = await asyncio.wait_for(get(url), 0.5)
 *             except Exception as e:      # the policy: keep it, go on
 *                 errors[i] = e
 *
 *     async with asyncio.TaskGroup() as tg:
 *         for i, url in enumerate(urls):
 *             tg.create_task(fetch_one(i, url))
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "runners.h"
#include "task.h"

#define N 4
static const double DELAYS[3] = {0.05, 0.05, 1.0}; /* a=2 is too slow for 0.5 s */

typedef struct {
    asy_coro co;
    asy_http_args_server srv;
    asy_server *server;
    asy_http_pool *pool;
    char buf[N][96];
    const char *urls[N];
    asy_value results[N];
    asy_exc *errors[N];
} main_frame;

/* A port nobody listens on: bind one, read it, close it. */
static int free_port(void)
{
    asy_sockaddr a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 1;
    asy_exc *err = asy_sockaddr_resolve("127.0.0.1", 0, &a);
    asy_decref(err);
    if (fd >= 0 && err == NULL && bind(fd, (struct sockaddr *)&a.ss, a.len) == 0 && asy_sock_getsockname(fd, &a) == NULL)
        port = asy_sockaddr_port(&a);
    if (fd >= 0)
        close(fd);
    return port;
}

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    asy_http_args_server_init(&f->srv, 0.05);
    f->srv.delays = DELAYS;
    f->srv.ndelays = 3;
    ASY_AWAIT(co, asy_start_server(&f->srv.handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    {
        asy_sockaddr addr;
        int fd;
        asy_server_sockets(f->server, &fd, 1);
        asy_decref(asy_sock_getsockname(fd, &addr));
        int port = asy_sockaddr_port(&addr);
        snprintf(f->buf[0], sizeof f->buf[0], "http://127.0.0.1:%d/get?a=1", port);
        snprintf(f->buf[1], sizeof f->buf[1], "http://127.0.0.1:%d/get?a=2", port);
        snprintf(f->buf[2], sizeof f->buf[2], "http://127.0.0.1:%d/nothing", port);
        snprintf(f->buf[3], sizeof f->buf[3], "http://127.0.0.1:%d/get?a=3", free_port());
        for (int i = 0; i < N; i++)
            f->urls[i] = f->buf[i];
    }
    f->pool = asy_http_pool_new(0);
    ASY_AWAIT(co, asy_http_fetch_all(f->pool, f->urls, N, 3, 0.5, f->results, f->errors));
    {
        int ok = 0;
        for (int i = 0; i < N; i++) {
            asy_http_response *r = asy_value_http_response(f->results[i]);
            if (r != NULL) {
                ok++;
                printf("%s -> %d %.*s\n", f->urls[i], r->status, (int)strcspn(asy_bytes_data(r->body), "\n"),
                       asy_bytes_data(r->body));
            } else {
                printf("%s -> %s\n", f->urls[i], ASY_EXC_STR(f->errors[i]));
            }
        }
        printf("%d URLs: %d responses, %d errors\n", N, ok, N - ok);
    }
    ASY_AWAIT(co, asy_http_pool_close(f->pool));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < N; i++) {
        asy_value_clear(&f->results[i]);
        asy_decref(f->errors[i]);
    }
    asy_decref(f->pool);
    asy_decref(f->server);
}

int main(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
