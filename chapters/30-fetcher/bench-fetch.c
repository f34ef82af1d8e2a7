/*
 * bench-fetch.c - chapter 30's measurement: N GETs against the local
 * /get?a=N server, which answers each after a fixed delay, with the
 * fetcher's concurrency limit at 1, 3, 10 and 100.
 *
 * The prediction: the requests go in waves of `c`, each wave takes about
 * one delay, so the wall time is about ceil(N / c) * delay, until c is so
 * large that the CPU work per request (a few microseconds of parsing and
 * syscalls) starts to show. Run with `make bench CH=30`.
 */
#include <math.h>
#include <stdio.h>

#include "http.h"
#include "runners.h"
#include "task.h"

#define N 60
#define DELAY 0.02
static const long LIMITS[] = {1, 3, 10, 100};
#define NLIMITS (sizeof LIMITS / sizeof LIMITS[0])

typedef struct {
    asy_coro co;
    asy_http_args_server srv;
    asy_server *server;
    asy_http_pool *pool;
    char buf[N][64];
    const char *urls[N];
    asy_value results[N];
    asy_exc *errors[N];
    size_t k;
    double t0;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_loop *loop = asy_get_running_loop(NULL);
    ASY_BEGIN(co);
    asy_http_args_server_init(&f->srv, DELAY);
    ASY_AWAIT(co, asy_start_server(&f->srv.handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    {
        asy_sockaddr addr;
        int fd;
        asy_server_sockets(f->server, &fd, 1);
        asy_decref(asy_sock_getsockname(fd, &addr));
        for (int i = 0; i < N; i++) {
            snprintf(f->buf[i], sizeof f->buf[i], "http://127.0.0.1:%d/get?a=%d", asy_sockaddr_port(&addr), i);
            f->urls[i] = f->buf[i];
        }
    }
    printf("%d GETs, the server answers each after %.0f ms\n\n", N, DELAY * 1000);
    printf("| concurrency | predicted ceil(N/c) x delay | measured | connections | errors |\n");
    printf("|---:|---:|---:|---:|---:|\n");
    for (f->k = 0; f->k < NLIMITS; f->k++) {
        f->pool = asy_http_pool_new(0);
        f->t0 = asy_loop_time(loop);
        ASY_AWAIT(co, asy_http_fetch_all(f->pool, f->urls, N, LIMITS[f->k], 10.0, f->results, f->errors));
        {
            double took = asy_loop_time(loop) - f->t0;
            int errs = 0;
            for (int i = 0; i < N; i++) {
                errs += f->errors[i] != NULL;
                asy_value_clear(&f->results[i]);
                asy_decref(f->errors[i]);
                f->errors[i] = NULL;
            }
            printf("| %ld | %.3f s | %.3f s | %zu | %d |\n", LIMITS[f->k],
                   ceil((double)N / (double)LIMITS[f->k]) * DELAY, took, asy_http_pool_opened(f->pool), errs);
        }
        ASY_AWAIT(co, asy_http_pool_close(f->pool));
        asy_decref(f->pool);
        f->pool = NULL;
    }
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
